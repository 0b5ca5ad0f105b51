"""One workbook holding a 说明 sheet, the plan and its history on separate sheets (as offices send
them): each reader finds its own sheet, and messages name the sheet.

The plan rows are the real Dinghu indicators; the history values are SYNTHETIC (tests/bureau_files.py).
"""
from __future__ import annotations

import warnings

import pytest
from openpyxl import Workbook, load_workbook

import mstarget as mt

from bureau_files import PLAN_ROWS, write_history_xlsx, write_plan_xlsx


def _copy_sheet(source, target):
    for row in source.iter_rows():
        target.append([c.value for c in row])
    for rng in source.merged_cells.ranges:
        target.merge_cells(str(rng))


def _workbook(tmp_path, *, history_first=False, bad_cell=None):
    plan_wb = load_workbook(write_plan_xlsx(tmp_path / "p.xlsx"))
    hist_wb = load_workbook(write_history_xlsx(tmp_path / "h.xlsx"))
    if bad_cell:
        plan_wb.active[bad_cell[0]] = bad_cell[1]
    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["本工作簿含规划主要指标表和完成情况表（完成情况为测试用合成数据）。"])
    notes.append(["填报单位：鼎湖区市场监督管理局"])
    order = [("完成情况", hist_wb), ("主要指标", plan_wb)] if history_first else [("主要指标", plan_wb),
                                                                            ("完成情况", hist_wb)]
    for title, src in order:
        _copy_sheet(src.active, wb.create_sheet(title))
    path = tmp_path / "鼎湖区中期评估.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("history_first", [False, True])
def test_each_reader_finds_its_sheet(tmp_path, history_first):
    path = _workbook(tmp_path, history_first=history_first)
    plan = mt.read_plan(path, region="鼎湖区")
    assert len(plan) == len(PLAN_ROWS) and plan["target_year"].eq(2025).all()
    history = mt.read_history(path, region="鼎湖区")
    assert history["year"].between(2020, 2023).all()  # the plan sheet's 2025年目标 is no observation
    assert "食品安全抽检合格率" in set(history["name"])  # a series only the history sheet has
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.UnmatchedWarning)
        res = mt.assess(path, path, region="鼎湖区", seed=0)
    assert len(res) == len(PLAN_ROWS) and (res["last_year"] == 2023).all()


def test_messages_name_the_sheet(tmp_path):
    path = _workbook(tmp_path, bad_cell=("F5", "≥≥90"))
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert "鼎湖区中期评估.xlsx [sheet '主要指标'], row 5, column '2025年目标': '≥≥90'" in str(err.value)


def test_a_blank_first_sheet_is_passed_over(tmp_path):
    wb = load_workbook(write_plan_xlsx(tmp_path / "p.xlsx"))
    wb.create_sheet("空白", 0)
    wb.save(tmp_path / "plan.xlsx")
    assert len(mt.read_plan(tmp_path / "plan.xlsx", region="鼎湖区")) == len(PLAN_ROWS)
