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
    assert np.allclose(back, np.clip(values, 0.1, 99.9), atol=1e-9)
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
