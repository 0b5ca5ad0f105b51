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
