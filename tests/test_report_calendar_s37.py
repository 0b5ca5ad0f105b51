"""A plan with no figure after its base year is a 基期情况 only while the calendar has not entered its period.

Reported by a tester (session 37): the real Dinghu 十四五 plan (2020 base, 2025 targets) read alone, without
``--as-of``, was titled 基期（2020年）情况 with every row 规划期未开始 in a report dated December 2026. The
evaluation year of such a report is the year before the report date (the plan's end at most).
Data: the real Dinghu plan table (data/dinghu_14th_fyp_plan.csv); no yearly figures.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import build_report

PLAN = Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv"


@pytest.fixture(scope="module")
def assessed():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(None, mt.read_plan(PLAN), seed=0)


@pytest.mark.parametrize("date, kind, name", [
    ("2026-12-06", "final", "总结评估"),   # the period is over: a 总结评估 whose rows lack their figures
    ("2023-06-01", "midterm", "中期评估"),  # as of 2022, 40 % of the period
    ("2021-03-01", "baseline", "基期"),    # no year of the period can have figures yet
])
def test_the_report_date_decides_whether_the_period_has_started(assessed, date, kind, name):
    table, details = assessed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(table, details, date=date)
    assert report.kind == kind and name in report.title
    categories = {row.category for row in report.rows}
    if kind == "baseline":
        assert categories == {"not_started"}
    else:
        assert categories == {"insufficient_data"}, categories  # never 规划期未开始 once the period runs


def test_a_final_evaluation_draws_no_fan_for_a_row_without_data_after_its_base(assessed):
    """The table shows no forecast of such a row (请补报...), so no fan chart draws one either."""
    table, details = assessed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(table, details, date="2026-12-06")
    assert report.kind == "final" and report.charted == []


def test_a_base_year_view_keeps_rows_without_data_as_insufficient_and_counts_every_row():
    """Real national targets and history as of 2020: a target with no figure at all is 数据不足 with its target,
    not 规划期未开始 without it, and the overview accounts for the rows already met or lacking data."""
    data = PLAN.parent / "china"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(mt.read_history(data / "national_history.csv"),
                                         mt.read_plan(data / "national_targets.csv"), as_of=2020, seed=0)
        report = build_report(table, details, date="2026-12-06")
    assert report.kind == "baseline"
    empty = [row for row in report.rows if row.raw.get("name") == "制造业产品质量合格率"]
    assert empty and empty[0].category == "insufficient_data"
    assert "暂无监测数据" in empty[0].narrative and "≥94%" in empty[0].narrative
    assert "其余指标中已完成1项、数据不足3项" in report.overall
