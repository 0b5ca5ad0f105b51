"""``score``: where will the next samples fail? Shrunken, recency-weighted failure probabilities."""
from __future__ import annotations

import math
import warnings
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..exceptions import MstargetWarning, ParameterError
from .samples import check_by, resolve_as_of, validate_samples
from .shrinkage import shrink

SCORE_COLUMNS = ("tested", "failed", "rate", "risk", "risk_lo", "risk_hi", "rank")
TOTAL_LABELS = frozenset({"合计", "总计", "小计", "全部", "total", "all", "sum"})
DEFAULT_HALF_LIFE = 2.0
DEFAULT_LEVEL = 0.90


def decay_weights(ends: np.ndarray, ref_end: int, half_life: float | None) -> np.ndarray:
    """Weight of each period: ``0.5 ** (age / half_life)``, age in years from the latest period's end.

    Parameters
    ----------
    ends : array of int, shape (R,)
        Last month (``year * 12 + month - 1``) of each row's period.
    ref_end : int
        Last month of the most recent period used.
    half_life : float or None
        Years after which a period counts half; ``None`` or ``inf`` gives every period weight 1.
    """
    ends = np.asarray(ends, float)
    if half_life is None or math.isinf(half_life):
        return np.ones_like(ends)
    age = (ref_end - ends) / 12.0
    return np.power(0.5, age / half_life)


def score(samples, by: Sequence[str] | str = ("category",), as_of=None, *,
          half_life: float | None = DEFAULT_HALF_LIFE, level: float = DEFAULT_LEVEL,
          hierarchical: bool = True, period: str | None = "period", outcome: str | None = None,
          drop_totals: bool = True, track: bool = False, tracking_settings=None) -> pd.DataFrame:
    """Predicted probability that a batch of each group fails in the next period, with an interval.

    Raw rates are shrunk by empirical-Bayes beta-binomial pooling (see
    :mod:`mstarget.risk.shrinkage`): small groups are pulled toward their parent's rate so they do
    not top the list by luck. ``by`` is read as a hierarchy, outermost first: with
    ``by=["sector", "category"]`` categories are shrunk toward their sector and sectors toward the
    total. Recent periods weigh more: a period ``t`` years older than the latest one counts
    ``0.5 ** (t / half_life)`` times its batches, so a drifting base rate is tracked.

    Parameters
    ----------
    samples : DataFrame or path
        Sampling counts, one row per group and period: ``period``, the ``by`` columns,
        ``tested`` and ``failed`` (integer batches). Per-batch records (one row per batch, an
        outcome column of 0/1 and no ``tested`` column) are aggregated first.
    by : str or list of str
        Grouping columns, outermost level first.
    as_of : int or str, optional
        Use only periods ending no later than this one (``2022``, ``"2022H1"``, ``"2022-06"``).
        Default: all periods.
    half_life : float or None, default 2.0
        Half-life of period weights, in years. ``None`` weighs all periods equally.
    level : float, default 0.90
        Probability content of the interval ``[risk_lo, risk_hi]`` (equal-tailed, from the beta
        posterior of the group's failure rate).
    hierarchical : bool, default True
        Pool along the ``by`` hierarchy; ``False`` pools all groups toward one overall rate.
    period : str or None, default "period"
        Name of the period column; ``None`` if the table is a single period without one.
    outcome : str, optional
        Outcome column of per-batch records (default: ``failed``/``outcome``/``unqualified``).
    drop_totals : bool, default True
        Drop rows whose group is a total (``合计``, ``总计``, ``小计``, ``total``, ``all``) so they
        are not counted twice; a warning says how many.
    track : bool, default False
        Log one MLflow run (parameters, the score table, the ranked-risk chart) to the store of
        ``tracking_settings``; a failing store gives a ``TrackingWarning``, never a lost result.
    tracking_settings : mstarget.tracking.TrackingSettings, optional

    Returns
    -------
    DataFrame
        One row per group, riskiest first, with columns: the ``by`` columns; ``tested``,
        ``failed`` (int, batches in the periods used, unweighted); ``rate`` (``failed / tested``,
        raw); ``risk`` (posterior mean failure probability of one batch next period, 0-1);
        ``risk_lo``, ``risk_hi`` (``level`` interval of that probability); ``rank`` (int, 1 =
        riskiest). ``.attrs["risk"]`` holds the settings, the periods used and the fitted priors.

    Raises
    ------
    DataValidationError
        Missing columns, non-integer or negative counts, ``failed > tested``, unknown period
        formats (every bad cell, with spreadsheet row and column).
    ParameterError
        Bad ``as_of``, ``half_life`` or ``level``, or no period on or before ``as_of``.
    """
    by = check_by(by)
    if half_life is not None and not (isinstance(half_life, (int, float)) and half_life > 0):
        raise ParameterError.invalid("half_life", "mstarget.risk.score",
                                     "a positive number of years or None", half_life)
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise ParameterError.invalid("level", "mstarget.risk.score", "a probability in (0, 1)", level)
    as_of_p = resolve_as_of(as_of)
    agg, src = validate_samples(samples, by, period=period, outcome=outcome)

    if drop_totals:
        is_total = np.zeros(len(agg), dtype=bool)
        for c in by:
            is_total |= agg[c].str.strip().str.lower().isin(TOTAL_LABELS).to_numpy()
        if is_total.any() and not is_total.all():
            warnings.warn(f"{int(is_total.sum())} total rows (合计/总计/total) were left out of "
                          f"{src} so that batches are not counted twice; pass drop_totals=False "
                          "to keep them", MstargetWarning, stacklevel=2)
            agg = agg[~is_total].reset_index(drop=True)

    if as_of_p is not None:
        used = agg[agg["_end"] <= as_of_p.end]
        if used.empty:
            first = agg.iloc[0]["period"]
            raise ParameterError(f"No period in {src} ends on or before as_of={as_of_p.label}; "
                                 f"the earliest period is {first}. Choose a later as_of.")
        agg = used.reset_index(drop=True)

    ref_end = int(agg["_end"].max())
    w = decay_weights(agg["_end"].to_numpy(), ref_end, half_life)
    agg = agg.assign(_wt=agg["tested"] * w, _wf=agg["failed"] * w)
    g = agg.groupby(by, sort=True, as_index=False).agg(
        tested=("tested", "sum"), failed=("failed", "sum"), _wt=("_wt", "sum"), _wf=("_wf", "sum"))
    parents = [g[c].to_numpy() for c in by[:-1]] if hierarchical else []
    if not hierarchical and len(by) > 1:
        parents = []
    post, priors = shrink(g["_wf"].to_numpy(), g["_wt"].to_numpy(), parents)
    alpha = (1.0 - level) / 2.0
    out = g[by].copy()
    out["tested"] = g["tested"].astype("int64")
    out["failed"] = g["failed"].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = np.where(g["tested"] > 0, g["failed"] / g["tested"].where(g["tested"] > 0, 1),
                               np.nan)
    out["risk"] = post.mean
    out["risk_lo"] = stats.beta.ppf(alpha, post.a, post.b)
    out["risk_hi"] = stats.beta.ppf(1.0 - alpha, post.a, post.b)
    order = np.lexsort((np.arange(len(out)), -out["tested"].to_numpy(), -out["risk"].to_numpy()))
    rank = np.empty(len(out), dtype="int64")
    rank[order] = np.arange(1, len(out) + 1)
    out["rank"] = rank
    out = out.sort_values("rank").reset_index(drop=True)
    periods = agg.drop_duplicates("period").sort_values(["_end", "_start"])["period"].tolist()
    out.attrs["risk"] = {
        "by": list(by), "as_of": as_of_p.label if as_of_p else None, "half_life": half_life,
        "level": level, "hierarchical": bool(hierarchical and len(by) > 1),
        "periods": periods, "priors": priors, "source": src,
    }
    if track:
        _track_scores(out, agg, tracking_settings)
    return out


def _track_scores(out: pd.DataFrame, agg: pd.DataFrame, settings) -> None:
    from .. import tracking
    from .plot import plot_risk

    meta = out.attrs["risk"]
    params = {"by": meta["by"], "as_of": meta["as_of"], "half_life": meta["half_life"],
              "level": meta["level"], "hierarchical": meta["hierarchical"], "periods": meta["periods"]}
    metrics = {"n_groups": len(out), "tested": int(out["tested"].sum()), "failed": int(out["failed"].sum()),
               "max_risk": float(out["risk"].max())}
    inputs = agg.drop(columns=[c for c in agg.columns if c.startswith("_")])
    tracking.log_result("risk score", out, params, settings or tracking.TrackingSettings(),
                        metrics=metrics, figure=plot_risk(out), artifact="risk_scores.csv",
                        inputs=(inputs,), on_error="warn")
