"""The report's rows without progress data, refined (session 43, H6): a 数据不足 row whose history reaches its base
year with two figures or more (2016-2020, nothing after) keeps its forecast, range, probability and fan chart -- it
has a trend to extrapolate -- but has no progress to plot; a row resting on one figure (its baseline alone, or one
figure and no baseline) shows "–" and is left off the overview. Also: a target met shows 已达到 as its gap (not 0.0),
a unit ``index`` is 指数 in a Chinese table, and the overview reads an assessment table's nullable year columns.

Inputs are SYNTHETIC (made up here, shaped like a district bureau's 十四五 plan and history) save the national
targets and history shipped in data/china/."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import mstarget as mt
from mstarget.assess import read_inputs
from mstarget.report import build_report, write_report
from mstarget.report.charts import _overview_points, overview_chart

DATA = Path(__file__).resolve().parents[1] / "data" / "china"

# SYNTHETIC plan: bureau headers, no region column (read with region 鼎湖区)
PLAN = """序号,指标名称,单位,2020年基数,2025年目标,指标属性
1,千人食品检验量,批次/千人,5,≥6,约束性
2,执业药师数,人/万人口,4.4,≥4.6,预期性
3,化妆品抽检批次数,批次/年,9,≥10,预期性
4,医疗器械抽检批次数,批次/年,8,≥9,预期性
5,质量竞争力指数,index,80,≥86,预期性
"""
# SYNTHETIC history: 千人食品检验量 2021-2023; 执业药师数 2016-2020 only (a trend up to the base year, nothing after);
# 化妆品抽检批次数 none (its plan baseline alone); 医疗器械抽检批次数 at 10 beside ≥9 (exceeded); the index 2021-2023
HISTORY = {"千人食品检验量": ("批次/千人", {2021: 5.1, 2022: 5.2, 2023: 5.2}),
           "执业药师数": ("人/万人口", {2016: 3.9, 2017: 4.0, 2018: 4.1, 2019: 4.2, 2020: 4.4}),
           "医疗器械抽检批次数": ("批次/年", {2021: 9, 2022: 10, 2023: 10}),
           "质量竞争力指数": ("index", {2021: 81.0, 2022: 82.1, 2023: 83.0})}


@pytest.fixture(scope="module")
def mid(tmp_path_factory):
    """The 中期评估 of 2023 on the SYNTHETIC inputs, and its files."""
    d = tmp_path_factory.mktemp("h6_mid")
    (d / "plan.csv").write_text(PLAN, encoding="utf-8")
    lines = ["region,indicator,year,value,unit"] + [f"鼎湖区,{name},{y},{v},{unit}"
                                                    for name, (unit, values) in HISTORY.items()
                                                    for y, v in values.items()]
    (d / "history.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan, history = read_inputs(str(d / "history.csv"), str(d / "plan.csv"), "鼎湖区")
        table, details = mt.assess_detailed(history, plan, seed=0)
        paths = [d / "r.html", d / "r.docx"]
        report = write_report(table, details, paths, plan=plan, as_of=2023, date="2026-12-06")
    return report, table, paths


def _row(report, name):
    return next(r for r in report.rows if r.cells["name"].text == name)


def test_a_history_up_to_the_base_year_keeps_its_forecast_and_chart(mid):
    report, _, (html, _) = mid
    row = _row(report, "执业药师数")
    assert row.category == "insufficient_data"
    # forecast, range and probability shown, as the paragraph says them: the trend of 2016-2020 extrapolated
    shown = [row.cells[k].text for k in ("forecast", "range_80", "p_meet")]
    assert "–" not in shown and shown[2].endswith("%")
    assert "历史数据为2016年至2020年" in row.narrative and "按历史数据的趋势外推" in row.narrative
    assert f"预计2025年为{shown[0]}人/万人口" in row.narrative and "仅供参考" in row.narrative
    # but no progress: 时间进度 / 目标进度 "–"
    assert (row.cells["time_share"].text, row.cells["progress_share"].text) == ("–", "–")
    # its fan chart is drawn
    assert row.number in {report.rows[k].number for k in report.charted}
    assert "执业药师数：扇形图" in html.read_text(encoding="utf-8")


def test_a_history_up_to_the_base_year_is_no_point_on_the_schedule_axis(mid):
    report, table, _ = mid
    number = _row(report, "执业药师数").number
    for pts in (_overview_points(report.rows), _overview_points(table)):  # from the report and from the table
        p = pts.set_index("number").loc[number]
        assert np.isnan(p["x"]) and p["p"] > 0  # in the 进度无法计算 strip with its probability, never at x = 0


def test_a_baseline_alone_shows_no_forecast_and_is_left_off_the_overview(mid):
    report, _, (html, _) = mid
    row = _row(report, "化妆品抽检批次数")
    assert [row.cells[k].text for k in ("forecast", "range_80", "p_meet")] == ["–"] * 3
    assert "概率" not in row.narrative and "基期2020年为9批次/年" in row.narrative
    assert row.number not in {report.rows[k].number for k in report.charted}
    assert "化妆品抽检批次数：扇形图" not in html.read_text(encoding="utf-8")
    pts = _overview_points(report.rows).set_index("number")
    assert np.isnan(pts.loc[row.number, "p"]) and np.isnan(pts.loc[row.number, "x"])
    from mstarget.report.charts import LABELS, _overview_title
    plotted = int(pts["p"].notna().sum())
    assert "另1项数据不足未列入" in _overview_title(LABELS["zh"], "overview", pts.reset_index(), plotted, "zh")


def test_a_target_exceeded_has_no_gap_of_zero(mid):
    report, _, _ = mid
    row = _row(report, "医疗器械抽检批次数")  # 10 against ≥9 in 2023
    assert row.cells["current"].text == "10" and row.cells["remaining"].text == "已达到"
    assert "已达到目标（≥9批次/年）" in row.narrative and "差" not in row.narrative
    behind = _row(report, "千人食品检验量")  # a gap left is still a figure
    assert behind.cells["remaining"].text == "0.8"


def test_the_unit_index_is_written_zhishu_in_the_chinese_table(mid):
    report, _, (_, docx) = mid
    row = _row(report, "质量竞争力指数")
    assert row.cells["unit"].text == "指数"
    assert "index" not in row.narrative and "指数" not in row.narrative.split("：", 1)[1]  # 83, not 83指数
    from docx import Document
    main = Document(str(docx)).tables[1]
    units = {r.cells[1].text: r.cells[2].text for r in main.rows[1:]}
    assert units["质量竞争力指数"] == "指数"


# --- the shipped national data: one figure and no baseline, the overview of its table ---------------------------

@pytest.fixture(scope="module")
def national():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(mt.read_history(DATA / "national_history.csv"),
                                            mt.read_plan(DATA / "national_targets.csv"), seed=0, as_of=2022)
        return table, build_report(table, details, date="2026-12-06")


def test_one_figure_without_a_baseline_says_the_target_and_gives_no_chance(national):
    _, report = national
    row = _row(report, "制造业质量竞争力指数")  # 84.91 in 2021 alone, no baseline
    assert [row.cells[k].text for k in ("forecast", "range_80", "p_meet")] == ["–"] * 3
    assert row.narrative == ("制造业质量竞争力指数：仅有2021年数据（84.91），不足以判断进度。"
                             "仅一个数据，暂不测算2025年实现目标（≥86）的概率。评价：数据不足。")
    exceeded = _row(report, "每万人口发明专利拥有量")  # 15.8 against ≥12 in 2020
    assert exceeded.cells["remaining"].text == "已达到"


def test_the_overview_of_an_assessment_table_reads_its_year_columns(national):
    table, report = national
    pts = _overview_points(table).set_index("number")  # the table's years may be nullable integers (pandas 3)
    row = _row(report, "制造业产品质量合格率")  # no data at all: unknown progress, no point
    assert np.isnan(pts.loc[row.number, "x"])
    fig = overview_chart(table, lang="zh")
    assert fig.axes
    import matplotlib.pyplot as plt
    plt.close(fig)
