"""The work `assess` does in the calling process before the parallel forecasting, done a column
at a time (issue 13): the same rows, cells and baseline observations as the cell-by-cell code."""
from __future__ import annotations

import importlib
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import mstarget as mt
from mstarget.plan import parse_cell
from mstarget.validation import records

_assess = importlib.import_module("mstarget.assess")  # the module (mt.assess is the function)


def _plan_csv(tmp_path):
    text = ("地区,指标名称,单位,2020年基数,2025年目标,属性\n"
            "甲县,食品抽检合格率,%,97.5,≥98,约束性\n"
            "甲县,市场主体,万户,1.89,〔3.12〕,预期性\n"
            "乙县,食品抽检合格率,%,,≥98,约束性\n"
            "乙县,知识产权质押融资,亿元,0,〈5〉,预期性\n")
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_records_are_the_rows_itertuples_gives(tmp_path):
    # issue 13: text, nullable-integer, float and blank cells, each of the same type as before
    plan = mt.read_plan(_plan_csv(tmp_path))
    expected = [r._asdict() for r in plan.itertuples(index=False)]
    got = [r._asdict() for r in records(plan)]
    assert [list(r) for r in got] == [list(r) for r in expected]
    for want, have in zip(expected, got):
        for column, value in want.items():
            assert type(have[column]) is type(value), column
            assert have[column] is value or have[column] == value or (
                isinstance(value, float) and math.isnan(value) and math.isnan(have[column])), column


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
                 st.integers(-10 ** 30, 10 ** 30).map(str),
                 st.from_regex(r"-?[0-9]{1,400}(\.[0-9]{1,30})?", fullmatch=True)))
@example("9" * 400)  # beyond a float: refused
@example("-0")
@example("007.50")
def test_plain_numbers_read_as_by_the_notation_parser(text):
    # issue 13: a plain decimal is read at once; the full notation parser (reached here through a
    # leading space, which it strips) gives the same cell or refuses it the same way
    try:
        slow = parse_cell(" " + text)
    except ValueError:
        with pytest.raises(ValueError):
            parse_cell(text)
        return
    fast = parse_cell(text)
    assert fast == slow and repr(fast.value) == repr(slow.value)


def test_plan_baselines_fill_missing_history_years(tmp_path):
    # issue 13: the plan's baseline becomes an observation only where the history has none; the
    # first plan row of a series gives it; 〈〉 targets and years after as_of add nothing
    plan = mt.read_plan(_plan_csv(tmp_path))
    plan = pd.concat([plan, plan.iloc[[0]].assign(baseline=50.0)], ignore_index=True)  # a repeat
    hist = mt.read_history(pd.DataFrame({
        "region": ["甲县", "甲县"], "indicator": ["市场主体", "市场主体"], "year": [2020, 2021],
        "value": [1.95, 2.2], "unit": ["万户", "万户"]}))
    out = _assess._augment_history(hist, plan, 2023, True)
    added = out[out["source"] == "plan baseline"]
    assert list(zip(added["region"], added["indicator"], added["year"], added["value"])) == [
        ("甲县", "食品抽检合格率", 2020, 97.5)]
    assert added["unit"].tolist() == ["%"]
    kept = out[(out["indicator"] == "市场主体") & (out["year"] == 2020)]
    assert kept["value"].tolist() == [1.95]  # the history's own value wins over the plan's 1.89
    assert out[["region", "indicator", "year"]].equals(
        out[["region", "indicator", "year"]].sort_values(["region", "indicator", "year"]))
    assert _assess._augment_history(hist, plan, 2019, True) is hist  # baseline 2020 after as_of
    assert _assess._augment_history(hist, plan, 2023, False) is hist
    assert np.array_equal(out["year"].to_numpy(), out["year"].to_numpy(dtype=np.int64))
