"""Leftovers of session 38: a 总结评估 whose every row is 数据不足 (its summaries list 已完成 / 未完成 / 数据不足,
never 提前实现 0 ... 滞后 0, and its overall paragraph counts the target-year values only interpolated), the fan
chart's Chinese title (截至2023年 / 最新数据), ``check_learned``'s ``coverage_80`` / ``coverage_95`` (as
``backtest`` names them), and a ``%`` share typed 9880 among 98.x refused with the figure probably meant.

Plans are rows of the real Dinghu plan (data/dinghu_14th_fyp_plan.csv); every history value here is SYNTHETIC
(made up for these tests); the calibration panel is REAL (data/china/provincial_panels.csv, 2010-2019).
"""
from __future__ import annotations

import types
import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.cli.main import main
from mstarget.report import build_report

from report_helpers import DINGHU_PLAN, REGION

#: SYNTHETIC: 药品抽检合格率 up to 2024 (its 2025 value awaited); “明厨亮灶”覆盖率 and 化妆品抽检批次数 with 2026 but
#: no 2025 (the target-year value only interpolated between 2024 and 2026)
FINAL_VOID = {"drug_sampling_pass_rate": {2021: 98.3, 2022: 98.6, 2023: 99.1, 2024: 99.2},
              "open_kitchen_coverage": {2021: 84.0, 2022: 86.5, 2023: 88.0, 2024: 89.2, 2026: 90.4},
              "cosmetics_sampling_batches": {2021: 9, 2022: 10, 2023: 10, 2024: 9, 2026: 11}}


@pytest.fixture(scope="module")
def final_void(tmp_path_factory):
    d = tmp_path_factory.mktemp("final_void")
    plan = pd.read_csv(DINGHU_PLAN)
    plan = plan[plan["indicator"].isin(FINAL_VOID)]
    plan.to_csv(d / "plan.csv", index=False)
    pd.DataFrame([{"region": REGION, "indicator": ind, "year": y, "value": v}
                  for ind, values in FINAL_VOID.items() for y, v in values.items()]).to_csv(d / "history.csv",
                                                                                         index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read = mt.read_plan(d / "plan.csv")
        table, details = assess_detailed(mt.read_history(d / "history.csv"), read, seed=0)
    return d, table, details, read


def test_a_final_evaluation_all_insufficient_lists_the_final_categories(final_void):
    _, table, details, plan = final_void
    report = build_report(table, details, plan=plan, date="2026-12-06")
    assert report.final and set(r.category for r in report.rows) == {"insufficient_data"}
    # 二、分类汇总: 数据不足 3 alone (session 39: no 已完成 0 / 未完成 0 when no row can be judged -- a column of zeros
    # reads as a verdict), never 提前实现 0 ... 滞后 0 of a period that is over
    assert report.summary["label"].tolist() == ["数据不足"]
    assert report.summary["total"].tolist() == [3]


def test_a_final_evaluation_all_insufficient_counts_the_interpolated_target_years(final_void):
    _, table, details, plan = final_void
    zh = build_report(table, details, plan=plan, date="2026-12-06").overall
    assert "3项均数据不足（其中1项目标年数据暂缺，2项目标年数值未报送、仅按前后年份插值估计），暂不评价。" in zh
    en = build_report(table, details, plan=plan, date="2026-12-06", lang="en").overall
    assert ("All 3 have insufficient data (1 of them awaiting the target-year value, 2 with the target-year value "
            "not reported, only interpolated between the years around it)") in en


def test_assess_summary_of_a_final_evaluation_all_insufficient(final_void, capsys):
    d = final_void[0]
    assert main(["assess", "--plan", str(d / "plan.csv"), "--history", str(d / "history.csv"), "--no-track"]) == 0
    out = capsys.readouterr().out
    assert "数据不足 3" in out  # session 39: alone, no 已完成 0, 未完成 0 when nothing can be judged
    assert "已完成 0" not in out and "提前实现 0" not in out and "滞后 0" not in out


# -- the fan chart's title -----------------------------------------------------------------------------------

def _cjk():
    from mstarget.plotting import cjk_font
    if cjk_font() is None:
        pytest.skip("no CJK font: the chart is drawn in English")


@pytest.mark.parametrize("as_of, title", [(["--as-of", "2023"], "截至2023年"), ([], "最新数据")])
def test_assess_chart_title_is_chinese(final_void, tmp_path, monkeypatch, as_of, title):
    _cjk()
    import mstarget.cli.assess as cli_assess
    seen = []
    real = cli_assess.fan_chart

    def spy(details, **kw):
        seen.append(kw.get("title"))
        return real(details, **kw)

    monkeypatch.setattr(cli_assess, "fan_chart", spy)
    d = final_void[0]
    assert main(["assess", "--plan", str(d / "plan.csv"), "--history", str(d / "history.csv"), "--no-track",
                 "--chart", str(tmp_path / "fan.png"), *as_of]) == 0
    assert seen == [title] and (tmp_path / "fan.png").stat().st_size > 0


def test_tracked_assess_chart_title_is_chinese(final_void, monkeypatch):
    _cjk()
    import mstarget.api as api
    seen = []
    real = api.fan_chart

    def spy(details, **kw):
        seen.append(kw.get("title"))
        return real(details, **kw)

    monkeypatch.setattr(api, "fan_chart", spy)
    monkeypatch.setattr(api.tracking, "log_assessment", lambda *a, **k: "run")
    _, table, details, _ = final_void
    assert api._log_assessment(table, details, {"as_of_given": 2023}, types.SimpleNamespace(enabled=True)) == "run"
    assert seen == ["截至2023年"]


# -- check_learned: coverage_80 / coverage_95, as backtest names them ---------------------------------------

def test_check_learned_names_coverage_as_backtest(data_dir):
    from mstarget.cli.calibrate import verdict
    p = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    p = p[(p["indicator"] == "local_budget_expenditure_total") & (p["year"] <= 2019)]
    check = mt.calibration.check_learned(p[["region", "indicator", "name", "year", "value", "unit"]], n_paths=200)
    assert {"coverage_80", "coverage_95"} <= set(check.columns) and not {"cov_80", "cov_95"} & set(check.columns)
    assert (check["coverage_80"] <= check["coverage_95"]).all()
    assert "80%区间覆盖率" in verdict(check)


# -- a % share typed without its decimal point ---------------------------------------------------------------

def test_percent_typed_without_its_decimal_point_says_the_figure_meant(tmp_path):
    f = tmp_path / "h.csv"
    # SYNTHETIC: 98.8 typed 9880
    pd.DataFrame({"region": REGION, "indicator": "drug_sampling_pass_rate", "name": "药品抽检合格率", "unit": "%",
                  "year": [2021, 2022, 2023, 2024], "value": [98.1, 98.5, 9880, 98.9]}).to_csv(f, index=False)
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(f)
    assert "a percentage between 0 and 100" in str(err.value)
    assert "9880 is probably 98.8" in str(err.value) and "可能应为98.8" in str(err.value)


def test_percent_above_100_far_from_the_series_gets_no_guess(tmp_path):
    f = tmp_path / "h.csv"
    # SYNTHETIC: 150 among 98.x is no lost decimal point (1.5)
    pd.DataFrame({"region": REGION, "indicator": "drug_sampling_pass_rate", "name": "药品抽检合格率", "unit": "%",
                  "year": [2021, 2022, 2023, 2024], "value": [98.1, 98.5, 150, 98.9]}).to_csv(f, index=False)
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(f)
    assert "a percentage between 0 and 100" in str(err.value) and "probably" not in str(err.value)
