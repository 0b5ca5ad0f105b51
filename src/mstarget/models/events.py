"""``event_rate``: counts of rare events a year (事故 / 事件 in 起), as a Poisson rate.

A plan's safety rows count incidents -- 较大以上特种设备事故 0 起, 重大食品安全事故 零发生 -- and their
histories are a few small whole numbers: 0, 0, 0, 0 or 1, 0, 2, 1. A drift on a log scale reads
such a series as wild growth and decline (1 -> 0 -> 2 is a fall to nothing and a rise from it), so
its fan reached 24 incidents for a history that never passed 2, and a history of zeros forecast
zero on every path (``p_meet`` of 零发生 exactly 1). Counts of independent rare events are
Poisson: each year's count is drawn from the same yearly rate, and the rate is what is uncertain.

* **rate** ``lambda ~ Gamma(shape = 0.5 + incidents, rate = years)``: the Jeffreys prior (shape
  0.5, no pseudo-years) updated with the counts of the last ``WINDOW`` (6) years, a plan period
  and its base year (a rate that policy has moved is read from the recent years). Four years of
  zeros give a chance of none in a given later year of ``(4 / 5) ** 0.5 = 0.89``, not 1.
  (Weighting the years by age instead, 0.8 a year, was measured on generated Poisson districts
  with steady rates: ``p`` of none 0.60 against 0.57 observed in its middle bin, 0.565 / 0.546
  unweighted; without data on how incident rates drift, the exact conjugate model is kept.)
* **peers**: when a call holds five or more regions of the indicator (a province's counties, or a
  ``reference`` panel), the prior is their rate instead (:func:`rate_prior`: empirical Bayes,
  ``Gamma(m^2 / v, m / v)`` from the pooled rate ``m`` and the spread ``v`` of the regions' rates
  beyond their Poisson noise): a county with four quiet years gets its province's rate, shrunk
  toward its own record.
* **paths**: one rate per path, then each year's count ``Poisson(lambda)``, independently: a
  target on the sum of yearly counts (〈〉) sums them.

No trend is extrapolated: four or five small counts cannot show one. ``auto`` uses the model for
series whose unit counts incidents (起 / 宗 / 例) or whose name says 事故 / 事件, all whole numbers
from 0 to ``MAX_COUNT`` (:func:`mstarget.units.counts_events`); the model works on the natural
scale (``prefer_transform = "natural"``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Mapping, Sequence

import numpy as np

from ..exceptions import ModelFitError
from .base import Forecaster, check_series

WINDOW = 6  # the last years read: a plan period and its base year
PRIOR_SHAPE = 0.5  # Jeffreys prior of a Poisson rate
MAX_COUNT = 20  # above this a yearly count is no longer rare: auto keeps its usual model
MIN_PEERS = 5  # regions of an indicator its rate prior needs


@dataclass(frozen=True)
class RatePrior:
    """The yearly rate of an indicator's incidents across its regions: ``Gamma(shape, exposure)``
    (mean ``shape / exposure`` a year), from ``n_peers`` regions (:func:`rate_prior`)."""

    shape: float
    exposure: float
    n_peers: int
    agreement: float = float("nan")  # (what calibration classes read of peers: not used here)


def _recent(y: np.ndarray) -> tuple[float, float]:
    """``(incidents, years)`` of one series of yearly counts over its last ``WINDOW`` years."""
    last = y[-WINDOW:]
    return float(last.sum()), float(last.size)


def rate_prior(series: Sequence[np.ndarray]) -> RatePrior | None:
    """How the yearly rate varies across the regions of one indicator (empirical Bayes, method of
    moments): the pooled rate ``m`` (Jeffreys on the sum) and the spread ``v`` of the regions'
    rates ``r_i = S_i / E_i`` (incidents over years) beyond their Poisson noise, ``mean((r_i -
    m)^2) - m mean(1 / E_i)``, at least ``m^2 / n`` (a prior no surer than one rate per region).
    ``None`` with fewer than ``MIN_PEERS`` regions."""
    series = [np.asarray(y, dtype=float) for y in series if len(y)]
    if len(series) < MIN_PEERS:
        return None
    counts, years = (np.array(x) for x in zip(*map(_recent, series)))
    m = (PRIOR_SHAPE + counts.sum()) / years.sum()
    spread = float(np.mean((counts / years - m) ** 2) - m * np.mean(1.0 / years))
    v = max(spread, m * m / len(series))
    return RatePrior(m * m / v, m / v, len(series))


def series_by_indicator(groups: Sequence[str], series: Sequence[np.ndarray],
                        reference: Mapping[str, Sequence[np.ndarray]] | None = None) -> dict[str, list]:
    """The series of each indicator of a call (``groups[i]`` is the indicator of ``series[i]``), with
    the reference panel's series of the indicators the call holds."""
    by: dict[str, list[np.ndarray]] = {}
    for g, y in zip(groups, series):
        by.setdefault(g, []).append(y)
    for g, extra in (reference or {}).items():
        if g in by:
            by[g].extend(extra)
    return by


def rate_priors(groups: Sequence[str], series: Sequence[np.ndarray],
                reference: Mapping[str, Sequence[np.ndarray]] | None = None) -> dict[str, RatePrior]:
    """:func:`rate_prior` per indicator (``groups[i]`` is the indicator of ``series[i]``), with the
    reference panel's series of that indicator."""
    by = series_by_indicator(groups, series, reference)
    return {g: p for g, ys in by.items() if (p := rate_prior(ys)) is not None}


class PerSeriesPrior:
    """Fitting for the count models whose prior per series is its indicator's (``peers``: one prior
    or ``None`` per series, learned before across the regions): nothing is learned across series
    here, each series is fitted with its own prior."""

    @classmethod
    def fit_many(cls, ys, noise_priors, *, peers=None, resolutions=None, **params):
        return cls.fit_shared(ys, noise_priors, None, peers=peers, **params)

    @classmethod
    def fit_shared(cls, ys, noise_priors, shared, *, peers=None, resolutions=None, **params):
        """Per series, with its indicator's prior (``peers``, None without)."""
        peers = peers if peers is not None else [None] * len(ys)
        return [cls(**params).fit(y, peer=q) for y, q in zip(ys, peers)]


class EventRateModel(PerSeriesPrior, Forecaster):
    """Poisson counts with a Gamma-distributed yearly rate (see module docstring).

    ``fit(y, peer=RatePrior | None)``: ``y`` the yearly counts (natural scale, >= 0), oldest
    first; ``peer`` the indicator's rate across its regions (else the Jeffreys prior).
    """

    name = "event_rate"
    min_points = 1
    prefer_transform: ClassVar[str | None] = "natural"
    uses_peers: ClassVar[bool] = True

    def fit(self, y, *, noise_prior=1.0, peer=None, resolution=0.0):
        y = check_series(y, "EventRateModel")
        if np.any(y < 0):
            raise ModelFitError("event_rate counts events: the yearly counts must be >= 0")
        count, years = _recent(y)
        shape, exposure = (PRIOR_SHAPE, 0.0) if peer is None else (peer.shape, peer.exposure)
        self.shape_, self.exposure_ = shape + count, exposure + years
        return self

    @property
    def rate_(self) -> float:
        """The posterior mean yearly rate."""
        return self.shape_ / self.exposure_

    def predict(self, h):
        return np.full(h, self.rate_)

    def sample_paths(self, h, n_paths, rng):
        rate = rng.gamma(self.shape_, 1.0 / self.exposure_, size=n_paths)
        return rng.poisson(rate[:, None], size=(n_paths, h)).astype(float)
