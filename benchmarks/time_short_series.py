"""Speed of ``auto`` on short series with pooling (issue 17): ms per series on one core.

All 4-point windows ending in 2019 of the provincial panels (~3,400 series of 135 indicators x
31 provinces), forecast 2 years ahead in one call with the default 2,000 sample paths and
calibration (``pooled_drift`` with peers); fastest of ``--repeats`` runs.

    .venv/bin/python benchmarks/time_short_series.py [--repeats 3]
"""
from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import pandas as pd

import mstarget as mt

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    d = pd.read_csv(ROOT / "data" / "china" / "provincial_panels.csv")
    d.loc[d["indicator"] == "hitech_industry_profit_margin", "unit"] = "百分点"
    h = mt.read_history(d[(d["year"] >= 2016) & (d["year"] <= 2019)])
    n = h.groupby(["region", "indicator"]).ngroups
    best = float("inf")
    for _ in range(args.repeats):
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = mt.forecast(h, horizon=2)
        best = min(best, time.perf_counter() - t)
    print(f"{n} series, {fc['model'].value_counts().to_dict()}: {1000 * best / n:.2f} ms/series "
          f"(fastest of {args.repeats})")


if __name__ == "__main__":
    main()
