"""A short series' trend weighs its latest yearly changes most (issue 17: ``pooled_drift``'s slope).

Policy trends turn -- a fertiliser use that has stopped growing, a budget share that has started to fall -- and on
the real policy corpus the latest change of a 4-point window says most about the next ones
(``experiments/plan_regime/recency.py``). These tests check the weighting itself and what an analyst sees."""
import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.models.pooled import RECENCY, PooledDriftModel, recency_slope, recency_weight


def test_three_changes_weigh_one_three_nine():
    b, v = recency_slope(np.array([1.0, 2.0, 4.0]), np.ones(3))
    w = np.array([1.0, RECENCY, RECENCY ** 2])
    assert b == pytest.approx((w * [1, 2, 4]).sum() / w.sum())
    assert v == pytest.approx((w ** 2).sum() / w.sum() ** 2)
    assert RECENCY == 3.0 and b == pytest.approx(43 / 13)  # 1/13, 3/13, 9/13
    assert v > 1 / 3  # less certain than the mean of three changes


def test_steady_changes_give_the_same_slope_as_their_mean():
    b, _ = recency_slope(np.array([0.05, 0.05, 0.05, 0.05]), np.ones(4))
    assert b == pytest.approx(0.05)
    b1, v1 = recency_slope(np.array([0.2]), np.ones(1))
    assert (b1, v1) == (pytest.approx(0.2), pytest.approx(1.0))


def test_a_noisy_series_keeps_equal_weights():
    # a yearly tourism count (M3-style business series; log changes) that fell by half two years running after
    # swinging up and down: its changes' sd is ~2 times their mean, the latest change mostly noise -- weighting
    # it up would carry the shock forward (on the 15 7-point Tourism yearly series all such, sMAPE 23.5 -> 35.3)
    d = np.array([-0.225, 0.041, 0.093, 0.215, -0.573, -0.554])
    assert recency_weight(d, np.ones(6)) == 1.0
    b, v = recency_slope(d, np.ones(6))
    assert b == pytest.approx(d.mean()) and v == pytest.approx(1 / 6)
    # a steady one is weighted toward its latest changes
    assert recency_weight(np.array([0.10, 0.06, 0.02]), np.ones(3)) == RECENCY


def test_a_change_over_two_years_counts_per_year_and_by_its_age():
    # 2020 -> 2022 (+2 over two years: 1 a year), 2022 -> 2023 (+1): every year 1
    b, _ = recency_slope(np.array([2.0, 1.0]), np.array([2.0, 1.0]))
    assert b == pytest.approx(1.0)
    # a level shift left out keeps its year in the others' ages: the first change is two years old
    b, _ = recency_slope(np.array([1.0, 40.0, 4.0]), np.ones(3), keep=np.array([True, False, True]))
    assert b == pytest.approx((1 * 1 + 9 * 4) / 10)


def test_a_slowing_series_is_not_forecast_at_its_old_pace():
    # a district's stock growing ever more slowly (50, 60, 66, 69: +10, +6, +3) forecast alone two years on:
    # a target continuing the window's mean pace (69 + 2 x 6.33) is more likely missed than met
    hist = pd.DataFrame({"region": "某区", "indicator": "stock", "year": [2020, 2021, 2022, 2023],
                         "value": [50.0, 60.0, 66.0, 69.0], "unit": "个"})
    f = mt.forecast(hist, horizon=2)
    median_2025 = float(f.loc[f["year"] == 2025, "median"].iloc[0])
    mean_pace = 69.0 + 2 * (69.0 - 50.0) / 3
    assert median_2025 < mean_pace - 2.0
    assert median_2025 > 69.0  # still growing: the latest change is +3


def test_peers_slope_is_weighted_alike():
    # SYNTHETIC: eight regions of one indicator that all slowed from +10 % to +2 % a year; a ninth region with one
    # observation takes the peers' slope: their latest growth, not their window's mean
    years = [2020, 2021, 2022, 2023]
    growth = [0.10, 0.06, 0.02]
    rows = []
    for i in range(8):
        v = 100.0 + 10 * i
        rows.append((f"县{i}", 2020, v))
        for y, g in zip(years[1:], growth):
            v *= 1 + g + 0.002 * ((i % 3) - 1)
            rows.append((f"县{i}", y, v))
    rows.append(("新区", 2023, 100.0))
    hist = pd.DataFrame({"region": [r[0] for r in rows], "indicator": "firms", "year": [r[1] for r in rows],
                         "value": [r[2] for r in rows], "unit": "个"})
    f = mt.forecast(hist, horizon=1)
    new = float(f.loc[(f["region"] == "新区") & (f["year"] == 2024), "median"].iloc[0])
    assert 100.5 < new < 104.0  # about +2 to +3 %, not the window's mean +6 %
    model = PooledDriftModel().fit(np.log([100.0, 110.0, 116.6, 118.9]))
    assert model.slope_ < np.log(116.6 / 110.0) + 1e-9  # below the window's middle change, near its last
