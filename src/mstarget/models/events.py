"""``event_rate``: yearly counts of a few whole things -- rare events (事故 / 事件 in 起), or a 〈〉 row's
yearly additions (新增制定标准 项, 批次/年) -- as a Poisson rate, over-dispersed when the counts come in lumps.

A plan's safety rows count incidents -- 较大以上特种设备事故 0 起, 重大食品安全事故 零发生 -- and their
histories are a few small whole numbers: 0, 0, 0, 0 or 1, 0, 2, 1. A drift on a log scale reads
such a series as wild growth and decline (1 -> 0 -> 2 is a fall to nothing and a rise from it), so
its fan reached 24 incidents for a history that never passed 2, and a history of zeros forecast
zero on every path (``p_meet`` of 零发生 exactly 1). Counts of independent rare events are
Poisson: each year's count is drawn from the same yearly rate, and the rate is what is uncertain.
A five-year sum (〈〉) of a few whole things a year -- standards, pilots, batches -- is such a count
too, but its things often come in lumps (standards issued in batches: 0, 12, 1, 9 项), which Poisson
counts cannot show; the model reads how lumpy the counts are (``dispersion``).

* **rate** ``lambda ~ Gamma(shape = 0.5 + incidents / d, rate = years / d)``: the Jeffreys prior
  (shape 0.5, no pseudo-years) updated with the counts of the last ``WINDOW`` (6) years, a plan
  period and its base year (a rate that policy has moved is read from the recent years), each year
  worth ``1 / d`` of a Poisson year (quasi-Poisson: lumpy counts tell less about the rate; ``d`` the
  dispersion below, 1 for Poisson counts). Four years of zeros give a chance of none in a given later
  year of ``(4 / 5) ** 0.5 = 0.89``, not 1.
  (Weighting the years by age instead, 0.8 a year, was measured on generated Poisson districts
  with steady rates: ``p`` of none 0.60 against 0.57 observed in its middle bin, 0.565 / 0.546
  unweighted; without data on how incident rates drift, the exact conjugate model is kept.)
* **dispersion** ``d >= 1``: how much more the yearly counts vary than Poisson counts of their mean
  (the quasi-Poisson index, squared deviations over the mean, of the last ``WINDOW`` years). Its
  prior is the indicator's dispersion pooled across its regions in the call (two or more, with a
  ``reference`` panel's: :func:`pooled_dispersion`), or Poisson's 1 for a series alone, worth
  ``DISPERSION_DOF`` (4) years; the series' own index is pooled with it by its degrees of freedom
  (:func:`series_dispersion`), and the result is at least 1. A series alone that varies no more than
  Poisson counts keeps ``d = 1`` and exactly the Poisson draws (1, 0, 2, 1 起; 0, 0, 0, 0); on generated
  Poisson districts (3,000 in a call) ``d`` averages 1.04-1.10 and ``p`` of none stays within 0.04 of
  the share observed per bin (``tests/test_events.py``);
  0, 12, 1, 9 项 alone gets ``d = 3.3`` (80 % band 1-13 a year, not 2-9). Measured on generated
  negative-binomial flows (variance 2, 4, 8 times the mean; 3, 5, 8 years; 1-5 years ahead; whole-number
  bands cover Poisson counts 0.88-0.92 at 80 %): the 80 % band covered 0.53-0.78 with Poisson counts,
  0.83-0.90 with ``d`` pooled across 150 regions of an indicator, 0.67-0.84 for a series alone (its
  few years shrunk to Poisson); the 95 % band 0.68-0.91, 0.95-0.98, 0.83-0.95
  (``tests/test_events_dispersion_s41.py``).
* **peers**: when a call holds five or more regions of the indicator (a province's counties, or a
  ``reference`` panel), the prior is their rate instead (:func:`rate_prior`: empirical Bayes,
  ``Gamma(m^2 / v, m / v)`` from the pooled rate ``m`` and the spread ``v`` of the regions' rates
  beyond their noise, Poisson noise times the pooled dispersion): a county with four quiet years
  gets its province's rate, shrunk toward its own record.
* **paths**: one rate per path, then each year's count ``Poisson(lambda)``, independently, or with
  ``d > 1`` negative binomial (the year's rate drawn from ``Gamma(lambda / (d - 1), d - 1)``: mean
  ``lambda``, variance ``d lambda``): a target on the sum of yearly counts (〈〉) sums them.

No trend is extrapolated: four or five small counts cannot show one. ``auto`` uses the model for
series whose unit counts incidents (起 / 宗 / 例) or whose name says 事故 / 事件, all whole numbers
from 0 to ``MAX_COUNT`` (:func:`mstarget.units.counts_events`), and for the yearly additions of a
〈〉 row counted in whole things (项, 个, 批次/年 ..., 0 to ``MAX_COUNT``:
:func:`mstarget.forecast.is_flow_count`); the model works on the natural scale
(``prefer_transform = "natural"``).
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
DISPERSION_DOF = 4.0  # years the pooled (or Poisson's) dispersion is worth, as in small_count


@dataclass(frozen=True)
class RatePrior:
    """The yearly rate of an indicator's incidents across its regions: ``Gamma(shape, exposure)``
    (mean ``shape / exposure`` a year), from ``n_peers`` regions (:func:`rate_prior`)."""

    shape: float
    exposure: float
    n_peers: int
    agreement: float = float("nan")  # (what calibration classes read of peers: not used here)
    #: how much more the regions' yearly counts vary than Poisson counts (>= 1; :func:`pooled_dispersion`)
    dispersion: float = 1.0


def _recent(y: np.ndarray) -> tuple[float, float]:
    """``(incidents, years)`` of one series of yearly counts over its last ``WINDOW`` years."""
    last = y[-WINDOW:]
    return float(last.sum()), float(last.size)


def _spread(y: np.ndarray) -> tuple[float, float, int]:
    """``(sum of squared deviations of the yearly counts from their mean, their Poisson variance
    summed over the same degrees of freedom, degrees of freedom)`` over the last ``WINDOW`` years."""
    last = np.asarray(y, dtype=float)[-WINDOW:]
    if last.size < 2:
        return 0.0, 0.0, 0
    dof = last.size - 1
    return float(((last - last.mean()) ** 2).sum()), dof * float(last.mean()), dof


#: significance of the test of the regions' counts against Poisson (:func:`pooled_dispersion`)
DISPERSION_LEVEL = 0.05


def pooled_dispersion(series: Sequence[np.ndarray]) -> float:
    """Quasi-Poisson dispersion of the yearly counts across series: their squared deviations over
    their Poisson variance, pooled -- when the counts vary more than Poisson counts do by the
    dispersion test (Pearson's statistic, the squared deviations over each series' mean, against
    chi-square with their degrees of freedom, at :data:`DISPERSION_LEVEL`); else exactly 1. A
    ratio cut at 1 without the test sat above 1 on Poisson peers by chance and made a quiet
    district's 零发生 less likely (0.65 -> 0.59 beside 20 Poisson districts). 1 without counts."""
    parts = [_spread(y) for y in series]
    ss = sum(p[0] for p in parts)
    var = sum(p[1] for p in parts)
    if var <= 0 or ss <= var:
        return 1.0
    pearson = sum(p[0] / (p[1] / p[2]) for p in parts if p[1] > 0)
    dof = sum(p[2] for p in parts if p[1] > 0)
    from scipy.special import gammaincc  # lazy: scipy.special, read only for several regions' counts
    if gammaincc(dof / 2.0, pearson / 2.0) >= DISPERSION_LEVEL:  # chi-square survival: Poisson-like
        return 1.0
    return ss / var


def series_dispersion(y: np.ndarray, prior: float = 1.0) -> float:
    """A series' dispersion: its own quasi-Poisson index (not cut at 1, so Poisson-like counts
    average 1) pooled with ``prior`` (its peers', or Poisson's 1) worth ``DISPERSION_DOF`` years,
    at least 1. A series with no count above 0 has no index: the prior."""
    ss, var, dof = _spread(y)
    if var <= 0:
        return max(1.0, prior)
    return max(1.0, (DISPERSION_DOF * prior + ss * dof / var) / (DISPERSION_DOF + dof))


def rate_prior(series: Sequence[np.ndarray], dispersion: float = 1.0) -> RatePrior | None:
    """How the yearly rate varies across the regions of one indicator (empirical Bayes, method of
    moments): the pooled rate ``m`` (Jeffreys on the sum) and the spread ``v`` of the regions'
    rates ``r_i = S_i / E_i`` (incidents over years) beyond their noise, ``mean((r_i - m)^2) -
    dispersion m mean(1 / E_i)`` (Poisson noise times the regions' ``dispersion``), at least
    ``m^2 / n`` (a prior no surer than one rate per region). ``None`` with fewer than ``MIN_PEERS``
    regions."""
    series = [np.asarray(y, dtype=float) for y in series if len(y)]
    if len(series) < MIN_PEERS:
        return None
    counts, years = (np.array(x) for x in zip(*map(_recent, series)))
    m = (PRIOR_SHAPE + counts.sum()) / years.sum()
    spread = float(np.mean((counts / years - m) ** 2) - dispersion * m * np.mean(1.0 / years))
    v = max(spread, m * m / len(series))
    return RatePrior(m * m / v, m / v, len(series), dispersion=dispersion)


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
    """Per indicator (``groups[i]`` is the indicator of ``series[i]``), with the reference panel's
    series of that indicator: the regions' dispersion (:func:`pooled_dispersion`, from two regions)
    and rate (:func:`rate_prior`, from ``MIN_PEERS``; with fewer, the Jeffreys prior)."""
    out = {}
    for g, ys in series_by_indicator(groups, series, reference).items():
        ys = [np.asarray(y, dtype=float) for y in ys if len(y)]
        if len(ys) < 2:
            continue
        d = pooled_dispersion(ys)
        prior = rate_prior(ys, d)
        out[g] = prior if prior is not None else RatePrior(PRIOR_SHAPE, 0.0, len(ys), dispersion=d)
    return out


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
    """Poisson (or, lumpy, negative-binomial) counts with a Gamma-distributed yearly rate (see the
    module docstring).

    ``fit(y, peer=RatePrior | None)``: ``y`` the yearly counts (natural scale, >= 0), oldest
    first; ``peer`` the indicator's rate and dispersion across its regions (else the Jeffreys
    prior and Poisson's dispersion 1).
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
        self.dispersion_ = series_dispersion(y, 1.0 if peer is None else peer.dispersion)
        # each year worth 1 / dispersion of a Poisson year (exactly the Poisson update at 1)
        if self.dispersion_ > 1.0:
            count, years = count / self.dispersion_, years / self.dispersion_
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
        if self.dispersion_ <= 1.0:  # Poisson counts: the draws as before dispersion was read
            return rng.poisson(rate[:, None], size=(n_paths, h)).astype(float)
        extra = self.dispersion_ - 1.0  # each year's rate: Gamma, mean the path's rate, variance extra x rate
        lam = rng.gamma(np.maximum(np.broadcast_to(rate[:, None], (n_paths, h)) / extra, 1e-12), extra)
        return rng.poisson(lam).astype(float)
