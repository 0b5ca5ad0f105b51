"""Target attainment: will each plan target be met?

For every plan row, the quantity the target is about is simulated from joint forecast paths:

* ``level``       the value in the target year
* ``cumulative``  the stock at the end of the target year
* ``increment``   the sum of the yearly flows from ``baseline_year + 1`` to ``target_year``,
                  counting the flows already observed and simulating the rest
* a growth rate in % whose target is the period's average (年均增长, :func:`period_average`): the
                  compound average of the yearly rates of ``baseline_year + 1`` .. ``target_year``, the
                  observed years as observed and the rest from the joint paths; a year not reported is
                  estimated as a 〈〉 row's flow (below), and the table says the period (``average_years``)

A year of the period the history does not report (flows 0.6, 0.9, 1.1, –, 1.3: 2024 missing) is
never counted silently: ``sum_so_far`` adds the reported flows only; the forecast and ``p_meet``
count the missing flow as estimated (interpolated, :meth:`SeriesForecast.at`) with the spread of a
one-year-ahead forecast (:func:`_unreported`), and the note names the year. Once the target year is
observed, such a row is 已完成 only if the reported flows alone meet the target; otherwise its
evaluation is 数据不足 (``category`` ``insufficient_data``), not 已完成 / 未完成 on an estimate. A 〔〕
stock built from yearly additions with a year missing follows the same rule
(:class:`mstarget.counting.StockGap`).

Such a row's ``sum_so_far`` (a 〈〉 row's, and a stock's built from yearly additions) counts the reported
figures alone, ``unreported_years`` names the years estimated (a column present when any row has one), and
its detail (:class:`TargetAssessment`) holds the estimates by year (``unreported``), so that the report
shows the reported figures as reported and the estimated ones marked. A 〈〉 row given as running totals with
a year's total missing (0.6, 1.5, 2.6, –, 3.9) has that year's flow split from the next reported total
(:class:`mstarget.counting.TotalsSplit`): the year is named in ``unreported_years`` and in ``split_years``
(a column present when any row has one), but the total reported after it counts it, so ``sum_so_far`` and
the evaluation stand on the reported totals (3.9 settles 〈5〉 as 未完成, not 数据不足).

A figure the history marks preliminary (快报 / 预计 / 初步: its ``preliminary`` column, see
:func:`mstarget.read_history`; a plan's 完成值 so marked in its cell, ``4.55（快报）``, or by its column's
header, ``2025年完成值（快报）``: :func:`mstarget.read_plan`'s ``preliminary_<year>``; a plan's baseline marked
预计 / 快报 where it is the base year's figure, ``baseline_preliminary``) is used as given and said: ``last_preliminary`` (the figure the row is judged on -- the target year's once observed, else the
latest; a sum or a stock from additions adding a preliminary year's -- is preliminary), ``preliminary_years``,
``preliminary_mark`` (快报 ...) and ``preliminary_close`` (a verdict on the target year decided by a
preliminary figure within its rounding or 1 % of the target: :func:`preliminary_close`, it may change
with the final figure) are columns present when any figure is preliminary, and the note says it. A plan's
preliminary baseline is carried too (``baseline_preliminary``, ``baseline_preliminary_mark``), and the note
says progress counts from it and is to be recomputed on the final figure. Where the history gives the base
year's own figure of a level or stock row (a “十五五” plan's 2025年基数（预计） 3.05, the 2025 年报 3.07), that
figure is the baseline, so that progress and the observed pace count from the same figure: the plan's is kept
as ``baseline_planned`` / ``baseline_planned_mark`` (columns present only then), ``baseline_preliminary``
says whether the figure used is itself preliminary (a history 快报), and the note says which was used
(规划基期预计3.05，年报3.07，按年报计).

``p_meet`` is the share of sample paths on which that quantity meets the target (``>=`` or
``<=``). ``status`` follows :class:`Thresholds`.

History is joined to the plan by :mod:`mstarget.matching` (by id or by Chinese name); plan rows
without history and series matching no plan row are reported in an
:class:`~mstarget.exceptions.UnmatchedWarning` and in ``table.attrs["unmatched_plan"]`` /
``table.attrs["unmatched_history"]``. How each series is counted (running totals, yearly flows,
stocks) is reconciled with its row's kind first (:mod:`mstarget.counting`). A 〈〉 row whose history is the
year-end stock (declared ``measure`` ``stock`` / 口径 存量, or read so: a value in the baseline year, never
falling, far above the target's yearly pace: :func:`mstarget.counting.read_as_stocks`) is forecast on its
levels and counts its additions from the baseline-year level: ``sum_so_far`` is the last level minus it,
``forecast`` the forecast level minus it, the column ``stock_base`` (present only then) that level.
"""
from __future__ import annotations

import datetime as _dt
import functools
import os
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import counting
from .arguments import check_int, check_seed, check_table, check_year
from .chart_choice import ChartedRows
from .collector import give_back_free_memory
from . import consistency
from .consistency import (check_against_plan, convert_units, rounding_tolerance, say_conversions, sheet_of,
                          unit_conversions)
from .engine import Engine
from .exceptions import InconsistentDataWarning, MstargetWarning, ParameterError
from .forecast import DEFAULT_PATHS, SeriesForecast, run_forecast
from .history import read_history
from .layout import OBSERVED_PREFIX, preliminary_word
from .precision import reporting_unit, value_decimals, written_decimals
from .matching import (AttrFrame, HISTORY_COLUMNS, PLAN_COLUMNS, match, name_key, reference_for_plan, region_key,
                       warn_unmatched)
from .plan import (BASELINE_PRELIMINARY_COLUMNS, DECIMALS_COLUMNS, PENDING_COLUMN, PRELIMINARY_PREFIX, REPORT_COLUMNS, read_plan,
                   states_figure, strict_of)
from .progress import Progress
from .quantiles import share_meeting, sorted_median, sorted_quantiles
from .schedule import (
    QUALITATIVE,
    TARGET_PENDING,
    CATEGORY_ZH,
    EVALUATION_ZH,
    ScheduleRules,
    categorise,
    evaluation_categories,
    progress_share,
    time_share,
)
from .transforms import Bounds
from .units import counts_events, is_growth_rate, is_sampling_rate, percent_kind
from .validation import records

STATUSES = ("met", "on_track", "at_risk", "off_track", "no_data")

RESULT_COLUMNS = ["region", "indicator", "target_year", "target", "direction", "kind", "last_year",
                  "last_value", "forecast", "lo_80", "hi_80", "p_meet", "status", "required_pace",
                  "observed_pace", "model"]
#: the schedule view (:mod:`mstarget.schedule`): progress against the time elapsed, NDRC categories
#: (``category``), and the evaluation's category with its Chinese (``evaluation``, ``category_zh``:
#: 已完成 / 未完成 once the target year is observed, 数据不足 while its value is awaited, 规划期未开始 before the period)
SCHEDULE_COLUMNS = ["baseline_year", "baseline", "sum_so_far", "remaining", "time_share",
                    "progress_share", "category", "evaluation", "category_zh"]
EXTRA_COLUMNS = ["name", "unit", "attribute", "as_of", "note"]


@dataclass(frozen=True)
class Thresholds:
    """Status rules on ``p_meet`` (probability 0-1).

    ``on_track`` if p >= ``on_track``; ``at_risk`` if ``at_risk`` <= p < ``on_track``;
    ``off_track`` below. ``met``: a cumulative / increment (``>=``) quantity already at the target
    (it cannot fall back), or a level whose last value meets the target with p >= ``met_level``;
    a target year already observed is ``met`` or ``off_track`` by its observed value.
    """

    on_track: float = 0.7
    at_risk: float = 0.3
    met_level: float = 0.9

    def __post_init__(self):
        if not (0 <= self.at_risk <= self.on_track <= 1 and 0 <= self.met_level <= 1):
            raise ParameterError.invalid("thresholds", "assess",
                                         "0 <= at_risk <= on_track <= 1 and 0 <= met_level <= 1", self)


def _meets(x, target: float, direction: str, strict: bool = False):
    """``x`` meets the target: ``>=`` / ``<=``, or ``>`` / ``<`` for a strict bound (低于0.15: 0.15 does not)."""
    if strict:
        return (x > target) if direction == ">=" else (x < target)
    return (x >= target) if direction == ">=" else (x <= target)


def _share_meeting(ordered: np.ndarray, target: float, direction: str, strict: bool = False) -> float:
    """The share of the sorted ``ordered`` meeting the target (:func:`share_meeting`); a strict bound (低于0.15)
    leaves out the paths exactly on its figure. On a continuous forecast that changes nothing (a tie has
    probability zero): it matters for an observed target year, a forecast snapped to a bound and a count."""
    if not strict:
        return share_meeting(ordered, target, direction)
    n = ordered.shape[0]
    if n == 0:
        return float("nan")
    x = ordered[~np.isnan(ordered)]
    return float(np.sum(x > target if direction == ">=" else x < target)) / n


def _report_unit(values, *figures) -> float:
    """The unit a compared quantity is reported in: the series' reporting unit
    (:func:`mstarget.precision.reporting_unit` of its observed values), finer where the target is written finer
    (data in whole 项 against ≥2.5: to 0.1), so that the target lies on the grid."""
    finite = [float(f) for f in figures if f is not None and np.isfinite(f)]
    return min([reporting_unit(values), *(10.0 ** -value_decimals(f) for f in finite)])


def _as_reported(x, unit: float) -> np.ndarray:
    """``x`` rounded half up to ``unit`` (四舍五入), as the figure will be reported: 4.6 亿元 reported in whole
    亿元 is 5 and meets ≥5; 0.149 reported to 0.01 is 0.15 and does not meet 低于0.15."""
    return np.floor(np.asarray(x, dtype=float) / unit + 0.5) * unit


def _none_at_all(r: dict) -> bool:
    """A target of no incident at all (零发生, 不发生, 杜绝, ≤0 / 0起 of a count of incidents: :func:`counts_events`):
    met only if no year of the plan period has one, not on the target year alone. Not a rate (不合格率 ≤0.5,
    a level judged at the target year) nor a share."""
    try:
        target = float(r.get("target"))
    except (TypeError, ValueError):
        return False
    if r.get("direction") != "<=" or r.get("kind") != "level" or target != 0.0 or period_average(r):
        return False
    unit = str(r.get("unit") or "").strip()
    if unit in ("%", "％", "‰", "百分点"):
        return False
    texts = [v for v in (r.get("name"), r.get("indicator")) if isinstance(v, str)]
    if any(w in t for t in texts for w in _OPEN_AT_YEAR_END):  # 欠薪案件未办结数 0: cleared by the target year
        return False
    written = r.get("target_written")
    words = isinstance(written, str) and (any(w in written for w in _NONE_WORDS) or written.strip() == "零")
    return words or counts_events(unit, *texts)


def _part_year_incidents(plan_rows: list, part_year: list, as_of) -> None:
    """Each 零发生 row (:func:`_none_at_all`) takes the history's part-year figures of a year of its period
    (``2026年1-10月`` 1起, ``attrs["part_year"]`` of :func:`mstarget.read_history`) as
    ``r["part_year_incidents"]``: ``[(year, label, value)]``. Incidents within a year only accumulate: one in
    1-10月 already misses the target (:func:`_assess_row`); a part-year 0 decides nothing. A figure of a year after
    ``as_of`` is not in the view."""
    by_key: dict = {}
    for e in part_year:
        try:
            year, value = int(str(e.get("label", ""))[:4]), float(e.get("value"))
        except (TypeError, ValueError):
            continue
        if not np.isfinite(value) or (as_of is not None and year > int(as_of)):
            continue
        reg = region_key(e.get("region", ""))
        for k in {name_key(e.get("indicator") or ""), name_key(e.get("name") or "")} - {""}:
            by_key.setdefault((reg, k), []).append((year, str(e["label"]), value, str(e.get("unit") or "").strip()))
    for r in plan_rows:
        if not _none_at_all(r) or r.get("baseline_year") is None or pd.isna(r.get("baseline_year")):
            continue
        by, ty, reg = int(r["baseline_year"]), int(r["target_year"]), region_key(r.get("region", ""))
        unit = str(r.get("unit") or "").strip()
        found = next((by_key[(reg, k)] for k in (name_key(r.get("indicator") or ""), name_key(r.get("name") or ""))
                      if k and (reg, k) in by_key), [])
        kept = sorted({(y, lab, v) for y, lab, v, u in found if by < y <= ty and (not u or not unit or u == unit)})
        if kept:
            r["part_year_incidents"] = kept


#: a target written as no incident at all (零发生, 不发生, 杜绝, 0起); 清零 (a stock cleared) is not one
_NONE_WORDS = ("零发生", "零事故", "零死亡", "零伤亡", "不发生", "未发生", "无发生", "杜绝", "0起", "0发生")
#: names of a count of cases still open at the year's end (a stock to clear, judged at the target year), not of
#: incidents that happened in the year: 欠薪案件未办结数, 信访积案, 重大隐患未整改
_OPEN_AT_YEAR_END = ("未办结", "未结案", "未结", "积案", "积压", "未整改", "未销号", "未处置", "未化解", "存量", "在办",
                     "待办", "遗留", "清零")


#: quantiles a fan chart draws: the 95 / 80 / 50 % bands and the median
FAN_PROBS = (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)


@dataclass(frozen=True)
class FanBands:
    """Quantiles of the charted quantity per year, from the last observation to the target year.

    ``values[k, j]`` is the ``probs[k]`` quantile in ``years[j]`` (float32); the first column is
    the last observed value (or, for a 〈〉 target, the sum of flows so far), where the fan starts.
    For a 〈〉 target the quantity is the running sum of flows since the baseline year.
    """

    years: np.ndarray
    probs: tuple
    values: np.ndarray

    def quantile(self, p: float) -> np.ndarray:
        """The ``p`` quantile per year (``p`` one of ``probs``)."""
        return self.values[self.probs.index(p)].astype(float)

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """The central ``level`` % band per year: ``(lower, upper)``."""
        a = round((100 - level) / 200, 6)
        return self.quantile(a), self.quantile(round(1 - a, 6))

    @property
    def median(self) -> np.ndarray:
        return self.quantile(0.5)


@dataclass
class TargetAssessment:
    """One plan row's result (``row``, as in the table) and what its charts need.

    ``series`` is the row's :class:`~mstarget.forecast.SeriesForecast` (observed data, model);
    ``bands`` the fan chart's quantiles (:class:`FanBands`). By default
    :func:`assess_detailed` drops the sample paths once summarised (``series.paths`` and
    ``samples`` are ``None``), so memory does not grow with paths x targets; with
    ``keep_paths=True`` ``series.paths`` holds the joint paths and ``samples`` the simulated
    compared quantity (shape (n_paths,)).
    """

    row: dict
    samples: np.ndarray | None
    series: SeriesForecast | None
    bands: FanBands | None = None
    #: years of the plan period the history does not report, each with the amount estimated for it (a 〈〉
    #: row's flow, a stock's yearly additions) and counted in the forecast: ``{2024: 1.2}``; empty for none
    unreported: dict = field(default_factory=dict)
    #: a row whose target is not set yet (目标待定, read_plan's ``target_pending``) and forecast: the row as assessed
    #: at the stand-in target :func:`_stand_in` gives it (the baseline), for ``suggest`` to search figures on; the
    #: ``row`` itself says no target and no ``p_meet``. None for every other row
    stand_in: dict | None = None

    def __repr__(self) -> str:
        """One line (the target, its chance, its category): not the row's every figure and the fan's arrays."""
        r = self.row if isinstance(self.row, dict) else {}
        name = r.get("name") if isinstance(r.get("name"), str) and r.get("name").strip() else r.get("indicator")
        year = r.get("target_year")
        p = r.get("p_meet")
        said = [f"target_year={year}" if year is not None else "",
                f"p_meet={float(p):.2f}" if isinstance(p, (int, float, np.number)) and np.isfinite(float(p)) else "",
                f"category={r.get('category')}" if isinstance(r.get("category"), str) else "",
                "with fan" if self.bands is not None else ("with series" if self.series is not None else "row only")]
        return f"TargetAssessment({r.get('region')} {name}: " + ", ".join(x for x in said if x) + ")"


def fan_bands(sf: SeriesForecast | None, row: dict, probs=FAN_PROBS,
              stock_gap: counting.StockGap | None = None) -> FanBands | None:
    """Quantiles of the charted quantity per year up to the target year (``None``: no fan).

    The quantity is the value (level, stock) or, for a 〈〉 target with a baseline year, the
    running sum of yearly flows since the baseline year. Needs the series' paths. Years the
    history does not report count as the assessment counts them (estimated, with their spread:
    :func:`_unreported`; ``stock_gap``: those of a stock from yearly additions).
    """
    if sf is None or sf.paths is None or sf.paths.shape[1] == 0:
        return None
    ty = int(row["target_year"])
    by = row.get("baseline_year")
    if row.get("kind") == "increment" and by is not None and not pd.isna(by):
        end = min(sf.last_year, ty)
        fut = np.arange(sf.last_year + 1, ty + 1)
        if fut.size == 0:
            return None
        # the sum so far with the estimates of unreported years (the forecast's, :func:`_assess_row`)
        _, flows, reported = _period_flows(sf, int(by), end)
        done = float(flows.sum())
        spread = _unreported(sf, flows[~reported], _lower(sf)) - float(flows[~reported].sum())
        k = min(fut.size, sf.paths.shape[1])
        fan = done + spread[:, None] + np.cumsum(sf.paths[:, :k], axis=1)
        x, anchor = np.r_[end, fut[:k]], done + spread
    else:
        keep = sf.future_years <= ty
        if not keep.any():
            return None
        k = int(keep.sum())
        fan = sf.paths[:, :k]
        anchor = sf.last_value
        if row.get("kind") == "cumulative" and stock_gap is not None:
            est = np.array([e for y, e in zip(stock_gap.years, stock_gap.estimates) if y <= min(ty, sf.last_year)])
            if est.size:
                spread = _unreported(sf, est, 0.0 if stock_gap.bounded else None) - float(est.sum())
                fan = fan + spread[:, None]
                anchor = sf.last_value + spread
        x = np.r_[sf.last_year, sf.future_years[:k]]
    q = sorted_quantiles(np.sort(fan, axis=0), probs)
    # the fan starts at the last figure: a point when it was reported, the spread of the estimate it counts
    # (a year not reported) when it was not
    first = (np.full(len(probs), anchor) if np.ndim(anchor) == 0
             else sorted_quantiles(np.sort(np.asarray(anchor, dtype=float)), probs))
    values = np.column_stack([first, q]).astype(np.float32)
    return FanBands(x.astype(int), tuple(probs), values)


def _period_flows(sf: SeriesForecast, by: int, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(years, flows, reported)`` of the plan period's years ``by + 1 ... end``: each year's flow,
    the history's where it reports one (``reported`` True), else the estimate
    :meth:`SeriesForecast.at` gives (linear interpolation between the neighbouring years; before the
    first observation, the first one's)."""
    years = np.arange(int(by) + 1, int(end) + 1)
    flows = np.array([float(sf.at(int(y))[0]) for y in years]) if years.size else np.zeros(0)
    return years, flows, np.isin(years, sf.years)


def _lower(sf: SeriesForecast):
    """The lower bound of the series' values (``None``: unbounded)."""
    return getattr(sf.bounds, "lower", None)


def _unreported(sf: SeriesForecast, estimates: np.ndarray, lower=None, each: bool = False) -> np.ndarray:
    """Samples (shape (n_paths,)) of the total of yearly amounts the history does not report: each its
    ``estimates`` value plus the spread (about its median) of the model's one-year-ahead forecast --
    a year between two reported ones is known no worse than next year --, at least ``lower``. The
    years' spreads are the paths' in different orders (rolled), so they are not one draw repeated nor
    the draw of the first forecast year; deterministic (the same seed, the same table). ``each``: the
    years' amounts themselves (shape (n_paths, years)), not their total (a period average's rates)."""
    estimates = np.asarray(estimates, dtype=float)
    n = sf.paths.shape[0] if sf.paths is not None else 1
    if estimates.size == 0:
        return np.zeros((n, 0)) if each else np.zeros(n)
    if sf.paths is None or sf.paths.shape[1] == 0 or n < 2:
        dev = np.zeros((n, estimates.size))
    else:
        first = np.asarray(sf.paths[:, 0], dtype=float)
        centred = first - float(np.median(first))
        step = max(1, n // (estimates.size + 1))
        dev = np.column_stack([np.roll(centred, (j + 1) * step) for j in range(estimates.size)])
    amounts = estimates[None, :] + dev
    if lower is not None:
        amounts = np.maximum(amounts, float(lower))
    return amounts if each else amounts.sum(axis=1)


def _years_text(years) -> str:
    return "、".join(str(int(y)) for y in years)


#: words saying a growth rate's target is the plan period's average (研发经费投入年均增长 ≥7: the yearly rates of
#: 2021-2025 averaged, not 2025's alone)
AVERAGE_WORDS = ("年均", "平均")


def period_average(r: dict) -> bool:
    """Whether a plan row's target is the period average of a growth rate in % (:func:`mstarget.units.is_growth_rate`)
    -- its name, unit or target as written says 年均 / 平均 (研发经费投入年均增长, 平均增长率) and it has a baseline year
    before the target year: the compound average of the yearly rates of ``baseline_year + 1 .. target_year`` is
    compared (:func:`_assess_row`), not the target year's rate. A growth rate without those words (市场主体增长率)
    is the target year's level."""
    if r.get("kind") != "level":
        return False
    by, ty = r.get("baseline_year"), r.get("target_year")
    if by is None or ty is None or pd.isna(by) or pd.isna(ty) or int(ty) <= int(by):
        return False
    name, unit, indicator = (r.get(c) for c in ("name", "unit", "indicator"))
    words = [v for v in (name, unit, r.get("target_written")) if isinstance(v, str) and v]
    if not words or not is_growth_rate(unit if isinstance(unit, str) else None,
                                       *(v for v in (name, indicator) if isinstance(v, str))):
        return False
    return any(w in v for v in words for w in AVERAGE_WORDS)


def _log_growth(rates) -> np.ndarray:
    """``log(1 + g / 100)`` of growth rates in % (-100 % and below: ``-inf``, a quantity gone)."""
    with np.errstate(divide="ignore"):
        return np.log(np.maximum(1.0 + np.asarray(rates, dtype=float) / 100.0, 0.0))


def _average_rate(log_sum, years: int):
    """The compound average rate in % of ``years`` years whose :func:`_log_growth` add to ``log_sum``:
    ``((prod(1 + g / 100)) ** (1 / n) - 1) * 100``, rounded to 10 significant digits as a target written
    as a change is (:func:`mstarget.plan._targets_in_words`): five years at 6.5 % average 6.5, not
    6.499999999999995, so float noise does not decide a ≥6.5 or 高于8 row."""
    return _ten_digits((np.exp(np.asarray(log_sum, dtype=float) / years) - 1.0) * 100.0)


def _ten_digits(x):
    """``x`` rounded to 10 significant digits (``f"{x:.10g}"``, elementwise); 0, inf and NaN kept."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mag = np.floor(np.log10(np.abs(x)))
        scale = 10.0 ** np.where(np.isfinite(mag), 9 - mag, 0)
        out = np.where(np.isfinite(mag), np.round(x * scale) / scale, x)
    return out if out.ndim else float(out)


def _span_text(years) -> str:
    """Years as a report says them: 2021—2023 when consecutive, 2021、2022、2024 when not, 2021 alone."""
    years = [int(y) for y in years]
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}—{years[-1]}"
    return _years_text(years)


def _gap_note(missing, estimates, first_year: int, stock: bool, reported: float | None = None) -> str:
    """The row's note on years the history does not report (see the module docstring)."""
    missing = [int(y) for y in missing]
    before = all(y < first_year for y in missing)
    how = ("taken equal to the first reported year's" if before else "estimated by interpolation"
           + (f" (before {first_year}: the first reported year's)" if any(y < first_year for y in missing) else ""))
    est = ", ".join(f"{y}: {e:.4g}" for y, e in zip(missing, estimates))
    what = "yearly additions" if stock else "flow"
    zh = (f"{_years_text(missing)}年新增数缺失，存量按{'首个报送年份值' if before else '插值'}估计" if stock else
          f"{_years_text(missing)}年数据缺失，累计数按{'首个报送年份值' if before else '插值'}估计")
    so_far = "" if reported is None else f"; sum_so_far adds the reported flows only ({reported:.4g})"
    return (f"{what} of {', '.join(map(str, missing))} not reported: {how} ({est}) in the forecast and p_meet, "
            f"with the spread of a one-year-ahead forecast{so_far} ({zh})")


def _years_list(years) -> str:
    """Years as a table column holds them: ``"2024"``, ``"2022, 2024"``."""
    return ", ".join(str(int(y)) for y in years)


#: the mark of a figure flagged preliminary without its word (a ``preliminary`` column given alone)
DEFAULT_PRELIMINARY_MARK = "初步"


def _mark(word) -> str:
    """A preliminary figure's mark as written (快报 / 预计), or :data:`DEFAULT_PRELIMINARY_MARK` for a blank,
    NaN or missing one."""
    return word if isinstance(word, str) and word else DEFAULT_PRELIMINARY_MARK

#: a figure within this share of its target (or within its own rounding) may fall on the other side of it
#: once its final figure replaces the preliminary one (:func:`preliminary_close`)
PRELIMINARY_MARGIN = 0.01


def preliminary_close(value, target) -> bool:
    """A preliminary figure so near its target that the final one may fall on the other side: within half
    a unit of its last written place (3.05: 0.005) or :data:`PRELIMINARY_MARGIN` (1 %) of the target,
    whichever is wider (3.05 against ≥3.12 is not; 99.3 against ≥99.0 is; 0.20 against ≤0.20 is)."""
    if value is None or target is None or pd.isna(value) or pd.isna(target):
        return False
    value, target = float(value), float(target)
    places = min(written_decimals(value), 6)
    return abs(value - target) <= max(0.5 * 10.0 ** -places, PRELIMINARY_MARGIN * abs(target)) + 1e-12


def _preliminary_marks(hist: pd.DataFrame, plan: pd.DataFrame, as_of, use_plan_baseline: bool = True) -> dict:
    """The figures marked preliminary, ``{(region, indicator): {year: mark}}``: the history's (its
    ``preliminary`` / ``preliminary_mark`` columns, :func:`mstarget.read_history`), and the plan table's own
    figures so marked for the years the history does not give (the history's figure is used there): a 完成值
    marked in its cell (``4.55（快报）``) or by its column's header (``2025年完成值（快报）``: :func:`mstarget.read_plan`'s
    ``preliminary_<year>``, :func:`mstarget.layout.preliminary_word`), and a baseline marked 预计 / 快报
    (``baseline_preliminary``) where it is used as the base year's figure (``use_plan_baseline``, a level or
    stock row)."""
    out: dict = {}
    if "preliminary" in hist.columns and len(hist):
        marked = np.array([False if pd.isna(v) else bool(v) for v in hist["preliminary"].tolist()], dtype=bool)
        flagged = hist[marked]  # (blank cells unmarked; no pandas downcasting warning on an object column)
        words = (flagged["preliminary_mark"].tolist() if "preliminary_mark" in flagged.columns
                 else [""] * len(flagged))
        for r, i, y, m in zip(flagged["region"], flagged["indicator"], flagged["year"], words):
            out.setdefault((r, i), {})[int(y)] = _mark(m)
    # the history's (region, indicator, year) and (region, indicator): built only when a plan figure is marked
    # preliminary or the plan has observed columns (a set of 951,312 tuples is ~150 MB and 2 s, for nothing otherwise)
    @functools.cache
    def given() -> set:
        return set(zip(hist["region"], hist["indicator"], hist["year"].astype(int))) if len(hist) else set()

    @functools.cache
    def series() -> set:
        return {(r, i) for r, i, _ in given()}

    increment = (plan["kind"] == "increment").to_numpy(dtype=bool)
    if use_plan_baseline and BASELINE_PRELIMINARY_COLUMNS[0] in plan.columns:
        words = (plan[BASELINE_PRELIMINARY_COLUMNS[1]].tolist() if BASELINE_PRELIMINARY_COLUMNS[1] in plan.columns
                 else [""] * len(plan))
        for r, i, by, b, flag, m, inc in zip(plan["region"], plan["indicator"], plan["baseline_year"],
                                             plan["baseline"], plan[BASELINE_PRELIMINARY_COLUMNS[0]], words, increment):
            if inc or pd.isna(flag) or not bool(flag) or pd.isna(by) or pd.isna(b) or (r, i, int(by)) in given() \
                    or (as_of is not None and int(by) > as_of):
                continue  # (a 〈〉 row's baseline, 〈0〉, is no figure of the series)
            out.setdefault((r, i), {}).setdefault(int(by), _mark(m))
    sheet = sheet_of(plan)
    said = []
    for year, values in _observed_columns(plan):
        if as_of is not None and year > as_of:
            continue
        header = sheet.headers.get(f"{OBSERVED_PREFIX}{year}", "") if sheet is not None else ""
        head = preliminary_word(header)
        column = f"{PRELIMINARY_PREFIX}{year}"
        cells = plan[column].tolist() if column in plan.columns else [""] * len(plan)
        if head:
            said.append(str(header))
        for r, i, v, m, inc in zip(plan["region"], plan["indicator"], values, cells, increment):
            m = m if isinstance(m, str) and m else head
            # the plan's figure is used where the history lacks it (a 〈〉 row's: where it lacks the series)
            if m and not pd.isna(v) and ((r, i) not in series() if inc else (r, i, year) not in given()):
                out.setdefault((r, i), {})[year] = m
    if said:  # the plan reader reads 2025年完成值（快报） as 2025's figures: said here, where they are used
        warnings.warn(MstargetWarning(
            f"{sheet.source}: {'columns' if len(said) > 1 else 'column'} {', '.join(repr(h) for h in said)} marked "
            f"preliminary read as {'those years' if len(said) > 1 else 'that year'}'s figures（按初步数读入）, and the "
            "rows judged on them marked so (last_preliminary). Replace them by the final figures (年报数 / 最终核实数) "
            "once published（正式数据发布后请替换）"), stacklevel=4)
    return out


def _preliminary_row(row: dict, notes: list, marks: dict, kind: str, years, judged: int, current: float,
                     summed: bool) -> None:
    """Say on the row (its ``last_preliminary`` … and its note) which of its figures are preliminary:
    ``marks`` ``{year: mark}`` of the series' own figures, ``years`` the series' years, ``judged`` the year
    of the figure the row is judged on (the target year's once observed, else the latest), ``current`` that
    figure (a 〈〉 row's sum so far), ``summed``: each figure adds the years before it (a 〈〉 sum of flows,
    a stock from yearly additions), so a preliminary year makes every later figure preliminary."""
    flagged = sorted(int(y) for y in marks)
    if not flagged:
        return
    shown = sorted({int(y) for y in years if int(y) >= flagged[0]} | {judged}) if summed else flagged
    shown = [y for y in shown if y <= max(int(max(years)), judged)]
    counted = [y for y in flagged if y <= judged] if summed else [y for y in flagged if y == judged]
    row["preliminary_years"] = _years_list(shown)
    row["last_preliminary"] = bool(counted)
    mark = marks[counted[-1]] if counted else marks[flagged[-1]]
    row["preliminary_mark"] = mark
    ty = int(row["target_year"])
    # a verdict on the target year decided by a preliminary figure near the target may change with the final one
    close = bool(counted) and judged >= ty and row.get("category") != "insufficient_data" \
        and preliminary_close(current, row["target"])
    row["preliminary_close"] = close
    said = _years_text(counted or flagged)
    notes.append(f"figure{'s' if len(counted or flagged) > 1 else ''} of {', '.join(map(str, counted or flagged))} "
                 f"preliminary ({mark}), used as given; the final figure may differ ({said}年为{mark}数，"
                 f"正式数据发布后可能修订)" + ("; the verdict rests on a preliminary figure close to the target and "
                                      f"may change with the final figure（{mark}数与目标接近，评价可能随正式数据改变）"
                                      if close else ""))


def _optional_columns(table: pd.DataFrame, results: list, marked: dict) -> None:
    """The columns present only when some row needs them (see the module docstring): ``unreported_years``
    (``split_years``), ``target_year_estimated`` (a level or stock whose target year is not reported, its value
    interpolated between the years around it: 数据不足), ``missed_already`` (零发生 missed by an incident of the
    period, in a year or a part of one: 未完成 once the target year is past, reported or not), ``stock_base`` (a 〈〉
    row whose history is the year-end stock: the baseline-year level its additions count from, NaN on other rows),
    and ``last_preliminary``, ``preliminary_years``,
    ``preliminary_mark``, ``preliminary_close``."""
    rows = [t.row for t in results]
    if any(r.get("unreported_years") for r in rows):
        table["unreported_years"] = [r.get("unreported_years", "") for r in rows]
    if any(r.get("split_years") for r in rows):
        table["split_years"] = [r.get("split_years", "") for r in rows]
    if any(r.get("stock_base") is not None for r in rows):  # 〈〉 rows whose history is the year-end stock
        table["stock_base"] = [float(r.get("stock_base", np.nan)) for r in rows]
    if any(r.get("average_years") for r in rows):
        table["average_years"] = [r.get("average_years", "") for r in rows]
    if any(r.get("missed_already") for r in rows):  # 零发生 missed by an incident of the period: 未完成 once past
        table["missed_already"] = np.array([bool(r.get("missed_already", False)) for r in rows], dtype=bool)
    if any(r.get("target_year_estimated") for r in rows):  # a target year not reported, its value interpolated
        table["target_year_estimated"] = np.array([bool(r.get("target_year_estimated", False)) for r in rows],
                                                  dtype=bool)
    if marked:
        table["last_preliminary"] = np.array([bool(r.get("last_preliminary", False)) for r in rows], dtype=bool)
        table["preliminary_years"] = [r.get("preliminary_years", "") for r in rows]
        table["preliminary_mark"] = [r.get("preliminary_mark", "") for r in rows]
        table["preliminary_close"] = np.array([bool(r.get("preliminary_close", False)) for r in rows], dtype=bool)


def _warn_unreported_flows(hist: pd.DataFrame, plan: pd.DataFrame, stocks: set = frozenset()) -> None:
    """Warn (:class:`InconsistentDataWarning`) where a 〈〉 row's yearly flows miss a year of its period
    up to the last reported one (0.6, 0.9, 1.1, –, 1.3): the row counts it as estimated and says so
    (see the module docstring). ``stocks``: series read as year-end stocks, whose additions up to a
    reported year are known whatever year is missing before it: not warned."""
    inc = plan[(plan["kind"] == "increment").to_numpy() & plan["baseline_year"].notna().to_numpy()]
    if inc.empty or hist.empty:
        return
    keys = pd.MultiIndex.from_frame(inc[["region", "indicator"]])
    mine = hist[pd.MultiIndex.from_frame(hist[["region", "indicator"]]).isin(keys)]
    if mine.empty:
        return
    seen = mine.groupby(["region", "indicator"], sort=False)["year"].agg(lambda y: set(int(v) for v in y)).to_dict()
    found = {}
    for region, indicator, by, ty in zip(inc["region"], inc["indicator"], inc["baseline_year"], inc["target_year"]):
        years = seen.get((region, indicator))
        if not years or (region, indicator) in stocks:
            continue
        gap = [y for y in range(int(by) + 1, min(max(years), int(ty)) + 1) if y not in years]
        if gap:
            found.setdefault((region, indicator), set()).update(gap)
    if not found:
        return
    lines = "; ".join(f"{r}/{i}: {_years_text(sorted(g))}" for (r, i), g in list(found.items())[:10])
    more = f" (and {len(found) - 10} more)" if len(found) > 10 else ""
    warnings.warn(f"〈〉指标的年度数据缺少期内年份，累计数按估计值计算：{lines}{more} (yearly flows not reported for these "
                  f"years of the plan period: the sum so far adds the reported flows only, the forecast counts the "
                  f"missing ones as estimated, and a target year observed with a year missing is 数据不足 unless "
                  f"the reported flows alone meet the target: give the missing years' figures)",
                  InconsistentDataWarning, stacklevel=4)


def _observed_columns(plan: pd.DataFrame) -> list[tuple[int, pd.Series]]:
    """``[(year, values)]`` of a mid-term table's ``observed_<year>`` columns (``2022年完成值``)."""
    return [(int(str(c)[len(OBSERVED_PREFIX):]), pd.to_numeric(plan[c], errors="coerce"))
            for c in plan.columns if str(c).startswith(OBSERVED_PREFIX)]


def _plan_rows_as_history(plan: pd.DataFrame, given: np.ndarray, years, values, source: str,
                          **columns) -> pd.DataFrame:
    """History rows (``region, indicator, year, value, unit, source`` + ``columns``) from the plan
    rows ``given``: ``years`` / ``values`` are aligned with the plan."""
    years = np.broadcast_to(np.asarray(years, dtype=float), len(plan))[given].astype(int)
    return pd.DataFrame({"region": plan["region"][given].tolist(), "indicator": plan["indicator"][given].tolist(),
                         "year": years.tolist(), "value": np.asarray(values, dtype=float)[given].tolist(),
                         "unit": plan["unit"][given].tolist(), "source": [source] * int(given.sum()), **columns})


def _plan_observations(plan: pd.DataFrame, use_plan_baseline: bool) -> list[pd.DataFrame]:
    """The plan's own figures as observations of its level and stock rows: the baseline
    (``use_plan_baseline``) and the values of later years a mid-term table carries."""
    level = (plan["kind"] != "increment").to_numpy(dtype=bool)
    parts = [(plan["baseline_year"], plan["baseline"], "plan baseline")] if use_plan_baseline else []
    parts += [(pd.Series(year, index=plan.index), values, "plan table") for year, values in _observed_columns(plan)]
    return [_plan_rows_as_history(plan, level & values.notna().to_numpy() & years.notna().to_numpy(),
                                  years.to_numpy(dtype=float, na_value=np.nan), values.to_numpy(dtype=float), source)
            for years, values, source in parts]


def _warn_table_against_history(table: pd.DataFrame, hist: pd.DataFrame, plan: pd.DataFrame) -> None:
    """Warn where a mid-term table's value (``2022年完成值``) and the history's for that year
    disagree beyond the table figure's rounding or a small share of the row's baseline-to-target
    distance (:func:`mstarget.consistency.rounding_tolerance`: 91 against 87 on an 81 -> 90 target
    is warned, 87 against 87.0 is not): the history's is used."""
    if table.empty:
        return
    keys = ["region", "indicator", "year"]
    both = table.merge(hist[keys + ["value"]], on=keys, suffixes=("_table", "_history"))
    if both.empty:
        return
    # the series' smallest baseline-to-target distance over its plan rows (yearly targets: several)
    distance = (pd.to_numeric(plan["target"], errors="coerce") - pd.to_numeric(plan["baseline"], errors="coerce")).abs()
    nearest = distance.groupby([plan["region"], plan["indicator"]], sort=False).min()
    at = nearest.reindex(pd.MultiIndex.from_frame(both[["region", "indicator"]])).to_numpy(dtype=float)
    tol = np.array([rounding_tolerance(v, d) for v, d in zip(both["value_table"], at)])
    off = both[(both["value_table"] - both["value_history"]).abs().to_numpy() > tol]
    if off.empty:
        return
    lines = "; ".join(f"{r.region}/{r.indicator} {r.year}: {r.value_table:g} / {r.value_history:g}"
                      for r in off.head(10).itertuples())
    more = f" (and {len(off) - 10} more)" if len(off) > 10 else ""
    warnings.warn(f"规划表中的完成值与历史数据不一致（表 / 历史），预测使用历史数据：{lines}{more} (the plan table's "
                  f"values of these years disagree with the history's beyond rounding; the history's are used: "
                  f"correct the one that is wrong)", InconsistentDataWarning, stacklevel=4)


def _plan_running_totals(hist: pd.DataFrame, plan: pd.DataFrame, as_of: int | None) -> pd.DataFrame:
    """A mid-term table's values of its 〈〉 rows (``〈2.5〉`` under ``2022年完成值``), for the series the
    history does not give: the additions so far (running totals, which become yearly flows with the
    history's: :func:`mstarget.counting.totals_to_flows`), or each year's own additions where the plan's
    ``measure`` column says ``flow`` for the row (口径 / 备注 当年新增, a name ``…（当年新增）``: see
    :func:`mstarget.read_plan`), or the year-end stock where it says ``stock`` (口径 存量 / 年末数: its additions
    counted from the baseline-year level, :func:`mstarget.counting.read_as_stocks`); blank there means running
    totals."""
    inc = (plan["kind"] == "increment").to_numpy(dtype=bool)
    columns = _observed_columns(plan)
    if not inc.any() or not columns:
        return hist
    known = set(zip(hist["region"], hist["indicator"])) if len(hist) else set()
    free = inc & np.array([(r, i) not in known for r, i in zip(plan["region"], plan["indicator"])], dtype=bool)
    said = counting.plan_measures(plan) if "measure" in plan.columns else np.full(len(plan), "", dtype=object)
    measure = np.where(np.isin(said, ["flow", "stock"]), said, "running_total")
    parts, seen = [], np.zeros(len(plan), dtype=bool)
    for year, values in columns:
        given = free & values.notna().to_numpy() & (as_of is None or year <= as_of)
        seen |= given
        if given.any():
            parts.append(_plan_rows_as_history(plan, given, year, values.to_numpy(dtype=float), "plan table",
                                               measure=measure[given].tolist()))
    # a row whose 完成值 the plan says are stocks (口径 存量): its baseline is the base-year stock they count from
    stock = seen & (measure == "stock") & plan["baseline"].notna().to_numpy() & plan["baseline_year"].notna().to_numpy()
    if stock.any():
        parts.append(_plan_rows_as_history(plan, stock, plan["baseline_year"].to_numpy(dtype=float, na_value=np.nan),
                                           plan["baseline"].to_numpy(dtype=float), "plan baseline",
                                           measure=["stock"] * int(stock.sum())))
    if not parts:
        return hist
    add = pd.concat(parts, ignore_index=True).drop_duplicates(["region", "indicator", "year"])
    out = pd.concat([hist.assign(measure=hist["measure"] if "measure" in hist.columns else ""), add],
                    ignore_index=True)
    return out.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)


def _with_peers(reference, peers: pd.DataFrame, plan: pd.DataFrame, as_of: int | None):
    """The reference panel, keyed as the plan keys its indicators, with the history's other regions
    of the plan's indicators (a city's table of districts when one district is assessed): peers for
    pooling, the history's up to ``as_of`` as the assessed series are."""
    if reference is not None:  # keyed as the plan keys its indicators (by id or 指标名称)
        reference = reference_for_plan(read_history(reference), plan)
        if as_of is not None:  # the peers as known then: no year after as_of
            reference = reference[reference["year"] <= int(as_of)]
    if peers is None or peers.empty:
        return reference
    if as_of is not None:
        peers = peers[peers["year"] <= int(as_of)]
    cols = [c for c in ("region", "indicator", "year", "value", "unit", "lower", "upper") if c in peers.columns]
    peers = pd.DataFrame(peers[cols])
    if reference is None:
        return peers
    both = pd.concat([reference[[c for c in cols if c in reference.columns]], peers], ignore_index=True)
    return both.drop_duplicates(["region", "indicator", "year"], keep="first")  # the reference's own first


def _augment_history(hist: pd.DataFrame, plan: pd.DataFrame, as_of: int | None,
                     use_plan_baseline: bool) -> pd.DataFrame:
    """Add the plan's own figures (:func:`_plan_observations`) as observations where the history
    lacks that year (the first plan row of a series and year gives it)."""
    parts = _plan_observations(plan, use_plan_baseline)
    if not parts:
        return hist
    add = pd.concat(parts, ignore_index=True)
    if as_of is not None:
        add = add[add["year"] <= as_of]
    keys = ["region", "indicator", "year"]
    add = add[~add.duplicated(keys)]
    present = pd.MultiIndex.from_frame(add[keys]).isin(pd.MultiIndex.from_frame(hist[keys]))
    _warn_table_against_history(add[present & (add["source"] == "plan table").to_numpy()], hist, plan)
    add = add[~present]
    if add.empty:
        return hist
    out = pd.concat([hist, add], ignore_index=True)
    out = out.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)
    return out


def _stated_prior_change(hist: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """Carry an optional plan column ``prior_change`` (a stated yearly change, in the indicator's
    unit) to the history rows of its series, where the forecast reads it (issue 17; a history
    column of the same name wins)."""
    if "prior_change" not in plan.columns:
        return hist
    stated = pd.to_numeric(plan["prior_change"], errors="coerce")
    keyed = pd.Series(stated.to_numpy(), index=pd.MultiIndex.from_frame(plan[["region", "indicator"]]))
    keyed = keyed[keyed.notna() & ~keyed.index.duplicated(keep="last")]
    if keyed.empty:
        return hist
    out = hist.copy()
    from_plan = keyed.reindex(pd.MultiIndex.from_frame(out[["region", "indicator"]])).to_numpy()
    own = (pd.to_numeric(out["prior_change"], errors="coerce").to_numpy()
           if "prior_change" in out.columns else np.full(len(out), np.nan))
    out["prior_change"] = np.where(np.isfinite(own), own, from_plan)
    return out


def assess(history, plan, as_of: int | None = None, model="auto", seed: int = 0, *,
           region: str | None = None,
           n_paths: int = DEFAULT_PATHS, thresholds: Thresholds = Thresholds(),
           use_plan_baseline: bool = True, schedule_rules: ScheduleRules = ScheduleRules(),
           progress: bool = False, calibration="default", reference=None, backend: str = "serial",
           n_jobs: int | None = None, scheduler: str | None = None) -> pd.DataFrame:
    """Probability that each plan target is met, with forecast, interval, pace and status.

    Parameters
    ----------
    history : DataFrame or path
        Observations ``region, indicator, year, value`` (see :func:`mstarget.read_history`).
        For ``increment`` targets, values are yearly flows.
    plan : DataFrame or path
        Plan table (see :func:`mstarget.read_plan`), raw notation accepted.
    as_of : int, optional
        Only history with ``year <= as_of`` is used (default: all of it). Use it to see what
        the mid-term evaluation would have said.
    region : str, optional
        Region of a plan or history without a region column (a district's own tables). A
        history without one takes the plan's region when the plan has a single one.
    model : str or ModelSpec
        Forecasting model (default ``"auto"``).
    seed : int
        Seed of the sample paths; the same seed gives the same table.
    n_paths : int
        Sample paths per series.
    thresholds : Thresholds
        Status rules.
    schedule_rules : ScheduleRules
        Rules of the schedule categories (:mod:`mstarget.schedule`).
    use_plan_baseline : bool
        Use the plan's baseline value as an observation in its baseline year when the history
        has none (default True).
    calibration : "default", None, Calibration or path
        Interval calibration, e.g. ``mt.calibration.learn(panel)`` or the ``.json`` file it was
        saved to (see :func:`mstarget.forecast`).
    reference : DataFrame or path, optional
        A peer panel of the same indicators in other regions: short series borrow their trend
        and noise (see :func:`mstarget.forecast` and :mod:`mstarget.pooling`).
    backend, n_jobs, scheduler : str, int, str
        Where the series are forecast and assessed, in chunks: ``"serial"`` (this process),
        ``"loky"`` (``n_jobs`` local processes) or ``"dask"`` (the scheduler at ``scheduler``,
        else ``$MSTARGET_DASK_SCHEDULER``, else a local cluster reused by later calls); see
        :mod:`mstarget.engine`. The same seed gives the same table on every backend.
    progress : bool
        Report progress on standard error (reading, model choice, a bar over series).

    Returns
    -------
    DataFrame
        One row per plan row, in plan order: ``region, indicator, target_year, target,
        direction, kind, last_year, last_value, forecast (median), lo_80, hi_80, p_meet (0-1),
        status, required_pace, observed_pace (per year, in the indicator's unit), model``; the
        schedule view ``baseline_year, baseline, sum_so_far`` (〈〉 targets: flows summed since the
        baseline year), ``remaining`` (distance still to cover, >= 0, in the indicator's unit),
        ``time_share, progress_share`` (0-1 shares), ``category`` (the schedule's: progress against
        time), ``evaluation`` and ``category_zh`` (the evaluation's category and its Chinese, what the
        ``assess`` printout and the report show: the schedule's while the target is under way,
        ``completed`` / ``not_completed`` (已完成 / 未完成) once its target year is observed,
        ``insufficient_data`` (数据不足) while that year is past but its value not yet observed, or when a level or
        stock's target year was never reported, its value interpolated between the years around it
        (``target_year_estimated``, a column present when a row has one: ``forecast`` is that value, for reference,
        ``p_meet`` is NaN and ``status`` None -- not judged, in no tracked count), ``not_started`` (规划期未开始)
        for a row of a plan whose period has not started (data up to its base year, evaluated there: its
        ``p_meet`` and ``status`` are the forecast's, for the report's 预计完成情况, and the tracked counts keep it
        apart, :func:`mstarget.tracking.records.assessment_metrics`), ``target_pending`` (目标待定) for a row whose
        target is not set yet (待定 in a draft: its forecast kept, no target, ``p_meet`` nor ``status``; counted
        apart, never 数据不足), ``qualitative`` (定性指标，另行评价); see :mod:`mstarget.schedule`); then ``name, unit, attribute, as_of, note`` (and
        ``target_written`` when the plan wrote a target in words, ``持续提升``: see
        :func:`mstarget.read_plan`; ``target_striven, p_striven`` (0-1) when a target has a
        striven-for figure, ``6%以上，力争7%``: its chance of being reached, NaN on other rows;
        the plan's ``baseline_decimals`` / ``target_decimals``, ``序号`` and ``plan`` columns when it
        has them, for the report: :data:`mstarget.plan.REPORT_COLUMNS`); ``unreported_years`` when a row counts
        a year the history does not report at an estimate (its ``sum_so_far`` then adds the reported figures
        alone, a stock from yearly additions' too); ``last_preliminary``, ``preliminary_years``,
        ``preliminary_mark``, ``preliminary_close`` when a figure is marked preliminary (快报: see the module
        docstring); ``split_years`` when a row's running totals miss a year inside a reported total;
        ``stock_base`` when a 〈〉 row's history is the year-end stock (the baseline-year level its additions
        count from: :func:`mstarget.counting.read_as_stocks`);
        ``baseline_preliminary`` / ``baseline_preliminary_mark`` when the plan writes a baseline as 预计 / 快报.
        ``attrs["unmatched_plan"]`` / ``attrs["unmatched_history"]``: what did not match
        (:class:`mstarget.matching.Match`), also issued as an
        :class:`~mstarget.exceptions.UnmatchedWarning`; ``attrs["history_totals"]``: the history's
        total rows (region 合计 / 全市 ...) no plan row asks for, not used.
    """
    engine = Engine.of(backend, n_jobs, scheduler, caller="assess")
    # the table only: where the chunks run, each row's chart quantiles are not computed and no
    # series comes back (less to pickle between processes)
    table, _ = assess_detailed(history, plan, as_of=as_of, model=model, seed=seed,
                               region=region, n_paths=n_paths, thresholds=thresholds,
                               use_plan_baseline=use_plan_baseline,
                               schedule_rules=schedule_rules, progress=progress,
                               calibration=calibration, reference=reference, backend=engine,
                               _charts=False)
    return table


def read_inputs(history, plan, region=None):
    """``(plan, history)`` as read (history None stays None); a history without a region column
    takes ``region``, else the plan's region when the plan has only one."""
    plan = read_plan(plan, region=region)
    if history is None:
        return plan, None
    regions = pd.unique(plan["region"])
    default = region or (regions[0] if len(regions) == 1 and regions[0] else None)
    return plan, read_history(history, region=default)


def _say_as_of(as_of, plan: pd.DataFrame, hist: pd.DataFrame | None, today=None) -> None:
    """An ``as_of`` no assessment is made at, said naming the plan's base year and the history's years: before the
    plan's base year and before every observation (nothing is known then: every row would be ``no_data`` without a
    word), or after this year (figures not published yet: the forecast runs from the history's last year while the
    evaluation judges the plan as though that year had come). The base year (基期情况) and this year are fine."""
    if as_of is None or plan is None or plan.empty:
        return
    as_of = int(as_of)
    base = pd.to_numeric(plan["baseline_year"], errors="coerce").dropna()
    ends = pd.to_numeric(plan["target_year"], errors="coerce").dropna()
    observed = hist["year"][hist["value"].notna()] if hist is not None and len(hist) else pd.Series([], dtype=float)
    first_base = int(base.min()) if len(base) else None
    span = (f"the history holds {int(observed.min())}-{int(observed.max())}" if len(observed)
            else "the history holds no observation")
    plan_years = ((f"the plan's base year is {first_base}" if base.nunique() == 1 else
                   f"the plan's base years are {first_base}-{int(base.max())}") if first_base is not None
                  else "the plan states no base year") + \
        (f", its target year {int(ends.max())}" if len(ends) else "")
    now = (today or _dt.date.today()).year
    if (first_base is None or as_of < first_base) and (observed.empty or as_of < int(observed.min())):
        warnings.warn(MstargetWarning(
            f"as_of={as_of} (--as-of) is before the plan's base year and before every observation ({plan_years}; {span}): "
            "no figure is known up to it, so no row has data to judge (status no_data; 规划期未开始 / 数据不足). as_of is the year the assessment is made as of, "
            f"with the figures known then: a year from the base year{f' {first_base}' if first_base else ''} "
            f"(基期情况) to this year {now}, or leave it out for the latest data（评估年份早于基期和全部历史数据）"),
            stacklevel=3)
    elif as_of > now:
        last = f"the history ends in {int(observed.max())}" if len(observed) else "the history holds no observation"
        warnings.warn(MstargetWarning(
            f"as_of={as_of} (--as-of) is after this year ({now}): no figure of it is published yet ({plan_years}; {last}). "
            f"The forecast runs from the last observed year while the evaluation judges the plan as though {as_of} had "
            f"come. Use a year up to {now}, or leave as_of out for the latest data（评估年份晚于当前年份）"),
            stacklevel=3)


def assess_detailed(history, plan, *, as_of=None, model="auto", seed=0, n_paths=DEFAULT_PATHS,
                    thresholds=Thresholds(), use_plan_baseline=True,
                    schedule_rules=ScheduleRules(), progress=False, region=None,
                    calibration="default", reference=None, backend="serial", n_jobs=None,
                    scheduler=None, keep_paths: bool = False, max_details: int | None = None,
                    _charts: bool = True):
    """Like :func:`assess`, also returning one :class:`TargetAssessment` per plan row (for charts).

    Each chunk of series (:mod:`mstarget.engine`) reduces its sample paths to the table's
    figures and each row's fan-chart quantiles (:class:`FanBands`) before the next chunk, so
    memory does not grow with paths x targets. ``keep_paths=True`` keeps every series' joint
    paths and each row's simulated compared quantity (``samples``) as well: for small plans only
    (``n_paths`` x horizon floats per series).
    ``max_details``: keep ``series``, ``bands`` (and ``samples``) only for the rows a chart of
    at most this many targets shows -- the binding ones plus the most at risk
    (:func:`mstarget.chart_choice.chart_selection`, as ``fan_chart(max_panels=)`` and
    ``build_report(max_charts=)`` choose them); the other details hold the row only, dropped
    as their chunk arrives, so a 100,000-target call holds the fans of a few dozen. ``None``
    (default): every row's.
    ``_charts=False`` (what :func:`assess` uses): each detail holds the row only (``series``
    and ``bands`` None).

    The steps: read and match (:func:`_matched_history`), make the history what the plan's rows compare
    (:func:`_history_for_plan`), find each row's series and horizon (:func:`_rows_to_forecast`), forecast and judge
    each series where its chunk runs (:func:`mstarget.forecast.run_forecast`, :func:`_assess_series`), then the rows
    without a forecast (:func:`_rows_without_forecast`), the notes of the inputs, and the table
    (:func:`_result_table`).
    """
    # argument types first, before any work (issue 14)
    check_table(plan, "plan", "assess")
    check_table(history, "history", "assess", optional=True)
    check_year(as_of, "as_of", "assess", optional=True)
    check_seed(seed, "assess")
    check_int(max_details, "max_details", "assess", low=0, optional=True)
    engine = Engine.of(backend, n_jobs, scheduler, caller="assess")
    prog = Progress.of(progress)
    read = any(isinstance(x, (str, os.PathLike)) for x in (history, plan))
    with prog.step("reading plan and history" if read else "checking plan and history"):
        plan, hist = read_inputs(history, plan, region)
    _say_as_of(as_of, plan, hist)
    # figures of a part of a year (2026年1-10月) the history reader kept apart: never observations, carried for the
    # report to show (mstarget.report.model.history_part_years)
    part_year = list(hist.attrs.get("part_year") or []) if hist is not None else []
    hist, matched = _matched_history(plan, hist, as_of, prog)
    if matched.peers is not None:  # a history given: its other regions of the plan's indicators pool as peers
        reference = _with_peers(reference, matched.peers, plan, as_of)
        matched.peers = None  # held by the reference alone from here
    if as_of is not None:
        hist = hist[hist["year"] <= int(as_of)]
    h = _history_for_plan(hist.dropna(subset=["value"]), plan, as_of, use_plan_baseline, matched.conversions)
    hist = h.history
    plan_rows = [r._asdict() for r in records(plan)]
    _units_from_history(plan_rows, hist)
    _base_year_from_history(plan_rows, h.base_figures)  # a 预计 baseline the history gives the base year's figure of
    if part_year:  # 零发生 against 2026年1-10月 1起: incidents only accumulate, a part of the year decides it
        _part_year_incidents(plan_rows, part_year, as_of)
    horizons, bounds, rows_of = _rows_to_forecast(plan_rows, hist)

    # each series is assessed where its chunk runs: only the rows and their fans come back
    reduce = functools.partial(_assess_series, thresholds=thresholds, as_of=as_of,
                               rules=schedule_rules, keep_paths=bool(keep_paths), charts=_charts)
    extras = {key: (rows, key in h.converted, key in h.declared, h.stock_gaps.get(key), h.marked.get(key),
                    key in h.additions, h.splits.get(key), h.stocks.get(key))
              for key, rows in rows_of.items()}
    # with max_details, the details of rows no chart will show are dropped as their chunk arrives
    held: dict[int, TargetAssessment] = {}
    charted = (ChartedRows(max_details, drop=lambda pos: _without_details(held.pop(pos)))
               if _charts and max_details is not None else None)
    keep = None if charted is None else functools.partial(_offer_for_charts, charted, held)
    parts = run_forecast(hist, horizons, model=model, seed=seed, n_paths=n_paths, bounds=bounds,
                         progress=prog, calibration=calibration, reference=reference,
                         engine=engine, reduce=reduce, extras=extras, keep=keep,
                         # a 〈〉 row's figures are yearly flows, never a stock (auto: no small_count) -- unless
                         # its history is the stock (counting.read_as_stocks): forecast as levels
                         flows={key for key, rows in rows_of.items()
                                if any(r.get("kind") == "increment" for _, r in rows) and key not in h.stocks},
                         # a plan row's 药品抽检合格率 in %: auto's local_level, whatever the history calls the series
                         sampling={key for key, rows in rows_of.items()
                                   if any(_sampling_row(r) for _, r in rows)}
                         ) if horizons else []
    if charted is not None:
        charted.finish()
    results: list = [None] * len(plan_rows)
    for part in parts:
        for pos, t in part:
            results[pos] = t
    _rows_without_forecast(results, plan_rows, thresholds, as_of, schedule_rules)
    gap_notes = _level_gap_notes(hist, plan_rows, set(h.stock_gaps))
    for pos, r in enumerate(plan_rows):  # what the inputs' figures needed, said on the row
        said = [n for n in (h.input_notes.get((r["region"], r["indicator"])), gap_notes.get(pos)) if n]
        if said and results[pos].row.get("last_year") is not None:  # a row assessed from the series
            results[pos].row["note"] = "; ".join(n for n in (results[pos].row.get("note"), *said) if n)
    table = _result_table(plan, plan_rows, results, h, matched, history is not None)
    if part_year:
        table.attrs["part_year"] = part_year
    return table, results


@dataclass
class _Matched:
    """What matching a history to the plan found (:func:`_matched_history`)."""

    #: plan rows without a history, history series without a plan row, the history's own totals (全市 ...)
    unmatched: tuple
    #: ``{(region, plan indicator): history name}`` matched by a looser reading of the names
    near: dict = field(default_factory=dict)
    #: ``{(region, plan indicator): (factor, plan unit, history unit)}``: 户 read as 万户
    conversions: dict = field(default_factory=dict)
    #: other regions of the plan's indicators the history holds (peers for pooling); None: no history given
    peers: pd.DataFrame | None = None


def _matched_history(plan: pd.DataFrame, hist: pd.DataFrame | None, as_of, prog: Progress):
    """The history's series of the plan's rows (:func:`mstarget.matching.match`), in the plan's units, checked against
    the plan (:func:`mstarget.consistency.check_against_plan`), unmatched rows and series warned; returns
    ``(history, _Matched)``. No history: an empty one."""
    unmatched = (AttrFrame(columns=PLAN_COLUMNS), AttrFrame(columns=HISTORY_COLUMNS), AttrFrame(columns=HISTORY_COLUMNS))
    if hist is None:
        return read_history(pd.DataFrame(columns=["region", "indicator", "year", "value"])), _Matched(unmatched)
    with prog.step("matching history to the plan"):
        m = match(plan, hist)
        if "qualitative" in plan.columns and len(m.unmatched_plan):  # 建成: no history expected, none asked for
            said = set(zip(plan["region"][plan["qualitative"]], plan["indicator"][plan["qualitative"]]))
            m.unmatched_plan = m.unmatched_plan[[k not in said for k in zip(m.unmatched_plan["region"],
                                                                         m.unmatched_plan["indicator"])]]
        warn_unmatched(m, stacklevel=5)
        # 户 against the plan's 万户: the history's figures in the plan's unit, said (mstarget.consistency)
        conversions = unit_conversions(plan, hist, m.pairs)
        if conversions:
            hist = convert_units(hist, {(r, m.pairs[(r, i)]): c for (r, i), c in conversions.items()})
            m.history = convert_units(m.history, conversions)
            say_conversions(conversions, plan, hist, m.pairs)
        # where plan and history meet: units, magnitudes, baseline values (mstarget.consistency)
        check_against_plan(plan, hist, m.pairs, as_of)
    matched = _Matched((m.unmatched_plan, m.unmatched_history, m.totals), m.near, conversions, m.peers)
    hist = m.history
    del m  # its history is filtered next: the unfiltered copy is not kept (100k targets: ~60 MB)
    give_back_free_memory()  # the readers' temporary columns, before the forecasts' workers start
    return hist, matched


@dataclass
class _PlanHistory:
    """The history as the plan's rows compare it (:func:`_history_for_plan`), and what was done to it, by series
    ``(region, indicator)``."""

    history: pd.DataFrame
    #: a series moved to another level in one step: its note (口径变化?)
    shifts: dict
    #: figures marked 快报 / 预计: ``{(region, indicator): {year: mark}}``
    marked: dict
    #: the history's figures of the plan's preliminary base years
    base_figures: dict
    #: series whose running totals were turned into yearly flows, those declared flows (口径 当年)
    converted: set
    declared: set
    #: 〈〉 running totals with a year not reported (:class:`mstarget.counting.TotalsSplit`)
    splits: dict
    #: 〈〉 histories that are the year-end stock (:class:`mstarget.counting.StockReading`)
    stocks: dict
    #: stocks from yearly additions with a year missing (:class:`mstarget.counting.StockGap`)
    stock_gaps: dict
    #: stocks summing yearly additions (a preliminary year's additions make every later stock preliminary)
    additions: set
    #: what was done to a series' figures, for its rows' notes
    input_notes: dict


def _history_for_plan(hist: pd.DataFrame, plan: pd.DataFrame, as_of, use_plan_baseline: bool,
                      conversions: dict) -> _PlanHistory:
    """The matched history (up to ``as_of``) made what the plan's rows compare: running totals turned into yearly
    flows, a 〈〉 history that is the year-end stock read as such, stocks built from yearly additions, the plan's
    baselines added where the history is silent, a stated prior yearly change carried (:class:`_PlanHistory`)."""
    shifts = _level_shift_notes(hist)  # 3, 3, 40, 41 家: 2024年为2023年的13倍，是否口径变化？ (on the row's note)
    marked = _preliminary_marks(hist, plan, as_of, use_plan_baseline)  # figures marked 快报 / 预计: {(region, indicator): {year: mark}}
    # the history's own figures of the plan's preliminary base years (not every (region, indicator, year): a set of
    # a country's million keys held to the end of the call was ~100 MB of the peak)
    given = _own_base_figures(plan, hist) if use_plan_baseline else set()
    hist = _plan_running_totals(hist, plan, as_of)
    splits: dict = {}  # 〈〉 running totals with a year not reported (counting.TotalsSplit)
    hist, converted = counting.totals_to_flows(hist, plan, splits)
    input_notes: dict = {}  # (region, indicator) -> what was done to the series' figures, for its rows' notes
    hist = counting.base_zero_flows(hist, plan, converted, input_notes)  # a 〈〉 history's 0 copied from the plan's 〈0〉
    declared = counting.declared_flows(hist, converted)
    # a 〈〉 history that is the year-end stock (a base-year value, far above the target's pace): additions from it
    hist, stocks = counting.read_as_stocks(hist, plan, converted | declared)
    stock_gaps: dict = {}  # stocks from yearly additions with a year missing (counting.StockGap)
    hist = counting.flows_to_stocks(hist, plan, stock_gaps, input_notes)
    for key, (_, unit, written) in conversions.items():  # 户 read as 万户: said on the row too
        input_notes[key] = "；".join(n for n in (f"历史数据由{written}换算为{unit}", input_notes.get(key)) if n)
    additions = (set(zip(*(hist.loc[(hist["source"] == "stock from yearly additions").to_numpy(), c]
                           for c in ("region", "indicator"))))
                 if marked and "source" in hist.columns else set())  # stocks summing yearly additions
    _warn_unreported_flows(hist, plan, set(stocks))
    base_figures = _history_base_figures(plan, hist, given, marked) if use_plan_baseline else {}
    hist = _augment_history(hist, plan, as_of, use_plan_baseline)
    hist = _stated_prior_change(hist, plan)
    # every row was validated by read_history / read_plan: the forecast need not read (and warn
    # about) it again; flows from running totals may be negative, as flows may
    hist.attrs["mstarget_clean"] = True
    return _PlanHistory(hist, shifts, marked, base_figures, converted, declared, splits, stocks, stock_gaps, additions,
                        input_notes)


def _rows_to_forecast(plan_rows: list, hist: pd.DataFrame) -> tuple[dict, dict, dict]:
    """Each series' forecast horizon (to its rows' latest target year), its bounds from the plan's unit, and its rows
    ``[(position, row)]``; a 待定 row's stand-in target (suggest's figures) put in. Rows without history, and 建成
    rows, are left out."""
    last_year = hist.groupby(["region", "indicator"])["year"].max().to_dict()
    horizons: dict[tuple[str, str], int] = {}
    bounds: dict[tuple[str, str], Bounds] = {}
    rows_of: dict[tuple[str, str], list] = {}
    latest = None  # {(region, indicator): the last observed value}, for a 待定 row without a baseline
    for pos, r in enumerate(plan_rows):
        key = (r["region"], r["indicator"])
        if key not in last_year or _qualitative(r):  # 建成: no figure to forecast
            continue
        if _pending(r):  # 待定: forecast at a stand-in target (suggest's figures), not judged
            if r.get("direction") not in (">=", "<="):
                continue  # no direction: nothing suggest could give, said on the row
            if latest is None:
                latest = _latest_values(hist)
            r = _stand_in(r, latest.get(key, np.nan))
        h = int(r["target_year"]) - int(last_year[key])
        horizons[key] = max(horizons.get(key, 1), h, 1)
        b = _plan_bounds(r)
        if b is not None:
            bounds[key] = b
        rows_of.setdefault(key, []).append((pos, r))
    return horizons, bounds, rows_of


def _rows_without_forecast(results: list, plan_rows: list, thresholds: Thresholds, as_of,
                           rules: ScheduleRules) -> None:
    """The rows no series was forecast for: 建成 (定性指标，另行评价) and rows without an observation up to ``as_of``;
    a 待定 row is not judged (目标待定), its forecast kept."""
    for pos, r in enumerate(plan_rows):
        if results[pos] is None and _qualitative(r):  # 建成, 全面推行: 定性指标，另行评价
            results[pos] = _qualitative_row(r, as_of)
        elif results[pos] is None:  # no observation up to as_of
            results[pos] = _assess_row(r, None, thresholds, as_of, rules)
        if _pending(r):  # 待定: no target to judge (目标待定); the forecast kept
            _not_judged(results[pos], r)


def _result_table(plan: pd.DataFrame, plan_rows: list, results: list, h: _PlanHistory, matched: _Matched,
                  history_given: bool) -> pd.DataFrame:
    """The assessment table, one row per plan row, with the plan's own columns the report shows, the evaluation, and
    the notes of matching (a name read loosely, no history matched) and of level shifts; the details' rows get what
    their charts say (strict bounds, targets in words, decimals)."""
    table = pd.DataFrame([t.row for t in results],
                         columns=RESULT_COLUMNS + SCHEDULE_COLUMNS + EXTRA_COLUMNS)
    for c in ("last_year", "baseline_year"):
        table[c] = table[c].astype("Int64")
    _optional_columns(table, results, h.marked)  # target_year_estimated among them: the evaluation reads it
    _evaluate(table, results)
    _say_pending(table, results, plan_rows)
    if "target_written" in plan.columns:
        striven = (np.flatnonzero(np.isfinite(plan["target_striven"].to_numpy(dtype=float)))
                   if "target_striven" in plan.columns else [])
        _targets_in_words(table, plan["target_written"].to_numpy(dtype=object), set(striven))
    for c in REPORT_COLUMNS:  # what the report shows as the plan wrote it: 99.0, its 序号, its name
        if c in plan.columns and c not in table.columns:
            table[c] = plan[c].to_numpy()
    _replaced_baselines(table, results)
    _detail_rows(plan, table, results)
    if "target_striven" in plan.columns:  # 6%以上，力争7%: the striven-for figure and its chance
        table["target_striven"] = plan["target_striven"].to_numpy(dtype=float)
        table["p_striven"] = [t.row.get("p_striven", np.nan) for t in results]
    near, shifts, unmatched = matched.near, h.shifts, matched.unmatched
    if near:  # a history series matched by a looser reading of the names: said on its rows
        keys = list(zip(table["region"], table["indicator"]))
        table["note"] = [("; ".join(n for n in (f"history '{near[k]}' matched by its name read loosely "
                                                 "(历史数据按近似名称匹配)", note) if n) if k in near else note)
                         for k, note in zip(keys, table["note"])]
    if shifts:  # a series moved to another level in one step: said on its rows (and in the report's sentence)
        keys = list(zip(table["region"], table["indicator"]))
        table["note"] = ["; ".join(n for n in (note, shifts.get(k)) if n) for k, note in zip(keys, table["note"])]
        for t, k in zip(results, keys):
            if k in shifts:
                t.row["note"] = "; ".join(n for n in (t.row.get("note"), shifts[k]) if n)
    if len(unmatched[0]) and history_given:
        lonely = pd.MultiIndex.from_frame(unmatched[0][["region", "indicator"]])
        rows = pd.MultiIndex.from_frame(table[["region", "indicator"]]).isin(lonely)
        table.loc[rows, "note"] = [("no history matched (未匹配到历史数据); " + n).rstrip("; ")
                                   for n in table.loc[rows, "note"]]
    table.attrs["unmatched_plan"], table.attrs["unmatched_history"], table.attrs["history_totals"] = unmatched
    return table


def _detail_rows(plan: pd.DataFrame, table: pd.DataFrame, results: list) -> None:
    """What a detail's chart and sentence say as the plan wrote it, put on its row: a strict bound (低于0.15: < 0.15,
    not ≤), the target in words (不发生), the decimals the plan wrote (≤0.20)."""
    if "strict" in plan.columns:
        for t, v in zip(results, plan["strict"].tolist()):
            t.row["strict"] = bool(v)
    if "target_written" in table.columns:
        for t, w in zip(results, table["target_written"].tolist()):
            t.row.setdefault("target_written", w)
    for c in DECIMALS_COLUMNS:
        if c in plan.columns:
            for t, d in zip(results, plan[c].tolist()):
                t.row.setdefault(c, d)


def _running_totals_note(years, values, by: int, ty: int, summed: float) -> str:
    """The row's note of a 〈〉 history read as yearly flows that looks like running totals
    (:func:`mstarget.counting.check_running_totals` warns): what the two readings give, and what to check
    (数据疑为累计数…请核对)."""
    inside = (years > by) & (years <= ty)
    last_year, last = int(years[inside][-1]), float(values[inside][-1])
    return (f"values look like running totals (see warning): summed as yearly flows they give {summed:.6g}, the "
            f"{last_year} value alone is {last:g} (数据疑为累计数：各年数值逐年递增，按当年新增数相加为{summed:.6g}，"
            f"{last_year}年数值本身为{last:g}；如为{by}年以来累计数，请在历史数据“口径”列注明“累计”；请核对)")


def _level_gap_notes(hist: pd.DataFrame, plan_rows: list[dict], skip: set) -> dict:
    """``{plan position: note}`` of the stock and level rows (not a period average, not a stock from
    additions with years missing: ``skip``, said elsewhere) whose history misses a year between the
    baseline year (or the first observation) and the last observation up to the target year
    (北川市 市场主体总量 2021, 2022, –, 2024): the fit passes over it, the row says so as a 〈〉 row's does."""
    if hist.empty:
        return {}
    # only a series with a year missing between its first and last can miss one within the plan's span: its years
    # are listed (a Python set per series of 100,000 took 4 s)
    by_series = hist.groupby(["region", "indicator"], sort=False)["year"]
    first, last, count = by_series.min(), by_series.max(), by_series.nunique()
    gappy = count.index[(count < last - first + 1).to_numpy()]
    seen = {}
    if len(gappy):
        sub = hist[pd.MultiIndex.from_frame(hist[["region", "indicator"]]).isin(gappy)]
        seen = sub.groupby(["region", "indicator"], sort=False)["year"].agg(
            lambda y: sorted(set(int(v) for v in y))).to_dict()
    out = {}
    for pos, r in enumerate(plan_rows):
        key = (r["region"], r["indicator"])
        if key not in seen or r.get("kind") == "increment" or key in skip or _qualitative(r) or period_average(r):
            continue
        years = seen[key]
        by = r.get("baseline_year")
        start = years[0] if by is None or pd.isna(by) else max(int(by), years[0])
        end = min(years[-1], int(r["target_year"]))
        missing = [y for y in range(start + 1, end) if y not in set(years)]
        if missing:
            final = years[-1] >= int(r["target_year"])  # the target year's own figure decides the row
            out[pos] = (f"{', '.join(map(str, missing))} not reported: the trend is fitted to the other years"
                        + (f"; the {int(r['target_year'])} figure itself is reported and decides the row" if final else "")
                        + f" ({_years_text(missing)}年数据缺失，趋势按其余年份拟合"
                        + (f"；{int(r['target_year'])}年数据已报送，按该年数据评价" if final else "") + "；请补报缺失年份数据)")
    return out


def _level_shift_notes(hist: pd.DataFrame) -> dict:
    """``{(region, indicator): note}`` of the series moved to another level in one step, as
    :func:`mstarget.consistency.warn_history` warns of them (:func:`mstarget.consistency.shifted_steps`: its rule
    and exceptions): ``level shift: 2024 is 13 times 2023 (3 -> 40) ... (2024年为2023年的13倍（3→40），是否口径变化？请核对)``."""
    h = hist.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)
    v, years = h["value"].to_numpy(dtype=float), h["year"].to_numpy()
    reg, ind = h["region"].to_numpy(dtype=object), h["indicator"].to_numpy(dtype=object)
    out = {}
    for k, before, ratio in consistency.shifted_steps(h):
        y, y0, a, b = int(years[k]), int(years[before]), float(v[before]), float(v[k])
        times = f"{ratio:.3g} times" if ratio >= 1 else f"1/{1 / ratio:.3g} of"
        out[(reg[k], ind[k])] = (f"level shift: {y} is {times} {y0} ({a:g} -> {b:g}): has the definition (口径) "
                                 f"changed? ({y}年为{y0}年的{consistency.shift_words(ratio)}（{a:g}→{b:g}），是否口径变化？请核对)")
    return out


def _qualitative(r: dict) -> bool:
    """A qualitative plan row (read_plan's ``qualitative``: 建成, 全面推行)."""
    v = r.get("qualitative")
    return v is True or (isinstance(v, (bool, np.bool_)) and bool(v))


#: the Chinese of a target not set yet (目标待定: 待定 in a draft's target cell), in ``category_zh``: the category
#: :data:`mstarget.schedule.TARGET_PENDING`'s
PENDING_ZH = CATEGORY_ZH[TARGET_PENDING]


def _pending(r: dict) -> bool:
    """A plan row whose target is not set yet (read_plan's ``target_pending``: 待定, 另行确定 in a draft)."""
    v = r.get(PENDING_COLUMN)
    return v is True or (isinstance(v, (bool, np.bool_)) and bool(v))


def _stand_in(r: dict, last: float) -> dict:
    """A row not set yet (:func:`_pending`) with a stand-in target to be forecast at: the baseline (as 持续提升
    reads it; without one, the series' last observed value ``last``, a 〈〉 row's 〈0〉), in the baseline's decimals --
    only so that the paths and the judge of a figure exist for ``suggest``; its ``p_meet`` is never shown."""
    base = r.get("baseline")
    figure = (float(base) if base is not None and not pd.isna(base) else 0.0 if r.get("kind") == "increment"
              else float(last))
    return {**r, "target": figure, "target_decimals": r.get("baseline_decimals")}


def _latest_values(hist: pd.DataFrame) -> dict:
    """``{(region, indicator): value}``: each series' value of its last observed year."""
    if hist.empty:
        return {}
    last = hist.sort_values("year", kind="stable").groupby(["region", "indicator"], sort=False)["value"].last()
    return {k: float(v) for k, v in last.items()}


def _not_judged(t: TargetAssessment, r: dict) -> None:
    """Turn the result ``t`` of a row not set yet (:func:`_pending`, ``r`` the plan row) into 目标待定: no target,
    ``p_meet``, status, pace or progress, category and evaluation ``target_pending`` (:data:`TARGET_PENDING`: counted
    apart from the judged rows, never as 数据不足), the forecast kept, the row as assessed at the stand-in kept in ``t.stand_in`` for ``suggest``, and a
    note saying what to do."""
    if t.series is not None:
        t.stand_in = dict(t.row)
    for c in ("target", "p_meet", "required_pace", "remaining", "progress_share", "p_striven"):
        t.row[c] = np.nan
    t.row["status"] = None
    t.row.pop("missed_already", None)
    t.row["category"] = t.row["evaluation"] = TARGET_PENDING
    t.row["category_zh"] = PENDING_ZH
    if r.get("direction") not in (">=", "<="):
        how = ("no direction given: write 持续提升 / 逐步下降 (or ≥ / ≤ the baseline) in the target cell, or 正向 / 逆向 "
               "in a 指标方向 column, for `mstarget suggest` to give figures（未给出方向：请在目标栏写“持续提升”“逐步下降”，"
               "或增加指标方向列）")
    elif t.series is None:
        how = "no history to forecast from (无历史数据，无法测算)"
    else:
        how = "`mstarget suggest` gives the figures met with 70 % / 80 % probability (可用 suggest 测算目标值)"
    written = r.get("target_written")
    words = written.strip() if isinstance(written, str) and written.strip() else "待定"
    t.row["note"] = f"target not set yet '{words}' (目标待定): not judged; {how}"


def _say_pending(table: pd.DataFrame, results: list, plan_rows: list[dict]) -> None:
    """The rows not set yet (:func:`_pending`) say 目标待定 in ``category_zh`` (table and details) after the
    evaluation (:func:`_evaluate`) named their category, and carry no target; ``target_pending`` (bool) marks them
    in the table (a column present only then) and in their details' rows."""
    flags = np.array([_pending(r) for r in plan_rows], dtype=bool)
    if not flags.any():
        return
    table[PENDING_COLUMN] = flags  # (as read_plan's: present only when some row is)
    for pos in np.flatnonzero(flags):
        table.iat[pos, table.columns.get_loc("category_zh")] = PENDING_ZH
        table.iat[pos, table.columns.get_loc("target")] = np.nan
        results[pos].row["category_zh"] = PENDING_ZH
        results[pos].row[PENDING_COLUMN] = True


def _qualitative_row(r: dict, as_of) -> TargetAssessment:
    """A qualitative target's row: never forecast, no figures, category ``qualitative`` (定性指标，另行评价)."""
    t = _assess_row({**r, "target": np.nan}, None, Thresholds(), as_of, ScheduleRules())
    written = r.get("target_written")
    words = written if isinstance(written, str) and written else "—"
    base = r.get("baseline_written")  # 未建成: the baseline in words (read_plan's ``baseline_written``)
    base = f"baseline '{base.strip()}' ({int(r['baseline_year']) if not pd.isna(r.get('baseline_year')) else ''}" \
        f"基期：{base.strip()}); " if isinstance(base, str) and base.strip() else ""
    t.row.update({"category": QUALITATIVE, "evaluation": QUALITATIVE, "category_zh": CATEGORY_ZH[QUALITATIVE],
                  "note": f"{base}qualitative target '{words}': not forecast, evaluated separately (定性指标，另行评价)"})
    return t


def evaluate_as_of(table: pd.DataFrame, year: int, results: list | None = None) -> None:
    """Read a table assessed without ``as_of`` again as ``as_of=year`` reads it: ``year`` becomes the table's
    (and each detail's) ``as_of``, the evaluation (``evaluation`` / ``category_zh``) is recomputed -- a target year
    past whose value is still awaited is 数据不足 -- and ``attrs["evaluation_year"]`` records it. Used with the
    report's evaluation-year rule (:func:`mstarget.report.model.apply_evaluation_year`)."""
    table["as_of"] = int(year)
    for t in results or ():
        t.row["as_of"] = int(year)
    _evaluate(table, list(results or ()))
    table.attrs["evaluation_year"] = int(year)


def _evaluate(table: pd.DataFrame, results: list) -> None:
    """The evaluation's category of every row (:func:`mstarget.schedule.evaluation_categories`: 已完成 /
    未完成 once the target year is observed, 数据不足 while it is awaited) into ``evaluation`` and
    ``category_zh``, in the table and in each detail's row, so the table, its ``--out`` file, the printout
    and the report say the same. Needs the whole table: without ``as_of`` the evaluation year is its
    latest observed year."""
    evaluation = evaluation_categories(table)
    table["evaluation"] = evaluation.to_numpy(dtype=object)
    table["category_zh"] = evaluation.map(EVALUATION_ZH).to_numpy(dtype=object)
    for t, e, zh in zip(results, table["evaluation"].tolist(), table["category_zh"].tolist()):
        t.row["evaluation"], t.row["category_zh"] = e, zh


def _targets_in_words(table: pd.DataFrame, written: np.ndarray, striven: set) -> None:
    """Rows whose plan target is words (``持续提升``, read as the baseline with a direction; ``下降10%``,
    a change from the baseline; ``6%以上，力争7%``, assessed at the firmer figure, positions in
    ``striven``): the words go into ``target_written`` and the note says how they were read."""
    table["target_written"] = ["" if not isinstance(w, str) else w for w in written]
    for pos in np.flatnonzero(table["target_written"].to_numpy(dtype=object) != ""):
        r = table.iloc[pos]
        if pos not in striven and states_figure(r["target_written"]) or pd.isna(r["target"]):
            continue  # 保持在98%以上: its figure as written; 建成 (qualitative): said by its own note
        side = "at least" if r["direction"] == ">=" else "at most"
        year = "" if pd.isna(r["baseline_year"]) else f" ({int(r['baseline_year'])})"
        base = r.get("baseline")
        if pos in striven:
            note = (f"target '{r['target_written']}' assessed at its firm figure, {side} {r['target']:g} "
                    f"(按确保值{r['target']:g}评估)")
        elif period_average(r.to_dict()):  # 年均增长7%以上 on a growth-rate row: the rate itself, not from the base
            sign = "≥" if r["direction"] == ">=" else "≤"
            note = (f"target '{r['target_written']}' read as an average yearly rate {side} {r['target']:g} "
                    f"(目标按年均增速{sign}{r['target']:g}评估)")
        elif base is not None and not pd.isna(base) and not np.isclose(float(base), float(r["target"])):
            sign = "≥" if r["direction"] == ">=" else "≤"
            note = (f"target '{r['target_written']}' read as {side} {r['target']:.6g}, from the baseline "
                    f"{float(base):g}{year} (目标按基期值换算为{sign}{r['target']:.6g}评估)")
        else:
            note = (f"target '{r['target_written']}' read as {side} the baseline {r['target']:g}{year}"
                    f" (目标按{'不低于' if r['direction'] == '>=' else '不高于'}基期值评估)")
        table.iat[pos, table.columns.get_loc("note")] = "; ".join(n for n in (note, r["note"]) if n)


#: the columns saying a plan's preliminary baseline (``2025年基数（预计）`` 3.05) was replaced by the history's
#: figure of the base year (3.07 from the 年报): the plan's figure and its mark
BASELINE_PLANNED_COLUMNS = ("baseline_planned", "baseline_planned_mark")


def _preliminary_base_keys(plan: pd.DataFrame) -> set:
    """``{(region, indicator, base year)}`` of the level and stock rows whose plan baseline is marked preliminary
    (``2025年基数（预计）``); empty without that column."""
    flag = BASELINE_PRELIMINARY_COLUMNS[0]
    if flag not in plan.columns:
        return set()
    on = plan[flag].fillna(False).astype(bool).to_numpy() & (plan["kind"] != "increment").to_numpy() \
        & plan["baseline_year"].notna().to_numpy() & np.isfinite(plan["baseline"].to_numpy(dtype=float))
    return {(r, i, int(y)) for r, i, y in zip(plan["region"][on], plan["indicator"][on], plan["baseline_year"][on])}


def _own_base_figures(plan: pd.DataFrame, hist: pd.DataFrame) -> set:
    """The keys of :func:`_preliminary_base_keys` that ``hist`` (the history as read, before the plan's own figures
    are added to it) gives a figure of: the ``given`` of :func:`_history_base_figures`."""
    wanted = _preliminary_base_keys(plan)
    if not wanted or not len(hist):
        return set()
    sub = hist[hist["year"].astype(int).isin({y for _, _, y in wanted}).to_numpy()]
    return wanted & set(zip(sub["region"], sub["indicator"], sub["year"].astype(int)))


def _history_base_figures(plan: pd.DataFrame, hist: pd.DataFrame, given: set, marked: dict) -> dict:
    """``{(region, indicator, base year): (value, mark)}``: the history's own figure of the base year for
    the level and stock rows whose plan baseline is marked preliminary (``2025年基数（预计）``, a “十五五”
    plan written before the base year's final figure was out), ``mark`` ``""`` for a final figure, else
    its preliminary word (快报). ``given``: the history's own (region, indicator, year) (not the plan's
    figures added to it); a stock summed from yearly additions is left out (its base is the plan's)."""
    if BASELINE_PRELIMINARY_COLUMNS[0] not in plan.columns or not len(hist):
        return {}
    wanted = set(given)  # already the plan's preliminary base years the history gives (:func:`_own_base_figures`)
    if not wanted:
        return {}
    sub = hist[hist["year"].astype(int).isin({y for _, _, y in wanted}).to_numpy()]
    if "source" in sub.columns:
        sub = sub[(sub["source"] != "stock from yearly additions").to_numpy()]
    out = {}
    for r, i, y, v in zip(sub["region"], sub["indicator"], sub["year"].astype(int), sub["value"]):
        if (r, i, y) in wanted and np.isfinite(v):
            out[(r, i, y)] = (float(v), marked.get((r, i), {}).get(y, ""))
    return out


def _base_year_from_history(plan_rows: list[dict], figures: dict) -> None:
    """A level or stock row whose plan baseline is preliminary (预计 3.05) and whose history gives the base
    year's figure (年报 3.07): the history's figure is the baseline, so that progress and the observed pace
    count from the same figure; the plan's kept as ``baseline_planned`` / ``baseline_planned_mark``, and
    ``baseline_preliminary`` says whether the figure used is itself preliminary (a history 快报)."""
    if not figures:
        return
    flag, word = BASELINE_PRELIMINARY_COLUMNS
    for r in plan_rows:
        by = r.get("baseline_year")
        if by is None or pd.isna(by):
            continue
        got = figures.get((r["region"], r["indicator"], int(by)))
        f = r.get(flag)
        if got is None or f is None or pd.isna(f) or not bool(f) or r["kind"] == "increment":
            continue
        planned = r.get(word)
        r[BASELINE_PLANNED_COLUMNS[0]] = float(r["baseline"])
        r[BASELINE_PLANNED_COLUMNS[1]] = _mark(planned)
        r["baseline"], r[flag], r[word] = got[0], bool(got[1]), got[1]


def _figure(v: float, decimals=None) -> str:
    """A figure as the plan wrote it (``decimals``), else with the decimals it needs (3.07, 81)."""
    if decimals is not None and not pd.isna(decimals):
        return f"{v:.{int(decimals)}f}"
    return f"{v:.{min(written_decimals(v), 6)}f}"


def _replaced_baselines(table: pd.DataFrame, results: list) -> None:
    """The rows whose preliminary plan baseline the history's figure replaced (:func:`_base_year_from_history`):
    ``baseline_planned`` / ``baseline_planned_mark`` (columns present only then) and their
    ``baseline_preliminary`` / ``baseline_preliminary_mark`` / ``baseline_decimals`` as the figure used."""
    rows = [t.row for t in results]
    hit = [pos for pos, r in enumerate(rows) if BASELINE_PLANNED_COLUMNS[0] in r]
    if not hit:
        return
    table[BASELINE_PLANNED_COLUMNS[0]] = [r.get(BASELINE_PLANNED_COLUMNS[0], np.nan) for r in rows]
    table[BASELINE_PLANNED_COLUMNS[1]] = [r.get(BASELINE_PLANNED_COLUMNS[1], "") for r in rows]
    flag, word = BASELINE_PRELIMINARY_COLUMNS
    for c, blank in ((flag, False), (word, "")):
        if c not in table.columns:
            table[c] = blank
        table[c] = table[c].astype(object)
        table.loc[hit, c] = [rows[pos][c] for pos in hit]
    table[flag] = table[flag].fillna(False).astype(bool)
    table[word] = table[word].fillna("").astype(object)
    if "baseline_decimals" in table.columns:  # the plan's decimals wrote its figure, not the history's
        d = pd.array(pd.to_numeric(table["baseline_decimals"], errors="coerce"), dtype="Int64")
        d[hit] = pd.NA
        table["baseline_decimals"] = d


def _units_from_history(plan_rows: list[dict], hist: pd.DataFrame) -> None:
    """A plan row whose unit cell is blank (the published tables often leave it so) takes its
    matched series' unit, so the result and the report say 万户 / 项 beside the figures."""
    if "unit" not in hist.columns or not any(_blank(r.get("unit")) for r in plan_rows):
        return
    given = hist[~hist["unit"].map(_blank)]
    units = given.drop_duplicates(["region", "indicator"]).set_index(["region", "indicator"])["unit"].to_dict()
    for r in plan_rows:
        if _blank(r.get("unit")):
            unit = units.get((r["region"], r["indicator"]))
            if unit is not None:
                r["unit"] = unit


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _assess_series(sf: SeriesForecast, extra, *, thresholds: Thresholds, as_of, rules: ScheduleRules,
                   keep_paths: bool, charts: bool = True) -> list[tuple[int, TargetAssessment]]:
    """Engine reduction: the plan rows of one series assessed from its paths, each with its fan
    quantiles; the paths are dropped unless ``keep_paths``; ``charts=False``: the rows only
    (no series, no fan). Returns ``[(plan position, result)]``."""
    rows, from_totals, declared_flows, *more = extra
    stock_gap = more[0] if more else None
    marks = more[1] if len(more) > 1 else None
    from_additions = bool(more[2]) if len(more) > 2 else False
    split = more[3] if len(more) > 3 else None
    stock = more[4] if len(more) > 4 else None  # a 〈〉 row's history read as the year-end stock
    light = sf if keep_paths else sf.without_paths() if charts else None
    out = []
    for pos, r in rows:
        # a 〈〉 row of a stock: its additions from the baseline-year level, the forecast made on the levels
        own = counting.stock_additions(sf, int(r["baseline_year"])) \
            if stock is not None and r.get("kind") == "increment" else sf
        t = _assess_row(r, own, thresholds, as_of, rules, from_totals, declared_flows or own is not sf, stock_gap,
                        marks, from_additions, split, stock if own is not sf else None)
        bands = fan_bands(own, t.row, stock_gap=stock_gap) if charts or keep_paths else None
        detail = light if own is sf else own if keep_paths else own.without_paths() if charts else None
        out.append((pos, TargetAssessment(t.row, t.samples if keep_paths else None, detail, bands,
                                          unreported=t.unreported)))
    return out


def _offer_for_charts(charted: ChartedRows, held: dict, indices, chunk: list) -> list:
    """``run_series``'s ``keep``: offer the rows of a chunk that just arrived to ``charted``,
    which drops (through ``held``) the details of rows that can no longer be charted."""
    for part in chunk:
        for pos, t in part:
            held[pos] = t
            charted.offer(pos, t.row)
    return chunk


def _without_details(t: TargetAssessment) -> None:
    t.series = t.bands = t.samples = None


def _plan_bounds(r: dict):
    """Bounds of a plan row for the forecast: a ``%`` share [0, 100] (or declared), a growth rate of a
    quantity in ``%`` (市场主体增长率: >= -100, :meth:`Bounds.for_unit`, as :func:`mstarget.forecast` gives it),
    another rate of change or margin in ``%`` only what is declared (identity if nothing), other units the
    declared ``(lower, upper)`` (the unit rule fills the rest); None: the unit rule decides."""
    lo = None if pd.isna(r["lower"]) else float(r["lower"])
    hi = None if pd.isna(r["upper"]) else float(r["upper"])
    if _percent_kind(r["unit"], r["name"], r["indicator"]) is not None:
        return _percent_bounds(r["unit"], " ".join(str(v) for v in (r["name"], r["indicator"])
                                                   if isinstance(v, str) and v), lo, hi)
    return None if lo is None and hi is None else (lo, hi)


def _sampling_row(r: dict) -> bool:
    """A plan row that is a rate of sampling inspections (:func:`mstarget.units.is_sampling_rate`), a level target."""
    return r.get("kind") != "increment" and is_sampling_rate(
        r["unit"] if isinstance(r["unit"], str) else None, r["name"] if isinstance(r["name"], str) else None,
        str(r["indicator"]))


@functools.lru_cache(maxsize=4096)
def _percent_bounds(unit, name, lo, hi) -> Bounds:
    """:meth:`Bounds.for_unit` of a ``%`` plan row, decided once per distinct unit, name and bounds."""
    return Bounds.for_unit(unit, None, lo, hi, name=name)


@functools.lru_cache(maxsize=4096)
def _percent_kind(unit, name, indicator):
    """:func:`mstarget.units.percent_kind`, decided once per distinct unit and name (a country's
    plan repeats a few dozen indicators across thousands of regions)."""
    return percent_kind(unit, name, indicator)


@dataclass
class _Compared:
    """What a plan row's ``p_meet`` compares, and what its reported figures alone say -- the state
    :func:`_assess_row`'s steps hand on (one per kind of target: :func:`_increment_compared`,
    :func:`_average_compared`, :func:`_level_compared`)."""

    #: the simulated quantity the target is judged on, shape (n_paths,): the target year's value, the period's sum
    #: (a 〈〉 row) or its compound average rate (年均增长)
    samples: np.ndarray
    #: the figure progress counts from: the last value (or the target year's, once observed), the sum of the
    #: reported flows, the reported years' average
    current: float
    #: the reported figures alone meet the target (a stock or sum that can only grow past it)
    already: bool = False
    #: the reported figures decide the target: no year the history does not report could change it
    decided: bool = True
    #: years of the plan period the history does not report, counted at their estimates
    missing: list = field(default_factory=list)
    #: a 〈〉 row's running totals not reported, inside a reported later total
    split_years: list = field(default_factory=list)
    #: ``{year: estimate}`` of the years counted at their estimates (:attr:`TargetAssessment.unreported`)
    unreported: dict = field(default_factory=dict)
    #: 零发生: the period's largest yearly figure on each path, compared instead of ``samples``
    compared: np.ndarray | None = None
    #: 零发生: the years of the period with an incident, ``(year, count)``
    occurred: list = field(default_factory=list)
    #: 零发生 with years of the period still to come: nothing is achieved early
    none_ahead: bool = False
    #: 零发生 missed: the figure that decided it (for a preliminary mark)
    judged_value: float | None = None
    #: 零发生 missed in a part of a year not yet reported whole (2026年1-10月 1起)
    part_decided: bool = False
    #: a period average's (log growth the target needs, the reported years')
    average_progress: tuple | None = None
    #: a level or stock whose target year is not reported, its value interpolated between the years around it
    estimated_year: bool = False


def _assess_row(r: dict, sf: SeriesForecast | None, th: Thresholds, as_of,
                rules: ScheduleRules = ScheduleRules(), from_totals: bool = False,
                declared_flows: bool = False, stock_gap: counting.StockGap | None = None,
                marks: dict | None = None, from_additions: bool = False,
                split: counting.TotalsSplit | None = None,
                stock: counting.StockReading | None = None,
                report_unit: float | None = None, p_only: bool = False) -> TargetAssessment:
    """One plan row's result from its series' forecast ``sf`` (None: no observation).
    ``from_totals``: the series' flows were turned from running totals; ``declared_flows``: the
    series was declared yearly flows (口径 当年), so it is not guessed to be running totals;
    ``stock_gap``: the series is a stock built from yearly additions with years missing
    (:func:`mstarget.counting.flows_to_stocks`). A year the history does not report is counted as
    estimated only where the module docstring says. ``marks``: the series' preliminary figures
    ``{year: mark}`` (快报 ...); ``from_additions``: the series is a stock summing yearly additions, so a
    preliminary year's additions make every later stock preliminary; ``split``: the running totals the
    series' flows were turned from miss years (:class:`mstarget.counting.TotalsSplit`): those years are
    named (``unreported_years``, ``split_years``), the sums at the reported years stay as reported.
    ``stock``: a 〈〉 row whose history is the year-end stock (:func:`mstarget.counting.read_as_stocks`),
    ``sf`` its additions from the baseline-year level (:func:`mstarget.counting.stock_additions`): the sum
    so far is the last level minus that level, the forecast's the forecast level minus it.
    ``report_unit``: the unit the compared quantity and the target are rounded to (:func:`_as_reported`), the same
    for every figure of a search over a grid of targets (:func:`mstarget.suggest.suggest_targets`: the grid's step,
    or the series' finer unit), so that a harder figure is never judged likelier met; None (a plan's own target):
    the series' unit, finer where the target is written finer (:func:`_report_unit`). Either way a period average
    and a series of fewer than two observed values are compared unrounded. ``p_only``: the row's ``p_meet`` alone
    is wanted (a search judging many figures): the result's row stops there -- no forecast, band, status, schedule
    nor note -- its ``p_meet`` the same as a whole judgement's.

    The steps: the row's empty result (:func:`_empty_row`); the quantity compared, by kind of target
    (:func:`_increment_compared`, :func:`_average_compared`, :func:`_level_compared`); its chance of meeting the
    target (:func:`_chance`); the status (:func:`_status`); the schedule and category (:func:`_categorise`); the
    baseline's notes (:func:`_baseline_notes`)."""
    target, direction, kind = float(r["target"]), r["direction"], r["kind"]
    strict = strict_of(r)  # 低于0.15: an observed 0.15 does not meet it
    ty = int(r["target_year"])
    by = r.get("baseline_year")
    by = None if by is None or pd.isna(by) else int(by)
    baseline = r.get("baseline")
    baseline = np.nan if baseline is None or pd.isna(baseline) else float(baseline)
    row = _empty_row(r, as_of, target, ty, by, baseline)
    if sf is None:
        row["note"] = "no observation up to as_of"
        return TargetAssessment(row, None, None)

    row["last_year"], row["last_value"], row["model"] = sf.last_year, sf.last_value, sf.model
    notes = list(sf.notes)
    if strict:
        notes.append(f"strict bound: a value of {target:g} itself does not meet the target "
                     f"({'高于' if direction == '>=' else '低于'}{target:g}，不含本数)")
    average = period_average(r)
    if kind == "increment":
        c = _increment_compared(r, sf, row, notes, strict, from_totals, declared_flows, split, stock)
    elif average:  # 年均增长: the compound average of the yearly rates of by + 1 .. ty (:func:`period_average`)
        c = _average_compared(r, sf, row, notes, int(by))
    else:
        c = _level_compared(r, sf, row, notes, by, baseline, strict, stock_gap)
    c.samples = np.asarray(c.samples, dtype=float)

    p, striven, goal_striven, compared = _chance(r, c, sf.values, average, strict, report_unit)
    if p_only:  # the verdict alone: the rest of the row (band, status, schedule, notes) left out
        row["p_meet"] = np.nan if c.estimated_year else p  # a target year only interpolated: not judged (below)
        return TargetAssessment(row, c.samples, sf, unreported=c.unreported)
    ordered = np.sort(c.samples)  # one sort; the same numbers as np.mean / np.median / np.quantile
    row["forecast"] = float(sorted_median(ordered))
    row["lo_80"], row["hi_80"] = (float(v) for v in sorted_quantiles(ordered, [0.1, 0.9]))
    row["p_meet"] = p
    if striven is not None and np.isfinite(striven):  # 6%以上，力争7%: the further figure's chance too
        p_striven = row["p_striven"] = share_meeting(compared, goal_striven, direction)
        notes.append(f"striven-for target {striven:g}: probability {p_striven:.2f} "
                     f"(力争值{striven:g}，达到概率{p_striven:.2f})")
    # the target year observed, but a year the history does not report decides it: not judged met or not
    unknown = ty <= sf.last_year and not c.decided
    _status(row, c, sf, p, th, notes, average, unknown, strict)
    _categorise(row, c, sf, rules, notes, average, unknown, strict)
    if marks is not None:
        _preliminary_row(row, notes, marks, kind, sf.years, min(ty, sf.last_year),
                         c.current if c.judged_value is None else c.judged_value,
                         from_additions or average or (kind == "increment" and not from_totals and stock is None))
    _baseline_notes(r, row, notes, baseline, by)
    row["note"] = "; ".join(notes)
    return TargetAssessment(row, c.samples, sf, unreported=c.unreported)


def _empty_row(r: dict, as_of, target: float, ty: int, by: int | None, baseline: float) -> dict:
    """A plan row's result before anything is judged: no data, 数据不足."""
    return {"region": r["region"], "indicator": r["indicator"], "target_year": ty, "target": target,
            "direction": r["direction"], "kind": r["kind"], "last_year": None, "last_value": np.nan,
            "forecast": np.nan, "lo_80": np.nan, "hi_80": np.nan, "p_meet": np.nan,
            "status": "no_data", "required_pace": np.nan, "observed_pace": np.nan, "model": "",
            "baseline_year": by, "baseline": baseline, "sum_so_far": np.nan, "remaining": np.nan,
            "time_share": np.nan, "progress_share": np.nan, "category": "insufficient_data",
            "evaluation": "insufficient_data", "category_zh": CATEGORY_ZH["insufficient_data"],
            "name": r.get("name"), "unit": r.get("unit"), "attribute": r.get("attribute"),
            "as_of": as_of, "note": ""}


def _increment_compared(r: dict, sf: SeriesForecast, row: dict, notes: list, strict: bool, from_totals: bool,
                        declared_flows: bool, split: counting.TotalsSplit | None,
                        stock: counting.StockReading | None) -> _Compared:
    """A 〈〉 row: the sum of the yearly flows of ``baseline_year + 1 .. target_year`` -- the reported ones, the
    years not reported at their estimates, the years to come on each path. Sets the row's paces (and
    ``stock_base`` for a history read as the year-end stock); notes running totals, a stock and gaps."""
    target, direction, ty = float(r["target"]), r["direction"], int(r["target_year"])
    by = int(r["baseline_year"])
    years, values = sf.years, sf.values
    obs_years, flows, reported = _period_flows(sf, by, min(sf.last_year, ty))
    missing = obs_years[~reported].tolist()
    split_years: list = []
    estimated = float(flows.sum())  # with the estimates of the years not reported
    done = float(flows[reported].sum())  # the reported flows only
    if from_totals:
        notes.append("running totals (累计) turned into yearly flows"
                     + ("; they fall, so some flows are negative (see warning)" if np.any(values < 0) else ""))
        shared = [(y, f) for y, f in zip(split.years, split.flows) if y <= min(sf.last_year, ty)] \
            if split is not None else []
        if shared:  # a year's total not reported: the next total's rise split evenly, the sums reported kept
            split_years = [y for y, _ in shared]
            notes.append(f"running total of {', '.join(map(str, split_years))} not reported: the rise to the next "
                         f"reported total split evenly ({', '.join(f'{y}: {f:.4g}' for y, f in shared)}); the sums "
                         f"at the reported years are as reported ({_years_text(split_years)}年累计数未报送，"
                         f"其间各年新增按前后累计数之差均摊估计，累计完成数按报送数计)")
    elif stock is not None:
        row["stock_base"] = stock.base
        level = stock.base + done
        notes.append(f"read as a stock (year-end levels{'' if stock.declared else ', see warning'}): additions "
                     f"since {by} = the level minus the {by} level {stock.base:g} ({min(sf.last_year, ty)}: "
                     f"{level:.6g} - {stock.base:g} = {done:.6g}); forecast made on the levels "
                     f"(历史数据为期末存量，新增数按各年末数减{by}年末数{stock.base:g}计算"
                     f"{'' if stock.declared else '；如为当年新增数，请在“口径”列注明“当年”'})")
    elif not declared_flows:
        counting.check_running_totals(r, years, values, by, ty, target, direction, estimated, notes)
        if notes and notes[-1].startswith("values look like running totals"):  # said in words a report keeps
            notes[-1] = _running_totals_note(years, values, by, ty, estimated)
    fut = np.arange(sf.last_year + 1, ty + 1)
    n = sf.paths.shape[0] if sf.paths is not None else 1
    unreported = _unreported(sf, flows[~reported], _lower(sf)) if missing else np.zeros(n)
    samples = done + unreported + (np.column_stack([sf.at(int(y)) for y in fut]).sum(axis=1)
                                   if fut.size else np.zeros(n))
    remaining = max(ty - sf.last_year, 0)
    # what the years to come must add, the unreported years counted at their estimates
    row["required_pace"] = (target - estimated) / remaining if remaining else np.nan
    in_period = values[(years > by) & (years <= ty)]
    row["observed_pace"] = float(in_period.mean()) if in_period.size else float(values.mean())
    already = _meets(done, target, direction, strict) and direction == ">="
    estimates = {int(y): float(e) for y, e in zip(missing, flows[~reported])}
    estimates.update({int(y): float(sf.at(int(y))[0]) for y in split_years})
    decided = True
    if missing:
        notes.append(_gap_note(missing, flows[~reported], int(years[0]), False, done))
        lower = _lower(sf)
        # flows are never negative: the reported ones alone meet a ">=" target, or exceed a "<=" cap
        decided = already or (direction == "<=" and lower is not None and lower >= 0
                              and not _meets(done, target, direction, strict))
    return _Compared(samples, done, already=already, decided=decided, missing=missing, split_years=split_years,
                     unreported=estimates)


def _average_compared(r: dict, sf: SeriesForecast, row: dict, notes: list, by: int) -> _Compared:
    """A 年均增长 target: the compound average of the yearly rates of ``by + 1 .. target_year`` -- the reported
    rates, the years not reported at their estimates with a one-year-ahead spread, the years to come the joint
    paths. Sets the row's paces; notes the gaps and how the average is counted."""
    target, ty = float(r["target"]), int(r["target_year"])
    years, values = sf.years, sf.values
    obs_years, rates, reported = _period_flows(sf, by, min(sf.last_year, ty))
    missing = obs_years[~reported].tolist()
    n_years, n = ty - by, (sf.paths.shape[0] if sf.paths is not None else 1)
    lower = _lower(sf)
    lower = -100.0 if lower is None else max(float(lower), -100.0)
    # the years not reported at their estimates with a one-year-ahead spread, the years to come the joint paths
    est = _unreported(sf, rates[~reported], lower, each=True) if missing else np.zeros((n, 0))
    fut = np.arange(sf.last_year + 1, ty + 1)
    ahead = np.column_stack([sf.at(int(y)) for y in fut]) if fut.size else np.zeros((n, 0))
    done_log = float(_log_growth(rates[reported]).sum())
    samples = _average_rate(done_log + _log_growth(est).sum(axis=1) + _log_growth(ahead).sum(axis=1), n_years)
    remaining = ty - sf.last_year
    needed_log = n_years * float(_log_growth(target))
    # what the years to come must average, the years not reported counted at their estimates
    row["required_pace"] = (float(_average_rate(needed_log - float(_log_growth(rates).sum()), remaining))
                            if remaining > 0 else np.nan)
    so_far = obs_years[reported]
    current = float(_average_rate(done_log, so_far.size)) if so_far.size else np.nan
    row["observed_pace"] = current if so_far.size else float(_average_rate(_log_growth(values).sum(), values.size))
    if missing:  # a year's rate not reported: the average is not known, whatever the others
        how = "taken equal to the first reported year's" if all(y < years[0] for y in missing) else \
            "estimated by interpolation"
        notes.append(f"rate of {', '.join(map(str, missing))} not reported: {how} "
                     f"({', '.join(f'{y}: {e:.4g}' for y, e in zip(missing, rates[~reported]))}) in the forecast "
                     f"and p_meet, with the spread of a one-year-ahead forecast; the average so far counts the "
                     f"reported years only ({_years_text(missing)}年数据缺失，年均值按估计值计算)")
    period = f"{by + 1}—{ty}"
    so_far_zh = (f"{'' if min(sf.last_year, ty) >= ty and not missing else '已实现'}{_span_text(so_far)}年年均"
                 f"{current:.2f}%" if so_far.size else f"{by + 1}年以来尚无数据")
    need_zh = (f"，剩余年份需年均增长{row['required_pace']:.2f}%" if remaining > 0 and so_far.size else "")
    notes.append(f"period average: the target is the compound average of the yearly rates of {by + 1}-{ty}, "
                 f"not {ty}'s rate alone; forecast, band and p_meet are of that average"
                 + (f"; reported {', '.join(map(str, so_far))}: {current:.2f} % a year" if so_far.size else "")
                 + f" (按{period}年年均计算，{so_far_zh}{need_zh})")
    # already False: years to come can still pull the average down (or up, under a cap)
    return _Compared(samples, current, already=False, decided=not missing, missing=missing,
                     unreported={int(y): float(e) for y, e in zip(missing, rates[~reported])},
                     average_progress=(needed_log, done_log if so_far.size else np.nan))


def _level_compared(r: dict, sf: SeriesForecast, row: dict, notes: list, by: int | None, baseline: float,
                    strict: bool, stock_gap: counting.StockGap | None) -> _Compared:
    """A level (or a stock, 〔〕 ``cumulative``): the target year's value on each path -- for 零发生 the period's
    largest yearly figure (:func:`_none_at_all`); a stock built from yearly additions with years not reported
    counts them at their estimates (``stock_gap``). Sets the row's paces; notes incidents and gaps."""
    target, direction, kind, ty = float(r["target"]), r["direction"], r["kind"], int(r["target_year"])
    years, values = sf.years, sf.values
    c = _Compared(sf.at(ty), np.nan)
    if _none_at_all(r) and by is not None:  # 零发生: none in any year of by + 1 .. ty, not in ty alone
        _none_at_all_compared(r, sf, c, notes, by)
    # the target year past the history's first year and before its last, its own figure missing: the value is
    # interpolated between the years around it (:meth:`SeriesForecast.at`) -- no fact to judge the row on
    c.estimated_year = ty < sf.last_year and not bool(np.any(years == ty))
    remaining = ty - sf.last_year
    row["required_pace"] = (target - sf.last_value) / remaining if remaining > 0 else np.nan
    row["observed_pace"] = _observed_pace(years, values, by, baseline, years[-1] - years[0])
    # the value compared: the last one, or the target year's when that is already observed
    c.current = float(c.samples[0]) if ty <= sf.last_year else sf.last_value
    c.already = kind == "cumulative" and direction == ">=" and _meets(c.current, target, direction, strict)
    gap = ([(y, e) for y, e in zip(stock_gap.years, stock_gap.estimates) if y <= min(ty, sf.last_year)]
           if kind == "cumulative" and stock_gap is not None else [])
    if gap:  # the stock counts additions of years not reported, at their estimates
        c.missing = [y for y, _ in gap]
        est = np.array([e for _, e in gap])
        lower = 0.0 if stock_gap.bounded else None
        c.samples = np.asarray(c.samples, dtype=float) - float(est.sum()) + _unreported(sf, est, lower)
        # the stock of the reported additions alone: a lower bound when additions are never negative
        reported_only = c.current - float(est.sum())
        c.already = direction == ">=" and stock_gap.bounded and _meets(reported_only, target, direction, strict)
        c.decided = c.already or (direction == "<=" and stock_gap.bounded
                                  and not _meets(reported_only, target, direction, strict))
        notes.append(_gap_note(c.missing, est, int(years[0]), True)
                     + f"; progress, remaining and sum_so_far count the reported additions alone: "
                     f"{reported_only:.6g}")
        c.current = reported_only  # progress as reported, as a 〈〉 row's sum_so_far
        c.unreported = {int(y): float(e) for y, e in gap}
        c.estimated_year = False  # the reported additions alone decide it, as a 〈〉 row's flows
    return c


def _none_at_all_compared(r: dict, sf: SeriesForecast, c: _Compared, notes: list, by: int) -> None:
    """零发生 (none in any year of ``by + 1 .. target_year``): ``c.compared`` the period's largest yearly figure on
    each path -- the years observed as observed, the years to come on each path, an incident of a part of a year
    not reported whole counted (incidents only accumulate) -- and the incidents that already miss it noted."""
    ty = int(r["target_year"])
    years, values = sf.years, sf.values
    in_period = (years > by) & (years <= ty)
    c.occurred = [(int(y), float(v)) for y, v in zip(years[in_period], values[in_period]) if v > 0]
    ahead = np.arange(max(sf.last_year, by) + 1, ty + 1)
    c.none_ahead = bool(ahead.size)
    worst = float(values[in_period].max()) if in_period.any() else -np.inf
    c.compared = np.maximum(worst, np.column_stack([sf.at(int(y)) for y in ahead]).max(axis=1)) \
        if ahead.size else np.full(np.shape(c.samples), worst)
    unit = str(r.get("unit") or "").strip()
    # 2026年1-10月 1起 of a year not yet reported whole: incidents only accumulate, the year has one already
    part = [(y, lab, v) for y, lab, v in (r.get("part_year_incidents") or ()) if y > sf.last_year and v > 0]
    if part:
        c.part_decided = True
        worst = max(worst, *(v for _, _, v in part))
        c.compared = np.maximum(c.compared, worst)
    if c.occurred or part:
        c.judged_value = max(v for _, v in c.occurred) if c.occurred else None
        said = "，".join([f"{y}年发生{v:g}{unit or '起'}" for y, v in c.occurred]
                        + [f"{lab}已发生{v:g}{unit or '起'}" for _, lab, v in part])
        notes.append(f"target of none at all over {by + 1}-{ty} ({r.get('target_written') or '≤0'}): "
                     f"{', '.join([f'{v:g} in {y}' for y, v in c.occurred] + [f'{v:g} in {lab} (part of the year)' for _, lab, v in part])}"
                     f", so the target is missed whatever the years to come bring ({said}，规划期内未实现零发生)")
        c.occurred = c.occurred + [(y, v) for y, _, v in part]
    elif ahead.size > 1:
        notes.append(f"target of none at all over {by + 1}-{ty}: p_meet is the chance of none in every year "
                     f"{ahead[0]}-{ty}, not in {ty} alone（规划期内各年均不发生的概率）")


def _chance(r: dict, c: _Compared, values: np.ndarray, average: bool, strict: bool, report_unit: float | None):
    """The chance the compared quantity meets the target, as reported figures do; returns ``(p_meet, striven,
    striven as reported, the compared quantity sorted and as reported)``.

    A target at the indicator's bound (覆盖率达到100%) is met by paths that would be reported as the bound: the
    forecast's paths are snapped to it (:func:`mstarget.precision.snap_to_bounds`). The outcome is a reported
    figure: the compared quantity rounded to the data's reporting unit (5, 5, 5, 5 亿元 against ≥5: a path at 4.6 is
    reported 5 and meets it); a period average is compared as computed, and one figure (a plan's baseline alone: 98
    against ≥99) does not show the unit the series is reported in (98.6 next year?): not rounded."""
    target, direction = float(r["target"]), r["direction"]
    striven = r.get("target_striven")
    striven = float(striven) if striven is not None and not pd.isna(striven) else None
    seen = np.asarray(values, dtype=float)
    unit = None if average or np.isfinite(seen).sum() < 2 else \
        report_unit if report_unit is not None else _report_unit(values, target, striven)
    compared = np.sort(np.asarray(c.samples if c.compared is None else c.compared, dtype=float))
    if unit is not None:
        compared = _as_reported(compared, unit)  # monotone: still sorted
        goal, goal_striven = (float(_as_reported(target, unit)),
                              None if striven is None else float(_as_reported(striven, unit)))
    else:
        goal, goal_striven = target, striven
    return _share_meeting(compared, goal, direction, strict), striven, goal_striven, compared


def _status(row: dict, c: _Compared, sf: SeriesForecast, p: float, th: Thresholds, notes: list, average: bool,
            unknown: bool, strict: bool) -> None:
    """The row's ``status`` (met / on_track / at_risk / off_track) from ``p_meet`` and what is observed: a target year
    observed is decided by its figure (or by the reported figures alone); one only interpolated, or that a year not
    reported decides (``unknown``), is noted as not judged."""
    target, direction, kind, ty = row["target"], row["direction"], row["kind"], row["target_year"]
    if c.estimated_year:  # a level or stock whose target year is not reported: its interpolated value decides nothing
        row["target_year_estimated"] = True  # p_meet and status left blank (_categorise)
        years = sf.years
        around = (int(years[years < ty][-1]), int(years[years > ty][0])) if np.any(years < ty) else None
        notes.append(f"target year {ty} not reported: its value {row['forecast']:.6g} is "
                     + (f"interpolated between {around[0]} and {around[1]}" if around else "estimated")
                     + f", not judged met or not: no p_meet or status (数据不足：{ty}年数据未报送，按前后年份插值估计为{row['forecast']:.6g}，"
                     f"无法判定是否完成，请补报{ty}年数据)")
    elif unknown:
        row["status"] = "on_track" if p >= th.on_track else "at_risk" if p >= th.at_risk else "off_track"
        whose = "the stock lacks the additions" if kind == "cumulative" else \
            "the average lacks the rates" if average else "the sum lacks the flows"
        notes.append(f"target year {ty} observed, but {whose} of {', '.join(map(str, c.missing))}: not judged "
                     f"met or not, p_meet counts the estimate (数据不足：缺少{_years_text(c.missing)}年数据，"
                     f"无法判定是否完成)")
    elif ty <= sf.last_year:
        if c.missing:  # decided by the reported figures alone
            row["status"] = "met" if c.already else "off_track"
            notes.append(f"target year {ty} already observed; the reported figures alone "
                         f"{'meet' if c.already else 'miss'} the target (仅按已报送数据即可判定)")
        else:
            row["status"] = "met" if p >= 0.5 else "off_track"
            notes.append(f"target year {ty} already observed")
    elif c.already:
        row["status"] = "met"
    elif kind == "level" and not average and not c.none_ahead and _meets(c.current, target, direction, strict) \
            and p >= th.met_level:  # (零发生 with years to come: not met before they pass)
        row["status"] = "met"
    elif p >= th.on_track:
        row["status"] = "on_track"
    elif p >= th.at_risk:
        row["status"] = "at_risk"
    else:
        row["status"] = "off_track"


def _categorise(row: dict, c: _Compared, sf: SeriesForecast, rules: ScheduleRules, notes: list, average: bool,
                unknown: bool, strict: bool) -> None:
    """The row's schedule (time and progress shares, :func:`_schedule`) and category, then what overrides them: a
    gap behind schedule, 零发生 already missed, 数据不足 (a year not reported decides it, or the target year only
    interpolated: no ``p_meet`` nor status), and the years counted at their estimates named."""
    target, direction, kind, ty = row["target"], row["direction"], row["kind"], row["target_year"]
    # a level already at its target counts as achieved early (提前实现); a stock or sum of flows
    # only for a ">=" target -- under a "<=" cap it can still grow past the target
    achieved = _meets(c.current, target, direction, strict) and (kind == "level" or direction == ">=") \
        and not average and not c.occurred and not c.none_ahead  # 零发生: a quiet latest year achieves nothing while years remain
    if c.missing:  # a stock or sum with unreported years: achieved only on the reported figures alone
        achieved = c.already
    _schedule(row, sf, c.current, achieved, rules, c.average_progress)
    if c.missing and not (unknown or c.estimated_year or average) and direction == ">=" and row["category"] == "behind":
        _behind_on_a_gap(row, c.current, c.missing, c.unreported, rules, notes)
    if c.occurred:  # 零发生 with an incident of the period (a year's or part of one's): 未完成 once the target year is
        row["missed_already"] = True  # past, whatever its own figure (:func:`mstarget.schedule.evaluation_category`)
    if c.part_decided:  # missed already, though no whole year of the period is reported: 滞后, not 数据不足 / 未开始
        row["status"], row["category"] = "off_track", "behind"
        row["evaluation"], row["category_zh"] = "behind", CATEGORY_ZH["behind"]
    if average:
        row["average_years"] = f"{int(row['baseline_year']) + 1}-{ty}"
        row["sum_so_far"] = c.current  # the reported years' average so far, as a 〈〉 row's sum
    if unknown or c.estimated_year:  # 数据不足, which the evaluation (:func:`_evaluate`) and the report keep
        row["category"] = row["evaluation"] = "insufficient_data"
        row["category_zh"] = CATEGORY_ZH["insufficient_data"]
    if c.estimated_year:  # an interpolation between two observed years: no chance to state (0 or 1 of a line), no
        # status -- not judged, as the printout and the report say (-) and the tracked counts leave it out
        row["p_meet"], row["status"] = np.nan, None
        if "p_striven" in row:
            row["p_striven"] = np.nan
    if c.split_years:  # years estimated inside a reported running total: named, the sum itself reported
        row["split_years"] = _years_list(c.split_years)
    if c.missing or c.split_years:
        row["unreported_years"] = _years_list(sorted(set(c.missing) | set(c.split_years)))
    if c.missing and kind == "cumulative":  # the stock of the reported additions alone, as a 〈〉 row's sum_so_far
        row["sum_so_far"] = c.current


def _baseline_notes(r: dict, row: dict, notes: list, baseline: float, by: int | None) -> None:
    """Notes on the baseline: a 预计 figure of the plan the history's base-year figure replaced (which counts), or a
    preliminary baseline progress counts from (to be recomputed on the final figure)."""
    kind = r["kind"]
    flag = r.get(BASELINE_PRELIMINARY_COLUMNS[0])
    planned = r.get(BASELINE_PLANNED_COLUMNS[0])
    if planned is not None and not pd.isna(planned) and np.isfinite(baseline) and kind != "increment":
        # a 预计 baseline the history's base-year figure replaced: said, with which figure counts
        mark = _mark(r.get(BASELINE_PLANNED_COLUMNS[1]))
        was, now = _figure(float(planned), r.get("baseline_decimals")), _figure(baseline)
        row.update({c: r.get(c) for c in (*BASELINE_PLANNED_COLUMNS, *BASELINE_PRELIMINARY_COLUMNS)})
        row["baseline_decimals"] = pd.NA
        if flag is not None and not pd.isna(flag) and bool(flag):
            word = _mark(r.get(BASELINE_PRELIMINARY_COLUMNS[1]))
            notes.append(f"baseline: the plan's {mark} figure {was} replaced by the history's {word} figure {now} of "
                         f"{by}, which the series uses; progress and the observed pace count from it and are to be "
                         f"recomputed on the final figure (规划基期{mark}{was}，{word}{now}，按{word}计，正式数据发布后重新计算)")
        else:
            notes.append(f"baseline: the plan's {mark} figure {was} replaced by the history's final figure {now} of "
                         f"{by}; progress and the observed pace both count from it (规划基期{mark}{was}，年报{now}，按年报计)")
    elif flag is not None and not pd.isna(flag) and bool(flag) and np.isfinite(baseline) and kind != "increment":
        word = _mark(r.get(BASELINE_PRELIMINARY_COLUMNS[1]))
        notes.append(f"baseline {baseline:g} is a preliminary figure ({word}): progress counts from it and is to be "
                     f"recomputed on the final figure (基期值为{word}数，目标进度按此计算，正式数据发布后按正式基期值重新计算)")


def _observed_pace(years: np.ndarray, values: np.ndarray, by: int | None, baseline: float, span: int) -> float:
    """Yearly change of a level or stock over the plan period so far: from the baseline year (the
    history's value there, else the plan's baseline) to the last observation. The whole history's
    when nothing after the baseline year is observed or no baseline year is known: a history of
    2010-2022 against a 2020 baseline is paced over 2020-2022, not across a break years before."""
    if by is not None and years[-1] > by:
        at = years == by
        if at.any():
            return float((values[-1] - values[at][0]) / (years[-1] - by))
        if np.isfinite(baseline):
            return float((values[-1] - baseline) / (years[-1] - by))
        after = years > by
        if after.sum() >= 2:
            return float((values[-1] - values[after][0]) / (years[-1] - years[after][0]))
    return float((values[-1] - values[0]) / span) if span > 0 else np.nan


def _behind_on_a_gap(row: dict, current: float, missing: list, estimates: dict, rules: ScheduleRules,
                     notes: list) -> None:
    """A sum or stock of additions behind schedule on its reported years alone (滞后) while a year of the period is
    not reported: judged again with those years at their estimates (the interpolation ``p_meet`` counts). Still
    behind: 滞后 stands, said so. On schedule with them: 数据不足 -- a gap in the figures is no delay (flows 1.0, -,
    0.98 of 〈5〉 by 2023 are 40 % of the target as reported, 59 % with 2022 at its estimate: 基本符合预期 once
    reported, not 滞后) -- as the target year's verdict is when the reported figures do not settle it."""
    start = 0.0 if row["kind"] == "increment" else row["baseline"]
    with_estimates = current + sum(estimates.get(int(y), 0.0) for y in missing)
    share = progress_share(start, row["target"], with_estimates, row["direction"])
    again = categorise(has_progress_data=True, already_met=False, time=row["time_share"], progress=share,
                       p_meet=row["p_meet"], rules=rules)
    years, reported = _years_text(missing), row["progress_share"]
    if again == "behind":
        notes.append(f"behind schedule also with {years} at its estimate ({share:.0%} of the target against "
                     f"{row['time_share']:.0%} of the period) (按插值估计补足{years}年后，目标进度{share:.0%}，仍滞后)")
        return
    row["category"] = row["evaluation"] = "insufficient_data"
    row["category_zh"] = CATEGORY_ZH["insufficient_data"]
    notes.append(f"not judged behind schedule: the reported years alone give {reported:.0%} of the target against "
                 f"{row['time_share']:.0%} of the period, but {years} is not reported, and with its estimate it is "
                 f"{share:.0%} (数据不足：缺少{years}年数据，仅按已报送年份目标进度为{reported:.0%}，低于时间进度"
                 f"{row['time_share']:.0%}；按插值估计补足后为{share:.0%}，暂不判定滞后，请补报{years}年数据)")


def _schedule(row: dict, sf: SeriesForecast, current: float, already_met: bool,
              rules: ScheduleRules, average: tuple | None = None) -> None:
    """Fill the schedule view of one row (see :mod:`mstarget.schedule`). ``average``: a period average's
    ``(log growth the target needs over the period, the reported years' so far)``, whose share is its progress
    (averaging the target's rate for 3 of 5 years is 60 %, as the time)."""
    by, target, direction = row["baseline_year"], row["target"], row["direction"]
    if row["kind"] == "increment":
        row["sum_so_far"] = current
        start = 0.0
    else:
        start = row["baseline"]
        if np.isnan(start) and by is not None and np.any(sf.years == by):
            start = float(sf.values[sf.years == by][-1])  # the history's own baseline-year value
            row["baseline"] = start  # show the baseline progress is measured from
    row["remaining"] = max(target - current, 0.0) if direction == ">=" else max(current - target, 0.0)
    row["time_share"] = time_share(by, row["target_year"], sf.last_year)
    row["progress_share"] = progress_share(start, target, current, direction) if average is None else \
        progress_share(0.0, average[0], average[1], direction)
    # progress needs a reference: an observation after the baseline year, or (no baseline year
    # given) at least two observations
    has_data = bool(np.any(sf.years > by)) if by is not None else sf.years.size >= 2
    row["category"] = categorise(has_progress_data=has_data, already_met=already_met,
                                 time=row["time_share"], progress=row["progress_share"],
                                 p_meet=row["p_meet"], rules=rules)
    # the evaluation's (已完成 / 未完成 once the target year is observed) replaces these when the table is
    # whole (:func:`_evaluate`)
    row["evaluation"], row["category_zh"] = row["category"], CATEGORY_ZH[row["category"]]
