"""Plan semantics a 市场监管局 analyst relies on (session 37).

1. Strict wording: 低于 / 小于 / 高于 / 超过 / ＜ / ＞ exclude their figure, 以上 / 以下 / 不低于 / ≥ / ≤ include it
   (民法典 第1259条): an observed value exactly on a strict target is 未完成, not 已完成.
2. A target written in words that state its figure (保持在98%以上, 不发生, 低于0.15) is shown as written.
3. Qualitative rows (建成, 基本建立, 达到全国平均水平, 全面推行) are kept, not forecast, 定性指标，另行评价.

Data: rows of the REAL Dinghu plan (``data/dinghu_14th_fyp_plan.csv``: names, units, baselines) with some
target cells reworded, and SYNTHETIC yearly figures (invented for the test, not observed).
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.outcomes import attainment_calls
from mstarget.plan import parse_cell
from mstarget.report import build_report
from mstarget.schedule import meets


def _plan(rows):
    """Dinghu-style plan rows (region 鼎湖区, base 2020, target 2025)."""
    return pd.DataFrame([{"region": "鼎湖区", "indicator": name, "name": name, "unit": unit, "baseline_year": 2020,
                          "baseline": base, "target_year": 2025, "target": target, "attribute": attr}
                         for name, unit, base, target, attr in rows])


def _history(series):
    """SYNTHETIC yearly figures 2021-2025."""
    return pd.DataFrame([{"region": "鼎湖区", "indicator": name, "year": 2021 + i, "value": v}
                         for name, values in series.items() for i, v in enumerate(values)])


def _assess(history, plan):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(history, mt.read_plan(plan), seed=0)


# -- 1. strict wording ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, direction, strict", [
    ("低于0.15", "<=", True), ("小于2", "<=", True), ("＜0.15", "<=", True), ("<0.15", "<=", True),
    ("高于99", ">=", True), ("超过98", ">=", True), ("大于5", ">=", True), ("＞5", ">=", True),
    ("0.15以下", "<=", False), ("98%以上", ">=", False), ("不低于99", ">=", False), ("不超过2", "<=", False),
    ("≤0.15", "<=", False), ("≥99", ">=", False), ("大于等于5", ">=", False), ("小于等于2", "<=", False),
    ("控制在2以内", "<=", False), ("保持在98%以上", ">=", False)])
def test_strict_words_are_read_as_strict_and_inclusive_words_are_not(text, direction, strict):
    cell = parse_cell(text)
    assert (cell.direction, cell.strict) == (direction, strict)


def test_read_plan_keeps_strict_in_a_column_and_the_direction_as_before():
    plan = mt.read_plan(_plan([("万台特种设备死亡人数", "人/万台", "0.18", "低于0.15", "约束性"),
                               ("药品抽检合格率", "%", "98", "≥99", "预期性")]))
    assert plan["direction"].tolist() == ["<=", ">="]
    assert plan["strict"].tolist() == [True, False]


STRICT_ROWS = [("万台特种设备死亡人数", "人/万台", "0.18", "低于0.15", "约束性"),
               ("食品抽检不合格率", "%", "2.8", "小于2", "预期性"),
               ("药品抽检合格率", "%", "98", "高于99", "预期性"),
               ("“明厨亮灶”覆盖率", "%", "81", "90%以上", "约束性"),  # the real Dinghu row, ≥90 written 90%以上
               ("执业药师数", "人/万人口", "4.4", "≥4.6", "预期性")]
# SYNTHETIC: every 2025 figure exactly on its target
STRICT_HISTORY = {"万台特种设备死亡人数": [0.17, 0.16, 0.16, 0.15, 0.15], "食品抽检不合格率": [2.6, 2.4, 2.2, 2.1, 2.0],
                  "药品抽检合格率": [98.2, 98.5, 98.7, 98.9, 99.0], "“明厨亮灶”覆盖率": [84, 86, 88, 89, 90],
                  "执业药师数": [4.4, 4.5, 4.5, 4.6, 4.6]}


@pytest.fixture(scope="module")
def strict_assessed():
    return _assess(_history(STRICT_HISTORY), _plan(STRICT_ROWS))


def test_a_value_exactly_on_a_strict_target_is_not_completed(strict_assessed):
    table, _ = strict_assessed
    got = dict(zip(table["name"], table["category_zh"]))
    assert got == {"万台特种设备死亡人数": "未完成", "食品抽检不合格率": "未完成", "药品抽检合格率": "未完成",
                   "“明厨亮灶”覆盖率": "已完成", "执业药师数": "已完成"}
    status = dict(zip(table["name"], table["status"]))
    assert status["万台特种设备死亡人数"] == "off_track" and status["执业药师数"] == "met"
    note = table.loc[table["name"] == "万台特种设备死亡人数", "note"].iloc[0]
    assert "低于0.15，不含本数" in note


def test_the_report_says_a_strict_target_is_missed_in_its_own_words(strict_assessed):
    report = build_report(*strict_assessed, date="2026-12-06")
    row = next(r for r in report.rows if r.name == "万台特种设备死亡人数")
    assert row.cells["target"].text == "低于0.15"
    assert row.cells["category"].text == "未完成"
    assert row.cells["required_pace"].text != "已达到"
    assert "未达到目标（低于0.15人/万台）" in row.narrative, row.narrative
    assert "已达到" not in row.narrative


def test_meets_and_a_backtest_outcome_honour_strict():
    assert meets(0.15, 0.15, "<=") and not meets(0.15, 0.15, "<=", strict=True)
    assert meets(99.0, 99.0, ">=") and not meets(99.0, 99.0, ">=", strict=True)
    plan = mt.read_plan(_plan([STRICT_ROWS[0]]))
    hist = mt.read_history(_history({"万台特种设备死亡人数": STRICT_HISTORY["万台特种设备死亡人数"]}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calls = attainment_calls(hist, plan, "auto", "auto", [2023], seed=0)
    assert calls["outcome"].tolist() == [0.15] and calls["met"].tolist() == [False]


# -- 2. the target as the plan wrote it ------------------------------------------------------------------

def test_targets_in_words_are_shown_as_written_in_the_table_and_the_sentence():
    plan = _plan([("食品安全评价性抽检合格率", "%", "98.2", "保持在98%以上", "约束性"),
                  ("重大食品安全事故", "起", "0", "不发生", "约束性"),
                  ("药品抽检合格率", "%", "98", "≥99", "预期性")])
    history = _history({"食品安全评价性抽检合格率": [98.4, 98.5, 98.7, 98.6, 98.8], "重大食品安全事故": [0, 0, 0, 0, 0],
                        "药品抽检合格率": [98.4, 98.9, 99.1, 99.2, 99.3]})  # SYNTHETIC
    table, details = _assess(history, plan)
    assert table["category_zh"].tolist() == ["已完成", "已完成", "已完成"]  # verdicts unchanged
    assert table["target"].tolist() == [98.0, 0.0, 99.0]  # numbers unchanged
    report = build_report(table, details, date="2026-12-06")
    cells = {r.name: r.cells["target"].text for r in report.rows}
    assert cells == {"食品安全评价性抽检合格率": "保持在98%以上", "重大食品安全事故": "不发生", "药品抽检合格率": "≥99"}
    said = {r.name: r.narrative for r in report.rows}
    assert "已达到目标（不发生）" in said["重大食品安全事故"], said["重大食品安全事故"]
    assert "≤0起" not in said["重大食品安全事故"]
    assert "已达到目标（保持在98%以上）" in said["食品安全评价性抽检合格率"]
    assert "已达到目标（≥99%）" in said["药品抽检合格率"]
    # no note reading the words as a baseline
    assert "read as" not in table["note"].iloc[0]


# -- 3. qualitative rows ---------------------------------------------------------------------------------

QUALITATIVE_ROWS = [("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"),  # the real Dinghu row
                    ("智慧市场监管平台", "—", "—", "建成", "预期性"),
                    ("食品安全抽检合格率", "%", "97.5", "达到全国平均水平", "预期性")]


def test_qualitative_rows_are_kept_marked_and_warned_not_refusing_the_plan():
    # the plan is a DataFrame: its rows are named by index label (智慧市场监管平台 is row 1)
    with pytest.warns(mt.exceptions.MstargetWarning, match=r"2 qualitative target.*row 1 '智慧市场监管平台' \(建成\)"):
        plan = mt.read_plan(_plan(QUALITATIVE_ROWS))
    assert plan["qualitative"].tolist() == [False, True, True]
    assert plan["target"].iloc[0] == 90.0 and plan["target"].iloc[1:].isna().all()
    assert plan["direction"].iloc[1:].isna().all()
    assert plan["target_written"].tolist() == ["", "建成", "达到全国平均水平"]


def test_a_blank_target_stays_refused_unless_the_row_says_qualitative_and_approximate_ones_say_how():
    rows = [QUALITATIVE_ROWS[0], ("食品安全抽检合格率", "%", "97.5", "—", "预期性")]
    with pytest.raises(mt.exceptions.DataValidationError, match="定性"):
        mt.read_plan(_plan(rows))
    rows[1] = ("食品安全抽检合格率", "%", "97.5", "—", "定性")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(_plan(rows))
    assert plan["qualitative"].tolist() == [False, True] and plan["attribute"].iloc[1] == "expected"
    with pytest.raises(mt.exceptions.DataValidationError, match="或在属性栏注明“定性”"):
        mt.read_plan(_plan([("食品安全抽检合格率", "%", "97.5", "98左右", "预期性")]))


def test_qualitative_rows_are_not_forecast_and_the_report_evaluates_them_apart():
    history = _history({"“明厨亮灶”覆盖率": [84, 86, 88, 89.5, 90.3]})  # SYNTHETIC
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(history, mt.read_plan(_plan(QUALITATIVE_ROWS)), seed=0)
    assert table["evaluation"].tolist() == ["completed", "qualitative", "qualitative"]
    assert table["category_zh"].tolist()[1:] == ["定性指标，另行评价"] * 2
    assert table["p_meet"].iloc[1:].isna().all() and table["forecast"].iloc[1:].isna().all()
    assert len(table.attrs["unmatched_plan"]) == 0  # no history is asked of a qualitative target
    report = build_report(table, details, date="2026-12-06")
    row = next(r for r in report.rows if r.name == "智慧市场监管平台")
    assert row.cells["category"].text == "定性指标，另行评价"
    assert row.cells["target"].text == "建成"
    assert row.cells["p_meet"].text == "–" and row.cells["forecast"].text == "–"
    assert row.assessment is None  # no chart
    assert "定性指标（目标：2025年建成）" in row.narrative
    assert report.overall.startswith("本次评估共1项指标（约束性指标）"), report.overall
    assert "另有2项定性指标需另行评价（智慧市场监管平台、食品安全抽检合格率）" in report.overall
