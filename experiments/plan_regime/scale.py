"""Which scale is a short window's trend linear on? (issue 17; descriptive, no model involved)

For every 4-point window of a positive, non-``%`` series of the corpus (``corpus.py``) whose mean
yearly log change exceeds 0.1 (where the two scales differ most), the value 2 years on is compared
with two extrapolations of the window: the log-scale drift ``pooled_drift`` assumes (a constant
growth rate, ``h * mean(diff(log y))``) and a linear one (the window's yearly increment carried on,
the plan-like "1x pace" target). Prints per family, and per family and curvature of the window
(last log change / mean log change), the median error of each on the log scale (< 0: the
extrapolation is too high), the mean absolute errors and the share of outcomes above each::

    .venv/bin/python experiments/plan_regime/scale.py          # ~20 s
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

N_POINTS, HORIZON, MIN_GROWTH = 4, 2, 0.1


def windows(panel: pd.DataFrame) -> pd.DataFrame:
    panel = panel[(panel["unit"] != "%") & (panel["value"] > 0)]
    rows = []
    for (family, _, _), g in panel.groupby(["family", "indicator", "region"]):
        g = g.sort_values("year")
        y, yr = g["value"].to_numpy(dtype=float), g["year"].to_numpy()
        for s in range(len(y) - N_POINTS - HORIZON + 1):
            if yr[s + N_POINTS + HORIZON - 1] - yr[s] != N_POINTS + HORIZON - 1:
                continue
            w, outcome = y[s:s + N_POINTS], y[s + N_POINTS + HORIZON - 1]
            dl = np.diff(np.log(w))
            if dl.mean() <= MIN_GROWTH:
                continue
            pace = (w[-1] - w[0]) / (N_POINTS - 1)
            rows.append({"family": family, "curvature": dl[-1] / dl.mean(),
                         "actual": np.log(outcome / w[-1]), "log": HORIZON * dl.mean(),
                         "linear": np.log((w[-1] + HORIZON * pace) / w[-1])})
    return pd.DataFrame(rows)


def summary(x: pd.DataFrame) -> pd.Series:
    return pd.Series({"windows": len(x),
                      "median_err_log": np.median(x.actual - x.log), "median_err_linear": np.median(x.actual - x.linear),
                      "mae_log": np.mean(np.abs(x.actual - x.log)), "mae_linear": np.mean(np.abs(x.actual - x.linear)),
                      "above_log": np.mean(x.actual > x.log), "above_linear": np.mean(x.actual > x.linear)})


def main() -> int:
    w = windows(corpus.corpus())
    w["curvature_bin"] = pd.cut(w["curvature"], [-np.inf, 0.6, 1.0, 1.5, np.inf])
    pd.set_option("display.width", 200)
    print(w.groupby("family").apply(summary, include_groups=False).round(3).to_string())
    print(w.groupby(["family", "curvature_bin"], observed=True).apply(summary, include_groups=False)
          .round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
