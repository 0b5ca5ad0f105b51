"""The assessment table says what the printout and the report say; plan figures that disagree with the
history by enough to move progress are warned (session 35, prober p1: D1, D2, D4).

Every figure here is SYNTHETIC (generated in this file), laid out as the Dinghu district's 十四五 市场监管
plan (data/dinghu_14th_fyp_plan.csv) and its monitoring tables are.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.assess import summary_line
from mstarget.cli.main import main
from mstarget.report.model import build_report

REGION = "鼎湖区"


def _plan(rows, target_header="目标值（2025年）"):
    """A plan table as a district writes it: 指标名称 | 单位 | 基期值（2020年） | target | 属性."""
    return pd.DataFrame(rows, columns=["指标名称", "单位", "基期值（2020年）", target_header, "属性"])


def _history(series: dict, years) -> pd.DataFrame:
    """A wide monitoring table: 指标名称 | 2020年 | 2021年 | ... (None: not yet published)."""
    return pd.DataFrame([{"指标名称": name, **{f"{y}年": v for y, v in zip(years, values)}}
                         for name, values in series.items()])


FINAL_PLAN = [["千人食品检验量", "批次/千人", "5", "6", "约束性"],
              ["“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"],
              ["药品抽检合格率", "%", "98", "≥99", "预期性"],
              ["执业药师数", "人/万人口", "4.4", "≥4.6", "预期性"]]
FINAL_HISTORY = {"千人食品检验量": [5, 5.3, 5.5, 5.8, 5.9, 6.1],
                 "“明厨亮灶”覆盖率": [81, 84, 86, 88, 89, 91],
                 "药品抽检合格率": [98, 98.3, 98.5, 98.7, 98.8, 98.9],  # 98.9 in 2025: the ≥99 target missed
                 "执业药师数": [4.4, 4.45, 4.5, 4.52, 4.55, 4.58]}
YEARS = range(2020, 2026)


def _assess(plan, history, as_of, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(mt.read_history(history, region=REGION), mt.read_plan(plan, region=REGION),
                         as_of=as_of, seed=0, n_paths=400, **kw)


def _report_labels(table: pd.DataFrame) -> dict:
    report = build_report(table, lang="zh", date="2026-03-01")
    return {row.raw["name"]: row.cells["category"].text for row in report.rows}


def test_a_target_whose_year_is_observed_reads_completed_or_not_in_the_table_as_in_the_report():
    """A 总结评估 (as of 2025, every 2025 value observed): the table said 提前实现 for a target met in its
    own year and 滞后 for 98.9 against ≥99, while the printout and the report said 已完成 / 未完成."""
    table = _assess(_plan(FINAL_PLAN), _history(FINAL_HISTORY, YEARS), 2025).set_index("name")
    assert table.loc["药品抽检合格率", "category_zh"] == "未完成"
    assert table.loc["药品抽检合格率", "evaluation"] == "not_completed"
    assert table.loc["千人食品检验量", "category_zh"] == "已完成"
    assert table.loc["千人食品检验量", "evaluation"] == "completed"
    assert not table["category_zh"].isin(["提前实现", "滞后"]).any()
    assert _report_labels(table.reset_index()) == table["category_zh"].to_dict()


def test_a_target_year_past_but_not_yet_observed_is_insufficient_data_in_the_table_as_in_the_report():
    """As of 2025 with data up to 2024: the 2025 value is awaited; the table said 快于预期 / 滞后 on a
    forecast, the report 数据不足."""
    history = {k: v[:-1] for k, v in FINAL_HISTORY.items()}
    table = _assess(_plan(FINAL_PLAN), _history(history, range(2020, 2025)), 2025)
    assert (table["last_year"] == 2024).all()
    assert (table["category_zh"] == "数据不足").all() and (table["evaluation"] == "insufficient_data").all()
    # the schedule's own category (progress against time) is kept beside it
    assert table["category"].ne("insufficient_data").all()
    assert _report_labels(table) == dict(zip(table["name"], table["category_zh"]))


def test_mid_term_yearly_targets_already_observed_read_completed():
    """Yearly targets 2021-2025, as of 2023: the 2021-2023 targets are judged on their years' values
    (已完成), the 2024-2025 ones are under way (the schedule's categories)."""
    plan = pd.DataFrame([["千人食品检验量", "批次/千人", "5", "5.2", "5.4", "5.6", "5.8", "6", "约束性"]],
                        columns=["指标名称", "单位", "2020年基期值", "2021年目标", "2022年目标", "2023年目标",
                                 "2024年目标", "2025年目标", "属性"])
    table = _assess(plan, _history({"千人食品检验量": [5, 5.3, 5.5, 5.9]}, range(2020, 2024)), 2023)
    by_year = dict(zip(table["target_year"], table["category_zh"]))
    assert [by_year[y] for y in (2021, 2022, 2023)] == ["已完成"] * 3
    assert by_year[2024] in ("提前实现", "快于预期", "基本符合预期", "滞后")
    report = build_report(table, lang="zh", date="2024-03-01")
    shown = {row.raw["target_year"]: row.cells["category"].text for row in report.rows}
    assert shown == by_year


def test_the_out_file_says_what_the_printout_says(tmp_path, capsys):
    plan, history, out = tmp_path / "plan.csv", tmp_path / "history.csv", tmp_path / "assessed.csv"
    _plan(FINAL_PLAN).to_csv(plan, index=False)
    _history(FINAL_HISTORY, YEARS).to_csv(history, index=False)
    code = main(["assess", "--plan", str(plan), "--history", str(history), "--region", REGION,
                 "--as-of", "2025", "--no-track", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    written = pd.read_csv(out)
    assert sorted(written["category_zh"]) == ["已完成", "已完成", "未完成", "未完成"]
    for name, cat in zip(written["name"], written["category_zh"]):
        line = next(ln for ln in printed.splitlines() if name in ln)
        assert cat in line
    assert "已完成 2, 未完成 2" in printed


def test_the_summary_says_rows_awaiting_their_target_year_are_not_baseline_only():
    """Four years of data and the 2025 value awaited: not 'with a baseline only'."""
    history = {k: v[:-1] for k, v in FINAL_HISTORY.items()}
    table = _assess(_plan(FINAL_PLAN), _history(history, range(2020, 2025)), 2025)
    text = summary_line(table)
    assert "数据不足 4 (not assessed: 0 with a baseline only, 0 with no data, 4 awaiting the target " \
           "year's value (target year 2025, data up to 2024" in text
    assert "rests on the baseline alone" not in text


def test_the_summary_names_a_single_observation_without_a_baseline_year():
    plan = pd.DataFrame({"region": [REGION, REGION], "indicator": ["药品抽检合格率", "执业药师数"],
                         "baseline_year": [None, 2020], "baseline": [None, "4.4"],
                         "target_year": [2025, 2025], "target": ["≥99", "≥4.6"], "unit": ["%", "人/万人口"]})
    history = pd.DataFrame({"region": REGION, "indicator": ["药品抽检合格率"], "year": [2022], "value": [98.6],
                            "unit": ["%"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = mt.assess(history, plan, as_of=2023, seed=0, n_paths=400)
    assert (table["category_zh"] == "数据不足").all()
    text = summary_line(table)
    assert ("数据不足 2 (not assessed: 1 with a baseline only, 0 with no data, 1 with a single observation and "
            "no baseline year") in text


def _warned(plan, history):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.assess(mt.read_history(history, region=REGION), mt.read_plan(plan, region=REGION), as_of=2023,
                  seed=0, n_paths=200)
    return [str(w.message) for w in caught if issubclass(w.category, mt.InconsistentDataWarning)]


def test_a_mid_term_table_value_far_from_the_historys_is_warned():
    """2023年完成值 91 against the history's 87 on an 81 -> 90 target (progress 111 % against 67 %), and
    5.7 against 5.45 on a 5 -> 6 one: within the old 5 % rule, silent."""
    plan = pd.DataFrame({"指标名称": ["“明厨亮灶”覆盖率", "千人食品检验量"], "单位": ["%", "批次/千人"],
                         "2020年基期值": ["81", "5"], "2025年目标值": ["≥90", "6"],
                         "2023年完成值": ["91", "5.7"], "属性": ["约束性", "约束性"]})
    history = _history({"“明厨亮灶”覆盖率": [81, 84, 86, 87], "千人食品检验量": [5, 5.1, 5.2, 5.45]},
                       range(2020, 2024))
    messages = _warned(plan, history)
    assert len(messages) == 1
    assert "“明厨亮灶”覆盖率 2023: 91 / 87" in messages[0] and "千人食品检验量 2023: 5.7 / 5.45" in messages[0]
    assert "the history's are used" in messages[0]
    # mere rounding stays quiet: 87 against 87.0, 5.5 (one decimal) against 5.45
    plan = pd.DataFrame({"指标名称": ["“明厨亮灶”覆盖率", "千人食品检验量"], "单位": ["%", "批次/千人"],
                         "2020年基期值": ["81", "5"], "2025年目标值": ["≥90", "6"],
                         "2023年完成值": ["87", "5.5"], "属性": ["约束性", "约束性"]})
    history = _history({"“明厨亮灶”覆盖率": [81, 84, 86, 87.0], "千人食品检验量": [5, 5.1, 5.2, 5.45]},
                       range(2020, 2024))
    assert _warned(plan, history) == []


def test_a_plan_baseline_a_third_of_the_distance_from_the_historys_is_warned():
    """Plan baseline 81 against the history's 2020 figure 78 (81 -> 90: a third of the distance; progress
    67 % instead of 75 %), 5.2 against 5.0 on a 5.2 -> 6 target: 4 % apart, silent under the 5 % rule."""
    plan = pd.DataFrame({"指标名称": ["“明厨亮灶”覆盖率", "千人食品检验量"], "单位": ["%", "批次/千人"],
                         "2020年": ["81", "5.2"], "2025年": ["≥90", "6"], "属性": ["约束性"] * 2})
    history = _history({"“明厨亮灶”覆盖率": [78, 82, 85, 87], "千人食品检验量": [5.0, 5.2, 5.4, 5.6]},
                       range(2020, 2024))
    messages = _warned(plan, history)
    assert len(messages) == 2
    first = next(m for m in messages if "“明厨亮灶”覆盖率" in m)
    assert "规划基期值 81" in first and "2020 年值 78" in first and "预测使用历史数据 78" in first
    assert "33% of the baseline-to-target distance" in first
    # mere rounding stays quiet: 81 against 81.3, 5.5 against 5.45
    plan = pd.DataFrame({"指标名称": ["“明厨亮灶”覆盖率", "千人食品检验量"], "单位": ["%", "批次/千人"],
                         "2020年": ["81", "5.5"], "2025年": ["≥90", "6.5"], "属性": ["约束性"] * 2})
    history = _history({"“明厨亮灶”覆盖率": [81.3, 82, 85, 87], "千人食品检验量": [5.45, 5.6, 5.8, 6.0]},
                       range(2020, 2024))
    assert _warned(plan, history) == []


def test_the_tolerance_is_rounding_or_a_share_of_the_distance():
    from mstarget.consistency import rounding_tolerance
    assert rounding_tolerance(87.0) == pytest.approx(0.5)
    assert rounding_tolerance(5.5) == pytest.approx(0.05)
    assert rounding_tolerance(81, distance=9) == pytest.approx(0.5)  # 5 % of 9 is 0.45: rounding wins
    assert rounding_tolerance(1000, distance=400) == pytest.approx(20)  # a share of a long distance


def test_the_printed_summary_by_region_lists_the_tables_total_last_and_says_so(tmp_path, capsys):
    """A plan of two districts and its 合计 row (SYNTHETIC): the printout's 分地区 lines put 合计 after the
    districts and say it is the table's total, not one more region (as the report does)."""
    regions = ["合计", "端州区", "鼎湖区"]
    plan = pd.DataFrame([{"地区": r, "指标名称": "“明厨亮灶”覆盖率", "单位": "%", "基期值（2020年）": b,
                          "目标值（2025年）": "≥95", "属性": "约束性"} for r, b in zip(regions, (83, 85, 81))])
    history = pd.DataFrame([{"地区": r, "指标名称": "“明厨亮灶”覆盖率", "2021年": v, "2022年": v + 2, "2023年": v + 4}
                            for r, v in zip(regions, (85, 88, 82))])
    plan.to_csv(tmp_path / "plan.csv", index=False)
    history.to_csv(tmp_path / "history.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["assess", "--plan", str(tmp_path / "plan.csv"), "--history", str(tmp_path / "history.csv"),
                     "--as-of", "2023", "--no-track"]) == 0
    out = capsys.readouterr().out
    lines = out[out.index("分地区"):].splitlines()[1:4]
    assert [ln.split()[0] for ln in lines] == ["端州区", "鼎湖区", "合计"]
    assert "表中合计" in lines[2] and "表中合计" not in lines[0] + lines[1]
