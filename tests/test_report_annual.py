"""What a report is and how its figures read (testers' findings on a first-year check and on counts).

1. A check of the first year of a plan (data through 2026 of a 2026-2030 plan) is that year's 年度监测,
   not a 中期评估: the title follows the share of the plan period elapsed (中期评估 around the middle,
   总结评估 once every target year is past) and the notes say no 中期; a title given that names the
   evaluation itself is used as given.
2. A count reported in whole numbers (1 项, 9 批次) reads so in table and text (实际为1项, ≥2), while its
   forecast keeps the decimal that tells 9.8 from the target 9.
3. A 〔〕 / 〈〉 target is shown in that notation, with the plan's decimals (≥〈5〉 beside 累计 4.70).
4. A two-tier target reads as the plan wrote it (≥98.5（力争99）), never with its firm figure again.

Data: the real Dinghu "十四五" plan rows (data/dinghu_14th_fyp_plan.csv), a "十五五" plan table written
here in the same bureau's form, and SYNTHETIC yearly values made up here by code (not observed figures).
"""
from __future__ import annotations

import math
import re
import warnings

import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.cli.main import main
from mstarget.report import build_report, write_report
from mstarget.report.charts import _subtitle
from mstarget.report.formatting import level_decimals, notation_cell, written_target
from mstarget.report.model import evaluation_kind
from report_helpers import dinghu_plan

REGION = "鼎湖区"
PLAN_15 = "鼎湖区市场监管“十五五”规划"


def _plan_row(indicator, name, unit, baseline, target, attribute="预期性", baseline_year=2025, target_year=2030):
    return {"region": REGION, "indicator": indicator, "name": name, "unit": unit, "baseline_year": baseline_year,
            "baseline": baseline, "target_year": target_year, "target": target, "attribute": attribute}


#: a "十五五" main-indicator table in the Dinghu bureau's form (2025 baseline, 2030 targets)
PLAN15 = pd.DataFrame([
    _plan_row("market_entities_total", "经营主体总量", "万户", "〔2.96〕", "〔4.0〕"),
    _plan_row("enterprise_standards", "企业标准", "项", "〔115〕", "〔200〕"),
    _plan_row("food_pass_rate", "食品抽检合格率", "%", "98.2", "≥98.5（力争99）", "约束性"),
    _plan_row("food_samples_per_1000_people", "千人食品检验量", "批次/千人", "6.1", "≥7", "约束性"),
])
#: SYNTHETIC values 2021-2026 (2025 is the baseline year, 2026 the plan's first year)
HISTORY15 = {"market_entities_total": ("万户", [2.05, 2.31, 2.55, 2.78, 2.96, 3.18]),
             "enterprise_standards": ("项", [52, 70, 88, 101, 115, 131]),
             "food_pass_rate": ("%", [97.6, 97.9, 98.0, 98.1, 98.2, 98.4]),
             "food_samples_per_1000_people": ("批次/千人", [5.2, 5.5, 5.7, 5.9, 6.1, 6.3])}


def _history15() -> pd.DataFrame:
    return pd.DataFrame([{"region": REGION, "indicator": ind, "year": 2021 + k, "value": v, "unit": unit}
                         for ind, (unit, values) in HISTORY15.items() for k, v in enumerate(values)])


@pytest.fixture(scope="module")
def first_year():
    """The 十五五 plan assessed on data through 2026, its first year."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.ShortHistoryWarning)
        return assess_detailed(_history15(), mt.read_plan(PLAN15), as_of=2026, seed=0)


# -- 1. what the report is -------------------------------------------------------------------------------

def test_a_first_year_check_is_the_years_annual_monitoring_not_a_mid_term_evaluation(first_year):
    r = build_report(*first_year, title=PLAN_15, date="2027-03-01")
    assert r.title == f"《{PLAN_15}》主要指标2026年度监测"
    assert r.kind == "annual" and not r.final
    assert r.notes[1].startswith("评价口径（参照国家发展改革委规划评估用语）：已达到目标为提前实现；")
    said = " ".join([r.title, r.overall, *r.notes, *(row.narrative for row in r.rows)])
    assert "中期" not in said
    en = build_report(*first_year, title=PLAN_15, lang="en", date="2027-03-01")
    # f9: a title given names the plan as given, without the regions added (in either language)
    assert en.title == f"Annual monitoring 2026 of the main indicators: {PLAN_15}"
    assert "mid-term" not in " ".join([en.title, *en.notes]).lower()




@pytest.mark.parametrize("as_of, kind, title", [
    (2026, "annual", "2026年度监测"), (2027, "midterm", "中期评估"), (2028, "midterm", "中期评估"),
    (2029, "annual", "2029年度监测"), (2030, "final", "总结评估")])
def test_the_title_follows_the_share_of_the_plan_period_elapsed(first_year, as_of, kind, title):
    table, _ = first_year
    assert build_report(table, title=PLAN_15, as_of=as_of, date="2027-03-01").title == f"《{PLAN_15}》主要指标{title}"
    assert evaluation_kind(table, as_of) == kind


def test_a_fourteenth_plan_is_evaluated_at_mid_term_in_2022_and_2023_only():
    """The real Dinghu plan (2020 baseline, 2025 targets): 2021 and 2024 are years of 年度监测."""
    plan = mt.read_plan(dinghu_plan())
    kinds = {year: evaluation_kind(plan, year) for year in range(2021, 2026)}
    assert kinds == {2021: "annual", 2022: "midterm", 2023: "midterm", 2024: "annual", 2025: "final"}
    # a table mixing a 十三五 target (2015 -> 2020) with the plan's: the period is the plan's own
    mixed = pd.concat([plan, plan.head(1).assign(baseline_year=2015, target_year=2020)], ignore_index=True)
    assert evaluation_kind(mixed, 2021) == "annual" and evaluation_kind(mixed, 2022) == "midterm"
    assert evaluation_kind(plan.drop(columns="baseline_year"), 2022) == ""  # no period known: not guessed
    assert evaluation_kind(plan, None) == ""


def test_a_title_that_names_the_evaluation_is_used_as_given(first_year, tmp_path):
    """The user's word wins: a bureau that calls its first-year check 中期评估 (or 年度评估) says so."""
    given = f"《{PLAN_15}》主要指标中期评估"
    assert build_report(*first_year, title=given).title == given
    assert build_report(*first_year, title=f"{PLAN_15}2026年度实施情况监测").title == f"{PLAN_15}2026年度实施情况监测"
    plan, history = tmp_path / "规划.csv", tmp_path / "历史.csv"
    PLAN15.to_csv(plan, index=False, encoding="utf-8")
    _history15().to_csv(history, index=False, encoding="utf-8")
    page = {}
    for name, extra in (("default", []), ("given", ["--title", given])):
        out = tmp_path / f"{name}.html"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mt.ShortHistoryWarning)
            assert main(["report", "--plan", str(plan), "--history", str(history), "--no-track",
                         "--title", PLAN_15, *extra, "--out", str(out)]) == 0
        page[name] = re.search(r"<h1>(.*?)</h1>", out.read_text(encoding="utf-8")).group(1)
    assert page == {"default": f"《{PLAN_15}》主要指标2026年度监测", "given": given}


# -- 2. counts in whole numbers ----------------------------------------------------------------------------

#: SYNTHETIC 2021-2025 values of two Dinghu counts (their 2020 baselines are the plan's)
COUNTS = {"local_standards": (1, 1, 1, 1, 1), "medical_device_sampling_batches": (8, 9, 9, 9, 9)}


def _counts(as_of: int):
    plan = dinghu_plan()
    plan = mt.read_plan(plan[plan["indicator"].isin(COUNTS)])
    history = pd.DataFrame([{"region": REGION, "indicator": ind, "year": 2021 + k, "value": float(v)}
                            for ind, values in COUNTS.items() for k, v in enumerate(values) if 2021 + k <= as_of])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.ShortHistoryWarning)
        table, details = assess_detailed(history, plan, as_of=as_of, seed=0)
    report = build_report(table, details, date="2026-03-01")
    return {row.raw["indicator"]: row for row in report.rows}


def test_counts_reported_whole_read_whole_in_table_and_text():
    rows = _counts(2025)
    local, devices = rows["local_standards"], rows["medical_device_sampling_batches"]
    assert local.narrative == ("地方标准：目标年2025年实际为1项，未达到目标（≥2项）。规划要求年均+0.4项，实际年均+0.2项，"
                               "完成目标增量的50%，2021年以来持平。评价：未完成。")  # s41: why it was missed
    assert devices.narrative == ("医疗器械抽检批次数：目标年2025年实际为9批次/年，已达到目标（≥9批次/年）。"
                                 "2022年起各年均达到目标（2022年为9批次/年）。评价：已完成。")  # s48: since when
    assert [local.cells[k].text for k in ("baseline", "current", "target", "forecast")] == ["0", "1", "≥〔2〕", "1"]
    assert [devices.cells[k].text for k in ("baseline", "current", "target", "forecast")] == ["8", "9", "≥9", "9"]
    assert devices.cells["current"].value == 9 and devices.cells["current"].number_format == "#,##0"


def test_a_counts_forecast_keeps_the_decimal_that_tells_it_from_the_target():
    rows = _counts(2023)
    devices, local = rows["medical_device_sampling_batches"], rows["local_standards"]
    c = devices.cells
    assert (c["current"].text, c["target"].text) == ("9", "≥9")
    # session 35: a count's forecast and range are whole numbers (the range rounded outward)
    assert re.fullmatch(r"\d+", c["forecast"].text) and re.fullmatch(r"\d+", c["lo_80"].text)
    assert devices.narrative.startswith("医疗器械抽检批次数：2023年为9批次/年，已达到目标（≥9批次/年）。"
                                        f"按当前趋势预计2025年为{c['forecast'].text}批次/年")
    assert local.narrative.startswith("地方标准：2023年为1项，较2020年基期（0项）完成目标增量的50%")
    # 0, 0, 1, 1 项 is counted (small_count): whole numbers by themselves, 1 against ≥2 at 46 %
    assert "预计2025年为1项（80%区间0–3项），实现目标（≥2项）的概率为46%" in local.narrative
    assert local.cells["forecast"].text == "1"
    assert local.cells["range_80"].text == f"{math.floor(local.raw['lo_80'])}–{math.ceil(local.raw['hi_80'])}"


def test_level_decimals_are_whole_only_for_whole_figures():
    assert level_decimals(1, reference=(2, 0, 1, 1)) == 0
    assert level_decimals(1, reference=(9.0, 8.0, float("nan"))) == 0
    assert level_decimals(2, reference=(7, 6.1, 6.3)) == 2      # 千人食品检验量: 6.10, ≥7.00
    assert level_decimals(1, reference=()) == 1


# -- 3. the plan's notation in the 目标值 cell --------------------------------------------------------------

def test_a_bracketed_target_is_shown_as_the_plan_wrote_it(tmp_path):
    """〈5〉 亿元 of pledge financing (real Dinghu row) with SYNTHETIC yearly flows summing to 4.70."""
    plan = dinghu_plan()
    plan = mt.read_plan(plan[plan["indicator"].isin(["ip_pledge_financing", "enterprises_per_1000_people"])])
    history = pd.DataFrame(
        [{"region": REGION, "indicator": "ip_pledge_financing", "year": 2021 + k, "value": v}
         for k, v in enumerate([0.8, 1.1, 1.3, 0.9, 0.6])]
        + [{"region": REGION, "indicator": "enterprises_per_1000_people", "year": 2021 + k, "value": v}
           for k, v in enumerate([16.9, 17.4, 18.0, 18.5, 19.1])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.ShortHistoryWarning)
        table, details = assess_detailed(history, plan, as_of=2025, seed=0)
    out = tmp_path / "总结评估.xlsx"
    report = write_report(table, details, out, date="2026-03-01")
    rows = {row.raw["indicator"]: row for row in report.rows}
    pledge, firms = rows["ip_pledge_financing"], rows["enterprises_per_1000_people"]
    assert (pledge.cells["current"].text, pledge.cells["target"].text) == ("累计 4.7", "≥〈5〉")
    assert firms.cells["target"].text == "≥〔25.64〕"
    # the sentence writes the target as the plan did (≥5亿元 beside 4.70亿元; session 35: was ≥5.00)
    assert pledge.narrative == ("知识产权质押登记融资金额：2020年基期以来至目标年2025年累计完成4.7亿元，未达到目标"
                                "（≥5亿元）。累计完成目标的94%，尚差0.3亿元。评价：未完成。")  # s41: the share reached
    # the chart's title writes the target as the table does
    assert "目标≥〈5〉亿元（2025年）" in _subtitle(pledge.raw, "zh", True)
    # the workbook keeps a number, displayed in the plan's notation
    ws = openpyxl.load_workbook(out)["评估表"]
    shown = [c for row in ws.iter_rows() for c in row if c.number_format == '"≥〈"#,##0"〉"']
    assert [c.value for c in shown] == [5]


def test_notation_cells():
    assert notation_cell(5.0, "increment", "≥").text == "≥〈5〉"
    assert notation_cell(40.0, "increment", "≤").text == "≤〈40〉"
    cell = notation_cell(3.12, "cumulative", "≥")
    assert (cell.value, cell.text, cell.number_format) == (3.12, "≥〔3.12〕", '"≥〔"#,##0.00"〕"')
    assert notation_cell(6.0, "level", "≥") is None and notation_cell(float("nan"), "increment") is None


# -- 4. a two-tier target ----------------------------------------------------------------------------------

def test_a_two_tier_target_reads_as_written(first_year):
    row = next(r for r in build_report(*first_year).rows if r.raw["indicator"] == "food_pass_rate")
    assert row.cells["target"].text == "≥98.5（力争99）"
    # what the assess printout should show too (cli/assess.py target_text builds ≥98.5（力争99）（≥98.5）)
    assert written_target("≥98.5（力争99）", "≥98.5", 99.0) == "≥98.5（力争99）"
    assert written_target("持续提升", "≥95.01", float("nan")) == "持续提升（≥95.01）"
    assert written_target("持续提升", "≥95.01", None, "en") == "持续提升 (≥95.01)"
    assert written_target("", "≥90", None) == "≥90"


def test_the_assess_printout_writes_a_two_tier_target_once():
    from mstarget.cli.assess import target_text

    row = pd.Series({"target": 98.5, "direction": ">=", "kind": "level", "target_written": "≥98.5（力争99）",
                     "target_striven": 99.0})
    assert target_text(row) == "≥98.5（力争99）"
    words = row.copy()
    words["target_written"], words["target_striven"] = "持续提升", float("nan")
    assert target_text(words) == "持续提升（≥98.5）"
