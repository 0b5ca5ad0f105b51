"""Number formatting shared by every rendering of a report (HTML, XLSX, DOCX) and its narrative.

One rule makes the text and the tables agree: a figure is rounded once, by :func:`number_cell`,
:func:`share_cell` or :func:`probability_cell`, into a :class:`Cell` holding the rounded value
(what Excel stores), its text (what the HTML / Word table and the narrative show) and an Excel
number format that displays the value as that text. The narrative is written from ``Cell.text``
only, so every figure in a sentence is a figure of the table.

Rules
-----
* Decimals of the figures written (:func:`written_row_decimals`): an indicator's observed values -- the
  yearly columns, the latest value, the target year's value once observed (实际值), the gap to the
  target, and the sentences that say them -- all take the most decimals any written figure of the
  indicator uses (the plan's baseline and target as its cells wrote them, ``baseline_decimals`` /
  ``target_decimals``; every history value; every region of the indicator), at most 4: a plan of 0.25 /
  ≤0.20 with a history 0.22, 0.18 … shows 0.20 in its 2025年 column, its 实际值 and its paragraph (never
  0.2 beside 0.200); a history 2.8, 3.1, 2.95 reads 2.80 | 3.10 | 2.95; a count written 52, 66 项 reads
  whole (实际为117项, ≥117); figures computed to 4 decimals or more (a share derived as 21.614096 %) keep 4
  significant digits (21.61), as ``suggest`` writes its figures.
* Decimals of forecasts (:func:`row_decimals`): about three significant digits at the magnitude of
  the indicator (target, baseline, latest value), whole numbers for counts (all of them integers,
  10 or more; one decimal below 10), and never fewer than the plan itself wrote (a target of 25.64
  is shown as 25.64, not 25.6) nor than the written figures beside them; at most 4. That one decimal
  below 10 is for a count's forecasts (a median of 9.8 batches, a range 0.0–6.5). A 〈〉 row's forecast is a sum
  of additions, known only to the places they are reported with: it and its range take those places (累计 6.7,
  5.6–8.6 beside 0.8 | 1.9 | 3.2 亿元 -- not 6.68 nor 6.00), more only where the sum would read as its target
  (:func:`mstarget.report.model._cells`).
* A 〔〕 / 〈〉 target is written in that notation with the decimals the plan wrote (:func:`notation_cell`:
  ``≥〈5〉`` beside 累计 4.70, not ``≥5.00``; ``≥〔4.0〕`` when the plan wrote 〔4.0〕). The decimals a plan's
  text cell wrote beyond its figure's (``99.0``; ``baseline_decimals`` / ``target_decimals`` of
  :func:`mstarget.read_plan`) are kept by that figure (:func:`as_written`: ``≥99.0``, baseline ``98.0``);
  the row's other figures keep their own.
* A figure compared with its target (the latest value; the target year's value once observed) gets
  the decimals that show it differs from the target when it does (:func:`compared_decimals`).
* Yearly paces get the indicator's decimals, more for two significant digits but at most one more
  (:func:`pace_decimals`); a pace that reads zero with them is a zero, written ``0`` (:func:`pace_cell`):
  a flat series is 0 (持平), never ``0.0000`` or ``+0.000000``.
* Thousands separators (``6,563,388``); a missing value is an en dash (``–``).
* Shares (time elapsed, progress) as whole percentages (``66%``), probabilities too, except that
  a probability that rounds to 0 % or 100 % is written ``<1%`` / ``>99%``: a forecast never
  promises certainty that 2,000 sample paths cannot support. Sentences say it in words
  (:func:`probability_words`: 不足1% / 超过99%).
* Rounding is half-up on the decimal value (``0.125 -> 0.13``), as people round, not
  banker's rounding.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..precision import written_decimals
from ..schedule import shown_percent
from ..units import counts_things
from ..validation import is_missing

MISSING = "–"  # en dash for a missing value
#: what 尚需年均变化 and 距目标差距 show for a target already met: nothing is still needed, no gap is left
MET_PACE = {"zh": "已达到", "en": "met"}
RANGE_DASH = "–"  # between the bounds of an interval: "3.05–3.60" (never read as a minus sign)
MAX_DECIMALS = 4
#: significant digits of an indicator's largest figure kept when its figures are computed to MAX_DECIMALS or more
#: (a derived 21.614096 % share is written 21.61), as :data:`mstarget.suggest.SIGNIFICANT_DIGITS` writes suggestions
COMPUTED_SIGNIFICANT_DIGITS = 4


@dataclass(frozen=True)
class Cell:
    """One figure of the report.

    Attributes
    ----------
    value : float, int, str or None
        What a spreadsheet stores: the number rounded to what ``text`` shows (shares and
        probabilities as fractions 0-1), or plain text; ``None`` when missing.
    text : str
        What a reader sees in the HTML / Word table and in the narrative.
    number_format : str or None
        Excel number format displaying ``value`` as ``text`` (``None`` for text cells).
    """

    value: object
    text: str
    number_format: str | None = None

    @property
    def missing(self) -> bool:
        return self.value is None


def round_half_up(v: float, decimals: int) -> float:
    """``v`` rounded to ``decimals`` places, halves away from zero (``2.675 -> 2.68``), read at 15
    significant digits first: ``(4.6 - 4.25) / 2`` is the float 0.17499999999999982, which is 0.175
    and rounds to 0.18."""
    try:
        d = Decimal(f"{float(v):.15g}")
        return float(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    except InvalidOperation:  # inf
        return float(v)


def row_decimals(*, reference=(), exact=(), significant: int = 3) -> int:
    """Decimals for every level figure of one indicator.

    Parameters
    ----------
    reference : iterable of float
        Figures whose largest magnitude sets the scale (target, baseline, latest value).
    exact : iterable of float
        Figures to be shown as written (the plan's baseline and target).
    significant : int
        Significant digits at that magnitude.
    """
    present = [float(v) for v in reference if not is_missing(v)]
    mags = [abs(v) for v in present if v != 0]
    by_size = 0
    if mags:
        by_size = significant - 1 - math.floor(math.log10(max(mags)))
        if all(v == round(v) for v in present):  # counts (批次, 项, 张): whole numbers, one decimal below 10
            by_size = min(by_size, 0 if max(mags) >= 10 else 1)
    by_plan = max([written_decimals(v) for v in exact] or [0])
    return int(min(max(by_size, by_plan, 0), MAX_DECIMALS))


def written_row_decimals(figures=(), given=()) -> int:
    """Decimals of an indicator's written figures (its observed values, latest value, observed target-year
    value, gap, yearly columns): the most that any figure written uses -- ``figures`` (history values, the
    plan's baseline and target, :func:`~mstarget.precision.written_decimals` of each) and ``given``
    (decimals a plan's cells wrote beyond their float, ``baseline_decimals`` / ``target_decimals``:
    ``0.20`` -> 2) -- so that one figure has one text in the table and the text, never fewer places than
    a written figure: ``(0.25, 0.2, 0.22, 0.18)`` with ``given`` ``(2, 2)`` -> 2 (0.20, not 0.2 or 0.200);
    ``(2.8, 3.1, 2.95)`` -> 2; ``(52, 66, 117)`` -> 0. At most :data:`MAX_DECIMALS`. Figures of
    :data:`MAX_DECIMALS` decimals or more are computed, not reported to that unit (a share derived as
    21.614096 %): at most :data:`COMPUTED_SIGNIFICANT_DIGITS` significant digits of the largest figure, as
    ``suggest`` writes its figures (``(21.614096, 22.6)`` -> 2: 21.61), never fewer than ``given``."""
    present = [float(v) for v in figures if not is_missing(v) and math.isfinite(float(v))]
    found = max([written_decimals(v) for v in present], default=0)
    sizes = [abs(v) for v in present if v != 0]
    if found >= MAX_DECIMALS and sizes:  # computed figures (a share derived as 21.614096): as suggest writes them
        found = min(found, max(COMPUTED_SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(max(sizes))), 0))
    found = max([found] + [int(d) for d in given if not is_missing(d)])
    return int(min(found, MAX_DECIMALS))


def as_written(decimals: int, written) -> int:
    """Decimals of a figure the plan wrote (its baseline or target): ``decimals`` (the row's), or more
    when the plan's cell wrote more (``written``: ``99.0`` -> 1, ``target_decimals`` / ``baseline_decimals``
    of :func:`mstarget.read_plan`, which the float 99.0 forgets; missing: unknown), at most
    :data:`MAX_DECIMALS`. Only that figure: a count's observed values stay whole (79项, not 79.0项)."""
    if is_missing(written):
        return decimals
    return max(decimals, min(int(written), MAX_DECIMALS))


def level_decimals(decimals: int, *, reference=()) -> int:
    """Decimals of an indicator's reported figures (baseline, latest value, an observed target-year
    value, the target and the gap to it): ``0`` when every figure of ``reference`` is a whole number
    (a count reported 0, 1, 1 项 against a target of 2: ``实际为1项``, ``≥2``, never ``1.0`` / ``≥2.0``),
    else ``decimals`` (:func:`row_decimals`, whose decimal below 10 the count's forecasts keep: a
    median of 9.8 批次 beside a target of 9)."""
    present = [float(v) for v in reference if not is_missing(v)]
    if present and all(math.isfinite(v) and v == round(v) for v in present):
        return 0
    return decimals


def pace_decimals(decimals: int, *paces) -> int:
    """Decimals for yearly paces: those of the level figures (``decimals``), more where a pace needs them
    for two significant digits -- as few as show those digits (0.05 needs two places, not ``0.050``) --
    but at most one beyond the figures' own (a change of 0.00002 a year in a count of 56,000 batches is
    no change) and :data:`MAX_DECIMALS`. A pace is read at 12 significant digits first, so the float
    ``(5.3 - 5.0) / 3 = 0.0999…`` is the 0.1 it is (``+0.10``, not ``+0.100``)."""
    out = decimals
    for v in paces:
        if is_missing(v) or float(v) == 0 or not math.isfinite(float(v)):
            continue
        v = float(f"{abs(float(v)):.12g}")
        need = 2 - 1 - math.floor(math.log10(v))  # places for two significant digits
        shown = round_half_up(v, max(need, 0))
        while need > 0 and round_half_up(shown, need - 1) == shown:  # a trailing zero says nothing
            need -= 1
        out = max(out, need)
    return int(min(max(out, 0), decimals + 1, max(MAX_DECIMALS, decimals)))


def pace_cell(v, decimals: int, *, sign: bool = True) -> Cell:
    """A yearly change with ``decimals`` places (:func:`pace_decimals`), signed (``+0.21``); one that
    rounds to zero there is written ``0`` (持平), not ``0.0000``."""
    if is_missing(v):
        return Cell(None, MISSING)
    if round_half_up(v, decimals) == 0:
        return Cell(0, "0", "0")
    return number_cell(v, decimals, sign=sign)


def whole_count(unit, values) -> bool:
    """The indicator is a count of whole things: its unit counts things one by one
    (:func:`mstarget.units.counts_things`: 项, 家, 批次, alone or per period, ``批次/年``; not a
    ratio such as ``件/万人``) and every figure of ``values`` (baseline,
    target, observed values) is a whole number. Its forecast and 80 % range are then whole numbers
    (:func:`count_band`): 预计2项（80%区间0–7项）, never 2.05项 beside 2023年为1项."""
    if not counts_things(unit):
        return False
    present = [float(v) for v in values if not is_missing(v)]
    return bool(present) and all(math.isfinite(v) and v == round(v) for v in present)


def count_band(lo, hi, *, prefix: str = "") -> tuple[Cell, Cell]:
    """The bounds of a count's 80 % range as whole numbers, widened outward (the lower bound rounded
    down, the upper up: 0.00–6.54 -> 0–7), so the range shown still holds the range computed."""
    low = number_cell(math.floor(float(lo) + 1e-9), 0, prefix=prefix) if not is_missing(lo) else Cell(None, MISSING)
    high = number_cell(math.ceil(float(hi) - 1e-9), 0, prefix=prefix) if not is_missing(hi) else Cell(None, MISSING)
    return low, high


def plan_figure_decimals(v, written, cap: int) -> int:
    """Decimals of a figure the plan wrote (its baseline or target) shown as the plan wrote it: those the
    plan's cell wrote when known (``written``: ``99.0`` -> 1, :func:`mstarget.read_plan`'s
    ``baseline_decimals`` / ``target_decimals``), else the fewest that write the float exactly
    (``12`` -> 0, ``4.4`` -> 1), at most ``cap`` (the row's decimals) -- never ``≥12.0`` for a plan's 12."""
    if not is_missing(written):
        return min(int(written), MAX_DECIMALS)
    return min(written_decimals(v), max(int(cap), 0), MAX_DECIMALS)


def compared_decimals(decimals: int, target, *values) -> int:
    """Decimals with which every figure of ``values`` that differs from ``target`` also looks different
    from it: an interpolated 13.5 said to miss a target of 14 is shown as 13.5, not 14 (at most
    :data:`MAX_DECIMALS`; ``decimals`` unchanged when no figure needs more, or when even those
    cannot tell them apart)."""
    if is_missing(target):
        return decimals
    out = decimals
    for v in values:
        if is_missing(v) or float(v) == float(target):
            continue
        need = decimals
        while need <= MAX_DECIMALS and round_half_up(v, need) == round_half_up(target, need):
            need += 1
        if need <= MAX_DECIMALS:
            out = max(out, need)
    return out


def range_text(low: str, high: str, lang: str = "zh", unit=None) -> str:
    """An interval's bounds as text: ``3.05–3.60``; with a negative low end, whose minus sign the dash
    would blur, ``-27.25至14.91`` (``-27.25 to 14.91``); with ``unit``, the unit after each bound in
    that case (``-27.25%至14.91%``) and after the pair otherwise (``3.05–3.60万户``)."""
    if low.startswith("-"):
        sep = "至" if lang == "zh" else " to "
        return with_unit(low, unit, lang) + sep + with_unit(high, unit, lang)
    return with_unit(f"{low}{RANGE_DASH}{high}", unit, lang)


def number_text(v, decimals: int, *, sign: bool = False) -> str:
    """``v`` with ``decimals`` places and thousands separators (``6,563,388``, ``2.70``)."""
    if is_missing(v):
        return MISSING
    r = round_half_up(v, decimals)
    if r == 0:
        r = 0.0  # no "-0.00"
    text = f"{r:,.{decimals}f}"
    return f"+{text}" if sign and r > 0 else text


def excel_format(decimals: int, *, prefix: str = "", sign: bool = False, suffix: str = "") -> str:
    """Excel number format showing ``decimals`` places with separators and an optional text prefix
    (and suffix: the closing bracket of ``"≥〈"0"〉"``)."""
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    quoted = f'"{prefix}"' if prefix else ""
    after = f'"{suffix}"' if suffix else ""
    if sign:
        return f'{quoted}"+"{body}{after};{quoted}-{body}{after};{quoted}{body}{after}'
    return f"{quoted}{body}{after}"


def number_cell(v, decimals: int, *, prefix: str = "", sign: bool = False, suffix: str = "") -> Cell:
    """A number rounded to ``decimals``; ``prefix`` (e.g. ``"≥"``, ``"累计 "``) precedes the text,
    ``suffix`` follows it."""
    if is_missing(v):
        return Cell(None, MISSING)
    r = round_half_up(v, decimals)
    return Cell(r if decimals else int(r), prefix + number_text(v, decimals, sign=sign) + suffix,
                excel_format(decimals, prefix=prefix, sign=sign, suffix=suffix))


#: the plan's brackets by ``kind`` (DESIGN.md): 〔〕 a cumulative total (a stock), 〈〉 the additions over the period
NOTATION_BRACKETS = {"cumulative": ("〔", "〕"), "increment": ("〈", "〉")}


def notation_cell(v, kind, sign: str = "", decimals=None) -> Cell | None:
    """A 〔〕 / 〈〉 target (``kind`` ``cumulative`` / ``increment``) as the plan writes it, with the
    decimals the plan wrote: ``decimals`` when known (``〔4.0〕``: 1, ``target_decimals`` of
    :func:`mstarget.read_plan`), else :func:`~mstarget.precision.written_decimals` of the figure:
    ``≥〈5〉``, ``≥〔3.12〕``, ``≥〔4.0〕``, ``≤〈40〉``; its Excel value stays the number. ``None`` for another
    kind or a missing figure (the caller writes it as a plain figure)."""
    brackets = NOTATION_BRACKETS.get(kind) if isinstance(kind, str) else None
    if brackets is None or is_missing(v):
        return None
    return number_cell(v, as_written(written_decimals(v), decimals), prefix=sign + brackets[0], suffix=brackets[1])


def written_target(written, figure: str, striven, lang: str = "zh") -> str:
    """A target the plan wrote in words or in two tiers, as a table shows it: a firm target with a
    striven-for one (``striven`` not missing) as written, ``≥98.5（力争99）``, since its figures are
    there (never ``≥98.5（力争99）（≥98.5）``); words with the figure they are read as,
    ``持续提升（≥95.01）`` (``持续提升 (≥95.01)`` in English); ``figure`` alone when nothing was written."""
    if not isinstance(written, str) or not written:
        return figure
    if not is_missing(striven):
        return written
    return f"{written}（{figure}）" if lang == "zh" else f"{written} ({figure})"


def percent_int(share) -> int | None:
    """A share (0-1, may lie outside) as a whole percentage, rounded half-up; ``None`` if missing: the
    percentage the categories are judged on (:func:`mstarget.schedule.shown_percent`)."""
    if is_missing(share):
        return None
    return shown_percent(share)


def share_cell(share) -> Cell:
    """Time or progress share (0-1, progress may be < 0 or > 1) as a whole percentage ``66%``."""
    pct = percent_int(share)
    if pct is None:
        return Cell(None, MISSING)
    return Cell(pct / 100, f"{pct}%", "0%")


def progress_cell(share, met: bool) -> Cell:
    """目标进度 (0-1, may be < 0 or > 1) as :func:`share_cell` shows it, save that it never contradicts the 评价: a
    target not met never reads 100% (4.98 of ≥〈5〉 is 99.6%, floored to one place; 2.0 against 低于2, all the
    distance but the bound itself, 99.9%), and a target met never reads 0% (0.1%). The workbook stores the value
    shown with the format that shows it (0.0%), so Excel does not round it back to 100%."""
    pct = percent_int(share)
    if pct is None:
        return Cell(None, MISSING)
    share = float(share)
    if not met and pct >= 100 and share > 0:
        shown = min(math.floor(round(share * 1000, 6)) / 10, 99.9)
        return Cell(round(shown / 100, 4), f"{shown:.1f}%", "0.0%")
    if met and pct <= 0 < share:
        shown = max(math.ceil(round(share * 1000, 6)) / 10, 0.1)
        return Cell(round(shown / 100, 4), f"{shown:.1f}%", "0.0%")
    return Cell(pct / 100, f"{pct}%", "0%")


PROBABILITY_FORMAT = '[>=0.995]">99%";[<0.005]"<1%";0%'


def probability_cell(p, decided: bool = False) -> Cell:
    """Probability (0-1) as a whole percentage; ``>99%`` / ``<1%`` rather than 100 % / 0 %: a forecast's
    share of paths is never certain. ``decided``: the outcome is already known before the target year
    (零发生 missed by an incident of the period, ``missed_already``), so a 0 is written ``0%``."""
    if is_missing(p):
        return Cell(None, MISSING)
    p = float(p)
    if decided and p == 0.0:
        return Cell(0.0, "0%", "0%")
    if p >= 0.995:
        return Cell(round(p, 4), ">99%", PROBABILITY_FORMAT)
    if p < 0.005:
        return Cell(round(p, 4), "<1%", PROBABILITY_FORMAT)
    pct = percent_int(p)
    return Cell(pct / 100, f"{pct}%", PROBABILITY_FORMAT)


#: a probability's table text as a sentence says it: 实现概率为不足1%, not 为<1%
PROBABILITY_WORDS = {"zh": {"<1%": "不足1%", ">99%": "超过99%", "0%": "为0（已无法实现）"},
                     "en": {"<1%": "less than 1%", ">99%": "more than 99%", "0%": "0 (already missed)"}}


def probability_words(text: str, lang: str = "zh") -> str:
    """A probability cell's text for prose: ``<1%`` / ``>99%`` in words (``不足1%`` / ``超过99%``),
    any other figure as it is."""
    return PROBABILITY_WORDS.get(lang, PROBABILITY_WORDS["en"]).get(text, text)


def text_cell(v) -> Cell:
    """Plain text (``None`` / NaN -> missing)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return Cell(None, MISSING)
    return Cell(str(v), str(v))


def place_name(name: str, region, lang: str) -> str:
    """A target's name with its region, for reports that cover several regions: ``端州区 市场主体``
    in Chinese, ``market entities (Duanzhou)`` in English; ``name`` alone without a region."""
    if region is None or (isinstance(region, float) and math.isnan(region)) or not str(region).strip():
        return name
    return f"{region} {name}" if lang == "zh" else f"{name} ({region})"


def year_cell(v) -> Cell:
    """A year as an integer without separators (``2023``)."""
    if is_missing(v):
        return Cell(None, MISSING)
    return Cell(int(v), str(int(v)), "0")


def contains_cjk(text) -> bool:
    """True if ``text`` holds a CJK ideograph (a Chinese name)."""
    return isinstance(text, str) and any("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"
                                         for c in text)


def with_unit(text: str, unit, lang: str = "zh") -> str:
    """A figure followed by its unit: ``2.70万户``, ``98.6%``, ``86.0 index``; a missing figure alone."""
    if text == MISSING or not unit or (isinstance(unit, float) and math.isnan(unit)):
        return text
    unit = str(unit)
    if unit == "%" or contains_cjk(unit) or unit.startswith(("/", "‰")):
        return text + unit
    return f"{text} {unit}"


def pace_unit(unit, lang: str = "zh") -> str:
    """Unit of a yearly change: percentage points for a ``%`` indicator, else the unit itself."""
    if unit == "%":
        return "个百分点" if lang == "zh" else " percentage points"
    return "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit)


def with_pace_unit(text: str, unit, lang: str = "zh") -> str:
    """A yearly change with its unit: ``0.5个百分点``, ``0.21万户``."""
    if unit == "%":
        return text + pace_unit(unit, lang)
    return with_unit(text, unit, lang)


def display_width(text: str) -> int:
    """Columns taken by ``text`` in a monospaced layout: CJK (wide / full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


NUMBER_PATTERN = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def numbers_in(text: str) -> list[str]:
    """The figures written in ``text`` (``"2.70万户（80%区间3.05–3.60）"`` -> ``['2.70', '80', '3.05',
    '3.60']``), as written; used to check a narrative against its table."""
    return NUMBER_PATTERN.findall(text)


def years_of(text) -> list[int]:
    """The years of an ``unreported_years`` / ``preliminary_years`` cell (``"2022, 2024"``): ``[2022, 2024]``."""
    if isinstance(text, (int, float)) and not is_missing(text):
        return [int(text)]
    if not isinstance(text, str):
        return []
    return [int(y) for y in re.findall(r"(?<!\d)\d{4}(?!\d)", text)]


#: how a report names a preliminary figure by the mark it was written with (:func:`preliminary_word`)
PRELIMINARY_WORDS_ZH = {"快报": "快报", "预计": "预计", "预估": "预计", "估计": "预计", "初步": "初步",
                        "初步核算": "初步核算", "暂定": "初步", "待核": "待核"}


def flagged(v) -> bool:
    """A boolean cell of the assessment (``last_preliminary``, ``baseline_preliminary``): missing is False."""
    return False if is_missing(v) else bool(v)


def preliminary_word(mark) -> str:
    """The word a Chinese report uses for a figure marked ``mark`` (快报, 预计, 初步 ...): 快报 -> 快报
    (快报数), 估计 -> 预计 (预计数); 初步 for a mark not known."""
    return PRELIMINARY_WORDS_ZH.get(mark.strip(), "初步") if isinstance(mark, str) else "初步"


_DATE_ZH = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def report_datetime(date) -> _dt.datetime:
    """The report's date (``Report.date``: 2026年12月6日, 2026-12-06) as the document's created / modified
    time (midnight UTC of that day); today's when it is no date."""
    if isinstance(date, _dt.datetime):
        return date.replace(tzinfo=None)
    if isinstance(date, _dt.date):
        return _dt.datetime(date.year, date.month, date.day)
    text = str(date or "").strip()
    m = _DATE_ZH.fullmatch(text)
    try:
        day = _dt.date(*map(int, m.groups())) if m else _dt.date.fromisoformat(text)
    except ValueError:
        day = _dt.date.today()
    return _dt.datetime(day.year, day.month, day.day)


#: months in English, for a part-year label (2026年1-10月 -> Jan-Oct 2026)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
#: a part-year label as the history or plan reader writes it (:func:`mstarget.history.part_year_cell`)
_PART_LABEL = re.compile(r"^((?:19|20)\d{2})年(.+)$")


def part_year_label(label: str, lang: str = "zh") -> str:
    """A part-year label (``2026年1-10月``) as the report's language says it: in English ``Jan-Oct 2026``,
    ``H1 2026`` (上半年), ``H2 2026`` (下半年), ``Q1-Q3 2026`` (前三季度), ``Q1 2026`` (一季度), ``part of 2026``
    (部分月份); a label it cannot read stays as written, as does every label in Chinese."""
    label = str(label)
    m = _PART_LABEL.match(label.strip())
    if lang == "zh" or m is None:
        return label
    year, part = m.group(1), re.sub(r"\s+", "", m.group(2))
    months = re.fullmatch(r"(\d{1,2})-(\d{1,2})月份?", part)
    if months and 1 <= int(months.group(1)) <= int(months.group(2)) <= 12:
        a, b = (_MONTHS[int(g) - 1] for g in months.groups())
        return f"{a}-{b} {year}" if a != b else f"{a} {year}"
    if part in ("上半年", "下半年"):
        return f"{'H1' if part == '上半年' else 'H2'} {year}"
    quarters = re.fullmatch(r"(前)?(?:第)?([一二三四1-4])季度", part)
    if quarters:
        q = _QUARTER[quarters.group(2)]
        return f"Q1-Q{q} {year}" if quarters.group(1) and q > 1 else f"Q{q} {year}"
    if part == "部分月份":
        return f"part of {year}"
    return label


#: the most characters a document property (title, subject) holds: python-docx refuses more (ValueError), Word
#: and Excel show no more
PROPERTY_CHARS = 255


def property_text(text: str, most: int = PROPERTY_CHARS) -> str:
    """``text`` as a document property holds it: cut to ``most`` characters, the cut marked (…)."""
    text = str(text)
    return text if len(text) <= most else text[:most - 1] + "…"
