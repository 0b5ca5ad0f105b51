"""``local_level``: a sampling rate (抽检合格率, 不合格率, 检出率) is a level the yearly samples scatter around.

A pass rate is the share of the year's samples that pass. The quality it measures moves slowly; the
figure also carries the luck of which batches were drawn. A drift (``pooled_drift``) reads every
zig-zag as a change of trend and sums them year after year: a drug sampling pass rate of 100, 99.5,
100, 100, 99.7 % got an 80 % band of 95.3-100 two years on and 66-100 five years on, and a target of
>= 99 a ``p_meet`` of 0.64. The model here is the local level model on the model scale (the logit of
a share; :mod:`mstarget.transforms`)::

    y_t = l_t + e_t,    e_t ~ N(0, (1 - r) s^2 / 2)      the year's figure: the level plus sampling luck
    l_t = l_{t-1} + w_t,  w_t ~ N(0, r s^2)              the level: a random walk, no drift

``s^2`` is the variance of a yearly change (``var(y_t - y_{t-1}) = s^2``) and ``r`` the share of it
that moves the level. A series that zig-zags gets ``r`` near 0: its forecast is the mean of its
figures, and the band is their scatter plus what the mean is not sure of. A series that climbs step
by step (98, 98.6, 99.1, 99.3) gets ``r`` near 1: the level is where the rate now stands, and the
band widens as a random walk's. The climb is **not** carried on: a rate near its bound does not
keep rising at the pace that brought it there.

Every parameter's uncertainty goes into the paths (four or five figures cannot pin them down):

* **share** ``r`` on the grid ``R_GRID`` (0 .. ``R_HIGH``) with a uniform prior; its posterior is the
  Kalman filter's likelihood (the level's start diffuse: the first figure sets it) with ``s^2``
  integrated out;
* **noise** ``s^2``: scaled-inverse-chi-square, the series' own one-step errors plus a prior worth
  ``PRIOR_DOF`` pseudo-years of size ``PRIOR_SCALE`` x the typical yearly change of the series
  (``sqrt(pi / 2)`` x its mean absolute change, at least the transform's generic prior: 0.3 on the logit
  scale, about 0.7 point a year at 97.5 %; with peers -- other regions of the indicator in the call or
  ``reference=`` -- their pooled yearly change), and the
  year's noise never below what the reporting unit hides (``resolution``, as in :mod:`mstarget.models.pooled`);
* **level**: normal around the filtered level, with the filter's variance.

Each path draws ``r``, ``s^2`` and the level from the posterior, walks the level on and adds each
year's noise: the paths are the figures a year will report, not the level. Years not observed (a
gap) are walked through without an update (``observed=``).

``auto`` uses it for sampling rates of 1-7 points (:func:`mstarget.units.is_sampling_rate`: a share
in % or ‰ named 合格率 / 不合格率 / 检出率 / 发现率; :data:`mstarget.selection.SAMPLING_RATES`), except a rate of
4+ points moving by about the same step every year (:data:`mstarget.selection.SAMPLING_TREND_POINTS`,
``STEADY_LONG``), which is on a trend and keeps ``pooled_drift`` (no window of the check below is that steady). Evidence
(``experiments/sampling_rates``): real sampling pass and failure rates of Chicago's food inspections by
ward and by ZIP code (74 series), half-years as periods (windows of 3-5 periods, 1-4 ahead, 1,406 forecasts), all
areas in one call: 80 / 95 % coverage 0.82 / 0.96 against ``pooled_drift``'s 0.93 / 0.99, pinball loss
2.95 against 3.68 points, ``p_meet`` of targets at the last figure, the window mean and +-3 points: ECE
0.021 against 0.075, Brier 0.229 against 0.251 (base rate 0.250); one area per call 0.78 / 0.92 against
0.75 / 0.94, 3.06 against 4.70, ECE 0.026 against 0.226, Brier 0.231 against 0.316. An AR(1) around the
window's mean (``growth_rate``) scores alike there (Brier 0.226, ECE 0.042), but pulls a rate that
climbed step by step back toward its mean (98, 98.6, 99.1, 99.3: median 99.04 two years on).
The model has no calibration factors (:mod:`mstarget.calibration` leaves its paths as drawn).
Series of 8+ points keep the ensemble, as every other row does.
"""
from __future__ import annotations

from typing import ClassVar, Sequence

import numpy as np

from .base import Forecaster, check_series

R_HIGH, R_STEPS = 0.98, 50
#: the share ``r`` of a yearly change's variance that moves the level (0: figures scatter around a fixed
#: level; near 1: a random walk)
R_GRID = np.linspace(0.0, R_HIGH, R_STEPS)
PRIOR_DOF = 3.0  # pseudo-years the noise prior is worth (as models.growth)
PRIOR_SCALE = float(np.sqrt(np.pi / 2.0))  # s.d. of a normal change from its mean absolute size


def kalman_grid(z: np.ndarray, r: np.ndarray = R_GRID, observed: np.ndarray | None = None):
    """The local level filter for every ``r`` of the grid, in units of ``s^2``.

    Parameters
    ----------
    z : array, shape (n,)
        The series on the model scale (gap years filled; ``observed`` says which are real).
    r : array, shape (K,)
        Shares of a yearly change's variance that move the level.
    observed : bool array, shape (n,), optional
        Which years were observed; the first must be.

    Returns
    -------
    level, level_var, sum_log_f, ssq : arrays, shape (K,)
        The filtered level after the last year and its variance (in units of ``s^2``), the sum of the
        log one-step prediction variances and of the squared standardised one-step errors.
    """
    obs_var = (1.0 - r) / 2.0
    level = np.full(r.shape, float(z[0]))
    var = obs_var.copy()  # the first figure sets the level, up to its own noise
    sum_log_f = np.zeros(r.shape)
    ssq = np.zeros(r.shape)
    for t in range(1, z.size):
        pred = var + r
        if observed is not None and not observed[t]:
            var = pred
            continue
        f = pred + obs_var
        v = z[t] - level
        gain = pred / f
        level = level + gain * v
        var = pred * obs_var / f
        sum_log_f += np.log(f)
        ssq += v * v / f
    return level, var, sum_log_f, ssq


class LocalLevelModel(Forecaster):
    """Local level (random-walk level plus yearly noise) with parameter uncertainty; see the module
    docstring. ``fit(y, noise_prior=..., peer=PeerPrior | None, resolution=0.0, observed=None)``."""

    name = "local_level"
    min_points = 1
    uses_peers: ClassVar[bool] = True
    uses_gaps: ClassVar[bool] = True

    def fit(self, y, *, noise_prior=1.0, peer=None, resolution=0.0, observed=None):
        y = check_series(y, "LocalLevelModel")
        seen = y if observed is None else y[np.asarray(observed, dtype=bool)]
        d = np.diff(seen)
        if peer is not None and peer.n_peers > 0 and np.isfinite(peer.noise) and peer.noise > 0:
            slope = float(peer.slope) if np.isfinite(peer.slope) else 0.0
            s0 = float(np.hypot(peer.noise, slope))  # the peers' yearly change, trend included: no drift here
        else:
            own = PRIOR_SCALE * float(np.abs(d).mean()) if d.size else 0.0
            s0 = max(own, float(noise_prior))
        self.s2_floor_ = float(resolution) ** 2 / 6.0
        s2_prior = max(s0 ** 2, self.s2_floor_, 1e-12)
        level, var, sum_log_f, ssq = kalman_grid(y, R_GRID, observed)
        n_obs = int(seen.size)
        self.nu_ = PRIOR_DOF + n_obs - 1
        self.scale_ = PRIOR_DOF * s2_prior + ssq
        logml = -0.5 * sum_log_f - 0.5 * self.nu_ * np.log(self.scale_)
        w = np.exp(logml - logml.max())
        self.weights_ = w / w.sum()
        self.level_, self.level_var_ = level, var
        return self

    @property
    def r_(self) -> float:
        """The posterior mean share of a yearly change that moves the level (0 scatter, 1 random walk)."""
        return float(self.weights_ @ R_GRID)

    @classmethod
    def fit_shared(cls, ys: Sequence[np.ndarray], noise_priors, shared, *, peers=None, resolutions=None,
                   observed=None, **params):
        peers = peers if peers is not None else [None] * len(ys)
        resolutions = resolutions if resolutions is not None else [0.0] * len(ys)
        observed = observed if observed is not None else [None] * len(ys)
        return [cls(**params).fit(y, noise_prior=p, peer=q, resolution=r, observed=o)
                for y, p, q, r, o in zip(ys, noise_priors, peers, resolutions, observed)]

    @classmethod
    def fit_many(cls, ys, noise_priors, *, peers=None, resolutions=None, observed=None, **params):
        return cls.fit_shared(ys, noise_priors, None, peers=peers, resolutions=resolutions,
                              observed=observed, **params)

    def predict(self, h):
        return np.full(h, float(self.weights_ @ self.level_))

    def sample_paths(self, h, n_paths, rng):
        k = rng.choice(R_GRID.size, size=n_paths, p=self.weights_)
        r = R_GRID[k]
        s2 = self.scale_[k] / np.maximum(rng.chisquare(self.nu_, size=n_paths), 1e-12)
        start = self.level_[k] + rng.standard_normal(n_paths) * np.sqrt(self.level_var_[k] * s2)
        steps = rng.standard_normal((n_paths, h)) * np.sqrt(r * s2)[:, None]
        level = start[:, None] + np.cumsum(steps, axis=1)
        noise_sd = np.sqrt(np.maximum((1.0 - r) / 2.0 * s2, self.s2_floor_))
        return level + rng.standard_normal((n_paths, h)) * noise_sd[:, None]
