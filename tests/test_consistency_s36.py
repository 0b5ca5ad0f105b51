"""Session 36: what the report, the ``assess`` printout and the tracked run say agree with each other and with the
figures written.

Data: SYNTHETIC throughout, generated here (plan rows shaped like the 鼎湖区 "十四五" / "十五五" tables; every
history value invented for the test).

1. A region whose own trend runs against its peers' (``assess``'s note: 本地区走势与同指标其他地区明显不同) was
   written up 按当前趋势预计 … 概率为91% for a district falling three years running; the report and the printout
   now say the forecast follows the other regions.
2. One year of a running total not reported (split evenly, （插值）) gave every figure of the row two decimals
   (0.60 | 1.50 | 2.55（插值） | 3.60 | 4.90, 累计完成4.90亿元) where the history writes one.
3. A base-year report (基期（2025年）情况) said 评价所依据的数据中，2项为预计数 with nothing judged and four baselines
   written 预计; it now counts the baselines.
4. A tracked run's counts (n_insufficient_data from the schedule's category) contradicted the report's 已完成 /
   未完成 / 数据不足; n_completed / n_not_completed / n_insufficient_data are now the evaluation's.
5. Yearly flows counted in 批次/年 (9, 10, 8, 11) were forecast as a stock of things (``small_count``).
6. The printout wrote ≤0.2, ≥〔4〕, 84.9 and no （快报） where the plan and the report write ≤0.20, ≥〔4.00〕, 84.91（快报）.
7. The notes said every 插值 figure has no range or probability while a 插值累计 row showed both; a split year's
   hollow point sat on the solid line of the observations.
"""
from __future__ import annotations

import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.cli.assess import display_frame, summary_line
from mstarget.report.model import build_report
from mstarget.tracking.records import assessment_metrics

REGION = "鼎湖区"


def _book(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return str(path)


def _assess(history, plan, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(history, plan, seed=0, **kw)


def _read(tmp_path, plan_rows, history_rows):
    plan = _book(tmp_path / "plan.xlsx", plan_rows)
    history = _book(tmp_path / "history.xlsx", history_rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.read_plan(plan, region=REGION), mt.read_history(history, region=REGION)


# -- 1. a region against its peers' trend ---------------------------------------------------------------------

GROWTH = {"端州区": 0.07, "高要区": 0.065, "四会市": 0.08, "广宁县": 0.06, "怀集县": 0.07, "封开县": 0.075,
          "德庆县": 0.068}


@pytest.fixture(scope="module")
def against_peers():
    """SYNTHETIC: seven districts growing about 7 % a year, 鼎湖区 falling three years running (2.81 -> 2.53)."""
    rng = np.random.default_rng(1)
    rows, plan = [], []
    for i, (region, g) in enumerate(GROWTH.items()):
        base = 2.0 + 0.5 * i
        for year in range(2020, 2024):
            rows.append((region, "期末市场主体总量", year, round(base * np.exp(g * (year - 2020) + rng.normal(0, 0.01)), 2)))
        plan.append((region, "期末市场主体总量", 2020, base, 2025, f"≥{round(base * 1.3, 2)}"))
    rows += [(REGION, "期末市场主体总量", 2020 + i, v) for i, v in enumerate([2.81, 2.72, 2.69, 2.53])]
    plan.append((REGION, "期末市场主体总量", 2020, 2.81, 2025, "≥2.6"))
    history = pd.DataFrame(rows, columns=["region", "name", "year", "value"]).assign(unit="万户")
    plan = pd.DataFrame(plan, columns=["region", "name", "baseline_year", "baseline", "target_year", "target"]) \
        .assign(unit="万户", attribute="预期性")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history, plan = mt.read_history(history), mt.read_plan(plan)
    return _assess(history, plan)


def test_a_region_against_its_peers_trend_is_said_so_in_the_report(against_peers):
    table, details = against_peers
    assert "本地区走势与同指标其他地区明显不同" in table.set_index("region").loc[REGION, "note"]
    report = build_report(table, details, as_of=2023)  # a mid-term view (dated today it is the 总结评估 asking for 2024-2025)
    row = next(r for r in report.rows if r.raw["region"] == REGION)
    text = row.narrative
    assert "本地区2020年以来逐年下降，与同指标其他地区走势明显不同" in text
    assert "预测主要依据其他地区的趋势" in text and "仅供参考" in text
    assert "按当前趋势" not in text  # before: 按当前趋势预计2025年为2.72万户 … 概率为91%
    assert "鼎湖区期末市场主体总量的走势与同指标其他地区明显不同" in report.overall
    others = [r.narrative for r in report.rows if r.raw["region"] != REGION]
    assert all("按当前趋势" in t and "其他地区的趋势" not in t for t in others)
    english = next(r for r in build_report(table, details, lang="en").rows if r.raw["region"] == REGION).narrative
    assert "fallen every year since 2020" in english and "On the current trend" not in english


def test_the_assess_printout_flags_a_region_against_its_peers(against_peers):
    text = summary_line(against_peers[0])
    line = next(ln for ln in text.splitlines() if "走势与同指标其他地区明显不同" in ln)
    assert line.endswith("鼎湖区 期末市场主体总量")


# -- 2. a year split from a reported running total ---------------------------------------------------------

PLAN_FLOW = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
             [3, "知识产权质押登记融资金额", "亿元", "〈0〉", "〈5〉", "预期性"]]


def _running_totals(tmp_path, values):
    plan, history = _read(tmp_path, PLAN_FLOW, [["指标名称", "单位", "口径", "2021年", "2022年", "2023年", "2024年", "2025年"],
                                               ["知识产权质押登记融资金额", "亿元", "累计", *values]])
    table, details = _assess(history, plan)
    return build_report(table, details, plan=plan).rows[0], table, details


def test_an_estimated_year_of_a_running_total_keeps_the_written_decimals(tmp_path):
    for values, shown in (([0.6, 1.5, 2.6, 3.6, 4.9], ["0.6", "1.5", "2.6", "3.6", "4.9"]),
                          # before: 0.60 | 1.50 | 2.55（插值） | 3.60 | 4.90, 累计完成4.90亿元
                          ([0.6, 1.5, None, 3.6, 4.9], ["0.6", "1.5", "2.6（插值）", "3.6", "4.9"])):
        (tmp_path / str(len(shown[2]))).mkdir()
        row, _, _ = _running_totals(tmp_path / str(len(shown[2])), values)
        assert [row.cells[f"y{y}"].text for y in range(2021, 2026)] == shown
        assert row.cells["forecast"].text == "累计 4.9" and row.cells["remaining"].text == "0.1"
        assert "累计完成4.9亿元" in row.narrative and "4.90" not in row.narrative


def test_a_split_year_is_joined_by_dotted_lines_only(tmp_path):
    from mstarget.plotting import pyplot
    from mstarget.report.charts import _draw_panel

    row, table, details = _running_totals(tmp_path, [0.6, 1.5, None, 3.6, 4.9])
    fig, ax = pyplot().subplots()
    try:
        _draw_panel(ax, details[0], table.iloc[0].to_dict(), "zh")
        solid = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-" and len(ln.get_xdata()) > 1]
        assert len(solid) == 1
        x, y = np.asarray(solid[0].get_xdata()), np.asarray(solid[0].get_ydata(), dtype=float)
        assert np.isnan(y[x == 2023]).all()  # the estimate is no point of the solid line (before: 2.55 on it)
        dotted = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":" and 2023 in list(ln.get_xdata())]
        assert {tuple(ln.get_xdata()) for ln in dotted} == {(2022, 2023), (2023, 2024)}
    finally:
        pyplot().close(fig)


# -- 3. a base-year report's preliminary baselines ---------------------------------------------------------

PLAN_15 = [["序号", "指标名称", "单位", "2025年基数（预计）", "2030年目标", "属性"],
           [1, "期末市场主体总量", "万户", "〔3.05〕", "〔4.00〕", "预期性"],
           [2, "地方标准", "项", "〔2〕", "〔5〕", "预期性"],
           [3, "知识产权质押登记融资金额", "亿元", "〈0〉", "〈8〉", "预期性"],
           [4, "“明厨亮灶”覆盖率", "%", "90.0", "≥98", "约束性"],
           [5, "每万人口发明专利拥有量", "件/万人", "4.00", "≥6.50", "约束性"]]


def test_a_base_year_report_counts_its_preliminary_baselines_and_judges_nothing(tmp_path):
    plan, history = _read(tmp_path, PLAN_15, [["指标名称", "单位", "2024年", "2025年"],
                                               ["期末市场主体总量", "万户", 2.78, 3.05], ["地方标准", "项", 1, 2]])
    table, details = _assess(history, plan)
    report = build_report(table, details, plan=plan)
    assert report.kind == "baseline"
    # no year of the period yet: 规划期未开始, not 数据不足 (s37)
    assert {r.category for r in report.rows} == {"not_started"}
    # before: 评价所依据的数据中，2项为预计数（“明厨亮灶”覆盖率、每万人口发明专利拥有量）
    assert "评价所依据" not in report.overall
    # the baselines still preliminary: the plan's 预计 figures, but those the history's own 2025 figure replaced
    marked = [r.raw["name"] for r in report.rows
              if r.raw.get("baseline_preliminary") is True and r.raw["kind"] != "increment"]
    assert {"“明厨亮灶”覆盖率", "每万人口发明专利拥有量"} <= set(marked)
    assert f"基期值中{len(marked)}项为预计数（{'、'.join(marked)}）" in report.overall
    # and those the history's own 2025 figure replaced (assess's baseline_planned) are said apart, not as 预计数
    replaced = [r.raw["name"] for r in report.rows if pd.notna(r.raw.get("baseline_planned", float("nan")))]
    assert not set(replaced) & set(marked)
    if replaced:
        assert f"另有{len(replaced)}项基期值按基期年数据计算，不再是规划编制时的预计数（期末市场主体总量3.05万户，与规划预计数相同" \
            in report.overall


# -- 4. the tracked counts are the report's -----------------------------------------------------------------

def test_the_tracked_counts_are_the_reports(tmp_path):
    """Three targets observed in 2025 (two met, one missed), two awaiting their 2025 figure (data up to 2024:
    数据不足 in the report, judged 基本符合预期 / 提前实现 by the schedule), one with the baseline alone."""
    plan, history = _read(tmp_path, [
        ["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
        [1, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"],
        [2, "“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"],
        [3, "执业药师数", "人/万人口", "4.4", "≥4.6", "约束性"],
        [4, "每万人口发明专利拥有量", "件/万人", "2.50", "≥4.00", "约束性"],
        [5, "医疗器械抽检批次数", "批次/年", "8", "≥9", "预期性"],
        [6, "食品安全抽检量", "批次/千人", "4.0", "≥5", "预期性"]],
        [["指标名称", "单位", "2021年", "2022年", "2023年", "2024年", "2025年"],
         ["期末市场主体总量", "万户", 2.05, 2.31, 2.55, 2.78, 3.13],
         ["“明厨亮灶”覆盖率", "%", 84.5, 86.0, 88.2, 89.6, 90.1],
         ["执业药师数", "人/万人口", 4.5, 4.3, 4.4, 4.5, 4.58],
         ["每万人口发明专利拥有量", "件/万人", 2.8, 3.1, 3.45, 3.8, None],
         ["医疗器械抽检批次数", "批次/年", 9, 10, 8, 11, None]])
    table, details = _assess(history, plan)
    report = build_report(table, details, plan=plan)
    shown = dict(zip(report.summary["category"], report.summary["total"]))
    metrics = assessment_metrics(table)
    assert (metrics["n_completed"], metrics["n_not_completed"], metrics["n_insufficient_data"]) == \
        (shown["completed"], shown["not_completed"], shown["insufficient_data"]) == (2, 1, 3)
    assert metrics["n_targets"] == sum(shown.values())
    # the schedule's counts are of the targets still under way (session 40): none here -- three observed in 2025,
    # three 数据不足 -- so no decided target is counted 基本符合预期 / 滞后 beside 已完成 / 未完成
    assert metrics["n_achieved"] + metrics["n_ahead"] + metrics["n_on_schedule"] + metrics["n_behind"] == 0


# -- 5. yearly flows in 批次/年 are not a stock ---------------------------------------------------------------

def test_yearly_flows_counted_per_year_are_not_forecast_as_a_stock():
    def model(unit):
        h = pd.DataFrame({"region": REGION, "indicator": "医疗器械抽检批次数", "year": [2021, 2022, 2023, 2024],
                          "value": [9, 10, 8, 11], "unit": unit})
        p = pd.DataFrame({"region": [REGION], "indicator": ["医疗器械抽检批次数"], "baseline_year": [2020],
                          "baseline": [8], "target_year": [2025], "target": ["≥9"], "unit": [unit]})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return mt.assess(h, p, seed=0).iloc[0]["model"]

    assert model("批次/年") != "auto:small_count"  # before: small_count, 80 % 10-14, p 97 %
    assert model("项") == "auto:small_count"
    from mstarget.units import counts_things

    def counts_stock(unit):
        return counts_things(unit, per_period=False)

    assert counts_stock("项") and counts_stock("家") and counts_stock("个")
    assert not counts_stock("批次/年") and not counts_stock("件/万人") and not counts_stock("万户")
    assert counts_things("批次/年")  # still a count of whole things: the report writes its figures whole


# -- 6. the printout writes the figures as the report -------------------------------------------------------

def test_the_assess_printout_writes_targets_and_values_as_the_report(tmp_path):
    plan, history = _read(tmp_path, [
        ["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
        [1, "食品抽检不合格率", "%", "2.50", "≤3.00", "约束性"],
        [2, "药品抽检不合格率", "%", "0.25", "≤0.20", "约束性"],
        [3, "地方标准", "件/万人", "〔1.00〕", "〔4.00〕", "预期性"],
        [4, "质量竞争力指数", "点", "80.00", "≥85.00", "预期性"]],
        [["指标名称", "单位", "2021年", "2022年", "2023年"],
         ["食品抽检不合格率", "%", 2.6, 2.4, "2.5（快报）"],
         ["药品抽检不合格率", "%", 0.24, 0.22, 0.2],
         ["地方标准", "件/万人", 1.5, 2.1, 2.6],
         ["质量竞争力指数", "点", 82.3, 83.55, "84.91（快报）"]])
    table, details = _assess(history, plan)
    report = build_report(table, details, plan=plan)
    for given in (None, details):  # the printout passes details
        shown = display_frame(table) if given is None else display_frame(table, details=given)
        assert shown["target"].tolist() == [r.cells["target"].text for r in report.rows] == \
            ["≤3.00", "≤0.20", "≥〔4.00〕", "≥85.00"]  # before: ≤3, ≤0.2, ≥〔4〕, ≥85
        assert shown["last_value"].tolist() == [r.cells["current_shown"].text for r in report.rows] == \
            ["2.50（快报）", "0.20", "2.60", "84.91（快报）"]  # before: 2.5, 0.2, 2.6, 84.9


# -- 7. the notes say what the table shows ------------------------------------------------------------------

def test_the_notes_say_an_estimate_counting_a_year_not_reported_keeps_its_range(tmp_path):
    """Beside a target whose 2025 figure is observed (its range and probability –), a 〈〉 sum missing 2024."""
    plan, history = _read(tmp_path, PLAN_FLOW + [[4, "地方标准", "项", "〔0〕", "〔2〕", "预期性"]],
                          [["指标名称", "单位", "2021年", "2022年", "2023年", "2024年", "2025年"],
                           ["知识产权质押登记融资金额", "亿元", 0.6, 0.9, 1.1, None, 1.3],
                           ["地方标准", "项", 0, 0, 1, 1, 2]])
    table, details = _assess(history, plan)
    report = build_report(table, details, plan=plan)
    row = report.rows[0]
    assert report.rows[1].category == "completed" and report.rows[1].cells["p_meet"].text == "–"
    assert row.cells["forecast"].text.startswith("插值累计") and row.cells["p_meet"].text != "–"
    note = next(n for n in report.notes if n.startswith("目标年实际值/预测值"))
    assert "评价为数据不足而标“插值”的，为含未报送年份估计值的数值，其80%区间和实现概率按估计值计算" in note
