"""``rate``: constant recent rate of change, with errors pooled across series.

The demographers' default for mortality-type indicators: on the log scale (which the engine
uses for positive series) a straight line is a **constant annual rate of reduction**. The rate
is the OLS slope of the last ``window`` + 1 points, extrapolated at full strength (no damping).

Uncertainty is learned across the series handed over together (:meth:`RateModel.fit_many`),
out of sample by construction: for every series, past origin ``t`` (with a full window before
it) and horizon ``h`` still observed, the error of the same rule made at ``t`` is
``z[t+h] - (z[t] + h * slope_t)``. Pooled per horizon (optionally divided by each series' mean
absolute yearly change, ``scale="series"``) they give an empirical error distribution; each
sample path draws one uniform ``u`` and takes the ``u``-quantile at every horizon (joint,
comonotone, like the global model). Horizons with fewer than ``min_pool`` pooled errors grow
the last well-estimated horizon's quantiles linearly in ``h`` (a slope error). The quantiles are
centred on their median, so the paths' median is the point forecast.

With fewer than ``MIN_SERIES`` series (or :meth:`fit` on one series) the errors come from the
series' own one-step residuals around its line, with the noise prior (see ``models/base.py``).

Chosen for the MDG 4.A experiment (``experiments/mdg_attainment``): ``window`` = 5 was picked
on the as-of-2000 calls only, then reported as of 2005. It is **not** an ``auto`` candidate: on
M1 / M3 / Tourism, undamped trends lose to the damped ensemble.
"""
from __future__ import annotations

from typing import ClassVar, Sequence

import numpy as np

from .base import Forecaster, check_series, draw_noise_scales
from .params import Choice, Int

MIN_SERIES = 5
_QS = np.linspace(0.0, 1.0, 201)


def _slope(w: np.ndarray) -> float:
    if w.size < 2:
        return 0.0
    t = np.arange(w.size) - (w.size - 1) / 2.0
    return float(t @ w) / float(t @ t)


def _scale(z: np.ndarray, prior: float) -> float:
    d = np.abs(np.diff(z))
    s = float(d.mean()) if d.size else 0.0
    return s if s > 1e-9 else max(float(prior), 1e-6)


class RateModel(Forecaster):
    """Constant recent rate (log-linear on the last ``window`` + 1 points), pooled errors.

    Parameters
    ----------
    window : int, default 5
        Yearly changes the slope is estimated from (``window`` + 1 points).
    scale : {"none", "series"}, default "none"
        Pool errors as they are on the model scale, or divided by each series' mean absolute
        yearly change.
    min_pool : int, default 30
        Pooled errors a horizon needs to use its own quantiles.
    """

    name = "rate"
    min_points = 1
    parameters = {"window": Int(1, 50), "scale": Choice("none", "series"), "min_pool": Int(1)}
    prefer_transform: ClassVar[str | None] = "log"

    def __init__(self, *, window: int = 5, scale: str = "none", min_pool: int = 30):
        self.check_params({"window": window, "scale": scale, "min_pool": min_pool})
        self.window = window
        self.scale = scale
        self.min_pool = min_pool

    def get_params(self):
        return {"window": self.window, "scale": self.scale, "min_pool": self.min_pool}

    def _attach(self, z: np.ndarray, prior: float) -> "RateModel":
        self.z_ = z
        self.noise_prior_ = float(prior)
        self.b_ = _slope(z[-(self.window + 1):])
        self.s_ = _scale(z, prior) if self.scale == "series" else 1.0
        self.table_ = None
        return self

    # -- pooled errors --------------------------------------------------------------------------
    def _pool(self, zs: Sequence[np.ndarray], priors: Sequence[float]) -> np.ndarray | None:
        """Centred error quantiles (H, 201) by horizon, or ``None`` if too few series."""
        if len(zs) < MIN_SERIES:
            return None
        k = self.window
        H = max(z.size for z in zs)
        errs: list[list[np.ndarray]] = [[] for _ in range(H)]
        for z, p in zip(zs, priors):
            s = _scale(z, p) if self.scale == "series" else 1.0
            n = z.size
            for t in range(k, n - 1):
                b = _slope(z[t - k:t + 1])
                hs = np.arange(1, n - t)
                e = (z[t + hs] - z[t] - hs * b) / s
                for h, v in zip(hs, e):
                    errs[h - 1].append(v)
        counts = np.array([len(e) for e in errs])
        if counts[0] < self.min_pool:
            return None
        table = np.empty((H, _QS.size))
        last = 0
        for h in range(1, H + 1):
            if counts[h - 1] >= self.min_pool:
                q = np.quantile(np.asarray(errs[h - 1]), _QS)
                table[h - 1] = q - q[_QS.size // 2]
                last = h
            else:  # too few errors this far ahead: grow the last good horizon linearly
                table[h - 1] = table[last - 1] * (h / last)
        return table

    @classmethod
    def learn_shared(cls, ys, noise_priors, **params):
        """The pooled error table (or ``None`` with too few series)."""
        shared = cls(**params)
        return shared._pool([check_series(y, "RateModel") for y in ys], noise_priors)

    @classmethod
    def fit_shared(cls, ys, noise_priors, shared, **params):
        out = []
        for z, p in zip(ys, noise_priors):
            m = cls(**params)._attach(check_series(z, "RateModel"), p)
            m.table_ = shared
            out.append(m)
        return out

    def fit(self, y, *, noise_prior=1.0):
        return self._attach(check_series(y, "RateModel"), noise_prior)

    # -- forecasting ----------------------------------------------------------------------------
    def predict(self, h):
        return self.z_[-1] + self.b_ * np.arange(1, h + 1, dtype=float)

    def sample_paths(self, h, n_paths, rng):
        point = self.predict(h)
        if self.table_ is not None:
            u = rng.uniform(0.0, 1.0, size=n_paths)
            H = self.table_.shape[0]
            dev = np.empty((n_paths, h))
            for j in range(h):
                row = self.table_[min(j, H - 1)]
                extra = (j + 1) / H if j >= H else 1.0
                dev[:, j] = np.interp(u, _QS, row) * extra
            return point[None, :] + self.s_ * dev
        # own residuals around the line: random-walk noise plus a slope error growing with h
        z = self.z_
        w = z[-(self.window + 1):]
        resid = np.diff(w) - self.b_
        sig = draw_noise_scales(resid, 1, self.noise_prior_, n_paths, rng)
        e = rng.standard_normal((n_paths, h)) * sig[:, None]
        se = sig / np.sqrt(max(w.size - 1, 1))
        steps = np.arange(1, h + 1)
        return point[None, :] + np.cumsum(e, axis=1) + (rng.standard_normal(n_paths) * se)[:, None] * steps
