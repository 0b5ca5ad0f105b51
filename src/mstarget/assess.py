"""Target attainment: will each plan target be met?

For every plan row, the quantity the target is about is simulated from joint forecast paths:

* ``level``       the value in the target year
* ``cumulative``  the stock at the end of the target year
* ``increment``   the sum of the yearly flows from ``baseline_year + 1`` to ``target_year``,
                  counting the flows already observed and simulating the rest

``p_meet`` is the share of sample paths on which that quantity meets the target (``>=`` or
``<=``). ``status`` follows :class:`Thresholds`.

History is joined to the plan by :mod:`mstarget.matching` (by id or by Chinese name); plan rows
without history and series matching no plan row are reported in an
:class:`~mstarget.exceptions.UnmatchedWarning` and in ``table.attrs["unmatched_plan"]`` /
``table.attrs["unmatched_history"]``. A 〈〉 series given as running totals (``measure`` =
``running_total``) is turned into yearly flows first (:func:`mstarget.transforms.running_total_to_flows`).
"""
from __future__ import annotations

from dataclasses import dataclass

import warnings

import numpy as np
import pandas as pd

from .arguments import check_int, check_seed, check_table
from .consistency import check_against_plan
from .exceptions import ParameterError, RunningTotalWarning
from .forecast import DEFAULT_PATHS, SeriesForecast, forecast_paths
from .history import read_history
from .matching import AttrFrame, HISTORY_COLUMNS, PLAN_COLUMNS, match, warn_unmatched
from .plan import read_plan
from .schedule import CATEGORY_ZH, ScheduleRules, categorise, progress_share, time_share
from .transforms import Bounds, running_total_to_flows
from .units import percent_kind

STATUSES = ("met", "on_track", "at_risk", "off_track", "no_data")

RESULT_COLUMNS = ["region", "indicator", "target_year", "target", "direction", "kind", "last_year",
                  "last_value", "forecast", "lo_80", "hi_80", "p_meet", "status", "required_pace",
                  "observed_pace", "model"]
#: the schedule view (:mod:`mstarget.schedule`): progress against the time elapsed, NDRC categories
SCHEDULE_COLUMNS = ["baseline_year", "baseline", "sum_so_far", "remaining", "time_share",
                    "progress_share", "category", "category_zh"]
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


def _meets(x, target: float, direction: str):
    return (x >= target) if direction == ">=" else (x <= target)


@dataclass
class TargetAssessment:
    """Internal: one plan row's result plus the simulated compared quantity (for charts)."""

    row: dict
    samples: np.ndarray | None
    series: SeriesForecast | None


def _augment_history(hist: pd.DataFrame, plan: pd.DataFrame, as_of: int | None,
                     use_plan_baseline: bool) -> pd.DataFrame:
    """Add the plan's baseline values as observations where the history lacks that year."""
    if not use_plan_baseline:
        return hist
    add = []
    have = set(zip(hist["region"], hist["indicator"], hist["year"]))
    for r in plan.itertuples(index=False):
        if r.kind == "increment" or pd.isna(r.baseline) or pd.isna(r.baseline_year):
            continue
        y = int(r.baseline_year)
        if as_of is not None and y > as_of:
            continue
        if (r.region, r.indicator, y) in have:
            continue
        have.add((r.region, r.indicator, y))
        add.append({"region": r.region, "indicator": r.indicator, "year": y,
                    "value": float(r.baseline), "unit": r.unit, "source": "plan baseline"})
    if not add:
        return hist
    out = pd.concat([hist, pd.DataFrame(add)], ignore_index=True)
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
           progress: bool = False, calibration="default", reference=None) -> pd.DataFrame:
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
    calibration : "default", None or Calibration
        Interval calibration, e.g. ``mt.calibration.learn(panel)`` (see :func:`mstarget.forecast`).
    reference : DataFrame or path, optional
        A peer panel of the same indicators in other regions: short series borrow their trend
        and noise (see :func:`mstarget.forecast` and :mod:`mstarget.pooling`).

    Returns
    -------
    DataFrame
        One row per plan row, in plan order: ``region, indicator, target_year, target,
        direction, kind, last_year, last_value, forecast (median), lo_80, hi_80, p_meet (0-1),
        status, required_pace, observed_pace (per year, in the indicator's unit), model``; the
        schedule view ``baseline_year, baseline, sum_so_far`` (〈〉 targets: flows summed since the
        baseline year), ``remaining`` (distance still to cover, >= 0, in the indicator's unit),
        ``time_share, progress_share`` (0-1 shares), ``category, category_zh`` (see
        :mod:`mstarget.schedule`); then ``name, unit, attribute, as_of, note``.
        ``attrs["unmatched_plan"]`` / ``attrs["unmatched_history"]``: what did not match
        (:class:`mstarget.matching.Match`), also issued as an
        :class:`~mstarget.exceptions.UnmatchedWarning`.
    """
    table, _ = assess_detailed(history, plan, as_of=as_of, model=model, seed=seed,
                               region=region, n_paths=n_paths, thresholds=thresholds,
                               use_plan_baseline=use_plan_baseline,
                               schedule_rules=schedule_rules, progress=progress,
                               calibration=calibration, reference=reference)
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


def assess_detailed(history, plan, *, as_of=None, model="auto", seed=0, n_paths=DEFAULT_PATHS,
                    thresholds=Thresholds(), use_plan_baseline=True,
                    schedule_rules=ScheduleRules(), progress=False, region=None,
                    calibration="default", reference=None):
    """Like :func:`assess`, also returning per-row :class:`TargetAssessment` (paths for charts)."""
    # argument types first, before any work (issue 14)
    check_table(plan, "plan", "assess")
    check_table(history, "history", "assess", optional=True)
    check_int(as_of, "as_of", "assess", optional=True)
    check_seed(seed, "assess")
    plan, hist = read_inputs(history, plan, region)
    unmatched = (AttrFrame(columns=PLAN_COLUMNS), AttrFrame(columns=HISTORY_COLUMNS))
    if hist is None:
        hist = read_history(pd.DataFrame(columns=["region", "indicator", "year", "value"]))
    else:
        m = match(plan, hist)
        warn_unmatched(m, stacklevel=4)
        # where plan and history meet: units, magnitudes, baseline values (mstarget.consistency)
        check_against_plan(plan, hist, m.pairs, as_of)
        hist, unmatched = m.history, (m.unmatched_plan, m.unmatched_history)
    if as_of is not None:
        hist = hist[hist["year"] <= int(as_of)]
    hist = hist.dropna(subset=["value"])
    hist, converted = _running_totals_to_flows(hist, plan)
    hist = _augment_history(hist, plan, as_of, use_plan_baseline)
    hist = _stated_prior_change(hist, plan)
    # every row was validated by read_history / read_plan: forecast_paths need not read (and warn
    # about) it again; flows from running totals may be negative, as flows may
    hist.attrs["mstarget_clean"] = True

    last_year = hist.groupby(["region", "indicator"])["year"].max().to_dict()
    horizons: dict[tuple[str, str], int] = {}
    bounds: dict[tuple[str, str], Bounds] = {}
    for r in plan.itertuples(index=False):
        key = (r.region, r.indicator)
        if key not in last_year:
            continue
        h = int(r.target_year) - int(last_year[key])
        horizons[key] = max(horizons.get(key, 1), h, 1)
        b = _plan_bounds(r)
        if b is not None:
            bounds[key] = b

    sfs = forecast_paths(hist, horizons, model=model, seed=seed, n_paths=n_paths, bounds=bounds,
                         progress=progress, calibration=calibration,
                         reference=reference) if horizons else []
    by_key = {(sf.region, sf.indicator): sf for sf in sfs}

    results = [_assess_row(r._asdict(), by_key.get((r.region, r.indicator)), thresholds, as_of,
                           schedule_rules, (r.region, r.indicator) in converted)
               for r in plan.itertuples(index=False)]
    table = pd.DataFrame([t.row for t in results],
                         columns=RESULT_COLUMNS + SCHEDULE_COLUMNS + EXTRA_COLUMNS)
    for c in ("last_year", "baseline_year"):
        table[c] = table[c].astype("Int64")
    if len(unmatched[0]) and history is not None:
        lonely = pd.MultiIndex.from_frame(unmatched[0][["region", "indicator"]])
        rows = pd.MultiIndex.from_frame(table[["region", "indicator"]]).isin(lonely)
        table.loc[rows, "note"] = [("no history matched (未匹配到历史数据); " + n).rstrip("; ")
                                   for n in table.loc[rows, "note"]]
    table.attrs["unmatched_plan"], table.attrs["unmatched_history"] = unmatched
    return table, results


def _plan_bounds(r):
    """Bounds of a plan row for the forecast: a ``%`` share [0, 100] (or declared), a rate of
    change or margin in ``%`` only what is declared (identity if nothing), other units the
    declared ``(lower, upper)`` (the unit rule fills the rest); None: the unit rule decides."""
    lo = None if pd.isna(r.lower) else float(r.lower)
    hi = None if pd.isna(r.upper) else float(r.upper)
    if percent_kind(r.unit, r.name, r.indicator) is not None:
        return Bounds(lo, hi)
    return None if lo is None and hi is None else (lo, hi)


def _running_totals_to_flows(hist: pd.DataFrame, plan: pd.DataFrame):
    """Yearly flows for the 〈〉 series declared as running totals (``measure`` =
    ``running_total``), counted from the plan's baseline year. Returns ``(history, keys)``."""
    if "measure" not in hist.columns:
        return hist, set()
    starts = {(r.region, r.indicator): int(r.baseline_year) for r in plan.itertuples(index=False)
              if r.kind == "increment" and not pd.isna(r.baseline_year)}
    totals = hist[(hist["measure"] == "running_total").to_numpy()]
    keys = set(zip(totals["region"], totals["indicator"])) & set(starts)
    if not keys:
        return hist, set()
    parts, drop = [], np.zeros(len(hist), dtype=bool)
    for (region, indicator), g in totals.groupby(["region", "indicator"], sort=False):
        if (region, indicator) not in keys:
            continue
        drop |= ((hist["region"] == region) & (hist["indicator"] == indicator)).to_numpy()
        years, flows = running_total_to_flows(g["year"].to_numpy(), g["value"].to_numpy(),
                                              starts[(region, indicator)])
        first = g.iloc[0]
        part = pd.DataFrame({"region": region, "indicator": indicator, "year": years, "value": flows})
        for c in ("unit", "name", "lower", "upper"):
            if c in g.columns:
                part[c] = first[c]
        part["source"] = "flows from running totals"
        part["measure"] = "flow"
        parts.append(part)
    out = pd.concat([hist[~drop]] + parts, ignore_index=True)
    out = out.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)
    return out, keys


def _assess_row(r: dict, sf: SeriesForecast | None, th: Thresholds, as_of,
                rules: ScheduleRules = ScheduleRules(), from_totals: bool = False) -> TargetAssessment:
    target, direction, kind = float(r["target"]), r["direction"], r["kind"]
    ty = int(r["target_year"])
    by = r.get("baseline_year")
    by = None if by is None or pd.isna(by) else int(by)
    baseline = r.get("baseline")
    baseline = np.nan if baseline is None or pd.isna(baseline) else float(baseline)
    row = {"region": r["region"], "indicator": r["indicator"], "target_year": ty, "target": target,
           "direction": direction, "kind": kind, "last_year": None, "last_value": np.nan,
           "forecast": np.nan, "lo_80": np.nan, "hi_80": np.nan, "p_meet": np.nan,
           "status": "no_data", "required_pace": np.nan, "observed_pace": np.nan, "model": "",
           "baseline_year": by, "baseline": baseline, "sum_so_far": np.nan, "remaining": np.nan,
           "time_share": np.nan, "progress_share": np.nan, "category": "insufficient_data",
           "category_zh": CATEGORY_ZH["insufficient_data"],
           "name": r.get("name"), "unit": r.get("unit"), "attribute": r.get("attribute"),
           "as_of": as_of, "note": ""}
    if sf is None:
        row["note"] = "no observation up to as_of"
        return TargetAssessment(row, None, None)

    row["last_year"], row["last_value"], row["model"] = sf.last_year, sf.last_value, sf.model
    notes = list(sf.notes)
    years, values = sf.years, sf.values
    span = years[-1] - years[0]

    if kind == "increment":
        by = int(r["baseline_year"])
        obs_years = np.arange(by + 1, min(sf.last_year, ty) + 1)
        observed = np.array([sf.at(int(y))[0] for y in obs_years]) if obs_years.size else np.array([])
        if obs_years.size and obs_years[0] < years[0]:
            notes.append(f"flows before {years[0]} not observed; taken equal to the first observation")
        done = float(observed.sum())
        if from_totals:
            notes.append("running totals (累计) turned into yearly flows")
        else:
            _check_running_totals(r, years, values, by, ty, target, direction, done, notes)
        fut = np.arange(sf.last_year + 1, ty + 1)
        samples = done + (np.column_stack([sf.at(int(y)) for y in fut]).sum(axis=1)
                          if fut.size else np.zeros(sf.paths.shape[0]))
        remaining = max(ty - sf.last_year, 0)
        row["required_pace"] = (target - done) / remaining if remaining else np.nan
        in_period = values[(years > by) & (years <= ty)]
        row["observed_pace"] = float(in_period.mean()) if in_period.size else float(values.mean())
        already = _meets(done, target, direction) and direction == ">="
        current = done
    else:
        samples = sf.at(ty)
        remaining = ty - sf.last_year
        row["required_pace"] = (target - sf.last_value) / remaining if remaining > 0 else np.nan
        row["observed_pace"] = (values[-1] - values[0]) / span if span > 0 else np.nan
        # the value compared: the last one, or the target year's when that is already observed
        current = float(samples[0]) if ty <= sf.last_year else sf.last_value
        already = kind == "cumulative" and direction == ">=" and _meets(current, target, direction)

    samples = np.asarray(samples, dtype=float)
    p = float(np.mean(_meets(samples, target, direction)))
    row["forecast"] = float(np.median(samples))
    row["lo_80"], row["hi_80"] = (float(v) for v in np.quantile(samples, [0.1, 0.9]))
    row["p_meet"] = p

    if ty <= sf.last_year:
        row["status"] = "met" if p >= 0.5 else "off_track"
        notes.append(f"target year {ty} already observed")
    elif already:
        row["status"] = "met"
    elif kind == "level" and _meets(current, target, direction) and p >= th.met_level:
        row["status"] = "met"
    elif p >= th.on_track:
        row["status"] = "on_track"
    elif p >= th.at_risk:
        row["status"] = "at_risk"
    else:
        row["status"] = "off_track"
    # a level already at its target counts as achieved early (提前实现); a stock or sum of flows
    # only for a ">=" target -- under a "<=" cap it can still grow past the target
    achieved = _meets(current, target, direction) and (kind == "level" or direction == ">=")
    _schedule(row, sf, current, achieved, rules)
    row["note"] = "; ".join(notes)
    return TargetAssessment(row, samples, sf)


def _check_running_totals(r, years, values, by, ty, target, direction, done, notes) -> None:
    """Warn when a 〈〉 history taken as yearly flows looks like running totals (累计完成):
    never falling, the last value already half the target or more, and the flows summing to
    at least 1.5 times the target."""
    inside = (years > by) & (years <= ty)
    flows = values[inside]
    if (direction != ">=" or target <= 0 or flows.size < 2 or np.any(np.diff(flows) < 0)
            or flows[-1] < 0.5 * target or done < 1.5 * target):
        return
    msg = (f"{r['region']}/{r['indicator']}: the yearly values of this 〈{target:g}〉 target look like "
           f"running totals (累计完成): they never fall, the last ({flows[-1]:g}) is already "
           f"{flows[-1] / target:.0%} of the target and summed as yearly flows they give {done:g}, "
           f"{done / target:.1f} times the target. If they are totals since {by}, add a column "
           "measure = running_total (累计); if they are yearly flows, ignore this warning")
    warnings.warn(msg, RunningTotalWarning, stacklevel=5)
    notes.append("values look like running totals (see warning)")


def _schedule(row: dict, sf: SeriesForecast, current: float, already_met: bool,
              rules: ScheduleRules) -> None:
    """Fill the schedule view of one row (see :mod:`mstarget.schedule`)."""
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
    row["progress_share"] = progress_share(start, target, current, direction)
    # progress needs a reference: an observation after the baseline year, or (no baseline year
    # given) at least two observations
    has_data = bool(np.any(sf.years > by)) if by is not None else sf.years.size >= 2
    row["category"] = categorise(has_progress_data=has_data, already_met=already_met,
                                 time=row["time_share"], progress=row["progress_share"],
                                 p_meet=row["p_meet"], rules=rules)
    row["category_zh"] = CATEGORY_ZH[row["category"]]
