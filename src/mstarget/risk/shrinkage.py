"""Empirical-Bayes beta-binomial shrinkage of failure rates, flat or hierarchical.

Each group ``i`` has ``n_i`` batches tested and ``k_i`` unqualified. Its failure probability is
drawn from a beta prior ``Beta(m * kappa, (1 - m) * kappa)`` with mean ``m`` and concentration
``kappa`` (a prior "worth" ``kappa`` batches). The prior is fitted by maximising the beta-binomial
marginal log-likelihood over the groups (``scipy.optimize``)::

    log L(m, kappa) = sum_i betaln(k_i + m kappa, n_i - k_i + (1 - m) kappa) - betaln(m kappa, (1 - m) kappa)

(the binomial coefficients do not depend on the prior and are dropped, so non-integer, decay-weighted
counts are allowed), plus a weak log-normal hyperprior on the concentration (median
:data:`KAPPA_PRIOR_MEDIAN` = 100 batches, :data:`KAPPA_PRIOR_SD` = 2 on the log scale): with dozens
of groups the data decide (the national food categories' prior moves by less than 10 %), while a table of
three tiny groups (1 of 1, 0 of 10, 0 of 10) can no longer claim that rates sit at 0 and 100 %
(the likelihood alone sends the concentration to 0 there, and a 1-of-1 group to a risk of 99 %).
The prior mean stays within ``[0.5 / (N + 1), 1 - 0.5 / (N + 1)]`` for ``N`` batches in all,
so a table without any failure gets a small positive risk, not 1e-8. The posterior of group ``i`` is
``Beta(m kappa + k_i, (1 - m) kappa + n_i - k_i)``: a group with few batches stays near ``m``, a
large group keeps its own rate.

Hierarchical pooling (``by=["sector", "category"]``): sectors are shrunk toward the overall rate with
a fitted ``(m, kappa)``; then each category is shrunk toward *its sector's posterior mean* with one
concentration ``kappa_1`` fitted across all sectors. A category that is the only one in its sector
inherits the sector's posterior. Deeper hierarchies repeat the step level by level.

The prior is not taken as known in the interval. Fitted from a handful of groups, ``(m, kappa)``
is barely determined: two groups cannot say whether rates differ by 1 % or by 50 %, and a prior
treated as known gave a group of 1 batch (1 unqualified) a 90 % interval of 8-13 % beside a group of
1,000 at 10 %. The interval therefore comes from each group's posterior averaged over the
hyperparameters' posterior (:func:`prior_posterior`; :attr:`Posterior.spread`), evaluated on a grid
over ``(logit m, log kappa)`` (up to :data:`GRID_POINTS` x :data:`GRID_POINTS` points on a box
fitted to where that posterior lives: started :data:`GRID_SPAN` standard deviations either way of
the most probable prior, then cut to, or stretched over, the points within a factor 1e-8 of the
heaviest; the prior mean gets the Jeffreys prior ``m^-1/2 (1 - m)^-1/2``): ``p(theta_i | data) = sum_j w_j Beta(m_j kappa_j + k_i, (1 - m_j) kappa_j
+ n_i - k_i)``. Below the top level the concentration is integrated the same way (one dimension),
and a category's prior also carries its sector's posterior variance (moment-matched: the category's
rate is its sector's uncertain rate plus its own spread). With dozens of groups the grid's weight
sits near the mode and the interval is the plug-in one; with two groups a small group's interval
widens to what the data can say. The point estimate (the score's ``risk``, its rank and the
columns explaining it) stays the posterior mean under the most probable prior: averaging over
small concentrations that a few groups cannot rule out would lift a group of 1 batch, 1 unqualified,
to the top of a short list on one batch's luck -- its interval shows that upside instead.
Everything is deterministic: no random draws.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

KAPPA_MIN = 1e-2
KAPPA_MAX = 1e9
#: Median (batches) and log-scale standard deviation of the weak hyperprior on the concentration.
KAPPA_PRIOR_MEDIAN = 100.0
KAPPA_PRIOR_SD = 2.0
_LOGIT_BOUND = 18.0


@dataclass(frozen=True)
class BetaPrior:
    """A fitted beta prior: mean failure probability and concentration (pseudo-batches).

    Attributes
    ----------
    mean : float
        Prior mean failure probability of a batch, in [0, 1].
    concentration : float
        ``a + b``, in batches: how many batches of evidence the prior is worth.
    n_groups : int
        Number of groups (with at least one batch) the prior was fitted on.
    fitted : bool
        ``False`` when there were too few groups to estimate the spread between groups and a
        weak default prior (concentration 2) was used instead.
    """

    mean: float
    concentration: float
    n_groups: int
    fitted: bool = True

    @property
    def a(self) -> float:
        return self.mean * self.concentration

    @property
    def b(self) -> float:
        return (1.0 - self.mean) * self.concentration


def marginal_loglik(k, n, mean, kappa) -> float:
    """Beta-binomial marginal log-likelihood (without binomial coefficients).

    Parameters
    ----------
    k, n : array of shape (G,)
        Failed and tested batches per group (may be non-integer weighted counts).
    mean : float or array of shape (G,)
        Prior mean per group, in (0, 1).
    kappa : float
        Prior concentration > 0.
    """
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    a = np.asarray(mean, float) * kappa
    b = (1.0 - np.asarray(mean, float)) * kappa
    return float(np.sum(special.betaln(k + a, n - k + b) - special.betaln(a, b)))


def log_kappa_prior(log_kappa) -> float:
    """Log density (up to a constant) of the weak log-normal hyperprior on the concentration."""
    z = (np.asarray(log_kappa, float) - np.log(KAPPA_PRIOR_MEDIAN)) / KAPPA_PRIOR_SD
    return -0.5 * z * z


def _clip_mean(m):
    eps = 1.0 / (1.0 + np.exp(_LOGIT_BOUND))
    return np.clip(m, eps, 1.0 - eps)


def fit_prior(k, n) -> BetaPrior:
    """Fit mean and concentration of a beta prior to groups' counts by marginal likelihood.

    Parameters
    ----------
    k, n : array of shape (G,)
        Failed and tested batches per group.

    Returns
    -------
    BetaPrior
        The maximum of marginal likelihood x hyperprior (see the module docstring). With fewer
        than two groups having batches, the prior mean is the pooled rate and the concentration
        a weak 2 batches (``fitted=False``).
    """
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    keep = n > 0
    k, n = k[keep], n[keep]
    g = int(keep.sum())
    pooled = float(k.sum() / n.sum()) if n.sum() > 0 else 0.5
    if g < 2:
        eps = 0.5 / (float(n.sum()) + 1.0)
        return BetaPrior(float(np.clip(pooled, eps, 1 - eps)), 2.0, g, fitted=False)

    def nll(theta):
        m = special.expit(theta[0])
        return -marginal_loglik(k, n, m, np.exp(theta[1])) - log_kappa_prior(theta[1])

    # method-of-moments start
    rates = k / n
    var = float(np.var(rates))
    eps = 0.5 / (float(n.sum()) + 1.0)  # the mean cannot sit on 0 or 1 (no failure is no proof)
    pm = float(np.clip(pooled, eps, 1 - eps))
    binom_var = float(np.mean(pm * (1 - pm) / n))
    extra = max(var - binom_var, 1e-12)
    kappa0 = float(np.clip(pm * (1 - pm) / extra - 1.0, KAPPA_MIN * 10, KAPPA_MAX / 10))
    bounds = [(float(special.logit(eps)), float(special.logit(1 - eps))),
              (np.log(KAPPA_MIN), np.log(KAPPA_MAX))]
    best = None
    for start in ((special.logit(pm), np.log(kappa0)), (special.logit(pm), np.log(10.0)),
                  (special.logit(pm), np.log(1e5))):
        res = optimize.minimize(nll, np.array(start, float), method="L-BFGS-B", bounds=bounds)
        if best is None or res.fun < best.fun:
            best = res
    return BetaPrior(float(special.expit(best.x[0])), float(np.exp(best.x[1])), g)


def _sampled(k, n, means) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts and prior means (clipped inside (0, 1)) of the groups with at least one batch."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    m = _clip_mean(np.asarray(means, float))
    keep = n > 0
    return k[keep], n[keep], m[keep]


def fit_concentration(k, n, means) -> float:
    """Fit one concentration for groups whose prior means are fixed (hierarchical step).

    Parameters
    ----------
    k, n, means : arrays of shape (G,)
        Counts per group and the prior mean of each group (its parent's posterior mean).

    Returns
    -------
    float
        The concentration maximising marginal likelihood x hyperprior, in [1e-2, 1e9] batches.
    """
    k, n, m = _sampled(k, n, means)
    if len(k) == 0:
        return 2.0
    def nlp(t):  # negative log posterior of log kappa
        return -marginal_loglik(k, n, m, np.exp(t)) - log_kappa_prior(t)

    grid = np.linspace(np.log(KAPPA_MIN), np.log(KAPPA_MAX), 61)
    vals = [nlp(t) for t in grid]
    i = int(np.argmin(vals))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    if hi <= lo:
        return float(np.exp(grid[i]))
    res = optimize.minimize_scalar(nlp, bounds=(lo, hi), method="bounded")
    return float(np.exp(res.x if res.fun <= vals[i] else grid[i]))


#: Points per axis of the hyperparameter grid (fewer with many groups, see :data:`GRID_CELLS`).
GRID_POINTS = 61
#: At most this many (group, grid point) pairs are evaluated at the top level: many groups make
#: the hyperparameters' posterior sharp and near-normal, so a coarser grid (at least 11 per axis,
#: steps of 1.2 standard deviations) integrates it as well.
GRID_CELLS = 200_000
#: Half-width of the grid, in posterior standard deviations at the mode (widened while the grid's
#: edge still holds weight).
GRID_SPAN = 6.0
#: Share of the grid's weight kept (the lightest points making up the rest are dropped).
MASS_KEPT = 1.0 - 1e-7
#: A group's mixture is read as one beta (same mean and variance) when the spread of its
#: components' means explains less than this share of its variance.
MIXTURE_TOLERANCE = 1e-4


@dataclass(frozen=True)
class HyperPosterior:
    """The posterior of one level's prior ``Beta(m kappa, (1 - m) kappa)`` on a grid of ``J`` points.

    Attributes
    ----------
    mean : array of shape (J,)
        Prior mean failure probability at each grid point (0-1).
    concentration : array of shape (J,)
        Prior concentration at each point, in batches.
    weight : array of shape (J,)
        Posterior weight of each point (sums to 1).
    n_groups : int
        Number of groups (with at least one batch) the prior was fitted on.
    fitted : bool
        ``False`` when there were too few groups to estimate the spread between groups and a
        weak default prior (concentration 2) was used instead.
    """

    mean: np.ndarray
    concentration: np.ndarray
    weight: np.ndarray
    n_groups: int
    fitted: bool = True

    def summary(self) -> dict:
        """Posterior mean of ``m`` (0-1) and the median and 5-95 % range of ``kappa`` (batches)."""
        return {"mean": float(np.sum(self.weight * self.mean)),
                "concentration": _weighted_quantile(self.concentration, self.weight, 0.5),
                "concentration_lo": _weighted_quantile(self.concentration, self.weight, 0.05),
                "concentration_hi": _weighted_quantile(self.concentration, self.weight, 0.95),
                "n_groups": self.n_groups, "fitted": self.fitted}


def _weighted_quantile(x, w, q: float) -> float:
    order = np.argsort(x)
    cum = np.cumsum(np.asarray(w, float)[order])
    return float(np.asarray(x, float)[order][min(int(np.searchsorted(cum, q * cum[-1])), len(x) - 1)])


def _log_posterior_grid(k, n, counts, mu, tau) -> np.ndarray:
    """Log posterior (up to a constant) of the top-level prior at points ``(logit m, log kappa)``.

    ``k, n, counts``: distinct (failed, tested) pairs and how many groups have each; ``mu``,
    ``tau``: arrays of shape (J,). Marginal likelihood x log-normal hyperprior on kappa x Jeffreys
    prior on m (in logit coordinates ``m^1/2 (1 - m)^1/2``)."""
    m = special.expit(mu)
    kappa = np.exp(tau)
    a, b = m * kappa, (1.0 - m) * kappa
    out = np.empty(len(mu))
    step = max(1, 2_000_000 // max(len(k), 1))  # (distinct groups x points) per block
    for s in range(0, len(mu), step):
        aa, bb = a[None, s:s + step], b[None, s:s + step]
        ll = special.betaln(k[:, None] + aa, (n - k)[:, None] + bb) - special.betaln(aa, bb)
        out[s:s + step] = counts @ ll
    return out + log_kappa_prior(tau) + 0.5 * (np.log(m) + np.log1p(-m))


def _hessian(f, x, h: float = 1e-3) -> np.ndarray:
    """Central-difference Hessian of a scalar function ``f`` of a 1-D array ``x``."""
    d = len(x)
    H = np.empty((d, d))
    f0 = f(x)
    for i in range(d):
        for j in range(i, d):
            ei, ej = np.eye(d)[i] * h, np.eye(d)[j] * h
            if i == j:
                H[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / h ** 2
            else:
                H[i, j] = H[j, i] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h * h)
    return H


def _grid_weights(logpost, mode: np.ndarray, neg_hessian: np.ndarray, lower, upper,
                  points: int) -> tuple[np.ndarray, np.ndarray]:
    """Grid points (J, d) and weights (J,) of the posterior ``exp(logpost)`` (d = 1 or 2 coordinates).

    The first box spans :data:`GRID_SPAN` standard deviations of the normal approximation at
    ``mode`` (``neg_hessian``: minus the Hessian of ``logpost`` there; standard deviations held
    within 0.02 and 4) on each axis. Then, up to eight times, the box is fitted to where the
    posterior lives: cut to the points within a factor 1e-8 of the heaviest (one step of margin),
    and stretched by its width on a side where such a point lies on the edge, so a posterior far
    from normal (few groups) is still covered and resolved by ``points`` per axis. Points
    outside ``[lower, upper]`` are never used. The lightest points holding ``1 - MASS_KEPT`` of
    the weight are dropped."""
    d = len(mode)
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(np.diag(np.linalg.pinv(neg_hessian)))
    sd = np.clip(np.nan_to_num(sd, nan=4.0), 0.02, 4.0)
    lo, hi = np.maximum(mode - GRID_SPAN * sd, lower), np.minimum(mode + GRID_SPAN * sd, upper)
    for _ in range(8):
        axes = [np.linspace(lo[i], hi[i], points) for i in range(d)]
        x = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, d)
        lp = logpost(x)
        lp = np.where(np.isfinite(lp), lp, -np.inf)
        top = np.max(lp)
        idx = np.stack(np.meshgrid(*([np.arange(points)] * d), indexing="ij"), -1).reshape(-1, d)
        live = idx[lp > top - np.log(1e8)]
        step = (hi - lo) / (points - 1)
        new_lo, new_hi = lo.copy(), hi.copy()
        for i in range(d):
            first, last = live[:, i].min(), live[:, i].max()
            width = hi[i] - lo[i]
            new_lo[i] = (max(lo[i] - width, lower[i]) if first == 0 and lo[i] > lower[i]
                         else axes[i][max(first - 1, 0)])
            new_hi[i] = (min(hi[i] + width, upper[i]) if last == points - 1 and hi[i] < upper[i]
                         else axes[i][min(last + 1, points - 1)])
        if np.all(np.abs(new_lo - lo) <= 0.5 * step) and np.all(np.abs(new_hi - hi) <= 0.5 * step):
            break
        lo, hi = new_lo, new_hi
    w = np.exp(lp - top)
    order = np.argsort(-w)
    cum = np.cumsum(w[order])
    keep = order[: int(np.searchsorted(cum, MASS_KEPT * cum[-1])) + 1]
    return x[keep], w[keep] / w[keep].sum()


def prior_posterior(k, n, start: BetaPrior | None = None) -> HyperPosterior:
    """Posterior of the top-level prior's mean and concentration given groups' counts, on a grid.

    Parameters
    ----------
    k, n : array of shape (G,)
        Failed and tested batches per group (weighted counts allowed).
    start : BetaPrior, optional
        :func:`fit_prior` of the same counts, if already fitted: the grid starts around it.

    Returns
    -------
    HyperPosterior
        Grid points and weights of ``p(m, kappa | data)`` (see the module docstring). With fewer
        than two groups having batches: one point, the pooled rate with a weak concentration of
        2 batches (``fitted=False``), as :func:`fit_prior`.
    """
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    keep = n > 0
    k, n = k[keep], n[keep]
    g = int(keep.sum())
    start = fit_prior(k, n) if start is None else start
    if g < 2:
        return HyperPosterior(np.array([start.mean]), np.array([start.concentration]), np.array([1.0]), g, False)
    pairs, counts = np.unique(np.stack([k, n], 1), axis=0, return_counts=True)
    uk, un, uc = pairs[:, 0], pairs[:, 1], counts.astype(float)

    def logpost(x):  # x: (J, 2) of (logit m, log kappa)
        return _log_posterior_grid(uk, un, uc, x[:, 0], x[:, 1])

    lower = np.array([-_LOGIT_BOUND, np.log(KAPPA_MIN)])
    upper = np.array([_LOGIT_BOUND, np.log(KAPPA_MAX)])
    mode = np.clip([special.logit(start.mean), np.log(start.concentration)], lower + 1e-6, upper - 1e-6)
    hess = _hessian(lambda t: logpost(t[None, :])[0], mode)
    points = int(np.clip(np.sqrt(GRID_CELLS / len(uk)), 11, GRID_POINTS))
    x, w = _grid_weights(logpost, mode, -hess, lower, upper, points)
    return HyperPosterior(special.expit(x[:, 0]), np.exp(x[:, 1]), w, g)


def concentration_posterior(k, n, means, start: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Posterior of one concentration for groups whose prior means are fixed, on a 1-D grid.

    Parameters
    ----------
    k, n, means : arrays of shape (G,)
        Counts per group and the prior mean of each group (its parent's posterior mean).
    start : float, optional
        Where the grid starts (batches); default :func:`fit_concentration`.

    Returns
    -------
    (concentrations, weights) : arrays of shape (J,)
        Grid of concentrations (batches) and their posterior weights (summing to 1).
    """
    k, n, m = _sampled(k, n, means)
    if len(k) == 0:
        return np.array([2.0]), np.array([1.0])

    def logpost(x):  # x: (J, 1) of log kappa
        kappa = np.exp(x[:, 0])
        out = np.empty(len(kappa))
        step = max(1, 2_000_000 // len(k))  # (groups x points) per block
        for s in range(0, len(kappa), step):
            a = m[:, None] * kappa[None, s:s + step]
            b = (1.0 - m)[:, None] * kappa[None, s:s + step]
            out[s:s + step] = np.sum(special.betaln(k[:, None] + a, (n - k)[:, None] + b) - special.betaln(a, b), axis=0)
        return out + log_kappa_prior(x[:, 0])

    lower, upper = np.array([np.log(KAPPA_MIN)]), np.array([np.log(KAPPA_MAX)])
    start = fit_concentration(k, n, m) if start is None or not np.isfinite(start) else start
    mode = np.clip(np.array([np.log(start)]), lower + 1e-6, upper - 1e-6)
    hess = _hessian(lambda t: logpost(t[None, :])[0], mode)
    x, w = _grid_weights(logpost, mode, -hess, lower, upper, GRID_POINTS)
    return np.exp(x[:, 0]), w


def _beta_moments(a, b) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    return a / s, a * b / (s * s * (s + 1.0))


@dataclass(frozen=True)
class Block:
    """Groups whose posteriors are mixtures over one grid: group ``rows[r]`` has components
    ``Beta(prior_a[index[r], j] + k[r], prior_b[index[r], j] + n[r] - k[r])`` weighing ``weight[j]``.

    ``prior_a``, ``prior_b``: shape (P, J), one row per distinct prior (a parent's); ``weight``:
    shape (J,), summing to 1; ``rows``, ``index``, ``k``, ``n``: shape (R,)."""

    rows: np.ndarray
    prior_a: np.ndarray
    prior_b: np.ndarray
    weight: np.ndarray
    index: np.ndarray
    k: np.ndarray
    n: np.ndarray

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance per row, shape (R,) each."""
        mu, v = _beta_moments(self.prior_a[self.index] + self.k[:, None],
                              self.prior_b[self.index] + (self.n - self.k)[:, None])
        mean = mu @ self.weight
        return mean, np.maximum((v + mu * mu) @ self.weight - mean * mean, 0.0)

    def quantile(self, q: float) -> np.ndarray:
        """The ``q`` quantile per row (rows with the same prior and counts are solved once)."""
        keys = np.stack([self.index.astype(float), self.k, self.n], 1)
        uniq, inv = np.unique(keys, axis=0, return_inverse=True)
        idx = uniq[:, 0].astype(np.int64)
        a = self.prior_a[idx] + uniq[:, 1:2]
        b = self.prior_b[idx] + (uniq[:, 2] - uniq[:, 1])[:, None]
        w = self.weight[None, :]
        mu, v = _beta_moments(a, b)
        mean = mu @ self.weight
        var = np.maximum((v + mu * mu) @ self.weight - mean * mean, 0.0)
        c = np.maximum(mean * (1 - mean) / np.maximum(var, 1e-300) - 1.0, 1e-6)
        x = special.betaincinv(mean * c, (1 - mean) * c, q)
        between = ((mu - mean[:, None]) ** 2) @ self.weight
        todo = np.flatnonzero(between > MIXTURE_TOLERANCE * var)
        if len(todo):
            x[todo] = _solve_mixture(a[todo], b[todo], np.broadcast_to(w, a[todo].shape), q, x[todo])
        return x[np.asarray(inv).reshape(-1)]


@dataclass(frozen=True)
class Mixture:
    """Each group's posterior averaged over the prior's uncertain hyperparameters: a mixture of
    betas, one component per point of the hyperparameters' grid, kept in :class:`Block` s of
    groups sharing a grid (``size`` groups in all)."""

    size: int
    blocks: tuple

    def _each(self, fn) -> np.ndarray:
        out = np.full(self.size, np.nan)
        for block in self.blocks:
            out[block.rows] = fn(block)
        return out

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean failure probability and its variance per group, shape (G,) each."""
        return self._each(lambda b: b.moments()[0]), self._each(lambda b: b.moments()[1])

    def quantile(self, q: float) -> np.ndarray:
        """The ``q`` quantile of each group's mixture, shape (G,).

        A group whose components' means spread less than :data:`MIXTURE_TOLERANCE` of its
        variance gets the quantile of the beta with its mean and variance; the others are solved
        exactly (safeguarded Newton steps on the mixture's distribution function, to 1e-10)."""
        return self._each(lambda b: b.quantile(q))


@dataclass(frozen=True)
class Posterior:
    """Posterior of each group's failure rate, in the order of the input.

    ``a``, ``b`` (shape (G,)) are the beta posterior given the fitted prior: its mean is the
    score's ``risk``. ``prior_a``, ``prior_b`` are the parameters of the prior each group was
    shrunk with (its mean is ``prior_a / (prior_a + prior_b)``, its worth in batches ``prior_a +
    prior_b``), so ``a = prior_a + failed`` and ``b = prior_b + tested - failed`` (weighted counts).
    ``spread`` is the same posterior averaged over the prior's uncertainty, which gives the
    interval (see the module docstring).
    """

    a: np.ndarray
    b: np.ndarray
    prior_a: np.ndarray
    prior_b: np.ndarray
    spread: Mixture

    @property
    def mean(self) -> np.ndarray:
        return self.a / (self.a + self.b)

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed ``level`` interval of each group's failure rate, from ``spread``; shape (G,) each."""
        alpha = (1.0 - level) / 2.0
        return self.spread.quantile(alpha), self.spread.quantile(1.0 - alpha)


def _solve_mixture(a, b, w, q: float, x0) -> np.ndarray:
    """``x`` with ``sum_j w_ij I_x(a_ij, b_ij) = q`` per row, from ``x0``, bracketed in [0, 1]."""
    x = np.clip(np.nan_to_num(x0, nan=0.5), 1e-300, 1 - 1e-16)
    lo, hi = np.zeros(len(x)), np.ones(len(x))
    active = np.arange(len(x))
    lnorm = special.betaln(a, b)
    for _ in range(200):
        xa = x[active][:, None]
        aa, bb, ww = a[active], b[active], w[active]
        err = np.sum(ww * special.betainc(aa, bb, xa), axis=1) - q
        dens = np.sum(ww * np.exp((aa - 1) * np.log(xa) + (bb - 1) * np.log1p(-xa) - lnorm[active]), axis=1)
        lo[active] = np.where(err < 0, x[active], lo[active])
        hi[active] = np.where(err > 0, x[active], hi[active])
        done = (np.abs(err) < 1e-10) | (hi[active] - lo[active] < 1e-15 + 1e-12 * x[active])
        with np.errstate(divide="ignore", invalid="ignore"):
            step = x[active] - err / dens
        l, h = lo[active], hi[active]
        mid = np.where(l > 0, np.sqrt(l * h), 0.1 * h)  # bisection on the log scale near 0
        x[active] = np.where(np.isfinite(step) & (step > l) & (step < h), step, mid)
        x[active[done]] = xa[done, 0]
        active = active[~done]
        if not len(active):
            break
    return x


def shrink(k, n, parents: list[np.ndarray] | None = None, *,
           evidence: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[Posterior, list[dict]]:
    """Empirical-Bayes posteriors of groups' failure rates, pooling along an optional hierarchy.

    Parameters
    ----------
    k, n : array of shape (G,)
        Failed and tested batches of the leaf groups (weighted counts allowed).
    parents : list of arrays of shape (G,), optional
        Parent labels of each leaf, outermost level first (for ``by=["sector", "category"]``:
        ``[sector_of_leaf]``). ``None`` or ``[]`` for flat pooling toward the overall rate.
    evidence : (k_used, n_used), arrays of shape (G,), optional
        The counts each leaf's posterior is formed with, when they differ from ``k``, ``n`` (which fit the
        priors): a group whose data stop early has its evidence about today's rate aged
        (:func:`mstarget.risk.score.aged_evidence`), while the priors -- how rates differ between groups --
        are fitted on every group's counts as they are, so the other groups' posteriors do not change.

    Returns
    -------
    (Posterior, list of dict)
        Leaf posteriors (the fitted priors' and, in ``spread``, averaged over their uncertainty)
        and, per level, the prior that was used: ``level``, ``mean`` (0-1; ``None`` below the top
        level, where each group is pulled toward its parent), ``concentration`` (batches; NaN
        where no group has a sibling), ``n_groups``, ``fitted``, and the uncertainty the interval
        carries: ``concentration_lo`` / ``concentration_hi`` (5-95 % of the concentration's
        posterior, batches) and ``grid_points``.
    """
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    parents = list(parents or [])
    pa, pb, info, top = _plug_in(k, n, parents)
    k_used, n_used = (k, n) if evidence is None else (np.asarray(evidence[0], float), np.asarray(evidence[1], float))
    spread = _mixture(k, n, parents, top, info, k_used, n_used)
    return Posterior(pa + k_used, pb + n_used - k_used, pa, pb, spread), info


def _plug_in(k, n, parents: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, list[dict], BetaPrior]:
    """The fitted priors' parameters per leaf, ``(prior_a, prior_b)`` of shape (G,), per level the prior
    used (as :func:`shrink`), with the hyperparameters at their most probable values, and the
    top level's fitted prior."""
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    info: list[dict] = []
    walk = _nested_groups(parents, k, n)
    inv_par, k0, n0, _, _ = next(walk)
    # level 0: shrink toward the overall rate
    prior = fit_prior(k0, n0)
    info.append({"level": 0, "mean": prior.mean, "concentration": prior.concentration,
                 "n_groups": prior.n_groups, "fitted": prior.fitted})
    pa_par = np.full(len(k0), prior.a)
    pb_par = np.full(len(k0), prior.b)
    for inv, kc, nc, parent_of, multi in walk:
        kp = np.bincount(inv_par, weights=k, minlength=len(pa_par))
        np_ = np.bincount(inv_par, weights=n, minlength=len(pa_par))
        a_par, b_par = pa_par + kp, pb_par + np_ - kp
        pmean = a_par / (a_par + b_par)
        if multi.any():
            kappa = fit_concentration(kc[multi], nc[multi], pmean[parent_of][multi])
        else:
            kappa = float("nan")
        kap = np.nan_to_num(kappa)
        # a group with siblings is shrunk toward its parent's posterior mean; an only child
        # keeps its parent's prior (its data are the parent's data)
        pa_par = np.where(multi, pmean[parent_of] * kap, pa_par[parent_of])
        pb_par = np.where(multi, (1 - pmean[parent_of]) * kap, pb_par[parent_of])
        info.append({"level": len(info), "mean": None, "concentration": kappa,
                     "n_groups": int(multi.sum()), "fitted": bool(multi.any())})
        inv_par = inv
    pa = np.asarray(pa_par[inv_par], float)
    pb = np.asarray(pb_par[inv_par], float)
    return pa, pb, info, prior


def _mixture(k, n, parents: list[np.ndarray], top: BetaPrior, info: list[dict],
             k_used=None, n_used=None) -> Mixture:
    """Each leaf's posterior averaged over the priors' uncertain hyperparameters (a :class:`Mixture`).

    Follows :func:`_plug_in` level by level, integrating where it maximises (``top``: its fitted
    top-level prior; ``info``: its levels, where the grids start and to which each level's
    ``concentration_lo`` / ``concentration_hi`` (5-95 % of the concentration's posterior, batches;
    NaN where no group has a sibling) and ``grid_points`` are added). The leaves' own posteriors use
    ``k_used``, ``n_used`` (default ``k``, ``n``; see :func:`shrink`'s ``evidence``)."""
    k_used = k if k_used is None else k_used
    n_used = n if n_used is None else n_used
    walk = _nested_groups(parents, k, n)
    inv_par, k_cur, n_cur, _, _ = next(walk)
    hyper = prior_posterior(k_cur, n_cur, start=top)
    summary = hyper.summary()
    info[0].update(concentration_lo=summary["concentration_lo"], concentration_hi=summary["concentration_hi"],
                   grid_points=len(hyper.weight))
    # the priors of each level that fitted one: rows (one per parent) x grid points, and the weights
    priors = [((hyper.mean * hyper.concentration)[None, :], ((1 - hyper.mean) * hyper.concentration)[None, :],
               hyper.weight)]
    origin = np.zeros(len(k_cur), np.int64)  # the level whose prior each group has
    index = np.zeros(len(k_cur), np.int64)  # its row in that level's priors
    for depth, (inv, kc, nc, parent_of, multi) in enumerate(walk, start=1):
        pmean, pvar = _blocks(priors, origin, index, k_cur, n_cur).moments()
        origin, index = origin[parent_of], index[parent_of]  # an only child keeps its parent's prior
        if multi.any():
            kappas, weights = concentration_posterior(kc[multi], nc[multi], pmean[parent_of][multi],
                                                      start=info[depth]["concentration"])
            # toward the parent's posterior mean, the prior's variance also holding the parent's
            m = _clip_mean(pmean)[:, None]
            base = m * (1 - m)
            v = np.minimum(pvar[:, None], 0.999 * base)
            kap = np.maximum(base / ((base - v) / (kappas[None, :] + 1.0) + v) - 1.0, KAPPA_MIN)
            priors.append((m * kap, (1 - m) * kap, weights))
            origin = np.where(multi, depth, origin)
            index = np.where(multi, parent_of, index)
            info[depth].update(concentration_lo=_weighted_quantile(kappas, weights, 0.05),
                               concentration_hi=_weighted_quantile(kappas, weights, 0.95),
                               grid_points=len(kappas))
        else:
            info[depth].update(concentration_lo=float("nan"), concentration_hi=float("nan"), grid_points=0)
        k_cur, n_cur, inv_par = kc, nc, inv
    return Mixture(len(k), tuple(_blocks(priors, origin[inv_par], index[inv_par], k_used, n_used).blocks))


def _nested_groups(parents: list[np.ndarray], k: np.ndarray, n: np.ndarray):
    """The groups of each level, outer to inner (``parents`` labels per leaf, then the leaves), with
    their counts: yields ``(inv, k, n, parent_of, has_siblings)`` per level -- ``inv`` each leaf's
    group (shape (G,)), ``k`` / ``n`` summed per group, ``parent_of`` each group's group one level up
    and ``has_siblings`` whether that parent has two groups or more (both ``None`` at the top)."""
    levels = parents + [np.arange(len(k))]
    codes, inv = np.unique(np.asarray(levels[0]), return_inverse=True)
    yield (inv, np.bincount(inv, weights=k, minlength=len(codes)),
           np.bincount(inv, weights=n, minlength=len(codes)), None, None)
    label = np.asarray(levels[0]).astype(str)
    for depth in range(1, len(levels)):
        # groups at this depth are unique combinations of labels up to this depth
        label_cur = np.char.add(np.char.add(label, "\x1f"), np.asarray(levels[depth]).astype(str))
        codes_cur, first, inv_cur = np.unique(label_cur, return_index=True, return_inverse=True)
        parent_of = inv[first]
        siblings = np.bincount(parent_of, minlength=len(codes))[parent_of] >= 2
        yield (inv_cur, np.bincount(inv_cur, weights=k, minlength=len(codes_cur)),
               np.bincount(inv_cur, weights=n, minlength=len(codes_cur)), parent_of, siblings)
        codes, inv, label = codes_cur, inv_cur, label_cur


def _blocks(priors: list, origin: np.ndarray, index: np.ndarray, k: np.ndarray, n: np.ndarray) -> Mixture:
    """Groups with counts ``k``, ``n`` and the prior ``priors[origin][:, index]``, as a :class:`Mixture`."""
    blocks = []
    for level, (pa, pb, w) in enumerate(priors):
        rows = np.flatnonzero(origin == level)
        if len(rows):
            blocks.append(Block(rows, pa, pb, w, index[rows], k[rows], n[rows]))
    return Mixture(len(k), tuple(blocks))
