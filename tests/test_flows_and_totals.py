"""Yearly flows and running totals of 〈〉 (and 〔〕) targets, as a district bureau hands them over
(tester's findings, 2026-12, /tmp/s34 F4/F5): a history saying 累计 only in its 备注 column, the
running-total warning at mid-term, a mid-term plan table whose 〈〉 row holds each year's additions.

Indicator names, units and plan figures are the Dinghu district's (data/dinghu_14th_fyp_plan.csv);
the yearly values are SYNTHETIC, written out here.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

import mstarget as mt

DINGHU = Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv"
PLEDGE = "知识产权质押登记融资金额"  # 〈5〉 亿元 added 2021-2025
KITCHEN = "“明厨亮灶”覆盖率"  # ≥90 %


def _xlsx(path, rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(list(r))
    wb.save(path)
    return path


def _assess(history, plan=DINGHU, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mt.assess(history, plan, region="鼎湖区", as_of=2023, seed=0, n_paths=500, **kw)
    return res.set_index("name"), caught


def _running_total_warnings(caught):
    return [str(w.message) for w in caught if issubclass(w.category, mt.RunningTotalWarning)]


# -- a 备注 column saying how a series is counted --------------------------------------------------

@pytest.mark.parametrize("remark", ["累计数", "累计值", "自2021年起累计", "累计数（自2021年起）"])
def test_running_totals_said_only_in_a_remarks_column_are_running_totals(tmp_path, remark):
    """F5: 0.6 / 1.5 / 2.7 亿元 marked 累计数 in 备注 were summed as yearly flows (4.8, 96 % of 〈5〉,
    p > 0.99); as a 口径 column of 累计 says, they are totals: 2.7 so far, 1.2 in 2023."""
    rows = [["指标名称", "单位", "2021年", "2022年", "2023年", "备注"],
            [PLEDGE, "亿元", 0.6, 1.5, 2.7, remark],  # SYNTHETIC
            [KITCHEN, "%", 84, 86, 88, None]]
    path = _xlsx(tmp_path / "history.xlsx", rows)
    hist = mt.read_history(path, region="鼎湖区")
    assert set(hist.loc[hist["name"] == PLEDGE, "measure"]) == {"running_total"}
    assert set(hist.loc[hist["name"] == KITCHEN, "measure"]) == {""}  # a blank remark says nothing
    res, caught = _assess(path)
    row = res.loc[PLEDGE]
    assert row["sum_so_far"] == pytest.approx(2.7) and row["last_value"] == pytest.approx(1.2)
    assert row["progress_share"] == pytest.approx(0.54) and "running totals (累计) turned" in row["note"]
    assert not _running_total_warnings(caught)
    # the same as the 口径 column gives
    koujing = [["指标名称", "单位", "口径", "2021年", "2022年", "2023年"],
               [PLEDGE, "亿元", "累计", 0.6, 1.5, 2.7], [KITCHEN, "%", None, 84, 86, 88]]
    same, _ = _assess(_xlsx(tmp_path / "koujing.xlsx", koujing))
    assert same.loc[PLEDGE, "p_meet"] == pytest.approx(row["p_meet"])


def test_a_remark_of_yearly_additions_on_a_stock_target_gives_the_stock(tmp_path):
    """企业标准 〔117〕 with 14 / 17 / 15 new standards a year, said as 当年新增 in 说明: the stock is the
    plan's baseline 38 plus the additions (52, 69, 84), as 口径 当年新增 gives, not 15 standards."""
    rows = [["指标名称", "单位", "2021年", "2022年", "2023年", "说明"],
            ["企业标准", "项", 14, 17, 15, "当年新增"]]  # SYNTHETIC
    res, caught = _assess(_xlsx(tmp_path / "history.xlsx", rows))
    assert res.loc["企业标准", "last_value"] == pytest.approx(84)
    assert any(issubclass(w.category, mt.InconsistentDataWarning) and "38 + 14, 17, 15" in str(w.message)
               for w in caught)


@pytest.mark.parametrize("remark", ["数据来源：区统计局", "含新增注册企业", "2022年起统计口径调整", "累计；当年"])
def test_remarks_saying_something_else_leave_the_series_as_given(tmp_path, remark):
    rows = [["指标名称", "单位", "2021年", "2022年", "2023年", "备注"],
            [PLEDGE, "亿元", 0.8, 0.95, 1.1, remark]]  # SYNTHETIC yearly flows
    hist = mt.read_history(_xlsx(tmp_path / "history.xlsx", rows), region="鼎湖区")
    assert "measure" not in hist.columns
    res, _ = _assess(hist)
    assert res.loc[PLEDGE, "sum_so_far"] == pytest.approx(2.85)


def test_a_series_whose_remarks_disagree_is_left_as_given():
    """A long table marking 2021 累计 and 2022 当年: no one reading, so none is taken."""
    hist = mt.read_history(pd.DataFrame({
        "地区": "鼎湖区", "指标名称": PLEDGE, "单位": "亿元", "年份": [2021, 2022, 2023],
        "数值": [0.6, 0.9, 1.2], "备注": ["累计", "当年", None]}))  # SYNTHETIC
    assert "measure" not in hist.columns


def test_remark_phrases_are_read_only_when_they_say_a_measure_alone():
    from mstarget.history import note_measure

    assert note_measure("截至2023年底累计") == "running_total"
    assert note_measure("2021-2023年累计") == "running_total"
    assert note_measure("口径：累计") == "running_total"
    assert note_measure("按当年新增统计") == "flow"
    assert note_measure("累計數") == "running_total"  # traditional script
    assert note_measure("当年累计") == "" and note_measure("新增数据来源统计局") == ""


def test_a_koujing_and_a_remark_that_disagree_are_refused_naming_both(tmp_path):
    rows = [["指标名称", "单位", "口径", "2021年", "2022年", "2023年", "备注"],
            [KITCHEN, "%", None, 84, 86, 88, None],
            [PLEDGE, "亿元", "当年", 0.6, 1.5, 2.7, "自2021年起累计"]]  # SYNTHETIC
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_history(_xlsx(tmp_path / "history.xlsx", rows), region="鼎湖区")
    problems = info.value.problems
    assert len(problems) == 1  # the row's cell once, not once per year column
    p = problems[0]
    assert p.source.endswith("history.xlsx") and (p.row, p.column, p.value) == (3, "口径", "当年")
    assert "row 3, column '备注' reads '自2021年起累计'" in p.expected
    assert "running_total" in p.expected and "flow" in p.expected and "correct the one" in p.expected


# -- the running-total guess for a 〈〉 history read as flows ---------------------------------------

def _pledge(values, **columns):
    return pd.DataFrame({"region": "鼎湖区", "indicator": "ip_pledge_financing", "year": [2021, 2022, 2023],
                         "value": values, "unit": "亿元", **columns})


def test_running_totals_at_mid_term_are_warned():
    """0.6 / 1.5 / 2.7: never falling, each rise about the first value, 4.8 summed against the 3 the
    target's pace allows three years of five in. Under 1.5 x the target, so it was not warned."""
    res, caught = _assess(_pledge([0.6, 1.5, 2.7]))  # SYNTHETIC
    said = _running_total_warnings(caught)
    assert len(said) == 1
    assert "鼎湖区/ip_pledge_financing" in said[0] and "running totals" in said[0]
    assert "4.8 by 2023, 96% of the target with 60% of the period gone" in said[0]
    assert "measure = running_total" in said[0]
    assert "look like running totals" in res.loc[PLEDGE, "note"]


@pytest.mark.parametrize("values", [
    [0.8, 0.95, 1.1],   # growing ~17 % a year, on pace
    [1.2, 1.4, 1.6],    # ahead of pace, growing ~15 % a year
    [0.5, 0.8, 1.1],    # a steep ramp, behind the even pace
    [0.6, 0.9, 1.2],    # the mid-term table's yearly additions (F4)
    [1.1, 1.0, 1.3],    # a dip
])
def test_genuine_growing_flows_are_not_warned(values):
    _, caught = _assess(_pledge(values))  # SYNTHETIC
    assert not _running_total_warnings(caught)


def test_flows_declared_as_such_are_not_guessed_to_be_totals():
    """1.2 / 2.5 / 3.9 summed to 7.6 against 〈5〉 look like totals, but 口径 当年 says they are flows."""
    _, caught = _assess(_pledge([1.2, 2.5, 3.9]))  # SYNTHETIC
    assert _running_total_warnings(caught)
    res, caught = _assess(_pledge([1.2, 2.5, 3.9], measure="当年"))
    assert not _running_total_warnings(caught)
    assert res.loc[PLEDGE, "sum_so_far"] == pytest.approx(7.6)


# -- a mid-term plan table's 〈〉 row of yearly additions ------------------------------------------

def _midterm(measure=None):
    row = {"region": "鼎湖区", "indicator": "ip_pledge_financing", "name": PLEDGE, "unit": "亿元",
           "baseline_year": 2020, "baseline": "〈0〉", "target_year": 2025, "target": "〈5〉",
           "attribute": "预期性", "observed_2021": 0.6, "observed_2022": 0.9, "observed_2023": 1.2}  # SYNTHETIC
    if measure is not None:
        row["measure"] = measure
    return pd.DataFrame([row])


@pytest.mark.parametrize("measure", ["flow", "当年新增"])
def test_a_midterm_row_declared_as_yearly_additions_is_summed(measure):
    """F4: 0.6 / 0.9 / 1.2 under 2021-2023年完成值 of a 〈5〉 row said to be 当年新增 were read as
    totals (1.2 so far, 滞后, p 0.05); they are 2.7 added so far."""
    res, caught = _assess(None, _midterm(measure))
    row = res.loc[PLEDGE]
    assert row["sum_so_far"] == pytest.approx(2.7) and row["last_value"] == pytest.approx(1.2)
    assert row["p_meet"] > 0.5 and row["category"] != "behind"
    assert not _running_total_warnings(caught)


@pytest.mark.parametrize("measure", [None, "", float("nan"), "running_total"])
def test_a_midterm_row_without_a_flow_measure_holds_running_totals(measure):
    res, _ = _assess(None, _midterm(measure))
    row = res.loc[PLEDGE]
    assert row["sum_so_far"] == pytest.approx(1.2) and row["last_value"] == pytest.approx(0.3)
    assert "running totals (累计) turned into yearly flows" in row["note"]


def test_a_row_left_blank_in_a_series_declared_running_totals_is_one_of_its_totals():
    """口径 累计 written on 2021 and 2022 only: the 2023 total (2.7) was dropped without a word
    (last year 2022, 1.5 so far); a series has one measure, so it is a total too."""
    res, _ = _assess(_pledge([0.6, 1.5, 2.7], measure=["累计", "累计", ""]))  # SYNTHETIC
    row = res.loc[PLEDGE]
    assert row["last_year"] == 2023 and row["sum_so_far"] == pytest.approx(2.7)
    assert row["last_value"] == pytest.approx(1.2)
