"""A year missing inside a 〈〉 five-year sum (or inside the yearly additions a 〔〕 stock is built from) is
never counted silently (prober's finding, session 36, /tmp/s36/p1/repro_flow_gap.py): flows 0.6, 0.9, 1.1,
(2024 missing), 1.3 against 〈5〉 were summed with 2024 interpolated (1.2) to 5.1 -> p_meet 1.0, 已完成, no
warning, while the reported flows add to 3.9.

The rule: the reported figures alone meeting the target -> 已完成 whatever the missing year held; else,
with the target year observed, 数据不足 (not 已完成 / 未完成 on an estimate), p_meet counting the missing
year as estimated with a spread, and the note naming the year. Mid-term: the estimate feeds the forecast,
``sum_so_far`` adds the reported flows only, the note names the year.

Indicator names, units and plan figures are the Dinghu district's (data/dinghu_14th_fyp_plan.csv:
知识产权质押登记融资金额 〈5〉 亿元, 企业标准 〔38〕 -> 〔117〕 项); every yearly value here is SYNTHETIC.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed

DINGHU = Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv"
PLEDGE = "ip_pledge_financing"  # 〈5〉 亿元 added 2021-2025
STANDARDS = "enterprise_standards"  # 〔38〕 (2020) -> 〔117〕 (2025) 项


def _plan(indicator):
    plan = pd.read_csv(DINGHU)
    return plan[plan["indicator"] == indicator].reset_index(drop=True)


def _history(indicator, years, values, measure=None):
    h = pd.DataFrame({"region": "鼎湖区", "indicator": indicator, "year": years, "value": values})  # SYNTHETIC
    if measure is not None:
        h["measure"] = measure
    return h


def _assess(history, indicator, as_of):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mt.assess(history, _plan(indicator), as_of=as_of, seed=0, n_paths=500)
    return res.iloc[0], [str(w.message) for w in caught if issubclass(w.category, mt.InconsistentDataWarning)]


# -- 〈〉 sums: the target year observed -------------------------------------------------------------

def test_final_sum_with_a_missing_year_is_not_completed_on_an_interpolated_flow():
    """The repro: 3.9 reported against 〈5〉 with 2024 missing is neither 已完成 nor 未完成: 数据不足,
    sum_so_far 3.9 (not 5.1), p_meet neither 1 nor 0, the note and a warning naming 2024."""
    row, warned = _assess(_history(PLEDGE, [2021, 2022, 2023, 2025], [0.6, 0.9, 1.1, 1.3]), PLEDGE, 2025)
    assert row["sum_so_far"] == pytest.approx(3.9)
    assert row["remaining"] == pytest.approx(1.1)
    assert row["evaluation"] == "insufficient_data" and row["category_zh"] == "数据不足"
    assert row["status"] != "met"
    # the missing flow is unknown: 1.1 or more is needed, the interpolation says 1.2 -- a chance, not a certainty
    assert 0.05 < row["p_meet"] < 0.95
    assert "2024年数据缺失" in row["note"] and "2024" in row["note"]
    assert any("2024" in w for w in warned)


def test_final_sum_whose_reported_flows_alone_meet_the_target_is_completed():
    """1.6 + 1.9 + 1.1 + 1.3 = 5.9 reported: 〈5〉 is met whatever 2024 held (flows are not negative); the
    note still says 2024 is missing, sum_so_far is the reported 5.9."""
    row, _ = _assess(_history(PLEDGE, [2021, 2022, 2023, 2025], [1.6, 1.9, 1.1, 1.3]), PLEDGE, 2025)
    assert row["evaluation"] == "completed" and row["category_zh"] == "已完成" and row["status"] == "met"
    assert row["sum_so_far"] == pytest.approx(5.9)
    assert "2024年数据缺失" in row["note"]


def test_final_sum_missing_its_first_year_is_not_completed_on_a_guess():
    """2021 not reported (the series starts in 2022): 0.9 + 1.1 + 1.2 + 1.3 = 4.5 reported against 〈5〉;
    2021 taken as the first reported year's 0.9 would make it 5.4 and 已完成."""
    row, warned = _assess(_history(PLEDGE, [2022, 2023, 2024, 2025], [0.9, 1.1, 1.2, 1.3]), PLEDGE, 2025)
    assert row["sum_so_far"] == pytest.approx(4.5)
    assert row["evaluation"] == "insufficient_data" and row["category_zh"] == "数据不足"
    assert "2021年数据缺失" in row["note"]
    assert any("2021" in w for w in warned)


def test_complete_flows_and_running_totals_with_a_gap_are_judged_as_before():
    """No year missing: 5.1 已完成, no note or warning about missing years. Running totals (累计) with 2024
    missing: the 2025 total is the sum, 3.9 -> 未完成 (the totals' gap spreads evenly, nothing is invented)."""
    row, warned = _assess(_history(PLEDGE, [2021, 2022, 2023, 2024, 2025], [0.6, 0.9, 1.1, 1.2, 1.3]), PLEDGE, 2025)
    assert row["sum_so_far"] == pytest.approx(5.1) and row["evaluation"] == "completed"
    assert "缺失" not in row["note"] and not any("缺少期内年份" in w for w in warned)
    totals = _history(PLEDGE, [2021, 2022, 2023, 2025], [0.6, 1.5, 2.6, 3.9], measure="running_total")
    row, _ = _assess(totals, PLEDGE, 2025)
    assert row["sum_so_far"] == pytest.approx(3.9) and row["evaluation"] == "not_completed"


# -- 〈〉 sums: mid-term ---------------------------------------------------------------------------------

def test_midterm_sum_adds_the_reported_flows_and_says_the_missing_year_is_estimated():
    """Mid-term (as_of 2023), 2022 missing: sum_so_far is the reported 0.6 + 1.1 = 1.7 (not 2.55 with
    2022 interpolated as 0.85); the forecast counts 2022 as estimated, so it is above 1.7 plus the two
    years to come at their lowest, and the note names 2022."""
    row, warned = _assess(_history(PLEDGE, [2021, 2023], [0.6, 1.1]), PLEDGE, 2023)
    assert row["sum_so_far"] == pytest.approx(1.7)
    assert row["remaining"] == pytest.approx(3.3)
    assert row["progress_share"] == pytest.approx(1.7 / 5)
    assert "2022年数据缺失" in row["note"]
    assert row["forecast"] > 1.7 + 0.85  # the estimate of 2022 is in the forecast
    assert any("2022" in w for w in warned)


def test_midterm_fan_and_interval_agree_with_a_missing_year():
    """The fan chart's 80 % band in the target year is the table's lo_80 / hi_80 when a year is missing
    (the missing flow's spread is in both), for a 〈〉 sum and a 〔〕 stock from yearly additions."""
    hist = pd.concat([_history(PLEDGE, [2021, 2023], [0.6, 1.1], measure="flow"),
                      _history(STANDARDS, [2021, 2023], [14, 15], measure="flow")], ignore_index=True)
    plan = pd.concat([_plan(PLEDGE), _plan(STANDARDS)], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(hist, plan, as_of=2023, seed=0, n_paths=500)
    for t in details:
        assert t.bands.quantile(0.1)[-1] == pytest.approx(t.row["lo_80"], rel=1e-5)
        assert t.bands.quantile(0.9)[-1] == pytest.approx(t.row["hi_80"], rel=1e-5)
    assert table["note"].str.contains("2022").all()


# -- 〔〕 stocks built from yearly additions -----------------------------------------------------------

def test_final_stock_from_additions_with_a_missing_year_is_not_judged_on_a_zero():
    """企业标准 additions 14, 17, 15, (2024 missing), 18 on 〔38〕: the reported ones give 102 and the
    2024 additions are unknown, so 〔117〕 is neither 未完成 (2024 taken as 0) nor 已完成: 数据不足, the
    note and the warning naming 2024, p_meet neither 0 nor 1."""
    hist = _history(STANDARDS, [2021, 2022, 2023, 2025], [14, 17, 15, 18], measure="当年新增")
    row, warned = _assess(hist, STANDARDS, 2025)
    assert row["evaluation"] == "insufficient_data" and row["category_zh"] == "数据不足"
    assert row["status"] != "met"
    assert 0.05 < row["p_meet"] < 0.95
    assert row["remaining"] == pytest.approx(117 - 102)  # what the reported additions leave
    assert "2024年新增数缺失" in row["note"]
    assert any("2024年缺失" in w for w in warned)


def test_final_stock_whose_reported_additions_alone_meet_the_target_is_completed():
    """Additions 24, 27, 25, (2024 missing), 28: 38 + 104 = 142 >= 117 whatever 2024 held: 已完成, and
    the note says 2024 is missing."""
    hist = _history(STANDARDS, [2021, 2022, 2023, 2025], [24, 27, 25, 28], measure="当年新增")
    row, _ = _assess(hist, STANDARDS, 2025)
    assert row["evaluation"] == "completed" and row["status"] == "met"
    assert "2024年新增数缺失" in row["note"]


def test_midterm_stock_from_additions_counts_the_missing_year_as_estimated():
    """Mid-term, additions 14, (2022 missing), 15: the stock of 2023 is 38 + 14 + 14.5 (estimated) + 15 =
    81.5, not 67 (2022 taken as 0); progress counts the reported 67; the note names 2022."""
    hist = _history(STANDARDS, [2021, 2023], [14, 15], measure="当年新增")
    row, _ = _assess(hist, STANDARDS, 2023)
    assert row["last_value"] == pytest.approx(81.5)
    assert row["progress_share"] == pytest.approx((67 - 38) / (117 - 38))
    assert "2022年新增数缺失" in row["note"]
    assert np.isfinite(row["p_meet"])
