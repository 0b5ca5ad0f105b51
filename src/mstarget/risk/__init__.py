"""Sampling-failure risk: where will the next samples fail, and where should a budget go?

- :func:`score` — per group (category, sector, region...), the probability that a batch fails next
  period, shrunk by empirical-Bayes beta-binomial pooling and weighted toward recent periods, with
  columns saying why each score differs from the raw rate.
- :func:`features` — per-record features from each record's strict past: the entity's own
  history and exponentially weighted failure rates of its area.
- :func:`fit` — a calibrated per-record model (one row per inspection with an outcome 0/1).
- :func:`allocate` — integer batches per group summing to a budget: a coverage share in proportion
  to volume plus a risk-targeted share, with floors and caps, compared with even and
  volume-proportional plans.
- :func:`evaluate` — time-split evaluation: AUC, Brier, log loss, capture@k, failures found against
  even and volume-proportional plans, days earlier for re-ordered inspection schedules; ``.report()``
  says it in words.

Layers inside the package: ``periods`` → ``samples`` → ``shrinkage`` → ``score`` → ``allocate`` →
``evaluate``; ``features`` and ``records`` beside them; ``plot`` above ``score`` / ``allocate``;
``api`` (the tracked ``score``) on top.
"""
from __future__ import annotations

from .allocate import allocate
from .api import score
from .evaluate import RiskEvaluation, evaluate
from .features import features
from .periods import Period, parse_period, period_order
from .records import RiskModel, fit
from .shrinkage import BetaPrior

__all__ = ["score", "features", "fit", "allocate", "evaluate", "RiskModel", "RiskEvaluation",
           "BetaPrior", "Period", "parse_period", "period_order"]
