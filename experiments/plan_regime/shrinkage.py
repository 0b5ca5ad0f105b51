"""How much should a short series' slope be shrunk toward its peers? (issue 17; negative for adoption)

Raw ``pooled_drift`` (``calibration=None``: the centre and the ranking of ``p_meet`` before any
stretch), 4-point windows 2 years ahead, every family of the corpus (``corpus.py``), all regions of an
indicator ending in the same year in one call (:func:`mstarget.pace_check.pace_backtest`), with the
indicator's slope prior as shipped (median of the peers' slopes, spread from their MAD) and two
variants with less shrinkage:

* ``sdtau``: the prior spread from the standard deviation of the peers' slopes (heavier tails count);
* ``noslope``: no shrinkage of the slope at all (the noise is still pooled);
* ``covtau``: the prior spread from how the regions' changes co-vary across the window's years (a
  region's lasting difference shows in every year, noise in one): neither less nor more shrinkage
  on average, a different estimate of the same spread;
* ``toward0.5``, ``toward0`` (any ``toward<lam>``): *more* shrinkage -- the shipped slope estimate
  moved toward the peers' median, ``b0 + lam (b - b0)`` (0 = the peers' median for every region),
  its uncertainty unchanged. Asked because, over the corpus' 4-point windows, a region's deviation
  from its peers' slope barely carries into the next two years (a regression of the future yearly
  change's deviation on the window's gives -0.4 to +0.6 by family).
* ``dof1``, ``dof8`` (any ``dof<x>``): the peers' pooled noise worth ``x`` pseudo-changes instead of
  the shipped ``PRIOR_DOF`` (4): a smooth series keeps more (small ``x``) or less of its own noise,
  which sets both its fan and how far its slope is shrunk.

Prints per family: 80 % coverage, ECE and Brier of ``p_meet``, the share of 1x-pace targets met and
their mean ``p_meet``; and the family means. ~1 min per variant on one core::

    .venv/bin/python experiments/plan_regime/shrinkage.py [base,sdtau,noslope,covtau,toward0.5,toward0,dof1]
"""
from __future__ import annotations

import importlib
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

from mstarget.pace_check import expected_calibration_error, pace_backtest  # noqa: E402

pooling = importlib.import_module("mstarget.pooling")
pooled = importlib.import_module("mstarget.models.pooled")
SHIPPED = pooling.peer_prior
SHIPPED_FIT = pooled.PooledDriftModel.fit


def toward(lam: float):
    """``PooledDriftModel.fit`` with the slope moved toward the peers' median by ``lam``."""
    def fit(self, y, *, noise_prior=1.0, peer=None, resolution=0.0):
        SHIPPED_FIT(self, y, noise_prior=noise_prior, peer=peer, resolution=resolution)
        if peer is not None and self.n_ > 1:
            self.slope_ = peer.slope + lam * (self.slope_ - peer.slope)
        return self
    return fit


def variant(kind: str):
    """``peer_prior`` with the shipped slope prior (``base``) or another (``sdtau``, ``noslope``, ``covtau``)."""
    def prior(series):
        p = SHIPPED(series)
        if p is None or kind == "base":
            return p
        if kind == "noslope":
            return pooling.PeerPrior(p.slope, 1e6, p.noise, p.n_peers, p.agreement)
        if kind in ("mean", "trim"):  # the prior's centre from the mean of the peers' slopes, not the median
            b = np.array([s[0] for s in map(pooling._slope_noise, series) if s[2] >= 1])
            centre = float(b.mean()) if kind == "mean" else float(np.mean(np.sort(b)[len(b) // 5: len(b) - len(b) // 5]))
            return p.with_slope(centre)
        if kind == "covtau":
            return pooling.PeerPrior(p.slope, _cov_tau(series, p.noise), p.noise, p.n_peers, p.agreement)
        stats = [pooling._slope_noise(z) for z in series]
        b = np.array([s[0] for s in stats if s[2] >= 1])
        s2 = np.array([s[1] for s in stats if s[2] >= 2])
        k = np.array([s[2] for s in stats if s[2] >= 2], dtype=float)
        own2 = float(np.median(s2 / k)) if s2.size >= 3 else 0.0
        spread2 = float(np.var(b, ddof=1))
        tau = float(np.sqrt(max(spread2 - own2, (pooling.TAU_FLOOR * p.noise) ** 2, 1e-12)))
        return pooling.PeerPrior(p.slope, tau, p.noise, p.n_peers, p.agreement)
    return prior


def _robust_var(x: np.ndarray) -> float:
    return (pooling._MAD * float(np.median(np.abs(x - np.median(x))))) ** 2


def _cov_tau(series, noise: float) -> float:
    """Between-region slope spread from how the regions' yearly changes co-vary across years
    inside the window: with ``d_it = b_i + e_it`` and independent ``e``, the covariance over
    regions of two different years' changes is ``var(b)``, so ``tau^2 = (var(sum_t d_t) -
    sum_t var(d_t)) / (k (k - 1))`` (robust variances; regions with all ``k`` changes)."""
    d = [np.diff(np.asarray(z, dtype=float)[-(pooling.WINDOW + 1):]) for z in series]
    k = max(x.size for x in d)
    m = np.array([x for x in d if x.size == k and np.all(np.isfinite(x))])
    if k < 2 or len(m) < pooling.MIN_PEERS:
        return pooling.TAU_FLOOR * noise
    tau2 = (_robust_var(m.sum(axis=1)) - sum(_robust_var(m[:, t]) for t in range(k))) / (k * (k - 1))
    return float(np.sqrt(max(tau2, (pooling.TAU_FLOOR * noise) ** 2, 1e-12)))


def measure(kind: str, panel: pd.DataFrame) -> pd.DataFrame:
    shipped_dof = pooled.PRIOR_DOF
    if kind.startswith("toward"):
        pooled.PooledDriftModel.fit = toward(float(kind[len("toward"):]))
    elif kind.startswith("dof"):
        pooled.PRIOR_DOF = float(kind[len("dof"):])
    else:
        pooling.peer_prior = variant(kind)
    try:
        rows = []
        for family, g in panel.groupby("family"):
            if family == "national":  # one region: no peers
                continue
            d = pace_backtest(g.drop(columns="family"), n_points=4, horizon=2, model="pooled_drift",
                              calibration=None)
            at1 = d[d["multiple"] == 1.0]
            rows.append({"variant": kind, "family": family, "targets": len(d), "cov80": d["in_80"].mean(),
                         "ece": expected_calibration_error(d["p_meet"], d["met"]),
                         "brier": ((d["p_meet"] - d["met"]) ** 2).mean(),
                         "met_1x": at1["met"].mean(), "p_meet_1x": at1["p_meet"].mean()})
        return pd.DataFrame(rows)
    finally:
        pooling.peer_prior = SHIPPED
        pooled.PooledDriftModel.fit = SHIPPED_FIT
        pooled.PRIOR_DOF = shipped_dof


def main(argv=None) -> int:
    kinds = (argv or sys.argv[1:] or ["base,sdtau,noslope"])[0].split(",")
    warnings.simplefilter("ignore")
    panel = corpus.corpus()
    for kind in kinds:
        r = measure(kind, panel)
        print(f"{kind}: family means cov80 {r.cov80.mean():.3f}, ECE {r.ece.mean():.3f}, Brier "
              f"{r.brier.mean():.3f}, |p_meet - met| at 1x {(r.p_meet_1x - r.met_1x).abs().mean():.3f}")
        print(r.drop(columns="variant").round(3).to_string(index=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
