"""Bounded transforms and cumulative / increment aggregation.

Forecasts respect natural bounds by modelling on a transformed scale, never by clipping:

* both bounds (a ``%`` share lives in [0, 100], a ``‰`` share in [0, 1000]) -> scaled logit
* a lower bound only (counts, amounts, per-capita ratios are >= 0) -> log of the distance to it;
  a growth rate in ``%`` (>= -100, :func:`mstarget.units.is_growth_rate`) -> log of its growth
  factor ``1 + g/100``, with the identity's prior for its yearly noise
* no bound (another rate of change or a margin in ``%``, see :mod:`mstarget.units`) -> identity

Values exactly on a bound (a 100 % pass rate, a count of 0) are moved inside by a small margin
(``EDGE`` of the range for logit) or, for log, every distance is offset by the series' median
positive distance (:func:`_offset`) so the transform stays finite.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .exceptions import ParameterError
from .units import is_growth_rate, per_mille_kind, percent_kind

EDGE = 1e-3  # share of the [lower, upper] range kept free at each edge (0.1 point for a %)


@dataclass(frozen=True)
class Bounds:
    """Natural bounds of an indicator, in its own unit (``None`` = unbounded on that side).

    ``growth``: the lower bound is a growth rate's -100 % (:func:`mstarget.units.is_growth_rate`),
    which :func:`choose_transform` models as the log of the growth factor."""

    lower: float | None = None
    upper: float | None = None
    growth: bool = False

    @classmethod
    def for_unit(cls, unit: str | None, values=None, lower=None, upper=None, *,
                 name: str | None = None) -> "Bounds":
        """Bounds implied by a unit: a ``%`` share -> [0, 100]; a growth rate of a quantity in ``%``
        (市场主体增长率, 居民消费价格涨幅: :func:`mstarget.units.is_growth_rate`) -> >= -100; another rate
        of change or margin in ``%`` (by its unit or ``name``, :func:`mstarget.units.percent_kind`)
        -> unbounded; a ``‰`` share -> [0, 1000] (``‱``: [0, 10000]), a ``‰`` rate of change
        (人口自然增长率) -> unbounded (:func:`mstarget.units.per_mille_kind`); any other unit -> >= 0
        when all observed values are >= 0.

        Explicit ``lower`` / ``upper`` (plan or history columns) win over the unit.
        """
        lo = _num_or_none(lower)
        hi = _num_or_none(upper)
        kind = percent_kind(unit, name)
        whole = 100.0
        if kind is None:
            mille = per_mille_kind(unit, name)
            if mille is not None:
                kind, whole = mille
        if kind == "share":
            lo = 0.0 if lo is None else lo
            hi = whole if hi is None else hi
        elif kind == "change":
            # may be negative or above 100: only declared bounds, but a growth rate of a quantity
            # does not fall below -100 % (the quantity would be negative)
            if lo is None and whole == 100.0 and is_growth_rate(unit, name):
                return cls(-100.0, hi, growth=True)
        elif lo is None:
            arr = np.asarray(values if values is not None else [], dtype=float)
            arr = arr[np.isfinite(arr)]
            if arr.size == 0 or arr.min() >= 0:
                lo = 0.0
        return cls(lo, hi)

    def contains(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        ok = np.ones_like(x, dtype=bool)
        if self.lower is not None:
            ok &= x >= self.lower - 1e-9
        if self.upper is not None:
            ok &= x <= self.upper + 1e-9
        return ok


def _num_or_none(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


class Transform:
    """Maps values of one series to the unbounded model scale and back (vectorised)."""

    name = "identity"
    #: distance from a bound within which ``forward`` cannot tell a value from the bound
    edge = 0.0

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=float)

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=float)

    #: typical size of one year's change on the model scale, used as a weak prior for the noise
    #: of series too short to estimate it (documented in ``models/base.py``)
    def noise_prior(self, y: np.ndarray) -> float:
        scale = float(np.nanmean(np.abs(y))) if len(y) else 1.0
        return 0.1 * scale if scale > 0 else 1.0


class LogitTransform(Transform):
    """A share between ``lower`` and ``upper``: logit of its position in the range.

    ``offsets = (below, above)`` widen the range the logit is taken over, on the side(s) a series
    touches (:func:`_logit_offsets`), so that a value on the bound maps to a finite point and a
    step off it is worth what the series' own steps are; draws beyond a bound are the bound.
    Without offsets a value on a bound is taken ``edge_share`` of the range inside it.
    """

    name = "logit"

    def __init__(self, lower: float, upper: float, edge_share: float = EDGE,
                 offsets: tuple[float, float] = (0.0, 0.0)):
        if not upper > lower:
            raise ParameterError(f"upper bound {upper} must exceed lower bound {lower}; fix the "
                                 "declared lower / upper bounds")
        self.lower, self.upper = float(lower), float(upper)
        self.below, self.above = (float(o) for o in offsets)
        self._lo, self._hi = self.lower - self.below, self.upper + self.above
        self.edge_share = float(edge_share)
        # a side with an offset tells the bound itself apart; a side without, only to its edge
        self.edge = 0.0 if (self.below > 0 and self.above > 0) else self.edge_share * (self._hi - self._lo)

    def forward(self, x):
        p = (np.asarray(x, dtype=float) - self._lo) / (self._hi - self._lo)
        p = np.clip(p, self.edge_share, 1 - self.edge_share)
        return np.log(p) - np.log1p(-p)

    def inverse(self, z):
        with np.errstate(over="ignore"):
            x = self._lo + (self._hi - self._lo) / (1.0 + np.exp(-np.asarray(z, dtype=float)))
        return np.clip(x, self.lower, self.upper)

    def noise_prior(self, y):
        return 0.3  # ~ a 7-point move of a 50 % rate, ~ 0.3 points of a 99 % rate, per year


class LogTransform(Transform):
    name = "log"

    def __init__(self, lower: float, offset: float = 0.0):
        self.lower, self.offset = float(lower), float(offset)

    def forward(self, x):
        d = np.asarray(x, dtype=float) - self.lower + self.offset
        return np.log(np.maximum(d, 1e-12))

    def inverse(self, z):
        # exp(z) > 0, so the result never goes below ``lower - offset``; with offset > 0 (series
        # that touch the bound) the draw is floored at the bound: the offset keeps log(0) finite.
        with np.errstate(over="ignore"):
            x = np.exp(np.minimum(np.asarray(z, dtype=float), 700.0)) - self.offset + self.lower
        return np.maximum(x, self.lower)

    def noise_prior(self, y):
        return 0.15  # ~15 % a year


class GrowthTransform(LogTransform):
    """A growth rate in ``%`` (lower bound -100): the log of its growth factor ``1 + g/100``.

    Nearly the identity for ordinary rates (-20 to +30 %), so forecasts there are those of the
    rate itself, but a path can no longer fall below -100 % (about 0.5 % of the paths of a market
    entities' growth rate 12, 8.5, -3.2, 4.1 % did). Its noise prior is the identity's -- a tenth
    of the rate's typical size a year -- on this scale, not the 15 % of a level's log: a rate of
    7 % gets 0.7 points a year, not 16."""

    name = "log_growth"

    def noise_prior(self, y):
        x = self.inverse(np.asarray(y, dtype=float))
        if not x.size:
            return 0.01
        scale = float(np.nanmean(np.abs(x)))
        natural = 0.1 * scale if scale > 0 else 1.0
        factor = float(np.nanmean(x - self.lower + self.offset))
        return natural / factor if factor > 0 else 0.15


class NegLogTransform(Transform):
    """An upper bound only: log of the distance below it."""

    name = "neglog"

    def __init__(self, upper: float, offset: float = 0.0):
        self.upper, self.offset = float(upper), float(offset)

    def forward(self, x):
        d = self.upper - np.asarray(x, dtype=float) + self.offset
        return np.log(np.maximum(d, 1e-12))

    def inverse(self, z):
        d = np.exp(np.minimum(np.asarray(z, dtype=float), 700.0)) - self.offset
        return np.minimum(self.upper - d, self.upper)

    def noise_prior(self, y):
        return 0.15


def choose_transform(bounds: Bounds, values: np.ndarray, prefer: str | None = None) -> Transform:
    """The transform for one series, given its bounds and observed values (natural scale).

    ``prefer="log"`` (used by the ``loglinear`` model) asks for a log scale on a positive,
    unbounded series; bounded series keep the transform their bounds require. ``prefer="natural"``
    (the ``event_rate`` model, whose counts are Poisson on their own scale) keeps the values as
    they are.
    """
    if prefer == "natural":
        return Transform()
    y = np.asarray(values, dtype=float)
    y = y[np.isfinite(y)]
    lo, hi = bounds.lower, bounds.upper
    if lo is not None and hi is not None:
        if not hi > lo:
            return LogitTransform(lo, hi)  # refuses the bounds with its message
        return LogitTransform(lo, hi, _logit_edge((y - lo) / (hi - lo)), _logit_offsets(y - lo, hi - y))
    if lo is not None:
        if getattr(bounds, "growth", False):
            return GrowthTransform(lo, _offset(y - lo))
        return LogTransform(lo, _offset(y - lo))
    if hi is not None:
        return NegLogTransform(hi, _offset(hi - y))
    if prefer == "log" and y.size and y.min() > 0:
        return LogTransform(0.0, 0.0)
    return Transform()


def _logit_edge(share: np.ndarray) -> float:
    """Share of the range a logit scale keeps free at each edge: :data:`EDGE` (0.1 point of a %),
    unless the series itself lies closer to a bound without touching it -- an unqualified rate of
    0.09, 0.08, 0.066 % -- when it is half the nearest such distance.

    With the fixed edge every value below 0.1 % was the same on the model scale, so such a series
    was flat there and its forecast, within the edge of 0, was reported as 0 (80 % band 0-0.11 %
    around a series at 0.07 %)."""
    dist = np.minimum(share, 1.0 - share)
    inside = dist[(dist > 0) & (dist < EDGE)]
    return float(0.5 * inside.min()) if inside.size else EDGE


def _logit_offsets(above_lower: np.ndarray, below_upper: np.ndarray) -> tuple[float, float]:
    """``(below, above)``: how far a logit scale reaches past each bound a series touches.

    The logit analogue of :func:`_offset`. A share that sits on a bound and also moves off it
    (a pass rate 100, 100, 95, 90; a coverage 0, 0, 0, 5, 10) gets, on that side, its median
    positive distance from the bound. With the bound taken 0.1 point inside instead, the first
    step off it (100 -> 95) was worth as much on the model scale as a fall from 95 to 27, and
    the series was forecast at 26 % two years on (at 55 % for the coverage). A side the series
    does not touch, or a series always on the bound, gets no offset (the fixed edge)."""
    def side(dist):
        pos = dist[dist > 0]
        return float(np.median(pos)) if dist.size and dist.min() <= 0 and pos.size else 0.0
    return side(above_lower), side(below_upper)


def _offset(dist: np.ndarray) -> float:
    """Offset for a log of distances that may be 0: 0 if all > 0, else the median positive distance.

    The offset sets what a step away from the bound is worth: with the series' own typical value
    as offset, a count going 0 -> 1 (a district's first local standard) is a doubling, as 1 -> 3
    is; with a tenth of it (used until 2026-12-04) it was an eleven-fold rise, so 0, 0, 1, 1 was
    extrapolated as explosive growth (80 % band 0.1-127 two years on). On the real series of the
    policy corpus that touch 0 (small livestock counts, TB rates), 4 points, 1-3 years ahead, the
    median 80 % band is half as wide at the same coverage and ``p_meet`` is better calibrated
    (ECE 0.113 -> 0.104 with peers, 0.221 -> 0.192 alone; ``benchmarks/RESULTS.md``).
    """
    if dist.size == 0 or dist.min() > 0:
        return 0.0
    pos = dist[dist > 0]
    return float(np.median(pos)) if pos.size else 1.0


def running_total_to_flows(years: np.ndarray, totals: np.ndarray,
                           start_year: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Yearly flows from running totals (累计完成: the total since the plan period began).

    Parameters
    ----------
    years, totals : arrays, shape (n,)
        Observed years (ascending) and running totals (natural units).
    start_year : int, optional
        The year before counting began (a plan's baseline year): the running total is 0 there
        unless observed. Without it the first observation only anchors the differences.

    Returns
    -------
    years, flows : arrays
        One flow per year after the first anchor: ``total[y] - total[previous]``, a difference
        over several years (a gap, or the first observation after ``start_year``) spread evenly
        over them, so the flows of a period always sum to its last running total.
    """
    y = np.asarray(years, dtype=int)
    v = np.asarray(totals, dtype=float)
    if start_year is not None and (y.size == 0 or y[0] > start_year):
        y = np.concatenate([[int(start_year)], y])
        v = np.concatenate([[0.0], v])
    out_y, out_f = [], []
    for (y0, v0), (y1, v1) in zip(zip(y[:-1], v[:-1]), zip(y[1:], v[1:])):
        step = (v1 - v0) / (y1 - y0)
        out_y.extend(range(int(y0) + 1, int(y1) + 1))
        out_f.extend([step] * int(y1 - y0))
    return np.asarray(out_y, dtype=int), np.asarray(out_f, dtype=float)


def sum_flows(observed_flows: np.ndarray, forecast_paths: np.ndarray) -> np.ndarray:
    """Total of yearly flows over a plan period for each sample path.

    Parameters
    ----------
    observed_flows : array, shape (k,)
        Flows already observed inside the plan period (natural scale).
    forecast_paths : array, shape (n_paths, h)
        Sampled future flows for the remaining years of the period (``h`` may be 0).

    Returns
    -------
    array, shape (n_paths,)
    """
    base = float(np.nansum(observed_flows))
    if forecast_paths.ndim != 2 or forecast_paths.shape[1] == 0:
        return np.full(max(forecast_paths.shape[0], 1), base)
    return base + forecast_paths.sum(axis=1)
