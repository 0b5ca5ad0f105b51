"""Are the probabilities honest? Reliability tables for ``p_meet`` and interval coverage.

A calibrated ``p_meet`` means: of the targets called with ``p_meet`` near 0.8, about 80 % were
met. A calibrated 95 % interval means about 95 % of outcomes fall inside it, at every horizon.
Both are checked against realised outcomes (from :func:`mstarget.backtest`, or any table of
calls) and reported with a 95 % Wilson interval for the observed share, because the samples are
small (a plan has 10-30 indicators): a gap that lies inside the Wilson interval is not evidence
of miscalibration.

* :func:`reliability_table` -- ``p_meet`` in bins against the observed share met;
* :func:`coverage_by_horizon` -- observed coverage of the 80 % and 95 % intervals per model and
  horizon, from backtest details.

The charts are drawn by :func:`mstarget.reliability_charts.backtest_chart` and
:func:`mstarget.reliability_charts.reliability_chart` (also ``mstarget.report.*``).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .exceptions import ParameterError

#: Bin edges of ``p_meet``; the inner edges are the status thresholds (0.3 / 0.7) and 0.1 / 0.5 / 0.9.
RELIABILITY_BINS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)

RELIABILITY_COLUMNS = ["bin", "lo", "hi", "n", "mean_p_meet", "observed_met", "observed_lo",
                       "observed_hi"]
COVERAGE_COLUMNS = ["model", "h", "n", "coverage_80", "coverage_80_lo", "coverage_80_hi",
                    "coverage_95", "coverage_95_lo", "coverage_95_hi"]


def wilson_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial share (arrays broadcast; ``nan`` where ``n == 0``)."""
    from statsmodels.stats.proportion import proportion_confint  # lazy: heavy (statsmodels)

    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    safe = np.where(m > 0, m, 1.0)
    lo, hi = proportion_confint(np.where(m > 0, k, 0.0), safe, alpha=1 - confidence, method="wilson")
    return np.where(m > 0, lo, np.nan), np.where(m > 0, hi, np.nan)


def reliability_table(p_meet, met, bins: Sequence[float] = RELIABILITY_BINS) -> pd.DataFrame:
    """``p_meet`` in bins against the share of targets actually met.

    Parameters
    ----------
    p_meet : array-like of float, shape (n,)
        Called probabilities in [0, 1]; ``nan`` entries (no call) are dropped with their outcome.
    met : array-like of bool or 0/1, shape (n,)
        Realised outcome of each call.
    bins : sequence of float
        Increasing edges from 0 to 1; the last bin is closed on the right (``p_meet == 1``).

    Returns
    -------
    DataFrame
        One row per bin (``RELIABILITY_COLUMNS``): its label (e.g. ``[0.7, 0.9)``), edges, number
        of calls, mean ``p_meet``, observed share met and its 95 % Wilson interval (``nan`` for an
        empty bin).
    """
    p = np.asarray(p_meet, dtype=float).ravel()
    y = np.asarray(met, dtype=float).ravel()
    if p.shape != y.shape:
        raise ParameterError(f"p_meet and met must have the same length; got {p.size} and {y.size}.")
    edges = np.asarray(bins, dtype=float)
    if edges.size < 2 or edges[0] != 0 or edges[-1] != 1 or np.any(np.diff(edges) <= 0):
        raise ParameterError.invalid("bins", "reliability_table", "increasing edges from 0 to 1", bins)
    keep = np.isfinite(p)
    p, y = p[keep], y[keep]
    if np.any((p < 0) | (p > 1)):
        raise ParameterError(f"p_meet must lie in [0, 1]; got values from {p.min():g} to {p.max():g}.")
    if not np.all(np.isin(y, (0.0, 1.0))):
        raise ParameterError("met must be True/False (or 1/0) for every call with a p_meet.")
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, edges.size - 2)
    n = np.bincount(idx, minlength=edges.size - 1)
    k = np.bincount(idx, weights=y, minlength=edges.size - 1)
    psum = np.bincount(idx, weights=p, minlength=edges.size - 1)
    lo, hi = wilson_interval(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p, share = psum / n, k / n
    last = edges.size - 2
    labels = [f"[{edges[b]:g}, {edges[b + 1]:g}{']' if b == last else ')'}" for b in range(last + 1)]
    return pd.DataFrame({"bin": labels, "lo": edges[:-1], "hi": edges[1:], "n": n.astype(int),
                         "mean_p_meet": mean_p, "observed_met": share, "observed_lo": lo,
                         "observed_hi": hi}, columns=RELIABILITY_COLUMNS)


def coverage_by_horizon(details: pd.DataFrame) -> pd.DataFrame:
    """Observed coverage of the 80 % and 95 % intervals per model and horizon.

    Parameters
    ----------
    details : DataFrame
        Backtest details (:attr:`mstarget.backtest.BacktestResult.details`: ``model``, ``h``,
        ``in_80``, ``in_95``, one row per series, origin and horizon).

    Returns
    -------
    DataFrame
        ``COVERAGE_COLUMNS``: per model (in the order they appear) and horizon, the number of
        forecasts, the observed coverage of each interval and its 95 % Wilson interval.
    """
    missing = {"model", "h", "in_80", "in_95"} - set(details.columns)
    if missing:
        raise ParameterError(f"coverage_by_horizon needs backtest details with columns model, h, "
                             f"in_80, in_95; missing {sorted(missing)}.")
    if details.empty:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    g = details.groupby(["model", "h"], sort=False)
    out = g.agg(n=("in_80", "size"), k80=("in_80", "sum"), k95=("in_95", "sum")).reset_index()
    order = {m: i for i, m in enumerate(pd.unique(details["model"]))}
    out = out.sort_values(["model", "h"], key=lambda s: s.map(order) if s.name == "model" else s)
    for level in ("80", "95"):
        k = out[f"k{level}"].to_numpy(dtype=float)
        n = out["n"].to_numpy(dtype=float)
        lo, hi = wilson_interval(k, n)
        out[f"coverage_{level}"] = k / n
        out[f"coverage_{level}_lo"], out[f"coverage_{level}_hi"] = lo, hi
    out["h"] = out["h"].astype(int)
    return out[COVERAGE_COLUMNS].reset_index(drop=True)
