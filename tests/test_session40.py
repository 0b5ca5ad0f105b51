"""Fixes of session 40 found by the coordinator and the probers.

1. A 零发生 target missed by an incident before its target year (2 起 in 2022 of a 2021-2025 period) is decided:
   its p_meet is exactly 0 and the report says so -- ``0%`` in the table and 实现概率为0（已无法实现） in the text,
   not ``<1%`` / 不足1%, which a reader takes for a forecast that could still come good. Assessing such a plan
   printed ``RuntimeWarning: divide by zero`` (the plan's magnitude check divided by a target of 0).

Data: SYNTHETIC (made up here), labelled where used.
"""
from __future__ import annotations

import re
import warnings

import mstarget as mt
from mstarget.report import write_report

#: SYNTHETIC district plan and history: 2 incidents in 2022 against 零发生 for 2021-2025
PLAN_ZERO = """region,indicator,name,unit,baseline_year,baseline,target_year,target,attribute
甲区,major_food_incidents,重大食品安全事故,起,2020,0,2025,零发生,约束性
甲区,food_pass_rate,食品抽检合格率,%,2020,97.3,2025,≥98,约束性
"""
HISTORY_ZERO = """region,indicator,year,value
甲区,major_food_incidents,2020,0
甲区,major_food_incidents,2021,0
甲区,major_food_incidents,2022,2
甲区,major_food_incidents,2023,0
甲区,food_pass_rate,2020,97.3
甲区,food_pass_rate,2021,97.5
甲区,food_pass_rate,2022,97.6
甲区,food_pass_rate,2023,97.8
"""


def _zero_inputs(tmp_path):
    plan, hist = tmp_path / "plan.csv", tmp_path / "history.csv"
    plan.write_text(PLAN_ZERO, encoding="utf-8")
    hist.write_text(HISTORY_ZERO, encoding="utf-8")
    return hist, plan


def test_zero_incident_target_missed_mid_term_is_decided_in_the_report(tmp_path):
    hist, plan = _zero_inputs(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no numpy warning leaks out of assess
        table, details = mt.assess_detailed(hist, plan, as_of=2023, seed=0)
    row = table.set_index("indicator").loc["major_food_incidents"]
    assert row["p_meet"] == 0.0 and bool(row["missed_already"])
    out = tmp_path / "评估报告.html"
    write_report(table, details, [out])
    text = re.sub(r"<[^>]+>", " ", out.read_text(encoding="utf-8"))
    assert "重大食品安全事故（实现概率为0（已无法实现）" in text
    assert "不足1%" not in text
    # the table's 实现概率 cell of that row: 0%, beside the other row's forecast probability
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", out.read_text(encoding="utf-8"))
    assert "0%" in cells and "<1%" not in cells and "&lt;1%" not in cells
