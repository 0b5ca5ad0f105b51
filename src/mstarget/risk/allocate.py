"""``allocate``: turn a sampling budget into a plan a bureau can adopt.

The default plan (documented rule) mixes coverage and targeting:

1. **Coverage share** -- ``1 - risk_share`` of the budget (default a quarter) is split in
   proportion to each group's volume (``proportional_to``: consumption, market volume, or by
   default the batches the group had ``tested``), so every category keeps at least a quarter of
   its volume-proportional batches whatever its risk (unless ``max_share`` caps it).
2. **Risk share** -- the rest (default three quarters) goes where it finds the most unqualified
   batches, on top of the coverage share (greedy marginal gain, below). Why 0.75: a plan that
   keeps every category at least a fifth of its volume-proportional share can target at most
   80 %; 75 % keeps that margin after rounding. ``risk_share=0.5`` is the cautious choice (on the
   2019H2 -> Guangdong 2022 evaluation it finds 1.58x the volume plan's failures instead of 1.67x;
   ``benchmarks/risk/RESULTS.md``).
3. **Floors and caps** -- per group, in batches (``min_per_group``, ``max_per_group``) or as
   shares of the budget (``min_share``, ``max_share``; by default no group gets more than 30 %).
   The *default* cap is not applied (warning and note) when ``groups x 30 % < 150 %``
   (:data:`MIN_CAP_SPAN`): with 4 groups or fewer it could only force a near-even split. A cap the
   caller gives is kept, and raised only as far as the budget (or, with lots, the lots) needs.
   A group never tested gets at most its assumed market (:func:`unknown_markets`).
   A plan giving one group more than ``warn_share`` of the budget (possible when caps are lifted)
   raises a :class:`~mstarget.exceptions.ConcentrationWarning`.

The result reports the expected unqualified batches found against two plain plans: an even split
and a split proportional to volume -- with diminishing returns (``expected_failures``, below) and, the figure to
quote, linearly: risk x batches (``attrs["allocation"]["expected_failures_linear"]``, :func:`headline`). Floors and
caps may also be set on the levels of ``by`` (a district's or a category's groups together: ``min_per_level`` /
``max_per_level``, :func:`_level_plan`). ``risk_share=1, max_share=None`` gives the pure
find-the-most plan (which, on the national food categories, puts the whole of a 20,000-batch budget into
tableware, 餐饮具: no regulator can adopt that).

The targeting objective. A group ``g`` with failure probability ``p_g`` (its ``risk``) has a
finite market of ``N_g`` distinct lots (its *volume*; by default the batches it had ``tested`` per
period of the plan, averaged over the scored periods (:func:`market_periods`); a group never tested
gets the smallest tested group's, :func:`unknown_markets`, not an unlimited market). Each sampled batch is drawn at random from those lots; a lot already sampled
yields no new unqualified finding. The expected number of distinct unqualified lots found with ``n``
batches is::

    E_g(n) = p_g * N_g * (1 - (1 - 1/N_g) ** n)          (-> n * p_g when N_g is infinite)

Its marginal gain ``p_g * (1 - 1/N_g) ** n`` falls with ``n`` (diminishing returns), so the total
``sum_g E_g(n_g)`` is separable and concave, and handing out batches one at a time to the group with
the largest next gain (greedy) is optimal under per-group floors (here: the coverage share and the
floors) and caps. The greedy is run in bulk: a bisection on the gain threshold, then exact
tie-breaking with a heap, so budgets of millions of batches take milliseconds.
"""
from __future__ import annotations

import difflib
import heapq
import math
import re
import unicodedata
import warnings
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import layout
from ..exceptions import (ConcentrationWarning, DataValidationError, MstargetWarning, ParameterError,
                          Problem)
from .periods import Period, parse_period
from .samples import ALIASES, group_key, parse_count
from .score import EXPLAIN_COLUMNS, PERIOD_COLUMNS, SCORE_COLUMNS, SETTING_COLUMNS, suspected_stale

DEFAULT_RISK_SHARE = 0.75


class DefaultShare(float):
    """The default share cap (0.3) as passed when the caller did not choose one: equal to 0.3, but
    :func:`allocate` drops it when it cannot bind sensibly (see :data:`MIN_CAP_SPAN`); a cap the
    caller chose (a plain float, even 0.3) is kept, and raised only as far as the budget needs."""

    def __repr__(self) -> str:
        return f"{float(self)!r}"


DEFAULT_MAX_SHARE = DefaultShare(0.3)
#: The default cap is dropped when ``groups x cap`` is below this: with 3 groups (3 x 30 % = 90 %) it
#: cannot spend the budget and would be raised to 1/3, an even split; with 4 (120 %) every plan lies
#: between 25 % and 30 % per group, so targeting is gone either way. From 5 groups (150 %) it binds.
MIN_CAP_SPAN = 1.5
#: Largest budget accepted (batches): a trillion; integer arithmetic stays exact far beyond it.
MAX_BUDGET = 10 ** 12
RESULT_COLUMNS = ("risk", "volume", "batches", "share", "volume_share", "expected_failures",
                  "batches_volume", "expected_failures_volume", "batches_even",
                  "expected_failures_even")


def infer_by(scores: pd.DataFrame, settings: Sequence = ()) -> list[str]:
    """Group columns of a scores table: ``attrs['risk']['by']`` or every non-score column other
    than those ``settings`` name (the ``volume`` / ``proportional_to`` / floor / cap columns: a
    ``lots`` column added to a scores file is the lots on the market, not a group).

    A column holding only numbers (``最高批次`` beside ``最低批次``, a ``lots`` column not named) is
    not taken as a group while another column is left, with a :class:`MstargetWarning` naming it
    and how to use it (a cap: ``max_per_group=`` / ``--max-per-group COLUMN``; a group: ``by=`` /
    ``--by``): a plan of groups ``餐饮具 / 3000`` is no plan."""
    meta = scores.attrs.get("risk") if hasattr(scores, "attrs") else None
    if meta and all(c in scores.columns for c in meta.get("by", [])) and meta.get("by"):
        return list(meta["by"])
    skip = set(SCORE_COLUMNS) | set(EXPLAIN_COLUMNS) | set(PERIOD_COLUMNS) | set(RESULT_COLUMNS)
    skip |= {c for c in settings if isinstance(c, str)}
    # the scoring settings 'risk score --out' writes (one value in all rows) are not groups
    skip |= {c for c in SETTING_COLUMNS if c in scores.columns and scores[c].astype(str).nunique() <= 1}
    by = [c for c in scores.columns if c not in skip]
    if not by:
        raise DataValidationError("the scores table has no group column; expected the output of "
                                  "mstarget.risk.score (group columns, risk, ...)")
    numeric = [c for c in by if _numbers_only(scores[c])]
    if numeric and len(numeric) < len(by):
        by = [c for c in by if c not in numeric]
        named = "、".join(map(str, numeric))
        warnings.warn(f"scores column(s) {named} hold only numbers and are not read as groups (groups: "
                      f"{', '.join(map(str, by))})（数字列 {named} 不作为分组，也未使用）; to use one as each group's "
                      "cap or floor: max_per_group= / min_per_group= (CLI --max-per-group / --min-per-group "
                      "COLUMN), as lots: volume= (CLI --volume COLUMN); to group by it: by= (CLI --by)",
                      MstargetWarning, stacklevel=3)  # infer_by -> allocate -> the caller
    return by


def _numbers_only(col: pd.Series) -> bool:
    """Whether every filled cell of ``col`` is a number (``3000``, ``500批``, ``2万``) and one is filled."""
    filled = [v for v in col.tolist() if not (v is None or v is pd.NA or (isinstance(v, float) and v != v)
                                             or (isinstance(v, str) and not v.strip()))]
    if not filled:
        return False
    for v in filled:
        if isinstance(v, (bool, np.bool_)):
            return False
        if isinstance(v, (int, float, np.integer, np.floating)):
            continue
        try:
            parse_batches(v)
        except (ValueError, TypeError):
            return False
    return True


def volume_plan_name(proportional_to) -> str:
    """The comparison plan's name in reports: 按抽检量比例 (batches tested, the default), 平均分配
    (equal weights), else 按 <column> 比例 (``lots``, 消费量 ...)."""
    if proportional_to in (None, "tested"):
        return "按抽检量比例"
    if proportional_to == "equal":
        return "平均分配"
    return f"按 {proportional_to} 比例"


#: the label of the figure to quote, risk x batches (each batch fails with its group's risk), wherever a plan's
#: expected finds are shown (printout, workbook sheets, chart); the diminishing-returns figure is :data:`FOUND_DIMINISHING`
FOUND_LINEAR = "预计发现（按风险×批次）"
#: the label of ``expected_failures`` when it counts diminishing returns on an assumed market (a floor, not a forecast)
FOUND_DIMINISHING = "预计发现（计收益递减）"
#: the label of ``expected_failures`` when the lots on the market were given (risk x batches, at most the lots)
FOUND_LOTS = "预计发现（按风险×批次，至多在售批次）"


def found_label(meta: Mapping) -> str:
    """The label of a plan's ``expected_failures`` column (``attrs["allocation"]`` of :func:`allocate`):
    :data:`FOUND_DIMINISHING` when it counts diminishing returns, :data:`FOUND_LOTS` when the lots were
    given, else :data:`FOUND_LINEAR` (the column is then risk x batches)."""
    if meta.get("lots") is not None:
        return FOUND_LOTS
    return FOUND_DIMINISHING if meta.get("diminishing") else FOUND_LINEAR


def expected_found(n, p, volume, lots=None) -> np.ndarray:
    """Expected unqualified lots found: ``p * N * (1 - (1 - 1/N) ** n)``; ``n * p`` if ``N`` is inf.

    Parameters
    ----------
    n, p, volume : arrays of shape (G,)
        Batches sampled (>= 0), failure probability (0-1) and market size for diminishing returns
        (>= 1 or inf).
    lots : array of shape (G,), optional
        Lots on the market as the user gave them: distinct lots sampled without replacement, so
        ``n`` batches find ``p * min(n, lots)`` (the hypergeometric mean) and ``volume`` is not used.
    """
    n = np.asarray(n, float)
    p = np.asarray(p, float)
    if lots is not None:
        return p * np.minimum(n, np.asarray(lots, float))
    N = np.maximum(np.asarray(volume, float), 1.0)
    fin = np.isfinite(N)
    out = n * p
    q = 1.0 - 1.0 / N[fin]
    out[fin] = p[fin] * N[fin] * (1.0 - np.power(q, n[fin]))
    return out


def _times_text(x: float) -> str:
    return f"{x:.2f} 倍" if x == x else "-"


def headline(meta: Mapping, name: str | None = None) -> list[str]:
    """The expected finds of a plan in words (``attrs["allocation"]`` of :func:`allocate`), for a printout.

    The figure to quote is the linear expectation, risk x batches (each batch fails with its group's risk, as
    past finds are counted: batches tested x failure rate), beside the volume and the even plan. With the
    default market (each group's batches tested per plan period, for diminishing returns) a second line gives
    the diminishing-returns figures the plan is built on, saying the assumption: a group sampled as much as its
    market counts only 63 % of ``risk x market`` (``1 - 1/e``), so those figures understate what a budget like
    last year's finds and are a floor, not a forecast."""
    name = name or volume_plan_name(meta.get("proportional_to"))
    if not meta.get("budget"):
        return ["预计发现不合格 expected unqualified found：预算为0，未分配 (budget 0: nothing allocated)"]
    lin = (meta.get("expected_failures_linear"), meta.get("expected_failures_volume_linear"),
           meta.get("expected_failures_even_linear"), meta.get("vs_volume_linear"), meta.get("vs_even_linear"))
    dim = (meta["expected_failures"], meta["expected_failures_volume"], meta["expected_failures_even"],
           meta["vs_volume"], meta["vs_even"])
    if lin[0] is None:  # a table from an older allocate
        lin = dim

    def figures(v) -> str:
        return (f"本方案 {v[0]:,.2f} 批；{name}方案 {v[1]:,.2f}（本方案为其 {_times_text(v[3])}）；"
                f"平均分配 {v[2]:,.2f}（{_times_text(v[4])}）")

    if not meta.get("diminishing"):
        how = ("风险 × 批次 risk x batches" if meta.get("lots") is None else
               "风险 × 批次，每组至多其在售批次 risk x batches, at most the lots given per group")
        return [f"预计发现不合格 expected unqualified found，即“{found_label(meta)}”（{how}）：{figures(lin if meta.get('lots') is None else dim)}"]
    total = meta.get("market_total")
    market = f"共 {total:,.0f} 批" if total is not None else ""
    return [f"预计发现不合格 expected unqualified found，即“{FOUND_LINEAR}”（风险 × 批次 risk x batches：每批按所在组的风险计，"
            f"与往年“抽检批次 × 不合格率”同一算法，可作预计数引用 the figure to quote）：{figures(lin)}",
            f"收益递减口径，即“{FOUND_DIMINISHING}” with diminishing returns（分配所依据：假定每组在售批次只有其往年每期抽检批次{market}，"
            "重复抽到同一批不算新发现，抽满该数只计 63%；偏保守，是下限而非预计数 / the plan is built on it: each group's "
            "market is assumed to be its batches tested per plan period, so sampling that many counts only 63 % of "
            f"risk x market; a floor, not a forecast）：{figures(dim)}"]


def share_text(v: float) -> str:
    """A share (0-1) in % with the digits it needs: ``30%``, ``12.5%``, ``0.1%`` (a cap of 0.001 is not
    ``0%``); three significant digits at most (``33.3%``)."""
    x = 100.0 * float(v)
    return f"{x:,.0f}%" if abs(x) >= 1000 else f"{x:.3g}%"


def parse_batches(v) -> int:
    """A number of batches as a budget, floor or cap is written: ``20000``, ``20,000``, ``500批``,
    ``2万`` / ``1.5万`` (ten thousands), full-width digits; ``ValueError`` saying why otherwise
    (``五百``, ``约500``, ``500件``, decimals, negatives). The command line's ``--budget`` reads the same."""
    if isinstance(v, str):
        t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", v))
        t = re.sub(r"(?:批次|批)$", "", t)
        if t.endswith("万") and re.fullmatch(r"[\d,，]*\.?\d+万", t):
            x = float(re.sub(r"[,，]", "", t[:-1])) * 10_000
            if not x.is_integer():
                raise ValueError("a whole number of batches (2万 = 20000; 1.00005万 is no whole count)")
            return int(x)
        if re.fullmatch(r"\d+", t):  # the caller checks the range (a budget up to MAX_BUDGET)
            return int(t)
    return parse_count(v)


def _per_group(value, name: str, groups: list, scores: pd.DataFrame, default: float,
               batches: bool = False) -> np.ndarray:
    """Expand an int, a mapping {group: n} or a column name into one number per group. With
    ``batches``, a column's cells are read as :func:`parse_batches` reads them (``500批``, ``2万``;
    empty: ``default``) and an unreadable cell is a :class:`DataValidationError` naming its group."""
    G = len(groups)
    if value is None:
        return np.full(G, default, float)
    if isinstance(value, str):
        if value not in scores.columns:
            raise _no_column(scores, value, name)
        if batches:
            return _batches_column(scores[value], name, groups, default)
        arr = pd.to_numeric(scores[value], errors="coerce").to_numpy(float)
        return np.where(np.isnan(arr), default, arr)
    if isinstance(value, Mapping) or isinstance(value, pd.Series):
        m = dict(value.items())
        unknown = [k for k in m if k not in groups]
        if unknown:
            raise ParameterError(f"The '{name}' parameter of mstarget.risk.allocate names groups that "
                                 f"are not in the scores: {unknown[:5]}. Use the group values "
                                 f"exactly as in the scores table (e.g. {groups[0]!r}); for a floor or cap on "
                                 "a whole district or category (its groups together): min_per_level= / "
                                 "max_per_level= ({'区县': {'甲区': 400}}; CLI --min-per-level 区县:甲区=400).")
        return np.array([float(m.get(g, default)) for g in groups])
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return np.full(G, float(value))
    raise ParameterError.invalid(name, "mstarget.risk.allocate",
                                 "an int, a mapping {group: int} or a column name", value)


#: the command-line flag of each allocate parameter naming a column, for messages
_FLAGS = {"min_per_group": "--min-per-group", "max_per_group": "--max-per-group", "volume": "--volume",
          "proportional_to": "--proportional-to"}


def _no_column(scores: pd.DataFrame, column: str, name: str) -> DataValidationError:
    """The error for a parameter naming a column the scores do not have: the file, the column, the
    columns there are, and what the parameter takes (API and CLI spelling)."""
    attrs = scores.attrs if hasattr(scores, "attrs") else {}
    src = str(attrs.get("source") or (attrs.get("risk") or {}).get("source") or "<scores>")  # scored just now: its file
    flag = _FLAGS.get(name, name)
    what = ("'none' for an unlimited market, or " if name == "volume" else "") + "a number of batches per group"
    written = (scores.attrs.get("headers") or {}) if hasattr(scores, "attrs") else {}
    return DataValidationError([Problem(
        src, None, column, None,
        f"a column of the scores named by {name}= (CLI {flag}); there is none called '{column}'. The scores have: "
        f"{', '.join(str(written.get(c, c)) for c in scores.columns)}. Give one of them, or {what if name != 'proportional_to' else 'leave it out'}"
        "（所给列名不在评分表中）")], source=src)


def _batches_column(col: pd.Series, name: str, groups: list, default: float) -> np.ndarray:
    """A floor / cap column (batches per group, shape (G,)): empty cells ``default``, the others read by
    :func:`parse_batches`; every unreadable cell one :class:`Problem` (row, column, group, why)."""
    out = np.full(len(col), default, float)
    problems = []
    for i, v in enumerate(col.tolist()):
        if v is None or v is pd.NA or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()):
            continue
        try:
            out[i] = parse_batches(v)
        except ValueError as exc:
            problems.append(Problem("<scores>", i + 2, str(col.name), str(v),
                                    f"{name} of group {_group_name(groups[i])} as a whole number of batches "
                                    f"(500, 500批, 2万): {exc}"))
    if problems:
        raise DataValidationError(problems)
    return out


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
        be inf). Feasibility (``sum(floors) <= budget <= sum(caps)``, ``floors <= caps``) is
        checked by the caller.
    budget : int
        At most :data:`MAX_BUDGET`, so every count is exact in float64.

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
    n = _bulk_counts(p, logq, budget, floors, caps)
    return _fill_by_heap(n, p, logq, budget, caps)


def _bulk_counts(p: np.ndarray, logq: np.ndarray, budget: int, floors: np.ndarray,
                 caps: np.ndarray) -> np.ndarray:
    """Batches per group (int64, shape (G,)) at the largest gain threshold fitting the budget (bisection).

    ``logq`` is ``log(1 - 1/N)`` per group (0 for an unlimited market, ``-inf`` for one lot).
    """
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
    return n.astype(np.int64)


def _fill_by_heap(n: np.ndarray, p: np.ndarray, logq: np.ndarray, budget: int,
                  caps: np.ndarray) -> np.ndarray:
    """Hand out the batches left after :func:`_bulk_counts` by exact greedy steps (a heap); int64 (G,)."""
    capped = np.where(np.isfinite(caps), caps, float(budget) + 1.0).astype(np.int64)
    remaining = int(budget) - int(n.sum())

    def gain(i):
        if n[i] >= capped[i]:
            return -1.0
        if logq[i] == -np.inf:
            return p[i] if n[i] == 0 else 0.0
        return p[i] * math.exp(n[i] * logq[i])

    heap = [(-gain(i), i) for i in range(len(p)) if n[i] < capped[i]]
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
        step = int(min(step, remaining, int(capped[i]) - int(n[i])))
        n[i] += step
        remaining -= step
        if n[i] < capped[i]:
            heapq.heappush(heap, (-gain(i), i))
    if remaining != 0:  # only if the caller skipped the feasibility checks
        raise ParameterError(f"The budget of {budget} batches cannot be spent within the caps "
                             f"({remaining} left over); raise the caps or lower the budget.")
    return n


def _check_share(value, name: str) -> float | None:
    """A share of the budget in [0, 1] as a float, or None; a :class:`ParameterError` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not 0 <= float(value) <= 1:
        raise ParameterError.invalid(name, "mstarget.risk.allocate", "a share between 0 and 1 or None",
                                     value)
    return float(value)


def _check_budget(budget) -> int:
    """The budget as an int of batches in [0, :data:`MAX_BUDGET`]; whole floats are accepted."""
    if isinstance(budget, (float, np.floating)) and float(budget).is_integer():
        budget = int(budget)
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < 0:
        raise ParameterError.invalid("budget", "mstarget.risk.allocate",
                                     "a whole number of batches >= 0", budget)
    if int(budget) > MAX_BUDGET:
        raise ParameterError(f"The 'budget' parameter of mstarget.risk.allocate must be at most "
                             f"{MAX_BUDGET:,} batches (national food sampling is about 7 million a "
                             f"year). Got {int(budget):,}; check the number.")
    return int(budget)


def _coverage_floors(weights: np.ndarray, budget: int, risk_share: float, floors: np.ndarray,
                     caps: np.ndarray) -> np.ndarray:
    """Floors including the coverage share (proportional to ``weights``), fitting the budget.

    The coverage budget is ``round((1 - risk_share) * budget)``; when user floors leave less
    room, it is reduced (bisection) until ``sum(max(floors, coverage))`` fits the budget.
    """
    def with_cov(bv: int) -> np.ndarray:
        return np.minimum(np.maximum(floors, proportional_allocation(weights, bv)), caps)

    bv = int(round((1.0 - risk_share) * budget))
    if with_cov(bv).sum() <= budget:
        return with_cov(bv)
    lo, hi = 0, bv  # with_cov(0) == floors fits (checked by the caller)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if with_cov(mid).sum() <= budget:
            lo = mid
        else:
            hi = mid
    return with_cov(lo)


def allocate(scores: pd.DataFrame, budget: int, min_per_group=0, max_per_group=None, *,
             risk_share: float = DEFAULT_RISK_SHARE, max_share: float | None = DEFAULT_MAX_SHARE,
             min_share: float = 0.0, warn_share: float | None = DEFAULT_MAX_SHARE,
             volume="tested", proportional_to=None,
             by: Sequence[str] | None = None, plan_period=None, min_per_level=None,
             max_per_level=None, hold_stale: bool = True) -> pd.DataFrame:
    """Integer batches per group summing exactly to ``budget``: coverage plus risk targeting.

    See the module docstring for the rule. Defaults: a quarter of the budget in proportion to
    volume, three quarters where it finds the most unqualified batches, no group above 30 % of
    the budget.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`mstarget.risk.score` (group columns and ``risk``; ``tested`` for the
        default volume), or such a table read back from a file. A row with a blank ``risk`` and no
        batches tested -- a category new to the catalogue added by hand -- is planned on the scores'
        prior (its ``prior_rate``, the one its parent's or all groups share, else the pooled rate),
        with a :class:`~mstarget.exceptions.MstargetWarning` naming it; a blank risk of a group with
        batches tested is refused. Groups whose data stop at an earlier period (``first_period`` /
        ``last_period``, or ``数据仅到`` in ``explanation``) and still get batches are named in the notes,
        with a warning for a likely renamed one when the table was read back (see :func:`stale_in_scores`).
    budget : int
        Batches to allocate in total (0 to :data:`MAX_BUDGET`).
    min_per_group : int, mapping {group: int} or column name, default 0
        Coverage floor per group in batches. Groups of a multi-column ``by`` are keyed by tuples.
    max_per_group : int, mapping, column name or None
        Cap per group in batches; ``None`` = no cap in batches.
    risk_share : float in [0, 1], default 0.75
        Share of the budget targeted at risk; the rest follows volume. ``0`` gives the
        volume-proportional plan (within floors and caps), ``1`` pure targeting.
    max_share : float in (0, 1] or None, default 0.3
        Cap per group as a share of the budget. A cap that cannot spend the budget (fewer than
        ``1 / max_share`` groups) is raised to ``ceil(budget / groups)`` with a
        :class:`~mstarget.exceptions.MstargetWarning`, said in ``attrs["allocation"]["notes"]``
        and kept as ``attrs["allocation"]["max_share_used"]``; a group's own floor wins over it.
        (A cap in batches, ``max_per_group``, that cannot spend the budget is refused.)
    min_share : float in [0, 1], default 0
        Floor per group as a share of the budget.
    warn_share : float or None, default 0.3
        Warn (:class:`ConcentrationWarning`) when a group gets more than this share (or more than
        ``1 / groups``, whichever is larger).
    volume : str, mapping, float or None, default "tested"
        Lots on the market per group (for diminishing returns): a column of ``scores``, a mapping,
        or ``None`` / ``inf`` for an unlimited market. The default is a group's batches tested per
        plan period (mean over the scored periods, see ``plan_period``). With it, a group with 0 (or no)
        batches tested has an unknown market: it is given the smallest tested group's, with a
        warning naming it (:func:`unknown_markets`). ``attrs["allocation"]["market"]`` holds the
        market each group was planned with (``inf``: unlimited) and ``["lots"]`` the lots given.
    proportional_to : str, mapping or None
        Weights of the coverage share and of the volume-proportional comparison plan
        (consumption, market volume...). Default: the ``volume`` column, else equal weights.
    by : list of str, optional
        Group columns; default: as recorded by ``score`` or every non-score column.
    min_per_level, max_per_level : mapping, optional
        Floors / caps in batches on the levels of ``by`` (a district's or a category's groups together):
        ``{"区县": 400}`` every 区县 at least 400, ``{"区县": {"新区": 450}, "食品大类": {"婴幼儿配方食品": 100}}``
        those values; a ``min_per_group`` / ``max_per_group`` key that is no group but a value of one ``by``
        column (``{"甲区": 400}``) is read the same way. Solved with the risk greedy: the coverage share, then
        each level floor met by that level's groups with the largest next gain, then the rest within every cap;
        binding ones are named in the notes, ones that cannot hold together are refused. The volume and even
        plans compared are held to them too, spending the same batches (:func:`level_bounded_allocation`), so
        that ``vs_volume`` / ``vs_even`` compare plans under the same limits.
    plan_period : str or int, optional
        The period the plan covers (``2026``, ``"2026Q1"``), for the default market: a group's
        batches tested per month over the scored periods times the plan's months
        (:func:`market_periods`). Default: one period as long as the latest scored one. Not used
        when ``volume`` is given (lots on the market) or the scores name no period.
    hold_stale : bool, default True
        Hold each group whose data stop early (:func:`stale_in_scores`: no counts for a year or more
        before the latest period of its place) to the larger of an even split's batches (``budget /
        groups``) and its volume share of the budget (its earlier share of the batches tested): the plan
        keeps sampling it -- fresh results are what it lacks -- but does not concentrate the budget on it
        on the strength of old results. ``score`` has already aged its evidence (its risk moved toward its
        parent's); the hold is the plan's own rule on top, since even an aged score is ranked by its
        mean. A floor the caller sets wins; a cap below the hold is kept. The groups held are named in
        ``attrs["allocation"]["held_stale"]`` (``{group: {"last", "hold", "without_hold"}}``, batches) and in
        a note with the batches they would get without it; the even and volume plans compared are not held
        (the hold never binds them). ``False`` (CLI ``--no-hold-stale``) plans stale groups on their
        scores as any other.

    Returns
    -------
    DataFrame
        Same group order as ``scores``: the ``by`` columns; ``risk``; ``volume`` (the
        proportional weights); ``batches`` (int64 >= 0, summing to ``budget``); ``share`` (of the
        budget, 0-1); ``volume_share``; ``expected_failures`` (expected unqualified batches found
        with this plan); ``batches_volume``, ``expected_failures_volume`` (the plain
        volume-proportional plan) and ``batches_even``, ``expected_failures_even`` (an even
        split). ``.attrs["allocation"]`` holds the settings and the totals of the three plans.

    Raises
    ------
    ParameterError
        ``budget`` below the sum of the floors, above the sum of the caps or above
        :data:`MAX_BUDGET`, a floor above a cap, shares outside [0, 1], negative numbers.
    DataValidationError
        ``scores`` without a ``risk`` column, or risks outside [0, 1].
    """
    default_cap = isinstance(max_share, DefaultShare)
    budget, risk_share, max_share, min_share, warn_share = _check_arguments(
        scores, budget, risk_share, max_share, min_share, warn_share)
    by = _by_columns(scores, by) if by is not None else infer_by(scores, (volume, proportional_to, min_per_group,
                                                                          max_per_group))
    groups = _group_keys(scores, by)
    min_per_group, more_floors = _split_level_keys(min_per_group, groups, by, scores, "min_per_group")
    max_per_group, more_caps = _split_level_keys(max_per_group, groups, by, scores, "max_per_group")
    lfloors = _levels(min_per_level, "min_per_level", by, scores, more_floors)
    lcaps = _levels(max_per_level, "max_per_level", by, scores, more_caps)
    p, new_notes = _risks(scores, by, groups)
    floors = _per_group(min_per_group, "min_per_group", groups, scores, 0.0, batches=True)
    caps = _per_group(max_per_group, "max_per_group", groups, scores, np.inf, batches=True)
    vol = _volume(volume, groups, scores)
    # the default market is one plan period's batches tested, not the sum over every period scored
    market = market_periods(scores, plan_period) if isinstance(volume, str) and volume == "tested" \
        and "tested" in scores.columns and not scores.attrs.get(MARKET_SIZED) else None
    if market is not None and not np.all(market["scales"] == 1):
        vol = np.where(np.isfinite(vol), vol * market["scales"], vol)
    if market is not None and market.get("no_periods"):
        _warn_no_periods(market)
    # the volume plan and the coverage share follow the batches tested: a group never tested weighs 0
    weights, weights_name = _coverage_weights(proportional_to, volume, vol, groups, scores)
    _check_whole_batches(floors, caps, min_per_group, max_per_group)
    own_caps = caps.copy()  # the caps in batches the caller gave, before the share cap
    floors, caps, notes, cap_used = _share_limits(floors, caps, budget, min_share, max_share, default_cap)
    notes = new_notes + ([_market_note(market)] if market is not None and not np.all(market["scales"] == 1)
                         else []) + notes
    _check_feasible(floors, caps, budget, groups, _sheet_rows(scores), own_caps)

    lots = _lots(volume, vol)
    spend = budget
    if lots is not None:  # lots given: a lot is sampled once, so no group gets more batches than lots
        floors, caps, spend, cap_used = _within_lots(floors, caps, lots, budget, groups, notes, own_caps,
                                                     cap_used)
        vol = np.full(len(groups), np.inf)  # each batch a new lot: p per batch up to the lots
    else:
        _warn_beyond_volume(vol, budget, volume, market)
        unknown = ~np.isfinite(vol) if isinstance(volume, str) and volume == "tested" else np.zeros(len(vol), bool)
        vol = unknown_markets(vol, volume, groups, notes)
        caps = _cap_unknown_markets(caps, floors, vol, unknown & np.isfinite(vol), budget, notes)
    if lfloors or lcaps:
        _check_levels(lfloors, lcaps, floors, caps, spend)

    def plan(group_caps: np.ndarray, said: list) -> np.ndarray:
        if lfloors or lcaps:
            return _level_plan(p, vol, spend, weights, floors, group_caps, risk_share, lfloors, lcaps, said)
        return greedy_allocate(p, vol, spend, _coverage_floors(weights, spend, risk_share, floors, group_caps),
                               group_caps)

    held_caps = _stale_holds(scores, by, groups, floors, caps, weights, spend) if hold_stale else None
    n = plan(caps if held_caps is None else held_caps, notes)
    held = _held_stale(scores, by, groups, n, held_caps, lambda: plan(caps, []), notes)
    out = _plan_table(scores[by], p, weights, vol, n, budget, floors, caps, lots, lfloors, lcaps)
    _warn_concentration(n, budget, groups, warn_share)
    _note_unfunded(n, budget, groups, notes, own_caps)
    _note_stale(scores, by, groups, n, notes)
    _note_programmes(scores, notes)
    found = {k: float(out[c].sum()) for k, c in (("plan", "expected_failures"),
                                                  ("volume", "expected_failures_volume"),
                                                  ("even", "expected_failures_even"))}
    # the linear expectation (risk x batches, each batch failing with its group's risk: how past sampling's
    # finds are counted, and evaluate's 线性 figure) of each plan, beside the diminishing-returns one above
    linear = {k: float(np.sum(p * out[c].to_numpy(float))) for k, c in (("plan", "batches"),
                                                                        ("volume", "batches_volume"),
                                                                        ("even", "batches_even"))}
    diminishing = lots is None and bool(np.isfinite(vol).any())
    top = int(np.argmax(n))
    out.attrs["allocation"] = {
        "budget": budget, "by": by, "risk_share": risk_share, "max_share": max_share,
        "min_share": min_share, "warn_share": warn_share, "max_share_used": cap_used,
        "volume": volume if isinstance(volume, str) or volume is None else "custom",
        "proportional_to": weights_name,
        "expected_failures": found["plan"], "expected_failures_volume": found["volume"],
        "expected_failures_even": found["even"],
        "vs_volume": found["plan"] / found["volume"] if found["volume"] > 0 else float("nan"),
        "vs_even": found["plan"] / found["even"] if found["even"] > 0 else float("nan"),
        "expected_failures_linear": linear["plan"], "expected_failures_volume_linear": linear["volume"],
        "expected_failures_even_linear": linear["even"],
        "vs_volume_linear": linear["plan"] / linear["volume"] if linear["volume"] > 0 else float("nan"),
        "vs_even_linear": linear["plan"] / linear["even"] if linear["even"] > 0 else float("nan"),
        # whether expected_failures counts diminishing returns on an assumed market (the default: each group's
        # batches tested per plan period), and that market's total (batches)
        "diminishing": diminishing,
        "market_total": float(np.sum(vol[np.isfinite(vol)])) if diminishing else None,
        "largest_share": float(n[top] / budget) if budget else 0.0,
        "largest_group": groups[top], "notes": notes, "unspent": int(budget - spend), "held_stale": held,
        # the market of each group in the diminishing-returns model (inf: unlimited) and the lots
        # given (None: not given); evaluate credits every plan it compares with the same model
        "market": tuple(float(v) for v in vol), "lots": None if lots is None else tuple(float(v) for v in lots),
        # how the default market was sized from the scored periods (None: taken as the batches tested)
        "market_scale": None if market is None else float(market["scale"]),
        "market_months": None if market is None else (market["plan_months"], market["months"]),
        "plan_period": None if market is None else market["plan"],
    }
    return out


def _note_programmes(scores: pd.DataFrame, notes: list) -> None:
    """Say when the scores pooled several sampling programmes (监督抽检 + 风险监测 + 评价性抽检), as ``score``
    warned: read from ``attrs["risk"]["programmes"]`` or the ``programmes`` column ``risk score --out`` writes."""
    meta = (scores.attrs.get("risk") or {}) if hasattr(scores, "attrs") else {}
    said = ["；".join(f"{c}: {' + '.join(map(str, v))}" for c, v in (meta.get("programmes") or {}).items())]
    if "programmes" in scores.columns:
        said += [str(v).strip() for v in pd.unique(scores["programmes"].dropna().astype(str))]
    said = [x for x in dict.fromkeys(said) if x and x.lower() not in ("nan", "none")]
    if said:
        notes.append(f"评分把不同抽检类型合并计算（{' / '.join(said)}），其不合格率不可比（风险监测针对疑似问题抽样），本方案的风险因此"
                     "偏高或偏低；宜只用监督抽检重新评分（risk score --where 抽检类型=监督抽检） / the scores pool several "
                     f"sampling programmes ({' / '.join(said)}) whose rates are not comparable; score one programme "
                     "(--where) for a plan to adopt")


#: ``scores.attrs`` key saying its ``tested`` column is already one plan period's market (:func:`mstarget.risk.evaluate`
#: sizes it for the test period): :func:`allocate` does not size it again from the scored periods
MARKET_SIZED = "market_sized"


def stale_in_scores(scores: pd.DataFrame, by: list[str], groups: list) -> dict[int, dict]:
    """Groups of a scores table whose data stop before the latest period and look renamed or dropped
    (:func:`~mstarget.risk.score.suspected_stale`, the rule ``score`` warns by), by row:
    ``{row: {"last": period, "near": [(name, first period or ""), ...]}}``.

    Read from the ``first_period`` / ``last_period`` columns ``score`` writes; a scores file without
    them (written before they existed) is read from its ``explanation`` (``数据仅到 2023``), the names
    it may have become being the other groups' that look alike."""
    if all(c in scores.columns for c in PERIOD_COLUMNS):
        recs, index = [], []
        for i, (first, last) in enumerate(zip(scores["first_period"].tolist(), scores["last_period"].tolist())):
            try:
                f, la = parse_period(_period_text(first)), parse_period(_period_text(last))
            except ValueError:
                continue  # a group without history (blank), or a table without periods ("all")
            rec = {c: scores[c].iloc[i] for c in by}
            rec.update(first_period=f.label, _first_start=f.start, last_period=la.label, _last_start=la.start,
                       _last_end=la.end)
            recs.append(rec)
            index.append(i)
        if not recs:
            return {}
        spans = pd.DataFrame(recs)
        keys = [tuple(r[c] for c in by) if len(by) > 1 else r[by[0]] for r in spans.to_dict("records")]
        found = suspected_stale(spans, by)
        return {index[j]: found[k] for j, k in enumerate(keys) if k in found}
    if "explanation" not in scores.columns:
        return {}
    out = {}
    for i, text in enumerate(scores["explanation"].astype(str).tolist()):
        m = re.search(r"数据仅到\s*([^\s，,；;（(]+)", text)
        if m:
            out[i] = {"last": m.group(1), "near": []}
    names = [str(g[-1] if isinstance(g, tuple) else g) for g in groups]
    for i, v in out.items():
        others = [names[j] for j in range(len(names)) if j not in out and names[j] != names[i]]
        # a name holding the old one (合成类别03 -> 合成类别03及制品) first: without first periods, every
        # current name is a candidate
        close = [c for c in others if names[i] in c or c in names[i]]
        close += [c for c in difflib.get_close_matches(names[i], others, n=3, cutoff=0.5) if c not in close]
        close += [c for c in others if c not in close and len(names[i]) >= 2 and c[:2] == names[i][:2]]
        v["near"] = [(c, "") for c in close[:3]]
    return out


def _stale_holds(scores: pd.DataFrame, by: list[str], groups: list, floors: np.ndarray, caps: np.ndarray,
                 weights: np.ndarray, spend: int) -> np.ndarray | None:
    """Caps (batches, shape (G,)) holding each group whose data stop early (:func:`stale_in_scores`) to the larger
    of an even split's batches and its volume share of ``spend`` -- never below its floor, never above its cap;
    ``None`` when no group is stale or the held caps could not spend ``spend`` (then nothing is held)."""
    found = stale_in_scores(scores, by, groups)
    if not found or spend <= 0:
        return None
    w = np.asarray(weights, float)
    share = w / w.sum() if w.sum() > 0 else np.full(len(groups), 1.0 / len(groups))
    hold = np.maximum(math.ceil(spend / len(groups)), np.ceil(spend * share))
    out = np.asarray(caps, float).copy()
    rows = np.fromiter(found, dtype=np.int64)
    out[rows] = np.minimum(out[rows], np.maximum(hold[rows], np.asarray(floors, float)[rows]))
    return out if out.sum() >= spend else None


def _held_stale(scores: pd.DataFrame, by: list[str], groups: list, n: np.ndarray, held_caps: np.ndarray | None,
                unheld, notes: list) -> dict:
    """The stale groups the hold (:func:`_stale_holds`) kept below what the plan would give them (``unheld()``:
    the plan without it, computed only then), ``{group name: {"last", "hold", "without_hold"}}``, and a note
    naming them (most batches forgone first)."""
    if held_caps is None:
        return {}
    at_hold = np.flatnonzero(np.isfinite(held_caps) & (n >= held_caps))
    if not len(at_hold):
        return {}
    free = unheld()
    found = stale_in_scores(scores, by, groups)
    rows = sorted((i for i in at_hold if i in found and free[i] > n[i]), key=lambda i: -int(free[i] - n[i]))
    if not rows:
        return {}
    held = {_group_name(groups[i]): {"last": found[i]["last"], "hold": int(n[i]), "without_hold": int(free[i])}
            for i in rows}
    zh = "；".join(f"{k}（数据仅到 {v['last']}，按风险本应分到 {v['without_hold']:,} 批，现 {v['hold']:,} 批）"
                  for k, v in list(held.items())[:8]) + (f" 等 {len(held)} 组" if len(held) > 8 else "")
    en = "; ".join(f"{k} (last {v['last']}: {v['without_hold']:,} batches on its score, held to {v['hold']:,})"
                   for k, v in list(held.items())[:8]) + (f"; and {len(held) - 8} more" if len(held) > 8 else "")
    notes.append(f"数据过旧的类别不按风险集中加抽（旧结果不足以支撑集中抽检，其评分已按数据年龄向总体靠拢），只保留平均分配或按量"
                 f"比例的份额（取大者），多出的批次按风险分给有近期数据的类别：{zh}。有新数据后重新评分即不再限制（不限制：--no-hold-stale）。"
                 f" / Groups whose data stop early are not targeted on old results: each is held to the larger of an even "
                 f"split's batches and its volume share, the rest going by risk to groups with recent data: {en} "
                 "(score fresh data to lift it; hold_stale=False / --no-hold-stale plans them on their scores)")
    return held


def _period_text(v) -> str:
    """A period cell of a scores file as text: ``2023`` (also read as 2023.0), ``2025Q3``; blank: ``""``."""
    if _blank(v):
        return ""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v).strip()


def _note_stale(scores: pd.DataFrame, by: list[str], groups: list, n: np.ndarray, notes: list) -> None:
    """Name the groups whose data stop at an earlier period (renamed? :func:`stale_in_scores`) that the plan
    still gives batches, with them (most first): a note; and a :class:`MstargetWarning` naming those with a
    "did you mean" (a name that looks alike and appears only later: a category renamed, whose old name
    takes batches of its own) when the scores are a table read back -- ``score`` warned of them when
    the scores come straight from it."""
    found = stale_in_scores(scores, by, groups)
    stale = {i: found[i] for i in sorted(found, key=lambda i: -int(n[i])) if n[i] > 0}  # most batches first
    if not stale:
        return
    notes.append(_stale_text(stale, groups, n))
    renamed = {i: v for i, v in stale.items() if v["near"]}
    meta = scores.attrs.get("risk") if hasattr(scores, "attrs") else None
    if renamed and not meta:
        warnings.warn(_stale_text(renamed, groups, n), MstargetWarning, stacklevel=3)  # -> allocate -> the caller


def _stale_text(stale: dict, groups: list, n: np.ndarray) -> str:
    """The groups of :func:`stale_in_scores` with their last period, batches and likely new names, in words."""
    zh, en = [], []
    for i, v in list(stale.items())[:8]:
        name = _group_name(groups[i])
        near_zh = "、".join(c + (f"（{f} 起）" if f else "") for c, f in v["near"])
        near_en = ", ".join(c + (f" (from {f})" if f else "") for c, f in v["near"])
        zh.append(f"{name}（数据仅到 {v['last']}，分到 {int(n[i]):,} 批" + (f"；是否已更名为 {near_zh}？" if near_zh else "")
                  + "）")
        en.append(f"{name} (last {v['last']}, {int(n[i]):,} batches" + (f"; did you mean {near_en}?" if near_en else "")
                  + ")")
    more, more_en = (f" 等 {len(stale)} 组", f"; and {len(stale) - 8} more") if len(stale) > 8 else ("", "")
    return (f"以下类别的数据只到较早期间，评分只反映那时，本方案仍给它们批次：{'；'.join(zh)}{more}。如为更名，旧名与新名会各分一份"
            "批次：请在原表统一名称后重新评分；如已停止抽检，可设其上限为 0（--max-per-group 列）。 / "
            f"{len(stale)} group(s) have no counts in the later periods, so their scores rest on data up to an earlier "
            f"period, and the plan still gives them batches: {'; '.join(en)}{more_en}. A category renamed between "
            "periods is scored and planned as two groups, the old name taking batches of its own: rename one spelling "
            "in the table and score it again")


def _note_unfunded(n: np.ndarray, budget: int, groups: list, notes: list,
                   own_caps: np.ndarray | None = None) -> None:
    """Say which groups get no batch (at most 10 named): a note in ``attrs["allocation"]["notes"]``,
    and a :class:`MstargetWarning` when the budget is 0 (nothing allocated) or smaller than the number
    of groups (it cannot give each a batch). A larger budget leaving a tiny group at 0 is a note.
    A group the caller capped at 0 (``own_caps``: max_per_group 0, sampling stopped) gets none as
    asked: it is named apart (上限为 0) and not counted as left unfunded."""
    stopped = (np.asarray(own_caps) <= 0) if own_caps is not None else np.zeros(len(n), bool)
    zero = np.flatnonzero((n == 0) & ~stopped)
    if budget == 0:
        text = "the budget is 0 batches: nothing is allocated（预算为0，未分配）"
    elif len(zero):
        names = ", ".join(_group_name(groups[i]) for i in zero[:10]) + (" ..." if len(zero) > 10 else "")
        text = (f"{len(zero)} of {len(groups)} groups get no batch under a budget of {budget:,}: {names}"
                "（以下类别未分到批次）; to sample each, raise the budget or set a floor (min_per_group=1; "
                "CLI: --min-per-group 1)")
    else:
        text = None
    if stopped.any() and budget > 0:
        idx = np.flatnonzero(stopped)
        names = ", ".join(_group_name(groups[i]) for i in idx[:10]) + (" ..." if len(idx) > 10 else "")
        notes.append(f"{len(idx)} group(s) capped at 0 batches (max_per_group 0) get none, as set: {names}"
                     "（上限为 0（按所设上限不安排））")
    if text is None:
        return
    notes.append(text)
    if budget < len(groups) - int(stopped.sum()):
        warnings.warn(text, MstargetWarning, stacklevel=3)  # helper -> allocate -> the caller


def _lots(volume, vol: np.ndarray) -> np.ndarray | None:
    """Lots on the market per group when the user gave them (``volume`` other than the default
    ``"tested"``, which only stands in for a market's size); else None."""
    if isinstance(volume, str) and volume == "tested":
        return None
    if not np.isfinite(vol).any():
        return None
    return np.floor(vol)


def _cap_unknown_markets(caps: np.ndarray, floors: np.ndarray, market: np.ndarray, unknown: np.ndarray,
                         budget: int, notes: list) -> np.ndarray:
    """Caps (batches, shape (G,)) of the groups never tested (``unknown``) lowered to the market they
    were given (:func:`unknown_markets`: the smallest tested market), their floor winning: a category
    nobody found to sample gets no more batches than its assumed market. Kept as they were when the
    other groups' caps could not take the budget then."""
    if not unknown.any():
        return caps
    lowered = caps.copy()
    lowered[unknown] = np.minimum(caps[unknown], np.maximum(np.floor(market[unknown]), floors[unknown]))
    if lowered.sum() < budget:
        return caps
    if notes:
        notes[-1] += ("；其计划批次不超过该市场量 / it gets at most that many batches (its floor wins)"
                      if "未抽检过的类别" in notes[-1] else "")
    return lowered


def _within_lots(floors: np.ndarray, caps: np.ndarray, lots: np.ndarray, budget: int, groups: list,
                 notes: list, own_caps: np.ndarray | None = None, cap_used: float | None = None
                 ) -> tuple[np.ndarray, np.ndarray, int, float | None]:
    """Floors and caps (batches) no higher than each group's lots, the batches that can be spent (the
    budget, or all lots when the budget is more) and the share cap used; notes and a warning say what
    is not spent and why.

    When the share cap (``max_share``; ``own_caps`` are the caps in batches given without it) would
    leave batches unspent that the groups' lots could take, it is raised -- with a warning naming
    the groups it held back -- to the smallest cap that spends the budget or every lot (as a share
    cap that cannot spend the budget is raised without lots)."""
    low = np.flatnonzero(floors > lots)
    if len(low):
        names = ", ".join(f"{_group_name(groups[i])} ({int(lots[i]):,} lots, floor {int(floors[i]):,})"
                          for i in low[:5]) + (f" and {len(low) - 5} more" if len(low) > 5 else "")
        text = (f"floor lowered to the group's lots for {names}: a lot is sampled once, so a group gets at "
                "most its lots（最低批次高于在售批次数，已降为批次数）")
        notes.append(text)
        warnings.warn(text, MstargetWarning, stacklevel=3)  # helper -> allocate -> the caller
    floors = np.minimum(floors, lots)
    capped = np.minimum(caps, lots)
    if own_caps is not None and cap_used is not None and budget > 0:
        room = np.maximum(np.minimum(own_caps, lots), floors)  # what the lots and the caller's caps allow
        goal = int(min(budget, room.sum()))
        if capped.sum() < goal:  # the share cap, not the lots, holds batches back: raise it
            def with_cap(c: int) -> np.ndarray:
                return np.minimum(np.maximum(c, floors), room)
            lo, hi = int(math.floor(cap_used * budget)), budget
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if with_cap(mid).sum() >= goal:
                    hi = mid
                else:
                    lo = mid
            held = [i for i in np.argsort(-(room - capped), kind="stable") if room[i] > capped[i]]
            names = "、".join(f"{_group_name(groups[i])}（{int(lots[i]):,} 批在售，上限 {int(capped[i]):,}）"
                             for i in held[:5])
            names_en = ", ".join(f"{_group_name(groups[i])} ({int(lots[i]):,} lots, capped at {int(capped[i]):,})"
                                 for i in held[:5])
            text = (f"每组上限 {share_text(cap_used)} 会使 {goal - int(capped.sum()):,} 批无处可分（在售批次够，而上限不够）：{names}；"
                    f"上限已提高到 {hi:,} 批（{hi / budget:.2%}）。 / the share cap of {share_text(cap_used)} would leave "
                    f"{goal - int(capped.sum()):,} batches unspent although the lots could take them: {names_en}; "
                    f"the cap was raised to {hi:,} batches ({hi / budget:.2%}). To keep the lower cap, lower the budget")
            notes.append(text)
            warnings.warn(text, MstargetWarning, stacklevel=3)  # helper -> allocate -> the caller
            capped = with_cap(hi)
            cap_used = hi / budget
    caps = capped
    spend = int(min(budget, caps.sum()))
    if spend < budget:
        by_lots = bool(np.all(caps >= np.floor(lots)))
        why = ("every lot of every group" if by_lots else "every lot of every group, or its cap in batches "
               "(max_per_group)")
        text = (f"the budget of {budget:,} batches is more than the groups can take: {spend:,} batches "
                f"({why}); {budget - spend:,} batches are left over "
                "（预算超过可抽批次，剩余未分配）. A lot is sampled once, so a group gets at most its lots (volume)")
        notes.append(text)
        warnings.warn(text, MstargetWarning, stacklevel=3)  # helper -> allocate -> the caller
    return floors, caps, spend, cap_used


def _group_name(key) -> str:
    """A group key as written in messages: ``乳制品``, or ``广东省 / 乳制品`` for several ``by`` columns."""
    return " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _warn_beyond_volume(vol: np.ndarray, budget: int, volume, market: dict | None = None) -> None:
    """Warn when the budget is more than the groups' batches tested (the default market size, per plan
    period when ``market`` (:func:`market_periods`) says how it was sized; the groups never tested,
    ``inf`` in ``vol``, are left out of the sum)."""
    total = float(np.sum(vol[np.isfinite(vol)])) if np.isfinite(vol).any() else float("inf")
    if np.isfinite(vol).any() and budget > total > 0:
        where = "in the scored periods" if market is None or market["scale"] == 1 else (
            f"in one plan period of {market['plan_months']} months on average over the scored {market['span']}")
        longer = "" if market is None or market["scale"] == 1 else (
            "; a plan for a longer period than the latest scored one: plan_period= (CLI --plan-period 2026)")
        warnings.warn(f"the budget of {budget:,} batches is more than all batches tested {where} "
                      f"({total:,.0f}, the '{volume}' column that stands for each group's market); "
                      "expected finds then barely grow with more batches. Check the budget, or give the "
                      f"lots on the market per group (volume=..., CLI: --volume COLUMN){longer}",
                      MstargetWarning, stacklevel=4)  # helper -> allocate -> the caller


def _check_arguments(scores, budget, risk_share, max_share, min_share, warn_share):
    """Checked ``(budget, risk_share, max_share, min_share, warn_share)``: batches (int) and shares 0-1."""
    if not isinstance(scores, pd.DataFrame):
        raise ParameterError.invalid("scores", "mstarget.risk.allocate",
                                     "a DataFrame returned by mstarget.risk.score", type(scores).__name__)
    budget = _check_budget(budget)
    risk_share = _check_share(risk_share, "risk_share")
    if risk_share is None:
        raise ParameterError.invalid("risk_share", "mstarget.risk.allocate", "a share between 0 and 1",
                                     None)
    max_share = _check_share(max_share, "max_share")
    min_share = _check_share(min_share, "min_share") or 0.0
    warn_share = _check_share(warn_share, "warn_share")
    return budget, risk_share, max_share, min_share, warn_share


def _risks(scores: pd.DataFrame, by: list[str] | None = None, groups: list | None = None
           ) -> tuple[np.ndarray, list[str]]:
    """The ``risk`` column as floats of shape (G,), each a failure probability in [0, 1], and notes.

    A blank risk of a group with no sampling history (``tested`` blank or 0: a category new to the
    catalogue added to a scores file) is given the scores' prior (:func:`_prior_risk`), with a
    :class:`MstargetWarning` and a note naming it; a blank risk of a group with batches tested, or
    with no prior to give it, is refused saying how to fill it."""
    src = str(scores.attrs.get("source") or "<scores>") if hasattr(scores, "attrs") else "<scores>"
    rows = _sheet_rows(scores)
    if "risk" not in scores.columns:
        raise DataValidationError([Problem(src, None, "risk", None,
                                           "column missing; pass the output of mstarget.risk.score")])
    p = np.array(pd.to_numeric(scores["risk"], errors="coerce"), dtype=float)  # a copy: new groups filled in
    blank = np.array([_blank(v) for v in scores["risk"].tolist()], bool)
    bad = [Problem(src, int(rows[i]), "risk", str(scores["risk"].iloc[i]),
                   "a failure probability between 0 and 1")
           for i in np.flatnonzero(~((p >= 0) & (p <= 1)) & ~blank)]
    if bad:
        raise DataValidationError(bad)
    if not blank.any():
        return p, []
    by = list(by) if by else []
    groups = groups if groups is not None else list(range(len(scores)))
    tested = pd.to_numeric(scores["tested"], errors="coerce").to_numpy(float) if "tested" in scores.columns \
        else np.full(len(scores), np.nan)
    problems, filled = [], []
    for i in np.flatnonzero(blank):
        name = _group_name(groups[i])
        if tested[i] > 0:
            problems.append(Problem(src, int(rows[i]), "risk", "",
                                    f"a failure probability between 0 and 1; this cell is empty while group {name} "
                                    f"has {tested[i]:,.0f} batches tested: score the table again ('risk score "
                                    "--out') rather than blanking its risk（该组有抽检数据但风险为空，请重新评分）"))
            continue
        prior = _prior_risk(scores, by, i, tested)
        if prior is None:
            problems.append(Problem(src, int(rows[i]), "risk", "",
                                    f"a failure probability between 0 and 1; this cell is empty and group {name} has "
                                    "no sampling history, and the scores give no prior to use (no prior_rate column, "
                                    "no tested / failed counts): write its risk (e.g. the rate of a similar category), "
                                    "or add the prior_rate column 'risk score --out' writes（新增类别无历史数据：请填写"
                                    "风险，或保留评分表的 prior_rate 列）"))
            continue
        p[i] = prior[0]
        filled.append((name, prior))
    if problems:
        raise DataValidationError(problems)
    listed = "；".join(f"{n} {100 * v:.2f}%（{zh}）" for n, (v, zh, _) in filled[:10]) + (
        f" 等 {len(filled)} 组" if len(filled) > 10 else "")
    listed_en = "; ".join(f"{n} {100 * v:.2f}% ({en})" for n, (v, _, en) in filled[:10]) + (
        f" and {len(filled) - 10} more" if len(filled) > 10 else "")
    text = (f"无抽检历史的类别，风险取评分的先验：{listed}。其批次只凭先验安排，不是凭它自己的抽检结果；有了抽检数据后请加入原表"
            f"重新评分。 / no sampling history, so the risk is the scores' prior: {listed_en}; the group is planned on "
            "that prior alone, not on a record of its own: score it again once it has counts")
    warnings.warn(text, MstargetWarning, stacklevel=3)  # _risks -> allocate -> the caller
    return p, [text]


def _blank(v) -> bool:
    """Whether a cell is empty (None, NaN, NA, blank text or the text of a missing value)."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return True
    return isinstance(v, str) and v.strip().lower() in ("", "nan", "none", "null")


def _sheet_rows(scores: pd.DataFrame) -> np.ndarray:
    """Spreadsheet row of each row of ``scores`` (``attrs["sheet_rows"]`` of a file read, else 2, 3, ...)."""
    rows = scores.attrs.get("sheet_rows") if hasattr(scores, "attrs") else None
    if rows is not None and len(rows) == len(scores):
        return np.asarray(rows, dtype=np.int64)
    return np.arange(2, len(scores) + 2, dtype=np.int64)


def _prior_risk(scores: pd.DataFrame, by: list[str], i: int, tested: np.ndarray):
    """The prior a group ``i`` without history is given, ``(rate 0-1, 来源, source)``, else None.

    In order: the row's own ``prior_rate``; the ``prior_rate`` shared by the rows of its parent (the
    outer ``by`` levels: with a hierarchy, the shrinkage pulls a category toward its sector); the
    ``prior_rate`` shared by all rows (the shrinkage's prior mean); the prior mean in
    ``attrs["risk"]``; the pooled rate of the groups tested (failed / tested)."""
    def rates(mask=None):
        if "prior_rate" not in scores.columns:
            return np.array([])
        v = pd.to_numeric(scores["prior_rate"], errors="coerce").to_numpy(float)
        keep = (v >= 0) & (v <= 1)
        if mask is not None:
            keep &= mask
        return v[keep]

    own = rates(np.arange(len(scores)) == i)
    if len(own):
        return float(own[0]), "本行 prior_rate", "its own prior_rate"
    if len(by) > 1:
        outer = scores[by[:-1]].astype(str).agg(" / ".join, axis=1).to_numpy()
        same = rates(outer == outer[i])
        if len(same) and np.ptp(same) <= 1e-9 * max(1.0, float(np.max(same))):
            return (float(same[0]), f"{outer[i]} 各组共用的先验 prior_rate",
                    f"the prior_rate the groups of {outer[i]} share")
    every = rates()
    if len(every) and np.ptp(every) <= 1e-9 * max(1.0, float(np.max(every))):
        return float(every[0]), "收缩先验均值，prior_rate 列", "the shrinkage's prior mean, column prior_rate"
    meta = scores.attrs.get("risk") if hasattr(scores, "attrs") else None
    priors = (meta or {}).get("priors") or []
    if priors and priors[0].get("mean") is not None:
        return float(priors[0]["mean"]), "收缩先验均值", "the shrinkage's prior mean"
    if "failed" in scores.columns:
        failed = pd.to_numeric(scores["failed"], errors="coerce").to_numpy(float)
        ok = (tested > 0) & np.isfinite(failed)
        if ok.any() and tested[ok].sum() > 0:
            return (float(failed[ok].sum() / tested[ok].sum()), "各组合计不合格率",
                    "the pooled rate of the groups tested")
    return None


def _by_columns(scores: pd.DataFrame, by) -> list[str]:
    """``by`` with a header as a bureau writes it (食品大类) read as the column ``score`` wrote for it
    (``category``) when only that one is there."""
    out = []
    for c in ([by] if isinstance(by, str) else list(by)):
        canon = ALIASES.get(layout.header_key(c)) if isinstance(c, str) else None
        out.append(canon if c not in scores.columns and canon in scores.columns else c)
    return out


def _group_keys(scores: pd.DataFrame, by: list[str]) -> list:
    """One key per row (the value, or a tuple for several ``by`` columns); refuse group columns that are
    not there (naming the columns there are), repeats (naming the group and its rows) and no rows."""
    src = str(scores.attrs.get("source") or "<scores>") if hasattr(scores, "attrs") else "<scores>"
    missing = [c for c in by if c not in scores.columns]
    if missing:
        shown = ", ".join(map(str, scores.columns))
        raise DataValidationError([Problem(src, None, c, None,
                                           f"a group column of the scores (by= / CLI --by); the scores have: {shown}")
                                   for c in missing], source=src)
    groups = [tuple(r) if len(by) > 1 else r[0] for r in scores[by].itertuples(index=False, name=None)]
    if len(set(groups)) != len(groups):
        rows = _sheet_rows(scores)
        seen: dict = {}
        for i, g in enumerate(groups):
            seen.setdefault(g, []).append(int(rows[i]))
        problems = [Problem(src, r[1], ",".join(map(str, by)), _group_name(g),
                            f"one row per group; group {_group_name(g)} is on rows {', '.join(map(str, r))}: keep "
                            "one (a scores table has one row per group: score the counts again with 'risk score "
                            f"--out', or group by more columns with by= / --by)（同一分组出现多行）")
                    for g, r in seen.items() if len(r) > 1]
        raise DataValidationError(problems, source=src)
    if len(groups) == 0:
        raise DataValidationError([Problem(src, None, None, None, "rows: the scores table has none")], source=src)
    return groups


def _coverage_weights(proportional_to, volume, vol: np.ndarray, groups: list,
                      scores: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Weights (>= 0, shape (G,)) of the coverage share and the volume plan, and how they were named.

    Without ``proportional_to`` they follow the ``volume`` column; with an unlimited market
    (``volume=None``) they still follow the batches ``tested`` when the scores have them: the market
    model changes, not the coverage or the plan it is compared with."""
    if proportional_to is None and volume is None and "tested" in scores.columns:
        tested = _per_group("tested", "tested", groups, scores, 0.0)
        if np.isfinite(tested).all() and (tested >= 0).all() and tested.sum() > 0:
            return tested, "tested"
    if proportional_to is None:
        finite = np.isfinite(vol).any()
        weights = np.where(np.isfinite(vol), vol, np.nan) if finite else np.ones(len(groups))
        weights = np.nan_to_num(weights, nan=0.0)
        weights_name = volume if isinstance(volume, str) and finite else "equal"
    else:
        weights = _per_group(proportional_to, "proportional_to", groups, scores, 0.0)
        weights_name = proportional_to if isinstance(proportional_to, str) else "custom"
    if not np.all(np.isfinite(weights)) or (weights < 0).any():
        raise ParameterError.invalid("proportional_to", "mstarget.risk.allocate",
                                     "weights >= 0 (consumption, volume...)", proportional_to)
    return weights, weights_name


def _check_whole_batches(floors: np.ndarray, caps: np.ndarray, min_per_group, max_per_group) -> None:
    """Refuse floors or caps (batches per group) that are negative or not whole numbers."""
    if (floors < 0).any() or (np.round(floors) != floors).any():
        raise ParameterError.invalid("min_per_group", "mstarget.risk.allocate",
                                     "whole numbers of batches >= 0", min_per_group)
    if (caps < 0).any() or (np.isfinite(caps) & (np.round(caps) != caps)).any():
        raise ParameterError.invalid("max_per_group", "mstarget.risk.allocate",
                                     "whole numbers of batches >= 0 or None", max_per_group)


def _share_limits(floors: np.ndarray, caps: np.ndarray, budget: int, min_share: float,
                  max_share: float | None, default_cap: bool = False
                  ) -> tuple[np.ndarray, np.ndarray, list[str], float | None]:
    """Floors and caps (batches, shape (G,)) with ``min_share`` / ``max_share`` of the budget; notes;
    the share cap kept (``max_share``, or what it was raised to when it cannot spend the budget,
    with a warning; None without one). The default cap (``default_cap``) is dropped, with a warning,
    when ``G * max_share < MIN_CAP_SPAN`` (it could only force a near-even split)."""
    G = len(floors)
    notes = []
    used = max_share
    if min_share > 0:
        floors = np.maximum(floors, math.ceil(min_share * budget))
    if max_share is not None and default_cap and G * max_share < MIN_CAP_SPAN and budget > 0:
        text = (f"默认的每组上限 {share_text(max_share)} 在只有 {G} 组时不适用（{G} × {share_text(max_share)} = "
                f"{share_text(G * max_share)}，"
                f"只能把预算近乎平均分配），本方案不设上限；如需上限请明确给出（--max-share 0.5，或 --max-per-group 批次）。 / "
                f"the default cap of {share_text(max_share)} per group is not applied with {G} groups ({G} x "
                f"{share_text(max_share)} = {share_text(G * max_share)} of the budget: it could only force a near-even split), so the plan has no share "
                "cap; to cap a group, give one (max_share=0.5, CLI --max-share 0.5; or max_per_group in batches)")
        notes.append(text)
        warnings.warn(text, MstargetWarning, stacklevel=3)  # helper -> allocate -> the caller
        return floors, caps, notes, None
    if max_share is not None:
        cap_b = math.floor(max_share * budget)
        if cap_b * G < budget:
            cap_b = math.ceil(budget / G)
            text = (f"max_share={max_share:g} cannot spend the budget of {budget:,} batches over {G} groups "
                    f"({G} x {share_text(max_share)} = {share_text(G * max_share)} of it); each group's cap was raised to "
                    f"{cap_b:,} batches ({cap_b / budget:.2%})（每组上限无法分完预算，已提高到 {cap_b / budget:.2%}）. "
                    "To keep the lower cap, lower the budget or plan over more groups")
            notes.append(text)
            warnings.warn(text, MstargetWarning, stacklevel=3)  # helper -> allocate -> the caller
            used = cap_b / budget
        caps = np.minimum(caps, np.maximum(cap_b, floors))  # a floor asked for wins over the share cap
    return floors, caps, notes, used


def _check_feasible(floors: np.ndarray, caps: np.ndarray, budget: int, groups: list,
                    rows: np.ndarray | None = None, own_caps: np.ndarray | None = None) -> None:
    """Refuse a budget (batches) below the floors or above the caps, and a floor above its cap (each
    such group named with its floor, its cap and its row of the scores: ``rows``)."""
    if floors.sum() > budget:
        raise ParameterError(f"The budget of {budget} batches is less than the sum of the floors "
                             f"({int(floors.sum())} = {len(groups)} groups with min_per_group / "
                             "min_share). Raise the budget (CLI: --budget) or lower min_per_group / min_share "
                             "(CLI: --min-per-group / --min-share).")
    clash = np.flatnonzero(floors > caps)
    if len(clash):
        def one(i):
            cap = caps[i] if own_caps is None else min(caps[i], own_caps[i])
            row = f", row {int(rows[i])}" if rows is not None else ""
            return f"{_group_name(groups[i])}（下限 floor {floors[i]:,.0f} > 上限 cap {cap:,.0f}{row}）"
        shown = "; ".join(one(i) for i in clash[:10]) + (f"; ... and {len(clash) - 10} more" if len(clash) > 10 else "")
        raise ParameterError(f"The floor exceeds the cap for {len(clash)} of {len(groups)} group(s)（下限高于上限）: "
                             f"{shown}. Lower the floor (min_per_group / min_share; CLI --min-per-group / "
                             "--min-share) or raise the cap (max_per_group; CLI --max-per-group); a group "
                             "capped at 0 (停止抽检) needs a floor of 0 or blank.")
    if caps.sum() < budget:
        raise ParameterError(f"The budget of {budget} batches is more than the sum of the caps "
                             f"({int(caps.sum())}); raise max_per_group / max_share or lower the budget.")


def scored_months(scores: pd.DataFrame, rows: pd.DataFrame | None = None
                  ) -> tuple[list, np.ndarray] | None:
    """The periods a scores table was scored on and, for each row of ``rows`` (default ``scores``;
    ``first_period`` / ``last_period`` columns), the months of those periods within the group's own
    first..last period: a category a table lists only in some periods (the national 2022 table has 8
    of the 2019H2 table's 34) is averaged over the periods it was listed in, not over all. Returns
    ``(periods, months)`` (periods: :class:`~mstarget.risk.periods.Period`, in time order; months:
    float array, the whole table's for a row without a span), or None when no period is known (a table
    of one period ``all``, a scores file without ``first_period`` / ``last_period``).

    The periods are ``attrs["risk"]["periods"]`` (scores straight from
    :func:`~mstarget.risk.score.score`), else the ``periods`` column 'risk score --out' writes, else
    every month from the earliest ``first_period`` to the latest ``last_period``."""
    rows = scores if rows is None else rows
    meta = scores.attrs.get("risk") if hasattr(scores, "attrs") else None
    labels = list(meta.get("periods") or []) if meta else []
    if not labels and "periods" in scores.columns:
        values = pd.unique(scores["periods"].dropna().astype(str).str.strip())
        labels = [t.strip() for t in values[0].split(",") if t.strip()] if len(values) == 1 else []
    found = []
    for label in labels:
        try:
            found.append(parse_period(_period_text(label)))
        except ValueError:
            return None
    spans = []
    if all(c in rows.columns for c in PERIOD_COLUMNS):
        for first, last in zip(rows["first_period"].tolist(), rows["last_period"].tolist()):
            try:
                spans.append((parse_period(_period_text(first)).start, parse_period(_period_text(last)).end))
            except ValueError:
                spans.append(None)
    else:
        spans = [None] * len(rows)
    if not found:  # a scores file without its periods: every month from the first to the last
        ends = [sp for sp in spans if sp is not None]
        if not ends:
            return None
        found = [Period("", min(a for a, _ in ends), max(b for _, b in ends))]
    found = sorted(found, key=lambda q: (q.end, q.start))
    table: set[int] = set()
    for q in found:
        table.update(range(int(q.start), int(q.end) + 1))
    months = np.array([sum(1 for m in table if sp[0] <= m <= sp[1]) if sp is not None else len(table)
                       for sp in spans], float)
    return found, np.where(months > 0, months, len(table))


def market_periods(scores: pd.DataFrame, plan_period=None) -> dict | None:
    """How the default market (``volume="tested"``: the batches tested in the scored periods) is turned
    into one plan period's market, or None when the scores name no period (:func:`scored_months`): then
    it is taken as it is.

    The plan covers ``plan_period`` (a period label, ``2026``, ``"2026Q1"``: its length counts), by
    default one period as long as the latest scored one -- the "next period" the scores are for, as
    ``evaluate`` tests the period after its training ones. A group's market is its batches tested per
    month over the scored months it was listed in (:func:`scored_months`) times the plan's months:
    ``scales = plan months / the group's scored months`` (six yearly tables give each group a sixth of
    its six years' batches). A scores file without its periods (no ``periods`` column: 'risk score --out'
    before session 38) plans one period as long as its latest ``last_period`` on each group's months from
    its own first to last period; gaps between the periods cannot be seen there, so ``allocate`` warns.
    Returns ``{"scales" (per row), "scale" (the whole table's), "plan_months", "months", "span", "plan",
    "own" (rows scaled on fewer months than the table's), "latest" (the latest period's label),
    "no_periods" (that label when the periods were not known and a group spans more than one period,
    else None)}``."""
    plan = None
    if plan_period is not None:
        try:
            q = plan_period if hasattr(plan_period, "start") else parse_period(str(plan_period).strip())
        except ValueError as exc:
            raise ParameterError.invalid("plan_period", "mstarget.risk.allocate",
                                         "a period such as 2026, 2026H1 or 2026Q1 (the period the plan covers)",
                                         plan_period) from exc
        plan = (q.label, int(q.end - q.start + 1))
    got = scored_months(scores)
    if got is None:
        return None
    found, months = got
    total = len(set().union(*(range(int(q.start), int(q.end) + 1) for q in found)))
    last = found[-1]
    labels = [q.label for q in found if q.label]
    guessed = None
    if not labels:  # a scores file without its periods: the span of its first / last periods
        firsts = [parse_period(_period_text(v)) for v in scores["first_period"].tolist() if _period_ok(v)]
        lasts = [parse_period(_period_text(v)) for v in scores["last_period"].tolist() if _period_ok(v)]
        a = min(firsts, key=lambda q: (q.start, q.end)).label
        last = max(lasts, key=lambda q: (q.end, q.start))  # the latest period: the plan is one as long
        span = a if a == last.label else f"{a}–{last.label}"
        # each group over every month of its own first..last span: a gap between the periods (2019H2, then
        # 2022) cannot be seen, so a group listed in both is averaged over 42 months, not the 18 scored
        guessed = last.label if np.any(months > int(last.end - last.start + 1)) else None
    else:
        span = "、".join(labels) if len(labels) <= 4 else f"{labels[0]}–{labels[-1]}（{len(labels)} 期）"
    if plan is None:
        plan = (None, int(last.end - last.start + 1))
    own = int(np.sum(months < total))
    return {"scales": plan[1] / months, "scale": plan[1] / total, "plan_months": plan[1], "months": total,
            "span": span, "plan": plan[0], "own": own, "latest": last.label, "no_periods": guessed}


def _warn_no_periods(info: dict) -> None:
    """Warn that a scores file without the ``periods`` column (written before session 38) sized each
    group's market over every month of its first..last span (:func:`market_periods`)."""
    warnings.warn(_no_periods_text(info), MstargetWarning, stacklevel=3)  # helper -> allocate -> the caller


def _no_periods_text(info: dict) -> str:
    plan = f"the plan period {info['plan']}" if info["plan"] else f"one period as long as the latest, {info['latest']}"
    return (f"the scores file has no 'periods' column (written by an older 'risk score --out'), so gaps between "
            f"the periods scored cannot be seen: each group's market is its batches tested per month over every month "
            f"of its own first_period..last_period span ({info['span']}: {info['months']} months) x {info['plan_months']} "
            f"months ({plan}); if the periods were not contiguous the markets are too small. Re-run "
            "'risk score --out' to size the market exactly")


def _period_ok(v) -> bool:
    try:
        parse_period(_period_text(v))
        return True
    except ValueError:
        return False


def _market_note(info: dict) -> str:
    """The note saying how the default market was sized (:func:`market_periods`)."""
    latest = info["latest"] if info.get("no_periods") else None  # named when the file has no periods column
    plan_zh = f"计划期 {info['plan']}（{info['plan_months']} 个月）" if info["plan"] else \
        f"一期（{info['plan_months']} 个月，与最近一期{f' {latest} ' if latest else ''}等长）"
    plan_en = f"the plan period {info['plan']} ({info['plan_months']} months)" if info["plan"] else \
        f"one period ({info['plan_months']} months, as long as the latest scored one{f', {latest}' if latest else ''})"
    return (f"各组市场量（每组最多可抽、收益递减所依据的批次）按每期平均计：所评 {info['span']} 共 {info['months']} 个月的"
            f"抽检批次 × {info['plan_months']}/{info['months']}，即{plan_zh}的批次，而不是各期之和。 / each group's market "
            f"(the lots the diminishing returns are counted on) is its batches tested per period: those of the "
            f"{info['months']} months scored ({info['span']}) x {info['plan_months']}/{info['months']}, i.e. "
            f"{plan_en}, not the sum over every period scored (CLI --plan-period / plan_period= for a longer plan; "
            "--volume COLUMN for the lots on the market)"
            + ("" if not info.get("own") else
               f"；{info['own']} 组只在部分期间有数据（表中未列出），按其有数据的期间平均 / {info['own']} group(s) listed in "
               "only some of those periods are averaged over the periods they are listed in")
            + ("" if not info.get("no_periods") else
               "；评分文件无 periods 列（旧版 risk score --out 所写），期间之间若有间断无从看出，各组按其首末期之间的"
               "全部月份平均，间断时市场量偏小，请重新运行 risk score --out / the scores file has no 'periods' column: "
               "each group is averaged over every month of its first..last span (too small a market if the periods "
               "had gaps); re-run 'risk score --out'"))


def _plan_table(keys: pd.DataFrame, p: np.ndarray, weights: np.ndarray, vol: np.ndarray, n: np.ndarray,
                budget: int, floors: np.ndarray, caps: np.ndarray, lots: np.ndarray | None,
                lfloors: list = (), lcaps: list = ()) -> pd.DataFrame:
    """The result table: the plan ``n`` and the expected finds of it, the volume plan and an even split,
    both within the same floors and caps (and lots) as the plan, and the same floors and caps per level
    (``lfloors`` / ``lcaps``: :func:`level_bounded_allocation`), spending the same batches."""
    G = len(p)
    spend = int(n.sum())
    # the baselines' leftover batches (ties of their rounding) go in the groups' name order, not the table's
    # (sorted by risk: the riskiest groups would get them and the comparison would depend on row order)
    order = np.lexsort([keys[c].astype(str).to_numpy() for c in reversed(list(keys.columns))]) if len(keys.columns) \
        else np.arange(G)
    back = np.empty_like(order)
    back[order] = np.arange(G)
    floors_o, caps_o = np.asarray(floors)[order], np.asarray(caps)[order]
    lfloors_o, lcaps_o = ([(c, v, b, np.sort(back[idx])) for c, v, b, idx in items] for items in (lfloors, lcaps))
    b_vol = level_bounded_allocation(np.asarray(weights, float)[order], spend, floors_o, caps_o,
                                     lfloors_o, lcaps_o)[back]
    b_even = level_bounded_allocation(np.ones(G), spend, floors_o, caps_o, lfloors_o, lcaps_o)[back]
    out = keys.reset_index(drop=True).copy()
    out["risk"] = p
    out["volume"] = weights
    out["batches"] = n
    out["share"] = n / budget if budget else 0.0
    out["volume_share"] = weights / weights.sum() if weights.sum() > 0 else 1.0 / G
    out["expected_failures"] = expected_found(n, p, vol, lots)
    out["batches_volume"] = b_vol
    out["expected_failures_volume"] = expected_found(b_vol, p, vol, lots)
    out["batches_even"] = b_even
    out["expected_failures_even"] = expected_found(b_even, p, vol, lots)
    return out


def bounded_allocation(weights, budget: int, floors, caps) -> np.ndarray:
    """Split ``budget`` in proportion to ``weights`` within ``floors <= n <= caps`` (int64, shape (G,)).

    The plain plans a targeted plan is compared with keep its floors and caps: ``n = clip(t * w,
    floors, caps)`` with ``t`` found by bisection, then largest-remainder rounding; batches a
    weighted split cannot place (every weighted group at its cap) are spread evenly over the
    groups below their caps. Without binding floors or caps it is :func:`proportional_allocation`.
    """
    w = np.asarray(weights, float)
    floors = np.asarray(floors, float)
    caps = np.asarray(caps, float)
    if w.sum() <= 0:
        w = np.ones(len(w))
    plain = proportional_allocation(w, budget)
    if ((plain >= floors) & (plain <= caps)).all():
        return plain
    hi_t = 1.0
    while np.clip(hi_t * w, floors, caps).sum() < budget and hi_t < 1e300:
        hi_t *= 2.0
    lo_t = 0.0
    for _ in range(200):
        mid = 0.5 * (lo_t + hi_t)
        if np.clip(mid * w, floors, caps).sum() < budget:
            lo_t = mid
        else:
            hi_t = mid
    exact = np.minimum(np.clip(hi_t * w, floors, caps), caps)
    n = np.minimum(np.maximum(np.floor(exact), floors), caps)
    rest = int(budget - n.sum())
    order = np.argsort(-(exact - n), kind="stable")
    for i in order:  # largest remainders first, one batch each, within the caps
        if rest <= 0:
            break
        if n[i] + 1 <= caps[i]:
            n[i] += 1
            rest -= 1
    while rest > 0:  # what the weights cannot place: evenly over the groups below their caps
        room = np.flatnonzero(n < caps)
        if not len(room):
            break
        add = even_allocation(len(room), rest)
        add = np.minimum(add, caps[room] - n[room])
        if add.sum() <= 0:
            break
        n[room] += add
        rest -= int(add.sum())
    while rest < 0:  # floors rounded up past the budget: take back from the largest above its floor
        i = int(np.argmax(np.where(n > floors, n - floors, -1)))
        n[i] -= 1
        rest += 1
    return n.astype(np.int64)


def _level_limits(lfloors: list, lcaps: list) -> list[tuple[np.ndarray, float, float]]:
    """Each level value limited, once: ``(its groups' positions, floor, cap)`` (0 / inf when not given)."""
    out: dict = {}
    for c, v, b, idx in lfloors:
        out[(c, v)] = [np.asarray(idx, np.int64), float(b), np.inf]
    for c, v, b, idx in lcaps:
        out.setdefault((c, v), [np.asarray(idx, np.int64), 0.0, np.inf])[2] = float(b)
    return [tuple(x) for x in out.values()]


def _levels_hold(n: np.ndarray, limits: list) -> bool:
    return all(lo - 1e-9 <= float(np.sum(n[idx])) <= hi + 1e-9 for idx, lo, hi in limits)


def _solve_scale(f, target: float) -> float:
    """The scale ``s > 0`` at which the non-decreasing ``f(s)`` reaches ``target`` (bisection on log s)."""
    lo, hi = -700.0, 700.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(math.exp(mid)) < target:
            lo = mid
        else:
            hi = mid
    return math.exp(hi)


def level_bounded_allocation(weights, budget: int, floors, caps, lfloors: list = (), lcaps: list = ()) -> np.ndarray:
    """:func:`bounded_allocation` also within floors and caps per level of ``by`` (int64, shape (G,)).

    ``lfloors`` / ``lcaps``: ``(column, value, batches, positions of its groups)`` as ``allocate`` reads
    ``min_per_level`` / ``max_per_level``. The volume and even plans a targeted plan is compared with keep the
    same level limits and spend the same ``budget``: when :func:`bounded_allocation` breaks one, each limited
    level's groups are scaled together (``n = clip(t * w * m_level, floors, caps)``, one multiplier ``m`` per
    level, found in turn until every level holds; a group of a district and a category takes both), then
    rounded by largest remainders, the levels short of their floor first, never past a cap."""
    w = np.asarray(weights, float)
    n = bounded_allocation(w, budget, floors, caps)
    limits = _level_limits(list(lfloors), list(lcaps))
    if not limits or _levels_hold(n, limits):
        return n
    w = w if w.sum() > 0 else np.ones(len(w))
    w = np.where(w > 0, w, 1e-12 * w.max())  # a group of no weight may still be needed for a level's floor
    floors, caps = np.asarray(floors, float), np.asarray(caps, float)
    m = np.ones(len(limits))

    def x_of(t: float) -> np.ndarray:
        scale = w.copy()
        for k, (idx, _, _) in enumerate(limits):
            scale[idx] *= m[k]
        return np.clip(t * scale, floors, caps)

    t = 1.0
    for _ in range(200):  # Gauss-Seidel on the levels' multipliers and the budget's scale
        t = _solve_scale(lambda s: float(x_of(s).sum()), budget)
        moved = 0.0
        for k, (idx, lo, hi) in enumerate(limits):
            x = x_of(t)
            s_k = float(x[idx].sum())
            if s_k > hi + 1e-9 or s_k < lo - 1e-9 or m[k] != 1.0:
                old, m[k] = m[k], 1.0
                s_1 = float(x_of(t)[idx].sum())
                if not lo - 1e-9 <= s_1 <= hi + 1e-9:

                    def level_sum(mk, k=k, idx=idx):
                        m[k] = mk
                        return float(x_of(t)[idx].sum())

                    m[k] = _solve_scale(level_sum, hi if s_1 > hi else lo)
                moved = max(moved, abs(math.log(m[k] / old)))
        if moved < 1e-9:
            break
    x = x_of(_solve_scale(lambda s: float(x_of(s).sum()), budget))
    return _round_within_levels(x, budget, floors, caps, limits)


def _round_within_levels(x: np.ndarray, budget: int, floors: np.ndarray, caps: np.ndarray,
                         limits: list) -> np.ndarray:
    """Whole batches from the split ``x`` (shape (G,)), summing to ``budget``: rounded down, then one batch
    each by largest remainder -- to the groups of a level short of its floor first -- never past a group's or
    a level's cap."""
    n = np.minimum(np.maximum(np.floor(x + 1e-9), floors), caps)
    of: list[list[int]] = [[] for _ in range(len(x))]  # the limited levels each group is in
    for k, (idx, _, _) in enumerate(limits):
        for i in idx:
            of[int(i)].append(k)

    def room(i: int) -> float:
        return min([caps[i] - n[i]] + [limits[k][2] - n[limits[k][0]].sum() for k in of[i]])

    def give(members) -> bool:
        open_ = [i for i in members if room(int(i)) >= 1]
        if not open_:
            return False
        n[max(open_, key=lambda i: (x[i] - n[i], -i))] += 1
        return True

    for idx, lo, _ in limits:
        while n[idx].sum() < lo and n.sum() < budget and give(idx):
            pass
    while n.sum() < budget and give(range(len(x))):
        pass
    while n.sum() > budget:  # floors rounded up past the budget: back from the largest over its share
        spare = [i for i in range(len(x)) if n[i] > floors[i]
                 and all(n[limits[k][0]].sum() > limits[k][1] for k in of[i])]
        if not spare:
            break
        n[max(spare, key=lambda i: (n[i] - x[i], -i))] -= 1
    return n.astype(np.int64)


def _warn_concentration(n: np.ndarray, budget: int, groups: list, warn_share: float | None) -> None:
    """:class:`ConcentrationWarning` when a group gets over ``warn_share`` (or ``1 / G``) of the budget."""
    top = int(np.argmax(n))
    warn_at = None if warn_share is None else max(warn_share, 1.0 / len(groups))  # 1/G: nothing can do better
    if warn_at is not None and budget > 0 and n[top] / budget > warn_at + 1e-12:
        over = [(groups[i], n[i] / budget) for i in np.argsort(-n) if n[i] / budget > warn_at]
        listed = ", ".join(f"{g} {s:.0%}" for g, s in over[:5])
        warnings.warn(f"the plan puts more than {share_text(warn_at)} of the budget into one group ({listed}); "
                      "a plan that covers every category needs a lower max_share (CLI: --max-share) or "
                      "a lower risk_share (CLI: --risk-share)", ConcentrationWarning,
                      stacklevel=3)  # helper -> allocate -> the caller


def _volume(volume, groups: list, scores: pd.DataFrame) -> np.ndarray:
    """Lots on the market per group (shape (G,), inf = unlimited); ``tested`` absent means unlimited."""
    G = len(groups)
    if volume is None or (isinstance(volume, float) and math.isinf(volume)):
        return np.full(G, np.inf)
    if isinstance(volume, str) and volume not in scores.columns:
        if volume == "tested":
            return np.full(G, np.inf)
        raise _no_column(scores, volume, "volume")
    vol = _per_group(volume, "volume", groups, scores, np.inf)
    if (vol < 0).any():
        raise ParameterError.invalid("volume", "mstarget.risk.allocate", "lots >= 0 per group", volume)
    if isinstance(volume, str) and volume == "tested":
        # a group never tested: its market is unknown, not one lot (its risk is the prior's);
        # inf here, sized by unknown_markets once the weights of the volume plan are taken
        vol = np.where(vol > 0, vol, np.inf)
    return vol


def unknown_markets(vol: np.ndarray, volume, groups: list, notes: list | None = None,
                    warn: bool = True) -> np.ndarray:
    """Markets (shape (G,)) of the diminishing-returns model, a size given to each group never tested.

    With the default ``volume="tested"``, a group's market stands in as the batches it had tested.
    A group with 0 batches (or a blank) in every scored period -- a category the office never
    sampled, or one new to the catalogue -- has no such figure: its market is *unknown*, and an
    unknown market must not be taken as an unlimited one (every batch finding ``risk`` failures,
    so the plan would pour the largest share allowed into a category nobody has sampled, on a
    prior risk, and the headline ratio would count those finds).

    Rule: such a group is given **the smallest market among the groups that were tested** (the
    least-sampled category's batches). The plan then gives it no more than it would give the
    least-sampled category at the same risk, and credits it with no more finds; its floor
    (``min_per_group`` / ``min_share``) is the way to sample it more. Why not the median group's
    market: a category never found in any year is, on the evidence, a small one; a typical market
    would hand hundreds of batches to a category the office could not even find to sample. A
    :class:`~mstarget.exceptions.MstargetWarning` (``warn``) and a note name the groups. If no group
    was tested, nothing is known of any market: every group stays unlimited (``inf``).

    ``vol`` holds ``inf`` where the market is unknown (:func:`_volume`); other ``volume`` settings
    (lots given, or ``None`` = unlimited) are returned unchanged.
    """
    if not (isinstance(volume, str) and volume == "tested"):
        return vol
    known = np.isfinite(vol) & (vol > 0)
    if known.all() or not known.any():
        return vol
    size = float(np.min(vol[known]))
    unknown = np.flatnonzero(~known)
    names = "、".join(_group_name(groups[i]) for i in unknown[:10]) + (
        f" 等 {len(unknown)} 组" if len(unknown) > 10 else "")
    smallest = _group_name(groups[int(np.flatnonzero(known & (vol == size))[0])])
    text = (f"未抽检过的类别，市场量未知：{names}。按已抽检类别中最小的市场量（{smallest}，{size:,.0f} 批）计，"
            "不视为无限市场；如需多抽，请设最低批次（--min-per-group），如知道在售批次请给出（--volume 列名）。 / "
            f"never tested in the scored periods, so its market is unknown: {names}; sized as the smallest tested "
            f"market ({smallest}, {size:,.0f} batches), not as an unlimited one, so the plan does not bet on it. "
            "To sample it more set a floor (min_per_group, CLI --min-per-group); if its lots are known, give them "
            "(volume=..., CLI --volume COLUMN)")
    if notes is not None:
        notes.append(text)
    if warn:
        warnings.warn(text, MstargetWarning, stacklevel=3)  # unknown_markets -> allocate -> the caller
    return np.where(known, vol, size)


def even_allocation(n_groups: int, budget: int) -> np.ndarray:
    """Split ``budget`` as evenly as possible over ``n_groups`` (first groups get the remainder)."""
    base = np.full(n_groups, budget // n_groups, dtype=np.int64)
    base[: budget - int(base.sum())] += 1
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


# ----------------------------------------------------------------------------- floors / caps per level of `by`
class Level(tuple):
    """One floor or cap on a level of ``by``: ``(column, value, batches, member rows)`` -- e.g. every
    食品大类 group of 区县 新区 together at least 450 batches."""

    @property
    def label(self) -> str:
        return f"{self[0]} {self[1]}"


def _level_column(name, by: list, scores: pd.DataFrame) -> str | None:
    """The ``by`` column a level is named by: as given, as the scores file writes it (食品大类 for
    ``category``), or as a bureau writes a header ``score`` renamed; None when it is no ``by`` column."""
    if name in by:
        return name
    written = (scores.attrs.get("headers") or {}) if hasattr(scores, "attrs") else {}
    for canon, w in written.items():
        if str(w) == str(name) and canon in by:
            return canon
    canon = ALIASES.get(layout.header_key(name)) if isinstance(name, str) else None
    return canon if canon in by else None


def _split_level_keys(value, groups: list, by: list, scores: pd.DataFrame, name: str):
    """A ``min_per_group`` / ``max_per_group`` mapping split into the groups it names and the levels: a key
    that is no group but a value of one ``by`` column (``{"甲区": 400}`` with ``by=[食品大类, 区县]``) is
    a floor (cap) on that value's groups together, as ``min_per_level={"区县": {"甲区": 400}}``."""
    if not isinstance(value, Mapping) or len(by) < 2:
        return value, {}
    keep, levels = {}, {}
    for k, v in value.items():
        if k in groups:
            keep[k] = v
            continue
        cols = _value_columns(k, by, scores)
        if len(cols) > 1:
            raise _several_columns(k, v, cols, name, scores, name.replace("group", "level"))
        if len(cols) == 1:
            levels.setdefault(cols[0], {})[str(k)] = v
        else:
            keep[k] = v  # refused by _per_group, naming it
    return keep, levels


def _level_key(text) -> str:
    """A level's value as compared with the scores' (:func:`mstarget.risk.samples.group_key`, as evaluate
    matches groups): 四会市(县级) is 四会市（县级）, 高要 区 is 高要区."""
    return group_key(text)


def _value_columns(value, by: list, scores: pd.DataFrame) -> list:
    """The ``by`` columns holding ``value`` (compared as :func:`_level_key` compares them)."""
    key = _level_key(value)
    return [c for c in by if key in {_level_key(x) for x in pd.unique(scores[c].astype(str))}]


def _several_columns(value, batches, cols: list, name: str, scores: pd.DataFrame,
                     level: str | None = None) -> ParameterError:
    """A level named by a value of several ``by`` columns (其他 a 区县 and a 食品大类): say which, each
    column as the scores file writes it, in Python and on the command line (``level``: the parameter to
    write it with, ``min_per_level`` for a key of ``min_per_group``)."""
    written = (scores.attrs.get("headers") or {}) if hasattr(scores, "attrs") else {}
    shown = [str(written.get(c, c)) for c in cols]
    level = level or name
    flag = "--" + level.replace("_", "-")
    return ParameterError(
        f"The '{name}' parameter of mstarget.risk.allocate names {value!r}, which is a value of both "
        f"{' and '.join(shown)}; say which column it is in: {level}={{{shown[0]!r}: {{{value!r}: {batches!r}}}}} "
        f"(command line: {flag} {shown[0]}:{value}={batches}, or {shown[1]}:{value}={batches})"
        f"（{value}同时是{'和'.join(shown)}的取值：请写明列名，如 {shown[0]}:{value}={batches}）")


def _levels(value, name: str, by: list, scores: pd.DataFrame, extra: dict | None = None) -> list:
    """Floors or caps on levels of ``by`` as :class:`Level` items: ``value`` maps a ``by`` column to batches
    (each of its values) or to ``{value: batches}``; ``extra`` (the same shape) comes from
    :func:`_split_level_keys`. Refused: a column that is no ``by`` column, a value not in it, batches that
    are no whole number >= 0."""
    items = []
    merged: dict = {}
    for src in (value or {}, extra or {}):
        if not isinstance(src, Mapping):
            raise ParameterError.invalid(name, "mstarget.risk.allocate",
                                         "a mapping {group column: batches, or {value: batches}}", src)
        for col, v in src.items():
            c = _level_column(col, by, scores)
            if c is None and not isinstance(v, Mapping):  # a value of one by column: {"新区": 450}
                cols = _value_columns(col, by, scores)
                if len(cols) == 1:
                    c, v = cols[0], {str(col): v}
                elif len(cols) > 1:
                    raise _several_columns(col, v, cols, name, scores)
            if c is None:
                raise ParameterError(f"The '{name}' parameter of mstarget.risk.allocate names {col!r}, which is no "
                                     f"group column; the groups are by {', '.join(map(str, by))}（所给层级不是分组列）")
            for k, x in (v.items() if isinstance(v, Mapping) else [("*", v)]):
                had = merged.setdefault(c, {})
                if str(k) in had and had[str(k)] != x:  # max_per_level and max_per_group naming one district
                    raise _two_limits(name, _written_name(scores, c), "every value" if k == "*" else str(k),
                                      had[str(k)], x)
                had[str(k)] = x
    written = (scores.attrs.get("headers") or {}) if hasattr(scores, "attrs") else {}
    for c, spec in merged.items():
        shown = str(written.get(c, c))  # as the scores file writes it (食品大类, not category)
        text = scores[c].astype(str).to_numpy()
        values = list(dict.fromkeys(text.tolist()))
        keyed = {}
        for x in values:
            keyed.setdefault(_level_key(x), []).append(x)
        every = spec.pop("*", None)
        todo = ([(x, every, True) for x in values] if every is not None else []) + \
            [(k, x, False) for k, x in spec.items()]
        named: dict = {}  # value matched -> (as given, batches): two limits on one value refused
        for val, v, each in todo:
            given = val
            if val not in values and len(keyed.get(_level_key(val), ())) == 1:
                val = keyed[_level_key(val)][0]  # 四会市(县级) for 四会市（县级）, as evaluate matches groups
            if val not in values:
                place = _place_match(val, values)
                if place is not None:  # 鼎湖 for 鼎湖区 (or 鼎湖区 for 鼎湖), the one place so named: said
                    warnings.warn(MstargetWarning(
                        f"The '{name}' parameter of mstarget.risk.allocate names {shown} {val!r}, read as {place!r}, "
                        f"the one {shown} value it is short for（{shown}“{val}”按“{place}”计）"), stacklevel=3)
                    val = place
            if not each:  # a named value wins over 'each' (区县=300 and 区县:鼎湖区=100)
                if val in named and named[val][0] != given and named[val][1] != v:
                    raise _two_limits(name, shown, val, named[val][1], v, named[val][0], given)
                named[val] = (given, v)
            if val not in values and name == "max_per_level":
                # a cap on a value with no scores (a lab's capacity list covering every 区县): nothing to cap
                close = _close_names(val, values)
                warnings.warn(MstargetWarning(
                    f"The '{name}' parameter of mstarget.risk.allocate caps {shown} {val!r}, which has no scores "
                    f"(the scores' {shown} column: {'、'.join(values[:12])}{' ...' if len(values) > 12 else ''}); "
                    f"the cap is ignored" + (f" -- did you mean {'、'.join(close)}?" if close else "")
                    + f"（{shown}“{val}”无评分，其上限不起作用）"), stacklevel=3)
                continue
            if val not in values:
                close = _close_names(val, values)
                raise ParameterError(f"The '{name}' parameter of mstarget.risk.allocate names {shown} {val!r}, which is "
                                     f"not in the scores' {shown} column ({'、'.join(values[:12])}"
                                     f"{' ...' if len(values) > 12 else ''})" + (f"; did you mean {'、'.join(close)}?"
                                                                                 if close else "")
                                     + "（所给值不在该分组列中）")
            try:
                b = parse_batches(v) if isinstance(v, str) else v
                if isinstance(b, bool) or not float(b).is_integer() or b < 0:
                    raise ValueError("a whole number >= 0")
            except (ValueError, TypeError) as exc:
                raise ParameterError(f"The '{name}' parameter of mstarget.risk.allocate: {shown} {val}: {v!r} is no "
                                     f"whole number of batches >= 0 (500, 500批, 2万): {exc}") from None
            items = [it for it in items if not (it[0] == shown and it[1] == val)]  # a named value wins over 'each'
            items.append(Level((shown, val, int(b), np.flatnonzero(text == val))))
    return items


#: endings of Chinese place names a level value may be given without (鼎湖 for 鼎湖区), longest first
_PLACE_ENDINGS = ("自治县", "自治州", "自治区", "新区", "街道", "区", "县", "市", "镇", "乡", "旗")


def _place_match(val: str, values: list) -> str | None:
    """The one value of ``values`` that ``val`` names with or without a place-name ending (鼎湖 for 鼎湖区,
    鼎湖区 for 鼎湖, compared as :func:`_level_key` compares); None when none or several do (高要 for 高要区
    and 高要市), or only with another ending (四会县 is not 四会市)."""
    key = _level_key(val)

    def bare(k: str) -> str:
        return next((k[:-len(e)] for e in _PLACE_ENDINGS if k.endswith(e) and len(k) > len(e) + 1), k)
    if not key:
        return None
    # one side written without its ending; never one ending for another (四会县 is not 四会市)
    hits = []
    for x in values:
        k = _level_key(x)
        if len(bare(key)) >= 2 and ((k != bare(k) and bare(k) == key) or (key != bare(key) and bare(key) == k)):
            hits.append(x)
    return hits[0] if len(hits) == 1 else None


def _close_names(val: str, values: list) -> list:
    """Values that look like ``val`` for a "did you mean": close spellings (端洲区 for 端州区), never a name
    sharing one character (市本级 for 四会市)."""
    return difflib.get_close_matches(str(val), [str(x) for x in values], n=3, cutoff=0.6)


def _written_name(scores: pd.DataFrame, c) -> str:
    """Column ``c`` as the scores file writes it (食品大类, not category)."""
    written = (scores.attrs.get("headers") or {}) if hasattr(scores, "attrs") else {}
    return str(written.get(c, c))


def _two_limits(name: str, shown: str, val: str, first, second, as_first: str | None = None,
                as_second: str | None = None) -> ParameterError:
    """Two different limits on one level value (区县:鼎湖区=100 and 区县:鼎湖区=200, or 鼎湖 and 鼎湖区): refused,
    naming both, since either could be the one meant."""
    a = f" (as {as_first!r})" if as_first and as_first != val else ""
    b = f" (as {as_second!r})" if as_second and as_second != val else ""
    return ParameterError(
        f"The '{name}' parameter of mstarget.risk.allocate sets two limits on {shown} {val!r}: {first!r}{a} and "
        f"{second!r}{b}; give one（{shown}“{val}”有两个不同的限额：{first} 与 {second}，请只保留一个）")


def _check_levels(lfloors: list, lcaps: list, floors: np.ndarray, caps: np.ndarray, budget: int) -> None:
    """Refuse level floors and caps that cannot hold together, naming each (Chinese, then English)."""
    bad = []
    capd = {(c, v): b for c, v, b, _ in lcaps}
    for c, v, b, idx in lfloors:
        if (c, v) in capd and capd[(c, v)] < b:
            bad.append(f"{c} {v}：下限 {b:,} > 上限 {capd[(c, v)]:,} / floor above its cap")
        room = float(np.sum(caps[idx]))
        if room < b:
            bad.append(f"{c} {v}：下限 {b:,} 批，但其 {len(idx)} 组的上限合计只有 {room:,.0f} 批（每组上限，含默认 30% 上限）"
                       f" / floor {b:,} above the caps of its {len(idx)} groups ({room:,.0f})")
    for c, v, b, idx in lcaps:
        if float(np.sum(floors[idx])) > b:
            bad.append(f"{c} {v}：上限 {b:,} 批，但其各组下限合计 {np.sum(floors[idx]):,.0f} 批 / cap below its groups' "
                       "floors")
    for c in dict.fromkeys(x[0] for x in lfloors):
        tot = sum(b for cc, _, b, _ in lfloors if cc == c)
        if tot > budget:
            bad.append(f"各{c}下限合计 {tot:,} 批 > 预算 {budget:,} 批 / the floors of every {c} add up to more than the "
                       "budget")
    for c in dict.fromkeys(x[0] for x in lcaps):
        mine = [x for x in lcaps if x[0] == c]
        covered = np.zeros(len(floors), bool)
        for x in mine:
            covered[x[3]] = True
        room = sum(b for _, _, b, _ in mine) + float(np.sum(caps[~covered]))
        if room < budget:
            bad.append(f"各{c}上限（及其余各组上限）合计 {room:,.0f} 批 < 预算 {budget:,} 批 / the caps cannot take the budget")
    if bad:
        raise ParameterError("按层级的下限/上限无法同时满足（区县、食品大类的最低/最高批次）：" + "；".join(bad)
                             + "。请调整下限、上限或预算 / the floors and caps per level cannot all hold: raise the "
                             "budget or change them (min_per_level / max_per_level, CLI --min-per-level / "
                             "--max-per-level)")


def _fill_levels(n: np.ndarray, p: np.ndarray, logq: np.ndarray, units: int, caps: np.ndarray,
                 members: np.ndarray, lcaps: list) -> tuple[np.ndarray, int]:
    """Give ``units`` more batches, one greedy step at a time, to the ``members`` rows with the largest next
    gain, within the caps per group and per level (``lcaps``); ``(n, units not placed)``."""
    n = n.copy()
    capped = np.where(np.isfinite(caps), caps, float(n.sum() + units) + 1.0).astype(np.int64)
    lroom = np.array([b - int(n[idx].sum()) for _, _, b, idx in lcaps], np.int64)
    of: dict[int, list[int]] = {}
    for k, (_, _, _, idx) in enumerate(lcaps):
        for i in idx:
            of.setdefault(int(i), []).append(k)

    def room(i):
        r = int(capped[i] - n[i])
        for k in of.get(i, ()):
            r = min(r, int(lroom[k]))
        return r

    def gain(i):
        if logq[i] == -np.inf:
            return p[i] if n[i] == 0 else 0.0
        return p[i] * math.exp(n[i] * logq[i])

    heap = [(-gain(int(i)), int(i)) for i in members if room(int(i)) > 0]
    heapq.heapify(heap)
    remaining = int(units)
    while remaining > 0 and heap:
        neg, i = heapq.heappop(heap)
        r = room(i)
        if r <= 0:
            continue
        g_i, g2 = -neg, (-heap[0][0] if heap else -1.0)
        if g_i <= 0 or g2 <= 0 or logq[i] == 0:
            step = remaining
        elif logq[i] == -np.inf:
            step = 1
        else:
            step = max(int(np.floor(np.log(g2 / p[i]) / logq[i] + 1e-12) + 1 - n[i]), 1)
        step = int(min(step, remaining, r))
        n[i] += step
        remaining -= step
        for k in of.get(i, ()):
            lroom[k] -= step
        if room(i) > 0:
            heapq.heappush(heap, (-gain(i), i))
    return n, remaining


def _level_plan(p, vol, spend: int, weights, floors, caps, risk_share: float, lfloors: list, lcaps: list,
                notes: list) -> np.ndarray:
    """The plan (int64, shape (G,)) under floors and caps per level of ``by``, jointly with the risk greedy:
    the coverage share first (within the level caps), then each level floor met by the best cells of that level
    (largest next gain), then the rest of the budget by the greedy within every cap. Binding ones are named in
    ``notes`` with what the plan would give without them."""
    p = np.asarray(p, float)
    N = np.maximum(np.asarray(vol, float), 1.0)
    with np.errstate(divide="ignore"):
        logq = np.where(np.isfinite(N), np.log1p(-1.0 / N), 0.0)
    logq = np.where(N <= 1.0, -np.inf, logq)
    G = len(p)
    everyone = np.arange(G)

    def attempt(cov: float):
        base = _coverage_floors(weights, spend, cov, floors, caps).astype(np.int64)
        over = True
        while over:  # the coverage share of a capped level kept within its cap (a district's and a category's
            over = False  # caps in turn: refitting one may lift a group of the other; each refit lowers the sum)
            for c, v, b, idx in lcaps:
                if base[idx].sum() > b:
                    base[idx] = bounded_allocation(np.asarray(weights, float)[idx], b, floors[idx], caps[idx])
                    over = True
        n = base
        for c, v, b, idx in lfloors:
            need = b - int(n[idx].sum())
            if need > 0:
                n, left = _fill_levels(n, p, logq, need, caps, idx, lcaps)
                if left:
                    return None, f"{c} {v}"
        return (n, None) if n.sum() <= spend else (None, None)

    n, why = attempt(risk_share)
    if n is None and why is None:  # floors + coverage above the budget: less coverage (bisection on the share)
        n, why = attempt(1.0)
        lo, hi = risk_share, 1.0
        while n is not None and hi - lo > 1e-4:
            mid = 0.5 * (lo + hi)
            trial, _ = attempt(mid)
            if trial is not None:
                n, hi = trial, mid
            else:
                lo = mid
        if n is not None:
            notes.append(f"为满足按层级的下限，按量覆盖部分由 {share_text(1 - risk_share)} 减为 {share_text(1 - hi)} / the "
                         f"coverage share was cut from {share_text(1 - risk_share)} to {share_text(1 - hi)} to meet the "
                         "floors per level")
    if n is None:
        raise ParameterError(f"按层级的下限无法满足{('：' + why) if why else ''}（其各组已达上限，或各层级上限不允许）/ the floors "
                             "per level cannot be met within the caps per group and per level: raise the caps or "
                             "lower the floors")
    rest = spend - int(n.sum())
    if rest > 0:
        if lcaps:
            n, left = _fill_levels(n, p, logq, rest, caps, everyone, lcaps)
            if left:
                raise ParameterError(f"按层级的上限使 {left:,} 批无处可分 / the caps per level leave {left:,} batches "
                                     "with nowhere to go: raise them or lower the budget")
        else:
            n = greedy_allocate(p, vol, spend, n, caps)
    # which floors and caps bind: against the plan without them
    free = greedy_allocate(p, vol, spend, _coverage_floors(weights, spend, risk_share, floors, caps), caps)
    said = []
    for kind, items in (("下限 floor", lfloors), ("上限 cap", lcaps)):
        for c, v, b, idx in items:
            got, without = int(n[idx].sum()), int(free[idx].sum())
            if (kind.startswith("下") and got <= b and without < b) or (kind.startswith("上") and got >= b
                                                                        and without > b):
                top = [i for i in idx[np.argsort(-p[idx], kind="stable")][:3]]
                said.append(f"{c} {v} {kind} {b:,} 批起作用：本方案 {got:,} 批，不设时 {without:,} 批"
                            + (f"（补足的批次先给该{c}中风险最高的组）" if kind.startswith("下") and top else "")
                            + f" / {c} {v}: {kind.split()[1]} {b:,} binds ({got:,} batches; {without:,} without it)")
    unbound = len(lfloors) + len(lcaps) - len(said)
    notes.append("按层级的下限/上限 floors and caps per level：" + ("；".join(said) if said else "均未起作用 none binds")
                 + (f"；其余 {unbound} 个未起作用 ({unbound} more do not bind)" if said and unbound else "")
                 + "。对照的按量、平均方案同样遵守这些层级限制、用同一预算 / the volume and even plans compared are held "
                 "to them too, with the same budget")
    return n.astype(np.int64)
