"""Mid-term evaluation tables: a plan table that carries the years since its baseline
(``2020年基数 | 2022年完成值 | 2023年完成值 | 2025年目标``) or names periods instead of years
(``“十三五”末 | “十四五”目标``) is read, and its completed values are used as observations.

Plan rows are real Dinghu "十四五" indicators (data/dinghu_14th_fyp_plan.csv); the 2022 / 2023
values are SYNTHETIC (written here, plausible mid-term figures).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt

HEADER = "指标名称,单位,2020年基数,2022年完成值,2023年完成值,2025年目标,属性\n"
ROWS = ("期末市场主体总量,万户,〔1.89〕,〔2.42〕,〔2.70〕,〔3.12〕,预期性\n"
        "药品抽检合格率,%,98,99.1,99.2,≥99,预期性\n"
        "千人食品检验量,批次/千人,5,5.5,5.8,6,约束性\n")


def _write(tmp_path, text, name="plan.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_period_headers_give_the_years(tmp_path):
    path = _write(tmp_path, "指标名称,单位,“十三五”末,“十四五”目标,属性\n千人食品检验量,批次/千人,5,6,约束性\n")
    plan = mt.read_plan(path, region="鼎湖区")
    assert (plan["baseline_year"].iloc[0], plan["baseline"].iloc[0]) == (2020, 5.0)
    assert (plan["target_year"].iloc[0], plan["target"].iloc[0]) == (2025, 6.0)


def test_completed_values_are_read_as_observed_columns(tmp_path):
    plan = mt.read_plan(_write(tmp_path, HEADER + ROWS), region="鼎湖区").set_index("name")
    assert plan.loc["期末市场主体总量", "baseline"] == 1.89 and plan["baseline_year"].eq(2020).all()
    assert plan.loc["期末市场主体总量", "observed_2022"] == 2.42  # 〔2.42〕: the notation is read
    assert plan["observed_2023"].tolist() == [2.70, 99.2, 5.8]


def test_assess_uses_them_where_the_history_has_none(tmp_path):
    path = _write(tmp_path, HEADER + ROWS)
    res = mt.assess(None, path, region="鼎湖区", seed=0).set_index("name")
    assert res["last_year"].eq(2023).all()
    assert res.loc["期末市场主体总量", "last_value"] == pytest.approx(2.70)
    assert res.loc["千人食品检验量", "progress_share"] == pytest.approx(0.8)  # (5.8 - 5) / (6 - 5)
    assert res.loc["千人食品检验量", "time_share"] == pytest.approx(0.6)
    # a history giving 2023 wins; the table's 2022 fills the year the history lacks
    hist = pd.DataFrame({"region": "鼎湖区", "指标名称": "千人食品检验量", "year": [2021, 2023],
                         "value": [5.3, 5.4], "unit": "批次/千人"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.UnmatchedWarning)
        warnings.simplefilter("ignore", mt.InconsistentDataWarning)
        res = mt.assess(hist, path, region="鼎湖区", seed=0).set_index("name")
    assert res.loc["千人食品检验量", "last_value"] == pytest.approx(5.4)
    assert res.loc["千人食品检验量", "observed_pace"] == pytest.approx((5.4 - 5.0) / 3)
    # ... and where the two disagree beyond rounding (5.8 in the table, 5.4 in the history) it is said
    with pytest.warns(mt.InconsistentDataWarning, match="千人食品检验量 2023: 5.8 / 5.4"):
        mt.assess(hist, path, region="鼎湖区", seed=0)


def test_a_plan_read_before_is_assessed_without_a_false_unread_warning(tmp_path):
    """``read_plan`` then ``assess(None, plan)`` (the README's pattern): a warning said the table's
    completed values were not read, naming ``observed_2022`` / ``observed_2023``, while they were
    the forecast's last observations."""
    plan = mt.read_plan(_write(tmp_path, HEADER + ROWS), region="鼎湖区")
    with warnings.catch_warnings():
        warnings.simplefilter("error", mt.UnreadColumnWarning)
        res = mt.assess(None, plan, seed=0)
    assert res["last_year"].eq(2023).all()


def test_bare_years_between_baseline_and_target(tmp_path):
    path = _write(tmp_path, "指标名称,单位,2020年,2022年,2025年\n千人食品检验量,批次/千人,5,5.5,≥6\n")
    plan = mt.read_plan(path, region="鼎湖区")
    assert (plan["baseline"].iloc[0], plan["observed_2022"].iloc[0], plan["target"].iloc[0]) == (5, 5.5, 6)


def test_increment_rows_read_their_completed_values_as_additions_so_far(tmp_path):
    """〈2.5〉 under 2022年完成值 is what was added since 2020 (a running total), not one year's flow."""
    path = _write(tmp_path, HEADER + "知识产权质押登记融资金额,亿元,〈0〉,〈2.5〉,〈3.1〉,〈5〉,预期性\n")
    row = mt.assess(None, path, region="鼎湖区", seed=0).iloc[0]
    assert row["sum_so_far"] == pytest.approx(3.1) and row["remaining"] == pytest.approx(1.9)
    assert row["last_value"] == pytest.approx(0.6)  # 2023's flow: 3.1 - 2.5
    assert row["observed_pace"] == pytest.approx(3.1 / 3)
    assert "running totals" in row["note"]


def test_a_bad_completed_value_names_its_column(tmp_path):
    path = _write(tmp_path, HEADER + ROWS.replace("99.1", "约99"))
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "2022年完成值", "约99")


def test_binding_marks_and_numbering_in_names(tmp_path):
    """注：带*的为约束性指标 -- no attribute column, the binding rows marked with * after the name, and
    row numbers typed into the name cells; a history names the indicators plainly."""
    path = _write(tmp_path, "指标名称,单位,2020年,2025年\n"
                            "1.千人食品检验量*,批次/千人,5,6\n"
                            "2.期末市场主体总量,万户,〔1.89〕,〔3.12〕\n"
                            "（三）药品抽检合格率*,%,98,≥99\n"
                            "注：带*的为约束性指标。\n")
    plan = mt.read_plan(path, region="鼎湖区")
    assert plan["name"].tolist() == ["千人食品检验量", "期末市场主体总量", "药品抽检合格率"]
    assert plan["attribute"].tolist() == ["binding", "expected", "binding"]
    hist = pd.DataFrame({"region": "鼎湖区", "指标名称": ["药品抽检合格率①", "药品抽检合格率①"],
                         "year": [2021, 2022], "value": [98.6, 99.1]})
    with pytest.warns(mt.UnmatchedWarning) as seen:  # only the two rows the history lacks
        res = mt.assess(hist, plan, seed=0).set_index("name")
    assert res.loc["药品抽检合格率", "last_year"] == 2022  # 药品抽检合格率① matched it
    unmatched = [w.message for w in seen if isinstance(w.message, mt.UnmatchedWarning)]
    assert unmatched and all(len(w.history_series) == 0 for w in unmatched)
    # without the note, a * is only a footnote mark: no attribute is guessed
    path.write_text(path.read_text(encoding="utf-8").replace("注：带*的为约束性指标。\n", ""), encoding="utf-8")
    assert set(mt.read_plan(path, region="鼎湖区")["attribute"]) == {"expected"}


@pytest.mark.parametrize("header", [
    "指标名称,单位,2020年基数,2022年完成情况,截至2023年底,2025年目标值（预期）,属性\n",
    "指标名称,单位,2020年现状值,2022年实际完成,2023年（预计）,2025年规划目标值,属性\n",
    "指标名称,单位,“十三五”末,2022年实现值,2023年统计数,“十四五”期末目标,属性\n",
])
def test_mid_term_columns_as_bureaus_word_them(tmp_path, header):
    """完成情况 / 实际完成 / 实现值 / 统计数 / 截至…年底 / （预计） for the years since the baseline, and
    目标值（预期） / 规划目标值 / 期末目标 for the target: these columns were left unread without a word."""
    plan = mt.read_plan(_write(tmp_path, header + ROWS), region="鼎湖区").set_index("name")
    assert plan["baseline_year"].eq(2020).all() and plan["target_year"].eq(2025).all()
    assert plan["observed_2022"].tolist() == [2.42, 99.1, 5.5] and plan["observed_2023"].tolist() == [2.70, 99.2, 5.8]
    assert plan.loc["千人食品检验量", "target"] == 6.0


def test_a_plan_column_of_part_of_a_year_is_said_not_read(tmp_path):
    path = _write(tmp_path, "指标名称,单位,2020年基数,2023年1-9月,2025年目标,属性\n千人食品检验量,批次/千人,5,5.2,6,约束性\n")
    with pytest.warns(mt.UnreadColumnWarning, match=r"'2023年1-9月' \(a part of the year, not the year\)"):
        plan = mt.read_plan(path, region="鼎湖区")
    assert not any(c.startswith("observed_") for c in plan.columns)
