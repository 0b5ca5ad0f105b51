"""Exponential smoothing with an additive damped trend.

* ``ets`` -- ETS(A, Ad, N) fitted by maximum likelihood (statsmodels ``ETSModel``);
* ``damped`` -- additive damped-trend Holt with ``(alpha, beta, phi)`` on a 5 x 3 x 4 grid (the
  M3 / M4 "DAMPEN" benchmark), closed form (:class:`~mstarget.models.base.SmoothingForecaster`).
"""
from __future__ import annotations

import warnings

import numpy as np

from .base import Forecaster, SmoothingForecaster, check_series, draw_noise_scales, fitting
from .params import Bool


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
    parameters = {"damped": Bool()}

    def __init__(self, *, damped: bool = True):
        self.damped = damped
        self.check_params(self.get_params())

    def get_params(self):
        return {"damped": self.damped}

    def fit(self, y, *, noise_prior=1.0):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel as _ETS  # lazy: heavy (statsmodels)

        y = check_series(y, "ETSModel", self.min_points)
        with warnings.catch_warnings(), fitting("ETSModel"):
            warnings.simplefilter("ignore")
            model = _ETS(y, error="add", trend="add", damped_trend=self.damped,
                         bounds={"damping_trend": (0.8, 0.98)} if self.damped else None)
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


_D_ALPHA = np.array([0.1, 0.3, 0.5, 0.7, 0.95])
_D_BETA = np.array([0.02, 0.1, 0.3])
_D_PHI = np.array([0.8, 0.9, 0.95, 0.98])
_GRID = np.array(np.meshgrid(_D_ALPHA, _D_BETA, _D_PHI, indexing="ij")).reshape(3, -1)


class DampedTrendModel(SmoothingForecaster):
    """Additive damped-trend Holt, parameters on a small grid (the M3/M4 'DAMPEN' benchmark)."""

    name = "damped"
    min_points = 3
    dof = 4

    def fit(self, y, *, noise_prior=1.0):
        y = check_series(y, "DampedTrendModel")
        self.n_, self.noise_prior_ = y.size, float(noise_prior)
        d = np.diff(y)
        b0 = float(d[: min(3, d.size)].mean()) if d.size else 0.0
        if y.size < 3:
            self.level_, self.b_, self.phi_, self.alpha_ = y[-1], b0, 0.9, 1.0
            self.resid_ = d - b0
            self.trend_share_ = 1.0
            return self
        a, b, phi = _GRID
        beta = a * b
        level = np.full(a.shape, y[0])
        trend = np.full(a.shape, b0)
        sse = np.zeros(a.shape)
        errs = np.empty((y.size - 1, a.size))
        for t in range(1, y.size):
            f = level + phi * trend
            e = y[t] - f
            errs[t - 1] = e
            sse += e * e
            level = f + a * e
            trend = phi * trend + beta * e
        k = int(np.argmin(sse))
        self.level_, self.b_, self.phi_, self.alpha_ = float(level[k]), float(trend[k]), float(phi[k]), float(a[k])
        self.resid_ = errs[:, k]
        self.trend_share_ = float(b[k])
        return self

    def predict(self, h):
        return self.level_ + self.b_ * np.cumsum(self.phi_ ** np.arange(1, h + 1))
