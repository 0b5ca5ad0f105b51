"""Plan and history reading, loose ends of review H2 (finding 7) -> fixes H9.

Every table here is SYNTHETIC, generated in the test: Dinghu indicator names and units with invented yearly
figures. Each test states what the user sees: the columns of the history returned, a warning, or a refusal naming
the file, row, column and what to write instead.
"""
from __future__ import annotations

import warnings

import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import UnreadColumnWarning

REGION = "鼎湖区"


def _caught(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [w.message for w in seen]


# -- 7a. columns a wide history does not read are not returned beside every year --------------------------------

#: SYNTHETIC: a district's monitoring sheet -- the years, a part of 2025, the target, growth columns, 序号 and 备注
MONITORING = ("序号,指标名称,单位,2022年,2023年,2024年,2025年1-9月,2025年目标,较2020年增长（%）,2024年同比增减,备注\n"
              '1,市场主体总量,户,"23,200","25,100","27,000","28,100",31200,42.9,1900,年末数\n'
              "2,企业标准,项,７０,８６,１０１,１０６,117,165.8,15,\n")


def test_columns_a_wide_history_does_not_read_are_left_out_of_it(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(MONITORING, encoding="utf-8")
    history, seen = _caught(mt.read_history, path, region=REGION)
    not_read = ["2025年1-9月", "2025年目标", "较2020年增长（%）", "2024年同比增减"]
    # the warning still names every column it did not read ...
    (unread,) = [str(w) for w in seen if isinstance(w, UnreadColumnWarning)]
    assert all(f"'{c}'" in unread for c in not_read)
    # ... and none of them rides along the year rows (28,100 / １０６ / 31200 beside every year before)
    assert not set(not_read) & set(history.columns)
    assert {"序号", "备注", "name"} <= set(history.columns)  # columns naming no year are kept, as given
    notes = history.set_index(["indicator", "year"])["备注"]
    assert notes[("市场主体总量", 2022)] == notes[("市场主体总量", 2024)] == "年末数"
    by_year = history.set_index(["indicator", "year"])["value"]
    assert by_year[("市场主体总量", 2024)] == 27000 and by_year[("企业标准", 2024)] == 101
    assert sorted(history["year"].unique().tolist()) == [2022, 2023, 2024]
    # the 1-9月 figures are still kept apart for the report, with their cells as written
    part = {(e["indicator"], e["label"]): (e["value"], e["written"]) for e in history.attrs["part_year"]}
    assert part == {("市场主体总量", "2025年1-9月"): (28100.0, "28,100"), ("企业标准", "2025年1-9月"): (106.0, "１０６")}


def test_a_history_dataframe_drops_the_unread_columns_as_its_file_does(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(MONITORING, encoding="utf-8")
    frame = pd.read_csv(path, dtype=str)
    from_file, _ = _caught(mt.read_history, path, region=REGION)
    from_frame, seen = _caught(mt.read_history, frame, region=REGION)
    assert from_frame.columns.tolist() == from_file.columns.tolist()
    assert from_frame["value"].tolist() == from_file["value"].tolist()
    assert any(isinstance(w, UnreadColumnWarning) and "'2025年目标'" in str(w) for w in seen)


def test_the_part_year_figures_still_reach_the_assessment(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(MONITORING, encoding="utf-8")
    plan = pd.DataFrame({"指标名称": ["企业标准"], "单位": ["项"], "2020年基数": ["38"], "2025年目标": ["≥117"]})
    table, _ = _caught(mt.assess, path, plan, region=REGION, model="naive", as_of=2024)
    assert table["target"].tolist() == [117.0]
    assert ("企业标准", "2025年1-9月", 106.0) in [(e["indicator"], e["label"], e["value"])
                                                for e in table.attrs["part_year"]]


# -- 7b. a baseline heading merged over both years: the message says where the target column went -----------------

def _two_row_plan(path, heading: str):
    """SYNTHETIC plan with ``heading`` merged over ``2020年 | 2025年`` (rows 1-2), as some plans print it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "指标名称", "单位", heading, None, "属性"])
    ws.append([None, None, None, "2020年", "2025年", None])
    ws.merge_cells("D1:E1")
    for c in "ABCF":
        ws.merge_cells(f"{c}1:{c}2")
    ws.append([1, "企业年报公示率", "%", 93.5, "≥95", "约束性"])
    ws.append([2, "有效注册商标量", "万件", "〔1.20〕", "〔1.70〕", "预期性"])
    wb.save(path)
    return path


def test_a_baseline_heading_over_both_years_names_the_column_and_how_to_head_the_target(tmp_path):
    path = _two_row_plan(tmp_path / "plan.xlsx", "基期值")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region=REGION)
    (problem,) = err.value.problems
    assert (problem.source, problem.row, problem.column) == (str(path), 2, "2025年基期值")
    assert "the 2025年 column sits under the baseline heading '基期值'" in problem.expected
    assert "规划值, 目标 or 2025年目标" in problem.expected and "目标列的表头请写作" in problem.expected
    assert "observed_" not in str(err.value)  # no internal column name


def test_a_neutral_heading_over_both_years_is_still_read(tmp_path):
    path = _two_row_plan(tmp_path / "plan.xlsx", "指标值")
    plan, _ = _caught(mt.read_plan, path, region=REGION)
    assert plan["baseline"].tolist() == [93.5, 1.2] and plan["target"].tolist() == [95.0, 1.7]
    assert plan["target_year"].tolist() == [2025, 2025]


def test_the_same_mislabelled_header_in_a_plan_dataframe_names_no_internal_column():
    """A frame whose header row is one of its rows: 基期值 written over both years (as a CSV keeps a merge)."""
    frame = pd.DataFrame([["序号", "指标名称", "单位", "基期值", "基期值", "属性"],
                          ["", "", "", "2020年", "2025年", ""],
                          ["1", "企业年报公示率", "%", "93.5", "≥95", "约束性"]])
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(frame, region=REGION)
    (problem,) = err.value.problems
    assert problem.column == "2025年基期值" and "under the baseline heading '基期值'" in problem.expected
    assert problem.row == 1  # the frame's row holding 2020年 | 2025年, by its index label (df.loc[1])
    assert "observed_" not in str(err.value)
