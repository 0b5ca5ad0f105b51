"""A plan's own preliminary figures, running totals with a year missing, and a year's 快报 sheet beside its 年报
sheet (session 36, second pass over the 快报 work of tests/test_preliminary_s36.py; scratch /tmp/s36/g2).

1. A plan's 完成值 CELL ``4.55（快报）`` (a final table's ``2025年完成值``, a mid-term table's ``2022年完成值``) was
   only warned and its mark lost: the row was judged on it as if final (目标年2025年实际为4.55). Now read_plan keeps
   it (``preliminary_<year>``) and assess / the report treat it as a history's 快报 figure.
2. A “十五五” plan written before the 2025 figure is final (``2025年基数（预计）``, ``3.05（快报）``): the baseline was
   read as final. Now ``baseline_preliminary`` / ``baseline_preliminary_mark`` carry it, the report writes
   ``4.55（预计）`` in 基期值 and a note says progress will be recomputed on the final figure.
3. Running totals 0.6, 1.5, 2.6, –, 3.9 were split evenly in silence: the 2024 column read 3.25 as if reported.
   Now the year is named (``unreported_years`` / ``split_years``, a warning) and marked 3.25（插值）, while the
   reported total 3.90 still settles the evaluation (未完成, not 数据不足).
4. A workbook with sheets ``2025年（快报）`` and ``2025年（年报）`` read the 快报 one and left the 年报 one unread; now
   the final sheet wins, as a 年报 column does, and the warning names the sheet used.

Baselines and targets of 期末市场主体总量, 执业药师数 and 知识产权质押登记融资金额 are the Dinghu district's
(data/dinghu_14th_fyp_plan.csv, 肇鼎府〔2023〕5号); the “十五五” 2030 targets, the 2022 column and EVERY yearly value
here are SYNTHETIC.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import build_report, write_report
from mstarget.report.formatting import number_text

DINGHU = Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv"


def _xlsx(path: Path, rows: list) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def _caught(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [str(w.message) for w in caught]


def _row(report, name):
    return next(r for r in report.rows if r.cells["name"].text == name)


#: SYNTHETIC yearly values of the two Dinghu indicators, 2021-2024 (the plan table gives 2025)
HISTORY_TO_2024 = pd.DataFrame({"region": "鼎湖区", "indicator": ["期末市场主体总量"] * 4 + ["执业药师数"] * 4,
                                "year": [2021, 2022, 2023, 2024] * 2,
                                "value": [2.05, 2.31, 2.52, 2.78, 4.5, 4.3, 4.4, 4.5]})


# -- 1. a plan's 完成值 cell marked 快报 -------------------------------------------------------------------------

def test_a_final_tables_completion_cell_marked_kuaibao_is_judged_and_shown_as_kuaibao(tmp_path):
    """总结评估 table with its own 2025年完成值 column, one cell ``4.55（快报）``: before, warned then lost (the
    paragraph said 目标年2025年实际为4.55); now the row is judged on a 快报 figure and says so, the other row not."""
    plan_path = _xlsx(tmp_path / "plan.xlsx", [
        ["序号", "指标名称", "单位", "2020年基数", "2025年目标", "2025年完成值", "属性"],
        [1, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "〔3.05〕", "预期性"],  # 2025 value SYNTHETIC
        [2, "执业药师数", "人/万人口", "4.4", "≥4.6", "4.55（快报）", "预期性"]])  # 2025 value SYNTHETIC
    plan, said = _caught(mt.read_plan, plan_path, region="鼎湖区")
    assert any("4.55（快报）" in m for m in said)
    assert plan["preliminary_2025"].tolist() == ["", "快报"]
    table, details = _quiet(assess_detailed, HISTORY_TO_2024, plan_path, region="鼎湖区", seed=0, n_paths=300)
    t = table.set_index("name")
    assert bool(t.loc["执业药师数", "last_preliminary"]) and t.loc["执业药师数", "preliminary_mark"] == "快报"
    assert t.loc["执业药师数", "preliminary_years"] == "2025" and "快报" in t.loc["执业药师数", "note"]
    assert not bool(t.loc["期末市场主体总量", "last_preliminary"])
    report = build_report(table, details, date="2026-12-05")
    row = _row(report, "执业药师数")
    assert row.cells["y2025"].text == "4.55（快报）" and row.cells["current_shown"].text == "4.55（快报）"
    assert "目标年2025年快报数为4.55" in row.narrative and "实际为" not in row.narrative
    assert "快报" not in _row(report, "期末市场主体总量").cells["y2025"].text
    assert any("快报" in n and "可能修订" in n for n in report.notes)


def test_a_mid_term_tables_completion_cell_marked_kuaibao_marks_the_latest_figure(tmp_path):
    """中期评估 (as of 2022) with a ``2022年完成值`` column, ``4.5（快报）`` for 执业药师数: the row is judged on that
    latest figure, which is preliminary; where the history gives 2022 itself its figure is used, unmarked."""
    plan_path = _xlsx(tmp_path / "plan.xlsx", [
        ["指标名称", "单位", "2020年基数", "2022年完成值", "2025年目标", "属性"],
        ["期末市场主体总量", "万户", "〔1.89〕", "〔2.31〕（快报）", "〔3.12〕", "预期性"],  # 2022 value SYNTHETIC
        ["执业药师数", "人/万人口", "4.4", "4.5（快报）", "≥4.6", "预期性"]])  # 2022 value SYNTHETIC
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": ["期末市场主体总量", "期末市场主体总量", "执业药师数"],
                         "year": [2021, 2022, 2021], "value": [2.05, 2.30, 4.45]})  # SYNTHETIC
    table = _quiet(mt.assess, hist, plan_path, as_of=2022, region="鼎湖区", seed=0, n_paths=300).set_index("name")
    assert bool(table.loc["执业药师数", "last_preliminary"]) and table.loc["执业药师数", "preliminary_years"] == "2022"
    assert table.loc["执业药师数", "last_value"] == pytest.approx(4.5)
    # the history's own 2022 figure (2.30) is used and is not preliminary
    assert table.loc["期末市场主体总量", "last_value"] == pytest.approx(2.30)
    assert not bool(table.loc["期末市场主体总量", "last_preliminary"])


# -- 2. a baseline marked 预计 / 快报 -----------------------------------------------------------------------------

def _plan_15th(path: Path, header: str = "2025年基数（预计）", cells=("〔3.05〕", "4.55")) -> Path:
    """A “十五五” plan table written before the 2025 figures are final (2030 targets SYNTHETIC)."""
    return _xlsx(path, [["序号", "指标名称", "单位", header, "2030年目标", "属性"],
                        [1, "期末市场主体总量", "万户", cells[0], "〔4.0〕", "预期性"],
                        [2, "执业药师数", "人/万人口", cells[1], "≥5", "预期性"]])


#: SYNTHETIC 2022-2024 and 2026 values (no final 2025 figure yet)
HISTORY_2026 = pd.DataFrame({"region": "鼎湖区", "indicator": ["期末市场主体总量"] * 4 + ["执业药师数"] * 4,
                             "year": [2022, 2023, 2024, 2026] * 2,
                             "value": [2.31, 2.52, 2.78, 3.3, 4.3, 4.4, 4.5, 4.7]})


def test_a_baseline_headed_or_written_as_preliminary_is_carried_marked(tmp_path):
    """``2025年基数（预计）`` (warned) and cells ``〔3.05（预计）〕`` / ``4.55（快报）`` under a plain header: the baselines
    are read as their figures and kept marked (baseline_preliminary, baseline_preliminary_mark); before, the header
    was read silently as a final baseline and ``〔3.05（预计）〕`` was refused."""
    plan, said = _caught(mt.read_plan, _plan_15th(tmp_path / "a.xlsx"), region="鼎湖区")
    assert plan["baseline"].tolist() == [3.05, 4.55]
    assert plan["baseline_preliminary"].tolist() == [True, True]
    assert plan["baseline_preliminary_mark"].tolist() == ["预计", "预计"]
    assert any("2025年基数（预计）" in m and "baseline_preliminary" in m for m in said)
    cells = _quiet(mt.read_plan, _plan_15th(tmp_path / "b.xlsx", "2025年基数", ("〔3.05（预计）〕", "4.55（快报）")),
                   region="鼎湖区")
    assert cells["baseline"].tolist() == [3.05, 4.55] and cells["kind"].tolist() == ["cumulative", "level"]
    assert cells["baseline_preliminary_mark"].tolist() == ["预计", "快报"]
    again = _quiet(mt.read_plan, cells)  # a plan read before keeps its marks
    assert again["baseline_preliminary_mark"].tolist() == ["预计", "快报"]


def test_the_report_marks_a_preliminary_baseline_and_says_progress_will_be_recomputed(tmp_path):
    """The table's 基期值 reads 〔3.05〕（预计） / 4.55（预计）, the paragraph 较2025年基期（预计数4.55…）, a note says the
    baseline is an estimate and progress will be recomputed on the final figure; html, xlsx and docx alike."""
    table, details = _quiet(assess_detailed, HISTORY_2026, _plan_15th(tmp_path / "p.xlsx"), region="鼎湖区",
                            seed=0, n_paths=300)
    assert table["baseline_preliminary"].tolist() == [True, True]
    assert all("基期值为预计数" in n for n in table["note"])
    report = build_report(table, details, date="2026-12-05")
    assert _row(report, "期末市场主体总量").cells["baseline_shown"].text == "〔3.05〕（预计）"
    row = _row(report, "执业药师数")
    assert row.cells["baseline_shown"].text == "4.55（预计）"
    assert "基期（预计数4.55人/万人口）" in row.narrative
    assert any("基期值标“（预计）”" in n and "重新计算" in n for n in report.notes)
    paths = [tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "r.docx"]
    _quiet(write_report, table, details, paths, date="2026-12-05", max_charts=0)
    assert "4.55（预计）" in paths[0].read_text(encoding="utf-8")
    formats = [c.number_format for ws in openpyxl.load_workbook(paths[1]) for r in ws.iter_rows() for c in r]
    assert any("（预计）" in f for f in formats)
    from docx import Document

    assert "4.55（预计）" in [c.text for t in Document(paths[2]).tables for r in t.rows for c in r.cells]


def test_a_preliminary_baseline_used_as_the_base_years_figure_marks_the_rows_judged_on_it(tmp_path):
    """Assessed as of 2025 with no 2025 figure in the history, the plan's 预计 baseline is the base year's figure
    the rows stand on: last_preliminary (预计), as a history's 预计 figure would be."""
    hist = HISTORY_2026[HISTORY_2026["year"] < 2025]
    table = _quiet(mt.assess, hist, _plan_15th(tmp_path / "p.xlsx"), as_of=2025, region="鼎湖区", seed=0,
                   n_paths=300)
    assert table["last_year"].tolist() == [2025, 2025]
    assert table["last_preliminary"].tolist() == [True, True] and set(table["preliminary_mark"]) == {"预计"}


# -- 3. running totals with a year missing ---------------------------------------------------------------------

def _ip_plan():
    plan = pd.read_csv(DINGHU)
    return plan[plan["indicator"] == "ip_pledge_financing"].reset_index(drop=True)  # 〈5〉 亿元 from 2020


@pytest.mark.parametrize("totals, verdict", [((0.6, 1.5, 2.6, 3.9), "未完成"), ((1.2, 2.5, 3.6, 5.1), "已完成")])
def test_running_totals_with_a_year_missing_name_and_mark_the_split_year_but_keep_the_reported_total(totals, verdict):
    """累计 0.6, 1.5, 2.6, –, 3.9 (SYNTHETIC): 2024's figure was 3.25 in the table as if reported, with no word.
    Now a warning and the row name 2024 (unreported_years, split_years), the table shows 3.25（插值）, while 2025's
    reported total 3.90 stands unmarked and settles the evaluation (not 数据不足)."""
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "ip_pledge_financing", "year": [2021, 2022, 2023, 2025],
                         "value": list(totals), "measure": "running_total"})
    (table, details), said = _caught(assess_detailed, hist, _ip_plan(), region="鼎湖区", seed=0, n_paths=300)
    assert any("2024" in m and "累计数缺少年份" in m for m in said), said
    r = table.iloc[0]
    assert r["unreported_years"] == "2024" and r["split_years"] == "2024"
    assert r["category_zh"] == verdict and r["sum_so_far"] == pytest.approx(totals[-1])
    assert "2024" in r["note"] and "均摊" in r["note"]
    row = build_report(table, details, date="2026-12-05").rows[0]
    mid = (totals[2] + totals[3]) / 2
    # the decimals the totals are written with (one), the estimate too: 3.3（插值）, not 3.25 making every total 3.90
    # (session 36, test_consistency_s36.py)
    assert row.cells["y2024"].text == f"{number_text(mid, 1)}（插值）"
    assert row.cells["y2025"].text == f"{totals[-1]:.1f}"  # the reported total, not （缺2024年）
    assert "缺" not in row.cells["current_shown"].text and "缺" not in row.narrative
    report = build_report(table, details, date="2026-12-05")
    assert any("未报送累计数" in n for n in report.notes) and not any("缺某年" in n for n in report.notes)


# -- 4. a year's 快报 sheet beside its 年报 sheet -----------------------------------------------------------------

@pytest.mark.parametrize("order", [("2025年（快报）", "2025年（年报）"), ("2025年（年报）", "2025年（快报）")])
def test_a_final_years_sheet_supersedes_its_kuaibao_sheet_and_the_warning_says_which(tmp_path, order):
    """Sheets 2024年, 2025年（快报） (3.00) and 2025年（年报） (3.05), SYNTHETIC: the 快报 sheet was read (3.00, marked)
    and the 年报 one left unread; now 2025 is 3.05 from the 年报 sheet, unmarked, and the warning names both."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024年"
    ws.append(["指标名称", "单位", "数值"])
    ws.append(["期末市场主体总量", "万户", 2.78])
    for name in order:
        ws = wb.create_sheet(name)
        ws.append(["指标名称", "单位", "数值"])
        ws.append(["期末市场主体总量", "万户", 3.00 if "快报" in name else 3.05])
    wb.save(tmp_path / "h.xlsx")
    hist, said = _caught(mt.read_history, tmp_path / "h.xlsx", region="鼎湖区")
    assert hist["year"].tolist() == [2024, 2025] and hist["value"].tolist() == [2.78, 3.05]
    assert "preliminary" not in hist.columns or not hist["preliminary"].any()
    assert any("2025年（年报）" in m and "2025年（快报）" in m and "not read" in m for m in said), said


def test_a_final_years_sheet_alone_is_that_years(tmp_path):
    """Sheets 2024年 and 2025年（年报） (SYNTHETIC): the 年报 sheet was not read at all (2025 lost, one warning)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024年"
    ws.append(["指标名称", "单位", "数值"])
    ws.append(["期末市场主体总量", "万户", 2.78])
    ws = wb.create_sheet("2025年（年报）")
    ws.append(["指标名称", "单位", "数值"])
    ws.append(["期末市场主体总量", "万户", 3.05])
    wb.save(tmp_path / "h.xlsx")
    hist = _quiet(mt.read_history, tmp_path / "h.xlsx", region="鼎湖区")
    assert hist["year"].tolist() == [2024, 2025] and hist["value"].tolist() == [2.78, 3.05]
