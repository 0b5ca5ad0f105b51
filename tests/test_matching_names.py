"""Names a statistics office words its own way: fillers, stock words and synonyms of the trade (tester's s33).

A district's history table names its series as its own office does -- 实有市场主体总量 for the plan's 市场主体总量,
药品抽验合格率 for 药品抽检合格率 (抽验 and 抽检 are one thing), 执业药师人数 for 执业药师数量 -- and these matched
nothing. They are read loosely now (:func:`mstarget.matching.loose_key`), still only where units, populations
and counting notes agree: 执业药师人数 in 人 is no 每万人口执业药师数 in 人/万人口, a series without a unit is not
taken for a per-population row, and 期末 / 实有 (a stock) is not summed as a 〈〉 row's yearly additions.

The plan rows are bureau tables as a district office writes them (类别, 序号, 指标名称, 单位, 2020年基数, 2025年目标,
属性; names from the Dinghu plan, data/dinghu_14th_fyp_plan.csv, and the wordings of ../shared/seeds); the
history tables are wide (one column per year, keyed by 指标名称) with SYNTHETIC values generated here.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.matching import loose_key, match

YEARS = ["2020年", "2021年", "2022年", "2023年"]


def _plan(rows, path):
    """A bureau's plan table written as CSV: (类别, 指标名称, 单位, 2020年基数, 2025年目标), no region column."""
    table = pd.DataFrame([(cat, k, name, unit, base, target, "预期性")
                          for k, (cat, name, unit, base, target) in enumerate(rows, start=1)],
                         columns=["类别", "序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"])
    table.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _history(rows, path, *, units=True):
    """A statistics office's wide table: 指标名称 | 单位 | 2020年 ... 2023年 (SYNTHETIC values); ``units=False``
    leaves the 单位 column out, as many offices do."""
    table = pd.DataFrame([(name, unit, *values) for name, unit, values in rows],
                         columns=["指标名称", "单位", *YEARS])
    if not units:
        table = table.drop(columns="单位")
    table.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _match(plan_rows, history_rows, tmp_path, *, units=True):
    plan = mt.read_plan(_plan(plan_rows, tmp_path / "plan.csv"), region="鼎湖区")
    history = mt.read_history(_history(history_rows, tmp_path / "history.csv", units=units), region="鼎湖区")
    return plan, match(plan, history)


def _assess(plan_rows, history_rows, tmp_path, *, units=True):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        res = mt.assess(_history(history_rows, tmp_path / "history.csv", units=units),
                        _plan(plan_rows, tmp_path / "plan.csv"), region="鼎湖区", as_of=2023, seed=0, n_paths=200)
    unmatched = [r.message for r in record if isinstance(r.message, mt.UnmatchedWarning)]
    return res.set_index("name"), (unmatched[0] if unmatched else None)


ENTITIES = (1.89, 2.15, 2.42, 2.70)  # 万户, SYNTHETIC
PASS_RATE = (98.0, 98.6, 99.1, 99.2)  # %, SYNTHETIC
HEADS = (75, 77, 78, 80)  # 人, SYNTHETIC head counts
PER_10K = (4.4, 4.5, 4.5, 4.6)  # 人/万人口, SYNTHETIC


@pytest.mark.parametrize("plan_name, plan_unit, base, target, name, unit, values", [
    ("市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "实有市场主体总量", "万户", ENTITIES),
    ("实有市场主体数量", "万户", "〔1.89〕", "〔3.12〕", "实有市场主体总量", "万户", ENTITIES),
    ("期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "实有市场主体总量", "万户", ENTITIES),
    ("期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "全区实有经营主体数量", "万户", ENTITIES),
    ("药品抽检合格率", "%", "98", "≥99", "药品抽验合格率", "%", PASS_RATE),
    ("药品抽检合格率", "%", "98", "≥99", "药品抽样检验合格率", "%", PASS_RATE),
    ("执业药师数量", "人", "75", "≥90", "执业药师人数", "人", HEADS),
    ("每万人口执业药师数", "人/万人口", "4.4", "≥4.6", "每万人口执业药师人数", "人/万人口", PER_10K)])
def test_a_series_worded_by_another_office_is_matched_and_assessed(tmp_path, plan_name, plan_unit, base, target,
                                                                  name, unit, values):
    """Each matched nothing: the plan row was assessed from its baseline alone (no_data) and the series was
    reported unmatched. Now the row takes the series, its last value is the series', and the note says the
    names were read loosely."""
    plan_rows = [("一、市场主体", plan_name, plan_unit, base, target)]
    res, unmatched = _assess(plan_rows, [(name, unit, values)], tmp_path)
    row = res.loc[plan_name]
    assert unmatched is None
    assert row["last_year"] == 2023 and row["last_value"] == pytest.approx(values[-1])
    assert row["note"].startswith(f"history '{name}' matched by its name read loosely")


def test_each_of_a_districts_series_finds_its_row_among_the_whole_plan(tmp_path):
    """The Dinghu plan's own rows (with a 类别 column) against a history worded otherwise: the three reworded
    series each take their row; the head count of pharmacists does not take the per-10,000 row."""
    plan_rows = [("一、市场主体", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕"),
                 ("一、市场主体", "全区每千人拥有企业户", "户/千人", "〔16.22〕", "〔25.64〕"),
                 ("四、安全监管", "药品抽检合格率", "%", "98", "≥99"),
                 ("四、安全监管", "每万人口执业药师数", "人/万人口", "4.4", "≥4.6")]
    history_rows = [("实有市场主体总量", "万户", ENTITIES), ("药品抽验合格率", "%", PASS_RATE),
                    ("执业药师人数", "人", HEADS), ("每万人口执业药师数量", "人/万人口", PER_10K)]
    plan, m = _match(plan_rows, history_rows, tmp_path)
    by_name = dict(zip(plan["indicator"], plan["name"]))
    assert {by_name[i]: s for (_, i), s in m.near.items()} == {
        "期末市场主体总量": "实有市场主体总量", "药品抽检合格率": "药品抽验合格率",
        "每万人口执业药师数": "每万人口执业药师数量"}
    assert m.unmatched_history["name"].tolist() == ["执业药师人数"]
    assert m.unmatched_plan["name"].tolist() == ["全区每千人拥有企业户"]


@pytest.mark.parametrize("plan_name", ["每万人口执业药师数", "执业药师数"])
def test_a_head_count_is_not_the_per_10000_row(tmp_path, plan_name):
    """执业药师人数 (人: 75-80) against the plan's row in 人/万人口 (≥4.6): read loosely the names agree, the
    populations do not; the row is not assessed from 80 against 4.6, and both lists say why (on the old code
    the two names did not even read alike: the suggestion was a bare "did you mean")."""
    plan_rows = [("四、安全监管", plan_name, "人/万人口", "4.4", "≥4.6")]
    res, unmatched = _assess(plan_rows, [("执业药师人数", "人", HEADS)], tmp_path)
    row = res.loc[plan_name]  # assessed from the plan's baseline alone, as any row without history
    assert row["last_year"] == 2020 and row["last_value"] == 4.4 and row["category"] == "insufficient_data"
    assert row["note"].startswith("no history matched")
    said = unmatched.history_series.set_index("name").loc["执业药师人数", "suggestion"]
    assert "a plain figure, not per population (unit 人)" in said and "per 万人 (unit 人/万人口)" in said
    assert "计量单位口径不同" in said
    assert "执业药师人数 not matched" in unmatched.plan_rows.set_index("name").loc[plan_name, "suggestion"]


@pytest.mark.parametrize("plan_name", ["执业药师数", "每万人口执业药师数"])
def test_a_series_without_a_unit_is_not_taken_for_a_per_population_row(tmp_path, plan_name):
    """Tester's s33: 执业药师 in a table without a 单位 column (75-80: head counts) was matched to 执业药师数 in
    人/万人口 and assessed as 80 against ≥4.6 (met). A series whose unit and name say nothing of a population
    is not taken for a row counted per 万人: unmatched, the suggestion saying the series has no unit and which
    unit to give; given that unit it is matched."""
    plan_rows = [("四、安全监管", plan_name, "人/万人口", "4.4", "≥4.6")]
    res, unmatched = _assess(plan_rows, [("执业药师", "", HEADS)], tmp_path, units=False)
    row = res.loc[plan_name]  # assessed from the plan's baseline alone, not from 80 against ≥4.6
    assert row["last_year"] == 2020 and row["last_value"] == 4.4 and row["category"] == "insufficient_data"
    assert row["note"].startswith("no history matched")
    said = unmatched.history_series.set_index("name").loc["执业药师", "suggestion"]
    assert said.startswith(f"not {plan_name}") and "per 万人 (unit 人/万人口)" in said
    assert "no unit" in said and "请在“单位”列填写 人/万人口" in said
    assert "history series 执业药师 not matched" in unmatched.plan_rows.set_index("name").loc[plan_name, "suggestion"]

    res, unmatched = _assess(plan_rows, [("执业药师", "人/万人口", PER_10K)], tmp_path)
    assert unmatched is None and res.loc[plan_name, "last_value"] == pytest.approx(4.6)


def test_a_series_per_population_by_its_unit_is_not_taken_for_a_row_without_one(tmp_path):
    """The other way round: the plan row gives no unit, the series counts per 万人 by its unit alone."""
    plan, m = _match([("四、安全监管", "执业药师数", "", "75", "≥90")],
                     [("执业药师数量", "人/万人口", PER_10K)], tmp_path)
    assert not m.pairs
    said = m.unmatched_history["suggestion"].iloc[0]
    assert "per 万人 (unit 人/万人口)" in said and "has no unit to say so" in said


@pytest.mark.parametrize("name", ["期末高新技术企业数", "实有高新技术企业数量", "全区年末高新技术企业数"])
def test_a_stock_is_not_summed_as_the_yearly_additions_of_a_五年_row(tmp_path, name):
    """A 〈〉 row adds up each year's additions; 期末 / 实有 say the series is the stock held at the year's end.
    期末高新技术企业数 (120-160, SYNTHETIC) was matched to 高新技术企业 〈50〉 and summed as yearly additions;
    kept apart now, saying why, as （期末） in brackets is; each year's additions still match."""
    plan_rows = [("三、质量和标准", "高新技术企业", "家", "〈0〉", "〈50〉")]
    plan, m = _match(plan_rows, [(name, "家", (120, 131, 146, 160))], tmp_path)
    assert not m.pairs
    said = m.unmatched_history["suggestion"].iloc[0]
    assert "a stock at the period's end" in said and "〈50〉 adds up each year's additions" in said
    plan, m = _match(plan_rows, [("高新技术企业（当年新增）", "家", (9, 11, 15, 14))], tmp_path)
    assert list(m.near.values()) == ["高新技术企业（当年新增）"]


def test_loose_names_read_past_fillers_and_synonyms_only():
    """What a loose reading equates, and what it keeps apart (人次 is visits, not people; 抽查 is not 抽检)."""
    assert loose_key("实有市场主体数量") == loose_key("期末市场主体总量") == loose_key("市场主体总量") == "市场主体"
    assert loose_key("执业药师人数") == loose_key("执业药师数量") == loose_key("每万人口执业药师数") == "执业药师"
    assert loose_key("药品抽验合格率") == loose_key("药品抽检合格率")
    assert loose_key("接待人次数") != loose_key("接待人数")
    assert loose_key("工业产品质量监督抽查合格率") != loose_key("工业产品质量监督抽检合格率")
    assert loose_key("药师数") != loose_key("执业药师人数")


def test_a_plan_total_column_is_assessed_from_the_historys_total_row_written_otherwise():
    # a city's plan by region has a 合计 column; its history writes the total row 全市 for one indicator
    # (and 合计 for another): the plan's total row was 数据不足 while 全市 was set aside as "the table's total"
    import warnings

    import mstarget as mt

    regions = ["端州区", "鼎湖区", "合计"]
    plan = pd.DataFrame({"region": regions, "indicator": "明厨亮灶覆盖率", "name": "明厨亮灶覆盖率", "unit": "%",
                         "baseline_year": 2020, "baseline": [80.0, 78.0, 79.0], "target_year": 2025,
                         "target": ["≥95", "≥90", "≥92"]})
    hist = pd.DataFrame({"region": [r for r in ["端州区", "鼎湖区", "全市"] for _ in range(3)],
                         "indicator": "明厨亮灶覆盖率", "unit": "%", "year": [2021, 2022, 2023] * 3,
                         "value": [85.0, 88, 92, 82, 85, 88, 83.5, 86.5, 90]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = mt.assess(hist, plan, seed=0).set_index("region")
    assert table.loc["合计", "last_value"] == 90.0 and table.loc["合计", "status"] != "no_data"
    assert table.loc["鼎湖区", "last_value"] == 88.0


@pytest.mark.parametrize("name, values", [("鼎湖区期末市场主体总量", ENTITIES), ("鼎湖區藥品抽檢合格率", PASS_RATE),
                                          ("鼎湖区 每万人口执业药师数", PER_10K),
                                          ("鼎湖区全区期末市场主体总量", ENTITIES)])  # both (session 53)
def test_a_series_named_with_its_own_districts_name_is_matched(tmp_path, name, values):
    """A bulletin's table names each figure with its district (鼎湖区期末市场主体总量 for the 鼎湖区 row), as
    全区 names the district's own figure: it matched nothing before ("did you mean 期末市场主体总量?"); now it takes
    its row, read loosely and said so. Traditional characters and a space after the name are read the same."""
    plan_rows = [("一、市场主体", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕"),
                 ("四、安全监管", "药品抽检合格率", "%", "98", "≥99"),
                 ("四、安全监管", "每万人口执业药师数", "人/万人口", "4.4", "≥4.6")]
    unit = {ENTITIES: "万户", PASS_RATE: "%", PER_10K: "人/万人口"}[values]
    res, unmatched = _assess(plan_rows, [(name, unit, values)], tmp_path)
    assert unmatched is None or name not in str(unmatched)
    row = res[(res["last_value"] - values[-1]).abs() < 1e-9]
    assert len(row) == 1 and row.iloc[0]["note"].startswith(f"history '{name}' matched by its name read loosely")


def test_a_series_named_with_another_regions_name_is_not_taken_for_the_districts_own(tmp_path):
    """肇庆市期末市场主体总量 is the city's figure, not the district's: it stays unmatched (with the suggestion),
    and 鼎湖区's row is not assessed from it."""
    plan_rows = [("一、市场主体", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕")]
    res, unmatched = _assess(plan_rows, [("肇庆市期末市场主体总量", "万户", (30.1, 32.2, 34.0, 35.9))], tmp_path)
    assert unmatched is not None and "肇庆市期末市场主体总量" in str(unmatched)
    assert res.loc["期末市场主体总量", "last_value"] != pytest.approx(35.9)
