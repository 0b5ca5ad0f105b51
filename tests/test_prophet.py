"""Prophet on yearly data: logistic growth between the natural bounds of a % indicator (issue 5)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from mstarget.forecast import forecast_paths
from mstarget.models.prophet import ProphetModel


def _rate_history():
    """Labelled synthetic: a pass rate climbing towards 100 %, and the same numbers as a count."""
    v = [90.0, 92.0, 93.5, 95.0, 96.0, 97.0, 97.8, 98.5]
    rate = pd.DataFrame({"region": "R", "indicator": "rate", "year": range(2015, 2023), "value": v, "unit": "%"})
    count = rate.assign(indicator="count", unit="件")
    return pd.concat([rate, count], ignore_index=True)


def test_percent_series_uses_logistic_growth_with_cap_and_floor_and_stays_inside():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sfs = forecast_paths(_rate_history(), 6, model="prophet", seed=3, n_paths=400)
    rate, count = (next(sf for sf in sfs if sf.indicator == name) for name in ("rate", "count"))
    assert rate.paths.max() < 100 and rate.paths.min() > 0
    med = np.median(rate.paths, axis=0)
    assert np.all(np.diff(med) > 0) and med[-1] < 100  # rising, saturating below the cap
    # the same numbers as a count (log scale, linear growth) are not capped at 100
    assert np.median(count.paths, axis=0)[-1] > med[-1]


def test_logistic_frames_carry_cap_and_floor():
    from mstarget.transforms import Bounds, choose_transform

    y = np.array([90.0, 92.0, 93.5, 95.0, 96.0])
    bounds = Bounds(0.0, 100.0)
    tr = choose_transform(bounds, y)
    m = ProphetModel()
    m.use_bounds(bounds, tr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.fit(tr.forward(y), noise_prior=0.3)
    assert m.m_.growth == "logistic"
    fut = m._future(3)
    assert (fut["cap"] == 100).all() and (fut["floor"] == 0).all()
    a = m.sample_paths(3, 50, np.random.default_rng(0))
    b = m.sample_paths(3, 50, np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)
