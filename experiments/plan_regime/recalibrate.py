"""Would a recalibration map on ``p_meet`` itself make it honest? (issue 17; negative for adoption)

A logistic map ``p -> 1 / (1 + exp(-(a + b logit p)))`` (Platt scaling) is learned on the
``family_out`` rows of every family but one (each family weighted equally) and applied to the held-out
family's ``p_meet``; 4-point windows, 2 years ahead, targets at 0.5-1.5x the window's pace. It also
prints each family's own map (``a``, ``b`` fitted on that family alone): ``b < 1`` means its ``p_meet``
is too confident, ``b > 1`` not confident enough, ``a`` the bias at ``p = 0.5``.

Reads ``out/details.csv.gz`` written by ``run.py`` (not committed; a full run writes it).

::

    .venv/bin/python experiments/plan_regime/recalibrate.py [DETAILS.csv.gz]

Writes ``out/recalibrate_4_2.csv``; ~1 min.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

from mstarget.pace_check import expected_calibration_error

OUT = Path(__file__).resolve().parent / "out"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-3, 1 - 1e-3)
    return np.log(p / (1 - p))


def _fit(x: np.ndarray, met: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Intercept and slope of a weighted logistic regression of ``met`` on ``x``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a tiny family may separate perfectly
        res = sm.GLM(met, sm.add_constant(x), family=sm.families.Binomial(), freq_weights=weights).fit()
    return float(res.params[0]), float(res.params[1])


def _scores(p: np.ndarray, met: np.ndarray) -> tuple[float, float]:
    return expected_calibration_error(p, met), float(np.mean((p - met) ** 2))


def main(path: Path) -> pd.DataFrame:
    d = pd.read_csv(path, low_memory=False)
    d = d[(d["check"] == "family_out") & (d["method"] == "auto") & d["multiple"].notna()
          & (d["n_points"] == 4) & (d["h"] == 2) & (d["family"] != "national")].copy()
    d["met"] = d["met"].astype(str).isin(["True", "1", "1.0"]).astype(float)
    d["x"] = _logit(d["p_meet"].to_numpy(float))
    families = sorted(d["family"].unique())
    rows, pooled = [], []
    for fam in families:
        train, test = d[d["family"] != fam], d[d["family"] == fam]
        w = len(families) / train.groupby("family")["x"].transform("size").to_numpy(float)
        a, b = _fit(train["x"].to_numpy(), train["met"].to_numpy(), w)
        own_a, own_b = _fit(test["x"].to_numpy(), test["met"].to_numpy(), np.ones(len(test)))
        met, p0 = test["met"].to_numpy(), test["p_meet"].to_numpy(float)
        p1 = 1.0 / (1.0 + np.exp(-(a + b * test["x"].to_numpy())))
        (e0, b0), (e1, b1) = _scores(p0, met), _scores(p1, met)
        rows.append({"family": fam, "rows": len(test), "own_a": own_a, "own_b": own_b, "map_a": a, "map_b": b,
                     "ece_shipped": e0, "ece_mapped": e1, "brier_shipped": b0, "brier_mapped": b1})
        pooled.append(pd.DataFrame({"p0": p0, "p1": p1, "met": met}))
    table = pd.DataFrame(rows)
    allrows = pd.concat(pooled)
    e0, b0 = _scores(allrows["p0"].to_numpy(), allrows["met"].to_numpy())
    e1, b1 = _scores(allrows["p1"].to_numpy(), allrows["met"].to_numpy())
    summary = pd.DataFrame([
        {"family": "mean of families", "rows": int(table["rows"].sum()),
         **table[["ece_shipped", "ece_mapped", "brier_shipped", "brier_mapped"]].mean().to_dict()},
        {"family": "pooled rows", "rows": len(allrows), "ece_shipped": e0, "ece_mapped": e1,
         "brier_shipped": b0, "brier_mapped": b1}])
    table = pd.concat([table, summary], ignore_index=True)
    OUT.mkdir(exist_ok=True)
    table.to_csv(OUT / "recalibrate_4_2.csv", index=False)
    return table


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT / "details.csv.gz"
    with pd.option_context("display.width", 160, "display.precision", 3):
        print(main(src).to_string(index=False))
