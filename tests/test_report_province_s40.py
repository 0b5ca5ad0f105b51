"""Session 40: the report of a province broken into its cities (目标分解表), and the charts' inputs.

* the title names the plan as the table's caption does -- 《某省…“十四五”规划》主要指标总结评估 -- not the cities put
  before it nor 分解表主要指标 said twice;
* the region matrix prints readable: pages no wider than a landscape page holds at their own size (Word: a
  landscape section), not a 17 in figure squeezed to 156 mm (2.5 pt text);
* the overall paragraph's 快报 caveat grouped (丙市、丁市2个地区2025年数据均为快报数), not every target one by one;
* a 总结评估's main table without columns of dashes (80%区间, 实现概率, 预计完成情况), 时间进度 100% on every row and a
  2025年实际值 column repeating 2025年 -- kept in a 中期评估 and where a row still has a forecast;
* fan_chart / overview_chart given the other result of assess_detailed say what to pass.

Every figure below is SYNTHETIC (made up here): fictional cities of a fictional province, 2020-2025.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.exceptions import ParameterError
from mstarget.report import build_report, write_report
from mstarget.report.charts import (fan_chart, figure_png, overview_chart, region_matrix_chart,
                                    region_matrix_pages)
from mstarget.report.model import name_of_plan

CAPTION = "某省（合成数据）市场监管“十四五”规划主要指标分解表（2020年基数、2025年目标）"
CITIES = ["甲市", "乙市", "丙市", "丁市", "戊市"]
#: indicator -> (name, unit, target, attribute, SYNTHETIC values 2020-2025 of the first city; the others add k)
INDICATORS = {
    "entities": ("市场主体总量", "万户", "≥〔30〕", "预期性", (20, 22, 24, 26, 28, 31)),
    "pass_rate": ("食品抽检合格率", "%", "≥98", "约束性", (96.0, 96.5, 97.0, 97.5, 98.0, 98.4)),
    "pharmacists": ("执业药师数", "人/万人口", "≥5", "预期性", (3.0, 3.4, 3.8, 4.2, 4.6, 5.1)),
}
#: cities whose every 2025 figure is preliminary (快报); 甲市 has one
WHOLE_KUAIBAO = ("丙市", "丁市")


def _inputs(cities=CITIES, *, short: tuple[str, str] | None = None, with_total: bool = True):
    """Plan and history of the province; ``short``: (city, indicator) whose history ends in 2020 (数据不足)."""
    plan, hist = [], []
    for k, city in enumerate([*cities, *(["全省"] if with_total else [])]):
        for ind, (name, unit, target, attribute, vals) in INDICATORS.items():
            vals = [v + 0.1 * k for v in vals]
            plan.append({"region": city, "indicator": ind, "name": name, "unit": unit, "baseline_year": 2020,
                         "baseline": f"{vals[0]:.1f}", "target_year": 2025, "target": target,
                         "attribute": attribute})
            years = range(2020, 2021 if short == (city, ind) else 2026)
            for y in years:
                pre = y == 2025 and (city in WHOLE_KUAIBAO or (city == "甲市" and ind == "entities"))
                hist.append({"region": city, "indicator": ind, "name": name, "unit": unit, "year": y,
                             "value": round(vals[y - 2020], 1), "preliminary": pre, "preliminary_mark": "快报" if pre else ""})
    read = mt.read_plan(pd.DataFrame(plan))
    read.attrs["title"] = CAPTION
    return read, pd.DataFrame(hist)


def _assess(plan, hist, as_of=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(hist, plan, as_of=as_of, seed=0)


@pytest.fixture(scope="module")
def province():
    """A 总结评估 of the five cities and 全省, one row with no data after 2020 (数据不足)."""
    plan, hist = _inputs(short=("戊市", "pharmacists"))
    table, details = _assess(plan, hist)
    return plan, hist, table, details, build_report(table, details, plan=plan, date="2026-12-06")


# -- 1. the title ------------------------------------------------------------------------------------------

def test_a_province_plans_title_is_the_plan_not_its_cities_before_it(province):
    plan, _, table, details, report = province
    assert report.kind == "final"
    assert report.title == "《某省（合成数据）市场监管“十四五”规划》主要指标总结评估", report.title
    en = build_report(table, details, plan=plan, lang="en", date="2026-12-06").title
    assert en == "Final evaluation of the main indicators: 某省（合成数据）市场监管“十四五”规划", en


@pytest.mark.parametrize("caption, name", [
    ("某省市场监管“十四五”规划主要指标分解表", "某省市场监管“十四五”规划"),
    ("某市“十四五”规划目标任务分解表", "某市“十四五”规划"),
    ("某市“十四五”规划指标分解表（2020年基数、2025年目标）", "某市“十四五”规划"),
    ("鼎湖区市场监管“十四五”规划主要指标完成情况表", "鼎湖区市场监管“十四五”规划"),  # as before
])
def test_a_breakdown_tables_words_are_no_part_of_the_plans_name(caption, name):
    assert name_of_plan(caption) == name


def test_a_plan_without_its_place_still_names_the_regions():
    plan, hist = _inputs(CITIES[:2], with_total=False)
    plan.attrs["title"] = "市场监管“十四五”规划主要指标分解表"
    report = build_report(*_assess(plan, hist), plan=plan, date="2026-12-06")
    assert report.title == "甲市、乙市《市场监管“十四五”规划》主要指标总结评估", report.title


# -- 3. the 快报 caveat --------------------------------------------------------------------------------------

def test_the_kuaibao_caveat_groups_whole_regions_and_indicators(province):
    *_, report = province
    said = report.overall
    assert "7项为快报数（丙市、丁市2个地区2025年数据均为快报数；另市场主体总量（甲市））" in said, said
    assert "丙市市场主体总量、丙市食品抽检合格率" not in said


# -- 4. a 总结评估's columns ---------------------------------------------------------------------------------

UNDER_WAY = {"time_share", "range_80", "p_meet", "outlook", "forecast"}


def test_a_final_evaluation_leaves_out_columns_no_row_fills(province, tmp_path):
    *_, table, details, report = province
    assert any(r.category == "insufficient_data" for r in report.rows)  # the row that kept them on HEAD
    ids = {c.id for c in report.columns()}
    assert not ids & UNDER_WAY, ids & UNDER_WAY
    assert "y2025" in ids and "category" in ids
    out = tmp_path / "r.xlsx"
    write_report(table, details, [out], plan=province[0], date="2026-12-06", max_charts=0)
    header = [c.value for c in load_workbook(out)["评估表"][2]]
    assert not {"80%区间下限", "80%区间上限", "时间进度", "预计完成情况", "实现概率"} & set(header), header
    assert not any(str(h).endswith("实际值/预测值") for h in header if h), header


def test_a_midterm_and_a_mixed_final_evaluation_keep_the_columns_they_need():
    plan, hist = _inputs(CITIES[:3], with_total=False)
    mid = build_report(*_assess(plan, hist, as_of=2023), plan=plan, date="2026-12-06")
    assert mid.kind == "midterm" and {"time_share", "range_80", "p_meet", "outlook"} <= {c.id for c in mid.columns()}
    # a 总结评估 where one row's data end in 2023: its forecast, range and chance are still shown
    hist = hist[~((hist["region"] == "乙市") & (hist["indicator"] == "pharmacists") & (hist["year"] > 2023))]
    mixed = build_report(*_assess(plan, hist, as_of=2025), plan=plan, date="2026-12-06")
    ids = {c.id for c in mixed.columns()}
    assert mixed.kind == "final" and {"range_80", "p_meet", "forecast"} <= ids, ids
    assert "time_share" not in ids  # 100% on every row of a 总结评估


# -- 2. the region matrix prints readable ------------------------------------------------------------------

LONG_NAMES = ["每万人口高价值发明专利拥有量", "工业产品质量监督抽查合格率", "消费者投诉按时办结率", "知识产权质押融资金额",
              "特种设备万台死亡人数", "重大食品安全事故", "“明厨亮灶”覆盖率", "千人食品检验量", "药品抽检合格率",
              "食品抽检合格率", "有效认证证书", "制定地方标准", "每千人拥有企业数", "市场主体总量", "执业药师数"]


@pytest.fixture(scope="module")
def twenty(tmp_path_factory):
    """20 regions x 15 indicators (SYNTHETIC), reported in Word."""
    regions = [f"第{k + 1}市" for k in range(19)] + ["全省"]
    plan, hist = [], []
    for k, region in enumerate(regions):
        for j, name in enumerate(LONG_NAMES):
            plan.append({"region": region, "indicator": f"i{j}", "name": name, "unit": "项", "baseline_year": 2020,
                         "baseline": str(10 + j), "target_year": 2025, "target": f"≥{20 + j + (k % 3)}",
                         "attribute": "预期性"})
            hist += [{"region": region, "indicator": f"i{j}", "year": y, "value": 10.0 + j + 2 * (y - 2020)}
                     for y in range(2020, 2026)]
    table, details = _assess(pd.DataFrame(plan), pd.DataFrame(hist))
    out = tmp_path_factory.mktemp("twenty") / "r.docx"
    report = write_report(table, details, [out], date="2026-12-06", max_charts=0)
    return report, out


def test_the_region_matrix_pages_fit_a_landscape_page_at_their_own_size(twenty):
    report, _ = twenty
    pages = region_matrix_pages(report)
    assert pages == 2  # 20 regions: two pages of 10, each with all 15 indicators
    for page in range(1, pages + 1):
        png = figure_png(region_matrix_chart(report, page))
        width_in, height_in = int.from_bytes(png[16:20], "big") / 100, int.from_bytes(png[20:24], "big") / 100
        # 22.5 cm x 15.6 cm: a landscape page's 版心; the 7 pt text then prints at >= 6.5 pt
        assert width_in * 2.54 * 6.5 / 7 <= 22.5 and height_in * 2.54 <= 15.6, (width_in, height_in)


def test_the_word_report_puts_the_matrix_on_landscape_pages_readable(twenty):
    _, out = twenty
    doc = Document(out)
    body = doc.element.body
    wide = [s for s in doc.inline_shapes if s.width.cm > 15.6]  # wider than a portrait page's 版心
    assert len(wide) == 2, [round(s.width.cm, 1) for s in doc.inline_shapes]
    for shape in wide:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        png = doc.part.related_parts[blip].blob
        natural_cm = int.from_bytes(png[16:20], "big") / 100 * 2.54
        assert 7 * shape.width.cm / natural_cm >= 6.0, (shape.width.cm, natural_cm)  # 7 pt text prints >= 6 pt
    # each sits in a landscape section: the section break after it (or the document's last) is landscape
    orientations = [s.orientation for s in doc.sections]
    assert orientations.count(1) >= 2, orientations  # the main table's and the matrix's
    assert body is not None


# -- 5. the charts' inputs -----------------------------------------------------------------------------------

def test_the_charts_given_the_other_result_say_what_to_pass(province):
    *_, table, details, _ = province
    with pytest.raises(ParameterError, match=r"fan_chart needs the details list from mt.assess_detailed"):
        fan_chart(table)
    with pytest.raises(ParameterError, match=r"overview_chart\(table\)"):
        overview_chart(details)
    with pytest.raises(ParameterError, match="details list"):
        fan_chart("鼎湖区")
