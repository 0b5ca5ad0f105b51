"""What ``mstarget calibrate`` says per family: factors learned on a family's own years before its last
three, scored there against the shipped ones (:func:`mstarget.calibration.check_learned`; 4-point windows,
2 years ahead, targets at 0.5-1.5x each window's pace, every region of an indicator in one call), and the
command's verdict on each (``mstarget.cli.calibrate.judge``: decided by Brier and the 80 / 95 % interval scores).

    .venv/bin/python experiments/plan_regime/own_check.py      # ~4 min on 2 cores; writes out/own_check.csv

Only the provincial families (``corpus.py``) with enough years before the held-out ones; MDG families and the
national series are left out (no later years in the same sense).
"""
from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

import mstarget as mt  # noqa: E402
from mstarget.cli.calibrate import judge  # noqa: E402


def main() -> int:
    warnings.simplefilter("ignore")
    panel = corpus.corpus()
    rows = []
    for family, g in panel.groupby("family"):
        if family == "national" or family.startswith("MDG"):
            continue
        t = time.time()
        try:
            r = mt.calibration.check_learned(g.drop(columns="family"), n_paths=1000)
        except mt.DataValidationError as exc:  # too few years before the held-out ones
            print(f"{family}: not checked ({exc})", flush=True)
            continue
        choice, why, _ = judge(r)  # what `mstarget calibrate` would advise for this family
        rows.append(r.assign(family=family, verdict=choice or "none"))
        print(r.assign(family=family).round(3).to_string(index=False), f"-> {choice}: {why}",
              f"{time.time() - t:.0f} s", flush=True)
    out = pd.concat(rows, ignore_index=True)
    out.to_csv(HERE / "out" / "own_check.csv", index=False)
    print(out.groupby("calibration")[["coverage_80", "coverage_95", "interval_score_80", "interval_score_95", "ece",
                                      "brier", "brier_base"]].mean().round(3))
    print(out.drop_duplicates("family")[["family", "verdict"]].to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
