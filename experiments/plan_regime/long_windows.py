"""Which model should ``auto`` use for 8-12 yearly points? (session 39)

``auto`` (:mod:`mstarget.selection`) gives 1-7 point series to ``pooled_drift`` and, from 8 points
(``MIN_POINTS``) on, to the damped ``ensemble`` (M1/M3/Tourism factors), which a backtest lets
``drift`` replace on a 70 % margin. A 十五五 draft with 2016-2025 history has 10 points, so its
steady series get the ensemble's damped, pessimistic ``p_meet`` (0.28 for a 1x-pace target where
the same series cut to 7 points gets 0.67). This script measures, with the plan-regime protocol of
``run.py`` (:mod:`mstarget.pace_check`: windows of ``n`` consecutive yearly points, all regions of an
indicator ending in the same year in one call, per family; targets ``last + m x pace x h``,
``m`` = 0.5 .. 1.5), for ``n`` in 8, 10, 12 and ``h`` in 1, 2, 3, 5:

* ``auto``: the current ``auto`` (for these lengths: ensemble, or drift on the backtest's margin;
  event_rate / small_count for rare incidents and small whole counts at any length);
* ``pooled_drift``: forced, with held-out factors (``--stretch``: re-learned without the scored
  family, as ``run.py``'s ``family_out``) or the shipped ones (no ``--stretch``). Either way the factors of
  its longest class (7+ points) were learned on **7-point windows only** (the stretch tables cover
  1-7 points, all families);
* ``ensemble`` (forced, shipped M1/M3/Tourism factors) and ``drift`` (forced);
* ``auto_short``: what ``auto`` would give if ``pooled_drift`` took 8..n points -- per window, the
  ``auto`` row where auto chose ``event_rate`` / ``small_count`` (those rules stay), the forced
  ``pooled_drift`` row otherwise (built from the rows above, no extra forecast).

Windows: the provincial panels end in 2023 (2010-2023; LivestockBreeding 2011-2018 and HitechFirmsPub
2018-2024 are too short for 8 points plus an outcome), so 10 points 5 years ahead and 12 points 3 or 5 years
ahead exist only in the MDG families. Run time: the MDG families (249 / 150 / 234 countries, 1991-2020)
are scored on every second end year (``EVEN_YEARS``) and the provincial ones on every end year.

    .venv/bin/python experiments/plan_regime/long_windows.py [--stretch PEERS.parquet ALONE.parquet]
        [--n 8 10 12] [--h 1 2 3 5] [--families ...] [--details DETAILS.csv.gz]

Writes ``out/long_windows_summary.csv`` (per family, n, h, method), ``out/long_windows_family_mean.csv``
(each family once; ``national`` left out), ``out/long_windows_pooled.csv`` (all windows pooled) and
``out/long_windows_rule.csv`` (the pre-registered adoption rule, per n); ``--details``: one row per
window, target and method (~75 MB, not kept in ``out/``). The full run with ``--stretch`` took 26 min on a
loaded 2-core VM (MDG JMP alone 14 min).

**Result (2026-12-06, session 39): not adopted.** On the held-out family mean the current ``auto`` beats
``pooled_drift`` on ECE and Brier in all 12 (n, h) cells (e.g. 10 points, 2 years: Brier 0.177 against
0.202, ECE 0.099 against 0.141); ``pooled_drift``'s ``p_meet`` is too high on average (1x-pace targets: mean
0.46 against 0.43 met) and too low in the technology-market families (0.61-0.66 against 0.80-0.84 met),
where ``auto`` is closer (0.67-0.74). Session 46 (``steady_long.py``): for the *steady* 8-12-point windows
(smoothness below 0.25) ``pooled_drift`` is the better one, and ``auto`` now uses it there; the runs above are of
the code before that rule.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus  # noqa: E402
from run import ALONE_FAMILIES, MULTIPLES, calibration_without  # noqa: E402

from mstarget.forecast import DEFAULT_PATHS  # noqa: E402
from mstarget.pace_check import pace_backtest, pace_summary  # noqa: E402

OUT = Path(__file__).parent / "out"
METHODS = ("auto", "pooled_drift", "ensemble", "drift")
MDG_EVEN = list(range(1980, 2030, 2))
TECH = ("MarketPull", "MarketPush")
COLS = ["coverage_80", "coverage_95", "ece", "brier", "brier_base", "share_met", "mean_p_meet"]


def auto_short(det: pd.DataFrame) -> pd.DataFrame:
    """``auto`` with ``pooled_drift`` for these lengths: the auto rows where auto chose an event /
    small-count model, the forced pooled_drift rows elsewhere."""
    key = ["family", "region", "indicator", "end_year", "n_points", "h", "multiple"]
    a = det[det["method"] == "auto"]
    p = det[det["method"] == "pooled_drift"]
    keep_auto = a["model"].astype(str).str.contains("event_rate|small_count")
    ka = a.loc[keep_auto, key].assign(_k=1)
    pm = p.merge(ka, on=key, how="left")
    pm = pm[pm["_k"].isna()].drop(columns="_k")
    return pd.concat([a[keep_auto], pm], ignore_index=True).assign(method="auto_short")


def at_1x(det: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean ``p_meet`` against share met at 1x pace."""
    d = det[det["multiple"] == 1.0].assign(met=lambda x: x["met"].astype(float))
    g = d.groupby(by, observed=True)
    return pd.DataFrame({"p_meet_1x": g["p_meet"].mean(), "met_1x": g["met"].mean()}).reset_index()


def summarise(det: pd.DataFrame):
    by = ["method", "family", "n_points", "h"]
    per = pace_summary(det, by).merge(at_1x(det, by), on=by, how="left")
    fams = per[per["family"] != "national"]
    g = fams.groupby(["method", "n_points", "h"], observed=True)
    fm = g[COLS + ["p_meet_1x", "met_1x"]].mean().join(g[["forecasts", "calls"]].sum()).join(
        g["family"].nunique().rename("families")).reset_index()
    bp = ["method", "n_points", "h"]
    pooled = pace_summary(det, bp).merge(at_1x(det, bp), on=bp, how="left")
    return per, fm, pooled


def rule(per: pd.DataFrame, fm: pd.DataFrame, cand: str = "auto_short", ref: str = "auto") -> pd.DataFrame:
    """The pre-registered adoption rule per n, at h = 2 and h = 5 (family means)."""
    rows = []
    for n in sorted(fm["n_points"].unique()):
        ok_all, why = True, []
        for h in (2, 5):
            c = fm[(fm["method"] == cand) & (fm["n_points"] == n) & (fm["h"] == h)]
            r = fm[(fm["method"] == ref) & (fm["n_points"] == n) & (fm["h"] == h)]
            if c.empty or r.empty:
                ok_all = False
                why.append(f"h={h}: no windows")
                continue
            c, r = c.iloc[0], r.iloc[0]
            checks = {
                "ece": c["ece"] < r["ece"],
                "brier": c["brier"] < r["brier"],
                "cov80": abs(c["coverage_80"] - 0.8) <= abs(r["coverage_80"] - 0.8) + 0.01,
                "cov95": abs(c["coverage_95"] - 0.95) <= abs(r["coverage_95"] - 0.95) + 0.01,
            }
            for fam in TECH:
                pc = per[(per["method"] == cand) & (per["family"] == fam) & (per["n_points"] == n) & (per["h"] == h)]
                pr = per[(per["method"] == ref) & (per["family"] == fam) & (per["n_points"] == n) & (per["h"] == h)]
                if len(pc) and len(pr):
                    checks[f"brier_{fam}"] = pc["brier"].iloc[0] <= pr["brier"].iloc[0] + 0.005
                else:
                    why.append(f"h={h}: {fam} has no windows")
            failed = [k for k, v in checks.items() if not v]
            ok_all &= not failed
            why.append(f"h={h}: " + ("pass" if not failed else "fail " + ",".join(failed)))
        rows.append({"n_points": n, "candidate": cand, "reference": ref, "adopt": ok_all, "detail": "; ".join(why)})
    return pd.DataFrame(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stretch", nargs="*", help="stretch tables (peers, alone; run.py's) for held-out factors")
    ap.add_argument("--n", nargs="*", type=int, default=[8, 10, 12])
    ap.add_argument("--h", nargs="*", type=int, default=[1, 2, 3, 5])
    ap.add_argument("--families", nargs="*", default=None)
    ap.add_argument("--methods", nargs="*", default=list(METHODS))
    ap.add_argument("--out-dir", default=str(OUT))
    ap.add_argument("--tag", default="long_windows")
    ap.add_argument("--alone", action="store_true",
                    help="one series per call (no peers, as a user forecasting one region), run.py's ALONE_FAMILIES, "
                         "every third end year, 1000 paths")
    ap.add_argument("--details", default=None, help="also write the per-window rows here (csv.gz)")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    c = corpus()
    t0 = time.time()
    rows = None
    if args.stretch:
        rows = pd.concat([pd.read_parquet(f) for f in args.stretch], ignore_index=True)
        rows = rows[np.isfinite(rows["r_80"]) & np.isfinite(rows["r_95"])].reset_index(drop=True)
        rows["family"] = rows["indicator"].map(c.drop_duplicates("indicator").set_index("indicator")["family"])
        print(f"stretch rows: {len(rows)} ({time.time() - t0:.0f}s)", flush=True)
    families = args.families or (list(ALONE_FAMILIES) if args.alone else sorted(c["family"].unique()))
    dets = []
    for fam in families:
        panel = c[c["family"] == fam]
        cal = (calibration_without(rows, (rows["family"] != fam).to_numpy()) if rows is not None else "default")
        ends = MDG_EVEN if fam.startswith("MDG_") else None
        if args.alone:
            ends = sorted(set(int(y) for y in panel["year"].unique()))[::3]
        for n in args.n:
            for h in args.h:
                for method in args.methods:
                    d = pace_backtest(panel, n_points=n, horizon=h, multiples=MULTIPLES, model=method,
                                      calibration=cal if method in ("auto", "pooled_drift") else "default",
                                      end_years=ends, one_call=not args.alone,
                                      n_paths=1000 if args.alone else DEFAULT_PATHS)
                    if len(d):
                        d["family"], d["method"] = fam, method
                        dets.append(d)
        print(f"  {fam}: done ({time.time() - t0:.0f}s)", flush=True)
    det = pd.concat(dets, ignore_index=True)
    if {"auto", "pooled_drift"} <= set(args.methods):
        det = pd.concat([det, auto_short(det)], ignore_index=True)
    det["factors"] = "family_out" if rows is not None else "shipped"
    if args.details:
        det.to_csv(args.details, index=False)
    per, fm, pooled = summarise(det)
    per.to_csv(out / f"{args.tag}_summary.csv", index=False)
    fm.to_csv(out / f"{args.tag}_family_mean.csv", index=False)
    pooled.to_csv(out / f"{args.tag}_pooled.csv", index=False)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_rows", 500)
    print(fm.round(3).to_string(index=False))
    if "auto_short" in set(det["method"]):
        r = rule(per, fm)
        r.to_csv(out / f"{args.tag}_rule.csv", index=False)
        print(r.to_string(index=False))
    print(f"total {time.time() - t0:.0f}s")
    return fm


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
