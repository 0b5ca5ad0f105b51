"""Forecast accuracy and calibration metrics (vectorised numpy, no pandas).

Conventions follow the M3 / M4 competitions:

* ``smape`` -- symmetric MAPE in percent, ``200 |a - f| / (|a| + |f|)`` (0 when both are 0);
* ``mase`` -- absolute error divided by the in-sample mean absolute yearly change of the
  training series (the naive-1 scale used for yearly data; a change across missing years counts as
  that many yearly changes, see :func:`naive_scale`);
* ``coverage`` -- share of actuals inside ``[lo, hi]``;
* ``msis`` -- the M4 mean scaled interval score of a ``1 - alpha`` interval:
  ``(hi - lo) + 2/alpha (lo - a)[a < lo] + 2/alpha (a - hi)[a > hi]``, divided by the scale;
* ``crps_samples`` -- CRPS of a sample ``x`` for outcome ``a``: ``E|X - a| - E|X - X'| / 2``;
* ``pinball`` -- quantile loss ``max(q (a - f), (q - 1)(a - f))``;
* ``brier`` -- mean squared difference between probabilities and 0/1 outcomes;
* ``bounded_gmean`` -- the weighted geometric mean of per-series scaled scores, each held within bounds first
  (Davydenko & Fildes' AvgRelMAE, applied to scaled CRPS): what ranks the models of a backtest.
"""
from __future__ import annotations

import numpy as np


def smape(actual, forecast) -> np.ndarray:
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    den = np.abs(a) + np.abs(f)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, 200.0 * np.abs(a - f) / den, 0.0)
    return out


def naive_scale(train, years=None) -> float:
    """Mean absolute yearly change of a training series (``nan`` with fewer than 2 points, or when it
    never changes).

    ``train``: its values, shape ``(n,)``, in year order; ``years``: their years, shape ``(n,)``
    (optional). With ``years``, a change across a gap (2017 -> 2021) counts as that many yearly changes
    of its average size (``|change| / 4`` here), so a series with missing years is scaled by its yearly
    change like any other, not by the change over the whole gap taken as one year's. Units: those of
    the values, per year."""
    y = np.asarray(train, dtype=float)
    t = None if years is None else np.asarray(years, dtype=float)
    keep = np.isfinite(y) if t is None else np.isfinite(y) & np.isfinite(t)
    y = y[keep]
    if y.size < 2:
        return float("nan")
    if t is None:
        s = float(np.mean(np.abs(np.diff(y))))
    else:
        order = np.argsort(t[keep], kind="stable")
        span = float(np.sum(np.diff(t[keep][order])))  # the yearly changes the observations stand for
        s = float(np.sum(np.abs(np.diff(y[order]))) / span) if span > 0 else float("nan")
    return s if s > 0 else float("nan")


def mase(actual, forecast, scale) -> np.ndarray:
    return np.abs(np.asarray(actual, dtype=float) - np.asarray(forecast, dtype=float)) / scale


def coverage(actual, lo, hi) -> np.ndarray:
    a = np.asarray(actual, dtype=float)
    return ((a >= np.asarray(lo, dtype=float)) & (a <= np.asarray(hi, dtype=float))).astype(float)


def interval_score(actual, lo, hi, alpha: float) -> np.ndarray:
    a, lo, hi = (np.asarray(v, dtype=float) for v in (actual, lo, hi))
    return (hi - lo) + (2.0 / alpha) * (lo - a) * (a < lo) + (2.0 / alpha) * (a - hi) * (a > hi)


def msis(actual, lo, hi, scale, alpha: float = 0.05) -> np.ndarray:
    return interval_score(actual, lo, hi, alpha) / scale


def crps_samples(samples, actual) -> np.ndarray:
    """CRPS of each column's sample for its outcome.

    Parameters
    ----------
    samples : array, shape (n_samples,) or (n_samples, k)
    actual : float or array, shape (k,)

    Returns
    -------
    array, shape () or (k,)
    """
    x = np.sort(np.asarray(samples, dtype=float), axis=0)
    a = np.asarray(actual, dtype=float)
    n = x.shape[0]
    term1 = np.mean(np.abs(x - a), axis=0)
    # E|X - X'| = 2/n^2 * sum_i (2i - n - 1) x_(i)   (sorted sample, i = 1..n)
    w = (2 * np.arange(1, n + 1) - n - 1).astype(float)
    if x.ndim > 1:
        w = w[:, None]
    term2 = np.sum(w * x, axis=0) / (n * n)
    return term1 - term2


def bounded_gmean(scores, weights=None, low: float = 0.01, high: float = 100.0) -> float:
    """Weighted geometric mean of scaled scores, each held within ``[low, high]`` first.

    ``scores``: one positive score per series, shape ``(n,)`` -- e.g. a series' mean scaled CRPS over its
    origins and horizons (units: typical yearly changes); ``weights``: shape ``(n,)``, e.g. the number of
    forecasts each score averages (optional: equal weights). Non-finite scores and their weights are left out;
    ``nan`` when none is left.

    Why a geometric mean: a scaled score is a ratio (the error over the series' in-sample yearly change), and
    ratios are averaged on a log scale (Davydenko & Fildes 2013, AvgRelMAE) -- a series scored 4 and one scored
    0.25 average to 1, not 2.1. Why the bounds: a score above ``high`` (a miss of 100+ typical yearly changes:
    a break in the data or a forecast that blew up) counts as ``high``, one below ``low`` as ``low``, so no one
    series can move the mean by more than a factor ``(high / low) ** (w / sum(weights))``. A ranking by this
    mean is the ranking by the geometric mean of each model's scores *relative to any common benchmark*
    (the benchmark's per-series scores cancel), so no benchmark model has to be run.
    """
    s = np.asarray(scores, dtype=float)
    w = np.ones_like(s) if weights is None else np.asarray(weights, dtype=float)
    keep = np.isfinite(s) & np.isfinite(w) & (w > 0)
    if not keep.any():
        return float("nan")
    logs = np.log(np.clip(s[keep], low, high))
    return float(np.exp(np.sum(w[keep] * logs) / np.sum(w[keep])))


def pinball(actual, forecast, q: float) -> np.ndarray:
    d = np.asarray(actual, dtype=float) - np.asarray(forecast, dtype=float)
    return np.maximum(q * d, (q - 1) * d)


def brier(prob, outcome) -> float:
    p, o = np.asarray(prob, dtype=float), np.asarray(outcome, dtype=float)
    ok = np.isfinite(p) & np.isfinite(o)
    return float(np.mean((p[ok] - o[ok]) ** 2)) if ok.any() else float("nan")
