"""History tables: one row per observation ``region, indicator, year, value`` (+ ``unit``, ``source``).

Bureau layouts are accepted (:mod:`mstarget.layout`): title and notes rows, and a history kept one
column per year (``指标名称 | 单位 | 2021年 | 2022年 | 2023年``), which is turned into one row per
observation. A workbook keeping one indicator per sheet (regions x years, the sheet named by its
indicator) is read sheet by sheet into one history, messages naming each row's sheet. A history may be keyed by indicator id, by Chinese name (指标名称 -> ``name``, as in
plans), or both; :mod:`mstarget.matching` joins it to a plan either way. Each field is parsed by
its own function, once per distinct cell, so reading is linear in the number of rows.

Optional columns: ``measure`` says how the values of a series are counted -- ``flow`` (当年, the
default: the amount of that year), ``running_total`` (累计: the total since the start of the
plan period, as bureaus often report 〈〉 indicators) or ``stock`` (存量 / 年末数: the level at each
year's end); :func:`mstarget.assess.assess` turns running totals into yearly flows for 〈〉 targets,
and counts a stock's additions against them from its baseline-year level
(:func:`mstarget.counting.read_as_stocks`). A remarks column (备注 / 说明 / 注) whose text for a
series says only that (累计数, 自2021年起累计, 当年新增) sets the series' measure as ``measure``
does. ``lower`` / ``upper`` declare natural bounds (they win over the ``%`` rule of
:mod:`mstarget.units`).

A figure marked preliminary -- in its cell (``3.05（快报）``), by its column's header (``2025年（快报）``,
``2025年预计``) or by its year cell (``2025年（快报）`` under 年份) -- is read as its figure, warned once per
table, and kept marked: ``preliminary`` (bool) and ``preliminary_mark`` (the word written: 快报, 预计,
初步 ...), two columns present when any figure is so marked, which :func:`mstarget.assess.assess` and the
report carry to the figures they show. A year given both as 快报 and as its final figure (年报 / 最终核实),
two columns or two sheets, is read cell by cell: a row's final figure where given, else its 快报 figure,
kept marked; a warning says how many figures came from each (:mod:`mstarget.layout`).
"""
from __future__ import annotations

import functools
import os
import re
import sys
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .arguments import check_table, register_schema
from .exceptions import DataValidationError, InconsistentDataWarning, MstargetWarning, Problem, UnreadColumnWarning
from . import consistency, layout
from .io import FORMULA_WITHOUT_VALUE, is_formula, source_name
from .units import tidy_breaks, percent_kind, split_number_unit, split_unit, unit_column
from .validation import (ATTRIBUTE_WORDS, CN_NUMERALS, KEY_COLUMNS, PRELIMINARY_WORDS, REGION_HEADERS, PartOfYear, Problems, apply_region,
                         blank_cell, excel_error_hint, footnote_hint, has_note_mark, map_flags, map_unique,
                         nonsense_sizes, normalize_text, normalize_words, noted_footnote, preliminary_footnotes,
                         once_per_sheet_row, parse_number, parse_year, preliminary_figure, preliminary_word_in,
                         refuse_blank_regions, require_columns, separator_hint, size_hint, text_column, written_once,
                         written_text, year_hint, YEAR_MAX, YEAR_MIN)

REQUIRED = ("region", "indicator", "year", "value")
REQUIRED_CLEAN = set(REQUIRED)
MEASURES = ("flow", "running_total", "stock")

#: header aliases; the words shared with :data:`mstarget.plan.ALIASES` mean the same fields
ALIASES = {
    **dict.fromkeys(REGION_HEADERS, "region"),  # 地区, 地市, 县（市、区） ...: shared with the plan's
    "指标": "indicator", "指标代码": "indicator", "indicator_id": "indicator", "指标编码": "indicator",
    "指标名称": "name", "名称": "name", "主要指标": "name", "指标名": "name",
    "年份": "year", "年度": "year", "period": "year", "年": "year",
    "值": "value", "数值": "value", "实际值": "value", "完成值": "value", "数据": "value",
    "实际完成": "value", "完成数": "value", "实际数": "value", "指标值": "value", "统计值": "value",
    "本年完成": "value", "当年完成": "value",
    "单位": "unit", "计量单位": "unit", "来源": "source", "数据来源": "source", "资料来源": "source",
    "口径": "measure", "统计口径": "measure", "数据口径": "measure", "计数方式": "measure",
    "下限": "lower", "上限": "upper",
}
def _guess_header(key: str) -> str | None:
    """A history header no alias lists, by its words: 具体指标 / 监测指标 / 指标内容 name the indicator,
    统计年度 / 数据年份 / 报告年度 the year."""
    if layout.names_indicators(key):
        return "name"
    year = key.endswith(("年度", "年份")) and len(key) <= 6 and not any(c.isdigit() for c in key)
    return "year" if year else None


SCHEMA = layout.Schema("history", ALIASES, REQUIRED + ("name", "unit", "source", "measure",
                                                       "lower", "upper"), _guess_header)
register_schema(SCHEMA, layout.header_key, REQUIRED)  # a column held in a frame's index is named by it
MEASURE_WORDS = {
    "flow": "flow", "当年": "flow", "当年值": "flow", "当期": "flow", "年度": "flow", "本年": "flow",
    "年度值": "flow", "yearly": "flow", "annual": "flow", "新增": "flow", "新增数": "flow", "当年新增": "flow",
    "当年新增数": "flow", "本年新增": "flow", "年度新增": "flow", "年度新增数": "flow", "增量": "flow",
    "净增": "flow", "当年净增": "flow",
    "running_total": "running_total", "running total": "running_total", "累计": "running_total",
    "累计值": "running_total", "累计数": "running_total", "累计完成": "running_total",
    "累计新增": "running_total", "cumulative": "running_total",
    "stock": "stock", "存量": "stock", "存量数": "stock", "年末数": "stock", "期末数": "stock", "年底数": "stock",
    "年末": "stock", "期末": "stock", "年底": "stock", "年末值": "stock", "期末值": "stock", "实有": "stock",
    "实有数": "stock", "年末存量": "stock", "期末存量": "stock", "year-end": "stock", "year_end": "stock",
}
#: headers of a remarks column, whose text may say how a series is counted (累计数, 当年新增)
NOTE_HEADERS = frozenset({"备注", "说明", "注", "附注", "注释", "备注说明", "说明备注", "remark", "remarks",
                          "note", "notes"})
#: what a remark may say of a measure besides :data:`MEASURE_WORDS`
_NOTE_WORDS = {"当年数": "flow", "本年数": "flow", "当期数": "flow", "年度数": "flow", "当年完成": "flow",
               "年度完成": "flow", "本年完成": "flow", "当年发生额": "flow", "当年发生": "flow",
               "累计完成数": "running_total", "累计新增数": "running_total", "累计总额": "running_total",
               "累计发生额": "running_total", "累计总数": "running_total"}
#: the years around a measure in a remark (自2021年起, 截至2023年底, 2021-2023年, 2021年以来): they say no more
_NOTE_YEARS = re.compile(r"(自|从|截至|截止)?((19|20)\d{2}年?(底|末)?[-~—–至到]?)+(以来|起|开始|至今)?")
_NOTE_LEAD = re.compile(r"^(统计口径|口径|数据|数值|均|此项|该项|本项)?(为|系|按|是|指)?")
_NOTE_TAIL = re.compile(r"(口径|数据|统计|计算)$")
_NOTE_CLAUSES = re.compile(r"[，,；;。.、:：()（）【】\[\]/]+")


def note_measure(text) -> str:
    """``flow`` / ``running_total`` / ``stock`` when a remark (备注) says how its series is counted and says
    only that, once or more (``累计数``, ``自2021年起累计``, ``为当年新增数``, ``累计数（自2021年起）``, ``年末数``);
    ``""`` for a remark saying anything else or both (``含新增注册企业``, ``数据来源：统计局``)."""
    said = set()
    for clause in _NOTE_CLAUSES.split(normalize_words(text).lower().replace(" ", "")):
        words = _NOTE_TAIL.sub("", _NOTE_LEAD.sub("", _NOTE_YEARS.sub("", clause)))
        measure = MEASURE_WORDS.get(words) or _NOTE_WORDS.get(words) if words else None
        if measure:
            said.add(measure)
    return said.pop() if len(said) == 1 else ""


_MEANING = {"flow": "flow, 当年: each year's own amount",
            "running_total": "running_total, 累计: the total since the plan period began",
            "stock": "stock, 存量 / 年末数: the level at each year's end"}
PERCENT_HELP = ("a percentage between 0 and 100 (unit is %, read as a share); a rate of change or a "
                "margin in % may be negative or above 100: say so in the name (增长, 增速, 利润率 ...) "
                "or the unit (%/年, 百分点), or give 'lower' / 'upper' columns")


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _user_frame():
    """The innermost frame outside the mstarget package (and contextlib / functools): the line
    that called into it."""
    f = sys._getframe(1)
    while f is not None:
        name = os.path.abspath(f.f_code.co_filename)
        if not (name.startswith(_PACKAGE_DIR + os.sep) or os.path.basename(name) in ("contextlib.py", "functools.py")):
            return f
        f = f.f_back
    return None


def warns_at_caller(read):
    """Decorator of the readers (:func:`read_history`, :func:`mstarget.plan.read_plan`): the warnings
    of reading a table point at the user's line that asked for it -- the first line outside the
    package, however deep in the reader they are raised -- not at a line inside mstarget
    (``history.py:173``) or at ``sys:1``. Another library's warning stays where it arose; every
    warning still goes through the caller's filters."""

    @functools.wraps(read)
    def wrapper(*args, **kwargs):
        caught: list = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                return read(*args, **kwargs)
        finally:  # also when the table is refused: what was warned before still is
            frame = _user_frame() if caught else None
            for w in caught:
                mine = os.path.abspath(w.filename or "").startswith(_PACKAGE_DIR + os.sep)
                if mine and frame is not None:
                    g = frame.f_globals
                    warnings.warn_explicit(w.message, w.category, frame.f_code.co_filename, frame.f_lineno,
                                           module=g.get("__name__", "__main__"),
                                           registry=g.setdefault("__warningregistry__", {}))
                else:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)

    return wrapper


@warns_at_caller
def read_history(data, *, source: str | None = None, region: str | None = None) -> pd.DataFrame:
    """Read and validate a history table.

    Parameters
    ----------
    data : path (CSV, XLSX, XLS, Parquet, JSON) or DataFrame
        One row per observation: ``region`` (str), ``indicator`` (str id) and/or ``name``
        (指标名称), ``year`` (int), ``value`` (float; ``"95.01%"`` and ``"1,234"`` are read as
        numbers) -- or one column per year (``2021年``, ``2022年`` ...), or one column per
        indicator beside a year column (``地区 | 年份 | 企业标准（项） | ...``: a panel export; the
        header is the name, its parentheses the unit); in a workbook of one
        indicator per sheet (regions x years), the sheet's name is the indicator. Optional ``unit`` (also
        read from a name such as ``覆盖率（%）``), ``source``, ``measure`` (``flow`` / 当年,
        ``running_total`` / 累计 or ``stock`` / 存量 / 年末数; also read from a 备注 / 说明 / 注 column whose text for a series says
        only that, 累计数 or 当年新增: :func:`note_measure`), ``lower`` / ``upper``. ``%`` values of a share must lie in
        0-100; rates of change and margins in ``%`` need not (:mod:`mstarget.units`).
    source : str, optional
        Name used in error messages (defaults to the file name).
    region : str, optional
        Region of a history without a region column, and of rows whose region cell is blank.

    Returns
    -------
    DataFrame
        Columns ``region, indicator, year (int), value (float), unit, source`` (plus ``name``,
        ``measure``, ``lower``, ``upper`` and any extra columns given -- 序号, 备注, a column naming no year --,
        but not the columns of a table kept one column per year that name a year and are not read, which the
        :class:`~mstarget.exceptions.UnreadColumnWarning` names: ``2025年1-9月``, ``2025年目标``, ``2024年同比增减``;
        ``preliminary`` (bool) and
        ``preliminary_mark`` (快报, 预计 ...) when a figure is marked preliminary -- ``3.05（快报）``, a column
        ``2025年（快报）``, a year cell ``2025年（快报）`` -- which is warned), sorted by region,
        indicator, year; exact duplicate observations dropped. Without an indicator column the
        name is the id. ``attrs["title"]`` / ``attrs["notes"]``: the title and the notes rows
        (and columns not read, such as a year's growth beside its value). ``attrs["part_year"]`` (only when
        there are any): the figures of a part of a year -- a column ``2026年1-10月``, a year cell ``2026年1-10月``
        (``2026年上半年``, ``2026年前三季度``), rows a note or 备注 says are ``1-10月`` --, never observations (warned
        as not read): one dict each, ``region, indicator, name, unit, label`` (``2026年1-10月``), ``value``,
        ``written`` (the cell as written), ``source`` (``column`` / ``row``), ``header``; the report shows them
        marked (2026年1-10月（仅供参考）).

    Raises
    ------
    DataValidationError
        Listing every problem: missing columns, non-numeric values, non-integer years, the same
        (region, indicator, year) twice with different values, a ``%`` share outside 0-100, an
        unknown ``measure`` (or one its 备注 contradicts), one series in two units (批次 /
        万批次); each names file, spreadsheet row (a DataFrame's index label:
        :func:`mstarget.layout.frame_row_labels`), column as written and cell text.

    Warns
    -----
    InconsistentDataWarning
        A ``%`` share jumping about 100 times between two years (a ratio 0-1 among
        percentages), observations dated after the current year, negative counts
        (:mod:`mstarget.consistency`).
    """
    check_table(data, "data", "read_history")
    src = source or source_name(data)
    if isinstance(data, pd.DataFrame) and REQUIRED_CLEAN <= set(data.columns) and _already_clean(data):
        return data
    carried = consistency.sheet_of(data) if isinstance(data, pd.DataFrame) else None
    if carried is not None and source is None:
        src = carried.source
    tables = layout.load_sheets(data, SCHEMA, source=src, region=region)
    if isinstance(data, pd.DataFrame) and carried is None:  # a frame the user built: its rows by index label
        layout.name_frame_rows(data, tables)
    if len(tables) > 1:  # a workbook keeping one indicator, year, region or topic per sheet
        return _read_sheets(tables, src, region)
    return _read_table(tables[0], src, region, carried, laid_out=not isinstance(data, pd.DataFrame))


#: the words of a plan's attribute column (属性), as ``read_plan`` reads them, and 指导性
_PLAN_ATTRIBUTES = set(ATTRIBUTE_WORDS) | {"指导性", "指导性指标"}


def _refuse_plan_table(raw: pd.DataFrame, headers: dict, src: str) -> None:
    """Refuse a plan table given as the history: a column whose every filled cell is 约束性 / 预期性 (the plan's
    属性) beside years whose latest stands apart (2020年 | 2025年: a baseline and a target). Before, those columns
    were read as two observations -- the 2025 target as a value -- and the swap (``mstarget assess`` takes the plan
    first, ``mt.assess`` the history first) went unsaid. A monitoring table of consecutive years with a 属性 column
    (2021年 | 2022年 | 2023年) is a history and is read, and so is a plan's 2020年基数 | 2022年完成值 | 2023年完成值 (its
    2025年目标 not read), which ``mt.assess(plan, plan)`` takes as the history."""
    if "year" not in raw.columns:
        return
    years = set()
    for v in pd.unique(raw["year"].astype(object)):
        try:
            y = parse_year(v)
        except ValueError:
            continue
        if y is not None:
            years.add(y)
    ordered = sorted(years)
    if len(ordered) < 2 or ordered[-1] - ordered[-2] <= 1:
        return  # the latest year does not stand apart as a target (2020年基数 | 2022年完成值 | 2023年完成值 is read)
    for col in raw.columns:
        if col in ("region", "indicator", "name", "unit", "year", "value") or not isinstance(col, str):
            continue
        filled = {normalize_words(v).replace(" ", "") for v in raw[col].tolist() if not blank_cell(v)}
        if filled and filled <= _PLAN_ATTRIBUTES:
            written = headers.get(col, col)
            raise DataValidationError([Problem(src, None, str(written), None, (
                f"this is a plan table, not a history: its column '{written}' holds a plan's attributes ("
                f"{' / '.join(sorted(filled))}). Give it as the plan and the table of observed values as the history "
                "(command line: mstarget assess PLAN HISTORY, the plan first; Python: mt.assess(history, plan), the "
                "history first)（这是规划指标表，不是历史数据：请检查规划表与历史数据的顺序）"))], source=src)


def _read_sheets(tables: list, src: str, region: str | None) -> pd.DataFrame:
    """Each sheet read as its own history (messages name the sheet), then one history of all;
    every sheet's problems are listed together."""
    parts, cells = consistency.read_each(
        tables, lambda t: _read_table(t, t.source, region, None, final=False), src)
    out = pd.concat(parts, ignore_index=True)
    if "preliminary" in out.columns:  # a sheet without preliminary figures: none marked
        # (not .fillna(False) on the object column: pandas warns it downcasts)
        out["preliminary"] = np.array([False if pd.isna(v) else bool(v) for v in out["preliminary"].tolist()], bool)
        out["preliminary_mark"] = out["preliminary_mark"].fillna("").astype(object)
    order = _series_order(out["region"], out["indicator"], out["year"].to_numpy())
    order = _across_sheets(out, order, cells, src)
    out = out.take(order).reset_index(drop=True)
    headers = {}  # a header the sheets write alike; a unit line differs per sheet
    for key in dict.fromkeys(k for c in cells for k in c.headers):
        texts = list(dict.fromkeys(c.headers[key] for c in cells if key in c.headers))
        headers[key] = texts[0] if len(texts) == 1 else (
            "单位（各表上方）" if key == "unit" else " / ".join(texts))
    sheet = consistency.SheetCells(
        src, np.concatenate([c.rows for c in cells])[order], headers,
        np.concatenate([c.value_columns if c.value_columns is not None
                        else np.full(len(c), c.column("value"), dtype=object) for c in cells])[order],
        sources=np.concatenate([np.full(len(c), c.source, dtype=object) for c in cells])[order])
    consistency.remember(out, sheet)
    out.attrs["mstarget_clean"] = True
    out.attrs["title"] = ""
    out.attrs["notes"] = [note for part in parts for note in part.attrs.get("notes", [])]
    kept = [r for part in parts for r in part.attrs.get(PART_YEAR, [])]  # 2026年1-10月 of each sheet
    if kept:
        out.attrs[PART_YEAR] = kept
    consistency.warn_history(out)
    return out


def _across_sheets(out: pd.DataFrame, order: np.ndarray, cells: list, src: str) -> np.ndarray:
    """``order`` without the repeats of an observation given by two sheets with the same value
    (a topic's indicator on two sheets); two sheets giving it different values are refused,
    naming both cells."""
    key = out[["region", "indicator", "year"]].take(order)
    twice = key.duplicated(keep=False).to_numpy()
    if not twice.any():
        return order
    where = [(c.source_of(k), int(r), c.column("value", k)) for c in cells for k, r in enumerate(c.rows)]
    values = out["value"].to_numpy()[order]
    problems, drop = [], np.zeros(len(order), dtype=bool)
    for _, pos in key[twice].groupby(["region", "indicator", "year"], sort=False).indices.items():
        pos = np.flatnonzero(twice)[pos]
        first = pos[0]
        for p in pos[1:]:
            if values[p] == values[first] or (np.isnan(values[p]) and np.isnan(values[first])):
                drop[p] = True
                continue
            s1, r1, c1 = where[order[first]]
            s2, r2, c2 = where[order[p]]
            problems.append(Problem(s2, r2, c2, f"{values[p]:g}",
                                    f"the same region, indicator and year as {s1}, row {r1}, column '{c1}' "
                                    f"({values[first]:g}) with a different value; keep one of them"))
    if problems:
        raise DataValidationError(problems, source=src)
    return order[~drop]


def _without_sum_lines(table, raw: pd.DataFrame, src: str) -> pd.DataFrame:
    """A long table's sum line (``合计,,,1500``: a total label with neither indicator nor year; or a total label
    as the indicator, ``全国,合计,,12345678``, with no year) left out with a
    warning naming its row, instead of refused as a row whose year and indicator are blank: it sums figures
    of other indicators and years, no figure of any series. ``table.rows`` is cut alike."""
    ident = "indicator" if "indicator" in raw.columns else "name"
    if "region" not in raw.columns or not {ident, "year"} <= set(raw.columns):
        return raw

    # numpy booleans, not ``Series.map``: an empty ``str`` column (pandas 3) maps to ``str``, which ``&`` refuses
    # each distinct cell judged once (map_unique): a country's history has a million rows, a few thousand names
    def blank(col):
        return map_flags(raw[col], lambda v: v is None or (not isinstance(v, str) and pd.isna(v)) or not str(v).strip())

    def total(col):
        return map_flags(raw[col], lambda v: isinstance(v, str) and bool(
            layout.TOTAL_INDICATOR.match(re.sub(r"\s+", "", v))))

    # 合计,,,1500 (a total label for the region, no indicator), or 全国,合计,,12345678 (a total for the indicator)
    lines = ((total("region") & blank(ident)) | total(ident)) & blank("year")
    if not lines.any():
        return raw
    rows = np.asarray(table.rows)
    where = [int(r) for r in rows[lines]] if len(rows) == len(raw) else []
    words = sorted({re.sub(r"\s+", "", str(v)) for col in ("region", ident) for v in raw[col][lines]
                    if isinstance(v, str) and layout.TOTAL_INDICATOR.match(re.sub(r"\s+", "", v))})
    warnings.warn(MstargetWarning(
        f"{src}: {'、'.join(repr(w) for w in words)} 是表尾合计行，不是某一指标某一年的数据，未读取"
        + (f"（第{'、'.join(str(r) for r in where[:8])}行）" if where else "")
        + f" (a sum line below the table -- a total label with no year, summing other figures: {int(lines.sum())} row(s) left out)"),
        stacklevel=5)
    if len(rows) == len(raw):
        table.rows = rows[~lines]
    return raw.loc[~lines].reset_index(drop=True)


def _read_table(table, src: str, region: str | None, carried, *, final: bool = True,
                laid_out: bool = True) -> pd.DataFrame:
    """:func:`read_history` of one table found by :mod:`mstarget.layout` (``final=False``: one
    sheet of several, whose history-wide warnings wait for the whole; ``laid_out``: read from a file, whose
    key cells may be written once at the top of their rows, :func:`_written_once`).

    The steps: the table's rows made history rows (:func:`_history_rows`), the required columns checked, every field
    read (:func:`_read_fields`), the frame of the validated columns (:func:`_history_frame`), the rows dropped or
    refused across rows (:func:`_rows_dropped`), sorted (:func:`_sorted_history`), and what was left out said
    (:func:`_say_left_out`)."""
    src = table.source or src  # a workbook's sheet is named in messages
    raw = _history_rows(table, src, region, carried, laid_out)
    problems = Problems(src, rows=table.rows, headers=table.headers, order=list(raw.columns))
    if not require_columns(raw, REQUIRED, problems, "history", table.title):
        if table.year_hint and "year" not in raw.columns:  # by region, the year nowhere: say where to write it
            raise DataValidationError([Problem(src, None, None, None, table.year_hint)], source=src)
        if hint := layout.year_start_hint(table.headers.values() if "year" in raw.columns else raw.columns):
            problems.table(hint)  # 2021年初: the end of 2020
        problems.raise_if_any()
    f = _read_fields(raw, table, src, problems)
    out = _history_frame(raw, f)
    out, drop = _rows_dropped(out, raw, f, table, src, problems)
    out = _sorted_history(out, f, drop, table, src, carried)
    kept = _part_year_rows(raw, f.ident, f.values, f.part_labels) + _part_year_columns(raw, f.ident, table.unread)
    if kept:  # 2026年1-10月: not observations, kept apart for the report to show (仅供参考)
        out.attrs[PART_YEAR] = kept
    _say_left_out(out, kept, f, table, src, problems)
    if final:
        consistency.warn_history(out)  # observations after this year, % shares jumping ~100x
    return out


def _history_rows(table, src: str, region: str | None, carried, laid_out: bool) -> pd.DataFrame:
    """The table's frame as history rows: sum lines left out, a plan given as the history refused, a key written once
    over its rows carried down, the ``region=`` given applied, a table of names only keyed by its names; a history read
    before (``carried``) lends its rows to messages."""
    if carried is not None:  # a history read before: messages keep naming its file's rows
        table.rows, table.headers = carried.rows, dict(carried.headers)
        if carried.value_columns is not None:
            table.cell_columns = carried.value_columns
    raw = table.frame
    raw = _without_sum_lines(table, raw, src)
    _refuse_plan_table(raw, table.headers, src)
    if laid_out:  # 指标名称 over its years beside names of one year: the years say a blank row goes on (_run_of)
        written_once(raw, table.rows, table.headers, src, KEY_COLUMNS, years=_plain_years(raw))
    apply_region(raw, region)
    if "indicator" not in raw.columns and "name" in raw.columns:
        raw["indicator"] = raw["name"]
        table.headers.setdefault("indicator", table.headers.get("name", "name"))
    return raw


@dataclass
class _HistoryFields:
    """Every field of a history table's rows, read (:func:`_read_fields`); arrays of one item per row."""

    #: region, indicator, name, unit (:func:`_identity`)
    ident: dict
    years: np.ndarray
    #: a year cell's part-of-year label (2026年1-10月), "" where a whole year
    cell_labels: np.ndarray
    #: rows of a part of a year (by a cell, a column or the notes), and their labels
    partial: np.ndarray
    part_labels: np.ndarray
    values: np.ndarray
    #: a figure's preliminary mark (快报), "" where final; the preliminary figures to warn about
    marks: np.ndarray
    preliminary: list
    measure: object
    lower: object
    upper: object


def _read_fields(raw: pd.DataFrame, table, src: str, problems: Problems) -> _HistoryFields:
    """Every field of the rows, each by its own parser; a cell that cannot be read is collected in ``problems``."""
    ident = _identity(raw)
    named = table.headers.get("indicator") or table.headers.get("name")
    if "unit" not in table.headers and named not in (None, "indicator", "name") and (ident["unit"] != "").any():
        table.headers["unit"] = f"{named}（括号中的单位）"  # 期末市场主体总量(户): no column 'unit' to name
    problems.cells(once_per_sheet_row(ident["indicator"] == "", table.rows), "indicator", raw["indicator"],
                   "an indicator id (text), not blank")
    refuse_blank_regions(raw, table.rows, problems)
    years, year_marks, cell_labels = _years(raw, problems)
    # a note / title / 备注 cell saying 2025年为快报数 or 2024年为1-11月数据: applied as 2025年（快报） / 2024年（1-11月）
    remarks = [raw[c].to_numpy(dtype=object) for c in raw.columns if isinstance(c, str)
               and normalize_words(c).lower().replace(" ", "") in NOTE_HEADERS]
    partial = layout.apply_notes(src, [table.title, *table.notes], years, year_marks, wide=table.cell_columns is not None,
                                 remarks=remarks)
    noted = _noted_part_labels(partial, years, [table.title, *table.notes], remarks)  # 2026年1-10月, by the notes
    part_labels = np.where(cell_labels != "", cell_labels, noted)
    partial |= cell_labels != ""  # 2026年1-10月 as the year cell: not read as the year, as a column so headed is not
    values, marks, preliminary = _values(raw, table.cell_columns, problems, ident["unit"], year_marks,
                                         preliminary_footnotes([table.title, *table.notes]))
    measure = _measures(raw, ident, problems) if "measure" in raw.columns else None
    measure = _measures_in_notes(raw, ident, measure, problems)
    lower, upper = _declared_bounds(raw, problems)
    _percent_range(raw, ident, values, lower, upper, table.cell_columns, problems)
    return _HistoryFields(ident=ident, years=years, cell_labels=cell_labels, partial=partial, part_labels=part_labels,
                          values=values, marks=marks, preliminary=preliminary, measure=measure, lower=lower,
                          upper=upper)


def _history_frame(raw: pd.DataFrame, f: _HistoryFields) -> pd.DataFrame:
    """The columns as read, the validated ones replaced: one frame without copying any cell (a copy of a 1M-row
    history costs ~0.5 s, mostly first touches of new memory)."""
    cols = {c: raw[c] for c in raw.columns}
    cols["region"], cols["indicator"], cols["unit"] = f.ident["region"], f.ident["indicator"], f.ident["unit"]
    if "name" in raw.columns:
        cols["name"] = f.ident["name"]
    cols["year"], cols["value"] = f.years, f.values
    if f.measure is not None:
        cols["measure"] = f.measure
    if f.lower is not None:
        cols["lower"], cols["upper"] = f.lower, f.upper
    if (f.marks != "").any():  # 3.05（快报）, a column 2025年（快报）: read as the figure, kept marked
        cols["preliminary"], cols["preliminary_mark"] = f.marks != "", f.marks
    if "source" not in cols:
        cols["source"] = np.full(len(raw), "", dtype=object)
    return pd.DataFrame(cols, copy=False)


def _rows_dropped(out: pd.DataFrame, raw: pd.DataFrame, f: _HistoryFields, table, src: str,
                  problems: Problems) -> tuple[pd.DataFrame, list]:
    """The rows left out -- a year given twice (a 2025年（预计） row a 2025 row supersedes), a part of a year, a 合计
    under 指标名称 -- and the checks across rows (one unit per series: a row in another magnitude converted, no
    negative counts); returns the frame and the positions to drop. Refused rows raise here."""
    drop = _duplicates(out, raw, table.cell_columns, problems, skip=f.cell_labels != "", marks=f.marks)
    said = set(np.asarray(drop, dtype=int).tolist())  # a 2025年（预计） row a 2025 row supersedes: not read
    if any(pos not in said for pos, _, _ in f.preliminary):
        warn_preliminary(problems, [c for c in f.preliminary if c[0] not in said], stacklevel=4)
    partial = f.partial | layout.total_indicator_rows(src, f.ident["indicator"], table.rows)  # 合计 under 指标名称
    if partial.any():  # a part of a year by the notes: not read, as a column 2024年（1-11月） is not
        drop = sorted(set(np.asarray(drop, dtype=int).tolist()) | set(np.flatnonzero(partial).tolist()))
    # across rows: one unit per series, no negative counts (mstarget.consistency)
    checked = out if "name" in raw.columns else pd.DataFrame({**{c: out[c] for c in out.columns},
                                                              "name": f.ident["name"]}, copy=False)
    mixed = consistency.check_history(checked, raw, lambda pos: _value_column(table.cell_columns, pos), problems)
    problems.raise_if_any()
    if mixed:  # 万批次 among a series' 批次: each such row in the series' commonest unit, said
        out = _one_unit_per_series(out, mixed, problems)
    return out, drop


def _sorted_history(out: pd.DataFrame, f: _HistoryFields, drop, table, src: str, carried) -> pd.DataFrame:
    """The rows kept, sorted by region, indicator, year (stable) with one take per column, the columns left unread
    left out; the file's rows and headers remembered for later messages (:func:`mstarget.consistency.remember`)."""
    kept = np.ones(len(out), dtype=bool)
    kept[np.asarray(drop, dtype=int)] = False
    kept = np.flatnonzero(kept)
    order = kept[_series_order(f.ident["region"][kept], f.ident["indicator"][kept], f.years[kept])]
    first = ["region", "indicator", "year", "value", "unit", "source"]
    unread = set(table.unread_columns)  # 2025年1-9月, 2025年目标 beside the years: warned as not read, left out
    out = pd.DataFrame({c: _take(out[c], order)
                        for c in first + [c for c in out.columns if c not in first and c not in unread]},
                       copy=False)
    out["year"] = f.years[order].astype(int)
    value_columns = (np.asarray(table.cell_columns, dtype=object)[order] if table.cell_columns is not None
                     else np.full(len(order), table.headers.get("value", "value"), dtype=object))
    sources = None if carried is None or carried.sources is None else carried.sources[order]
    consistency.remember(out, consistency.SheetCells(src, np.asarray(table.rows)[order], table.headers,
                                                     value_columns, sources=sources))
    out.attrs["mstarget_clean"] = True
    out.attrs["title"] = table.title
    out.attrs["notes"] = list(table.notes)  # 注 / 资料来源 rows; columns not read (a year's growth)
    return out


def _say_left_out(out: pd.DataFrame, kept: list, f: _HistoryFields, table, src: str, problems: Problems) -> None:
    """Warn of what was not read: columns (the last year read said, and a part of a year kept apart), year cells of a
    part of a year, preliminary columns read where the final ones are blank."""
    if table.unread:
        last = f"the last year read is {int(out['year'].max())}" if len(out) else ""
        if any(r["source"] == "column" for r in kept):
            last += ("; " if last else "") + PART_YEAR_KEPT
        layout.warn_unread(src, table.unread, last)
    _warn_part_year_cells(src, f.cell_labels, problems)
    layout.warn_kept_preliminary(src, table.kept_preliminary)  # 2025年（快报） read where 2025年（年报） is blank


def _series_order(region, indicator, year) -> np.ndarray:
    """Positions sorting rows by region, indicator, year (stable)."""
    return np.lexsort((year, pd.factorize(indicator, sort=True)[0], pd.factorize(region, sort=True)[0]))


def _identity(raw: pd.DataFrame) -> dict:
    """``region, indicator, name, unit`` as text; a unit in a name or id fills a blank unit."""
    region, indicator = text_column(raw, "region"), text_column(raw, "indicator")
    region, indicator = map_unique(region, tidy_breaks), map_unique(indicator, tidy_breaks)  # 总\n量 -> 总量
    unit = unit_column(raw)  # （件/万人） -> 件/万人
    if "name" in raw.columns:  # as written, like the plan's (① stays ①: matching drops footnote marks)
        name = map_unique(map_unique(raw["name"], written_text), tidy_breaks)  # a wrapped cell's line break
    else:
        name = indicator.copy()
    written = indicator.copy()
    for arr in (name, indicator):
        parts = map_unique(arr, lambda t: split_unit(t) if t else (t, ""))
        has_unit = np.array([bool(u) for _, u in parts], dtype=bool)
        if has_unit.any():
            arr[has_unit] = [b for (b, _), h in zip(parts, has_unit) if h]
            fill = has_unit & (unit == "")
            unit[fill] = [u for (_, u), f in zip(parts, fill) if f]
    _keep_units_apart(region, indicator, written, unit)
    indicator[indicator == ""] = name[indicator == ""]
    return {"region": region, "indicator": indicator, "name": name, "unit": unit}


def _per_of(unit) -> str:
    """The population a unit counts per (``件/万人`` -> ``万人``), "" for a plain figure."""
    u = re.sub(r"\s+", "", str(unit or "")).replace("人口", "人")
    m = re.search(r"/|每", u)
    return u[m.end():].replace("每", "") if m else ""


def _keep_units_apart(region, indicator, written, unit) -> None:
    """Two series whose names differ only by the unit in brackets counting per different populations
    (高价值发明专利拥有量（件/万人） beside 高价值发明专利拥有量（件）) are two indicators: their ids keep the unit
    as written (in place), instead of being merged into one series with two values a year."""
    if not len(indicator):
        return
    frame = pd.DataFrame({"r": region, "i": indicator, "w": written, "u": map_unique(pd.Series(unit, dtype=object),
                                                                                   _per_of)})
    groups = frame.groupby(["r", "i"], sort=False)
    apart = (groups["w"].transform("nunique") > 1) & (groups["u"].transform("nunique") > 1)
    if apart.any():
        indicator[apart.to_numpy()] = written[apart.to_numpy()]


def _plain_years(raw: pd.DataFrame) -> np.ndarray | None:
    """Each row's year where its cell reads as one (``2019``, ``2019年``), NaN elsewhere; None without a year column.
    For the written-once reading only: the year cells are checked, and refused, later (:func:`_years`)."""
    if "year" not in raw.columns:
        return None

    def year(cell):
        try:
            return float(parse_year(cell) or np.nan)
        except ValueError:  # PartOfYear among them: no plain year
            return np.nan
    return np.asarray(map_unique(raw["year"], year), dtype=float)


def _years(raw: pd.DataFrame, problems: Problems) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer years as floats (NaN where bad); whole columns at once, odd cells one by one. With them
    the preliminary mark of each year cell (``2025年（快报）`` -> ``"快报"``, else ``""``), and the part of the year a
    year cell names (``2026年1-10月`` -> year 2026, labelled ``"2026年1-10月"``: :func:`part_year_cell`; ``""`` for a
    year's figure), which :func:`_read_table` keeps apart, never as the year's observation."""
    years = np.array(pd.to_numeric(raw["year"], errors="coerce"), dtype=float)
    marks = np.full(len(years), "", dtype=object)
    labels = np.full(len(years), "", dtype=object)
    with np.errstate(invalid="ignore"):  # "inf" typed as a year: refused below, quietly
        ok = np.isfinite(years) & (years % 1 == 0) & (years >= YEAR_MIN) & (years <= YEAR_MAX)
    odd = np.flatnonzero(~ok)
    if odd.size:
        cells = raw["year"].to_numpy(dtype=object)
        parsed = map_unique(cells[odd], parse_year)
        parts = map_unique(cells[odd], part_year_cell)
        for pos, y, part in zip(odd, parsed, parts):
            if part is not None:  # 2026年1-10月: a part of 2026, kept apart (not the year's figure)
                years[pos], labels[pos] = part
            elif isinstance(y, PartOfYear):  # 2023年6月, 2023-06-30: a half year's flow read as the year's
                years[pos] = np.nan
                problems.cell(pos, "year", cells[pos], "a year's figure, not a month's or part of a year "
                              "(2023年6月 / 2023-06-30): give the whole year's figure under its year, 2023, or "
                              "leave the row out（只填全年数据：年份写2023，半年、月度数据不读取）")
            elif isinstance(y, ValueError):
                years[pos] = np.nan
                problems.cell(pos, "year", cells[pos], "an integer year such as 2021" + year_hint(cells[pos]))
            elif y is None:
                years[pos] = np.nan
                problems.cell(pos, "year", cells[pos], "a year such as 2021, not blank")
            else:
                years[pos] = y
                marks[pos] = layout.preliminary_word(cells[pos])  # 2025年（快报）: that year's, preliminary
    return years, marks, labels


#: the key of a history's ``attrs`` keeping its figures of a part of a year (:func:`read_history`)
PART_YEAR = "part_year"
#: what the warning on a part-year column adds: the figures are kept, for the report
PART_YEAR_KEPT = ("its figures are kept apart (attrs['part_year']) and shown in the report for reference, never used as "
                  "the year's（部分月份数据不参与评估，报告中列示，仅供参考）")
#: a year cell naming a part of the year from its start or a half / quarter (``2026年1-10月``, ``2026年（1-10月）``,
#: ``2026年前三季度``, ``2026年上半年``); a single month (``2023年6月``) stays refused
_PART_YEAR_CELL = re.compile(r"^((?:19|20)\d{2})\s*年?\s*[(（]?\s*(\d{1,2}\s*[-—–~至到]\s*\d{1,2}\s*月份?|[上下]半年|"
                             r"前?[一二三四1-4]季度|第[一二三四1-4]季度|前三季度)\s*[)）]?$")


def part_year_cell(cell) -> tuple[int, str] | None:
    """``(2026, "2026年1-10月")`` for a year cell naming a part of the year (``2026年1-10月``, ``2026年（1-10月）``,
    ``2026年前三季度``, ``2026年上半年``); None for anything else (a year, ``2026年1-12月`` -- the year --, a single
    month ``2023年6月``, which :func:`read_history` refuses)."""
    text = normalize_text(cell).replace(" ", "") if cell is not None and not (isinstance(cell, float) and np.isnan(cell)) else ""
    m = _PART_YEAR_CELL.match(text)
    if m is None or re.fullmatch(r"1[-—–~至到]12月份?", m.group(2)):
        return None
    period = re.sub(r"[—–~至到]", "-", m.group(2)).replace("月份", "月")
    return int(m.group(1)), f"{m.group(1)}年{period}"


def _noted_part_labels(partial: np.ndarray, years: np.ndarray, notes: list, remarks: list) -> np.ndarray:
    """The label of each row a note or 备注 cell says is a part of its year (``partial``, from
    :func:`mstarget.layout.apply_notes`): ``注：2026年为1-10月数据`` -> ``"2026年1-10月"`` (``""`` elsewhere), as
    :func:`mstarget.layout.noted_years` reads it; ``2026年部分月份`` when the words cannot be found again."""
    labels = np.full(len(years), "", dtype=object)
    if not partial.any():
        return labels
    for note in notes:
        for year, kind, word in (layout.noted_years(note) if isinstance(note, str) else []):
            if kind == "part" and year:
                labels[partial & (years == year) & (labels == "")] = f"{year}年{word}"
    for cells in remarks:
        cells = np.asarray(cells, dtype=object)
        for pos in np.flatnonzero(partial & (labels == "")):
            for year, kind, word in (layout.noted_years(cells[pos]) if isinstance(cells[pos], str) else []):
                if kind == "part" and (year == 0 or year == years[pos]):
                    labels[pos] = f"{int(years[pos])}年{word}"
                    break
    rest = partial & (labels == "") & np.isfinite(years)
    labels[rest] = [f"{int(y)}年部分月份" for y in years[rest]]
    return labels


def _part_year_rows(raw: pd.DataFrame, ident: dict, values: np.ndarray, labels: np.ndarray) -> list[dict]:
    """The figures of the rows dated a part of a year (``labels``: by their year cell or a note), as
    ``attrs["part_year"]`` keeps them: region, indicator, name, unit, label (``2026年1-10月``), value (float) and
    the cell as written."""
    cells = raw["value"]  # read at the few rows dated a part of a year, not copied whole
    return [_part_year_entry(ident, pos, labels[pos], values[pos], cells.iat[pos], "row")
            for pos in np.flatnonzero((labels != "") & np.isfinite(values))]


def _part_year_columns(raw: pd.DataFrame, ident: dict, unread: list) -> list[dict]:
    """The figures of a history's columns of a part of a year (``2026年1-10月`` beside ``2025年``), which the
    reader does not take as observations (:attr:`mstarget.layout.Table.unread`) but keeps beside each row of the
    melted table: one entry per series and column."""
    out, seen = [], set()
    for col in raw.columns:
        head = str(col)
        if head not in unread or not layout.PART_OF_YEAR.search(head):
            continue
        year = re.search(r"(?<!\d)((?:19|20)\d{2})\s*年", head)
        if year is None:
            continue
        label = year.group(1) + "年" + re.sub(r"\s+", "", layout.PART_OF_YEAR.search(head).group(0))
        cells = raw[col].to_numpy(dtype=object)
        firsts = pd.DataFrame({"r": ident["region"], "i": ident["indicator"]}).drop_duplicates().index  # per series
        for pos in firsts:
            key, cell = (ident["region"][pos], ident["indicator"][pos], label), cells[pos]
            if key in seen:
                continue
            try:
                number = _number_maybe_with_unit(cell)[0]
            except ValueError:
                number = None
            if number is None or not np.isfinite(number):
                continue
            seen.add(key)
            out.append(_part_year_entry(ident, pos, label, number, cell, "column", head))
    return out


def _part_year_entry(ident: dict, pos: int, label: str, value, cell, source: str, written_as: str = "") -> dict:
    text = cell.strip() if isinstance(cell, str) else f"{float(value):.10g}"
    return {"region": str(ident["region"][pos]), "indicator": str(ident["indicator"][pos]),
            "name": str(ident["name"][pos]), "unit": str(ident["unit"][pos]), "label": str(label),
            "value": float(value), "written": text, "source": source, "header": written_as or str(label)}


def _warn_part_year_cells(src: str, labels: np.ndarray, problems: Problems) -> None:
    """One warning for the rows whose year cell names a part of the year (``2026年1-10月``): not read as the
    year's figures, kept apart for the report."""
    said = {}
    for pos in np.flatnonzero(labels != ""):
        said.setdefault(labels[pos], []).append(problems.row_of(pos))
    if not said:
        return
    shown = "; ".join(f"'{label}' (row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows[:5]))}"
                      f"{' ...' if len(rows) > 5 else ''})" for label, rows in said.items())
    words = "、".join(f"{label}（{len(rows)}个数据）" for label, rows in said.items())
    warnings.warn(UnreadColumnWarning(
        f"{src}: {words}为年内部分月份数据，不是全年数，未作为全年数据读取 (year cells naming a part of the year: {shown}; "
        f"not read as the year's figures; {PART_YEAR_KEPT}). Give the whole year's figures when they are out."),
        stacklevel=4)


def _values(raw: pd.DataFrame, cell_columns, problems: Problems, unit: np.ndarray,
            year_marks: np.ndarray | None = None, noted: dict | None = None) -> tuple[np.ndarray, np.ndarray, list]:
    """Numbers of the value cells; a cell written with its unit (``2.7万户``, ``98.4%``) fills a blank
    ``unit`` (changed in place: the row's own, as each cell is read) and must agree with a given one. A figure marked preliminary after it
    (``1.9（初步统计）``, ``99.3（快报）``), read from a column headed so (``2025年（快报）``, ``2025年预计``:
    :func:`mstarget.layout.preliminary_word`) or dated by a year cell so marked (``year_marks``) is read as
    its figure, and so is one followed by a mark the table's notes explain as preliminary (``2.70*`` under ``注：带*号
    的数据为快报数``; ``noted``: :func:`mstarget.validation.preliminary_footnotes`). Returns the values, each one's
    preliminary mark (``"快报"``, ``"预计"`` ...; ``""`` for a figure not so marked) and the preliminary cells
    ``(pos, column, cell)`` for the reader's one warning (:func:`warn_preliminary`: those a final figure of the
    same year supersedes left out)."""
    values = np.array(pd.to_numeric(raw["value"], errors="coerce"), dtype=float)
    marks = np.full(len(values), "", dtype=object) if year_marks is None else np.asarray(year_marks, dtype=object).copy()
    if cell_columns is not None:  # a wide table: a year's column headed 2025年（快报）
        heads = np.asarray(cell_columns, dtype=object)
        by_head = map_unique(heads, layout.preliminary_word)
        marks = np.where(marks != "", marks, np.asarray(by_head, dtype=object))
    odd = np.flatnonzero(~np.isfinite(values))
    preliminary = []
    if odd.size:
        cells = raw["value"].to_numpy(dtype=object)
        parsed = map_unique(cells[odd], _number_maybe_with_unit)
        for pos, v in zip(odd, parsed):
            column = _value_column(cell_columns, pos)
            explained = noted_footnote(cells[pos], noted) if isinstance(v, ValueError) else None
            if explained is not None:
                try:  # 2.70* under 注：带*号的数据为快报数: the figure, marked 快报
                    number, written, _ = _number_maybe_with_unit(explained[0])
                    v = (number, written, explained[1]) if number is not None else v
                except ValueError:
                    pass
            if isinstance(v, ValueError):
                values[pos] = np.nan
                problems.cell(pos, column, cells[pos], FORMULA_WITHOUT_VALUE if is_formula(cells[pos]) else
                              _value_hint(cells[pos]) + "a number (e.g. 95.01 or 1234); leave the cell blank "
                              "for a missing value")
                continue
            number, written, marked = v
            values[pos] = np.nan if number is None else number
            if written == "%":  # 12% in a series in 批次; 98.4% with a blank unit fills it as 0.62亿元 does
                wrong = consistency.percent_in_cell(unit[pos])
                if not wrong and unit[pos] == "":
                    unit[pos] = "%"
            else:
                wrong = consistency.unit_in_cell(unit, pos, written) if written else ""
            if wrong:
                values[pos] = np.nan
                problems.cell(pos, column, cells[pos], wrong)
            elif marked and number is not None:
                marks[pos] = marks[pos] or (marked if isinstance(marked, str) else preliminary_word_in(cells[pos]))
                preliminary.append((pos, column, cells[pos]))
    _refuse_nonsense_sizes(raw, values, cell_columns, problems)
    # a figure under a column (or year) marked preliminary, its own cell not marked: named with the others
    said = {pos for pos, _, _ in preliminary}
    cells = raw["value"].to_numpy(dtype=object)
    preliminary += [(pos, _value_column(cell_columns, pos), cells[pos])
                    for pos in np.flatnonzero((marks != "") & np.isfinite(values)) if pos not in said]
    marks[~np.isfinite(values)] = ""  # a blank under 2025年（快报） is no figure
    return values, marks, sorted(preliminary, key=lambda c: c[0])


def _refuse_nonsense_sizes(raw: pd.DataFrame, values: np.ndarray, cell_columns, problems: Problems) -> None:
    """Values of no sensible size -- infinite (a DataFrame's ``inf``), beyond 10^16 (``1e308``, ``1.2E+50``: a slip
    in the exponent) or nonzero nearer zero than 10^-9 (``1e-300``, a formula's residue ``5.55E-17``) -- refused
    naming their cells, as a file's or a DataFrame's (set NaN in ``values``, in place): forecast as written they give
    extremes with no warning, or a model's failure."""
    bad = nonsense_sizes(values)
    if not bad.any():
        return
    cells = raw["value"].to_numpy(dtype=object)
    for pos in np.flatnonzero(bad):
        hint = (size_hint(cells[pos]) if isinstance(cells[pos], str) else "") or size_hint(values[pos])  # as written
        problems.cell(pos, _value_column(cell_columns, pos), cells[pos],
                      hint + "a number (e.g. 95.01 or 1234); leave the cell blank for a missing value")
    values[bad] = np.nan


def warn_preliminary(problems: Problems, cells: list, stacklevel: int = 5) -> None:
    """One warning for a table's figures marked preliminary (``(pos, column, cell)``): in their cells, or
    by their column's header (``2025年（快报）``) or year cell; a history's values, a plan's baselines and
    完成值 columns."""
    shown = "; ".join(f"row {problems.row_of(pos)}, column '{problems.column_of(column)}': '{str(cell).strip()}'"
                      for pos, column, cell in cells[:8])
    more = f"; and {len(cells) - 8} more" if len(cells) > 8 else ""
    warnings.warn(MstargetWarning(
        f"{problems.source}: {len(cells)} figure{'s' if len(cells) > 1 else ''} marked preliminary (初步 / 快报 / "
        f"预计) read as the figure{'s' if len(cells) > 1 else ''} written（按初步数读入）: {shown}{more}. Replace "
        f"{'them' if len(cells) > 1 else 'it'} by the final figure{'s' if len(cells) > 1 else ''} (年报数 / 最终核实数) "
        "once published（正式数据发布后请替换）"), stacklevel=stacklevel)


_APPROXIMATE = ("约", "左右", "大约", "近", "超", "余", "多")
#: a target's notation in a history cell (≥99, 不低于99, 95%以上, 力争99): a plan's wording, not an observation
_TARGET_WORDING = re.compile(r"^(≥|≤|>=|<=|[<>]|不低于|不少于|不高于|不超过|不大于|不小于|力争|争取|确保|达到|保持在?)"
                             r"|(以上|以下|以内)(\(含\))?$")
#: a figure in brackets (3.2): how accounts write a negative, or a note -- not read as either
_BRACKETED_FIGURE = re.compile(r"^\(\s*-?[0-9][0-9,]*(\.[0-9]+)?%?\s*\)$")


def _value_hint(cell) -> str:
    """What is wrong with a value cell that is no number, when it can be said (else "")."""
    s = normalize_words(cell).replace(" ", "")
    if (isinstance(cell, (int, float)) or re.search(r"\d[eE]", s)) and (hint := size_hint(cell)):
        return hint  # 1e400, an infinite float
    if s.lower().strip("+-") in ("inf", "infinity", "none", "null"):
        return "a number, not a placeholder; "
    if any(ch.isdigit() for ch in s) and _TARGET_WORDING.search(s):
        return ("the figure observed, not a target: ≥ / ≤ / 不低于 / 以上 / 力争 belong in the plan table -- write the "
                "year's figure alone (99.1)（历史数据只填当年实际数值，≥、不低于、以上、力争等目标写法请写在规划表中）; ")
    if _BRACKETED_FIGURE.match(s):
        return (f"a figure without brackets: {s} is how accounts write a negative number -- write -{s.strip('()')} "
                f"if it is negative, or {s.strip('()')} with any note in a 备注 column（括号数字不读取：负数请写作"
                f"-{s.strip('()')}，注释请写在备注列）; ")
    if s == "无":
        return ("无 is not read: write 0 if the figure is zero, or leave the cell blank (or write —) if there is no "
                "figure（“无”含义不明：数值为零请填0，没有数据请留空或填“—”）; ")
    if any(w in s for w in PRELIMINARY_WORDS):
        return ("a preliminary mark (预计 / 初步) is not read: write the number alone and note it in a "
                "备注 column, or after the number in brackets, 84（预计）（预计、初步等标注请写在数字后的括号内或备注列）; ")
    if any(ch.isdigit() for ch in s) and any(w in s for w in _APPROXIMATE):
        return "约 / 左右 / 余 are not read: write the number itself（请填写确切数字）; "
    if hint := separator_hint(s) or excel_error_hint(s):
        return hint
    if s and all(ch in CN_NUMERALS or ch == "点" for ch in s):
        return "digits, not Chinese numerals (九十九 -> 99); "
    if hint := footnote_hint(cell):  # 99.1(注1), 99.1[1], 99.1①: keep 99.1, the note in a 备注 column
        return hint
    if has_note_mark(cell) or (any(ch.isdigit() for ch in s) and s.rstrip("*＊※△▲†‡") != s):
        return "a footnote mark after the number is not read: write the number alone（请去掉数字后的注释符号）; "
    return ""


def _number_maybe_with_unit(cell) -> tuple[float | None, str, bool]:
    """``(number, unit written after it, "%" for a percentage, or "", marked preliminary)``: a figure
    followed by a preliminary mark (``1.9（初步统计）``, :func:`mstarget.validation.preliminary_figure`)
    is read as the figure; raises ``ValueError`` for anything else."""
    try:
        number = parse_number(cell)
        return number, ("%" if isinstance(cell, str) and normalize_text(cell).endswith("%") else ""), False
    except ValueError:
        figure = preliminary_figure(cell)
        if figure is not None:
            return *_number_maybe_with_unit(figure)[:2], True
        with_unit = None if has_note_mark(cell) else split_number_unit(normalize_text(cell))
        if with_unit is None:
            raise
        return parse_number(with_unit[0]), with_unit[1], False


def _one_unit_per_series(out: pd.DataFrame, mixed: list, problems) -> pd.DataFrame:
    """``out`` with the rows of ``mixed`` (``[(row, factor, unit, written unit)]``,
    :func:`mstarget.consistency.check_history`) in their series' commonest unit -- value (and declared bounds)
    times the factor -- and one warning naming each row converted."""
    out = consistency.rescaled_rows(out, [m[0] for m in mixed], [m[1] for m in mixed], [m[2] for m in mixed])
    said = [f"row {problems.row_of(p)}: {w} -> {u} (x{f:.6g})" for p, f, u, w in mixed[:10]]
    more = f" ... and {len(mixed) - 10} more" if len(mixed) > 10 else ""
    warnings.warn(InconsistentDataWarning(
        f"{problems.source}: 同一指标的历史数据单位不一，已换算为该指标最常用的单位 (rows in another magnitude of their "
        f"series' unit, converted to it): {'; '.join(said)}{more}",
        [Problem(problems.source, problems.row_of(p), "unit", w, f"converted to {u}") for p, _, u, w in mixed]),
        stacklevel=4)
    return out


def _value_column(cell_columns, pos) -> str:
    return "value" if cell_columns is None else str(cell_columns[pos])


def _measures(raw: pd.DataFrame, ident: dict, problems: Problems) -> np.ndarray:
    """``flow`` / ``running_total`` / ``stock`` (blank stays blank: read as flows); one measure per series."""
    text = map_unique(raw["measure"], lambda v: normalize_words(v).lower())
    measure = np.array([MEASURE_WORDS.get(t, MEASURE_WORDS.get(t.replace(" ", "_"))) if t else ""
                        for t in text], dtype=object)
    unknown = np.array([m is None for m in measure], dtype=bool)
    problems.cells(unknown, "measure", raw["measure"],
                   "flow (当年: the amount of that year), running_total (累计: the total since the "
                   "plan period began) or stock (存量 / 年末数: the level at each year's end)")
    measure[unknown] = ""
    frame = pd.DataFrame({"r": ident["region"], "i": ident["indicator"], "m": measure})
    given = frame[frame["m"] != ""]
    first = given.groupby(["r", "i"], sort=False)["m"].transform("first")
    for pos in given.index[(given["m"] != first).to_numpy()]:
        problems.cell(pos, "measure", raw["measure"].iloc[pos],
                      f"one measure per series: {ident['region'][pos]}/{ident['indicator'][pos]} is "
                      f"declared {first.loc[pos]} in another row")
    return measure


def _measures_in_notes(raw: pd.DataFrame, ident: dict, measure: np.ndarray | None,
                       problems: Problems) -> np.ndarray | None:
    """``measure`` completed by the remarks columns (备注 / 说明 / 注, :data:`NOTE_HEADERS`): a
    series whose remarks say one measure (:func:`note_measure`: 累计数 -> ``running_total``, 当年新增
    -> ``flow``) takes it on every row; remarks saying both, or something else, are passed over. A
    measure column (口径) saying the other measure for the series is refused, naming both cells."""
    columns = [c for c in raw.columns if isinstance(c, str)
               and normalize_words(c).lower().replace(" ", "") in NOTE_HEADERS]
    if not columns:
        return measure
    said = np.full(len(raw), "", dtype=object)
    where = np.full(len(raw), None, dtype=object)  # the remark's column per row
    for column in columns:
        read = map_unique(raw[column], note_measure)
        new = (read != "") & (said == "")
        said[new], where[new] = read[new], column
        said[(read != "") & (read != said)] = "both"
    if not (said != "").any():
        return measure
    frame = pd.DataFrame({"r": ident["region"], "i": ident["indicator"], "m": said})
    given = frame[frame["m"] != ""]
    kinds = given.groupby(["r", "i"], sort=False)["m"].agg(lambda m: m.iloc[0] if m.nunique() == 1 else "")
    kinds = kinds[kinds.isin(MEASURES)]
    if kinds.empty:
        return measure
    series = pd.MultiIndex.from_arrays([ident["region"], ident["indicator"]])
    of_row = kinds.reindex(series).fillna("").to_numpy(dtype=object)
    out = np.full(len(raw), "", dtype=object) if measure is None else measure.copy()
    conflicts = np.flatnonzero((of_row != "") & (out != "") & (out != of_row))
    first_note = (given.assign(pos=given.index).groupby(["r", "i"], sort=False)["pos"].first().to_dict()
                  if conflicts.size else {})
    named = set()  # a wide table's row holds several years: its cell is named once
    for pos in conflicts:
        key = (ident["region"][pos], ident["indicator"][pos])
        if (problems.row_of(pos), key) in named:
            continue
        named.add((problems.row_of(pos), key))
        note = first_note[key]
        column = problems.column_of(where[note])
        problems.cell(pos, "measure", raw["measure"].iloc[pos], (
            f"the measure the remark of {key[0]}/{key[1]} says: row {problems.row_of(note)}, column '{column}' "
            f"reads '{normalize_text(raw[where[note]].iloc[note])}' ({_MEANING[of_row[pos]]}) while this cell "
            f"says {_MEANING[out[pos]]}; correct the one that is wrong (口径列与{column}列说法不一致，请更正其一)"))
    fill = (of_row != "") & (out == "")
    out[fill] = of_row[fill]
    return out


def _declared_bounds(raw: pd.DataFrame, problems: Problems):
    if "lower" not in raw.columns and "upper" not in raw.columns:
        return None, None
    out = []
    for column in ("lower", "upper"):
        if column not in raw.columns:
            out.append(np.full(len(raw), np.nan))
            continue
        parsed = map_unique(raw[column], parse_number)
        bad = np.array([isinstance(v, ValueError) for v in parsed], dtype=bool)
        problems.cells(bad, column, raw[column], "a number (natural bound of the indicator) or blank")
        out.append(np.array([np.nan if (b or v is None) else v for v, b in zip(parsed, bad)], dtype=float))
    return out[0], out[1]


def _percent_range(raw, ident, values, lower, upper, cell_columns, problems: Problems) -> None:
    """A ``%`` share lies in 0-100; declared bounds are checked whatever the unit."""
    kinds = map_unique(pd.Series(list(zip(ident["unit"], ident["name"], ident["indicator"])),
                                 dtype=object), lambda t: percent_kind(*t))
    share = kinds == "share"
    n = len(values)
    lo = np.full(n, np.nan) if lower is None else lower
    hi = np.full(n, np.nan) if upper is None else upper
    declared = ~np.isnan(lo) | ~np.isnan(hi)
    lo = np.where(share & ~declared, 0.0, lo)
    hi = np.where(share & ~declared, 100.0, hi)
    with np.errstate(invalid="ignore"):
        outside = ~np.isnan(values) & ((~np.isnan(lo) & (values < lo)) | (~np.isnan(hi) & (values > hi)))
    cells = raw["value"].to_numpy(dtype=object)
    meant = _meant_percent(ident, values, share & ~declared, outside)
    for pos in np.flatnonzero(outside):
        expected = (PERCENT_HELP if not declared[pos] else
                    f"a value within the declared bounds [{_fmt(lo[pos], '-inf')}, {_fmt(hi[pos], 'inf')}]")
        if pos in meant:  # 9880 among 98.x: a decimal point lost
            expected += meant[pos]
        problems.cell(pos, _value_column(cell_columns, pos), cells[pos], expected)


def _meant_percent(ident, values: np.ndarray, share: np.ndarray, outside: np.ndarray) -> dict:
    """What the refusal of a ``%`` share above 100 adds when the value / 100 lies among the series' other
    figures (:func:`mstarget.consistency.among_percentages`, the rule that refuses 0.988 among 98.x): 9880 among
    98.1-98.9 is 98.8 with its decimal point lost; position -> the words, for those that fit."""
    bad = np.flatnonzero(outside & share & (values > 100))
    if not bad.size:
        return {}
    keep = share & ~outside & np.isfinite(values) & (values > 1)
    frame = pd.DataFrame({"r": ident["region"][keep], "i": ident["indicator"][keep], "v": values[keep]})
    others = {key: group.to_numpy() for key, group in frame.groupby(["r", "i"], sort=False)["v"]}
    out = {}
    for pos in bad:
        series = others.get((ident["region"][pos], ident["indicator"][pos]))
        guess = float(values[pos]) / 100.0
        if series is not None and guess <= 100.0 and consistency.among_percentages(series, np.array([guess]))[0]:
            out[int(pos)] = (f"; {float(values[pos]):g} is probably {guess:g} with its decimal point lost (the "
                             f"series' other figures are {series.min():g}-{series.max():g}; "
                             f"可能应为{guess:g}，请核对小数点)")
    return out


def _fmt(v: float, unbounded: str) -> str:
    return unbounded if np.isnan(v) else f"{v:g}"


def _duplicates(out: pd.DataFrame, raw: pd.DataFrame, cell_columns, problems: Problems, skip=None,
                marks=None) -> list:
    """Exact duplicates are dropped; the same observation with another value is refused. ``skip``: rows that are
    no observation of their year (``2026年1-10月`` beside ``2026``), compared with none. ``marks``: each row's
    preliminary mark (``"预计"``, ``""`` for a final figure, :func:`_values`): a year given by a preliminary row
    (``2025年（预计）``) and a final one (``2025``) is read from the final one, the preliminary one dropped with a
    warning -- the rule of a wide table's ``2025年预计`` beside ``2025年``."""
    ok = ~np.isnan(out["year"].to_numpy(dtype=float)) & (out["indicator"] != "").to_numpy()
    if skip is not None:
        ok &= ~np.asarray(skip, dtype=bool)
    keys = ["region", "indicator", "year"]
    sub = out.loc[ok, keys]  # the key columns only (1M rows: the others need not be copied)
    dup = out.loc[sub.index[sub.duplicated(keep=False)], keys + ["value"]]
    drop, superseded = [], []
    cells = raw["value"].to_numpy(dtype=object)
    for _, group in dup.groupby(keys, sort=False):
        if marks is not None:
            preliminary = np.asarray([marks[p] != "" for p in group.index], dtype=bool)
            final = ~preliminary & np.isfinite(group["value"].to_numpy(dtype=float))
            if preliminary.any() and final.any():  # 2025年（预计） beside 2025: the final figure read
                final_pos = group.index[final][0]
                superseded += [(p, final_pos) for p in group.index[preliminary]]
                drop += group.index[preliminary].tolist()
                group = group[~preliminary]
                if len(group) < 2:
                    continue
        first_pos, first_v = group.index[0], group["value"].iloc[0]
        for pos, v in zip(group.index[1:], group["value"].iloc[1:]):
            if (pd.isna(v) and pd.isna(first_v)) or v == first_v:
                drop.append(pos)
            else:
                r, i, y = group.loc[pos, keys]
                problems.cell(pos, _value_column(cell_columns, pos), cells[pos],
                              _duplicate_said(problems, cell_columns, first_pos, pos, first_v, f"{r}/{i}/{int(y)}"))
    if superseded:
        _warn_superseded(out, raw, problems, superseded)
    return drop


def _duplicate_said(problems: Problems, cell_columns, first_pos: int, pos: int, first_v, key: str) -> str:
    """What a second, different figure for one region/indicator/year is told: another row giving it, or --
    in a wide table with two columns naming one year (``2023年`` twice: a 快报 and a 年报 column left
    unlabelled) -- the other column of the same row, with how to keep one."""
    first_row, first_col = problems.row_of(first_pos), _value_column(cell_columns, first_pos)
    if first_row == problems.row_of(pos):  # one row, one year twice: two of its columns name that year
        other = (f"another column of this row, also headed '{first_col}'," if first_col == _value_column(
            cell_columns, pos) else f"column '{first_col}' of this row")
        return (f"one value per region/indicator/year; {other} already gives "
                f"{float(first_v):g} for {key}: two columns name the same year -- keep one, or mark the earlier "
                "figure's header 快报 / 预计 (e.g. 2023年（快报）) so the final one is read"
                "（同一年份有两列：请删除一列，或将快报列标注为“2023年（快报）”）")
    return (f"one value per region/indicator/year; row {first_row} already gives {float(first_v):g} for {key} "
            "— remove one of them")


def _warn_superseded(out: pd.DataFrame, raw: pd.DataFrame, problems: Problems, superseded: list) -> None:
    """One warning naming the preliminary rows (``2025年（预计）``) a final row of the same year replaced:
    ``superseded`` lists ``(preliminary position, final position)``."""
    years = raw["year"].to_numpy(dtype=object) if "year" in raw.columns else None
    values = out["value"].to_numpy(dtype=float)

    def said(pos):
        cell = f" ('{str(years[pos]).strip()}')" if years is not None else ""
        return f"row {problems.row_of(pos)}{cell}: {values[pos]:g}"
    shown = "; ".join(f"{out['region'].iat[p]}/{out['indicator'].iat[p]}/{int(out['year'].iat[p])} "
                      f"{said(p)} -> {said(f)}" for p, f in superseded[:8])
    more = f"; and {len(superseded) - 8} more" if len(superseded) > 8 else ""
    warnings.warn(MstargetWarning(
        f"{problems.source}: {len(superseded)} preliminary figure{'s' if len(superseded) > 1 else ''} (预计 / 快报) "
        f"superseded by the same year's final figure（预计数 / 快报数以年报数为准，未读取）: {shown}{more}"),
        stacklevel=5)


def _take(column: pd.Series, order: np.ndarray):
    """The cells of ``column`` at positions ``order``, in its own dtype (numpy or extension)."""
    arr = column.array
    if isinstance(arr, pd.arrays.NumpyExtensionArray):
        return column.to_numpy()[order]
    return arr.take(order)


def _already_clean(df: pd.DataFrame) -> bool:
    return (bool(df.attrs.get("mstarget_clean")) and pd.api.types.is_integer_dtype(df["year"])
            and pd.api.types.is_float_dtype(df["value"]))
