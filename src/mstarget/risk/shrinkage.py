"""Empirical-Bayes beta-binomial shrinkage of failure rates, flat or hierarchical.

Each group ``i`` has ``n_i`` batches tested and ``k_i`` unqualified. Its failure probability is
drawn from a beta prior ``Beta(m * kappa, (1 - m) * kappa)`` with mean ``m`` and concentration
``kappa`` (a prior "worth" ``kappa`` batches). The prior is fitted by maximising the beta-binomial
marginal log-likelihood over the groups (``scipy.optimize``)::

    log L(m, kappa) = sum_i betaln(k_i + m kappa, n_i - k_i + (1 - m) kappa) - betaln(m kappa, (1 - m) kappa)

(the binomial coefficients do not depend on the prior and are dropped, so non-integer, decay-weighted
counts are allowed). The posterior of group ``i`` is ``Beta(m kappa + k_i, (1 - m) kappa + n_i - k_i)``:
a group with few batches stays near ``m``, a large group keeps its own rate.

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
        With fewer than two groups having batches, the prior mean is the pooled rate and the
        concentration a weak 2 batches (``fitted=False``).
    """
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    keep = n > 0
    k, n = k[keep], n[keep]
    g = int(keep.sum())
    pooled = float(k.sum() / n.sum()) if n.sum() > 0 else 0.5
    if g < 2:
        return BetaPrior(float(_clip_mean(pooled)), 2.0, g, fitted=False)

    def nll(theta):
        m = special.expit(theta[0])
        return -marginal_loglik(k, n, m, np.exp(theta[1]))

    # method-of-moments start
    rates = k / n
    var = float(np.var(rates))
    pm = float(_clip_mean(pooled))
    binom_var = float(np.mean(pm * (1 - pm) / n))
    extra = max(var - binom_var, 1e-12)
    kappa0 = float(np.clip(pm * (1 - pm) / extra - 1.0, KAPPA_MIN * 10, KAPPA_MAX / 10))
    bounds = [(-_LOGIT_BOUND, _LOGIT_BOUND), (np.log(KAPPA_MIN), np.log(KAPPA_MAX))]
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
        The maximum-marginal-likelihood concentration, in [1e-2, 1e9] batches.
    """
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    m = _clip_mean(np.asarray(means, float))
    keep = n > 0
    k, n, m = k[keep], n[keep], m[keep]
    if len(k) == 0:
        return 2.0
    grid = np.linspace(np.log(KAPPA_MIN), np.log(KAPPA_MAX), 61)
    vals = [-marginal_loglik(k, n, m, np.exp(t)) for t in grid]
    i = int(np.argmin(vals))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    if hi <= lo:
        return float(np.exp(grid[i]))
    res = optimize.minimize_scalar(lambda t: -marginal_loglik(k, n, m, np.exp(t)),
                                   bounds=(lo, hi), method="bounded")
    return float(np.exp(res.x if res.fun <= vals[i] else grid[i]))


@dataclass(frozen=True)
class Posterior:
    """Posterior beta parameters per group, shape (G,) each, in the order of the input."""

    a: np.ndarray
    b: np.ndarray

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
    a_par = prior.a + k0
    b_par = prior.b + n0 - k0
    inv_par = inv0
    label_par = np.asarray(levels[0]).astype(str)
    for depth in range(1, len(levels)):
        # groups at this depth are unique combinations of labels up to this depth
        label_cur = np.char.add(np.char.add(label_par, "\x1f"), np.asarray(levels[depth]).astype(str))
        codes, first, inv = np.unique(label_cur, return_index=True, return_inverse=True)
        kc = np.bincount(inv, weights=k, minlength=len(codes))
        nc = np.bincount(inv, weights=n, minlength=len(codes))
        parent_of = inv_par[first]  # parent index of each current group
        n_children = np.bincount(parent_of, minlength=len(a_par))
        pmean = a_par / (a_par + b_par)
        multi = n_children[parent_of] >= 2
        if multi.any():
            kappa = fit_concentration(kc[multi], nc[multi], pmean[parent_of][multi])
        else:
            kappa = float("nan")
        a_cur = np.where(multi, pmean[parent_of] * np.nan_to_num(kappa) + kc, a_par[parent_of])
        b_cur = np.where(multi, (1 - pmean[parent_of]) * np.nan_to_num(kappa) + nc - kc,
                         b_par[parent_of])
        info.append({"level": depth, "mean": None, "concentration": kappa,
                     "n_groups": int(multi.sum()), "fitted": bool(multi.any())})
        a_par, b_par, inv_par, label_par = a_cur, b_cur, inv, label_cur
    return Posterior(np.asarray(a_par[inv_par], float), np.asarray(b_par[inv_par], float)), info
