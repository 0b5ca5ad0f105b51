"""``mstarget assess``: will each plan target be met?"""
from __future__ import annotations

import argparse
import contextlib
import warnings

import numpy as np
import pandas as pd

from .. import tracking
from ..assess import PENDING_ZH, assess_detailed
from ..exceptions import MstargetWarning, UnmatchedWarning
from ..io import write_table
from ..matching import table_totals
from ..output_set import outputs_together
from ..plan import PENDING_COLUMN
from ..plotting import pyplot, save_figure
from ..progress import Progress
from ..report import fan_chart
from ..report.charts import MAX_PANELS
from ..report.formatting import (MAX_DECIMALS, MISSING, NOTATION_BRACKETS, display_width, is_missing, number_text,
                                 percent_int, plan_figure_decimals, written_target)
from ..report.model import (AWAITED_OUTLOOK, CATEGORY_LABELS, DIRECTION_SIGN, NOT_STARTED, OUTLOOK_HOLD, OUTLOOK_LEVELS,
                             evaluation_year, apply_evaluation_year, evaluation_kind, evaluation_year_message,
                             fan_title, first_year_under_way, forecast_void, numbering, printed_status, row_category,
                             shown_categories, status_words, table_cells)
from ..report.narrative import departs_from_peers
from ..schedule import CATEGORY_ZH, EVALUATION_ZH, NOT_JUDGED, QUALITATIVE, TARGET_PENDING, evaluation_categories
from . import common
from .calibrate import say_options_used


def register(sub) -> None:
    p = sub.add_parser("assess", help="probability that each plan target is met",
                       description="Forecast each indicator to its target year and say, with a "
                                   "probability, whether the target will be met.")
    common.add_assessment_inputs(p)
    common.add_reference_flag(p)
    common.add_calibration_flag(p)
    common.add_chart_flag(p, "fan charts")
    common.add_engine_flags(p)
    common.add_out_flag(p)
    common.add_tracking_flags(p)
    p.set_defaults(func=run)


def target_text(row) -> str:
    """The target as the plan writes it: ``≥〈5〉``, ``≥90``, ``≤2``; words with the figure they
    are read as: ``持续提升（≥95.01）``; two tiers as written, ``≥98.5（力争99）``."""
    value = row["target"]
    written = row.get("target_decimals") if hasattr(row, "get") else None
    # the decimals the plan wrote (≤0.20, ≥〔4.00〕), as the report shows the target
    text = "-" if value != value else common.number_text(value, "{:.4g}") if is_missing(written) \
        else number_text(value, plan_figure_decimals(value, written, MAX_DECIMALS))
    sign = DIRECTION_SIGN.get(row["direction"], "")
    opening, closing = NOTATION_BRACKETS.get(row["kind"], ("", ""))
    shown = sign + opening + text + closing
    written = row.get("target_written") if hasattr(row, "get") else None
    striven = row.get("target_striven") if hasattr(row, "get") else None
    return written_target(written, shown, striven)


#: rows printed on the terminal (all of them are in --out and in the MLflow run's table)
SHOWN_ROWS = 200


#: the printout's columns written as the report writes them (:func:`mstarget.report.model.table_cells`): column
#: -> the report's cell
REPORT_CELLS = {"target": "target", "last_value": "latest", "sum_so_far": "sum_so_far", "remaining": "remaining",
                "forecast": "forecast_figure", "lo_80": "lo_80", "hi_80": "hi_80"}
#: the printout's figures, right-aligned as numbers are
FIGURE_COLUMNS = ("last_value", "sum_so_far", "remaining", "forecast", "lo_80", "hi_80")


def display_frame(table: pd.DataFrame, limit: int | None = None, details=None) -> pd.DataFrame:
    """The rows in the plan's order (as the report and ``--out``), with the report's 序号 (``no``) first when
    the plan numbers its rows (:func:`mstarget.report.model.numbering`); the target and the figures as the report
    writes them (:func:`mstarget.report.model.table_cells`: the plan's notation and written decimals, ≤0.20 and
    ≥〔4.00〕, not ≤0.2 / ≥〔4〕; observed values with the decimals the plan and history write, 84.91; a preliminary
    figure marked 3.05（快报）, a baseline written as 预计 4.00（预计）, a year split from a reported total 2.6（插值）;
    an observed target year's range –); for 〈〉 targets the sum so far (``last_value`` is the last yearly flow)
    and what remains; schedule shares and ``p_meet`` rounded as the report rounds them (half-up: 63%, 0.63 for
    0.625); the region first when the table covers several. With ``limit``, only the first ``limit`` rows;
    ``details`` (``assess_detailed``'s second result) lets the yearly values set the decimals, as in the report."""
    records = table.to_dict("records")
    numbers, how = numbering(records, table)
    t = table.assign(no=numbers) if how != "none" else table
    if limit is not None:
        t = t.head(limit)
    t = t.copy()
    t["attribute"] = t["attribute"].map({"binding": "约束性", "expected": "预期性"}).fillna("")
    cells = table_cells(table, details, rows=len(t))
    for column, key in REPORT_CELLS.items():  # the report's "–" is the printout's "-"
        t[column] = ["-" if c[key].text == MISSING else c[key].text for c in cells]
    # p_meet and status as the report's cells say them: – where the report shows none (a 总结评估's 数据不足 row
    # with nothing after its base year), 目标年数据暂缺 / 已实现 / 未实现, never off_track beside 数据不足
    t["category_zh"] = evaluation_categories(t).map(EVALUATION_ZH).to_numpy()  # 已完成 once observed, as --out
    # ... and 规划期未开始 where the report says it (a 基期情况 report: nothing of the period observed yet)
    t["category_zh"] = [c["category"].text if c["category"].text == CATEGORY_LABELS["zh"][NOT_STARTED] else v
                        for c, v in zip(cells, t["category_zh"])]
    pending = pending_rows(t)  # 待定: a target not set yet, as the plan wrote it, and 目标待定
    if pending.any():
        written = t.get("target_written", pd.Series("", index=t.index)).fillna("").astype(str).str.strip()
        t.loc[pending, "target"] = written[pending].where(written[pending] != "", "待定")
        t.loc[pending, "category_zh"] = PENDING_ZH
    t["p_meet"] = [_printed_probability(c["p_meet"].text, v) for c, v in zip(cells, t["p_meet"])]
    # status as the report's 预计完成情况 says it (有望完成 at 0.56, not a 存在风险 of another scale); 已实现 / 未实现 /
    # 目标年数据暂缺 where the report has no outlook; a row of a 基期情况 report (规划期未开始) is not judged: "-"
    t["status"] = [printed_status(c["outlook"].text, c["status"].text,
                                  c["category"].text == CATEGORY_LABELS["zh"][NOT_STARTED]) for c in cells]
    # the shares as the report's cells write them: – where the report shows none (nothing after the base year), and
    # 目标进度 never 100% beside a target not met (0.15 against 低于0.15: 99.9%), nor 0% beside one met
    for c in ("time_share", "progress_share"):
        t[c] = ["-" if v != v or cell[c].text == MISSING else cell[c].text for v, cell in zip(t[c], cells)]
    several = "region" in table and table["region"].nunique(dropna=True) > 1
    cols = ["no"] * (how != "none") + ["region"] * several + ["attribute", "name", "unit", "target_year", "target", "last_year", "last_value",
            "sum_so_far", "remaining", "forecast", "lo_80", "hi_80", "p_meet", "status", "time_share",
            "progress_share", "category_zh", "model"]
    return t[cols]


#: the order in which the summary counts the printout's status words (others, if any, after them)
STATUS_ORDER = ("已实现", "未实现") + tuple(zh for _, zh, _ in OUTLOOK_LEVELS[:1]) + (OUTLOOK_HOLD["zh"],) + \
    tuple(zh for _, zh, _ in OUTLOOK_LEVELS[1:])
#: the outlook words of a target whose year is past, its value awaited (有望完成（待确认）), in the summary's order
AWAITED_ORDER = tuple(zh + AWAITED_OUTLOOK["zh"] for _, zh, _ in OUTLOOK_LEVELS)


def _probability(v) -> str:
    """``p_meet`` for the terminal: two decimals rounded half-up as the report rounds its percentage
    (0.625 -> 0.63 beside the report's 63%, 0.495 -> 0.50), but never 0.00 / 1.00 for a probability that
    is not 0 or 1 (``<0.01`` / ``>0.99``, as the report says <1% / >99%)."""
    if v != v:
        return "-"
    if 0 < v < 0.005:
        return "<0.01"
    if 0.995 <= v < 1:
        return ">0.99"
    return f"{percent_int(v) / 100:.2f}"


#: the report's extreme probability cells (:func:`mstarget.report.formatting.probability_cell`) as the printout says them
PRINTED_EXTREMES = {">99%": ">0.99", "<1%": "<0.01"}


def _printed_probability(shown: str, v) -> str:
    """``p_meet`` as the report's cell ``shown`` says it: ``-`` where it shows none (–), ``>0.99`` / ``<0.01`` where
    it writes >99% / <1% -- also for a share of paths of exactly 1 or 0, which a forecast never makes certain (the
    report never says 100 %, so neither does the printout: 1.00 beside >99% was two answers) --, else
    :func:`_probability` (a 零发生 target already missed keeps its decided 0.00, the report's 0%)."""
    if shown == MISSING:
        return "-"
    return PRINTED_EXTREMES.get(shown) or _probability(v)


def pending_rows(table: pd.DataFrame) -> pd.Series:
    """Rows whose target is not set yet (``target_pending``: 待定 in a draft; or the category 目标待定 of ``assess``,
    :data:`mstarget.schedule.TARGET_PENDING`, in a table that lost the flag column), as bools."""
    flagged = table[PENDING_COLUMN].map(lambda v: not is_missing(v) and bool(v)).astype(bool) \
        if PENDING_COLUMN in table.columns else pd.Series(False, index=table.index)
    category = table["category"].eq(TARGET_PENDING) if "category" in table.columns else False
    return flagged | category


def _pending_line(table: pd.DataFrame, pending: pd.Series) -> str:
    """The summary's line of the rows whose target is not set yet: counted apart, named, and what gives figures."""
    rows = table[pending.to_numpy()]
    names = [n if isinstance(n, str) and n else str(i) for n, i in zip(rows.get("name", rows["indicator"]),
                                                                        rows["indicator"])]
    return (f"\n{PENDING_ZH} {len(rows)} (target not set yet: not assessed; `mstarget suggest` gives the figures met "
            f"with 70 % / 80 % probability): {'、'.join(names)}")


def summary_line(table: pd.DataFrame) -> str:
    """:func:`_summary_line` of the rows whose target is set, then a line counting those not set yet (待定)."""
    pending = pending_rows(table)
    if not pending.any():
        return _summary_line(table)
    rest = table[~pending.to_numpy()]
    head = _summary_line(rest) if len(rest) else "0 assessed -- no target set yet to judge"
    return head + _pending_line(table, pending)


def _summary_line(table: pd.DataFrame) -> str:
    """Counts per status and per category (the evaluation's, as ``--out`` and the report say: a target
    whose year is observed 已完成 / 未完成, else the schedule's), over the rows the data can judge; the
    rows rated 数据不足 are counted apart, never in the headline, each group said for what it is: a
    baseline only (nothing observed but the baseline), no data, a history up to the base year and nothing
    after it (2016-2025 for a 2026-2030 plan), a single observation without a baseline year, a target year
    past whose value is still awaited (data up to an earlier year), or data after the base year too
    incomplete to judge (a 〈〉 sum missing a year's flow: its note says which)."""
    if len(table) and ("as_of" not in table or pd.to_numeric(table["as_of"], errors="coerce").isna().all()):
        table = table.copy()  # a table of the API without as_of: judged as of the year its words are said at
        apply_evaluation_year(table)
    category = evaluation_categories(table)
    qualitative = category == QUALITATIVE  # 建成: kept in the table, evaluated apart (定性指标，另行评价)
    kind = evaluation_kind(table, evaluation_year(table, None))
    if kind == "baseline":  # as the report: 规划期未开始, not judged
        waiting = pd.Series([row_category(r, "baseline") == NOT_STARTED for r in table.to_dict("records")],
                            index=table.index)
        if waiting.any():
            return _not_started_line(table, category, waiting, qualitative)
    # (目标待定 rows are counted on a line of their own, :func:`summary_line`: never assessed, never 数据不足)
    assessed = table[~category.isin(("insufficient_data", NOT_STARTED, TARGET_PENDING)) & ~qualitative]
    # the printout's status words, as the report's 预计完成情况 says them (never at_risk: 0 beside a 存在风险 row);
    # only those that occur, as the report's overview says them (a 总结评估 has no 预计能够完成 0 ...)
    # (the words of the whole table, whose evaluation year each row's words depend on)
    words = pd.Series(status_words(table), index=table.index, dtype=object) if len(table) else \
        pd.Series([], dtype=object)
    counts = words[assessed.index].value_counts()
    # the （待确认） words in the outlook's order (预计能够完成 before 完成难度较大), never by their characters
    order = list(STATUS_ORDER) + [k for k in AWAITED_ORDER if k in counts.index] + \
        sorted(k for k in counts.index if k not in STATUS_ORDER and k not in AWAITED_ORDER and k != "-")
    shown = [f"{k} {int(counts.get(k, 0))}" for k in order[2:] if counts.get(k, 0)]
    # met: the targets already met, as --out's status says (a mid-term 〔120〕 reached at 121 is met, though its
    # printed word is the outlook's 预计能够完成), never fewer than the 已实现 said
    met = int(counts.get("已实现", 0))
    if "status" in assessed.columns:
        met = max(met, int((assessed["status"].astype(str) == "met").sum()))
    done = [f"met: {met}"] + ([f"not met: {int(counts['未实现'])}"] if counts.get("未实现", 0) else [])
    # the outlook's words count the rows judged, a target met at mid-term too (〔120〕 reached: 预计能够完成):
    # set apart from met so the counts are not read as one partition (met: 1, 预计能够完成 6 of 7 assessed)
    status = ", ".join(done) + (f"; outlook: {', '.join(shown)}" if shown else "")
    cats = category.value_counts()
    schedule = ", ".join(f"{CATEGORY_LABELS['zh'][k]} {cats.get(k, 0)}"
                         for k in shown_categories(category, kind) if k not in ("insufficient_data", *NOT_JUDGED))
    apart_words = f", {int(qualitative.sum())} qualitative (定性指标，另行评价)" if qualitative.any() else ""
    schedule = f"\n{schedule}" if schedule else ""  # nothing judged: no line of zeros (提前实现 0, 快于预期 0 ...)
    if len(assessed):
        text = f"{len(assessed)} assessed{apart_words} -- {status}{schedule}"
    else:  # nothing the data can judge: said so, not "met: 0"
        text = f"0 assessed{apart_words} -- no target can be judged on the data given{schedule}"
    apart = table[category == "insufficient_data"]
    if len(apart):
        # the rows whose forecast the table above shows as - (resting on one figure: report.model.forecast_void)
        under_way = first_year_under_way(table, evaluation_year(table, None)) is not None
        void = np.array([forecast_void(r, kind, under_way) for r in apart.to_dict("records")], dtype=bool)
        text += f"\n{CATEGORY_ZH['insufficient_data']} {len(apart)} (not assessed: {_apart_detail(apart, void)})"
        text += _awaited_words(words[apart.index])
    return text + _departed(table, category) + _by_region(table)


def _awaited_words(words: pd.Series) -> str:
    """The 数据不足 rows the printout marks （待确认） (``words``: their printed status) -- a target year past, its value
    awaited: the forecast's words, to be confirmed (有望完成（待确认）) -- counted word by word, as the printout shows
    them; empty when none."""
    counts = words.value_counts()
    said = [f"{w} {int(counts[w])}" for w in AWAITED_ORDER if counts.get(w, 0)]
    said += [f"{w} {int(n)}" for w, n in counts.items() if w.endswith(AWAITED_OUTLOOK["zh"]) and w not in AWAITED_ORDER]
    if not said:
        return ""
    return (f"\n待确认 {sum(int(n) for w, n in counts.items() if w.endswith(AWAITED_OUTLOOK['zh']))} (forecast of "
            f"the awaited target-year value, to be confirmed when it is reported): {', '.join(said)}")


def _not_started_line(table: pd.DataFrame, category: pd.Series, waiting: pd.Series, qualitative: pd.Series) -> str:
    """:func:`summary_line` of a 基期情况 position (a 十五五 plan with data up to its 2025 base year), as the report
    says it: the rows whose period has not started counted as 规划期未开始 (not judged, no 提前实现 0 ...), their
    trend's outlook for reference only; the rows judged anyway (a row with data after its base year) as usual."""
    label = CATEGORY_LABELS["zh"][NOT_STARTED]
    rest = table[~waiting.to_numpy() & ~qualitative.to_numpy()]
    apart_words = f", {int(qualitative.sum())} qualitative (定性指标，另行评价)" if qualitative.any() else ""
    text = (f"{label} {int(waiting.sum())} (plan period not started: base-year position, not assessed; the "
            f"forecasts extend the trend up to the base year, for reference only){apart_words}")
    if len(rest):
        text += "\n" + _summary_line(rest)
    return text + _departed(table, category)


#: targets named in the printout's line on forecasts following other regions, at most
DEPARTED_NAMED = 10


def _departed(table: pd.DataFrame, category: pd.Series) -> str:
    """The targets under way whose forecast follows the indicator's other regions, their own trend running against
    theirs (``assess``'s note, :func:`mstarget.report.narrative.departs_from_peers`): named, their ``p_meet`` and
    category for reference only -- as the report says it. Empty when there is none."""
    if "note" not in table:
        return ""
    flagged = table["note"].map(departs_from_peers).to_numpy(dtype=bool) & \
        ~category.isin(("completed", "not_completed")).to_numpy()
    if not flagged.any():
        return ""
    rows = table[flagged]
    names = rows["name"] if "name" in rows else rows["indicator"]
    several = "region" in table and table["region"].nunique(dropna=True) > 1
    named = [f"{r} {n}" if several else str(n) for r, n in zip(rows.get("region", names), names)]
    more = f" 等{len(named)}项" if len(named) > DEPARTED_NAMED else ""
    return (f"\n走势与同指标其他地区明显不同，预测主要依据其他地区的趋势，实现概率仅供参考 (own trend against the "
            f"indicator's other regions; the forecast follows theirs, p_meet for reference only): "
            f"{'、'.join(named[:DEPARTED_NAMED])}{more}")


def _apart_detail(apart: pd.DataFrame, void: np.ndarray | None = None) -> str:
    """What the rows rated 数据不足 are, group by group, and what their ``p_meet`` rests on. A row with a
    baseline year and nothing observed after it has the baseline alone, or a history up to the base year:
    told apart by its ``observed_pace``, which ``assess`` reckons over that history (two observations or
    more: a 〔〕 or level row's first to last; a 〈〉 row's yearly flows, which the baseline never is) and
    leaves blank for a single value. A row with data after the base year that ``assess`` still rates 数据不足
    (a 〈〉 sum missing a year's flow) is said to be incomplete, its note saying why. A target year never reported,
    its value only interpolated (``target_year_estimated``), is said to be so: not judged, no ``p_meet``.
    ``void`` (one bool per row): the rows whose forecast, range and ``p_meet`` the printout shows as ``-`` (resting
    on one figure, :func:`mstarget.report.model.forecast_void`): a baseline or single value alone is then said to be
    shown so, not what a ``p_meet`` the table does not show rests on."""
    none = pd.Series(False, index=apart.index)
    no_data = apart["status"].eq("no_data").to_numpy(dtype=bool)
    # a target year never reported, its value only interpolated between the years around it: not judged (no p_meet)
    estimated = apart.get("target_year_estimated", none).map(
        lambda v: v is True or (not is_missing(v) and bool(v))).to_numpy(dtype=bool)
    no_data = no_data & ~estimated
    # data after the baseline year (the schedule judged it), its target year past and not observed
    awaited = apart.get("category", none).ne("insufficient_data").to_numpy(dtype=bool) & ~no_data & ~estimated
    base_year = pd.to_numeric(apart.get("baseline_year", none), errors="coerce").notna().to_numpy(dtype=bool)
    nan = pd.Series(float("nan"), index=apart.index)
    paced = pd.to_numeric(apart.get("observed_pace", nan), errors="coerce").notna().to_numpy(dtype=bool)
    flows = apart.get("kind", pd.Series("", index=apart.index)).eq("increment").to_numpy(dtype=bool)
    last = pd.to_numeric(apart.get("last_year", nan), errors="coerce").to_numpy(dtype=float)
    base = pd.to_numeric(apart.get("baseline_year", nan), errors="coerce").to_numpy(dtype=float)
    after = base_year & (last > base)  # observed after the base year, and still not judged
    incomplete = ~no_data & ~awaited & after & ~estimated
    history = ~no_data & ~awaited & base_year & ~after & (paced | flows)
    base_only = ~no_data & ~awaited & base_year & ~after & ~history
    single = ~no_data & ~awaited & ~base_year & ~estimated
    history = history & ~estimated
    base_only = base_only & ~estimated
    text = f"{int(base_only.sum())} with a baseline only, {int(no_data.sum())} with no data"
    if history.any():
        text += f", {int(history.sum())} with a history up to the base year and nothing after it"
    if incomplete.any():
        text += f", {int(incomplete.sum())} with data after the base year too incomplete to judge (see the note column)"
    if single.any():
        text += f", {int(single.sum())} with a single observation and no baseline year"
    if awaited.any():
        ends = pd.to_numeric(apart["last_year"], errors="coerce")[awaited]
        years = pd.to_numeric(apart["target_year"], errors="coerce")[awaited]
        span = (f"data up to {int(ends.max())}" if ends.nunique() == 1 else
                f"data up to {int(ends.min())}-{int(ends.max())}")
        target = (f"{int(years.max())}" if years.nunique() == 1 else f"{int(years.min())}-{int(years.max())}")
        text += (f", {int(awaited.sum())} awaiting the target year's value (target year {target}, {span}; "
                 "目标年数据暂缺)")
    if estimated.any():
        text += (f", {int(estimated.sum())} whose target-year value was never reported, only interpolated between "
                 "the years around it: not judged, no p_meet (目标年数据未报送，仅为插值，不作评价)")
    why = []
    one = base_only | single
    shown_void = one & (np.zeros(len(apart), dtype=bool) if void is None else np.asarray(void, dtype=bool))
    if shown_void.any():  # the table shows - for them: say so, not what a hidden p_meet rests on
        text += (f"; {int(shown_void.sum())} resting on one figure shown as - (one figure is no trend; --out keeps "
                 "the p_meet of its prior)")
    one = one & ~shown_void
    if one.any():
        base_only, single = base_only & one, single & one
        why.append("a baseline or single value alone" if single.any() and base_only.any() else
                   "the baseline alone" if base_only.any() else "a single value alone")
    if history.any():
        why.append("the trend of the history up to the base year")
    if incomplete.any():
        why.append("estimates of the missing years")
    if awaited.any():
        why.append("a forecast of the awaited year")
    return text + (f"; their p_meet rests on {' or '.join(why)}" if why else "")


SHOWN_REGIONS = 40


def _by_region(table: pd.DataFrame) -> str:
    """分地区: one line of schedule categories per region, when the table covers several (at most
    ``SHOWN_REGIONS`` lines; the report has them all)."""
    if "region" not in table or table["region"].nunique(dropna=True) < 2:
        return ""
    regions = [str(r) for r in pd.unique(table["region"].dropna())]
    totals = table_totals(regions)  # the table's own 全市 / 合计: listed last, said to be the total
    regions = [r for r in regions if r not in totals] + totals
    width = max(display_width(r) for r in regions[:SHOWN_REGIONS])
    category = evaluation_categories(table)
    shown = list(shown_categories(category, evaluation_kind(table, evaluation_year(table, None))))
    counts = pd.crosstab(table["region"], category).reindex(columns=shown, fill_value=0)
    lines = ["\n分地区 (by region):"]
    for r in regions[:SHOWN_REGIONS]:
        pad = " " * (width - display_width(str(r)))
        line = f"  {r}{pad}  " + ", ".join(f"{CATEGORY_LABELS['zh'][k]} {counts.at[r, k]}" for k in shown)
        lines.append(line + ("  (表中合计 / the table's own total)" if r in totals else ""))
    if len(regions) > SHOWN_REGIONS:
        lines.append(f"  ... and {len(regions) - SHOWN_REGIONS} more regions (all in the report and --out)")
    return "\n".join(lines)


def _warn_evaluation_year(table: pd.DataFrame, year: int) -> None:
    """Say that the table is judged as of ``year`` (:func:`mstarget.report.model.apply_evaluation_year`: the evaluation
    year of a report dated today) and which years to report -- as ``mstarget report`` says it."""
    warnings.warn(evaluation_year_message(table, year, "--as-of {}"), MstargetWarning, stacklevel=1)


def run(args: argparse.Namespace) -> int:
    common.check_as_of(args)  # a year, before any work
    common.check_outputs(args, "plan", "history")  # --out / --chart: a file type we write, writable, not an input
    settings = common.tracking_settings(args)
    with common.tracking_process(settings) as logger:  # MLflow loads meanwhile, on the other core
        return _run(args, settings, logger)


def _run(args: argparse.Namespace, settings, logger) -> int:
    engine = common.engine_of(args, "assess")
    prog = Progress(True)
    # refuse bad input, and with --strict anything unmatched, before anything is written
    plan, history, reference, calibration, code = common.read_plan_inputs(args, prog, "assess")
    if code is not None:
        return code
    common.inputs_accepted(logger)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedWarning)  # printed above
        table, details = assess_detailed(history, plan, as_of=args.as_of, model=args.model,
                                         seed=args.seed, progress=prog, reference=reference,
                                         calibration=calibration, backend=engine, max_details=MAX_PANELS)
    engine.release()  # the computing is done: local workers stopped before charts and files (their memory)
    # without --as-of, the evaluation year of a report dated today (the report's rule): a 2021-2025 plan on data to
    # 2022, assessed in 2026, is judged as of 2025 as its report is (the awaited target years 数据不足), not as of 2022
    evaluated = apply_evaluation_year(table, details) if args.as_of is None else None
    if evaluated is not None:
        _warn_evaluation_year(table, evaluated)
    params, inputs = tracking.assessment_params(  # the parameters mt.assess(track=True) logs
        plan=args.plan, history=args.history, plan_frame=plan, history_frame=history, table=table,
        reference=args.reference, reference_frame=reference, calibration=common.calibration_arg(args),
        model=args.model, as_of=args.as_of, seed=args.seed, backend=engine) if settings.enabled else ({}, {})
    if evaluated is not None and params:  # the run is named and logged as of the year it was judged at
        params["as_of"] = evaluated
    # the same logging as the API's assess(track=True): metrics, assessment.csv, fan_chart.png,
    # overview_chart.png. Handed over now: a tracking process logs the tables and draws the
    # overview (on the other core) while we draw the fan chart.
    pending = common.PendingRun(logger, "log_assessment", table, params, settings, inputs=inputs,
                                overview=tracking.DRAW_OVERVIEW,
                                later=("figure",) if settings.enabled else ())
    fig = None
    try:
        if args.chart or settings.enabled:  # drawn once, before anything is written
            with prog.step("drawing charts"):  # capped: binding targets plus the most at risk
                fig = fan_chart(details, title=fan_title(details, args.as_of if evaluated is None else evaluated))  # 截至2023年 / 最新数据
        with outputs_together():  # --chart and --out both new, or both as they were
            if args.chart:
                save_figure(fig, args.chart, dpi=110)
            if args.out:
                with prog.step(f"writing {args.out}"):
                    write_table(table, args.out)
        if settings.enabled:  # the --chart file itself (now in place) when it is a PNG (never drawn twice)
            chart = args.chart if args.chart and args.chart.lower().endswith(".png") else fig
            pending.provide(figure=chart)
        common.echo(common.format_table(display_frame(table, SHOWN_ROWS, details), max_rows=SHOWN_ROWS,
                                        right=FIGURE_COLUMNS))
        if len(table) > SHOWN_ROWS:
            common.echo(f"... {len(table) - SHOWN_ROWS} more rows (共 {len(table)} 行): all in "
                        + (args.out if args.out else "--out FILE") + " and in the MLflow run's assessment.csv")
        common.echo("\n" + summary_line(table))
        say_options_used(table, args.calibration, reference)  # what --calibration / --reference changed
        if args.out:
            common.echo(f"written: {args.out}")
        with prog.step("logging the MLflow run") if settings.enabled else contextlib.nullcontext():
            run_id = pending.result()
    finally:
        if fig is not None:
            pyplot().close(fig)
    if run_id is not None:
        common.echo(f"MLflow run {run_id} logged to {settings.store_uri()}")
        said = tracking.records.per_target_line(table)  # more rows than per-target metrics: how many, and where the rest is
        if said:
            common.echo(said)
    return common.EXIT_OK
