"""Prophet configured for short yearly series.

Choice (documented): the engine hands every model values on the **model scale** -- logit for a
``%`` indicator, log for a count -- where the natural bounds are already enforced by the inverse
transform. Prophet therefore fits **linear growth** on those values; logistic growth with
``cap`` / ``floor`` would apply the bounds a second time on a scale where they do not exist.
No seasonal terms (``yearly/weekly/daily_seasonality=False``), ``ds`` on 1 January of each year
(frequency ``"YS"``), the changepoint range widened to the whole history (short series), and the
``cmdstanpy`` / ``prophet`` loggers silenced.

Sample paths come from :meth:`prophet.Prophet.predictive_samples`, which draws from numpy's
*global* random state: it is seeded from ``rng`` and restored afterwards, so results are
reproducible and the caller's global state is untouched.
"""
from __future__ import annotations

import logging

import numpy as np

from .base import Forecaster, check_series

_QUIET = False


def _silence() -> None:
    global _QUIET
    if _QUIET:
        return
    import cmdstanpy  # noqa: F401  (configures its logger on import: silence it afterwards)

    for name in ("cmdstanpy", "prophet", "prophet.plot"):
        lg = logging.getLogger(name)
        lg.setLevel(logging.ERROR)
        lg.propagate = False
        lg.disabled = True
    _QUIET = True


def _frame(n: int, start: int = 2000):
    import pandas as pd

    return pd.DataFrame({"ds": pd.date_range(f"{start}-01-01", periods=n, freq="YS")})


class ProphetModel(Forecaster):
    """Prophet, linear growth, no seasonality (see module docstring).

    Parameters
    ----------
    changepoint_prior_scale : float, default 0.05
    """

    name = "prophet"
    min_points = 2

    def __init__(self, *, changepoint_prior_scale: float = 0.05):
        self.changepoint_prior_scale = changepoint_prior_scale

    def get_params(self):
        return {"changepoint_prior_scale": self.changepoint_prior_scale}

    def fit(self, y, *, noise_prior=1.0):
        _silence()
        from prophet import Prophet

        y = check_series(y, "ProphetModel")
        if y.size < self.min_points:
            raise ValueError(f"ProphetModel needs at least {self.min_points} points, got {y.size}")
        df = _frame(y.size)
        df["y"] = y
        m = Prophet(growth="linear", yearly_seasonality=False, weekly_seasonality=False,
                    daily_seasonality=False, changepoint_range=1.0,
                    n_changepoints=min(25, max(y.size - 2, 0)),
                    changepoint_prior_scale=self.changepoint_prior_scale, uncertainty_samples=0)
        m.fit(df)
        self.m_ = m
        self.n_ = y.size
        self.noise_prior_ = float(noise_prior)
        self._cache = {}
        return self

    def _future(self, h):
        return _frame(self.n_ + h).iloc[self.n_:].reset_index(drop=True)

    def predict(self, h):
        if h not in self._cache:
            self._cache[h] = np.asarray(self.m_.predict(self._future(h))["yhat"], dtype=float)
        return self._cache[h]

    def sample_paths(self, h, n_paths, rng):
        state = np.random.get_state()
        try:
            np.random.seed(int(rng.integers(0, 2**32 - 1)))
            self.m_.uncertainty_samples = int(n_paths)
            samples = self.m_.predictive_samples(self._future(h))["yhat"]
        finally:
            self.m_.uncertainty_samples = 0
            np.random.set_state(state)
        return np.asarray(samples, dtype=float).T[:n_paths]
