"""The report and printout early in a plan period, and their counts (session 39).

Reported by a tester: a 十五五 (2026-2030) report dated December 2026, with history up to the 2025 base year and a
plan column ``2026年完成值（1-10月）``, said 规划期（2026年至2030年）尚未开始 and dropped the 1-10月 figures (only a stderr
warning named the column); with ``--as-of 2026`` it said 8项均数据不足 and listed 提前实现 0 … 滞后 0; and a 十四五
总结评估's printout showed 目标进度 100% beside 未完成 for 0.15 against 低于0.15, which the report shows 99.9%.
Data: SYNTHETIC plan and history (made up here, labelled as such), shaped like a city bureau's tables.
"""
from __future__ import annotations

import re
import warnings
import zipfile

import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.cli.assess import display_frame, summary_line
from mstarget.report import build_report, write_report

REGION = "示例市"
#: SYNTHETIC 十五五 plan: 2025 base, 2030 targets, a part-year column of 2026 (1-10月) on some rows
PLAN_15 = """序号,指标名称,单位,2025年基数,2026年完成值（1-10月）,2030年目标,属性
1,期末市场主体总量,万户,〔41.5〕,42.9,〔52〕,预期性
2,食品抽检合格率,%,98.0,98.3,≥98.5,约束性
3,执业药师数,人/万人口,4.7,,≥5.2,预期性
"""
#: SYNTHETIC history 2016-2025 of the same indicators
HISTORY_15 = """指标名称,单位,2016年,2017年,2018年,2019年,2020年,2021年,2022年,2023年,2024年,2025年
期末市场主体总量,万户,23.0,25.1,27.0,29.2,31.2,33.0,35.1,37.4,39.6,41.5
食品抽检合格率,%,96.8,97.0,97.2,97.3,97.6,97.8,97.9,98.0,98.1,98.0
执业药师数,人/万人口,4.0,4.1,4.2,4.3,4.4,4.5,4.5,4.6,4.6,4.7
"""
#: SYNTHETIC 十四五 summary table: 2021-2025 完成值 in the plan itself; row 2 at 0.15 against 低于0.15 (not met)
PLAN_14 = """序号,指标名称,单位,2020年基数,2021年完成值,2022年完成值,2023年完成值,2024年完成值,2025年完成值,2025年目标,属性
1,食品抽检合格率,%,97.6,97.8,97.9,98.0,98.1,98.2,≥98,约束性
2,特种设备万台死亡率,人/万台,0.19,0.18,0.17,0.16,0.15,0.15,低于0.15,约束性
"""


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def inputs_15(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan15")
    (folder / "plan.csv").write_text(PLAN_15, encoding="utf-8-sig")
    (folder / "history.csv").write_text(HISTORY_15, encoding="utf-8-sig")
    plan = _quiet(mt.read_plan, folder / "plan.csv", region=REGION)
    history = _quiet(mt.read_history, folder / "history.csv", region=REGION)
    return plan, history


def _docx_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def test_a_report_dated_in_the_first_year_says_its_figures_are_not_yet_published(inputs_15, tmp_path):
    plan, history = inputs_15
    table, details = _quiet(assess_detailed, history, plan, seed=0)
    html, docx = tmp_path / "r.html", tmp_path / "r.docx"
    report = _quiet(write_report, table, details, [html, docx], plan=plan, date="2026-12-06")
    assert report.kind == "baseline"
    page = html.read_text(encoding="utf-8")
    for text in (page, _docx_text(docx)):
        assert "首年（2026年）全年数据尚未发布" in text
        assert "尚未开始" not in text  # the period began in January 2026
        # the part-year figures are shown, marked, and said not to be full-year figures
        assert "2026年1-10月（仅供参考）" in text
        assert "未作为全年数据使用" in text
    assert "2026年1-10月为42.9万户" in report.rows[0].narrative
    assert "2026年1-10月为98.3%" in report.rows[1].narrative
    assert "2026年1-10月" not in report.rows[2].narrative  # no figure given for that row
    assert [row.cells["part0"].text for row in report.rows] == ["42.9", "98.3", "–"]
    assert "输入中另有2026年1-10月数据2项" in report.overall


def test_a_report_dated_before_the_period_still_says_it_has_not_started(inputs_15):
    plan, history = inputs_15
    table, details = _quiet(assess_detailed, history, plan, seed=0)
    report = _quiet(build_report, table, details, plan=plan, date="2025-12-20")
    assert "规划期（2026年至2030年）尚未开始" in report.overall
    assert "全年数据尚未发布" not in report.overall


def test_a_view_as_of_the_first_year_says_why_nothing_is_judged_and_lists_no_zeros(inputs_15):
    plan, history = inputs_15
    table, details = _quiet(assess_detailed, history, plan, as_of=2026, seed=0)
    report = _quiet(build_report, table, details, plan=plan, date="2026-12-06")
    assert report.kind == "annual"
    assert "2026年全年数据尚未发布" in report.overall
    assert "2026年全年数据尚未发布" in report.rows[0].narrative
    assert "2026年1-10月为42.9万户" in report.rows[0].narrative
    # 分类汇总: nothing judged -> 数据不足 alone, never 提前实现 0 … 滞后 0
    assert report.categories == ("insufficient_data",)
    printed = summary_line(table)
    assert "提前实现 0" not in printed and "滞后 0" not in printed
    assert "数据不足 3" in printed


@pytest.fixture(scope="module")
def assessed_14(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan14")
    (folder / "plan.csv").write_text(PLAN_14, encoding="utf-8-sig")
    plan = _quiet(mt.read_plan, folder / "plan.csv", region=REGION)
    table, details = _quiet(assess_detailed, None, plan, seed=0)
    return plan, table, details


def test_the_printout_never_shows_100_percent_beside_a_target_not_met(assessed_14):
    plan, table, details = assessed_14
    shown = display_frame(table, details=details)
    row = shown[shown["name"] == "特种设备万台死亡率"].iloc[0]
    assert row["category_zh"] == "未完成"
    assert row["progress_share"] == "99.9%"  # as the report shows it, not 100%
    report = _quiet(build_report, table, details, plan=plan, date="2026-12-06")
    assert report.rows[1].cells["progress_share"].text == row["progress_share"]


def test_a_final_evaluation_lists_no_empty_insufficient_data_row(assessed_14):
    plan, table, details = assessed_14
    report = _quiet(build_report, table, details, plan=plan, date="2026-12-06")
    assert report.final
    # 未完成 1 is the finding; 数据不足 0 is none
    assert report.categories == ("completed", "not_completed")
    assert "数据不足" not in summary_line(table)
