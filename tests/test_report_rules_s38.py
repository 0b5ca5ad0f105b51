"""Session 38: the report's rule notes agree with its verdicts (every figure SYNTHETIC, made up here).

An interpolated target-year value is no longer judged (数据不足, commit 265c7b4), so the final rule no longer
says a target year "may be interpolated"; the forecast note says such a value is for reference only; a
总结评估 whose every row lacks its data states the final rule, not the NDRC mid-term vocabulary; and a base-year
report with a qualitative row still gets the base-year notes, not the mid-term ones."""
from __future__ import annotations

import math

from mstarget.report import build_report
from mstarget.report.narrative import rule_note
from report_helpers import assess_quietly, plan_rows, yearly_history

NAN = math.nan
DATE = "2026-12-06"


def _history(series: dict, first: int = 2021):
    return yearly_history(series, first).dropna(subset=["value"]).reset_index(drop=True)


def test_a_final_report_with_an_interpolated_year_does_not_say_targets_may_be_interpolated():
    plan = plan_rows([("化妆品抽检批次数", "批次/年", "9", "≥14", "预期性"), ("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性")])
    history = _history({"化妆品抽检批次数": ("批次/年", (10, 11, 12, 13, NAN, 14)),
                        "“明厨亮灶”覆盖率": ("%", (84, 86, 88, 89, 91, 92))})
    report = build_report(*assess_quietly(history, plan), date=DATE)
    notes = " ".join(report.notes)
    assert "或可由前后年份插值" not in notes
    assert "标“插值”，仅供参考，不据此评价" in notes


def test_a_final_evaluation_whose_rows_all_lack_data_states_the_final_rule():
    plan = plan_rows([("化妆品抽检批次数", "批次/年", "9", "≥14", "预期性")])
    history = _history({"化妆品抽检批次数": ("批次/年", (10, 11, 12, 13, NAN, 14))})  # 2025 missing: 数据不足
    report = build_report(*assess_quietly(history, plan), date=DATE)
    assert report.kind == "final" and {r.category for r in report.rows} == {"insufficient_data"}
    note = rule_note(report)
    assert note.startswith("评价口径（总结评估）") and "中期评估用语" not in note


def test_a_base_year_report_with_a_qualitative_row_keeps_the_base_year_notes():
    plan = plan_rows([("执业药师数", "人/万人口", "4.6", "≥5.0", "预期性"), ("智慧监管平台", "—", "—", "基本建成", "预期性")],
                     base_year=2025, target_year=2030)
    history = _history({"执业药师数": ("人/万人口", (4.45, 4.52, 4.6))}, first=2023)
    table, details = assess_quietly(history, plan, as_of=2025)
    report = build_report(table, details, as_of=2025, date=DATE)
    assert report.kind == "baseline" and report.not_started
    notes = " ".join(report.notes)
    assert "基期以来的年均变化" not in notes and "目标进度：最新值较基期" not in notes
