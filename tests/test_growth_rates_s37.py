"""Growth rates in % (增长率, 年均增长): ``growth_rate`` (a mean-reverting level), not a drift."""
import warnings

import numpy as np
import pandas as pd

from mstarget.forecast import forecast_paths
from mstarget.models import available_models, model_class

YEARS = [2022, 2023, 2024, 2025]


def _paths(values, name="研发经费投入年均增长", model="auto", h=5, seed=0, years=YEARS):
    hist = pd.DataFrame({"region": "r", "indicator": "x", "name": name, "unit": "%",
                         "year": years, "value": values})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return forecast_paths(hist, h, model=model, seed=seed)[0]


def test_registered():
    assert "growth_rate" in available_models()
    assert model_class("growth_rate").name == "growth_rate"


def test_steady_rate_keeps_a_band_around_its_level():
    # 研发投入年均增长 7.2, 8.1, 6.5, 7.7: a random walk with drift gave 2030 80 % band [-2.6, 20.3]
    sf = _paths([7.2, 8.1, 6.5, 7.7], model="growth_rate")
    lo, med, hi = np.quantile(sf.paths[:, -1], [0.1, 0.5, 0.9])
    assert 6.5 < med < 8.5
    assert 4.0 < lo < 6.5 and 8.5 < hi < 11.0, (lo, hi)


def test_slowing_rate_is_not_extrapolated_as_a_falling_level():
    # 12, 10.5, 9.2, 8.1: the drift read it as a median 1.9 % five years on
    sf = _paths([12.0, 10.5, 9.2, 8.1], name="市场主体增长率", model="growth_rate")
    med = np.median(sf.paths[:, -1])
    assert 6.0 < med < 11.0, med


def test_floor_and_seed():
    a = _paths([12.0, 8.5, -3.2, 4.1], name="市场主体增长率", model="growth_rate", seed=3)
    b = _paths([12.0, 8.5, -3.2, 4.1], name="市场主体增长率", model="growth_rate", seed=3)
    assert np.array_equal(a.paths, b.paths)
    assert a.paths.min() > -100.0
    assert a.transform == "log_growth"


def test_constant_and_single_point_series():
    sf = _paths([7.0, 7.0, 7.0, 7.0], model="growth_rate")
    lo, hi = np.quantile(sf.paths[:, 0], [0.1, 0.9])
    assert lo < 7.0 < hi and hi - lo < 3.0
    one = _paths([6.0], model="growth_rate", years=[2025])
    assert np.all(np.isfinite(one.paths)) and one.paths.min() > -100.0


def test_auto_picks_growth_rate_for_short_growth_rows_only():
    assert _paths([7.2, 8.1, 6.5, 7.7]).model == "auto:growth_rate"
    assert _paths([7.2, 8.1, 6.5, 7.7], name="营商环境满意度").model == "auto:pooled_drift"  # a share
    assert _paths([7.2, 8.1, 6.5, 7.7], name="单位GDP能耗下降").model == "auto:pooled_drift"  # not a growth rate
    sf = _paths([7.2, 8.1, 6.5, 7.7])
    lo, hi = np.quantile(sf.paths[:, -1], [0.1, 0.9])
    assert hi - lo < 8.0, (lo, hi)  # a drift gave 22.9 points
