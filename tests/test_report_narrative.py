"""The narrative per target says only what the table's figures support (issue 12).

Data: the real Dinghu plan with SYNTHETIC 2021-2023 history and synthetic edge rows
(tests/report_helpers.py), so every case of the narrative occurs.
"""
from __future__ import annotations

import re

import pytest
from report_helpers import dinghu_history, dinghu_plan

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import build_report
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
        unknown = [f for f in figures if f not in table_figures(row)]
        assert not unknown, f"{row.narrative!r} states {unknown}, not in its table row"
        assert row.cells["category"].text in row.narrative


def _row(report, name):
    return next(r for r in report.rows if r.name == name)


def test_the_issue_example_reads_as_written(reports):  # issue 12
    r = _row(reports["zh"], "期末市场主体总量")
    c = r.figures()
    assert r.narrative == (
        f"期末市场主体总量：2023年为2.70万户，较2020年基期（1.89万户）完成目标增量的66%，快于时间进度（60%）。"
        f"按当前趋势预计2025年为{c['forecast']}万户（80%区间{c['lo_80']}–{c['hi_80']}万户），"
        f"实现目标（≥3.12万户）的概率为{c['p_meet']}。尚需年均增长0.21万户，已观测期间年均增长0.27万户。"
        f"评价：{c['category']}。")
    en = _row(reports["en"], "期末市场主体总量").narrative
    assert en.startswith("期末市场主体总量: 2.70万户 in 2023, 66% of the way from the base year 2020 (1.89万户) "
                         "to the target, ahead of the time elapsed (60%).")


def test_comparison_words_follow_the_rounded_figures(reports):  # issue 12
    for row in reports["zh"].rows:
        text, raw = row.narrative, row.raw
        if "时间进度（" not in text or "反向变化" in text:
            continue
        p, t = percent_int(raw["progress_share"]), percent_int(raw["time_share"])
        if "快于时间进度" in text:
            assert p > t
        elif "慢于时间进度" in text:
            assert p < t
        else:
            assert "与时间进度" in text and "持平" in text and p == t
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
    assert "反向变化，目标进度为-200%" in _row(reports["zh"], "化妆品抽检批次数").narrative


def test_every_case_has_its_own_wording(reports, assessed):  # issue 12
    zh = reports["zh"]
    sums = _row(zh, "知识产权质押登记融资金额")  # 〈5〉: sum of flows since 2020
    assert "2020年基期以来至2023年累计完成3.20亿元，占目标（≥5.00亿元）的64%" in sums.narrative
    assert "尚余1.80亿元" in sums.narrative and sums.cells["current"].text == "累计 3.20"
    cap = _row(zh, "新增特种设备许可（合成）")  # 〈≤40〉
    assert "目标为累计≤40项" in cap.narrative and "此后年均不超过" in cap.narrative
    nodata = _row(zh, "无数据指标（合成）")
    assert nodata.narrative == "无数据指标（合成）：暂无监测数据，无法评估进展（目标：2025年≥120万元）。评价：数据不足。"
    base_only = _row(zh, "地方标准")
    assert "尚无2020年基期以后的监测数据" in base_only.narrative and "仅供参考" in base_only.narrative
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
                                  "评价：提前实现。")
    early = _row(zh, "药品抽检合格率")
    assert "已达到目标（≥99.0%）" in early.narrative and "届时达标的概率为" in early.narrative
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
    assert "目标年2022年按前后年份插值估计为" in row.narrative and "实际为" not in row.narrative


def test_overall_paragraph_counts_and_names_the_binding_targets_at_risk(reports):  # issue 12
    zh, en = reports["zh"], reports["en"]
    counts = dict(zip(zh.summary["category"], zh.summary["total"]))
    assert zh.overall.startswith("本次评估共19项指标（约束性3项、预期性16项），数据截至2023年。")
    assert (f"有进度数据的{19 - counts['insufficient_data']}项中，提前实现{counts['achieved']}项、快于预期"
            f"{counts['ahead']}项、基本符合预期{counts['on_schedule']}项、滞后{counts['behind']}项") in zh.overall
    at_risk = [r for r in zh.rows if r.binding and (r.category == "behind" or percent_int(r.raw["p_meet"]) < 50)]
    safe = [r for r in zh.rows if r.binding and r not in at_risk]
    assert at_risk, "the synthetic data should put a binding target at risk"
    for r in at_risk:
        assert f"{r.name}（实现概率{r.cells['p_meet'].text}，{r.cells['category'].text}）" in zh.overall
    for r in safe:
        assert r.name not in zh.overall
    assert en.overall.startswith("This evaluation covers 19 indicators (3 binding, 16 expected), with data up to 2023.")


def test_summary_by_category_lists_binding_indicators_first(reports):  # issue 12
    zh = reports["zh"]
    assert [r.binding for r in zh.rows[:3]] == [True, True, True] and not zh.rows[3].binding
    assert list(zh.summary["label"]) == ["提前实现", "快于预期", "基本符合预期", "滞后", "数据不足"]
    assert zh.summary["total"].sum() == 19
    for s in zh.summary.itertuples():
        members = [r for r in zh.rows if r.category == s.category]
        assert s.indicators == "、".join(f"{r.number}. {r.name}" for r in
                                         [m for m in members if m.binding] + [m for m in members if not m.binding])


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
