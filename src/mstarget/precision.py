"""How precisely a series is reported, and what that implies for its forecast.

Bureaus publish rounded figures: 98 %, 1.89 万户, 5 项. Two consequences for a short series:

* **Its yearly changes are only known to the reporting unit.** A district's count of local
  standards reported 5, 5, 5, 5 has not been shown to be constant, only to have moved by less than
  one unit a year; the noise of its changes cannot be estimated below the rounding of two reported
  figures (a change of two values each rounded to ``u`` has variance ``u^2 / 6``).
  :func:`model_scale_unit` gives ``u`` on a model's scale so a model can floor its noise there.
* **A figure within half a unit of a bound is reported as the bound.** A rate at 100 % for years
  is forecast as 100, not 99.9, and 覆盖率达到100% is met by a value that would be reported as 100
  (:func:`snap_to_bounds`, applied to every forecast's sample paths). A logit scale never reaches
  its bounds, so without this a series at 100 % was forecast at 99.9 and its target never met.
"""
from __future__ import annotations

import numpy as np

from .validation import is_missing

MAX_DECIMALS = 4  # more decimals than this are float noise (1/3 written out), not a reporting unit


def written_decimals(v, limit: int = MAX_DECIMALS) -> int:
    """Decimals needed to write ``v`` exactly (at most ``limit``): ``25.64 -> 2``, ``117 -> 0``; a
    missing value -> 0."""
    if is_missing(v):
        return 0
    for d in range(limit + 1):
        if abs(round(float(v), d) - float(v)) < 1e-9 * max(1.0, abs(float(v))):
            return d
    return limit


def reported_decimals(values) -> int:
    """Decimals of the most precise finite value (:func:`written_decimals`), at most
    :data:`MAX_DECIMALS` -- or, for a series of tiny figures, at most four significant digits of
    the smallest (``3.1e-05`` 亿元 keeps 8 decimals: with 4 the reporting unit, 0.0001, exceeded the
    figures themselves, and the same series in 万元 got a band 65,000 times narrower):
    ``[98, 98.5, 99]`` -> 1; ``[1.89, 2.3]`` -> 2; ``[5, 5, 5]`` -> 0."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    tiny = np.abs(v[v != 0])
    limit = max(MAX_DECIMALS, 3 - int(np.floor(np.log10(tiny.min())))) if tiny.size else MAX_DECIMALS
    return max((written_decimals(x, limit) for x in v), default=0)


def reporting_unit(values) -> float:
    """The reporting unit of a series, in its own unit: ``10 ** -reported_decimals(values)``."""
    return 10.0 ** -reported_decimals(values)


def model_scale_unit(transform, values) -> float:
    """One reporting unit around the last value, on ``transform``'s model scale.

    The distance between ``last - u/2`` and ``last + u/2`` after ``transform.forward``; ``0.0`` when
    the last value lies within half a unit of a bound of the transform (a 100 % rate, a count of 0:
    the bound anchors such a series and the model scale stretches without limit near it) or is not
    finite.

    Parameters
    ----------
    transform : mstarget.transforms.Transform
        The series' transform (its ``forward`` maps natural values to the model scale).
    values : array, shape (n,)
        The observed values, natural scale.
    """
    y = np.asarray(values, dtype=float)
    y = y[np.isfinite(y)]
    if y.size == 0:
        return 0.0
    last, half = float(y[-1]), 0.5 * reporting_unit(y)
    lo, hi = last - half, last + half
    lower = getattr(transform, "lower", None)
    upper = getattr(transform, "upper", None)
    if (lower is not None and lo <= lower) or (upper is not None and hi >= upper):
        return 0.0
    z = np.asarray(transform.forward(np.array([lo, hi])), dtype=float)
    step = float(abs(z[1] - z[0]))
    return step if np.isfinite(step) else 0.0


def snap_to_bounds(paths, bounds, values, edge: float = 0.0) -> np.ndarray:
    """Sample paths with every value within half a reporting unit of a bound set to the bound.

    Parameters
    ----------
    paths : array, shape (n_paths, h)
        Natural-scale sample paths.
    bounds : mstarget.transforms.Bounds
        The indicator's bounds (``None`` sides are left alone).
    values : array, shape (n,)
        The observed values, whose reporting unit (:func:`reporting_unit`) sets the margin.
    edge : float
        How close to a bound the model scale can no longer tell a value from the bound (a logit
        transform's ``edge``: it models 100 % as 99.9 %); the margin is then ``edge`` plus half a
        unit, so a path the model draws at its version of the bound is reported as the bound.

    Returns
    -------
    array, shape (n_paths, h)
        A copy; values farther from the bounds are unchanged.
    """
    out = np.array(paths, dtype=float, copy=True)
    margin = 0.5 * reporting_unit(values) + float(edge)
    if bounds.upper is not None:
        out[out >= bounds.upper - margin] = bounds.upper
    if bounds.lower is not None:
        out[out <= bounds.lower + margin] = bounds.lower
    return out
