"""``pooled_drift``: a drift model for short series that borrows its peers' trend and noise.

Short plan indicators (1-7 yearly points) move steadily, and their trend usually persists over the
few years a plan looks ahead, so the model is a random walk with drift on the model scale (log /
logit: a constant growth rate), without the damping that suits business series. What a handful of
points cannot give, the other regions of the same indicator can (:mod:`mstarget.pooling`):

* **slope** ``b``: the series' mean yearly change ``b_i`` over ``k = n - 1`` changes, shrunk toward
  the peers' ``b0`` with the empirical-Bayes weight ``w = tau^2 / (tau^2 + s^2 / k)``; its
  uncertainty is ``1 / (1/tau^2 + k/s^2)``. A single observation takes the peers' slope;
  a stated ``prior_change`` replaces ``b0``.
* **noise** ``s``: the variance of the series' own changes pooled with the peers' ``s0^2`` worth
  ``PRIOR_DOF`` pseudo-changes; without peers, with a prior of the series' own scale -- its mean
  absolute yearly change (at least a tenth of the transform's generic ``noise_prior``, ~15 % a year
  for counts, which a single observation gets) -- worth ``ALONE_DOF``. Over a plan's few years
  the risk for a steady series is its trend changing, which scales with the trend itself: a stock
  growing 12 % a year and an index creeping up 0.5 % a year must not get the same fan.
  Nor is the noise ever below what the reporting unit hides (``resolution``, one unit on the
  model scale, :mod:`mstarget.precision`): a count reported 5, 5, 5, 5 moved by less than one a
  year, not by nothing, so its yearly changes get at least the variance of a difference of two
  rounded figures, ``resolution^2 / 6``.

Sample paths draw a slope and a noise scale per path (scaled-inverse-chi-square, so t-like tails)
and accumulate yearly changes: the fan widens with both the noise (``~ sqrt(h)``) and the slope's
uncertainty (``~ h``). Interval widths are then calibrated (:mod:`mstarget.calibration`, classes
by length, smoothness and whether peers exist, learned on real policy-indicator panels).
"""
from __future__ import annotations

from typing import ClassVar, Sequence

import numpy as np

from .base import Forecaster, check_series

PRIOR_DOF = 4.0  # pseudo-changes the peers' pooled noise is worth
ALONE_DOF = 4.0  # pseudo-changes the own-scale noise prior is worth (no peers)
ALONE_FLOOR = 0.1  # the own-scale prior is at least this share of the transform's noise_prior
DEPARTURE_Z = 3.0  # a series' own slope this many s.d. from its peers' is noted (pooling overrides it)


class PooledDriftModel(Forecaster):
    """Random walk with an empirical-Bayes pooled drift (see module docstring).

    ``fit(y, noise_prior=..., peer=PeerPrior | None, resolution=0.0)``; :meth:`fit_many` takes
    ``peers`` (one :class:`~mstarget.pooling.PeerPrior` or ``None`` per series) and ``resolutions``
    (one reporting unit on the model scale per series, 0 for none).
    """

    name = "pooled_drift"
    min_points = 1
    uses_peers: ClassVar[bool] = True

    def fit(self, y, *, noise_prior=1.0, peer=None, resolution=0.0):
        y = check_series(y, "PooledDriftModel")
        d = np.diff(y)
        k = d.size
        self.last_, self.n_ = float(y[-1]), y.size
        self.peer_, self.notes_ = peer, []
        if peer is not None:
            s2_prior, nu0 = peer.noise ** 2, PRIOR_DOF
        else:
            scale = float(np.abs(d).mean()) if k else float(noise_prior)
            s2_prior, nu0 = max(scale, ALONE_FLOOR * float(noise_prior)) ** 2, ALONE_DOF
        own_ss = float(((d - d.mean()) ** 2).sum()) if k >= 2 else 0.0
        own_dof = max(k - 1, 0)
        self.nu_ = nu0 + own_dof
        self.s2_ = max((nu0 * s2_prior + own_ss) / self.nu_, float(resolution) ** 2 / 6.0)
        if k == 0:
            if peer is not None:
                self.slope_, self.slope_var_ = peer.slope, peer.slope_sd ** 2
            else:  # nothing known about the trend: as uncertain as a year's noise
                self.slope_, self.slope_var_ = 0.0, self.s2_
        else:
            b, v = float(d.mean()), self.s2_ / k
            if peer is not None:
                t2 = peer.slope_sd ** 2
                self.slope_ = (t2 * b + v * peer.slope) / (t2 + v)
                self.slope_var_ = 1.0 / (1.0 / t2 + 1.0 / v)
                self._note_departure(b, k, np.sqrt(t2 + v))
            else:
                self.slope_, self.slope_var_ = b, v
        return self

    def _note_departure(self, own: float, k: int, sd: float) -> None:
        """Say so when the series' own trend lies far outside its peers' (more than
        ``DEPARTURE_Z`` standard deviations of a region's slope around theirs, counting its own
        noise) and pooling reverses it or takes away more than half of it: the forecast then
        follows the peers, which a reader of a region falling three years running among growing
        peers must be told."""
        peer = self.peer_
        z = (own - peer.slope) / sd if sd > 0 else 0.0
        reversed_or_halved = (np.sign(self.slope_) != np.sign(own)) or abs(self.slope_ - own) > 0.5 * abs(own)
        if abs(z) > DEPARTURE_Z and reversed_or_halved and own != 0:
            way = "falls" if own < 0 else "rises"
            self.notes_ = [f"its own {k} yearly changes ({way}) depart from the trend of the indicator's "
                           f"{peer.n_peers} regions by {abs(z):.1f} standard deviations; the forecast follows "
                           "their trend more than its own（本地区走势与同指标其他地区明显不同，预测主要依据其他地区的趋势；"
                           "如本地区情况特殊，可单独预测或在 prior_change 中给出预期年变化）"]

    @classmethod
    def fit_many(cls, ys: Sequence[np.ndarray], noise_priors: Sequence[float], *, peers=None,
                 resolutions=None, **params):
        return cls.fit_shared(ys, noise_priors, None, peers=peers, resolutions=resolutions, **params)

    @classmethod
    def fit_shared(cls, ys, noise_priors, shared, *, peers=None, resolutions=None, **params):
        """Per series, with its pooled prior (``peers``, learned before: :mod:`mstarget.pooling`)
        and its reporting unit on the model scale (``resolutions``)."""
        peers = peers if peers is not None else [None] * len(ys)
        resolutions = resolutions if resolutions is not None else [0.0] * len(ys)
        return [cls(**params).fit(y, noise_prior=p, peer=q, resolution=r)
                for y, p, q, r in zip(ys, noise_priors, peers, resolutions)]

    def predict(self, h):
        return self.last_ + self.slope_ * np.arange(1, h + 1)

    def sample_paths(self, h, n_paths, rng):
        chi = rng.chisquare(self.nu_, size=n_paths)
        sig = np.sqrt(self.s2_ * self.nu_ / np.maximum(chi, 1e-12))
        # the slope's uncertainty scales with the drawn noise (conjugate normal-inverse-chi2)
        rel = np.sqrt(self.slope_var_ / max(self.s2_, 1e-24))
        slope = self.slope_ + rng.standard_normal(n_paths) * rel * sig
        steps = slope[:, None] + rng.standard_normal((n_paths, h)) * sig[:, None]
        return self.last_ + np.cumsum(steps, axis=1)
