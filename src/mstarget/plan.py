"""Plan tables: read the main-indicator table of a five-year plan, in its own notation.

Cell notation (see DESIGN.md)::

    〔3.12〕   cumulative total at year end (a stock)          kind = "cumulative"
    〈5〉      new additions during the plan period            kind = "increment"
    6, 90     a yearly level or rate                          kind = "level"
    ≥9 ≤3     at least / at most (also >= <= 不低于 不超过 ...)  direction ">=" / "<="
    突破3     above 3 (strict, as 超过 / 高于: 3 itself does not meet it); 力争突破3 the same
    98%以上   at least (以上; 以下 / 以内: at most; <0.15: at most; 以上（含）: the same)
    实现全覆盖 a share of 100 %, at least (refused in a row not in %); 零发生 / 0起: at most 0
    保持在98%以上, 降至5%以下   verbs before the number change nothing; so do 力争 / 争取 / 确保
    ≥6（力争7）  a firm target and a striven-for one (确保95%、力争98%): the firm one is the target, the
              other kept in target_striven (assess gives its probability, p_striven)
    5-8, 5%-8%  a range (5～8, 5—8%, 5至8, 〔1.5-2.0〕): two tiers, read as ≥6（力争7） is -- the end easier
              to reach on the target's side is the target, the other target_striven: both ends above the
              baseline, ≥ (5-8: ≥5, striving for 8), both below, ≤ (≤8, striving for 5); a ≥ / ≤ sign or a
              指标方向 column says the side when given; ends on both sides of the baseline: refused
    15万户    a unit after the number: must agree with the row's unit
    — / …    no figure: blank
    持续提升  words giving a direction only: the baseline, ≥ (逐年下降: ≤); kept in target_written
    下降10%   a change from the baseline: ≤ 0.9 x baseline (年均增长8%, 提高2个百分点, 翻一番, 增加百分之二十,
              增加一倍 ...; :func:`target_as_change`); kept in target_written
    累计新增5 the notation in words: 〈5〉 (新增5, 增加5, 5（五年累计）); 累计达到5, 5（累计）: 〔5〕; but 增加10 in
              a row of rates (%) is 10 percentage points above the baseline (:func:`rate_addition`), or refused
    〔10〕    in a table whose notes say 〔〕内为五年累计数 (the national outline's convention): 〈10〉

Where no direction is written it follows from the baseline: a target above the baseline
means ``>=``, below means ``<=``; with no baseline (or an equal one) and no ``direction``
column it is an error, not a guess -- except for an increment (〈5〉: additions over the period),
which is at least its figure, and a 0 after 0 in a row of incidents (起), none at all as 0起 is.
约束性 / 预期性 become ``binding`` / ``expected``: from a 属性 column, any column of those words (类别, 类型
...), √ under a 约束性 | 预期性 pair or 是 / 否 under 是否约束性 (:func:`_attribute_source`).

Bureau layouts (title rows, notes rows, merged category cells, ``2020年基数`` / ``2025年目标``
headers, units inside names) are found by :mod:`mstarget.layout`; each field is then parsed by
its own function below, once per distinct cell, so reading is linear in the number of rows.
"""
from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .arguments import check_table, register_schema
from .exceptions import DataValidationError, MstargetWarning, Problem
from . import consistency, layout
from .history import MEASURE_WORDS, NOTE_HEADERS, note_measure, warn_preliminary, warns_at_caller
from .io import source_name
from .precision import written_decimals
from .units import (counts_events, tidy_breaks, is_percent, percent_kind, split_number_unit, split_unit,
                    unit_column)
from .validation import (ATTRIBUTE_WORDS, CN_NUMERALS, NAME_NUMBERING, NO_FIGURE, Problems, apply_region, blank_cell,
                         excel_error_hint, figure_size_problem, footnote_hint, has_note_mark, map_flags, map_unique,
                         normalize_text, normalize_words, noted_footnote, parse_number,
                         parse_year, preliminary_figure, preliminary_footnotes, preliminary_word_in,
                         refuse_blank_regions, require_columns, separator_hint, size_hint, text_column, written_once,
                         written_text, year_hint, REGION_HEADERS)

KINDS = ("level", "cumulative", "increment")
DIRECTIONS = (">=", "<=")
ATTRIBUTES = ("binding", "expected")

REQUIRED = ("region", "indicator", "target_year", "target")
COLUMNS = ["region", "indicator", "name", "unit", "baseline_year", "baseline", "target_year",
           "target", "direction", "kind", "attribute", "lower", "upper"]

#: header aliases (looked up by :func:`mstarget.layout.header_key`); the same words mean the same
#: fields in :data:`mstarget.history.ALIASES`
ALIASES = {
    **dict.fromkeys(REGION_HEADERS, "region"),  # 地区, 地市, 县（市、区） ...: shared with the history's
    "指标": "indicator", "指标代码": "indicator", "indicator_id": "indicator", "指标编码": "indicator",
    "指标名称": "name", "名称": "name", "主要指标": "name", "指标名": "name",
    "单位": "unit", "计量单位": "unit",
    "基期年": "baseline_year", "基期年份": "baseline_year", "基年": "baseline_year",
    "基准年": "baseline_year",
    "基期值": "baseline", "基期": "baseline", "基数": "baseline", "基期数": "baseline",
    "基准值": "baseline", "现状值": "baseline",
    "目标年": "target_year", "目标年份": "target_year", "规划年": "target_year",
    "规划值": "target", "目标值": "target", "目标": "target", "规划目标": "target",
    "预期目标": "target", "规划目标值": "target", "预期目标值": "target", "目标任务": "target",
    "基本目标": "target", "基本目标值": "target", "确保目标": "target", "确保目标值": "target",
    **{role: "target_striven" for role in layout.STRIVEN_ROLES},
    "方向": "direction", "指标方向": "direction", "指标属性方向": "direction", "评价方向": "direction",
    "指标导向": "direction", "方向性": "direction", "正逆向": "direction", "指标正逆向": "direction",
    "类型": "kind", "属性": "attribute", "指标属性": "attribute",
    "指标性质": "attribute", "性质": "attribute",
    "下限": "lower", "上限": "upper",
    "口径": "measure", "统计口径": "measure", "数据口径": "measure", "计数方式": "measure",
    "类别": "group", "领域": "group", "分类": "group", "指标类别": "group", "板块": "group",
}

_CUMULATIVE = ("〔", "〕"), ("[", "]"), ("【", "】"), ("［", "］")
_INCREMENT = ("〈", "〉"), ("⟨", "⟩"), ("《", "》"), ("<", ">")
_GE_PREFIX = (">=", "≥", "⩾", "≧", "不低于", "不少于", "不小于", "至少", "大于等于", "大于", "高于", "超过",
              "多于", "突破")
_LE_PREFIX = ("<=", "≤", "⩽", "≦", "不高于", "不超过", "不大于", "至多", "小于等于", "控制在", "小于", "低于",
              "少于")
#: verbs before the number that change neither the value nor the direction (保持在98%以上 is ≥98)
_VERBS = ("保持在", "保持", "稳定在", "稳定", "维持在", "维持", "达到", "达", "提高到", "提高至", "提升到",
          "提升至", "增加到", "增加至", "增长到", "增长至", "降低到", "降低至", "下降到", "下降至", "降到",
          "降至", "减少到", "减少至")
#: a strict sign before a number without its closing bracket: ``<0.15`` is a cap (``<x>`` is 〈x〉) that the
#: figure itself does not meet
_STRICT = {"<": "<=", ">": ">="}
#: words of a strict bound (民法典 第1259条: 以上 / 以下 / 以内 include the figure, 低于 / 高于 / 超过 do not):
#: ``低于0.15`` is read as ``<=`` 0.15 with ``strict``, so an observed 0.15 does not meet it
_STRICT_WORDS = ("大于", "高于", "超过", "多于", "小于", "低于", "少于", "突破")
#: words of a figure to strive for (力争达到97%, 6%以上，力争7%)
_STRIVE = ("力争", "争取", "努力", "力求")
#: commitment words before a target (力争达到97%, 确保95%): the figure is the target as written
_COMMITMENT = _STRIVE + ("确保", "务必")

_GE_SUFFIX = ("以上",)
#: a plain decimal number (most cells of a large plan): read at once, no notation to look for
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_LE_SUFFIX = ("以下", "以内")

_ATTRIBUTE_WORDS = ATTRIBUTE_WORDS
#: the attribute written after the name, where a table has no attribute column: 千人食品检验量（约束性）
_ATTRIBUTE_IN_NAME = re.compile(r"\s*[（(]\s*(约束性|预期性|约束型|预期型)(?:指标)?\s*[）)]\s*$")
_KIND_WORDS = {"level": "level", "cumulative": "cumulative", "increment": "increment",
               "累计": "cumulative", "累计数": "cumulative", "新增": "increment", "累计新增": "increment"}

CELL_HELP = ("a number, optionally in plan notation: 〔x〕 (cumulative), 〈x〉 (increment), "
             "≥x or ≤x (direction), e.g. '〔3.12〕', '〈5〉', '≥99', '6'")

#: a 完成值 cell in words (已建成) on a row whose target is a figure
WORDS_HELP = ("the year's figure (a number): the row's target is a figure, a quantitative target, so its 完成值 "
              "needs one, not words; write the figure, or, for a target in words (建成), write the target's words in "
              "the target cell or 定性 in the row's 属性 cell to keep the row as 定性指标，另行评价（定量指标的完成值须填写"
              "数字；定性指标请在目标栏写文字目标或在属性栏注明“定性”）")


def _words_only(text) -> bool:
    """A cell of words without any figure (已建成, 基本建成)."""
    s = normalize_words(text).replace(" ", "") if isinstance(text, str) else ""
    return bool(s) and not any(ch.isdigit() for ch in s) and not any(c in CN_NUMERALS for c in s) and \
        bool(re.search(r"[\u3400-\u9fff]", s))


@dataclass(frozen=True)
class Cell:
    """A parsed plan cell: ``value`` with the ``kind`` / ``direction`` its notation states (or None)
    and the ``unit`` written after the number (``15万户``; None when there is none); ``percent``:
    the number was written with ``%`` (``≥99%``), which a row in another unit refuses; ``decimals``:
    how many decimals the text wrote (``99.0``: 1), which the report keeps."""

    value: float | None
    kind: str | None = None
    direction: str | None = None
    unit: str | None = None
    percent: bool = field(default=False, compare=False, repr=False)
    #: digits the text wrote after the decimal point (``"99.0"``: 1, ``"〔4〕"``: 0); None for a number
    #: given as a number (a float cell has no written form) or a figure in words (实现全覆盖)
    decimals: int | None = field(default=None, compare=False, repr=False)
    #: the bound excludes its figure (``低于0.15``, ``<0.15``, ``高于99``, ``超过98``): a value exactly on it does
    #: not meet it; 以上 / 以下 / 不低于 / ≥ / ≤ include it (False)
    strict: bool = field(default=False, compare=False, repr=False)


#: a share's target in words: every unit covered (100 %, at least)
_FULL_COVERAGE = frozenset({"全覆盖", "实现全覆盖", "100%全覆盖", "全部覆盖", "覆盖率100%", "达到全覆盖"})
#: an event's target in words: none at all (at most 0)
_NONE_AT_ALL = frozenset({"零发生", "实现零发生", "零事故", "不发生", "杜绝发生", "0发生", "0起", "零"})
#: "the figure included" after 以上 / 以下 (98%以上（含）): says nothing 以上 does not
_INCLUSIVE = re.compile(r"\((含|含本数|包含|含本值)\)$")


#: a figure in the plan's brackets with its unit after them: ``〈5〉亿元``, ``〔3.12〕万户``
_UNIT_AFTER_BRACKETS = re.compile(r"^(?P<figure>[〔〈][^〔〈〕〉]+[〕〉])(?P<unit>[^\d〔〈〕〉≥≤<>]+)$")


def _strip_brackets(s: str) -> tuple[str, str]:
    """``(kind, rest)``: a figure in 〔〕 is ``cumulative``, in 〈〉 ``increment`` (the brackets
    removed), else ``level``."""
    for kinds, name in ((_CUMULATIVE, "cumulative"), (_INCREMENT, "increment")):
        for open_, close in kinds:
            if s.startswith(open_) and s.endswith(close) and len(s) > 2:
                return name, s[1:-1]
    return "level", s


def _strip_direction(s: str) -> tuple[str | None, str]:
    """Split a leading ``≥`` / ``≤`` (or its words) off ``s``: ``("≥99")`` -> ``(">=", "99")``."""
    direction, rest, _ = _strip_bound(s)
    return direction, rest


def _strip_bound(s: str) -> tuple[str | None, str, bool]:
    """:func:`_strip_direction` with whether the bound is strict: ``("低于0.15")`` -> ``("<=", "0.15", True)``,
    ``("不低于99")`` -> ``(">=", "99", False)``."""
    for prefixes, direction in ((_GE_PREFIX, ">="), (_LE_PREFIX, "<=")):
        for pre in prefixes:
            if s.startswith(pre):
                return direction, s[len(pre):], pre in _STRICT_WORDS
    return None, s, False


def _strip_commitment(s: str) -> str:
    """``力争达到97%`` -> ``达到97%``: how firmly a plan means its target changes not the figure."""
    for word in _COMMITMENT:
        if s.startswith(word) and len(s) > len(word):
            return s[len(word):]
    return s


def _strip_verb(s: str) -> str:
    for verb in _VERBS:
        if s.startswith(verb) and len(s) > len(verb):
            return s[len(verb):]
    return s


def parse_cell(text) -> Cell:
    """Parse one baseline / target cell in plan notation.

    >>> parse_cell("〔3.12〕")
    Cell(value=3.12, kind='cumulative', direction=None, unit=None)
    >>> parse_cell("≥ 99%")
    Cell(value=99.0, kind='level', direction='>=', unit=None)
    >>> parse_cell("保持在98%以上")
    Cell(value=98.0, kind='level', direction='>=', unit=None)
    >>> parse_cell("≥15万户")
    Cell(value=15.0, kind='level', direction='>=', unit='万户')
    >>> parse_cell("累计新增5亿元")
    Cell(value=5.0, kind='increment', direction=None, unit='亿元')

    Verbs before the number (保持在, 达到, 降至 ...) and commitment words (力争, 争取, 确保 ...:
    ``力争达到97%`` is 97) are read past; ``—`` / ``/`` / ``…`` (no figure) read as blank.
    Blank gives ``Cell(None)``. Raises ``ValueError`` for anything else that is not a number.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        num = _sensible(parse_number(text), text)
        return Cell(num, "level" if num is not None else None)
    if isinstance(text, str) and _PLAIN_NUMBER.fullmatch(text) and math.isfinite(float(text)):
        return Cell(_sensible(float(text), text), "level", decimals=_text_decimals(text))
    if has_note_mark(text):  # NFKC would read ≥99① as ≥991
        raise ValueError(text)
    s = normalize_words(text).replace(" ", "")
    # NFKC leaves 〔〕〈〉 alone but maps （）［］ to ASCII-like forms; normalise unicode minus
    s = s.replace("−", "-").replace("－", "-")
    if s == "" or s in NO_FIGURE:  # (a script's NaN is refused below: "a number, not a placeholder")
        return Cell(None)
    s = _strip_commitment(s)
    if s in _FULL_COVERAGE:  # 实现全覆盖: a share of 100 %, refused in a row counted otherwise
        return Cell(100.0, "level", ">=", percent=True)
    if s in _NONE_AT_ALL:  # 零发生: no such event at all
        return Cell(0.0, "level", "<=")
    s = _INCLUSIVE.sub("", s)  # 98%以上（含）: 以上 includes the figure anyway
    worded, s = _strip_kind_words(s)
    s = _strip_verb(s)
    direction, s, strict = _strip_bound(s)
    if direction is None and s[:1] in _STRICT and ">" not in s[1:] and "<" not in s[1:]:
        direction, s, strict = _STRICT[s[0]], s[1:], True
    for suf, d in [(x, ">=") for x in _GE_SUFFIX] + [(x, "<=") for x in _LE_SUFFIX]:
        if s.endswith(suf):
            if direction is not None and direction != d:
                raise ValueError(text)
            direction, s = d, s[: -len(suf)]
    after = _UNIT_AFTER_BRACKETS.match(s)  # 〈5〉亿元: the unit after the plan's brackets, read as 5亿元 is
    if after and split_number_unit("1" + after.group("unit")):
        s = after.group("figure")
    kind, s = _strip_brackets(s)
    if worded and kind not in ("level", worded):  # 累计新增〔5〕: the words and the brackets disagree
        raise ValueError(text)
    kind = worded or kind
    if kind != "level" and direction is None:  # 〔≥3〕: direction inside the brackets
        direction, s, strict = _strip_bound(s)
    if s.startswith("+"):
        s = s[1:]
    unit = None
    with_unit = split_number_unit(s)
    if with_unit:
        s, unit = with_unit
    elif after and split_number_unit("1" + after.group("unit")):
        unit = after.group("unit")
    value = _sensible(parse_number(s), text)  # raises ValueError on garbage
    if value is None:
        raise ValueError(text)
    return Cell(value, kind, direction, unit, percent=s.endswith("%"), decimals=_text_decimals(s),
                strict=strict and direction is not None)


def _sensible(value: float | None, text) -> float | None:
    """``value`` when it is of a sensible size for a plan's figure (:func:`mstarget.validation.figure_size_problem`:
    finite, below 10^16, 0 or at least 10^-9 from it); raises ``ValueError`` (the cell ``text``) otherwise:
    ``1e308`` or ``≥1e-300`` would be read as a target no forecast can reach or miss, an infinite float fails later."""
    if value is not None and figure_size_problem(value):
        raise ValueError(text)
    return value


def _text_decimals(s: str) -> int:
    """Digits written after the decimal point of a figure's text: ``"99.0%"`` -> 1, ``"1,200"`` -> 0."""
    m = re.search(r"\.([0-9]+)", s)
    return len(m.group(1)) if m else 0


#: the plan notation in words (the Dinghu note: 〔〕内为累计数，〈〉内为“十四五”期间累计新增数), longest first:
#: additions over the plan period are 〈x〉, a total reached is 〔x〕
_INCREMENT_WORDS = ("十四五期间累计新增", "规划期内累计新增", "规划期间累计新增", "期间累计新增", "五年累计新增",
                    "五年新增", "累计新增", "新增", "五年累计", "期间累计")
_CUMULATIVE_WORDS = ("累计数", "累计")


#: 增加1.2万户 / 累计增加5: additions over the period, as 新增 (not 增加到 / 增加至, a level; nor 增加10% / 2个百分点 /
#: 1倍, a change from the baseline: :func:`target_as_change`)
_ADDITION = re.compile(r"^(?:累计|期间|五年)?增加(?![到至])(?!.*(?:%|百分点|倍)(?:以上|以内|以下)?$)")


def _strip_kind_words(s: str) -> tuple[str | None, str]:
    """``("increment" | "cumulative" | None, rest)``: 累计新增5 / 新增5 / 增加5 / 5（五年累计） are 〈5〉,
    累计达到5 / 5（累计） are 〔5〕."""
    t = s.replace("“", "").replace("”", "").replace('"', "")
    added = _ADDITION.match(t)
    if added and len(t) > added.end():
        return "increment", t[added.end():]
    for words, kind in ((_INCREMENT_WORDS, "increment"), (_CUMULATIVE_WORDS, "cumulative")):
        for w in words:
            if t.startswith(w) and len(t) > len(w):
                return kind, t[len(w):]
            for suffix in (f"({w})", f"（{w}）"):
                if t.endswith(suffix) and len(t) > len(suffix):
                    return kind, t[: -len(suffix)]
    return None, s


SCHEMA = layout.Schema("plan", ALIASES, tuple(COLUMNS) + ("group", "target_striven", "measure"),
                       lambda key: "name" if layout.names_indicators(key) else None)
register_schema(SCHEMA, layout.header_key, REQUIRED)  # a column held in a frame's index is named by it
_DIRECTION_WORDS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "ge": ">=", "le": "<=",
                    "up": ">=", "down": "<=", "increase": ">=", "decrease": "<="}
#: a 指标方向 column as evaluation offices keep it: 正向 (the higher the better: the target a floor,
#: ``>=``) / 逆向 (the lower the better: a cap, ``<=``)
_POLARITY_WORDS = {"正向": ">=", "正向指标": ">=", "正指标": ">=", "正向型": ">=", "越大越好": ">=",
                   "越高越好": ">=", "越多越好": ">=", "逆向": "<=", "逆向指标": "<=", "逆指标": "<=",
                   "逆向型": "<=", "负向": "<=", "负向指标": "<=", "越小越好": "<=", "越低越好": "<=",
                   "越少越好": "<="}
_DIRECTION_WORDS.update(_POLARITY_WORDS)
DIRECTION_HELP = "'>=' or '<=' (正向 for ≥, 逆向 for ≤)"
PERCENT_HELP = ("a percentage between 0 and 100 (unit is %, read as a share); a rate of change or a "
                "margin in % may be negative or above 100: say so in the name (增长, 增速, 利润率 ...) "
                "or the unit (%/年, 百分点), or give 'lower' / 'upper' columns")


@warns_at_caller
def read_plan(data, *, source: str | None = None, region: str | None = None) -> pd.DataFrame:
    """Read and validate a plan's main-indicator table.

    Parameters
    ----------
    data : path (CSV in UTF-8 / UTF-8 with BOM / GBK, XLSX, XLS, or the plan's Word document
        DOCX or web page HTML, whose indicators table is found among its tables) or DataFrame
        One row per target. Needs ``region, indicator, target_year, target``; usually also
        ``name, unit, baseline_year, baseline, attribute``; optional ``direction, kind, lower,
        upper``. ``baseline`` / ``target`` may be written in plan notation (module docstring).
        Common Chinese headers (指标名称, 单位, 基期值, 规划值, 属性 ...) are understood, and so are
        bureau layouts (:mod:`mstarget.layout`): title and notes rows, merged category cells,
        ``2020年基数`` / ``2025年目标`` headers (or ``基期值 | 规划值`` over ``2020年 | 2025年``),
        units inside names (``覆盖率（%）``). Targets of several years in columns (``2023年目标 |
        2024年目标 | 2025年目标``) give one row per indicator and target year; a workbook with
        targets on several sheets is read whole (a target two sheets give differently is refused).
        Without an ``indicator`` column the name is the id.
    source : str, optional
        Name used in error messages (defaults to the file name).
    region : str, optional
        Region of a plan without a region column (a district's own plan), and of rows whose
        region cell is blank.

    Returns
    -------
    DataFrame
        Columns ``region, indicator, name, unit, baseline_year (Int64), baseline (float),
        target_year (int), target (float), direction, kind, attribute, lower, upper`` then any
        other columns of the input (``group`` for category cells; ``observed_2022`` (float) for a
        ``2022年完成值`` column, the value observed that year, and ``preliminary_2022`` beside it when some of
        its figures are marked preliminary, ``99.3（快报）`` or a header ``2022年完成值（快报）``: the mark, ``""``
        elsewhere; ``baseline_preliminary`` (bool) and ``baseline_preliminary_mark`` when a baseline is, ``3.05（预计）``
        or a header ``2025年基数（预计）``, warned). ``lower`` / ``upper`` are the
        natural bounds: a ``%`` share gets 0 / 100, a rate of change or margin in ``%`` none
        unless declared (:mod:`mstarget.units`). ``attrs["title"]`` / ``attrs["notes"]`` hold the
        table's title and notes rows. A target written only as a direction (``持续提升``,
        ``逐年下降``) is the row's baseline with that direction; the words are kept in a
        ``target_written`` column (present only then; ``""`` on the other rows), as are those of a
        target with a striven-for figure (``6%以上，力争7%``: target 6, ``target_striven`` 7, a
        column present only then; NaN on the other rows; also from two columns, ``2025年基本目标 |
        2025年奋斗目标`` or ``预期目标 | 力争目标`` under ``2025年目标值``). A range (``5-8%``, ``5～8``,
        ``5%-8%``, ``〔1.5-2.0〕``) is such a two-tier target: on the target's side of the baseline (or the
        side a ``≥`` / ``≤`` sign or a ``direction`` / 指标方向 column gives), the end easier to reach is
        ``target`` and the other ``target_striven`` (above the baseline, ``>=``: 5-8 is target 5, striven
        8; below, ``<=``: target 8, striven 5); the cell as written is kept in ``target_written``; a range
        whose ends lie on both sides of the baseline (and no direction given) is refused. The decimals a
        cell wrote beyond its figure's (``99.0``, ``〔4.0〕``) are kept in ``baseline_decimals`` /
        ``target_decimals`` (Int64, <NA> where a cell was not text; present only then) so that a report
        writes the figures as the plan did. ``measure`` (present when a row
        says it): ``flow`` / ``running_total`` / ``""``, how the row's yearly figures (``2022年完成值``)
        count, from a 口径 column, a 备注 (当年新增, 累计数) or a note after the name (``…（当年新增）``), in
        the words of :data:`mstarget.history.MEASURE_WORDS`. A 指标方向 column's 正向 / 逆向 give ``>=`` /
        ``<=``; the 鼎湖 table's 主要指标 over category and name, and 一级 / 二级 / 三级指标 columns, give
        ``group`` and ``name`` (:mod:`mstarget.layout`). A “十五五” table's earlier years (``2020年`` beside
        ``2025年``) are ``observed_2020`` columns, said in a warning, the baseline being the period's base
        year. Where the notes say 〔〕内为五年累计数, 〔x〕 is read as 〈x〉 (warned). ``strict`` (bool, present when
        some target is): the cell's bound excludes its figure (低于0.15, ＜0.15, 高于99, 超过98; ``direction`` stays
        ``<=`` / ``>=``), so an observed value on it is not met; a cell in words stating its figure (保持在98%以上,
        不发生) is kept in ``target_written``. ``qualitative`` (bool, present when some row is): a target in words
        with no figure (建成, 全面推行), or a blank / ``—`` one in a row whose name or attribute says 定性: kept with
        ``target`` and ``direction`` NaN, warned, evaluated apart by ``assess``.

    Raises
    ------
    DataValidationError
        Naming file, spreadsheet row, column (as written), the cell's text and what was
        expected, for every bad cell at once; also a row repeating another's region, indicator
        and target year with a different target (≥12 and ≥15), a negative count, two columns
        under one header with different cells (:mod:`mstarget.consistency`).

    Warns
    -----
    InconsistentDataWarning
        A row repeated exactly (kept once); a 〈〉 baseline that is not zero (not used).
    """
    check_table(data, "data", "read_plan")
    carried = consistency.sheet_of(data) if isinstance(data, pd.DataFrame) else None
    src = source or (carried.source if carried else source_name(data))
    tables = layout.load_sheets(data, SCHEMA, source=src)
    if isinstance(data, pd.DataFrame) and carried is None:  # a frame the user built: its rows by index label
        layout.name_frame_rows(data, tables)
    if len(tables) > 1:  # a workbook keeping its targets on several sheets
        return _read_sheets(tables, src, region)
    return _read_table(tables[0], src, region, carried, laid_out=not isinstance(data, pd.DataFrame))


def _target_under_baseline(raw: pd.DataFrame, table, src: str) -> Problem | None:
    """A plan without a target column whose later year sits under a baseline heading (``基期值`` merged over
    ``2020年 | 2025年``, read as ``2020年基期值`` and ``2025年基期值``: the 2025 figures then read as an observation
    of 2025, no target): the refusal naming that column as written and the header's row, and saying how to head
    the target column. None when no later year is headed as a baseline."""
    for col in raw.columns:
        if not str(col).startswith(layout.OBSERVED_PREFIX):
            continue
        head = str(table.headers.get(col, col))
        role = layout.year_role(head)
        if role is None or role[1] != "baseline":
            continue
        year = role[0]
        heading = re.sub(r"(?<!\d)(19|20)\d{2}\s*年?", "", head).strip("()（）:：-_ ") or head
        base = layout.year_role(table.headers.get("baseline", ""))
        beside = f", as {base[0]}年 does" if base else ""
        return Problem(src, table.header_row, head, None,
                       f"the {year}年 column sits under the baseline heading '{heading}'{beside}, so the table "
                       f"has no target column and its {year} figures would be read as observed values: head the "
                       f"target column 规划值, 目标 or {year}年目标 (with a two-row header, '{heading}' over the "
                       f"base year only and '规划值' over {year}年)（{year}年一列位于“{heading}”表头下，"
                       f"未读作目标；目标列的表头请写作“规划值”“目标”或“{year}年目标”）")
    return None


def _read_sheets(tables: list, src: str, region: str | None) -> pd.DataFrame:
    """Each sheet of targets read as its own plan (messages name the sheet), then one plan: a
    target two sheets give alike is kept once, differently refused naming both cells."""
    parts, cells = consistency.read_each(tables, lambda t: _read_table(t, t.source, region, None), src)
    problems = []
    out = pd.concat(parts, ignore_index=True)
    if "target_written" in out.columns:
        out["target_written"] = out["target_written"].fillna("")
    for c in ("strict", "qualitative", PENDING_COLUMN):
        if c in out.columns:
            out[c] = out[c].fillna(False).astype(bool)
    for c in out.columns:  # a sheet without preliminary figures: none marked
        if c == BASELINE_PRELIMINARY_COLUMNS[0]:
            out[c] = out[c].fillna(False).astype(bool)
        elif c == BASELINE_PRELIMINARY_COLUMNS[1] or str(c).startswith(PRELIMINARY_PREFIX):
            out[c] = out[c].fillna("").astype(object)
    where = [(c, int(r)) for c in cells for r in c.rows]
    keep, seen = np.ones(len(out), dtype=bool), {}
    for pos, key in enumerate(zip(out["region"], out["indicator"], out["target_year"])):
        if key not in seen:
            seen[key] = pos
            continue
        p0 = seen[key]
        differ = [f for f in consistency.PLAN_FIELDS if not consistency.same_cell(out[f].iat[pos], out[f].iat[p0])]
        if not differ:
            keep[pos] = False  # the same target on two sheets (主要指标 and 年度目标分解)
            continue
        (c0, r0), (c1, r1) = where[p0], where[pos]
        field = "target" if differ[0] in ("direction", "kind") else differ[0]

        def shown(p):
            if field == "target":
                return consistency.target_text(out["direction"].iat[p], out["kind"].iat[p], out["target"].iat[p])
            return str(out[field].iat[p])
        problems.append(Problem(c1.source, r1, c1.column(field), shown(pos),
                                f"同一指标同一目标年在两个工作表中不同：{c0.source} 第 {r0} 行为 {shown(p0)} (the same "
                                f"region, indicator and target year as {c0.source}, row {r0}, column "
                                f"'{c0.column(field)}', which gives {shown(p0)}; keep one of the two)"))
    if problems:
        raise DataValidationError(problems, source=src)
    kept = np.flatnonzero(keep)
    out = out.iloc[kept].reset_index(drop=True)
    headers = {}
    for key in dict.fromkeys(k for c in cells for k in c.headers):
        texts = list(dict.fromkeys(str(c.headers[key]) for c in cells if key in c.headers))
        headers[key] = " / ".join(texts)
    consistency.remember(out, consistency.SheetCells(
        src, np.concatenate([c.rows for c in cells])[kept], headers,
        sources=np.concatenate([np.full(len(c), c.source, dtype=object) for c in cells])[kept]))
    out.attrs["title"] = parts[0].attrs.get("title", "")
    out.attrs["notes"] = [n for part in parts for n in part.attrs.get("notes", [])]
    return out


_BARE_YEAR = re.compile(r"^\s*(\d{4})\s*年?(度)?\s*$")


def _history_as_plan(raw: pd.DataFrame, headers: dict, src: str) -> None:
    """Warn when a plan table reads like a history: three or more year columns following each other, each a bare
    year (``2020年 | 2021年 | 2022年 | 2023年``: no 基期 / 目标 / 完成值 word) and no attribute column. It is read as a
    plan (the first year the baseline, the last the target, those between observed), as a 目标分解表 of yearly
    targets may be written; but a history given where the plan goes (``mstarget assess`` takes the plan first,
    ``mt.assess`` the history first) reads the same way, so the warning says which is which."""
    if "attribute" in raw.columns:
        return
    cols = ["baseline", "target", *(c for c in raw.columns if str(c).startswith(layout.OBSERVED_PREFIX))]
    found = [_BARE_YEAR.match(str(headers.get(c, ""))) for c in cols if c in raw.columns]
    if len(found) < 3 or not all(found):
        return
    years = sorted(int(m.group(1)) for m in found)
    if any(b - a != 1 for a, b in zip(years, years[1:])):
        return
    warnings.warn(MstargetWarning(
        f"{src}: 表头为连续年份 {years[0]}–{years[-1]}，没有基期、目标或属性列，按规划表读取（{years[0]}年为基期，"
        f"{years[-1]}年为目标）；若这是历史数据，请检查规划表与历史数据的顺序 (the table's headers are the years "
        f"{years[0]}-{years[-1]} one after another, with no 基期 / 目标 word and no 属性 column: read as a plan whose "
        f"baseline is {years[0]} and target {years[-1]}; if it is a history of observed values, give it as the "
        "history -- the command line takes the plan first, mt.assess(history, plan) the history first)"),
        stacklevel=2)  # read_plan points it at the caller's line (warns_at_caller)


#: the columns describing a plan row's indicator rather than one of its targets (its 序号 too): carried down to the
#: rows below it that give only another target year's target (:func:`_targets_continued`)
_INDICATOR_COLUMNS = ("region", "indicator", "name", "unit", "baseline", "attribute", "direction", "kind")


def _targets_continued(raw: pd.DataFrame, rows, headers: dict, src: str) -> None:
    """An indicator written once over its rows of several target years (``期末市场主体总量 | 万户 | 1.89 | 2023 | 2.6``
    then `` |  |  | 2025 | 3.12``: a merged name cell saved as CSV) read down, in place, with a warning naming the
    rows. Only a row whose name and id are blank and that gives a target year and a target, directly below rows of
    one indicator that give theirs (each year once), its other cells blank or as above. Never below a heading row
    (一、市场主体发展: no target year, no target) or a blank line: that blank name stays refused."""
    names = [c for c in ("name", "indicator") if c in raw.columns]
    if not names or "target_year" not in raw.columns or "target" not in raw.columns or len(raw) < 2:
        return

    def blank(col):
        return np.array([blank_cell(v) for v in raw[col].to_numpy(dtype=object)], dtype=bool)

    no_name = np.logical_and.reduce([blank(c) for c in names])
    if not no_name.any():
        return
    gives = ~blank("target_year") & ~blank("target")
    carried = [c for c in (*_INDICATOR_COLUMNS, *NUMBER_COLUMNS) if c in raw.columns]
    cells = {c: raw[c].to_numpy(dtype=object) for c in carried}
    years = [str(v).strip() for v in raw["target_year"].to_numpy(dtype=object)]
    moves, above, seen = [], None, set()
    for pos in range(len(raw)):
        if not no_name[pos]:
            above, seen = (pos, {years[pos]}) if gives[pos] else (None, set())
            continue
        same = above is not None and all(blank_cell(cells[c][pos]) or blank_cell(cells[c][above])
                                         or str(cells[c][pos]).strip() == str(cells[c][above]).strip()
                                         for c in carried)
        if not (gives[pos] and same) or years[pos] in seen:
            above, seen = None, set()  # the chain breaks: this row's blank name stays refused
            continue
        seen.add(years[pos])
        moves.append((pos, above))
    if not moves:
        return
    for c in carried:
        column = raw[c].astype(object).to_numpy(copy=True)
        for pos, src_pos in moves:
            if blank_cell(column[pos]):
                column[pos] = column[src_pos]
        raw[c] = column
    lines = [str(int(rows[pos])) if rows is not None and len(rows) == len(raw) else str(pos + 1) for pos, _ in moves]
    said = ", ".join(lines[:8]) + (" ..." if len(lines) > 8 else "")
    written = headers.get("name", headers.get("indicator", "指标名称"))
    warnings.warn(MstargetWarning(
        f"{src}: 第 {said} 行只写了目标年份和目标值，已按上方指标读取（“{written}”等单元格合并） (rows {said} give only "
        f"a target year and its target under an indicator written once above them, as a merged '{written}' cell "
        "saved as CSV does: read as further targets of that indicator; check the table if a row belongs elsewhere)"),
        stacklevel=2)


def _read_table(table, src: str, region: str | None, carried, laid_out: bool = True) -> pd.DataFrame:
    """:func:`read_plan` of one table found by :mod:`mstarget.layout` (``laid_out``: read from a file).

    The steps: the table's rows made plan rows (regions written once, a name as the id: :func:`_plan_rows`), its
    layout checked (:func:`_check_layout`), every field read (:func:`_read_fields`), 建成 / 待定 rows left without a
    figure (:func:`_figureless`), the plan's frame (:func:`_plan_frame`), and the checks across rows."""
    src = table.source or src  # a workbook's sheet is named in messages
    raw = _plan_rows(table, src, region, carried, laid_out)
    problems = Problems(src, rows=table.rows, headers=table.headers, order=list(raw.columns),
                        cell_headers=table.cell_headers)
    _check_layout(raw, table, src, problems)
    f = _read_fields(raw, table, src, problems)
    problems.raise_if_any()
    _figureless(f, table, src, carried)
    out = _plan_frame(f, table, src)
    # across rows: repeated rows (conflicting: refused; exact: kept once), negative counts
    keep = consistency.check_plan(out, f.raw, problems, warn=carried is None)
    problems.raise_if_any()
    if len(keep) < len(out):
        out = out.iloc[keep].reset_index(drop=True)
    consistency.remember(out, consistency.SheetCells(src, np.asarray(table.rows)[keep], table.headers,
                                                     cell_headers={k: np.asarray(v, dtype=object)[keep]
                                                                   for k, v in table.cell_headers.items()}))
    out.attrs["title"] = table.title
    out.attrs["notes"] = list(table.notes)
    return out


def _plan_rows(table, src: str, region: str | None, carried, laid_out: bool) -> pd.DataFrame:
    """The table's frame as plan rows: a region written once over its rows carried down, the ``region=`` given
    applied, a table of names only keyed by its names; a plan read before (``carried``) lends its rows and headers
    to messages."""
    if carried is not None:  # a plan read before: messages keep naming its file's rows and headers
        table.rows, table.headers = carried.rows, dict(carried.headers)
        table.cell_headers = dict(carried.cell_headers)
    raw = table.frame
    if laid_out:  # 端州区 written once over its rows (a 目标分解表 saved as CSV); a name is not (a heading row is one)
        written_once(raw, table.rows, table.headers, src, ("region",), across=("name", "indicator"))
        _targets_continued(raw, table.rows, table.headers, src)  # ... but over its 2023 / 2025 target rows it is
    apply_region(raw, region)
    if "indicator" not in raw.columns and "name" in raw.columns:
        raw["indicator"] = raw["name"]  # a table with names only: the name is the id
        table.headers.setdefault("indicator", table.headers.get("name", "name"))
    return raw


def _check_layout(raw: pd.DataFrame, table, src: str, problems: Problems) -> None:
    """What the table as a whole must be before any cell is read: a target column (not one merged under 基期值), the
    required columns, some rows; columns left unread and preliminary columns kept are said first."""
    if "target" not in raw.columns and (misplaced := _target_under_baseline(raw, table, src)) is not None:
        raise DataValidationError([misplaced], source=src)  # 基期值 merged over 2020年 | 2025年: no target column
    if not require_columns(raw, REQUIRED, problems, "plan"):
        problems.raise_if_any()
    if table.unread:  # said before any cell is read, so that it is seen when a cell is refused
        layout.warn_unread(src, table.unread)
    layout.warn_kept_preliminary(src, table.kept_preliminary)  # 2022年完成值（快报） where （年报） is blank
    if raw.empty:
        problems.table("the plan table has no rows; expected one row per target under the header")
        problems.raise_if_any()
    _history_as_plan(raw, table.headers, src)  # 2020年 | 2021年 | 2022年 | 2023年 and nothing of a plan: said
    _stray_text_rows(raw, problems)  # 以上数据由区统计局提供。 under the table: quoted, not two blank cells
    _attribute_source(raw, problems, table.headers)  # 类别 of 约束性 / 预期性, √ under 约束性 | 预期性, 是否约束性


@dataclass
class _PlanFields:
    """Every field of a plan table's rows, read (:func:`_read_fields`); arrays of one item per row."""

    #: the table's rows, as the fields were read from (a growth column's target, words kept apart)
    raw: pd.DataFrame
    #: region, indicator, name, unit ... (:func:`_identity`)
    ident: dict
    baseline_year: np.ndarray
    target_year: np.ndarray
    #: the baseline and target cells (value, kind, decimals, strict ...), the striven-for column's
    baseline: object
    target: object
    aim: object
    #: 2022年完成值 ...: the observed columns' cells
    observed: dict
    #: a target in words (持续提升, 下降10%): its direction ("" where a figure)
    worded: np.ndarray
    #: 增加10 in a % row read as percentage points
    in_points: np.ndarray
    #: the striven-for figure (力争7), NaN where none; rows whose target and striven-for one are two columns
    striven: np.ndarray
    two_columns: np.ndarray
    kind: np.ndarray
    direction: object
    attribute: object
    lower: object
    upper: object
    measure: object
    #: 建成 (定性) rows and their words, 待定 rows and the direction a column gives them
    qualitative: np.ndarray
    pending: np.ndarray
    given: object
    baseline_words: object
    completion: dict


def _read_fields(raw: pd.DataFrame, table, src: str, problems: Problems) -> _PlanFields:
    """Every field of the rows, each by its own parser; a cell that cannot be read is collected in ``problems``."""
    ident = _identity(raw, problems)
    refuse_blank_regions(raw, table.rows, problems)
    target_year = _years(raw, "target_year", problems, required=True)
    baseline_year = _years(raw, "baseline_year", problems, required=False)
    raw = _targets_from_growth_column(raw, src, table.rows)  # 2025年 — | 年均增长 5%: the target is 年均增长5%
    # 待定, 另行确定: a draft's target not yet set, kept (target NaN) for suggest to give figures, not 定性
    pending = _pending_rows(raw, ident)
    # 建成, 基本建立, 达到全国平均水平 (or a row saying 定性): kept, read as no figure (target NaN), 另行评价
    qualitative = _qualitative_rows(raw, ident, None) & ~pending
    # 未建成 in a qualitative row's baseline cell: kept as written (``baseline_written``), read as no figure, as its
    # 完成值 in words are
    raw, baseline_words = _baseline_words(raw, qualitative)
    noted = preliminary_footnotes([table.title, *table.notes])  # 2.42* under 注：带*号的数据为快报数
    baseline = _cells(raw, "baseline", problems, required=False, noted=noted)
    given = _given_directions(raw) if pending.any() else None  # 正向 / 逆向 beside a 待定 target
    target_raw = _standing_for_none(raw, qualitative, pending, given, baseline)
    striven, target_raw = _striven_targets(target_raw, ident["unit"])
    striven, target_raw = _range_targets(target_raw, ident["unit"], baseline, striven, problems,
                                         table.cell_columns)
    worded, target_raw, in_points = _targets_in_words(target_raw, baseline, baseline_year, target_year, ident)
    target = _cells(target_raw, "target", problems, required=True, columns=table.cell_columns)
    # 增加10 in a % row: 10 percentage points above the baseline, or refused (never the addition 〈10〉)
    _rate_additions(raw, target, in_points, worded != "", baseline, problems, table.cell_columns)
    target.direction[worded != ""] = worded[worded != ""]
    # 已建成 / 基本建成 in a qualitative row's 完成值 cells: kept as written (``written_<year>``), read as no figure
    raw, completion = _completion_words(raw, qualitative)
    observed = {c: _cells(raw, c, problems, required=False, numeric=~qualitative, noted=noted) for c in raw.columns
                if str(c).startswith(layout.OBSERVED_PREFIX)}
    aim = _cells(raw, "target_striven", problems, required=False)
    _period_sums(raw, src, [table.title, *table.notes],
                 {"target": target, "baseline": baseline, "target_striven": aim, **observed})
    _units_in_cells(raw, ident["unit"], {"baseline": baseline, "target": target, "target_striven": aim, **observed},
                    problems)
    striven, two_columns = _striven_column(raw, target, aim, striven, problems)
    _baseline_needs_year(raw, baseline, baseline_year, problems)
    _notation_agrees(raw, target, baseline, problems)
    kind = _kinds(raw, target, problems)
    direction = _directions(raw, target, baseline, problems, kind, ident)
    attribute = _attributes(raw, problems, [table.title, *table.notes], ident)
    lower, upper = _bounds(raw, ident, target, baseline, problems)
    measure = _measures(raw, ident, problems)
    _years_agree(raw, kind, baseline_year, target_year, problems)
    return _PlanFields(raw=raw, ident=ident, baseline_year=baseline_year, target_year=target_year,
                       baseline=baseline, target=target, aim=aim, observed=observed, worded=worded,
                       in_points=in_points, striven=striven, two_columns=two_columns, kind=kind, direction=direction,
                       attribute=attribute, lower=lower, upper=upper, measure=measure, qualitative=qualitative,
                       pending=pending, given=given, baseline_words=baseline_words, completion=completion)


def _standing_for_none(raw: pd.DataFrame, qualitative: np.ndarray, pending: np.ndarray, given, baseline):
    """The rows whose target cell is read past the checks of a figure (建成, 待定): a target standing for none, on the
    baseline's notation (≥〔0〕, ≥〈0〉, ≥0; ≤ where a direction column says 逆向 for a 待定 row, so that the two
    agree). ``raw`` itself when there are none."""
    if not (qualitative.any() or pending.any()):
        return raw
    target_raw = raw.copy(deep=False)
    column = raw["target"].astype(object).to_numpy(copy=True)
    stand = qualitative | pending
    signs = ["≤" if given is not None and given[pos] == "<=" else "≥" for pos in np.flatnonzero(stand)]
    column[stand] = [sign + {"cumulative": "〔0〕", "increment": "〈0〉"}.get(k, "0")
                     for sign, k in zip(signs, baseline.kind[stand])]
    target_raw["target"] = column
    return target_raw


def _figureless(f: _PlanFields, table, src: str, carried) -> None:
    """建成 rows (定性指标，另行评价: no figure, no direction) and 待定 rows (no figure yet; the direction suggest needs,
    where the plan gives one), warned once (a plan read before was warned about then)."""
    target = f.target
    if f.qualitative.any():
        target.value[f.qualitative] = np.nan
        f.direction = np.asarray(f.direction, dtype=object)
        f.direction[f.qualitative] = None
        target.decimals[f.qualitative] = np.nan
        if carried is None:
            _warn_qualitative(src, table.rows, f.raw, f.ident, f.qualitative)
    if f.pending.any():
        target.value[f.pending] = np.nan
        target.decimals[f.pending] = np.nan
        f.direction = np.asarray(f.direction, dtype=object)
        f.direction[f.pending] = _pending_directions(f.given, f.kind, f.ident)[f.pending]
        if carried is None:
            _warn_pending(src, table.rows, f.raw, f.ident, f.pending, f.direction)


def _plan_frame(f: _PlanFields, table, src: str) -> pd.DataFrame:
    """The plan's frame (:data:`COLUMNS`), with the optional columns the rows need: targets in words as written, a
    striven-for figure, strict bounds, 定性 / 待定 flags, observed columns, the measure, decimals written, preliminary
    figures, an adjusted target; a merged 类别 cell filled down."""
    raw, target, worded, striven = f.raw, f.target, f.worded, f.striven
    qualitative, pending = f.qualitative, f.pending
    out = pd.DataFrame({**f.ident,
                        "baseline_year": pd.array(f.baseline_year, dtype="Int64"),
                        "baseline": f.baseline.value, "target_year": f.target_year.astype(int),
                        "target": target.value, "direction": f.direction, "kind": f.kind,
                        "attribute": f.attribute, "lower": f.lower, "upper": f.upper}, columns=COLUMNS)
    written = (worded != "") | np.isfinite(striven) | qualitative | pending
    # 保持在98%以上, 不发生, 低于0.15: a figure in words, kept as the plan wrote it (the report shows it so)
    verbatim = ~written & target.ok & np.asarray(map_unique(raw["target"], _in_words), dtype=bool)
    if (written | verbatim).any():  # 持续提升, 下降10%, 6%以上，力争7%: the words as written, and what they are read as
        out["target_written"] = np.where(written | verbatim, map_unique(raw["target"], written_text), "")
        for pos in np.flatnonzero(f.in_points & (worded != "")):  # 增加10 in a % row: 增加10个百分点, as it was read
            out.loc[pos, "target_written"] = points_written(out["target_written"].iloc[pos])
        for pos in np.flatnonzero(f.two_columns):  # 基本目标 | 力争目标: written as the one cell ≥90（力争95） is
            aim_text = written_text(raw["target_striven"].iloc[pos]).lstrip("≥≤>=<").strip()
            out.loc[pos, "target_written"] = f"{written_text(raw['target'].iloc[pos])}（力争{aim_text}）"
    if np.isfinite(striven).any():  # 力争7%: the striven-for figure, beyond the target assessed
        out["target_striven"] = striven
    if target.strict.any():  # 低于0.15, <0.15, 超过98: a bound the figure itself does not meet
        out["strict"] = target.strict
    if qualitative.any():  # 建成, 基本建立: a qualitative target, kept in the table, evaluated apart
        out["qualitative"] = qualitative
    if pending.any():  # 待定: a target not yet set (目标待定), not judged; suggest gives its figures
        out[PENDING_COLUMN] = pending
    _earlier_years(table, src, f.observed, f.kind, f.baseline_year)
    for c in raw.columns:
        if c in f.observed:
            out[c] = f.observed[c].value  # 2022年完成值: numbers (float, NaN blank), used by assess
        elif c not in COLUMNS and c not in ("target_striven", "measure"):  # (those two: read above / below)
            out[c] = raw[c].to_numpy()
    for c, words in f.completion.items():  # 已建成: a qualitative row's 完成值 in words, as written
        out[c] = words
    if f.baseline_words is not None:  # 未建成: a qualitative row's baseline in words, as written
        out[BASELINE_WRITTEN] = f.baseline_words
    if f.measure is not None:  # 口径 / 备注 当年新增, …（当年新增）: how the row's yearly figures count
        out["measure"] = f.measure
    _written_decimals(out, raw, f.baseline, target, derived=worded != "")
    _preliminary_columns(out, raw, table.headers, f.baseline, f.observed, src)
    _noted_preliminary(out, [table.title, *table.notes], src)  # 注：2024年完成值为快报数 / 备注 2024年为快报数
    _adjusted_target_note(out, raw, table, src)  # 2025年调整目标 beside 2025年目标: the adjusted one is the target
    if "group" in out.columns and not table.sectioned:  # a merged 类别 cell exported to CSV (or split by a page
        # break): blank below its first row (a blank under 二、预期性指标 before its first （一）… is no group)
        g = out["group"].astype(object)
        blank = g.isna() | (g.astype(str).str.strip() == "")
        out["group"] = g.mask(blank).ffill().fillna("").to_numpy()
    return out


#: a row marked qualitative in its name or attribute (智慧监管平台建设（定性）, 属性 定性 / 定性指标)
QUALITATIVE_WORD = "定性"

#: read_plan's column marking a target not yet set (目标待定: 待定, 另行确定 in a draft's target cell)
PENDING_COLUMN = consistency.PENDING_COLUMN
#: a draft's target cell saying its figure is still to be set (待定, 待定目标, 另行确定, 待研究确定): no qualitative
#: target but one not decided yet (after :func:`~mstarget.validation.normalize_words`, spaces and brackets removed)
_PENDING_TEXT = re.compile(r"(?:目标(?:值)?)?(?:待定|待确定|待研究|待研究确定|待测算|待论证|待核定|待商定|另行确定|另行研究确定|"
                           r"另定|暂未确定|尚未确定|暂定待议)(?:目标(?:值)?)?")


def pending_text(text) -> bool:
    """Whether a target cell says the target is not set yet: ``待定``, ``待定目标``, ``（待定）``, ``另行确定``,
    ``待研究确定`` -- not a qualitative target (建成), which is a target in words.

    >>> pending_text("待定"), pending_text("目标待定"), pending_text("另行确定"), pending_text("建成")
    (True, True, True, False)
    """
    if not isinstance(text, str):
        return False
    s = re.sub(r"[\s()（）\[\]【】〔〕〈〉<>\-—–_/、，,。.:：]", "", normalize_words(text))
    return bool(s) and _PENDING_TEXT.fullmatch(s) is not None


def _pending_rows(raw: pd.DataFrame, ident: dict) -> np.ndarray:
    """Rows whose target is not set yet (:func:`pending_text`; or, in a plan read before, a blank target its
    ``target_pending`` column marks), unless the row says 定性 in its name or attribute (then: qualitative)."""
    n = len(raw)
    if "target" not in raw.columns:
        return np.zeros(n, dtype=bool)
    cells = raw["target"].tolist()
    found = np.array(map_unique(raw["target"], pending_text), dtype=bool)
    if PENDING_COLUMN in raw.columns:  # read_plan(read_plan(...)): its target NaN, the flag beside it
        flag = np.array([v is True or (isinstance(v, (bool, np.bool_)) and bool(v)) for v in raw[PENDING_COLUMN].tolist()],
                        dtype=bool)
        blank = np.array([normalize_text(t) in ("", *NO_FIGURE) for t in cells], dtype=bool)
        found |= flag & blank
    return found & ~_said_qualitative(raw, ident)


def _said_qualitative(raw: pd.DataFrame, ident: dict) -> np.ndarray:
    """Rows whose name or attribute cell says 定性."""
    said = map_flags(np.asarray(ident["name"], dtype=object), lambda v: QUALITATIVE_WORD in str(v))
    if "attribute" in raw.columns:
        said |= map_flags(raw["attribute"], lambda v: QUALITATIVE_WORD in normalize_words(v))
    return said


def _pending_directions(given: np.ndarray, kind: np.ndarray, ident: dict) -> np.ndarray:
    """The direction of each row whose target is not set yet: the one a direction column gives (正向 ``>=``,
    逆向 ``<=``); else ``>=`` for a 〈〉 row (additions, as 〈5〉 reads), ``<=`` for a count of incidents (起, 事故: none
    at all is the aim, as 零发生 reads); else None (suggest then says to write 持续提升 / 逐步下降 or a 指标方向)."""
    out = np.full(len(kind), None, dtype=object)
    for pos in range(len(kind)):
        if given is not None and given[pos] in (">=", "<="):
            out[pos] = given[pos]
        elif kind[pos] == "increment":
            out[pos] = ">="
        elif counts_events(ident["unit"][pos], ident["name"][pos], ident["indicator"][pos]):
            out[pos] = "<="
    return out


def _warn_pending(src: str, rows, raw: pd.DataFrame, ident: dict, pending: np.ndarray, direction) -> None:
    """One warning naming the rows whose target is not set yet (file, row, name, the cell as written), saying
    that assess does not judge them, that suggest gives their figures, and which rows need a direction first."""
    where, undirected = [], []
    for pos in np.flatnonzero(pending):
        row = rows[pos] if rows is not None and len(rows) > pos else pos + 1
        where.append(f"row {row} '{ident['name'][pos]}' ({written_text(raw['target'].iloc[pos])})")
        if direction[pos] not in (">=", "<="):
            undirected.append(f"row {row} '{ident['name'][pos]}'")
    need = ("; no direction given for " + ", ".join(undirected) + ": write 持续提升 / 逐步下降 (or ≥ / ≤ the "
            "baseline) in the target cell, or 正向 / 逆向 in a 指标方向 column, to get figures（未给出方向：请在目标栏写"
            "“持续提升”“逐步下降”，或增加指标方向列填写正向/逆向）") if undirected else ""
    warnings.warn(MstargetWarning(
        f"{src}: {len(where)} target(s) not set yet (目标待定), kept and not judged -- `suggest` gives the figures met "
        f"with 70 % / 80 % probability for them: " + "; ".join(where) + need), stacklevel=5)


#: a sign before a level named in words, no figure (``≥省平均水平``, ``≤全市平均值``, ``≥省定目标``): compared with a level
#: the plan does not give, read as a qualitative target as 达到全国平均水平 / 不低于全省平均水平 are
_COMPARED_TO_AVERAGE = re.compile(r"^[≥≤<>＜＞]=?[^\d]*(平均|水平|均值|省定|下达)[^\d]*$")


_ASCII_DIGIT = re.compile(r"[0-9]")


def _qualitative_text(text, unit: str) -> bool:
    """A target cell stating no figure and no direction to assess (建成, 基本建立, 达到全国平均水平, 全面推行): the
    words of a qualitative target. Not a figure (约90, 九十), a direction (持续提升) or a change (下降10%), which
    are read or refused as before; words of keeping or improving a level (保持稳定, 持续优化) only in a row without
    a unit (a numeric row is told to write its level)."""
    if not isinstance(text, str) or _ASCII_DIGIT.search(text):  # a figure (85.02, ≥90): never words alone, and
        return False  # told before normalizing (100,000 figures of a country's plan)
    s = normalize_words(text).replace(" ", "")
    if not s or s in NO_FIGURE or any(ch.isdigit() for ch in s) or not re.search(r"[\u3400-\u9fff]", s):
        return False
    if _COMPARED_TO_AVERAGE.match(s):  # ≥省平均水平: a level no figure of the plan gives, as 达到全国平均水平
        return True
    # a sign (≥九十九), figures in Chinese numerals (九十八, 百分之九十) or approximate ones: not qualitative words
    if any(w in s for w in _APPROX) or re.search(r"[≥≤<>=＜＞%％]", s) or s[0] in CN_NUMERALS or \
            re.search(f"[{''.join(sorted(CN_NUMERALS))}]{{2,}}", s):
        return False
    if target_in_words(s) or target_as_change(s) is not None or has_note_mark(text):
        return False
    try:
        if parse_cell(text).value is not None:  # 实现全覆盖, 不发生: figures in words
            return False
    except ValueError:
        pass
    unitless = normalize_text(unit) in ("", *NO_FIGURE)
    return unitless or not any(w in s for w in _WORDS_NO_WAY + _WORDS_UP + _WORDS_DOWN)


#: a sentence's punctuation: a line of text, not an indicator's name
_SENTENCE = re.compile(r"[。；;：:，,！!？?]")
STRAY_TEXT_ROW = ("a line of text where a target row was expected: a note under the table begins with 注： or "
                  "资料来源： (then it is read as a note); otherwise remove the line（表下说明文字请以“注：”开头，"
                  "或删除该行）")


STRAY_HEADING_ROW = ("a line of text alone on its row above indicator rows: if it is a heading over them, number it "
                     "(一、{text}) and it is read as their category (or give the category in a 类别 column); a note "
                     "under the table begins with 注：; otherwise remove the line（若为分类标题请加编号“一、”，"
                     "说明文字请以“注：”开头，或删除该行）")


def _stray_text_rows(raw: pd.DataFrame, problems: Problems) -> None:
    """Rows whose one filled cell holds a line of text (``以上数据由区统计局提供。`` under the table, in the
    序号 column or written as a sentence) that no notes rule set apart (:mod:`mstarget.layout`): refused as
    one row quoting that text, not as a blank name and a blank target. A row naming an indicator alone
    (``药品抽检合格率`` with its target missing) is left to the usual messages."""
    if raw.empty:
        return
    texts = {c: text_column(raw, c) for c in raw.columns}
    # region=, or years from the header (2020年基数): given to every row, they say nothing of a row
    texts = {c: t for c, t in texts.items() if c != "region" and (c in _ROW_NAMING or not (
        len(t) > 1 and t[0] != "" and (t == t[0]).all()))}
    if not texts:
        return
    filled = np.column_stack([t != "" for t in texts.values()])
    for pos in np.flatnonzero(filled.sum(axis=1) == 1):
        column = list(texts)[int(np.flatnonzero(filled[pos])[0])]
        text = texts[column][pos]
        if column in _FIGURE_COLUMNS or str(column).startswith(layout.OBSERVED_PREFIX) or _is_figure(text):
            continue  # a figure without its row's name: the usual messages say what is missing
        if column not in _ROW_NAMING or _SENTENCE.search(text):
            later = filled[pos + 1:].sum(axis=1) > 1  # rows of figures after it: a heading over them?
            heading = later.any() and len(text) <= 20 and not _SENTENCE.search(text)
            problems.row(pos, column, text, STRAY_HEADING_ROW.format(text=text) if heading else STRAY_TEXT_ROW)


#: the columns naming a plan row, and those holding its figures
_ROW_NAMING = ("indicator", "name")
_FIGURE_COLUMNS = ("target", "baseline", "target_striven")


def _is_figure(text: str) -> bool:
    try:
        return parse_cell(text).value is not None
    except ValueError:
        return False


def _qualitative_rows(raw: pd.DataFrame, ident: dict, baseline: "_Cells | None" = None) -> np.ndarray:
    """Rows of a qualitative target: the target cell's words (:func:`_qualitative_text`), or a blank / ``—``
    target in a row whose name or attribute cell says 定性."""
    n = len(raw)
    if "target" not in raw.columns:
        return np.zeros(n, dtype=bool)
    unit = ident["unit"]
    judged: dict = {}  # once per distinct (target cell, unit)

    def words(t, u) -> bool:
        key = (t, u)
        try:
            return judged[key]
        except KeyError:
            judged[key] = found = _qualitative_text(t, u)
            return found
        except TypeError:  # an unhashable cell
            return _qualitative_text(t, u)

    worded = np.array([words(t, u) for t, u in zip(raw["target"].tolist(), unit)], dtype=bool)
    said = _said_qualitative(raw, ident)
    blank = map_flags(raw["target"], lambda t: normalize_text(t) in ("", *NO_FIGURE))
    unread = map_flags(raw["target"], _unreadable) if said.any() else np.zeros(n, dtype=bool)
    if "qualitative" in raw.columns:  # a plan read before (its ``qualitative`` column), or a script's flag
        said |= np.array([v is True or (isinstance(v, (bool, np.bool_)) and bool(v)) or
                          normalize_words(v).lower() in ("true", "1", "是", QUALITATIVE_WORD)
                          for v in raw["qualitative"].tolist()], dtype=bool)
    return worded | (said & (blank | unread))


#: a plan's column keeping a qualitative row's 完成值 written in words (``written_2025``: ``"已建成"``, ``""`` where
#: the cell is a figure or blank), which the report shows in that year's cell
WRITTEN_PREFIX = "written_"


def _completion_words(raw: pd.DataFrame, qualitative: np.ndarray) -> tuple[pd.DataFrame, dict]:
    """The 完成值 cells of qualitative rows written in words (启动建设, 基本建成, 已建成: no figure to read), as
    ``{written_<year>: words}`` (object, ``""`` elsewhere), and ``raw`` with those cells blank, so that they are
    read as no figure and never refused; figures there (98.4 of 达到全国平均水平) are read as figures. A plan read
    before keeps its own ``written_<year>`` columns (passed through as other columns)."""
    found: dict = {}
    if not qualitative.any():
        return raw, found
    for c in [c for c in raw.columns if str(c).startswith(layout.OBSERVED_PREFIX)]:
        cells = raw[c].to_numpy(dtype=object)
        words = np.array([bool(q) and isinstance(v, str) and _unreadable(v) for q, v in zip(qualitative, cells)],
                         dtype=bool)
        if not words.any():
            continue
        if not found:
            raw = raw.copy(deep=False)
        kept = cells.copy()
        kept[words] = None
        raw[c] = kept
        found[WRITTEN_PREFIX + str(c)[len(layout.OBSERVED_PREFIX):]] = np.where(
            words, [written_text(v) if w else "" for v, w in zip(cells, words)], "").astype(object)
    return raw, found


#: a plan's column keeping a qualitative row's baseline written in words (``"未建成"``, ``""`` elsewhere)
BASELINE_WRITTEN = "baseline_written"


def _baseline_words(raw: pd.DataFrame, qualitative: np.ndarray) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The baseline cells of qualitative rows written in words (未建成, 尚未启动: no figure to read), as an object
    array (``""`` elsewhere; None when there is none), and ``raw`` with those cells blank, so that they are read as
    no figure and never refused (:func:`_completion_words` for the 完成值 cells). A figure there is read as one."""
    if not qualitative.any() or "baseline" not in raw.columns:
        return raw, None
    cells = raw["baseline"].to_numpy(dtype=object)
    words = np.array([bool(q) and isinstance(v, str) and _unreadable(v) for q, v in zip(qualitative, cells)],
                     dtype=bool)
    if not words.any():
        return raw, None
    raw = raw.copy(deep=False)
    kept = cells.copy()
    kept[words] = None
    raw["baseline"] = kept
    return raw, np.where(words, [written_text(v) if w else "" for v, w in zip(cells, words)], "").astype(object)


def _unreadable(text) -> bool:
    try:
        parse_cell(text)
        return False
    except ValueError:
        return True


def _warn_qualitative(src: str, rows, raw: pd.DataFrame, ident: dict, qualitative: np.ndarray) -> None:
    """One warning naming the qualitative rows kept (file, row, name, the target as written)."""
    where = []
    for pos in np.flatnonzero(qualitative):
        row = rows[pos] if rows is not None and len(rows) > pos else pos + 1
        where.append(f"row {row} '{ident['name'][pos]}' ({written_text(raw['target'].iloc[pos]) or '—'})")
    warnings.warn(MstargetWarning(
        f"{src}: {len(where)} qualitative target(s) kept, not forecast -- evaluate them apart (定性指标，另行评价): "
        + "; ".join(where)), stacklevel=5)


#: a cell's words beyond a figure and its sign (保持在98%以上, 不发生, 低于0.15, 15万户), or a strict sign (<0.15)
_WORDED = re.compile(r"[\u3400-\u9fff]|^\s*[<>＜＞]")


def _in_words(text) -> bool:
    """The target cell states its figure in words (``保持在98%以上``, ``不发生``, ``低于0.15``, ``＜0.15``), which
    ``target_written`` keeps as written; a figure with its notation alone (``≥99``, ``〔3.12〕``, ``〈5〉``) is not."""
    return isinstance(text, str) and bool(_WORDED.search(text)) and not _INCREMENT_CELL.fullmatch(text.strip())


#: ``<5>``: 〈5〉 written with ASCII angle brackets, no strict sign
_INCREMENT_CELL = re.compile(r"<[^<>]*>")


def states_figure(written) -> bool:
    """Whether a ``target_written`` text states its figure itself (``保持在98%以上``, ``不发生``, ``低于0.15``): a
    report shows it alone, not beside the figure read (``持续提升（≥95.01）`` and ``下降10%`` need that figure)."""
    if not isinstance(written, str) or not written.strip():
        return False
    try:
        return parse_cell(written).value is not None
    except ValueError:
        return False


#: the columns keeping the decimals a plan wrote (``99.0``: 1), which its float does not
DECIMALS_COLUMNS = ("baseline_decimals", "target_decimals")
#: the columns saying a baseline is a preliminary figure (``2025年基数（预计）``, ``3.05（快报）``): a flag and
#: its word (预计, 快报 ...), as a history's ``preliminary`` / ``preliminary_mark``
BASELINE_PRELIMINARY_COLUMNS = ("baseline_preliminary", "baseline_preliminary_mark")
#: a plan's column keeping the preliminary mark of each 完成值 of a year (``preliminary_2025``: ``"快报"`` for
#: ``4.55（快报）`` or a column headed ``2025年完成值（快报）``, ``""`` for a figure not so marked)
PRELIMINARY_PREFIX = "preliminary_"
#: the plan's own numbering column, kept as written (its 序号)
NUMBER_COLUMNS = ("序号", "编号", "number", "no")
#: columns of the plan that ``assess`` carries into its table for the report: the written decimals,
#: the plan's numbering and the plan's name (a ``plan`` column, 《质量强国建设纲要》)
REPORT_COLUMNS = (*DECIMALS_COLUMNS, *NUMBER_COLUMNS, "plan", *BASELINE_PRELIMINARY_COLUMNS, "strict",
                  layout.ORIGINAL_TARGET, "target_note")


def strict_of(row) -> bool:
    """Whether a plan or assessment row's bound excludes its figure (a ``strict`` column, :attr:`Cell.strict`:
    ``低于0.15``); False without the column or with a blank cell."""
    v = row.get("strict") if hasattr(row, "get") else None
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return False
    return bool(v)


def _preliminary_columns(out: pd.DataFrame, raw: pd.DataFrame, headers: dict, baseline: _Cells, observed: dict,
                         src: str) -> None:
    """The preliminary figures a plan writes, kept beside them (columns present only when some figure is
    marked): a baseline so marked in its cell (``3.05（预计）``, ``〔3.05（预计）〕``) or by its column's header
    (``2025年基数（预计）``, ``2025年预计值``: a “十五五” plan written before the base year's final figure is out) gives
    ``baseline_preliminary`` (bool) and ``baseline_preliminary_mark`` (预计, 快报 ...), warned when the header
    says it (a cell is warned where it is read); a 完成值 so marked in its cell (``4.55（快报）``) or by its header
    (``2025年完成值（快报）``) gives ``preliminary_<year>`` (the mark, ``""`` for a figure not marked), which
    :func:`mstarget.assess.assess` carries as it carries a history's 快报 figure. A plan read before keeps its
    own marks (its columns given)."""
    def with_given(marks: np.ndarray, column: str, flag: str | None = None) -> np.ndarray:
        if column in raw.columns:  # read_plan(read_plan(...)): the first reading's marks
            given = np.array([v if isinstance(v, str) else "" for v in raw[column].to_numpy(dtype=object)],
                             dtype=object)
            if flag is not None and flag in raw.columns:
                on = np.array([not pd.isna(v) and bool(v) for v in raw[flag].to_numpy(dtype=object)], dtype=bool)
                given = np.where(on & (given == ""), _DEFAULT_MARK, np.where(on, given, "")).astype(object)
            marks = np.where(marks == "", given, marks).astype(object)
        return marks

    def marks_of(cells: _Cells, header) -> tuple[np.ndarray, str]:
        head = preliminary_mark_of(str(header)) if header else ""
        marks = cells.marks.copy() if cells.marks is not None else np.full(len(out), "", dtype=object)
        marks = np.where(marks == "", head, marks).astype(object)
        return marks, head

    marks, head = marks_of(baseline, headers.get("baseline"))
    marks = with_given(marks, BASELINE_PRELIMINARY_COLUMNS[1], BASELINE_PRELIMINARY_COLUMNS[0])
    marks[~np.isfinite(baseline.value)] = ""
    if (marks != "").any():
        out[BASELINE_PRELIMINARY_COLUMNS[0]] = marks != ""
        out[BASELINE_PRELIMINARY_COLUMNS[1]] = marks
        if head and (marks == head).any():
            warnings.warn(MstargetWarning(
                f"{src}: 基期值列 '{headers.get('baseline')}' 为{head}数，基期值按{head}数读入，目标进度以此计算；基期年正式数据"
                f"发布后请替换基期值并重新评估 (the baseline column is marked preliminary ({head}): the baselines are read "
                "as given and kept marked (baseline_preliminary); progress is counted from them, so replace them "
                "by the final figures once published and assess again)"), stacklevel=5)
    for column, cells in observed.items():
        marks, _ = marks_of(cells, headers.get(column))
        name = PRELIMINARY_PREFIX + str(column)[len(layout.OBSERVED_PREFIX):]
        marks = with_given(marks, name)
        marks[~np.isfinite(cells.value)] = ""
        if (marks != "").any():
            out[name] = marks


def _adjusted_target_note(out: pd.DataFrame, raw: pd.DataFrame, table, src: str) -> None:
    """A plan's adjusted target column read as its target beside the target first written
    (:attr:`mstarget.layout.Table.adjusted_target`, kept as ``target_original``): each row the adjustment
    changes gets a ``target_note`` (调整后目标 3.50，原目标 3.12) and one warning names the columns and rows."""
    if not table.adjusted_target or layout.ORIGINAL_TARGET not in raw.columns or "target" not in raw.columns:
        return
    new_head, old_head = table.adjusted_target
    unread = getattr(table, "adjustment_unread", [])
    if unread:  # 目标调整情况 '拟调整': no adjusted figure given -- the first target kept, said, not guessed
        shown = "; ".join(f"row {r}" + (f" ({n})" if n else "") + f": '{c}'" for r, n, c in unread[:8])
        warnings.warn(MstargetWarning(
            f"{src}: column '{new_head}' gives no adjusted target in {len(unread)} row{'s' if len(unread) != 1 else ''} "
            f"({shown}{f'; and {len(unread) - 8} more' if len(unread) > 8 else ''}); the target as first written in "
            f"'{old_head}' is used there（调整情况未写明调整后的目标值，按原目标评估；如已调整，请写明“调整为X”）"), stacklevel=5)

    def text(v):
        return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else normalize_text(v).replace(" ", "")

    new = [text(v) for v in raw["target"].tolist()]
    old = [text(v) for v in raw[layout.ORIGINAL_TARGET].tolist()]
    role = layout.year_role(old_head)
    if role is not None and "target_year" in raw.columns:  # 2023年调整目标 among yearly targets: the 2023 rows only
        year = pd.to_numeric(pd.Series(raw["target_year"].to_numpy(dtype=object)), errors="coerce").to_numpy(dtype=float)
        old = [o if y == role[0] else n for o, n, y in zip(old, new, year)]  # another year's row: its own target
    changed = [k for k, (a, b) in enumerate(zip(new, old)) if a != b and a]
    out[layout.ORIGINAL_TARGET] = np.array(old, dtype=object)
    out["target_note"] = np.array([f"目标按'{new_head}'（中期调整）{new[k]}，原目标'{old_head}'{old[k] or '（空）'} "
                                   f"(target as adjusted: {new[k]}; first written {old[k] or 'blank'})"
                                   if k in set(changed) else "" for k in range(len(out))], dtype=object)
    names = out["name"].tolist() if "name" in out.columns else out["indicator"].tolist()
    shown = "; ".join(f"{names[k]}: {old[k] or '（空）'} -> {new[k]}" for k in changed[:8])
    more = f"; and {len(changed) - 8} more" if len(changed) > 8 else ""
    if not changed:  # every row kept its target (未调整, blank, 已修订 warned apart): nothing to say
        return
    warnings.warn(MstargetWarning(
        f"{src}: 目标按调整后目标列 '{new_head}' 读取，原目标列 '{old_head}' 保留为 target_original，"
        f"{len(changed)} 个指标的目标因调整而改变 (the adjusted target column is the target, the first one kept as "
        f"target_original; {len(changed)} row{'s' if len(changed) != 1 else ''} changed" + (f": {shown}{more}" if changed else "")
        + "). 如调整未经批准，请删除调整列 (if the adjustment was not approved, delete its column)"), stacklevel=5)


def _noted_preliminary(out: pd.DataFrame, notes: list, src: str) -> None:
    """A title or note saying a year's figures are preliminary or a part of the year (``注：2024年完成值为快报数``,
    ``（2025年为1-11月数据）``, :func:`mstarget.layout.noted_years`), applied as the header form is
    (``2024年完成值（快报）`` / ``2024年完成值（1-11月）``): that year's 完成值 marked (``preliminary_<year>``) or not
    read (NaN); a baseline of that year marked (``baseline_preliminary``), or, a part of the year, warned.
    A row's 备注 cell (``2024年为快报数``, :data:`mstarget.history.NOTE_HEADERS`) is said of that row's figures only."""
    remarks = [np.asarray(map_unique(out[c], lambda t: t if isinstance(t, str) and any(  # 预计可完成: no year, not a mark
        y for y, _, _ in layout.noted_years(t)) else ""), dtype=object) for c in out.columns if isinstance(c, str)
               and normalize_words(c).lower().replace(" ", "") in NOTE_HEADERS]
    if not any(layout.noted_years(n) for n in notes) and not any(
            layout.noted_years(c) for cells in remarks for c in pd.unique(cells) if isinstance(c, str)):
        return
    n = len(out)
    for column in [c for c in out.columns if str(c).startswith(layout.OBSERVED_PREFIX)]:
        year = int(str(column)[len(layout.OBSERVED_PREFIX):])
        value = pd.to_numeric(pd.Series(out[column].to_numpy(dtype=object)), errors="coerce").to_numpy(dtype=float)
        name = PRELIMINARY_PREFIX + str(year)
        marks = (np.array([v if isinstance(v, str) else "" for v in out[name].to_numpy(dtype=object)], dtype=object)
                 if name in out.columns else np.full(n, "", dtype=object))
        partial = layout.apply_notes(src, notes, np.where(np.isfinite(value), float(year), np.nan), marks,
                                     remarks=remarks, say_vague=False)  # (said once, with the baselines)
        if (marks != "").any():
            out[name] = marks
        if partial.any():
            out[column] = np.where(partial, np.nan, value)
    if "baseline" in out.columns and "baseline_year" in out.columns:
        value = out["baseline"].to_numpy(dtype=float)
        years = pd.to_numeric(pd.Series(out["baseline_year"].to_numpy(dtype=object)), errors="coerce").to_numpy(dtype=float)
        flag, word = BASELINE_PRELIMINARY_COLUMNS
        marks = (np.array([v if isinstance(v, str) else "" for v in out[word].to_numpy(dtype=object)], dtype=object)
                 if word in out.columns else np.full(n, "", dtype=object))
        layout.apply_notes(src, notes, np.where(np.isfinite(value), years, np.nan), marks, partial_kept="基期值",
                           remarks=remarks)
        if (marks != "").any():
            out[flag], out[word] = marks != "", marks


def _written_decimals(out: pd.DataFrame, raw: pd.DataFrame, baseline: _Cells, target: _Cells,
                      derived: np.ndarray) -> None:
    """``baseline_decimals`` / ``target_decimals`` (Int64): the decimals each cell wrote (``〔4.0〕``: 1,
    ``99``: 0; <NA> for a number given as a number, a blank, or a target read from words, ``derived``),
    added when a cell wrote more than its figure needs (``99.0``, which the float 99.0 forgets), so that
    a report writes it as the plan did. A plan read before (its cells floats, these columns beside them)
    keeps its own."""
    found = {}
    for name, cells in zip(DECIMALS_COLUMNS, (baseline, target)):
        d = cells.decimals.copy()
        if name == "target_decimals":
            d[derived] = np.nan
        if name in raw.columns:  # read_plan(read_plan(...)): the first reading's decimals
            given = pd.to_numeric(pd.Series(raw[name].to_numpy(dtype=object)), errors="coerce").to_numpy(dtype=float)
            d = np.where(np.isnan(d), given, d)
        found[name] = d
    beyond = any((np.isfinite(d) & (d > map_unique(np.asarray(c.value, dtype=float), written_decimals).astype(float))).any()
                 for d, c in zip(found.values(), (baseline, target)))
    if not beyond and not any(name in raw.columns for name in DECIMALS_COLUMNS):
        return  # every figure's float writes it as the plan did (most plans): no column added
    for name, d in found.items():
        out[name] = pd.array([int(v) if np.isfinite(v) else pd.NA for v in d], dtype="Int64")


def _earlier_years(table, src: str, observed: dict, kind: np.ndarray, baseline_year: np.ndarray) -> None:
    """Columns of years before the baseline's (``2020年`` in a “十五五” table based on 2025,
    :attr:`mstarget.layout.Table.earlier`) are earlier observations of a level or stock, said in a
    warning; a 〈〉 row's figure there counts another period's additions, so it is left out (NaN)."""
    if not table.earlier:
        return
    dropped = []
    for column, cells in observed.items():
        year = int(str(column)[len(layout.OBSERVED_PREFIX):])
        other = (kind == "increment") & np.isfinite(cells.value) & (year <= baseline_year)
        if other.any():
            cells.value[other] = np.nan
            dropped.append(str(year))
    said = "、".join(table.earlier)
    years = baseline_year[np.isfinite(baseline_year)]
    base = f" {int(years.min())} 年" if years.size else ""
    warnings.warn(MstargetWarning(
        f"{src}: {said} 早于基期{base}，按该年的实际值读取（observed_<年份>），不作为基期值 (columns of years before the "
        f"plan's base year are read as that year's observed values, not as the baseline; the baseline is the "
        f"plan period's base year)" + (f"; 〈〉 rows' figures of {', '.join(dropped)} count an earlier period's "
                                       "additions and are not used" if dropped else "")), stacklevel=4)


#: a table's note saying its 〔〕 figures are sums over the plan period, as the national outline writes
#: it (〔〕内为五年累计数), not stocks at its end (the 鼎湖 plan's 〔〕内为累计数)
_PERIOD_SUM_NOTE = re.compile(r"[〔【\[［]\s*[〕】\]］][^，,；;。〈《<]{0,6}?(五年|规划期内?|期间|十[一二三四五六七八九]五(期间)?)"
                              r"(累计|合计|累加|总计)(?!.{0,2}末)")
_CUMULATIVE_OPEN = tuple(open_ for open_, _ in _CUMULATIVE)


def _period_sums(raw: pd.DataFrame, src: str, notes: list, cells: dict) -> None:
    """Where the table's title or notes say 〔〕 holds five-year cumulative figures (〔〕内为五年累计数,
    the national outline's convention), a figure in 〔〕 is read as 〈〉: a sum of yearly flows over the
    plan period (``kind`` increment, in place), said in a warning; words such as 累计达到 keep their
    meaning (a total reached)."""
    said = next((str(n) for n in notes if n and _PERIOD_SUM_NOTE.search(re.sub(r"[\s“”\"']", "", normalize_words(n)))),
                None)
    if said is None:
        return
    flipped = 0
    for column, c in cells.items():
        if column not in raw.columns:
            continue
        bracketed = np.asarray(map_unique(raw[column], lambda v: normalize_words(v).replace(" ", "").lstrip(
            "≥≤<>=").startswith(_CUMULATIVE_OPEN)), dtype=bool)
        turn = bracketed & (c.kind == "cumulative")
        c.kind[turn] = "increment"
        flipped += int(turn.sum())
    if flipped:
        warnings.warn(MstargetWarning(
            f"{src}: 〔〕 read as 〈〉 (the sum of the yearly figures over the plan period, not a total at its end), as "
            f"the table's note '{said}' says（按表注，〔〕内为五年累计数，按规划期内逐年新增之和评估）"), stacklevel=4)


#: a counting note after a name: 知识产权质押融资金额（当年新增）, …（累计）
_MEASURE_IN_NAME = re.compile(r"[（(]([^（()）]{1,12})[)）]\s*$")


def _measures(raw: pd.DataFrame, ident: dict, problems: Problems) -> np.ndarray | None:
    """How a row's yearly figures (a mid-term table's ``2022年完成值``) count, in the words of
    :data:`mstarget.history.MEASURE_WORDS`: ``flow`` (当年新增: that year's own additions) or
    ``running_total`` (累计: the total since the period began), ``""`` where the row does not say.
    Said by a ``measure`` column (口径), a remarks column (备注 当年新增, :func:`mstarget.history.note_measure`)
    or a note after the name (``…（当年新增）``); a remark saying the other measure than the 口径 cell is
    refused, naming both. None when no row says (no column added)."""
    n = len(raw)
    measure = np.full(n, "", dtype=object)
    if "measure" in raw.columns:  # 口径: its words, or a remark's (当年新增数, 自2021年起累计); else not said
        measure = np.array([MEASURE_WORDS.get(t) or note_measure(t) if t else "" for t in
                            map_unique(raw["measure"], lambda v: normalize_words(v).lower().replace(" ", ""))],
                           dtype=object)
    notes = [c for c in raw.columns if isinstance(c, str) and normalize_words(c).lower().replace(" ", "")
             in NOTE_HEADERS]
    for column in notes:
        said = np.asarray(map_unique(raw[column], note_measure), dtype=object)
        for pos in np.flatnonzero((said != "") & (measure != "") & (said != measure)):
            problems.cell(pos, "measure", raw["measure"].iloc[pos],
                          f"the measure the remark '{normalize_text(raw[column].iloc[pos])}' (column '{column}') "
                          f"says, {said[pos]} (当年新增: flow; 累计: running_total); correct one of them")
        measure = np.where(measure == "", said, measure)
    named = np.array([note_measure(m.group(1)) if (m := _MEASURE_IN_NAME.search(str(t))) else ""
                      for t in ident["name"]], dtype=object)
    measure = np.where(measure == "", named, measure)
    return measure if (measure != "").any() else None


def _identity(raw: pd.DataFrame, problems: Problems) -> dict:
    """``region, indicator, name, unit`` as text; a unit written in the name (``覆盖率（%）``)
    moves to ``unit`` when that is blank; a blank id takes the name."""
    region, indicator = text_column(raw, "region"), text_column(raw, "indicator")
    region, indicator = map_unique(region, tidy_breaks), map_unique(indicator, tidy_breaks)  # 总\n量 -> 总量
    unit = unit_column(raw)  # （件/万人） -> 件/万人
    if "name" in raw.columns:
        name = map_unique(map_unique(raw["name"], written_text), tidy_breaks)  # a wrapped cell's line break
    else:
        name = indicator.copy()
    for arr in (name, indicator):
        parts = map_unique(arr, _name_and_unit)
        has_unit = np.array([bool(u) for _, u in parts], dtype=bool)
        if has_unit.any():
            arr[has_unit] = [b for (b, _), h in zip(parts, has_unit) if h]
            fill = has_unit & (unit == "")
            unit[fill] = [u for (_, u), f in zip(parts, fill) if f]
    for arr in (name, indicator):  # a row's numbering typed into the name cell: 1. 年报率, （一）年报率
        numbered = np.array([bool(NAME_NUMBERING.match(t)) and bool(NAME_NUMBERING.sub("", t, count=1))
                             for t in arr], dtype=bool)
        if numbered.any():
            arr[numbered] = [NAME_NUMBERING.sub("", t, count=1) for t in arr[numbered]]
    blank_id = indicator == ""
    indicator[blank_id] = name[blank_id]
    name[name == ""] = indicator[name == ""]
    problems.cells(indicator == "", "indicator", raw["indicator"], "an indicator id (text), not blank")
    return {"region": region, "indicator": indicator, "name": name, "unit": unit}


def _name_and_unit(text) -> tuple[str, str]:
    base, unit = split_unit(text) if text else (text, "")
    return (base, unit) if unit else (text, "")


def _years(raw: pd.DataFrame, column: str, problems: Problems, *, required: bool) -> np.ndarray:
    """Integer years (float array, NaN where blank or bad)."""
    if column not in raw.columns:
        return np.full(len(raw), np.nan)
    parsed = map_unique(raw[column], parse_year)
    bad = np.array([isinstance(v, ValueError) for v in parsed], dtype=bool)
    blank = np.array([v is None for v in parsed], dtype=bool)
    for pos in np.flatnonzero(bad):
        problems.cell(pos, column, raw[column].iloc[pos], "an integer year such as 2025" + year_hint(raw[column].iloc[pos]))
    if required:
        problems.cells(blank, column, raw[column], "a year such as 2025, not blank")
    return np.array([np.nan if (b or k) else float(v) for v, b, k in zip(parsed, bad, blank)])


@dataclass
class _Cells:
    """A parsed plan column: ``value`` (float, NaN blank or bad), ``kind`` / ``direction``
    (object, None where not stated), ``ok`` (parsed and not blank)."""

    value: np.ndarray
    kind: np.ndarray
    direction: np.ndarray
    ok: np.ndarray
    unit: np.ndarray | None = None  # the unit written after the number, None where there is none
    readable: np.ndarray | None = None  # parsed without error (a number, blank or "—")
    percent: np.ndarray | None = None  # written with % (bool)
    decimals: np.ndarray | None = None  # decimals the text wrote (float, NaN: not text, or blank)
    #: the preliminary mark each cell wrote after its figure (``4.55（快报）`` -> ``"快报"``), ``""`` where none
    marks: np.ndarray | None = None
    #: the cell's bound excludes its figure (``低于0.15``: :attr:`Cell.strict`), bool; None: no such column
    strict: np.ndarray | None = None


def _cells(raw: pd.DataFrame, column: str, problems: Problems, *, required: bool, columns=None,
           numeric: np.ndarray | None = None, noted: dict | None = None) -> _Cells:
    """``column`` parsed; its bad cells reported, named by ``columns[pos]`` (the header each cell
    was read from, in a table of yearly targets) when given. ``numeric``: the rows of a quantitative target
    (a 完成值 column's), whose cells in words (已建成) are told they need the year's figure. ``noted``: the marks
    the table's notes explain as preliminary (:func:`mstarget.validation.preliminary_footnotes`), read after a
    baseline or 完成值 figure as its preliminary mark."""
    n = len(raw)
    if column not in raw.columns:
        none = np.full(n, None, dtype=object)
        return _Cells(np.full(n, np.nan), none, none.copy(), np.zeros(n, dtype=bool), None, np.ones(n, dtype=bool),
                      np.zeros(n, dtype=bool), np.full(n, np.nan))
    parsed = map_unique(raw[column], parse_cell)
    marks = None
    if column == "baseline" or str(column).startswith(layout.OBSERVED_PREFIX):  # 1.9（初步统计）: its figure
        marks = _preliminary_figures(raw, column, parsed, problems, noted)
    bad = np.array([isinstance(c, ValueError) for c in parsed], dtype=bool)
    cells = [Cell(None) if b else c for c, b in zip(parsed, bad)]
    value = np.array([np.nan if c.value is None else c.value for c in cells], dtype=float)
    hints = map_unique(raw[column].where(bad, ""), _cell_hint) if bad.any() else None
    name = (lambda pos: column) if columns is None else (lambda pos: str(columns[pos]))
    for pos in np.flatnonzero(bad):
        text = raw[column].iloc[pos]
        if numeric is not None and numeric[pos] and not hints[pos] and _words_only(text):
            problems.cell(pos, name(pos), text, WORDS_HELP)
            continue
        problems.cell(pos, name(pos), text, hints[pos] + CELL_HELP)
    if required:
        for pos in np.flatnonzero(~bad & np.isnan(value)):
            label = _row_name(raw, pos)
            if layout.TOTAL_INDICATOR.match(re.sub(r"\s+", "", label)):  # 合计 under 指标名称: no indicator
                problems.cell(pos, name(pos), raw[column].iloc[pos],
                              f"not a total row: '{label}' is the table's total (合计行), not an "
                              "indicator -- delete the row（合计行不是指标，请删除该行）")
                continue
            problems.cell(pos, name(pos), raw[column].iloc[pos], _heading_hint(raw, pos, label) + _growth_hint(raw, pos) +
                          "a target value, not blank (a qualitative target: write its words, 建成 / 全面推行, or write "
                          "定性 in the row's 属性 cell, to keep it in the table as 定性指标，另行评价; a target not set yet "
                          "in a draft: write 待定 to have `suggest` give figures for it, with a 指标方向 column 正向 / "
                          "逆向, or write 持续提升 / 逐步下降 for a direction from the baseline（目标未定请填“待定”或"
                          "“持续提升”“逐步下降”）); " + CELL_HELP)
    return _Cells(value, np.array([c.kind for c in cells], dtype=object),
                  np.array([c.direction for c in cells], dtype=object), ~np.isnan(value),
                  np.array([c.unit for c in cells], dtype=object), ~bad,
                  np.array([c.percent for c in cells], dtype=bool),
                  np.array([np.nan if c.decimals is None or c.value is None else c.decimals for c in cells],
                           dtype=float),
                  marks, np.array([c.strict for c in cells], dtype=bool))


def _preliminary_figures(raw: pd.DataFrame, column: str, parsed: list, problems: Problems,
                         noted: dict | None = None) -> np.ndarray:
    """A baseline or 完成值 cell marked preliminary after its figure (``1.9（初步统计）``, ``99.3（快报）``,
    also inside its brackets: ``〔3.05（预计）〕``; or by a mark the notes explain, ``noted``: ``2.42*`` under
    ``注：带*号的数据为快报数``) read as that figure (``parsed`` changed in place), with one
    warning naming the cells, as a history's are; a target so marked is no target and stays refused.
    Returns each cell's mark (``"快报"``, ``"预计"``, ``"初步"`` ...; ``""`` for a cell not so marked), which
    :func:`read_plan` keeps (``preliminary_<year>``, ``baseline_preliminary``)."""
    marks = np.full(len(parsed), "", dtype=object)
    marked = []
    for pos, c in enumerate(parsed):
        if isinstance(c, ValueError):
            cell = raw[column].iloc[pos]
            figure = preliminary_figure(cell)
            if figure is None:
                figure = _bracketed_preliminary(cell)
            word = None
            if figure is None and (explained := noted_footnote(cell, noted)) is not None:
                figure, word = explained  # 2.42* under 注：带*号的数据为快报数
            if figure is None:
                continue
            try:
                parsed[pos] = parse_cell(figure)
            except ValueError:  # 约99（初步）: refused as the figure alone would be
                continue
            if parsed[pos].value is None:
                continue
            marks[pos] = word or preliminary_mark_of(cell) or _DEFAULT_MARK
            marked.append((pos, column, cell))
    if marked:
        warn_preliminary(problems, marked)
    return marks


#: the mark of a figure flagged preliminary whose word is not one of PRELIMINARY_WORDS (never expected)
_DEFAULT_MARK = "初步"


def preliminary_mark_of(text) -> str:
    """The preliminary word a cell or header writes (``4.55（快报）`` -> ``"快报"``, ``2025年基数（预计）`` ->
    ``"预计"``, ``基期值（2025年预计数）`` -> ``"预计"``), the first of
    :data:`mstarget.validation.PRELIMINARY_WORDS` written; ``""`` for text that marks no preliminary figure
    (a final figure's header, 2025年（年报）, is none)."""
    if not isinstance(text, str) or layout.revision_mark(text) != "preliminary":
        return ""
    return preliminary_word_in(text)


def _bracketed_preliminary(cell) -> str | None:
    """``〔3.05（预计）〕`` -> ``"〔3.05〕"``: a stock's or sum's figure with its preliminary mark written inside
    the plan's brackets; None for any other cell."""
    if not isinstance(cell, str):
        return None
    s = normalize_words(cell).strip()
    for open_, close in (*_CUMULATIVE, *_INCREMENT):
        if s.startswith(open_) and s.endswith(close) and len(s) > 2:
            inner = preliminary_figure(s[len(open_):-len(close)])
            return None if inner is None else f"{open_}{inner}{close}"
    return None


def _units_in_cells(raw, unit: np.ndarray, cells: dict, problems: Problems) -> None:
    """A unit written after the number (``15万户``) fills a blank unit and must agree with a given
    one (compared as :func:`mstarget.consistency.normalize_unit` does: 件/万人口 is 件/万人)."""
    for column, c in cells.items():
        if column not in raw.columns:
            continue
        if c.percent is not None:  # 12% in a row in 件/万人
            for pos in np.flatnonzero(c.percent):
                wrong = consistency.percent_in_cell(unit[pos])
                if wrong:
                    problems.cell(pos, column, raw[column].iloc[pos], wrong)
        if c.unit is None:
            continue
        for pos in np.flatnonzero([u is not None for u in c.unit]):
            wrong = consistency.unit_in_cell(unit, pos, c.unit[pos])
            if wrong:
                problems.cell(pos, column, raw[column].iloc[pos], wrong)


_BINDING_MARKS = ("*", "※", "△", "▲", "★", "☆")  # after NFKC: ＊ is *

#: a target written in words that say only which way the indicator should move, compared with the
#: row's baseline (DESIGN: "enterprise annual-report rate to keep rising"); negations first
_WORDS_NOT_BELOW = ("不降", "不减", "不下降", "不减少", "不低于基期", "只增不减", "只升不降")
_WORDS_NOT_ABOVE = ("不增", "不上升", "零增长", "不超过基期", "只减不增", "只降不升")
_WORDS_UP = ("升", "提高", "增", "扩大", "加大")
_WORDS_DOWN = ("降", "减", "缩小", "回落", "压缩")
_WORDS_NO_WAY = ("稳定", "保持", "优化", "改善", "巩固", "完善", "加强", "健全", "达标", "实现")


def target_in_words(text) -> str:
    """The direction a target written only in words asks for: ``持续提升`` / ``逐年提高`` /
    ``稳中有升`` / ``不降低`` -> ``">="``, ``逐步下降`` / ``持续减少`` / ``零增长`` -> ``"<="``; ``""``
    for a number, a blank, or words that say no direction (``保持稳定``, ``持续优化``).

    >>> target_in_words("持续提升"), target_in_words("只增不减"), target_in_words("逐年下降")
    ('>=', '>=', '<=')
    >>> target_in_words("保持稳定"), target_in_words("≥99"), target_in_words("")
    ('', '', '')
    """
    s = normalize_words(text).replace(" ", "")
    if not s or len(s) > 12 or any(ch.isdigit() for ch in s) or s.lower() in NO_FIGURE:
        return ""
    if any(w in s for w in _CHANGE_SIZE_WORDS):  # 增加百分之二十: a size, read as a change or refused
        return ""
    if any(w in s for w in _WORDS_NOT_BELOW):
        return ">="
    if any(w in s for w in _WORDS_NOT_ABOVE):
        return "<="
    up, down = any(w in s for w in _WORDS_UP), any(w in s for w in _WORDS_DOWN)
    return ">=" if up and not down else "<=" if down and not up else ""


#: a target written as a change from the baseline: [比2020年 / 较基期] [累计] [年均] 增长 / 提高 / 下降 / 降低 ...
#: a number in % / 个百分点 / 倍 [以上 / 以内]; 翻一番 / 翻两番
_RELATIVE = re.compile(r"^(?:(?:比|较)(?:(?P<year>(?:19|20)\d{2})年(?:末|底)?|基期|基期值|基数))?(?:累计)?"
                       r"(?P<yearly>年均)?(?P<way>增长|提高|提升|增加|上升|扩大|下降|降低|减少|压减|压缩|下调)"
                       r"(?P<amount>\d+(?:\.\d+)?)(?P<how>%|个百分点|百分点|倍)(?P<bound>以上|以内|以下)?$")
_UP_WORDS = ("增长", "提高", "提升", "增加", "上升", "扩大")
_DOUBLINGS = {"翻一番": 2.0, "翻番": 2.0, "翻两番": 4.0, "翻二番": 4.0}
#: words saying a change's size (百分之二十, 一倍, 两个百分点, 翻一番): a target with them is a change from the
#: baseline (:func:`target_as_change`) or refused, never a direction alone (:func:`target_in_words`)
_CHANGE_SIZE_WORDS = ("百分之", "百分点", "倍", "番")
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
_CN_FIGURE = "零〇一二两三四五六七八九十百点"
#: a change's size in Chinese numerals: 百分之二十 (-> 20%), 一倍 (-> 1倍), 两个百分点 (-> 2个百分点)
_CN_PERCENT = re.compile(rf"百分之([{_CN_FIGURE}]+)")
_CN_BEFORE_HOW = re.compile(rf"([{_CN_FIGURE}]+)(?=个百分点|百分点|倍)")


def _cn_number(text: str) -> float | None:
    """A number written in Chinese numerals up to 999 with decimals (二十 -> 20, 十五 -> 15, 一百 -> 100,
    二点五 -> 2.5, 两 -> 2), or None for anything else."""
    whole, _, decimals = text.partition("点")
    if not whole or (decimals and not all(c in _CN_DIGIT for c in decimals)) or re.search(r"百[一-龥]$", whole):
        return None  # (一百二: 120 said short, or 102? not guessed)
    value, digit = 0, None
    for c in whole:
        if c in _CN_DIGIT:
            if digit is not None:  # 二三: two digits in a row (only 一百零五 spells a 0 so)
                if digit != 0:
                    return None
            digit = _CN_DIGIT[c]
        elif c in "十百":
            value += (1 if digit is None else digit) * (10 if c == "十" else 100)
            digit = None
        else:
            return None
    value += digit or 0
    return value + (float("0." + "".join(str(_CN_DIGIT[c]) for c in decimals)) if decimals else 0.0)


def _change_in_digits(s: str) -> str:
    """A change's size written in Chinese numerals rewritten in digits, the rest as it is: ``增加百分之二十`` ->
    ``增加20%``, ``增加一倍`` -> ``增加1倍``, ``提高两个百分点`` -> ``提高2个百分点`` (one not read is left)."""
    def figure(m: re.Match, after: str = "") -> str:
        value = _cn_number(m.group(1))
        return m.group(0) if value is None else f"{value:g}{after}"
    s = _CN_PERCENT.sub(lambda m: figure(m, "%"), s)
    return _CN_BEFORE_HOW.sub(figure, s)


@dataclass(frozen=True)
class Change:
    """A target written as a change from the baseline (``下降10%``, ``年均增长8%``, ``提高2个百分点``,
    ``翻一番``): ``how`` is ``"percent"``, ``"points"`` or ``"times"``; ``amount`` signed (down:
    negative); ``yearly`` for 年均 (compounded / added once a year from the baseline year to the
    target year); ``direction`` ``>=`` for a rise (``<=`` for a fall, either flipped by 以内 / 以下);
    ``year`` the year it is counted from when written (比2020年)."""

    how: str
    amount: float
    direction: str
    yearly: bool = False
    year: int | None = None

    def target(self, baseline: float, years: float) -> float:
        """The target this change makes of ``baseline`` over ``years`` years (NaN when it cannot)."""
        n = years if self.yearly else 1.0
        if self.how == "points":
            return baseline + self.amount * n
        factor = self.amount if self.how == "times" else 1.0 + self.amount / 100.0
        return baseline * factor ** n if factor > 0 else float("nan")


def target_as_change(text) -> Change | None:
    """A target written as a change from the baseline, or None.

    >>> target_as_change("下降10%")
    Change(how='percent', amount=-10.0, direction='<=', yearly=False, year=None)
    >>> target_as_change("年均增长8%以上").yearly, target_as_change("提高2个百分点").how
    (True, 'points')
    """
    if not isinstance(text, str) or _PLAIN_NUMBER.fullmatch(text):  # a number: no words (most cells)
        return None
    s = _strip_commitment(normalize_words(text).replace(" ", ""))
    if s in _DOUBLINGS:
        return Change("times", _DOUBLINGS[s], ">=")
    m = _RELATIVE.match(_change_in_digits(s))  # 增加百分之二十, 增加一倍: as 增加20%, 增加1倍
    if not m:
        return None
    up = m.group("way") in _UP_WORDS
    how = {"%": "percent", "倍": "times"}.get(m.group("how"), "points")
    amount = float(m.group("amount"))
    if how == "times":  # 增长1倍: twice the baseline
        if not up:
            return None
        amount += 1.0
    elif not up:
        amount = -amount
    direction = ">=" if up else "<="
    if m.group("bound") in ("以内", "以下"):  # 增长控制在5%以内: at most
        direction = "<=" if up else ">="
    return Change(how, amount, direction, bool(m.group("yearly")), int(m.group("year")) if m.group("year") else None)


#: 增加10 / 累计增加10 / 增加10以上 with no unit after the figure: in a row of a rate (%), a change in points
_RATE_ADDITION = re.compile(r"^(?:累计|期间|五年)?增加(?P<amount>\d+(?:\.\d+)?)(?P<bound>以上|以内|以下)?$")


def rate_addition(text) -> Change | None:
    """``增加10`` read as a change of 10 percentage points (``提高10个百分点``), for a row whose figures are rates:
    a rate is not added up over a period, so the 〈10〉 that ``增加10`` is in a row of counts cannot be meant.
    None for any other cell (``增加10%``, ``增加到70`` ...: :func:`target_as_change`, :func:`parse_cell`).

    >>> rate_addition("增加10"), rate_addition("增加到70")
    (Change(how='points', amount=10.0, direction='>=', yearly=False, year=None), None)
    """
    if not isinstance(text, str):
        return None
    m = _RATE_ADDITION.match(_strip_commitment(normalize_words(text).replace(" ", "")))
    if not m:
        return None
    return Change("points", float(m.group("amount")), "<=" if m.group("bound") in ("以内", "以下") else ">=")


def points_written(text: str) -> str:
    """A rate's ``增加10`` (:func:`rate_addition`) as it is read, ``增加10个百分点``, so that the report says the
    target as a change in points (as ``提高2个百分点``), not a figure (期间 / 五年 before it dropped: they say
    nothing of points).

    >>> points_written("增加10以上"), points_written("期间增加2.5")
    ('增加10个百分点以上', '增加2.5个百分点')
    """
    text = re.sub(r"(?:期间|五年)(?=增加)", "", text)
    return re.sub(r"(\d+(?:\.\d+)?)", r"\1个百分点", text, count=1)


#: a target with a firmer and a striven-for figure: ``≥95%（力争98%）``, ``6%以上，力争7%``, ``确保95、力争98``
_TWO_TIER = re.compile(rf"^(?P<main>[^()]+?)(?:[,;、]|\()(?:{'|'.join(_STRIVE)})(?:达到|实现|突破)?"
                       r"(?P<striven>[^(),;、]+?)\)?$")


def striven_target(text, unit: str = "") -> tuple[str, float] | None:
    """A target written with a firmer and a striven-for figure (``6%以上，力争7%``, ``≥95%（力争98%）``):
    ``(the firmer target's text, the striven-for figure)``, the text given the direction the two
    figures show when it has none (``95，力争98`` -> ``≥95``); None for any other cell, and for two
    figures that do not agree (units, notation, or a striven-for figure short of the firmer one).
    ``unit``: the row's, which a unit written after either figure must be.

    >>> striven_target("6%以上，力争7%")
    ('6%以上', 7.0)
    >>> striven_target("95，力争98"), striven_target("≥98")
    (('≥95', 98.0), None)
    """
    if not isinstance(text, str) or _PLAIN_NUMBER.fullmatch(text):
        return None
    m = _TWO_TIER.match(normalize_words(text).replace(" ", ""))
    if not m:
        return None
    try:
        main, aim = parse_cell(m.group("main")), parse_cell(m.group("striven"))
    except ValueError:
        return None
    if main.value is None or aim.value is None or aim.kind not in ("level", main.kind) or \
            not _one_unit(main, aim, unit) or \
            aim.direction not in (None, main.direction) or aim.value == main.value:
        return None
    direction = main.direction or (">=" if aim.value > main.value else "<=")
    if (aim.value > main.value) != (direction == ">="):
        return None  # ≥95，力争90: the striven-for figure is no further than the firm one
    firm = _strip_commitment(m.group("main"))
    if main.direction is None:
        firm = ("≥" if direction == ">=" else "≤") + firm
    return firm, float(aim.value)


#: the words of a striven-for figure as written (traditional too), to skip every other cell at once
_STRIVE_SEARCH = re.compile("|".join(_STRIVE + ("力爭", "爭取")))


def _is_two_tier(text) -> bool:
    return isinstance(text, str) and _STRIVE_SEARCH.search(text) is not None and \
        bool(_TWO_TIER.match(normalize_words(text).replace(" ", "")))


def _one_unit(main: "Cell", aim: "Cell", unit: str) -> bool:
    """The two figures of a two-tier target and the row are in one unit (``%`` one too)."""
    units = {u for u in (main.unit, aim.unit, unit) if u}
    if len(units) > 1:
        return False
    return not (main.percent or aim.percent) or all(is_percent(u) for u in units)


def _striven_targets(raw: pd.DataFrame, unit: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Targets with a striven-for figure (:func:`striven_target`): ``(that figure per row, NaN
    elsewhere; the table with those cells holding the firmer target alone)``."""
    striven = np.full(len(raw), np.nan)
    if "target" not in raw.columns:
        return striven, raw
    two_tier = np.flatnonzero(np.asarray(map_unique(raw["target"], _is_two_tier), dtype=bool))
    if not two_tier.size:  # most plans: no cell to split
        return striven, raw
    column = raw["target"].astype(object).to_numpy(copy=True)
    split = {pos: striven_target(column[pos], unit[pos]) for pos in two_tier}
    rows = [pos for pos, t in split.items() if t is not None]
    if not rows:
        return striven, raw
    for pos in rows:
        column[pos], striven[pos] = split[pos]
    out = raw.copy(deep=False)
    out["target"] = column
    return striven, out


#: a range target's two figures (5-8, 5～8 (NFKC: 5~8), 5—8%, 5%-8%, 5至8, 1.5-2.0万户): each end a figure,
#: the unit or % after the second (or after both); a negative end is not read (its minus is a dash too)
_RANGE = re.compile(r"(?P<low>[0-9][0-9,]*(?:\.[0-9]+)?%?)(?:-|~|—|–|―|至|到)(?P<high>[0-9][0-9,]*(?:\.[0-9]+)?)"
                    r"(?P<rest>\D*)")


@dataclass(frozen=True)
class Range:
    """A target written as a range (``5-8%``, ``〔1.5-2.0〕``): its ends as written (``low`` below
    ``high``, each a text :func:`parse_cell` reads, with the % or unit written after the second),
    their figures, the notation (``kind``) and the direction a sign says (``None`` when none is
    written: it then comes from a direction column or the baseline)."""

    low: str
    high: str
    low_value: float
    high_value: float
    kind: str = "level"
    direction: str | None = None

    def tiers(self, direction: str) -> tuple[str, float]:
        """``(the firm target's text, the striven-for figure)`` for ``direction``: a floor (``>=``) is
        the low end, striving for the high one; a cap (``<=``) the high end, striving for the low one."""
        firm, aim = (self.low, self.high_value) if direction == ">=" else (self.high, self.low_value)
        opening, closing = {"cumulative": _CUMULATIVE[0], "increment": _INCREMENT[0]}.get(self.kind, ("", ""))
        return ("≥" if direction == ">=" else "≤") + opening + firm + closing, aim


def range_target(text, unit: str = "") -> Range | None:
    """A target written as a range, or None: ``5-8``, ``5～8``, ``5—8%``, ``5%-8%``, ``5至8``,
    ``〔1.5-2.0〕``, ``≥5-8`` (a sign: the direction), ``保持在95%-98%`` (verbs read past). None for
    any other cell and for ends that do not agree (units, a % on one end in a row not in %, equal ends).
    ``unit``: the row's, which a unit written after the figures must be.

    >>> r = range_target("5—8%"); (r.low, r.high, r.direction)
    ('5%', '8%', None)
    >>> range_target("≥5-8").tiers(">="), range_target("5-8").tiers("<=")
    (('≥5', 8.0), ('≤8', 5.0))
    """
    if not isinstance(text, str) or _PLAIN_NUMBER.fullmatch(text):
        return None
    s = normalize_words(text).replace(" ", "").replace("−", "-").replace("－", "-")
    if not any(sep in s for sep in "-~—–―至到"):  # (most cells: no range)
        return None
    s = _strip_verb(_strip_commitment(s))
    direction, s = _strip_direction(s)
    kind, s = _strip_brackets(s)
    for suffixes, d in ((_GE_SUFFIX, ">="), (_LE_SUFFIX, "<=")):
        for suf in suffixes:
            if s.endswith(suf):
                if direction not in (None, d):
                    return None
                direction, s = d, s[: -len(suf)]
    m = _RANGE.fullmatch(s)
    if not m:
        return None
    rest = m.group("rest")
    low = m.group("low") if m.group("low").endswith("%") or not rest else m.group("low") + rest
    high = m.group("high") + rest
    try:
        lo, hi = parse_cell(low), parse_cell(high)
    except ValueError:
        return None
    if lo.value is None or hi.value is None or lo.kind != "level" or hi.kind != "level" or \
            lo.direction is not None or hi.direction is not None or lo.value == hi.value or \
            not _one_unit(lo, hi, unit):
        return None
    if lo.value > hi.value:  # 8-5: the same two figures
        (low, lo), (high, hi) = (high, hi), (low, lo)
    return Range(low, high, float(lo.value), float(hi.value), kind, direction)


def _given_directions(raw: pd.DataFrame) -> np.ndarray:
    """Per row the direction a ``direction`` column (or a 指标方向 column of 正向 / 逆向 under a header
    no alias lists) says, None where it says none or cannot be read (:func:`_directions` reports it)."""
    column = "direction" if "direction" in raw.columns else _direction_column(raw)
    if column is None:
        return np.full(len(raw), None, dtype=object)
    text = map_unique(raw[column], lambda v: normalize_words(v).replace(" ", "").lower())
    return np.array([_DIRECTION_WORDS.get(t) if t else None for t in text], dtype=object)


def _range_targets(raw: pd.DataFrame, unit: np.ndarray, baseline: "_Cells", striven: np.ndarray,
                   problems: Problems, columns=None) -> tuple[np.ndarray, pd.DataFrame]:
    """Targets written as a range (:func:`range_target`, ``5-8%``) read as two tiers: the end on the
    target's side that is easier to reach is the target, the other the striven-for figure (``striven``,
    a copy returned; NaN elsewhere). The side: a sign in the cell, else a direction column, else the
    baseline (both ends above it: ``>=``, 5-8 -> target 5, striving for 8; both below: ``<=``, target
    8, striving for 5; an increment without a baseline: ``>=``). A range whose ends lie on both sides of
    the baseline is refused, naming the cell (``columns[pos]``: the header each cell came from).
    Returns the striven-for figures and the table with those cells holding the firm target alone."""
    if "target" not in raw.columns:
        return striven, raw
    ranges = map_unique(raw["target"], lambda v: range_target(v))
    todo = [pos for pos in np.flatnonzero([r is not None for r in ranges]) if not np.isfinite(striven[pos])]
    if not todo:  # most plans: no range
        return striven, raw
    striven = striven.copy()
    column = raw["target"].astype(object).to_numpy(copy=True)
    given = _given_directions(raw)
    for pos in todo:
        rng = range_target(column[pos], unit[pos])  # with the row's unit
        if rng is None:
            continue  # ends that disagree: refused with the hint on ranges
        direction = rng.direction or given[pos]
        base = baseline.value[pos] if baseline.ok[pos] else np.nan
        if direction is None and rng.kind == "increment" and not np.isfinite(base):
            direction = ">="  # 〈5-8〉: additions over the period, at least
        if direction is None and np.isfinite(base):
            if rng.low_value >= base and rng.high_value > base:
                direction = ">="
            elif rng.high_value <= base and rng.low_value < base:
                direction = "<="
            else:
                name = "target" if columns is None else str(columns[pos])
                problems.cell(pos, name, raw["target"].iloc[pos],
                              f"a range that lies on one side of the baseline {base:g} (column "
                              f"'{problems.column_of('baseline')}'): its ends {rng.low_value:g} and "
                              f"{rng.high_value:g} lie on both sides, so neither is the floor nor the cap; write "
                              f"'≥{rng.low}' or '≤{rng.high}', or '≥{rng.low}-{rng.high}' / a 指标方向 column (正向 / "
                              "逆向) if the range is meant so（区间目标跨越基期值，无法判断方向：请写≥或≤，或填写指标方向）")
                column[pos] = rng.low  # (read as a figure, so that the cell is not refused twice)
                continue
        if direction is None:  # no baseline and no sign: refused by _directions, naming the cell
            column[pos] = rng.low
            continue
        column[pos], striven[pos] = rng.tiers(direction)
    out = raw.copy(deep=False)
    out["target"] = column
    return striven, out


def _striven_column(raw: pd.DataFrame, target: "_Cells", aim: "_Cells", striven: np.ndarray,
                    problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """A two-tier target kept in two columns (``2025年基本目标 | 2025年奋斗目标``, or ``预期目标 | 力争目标``
    under ``2025年目标值``): the second column's figure is the striven-for one, read as ``≥90（力争95）`` in one
    cell is (:func:`striven_target`): in the target's notation or plain, beyond the target on its side (a
    target without ≥ / ≤ takes the side the two figures show). Returns the striven-for figures (the
    in-cell ones ``striven`` kept) and the rows whose figure came from the column; its cells that
    disagree with their target are refused, naming both."""
    from_column = np.zeros(len(raw), dtype=bool)
    if "target_striven" not in raw.columns:
        return striven, from_column
    striven = striven.copy()
    header = problems.column_of("target")
    for pos in np.flatnonzero(aim.ok & target.ok):
        firm, value = target.value[pos], aim.value[pos]
        shown = normalize_text(raw["target"].iloc[pos])
        if np.isfinite(striven[pos]):  # ≥90（力争95） in the target cell and a 力争目标 beside it
            if striven[pos] != value:
                problems.cell(pos, "target_striven", raw["target_striven"].iloc[pos],
                              f"the striven-for figure the target cell '{shown}' (column '{header}') gives, "
                              f"{striven[pos]:g}; keep it in one place（目标值单元格已写力争值，两处不一致）")
            continue
        direction = target.direction[pos] or (">=" if value > firm else "<=")
        if aim.kind[pos] not in ("level", target.kind[pos]) or aim.direction[pos] not in (None, direction) \
                or value == firm or (value > firm) != (direction == ">="):
            side = "above" if direction == ">=" else "below"
            problems.cell(pos, "target_striven", raw["target_striven"].iloc[pos],
                          f"a striven-for figure {side} the target '{shown}' (column '{header}'), in its notation or "
                          f"plain（力争目标应比目标值更进一步，且记法一致）; or leave the cell blank")
            continue
        if target.direction[pos] is None:
            target.direction[pos] = direction
        striven[pos], from_column[pos] = value, True
    return striven, from_column


def _targets_in_words(raw: pd.DataFrame, baseline: "_Cells", baseline_year: np.ndarray,
                      target_year: np.ndarray, ident: dict) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    """Targets written in words: ``(direction per row, "" elsewhere; the table with those target
    cells replaced by the figure they stand for; the rows whose 增加X is read as points, being rates, bool:
    those with no direction were not read, :func:`_rate_additions` refuses them)``.

    * A direction only (``持续提升``): the target is the baseline value with that direction
      (``≥ 95.01``: met when the target year's value is at least the baseline).
    * A change from the baseline (:func:`target_as_change`: ``下降10%`` -> ``≤`` 0.9 x baseline,
      ``年均增长8%`` -> ``≥`` baseline x 1.08 per year to the target year, ``提高2个百分点`` -> ``≥``
      baseline + 2 in a % row, ``翻一番`` -> ``≥`` twice the baseline), kept in the baseline's notation
      (〔〕 for a stock). ``增加10`` in a row of rates (a % unit, or a baseline written 60% in a row without
      a unit) is ``提高10个百分点`` (:func:`rate_addition`); in other rows it is an addition, 〈10〉.

    A row without what the words need (a readable baseline; both years for 年均; a % unit for
    百分点; a year after 比 that is the baseline's) is left as written, and refused with the fix
    (:func:`_cell_hint`); so is a change written for a row that is itself a rate of change
    (研发经费增长率 % with 增长10%: the rate to reach, or 10 % more of it? not guessed)."""
    unit = ident["unit"]
    if "target" not in raw.columns:
        return np.full(len(raw), "", dtype=object), raw, np.zeros(len(raw), dtype=bool)
    if "baseline" not in raw.columns:  # 增加10 in a % row: points above a baseline the table does not give
        in_points = _rate_rows(raw, baseline, unit) & \
            np.array([c is not None for c in map_unique(raw["target"], rate_addition)], dtype=bool)
        return np.full(len(raw), "", dtype=object), raw, in_points
    words = np.asarray(map_unique(raw["target"], target_in_words), dtype=object)
    words[~baseline.ok] = ""
    changes = np.asarray(map_unique(raw["target"], target_as_change), dtype=object)
    in_points = _rate_rows(raw, baseline, unit) & np.array([c is None for c in changes], dtype=bool)
    changes[in_points] = map_unique(raw["target"][in_points], rate_addition)  # 增加10 in a % row: 10 points
    in_points &= np.array([c is not None for c in changes], dtype=bool)
    column = None
    if (words != "").any():
        column = raw["target"].astype(object).to_numpy(copy=True)
        column[words != ""] = raw["baseline"].astype(object).to_numpy()[words != ""]
    for pos in np.flatnonzero([c is not None for c in changes]):
        change, base = changes[pos], baseline.value[pos]
        years = target_year[pos] - baseline_year[pos]
        if _average_rate_target(change, unit[pos], ident["name"][pos], ident["indicator"][pos]):
            # 研发经费投入增长 | % | 年均增长7%以上: the rate itself, averaged over the period (assess.period_average
            # reads 年均 in target_written), not 7 % more of it
            if column is None:
                column = raw["target"].astype(object).to_numpy(copy=True)
            column[pos] = ("≥" if change.direction == ">=" else "≤") + f"{change.amount:.10g}"
            words[pos] = change.direction
            continue
        if (not baseline.ok[pos] or baseline.kind[pos] == "increment" or not np.isfinite(base)
                or (change.yearly and not np.isfinite(years))
                or (change.year is not None and change.year != baseline_year[pos])
                or (change.how == "points" and unit[pos] and not is_percent(unit[pos]))
                or percent_kind(unit[pos], ident["name"][pos], ident["indicator"][pos]) == "change"):
            continue
        value = change.target(float(base), float(years) if np.isfinite(years) else 1.0)
        if not np.isfinite(value):
            continue
        if column is None:
            column = raw["target"].astype(object).to_numpy(copy=True)
        sign = "≥" if change.direction == ">=" else "≤"
        figure = f"{value:.10g}"
        column[pos] = f"{sign}〔{figure}〕" if baseline.kind[pos] == "cumulative" else f"{sign}{figure}"
        words[pos] = change.direction
    if column is None:
        return words, raw, in_points
    out = raw.copy(deep=False)
    out["target"] = column
    return words, out, in_points


#: a growth cell read as a target: 5, 5%, ≥5, 5以上, -3 (a fall), 〔10〕 (over the whole period)
_GROWTH_CELL = re.compile(r"(?P<open>[〔\[【])?(?P<sign>[≥>]|不低于)?(?P<neg>[-−－])?(?P<amount>\d+(?:\.\d+)?)%?"
                          r"(?P<above>以上)?(?(open)[〕\]】])")


def _targets_from_growth_column(raw: pd.DataFrame, src: str, rows) -> pd.DataFrame:
    """A target left blank (``—``, ``暂无``, empty) in a row whose growth column (:data:`layout.GROWTH_HEADER`: one column
    headed 年均增长 / 年均增速 / 累计增长) gives a figure is that growth from the baseline, as if the target cell
    said so: ``5%`` under 年均增长 -> ``年均增长5%`` (compounded yearly from the baseline year to the target year,
    :func:`target_as_change`), ``〔10〕`` or a 累计 header -> ``累计增长10%``, ``-3`` -> ``年均下降3%``, ``≥5`` /
    ``5以上`` -> ``年均增长5%以上``. Only rows with a readable baseline figure are read so; the words are kept in
    ``target_written`` and a warning names the rows. A growth cell in other words (``5左右``, ``高于GDP增长``), or
    in a row whose name speaks of a fall (单位GDP能耗降低 | 〔13.5〕: a fall of 13.5 %, or a rise? not guessed), leaves
    the blank target as it is, refused as before (:func:`_growth_hint` says why)."""
    if "target" not in raw.columns or "baseline" not in raw.columns:
        return raw
    col = _growth_column(raw)
    if col is None:
        return raw
    target = raw["target"].astype(object).to_numpy(copy=True)
    baseline, growths = raw["baseline"].to_numpy(dtype=object), raw[col].to_numpy(dtype=object)
    blank = [pos for pos, cell in enumerate(target) if _cell_key(cell) in NO_FIGURE | {""}]
    said = []
    for pos in blank:
        base, growth = baseline[pos], growths[pos]
        m = _GROWTH_CELL.fullmatch(_cell_key(growth))
        if m is None or not np.isfinite(_figure_or_nan(base)) or _FALL_NAME.search(_row_name(raw, pos)):
            continue
        words = (("累计" if m.group("open") or "年均" not in col else "年均") + ("下降" if m.group("neg") else "增长")
                 + m.group("amount") + "%" + ("以上" if m.group("sign") or m.group("above") else ""))
        target[pos] = words
        said.append(f"row {rows[pos] if rows is not None else pos + 1}: {growth} -> {words}")
    if not said:
        return raw
    warnings.warn(MstargetWarning(
        f"{src}: {len(said)} target(s) left blank are read from the column '{col}' as a change from the baseline "
        f"({'; '.join(said[:5])}{' ...' if len(said) > 5 else ''}); write the target figure in the target column "
        f"to have it read instead（目标值空缺的指标按“{col}”列折算目标，请核对）"), stacklevel=4)
    out = raw.copy(deep=False)
    out["target"] = target
    return out


#: a name speaking of a fall (单位GDP能耗降低, 下降率): its growth column's figure may be the fall itself
_FALL_NAME = re.compile(r"降低|下降|减少|压减|降幅|减排")


def _cell_key(value) -> str:
    """A cell as its words are read, spaces out (:func:`normalize_words`): ``""`` for a blank, None or NaN cell,
    ``"5"`` / ``"4.6"`` for a number held as one (5.0 as ``"5"``)."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) and math.isfinite(value):
        return f"{float(value):.15g}"
    return normalize_words(value).replace(" ", "")


def _row_name(raw: pd.DataFrame, pos: int) -> str:
    """The row's indicator name as written (``name``, else ``indicator``); ``""`` without one."""
    return next((str(raw[c].iloc[pos]) for c in ("name", "indicator") if c in raw.columns), "")


def _heading_hint(raw: pd.DataFrame, pos: int, label: str) -> str:
    """For a blank target in a row holding nothing but its name (no unit, baseline or attribute either): the
    row may be a heading over the rows below it (``质量安全`` alone on its row), said before the blank target's
    message; ``""`` otherwise. Such a row is not taken for a heading without its numbering (一、质量安全): an
    indicator whose figures were left out would then vanish from the table without a word."""
    if not label or any(_cell_key(raw[c].iloc[pos]) for c in ("unit", "baseline", "target", "attribute")
                        if c in raw.columns):
        return ""
    return (f"the row holds nothing but '{label}' -- if it is a heading over the rows below, number it "
            f"(一、{label}) or give it in a 类别 column, and it is read as their category; if it is an indicator, "
            f"give its figures（若“{label}”为分类标题，请加编号“一、”或移入“类别”列）; ")


def _growth_column(raw: pd.DataFrame) -> str | None:
    """The plan's one growth column (:data:`layout.GROWTH_HEADER`: 年均增长, 累计增长 ...); ``None`` when it has none,
    or two (年均增长 | 累计增长: which one sets a blank target is not guessed)."""
    columns = [c for c in raw.columns if isinstance(c, str) and len(c) <= 24 and layout.GROWTH_HEADER.search(c)]
    return columns[0] if len(columns) == 1 else None


def _growth_hint(raw: pd.DataFrame, pos: int) -> str:
    """Why a blank target's row did not take its growth column's figure (:func:`_targets_from_growth_column`),
    said before the blank target's message; ``""`` when the row has no such figure."""
    col = _growth_column(raw)
    if col is None:
        return ""
    growth = raw[col].iloc[pos]
    text = _cell_key(growth)
    if not text or text in NO_FIGURE:
        return ""
    if not _GROWTH_CELL.fullmatch(text):
        why = "write it as a figure, 5, ≥5, 5以上 or 〔10〕 (累计), for it to set the target; 约 / 左右 are not read"
    elif _FALL_NAME.search(_row_name(raw, pos)):
        why = ("the name speaks of a fall, so whether the figure is a fall or a rise is not guessed: write the "
               "target, or 累计下降13.5% / 年均增长5% in the target cell")
    else:
        why = "it needs the row's baseline figure to grow from"
    return f"the row's '{col}' cell '{growth}' is not read as its target ({why}（“{col}”列的数值未能折算为目标）); "


def _figure_or_nan(cell) -> float:
    """A baseline cell's figure (:func:`parse_cell`), NaN when it has none (``—``, words, blank)."""
    if isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(cell, bool):
        return float(cell)
    try:
        value = parse_cell(cell).value if isinstance(cell, str) else None
    except ValueError:
        return np.nan
    return np.nan if value is None else float(value)


def _rate_rows(raw: pd.DataFrame, baseline: "_Cells", unit) -> np.ndarray:
    """The rows whose figures are rates (bool): a % / 百分点 unit, or no unit and a baseline written with %."""
    said = np.array([bool(u) and is_percent(u) for u in unit], dtype=bool)
    if baseline.percent is not None:
        said |= np.array([not u for u in unit], dtype=bool) & baseline.percent
    return said


def _rate_additions(raw: pd.DataFrame, target: "_Cells", in_points: np.ndarray, read: np.ndarray,
                    baseline: "_Cells", problems: Problems, columns=None) -> None:
    """The target cells ``增加10`` of rows of rates (``in_points``, bool per row): those ``read`` as 10 percentage
    points above the baseline keep that reading; the others (no readable baseline, an increment's 〈〉 one, or a
    row that is a rate of change itself) are refused, never read as the addition 〈10〉 a rate cannot be:
    ``target`` is changed in place to a cell not read."""
    for pos in np.flatnonzero(in_points & ~read):
        text = raw["target"].iloc[pos]
        amount = rate_addition(text).amount
        base = baseline.value[pos]
        known = baseline.ok[pos] and baseline.kind[pos] != "increment" and np.isfinite(base)
        level = f"≥{base + amount:.10g}" if known else "the level to reach (≥x)"
        problems.cell(pos, "target" if columns is None else str(columns[pos]), text,
                      f"a rate's target: a rate (%) is not added up over the years, so '{normalize_text(text)}' is "
                      f"read as {amount:g} percentage points above the baseline (基期值), which this row needs "
                      "readable, not an increment's 〈〉, in a row that is a level, not a rate of change (增长率); "
                      f"else write {level} or 提高{amount:g}个百分点（比率不能累加：请写要达到的数值，或“提高"
                      f"{amount:g}个百分点”，并填写基期值）")
        target.value[pos], target.ok[pos], target.kind[pos], target.direction[pos] = np.nan, False, None, None
        if target.readable is not None:
            target.readable[pos] = False

_APPROX = ("约", "大约", "左右", "~", "≈")


def _average_rate_target(change: Change, unit: str, name: str, indicator: str) -> bool:
    """A growth rate's row in % (研发经费投入增长, 社会消费品零售总额增速) whose target says 年均增长7%(以上): the
    average rate to reach, 7, with no baseline needed -- unlike 增长10% without 年均 on such a row (the rate to
    reach, or 10 % more of it? not guessed)."""
    return change.yearly and change.how == "percent" and change.amount > 0 and change.year is None and \
        bool(unit) and is_percent(unit) and percent_kind(unit, name, indicator) == "change"


#: what each notation is, for a hint where the brackets and the words beside them disagree
_NOTATION_SAID = {"cumulative": ("〔〕", "a stock, the total reached", "〔{}〕"),
                  "increment": ("〈〉", "a sum of additions over the period", "〈{}〉")}


def _notation_conflict(s: str) -> str:
    """The hint for a target whose brackets and words disagree (〔5〕（五年累计）, 〈5〉（累计）, 累计新增〔5〕): which
    says what, and the cell to write; "" where they do not disagree."""
    t = s.replace("“", "").replace("”", "").replace('"', "")
    _, t, _ = _strip_bound(t)
    worded, rest = _strip_kind_words(t)
    if worded is None:
        return ""
    _, rest, _ = _strip_bound(rest)
    kind, figure = _strip_brackets(rest)
    if kind in ("level", worded):
        return ""
    words = next(w for w in (_INCREMENT_WORDS if worded == "increment" else _CUMULATIVE_WORDS)
                 if t.startswith(w) or t.endswith((f"({w})", f"（{w}）")))
    brackets, meaning, _ = _NOTATION_SAID[kind]
    _, said, cell = _NOTATION_SAID[worded]
    return (f"{brackets} ({meaning}) contradicts {words} ({said}): write {cell.format(figure)}"
            f"（括号与文字矛盾：{brackets}与“{words}”不一致，请写作{cell.format(figure)}）; ")


def _cell_hint(text) -> str:
    """What is wrong with a cell :func:`parse_cell` refused, when it can be said (else "")."""
    s = normalize_words(text).replace(" ", "")
    if not s:
        return ""
    if (not isinstance(text, str) or re.search(r"\d[eE]", s)) and (hint := size_hint(text)):
        return hint  # 1e308, ≥1e-300, an infinite float (the word inf is a placeholder, said below)
    if _BRACKETED_FIGURE.match(s):  # (1234): an accountant's negative, or a note
        figure = s.strip("()")
        return (f"a figure without round brackets: {s} is how accounts write a negative number -- write -{figure} if "
                f"it is negative, else {figure} (〔{figure}〕 for a cumulative figure, 〈{figure}〉 for additions over the "
                f"period)（圆括号数字不读取：负数请写作-{figure}；累计数用〔〕，新增数用〈〉）; ")
    if s == "无":
        return ("无 is not read as a figure: write 0 if it is zero, or leave the cell blank (or write —) if there is "
                "none（“无”含义不明：数值为零请填0，没有数据请留空或填“—”）; ")
    if re.search(r"[\d.]+%?(-|~|—|–|―|至|到)-?[\d.]+", s) and not target_as_change(s):
        return ("a range is read when its two ends are different figures not below zero, in the row's unit and "
                "one notation (5-8, 5%-8%, 〔1.5-2.0〕); else write the floor (≥) or the cap (≤) the target sets "
                "(5-8 -> ≥5 or ≤8)（区间目标须为同一单位、非负的两个不同数值；或写下限或上限）; ")
    if any(w in s for w in _APPROX):
        return ("约 / 左右 are not read: write the number, with ≥ or ≤ if it is a floor or a "
                "cap (约90 -> 90 or ≥90), or write 定性 in the row's 属性 cell to keep it in the table as a "
                "qualitative target（约数不读取：请写数字，下限加≥、上限加≤；或在属性栏注明“定性”，按定性指标另行评价）; ")
    if sum(s.count(c) for c in "≥≤<>") + sum(s.count(w) for w in ("不低于", "不超过")) > 1 and \
            not (s.startswith(("〈", "<")) and s.endswith(("〉", ">"))):
        return "one direction sign only (≥≥9 -> ≥9); "
    opened = sum(s.count(c) for c in "〔【［[〈⟨《<")
    closed = sum(s.count(c) for c in "〕】］]〉⟩》>")
    if opened != closed:
        return "brackets in pairs: 〔x〕 or 〈x〉 (a bracket is missing); "
    if _TWO_TIER.match(s):
        return ("a firm target and a striven-for one (≥95，力争98) are read when both are figures in the row's "
                "unit and the striven-for one lies beyond the firm one; or write the firm target alone（确保值与力争值"
                "须为同一单位的数字，且力争值更高（或更低于上限）；也可只填确保值）; ")
    if target_as_change(s) is not None:
        return (f"'{s}' is read from the baseline (基期值): the row needs a readable baseline (a stock's in 〔〕, "
                "not an increment's 〈〉), both years for 年均, a % unit for 百分点, a year after 比 that is "
                "the baseline's, and a level, not a rate of change (增长率); give them, or write the target as "
                "a number（按基期值换算，请填写基期值及年份，或改填数字）; ")
    if target_in_words(s):
        return (f"'{s}' is read as the baseline with a direction (持续提升: ≥ the baseline value), so the "
                "row needs its baseline (基期值); give it, or write the target as a number（按基期值评估，请填写基期值或改填数字）; ")
    if not any(ch.isdigit() for ch in s) and any(w in s for w in _WORDS_NO_WAY + _WORDS_UP + _WORDS_DOWN):
        return (f"'{s}' says no level and no direction to assess: write the level to reach or keep "
                "(保持稳定 -> ≥98 or the baseline's value with ≥ / ≤), or leave the row out（无数值也无方向，无法评估：请填写"
                "要达到或保持的数值，或删去此行）; ")
    if hint := _notation_conflict(s):  # 〔5〕（五年累计）: the 五 of 五年 is no numeral, the notation is the trouble
        return hint
    if hint := _words_hint(s):  # 增长1.2万户, 扩大到3万户: words before the figure not read
        return hint
    if any(c in CN_NUMERALS for c in s) and not any(ch.isdigit() for ch in s):  # (万 of 3万户 is a unit)
        return "digits, not Chinese numerals (九十九 -> 99); "
    if hint := separator_hint(s) or excel_error_hint(s):
        return hint
    if hint := footnote_hint(text, "a note mark is not read: write the figure alone"):  # ≥99(注1), 99[1], 〔3.12〕①
        return hint
    if has_note_mark(text) or (any(ch.isdigit() for ch in s) and s.rstrip("*＊※†‡") != s):
        return ("a note mark is not read: write the figure alone, the note under the table（请去掉数字旁的注释符号，"
                "注释写在表下）; ")
    if s.startswith("="):
        return ("the value, not a spreadsheet formula: open the file in Excel or WPS and save it, or paste the "
                "values（公式请换成数值：在 Excel 或 WPS 中打开并保存，或粘贴为数值）; ")
    if s.lower().strip("+-") in ("nan", "inf", "infinity", "none", "null"):
        return "a number, not a placeholder; "
    try:
        if not np.isfinite(float(s.lstrip("≥≤<>=").strip("〔〕〈〉"))):
            return "a number of a sensible size (it overflows); "
    except ValueError:
        pass
    return ""


#: a figure in round brackets, (1234) / （1234）: how accounts write a negative number (the plan's own brackets are 〔〕 〈〉)
_BRACKETED_FIGURE = re.compile(r"^\(-?[0-9][0-9,]*(\.[0-9]+)?%?\)$")

#: words before a figure (增长1.2万户, 扩大到3万户): what comes before its first digit, its notation marks aside
_WORDS_BEFORE = re.compile(r"^([^\d]*?)[〔〈\[【<≥≤>=+\-]*\d")


def _words_hint(s: str) -> str:
    """For a target whose figure is in digits after words the reader does not read (``增长1.2万户``): those
    words and how to write the target (≥x, ≤x, 〈x〉 for additions, 〔x〕 for a total); "" for any other."""
    m = _WORDS_BEFORE.match(s)
    words = m.group(1).strip("〔〈[【<≥≤>=+-（(") if m else ""
    if not re.search(r"[\u3400-\u9fff]", words):
        return ""
    return (f"the words '{words}' before the figure are not read: write ≥x for a floor (≥3), ≤x for a cap (≤1.5), "
            "〈x〉 for additions over the period (新增 / 增加1.2万户 -> 〈1.2〉), 〔x〕 for a total reached"
            f"（目标中的“{words}”无法识别：下限写≥x，上限写≤x，期内新增写〈x〉，累计达到写〔x〕）; ")


def _baseline_needs_year(raw, baseline: _Cells, baseline_year: np.ndarray, problems: Problems) -> None:
    cells = _column_or_blank(raw, "baseline_year")
    blank = map_unique(cells, normalize_text) == ""  # a year that could not be read is reported already
    problems.cells(baseline.ok & np.isnan(baseline_year) & blank, "baseline_year", cells,
                   "the year of the baseline value (a baseline is given)")


def _notation_agrees(raw, target: _Cells, baseline: _Cells, problems: Problems) -> None:
    """The baseline is written in the target's notation (a plain baseline is always accepted)."""
    differ = baseline.ok & target.ok & (baseline.kind != target.kind)
    differ &= ~((baseline.kind == "level") & (target.kind != "level"))
    for pos in np.flatnonzero(differ):
        problems.cell(pos, "baseline", raw["baseline"].iloc[pos],
                      f"the same notation as the target ({_kind_hint(target.kind[pos])}); "
                      f"the baseline reads as {baseline.kind[pos]}")


def _kinds(raw, target: _Cells, problems: Problems) -> np.ndarray:
    """``kind`` from the target's notation, or a ``kind`` column agreeing with it."""
    kind = target.kind.copy()
    if "kind" not in raw.columns:
        return kind
    text = map_unique(raw["kind"], lambda v: normalize_words(v).lower())
    given = np.array([_KIND_WORDS.get(t) if t else "" for t in text], dtype=object)
    unknown = np.array([g is None for g in given], dtype=bool)
    attribute = unknown & np.array([t in _ATTRIBUTE_WORDS for t in text], dtype=bool)
    problems.cells(unknown & ~attribute, "kind", raw["kind"], "one of level, cumulative, increment")
    problems.cells(attribute, "kind", raw["kind"],  # 类型 of 约束性 in some rows, 累计 in others
                   "one of level, cumulative, increment (累计, 新增) as the column's other rows give, or 约束性 / "
                   "预期性 in every row: the attribute goes in its own 属性 column（属性请单列一列填写）")
    stated = np.array([k in ("cumulative", "increment") for k in target.kind], dtype=bool)
    clash = ~unknown & (given != "") & stated & (target.kind != given)
    for pos in np.flatnonzero(clash):
        problems.cell(pos, "kind", raw["kind"].iloc[pos],
                      f"'{target.kind[pos]}' as the target cell's notation says, or no kind column")
    use = ~unknown & (given != "") & ~clash
    kind[use] = given[use]
    return kind


def _directions(raw, target: _Cells, baseline: _Cells, problems: Problems, kind: np.ndarray,
                ident: dict) -> np.ndarray:
    """``direction``: the target cell's sign, a ``direction`` column, else the baseline's side; an
    increment (〈5〉, 累计新增5) counts additions, so at least (``>=``) -- also beside a baseline (the previous
    period's additions, 〈8〉, which the count does not use: 〈5〉 after 〈8〉 is still a floor of additions); a
    % share kept at its bound (保持100%: target and baseline 100, or 0 and 0) can only be kept from one side, and
    a count of incidents (起, 事故) at 0 after 0 is at most 0, none at all, as 0起 / 零发生 read."""
    direction = target.direction.copy()
    if "direction" not in raw.columns:
        column = _direction_column(raw)
        if column is not None:  # 正向 / 逆向 under a header no alias lists (指标极性, 评价导向 ...)
            raw["direction"] = raw[column]
            problems.headers.setdefault("direction", column)
    if "direction" in raw.columns:
        text = map_unique(raw["direction"], lambda v: normalize_words(v).replace(" ", "").lower())
        given = np.array([_DIRECTION_WORDS.get(t) if t else "" for t in text], dtype=object)
        unknown = np.array([g is None for g in given], dtype=bool)
        problems.cells(unknown, "direction", raw["direction"], DIRECTION_HELP)
        clash = ~unknown & (given != "") & (direction != None) & (direction != given)  # noqa: E711
        target_header = problems.column_of("target")
        for pos in np.flatnonzero(clash):
            sign, said = ("≥", "正向") if direction[pos] == ">=" else ("≤", "逆向")
            problems.cell(pos, "direction", raw["direction"].iloc[pos],
                          f"'{said}' ({direction[pos]}) as the target cell "
                          f"'{normalize_text(raw['target'].iloc[pos])}' (column '{target_header}') says with its "
                          f"{sign}: this column and the cell disagree, correct one of them（方向列与目标值单元格中的 "
                          f"{sign} 不一致，请改正其一）")
        use = ~unknown & (given != "") & ~clash
        direction[use] = given[use]
    open_ = (direction == None) & target.ok  # noqa: E711
    open_ &= baseline.readable  # a baseline cell that could not be read is reported already
    added = open_ & (kind == "increment")
    direction[added], open_ = ">=", open_ & ~added
    up = open_ & baseline.ok & (target.value > np.where(baseline.ok, baseline.value, 0))
    down = open_ & baseline.ok & (target.value < np.where(baseline.ok, baseline.value, 0))
    direction[up], direction[down] = ">=", "<="
    level = open_ & ~up & ~down & baseline.ok
    for pos in np.flatnonzero(level):  # 保持100%: a share at its bound is kept from the only side it has
        if percent_kind(ident["unit"][pos], ident["name"][pos], ident["indicator"][pos]) == "share" \
                and target.value[pos] in (0.0, 100.0):
            direction[pos], open_[pos] = (">=" if target.value[pos] == 100.0 else "<="), False
        elif target.value[pos] == 0.0 and kind[pos] == "level" and \
                counts_events(ident["unit"][pos], ident["name"][pos], ident["indicator"][pos]):
            direction[pos], open_[pos] = "<=", False  # 0 较大以上事故 (起) after 0: none, as 0起 / 零发生 read
    for pos in np.flatnonzero(open_ & ~up & ~down):
        why = "no baseline" if not baseline.ok[pos] else "the target equals the baseline"
        problems.cell(pos, "target", raw["target"].iloc[pos],
                      f"a direction: {why}, so write '≥x' or '≤x' in the cell or add a "
                      "'direction' column with '>=' or '<='")
    return direction


def _direction_column(raw: pd.DataFrame):
    """The one column left under its written header whose every filled cell is 正向 / 逆向 (a
    指标方向 column under a header no alias lists); None when there is none, or more than one."""
    found = []
    for col in raw.columns:
        if col in SCHEMA.canonical or not isinstance(col, str):
            continue
        distinct = set(raw[col].tolist())
        if len(distinct) > len(_POLARITY_WORDS) + 2:  # (a 100k-row plan: decided at once)
            continue
        words = {normalize_words(v).replace(" ", "") for v in distinct} - {""}
        if words and words <= set(_POLARITY_WORDS):
            found.append(col)
    return found[0] if len(found) == 1 else None


def _attribute_columns(raw: pd.DataFrame) -> list:
    """The columns left under their written headers whose every filled cell is 约束性 / 预期性 (the
    attribute under 指标类型, 约束性/预期性 ...: read as expected everywhere, a binding target among
    them, until it was looked for by its cells)."""
    return [col for col in raw.columns
            if col not in SCHEMA.canonical and isinstance(col, str) and _attribute_cells(raw[col])]


#: a mark saying "yes" in a 约束性 | 预期性 pair of columns or a 是否约束性 column (after :func:`normalize_words`,
#: lower case), and one saying "no" (a blank too)
_YES_MARKS = frozenset({"√", "✓", "✔", "☑", "●", "★", "☆", "▲", "■", "◆", "*", "※", "是", "有", "y", "yes", "1",
                        "1.0", "true", "v"})
_NO_MARKS = frozenset({"", "否", "不是", "无", "n", "no", "0", "0.0", "false", "×", "✗", "✘", "☐", "-", "—", "/"})
MARK_HELP = "a mark (√, ✓, ●, ★, 是, Y or 1) or blank (否, ×, N or 0)"
#: a header that may be over the attribute (考核属性, 数据性质, 约束性指标说明 too): its cells are looked at
_ATTRIBUTE_HEADER = re.compile(r"约束|预期性|预期型|属性|性质")
#: the headers that are the attribute's, whatever their cells (after :func:`layout.header_key`, with the
#: separators of :data:`_HEADER_SEPARATORS` taken out: 约束性/预期性, 属性（约束性/预期性）); 属性, 指标属性, 性质,
#: 指标性质 are the ``attribute`` column's own (``ALIASES``), 约束性 / 是否约束性 mark columns (:func:`_attribute_marks`)
ATTRIBUTE_HEADERS = frozenset({"属性类别", "指标属性类别", "属性分类", "属性类型", "指标属性类型",
                               "约束性预期性", "预期性约束性", "约束预期", "约束型预期型", "约束性预期性指标",
                               "属性约束性预期性", "指标属性约束性预期性", "性质约束性预期性", "指标性质约束性预期性"})
_HEADER_SEPARATORS = re.compile(r"[/、,，;；|()（）\s或与和]")


def _attribute_source(raw: pd.DataFrame, problems: Problems, headers: dict) -> None:
    """Give ``raw`` an ``attribute`` column (约束性 / 预期性 / blank, in place) where the table writes the
    attribute otherwise than under 属性: a 类别 / 指标类别 / 类型 column whose every filled cell is 约束性 /
    预期性 (a group or kind column only when its cells say a group or a kind; a merged cell a CSV left blank
    is filled from above; section rows 一、约束性指标 | 二、预期性指标 too), the one other column of such cells, a 约束性 | 预期性 pair of columns with a
    mark (√) in one of them, a 约束性 or 预期性 column of marks alone, or a 是否约束性 column of 是 / 否.
    A row marked in both or neither of a pair, a mark not read, and a column whose header names the
    attribute but whose cells are none of these are refused (``problems``): never read as 预期性 unseen.
    ``headers`` (the table's, canonical -> written) learns the attribute's header."""
    if "attribute" in raw.columns:
        return
    for column in ("group", "kind"):  # 类别 / 指标类别 / 类型 holding 约束性 / 预期性: the attribute
        if column not in raw.columns:
            continue
        cells = raw[column].astype(object)
        if column == "group":  # section rows 一、约束性指标 | 二、预期性指标 (the group): without their numbering
            cells = pd.Series(map_unique(cells, lambda v: NAME_NUMBERING.sub("", normalize_text(v), count=1)),
                              index=cells.index, dtype=object)
        if _attribute_cells(cells):
            if column == "group":  # a merged 类别 cell a CSV left blank below its first row
                cells = cells.mask(cells == "").ffill().fillna("")
            raw["attribute"] = cells.to_numpy()
            del raw[column]
            _header_moved(problems, headers, column)
            return
    columns = _attribute_columns(raw)
    if columns:  # 约束性 / 预期性 under a header no alias lists (指标类型, 约束性/预期性)
        same = all((raw[c].map(normalize_words) == raw[columns[0]].map(normalize_words)).all() for c in columns)
        if not same:  # two columns of 约束性 / 预期性 that disagree: which one is meant is not guessed
            problems.table(f"one column of 约束性 / 预期性, not {len(columns)} that disagree ("
                           f"{', '.join(repr(c) for c in columns)}): keep the attribute's column, delete or clear the "
                           "other（有多列“约束性/预期性”且内容不一致，请只保留一列）")
        raw["attribute"] = raw[columns[0]]
        _header_is(problems, headers, columns[0])
        return
    marked = _attribute_marks(raw, problems, headers)
    if marked is None:
        _unread_attribute(raw, problems)


def _attribute_cells(cells: pd.Series) -> bool:
    """Whether every filled cell of a column is 约束性 / 预期性 (or binding / expected), at least one filled."""
    distinct = set(cells.tolist())
    if len(distinct) > 4 * len(_ATTRIBUTE_WORDS) + 2:  # (a 100k-row plan: decided at once)
        return False
    words = {normalize_words(v).lower() for v in distinct}
    # 预期性（定性）/ 定性: a qualitative row (:func:`_qualitative_rows`), its attribute the rest
    words = {_without_qualitative(w) if QUALITATIVE_WORD in w else w for w in words} - {""}
    return bool(words) and words <= set(_ATTRIBUTE_WORDS)


def _header_moved(problems: Problems, headers: dict, column: str) -> None:
    written = problems.headers.pop(column, column)
    headers.pop(column, None)
    problems.headers["attribute"] = headers["attribute"] = written


def _header_is(problems: Problems, headers: dict, written: str) -> None:
    problems.headers.setdefault("attribute", written)
    headers.setdefault("attribute", written)


def _attribute_marks(raw: pd.DataFrame, problems: Problems, headers: dict) -> bool | None:
    """The attribute from marks: a 约束性 | 预期性 pair of columns (√ in one of them), one such column alone
    (√ says it, blank the other), or a 是否约束性 / 是否预期性 column (是 / 否). Sets ``raw["attribute"]`` and
    drops the mark columns; True when read (problems collected for the rows that cannot be), None when
    the table has no such column."""
    pair, asked = {}, {}
    for col in raw.columns:
        if col in SCHEMA.canonical or not isinstance(col, str):
            continue
        key = layout.header_key(col)
        if key in layout.ATTRIBUTE_MARK_HEADERS:
            pair.setdefault(layout.ATTRIBUTE_MARK_HEADERS[key], []).append(col)
        elif key.startswith("是否") and ("约束" in key or "预期" in key):  # 是否约束性, 是否为约束性指标
            asked.setdefault("binding" if "约束" in key else "expected", []).append(col)
    found = [c for cols in (*pair.values(), *asked.values()) for c in cols]
    if not found:
        return None
    if len(found) > 2 or (len(found) == 2 and set(pair) != {"binding", "expected"}):
        problems.table(f"one way of writing the attribute, not {len(found)} columns ("
                       f"{', '.join(repr(c) for c in found)}): a 属性 column of 约束性 / 预期性, or a 约束性 | 预期性 "
                       "pair with √ in one of them（属性只写一处：一列“约束性/预期性”，或“约束性|预期性”两列打√）")
        return True
    said = {c: _marks(raw[c], problems, c) for c in found}
    if len(found) == 2:
        (binding, unread_b), (expected, unread_e) = said[pair["binding"][0]], said[pair["expected"][0]]
        _pair_clashes(raw, problems, pair["binding"][0], pair["expected"][0], binding, expected,
                      unread_b | unread_e)
    else:
        yes, _ = next(iter(said.values()))
        binding = yes if (pair.get("binding") or asked.get("binding")) else ~yes
    raw["attribute"] = np.where(binding, "约束性", "预期性")
    for col in found:
        del raw[col]
    _header_is(problems, headers, " | ".join(found))
    return True


def _marks(cells: pd.Series, problems: Problems, column: str) -> tuple[np.ndarray, np.ndarray]:
    """``(yes, unread)`` per cell of a mark column: it says yes (√, 是, 1 ...; blank, 否, × say no), or it is
    none of those marks (refused in ``problems``)."""
    text = map_unique(cells, lambda v: normalize_words(v).replace(" ", "").lower())
    yes = np.array([t in _YES_MARKS for t in text], dtype=bool)
    unread = np.array([t not in _YES_MARKS and t not in _NO_MARKS for t in text], dtype=bool)
    problems.cells(unread, column, cells, f"{MARK_HELP}: this column marks the rows that are {column}")
    return yes, unread


def _pair_clashes(raw, problems: Problems, binding_col: str, expected_col: str, binding: np.ndarray,
                  expected: np.ndarray, unread: np.ndarray) -> None:
    """Refuse the rows of a 约束性 | 预期性 pair marked in both columns or in neither (rows with a mark not
    read are refused for it already)."""
    for pos in np.flatnonzero((binding == expected) & ~unread):
        both = bool(binding[pos])
        value = " | ".join(normalize_text(raw[c].iloc[pos]) or "(blank)" for c in (binding_col, expected_col))
        problems.cell(pos, binding_col, value,
                      f"a mark (√) in one of the columns '{binding_col}' | '{expected_col}', "
                      f"{'not both' if both else 'this row has none'}: a target is either 约束性 or 预期性"
                      f"（约束性与预期性只能勾选其一{'，本行两列都勾选了' if both else '，本行都未勾选'}）")


def _unread_attribute(raw: pd.DataFrame, problems: Problems) -> None:
    """Refuse a column that looks like the attribute's but whose cells cannot be read as it: a header naming it
    (约束性指标, 指标属性说明) over other cells, or a 类别 / 类型 column mixing 约束性 / 预期性 with groups."""
    for col in raw.columns:
        written = problems.column_of(col)
        if col == "group":  # (a kind column's 约束性 is refused by :func:`_kinds`)
            text = map_unique(raw[col], lambda v: NAME_NUMBERING.sub("", normalize_words(v).lower(), count=1))
            said = np.array([t in _ATTRIBUTE_WORDS for t in text], dtype=bool)
            if not said.any():
                continue
            other = normalize_text(next(raw[col].iloc[k] for k in range(len(raw)) if text[k] and not said[k]))
            if col in problems.headers:  # a 类别 column
                problems.cells(said, col, raw[col],
                               f"a group as the column's other rows give ('{other}'), or 约束性 / 预期性 in every "
                               f"row: the attribute goes in its own 属性 column (column '{written}' mixes them; "
                               "属性请单列一列填写)")
                continue
            for pos in np.unique(text[said], return_index=True)[1]:  # section rows: said once, at its first row
                first = np.flatnonzero(said)[pos]
                problems.cell(first, None, raw[col].iloc[first],
                              f"sections all of groups (as '{other}') or all 约束性 / 预期性: this row and those after "
                              "it are under a section row saying the attribute among sections of groups; give the "
                              "attribute its own 属性 column（分组标题中混有约束性/预期性，请单列属性列）")
            continue
        if col in SCHEMA.canonical or not isinstance(col, str) or not _ATTRIBUTE_HEADER.search(layout.header_key(col)):
            continue
        text = map_unique(raw[col], _attribute_text)
        said = np.array([t in _ATTRIBUTE_WORDS for t in text], dtype=bool)
        unread = (text != "") & ~said
        if _HEADER_SEPARATORS.sub("", layout.header_key(col)) in ATTRIBUTE_HEADERS:
            problems.cells(unread, col, raw[col],
                           f"约束性 / 预期性, as the header '{written}' says this column gives the attribute; or √ under "
                           "a 约束性 | 预期性 pair of columns（属性列请填写“约束性”或“预期性”）")
        elif said.any():  # 考核属性 of 约束性 here, 市考核 there: which rows are binding is not guessed
            first = int(np.flatnonzero(said)[0])
            problems.cells(unread, col, raw[col],
                           f"约束性 / 预期性, as row {problems.row_of(first)} of column '{written}' says "
                           f"('{written_text(raw[col].iloc[first])}'), or no attribute word in any row: the attribute "
                           "goes in its own 属性 column（此列部分行填写了约束性/预期性，请在所有行填写，或将属性单列一列）")
        # (else: 数据性质 of 统计数 / 快报数, 考核属性 of 市考核, 约束性指标说明 in prose -- not the attribute, left unread)


def _attribute_text(value) -> str:
    """A cell as its attribute word is looked up in :data:`_ATTRIBUTE_WORDS` (预期性（定性）: 预期性)."""
    t = normalize_words(value).replace(" ", "").lower()
    return _without_qualitative(t) if QUALITATIVE_WORD in t else t


def _attributes(raw, problems: Problems, notes=(), ident: dict | None = None) -> np.ndarray:
    """约束性 / 预期性 -> ``binding`` / ``expected`` (blank: expected). Without an attribute column, a
    table whose notes say so (注：带*的为约束性指标) marks its binding rows with ``*`` after the name:
    those are binding, and the mark leaves the name and id (``ident``, changed in place)."""
    if "attribute" not in raw.columns:  # (a column of the attribute, √ marks, 是否约束性: :func:`_attribute_source`)
        attr = np.full(len(raw), "expected", dtype=object)
        if ident is not None:  # 千人食品检验量（约束性）: the attribute after the name, which it then leaves
            said = [_ATTRIBUTE_IN_NAME.search(str(n)) for n in ident["name"]]
            for k in np.flatnonzero([m is not None for m in said]):
                attr[k] = _ATTRIBUTE_WORDS[said[k].group(1)]
                for key in ("name", "indicator"):
                    ident[key][k] = _ATTRIBUTE_IN_NAME.sub("", str(ident[key][k]))
        mark = next((m for m in _BINDING_MARKS for n in notes if m in str(n) and "约束" in normalize_words(n)),
                    None)
        if mark is not None and ident is not None:
            marked = np.array([str(n).rstrip().endswith(mark) for n in ident["name"]], dtype=bool)
            attr[marked] = "binding"
            for key in ("name", "indicator"):
                ident[key][marked] = [str(v).rstrip().removesuffix(mark).rstrip() for v in ident[key][marked]]
        return attr
    text = map_unique(raw["attribute"], lambda v: normalize_words(v).lower())
    # 定性 / 定性指标 / 预期性（定性）: the row is qualitative (:func:`_qualitative_rows`), its attribute the rest
    text = [_without_qualitative(t) if QUALITATIVE_WORD in t else t for t in text]
    attr = np.array([_ATTRIBUTE_WORDS.get(t) if t else "expected" for t in text], dtype=object)
    problems.cells(attr == None, "attribute", raw["attribute"],  # noqa: E711
                   "约束性 / 预期性 (or binding / expected)")
    return attr


def _without_qualitative(text: str) -> str:
    """An attribute cell without its 定性 (``预期性（定性）`` -> ``预期性``, ``定性指标`` -> ``""``: expected)."""
    return re.sub(r"定性(指标)?", "", text).strip(" ()（）/、，,;；")


def _bounds(raw, ident: dict, target: _Cells, baseline: _Cells, problems: Problems):
    """Natural bounds: declared ``lower`` / ``upper``, else 0 / 100 for a ``%`` share
    (:func:`mstarget.units.percent_kind`); target and baseline must lie within them."""
    out = []
    for column in ("lower", "upper"):
        if column not in raw.columns:
            out.append(np.full(len(raw), np.nan))
            continue
        parsed = map_unique(raw[column], parse_number)
        bad = np.array([isinstance(v, ValueError) for v in parsed], dtype=bool)
        problems.cells(bad, column, raw[column], "a number (natural bound of the indicator) or blank")
        out.append(np.array([np.nan if (b or v is None) else v for v, b in zip(parsed, bad)], dtype=float))
    lower, upper = out
    kinds = map_unique(pd.Series(list(zip(ident["unit"], ident["name"], ident["indicator"])), dtype=object),
                       lambda t: percent_kind(*t))
    share = kinds == "share"
    declared = ~np.isnan(lower) | ~np.isnan(upper)
    lower = np.where(share & np.isnan(lower), 0.0, lower)
    upper = np.where(share & np.isnan(upper), 100.0, upper)
    for column, cells in (("target", target), ("baseline", baseline)):
        v = cells.value
        outside = cells.ok & ((~np.isnan(lower) & (v < lower)) | (~np.isnan(upper) & (v > upper)))
        problems.cells(outside & share & ~declared, column, _column_or_blank(raw, column), PERCENT_HELP)
        for pos in np.flatnonzero(outside & declared):
            problems.cell(pos, column, raw[column].iloc[pos],
                          f"a value within the declared bounds "
                          f"[{_fmt(lower[pos], '-inf')}, {_fmt(upper[pos], 'inf')}]")
    return lower, upper


def _years_agree(raw, kind, baseline_year, target_year, problems: Problems) -> None:
    problems.cells((kind == "increment") & np.isnan(baseline_year), "baseline_year",
                   _column_or_blank(raw, "baseline_year"),
                   "the year before the plan period starts (e.g. 2020 for 2021-2025): an "
                   "increment 〈x〉 target sums the yearly flows after it")
    late = ~np.isnan(baseline_year) & ~np.isnan(target_year) & (target_year <= baseline_year)
    for pos in np.flatnonzero(late):
        problems.cell(pos, "target_year", raw["target_year"].iloc[pos],
                      f"a year after the baseline year {int(baseline_year[pos])}")


def _column_or_blank(raw: pd.DataFrame, column: str) -> np.ndarray:
    return raw[column].to_numpy(dtype=object) if column in raw.columns else np.full(len(raw), "", dtype=object)


def _fmt(v, unbounded: str) -> str:
    return unbounded if np.isnan(v) else f"{v:g}"


def _kind_hint(kind):
    return {"cumulative": "〔x〕", "increment": "〈x〉", "level": "a plain number"}.get(kind, kind)
