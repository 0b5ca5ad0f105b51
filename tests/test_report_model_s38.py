"""Session 38, report model (fixer R1): verdicts on reported figures only, the table's layout, its cells.

Every figure below is SYNTHETIC (made up here for the tests), in the shape of the Dinghu district tables.

1. A target year never reported, its value only interpolated between the years around it, is 数据不足 with
   请补报2025年数据 -- never 已完成 / 未完成 on a guess; the estimate is shown marked 插值, for reference only.
2. A qualitative (定性) row does not bring back the columns of a plan under way (时间进度, 80%区间, 实现概率 …) in a
   总结评估, nor 时间进度 in a 基期情况 report.
3. The table (one column per year) and the model named do not depend on --max-charts.
4. A report run after every target year on data ending before it is the 总结评估 and says so (subtitle, CLI
   warning); a probability of the wide prior alone never reads 有望完成.
5. 目标进度 never 100% beside a target not met (99.6%, 99.9%), in the workbook too.
6. A 基期情况 row already at its target reads 已达到，仍需巩固, as the notes say.
7. The note says where ≥ / ≤ were added; 8. an untitled table's title names its five-year plan (“十四五”).
"""
from __future__ import annotations

import math
import re
import warnings

import pandas as pd
import pytest
from openpyxl import load_workbook

from mstarget.cli.main import main
from mstarget.report import build_report, write_report
from report_helpers import assess_quietly, plan_rows, yearly_history

NAN = math.nan
DATE = "2026-12-06"


def _history(series: dict, first: int = 2021) -> pd.DataFrame:
    """:func:`yearly_history` without the years given as NaN (not reported)."""
    return yearly_history(series, first).dropna(subset=["value"]).reset_index(drop=True)


def _row(report, name):
    return next(r for r in report.rows if r.cells["name_only"].text == name)


# -- 1. no verdict on an interpolated target year ----------------------------------------------------------

@pytest.fixture(scope="module")
def interpolated():
    plan = plan_rows([("化妆品抽检批次数", "批次/年", "9", "≥14", "预期性"), ("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性")])
    history = _history({"化妆品抽检批次数": ("批次/年", (10, 11, 12, 13, NAN, 14)),  # 2025 not reported: 13.5
                        "“明厨亮灶”覆盖率": ("%", (84, 86, 88, 89, 91, 92))})
    table, details = assess_quietly(history, plan)
    return build_report(table, details, date=DATE)


def test_an_interpolated_target_year_is_insufficient_data_asking_for_the_year(interpolated):
    row = _row(interpolated, "化妆品抽检批次数")
    assert interpolated.kind == "final"
    assert row.category == "insufficient_data" and row.cells["category"].text == "数据不足"
    assert row.resubmit == "请补报2025年数据。" and "请补报2025年数据" in row.narrative
    assert "已完成" not in row.narrative and "未完成" not in row.narrative and "未达到" not in row.narrative
    # the estimate shown, marked, with the places that tell it from the target; no probability made of it
    assert row.cells["forecast"].text == "插值 13.5"
    assert [row.cells[k].text for k in ("p_meet", "range_80", "progress_share", "outlook")] == ["–"] * 4
    assert any("标“插值”的目标年数值未报送" in n and "不据此评价完成情况" in n for n in interpolated.notes)
    # the observed one is judged as before
    assert _row(interpolated, "“明厨亮灶”覆盖率").category == "completed"
    summary = interpolated.summary.set_index("category")["total"]
    assert summary["completed"] == 1 and summary["insufficient_data"] == 1


# -- 2. qualitative rows decide no column --------------------------------------------------------------------

def test_a_qualitative_row_brings_back_no_column_of_a_plan_under_way():
    plan = plan_rows([("期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"),
                      ("智慧监管平台", "—", "—", "基本建成", "预期性")])
    history = _history({"期末市场主体总量": ("万户", (2.05, 2.31, 2.58, 2.86, 3.2))})
    table, details = assess_quietly(history, plan)
    report = build_report(table, details, date=DATE)
    assert report.kind == "final" and report.all_observed
    ids = [c.id for c in report.columns()]
    for gone in ("time_share", "range_80", "p_meet", "outlook", "required_pace", "forecast"):
        assert gone not in ids, gone
    assert "y2025" in ids and _row(report, "智慧监管平台").category == "qualitative"


def test_a_qualitative_row_brings_back_no_time_column_in_a_base_year_report():
    plan = plan_rows([("执业药师数", "人/万人口", "4.6", "≥5.0", "预期性"), ("智慧监管平台", "—", "—", "基本建成", "预期性")],
                     base_year=2025, target_year=2030)
    history = _history({"执业药师数": ("人/万人口", (4.45, 4.52, 4.6))}, first=2023)
    table, details = assess_quietly(history, plan, as_of=2025)
    report = build_report(table, details, as_of=2025, date=DATE)
    assert report.kind == "baseline"
    ids = [c.id for c in report.columns()]
    assert "time_share" not in ids and "progress_share" not in ids


# -- 3. --max-charts changes the charts only ----------------------------------------------------------------

def test_the_table_and_the_model_named_do_not_depend_on_max_charts(tmp_path):
    regions = ("端州区", "鼎湖区", "高要区")
    plan = pd.DataFrame([{"region": r, "indicator": "firms", "name": "期末市场主体总量", "unit": "万户",
                          "baseline_year": 2020, "baseline": f"〔{b}〕", "target_year": 2025, "target": f"〔{t}〕",
                          "attribute": "预期性"} for r, b, t in zip(regions, (5.1, 1.89, 4.2), (7.5, 3.12, 6.0))])
    history = pd.DataFrame([{"region": r, "indicator": "firms", "year": 2020 + k, "value": v, "unit": "万户"}
                            for r, vals in zip(regions, ((5.1, 5.5, 5.9, 6.2), (1.89, 2.05, 2.31, 2.58),
                                                         (4.2, 4.4, 4.7, 4.9)))
                            for k, v in enumerate(vals)])
    plan.to_csv(tmp_path / "plan.csv", index=False)
    history.to_csv(tmp_path / "history.csv", index=False)
    pages = []
    for cap in ("40", "0"):
        out = tmp_path / f"r{cap}.html"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert main(["report", "--plan", str(tmp_path / "plan.csv"), "--history", str(tmp_path / "history.csv"),
                         "--out", str(out), "--max-charts", cap, "--no-track"]) == 0
        page = out.read_text(encoding="utf-8")
        pages.append((re.findall(r"<th[^>]*>(20\d\d年|最新值)</th>", page), sorted(re.findall(r"预测模型：[^<（]*", page))))
    assert pages[0] == pages[1]
    assert pages[1][0] == [f"{y}年" for y in range(2021, 2026)]  # a 总结评估 (session 38): to 2025


# -- 4. every target year over: a 总结评估 that says the data stop short ----------------------------------------

def test_a_report_after_the_plan_on_data_ending_before_it_is_the_final_evaluation_saying_so():
    plan = plan_rows([("每万人口高价值发明专利拥有量", "件/万人", "6.3", "≥12", "预期性")])
    history = _history({"每万人口高价值发明专利拥有量": ("件/万人", (7.5, 9.4))})
    table, details = assess_quietly(history, plan)
    report = build_report(table, details, date=DATE)
    assert report.kind == "final" and report.as_of == 2025
    assert "目标年已过，数据仅至2022年，请补报2023年至2025年数据" in report.subtitle
    row = report.rows[0]
    assert row.category == "insufficient_data" and "请补报2023年至2025年数据" in row.narrative
    assert row.cells["outlook"].text.endswith("（待确认）")


def test_the_cli_warns_that_the_target_years_are_over(tmp_path, capsys):
    plan_rows([("每万人口高价值发明专利拥有量", "件/万人", "6.3", "≥12", "预期性")]).to_csv(tmp_path / "p.csv", index=False)
    _history({"每万人口高价值发明专利拥有量": ("件/万人", (7.5, 9.4))}).to_csv(tmp_path / "h.csv", index=False)
    assert main(["report", "--plan", str(tmp_path / "p.csv"), "--history", str(tmp_path / "h.csv"),
                 "--out", str(tmp_path / "r.html"), "--no-track"]) == 0
    err = capsys.readouterr().err
    assert "warning: 目标年已过，数据仅至2022年，请补报2023年至2025年数据" in err and "--as-of 2022" in err


def test_a_probability_of_the_wide_prior_alone_has_no_outlook_words():
    plan = pd.DataFrame([{"region": "全国", "indicator": "mqci", "name": "制造业质量竞争力指数", "unit": "index",
                          "baseline_year": None, "baseline": None, "target_year": 2025, "target": "≥86",
                          "attribute": "预期性"}])
    history = pd.DataFrame([{"region": "全国", "indicator": "mqci", "year": 2021, "value": 84.91, "unit": "index"}])
    table, details = assess_quietly(history, plan, as_of=2025)
    row = build_report(table, details, as_of=2025, date=DATE).rows[0]
    assert row.category == "insufficient_data"
    assert row.cells["outlook"].text == "–", row.cells["outlook"].text


# -- 5. 目标进度 never contradicts the 评价 ------------------------------------------------------------------------

def test_progress_is_never_100_percent_beside_a_target_not_met(tmp_path):
    from mstarget.report.formatting import progress_cell

    assert progress_cell(0.996, met=False).text == "99.6%" and progress_cell(1.0, met=False).text == "99.9%"
    assert progress_cell(0.996, met=True).text == "100%" and progress_cell(0.001, met=True).text == "0.1%"
    plan = plan_rows([("知识产权质押登记融资金额", "亿元", "〈0〉", "〈5〉", "预期性"), ("食品抽检不合格率", "%", "2.5", "低于2", "约束性")])
    history = _history({"知识产权质押登记融资金额": ("亿元", (0.6, 0.9, 1.1, 1.3, 1.08)),
                        "食品抽检不合格率": ("%", (2.4, 2.3, 2.2, 2.1, 2.0))})
    table, details = assess_quietly(history, plan)
    out = tmp_path / "r.xlsx"
    report = write_report(table, details, out, date=DATE)
    shown = {r.cells["name_only"].text: (r.category, r.cells["progress_share"].text) for r in report.rows}
    assert shown == {"知识产权质押登记融资金额": ("not_completed", "99.6%"), "食品抽检不合格率": ("not_completed", "99.9%")}
    ws = load_workbook(out).worksheets[0]
    header = [c.value for c in ws[2]]
    col = header.index("目标进度") + 1
    cell = ws.cell(row=3, column=col)
    assert (cell.value, cell.number_format) == (0.996, "0.0%")


# -- 6. a base-year row already at its target ----------------------------------------------------------------

def test_a_base_year_row_already_at_its_target_must_be_held():
    plan = plan_rows([("药品抽检合格率", "%", "99.0", "≥99", "预期性")], base_year=2025, target_year=2030)
    # SYNTHETIC: a pass rate falling steadily (its failures x1.4 a year): a trend, which auto carries on (a pass rate
    # scattering around 99 would be held at its level, local_level)
    history = _history({"药品抽检合格率": ("%", (99.64, 99.49, 99.29, 99.0))}, first=2022)
    table, details = assess_quietly(history, plan, as_of=2025)
    row = build_report(table, details, as_of=2025, date=DATE).rows[0]
    assert row.category == "not_started" and row.cells["required_pace"].text == "已达到"
    assert int(row.cells["p_meet"].text.rstrip("%")) < 30  # falling towards the bound: not 完成难度较大 beside 已达到
    assert row.cells["outlook"].text == "已达到，仍需巩固"


# -- 7. and 8. the note on ≥ / ≤, the title ------------------------------------------------------------------

def test_the_note_says_where_signs_were_added_and_the_title_names_the_plan(interpolated):
    assert any("规划原文未标注的为本表按指标方向所加" in n for n in interpolated.notes)
    assert interpolated.title == "鼎湖区“十四五”规划主要指标总结评估"


def test_the_schedule_rule_gives_no_verdict_on_an_estimated_target_year():
    """:mod:`mstarget.schedule`: a row flagged ``target_year_estimated`` (that year never reported) is 数据不足, by
    row and vectorised alike, so that ``assess`` can say the same once it flags such rows."""
    from mstarget.schedule import evaluation_categories, evaluation_category

    rows = pd.DataFrame([{"category": "achieved", "status": "met", "last_year": 2026, "target_year": 2025,
                          "as_of": 2026, "target_year_estimated": flag} for flag in (True, False, None)])
    assert evaluation_categories(rows).tolist() == ["insufficient_data", "completed", "completed"]
    assert [evaluation_category(r) for r in rows.to_dict("records")] == ["insufficient_data", "completed", "completed"]
