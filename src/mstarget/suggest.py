"""Targets met with a given probability: what a draft plan could promise (十五五 drafting).

A bureau drafting a plan (2025 baseline, 2030 targets) asks, per indicator, which figure would be met
with, say, 70 % and 80 % probability, to see which proposed targets are timid and which too ambitious.
:func:`suggest_targets` answers from the very simulation :func:`mstarget.assess.assess_detailed` runs
(``keep_paths=True``): for each plan row, the sample of the quantity its target is compared with --

* ``level``       the value in the target year
* ``cumulative``  (〔〕) the stock at the end of the target year
* ``increment``   (〈〉) the sum of the yearly flows of the plan period
* 年均增长 rows (a growth rate judged on the period's compound average, :func:`mstarget.assess.period_average`):
                  that average

-- and the figure met with probability ``p`` is its ``1 - p`` quantile for a ``>=`` target (the value the
quantity reaches or exceeds on a share ``p`` of the paths) and its ``p`` quantile for a ``<=`` one. The figure
is rounded the safe way to the decimals the plan writes the target with (``target_decimals``, else the target's
own figure) or the history reports the series with, whichever is finer -- down for ``>=``, up for ``<=`` -- so
that it is met with at least ``p`` on the same paths (``p_at_<p>`` says with which probability exactly: a count
of incidents, 0 or 1 起, can jump from 0.79 to 0.97), and it never leaves the indicator's bounds (a ``%`` share
0-100, a count >= 0, a growth rate >= -100). The same seed gives the same figures, and ``assess`` of a plan whose
target is the suggested figure gives ``p_meet`` = ``p_at_<p>``.

A qualitative row (建成), a row without data, and a target year whose value is only interpolated get no figure
(NaN) and a ``reason``.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .arguments import check_int, check_seed, check_table, check_year
from .assess import Thresholds, _assess_row, _share_meeting, assess_detailed, period_average
from .exceptions import ParameterError
from .forecast import DEFAULT_PATHS
from .precision import MAX_DECIMALS, reported_decimals, written_decimals
from .schedule import ScheduleRules

#: the default probabilities: a target met with 70 % and with 80 % probability
DEFAULT_PROBABILITIES = (0.7, 0.8)

#: the columns of the result before the per-probability ones
COLUMNS = ["region", "indicator", "name", "unit", "target_year", "kind", "direction", "target", "p_meet",
           "forecast"]

_OWNER = "suggest_targets"


def probability_label(p: float) -> str:
    """The percentage naming a probability in column names and headers: 0.7 -> ``70``, 0.725 -> ``72.5``."""
    return f"{round(float(p) * 100, 6):g}"


def target_column(p: float) -> str:
    """``target_at_70`` for 0.7: the column of the figure met with probability ``p``."""
    return f"target_at_{probability_label(p)}"


def probability_column(p: float) -> str:
    """``p_at_70`` for 0.7: the probability with which the rounded figure of ``target_at_70`` is met."""
    return f"p_at_{probability_label(p)}"


def check_probabilities(probabilities, owner: str = _OWNER) -> tuple[float, ...]:
    """Probabilities strictly between 0 and 1, in the order given, each once (a single number accepted);
    :class:`ParameterError` otherwise -- 70 instead of 0.7 said so."""
    expected = "probabilities strictly between 0 and 1, e.g. (0.7, 0.8)"
    values = [probabilities] if isinstance(probabilities, (int, float, np.integer, np.floating)) else probabilities
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ParameterError.invalid("probabilities", owner, expected, probabilities)
    out: list[float] = []
    for v in list(values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)) \
                or not math.isfinite(float(v)):
            raise ParameterError.invalid("probabilities", owner, expected, probabilities)
        v = float(v)
        if not 0 < v < 1:
            hint = f" ({v:g} looks like a percentage: write {v / 100:g})" if 1 < v < 100 else ""
            raise ParameterError(f"The 'probabilities' parameter of {owner} must be {expected}{hint}. "
                                 f"Got {probabilities!r} instead.")
        if v not in out:
            out.append(v)
    if not out:
        raise ParameterError.invalid("probabilities", owner, expected, probabilities)
    return tuple(out)


def suggest_targets(history, plan, probabilities=DEFAULT_PROBABILITIES, *, region: str | None = None,
                    as_of: int | None = None, model="auto", seed: int = 0, n_paths: int = DEFAULT_PATHS,
                    use_plan_baseline: bool = True, calibration="default", reference=None,
                    backend: str = "serial", n_jobs: int | None = None, scheduler: str | None = None,
                    progress: bool = False) -> pd.DataFrame:
    """The target figure each plan row would meet with each of ``probabilities``.

    Parameters
    ----------
    history, plan, region, as_of, model, seed, n_paths, use_plan_baseline, calibration, reference, backend,
    n_jobs, scheduler, progress
        As :func:`mstarget.assess` takes them: the forecast is ``assess``'s own (``assess_detailed`` with
        ``keep_paths=True``), so the same seed gives the same figures and the same ``p_meet``.
    probabilities : float or sequence of floats
        Each strictly between 0 and 1 (default ``(0.7, 0.8)``).

    Returns
    -------
    DataFrame
        One row per plan row, in plan order: ``region, indicator, name, unit, target_year, kind`` (``level``,
        ``cumulative`` 〔〕, ``increment`` 〈〉), ``direction`` (``>=`` / ``<=``), ``target`` (as drafted) and its
        ``p_meet``, ``forecast`` (the median of the compared quantity: the figure met with probability 0.5),
        then per probability ``target_at_<p%>`` (``target_at_70``: the compared quantity -- the level, the
        〔〕 stock, the 〈〉 sum of the period's flows, a 年均 row's period average -- met with that
        probability: the ``1 - p`` quantile of a ``>=`` row, the ``p`` quantile of a ``<=`` row, rounded the
        safe way to ``decimals`` and within the indicator's bounds) and ``p_at_<p%>`` (the probability that
        rounded figure is met with on the same paths: at least ``p``); ``decimals`` (of the figures),
        ``reason`` (why a row has no figure, or what to know about it; empty otherwise), and the plan's
        ``target_written`` / ``target_decimals`` when it has them. NaN figures for a qualitative row, a row
        without data and a target year only interpolated.
    """
    check_table(plan, "plan", _OWNER)
    check_table(history, "history", _OWNER, optional=True)
    check_year(as_of, "as_of", _OWNER, optional=True)
    check_seed(seed, _OWNER)
    check_int(n_paths, "n_paths", _OWNER, low=1)
    if region is not None and not (isinstance(region, str) and region.strip()):
        raise ParameterError.invalid("region", _OWNER, "a region name (str) or None", region)
    probs = check_probabilities(probabilities)
    table, details = assess_detailed(history, plan, as_of=as_of, model=model, seed=seed, n_paths=n_paths,
                                     thresholds=Thresholds(), use_plan_baseline=use_plan_baseline,
                                     progress=progress, region=region, calibration=calibration,
                                     reference=reference, backend=backend, n_jobs=n_jobs, scheduler=scheduler,
                                     keep_paths=True)
    rows = [_suggest_row(t, probs) for t in details]
    columns = COLUMNS + [c for p in probs for c in (target_column(p), probability_column(p))] + ["decimals", "reason"]
    out = pd.DataFrame(rows, columns=columns)
    out["target_year"] = pd.to_numeric(out["target_year"], errors="coerce").astype("Int64")
    out["decimals"] = pd.to_numeric(out["decimals"], errors="coerce").astype("Int64")
    for c in ("target_written", "target_decimals"):  # the target as the plan wrote it, for a printout
        if c in table.columns:
            out[c] = table[c].to_numpy()
    out.attrs["probabilities"] = probs
    out.attrs["unmatched_plan"] = table.attrs.get("unmatched_plan")
    return out


def _suggest_row(t, probs: tuple[float, ...]) -> dict:
    """One plan row's suggestions from its detail ``t`` (:class:`mstarget.assess.TargetAssessment`)."""
    r = t.row
    out = {c: r.get(c) for c in COLUMNS}
    out["target"] = _float(r.get("target"))
    out["p_meet"] = _float(r.get("p_meet"))
    out["forecast"] = _float(r.get("forecast"))
    for p in probs:
        out[target_column(p)] = out[probability_column(p)] = np.nan
    out["decimals"], out["reason"] = pd.NA, ""
    direction = r.get("direction")
    samples = None if t.samples is None else np.asarray(t.samples, dtype=float)
    if r.get("category") == "qualitative" or direction not in (">=", "<="):
        out["reason"] = "qualitative target: no figure to suggest (定性指标，不测算目标值)"
        return out
    if samples is None or t.series is None or not np.isfinite(samples).any():
        why = r.get("note") or "no observation"
        out["reason"] = f"no data to forecast from: {why} (无历史数据，无法测算)"
        return out
    ty = int(r["target_year"])
    if r.get("target_year_estimated"):
        out["reason"] = (f"target year {ty} not reported, its value only interpolated between the years around it "
                         f"(目标年数据未报送，仅为插值，不测算)")
        return out
    if np.asarray(t.series.values).size == 1 and not getattr(t.series, "n_peers", 0):
        out["reason"] = ("a single observation and no other region of the indicator: no trend to suggest a target "
                         "from (仅有一个数据点且无同类地区，无趋势信息，不测算；请补充历史数据或同类地区数据)")
        return out
    strict = bool(r.get("strict")) if r.get("strict") is not None and not pd.isna(r.get("strict")) else False
    lo, hi = _bounds(t)
    decimals = _decimals(r, t.series.values)
    x = samples[np.isfinite(samples)]
    judge = _judge(t)  # assess's own verdict of another figure on the same paths, when it reproduces p_meet
    for p in probs:
        figure = _figure(x, p, direction, decimals, lo, hi, strict, samples.size)
        if judge is not None:
            figure, got = _search(judge, figure, p, direction, decimals, lo, hi)
        else:
            got = _share(np.sort(samples), figure, direction, strict)
        out[target_column(p)], out[probability_column(p)] = figure, got
    out["decimals"] = decimals
    notes = []
    if t.series.last_year >= ty:
        notes.append(f"target year {ty} already observed: the figures are its observed value (目标年已有实际值)")
    if strict:
        notes.append("strict target (高于 / 低于): the figures are met when exceeded, 不含本数")
    if r.get("unreported_years") is not None and not pd.isna(r.get("unreported_years")):
        notes.append(f"years {r['unreported_years']} not reported are counted at their estimates "
                     f"(缺报年份按估计值计算)")
    if judge is None:
        notes.append("figures from the target year's paths: p_at counts them unrounded (按目标年模拟值测算)")
    out["reason"] = "; ".join(notes)
    return out


def _judge(t):
    """``p(figure)``: the ``p_meet`` ``assess`` gives the row's series (its kept paths) with ``figure`` as the
    target -- the same rule (the figure as reported, 零发生 in every year of the period ...) -- or ``None`` when
    that does not give back the row's own ``p_meet`` at the drafted target (a stock built from yearly additions
    with a year missing: the series alone does not carry the estimate)."""
    r = t.row
    base = {**r, "target_striven": np.nan}
    as_of = r.get("as_of")

    def p_of(figure: float) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the row's warnings were given by assess already
            got = _assess_row({**base, "target": float(figure)}, t.series, Thresholds(), as_of, ScheduleRules())
        return float(got.row["p_meet"])

    try:
        again = p_of(float(r["target"]))
    except Exception:  # noqa: BLE001 -- a row the series alone cannot re-assess: the paths' quantiles instead
        return None
    drafted = _float(r.get("p_meet"))
    return p_of if np.isfinite(again) and np.isfinite(drafted) and abs(again - drafted) < 1e-9 else None


#: reporting units a figure may move from the paths' quantile to be met with its probability as assess judges it
_MAX_STEPS = 200


def _search(judge, figure: float, p: float, direction: str, decimals: int, lo: float, hi: float):
    """The hardest figure on the ``decimals`` grid (within ``[lo, hi]``) that ``assess`` judges met with at least
    ``p``, from the paths' quantile ``figure``: harder while still met with ``p``, easier until it is;
    ``(figure, its p_meet)``."""
    step = 10.0 ** -decimals
    harder = step if direction == ">=" else -step

    def inside(v):
        return lo - 1e-12 <= v <= hi + 1e-12

    got = judge(figure)
    if got >= p - 1e-12:
        for _ in range(_MAX_STEPS):
            nxt = round(figure + harder, decimals)
            if not inside(nxt):
                break
            q = judge(nxt)
            if q < p - 1e-12:
                break
            figure, got = nxt, q
        return figure, got
    for _ in range(_MAX_STEPS):
        nxt = round(figure - harder, decimals)
        if not inside(nxt):
            break
        figure, got = nxt, judge(nxt)
        if got >= p - 1e-12:
            break
    return figure, got


def _float(v) -> float:
    try:
        return float(v) if v is not None and not pd.isna(v) else np.nan
    except (TypeError, ValueError):
        return np.nan


def _decimals(r: dict, values) -> int:
    """The decimals of a row's suggested figures: the finer of those the plan writes its target with
    (``target_decimals``, else the target figure's own) and those the history reports the series with."""
    written = r.get("target_decimals")
    plan = (min(int(written), MAX_DECIMALS) if written is not None and not pd.isna(written)
            else written_decimals(r.get("target")))
    v = np.asarray(values, dtype=float)
    data = reported_decimals(v) if np.isfinite(v).any() else 0
    return int(max(plan, data))


def _bounds(t) -> tuple[float, float]:
    """The bounds of a row's compared quantity: the series' for a level or stock (a % share 0-100, a count
    >= 0), the sum of the period's flows' for a 〈〉 row, a growth rate's (>= -100) for a period average."""
    b = t.series.bounds
    lo = -np.inf if getattr(b, "lower", None) is None else float(b.lower)
    hi = np.inf if getattr(b, "upper", None) is None else float(b.upper)
    r = t.row
    if r.get("kind") == "increment":  # a sum of the period's yearly flows
        by = r.get("baseline_year")
        n = int(r["target_year"]) - int(by) if by is not None and not pd.isna(by) else None
        if n is None or n <= 0:
            return (0.0 if lo >= 0 else -np.inf), np.inf
        return lo * n if np.isfinite(lo) else -np.inf, hi * n if np.isfinite(hi) else np.inf
    if period_average(r):  # 年均增长: the compound average of yearly rates, never below -100
        return max(lo, -100.0), hi
    return lo, hi


def _round(v: float, decimals: int, down: bool) -> float:
    """``v`` rounded to ``decimals``, down (or up), past float noise (0.29 * 100 = 28.999999999999996)."""
    scale = 10.0 ** decimals
    scaled = v * scale
    nearest = round(scaled)
    if abs(scaled - nearest) < 1e-9 * max(1.0, abs(scaled)):
        scaled = nearest
    return round((math.floor(scaled) if down else math.ceil(scaled)) / scale, decimals)


def _share(ordered: np.ndarray, figure: float, direction: str, strict: bool) -> float:
    """The share of the sorted paths ``ordered`` on which the quantity meets ``figure``, as ``assess`` counts
    ``p_meet`` (:func:`mstarget.assess._share_meeting`); NaN for a figure that is not finite."""
    return _share_meeting(ordered, figure, direction, strict) if np.isfinite(figure) else np.nan


#: steps of one reporting unit a strict target's figure may move to be met with its probability
_STRICT_STEPS = 50


def _figure(x: np.ndarray, p: float, direction: str, decimals: int, lo: float, hi: float, strict: bool,
            n: int) -> float:
    """The figure met with probability at least ``p``: the ``1 - p`` quantile of a ``>=`` row (the value
    reached on a share ``p`` of the paths), the ``p`` quantile of a ``<=`` row, rounded the safe way and
    within ``[lo, hi]``."""
    up = direction == ">="
    q = float(np.quantile(x, 1 - p, method="lower") if up else np.quantile(x, p, method="higher"))
    figure = _round(q, decimals, down=up)
    figure = float(min(max(figure, lo), hi))
    step = 10.0 ** -decimals
    ordered = np.sort(x if x.size == n else np.concatenate([x, np.full(n - x.size, np.nan)]))  # NaN last
    for _ in range(_STRICT_STEPS):  # 高于 / 低于 with paths on the figure: one unit further until met with p
        if _share(ordered, figure, direction, strict) >= p - 1e-12:
            break
        moved = round(figure - step if up else figure + step, decimals)
        if moved < lo or moved > hi:
            break
        figure = moved
    return figure
