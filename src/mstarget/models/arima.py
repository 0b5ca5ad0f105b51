"""ARIMA with a small order search suited to short yearly series (statsmodels)."""
from __future__ import annotations

import warnings

import numpy as np

from .base import FIT_FAILURES, Forecaster, check_series, draw_noise_scales
from ..exceptions import ModelFitError
from .params import Orders

#: (p, d, q) candidates; d = 1 models carry a drift term, d = 0 a constant
ORDERS = ((0, 1, 0), (1, 1, 0), (0, 1, 1), (1, 1, 1), (0, 2, 1), (1, 0, 0), (2, 0, 0))


def _psi_weights(ar: np.ndarray, ma: np.ndarray, d: int, h: int) -> np.ndarray:
    """MA(infinity) weights psi_0..psi_{h-1} of the integrated ARMA (psi_0 = 1)."""
    from statsmodels.tsa.arima_process import arma2ma  # lazy: heavy (statsmodels)

    ar_poly = np.r_[1.0, -np.asarray(ar, dtype=float)]
    for _ in range(d):
        ar_poly = np.convolve(ar_poly, [1.0, -1.0])
    return arma2ma(ar_poly, np.r_[1.0, np.asarray(ma, dtype=float)], lags=h)


class ARIMAModel(Forecaster):
    """ARIMA(p, d, q) chosen by AICc from a tiny grid (:data:`ORDERS`), drift when ``d = 1``.

    The grid is limited to orders a 5-15 point yearly series can support; candidates with more
    parameters than ``n - 3`` are skipped. Paths are the point forecast plus innovations
    propagated through the model's psi weights (joint over the horizon), with a per-path noise
    scale drawn from the residuals (see ``models/base.py``).

    Parameters
    ----------
    orders : sequence of (p, d, q), default :data:`ORDERS`
    """

    name = "arima"
    min_points = 4
    parameters = {"orders": Orders()}

    def __init__(self, *, orders=ORDERS):
        self.check_params({"orders": orders})
        self.orders = tuple(tuple(int(v) for v in o) for o in orders)

    def get_params(self):
        return {"orders": [list(o) for o in self.orders]}

    def fit(self, y, *, noise_prior=1.0):
        from statsmodels.tsa.arima.model import ARIMA  # lazy: heavy (statsmodels)

        y = check_series(y, "ARIMAModel", self.min_points)
        n = y.size
        best = None
        for p, d, q in self.orders:
            trend = "t" if d == 1 else ("c" if d == 0 else "n")
            k = p + q + 1 + (trend != "n")
            if k > n - d - 2:
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = ARIMA(y, order=(p, d, q), trend=trend).fit()
            except FIT_FAILURES:  # this order cannot be fitted: try the next
                continue
            m = n - d
            aicc = res.aic + (2 * k * (k + 1)) / max(m - k - 1, 1)
            if np.isfinite(aicc) and (best is None or aicc < best[0]):
                best = (aicc, (p, d, q), res, k)
        if best is None:
            raise ModelFitError(f"ARIMAModel: none of the orders {', '.join(map(str, self.orders))} "
                                f"could be fitted to {n} points")
        _, self.order_, self.res_, self.k_ = best
        p, d, q = self.order_
        params = dict(zip(self.res_.param_names, np.asarray(self.res_.params, dtype=float)))
        self.ar_ = np.array([params.get(f"ar.L{i}", 0.0) for i in range(1, p + 1)])
        self.ma_ = np.array([params.get(f"ma.L{i}", 0.0) for i in range(1, q + 1)])
        self.resid_ = np.asarray(self.res_.resid, dtype=float)[d:]
        self.noise_prior_ = float(noise_prior)
        self._cache = {}
        return self

    def predict(self, h):
        if h not in self._cache:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._cache[h] = np.asarray(self.res_.forecast(h), dtype=float)
        return self._cache[h]

    def sample_paths(self, h, n_paths, rng):
        sig = draw_noise_scales(self.resid_, self.k_, self.noise_prior_, n_paths, rng)
        psi = _psi_weights(self.ar_, self.ma_, self.order_[1], h)
        e = rng.standard_normal((n_paths, h)) * sig[:, None]
        # error at step j = sum_{i<=j} psi_{j-i} e_i
        P = np.zeros((h, h))
        for j in range(h):
            P[j, : j + 1] = psi[: j + 1][::-1]
        return self.predict(h)[None, :] + e @ P.T
