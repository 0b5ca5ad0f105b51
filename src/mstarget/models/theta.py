"""The Theta method (statsmodels ``ThetaModel``): simple exponential smoothing plus half the trend."""
from __future__ import annotations

import warnings

import numpy as np

from .base import Forecaster, check_series, draw_noise_scales


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

        y = check_series(y, "ThetaModel")
        if y.size < self.min_points:
            raise ValueError(f"ThetaModel needs at least {self.min_points} points, got {y.size}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.res_ = _Theta(y, period=1, deseasonalize=False).fit()
            self.alpha_ = float(np.clip(self.res_.params["alpha"], 0.0, 1.0))
            self.point_cache_ = {}
            # one-step in-sample errors of SES (the model's innovations)
            level = y[0]
            resid = []
            for v in y[1:]:
                resid.append(v - level)
                level = level + self.alpha_ * (v - level)
        self.resid_ = np.asarray(resid)
        self.noise_prior_ = float(noise_prior)
        return self

    def predict(self, h):
        if h not in self.point_cache_:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.point_cache_[h] = np.asarray(self.res_.forecast(h), dtype=float)
        return self.point_cache_[h]

    def sample_paths(self, h, n_paths, rng):
        sig = draw_noise_scales(self.resid_, 2, self.noise_prior_, n_paths, rng)
        e = rng.standard_normal((n_paths, h)) * sig[:, None]
        carried = self.alpha_ * (np.cumsum(e, axis=1) - e)
        return self.predict(h)[None, :] + e + carried
