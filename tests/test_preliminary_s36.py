"""Preliminary (快报) and estimated figures in a final evaluation (总结评估) are said as such, never as reported
ones (session 36: prober /tmp/s36/p1/repro_kuaibao.py, repro_flow_gap.py; fixer /tmp/s36/f1/r2.py, r3.py).

1. A history cell ``3.05（快报）`` only warned, a column headed ``2025年（快报）`` was read as 2025 silently,
   and the report then said 目标年2025年实际为3.05万户…未完成 with no 快报 anywhere. Now the history keeps the
   mark (``preliminary`` / ``preliminary_mark``), ``assess`` says which rows are judged on a preliminary
   figure (``last_preliminary`` …, and whether the verdict is close enough to change), and the report marks
   those figures (3.05（快报）), says 快报数 in the paragraph and explains in a note.
2. A year not reported inside a 〈〉 sum or inside a stock's yearly additions is counted at an estimate in
   the forecast: the report showed that estimate as if reported (2025年 118.5 beside 目标进度 81 % from 102;
   累计完成7.1亿元 where the reported flows add to 5.9; the chart's 实际值 dots through the interpolated year;
   the chart's title ≤0.200 beside the table's ≤0.20).

Baselines and targets of 期末市场主体总量, 企业标准, 知识产权质押登记融资金额 and 执业药师数 are the Dinghu
district's (data/dinghu_14th_fyp_plan.csv, 肇鼎府〔2023〕5号); the 特种设备万台死亡率 row (0.25 -> ≤0.20) and
EVERY yearly value here are SYNTHETIC.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed, fan_bands
from mstarget.report import build_report, write_report
from mstarget.report.charts import LABELS, target_chart

DINGHU = Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv"


@pytest.fixture
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _plan_xlsx(path: Path) -> Path:
    """A 总结评估 plan table as bureaus keep it (baselines / targets as written: 〔3.12〕, ≤0.20)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"])
    ws.append([1, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"])  # real (Dinghu)
    ws.append([2, "执业药师数", "人/万人口", "4.4", "≥4.6", "预期性"])  # real (Dinghu)
    ws.append([3, "特种设备万台死亡率", "人/万台", "0.25", "≤0.20", "约束性"])  # SYNTHETIC row
    wb.save(path)
    return path


def _history_xlsx(path: Path, header_2025: str = "2025年", cell: str | float = "3.05（快报）",
                  extra: dict | None = None) -> Path:
    """A wide history, one column per year; every value SYNTHETIC."""
    wb = openpyxl.Workbook()
    ws = wb.active
    head = ["指标名称", "单位", "2021年", "2022年", "2023年", "2024年", header_2025] + list(extra or {})
    ws.append(head)
    rows = [["期末市场主体总量", "万户", 2.05, 2.31, 2.52, 2.78, cell],  # misses 〔3.12〕 by 0.07
            ["执业药师数", "人/万人口", 4.5, 4.3, 4.4, 4.5, 4.55],  # misses ≥4.6
            ["特种设备万台死亡率", "人/万台", 0.22, 0.18, 0.21, 0.19, 0.20]]  # exactly ≤0.20: close
    for k, r in enumerate(rows):
        ws.append(r + [v[k] for v in (extra or {}).values()])
    wb.save(path)
    return path


def _read(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = mt.read_history(path, region="鼎湖区")
    return h, [str(w.message) for w in caught]


def _assessed(history, plan, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(history, plan, region="鼎湖区", seed=0, n_paths=400, **kw)


def _row(report, name):
    return next(r for r in report.rows if r.cells["name"].text == name)


# -- 1. reading: the mark is kept, a column headed 快报 warns ------------------------------------------------

def test_a_column_headed_kuaibao_warns_like_a_marked_cell_and_its_figures_stay_marked(tmp_path):
    """``2025年（快报）`` was read as 2025 with no warning and no trace: now one warning names the column (as a
    cell ``3.05（快报）`` is named) and the 2025 rows carry ``preliminary`` / ``preliminary_mark`` 快报."""
    h, said = _read(_history_xlsx(tmp_path / "h.xlsx", header_2025="2025年（快报）", cell=3.05))
    assert any("2025年（快报）" in m and "preliminary" in m for m in said), said
    assert "preliminary" in h.columns and "preliminary_mark" in h.columns
    marked = h[h["preliminary"]]
    assert sorted(marked["year"].unique()) == [2025] and len(marked) == 3
    assert set(marked["preliminary_mark"]) == {"快报"}
    assert not h.loc[h["year"] < 2025, "preliminary"].any()


def test_a_cell_marked_kuaibao_is_kept_marked_and_a_final_column_still_wins(tmp_path):
    """A cell ``3.05（快报）`` keeps its mark on its row only; a year given both as 快报 and 年报 reads the 年报
    column, unmarked (layout.py's rule, kept)."""
    h, said = _read(_history_xlsx(tmp_path / "h.xlsx"))
    assert any("3.05（快报）" in m for m in said)
    row = h[(h["indicator"] == "期末市场主体总量") & (h["year"] == 2025)].iloc[0]
    assert row["value"] == pytest.approx(3.05) and bool(row["preliminary"]) and row["preliminary_mark"] == "快报"
    assert int(h["preliminary"].sum()) == 1
    # a 快报 column beside the same year's 年报 column: the 年报 one is read, nothing marked
    path2 = _history_xlsx(tmp_path / "h2.xlsx", header_2025="2025年（快报）", cell=3.00,
                          extra={"2025年（年报）": [3.05, 4.55, 0.20]})
    h2, _ = _read(path2)
    final = h2[h2["year"] == 2025].set_index("indicator")["value"]
    assert final["期末市场主体总量"] == pytest.approx(3.05)  # the 年报 figure, not the 快报 3.00
    assert "preliminary" not in h2.columns or not h2["preliminary"].any()


def test_a_year_sheet_or_year_cell_marked_kuaibao_marks_its_figures(tmp_path):
    """A workbook of one sheet per year whose 2025 sheet is named ``2025年（快报）``, and a long table whose year
    cell says ``2025年（快报）``: read as 2025, warned, marked (both were read silently)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024年"
    ws.append(["指标名称", "单位", "数值"])
    ws.append(["期末市场主体总量", "万户", 2.78])  # SYNTHETIC
    ws = wb.create_sheet("2025年（快报）")
    ws.append(["指标名称", "单位", "数值"])
    ws.append(["期末市场主体总量", "万户", 3.05])  # SYNTHETIC
    wb.save(tmp_path / "sheets.xlsx")
    h, said = _read(tmp_path / "sheets.xlsx")
    assert h["year"].tolist() == [2024, 2025] and h["preliminary"].tolist() == [False, True]
    assert any("preliminary" in m for m in said)
    long = pd.DataFrame({"地区": "鼎湖区", "指标名称": "期末市场主体总量", "年份": ["2024年", "2025年（快报）"],
                         "数值": [2.78, 3.05]})  # SYNTHETIC
    h2, said2 = _read(long)
    assert h2["preliminary_mark"].tolist() == ["", "快报"] and any("preliminary" in m for m in said2)


# -- 1. assess: which rows are judged on a preliminary figure ----------------------------------------------

def test_assess_says_which_rows_are_judged_on_a_preliminary_figure_and_which_verdicts_may_change(tmp_path):
    """last_preliminary / preliminary_mark / preliminary_close and the note: 3.05 against 〔3.12〕 misses by more
    than 1 % (verdict firm); a 快报 0.20 against ≤0.20 sits on the target (may change with the final figure)."""
    table, _ = _assessed(_history_xlsx(tmp_path / "h.xlsx", header_2025="2025年（快报）", cell=3.05),
                         _plan_xlsx(tmp_path / "p.xlsx"))
    t = table.set_index("name")
    assert bool(t.loc["期末市场主体总量", "last_preliminary"]) and t.loc["期末市场主体总量", "preliminary_mark"] == "快报"
    assert t.loc["期末市场主体总量", "preliminary_years"] == "2025"
    assert not bool(t.loc["期末市场主体总量", "preliminary_close"])
    assert bool(t.loc["特种设备万台死亡率", "preliminary_close"])
    assert "快报" in t.loc["期末市场主体总量", "note"] and "可能修订" in t.loc["期末市场主体总量", "note"]
    assert "评价可能随正式数据改变" in t.loc["特种设备万台死亡率", "note"]
    assert t.loc["期末市场主体总量", "category_zh"] == "未完成"  # the verdict itself is unchanged


def test_a_plan_completion_column_headed_kuaibao_marks_its_rows(tmp_path):
    """A plan table's own ``2025年完成值（快报）`` column (read as observed_2025) marks the rows it decides, with a
    warning; the history's figure, where it gives that year, is the one used (and is not marked)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "指标名称", "单位", "2020年基数", "2025年目标", "2025年完成值（快报）", "属性"])
    ws.append([1, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "〔3.05〕", "预期性"])
    ws.append([2, "执业药师数", "人/万人口", "4.4", "≥4.6", "4.55", "预期性"])
    wb.save(tmp_path / "p.xlsx")
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": ["期末市场主体总量"] * 4 + ["执业药师数"] * 5,  # SYNTHETIC
                         "year": [2021, 2022, 2023, 2024, 2021, 2022, 2023, 2024, 2025],
                         "value": [2.05, 2.31, 2.52, 2.78, 4.5, 4.3, 4.4, 4.5, 4.55]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = mt.assess(hist, tmp_path / "p.xlsx", region="鼎湖区", seed=0, n_paths=300)
    assert any("2025年完成值（快报）" in str(w.message) for w in caught)
    t = table.set_index("name")
    assert bool(t.loc["期末市场主体总量", "last_preliminary"])  # 2025 from the plan's 快报 column
    assert not bool(t.loc["执业药师数", "last_preliminary"])  # 2025 from the history


# -- 1. report: the figures, the paragraph, the notes, every format ----------------------------------------

def test_the_report_marks_preliminary_figures_in_the_table_paragraph_and_notes(tmp_path, close_figures):
    """Before: 2025年 3.05 | 实际值 3.05 | 目标年2025年实际为3.05万户，未达到目标 -- no 快报 in html, xlsx or docx."""
    table, details = _assessed(_history_xlsx(tmp_path / "h.xlsx"), _plan_xlsx(tmp_path / "p.xlsx"))
    report = build_report(table, details, date="2026-12-05")
    row = _row(report, "期末市场主体总量")
    assert row.cells["y2025"].text == "3.05（快报）"
    assert row.cells["current_shown"].text == "3.05（快报）"
    assert row.cells["y2024"].text == "2.78"  # only the preliminary year
    assert "目标年2025年快报数为3.05万户" in row.narrative and "实际为" not in row.narrative
    assert "评价可能随正式数据调整" not in row.narrative  # 0.07 short of 3.12: the verdict is firm
    assert "快报" not in _row(report, "执业药师数").narrative
    assert any("快报" in n and "可能修订" in n for n in report.notes)
    assert "快报数" in report.overall and "期末市场主体总量" in report.overall
    paths = [tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "r.docx"]
    write_report(table, details, paths, date="2026-12-05", max_charts=0)
    assert "3.05（快报）" in paths[0].read_text(encoding="utf-8")
    formats = [c.number_format for ws in openpyxl.load_workbook(paths[1]) for r in ws.iter_rows() for c in r]
    assert any("（快报）" in f for f in formats)
    from docx import Document

    cells = [c.text for t in Document(paths[2]).tables for r in t.rows for c in r.cells]
    assert "3.05（快报）" in cells


def test_a_verdict_on_a_preliminary_figure_at_the_target_may_change(tmp_path):
    """A 快报 0.20 against ≤0.20 (已完成 by 0.00): the paragraph says the verdict may change with the final
    figure; the English report says so too."""
    table, details = _assessed(_history_xlsx(tmp_path / "h.xlsx", header_2025="2025年（快报）", cell=3.05),
                               _plan_xlsx(tmp_path / "p.xlsx"))
    zh = _row(build_report(table, details, date="2026-12-05"), "特种设备万台死亡率")
    assert zh.category == "completed"
    assert "快报数为0.20人/万台" in zh.narrative and "评价可能随正式数据调整" in zh.narrative
    en = build_report(table, details, lang="en", date="2026-12-05")
    text = next(r.narrative for r in en.rows if r.cells["name"].text == "特种设备万台死亡率")
    assert "preliminary" in text and "may change" in text
    assert next(r for r in en.rows if r.cells["name"].text == "期末市场主体总量").cells["y2025"].text \
        == "3.05 (preliminary)"


# -- 2. estimated figures: shown apart from the reported ones ----------------------------------------------

def _dinghu(indicator):
    plan = pd.read_csv(DINGHU)
    return plan[plan["indicator"] == indicator].reset_index(drop=True)


def test_a_stock_with_a_year_of_additions_missing_shows_the_reported_stock_its_progress_counts():
    """企业标准 〔38〕 -> 〔117〕, additions 14, 17, 15, (2024 missing), 18 (SYNTHETIC): the 2025年 column showed
    118.5 (with the interpolated 16.5) beside 目标进度 81 % / 差距 15 from 102. Now 2025年 reads 102（缺2024年）,
    agreeing with 81 % and 15, and the estimate is marked 插值."""
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "enterprise_standards", "year": [2021, 2022, 2023, 2025],
                         "value": [14, 17, 15, 18], "measure": "当年"})
    table, details = _assessed(hist, _dinghu("enterprise_standards"))
    assert table["sum_so_far"].iloc[0] == pytest.approx(102) and table["unreported_years"].iloc[0] == "2024"
    assert details[0].unreported == {2024: pytest.approx(16.5)}
    row = build_report(table, details, date="2026-12-05").rows[0]
    assert row.cells["y2025"].text == "102（缺2024年）"
    assert row.cells["y2023"].text == "84"  # the reported years whole (not 84.0 beside an estimated 118.5)
    assert row.cells["progress_share"].text == "81%" and row.cells["remaining"].text == "15"
    assert row.cells["forecast"].text.startswith("插值")
    assert "按已报送新增数计2025年为102项" in row.narrative


def test_a_settled_sum_with_a_year_missing_says_what_was_reported_not_the_estimate():
    """〈5〉 with flows 1.6, 1.9, 1.1, (2024 missing), 1.3 (SYNTHETIC): 已完成 on the reported 5.9 alone, but the
    paragraph said 累计完成7.1亿元 (the median with 2024 estimated). Now it says 5.9 and the missing year."""
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "ip_pledge_financing", "year": [2021, 2022, 2023, 2025],
                         "value": [1.6, 1.9, 1.1, 1.3]})
    table, details = _assessed(hist, _dinghu("ip_pledge_financing"))
    row = build_report(table, details, date="2026-12-05").rows[0]
    assert row.category == "completed"
    assert "5.9亿元" in row.narrative and "缺2024年" in row.narrative and "7.1" not in row.narrative
    assert row.cells["y2025"].text == "5.9（缺2024年）" and row.cells["progress_share"].text == "118%"
    assert any("缺某年" in n for n in build_report(table, details, date="2026-12-05").notes)


def test_the_chart_draws_estimated_points_apart_and_starts_the_fan_with_the_estimates_spread(close_figures):
    """The running sum through an interpolated year was drawn as 实际值 dots; now the figures counting an
    estimate are hollow points under their own legend entry, and the fan starts with the spread of the
    estimate (mid-term: 2022 missing, as of 2023), not from a point as if reported."""
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "ip_pledge_financing", "year": [2021, 2023],
                         "value": [0.6, 1.1]})  # SYNTHETIC
    table, details = _assessed(hist, _dinghu("ip_pledge_financing"), as_of=2023)
    fig = target_chart(details[0], number=1, lang="en")
    filled = [ln for ln in fig.axes[0].get_lines() if ln.get_marker() == "o" and ln.get_markerfacecolor() != "white"]
    drawn = sorted(int(x) for ln in filled for x in ln.get_xdata())
    assert drawn == [2020, 2021]  # 2022 (estimated) and 2023 (a sum counting it) are not drawn as observed
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert LABELS["en"]["observed"] in labels and LABELS["en"].get("estimated") in labels
    bands = fan_bands(details[0].series, details[0].row) if details[0].bands is None else details[0].bands
    first = bands.values[:, 0]
    assert first.max() > first.min()  # the estimate's spread, not one point


def test_the_chart_title_writes_the_target_with_the_tables_decimals(tmp_path, close_figures):
    """The plan writes ≤0.20 and the table shows ≤0.20; the fan chart's title said ≤0.200."""
    table, details = _assessed(_history_xlsx(tmp_path / "h.xlsx"), _plan_xlsx(tmp_path / "p.xlsx"))
    report = build_report(table, details, date="2026-12-05")
    row = _row(report, "特种设备万台死亡率")
    assert row.cells["target"].text == "≤0.20"
    standalone = target_chart(row.assessment, number=row.number, lang="en").axes[0].get_title(loc="left")
    assert re.search(r"≤0\.20(?!\d)", standalone) and "0.200" not in standalone, standalone
    # the report passes the table's own text (report_charts)
    given = target_chart(row.assessment, number=row.number, lang="en",
                         target_text=row.cells["target_figure"].text).axes[0].get_title(loc="left")
    assert re.search(r"≤0\.20(?!\d)", given), given
    assert np.isfinite(float(table.set_index("name").loc["特种设备万台死亡率", "last_value"]))
