"""A 〈〉 (five-year sum) row's yearly additions are flows, never a stock (prober Q2, session 41,
/tmp/s41/q2/repro1_flows_as_stock.sh).

新增制定标准 | 项 | 〈30〉 with 2026年完成值 7, 2027年完成值 12 (yearly additions 7, 5) was sent by ``auto`` to
``small_count``, the model of a STOCK of a few things, because the unit 项 alone decided: it read 7, 5 as a stock
losing 2 a year and forecast 3, 2, 0 for 2028-2030, p_meet 0.07 (完成难度较大) for a row exactly on time pace (12 of
30 after 2 of 5 years). In 项/年 ``pooled_drift`` extrapolated the fall 7 -> 5 (p 0.13). Yearly flows of a few whole
things are counts a year: ``event_rate`` (Poisson with a Gamma yearly rate) now draws them; flows that are no small
whole counts (〈〉 of 亿元) and stocks (〔〕, level rows in 项) keep their models.

Every figure here is SYNTHETIC.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.forecast import has_count_trend

PLAN_MID = """指标名称,单位,属性,2025年基数,2026年完成值,2027年完成值,2030年目标
市场主体总量,万户,预期性,〔33.61〕,34.9,36.0,〔45〕
新增制定标准,{unit},预期性,〈0〉,7,12,〈30〉
"""


def _assess(history, plan, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(history, plan, region="合成市", seed=0, **kw)


def _row(table, name):
    return table[table["name"] == name].iloc[0]


@pytest.mark.parametrize("unit", ["项", "项/年"])
def test_on_pace_five_year_sum_of_standards_is_an_even_bet_not_hopeless(tmp_path, unit):
    """12 of 〈30〉 after 2 of 5 years (additions 7, 5: 6 a year, the pace the target needs): p_meet about even
    (0.56), not 0.07 (项: small_count's stock losing 2 a year) nor 0.13 (项/年: pooled_drift's fall); the
    median sum is the target's 30, not 17."""
    plan = tmp_path / "plan.csv"
    plan.write_text(PLAN_MID.format(unit=unit), encoding="utf-8")
    row = _row(_assess(None, plan), "新增制定标准")
    assert row["model"] == "auto:event_rate"
    assert row["sum_so_far"] == 12
    assert 0.45 <= row["p_meet"] <= 0.7
    assert 26 <= row["forecast"] <= 34
    assert row["category_zh"] == "基本符合预期"


def test_seven_years_of_additions_at_the_pace_needed_give_p_meet_above_even():
    """Yearly additions 6, 8, 9, 5, 6, 7, 5 (2021-2027) against 〈30〉 for 2026-2030 (12 so far; 6 a year needed,
    6.75 a year over the last six years): p_meet above 0.5 (was 0.31 while the report said 尚需年均完成6项，已观测
    年份年均6项), the fan's 80 % band around the 30."""
    years = list(range(2021, 2028))
    hist = pd.DataFrame({"region": "合成市", "indicator": "new_standards", "name": "新增制定标准", "unit": "项",
                         "year": years, "value": [6, 8, 9, 5, 6, 7, 5]})
    plan = pd.DataFrame({"region": ["合成市"], "indicator": ["new_standards"], "name": ["新增制定标准"],
                         "unit": ["项"], "baseline_year": [2025], "baseline": ["〈0〉"], "target_year": [2030],
                         "target": ["〈30〉"], "attribute": ["预期性"]})
    row = _assess(hist, plan).iloc[0]
    assert row["model"] == "auto:event_rate"
    assert row["sum_so_far"] == 12
    assert 0.5 < row["p_meet"] < 0.85
    assert row["lo_80"] < 30 < row["hi_80"]


def test_forecast_of_a_history_declared_as_yearly_flows_is_no_stock():
    """mt.forecast of 7, 5 项 whose measure says flow (口径 当年): each year about 6 (a 3-year sum near 18), not
    small_count's 3, 2, 0 (sum 6.9)."""
    hist = pd.DataFrame({"region": "合成市", "indicator": "x", "name": "新增制定标准", "unit": "项",
                         "year": [2026, 2027], "value": [7, 5], "measure": "当年"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = mt.forecast(hist, horizon=3, levels=(80,), seed=0)
    assert set(f["model"]) == {"auto:event_rate"}
    assert 15 <= f["mean"].sum() <= 22
    assert list(f["median"]) == [6.0, 6.0, 6.0]


def test_flows_that_are_no_small_whole_counts_and_stocks_keep_their_models(tmp_path):
    """Controls: a 〈〉 of 亿元 keeps pooled_drift, a 〈〉 of 项 adding 25-30 a year (more than
    events.MAX_COUNT) too; a 〔〕 stock of 项 and a level row in 项 (stocks) keep small_count; a 〈≤3〉 of
    incidents keeps event_rate."""
    plan = tmp_path / "plan.csv"
    plan.write_text("""指标名称,单位,属性,2025年基数,2026年完成值,2027年完成值,2030年目标
知识产权质押融资金额,亿元,预期性,〈0〉,1.6,3.5,〈9〉
新增团体标准,项,预期性,〈0〉,25,55,〈140〉
地方标准,项,预期性,〔3〕,4,4,〔6〕
国家级示范区,个,预期性,2,2,3,≥4
较大食品安全事故,起,约束性,〈0〉,1,1,〈≤3〉
""", encoding="utf-8")
    t = _assess(None, plan)
    assert _row(t, "知识产权质押融资金额")["model"] == "auto:pooled_drift"
    assert _row(t, "新增团体标准")["model"] == "auto:pooled_drift"
    assert _row(t, "地方标准")["model"] == "auto:small_count"
    assert _row(t, "国家级示范区")["model"] == "auto:small_count"
    assert _row(t, "较大食品安全事故")["model"] == "auto:event_rate"


def test_flows_that_rise_steadily_are_carried_on_not_averaged():
    """Standards added 2, 4, 6, 8, 10 a year (SYNTHETIC): a clear trend (Mann-Kendall, p 0.017), not a steady
    rate -- read as the five years' mean, 〈50〉 (last year's 10 held) got p 0.03; carried on by small_count's
    yearly steps it is likely met. Lumpy additions with no trend (0, 12, 1, 9) stay a rate."""

    assert has_count_trend([2, 4, 6, 8, 10]) and has_count_trend([10, 8, 6, 4, 2])
    assert not has_count_trend([0, 12, 1, 9]) and not has_count_trend([6, 8, 9, 5, 6, 7, 5])
    assert not has_count_trend([7, 5])  # two years show no trend
    # one batch after quiet years is lumpiness, not growth (FP2: p_meet had jumped 0.16 -> 0.93)
    assert not has_count_trend([0, 0, 0, 2]) and not has_count_trend([2, 2, 2, 2, 9])
    history = pd.DataFrame({"region": "合成市", "indicator": "新增制定团体标准", "unit": "项",
                            "year": range(2021, 2026), "value": [2, 4, 6, 8, 10]})
    plan = pd.DataFrame({"region": ["合成市"], "indicator": ["新增制定团体标准"], "unit": ["项"],
                         "baseline_year": [2025], "target_year": [2030], "target": ["〈50〉"]})
    row = _assess(history, plan).iloc[0]
    assert row["model"] == "auto:small_count"
    assert row["p_meet"] > 0.7 and row["forecast"] > 50
