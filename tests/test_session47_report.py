"""Session 47 (helper B): the evaluation report read as a 规划科 reviewer reads it before handing it in.

1. A 中期评估's 四、存在的问题 cut a row's closing assessment only when it read ``评价：滞后``: a row judged on its
   probability alone (``按实现概率评价：滞后`` -- the national 食品抽检不合格率, whose plan gives no baseline) kept a
   dangling ``…已观测期间年均提高0.28个百分点。按实现概率`` in Word, html and the workbook.
2. A 总结评估 with a 定性 row stated the mid-term rules in its notes (评价口径：…提前实现；快于预期…), categories no row
   of a final evaluation can have: the qualitative row counted as a row still under way.
3. A 〈〉 row's forecast sum kept about three significant digits whatever the additions summed: 累计 6.68 (80%区间
   5.56–8.62) beside additions written to 0.1 亿元 (0.8 | 1.9 | 3.2, 累计完成3.2亿元, 尚余1.8亿元). The sum of figures
   reported to 0.1 is known to 0.1: 累计 6.7 (5.6–8.6) -- more places only where the sum would read as its target.
4. The Word table's cells are now written without python-docx's per-cell lookups (a province's 2,744 rows: ~6.5 s
   -> ~3 s on this machine; the document XML byte-identical to before). The test here checks the cells' text and
   widths, which the rewrite must keep (it passes on the code before too: a guard, not a regression test).

5. A 总结评估's row with neither a base year nor any figure (the national 制造业产品质量合格率) asked for no data:
   it now asks for its target year's (请补报2025年数据), as every other row missing data is asked.

Tests of 1-3 and 5 fail on the code before the fix. Plans and histories are the shipped national data (test 1) or
SYNTHETIC (made up here, labelled so), in a district bureau's layout (鼎湖区).
"""
from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

import openpyxl
import pytest
from docx import Document

import mstarget as mt
from mstarget.assess import read_inputs
from mstarget.cli.main import main
from mstarget.report import build_report, write_report
from mstarget.report.narrative import problems

DATA = Path(__file__).resolve().parents[1] / "data"
REGION = "鼎湖区"

# SYNTHETIC: a district plan covering the report's cases -- a 〈〉 addition, a 〔〕 stock, ≥ / ≤ levels, binding rows at
# risk, a 定性 row, a row with no history, a row met already, a 不合格率 to bring down, a pass rate near 100 %
VARIANT_PLAN = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
                ["1", "知识产权质押登记融资金额", "亿元", "〈0〉", "〈5〉", "预期性"],
                ["2", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"],
                ["3", "药品抽检合格率", "%", "98", "≥99", "预期性"],
                ["4", "食品抽检不合格率", "%", "2.6", "≤2", "约束性"],
                ["5", "“明厨亮灶”覆盖率", "%", "81", "≥95", "约束性"],
                ["6", "智慧监管平台", "", "", "建成", "预期性"],
                ["7", "千人食品检验量", "批次/千人", "5", "6", "约束性"],
                ["8", "医疗器械抽检批次数", "批次/年", "8", "≥9", "预期性"],
                ["9", "食用农产品抽检合格率", "%", "99.2", "≥99.5", "预期性"]]
# SYNTHETIC yearly figures (the 〈〉 row's are each year's additions, to 0.1 亿元); 千人食品检验量 has none
VARIANT_HISTORY = [["指标名称", "单位", "2020年", "2021年", "2022年", "2023年", "2024年", "2025年"],
                   ["知识产权质押登记融资金额", "亿元", "", "0.8", "1.1", "1.3", "1.4", "1.5"],
                   ["期末市场主体总量", "万户", "1.89", "2.16", "2.43", "2.70", "2.95", "3.2"],
                   ["药品抽检合格率", "%", "98", "98.6", "99.1", "99.3", "99.2", "99.4"],
                   ["食品抽检不合格率", "%", "2.6", "2.5", "2.45", "2.4", "2.3", "2.2"],
                   ["“明厨亮灶”覆盖率", "%", "81", "83.5", "85.2", "86.9", "88", "89"],
                   ["医疗器械抽检批次数", "批次/年", "8", "9", "10", "10", "11", "11"],
                   ["食用农产品抽检合格率", "%", "99.2", "99.4", "99.5", "99.6", "99.6", "99.7"]]


def _csv(path: Path, rows) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _variant(tmp_path, as_of: int):
    """``(table, details)`` of the SYNTHETIC variant plan and history, as of ``as_of``."""
    plan_file, history_file = _csv(tmp_path / "规划指标.csv", VARIANT_PLAN), _csv(tmp_path / "历史数据.csv", VARIANT_HISTORY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the 定性 row and the row without history are warned: other tests
        plan, history = read_inputs(str(history_file), str(plan_file), REGION)
        return mt.assess_detailed(history, plan, as_of=as_of, seed=0)


def _docx_paragraphs(path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def _docx_section(path, heading: str) -> list[str]:
    """The paragraphs of the Word document's numbered section ``heading`` (四、存在的问题: its lines)."""
    paras = _docx_paragraphs(path)
    start = next(i for i, t in enumerate(paras) if re.fullmatch(rf"[一二三四五六七八九十]+、{heading}", t))
    end = next(i for i in range(start + 1, len(paras)) if re.fullmatch(r"[一二三四五六七八九十]+、\S+", paras[i]))
    return [t for t in paras[start + 1:end] if t.strip()]


def _html_text(path) -> str:
    return re.sub(r"<[^>]+>", "", Path(path).read_text(encoding="utf-8"))


def _main_table_row(path, name: str) -> list[str]:
    """The Word document's main-table row of the target ``name`` (its cells' text)."""
    for table in Document(str(path)).tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if len(cells) > 10 and name in cells:
                return cells
    raise AssertionError(f"no main-table row for {name}")


# ---- 1. 存在的问题 of a row judged on its probability alone -------------------------------------------------------

def test_midterm_problem_line_of_a_row_judged_on_probability_ends_with_its_figures(tmp_path):
    """Real data: the national 食品抽检不合格率 (2.31, 2.69, 2.86 %; target ≤2, no baseline in the plan) as of 2022 is
    滞后 on its probability alone. Its line in 四、存在的问题 says the figures and stops -- before the fix it ended
    ``…年均提高0.28个百分点。按实现概率`` (the regex cut ``评价：滞后。`` only), in all three formats."""
    out = [tmp_path / "评估报告.docx", tmp_path / "评估报告.html", tmp_path / "评估报告.xlsx"]
    code = main(["report", "--plan", str(DATA / "china" / "national_targets.csv"),
                 "--history", str(DATA / "china" / "national_history.csv"), "--as-of", "2022",
                 *[a for p in out for a in ("--out", str(p))], "--no-track"])
    assert code == 0
    lines = _docx_section(out[0], "存在的问题")
    food = next(t for t in lines if "食品抽检不合格率：" in t)
    assert food.endswith("已观测期间年均提高0.28个百分点。"), food
    assert "按实现概率" not in food and "评价" not in food
    html = _html_text(out[1])
    assert not re.search(r"个百分点。按实现概率(?!评价)", html)  # the dangling words, anywhere in the page
    assert "已观测期间年均提高0.28个百分点。按实现概率评价：滞后。" in html  # the row's own paragraph keeps its verdict
    sheet = openpyxl.load_workbook(out[2])["概况"]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    food_cell = next(v for v in cells if "食品抽检不合格率：" in v)
    assert food_cell.endswith("已观测期间年均提高0.28个百分点。"), food_cell


def test_problem_line_in_english_drops_the_probability_assessment(tmp_path):
    """The same row in an English report: its 存在的问题 line ends with the paces, not with "Assessment (by the
    probability): behind." (before the fix the whole clause stayed: the English regex knew only "Assessment:")."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(mt.read_history(DATA / "china" / "national_history.csv"),
                                            DATA / "china" / "national_targets.csv", as_of=2022, seed=0)
        report = build_report(table, details, lang="en", date="2026-12-07")
    line = next(t for t in problems(report) if t.startswith("食品抽检不合格率"))
    assert "Assessment" not in line and "assessment" not in line, line
    assert line.endswith("a rise of 0.28 percentage points a year."), line


def test_final_evaluation_asks_for_the_target_year_of_a_row_without_base_year_or_data(tmp_path):
    """Real data as of 2025 (the 总结评估): 制造业产品质量合格率 (质量强国建设纲要, ≥94 % in 2025) has neither a base
    year nor a single figure. Its 存在的问题 line and its paragraph now ask for the figure that decides it
    (请补报2025年数据); before the fix they asked for nothing (数据不足，未作评价。), unlike every other row missing data."""
    out = tmp_path / "总结评估.docx"
    code = main(["report", "--plan", str(DATA / "china" / "national_targets.csv"),
                 "--history", str(DATA / "china" / "national_history.csv"), "--as-of", "2025",
                 "--out", str(out), "--no-track"])
    assert code == 0
    lines = _docx_section(out, "存在的问题")
    assert any(t.endswith("制造业产品质量合格率：数据不足，未作评价。请补报2025年数据。") for t in lines), lines
    paras = _docx_paragraphs(out)
    para = next(t for t in paras if t.startswith("制造业产品质量合格率：暂无监测数据"))
    assert "请补报2025年数据。" in para, para


# ---- 2. a 总结评估 with a 定性 row states the final rules only ------------------------------------------------------

def test_final_evaluation_with_a_qualitative_row_states_the_final_rule_only(tmp_path):
    """SYNTHETIC plan with a 定性 row (智慧监管平台 建成), data up to the target year 2025: the 总结评估's 说明 states
    评价口径（总结评估）: 已完成 / 未完成 and 数据不足 -- not the mid-term rules (提前实现, 快于预期, 滞后), which no row of
    it can have. Before the fix the qualitative row made the report read as one still under way."""
    table, details = _variant(tmp_path, 2025)
    paths = [tmp_path / "总结评估.docx", tmp_path / "总结评估.html", tmp_path / "总结评估.xlsx"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = write_report(table, details, paths, date="2026-03-20")
    assert report.kind == "final"
    assert {r.category for r in report.rows} == {"completed", "not_completed", "insufficient_data", "qualitative"}
    rule = next(t for t in _docx_paragraphs(paths[0]) if "评价口径" in t)
    assert "评价口径（总结评估）" in rule and "达到目标为已完成，未达到为未完成" in rule, rule
    for word in ("提前实现", "快于预期", "基本符合预期", "中期评估用语"):
        assert word not in rule, (word, rule)
    html_rule = next(s for s in _html_text(paths[1]).split("\n") if "评价口径" in s)
    assert "评价口径（总结评估）" in html_rule and "快于预期" not in html_rule
    notes = openpyxl.load_workbook(paths[2])["说明"]
    xlsx_rule = next(str(c.value) for row in notes.iter_rows() for c in row if c.value and "评价口径" in str(c.value))
    assert "评价口径（总结评估）" in xlsx_rule and "快于预期" not in xlsx_rule
    # the qualitative row itself is still listed apart, with its words
    assert "建成" in _main_table_row(paths[0], "智慧监管平台")


# ---- 3. a 〈〉 row's forecast sum with the decimals of its additions ------------------------------------------------

def test_increment_forecast_sum_keeps_the_decimals_of_the_additions(tmp_path):
    """SYNTHETIC additions of 0.8, 1.1, 1.3 亿元 (2021-2023) against 〈5〉: the table writes the running totals 0.8 |
    1.9 | 3.2, the gap 1.8 and the paces +0.9 / +1.1 to one decimal, and now the forecast sum and its 80 % range too
    (累计 6.7, 5.6–8.6 -- before: 累计 6.68, 5.56–8.62), the same in Word, html, the workbook and the paragraph."""
    table, details = _variant(tmp_path, 2023)
    row = table[table["name"] == "知识产权质押登记融资金额"].iloc[0]
    assert row["sum_so_far"] == pytest.approx(3.2)
    paths = [tmp_path / "中期评估.docx", tmp_path / "中期评估.html", tmp_path / "中期评估.xlsx"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = write_report(table, details, paths, date="2024-03-20")
    shown = next(r for r in report.rows if r.cells["name"].text == "知识产权质押登记融资金额")
    forecast, lo, hi = (f"{v:.1f}" for v in (row["forecast"], row["lo_80"], row["hi_80"]))
    assert shown.cells["forecast"].text == f"累计 {forecast}"
    assert shown.cells["range_80"].text == f"{lo}–{hi}"
    assert f"预计至2025年累计{forecast}亿元（80%区间{lo}–{hi}亿元）" in shown.narrative
    # Word: the row as the table prints it
    cells = _main_table_row(paths[0], "知识产权质押登记融资金额")
    assert cells[6:9] == ["0.8", "1.9", "3.2"]
    assert f"累计 {forecast}" in cells and f"{lo}–{hi}" in cells
    assert not any(re.fullmatch(r"累计 \d+\.\d\d+", c) for c in cells), cells
    # html: the same figures
    html = _html_text(paths[1])
    assert f"累计 {forecast}" in html and f"累计{forecast}亿元（80%区间{lo}–{hi}亿元）" in html
    # the workbook: the value rounded as shown, with a one-decimal format
    sheet = openpyxl.load_workbook(paths[2])["评估表"]
    xrow = next(r for r in sheet.iter_rows() if any(c.value == "知识产权质押登记融资金额" for c in r))
    fc = next(c for c in xrow if isinstance(c.number_format, str) and c.number_format.startswith('"累计 "'))
    assert fc.value == pytest.approx(float(forecast)) and fc.number_format == '"累计 "#,##0.0'


def test_increment_forecast_keeps_a_place_more_where_it_would_read_as_its_target(tmp_path):
    """SYNTHETIC additions of 1.0 亿元 a year against 〈5〉 (2021-2023: a sum heading for 5.0 in 2025): a forecast sum
    is shown to one decimal unless that would read as the target itself -- then it keeps the places that tell them
    apart (never 累计 5.0 beside ≥〈5〉 for a median of 4.98). (A guard of the rule's exception: the fix keeps it.)"""
    plan = [VARIANT_PLAN[0], ["1", "知识产权质押登记融资金额", "亿元", "〈0〉", "〈5〉", "预期性"]]
    history = [VARIANT_HISTORY[0][:6], ["知识产权质押登记融资金额", "亿元", "", "1.0", "1.0", "1.0"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, h = read_inputs(str(_csv(tmp_path / "h.csv", history)), str(_csv(tmp_path / "p.csv", plan)), REGION)
        table, details = mt.assess_detailed(h, p, as_of=2023, seed=0)
        report = build_report(table, details, date="2024-03-20")
    cell = report.rows[0].cells["forecast"].text
    figure = float(cell.removeprefix("累计 ").replace(",", ""))
    assert figure == pytest.approx(table["forecast"].iloc[0], abs=0.051)
    if round(table["forecast"].iloc[0], 1) == 5.0:  # would read as the target: more places
        assert re.fullmatch(r"累计 \d+\.\d\d+", cell), cell
    else:
        assert re.fullmatch(r"累计 \d+\.\d", cell), cell


# ---- 4. the Word table, built without per-cell lookups -------------------------------------------------------------

def test_word_main_table_cells_keep_their_text_and_widths(tmp_path):
    """SYNTHETIC variant plan as of 2023: every cell of the Word document's main table holds the report model's text
    for its row and column, and every cell of a column has the width of its header cell (what Word lays out by).
    (A guard for the faster table writer: it passes on the code before it too.)"""
    table, details = _variant(tmp_path, 2023)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = write_report(table, details, tmp_path / "r.docx", date="2024-03-20")
    doc = Document(str(tmp_path / "r.docx"))
    main_table = next(t for t in doc.tables if len(t.columns) > 10)
    rows = main_table.rows
    assert len(rows) == 1 + len(report.rows)
    names = [r.cells["name"].text for r in report.rows]
    assert [row.cells[1].text for row in rows[1:]] == names
    header_widths = [c.width for c in rows[0].cells]
    assert all(w is not None and w > 0 for w in header_widths)
    for row in rows[1:]:
        assert [c.width for c in row.cells] == header_widths
    # a row's figures as the html writes them (the same model)
    for k, shown in enumerate(report.rows):
        texts = [c.text for c in rows[1 + k].cells]
        for key in ("forecast", "range_80", "p_meet", "category"):
            assert shown.cells[key].text in texts, (shown.cells["name"].text, key)
