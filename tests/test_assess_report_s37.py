"""The plan's and the history's new facts carried into ``assess``, the printout and the report (session 37): a
growth rate's -100 % floor in assess, a level shift and a suspected running-total history on the row's note and in
its sentence, a strict bound (低于0.15) in the charts and the notes, the printout's status as the report's cell and
its qualitative count, the Word document's properties and language. Plan rows are real Dinghu rows; every value is
SYNTHETIC."""
from __future__ import annotations

import zipfile

import docx

from mstarget.assess import _plan_bounds
from mstarget.cli.assess import display_frame, summary_line
from mstarget.report import write_report
from mstarget.report.charts import fan_chart, target_chart
from mstarget.report.model import build_report
from mstarget.transforms import Bounds
from report_helpers import assess_quietly as _assess
from report_helpers import plan_rows as _plan
from report_helpers import yearly_history as _history


# -- 1. a growth rate's floor in assess ----------------------------------------------------------------------

def test_a_growth_rate_row_is_forecast_with_its_floor_in_assess_as_in_forecast():
    """市场主体增长率 12, 8.5, -3.2, 4.1 %: assess modelled it unbounded (80 % band -77..62 %, a growth below
    -77 % is the quantity losing three quarters of itself); with the -100 % floor mt.forecast uses, -52.5..83.7."""
    plan = _plan([("市场主体增长率", "%", "4.1", "≥5", "预期性")], base_year=2025, target_year=2030)
    history = _history({"市场主体增长率": ("%", [12, 8.5, -3.2, 4.1])}, first=2022)
    table, _ = _assess(history, plan, as_of=2025)
    assert table["lo_80"].iat[0] > -60, table[["lo_80", "hi_80"]]
    bounds = _plan_bounds({"unit": "%", "name": "市场主体增长率", "indicator": "市场主体增长率",
                           "lower": float("nan"), "upper": float("nan")})
    assert bounds == Bounds(-100.0, None, growth=True)
    # a share keeps the plan's 0-100, a change in points none
    share = _plan_bounds({"unit": "%", "name": "食品抽检合格率", "indicator": "x", "lower": 0.0, "upper": 100.0})
    assert share == Bounds(0.0, 100.0)
    points = _plan_bounds({"unit": "百分点", "name": "研发投入强度增长", "indicator": "x", "lower": float("nan"),
                           "upper": float("nan")})
    assert points == Bounds(None, None)


# -- 2. the history's caveats on the row's note and in its sentence -------------------------------------------

def test_a_level_shift_reaches_the_rows_note_and_its_sentence():
    plan = _plan([("每万人口高价值发明专利拥有量", "件/万人", "3", "≥8", "预期性"),
                  ("食品抽检合格率", "%", "97.5", "≥98", "约束性")])
    history = _history({"每万人口高价值发明专利拥有量": ("件/万人", [3.2, 3.4, 3.5, 40, 41]),
                        "食品抽检合格率": ("%", [97.8, 98.0, 98.1, 98.3, 98.4])})
    table, details = _assess(history, plan)
    assert "2024年为2023年的11倍（3.5→40），是否口径变化？请核对" in table["note"].iat[0], table["note"].iat[0]
    assert "口径" not in table["note"].iat[1]
    report = build_report(table, details, date="2026-12-06")
    said = {r.name: r.narrative for r in report.rows}
    assert "2024年为2023年的11倍（3.5→40件/万人），是否口径变化？请核对。评价：已完成。" in said["每万人口高价值发明专利拥有量"]
    assert "口径" not in said["食品抽检合格率"]


def test_a_history_that_looks_like_running_totals_reaches_the_rows_note_and_its_sentence():
    """知识产权质押登记融资金额 〈5〉 with 0.6, 1.5, 2.6, 3.8, 5.1 written as yearly flows: the CLI warned
    'look like running totals', the report said 累计完成13.6亿元，已完成 and nothing else."""
    plan = _plan([("知识产权质押登记融资金额", "亿元", "〈0〉", "〈5〉", "预期性")])
    history = _history({"知识产权质押登记融资金额": ("亿元", [0.6, 1.5, 2.6, 3.8, 5.1])})
    table, details = _assess(history, plan)
    note = table["note"].iat[0]
    assert "数据疑为累计数" in note and "按当年新增数相加为13.6，2025年数值本身为5.1" in note and "请核对" in note, note
    report = build_report(table, details, date="2026-12-06")
    text = report.rows[0].narrative
    assert ("疑为2020年以来累计数而非当年新增数（按当年新增数相加为13.6亿元，2025年数值本身为5.1亿元），请核对"
            in text), text
    assert text.endswith("评价：已完成。")


# -- 3. strict bounds in the charts and the notes --------------------------------------------------------------

def test_a_strict_target_is_drawn_with_its_strict_sign_and_the_notes_say_it_excludes_its_figure():
    plan = _plan([("万台特种设备死亡人数", "人/万台", "0.18", "低于0.15", "约束性"),
                  ("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性")])
    history = _history({"万台特种设备死亡人数": ("人/万台", [0.17, 0.16, 0.16, 0.15, 0.15]),
                        "“明厨亮灶”覆盖率": ("%", [84, 86, 88, 89, 90])})
    table, details = _assess(history, plan)
    fig = target_chart(details[0])
    assert "目标<0.15人/万台（2025年）" in fig.axes[0].get_title(loc="left")
    panels = fan_chart(details)
    titles = [a.get_title(loc="left") for a in panels.axes if a.get_title(loc="left")]
    assert any("目标<0.15人/万台" in t for t in titles) and any("目标≥90%" in t for t in titles), titles
    report = build_report(table, details, date="2026-12-06")
    assert any("不含本数" in n for n in report.notes), report.notes
    plain = build_report(*_assess(history.iloc[5:], plan.iloc[1:]), date="2026-12-06")
    assert not any("不含本数" in n for n in plain.notes)


# -- 4. the printout ---------------------------------------------------------------------------------------------

def test_the_printout_says_the_reports_status_and_counts_qualitative_rows_apart():
    plan = _plan([("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"),
                  ("投诉举报按时办结率", "%", "96", "≥98", "约束性"),
                  ("智慧市场监管平台", "—", "—", "建成", "预期性"),
                  ("食品安全抽检合格率", "%", "97.5", "达到全国平均水平", "预期性")])
    history = _history({"“明厨亮灶”覆盖率": ("%", [84, 86, 88, 89.5, 90.3])})
    table, details = _assess(history, plan)
    shown = display_frame(table, details=details)
    complaints = shown[shown["name"] == "投诉举报按时办结率"].iloc[0]
    assert complaints["category_zh"] == "数据不足"
    assert complaints["status"] == "目标年数据暂缺" and complaints["p_meet"] == "-", complaints.to_dict()
    assert shown["status"].tolist()[0] == "已实现"
    assert shown["status"].tolist()[2:] == ["-", "-"]  # qualitative: no data is asked, none is missing
    text = summary_line(table)
    assert text.startswith("1 assessed, 2 qualitative (定性指标，另行评价) -- met: 1"), text


# -- 5. the Word document ----------------------------------------------------------------------------------------

def test_the_word_document_carries_the_report_date_title_and_chinese_language(tmp_path):
    plan = _plan([("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性")])
    history = _history({"“明厨亮灶”覆盖率": ("%", [84, 86, 88, 89.5, 90.3])})
    table, details = _assess(history, plan)
    path = tmp_path / "r.docx"
    report = write_report(table, details, path, date="2026-12-06")
    props = docx.Document(str(path)).core_properties
    assert (props.created.date().isoformat(), props.modified.date().isoformat()) == ("2026-12-06", "2026-12-06")
    assert props.title == report.title and props.author == "mstarget" and props.language == "zh-CN"
    assert "python-docx" not in (props.comments or "")
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert 'w:eastAsia="zh-CN"' in styles


def test_the_printout_of_a_base_year_position_says_what_the_report_says():
    """A 十五五 plan (base 2025) with data up to 2025: the report reads 规划期未开始 with no 时间进度 / 目标进度; the
    printout said 数据不足 and 0% / 0%."""
    plan = _plan([("“明厨亮灶”覆盖率", "%", "90.3", "≥95", "约束性")], base_year=2025, target_year=2030)
    history = _history({"“明厨亮灶”覆盖率": ("%", [84, 86, 88, 89.5, 90.3])})
    table, details = _assess(history, plan)
    row = display_frame(table, details=details).iloc[0]
    assert row["category_zh"] == "规划期未开始", row.to_dict()
    assert (row["time_share"], row["progress_share"]) == ("-", "-")
    assert row["p_meet"] not in ("-", "")  # the forecast's probability is still given, as the report gives it
