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
own figure) or the history reports the series with (4 decimals or more, computed figures, at most
:data:`SIGNIFICANT_DIGITS` significant digits of the row's largest figure: a derived 21.614096 % share gives 19.05),
whichever is finer -- down for ``>=``, up for ``<=`` -- so
that it is met with at least ``p`` on the same paths (``p_at_<p>`` says with which probability exactly: a count
of incidents, 0 or 1 起, can jump from 0.79 to 0.97), and it never leaves the indicator's bounds (a ``%`` share
0-100, a count >= 0, a growth rate >= -100). Every figure of a row's search is judged as ``assess`` judges a target,
but all at the one reporting unit of the grid (its step, or the series' finer unit), so a harder figure is never
judged likelier met; the search doubles its step, then halves the gap (:func:`_search`), as far as the paths reach
(:func:`_reach`: a figure on a grid much finer than the paths' spread may lie hundreds of steps from their
quantile). The same seed gives the same figures, and ``assess`` of a plan whose target is the suggested figure
gives ``p_meet`` = ``p_at_<p>`` -- at least that for a figure ending in zeros (8888.00 reads 8888, which ``assess``
judges in whole units: more leniently).

A qualitative row (建成), a row without data, and a target year whose value is only interpolated get no figure
(NaN) and a ``reason``. A row whose target is not set yet (待定, 另行确定: read_plan's ``target_pending``) gets its
figures, with no drafted target nor ``p_meet``, when its direction is known (a 指标方向 column's 正向 / 逆向, a 〈〉
row's additions, a count of incidents); without one its ``reason`` says to write 持续提升 / 逐步下降 or a 指标方向.

A figure is honest arithmetic even when it asks for less than is already reached -- a ``>=`` level or 〔〕 stock
below the base-year figure (84.1 against a 2025 baseline of 84.6: not even holding the base-year level is assured
with that probability) or below the latest value, a ``<=`` one above it, a 〈〉 sum at or below what the reported
years of the period already added -- and it stays what the forecast says, but is marked: ``reached_at_<p>`` is
True and the ``reason`` says which figure it falls short of (低于2025年基期值84.6 / 高于2023年最新值206.8 /
已完成（不低于已完成的〈12〉）), the figures beside it in ``baseline`` / ``last_value`` / ``sum_so_far``.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .arguments import check_int, check_seed, check_table, check_year
from .assess import Thresholds, _assess_row, _report_unit, _share_meeting, assess_detailed, period_average
from .exceptions import ParameterError
from .forecast import DEFAULT_PATHS
from .plan import PENDING_COLUMN
from .precision import MAX_DECIMALS, reported_decimals, written_decimals
from .progress import Progress
from .schedule import ScheduleRules
from .units import counts_events

#: the default probabilities: a target met with 70 % and with 80 % probability
DEFAULT_PROBABILITIES = (0.7, 0.8)

#: the columns of the result before the per-probability ones
COLUMNS = ["region", "indicator", "name", "unit", "target_year", "kind", "direction", "target", "p_meet",
           "forecast"]

#: what is already reached, after ``decimals`` and ``reason``: the base year and its figure, the latest observed year
#: and value (a 〈〉 row's: that year's flow), a 〈〉 row's sum of the period's reported flows (``assess``'s columns)
REACHED_COLUMNS = ["baseline_year", "baseline", "last_year", "last_value", "sum_so_far"]

#: significant digits of a row's largest figure beyond which the history's decimals are computation, not a reporting
#: unit (a share derived as 100 * a / b, 21.614096 %: its figures are written 21.61, not 21.6140)
SIGNIFICANT_DIGITS = 4

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


def reached_column(p: float) -> str:
    """``reached_at_70`` for 0.7: whether the figure of ``target_at_70`` asks for no more than is already reached
    (a ``>=`` level below the base-year or latest value, a ``<=`` one above it, a 〈〉 sum at or below the sum done)."""
    return f"reached_at_{probability_label(p)}"


def check_probabilities(probabilities, owner: str = _OWNER) -> tuple[float, ...]:
    """Probabilities strictly between 0 and 1, in the order given, each once (a single number accepted);
    :class:`ParameterError` otherwise -- 70 instead of 0.7 said so."""
    expected = "probabilities strictly between 0 and 1, e.g. (0.7, 0.8)"

    def refuse(hint: str = ""):
        return ParameterError(f"The 'probabilities' parameter of {owner} must be {expected}"
                              f"{f': {hint}' if hint else ''}. Got {probabilities!r} instead.")

    values = [probabilities] if isinstance(probabilities, (int, float, np.integer, np.floating)) else probabilities
    if isinstance(values, (str, bytes)):
        raise refuse(_text_hint(values, f"{values!r} is text"))
    if not isinstance(values, Iterable):
        raise refuse()
    values = list(values)
    if not values:
        raise refuse("none given")
    for i, v in enumerate(values, start=1):
        if isinstance(v, (str, bytes)):
            raise refuse(_text_hint(v, f"item {i}, {v!r}, is text"))
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise refuse(f"item {i}, {v!r}, is not a number")
        if not math.isfinite(float(v)):
            raise refuse(f"{float(v)!r} is not a finite number")
    numbers = [float(v) for v in values]
    wrong = [v for v in numbers if not 0 < v < 1]
    if wrong:
        raise refuse(_range_hint(numbers, wrong))
    return tuple(dict.fromkeys(numbers))  # each once, in the order given


def _text_hint(text, what: str) -> str:
    """What to write instead of probabilities given as text (``"0.7"``, ``"70%"``, ``"0.7,0.8"``): the numbers it
    reads as, when it does (a percentage divided by 100), else that numbers are expected."""
    parts = [p.strip().rstrip("%").strip() for p in str(text).replace("，", ",").split(",") if p.strip()]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return f"{what}, give numbers"
    if not numbers or not all(math.isfinite(v) for v in numbers):
        return f"{what}, give numbers"
    numbers = [v / 100 if 1 < v < 100 else v for v in numbers]
    shown = ", ".join(f"{v:g}" for v in numbers)
    return f"{what}, write {shown}"


def _range_hint(numbers: list[float], wrong: list[float]) -> str:
    """Why probabilities outside (0, 1) are refused: percentages (``70``, ``(70, 80)``) with the shares to write,
    else the figures out of range -- 0 and 1 are no probability a figure can be suggested at."""
    if all(1 < v < 100 for v in numbers):
        shares = ", ".join(f"{v / 100:g}" for v in numbers)
        written = ", ".join(f"{v:g}" for v in numbers)
        return (f"{written} looks like a percentage, write {shares}" if len(numbers) == 1 else
                f"{written} look like percentages, write {shares}")
    percents = [v for v in wrong if 1 < v < 100]
    if percents and len(percents) == len(wrong):
        return (f"{', '.join(f'{v:g}' for v in percents)} among shares of 1 looks like a percentage, write "
                f"{', '.join(f'{v / 100:g}' for v in percents)}")
    return f"{', '.join(f'{v:g}' for v in wrong)} not strictly between 0 and 1"


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
        ``reason`` (why a row has no figure, or what to know about it -- a figure asking for no more than is
        already reached, with that figure: 低于2025年基期值84.6 --; empty otherwise), what is reached
        (``baseline_year``, ``baseline``, ``last_year``, ``last_value``, ``sum_so_far`` as ``assess`` gives them),
        per probability ``reached_at_<p%>`` (bool: the figure is a ``>=`` level or stock below the base-year
        figure or the latest value, a ``<=`` one above it, a ``>=`` 〈〉 sum at or below the period's reported
        flows so far; :func:`reached_figures`), and the plan's ``target_written`` / ``target_decimals`` when it
        has them. NaN figures for a qualitative row, a row without data and a target year only interpolated.
    """
    check_table(plan, "plan", _OWNER)
    check_table(history, "history", _OWNER, optional=True)
    check_year(as_of, "as_of", _OWNER, optional=True)
    check_seed(seed, _OWNER)
    check_int(n_paths, "n_paths", _OWNER, low=1)
    if region is not None and not (isinstance(region, str) and region.strip()):
        raise ParameterError.invalid("region", _OWNER, "a region name (str) or None", region)
    probs = check_probabilities(probabilities)
    prog = Progress.of(progress)
    table, details = assess_detailed(history, plan, as_of=as_of, model=model, seed=seed, n_paths=n_paths,
                                     thresholds=Thresholds(), use_plan_baseline=use_plan_baseline,
                                     progress=prog, region=region, calibration=calibration,
                                     reference=reference, backend=backend, n_jobs=n_jobs, scheduler=scheduler,
                                     keep_paths=True)
    pending = (table[PENDING_COLUMN].fillna(False).astype(bool).tolist() if PENDING_COLUMN in table.columns
               else [False] * len(details))
    bar = prog.bar(len(details), "suggesting targets", unit="rows")  # each figure searched by re-assessing the row
    rows = []
    for t, p in zip(details, pending):
        rows.append(_suggest_row(t, probs, bool(p)))
        bar.update(1)
    bar.close()
    columns = (COLUMNS + [c for p in probs for c in (target_column(p), probability_column(p))] + ["decimals", "reason"]
               + REACHED_COLUMNS + [reached_column(p) for p in probs])
    out = pd.DataFrame(rows, columns=columns)
    for c in ("target_year", "decimals", "baseline_year", "last_year"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
    for c in ("baseline", "last_value", "sum_so_far"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    for p in probs:
        out[reached_column(p)] = out[reached_column(p)].fillna(False).astype(bool)
    for c in ("target_written", "target_decimals", PENDING_COLUMN):  # the target as the plan wrote it, for a printout
        if c in table.columns:
            out[c] = table[c].to_numpy()
    out.attrs["probabilities"] = probs
    out.attrs["unmatched_plan"] = table.attrs.get("unmatched_plan")
    return out


#: the reason of a row whose target is not set yet (待定) and whose direction no cell or column gives
UNDIRECTED_REASON = ("target not set yet and no direction: write 持续提升 / 逐步下降 (or ≥ / ≤ the baseline) in the "
                     "target cell, or 正向 / 逆向 in a 指标方向 column, to get figures（目标待定且未给出方向，请在目标栏写"
                     "“持续提升”“逐步下降”，或增加指标方向列）")


def _suggest_row(t, probs: tuple[float, ...], pending: bool = False) -> dict:
    """One plan row's suggestions from its detail ``t`` (:class:`mstarget.assess.TargetAssessment`); ``pending``:
    the row's target is not set yet (待定), its figures searched on the row as assessed at a stand-in target
    (``t.stand_in``)."""
    r = t.row
    out = {c: r.get(c) for c in COLUMNS}
    out["target"] = _float(r.get("target"))
    out["p_meet"] = _float(r.get("p_meet"))
    out["forecast"] = _float(r.get("forecast"))
    for p in probs:
        out[target_column(p)] = out[probability_column(p)] = np.nan
        out[reached_column(p)] = False
    out["decimals"], out["reason"] = pd.NA, ""
    for c in REACHED_COLUMNS:
        out[c] = r.get(c)
    direction = r.get("direction")
    samples = None if t.samples is None else np.asarray(t.samples, dtype=float)
    if pending and direction not in (">=", "<="):
        out["reason"] = UNDIRECTED_REASON
        return out
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
    assessed = t.stand_in if pending and t.stand_in is not None else r  # 待定: as assessed at its stand-in target
    decimals = _decimals(assessed, t.series.values)
    x = samples[np.isfinite(samples)]
    judge = _judge(t, assessed, decimals)  # assess's verdict of another figure on the same paths, at the grid's unit
    for p in probs:
        figure = _figure(x, p, direction, decimals, lo, hi, strict, samples.size)
        if judge is not None:
            figure, got = _search(judge, figure, p, direction, decimals, lo, hi,
                                  _reach(x, figure, direction, decimals))
        else:
            got = _share(np.sort(samples), figure, direction, strict)
        out[target_column(p)], out[probability_column(p)] = figure, got
    out["decimals"] = decimals
    notes = ["target not set yet: the figures are the forecast's (目标待定，按预测测算)"] if pending else []
    if t.series.last_year >= ty:
        notes.append(f"target year {ty} already observed: the figures are its observed value (目标年已有实际值)")
    if strict:
        notes.append("strict target (高于 / 低于): the figures are met when exceeded, 不含本数")
    if r.get("unreported_years") is not None and not pd.isna(r.get("unreported_years")):
        notes.append(f"years {r['unreported_years']} not reported are counted at their estimates "
                     f"(缺报年份按估计值计算)")
    if judge is None:
        notes.append("figures from the target year's paths: p_at counts them unrounded (按目标年模拟值测算)")
    if t.series.last_year < ty:  # a target year already observed: its figure is a fact, not a promise
        flagged, said = _reached({**r, "decimals": decimals}, out, probs, decimals)
        for p in flagged:
            out[reached_column(p)] = True
        notes.extend(said)
    out["reason"] = "; ".join(notes)
    return out


def _reached(r: dict, out: dict, probs, decimals: int) -> tuple[list[float], list[str]]:
    """The probabilities whose figure asks for no more than is already reached (:func:`reached_figures`), and the
    notes saying so, one per figure reached -- the base year's, the latest, a 〈〉 row's sum done -- naming the
    probabilities it concerns (:func:`_reached_note`). Not for a period average (a growth rate is no level)."""
    if period_average(r):
        return [], []
    short: dict = {}  # (what, year, figure) -> the probabilities whose figure falls short of it
    for p in probs:
        for ref in reached_figures(r, out[target_column(p)], decimals):
            short.setdefault(ref, []).append(p)
    flagged = [p for p in probs if any(p in ps for ps in short.values())]
    return flagged, [_reached_note(*ref, ps, r) for ref, ps in short.items()]


def reached_figures(row, figure: float, decimals: int) -> list[tuple[str, object, float]]:
    """What a suggested ``figure`` of ``row`` (a row of :func:`suggest_targets`, or ``assess``'s) asks no more
    than: ``[(what, year, reached)]`` with ``what`` ``"baseline"`` (a ``>=`` level or 〔〕 stock below the base-year
    figure, a ``<=`` one above it), ``"latest"`` (the same against the latest observed value, when it is of another
    year and shows another figure) or ``"done"`` (a ``>=`` 〈〉 sum at or below what the period's reported years
    already added; ``year`` then ``(first, last)``); empty when the figure asks for more, and for a ceiling on
    a count of incidents (:func:`mstarget.units.counts_events`, ``<=``: one year's 0 is no level reached; a ``>=``
    count of cases handled, 查处案件 起, is an activity level and keeps the mark). Compared at the figure's
    ``decimals`` (a latest 21.614096 is 21.61 beside a figure of 21.61)."""
    get = row.get
    direction, kind = get("direction"), get("kind")
    v = _float(figure)
    if direction not in (">=", "<=") or not np.isfinite(v):
        return []
    by, ly = _year(get("baseline_year")), _year(get("last_year"))
    if kind == "increment":
        done = _float(get("sum_so_far"))
        if direction == ">=" and by is not None and ly is not None and ly > by and np.isfinite(done) \
                and v <= _round_half_up(done, decimals) + 1e-9:
            return [("done", (by + 1, ly), done)]
        return []
    if direction == "<=" and counts_events(*(v if isinstance(v, str) else None
                                             for v in (get("unit"), get("name"), get("indicator")))):
        return []  # a year's 0 incidents is a count drawn, not a level reached (零发生: p_meet says it)
    refs = []
    base, last = _float(get("baseline")), _float(get("last_value"))
    if by is not None and np.isfinite(base):
        refs.append(("baseline", by, base))
    if ly is not None and np.isfinite(last) and not (  # the latest, unless the base year's own figure
            np.isfinite(base) and (ly == by or _round_half_up(base, decimals) == _round_half_up(last, decimals))):
        refs.append(("latest", ly, last))
    out = []
    for what, year, reached in refs:
        shown = _round_half_up(reached, decimals)
        if (v < shown - 1e-9) if direction == ">=" else (v > shown + 1e-9):
            out.append((what, year, reached))
    return out


def reached_text(what: str, year, reached: float, row, decimals: int) -> str:
    """The figure reached as the plan writes it: its notation (〔33.61〕, 〈12〉) and the decimals it is written
    with, at most ``decimals`` (a plan's baseline 84.6, a derived latest share 21.61)."""
    shown = min(written_decimals(reached, int(decimals)), int(decimals))
    if what == "baseline":
        given = row.get("baseline_decimals")
        if given is not None and not pd.isna(given):
            shown = max(shown, min(int(given), int(decimals)))
    opening, closing = {"cumulative": ("〔", "〕"), "increment": ("〈", "〉")}.get(row.get("kind"), ("", ""))
    return opening + _number(reached, shown) + closing


def _reached_note(what: str, year, reached: float, together, r: dict) -> str:
    """The note of the figures of the probabilities ``together`` falling short of ``reached`` (``what``: the
    ``baseline`` of ``year``, the ``latest`` value of ``year``, the sum ``done`` in the years ``year``): English,
    then Chinese in brackets, as the module's other reasons."""
    labels = "、".join(f"{probability_label(q)}%" for q in together)
    en = f"{', '.join(f'{probability_label(q)}%' for q in together)} figure{'s' if len(together) > 1 else ''}"
    up = r.get("direction") == ">="
    decimals = _decimals_of(r)
    text = reached_text(what, year, reached, r, decimals)
    if what == "done":
        return (f"{en} at or below the {text} the period's reported years {year[0]}-{year[1]} already added: "
                f"already done ({labels}把握目标已完成：{year[0]}—{year[1]}年已完成{text}，不低于该目标)")
    word, hold = ("below", "holding") if up else ("above", "staying within")
    zh, keep = ("低于", "不低于") if up else ("高于", "不高于")
    if what == "baseline":
        return (f"{en} {word} the {year} baseline {text}: not even {hold} the base-year level is assured "
                f"({labels}把握目标{zh}{year}年基期值{text}，即{keep}基期水平也难以保证)")
    return (f"{en} {word} the latest value {text} ({year}): not even {hold} the level reached is assured "
            f"({labels}把握目标{zh}{year}年最新值{text}，即{keep}现有水平也难以保证)")


def _decimals_of(r: dict) -> int:
    d = r.get("decimals")
    return 0 if d is None or pd.isna(d) else int(d)


def _year(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def _round_half_up(v: float, decimals: int) -> float:
    """``v`` rounded half away from zero, read at 15 significant digits (as a figure is shown)."""
    return float(Decimal(f"{float(v):.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _number(v: float, decimals: int) -> str:
    """``v`` as a figure is written: ``decimals`` places, thousands separators (``206.8``, ``130,000``)."""
    r = _round_half_up(v, decimals)
    return f"{(0.0 if r == 0 else r):,.{decimals}f}"


def _judge(t, row: dict | None = None, decimals: int | None = None):
    """``p(figure)``: the ``p_meet`` ``assess`` gives the row's series (its kept paths) with ``figure`` as the
    target -- the same rule (零发生 in every year of the period ...) -- the compared quantity and ``figure`` as
    reported on the grid of ``decimals`` (one unit for every figure of a search: ``10 ** -decimals``, or the
    series' own unit where it is finer, :func:`mstarget.assess._report_unit`; so ``p`` never rises for a harder
    figure, where at each figure's own written decimals 8888.0 would be judged in whole units and met with 0.700,
    the easier 8887.8 with 0.6995; None: each figure at its own decimals, as ``assess`` judges a plan's target),
    or ``None`` when the drafted target, judged as ``assess`` judged it, does not give back the row's own
    ``p_meet`` (a stock built from yearly additions with a year missing: the series alone does not carry the
    estimate). ``row``: the row as assessed (default ``t.row``; a 待定 row's stand-in,
    :attr:`mstarget.assess.TargetAssessment.stand_in`)."""
    r = t.row if row is None else row
    base = {**r, "target_striven": np.nan}
    as_of = r.get("as_of")
    unit = None if decimals is None else _report_unit(t.series.values, 10.0 ** -decimals)

    def judged(figure: float, at: float | None, p_only: bool = True) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the row's warnings were given by assess already
            got = _assess_row({**base, "target": float(figure)}, t.series, Thresholds(), as_of, ScheduleRules(),
                              report_unit=at, p_only=p_only)
        return float(got.row["p_meet"])

    try:  # the whole row once, as assess judged it; then the verdict alone for each figure searched
        again = judged(float(r["target"]), None, p_only=False)
    except Exception:  # noqa: BLE001 -- a row the series alone cannot re-assess: the paths' quantiles instead
        return None
    drafted = _float(r.get("p_meet"))
    if not (np.isfinite(again) and np.isfinite(drafted) and abs(again - drafted) < 1e-9):
        return None
    return lambda figure: judged(figure, unit)


def _reach(x: np.ndarray, figure: float, direction: str, decimals: int) -> tuple[int, int]:
    """``(harder, easier)``: how many grid steps (``10 ** -decimals``) from ``figure`` a search need go at most,
    each way, to pass the paths ``x`` (the finite compared quantities; shape ``(n,)``) -- beyond them the verdict no
    longer changes. A figure more than one step harder than every path is met by none of them (a path is reported
    at most half a unit higher, the unit no coarser than the step: :func:`_judge`), one more than a step easier than
    every path by all of them; a step more each way for float noise. Bounds of the indicator are the search's own
    (:func:`_search`)."""
    if not x.size:
        return 0, 0
    step = 10.0 ** -decimals
    top, bottom = (float(x.max()), float(x.min())) if direction == ">=" else (-float(x.min()), -float(x.max()))
    at = figure if direction == ">=" else -figure  # along the search: harder is larger
    return (max(int(math.ceil((top - at) / step)), 0) + 2,
            max(int(math.ceil((at - bottom) / step)), 0) + 2)


def _search(judge, figure: float, p: float, direction: str, decimals: int, lo: float, hi: float,
            reach: tuple[int, int]):
    """The hardest figure on the ``decimals`` grid (within ``[lo, hi]`` and the paths' ``reach``, :func:`_reach`)
    that ``assess`` judges met with at least ``p``, starting from the paths' quantile ``figure``: harder while still
    met with ``p``, easier until it is (or, when no figure is, the easiest that changes the verdict: just past the
    paths, or at the bound); ``(figure, its p_meet)``.

    ``judge`` (a re-assessment of the row, every figure at one reporting unit: :func:`_judge`) is monotone along
    the grid -- a harder figure is never met more often -- so the figure is found by doubling the step and then
    halving the gap (:func:`_last_true`): about 2 log2(k) judgements for a figure k steps away instead of k, the
    figure a step-by-step walk finds. No fixed cap on k: where the grid is much finer than the paths' spread (a
    count in 0.01 件 whose paths spread by hundreds) the figure met with ``p`` can lie hundreds of steps from the
    quantile; the paths' own range bounds the search, the judgements staying logarithmic in it."""
    step = 10.0 ** -decimals
    harder = step if direction == ">=" else -step
    judged: dict[int, float] = {}

    def at(k: int) -> float:  # the figure k grid steps harder (k < 0: easier)
        return round(figure + k * harder, decimals)

    def p_at(k: int) -> float:
        if k not in judged:
            judged[k] = judge(at(k))
        return judged[k]

    def inside(k: int) -> bool:
        return lo - 1e-12 <= at(k) <= hi + 1e-12

    most_harder, most_easier = reach
    got = p_at(0)
    if got >= p - 1e-12:  # met: the hardest figure still met with p
        k = _last_true(lambda k: inside(k) and p_at(k) >= p - 1e-12, most_harder)
        return (figure, got) if k == 0 else (at(k), p_at(k))
    far = _last_true(lambda k: inside(-k), most_easier)  # how far easier the grid goes within the bounds
    if far == 0:
        return figure, got
    k = _last_true(lambda k: p_at(-k) < p - 1e-12, far)  # the furthest figure easier still not met with p
    k = min(k + 1, far)  # the first one met, or the easiest within reach
    return at(-k), p_at(-k)


def _last_true(ok, most: int) -> int:
    """The largest ``k`` in ``0 .. most`` with ``ok(k)``, for ``ok`` true at 0 and, as ``k`` grows, true then false
    for good: steps of 1, 2, 4 ... until ``ok`` fails, then the gap halved; ``ok`` asked about 2 log2(k) times."""
    good, k = 0, 1
    while k <= most and ok(k):
        good, k = k, 2 * k
    bad = min(k, most + 1)  # ok fails here, or it is past the end
    while bad - good > 1:
        mid = (good + bad) // 2
        if ok(mid):
            good = mid
        else:
            bad = mid
    return good


def _float(v) -> float:
    try:
        return float(v) if v is not None and not pd.isna(v) else np.nan
    except (TypeError, ValueError):
        return np.nan


def _decimals(r: dict, values) -> int:
    """The decimals of a row's suggested figures: the finer of those the plan writes its target with
    (``target_decimals``, else the target figure's own) and those the history reports the series with -- the
    latter, when they reach :data:`~mstarget.precision.MAX_DECIMALS` (computed figures, not a reporting unit), at
    most :data:`SIGNIFICANT_DIGITS` significant digits of the row's largest figure (a derived share 21.614096 %
    gives 19.05, not 19.0533; 99.995 % keeps 3, 0.1234 keeps 4, a tiny 3.1e-05 keeps its own)."""
    written = r.get("target_decimals")
    plan = (min(int(written), MAX_DECIMALS) if written is not None and not pd.isna(written)
            else written_decimals(r.get("target")))
    v = np.asarray(values, dtype=float)
    data = reported_decimals(v) if np.isfinite(v).any() else 0
    sizes = np.abs(np.append(v[np.isfinite(v)], [_float(r.get("target")), _float(r.get("baseline"))]))
    sizes = sizes[np.isfinite(sizes) & (sizes > 0)]
    if sizes.size and data >= MAX_DECIMALS:  # 4 decimals or more: computed (a 99.995 % reported with 3 is kept)
        data = min(data, max(SIGNIFICANT_DIGITS - 1 - int(math.floor(math.log10(float(sizes.max())))), 0))
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
