"""Schedule view of assess: time share, progress share and NDRC categories (issue 18)."""
import math

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
