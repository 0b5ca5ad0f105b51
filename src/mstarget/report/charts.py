"""Charts of an assessment people can read: fan charts per target and an overview of all targets.

* :func:`target_chart` -- one target: history points, the plan's baseline (open square), the
  forecast median with 50 / 80 / 95 % bands, the target as a dashed line and a star in the
  target year (dotted vertical line); the unit on the y axis; the legend below the plot and the
  category / probability in the title, so no text is drawn over the data. A 〈〉 target
  (``increment``) is drawn as the running sum since the baseline year, the quantity the target is
  about.
* :func:`fan_chart` -- the same panels in a grid (the table's order), one shared legend; at most
  ``max_panels`` (binding targets plus the most at risk).
* :func:`overview_chart` -- every target at (progress minus time elapsed, ``p_meet``), numbered
  as in the table, coloured by category.

Matplotlib's Agg backend; Chinese text needs a CJK font (:mod:`mstarget.plotting`). Without one,
labels fall back to English and panels to the indicator id, so no box glyphs appear.
"""
from __future__ import annotations

import io
import math
from typing import NamedTuple, Sequence

import numpy as np
import pandas as pd

from ..assess import fan_bands
from ..chart_choice import chart_selection, nothing_to_draw, risk_rank
from ..exceptions import ParameterError
from ..precision import written_decimals
from ..plan import strict_of
from ..plotting import cjk_font, pyplot, quiet_glyphs, save_figure  # noqa: F401  (save_figure re-exported)
from .formatting import (as_written, contains_cjk, display_width, is_missing, level_decimals, notation_cell,
                         flagged, number_text, place_name, plan_figure_decimals, probability_cell, row_decimals,
                         years_of)
from .model import (AWAITED_STATUS, CATEGORY_COLOURS, CATEGORY_LABELS, DIRECTION_SIGN, FINAL_CATEGORIES, STRICT_SIGN,
                    MISSING, NOT_STARTED, QUALITATIVE, TARGET_PENDING, computed_target, computed_target_shown, display_order, report_categories, report_category,
                    target_year_awaited)
from .narrative import prose_unit

#: panels of a :func:`fan_chart` at most (binding targets plus the most at risk)
MAX_PANELS = 24
BAND_COLOUR = "#3182bd"
TARGET_COLOUR = "#b2182b"
HISTORY_COLOUR = "#252525"
ORIGINAL_COLOUR = "#8c8c8c"  # a target as first written, before its mid-term adjustment
BANDS = ((95, 0.16), (80, 0.28), (50, 0.45))  # (level %, alpha), widest first

LABELS = {
    "zh": {"observed": "实际值", "baseline": "基期值", "median": "预测中位数", "band": "{}%预测区间",
           "target": "目标值", "original": "原目标（中期调整前）", "target_average": "目标值（期间年均）", "target_year": "目标年", "year": "年份", "p": "实现概率",
           "estimated": "含未报送年份插值估计",
           "no_data": "暂无监测数据", "sum": "基期以来累计", "overview": "实现概率与目标进度（全部{}项）",
           "x": "目标进度 − 时间进度（百分点）：← 慢于时间进度 | 快于时间进度 →", "y": "实现概率（%）",
           "no_progress": "进度\n无法计算", "not_started": "规划期\n未开始", "nothing_after_base": "基期后无数据", "shown": "（图示{}/{}项：约束性指标及风险最高者）",
           "not_drawn": "（另{}项暂无监测数据，未绘图）", "nothing_drawn": "暂无监测数据，无图可绘",
           "matrix": "分地区评价一览（格内为实现概率）", "matrix_final": "分地区评价一览（格内为评价结果）",
           "matrix_mixed": "分地区评价一览（格内为实现概率或评价结果）",
           "matrix_pending": "分地区一览（目标均待定）", "matrix_page": "（第{}/{}页：地区{}-{}，共{}个；指标{}-{}，共{}项）",
           "p_forecast": "预测实现概率", "observed_panel": "目标年已有实际数据\n（不计实现概率）",
           "observed_only": "目标完成情况（全部{}项，目标年均已有实际数据）", "lane": "{}（{}项）",
           "matrix_total": "（表中合计）", "matrix_absent": "无此目标", "left_out": "另{}未列入", "left_qualitative": "{}项定性指标",
           "left_unestimated": "{}项数据不足", "left_pending": "{}项目标待定", "all": "全部"},
    "en": {"observed": "observed", "baseline": "baseline", "median": "forecast median", "band": "{}% interval",
           "target": "target", "original": "first target (before mid-term adjustment)", "target_average": "target (period average)", "target_year": "target year", "year": "year", "p": "P(met)",
           "estimated": "counting an estimate of a year not reported",
           "no_data": "no observation yet", "sum": "sum since base year", "overview": "Chance of meeting the target vs progress (all {} targets)",
           "x": "progress minus time elapsed (points): ← behind schedule | ahead of schedule →",
           "y": "P(target met) (%)", "no_progress": "progress\nunknown", "not_started": "period not\nstarted", "nothing_after_base": "no data after the base year",
           "shown": " (showing {} of {}: binding and most at risk)",
           "not_drawn": " ({} more without data: not drawn)", "nothing_drawn": "no data yet: nothing to draw",
           "matrix": "Assessment by region (chance of meeting the target in each cell)",
           "matrix_final": "Assessment by region (the result in each cell)",
           "matrix_mixed": "Assessment by region (chance of meeting the target, or the result, in each cell)",
           "matrix_pending": "By region (every target not set yet)",
           "matrix_page": " (page {} of {}: regions {}-{} of {}, indicators {}-{} of {})",
           "p_forecast": "forecast P(met)", "observed_panel": "target year observed\n(no probability)",
           "observed_only": "Targets achieved or not (all {}, every target year observed)", "lane": "{} ({})",
           "matrix_total": "(table total)", "matrix_absent": "no target", "left_out": "; not shown: {}", "left_qualitative": "{} qualitative",
           "left_unestimated": "{} with insufficient data", "left_pending": "{} with the target not set yet",
           "all": "all "},
}
#: regions (columns) and indicators (rows) on a page of :func:`region_matrix_chart`, at most: 15 indicators (0.32 in
#: each) keep a page within the height of a landscape A4 page's 版心 (15.6 cm) at the matrix's own size
MATRIX_REGIONS, MATRIX_INDICATORS = 30, 15
#: the fill of a region matrix cell whose region the plan sets no such target (a light grey, named in the cell)
_MATRIX_ABSENT_COLOUR = "#f2f2f2"
#: the widest a page of the region matrix is drawn (inches): placed on a landscape A4 page (22.5 cm of text
#: width in the Word report, the html printed on A4 landscape) its 7-7.5 pt text prints at about 6.5 pt or more.
#: A page holds as many regions as fit that width beside the indicators' names (:func:`matrix_regions_per_page`)
MATRIX_WIDTH_IN = 9.3
#: the matrix's geometry (inches): the margin beside the names, a name's width per display unit, a region's column
_MATRIX_MARGIN_IN, _MATRIX_CHAR_IN, _MATRIX_REGION_IN = 2.0, 0.11, 0.5
#: an indicator's name in the matrix wraps onto two even lines past this display width (10 汉字)
MATRIX_NAME_WIDTH = 20


def chart_language(lang: str) -> str:
    """The language charts can be drawn in: Chinese needs an installed CJK font."""
    return "zh" if lang == "zh" and cjk_font() is not None else "en"


def _label_name(row: dict, lang: str, with_region: bool = False) -> str:
    name = row.get("name")
    if not (isinstance(name, str) and name.strip() and (lang == "zh" or not contains_cjk(name))):
        name = str(row.get("indicator"))
    region = row.get("region")
    if with_region and lang == "en" and isinstance(region, str) and contains_cjk(region):
        region = None  # an English chart (no CJK font) cannot draw the region's characters
    return place_name(name, region, lang) if with_region else name


def _wrap(text: str, width: int) -> str:
    """Wrap by display width (a CJK character counts two)."""
    lines, line = [], ""
    for ch in text:
        if display_width(line + ch) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    lines.append(line)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def _decimals(row: dict) -> int:
    """The target's decimals as the table shows it (:func:`~.formatting.plan_figure_decimals`): those the plan's
    cell wrote (``≤0.20``: the row's ``target_decimals``, which ``assess`` puts on each detail's row), else the
    fewest that write the figure, at most the row's (a count's whole: ≥2, not ≥2.0; :func:`level_decimals`) --
    never ``≤0.200`` beside a table's ``≤0.20``."""
    if computed_target(row):  # 年均增长6% read as 1651.3704: the places of the figures written (≥1,651)
        written = max(written_decimals(v) for v in (row.get("baseline"), row.get("last_value")) if not is_missing(v)) \
            if any(not is_missing(v) for v in (row.get("baseline"), row.get("last_value"))) else 0
        shown = computed_target_shown(row.get("target"), written, row.get("last_value"), row.get("forecast"),
                                      direction=row.get("direction"))
        return written_decimals(shown)
    reference = (row.get("target"), row.get("baseline"), row.get("last_value"))
    cap = as_written(level_decimals(row_decimals(reference=reference, exact=(row.get("baseline"), row.get("target"))),
                                    reference=reference), row.get("target_decimals"))
    return plan_figure_decimals(row.get("target"), row.get("target_decimals"), cap)


def _target_text(row: dict, lang: str, figure: str | None = None) -> str:
    """The target with its unit and year (``≤0.20人/万台（2025年）``, a strict bound ``<0.15人/万台（2025年）`` for the
    plan's 低于0.15: :data:`~.model.STRICT_SIGN`); ``figure``: the target as the report's table writes it (its
    ``target_figure`` cell), else as :func:`_decimals` writes it."""
    sign = (STRICT_SIGN if strict_of(row) else DIRECTION_SIGN).get(row.get("direction"), "")
    # ≥〈5〉, ≥〔4.0〕: as the table writes it
    plan = notation_cell(row.get("target"), row.get("kind"), sign, row.get("target_decimals"))
    text = plan.text if plan is not None else sign + number_text(row.get("target"), _decimals(row))
    if figure and figure != "–":
        text = figure
    unit = prose_unit(row.get("unit"), lang)  # as a sentence writes it: ≥86（2025年）, never ≥86指数
    if lang == "zh" and _words_alone(row):  # 不发生, 实现全覆盖: as the plan writes it, not ≤0起
        text = str(row["target_written"]).strip()
    elif isinstance(unit, str) and unit and (lang == "zh" or not contains_cjk(unit)):
        text += unit if (unit == "%" or contains_cjk(unit)) else f" {unit}"
    year = int(row["target_year"])
    span = _average_span(row)
    if span:  # a period average (年均增长): the period's average is compared, not the target year's rate
        return f"{span}年年均{text}" if lang == "zh" else f"{text} on average over {span.replace('—', '-')}"
    return f"{text}（{year}年）" if lang == "zh" else f"{text} ({year})"


def _words_alone(row: dict) -> bool:
    """The plan writes the target in words that say all its figure does (不发生, 零事故: ≤0; 实现全覆盖: 100 %),
    no digit in them: the chart says them as written."""
    written = row.get("target_written")
    if not isinstance(written, str) or not written.strip() or any(ch.isdigit() for ch in written):
        return False
    target, direction = row.get("target"), row.get("direction")
    if is_missing(target):
        return False
    return (float(target) == 0 and direction == "<=") or (float(target) == 100 and direction == ">=")


def _average_span(row: dict) -> str:
    """A growth rate's target on the period average (``average_years`` of :func:`mstarget.assess.assess`): its
    years as said (2021—2025), else ""."""
    avg = row.get("average_years")
    return avg.replace("-", "—") if isinstance(avg, str) and avg else ""


def _average_said(row: dict, lang: str, category: str, value: str | None = None) -> str:
    """A period average row's average as its table says it (``value``: the table's figure, 7.9（快报）): 实际年均7.9%
    once the target year is observed, else 预测年均6.59% ("" for another row, or without a figure)."""
    if not _average_span(row) or is_missing(row.get("forecast")):
        return ""
    closed = category in FINAL_CATEGORIES
    unit = prose_unit(row.get("unit"), lang)  # as a sentence writes it (指数 left out in Chinese)
    unit = unit if isinstance(unit, str) else ""
    figure, marks = number_text(row.get("forecast"), max(_decimals(row), 1 if closed else 2)), ""
    if value and value != "–":
        figure = value.split("（")[0].split(" (")[0]
        marks = value[len(figure):]
    figure += unit if unit == "%" or contains_cjk(unit) else (f" {unit}" if unit else "")
    if lang == "zh":
        return ("实际年均" if closed else "预测年均") + figure + marks
    return ("actual average " if closed else "forecast average ") + figure + marks


def _subtitle(row: dict, lang: str, with_target: bool, figure: str | None = None,
              category: str | None = None, value: str | None = None) -> str:
    """The line under a fan chart's name: its category (``category``: the report's, 规划期未开始 in a 基期情况 report;
    default :func:`report_category`), whether the target year's value is awaited -- 基期后无数据 when nothing after the
    base year is observed, which has no forecast of its target year to give --, its probability and target."""
    L = LABELS[lang]
    category = category or report_category(row)
    if category == TARGET_PENDING or is_missing(row.get("target")) and row.get("category") == TARGET_PENDING:
        # 待定: no target, no probability -- the forecast to its year alone (目标待定（2030年）)
        year = row.get("target_year")
        label = CATEGORY_LABELS[lang][TARGET_PENDING]
        return label if is_missing(year) else (f"{label}（{int(year)}年）" if lang == "zh" else f"{label} ({int(year)})")
    parts = [CATEGORY_LABELS[lang][category]]
    awaited = target_year_awaited(row)  # the target year past, its value not yet observed: a forecast
    ly, by = row.get("last_year"), row.get("baseline_year")
    nothing = is_missing(ly) or (not is_missing(by) and int(ly) <= int(by))
    if awaited and nothing:  # a final evaluation's row with no year after its base: no forecast said
        parts.append(L["nothing_after_base"])
    elif awaited:
        parts.append(AWAITED_STATUS[lang])
    if row.get("status") == "no_data":
        parts.append(L["no_data"])
    elif awaited and nothing:
        pass
    elif not is_missing(row.get("p_meet")) and category not in FINAL_CATEGORIES:  # no chance of a known outcome
        parts.append(f"{L['p_forecast' if awaited else 'p']}{'' if lang == 'zh' else ' '}"
                     f"{probability_cell(row['p_meet'], flagged(row.get('missed_already'))).text}")
    if with_target:
        said = _average_said(row, lang, category, value)
        parts.append(("目标" if lang == "zh" else "target ") + _target_text(row, lang, figure)
                     + (("，" if lang == "zh" else ", ") + said if said else ""))
    return " · ".join(parts)


def _series_to_draw(a, row: dict):
    """History (years, values), which of them count an estimate (bool array), and the fan
    (:class:`~mstarget.assess.FanBands`, or None) up to the target year.

    For an ``increment`` target both are the running sum of flows since the baseline year. A year the
    history does not report (a 〈〉 row's flow, a stock's yearly additions: ``assess``'s ``unreported_years``)
    is counted at its estimate, so that year's figure and every later one are estimates, drawn apart from the
    observations (:func:`_draw_panel`). The fan comes from the quantiles the assessment kept (``a.bands``), or
    from the series' paths.
    """
    sf = getattr(a, "series", None)
    if sf is None:
        return np.array([]), np.array([]), np.array([], dtype=bool), None
    bands = getattr(a, "bands", None)
    if bands is None and sf.paths is not None:
        bands = fan_bands(sf, row)
    ty = int(row["target_year"])
    gap = sorted(set(years_of(row.get("unreported_years"))) | set(getattr(a, "unreported", None) or {}))
    if row.get("kind") == "increment" and not is_missing(row.get("baseline_year")):
        by = int(row["baseline_year"])
        end = min(sf.last_year, ty)
        years = np.arange(by, end + 1)
        flows = np.array([0.0] + [float(sf.at(int(y))[0]) for y in years[1:]])
        missing = [int(y) for y in years[1:] if not bool((sf.years == y).any())]
        first = min(missing) if missing else None
        estimated = years >= first if first is not None else np.zeros(len(years), dtype=bool)
        # a year whose running total is not reported (split from the next one): its sum an estimate, the next reported
        estimated = estimated | np.isin(years, years_of(row.get("split_years")))
        return years, np.cumsum(flows), estimated, bands
    if row.get("kind") == "cumulative" and gap:  # a stock from yearly additions, a year's additions estimated
        return sf.years, sf.values, np.asarray(sf.years) > min(gap), bands
    return sf.years, sf.values, np.zeros(len(sf.years), dtype=bool), bands


#: units counted in whole numbers (per year or not: 批次/年): their charts get whole-number ticks, never 0.5 起 or 8.5 批次
COUNT_UNITS = frozenset(("项", "批次", "批", "家", "户", "个", "起", "件", "人", "次", "人次", "家次", "座", "台", "条", "所",
                         "张", "宗", "例", "辆", "套", "份", "处", "名", "场", "期", "部", "种", "类", "本", "篇",
                         "items", "cases", "batches", "firms", "persons", "people", "times", "units"))


def counted_unit(unit) -> bool:
    """A unit of things counted one by one (项, 批次, 家, 起, 批次/年 ...): :data:`COUNT_UNITS`, a rate per year
    (``/年``) of them too, not a ratio (件/万人) nor a unit of ten thousands (万户)."""
    if not isinstance(unit, str):
        return False
    u = unit.strip()
    for suffix in ("/年", "／年", "每年", "/year", "/yr"):
        if u.endswith(suffix):
            u = u[: -len(suffix)].strip()
    return u in COUNT_UNITS


def chart_alt(row, lang: str) -> str:
    """What a target's chart is, for an image's alt text (html) or description (docx): a fan chart while the target
    year is to come (a forecast's bands), the observed values against the target once it is observed (总结评估:
    nothing is forecast, no fan is drawn) -- also for a 数据不足 row whose target year is reported but a year before it
    is not (a 〈〉 sum missing 2022: its figures drawn, the estimated ones hollow, with no fan beyond the target year)."""
    r = row.raw
    ly, ty = r.get("last_year"), r.get("target_year")
    closed = row.category in FINAL_CATEGORIES or (not is_missing(ly) and not is_missing(ty) and int(ly) >= int(ty))
    if lang == "zh":
        return f"{row.name}：" + ("历年实际值与目标值对比图" if closed else "扇形图")
    return f"{row.name}: " + ("observed values against the target" if closed else "fan chart")


def _year_ticks(first: int, last: int, most: int = 7) -> list[int]:
    """Whole-year ticks from ``first`` to ``last``: every year, or every 2nd, 5th ... year (multiples of the step)
    when more than ``most`` years would crowd the axis."""
    first, last = int(first), int(last)
    for step in (1, 2, 5, 10, 20, 50, 100):
        years = [y for y in range(first, last + 1) if y % step == 0]
        if len(years) <= most:
            return years or [first]
    return [first, last]


def _draw_panel(ax, a, row: dict, lang: str, original: float | None = None):
    """Draw one target into ``ax``; returns the legend handles of what was drawn. ``original``: the target as first
    written, for one adjusted mid-term (drawn dotted and grey, named 原目标 in the legend)."""
    from matplotlib.lines import Line2D  # lazy: heavy (matplotlib)
    from matplotlib.patches import Patch  # lazy: heavy (matplotlib)
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # lazy: heavy (matplotlib)

    L = LABELS[lang]
    handles: list = []
    hist_y, hist_v, estimated, fan = _series_to_draw(a, row)
    if fan is not None:
        for level, alpha in BANDS:
            lo, hi = fan.interval(level)
            ax.fill_between(fan.years, lo, hi, color=BAND_COLOUR, alpha=alpha, lw=0)
        ax.plot(fan.years, fan.median, color=BAND_COLOUR, lw=1.4)
    if len(hist_y):
        seen = ~estimated
        # observations joined by a solid line; a figure counting an estimate (a year not reported, a year split from
        # the next reported total) joined to its neighbours by a dotted one, as a hollow point: not 实际值 -- also
        # between two observations (1.5 | 2.55（插值） | 3.6: dotted from 1.5 to 3.6, as the legend says)
        solid = np.where(seen, hist_v.astype(float), np.nan)  # a solid segment only between two observations
        ax.plot(hist_y, solid, "-", color=HISTORY_COLOUR, lw=1.0)
        if estimated.any():
            for i in range(len(hist_y) - 1):
                if estimated[i] or estimated[i + 1]:
                    ax.plot(hist_y[i:i + 2], hist_v[i:i + 2], ":", color=HISTORY_COLOUR, lw=1.0)
            ax.plot(hist_y[estimated], hist_v[estimated], "o", mfc="white", mec=HISTORY_COLOUR, ms=4.5, mew=1.0,
                    ls="none", zorder=5)  # above the target's star, which an estimate near the target would hide
        ax.plot(hist_y[seen], hist_v[seen], "o", color=HISTORY_COLOUR, ms=3.5, ls="none")
    by, base = row.get("baseline_year"), row.get("baseline")
    increment = row.get("kind") == "increment"
    drew_baseline = not increment and not is_missing(by) and not is_missing(base)
    if drew_baseline:
        ax.plot([int(by)], [float(base)], "s", mfc="none", mec=HISTORY_COLOUR, ms=8, mew=1.2)
    ty, target = int(row["target_year"]), float(row["target"])
    aimed = not is_missing(target)  # 待定 (目标待定): the forecast alone, no target line nor star
    if aimed:
        ax.axhline(target, color=TARGET_COLOUR, ls="--", lw=1.1)
    adjusted = aimed and original is not None and not is_missing(original) and float(original) != target
    if adjusted:  # the target as first written, beside the adjusted one judged
        ax.axhline(float(original), color=ORIGINAL_COLOUR, ls=":", lw=1.1)
    ax.axvline(ty, color="#888888", ls=":", lw=0.9)
    average = bool(_average_span(row))  # a period average: no single year is compared with the target
    if not average and aimed:
        ax.plot([ty], [target], marker="*", color=TARGET_COLOUR, ms=12, ls="none")
    if adjusted:  # the first target inside the y range too
        ax.plot([ty], [float(original)], marker="_", color=ORIGINAL_COLOUR, ms=10, ls="none")
    # keep the target year and the baseline inside the x range even without data
    xs = [ty] + [int(y) for y in hist_y] + ([int(by)] if not is_missing(by) else [])
    if fan is not None and len(fan.years):
        xs += [int(min(fan.years)), int(max(fan.years))]
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    if not len(hist_y) and fan is None and not drew_baseline:  # target_chart of a row without data: say so
        ax.text(0.5, 0.5, L["nothing_drawn"], transform=ax.transAxes, ha="center", va="center", fontsize=9,
                color="#666666")
    unit = row.get("unit") if isinstance(row.get("unit"), str) else ""
    if unit and lang == "en" and contains_cjk(unit):
        unit = ""
    ylabel = (f"{L['sum']}（{unit}）" if lang == "zh" else f"{L['sum']} ({unit})") if increment and unit else \
        (L["sum"] if increment else unit)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_xlabel(L["year"], fontsize=8)
    ax.set_xticks(_year_ticks(min(xs), max(xs)))  # whole years only, even on a one-year range (never 2024.6)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"))
    if counted_unit(row.get("unit")):  # 起, 项, 批次: whole-number ticks (never 0.5 起)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=7)
    ax.grid(axis="y", color="#e5e5e5", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    # the legend names only what is drawn
    if len(hist_y) and (~estimated).any():
        handles.append(Line2D([], [], color=HISTORY_COLOUR, marker="o", ms=3.5, lw=1.0, label=L["observed"]))
    if len(hist_y) and estimated.any():
        handles.append(Line2D([], [], color=HISTORY_COLOUR, marker="o", mfc="white", ms=4.5, lw=1.0, ls=":",
                              label=L["estimated"]))
    if drew_baseline:
        handles.append(Line2D([], [], color=HISTORY_COLOUR, marker="s", mfc="none", ms=7, ls="none",
                              label=L["baseline"]))
    if fan is not None:
        handles.append(Line2D([], [], color=BAND_COLOUR, lw=1.4, label=L["median"]))
        handles += [Patch(color=BAND_COLOUR, alpha=alpha, lw=0, label=L["band"].format(level))
                    for level, alpha in reversed(BANDS)]
    if aimed:
        handles += [Line2D([], [], color=TARGET_COLOUR, ls="--", marker=None if average else "*", ms=9, lw=1.1,
                           label=L["target_average" if average else "target"])]
    if adjusted:
        handles.append(Line2D([], [], color=ORIGINAL_COLOUR, ls=":", lw=1.1,
                              label=f"{L['original']} {float(original):,.{written_decimals(float(original))}f}"))
    handles.append(Line2D([], [], color="#888888", ls=":", lw=0.9, label=L["target_year"]))
    return handles


def target_chart(assessment, *, number: int | None = None, lang: str = "zh", with_region: bool = False,
                 as_of: int | None = None, target_text: str | None = None, category: str | None = None,
                 value_text: str | None = None, original_target: float | None = None):
    """Fan chart of one target.

    Parameters
    ----------
    assessment : TargetAssessment
        One entry of :func:`mstarget.assess.assess_detailed`'s details (``.row``, ``.series``).
    number : int, optional
        序号 shown before the name (the table's numbering).
    lang : {"zh", "en"}
        Chinese needs a CJK font; without one the chart is drawn in English.
    with_region : bool
        Name the target with its region (``端州区 市场主体``), for a report covering several regions.
    as_of : int, optional
        The evaluation year, where the row does not carry it: a target year past but not observed is
        then titled 数据不足 · 目标年数据暂缺, its probability a forecast's.
    target_text : str, optional
        The target as the report's table writes it (``≤0.20``, ``≥〔117〕``), which the title then says; by
        default it is written from the row (the decimals the plan wrote, :func:`_decimals`).
    value_text : str, optional
        A period average row's average as the table writes it (its ``forecast_figure`` cell, 7.9（快报）), which
        the title says beside the target (目标：2021—2025年年均≥7%，实际年均7.9%（快报）); by default from the row.
    original_target : float, optional
        The target as first written, for one adjusted mid-term (企业标准 〔117〕 adjusted to 〔100〕): drawn as a grey
        dotted line named 原目标 in the legend.

    Returns
    -------
    matplotlib.figure.Figure
        About 6.4 x 4.4 inches: title (name; category, probability and target), the panel, the
        legend below it.
    """
    _check_detail(assessment)
    plt = pyplot()
    lang = chart_language(lang)
    row = assessment.row
    if as_of is not None and is_missing(row.get("as_of")):
        row = {**row, "as_of": as_of}
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    handles = _draw_panel(ax, assessment, row, lang, original=original_target)
    name = _label_name(row, lang, with_region)
    head = f"{number}. {name}" if number is not None else name
    ax.set_title(_wrap(head, 52) + "\n" + _subtitle(row, lang, with_target=True, figure=target_text, category=category,
                                                    value=value_text), fontsize=9.5,
                 loc="left")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=4, fontsize=7.5,
              frameon=False)
    fig.subplots_adjust(left=0.12, right=0.97, top=0.86, bottom=0.3)
    return fig


def fan_chart(assessments: Sequence, *, title: str | None = None, ncols: int = 3, lang: str | None = None,
              max_panels: int | None = MAX_PANELS):
    """Fan charts of several targets in a grid, in the report table's order (the plan's order).

    Parameters
    ----------
    assessments : sequence of :class:`mstarget.assess.TargetAssessment`, or one
        From :func:`mstarget.assess.assess_detailed` (plan order); rows without data get a panel
        showing the baseline and the target. One detail (``details[0]``) gives a one-panel chart.
    title : str, optional
        Figure title.
    lang : {"zh", "en"}, optional
        Default: Chinese when the names are Chinese (and a CJK font is installed).
    max_panels : int or None
        At most this many panels: binding targets plus the most at risk (``None``: all).

    When the targets lie in several regions, each panel names its region (``端州区 市场主体``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if _one_detail(assessments):  # fan_chart(details[0]): that target's panel alone
        assessments = [assessments]
    _check_details(assessments, "fan_chart")
    plt = pyplot()
    rows = [a.row for a in assessments]
    if lang is None:
        lang = "zh" if any(contains_cjk(r.get("name")) for r in rows) else "en"
    lang = chart_language(lang)
    with_region = len({r.get("region") for r in rows if isinstance(r.get("region"), str) and r["region"].strip()}) > 1
    table = pd.DataFrame({"attribute": [r.get("attribute") for r in rows]})
    order = display_order(table) if len(rows) else []
    ordered = [(number, assessments[i]) for number, i in enumerate(order, start=1)]
    keep = chart_selection([a.row for _, a in ordered], max_panels)  # a row without data nor forecast: no panel
    shown = [ordered[k] for k in keep]
    void = sum(nothing_to_draw(a.row) for a in assessments)
    n = max(len(shown), 1)
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols, 3.4 * nrows + 0.7), squeeze=False)
    handles = []
    for ax, (number, a) in zip(axes.flat, shown):
        drawn = _draw_panel(ax, a, a.row, lang)
        handles = drawn if len(drawn) > len(handles) else handles  # the fullest legend
        head = f"{number}. {_label_name(a.row, lang, with_region)}"
        ax.set_title(_wrap(head, 36) + "\n" + _subtitle(a.row, lang, with_target=True), fontsize=8, loc="left")
    for ax in list(axes.flat)[len(shown):]:
        ax.axis("off")
    if not shown:
        axes.flat[0].text(0.5, 0.5, LABELS[lang]["nothing_drawn"], ha="center", va="center", fontsize=10,
                          color="#666666", transform=axes.flat[0].transAxes)
    suptitle = title or ""
    if len(shown) < len(assessments) - void:  # the cap cut panels
        suptitle += LABELS[lang]["shown"].format(len(shown), len(assessments) - void)
    if void:  # rows without data nor forecast: no panel, said so
        suptitle += LABELS[lang]["not_drawn"].format(void)
    bottom = 0.55 / (3.4 * nrows + 0.7)
    if handles:
        fig.legend(handles=handles, loc="lower center", ncol=8, fontsize=7.5, frameon=False)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    top = 1 - 0.45 / (3.4 * nrows + 0.7) if suptitle else 1
    fig.tight_layout(rect=(0, bottom, 1, top))
    return fig


# --------------------------------------------------------------------------------------------
# overview: every target at (progress - time elapsed, p_meet)
# --------------------------------------------------------------------------------------------

OFFSETS_PT = ((5, 4), (5, -10), (-11, 4), (-11, -10), (7, -3), (-14, -3), (-3, 8), (-3, -14),
              (12, 10), (12, -16), (-18, 10), (-18, -16))


def _place_labels(ax, points: list[tuple[float, float, str]], fontsize: float = 7) -> None:
    """Annotate points with short labels, choosing per label the first offset whose box overlaps no
    other label or labelled marker (greedy; falls back to the least overlapping offset, with a
    leader line)."""
    fig = ax.figure
    px = fig.dpi / 72.0
    placed: list[tuple[float, float, float, float]] = []
    marks = [ax.transData.transform((x, y)) for x, y, _ in points]
    r = 4.5 * px
    marker_boxes = [(mx - r, my - r, mx + r, my + r) for mx, my in marks]

    def overlap(a, b) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return w * h if w > 0 and h > 0 else 0.0

    for (x, y, text), (mx, my) in zip(points, marks):
        w, h = 0.62 * fontsize * len(text) * px, 1.15 * fontsize * px
        best, best_cost = OFFSETS_PT[0], math.inf
        for dx, dy in OFFSETS_PT:
            x0, y0 = mx + dx * px, my + dy * px
            box = (x0, y0, x0 + w, y0 + h)
            cost = sum(overlap(box, b) for b in placed) + sum(overlap(box, b) for b in marker_boxes)
            if cost < best_cost:
                best, best_cost = (dx, dy), cost
            if cost == 0:
                break
        x0, y0 = mx + best[0] * px, my + best[1] * px
        placed.append((x0, y0, x0 + w, y0 + h))
        far = abs(best[0]) > 10 or abs(best[1]) > 10
        ax.annotate(text, (x, y), xytext=best, textcoords="offset points", fontsize=fontsize,
                    color="#222222", arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.5} if far else None)


def _what(obj) -> str:
    """What an object given in place of another is, for an error message: ``a DataFrame``, ``a str``, ``a list of
    TargetAssessment``."""
    if isinstance(obj, (list, tuple)) and len(obj):
        return f"a {type(obj).__name__} of {type(obj[0]).__name__}"
    return f"a {type(obj).__name__}"


def _check_details(assessments, owner: str) -> None:
    """``assessments`` must be the details list of ``mt.assess_detailed`` (its second result): a clear error for
    the table (its first result) or anything else, not ``'str' object has no attribute 'row'``."""
    if isinstance(assessments, (str, bytes, pd.DataFrame, pd.Series)) or not hasattr(assessments, "__iter__") or \
            not all(hasattr(a, "row") for a in assessments):
        raise ParameterError(
            f"{owner} needs the details list from mt.assess_detailed (its second result): "
            f"table, details = mt.assess_detailed(history, plan); {owner}(details). Got {_what(assessments)}"
            + (" -- the assessment table: pass details, or overview_chart(table) for the table."
               if isinstance(assessments, pd.DataFrame) else
               " -- both results of assess_detailed: pass the second, the details."
               if isinstance(assessments, tuple) and len(assessments) == 2
               and isinstance(assessments[0], pd.DataFrame) else "."))


def _one_detail(obj) -> bool:
    """``obj`` is one entry of ``mt.assess_detailed``'s details (a :class:`~mstarget.assess.TargetAssessment`)."""
    return not isinstance(obj, (pd.DataFrame, pd.Series)) and isinstance(getattr(obj, "row", None), dict)


def _check_detail(assessment) -> None:
    """``assessment`` must be one entry of ``mt.assess_detailed``'s details: a clear error for the table, the
    details list or a report row, not ``'DataFrame' object has no attribute 'row'``."""
    if _one_detail(assessment):
        return
    if isinstance(assessment, pd.DataFrame):
        hint = " -- the assessment table: pass one detail, or overview_chart(table) for the table."
    elif isinstance(assessment, (list, tuple)) and len(assessment) and all(_one_detail(a) for a in assessment):
        hint = " -- the details list: pass one of them (target_chart(details[0])), or fan_chart(details) for all."
    elif _one_detail(getattr(assessment, "assessment", None)):
        hint = " -- a report's row: pass its detail, target_chart(row.assessment, number=row.number)."
    else:
        hint = "."
    raise ParameterError(
        "target_chart needs one entry of the details list from mt.assess_detailed (its second result): "
        f"table, details = mt.assess_detailed(history, plan); target_chart(details[0]). Got {_what(assessment)}"
        + hint)


def _check_overview_rows(rows) -> None:
    """``rows`` must be the assessment table or the report's rows: a clear error for the details list of
    ``mt.assess_detailed`` or anything else, not ``'TargetAssessment' object has no attribute 'raw'``."""
    if isinstance(rows, pd.DataFrame):
        return
    if isinstance(rows, (str, bytes, pd.Series)) or not all(hasattr(r, "raw") for r in rows):
        details = not isinstance(rows, (str, bytes)) and len(rows) and all(hasattr(r, "row") for r in rows)
        raise ParameterError(
            "overview_chart needs the assessment table from mt.assess_detailed (its first result) or a report's "
            "rows: table, details = mt.assess_detailed(history, plan); overview_chart(table) (or "
            f"overview_chart(mt.report.build_report(table, details).rows)). Got {_what(rows)}"
            + (" -- the details list: pass the table, or fan_chart(details) for fan charts." if details else "."))


def _overview_points(rows) -> pd.DataFrame:
    """One row per target: ``number, p (%), x (progress - time, points; nan if unknown),
    category, binding`` -- from report rows or from an assessment table (its display order)."""
    if isinstance(rows, pd.DataFrame):
        t = rows.reset_index(drop=True)
        order = display_order(t)
        number = np.empty(len(t), dtype=int)
        number[order] = np.arange(1, len(t) + 1)
        cat = report_categories(t)
        # nothing observed after the base year: no progress (0 - 0 is no "on schedule"), the 进度无法计算 strip
        # (as plain floats: a nullable Int64 year column's <NA> compared is no bool, NaN is)
        nan = np.full(len(t), np.nan)
        last = pd.to_numeric(t["last_year"], errors="coerce").to_numpy(float, na_value=np.nan) \
            if "last_year" in t else nan
        base = pd.to_numeric(t["baseline_year"], errors="coerce").to_numpy(float, na_value=np.nan) \
            if "baseline_year" in t else nan
        unmeasured = np.isnan(last) | (last <= base)
        x = 100 * (pd.to_numeric(t["progress_share"], errors="coerce")
                   - pd.to_numeric(t["time_share"], errors="coerce")).to_numpy(float)
        pts = pd.DataFrame({"number": number,
                            "p": 100 * pd.to_numeric(t["p_meet"], errors="coerce").to_numpy(float),
                            "x": np.where(unmeasured, np.nan, x),
                            "category": cat.to_numpy(),
                            "binding": (t["attribute"] == "binding").to_numpy() if "attribute" in t
                            else np.zeros(len(t), bool)})
        return pts.iloc[order].reset_index(drop=True)
    recs = []
    for r in rows:
        p, prog, time = r.raw.get("p_meet"), r.raw.get("progress_share"), r.raw.get("time_share")
        cells = getattr(r, "cells", None) or {}
        # no progress before the period, nor where the table shows none (nothing after the base year: –, never x = 0)
        unknown = is_missing(prog) or is_missing(time) or r.category == NOT_STARTED or \
            any(k in cells and cells[k].text == MISSING for k in ("progress_share", "time_share"))
        # a probability the table does not show (a 数据不足 row without progress data: –, :func:`~.model.forecast_void`)
        # is not plotted either: the title counts it among those left out
        shown = "p_meet" not in cells or cells["p_meet"].text != MISSING
        recs.append((r.number, np.nan if is_missing(p) or not shown else 100 * float(p),
                     np.nan if unknown else 100 * (float(prog) - float(time)),
                     r.category, r.binding))
    return pd.DataFrame(recs, columns=["number", "p", "x", "category", "binding"])


def _overview_title(L: dict, key: str, pts: pd.DataFrame, plotted: int, lang: str) -> str:
    """The overview's title counting what it plots (全部24项), and saying what it leaves out: qualitative rows and
    rows whose target is not set yet and rows without a probability (另2项定性指标、1项目标待定、2项数据不足未列入)."""
    category = pts["category"].to_numpy()
    qualitative = int((category == QUALITATIVE).sum())
    pending = int((category == TARGET_PENDING).sum())  # 待定: no target, no probability -- not 数据不足
    unestimated = len(pts) - plotted - qualitative - pending
    left = ([L["left_qualitative"].format(qualitative)] if qualitative else []) + \
        ([L["left_pending"].format(pending)] if pending else []) + \
        ([L["left_unestimated"].format(unestimated)] if unestimated > 0 else [])
    title = L[key].format(plotted)
    if lang == "en" and plotted == 1:  # one target: (1 target), not (all 1 targets)
        title = title.replace(f"{L['all']}1 targets", "1 target")
    if not left:
        return title
    title = title.replace(L["all"], "", 1)  # not all of the report's rows
    said = L["left_out"].format(("、" if lang == "zh" else ", ").join(left))
    if lang == "zh":  # inside the title's brackets: 实现概率与目标进度（24项；另2项定性指标未列入）
        return title[:-1] + "；" + said + "）" if title.endswith("）") else title + "（" + said + "）"
    return title[:-1] + said + ")" if title.endswith(")") else title + said


#: targets whose target year is observed drawn one by one (numbered) in the overview, at most; more are counted
OBSERVED_MARKERS = 90


def _observed_panel(ax, done: pd.DataFrame, lang: str, columns: int, title: bool) -> None:
    """The targets whose target year is observed, apart from the probability axis (they have no
    probability left): a lane 已完成 above a lane 未完成, each target a numbered dot in the table's
    order; beyond :data:`OBSERVED_MARKERS` targets, each lane's count as a bar."""
    L, names = LABELS[lang], CATEGORY_LABELS[lang]
    lanes = [(c, done[done["category"] == c].sort_values("number")) for c in FINAL_CATEGORIES]
    ax.set_axis_off()
    if title:
        ax.set_title(L["observed_panel"], fontsize=8, loc="left")
    if len(done) > OBSERVED_MARKERS:
        counts = [len(members) for _, members in lanes]
        ax.barh([0, 1], counts, color=[CATEGORY_COLOURS[c] for c, _ in lanes], height=0.55)
        for k, ((cat, _), n) in enumerate(zip(lanes, counts)):
            ax.text(0, k - 0.42, L["lane"].format(names[cat], f"{n:,}"), fontsize=8, va="bottom")
        ax.set_ylim(1.6, -0.8)
        ax.set_xlim(0, max(counts + [1]) * 1.05)
        return
    y = 0.0
    for cat, members in lanes:
        ax.text(0, y, L["lane"].format(names[cat], len(members)), fontsize=8, va="center",
                color=CATEGORY_COLOURS[cat])
        y += 1
        for k, number in enumerate(members["number"].tolist()):
            col, line = k % columns, k // columns
            ax.plot([col + 0.18], [y + line], marker="o", ms=6.5, color=CATEGORY_COLOURS[cat], mec="white",
                    mew=0.6, ls="none")
            ax.text(col + 0.36, y + line, str(int(number)), fontsize=7, va="center", color="#222222")
        y += max(math.ceil(len(members) / columns), 1) + 0.6
    ax.set_xlim(-0.05, columns)
    ax.set_ylim(max(y - 0.4, 6 if title else 0), -0.8)


def overview_chart(rows, *, lang: str = "zh", label_limit: int = 120):
    """Every target at (progress share minus time share, ``p_meet``), numbered as in the table.

    Parameters
    ----------
    rows : sequence of :class:`~.model.ReportRow`, or an assessment table (DataFrame)
        All rows of the report (targets without ``p_meet`` are left out; those whose progress
        cannot be computed sit in a narrow strip on the left, drawn only when one does). A table is numbered in the
        report's display order (the plan's order), so a tracked run's chart matches the report.
        Targets whose target year is observed (已完成 / 未完成) have no probability left: they are
        listed apart, on the right, by outcome; when every target's year is observed the chart is
        that list alone.
    lang : {"zh", "en"}
    label_limit : int
        Number every point up to this many targets; beyond it at most this many labels: binding
        and behind-schedule targets, most at risk first. Points are drawn in one call per
        category and marker, so 100,000 targets take about a second.

    Returns
    -------
    matplotlib.figure.Figure
        x: progress minus time elapsed in percentage points (clipped to ±100, clipped points drawn
        as triangles), y: ``p_meet`` in %; the band ±5 points is "on schedule"; colours by category.
    """
    from matplotlib.lines import Line2D  # lazy: heavy (matplotlib)

    _check_overview_rows(rows)
    plt = pyplot()
    lang = chart_language(lang)
    L = LABELS[lang]
    every = _overview_points(rows)
    observed = np.isin(every["category"].to_numpy(), FINAL_CATEGORIES)
    done = every[observed].reset_index(drop=True)
    pts = every[~observed & np.isfinite(every["p"].to_numpy(float))].reset_index(drop=True)
    n_total = len(done) + len(pts)  # what the chart plots: the title says what it leaves out
    names = CATEGORY_LABELS[lang]
    if len(done) and not len(pts):  # every target year observed: no probability axis at all
        columns = 10
        lines = sum(max(math.ceil((done["category"] == c).sum() / columns), 1) for c in FINAL_CATEGORIES)
        height = 2.2 if len(done) > OBSERVED_MARKERS else min(0.9 + 0.3 * (lines + 2.6), 12)
        fig, ax = plt.subplots(figsize=(8.4, height))
        _observed_panel(ax, done, lang, columns, title=False)
        ax.set_title(_overview_title(L, "observed_only", every, n_total, lang), fontsize=10, loc="left")
        fig.subplots_adjust(left=0.04, right=0.98, top=1 - 0.45 / height, bottom=0.04)
        return fig
    on_side = ~np.isfinite(pts["x"].to_numpy(float))
    strip = bool(on_side.any())  # the narrow 进度无法计算 strip only when a target sits in it
    fig = plt.figure(figsize=(10.4 if len(done) else 8.4, 5.6))
    ratios = ((1,) if strip else ()) + (9,) + ((3.2,) if len(done) else ())
    grid = fig.add_gridspec(1, len(ratios), width_ratios=ratios, wspace=0.04)
    ax = fig.add_subplot(grid[1 if strip else 0])
    side = fig.add_subplot(grid[0]) if strip else None
    if len(done):
        _observed_panel(fig.add_subplot(grid[len(ratios) - 1]), done, lang, 3, title=True)
    panels = ((ax, ~on_side),) + (((side, on_side),) if strip else ())
    pts["x"] = np.where(on_side, 0.0, pts["x"])
    ax.axvspan(-5, 5, color="#f0f0f0", lw=0)
    ax.axvline(0, color="#888888", ls="--", lw=0.8)
    for a, _ in panels:
        a.axhline(50, color="#888888", ls="--", lw=0.8)
        a.set_ylim(-4, 104)
    main = pts[~on_side]
    lim = min(max([float(np.abs(main["x"]).max()) if len(main) else 0.0] + [20]) * 1.15, 110)
    ax.set_xlim(-lim, lim)
    shown_x = np.clip(pts["x"].to_numpy(float), -100, 100)
    marker = np.where(np.abs(pts["x"]) > 100, np.where(pts["x"] > 0, ">", "<"), "o")
    for cat, colour in CATEGORY_COLOURS.items():
        for mk in ("o", ">", "<"):
            for a, where in panels:
                m = where & (pts["category"].to_numpy() == cat) & (marker == mk)
                if m.any():
                    a.plot(shown_x[m], pts["p"].to_numpy(float)[m], marker=mk, ms=7, color=colour,
                           mec="white", mew=0.6, ls="none")
    if strip:
        side.set_xlim(-1, 1)
        side.set_xticks([0])
        waiting = (pts["category"].to_numpy() == NOT_STARTED)[on_side]
        side.set_xticklabels([L["not_started" if waiting.all() else "no_progress"]], fontsize=7)
        side.set_ylabel(L["y"], fontsize=8)
        side.tick_params(labelsize=7)
        ax.tick_params(labelsize=7, labelleft=False)
    else:
        ax.set_ylabel(L["y"], fontsize=8)
        ax.tick_params(labelsize=7)
    ax.set_xlabel(L["x"], fontsize=8)
    ax.set_title(_overview_title(L, "overview", every, n_total, lang), fontsize=10, loc="left")
    fig.subplots_adjust(left=0.08 if not len(done) else 0.065, right=0.98, top=0.92, bottom=0.17)
    if len(pts) <= label_limit:
        chosen = list(range(len(pts)))
    else:  # binding and behind-schedule targets, most at risk first, at most label_limit
        lagging = pts["category"].to_numpy() == "behind"
        cand = np.flatnonzero(pts["binding"].to_numpy(bool) | lagging)
        ranked = sorted(cand, key=lambda i: risk_rank({"category": pts["category"].iat[i],
                                                       "p_meet": pts["p"].iat[i] / 100}))
        chosen = sorted(ranked[:label_limit])
    for a, where in panels:
        _place_labels(a, [(float(shown_x[i]), float(pts["p"].iat[i]), str(int(pts["number"].iat[i])))
                          for i in chosen if where[i]])
    present = set(pts["category"]) | set(done["category"])
    handles = [Line2D([], [], marker="o", ls="none", ms=7, color=CATEGORY_COLOURS[c], label=names[c])
               for c in CATEGORY_COLOURS if c in present]
    if handles:
        fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    return fig


def figure_png(fig, *, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (tight bounding box, so no label is cut), then released."""
    buf = io.BytesIO()
    with quiet_glyphs():
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.12, facecolor="white")
    pyplot().close(fig)
    return buf.getvalue()


def _matrix_cells(report) -> tuple[dict, list]:
    """The matrix's cells keyed by (indicator, region) -- an indicator by its name, else its id; of
    several target years the last wins -- and the indicators in the table's order."""
    cells: dict = {}
    for r in report.rows:
        name = r.raw.get("name")
        cells[(name if isinstance(name, str) and name else r.raw.get("indicator"), str(r.raw.get("region")))] = r
    return cells, list(dict.fromkeys(key for key, _ in cells))


def _matrix_text(row, lang: str) -> tuple[str, str]:
    """What a cell of the region matrix says: the row's ``p_meet`` as the report prints it, or where it has none
    and its verdict is known or wanting (已完成 / 未完成 / 数据不足, a 总结评估's) that verdict -- never a cell of ``–``
    beside a colour the legend names; 目标待定 for a target not set yet. ``(text, "p" | "result" | "pending" | "")``."""
    p = row.cells["p_meet"]
    if not p.missing:
        return p.text, "p"
    if row.category in (*FINAL_CATEGORIES, "insufficient_data", TARGET_PENDING):
        text = CATEGORY_LABELS[lang][row.category]
        # 目标待定 is no result of an evaluation: the title does not count it as one (格内为实现概率或评价结果)
        return (text.replace(" ", "\n", 1) if lang == "en" else text), \
            "pending" if row.category == TARGET_PENDING else "result"
    return p.text, ""


def matrix_pages(n_regions: int, n_indicators: int, regions_per_page: int = MATRIX_REGIONS) -> int:
    """Pages of ``regions_per_page`` regions by ``MATRIX_INDICATORS`` indicators that hold a matrix of
    ``n_regions`` x ``n_indicators`` cells (at least one)."""
    return -(-max(n_regions, 1) // max(regions_per_page, 1)) * -(-max(n_indicators, 1) // MATRIX_INDICATORS)


def _even(n: int, most: int) -> int:
    """Items a page holds when ``n`` items go on as few pages of at most ``most`` as they need, spread evenly."""
    n = max(n, 1)
    return -(-n // -(-n // max(most, 1)))


def _matrix_labels(names: list, lang: str) -> list[str]:
    """The indicators' names as the matrix shows them: wrapped onto two lines past :data:`MATRIX_NAME_WIDTH`."""
    labels = [_label_name({"name": n, "indicator": n}, lang) for n in names]
    # two lines of about the same width (每万人口高价值 / 发明专利拥有量), not one full line and a last character
    return [_wrap(t, max(MATRIX_NAME_WIDTH // 2, -(-display_width(t) // 2) + 1))
            if display_width(t) > MATRIX_NAME_WIDTH else t for t in labels]


def _names_width(labels: list[str]) -> int:
    return max((display_width(line) for t in labels for line in t.split("\n")), default=10)


def matrix_regions_per_page(report) -> int:
    """Regions a page of :func:`region_matrix_chart` shows: as many as fit :data:`MATRIX_WIDTH_IN` beside the
    indicators' names (at most :data:`MATRIX_REGIONS`), spread evenly over the pages (20 regions that fit 12 a
    page: two pages of 10, not 12 and 8)."""
    _, every = _matrix_cells(report)
    width = _names_width(_matrix_labels(every, chart_language(report.lang)))
    fit = int((MATRIX_WIDTH_IN - _MATRIX_MARGIN_IN - _MATRIX_CHAR_IN * width) // _MATRIX_REGION_IN)
    return _even(len(report.regions), max(3, min(fit, MATRIX_REGIONS)))


def region_matrix_pages(report) -> int:
    """How many pages :func:`region_matrix_chart` takes to show every region and indicator of a report
    (:func:`matrix_pages`, :func:`matrix_regions_per_page` regions a page); 0 for one region."""
    if not report.several_regions:
        return 0
    _, every = _matrix_cells(report)
    return matrix_pages(len(report.regions), len(every), matrix_regions_per_page(report))


def region_matrix_chart(report, page: int = 1):
    """Indicators (rows) by regions (columns) of a report covering several regions: each cell in the
    colour of its category (提前实现 ... 滞后, grey for 数据不足), with its ``p_meet`` as the report prints
    it; an indicator with several target years shows its last; a region the plan sets no such target a light
    grey cell saying so (无此目标), not a blank one. A page shows the regions that fit
    :data:`MATRIX_WIDTH_IN` (:func:`matrix_regions_per_page`, at most ``MATRIX_REGIONS``) and at most
    ``MATRIX_INDICATORS`` indicators (in the table's order), spread evenly over the pages, so that on a landscape
    A4 page it prints at about its own size; a province's cities or counties take several
    (:func:`region_matrix_pages`): page 1 is the first regions and indicators, the regions run on first.

    Parameters
    ----------
    report : mstarget.report.Report
    page : int
        1 to :func:`region_matrix_pages`.

    Returns
    -------
    matplotlib.figure.Figure or None
        About 1.3 cm per region and 0.8 cm per indicator, legend of the categories below; ``None``
        for a report of one region or a page past the last.
    """
    from matplotlib.patches import Patch  # lazy: heavy (matplotlib)

    if not report.several_regions:
        return None
    plt = pyplot()
    lang = chart_language(report.lang)
    L = LABELS[lang]
    pages = region_matrix_pages(report)
    if not 1 <= page <= pages:
        return None
    cells, every = _matrix_cells(report)
    per_page, down = matrix_regions_per_page(report), _even(len(every), MATRIX_INDICATORS)
    across = -(-len(report.regions) // per_page)
    r0, i0 = ((page - 1) % across) * per_page, ((page - 1) // across) * down
    regions = report.regions[r0:r0 + per_page]
    names = every[i0:i0 + down]
    labels = _matrix_labels(names, lang)
    width = _names_width(labels)
    height = 1.25 + 0.32 * len(names)
    fig, ax = plt.subplots(figsize=(min(_MATRIX_MARGIN_IN + _MATRIX_CHAR_IN * width + _MATRIX_REGION_IN * len(regions),
                                        22), height))
    said = set()  # what the cells show: "p" (a chance), "result" (已完成 / 未完成 / 数据不足 of a 总结评估), "pending"
    for i, key in enumerate(names):
        for j, region in enumerate(regions):
            row = cells.get((key, region))
            colour = CATEGORY_COLOURS[row.category] if row is not None else _MATRIX_ABSENT_COLOUR
            ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor=colour, edgecolor="white", lw=1.5))
            if row is None:  # the plan sets this region no such target: said, not a white hole in the grid
                ax.text(j + 0.5, i + 0.5, L["matrix_absent"], ha="center", va="center", fontsize=6.5,
                        color="#888888")
            else:
                text, what = _matrix_text(row, lang)
                said.add(what)
                ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=7 if what == "p" else 6.5,
                        color="white" if row.category != "insufficient_data" else "#333333")
    ax.set_xlim(0, len(regions))
    ax.set_ylim(len(names), 0)
    ax.set_xticks(np.arange(len(regions)) + 0.5)
    shown_regions = [r if lang == "zh" or not contains_cjk(r) else str(k + 1) for k, r in enumerate(regions)]
    totals = set(getattr(report, "totals", ()))
    # the table's own total (全市, 合计), last: labelled and set apart from the regions by a rule
    shown_regions = [f"{t}\n{L['matrix_total']}" if r in totals else t for r, t in zip(regions, shown_regions)]
    first_total = next((j for j, r in enumerate(regions) if r in totals), None)
    if first_total:
        ax.axvline(first_total, color="#333333", lw=1.5)
    ax.set_xticklabels(shown_regions, fontsize=7.5, rotation=45 if len(regions) > 8 else 0,
                       ha="right" if len(regions) > 8 else "center")
    ax.set_yticks(np.arange(len(names)) + 0.5)
    ax.set_yticklabels(labels, fontsize=7.5)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    said.discard("")
    pending_only = said == {"pending"}  # every cell 目标待定: neither a chance nor a result in any
    said.discard("pending")  # a cell of 目标待定 names its category itself, no 评价结果
    title = L["matrix_pending"] if pending_only else L["matrix_final"] if said == {"result"} else \
        L["matrix_mixed"] if "result" in said else L["matrix"]
    if pages > 1:
        title += L["matrix_page"].format(page, pages, r0 + 1, r0 + len(regions), len(report.regions),
                                         i0 + 1, i0 + len(names), len(every))
    ax.set_title(title, fontsize=10, loc="left")
    shown = {r.category for r in report.rows}  # once per page (not once per colour and row): the legend's
    present = [c for c in CATEGORY_COLOURS if c in shown]
    text = CATEGORY_LABELS[lang]
    fig.legend(handles=[Patch(color=CATEGORY_COLOURS[c], label=text[c]) for c in present], loc="lower center",
               ncol=len(present), fontsize=7.5, frameon=False)
    fig.tight_layout(rect=(0, 0.35 / height, 1, 1))
    return fig


class ReportCharts(NamedTuple):
    """The PNGs a report shows: ``overview`` (:func:`overview_chart`), ``matrix`` (the pages of
    :func:`region_matrix_chart`; empty for one region) and ``fans`` (fan chart per 序号)."""

    overview: bytes | None
    matrix: tuple[bytes, ...]
    fans: dict[int, bytes]


def report_charts(report, *, dpi: int = 100) -> ReportCharts:
    """PNG of the overview chart, of the region matrix (several regions) and of the fan chart of
    every charted row (keyed by 序号)."""
    # no overview of nothing: every row 数据不足 without a probability shown (a plan without history) has no point
    overview = figure_png(overview_chart(report.rows, lang=report.lang), dpi=dpi) \
        if report.rows and report.overview_drawn else None
    pages = region_matrix_pages(report) if report.rows else 0
    matrix = tuple(figure_png(region_matrix_chart(report, page), dpi=dpi) for page in range(1, pages + 1))
    fans = {}
    for k in report.charted:
        row = report.rows[k]
        if row.assessment is not None:
            figure = row.cells["target_figure"].text if "target_figure" in row.cells else None
            value = row.cells["forecast_figure"].text if "forecast_figure" in row.cells else None
            first = row.cells.get("target_original")
            original = None if first is None or first.missing else float(row.cells["target_original_value"].value)
            fans[row.number] = figure_png(target_chart(row.assessment, number=row.number, lang=report.lang,
                                                       with_region=report.several_regions, as_of=report.as_of,
                                                       target_text=figure, category=row.category,
                                                       value_text=value, original_target=original),
                                          dpi=dpi)
    return ReportCharts(overview, matrix, fans)


__all__ = ["chart_alt", "counted_unit", "fan_chart", "target_chart", "overview_chart", "region_matrix_chart", "region_matrix_pages", "matrix_pages",
           "matrix_regions_per_page",
           "figure_png",
           "report_charts",
           "ReportCharts", "save_figure",
           "chart_language"]
