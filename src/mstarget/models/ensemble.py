"""Fast closed-form members and their robust combination (the ``ensemble`` model, auto's default).

The lesson of the M3 / M4 yearly data is that a robust combination of simple trend-aware
methods beats any single one. The members here are vectorised numpy with tiny parameter grids
instead of per-series optimisers, so one series costs well under a millisecond:

* ``ses_theta`` -- the Theta method (Hyndman & Billah 2003): SES with half the OLS slope as drift,
  ``alpha`` chosen on a 20-value grid by in-sample one-step squared error;
* ``lgt`` -- a fast local-and-global-trend model after Smyl's LGT: 120 least-squares fits on a
  parameter grid, averaged with likelihood weights (:class:`LocalGlobalTrendModel`; not a default
  member, see its docstring; ``models/ensemble_lgt.toml`` uses it);
* ``damped`` -- additive damped-trend Holt, ``(alpha, beta, phi)`` on a 5 x 3 x 4 grid;
* ``drift`` -- random walk with the mean yearly change;
* ``robust_drift`` -- random walk with a damped *median* yearly change (robust to one-off jumps).

:class:`EnsembleModel` (default members: Theta, the cross-learned ``global`` model, see
:mod:`mstarget.models.global_model`, and the damped median drift) takes the **mean** (or median)
of the members' point forecasts year by year and builds sample paths by pooling the members' own deviations around their point forecasts,
recentred on the combined point. Interval widths are then set by calibration (see
:mod:`mstarget.calibration`); members' raw paths only give the shape.

All of this works on the model scale the engine hands over (log for positive series, logit for
``%``), so combined paths respect natural bounds after the inverse transform.
"""
from __future__ import annotations

from typing import ClassVar, Sequence

import numpy as np

from .base import Forecaster, check_series, draw_noise_scales

_ALPHAS = np.linspace(0.05, 1.0, 20)
_D_ALPHA = np.array([0.1, 0.3, 0.5, 0.7, 0.95])
_D_BETA = np.array([0.02, 0.1, 0.3])
_D_PHI = np.array([0.8, 0.9, 0.95, 0.98])
_GRID = np.array(np.meshgrid(_D_ALPHA, _D_BETA, _D_PHI, indexing="ij")).reshape(3, -1)


def _ses_grid(y: np.ndarray, alphas: np.ndarray):
    """SES for many alphas at once: final levels and one-step errors, shapes (k,), (n-1, k)."""
    level = np.full(alphas.shape, y[0])
    errs = np.empty((y.size - 1, alphas.size))
    for t in range(1, y.size):
        e = y[t] - level
        errs[t - 1] = e
        level = level + alphas * e
    return level, errs


class _Member(Forecaster):
    """A fast member: subclasses set ``point_`` (callable of h), ``resid_`` and ``alpha_``.

    Paths follow the single-source-of-error form ``e_h + alpha * (e_1 + ... + e_{h-1})`` (plus a
    drawn trend error for trend members), with per-path noise scales from one-step residuals.
    """

    dof: ClassVar[int] = 1
    trend_dof: ClassVar[bool] = True

    def sample_paths(self, h, n_paths, rng):
        sig = draw_noise_scales(self.resid_, self.dof, self.noise_prior_, n_paths, rng)
        e = rng.standard_normal((n_paths, h)) * sig[:, None]
        carried = self.alpha_ * (np.cumsum(e, axis=1) - e)
        dev = e + carried
        if self.trend_dof:
            # uncertainty of the estimated yearly trend grows linearly with the horizon
            se = sig / np.sqrt(max(self.n_ - 1, 1))
            dev = dev + (rng.standard_normal(n_paths) * se)[:, None] * np.arange(1, h + 1) * self.trend_share_
        return self.predict(h)[None, :] + dev


class SESThetaModel(_Member):
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


class DampedTrendModel(_Member):
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


class LocalGlobalTrendModel(_Member):
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
    ``model="ensemble_lgt"`` (``models/ensemble_lgt.toml``) uses it. Series shorter than 5 points,
    or spanning more than e^30 on the model scale, use the Theta method.
    """

    name = "lgt"
    min_points = 2
    dof = 3

    def fit(self, y, *, noise_prior=1.0):
        y = check_series(y, "LocalGlobalTrendModel")
        self.n_, self.noise_prior_ = y.size, float(noise_prior)
        self.fallback_ = None
        top = float(y.max())
        if y.size < _LGT_MIN_POINTS or top - float(y.min()) > _LGT_MAX_RANGE:
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


class FastDriftModel(_Member):
    """Random walk with drift (mean yearly change)."""

    name = "drift_fast"
    min_points = 1
    robust: ClassVar[bool] = False

    def fit(self, y, *, noise_prior=1.0):
        y = check_series(y, type(self).__name__)
        self.n_, self.noise_prior_ = y.size, float(noise_prior)
        d = np.diff(y)
        if d.size == 0:
            self.drift_ = 0.0
        elif self.robust:
            self.drift_ = float(np.median(d[-min(d.size, 8):]))
        else:
            self.drift_ = float(d.mean())
        self.last_ = float(y[-1])
        self.resid_ = d - self.drift_
        self.alpha_ = 1.0
        self.trend_share_ = 1.0
        return self

    def predict(self, h):
        steps = np.arange(1, h + 1, dtype=float)
        if self.robust:  # damp the median drift: phi = 0.9
            return self.last_ + self.drift_ * np.cumsum(0.9 ** steps)
        return self.last_ + self.drift_ * steps


class RobustDriftModel(FastDriftModel):
    """Random walk with a damped median drift over the last (up to) eight changes."""

    name = "robust_drift"
    robust = True


class FastNaiveModel(FastDriftModel):
    name = "naive_fast"

    def fit(self, y, *, noise_prior=1.0):
        super().fit(y, noise_prior=noise_prior)
        self.resid_ = np.diff(check_series(y, "FastNaiveModel"))
        self.drift_ = 0.0
        self.trend_share_ = 0.0
        self.dof = 0
        return self

    def predict(self, h):
        return np.full(h, self.last_)


#: fast members by name (not registered on their own; ``ensemble`` combines them)
MEMBERS: dict[str, type[_Member]] = {
    c.name: c for c in (SESThetaModel, LocalGlobalTrendModel, DampedTrendModel, FastDriftModel,
                        RobustDriftModel, FastNaiveModel)
}
#: chosen on validation sets only (M1, training parts of M3 / Tourism; benchmarks/validate_points.py):
#: mean(Theta, global, robust drift) beat mean(Theta, global) on all six sets in sMAPE, five in MASE
#: (round 3; benchmarks/RESULTS_NOTES.md). The LGT-style member in Theta's place was better on
#: validation but worse on the test periods (round 5): not adopted.
DEFAULT_MEMBERS = ("ses_theta", "global", "robust_drift")


#: a member whose cross-series learning failed (it is then fitted per series)
_FAILED = "failed"


def _member(name: str):
    if name in MEMBERS:
        return MEMBERS[name]
    if name == "global":
        from .global_model import GlobalModel

        return GlobalModel
    from .registry import model_class

    return model_class(name)


class EnsembleModel(Forecaster):
    """Robust combination: the median (or mean) of member point forecasts.

    Parameters
    ----------
    members : sequence of str, default ("ses_theta", "global", "robust_drift")
        Fast members (see :data:`MEMBERS`) or registered model names (slower). Members that need
        more points than the series has drop out; with none left the drift member is used. A
        member with its own ``fit_many`` (``global``) is trained across all series the engine
        hands over together.
    combine : {"median", "mean"}, default "mean"
        With two members both are the same; for the default three the mean was better than the
        median on validation data (benchmarks/RESULTS_NOTES.md).
    global_oof : bool, default False
        Passed to the ``global`` member: ``True`` gives its paths out-of-fold residuals (two more
        regressor fits). Off by default: the ensemble's interval widths are set by calibration,
        the members only give their shape, and skipping the fits halves the ensemble's time.
    """

    name = "ensemble"
    min_points = 1

    def __init__(self, *, members: Sequence[str] = DEFAULT_MEMBERS, combine: str = "mean",
                 global_oof: bool = False):
        self.members = tuple(members)
        self.combine = combine
        self.global_oof = global_oof

    def get_params(self):
        return {"members": list(self.members), "combine": self.combine, "global_oof": self.global_oof}

    def _member_params(self, name):
        return {"oof": self.global_oof} if name == "global" else {}

    @classmethod
    def learn_shared(cls, ys, noise_priors, **params) -> dict:
        """What the members that learn across series (``global``) learn from every series:
        ``{member: shared}``; a member whose learning fails is fitted per series instead."""
        self0 = cls(**params)
        self0._check()
        ys = [check_series(y, "EnsembleModel") for y in ys]
        shared = {}
        for name in self0.members:
            mcls = _member(name)
            if mcls.learn_shared.__func__ is not Forecaster.learn_shared.__func__:
                try:
                    shared[name] = mcls.learn_shared(ys, noise_priors, **self0._member_params(name))
                except Exception:
                    shared[name] = _FAILED
        return shared

    @classmethod
    def fit_shared(cls, ys, noise_priors, shared, **params):
        self0 = cls(**params)
        self0._check()
        ys = [check_series(y, "EnsembleModel") for y in ys]
        pre_fitted = {}
        for name, learned in (shared or {}).items():
            pre_fitted[name] = None
            if learned is _FAILED:
                continue
            try:
                pre_fitted[name] = _member(name).fit_shared(ys, noise_priors, learned,
                                                            **self0._member_params(name))
            except Exception:
                pass
        out = []
        for i, (y, p) in enumerate(zip(ys, noise_priors)):
            pre = {k: (v[i] if v is not None else None) for k, v in pre_fitted.items()}
            out.append(cls(**params)._fit(y, p, pre))
        return out

    def _check(self):
        if self.combine not in ("median", "mean"):
            raise ValueError(f"The 'combine' parameter of EnsembleModel must be 'median' or 'mean'. "
                             f"Got {self.combine!r} instead.")

    def fit(self, y, *, noise_prior=1.0):
        self._check()
        return self._fit(check_series(y, "EnsembleModel"), noise_prior, {})

    def _fit(self, y, noise_prior, prefitted):
        fitted = []
        for name in self.members:
            cls = _member(name)
            if y.size < cls.min_points:
                continue
            if prefitted.get(name) is not None:
                fitted.append(prefitted[name])
                continue
            try:
                fitted.append(cls(**self._member_params(name)).fit(y, noise_prior=noise_prior))
            except Exception:  # a failing member drops out; the others carry on
                continue
        if not fitted:
            fitted = [FastDriftModel().fit(y, noise_prior=noise_prior)]
        self.fitted_ = fitted
        self.n_ = y.size
        return self

    def _points(self, h):
        return np.stack([m.predict(h) for m in self.fitted_])

    def predict(self, h):
        pts = self._points(h)
        return np.median(pts, axis=0) if self.combine == "median" else pts.mean(axis=0)

    def sample_paths(self, h, n_paths, rng):
        k = len(self.fitted_)
        sizes = [n_paths // k + (1 if i < n_paths % k else 0) for i in range(k)]
        devs = []
        for m, s in zip(self.fitted_, sizes):
            if s == 0:
                continue
            devs.append(m.sample_paths(h, s, rng) - m.predict(h)[None, :])
        dev = np.concatenate(devs, axis=0)
        dev = dev[rng.permutation(n_paths)]
        return self.predict(h)[None, :] + dev


_THETAS = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 4.0])


class OptimisedThetaModel(_Member):
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


MEMBERS[OptimisedThetaModel.name] = OptimisedThetaModel
