"""Prophet configured for short yearly series.

* No seasonal terms (``yearly/weekly/daily_seasonality=False``: on one point a year they only
  absorb the level), ``ds`` on 1 January of each year (frequency ``"YS"``), the changepoint range
  widened to the whole history (short series), and the ``cmdstanpy`` / ``prophet`` loggers silenced.
* **Bounded indicators** (a ``%`` rate: both natural bounds known): **logistic growth** with
  ``floor`` / ``cap`` at the natural bounds, in both the fit and the future frames, fitted on the
  natural scale. Sample paths take Prophet's own trend samples (changepoint uncertainty, always
  inside ``(floor, cap)``) and add the yearly noise on the logit scale, so draws never cross the
  bounds (Prophet's own ``yhat`` samples add Gaussian noise that can).
* Other series: linear growth on the engine's model scale (log for counts), where the lower
  bound is already enforced by the inverse transform.

Prophet draws from numpy's *global* random state: it is seeded from ``rng`` and restored
afterwards, so results are reproducible and the caller's global state is untouched.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .base import Forecaster, check_series, draw_noise_scales, fitting
from .params import Float

_QUIET = False


def _silence() -> None:
    global _QUIET
    if _QUIET:
        return
    # lazy: heavy (cmdstanpy)
    import cmdstanpy  # noqa: F401  (configures its logger on import: silence it afterwards)

    for name in ("cmdstanpy", "prophet", "prophet.plot"):
        lg = logging.getLogger(name)
        lg.setLevel(logging.ERROR)
        lg.propagate = False
        lg.disabled = True
    _QUIET = True


def _frame(n: int, start: int = 2000):
    return pd.DataFrame({"ds": pd.date_range(f"{start}-01-01", periods=n, freq="YS")})


class ProphetModel(Forecaster):
    """Prophet for yearly data: logistic growth between natural bounds, else linear growth.

    Parameters
    ----------
    changepoint_prior_scale : float, default 0.05
    """

    name = "prophet"
    min_points = 2
    needs_bounds = True
    parameters = {"changepoint_prior_scale": Float(0.0, low_open=True)}

    def __init__(self, *, changepoint_prior_scale: float = 0.05):
        self.check_params({"changepoint_prior_scale": changepoint_prior_scale})
        self.changepoint_prior_scale = changepoint_prior_scale
        self.bounds_ = None
        self.transform_ = None

    def get_params(self):
        return {"changepoint_prior_scale": self.changepoint_prior_scale}

    def use_bounds(self, bounds, transform) -> None:
        if bounds is not None and bounds.lower is not None and bounds.upper is not None:
            self.bounds_, self.transform_ = bounds, transform

    @property
    def logistic(self) -> bool:
        return self.bounds_ is not None

    def _with_bounds(self, df):
        if self.logistic:
            df["floor"] = self.bounds_.lower
            df["cap"] = self.bounds_.upper
        return df

    def fit(self, y, *, noise_prior=1.0):
        _silence()
        from prophet import Prophet  # lazy: heavy (prophet, cmdstanpy)

        y = check_series(y, "ProphetModel", self.min_points)
        df = _frame(y.size)
        df["y"] = self.transform_.inverse(y) if self.logistic else y
        m = Prophet(growth="logistic" if self.logistic else "linear", yearly_seasonality=False,
                    weekly_seasonality=False, daily_seasonality=False,
                    # logistic: prophet's trend sampling fails on a changepoint at the last point
                    changepoint_range=0.9 if self.logistic else 1.0,
                    n_changepoints=min(25, max(y.size - 2, 0)),
                    changepoint_prior_scale=self.changepoint_prior_scale, uncertainty_samples=0)
        with fitting("ProphetModel"):
            m.fit(self._with_bounds(df))
        self.m_ = m
        self.n_ = y.size
        self.noise_prior_ = float(noise_prior)
        self._cache = {}
        if self.logistic:  # yearly noise around the logistic trend, on the logit (model) scale
            trend = np.asarray(m.predict(self._with_bounds(_frame(y.size)))["trend"], dtype=float)
            self.resid_ = y - self.transform_.forward(trend)
        return self

    def _future(self, h):
        return self._with_bounds(_frame(self.n_ + h).iloc[self.n_:].reset_index(drop=True))

    def predict(self, h):
        if h not in self._cache:
            yhat = np.asarray(self.m_.predict(self._future(h))["yhat"], dtype=float)
            self._cache[h] = self.transform_.forward(yhat) if self.logistic else yhat
        return self._cache[h]

    def sample_paths(self, h, n_paths, rng):
        state = np.random.get_state()
        try:
            np.random.seed(int(rng.integers(0, 2**32 - 1)))
            self.m_.uncertainty_samples = int(n_paths)
            samples = self.m_.predictive_samples(self._future(h))
        finally:
            self.m_.uncertainty_samples = 0
            np.random.set_state(state)
        if not self.logistic:
            return np.asarray(samples["yhat"], dtype=float).T[:n_paths]
        z_trend = self.transform_.forward(np.asarray(samples["trend"], dtype=float).T[:n_paths])
        sig = draw_noise_scales(self.resid_, 2, self.noise_prior_, z_trend.shape[0], rng)
        return z_trend + rng.standard_normal(z_trend.shape) * sig[:, None]
