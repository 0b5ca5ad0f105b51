"""``auto`` on a steady trend of 8-12 yearly points (session 46): ``pooled_drift``, undamped, as for 1-7 points.

A 十五五 draft on 2016-2025 history has 10 points; a series growing steadily ~7 % a year got the damped ensemble,
whose median five years on sat on the linear pace (p_meet of a 1x-pace target 0.50) while the same series cut to
its last 7 points got 0.79 (``experiments/plan_regime/steady_long.py``). All series SYNTHETIC."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from mstarget.forecast import forecast_paths
from mstarget.selection import MIN_POINTS, STEADY_MAX_POINTS

# SYNTHETIC: ~7 % a year with a little noise (sd / mean of the log changes ~0.1)
STEADY = [40.3, 42.4, 45.9, 48.9, 52.3, 56.1, 59.5, 64.2, 68.5, 74.5]


def _forecast(values, h, start=2016):
    hist = pd.DataFrame({"region": "测试区", "indicator": "x", "unit": "件", "year": range(start, start + len(values)),
                         "value": values})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return forecast_paths(hist, h, seed=0)[0]


def _p_meet_at_pace(values, h):
    sf = _forecast(values, h, start=2026 - len(values))
    target = values[-1] + (values[-1] - values[0]) / (len(values) - 1) * h
    return sf, float(np.mean(sf.paths[:, -1] >= target))


def test_a_steady_ten_point_series_keeps_its_trend_as_its_last_seven_points_do():
    seven, p7 = _p_meet_at_pace(STEADY[-7:], 5)
    ten, p10 = _p_meet_at_pace(STEADY, 5)
    assert seven.model == ten.model == "auto:pooled_drift"
    assert p7 > 0.7 and p10 > 0.7  # the damped ensemble gave the 10 points 0.50: its median on the linear pace
    assert np.median(ten.paths[:, -1]) > 1.1 * (STEADY[-1] + (STEADY[-1] - STEADY[0]) / 9 * 5)


@pytest.mark.parametrize("values, start, expected", [
    ([40, 46, 41, 50, 44, 53, 47, 57, 50, 60], 2016, "auto:ensemble"),  # noisy: sd of the changes above their mean
    ([round(40 * 1.07 ** i, 1) for i in range(STEADY_MAX_POINTS + 2)], 2010, None),  # 14 steady points: not the rule
])
def test_noisy_or_longer_series_keep_the_backtested_choice(values, start, expected):
    sf = _forecast(values, 3, start=start)
    if expected is not None:
        assert sf.model == expected
    assert sf.model != "auto:pooled_drift"  # M3's steady 14-41-point series lost 4.7 sMAPE points undamped


def test_the_rule_starts_where_the_short_rule_ends():
    # eight steady points: the first length past the short-series rule
    sf = _forecast(STEADY[-MIN_POINTS:], 2, start=2018)
    assert sf.model == "auto:pooled_drift"


def test_a_growth_rate_falling_steadily_is_not_extrapolated_as_a_trend():
    # SYNTHETIC: a growth rate in % easing by 0.3 points a year (8.9 ... 6.2) -- a level that returns to its mean
    # (growth_rate's evidence), not a trend to carry on below zero
    hist = pd.DataFrame({"region": "测试区", "indicator": "市场主体增长率", "unit": "%", "year": range(2016, 2026),
                         "value": [round(8.9 - 0.3 * i, 1) for i in range(10)]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sf = forecast_paths(hist, 3, seed=0)[0]
    assert sf.model != "auto:pooled_drift"
