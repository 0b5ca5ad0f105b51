"""The evaluation report as a table a 市场监管局 hands in (session 35): 尚需年均变化 of a target already reached,
paces without float noise, one forward-looking column (预计完成情况) in every format, a column per observed
year, the plan's order and figures as written, whole-number counts, the model named by what ran, the title
from the plan's name, an A4 landscape print.

The plan is the real Dinghu plan (data/dinghu_14th_fyp_plan.csv); the history is SYNTHETIC (made up for
these tests, generated below), with some series reaching 2025 and others ending in 2023 or 2024.
"""
from __future__ import annotations

import math
import re
import warnings
from html import unescape

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import build_report, write_report
from mstarget.report.formatting import pace_decimals
from mstarget.report import model as report_model

from report_helpers import DATA, REGION, dinghu_plan

#: SYNTHETIC yearly values (first year, values): 2025 for some series, 2023 or 2024 for the others
SYNTHETIC = {
    "market_entities_total": (2020, [1.89, 2.15, 2.38, 2.61, 2.83, 3.05]),
    "enterprises_per_1000_people": (2020, [16.22, 17.5, 18.9, 20.1]),
    "high_value_invention_patents_per_10k": (2020, [1.04, 1.5, 2.1, 2.7, 3.2]),
    "ip_pledge_financing": (2021, [0.8, 1.2, 1.5, 1.1, 0.9]),
    "local_standards": (2020, [0.0, 0.0, 1.0, 1.0]),
    "enterprise_standards": (2020, [38.0, 55.0, 71.0, 90.0]),
    "valid_certificates": (2020, [108.0, 104.0, 101.0, 99.0]),
    "food_samples_per_1000_people": (2020, [5.0, 5.2, 5.1, 5.3, 5.5, 5.8]),
    "medical_device_sampling_batches": (2020, [8.0, 9.0, 9.0, 10.0]),
    "cosmetics_sampling_batches": (2020, [9.0, 9.0, 8.0, 9.0]),
    "open_kitchen_coverage": (2020, [81.0, 84.0, 86.5, 88.0, 90.5, 92.0]),
    "industrial_product_sampling_coverage": (2020, [0.3, 0.5, 0.7, 0.9]),
    "drug_sampling_pass_rate": (2020, [98.0, 98.6, 99.1, 99.3]),
    "licensed_pharmacists_per_10k": (2020, [4.4, 4.3, 4.2, 4.25]),
}


def synthetic_history() -> pd.DataFrame:
    return pd.DataFrame([{"region": REGION, "indicator": ind, "year": start + k, "value": v, "source": "synthetic"}
                         for ind, (start, values) in SYNTHETIC.items() for k, v in enumerate(values)])


def _assessed(as_of: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(synthetic_history(), mt.read_plan(dinghu_plan()), as_of=as_of, seed=0)


@pytest.fixture(scope="module")
def final():
    table, details = _assessed(2025)
    return build_report(table, details, plan=mt.read_plan(dinghu_plan()), date="2026-03-01")


@pytest.fixture(scope="module")
def midterm():
    table, details = _assessed(2023)
    return build_report(table, details, plan=mt.read_plan(dinghu_plan()), date="2024-03-01")


def _row(report, indicator):
    return next(r for r in report.rows if r.raw["indicator"] == indicator)


# -- 1. a target reached whose target-year figure is awaited needs nothing more ----------------------------

def test_a_reached_target_awaiting_its_year_needs_nothing_more(final):
    """总结评估 as of 2025: patents 3.20 (2024) ≥〔3〕, batches 10 ≥9, pass rate 99.3 ≥99, each awaiting 2025."""
    for indicator in ("high_value_invention_patents_per_10k", "medical_device_sampling_batches",
                      "drug_sampling_pass_rate"):
        row = _row(final, indicator)
        assert row.category == "insufficient_data" and row.awaited
        assert row.cells["required_pace"].text == "已达到", (indicator, row.cells["required_pace"].text)
    assert not any(r.cells["required_pace"].text.startswith("-") and r.raw["direction"] == ">=" for r in final.rows)


# -- 2. paces without float noise, at most one decimal beyond the figures' ------------------------------------

def test_paces_read_without_float_noise(midterm):
    assert pace_decimals(2, 0.35, (5.3 - 5.0) / 3) == 2
    assert pace_decimals(2, 0.05) == 2  # 0.05, not 0.050
    food = _row(midterm, "food_samples_per_1000_people")  # 5.0 -> 5.3 in three years
    # s42: a pace takes the places of the row's figures (5.3), one more only where it needs it (0.35): +0.1, not +0.10
    assert (food.cells["required_pace"].text, food.cells["observed_pace"].text) == ("+0.35", "+0.1")
    assert "尚需年均增长0.35批次/千人，已观测期间年均增长0.1批次/千人" in food.narrative
    coverage = _row(midterm, "industrial_product_sampling_coverage")
    assert (coverage.cells["required_pace"].text, coverage.cells["observed_pace"].text) == ("+0.05", "+0.2")


# -- 3. one forward-looking column, the same in every format --------------------------------------------------

def test_one_outlook_column_in_every_format(tmp_path):
    table, details = _assessed(2023)
    outs = [tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "r.docx"]
    report = write_report(table, details, outs, plan=mt.read_plan(dinghu_plan()), date="2024-03-01")
    page = outs[0].read_text(encoding="utf-8")
    html_head = [unescape(h) for h in re.findall(r'<th data-col="\w+">(.*?)</th>', page)]
    xlsx_head = [c.value for c in load_workbook(outs[1])["评估表"][2]]
    docx_head = [c.text for c in Document(outs[2]).tables[1].rows[0].cells]
    split = [x for h in html_head for x in (("80%区间下限", "80%区间上限") if h == "80%区间" else (h,))]
    assert html_head == docx_head and xlsx_head == split  # the workbook splits the range into two numbers
    for head in (html_head, docx_head, xlsx_head):
        assert "预计完成情况" in head and "风险状态" not in head and "预测模型" not in head
    words = {r.raw["indicator"]: r.cells["outlook"].text for r in report.rows}
    # p_meet 0.14 -> 完成难度较大; 0.63 -> 有望完成; 0.89 -> 预计能够完成 (thresholds of assess: 0.7, 0.5, 0.3)
    assert words["enterprises_per_1000_people"] == "完成难度较大"
    assert words["market_entities_total"] == "有望完成"
    assert words["high_value_invention_patents_per_10k"] == "预计能够完成"
    assert [low for low, _, _ in report_model.OUTLOOK_LEVELS] == [0.7, 0.5, 0.3, 0.0]
    assert any("预计完成情况按实现概率表述：不低于70%为预计能够完成" in n for n in report.notes)


def test_no_outlook_for_a_baseline_only_row_or_an_observed_target_year(final):
    plan = pd.DataFrame([{"region": REGION, "indicator": "baseline_only", "name": "仅有基期值的指标（合成）",
                          "unit": "家", "baseline_year": 2020, "baseline": 380, "target_year": 2025,
                          "target": "≥600", "attribute": "预期性"}])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(None, plan, as_of=2023, seed=0)
    row = build_report(table, details).rows[0]
    assert row.cells["category"].text == "数据不足" and row.cells["outlook"].text == "–"
    done = _row(final, "open_kitchen_coverage")  # 2025 observed: 已完成, nothing left to foresee
    assert done.cells["category"].text == "已完成" and done.cells["outlook"].text == "–"


# -- 4. a column per observed year --------------------------------------------------------------------------

def test_a_column_per_observed_year(midterm, final):
    head = midterm.headers()
    assert head[:6] == ["序号", "指标名称", "单位", "属性", "基期值（2020年）", "目标值（2025年）"]
    assert head[6:9] == ["2021年", "2022年", "2023年"] and "最新值" not in head and "2025年预测值" in head
    firms = _row(midterm, "market_entities_total")
    assert [firms.cells[f"y{y}"].text for y in (2021, 2022, 2023)] == ["2.15", "2.38", "2.61"]
    pledge = _row(midterm, "ip_pledge_financing")  # 〈5〉: additions since 2020, as the plan's 完成值 write them
    # session 35 (f9): each year's figure as written, not padded to the row's places (0.80) -- a sum with its
    # additions' one place
    assert [pledge.cells[f"y{y}"].text for y in (2021, 2022, 2023)] == ["0.8", "2.0", "3.5"]
    assert final.years == [2021, 2022, 2023, 2024, 2025]
    patents = _row(final, "high_value_invention_patents_per_10k")  # observed to 2024: 2025 blank
    assert (patents.cells["y2024"].text, patents.cells["y2025"].text) == ("3.20", "–")  # the row's decimals (s36)


def test_a_past_yearly_target_shows_its_own_years_value():
    """A table of yearly targets (2021年目标 … 2025年目标, SYNTHETIC figures); mixed base years keep 最新值."""
    plan = pd.DataFrame([{"region": REGION, "indicator": "food", "name": "千人食品检验量", "unit": "批次/千人",
                          "baseline_year": by, "baseline": b, "target_year": ty, "target": t, "attribute": "约束性"}
                         for by, b, ty, t in ((2020, 5, 2021, 5.2), (2020, 5, 2025, 6), (2021, 5.3, 2023, 5.6))])
    history = pd.DataFrame({"region": REGION, "indicator": "food", "year": [2020, 2021, 2022, 2023],
                            "value": [5.0, 5.3, 5.5, 5.9]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(*assess_detailed(history, plan, as_of=2023, seed=0))
    assert report.years == [] and "最新值" in report.headers()
    past = next(r for r in report.rows if r.raw["target_year"] == 2021)
    assert (past.cells["last_year_shown"].text, past.cells["current_shown"].text) == ("2021", "5.3")


# -- 5. the plan's order and numbers ---------------------------------------------------------------------

def test_rows_keep_the_plans_order_and_numbers(midterm):
    plan = dinghu_plan()
    assert [r.raw["indicator"] for r in midterm.rows] == plan["indicator"].tolist()
    assert [r.number for r in midterm.rows] == list(range(1, len(plan) + 1))
    numbered = plan.assign(序号=[str(10 + k) for k in range(len(plan))])
    table, details = _assessed(2023)
    report = build_report(table, details, plan=mt.read_plan(numbered))
    assert [r.cells["no"].text for r in report.rows][:2] == ["10", "11"]


# -- 6. figures as the plan wrote them, alike in every region ---------------------------------------------

def test_baselines_and_targets_as_the_plan_wrote_them(midterm):
    cells = {r.raw["indicator"]: r.cells for r in midterm.rows}
    assert (cells["food_samples_per_1000_people"]["baseline_shown"].text,
            cells["food_samples_per_1000_people"]["target"].text) == ("5", "≥6")
    assert (cells["market_entities_total"]["baseline_shown"].text,
            cells["market_entities_total"]["target"].text) == ("〔1.89〕", "≥〔3.12〕")
    assert cells["ip_pledge_financing"]["baseline_shown"].text == "〈0〉"
    assert (cells["drug_sampling_pass_rate"]["baseline_shown"].text,
            cells["drug_sampling_pass_rate"]["target"].text) == ("98", "≥99")
    food = _row(midterm, "food_samples_per_1000_people")
    assert "（≥6批次/千人）" in food.narrative and "6.00" not in food.narrative


def test_an_indicator_reads_alike_in_every_region():
    """Two districts of one SYNTHETIC plan: 3.2 / 2.5 万户 written with one decimal, 1.89 with two."""
    plan = pd.DataFrame([{"region": reg, "indicator": "firms", "name": "市场主体总量", "unit": "万户",
                          "baseline_year": 2020, "baseline": b, "target_year": 2025, "target": t, "attribute": "预期性"}
                         for reg, b, t in (("端州区", "〔3.2〕", "〔5.0〕"), ("鼎湖区", "〔1.89〕", "〔3.12〕"))])
    history = pd.DataFrame([{"region": reg, "indicator": "firms", "year": 2020 + k, "value": v}
                            for reg, vals in (("端州区", [3.2, 3.5, 3.8, 4.1]), ("鼎湖区", [1.89, 2.15, 2.38, 2.61]))
                            for k, v in enumerate(vals)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(*assess_detailed(history, mt.read_plan(plan), as_of=2023, seed=0))
    duan, ding = report.rows
    # session 36: an indicator's written figures with the most places any region writes (4.10 beside 2.61)
    assert duan.cells["y2023"].text == "4.10" and ding.cells["y2023"].text == "2.61"
    decimals = {len(r.cells[k].text.split(".")[1]) for r in report.rows for k in ("forecast", "lo_80")}
    assert decimals == {2}


# -- 7. a count's forecast in whole numbers ------------------------------------------------------------------

def test_a_counts_forecast_and_range_are_whole_numbers(midterm):
    local = _row(midterm, "local_standards")  # 0, 0, 1, 1 项 against ≥〔2〕, counted: median 1, range 0-3
    raw = local.raw
    assert local.cells["forecast"].text == "1"
    assert local.cells["range_80"].text == f"{math.floor(raw['lo_80'])}–{math.ceil(raw['hi_80'])}" == "0–3"
    assert re.search(r"预计2025年为1项（80%区间0–3项）", local.narrative)
    devices = _row(midterm, "enterprise_standards")  # 38, 55, 72 项: more than a handful, a trend (not counted)
    assert re.fullmatch(r"\d+", devices.cells["forecast"].text) and "." not in devices.cells["range_80"].text


# -- 8-11. model, title, print layout ----------------------------------------------------------------------

def test_the_model_is_named_by_what_ran_outside_the_table(midterm):
    assert report_model.model_name("auto:pooled_drift", "zh", n_peers=0) == "趋势外推（无同类地区）"
    assert report_model.model_name("auto:pooled_drift", "zh", n_peers=3) == "区域汇合趋势外推"
    assert report_model.model_name("auto:small_count", "zh", n_peers=0) == "计数增减模型"
    assert report_model.model_name("auto:local_level", "zh", n_peers=0) == "抽检率水平模型"
    assert {r.cells["model"].text for r in midterm.rows} == {"趋势外推（无同类地区）", "计数增减模型", "抽检率水平模型"}
    assert "model" not in [c.id for c in midterm.columns()]


def test_the_title_names_the_plans_of_a_national_table():
    plan = mt.read_plan(DATA / "china" / "national_targets.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(DATA / "china" / "national_history.csv", plan, as_of=2023, seed=0)
    title = build_report(table, details, plan=plan).title
    assert "《国民经济和社会发展第十四个五年规划纲要》" in title and title.endswith("主要指标中期评估")


def test_prints_on_a4_landscape(tmp_path):
    table, details = _assessed(2023)
    outs = [tmp_path / "r.html", tmp_path / "r.xlsx"]
    write_report(table, details, outs, plan=mt.read_plan(dinghu_plan()), max_charts=0)
    assert "@page{size:A4 landscape" in outs[0].read_text(encoding="utf-8")
    wb = load_workbook(outs[1])
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert (int(ps.paperSize), ps.orientation, int(ps.fitToWidth)) == (9, "landscape", 1), ws.title
    main = wb["评估表"]
    assert main["A1"].value.endswith("主要指标中期评估") and main["A2"].value == "序号"


def test_the_assessment_table_carries_what_the_report_shows_as_the_plan_wrote_it():
    """Without ``plan=`` (a script: ``mt.assess`` then ``write_report``), the plan's name, its 序号 and its
    written decimals still reach the report: ``assess`` carries them in its table."""
    plan = mt.read_plan(DATA / "china" / "national_targets.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(DATA / "china" / "national_history.csv", plan, as_of=2023, seed=0)
    assert table["plan"].tolist() == plan["plan"].tolist()
    assert build_report(table, details).title == build_report(table, details, plan=plan).title
    numbered = dinghu_plan().assign(序号=lambda d: [str(10 + k) for k in range(len(d))])
    numbered.loc[0, "target"] = "〔3.120〕"  # written with three decimals
    plan = mt.read_plan(numbered)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(*assess_detailed(pd.DataFrame(columns=["region", "indicator", "year", "value"]),
                                               plan, as_of=2023, seed=0))
    assert [r.cells["no"].text for r in report.rows][:2] == ["10", "11"]
    assert report.rows[0].cells["target"].text.endswith("〔3.120〕")
