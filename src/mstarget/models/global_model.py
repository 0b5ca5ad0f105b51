"""``global``: one scikit-learn model trained across many series (cross-learning).

A region with 4 points borrows strength from the others: every series contributes rolling
windows, described by **scale-free** features, and one regressor learns how such windows move
``h`` years ahead.

Features of a window ending at time ``t`` (the last ``MAX_ORIGINS`` windows of each series; model
scale ``z``; scale ``s`` = mean absolute yearly change of the series, or the noise prior when it
has one point):

* the last ``LAGS`` yearly changes divided by ``s`` (missing ones as 0, plus their count),
* the position of ``z_t`` within the window's range, the window's OLS slope / ``s``,
* the horizon ``h`` and the number of points seen,
* the window's mean yearly change, ``s`` and the last change, each divided by the series' noise
  prior (on the log scale these are growth rates: a 2 %-a-year series and a 40 %-a-year series
  are told apart, which the ``s``-normalised features cannot do),
* the mean sign of the window's changes and its smoothness ``|mean change| / mean |change|``.

Target: ``(z_{t+h} - z_t) / s``. In training, ``s`` is the scale known at the window's origin
(changes up to ``t`` only), as it is when forecasting; it is never below a tenth of the noise prior
(``SCALE_FLOOR``), so a window that has seen one tiny change does not get a tiny scale. The regressor is a
:class:`~sklearn.ensemble.HistGradientBoostingRegressor` with absolute-error loss (a median
forecast), seeded; a series' predictions over the horizons are made monotone (:func:`_monotone`: a
yearly path does not dip and rise again). Sample paths come from **pooled out-of-fold residuals per horizon**
(two-fold split by series): each path draws one uniform ``u`` and takes the ``u``-quantile of
the horizon's residuals, times ``s`` -- joint over the horizon, comonotone, seeded by ``rng``.
Only windows whose scale rests on 3+ yearly changes feed that table, and its outer 0.5 % on each
side is cut: a scale taken from one tiny change makes normalised residuals of +-200, which sent
single paths to e^26 times the last value and ruined the paths' mean and CRPS.

``fit`` on a single series (or fewer than ``MIN_SERIES`` series) cannot cross-learn and uses a
damped median drift, which the result's note says; the engine fits every series of the same model
together (:meth:`GlobalModel.learn_shared` / :meth:`GlobalModel.fit_shared`, the model contract's
hook for cross-learning).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .base import Forecaster, check_series, fitting
from .params import Bool, Float, Int

LAGS = 6
MAX_H = 8
MIN_ROWS = 100  # fewer training rows (or series) than this: fall back to drift-like extrapolation
MIN_SERIES = 5
MAX_ORIGINS = 12  # training windows per series (the most recent ones)
SCALE_FLOOR = 0.1  # the scale s is at least this share of the noise prior (one tiny change is no scale)
RELIABLE_CHANGES = 3  # sample-path residuals come from windows with at least this many changes
RESID_TRIM = 0.005  # and leave out this share of each tail
#: training windows (rows) beyond which a seeded random subset of the series is learned from
MAX_TRAIN_ROWS = 250_000


def _scale(z: np.ndarray, prior: float) -> float:
    d = np.abs(np.diff(z))
    s = float(d.mean()) if d.size else 0.0
    return max(s, SCALE_FLOOR * float(prior)) if s > 1e-9 else max(float(prior), 1e-6)


N_FEATURES = LAGS + 10


def _window_table(W: np.ndarray, cnt: np.ndarray, t: np.ndarray, s: np.ndarray,
                  prior: np.ndarray) -> np.ndarray:
    """Features of windows given as rows of ``W`` (``(k, LAGS + 1)`` model-scale values, ending at
    the origin; the first ``LAGS - cnt`` entries of a row are padding equal to its first real
    value), ``cnt`` yearly changes per window, origin index ``t``, series scale ``s`` and noise
    prior per row. Returns ``(k, N_FEATURES - 1)`` (everything but the horizon)."""
    D = np.diff(W, axis=1)  # padding gives 0 changes
    lo, hi = W.min(axis=1), W.max(axis=1)
    span = np.where(hi > lo, hi - lo, 1.0)
    pos = np.where(hi > lo, (W[:, -1] - lo) / span, 0.5)
    # OLS slope over the window's real points (the last cnt + 1 columns of W)
    col = np.arange(LAGS + 1)[None, :]
    first = (LAGS - cnt)[:, None]
    tc = np.where(col >= first, col - first - cnt[:, None] / 2.0, 0.0)
    ss = (tc * tc).sum(axis=1)
    slope = np.where(cnt >= 1, (tc * W).sum(axis=1) / np.where(ss > 0, ss, 1.0) / s, 0.0)
    p = np.maximum(prior, 1e-9)
    k = np.maximum(cnt, 1)
    mean_d = D.sum(axis=1) / k
    abs_d = np.abs(D).sum(axis=1) / k
    out = np.empty((W.shape[0], N_FEATURES - 1))
    out[:, :LAGS] = D / s[:, None]
    out[:, LAGS] = cnt
    out[:, LAGS + 1] = pos
    out[:, LAGS + 2] = slope
    out[:, LAGS + 3] = np.minimum(t + 1, 30)
    out[:, LAGS + 4] = mean_d / p
    out[:, LAGS + 5] = s / p
    out[:, LAGS + 6] = np.where(cnt >= 1, D[:, -1], 0.0) / p
    out[:, LAGS + 7] = np.sign(D).sum(axis=1) / k
    out[:, LAGS + 8] = np.where(abs_d > 0, np.abs(mean_d) / np.where(abs_d > 0, abs_d, 1.0), 0.0)
    return out


def _last_window_features(zs: Sequence[np.ndarray], scales: Sequence[float],
                          priors: Sequence[float]) -> np.ndarray:
    """Features of the last window of every series at once: ``(len(zs), N_FEATURES - 1)``."""
    W = np.empty((len(zs), LAGS + 1))
    n = np.empty(len(zs), dtype=int)
    for i, z in enumerate(zs):
        w = z[-(LAGS + 1):]
        W[i, LAGS + 1 - w.size:] = w
        W[i, :LAGS + 1 - w.size] = w[0]
        n[i] = z.size
    return _window_table(W, np.minimum(n - 1, LAGS), n - 1, np.asarray(scales, dtype=float),
                         np.asarray(priors, dtype=float))


def _monotone(row: np.ndarray) -> np.ndarray:
    """The monotone path nearest (least squares) to a series' predicted changes over horizons 1..``MAX_H``.

    The regressor predicts each horizon on its own, so a series rising every year could get a path
    that rises to year 2, dips in year 3 and rises again (seen in a call of 15 district series:
    3.40 -> 3.33 -> 3.62). A yearly series has no season to make such a wiggle real: the path is
    projected onto the non-decreasing or the non-increasing sequences (pool-adjacent-violators),
    whichever is nearer. On the validation sets (``benchmarks/validate_points.py``) 22 % of the
    paths were not monotone; the projection left sMAPE / MASE as they were (global 18.989 / 2.972 ->
    18.981 / 2.971; the ensemble 18.220 / 2.883 -> 18.218 / 2.883).
    """
    d = np.diff(row)
    if (d >= 0).all() or (d <= 0).all():
        return row
    up, down = _non_decreasing(row), -_non_decreasing(-row)
    return up if ((up - row) ** 2).sum() <= ((down - row) ** 2).sum() else down


def _non_decreasing(v: np.ndarray) -> np.ndarray:
    """The non-decreasing sequence nearest to ``v`` in least squares (pool adjacent violators, equal weights),
    written out for the 8 values of a path: scikit-learn's checks cost ~0.35 ms a call."""
    means: list[float] = []
    sizes: list[int] = []
    for x in v.tolist():
        m, n = x, 1
        while means and means[-1] > m:  # merge with the block before while it is higher
            m0, n0 = means.pop(), sizes.pop()
            m, n = (m0 * n0 + m * n) / (n0 + n), n0 + n
        means.append(m)
        sizes.append(n)
    return np.repeat(means, sizes)


def _features(z: np.ndarray, t: int, s: float, h: np.ndarray, prior: float) -> np.ndarray:
    """Feature rows for the window ending at index ``t`` (inclusive), one per horizon in ``h``:
    shape ``(h.size, N_FEATURES)``."""
    f = _last_window_features([z[:t + 1]], [s], [prior])
    return np.hstack([np.repeat(f, h.size, axis=0), np.asarray(h, dtype=float)[:, None]])


def _training_table(ys: Sequence[np.ndarray], priors: Sequence[float]):
    """Training windows of every series, built at once: for each series its last ``MAX_ORIGINS``
    origins ``t``, one row per horizon ``h = 1 .. min(MAX_H, n - 1 - t)``, series after series.

    Each window is normalised by the scale known at its origin (mean |change| up to ``t``, as
    when forecasting): a scale taken over the whole series would include the very changes the
    window is asked to predict (validation: ensemble sMAPE / MASE 18.33 / 2.907 -> 18.20 / 2.884).
    Returns features ``(rows, N_FEATURES)``, targets ``(z_{t+h} - z_t) / s_t`` and series index."""
    sizes = np.array([z.size for z in ys], dtype=int)
    flat = np.concatenate([np.asarray(z, dtype=float) for z in ys])
    offset = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    # origins: the last MAX_ORIGINS of each series (t = n-1-MAX_ORIGINS .. n-2, t >= 0)
    first_t = np.maximum(0, sizes - 1 - MAX_ORIGINS)
    n_org = np.maximum(sizes - 1 - first_t, 0)
    sid = np.repeat(np.arange(len(ys)), n_org)
    if sid.size == 0:
        return np.empty((0, N_FEATURES)), np.empty(0), np.empty(0, dtype=int)
    ts = np.arange(sid.size) - np.repeat(np.cumsum(n_org) - n_org, n_org) + first_t[sid]
    base = offset[sid]
    W = flat[base[:, None] + np.maximum(ts[:, None] - LAGS + np.arange(LAGS + 1), 0)]
    # the scale known at each origin: mean |change| up to t (cumulated within each series: one
    # running sum over the whole panel would round differently)
    csum = np.concatenate([np.concatenate([[0.0], np.cumsum(np.abs(np.diff(z)))]) for z in ys])
    prior = np.asarray(priors, dtype=float)[sid]
    scale = csum[base + ts] / np.maximum(ts, 1)
    scale = np.where(scale > 1e-9, np.maximum(scale, SCALE_FLOOR * prior), np.maximum(prior, 1e-6))
    F = _window_table(W, np.minimum(ts, LAGS), ts, scale, prior)
    # one row per (origin, horizon) with an outcome: h = 1 .. min(MAX_H, n - 1 - t)
    hmax = np.minimum(MAX_H, sizes[sid] - 1 - ts)
    row = np.repeat(np.arange(ts.size), hmax)
    h = np.arange(row.size) - np.repeat(np.cumsum(hmax) - hmax, hmax) + 1
    # filled in place, without a second table-sized copy (``mode="clip"``: numpy then writes
    # straight into ``out``; every index in ``row`` is valid)
    X = np.empty((row.size, N_FEATURES))
    np.take(F, row, axis=0, out=X[:, :-1], mode="clip")
    X[:, -1] = h
    at = base[row] + ts[row]
    y = (flat[at + h] - flat[at]) / scale[row]
    return X, y, sid[row]


def training_rows(sizes) -> np.ndarray:
    """Training rows :func:`_training_table` makes of series of ``sizes`` points: one per origin
    (the last ``MAX_ORIGINS``) and horizon still observed (up to ``MAX_H``)."""
    m = np.minimum(np.maximum(np.asarray(sizes, dtype=int) - 1, 0), MAX_ORIGINS)
    per_m = np.concatenate([[0], np.cumsum(np.minimum(np.arange(1, MAX_ORIGINS + 1), MAX_H))])
    return per_m[m]


def _subsample(ys: Sequence[np.ndarray], priors: Sequence[float], seed: int):
    """Every series when their windows fit in ``MAX_TRAIN_ROWS``; else a seeded random subset of
    the series (kept in order) whose windows just reach it. A country-sized call (100,000 series,
    ~2.7 million windows) then trains in the time of ~6,000 series: 16 scale-free features and a
    15-leaf, 40-round booster learn nothing more from millions of windows, and the table alone
    would take ~350 MB."""
    rows = training_rows([np.size(z) for z in ys])
    if rows.sum() <= MAX_TRAIN_ROWS:
        return ys, priors
    order = np.random.default_rng(seed).permutation(len(ys))
    take = order[: int(np.searchsorted(np.cumsum(rows[order]), MAX_TRAIN_ROWS)) + 1]
    take.sort()
    return [ys[i] for i in take], [priors[i] for i in take]


class _SingleThread:
    """Run a scikit-learn estimator on one thread: tiny tables, and OpenMP threads spin badly when
    the machine is busy (tens of times slower)."""

    def __init__(self, est):
        self.est = est

    def fit(self, X, y):
        from threadpoolctl import threadpool_limits  # lazy: threadpoolctl, with scikit-learn

        with threadpool_limits(1):
            self.est.fit(X, y)
        return self

    def predict(self, X):
        from threadpoolctl import threadpool_limits  # lazy: threadpoolctl, with scikit-learn

        with threadpool_limits(1):
            return self.est.predict(X)


class GlobalModel(Forecaster):
    """Cross-learned gradient boosting on normalised windows (see module docstring).

    Parameters
    ----------
    max_iter : int, default 40
    learning_rate : float, default 0.15
        Boosting rounds and step. 40 at 0.15 scored the same as 60 at 0.1 on the validation
        sets (ensemble mean sMAPE / MASE 18.21 / 2.883 vs 18.20 / 2.884;
        ``benchmarks/RESULTS_NOTES.md``, round 4) in two thirds of the time.
    random_state : int, default 0
    oof : bool, default True
        Compute out-of-fold residuals for the sample paths (two extra fits). ``False`` keeps
        in-sample residuals: faster, narrower; used when only point forecasts matter.
    """

    name = "global"
    min_points = 1
    parameters = {"max_iter": Int(1, 10_000), "learning_rate": Float(0.0, 1.0, low_open=True),
                  "random_state": Int(0, 2**32 - 1), "oof": Bool()}

    def __init__(self, *, max_iter: int = 40, learning_rate: float = 0.15, random_state: int = 0,
                 oof: bool = True):
        self.check_params({"max_iter": max_iter, "learning_rate": learning_rate,
                           "random_state": random_state, "oof": oof})
        self.oof = oof
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.random_state = random_state

    def get_params(self):
        return {"max_iter": self.max_iter, "learning_rate": self.learning_rate,
                "random_state": self.random_state, "oof": self.oof}

    # -- training across series -------------------------------------------------------------
    def _regressor(self):
        from sklearn.ensemble import HistGradientBoostingRegressor  # lazy: heavy (scikit-learn)

        # early stopping off: scikit-learn switches it on by itself above 10,000 rows, so the same
        # series would be fitted differently in a small and a large panel (and it costs time)
        return _SingleThread(HistGradientBoostingRegressor(loss="absolute_error", max_iter=self.max_iter,
                                             learning_rate=self.learning_rate, max_leaf_nodes=15,
                                             min_samples_leaf=20, early_stopping=False,
                                             random_state=self.random_state))

    def _train(self, ys: Sequence[np.ndarray], priors: Sequence[float]) -> None:
        ys, priors = _subsample(ys, priors, self.random_state)
        X, y, g = _training_table(ys, priors)
        self.reg_ = None
        self.resid_q_ = None
        if len(ys) < MIN_SERIES or y.size < MIN_ROWS:
            self.notes_ = [f"global: too few series to learn across ({len(ys)} series, {y.size} "
                           f"training windows; needs {MIN_SERIES} and {MIN_ROWS}): a damped median drift"]
            return
        self.notes_ = []
        # out-of-fold residuals: two folds split by series
        fold = (g % 2).astype(bool)
        oof = np.full(y.shape, np.nan)
        with fitting("GlobalModel"):
            if self.oof and min(fold.sum(), (~fold).sum()) >= MIN_ROWS // 2:
                for k in (True, False):
                    m = self._regressor().fit(X[fold != k], y[fold != k])
                    oof[fold == k] = m.predict(X[fold == k])
            self.reg_ = self._regressor().fit(X, y)
            if np.isnan(oof).any():
                oof = self.reg_.predict(X)  # too few series for folds: in-sample (narrower) residuals
        res = y - oof
        hcol = X[:, -1].astype(int)
        # residuals of windows whose scale rests on at least RELIABLE_CHANGES yearly changes: with one
        # tiny change as the scale, a normalised residual can reach +-200 and a path e^26 times the
        # last value (seen on M3); and the outer RESID_TRIM of each tail is cut for the same reason
        reliable = X[:, LAGS] >= RELIABLE_CHANGES
        qs = np.linspace(RESID_TRIM, 1.0 - RESID_TRIM, 201)
        table = np.zeros((MAX_H, qs.size))
        for hh in range(1, MAX_H + 1):
            r = res[(hcol == hh) & reliable]
            if r.size >= 30:
                table[hh - 1] = np.quantile(r, qs)
            elif hh > 1:  # too few: grow like a random walk from the previous horizon
                table[hh - 1] = table[hh - 2] * np.sqrt(hh / (hh - 1))
            else:
                table[0] = np.quantile(res[hcol == 1] if (hcol == 1).sum() >= 10 else res, qs)
        self.resid_q_ = table - table[:, [qs.size // 2]]  # centred: the paths' median is the point

    def _attach(self, z: np.ndarray, prior: float, shared: "GlobalModel") -> "GlobalModel":
        self.notes_ = list(getattr(shared, "notes_", ()))
        self.z_ = z
        self.steps_ = None
        self.s_ = _scale(z, prior)
        self.noise_prior_ = float(prior)
        self.reg_ = shared.reg_
        self.resid_q_ = shared.resid_q_
        return self

    @classmethod
    def learn_shared(cls, ys, noise_priors, **params) -> "GlobalModel":
        """The regressor and residual table trained on every series (no series kept)."""
        shared = cls(**params)
        shared._train([check_series(y, "GlobalModel") for y in ys], noise_priors)
        return shared

    @classmethod
    def fit_shared(cls, ys, noise_priors, shared, **params):
        return cls.attach_many([check_series(y, "GlobalModel") for y in ys], noise_priors, shared)

    @classmethod
    def attach_many(cls, ys, noise_priors, shared: "GlobalModel") -> list["GlobalModel"]:
        """Forecasters for ``ys`` that use the regressor already trained in ``shared``."""
        out = [cls(**shared.get_params())._attach(np.asarray(z, dtype=float), p, shared)
               for z, p in zip(ys, noise_priors)]
        if shared.reg_ is not None and out:  # one batched prediction for every series
            F = _last_window_features([m.z_ for m in out], [m.s_ for m in out],
                                      [m.noise_prior_ for m in out])
            X = np.hstack([np.repeat(F, MAX_H, axis=0),
                           np.tile(np.arange(1.0, MAX_H + 1), len(out))[:, None]])
            pred = shared.reg_.predict(X).reshape(len(out), MAX_H)
            for m, row in zip(out, pred):
                m.steps_ = _monotone(row)
        return out

    def fit(self, y, *, noise_prior=1.0):
        z = check_series(y, "GlobalModel")
        self._train([z], [noise_prior])
        return self._attach(z, noise_prior, self)

    # -- forecasting --------------------------------------------------------------------------
    def _steps(self, h: int) -> np.ndarray:
        """Predicted normalised change for horizons 1..h (extended linearly beyond MAX_H)."""
        z = self.z_
        if self.reg_ is None:  # not enough series to learn from: damped median drift
            d = np.diff(z)[-8:]
            drift = float(np.median(d)) / self.s_ if d.size else 0.0
            return drift * np.cumsum(0.9 ** np.arange(1, h + 1))
        if getattr(self, "steps_", None) is None:
            self.steps_ = _monotone(self.reg_.predict(_features(z, z.size - 1, self.s_, np.arange(1, MAX_H + 1),
                                                                self.noise_prior_)))
        out = self.steps_[: min(h, MAX_H)]
        if h > MAX_H:
            step = out[-1] - out[-2] if out.size >= 2 else out[-1]
            out = np.concatenate([out, out[-1] + step * np.arange(1, h - MAX_H + 1)])
        return out

    def predict(self, h):
        return self.z_[-1] + self.s_ * self._steps(h)

    def sample_paths(self, h, n_paths, rng):
        point = self.predict(h)
        u = rng.uniform(0.0, 1.0, size=n_paths)
        if self.resid_q_ is None:
            sig = max(self.s_, self.noise_prior_)
            e = rng.standard_normal((n_paths, h)) * sig
            return point[None, :] + np.cumsum(e, axis=1)
        qs = np.linspace(0.0, 1.0, self.resid_q_.shape[1])
        dev = np.empty((n_paths, h))
        for j in range(h):
            row = self.resid_q_[min(j, MAX_H - 1)]
            extra = np.sqrt((j + 1) / MAX_H) if j >= MAX_H else 1.0
            dev[:, j] = np.interp(u, qs, row) * extra
        return point[None, :] + self.s_ * dev
