"""Attainment outcomes: was a plan target met, and what did ``assess`` say beforehand?

The realised side of the attainment calls a backtest scores (:func:`mstarget.backtest.backtest`
with ``plan=``): the compared quantity a plan row is about, as observed (level / cumulative: the
value in the target year; increment: the sum of yearly flows after the baseline year), and, for
each past origin, the ``p_meet`` that :func:`mstarget.assess.assess` gave as of that origin. It
sits beside :mod:`mstarget.assess`, which it calls; the backtest sits above it.
"""
from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from .assess import assess
from .consistency import convert_units, say_conversions, unit_conversions
from .engine import Engine
from .exceptions import MstargetWarning, UnmatchedWarning
from .forecast import DEFAULT_PATHS
from .matching import match
from .plan import read_plan
from .schedule import meets


def realised_outcome(hist: pd.DataFrame, row) -> float:
    """The realised compared quantity of a plan row (``nan`` if not fully observed)."""
    g = hist[(hist["region"] == row["region"]) & (hist["indicator"] == row["indicator"])]
    vals = dict(zip(g["year"].astype(int), g["value"].astype(float)))
    ty = int(row["target_year"])
    if row.get("kind", "level") == "increment":
        years = range(int(row["baseline_year"]) + 1, ty + 1)
        if not all(y in vals for y in years):
            return float("nan")
        return float(sum(vals[y] for y in years))
    return float(vals.get(ty, np.nan))


def plan_for_calls(plan, hist: pd.DataFrame):
    """The plan as read and the history joined to it (:func:`mstarget.matching.match`), a series in another
    magnitude of the plan's unit converted to it (as :func:`mstarget.assess.assess` converts it); plan rows
    without history, and rows whose outcome is not observed yet, are reported as warnings."""
    plan_df = read_plan(plan)
    m = match(plan_df, hist)
    conversions = unit_conversions(plan_df, hist, m.pairs)  # 户 against 万户: outcomes in the plan's unit, as assess
    if conversions:
        m.history = convert_units(m.history, conversions)
        say_conversions(conversions, plan_df, hist, m.pairs)
    if not m.unmatched_plan.empty:
        lines = [f"  {r.region}/{r.indicator} ({r.name}), target {r.target_year}"
                 + (f"; {r.suggestion}" if r.suggestion else "")
                 for r in m.unmatched_plan.head(10).itertuples()]
        more = [f"  ... and {len(m.unmatched_plan) - 10} more"] if len(m.unmatched_plan) > 10 else []
        warnings.warn(UnmatchedWarning(
            f"backtest: {len(m.unmatched_plan)} plan row(s) have no history, so no attainment call "
            "can be scored for them (未匹配到历史数据):\n" + "\n".join(lines + more),
            plan_rows=m.unmatched_plan, history_series=m.unmatched_history.iloc[0:0]), stacklevel=3)
    lonely = set(zip(m.unmatched_plan["region"], m.unmatched_plan["indicator"]))
    unseen = [f"{r.region}/{r.indicator} {int(r.target_year)}" for r in plan_df.itertuples()
              if (r.region, r.indicator) not in lonely
              and not np.isfinite(realised_outcome(m.history, r._asdict()))]
    if unseen:
        warnings.warn(MstargetWarning(
            f"backtest: {len(unseen)} plan row(s) have history but their outcome (the target year, "
            f"or every flow of a 〈〉 period) is not observed yet, so they are not scored: "
            f"{', '.join(unseen[:10])}" + (" ..." if len(unseen) > 10 else "")), stacklevel=3)
    return plan_df, m.history


def attainment_calls(hist, plan_df, m, label, cutoffs: Sequence[int], seed: int,
                     engine: Engine | None = None, *, calibration="default", reference=None,
                     n_paths: int = DEFAULT_PATHS) -> pd.DataFrame:
    """For each origin in ``cutoffs``, ``assess`` as of it with model ``m`` (results labelled
    ``label``) on the plan rows whose outcome is observed after it: ``model, origin, region,
    indicator, target_year, p_meet, outcome, met, category``. ``engine``: where ``assess`` runs
    (:mod:`mstarget.engine`; default in this process). ``calibration`` / ``reference``: as for
    :func:`mstarget.assess.assess` (the peers as known at each origin), so that the calls are scored
    with the calibration the backtest's intervals use. ``n_paths``: sample paths per forecast (the
    backtest passes its own, so that its calls and its intervals are drawn alike)."""
    outcome = [realised_outcome(hist, r) for _, r in plan_df.iterrows()]
    plan_df = plan_df.assign(_outcome=outcome)
    plan_df = plan_df[np.isfinite(plan_df["_outcome"])]
    out = []
    for T in cutoffs:
        sub = plan_df[plan_df["target_year"].astype(int) > T]
        if sub.empty:
            continue
        res = assess(hist, sub.drop(columns="_outcome"), as_of=T, model=m, seed=seed, n_paths=n_paths,
                     backend=engine or "serial", calibration=calibration, reference=reference)
        res = res.reset_index(drop=True)
        sub = sub.reset_index(drop=True)
        # a strict bound (低于0.15: :func:`mstarget.plan.strict_of`) is not met by its own figure
        strict = sub["strict"].fillna(False).astype(bool).to_numpy() if "strict" in sub.columns \
            else np.zeros(len(sub), dtype=bool)
        met = [meets(o, t, d, bool(s)) for o, t, d, s in zip(sub["_outcome"], sub["target"], sub["direction"], strict)]
        out.append(pd.DataFrame({"model": label, "origin": T, "region": res["region"],
                                 "indicator": res["indicator"], "target_year": res["target_year"],
                                 "p_meet": res["p_meet"], "outcome": sub["_outcome"], "met": met,
                                 "category": res["category"]}))
    df = pd.concat(out, ignore_index=True) if out else pd.DataFrame()
    return df[np.isfinite(df["p_meet"])] if not df.empty else df
