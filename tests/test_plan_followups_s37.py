"""Plan readings found by testers in session 37. Data: SYNTHETIC rows and values typed here.

1. A 〈〉 target below the previous period's additions (〈8〉 then 〈5〉) was read as a cap (≤〈5〉): the district
   that had added 4.9 in three years read 滞后 with p_meet 0. A five-year sum of additions is a floor.
2. 年均增长7%以上 on a growth-rate row is the average rate itself; its note said it was "from the baseline 6".
"""
from __future__ import annotations

import warnings

import pandas as pd

import mstarget as mt


def _assess(history: pd.DataFrame, plan: pd.DataFrame) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(history, plan, seed=0).iloc[0]


def test_a_five_year_sum_below_the_previous_periods_is_still_a_floor():
    plan = pd.DataFrame([dict(region="测试区", indicator="ip_loans", name="知识产权质押融资", unit="亿元",
                              baseline_year=2020, baseline="〈8〉", target_year=2025, target="〈5〉")])
    history = pd.DataFrame({"region": "测试区", "indicator": "ip_loans", "year": [2021, 2022, 2023],
                            "value": [1.5, 1.6, 1.8], "unit": "亿元"})
    assert mt.read_plan(plan)["direction"].iloc[0] == ">="
    r = _assess(history, plan)
    assert r["direction"] == ">=" and r["sum_so_far"] == 4.9 and r["p_meet"] > 0.9


def test_an_average_rate_target_is_not_said_to_come_from_the_baseline():
    plan = pd.DataFrame([dict(region="测试市", indicator="rd", name="研发经费投入增长", unit="%", baseline_year=2020,
                              baseline=6.0, target_year=2025, target="年均增长7%以上")])
    history = pd.DataFrame({"region": "测试市", "indicator": "rd", "unit": "%", "year": range(2021, 2026),
                            "value": [7.5, 7.8, 6.2, 6.4, 6.6]})
    r = _assess(history, plan)
    assert r["target"] == 7 and "目标按年均增速≥7评估" in r["note"] and "from the baseline" not in r["note"]
    assert r["category_zh"] == "未完成"  # 2021-2025 average 6.90 %
