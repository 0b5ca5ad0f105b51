"""Pooling across the regions of one indicator: each short series borrows its peers' trend and noise.

A county's indicator with four yearly points says little about its own trend or noise; the other
counties of the province report the same indicator and say a lot about both. Peers are the
series of the **same indicator** in the same call (all regions forecast together) and, when the
user passes one, in a ``reference`` panel (any long table ``region, indicator, year, value``).

Everything happens on the model scale of each series (log for counts and amounts, logit for
``%``, see :mod:`mstarget.transforms`), where a yearly change is a growth rate and comparable
across regions of different size. For an indicator with at least ``MIN_PEERS`` peer series:

* each peer ``j`` gives a yearly slope ``b_j`` (its last ``WINDOW`` changes, each weighing
  ``RECENCY`` times the one before: :func:`~mstarget.models.pooled.recency_slope`)
  and, with 2+ changes, a noise variance ``s_j^2`` (variance of those changes);
* the **slope prior** is ``N(b0, tau^2)``: ``b0`` the median of the ``b_j``, ``tau^2`` the spread
  of the ``b_j`` beyond what their own noise explains (method of moments on robust scales:
  ``MAD(b)^2 - median(v_j s_j^2)``, ``v_j s_j^2`` the variance of ``b_j`` from noise, floored at
  ``TAU_FLOOR^2`` of the noise);
* the **noise prior** is ``s0^2`` = the median of the ``s_j^2``.

A model that uses peers (:class:`mstarget.models.pooled.PooledDriftModel`) then shrinks a short
series' own slope toward ``b0`` by the usual empirical-Bayes weight ``tau^2 / (tau^2 + v s^2)``
and its noise toward ``s0`` (``PRIOR_DOF`` pseudo-changes), so a series with one observation gets
its indicator's pooled trend and noise. A user may also state a prior yearly change for an
indicator (plan or history column ``prior_change``, in the indicator's unit); it replaces ``b0``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .models.pooled import recency_slope

MIN_PEERS = 5  # series of the same indicator needed to form a pooled prior
WINDOW = 8  # peers' slopes and noise from their last (up to) 8 yearly changes
TAU_FLOOR = 0.25  # the slope spread is at least this share of the pooled noise
_MAD = 1.4826  # MAD -> standard deviation for normal data


@dataclass(frozen=True)
class PeerPrior:
    """Pooled prior of one indicator on the model scale.

    Attributes
    ----------
    slope : float
        Prior mean of the yearly change ``b0``.
    slope_sd : float
        Prior spread ``tau`` of a region's yearly change around ``b0``.
    noise : float
        Pooled yearly noise s.d. ``s0`` (deviation of a yearly change from the slope).
    n_peers : int
        Peer series it rests on (0 for a prior stated by the user only).
    agreement : float
        Share of peers whose yearly change has the sign of ``b0`` (0.5-1): near 1 when the whole
        indicator moves one way (a national policy trend), lower when regions go their own ways.
        Calibration classes use it (:data:`mstarget.calibration.AGREEMENT_MIN`).
    """

    slope: float
    slope_sd: float
    noise: float
    n_peers: int
    agreement: float = float("nan")

    def with_slope(self, slope: float) -> "PeerPrior":
        return PeerPrior(float(slope), self.slope_sd, self.noise, self.n_peers, self.agreement)


def _slope_noise(z: np.ndarray) -> tuple[float, float, int, float]:
    """Yearly slope (:func:`~mstarget.models.pooled.recency_slope`), noise variance, number of
    observed changes and the slope's variance factor of a peer over its last ``WINDOW`` years; a
    year not observed is NaN, and a change over ``g`` years counts once, with mean ``g * slope`` and
    variance ``g * noise^2`` (interpolated years would add changes that never varied and make a
    gapped peer look noiseless). The noise is the changes' spread around their mean."""
    z = np.asarray(z, dtype=float)[-(WINDOW + 1):]
    t = np.flatnonzero(np.isfinite(z))
    d, g = np.diff(z[t]), np.diff(t).astype(float)
    if d.size == 0:
        return np.nan, np.nan, 0, np.nan
    mean = float(d.sum() / g.sum())
    b, v = recency_slope(d, g)
    s2 = float((((d - g * mean) ** 2) / g).sum() / (d.size - 1)) if d.size >= 2 else np.nan
    return b, s2, int(d.size), v


def peer_prior(series: Sequence[np.ndarray]) -> PeerPrior | None:
    """The pooled prior from peer series (model scale, oldest first, NaN for a year not observed);
    ``None`` with too few peers."""
    stats = [_slope_noise(z) for z in series]
    b = np.array([s[0] for s in stats if s[2] >= 1])
    if b.size < MIN_PEERS:
        return None
    s2 = np.array([s[1] for s in stats if s[2] >= 2])
    v = np.array([s[3] for s in stats if s[2] >= 2], dtype=float)
    noise2 = float(np.median(s2)) if s2.size >= 3 else float(np.median(np.diff(b) ** 2)) if b.size > 1 else 0.0
    b0 = float(np.median(b))
    spread2 = (_MAD * float(np.median(np.abs(b - b0)))) ** 2
    own2 = float(np.median(s2 * v)) if s2.size >= 3 else 0.0
    noise = float(np.sqrt(max(noise2, 1e-12)))
    tau = float(np.sqrt(max(spread2 - own2, (TAU_FLOOR * noise) ** 2, 1e-12)))
    agree = float(np.mean(np.sign(b) == np.sign(b0))) if b0 != 0 else 0.5
    return PeerPrior(b0, tau, noise, int(b.size), agree)


def pooled_priors(groups: Sequence[str], zs: Sequence[np.ndarray],
                  reference: Mapping[str, Sequence[np.ndarray]] | None = None) -> dict[str, PeerPrior]:
    """Pooled priors per indicator from the series of a call (``groups[i]`` is the indicator of
    ``zs[i]``) plus, per indicator, the model-scale series of a reference panel."""
    by: dict[str, list[np.ndarray]] = {}
    for g, z in zip(groups, zs):
        by.setdefault(g, []).append(z)
    for g, extra in (reference or {}).items():
        by.setdefault(g, []).extend(extra)
    out = {}
    for g, series in by.items():
        p = peer_prior(series)
        if p is not None:
            out[g] = p
    return out
