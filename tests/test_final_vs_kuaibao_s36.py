"""A year's final (年报) figures beside its preliminary (快报) ones, read cell by cell; a “十五五” plan's 预计
baseline beside the history's final base-year figure; the plan reader's own columns never said as unread.
All figures SYNTHETIC (made up for the tests), the indicator names as the 鼎湖 plan writes them.

1. A history with columns ``2025年（快报）`` and ``2025年（年报）`` dropped the whole 快报 column, so a row whose
   年报 cell was blank lost its 2025 figure (地方标准 2（快报） meeting 〔2〕 was reported as 2024's 1项, 数据不足).
   Now each row takes its 年报 figure where given, else its 快报 one, kept marked preliminary, and the warning
   says how many figures came from each. The same for sheets 2025年（快报） / 2025年（年报） and for a plan's
   2022年完成值（快报） / 2022年完成值（年报） columns.
2. A plan's 2025年基数（预计） 〔3.05〕 with the history's final 2025 figure 3.07: progress counted from 3.05 while
   the observed pace used 3.07, and the baseline stayed labelled 预计. Now both use 3.07, the row is no
   longer ``baseline_preliminary``, the plan's figure is kept (``baseline_planned``) and the note says
   规划基期预计3.05，年报3.07，按年报计. A 快报 base-year figure in the history is used the same way, said so.
3. ``read_plan`` of a plan it read before warned "未读取的列: 'preliminary_2022'" -- its own column.
"""
from __future__ import annotations

import warnings

import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import MstargetWarning, UnreadColumnWarning


def _xlsx(path, sheets: dict):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _caught(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [str(w.message) for w in caught if issubclass(w.category, MstargetWarning)]


# SYNTHETIC history: 2025 given as 快报 and as 年报; the 年报 cell blank (or —) for some rows
_WIDE = [["指标名称", "单位", "2023年", "2024年", "2025年（快报）", "2025年（年报）"],
         ["期末市场主体总量", "万户", 2.55, 2.78, 3.11, 3.13],
         ["地方标准", "项", 1, 1, 2, None],
         ["“明厨亮灶”覆盖率", "%", 88.2, 89.6, 89.9, "—"],
         ["执业药师数", "人/万人口", 4.4, 4.5, 4.61, 4.58]]


# -- 1. cell by cell: the 年报 figure where given, else the 快报 one, marked ----------------------------------

def test_a_kuaibao_figure_is_kept_where_the_nianbao_cell_is_blank(tmp_path):
    """Before: the 快报 column was dropped whole; 地方标准 and 明厨亮灶 had no 2025 figure."""
    path = _xlsx(tmp_path / "h.xlsx", {"历史数据": _WIDE})
    hist, said = _caught(mt.read_history, path, region="鼎湖区")
    y25 = hist[hist["year"] == 2025].set_index("indicator")
    assert y25.loc["期末市场主体总量", "value"] == pytest.approx(3.13)  # the 年报 figure, unmarked
    assert not bool(y25.loc["期末市场主体总量", "preliminary"])
    assert y25.loc["执业药师数", "value"] == pytest.approx(4.58) and not bool(y25.loc["执业药师数", "preliminary"])
    assert y25.loc["地方标准", "value"] == 2 and bool(y25.loc["地方标准", "preliminary"])
    assert y25.loc["地方标准", "preliminary_mark"] == "快报"
    assert y25.loc["“明厨亮灶”覆盖率", "value"] == pytest.approx(89.9)  # 年报 "—": no figure, the 快报 one read
    assert bool(y25.loc["“明厨亮灶”覆盖率", "preliminary"])
    assert len(hist) == 12  # each year once per row
    counted = [m for m in said if "2个取自'2025年（年报）'" in m and "2个取自'2025年（快报）'" in m]
    assert counted and "2 from '2025年（年报）'" in counted[0] and "2 from '2025年（快报）'" in counted[0], said
    assert not any("未读取的列" in m for m in said), said


def test_the_assessment_counts_a_kuaibao_only_figure(tmp_path):
    """地方标准 〔0〕 -> 〔2〕, 2025 only as 快报 (2): before, 2025 was lost (last year 2024, 1项); now met on
    the 快报 figure, and marked so."""
    hist = _xlsx(tmp_path / "h.xlsx", {"历史数据": _WIDE})
    plan = _xlsx(tmp_path / "p.xlsx", {"主要指标": [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
                                                  [1, "地方标准", "项", "〔0〕", "〔2〕", "预期性"],
                                                  [2, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"]]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = mt.assess(hist, plan, region="鼎湖区").set_index("name")
    assert int(t.loc["地方标准", "last_year"]) == 2025 and t.loc["地方标准", "last_value"] == 2
    assert t.loc["地方标准", "status"] == "met" and bool(t.loc["地方标准", "last_preliminary"])
    assert t.loc["期末市场主体总量", "last_value"] == pytest.approx(3.13)
    assert not bool(t.loc["期末市场主体总量", "last_preliminary"])


def test_sheets_kuaibao_and_nianbao_read_row_by_row(tmp_path):
    """Sheets 2025年（快报） (3 rows) and 2025年（年报） (1 row, one region blank): before, the 快报 sheet was not
    read at all and 地方标准 / 明厨亮灶 had no 2025; now they come from the 快报 sheet, marked."""
    head = ["指标名称", "单位", "鼎湖区", "端州区"]
    path = _xlsx(tmp_path / "h.xlsx", {
        "2024年": [head, ["期末市场主体总量", "万户", 2.78, 5.1], ["地方标准", "项", 1, 3], ["“明厨亮灶”覆盖率", "%", 89.6, 92.0]],
        "2025年（快报）": [head, ["期末市场主体总量", "万户", 3.11, 5.4], ["地方标准", "项", 2, 4],
                      ["“明厨亮灶”覆盖率", "%", 90.1, 93.0]],
        "2025年（年报）": [head, ["期末市场主体总量", "万户", 3.13, None]]})
    hist, said = _caught(mt.read_history, path)
    got = hist[hist["year"] == 2025].set_index(["region", "indicator"])
    assert got.loc[("鼎湖区", "期末市场主体总量"), "value"] == pytest.approx(3.13)
    assert not bool(got.loc[("鼎湖区", "期末市场主体总量"), "preliminary"])
    assert got.loc[("端州区", "期末市场主体总量"), "value"] == pytest.approx(5.4)  # 年报 blank: 快报
    assert got.loc[("鼎湖区", "地方标准"), "value"] == 2 and got.loc[("鼎湖区", "地方标准"), "preliminary_mark"] == "快报"
    assert len(got) == 6
    assert any("1个取自工作表'2025年（年报）'" in m and "5个取自工作表'2025年（快报）'" in m for m in said), said


def test_a_plans_completion_columns_read_cell_by_cell(tmp_path):
    """A mid-term plan's 2022年完成值（快报） beside 2022年完成值（年报）, the 年报 cell blank on two rows: before,
    the 快报 column was dropped and those rows had no 2022 figure."""
    path = _xlsx(tmp_path / "p.xlsx", {"主要指标": [
        ["序号", "指标名称", "单位", "2020年基数", "2022年完成值（快报）", "2022年完成值（年报）", "2025年目标", "属性"],
        [1, "期末市场主体总量", "万户", "〔1.89〕", "〔2.31〕", "〔2.33〕", "〔3.12〕", "预期性"],
        [2, "地方标准", "项", "〔0〕", "〔1〕", None, "〔2〕", "预期性"],
        [3, "“明厨亮灶”覆盖率", "%", "81", "86.0", "", "≥90", "约束性"]]})
    plan, said = _caught(mt.read_plan, path, region="鼎湖区")
    assert plan["observed_2022"].tolist() == pytest.approx([2.33, 1.0, 86.0])
    assert plan["preliminary_2022"].tolist() == ["", "快报", "快报"]
    assert any("1个取自'2022年完成值（年报）'" in m and "2个取自'2022年完成值（快报）'" in m for m in said), said
    again, said2 = _caught(mt.read_plan, plan)  # a plan read before keeps them
    assert again["preliminary_2022"].tolist() == ["", "快报", "快报"]


# -- 2. a 预计 baseline and the history's base-year figure ----------------------------------------------

_PLAN15 = [["序号", "指标名称", "单位", "2025年基数（预计）", "2030年目标", "属性"],
           [1, "期末市场主体总量", "万户", "〔3.05〕", "〔4.00〕", "预期性"],
           [2, "“明厨亮灶”覆盖率", "%", "90.0", "≥98", "约束性"]]


def test_the_final_base_year_figure_replaces_a_preliminary_baseline(tmp_path):
    """Before: baseline 3.05（预计） for progress (16 %), 3.07 for the pace, still labelled 预计."""
    plan = _xlsx(tmp_path / "p.xlsx", {"主要指标": _PLAN15})
    hist = _xlsx(tmp_path / "h.xlsx", {"历史数据": [["指标名称", "单位", "2025年", "2026年"],
                                                  ["期末市场主体总量", "万户", 3.07, 3.20],
                                                  ["“明厨亮灶”覆盖率", "%", 90.2, 92.5]]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = mt.assess(hist, plan, region="鼎湖区").set_index("name")
    r = t.loc["期末市场主体总量"]
    assert r["baseline"] == pytest.approx(3.07) and not bool(r["baseline_preliminary"])
    assert r["baseline_planned"] == pytest.approx(3.05) and r["baseline_planned_mark"] == "预计"
    assert r["progress_share"] == pytest.approx((3.20 - 3.07) / (4.00 - 3.07))
    assert r["observed_pace"] == pytest.approx(0.13)
    assert "规划基期预计3.05，年报3.07，按年报计" in r["note"]
    assert "replaced by the history's final figure 3.07" in r["note"]
    assert "基期值为预计数" not in r["note"]
    m = t.loc["“明厨亮灶”覆盖率"]
    assert m["baseline"] == pytest.approx(90.2) and "规划基期预计90.0，年报90.2，按年报计" in m["note"]
    assert pd.isna(m["baseline_decimals"])  # the plan's one decimal wrote its own figure, not the history's


def test_a_kuaibao_base_year_figure_is_used_consistently_and_said(tmp_path):
    """The history's 2025 figure is itself 快报: progress and pace both count from it, the row stays
    preliminary (快报) and the note says which figure was used."""
    plan = _xlsx(tmp_path / "p.xlsx", {"主要指标": _PLAN15[:2]})
    hist = _xlsx(tmp_path / "h.xlsx", {"历史数据": [["指标名称", "单位", "2025年", "2026年"],
                                                  ["期末市场主体总量", "万户", "3.07（快报）", 3.20]]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = mt.assess(hist, plan, region="鼎湖区").iloc[0]
    assert r["baseline"] == pytest.approx(3.07) and bool(r["baseline_preliminary"])
    assert r["baseline_preliminary_mark"] == "快报" and r["baseline_planned"] == pytest.approx(3.05)
    assert r["progress_share"] == pytest.approx((3.20 - 3.07) / (4.00 - 3.07))
    assert "规划基期预计3.05，快报3.07，按快报计" in r["note"]


# -- 3. the plan reader's own columns ----------------------------------------------------------------------

def test_a_plan_read_before_is_not_warned_about_its_own_preliminary_column(tmp_path):
    path = _xlsx(tmp_path / "p.xlsx", {"主要指标": [
        ["序号", "指标名称", "单位", "2020年基数", "2022年完成值（快报）", "2025年目标", "属性"],
        [1, "期末市场主体总量", "万户", "〔1.89〕", "〔2.31〕", "〔3.12〕", "预期性"],
        [2, "地方标准", "项", "〔0〕", "〔0〕", "〔2〕", "预期性"]]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(path, region="鼎湖区")
    assert "preliminary_2022" in plan.columns
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.read_plan(plan)
        mt.assess(None, plan)
    unread = [str(w.message) for w in caught if issubclass(w.category, UnreadColumnWarning)]
    assert not any("preliminary_2022" in m for m in unread), unread
