"""A region whose own trend runs against all its peers' is told that pooling overrides it.

Data: SYNTHETIC, generated here with a seeded generator -- eight districts of one indicator
(市场主体总量, 万户), seven growing about 7 % a year, 鼎湖区 falling three years running.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

import mstarget as mt

GROWTH = {"端州区": 0.07, "高要区": 0.065, "四会市": 0.08, "广宁县": 0.06, "怀集县": 0.07, "封开县": 0.075,
          "德庆县": 0.068}


def _assess(falling: list[float]):
    rng = np.random.default_rng(1)
    rows, plan = [], []
    for i, (region, g) in enumerate(GROWTH.items()):
        base = 2.0 + 0.5 * i
        for year in range(2020, 2024):
            rows.append((region, "me", year, round(base * np.exp(g * (year - 2020) + rng.normal(0, 0.01)), 2)))
        plan.append((region, "me", 2020, base, 2025, f"≥{round(base * 1.3, 2)}"))
    rows += [("鼎湖区", "me", 2020 + i, v) for i, v in enumerate(falling)]
    plan.append(("鼎湖区", "me", 2020, falling[0], 2025, "≥2.6"))
    history = pd.DataFrame(rows, columns=["region", "indicator", "year", "value"]).assign(unit="万户")
    plan = pd.DataFrame(plan, columns=["region", "indicator", "baseline_year", "baseline", "target_year",
                                       "target"]).assign(unit="万户", name="市场主体总量")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(history, plan, seed=0).set_index("region")


def test_a_region_falling_among_growing_peers_is_told_the_forecast_follows_them():
    res = _assess([2.81, 2.72, 2.69, 2.53])
    note = res.loc["鼎湖区", "note"]
    assert "depart from the trend of the indicator's 8 regions" in note
    assert "预测主要依据其他地区的趋势" in note
    assert all("depart" not in res.loc[r, "note"] for r in GROWTH)


def test_a_region_moving_with_its_peers_gets_no_such_note():
    res = _assess([2.51, 2.69, 2.86, 3.07])
    assert "depart" not in res.loc["鼎湖区", "note"]
