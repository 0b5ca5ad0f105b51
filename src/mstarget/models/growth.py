"""``growth_rate``: a growth rate in % (增长率, 增速, 增幅, 涨幅) is a level that returns to its mean.

A plan's 研发经费投入年均增长 7.2, 8.1, 6.5, 7.7 % or 市场主体增长率 12, 10.5, 9.2, 8.1 % is the growth of
a quantity, and the growth of a quantity wanders around a typical pace rather than drifting away
from it: ``pooled_drift`` (a random walk with drift) read the first as 80 % band -2.5 to 20.1 five
years on and the second, a slowing rate, as a falling level (median 1.65 % in five years). The model
is a stationary AR(1) around the series' own mean on the model scale (``z = log(100 + g)``, which
keeps every path above -100 %, :class:`mstarget.transforms.GrowthTransform`)::

    z_t = mu + u_t,    u_t = phi * u_{t-1} + e_t,    e_t ~ N(0, s^2),    u_1 ~ N(0, s^2 / (1 - phi^2))

with every parameter's uncertainty carried into the paths (a handful of points cannot pin any of
them down, so the predictive must not pretend to):

* **persistence** ``phi`` on a grid ``PHI_GRID`` (``PHI_LOW`` .. ``PHI_HIGH``) with a uniform prior;
  its posterior is the exact (stationary-start) likelihood with ``mu`` and ``s^2`` integrated out.
  A rate drifting down three years running gets a ``phi`` near 1 (the slowdown persists for a while),
  a rate zig-zagging around its mean a small one;
* **mean** ``mu``: flat prior, normal given ``phi`` and ``s^2`` (near ``phi = 1`` the mean is barely
  known, and the paths then stay near the last value instead);
* **noise** ``s^2``: scaled-inverse-chi-square, the series' own residuals plus a prior worth
  ``PRIOR_DOF`` pseudo-years of size ``PRIOR_SCALE`` x the mean absolute yearly change of the series
  (at least the transform's generic prior; with peers -- five or more regions of the indicator in
  the call -- their pooled yearly noise instead), and never below what the reporting unit hides
  (``resolution``, as in :mod:`mstarget.models.pooled`).

Each path draws ``phi``, ``s^2`` and ``mu`` from the joint posterior and runs the AR(1) on from the
last observed value. There is no drift: the median path returns to the mean at the pace ``phi``
allows. The model has no calibration factors (:mod:`mstarget.calibration` leaves its paths as
drawn); its raw predictive was checked on growth rates derived from the corpus' real level series
(``experiments/plan_regime/growth_rates.py``: 4 and 6 points, 1, 2 and 5 years ahead; on the held-out
families 80 / 95 % coverage 0.86 / 0.95 and ECE 0.089, against ``pooled_drift``'s 0.89 / 0.98 and
0.116 with its factors). ``auto`` uses it for growth rates in % of 1-7 points
(:func:`mstarget.units.is_growth_rate`; :data:`mstarget.selection.GROWTH_RATES`). A rate that has
been sliding for years (fiscal revenue growth over the 2010s) is pulled back toward its own mean:
the model does not know the slide continues, and such rows deserve a look at the band.
"""
from __future__ import annotations

from typing import ClassVar, Sequence

import numpy as np

from .base import Forecaster, check_series

PHI_LOW, PHI_HIGH, PHI_STEPS = -0.5, 0.98, 75
PHI_GRID = np.linspace(PHI_LOW, PHI_HIGH, PHI_STEPS)
PRIOR_DOF = 3.0  # pseudo-years the noise prior is worth
PRIOR_SCALE = 1.0  # the noise prior: this many times the series' mean absolute yearly change


def _posterior_grid(z: np.ndarray, s2_prior: float, nu0: float, phi: np.ndarray = PHI_GRID):
    """Per ``phi`` of the grid: log marginal likelihood, posterior mean and precision factor of
    ``mu`` (``mu | s^2 ~ N(mu_hat, s^2 / prec)``), and the posterior ``(nu, nu * s2)`` of ``s^2``."""
    n = z.size
    c = np.sqrt(1.0 - phi ** 2)  # (K,)
    # the transformed series and design (Prais-Winsten): y* = a * mu + e, e ~ N(0, s^2 I)
    ystar = np.empty((phi.size, n))
    ystar[:, 0] = c * z[0]
    if n > 1:
        ystar[:, 1:] = z[None, 1:] - phi[:, None] * z[None, :-1]
    a = np.empty((phi.size, n))
    a[:, 0] = c
    a[:, 1:] = (1.0 - phi)[:, None]
    prec = (a * a).sum(axis=1)
    mu_hat = (a * ystar).sum(axis=1) / prec
    ssr = np.maximum((ystar * ystar).sum(axis=1) - prec * mu_hat ** 2, 0.0)
    nu = nu0 + n - 1
    scale = nu0 * s2_prior + ssr
    logml = np.log(c) - 0.5 * np.log(prec) - 0.5 * nu * np.log(scale)
    return logml, mu_hat, prec, nu, scale


class GrowthRateModel(Forecaster):
    """Stationary AR(1) around the series' mean with parameter uncertainty (see the module
    docstring). ``fit(y, noise_prior=..., peer=PeerPrior | None, resolution=0.0)``."""

    name = "growth_rate"
    min_points = 1
    uses_peers: ClassVar[bool] = True

    def fit(self, y, *, noise_prior=1.0, peer=None, resolution=0.0):
        y = check_series(y, "GrowthRateModel")
        d = np.diff(y)
        if peer is not None and peer.n_peers > 0 and np.isfinite(peer.noise) and peer.noise > 0:
            s0 = float(peer.noise)
        else:
            own = PRIOR_SCALE * float(np.abs(d).mean()) if d.size else 0.0
            s0 = max(own, float(noise_prior))
        s2_prior = max(s0 ** 2, float(resolution) ** 2 / 6.0, 1e-12)
        logml, mu_hat, prec, nu, scale = _posterior_grid(y, s2_prior, PRIOR_DOF)
        w = np.exp(logml - logml.max())
        self.weights_ = w / w.sum()
        self.mu_hat_, self.prec_, self.nu_, self.scale_ = mu_hat, prec, float(nu), scale
        self.s2_floor_ = float(resolution) ** 2 / 6.0
        self.last_ = float(y[-1])
        return self

    @property
    def phi_(self) -> float:
        """The posterior mean persistence."""
        return float(self.weights_ @ PHI_GRID)

    @property
    def mean_(self) -> float:
        """The posterior mean of ``mu`` (model scale)."""
        return float(self.weights_ @ self.mu_hat_)

    @classmethod
    def fit_shared(cls, ys: Sequence[np.ndarray], noise_priors, shared, *, peers=None, resolutions=None,
                   **params):
        peers = peers if peers is not None else [None] * len(ys)
        resolutions = resolutions if resolutions is not None else [0.0] * len(ys)
        return [cls(**params).fit(y, noise_prior=p, peer=q, resolution=r)
                for y, p, q, r in zip(ys, noise_priors, peers, resolutions)]

    @classmethod
    def fit_many(cls, ys, noise_priors, *, peers=None, resolutions=None, **params):
        return cls.fit_shared(ys, noise_priors, None, peers=peers, resolutions=resolutions, **params)

    def predict(self, h):
        steps = np.arange(1, h + 1)
        mu = self.mu_hat_[:, None]
        return self.weights_ @ (mu + PHI_GRID[:, None] ** steps[None, :] * (self.last_ - mu))

    def sample_paths(self, h, n_paths, rng):
        k = rng.choice(PHI_GRID.size, size=n_paths, p=self.weights_)
        phi = PHI_GRID[k]
        s2 = np.maximum(self.scale_[k] / np.maximum(rng.chisquare(self.nu_, size=n_paths), 1e-12),
                        self.s2_floor_)
        sig = np.sqrt(s2)
        mu = self.mu_hat_[k] + rng.standard_normal(n_paths) * sig / np.sqrt(self.prec_[k])
        e = rng.standard_normal((n_paths, h)) * sig[:, None]
        u = np.empty((n_paths, h))
        prev = self.last_ - mu
        for j in range(h):
            prev = phi * prev + e[:, j]
            u[:, j] = prev
        return mu[:, None] + u
