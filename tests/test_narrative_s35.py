"""The report's prose as a planning department hands it in (中期评估 / 总结评估): true about the data's
years, no fan-chart notes without fan charts, an overall verdict, no zero counts, the lagging expected
indicators named, 基本同步 within the tolerance band, 不升反降 said plainly, no English unit word in
Chinese prose, and several regions counted as regions (not their 合计).

Data: the REAL national targets and history (``data/china``: as of 2023 no series goes past 2022);
the REAL Dinghu plan with the SYNTHETIC history of ``tests/report_helpers.py``; and SYNTHETIC district
tables made up here by code (:func:`_district_tables`, labelled SYNTHETIC, not observed figures).
"""
from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
from report_helpers import dinghu_history, dinghu_plan

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import build_report, narrative
from mstarget.report.formatting import percent_int


def _assess(history, plan, as_of: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(history, mt.read_plan(plan), as_of=as_of, seed=0)


@pytest.fixture(scope="module")
def national(data_dir):
    """The REAL national table assessed as of 2023 (the figures end in 2022) and 2025."""
    out = {}
    for year in (2023, 2025):
        table, details = _assess(data_dir / "china" / "national_history.csv",
                                 data_dir / "china" / "national_targets.csv", year)
        out[year] = {lang: build_report(table, details, lang=lang, date="2024-03-01") for lang in ("zh", "en")}
        # the Python API without sample paths (write_report(table, None, ...)): no fan chart drawn
        out[year]["no_details"] = {lang: build_report(table, None, lang=lang, date="2024-03-01")
                                   for lang in ("zh", "en")}
    return out


def _row(report, name):
    return next(r for r in report.rows if r.name == name)


# -- 1. the latest year observed, not the evaluation year -----------------------------------------

def test_the_overall_paragraph_gives_the_latest_year_observed_not_the_evaluation_year(national):
    for year in (2023, 2025):
        zh, en = national[year]["zh"].overall, national[year]["en"].overall
        assert f"评估基准年{year}年，最新数据截至2022年。" in zh, zh
        assert f"数据截至{year}年" not in zh
        assert f"assessed as of {year}, with the latest data from 2022." in en, en
    # data reaching the evaluation year (Dinghu, SYNTHETIC history to 2023) read as before
    report = build_report(*_assess(dinghu_history(), dinghu_plan(), 2023), date="2024-03-01")
    assert report.overall.startswith("本次评估共14项指标（约束性2项、预期性12项），数据截至2023年。")


# -- 2. no fan chart drawn, no note on fan charts --------------------------------------------------

def test_a_report_without_fan_charts_explains_none(national):
    drawn, none = national[2023]["zh"], national[2023]["no_details"]["zh"]
    assert drawn.charted and any("扇形图" in n for n in drawn.notes)  # with sample paths: charts and their legend
    assert not none.charted
    assert not any("扇形图" in n or "为控制篇幅" in n for n in none.notes), none.notes
    kept = [n for n in drawn.notes if "扇形图" not in n and "为控制篇幅" not in n]
    assert [n.split("、", 1)[-1].split(". ", 1)[-1] for n in none.notes] == \
        [n.split("、", 1)[-1].split(". ", 1)[-1] for n in kept]  # definitions and rules unchanged
    english = national[2023]["no_details"]["en"]
    assert not any("fan chart" in n.lower() or "To keep the report short" in n for n in english.notes)


# -- 3. a verdict, no zero counts, the lagging expected indicators named ---------------------------

VERDICTS_ZH = ("规划实施总体进展顺利。", "规划实施总体基本符合预期。", "过半数指标进展滞后或实现概率低于50%，按期完成难度较大。",
               "规划主要指标全部完成。", "规划主要指标总体完成较好。", "半数以上指标已完成，部分指标未完成。", "过半数指标未完成。")


def _needs_attention(r) -> bool:
    if r.category in ("completed", "not_completed"):
        return r.category == "not_completed"
    return r.category != "insufficient_data" and (r.category == "behind" or percent_int(r.raw["p_meet"]) < 50)


def test_the_overall_paragraph_opens_with_a_verdict_true_to_the_counts():
    """Dinghu 2023 (SYNTHETIC history, edge rows): 17 targets assessed, a binding one lagging -> no better than
    基本符合预期; the sentence after the scope is the verdict, every count shown is non-zero."""
    with pytest.warns(mt.ShortHistoryWarning):
        table, details = assess_detailed(dinghu_history(edge=True), mt.read_plan(dinghu_plan(edge=True)),
                                         as_of=2023, seed=0)
    zh = build_report(table, details, date="2024-03-01")
    sentences = zh.overall.split("。")
    assessed = [r for r in zh.rows if r.category != "insufficient_data"]
    on_track = [r for r in assessed if not _needs_attention(r)]
    binding_lags = any(r.binding and _needs_attention(r) for r in assessed)
    assert binding_lags and 2 * len(on_track) >= len(assessed)  # the data: fair, not good
    assert sentences[1] == f"从可评价的{len(assessed)}项看，规划实施总体基本符合预期", zh.overall
    assert not re.search(r"(?<![\d.])0项", zh.overall), zh.overall  # no 提前实现0项, 未完成0项
    en = build_report(table, details, lang="en", date="2024-03-01")
    assert f"Judged on the {len(assessed)} targets assessed, the plan is broadly on course overall." in en.overall


def test_the_expected_indicators_lagging_are_named_most_at_risk_first(monkeypatch):
    with pytest.warns(mt.ShortHistoryWarning):
        table, details = assess_detailed(dinghu_history(edge=True), mt.read_plan(dinghu_plan(edge=True)),
                                         as_of=2023, seed=0)
    zh = build_report(table, details, date="2024-03-01")
    lagging = sorted((r for r in zh.rows if r.raw.get("attribute") == "expected" and _needs_attention(r)
                      and r.category not in ("completed", "not_completed")),
                     key=lambda r: percent_int(r.raw["p_meet"]))
    # the data: 4 (5 before session 39: 有效认证证书 115 -> ≥120, forecast 119.9, is judged on the whole number it
    # will be reported as, p_meet 0.49 -> 0.55)
    assert len(lagging) == 4
    said = [f"{r.name}（实现概率{r.cells['p_meet'].text.replace('<1%', '不足1%')}，{r.cells['category'].text}）"
            for r in lagging]
    assert f"预期性指标中进度滞后或实现概率低于50%的有4项：{'、'.join(said)}。" in zh.overall, zh.overall
    # past the names a sentence gives: the first ones, then 等N项
    monkeypatch.setattr(narrative, "NAMED_AT_MOST", 3)
    short = build_report(table, details, date="2024-03-01").overall
    assert f"预期性指标中进度滞后或实现概率低于50%的有{'、'.join(said[:3])}等4项。" in short, short
    assert lagging[3].name not in short
    en = build_report(table, details, lang="en", date="2024-03-01").overall
    assert "Expected indicators behind schedule or below a 50% chance (4): " in en and "; and 1 more." in en


def test_fewer_than_half_assessed_gives_no_verdict(national):
    """National 2025 (REAL): one target of five can be judged -- no verdict drawn from it."""
    zh = national[2025]["zh"].overall
    assert "可评价的指标（1项）不足半数，暂不作总体判断。" in zh
    assert not any(v in zh for v in VERDICTS_ZH)
    assert "目标年已有实际数据的1项已完成" in zh and "未完成0项" not in zh


# -- 4. 基本同步 within the band, 不升反降 said plainly -----------------------------------------------

def _single_district():
    """SYNTHETIC: one district, 2020 baseline, 2025 target, observed to 2023 (time elapsed 60%)."""
    series = {"entities": (1.89, 2.13, 2.37, 2.61),      # 59% of the way: within the band
              "standards": (38, 55, 72, 88),              # 63%: within the band, ahead of 60% by 3 points
              "coverage": (81, 84, 86, 88),               # 78%: outside the band
              "certificates": (108, 105, 102, 99)}        # moving away from >= 120
    rows = [{"region": "测试区", "indicator": k, "year": 2020 + i, "value": v}
            for k, vs in series.items() for i, v in enumerate(vs)]
    plan = pd.DataFrame([
        {"indicator": "entities", "name": "期末市场主体总量", "unit": "万户", "baseline": "〔1.89〕", "target": "〔3.12〕"},
        {"indicator": "standards", "name": "企业标准", "unit": "项", "baseline": "38", "target": "≥117"},
        {"indicator": "coverage", "name": "“明厨亮灶”覆盖率", "unit": "%", "baseline": "81", "target": "≥90"},
        {"indicator": "certificates", "name": "有效期内认证证书", "unit": "张", "baseline": "108", "target": "≥120"},
    ]).assign(region="测试区", baseline_year=2020, target_year=2025, attribute="预期性")
    return pd.DataFrame(rows), plan


def test_progress_within_the_band_reads_in_step_with_the_time_elapsed():
    table, details = _assess(*_single_district(), 2023)
    zh, en = (build_report(table, details, lang=lang, date="2024-03-01") for lang in ("zh", "en"))
    for name, share in (("期末市场主体总量", "59%"), ("企业标准", "63%")):
        r = _row(zh, name)
        assert f"完成目标增量的{share}，与时间进度基本同步（60%）。" in r.narrative, r.narrative
        assert "快于" not in r.narrative and "慢于" not in r.narrative
        if r.category != "behind":  # the band, not the probability, decides these
            assert r.cells["category"].text == "基本符合预期"
        assert "broadly in step with the time elapsed (60%)" in _row(en, name).narrative
    assert "完成目标增量的78%，快于时间进度（60%）" in _row(zh, "“明厨亮灶”覆盖率").narrative


def test_a_series_moving_away_from_its_target_says_so_plainly():
    table, details = _assess(*_single_district(), 2023)
    zh, en = (build_report(table, details, lang=lang, date="2024-03-01") for lang in ("zh", "en"))
    said = _row(zh, "有效期内认证证书").narrative
    assert said.startswith("有效期内认证证书：2023年为99张，较2020年基期（108张）不升反降，减少9张（时间进度60%）。"), said
    assert "反向变化" not in said and "-75%" not in said
    assert "down from the base year 2020 (108张) instead of up by 9张" in _row(en, "有效期内认证证书").narrative


# -- 5. an English unit word in Chinese prose ------------------------------------------------------

def test_an_english_unit_word_is_left_out_of_chinese_prose(national):
    zh, en = national[2023]["zh"], national[2023]["en"]
    r = _row(zh, "制造业质量竞争力指数")
    assert r.cells["unit"].text == "指数"  # the table keeps the unit as given (``index`` before session 38)
    assert "仅有2021年数据（84.91），" in r.narrative and "（≥86）" in r.narrative, r.narrative
    assert not any(re.search(r"\bindex\b", row.narrative) for row in zh.rows)
    assert "84.91 index" in _row(en, "制造业质量竞争力指数").narrative  # English prose keeps it


# -- 6. several regions and their 合计 ---------------------------------------------------------------

def _district_tables():
    """SYNTHETIC: three districts and their 合计, two indicators (a binding rate, an expected stock)."""
    rate = {"端州区": (85, 86, 88, 89), "鼎湖区": (81, 84, 86, 88), "高要区": (78, 79, 80, 80.5),
            "合计": (81.5, 83, 84.5, 85.5)}
    stock = {"端州区": (3.2, 3.5, 3.8, 4.1), "鼎湖区": (1.89, 2.13, 2.37, 2.61), "高要区": (2.5, 2.6, 2.7, 2.75),
             "合计": (7.59, 8.23, 8.87, 9.46)}
    targets = {"端州区": ("95", "5.0"), "鼎湖区": ("90", "3.12"), "高要区": ("90", "3.8"), "合计": ("92", "11.92")}
    history = pd.DataFrame([{"region": g, "indicator": k, "year": 2020 + i, "value": v}
                            for k, by in (("coverage", rate), ("entities", stock))
                            for g, vs in by.items() for i, v in enumerate(vs)])
    plan = pd.DataFrame(
        [{"region": g, "indicator": "coverage", "name": "“明厨亮灶”覆盖率", "unit": "%", "baseline": str(rate[g][0]),
          "target": "≥" + targets[g][0], "attribute": "约束性"} for g in rate]
        + [{"region": g, "indicator": "entities", "name": "市场主体总量", "unit": "万户", "baseline": f"〔{stock[g][0]}〕",
            "target": f"〔{targets[g][1]}〕", "attribute": "预期性"} for g in stock]
    ).assign(baseline_year=2020, target_year=2025)
    return history, plan


def test_several_regions_are_counted_as_regions_and_named_without_a_space():
    table, details = _assess(*_district_tables(), 2023)
    zh, en = (build_report(table, details, lang=lang, date="2024-03-01") for lang in ("zh", "en"))
    # f9: the table's own 合计 rows are not counted with the regions' targets (said apart at the end)
    assert zh.overall.startswith("本次评估共2项指标、3个地区（另列合计）共6个指标值（约束性3个、预期性3个），"
                                 "数据截至2023年。"), zh.overall
    assert en.overall.startswith("This evaluation covers 2 indicators in 3 regions (and 合计 apart), 6 targets in all "
                                 "(3 binding, 3 expected), with data up to 2023."), en.overall
    regions = zh.overall[zh.overall.index("分地区看"):zh.overall.index("表中合计行")]
    assert "合计" not in regions, regions  # the total is no place where targets lag
    for row in zh.rows:
        region, name = row.raw["region"], row.cells["name"].text
        assert row.narrative.startswith(f"{region}{name}："), row.narrative
        assert f"{region} {name}" not in zh.overall
    # since session 38 a list of several regions is grouped by indicator, each region named once
    assert "“明厨亮灶”覆盖率（端州区、高要区）" in zh.overall
