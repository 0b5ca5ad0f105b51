"""A 总结评估 row whose target year's figure is still awaited, its latest year already at the target (session 49).

The table's 距目标差距 read 已达到 beside a blank 2025 column and the verdict 数据不足: met by which figure? It now says
the year it was met in, 2024年已达到 (English: met in 2024); a row whose target year is observed keeps 已达到, and a
中期评估 (the latest year is the point of the table) is unchanged.

Data: SYNTHETIC plan rows and yearly values made up here (not observed figures).
"""
from __future__ import annotations

import warnings

import pandas as pd

import mstarget as mt
from mstarget.report import build_report

PLAN = pd.DataFrame({"region": ["某区"] * 3,
                     "name": ["企业年报率", "每万人口高价值发明专利拥有量", "食品抽检量"],
                     "unit": ["%", "件", "批次/千人"], "baseline_year": [2020] * 3, "baseline": [90, 5.2, 4],
                     "target_year": [2025] * 3, "target": [95, 8, 5], "direction": [">="] * 3,
                     "kind": ["level", "cumulative", "level"], "attribute": ["expected", "expected", "binding"]})
YEARS = {"企业年报率": [90, 91.5, 93, 95.2, 96.1, None], "每万人口高价值发明专利拥有量": [5.2, 6.0, 7.1, 8.3, 9.0, 9.8],
         "食品抽检量": [4, 4.3, 4.6, 4.9, 5.2, None]}


def _history() -> pd.DataFrame:
    rows = [{"region": "某区", "name": n, "unit": u, "year": 2020 + k, "value": v}
            for (n, values), u in zip(YEARS.items(), PLAN["unit"]) for k, v in enumerate(values) if v is not None]
    return pd.DataFrame(rows)


def _gap_cells(as_of: int, lang: str = "zh") -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(_history(), PLAN, as_of=as_of)
        report = build_report(table, details, lang=lang, as_of=as_of)
    return {row.raw["name"] if "name" in row.raw else row.raw["indicator"]: row.cells["remaining"].text
            for row in report.rows}


def test_final_evaluation_says_the_year_a_target_was_met_while_its_target_year_is_awaited():
    gaps = _gap_cells(2025)
    assert gaps["企业年报率"] == "2024年已达到"
    assert gaps["食品抽检量"] == "2024年已达到"
    assert gaps["每万人口高价值发明专利拥有量"] == "已达到"  # its 2025 figure observed: met in the target year


def test_the_english_report_says_met_in_the_year():
    gaps = _gap_cells(2025, "en")
    assert gaps["企业年报率"] == "met in 2024" and gaps["每万人口高价值发明专利拥有量"] == "met"


def test_a_midterm_table_keeps_its_plain_met():
    gaps = _gap_cells(2024)
    assert gaps["企业年报率"] == "已达到" and gaps["食品抽检量"] == "已达到"
