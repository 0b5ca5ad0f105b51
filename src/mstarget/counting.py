"""How each series is counted, reconciled with its plan row's kind before it is forecast.

A bureau gives a 〈〉 target's history as yearly additions (当年新增) or as running totals since the
baseline year (累计), and a 〔〕 stock's as the stock or as yearly additions; the plan's ``kind``
(:mod:`mstarget.plan`) says what the target counts. Here, with the history's ``measure`` column
(口径 / 备注, :mod:`mstarget.history`) and the plan's:

* :func:`totals_to_flows`  running totals of a 〈〉 series -> yearly flows from the baseline year
* :func:`flows_to_stocks`  yearly additions against a 〔〕 stock -> the stock each year
* :func:`check_running_totals`  a 〈〉 history taken as flows that looks like running totals -> warning
* :func:`base_zero_flows`  a 〈〉 history's 0 in the base year of a plan row from 〈0〉: that base, not a year's flow -> left out, warning
* :func:`stock_like_additions`  "additions" to a 〔〕 stock that are the stock figures -> not summed, warning
* :func:`read_as_stocks`  a 〈〉 history that is a stock (year-end levels) -> its additions counted from the
  baseline-year level, the forecast made on the levels (:func:`stock_additions`), warning
* :func:`plan_measures` / :func:`declared_flows`  what the plan table and the history say
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .exceptions import DataValidationError, InconsistentDataWarning, Problem, RunningTotalWarning
from .forecast import SeriesForecast
from .models.events import MAX_COUNT
from .history import MEASURE_WORDS
from .precision import reporting_unit
from .transforms import Bounds, running_total_to_flows
from .validation import map_unique, normalize_words, records


def plan_measures(plan: pd.DataFrame) -> np.ndarray:
    """The plan's ``measure`` column per row as ``flow`` / ``running_total`` / ``stock`` / ``""`` (blank, NaN,
    or a word :data:`mstarget.history.MEASURE_WORDS` does not know)."""
    def one(v):
        text = normalize_words(v).lower()
        return MEASURE_WORDS.get(text, MEASURE_WORDS.get(text.replace(" ", "_"), "")) if text else ""
    return map_unique(plan["measure"], one)


def totals_to_flows(hist: pd.DataFrame, plan: pd.DataFrame, splits: dict | None = None):
    """Yearly flows for the 〈〉 series declared as running totals (``measure`` =
    ``running_total``; a row of such a series whose measure is blank is one of its totals too),
    counted from the plan's baseline year. Returns ``(history, keys)``.

    A year whose running total is not reported (0.6, 1.5, 2.6, –, 3.9: 2024) has no flow of its own: the
    rise to the next reported total is split evenly over the years it covers (2024 and 2025 add 0.65 each),
    so the sums at the reported years stay as reported (3.9 in 2025) while the flows of those years, and the
    sum at the year not reported (3.25 in 2024), are estimates. Warned (:class:`InconsistentDataWarning`),
    and ``splits`` (a dict, when given) receives ``{(region, indicator): TotalsSplit}`` for
    :func:`mstarget.assess.assess` to name those years on the row (``unreported_years``) without judging the
    reported total as unknown (:class:`TotalsSplit`)."""
    if "measure" not in hist.columns:
        return hist, set()
    starts = {(r.region, r.indicator): int(r.baseline_year) for r in records(plan)
              if r.kind == "increment" and not pd.isna(r.baseline_year)}
    declared = hist[(hist["measure"] == "running_total").to_numpy()]
    keys = set(zip(declared["region"], declared["indicator"])) & set(starts)
    if not keys:
        return hist, set()
    of_keys = pd.MultiIndex.from_frame(hist[["region", "indicator"]]).isin(list(keys))
    totals = hist[of_keys & (hist["measure"] != "flow").to_numpy()]
    parts, drop, falls, gaps = [], np.zeros(len(hist), dtype=bool), [], []
    for (region, indicator), g in totals.groupby(["region", "indicator"], sort=False):
        if (region, indicator) not in keys:
            continue
        drop |= ((hist["region"] == region) & (hist["indicator"] == indicator)).to_numpy()
        v, yrs = g["value"].to_numpy(dtype=float), g["year"].to_numpy()
        down = np.flatnonzero(np.diff(v) < -0.5 * reporting_unit(v))
        if down.size:
            k = int(down[0])
            falls.append(f"{region}/{indicator} {yrs[k]} {v[k]:g} -> {yrs[k + 1]} {v[k + 1]:g}")
        years, flows = running_total_to_flows(g["year"].to_numpy(), g["value"].to_numpy(),
                                              starts[(region, indicator)])
        reported = set(int(y) for y in yrs)
        unsaid = [(int(y), float(f)) for y, f in zip(years, flows)
                  if int(y) not in reported and int(y) > starts[(region, indicator)]]
        if unsaid:  # a year's running total not reported: the next total's rise split evenly over the years
            split = TotalsSplit(tuple(y for y, _ in unsaid), tuple(f for _, f in unsaid))
            if splits is not None:
                splits[(region, indicator)] = split
            gaps.append(f"{region}/{indicator}: {'、'.join(map(str, split.years))}")
        first = g.iloc[0]
        part = pd.DataFrame({"region": region, "indicator": indicator, "year": years, "value": flows})
        for c in ("unit", "name", "lower", "upper"):
            if c in g.columns:
                part[c] = first[c]
        part["source"] = "flows from running totals"
        part["measure"] = "flow"
        parts.append(part)
    if falls:  # 1.2, 1.3, 0.6 亿元 read as totals: a flow of -0.7, and a forecast below 0
        warnings.warn(
            f"累计值下降，折算的年度新增为负 (running totals (累计) that fall give negative yearly flows): "
            f"{'; '.join(falls[:10])}. A total since the baseline year cannot fall unless the figure is a "
            "net one: if these are each year's own amounts (当年值), give them as yearly flows (no "
            "measure = running_total / 口径 累计; in a plan table, write the sum so far under each year); "
            "else correct the figure", RunningTotalWarning, stacklevel=4)
    if gaps:
        more = f" (and {len(gaps) - 10} more)" if len(gaps) > 10 else ""
        warnings.warn(
            f"累计数缺少年份，其间各年新增按前后累计数之差均摊估计：{'; '.join(gaps[:10])}{more} (running totals (累计) not "
            "reported for these years: the rise to the next reported total is split evenly over the years it covers, "
            "so those years' flows and totals are estimates, the sums at the reported years as reported: give the "
            "missing years' totals)", InconsistentDataWarning, stacklevel=4)
    out = pd.concat([hist[~drop]] + parts, ignore_index=True)
    out = out.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)
    return out, keys


@dataclass(frozen=True)
class TotalsSplit:
    """Years of a 〈〉 series given as running totals (:func:`totals_to_flows`) whose total is not reported,
    with the flow each was given: the rise to the next reported total split evenly over the years it covers.
    The totals reported after them count them (the sum so far is known); their own flows, and their sums,
    are estimates."""

    years: tuple
    flows: tuple


def declared_flows(hist: pd.DataFrame, converted: set) -> set:
    """The series declared as yearly flows (``measure`` = ``flow``: 口径 当年, a 备注 当年新增, a plan
    table's 〈〉 row of yearly additions), not those turned from running totals (``converted``)."""
    if "measure" not in hist.columns:
        return set()
    flows = hist[(hist["measure"] == "flow").to_numpy()]
    return set(zip(flows["region"], flows["indicator"])) - set(converted)


def flows_to_stocks(hist: pd.DataFrame, plan: pd.DataFrame, gaps: dict | None = None,
                    notes: dict | None = None) -> pd.DataFrame:
    """A series declared as yearly additions (``measure`` = ``flow``: 口径 当年 / 新增) against a
    stock target (〔117〕 企业标准): the stock each year, the plan's baseline plus the additions after
    its baseline year (38 + 14, 17, 15 -> 52, 69, 84), with an :class:`InconsistentDataWarning`
    saying so. Comparing the additions with the stock gave p_meet 0.05 for a stock on course.
    Without a baseline to add them to, the series is refused (:class:`DataValidationError`).

    A year after the baseline year whose additions are not reported (14, –, 15: 2022 missing) is not
    taken as 0 (the stock would fall short by that year's additions): its additions are estimated by
    linear interpolation between the reported years' (before the first reported year: the first
    one's), the stocks from that year on include the estimate, the warning says so, and ``gaps`` (a
    dict, when given) receives ``{(region, indicator): StockGap}`` for :func:`mstarget.assess` to
    say it on the row and not to judge the stock as reported (:class:`StockGap`).

    "Additions" each about as large as the baseline stock (:func:`stock_like_additions`: 12.83, 14.22,
    15.76, 17.66 against 〔12.83〕 -> 〔17.81〕) are the stock itself with a wrong 口径: they are not summed
    (60.47 would be a silent wrong answer) but read as the stock each year, warned apart. ``notes`` (a dict,
    when given) receives ``{(region, indicator): note}``: what was done, for the row's note."""
    if "measure" not in hist.columns or not (hist["measure"] == "flow").any():
        return hist
    stocks = {(r.region, r.indicator): r for r in records(plan) if r.kind == "cumulative"}
    flows = hist[(hist["measure"] == "flow").to_numpy()]
    keys = [k for k in dict.fromkeys(zip(flows["region"], flows["indicator"])) if k in stocks]
    if not keys:
        return hist
    parts, drop, said, problems, as_stock = [], np.zeros(len(hist), dtype=bool), [], [], []
    for region, indicator in keys:
        r = stocks[(region, indicator)]
        g = flows[(flows["region"] == region) & (flows["indicator"] == indicator)].sort_values("year")
        if pd.isna(r.baseline_year) or pd.isna(r.baseline):
            problems.append(Problem("<history>", None, "measure", "flow", (
                f"{region}/{indicator}: yearly additions (口径 当年 / 新增) against the stock target "
                f"〔{r.target:g}〕, and the plan gives no baseline to add them to: give the stock each year "
                "(口径 累计 / 期末数), or the plan's baseline（新增数无法换算为期末存量：请提供各年期末数或规划基期值）")))
            continue
        by, base = int(r.baseline_year), float(r.baseline)
        after = g[g["year"] > by]
        drop |= ((hist["region"] == region) & (hist["indicator"] == indicator)).to_numpy()
        part = after.copy()
        ay, av = after["year"].to_numpy(dtype=int), after["value"].to_numpy(dtype=float)
        at_base = g.loc[g["year"] == by, "value"].to_numpy(dtype=float)
        ty = None if pd.isna(r.target_year) else int(r.target_year)
        elapsed = (min(int(ay.max()), ty) - by) / (ty - by) if ay.size and ty is not None and ty > by else 1.0
        if stock_like_additions(av, base, at_base[0] if at_base.size else None,
                                target=float(r.target), elapsed=elapsed):
            part = g.copy()  # the figures as given, each year's stock: not summed
            part["measure"] = "stock"
            part["source"] = "stock as given (declared additions)"
            parts.append(part)
            listed = ", ".join(f"{y} {v:g}" for y, v in zip(g["year"].astype(int), g["value"].astype(float)))
            as_stock.append(f"{region}/{indicator}: 〔{base:g}〕 in {by}; {listed}")
            if notes is not None:
                notes[(region, indicator)] = (
                    f"declared as yearly additions (当年新增), but each is about as large as the {by} stock {base:g}: "
                    f"read as the stock each year, not summed (数据口径为当年新增，但各年数值与{by}年基期存量{base:g}相当，"
                    f"疑为期末存量，按期末存量使用，未累加；请核对口径)")
            continue
        gap = _addition_gap(ay, av, by)
        if gap is None:
            part["value"] = base + np.cumsum(av)
            listed = ", ".join(f"{v:g}" for v in av)
        else:  # each reported year's stock: the baseline plus every addition up to it, estimated ones too
            estimated = dict(zip(gap.years, gap.estimates))
            part["value"] = [base + av[ay <= y].sum() + sum(e for m, e in estimated.items() if m < y) for y in ay]
            if gaps is not None:
                gaps[(region, indicator)] = gap
            listed = ", ".join([f"{v:g}" for v in av] + [f"{int(m)}年缺失，按插值估计为{e:.4g}" for m, e in estimated.items()])
        part["measure"] = "stock"
        part["source"] = "stock from yearly additions"
        parts.append(part)
        said.append(f"{region}/{indicator}: {by} {base:g} + {listed}")
        if notes is not None:
            notes[(region, indicator)] = (
                f"stock from yearly additions: the plan's {by} baseline {base:g} plus each year's additions ({listed}) "
                f"(新增数已换算为期末存量：{by}年基期值{base:g}加各年新增)")
    if problems:
        raise DataValidationError(problems)
    if as_stock:
        more = f" (and {len(as_stock) - 10} more)" if len(as_stock) > 10 else ""
        warnings.warn("数据口径为当年新增，但各年数值与基期存量相当，疑为期末存量：未累加，按期末存量使用，请核对口径 "
                      "(declared as yearly additions, but each figure is about as large as the plan's baseline stock: "
                      "they look like the stock each year, so they are used as the stock, not summed; if they really "
                      f"are additions, give the stock each year instead): {'; '.join(as_stock[:10])}{more}",
                      InconsistentDataWarning, stacklevel=4)
    if said:
        estimated = any("按插值估计" in s for s in said)
        more = f" (and {len(said) - 10} more)" if len(said) > 10 else ""
        warnings.warn("新增数已换算为期末存量（规划基期值加各年新增）(yearly additions turned into the stock: "
                      "the plan's baseline plus each year's additions"
                      + ("; a year whose additions are not reported is estimated by interpolation, and the stocks "
                         "from it on are estimates (缺失年份的新增数按插值估计，其后各年存量为估计值)" if estimated else "")
                      + f"): {'; '.join(said[:10])}{more}",
                      InconsistentDataWarning, stacklevel=4)
    out = pd.concat([hist[~drop]] + parts, ignore_index=True)
    return out.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)


#: yearly "additions" to a 〔〕 stock each at least this share of the baseline stock, the first at most
#: ``STOCK_LIKE_FIRST`` times it, look like the stock itself (12.83 -> 14.22, 15.76, 17.66) -- when, besides,
#: summed they would run ``STOCK_LIKE_PACE`` times or more ahead of the target's own pace (the additions the plan
#: expects by then), the figures never fall by more than ``STOCK_LIKE_FALL`` of the baseline (a stock's path), and
#: they are not small whole counts (at most ``STOCK_LIKE_COUNT``: 2, 2, 3, 2, 3 地方标准 a year against 〔2〕 -> 〔12〕
#: are real additions, which a small stock's own pace makes as large as its baseline)
STOCK_LIKE_SHARE, STOCK_LIKE_FIRST, STOCK_LIKE_PACE, STOCK_LIKE_FALL, STOCK_LIKE_COUNT = 0.8, 1.5, 2.0, 0.1, 10


def stock_like_additions(additions, baseline: float, at_base: float | None = None, *,
                         target: float | None = None, elapsed: float = 1.0) -> bool:
    """Whether yearly additions against a stock whose baseline is ``baseline`` look like the stock
    figures themselves, on evidence real additions cannot give:

    * every addition at least :data:`STOCK_LIKE_SHARE` of the baseline and the first at most
      :data:`STOCK_LIKE_FIRST` times it (a stock continuing from its baseline), with two additions or more, or
      one and the base year's own figure (``at_base``) equal to the baseline within 2 %;
    * not small whole counts (every figure a whole number, none above :data:`STOCK_LIKE_COUNT`): a small
      stock's real additions (2, 2, 3, 2, 3 against 〔2〕 -> 〔12〕) are as large as its baseline;
    * the figures rise like a stock: none falls from the one before by more than :data:`STOCK_LIKE_FALL` of
      the baseline;
    * with a ``target`` above the baseline: summed, they add :data:`STOCK_LIKE_PACE` times or more what the
      target's even pace adds over the ``elapsed`` share of the period (38 -> 〔117〕: 41 + 45 + 50 = 136 three
      years in, where the pace adds 47; 12.83 -> 〔17.81〕: 47.6 where it adds 3) -- real additions on course
      add about the pace (2 + 2 + 3 + 2 + 3 = 12 where 〔2〕 -> 〔12〕 adds 10)."""
    a = np.asarray(additions, dtype=float)
    a = a[np.isfinite(a)]
    if not np.isfinite(baseline) or baseline <= 0 or a.size == 0:
        return False
    like = bool(a.min() >= STOCK_LIKE_SHARE * baseline and a[0] <= STOCK_LIKE_FIRST * baseline)
    same_base = at_base is not None and np.isfinite(at_base) and abs(at_base - baseline) <= 0.02 * baseline
    if not (like and (a.size >= 2 or same_base)):
        return False
    if np.all(a == np.round(a)) and a.max() <= STOCK_LIKE_COUNT:  # small whole counts: real additions
        return False
    if a.size >= 2 and np.diff(a).min() < -STOCK_LIKE_FALL * baseline:  # a stock's path does not drop so
        return False
    if target is not None and np.isfinite(target) and target > baseline:
        paced = (target - baseline) * min(max(float(elapsed), 0.0), 1.0)
        if a.sum() < STOCK_LIKE_PACE * paced:  # about the pace the plan sets: real additions
            return False
    return True


def base_zero_flows(hist: pd.DataFrame, plan: pd.DataFrame, skip=(), notes: dict | None = None) -> pd.DataFrame:
    """Leave out of a 〈〉 series (yearly flows) a 0 at or before the plan's baseline year followed by
    positive flows only (0, 21.95, 21.55, 27.3 亿元 against 〈155.9〉 from 〈0〉 in 2020): the plan's 〈0〉 base
    copied into the history, not that year's additions -- fitted as a flow it makes the trend leap from 0
    (p_meet 0.63 for 0.35, a 十五五 sum of 227 for 123). The only 0 of the series, every other figure
    positive, one at least after it, of a sum to reach (≥; an incident count's 0 under 〈≤3〉 is its own), in the
    base year of a plan row whose baseline is 〈0〉 or blank -- a 十五五 row from 〈1.6〉 in 2025 has no 〈0〉 to copy,
    and a 0 of 2020 before it is that year's own figure. Warned (:class:`InconsistentDataWarning`), as
    :func:`check_running_totals` warns of running totals; ``notes`` (a dict, when given) receives
    ``{(region, indicator): note}`` for the row. ``skip``: series not to look at (flows turned from
    running totals, whose base-year 0 is theirs)."""
    if hist.empty:
        return hist
    by_of: dict = {}  # (region, indicator) -> the base years of its plan rows whose baseline is 〈0〉 or blank
    for r in records(plan):  # sums to reach (≥): an incident count's 0 (〈≤3〉 较大事故) is a year's own figure
        b = getattr(r, "baseline", None)
        zero_base = b is None or pd.isna(b) or float(b) == 0
        if r.kind == "increment" and r.direction == ">=" and not pd.isna(r.baseline_year) and zero_base:
            key = (r.region, r.indicator)
            if key not in skip:
                by_of.setdefault(key, set()).add(int(r.baseline_year))
    if not by_of:
        return hist
    h = hist.reset_index(drop=True)
    of_keys = pd.MultiIndex.from_frame(h[["region", "indicator"]]).isin(list(by_of))
    if not of_keys.any():
        return hist
    drop, said = [], []
    for (region, indicator), g in h[of_keys].sort_values("year", kind="stable").groupby(["region", "indicator"], sort=False):
        v = g["value"].to_numpy(dtype=float)
        y = g["year"].to_numpy(dtype=int)
        zero = np.flatnonzero(v == 0)
        if zero.size != 1:
            continue
        k = int(zero[0])
        rest = np.delete(v, k)
        if y[k] not in by_of[(region, indicator)] or not np.any(y > y[k]) or not np.all(rest[np.isfinite(rest)] > 0):
            continue
        drop.append(g.index[k])
        nxt = int(np.argmax(y > y[k]))
        said.append(f"{region}/{indicator}: {y[k]} 0, {y[nxt]} {v[nxt]:g}")
        if notes is not None:
            notes[(region, indicator)] = (
                f"{y[k]} value 0 left out of the trend: it looks like the plan's 〈0〉 base, not that year's additions "
                f"({y[k]}年数值为0，疑为规划基期〈0〉而非当年新增，未用于趋势拟合；如确为当年新增0，请核对)")
    if not drop:
        return hist
    more = f" (and {len(said) - 10} more)" if len(said) > 10 else ""
    warnings.warn("〈〉指标历史数据中的0疑为规划基期〈0〉而非当年新增，未用于趋势拟合 (a 0 followed by positive yearly "
                  "flows looks like the plan's 〈0〉 base copied into the history, not that year's additions: left out "
                  f"of the trend; if it is a real year of no additions, check the series): {'; '.join(said[:10])}{more}",
                  InconsistentDataWarning, stacklevel=4)
    return h.drop(index=drop).reset_index(drop=True)


@dataclass(frozen=True)
class StockGap:
    """Years after the baseline year whose yearly additions a stock series (:func:`flows_to_stocks`)
    does not report, with the additions estimated for them (linear interpolation between the reported
    years', the first reported year's before it); ``bounded``: every reported addition is >= 0, so an
    unreported one is taken as >= 0 too (the stock counted from the reported additions alone is then a
    lower bound of the stock)."""

    years: tuple
    estimates: tuple
    bounded: bool

    def after(self, year: int) -> float:
        """The estimated additions counted in the stock of ``year`` (of the missing years up to it)."""
        return float(sum(e for y, e in zip(self.years, self.estimates) if y <= year))


def _addition_gap(years: np.ndarray, values: np.ndarray, by: int) -> StockGap | None:
    """The unreported years between the baseline year and the last reported year of additions, with
    their estimates (:class:`StockGap`); ``None`` when every year is reported."""
    if years.size == 0:
        return None
    missing = np.setdiff1d(np.arange(by + 1, int(years.max()) + 1), years)
    if missing.size == 0:
        return None
    order = np.argsort(years, kind="stable")
    est = np.interp(missing, years[order], values[order])
    return StockGap(tuple(int(y) for y in missing), tuple(float(e) for e in est), bool(np.all(values >= 0)))


#: a 〈〉 history read as flows is warned as running totals when, besides never falling and rising each
#: year by at least this share of its first value, it sums to this many times the target's pace so far
TOTALS_STEP, TOTALS_PACE = 0.5, 1.25


def check_running_totals(r, years, values, by, ty, target, direction, done, notes) -> None:
    """Warn when a 〈〉 history taken as yearly flows looks like running totals (累计完成). Running
    totals start at 0 in the baseline year and each year add that year's flow: the values never
    fall and every rise is of the order of the first value (0.6, 1.5, 2.7), and summed they run
    ahead of the target's pace (4.8 against 〈5〉 three years of five in, where the pace allows 3).
    Warned when the values never fall and either (a) every yearly rise is at least
    :data:`TOTALS_STEP` of the first value and the sum is at least :data:`TOTALS_PACE` times the
    target's share of the time elapsed -- genuine flows growing 10-30 % a year rise by much less
    than their first value, and a genuine ramp is no faster than the plan's pace --, or (b) the
    last value is already half the target or more and the sum 1.5 times the target or more."""
    inside = (years > by) & (years <= ty)
    flows, at = values[inside], years[inside]
    if direction != ">=" or target <= 0 or flows.size < 2 or np.any(np.diff(flows) < 0):
        return
    elapsed = (at[-1] - by) / (ty - by) if ty > by else 1.0
    paced = target * elapsed  # what the target's even pace adds up to by the last observation
    rises = np.diff(flows)
    stepwise = flows[0] > 0 and rises.min() >= TOTALS_STEP * flows[0] and done >= TOTALS_PACE * paced
    if not stepwise and (flows[-1] < 0.5 * target or done < 1.5 * target):
        return
    msg = (f"{r['region']}/{r['indicator']}: the yearly values of this 〈{target:g}〉 target look like "
           f"running totals (累计完成): they never fall"
           + (f", each year rises by about the first value or more ({', '.join(f'{x:+.3g}' for x in rises)} "
              f"after {flows[0]:g}), as a total adding a year's flow does" if stepwise else "")
           + f"; summed as yearly flows they give {done:g} by {int(at[-1])}, {done / target:.0%} of the "
           f"target with {elapsed:.0%} of the period gone (the target's pace gives {paced:.3g}), while the "
           f"last value alone ({flows[-1]:g}) is {flows[-1] / target:.0%} of it. If they are totals since "
           f"{by}, add a column measure = running_total (口径 累计, or 累计 in a 备注 column); if they "
           "are yearly flows, say so (口径 当年) or ignore this warning")
    warnings.warn(msg, RunningTotalWarning, stacklevel=5)
    notes.append("values look like running totals (see warning)")


#: a 〈〉 history is read as a stock when, besides holding a value above 0 in the baseline year and never falling
#: from it, every value from the baseline year on is at least this many times the yearly additions the target's
#: even pace sets (1.89, 2.05, 2.18, 2.30 万户 against 新增1.2万户 over 2021-2025: 0.24 a year)
STOCK_PACE_TIMES = 3.0
#: ... and either the plan's own baseline is that baseline-year value (a stock written as the 基数 of a 新增 target:
#: 1.89 万户 in both), or every value is at least this many times the pace: yearly flows of 0.8, 0.85, 0.9 against a
#: pace of 0.24 with the plan's 〈〉 baseline the previous period's additions (〈3.2〉) stay flows -- a target so
#: outrun, not a stock
STOCK_PACE_TIMES_ALONE = 10.0


@dataclass(frozen=True)
class StockReading:
    """A 〈〉 row's history read as a stock (year-end levels, :func:`read_as_stocks`): its additions since the
    baseline year ``baseline_year`` are the level minus ``base`` (the history's level in that year);
    ``declared``: the history says so (``measure`` ``stock``, 口径 存量 / 年末数), else it was read so and warned."""

    baseline_year: int
    base: float
    declared: bool


def read_as_stocks(hist: pd.DataFrame, plan: pd.DataFrame, skip=()) -> tuple[pd.DataFrame, dict]:
    """The 〈〉 series whose history is a stock, not yearly flows nor running totals: ``(history, readings)``,
    ``readings`` ``{(region, indicator): StockReading}``, the history's rows of those series marked
    ``measure`` ``stock`` (so they are forecast as levels, :func:`mstarget.forecast.prepare`).

    A series is read so when its ``measure`` says ``stock`` (口径 存量 / 年末数 / 期末数), or, said nothing
    (not in ``skip``: declared flows, flows turned from running totals), when for every 〈〉 row of it (a sum
    to reach, ``>=``) it holds a value above 0 in the row's baseline year, a value after it, never falls from it
    (by more than half its reporting unit) and every value from that year on is at least
    :data:`STOCK_PACE_TIMES` times the yearly additions the target's even pace sets where the plan's own baseline
    is that base-year value (:data:`STOCK_PACE_TIMES_ALONE` times where it is not): a running total since
    the baseline year is 0 there, and yearly flows so far above the pace would meet the target in a year or
    two (1.89, 2.05, 2.18, 2.30 万户 against 新增1.2万户 summed 6.53, 544 %; read as a stock, 2.30 - 1.89 = 0.41,
    34 %). Read so is warned (:class:`RunningTotalWarning`) with the way to say otherwise (口径 当年). A series
    declared a stock without a value in a 〈〉 row's baseline year is refused (:class:`DataValidationError`):
    its additions cannot be counted."""
    rows: dict = {}
    for r in records(plan):
        if r.kind == "increment" and not pd.isna(r.baseline_year) and not pd.isna(r.target_year):
            rows.setdefault((r.region, r.indicator), []).append(r)
    if hist.empty or not rows:
        return hist, {}
    of_keys = pd.MultiIndex.from_frame(hist[["region", "indicator"]]).isin(list(rows))
    if not of_keys.any():
        return hist, {}
    readings, problems, said = {}, [], []
    for (region, indicator), g in hist[of_keys].sort_values("year", kind="stable").groupby(
            ["region", "indicator"], sort=False):
        key = (region, indicator)
        measures = set(g["measure"]) if "measure" in g.columns else set()
        declared = "stock" in measures
        if not declared and (key in skip or measures & {"flow", "running_total"}):
            continue
        years, values = g["year"].to_numpy(dtype=int), g["value"].to_numpy(dtype=float)
        found = []
        for r in rows[key]:
            by, at = int(r.baseline_year), years == int(r.baseline_year)
            if not at.any() or not np.isfinite(values[at][-1]):
                if declared:
                    problems.append(Problem("<history>", None, "measure", "stock", (
                        f"{region}/{indicator}: declared a stock (口径 存量 / 年末数) against the 〈〉 target "
                        f"〈{r.target:g}〉 (the additions after {by}), but the history has no value for {by}: give the "
                        f"{by} year-end figure, from which the additions are counted, or give the yearly additions "
                        f"(口径 当年) instead（按存量口径计算新增数需要{by}年末数）")))
                break
            base = float(values[at][-1])
            plan_base = None if pd.isna(r.baseline) else float(r.baseline)
            same = plan_base is not None and abs(plan_base - base) <= 0.5 * reporting_unit([base])
            if not declared and not _stock_like(years, values, by, int(r.target_year), float(r.target),
                                                r.direction, base,
                                                STOCK_PACE_TIMES if same else STOCK_PACE_TIMES_ALONE):
                break
            found.append((r, by, base, same))
        else:
            if not found:
                continue
            r, by, base, same = found[0]
            readings[key] = StockReading(by, base, declared)
            if not declared:
                last_year, last = int(years[-1]), float(values[-1])
                added = last - base
                said.append(f"{region}/{indicator}: {by} {base:g}{' (the plan baseline too)' if same else ''}, "
                            f"{last_year} {last:g}: additions {added:.6g} = {added / float(r.target):.0%} of "
                            f"〈{float(r.target):g}〉 (summed as yearly flows: "
                            f"{float(values[(years > by) & (years <= int(r.target_year))].sum()):.6g})")
    if problems:
        raise DataValidationError(problems)
    if said:
        more = f" (and {len(said) - 10} more)" if len(said) > 10 else ""
        warnings.warn(
            "〈〉指标的历史数据为期末存量（基期年有数值、逐年不降、远高于按目标进度的年新增数），已按存量计算新增数：新增数=各年末数−基期年末数 "
            "(read as a stock, year-end levels: the history has a value in the baseline year, which running totals "
            "since that year cannot have, never falls, and every value is far above the yearly additions the "
            "target's pace sets; the additions are counted as the level minus the baseline-year level, the "
            "forecast made on the levels. If the values are each year's additions, say so: measure = flow (口径 "
            "当年); to read a series as a stock without this guess, write measure = stock (口径 存量 / 年末数)): "
            f"{'; '.join(said[:10])}{more}", RunningTotalWarning, stacklevel=4)
    if not readings:
        return hist, {}
    out = hist.copy()
    stocked = pd.MultiIndex.from_frame(out[["region", "indicator"]]).isin(list(readings))
    out["measure"] = np.where(stocked, "stock", out["measure"] if "measure" in out.columns else "")
    return out, readings


def _stock_like(years: np.ndarray, values: np.ndarray, by: int, ty: int, target: float, direction,
                base: float, times: float = STOCK_PACE_TIMES) -> bool:
    """Whether a 〈〉 row's history (``years`` ascending) looks like a stock (:func:`read_as_stocks`): a sum to
    reach, a base-year value above 0, a value after the base year, never falling from it, every value from it
    on at least ``times`` times the target's yearly pace (:data:`STOCK_PACE_TIMES` where the plan's baseline is
    the base-year value, :data:`STOCK_PACE_TIMES_ALONE` where it is not). Never whole numbers up to
    :data:`mstarget.models.events.MAX_COUNT` (3, 3, 4, 5 项 against 〈5〉: a few standards a year pass the pace test
    as easily as a stock would)."""
    if direction != ">=" or not np.isfinite(target) or target <= 0 or ty <= by or not base > 0:
        return False
    from_base = (years >= by) & np.isfinite(values)
    v = values[from_base]
    if v.size and np.all(v == np.round(v)) and v.max() <= MAX_COUNT:
        # a handful of whole things (3, 3, 4, 5 项 against 〈5〉): as likely each year's few as a stock -- no guess
        return False
    if not np.any(years[from_base] > by):
        return False
    if np.any(np.diff(v) < -0.5 * reporting_unit(v)):
        return False
    return bool(v.min() >= times * target / (ty - by))


def stock_additions(sf: SeriesForecast, baseline_year: int) -> SeriesForecast:
    """A stock's forecast (its levels, forecast as levels) as the yearly additions a 〈〉 row sums: the observed
    years after ``baseline_year`` each the level's rise from the year before (a rise over a year not reported
    split evenly over the years it covers, :func:`mstarget.transforms.running_total_to_flows`), the sample paths
    each year's rise on the path from the last observed level. The additions up to any year sum to its level
    minus the baseline-year level, on every path. Unbounded (a stock may fall); a stock observed only in the
    baseline year gives that year's 0 (no addition observed yet)."""
    keep = sf.years >= int(baseline_year)
    y, v = sf.years[keep], np.asarray(sf.values[keep], dtype=float)
    years, flows = running_total_to_flows(y, v - v[0], int(baseline_year))
    if years.size == 0:
        years, flows = np.array([int(baseline_year)]), np.zeros(1)
    paths = None
    if sf.paths is not None:
        n = sf.paths.shape[0]
        paths = np.diff(np.column_stack([np.full(n, float(sf.last_value)), sf.paths]), axis=1)
    return SeriesForecast(sf.region, sf.indicator, years, flows, sf.future_years, paths, sf.model, Bounds(),
                          "identity", list(sf.notes), None, sf.n_peers, sf.peer_agreement)
