"""assess on the real national data: probabilities, bounds, kinds, as_of, monotonicity (issue 2)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mstarget as mt
from mstarget.assess import RESULT_COLUMNS


@pytest.fixture(scope="module")
def national(data_dir):
    return (mt.read_history(data_dir / "china" / "national_history.csv"),
            mt.read_plan(data_dir / "china" / "national_targets.csv"))


@pytest.fixture(scope="module")
def result(national):
    history, plan = national
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.ShortHistoryWarning)
        return mt.assess(history, plan, as_of=2022, seed=0)


def test_columns_and_one_row_per_plan_row(result, national):
    assert list(result.columns[: len(RESULT_COLUMNS)]) == RESULT_COLUMNS
    assert list(result["indicator"]) == list(national[1]["indicator"])


def test_p_meet_is_a_probability_and_status_is_known(result):
    p = result["p_meet"].dropna()
    assert ((p >= 0) & (p <= 1)).all()
    assert set(result["status"]) <= {"met", "on_track", "at_risk", "off_track", "no_data"}


def test_expected_calls_on_national_targets(result):
    by = result.set_index("indicator")
    # 13th plan: 12 invention patents per 10k by 2020; 15.8 observed in 2020
    assert by.loc["invention_patents_per_10k", "status"] == "met"
    # no observation at all
    assert by.loc["manufacturing_product_pass_rate", "status"] == "no_data"
    assert np.isnan(by.loc["manufacturing_product_pass_rate", "p_meet"])
    # unqualified rate rising 2.31 -> 2.69 -> 2.86 against a <= 2 target: unlikely
    assert by.loc["food_sampling_unqualified_rate", "p_meet"] < 0.5
    # high-value patents 6.3 -> 7.5 -> 9.4, target 12 in 2025: more likely than not
    assert by.loc["high_value_invention_patents_per_10k", "p_meet"] > 0.5
    assert by.loc["high_value_invention_patents_per_10k", "required_pace"] == pytest.approx((12 - 9.4) / 3)
    assert by.loc["high_value_invention_patents_per_10k", "observed_pace"] == pytest.approx((9.4 - 6.3) / 2)


def test_percent_forecasts_stay_within_0_100(national):
    history, _ = national
    fc = mt.forecast(history, horizon=8, seed=0, as_of=2022)
    rates = fc[fc["indicator"].str.endswith("_rate")]
    assert not rates.empty
    assert (rates[["lo_95", "hi_95", "mean", "median"]] >= 0).all().all()
    assert (rates[["lo_95", "hi_95", "mean", "median"]] <= 100).all().all()
    counts = fc[fc["indicator"].str.endswith("_batches")]
    assert (counts["lo_95"] >= 0).all()


def test_as_of_really_hides_later_years(national):
    history, plan = national
    early = mt.assess(history, plan.iloc[[0]], as_of=2021, seed=0)
    assert early["last_year"].iloc[0] == 2021 and early["last_value"].iloc[0] == 7.5
    # changing a value after as_of changes nothing
    edited = history.copy()
    edited.loc[edited["year"] == 2022, "value"] *= 10
    again = mt.assess(edited, plan.iloc[[0]], as_of=2021, seed=0)
    pd.testing.assert_frame_equal(early, again)


def test_raising_a_ge_target_never_raises_p_meet(national):
    history, plan = national
    row = plan.iloc[[0]].copy()
    ps = []
    for target in (8, 10, 12, 14, 18, 25):
        row["target"] = float(target)
        ps.append(mt.assess(history, row, as_of=2022, seed=3)["p_meet"].iloc[0])
    assert all(a >= b for a, b in zip(ps, ps[1:]))
    assert ps[0] > ps[-1]


def test_same_seed_same_output_and_other_seed_differs(national):
    history, plan = national
    a = mt.assess(history, plan.iloc[[0, 4]], as_of=2022, seed=7)
    b = mt.assess(history, plan.iloc[[0, 4]], as_of=2022, seed=7)
    c = mt.assess(history, plan.iloc[[0, 4]], as_of=2022, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["p_meet"], c["p_meet"]) or not np.allclose(a["forecast"], c["forecast"])


def test_increment_is_the_sum_of_flows(national):
    """Food-sampling batches as yearly flows: a 〈x〉 target over 2021-2025 counts 2021 and 2022 as observed."""
    history, _ = national
    flows = history[history["indicator"] == "food_sampling_batches"]
    observed = flows.loc[flows["year"].isin([2021, 2022]), "value"].sum()
    plan = pd.DataFrame({"region": ["全国"], "indicator": ["food_sampling_batches"], "unit": ["批次"],
                         "baseline_year": ["2020"], "baseline": ["〈0〉"], "target_year": ["2025"],
                         "target": ["〈30000000〉"]})
    res = mt.assess(history, plan, as_of=2022, seed=0)
    r = res.iloc[0]
    assert r["kind"] == "increment"
    # three more years at ~6.5-7 million each: the total lands near 13.5 + 3*6.6 million
    assert 25e6 < r["forecast"] < 45e6
    assert r["required_pace"] == pytest.approx((30e6 - observed) / 3)
    # the observed part alone already meets a small target: met, and it cannot fall back
    plan["target"] = ["〈10000000〉"]
    small = mt.assess(history, plan, as_of=2022, seed=0).iloc[0]
    assert small["status"] == "met" and small["p_meet"] == 1.0


def test_single_observation_warns_and_gives_wide_uncertainty():
    history = pd.DataFrame({"region": ["R"], "indicator": ["x"], "year": [2020], "value": [50.0], "unit": ["%"]})
    plan = pd.DataFrame({"region": ["R"], "indicator": ["x"], "unit": ["%"], "baseline_year": ["2020"],
                         "baseline": ["50"], "target_year": ["2025"], "target": ["≥60"]})
    with pytest.warns(mt.ShortHistoryWarning, match="single observation"):
        r = mt.assess(history, plan, seed=0).iloc[0]
    assert 0.05 < r["p_meet"] < 0.5
    assert r["hi_80"] - r["lo_80"] > 10  # percentage points: honest, wide
    assert 0 <= r["lo_80"] and r["hi_80"] <= 100


def test_plan_baseline_is_used_when_history_is_silent(data_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.ShortHistoryWarning)
        res = mt.assess(None, data_dir / "dinghu_14th_fyp_plan.csv", seed=0)
    by = res.set_index("indicator")
    assert by.loc["open_kitchen_coverage", "last_value"] == 81
    assert by.loc["ip_pledge_financing", "status"] == "no_data"  # flows unknown: 〈0〉 is not a flow


@given(low=st.floats(min_value=5, max_value=30), step=st.floats(min_value=0.01, max_value=10),
       seed=st.integers(min_value=0, max_value=2**31))
@settings(max_examples=25, deadline=None)
def test_property_raising_a_ge_target_never_raises_p_meet(national, low, step, seed):
    history, plan = national
    row = plan.iloc[[0]].copy()  # high-value patents per 10k, >= target in 2025
    row["target"] = low
    p_low = mt.assess(history, row, as_of=2022, seed=seed, n_paths=500)["p_meet"].iloc[0]
    row["target"] = low + step
    p_high = mt.assess(history, row, as_of=2022, seed=seed, n_paths=500)["p_meet"].iloc[0]
    assert p_high <= p_low


def test_a_target_of_100_percent_is_met_as_reported():
    """覆盖率达到100%: paths on the logit scale never reach 100 exactly, so p_meet was 0 and the status
    off_track even for a series already at 100 % (SYNTHETIC figures). 100 is met when the value
    would be reported as 100 at the series' precision (whole numbers: from 99.5)."""
    def run(values):
        h = pd.DataFrame({"region": "鼎湖区", "indicator": "覆盖率", "year": [2020, 2021, 2022, 2023],
                          "value": values, "unit": "%"})
        p = pd.DataFrame({"region": ["鼎湖区"], "indicator": ["覆盖率"], "baseline_year": [2020],
                          "baseline": [values[0]], "target_year": [2025], "target": [100.0],
                          "direction": ["increase"], "unit": ["%"]})
        return mt.assess(h, p, seed=0).iloc[0]

    reached = run([95.0, 97.0, 99.0, 100.0])
    assert reached["status"] == "met" and reached["p_meet"] > 0.8 and reached["category"] == "achieved"
    far = run([80.0, 82.0, 84.0, 86.0])
    assert far["p_meet"] < 0.2 and far["status"] in ("at_risk", "off_track")
    # two decimals: the forecast of a series at 100.00 is 100 (not the logit scale's 99.9), met
    exact = run([99.95, 99.98, 100.0, 100.0])
    assert exact["forecast"] == 100.0 and exact["p_meet"] > 0.8


def test_a_small_percent_share_is_forecast_like_the_same_series_in_permille():
    """An unqualified rate falling 0.09 -> 0.066 % (SYNTHETIC) was forecast at exactly 0 with an
    80 % band 0-0.11: every value below the logit scale's fixed 0.1-point edge was one value there,
    and the paths within it were snapped to 0. In ‰ (no 0-100 bound) the same figures gave 0.055
    (0.048-0.063). The share's own distance to 0 now sets the edge, and the two agree."""
    v = [0.09, 0.085, 0.08, 0.075, 0.07, 0.066]
    out = {}
    for unit in ("%", "‰"):
        hist = pd.DataFrame(dict(region="测试区", indicator="x", year=range(2017, 2023), value=v, unit=unit))
        plan = pd.DataFrame([dict(region="测试区", indicator="x", name="某不合格率", unit=unit, baseline_year=2020,
                                  baseline="0.075", target_year=2025, target="≤0.05")])
        out[unit] = mt.assess(hist, plan, as_of=2022, seed=0).iloc[0]
    pct = out["%"]
    assert 0.045 < pct["lo_80"] < pct["forecast"] < pct["hi_80"] < 0.066
    for col in ("forecast", "lo_80", "hi_80", "p_meet"):
        assert pct[col] == pytest.approx(out["‰"][col], rel=0.02, abs=0.01)


def test_observed_pace_is_over_the_plan_period_not_the_whole_history(data_dir):
    """山东 农业机械总动力 (real, provincial panel) rose 10,964.7 -> 11,530.5 万千瓦 in 2020-2022
    (+283 a year) but ``observed_pace`` read -8.21, the mean change since 2010 across a break in
    the series, and the report said 快于时间进度 and 年均下降 in one sentence. The target is SYNTHETIC."""
    panel = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    hist = panel[(panel.region == "山东") & (panel.indicator == "agri_machinery_total_power")].drop(columns="source")
    plan = pd.DataFrame([dict(region="山东", indicator="agri_machinery_total_power", name="农业机械总动力",
                              unit="万千瓦", baseline_year=2020, baseline="10964.7", target_year=2025,
                              target="≥12061")])
    r = mt.assess(hist, plan, as_of=2022, seed=0).iloc[0]
    assert r["observed_pace"] == pytest.approx((11530.5 - 10964.7) / 2)
    # a history starting after the baseline year is paced from the plan's baseline
    late = hist[hist["year"] >= 2021]
    r = mt.assess(late, plan, as_of=2022, seed=0).iloc[0]
    assert r["observed_pace"] == pytest.approx((11530.5 - 10964.7) / 2)


def test_running_totals_that_fall_are_warned_and_noted():
    """累计 1.2, 1.3, 0.6 亿元 (SYNTHETIC) turned into flows 1.2, 0.1, -0.7 and a forecast of -3.7 亿元
    of financing without a word."""
    plan = pd.DataFrame({"指标名称": ["知识产权质押登记融资金额"], "单位": ["亿元"], "2020年": ["〈0〉"],
                         "2025年": ["〈5〉"], "属性": ["预期性"]})
    hist = pd.DataFrame({"指标名称": ["知识产权质押登记融资金额"], "单位": ["亿元"], "口径": ["累计"],
                         "2021年": [1.2], "2022年": [1.3], "2023年": [0.6]})
    with pytest.warns(mt.RunningTotalWarning, match=r"累计值下降.*鼎湖区/知识产权质押登记融资金额 2022 1.3 -> 2023 0.6"):
        res = mt.assess(hist, plan, region="鼎湖区", as_of=2023, seed=0)
    assert "they fall, so some flows are negative (see warning)" in res["note"].iloc[0]


def test_a_blank_plan_unit_takes_the_matched_series_unit():
    # the published Dinghu table leaves many 单位 cells blank; the history says 项, and the result
    # (and the report built from it) should say so beside the figures
    import warnings

    plan = pd.DataFrame({"region": "鼎湖区", "indicator": ["企业标准"], "name": ["企业标准"], "unit": [""],
                         "baseline_year": [2020], "baseline": [38.0], "target_year": [2025], "target": ["〔117〕"]})
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "企业标准", "year": [2021, 2022, 2023],
                         "value": [52.0, 69.0, 84.0], "unit": "项"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = mt.assess(hist, plan, seed=0)
    assert table["unit"].tolist() == ["项"]
