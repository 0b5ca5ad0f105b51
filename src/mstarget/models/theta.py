"""The Theta family: simple exponential smoothing plus a share of the linear trend.

* ``theta`` -- the Theta method as statsmodels fits it (``ThetaModel``, maximum likelihood);
* ``ses_theta`` -- the same method in closed form (Hyndman & Billah 2003): SES with half the OLS
  slope as drift, ``alpha`` chosen on a 20-value grid by in-sample one-step squared error, well
  under a millisecond a series (a member of the default ``ensemble``);
* ``otm`` -- the optimised Theta method (Fiorucci et al. 2016), the theta coefficient on a grid.

The closed-form ones share their sample paths' form with the other smoothing models
(:class:`~mstarget.models.base.SmoothingForecaster`); ``theta`` and ``ses_theta`` estimate
``alpha`` differently (likelihood vs a grid), so their numbers differ slightly.
"""
from __future__ import annotations

import warnings

import numpy as np

from .base import Forecaster, SmoothingForecaster, check_series, draw_noise_scales, fitting


class ThetaModel(Forecaster):
    """Theta method, the M3 competition winner for yearly data, without deseasonalising.

    Equivalent to SES with drift; sample paths follow its state-space form: the forecast error
    at step ``h`` is ``e_h + alpha * (e_1 + ... + e_{h-1})``, with a per-path noise scale drawn
    from one-step residuals (see ``models/base.py``).
    """

    name = "theta"
    min_points = 3

    def fit(self, y, *, noise_prior=1.0):
        from statsmodels.tsa.forecasting.theta import ThetaModel as _Theta  # lazy: heavy (statsmodels)

        y = check_series(y, "ThetaModel", self.min_points)
        self.point_cache_ = {}
        self.last_ = float(y[-1])
        if np.ptp(y) == 0:  # a constant series: statsmodels' theta divides by its zero variance
            self.res_, self.alpha_ = None, 1.0  # (5, 5, ..., 5 件 was forecast at 9,206, then 129,400)
        else:
            with warnings.catch_warnings(), fitting("ThetaModel"):
                warnings.simplefilter("ignore")
                self.res_ = _Theta(y, period=1, deseasonalize=False).fit()
                self.alpha_ = float(np.clip(self.res_.params["alpha"], 0.0, 1.0))
        level = y[0]  # one-step in-sample errors of SES (the model's innovations)
        resid = []
        for v in y[1:]:
            resid.append(v - level)
            level = level + self.alpha_ * (v - level)
        self.resid_ = np.asarray(resid)
        self.noise_prior_ = float(noise_prior)
        return self

    def predict(self, h):
        if h not in self.point_cache_:
            if self.res_ is None:  # a constant series: it stays where it is
                self.point_cache_[h] = np.full(h, self.last_)
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self.point_cache_[h] = np.asarray(self.res_.forecast(h), dtype=float)
        return self.point_cache_[h]

    def sample_paths(self, h, n_paths, rng):
        sig = draw_noise_scales(self.resid_, 2, self.noise_prior_, n_paths, rng)
        e = rng.standard_normal((n_paths, h)) * sig[:, None]
        carried = self.alpha_ * (np.cumsum(e, axis=1) - e)
        return self.predict(h)[None, :] + e + carried


_ALPHAS = np.linspace(0.05, 1.0, 20)


def _ses_grid(y: np.ndarray, alphas: np.ndarray):
    """SES for many alphas at once: final levels and one-step errors, shapes (k,), (n-1, k)."""
    level = np.full(alphas.shape, y[0])
    errs = np.empty((y.size - 1, alphas.size))
    for t in range(1, y.size):
        e = y[t] - level
        errs[t - 1] = e
        level = level + alphas * e
    return level, errs


class SESThetaModel(SmoothingForecaster):
    """The Theta method (SES + half the linear-trend slope), closed form on an alpha grid."""

    name = "ses_theta"
    min_points = 2
    dof = 2

    def fit(self, y, *, noise_prior=1.0):
        y = check_series(y, "SESThetaModel")
        self.n_, self.noise_prior_ = y.size, float(noise_prior)
        if y.size < 3:
            self.level_, self.alpha_, self.b_ = y[-1], 1.0, float(np.mean(np.diff(y))) * 2 if y.size > 1 else 0.0
            self.resid_ = np.diff(y) - (np.mean(np.diff(y)) if y.size > 1 else 0.0)
            self.trend_share_ = 1.0
            return self
        levels, errs = _ses_grid(y, _ALPHAS)
        k = int(np.argmin((errs ** 2).sum(axis=0)))
        self.alpha_, self.level_ = float(_ALPHAS[k]), float(levels[k])
        tc = np.arange(y.size) - (y.size - 1) / 2.0
        self.b_ = float(tc @ y) / float(tc @ tc)  # OLS slope (closed form: polyfit is 10x slower)
        self.resid_ = errs[:, k]
        self.trend_share_ = 0.5
        return self

    def predict(self, h):
        a, n = self.alpha_, self.n_
        steps = np.arange(1, h + 1, dtype=float)
        return self.level_ + 0.5 * self.b_ * (steps - 1 + 1 / a - (1 - a) ** n / a)


_THETAS = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 4.0])


class OptimisedThetaModel(SmoothingForecaster):
    """Optimised Theta (OTM, Fiorucci et al. 2016): the theta coefficient on a grid.

    The theta line ``Z_t = theta y_t + (1 - theta)(A + B t)`` (``A, B``: OLS line) is smoothed by
    SES; the forecast is ``(1/theta) SES_Z + (1 - 1/theta)(A + B (n + h))``. ``(theta, alpha)``
    minimise the in-sample one-step squared error over a 6 x 20 grid (``theta = 2`` is the
    classic Theta method).
    """

    name = "otm"
    min_points = 3
    dof = 3

    def fit(self, y, *, noise_prior=1.0):
        y = check_series(y, "OptimisedThetaModel")
        self.n_, self.noise_prior_ = y.size, float(noise_prior)
        n = y.size
        t = np.arange(n, dtype=float)
        B, A = np.polyfit(t, y, 1)
        line = A + B * t
        th = _THETAS[:, None]
        al = _ALPHAS[None, :]
        Z = th[..., None] * y[None, None, :] + (1 - th[..., None]) * line[None, None, :]  # (6,1,n)
        level = np.broadcast_to(Z[..., 0], (th.size, al.size)).copy()
        sse = np.zeros_like(level)
        errs = np.empty((n - 1,) + level.shape)
        for k in range(1, n):
            f = level / th + (1 - 1 / th) * (A + B * k)
            e = y[k] - f
            errs[k - 1] = e
            sse += e * e
            level = level + al * (Z[..., k] - level)
        i, j = np.unravel_index(int(np.argmin(sse)), sse.shape)
        self.theta_, self.alpha_ = float(_THETAS[i]), float(_ALPHAS[j])
        self.level_, self.A_, self.B_ = float(level[i, j]), float(A), float(B)
        self.resid_ = errs[:, i, j]
        self.trend_share_ = 1 - 1 / self.theta_
        return self

    def predict(self, h):
        steps = np.arange(self.n_, self.n_ + h, dtype=float)
        th = self.theta_
        return self.level_ / th + (1 - 1 / th) * (self.A_ + self.B_ * steps)

