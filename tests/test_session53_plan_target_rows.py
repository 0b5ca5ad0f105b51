"""A plan writing one indicator over its rows of several target years (a 2023 mid-term and a 2025 target under a
merged 指标名称 cell, saved as CSV): read as further targets of that indicator, with a warning naming the rows.

Before session 53 every such row was refused ("an indicator id (text), not blank"). The figures are the real
Dinghu plan's baselines and 2025 targets; the 2023 mid-term targets are SYNTHETIC (no such column was published).
"""
from __future__ import annotations

import warnings

import pytest

import mstarget as mt

from bureau_files import read_plan_text
from mstarget.exceptions import DataValidationError

HEADER = "序号,指标名称,单位,2020年基数,目标年份,目标值,属性\n"
ROWS = ("1,期末市场主体总量,万户,1.89,2023,2.6,预期性\n,,,,2025,3.12,\n"
        "2,企业标准,项,38,2023,80,预期性\n,,,,2025,117,\n"
        "3,药品抽检合格率,%,98,2023,≥98.5,预期性\n,,,,2025,≥99,\n")


def _read(tmp_path, text):
    return read_plan_text(tmp_path, text)


def test_target_rows_under_an_indicator_written_once(tmp_path):
    plan, said = _read(tmp_path, HEADER + ROWS)
    filled, _ = _read(tmp_path, HEADER + "".join(
        f"{a},{b},{c},{d},2023,{e},{f}\n{a},{b},{c},{d},2025,{g},{f}\n" for a, b, c, d, e, g, f in (
            (1, "期末市场主体总量", "万户", 1.89, 2.6, 3.12, "预期性"), (2, "企业标准", "项", 38, 80, 117, "预期性"),
            (3, "药品抽检合格率", "%", 98, "≥98.5", "≥99", "预期性"))))
    cols = ["name", "unit", "baseline", "baseline_year", "target_year", "target", "direction", "attribute"]
    assert plan[cols].to_dict("records") == filled[cols].to_dict("records")
    assert plan.loc[plan["target_year"] == 2025, "target"].tolist() == [3.12, 117, 99]
    assert any("rows 3, 5, 7 give only a target year" in s for s in said), said


def test_assessed_against_each_target_year(tmp_path):
    plan, _ = _read(tmp_path, HEADER + ROWS)
    path = tmp_path / "hist.csv"
    path.write_text("指标名称,单位,2020年,2021年,2022年,2023年\n期末市场主体总量,万户,1.89,2.15,2.42,2.70\n"
                    "企业标准,项,38,52,69,84\n药品抽检合格率,%,98,98.6,99.1,99.2\n", encoding="utf-8")
    hist = mt.read_history(path, region="鼎湖区")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(hist, plan, as_of=2023, seed=0)
    mid = res[res["target_year"] == 2023].set_index("name")
    assert mid.loc["期末市场主体总量", "status"] == "met"  # 2.70 against 2.6
    assert mid.loc["企业标准", "status"] == "met"  # 84 against 80
    assert set(res.loc[res["target_year"] == 2025, "name"]) == {"期末市场主体总量", "企业标准", "药品抽检合格率"}


@pytest.mark.parametrize("rows, refused", [
    # under a heading row (no target year, no target): not that heading's
    ("市场主体发展,,,,,\n,万户,1.89,2025,3.12,预期性\n", ["row 3, column '指标名称'"]),
    # the same target year twice: a row of another indicator whose name was left out, not a continuation
    ("企业标准,项,38,2023,80,预期性\n,项,,2025,117,\n,项,,2025,120,\n", ["row 4, column '指标名称'"]),
    # another unit than the row above: another indicator
    ("企业标准,项,38,2023,80,预期性\n,万户,,2025,117,\n", ["row 3, column '指标名称'"]),
])
def test_what_is_no_continuation_stays_refused(tmp_path, rows, refused):
    path = tmp_path / "plan.csv"
    path.write_text("指标名称,单位,2020年基数,目标年份,目标值,属性\n" + rows, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError) as err:
            mt.read_plan(path, region="鼎湖区")
    for text in refused:
        assert text in str(err.value) and "not blank" in str(err.value)
