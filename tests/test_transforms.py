"""Bounded transforms: forecasts respect natural bounds by transformation, not clipping (issue 2)."""
from __future__ import annotations

import numpy as np
import pytest

from mstarget.transforms import Bounds, LogitTransform, LogTransform, Transform, choose_transform, sum_flows


def test_unit_rules():
    assert Bounds.for_unit("%") == Bounds(0.0, 100.0)
    assert Bounds.for_unit("件/万人", [1.0, 2.0]) == Bounds(0.0, None)
    assert Bounds.for_unit("index", [-1.0, 2.0]) == Bounds(None, None)
    assert Bounds.for_unit("%", lower=50) == Bounds(50.0, 100.0)


@pytest.mark.parametrize("values", [[81.0, 85.0, 99.9], [0.0, 0.3, 1.0], [100.0, 100.0, 99.5]])
def test_logit_round_trip_and_range(values):
    t = choose_transform(Bounds(0, 100), values)
    assert isinstance(t, LogitTransform)
    z = t.forward(values)
    back = t.inverse(z)
    # a series that touches a bound and moves off it is read exactly (the scale reaches past it)
    assert np.allclose(back, values, atol=1e-9)
    wild = t.inverse(np.array([-1e6, -50.0, 0.0, 50.0, 1e6]))
    assert (wild >= 0).all() and (wild <= 100).all()


def test_log_with_zeros_stays_non_negative():
    t = choose_transform(Bounds(0, None), [0.0, 0.0, 2.0, 5.0])
    assert isinstance(t, LogTransform) and t.offset > 0
    assert np.allclose(t.inverse(t.forward([0.0, 2.0, 5.0])), [0.0, 2.0, 5.0])
    assert (t.inverse(np.linspace(-50, 5, 100)) >= 0).all()


def test_loglinear_preference_only_for_positive_unbounded():
    assert choose_transform(Bounds(None, None), [1.0, 2.0], prefer="log").name == "log"
    assert choose_transform(Bounds(None, None), [-1.0, 2.0], prefer="log").name == "identity"
    assert type(choose_transform(Bounds(None, None), [1.0, 2.0])) is Transform


def test_sum_flows():
    paths = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert list(sum_flows(np.array([10.0, 5.0]), paths)) == [18.0, 22.0]
    assert list(sum_flows(np.array([10.0]), np.zeros((3, 0)))) == [10.0, 10.0, 10.0]


def test_small_count_starting_at_zero_is_not_extrapolated_as_explosive_growth():
    # a district's local standards: 0, 0, 1, 1 in 2020-2023 (the Dinghu plan's 地方标准 row, 2025
    # target 2). A 0 -> 1 step is a doubling on the log scale, not an eleven-fold rise: the 2025
    # median stays near the observed pace and the 80 % band stays within a few standards.
    import mstarget as mt
    import pandas as pd

    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "local_standards", "year": [2020, 2021, 2022, 2023],
                         "value": [0.0, 0.0, 1.0, 1.0], "unit": "项"})
    fc = mt.forecast(hist, horizon=2, seed=0)
    row = fc[fc["year"] == 2025].iloc[0]
    assert 1.0 <= row["median"] <= 3.0
    assert row["lo_80"] >= 0 and row["hi_80"] <= 10
    t = choose_transform(Bounds(0, None), [0.0, 0.0, 1.0, 1.0])
    assert t.offset == 1.0


@pytest.mark.parametrize("values, unit_steps", [
    ([100.0, 100.0, 95.0, 90.0], "pass rate falling off 100 %"),
    ([0.0, 0.0, 0.0, 5.0, 10.0], "coverage rising off 0 %"),
])
def test_share_leaving_its_bound_is_forecast_near_its_own_pace(values, unit_steps):
    # A share that sits on a bound and then moves off it: the first step off the bound must be worth
    # on the model scale what the series' own later steps are. With 100 % taken as 99.9 %, 100 -> 95
    # counted like a fall from 95 % to 27 %, and the pass rate was forecast at 26 % two years on
    # (the coverage at 55 %, from 10 % with steps of 5).
    import mstarget as mt
    import pandas as pd

    years = list(range(2024 - len(values), 2024))
    hist = pd.DataFrame({"region": "某区", "indicator": unit_steps, "year": years, "value": values, "unit": "%"})
    row = mt.forecast(hist, horizon=2, seed=0).iloc[-1]
    last, pace = values[-1], (values[-1] - values[-3]) / 2
    linear = last + 2 * pace
    assert abs(row["median"] - linear) < 10, (row["median"], linear)
    assert row["lo_80"] <= linear <= row["hi_80"]
    assert 0.0 <= row["lo_95"] and row["hi_95"] <= 100.0


def test_share_always_on_its_bound_keeps_the_fixed_edge():
    t = choose_transform(Bounds(0, 100), [100.0, 100.0, 100.0])
    assert isinstance(t, LogitTransform) and (t.below, t.above) == (0.0, 0.0)
    t = choose_transform(Bounds(0, 100), [100.0, 99.0, 98.0])
    assert (t.below, t.above) == (0.0, 1.5)
    assert t.inverse(np.array([1e6]))[0] == 100.0


def test_mean_of_a_jumpy_short_count_is_finite_inside_its_band_and_a_steady_ones_is_the_plain_mean():
    # 西藏's 3, 3, 40 (a real tester's series): on the log scale its forecast has t-like tails and no
    # finite plain mean -- the table's `mean` was 2.9e10, far outside its own 95 % band. The reported
    # mean caps the extreme 2.5 % of paths at each end, so it lies inside the 95 % band; a steady
    # series' mean is still its paths' plain mean to within a fraction of a percent of the band.
    import mstarget as mt
    import pandas as pd
    from mstarget.forecast import forecast_paths

    jumpy = pd.DataFrame({"region": "西藏", "indicator": "new_firms", "year": [2021, 2022, 2023],
                          "value": [3.0, 3.0, 40.0], "unit": "家"})
    for seed in (0, 1, 2):
        row = mt.forecast(jumpy, horizon=2, seed=seed).iloc[-1]
        assert row["lo_95"] <= row["mean"] <= row["hi_95"]
    steady = pd.DataFrame({"region": "鼎湖区", "indicator": "market_entities", "year": [2020, 2021, 2022, 2023],
                           "value": [1.89, 2.1, 2.4, 2.7], "unit": "万户"})
    row = mt.forecast(steady, horizon=2, seed=0).iloc[-1]
    plain = forecast_paths(steady, horizon=2, seed=0)[0].paths[:, -1].mean()
    assert abs(row["mean"] - plain) < 0.01 * (row["hi_95"] - row["lo_95"])
