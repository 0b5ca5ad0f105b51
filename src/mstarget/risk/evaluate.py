"""``evaluate``: how much earlier, and how many more, failures a risk ranking finds.

Two kinds of data:

* **Per-record** (``evaluate(y, p, dates=...)``): one inspection per row with outcome 0/1 and a
  predicted probability. Metrics: ROC AUC, Brier score, log loss, ``capture@k`` (share of all
  failures found in the first ``k`` % of inspections when they are done in order of predicted
  risk), and, with ``dates``, the *Chicago method*: within each window of days (default the whole
  test period) the same inspections are re-ordered by predicted risk keeping the number done per
  day, and ``days_earlier`` is the mean (``days_earlier_median`` the median) of actual date minus
  re-ordered date over the inspections with a failure. ``first_half_actual`` / ``first_half_model``
  are the shares of failures found on days that lie in the first half of all inspections.
* **Aggregated** (``evaluate(test_samples, scores, budget=...)``): the groups' scores are judged on
  a later period's counts: per-batch AUC / Brier / log loss, ``capture@k`` along the risk ranking,
  and the failures a risk-based :func:`~mstarget.risk.allocate` plan would have found against an
  even plan and a plan proportional to volume (realised rate of the test period x batches planned).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..exceptions import DataValidationError, ParameterError, Problem
from .allocate import (allocate, even_allocation, expected_found, infer_by,
                       proportional_allocation)
from .samples import validate_samples

DEFAULT_KS = (10, 20, 50)


@dataclass(frozen=True)
class RiskEvaluation:
    """Result of :func:`evaluate`.

    Attributes
    ----------
    kind : str
        ``"records"`` or ``"groups"``.
    metrics : dict of str -> float
        See the module docstring; probabilities and shares in 0-1, days in days.
    table : DataFrame
        Detail: per day (records with dates: ``date, inspections, failures_actual,
        failures_model``) or per group (groups: ``by..., tested, failed, risk, batches_risk,
        batches_even, batches_volume``).
    """

    kind: str
    metrics: Mapping[str, float]
    table: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def to_dict(self) -> dict[str, float]:
        return dict(self.metrics)

    def to_frame(self) -> pd.DataFrame:
        """Metrics as a two-column DataFrame (``metric``, ``value``)."""
        return pd.DataFrame({"metric": list(self.metrics), "value": list(self.metrics.values())})

    def __getitem__(self, key: str) -> float:
        return self.metrics[key]


def _weighted_auc(score, pos, neg) -> float:
    """ROC AUC when ``pos[i]`` failures and ``neg[i]`` passes share the score ``score[i]`` (ties 1/2)."""
    score = np.asarray(score, float)
    pos = np.asarray(pos, float)
    neg = np.asarray(neg, float)
    P, Nn = pos.sum(), neg.sum()
    if P == 0 or Nn == 0:
        return float("nan")
    uniq, inv = np.unique(score, return_inverse=True)
    pu = np.bincount(inv, weights=pos)
    nu = np.bincount(inv, weights=neg)
    below = np.concatenate([[0.0], np.cumsum(nu)[:-1]])
    return float(np.sum(pu * (below + 0.5 * nu)) / (P * Nn))


def _capture(order_counts: np.ndarray, order_fails: np.ndarray, ks) -> dict[str, float]:
    """Share of failures within the first k % of units, units taken in the given order.

    Groups are split linearly (batches within a group are exchangeable).
    """
    n = np.asarray(order_counts, float)
    f = np.asarray(order_fails, float)
    cum_n = np.concatenate([[0.0], np.cumsum(n)])
    cum_f = np.concatenate([[0.0], np.cumsum(f)])
    out = {}
    for k in ks:
        cut = cum_n[-1] * k / 100.0
        found = np.interp(cut, cum_n, cum_f)
        out[f"capture@{k:g}"] = float(found / cum_f[-1]) if cum_f[-1] > 0 else float("nan")
        out[f"lift@{k:g}"] = out[f"capture@{k:g}"] / (k / 100.0)
    return out


def _days_earlier(dates: np.ndarray, p: np.ndarray, y: np.ndarray, window_days: int | None):
    """Chicago re-ordering: same inspections per day, highest predicted risk first."""
    d = pd.to_datetime(pd.Series(dates)).dt.normalize().to_numpy("datetime64[D]")
    day = d.astype("int64").astype(float)
    order_actual = np.lexsort((np.arange(len(d)), day))
    sim_day = np.empty(len(d))
    if window_days is None:
        windows = np.zeros(len(d), dtype=np.int64)
    else:
        windows = ((day - day.min()) // int(window_days)).astype(np.int64)
    for w in np.unique(windows):
        idx = np.flatnonzero(windows == w)
        slots = np.sort(day[idx])
        by_risk = idx[np.lexsort((idx, -p[idx]))]
        sim_day[by_risk] = slots
    pos = y == 1
    diff = day[pos] - sim_day[pos]
    # first half of all inspections: days whose cumulative count (through the day) < N/2
    days, counts = np.unique(day, return_counts=True)
    cum = np.cumsum(counts)
    first_half_days = set(days[cum < len(d) / 2.0].tolist())
    in_first = np.array([v in first_half_days for v in day])
    in_first_sim = np.array([v in first_half_days for v in sim_day])
    P = max(int(pos.sum()), 1)
    table = pd.DataFrame({"date": days.astype("datetime64[D]"), "inspections": counts,
                          "failures_actual": [int(((day == v) & pos).sum()) for v in days],
                          "failures_model": [int(((sim_day == v) & pos).sum()) for v in days]})
    del order_actual
    return {
        "days_earlier": float(diff.mean()) if pos.any() else float("nan"),
        "days_earlier_median": float(np.median(diff)) if pos.any() else float("nan"),
        "first_half_actual": float((in_first & pos).sum() / P),
        "first_half_model": float((in_first_sim & pos).sum() / P),
    }, table


def evaluate_records(y, p, *, dates=None, ks: Sequence[float] = DEFAULT_KS,
                     window_days: int | None = None) -> RiskEvaluation:
    """Evaluate per-record probabilities against outcomes (see the module docstring).

    Parameters
    ----------
    y : array-like of 0/1, shape (n,)
    p : array-like of float in [0, 1], shape (n,)
    dates : array-like of dates, shape (n,), optional
        Actual inspection dates; enables ``days_earlier`` and the first-half shares.
    ks : sequence of float
        Percentages of inspections for ``capture@k`` and ``lift@k``.
    window_days : int, optional
        Re-order within consecutive windows of this many days (default: the whole period).
    """
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    y = np.asarray(y).astype(float)
    p = np.asarray(p, float)
    if y.shape != p.shape or y.ndim != 1:
        raise ParameterError(f"y and p must be 1-D and of the same length; got {y.shape} and {p.shape}.")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ParameterError("y must hold outcomes 0 or 1 only.")
    if not ((p >= 0) & (p <= 1)).all():
        raise ParameterError("p must hold probabilities between 0 and 1 (no NaN).")
    y = y.astype(int)
    m: dict[str, float] = {"n": float(len(y)), "failures": float(y.sum()),
                           "base_rate": float(y.mean()) if len(y) else float("nan")}
    if len(np.unique(y)) == 2:
        m["auc"] = float(roc_auc_score(y, p))
        m["brier"] = float(brier_score_loss(y, p))
        m["log_loss"] = float(log_loss(y, np.clip(p, 1e-12, 1 - 1e-12), labels=[0, 1]))
    order = np.lexsort((np.arange(len(p)), -p))
    m.update(_capture(np.ones(len(p)), y[order], ks))
    table = pd.DataFrame()
    if dates is not None:
        if len(dates) != len(y):
            raise ParameterError("dates must have one entry per record.")
        extra, table = _days_earlier(np.asarray(dates), p, y, window_days)
        m.update(extra)
    return RiskEvaluation("records", m, table)


def evaluate_groups(test_samples, scores: pd.DataFrame, *, by: Sequence[str] | None = None,
                    budget: int | None = None, ks: Sequence[float] = DEFAULT_KS,
                    period: str | None = "period", volume: str | None = "tested",
                    min_per_group=0, max_per_group=None) -> RiskEvaluation:
    """Judge group scores on a later period's counts (see the module docstring).

    Parameters
    ----------
    test_samples : DataFrame or path
        Counts of the evaluation period(s) (same contract as for :func:`score`).
    scores : DataFrame
        Output of :func:`score` fitted on earlier periods.
    budget : int, optional
        Batches to plan; default the number tested in the evaluation data (common groups).
    volume : str or None
        Column of ``scores`` used as lots per group, for the risk plan's diminishing returns and
        for the volume-proportional plan (default ``tested``, the batches of the scored periods).

    Returns
    -------
    RiskEvaluation
        Metrics ``groups``, ``batches``, ``failures``, ``auc``, ``brier``, ``log_loss``,
        ``log_loss_raw`` (the raw training rates, clipped to [1e-4, 1 - 1e-4], for comparison),
        ``capture@k``, ``found_risk``, ``found_even``, ``found_volume``, ``lift_vs_even``,
        ``lift_vs_volume``, and ``found_*`` per unit of budget.
    """
    by = list(by) if by is not None else infer_by(scores)
    test, src = validate_samples(test_samples, by, period=period)
    t = test.groupby(by, as_index=False)[["tested", "failed"]].sum()
    keys = scores[by].astype(str)
    s = scores.copy()
    s[by] = keys
    t[by] = t[by].astype(str)
    merged = s.merge(t, on=by, how="inner", suffixes=("_train", ""))
    if merged.empty:
        raise DataValidationError([Problem(src, None, ",".join(by), None,
                                           "groups in common with the scores; none of the test "
                                           "groups was scored")], source=src)
    risk = merged["risk"].to_numpy(float)
    n = merged["tested"].to_numpy(float)
    k = merged["failed"].to_numpy(float)
    N, K = n.sum(), k.sum()
    pc = np.clip(risk, 1e-12, 1 - 1e-12)
    m: dict[str, float] = {"groups": float(len(merged)), "groups_not_scored": float(len(t) - len(merged)),
                           "batches": float(N), "failures": float(K)}
    m["auc"] = _weighted_auc(risk, k, n - k)
    m["brier"] = float(np.sum(k * (1 - risk) ** 2 + (n - k) * risk ** 2) / N)
    m["log_loss"] = float(-np.sum(k * np.log(pc) + (n - k) * np.log(1 - pc)) / N)
    if "rate" in merged.columns:
        raw = np.clip(pd.to_numeric(merged["rate"], errors="coerce").fillna(K / N).to_numpy(float),
                      1e-4, 1 - 1e-4)
        m["log_loss_raw"] = float(-np.sum(k * np.log(raw) + (n - k) * np.log(1 - raw)) / N)
    order = np.lexsort((np.arange(len(risk)), -risk))
    m.update(_capture(n[order], k[order], ks))

    budget = int(N) if budget is None else int(budget)
    vol_col = f"{volume}_train" if volume and f"{volume}_train" in merged.columns else volume
    plan_scores = merged[by + ["risk"]].copy()
    if vol_col and vol_col in merged.columns:
        plan_scores["volume"] = merged[vol_col].to_numpy(float)
        vol_arg = "volume"
    else:
        vol_arg = None
    plan = allocate(plan_scores, budget, min_per_group, max_per_group, volume=vol_arg, by=by)
    realised = np.where(n > 0, k / np.where(n > 0, n, 1), 0.0)
    b_risk = plan["batches"].to_numpy()
    b_even = even_allocation(len(merged), budget)
    b_vol = proportional_allocation(plan_scores["volume"] if vol_arg else np.ones(len(merged)), budget)
    for name, b in (("risk", b_risk), ("even", b_even), ("volume", b_vol)):
        m[f"found_{name}"] = float(np.sum(b * realised))
    m["lift_vs_even"] = m["found_risk"] / m["found_even"] if m["found_even"] > 0 else float("nan")
    m["lift_vs_volume"] = m["found_risk"] / m["found_volume"] if m["found_volume"] > 0 else float("nan")
    m["budget"] = float(budget)
    m["expected_found_risk"] = float(expected_found(b_risk, risk, plan_scores["volume"]
                                                    if vol_arg else np.full(len(risk), np.inf)).sum())
    table = merged[by].copy()
    table["tested"] = n.astype(np.int64)
    table["failed"] = k.astype(np.int64)
    table["rate"] = realised
    table["risk"] = risk
    table["batches_risk"] = b_risk
    table["batches_even"] = b_even
    table["batches_volume"] = b_vol
    return RiskEvaluation("groups", m, table)


def evaluate(data, predictions=None, *, by: Sequence[str] | None = None, budget: int | None = None,
             dates=None, ks: Sequence[float] = DEFAULT_KS, window_days: int | None = None,
             train_until=None, test_period=None, **score_kwargs) -> RiskEvaluation:
    """Time-split evaluation of a risk ranking.

    Three ways to call it:

    * ``evaluate(y, p, dates=...)`` -- per-record outcomes (0/1) and predicted probabilities, e.g.
      from :meth:`RiskModel.predict` on rows after the training period.
    * ``evaluate(test_samples, scores, budget=...)`` -- counts of a later period against the
      output of :func:`score` on earlier periods.
    * ``evaluate(samples, by=[...], train_until=P)`` -- scores periods ``<= P`` and evaluates on the
      next period (or ``test_period``); extra keyword arguments go to :func:`score`.

    Returns
    -------
    RiskEvaluation
        ``.metrics`` (dict), ``.to_frame()``, ``.table`` (details); see :func:`evaluate_records` and
        :func:`evaluate_groups` for the metrics.
    """
    if isinstance(predictions, pd.DataFrame):
        return evaluate_groups(data, predictions, by=by, budget=budget, ks=ks)
    if predictions is None:
        if train_until is None:
            raise ParameterError("evaluate needs predictions (probabilities or a scores table) or "
                                 "train_until=P to score the periods up to P and test on the next.")
        from .periods import parse_period
        from .samples import check_by
        from .score import score

        by = check_by(by or ["category"])
        full, _ = validate_samples(data, by, period=score_kwargs.get("period", "period"))
        cut = parse_period(train_until)
        scores = score(data, by, as_of=cut.label, **score_kwargs)
        later = full[full["_end"] > cut.end]
        scored = set(map(tuple, scores[by].astype(str).to_numpy()))
        later = later[[tuple(r) in scored for r in later[by].astype(str).to_numpy()]]
        if test_period is not None:
            tp = parse_period(test_period)
            later = later[(later["_start"] == tp.start) & (later["_end"] == tp.end)]
        elif not later.empty:
            first = later.sort_values(["_end", "_start"]).iloc[0]
            later = later[(later["_end"] == first["_end"]) & (later["_start"] == first["_start"])]
        if later.empty:
            raise ParameterError(f"No period after train_until={cut.label} has counts for the scored "
                                 "groups; choose an earlier train_until or another test_period.")
        test = later[by + ["period", "tested", "failed"]].reset_index(drop=True)
        return evaluate_groups(test, scores, by=by, budget=budget, ks=ks)
    return evaluate_records(data, predictions, dates=dates, ks=ks, window_days=window_days)
