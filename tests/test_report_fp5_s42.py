"""The report's prose as an analyst reads it (session 42, prober FP5 findings 3, 6, 7, 10): targets met at the base
but drifting back said as the table says them (已达到，仍需巩固), not 提前实现 beside 11 %; a 〈〉 target's sum said as a
sum over the period, its gap once; one target spoken of in the singular; a progress table's own title giving a clean
report title; paces with the decimals of the row's figures.

Every plan and history here is SYNTHETIC (made up in the test, shaped as a 区 bureau's tables)."""
from __future__ import annotations

import warnings

import pytest

import mstarget as mt
from mstarget.assess import read_inputs
from mstarget.report import build_report, write_report
from mstarget.report.model import name_of_plan

# SYNTHETIC: two binding rates that met their targets at the base year and drift back out steadily (≤1.5 from 1.0, now
# 1.45 rising; ≥98 from 99.0, now 98.25 falling: steady trends, which auto carries on, not sampling scatter around a
# level), one range target met (a failure rate down into its range and holding there), one per-population figure with
# one decimal
MIDTERM_PLAN = """序号,指标名称,单位,2020年基数,2025年目标,属性
1,药品抽检不合格率,%,1.0,≤1.5,约束性
2,食品抽检合格率,%,99.0,≥98,约束性
3,工业产品抽查不合格率,%,2.5,1.5-2.0,预期性
4,每千人食品检验量,批次/千人,5.0,≥5.0,约束性
"""
MIDTERM_HISTORY = """指标名称,单位,2020年,2021年,2022年,2023年
药品抽检不合格率,%,1.0,1.15,1.3,1.45
食品抽检合格率,%,99.0,98.75,98.5,98.25
工业产品抽查不合格率,%,2.5,1.8,1.7,1.75
每千人食品检验量,批次/千人,5.0,5.2,5.3,5.1
"""
# SYNTHETIC: the same plan and one more row well behind its target
BEHIND_ROW = "5,企业年度报告公示率,%,88,≥95,预期性\n"
BEHIND_HISTORY = "企业年度报告公示率,%,88,88.3,88.5,88.6\n"


def _assess(tmp_path, plan_text: str, history_text: str, as_of: int, name: str = "x"):
    (tmp_path / f"{name}_plan.csv").write_text(plan_text, encoding="utf-8")
    (tmp_path / f"{name}_history.csv").write_text(history_text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan, history = read_inputs(str(tmp_path / f"{name}_history.csv"), str(tmp_path / f"{name}_plan.csv"), "鼎湖区")
        table, details = mt.assess_detailed(history, plan, as_of=as_of, seed=0)
    return table, details, plan


def _row(report, name):
    return next(r for r in report.rows if r.cells["name"].text == name)


@pytest.fixture(scope="module")
def midterm(tmp_path_factory):
    return _assess(tmp_path_factory.mktemp("fp5_mid"), MIDTERM_PLAN, MIDTERM_HISTORY, 2023)


# --- finding 3: met at the base, drifting back -----------------------------------------------------------------------

def test_midterm_headline_says_targets_met_but_drifting_as_the_table_does(midterm):
    table, details, plan = midterm
    report = build_report(table, details, plan=plan, as_of=2023, date="2026-12-06")
    drug, food = _row(report, "药品抽检不合格率"), _row(report, "食品抽检合格率")
    assert drug.cells["outlook"].text == food.cells["outlook"].text == "已达到，仍需巩固"
    assert int(drug.cells["p_meet"].text.rstrip("%")) < 50 and int(food.cells["p_meet"].text.rstrip("%")) < 50
    text = report.overall
    # never the contradiction: 总体基本符合预期 / 均提前实现 while listing 11 % targets as 提前实现
    assert "基本符合预期" not in text and "均提前实现" not in text and "提前实现）" not in text, text
    assert "规划主要指标目前均已达到目标值，但部分指标有回落风险，成果仍需巩固。" in text, text
    assert "有进度数据的4项均已达到目标值，其中2项有回落风险（实现概率低于50%）。" in text, text
    assert (f"约束性指标中需重点关注：药品抽检不合格率（已达到，仍需巩固；实现概率{drug.cells['p_meet'].text}）、"
            f"食品抽检合格率（已达到，仍需巩固；实现概率{food.cells['p_meet'].text}）。") in text, text


def test_midterm_headline_in_english(midterm):
    table, details, plan = midterm
    text = build_report(table, details, plan=plan, lang="en", as_of=2023, date="2026-12-06").overall
    assert "broadly on course" not in text and "were achieved early" not in text, text
    assert "Every target assessed is met already, but some are at risk of slipping back" in text, text
    assert "All 4 with progress data have met their targets already, 2 of them at risk of slipping back" in text, text
    assert "药品抽检不合格率 (P " in text and "met; must be held)" in text and "achieved early)" not in text, text


def test_drifting_targets_beside_a_lagging_one_are_counted_with_the_met_ones(tmp_path):
    table, details, plan = _assess(tmp_path, MIDTERM_PLAN + BEHIND_ROW, MIDTERM_HISTORY + BEHIND_HISTORY, 2023)
    report = build_report(table, details, plan=plan, as_of=2023, date="2026-12-06")
    assert _row(report, "企业年度报告公示率").category == "behind"
    text = report.overall
    assert "有进度数据的5项中，提前实现4项（其中2项有回落风险）、滞后1项。" in text, text
    assert "药品抽检不合格率（已达到，仍需巩固；实现概率" in text and "提前实现）" not in text, text
    assert "企业年度报告公示率（实现概率" in text and "，滞后）" in text, text  # a lagging one keeps its own words
    en = build_report(table, details, plan=plan, lang="en", as_of=2023, date="2026-12-06").overall
    assert "4 achieved early (2 of them at risk of slipping back) and 1 behind schedule" in en, en


# --- finding 6: a 〈〉 period sum missed, and a report of one target ------------------------------------------------

# SYNTHETIC: additions of 0.6, 0.4, 0.3, 0.2, 0.1 亿元 against 〈5〉 over 2021-2025
SUM_PLAN = """序号,指标名称,单位,2020年基数,2025年目标,属性
1,知识产权质押融资金额,亿元,,〈5〉,预期性
"""
SUM_HISTORY = """指标名称,单位,2020年,2021年,2022年,2023年,2024年,2025年
知识产权质押融资金额,亿元,0.5,0.6,0.4,0.3,0.2,0.1
"""


@pytest.fixture(scope="module")
def summed(tmp_path_factory):
    return _assess(tmp_path_factory.mktemp("fp5_sum"), SUM_PLAN, SUM_HISTORY, 2025)


def test_a_period_sum_missed_is_said_as_the_sum_over_the_period_and_its_gap_once(summed):
    table, details, plan = summed
    report = build_report(table, details, plan=plan, as_of=2025, date="2026-12-06")
    assert report.problems == ["知识产权质押融资金额：2021—2025年累计1.6亿元，未达到目标（≥5亿元），差3.4亿元。累计完成目标的32%。"]
    # one target: said of it, never 过半数指标未完成 / 均为
    assert report.overall.startswith("本次评估共1项指标（预期性指标），数据截至2025年。该项指标未完成。"), report.overall
    assert "过半数" not in report.overall
    # the row's own paragraph keeps its wording (the sum since the base year, the gap said once)
    assert "累计完成1.6亿元" in _row(report, "知识产权质押融资金额").narrative


def test_a_period_sum_missed_in_english(summed, tmp_path):
    table, details, plan = summed
    report = write_report(table, details, tmp_path / "report_en.html", plan=plan, lang="en", as_of=2025,
                          date="2026-12-06")
    line = report.problems[0]
    assert line == ("知识产权质押融资金额: 1.6亿元 summed over 2021-2025 against the target (≥5亿元), 3.4亿元 short. "
                    "The sum reached 32% of the target."), line
    assert line.count("3.4亿元") == 1
    text = report.overall
    assert text.startswith("This evaluation covers 1 indicator (expected), with data up to 2025. "
                           "The one target was not achieved."), text
    assert "More than half" not in text and "1 indicators" not in text
    page = (tmp_path / "report_en.html").read_text(encoding="utf-8")
    assert "1.6亿元 summed over 2021-2025" in page and "1 indicators" not in page


# --- finding 7: a progress table's title as the plan's title ---------------------------------------------------------

def _plan_workbook(path, title: str) -> None:
    """SYNTHETIC: a mid-term table titled as bureaus title it, its 完成值 columns the history."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(["序号", "指标名称", "单位", "2020年基数", "2021年完成值", "2022年完成值", "2023年完成值", "2025年目标", "属性"])
    ws.append(["1", "市场主体总量", "万户", "〔1.89〕", 2.15, 2.40, 2.62, "〔3.12〕", "预期性"])
    ws.append(["2", "食品抽检合格率", "%", 97.5, 97.9, 98.2, 98.4, "≥98", "约束性"])
    ws.append(["注：本表数据为SYNTHETIC（测试用虚构数据）。"])
    wb.save(path)


@pytest.mark.parametrize("title, zh, en", [
    ("鼎湖区“十四五”市场监管规划主要指标中期完成情况表", "《鼎湖区“十四五”市场监管规划》主要指标中期评估",
     "Mid-term evaluation of the main indicators: 鼎湖区“十四五”市场监管规划"),
    ("鼎湖区市场监管“十四五”规划主要指标2023年完成情况", "《鼎湖区市场监管“十四五”规划》主要指标中期评估",
     "Mid-term evaluation of the main indicators: 鼎湖区市场监管“十四五”规划"),
    ("鼎湖区“十四五”市场监管规划主要指标完成情况统计表", "《鼎湖区“十四五”市场监管规划》主要指标中期评估",
     "Mid-term evaluation of the main indicators: 鼎湖区“十四五”市场监管规划"),
])
def test_a_progress_tables_title_gives_a_clean_report_title(tmp_path, title, zh, en):
    path = tmp_path / "plan.xlsx"
    _plan_workbook(path, title)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(str(path), region="鼎湖区")
        table, details = mt.assess_detailed(None, plan, as_of=2023, seed=0)
    assert build_report(table, details, plan=plan, as_of=2023, date="2026-12-06").title == zh
    assert build_report(table, details, plan=plan, lang="en", as_of=2023, date="2026-12-06").title == en


@pytest.mark.parametrize("caption, name", [
    ("某区“十四五”规划主要指标2021—2023年进展情况", "某区“十四五”规划"),
    ("某区“十四五”规划2023年度完成情况", "某区“十四五”规划"),
    ("某区“十四五”规划主要指标2023年1-6月完成情况表", "某区“十四五”规划"),
    ("某区“十四五”规划指标中期完成情况（征求意见稿）", "某区“十四五”规划"),
    ("某区2025年规划", "某区2025年规划"),  # a year inside the name stays
])
def test_progress_table_words_leave_the_plans_name(caption, name):
    assert name_of_plan(caption) == name


# --- finding 10: paces with the decimals of the row's figures --------------------------------------------------------

def test_a_pace_takes_the_decimals_of_the_rows_figures(midterm):
    table, details, plan = midterm
    report = build_report(table, details, plan=plan, as_of=2023, date="2026-12-06")
    per_thousand = _row(report, "每千人食品检验量")  # 5.0, 5.2, 5.3, 5.1: (5.1 - 5.0) / 3 a year
    assert per_thousand.cells["y2023"].text == "5.1"
    assert per_thousand.cells["observed_pace"].text == "+0.03"  # not +0.033 from the forecast's 5.17
    assert _row(report, "药品抽检不合格率").cells["observed_pace"].text == "+0.15"  # 1.45: two places already


# SYNTHETIC: whole 件 figures against 年均增长8% (≥2,100 x 1.08^5 = 3,086), falling
WHOLE_PLAN = """序号,指标名称,单位,2020年基数,2025年目标,属性
1,有效注册商标量,件,〔2100〕,年均增长8%,预期性
"""
WHOLE_HISTORY = """指标名称,单位,2020年,2021年,2022年,2023年
有效注册商标量,件,2100,2050,1990,1950
"""


def test_a_large_pace_of_whole_figures_is_shown_whole(tmp_path):
    table, details, plan = _assess(tmp_path, WHOLE_PLAN, WHOLE_HISTORY, 2023)
    row = build_report(table, details, plan=plan, as_of=2023, date="2026-12-06").rows[0]
    assert row.cells["y2023"].text == "1,950"
    assert row.cells["required_pace"].text == "+568"  # (3,086 - 1,950) / 2, not +567.8 beside 1,950
    assert row.cells["observed_pace"].text == "-50"
    assert "尚需年均增长568件，已观测期间年均下降50件" in row.narrative, row.narrative


# SYNTHETIC: a 2020-2023 target missed, figures with one decimal
SHORT_PLAN = """序号,指标名称,单位,2020年基数,2023年目标,属性
1,每千人食品检验量,批次/千人,5.0,≥5.5,约束性
"""
SHORT_HISTORY = """指标名称,单位,2020年,2021年,2022年,2023年
每千人食品检验量,批次/千人,5.0,5.0,5.1,5.1
"""


def test_the_problems_paces_take_the_decimals_of_the_rows_figures(tmp_path):
    table, details, plan = _assess(tmp_path, SHORT_PLAN, SHORT_HISTORY, 2023)
    report = build_report(table, details, plan=plan, as_of=2023, date="2026-12-06")
    assert report.kind == "final"
    line = report.problems[0]
    # (5.5 - 5.0) / 3 and (5.1 - 5.0) / 3 a year, beside figures of one decimal
    assert "规划要求年均+0.17批次/千人，实际年均+0.03批次/千人" in line, line
    assert "0.033" not in line and "0.167" not in line
