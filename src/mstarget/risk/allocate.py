"""``allocate``: turn a sampling budget into batches per group that find the most failures.

The objective (documented rule). A group ``g`` with failure probability ``p_g`` (its ``risk``) has a
finite market of ``N_g`` distinct lots (its *volume*; by default the batches it had ``tested`` in
the scored periods, a proxy for how many lots are on the market). Each sampled batch is drawn at
random from those lots; a lot already sampled yields no new unqualified finding. The expected number
of distinct unqualified lots found with ``n`` batches is::

    E_g(n) = p_g * N_g * (1 - (1 - 1/N_g) ** n)          (-> n * p_g when N_g is infinite)

Its marginal gain ``p_g * (1 - 1/N_g) ** n`` falls with ``n`` (diminishing returns), so the total
``sum_g E_g(n_g)`` is separable and concave, and handing out batches one at a time to the group with
the largest next gain (greedy) is optimal, also under per-group floors and caps. The greedy is run
in bulk: a bisection on the gain threshold, then exact tie-breaking with a heap, so budgets of
millions of batches take milliseconds.
"""
from __future__ import annotations

import heapq
import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..exceptions import DataValidationError, ParameterError, Problem
from .score import SCORE_COLUMNS

_RESULT_COLUMNS = ("batches", "expected_failures", "volume")


def infer_by(scores: pd.DataFrame) -> list[str]:
    """Group columns of a scores table: ``attrs['risk']['by']`` or every non-score column."""
    meta = scores.attrs.get("risk") if hasattr(scores, "attrs") else None
    if meta and all(c in scores.columns for c in meta.get("by", [])) and meta.get("by"):
        return list(meta["by"])
    skip = set(SCORE_COLUMNS) | set(_RESULT_COLUMNS)
    by = [c for c in scores.columns if c not in skip]
    if not by:
        raise DataValidationError("the scores table has no group column; expected the output of "
                                  "mstarget.risk.score (group columns, risk, ...)")
    return by


def expected_found(n, p, volume) -> np.ndarray:
    """Expected unqualified lots found: ``p * N * (1 - (1 - 1/N) ** n)``; ``n * p`` if ``N`` is inf.

    Parameters
    ----------
    n, p, volume : arrays of shape (G,)
        Batches sampled (>= 0), failure probability (0-1) and number of lots (>= 1 or inf).
    """
    n = np.asarray(n, float)
    p = np.asarray(p, float)
    N = np.maximum(np.asarray(volume, float), 1.0)
    fin = np.isfinite(N)
    out = n * p
    q = 1.0 - 1.0 / N[fin]
    out[fin] = p[fin] * N[fin] * (1.0 - np.power(q, n[fin]))
    return out


def _per_group(value, name: str, groups: list, scores: pd.DataFrame, default: float) -> np.ndarray:
    """Expand an int, a mapping {group: n} or a column name into one number per group."""
    G = len(groups)
    if value is None:
        return np.full(G, default, float)
    if isinstance(value, str):
        if value not in scores.columns:
            raise ParameterError.invalid(name, "mstarget.risk.allocate",
                                         "an int, a mapping {group: int} or a column of scores", value)
        arr = pd.to_numeric(scores[value], errors="coerce").to_numpy(float)
        return np.where(np.isnan(arr), default, arr)
    if isinstance(value, Mapping) or isinstance(value, pd.Series):
        m = dict(value.items())
        unknown = [k for k in m if k not in groups]
        if unknown:
            raise ParameterError(f"The '{name}' parameter of mstarget.risk.allocate names groups that "
                                 f"are not in the scores: {unknown[:5]}. Use the group values "
                                 f"exactly as in the scores table (e.g. {groups[0]!r}).")
        return np.array([float(m.get(g, default)) for g in groups])
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return np.full(G, float(value))
    raise ParameterError.invalid(name, "mstarget.risk.allocate",
                                 "an int, a mapping {group: int} or a column name", value)


def _units_above(lam: float, p: np.ndarray, logq: np.ndarray) -> np.ndarray:
    """How many batches of each group have a marginal gain >= lam (from zero batches)."""
    out = np.zeros(len(p))
    pos = (p > 0) & (p >= lam)
    lin = pos & (logq == 0)
    out[lin] = np.inf
    fin = pos & (logq < 0) & np.isfinite(logq)
    out[pos & (logq == -np.inf)] = 1.0
    out[fin] = np.floor(np.log(lam / p[fin]) / logq[fin] + 1e-12) + 1.0
    return out


def greedy_allocate(p, volume, budget: int, floors, caps) -> np.ndarray:
    """Exact greedy maximisation of ``sum_g E_g(n_g)`` with ``floors <= n <= caps``, ``sum n = budget``.

    Parameters
    ----------
    p, volume, floors, caps : arrays of shape (G,)
        Failure probabilities, lots per group (inf allowed), minimum and maximum batches (caps may
        be inf). Feasibility is checked by the caller.
    budget : int

    Returns
    -------
    ndarray of int64, shape (G,)
    """
    p = np.asarray(p, float)
    N = np.maximum(np.asarray(volume, float), 1.0)
    with np.errstate(divide="ignore"):
        logq = np.where(np.isfinite(N), np.log1p(-1.0 / N), 0.0)
    logq = np.where(N <= 1.0, -np.inf, logq)
    floors = np.asarray(floors, float)
    caps = np.asarray(caps, float)

    def total(lam):
        return np.clip(_units_above(lam, p, logq), floors, caps)

    n = floors.copy()
    if budget > floors.sum() and (p > 0).any():
        # bisection on log(threshold): the largest gain threshold whose batches fit the budget
        lhi = float(np.log(p.max())) + 1e-9
        llo = float(np.log(np.finfo(float).tiny))
        if total(math.exp(llo)).sum() <= budget:
            lhi = llo
        else:
            for _ in range(200):
                mid = 0.5 * (llo + lhi)
                if total(math.exp(mid)).sum() <= budget:
                    lhi = mid
                else:
                    llo = mid
                if lhi - llo < 1e-13:
                    break
        n = total(math.exp(lhi))
    n = np.minimum(n, np.maximum(caps, floors))
    n[~np.isfinite(n)] = floors[~np.isfinite(n)]
    remaining = int(round(budget - n.sum()))

    def gain(i):
        if n[i] >= caps[i]:
            return -1.0
        if logq[i] == -np.inf:
            return p[i] if n[i] == 0 else 0.0
        return p[i] * math.exp(n[i] * logq[i])

    heap = [(-gain(i), i) for i in range(len(p)) if n[i] < caps[i]]
    heapq.heapify(heap)
    while remaining > 0 and heap:
        neg, i = heapq.heappop(heap)
        g_i = -neg
        g2 = -heap[0][0] if heap else -1.0
        if g_i <= 0 or g2 <= 0:
            step = remaining
        elif logq[i] == 0:
            step = remaining  # constant gain >= every other group's: fill up to the cap
        elif logq[i] == -np.inf:
            step = 1
        else:
            # batches of i whose gain stays >= the runner-up's gain
            step = int(np.floor(np.log(g2 / p[i]) / logq[i] + 1e-12) + 1 - n[i])
            step = max(step, 1)
        step = int(min(step, remaining, caps[i] - n[i]))
        n[i] += step
        remaining -= step
        if n[i] < caps[i]:
            heapq.heappush(heap, (-gain(i), i))
    return n.astype(np.int64)


def allocate(scores: pd.DataFrame, budget: int, min_per_group=0, max_per_group=None, *,
             volume="tested", by: Sequence[str] | None = None) -> pd.DataFrame:
    """Integer batches per group, summing exactly to ``budget``, that maximise expected failures found.

    See the module docstring for the rule: expected unqualified lots found in a group with ``N``
    lots and failure probability ``p`` from ``n`` batches is ``p N (1 - (1 - 1/N)^n)``, concave in
    ``n``; a greedy marginal-gain allocation is optimal.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`mstarget.risk.score` (group columns and ``risk``; ``tested`` for the
        default volume).
    budget : int
        Batches to allocate in total (>= 0).
    min_per_group : int, mapping {group: int} or column name, default 0
        Coverage floor per group (every group gets at least this many batches). Groups of a
        multi-column ``by`` are keyed by tuples.
    max_per_group : int, mapping, column name or None
        Cap per group; ``None`` = no cap.
    volume : str, mapping, float or None, default "tested"
        Lots on the market per group (for diminishing returns): a column of ``scores``, a mapping,
        or ``None`` / ``inf`` for an unlimited market (the objective becomes linear and the budget
        goes to the riskiest groups up to their caps).
    by : list of str, optional
        Group columns; default: as recorded by ``score`` or every non-score column.

    Returns
    -------
    DataFrame
        Same group order as ``scores``: the ``by`` columns, ``batches`` (int64 >= 0, summing to
        ``budget``) and ``expected_failures`` (expected unqualified lots found with that many
        batches, float). ``.attrs["allocation"]`` holds the total and the settings.

    Raises
    ------
    ParameterError
        ``budget`` below the sum of the floors or above the sum of the caps, a floor above a cap,
        negative numbers.
    DataValidationError
        ``scores`` without a ``risk`` column, or risks outside [0, 1].
    """
    if not isinstance(scores, pd.DataFrame):
        raise ParameterError.invalid("scores", "mstarget.risk.allocate",
                                     "a DataFrame returned by mstarget.risk.score", type(scores).__name__)
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < 0:
        if isinstance(budget, float) and budget.is_integer() and budget >= 0:
            budget = int(budget)
        else:
            raise ParameterError.invalid("budget", "mstarget.risk.allocate",
                                         "a whole number of batches >= 0", budget)
    budget = int(budget)
    by = list(by) if by is not None else infer_by(scores)
    if "risk" not in scores.columns:
        raise DataValidationError([Problem("<scores>", None, "risk", None,
                                           "column missing; pass the output of mstarget.risk.score")])
    p = pd.to_numeric(scores["risk"], errors="coerce").to_numpy(float)
    bad = [Problem("<scores>", i + 2, "risk", str(scores["risk"].iloc[i]),
                   "a failure probability between 0 and 1")
           for i in np.flatnonzero(~((p >= 0) & (p <= 1)))]
    if bad:
        raise DataValidationError(bad)
    groups = [tuple(r) if len(by) > 1 else r[0] for r in scores[by].itertuples(index=False, name=None)]
    if len(set(groups)) != len(groups):
        raise DataValidationError(f"the scores table repeats groups of {by}; score once per group")
    floors = _per_group(min_per_group, "min_per_group", groups, scores, 0.0)
    caps = _per_group(max_per_group, "max_per_group", groups, scores, np.inf)
    if volume is None or (isinstance(volume, float) and math.isinf(volume)):
        vol = np.full(len(groups), np.inf)
    elif isinstance(volume, str) and volume not in scores.columns:
        vol = np.full(len(groups), np.inf) if volume == "tested" else _per_group(
            volume, "volume", groups, scores, np.inf)
    else:
        vol = _per_group(volume, "volume", groups, scores, np.inf)
    if (floors < 0).any() or (np.round(floors) != floors).any():
        raise ParameterError.invalid("min_per_group", "mstarget.risk.allocate",
                                     "whole numbers of batches >= 0", min_per_group)
    if (caps < 0).any() or (np.isfinite(caps) & (np.round(caps) != caps)).any():
        raise ParameterError.invalid("max_per_group", "mstarget.risk.allocate",
                                     "whole numbers of batches >= 0 or None", max_per_group)
    clash = np.flatnonzero(floors > caps)
    if len(clash):
        names = [groups[i] for i in clash[:5]]
        raise ParameterError(f"min_per_group exceeds max_per_group for {names}; "
                             "lower the floor or raise the cap.")
    if floors.sum() > budget:
        raise ParameterError(f"The budget of {budget} batches is less than the sum of the floors "
                             f"({int(floors.sum())} = {len(groups)} groups with min_per_group). "
                             "Raise the budget or lower min_per_group.")
    if caps.sum() < budget:
        raise ParameterError(f"The budget of {budget} batches is more than the sum of the caps "
                             f"({int(caps.sum())}); raise max_per_group or lower the budget.")
    n = greedy_allocate(p, vol, budget, floors, caps)
    assert int(n.sum()) == budget, "allocation must spend the budget exactly"
    out = scores[by].reset_index(drop=True).copy()
    out["batches"] = n
    out["expected_failures"] = expected_found(n, p, vol)
    out.attrs["allocation"] = {"budget": budget, "expected_failures": float(out["expected_failures"].sum()),
                               "volume": volume if isinstance(volume, str) or volume is None else "custom",
                               "by": by}
    return out


def even_allocation(n_groups: int, budget: int) -> np.ndarray:
    """Split ``budget`` as evenly as possible over ``n_groups`` (first groups get the remainder)."""
    base = np.full(n_groups, budget // n_groups, dtype=np.int64)
    base[: budget - base.sum()] += 1
    return base


def proportional_allocation(weights, budget: int) -> np.ndarray:
    """Split ``budget`` in proportion to ``weights`` with largest-remainder rounding."""
    w = np.asarray(weights, float)
    if w.sum() <= 0:
        return even_allocation(len(w), budget)
    exact = budget * w / w.sum()
    n = np.floor(exact).astype(np.int64)
    rest = budget - int(n.sum())
    order = np.argsort(-(exact - n), kind="stable")
    n[order[:rest]] += 1
    return n
