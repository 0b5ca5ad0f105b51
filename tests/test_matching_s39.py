"""Session 39 (prober P7): wrong and missed matches between a history and a plan. All figures SYNTHETIC.

A history series used for another plan row is the worst defect this product can have: an exact name whose
unit counts per another population, an id whose two names disagree, a bracketed note narrowing the scope,
全市 before a district's indicator. Hints ("did you mean") obey the same checks; obvious variants match.
"""
import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.matching import match

REGION = "示例区"  # synthetic region


def _plan(rows, region=REGION):
    """rows: (id or None, name, unit, baseline, target) -- a 十五五 plan (2025 baseline, 2030 target)."""
    recs = []
    for i, n, u, b, t in rows:
        rec = {"地区": region}
        if i is not None:
            rec["指标代码"] = i
        rec.update({"指标名称": n, "单位": u, "2025年基数": b, "2030年目标": t, "属性": "预期性"})
        recs.append(rec)
    return mt.read_plan(pd.DataFrame(recs))


def _history(series, region=REGION):
    """series: (name, unit, values ending 2025[, id])."""
    recs = []
    for s in series:
        name, unit, vals = s[:3]
        for y, v in zip(range(2026 - len(vals), 2026), vals):
            rec = {"地区": region}
            if len(s) > 3:
                rec["指标代码"] = s[3]
            rec.update({"指标名称": name, "年份": y, "数值": v, "单位": unit})
            recs.append(rec)
    return mt.read_history(pd.DataFrame(recs))


def _match(plan, history):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return match(plan, history)


def _used(m, plan):
    """plan name -> the history series name used for it."""
    names = dict(zip(plan["indicator"], plan["name"]))
    hist = m.history
    return {names[ind]: m.near.get((r, ind), ind) if (r, ind) in m.near else
            hist.loc[(hist["region"] == r) & (hist["indicator"] == ind), "name"].iloc[0]
            for (r, ind) in m.pairs}


PATENTS_TOTAL = ("高价值发明专利拥有量", "件", [26, 32, 37, 45, 52, 60])
PATENTS_PER_10K = ("每万人口高价值发明专利拥有量", "件/万人", [0.7, 0.85, 1.0, 1.2, 1.4, 1.6])


def test_an_exact_name_in_a_plain_count_is_not_the_plans_per_10k_row():
    """P7 w1_14th: the plan writes 高价值发明专利拥有量 in 件/万人 (〔1.8〕); the 件 total of the same name was used
    (已实现 5391 % 已完成) and the per-10,000 series left unmatched. The per-10,000 series is used now."""
    plan = mt.read_plan(pd.DataFrame({"地区": [REGION], "指标名称": ["高价值发明专利拥有量"], "单位": ["件/万人"],
                                      "2020年基数": ["〔0.7〕"], "2025年目标": ["〔1.8〕"], "属性": ["预期性"]}))
    hist = _history([PATENTS_TOTAL, PATENTS_PER_10K])
    m = _match(plan, hist)
    assert _used(m, plan) == {"高价值发明专利拥有量": "每万人口高价值发明专利拥有量"}
    said = m.unmatched_history.set_index("name").loc["高价值发明专利拥有量", "suggestion"]
    assert "a plain figure, not per population (unit 件)" in said and "per 万人 (unit 件/万人)" in said
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(hist, plan, seed=0, n_paths=200)
    row = res.iloc[0]
    assert row["last_value"] == 1.6 and row["status"] != "met"  # 1.6 < 〔1.8〕: not 已完成


def test_a_per_10k_series_named_as_the_plans_total_row_goes_to_the_per_10k_row():
    """P7 pat_perk_to_total_row: 高价值发明专利拥有量（件/万人） fed the plan's 件 total row."""
    plan = _plan([("hvp", "每万人口高价值发明专利拥有量", "件/万人", "〔1.6〕", "〔3.5〕"),
                  ("hvp_tot", "高价值发明专利拥有量", "件", "〔60〕", "〔130〕")])
    m = _match(plan, _history([("高价值发明专利拥有量（件/万人）", "", PATENTS_PER_10K[2])]))
    assert list(m.pairs) == [(REGION, "hvp")]
    said = m.unmatched_plan.set_index("indicator").loc["hvp_tot", "suggestion"]
    assert "not matched by its name" in said and "per 万人" in said


@pytest.mark.parametrize("plan_rows, series, ids", [
    # ids swapped between the tables: each row was assessed on the other's series
    ([("food_pass", "食品抽检合格率", "%", "98.5", "≥98.8"), ("drug_pass", "药品抽检合格率", "%", "99", "≥99.2")],
     [("食品抽检合格率", "%", [97.9, 98.2, 98.5], "drug_pass"), ("药品抽检合格率", "%", [98.6, 98.8, 99.0], "food_pass")],
     ["food_pass", "drug_pass"]),
    ([("1", "食品抽检合格率", "%", "98.5", "≥98.8"), ("2", "药品抽检合格率", "%", "99", "≥99.2")],
     [("药品抽检合格率", "%", [98.6, 98.8, 99.0], "1"), ("食品抽检合格率", "%", [97.9, 98.2, 98.5], "2")], ["1", "2"]),
    # the same id for the opposite quantity
    ([("food_pass", "食品抽检合格率", "%", "98.5", "≥98.8")], [("食品抽检不合格率", "%", [2.1, 1.8, 1.5], "food_pass")],
     ["food_pass"])])
def test_an_id_whose_two_names_disagree_matches_nothing(plan_rows, series, ids):
    m = _match(_plan(plan_rows), _history(series))
    assert not m.pairs
    said = dict(zip(m.unmatched_plan["indicator"], m.unmatched_plan["suggestion"]))
    for ind in ids:
        assert f"its id {ind} is the plan's" in said[ind] and "名称不一致，未匹配" in said[ind]
    assert all("not matched by the id" in s for s in m.unmatched_history["suggestion"])


def test_english_ids_with_equal_names_still_match():
    plan = _plan([("food_pass", "食品抽检合格率", "%", "98.5", "≥98.8")])
    m = _match(plan, _history([("食品抽检合格率（%）", "%", [97.9, 98.2, 98.5], "food_pass")]))
    assert list(m.pairs) == [(REGION, "food_pass")]


@pytest.mark.parametrize("plan_rows, series_name, note", [
    ([("food", "食品抽检合格率", "%", "98.5", "≥98.8"), ("food_eval", "食品评价性抽检合格率", "%", "97.5", "≥98")],
     "食品抽检合格率（评价性抽检）", "（评价性抽检）"),
    ([("food", "食品抽检合格率", "%", "98.5", "≥98.8")], "食品抽检合格率（不含农产品）", "（不含农产品）"),
    ([("me", "市场主体总量", "万户", "〔3.0〕", "〔3.6〕")], "市场主体总量（不含个体工商户）", "（不含个体工商户）"),
    ([("ar", "企业年报率", "%", "92", "≥95")], "企业年报率（含个体工商户）", "（含个体工商户）"),
    ([("dr", "药品抽检合格率", "%", "99", "≥99.2")], "药品抽检合格率（不合格率）", "（不合格率）")])
def test_a_note_narrowing_the_scope_is_not_read_past(plan_rows, series_name, note):
    """P7: loose_key dropped every bracketed note: 食品抽检合格率（评价性抽检） fed the general row even with a
    食品评价性抽检合格率 row in the plan."""
    unit = plan_rows[0][2]
    m = _match(_plan(plan_rows), _history([(series_name, unit, [96.5, 97.0, 97.5])]))
    assert not m.pairs
    said = m.unmatched_history["suggestion"].iloc[0]
    assert note in said and "未匹配" in said and "did you mean" not in said


def test_notes_saying_how_a_figure_is_counted_or_its_unit_are_still_read_past():
    plan = _plan([("food", "食品抽检合格率", "%", "98.5", "≥98.8")])
    for name in ("食品抽检合格率（单位：%）", "食品抽检合格率（约束性）", "食品抽检合格率（2025年）"):
        assert list(_match(plan, _history([(name, "%", [97.9, 98.2, 98.5])])).pairs) == [(REGION, "food")], name


@pytest.mark.parametrize("prefix", ["全市", "全省"])
def test_a_parent_levels_prefix_is_another_region(prefix):
    """P7 city_prefix: a district plan matched 全市食品抽检合格率 (the city's figure) as its own."""
    plan = _plan([("food", "食品抽检合格率", "%", "98.5", "≥98.8")])
    m = _match(plan, _history([(prefix + "食品抽检合格率", "%", [96.2, 96.5, 97.0])]))
    assert not m.pairs
    assert f"名称冠以“{prefix}”" in m.unmatched_plan["suggestion"].iloc[0]


def test_the_own_levels_prefix_is_read_past_and_wins_over_the_citys():
    plan = _plan([("food", "食品抽检合格率", "%", "98.5", "≥98.8")])
    m = _match(plan, _history([("全市食品抽检合格率", "%", [96.2, 96.5, 97.0]),
                               ("本区食品抽检合格率", "%", [97.9, 98.2, 98.5])]))
    assert m.near == {(REGION, "food"): "本区食品抽检合格率"}
    city = _plan([("food", "食品抽检合格率", "%", "98.5", "≥98.8")], region="示例市")
    m = _match(city, _history([("全市食品抽检合格率", "%", [96.2, 96.5, 97.0])], region="示例市"))
    assert list(m.pairs) == [("示例市", "food")]


@pytest.mark.parametrize("series_name, unit, plan_name, plan_unit", [
    ("新登记市场主体", "万户", "市场主体总量", "万户"), ("新设市场主体", "万户", "市场主体总量", "万户"),
    ("市场主体净增量", "万户", "市场主体总量", "万户"), ("市场主体总量增长率", "%", "市场主体总量", "万户"),
    ("每万人口发明专利拥有量", "件/万人", "每万人口高价值发明专利拥有量", "件/万人"),
    ("有效发明专利拥有量", "件", "每万人口高价值发明专利拥有量", "件/万人"),
    ("食品抽检批次", "批次", "食品抽检合格率", "%"), ("食品抽检合格率同比", "%", "食品抽检合格率", "%"),
    ("企业未年报率", "%", "企业年报率", "%"), ("食品抽检问题发现率", "%", "食品抽检合格率", "%"),
    ("化妆品抽检合格率", "%", "药品抽检合格率", "%"), ("医疗器械抽检合格率", "%", "药品抽检合格率", "%"),
    ("中药饮片抽检合格率", "%", "药品抽检合格率", "%"), ("全市药品抽检合格率", "%", "食品评价性抽检合格率", "%"),
    ("外资企业年报率", "%", "企业年报率", "%")])
def test_no_hint_names_another_indicator(series_name, unit, plan_name, plan_unit):
    """P7: "did you mean" came from difflib alone: 新登记市场主体 -> 市场主体总量, 化妆品 -> 药品抽检合格率 ..."""
    plan = _plan([("x", plan_name, plan_unit, "90", "≥95")])
    m = _match(plan, _history([(series_name, unit, [90.0, 91.0, 92.0])]))
    assert not m.pairs
    assert "did you mean" not in m.unmatched_history["suggestion"].iloc[0]
    assert "closest unmatched" not in m.unmatched_plan["suggestion"].iloc[0]


@pytest.mark.parametrize("series_name, plan_name", [
    ("食品安全抽检合格率", "食品抽检合格率"), ("企业年报公示率", "企业年报率"), ("企业年度报告公示率", "企业年报率"),
    ("个体户年报率", "个体工商户年报率"), ("食品抽检合格率%", "食品抽检合格率"), ("食品抽检合格率 %", "食品抽检合格率"),
    ("食品抽检合格率/%", "食品抽检合格率"), ("食品抽检合格率[%]", "食品抽检合格率"), ("食品抽检合格率【%】", "食品抽检合格率"),
    ("食品抽检合格率，%", "食品抽检合格率"), ("【食品抽检合格率】", "食品抽检合格率"), ("★食品抽检合格率", "食品抽检合格率"),
    ("食品抽检合格率▲", "食品抽检合格率"), ("食品抽检\u200b合格率", "食品抽检合格率")])
def test_obvious_variants_match(series_name, plan_name):
    plan = _plan([("x", plan_name, "%", "95", "≥96")])
    m = _match(plan, _history([(series_name, "%", [94.0, 94.5, 95.0])]))
    assert list(m.pairs) == [(REGION, "x")] and m.unmatched_history.empty


def test_a_count_word_read_once_more_matches_the_individual_businesses_row():
    plan = _plan([("gt", "个体工商户", "万户", "〔2.0〕", "〔2.4〕"), ("me", "市场主体总量", "万户", "〔3.0〕", "〔3.6〕")])
    m = _match(plan, _history([("实有个体工商户户数", "万户", [1.8, 1.9, 2.0]), ("实有市场主体", "万户", [2.8, 2.9, 3.0])]))
    assert sorted(ind for _, ind in m.pairs) == ["gt", "me"]
    assert m.near[(REGION, "gt")] == "实有个体工商户户数"


def test_two_series_differing_only_by_a_per_population_unit_are_two_series():
    """P7 pat_two_rows_unit_in_paren: 高价值发明专利拥有量（件/万人） and 高价值发明专利拥有量（件） were merged and
    refused ("one value per region/indicator/year ... remove one of them"): they are two indicators."""
    hist = _history([("高价值发明专利拥有量（件/万人）", "", [1.0, 1.2, 1.4, 1.6]),
                     ("高价值发明专利拥有量（件）", "", [37, 45, 52, 60])])
    assert hist.groupby("indicator")["unit"].first().to_dict() == {
        "高价值发明专利拥有量(件)": "件", "高价值发明专利拥有量(件/万人)": "件/万人"}
    plan = _plan([("hvp", "每万人口高价值发明专利拥有量", "件/万人", "〔1.6〕", "〔3.5〕"),
                  ("hvp_tot", "高价值发明专利拥有量", "件", "〔60〕", "〔130〕")])
    m = _match(plan, hist)
    assert m.pairs == {(REGION, "hvp"): "高价值发明专利拥有量(件/万人)", (REGION, "hvp_tot"): "高价值发明专利拥有量(件)"}
