"""Verdict rules (session 39, probers /tmp/s39/p1 and /tmp/s39/p4).

* 零发生 / 不发生 / ≤0 of a count of incidents means none in ANY year of the plan period: 0, 0, 2, 0, 0 is 未完成
  (it read 已完成 on the target year's 0), and a quiet latest year after an incident earlier in the period is not
  提前实现; a rate's ≤ (不合格率 ≤2) stays a level judged at the target year.
* A target is judged on the figure as it will be reported: the compared quantity rounded to the data's reporting
  unit (5, 5, 5, 5 亿元 against ≥5: a path at 4.6 is reported 5 and meets it; p_meet was 0.49).
* A figure of the current calendar year (a year not over) marked neither 快报 / 预计 nor as part of the year is
  warned, naming the rows (0.70 亿元 of 1-10月 was used as the year's).
* A qualitative row's baseline in words (未建成) is read as its text, not refused.

All figures are SYNTHETIC.
"""
from __future__ import annotations

import datetime as _dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget import consistency
from mstarget.exceptions import InconsistentDataWarning

ZERO_PLAN = ("序号,指标名称,单位,2020年基数,2021年完成值,2022年完成值,2023年完成值,2024年完成值,2025年完成值,2025年目标,属性\n"
             "4,食品抽检不合格率,%,2.4,2.2,2.6,2.0,1.9,1.9,≤2,约束性\n"
             "7,较大以上特种设备事故,起,0,0,0,2,0,0,零发生,约束性\n"
             "8,重大食品安全事故,起,0,0,0,0,0,0,零发生,约束性\n")


def _assess_plan(tmp_path, text, **kw):
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(None, mt.read_plan(path, region="示例市"), **kw).set_index("indicator")


def test_zero_accidents_with_two_in_a_middle_year_is_not_completed(tmp_path):
    t = _assess_plan(tmp_path, ZERO_PLAN)
    row = t.loc["较大以上特种设备事故"]
    assert row["category_zh"] == "未完成" and row["status"] == "off_track" and row["p_meet"] == 0
    assert "2023年发生2起" in row["note"] and "未实现零发生" in row["note"]
    # none in any year: 已完成; a rate under a cap is judged at the target year (2.6 in 2022 does not matter)
    assert t.loc["重大食品安全事故", "category_zh"] == "已完成"
    assert t.loc["食品抽检不合格率", "category_zh"] == "已完成"


def test_a_quiet_latest_year_after_an_incident_is_not_achieved_early(tmp_path):
    t = _assess_plan(tmp_path, ZERO_PLAN, as_of=2024)
    row = t.loc["较大以上特种设备事故"]
    assert row["category"] != "achieved" and row["category_zh"] != "提前实现"
    assert row["p_meet"] == 0 and row["status"] == "off_track"
    # no incident in 2021-2024: one year to go, not achieved early, p of none in 2025 high but below 1
    quiet = t.loc["重大食品安全事故"]
    assert quiet["category"] != "achieved" and 0.8 < quiet["p_meet"] < 1
    assert t.loc["食品抽检不合格率", "category"] == "achieved"  # a rate at 1.9 under ≤2: a level, as before


def test_zero_accidents_years_to_come_each_count(tmp_path):
    """Four quiet years, 零发生 in 2030: p_meet is the chance of none in every year to come, not in 2030 alone."""
    plan = ("指标名称,单位,2025年基数,2030年目标\n较大以上特种设备事故,起,0,零发生\n")
    (tmp_path / "p.csv").write_text(plan, encoding="utf-8")
    hist = pd.DataFrame({"region": "示例市", "indicator": "较大以上特种设备事故", "unit": "起",
                         "year": [2022, 2023, 2024, 2025, 2026], "value": [0.0, 0, 0, 0, 0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = mt.assess(hist, mt.read_plan(tmp_path / "p.csv", region="示例市"), seed=0).iloc[0]
    # Gamma(0.5, 5) rate: none in each of 2027-2030 is (5 / 9) ** 0.5 = 0.745 (none in 2030 alone: 0.913)
    assert row["p_meet"] == pytest.approx((5 / 9) ** 0.5, abs=0.03)
    assert row["category"] != "achieved" and "各年均不发生" in row["note"]


def test_a_flat_series_on_its_target_is_judged_on_the_figure_as_reported(tmp_path):
    """5, 5, 5, 5 亿元 against ≥5: a path at 4.6 is reported 5 and meets it (p_meet was 0.49, a coin flip)."""
    hist = pd.DataFrame({"region": "测试区", "indicator": "const", "name": "食品安全示范店投入", "unit": "亿元",
                         "year": [2020, 2021, 2022, 2023], "value": [5.0, 5, 5, 5]})
    plan = pd.DataFrame([dict(region="测试区", indicator="const", name="食品安全示范店投入", unit="亿元",
                              baseline_year=2020, baseline=5.0, target_year=2025, target="≥5", attribute="预期性")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, results = mt.assess_detailed(hist, plan, as_of=2023, seed=0, keep_paths=True)
    row = table.iloc[0]
    samples = results[0].samples
    reported = np.floor(samples + 0.5)
    assert row["p_meet"] == pytest.approx(float(np.mean(reported >= 5)), abs=1e-9)
    assert row["p_meet"] > 0.6 and float(np.mean(samples >= 5)) < 0.55


def test_a_strict_bound_is_not_met_by_a_path_reported_on_its_figure(tmp_path):
    """低于0.15 with figures to 0.01: a path at 0.1496 is reported 0.15, which does not meet it."""
    hist = pd.DataFrame({"region": "测试区", "indicator": "死亡率", "name": "特种设备万台死亡率", "unit": "人/万台",
                         "year": [2020, 2021, 2022, 2023], "value": [0.18, 0.17, 0.16, 0.15]})
    plan = pd.DataFrame([dict(region="测试区", indicator="死亡率", name="特种设备万台死亡率", unit="人/万台",
                              baseline_year=2020, baseline=0.18, target_year=2025, target="低于0.15",
                              attribute="约束性")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, results = mt.assess_detailed(hist, plan, as_of=2023, seed=0, keep_paths=True)
    samples = results[0].samples
    expected = float(np.mean(np.floor(samples / 0.01 + 0.5) < 15))  # reported below 0.15
    assert table.iloc[0]["p_meet"] == pytest.approx(expected, abs=1e-9)
    assert expected < float(np.mean(samples < 0.15))  # the paths in [0.145, 0.15) are reported 0.15


def _history_with_2026(preliminary: bool) -> pd.DataFrame:
    rows = [("知识产权质押登记融资金额", "亿元", y, v) for y, v in ((2024, 4.1), (2025, 5.05), (2026, 0.70))]
    rows += [("食品抽检合格率", "%", y, v) for y, v in ((2024, 98.1), (2025, 98.0), (2026, 98.3))]
    h = pd.DataFrame(rows, columns=["indicator", "unit", "year", "value"])
    h.insert(0, "region", "示例市")
    if preliminary:
        h["preliminary"] = h["year"].eq(2026)
        h["preliminary_mark"] = np.where(h["preliminary"], "预计", "")
    return h


def test_a_figure_of_the_year_not_over_is_warned_naming_rows_and_how_to_mark_it():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        consistency.warn_history(_history_with_2026(False), today=_dt.date(2026, 12, 6))
    said = [str(w.message) for w in caught if issubclass(w.category, InconsistentDataWarning)
            and "年度未结束" in str(w.message)]
    assert len(said) == 1
    msg = said[0]
    assert "知识产权质押登记融资金额 2026: 0.7" in msg and "食品抽检合格率 2026: 98.3" in msg
    assert "2026年（1-10月）" in msg and "预计" in msg
    assert "1 of them a yearly flow or count" in msg  # the 融资金额 is most likely the months so far


def test_a_figure_of_the_year_marked_or_over_is_not_warned():
    for history, today in ((_history_with_2026(True), _dt.date(2026, 12, 6)),  # 2026（预计）: marked
                           (_history_with_2026(False), _dt.date(2027, 3, 1))):  # 2026 is over
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            consistency.warn_history(history, today=today)
        assert not [w for w in caught if "年度未结束" in str(w.message)]


def test_read_history_warns_of_the_current_year_by_the_packages_today(tmp_path, monkeypatch):
    """The same "today" as the check of years after the current one (consistency's calendar), fixed here."""
    class _Date(_dt.date):
        @classmethod
        def today(cls):
            return cls(2026, 12, 6)

    monkeypatch.setattr(consistency._dt, "date", _Date)
    path = tmp_path / "h.csv"
    _history_with_2026(False).to_csv(path, index=False)
    with pytest.warns(InconsistentDataWarning, match="年度未结束"):
        mt.read_history(path)


def test_a_qualitative_row_with_its_baseline_in_words_is_read(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("序号,指标名称,单位,2020年基数,2021年完成值,2025年完成值,2025年目标,属性\n"
                    "1,食品抽检合格率,%,97.6,97.8,98.0,≥98,约束性\n"
                    "13,智慧监管平台,,未建成,启动建设,已建成,建成,预期性\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(path, region="示例市")
        t = mt.assess(None, plan).set_index("indicator")
    row = plan.set_index("indicator").loc["智慧监管平台"]
    assert pd.isna(row["baseline"]) and row["baseline_written"] == "未建成"
    assert t.loc["智慧监管平台", "category_zh"] == "定性指标，另行评价"
    assert "未建成" in t.loc["智慧监管平台", "note"]
    assert t.loc["食品抽检合格率", "category_zh"] == "已完成"


def test_the_report_says_which_year_missed_the_zero_incident_target(tmp_path):
    # before: 目标年2025年数为0起，未达到目标（零发生） with no word of 2023's two accidents
    path = tmp_path / "plan.csv"
    path.write_text(ZERO_PLAN, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(None, mt.read_plan(path, region="示例市"))
        mt.report.write_report(table, details, [tmp_path / "r.html"])
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "2023年发生2起，规划期内未实现零发生" in html
    assert html.count("规划期内未实现零发生") == 1  # 重大食品安全事故, none in any year, is not said to have missed


def test_cases_still_open_at_year_end_are_judged_at_the_target_year(tmp_path):
    # a count of cases open at the year's end cleared to 0 by 2025 meets ≤0 -- the first version of the 零发生 rule
    # read 欠薪案件未办结数（起）4, 6, 3, 1, 0 as incidents in every year and called it 未完成 (the same row in 件: 已完成)
    plan = ("指标名称,单位,2020年基数,2021年完成值,2022年完成值,2023年完成值,2024年完成值,2025年完成值,2025年目标,属性\n"
            "欠薪案件未办结数,起,5,4,6,3,1,0,0,约束性\n"
            "信访积案,宗,8,6,4,2,1,0,≤0,约束性\n"
            "特种设备重大隐患未整改,起,3,2,2,1,1,0,动态清零,约束性\n"
            "较大以上特种设备事故,起,0,0,0,2,0,0,零发生,约束性\n")
    t = _assess_plan(tmp_path, plan)
    for name in ("欠薪案件未办结数", "信访积案"):
        assert t.loc[name, "category_zh"] == "已完成", name
    assert t.loc["较大以上特种设备事故", "category_zh"] == "未完成"  # incidents: every year counts, as before


def test_a_baseline_alone_does_not_set_the_reporting_unit(tmp_path):
    # the shipped Dinghu plan, baselines only: 药品抽检合格率 98 -> ≥99 read its unit off the whole-number 98 and
    # counted a forecast of 98.5 as 99 (p_meet 0.29 -> 0.41); one figure shows no unit: compared unrounded
    plan = mt.read_plan(Path(__file__).parents[1] / "data" / "dinghu_14th_fyp_plan.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = mt.assess(None, plan, as_of=2022, seed=0).set_index("indicator")
    assert t.loc["drug_sampling_pass_rate", "p_meet"] < 0.35
