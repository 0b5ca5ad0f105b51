"""Schedule progress: how far each target has come against the time elapsed (时间过半、任务过半).

Mid-term evaluations of five-year plans (中期评估) judge every main indicator by comparing the share of
the plan period already elapsed with the share of the baseline-to-target distance already covered,
and classify it in the National Development and Reform Commission's vocabulary:

============================  =====================  ==========================================
``category``                  ``category_zh``        rule (first that applies)
============================  =====================  ==========================================
``insufficient_data``         数据不足               no observation after the baseline year
``achieved``                  提前实现               the compared quantity already meets the
                                                     target (level, stock, or sum of flows)
``behind``                    滞后                   the period over (time_share 1: the target
                                                     year observed) and the target not met
``ahead``                     快于预期               progress_share >= time_share + tolerance
                                                     and p_meet >= 0.5
``behind``                    滞后                   progress_share <= time_share - tolerance
                                                     and p_meet < 0.5
``on_schedule``               基本符合预期           otherwise (within the tolerance, or the
                                                     schedule and the forecast disagree)
============================  =====================  ==========================================

* ``time_share = (last_year - baseline_year) / (target_year - baseline_year)``, clipped to [0, 1]:
  the elapsed share of the plan period at the last observation.
* ``progress_share = (current - baseline) / (target - baseline)``: the share of the distance covered
  (for a ``<=`` target both differences are negative, so the share is positive when moving the
  right way). For an ``increment`` (〈〉) target ``current`` is the sum of flows so far and the
  baseline is 0: ``progress_share = sum_so_far / target``. It is NaN when the distance is zero or
  on the wrong side (a target the baseline already meets) or the baseline is unknown; the category
  then follows ``p_meet`` alone (``achieved`` if already met, else ``behind`` when p_meet < 0.5).
* A target year already observed is judged on that year's value (``time_share`` is then 1); for a
  〈〉 target ``current`` is the sum of the yearly flows (running totals are turned into flows first,
  :func:`mstarget.transforms.running_total_to_flows`), shown as ``sum_so_far`` beside ``remaining``.
* Rows of ``insufficient_data`` (only the plan's baseline, or nothing) keep their prior-based
  ``p_meet`` but are counted apart from the assessed rows in every summary.
* ``p_meet`` is compared as the whole percentage a report shows (:func:`shown_percent`: 0.4975 is 50 %,
  not below 0.5), and the gap ``progress_share - time_share`` as the difference of the two percentages
  shown (:func:`shown_gap`: 64.6 % against 60 % is 5 points, and ``0.6 - 0.55`` no 4.999… points).
* ``p_meet`` settles disagreements: a target behind the linear schedule that the forecast still
  expects to meet (an accelerating series) reads 基本符合预期, as does one ahead of schedule that
  the forecast expects to miss.
* Once the period is over (``time_share`` 1: the target year, or a later one, observed) the band and the
  forecast have nothing left to weigh: a target not met is ``behind`` (滞后) however close it came (98 % of the
  distance is no 基本符合预期 after the target year): the schedule's 滞后 beside the evaluation's 未完成.

The evaluation's category (:func:`evaluation_category`, ``assess``'s ``evaluation`` and ``category_zh``,
what the ``assess`` printout and the report show) speaks of a plan under way only while it is: a target
whose target year is observed has met its target or not, ``completed`` (已完成) when its ``status`` is
``met``, else ``not_completed`` (未完成) -- nothing is "early" or "behind" any more; a target whose year is
past (``as_of``, the evaluation year) but whose value is not yet observed is ``insufficient_data``
(数据不足: its value is awaited, :func:`target_year_awaited`), not judged on a forecast -- nor on a value
estimated between the years around it (a row flagged ``target_year_estimated``: that year never reported) -- save a
target already missed whatever that value (``missed_already``: 零发生 with an incident in a year of the period or in a
part of one, 2025年1-6月 1起), which is ``not_completed`` once its target year is past. Otherwise it is
the schedule's ``category``. A target of a plan whose period has not started -- the evaluation year is its base
year or earlier and nothing after that year is observed (a 2026-2030 plan on data up to 2025) -- is ``not_started``
(规划期未开始, :func:`not_started`): no year of the period can have data yet, which is no lack of data (not
数据不足); its ``p_meet`` extends the trend up to the base year, for reference only. A qualitative target (建成, read_plan's ``qualitative``) is ``qualitative``
(定性指标，另行评价) throughout, counted apart; so is a target not set yet (待定, read_plan's ``target_pending``):
``target_pending`` (目标待定) throughout -- forecast for the drafter, never judged, never 数据不足. A strict target (低于0.15: read_plan's ``strict``) is not met by
an observed value on its figure (:func:`meets`).
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .exceptions import ParameterError
from .validation import is_missing

CATEGORIES = ("achieved", "ahead", "on_schedule", "behind", "insufficient_data")
CATEGORY_ZH = {"achieved": "提前实现", "ahead": "快于预期", "on_schedule": "基本符合预期",
               "behind": "滞后", "insufficient_data": "数据不足"}
#: categories of a target whose target year is observed (a 总结评估's words): met or not, nothing "early"
FINAL_CATEGORIES = ("completed", "not_completed")
FINAL_ZH = {"completed": "已完成", "not_completed": "未完成"}
#: a qualitative target (建成, 全面推行: read_plan's ``qualitative``): no figure to judge, evaluated apart, and
#: counted apart from the categories above in every summary
QUALITATIVE = "qualitative"
CATEGORY_ZH[QUALITATIVE] = "定性指标，另行评价"
#: a target not set yet (目标待定: 待定 / 另行确定 in a draft's target cell, read_plan's ``target_pending``): forecast
#: but not judged (no target, no ``p_meet``), never 数据不足 nor 已完成 / 未完成, and counted apart like a qualitative one
TARGET_PENDING = "target_pending"
CATEGORY_ZH[TARGET_PENDING] = "目标待定"
#: the categories no figure is judged in, whatever the years: kept through the evaluation, counted apart
NOT_JUDGED = (QUALITATIVE, TARGET_PENDING)
#: a target of a plan whose period has not started (:func:`not_started`: a 基期情况, a 2026-2030 plan on data up to
#: 2025): not judged, and no lack of data either
NOT_STARTED = "not_started"
NOT_STARTED_ZH = "规划期未开始"
#: the Chinese of every evaluation category (:func:`evaluation_category`)
EVALUATION_ZH = {**FINAL_ZH, **CATEGORY_ZH, NOT_STARTED: NOT_STARTED_ZH}


@dataclass(frozen=True)
class ScheduleRules:
    """Rules turning progress, time and ``p_meet`` into a category (see the module docstring).

    Attributes
    ----------
    tolerance : float
        Band around the time share (in shares, 0.05 = 5 percentage points) within which a target
        counts as on schedule (default 5 percentage points).
    p_split : float
        ``p_meet`` at or above which the forecast expects the target to be met.
    """

    tolerance: float = 0.05
    p_split: float = 0.5

    def __post_init__(self):
        if not (0 <= self.tolerance < 1 and 0 < self.p_split < 1):
            raise ParameterError.invalid("schedule_rules", "assess",
                                         "0 <= tolerance < 1 and 0 < p_split < 1", self)


def time_share(baseline_year, target_year, last_year) -> float:
    """Elapsed share of the plan period at ``last_year`` (0-1); NaN if a year is unknown."""
    if any(is_missing(v) for v in (baseline_year, target_year, last_year)):
        return math.nan
    span = float(target_year) - float(baseline_year)
    if span <= 0:
        return math.nan
    return min(max((float(last_year) - float(baseline_year)) / span, 0.0), 1.0)


def progress_share(baseline, target, current, direction: str = ">=") -> float:
    """Share of the baseline-to-target distance covered by ``current`` (may exceed 1 or be < 0).

    NaN when the baseline or current value is unknown, or the target is not beyond the baseline
    in ``direction`` (a ``>=`` target at or below the baseline: nothing to cover).
    """
    if any(is_missing(v) for v in (baseline, target, current)):
        return math.nan
    distance = float(target) - float(baseline)
    if distance == 0 or (distance > 0) != (direction == ">="):
        return math.nan
    return (float(current) - float(baseline)) / distance


#: decimals (of a share) the gap between progress and time is rounded to before it meets the tolerance:
#: float noise (``0.6 - 0.55 = 0.04999…``) does not decide a category at exactly 5 points
GAP_DIGITS = 9


def shown_percent(share: float) -> int:
    """A share (0-1) as the whole percentage a report shows it, rounded half-up (``0.495 -> 50``,
    ``0.4975 -> 50``; read at 15 significant digits first); the report's ``percent_int`` is this."""
    return int(Decimal(f"{100 * float(share):.15g}").quantize(Decimal(1), rounding=ROUND_HALF_UP))


def shown_gap(progress: float, time: float) -> float:
    """Progress minus time elapsed (shares, 0-1) as a report shows them: each a whole percentage
    (:func:`shown_percent`), so 64.6 % against 60 % is the 5 points the table shows (0.05), and float
    noise never decides a category at exactly 5 points."""
    return round((shown_percent(progress) - shown_percent(time)) / 100, GAP_DIGITS)


def meets(value, target, direction: str, strict: bool = False) -> bool:
    """Whether ``value`` meets ``target`` in ``direction`` (``>=`` or ``<=``); a ``strict`` bound (the plan's
    ``低于0.15`` / ``<0.15`` / ``超过98``: :attr:`mstarget.plan.Cell.strict`) is not met by its own figure."""
    if strict:
        return bool(value > target) if direction == ">=" else bool(value < target)
    return bool(value >= target) if direction == ">=" else bool(value <= target)


def categorise(*, has_progress_data: bool, already_met: bool, time: float, progress: float,
               p_meet: float, rules: ScheduleRules = ScheduleRules()) -> str:
    """The category of one target (one of :data:`CATEGORIES`), by the rules of the module docstring.

    Parameters
    ----------
    has_progress_data : bool
        Whether at least one observation lies after the baseline year.
    already_met : bool
        Whether the compared quantity (last level, stock, or sum of flows so far) meets the target.
    time, progress : float
        :func:`time_share` and :func:`progress_share` (progress may be NaN).
    p_meet : float
        Probability (0-1) that the target is met in the target year (may be NaN).
    """
    if not has_progress_data:
        return "insufficient_data"
    if already_met:
        return "achieved"
    if not is_missing(time) and time >= 1:  # the target year observed and the target missed
        return "behind"  # no band, no forecast to weigh: 滞后, never 基本符合预期 beside 未完成
    # the probability as a report shows it (49.75 % is 50 %: not below the split), the gap without float
    # noise (3/5 - 11/20 is 5 points exactly, both ways)
    likely = (not is_missing(p_meet)) and shown_percent(p_meet) >= shown_percent(rules.p_split)
    if is_missing(progress) or is_missing(time):
        return "on_schedule" if likely else "behind"
    gap = shown_gap(progress, time)
    if gap >= rules.tolerance and likely:
        return "ahead"
    if gap <= -rules.tolerance and not likely:
        return "behind"
    return "on_schedule"


def target_year_observed(r: dict) -> bool:
    """The target year's value is known (observed): the row is judged on it, met or not, rather than on its
    progress so far. A value only estimated between two observations (the year itself never reported,
    ``target_year_estimated``) is no fact to judge: False."""
    ly, ty = r.get("last_year"), r.get("target_year")
    if _flag(r.get("target_year_estimated")):
        return False
    return not is_missing(ly) and not is_missing(ty) and int(ly) >= int(ty)


def _flag(v) -> bool:
    """A flag column's cell as a bool (``True``, 1; ``None`` / NaN / ``False`` are False)."""
    return not is_missing(v) and bool(v)


def target_year_awaited(r: dict) -> bool:
    """The target year is past (``as_of``, the evaluation year, is that year or later) but its value is
    not observed (the history ends before it): the row can be judged neither on that value nor on its
    progress, and its forecast is only a forecast."""
    ly, ty, as_of = r.get("last_year"), r.get("target_year"), r.get("as_of")
    if is_missing(ly) or is_missing(ty) or is_missing(as_of):
        return False
    return int(ly) < int(ty) <= int(as_of)


def latest_reportable_year(today: _dt.date | None = None) -> int:
    """The latest year whose figures can exist (the year before ``today``'s, default the calendar's): the
    evaluation year of a table without ``as_of`` whose data reach no year after the base year cannot be that base
    year once the calendar has moved past it (a 2021-2025 plan with nothing after 2020, assessed in 2026)."""
    return (today or _dt.date.today()).year - 1


def not_started(r: dict, evaluation_year=None, today: _dt.date | None = None) -> bool:
    """The row's plan period has not started (规划期未开始, :data:`NOT_STARTED`): nothing is observed after its base
    year (``baseline_year``), it knows where it starts (a baseline figure, or a value up to the base year) and the
    evaluation year -- ``as_of``, else ``evaluation_year`` (the table's latest ``last_year``; a row alone does not
    tell it: False) -- is that base year or earlier. Without ``as_of`` the calendar decides too, as the report's
    evaluation year does: once a year after the base year can have figures (:func:`latest_reportable_year`), a row
    with nothing after its base year lacks data (数据不足) instead."""
    by, ty, ly = r.get("baseline_year"), r.get("target_year"), r.get("last_year")
    if is_missing(by) or is_missing(ty) or int(by) >= int(ty):
        return False
    if not is_missing(ly) and int(ly) > int(by):  # a year of the period observed
        return False
    if is_missing(r.get("baseline")) and is_missing(ly):  # nowhere to start from: 数据不足 (暂无监测数据)
        return False
    as_of = r.get("as_of")
    if is_missing(as_of):
        if latest_reportable_year(today) > int(by):
            return False
        as_of = evaluation_year
    return not is_missing(as_of) and int(as_of) <= int(by)


def evaluation_category(r: dict) -> str:
    """The evaluation's category of one assessment row (see the module docstring): the schedule's
    ``category`` while the target is under way, ``completed`` / ``not_completed`` (by ``status``)
    once its target year is observed, ``insufficient_data`` when that year is past (``as_of``) but its
    value not yet observed. A row already ``insufficient_data`` stays so, save that of a plan whose period has
    not started (:func:`not_started`): ``not_started``; a ``qualitative`` or ``target_pending`` row (:data:`NOT_JUDGED`)
    stays so whatever its years. A target already missed (``missed_already``: 零发生 with an
    incident of the period, in a whole year or a part of one) is ``not_completed`` once its target year is past,
    observed or not."""
    cat = str(r.get("category") or "insufficient_data")
    if cat == "insufficient_data" and not_started(r):
        return NOT_STARTED
    ly, ty = r.get("last_year"), r.get("target_year")
    if _flag(r.get("missed_already")) and cat not in NOT_JUDGED and not is_missing(ty) and \
            (target_year_awaited(r) or not is_missing(ly) and int(ly) >= int(ty)):
        return "not_completed"  # 零发生 with an incident of the period: missed, whatever the target year's figure
    if cat in ("insufficient_data", *NOT_JUDGED):
        return cat
    if _flag(r.get("target_year_estimated")):  # never reported, estimated between two observations: no verdict
        return "insufficient_data"
    if not target_year_observed(r):
        return "insufficient_data" if target_year_awaited(r) else cat
    return "completed" if r.get("status") == "met" else "not_completed"


def evaluation_categories(table: pd.DataFrame) -> pd.Series:
    """:func:`evaluation_category` of every row of an assessment table (vectorised, for 100,000
    targets). A row without ``as_of`` takes the table's latest ``last_year`` as the evaluation year
    (an assessment on all the history), as the report does -- and its date: a base year the calendar has
    left behind makes no row ``not_started`` (:func:`not_started`)."""
    cat = table["category"].fillna("insufficient_data").astype(str) if "category" in table else \
        pd.Series(["insufficient_data"] * len(table), index=table.index, dtype=object)
    if not {"last_year", "target_year"} <= set(table.columns):
        return cat
    last = pd.to_numeric(table["last_year"], errors="coerce")
    target_year = pd.to_numeric(table["target_year"], errors="coerce")
    observed = last >= target_year
    met = table["status"].eq("met") if "status" in table else pd.Series(False, index=table.index)
    apart = cat.isin(NOT_JUDGED)  # 定性 / 目标待定: kept as they are, whatever the years
    closed = observed & cat.ne("insufficient_data") & ~apart
    as_of = pd.to_numeric(table["as_of"], errors="coerce") if "as_of" in table else \
        pd.Series(float("nan"), index=table.index)
    as_of = as_of.fillna(last.max())
    awaited = (last < target_year) & (target_year <= as_of) & ~apart
    if "target_year_estimated" in table:  # never reported, estimated between two observations: no verdict
        estimated = table["target_year_estimated"].map(_flag).astype(bool)
        closed, awaited = closed & ~estimated, awaited | (estimated & ~apart)
    out = cat.mask(closed & met, "completed").mask(closed & ~met, "not_completed").mask(awaited, "insufficient_data")
    if "missed_already" in table:  # 零发生 with an incident of the period: missed once the target year is past
        missed = table["missed_already"].map(_flag).astype(bool) & ~apart & \
            (observed | (target_year <= as_of))
        out = out.mask(missed, "not_completed")
    if "baseline_year" not in table:
        return out
    # 规划期未开始: nothing after the base year, the evaluation year at the base year or before it (:func:`not_started`)
    by = pd.to_numeric(table["baseline_year"], errors="coerce")
    given = pd.to_numeric(table["as_of"], errors="coerce").notna() if "as_of" in table else \
        pd.Series(False, index=table.index)
    calendar = pd.Series(latest_reportable_year() <= by, index=table.index)  # no year of the period can have data
    baseline = pd.to_numeric(table["baseline"], errors="coerce") if "baseline" in table else \
        pd.Series(float("nan"), index=table.index)
    waiting = out.eq("insufficient_data") & cat.eq("insufficient_data") & by.notna() & (by < target_year) & \
        (last.isna() | (last <= by)) & (baseline.notna() | last.notna()) & (as_of <= by) & (given | calendar)
    return out.mask(waiting, NOT_STARTED)
