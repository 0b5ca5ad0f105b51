"""A rate of change that stands near 0 in one year is no unit mix-up (session 54).

A district's 市场主体增长率 of 12-15 % with a year of 0.03 % (a stall, written as reported) was refused as "about
1/500 of its other figures: a figure in another unit or a misplaced decimal point?"; a growth rate's size says
nothing of its unit, and a series of both signs may pass near 0. Found by a generated run of numeric edge cases
through ``assess``. The figures are realistic, not a bureau's."""
from __future__ import annotations

import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError


def _plan(name, unit, baseline, target):
    return pd.DataFrame([dict(region="鼎湖区", indicator=name, name=name, unit=unit, baseline_year=2020,
                              baseline=baseline, target_year=2025, target=target)])


def _history(name, unit, values):
    return pd.DataFrame(dict(region="鼎湖区", indicator=name, year=range(2020, 2020 + len(values)), value=values,
                             unit=unit))


def test_a_growth_rate_with_a_year_near_zero_is_assessed():
    name = "市场主体增长率"
    res = mt.assess(_history(name, "%", [12.4, 0.03, 13.1, 11.8]), _plan(name, "%", 12.4, "≥10"), as_of=2023, seed=0)
    row = res.iloc[0]
    assert row["last_value"] == pytest.approx(11.8)
    assert 0 <= row["p_meet"] <= 1


def test_a_series_of_both_signs_passing_near_zero_is_assessed():
    name = "网络交易额净增量"  # a net change in 亿元: below 0 in a bad year, near 0 in another
    res = mt.assess(_history(name, "亿元", [3.2, -1.5, 0.004, 3.5]), _plan(name, "亿元", 3.2, "≥3"), as_of=2023,
                    seed=0)
    assert res.iloc[0]["last_value"] == pytest.approx(3.5)


def test_a_stock_with_one_figure_a_thousand_times_smaller_is_still_refused():
    name = "期末市场主体总量"  # 万户: 0.00215 among 1.89-2.7 is 21.5 户 mistyped, or 户 / 万户 mixed
    with pytest.raises(DataValidationError, match=r"1/1,000|1/1000|其他年份的约"):
        mt.assess(_history(name, "万户", [1.89, 0.00215, 2.42, 2.7]), _plan(name, "万户", 1.89, "〔3.12〕"),
                  as_of=2023, seed=0)
