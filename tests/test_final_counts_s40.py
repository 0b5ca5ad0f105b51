"""Session 40 (fixer G4): a 总结评估's schedule category and its tracked counts (all figures SYNTHETIC).

A 总结评估 as of 2025 with every target year observed: a target missed by a few points read ``category``
``on_schedule`` (基本符合预期) beside ``category_zh`` 未完成, and the tracked ``n_on_schedule`` / ``n_behind`` /
``n_ahead`` counted the targets already decided (and those 数据不足 at the evaluation year) beside
``n_completed`` -- a dashboard comparing cities showed missed targets as 基本符合预期 after the target year.
"""
from __future__ import annotations

import warnings

import openpyxl

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.schedule import categorise
from mstarget.tracking.records import assessment_metrics

REGION = "鼎湖区"
SCHEDULE = ("n_achieved", "n_ahead", "n_on_schedule", "n_behind")
EVALUATION = ("n_completed", "n_not_completed", "n_insufficient_data", "n_not_started", "n_qualitative")


def _book(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return str(path)


def _assess(tmp_path, last_year, **kw):
    """SYNTHETIC plan and history: two targets missed by a few points in 2025, one missed by far, one met, one
    whose 2025 figure is not in (数据不足 in a 总结评估)."""
    plan = _book(tmp_path / "plan.xlsx", [
        ["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
        [1, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"],
        [2, "“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"],
        [3, "执业药师数", "人/万人口", "4.4", "≥4.6", "约束性"],
        [4, "每万人口发明专利拥有量", "件/万人", "2.50", "≥4.00", "约束性"],
        [5, "食品安全抽检量", "批次/千人", "4.0", "≥5", "预期性"]])
    years = list(range(2021, last_year + 1))
    full = {"期末市场主体总量": [2.1, 2.4, 2.65, 2.85, 3.07], "“明厨亮灶”覆盖率": [83.0, 85.0, 86.9, 88.5, 89.8],
            "执业药师数": [4.4, 4.35, 4.3, 4.3, 4.3], "每万人口发明专利拥有量": [2.8, 3.1, 3.45, 3.8, 4.1],
            "食品安全抽检量": [4.3, 4.5, 4.7, 4.9, None]}
    units = {"期末市场主体总量": "万户", "“明厨亮灶”覆盖率": "%", "执业药师数": "人/万人口",
             "每万人口发明专利拥有量": "件/万人", "食品安全抽检量": "批次/千人"}
    history = _book(tmp_path / "history.xlsx", [["指标名称", "单位", *[f"{y}年" for y in years]]] +
                    [[k, units[k], *v[:len(years)]] for k, v in full.items()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, _ = assess_detailed(mt.read_history(history, region=REGION), mt.read_plan(plan, region=REGION),
                                   seed=0, **kw)
    return table.set_index("name")


def test_a_target_missed_after_its_year_is_behind_not_on_schedule():
    # 98 % of the distance covered when the period is over, no chance left: 滞后, not 基本符合预期
    assert categorise(has_progress_data=True, already_met=False, time=1.0, progress=0.98, p_meet=0.0) == "behind"
    # mid-period the 5-point band still holds
    assert categorise(has_progress_data=True, already_met=False, time=0.6, progress=0.57, p_meet=0.3) == \
        "on_schedule"


def test_the_final_assessment_csv_and_counts_agree(tmp_path):
    table = _assess(tmp_path, 2025, as_of=2025)
    # before: category on_schedule beside 未完成 for the two targets missed by a few points
    for name in ("期末市场主体总量", "“明厨亮灶”覆盖率", "执业药师数"):
        assert (table.at[name, "category"], table.at[name, "evaluation"], table.at[name, "category_zh"]) == \
            ("behind", "not_completed", "未完成"), name
    assert table.at["每万人口发明专利拥有量", "category_zh"] == "已完成"
    assert table.at["食品安全抽检量", "category_zh"] == "数据不足"
    m = assessment_metrics(table.reset_index())
    assert (m["n_completed"], m["n_not_completed"], m["n_insufficient_data"]) == (1, 3, 1)
    # before: n_on_schedule 2, n_behind 1, n_achieved 1 and the 数据不足 row's schedule word -- all decided rows
    assert {k: m[k] for k in SCHEDULE} == dict.fromkeys(SCHEDULE, 0)
    assert sum(m[k] for k in SCHEDULE + EVALUATION) == m["n_targets"] == 5


def test_a_mid_term_run_still_counts_the_schedule(tmp_path):
    table = _assess(tmp_path, 2023, as_of=2023)
    m = assessment_metrics(table.reset_index())
    assert sum(m[k] for k in SCHEDULE) == 5  # every target under way
    assert sum(m[k] for k in EVALUATION) == 0
    assert m["n_on_schedule"] == int((table["category"] == "on_schedule").sum())
