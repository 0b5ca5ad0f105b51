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
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    m = _clip_mean(np.asarray(means, float))
    keep = n > 0
    k, n, m = k[keep], n[keep], m[keep]
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


@dataclass(frozen=True)
class Posterior:
    """Posterior beta parameters per group, shape (G,) each, in the order of the input.

    ``prior_a``, ``prior_b`` are the parameters of the prior each group was shrunk with (its
    mean is ``prior_a / (prior_a + prior_b)``, its worth in batches ``prior_a + prior_b``), so
    ``a = prior_a + failed`` and ``b = prior_b + tested - failed`` (weighted counts).
    """

    a: np.ndarray
    b: np.ndarray
    prior_a: np.ndarray
    prior_b: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        return self.a / (self.a + self.b)


def shrink(k, n, parents: list[np.ndarray] | None = None) -> tuple[Posterior, list[dict]]:
    """Empirical-Bayes posteriors of groups' failure rates, pooling along an optional hierarchy.

    Parameters
    ----------
    k, n : array of shape (G,)
        Failed and tested batches of the leaf groups (weighted counts allowed).
    parents : list of arrays of shape (G,), optional
        Parent labels of each leaf, outermost level first (for ``by=["sector", "category"]``:
        ``[sector_of_leaf]``). ``None`` or ``[]`` for flat pooling toward the overall rate.

    Returns
    -------
    (Posterior, list of dict)
        Leaf posteriors and, per level, the prior that was used (``level``, ``mean`` or
        ``None``, ``concentration``, ``n_groups``, ``fitted``).
    """
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    parents = list(parents or [])
    levels = parents + [np.arange(len(k))]  # each level's labels, outer to inner
    info: list[dict] = []
    # level 0: shrink toward the overall rate
    codes0, inv0 = np.unique(np.asarray(levels[0]), return_inverse=True)
    k0 = np.bincount(inv0, weights=k, minlength=len(codes0))
    n0 = np.bincount(inv0, weights=n, minlength=len(codes0))
    prior = fit_prior(k0, n0)
    info.append({"level": 0, "mean": prior.mean, "concentration": prior.concentration,
                 "n_groups": prior.n_groups, "fitted": prior.fitted})
    pa_par = np.full(len(codes0), prior.a)
    pb_par = np.full(len(codes0), prior.b)
    inv_par = inv0
    label_par = np.asarray(levels[0]).astype(str)
    for depth in range(1, len(levels)):
        # groups at this depth are unique combinations of labels up to this depth
        label_cur = np.char.add(np.char.add(label_par, "\x1f"), np.asarray(levels[depth]).astype(str))
        codes, first, inv = np.unique(label_cur, return_index=True, return_inverse=True)
        kc = np.bincount(inv, weights=k, minlength=len(codes))
        nc = np.bincount(inv, weights=n, minlength=len(codes))
        parent_of = inv_par[first]  # parent index of each current group
        n_children = np.bincount(parent_of, minlength=len(pa_par))
        kp = np.bincount(inv_par, weights=k, minlength=len(pa_par))
        np_ = np.bincount(inv_par, weights=n, minlength=len(pa_par))
        a_par, b_par = pa_par + kp, pb_par + np_ - kp
        pmean = a_par / (a_par + b_par)
        multi = n_children[parent_of] >= 2
        if multi.any():
            kappa = fit_concentration(kc[multi], nc[multi], pmean[parent_of][multi])
        else:
            kappa = float("nan")
        kap = np.nan_to_num(kappa)
        # a group with siblings is shrunk toward its parent's posterior mean; an only child
        # keeps its parent's prior (its data are the parent's data)
        pa_par = np.where(multi, pmean[parent_of] * kap, pa_par[parent_of])
        pb_par = np.where(multi, (1 - pmean[parent_of]) * kap, pb_par[parent_of])
        info.append({"level": depth, "mean": None, "concentration": kappa,
                     "n_groups": int(multi.sum()), "fitted": bool(multi.any())})
        inv_par, label_par = inv, label_cur
    pa = np.asarray(pa_par[inv_par], float)
    pb = np.asarray(pb_par[inv_par], float)
    return Posterior(pa + k, pb + n - k, pa, pb), info
