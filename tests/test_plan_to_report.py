"""From the plan table to the evaluation report: what the plan wrote reaches the report as written.

Three defects (session 35):

* a plan cell ``〔3.00〕`` (a table that pads its column to two decimals) was reported as ``≥〔3〕``:
  ``read_plan`` kept only the float; now ``target_decimals`` / ``baseline_decimals`` keep what was written;
* a plan by region with the table's own total (全国 beside the provinces) counted that total as one more
  region in the 分地区汇总, whose 合计 row then counted its targets twice;
* a range target (``6-7``, ``1.5—2.5%``) was refused; it is now a two-tier target (``≥6，力争7``).

Plans: the REAL Dinghu table (``data/dinghu_14th_fyp_plan.csv``) with cells rewritten HERE as noted
(SYNTHETIC variants of how a bureau writes them); the REAL provincial panel (``data/china/
provincial_panels.csv``, 全国 and four provinces) with SYNTHETIC targets set by code. Histories after
the Dinghu baseline are the SYNTHETIC ones of ``report_helpers``.
"""
from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.cli.main import main
from mstarget.report import build_report

from report_helpers import REGION, dinghu_history, dinghu_plan


def _dinghu_with(**cells) -> pd.DataFrame:
    """The real Dinghu plan with some cells rewritten (SYNTHETIC): ``indicator=(column, text)``."""
    plan = dinghu_plan()
    for indicator, (column, text) in cells.items():
        plan.loc[plan["indicator"] == indicator, column] = text
    return plan


def _report(plan, history, as_of=2023, **kw):
    read = mt.read_plan(plan, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(history, read, as_of=as_of, seed=0, n_paths=400)
    return read, table, build_report(table, details, plan=read, date="2026-01-05")


def _row(report, indicator, region=None):
    return next(r for r in report.rows if r.raw["indicator"] == indicator and
                (region is None or r.raw["region"] == region))


# --- 1. the decimals the plan wrote ------------------------------------------------------------------

#: SYNTHETIC: the patents target padded to the column's two decimals (the real table writes 〔3〕 beside
#: 〔1.04〕), and the standards' target 〔117.0〕 as a workbook formatted 0.0 exports it
PADDED = {"high_value_invention_patents_per_10k": ("target", "〔3.00〕"),
          "enterprise_standards": ("target", "〔117.0〕")}


def test_read_plan_keeps_the_decimals_a_cell_wrote():
    plan = mt.read_plan(_dinghu_with(**PADDED))
    row = plan.set_index("indicator")
    assert row.loc["high_value_invention_patents_per_10k", "target"] == 3.0
    assert row.loc["high_value_invention_patents_per_10k", "target_decimals"] == 2
    assert row.loc["enterprise_standards", "target_decimals"] == 1
    assert row.loc["market_entities_total", ["baseline_decimals", "target_decimals"]].tolist() == [2, 2]  # 〔1.89〕 〔3.12〕
    # a plan read twice (assess reads the plan it is given) keeps them
    again = mt.read_plan(plan).set_index("indicator")
    assert again.loc["enterprise_standards", "target_decimals"] == 1
    # the shipped table writes no decimal its figures do not need: no column added
    assert "target_decimals" not in mt.read_plan(dinghu_plan()).columns


def test_the_report_writes_each_target_with_the_decimals_the_plan_wrote():
    _, _, report = _report(_dinghu_with(**PADDED), dinghu_history())
    patents = _row(report, "high_value_invention_patents_per_10k")
    assert patents.cells["target"].text == "≥〔3.00〕"
    assert patents.cells["target"].value == 3.0 and patents.cells["target"].number_format.endswith('0.00"〕"')
    standards = _row(report, "enterprise_standards")
    assert standards.cells["target"].text == "≥〔117.0〕"
    # the counts observed stay whole: only the plan's figure keeps its written decimal
    assert standards.cells["current"].text == "79" and standards.cells["baseline"].text == "38"
    assert "≥117.0项" in standards.narrative and "79项" in standards.narrative


def test_a_plain_target_and_baseline_written_with_a_decimal_keep_it(tmp_path):
    """A whole-number count row (医疗器械抽检批次数 8 -> ≥9, observed 8, 9, 9) written 8.0 / ≥9.0: the
    report wrote 8 and ≥9, since every figure was whole."""
    plan = _dinghu_with(medical_device_sampling_batches=("target", "≥9.0"))
    plan.loc[plan["indicator"] == "medical_device_sampling_batches", "baseline"] = "8.0"
    _, _, report = _report(plan, dinghu_history())
    row = _row(report, "medical_device_sampling_batches")
    assert row.cells["target"].text == "≥9.0" and row.cells["baseline"].text == "8.0"
    assert row.cells["current"].text == "9"


def test_the_report_command_writes_the_plan_s_decimals(tmp_path):
    _dinghu_with(**PADDED).to_csv(tmp_path / "plan.csv", index=False)
    dinghu_history().to_csv(tmp_path / "history.csv", index=False)
    out = tmp_path / "评估.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["report", "--plan", str(tmp_path / "plan.csv"), "--history", str(tmp_path / "history.csv"),
                     "--as-of", "2023", "--no-track", "--max-charts", "0", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "≥〔3.00〕" in page and "≥〔117.0〕" in page and "≥〔3〕<" not in page


# --- 2. the table's own total is no region ----------------------------------------------------------

INDICATOR = "hitech_industry_firms"
PROVINCES = ["广东", "江苏", "浙江", "山东"]


@pytest.fixture(scope="module")
def national(data_dir):
    panel = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    regions = ["全国", *PROVINCES]  # the total first, as a national table lists it
    h = panel[(panel["indicator"] == INDICATOR) & panel["region"].isin(regions) & panel["year"].between(2016, 2022)]
    assert sorted(h["region"].unique()) == sorted(regions)
    base = h[h["year"] == 2020].set_index("region")
    plan = pd.DataFrame({
        "region": regions, "indicator": INDICATOR, "name": base.loc[regions, "name"].to_numpy(),
        "unit": base.loc[regions, "unit"].to_numpy(), "baseline_year": 2020,
        "baseline": base.loc[regions, "value"].to_numpy(), "target_year": 2025,
        "target": (1.3 * base.loc[regions, "value"]).round(0).to_numpy(),  # SYNTHETIC targets
        "attribute": "expected"})
    return _report(plan, h[["region", "indicator", "name", "year", "value", "unit"]], as_of=2022)[2]


def test_the_by_region_summary_lists_the_table_s_total_apart_and_counts_it_once(national):
    head, body = national.by_region_table()
    assert [r[0] for r in body[:len(PROVINCES)]] == PROVINCES
    total_row, sum_row = body[len(PROVINCES)], body[-1]
    assert len(body) == len(PROVINCES) + 2
    assert total_row[0].startswith("全国（") and "合计" in total_row[0] and total_row[-1] == "1"
    # the last row adds up the provinces: 4 targets, not 5 (全国 counted as a fifth region), never 6
    assert sum_row[0] == "各地区合计" and sum_row[-1] == str(len(PROVINCES))
    assert list(national.by_region["region"]) == PROVINCES
    assert national.regions[-1] == "全国" and national.totals == ["全国"]
    # the rows are all still assessed and listed; the summary by category counts the provinces' targets, as the
    # by-region sum (f9: 全国's own row is said apart, not counted a fifth time)
    assert len(national.rows) == len(PROVINCES) + 1 and int(national.summary["total"].sum()) == len(PROVINCES)


def test_the_title_and_subtitle_do_not_count_the_total_as_a_region(national):
    assert "等4个地区" in national.title  # 广东、江苏、浙江等4个地区, not 全国、广东、江苏等5个地区
    assert national.subtitle.startswith("地区：广东、江苏、浙江、山东（另列全国）")


def test_the_region_matrix_labels_the_total_column_last(national):
    from mstarget.report.charts import region_matrix_chart

    fig = region_matrix_chart(national)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[:len(PROVINCES)] == PROVINCES and labels[-1].startswith("全国") and "合计" in labels[-1]


def test_matching_and_the_report_share_one_reading_of_a_total():
    from mstarget.matching import table_totals

    assert table_totals(["端州区", "全市", "鼎湖区"]) == ["全市"]
    assert table_totals(["全国"]) == []  # a national table alone: 全国 is the region assessed


# --- 3. range targets ---------------------------------------------------------------------------------

def test_a_range_above_the_baseline_is_a_floor_striving_for_its_top():
    # SYNTHETIC: 千人食品检验量 (baseline 5) written as the range 6-7 instead of 6
    plan = mt.read_plan(_dinghu_with(food_samples_per_1000_people=("target", "6-7"))).set_index("indicator")
    row = plan.loc["food_samples_per_1000_people"]
    assert (row["target"], row["direction"], row["target_striven"], row["target_written"]) == (6.0, ">=", 7.0, "6-7")


@pytest.mark.parametrize("text", ["1.5-2.5", "1.5～2.5", "1.5—2.5%", "1.5%-2.5%", "≤1.5-2.5"])
def test_a_range_below_the_baseline_is_a_cap_striving_for_its_bottom(text):
    plan = mt.read_plan(pd.DataFrame({  # SYNTHETIC: a complaint rate to bring down from 3 %
        "region": [REGION], "indicator": ["complaint_rate"], "name": ["消费投诉率"], "unit": ["%"],
        "baseline_year": ["2020"], "baseline": ["3"], "target_year": ["2025"], "target": [text]}))
    assert plan.loc[0, ["target", "direction", "target_striven", "target_written"]].tolist() == [2.5, "<=", 1.5, text]


def test_a_sign_or_a_direction_column_says_the_side_of_a_range():
    plan = pd.DataFrame({"region": [REGION] * 2, "indicator": ["a", "b"], "name": ["甲", "乙"], "unit": ["%"] * 2,
                         "baseline_year": ["2020"] * 2, "baseline": ["3", "3"], "target_year": ["2025"] * 2,
                         "target": ["≥2-4", "5-8"], "指标方向": ["正向", "逆向"]})
    read = mt.read_plan(plan)
    assert read[["target", "direction", "target_striven"]].values.tolist() == [[2.0, ">=", 4.0], [8.0, "<=", 5.0]]


def test_a_range_on_both_sides_of_the_baseline_is_refused_naming_the_cell(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("地区,指标名称,单位,2020年基期值,2025年目标值\n鼎湖区,药品抽检合格率,%,98,≥99\n"
                    "鼎湖区,消费投诉率,%,3,2-4\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path)
    text = str(err.value)
    assert "plan.csv, row 3, column '2025年目标值': '2-4'" in text
    assert "both sides" in text and "2020年基期值" in text and "'≥2' or '≤4'" in text


def test_the_report_shows_a_range_as_written_with_its_striven_probability():
    plan = _dinghu_with(food_samples_per_1000_people=("target", "6-7"))
    _, table, report = _report(plan, dinghu_history())
    row = _row(report, "food_samples_per_1000_people")
    assert row.cells["target"].text == "6-7"
    assert not row.cells["p_striven"].missing and "力争目标实现概率" in report.headers()
    raw = table.set_index("indicator").loc["food_samples_per_1000_people"]
    assert raw["p_striven"] < raw["p_meet"]  # 7 is harder to reach than 6
    assert re.search(r"按确保值6评估", raw["note"])
