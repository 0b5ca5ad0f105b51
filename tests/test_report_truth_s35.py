"""The evaluation report says what is true of what it shows (session 35, prober p4): a 总结评估 keeps its yearly
columns and its notes name only what is shown; a year's value is never rounded onto its target; 预计完成情况
and 评价 follow the percentage shown; exactly 5 points is 5 points; the table's own 合计 rows are not counted
as further targets; the ``assess`` printout rounds and orders as the report; 序号同规划 only when it is; the
plan's figures as written; an output folder that cannot be made is the machine's problem (exit 4).

Every plan and history here is SYNTHETIC (made up for these tests, written below as a 市场监管局's own CSV
tables would be), not real figures.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed, read_inputs
from mstarget.cli.assess import _probability, display_frame
from mstarget.cli.main import main
from mstarget.exceptions import EnvironmentProblem
from mstarget.io import write_table
from mstarget.plotting import pyplot
from mstarget.report import build_report
from mstarget.report.charts import overview_chart
from mstarget.report.model import outlook_text, report_category
from mstarget.schedule import categorise

REGION = "鼎湖区"

#: SYNTHETIC: one district's own plan (no region column), numbered with gaps, ranges, two tiers, words, 保持100%
PLAN_A = """序号,指标名称,单位,2020年基期值,2025年目标值,属性
1,千人食品检验量,批次/千人,5.0,≥6，力争7,约束性
2,医疗器械抽检批次数,批次/年,8,8-10,预期性
4,“明厨亮灶”覆盖率,%,81,90以上,约束性
5,执业药师数,人/万人口,4.4,≥4.6,预期性
7,食用农产品抽检合格率,%,100,保持100%,约束性
8,药品抽检合格率,%,98.0,持续提升,预期性
9,食品抽检不合格率,%,2.50,1.5-2.0,预期性
11,网络交易监测覆盖率,%,60,80%-85%,预期性
"""
#: SYNTHETIC yearly values 2020-2025 of PLAN_A's indicators (食用农产品 99.8 in 2022: a miss of 保持100%)
HISTORY_A = {
    "千人食品检验量": [5.0, 5.3, 5.6, 5.9, 6.3, 6.8],
    "医疗器械抽检批次数": [8, 8, 9, 9, 10, 10],
    "“明厨亮灶”覆盖率": [81, 84, 87, 89.5, 91, 92],
    "执业药师数": [4.4, 4.45, 4.5, 4.52, 4.58, 4.6],
    "食用农产品抽检合格率": [100, 100, 99.8, 100, 100, 100],
    "药品抽检合格率": [98.0, 98.3, 98.1, 97.9, 97.8, 98.2],
    "食品抽检不合格率": [2.50, 2.40, 2.10, 1.90, 1.80, 1.70],
    "网络交易监测覆盖率": [60, 66, 71, 75, 79, 83],
}
#: SYNTHETIC: three districts and the table's own 合计, each with the same three indicators
DISTRICTS = {"端州区": 1.0, "鼎湖区": 0.8, "高要区": 0.6, "合计": 0.8}
BASE_B = (("千人食品检验量", "批次/千人", "5.0", "≥6", "约束性", [5.0, 5.3, 5.6, 5.9]),
          ("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性", [81, 84, 87, 89.5]),
          ("执业药师数", "人/万人口", "4.4", "≥4.6", "预期性", [4.4, 4.45, 4.5, 4.52]))


def _write_a(folder: Path, upto: int, plan: str = PLAN_A) -> tuple[Path, Path]:
    (folder / "plan_SYNTHETIC.csv").write_text(plan, encoding="utf-8")
    rows = [{"指标名称": k, **{f"{2020 + i}年": f"{v:g}" for i, v in enumerate(vals) if 2020 + i <= upto}}
            for k, vals in HISTORY_A.items()]
    pd.DataFrame(rows).to_csv(folder / "history_SYNTHETIC.csv", index=False)
    return folder / "plan_SYNTHETIC.csv", folder / "history_SYNTHETIC.csv"


def _write_b(folder: Path, regions=tuple(DISTRICTS)) -> tuple[Path, Path]:
    plan, hist = [], []
    for g in regions:
        for name, unit, base, target, attr, values in BASE_B:
            plan.append({"地区": g, "指标名称": name, "单位": unit, "2020年基期值": base, "2025年目标值": target,
                         "属性": attr})
            scaled = [round(values[0] + (v - values[0]) * DISTRICTS[g], 2) for v in values]
            hist.append({"地区": g, "指标名称": name, **{f"{2020 + i}年": f"{v:g}" for i, v in enumerate(scaled)}})
    pd.DataFrame(plan).assign(序号=range(1, len(plan) + 1)).to_csv(folder / "plan_B_SYNTHETIC.csv", index=False)
    pd.DataFrame(hist).to_csv(folder / "history_B_SYNTHETIC.csv", index=False)
    return folder / "plan_B_SYNTHETIC.csv", folder / "history_B_SYNTHETIC.csv"


def _report(plan_path, history_path, as_of: int, region=REGION, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan, history = read_inputs(str(history_path) if history_path else None, str(plan_path), region)
        table, details = assess_detailed(history, plan, as_of=as_of, seed=0)
    return build_report(table, details, plan=plan, date="2026-03-01", **kw)


def _row(report, name: str):
    return next(r for r in report.rows if r.cells["name"].text == name)


# -- 1. a 总结评估 keeps its yearly columns; its notes name only what is shown -----------------------------

def test_a_final_evaluation_keeps_its_yearly_columns_and_names_no_model(tmp_path):
    report = _report(*_write_a(tmp_path, 2025), 2025)
    assert report.all_observed and report.years == [2021, 2022, 2023, 2024, 2025]
    head = report.headers(docx=True)
    assert [h for h in head if h.endswith("年") and h[:4].isdigit()] == ["2021年", "2022年", "2023年", "2024年", "2025年"]
    assert "时间进度" not in head and "实现概率" not in head  # still no column of a plan under way
    notes = " ".join(report.notes)
    assert "2021年至2025年各列为当年完成值" in notes
    assert "预测模型" not in notes and "预测值及区间取整数" not in notes  # nothing was forecast


# -- 2. a year's value is never rounded onto its target ---------------------------------------------------

def test_a_yearly_value_shows_the_decimals_it_was_written_with(tmp_path):
    report = _report(*_write_a(tmp_path, 2023), 2023)
    food = _row(report, "食用农产品抽检合格率")  # 保持100%: 2022 was 99.8, a miss
    assert [food.cells[f"y{y}"].text for y in (2021, 2022, 2023)] == ["100.0", "99.8", "100.0"]
    assert food.cells["y2022"].value == 99.8 and food.cells["y2022"].number_format == "#,##0.0"  # what xlsx stores
    pharm = _row(report, "执业药师数")  # 4.45, 4.5, 4.52 reported: one row, two places (s36)
    assert [pharm.cells[f"y{y}"].text for y in (2021, 2022, 2023)] == ["4.45", "4.50", "4.52"]


# -- 3. 预计完成情况 and 评价 follow the percentage shown ------------------------------------------------------

def test_the_outlook_and_the_category_follow_the_percentage_shown(tmp_path):
    report = _report(*_write_a(tmp_path, 2023), 2023)
    raw = dict(_row(report, "执业药师数").raw)
    for p, shown, outlook in ((0.495, "50%", "有望完成"), (0.6995, "70%", "预计能够完成"),
                              (0.2951, "30%", "完成存在不确定性")):
        r = {**raw, "p_meet": p}
        cat = report_category(r)
        assert outlook_text(r, cat, "zh") == outlook, (p, shown)
    # 30 points behind the time share, shown 50 %: not 滞后 (the note: 滞后 needs a probability below 50 %)
    args = dict(has_progress_data=True, already_met=False, time=0.6, progress=0.3)
    assert categorise(**args, p_meet=0.4975) == "on_schedule"
    assert categorise(**args, p_meet=0.4949) == "behind"  # shown 49 %


# -- 4. exactly 5 points is 5 points, both ways ------------------------------------------------------------

def test_exactly_five_points_from_the_time_share_is_outside_the_band_both_ways(tmp_path):
    k = dict(has_progress_data=True, already_met=False)
    assert categorise(**k, time=3 / 5, progress=11 / 20, p_meet=0.4) == "behind"  # 55 % against 60 %
    assert categorise(**k, time=2 / 5, progress=7 / 20, p_meet=0.4) == "behind"  # 35 % against 40 %
    assert categorise(**k, time=3 / 5, progress=13 / 20, p_meet=0.6) == "ahead"  # 65 % against 60 %
    plan = "序号,指标名称,单位,2020年基期值,2025年目标值,属性\n1,地方标准,项,〔0〕,〔20〕,预期性\n"
    (tmp_path / "plan_SYNTHETIC.csv").write_text(plan, encoding="utf-8")
    pd.DataFrame([{"指标名称": "地方标准", "2020年": 0, "2021年": 10, "2022年": 11, "2023年": 11}]).to_csv(
        tmp_path / "history_SYNTHETIC.csv", index=False)
    row = _report(tmp_path / "plan_SYNTHETIC.csv", tmp_path / "history_SYNTHETIC.csv", 2023).rows[0]
    assert row.cells["progress_share"].text == "55%" and row.cells["time_share"].text == "60%"
    assert "慢于时间进度（60%）" in row.narrative, row.narrative


# -- 5. the table's own 合计 rows are not counted as further targets ---------------------------------------

def test_the_tables_own_total_rows_are_counted_apart(tmp_path):
    report = _report(*_write_b(tmp_path), 2023, region=None, title="《肇庆市市场监管“十四五”规划》")
    assert len(report.rows) == 12 and report.totals == ["合计"]
    assert int(report.summary["total"].sum()) == 9  # the regions' targets, as 分地区汇总's 各地区合计
    _, body = report.by_region_table()
    assert body[-1][0] == "各地区合计" and body[-1][-1] == "9"
    assert report.summary_total_label == "合计（不含表中合计行）"
    overall = report.overall
    assert "共9个指标值" in overall and "有进度数据的9项中" in overall, overall
    counted, apart = overall.split("表中合计行")
    assert "合计执业药师数" not in counted and "合计千人食品检验量" not in counted  # in no list, no verdict
    assert apart.startswith("3个指标值另列，不计入以上统计：")
    names = " ".join(report.summary["indicators"])
    assert "合计" not in names
    # 11. a title given is the plan's name as given: no districts put before it
    assert report.title == "《肇庆市市场监管“十四五”规划》主要指标中期评估"


def test_one_region_and_its_total_get_no_comparison_by_region(tmp_path):
    report = _report(*_write_b(tmp_path, regions=("鼎湖区", "合计")), 2023, region=None)
    assert report.by_region_table() == ([], [])
    assert "分地区看" not in report.overall and int(report.summary["total"].sum()) == 3


def test_the_overview_has_no_empty_strip_when_every_progress_is_known(tmp_path):
    report = _report(*_write_b(tmp_path), 2023, region=None)
    assert all(r.cells["progress_share"].text != "–" for r in report.rows)
    fig = overview_chart(report.rows)
    try:
        labels = [t.get_text() for a in fig.axes for t in a.get_xticklabels()]
        assert len(fig.axes) == 1 and not any("无法计算" in t for t in labels)
    finally:
        pyplot().close(fig)


# -- 6. the assess printout rounds and orders as the report ------------------------------------------------

def test_the_assess_printout_rounds_and_orders_as_the_report(tmp_path):
    assert [_probability(v) for v in (0.625, 0.495, 0.4975, 0.995)] == ["0.63", "0.50", "0.50", ">0.99"]
    plan_path, history_path = _write_a(tmp_path, 2023)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan, history = read_inputs(str(history_path), str(plan_path), REGION)
        table = mt.assess(history, plan, as_of=2023, seed=0)
    shown = display_frame(table)
    assert shown["no"].tolist() == [1, 2, 4, 5, 7, 8, 9, 11]  # the plan's order and 序号, binding rows not first
    assert shown["name"].tolist() == table["name"].tolist()
    report = build_report(table, plan=plan)
    assert [f"{int(p[:-1]) / 100:.2f}" for p in (r.cells["p_meet"].text for r in report.rows)] == shown["p_meet"].tolist()


# -- 7. 序号同规划 only when it is ---------------------------------------------------------------------------

def test_the_numbering_note_says_what_was_done(tmp_path):
    words = PLAN_A
    for digit, numeral in (("11", "八"), ("9", "七"), ("8", "六"), ("7", "五"), ("5", "四"), ("4", "三"),
                           ("2", "二"), ("1", "一")):
        words = words.replace(f"\n{digit},", f"\n{numeral},")
    report = _report(*_write_a(tmp_path, 2023, plan=words), 2023)
    assert [r.number for r in report.rows] == list(range(1, 9)) and "序号同规划" in report.notes[-3]
    by_group = ("类别,序号,指标名称,单位,2020年基期值,2025年目标值,属性\n"
                "食品安全,1,千人食品检验量,批次/千人,5.0,≥6,约束性\n食品安全,2,医疗器械抽检批次数,批次/年,8,≥9,预期性\n"
                "药品安全,1,“明厨亮灶”覆盖率,%,81,≥90,约束性\n药品安全,2,执业药师数,人/万人口,4.4,≥4.6,预期性\n")
    report = _report(*_write_a(tmp_path, 2023, plan=by_group), 2023)
    notes = " ".join(report.notes)
    assert [r.number for r in report.rows] == [1, 2, 3, 4]
    assert "序号同规划" not in notes and "序号按规划顺序重新编排" in notes


# -- 8. the plan's figures as written, with no history --------------------------------------------------------

def test_without_history_the_base_year_is_said_as_the_plan_writes_it(tmp_path):
    plan_path, history_path = _write_a(tmp_path, 2023)
    report = _report(plan_path, None, 2023)
    assert "基期2020年为4.4人/万人口" in _row(report, "执业药师数").narrative
    assert "基期2020年为98.0%" in _row(report, "药品抽检合格率").narrative
    for row in report.rows:  # 9b. nothing observed after the base year: no share of 0 %
        assert (row.cells["time_share"].text, row.cells["progress_share"].text) == ("–", "–"), row.name
        # nor a forecast or probability resting on the baseline alone (session 43): "–", no chance quoted
        assert (row.cells["forecast"].text, row.cells["p_meet"].text) == ("–", "–"), row.name
        assert "概率" not in row.narrative, row.narrative
    # a count's forecast is a whole number even beside its target (not 7.997 批次/年): with the history
    batches = _row(_report(plan_path, history_path, 2023), "医疗器械抽检批次数").cells["forecast"].text
    assert batches.isdigit(), batches


# -- 9. an output folder that cannot be made is the machine's problem ----------------------------------------

@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc, where no folder can be made")
def test_an_output_folder_that_cannot_be_created_is_an_environment_error(tmp_path, capsys):
    with pytest.raises(EnvironmentProblem, match="/proc/mstarget_nope"):
        write_table(pd.DataFrame({"a": [1]}), "/proc/mstarget_nope/r.csv")
    plan_path, history_path = _write_a(tmp_path, 2023)
    code = main(["report", "--plan", str(plan_path), "--history", str(history_path), "--region", REGION,
                 "--as-of", "2023", "--out", str(tmp_path / "r.html"), "--out", "/proc/mstarget_nope/r.xlsx",
                 "--no-track"])
    err = capsys.readouterr().err
    assert code == 4 and "internal error" not in err and "/proc/mstarget_nope" in err, err
    assert not (tmp_path / "r.html").exists()  # both or neither


def test_the_five_point_band_is_judged_on_the_percentages_shown():
    """64.6 % progress against 60 % elapsed is shown as 65 % / 60 %: five points, 快于 (it read 基本符合预期)."""
    from mstarget.schedule import categorise, shown_gap
    assert shown_gap(0.646, 0.6) == 0.05 and shown_gap(0.644, 0.6) == 0.04
    assert categorise(has_progress_data=True, already_met=False, time=0.6, progress=0.646, p_meet=0.7) == "ahead"
    assert categorise(has_progress_data=True, already_met=False, time=0.6, progress=0.644, p_meet=0.7) == "on_schedule"
    assert categorise(has_progress_data=True, already_met=False, time=0.6, progress=0.554, p_meet=0.3) == "behind"
