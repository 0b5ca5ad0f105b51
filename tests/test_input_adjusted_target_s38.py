"""A plan's adjusted target column (调整后目标, 2025年调整目标, 调整后2025年目标, 2025年目标（中期调整）) is its target
(session 38: prober /tmp/s38/p3 p3_a*.csv, fixer /tmp/s38/q1). Before, beside 2025年目标 it was ignored (or said
"not a year's figure") and the run used the superseded target; alone it was refused as "missing column(s)".
A 中期调整 is the government's official revision: the adjusted figure wins, the first target is kept as
``target_original``, the rows it changes get a ``target_note`` and one warning names them.

Every figure here is SYNTHETIC.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError
from report_helpers import read_written

ROWS = [("期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "〔3.50〕"),
        ("企业标准", "项", "〔38〕", "〔117〕", "")]


def _plan(tmp_path, header, *, both=True):
    lines = [",".join(["指标名称", "单位", "2020年基数"] + (["2025年目标"] if both else []) + [header, "指标属性"])]
    for name, unit, base, first, adjusted in ROWS:
        lines.append(",".join([name, unit, base] + ([first] if both else []) + [adjusted or (first if not both else ""),
                                                                               "预期性"]))
    path = tmp_path / "plan.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = mt.read_plan(path, region="鼎湖区")
    return plan, [str(w.message) for w in caught]


@pytest.mark.parametrize("header", ["2025年调整目标", "调整后2025年目标", "2025年目标（中期调整）", "调整后目标"])
def test_adjusted_target_wins_over_the_first_one(tmp_path, header):
    plan, said = _plan(tmp_path, header)
    assert plan["target"].tolist() == [3.50, 117]  # a blank adjusted cell keeps the first target
    assert plan["target_year"].tolist() == [2025, 2025]
    assert plan["target_original"].tolist() == ["〔3.12〕", "〔117〕"]
    assert "原目标" in plan["target_note"].iloc[0] and plan["target_note"].iloc[1] == ""
    assert any(header in m and "target_original" in m and "〔3.12〕 -> 〔3.50〕" in m for m in said)


@pytest.mark.parametrize("header", ["2025年调整目标", "2025年目标（调整后）"])
def test_adjusted_target_alone_is_the_target(tmp_path, header):
    plan, _ = _plan(tmp_path, header, both=False)
    assert plan["target"].tolist() == [3.50, 117]
    assert plan["target_year"].tolist() == [2025, 2025]


def test_assess_judges_on_the_adjusted_target_and_carries_the_note(tmp_path):
    plan, _ = _plan(tmp_path, "2025年调整目标")
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "期末市场主体总量", "unit": "万户",
                         "year": [2021, 2022, 2023, 2024, 2025], "value": [2.1, 2.35, 2.6, 2.85, 3.2]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = mt.assess(hist, plan, seed=0)
    row = out[out["name"] == "期末市场主体总量"].iloc[0]
    assert row["target"] == 3.50 and row["status"] != "met"  # 3.2 meets the first 3.12, not the adjusted 3.50
    assert row["target_original"] == "〔3.12〕"


@pytest.mark.parametrize("header, targets, said", [
    ("调整后目标", "2023年目标,2025年目标", "write its year"),          # which year's target it adjusts: unclear
    ("2025年调整目标,2025年目标（中期调整）", "2025年目标", "keep one"),  # two adjustments of one target
])
def test_unclear_adjustment_is_refused_not_guessed(tmp_path, header, targets, said):
    heads = ["指标名称", "单位", "2020年基数", *targets.split(","), *header.split(","), "指标属性"]
    cells = ["期末市场主体总量", "万户", "〔1.89〕"] + ["〔3.12〕"] * (len(heads) - 4) + ["预期性"]
    path = tmp_path / "plan.csv"
    path.write_text(",".join(heads) + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert said in str(err.value)


# --- session 38 fixer q2 (prober /tmp/s38/p7 plannotes.py): "不调整" is no target, another year's adjustment is
# not put on the 2025 rows, a 2023 adjustment beside a 2025 target only is refused, 调整前 is the first target.

def _read_plan(tmp_path, text):
    return read_written(tmp_path, text, mt.read_plan, "plan.csv")


@pytest.mark.parametrize("word", ["不调整", "未调整", "不变", "维持原目标", "同原目标"])
def test_no_adjustment_in_words_keeps_the_first_target(tmp_path, word):
    plan, said = _read_plan(tmp_path, "指标名称,单位,2020年基数,2025年目标,调整后目标,指标属性\n"
                            "期末市场主体总量,万户,〔1.89〕,〔3.12〕,〔3.50〕,预期性\n"
                            f"企业标准,项,〔38〕,〔117〕,{word},预期性\n")
    assert plan["target"].tolist() == [3.50, 117]
    assert "qualitative" not in plan.columns or not plan["qualitative"].fillna(False).astype(bool).any()
    assert plan["target_note"].iloc[1] == ""
    assert any("1 个指标的目标因调整而改变" in m for m in said)
    assert not any("定性指标" in m for m in said)


def test_same_figure_without_notation_is_no_change(tmp_path):
    plan, said = _read_plan(tmp_path, "指标名称,单位,2020年基数,2025年目标,调整后目标,指标属性\n"
                            "期末市场主体总量,万户,〔1.89〕,〔3.12〕,〔3.50〕,预期性\n"
                            "企业标准,项,〔38〕,〔117〕,117,预期性\n")
    assert plan["target"].tolist() == [3.50, 117]
    assert any("1 个指标的目标因调整而改变" in m for m in said)


def test_another_years_adjustment_stays_on_its_own_rows(tmp_path):
    plan, said = _read_plan(tmp_path, "指标名称,单位,2020年基数,2023年目标,2023年调整目标,2025年目标,指标属性\n"
                            "期末市场主体总量,万户,〔1.89〕,〔2.5〕,〔2.7〕,〔3.12〕,预期性\n"
                            "企业标准,项,〔38〕,〔80〕,,〔117〕,预期性\n")
    rows = plan.set_index(["name", "target_year"])
    assert rows.loc[("期末市场主体总量", 2023), "target"] == 2.7
    assert rows.loc[("期末市场主体总量", 2023), "target_original"] == "〔2.5〕"
    assert rows.loc[("期末市场主体总量", 2025), "target_original"] == "〔3.12〕"
    assert rows.loc[("期末市场主体总量", 2025), "target_note"] == ""
    assert rows.loc[("企业标准", 2025), "target_original"] == "〔117〕"
    assert (plan["target_note"] != "").sum() == 1
    assert any("1 个指标的目标因调整而改变" in m for m in said)


def test_adjustment_of_another_year_than_the_target_is_refused(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("指标名称,单位,2020年基数,2025年目标,2023年调整后目标,指标属性\n"
                    "期末市场主体总量,万户,〔1.89〕,〔3.12〕,〔3.50〕,预期性\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert "2023年调整后目标" in str(err.value) and "which target it adjusts" in str(err.value)


def test_before_and_after_adjustment_columns(tmp_path):
    plan, said = _read_plan(tmp_path, "指标名称,单位,2020年基数,2025年目标（调整前）,2025年目标（调整后）,指标属性\n"
                            "期末市场主体总量,万户,〔1.89〕,〔3.12〕,〔3.50〕,预期性\n"
                            "企业标准,项,〔38〕,〔117〕,〔117〕,预期性\n")
    assert plan["target"].tolist() == [3.50, 117]
    assert plan["target_original"].tolist() == ["〔3.12〕", "〔117〕"]
    assert not any("未读取的列" in m and "调整前" in m for m in said)


# --- session 38 fixer q3: a column saying the adjustment in words (目标调整情况: 上调至3.5 / 下调为〔100〕 / 调整为≥95 /
# 未调整), and a bare adjusted figure beside a target in notation (3.50 beside 〔3.12〕 is 〔3.50〕, not refused).

STATUS_PLAN = ("指标名称,单位,2020年基数,2025年目标,{head},指标属性\n"
               "期末市场主体总量,万户,〔1.89〕,〔3.12〕,上调至3.5,预期性\n"
               "企业标准,项,〔38〕,〔117〕,由117下调为〔100〕,预期性\n"
               "食品抽检合格率,%,97,≥98,调整为≥95,约束性\n"
               "专利授权量,件,10,20,未调整,预期性\n"
               "商标注册量,件,10,20,,预期性\n")


@pytest.mark.parametrize("head", ["目标调整情况", "调整情况", "中期调整情况", "2025年目标调整情况"])
def test_adjustment_in_words_gives_the_target(tmp_path, head):
    plan, said = _read_plan(tmp_path, STATUS_PLAN.format(head=head))
    assert plan["target"].tolist() == [3.5, 100, 95, 20, 20]  # before: 3.12, 117, 98 (the superseded targets)
    assert plan["kind"].tolist()[:2] == ["cumulative", "cumulative"]  # 上调至3.5 beside 〔3.12〕: 〔3.5〕
    assert plan["target_original"].tolist() == ["〔3.12〕", "〔117〕", "≥98", "20", "20"]
    assert plan["target_note"].iloc[0].startswith(f"目标按'{head}'") and plan["target_note"].iloc[3] == ""
    assert any("3 个指标的目标因调整而改变" in m and "≥98 -> ≥95" in m for m in said)


def test_adjustment_in_words_without_a_figure_is_said_not_guessed(tmp_path):
    plan, said = _read_plan(tmp_path, STATUS_PLAN.format(head="目标调整情况") + "品牌指导站,个,3,5,拟调整,预期性\n")
    assert plan["target"].tolist()[-1] == 5 and plan["target_note"].iloc[-1] == ""
    assert any("row 7 (品牌指导站): '拟调整'" in m and "按原目标评估" in m for m in said)


def test_adjustment_in_words_with_no_target_beside_it_is_refused(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("指标名称,单位,2020年基数,目标调整情况,指标属性\n期末市场主体总量,万户,〔1.89〕,上调至3.5,预期性\n",
                    encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert "目标调整情况" in str(err.value) and "no target column" in str(err.value)


def test_bare_adjusted_figure_takes_the_rows_notation(tmp_path):
    plan, said = _read_plan(tmp_path, "指标名称,单位,2020年基数,2025年目标,调整后目标,指标属性\n"
                            "期末市场主体总量,万户,〔1.89〕,〔3.12〕,3.50,预期性\n"
                            "新增企业,万户,〈0〉,〈5〉,6,预期性\n"
                            "食品抽检合格率,%,97,≥98,95,约束性\n")
    assert plan["target"].tolist() == [3.50, 6, 95]  # before: refused ("the baseline reads as cumulative")
    assert plan["kind"].tolist()[:2] == ["cumulative", "increment"]
    assert plan["target_original"].tolist() == ["〔3.12〕", "〈5〉", "≥98"]
    assert any("〔3.12〕 -> 〔3.50〕" in m and "〈5〉 -> 〈6〉" in m for m in said)


def test_adjusted_column_with_and_without_its_year_is_refused_not_a_crash(tmp_path):
    path = tmp_path / "plan.csv"  # before: a bare KeyError '2025年目标'
    path.write_text("指标名称,单位,2020年基数,2025年目标,2025年调整目标,调整后目标,指标属性\n"
                    "期末市场主体总量,万户,〔1.89〕,〔3.12〕,〔3.5〕,〔3.5〕,预期性\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert "keep one" in str(err.value) and "调整后目标" in str(err.value)


def test_adjustment_words_beside_adjusted_figures_explain_them(tmp_path):
    plan, said = _read_plan(tmp_path, "指标名称,单位,2020年基数,2025年目标,2025年调整目标,目标调整情况,指标属性\n"
                            "期末市场主体总量,万户,〔1.89〕,〔3.12〕,〔3.5〕,因口径调整上调,预期性\n")
    assert plan["target"].tolist() == [3.5] and plan["target_original"].tolist() == ["〔3.12〕"]
    assert not any("gives no adjusted target" in m for m in said)


def test_bare_adjusted_number_in_a_dataframe_takes_the_rows_notation():
    frame = pd.DataFrame({"指标名称": ["期末市场主体总量", "食品抽检合格率"], "单位": ["万户", "%"],
                          "2020年基数": ["〔1.89〕", 97], "2025年目标": ["〔3.12〕", "≥98"], "调整后目标": [3.5, 95],
                          "指标属性": ["预期性", "约束性"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(frame, region="鼎湖区")  # before: refused, "the baseline reads as cumulative"
    assert plan["target"].tolist() == [3.5, 95] and plan["kind"].tolist() == ["cumulative", "level"]
