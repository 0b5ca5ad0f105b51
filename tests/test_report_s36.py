"""The report says what the data are (session 36, a prober's findings on 鼎湖区 十四五 / 十五五 reports):

* A. a history up to the base year (2016-2025 of a 2026-2030 plan) is said to reach it, not to end the year
  before; the CLI summary does not call it "a baseline only";
* B. one figure, one text: an indicator's observed values, its yearly columns, 实际值 and the sentences take
  the decimals the plan and the history write them with (0.20 everywhere, 2.80 | 3.10 | 2.95), in every region;
* C. a plan whose period has produced no data yet is titled by its base year (基期（2025年）情况), not 2025年度监测;
* D. a final evaluation counts the binding targets not achieved (约束性指标中未完成的有1项：…), and a target year's
  value interpolated between observations is not counted among those observed.

Inputs are built as a bureau's workbooks (plan and history sheets, Chinese headers). The 十四五 baselines and
targets of 期末市场主体总量, 每万人口高价值发明专利拥有量, 知识产权质押登记融资金额, 企业标准, “明厨亮灶”覆盖率,
执业药师数 and 医疗器械抽检批次数 are REAL (肇鼎府〔2023〕5号, data/dinghu_14th_fyp_plan.csv); every other figure --
食品抽检不合格率, 特种设备万台死亡率, 药品抽检合格率's tiers, the whole 十五五 plan and every history value -- is
SYNTHETIC (made up for these tests).
"""
from __future__ import annotations

import copy
import re
import warnings

import openpyxl
import pandas as pd
import pytest

from mstarget.assess import assess_detailed, read_inputs
from mstarget.cli.assess import summary_line
from mstarget.report import build_report
from mstarget.report.model import evaluation_kind

REGION = "鼎湖区"
PATHS = 400

# -- inputs ------------------------------------------------------------------------------------------------

PLAN14 = [  # 序号, 指标名称, 单位, 2020年基数, 2025年目标, 属性 (REAL save rows 6, 9, 10 and row 6's tiers: SYNTHETIC)
    [1, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"],
    [2, "每万人口高价值发明专利拥有量", "件/万人", "〔1.04〕", "〔3〕", "预期性"],
    [3, "知识产权质押登记融资金额", "亿元", "〈0〉", "〈5〉", "预期性"],
    [4, "企业标准", "项", "〔38〕", "〔117〕", "预期性"],
    [5, "“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"],
    [6, "药品抽检合格率", "%", "98", "≥99（力争99.5）", "预期性"],
    [7, "执业药师数", "人/万人口", "4.4", "≥4.6", "预期性"],
    [8, "医疗器械抽检批次数", "批次/年", "8", "≥9", "预期性"],
    [9, "食品抽检不合格率", "%", "2.50", "≤3.00", "约束性"],
    [10, "特种设备万台死亡率", "人/万台", "0.25", "≤0.20", "约束性"],
]
#: SYNTHETIC 2021-2025 values (a 快报 figure for 2025 in one cell; 2023 of row 1 and 2024 of the 〈〉 row missing)
HIST14 = [
    ["期末市场主体总量", "万户", 2.05, 2.31, None, 2.78, "3.05（快报）"],
    ["每万人口高价值发明专利拥有量", "件/万人", 1.32, 1.71, 2.20, 2.64, 3.08],
    ["知识产权质押登记融资金额", "亿元", 0.6, 0.9, 1.1, 1.2, 1.3],
    ["企业标准", "项", 52, 66, 81, 97, 117],
    ["“明厨亮灶”覆盖率", "%", 84.5, 86.0, 88.2, 89.6, 90.0],
    ["药品抽检合格率", "%", 98.4, 98.7, 99.1, 99.2, 99.3],
    ["执业药师数", "人/万人口", 4.5, 4.3, 4.4, 4.5, 4.55],
    ["医疗器械抽检批次数", "批次/年", 9, 10, 8, 11, 12],
    ["食品抽检不合格率", "%", 2.80, 3.10, 2.95, 3.20, 3.05],   # > 3.00 in 2025: a binding target missed
    ["特种设备万台死亡率", "人/万台", 0.22, 0.18, 0.21, 0.19, 0.20],  # exactly 0.20: met
]
#: the 十五五 plan (2025 base, 2030 targets): ALL SYNTHETIC
PLAN15 = [
    [1, "期末市场主体总量", "万户", "〔3.05〕", "〔4.00〕", "预期性"],
    [2, "每万人口高价值发明专利拥有量", "件/万人", "〔3.08〕", "〔5.5〕", "预期性"],
    [3, "“明厨亮灶”覆盖率", "%", "90", "≥98", "约束性"],
    [4, "药品抽检合格率", "%", "99.3", "≥99.5（力争99.8）", "预期性"],
    [5, "食品抽检不合格率", "%", "3.05", "≤2.50", "约束性"],
    [6, "特种设备万台死亡率", "人/万台", "0.20", "≤0.15", "约束性"],
    [7, "企业标准", "项", "〔117〕", "〔200〕", "预期性"],
]
#: SYNTHETIC 2016-2026 values: three rows end in the 2025 base year
LONG = {
    "期末市场主体总量": ("万户", [1.32, 1.45, 1.58, 1.71, 1.89, 2.05, 2.31, 2.55, 2.78, 3.05, 3.21]),
    "每万人口高价值发明专利拥有量": ("件/万人", [None, None, 0.62, 0.81, 1.04, 1.32, 1.71, 2.20, 2.64, 3.08, 3.55]),
    "“明厨亮灶”覆盖率": ("%", [60, 66, 71, 77, 81, 84.5, 86.0, 88.2, 89.6, 90.0, None]),
    "药品抽检合格率": ("%", [97.1, 97.4, 97.6, 97.9, 98.0, 98.4, 98.7, 99.1, 99.2, 99.3, 99.4]),
    "食品抽检不合格率": ("%", [2.1, 2.3, 2.2, 2.4, 2.5, 2.8, 3.1, 2.95, 3.2, 3.05, 2.90]),
    "特种设备万台死亡率": ("人/万台", [0.35, 0.31, 0.30, 0.27, 0.25, 0.22, 0.18, 0.21, 0.19, 0.20, None]),
    "企业标准": ("项", [10, 17, 24, 31, 38, 52, 66, 81, 97, 117, None]),
}
ENDING_AT_BASE = ("“明厨亮灶”覆盖率", "特种设备万台死亡率", "企业标准")


def _book(path, header, rows, title=None, sheet="Sheet"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return str(path)


def _plan14(d):
    return _book(d / "plan14.xlsx", ["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"], PLAN14,
                 title="肇庆市鼎湖区市场监管现代化“十四五”规划主要指标（合成测试用）", sheet="主要指标")


def _plan15(d):
    return _book(d / "plan15.xlsx", ["序号", "指标名称", "单位", "2025年基数", "2030年目标", "属性"], PLAN15,
                 title="肇庆市鼎湖区市场监管“十五五”规划主要指标（合成测试用）", sheet="主要指标")


def _history(d, name, years, rows):
    return _book(d / name, ["指标名称", "单位"] + [f"{y}年" for y in years], rows, sheet="历史数据")


def _report(plan, history, *, as_of=None, lang=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, h = read_inputs(history, plan, REGION)
        table, details = assess_detailed(h, p, as_of=as_of, seed=0, n_paths=PATHS)
        return table, details, p


def _build(assessed, lang=None, as_of=None):
    table, details, plan = assessed
    return build_report(table, details, plan=plan, lang=lang, as_of=as_of, date="2026-12-05")


def _row(report, name):
    return next(r for r in report.rows if r.raw.get("name") == name)


@pytest.fixture(scope="module")
def final14(tmp_path_factory):
    d = tmp_path_factory.mktemp("final14")
    return _report(_plan14(d), _history(d, "hist14.xlsx", range(2021, 2026), HIST14))


@pytest.fixture(scope="module")
def long15(tmp_path_factory):
    d = tmp_path_factory.mktemp("long15")
    rows = [[k, u] + v for k, (u, v) in LONG.items()]
    return _report(_plan15(d), _history(d, "hist15_long.xlsx", range(2016, 2027), rows))


# -- A. a history up to the base year ----------------------------------------------------------------------

def test_a_history_up_to_the_base_year_is_said_to_reach_it(long15, tmp_path):
    zh, en = _build(long15, "zh"), _build(long15, "en")
    for name in ENDING_AT_BASE:
        said = _row(zh, name).narrative
        assert "截至2024年" not in said and "早于2025年基期" not in said, said
        assert said.startswith(f"{name}：历史数据为2016年至2025年，截至2025年基期（"), said
        assert "基期以后尚无监测数据，无法判断进度。按历史数据的趋势外推" in said
        told = _row(en, name).narrative
        assert told.startswith(f"{name}: the history runs from 2016 to the base year 2025 ("), told
        assert "ends in 2024" not in told
    assert "“明厨亮灶”覆盖率：历史数据为2016年至2025年，截至2025年基期（90%）" in _row(zh, "“明厨亮灶”覆盖率").narrative
    # a history of 2016-2023 and nothing since (the plan's 2025 baseline apart) still ends in 2023
    rows = [[k, u] + v[:8] + [None] * 3 for k, (u, v) in LONG.items() if k in ENDING_AT_BASE]
    rows += [["期末市场主体总量", "万户"] + LONG["期末市场主体总量"][1]]
    r = _build(_report(_plan15(tmp_path), _history(tmp_path, "h.xlsx", range(2016, 2027), rows)), "zh")
    assert _row(r, "“明厨亮灶”覆盖率").narrative.startswith(
        "“明厨亮灶”覆盖率：历史数据截至2023年，早于2025年基期（90%），基期以后尚无监测数据")


def test_the_cli_summary_tells_a_history_up_to_the_base_year_from_a_baseline_only(long15, tmp_path):
    text = summary_line(long15[0])
    assert "数据不足 3 (not assessed: 0 with a baseline only, 0 with no data, 3 with a history up to the base " \
           "year and nothing after it" in text, text
    assert "rests on the baseline alone" not in text
    assert "rests on the trend of the history up to the base year" in text
    # rows with the plan's 2025 baseline and nothing else are still said to have a baseline only
    only = [["期末市场主体总量", "万户", 3.21], ["药品抽检合格率", "%", 99.4]]
    table = _report(_plan15(tmp_path), _history(tmp_path, "h.xlsx", [2026], only))[0]
    # ... and, as the table above them shows - for their forecast, range and p_meet (one figure: report.model's
    # forecast_void), said to be shown so -- not what a p_meet the printout does not show rests on
    assert "(not assessed: 5 with a baseline only, 0 with no data; 5 resting on one figure shown as - (one figure " \
           "is no trend; --out keeps the p_meet of its prior))" in summary_line(table)


# -- B. one figure, one text -------------------------------------------------------------------------------

def _places(text: str) -> int:
    figure = re.search(r"-?\d[\d,]*(?:\.(\d+))?", text)
    return len(figure.group(1) or "") if figure else -1


def test_observed_figures_keep_the_decimals_the_plan_and_history_write(final14):
    r = _build(final14, "zh")
    years = [f"y{y}" for y in range(2021, 2026)]
    deaths = _row(r, "特种设备万台死亡率")
    assert [deaths.cells[y].text for y in years] == ["0.22", "0.18", "0.21", "0.19", "0.20"]
    assert deaths.cells["forecast"].text == "0.20"  # 实际值, as the 2025年 column and the plan's ≤0.20
    assert "目标年2025年实际为0.20人/万台" in deaths.narrative and "0.200" not in deaths.narrative
    kitchen = _row(r, "“明厨亮灶”覆盖率")
    assert [kitchen.cells[y].text for y in years] == ["84.5", "86.0", "88.2", "89.6", "90.0"]
    assert kitchen.cells["forecast"].text == "90.0" and "实际为90.0%" in kitchen.narrative
    food = _row(r, "食品抽检不合格率")
    assert [food.cells[y].text for y in years] == ["2.80", "3.10", "2.95", "3.20", "3.05"]
    assert food.cells["forecast"].text == "3.05" and "实际为3.05%" in food.narrative
    pharmacists = _row(r, "执业药师数")
    assert [pharmacists.cells[y].text for y in years] == ["4.50", "4.30", "4.40", "4.50", "4.55"]
    standards = _row(r, "企业标准")  # a count written whole stays whole
    assert [standards.cells[y].text for y in years] == ["52", "66", "81", "97", "117"]
    for row in r.rows:  # within a row, every year shown with the same decimals, 实际值 too when observed
        shown = [row.cells[y].text for y in years if row.cells[y].text != "–"]
        if row.category in ("completed", "not_completed"):
            shown.append(row.cells["forecast"].text)
        assert len({_places(t) for t in shown}) <= 1, (row.name, shown)


def test_a_yearly_column_of_an_open_plan_reads_as_its_sentence(long15):
    r = _build(long15, "zh")
    food = _row(r, "食品抽检不合格率")
    assert food.cells["y2026"].text == "2.90" and "2026年为2.90%" in food.narrative
    deaths = _row(r, "特种设备万台死亡率")  # the gap as the plan writes 0.20 / ≤0.15, the forecast keeps its places
    assert deaths.cells["remaining"].text == "0.05"
    assert _places(deaths.cells["forecast"].text) >= 2


def test_an_indicator_reads_alike_in_every_region():
    """SYNTHETIC: two districts of one indicator, one written with one decimal, the other with two."""
    plan = pd.DataFrame({"region": ["端州区", "鼎湖区"], "indicator": "firms", "name": "期末市场主体总量",
                         "unit": "万户", "baseline_year": 2020, "baseline": ["〔3.5〕", "〔1.89〕"],
                         "target_year": 2025, "target": ["〔5〕", "〔3.12〕"], "attribute": "预期性"})
    history = pd.DataFrame({"region": ["端州区"] * 3 + ["鼎湖区"] * 3, "indicator": "firms",
                            "year": [2021, 2022, 2023] * 2, "value": [3.8, 4.1, 4.4, 2.05, 2.31, 2.61]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(history, plan, as_of=2023, seed=0, n_paths=PATHS)
    r = build_report(table, details, date="2026-12-05")
    duan, ding = (next(row for row in r.rows if row.raw["region"] == g) for g in ("端州区", "鼎湖区"))
    assert [duan.cells[f"y{y}"].text for y in (2021, 2022, 2023)] == ["3.80", "4.10", "4.40"]
    assert [ding.cells[f"y{y}"].text for y in (2021, 2022, 2023)] == ["2.05", "2.31", "2.61"]
    assert "2023年为4.40万户" in duan.narrative


# -- C. the title of a plan with no year of its period observed ---------------------------------------------

def test_a_plan_whose_period_has_no_data_yet_is_titled_by_its_base_year(tmp_path):
    rows = [["期末市场主体总量", "万户", 3.05], ["药品抽检合格率", "%", 99.3], ["食品抽检不合格率", "%", 3.05]]
    assessed = _report(_plan15(tmp_path), _history(tmp_path, "h.xlsx", [2025], rows))
    zh, en = _build(assessed, "zh"), _build(assessed, "en")
    # the caption's remark and words are no part of the plan's name (never 《…主要指标（合成测试用）》主要指标…, s37)
    assert zh.title == "《肇庆市鼎湖区市场监管“十五五”规划》主要指标基期（2025年）情况"
    assert "年度监测" not in zh.title and "Annual monitoring" not in en.title
    assert en.title.startswith("Baseline (2025) of the main indicators: ")
    # no year of the period: its own rule (规划期未开始, s37), not the mid-term vocabulary
    assert zh.kind == "baseline" and zh.notes[0].startswith("评价口径（基期情况）")
    # the evaluation year given as 2026: the first year of the period is monitored
    assert _build(assessed, "zh", as_of=2026).title.endswith("主要指标2026年度监测")


def test_the_kind_of_report_follows_the_year_of_the_plan_period():
    table = pd.DataFrame({"baseline_year": [2020, 2020], "target_year": [2025, 2025]})
    assert [evaluation_kind(table, y) for y in (2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026)] == \
        ["baseline", "baseline", "annual", "midterm", "midterm", "annual", "final", "final"]


# -- D. a final evaluation's overall paragraph --------------------------------------------------------------

def test_a_final_evaluation_counts_the_binding_targets_not_achieved(final14):
    zh, en = _build(final14, "zh"), _build(final14, "en")
    assert zh.kind == "final"
    assert "约束性指标中未完成的有1项：食品抽检不合格率。" in zh.overall, zh.overall
    assert "需重点关注：食品抽检不合格率" not in zh.overall
    assert "预期性指标中未完成的有" in zh.overall  # the two sentences alike
    assert " Binding indicators not achieved (1): 食品抽检不合格率." in en.overall, en.overall
    assert "needing attention: 食品抽检不合格率" not in en.overall


def test_an_interpolated_target_year_is_not_counted_as_observed(tmp_path):
    """医疗器械抽检批次数: 2025 missing, 2026 reported: its 2025 value is interpolated (11.5, ≥9 met)."""
    rows = [list(r) + [None] for r in HIST14]
    device = next(r for r in rows if r[0] == "医疗器械抽检批次数")
    device[6], device[7] = None, 12
    assessed = _report(_plan14(tmp_path), _history(tmp_path, "h.xlsx", range(2021, 2027), rows))
    zh, en = _build(assessed, "zh"), _build(assessed, "en")
    row = _row(zh, "医疗器械抽检批次数")
    # session 38: no verdict on a guess -- 数据不足, asking for the year, the estimate marked 插值 for reference
    assert row.category == "insufficient_data" and "缺2025年数据，无法判定是否完成" in row.narrative
    assert "请补报2025年数据" in row.narrative and "已完成" not in row.narrative
    assert "目标年数值按前后年份插值估计的1项已完成" not in zh.overall, zh.overall
    assert row.interpolated
    observed = sum(r.category in ("completed", "not_completed") for r in zh.rows)
    assert f"目标年已有实际数据的{observed}项中" in zh.overall
    assert "interpolated between observations was achieved" not in en.overall
    # the table shows the estimate, marked as one (its 2025年 column has no figure), no probability on it
    assert row.cells["y2025"].text == "–" and row.cells["forecast"].text.startswith("插值")
    assert row.cells["p_meet"].text == "–"
    assert "forecast" in [c.id for c in zh.columns()]


def test_a_sum_missing_a_year_is_not_said_to_have_no_data(final14):
    """A 〈〉 sum missing its 2024 flow rated 数据不足 (as assess may rate it): its years are said, not
    "尚无2020年基期以后的监测数据"."""
    table, details, plan = final14
    table, details = table.copy(), copy.deepcopy(details)  # the module's assessment left as it is
    at = table.index[table["name"] == "知识产权质押登记融资金额"][0]
    table.loc[at, ["category", "evaluation", "category_zh"]] = ["insufficient_data", "insufficient_data", "数据不足"]
    series = details[list(table.index).index(at)].series
    keep = series.years != 2024
    series.years, series.values = series.years[keep], series.values[keep]
    table.loc[at, "sum_so_far"] = float(series.values[series.years > 2020].sum())
    r = build_report(table, details, plan=plan, date="2026-12-05")
    said = _row(r, "知识产权质押登记融资金额").narrative
    assert "尚无2020年基期以后" not in said, said
    assert said.startswith("知识产权质押登记融资金额：2020年基期以后有截至2025年的监测数据，缺2024年数据"), said
    assert "无法判定是否完成" in said and said.endswith("评价：数据不足。")
    en = _row(build_report(table, details, plan=plan, lang="en", date="2026-12-05"), "知识产权质押登记融资金额")
    assert "but 2024 is missing" in en.narrative and "no observation after the base year" not in en.narrative
