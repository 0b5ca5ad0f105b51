"""The report's side of two reader changes (session 42, task FD; commit 5a67802 made the readers do them):

* a 〈〉 / 新增 target whose history is the year-end stock is counted from the base-year level (``stock_base``): the
  table's 基期值 shows that level marked a year-end figure (〔1.89〕, as a 〔〕 row's baseline), not 〈1.89〉 (which reads
  as the previous period's additions), and the row's paragraph says once how the additions were counted;
* a sub-item the plan writes ``其中：企业数量`` keeps that wording in the table, while sentences name it
  ``企业数量`` (row paragraphs, the headline lists, 存在的问题).

Indicator names, units and plan figures are a district bureau's (鼎湖区); every plan and history is SYNTHETIC,
built in the tests.
"""
from __future__ import annotations

import csv
import warnings

import docx
import openpyxl
import pytest

import mstarget as mt
from mstarget.assess import read_inputs
from mstarget.report import build_report, write_report
from mstarget.report.model import spoken_name

REGION = "鼎湖区"
STOCK_SENTENCE = "历史数据为年末存量，新增数按各年末数减2020年末数（1.89万户）计算"

# SYNTHETIC: a plan of 新增 targets and the year-end stocks the bureau reports for them (2020 = the plan's baseline)
STOCK_PLAN = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
              ["1", "市场主体总量", "万户", "1.89", "新增1.2万户", "预期性"],
              ["2", "有效注册商标量", "件", "2100", "〈1500〉", "预期性"]]
STOCK_HISTORY = [["指标名称", "单位", "2020年", "2021年", "2022年", "2023年"],
                 ["市场主体总量", "万户", "1.89", "2.05", "2.18", "2.30"],
                 ["有效注册商标量", "件", "2100", "2300", "2450", "2600"]]


def _csv(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(list(r))
    wb.save(path)
    return path


def _assess(tmp_path, plan_rows, history_rows, as_of=2023, writer=_csv, ext="csv"):
    plan_file = writer(tmp_path / f"plan.{ext}", plan_rows)
    history_file = writer(tmp_path / f"history.{ext}", history_rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the readers' warnings: tests/test_matching_stock_s42.py
        plan, history = read_inputs(str(history_file), str(plan_file), REGION)
        table, details = mt.assess_detailed(history, plan, as_of=as_of, seed=0, n_paths=500)
    return table, details, plan


def _row(report, name):
    return next(r for r in report.rows if r.cells["name"].text == name)


# --- a stock counted from its base-year level ------------------------------------------------------------------------

def test_a_stock_read_rows_baseline_is_its_year_end_level_and_its_paragraph_says_how_additions_count(tmp_path):
    table, details, plan = _assess(tmp_path, STOCK_PLAN, STOCK_HISTORY)
    report = build_report(table, details, plan=plan, as_of=2023, date="2026-12-06")
    subjects, marks = _row(report, "市场主体总量"), _row(report, "有效注册商标量")
    base = subjects.cells["baseline_shown"]
    assert base.text == "〔1.89〕" and base.value == pytest.approx(1.89) and "〔" in base.number_format
    assert marks.cells["baseline_shown"].text == "〔2,100〕"
    assert subjects.cells["y2023"].text == "0.41"  # the additions since 2020, as before
    text = subjects.narrative
    assert text.count(STOCK_SENTENCE) == 1, text
    # read so from the figures (no 口径 said): how to say otherwise, before the assessment
    assert "如各年数据为当年新增数，请在历史数据“口径”列注明“当年”后重新评估。评价：滞后。" in text, text
    assert "历史数据为年末存量，新增数按各年末数减2020年末数（2,100件）计算" in marks.narrative
    notes = " ".join(report.notes)
    assert "序号1、2的〈〉类指标历史数据为年末存量：基期值列示基期年末数（〔〕）" in notes, notes


def test_the_stock_base_is_shown_in_english_and_in_the_workbook_and_word_tables(tmp_path):
    table, details, plan = _assess(tmp_path, STOCK_PLAN[:2], STOCK_HISTORY[:2])
    en = build_report(table, details, plan=plan, lang="en", as_of=2023, date="2026-12-06")
    row = _row(en, "市场主体总量")
    assert row.cells["baseline_shown"].text == "〔1.89〕"
    assert row.narrative.count("The history gives year-end levels: the additions are each year's level less the "
                               "2020 level (1.89万户)") == 1, row.narrative
    assert any(n.startswith("No. 1: 〈〉 targets whose history gives year-end levels") for n in en.notes), en.notes
    write_report(table, details, tmp_path / "r.xlsx", plan=plan, as_of=2023, date="2026-12-06")
    write_report(table, details, tmp_path / "r.docx", plan=plan, as_of=2023, date="2026-12-06")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]
    found = [c for r in ws.iter_rows() for c in r if c.value == pytest.approx(1.89)]
    assert found and "〔" in found[0].number_format, [(c.coordinate, c.number_format) for c in found]
    assert not any(isinstance(c.value, str) and "〈1.89〉" in c.value for r in ws.iter_rows() for c in r)
    cells = [c.text for t in docx.Document(tmp_path / "r.docx").tables for r in t.rows for c in r.cells]
    assert "〔1.89〕" in cells and "〈1.89〉" not in cells


def test_the_base_year_level_is_shown_where_the_plans_baseline_is_the_previous_periods_additions(tmp_path):
    # SYNTHETIC: the plan's 基期值 〈0.95〉 (added over 2016-2020), the history the year-end stock, declared (口径 存量)
    plan_rows = [STOCK_PLAN[0], ["1", "市场主体总量", "万户", "〈0.95〉", "新增1.2万户", "预期性"]]
    history_rows = [STOCK_HISTORY[0] + ["口径"], STOCK_HISTORY[1] + ["存量"]]
    table, details, plan = _assess(tmp_path, plan_rows, history_rows)
    row = build_report(table, details, plan=plan, as_of=2023, date="2026-12-06").rows[0]
    assert row.cells["baseline_shown"].text == "〔1.89〕"  # the level counted from, not the plan's 〈0.95〉
    assert row.narrative.count(STOCK_SENTENCE + "。") == 1, row.narrative
    assert "口径" not in row.narrative  # declared a stock: nothing to confirm


def test_yearly_additions_keep_the_plans_baseline_and_say_nothing_of_stocks(tmp_path):
    # SYNTHETIC: the same figures said to be each year's additions (口径 当年): summed, the plan's 〈〉 baseline shown
    history_rows = [STOCK_HISTORY[0] + ["口径"], STOCK_HISTORY[1] + ["当年"]]
    table, details, plan = _assess(tmp_path, STOCK_PLAN[:2], history_rows)
    report = build_report(table, details, plan=plan, as_of=2023, date="2026-12-06")
    row = report.rows[0]
    assert row.cells["baseline_shown"].text == "〈1.89〉"
    assert row.cells["stock_base"].missing
    assert "存量" not in row.narrative and not any("年末存量" in n for n in report.notes)


# --- sub-items written 其中：… -----------------------------------------------------------------------------------------

# SYNTHETIC: a 市场主体 stock and its parts, a pass rate and its 农产品 part; 企业数量 far behind its target
SUB_PLAN = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
            ["1", "市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"],
            ["", "其中：企业数量", "万户", "〔0.62〕", "〔1.0〕", "预期性"],
            ["2", "食品抽检合格率", "%", "97.5", "≥98", "约束性"],
            ["", "  其中 农产品抽检合格率", "%", "97.0", "≥98", "约束性"]]
SUB_HISTORY = [["指标名称", "单位", "2020年", "2021年", "2022年", "2023年"],
               ["市场主体总量", "万户", 1.89, 2.15, 2.40, 2.62],
               ["企业数量", "万户", 0.62, 0.63, 0.64, 0.65],
               ["食品抽检合格率", "%", 97.5, 97.8, 98.0, 98.2],
               ["农产品抽检合格率", "%", 97.0, 97.0, 96.9, 96.9]]


def test_a_sub_item_keeps_the_plans_wording_in_the_table_and_its_own_name_in_sentences(tmp_path):
    table, details, plan = _assess(tmp_path, SUB_PLAN, SUB_HISTORY, writer=_xlsx, ext="xlsx")
    for lang in ("zh", "en"):
        report = build_report(table, details, plan=plan, lang=lang, as_of=2023, date="2026-12-06")
        firms = _row(report, "其中：企业数量")  # the table's 指标名称 as the plan wrote it
        farm = _row(report, "其中 农产品抽检合格率")
        assert firms.name == "其中：企业数量"  # headings and chart titles keep it too
        assert firms.narrative.startswith("企业数量：2023年为0.65万户" if lang == "zh" else "企业数量: "), firms.narrative
        assert farm.narrative.startswith("农产品抽检合格率："if lang == "zh" else "农产品抽检合格率: "), farm.narrative
        assert "其中" not in report.overall, report.overall  # the headline lists name them plainly
    zh = build_report(table, details, plan=plan, as_of=2023, date="2026-12-06").overall
    assert "企业数量（实现概率" in zh and "农产品抽检合格率（实现概率" in zh, zh


def test_the_problems_of_a_final_report_name_a_sub_item_plainly(tmp_path):
    # SYNTHETIC: 2025 reported; 企业数量 0.80 against ≥〔1.0〕 -- missed
    history = [SUB_HISTORY[0] + ["2024年", "2025年"]] + [
        r + extra for r, extra in zip(SUB_HISTORY[1:], ([2.85, 3.15], [0.72, 0.80], [98.3, 98.4], [97.9, 98.1]))]
    table, details, plan = _assess(tmp_path, SUB_PLAN, history, as_of=2025, writer=_xlsx, ext="xlsx")
    report = build_report(table, details, plan=plan, as_of=2025, date="2026-12-06")
    assert report.kind == "final"
    assert _row(report, "其中：企业数量").cells["category"].text == "未完成"
    assert report.problems and report.problems[0].startswith("企业数量：2025年0.80万户，未达到目标（≥1.0万户）"), report.problems
    assert not any("其中" in p for p in report.problems), report.problems


def test_spoken_name_drops_only_a_sub_items_lead_in():
    assert spoken_name("其中：企业数量") == spoken_name("其中:企业数量") == spoken_name("其中，企业数量") == "企业数量"
    assert spoken_name("  其中　农产品抽检合格率（%）") == "农产品抽检合格率（%）"  # the rest as the plan wrote it
    assert spoken_name("其中") == "其中" and spoken_name("其中：") == "其中："  # no name after it: kept
    assert spoken_name("其中企业数量") == "其中企业数量"  # no separator: part of the wording
    assert spoken_name("尤其中小企业数量") == "尤其中小企业数量"
