"""Sampling-failure risk: where will the next samples fail, and where should a budget go?

- :func:`score` — per group (category, sector, region...), the probability that a batch fails next
  period, shrunk by empirical-Bayes beta-binomial pooling and weighted toward recent periods.
- :func:`fit` — a calibrated per-record model (one row per inspection with an outcome 0/1).
- :func:`allocate` — integer batches per group summing to a budget, maximising expected failures found.
- :func:`evaluate` — time-split evaluation: AUC, Brier, log loss, capture@k, lift against even and
  volume-proportional plans, and days earlier for re-ordered inspection schedules.
"""
from __future__ import annotations

from .allocate import allocate
from .evaluate import RiskEvaluation, evaluate
from .periods import Period, parse_period, period_order
from .records import RiskModel, fit
from .score import score
from .shrinkage import BetaPrior

__all__ = ["score", "fit", "allocate", "evaluate", "RiskModel", "RiskEvaluation", "BetaPrior",
           "Period", "parse_period", "period_order"]
