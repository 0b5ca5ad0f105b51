"""The narrative per target says only what the table's figures support (issue 12).

Data: the real Dinghu plan with SYNTHETIC 2021-2023 history and synthetic edge rows
(tests/report_helpers.py), so every case of the narrative occurs.
"""
from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
from docx import Document
from report_helpers import dinghu_history, dinghu_plan

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import build_report, write_report
from mstarget.report.formatting import numbers_in, percent_int
from mstarget.report.model import COLUMN_IDS
from mstarget.report.narrative import RANGE_LABEL


@pytest.fixture(scope="module")
def assessed():
    plan = mt.read_plan(dinghu_plan(edge=True))
    with pytest.warns(mt.ShortHistoryWarning):
        table, details = assess_detailed(dinghu_history(edge=True), plan, as_of=2023, seed=0)
    return table, details


@pytest.fixture(scope="module")
def reports(assessed):
    table, details = assessed
    return {lang: build_report(table, details, lang=lang, date="2024-03-01") for lang in ("zh", "en")}


def _value(token: str) -> float:
    return abs(float(token.replace(",", "")))


def table_figures(row) -> set[float]:
    """Every number shown in the row's table cells (absolute values: signs are words in the text)."""
    return {_value(t) for col in COLUMN_IDS for t in numbers_in(row.cells[col].text)}


def narrative_figures(row) -> list[float]:
    """Numbers written in the row's paragraph, leaving out the name and the '80%区间' label."""
    text = row.narrative
    assert text.startswith(row.name)
    text = text[len(row.name):].replace(RANGE_LABEL[row.lang], "")
    return [_value(t) for t in numbers_in(text)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_in_a_narrative_is_a_figure_of_its_table_row(reports, lang):  # issue 12
    report = reports[lang]
    assert len(report.rows) == 19
    for row in report.rows:
        figures = narrative_figures(row)
        assert figures, row.narrative
        shown = table_figures(row)
        if "反降" in row.narrative or "反升" in row.narrative or "instead of" in row.narrative:
            shown |= {round(abs(a - b), 6) for a in shown for b in shown}  # the change between two figures shown
        unknown = [f for f in figures if f not in shown]
        assert not unknown, f"{row.narrative!r} states {unknown}, not in its table row"
        assert row.cells["category"].text in row.narrative


def _row(report, name):
    return next(r for r in report.rows if r.name == name)


def test_the_issue_example_reads_as_written(reports):  # issue 12
    r = _row(reports["zh"], "期末市场主体总量")
    c = r.figures()
    assert r.narrative == (
        f"期末市场主体总量：2023年为2.70万户，较2020年基期（1.89万户）完成目标增量的66%，快于时间进度（60%）。"
        f"按当前趋势预计2025年为{c['forecast_value']}万户（80%区间{c['lo_80']}–{c['hi_80']}万户），"
        f"实现目标（≥3.12万户）的概率为{c['p_meet']}。尚需年均增长0.21万户，已观测期间年均增长0.27万户。"
        f"评价：{c['category']}。")
    en = _row(reports["en"], "期末市场主体总量").narrative
    assert en.startswith("期末市场主体总量: 2.70万户 in 2023, 66% of the way from the base year 2020 (1.89万户) "
                         "to the target, ahead of the time elapsed (60%).")


def test_comparison_words_follow_the_rounded_figures(reports):  # issue 12
    for row in reports["zh"].rows:
        text, raw = row.narrative, row.raw
        if "时间进度（" not in text or "不升反降" in text or "不降反升" in text:
            continue
        p, t = percent_int(raw["progress_share"]), percent_int(raw["time_share"])
        if "快于时间进度" in text:  # outside the 5-point band of 基本符合预期 (session 35)
            assert p > t + 5
        elif "慢于时间进度" in text:
            assert p < t - 5
        else:
            assert "与时间进度基本同步" in text and abs(p - t) <= 5
        if "尚需年均增长" in text or "尚需年均提高" in text:
            assert raw["required_pace"] > 0
        if "尚需年均下降" in text or "尚需年均降低" in text:
            assert raw["required_pace"] < 0
        if "已达到目标" in text:
            assert raw["category"] == "achieved" or raw["status"] == "met"
    # the <= rate: a reduction, in percentage points
    r = _row(reports["zh"], "消费投诉率（合成）")
    assert "完成目标降幅的" in r.narrative and "尚需年均降低0.15个百分点" in r.narrative
    # a series moving away from its target
    assert "较2020年基期（9批次/年）不升反降，减少2批次/年（时间进度60%）" in _row(reports["zh"], "化妆品抽检批次数").narrative


def test_every_case_has_its_own_wording(reports, assessed):  # issue 12
    zh = reports["zh"]
    sums = _row(zh, "知识产权质押登记融资金额")  # 〈5〉: sum of flows since 2020
    assert "2020年基期以来至2023年累计完成3.2亿元，占目标（≥5亿元）的64%" in sums.narrative  # 〈5〉 as written
    assert "尚余1.8亿元" in sums.narrative and sums.cells["current"].text == "累计 3.2"
    cap = _row(zh, "新增特种设备许可（合成）")  # 〈≤40〉
    assert "目标为累计≤40项" in cap.narrative and "此后年均不超过" in cap.narrative
    nodata = _row(zh, "无数据指标（合成）")
    assert nodata.narrative == "无数据指标（合成）：暂无监测数据，无法评估进展（目标：2025年≥120万元）。评价：数据不足。"
    base_only = _row(zh, "地方标准")
    # its baseline alone: no trend to extrapolate, so no forecast nor probability, in the text as in the table
    # (session 43: "实现概率8%" of a count nobody observed read as "almost certainly missed")
    assert "暂无基期以后监测数据（基期2020年为0项）" in base_only.narrative
    assert "概率" not in base_only.narrative and "预计" not in base_only.narrative
    assert [base_only.cells[k].text for k in ("forecast", "range_80", "p_meet")] == ["–"] * 3
    assert "仅有" not in base_only.narrative  # the plan's baseline is no monitoring datum
    assert base_only.narrative.endswith("评价：数据不足。")
    from_history = _row(zh, "基期值取自历史数据的指标（合成）")  # the plan leaves the baseline blank
    assert from_history.cells["baseline"].text == "380"
    # assess writes the baseline it measured progress from, so the table alone carries it
    without_details = _row(build_report(assessed[0]), from_history.name)
    assert without_details.cells["baseline"].text == "380" and "较2020年基期（380家）完成目标增量的48%" in without_details.narrative
    assert from_history.narrative.startswith("基期值取自历史数据的指标（合成）：2023年为510家，较2020年基期（380家）"
                                             "完成目标增量的48%，慢于时间进度（60%）。")
    observed = _row(zh, "2022年度抽检任务（合成）")
    assert observed.narrative == ("2022年度抽检任务（合成）：目标年2022年实际为5,750批次，已达到目标（≥5,600批次）。"
                                  "评价：已完成。")  # its target year is past: met, not "early"
    early = _row(zh, "药品抽检合格率")
    assert "已达到目标（≥99%）" in early.narrative and "届时达标的概率为" in early.narrative  # the plan wrote ≥99
    for row in zh.rows:  # no invented certainty, no raw floats
        assert "100%的概率" not in row.narrative and "概率为100%" not in row.narrative
        assert not re.search(r"\d\.\d{5,}", row.narrative)


def test_a_target_year_between_two_observations_is_not_called_observed(assessed):
    table, details = assessed
    k = table.index[table["indicator"] == "annual_target_2022"][0]
    sf = details[k].series
    gap = sf.years != 2022  # drop the 2022 observation: the value is interpolated from 2021 and 2023
    details = list(details)
    details[k] = type(details[k])(details[k].row, details[k].samples,
                                  type(sf)(**{**sf.__dict__, "years": sf.years[gap], "values": sf.values[gap]}))
    row = _row(build_report(table, details), "2022年度抽检任务（合成）")
    # session 38: a value never reported, only estimated between 2021 and 2023, decides no verdict (数据不足)
    assert "缺2022年数据，无法判定是否完成" in row.narrative and "实际为" not in row.narrative
    assert row.category == "insufficient_data" and row.cells["forecast"].text.startswith("插值")


def test_overall_paragraph_counts_and_names_the_binding_targets_at_risk(reports):  # issue 12
    zh, en = reports["zh"], reports["en"]
    counts = dict(zip(zh.summary["category"], zh.summary["total"]))
    assert zh.overall.startswith("本次评估共19项指标（约束性3项、预期性16项），数据截至2023年。")
    closed = counts["completed"] + counts["not_completed"]  # the 2022 annual target, judged on its year
    assert closed == 1 and counts["completed"] == 1  # one closed target: "the 1 ... is completed", no zero counts
    assert (f"目标年已有实际数据的1项已完成；其余有进度数据的{19 - closed - counts['insufficient_data']}项中，提前实现"
            f"{counts['achieved']}项、快于预期{counts['ahead']}项、基本符合预期{counts['on_schedule']}项、"
            f"滞后{counts['behind']}项") in zh.overall
    assessed = 19 - counts["insufficient_data"]
    assert f"从可评价的{assessed}项看，规划实施总体基本符合预期。" in zh.overall  # a binding target lags: no better
    at_risk = [r for r in zh.rows if r.binding and (r.category == "behind" or percent_int(r.raw["p_meet"]) < 50)]
    safe = [r for r in zh.rows if r.binding and r not in at_risk]
    assert at_risk, "the synthetic data should put a binding target at risk"
    for r in at_risk:
        assert f"{r.name}（实现概率{r.cells['p_meet'].text}，{r.cells['category'].text}）" in zh.overall
    for r in safe:
        assert r.name not in zh.overall
    assert en.overall.startswith("This evaluation covers 19 indicators (3 binding, 16 expected), with data up to 2023.")


def test_summary_by_category_lists_indicators_in_table_order(reports):  # issue 12
    zh = reports["zh"]
    # session 35: the table keeps the plan's order, and so does the summary (f9: no longer binding first)
    assert [r.number for r in zh.rows] == list(range(1, len(zh.rows) + 1)) and sum(r.binding for r in zh.rows) == 3
    assert list(zh.summary["label"]) == ["已完成", "未完成", "提前实现", "快于预期", "基本符合预期", "滞后", "数据不足"]
    assert zh.summary["total"].sum() == 19
    for s in zh.summary.itertuples():
        members = [r for r in zh.rows if r.category == s.category]
        assert s.indicators == "、".join(f"{r.number}. {r.name}" for r in members)


def test_language_follows_the_plan_unless_overridden(assessed, data_dir):  # issue 12
    table, _ = assessed
    assert build_report(table).lang == "zh"
    english = table.assign(name=table["indicator"], unit="units", region="District")
    report = build_report(english)
    assert report.lang == "en" and report.headers()[:2] == ["No.", "Indicator"]
    assert report.rows[0].narrative.startswith(report.rows[0].name + ": ")
    with pytest.raises(mt.ParameterError, match="lang must be one of zh, en"):
        build_report(table, lang="fr")


def test_a_target_written_in_words_is_shown_as_written_with_its_figure():
    """持续提升 in the plan: the table cell and the sentence give the words and the figure read."""
    plan = dinghu_plan()
    plan.loc[plan["indicator"] == "drug_sampling_pass_rate", "target"] = "持续提升"
    with pytest.warns(mt.ShortHistoryWarning):
        table, details = assess_detailed(dinghu_history(), mt.read_plan(plan), as_of=2023, seed=0)
    for lang, cell, said in (("zh", "持续提升（{}）", "持续提升，即{}%"), ("en", "持续提升 ({})", "持续提升, i.e. {}%")):
        r = _row(build_report(table, details, lang=lang, date="2024-03-01"), "药品抽检合格率")
        figure = r.figures()["target_signed"]
        assert figure.startswith("≥98")  # the baseline, as the row's other figures are rounded
        assert r.figures()["target"] == cell.format(figure)
        assert said.format(figure) in r.narrative


# -- a target year already observed, a history ending before the baseline, no baseline ------------

def _assessed(history: pd.DataFrame, plan: pd.DataFrame, as_of: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.ShortHistoryWarning)
        return assess_detailed(history, mt.read_plan(plan), as_of=as_of, seed=0)


def _series(region: str, indicator: str, first: int, values, unit: str) -> list[dict]:
    return [{"region": region, "indicator": indicator, "year": first + k, "value": v, "unit": unit}
            for k, v in enumerate(values)]


def _plan_row(indicator, name, unit, by, baseline, ty, target, attribute="预期性") -> dict:
    return {"region": "测试区", "indicator": indicator, "name": name, "unit": unit, "baseline_year": by,
            "baseline": baseline, "target_year": ty, "target": target, "attribute": attribute}


@pytest.fixture(scope="module")
def final_report():
    """SYNTHETIC figures: a 十四五 table assessed as of its 2025 target year, every 2025 value observed."""
    history = pd.DataFrame(
        _series("测试区", "met", 2018, [50, 55, 60, 64, 68, 71, 74, 78], "家")
        + _series("测试区", "missed", 2018, [50, 55, 60, 62, 63, 65, 66, 68], "家")
        + _series("测试区", "pledge", 2021, [0.8, 1.1, 1.3, 0.9, 0.6], "亿元"))
    plan = pd.DataFrame([_plan_row("met", "达标指标", "家", 2020, "60", 2025, "≥75", "约束性"),
                         _plan_row("missed", "未达标指标", "家", 2020, "60", 2025, "≥75", "约束性"),
                         _plan_row("pledge", "质押融资", "亿元", 2020, "〈0〉", 2025, "〈5〉")])
    table, details = _assessed(history, plan, 2025)
    return build_report(table, details, title="测试区市场监管“十四五”规划", date="2026-03-01")


def test_a_final_evaluation_says_achieved_or_not_never_early_or_behind(final_report):
    """Every target year observed: 总结评估, 已完成 / 未完成, not the mid-term 提前实现 / 滞后."""
    r = final_report
    assert r.title == "《测试区市场监管“十四五”规划》主要指标总结评估"
    said = {row.name: row.narrative for row in r.rows}
    assert said["达标指标"] == "达标指标：目标年2025年实际为78家，已达到目标（≥75家）。评价：已完成。"
    assert said["未达标指标"] == ("未达标指标：目标年2025年实际为68家，未达到目标（≥75家）。规划要求年均+3.0家，实际年均+1.6家，"
                               "完成目标增量的53%。评价：未完成。")  # s41: why it was missed
    assert said["质押融资"] == ("质押融资：2020年基期以来至目标年2025年累计完成4.7亿元，未达到目标（≥5亿元）。"
                             "累计完成目标的94%，尚差0.3亿元。评价：未完成。")  # s41: the share reached
    assert [row.cells["category"].text for row in r.rows] == ["已完成", "未完成", "未完成"]
    assert list(r.summary["label"]) == ["已完成", "未完成"]  # 数据不足 0 is no finding (session 39)
    assert r.overall == ("本次评估共3项指标（约束性2项、预期性1项），数据截至2025年。过半数指标未完成。目标年已有实际数据的3项中，"
                         "已完成1项、未完成2项。约束性指标中未完成的有1项：未达标指标。预期性指标中未完成的有1项：质押融资。")
    assert r.notes[1] == ("评价口径（总结评估）：目标年已有实际数据的指标按目标年实际值评价："
                          "达到目标为已完成，未达到为未完成；基期以后尚无数据的为数据不足。")
    everything = " ".join([r.overall, *r.notes, *said.values()])
    assert not any(word in everything for word in ("提前实现", "滞后", "中期评估"))


def test_a_past_target_in_a_mid_term_report_reads_achieved_and_the_rules_say_both():
    """SYNTHETIC figures: a 十三五 2020 target assessed as of 2022 beside an open 十四五 target."""
    history = pd.DataFrame(_series("测试区", "patents", 2015, [6.3, 7.0, 8.1, 9.2, 10.5, 12.5, 13.4, 14.1], "件/万人")
                           + _series("测试区", "firms", 2020, [1.89, 2.16, 2.43], "万户"))
    plan = pd.DataFrame([_plan_row("patents", "每万人口发明专利拥有量", "件/万人", 2015, "6.3", 2020, "12"),
                         _plan_row("firms", "期末市场主体总量", "万户", 2020, "〔1.89〕", 2025, "〔3.12〕")])
    r = build_report(*_assessed(history, plan, 2022), date="2023-03-01")
    assert r.title == "测试区规划主要指标中期评估"
    past, open_ = (_row(r, "每万人口发明专利拥有量"), _row(r, "期末市场主体总量"))
    assert past.narrative.endswith("已达到目标（≥12件/万人）。评价：已完成。")  # the plan's 12 as written
    assert open_.cells["category"].text in ("快于预期", "基本符合预期", "滞后")
    assert r.overall.startswith("本次评估共2项指标（均为预期性指标），数据截至2022年。规划实施总体进展顺利。"
                                "目标年已有实际数据的1项已完成；其余有进度数据的1项")
    assert r.notes[1].startswith("评价口径：目标年已有实际数据的指标按目标年实际值评价：达到目标为"
                                 "已完成，未达到为未完成；目标年尚无实际数据的指标按国家发展改革委中期评估用语评价，"
                                 "已达到目标为提前实现；")


def test_a_history_ending_before_the_baseline_year_is_said_so():
    """SYNTHETIC figures: 2012-2018 history, a 2020 baseline: the forecast extends that history."""
    history = pd.DataFrame(_series("测试区", "old", 2012, [5, 5.5, 6, 6.2, 6.8, 7.1, 7.5], "件/万人"))
    plan = pd.DataFrame([_plan_row("old", "每万人口发明专利拥有量", "件/万人", 2020, "8", 2025, "≥10")])
    table, details = _assessed(history, plan, 2023)
    for lang, start in (("zh", "每万人口发明专利拥有量：历史数据截至2018年，早于2020年基期（8件/万人），基期以后尚无"
                               "监测数据，无法判断进度。按历史数据的趋势外推，预计2025年为"),
                        ("en", "每万人口发明专利拥有量: the history ends in 2018, before the base year 2020 (8件/万人); "
                               "nothing is observed after the base year, so progress cannot be judged. Extending "
                               "the history's trend gives ")):
        row = build_report(table, details, lang=lang).rows[0]
        assert row.narrative.startswith(start), row.narrative
        assert not any(w in row.narrative for w in ("仅有", "宽泛估计", "only 20", "broad estimate"))
        assert row.cells["forecast"].text in row.narrative and row.cells["category"].text in row.narrative


def test_a_target_without_progress_is_rated_by_its_probability_in_words():
    """SYNTHETIC figures: no baseline in the plan, so no progress share; the rating says it follows
    p_meet (as the notes' rule does), and a probability below 1% is written 不足1% in the prose."""
    history = pd.DataFrame(_series("测试区", "x", 2021, [50, 52, 53], "家"))
    plan = pd.DataFrame([_plan_row("x", "无基期指标", "家", None, None, 2025, "≥80", "约束性")])
    table, details = _assessed(history, plan, 2023)
    r = build_report(table, details)
    row = r.rows[0]
    shown = (row.cells["progress_share"].text, row.cells["p_meet"].text, row.cells["category"].text)
    assert shown == ("–", "<1%", "滞后")  # the table keeps <1%
    assert "（规划未给出基期值，无法计算目标进度）" in row.narrative
    assert "实现目标（≥80家）的概率不足1%。" in row.narrative and "<1%" not in row.narrative
    assert row.narrative.endswith("按实现概率评价：滞后。")
    assert "约束性指标中需重点关注：无基期指标（实现概率不足1%，滞后）。" in r.overall
    assert "目标进度无法计算的（如规划未给出基期值，或基期值已处于目标一侧），按实现概率评价：不低于50%为基本符合预期，" \
           "低于50%为滞后" in r.notes[1]
    en = build_report(table, details, lang="en").rows[0].narrative
    assert "is less than 1%." in en and en.endswith("Assessment (by the probability): behind schedule.")


def test_a_met_target_needs_no_more_change_per_year(reports):
    """尚需年均变化 of a target already met reads 已达到 (not -0.067 beside another row's 0.00)."""
    zh, en = reports["zh"], reports["en"]
    met = [row for row in zh.rows if row.category in ("achieved", "completed")]
    assert {row.name for row in met} >= {"药品抽检合格率", "2022年度抽检任务（合成）"}
    assert {row.cells["required_pace"].text for row in met} == {"已达到"}
    # decimals set by the paces shown: two for +0.4x, not three for a hidden -0.067
    assert re.fullmatch(r"\+\d\.\d\d", _row(zh, "药品抽检合格率").cells["observed_pace"].text)
    assert {row.cells["required_pace"].text for row in en.rows if row.category == "achieved"} == {"met"}
    assert "已达到目标的记为“已达到”" in zh.notes[2]


# -- a final evaluation of the Dinghu plan: facts, not forecasts --------------------------------------

def _dinghu_rows(**changes) -> pd.DataFrame:
    """Rows of the real Dinghu plan; ``changes``: indicator -> column overrides (SYNTHETIC where used)."""
    plan = dinghu_plan()
    plan = plan[plan["indicator"].isin(changes)].copy()
    for ind, cols in changes.items():
        for col, v in cols.items():
            plan.loc[plan["indicator"] == ind, col] = v
    return plan.reset_index(drop=True)


@pytest.fixture(scope="module")
def dinghu_final():
    """The Dinghu plan assessed as of its 2025 target year, SYNTHETIC 2021-2025 values; the patent
    target written as a firm figure with a striven-for one (≥2.5（力争3）, SYNTHETIC)."""
    plan = _dinghu_rows(open_kitchen_coverage={}, food_samples_per_1000_people={},
                        high_value_invention_patents_per_10k={"baseline": "1.04", "target": "≥2.5（力争3）"})
    history = pd.DataFrame(
        _series("鼎湖区", "open_kitchen_coverage", 2020, [81, 84.5, 88, 91, 94, 97], "%")
        + _series("鼎湖区", "food_samples_per_1000_people", 2020, [5, 5.1, 5.2, 5.3, 5.4, 5.5], "批次/千人")
        + _series("鼎湖区", "high_value_invention_patents_per_10k", 2020, [1.04, 1.4, 1.8, 2.2, 2.6, 2.9], "件/万人"))
    return _assessed(history, plan, 2025)


def test_a_final_evaluation_shows_the_observed_value_and_no_forecast_or_probability(dinghu_final):
    """Tester's finding 1, 2, 4, 7: 目标年预测值 97 | 80%区间 97–97 | 实现概率 <1% for a value already observed;
    风险状态 难以实现 beside 未完成; ≥2.5（力争3）（≥2.50）; auto:pooled_drift in a Chinese table."""
    r = build_report(*dinghu_final, date="2026-03-01")
    kitchen, food = _row(r, "“明厨亮灶”覆盖率"), _row(r, "千人食品检验量")
    patents = _row(r, "每万人口高价值发明专利拥有量")
    # 97.0: the indicator's yearly values (86.5) show one decimal, so does its target-year value (session 35)
    for row, value, judged in ((kitchen, "97.0", ("已完成", "已实现")), (food, "5.5", ("未完成", "未实现"))):
        shown = {k: row.cells[k].text for k in ("forecast", "range_80", "p_meet", "category", "status")}
        assert shown == {"forecast": value, "range_80": "–", "p_meet": "–", "category": judged[0],
                         "status": judged[1]}
    assert food.narrative == ("千人食品检验量：目标年2025年实际为5.5批次/千人，未达到目标（≥6批次/千人）。"
                              "规划要求年均+0.2批次/千人，实际年均+0.1批次/千人，完成目标增量的50%。"  # s41: why; s42: places of 5.5
                              "评价：未完成。")
    assert patents.cells["target"].text == "≥2.5（力争3）"
    assert (patents.cells["p_striven"].text, patents.cells["status"].text) == ("–", "已实现")
    assert patents.narrative == ("每万人口高价值发明专利拥有量：目标年2025年实际为2.90件/万人，达到预期目标"
                                 "（≥2.5件/万人），未达到力争目标（3件/万人）。"
                                 "2024年起各年均达到预期目标（2024年为2.60件/万人）。评价：已完成。")  # s48: since when
    assert "力争目标实现概率" not in r.headers()
    assert not any(row.cells["model"].text.startswith(("auto:", "fallback:")) for row in r.rows)
    # the pooled drift named by what ran: no peer region here (session 35)
    assert {row.cells["model"].text for row in r.rows} <= {"趋势外推（无同类地区）", "年度计数模型（泊松）", "漂移", "组合模型"}
    assert all(row.cells["model"].text.startswith("auto:") for row in build_report(*dinghu_final, lang="en").rows)


@pytest.fixture(scope="module")
def dinghu_midterm():
    """The Dinghu plan as of 2023 with SYNTHETIC 2020-2023 values; SYNTHETIC plan changes: the patent
    target ≥2.5（力争3）, a 2022 target for 化妆品抽检批次数 (≥14) and for 千人食品检验量 (5.5, beside
    its 2025 target), and a 市场主体增长率 row (a % rate that may be negative)."""
    plan = _dinghu_rows(high_value_invention_patents_per_10k={"baseline": "1.04", "target": "≥2.5（力争3）"},
                        licensed_pharmacists_per_10k={}, drug_sampling_pass_rate={},
                        cosmetics_sampling_batches={"target_year": "2022", "target": "≥14"},
                        food_samples_per_1000_people={})
    extra = pd.DataFrame([
        {**plan[plan["indicator"] == "food_samples_per_1000_people"].iloc[0].to_dict(),
         "target_year": "2022", "target": "5.5"},
        {"region": "鼎湖区", "indicator": "entity_growth", "name": "市场主体增长率", "unit": "%",
         "baseline_year": "2020", "baseline": "8", "target_year": "2025", "target": "≥6", "attribute": "预期性"}])
    history = pd.DataFrame(
        _series("鼎湖区", "high_value_invention_patents_per_10k", 2020, [1.04, 1.4, 1.8, 2.2], "件/万人")
        + _series("鼎湖区", "licensed_pharmacists_per_10k", 2020, [4.4, 4.45, 4.52, 4.61], "人/万人口")
        + _series("鼎湖区", "drug_sampling_pass_rate", 2020, [98, 98, 98, 98], "%")
        + [{"region": "鼎湖区", "indicator": "cosmetics_sampling_batches", "year": y, "value": v, "unit": "批次/年"}
           for y, v in ((2020, 9), (2021, 13), (2023, 14))]  # 2022 not observed: interpolated 13.5
        + _series("鼎湖区", "food_samples_per_1000_people", 2020, [5, 5.1, 5.2, 5.3], "批次/千人")
        + _series("鼎湖区", "entity_growth", 2020, [8, -2.5, 3.1, -0.4], "%"))
    return _assessed(history, pd.concat([plan, extra], ignore_index=True), 2023)


def test_a_two_tier_target_gives_each_tier_its_probability_once(dinghu_midterm):
    """Tester's finding 4: ≥2.5（力争3）（≥2.50） in the table, 实现目标（≥2.5（力争3），即≥2.50件/万人） in the text."""
    row = _row(build_report(*dinghu_midterm), "每万人口高价值发明专利拥有量")
    p, ps = row.cells["p_meet"].text, row.cells["p_striven"].text
    assert row.cells["target"].text == "≥2.5（力争3）"
    assert f"实现目标（≥2.5件/万人）的概率为{p}，实现力争目标（3件/万人）的概率为{ps}。" in row.narrative
    assert row.narrative.count("力争") == 1


def test_a_figure_compared_with_its_target_shows_the_decimals_that_tell_them_apart(dinghu_midterm):
    """Tester's finding 3: 插值估计为14家，未达到目标（≥14家） with 13.5 behind it."""
    row = _row(build_report(*dinghu_midterm), "化妆品抽检批次数")
    # session 38: 2022 never reported, its 13.5 only interpolated: 数据不足, the estimate shown marked 插值
    assert row.narrative == "化妆品抽检批次数：2020年基期以后有截至2023年的监测数据，缺2022年数据，无法判定是否完成。评价：数据不足。"
    assert (row.cells["forecast"].text, row.cells["target"].text) == ("插值 13.5", "≥14")  # 13.5 tells them apart


def test_an_indicator_with_two_target_years_is_named_with_the_year(dinghu_midterm, tmp_path):
    """Tester's finding 5: 需重点关注：千人食品检验量（未完成）、千人食品检验量（…） and two headings alike."""
    r = build_report(*dinghu_midterm)
    named = [row.name for row in r.rows if row.raw["indicator"] == "food_samples_per_1000_people"]
    assert named == ["千人食品检验量（2025年目标）", "千人食品检验量（2022年目标）"]
    assert "约束性指标中未完成的有1项：千人食品检验量（2022年目标）" in r.overall
    write_report(*dinghu_midterm, tmp_path / "r.docx")
    headings = [p.text for p in Document(tmp_path / "r.docx").paragraphs if p.style.name == "Heading 2"]
    assert any(h.endswith("千人食品检验量（2022年目标，未完成）") for h in headings)
    assert _row(r, "药品抽检合格率").name == "药品抽检合格率"  # a name said once stays as it is


def test_status_and_figures_read_as_a_reader_expects(dinghu_midterm):
    """Tester's findings 2 and 8: 提前实现 … 存在风险; 0.0个百分点 for no change; -27.25–14.91%."""
    r = build_report(*dinghu_midterm)
    early = _row(r, "执业药师数")
    assert early.cells["category"].text == "提前实现" and early.cells["status"].text == "已实现"
    assert _row(r, "药品抽检合格率").narrative.count("已观测期间持平。") == 1
    growth = _row(r, "市场主体增长率")
    lo, hi = growth.cells["lo_80"].text, growth.cells["hi_80"].text
    assert lo.startswith("-") and f"（80%区间{lo}%至{hi}%）" in growth.narrative
    assert growth.cells["range_80"].text == f"{lo}至{hi}"
