"""Schedule view of assess: time share, progress share and NDRC categories (issue 18)."""
import math
import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.schedule import CATEGORY_ZH, ScheduleRules, categorise, progress_share, time_share


def test_time_share_is_the_elapsed_share_of_the_plan_period():
    assert time_share(2020, 2025, 2023) == pytest.approx(0.6)
    assert time_share(2020, 2025, 2027) == 1.0  # clipped
    assert math.isnan(time_share(None, 2025, 2023))


def test_progress_share_both_directions_and_nothing_to_cover():
    assert progress_share(1.89, 3.12, 2.7) == pytest.approx((2.7 - 1.89) / (3.12 - 1.89))
    # a "<=" target: moving down is progress
    assert progress_share(3.0, 2.0, 2.5, "<=") == pytest.approx(0.5)
    # a ">=" target the baseline already meets: nothing to cover
    assert math.isnan(progress_share(95, 90, 96, ">="))
    assert math.isnan(progress_share(5, 5, 6))


@pytest.mark.parametrize("kw, expected", [
    (dict(has_progress_data=False, already_met=True, time=0.6, progress=2.0, p_meet=1.0), "insufficient_data"),
    (dict(has_progress_data=True, already_met=True, time=0.6, progress=1.1, p_meet=0.99), "achieved"),
    (dict(has_progress_data=True, already_met=False, time=0.6, progress=0.8, p_meet=0.8), "ahead"),
    # ahead of the linear schedule but the forecast expects a miss: the two disagree
    (dict(has_progress_data=True, already_met=False, time=0.6, progress=0.8, p_meet=0.3), "on_schedule"),
    (dict(has_progress_data=True, already_met=False, time=0.6, progress=0.57, p_meet=0.5), "on_schedule"),
    (dict(has_progress_data=True, already_met=False, time=0.6, progress=0.3, p_meet=0.2), "behind"),
    # behind the linear schedule, yet the forecast (an accelerating series) expects a hit
    (dict(has_progress_data=True, already_met=False, time=0.6, progress=0.3, p_meet=0.7), "on_schedule"),
    (dict(has_progress_data=True, already_met=False, time=0.6, progress=float("nan"), p_meet=0.2), "behind"),
])
def test_category_rules(kw, expected):
    assert categorise(**kw) == expected


def test_tolerance_is_a_parameter():
    kw = dict(has_progress_data=True, already_met=False, time=0.6, progress=0.68, p_meet=0.8)
    assert categorise(**kw) == "ahead"
    assert categorise(**kw, rules=ScheduleRules(tolerance=0.1)) == "on_schedule"
    with pytest.raises(mt.ParameterError, match="tolerance"):
        ScheduleRules(tolerance=1.5)


def _dinghu_history():
    # realistic mid-term history of three Dinghu plan rows (values illustrative, generated here)
    rows = [("期末市场主体总量", y, v) for y, v in [(2021, 2.15), (2022, 2.42), (2023, 2.70)]]
    rows += [("知识产权质押登记融资金额", y, v) for y, v in [(2021, 0.9), (2022, 1.1), (2023, 1.0)]]
    rows += [("药品抽检合格率", y, v) for y, v in [(2021, 99.1), (2022, 99.3), (2023, 99.2)]]
    return rows


def test_assess_carries_the_schedule_view(data_dir):
    plan = mt.read_plan(data_dir / "dinghu_14th_fyp_plan.csv")
    ids = dict(zip(plan["name"], plan["indicator"]))
    hist = pd.DataFrame([{"region": plan["region"].iloc[0], "indicator": ids[n], "year": y, "value": v,
                          "unit": plan.loc[plan["name"] == n, "unit"].iloc[0]}
                         for n, y, v in _dinghu_history()])
    res = mt.assess(hist, plan, as_of=2023, seed=0).set_index("name")
    stock = res.loc["期末市场主体总量"]
    assert stock["time_share"] == pytest.approx(0.6)
    assert stock["progress_share"] == pytest.approx((2.70 - 1.89) / (3.12 - 1.89))
    assert stock["remaining"] == pytest.approx(3.12 - 2.70)
    assert stock["category"] == "ahead" and stock["category_zh"] == "快于预期"
    flow = res.loc["知识产权质押登记融资金额"]  # 〈5〉: 3.0 added so far
    assert flow["sum_so_far"] == pytest.approx(3.0)
    assert flow["progress_share"] == pytest.approx(3.0 / 5)
    assert flow["remaining"] == pytest.approx(2.0)
    assert res.loc["药品抽检合格率", "category"] == "achieved"
    # rows with only the plan's 2020 baseline: insufficient data, p_meet still shown
    base_only = res.loc["地方标准"]
    assert base_only["category"] == "insufficient_data"
    assert base_only["category_zh"] == CATEGORY_ZH["insufficient_data"]
    assert not math.isnan(base_only["p_meet"])


def _series(ind, pairs):
    return [{"region": "R", "indicator": ind, "year": y, "value": v} for y, v in pairs]


def _row(ind, baseline_year, baseline, target_year, target, unit="项"):
    return {"region": "R", "indicator": ind, "unit": unit, "baseline_year": baseline_year,
            "baseline": baseline, "target_year": target_year, "target": target}


@pytest.fixture(scope="module")
def edge_cases():
    """Synthetic series (generated here) for the cases the schedule view must get right (issue 18)."""
    hist = pd.DataFrame(_series("cap", [(2021, 2.8), (2022, 2.5), (2023, 2.2)])
                        + _series("cap_met", [(2021, 2.4), (2022, 2.1), (2023, 1.9)])
                        + _series("year_met", [(2020, 8), (2021, 9), (2022, 11), (2023, 9.5)])
                        + _series("year_missed", [(2020, 8), (2021, 8.5), (2022, 9), (2023, 12)])
                        + _series("no_baseline", [(2021, 50), (2022, 55), (2023, 60)])
                        + _series("baseline_only", [(2020, 3)]))
    plan = pd.DataFrame([_row("cap", 2020, "3", 2025, "≤2", "%"), _row("cap_met", 2020, "2.7", 2025, "≤2", "%"),
                         _row("year_met", 2020, "8", 2022, "≥10"), _row("year_missed", 2020, "8", 2022, "≥10"),
                         _row("no_baseline", "", "", 2025, "≥70"),
                         _row("baseline_only", 2020, "3", 2025, "≥5")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.ShortHistoryWarning)
        return mt.assess(hist, plan, as_of=2023, seed=0, n_paths=500).set_index("indicator")


def test_a_le_target_moving_down_is_progress(edge_cases):
    cap = edge_cases.loc["cap"]
    assert cap["progress_share"] == pytest.approx(0.8) and cap["remaining"] == pytest.approx(0.2)
    assert cap["category"] == ("ahead" if cap["p_meet"] >= 0.5 else "on_schedule")
    assert edge_cases.loc["cap_met", "category"] == "achieved" and edge_cases.loc["cap_met", "remaining"] == 0


def test_an_observed_target_year_is_judged_on_its_own_value(edge_cases):
    met, missed = edge_cases.loc["year_met"], edge_cases.loc["year_missed"]
    assert met["time_share"] == 1 and met["category"] == "achieved" and met["status"] == "met"
    # 9 in 2022 misses the 2022 target even though 2023 reached 12
    assert missed["category"] == "behind" and missed["status"] == "off_track"
    assert missed["progress_share"] == pytest.approx(0.5) and missed["remaining"] == pytest.approx(1)


def test_no_baseline_and_baseline_only(edge_cases):
    nob = edge_cases.loc["no_baseline"]
    assert math.isnan(nob["time_share"]) and math.isnan(nob["progress_share"])
    assert nob["category"] == ("on_schedule" if nob["p_meet"] >= 0.5 else "behind")
    only = edge_cases.loc["baseline_only"]
    assert only["category"] == "insufficient_data" and not math.isnan(only["p_meet"])


def test_baseline_only_rows_are_counted_apart_in_the_cli_summary(edge_cases):
    from mstarget.cli.assess import summary_line

    text = summary_line(edge_cases.reset_index())
    assert text.startswith("5 assessed")
    assert "数据不足 1 (not assessed: 1 with a baseline only, 0 with no data" in text


def test_running_totals_declared_as_flows_are_warned_and_declared_ones_converted():
    rows = _series("pledge", [(2021, 1.2), (2022, 2.5), (2023, 3.9)])
    plan = pd.DataFrame([_row("pledge", 2020, "〈0〉", 2025, "〈5〉", "亿元")])
    with pytest.warns(mt.RunningTotalWarning, match="R/pledge: .*running totals.*measure = running_total"):
        flows = mt.assess(pd.DataFrame(rows), plan, as_of=2023, seed=0, n_paths=500).iloc[0]
    assert flows["sum_so_far"] == pytest.approx(7.6)  # summed as given: the silent double count
    totals = mt.assess(pd.DataFrame(rows).assign(measure="累计"), plan, as_of=2023, seed=0, n_paths=500).iloc[0]
    assert totals["sum_so_far"] == pytest.approx(3.9) and totals["last_value"] == pytest.approx(1.4)
    assert totals["remaining"] == pytest.approx(1.1) and "running totals" in totals["note"]
    assert 3.9 < totals["forecast"] < 9  # two more yearly flows of ~1.2-1.4, not a 17-unit sum
