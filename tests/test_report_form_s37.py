"""The evaluation report's form (session 37): a target written as a change from the baseline shown with the
row's decimals and said against the change achieved; ... (more below).

Plans are rows of the real Dinghu plan (data/dinghu_14th_fyp_plan.csv), some of them with their target cell
rewritten (SYNTHETIC wording, labelled so); every history value here is SYNTHETIC (made up for these tests).
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import build_report, write_report
from mstarget.report.model import table_cells

from report_helpers import REGION, dinghu_plan


def _plan(rows: dict[str, str]) -> pd.DataFrame:
    """Dinghu rows (indicator -> target cell; "" keeps the plan's own target)."""
    plan = dinghu_plan()
    plan = plan[plan["indicator"].isin(rows)].copy()
    for ind, target in rows.items():
        if target:
            plan.loc[plan["indicator"] == ind, "target"] = target
    return plan.reset_index(drop=True)


def _history(series: dict[str, tuple[int, list]]) -> pd.DataFrame:
    """SYNTHETIC yearly values: indicator -> (first year, values)."""
    return pd.DataFrame([{"region": REGION, "indicator": ind, "year": start + k, "value": float(v),
                          "source": "synthetic"} for ind, (start, values) in series.items()
                         for k, v in enumerate(values)])


def _report(plan, history, as_of, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read = mt.read_plan(plan)
        table, details = assess_detailed(history, read, as_of=as_of, seed=0)
        return build_report(table, details, plan=read, date="2026-12-06", **kw), table, details


def _row(report, indicator):
    return next(r for r in report.rows if r.raw["indicator"] == indicator)


# -- 1. a target written as a change from the baseline ------------------------------------------------------

#: SYNTHETIC wording of two Dinghu targets as a change: 企业标准 38 项 growing 20 % a year (38 x 1.2^5 = 94.556),
#: “明厨亮灶”覆盖率 81 % raised by 5 points (86)
CHANGE_PLAN = {"enterprise_standards": "年均增长20%", "open_kitchen_coverage": "提高5个百分点"}
#: SYNTHETIC history, written whole (项) and with one decimal (%)
CHANGE_HISTORY = {"enterprise_standards": (2020, [38, 47, 56, 67, 80, 93]),
                  "open_kitchen_coverage": (2020, [81.0, 82.5, 84.0, 85.0, 86.0, 87.5])}


@pytest.fixture(scope="module")
def change_final():
    return _report(_plan(CHANGE_PLAN), _history(CHANGE_HISTORY), 2025)


def test_a_computed_target_does_not_set_the_rows_decimals(change_final):
    """年均增长20% of 38 项 is 94.556: the row's figures stay whole (93, not 93.0000), the target ≥95."""
    report, table, details = change_final
    row = _row(report, "enterprise_standards")
    assert row.cells["target"].text == "年均增长20%（≥〔95〕）"
    assert [row.cells[f"y{y}"].text for y in range(2021, 2026)] == ["47", "56", "67", "80", "93"]
    assert row.cells["remaining"].text == "2"
    assert "实际为93项，未达到目标（年均增长20%，即≥95项）" in row.narrative
    # the assess printout writes it as the report does
    printed = table_cells(table, details, plan=mt.read_plan(_plan(CHANGE_PLAN)))
    assert printed[0]["target"].text == "年均增长20%（≥〔95〕）" and printed[0]["forecast"].text == "93"
    # a % row raised by points: 86 from 81 + 5, beside figures written with one decimal
    kitchen = _row(report, "open_kitchen_coverage")
    assert kitchen.cells["target"].text == "提高5个百分点（≥86）"
    assert kitchen.cells["y2025"].text == "87.5"


def test_the_sentence_states_the_change_achieved_against_the_one_written(change_final):
    report, _, _ = change_final
    # 38 -> 93 in five years: (93/38)^(1/5) - 1 = 19.6 %
    assert "2021年至2025年年均增长19.6%，增幅低于目标的20%。" in _row(report, "enterprise_standards").narrative
    assert "2025年较2020年基期提高6.5个百分点，增幅高于目标的5个百分点。" in \
        _row(report, "open_kitchen_coverage").narrative


def test_a_computed_target_in_the_workbook_and_under_way(change_final, tmp_path):
    _, table, details = change_final
    path = tmp_path / "r.xlsx"
    write_report(table, details, path, plan=mt.read_plan(_plan(CHANGE_PLAN)), date="2026-12-06", max_charts=0)
    from openpyxl import load_workbook
    ws = load_workbook(path)["评估表"]
    formats = {ws.cell(r, c).number_format for r in range(3, ws.max_row + 1) for c in range(1, ws.max_column + 1)}
    assert not any(f.endswith("0.0000") for f in formats)
    # mid-term: the change so far, against the one written
    mid, _, _ = _report(_plan(CHANGE_PLAN), _history({k: (s, v[:4]) for k, (s, v) in CHANGE_HISTORY.items()}), 2023)
    assert "2020年基期以来至2023年年均增长20.8%（目标为年均增长20%）。" in _row(mid, "enterprise_standards").narrative


# -- 2. a 十五五 report made before its period starts (基期情况) ----------------------------------------------

#: SYNTHETIC: three Dinghu rows as a 2026-2030 plan with a 2025 base (figures invented for the test)
PLAN_15 = [("market_entities_total", "〔3.05〕", "〔4.2〕"), ("ip_pledge_financing", "〈0〉", "〈8〉"),
           ("drug_sampling_pass_rate", "99.3", "≥99")]
#: SYNTHETIC history up to the 2025 base
HISTORY_15 = {"market_entities_total": (2020, [1.89, 2.15, 2.38, 2.61, 2.86, 3.05]),
              "ip_pledge_financing": (2021, [0.6, 0.9, 1.1, 1.2, 1.3]),
              "drug_sampling_pass_rate": (2020, [98.0, 98.4, 98.9, 99.1, 99.2, 99.3])}


@pytest.fixture(scope="module")
def base_report():
    plan = _plan({ind: "" for ind, _, _ in PLAN_15})
    for ind, base, target in PLAN_15:
        at = plan["indicator"] == ind
        plan.loc[at, ["baseline_year", "baseline", "target_year", "target"]] = ["2025", base, "2030", target]
    return _report(plan, _history(HISTORY_15), 2025)[0]


def test_a_baseline_report_is_not_called_insufficient_data(base_report):
    report = base_report
    assert report.kind == "baseline"
    assert {row.category for row in report.rows} == {"not_started"}
    assert [row.cells["category"].text for row in report.rows] == ["规划期未开始"] * 3
    # the summary lists the one category its rows have, no column of zeros
    assert report.summary["label"].tolist() == ["规划期未开始"] and report.summary["total"].tolist() == [3]
    assert "数据不足" not in report.overall
    # dated today: in 2026 the period has begun, its first year's figures not yet published (session 39)
    said = "规划期（2026年至2030年）已开始，首年（2026年）全年数据尚未发布" if report.first_year_under_way == 2026 \
        else "规划期（2026年至2030年）尚未开始"
    assert said in report.overall and "按基期及以前数据的趋势外推" in report.overall
    assert "时间进度" not in report.headers()


def test_a_baseline_reports_rows(base_report):
    ip = _row(base_report, "ip_pledge_financing")
    assert ip.cells["current_shown"].text == "–"  # no addition of the period yet, not 累计 0.0
    drug = _row(base_report, "drug_sampling_pass_rate")
    assert drug.cells["required_pace"].text == "已达到"  # 99.3 at the base meets ≥99
    assert drug.cells["outlook"].text != "–"
    state = "已开始，首年（2026年）全年数据尚未发布" if base_report.first_year_under_way == 2026 else "尚未开始"
    assert drug.narrative.startswith(f"药品抽检合格率：2025年基期为99.3%，规划期（2026年至2030年）{state}。")
    assert drug.narrative.endswith("评价：规划期未开始。")


# -- 3. a 总结评估's 数据不足 rows ----------------------------------------------------------------------------

#: SYNTHETIC: 地方标准 with nothing after its 2020 base, 药品抽检合格率 without its 2025 figure (2024 met), and one
#: complete row
HISTORY_FINAL = {"local_standards": (2020, [0]),
                 "drug_sampling_pass_rate": (2020, [98.0, 98.4, 98.9, 99.1, 99.2]),
                 "open_kitchen_coverage": (2020, [81.0, 84.0, 86.0, 88.0, 89.5, 90.3])}


@pytest.fixture(scope="module")
def final_gaps():
    plan = _plan({ind: "" for ind in HISTORY_FINAL})
    return _report(plan, _history(HISTORY_FINAL), 2025)


def test_a_final_rows_without_data_after_the_base_shows_no_base_year_gap(final_gaps):
    report, table, details = final_gaps
    local = _row(report, "local_standards")
    assert local.category == "insufficient_data"
    for key in ("remaining", "forecast", "range_80", "p_meet", "required_pace", "outlook"):
        assert local.cells[key].text == "–", key
    assert "请补报2021年至2025年数据。" in local.narrative and "概率" not in local.narrative
    printed = table_cells(table, details, plan=mt.read_plan(_plan({ind: "" for ind in HISTORY_FINAL})))
    assert printed[list(table["indicator"]).index("local_standards")]["remaining"].text == "–"


def test_a_final_row_awaiting_its_year_is_a_forecast_to_confirm(final_gaps):
    report, _, _ = final_gaps
    drug = _row(report, "drug_sampling_pass_rate")
    assert drug.cells["outlook"].text.endswith("（待确认）") and "仍需巩固" not in drug.cells["outlook"].text
    assert "此为预测，待2025年实际数据公布后确认。请补报2025年数据。" in drug.narrative
    assert "（其中1项目标年数据暂缺）" in report.overall


def test_the_fan_chart_says_no_data_after_the_base(final_gaps):
    from mstarget.report.charts import _subtitle
    _, table, details = final_gaps
    row = details[list(table["indicator"]).index("local_standards")].row
    said = _subtitle(row, "zh", True)
    assert "基期后无数据" in said and "目标年数据暂缺" not in said and "概率" not in said


# -- 4. the title from a plan table's caption -----------------------------------------------------------------

@pytest.mark.parametrize("caption, title", [
    ("示例市市场监管“十四五”规划主要指标（2021—2025年）", "《示例市市场监管“十四五”规划》主要指标总结评估"),
    ("附表：示例市市场监管“十四五”规划主要目标指标", "《示例市市场监管“十四五”规划》主要指标总结评估"),
    ("示例市“十四五”市场监管规划指标体系", "《示例市“十四五”市场监管规划》主要指标总结评估"),
    # no plan document named: no 《》 around a table's words, and 主要指标 said once
    ("示例市“十五五”市场监管主要指标（征求意见稿）", "示例市“十五五”市场监管主要指标总结评估"),
    ("示例市“十四五”市场监管主要指标表", "示例市“十四五”市场监管主要指标总结评估"),
])
def test_the_title_names_the_plan_once(caption, title):
    from mstarget.report.model import _heading
    assert _heading(caption, ["示例市"], "zh", None, "final", 2025) == title


# -- 5. the unmatched tables in a Chinese report ---------------------------------------------------------------

def test_unmatched_series_are_named_in_chinese_and_never_pointed_at_the_opposite_quantity():
    """SYNTHETIC: the history names its series in words (no codes); 药品抽检不合格率 is left over while the plan's
    药品抽检合格率 has its series."""
    plan = _plan({"drug_sampling_pass_rate": "", "open_kitchen_coverage": ""})
    history = _history({"药品抽检合格率": (2020, [98.0, 98.6, 99.1]), "“明厨亮灶”覆盖率": (2020, [81.0, 84.0, 86.5]),
                        "药品抽检不合格率": (2020, [2.0, 1.4, 0.9])})
    history["name"] = history["indicator"]
    report, _, _ = _report(plan, history, 2022)
    left = report.unmatched["unmatched_history"]
    assert "指标代码" not in left.columns
    assert left["指标名称"].tolist() == ["药品抽检不合格率"]
    assert not left["建议"].fillna("").str.contains("药品抽检合格率|did you mean").any()


def test_a_reason_kept_apart_is_said_in_chinese():
    from mstarget.report.model import _suggestion_zh
    said = _suggestion_zh("not 千人食品检验量 (food): it is counted per 1000 people and 千人食品检验量 is a total: "
                          "not matched by guess (计量单位口径不同，未匹配)")
    assert said == "未与规划指标千人食品检验量匹配：计量单位口径不同，未匹配"
