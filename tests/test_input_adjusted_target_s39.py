"""Adjusted targets written as bureaus write them (session 39): a revised target column headed 修订
(``2025年目标（修订）``, ``修订后目标``) is the adjusted target, as 调整后 is -- before, beside 2025年目标 it was
refused as "two target columns for the same year"; a 目标调整情况 cell giving the change, not the new figure
(``上调0.38``, ``下调1个百分点``), moves the first target by it -- before, it was warned and the superseded
target judged. ``上调5%`` (5 % of the target, or 5 points?) is still not guessed.

Every figure here is SYNTHETIC.
"""
from __future__ import annotations

import warnings

import pytest

import mstarget as mt

from bureau_files import read_plan_text


def _read(tmp_path, text):
    return read_plan_text(tmp_path, text)


@pytest.mark.parametrize("header", ["2025年目标（修订）", "修订后目标", "2025年修订目标"])
def test_revised_target_column_is_the_adjusted_target(tmp_path, header):
    plan, said = _read(tmp_path, f"指标名称,单位,2020年基数,2025年目标,{header},指标属性\n"
                       "年报率,%,90.1,95,96,约束性\n高价值发明专利拥有量,件/万人,6.2,12,,预期性\n")
    assert plan["target"].tolist() == [96, 12]
    assert plan["target_original"].tolist() == ["95", "12"]
    assert any(header in m and "95 -> 96" in m for m in said)


def test_history_year_marked_revised_is_still_a_final_figure(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("指标名称,单位,2022年,2023年（修订）\n年报率,%,91.0,92.5\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hist = mt.read_history(path, region="鼎湖区")
    assert hist.sort_values("year")["value"].tolist() == [91.0, 92.5]


def test_adjustment_given_as_a_change_moves_the_first_target(tmp_path):
    plan, said = _read(tmp_path, "指标名称,单位,2020年基数,2025年目标,目标调整情况,指标属性\n"
                       "期末市场主体总量,万户,〔1.89〕,〔3.12〕,上调0.38,预期性\n"
                       "企业标准,项,〔38〕,〔117〕,下调17,预期性\n"
                       "食品抽检合格率,%,97,≥98,下调1个百分点,约束性\n"
                       "年报率,%,90,95,上调5%,约束性\n")
    assert plan["target"].tolist() == [3.50, 100, 97, 95]
    assert plan["kind"].tolist()[:2] == ["cumulative", "cumulative"]
    assert plan["direction"].iloc[2] == ">="
    assert any("〔3.12〕 -> 〔3.50〕" in m and "≥98 -> ≥97" in m for m in said)
    assert any("row 5 (年报率): '上调5%'" in m for m in said)  # 5 % of 95, or 5 points: not guessed


def test_adjustment_words_disagreeing_with_the_adjusted_figures_are_refused(tmp_path):
    from mstarget.exceptions import DataValidationError
    path = tmp_path / "plan.csv"  # before: 〔3.5〕 read, 上调至3.6 beside it taken as its explanation unchecked
    path.write_text("指标名称,单位,2020年基数,2025年目标,2025年调整目标,目标调整情况,指标属性\n"
                    "期末市场主体总量,万户,〔1.89〕,〔3.12〕,〔3.5〕,上调至3.6,预期性\n"
                    "企业标准,项,〔38〕,〔117〕,〔100〕,因口径调整下调,预期性\n"
                    "年报率,%,90,95,96,调整为96,约束性\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    text = str(err.value)
    assert "row 2" in text and "上调至3.6" in text and "〔3.5〕" in text
    assert "row 3" not in text and "row 4" not in text  # words explaining, or the same figure: no complaint


def test_revised_before_and_after_columns(tmp_path):
    # 修订前 was not read as the first target: dropped ("not a year's figure"), and a blank 修订后 cell refused
    plan, said = _read(tmp_path, "指标名称,单位,2020年基数,2025年目标（修订前）,2025年目标（修订后）,指标属性\n"
                       "年报率,%,90.1,95,96,约束性\n高价值发明专利拥有量,件/万人,6.2,12,,预期性\n")
    assert plan["target"].tolist() == [96, 12] and plan["target_original"].tolist() == ["95", "12"]
    assert any("95 -> 96" in m for m in said)


def test_a_revision_status_column_is_read_and_a_change_of_nothing_is_not_warned(tmp_path):
    plan, said = _read(tmp_path, "指标名称,单位,2020年基数,2025年目标,目标修订情况,指标属性\n"
                       "年报率,%,90.1,95,上调1个百分点,约束性\n")
    assert plan["target"].tolist() == [96]  # before: ignored in silence, 95
    plan, said = _read(tmp_path, "指标名称,单位,2020年基数,2025年目标,目标调整情况,指标属性\n"
                       "年报率,%,90.1,95,未调整,约束性\n")
    assert plan["target"].tolist() == [95]
    assert not any("0 个指标的目标因调整而改变" in m for m in said)  # nothing changed: no "0 rows changed"
