"""``model="auto"``: a per-series choice by rolling-origin backtest, with a robust default.

The rule (also in the README of the ``forecast`` command):

* Every series starts from the **ensemble** (Theta, cross-learned global model, damped drift; see
  :mod:`mstarget.models.ensemble`): on M3 / Tourism yearly data it beats each candidate on
  average, so it is the default and the fallback.
* A series with at least ``MIN_POINTS`` (8) points is backtested on its own history: for the
  last ``ORIGINS`` (3) origins, each candidate in ``CANDIDATES`` is fitted on the truncated series
  (all series together, so the global member still cross-learns -- one global regressor trained
  on the data before the earliest origin serves all origins) and scored by its mean absolute
  error over up to ``SCORE_H`` (3) years ahead, scaled by the series' mean yearly change.
* A challenger replaces the ensemble only if its score is lower by more than ``MARGIN`` (70 %):
  three or four errors per series are noisy, and switching on noise loses accuracy. The margin
  was chosen on validation data only (M1 and the training parts of M3 / Tourism, through the
  engine; 0.5 / 0.6 / 0.7 / 0.8 gave mean sMAPE 18.26 / 18.21 / 18.17 / 18.24, the plain
  ensemble 18.23; ``benchmarks/RESULTS.md``).
* Yearly counts of rare incidents (unit 起 / 宗 / 例 or a name saying 事故 / 事件, whole numbers up
  to 20; ``EVENTS``), and the yearly flows of a few whole things -- a 〈〉 row's additions or a history
  whose ``measure`` is ``flow``, in 项 / 个 / 批次/年 ..., whole numbers up to 20
  (:func:`mstarget.forecast.is_flow_count`) -- use ``event_rate`` (:mod:`mstarget.models.events`) at any
  length: a Poisson rate (negative binomial when the counts come in lumps), not a trend on a log scale.
* A stock of a handful of whole things (unit 项 / 个 / 家 ..., at least two figures, whole numbers up
  to 20; ``SMALL_COUNTS``) uses ``small_count`` (:mod:`mstarget.models.counts`) at any length: yearly
  additions and removals counted as Poisson, not a growth rate on a log scale.
* A growth rate in % of 1-7 points (市场主体增长率, 研发经费年均增长: :func:`mstarget.units.is_growth_rate`;
  ``GROWTH_RATES``) uses ``growth_rate`` (:mod:`mstarget.models.growth`): a level that returns to its
  mean (AR(1), parameters sampled), not a drift (``experiments/plan_regime/growth_rates.py``).
* A rate of sampling inspections of 1-7 points (药品抽检合格率, 食品抽检不合格率, 检出率: a share in % or ‰,
  :func:`mstarget.units.is_sampling_rate`; ``SAMPLING_RATES``) uses ``local_level`` (:mod:`mstarget.models.level`):
  a level the year's samples scatter around, no drift (``experiments/sampling_rates``) -- unless it has 4+ points
  (``SAMPLING_TREND_POINTS``) whose yearly changes are steady (spread below ``STEADY_LONG`` of their mean: a failure
  rate falling 0.09, 0.085, 0.08, 0.075, 0.07 %): a trend, which ``pooled_drift`` carries as any steady series'.
* Other shorter series (1-7 points, ``SHORT``) use ``pooled_drift`` (:mod:`mstarget.models.pooled`): a
  drift on the model scale whose slope and noise are shrunk toward those of the other regions of
  the same indicator (:mod:`mstarget.pooling`), with interval factors learned on real policy
  indicators (classes by length, smoothness and peers, :mod:`mstarget.calibration`). This is the
  regime plans live in; the ensemble's damping and its M1 / M3 / Tourism factors made short,
  steady policy series' fans too wide and ``p_meet`` too pessimistic (issue 17; the evidence is
  in ``experiments/plan_regime``). Series of 8+ points (all of the M3 / Tourism benchmarks) are
  unaffected.
* The switch at 8 points was measured for 8, 10 and 12-point windows of the same policy corpus
  (``experiments/plan_regime/long_windows.py``, held-out factors, 2026-12-06): ``pooled_drift`` there
  lost to this rule on ECE and Brier in every (length, 1-5 years ahead) cell of the family mean
  (10 points, 2 years: Brier 0.202 against 0.177, ECE 0.141 against 0.099; its ``p_meet`` of
  1x-pace targets 0.46 against 0.43 met); kept as it is -- save for a **steady** trend:
* A series of 8-12 points (``STEADY_MAX_POINTS``) whose last 7 yearly changes on the model scale have
  a spread below ``STEADY_LONG`` (0.25) of their mean (:func:`mstarget.calibration.smoothness`: a stock
  growing 6-8 % every year; not a growth rate in %, a level that returns to its mean) uses ``pooled_drift``
  too. The damping that suits the average series is wrong
  for these: held out on the policy corpus (``experiments/plan_regime/steady_long.py``), family-mean
  Brier / ECE improve in every (8, 10, 12 points) x (1-5 years) cell, by 0.005-0.021 / 0.007-0.024, and a
  10-point steady series no longer drops from the ``p_meet`` of its last 7 points (1x-pace target 5 years
  on: 0.50 -> 0.87, 7 points 0.79). Longer series keep the ensemble: M3's steady series of 14-41 points
  lost 4.7 sMAPE points each undamped; M3, M1 and Tourism have no steady series of 8-12 points (unchanged).

The result's ``model`` column reads ``auto:<chosen>`` (e.g. ``auto:ensemble``, ``auto:drift``).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .exceptions import ModelFitError
from .models import GlobalModel, ModelSpec, model_class

DEFAULT = "ensemble"
#: ``auto``'s model for series shorter than ``MIN_POINTS``
SHORT = "pooled_drift"
#: ``auto``'s model for yearly counts of rare incidents (事故 in 起) or of a few whole things added a year
#: (a 〈〉 row's 项, 批次/年), at any length
EVENTS = "event_rate"
#: ``auto``'s model for a stock of a handful of whole things (0-20 项 / 个), at any length
SMALL_COUNTS = "small_count"
#: ``auto``'s model for a growth rate in % (增长率, 增速) of 1-7 points
GROWTH_RATES = "growth_rate"
#: ``auto``'s model for a rate of sampling inspections (抽检合格率, 不合格率, 检出率) of 1-7 points
SAMPLING_RATES = "local_level"
#: ... unless it has this many points or more and its yearly changes are steady (``STEADY_LONG``): a trend
SAMPLING_TREND_POINTS = 4
CANDIDATES = ("ensemble", "drift")
MIN_POINTS = 8
#: a series of ``MIN_POINTS`` to ``STEADY_MAX_POINTS`` points whose yearly changes (model scale, the last 7) have a
#: spread below this share of their mean (:func:`mstarget.calibration.smoothness`) is a steady trend: ``pooled_drift``
#: (undamped), not the damped ensemble
STEADY_LONG = 0.25
STEADY_MAX_POINTS = 12
ORIGINS = 3
SCORE_H = 3
MARGIN = 0.7


def _scale(z: np.ndarray) -> float:
    d = np.abs(np.diff(z))
    s = float(d.mean()) if d.size else 0.0
    return s if s > 1e-12 else 1.0


def _spec_for_scoring(name: str) -> ModelSpec:
    # point forecasts only: the global member can skip its out-of-fold residual fits
    return ModelSpec(name, {"global_oof": False}) if name == "ensemble" else ModelSpec(name)


def _fit_candidate(name: str, train: list, pri: list, shared_global):
    """The candidate fitted to every truncated series (the ensemble's ``global`` member given the
    regressor learned once, through the model contract's public hook ``fit_shared``); a series
    the candidate cannot be fitted to gets ``None``."""
    spec = _spec_for_scoring(name)
    cls = model_class(spec.name)
    if name == "ensemble" and shared_global is not None:
        return cls.fit_shared(train, pri, {"global": shared_global}, **spec.params)
    return cls.fit_many(train, pri, **spec.params)


def scoring_model(zs: Sequence[np.ndarray], priors: Sequence[float],
                  candidates: Sequence[str] = CANDIDATES, *, origins: int = ORIGINS,
                  min_points: int = MIN_POINTS):
    """What the backtest learns across series, once: the global regressor the ``ensemble``
    candidate uses at every origin, trained on every eligible series' data before its earliest
    origin (no leak); ``None`` when no candidate needs one or no series is eligible."""
    eligible = [i for i, z in enumerate(zs) if z.size >= min_points]
    if "ensemble" not in candidates or not eligible:
        return None
    return GlobalModel.learn_shared([zs[i][:-origins] for i in eligible], [priors[i] for i in eligible],
                                    oof=False)


def score_series(zs: Sequence[np.ndarray], priors: Sequence[float], candidates: Sequence[str],
                 shared_global, *, origins: int = ORIGINS, score_h: int = SCORE_H,
                 min_points: int = MIN_POINTS) -> np.ndarray:
    """Scaled mean absolute errors, shape (n_series, n_candidates); ``nan`` where not scored.

    Each series' scores depend only on the series and ``shared_global``
    (:func:`scoring_model` of all the series), so any chunk of the series gives the same rows.
    """
    n_s = len(zs)
    err = np.zeros((n_s, len(candidates)))
    cnt = np.zeros((n_s, len(candidates)))
    eligible = [i for i, z in enumerate(zs) if z.size >= min_points]
    if not eligible:
        return np.full((n_s, len(candidates)), np.nan)
    scales = {i: _scale(zs[i]) for i in eligible}
    for k in range(1, origins + 1):
        idx = [i for i in eligible if zs[i].size - k >= min_points - origins]
        if not idx:
            continue
        train = [zs[i][:-k] for i in idx]
        pri = [priors[i] for i in idx]
        h = min(k, score_h)
        for c, name in enumerate(candidates):
            try:
                fitted = _fit_candidate(name, train, pri, shared_global)
            except ModelFitError:  # this candidate cannot be scored at this origin
                continue
            for i, m in zip(idx, fitted):
                if m is None:
                    continue
                actual = zs[i][-k:][:h]
                f = m.predict(h)
                err[i, c] += float(np.abs(actual - f).sum()) / scales[i]
                cnt[i, c] += h
    with np.errstate(invalid="ignore", divide="ignore"):
        out = err / cnt
    out[cnt == 0] = np.nan
    return out


def backtest_scores(zs: Sequence[np.ndarray], priors: Sequence[float],
                    candidates: Sequence[str], *, origins: int = ORIGINS,
                    score_h: int = SCORE_H, min_points: int = MIN_POINTS) -> np.ndarray:
    """Scaled mean absolute errors, shape (n_series, n_candidates); ``nan`` where not scored
    (:func:`scoring_model` then :func:`score_series` on every series)."""
    shared = scoring_model(zs, priors, candidates, origins=origins, min_points=min_points)
    return score_series(zs, priors, candidates, shared, origins=origins, score_h=score_h,
                        min_points=min_points)


def pick(scores: np.ndarray, *, candidates: Sequence[str] | None = None,
         margin: float | None = None) -> list[str]:
    """The ``auto`` choice per row of :func:`score_series`'s scores (see the module docstring)."""
    margin = MARGIN if margin is None else margin
    candidates = CANDIDATES if candidates is None else tuple(candidates)
    out = []
    d = list(candidates).index(DEFAULT)
    for row in scores:
        choice = DEFAULT
        if np.isfinite(row[d]):
            best = int(np.nanargmin(np.where(np.isfinite(row), row, np.inf)))
            if best != d and row[best] < (1.0 - margin) * row[d]:
                choice = candidates[best]
        out.append(choice)
    return out


def choose(zs: Sequence[np.ndarray], priors: Sequence[float], *,
           candidates: Sequence[str] | None = None, margin: float | None = None) -> list[str]:
    """The ``auto`` choice for each series (model-scale values), see the module docstring."""
    candidates = CANDIDATES if candidates is None else tuple(candidates)
    return pick(backtest_scores(zs, priors, candidates), candidates=candidates, margin=margin)
