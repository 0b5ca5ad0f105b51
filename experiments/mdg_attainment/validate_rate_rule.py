"""Would a horizon-aware rule "use `rate` when h >= 8" have been chosen with what was known in 2005?

Rolling origin 1995, horizons 8-10, country series up to 2005 (regional aggregates removed), for the
three child-mortality indicators. Result (recorded in benchmarks/RESULTS_NOTES.md): `rate` is worse
than `auto` on every measure, so `auto` was left unchanged.

    .venv/bin/python experiments/mdg_attainment/validate_rate_rule.py
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

import mstarget as mt

DATA = Path(__file__).resolve().parents[2] / "data" / "backtest_mdg" / "mdg_series.csv"
AGGREGATE_WORDS = ("World", "income", "Region", "region", "Asia", "Africa", "Europe", "America", "Caribbean",
                   "Oceania", "OECD", "Union", "Arab", "Sub-Saharan", "countries", "Countries", "IDA", "IBRD",
                   "Euro", "small states", "dividend", "Fragile", "Heavily", "Least", "Latin", "Middle East",
                   "Pacific")
INDICATORS = ("u5mr_per1000_igme_cme2018", "imr_per100_igme2021", "nmr_per100_igme2021")


def main() -> None:
    raw = pd.read_csv(DATA)
    raw = raw[~raw["country"].str.contains("|".join(AGGREGATE_WORDS))]
    for ind in INDICATORS:
        d = raw[(raw["indicator"] == ind) & raw["year"].between(1980, 2005)]
        history = pd.DataFrame({"region": d["country"], "indicator": ind, "year": d["year"], "value": d["value"]})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bt = mt.backtest(history, model="auto,rate,ensemble", horizon=10, origins=[1995], n_paths=300)
        long = bt.details[bt.details["h"] >= 8]
        print(ind)
        print(long.groupby("model")[["smape", "mase", "in_80", "in_95", "crps_scaled"]].mean().round(3))


if __name__ == "__main__":
    main()
