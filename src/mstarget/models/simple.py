"""Benchmark models with closed forms: naive, drift, linear trend, log-linear trend, and the
damped median drift (``robust_drift``, a member of the default ``ensemble``).

All are Bayesian-flavoured in their uncertainty: each sample path draws its own noise scale
(see :func:`~mstarget.models.base.draw_noise_scales`) and, for trend models, its own slope from
the slope's sampling distribution, so two or three points give wide, honest fans.
"""
from __future__ import annotations

import numpy as np

from .base import Forecaster, SmoothingForecaster, check_series, draw_noise_scales


class NaiveModel(Forecaster):
    """Random walk: the last value carries forward; yearly changes are noise with mean 0."""

    name = "naive"
    min_points = 1

    def fit(self, y, *, noise_prior=1.0):
        y = check_series(y, "NaiveModel")
        self.last_ = y[-1]
        self.resid_ = np.diff(y)
        self.noise_prior_ = float(noise_prior)
        return self

    def predict(self, h):
        return np.full(h, self.last_)

    def sample_paths(self, h, n_paths, rng):
        sig = draw_noise_scales(self.resid_, 0, self.noise_prior_, n_paths, rng)
        steps = rng.standard_normal((n_paths, h)) * sig[:, None]
        return self.last_ + np.cumsum(steps, axis=1)


class DriftModel(Forecaster):
    """Random walk with drift: the average yearly change continues (slope uncertain, noise accumulates)."""

    name = "drift"
    min_points = 2

    def fit(self, y, *, noise_prior=1.0):
        y = check_series(y, "DriftModel")
        d = np.diff(y)
        self.last_ = y[-1]
        self.n_steps_ = d.size
        self.drift_ = float(d.mean()) if d.size else 0.0
        self.resid_ = d - self.drift_
        self.noise_prior_ = float(noise_prior)
        return self

    def predict(self, h):
        return self.last_ + self.drift_ * np.arange(1, h + 1)

    def sample_paths(self, h, n_paths, rng):
        sig = draw_noise_scales(self.resid_, 1, self.noise_prior_, n_paths, rng)
        se = sig / np.sqrt(max(self.n_steps_, 1))
        drift = self.drift_ + rng.standard_normal(n_paths) * se
        steps = drift[:, None] + rng.standard_normal((n_paths, h)) * sig[:, None]
        return self.last_ + np.cumsum(steps, axis=1)


class LinearTrendModel(Forecaster):
    """Deterministic linear trend fitted by least squares; deviations from the line are noise.

    Suits steady, policy-driven series (coverage rates, per-capita counts) better than a random
    walk when the history hugs a line. Paths draw intercept and slope from their sampling
    distribution, then independent yearly noise around the drawn line.
    """

    name = "linear"
    min_points = 2

    def fit(self, y, *, noise_prior=1.0):
        y = check_series(y, "LinearTrendModel")
        n = y.size
        t = np.arange(n, dtype=float)
        self.n_ = n
        if n == 1:
            self.coef_ = np.array([y[0], 0.0])
            self.resid_ = np.array([])
            self.xtx_inv_ = np.array([[1.0, 0.0], [0.0, 1.0]])
        else:
            X = np.column_stack([np.ones(n), t])
            self.coef_, *_ = np.linalg.lstsq(X, y, rcond=None)
            self.resid_ = y - X @ self.coef_
            self.xtx_inv_ = np.linalg.inv(X.T @ X)
        self.noise_prior_ = float(noise_prior)
        return self

    def _design(self, h):
        t = np.arange(self.n_, self.n_ + h, dtype=float)
        return np.column_stack([np.ones(h), t])

    def predict(self, h):
        return self._design(h) @ self.coef_

    def sample_paths(self, h, n_paths, rng):
        sig = draw_noise_scales(self.resid_, 2, self.noise_prior_, n_paths, rng)
        L = np.linalg.cholesky(self.xtx_inv_ + 1e-12 * np.eye(2))
        coefs = self.coef_ + (rng.standard_normal((n_paths, 2)) @ L.T) * sig[:, None]
        if self.n_ == 1:  # no slope information at all: slope uncertainty as wide as the noise
            coefs[:, 1] = rng.standard_normal(n_paths) * sig
        X = self._design(h)
        return coefs @ X.T + rng.standard_normal((n_paths, h)) * sig[:, None]


class LogLinearTrendModel(LinearTrendModel):
    """Linear trend on the log scale: a constant yearly growth rate.

    The engine models a positive unbounded series on its logarithm for this model; bounded
    series (``%``, counts) are already on a logit / log scale, where it equals ``linear``.
    """

    name = "loglinear"
    prefer_transform = "log"


class RobustDriftModel(SmoothingForecaster):
    """Random walk with a damped *median* drift: the median of the last (up to) eight yearly
    changes, damped by ``phi = 0.9`` a year -- robust to one-off jumps. Paths in the smoothing
    models' form (:class:`~mstarget.models.base.SmoothingForecaster`, ``alpha = 1``: a random walk)
    with the drift's error growing with the horizon. A member of the default ``ensemble``."""

    name = "robust_drift"
    min_points = 1

    def fit(self, y, *, noise_prior=1.0):
        y = check_series(y, "RobustDriftModel")
        self.n_, self.noise_prior_ = y.size, float(noise_prior)
        d = np.diff(y)
        self.drift_ = float(np.median(d[-min(d.size, 8):])) if d.size else 0.0
        self.last_ = float(y[-1])
        self.resid_ = d - self.drift_
        self.alpha_ = 1.0
        self.trend_share_ = 1.0
        return self

    def predict(self, h):
        steps = np.arange(1, h + 1, dtype=float)
        return self.last_ + self.drift_ * np.cumsum(0.9 ** steps)
