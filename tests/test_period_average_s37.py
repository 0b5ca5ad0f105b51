"""年均增长 targets scored on the plan period's average (:func:`mstarget.assess.period_average`).

A plan row 研发经费投入年均增长（%） ≥7 (2021-2025) asks that the yearly rates of 2021-2025 average 7 % -- the
compound average ((prod(1 + g/100)) ** (1/5) - 1) * 100 --, not that 2025's rate alone reaches 7. All rates
below are SYNTHETIC (made up for the tests), not any region's figures.
"""
import warnings

import numpy as np
import pandas as pd
import pytest

from mstarget.assess import assess_detailed
from mstarget.report import build_report

NAME = "研发经费投入年均增长"


def _inputs(values, years, name=NAME, target="≥7"):
    hist = pd.DataFrame({"region": "测试市", "indicator": "rd", "name": name, "unit": "%",
                         "year": list(years), "value": list(values)})
    plan = pd.DataFrame([dict(region="测试市", indicator="rd", name=name, unit="%", baseline_year=2020,
                              baseline=6.0, target_year=2025, target=target, attribute="预期性")])
    return hist, plan


def _assess(values, years, name=NAME, **kw):
    hist, plan = _inputs(values, years, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(hist, plan, seed=0, **kw)


def _average(rates):
    rates = np.asarray(rates, dtype=float)
    return (np.prod(1 + rates / 100, axis=-1) ** (1 / rates.shape[-1]) - 1) * 100


def test_mid_term_p_meet_is_that_of_the_period_average():
    # SYNTHETIC 2021-2024: 7.2, 8.1, 6.5, 7.7 against ≥7 on average over 2021-2025
    observed = [7.2, 8.1, 6.5, 7.7]
    table, details = _assess(observed, range(2021, 2025), keep_paths=True)
    row, paths = table.iloc[0], details[0].series.paths
    # the average of the four observed years and each path's 2025
    avg = _average(np.column_stack([np.tile(observed, (paths.shape[0], 1)), paths[:, 0]]))
    assert row["p_meet"] == pytest.approx(float(np.mean(avg >= 7)))
    assert row["forecast"] == pytest.approx(float(np.median(avg)))
    assert row["lo_80"] == pytest.approx(float(np.quantile(avg, 0.1)))
    # not 2025's rate alone (its p is far lower: one year's rate is much less certain than a five-year average)
    assert float(np.mean(paths[:, 0] >= 7)) < row["p_meet"] - 0.2
    assert row["hi_80"] - row["lo_80"] < 1.0
    # already averaging 7.37 %: the rest of the period needs only 5.52 % in 2025, and it is not 提前实现
    assert row["observed_pace"] == pytest.approx(_average(observed))
    assert row["required_pace"] == pytest.approx(((1.07 ** 5 / np.prod(1 + np.array(observed) / 100)) - 1) * 100)
    assert row["category"] != "achieved" and row["status"] != "met"
    assert table["average_years"].iloc[0] == "2021-2025"


def test_note_says_the_period_average():
    table, _ = _assess([7.2, 8.1, 6.5], range(2021, 2024))
    note = table["note"].iloc[0]
    assert "按2021—2025年年均计算，已实现2021—2023年年均7.26%，剩余年份需年均增长6.60%" in note


def test_final_evaluation_on_the_average_not_the_target_year():
    # SYNTHETIC: 2025 alone 6.5 < 7, but 2021-2025 average 7.90 >= 7: 已完成
    table, _ = _assess([8.0, 9.0, 8.5, 7.5, 6.5], range(2021, 2026))
    row = table.iloc[0]
    assert row["forecast"] == pytest.approx(_average([8.0, 9.0, 8.5, 7.5, 6.5]))
    assert row["p_meet"] == 1.0 and row["status"] == "met" and row["category_zh"] == "已完成"
    # the reverse: 2025 alone 9.0 >= 7, the average 6.39 < 7: 未完成
    table, _ = _assess([5.0, 5.5, 6.0, 6.5, 9.0], range(2021, 2026))
    row = table.iloc[0]
    assert row["forecast"] == pytest.approx(6.390964, abs=1e-5)
    assert row["p_meet"] == 0.0 and row["category_zh"] == "未完成"


def test_a_year_missing_is_not_invented_in_a_final_evaluation():
    # SYNTHETIC: 2023 not reported; the reported four average 7.75, but 2023 could be anything
    table, details = _assess([8.0, 9.0, 7.5, 6.5], [2021, 2022, 2024, 2025])
    row = table.iloc[0]
    assert row["category_zh"] == "数据不足"
    assert row["unreported_years"] == "2023"
    assert row["sum_so_far"] == pytest.approx(_average([8.0, 9.0, 7.5, 6.5]))
    assert "数据不足：缺少2023年数据" in row["note"]


def test_base_year_rate_does_not_count():
    # SYNTHETIC: the history's 2020 figure (a 十三五年均 12 %) is before the period: only 2021-2025 count
    table, _ = _assess([12.0, 8.0, 9.0, 8.5, 7.5, 6.5], range(2020, 2026))
    assert table["forecast"].iloc[0] == pytest.approx(_average([8.0, 9.0, 8.5, 7.5, 6.5]))


def test_a_growth_rate_without_average_words_stays_the_target_years():
    # SYNTHETIC 市场主体增长率 ≥7 in 2025: a level, 2025's rate
    table, details = _assess([7.2, 8.1, 6.5, 7.7], range(2021, 2025), name="市场主体增长率", keep_paths=True)
    paths = details[0].series.paths
    # 2025's rate as it will be reported, to 0.1 as the figures are (session 39: a path at 6.96 is reported 7.0)
    assert table["p_meet"].iloc[0] == pytest.approx(float(np.mean(np.floor(paths[:, 0] * 10 + 0.5) >= 70)))
    assert "average_years" not in table.columns
    # 平均增长率 is an average too
    table, _ = _assess([8.0, 9.0, 8.5, 7.5, 6.5], range(2021, 2026), name="研发经费平均增长率")
    assert table["category_zh"].iloc[0] == "已完成"


def test_report_sentence_says_the_period_average():
    table, details = _assess([8.0, 9.0, 8.5, 7.5, 6.5], range(2021, 2026))
    row = build_report(table, details, lang="zh", date="2026-12-06").rows[0]
    assert "目标按2021—2025年年均计算，2021—2025年年均7.9%（2025年当年为6.5%），已达到目标" in row.narrative
    assert row.cells["current_shown"].text == "年均 7.9"
    table, details = _assess([7.2, 8.1, 6.5], range(2021, 2024))
    # a mid-term view as of 2023 (session 38: without as_of a report of December 2026 is the 总结评估 of 2025)
    row = build_report(table, details, lang="zh", date="2026-12-06", as_of=2023).rows[0]
    assert "2021—2023年已实现年均7.3%" in row.narrative
    assert "剩余年份需年均增长6.6%方可达标" in row.narrative  # s42: the places of the rates reported (7.3)
    en = build_report(table, details, lang="en", date="2026-12-06", as_of=2023).rows[0]
    assert "the target is the average over 2021-2025" in en.narrative


def test_report_method_notes_explain_the_average():
    table, details = _assess([7.2, 8.1, 6.5], range(2021, 2024))
    notes = build_report(table, details, lang="zh", date="2026-12-06").notes
    assert any("按规划期各年增速的几何平均评价" in n for n in notes)
    table, details = _assess([7.2, 8.1, 6.5], range(2021, 2024), name="市场主体增长率")
    assert not any("几何平均" in n for n in build_report(table, details, lang="zh", date="2026-12-06").notes)
