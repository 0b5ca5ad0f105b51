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

import functools
import math

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
    if v.size == 0:
        return 0
    return _decimals_of(v.tobytes())  # a forecast and its assessment ask four times of the same series


@functools.lru_cache(maxsize=4096)
def _decimals_of(data: bytes) -> int:
    """:func:`reported_decimals` of the finite float64 values in ``data``."""
    v = np.frombuffer(data, dtype=float)
    tiny = np.abs(v[v != 0])
    limit = max(MAX_DECIMALS, 3 - int(np.floor(np.log10(tiny.min())))) if tiny.size else MAX_DECIMALS
    # written_decimals of every value at once (called four times per series by a forecast and its
    # assessment: the loop over values was 2 s of 18 at 10,000 series): the first d that writes
    # each value exactly, the most precise value's d
    tol = 1e-9 * np.maximum(1.0, np.abs(v))
    todo = np.ones(v.size, dtype=bool)
    for d in range(limit + 1):
        todo &= ~(np.abs(np.round(v, d) - v) < tol)
        if not todo.any():
            return d
    return limit


def reported_decimals_many(series) -> np.ndarray:
    """:func:`reported_decimals` of each series at once, shape (n_series,) of int.

    The same numbers as one call per series, in one pass over all their values: a country's
    100,000 series took ~4.5 s one by one (the cache holds 4,096), ~0.1 s together."""
    arrays = [np.asarray(v, dtype=float).ravel() for v in series]
    sizes = np.array([a.size for a in arrays], dtype=np.int64)
    out = np.zeros(len(arrays), dtype=np.int64)
    if not sizes.sum():
        return out
    v = np.concatenate(arrays)
    owner = np.repeat(np.arange(len(arrays)), sizes)
    keep = np.isfinite(v)
    v, owner = v[keep], owner[keep]
    if not v.size:
        return out
    # each series' limit: MAX_DECIMALS, or four significant digits of its smallest non-zero figure
    tiny = np.full(len(arrays), np.inf)
    nz = v != 0
    np.minimum.at(tiny, owner[nz], np.abs(v[nz]))
    limit = np.full(len(arrays), MAX_DECIMALS, dtype=np.int64)
    has = np.isfinite(tiny)
    limit[has] = np.maximum(MAX_DECIMALS, 3 - np.floor(np.log10(tiny[has])).astype(np.int64))
    # each value's first exact d (limit + 1 when none within its series' limit), the series' largest
    value_limit = limit[owner]
    first = value_limit + 1
    tol = 1e-9 * np.maximum(1.0, np.abs(v))
    todo = np.ones(v.size, dtype=bool)
    for d in range(int(value_limit.max()) + 1):
        exact = todo & (d <= value_limit) & (np.abs(np.round(v, d) - v) < tol)
        first[exact] = d
        todo &= ~exact
        if not todo.any():
            break
    worst = np.zeros(len(arrays), dtype=np.int64)
    np.maximum.at(worst, owner, first)
    present = np.bincount(owner, minlength=len(arrays)) > 0
    out[present] = np.minimum(worst[present], limit[present])
    return out


def reporting_unit(values) -> float:
    """The reporting unit of a series, in its own unit: ``10 ** -reported_decimals(values)``."""
    return 10.0 ** -reported_decimals(values)


@functools.lru_cache(maxsize=65536)
def value_decimals(v: float) -> int:
    """:func:`reported_decimals` of one finite figure (a target, a baseline), in plain Python: numpy's
    ~10 small-array calls cost ~50 us a figure, asked of every plan row's target (100,000 rows: ~5 s).
    ``np.round(v, d)`` is ``rint(v * 10**d) / 10**d`` and ``round`` is ``rint`` for a float, so the
    decimals are the same (checked on the provincial panels' figures and on random ones)."""
    a = abs(v)
    limit = max(MAX_DECIMALS, 3 - math.floor(math.log10(a))) if a != 0 else MAX_DECIMALS
    tol = 1e-9 * max(1.0, a)
    for d in range(limit + 1):
        f = 10.0 ** d
        y = v * f
        if math.isfinite(y) and abs(round(y) / f - v) < tol:  # (beyond float range numpy's is inf: never)
            return d
    return limit


def model_scale_unit(transform, values, unit: float | None = None) -> float:
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
    unit : float, optional
        Their :func:`reporting_unit`, when known (:func:`reported_decimals_many` for many series).
    """
    y = np.asarray(values, dtype=float)
    y = y[np.isfinite(y)]
    if y.size == 0:
        return 0.0
    last, half = float(y[-1]), 0.5 * (reporting_unit(y) if unit is None else unit)
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
        transform's ``edge``: it models 100 % as 99.9 %). It is added to half a unit on a side
        where an observed value sat on the bound (the model draws that value at its version of
        the bound) or that the series approached in every step (a logit scale slows such a series
        down near the bound more than real series slow down) -- when it ended within
        :data:`EDGE_NEAR` (3) edges of it or the edge is no more than :data:`EDGE_UNITS` (2) of its
        reporting units; on another side, or for a series reported finer and farther away, the margin
        is half a unit only: an infant mortality of 5.4, 5.0, 4.5, 4.1, 3.8 ‰ (the edge of a ‰
        range is 1 ‰, ten of its 0.1 ‰ units) had its paths at 0.9 ‰ counted as 0 (p(<= 0 in 2030)
        0.035; now 0), while a coverage rising 97.2, 98.4, 99.1, 99.5 % toward 100 keeps the edge (with
        the 3-edge rule alone, first tried in session 39, its p_meet of 100 in 2030 fell from 0.85 to 0.50). A rate wobbling at 99.7, 99.8, 99.75, 99.8, 99.8 % was reported as
        100 % in 2030 on 46 % of the paths with the edge, against 5 % by rounding alone. On the
        real % series of the policy corpus (``experiments/plan_regime/corpus.py``; session 37),
        where this rule and the edge on both sides differ (1,040 of 22,542 windows of 4 years
        forecast 2 years on, 1,118 of 16,742 of 5 years forecast 5 on), the outcome was on the
        bound in 3 % / 7 % of the windows: predicted 16 % / 19 % with the edge, 4 % / 6 % with
        this rule (Brier 0.077 -> 0.030, 0.089 -> 0.060); series approaching the bound in every
        step ended on it in 26 % / 32 %, predicted 21 % / 21 % with the edge, 1 % without it.
        Session 39 (the same windows, ``/tmp/s39/f1/corpus_snap39.py``: forecast once unsnapped,
        then each rule applied to the same paths): of the 15,574 / 11,402 windows approaching a
        bound in every step, the 460 / 300 ending within 3 edges of it ended on it in 22 % / 34 %,
        predicted 24 % / 48 % (unchanged); the 311 / 218 ending 3-5 edges away in 6 % / 23 %,
        predicted 0.6 % / 8 % with the edge, 0 % now; farther away 0.4 % / 1.7 %, predicted
        0.0 % / 0.3 % with it. Brier over all of them 0.0081 -> 0.0083, 0.0195 -> 0.0221 with the
        3-edge rule alone, a cost from % series reported to whole points at the source (MDG JMP),
        whose edge is a tenth of their unit: the unit clause keeps the edge for them (and for every %
        reported to 0.1 point) as before.

    Returns
    -------
    array, shape (n_paths, h)
        A copy; values farther from the bounds are unchanged.
    """
    out = np.array(paths, dtype=float, copy=True)
    seen = np.asarray(values, dtype=float).ravel()
    seen = seen[np.isfinite(seen)]
    half = 0.5 * reporting_unit(seen)
    if bounds.upper is not None:
        out[out >= bounds.upper - half - _edge_on(seen, bounds.upper, +1, edge, 2 * half)] = bounds.upper
    if bounds.lower is not None:
        out[out <= bounds.lower + half + _edge_on(seen, bounds.lower, -1, edge, 2 * half)] = bounds.lower
    return out


#: relative distance within which an observed value is on its bound (float noise of a 100.0)
_ON_BOUND = 1e-9


#: a series approaching a bound gets the edge when its last value is within this many edges of it ...
EDGE_NEAR = 3.0
#: ... or when the edge is no more than this many of its reporting units (a % reported to 0.1 or 1 point: the
#: edge, 0.1 point, is below what the figures show; a ‰ reported to 0.1 ‰: the edge, 1 ‰, is ten of its units)
EDGE_UNITS = 2.0


def _edge_on(seen: np.ndarray, bound: float, side: int, edge: float, unit: float = 0.0) -> float:
    """``edge`` where the series ``seen`` sat on ``bound`` (``side`` +1: an upper bound, -1: a
    lower one), or moved toward it in every one of at least two steps and ended within
    :data:`EDGE_NEAR` edges of it or has a reporting ``unit`` of at least ``edge / EDGE_UNITS``; else 0
    (:func:`snap_to_bounds`)."""
    if not edge or seen.size == 0:
        return 0.0
    if np.any(side * (seen - bound) >= -_ON_BOUND * max(1.0, abs(bound))):
        return float(edge)
    steps = side * np.diff(seen)
    near = abs(float(seen[-1]) - bound) <= EDGE_NEAR * float(edge) or float(edge) <= EDGE_UNITS * float(unit)
    return float(edge) if near and steps.size >= 2 and bool(np.all(steps > 0)) else 0.0
