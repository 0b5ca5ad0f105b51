"""A CSV row with more cells than the table's rows is refused, never read as other figures (session 37).

A hand-typed plan ``市场主体,户,18,900,31,200`` under a four-column header was read as baseline 18, target 900,
with 31 and 200 dropped and only ratio warnings said. Data: SYNTHETIC rows typed here.
"""
from __future__ import annotations

import pytest

import mstarget as mt


def test_a_thousands_separator_inside_an_unquoted_number_is_refused_naming_the_row(tmp_path):
    p = tmp_path / "plan.csv"
    p.write_text("指标,单位,2020年基数,2025年目标\n市场主体,户,18,900,31,200\n企业标准,项,38,117\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_plan(p, region="测试区")
    problem = info.value.problems[0]
    assert problem.row == 2 and "6 cells where the table's rows have 4" in problem.expected
    assert '"18,900"' in str(info.value)


def test_title_and_note_lines_and_quoted_numbers_are_still_read(tmp_path):
    p = tmp_path / "plan.csv"
    p.write_text('某区“十四五”主要指标（合成）\n指标,单位,2020年基数,2025年目标\n市场主体,户,"18,900","31,200"\n'
                 "企业标准,项,38,117,,\n注：合成数据\n", encoding="utf-8")
    plan = mt.read_plan(p, region="测试区")
    assert plan["baseline"].tolist() == [18900, 38] and plan["target"].tolist() == [31200, 117]
