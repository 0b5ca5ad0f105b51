"""A steady trend of 8-12 yearly points: ``pooled_drift`` (undamped) instead of the damped ensemble? (session 46)

``auto`` gives 1-7-point series to ``pooled_drift`` and longer ones to the damped ``ensemble`` (M1 / M3 / Tourism
factors). ``long_windows.py`` (session 39) found the ensemble the better calibrated of the two on the corpus'
8-12-point windows *on average*; this script asks the narrower question that average hides: for the windows
whose yearly changes are steady -- sd below a quarter of their mean on the model scale over the last 7 changes
(:func:`mstarget.calibration.smoothness` < :data:`mstarget.selection.STEADY_LONG`, 0.25) -- is the damping wrong?

Arms, both ``model="auto"`` with held-out factors (each family scored with factors learned without it, as
``run.py``'s ``family_out``), the plan-regime protocol of ``long_windows.py`` (n = 8, 10, 12 points, h = 1, 2, 3, 5
years, targets ``last + m x pace x h``):

* ``steady``: the package as shipped (the steady rule on);
* ``damped``: the rule off (:data:`mstarget.selection.STEADY_LONG` patched to 0 in this process: every series of
  8+ points goes to the ensemble / backtest choice, as before session 46).

Rule and threshold were fixed before the 8- and 12-point runs, on an exploratory look at 10-point windows
(2 and 5 years ahead; the forced ``pooled_drift`` rows of ``long_windows.py`` mixed into ``auto``'s for windows with
sd / |mean| of their 9 log changes below 0.25). Adoption required: family-mean Brier no worse by more than 0.002 in
any (n, h) cell and better on average, ECE no worse by more than 0.005 in any cell; M3 / Tourism / M1 sMAPE no worse
by more than 0.1 and 95 % coverage no further from 0.95 by more than 0.005 (``benchmarks``); MDG 4.A reported.
M3 failed that (its 32 steady series of 14-41 points lost 4.7 sMAPE points each, +0.13 on the set), so the rule
stops at :data:`mstarget.selection.STEADY_MAX_POINTS` (12), the lengths this corpus evidence covers; M3 has no
series that short.

    .venv/bin/python experiments/plan_regime/steady_long.py --stretch PEERS.parquet ALONE.parquet [--n 8 10 12]
        [--h 1 2 3 5]          # ~20 min on one core (two arms)

Writes ``out/steady_long_family_mean.csv`` (both arms, each family once), ``out/steady_long_summary.csv`` (per
family) and ``out/steady_long_compare.csv`` (per n, h: the two arms side by side, the changes).
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
import long_windows  # noqa: E402

import mstarget.selection as _sel  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
COLS = ["coverage_80", "coverage_95", "ece", "brier", "brier_base", "p_meet_1x", "met_1x"]


def run_arm(arm: str, args) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``long_windows.main`` with the steady rule on (``steady``) or off (``damped``); its family means and per-family
    rows, tagged with the arm."""
    shipped = _sel.STEADY_LONG
    _sel.STEADY_LONG = shipped if arm == "steady" else 0.0  # smoothness is >= 0: nothing is steady below 0
    try:
        argv = ["--methods", "auto", "--out-dir", str(args.out_dir), "--tag", f"steady_long_{arm}",
                "--n", *map(str, args.n), "--h", *map(str, args.h)]
        if args.stretch:
            argv += ["--stretch", *args.stretch]
        fm = long_windows.main(argv)
    finally:
        _sel.STEADY_LONG = shipped
    per = pd.read_csv(Path(args.out_dir) / f"steady_long_{arm}_summary.csv")
    for name in ("summary", "family_mean", "pooled"):
        (Path(args.out_dir) / f"steady_long_{arm}_{name}.csv").unlink(missing_ok=True)  # merged below
    return fm.assign(arm=arm), per.assign(arm=arm)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stretch", nargs="*", help="stretch tables (peers, alone; run.py's) for held-out factors")
    ap.add_argument("--n", nargs="*", type=int, default=[8, 10, 12])
    ap.add_argument("--h", nargs="*", type=int, default=[1, 2, 3, 5])
    ap.add_argument("--out-dir", default=str(OUT))
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    Path(args.out_dir).mkdir(parents=True, exist_ok=True)
    arms = [run_arm(arm, args) for arm in ("damped", "steady")]
    fm = pd.concat([a[0] for a in arms], ignore_index=True)
    per = pd.concat([a[1] for a in arms], ignore_index=True)
    fm.to_csv(Path(args.out_dir) / "steady_long_family_mean.csv", index=False)
    per.to_csv(Path(args.out_dir) / "steady_long_summary.csv", index=False)
    key = ["n_points", "h"]
    cmp = fm[fm["arm"] == "damped"][key + ["families"] + COLS].merge(
        fm[fm["arm"] == "steady"][key + COLS], on=key, suffixes=("_damped", "_steady"))
    cmp["brier_change"] = cmp["brier_steady"] - cmp["brier_damped"]
    cmp["ece_change"] = cmp["ece_steady"] - cmp["ece_damped"]
    cmp.to_csv(Path(args.out_dir) / "steady_long_compare.csv", index=False)
    pd.set_option("display.width", 250)
    print(cmp.round(4).to_string(index=False))
    ok = (cmp["brier_change"] <= 0.002).all() and cmp["brier_change"].mean() < 0 and (cmp["ece_change"] <= 0.005).all()
    print(f"corpus part of the rule: {'pass' if ok else 'fail'} (Brier change mean {cmp['brier_change'].mean():+.4f}, "
          f"worst {cmp['brier_change'].max():+.4f}; ECE change worst {cmp['ece_change'].max():+.4f})")
    return cmp


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
