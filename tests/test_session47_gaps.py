"""Session 47: a 〈〉 sum whose history misses a year of the period in the middle was judged 滞后 on the reported
years alone -- the gap, not the pace, made it behind. Now it is judged again with the missing year at the
estimate its p_meet already counts: still behind, 滞后 stands (said so); on schedule, 数据不足 until reported.

SYNTHETIC figures: a district's yearly 知识产权质押融资 additions against 〈5〉 亿元 by 2025, as of 2023.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt

PLAN = pd.DataFrame({"region": ["X"], "indicator": ["ip"], "name": ["知识产权质押融资"], "unit": ["亿元"],
                     "baseline_year": [2020], "baseline": ["〈0〉"], "target_year": [2025], "target": ["〈5〉"]})


def _row(flows: dict, as_of: int = 2023) -> pd.Series:
    history = pd.DataFrame([("X", "ip", y, v) for y, v in flows.items()], columns=["region", "indicator", "year", "value"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(history, PLAN, as_of=as_of, seed=0).iloc[0]


def test_a_sum_on_pace_but_for_an_unreported_year_is_not_judged_behind():
    row = _row({2021: 1.0, 2023: 0.98})
    assert row["progress_share"] == pytest.approx(0.396) and row["time_share"] == pytest.approx(0.6)
    assert (row["category"], row["category_zh"]) == ("insufficient_data", "数据不足")  # was behind, 滞后
    assert "with its estimate it is 59%" in row["note"]
    assert "暂不判定滞后，请补报2022年数据" in row["note"]
    reported = _row({2021: 1.0, 2022: 0.99, 2023: 0.98})  # the year given: on schedule, as its estimate said
    assert reported["category_zh"] == "基本符合预期" and reported["progress_share"] == pytest.approx(0.594)


def test_a_sum_behind_even_with_the_missing_year_estimated_stays_behind():
    row = _row({2021: 0.2, 2023: 0.3})
    assert (row["category"], row["category_zh"]) == ("behind", "滞后")
    assert "behind schedule also with 2022 at its estimate (15% of the target against 60% of the period)" in row["note"]


def test_the_final_verdict_with_a_year_missing_is_unchanged():
    """Target year reported, a middle year not: 数据不足 unless the reported flows alone settle it (as before)."""
    row = _row({2021: 1.0, 2023: 0.98, 2024: 1.0, 2025: 1.0}, as_of=2025)
    assert row["category_zh"] == "数据不足"
    met = _row({2021: 2.0, 2023: 2.0, 2024: 1.0, 2025: 1.0}, as_of=2025)
    assert met["category_zh"] == "已完成"
