"""Should a zig-zagging share be held at its level (``local_level``) rather than carried on (``pooled_drift``)?
(session 56; a rule by shape, rejected)

```bash
.venv/bin/python experiments/plan_regime/irregular_shares.py [--lengths 4 5] [--horizons 1 2 3]
```

``auto`` holds a rate of sampling inspections (抽检合格率 by name) at its recent level (``local_level``,
``experiments/sampling_rates``). An administrative rate near its bound -- 投诉按时办结率 100, 99.5, 100, 100, 99.7 --
keeps ``pooled_drift``, whose logit drift reads the last dip as a trend (median 99.5 two years on, 95 % band down to
80). The rule this script tests: **a share in % whose yearly changes go both ways** (a rise and a fall among its
changes on the logit scale) gets ``local_level`` whatever its name.

Every window of ``n`` consecutive yearly points of the corpus' shares in % (``corpus.py``: the MDG JMP water /
sanitation shares, FAO undernourishment, the provincial budget shares, the national rates) is forecast ``h`` years
on by both models (all regions of an indicator ending in the same year in one call, as
``experiments/plan_regime/run.py``), with plan-like targets at 0.5-1.5x the window's pace
(:func:`mstarget.pace_check.pace_backtest`). Scored on the windows the rule would change (``both ways``), and on the
others: 80 / 95 % coverage, mean pinball loss of the 2.5 / 10 / 50 / 90 / 97.5 % quantiles (percentage points),
``p_meet`` ECE and Brier.

Outputs: ``out/irregular_shares.csv`` (per subset, n, h, model).
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import corpus  # noqa: E402

from mstarget.pace_check import expected_calibration_error, pace_backtest  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
MODELS = ("pooled_drift", "local_level")
QUANTILES = {"lo_95": 0.025, "lo_80": 0.1, "median": 0.5, "hi_80": 0.9, "hi_95": 0.975}


def both_ways(values) -> bool:
    """The window's yearly changes on the logit scale go both ways (a rise and a fall among them)."""
    p = np.clip(np.asarray(values, dtype=float) / 100, 1e-4, 1 - 1e-4)
    d = np.diff(np.log(p / (1 - p)))
    return bool((d > 1e-9).any() and (d < -1e-9).any())


def pinball(d: pd.DataFrame) -> np.ndarray:
    loss = [np.maximum(q * (d["outcome"] - d[c]), (q - 1) * (d["outcome"] - d[c])) for c, q in QUANTILES.items()]
    return np.mean(loss, axis=0)


def scores(d: pd.DataFrame) -> pd.Series:
    one = d.drop_duplicates(["region", "indicator", "end_year"])
    t = d.dropna(subset=["p_meet"])
    met = t["met"].astype(bool)
    return pd.Series({"windows": len(one), "coverage_80": one["in_80"].mean(), "coverage_95": one["in_95"].mean(),
                      "pinball": pinball(one).mean(), "ece": expected_calibration_error(t["p_meet"], met),
                      "brier": float(((t["p_meet"] - met.astype(float)) ** 2).mean()),
                      "share_met": float(met.mean()), "mean_p_meet": float(t["p_meet"].mean())})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", type=int, nargs="+", default=[4, 5])
    ap.add_argument("--horizons", type=int, nargs="+", default=[1, 2, 3])
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    c = corpus()
    c = c[c["unit"] == "%"]
    panel = c[["region", "indicator", "year", "value", "unit"]]
    family = c.drop_duplicates("indicator").set_index("indicator")["family"]
    wide = c.pivot_table(index=["region", "indicator"], columns="year", values="value", aggfunc="last")
    rows = []
    for n in args.lengths:
        for h in args.horizons:
            runs = []
            for model in MODELS:
                d = pace_backtest(panel, n_points=n, horizon=h, model=model, multiples=(0.5, 0.75, 1.0, 1.25, 1.5))
                runs.append(d.assign(model=model))
            d = pd.concat(runs, ignore_index=True)
            keys = d.drop_duplicates(["region", "indicator", "end_year"])[["region", "indicator", "end_year"]]
            keys["both_ways"] = [both_ways(wide.loc[(r.region, r.indicator), list(range(r.end_year - n + 1,
                                                                                         r.end_year + 1))])
                                 for r in keys.itertuples()]
            d = d.merge(keys, on=["region", "indicator", "end_year"])
            d["family"] = d["indicator"].map(family)
            for subset, part in (("both ways", d[d["both_ways"]]), ("one way", d[~d["both_ways"]])):
                for model, m in part.groupby("model"):
                    rows.append({"subset": subset, "n_points": n, "h": h, "model": model, **scores(m),
                                 "families": ", ".join(f"{k} {v}" for k, v in m.drop_duplicates(
                                     ["region", "indicator", "end_year"])["family"].value_counts().items())})
            print(f"n={n} h={h} done", flush=True)
    out = pd.DataFrame(rows)
    OUT.mkdir(exist_ok=True)
    out.to_csv(OUT / "irregular_shares.csv", index=False)
    print(out.drop(columns="families").round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
