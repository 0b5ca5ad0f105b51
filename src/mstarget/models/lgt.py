"""``lgt``: a fast take on Smyl's local and global trend model (the ``Rlgt`` package), without MCMC.

Not a default member of the ensemble (better on validation data, worse on the M3 / Tourism test
periods; ``benchmarks/RESULTS_NOTES.md``, round 5); ``model="ensemble_lgt"`` uses it.
"""
from __future__ import annotations

import numpy as np

from .base import SmoothingForecaster, check_series
from .theta import SESThetaModel

_LGT_ALPHA = np.array([0.1, 0.25, 0.4, 0.6, 0.8, 0.95])
_LGT_BETA = np.array([0.05, 0.2, 0.4, 0.7])
_LGT_RHO = np.array([-0.5, 0.0, 0.3, 0.6, 0.9])
_LGT_GRID = np.array(np.meshgrid(_LGT_ALPHA, _LGT_BETA, _LGT_RHO, indexing="ij")).reshape(3, -1)
_LGT_TEMPERATURE = 0.1  # weights exp(temperature * log-likelihood): flat enough to average many fits
_LGT_RIDGE = 0.1  # shrinks the local-trend coefficient lambda toward 0
_LGT_MIN_POINTS = 5
_LGT_MAX_RANGE = 30.0  # model-scale range above which exp() of the series is not a usable level


def _lgt_levels(y: np.ndarray, a: np.ndarray, b: np.ndarray):
    """Level / local-trend recursions of LGT for every grid point: the levels and trends *before*
    each observation 2..n (shape (n-1, k)) and the final ones (k,)."""
    n, k = y.size, a.size
    lev, tr = np.full(k, y[0]), np.zeros(k)
    L, B = np.empty((n - 1, k)), np.empty((n - 1, k))
    for t in range(1, n):
        L[t - 1], B[t - 1] = lev, tr
        new = a * y[t] + (1.0 - a) * lev
        tr = b * (new - lev) + (1.0 - b) * tr
        lev = new
    return L, B, lev, tr


class LocalGlobalTrendModel(SmoothingForecaster):
    """A fast take on Smyl's LGT (local and global trend; the ``Rlgt`` package), the best
    published single model on M3 yearly data, without its MCMC.

    On ``y = exp(z - max z)`` (a positive level; the engine's log / logit scale undone up to a
    constant) the one-step forecast is ``l + gamma * l**rho + lambda * b``: an exponential-smoothing
    level ``l`` (``alpha``), a *global* trend ``gamma * l**rho`` whose size follows the level (``rho``
    between -0.5 and 0.9: from damped through linear to nearly exponential growth) and a *local*
    trend ``lambda * b`` (``beta``). Because ``l`` and ``b`` do not depend on ``gamma`` and
    ``lambda``, those two are solved by least squares (``lambda`` ridge-shrunk, clipped to [-1, 1])
    for every ``(alpha, beta, rho)`` on a 6 x 4 x 5 grid, and the forecasts of all 120 fits are
    averaged with tempered likelihood weights -- a cheap stand-in for LGT's posterior averaging.
    In the ensemble in Theta's place it improved the six validation sets' mean sMAPE / MASE from
    18.21 / 2.883 to 18.03 / 2.856 (most on M1), but on the M3 / Tourism *test* periods the
    ensemble got worse in MASE on all four sets and in sMAPE on three (M3 16.01 -> 16.32, M3 last-8
    16.47 -> 17.14; ``benchmarks/RESULTS_NOTES.md``, round 5), so it is not a default member;
    ``model="ensemble_lgt"`` (``specs/ensemble_lgt.toml``) uses it. Series shorter than 5 points,
    or spanning more than e^30 on the model scale, use the Theta method.
    """

    name = "lgt"
    min_points = 2
    dof = 3

    def fit(self, y, *, noise_prior=1.0):
        y = check_series(y, "LocalGlobalTrendModel")
        self.n_, self.noise_prior_ = y.size, float(noise_prior)
        self.fallback_, self.notes_ = None, []
        top = float(y.max())
        if y.size < _LGT_MIN_POINTS or top - float(y.min()) > _LGT_MAX_RANGE:
            why = (f"{y.size} points (needs {_LGT_MIN_POINTS})" if y.size < _LGT_MIN_POINTS
                   else "a range too wide for its level form")
            self.notes_ = [f"lgt: {why}; used the Theta method (ses_theta)"]
            self.fallback_ = SESThetaModel().fit(y, noise_prior=noise_prior)
            self.resid_, self.alpha_ = self.fallback_.resid_, self.fallback_.alpha_
            self.trend_share_ = self.fallback_.trend_share_
            return self
        x = np.exp(y - top)
        a, b, rho = _LGT_GRID
        L, B, lev, tr = _lgt_levels(x, a, b)
        P = np.maximum(L, 1e-12) ** rho[None, :]  # global-trend regressor
        T = x[1:, None] - L
        s11 = (P * P).sum(0) + 1e-12
        bb = (B * B).sum(0)
        s22 = bb + _LGT_RIDGE * bb.mean() + 1e-12
        s12 = (P * B).sum(0)
        t1, t2 = (P * T).sum(0), (B * T).sum(0)
        det = s11 * s22 - s12 * s12
        with np.errstate(divide="ignore", invalid="ignore"):
            lam = np.clip(np.where(det > 1e-18, (s11 * t2 - s12 * t1) / det, 0.0), -1.0, 1.0)
        gam = (t1 - lam * s12) / s11
        fitted = L + gam * P + lam * B
        sse = ((x[1:, None] - fitted) ** 2).sum(0)
        m = x.size - 1
        ll = -0.5 * m * np.log(np.maximum(sse / m, 1e-300)) * _LGT_TEMPERATURE
        w = np.exp(ll - ll.max())
        self.w_ = w / w.sum()
        self.state_ = (lev, tr, gam, lam, a, b, rho)
        self.top_ = top
        best = int(np.argmax(self.w_))
        # one-step residuals on the model scale, for the paths' shape (widths come from calibration)
        self.resid_ = np.log(x[1:]) - np.log(np.maximum(fitted[:, best], 1e-12))
        self.alpha_ = float(a[best])
        self.trend_share_ = 0.5
        return self

    def predict(self, h):
        if self.fallback_ is not None:
            return self.fallback_.predict(h)
        lev, tr, gam, lam, a, b, rho = self.state_
        lev, tr = lev.copy(), tr.copy()
        floor = 1e-6  # x's maximum is 1: never forecast below a millionth of the series' top
        out = np.empty((h, lev.size))
        for k in range(h):
            f = np.maximum(lev + gam * np.maximum(lev, 1e-12) ** rho + lam * tr, floor)
            out[k] = f
            new = a * f + (1.0 - a) * lev
            tr = b * (new - lev) + (1.0 - b) * tr
            lev = new
        return np.log(out @ self.w_) + self.top_

