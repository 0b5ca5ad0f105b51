"""Small whole-number stocks: ``small_count`` against ``pooled_drift`` on real data (``auto``'s choice).

The corpus' only real counts of a handful of things are the provincial panels' livestock farm
counts (``LivestockBreeding``, 规模养殖场 by kind, unit 个: stocks that rise and fall, many 0-20) and
one industry count. Every window of ``n`` points of their series is forecast ``h`` years on, all
windows ending in the same year in one call (as :func:`mstarget.pace_check.pace_backtest`), by

* ``pooled_drift``: ``auto``'s model for 1-7 points before ``small_count`` (with its shipped
  calibration factors), and
* ``auto``: now ``small_count`` for windows of whole numbers 0-20 whose unit counts things;

and scored on the windows ``auto`` gave to ``small_count``: 80 / 95 % coverage, ECE and Brier of
``p_meet`` for plan-like targets (``last + m x pace x h``), and how many windows' 80 % band reaches
below their last value.

    .venv/bin/python experiments/plan_regime/small_counts.py [all|rises|falls]   # ~3 min
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

from mstarget.pace_check import expected_calibration_error, pace_backtest  # noqa: E402
from mstarget.units import counts_things  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def count_panel() -> pd.DataFrame:
    """Series of the corpus whose unit counts things and whose figures are all whole numbers."""
    p = corpus.corpus()
    p = p[p["unit"].map(counts_things)]
    whole = p.groupby(["indicator", "region"])["value"].transform(lambda v: bool((v.dropna() % 1 == 0).all()))
    return p[whole.astype(bool)]


def window_falls(panel: pd.DataFrame, n: int) -> dict:
    """Whether each ``n``-point window (region, indicator, end year) falls somewhere."""
    out = {}
    for (region, indicator), g in panel.groupby(["region", "indicator"]):
        v = g.set_index("year")["value"]
        for end in v.index:
            w = v.reindex(range(end - n + 1, end + 1))
            if w.notna().all():
                out[(region, indicator, end, n)] = bool((np.diff(w.to_numpy()) < 0).any())
    return out


def measure(panel: pd.DataFrame, subset: str = "all") -> pd.DataFrame:
    """``subset``: ``all`` windows, ``rises`` (never falls inside the window) or ``falls``."""
    falls = {k: v for n in (3, 4, 5, 6) for k, v in window_falls(panel, n).items()} if subset != "all" else {}
    rows = []
    for n in (3, 4, 5, 6):
        for h in (1, 2, 3):
            new = pace_backtest(panel, n_points=n, horizon=h, model="auto")
            old = pace_backtest(panel, n_points=n, horizon=h, model="pooled_drift")
            keys = ["region", "indicator", "end_year", "multiple"]
            new = new[new["model"] == "auto:small_count"]
            new = new[new.apply(lambda r: falls.get((r["region"], r["indicator"], r["end_year"], n), True)
                                != (subset == "rises"), axis=1)] if subset != "all" else new
            old = old.merge(new[keys], on=keys)
            for name, d in (("pooled_drift", old), ("small_count", new)):
                t = d.dropna(subset=["p_meet"])
                w = d.drop_duplicates(["region", "indicator", "end_year"])
                rows.append({"n": n, "h": h, "model": name, "windows": len(w), "targets": len(t),
                             "cov80": w["in_80"].mean(), "cov95": w["in_95"].mean(),
                             "ece": expected_calibration_error(t["p_meet"], t["met"]),
                             "brier": ((t["p_meet"] - t["met"]) ** 2).mean(),
                             "base": ((t["met"].mean() - t["met"]) ** 2).mean(),
                             "lo80_below_last": (w["lo_80"] < w["last"]).mean(),
                             "width80": (w["hi_80"] - w["lo_80"]).median()})
    return pd.DataFrame(rows)


def main() -> int:
    warnings.simplefilter("ignore")
    panel = count_panel()
    print(f"{panel.groupby(['indicator', 'region']).ngroups} series of whole-number counts", flush=True)
    subset = (sys.argv[1:] or ["all"])[0]
    r = measure(panel, subset)
    OUT.mkdir(exist_ok=True)
    r.to_csv(OUT / f"small_counts_{subset}.csv", index=False)
    print(r.round(3).to_string(index=False))
    print(r.groupby("model")[["cov80", "cov95", "ece", "brier", "base", "width80"]].mean().round(3))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
