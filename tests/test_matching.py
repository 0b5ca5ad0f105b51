"""History joins plan by id or by Chinese name; nothing unmatched is dropped silently (issue 18 item 1)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

import mstarget as mt
from mstarget.cli.main import main
from mstarget.matching import match, name_key, region_suggestion

# synthetic mid-term values (generated here) for three Dinghu plan rows, keyed by 指标名称
ROWS = [("期末市场主体总量", 2021, 2.15), ("期末市场主体总量", 2022, 2.42), ("期末市场主体总量", 2023, 2.70),
        ("“明厨亮灶”覆盖率（%）", 2021, 84.0), ("“明厨亮灶”覆盖率（%）", 2022, 86.0),
        ("“明厨亮灶”覆盖率（%）", 2023, 88.0)]


@pytest.fixture(scope="module")
def dinghu(data_dir):
    return mt.read_plan(data_dir / "dinghu_14th_fyp_plan.csv")


def _history(region="鼎湖区", rows=ROWS):
    return pd.DataFrame([{"地区": region, "指标名称": n, "年份": y, "数值": v} for n, y, v in rows])


def test_names_are_compared_normalised():
    assert name_key("“明厨亮灶”覆盖率（%）") == name_key("明厨亮灶覆盖率") == name_key(" 明厨亮灶 覆盖率 ")
    assert name_key("ＡＢＣ指数") == "abc指数"


@pytest.mark.parametrize("numbered", ["①年报率", "⑴年报率", "⒈年报率", "1. 年报率", "（一）年报率", "一、年报率"])
def test_a_rows_numbering_in_the_name_is_not_part_of_it(numbered):
    """A circled or parenthesised number before a name (①年报率, ⑴年报率: a plan's sub-items) read as the
    digit 1 (NFKC) and the name as 1年报率, so it matched nothing; it is numbering, as 1. and （一） are."""
    assert name_key(numbered) == name_key("年报率") and name_key("2.5级") == "2.5级"


def test_history_keyed_by_chinese_name_matches_plan_ids(dinghu):
    h = mt.read_history(_history())
    assert "name" in h.columns  # 指标名称 is the name in both readers
    m = match(dinghu, h)
    assert set(m.history["indicator"]) == {"market_entities_total", "open_kitchen_coverage"}
    assert m.unmatched_history.empty
    assert len(m.unmatched_plan) == 12  # the other plan rows have no history: listed, not dropped


def test_region_without_suffix_is_not_guessed_but_suggested(dinghu):
    m = match(dinghu, mt.read_history(_history(region="鼎湖")))
    assert len(m.unmatched_history) == 2 and len(m.unmatched_plan) == 14
    assert m.unmatched_history["suggestion"].str.contains("did you mean region 鼎湖区").all()
    assert region_suggestion("广东", ["广东省", "广西壮族自治区"]) == "广东省"


def test_assess_warns_with_the_lists_and_attaches_them(dinghu):
    with pytest.warns(mt.UnmatchedWarning) as record:
        res = mt.assess(_history(region="鼎湖"), dinghu, as_of=2023, seed=0, n_paths=200)
    w = next(r.message for r in record if isinstance(r.message, mt.UnmatchedWarning))
    assert set(w.history_series["name"]) == {"期末市场主体总量", "“明厨亮灶”覆盖率"}
    assert len(w.plan_rows) == 14 and "鼎湖区" in str(w)
    assert res.attrs["unmatched_history"]["indicator"].tolist() == w.history_series["indicator"].tolist()
    assert len(res.attrs["unmatched_plan"]) == 14
    # nothing was assessed from those baselines as if it were progress
    assert (res["category"] == "insufficient_data").all()
    assert res["note"].str.contains("no history matched").all()
    # two results with these attrs still concatenate
    assert len(pd.concat([res, res])) == 28


def test_matched_rows_are_assessed_and_no_warning_when_complete(dinghu):
    plan = dinghu[dinghu["indicator"].isin(["market_entities_total", "open_kitchen_coverage"])]
    with warnings.catch_warnings():
        warnings.simplefilter("error", mt.UnmatchedWarning)
        res = mt.assess(_history(), plan, as_of=2023, seed=0, n_paths=200)
    assert res["last_year"].tolist() == [2023, 2023]
    assert res.attrs["unmatched_plan"].empty and res.attrs["unmatched_history"].empty


def test_history_without_region_takes_the_plans_single_region(dinghu):
    plan = dinghu[dinghu["indicator"] == "market_entities_total"]
    hist = _history().drop(columns="地区").iloc[:3]
    res = mt.assess(hist, plan, as_of=2023, seed=0, n_paths=200)
    assert res["last_value"].iloc[0] == 2.70


def test_cli_prints_unmatched_before_the_table_and_strict_exits_2(tmp_path, data_dir, capsys):
    path = tmp_path / "history.csv"
    _history(region="鼎湖").to_csv(path, index=False)
    out = tmp_path / "r.csv"
    code = main(["assess", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--history", str(path),
                 "--strict", "--out", str(out), "--no-track"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "鼎湖/期末市场主体总量" in err and "did you mean region 鼎湖区" in err and "--strict" in err
    code = main(["assess", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--history", str(path),
                 "--out", str(out), "--no-track"])
    assert code == 0 and out.exists()
    assert "did you mean region 鼎湖区" in capsys.readouterr().err


def test_backtest_with_a_plan_reports_rows_without_history(data_dir):
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    plan = mt.read_plan(data_dir / "dinghu_14th_fyp_plan.csv")  # the README's example: other regions
    with pytest.warns(mt.UnmatchedWarning, match="14 plan row") as record:
        res = mt.backtest(history, model="drift", horizon=1, origins=[2021], plan=plan, n_paths=100)
    w = next(r.message for r in record if isinstance(r.message, mt.UnmatchedWarning))
    assert len(w.plan_rows) == 14 and res.calls.empty


def test_a_parenthesised_note_in_the_name_still_matches_when_unambiguous():
    """issue 18: the real provincial panel writes 高技术产业利润率(利润总额/主营业务收入,派生)."""
    hist = mt.read_history(pd.DataFrame({
        "region": "广东", "indicator": ["hitech_industry_profit_margin"] * 2 + ["hitech_profit"] * 2,
        "name": ["高技术产业利润率(利润总额/主营业务收入,派生)"] * 2 + ["高技术产业_利润总额"] * 2,
        "year": [2022, 2023] * 2, "value": [6.1, 5.8, 1200.0, 1300.0],
        "unit": ["%", "%", "亿元", "亿元"]}))
    plan = mt.read_plan(pd.DataFrame({"region": ["广东"], "指标名称": ["高技术产业利润率"], "单位": ["%"],
                                      "基期值（2020年）": ["5"], "目标值（2025年）": ["≥6"]}))
    m = match(plan, hist)
    assert m.unmatched_plan.empty and m.unmatched_history["indicator"].tolist() == ["hitech_profit"]
    assert "高技术产业利润率" in set(m.history["indicator"])


def test_a_history_total_row_is_named_as_the_total_not_an_unmatched_region(dinghu, tmp_path, capsys):
    """A district table with its 合计 row (the city's total over the districts): not a region the plan
    lacks, so --strict does not refuse it; it is named as the total and not used."""
    rows = [("鼎湖区", n, y, v) for n, y, v in ROWS] + [("端州区", n, y, v + 1) for n, y, v in ROWS] + \
        [("合 计", n, y, v + 0.5) for n, y, v in ROWS]
    hist = pd.DataFrame(rows, columns=["地区", "指标名称", "年份", "数值"])
    plan = dinghu[dinghu["indicator"].isin(["market_entities_total", "open_kitchen_coverage"])]
    plan = pd.concat([plan, plan.assign(region="端州区")])
    m = match(plan, mt.read_history(hist))
    assert m.complete and m.unmatched_history.empty
    assert m.totals["region"].tolist() == ["合 计", "合 计"] and "total" in m.message()
    assert {"合计", "全市合计", "全 省", "总计", "Total"} == {r for r in ("合计", "全市合计", "全 省", "总计", "Total")
                                                         if mt.matching.is_total_region(r)}
    assert not any(mt.matching.is_total_region(r) for r in ("全椒县", "全州县", "鼎湖区", "合计区"))

    p_path, h_path = tmp_path / "plan.csv", tmp_path / "history.csv"
    plan.to_csv(p_path, index=False)
    hist.to_csv(h_path, index=False)
    assert main(["assess", "--plan", str(p_path), "--history", str(h_path), "--as-of", "2023", "--strict",
                 "--no-track"]) == 0
    captured = capsys.readouterr()
    assert "合计行: 合 计 (2 series" in captured.err and "未匹配" not in captured.err
    assert "合 计" not in captured.out  # not assessed


def test_a_plan_assessing_the_total_itself_matches_it(dinghu):
    """全国 / 全市 as the plan's own region is a region like any other."""
    rows = [("全市", n, y, v) for n, y, v in ROWS] + [("鼎湖区", n, y, v) for n, y, v in ROWS]
    hist = mt.read_history(pd.DataFrame(rows, columns=["地区", "指标名称", "年份", "数值"]))
    plan = dinghu[dinghu["indicator"] == "market_entities_total"]
    m = match(pd.concat([plan, plan.assign(region="全市")]), hist)
    assert m.totals.empty and sorted(m.pairs) == [("全市", "market_entities_total"), ("鼎湖区", "market_entities_total")]
    assert len(m.unmatched_history) == 2  # 明厨亮灶 of both regions: ordinary unmatched series


def test_the_other_regions_of_a_table_are_the_assessed_regions_peers(data_dir, capsys):
    """One province's plan row (a SYNTHETIC 2025 target) against the REAL table of all 31 provinces,
    2019-2022: the other provinces are not assessed but pooled with, as peers, exactly as if they
    had been passed as reference=; the message says so."""
    panel = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    h = panel[(panel["indicator"] == "local_budget_expenditure_total") & panel["year"].between(2019, 2022)]
    base = float(h[(h["region"] == "广东") & (h["year"] == 2020)]["value"].iloc[0])
    plan = mt.read_plan(pd.DataFrame({"region": ["广东"], "指标名称": [h["name"].iloc[0]], "基期值（2020年）": [base],
                                      "目标值（2025年）": [f"≥{1.3 * base:.0f}"]}))
    m = match(plan, mt.read_history(h))
    assert sorted(m.peers["region"].unique()) == sorted(set(h["region"]) - {"广东"})
    assert set(m.peers["indicator"]) == set(plan["indicator"])
    assert "all used as peers (pooling), not assessed" in m.message()
    cols = ["forecast", "lo_80", "hi_80", "p_meet"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.UnmatchedWarning)
        together = mt.assess(h, plan, seed=0)
        others = h[h["region"] != "广东"].assign(indicator=plan["indicator"].iloc[0])  # keyed as the plan keys it
        as_reference = mt.assess(h[h["region"] == "广东"], plan, seed=0, reference=others)
        alone = mt.assess(h[h["region"] == "广东"], plan, seed=0)
    assert np.allclose(together[cols].to_numpy(float), as_reference[cols].to_numpy(float))
    assert not np.allclose(together[cols].to_numpy(float), alone[cols].to_numpy(float))


def test_a_reference_keyed_by_name_pools_like_one_keyed_by_the_plans_ids(data_dir):
    """A peer panel exported with 指标名称 (no ids) used to pool with nothing when the plan keyed its rows
    by id; it is keyed as the plan keys them now. REAL provincial table, SYNTHETIC 2025 target."""
    panel = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    h = panel[(panel["indicator"] == "local_budget_expenditure_total") & panel["year"].between(2019, 2022)]
    base = float(h[(h["region"] == "广东") & (h["year"] == 2020)]["value"].iloc[0])
    plan = pd.DataFrame({"region": ["广东"], "indicator": ["budget"], "name": [h["name"].iloc[0]],
                         "baseline_year": [2020], "baseline": [base], "target_year": [2025],
                         "target": [round(1.3 * base)], "direction": ["increase"]})
    own = h[h["region"] == "广东"].assign(indicator="budget")
    others = h[h["region"] != "广东"]
    cols = ["forecast", "lo_80", "hi_80", "p_meet"]
    by_name = mt.assess(own, plan, seed=0, reference=others[["region", "name", "year", "value", "unit"]])
    by_id = mt.assess(own, plan, seed=0, reference=others.assign(indicator="budget"))
    alone = mt.assess(own, plan, seed=0)
    assert np.allclose(by_name[cols].to_numpy(float), by_id[cols].to_numpy(float))
    assert not np.allclose(by_name[cols].to_numpy(float), alone[cols].to_numpy(float))


def test_names_worded_differently_match_when_they_single_out_one_row_and_say_so(dinghu):
    """A statistics office words the plan's names its own way: 每千人拥有企业户数 (plan: 全区每千人拥有企业户),
    每万人高价值发明专利拥有量 (每万人口…), 市场主体总量 (期末市场主体总量). They matched nothing and the three
    targets were assessed without history; they match now -- each singles out one plan row and one
    series -- and the note on each row says the names were read loosely (values SYNTHETIC)."""
    rows = [(name, year, value) for name, values in (("每千人拥有企业户数", (18.1, 19.9, 21.6)),
                                                      ("每万人高价值发明专利拥有量", (1.4, 1.9, 2.3)),
                                                      ("市场主体总量", (2.15, 2.42, 2.70)))
            for year, value in zip((2021, 2022, 2023), values)]
    history = mt.read_history(_history(rows=rows))
    m = match(dinghu, history)
    assert set(m.near) == {("鼎湖区", "enterprises_per_1000_people"), ("鼎湖区", "high_value_invention_patents_per_10k"),
                           ("鼎湖区", "market_entities_total")}
    assert m.unmatched_history.empty
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(history, dinghu, model="naive", seed=0).set_index("indicator")
    note = res.loc["high_value_invention_patents_per_10k", "note"]
    assert note.startswith("history '每万人高价值发明专利拥有量' matched by its name read loosely (历史数据按近似名称匹配)")
    assert res.loc["high_value_invention_patents_per_10k", "last_year"] == 2023


def _series(name, values, *, unit="", years=(2020, 2021, 2022, 2023), **extra):
    """One district series as a bureau's table gives it: 地区 | 指标名称 | 单位 | 年份 | 数值 (values SYNTHETIC)."""
    return pd.DataFrame({"地区": "鼎湖区", "指标名称": name, "单位": unit, "年份": list(years), "数值": list(values),
                         **extra})


def _unmatched_warning(call):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        out = call()
    return out, next(r.message for r in record if isinstance(r.message, mt.UnmatchedWarning))


def test_running_totals_named_so_are_not_summed_as_yearly_flows(dinghu):
    """Tester's r03: loose matching dropped every parenthesised note, so 知识产权质押登记融资金额（累计） -- running
    totals 0, 1.2, 2.5, 3.1 -- was matched to the 〈5〉 row and summed as yearly flows (6.8: p_meet 1.0, 提前实现).
    It stays unmatched now, the suggestion saying why and how to declare it; declared (口径 累计) it is matched
    and turned into yearly flows (3.1 of 5 so far). Values SYNTHETIC."""
    running = _series("知识产权质押登记融资金额（累计）", [0, 1.2, 2.5, 3.1], unit="亿元")
    res, w = _unmatched_warning(lambda: mt.assess(running, dinghu, as_of=2023, seed=0, n_paths=200))
    row = res.set_index("indicator").loc["ip_pledge_financing"]
    assert row["status"] == "no_data" and row["note"].startswith("no history matched")
    said = w.history_series.set_index("name").loc["知识产权质押登记融资金额（累计）", "suggestion"]
    assert "（累计）" in said and "〈5〉" in said and "口径" in said and "running_total" in said
    plan_said = w.plan_rows.set_index("indicator").loc["ip_pledge_financing", "suggestion"]
    assert "知识产权质押登记融资金额（累计） not matched" in plan_said

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        declared = mt.assess(running.assign(口径="累计"), dinghu, as_of=2023, seed=0,
                             n_paths=200).set_index("indicator").loc["ip_pledge_financing"]
    assert declared["sum_so_far"] == pytest.approx(3.1) and declared["p_meet"] < 0.5 and declared["status"] != "met"
    assert "matched by its name read loosely" in declared["note"] and "running totals (累计)" in declared["note"]


@pytest.mark.parametrize("name", ["企业标准（当年新增）", "企业标准（新增）", "企业标准数（本年新增）"])
def test_yearly_additions_are_not_taken_for_the_plans_stock(dinghu, name):
    """Tester's r03: 企业标准（当年新增） (14, 17, 15 a year) was matched to the stock 〔117〕 and assessed as if
    the district had 15 standards; 新增企业标准 was already left alone. Unmatched now, both lists saying why."""
    m = match(dinghu, mt.read_history(_series(name, [14, 17, 15], unit="项", years=(2021, 2022, 2023))))
    assert ("鼎湖区", "enterprise_standards") not in m.pairs and not m.near
    said = m.unmatched_history.set_index("name").loc[name, "suggestion"]
    assert "〔117〕" in said and "is a stock, the total to date" in said and "not matched by guess" in said
    assert name in m.unmatched_plan.set_index("indicator").loc["enterprise_standards", "suggestion"]


@pytest.mark.parametrize("name, unit, indicator", [("知识产权质押登记融资金额（当年）", "亿元", "ip_pledge_financing"),
                                                   ("市场主体总量（年末）", "万户", "market_entities_total")])
def test_a_note_agreeing_with_the_plan_rows_kind_still_matches(dinghu, name, unit, indicator):
    """Each year's amount for a 〈〉 row, the year-end stock for a 〔〕 row: the note agrees (values SYNTHETIC)."""
    m = match(dinghu, mt.read_history(_series(name, [0.5, 0.8, 1.1], unit=unit, years=(2021, 2022, 2023))))
    assert list(m.near) == [("鼎湖区", indicator)] and m.unmatched_history.empty


def test_the_series_whose_unit_agrees_is_matched_not_the_count(dinghu):
    """Tester's v18: a table giving both 执业药师 (人: 75-80) and 每万人口执业药师数 (人/万人口: 4.4-4.6) against the
    plan's 执业药师数 in 人/万人口 matched the head count (80 against ≥4.6: met, p_meet 1.0) and reported the
    right series unmatched. The per-10,000 series is matched; the count is left, saying why. Values SYNTHETIC."""
    both = pd.concat([_series("执业药师", [75, 77, 78, 80], unit="人"),
                      _series("每万人口执业药师数", [4.4, 4.5, 4.5, 4.6], unit="人/万人口")])
    res, w = _unmatched_warning(lambda: mt.assess(both, dinghu, as_of=2023, seed=0, n_paths=200))
    row = res.set_index("indicator").loc["licensed_pharmacists_per_10k"]
    assert row["last_value"] == 4.6 and row["p_meet"] < 1
    assert row["note"].startswith("history '每万人口执业药师数' matched by its name read loosely")
    assert w.history_series["name"].tolist() == ["执业药师"]
    said = w.history_series["suggestion"].iloc[0]
    assert "a plain figure, not per population (unit 人)" in said and "per 万人 (unit 人/万人口)" in said


@pytest.mark.parametrize("name, unit", [("执业药师数（每千人口）", ""), ("执业药师数（每千人口）", "人"),
                                        ("执业药师", "人")])
def test_a_ratio_per_another_population_or_a_count_is_not_the_plans_ratio(dinghu, name, unit):
    """Tester's v18: 执业药师数（每千人口） 0.44 was matched to the per-10,000 row (0.44 against ≥4.6); a head
    count in 人 alone likewise. Unmatched now, the suggestion naming both denominators. Values SYNTHETIC."""
    m = match(dinghu, mt.read_history(_series(name, [0.42, 0.43, 0.44], unit=unit, years=(2021, 2022, 2023))))
    assert not m.pairs and "licensed_pharmacists_per_10k" in m.unmatched_plan["indicator"].tolist()
    said = m.unmatched_history["suggestion"].iloc[0]
    assert said.startswith("not 执业药师数 (licensed_pharmacists_per_10k): it is ") and "per 万人" in said
    assert ("per 千人" in said) == ("千人" in name)


@pytest.mark.parametrize("name, unit, indicator", [
    ("每万人口高价值发明专利拥有数", "", "high_value_invention_patents_per_10k"),
    ("千人食品检验数", "", "food_samples_per_1000_people"),
    ("每千人拥有企业数", "户/千人", "enterprises_per_1000_people"),
    ("每万人口执业药师数", "", "licensed_pharmacists_per_10k"),
    ("每万人执业药师数", "人/万人口", "licensed_pharmacists_per_10k"),
    ("医疗器械抽检批数", "批次", "medical_device_sampling_batches"),
    ("表1 期末市场主体总量", "万户", "market_entities_total")])
def test_names_a_person_reads_as_the_plan_row_match_it(dinghu, name, unit, indicator):
    """Tester's v05: these stayed unmatched though each singles out one plan row: 拥有数 / 拥有量, 检验数 /
    检验量, 企业数 / 企业户, the population written in the name that the plan writes in its unit (每万人口执业药师数
    for 执业药师数 in 人/万人口), 批数 / 批次数, a table's caption before the name. Values SYNTHETIC."""
    m = match(dinghu, mt.read_history(_series(name, [4.5, 4.5, 4.6], unit=unit, years=(2021, 2022, 2023))))
    assert m.near == {("鼎湖区", indicator): name} and m.unmatched_history.empty


@pytest.mark.parametrize("name, unit", [("高价值发明专利拥有量", "件"), ("高价值发明专利拥有量", ""),
                                        ("每千人拥有个体工商户", ""), ("药师数", "")])
def test_names_that_differ_in_what_they_count_still_do_not_match(dinghu, name, unit):
    """The patents held in all (not per 10,000 people), another thing per 1,000 people, another trade."""
    m = match(dinghu, mt.read_history(_series(name, [1.0, 1.2, 1.4], unit=unit, years=(2021, 2022, 2023))))
    assert not m.pairs and len(m.unmatched_history) == 1


def test_a_workbook_of_one_indicator_per_sheet_captioned_表1_is_matched(dinghu, tmp_path):
    """Tester's v15: sheets named 表1 期末市场主体总量 / 表2 执业药师数 (regions x years) matched nothing."""
    book = Workbook()
    for sheet, unit, values in (("表1 期末市场主体总量", "万户", [1.89, 2.15, 2.42, 2.70]),
                                ("表2 执业药师数", "人/万人口", [4.4, 4.5, 4.5, 4.6])):
        ws = book.create_sheet(sheet)
        ws.append([f"单位：{unit}"])
        ws.append(["地区", "2020年", "2021年", "2022年", "2023年"])
        ws.append(["鼎湖区", *values])
    book.remove(book.active)
    book.save(tmp_path / "history.xlsx")
    m = match(dinghu, mt.read_history(tmp_path / "history.xlsx"))
    assert set(m.near) == {("鼎湖区", "market_entities_total"), ("鼎湖区", "licensed_pharmacists_per_10k")}


def test_a_region_without_its_suffix_is_suggested_even_when_its_indicator_is_named_differently():
    """SYNTHETIC figures: the history writes 云浮 (the plan 云浮市) and 每万人 (the plan 每万人口); the line for
    the region said only "the plan has no region 云浮", without the suggestion its other series got."""
    import mstarget as mt
    from mstarget.matching import match
    plan = mt.read_plan(pd.DataFrame({
        "地区": ["云浮市", "云浮市"], "指标名称": ["每万人口高价值发明专利拥有量", "食品抽检合格率"],
        "单位": ["件/万人", "%"], "2020年": ["1.2", "95.0"], "2025年": ["3", "97"], "属性": "预期性"}))
    history = mt.read_history(pd.DataFrame({
        "地区": ["云浮", "云浮"], "指标名称": ["每万人高价值发明专利拥有量", "食品抽检合格率"],
        "单位": ["件/万人", "%"], "2021年": [1.5, 95.8], "2022年": [1.9, 96.2]}))
    text = match(plan, history).message()
    assert "云浮: 1 series (每万人高价值发明专利拥有量); the plan has no region 云浮" in text
    assert text.count("did you mean region 云浮市?") == 2
