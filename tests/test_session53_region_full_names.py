"""A history whose regions are written by their full administrative name (广东省肇庆市鼎湖区, as a provincial
system exports them) against a plan that names the district alone (鼎湖区): the same place, matched and said so.

Before session 53 such a series matched nothing: it was reported as a region the plan does not have and used only
as a peer, and the plan's row was assessed from its baseline alone. The plan rows are the real Dinghu plan; the
history figures are the SYNTHETIC mid-term values of ``tests/bureau_files.py``.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import MstargetWarning, UnmatchedWarning
from mstarget.matching import admin_path_tail, match
from mstarget.report.model import _suggestion_zh

from bureau_files import HISTORY_ROWS, write_plan_xlsx

CITY_PLAN = ["肇庆市", "鼎湖区", "四会市", "高要区"]


def _long_history(regions: dict) -> pd.DataFrame:
    """``{region as written: scale}``: the Dinghu rows of stocks (no 累计 note), each region's figures scaled."""
    rows = []
    for region, scale in regions.items():
        for name, unit, note, *values in HISTORY_ROWS[:3]:
            for year, v in zip(range(2020, 2024), values):
                rows.append({"地区": region, "指标名称": name.split("（")[0], "单位": unit or "件/万人",
                             "年份": year, "数值": round(v * scale, 3)})
    return pd.DataFrame(rows)


def _city_plan(path) -> pd.DataFrame:
    rows = []
    for region, scale in zip(CITY_PLAN, (20, 1, 2.7, 2.1)):
        rows += [(region, "期末市场主体总量", "万户", round(1.89 * scale, 2), round(3.12 * scale, 2), "预期性"),
                 (region, "全区每千人拥有企业户", "户/千人", round(16.22 * scale, 2), round(25.64 * scale, 2), "预期性")]
    pd.DataFrame(rows, columns=["地区", "指标名称", "单位", "2020年基数", "2025年目标", "属性"]).to_csv(
        path, index=False, encoding="utf-8-sig")
    return mt.read_plan(path)


@pytest.mark.parametrize("written", ["广东省肇庆市鼎湖区", "广东省/肇庆市/鼎湖区", "广东省 肇庆市 鼎湖区", "肇庆市鼎湖区",
                                     "广东肇庆市鼎湖区"])
def test_a_full_administrative_name_is_the_plans_district(tmp_path, written):
    plan = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    hist_file = tmp_path / "hist.csv"
    _long_history({written: 1}).to_csv(hist_file, index=False, encoding="utf-8-sig")
    plain_file = tmp_path / "plain.csv"
    _long_history({"鼎湖区": 1}).to_csv(plain_file, index=False, encoding="utf-8-sig")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = mt.assess(mt.read_history(hist_file), plan, as_of=2023)
    said = [str(w.message) for w in caught if type(w.message) is MstargetWarning and "全称" in str(w.message)]
    assert said and f"{written} -> 鼎湖区" in said[0]
    assert not any(written in str(w.message) for w in caught if isinstance(w.message, UnmatchedWarning))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = mt.assess(mt.read_history(plain_file), plan, as_of=2023)
    cols = ["region", "indicator", "last_year", "last_value", "forecast", "p_meet", "status"]
    pd.testing.assert_frame_equal(got[cols], want[cols])
    assert (got.loc[got["name"] == "期末市场主体总量", "last_value"] == 2.70).all()


def test_a_citys_table_of_full_names_matches_each_plan_region(tmp_path):
    """A city plan (肇庆市 and three of its districts) against a provincial export that writes every region
    in full, with two districts the plan does not assess: those stay peers under their own names."""
    plan = _city_plan(tmp_path / "plan.csv")
    regions = {"广东省肇庆市": 20, "广东省肇庆市鼎湖区": 1, "广东省肇庆市四会市": 2.7, "广东省肇庆市高要区": 2.1,
               "广东省肇庆市端州区": 1.6, "广东省肇庆市怀集县": 1.4}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = mt.assess(_long_history(regions), plan, as_of=2023)
    assert set(got["region"]) == set(CITY_PLAN)
    assert got["last_year"].eq(2023).all(), got[["region", "name", "last_year"]]
    city = got[(got["region"] == "肇庆市") & (got["name"] == "期末市场主体总量")]
    assert city["last_value"].iloc[0] == pytest.approx(2.70 * 20)
    unmatched = "\n".join(str(w.message) for w in caught if isinstance(w.message, UnmatchedWarning))
    assert "广东省肇庆市端州区" in unmatched and "peers" in unmatched  # not assessed, still pooled
    assert "广东省肇庆市鼎湖区" not in unmatched


def test_what_is_not_a_full_name_stays_apart():
    plan = ["肇庆市", "鼎湖区", "市南区", "南区", "高新区", "全市"]
    assert admin_path_tail("青岛市市南区", plan) == "市南区"  # the longest region ending the name
    assert admin_path_tail("肇庆高新区", plan) is None  # 肇庆 is no place above 高新区 by its writing
    assert admin_path_tail("鼎湖", plan) is None  # a suffix left out stays a did-you-mean
    assert admin_path_tail("鼎湖区", plan) is None  # the plan's own spelling
    assert admin_path_tail("广东省全市", plan) is None  # a table's total is no region to end a name
    assert admin_path_tail("佛山市南海区", plan) is None  # 南海区 is not 南区
    assert admin_path_tail("鼎湖区", ["肇庆市鼎湖区"]) == "肇庆市鼎湖区"  # the plan in full, the history short


def test_the_district_under_both_names_is_not_merged(tmp_path):
    """鼎湖区 and 广东省肇庆市鼎湖区 both in one history: two series of one indicator, not silently one."""
    plan = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    hist = pd.concat([_long_history({"鼎湖区": 1}), _long_history({"广东省肇庆市鼎湖区": 1.1})])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = mt.assess(hist, plan, as_of=2023)
    assert (got.loc[got["name"] == "期末市场主体总量", "last_value"] == 2.70).all()
    unmatched = "\n".join(str(w.message) for w in caught if isinstance(w.message, UnmatchedWarning))
    assert "广东省肇庆市鼎湖区" in unmatched


def test_a_tables_total_beside_the_plans_named_city_is_suggested_on_both_sides(tmp_path):
    """History 全市 + districts against a plan naming 肇庆市 + the same districts: 全市 is not taken (a total is
    not known to be the named region's), but both lists now say what to rename -- before, the plan row had no
    hint and the total line only "name it as the plan names that region"."""
    plan = _city_plan(tmp_path / "plan.csv")
    hist = _long_history({"全市": 20, "鼎湖区": 1, "四会市": 2.7, "高要区": 2.1})
    m = match(plan, mt.read_history(hist))
    city = m.unmatched_plan[m.unmatched_plan["region"] == "肇庆市"]
    assert len(city) == 2 and city["suggestion"].str.contains("total row 全市 may be 肇庆市's").all()
    assert m.totals["suggestion"].str.contains("if it is 肇庆市's, name it 肇庆市").all()
    assert "If it is 肇庆市's, name it 肇庆市" in m.message()
    # as a Chinese report words them
    assert _suggestion_zh(city["suggestion"].iloc[0]).startswith("历史数据的合计行全市可能即为肇庆市的数据")
    assert _suggestion_zh(m.totals["suggestion"].iloc[0]).startswith("表中的合计行；如为肇庆市的数据")
    renamed = hist.assign(地区=hist["地区"].replace({"全市": "肇庆市"}))  # the fix the hint names
    assert match(plan, mt.read_history(renamed)).unmatched_plan.empty


def test_no_total_hint_where_the_plan_has_two_regions_it_could_be():
    """Two plan regions at the top level without history (肇庆市 and the county-level 四会市): no guess at all."""
    plan = pd.DataFrame({"region": CITY_PLAN, "indicator": "market_entities", "name": "期末市场主体总量",
                         "unit": "万户", "baseline_year": 2020, "baseline": [40, 1.89, 5.1, 4.0],
                         "target_year": 2025, "target": [55, 3.12, 7.0, 5.5]})
    hist = _long_history({"全市": 20, "鼎湖区": 1, "高要区": 2.1})
    hist = hist[hist["指标名称"] == "期末市场主体总量"]
    m = match(mt.read_plan(plan), mt.read_history(hist))
    assert not m.unmatched_plan["suggestion"].str.contains("total row").any()
    assert "Name it as the plan names that region" in m.message()


def test_a_bureaus_branch_names_its_district(tmp_path):
    """A city bureau's own table names its rows by branch (鼎湖分局, 高要区分局, 肇庆市市场监督管理局端州分局): each is
    its district's figure, matched to the plan's 鼎湖区 / 高要区 and said. Before, each was a region the plan lacks,
    pooled as a peer of its own district."""
    plan = _city_plan(tmp_path / "plan.csv")
    hist = _long_history({"全市": 20, "鼎湖分局": 1, "四会市": 2.7, "高要区分局": 2.1, "肇庆市市场监督管理局端州分局": 1.6})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = mt.assess(hist, plan, as_of=2023)
    said = [str(w.message) for w in caught if type(w.message) is MstargetWarning and "分局" in str(w.message)]
    assert said and "鼎湖分局 -> 鼎湖区" in said[0] and "高要区分局 -> 高要区" in said[0]
    assert got.loc[got["region"] != "肇庆市", "last_year"].eq(2023).all()
    unmatched = "\n".join(str(w.message) for w in caught if isinstance(w.message, UnmatchedWarning))
    assert "鼎湖分局" not in unmatched and "肇庆市市场监督管理局端州分局" in unmatched  # no 端州区 in the plan: a peer


def test_which_bureau_names_are_read():
    from mstarget.matching import bureau_region
    plan = ["鼎湖区", "高要区", "四会市", "广宁县"]
    assert bureau_region("鼎湖分局", plan) == "鼎湖区"
    assert bureau_region("四会市局", plan) == "四会市" and bureau_region("广宁县市场监督管理局", plan) == "广宁县"
    assert bureau_region("广东省肇庆市鼎湖区市场监督管理局", plan) == "鼎湖区"
    assert bureau_region("鼎湖", plan) is None  # no bureau named: a suffix left out stays a did-you-mean
    assert bureau_region("邮政局", plan) is None and bureau_region("市局", plan) is None
    assert bureau_region("鼎湖分局", ["鼎湖区", "鼎湖镇"]) is None  # two places of that name


def test_a_city_bureaus_own_row_is_not_taken_for_the_city(tmp_path):
    """肇庆市局 beside its branches may be the city bureau's own work (本级), not the city's whole: not matched to
    the plan's 肇庆市 (a did-you-mean), while 鼎湖分局 is 鼎湖区's."""
    plan = _city_plan(tmp_path / "plan.csv")
    hist = _long_history({"肇庆市局": 3, "鼎湖分局": 1, "高要分局": 2.1})
    m = match(plan, mt.read_history(hist))
    assert set(m.regions_read) == {"鼎湖分局", "高要分局"}
    city = m.unmatched_plan[m.unmatched_plan["region"] == "肇庆市"]
    assert len(city) == 2 and city["suggestion"].str.contains("肇庆市局").all()


def test_a_provinces_short_name_is_its_full_name(data_dir):
    """A provincial plan (广东省, 江苏省, 内蒙古自治区, real 2020 baselines) against the yearbook panel, which writes
    广东 / 江苏 / 内蒙古: matched, said. Before, every row went without history ('did you mean region 广东省?'). The
    city 吉林市 is no 吉林 (province)."""
    from mstarget.matching import province_short
    panel = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    panel = panel[(panel["indicator"] == "chemical_fertilizer_use") & panel["year"].between(2016, 2021)]
    base = panel[panel["year"] == 2020].set_index("region")["value"]
    plan = mt.read_plan(pd.DataFrame({
        "region": ["广东省", "江苏省", "内蒙古自治区"], "indicator": "chemical_fertilizer_use", "name": "化肥使用量",
        "unit": "万吨", "baseline_year": 2020, "baseline": [base["广东"], base["江苏"], base["内蒙古"]],
        "target_year": 2025, "target": "≤200"}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = mt.assess(panel, plan, as_of=2021)
    assert got["last_year"].eq(2021).all()
    assert got["last_value"].tolist() == [panel[(panel["region"] == r) & (panel["year"] == 2021)]["value"].iloc[0]
                                          for r in ("广东", "江苏", "内蒙古")]
    said = [str(w.message) for w in caught if type(w.message) is MstargetWarning and "省份简称" in str(w.message)]
    assert said and "广东 -> 广东省" in said[0] and "内蒙古 -> 内蒙古自治区" in said[0]
    assert province_short("吉林市") is None and province_short("吉林省") == "吉林"
    assert province_short("广西壮族自治区") == province_short("广西") == "广西" and province_short("北京市") == "北京"


def test_a_reference_panel_in_full_names_is_no_peer_of_the_plans_own_district(tmp_path):
    """reference= a provincial export of the city's districts in full names (广东省肇庆市鼎湖区 ...) beside the
    Dinghu plan: the panel's 广东省肇庆市鼎湖区 is the series itself, left out of its peers (it had been pooled as
    a peer of itself); the other districts stay peers."""
    from mstarget.matching import reference_for_plan
    plan = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    panel = _long_history({"广东省肇庆市鼎湖区": 1, "广东省肇庆市端州区": 1.6, "广东省肇庆市高要区": 2.1,
                           "广东省肇庆市四会市": 2.7, "广东省肇庆市怀集县": 1.4, "广东省肇庆市广宁县": 1.2})
    peers = reference_for_plan(mt.read_history(panel), plan)
    assert not {"广东省肇庆市鼎湖区", "鼎湖区"} & set(peers["region"])
    assert {"广东省肇庆市端州区", "广东省肇庆市怀集县"} <= set(peers["region"])


def test_the_region_index_finds_what_comparing_every_pair_finds():
    """The join's index (session 53: a history of thousands of regions the plan lacks took minutes) gives the
    same suffix variants and did-you-means as comparing each name with every region, on GENERATED names."""
    import difflib
    import random

    from mstarget.matching import REGION_SUFFIXES, _one_suffix_apart, region_key, region_suggestion, _suffix_variant

    def variant_by_pairs(region, candidates):
        r = region_key(region)
        for c in dict.fromkeys(candidates):
            ck = region_key(c)
            if c != region and (_one_suffix_apart(r, ck) or any(
                    r.endswith(a) and ck.endswith(b) and r[:-len(a)] == ck[:-len(b)] and len(r) > len(a)
                    for a in REGION_SUFFIXES for b in REGION_SUFFIXES if a != b)):
                return c
        return None

    def suggestion_by_pairs(region, candidates):
        r = region_key(region)
        cands = [c for c in dict.fromkeys(candidates) if c != region]
        for c in cands:
            if _one_suffix_apart(r, region_key(c)):
                return c
        close = difflib.get_close_matches(r, [region_key(c) for c in cands], n=1, cutoff=0.6)
        return next(c for c in cands if region_key(c) == close[0]) if close else None

    rng = random.Random(0)
    chars = "鼎湖端州高要四会广宁怀集封开德庆南海新城东西北"
    suffixes = ["区", "县", "市", "新区", "镇", ""]
    for _ in range(40):
        cands = list(dict.fromkeys("".join(rng.sample(chars, rng.randint(1, 3))) + rng.choice(suffixes)
                                   for _ in range(30)))
        for _ in range(30):
            name = "".join(rng.sample(chars, rng.randint(1, 3))) + rng.choice(suffixes)
            assert _suffix_variant(name, cands) == variant_by_pairs(name, cands), (name, cands)
            assert region_suggestion(name, cands) == suggestion_by_pairs(name, cands), (name, cands)
