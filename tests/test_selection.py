"""``model="auto"`` (issue 5): per-series choice by rolling-origin backtest, documented fallback."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from mstarget.forecast import forecast
from mstarget.selection import DEFAULT, MIN_POINTS, choose


def test_short_series_fall_back_to_default():
    zs = [np.log(np.arange(1, n + 1) + 10.0) for n in (1, 3, MIN_POINTS - 1)]
    assert choose(zs, [0.15] * 3) == [DEFAULT] * 3


def test_clear_winner_is_chosen():
    """A noiseless steep trend: drift is exact while the ensemble damps -> drift wins by far."""
    rng = np.random.default_rng(0)
    zs = [np.log(100.0) + 0.3 * np.arange(14)]  # exact exponential growth
    zs += [np.log(50.0) + np.cumsum(rng.normal(0, 0.1, 14)) for _ in range(9)]
    picks = choose(zs, [0.15] * len(zs))
    assert picks[0] == "drift"


def test_auto_label_in_model_column():
    years = np.arange(2012, 2023)
    hist = pd.DataFrame({"region": "R", "indicator": "x", "year": years, "value": 50 + years - 2012.0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = forecast(hist, horizon=2, model="auto", n_paths=100)
    assert fc["model"].str.startswith("auto:").all()
