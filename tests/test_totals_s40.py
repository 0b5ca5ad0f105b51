"""A plan's total against a history's regions and totals of other levels: a region one level up is a hedged
did-you-mean (never 'the history has it'), and a total of another level (全省, 全国 beside a district plan's 全市)
is never the plan's total. All figures SYNTHETIC; names real."""
import warnings
from pathlib import Path

import pandas as pd
import pytest

import mstarget as mt
from mstarget.matching import match, table_totals

DATA = Path(__file__).resolve().parents[1] / "data" / "china"
ROWS = [("市场主体总量", "万户"), ("食品抽检合格率", "%")]


def _long(regions):
    return pd.DataFrame([(r, ind, y, 50.0 + y - 2020, u) for r in regions for ind, u in ROWS
                         for y in range(2020, 2026)], columns=["region", "indicator", "year", "value", "unit"])


def _plan(regions, target=100.0):
    return pd.DataFrame([(r, ind, ind, u, 2025, target) for r in regions for ind, u in ROWS],
                        columns=["region", "indicator", "name", "unit", "target_year", "target"])


def _hints(m, side):
    frame = m.unmatched_plan if side == "plan" else m.unmatched_history
    return frame.drop_duplicates("region").set_index("region")["suggestion"].to_dict()


def test_another_province_beside_a_city_plans_total_is_a_hedged_did_you_mean_on_both_sides():
    """Before (plan side): 'the history has it under region 湖南省: fix the region (是否应为 全省？)'."""
    m = match(_plan(["广州市", "深圳市", "全省"]), _long(["广州市", "深圳市", "湖南省"]))
    plan_hint = _hints(m, "plan")["全省"]
    assert plan_hint.startswith("the history has a region 湖南省 at the level of the plan's total 全省 -- if it is this "
                                "plan's total, name it 全省")
    assert "has it" not in plan_hint
    assert "if it is this plan's total, name it 全省" in _hints(m, "history")["湖南省"]
    assert "湖南省" not in set(m.peers["region"])


def test_a_neighbouring_city_beside_a_district_plans_total_is_hedged_too():
    m = match(_plan(["端州区", "鼎湖区", "全市"]), _long(["端州区", "鼎湖区", "广州市"]))
    assert "has it under" not in _hints(m, "plan")["全市"]
    assert "the history has a region 广州市 at the level of the plan's total 全市" in _hints(m, "plan")["全市"]


def test_a_prefecture_plan_mixing_levels_hints_the_city_and_does_not_pool_it_with_its_districts():
    """Before: 肇庆市 pooled as a peer of its own districts and counties, 全市 without a word."""
    regions = ["端州区", "鼎湖区", "高要区", "四会市", "广宁县"]
    m = match(_plan(regions + ["全市"]), _long(regions + ["肇庆市"]))
    assert "肇庆市" not in set(m.peers["region"])
    assert "if it is this plan's total, name it 全市" in _hints(m, "history")["肇庆市"]
    assert "the history has a region 肇庆市 at the level of the plan's total 全市" in _hints(m, "plan")["全市"]


def test_an_autonomous_regions_plan_total_hints_the_autonomous_region():
    m = match(_plan(["南宁市", "柳州市", "全区"]), _long(["南宁市", "柳州市", "广西壮族自治区"]))
    assert "广西壮族自治区" not in set(m.peers["region"])
    assert "if it is this plan's total, name it 全区" in _hints(m, "history")["广西壮族自治区"]


@pytest.mark.parametrize("other", ["全省", "全国"])
def test_a_district_plans_total_is_never_given_the_provinces_or_the_nations_figures(other):
    """Before: 全市's last_value 1055 (the province's) against districts of 55, and no message."""
    h = _long(["端州区", "鼎湖区", other])
    h.loc[(h["region"] == other) & (h["unit"] == "万户"), "value"] += 1000
    plan = _plan(["端州区", "鼎湖区", "全市"], target="≥100")
    m = match(plan, h)
    assert ("全市", "市场主体总量") not in m.pairs and ("端州区", "市场主体总量") in m.pairs
    assert "a total of another level than the plan's 全市" in _hints(m, "history")[other]
    assert f"the history's {other} is a total of another level than 全市" in _hints(m, "plan")["全市"]
    assert other not in set(m.peers["region"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(h, plan, as_of=2025)
    last = res.set_index(["region", "indicator"])["last_value"]
    assert pd.isna(last[("全市", "市场主体总量")]) and last[("端州区", "市场主体总量")] == 55.0


@pytest.mark.parametrize("word", ["合计", "全市合计", "总计"])
def test_a_total_of_the_plans_own_level_written_otherwise_is_still_the_plans_total(word):
    m = match(_plan(["端州区", "鼎湖区", "全市"]), _long(["端州区", "鼎湖区", word]))
    assert m.pairs[("全市", "市场主体总量")] == "市场主体总量" and m.unmatched_plan.empty


def test_the_shipped_national_tables_match_as_before():
    plan = mt.read_plan(DATA / "national_targets.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = match(plan, mt.read_history(DATA / "national_history.csv"))
    assert len(m.pairs) == 4 and list(m.unmatched_plan["indicator"]) == ["manufacturing_product_pass_rate"]


# --- G11: a plan's own 合计 has no level of its own; 全区 / 全州 / 全盟 may be the plan's (SYNTHETIC figures) ---

@pytest.mark.parametrize("plan_regions, history_total", [
    (["南宁市", "柳州市", "桂林市", "合计"], "全区"),  # an autonomous region's cities
    (["南宁市", "柳州市", "桂林市", "合计"], "全区合计"),
    (["延吉市", "图们市", "汪清县", "合计"], "全州合计"),  # an autonomous prefecture's county-level units
    (["延吉市", "图们市", "汪清县", "合计"], "全州"),
    (["锡林浩特市", "二连浩特市", "阿巴嘎旗", "合计"], "全盟"),
    (["恩施市", "利川市", "建始县", "全州"], "合计"),
    (["延吉市", "图们市", "汪清县", "全州"], "全州合计"),
    (["武汉市", "宜昌市", "恩施土家族苗族自治州", "神农架林区", "合计"], "全省"),
])
def test_the_one_history_total_of_the_plans_level_gives_the_plans_total_its_figures(plan_regions, history_total):
    """Before: 0 rows for the plan's total (全区 / 全州 read as another level than a 合计 over cities, 全州 / 全盟 no
    total at all), and 'the history has it under region 全区合计: fix the region' for a pair refused."""
    total = plan_regions[-1]
    m = match(_plan(plan_regions), _long(plan_regions[:-1] + [history_total]))
    assert m.pairs[(total, "市场主体总量")] == "市场主体总量" and m.unmatched_plan.empty
    assert int((m.history["region"] == total).sum()) == 12 and m.unmatched_history.empty
    assert m.peers.empty


@pytest.mark.parametrize("regions, word", [(["延吉市", "图们市", "汪清县"], "全州"), (["锡林浩特市", "阿巴嘎旗"], "全盟")])
def test_a_prefectures_total_is_set_aside_as_the_tables_total_not_pooled_as_a_peer_of_its_counties(regions, word):
    """Before: 全州 / 全盟 pooled as a peer of its own counties ('its series ... are used as peers')."""
    m = match(_plan(regions), _long(regions + [word]))
    assert word not in set(m.peers["region"]) and set(m.totals["region"]) == {word}
    assert m.unmatched_history.empty


@pytest.mark.parametrize("plan_regions, other", [(["广州市", "深圳市", "合计"], "全国合计"),
                                                  (["端州区", "鼎湖区", "合计"], "全省合计")])
def test_a_total_clearly_of_another_level_is_refused_with_hints_that_agree(plan_regions, other):
    """Before: plan side 'the history has it under region 全省合计: fix the region (是否应为 合计？)' and history side
    'did you mean region 合计?' for a pair refused as another level's."""
    m = match(_plan(plan_regions), _long(plan_regions[:-1] + [other]))
    assert ("合计", "市场主体总量") not in m.pairs
    plan_hint, hist_hint = _hints(m, "plan")["合计"], _hints(m, "history")[other]
    assert plan_hint == f"the history's {other} is a total of another level than 合计: not used as its figure " \
                        f"(历史数据的{other}不是本规划的合计)"
    assert "fix the region" not in plan_hint and "did you mean" not in hist_hint
    assert "a total of another level than the plan's 合计 (不是本规划的合计)" in hist_hint and "合计合计" not in hist_hint


# --- G14: a bare 全州 beside its sibling counties is 全州县 of 桂林市, not a prefecture's total (SYNTHETIC figures) ---

def test_guilins_county_全州_written_short_keeps_its_place_and_the_plans_合计_takes_the_citys_total():
    """Before: 全州 read as a total (table_totals ['全州', '全市']): the plan's 合计 unmatched ('the table's total' 全市
    set aside) and 全州 dropped out of the rankings."""
    counties = ["兴安", "全州", "灌阳"]
    assert table_totals(counties + ["全市"]) == ["全市"]
    assert table_totals(["秀峰区", "叠彩区", "兴安", "全州", "灌阳", "全市"]) == ["全市"]
    m = match(_plan(counties + ["合计"]), _long(counties + ["全市"]))
    assert m.unmatched_plan.empty and m.unmatched_history.empty and m.totals.empty
    assert m.pairs[("全州", "市场主体总量")] == "市场主体总量" and m.pairs[("合计", "市场主体总量")] == "市场主体总量"
    assert int((m.history["region"] == "合计").sum()) == 12 and int((m.history["region"] == "全州").sum()) == 12


def test_a_bare_全州_is_still_the_prefectures_total_beside_county_level_units_and_全盟_全旗_always():
    assert table_totals(["延吉市", "汪清县", "全州"]) == ["全州"]
    assert table_totals(["锡林浩特市", "阿巴嘎旗", "全盟"]) == ["全盟"]
    assert table_totals(["锡林浩特镇", "宝力根苏木", "全旗"]) == ["全旗"]
    assert table_totals(["全州县", "全椒县", "全南县", "合计"]) == ["合计"]
    assert table_totals(["兴安", "全州", "灌阳"]) == []  # short county names: 全州 is one of them
