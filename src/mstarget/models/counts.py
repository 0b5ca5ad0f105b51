"""``small_count``: a stock of a few whole things (项 / 个 / 家), moved by additions and removals.

A plan's standardisation and pilot rows count a handful of things -- 主导制定地方标准 0, 0, 1, 1 项;
国家级示范区 2, 3, 5, 6 个 -- and a drift on a log scale reads such a history as growth rates: 1, 2,
3, 4 项 is +59 % a year, so its median two years on was 10 (not the 6 the steady additions give),
a stock of 1 that never fell had a lower 80 % bound of 0, and 0, 0, 0 forecast 0 on every path
(``p_meet`` of 〔2〕 exactly 0). Whole things come and go one at a time, so the model counts them:

* each year's change is ``additions - removals``, both Poisson, the stock never below 0;
* **rates** ``a ~ Gamma(0.5 + A, k)`` and ``r ~ Gamma(0.5 + R, k)``: the Jeffreys prior updated
  with the additions ``A`` (the rises) and removals ``R`` (the falls) of the last ``k`` yearly
  changes (up to ``WINDOW``, 6: a plan period and its base year). The trend of the stock is the
  rate of additions less that of removals, read from the history: 1, 2, 3, 4 adds about one a year.
  A history that never fell still gets a small chance of a removal (three years without one: a
  removal rate of 1/6 a year on average), and 0, 0, 0 a small chance of additions;
* **peers**: with five or more regions of the indicator in the call (or a ``reference`` panel), the
  priors of both rates are theirs (:func:`mstarget.models.events.rate_prior`, empirical Bayes), so a
  county with four quiet years gets some of its province's pace;
* **paths**: one pair of rates per path, then each year's additions and removals.

The history's changes are net: a year with one addition and one removal reads as no change, so
gross turnover is understated; for stocks that only grow (standards, pilots) there is none.
``auto`` uses the model for series whose unit counts things as a stock (:func:`mstarget.units.counts_things`:
项, 个, 家, 件 ..., with no per-period suffix: 批次/年 is a yearly flow, not a stock), at least two points, all
whole numbers from 0 to ``MAX_COUNT``; incidents
(起, 事故) keep :mod:`mstarget.models.events`. It works on the natural scale
(``prefer_transform = "natural"``) and has no calibration factors (none are needed for the
Poisson counts it draws; it was checked on the provincial panels' small farm counts, see
``benchmarks/RESULTS.md``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Mapping, Sequence

import numpy as np

from ..exceptions import ModelFitError
from .base import Forecaster, check_series
from .events import PRIOR_SHAPE, PerSeriesPrior, RatePrior, rate_prior, series_by_indicator

WINDOW = 6  # the last yearly changes read: a plan period and its base year
MAX_COUNT = 20  # above this a stock is no longer a handful: auto keeps its usual model
DISPERSION_DOF = 4.0  # yearly changes the peers' (or Poisson's) dispersion is worth


@dataclass(frozen=True)
class ChangePrior:
    """The rates of additions and removals of an indicator across its regions (either ``None``
    when too few regions have changes to pool), from ``n_peers`` regions."""

    additions: RatePrior | None
    removals: RatePrior | None
    n_peers: int
    #: how much more the regions' yearly changes vary than Poisson counts would (>= 1)
    dispersion: float = 1.0
    agreement: float = float("nan")  # (what calibration classes read of peers: not used here)


def additions_removals(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The yearly additions (rises) and removals (falls) of a stock over its last ``WINDOW``
    changes, both >= 0, shape ``(k,)``."""
    d = np.diff(np.asarray(y, dtype=float)[-(WINDOW + 1):])
    return np.clip(d, 0, None), np.clip(-d, 0, None)


def change_priors(groups: Sequence[str], series: Sequence[np.ndarray],
                  reference: Mapping[str, Sequence[np.ndarray]] | None = None) -> dict[str, ChangePrior]:
    """Per indicator (``groups[i]`` is the indicator of ``series[i]``), the rates of additions and
    removals across its regions (:func:`mstarget.models.events.rate_prior` on each), with the
    reference panel's series of that indicator."""
    out = {}
    for g, ys in series_by_indicator(groups, series, reference).items():
        moved = [additions_removals(y) for y in ys if len(y) >= 2]
        adds = rate_prior([a for a, _ in moved])
        falls = rate_prior([r for _, r in moved])
        if adds is not None or falls is not None:
            out[g] = ChangePrior(adds, falls, len(moved), pooled_dispersion(ys))
    return out


def _spread(y: np.ndarray) -> tuple[float, float, int]:
    """``(sum of squared deviations of the yearly changes, their Poisson variance summed over the
    same degrees of freedom, degrees of freedom)`` of one series' last ``WINDOW`` changes."""
    d = np.diff(np.asarray(y, dtype=float)[-(WINDOW + 1):])
    if d.size < 2:
        return 0.0, 0.0, 0
    dof = d.size - 1
    return float(((d - d.mean()) ** 2).sum()), dof * float(np.abs(d).mean()), dof


def pooled_dispersion(series: Sequence[np.ndarray]) -> float:
    """Quasi-Poisson dispersion of the yearly changes across series: their squared deviations
    over the Poisson variance (additions + removals a year), pooled; at least 1."""
    ss, var, _ = (sum(x) for x in zip(*map(_spread, series))) if len(series) else (0.0, 0.0, 0)
    return max(1.0, ss / var) if var > 0 else 1.0


class SmallCountModel(PerSeriesPrior, Forecaster):
    """A stock of whole things: yearly Poisson additions and removals with Gamma rates (see the
    module docstring).

    ``fit(y, peer=ChangePrior | None)``: ``y`` the stock each year (natural scale, whole numbers
    >= 0), oldest first, at least two points; ``peer`` the indicator's rates across its regions.
    """

    name = "small_count"
    min_points = 2
    prefer_transform: ClassVar[str | None] = "natural"
    uses_peers: ClassVar[bool] = True

    def fit(self, y, *, noise_prior=1.0, peer=None, resolution=0.0):
        y = check_series(y, "SmallCountModel")
        if y.size < 2:
            raise ModelFitError("small_count reads yearly changes: it needs at least two points")
        if np.any(y < 0):  # (a year missing inside the history is filled in between: not whole)
            raise ModelFitError("small_count counts things: the values must be >= 0")
        adds, falls = additions_removals(y)
        self.last_ = float(y[-1])
        # how lumpy the changes are: the series' own dispersion pooled with its peers' (or Poisson's
        # 1) worth DISPERSION_DOF changes
        ss, var, dof = _spread(y)
        prior = peer.dispersion if peer is not None else 1.0
        own = max(1.0, ss / var) if var > 0 else 1.0
        self.dispersion_ = (DISPERSION_DOF * prior + dof * own) / (DISPERSION_DOF + dof)
        self.additions_ = self._posterior(adds, peer.additions if peer is not None else None)
        self.removals_ = self._posterior(falls, peer.removals if peer is not None else None)
        return self

    @staticmethod
    def _posterior(moves: np.ndarray, prior: RatePrior | None) -> tuple[float, float]:
        shape, exposure = (PRIOR_SHAPE, 0.0) if prior is None else (prior.shape, prior.exposure)
        return shape + float(moves.sum()), exposure + float(moves.size)

    @property
    def net_rate_(self) -> float:
        """The posterior mean yearly change (additions less removals)."""
        return self.additions_[0] / self.additions_[1] - self.removals_[0] / self.removals_[1]

    def predict(self, h):
        return np.maximum(self.last_ + self.net_rate_ * np.arange(1, h + 1), 0.0)

    def _counts(self, rate: np.ndarray, h: int, rng) -> np.ndarray:
        """Yearly counts of one kind of move, shape ``(n_paths, h)``: Poisson with each path's
        ``rate``, or with a dispersion above 1 negative binomial (variance ``dispersion x rate``:
        the year's rate drawn from ``Gamma(rate / (dispersion - 1), dispersion - 1)``)."""
        lam = np.broadcast_to(rate[:, None], (rate.size, h))
        if self.dispersion_ > 1.0 + 1e-9:
            extra = self.dispersion_ - 1.0
            lam = rng.gamma(np.maximum(lam / extra, 1e-12), extra)
        return rng.poisson(lam)

    def sample_paths(self, h, n_paths, rng):
        a = rng.gamma(self.additions_[0], 1.0 / self.additions_[1], size=n_paths)
        r = rng.gamma(self.removals_[0], 1.0 / self.removals_[1], size=n_paths)
        change = self._counts(a, h, rng) - self._counts(r, h, rng)
        paths = np.empty((n_paths, h))
        level = np.full(n_paths, self.last_)
        for j in range(h):  # a stock never falls below nothing
            level = np.maximum(level + change[:, j], 0.0)
            paths[:, j] = level
        return paths
