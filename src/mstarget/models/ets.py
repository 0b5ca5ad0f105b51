"""Exponential smoothing with an additive damped trend (statsmodels ``ETSModel``)."""
from __future__ import annotations

import warnings

import numpy as np

from .base import Forecaster, check_series, draw_noise_scales


class ETSModel(Forecaster):
    """ETS(A, Ad, N): level + damped trend, additive errors, fitted by maximum likelihood.

    Damping keeps long-horizon forecasts from extrapolating a recent trend forever, the
    usual failure of plain trend models on yearly data. Paths are simulated from the fitted
    state-space model with errors whose scale is drawn per path (see ``models/base.py``).

    Parameters
    ----------
    damped : bool, default True
        Damp the trend (``phi`` estimated in (0.8, 0.98)).
    """

    name = "ets"
    min_points = 5

    def __init__(self, *, damped: bool = True):
        self.damped = damped

    def get_params(self):
        return {"damped": self.damped}

    def fit(self, y, *, noise_prior=1.0):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel as _ETS  # lazy: heavy (statsmodels)

        y = check_series(y, "ETSModel")
        if y.size < self.min_points:
            raise ValueError(f"ETSModel needs at least {self.min_points} points, got {y.size}")
        model = _ETS(y, error="add", trend="add", damped_trend=self.damped,
                     bounds={"damping_trend": (0.8, 0.98)} if self.damped else None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.res_ = model.fit(disp=False, maxiter=200)
        self.resid_ = np.asarray(self.res_.resid, dtype=float)[1:]
        self.noise_prior_ = float(noise_prior)
        return self

    def predict(self, h):
        return np.asarray(self.res_.forecast(h), dtype=float)

    def sample_paths(self, h, n_paths, rng):
        n_params = 3 + int(self.damped)
        sig = draw_noise_scales(self.resid_, n_params, self.noise_prior_, n_paths, rng)
        errors = rng.standard_normal((h, n_paths)) * sig[None, :]
        sims = self.res_.simulate(h, anchor="end", repetitions=n_paths, random_errors=errors)
        return np.asarray(sims, dtype=float).reshape(h, n_paths).T
