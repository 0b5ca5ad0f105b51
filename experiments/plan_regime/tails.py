"""Which side of the 80 / 95 % bands do the misses fall on? (descriptive; session 47)

    .venv/bin/python experiments/plan_regime/tails.py      # ~3 min; out/tails_4_2.csv

4-point windows of the Chinese provincial panels, 2 years ahead, all regions of an indicator ending in the
same year in one call (``mstarget.pace_check.pace_backtest``), the **shipped** factors (learned on the whole
corpus: in-sample, so this says where misses fall, not how well the factors do held out). A miss is "ahead"
when the outcome passed the band in the direction of the window's trend (above a rising window's band,
below a falling one's), "behind" when it fell short of it. A symmetric band leaves 10 % / 2.5 % on each side.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from corpus import provincial  # noqa: E402

from mstarget.pace_check import pace_backtest  # noqa: E402

OUT = Path(__file__).parent / "out"


def main() -> pd.DataFrame:
    panel = provincial()
    family = panel.groupby("indicator")["family"].first()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = pace_backtest(panel[["region", "indicator", "year", "value", "unit"]], n_points=4, horizon=2,
                          multiples=(1.0,), n_paths=500)
    d["family"] = d["indicator"].map(family)
    d["met"] = d["met"].astype(float)
    rising = np.sign(d["pace"]).replace(0, 1) > 0
    for level in ("80", "95"):
        above, below = d["outcome"] > d[f"hi_{level}"], d["outcome"] < d[f"lo_{level}"]
        d[f"ahead_{level}"] = np.where(rising, above, below)
        d[f"behind_{level}"] = np.where(rising, below, above)
    cols = ["in_80", "ahead_80", "behind_80", "in_95", "ahead_95", "behind_95", "met", "p_meet"]
    table = d.groupby("family")[cols].mean()
    table.loc["all 11 families"] = d[cols].mean()
    table["windows"] = d.groupby("family").size().reindex(table.index).fillna(len(d)).astype(int)
    OUT.mkdir(exist_ok=True)
    table.round(3).to_csv(OUT / "tails_4_2.csv")
    print(table.round(3).to_string())
    return table


if __name__ == "__main__":
    main()
