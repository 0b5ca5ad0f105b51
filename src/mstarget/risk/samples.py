"""Validation of sampling tables (aggregated counts or per-batch records).

The *samples* contract (see ``DESIGN.md``): one row per group and period with ``period``, the
grouping columns, ``tested`` (integer batches >= 0) and ``failed`` (integer, 0 <= failed <= tested).
Per-batch records (no ``tested`` column, one row per batch with an outcome 0/1) are aggregated.

Every bad cell is collected before raising one :class:`~mstarget.exceptions.DataValidationError`
whose problems name the spreadsheet row (header = row 1), the column, the cell and how to fix it.
Checks are vectorised (one pass per column, distinct period spellings parsed once), so the cost
is linear in the number of rows.

Consistency checks after aggregation: a count above :data:`MAX_COUNT` (a trillion batches: no
register holds that many, it is a unit or column mix-up) is refused, as are totals that would
overflow 64-bit integers; periods of one group that overlap without being equal (``2023``,
``2023H1`` and ``2023Q1`` for the same category) are refused, naming the rows, because their
batches would be counted twice.
"""
from __future__ import annotations

import datetime as _dt
import math
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from .. import layout
from ..arguments import check_index
from ..exceptions import (DataValidationError, InconsistentDataWarning, MstargetWarning, ParameterError,
                          Problem, UnreadColumnWarning)
from ..io import (FORMULA_WITHOUT_VALUE, GRID_TYPES, drop_repeated_columns, is_formula,
                  read_grids, read_table, source_name)
from ..chinese_script import to_simplified
from ..validation import THOUSANDS, written_once
from .periods import EXPECTED_PERIOD, Period, as_date, date_periods, parse_period

OUTCOME_CANDIDATES = ("failed", "outcome", "unqualified", "fail")
_TRUE = {"1", "1.0", "true", "yes", "y", "fail", "failed", "unqualified", "不合格", "不合格样品", "不合格产品",
         "不合格批次", "不符合", "不符合要求", "不符合标准", "问题样品", "问题产品", "问题批次"}
_FALSE = {"0", "0.0", "false", "no", "n", "pass", "passed", "qualified", "合格", "合格样品", "合格产品", "符合",
          "符合要求", "符合标准", "未检出问题"}
#: a reason in parentheses after a conclusion: 不合格（标签）, 不合格(微生物指标) (NFKC: （） are ())
_REASON = re.compile(r"\s*\([^()]*\)\s*$")
#: Largest count accepted in one cell (batches); above it the column or unit is surely wrong.
MAX_COUNT = 10 ** 12
_MAX_TOTAL = 2.0 ** 62  # sums of counts stay far from the int64 limit
#: Column names read as "region" (several values in one table must not be pooled silently).
REGION_COLUMNS = ("region", "地区", "区域", "省份", "地市", "地區", "區域")  # also as written in traditional
TOTAL_LABELS = frozenset({"合计", "总计", "小计", "全部", "合計", "總計", "小計", "total", "all", "sum"})
#: a subtotal or total row's word in any other text column (小计 under 食品亚类 when grouping by
#: 食品大类, 合计 under 抽样环节): the row adds up others, whichever column says so
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "合計", "總計", "小計", "subtotal", "sub-total", "total",
                         "grand_total", "grandtotal"})
#: how a longer total label ends, once its punctuation, brackets and spaces are taken off: 食品合计,
#: 全市合计, 所有类别合计, 合计： (a group column also 合计（全部）, whose last word is 全部)
TOTAL_ENDINGS = ("合计", "总计", "小计", "共计", "合計", "總計", "小計", "共計", "total")
_NOT_WORD = re.compile(r"[\W_]+")
_BRACKETED = re.compile(r"[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]")  # after NFKC: （） are ()


#: a bureau's headers for the counted columns (other columns keep their headers: ``by`` names them)
ALIASES = {
    "抽检批次": "tested", "抽检批次数": "tested", "抽检数": "tested", "抽检数量": "tested", "抽样批次": "tested",
    "抽样批次数": "tested", "检验批次": "tested", "监督抽检批次": "tested", "抽检量": "tested",
    "不合格批次": "failed", "不合格批次数": "failed", "不合格数": "failed", "不合格数量": "failed",
    "不合格样品数": "failed",
    "年度": "period", "年份": "period", "期间": "period", "时期": "period", "抽检期间": "period",
    "抽检年度": "period", "时间": "period", "季度": "period", "抽检季度": "period", "月份": "period",
    "抽检月份": "period", "period": "period", "tested": "tested", "failed": "failed",
    "检验结论": "outcome", "判定结论": "outcome", "检验结果": "outcome", "抽检结果": "outcome", "结论": "outcome",
    "食品大类": "category", "食品类别": "category", "产品类别": "category", "产品大类": "category",
    "类别": "category", "大类": "category", "category": "category",
}
#: words of a sampling table's headers that no alias lists (抽检样品批次, 发现不合格批次, 食品种类)
_SAMPLED = ("抽检", "抽查", "抽样", "检验", "检测", "监测", "样品")
_COUNTED = ("批次", "批数", "数量", "数", "批", "件")
_KINDS = ("类别", "大类", "种类", "品种", "类型", "分类", "品类")


def guess_header(key: str) -> str | None:
    """The column a sampling table's header names by its words, for headers no alias lists (``key``
    as :func:`mstarget.layout.header_key` gives it, its unit in parentheses taken off): 不合格 with a
    count (不合格样品批次, 发现不合格批次) is ``failed``; a sampling word with a count and no 合格
    (抽检样品批次, 抽样检验批次数, 监督抽检批次) is ``tested``; a header ending in a kind (食品种类,
    抽检类别) is ``category``. A rate (不合格率) or a count of passes (合格批次) is none of them."""
    if "率" in key:
        return None
    counted = any(w in key for w in _COUNTED)
    if "不合格" in key and counted:
        return "failed"
    if "合格" not in key and counted and any(w in key for w in _SAMPLED):
        return "tested"
    if key.endswith(_KINDS):
        return "category"
    return None


SCHEMA = layout.Schema("samples", ALIASES, ("period", "tested", "failed", "outcome", "category"), guess_header)


def load(samples: pd.DataFrame | str | os.PathLike) -> tuple[pd.DataFrame, str]:
    """Return ``(table, source name)``.

    A file is read as bureaus lay it out (:mod:`mstarget.layout`): the header row under title
    rows, 注 / 资料来源 rows and a header repeated on each page left out, merged cells filled;
    抽检批次 / 不合格批次 / 年度 / 食品大类 (and 检验结论 for per-batch records) are ``tested`` /
    ``failed`` / ``period`` / ``category`` (``outcome``), other headers kept as written. ``attrs["sheet_rows"]`` holds each
    row's spreadsheet row and ``attrs["headers"]`` the headers as written, for messages. Parquet
    and JSON are read as plain tables.

    A workbook keeping **one period per sheet** (sheets ``2021年``, ``2022年``, ``2023年上半年``, each
    食品大类 | 抽检批次 | 不合格批次) gives every such sheet's rows, their period from the sheet's
    name; a sampling table on a sheet not named by a period beside them (a 汇总 sheet) is not
    read, with an :class:`~mstarget.exceptions.UnreadColumnWarning`. Years as column pairs
    (``2021年抽检批次 | 2021年不合格批次 | 2022年抽检批次 | ...``) give one row per group and year.
    Such a table's ``attrs["parts"]`` lists ``(source, headers)`` of each sheet or year and
    ``attrs["row_parts"]`` the part of each row, so that messages name the sheet and the header
    each cell was read from. A workbook of **one district per sheet** (鼎湖区, 端州区, ...: each sheet's
    name its rows' district) also gets ``attrs["place_sheets"]``: ``{"column": the district column,
    "sheets": [the sheet names read]}``.

    A DataFrame cut from a file may carry ``attrs["source"]`` (the file name) and
    ``attrs["sheet_rows"]`` (each row's spreadsheet row in that file), so that messages point at
    the file's own rows (the command line sets both after ``--where`` / ``--region``).
    """
    if isinstance(samples, pd.DataFrame):
        src = str(samples.attrs.get("source") or source_name(samples))
        return drop_repeated_columns(samples, src), src  # a header twice: read once or refused
    if isinstance(samples, (str, os.PathLike)):
        suffix = os.path.splitext(str(samples))[1].lower()
        if not str(samples).strip() or suffix not in GRID_TYPES:
            return read_table(samples), str(samples)
        pieces, placed = [], []
        with warnings.catch_warnings(record=True) as caught:  # a 合计 per sheet said once (_said_once)
            warnings.simplefilter("always")
            for table, sheet_period, sheet, place in _sheet_tables(str(samples)):
                pieces += _with_place(_pieces(table, sheet_period, sheet, str(samples)), place)
                placed += [(place[0], sheet)] if place is not None else []
        _said_once(caught, str(samples))
        df, src = _joined(pieces, str(samples))
        if placed:  # one sheet per district: which were read, for a heading (the warning says it too)
            df.attrs["place_sheets"] = {"column": placed[0][0], "sheets": [name for _, name in placed]}
        return df, src
    raise ParameterError.invalid("samples", "mstarget.risk", "a DataFrame or a path to a table",
                                 type(samples).__name__)


def _as_read(df: pd.DataFrame, src: str) -> pd.DataFrame:
    """A DataFrame the user built or read (``pd.read_csv``) read as :func:`load` reads a file:
    its headers mapped by :data:`SCHEMA` (抽检批次 -> ``tested``, 年度 -> ``period``, 食品大类 ->
    ``category``, kept as written in ``attrs["headers"]``), its own 合计 row left out, 年度 | 季度
    made one period, years in the count headers melted. ``attrs["source"]`` / ``["sheet_rows"]``
    are kept."""
    frame, headers = _canonical_columns(df)
    frame.index = pd.RangeIndex(len(frame))
    table = layout.Table(frame, sheet_rows(df), headers, source=src)
    out, source = _joined(_pieces(table, None, None, src), src)
    for key in ("parts", "row_parts"):  # a table of several sheets (rows unchanged)
        if key in df.attrs and len(out) == len(df):
            out.attrs[key] = df.attrs[key]
    return out


def _canonical_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``df`` (cells not copied) with its headers renamed as :data:`SCHEMA` reads a file's, and
    ``{canonical name: header as written}`` of the renamed ones."""
    frame = df.copy(deep=False)  # renamed without copying the cells (1M rows)
    canon = {c: _canonical_header(c) for c in frame.columns}
    rename, headers = {}, {}
    # headers an alias names first, then guessed ones (as layout reads a file's)
    for c in sorted(frame.columns, key=lambda c: layout.header_key(c) not in ALIASES):
        name = canon[c]
        if name and name not in headers and (name == c or name not in frame.columns):
            rename[c], headers[name] = name, str(c)
    frame.columns = [rename.get(c, c) for c in frame.columns]
    return frame, headers


def read_records(records, names: Sequence[str | None]) -> tuple[pd.DataFrame, str]:
    """Per-record data (one row per inspection or batch) and its source name, each column the caller
    names found as :func:`mstarget.risk.score` finds it, under the name given.

    A file is read by :func:`load`; a DataFrame without ``attrs["headers"]`` gets its headers mapped
    as a file's are (检验结论 -> ``outcome``, 食品大类 -> ``category``, 年度 -> ``period``), its rows
    and index unchanged. Each of ``names`` may then be a header as written (检验结论), its
    canonical name (``outcome``) or another header read as that name (类别 for 食品大类): the column
    it means is renamed to it, so results and messages use the caller's names. A name found none of
    these ways is left for the caller to report missing.

    Returns
    -------
    (DataFrame, str)
        The table (``attrs["headers"]``: each other renamed column's header as written, for
        messages; ``attrs["sheet_rows"]`` kept) and the source name.
    """
    df, src = load(records)
    if isinstance(records, pd.DataFrame) and "headers" not in records.attrs:
        attrs = dict(df.attrs)
        df, headers = _canonical_columns(df)
        df.attrs = {**attrs, "headers": headers}
    renamed = {}
    for name in dict.fromkeys(n for n in names if n is not None):
        col = as_written(df, name)
        if col not in df.columns:  # 食品大类 given, the table's header is category (or 类别)
            col = _canonical_header(name) or name
        if col != name and col in df.columns and col not in renamed and name not in df.columns:
            renamed[col] = name
    if renamed:
        attrs = dict(df.attrs)
        df = df.rename(columns=renamed)
        written = attrs.get("headers") or {}
        df.attrs = {**attrs, "headers": {k: v for k, v in written.items() if k not in renamed}}
    return df, src


def written_columns(df: pd.DataFrame) -> list[str]:
    """``df``'s columns by their headers as written (``attrs["headers"]``), for messages; a column
    derived from another's cells (``period`` from 抽样日期) by its own name."""
    written = df.attrs.get("headers") or {}
    return [str(c) if written.get(c, c) in df.columns and written.get(c, c) != c else str(written.get(c, c))
            for c in df.columns]


def _canonical_header(c) -> str | None:
    """The canonical column a DataFrame's header names (as :data:`SCHEMA` reads a file's), or None."""
    key = layout.header_key(c)
    if key in ALIASES:
        return ALIASES[key]
    if key in SCHEMA.canonical:
        return key
    return guess_header(key) if key else None


def _sheet_tables(path: str) -> list[tuple[layout.Table, Period | None, str | None, tuple | None]]:
    """The tables of a file to read, as ``[(table, period of its sheet, sheet name, (place column, place)
    or None)]``: every sheet named by a period (``2021年``, ``2023年上半年``) holding a sampling table when
    the workbook keeps one period per sheet; every sheet named by a place (``端州区``, ``鼎湖区``) when it
    keeps one district per sheet (:func:`_place_sheets`); else the one table :func:`mstarget.layout.load`
    finds."""
    # the sheets are read once; the usual reading is layout.load's own (the best sheet)
    book = layout.Workbook(read_grids(path), SCHEMA, path)
    named = {k: p for k, (name, _) in enumerate(book.sheets)
             if (p := _sheet_period(name)) is not None}
    if not named:
        placed = _place_sheets(book, path)
        if placed:
            return placed
        _say_other_sample_sheets(book, layout.best_index(book), path)
        return [(layout.best_sheet(book), None, None, None)]
    found, odd = [], []
    for k in named:
        try:
            table = book.table(k)
        except DataValidationError as exc:
            odd.append((k, list(exc.problems)))
            continue
        if _holds_samples(table):
            found.append((k, table))
        else:
            odd.append((k, []))
    others = [k for k in range(len(book.sheets)) if k not in named and _sheet_holds_samples(book, k)]
    if not found or (len(found) == 1 and (others or odd)):
        return [(layout.best_sheet(book), None, None, None)]
    if odd:  # a period's sheet laid out otherwise would silently go missing: refused
        problems = []
        for k, inner in odd:
            name = book.sheets[k][0]
            problems += inner or [Problem(
                f"{path} [sheet '{name}']", None, None, None,
                f"工作表 '{name}' 以期间命名，却没有 抽检批次 / 不合格批次（或 检验结论）列 (the other sheets named by a "
                "period hold 食品大类 | 抽检批次 | 不合格批次 for their period; lay this one out the same way, "
                "or rename it if it holds no period's figures)")]
        raise DataValidationError(problems, source=path)
    if others:
        listed = ", ".join(f"'{book.sheets[k][0]}'" for k in others)
        years = ", ".join(f"'{book.sheets[k][0]}'" for k, _ in found)
        warnings.warn(UnreadColumnWarning(
            f"{path}: 未读取的工作表 (sheets not read): {listed}. The workbook keeps one period per sheet "
            f"({years}), each read as the period its name gives; a sheet not named by a period (a 汇总 "
            "adding them up) would count batches twice. If it holds a period of its own, name it by "
            "that period (2023年, 2023年上半年)（工作表请以期间命名，如“2023年”）."), stacklevel=6)
    return [(table, named[k], str(book.sheets[k][0]), None) for k, table in found]


def _say_other_sample_sheets(book, best: int, path: str) -> None:
    """Warn when sheets other than the one read (``best``) hold a sampling table too and are named neither by a
    period nor by a place (食品 / 药品 / 特种设备, one domain per sheet): only one sheet is read, the others' batches
    would otherwise go missing without a word."""
    others = [k for k in range(len(book.sheets)) if k != best and _sheet_holds_samples(book, k)]
    if not others:
        return
    listed = ", ".join(f"'{book.sheets[k][0]}'" for k in others)
    warnings.warn(UnreadColumnWarning(
        f"{path}: 只读取了工作表 '{book.sheets[best][0]}'，工作表 {listed} 也有抽检数据，未读取 (read sheet "
        f"'{book.sheets[best][0]}' only; {listed} also hold sampling tables and were not read: sheets are read "
        "together only when named by a period (2023年) or a district (鼎湖区). To score another sheet, save it as "
        "its own file; to score them together, put them in one sheet with a column saying which (领域: 食品 / 药品))"),
        stacklevel=6)


#: the column a workbook of one district per sheet gets its sheet names in, when its sheets have none
PLACE_SHEET_COLUMN = "区县"


def _sheet_place(name) -> str | None:
    """The place a sheet's name gives its rows (``鼎湖区``, ``四会市``, ``广宁县``), or None: a name not
    ending as a place's does, or naming the whole of one or a total (全市, 全市汇总, 合计)."""
    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    if not text or len(text) > 20 or re.search(r"\d", text) or _whole_place(text) or _hints_total(text) \
            or "汇总" in text or not text.endswith(_PLACE_NAME_ENDS):
        return None
    return text


def _own_place_column(table: layout.Table) -> str | None:
    """A sheet's own place column (区县, 地区, region): its header reads as a place."""
    return next((c for c in table.frame.columns if c in REGION_COLUMNS or any(
        w in layout.header_key(table.headers.get(c, c)) for w in _PLACE_HEADER_WORDS)), None)


def _place_sheets(book, path: str) -> list[tuple] | None:
    """The sheets of a workbook keeping one district per sheet (two or more sheets named by a place,
    :func:`_sheet_place`, each holding a sampling table), as :func:`_sheet_tables` gives them, with the column
    (the sheets' own 区县 column, else :data:`PLACE_SHEET_COLUMN`) that gets each sheet's name; a warning names
    the sheets read and any sampling sheet not read (a 全市 / 汇总 sheet adding them up). None when the workbook
    is not so kept. Sheets laid out differently cannot be combined: refused, naming them and their headers."""
    holding = [k for k in range(len(book.sheets)) if _sheet_holds_samples(book, k)]
    places = [k for k in holding if _sheet_place(book.sheets[k][0])]
    if len(places) < 2:
        return None
    own = {k: _own_place_column(book.table(k)) for k in places}
    layouts = {k: tuple(sorted(str(c) for c in book.table(k).frame.columns if c != own[k])) for k in places}
    if len(set(layouts.values())) > 1:
        listed = "; ".join(f"'{book.sheets[k][0]}': {', '.join(str(book.table(k).headers.get(c, c)) for c in book.table(k).frame.columns)}"
                           for k in places)
        raise DataValidationError([Problem(
            path, None, None, None,
            f"sheets named by district laid out alike, to be read as one table with the sheet name as the "
            f"district; their columns differ -- {listed}. Give every district's sheet the same columns "
            "(各区县工作表的列须一致), or keep the districts in one sheet with a 区县 column")], source=path)
    column = next((c for c in own.values() if c is not None), PLACE_SHEET_COLUMN)
    others = [k for k in holding if k not in places]
    read = ", ".join(f"'{book.sheets[k][0]}'" for k in places)
    warnings.warn(UnreadColumnWarning(
        f"{path}: 按区县分表读取 (one sheet per district): sheets {read} read as one table, each sheet's name as its "
        f"district in column '{book.table(places[0]).headers.get(column, column)}' (--region 鼎湖区 keeps one; "
        f"--by {book.table(places[0]).headers.get(column, column)},食品大类 scores each district)"
        + (f"; not read: {', '.join(repr(str(book.sheets[k][0])) for k in others)} (not named by a district: a "
           "全市 / 汇总 sheet adding them up would count batches twice; name a district's sheet by the district)"
           if others else "")), stacklevel=6)
    return [(book.table(k), None, str(book.sheets[k][0]), (column, _sheet_place(book.sheets[k][0])))
            for k in places]


def _with_place(pieces: list[tuple], place: tuple | None) -> list[tuple]:
    """The pieces of one district's sheet with its district (``place``: ``(column, name)``) in ``column``; a
    sheet with its own such column keeps it, so long as each of its rows (totals and blanks aside) names
    the sheet's district -- else refused, naming the rows."""
    if place is None:
        return pieces
    column, name = place
    out = []
    for df, rows, headers, notes, source in pieces:
        if column in df.columns:
            cells = [_cell_text(v).strip() for v in df[column].tolist()]
            bad = [i for i, v in enumerate(cells)
                   if v and group_key(v) != group_key(name) and not (_whole_place(v) or is_total_label(v, TOTAL_WORDS))]
            if bad:
                written = str(headers.get(column, column))
                raise DataValidationError([Problem(source, int(rows[i]), written, cells[i],
                                                   f"the sheet's district, {name} (the sheet's name), or name the "
                                                   "sheet by the district its rows are for") for i in bad[:20]],
                                          source=source)
            df = df.assign(**{column: [v or name for v in cells]})
        else:
            df = df.assign(**{column: name})
        out.append((df, rows, headers, notes, source))
    return out


def _sheet_period(name) -> Period | None:
    """The period a sheet's name gives its rows (``2021年``, ``2021年度``, ``2023年上半年``, ``2023Q1``,
    ``2021年（快报）``); None for any other name."""
    if name is None:
        return None
    text = unicodedata.normalize("NFKC", str(name)).strip()
    if not re.search(r"(19|20)\d{2}", text):
        return None
    try:
        return parse_period(text)
    except ValueError:
        year = layout.sheet_year(text)  # 2021年（快报）, 2021年1-12月: that year's figures
        return None if year is None else parse_period(year)


def _holds_samples(table: layout.Table) -> bool:
    """A table with rows and the counted columns (``tested`` / ``failed``) or per-batch outcomes."""
    return len(table.frame) > 0 and bool({"tested", "failed", "outcome"} & set(table.frame.columns))


def _sheet_holds_samples(book, k: int) -> bool:
    try:
        return _holds_samples(book.table(k))
    except DataValidationError:
        return False


def _pieces(table: layout.Table, sheet_period: Period | None, sheet: str | None,
            path: str | None = None) -> list[tuple]:
    """One table as ``[(frame, rows, headers, notes, source)]``: its own 合计 row left out, per-batch
    records' 抽样数量 not read as ``tested``, the period from its sheet's name, its title or its
    records' sampling dates; years written in the count headers give one piece per year."""
    source = table.source
    headers = dict(table.headers)
    df, rows, notes = _without_table_total(table.frame.reset_index(drop=True), np.asarray(table.rows),
                                           source or path or "<input>", headers)
    items = None if {"outcome", "failed"} & set(df.columns) else _items_column(df, headers)
    if items is not None:  # a notice's 不合格项目（检验结果/标准值）: '/' passed, the items failed
        written = str(headers.pop(items, items))
        df = df.rename(columns={items: "outcome"})
        df["outcome"] = items_outcome(df["outcome"], source or path or "<input>", written,
                                      rows=rows).astype(np.int64)
        headers["outcome"] = written
    if "tested" in df.columns and "failed" not in df.columns and "outcome" in df.columns \
            and layout.header_key(headers.get("tested", "")) not in ALIASES:
        # per-batch records with a 抽样数量 (the amount taken from the batch): not a count of batches
        df = df.rename(columns={"tested": headers.pop("tested")})
    df, headers = _year_with_part(_time_as_period(df, headers), headers, table.title)
    # a period written once at the top of its rows (a merged cell saved as CSV), and in a counts table 食品大类 over its
    # 食品亚类 rows, read down (records are not: a blank cell of a batch's record is that batch's)
    once = ["period"] if "period" in df.columns and _period_cells(df, "period") is not None else []
    once += [c for c in df.columns if _words_column(df, c)] if "tested" in df.columns else []
    if once and any(not _cell_text(v).strip() for c in once for v in pd.unique(df[c].astype(object))):
        totals = np.array([any(is_total_label(v, TOTAL_WORDS) for v in row if isinstance(v, str))
                           for row in df.itertuples(index=False)], dtype=bool)  # a group's 合计 row is not read down
        written_once(df, rows, headers, source or path or "<input>", once, stacklevel=7,
                     skip={c: totals for c in once if c != "period"})
    titled = None if "period" in df.columns else period_in_title(table.title)
    if sheet_period is not None and "period" not in df.columns:
        inside = titled is None or (sheet_period.start <= parse_period(titled).start
                                    and parse_period(titled).end <= sheet_period.end)
        if not inside:
            raise DataValidationError([Problem(
                source, None, None, None,
                f"工作表名为 {sheet_period.label}，标题却是 '{table.title}' (the sheet's name and its title "
                "name different periods; correct one of them)")], source=source)
        if titled is None:  # the sheet's period (a title naming a part of it, 2021年第三季度, is kept)
            df["period"] = sheet_period.label
            headers["period"] = f"(sheet name '{sheet}')"
    if "period" not in df.columns:
        wide = _years_in_headers(df, headers, source)
        if wide:
            return [(piece, kept, h, notes, source)
                    for piece, kept, h in _before_first_sampled(wide, rows, source or path or "<input>")]
    if titled is not None and "period" not in df.columns:  # a notice's table: 2023年第三季度…抽检情况
        _periods_beside_title(df, headers, titled, table.title, source or path or "<input>")
        df["period"] = titled
        headers["period"] = f"(title '{table.title}')"
    dated = None if "period" in df.columns or "tested" in df.columns else _sampling_dates(df, source or path or "<input>")
    if dated is not None:  # per-batch records with their 抽样日期: each batch in its quarter
        df["period"] = _quarters(df[dated], source or path or "<input>", str(headers.get(dated, dated)), rows)
        headers["period"] = dated
    return [(df, rows, headers, notes, source)]


#: headers saying when the batches were sampled with neither 日期 nor 期间 (抽检时间): a summary's period column
#: when every filled cell is a period (``2022年``, ``2023年上半年``, ``2023Q2``, :func:`_time_as_period`), else per-batch
#: records' sampling dates (``2023-05-03``, :data:`_DATE_HEADERS`)
_TIME_HEADERS = ("抽检时间", "抽样时间", "检验时间", "检测时间", "采样时间", "统计时间")
#: words of a header naming when (报告期, 所属期间, 监测时间, 抽检年月, 时段): such a column whose every filled cell is a
#: period is the table's period column; when the product was made or keeps (生产, 保质, 有效) it is not
_WHEN_WORDS = re.compile(r"时间|时段|期|年|月|季")
_NOT_WHEN = re.compile(r"生产|保质|有效|出厂|到期|过期|购进")


def _period_cells(df: pd.DataFrame, col) -> list[str] | None:
    """The distinct filled cells of ``df[col]`` when there are some and every one names a period, else None."""
    filled = list(dict.fromkeys(t for t in (_cell_text(v).strip() for v in pd.unique(df[col].astype(object))) if t))
    return filled if filled and all(_is_period(t) for t in filled) else None


def _time_as_period(df: pd.DataFrame, headers: dict) -> pd.DataFrame:
    """``df`` with the column saying when (:data:`_TIME_HEADERS` first -- 抽检时间 --, then any header of
    :data:`_WHEN_WORDS`: 报告期, 所属期间, 监测时间) renamed ``period`` when the table has no period column and every
    filled cell of that column names a period (``headers`` updated in place); else ``df``. Before, a bureau's
    抽检时间 | 2022年 column was not read at all: the table was refused for having no period, or, under a title naming
    a year (2022年…抽检情况表), every row was counted in that year, whatever its cell."""
    if "period" in df.columns:
        return df
    named = [c for c in df.columns if isinstance(c, str) and c not in headers]
    keys = {c: layout.header_key(c) for c in named}
    ranked = [c for c in named if keys[c] in _TIME_HEADERS] + \
        [c for c in named if keys[c] not in _TIME_HEADERS and _WHEN_WORDS.search(keys[c])
         and not _NOT_WHEN.search(keys[c])]
    for col in ranked:
        if _period_cells(df, col) is not None:
            headers["period"] = col
            return df.rename(columns={col: "period"})
    return df


def _periods_beside_title(df: pd.DataFrame, headers: dict, titled: str, title: str, source: str) -> None:
    """Refuse a table whose title names one period (``titled``) while a column of its own holds other periods
    (``2021年 | 2022年`` under ``2022年…抽检情况表``): counting every row in the title's period would add up the
    batches of different years (it did, silently, before)."""
    for col in df.columns:
        if not isinstance(col, str) or col in headers or _NOT_WHEN.search(layout.header_key(col)):
            continue  # 生产年份: when the food was made, not sampled
        cells = _period_cells(df, col)
        if cells is not None and {parse_period(t).label for t in cells} != {titled}:
            shown = ", ".join(cells[:4]) + (" ..." if len(cells) > 4 else "")
            raise DataValidationError([Problem(
                source, None, col, None,
                f"标题“{title}”只写了一个期间，但该列的期间为 {shown}：请把该列表头改为“期间”或“年度” (the title names "
                f"{titled}, but this column holds the periods {shown}; counting every row in {titled} would add up the "
                "batches of different periods. Head the column 期间 or 年度 so that each row keeps its own)")],
                source=source)


def _words_column(df: pd.DataFrame, col) -> bool:
    """A column of names (食品大类, 抽样环节, 地区): a header of text that is no count, period or outcome, and filled
    cells none of which is a figure (a 不合格率 column is no name, and is never read down)."""
    if not isinstance(col, str) or col in ("period", "tested", "failed", "outcome"):
        return False
    filled = [t for t in (_cell_text(v).strip() for v in pd.unique(df[col].astype(object))) if t]  # each once
    return bool(filled) and not any(_FIGURE_CELL.match(t) for t in filled)


#: a cell holding a figure (12, 1,234, 2.5%, -3): not a name
_FIGURE_CELL = re.compile(r"^[-+]?[\d,，.]+\s*%?$")


def _is_period(text: str) -> bool:
    try:
        parse_period(text)
    except ValueError:
        return False
    return True


#: headers of a year column and of a part of the year (季度 / 月份) kept beside it
_YEAR_KEYS = ("年度", "年份", "年", "抽检年度", "year")
_PART_KEYS = ("季度", "抽检季度", "季", "月份", "抽检月份", "月", "月度", "quarter", "month")
_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}


def _year_with_part(df: pd.DataFrame, headers: dict, title: str) -> tuple[pd.DataFrame, dict]:
    """One period from a year column and a column of the part of the year beside it (``年度 |
    季度``: ``2023 | 第一季度`` -> ``2023Q1``; ``年份 | 月份``: ``2023 | 3月`` -> ``2023-03``), or from a
    季度 / 月份 column without years and a title naming one year. The part's cells stay in a
    column under their header (so ``--where 季度=第一季度`` and a 合计 under 季度 are seen); the
    year column is read into ``period``. Other tables are returned unchanged."""
    if "period" not in df.columns:
        return df, headers
    key_of = {c: layout.header_key(headers.get(c, c)) for c in df.columns}
    period_key = key_of["period"]
    if period_key in _YEAR_KEYS:
        part = next((c for c in df.columns if c != "period" and key_of[c] in _PART_KEYS), None)
        if part is None:
            return df, headers
        years, parts, part_header = df["period"], df[part], str(headers.get(part, part))
        year_header = str(headers.get("period", "period"))
        df = df.drop(columns=[part])
    elif period_key in _PART_KEYS:
        year = next((c for c in df.columns if c != "period" and key_of[c] in _YEAR_KEYS), None)
        parts, part_header = df["period"], str(headers.get("period", "period"))
        if year is not None:
            years, year_header = df[year], str(headers.get(year, year))
            df = df.drop(columns=[year])
        else:  # 季度 alone: its cells name the year (2023年第一季度), or the title does
            titled = period_in_title(title)
            if titled is None or not re.fullmatch(r"\d{4}", titled):
                return df, headers
            years, year_header = pd.Series(titled, index=df.index), f"(title '{title}')"
    else:
        return df, headers
    combined = {}
    labels = []
    monthly = any(w in layout.header_key(part_header) for w in ("月", "month"))
    for y, q in zip(years.tolist(), parts.tolist()):
        if (y, q) not in combined:
            combined[(y, q)] = _joined_period(y, q, monthly)
        labels.append(combined[(y, q)])
    df = df.copy()
    df["period"] = np.array(labels, dtype=object)
    if part_header not in df.columns:
        df[part_header] = parts.to_numpy()
    headers = {k: v for k, v in headers.items() if v != part_header or k == "period"}
    headers["period"] = f"{year_header} + {part_header}"
    return df, headers


def _joined_period(year, part, monthly: bool):
    """A year cell and a part-of-year cell as one period spelling (``2023`` + ``第一季度`` ->
    ``2023Q1``); the part alone when it names its year; the year when the part is blank or a
    total (合计: a row left out as a total). Anything else is returned as written, and refused as
    a period naming the cells."""
    y_text = unicodedata.normalize("NFKC", _cell_text(year)).strip()
    q_text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _cell_text(part)))
    if re.search(r"(19|20)\d{2}", q_text):  # 2023年第一季度 under 季度: the cell says it all
        return q_text
    try:
        y = parse_period(year if not isinstance(year, str) else y_text)
    except ValueError:
        y = None
    if y is None or not re.fullmatch(r"\d{4}", y.label):
        return f"{y_text} {q_text}".strip()
    if not q_text or q_text.lower() in TOTAL_WORDS or q_text in ("全年", "全年度", "年度"):
        return y.label
    m = re.fullmatch(r"(?:第)?([一二三四1-4])(?:季度|季)|[Qq]([1-4])", q_text)
    if m and not (monthly and q_text.isdigit()):
        return f"{y.label}Q{_CN_NUM_Q[m.group(1) or m.group(2)]}"
    m = re.fullmatch(r"([上下])半年|[Hh]([12])", q_text)
    if m:
        return f"{y.label}H{1 if (m.group(1) == '上' or m.group(2) == '1') else 2}"
    m = re.fullmatch(r"(\d{1,2}|[一二三四五六七八九十]|十[一二])(?:月份|月)?(?:\.0)?", q_text)
    if m and (monthly or q_text.endswith("月") or q_text.endswith("月份")):
        n = int(m.group(1)) if m.group(1).isdigit() else _CN_MONTHS[m.group(1)]
        if 1 <= n <= 12:
            return f"{y.label}-{n:02d}"
    return f"{y_text} {q_text}"


_CN_NUM_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


#: a count header naming its period: 2021年抽检批次, 2023年上半年不合格批次, 抽检批次（2021年）
_PERIOD_FIRST = re.compile(r"^\s*(?P<p>(?:19|20)\d{2}\s*(?:年度|年)?\s*(?:[上下]半年|第?[一二三四1-4]\s*季度|"
                           r"[QqHh][1-4])?)\s*(?P<rest>\D.*)$")
_PERIOD_LAST = re.compile(r"^(?P<rest>.*?\D)\s*[(（]?\s*(?P<p>(?:19|20)\d{2}\s*(?:年度|年)?\s*(?:[上下]半年|"
                          r"第?[一二三四1-4]\s*季度|[QqHh][1-4])?)\s*[)）]?\s*$")


def _years_in_headers(df: pd.DataFrame, headers: dict, source: str):
    """Counts kept one column pair per period (``2021年抽检批次 | 2021年不合格批次 | 2022年…``): one
    ``(frame, headers)`` per period, its ``tested`` / ``failed`` from that period's columns and
    ``period`` from the headers; None when no header names a period and a count."""
    written = {c: str(headers.get(c, c)) for c in df.columns}
    by_period: dict[str, dict[str, str]] = {}
    used = []
    for c, w in written.items():
        text = unicodedata.normalize("NFKC", w).strip()
        m = _PERIOD_FIRST.match(text) or _PERIOD_LAST.match(text)
        if not m:
            continue
        try:
            label = parse_period(re.sub(r"\s+", "", m.group("p"))).label
        except ValueError:
            continue
        key = layout.header_key(m.group("rest"))
        kind = ALIASES.get(key) or guess_header(key)
        if "率" in key or kind in ("tested", "failed"):
            used.append(c)  # a year's rate (2021年不合格率) is read from its counts, not kept
        if kind in ("tested", "failed"):
            if kind in by_period.setdefault(label, {}):
                raise DataValidationError([Problem(source, None, w, None,
                                                   f"one {kind} column per period; '{written[by_period[label][kind]]}' "
                                                   f"also gives {label}'s {'抽检批次' if kind == 'tested' else '不合格批次'}")],
                                          source=source)
            by_period[label][kind] = c
    if not by_period:
        return None
    problems = []
    for label, cols in by_period.items():
        for kind, word in (("tested", "抽检批次"), ("failed", "不合格批次")):
            if kind not in cols:
                have = written[next(iter(cols.values()))]
                problems.append(Problem(source, None, have, None,
                                        f"a {word} column for {label} beside '{have}' (each period needs both "
                                        "抽检批次 and 不合格批次: add the missing column, or delete this one)"))
    if problems:
        raise DataValidationError(problems, source=source)
    keep = [c for c in df.columns if c not in used and c not in ("tested", "failed")]
    lone = [written[c] for c in ("tested", "failed") if c in df.columns and c not in used]
    if lone:  # a 抽检批次 without a period beside the periods' columns: the periods' total
        raise DataValidationError([Problem(source, None, w, None,
                                           "a period in the header (2021年抽检批次) like the other count columns; "
                                           "a column adding the periods up would count batches twice: delete it")
                                   for w in lone], source=source)
    out = []
    for label in sorted(by_period, key=lambda lab: (parse_period(lab).end, parse_period(lab).start)):
        cols = by_period[label]
        piece = df[keep].copy()
        piece["period"] = label
        piece["tested"] = df[cols["tested"]].to_numpy()
        piece["failed"] = df[cols["failed"]].to_numpy()
        h = {c: headers[c] for c in keep if c in headers}
        h.update({"tested": written[cols["tested"]], "failed": written[cols["failed"]],
                  "period": f"(header '{written[cols['tested']]}')"})
        out.append((piece, h))
    return out


def _blank_cell(v) -> bool:
    """Whether a cell is empty (None, NaN, blank text)."""
    return _cell_text(v).strip() == ""


def _before_first_sampled(wide: list[tuple[pd.DataFrame, dict]], rows: np.ndarray,
                          source: str) -> list[tuple[pd.DataFrame, np.ndarray, dict]]:
    """The periods' pieces of :func:`_years_in_headers` (earliest first, one row per group in each) as
    ``[(piece, its spreadsheet rows, headers)]``, each group's pieces left out where both its 抽检批次 and
    不合格批次 are blank in that period and in every earlier one, with figures in a later one: a category
    that did not exist yet (特殊膳食食品 first sampled in 2024) was not sampled then -- said once in an
    :class:`~mstarget.exceptions.InconsistentDataWarning`. A blank after a period with figures is kept (and
    refused as an empty cell by the count reader)."""
    blank = np.array([[_blank_cell(t) and _blank_cell(f) for t, f in
                       zip(piece["tested"].tolist(), piece["failed"].tolist())] for piece, _ in wide], bool)
    # blank in this period and all earlier ones, with figures in some later one
    not_yet = (np.cumprod(blank, axis=0).astype(bool)) & ~blank.all(axis=0)
    if not not_yet.any():
        return [(piece, rows, h) for piece, h in wide]
    out = []
    for (piece, h), drop in zip(wide, not_yet):
        kept = piece[~drop].reset_index(drop=True)
        out.append((kept, rows[~drop], h))
    said = []
    labels = [str(piece["period"].iloc[0]) if len(piece) else "" for piece, _ in wide]
    name_col = next((c for c in ("category",) if c in wide[0][0].columns), None)
    for i in np.flatnonzero(not_yet.any(axis=0)):
        n = int(not_yet[:, i].sum())
        span = labels[0] if n == 1 else f"{labels[0]}–{labels[n - 1]}"
        name = f"{wide[0][0][name_col].iloc[i]} " if name_col is not None else ""
        said.append(f"{name}(row {int(rows[i])}): {span}")
    warnings.warn(InconsistentDataWarning(
        f"{source}: {len(said)} row(s) blank under their first period(s), with figures later, read as not sampled "
        f"then (a category that did not exist yet) and left out of those periods: {'; '.join(said[:10])}"
        f"{'; ...' if len(said) > 10 else ''}. If it was sampled, fill in its 抽检批次 and 不合格批次 (0 if none "
        "unqualified)（首次有数据之前的空白年份按未抽检处理）"), stacklevel=6)
    return out


def _joined(pieces: list[tuple], path: str) -> tuple[pd.DataFrame, str]:
    """The pieces of :func:`_pieces` as one table with ``attrs`` ``sheet_rows``, ``headers`` and
    ``notes`` (and ``parts`` / ``row_parts`` when there are several)."""
    if len(pieces) == 1:
        df, rows, headers, notes, source = pieces[0]
        df.attrs["sheet_rows"] = rows.astype(np.int64)
        df.attrs["headers"] = headers
        df.attrs["notes"] = list(notes)
        return df, source or path
    df = pd.concat([p[0] for p in pieces], ignore_index=True, sort=False)
    df.attrs["sheet_rows"] = np.concatenate([p[1] for p in pieces]).astype(np.int64)
    common = dict(pieces[0][2])
    for p in pieces[1:]:
        common = {c: w for c, w in common.items() if p[2].get(c) == w}
    df.attrs["headers"] = common
    df.attrs["notes"] = [n for p in pieces for n in p[3]]
    df.attrs["parts"] = [(p[4] or path, dict(p[2])) for p in pieces]
    df.attrs["row_parts"] = np.repeat(np.arange(len(pieces)), [len(p[0]) for p in pieces])
    return df, path


#: a period written in a title: a year, with a quarter (第三季度 / 三季度 / 第3季度), a half (上半年) or 年度
_TITLE_PERIOD = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*"
                           r"(年\s*(?:度|第?\s*[一二三四1-4]\s*季度|[上下]半年)?|[QqHh][1-4](?![0-9]))?")
#: a span of months, quarters or years (1-6月, 前三季度, 2022—2023年): no single period unless it is
#: one a year's span equals (``2023年1-6月`` is 2023H1, see :func:`mstarget.risk.periods.parse_period`)
_TITLE_SPAN = re.compile(r"[0-9一二三四五六七八九十]\s*[-—–~～至到]\s*[0-9一二三四五六七八九十]|前[一二两三四1-4]个?季度")
_TITLE_YEAR_SPAN = re.compile(r"\d{4}\s*年度?\s*(?:第?\s*[一二三四1-4]\s*(?:季度)?|\d{1,2}\s*(?:月份?)?)\s*"
                              r"[-—–~～至到]{1,2}\s*第?\s*[一二三四1-4\d]{1,2}\s*(?:季度|月份?)|\d{4}\s*年度?\s*前[一二两三四1-4]个?季度")


def period_in_title(title: str) -> str | None:
    """The one period a table's title names (``鼎湖区2023年第三季度食品安全监督抽检情况`` -> ``"2023Q3"``,
    ``2023年上半年`` -> ``"2023H1"``, ``2023年`` -> ``"2023"``); None for none, several, or a span
    (``2023年1-6月``, ``2022—2023年``), which is not guessed."""
    text = unicodedata.normalize("NFKC", title or "")
    if _TITLE_SPAN.search(text):
        spans = {re.sub(r"\s+", "", m.group(0)) for m in _TITLE_YEAR_SPAN.finditer(text)}
        if len(spans) != 1:
            return None
        try:  # 2023年1-6月 is 2023H1; a cumulative 1-9月 / 前三季度 is no period: not guessed
            return parse_period(spans.pop()).label
        except ValueError:
            return None
    found = {m.group(0).strip() for m in _TITLE_PERIOD.finditer(text)}
    if len(found) != 1:
        return None
    try:
        return parse_period(found.pop()).label
    except ValueError:
        return None


#: headers of the date a batch was sampled (or tested, or reported), most telling first; never
#: 生产日期 (when the food was made). ``日期`` (any other ``...日期`` header) never takes a notice's
#: publication date (公告日期 / 发布日期 / 通报日期): that is read last, as a fallback, with a warning
_DATE_HEADERS = ("抽样日期", "抽检日期", "采样日期", "检验日期", "检测日期", *_TIME_HEADERS[:5], "报告日期", "日期",
                 "公告日期")
#: headers naming the day a sampling date is known from: read only as the last fallback, with a warning
_NOTICE_DATE_WORDS = ("公告", "发布", "通报", "通告")
#: generic headers (any ``...日期`` / ``...date``): read as the sampling date only when most cells are dates
_GENERIC_DATE_HEADERS = ("日期", "date")
#: English headers of that date (as :func:`mstarget.layout.header_key` gives them: lower case, ``_`` for
#: spaces), most telling first; then any header whose last word is ``date`` (``Inspection_Date``), never
#: a production / expiry / birth date
_DATE_HEADERS_EN = ("sampling_date", "sample_date", "sampled_date", "inspection_date", "test_date",
                    "testing_date", "report_date", "date")
_NOT_SAMPLING_EN = ("production", "produced", "manufactur", "expir", "birth", "licen", "update", "created",
                    "publish", "notice", "announce")
_DATE = re.compile(r"^\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})(?!\d)")
#: a year and a month only (2023-03, 2023年3月): a date column's cell that still gives its quarter
_YEAR_MONTH = re.compile(r"^\s*(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*月?\s*$")
#: a date written as eight digits (20240305)
_YMD8 = re.compile(r"^\s*(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})\s*$")
#: a spreadsheet's day number (45356) read as a date in a date column: 1990-01-01 .. 2099-12-31 only
EXCEL_SERIALS = (32874, 73050)
_SERIAL = re.compile(r"^\s*(?P<n>\d{5})(?:\.\d+)?\s*$")  # a fraction is the time of day: 45356.4375
#: what a date looks like, for messages
DATE_EXAMPLES = "a date such as 2023-03-01, 2023/3/1, 2023年3月1日 or 20230301 (or a spreadsheet date)"
#: bad date cells named one by one in a refusal; the rest are counted
DATE_PROBLEMS_SHOWN = 20


def _english_date_header(key: str, word: str) -> bool:
    """Whether the header key ``key`` (``inspection_date``) is the English sampling-date header ``word``:
    the key itself, or its last word(s) (``_`` / ``-`` separated), with no production / expiry word."""
    if any(w in key for w in _NOT_SAMPLING_EN):
        return False
    return key == word or re.sub(r"[-\s]+", "_", key).endswith("_" + word)


def _chinese_date_header(key: str, word: str) -> bool:
    """Whether the header key ``key`` is the Chinese date header ``word`` (ending in it), never a
    production date (生产日期) and, but for ``公告日期`` itself, never a notice's publication date."""
    if not key.endswith(word) or "生产" in key:
        return False
    return word == "公告日期" or not any(w in key for w in _NOTICE_DATE_WORDS)


def date_of(v):
    """One cell as a :class:`datetime.date`, or None when it is no date: a date or timestamp,
    ``2023-03-01`` / ``2023/3/1`` / ``2023.3.1`` / ``2023年3月1日`` (a time after it allowed),
    ``20230301``, or a spreadsheet's day number (``44986``, between :data:`EXCEL_SERIALS`; with a time
    of day, ``45356.4375``, its day). A time after the date is set aside (``2024-03-05 10:30``,
    ``2024/03/05 上午 10:30``, ``2024年3月5日下午3点``). The day must exist: ``2024-02-30`` is no date."""

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (pd.Timestamp, _dt.datetime)):
        return None if pd.isna(v) else v.date()
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else pd.Timestamp(v).date()
    if isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        if not math.isfinite(float(v)):
            return None
        if float(v) != int(v):  # a spreadsheet's day number with its time of day (45356.4375): the day
            if not EXCEL_SERIALS[0] <= float(v) < EXCEL_SERIALS[1] + 1:
                return None
        v = str(int(v))
    text = unicodedata.normalize("NFKC", str(v)).strip()
    m = re.match(_FULL_DATE, text) or _YMD8.match(text)
    if m:
        try:
            return _dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            return None
    m = _SERIAL.match(text)
    if m and EXCEL_SERIALS[0] <= int(m.group("n")) <= EXCEL_SERIALS[1]:
        return _dt.date(1899, 12, 30) + _dt.timedelta(days=int(m.group("n")))
    return None


def _quarter_of(v) -> str | None:
    """A date cell's quarter (``2023-03-01`` -> ``2023Q1``; a year and month, ``2023-03``, too), or None."""
    d = date_of(v)
    if d is not None:
        return f"{d.year}Q{(d.month - 1) // 3 + 1}"
    m = _YEAR_MONTH.match(unicodedata.normalize("NFKC", _cell_text(v)))
    if m and 1 <= int(m.group("m")) <= 12:
        return f"{m.group('y')}Q{(int(m.group('m')) - 1) // 3 + 1}"
    return None


def _sampling_dates(df: pd.DataFrame, src: str = "<input>") -> str | None:
    """The column of per-batch records holding each batch's sampling date (抽样日期, 检验日期 ...: see
    :data:`_DATE_HEADERS`; in English ``Inspection_Date``, ``sample date`` ...: :data:`_DATE_HEADERS_EN`),
    or None. The first such header found is the column, whatever its cells: one whose cells are no
    date is refused by :func:`_quarters`, never swapped for a later header silently. A generic header
    (``日期``, ``...date``) is taken only when most of its filled cells are dates; a notice's
    publication date (公告日期) only when no other date column is there, with a warning: the result
    was published then, weeks or months after the batch was sampled."""
    columns = {layout.header_key(c): c for c in df.columns if isinstance(c, str)}
    found = [(word, lambda k, w=word: _chinese_date_header(k, w)) for word in _DATE_HEADERS]
    found += [(word, lambda k, w=word: _english_date_header(k, w)) for word in _DATE_HEADERS_EN]
    for word, fits in found:
        col = next((c for k, c in columns.items() if fits(k)), None)
        if col is None:
            continue
        cells = [v for v in df[col].tolist() if _cell_text(v).strip()]
        if not cells:
            continue
        if word in _GENERIC_DATE_HEADERS and sum(_quarter_of(v) is not None for v in cells) < 0.5 * len(cells):
            continue
        if word == "公告日期" or any(w in layout.header_key(col) for w in _NOTICE_DATE_WORDS):
            warnings.warn(MstargetWarning(
                f"{src}: 期间按 '{col}' 划分——这是公告（发布）日期，不是抽样日期 (no sampling-date column such as "
                f"抽样日期 / 检验日期: each batch is counted in the quarter of its notice date '{col}', when its "
                "result was published, often weeks after it was sampled; add the 抽样日期 column to count each "
                "batch when it was sampled)"), stacklevel=6)
        return col
    return None


#: a full date, with a time of day after it set aside (``10:30``, ``T10:30:00``, ``上午 10:30``, ``下午3点``,
#: ``10:30 AM``, or ``上午`` alone)
_FULL_DATE = (r"^\s*(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
              r"(?:(?:\s+|T|\s*(?=[上下中晚凌早傍]))(?:(?:上午|下午|中午|晚上|凌晨|早上|早晨|傍晚)\s*)?"
              r"(?:\d{1,2}\s*(?::\s*\d{2}(?::\d{2}(?:\.\d+)?)?|[时点](?:\s*\d{1,2}\s*分)?)"
              r"\s*(?:[aApP]\.?[mM]\.?)?)?)?\s*$")


def _date_problems(s: pd.Series, bad, src: str, column: str, rows: np.ndarray) -> list[Problem]:
    """The cells of ``s`` at positions ``bad`` that are no date, as problems (the first
    :data:`DATE_PROBLEMS_SHOWN` named, the rest counted in one more)."""
    bad = list(bad)
    out = []
    for i in bad[:DATE_PROBLEMS_SHOWN]:
        text = _cell_text(s.iloc[i])
        out.append(Problem(src, int(rows[i]), column, text,
                           f"not a date: expected {DATE_EXAMPLES}" + (
                               "; this cell is empty: fill in the date or delete the row" if not text.strip()
                               else _no_such_day(text))))
    if len(bad) > DATE_PROBLEMS_SHOWN:
        out.append(Problem(src, None, column, None,
                           f"{len(bad):,} cells in all are not dates ({len(bad) - DATE_PROBLEMS_SHOWN:,} more "
                           f"besides those above, rows {', '.join(str(int(rows[i])) for i in bad[DATE_PROBLEMS_SHOWN:DATE_PROBLEMS_SHOWN + 10])}"
                           f"{', ...' if len(bad) > DATE_PROBLEMS_SHOWN + 10 else ''}); expected {DATE_EXAMPLES}"))
    return out


def _no_such_day(text: str) -> str:
    """Why a cell written as a date (2024-02-30, 2024-13-05) is none, or ``""``."""
    m = re.match(_FULL_DATE, unicodedata.normalize("NFKC", text))
    if not m:
        return ""
    return (f"; there is no month {int(m.group('m'))}" if not 1 <= int(m.group("m")) <= 12
            else f"; {m.group('y')}-{int(m.group('m')):02d} has no day {int(m.group('d'))}")


#: the dates pandas 2 reads (``datetime64[ns]``): pandas 3 reads any year, a typo such as 3014-09-02 too
FIRST_DATE, LAST_DATE = pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-11")


def read_dates(values: pd.Series) -> pd.Series:
    """``values`` (shape (R,)) as ``pd.to_datetime`` reads them (``format="mixed"``, a time zone kept),
    same index; NaT where a cell is no date pandas reads, or is one outside 1677-09-22 .. 2262-04-11 (a
    typo such as ``3014-09-02`` or ``0214-09-02``), as pandas 2 reads them: under pandas 3 such a cell
    would be taken as a date. Callers pass the NaT cells to :func:`parse_dates`, which reads the
    ``2023年3月1日`` among them and refuses the rest, naming their rows. Offsets that differ from cell to
    cell (``+08:00`` beside ``-05:00``) give the UTC instants (pandas 3 refuses them, pandas 2 leaves
    Python objects)."""
    try:
        with warnings.catch_warnings():  # pandas 2 warns that it will refuse them, then returns objects
            warnings.simplefilter("ignore", FutureWarning)
            t = pd.to_datetime(values, errors="coerce", format="mixed")
    except ValueError:  # pandas 3: "Mixed timezones detected"
        t = None
    if t is None or not pd.api.types.is_datetime64_any_dtype(t):
        t = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    naive = t.dt.tz_localize(None) if t.dt.tz is not None else t
    outside = ((naive < FIRST_DATE) | (naive > LAST_DATE)).to_numpy()
    return t.mask(outside) if outside.any() else t


def parse_dates(series: pd.Series, src: str, column: str, rows: np.ndarray | None = None) -> np.ndarray:
    """A column of sampling dates as ``datetime64[D]`` (shape (R,)): ``2023-03-01``, ``2023/3/1``,
    ``2023年3月1日``, ``2023.3.1``, ``20230301``, a spreadsheet's date (with a time of 00:00:00) or day
    number (``44986``: :func:`date_of`), as the per-batch records of :func:`load` are read. Every cell
    that is no date (``2024-02-30``, or an empty one) is a :class:`Problem` in one
    :class:`DataValidationError` naming its row (the first 20 named, the rest counted)."""
    s = pd.Series(series).reset_index(drop=True)
    rows = np.arange(2, len(s) + 2) if rows is None else np.asarray(rows)
    if pd.api.types.is_datetime64_any_dtype(s):
        text = s.dt.strftime("%Y-%m-%d")
    else:
        text = s.astype("string").map(lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else v)
    parts = text.str.extract(_FULL_DATE)
    y, m, d = (pd.to_numeric(parts[k], errors="coerce").astype(float) for k in ("y", "m", "d"))  # NA -> NaN
    stamp = pd.to_datetime(pd.DataFrame({"year": y, "month": m, "day": d}), errors="coerce")
    out = stamp.to_numpy().astype("datetime64[D]")
    missing = np.flatnonzero(stamp.isna().to_numpy())
    bad = []
    for i in missing:  # 20230301, 44986, a date object: read one by one (few in a column of ISO dates)
        v = s.iloc[i]
        got = None if (isinstance(v, str) and re.match(_FULL_DATE, unicodedata.normalize("NFKC", v))) else date_of(v)
        if got is None:
            bad.append(i)
        else:
            out[i] = np.datetime64(got, "D")
    if bad:
        raise DataValidationError(_date_problems(s, bad, src, column, rows), source=src)
    return out


def _quarters(dates: pd.Series, src: str = "<input>", column: str | None = None,
              rows: np.ndarray | None = None) -> np.ndarray:
    """Each date's quarter (``2023-03-01``, ``2023/3/1``, ``2023年3月1日``, ``20230301``, a spreadsheet's
    day number; a year and month ``2023-03`` too -> ``2023Q1``). A cell that is no date (``2024-02-30``,
    ``2024-13-05``, ``2024Q1``, empty) is refused, all of them in one :class:`DataValidationError`
    naming the column ``column`` and the rows (the first 20 named, the rest counted)."""
    s = pd.Series(dates).reset_index(drop=True)
    rows = np.arange(2, len(s) + 2) if rows is None else np.asarray(rows)
    codes, uniques = pd.factorize(s, use_na_sentinel=False)  # each spelling read once
    said = np.array([_quarter_of(u) for u in uniques] + [None], dtype=object)[np.asarray(codes, np.int64)]
    bad = [i for i in range(len(s)) if said[i] is None]
    if bad:
        raise DataValidationError(_date_problems(s, bad, src, str(column or s.name), rows), source=src)
    return np.asarray(said, dtype=object)


def _without_table_total(df: pd.DataFrame, rows: np.ndarray, source: str = "<input>",
                         headers: dict | None = None) -> tuple[pd.DataFrame, np.ndarray, list]:
    """A bureau table's own total row that no period can be read for (``合计`` under 年度, or 合计 /
    总计 / 小计 in any cell of a row whose period is blank) left out: it adds up the rows above, which
    would be counted twice, and has no period to be scored in. A warning
    (:func:`_warn_table_totals`) names each such row, where its word is, its figures and the sum of
    the rows it totals, so that no row goes missing unsaid. A period's total by category (``2023 |
    合计``, as the shipped national series give it, or ``合计`` under 序号 beside ``2023``) has a
    period and stays: it is read as a total by :func:`_validated` (left out, with the same warning,
    when scored). A table without periods (one notice's table) has its total row where the category
    is blank (``合计`` under 序号)."""
    key = "period" if "period" in df.columns else "category"
    if key not in df.columns or df.empty:
        return df, rows, []
    codes, uniques = pd.factorize(df[key], use_na_sentinel=True)  # each spelling looked at once
    labels = np.array([_total_word(u) for u in uniques] + [""], dtype=object)  # NaN: blank
    said_total = np.array([is_total_label(u) for u in uniques] + [False], dtype=bool)
    at = np.where(codes >= 0, codes, len(uniques))
    labels, said_total = labels[at], said_total[at]
    total = said_total if key == "period" else np.zeros(len(df), bool)
    words = {int(i): (key, _cell_text(df[key].iloc[i]).strip()) for i in np.flatnonzero(total)}
    blank = np.flatnonzero(labels == "")
    if blank.size:  # only rows without a period are looked at whole (a 1M-row register: none)
        cells = df.iloc[blank]
        for c in cells.columns:  # each spelling of a column looked at once
            hits = [v for v in pd.unique(cells[c]) if is_total_label(v) or is_total_label(v, TOTAL_WORDS)]
            if hits:
                for j in np.flatnonzero(cells[c].astype(object).isin(hits).to_numpy()):
                    if not total[blank[j]]:  # the first column saying so names the row's total
                        total[blank[j]] = True
                        words[int(blank[j])] = (c, _cell_text(cells[c].iloc[j]).strip())
    if not total.any():
        return df, rows, []
    keep = ~total
    notes = [f"row {r} not read: the table's total (合计), which adds up the rows above" for r in rows[~keep]]
    _warn_table_totals(df, rows, total, words, key, source, headers or {})
    return df[keep].reset_index(drop=True), rows[keep], notes


def _lenient_count(v) -> int | None:
    try:
        return parse_count(v)
    except ValueError:
        return None


def _warn_table_totals(df: pd.DataFrame, rows: np.ndarray, total: np.ndarray, words: dict, key: str,
                       source: str, headers: dict) -> None:
    """Say which total rows :func:`_without_table_total` leaves out: the word and its column, the
    rows, and for each its batches beside the sum of the rows it totals -- those since the previous
    total row (a year's block), or all rows above it when that matches or none lie between. An
    :class:`~mstarget.exceptions.InconsistentDataWarning` when a total differs from that sum."""
    written = {c: str(headers.get(c, c)) for c in df.columns}
    idx = np.flatnonzero(total)
    by_word: dict[tuple[str, str], list[int]] = {}
    for i in idx:
        c, w = words[int(i)]
        by_word.setdefault((written.get(c, str(c)), w), []).append(int(rows[i]))
    said = "; ".join(f"{w} under '{c}' (row{'s' if len(rs) > 1 else ''} {', '.join(map(str, rs[:6]))}"
                     f"{', ...' if len(rs) > 6 else ''})" for (c, w), rs in by_word.items())
    counted = "tested" in df.columns and "failed" in df.columns
    details, problems, below = [], [], False
    if counted:
        t = [_lenient_count(v) for v in df["tested"].tolist()]
        f = [_lenient_count(v) for v in df["failed"].tolist()]
        previous = -1
        for i in idx:
            i = int(i)
            block = [j for j in range(previous + 1, i) if not total[j]]
            above = [j for j in range(i) if not total[j]]
            previous = i
            if t[i] is None or f[i] is None or not above or any(t[j] is None or f[j] is None for j in above):
                continue

            def summed(js):
                return sum(t[j] for j in js), sum(f[j] for j in js)
            if block and summed(block) == (t[i], f[i]):
                part = block  # a year's subtotal under its rows
            elif summed(above) == (t[i], f[i]):
                part = above  # the grand total of the table
            else:
                part = block or above
            st, sf = summed(part)
            span = f"rows {int(rows[part[0]])}–{int(rows[part[-1]])}" if len(part) > 1 else f"row {int(rows[part[0]])}"
            figures = f"row {int(rows[i])}: {t[i]:,} tested / {f[i]:,} unqualified"
            if (st, sf) == (t[i], f[i]):
                details.append(f"{figures}, equal to the sum of the {len(part)} rows it totals ({span})")
            else:
                details.append(f"{figures}, but the {len(part)} rows it totals ({span}) add up to {st:,} / {sf:,}")
                problems.append(Problem(source, int(rows[i]), None, f"{t[i]} / {f[i]}",
                                        f"the sum of the rows it totals ({span}): {st} / {sf}"))
                below = below or st > t[i] or sf > f[i]
    period_word = written.get(key, key)
    blank = any(c != key for c, _ in words.values())
    why = (("no period to score them in" + (f" ('{period_word}' blank)" if blank else "")) if key == "period"
           else f"'{period_word}' blank (the table's total)")
    shown = "; ".join(details[:5]) + (f"; and {len(details) - 5} more" if len(details) > 5 else "")
    message = (f"{source}: {len(idx)} total row(s) (小计/合计/总计) were left out so that batches are not counted "
               f"twice（小计、合计行未计入）: {said}, with {why}" + (f". {shown}" if shown else "") + ".")
    if problems:
        warnings.warn(InconsistentDataWarning(
            message + (" Rows adding up to more than their total cannot be right (a row counted twice, or a "
                       "figure mistyped)." if below else "")
            + " A total above the sum is expected only when the table lists some of the categories. The rows "
              "are scored, the total is not（合计与各行之和不符，请核对）", problems), stacklevel=6)
    else:
        w = MstargetWarning(message)
        w.totals_left_out = (source, [int(rows[i]) for i in idx])  # read by load() to say it once per file
        warnings.warn(w, stacklevel=6)


def _said_once(caught: list, path: str) -> None:
    """Warnings recorded while a workbook's sheets were read, shown again; totals that agree with
    their rows (one 合计 per sheet, as bureaus keep them) said in one line for the file, not once a sheet."""
    agreed = [w for w in caught if getattr(w.message, "totals_left_out", None) is not None]
    for w in caught:
        if len(agreed) < 2 or w not in agreed:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if len(agreed) >= 2:
        places = []
        for w in agreed:
            src, rows = w.message.totals_left_out
            where = src[len(path):].strip() if src.startswith(path) else src
            places.append(f"{where} row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))}")
        shown = "; ".join(places[:8]) + (f"; and {len(places) - 8} more" if len(places) > 8 else "")
        warnings.warn(MstargetWarning(
            f"{path}: the total row (合计) of each of {len(agreed)} sheets was left out, each equal to the sum of the "
            f"rows it totals, so that batches are not counted twice（各表合计行与各行之和一致，未重复计入）: {shown}."),
            stacklevel=3)


def check_by(by) -> list[str]:
    """Normalise ``by`` to a non-empty list of column names."""
    if isinstance(by, str):
        by = [by]
    try:
        out = [str(b) for b in by]
    except TypeError:
        raise ParameterError.invalid("by", "mstarget.risk.score", "a column name or a list of them",
                                     by) from None
    if not out or len(set(out)) != len(out):
        raise ParameterError.invalid("by", "mstarget.risk.score",
                                     "a non-empty list of distinct column names", by)
    return out


def _cell_text(v) -> str:
    return "" if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) else str(v)


#: a count written with its unit (20批, 1,000批次, 2,000（批）): the number of batches
_BATCH_UNIT = r"\s*(?:批次|批|[(（]\s*(?:批次|批)\s*[)）])$"
#: a whole number with thousands separators: 1,234 / 1，234 / 4 000 (never 12,5)
_GROUPED_COUNT = rf"{THOUSANDS}|\d{{1,3}}(?:\s\d{{3}})+"
#: full-width digits (２０００) as ASCII; superscripts are left alone (they mark notes)
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
#: words making a figure approximate (约2,000批, 2000余批, 近千批)
_APPROXIMATE = re.compile(r"^(约|大约|近|超过|逾|多于|不少于|不足|≈|~|～)|(余|多|左右|以上|以下)(批次|批)?$")
#: a cell saying "none" or "not sampled" instead of a count (—, /, -, 未抽查, 无): refused, saying to write 0
_NO_COUNT = re.compile(r"[-—–－―─/／\\×xX*＊]+|无|空|未(?:抽查|抽检|抽样|检查|检测|抽|检|开展|安排)|不适用|n/?a|N/?A|—+")
#: another unit after a figure (2,000件, 300份, 15万元): a count of something else than batches
_OTHER_UNIT = re.compile(r"^[\d,，.\s]+\s*((?:[万千百亿])?(?:件|份|个|次|家|户|人|元|吨|公斤|千克|kg|个样品|样品))$")
#: a count written in ten thousands (1.2万, 0.8701 万): read only when its decimals pin one whole count
_TEN_THOUSANDS = re.compile(r"(\d+)(?:\.(\d+))?\s*万")
#: Chinese numerals in a count cell (五千, 一千二百): refused, saying to write digits
_CHINESE_NUMERALS = re.compile(r"[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")


def ten_thousands(whole: str, decimals: str) -> tuple[int, int, int]:
    """A figure in 万 (``whole``.``decimals`` x 10,000) as ``(count, lo, hi)``: ``lo`` / ``hi`` the whole
    batches it may stand for, rounded to the decimals written -- ``1.2万`` is 12,000 and may be any of
    11,500-12,499; ``1.2345万`` pins 12,345 (``lo == hi``)."""
    d = len(decimals)
    count = int(whole) * 10_000 + (int(decimals) * 10 ** (4 - d) if 0 < d <= 4 else 0)
    if d >= 4:
        return count, count, count
    half = 10 ** (4 - d) // 2
    return count, max(count - half, 0), count + half - 1


def _ten_thousands_count(text: str, written: str) -> int:
    """The batches a count in 万 gives (``1.2345万`` -> 12,345); ``ValueError`` when its decimals do not
    pin one whole count (``1.2万`` may be any of 11,500-12,499) or it has a fraction of a batch."""
    m = _TEN_THOUSANDS.fullmatch(text)
    whole, decimals = m.group(1), m.group(2) or ""
    if len(decimals) > 4 and decimals[4:].strip("0"):
        raise ValueError(f"a whole number of batches; '{written}' is {float(whole + '.' + decimals) * 1e4:,.2f} "
                         "batches -- counts cannot have decimals")
    count, lo, hi = ten_thousands(whole, decimals[:4] if len(decimals) > 4 else decimals)
    if lo != hi:
        raise ValueError(f"an exact whole number of batches; '{written}' is in ten thousands (万), rounded to "
                         f"{hi - lo + 1:,} batches: it may be any of {lo:,}–{hi:,} -- write the count "
                         f"the sampling records give, in batches ({count:,} if it is exactly that)"
                         "（以万为单位的批次数是约数，请填写实际批次数）")
    return count


def parse_count(v) -> int:
    """One count cell as an int; ``ValueError`` with a reason otherwise.

    Read: ``1,234`` / ``1，234`` / ``4 000`` (thousands separators), ``20批`` / ``2,000批次`` /
    ``2,000（批）`` (the unit of batches), full-width digits. Refused with the real reason: a rate
    (``2.5%``), an approximate figure (``约2,000批``), another unit (``2,000件``), decimals, a comma
    not between thousands (``12,5``)."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()):
        raise ValueError("empty cell; fill in a whole number of batches (0 if none)")
    if isinstance(v, (bool, np.bool_)):
        raise ValueError("a whole number of batches, not true/false")
    if isinstance(v, (int, np.integer)):
        n = int(v)
    else:
        written = str(v).strip()
        text = re.sub(_BATCH_UNIT, "", written.translate(_FULL_WIDTH_DIGITS))
        if text.endswith(("%", "％", "‰")):
            raise ValueError(RATE_IN_COUNT)
        if _NO_COUNT.fullmatch(text):
            raise ValueError(f"a whole number of batches; '{written}' is no count: write 0 if none were sampled "
                             "(or none found unqualified), or delete the row if the group was not sampled this "
                             "period（本期未抽检请填0或删去此行；无不合格请填0）")
        approx = _APPROXIMATE.search(text)
        if approx and re.search(r"\d", text):
            raise ValueError(f"an exact whole number of batches; '{approx.group().strip()}' makes the figure "
                             "approximate -- write the count the sampling records give (e.g. 2000)")
        other = _OTHER_UNIT.match(text)
        if other:
            raise ValueError(f"a whole number of batches (批次); '{other.group(1)}' is another unit -- give the "
                             "number of batches sampled, written as a number (2000) or with 批 / 批次 (2,000批)")
        if re.search(r"[,，]", text) or re.fullmatch(r"\d{1,3}(\s\d{3})+", text):
            if re.fullmatch(r"[\d,，\s]*\.\d+", text) and re.fullmatch(_GROUPED_COUNT, text.split(".")[0]):
                raise ValueError("a whole number of batches (counts cannot have decimals)")
            if not re.fullmatch(_GROUPED_COUNT, text):
                raise ValueError("a whole number of batches; a comma only between thousands (1,234), "
                                 "never as a decimal point (12,5)")
            text = re.sub(r"[,，\s]", "", text)
        if _TEN_THOUSANDS.fullmatch(text):  # 1.2345万: 12,345 batches; 1.2万 (rounded) refused with its range
            text = str(_ten_thousands_count(text, written))
        try:
            x = float(text)
        except ValueError:
            if is_formula(text):
                raise ValueError(FORMULA_WITHOUT_VALUE) from None
            if _CHINESE_NUMERALS.search(text):
                raise ValueError(f"a whole number of batches written in digits (5000, 5,000 or 5000批); '{written}' "
                                 "is in Chinese numerals（请用阿拉伯数字填写批次数）") from None
            raise ValueError("a whole number of batches such as 120") from None
        if 0 < x < 1:  # 0.025: a rate written as a fraction
            raise ValueError(RATE_IN_COUNT.replace("this is a rate", f"this looks like a rate ({100 * x:g}%)"))
        if not np.isfinite(x) or not float(x).is_integer():
            raise ValueError("a whole number of batches (counts cannot have decimals)")
        n = int(x)
    if n < 0:
        raise ValueError("a count >= 0 (batches cannot be negative)")
    if n > MAX_COUNT:
        raise ValueError(f"a count of at most {MAX_COUNT:,} batches; this is far more than any "
                         "register holds -- check the column and its unit (批次, not 元 or 件)")
    return n


#: the reason given for a rate (2.5%) in a count column
RATE_IN_COUNT = ("a count of batches was expected, but this is a rate: put rates in a column headed "
                 "不合格率 (it is not read) and give the count here, or convert it: batches = 抽检批次 x rate, "
                 "rounded")


def sheet_rows(df: pd.DataFrame) -> np.ndarray:
    """Spreadsheet row of each row of ``df`` (header = row 1): ``attrs["sheet_rows"]`` or 2, 3, ..."""
    rows = df.attrs.get("sheet_rows") if hasattr(df, "attrs") else None
    if rows is not None and len(rows) == len(df):
        return np.asarray(rows, dtype=np.int64)
    return np.arange(2, len(df) + 2, dtype=np.int64)


def parse_counts(series: pd.Series, src: str, column: str,
                 rows: np.ndarray | None = None) -> tuple[np.ndarray, list[Problem]]:
    """A count column as int64 (0 where bad) and the problems of its bad cells, vectorised."""
    rows = np.arange(2, len(series) + 2) if rows is None else rows
    s = series
    if pd.api.types.is_bool_dtype(s):
        num = pd.Series(np.nan, index=s.index)
    elif pd.api.types.is_numeric_dtype(s):
        num = s.astype(float)
    else:
        text = (s.astype("string").str.strip().str.translate(_FULL_WIDTH_DIGITS)
                .str.replace(_BATCH_UNIT, "", regex=True))  # 20批 is 20, ２０００ is 2000
        grouped = text.str.fullmatch(_GROUPED_COUNT).fillna(False).astype(bool)  # 1,234 / 4 000; never 12,5
        text = text.where(~grouped, text.str.replace(r"[,，\s]", "", regex=True))
        num = pd.to_numeric(text, errors="coerce").astype(float)
    x = num.to_numpy(float)
    ok = np.isfinite(x) & (x >= 0) & (x <= MAX_COUNT) & (np.floor(x) == x)
    out = np.where(ok, x, 0).astype(np.int64)
    if pd.api.types.is_integer_dtype(s) and not pd.api.types.is_bool_dtype(s):
        raw = s.to_numpy()  # exact for big ints (float conversion rounds)
        ok &= (raw >= 0) & (raw <= MAX_COUNT)
        out = np.where(ok, raw, 0).astype(np.int64)
    problems = []
    for i in np.flatnonzero(~ok):
        v = s.iloc[i]
        try:  # what the vectorised reading leaves, read cell by cell (1.2345万 is 12,345)
            out[i] = parse_count(v)
        except ValueError as exc:
            problems.append(Problem(src, int(rows[i]), column, _cell_text(v), str(exc)))
    return out, problems


def _parse_outcome(v) -> int:
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)) and int(v) in (0, 1):
        return int(v)
    if isinstance(v, float) and v in (0.0, 1.0):
        return int(v)
    text = to_simplified(unicodedata.normalize("NFKC", _cell_text(v)).strip().lower())  # 問題樣品 as 问题样品
    # a conclusion with its reason in parentheses (不合格（标签）, 不合格(微生物)) is that conclusion
    text = _REASON.sub("", text).strip() or text
    text = re.sub(r"\s+", "", text) if not text.isascii() else text  # 不 合格
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    raise ValueError("an outcome 0 (qualified / 合格) or 1 (unqualified / 不合格)")


#: words in the header of a notice's failed-items column (不合格项目（检验结果/标准值）): each cell lists
#: what failed in the batch, or says it passed
ITEMS_WORDS = ("不合格项目", "不合格项", "不合格原因", "不合格指标")
#: a failed-items cell saying the batch passed, as written (empty cells too); the wordings of
#: :data:`_ITEMS_PASSED_TEXT` and dashes / slashes of :data:`_ITEMS_DASHES` too
_ITEMS_PASSED = frozenset({"/", "／", "—", "——", "-", "--", "–", "无", "合格", "符合", "符合要求", "未发现不合格",
                           "0", "0.0", "na", "n/a", "nd", "n.d.", "none", "nil", "null", "nan", "not detected",
                           "未检出", "无不合格项", "无不合格项目", "所检项目符合标准要求", "检验合格", "合格品"})
#: who a passed wording is about: 所检项目均 (合格), 所检项目 (未见异常), 各指标 (均为阴性)
_ITEMS_SUBJECT = r"(?:所检|所抽检|被检|抽检|检验|检测|送检|全部|各)?(?:项目|指标)?(?:均|全部|全)?"
#: a failed-items cell saying the batch passed, in words: 合格 / 符合…要求 (所检项目符合标准要求, 检验合格,
#: 所检项目均合格, 符合GB 2762要求, several standards named), 无不合格… / 未发现问题 / 所检项目未见异常 / 未检出
#: (not detected), below the detection limit (低于检出限, 检出值低于检出限, 检出限以下, <LOD), negative (阴性,
#: 均为阴性), once a reason or a figure in brackets after it is set aside (未检出（<0.01）, 未检出（检出限0.01mg/kg）,
#: 合格（复检）: the notice reports the final result); a lead-in (经抽样检验，/ 检验结论：/ 该批次产品) and the titles
#: of standards (《食品安全国家标准 …》) are set aside too (:func:`_items_passed`)
_ITEMS_PASSED_TEXT = re.compile(
    r"^(?:(?:经)?" + _ITEMS_SUBJECT + r"(?:合格|符合|达标)(?:[^不未无超‖|≤≥;；。]{0,120}(?:要求|标准|规定))?"
    r"|" + _ITEMS_SUBJECT + r"(?:无|没有|未发现|未见|未检出|未检测出)(?:不合格|不符合|问题|异常|超标)?"
    r"(?:项目|项|指标|情况)?"
    r"|(?:未检出|未检测出|nd)[<≤]?[\d.]+(?:[a-zμ/]+)?"
    r"|" + _ITEMS_SUBJECT + r"(?:检出值|检测值|检测结果|结果|含量)?(?:均)?(?:低于|小于|<|未达到?)(?:方法)?"
    r"(?:检出限|检测限|lod)(?:以下)?"
    r"|(?:方法)?(?:检出限|检测限|lod)以下"
    r"|" + _ITEMS_SUBJECT + r"(?:结果)?(?:均)?(?:为)?阴性)[.。!]?$")
#: a lead-in before a passed wording: 经抽样检验，/ 经检验，/ 检验结论：/ 结果：/ 该批次产品 (合格)
_ITEMS_LEAD = re.compile(r"^(?:经(?:抽样|监督抽检|抽检|抽查)?(?:检验|检测|抽检)[,，:：]?|(?:检验|检测|判定)?(?:结论|结果)"
                         r"[:：]|该(?:批次|批)?(?:产品|样品|食品)?)")
#: the title of a standard in a passed wording (符合GB 2762-2017《食品安全国家标准 食品中污染物限量》要求)
_ITEMS_TITLE = re.compile(r"《[^《》]*》")
#: a detection limit noted in a bracket after a passed wording (未检出（检出限0.01mg/kg）): no failure
_ITEMS_LIMIT_NOTE = re.compile(r"(?:方法)?(?:检出限|检测限|定量限|lod|loq)[:：]?[<≤=]?")
#: a failed-items cell of dashes or slashes only, as typed (-, —, －, 一 for a dash, /, \\)
_ITEMS_DASHES = re.compile(r"^[-—–－―─‐‑‒一_~～/／\\]+$")
#: a failed-items cell saying the result is not known yet: refused
_ITEMS_PENDING = frozenset({"待检", "检验中", "待定", "未出", "结果未出", "复检中"})
#: a failed-items cell saying the batch failed outright (不合格, 不符合, 超标, 检出 沙门氏菌, a
#: 项目‖结果‖标准 triple or a limit)
_ITEMS_FAILED_TEXT = re.compile(r"不合格|不符合|超标|超出|超过|(?<!未)检出(?!限)|‖|\|\||[≤≥]")
#: a pass said in a cell that also says a failure (不合格(复检合格)): such a cell is refused
_ITEMS_PASSED_WORD = re.compile(r"(?<![不无])合格|(?<![不无])符合")
#: words that make a failed-items cell a verdict or a remark rather than the name of an item (菌落总数,
#: 铅(以Pb计), 标签): such a cell that is neither a passed wording nor a failure is refused (无机砷, 商业无菌
#: are items; 沙门氏菌阴性, 铅低于检出限 are refused, never guessed failed)
_ITEMS_VERDICT_WORDS = re.compile(r"合格|符合|达标|正常|通过|良好|满足|无(?![机水菌])|未|没有|涉及|适用|判定|问题|异常|"
                                  r"见|监测|复检|复核|待|已|空白|是|否|√|✓|×|✗|阴性|检出限|检测限|结论|《|"
                                  r"\b(?:ok|yes|no|pass|passed|fail|failed|normal|none|pending|tbd|unknown|"
                                  r"not|n/?a|see)\b")


def is_items_header(name) -> bool:
    """Whether a header names a notice's failed-items column (不合格项目（检验结果/标准值）, 不合格项目)."""
    return name is not None and any(w in layout.header_key(str(name)) for w in ITEMS_WORDS)


def _items_column(df: pd.DataFrame, headers: dict) -> str | None:
    """The failed-items column of a notice's table (its header as :func:`is_items_header`), or None."""
    return next((c for c in df.columns if is_items_header(headers.get(c, c))), None)


def _items_passed(text: str) -> bool:
    """Whether a failed-items cell (NFKC, simplified, lower case, no spaces) says the batch passed; a lead-in
    (经抽样检验，/ 检验结论：/ 该批次产品) and titles of standards (《…》) set aside."""
    if (not text or text in _ITEMS_PASSED or text in _FALSE or _ITEMS_DASHES.match(text)
            or _ITEMS_PASSED_TEXT.match(text)):
        return True
    bare = _ITEMS_LEAD.sub("", _ITEMS_TITLE.sub("", text), count=1)
    return bool(bare) and bare != text and bool(_ITEMS_PASSED_TEXT.match(bare))


def _items_reading(text: str) -> str | None:
    """How a failed-items cell (NFKC, simplified, lower case, no spaces) reads: ``"passed"``,
    ``"failed"``, ``"pending"``, or None when it is neither a passed wording nor the failed items.

    Passed: empty, dashes or slashes, 合格 / 符合…要求 / 检验合格 / 无不合格项目 / 未发现问题 / 未检出 / ND / 无,
    低于检出限 / 检出限以下 / 阴性, after a lead-in (经抽样检验，/ 检验结论：/ 该批次产品), a bracket after it set aside
    (未检出（<0.01）, 未检出（检出限0.01mg/kg）; 合格（复检）: passed after a re-test, the final result).
    Failed: 不合格 / 不符合 / 超标 / 检出…, a 项目‖结果‖标准 triple, a limit (≤1.0), or item text (菌落总数,
    铅(以Pb计)) holding no verdict word. Neither (refused): 不涉及 / 不适用 (no verdict: passed, or not
    judged as in 风险监测?), 正常, OK, a bare number, a passed wording whose bracket says it failed, a remark
    on an item (沙门氏菌阴性, 铅低于检出限), a bare lead-in (检验结论：)."""
    if text in _ITEMS_PENDING:
        return "pending"
    if _items_passed(text):
        return "passed"
    base = _REASON.sub("", text).strip()  # 未检出(<0.01), 合格(复检), 不合格(标签)
    if base != text and base:
        note = text[len(base):]
        if _items_passed(base):  # 合格(复检) passed; 合格(复检不合格) says both: refused
            return None if _ITEMS_FAILED_TEXT.search(_ITEMS_LIMIT_NOTE.sub("", note)) else "passed"
        if base in _ITEMS_PENDING:
            return "pending"
    if text in _TRUE:
        return "failed"
    if _ITEMS_FAILED_TEXT.search(text):  # 不合格(复检合格) says it failed and passed: refused
        return None if _ITEMS_PASSED_WORD.search(text) else "failed"
    if not re.search(r"[a-z\u4e00-\u9fff]", text) or _ITEMS_VERDICT_WORDS.search(text) or _ITEMS_LEAD.match(text):
        return None  # a number, a mark, a remark (不涉及, 正常, OK) or a bare lead-in (检验结论：): not an item
    return "failed"  # item text: 菌落总数, 铅(以Pb计), 标签, 苯甲酸及其钠盐


def items_outcome(series, src: str, column: str, *, allow_missing: bool = False,
                  rows: np.ndarray | None = None) -> np.ndarray:
    """A notice's failed-items column (不合格项目（检验结果/标准值）) as 0/1 outcomes (float array), each cell
    read by :func:`_items_reading`: an empty cell, dashes or slashes (``/``, ``—``, ``-``, ``一``, ``\\``),
    ``合格``, ``符合…要求`` (所检项目符合标准要求), ``检验合格``, ``无不合格项目``, ``未发现问题``, ``未检出`` / ``ND``
    (not detected), ``低于检出限`` / ``阴性``, ``无`` = passed (0), a lead-in (经抽样检验，, 检验结论：) or a
    bracket after it set aside (``合格（复检）`` is the final result, passed); ``不合格`` / ``不符合`` or the failed items (菌落总数‖7.8‖≤1.0, 铅(以Pb计); several in one cell are
    one failed batch) = failed (1). A missing value (None / NaN, not an empty text) is NaN when
    ``allow_missing``. A result not known yet (待检) is refused naming its rows; any other wording
    (不涉及, 不适用, 正常, OK, a bare number) is refused in one problem counting it by spelling with its
    first rows and how to fix it -- never guessed a failure (or a pass)."""
    s = pd.Series(series).reset_index(drop=True)
    rows = np.arange(2, len(s) + 2) if rows is None else np.asarray(rows)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    parsed = np.zeros(len(uniques) + 1)
    pending = np.zeros(len(uniques) + 1, bool)
    unknown = np.zeros(len(uniques) + 1, bool)
    for j, u in enumerate(uniques):
        text = re.sub(r"\s+", "", to_simplified(unicodedata.normalize("NFKC", _cell_text(u)).strip().lower()))
        said = _items_reading(text)
        parsed[j] = 1.0 if said == "failed" else 0.0
        pending[j], unknown[j] = said == "pending", said is None
    parsed[-1] = np.nan if allow_missing else 0.0  # None / NaN: empty (passed), or not known yet
    at = np.where(codes >= 0, codes, len(uniques))
    bad = np.flatnonzero(pending[at])
    problems = [Problem(src, int(rows[i]), column, _cell_text(s.iloc[i]),
                        "the failed items (不合格项目) or 合格 / '/' when the batch passed; a "
                        "result still pending: delete the row until it is known") for i in bad]
    odd = np.flatnonzero(unknown[at])
    if len(odd):
        text = s.iloc[odd].map(_cell_text).str.strip()
        counts = text.value_counts()
        listed = "; ".join(f"'{v}' x{n:,} (row{'s' if n > 1 else ''} "
                           f"{', '.join(str(int(rows[odd[i]])) for i in np.flatnonzero((text == v).to_numpy())[:3])}"
                           f"{', ...' if n > 3 else ''})" for v, n in counts.head(8).items())
        problems.append(Problem(
            src, None, column, None,
            f"{len(odd):,} {'cells say' if len(odd) > 1 else 'cell says'} neither that the batch passed nor "
            f"which items failed: {listed}"
            f"{f' and {len(counts) - 8} more spellings' if len(counts) > 8 else ''}. 不合格项目列只能写不合格项目"
            "（如 菌落总数‖7.8‖≤1.0）或表示合格的 “/”“—”“合格”“未检出”“无不合格项目”（或留空）；请把这些格改为其一——"
            "“不涉及”“不适用”若指无不合格项目，改为 “/”；若该批次未作判定（如风险监测），删除该行。 / Write the failed "
            "items, or '/', 合格, 未检出 or leave the cell empty for a passed batch; a batch not judged (risk "
            "monitoring) is deleted. No such cell is counted as a failure (or a pass) by guess."))
    if problems:
        raise DataValidationError(problems, source=src)
    return parsed[at]


def _outcome_refusal(s: pd.Series, bad: np.ndarray, src: str, column: str, rows) -> list[Problem]:
    """Many cells of an outcome column that are no outcome, as one problem: the spellings with their
    counts and first rows, and how a failed-items column (不合格项目: '/' = passed) is read."""
    text = s.iloc[bad].map(_cell_text).str.strip()
    counts = text.value_counts()
    listed = "; ".join(f"{_quoted_or_empty(v)} x{n:,} (row{'s' if n > 1 else ''} "
                       f"{', '.join(str(int(rows[bad[i]])) for i in np.flatnonzero((text == v).to_numpy())[:3])}"
                       f"{', ...' if n > 3 else ''})" for v, n in counts.head(6).items())
    itemish = any(v in _ITEMS_PASSED for v in counts.index if v)
    how = (" The column looks like a notice's failed-items column (不合格项目（检验结果/标准值）: '/', '—', 合格 or "
           "empty = passed; the items that failed = failed): head it 不合格项目（检验结果/标准值） as notices do "
           "(a header holding 不合格项目) and it is read so, or add a 检验结论 column of 合格 / 不合格"
           "（“/”“—”“合格”或空 = 合格，列有不合格项目 = 不合格）." if itemish else _empty_outcomes_said(counts))
    return [Problem(src, None, column, None,
                    f"{len(bad):,} cells are not an outcome 0 (qualified / 合格) or 1 (unqualified / 不合格): "
                    f"{listed}{' ...' if len(counts) > 6 else ''}.{how}")]


def _quoted_or_empty(text: str) -> str:
    """A refused cell's text as a message lists it: ``'A'``, or ``empty``."""
    return f"'{text}'" if text else "empty"


def _empty_outcomes_said(counts: pd.Series) -> str:
    """What to do with the empty cells among an outcome column's refused ones (``counts``: refused cell text ->
    cells), ``""`` when there are none: per-record data leave the outcome blank where there is no result (NYC's
    ``fail_score_ge14``: 54 inspections without a score), and none is taken as passed or failed."""
    n_empty = int(counts.get("", 0))
    if not n_empty:
        return ""
    return (f" {n_empty:,} empty {'cells are' if n_empty > 1 else 'cell is'} no result (not judged, not scored, or "
            "still pending): delete those rows, or write the result (不合格 or 1, 合格 or 0) where it is "
            f"known -- none is counted as passed or failed by guess（{n_empty:,} 行结果为空：请删除未判定或结果未出的"
            "行，或填写合格/不合格）.")


def outcome_array(series, src: str, column: str, *, allow_missing: bool = False,
                  rows: np.ndarray | None = None) -> np.ndarray:
    """0/1 outcomes as a float array (NaN for empty cells when ``allow_missing``), vectorised.

    Each distinct spelling is parsed once; every bad cell becomes a :class:`Problem` in one
    :class:`DataValidationError` (more than 10: one problem counting them by spelling, and saying how
    a notice's failed-items column is read). A column headed as a notice's failed-items column
    (不合格项目（检验结果/标准值）) is read by :func:`items_outcome`.
    """
    if is_items_header(column):
        return items_outcome(series, src, column, allow_missing=allow_missing, rows=rows)
    s = pd.Series(series).reset_index(drop=True)
    rows = np.arange(2, len(s) + 2) if rows is None else rows
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    parsed = np.full(max(len(uniques), 1), np.nan)  # at least one slot: every cell may be empty
    bad_u = np.zeros(len(parsed), bool)
    for j, u in enumerate(uniques):
        if allow_missing and isinstance(u, str) and not u.strip():
            parsed[j] = np.nan
            continue
        try:
            parsed[j] = _parse_outcome(u)
        except ValueError:
            bad_u[j] = True
            parsed[j] = np.nan
    out = np.where(codes >= 0, parsed[np.maximum(codes, 0)], np.nan)
    bad = (codes >= 0) & bad_u[np.maximum(codes, 0)]
    if not allow_missing:
        bad |= codes < 0
    if bad.any():
        msg = "an outcome 0 (qualified / 合格) or 1 (unqualified / 不合格)"
        empty = ("this cell is empty: fill in 合格 or 不合格, or delete the row if its result is still "
                 "pending（检验结论为空：请填写合格/不合格；结果未出的批次请删除该行）")
        if bad.sum() > 10:
            raise DataValidationError(_outcome_refusal(s, np.flatnonzero(bad), src, column, rows), source=src)
        raise DataValidationError([Problem(src, int(rows[i]), column, _cell_text(s.iloc[i]),
                                           empty if not _cell_text(s.iloc[i]).strip() else msg)
                                   for i in np.flatnonzero(bad)], source=src)
    return out


def parse_outcomes(values, src: str, column: str, first_row: int = 2) -> np.ndarray:
    """0/1 outcomes as an int array; every bad cell becomes a :class:`Problem` in one error."""
    del first_row  # rows are counted from the first data row (spreadsheet row 2)
    return outcome_array(pd.Series(list(values), dtype=object), src, column).astype(np.int64)


def _group_labels(df: pd.DataFrame, c: str, src: str,
                  rows: np.ndarray) -> tuple[np.ndarray, list[Problem]]:
    """One group column as stripped labels (object array, shape (R,)) and its empty-cell problems;
    a line break or spaces inside a label (乳\\n制品, typed with Alt+Enter) taken out between Chinese
    characters and made one space elsewhere (:func:`clean_label`). A column of whole numbers held as floats (a ward
    or district code beside blank cells in a DataFrame: 48.0) is labelled as written, 48."""
    s = df[c]
    if pd.api.types.is_float_dtype(s.dtype):
        v = s.to_numpy(dtype=float)
        finite = np.isfinite(v)
        if finite.any() and np.all(v[finite] == np.round(v[finite])) and np.all(np.abs(v[finite]) < 2 ** 53):
            s = pd.Series(pd.array(np.where(finite, v, 0).astype(np.int64), dtype="Int64"), index=s.index).mask(~finite)
    text = s.astype("string").str.strip()
    empty = (s.isna() | text.isna() | (text == "")).to_numpy()
    probs = _empty_group_problems(np.flatnonzero(empty), s, c, src, rows)
    out = text.fillna("").to_numpy(dtype=object)
    codes, uniques = pd.factorize(out)  # each spelling cleaned once
    cleaned = np.array([clean_label(u) for u in uniques], dtype=object)
    return (cleaned[codes] if len(uniques) else out), probs


#: more empty group cells than this are said in one problem, counted, with their first rows
_MANY_EMPTY = 10


def _empty_group_problems(empty: np.ndarray, s: pd.Series, column: str, src: str, rows: np.ndarray) -> list[Problem]:
    """The empty cells of group column ``column`` (positions ``empty``) as problems: one per cell, or -- more
    than :data:`_MANY_EMPTY`, as per-record data with a place or type not recorded give them (Chicago's
    ``Ward``: 2,914 of 27,600 inspections) -- one problem counting them, naming the first rows and the fix."""
    if len(empty) <= _MANY_EMPTY:
        return [Problem(src, int(rows[i]), column, _cell_text(s.iloc[i]), "a group name; this cell is empty")
                for i in empty]
    first = ", ".join(str(int(rows[i])) for i in empty[:_MANY_EMPTY])
    return [Problem(src, None, column, None,
                    f"a group name in every row; {len(empty):,} of {len(s):,} cells are empty (rows {first}, ...). "
                    "A row without its group cannot be scored with one: delete these rows, or write a group for "
                    "them (未知 / unknown: then scored as a group of its own). None is put in a group by guess"
                    f"（{len(empty):,} 行的分组列为空：请删除这些行，或填写分组名称，如“未知”）")]


#: spaces or a line break between two Chinese characters (乳\n制品): not part of the name
_CJK_GAP = re.compile(r"(?<=[\u2e80-\u9fff\uf900-\ufaff])\s+(?=[\u2e80-\u9fff\uf900-\ufaff])")


def clean_label(label) -> str:
    """A group label as shown: runs of spaces and line breaks as one space, none between two Chinese
    characters (``乳\\n制品`` -> ``乳制品``), stripped; its script and width as written."""
    text = _cell_text(label)
    if not any(ch.isspace() for ch in text):
        return text
    return _CJK_GAP.sub("", re.sub(r"\s+", " ", text)).strip()


def _periods(df: pd.DataFrame, period: str, src: str, rows: np.ndarray):
    """Parse the period column: labels, first and last months (int64), each shape (R,); problems."""
    codes, uniques = pd.factorize(df[period], use_na_sentinel=True)
    labels = np.empty(len(uniques), dtype=object)
    starts = np.zeros(len(uniques), np.int64)
    ends = np.zeros(len(uniques), np.int64)
    bad_u = {}
    # dates (datetime64, Excel dates read as text) are read as a whole column: month ends are months,
    # quarter ends quarters (never a lone 12-31 as the year beside them), or refused once
    dated = [j for j, u in enumerate(uniques) if as_date(u) is not None]
    try:
        by_date = date_periods([uniques[j] for j in dated])
        said = None
    except ValueError as exc:
        by_date, said = {}, str(exc)
    for j, u in enumerate(uniques):
        try:
            p = by_date[u] if u in by_date else parse_period(u) if said is None or j not in dated else None
            if p is None:
                bad_u[j] = None  # the column's dates, refused once below
                continue
            labels[j], starts[j], ends[j] = p.label, p.start, p.end
        except (ValueError, TypeError) as exc:
            bad_u[j] = str(exc)
    probs = []
    if said is not None:
        first = int(np.flatnonzero(np.isin(codes, dated))[0])
        probs.append(Problem(src, None, period, _cell_text(df[period].iloc[first]), said))
    for i in np.flatnonzero((codes < 0) | np.isin(codes, [j for j, why in bad_u.items() if why is not None])):
        why = bad_u.get(int(codes[i]), f"expected {EXPECTED_PERIOD}; this cell is empty")
        probs.append(Problem(src, int(rows[i]), period, _cell_text(df[period].iloc[i]),
                             f"unknown period format; {why}"))
    c = np.maximum(codes, 0)
    if len(uniques) == 0:
        return np.array([""] * len(df), dtype=object), np.zeros(len(df), np.int64), \
            np.zeros(len(df), np.int64), probs
    return labels[c], starts[c], ends[c], probs


# ----------------------------------------------------------------------------- one row per failed item
#: headers of a per-batch record's sample number (one number per batch), compared without spaces, ``_`` or ``-``,
#: in lower case: a notice listing one row per failed item repeats its batch's number on each row; an inspection's
#: own number too (``Inspection_ID``: a violations table joined to its inspections repeats it on each violation)
SAMPLE_ID_HEADERS = ("抽样单号", "抽样单编号", "抽样编号", "抽检编号", "样品编号", "报告编号", "检验报告编号",
                     "报告书编号", "检查编号", "检查记录编号", "sampleid", "sampleno", "samplenumber", "reportno",
                     "reportnumber", "reportid", "inspectionid", "inspectionno", "inspectionnumber")


#: headers of the columns that describe a batch (compared as :data:`SAMPLE_ID_HEADERS` are): rows sharing a
#: sample number are one batch only when they also agree on these -- monthly notices pasted together that each
#: number their batches 1..40 repeat a number on different dates, products and sampled units
BATCH_FACT_HEADERS = ("抽样日期", "抽样时间", "检验日期", "date", "samplingdate", "sampledate",
                      "样品名称", "食品名称", "产品名称", "samplename", "productname", "product",
                      "被抽样单位", "被抽样单位名称", "被抽检单位", "被抽检单位名称", "sampledunit",
                      "生产企业", "生产企业名称", "标称生产企业", "标称生产企业名称", "producer", "manufacturer",
                      "生产日期", "生产日期/批号", "生产日期批号", "批号")

#: cells that stand for "no number" / "not said" (compared without spaces, in lower case); a cell of dashes,
#: slashes or dots only (/, -, —, ——, ...) is one too
PLACEHOLDER_CELLS = frozenset({"无", "空", "未编号", "无编号", "暂无", "n/a", "na", "null", "none", "nan", "nil"})


def _id_key(header) -> str:
    return re.sub(r"[\s_\-.:：]", "", str(header)).lower()


def _batch_cell(value) -> str | None:
    """A cell as text for comparing rows (stripped; a date at midnight as ``2023-01-05``), or ``None`` when
    it is blank or a placeholder (:data:`PLACEHOLDER_CELLS`, or dashes / slashes only)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        value = value.date().isoformat()
    text = str(value).strip()
    if re.fullmatch(r"[\s/／\\\-－—–_~～.。·]*", text) or re.sub(r"\s", "", text).lower() in PLACEHOLDER_CELLS:
        return None
    return text


def _sample_number(value) -> str | None:
    """A sample-number cell as text, or ``None`` when it holds no number: blank, a placeholder
    (:func:`_batch_cell`) or zero (``0``, ``0.0``, ``000``)."""
    text = _batch_cell(value)
    return None if text is None or re.fullmatch(r"0+(\.0*)?", text) else text


def batch_fact_columns(df: pd.DataFrame, skip: Sequence[str] = ()) -> list[str]:
    """The columns of per-batch records that describe a batch (sampling date, product, sampled unit,
    producer: :data:`BATCH_FACT_HEADERS`, by their headers as written), other than those in ``skip``."""
    written = df.attrs.get("headers") or {}
    wanted = {_id_key(h) for h in BATCH_FACT_HEADERS}
    return [c for c in df.columns if c not in skip and _id_key(written.get(c, c)) in wanted]


def sample_id_column(df: pd.DataFrame) -> str | None:
    """The column of per-batch records holding each batch's sample number (抽样单号, 样品编号, 报告编号,
    ``sample id`` ...: :data:`SAMPLE_ID_HEADERS`, by its header as written), else ``None``."""
    written = df.attrs.get("headers") or {}
    wanted = {_id_key(h) for h in SAMPLE_ID_HEADERS}
    return next((c for c in df.columns if _id_key(written.get(c, c)) in wanted), None)


def item_batches(df: pd.DataFrame, src: str, by: Sequence[str] = (), period: str | None = None,
                 outcome: str | None = None) -> np.ndarray | None:
    """Per-batch records with one row per failed item (the batch's 抽样单号 repeated on each row): each row's
    batch, as the position (0-based, shape (R,)) of the row that stands for it -- of the rows of one sample
    number (and group ``by`` and ``period``) that agree on the columns describing a batch (sampling date,
    product, sampled unit, producer: :func:`batch_fact_columns`), the first failed one, else the first; every
    other row stands for itself. Rows whose number is a placeholder (/, —, 无, 未编号, N/A, 0 ...) have none.

    ``df`` is a table as :func:`load` reads it. ``None`` when there is nothing to fold: a counts table
    (``tested``), records without a sample-number column (:func:`sample_id_column`) or without the outcome
    column, no number repeated, or outcomes that cannot be read (:func:`validate_samples` / the caller then
    says which cells)."""
    idcol = sample_id_column(df) if "tested" not in df.columns else None
    oc = as_written(df, outcome) if outcome is not None else next(
        (c for c in OUTCOME_CANDIDATES if c in df.columns), None)
    if idcol is None or oc not in df.columns:
        return None
    keys = [c for c in dict.fromkeys([as_written(df, b) for b in by] + [as_written(df, period) if period else None])
            if c is not None and c in df.columns and c != idcol]
    frame = _batch_frame(df, idcol, keys, batch_fact_columns(df, skip=[idcol, oc, *keys]))
    cols = list(frame.columns)
    repeated = frame["_id"].notna().to_numpy() & frame.duplicated(subset=cols, keep=False).to_numpy()
    if not repeated.any():
        return None
    try:
        failed = outcome_array(df[oc], src, oc, rows=sheet_rows(df))
    except DataValidationError:
        return None
    frame["_failed"], frame["_pos"] = -np.nan_to_num(failed), np.arange(len(df))
    picked = frame[repeated].sort_values(cols + ["_failed", "_pos"], kind="stable")  # a failed row first
    batch = np.arange(len(df))
    batch[picked["_pos"].to_numpy(int)] = picked.groupby(cols, sort=False)["_pos"].transform("first").to_numpy(int)
    return batch


def warn_folded(df: pd.DataFrame, batch: np.ndarray, src: str, stacklevel: int = 4) -> None:
    """Say (a :class:`MstargetWarning`) how many rows of ``df`` were folded into how many batches
    (``batch``: :func:`item_batches`) under which sample-number column."""
    sizes = np.bincount(batch, minlength=len(batch))
    column = sample_id_column(df)
    column = str((df.attrs.get("headers") or {}).get(column, column))
    n_rows, n_batches = int((sizes[batch] > 1).sum()), int((sizes > 1).sum())
    warnings.warn(MstargetWarning(
        f"{src}: {n_rows:,} 行的“{column}”有重复，按同一批次合并为 {n_batches:,} 批（同一{column}的多行视为同一批次的"
        f"多个不合格项目：每批只计一次，任一行不合格即该批不合格）；如确是不同批次，请给每批不同的{column} / "
        f"{n_rows:,} rows repeating a {column} were folded into {n_batches:,} batches (one row per failed item of a "
        "batch): each batch is counted once, failed if any of its rows failed"), stacklevel=stacklevel)


def rows_kept(df: pd.DataFrame, keep: np.ndarray, index: bool = False) -> pd.DataFrame:
    """The rows of ``df`` where ``keep`` (bool, shape (R,)), their spreadsheet rows (``attrs["sheet_rows"]``)
    and sheets (``attrs["row_parts"]``) kept with them; renumbered 0.. unless ``index``."""
    rows = sheet_rows(df)
    out = df[keep] if index else df[keep].reset_index(drop=True)
    out.attrs = {**df.attrs, "sheet_rows": rows[keep]}
    if df.attrs.get("row_parts") is not None and len(df.attrs["row_parts"]) == len(df):
        out.attrs["row_parts"] = np.asarray(df.attrs["row_parts"])[keep]
    return out


def fold_items(df: pd.DataFrame, src: str, by: Sequence[str] = (), period: str | None = None,
               outcome: str | None = None, stacklevel: int = 5) -> pd.DataFrame:
    """``df`` (as :func:`load` reads it) with the rows of one batch written once per failed item folded into
    one row per batch (:func:`item_batches`: the batch's first failed row kept), said once
    (:func:`warn_folded`); ``df`` itself when there is nothing to fold. :func:`validate_samples` (so
    ``score`` and ``evaluate``) and :func:`mstarget.risk.fit` fold this way."""
    batch = item_batches(df, src, by, period, outcome)
    if batch is None:
        return df
    warn_folded(df, batch, src, stacklevel)
    return rows_kept(df, batch == np.arange(len(df)))


def fold_item_rows(samples, by: Sequence[str], period: str | None = "period", outcome: str | None = None):
    """:func:`fold_items` of a table not yet read (DataFrame or path), for a caller that passes the result on
    to more than one reader (``evaluate`` to :func:`validate_samples` and ``score``): the folded table as
    :func:`load` reads it, with ``attrs["source"]``, what reading it warned warned once. ``samples`` itself
    when there is nothing to fold and it is a DataFrame or a plain table (Parquet, JSON); for a file read by
    :func:`load`, the table read (not read again)."""
    with warnings.catch_warnings(record=True) as said:  # said again only if the table read here is the one used
        warnings.simplefilter("always")
        df, src = load(samples)
        if isinstance(samples, pd.DataFrame) and "headers" not in samples.attrs:
            df = _as_read(df, src)
    folded = fold_items(df, src, check_by(by), period, outcome)
    if folded is df and (not isinstance(samples, (str, os.PathLike)) or "headers" not in df.attrs):
        return samples  # read again by validate_samples: what reading it warns is said then
    for w in said:  # what reading the table said (a 合计 per sheet ...): validate_samples does not read it again
        warnings.warn(w.message, w.category, stacklevel=4)
    folded.attrs["source"] = src
    return folded


def _batch_frame(df: pd.DataFrame, idcol: str, keys: list[str], facts: list[str]) -> pd.DataFrame:
    """One row per row of ``df`` (all text, object columns): ``_id`` (its sample number, ``None`` when it has
    none: :func:`_sample_number`), ``_k0..`` (its group and period) and ``_b0..`` (the columns describing its
    batch, ``facts``); rows with a number and equal on all of these are one batch. Rows of one number that
    differ on a batch column (another date, product or sampled unit: notices numbering their batches 1..40
    each month) are different batches and stay apart, without a word. A batch column left blank on an item's
    row (a merged cell) takes the value of the rows of the same number right above or below it, else the
    value the other rows of its number (and group and period) agree on; where they differ it stays blank."""
    frame = pd.DataFrame({"_id": df[idcol].map(_sample_number).to_numpy(object)})
    for j, c in enumerate(keys):
        frame[f"_k{j}"] = df[c].astype(str).to_numpy(object)
    named = frame["_id"].notna().to_numpy()
    number = frame.fillna({"_id": ""}).groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    number = pd.Series(np.where(named, number, -1 - np.arange(len(frame))))  # rows without a number: each its own
    run = (number != number.shift()).cumsum().to_numpy()  # consecutive rows of one number
    for j, c in enumerate(facts):
        said = pd.Series(df[c].map(_batch_cell).to_numpy(object))
        said = said.groupby(run).ffill().groupby(run).bfill().astype(object)
        by_number = said.groupby(number.to_numpy())
        agreed = (by_number.transform("nunique") <= 1).to_numpy()
        filled = said.where(said.notna() | ~agreed, by_number.transform("first"))
        frame[f"_b{j}"] = filled.fillna("").to_numpy(object)
    return frame


def validate_samples(samples, by: Sequence[str], *, period: str | None = "period",
                     outcome: str | None = None) -> tuple[pd.DataFrame, str]:
    """Check a sampling table and return it clean and aggregated per group and period.

    Parameters
    ----------
    samples : DataFrame or path
        Aggregated counts (``tested``, ``failed``) or per-batch records (an outcome column of 0/1);
        records written once per failed item (a 抽样单号 repeated) count each batch once
        (:func:`fold_items`, with a warning).
    by : list of str
        Grouping columns.
    period : str or None
        Name of the period column; ``None`` if the table has none (all rows are one period).
    outcome : str, optional
        Outcome column of per-batch records; default: the first of ``failed``, ``outcome``,
        ``unqualified``, ``fail`` present when there is no ``tested`` column.

    Returns
    -------
    (DataFrame, str)
        Columns ``by..., period, tested, failed`` (ints), ``_start``, ``_end`` (month indices of
        the period) and ``_row`` (first spreadsheet row of the group and period), one row per
        group and period, sorted; and the source name for messages. ``attrs["pooled"]`` maps
        each region-like column that is not in ``by`` but holds several values to those values
        (their rows were added up into the same groups).

    Raises
    ------
    DataValidationError
        Listing every missing column or bad cell, counts above :data:`MAX_COUNT`, totals that
        would overflow.
    """
    if isinstance(samples, pd.DataFrame):  # groupby(...).sum() without reset_index(): say so
        check_index(samples, "samples", "mstarget.risk.score", (SCHEMA,),
                    also=tuple(str(c) for c in (by or ())) + ((period,) if period else ()))
    df, src = load(samples)
    if isinstance(samples, pd.DataFrame) and "headers" not in samples.attrs:
        df = _as_read(df, src)  # the headers a file would be read by (抽检批次, 年度 | 季度)
    df = fold_items(df, src, check_by(by), period, outcome)  # one row per failed item: one row per batch
    try:
        return _validated(df, src, by, period, outcome)
    except DataValidationError as exc:  # name the columns as the file writes them (抽检批次)
        problems = _problems_by_part(df, by, period, outcome) or _as_written(exc.problems, df.attrs.get("headers"))
        raise DataValidationError(problems, source=src) from None


def _as_written(problems, written: dict | None) -> list[Problem]:
    """Problems naming each column by its header as written (抽检批次, not ``tested``)."""
    written = written or {}
    return [Problem(p.source, p.row, written.get(p.column, p.column), p.value, p.expected) for p in problems]


def _problems_by_part(df: pd.DataFrame, by, period, outcome) -> list[Problem]:
    """For a table joined from several sheets or periods' columns (``attrs["parts"]``): each part's
    problems, naming its sheet and its headers as written; ``[]`` for a table of one part."""
    parts, row_parts = df.attrs.get("parts"), df.attrs.get("row_parts")
    if not parts or row_parts is None or len(row_parts) != len(df):
        return []
    rows = sheet_rows(df)
    out, whole = [], set()
    for j in pd.unique(np.asarray(row_parts)):
        source, headers = parts[int(j)]
        mask = np.asarray(row_parts) == j
        sub = df[mask].reset_index(drop=True)
        # the table's common headers kept: --by 食品大类 still finds its column (read as ``category``)
        sub.attrs = {"sheet_rows": rows[mask], "headers": dict(df.attrs.get("headers") or {})}
        try:
            _validated(sub, source, by, period, outcome)
        except DataValidationError as exc:
            for p in _as_written(exc.problems, headers):
                if p.row is None:  # a column missing from every part: said once
                    if (p.column, p.expected) in whole:
                        continue
                    whole.add((p.column, p.expected))
                out.append(p)
    return out


def as_written(df: pd.DataFrame, name: str | None) -> str | None:
    """The column of ``df`` a name given by the user means: the name itself; else the one column whose own
    header reads the same (:func:`layout.header_key`: ``Inspection_Date`` for ``inspection_date`` -- before
    the period read from that date, which keeps its header as written); else the canonical column read from
    that header as written (``食品大类`` -> ``category``, ``检验结论`` -> ``outcome``)."""
    if name is None or name in df.columns:
        return name
    written = df.attrs.get("headers") or {}
    key = layout.header_key(name)
    own = [c for c in df.columns if isinstance(c, str) and layout.header_key(c) == key]
    if len(own) == 1:
        return own[0]
    return next((c for c, w in written.items() if c in df.columns and (w == name or layout.header_key(w) == key)),
                name)


def _loose_key(header) -> str:
    """A header compared loosely, for "did you mean": lower case, without spaces, ``_``, ``-`` or ``.``."""
    return re.sub(r"[\s_\-.]", "", layout.header_key(str(header)).lower())


def close_header(df: pd.DataFrame, name: str) -> str | None:
    """The one header of ``df`` (as written) that a column name given but not found most likely means, or
    ``None``: the same but for case, spaces, ``_`` or ``-`` (``Cuisine`` for ``cuisine``, ``inspection date``
    for ``inspection_date``); else the one header holding the name or held in it (``fail`` ->
    ``fail_score_ge14``, ``date`` -> ``inspection_date``, 3 characters or more); else the closest spelling
    (:func:`difflib.get_close_matches`, ratio 0.8). Never used in place of the name: only said."""
    import difflib  # lazy: only a refused column name needs it

    headers = _listed_headers(df)
    key = _loose_key(name)
    if not key:
        return None
    for tier in ([h for h in headers if _loose_key(h) == key],
                 [h for h in headers if len(key) >= 3 and (key in _loose_key(h) or _loose_key(h) in key)
                  and _loose_key(h)]):
        if len(tier) == 1:
            return tier[0]
        if tier:
            return None  # several fit as well: none is singled out
    close = difflib.get_close_matches(key, {_loose_key(h): h for h in headers}, n=1, cutoff=0.8)
    return {_loose_key(h): h for h in headers}[close[0]] if close else None


def did_you_mean(df: pd.DataFrame, name: str) -> str:
    """``"; did you mean 'cuisine'?（是否指“cuisine”？）"`` for a column name not found, when
    :func:`close_header` finds one, else ``""``."""
    found = close_header(df, name) if name else None
    return f"; did you mean '{found}'?（是否指“{found}”？）" if found and found != name else ""


def outcome_columns(df: pd.DataFrame) -> list[str]:
    """Headers (as written) of the columns of ``df`` that hold per-record outcomes and nothing else: every
    filled cell 0 / 1 (``0.0`` / ``1.0`` too), 合格 / 不合格 or another outcome wording, both outcomes seen,
    blanks allowed (NYC's ``fail_score_ge14``: 0.0 / 1.0 and 54 blanks). For a message naming what to pass as
    ``outcome=`` (``--outcome``) when a table has neither counts nor an outcome column by its default names."""
    written = df.attrs.get("headers") or {}
    found = []
    for c in df.columns:
        values = pd.Series(df[c]).dropna()
        if len(values) == 0 or values.nunique() > 6:
            continue
        said = set()
        for v in values.unique():
            if isinstance(v, str) and not v.strip():
                continue
            try:
                said.add(_parse_outcome(v))
            except ValueError:
                break
        else:
            if said == {0, 1}:
                found.append(str(written.get(c, c)))
    return list(dict.fromkeys(found))


def _validated(df: pd.DataFrame, src: str, by, period, outcome) -> tuple[pd.DataFrame, str]:
    """A sampling table's rows validated and aggregated per group and period (:func:`validate_samples`).

    The steps: the columns named as the call names them (:func:`_columns_as_named`), the counts completed from what
    the table gives (:func:`_counts_completed`), every row's group, period and counts read, a counts table's totals
    and repeated rows found (:func:`_counts_table_rows`), then one row per group and period (:func:`_aggregate`)."""
    df, by, period, outcome, records = _columns_as_named(df, by, period, outcome)
    df, counted_failed = _counts_completed(df, src, records)
    need = _needed_columns(df, by, period, records, outcome, src)
    rows = sheet_rows(df)
    sources = _row_sources(df)
    totals, where = _total_cells(df, by, {period, outcome, "tested", "failed"}, rows,
                                 sources if sources is not None else np.full(len(df), src, dtype=object))
    df = _total_groups_named(df, by, totals)
    groups, problems = _parse_groups(df, by, src, rows)
    labels, starts, ends, probs = _parse_period_column(df, period, src, rows)
    problems += probs
    if records:
        tested, failed, probs = _parse_record_outcomes(df, outcome, src, rows)
    else:
        tested, failed, probs = _parse_count_columns(df, src, rows)
    problems += probs
    if problems:
        problems.sort(key=lambda p: (p.row or 0, need.index(p.column) if p.column in need else 99))
        raise DataValidationError(problems, source=src)
    _check_totals_fit(tested, failed, src)

    groups, folded = fold_spellings(groups, ends, by, src)
    if counted_failed:
        _warn_rates_disagree(df, tested, failed, rows, src, sources)
    # a counts table: one row per group and period (records repeat them, one per batch, as does a
    # table of one batch a row written as counts: 抽检批次 1 | 不合格批次 0)
    r = _SampleRows(df, groups, labels, starts, ends, tested, failed, rows, sources, totals, where)
    if not records and not (tested <= 1).all():
        _counts_table_rows(r, by, period, outcome, src)
    out = _aggregate(r.groups, by, r.labels, r.starts, r.ends, r.tested, r.failed, r.rows, r.sources, r.totals)
    out.attrs["totals"] = r.where
    out.attrs["pooled"] = pooled_regions(r.df, by)
    out.attrs["programmes"] = pooled_programmes(r.df, by)
    out.attrs["headers"] = dict(r.df.attrs.get("headers") or {})
    out.attrs["folded"] = folded
    out.attrs["columns"] = written_columns(r.df)  # as written, for messages (as_of without a period column)
    out.attrs["records"] = bool(records)  # per-batch records: no return per place that can be missing
    return out, src


def _columns_as_named(df: pd.DataFrame, by, period, outcome):
    """The group, period and outcome columns as the call names them: a group column named by its header as written
    (--by 食品大类) renamed so the result keeps that name; the default period column absent: one period. Returns
    ``(df, by, period, outcome, records)``, ``records`` True for per-batch records (no ``tested`` column)."""
    by = check_by(by)
    renamed = {as_written(df, b): b for b in by if as_written(df, b) != b}
    if renamed:
        attrs = dict(df.attrs)
        df = df.rename(columns=renamed)
        df.attrs = {**attrs, "headers": {k: v for k, v in (attrs.get("headers") or {}).items() if k not in renamed}}
    outcome = as_written(df, outcome)
    if period not in (None, "period") and period not in df.columns:
        period = as_written(df, period)
    if period == "period" and period not in df.columns:  # the default name, and no such column:
        period = None  # one notice's table, all rows one period (as period=None says)
    records = "tested" not in df.columns
    if records and outcome is None:
        outcome = next((c for c in OUTCOME_CANDIDATES if c in df.columns), None)
    return df, by, period, outcome, records


def _counts_completed(df: pd.DataFrame, src: str, records: bool) -> tuple[pd.DataFrame, bool]:
    """A counts table's 不合格批次 where it gives 合格批次 or 不合格率(%) instead, or leaves some blank beside a rate;
    counts in 万批次 refused. Returns the table and whether 不合格批次 was written (a rate beside it is checked)."""
    if records:
        return df, False
    wan = _counts_in_ten_thousands(df, src, sheet_rows(df))  # 抽检批次（万批次）: one refusal per column
    if wan:
        raise DataValidationError(wan, source=src)
    counted_failed = "failed" in df.columns
    if not counted_failed:  # 合格批次 or 不合格率(%) beside 抽检批次
        df = _failed_from_passed_or_rate(df, src, sheet_rows(df))
    else:  # 不合格批次 blank in some rows where 不合格率(%) is given: read there from the rate
        df = _blank_failed_from_rate(df, src, sheet_rows(df))
    return df, counted_failed


@dataclass
class _SampleRows:
    """A sampling table's rows as read (:func:`_validated`): arrays of one item per row, and the table."""

    df: pd.DataFrame
    #: group column -> labels
    groups: dict
    labels: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    tested: np.ndarray
    failed: np.ndarray
    #: the sheet rows (for messages) and, for a workbook, each row's sheet
    rows: np.ndarray
    sources: np.ndarray | None
    #: rows that are totals of others (合计, 小计, 全市 ...), and where each was found (for the warning)
    totals: np.ndarray
    where: list


def _counts_table_rows(r: _SampleRows, by: list, period, outcome, src: str) -> None:
    """A counts table's rows that are no groups of their own, found in place: a row pasted twice read once; a whole
    period beside its parts (2023 beside 2023-01 ... 2023-12); rows equal to the sum of others, an outer level's
    totals (全市 under --by 区县,食品大类), a whole place's (全市 / 全区 / 全县) and a total place not scored; rows that
    look like sums warned, two rows of one group and period that disagree refused."""
    df = r.df
    other = _telling_columns(df, by, period, outcome)
    keep = _without_repeated_rows(df, r.groups, by, r.labels, r.tested, r.failed, r.rows, src, r.sources, other)
    if not keep.all():
        r.groups = {c: v[keep] for c, v in r.groups.items()}
        r.labels, r.starts, r.ends, r.tested, r.failed, r.rows, r.totals = (
            a[keep] for a in (r.labels, r.starts, r.ends, r.tested, r.failed, r.rows, r.totals))
        r.sources = None if r.sources is None else r.sources[keep]
        attrs = dict(df.attrs)
        df = r.df = df[keep].reset_index(drop=True)
        df.attrs = {**attrs, "sheet_rows": r.rows}
        if attrs.get("row_parts") is not None and len(attrs["row_parts"]) == len(keep):
            df.attrs["row_parts"] = np.asarray(attrs["row_parts"])[keep]
    groups, labels, tested, failed, rows, sources = r.groups, r.labels, r.tested, r.failed, r.rows, r.sources
    # a district's own year beside another district's months is no total: places not in --by kept apart
    places = {c: np.array([_cell_text(v).strip() for v in df[c].tolist()], dtype=object)
              for c in _place_columns(df, by, {period, outcome}, with_total=False)}
    whole = _whole_periods({**groups, **places}, [*by, *places], r.starts, r.ends, tested, failed, r.totals)
    if whole.any():  # 2023 (全年) beside 2023-01 ... 2023-12 of the same group
        r.where = r.where + _whole_periods_where(df, {**groups, **places}, [*by, *places], labels, r.starts, r.ends,
                                                 tested, failed, whole, r.totals, rows, src, sources)
        r.totals = r.totals | whole
    summed, named, suspect = _rows_summing_others(groups, by, labels, tested, failed, r.totals)
    if summed.any():
        r.where = r.where + _summed_totals_where(df, by, groups, summed, named, rows, src, sources)
        r.totals = r.totals | summed
    for c, hit in _outer_totals(groups, by, labels, tested, failed, r.totals):  # 全市 under --by 区县,食品大类
        r.where = r.where + _summed_totals_where(df, by, groups, hit, hit, rows, src, sources, level=c)
        r.totals = r.totals | hit
        suspect = suspect & ~hit
    for c, hit, said in _whole_place_totals(groups, by, labels, tested, failed, r.totals):  # 全市 / 全区 / 全县
        r.where = r.where + _whole_place_where(df, groups, c, hit, said, rows, src, sources)
        r.totals = r.totals | hit
        suspect = suspect & ~hit
    for c, hit, entry in _unscored_place_totals(df, groups, by, {period, outcome}, labels, tested, failed,
                                                r.totals, rows, src, sources):  # 全市 under 区县, --by 食品大类
        r.where = r.where + entry
        r.totals = r.totals | hit
        suspect = suspect & ~hit
    _warn_rows_equal_to_sums(groups, by, labels, tested, failed, suspect, rows, src, sources)
    _refuse_rows_disagreeing(df, groups, by, labels, tested, failed, rows, src, sources, r.totals, other, period)


def group_key(label) -> str:
    """A group label as compared with others: NFKC (full-width ``（自制）`` and ASCII ``(自制)`` alike,
    full-width letters and digits as ASCII), runs of spaces as one and none between Chinese
    characters (``乳 制品``), stripped, traditional characters as simplified (``乳製品`` is ``乳制品``)."""
    return to_simplified(clean_label(unicodedata.normalize("NFKC", _cell_text(label))))


def _shown_first(u: str) -> bool:
    """A spelling to show before others: simplified, as :func:`mstarget.chinese_script.to_simplified` reads it."""
    return to_simplified(u) == u


def fold_spellings(groups: dict[str, np.ndarray], ends: np.ndarray, by: Sequence[str],
                   src: str) -> tuple[dict[str, np.ndarray], dict[str, dict[str, list[str]]]]:
    """Group labels that differ only in full- / half-width characters, spaces or script (乳製品 and
    乳制品) read as one group.

    Parameters
    ----------
    groups : dict of column -> object array, shape (R,)
        Stripped labels per ``by`` column.
    ends : int64 array, shape (R,)
        Last month of each row's period: the spelling of the latest period is kept for display.

    Returns
    -------
    (groups, folded)
        The labels with each spelling replaced by the kept one, and ``{column: {kept: [other
        spellings]}}``; a :class:`MstargetWarning` names the spellings read as one (the kept one:
        a simplified spelling, of the latest period among them). Labels that
        differ otherwise (餐饮食品 and 餐饮食品（自制）) are never merged.
    """
    out, folded = dict(groups), {}
    for c in by:
        labels = groups[c]
        spellings = pd.unique(labels)
        if len(spellings) < 2:
            continue
        keys: dict[str, list] = {}
        for u in spellings:
            keys.setdefault(group_key(u), []).append(u)
        several = [v for v in keys.values() if len(v) > 1]
        if not several:
            continue
        s = pd.Series(labels)
        mine = s.isin([u for v in several for u in v]).to_numpy()
        last = (pd.DataFrame({"label": labels[mine], "end": np.asarray(ends)[mine],
                              "i": np.flatnonzero(mine)})
                .sort_values(["end", "i"]).groupby("label")[["end", "i"]].last())
        to = {}
        for v in several:
            kept = max(v, key=lambda u: (_shown_first(u), int(last.loc[u, "end"]), int(last.loc[u, "i"])))
            folded.setdefault(c, {})[str(kept)] = [str(u) for u in v if u != kept]
            to.update({u: kept for u in v if u != kept})
        out[c] = s.replace(to).to_numpy(dtype=object)
    if folded:
        said = "; ".join(f"{k} (also written {' / '.join(v)})" for f in folded.values() for k, v in f.items())
        warnings.warn(f"{src}: group names differing only in full-width / half-width characters, spaces or "
                      f"traditional / simplified script read as one group, named as the latest period writes it "
                      f"(in simplified characters when one spelling is): {said}（全角半角、空格、繁简写法不同的类别已合并）",
                      MstargetWarning, stacklevel=6)  # helper -> _validated -> validate_samples -> score
    return out, folded


def _place(src: str, sources: np.ndarray | None, i: int, rows: np.ndarray) -> str:
    """Where row ``i`` is, for a message: ``row 7``, or ``sheet '2023年' row 7`` of a workbook."""
    if sources is None or sources[i] == src:
        return f"row {int(rows[i])}"
    name = str(sources[i])
    name = name[len(src):].strip().strip("[]") if name.startswith(src) else name
    return f"{name} row {int(rows[i])}"


def _rate_figures(col: pd.Series) -> tuple[list, bool]:
    """A rate column's cells as ``(value, decimals, has_percent)`` (None where no rate is written)
    and whether its figures are percentages (the header or a cell says %, or a figure is above 1)."""
    texts = [unicodedata.normalize("NFKC", f"{v:.10g}" if isinstance(v, (float, np.floating)) and v == v
                                   else _cell_text(v)).strip() for v in col.tolist()]
    nums = []
    for t in texts:
        m = re.fullmatch(r"(\d+(?:\.(\d*))?)\s*(%?)", t)
        nums.append(None if not m else (float(m.group(1)), len(m.group(2) or ""), bool(m.group(3))))
    if pd.api.types.is_float_dtype(col):  # 5.0 read as a number: written to the column's decimals
        places = max((n[1] for n in nums if n is not None), default=0)
        nums = [None if n is None else (n[0], places, n[2]) for n in nums]
    header_pct = any(m in unicodedata.normalize("NFKC", str(col.name)) for m in ("%", "百分"))
    return nums, header_pct or any(n is not None and (n[2] or n[0] > 1) for n in nums)


def _warn_rates_disagree(df: pd.DataFrame, tested: np.ndarray, failed: np.ndarray, rows: np.ndarray,
                         src: str, sources: np.ndarray | None) -> None:
    """Warn (:class:`InconsistentDataWarning`) naming the rows whose written 不合格率 is not
    不合格批次 / 抽检批次 to its last written decimal (``0.8`` written where the counts give 8 %).
    The counts are used; the rate column is only checked."""
    rate = _rate_column(df)
    if rate is None or rate == "failed":
        return
    nums, pct = _rate_figures(df[rate])
    bad = []
    for i, n in enumerate(nums):
        if n is None or tested[i] <= 0:
            continue
        by_counts = failed[i] / tested[i]
        tol = 10.0 ** -min(n[1], 8) + 1e-9
        fits = abs(n[0] - 100 * by_counts) <= tol if pct else \
            (abs(n[0] - by_counts) <= tol or abs(n[0] - 100 * by_counts) <= tol)
        if not fits:
            bad.append(i)
    if not bad:
        return
    written = df.attrs.get("headers") or {}
    th, fh = str(written.get("tested", "抽检批次")), str(written.get("failed", "不合格批次"))
    problems = [Problem(src, int(rows[i]), str(rate), _cell_text(df[rate].iloc[i]),
                        f"{fh} / {th} = {failed[i]:,} / {tested[i]:,} = {100 * failed[i] / tested[i]:.4g}%")
                for i in bad]
    listed = "; ".join(f"{_place(src, sources, i, rows)}: {_cell_text(df[rate].iloc[i])} written, "
                       f"{100 * failed[i] / tested[i]:.4g}% by the counts ({failed[i]:,} / {tested[i]:,})"
                       for i in bad[:5]) + (f"; and {len(bad) - 5} more rows" if len(bad) > 5 else "")
    warnings.warn(InconsistentDataWarning(
        f"{src}: column '{rate}' disagrees with {fh} / {th} in {len(bad)} row{'s' if len(bad) > 1 else ''} -- "
        f"{listed}. The counts are used; check the rate or the counts（不合格率与批次数不符，按批次数计算）",
        problems), stacklevel=6)


#: headers of a column numbering the rows (序号 1, 2, 3 ...): it never tells two rows of a group apart
_ROW_NUMBER_HEADERS = frozenset({"序号", "编号", "行号", "序", "no", "no.", "#", "id", "index", "unnamed:0"})


def _telling_columns(df: pd.DataFrame, by: Sequence[str], period: str | None, outcome: str | None) -> list:
    """The columns of a counts table that may tell two rows of one group and period apart (食品亚类,
    抽样环节, 地区 when not grouped by): all but the group, period and count columns, a rate or a
    count of passes (read from the counts), and a row number (序号)."""
    skip = set(by) | {period, outcome, "tested", "failed", _rate_column(df), _passed_column(df)}
    return [c for c in df.columns if c not in skip and not str(c).startswith("_sheet")
            and layout.header_key(str(c)).lower().replace(" ", "") not in _ROW_NUMBER_HEADERS]


def _row_keys(df: pd.DataFrame, groups: dict, by: Sequence[str], labels: np.ndarray,
              sources: np.ndarray | None, other: list, counts: tuple = ()) -> pd.DataFrame:
    """Per row: its group (as read), period, sheet and the ``other`` columns as text (and ``counts``)."""
    key = pd.DataFrame({f"_g{j}": groups[c] for j, c in enumerate(by)})
    key["_period"] = labels
    if sources is not None:
        key["_part"] = sources
    for j, c in enumerate(other):
        codes, uniques = pd.factorize(df[c].astype(object), use_na_sentinel=False)  # each spelling once
        key[f"_o{j}"] = np.array([group_key(u) for u in uniques] or [""], dtype=object)[codes]
    for j, a in enumerate(counts):
        key[f"_n{j}"] = a
    return key


def _without_repeated_rows(df: pd.DataFrame, groups: dict, by: Sequence[str], labels: np.ndarray,
                           tested: np.ndarray, failed: np.ndarray, rows: np.ndarray, src: str,
                           sources: np.ndarray | None, other: list) -> np.ndarray:
    """Mask of the rows of a counts table kept: a row repeating an earlier one -- the same group,
    period and batches, and the same in every column that could tell them apart (a row number aside)
    -- is pasted twice and read once, with an :class:`InconsistentDataWarning` naming both rows."""
    keep = np.ones(len(labels), bool)
    if len(labels) < 2:
        return keep
    key = _row_keys(df, groups, by, labels, sources, other, (tested, failed))
    dup = key.duplicated(keep="first").to_numpy()
    if not dup.any():
        return keep
    first = key.groupby(list(key.columns), sort=False).ngroup().to_numpy()
    first_row = {}
    for i, g in enumerate(first):
        first_row.setdefault(int(g), i)
    pairs = [(first_row[int(first[i])], i) for i in np.flatnonzero(dup)]
    said = "; ".join(f"{_place(src, sources, i, rows)} repeats {_place(src, sources, j, rows)} "
                     f"({labels[i]} {' / '.join(str(groups[c][i]) for c in by)}: {tested[i]:,} / {failed[i]:,})"
                     for j, i in pairs[:5]) + (f"; and {len(pairs) - 5} more" if len(pairs) > 5 else "")
    problems = [Problem(src, int(rows[i]), None, None, f"a row not repeated; it repeats row {int(rows[j])}")
                for j, i in pairs]
    warnings.warn(InconsistentDataWarning(
        f"{src}: {len(pairs)} row(s) repeat an earlier row (same group, period and batches), almost certainly "
        f"pasted twice, and were read once: {said}. Delete the copies, or add a column saying how the rows "
        "differ if they are separate samplings（存在完全相同的重复行，疑为重复粘贴，只计一次）", problems),
        stacklevel=6)
    keep[dup] = False
    return keep


def _period_parts(groups: dict, by: Sequence[str], starts: np.ndarray, ends: np.ndarray,
                  live: np.ndarray) -> dict[int, list[int]]:
    """For each live row whose period holds two or more shorter periods of rows of its group (all ``by``
    labels), none of them overlapping another, those rows: ``{row index: [indices]}`` (2023 -> 2023-01 ...
    2023-12). Only the outermost period of a group is taken; one holding nested parts (2023 holding 2023H1
    holding 2023Q1) is none."""
    spans = pd.DataFrame({"s": starts, "e": ends})[live].drop_duplicates()
    if len(spans) < 3:
        return {}
    s_, e_ = spans["s"].to_numpy(), spans["e"].to_numpy()
    holds = (s_[:, None] <= s_[None, :]) & (e_[None, :] <= e_[:, None]) & ((s_[:, None] != s_[None, :])
                                                                        | (e_[:, None] != e_[None, :]))
    if not holds.any():  # no period holds another anywhere (the usual table): nothing to look at
        return {}
    ids = pd.DataFrame({f"_g{j}": groups[c] for j, c in enumerate(by)}).groupby(
        [f"_g{j}" for j in range(len(by))], sort=False, dropna=False).ngroup().to_numpy()
    out: dict[int, list[int]] = {}
    at = np.flatnonzero(live)
    for members in pd.Series(at).groupby(ids[at]).groups.values():  # positions among the live rows
        idx = at[np.asarray(list(members), dtype=np.int64)]
        if len(idx) < 3:
            continue
        st, en = starts[idx], ends[idx]
        inside = (st[:, None] <= st[None, :]) & (en[None, :] <= en[:, None]) & ((st[:, None] != st[None, :])
                                                                             | (en[:, None] != en[None, :]))
        held = inside.any(axis=0)
        for a in np.flatnonzero(inside.any(axis=1) & ~held):
            parts = idx[inside[a]]
            spans = sorted({(int(starts[k]), int(ends[k])) for k in parts})
            # two or more parts not overlapping one another (2023H1 beside 2023Q1 is refused as before)
            if len(spans) >= 2 and all(e < s for (_, e), (s, _) in zip(spans, spans[1:])):
                out[int(idx[a])] = [int(k) for k in parts]
    return out


def _whole_periods(groups: dict, by: Sequence[str], starts: np.ndarray, ends: np.ndarray, tested: np.ndarray,
                   failed: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Mask (shape (R,)) of the rows of a whole period beside two or more of its parts for the same group
    (a 全年 row, 2023, beside 2023-01 ... 2023-12; 2023 beside 2023Q1 ... 2023Q4): totals, left out so that
    their batches are not counted twice, whether or not they equal the parts' sum."""
    hit = np.zeros(len(starts), bool)
    for i in _period_parts(groups, by, starts, ends, ~np.asarray(totals, bool)):
        hit[i] = True
    return hit


def _whole_periods_where(df: pd.DataFrame, groups: dict, by: Sequence[str], labels: np.ndarray,
                         starts: np.ndarray, ends: np.ndarray, tested: np.ndarray, failed: np.ndarray,
                         whole: np.ndarray, totals: np.ndarray, rows: np.ndarray, src: str,
                         sources: np.ndarray | None) -> list[dict]:
    """The ``attrs["totals"]`` entry of the rows of :func:`_whole_periods`: which periods they hold, their
    batches, and each whose batches or unqualified batches differ from its parts' sum."""
    parts = _period_parts(groups, by, starts, ends, ~np.asarray(totals, bool))
    idx = [i for i in np.flatnonzero(whole) if i in parts]
    off = []
    for i in idx:
        st, sf = int(tested[parts[i]].sum()), int(failed[parts[i]].sum())
        if (st, sf) != (int(tested[i]), int(failed[i])):
            name = " / ".join([str(labels[i])] + [str(groups[c][i]) for c in by])
            off.append(f"{name} (row {int(rows[i])}): {int(tested[i]):,} / {int(failed[i]):,}, its "
                       f"{len(parts[i])} parts {st:,} / {sf:,}")
    first = idx[0]
    inner = sorted({str(labels[k]) for k in parts[first]},
                   key=lambda lab: next(int(starts[k]) for k in parts[first] if str(labels[k]) == lab))
    example = f"{labels[first]} beside {inner[0]} … {inner[-1]}" if len(inner) > 2 else \
        f"{labels[first]} beside {' and '.join(inner)}"
    said = (f"{example}: a whole period beside its parts for the same group, {int(tested[idx].sum()):,} batches in "
            f"{len(idx)} rows; " + ("equal to the sum of its parts in every row" if not off else
                                    f"in {len(off)} of them not equal to its parts' sum: {'; '.join(off[:3])}"
                                    f"{'; ...' if len(off) > 3 else ''}") + "（全年行为各月/季之和，未计入）")
    written = df.attrs.get("headers") or {}
    place = sources if sources is not None else np.full(len(whole), src, dtype=object)
    return [{"column": str(written.get("period", "period")), "words": [said],
             "rows": list(dict.fromkeys((str(place[i]), int(rows[i])) for i in idx))}]


#: words that, anywhere in a group label (normalised, see :func:`group_key`), say a row may be a total
#: (全部食品, 全市抽检情况, 所有品种, 合计（不含餐饮）): such a row equal to the sum of the others is left out
TOTAL_HINTS = ("合计", "总计", "小计", "共计", "全部", "全市", "全省", "全国", "所有", "total")


def _hints_total(label) -> bool:
    """Whether a group label holds one of :data:`TOTAL_HINTS` (traditional script, full-width
    letters and spaces read as :func:`group_key` reads them)."""
    return any(h in re.sub(r"\s+", "", group_key(label)).lower() for h in TOTAL_HINTS)


def _rows_summing_others(groups: dict, by: Sequence[str], labels: np.ndarray, tested: np.ndarray,
                         failed: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of a counts table equal to the sum of the others of their period: the one row of its
    period (and outer groups) whose batches and unqualified batches both equal the sum of the
    period's other rows, at least two of them with batches. Rows already known as totals aside.

    A real category does that by chance (粮食加工品 20 / 0 = 食用油 12 / 0 + 调味品 8 / 0: with three
    categories of a few batches a month, most years hold such a month), so such a row is a total only
    when its label says one may be (:data:`TOTAL_HINTS`: 全部食品, 全市抽检) or when the same group
    equals the sum in every period it has batches in, at least two of them with unqualified batches
    (a total under a neutral label: 食品类). Returns ``(dropped, by_label, suspect)``: the rows left out
    as totals, which of them for their label, and the rows kept though they equal the sum (to warn) --
    those with unqualified batches, of a group with such a row in another period, or under an outer label
    reading as a total; never a row of 0 unqualified alone (15 / 0 = 5 / 0 + 5 / 0 + 5 / 0: by chance)."""
    n = len(labels)
    none = np.zeros(n, bool)
    if n < 3:
        return none, none, none
    block = pd.DataFrame({f"_g{j}": groups[c] for j, c in enumerate(by[:-1])})
    block["_period"] = labels
    ids = block.groupby(list(block.columns), sort=False).ngroup().to_numpy()
    live = ~np.asarray(totals, bool)
    t = np.where(live, tested, 0).astype(float)
    f = np.where(live, failed, 0).astype(float)
    frame = pd.DataFrame({"b": ids, "t": t, "f": f, "pos": (live & (tested > 0)).astype(int)})
    sums = frame.groupby("b")[["t", "f", "pos"]].transform("sum")
    hit = (live & (tested > 0) & (2 * t == sums["t"].to_numpy()) & (2 * f == sums["f"].to_numpy())
           & (sums["pos"].to_numpy() - 1 >= 2))
    if not hit.any():
        return none, none, none
    one = pd.Series(hit).groupby(ids).transform("sum").to_numpy() == 1  # two such rows: neither is sure
    hit = hit & one
    named = hit & np.array([_hints_total(v) for v in groups[by[-1]]], bool)
    # the same group (all its by labels) equal to the sum in every period it has batches in
    group = pd.DataFrame({f"_g{j}": groups[c] for j, c in enumerate(by)}).groupby(
        [f"_g{j}" for j in range(len(by))], sort=False).ngroup().to_numpy()
    has = live & (tested > 0)
    per = pd.DataFrame({"g": group, "has": has, "hit": hit, "hard": hit & (failed > 0)})[has].groupby("g")
    always = set(per.filter(lambda x: bool(x["hit"].all()) and int(x["hard"].sum()) >= 2)["g"])
    every = hit & np.isin(group, list(always))
    dropped = named | every
    # warned of only where the sum tells something: a row with unqualified batches, a group that has such a
    # row in another period, or an outer label reading as a total. With none unqualified (15 / 0 = 5 / 0 +
    # 5 / 0 + 5 / 0) a few small rows add up by chance in most tables, and a total would be warned of in
    # the periods it has unqualified batches in
    hard = hit & (failed > 0)
    telling = hard | np.isin(group, np.unique(group[hard]))
    for i in np.flatnonzero(hit & ~telling):
        telling[i] = any(_hints_total(groups[c][i]) for c in by[:-1])
    return dropped, named, hit & ~dropped & telling


def _outer_totals(groups: dict, by: Sequence[str], labels: np.ndarray, tested: np.ndarray,
                  failed: np.ndarray, totals: np.ndarray,
                  only: Sequence[str] | None = None) -> list[tuple[str, np.ndarray]]:
    """Total rows under an outer ``by`` column: ``[(column, rows)]``, the rows whose label in that column
    reads as a total (:data:`TOTAL_HINTS`: 全市, 合计) and whose batches and unqualified batches equal the
    sum of the other rows of their period with the same labels in the other ``by`` columns (全市 /
    粮食加工品 / 2022 summing the districts' 粮食加工品 rows of 2022), at least two of them with batches
    -- as :func:`_rows_summing_others` finds them under the innermost column. Such a row kept would be
    scored as one more district holding every batch twice. ``only``: look under these columns alone."""
    out = []
    live = ~np.asarray(totals, bool)
    for c in by[:-1]:
        if only is not None and c not in only:
            continue
        codes, uniques = pd.factorize(pd.Series(groups[c], dtype=object), use_na_sentinel=False)
        hint = live & (tested > 0) & np.array([_hints_total(v) for v in uniques], bool)[codes]
        if not hint.any():
            continue
        block = pd.DataFrame({f"_g{j}": groups[x] for j, x in enumerate(by) if x != c})
        block["_period"] = labels
        ids = block.groupby(list(block.columns), sort=False).ngroup().to_numpy()
        frame = pd.DataFrame({"b": ids, "t": np.where(live, tested, 0).astype(float),
                              "f": np.where(live, failed, 0).astype(float),
                              "pos": (live & (tested > 0)).astype(int)})
        sums = frame.groupby("b")[["t", "f", "pos"]].transform("sum")
        hit = (hint & (2 * frame["t"].to_numpy() == sums["t"].to_numpy())
               & (2 * frame["f"].to_numpy() == sums["f"].to_numpy()) & (sums["pos"].to_numpy() - 1 >= 2))
        hit &= pd.Series(hit).groupby(ids).transform("sum").to_numpy() == 1  # two such rows: neither is sure
        if hit.any():
            out.append((c, hit))
            live &= ~hit
    return out


#: a group label naming the whole of a place (全市, 全区, 全县, 全省: the city's, district's, county's or
#: province's row beside its parts), alone or with a word of summing (全市汇总, 全区（合计）); 全州 is a county
#: (全州县) and is left out
WHOLE_PLACE = ("全国", "全省", "全市", "全区", "全县", "全旗", "全盟")
_WHOLE_TAIL = ("", "汇总", "总体", "整体", "范围", "合计", "总计", "共计", "合計", "總計", "彙總")


def _whole_place(label) -> bool:
    """Whether a group label names the whole of a place (:data:`WHOLE_PLACE`): 全市, 全区（合计）, 全县汇总."""
    w = _NOT_WORD.sub("", _BRACKETED.sub("", _total_word(label)))
    return any(w == f"{p}{t}" for p in WHOLE_PLACE for t in _WHOLE_TAIL)


def _whole_place_totals(groups: dict, by: Sequence[str], labels: np.ndarray, tested: np.ndarray,
                        failed: np.ndarray, totals: np.ndarray,
                        only: Sequence[str] | None = None) -> list[tuple[str, np.ndarray, str]]:
    """Rows named for the whole of a place (:func:`_whole_place`: 全市 under 区县, 全区 under 街道) in any
    ``by`` column, not yet known as totals: the place's row beside its parts, whether or not it equals their
    sum (全市 = the districts + 7 batches of provincial sampling not split by district), so long as two or more
    other rows of its period add up to 50% to 110% of its batches in each period it has batches in (全省 beside
    the one city comparing itself with it, 全国 beside 广东省, is a place of its own). Kept, it would be
    scored as one more district holding its parts' batches again. ``[(column, rows, said)]``, ``said``
    telling how each compares with the sum of the other rows of its period and other ``by`` labels (equal,
    or by how much it differs). A column whose rows all name the whole is left alone (nothing to add up).
    ``only``: look under these columns alone."""
    out = []
    live = ~np.asarray(totals, bool)
    for c in by:
        if only is not None and c not in only:
            continue
        codes, uniques = pd.factorize(pd.Series(groups[c], dtype=object), use_na_sentinel=False)
        whole = live & np.array([_whole_place(v) for v in uniques], bool)[codes]
        if not whole.any() or whole[live].all():
            continue
        block = pd.DataFrame({f"_g{j}": groups[x] for j, x in enumerate(by) if x != c})
        block["_period"] = labels
        ids = block.groupby(list(block.columns), sort=False).ngroup().to_numpy()
        part = live & ~whole
        frame = pd.DataFrame({"b": ids, "t": np.where(part, tested, 0).astype(float),
                              "f": np.where(part, failed, 0).astype(float),
                              "n": (part & (tested > 0)).astype(int)})
        sums = frame.groupby("b")[["t", "f", "n"]].transform("sum")
        # a whole beside its parts: two of them or more, adding up to most of it (50% to 110% of its batches);
        # 全省 beside the one city comparing itself with it (or 全国 beside 广东省) is a place of its own
        st_all, n_all = sums["t"].to_numpy(), sums["n"].to_numpy()
        fits = (n_all >= 2) & (st_all >= 0.5 * tested) & (st_all <= 1.1 * tested)
        label = pd.Series(groups[c], dtype=object)
        ok = pd.Series(fits | ~(tested > 0))[whole].groupby(label[whole]).all()
        whole &= label.map(ok).fillna(False).to_numpy(bool)
        if not whole.any():
            continue
        idx = np.flatnonzero(whole)
        off = []
        for i in idx:
            st, sf, n = int(sums["t"].iloc[i]), int(sums["f"].iloc[i]), int(sums["n"].iloc[i])
            if (st, sf) != (int(tested[i]), int(failed[i])):
                name = " / ".join([str(labels[i])] + [str(groups[x][i]) for x in by if x != c])
                parts = f"{n} other rows add up to {st:,} / {sf:,}" if n else "period has no other rows"
                off.append(f"{name}: {int(tested[i]):,} tested / {int(failed[i]):,} unqualified, where the "
                           f"{parts} ({int(tested[i]) - st:+,} / {int(failed[i]) - sf:+,})")
        if not off:
            said = "the whole of the place beside its parts: equal to the sum of the other rows of its period"
        else:
            said = (f"the whole of the place beside its parts, though in {len(off)} of its {len(idx)} rows not "
                    f"equal to their sum -- {'; '.join(off[:3])}{'; ...' if len(off) > 3 else ''}: batches the "
                    "parts' rows do not hold (sampling by a higher level not split by place?) or missing from "
                    "them; if it is the place's own sampling (市本级), name it so")
        out.append((c, whole, said))
        live &= ~whole
    return out


#: words of a header naming the place each row reports for (区县, 地市, region)
_PLACE_HEADER_WORDS = ("区县", "县区", "县市", "地区", "地市", "市州", "城市", "区域", "辖区", "乡镇", "街道", "省份",
                       "region", "district", "county", "city")
#: endings of a place's name (鼎湖区, 四会市, 广宁县)
_PLACE_NAME_ENDS = ("区", "县", "市", "旗", "盟", "州", "镇", "乡", "省", "街道")


def _names_places(values: Sequence[str]) -> bool:
    """Whether labels read as places: two or more, at least 80% of them ending as a place's name does."""
    return len(values) >= 2 and sum(v.endswith(_PLACE_NAME_ENDS) for v in values) >= 0.8 * len(values)


def _place_columns(df: pd.DataFrame, by: Sequence[str], skip: set, with_total: bool = True) -> list[str]:
    """Text columns not in ``by`` whose values are places (a header reading as one, 区县 / 地区 / 地市 /
    region, or values ending in 区 / 县 / 市) and (``with_total``) that hold a whole place's or a total's
    label (全市)."""
    written = df.attrs.get("headers") or {}
    out = []
    for c in df.columns:
        if c in by or c in skip or c in ("tested", "failed", "outcome", "period"):
            continue
        s = df[c]
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        values = [t for t in (_cell_text(v).strip() for v in pd.unique(s)) if t]
        if len(values) > 500 or with_total and not any(_whole_place(v) or _hints_total(v) for v in values):
            continue
        key = layout.header_key(written.get(c, c))
        others = [v for v in values if not (_whole_place(v) or _hints_total(v))]
        if any(w in key for w in _PLACE_HEADER_WORDS) or c in REGION_COLUMNS or _names_places(others):
            out.append(c)
    return out


def _unscored_place_totals(df: pd.DataFrame, groups: dict, by: Sequence[str], skip: set, labels: np.ndarray,
                           tested: np.ndarray, failed: np.ndarray, totals: np.ndarray, rows: np.ndarray,
                           src: str, sources: np.ndarray | None) -> list[tuple[str, np.ndarray, list[dict]]]:
    """Rows of a whole place (全市 beside the districts, :func:`_whole_place_totals`) or of a place total
    equal to the sum of the others (:func:`_outer_totals`) under a place column NOT in ``by`` (区县 holding
    全市, scored by 食品大类 alone): their batches are the districts' again, so they are left out as totals.
    ``[(column, rows, attrs["totals"] entries)]``; each entry says how many rows and batches."""
    out = []
    written = df.attrs.get("headers") or {}
    live = ~np.asarray(totals, bool)
    for c in _place_columns(df, by, skip):
        cells = np.array([_cell_text(v).strip() for v in df[c].tolist()], dtype=object)
        both = {**groups, c: cells}
        found = [(hit, _summed_totals_where(df, [c, *by], both, hit, hit, rows, src, sources, level=c))
                 for _, hit in _outer_totals(both, [c, *by], labels, tested, failed, ~live, only=[c])]
        for _, hit, said in _whole_place_totals(both, [*by, c], labels, tested, failed,
                                                ~live | (found[0][0] if found else False), only=[c]):
            found.append((hit, _whole_place_where(df, both, c, hit, said, rows, src, sources)))
        for hit, entries in found:
            header = str(written.get(c, c))
            for e in entries:
                e["words"] = [f"{w}; {int(hit.sum())} rows, {int(tested[hit].sum()):,} batches, left out though "
                              f"'{header}' is not a --by column (全市等汇总行未计入)" for w in e["words"]]
            out.append((c, hit, entries))
            live &= ~hit
    return out


def _whole_place_where(df: pd.DataFrame, groups: dict, c: str, hit: np.ndarray, said: str, rows: np.ndarray,
                       src: str, sources: np.ndarray | None) -> list[dict]:
    """The ``attrs["totals"]`` entry of the rows of :func:`_whole_place_totals` under column ``c``."""
    written = df.attrs.get("headers") or {}
    place = sources if sources is not None else np.full(len(hit), src, dtype=object)
    idx = np.flatnonzero(hit)
    names = sorted({str(groups[c][i]) for i in idx})
    return [{"column": str(written.get(c, c)), "words": [f"{' / '.join(names)} ({said})"],
             "rows": list(dict.fromkeys((str(place[i]), int(rows[i])) for i in idx))}]


def _summed_totals_where(df: pd.DataFrame, by: Sequence[str], groups: dict, summed: np.ndarray,
                         named: np.ndarray, rows: np.ndarray, src: str,
                         sources: np.ndarray | None, level: str | None = None) -> list[dict]:
    """Entries of ``attrs["totals"]`` (see :func:`_total_cells`) for the rows found by their sums
    (``named``: those whose label also reads as a total) under ``level`` (default: the innermost
    ``by`` column)."""
    written = df.attrs.get("headers") or {}
    c = level or by[-1]
    place = sources if sources is not None else np.full(len(summed), src, dtype=object)
    out = []
    for mask, why in ((summed & named, "its name reads as a total and its batches and unqualified batches "
                                        "equal the sum of the other rows of its period"),
                      (summed & ~named, "its batches and unqualified batches equal the sum of the other rows of "
                                        "its period, in every period it has batches in: a total whatever its name")):
        idx = np.flatnonzero(mask)
        if not idx.size:
            continue
        names = sorted({str(groups[c][i]) for i in idx})
        out.append({"column": str(written.get(c, c)), "words": [f"{' / '.join(names)} ({why})"],
                    "rows": list(dict.fromkeys((str(place[i]), int(rows[i])) for i in idx))})
    return out


def _warn_rows_equal_to_sums(groups: dict, by: Sequence[str], labels: np.ndarray, tested: np.ndarray,
                             failed: np.ndarray, suspect: np.ndarray, rows: np.ndarray, src: str,
                             sources: np.ndarray | None) -> None:
    """Warn once (:class:`InconsistentDataWarning`) naming the rows kept though their batches and
    unqualified batches equal the sum of the other rows of their period (found by
    :func:`_rows_summing_others`, their label no total's): most are a category by chance, a total
    row under a neutral name would count its period twice."""
    idx = np.flatnonzero(suspect)
    if not idx.size:
        return
    said = "; ".join(f"{' / '.join(str(groups[c][i]) for c in by)} ({_place(src, sources, i, rows)}, "
                     f"{tested[i]:,} / {failed[i]:,}): its counts equal the sum of the other rows of period "
                     f"{labels[i]}" for i in idx[:5]) + (f"; and {len(idx) - 5} more" if len(idx) > 5 else "")
    problems = [Problem(src, int(rows[i]), None, f"{tested[i]} / {failed[i]}",
                        f"a category, not the total of the other rows of period {labels[i]}") for i in idx]
    warnings.warn(InconsistentDataWarning(
        f"{src}: {len(idx)} row(s) kept and scored as a category though their batches and unqualified batches "
        f"equal the sum of the other rows of their period -- {said}. If it is a total row, delete it (or name it "
        "合计); a category can add up so by chance（该行批次数等于同期其他各行之和，如为合计行请删除）", problems),
        stacklevel=6)


def _refuse_rows_disagreeing(df: pd.DataFrame, groups: dict, by: Sequence[str], labels: np.ndarray,
                             tested: np.ndarray, failed: np.ndarray, rows: np.ndarray, src: str,
                             sources: np.ndarray | None, totals: np.ndarray, other: list,
                             period: str | None) -> None:
    """Refuse (:class:`DataValidationError`) two rows of a counts table for the same group and period
    with different batches when no other column tells them apart: which one is right cannot be
    guessed, and adding them up would count the group twice. Each problem names both rows."""
    live = np.flatnonzero(~np.asarray(totals, bool))
    if len(live) < 2:
        return
    sub = {c: v[live] for c, v in groups.items()}
    key = _row_keys(df.iloc[live].reset_index(drop=True), sub, by, labels[live],
                    None if sources is None else sources[live], other)
    twice = key.duplicated(keep=False).to_numpy()
    if not twice.any():
        return
    written = df.attrs.get("headers") or {}
    th, fh = str(written.get("tested", "抽检批次")), str(written.get("failed", "不合格批次"))
    names = " / ".join([str(written.get(period, period)) if period else "period"]
                       + [str(written.get(c, c)) for c in by])
    ids = key.groupby(list(key.columns), sort=False).ngroup().to_numpy()
    problems, firsts = [], {}
    for k in np.flatnonzero(twice):
        i = int(live[k])
        j = firsts.setdefault(int(ids[k]), i)
        if j == i:
            continue
        column = "failed" if tested[i] == tested[j] else "tested"
        value = failed[i] if column == "failed" else tested[i]
        where = "" if sources is None or sources[i] == sources[j] else f" of {sources[j]}"
        problems.append(Problem(
            str(sources[i]) if sources is not None else src, int(rows[i]), str(written.get(column, column)),
            f"{value}",
            f"one row per {names}: row {int(rows[j])}{where} already gives {labels[i]} / "
            f"{' / '.join(str(groups[c][i]) for c in by)} {tested[j]:,} {th} / {failed[j]:,} {fh}, this row "
            f"{tested[i]:,} / {failed[i]:,}, and no other column tells the two rows apart -- adding them up would "
            "count the group twice. Keep the right one, or add a column saying how they differ (食品亚类, 抽样环节)"
            "（同一类别同一时期有两行且批次数不同，请保留正确的一行）"))
    if problems:
        raise DataValidationError(problems, source=src)


def check_total_sums(agg: pd.DataFrame, by: Sequence[str], src: str) -> None:
    """Warn (:class:`InconsistentDataWarning`) naming each total row (合计 / 小计) whose batches
    differ from the sum of the rows it totals (same period and outer groups), both figures given.

    A total above the sum may be a table listing only some categories; a total below it cannot be
    (a row counted twice or a figure mistyped). Totals with nothing to compare are skipped.
    """
    if agg.empty:
        return
    is_total = total_rows(agg, by)
    if not is_total.any() or is_total.all():
        return
    # the by columns a total shares with its rows: those of its row that are neither a total nor blank, whatever
    # the --by order (广东省 | 合计 by category,region totals 广东省's rows, not both regions')
    own = {}
    for c in by:
        labels = agg[c].astype(str)
        hits = [v for v in pd.unique(labels) if is_total_label(v)]
        own[c] = ~(labels.isin(hits).to_numpy() | agg[c].isna().to_numpy() | labels.str.strip().eq("").to_numpy())
    parts = agg[~is_total]
    sources = agg["_src"].to_numpy() if "_src" in agg.columns else None
    found = []
    for i in np.flatnonzero(is_total):
        keys = ["period"] + [c for c in by if own[c][i]]
        m = np.ones(len(parts), bool)
        for k in keys:
            m &= (parts[k] == agg[k].iloc[i]).to_numpy()
        if not m.any():
            continue
        st, sf = int(parts["tested"][m].sum()), int(parts["failed"][m].sum())
        tt, tf = int(agg["tested"].iloc[i]), int(agg["failed"].iloc[i])
        if (st, sf) != (tt, tf):
            found.append((i, int(m.sum()), tt, tf, st, sf))
    if not found:
        return
    rows = agg["_row"].to_numpy()
    lines = []
    for i, n, tt, tf, st, sf in found[:5]:
        where = _place(src, sources, i, rows)
        group = " / ".join(str(agg[c].iloc[i]) for c in by if c in agg.columns and pd.notna(agg[c].iloc[i])
                           and str(agg[c].iloc[i]).strip())  # its own region too: 合计 / 广东省
        lines.append(f"{where} ({agg['period'].iloc[i]} {group}): {tt:,} tested / {tf:,} unqualified, the {n} "
                     f"rows it totals add up to {st:,} / {sf:,}")
    more = f"; and {len(found) - 5} more" if len(found) > 5 else ""
    below = any(st > tt or sf > tf for _, _, tt, tf, st, sf in found)
    problems = [Problem(str(sources[i]) if sources is not None else src, int(rows[i]), None,
                        f"{tt} / {tf}", f"the sum of the rows it totals: {st} / {sf}")
                for i, _, tt, tf, st, sf in found]
    warnings.warn(InconsistentDataWarning(
        f"{src}: {len(found)} total row(s) differ from the sum of the rows they total: {'; '.join(lines)}{more}. "
        + ("Rows adding up to more than their total cannot be right (a row counted twice, or a figure mistyped). "
           if below else "")
        + "A total above the sum is expected only when the table lists some of the categories. The rows are "
        "scored, the total is not（合计与各行之和不符，请核对）", problems), stacklevel=4)


def _needed_columns(df: pd.DataFrame, by: list[str], period: str | None, records: bool,
                    outcome: str | None, src: str) -> list[str]:
    """Columns the table must have, in message order; refuse missing ones or an empty table."""
    if records:
        need = list(by) + ([period] if period else []) + [outcome or "tested"]
        if outcome is None:
            written = df.attrs.get("headers") or {}
            have = _skipped_header_note(df, src) or \
                ", ".join(dict.fromkeys(str(written.get(c, c)) for c in df.columns)) or "(no columns)"
            chinese = any(not str(w).isascii() for w in [*written.values(), *df.columns])
            raise DataValidationError([Problem(
                src, None, "抽检批次" if chinese else "tested", None,
                f"column missing; the table has: {have}. 需要“抽检批次”和“不合格批次”列（每类每期一行的汇总表），"
                "或逐批记录的“检验结论”列（每批一行）: give aggregated counts in columns headed 抽检批次 "
                "(batches sampled; or tested) and 不合格批次 (batches unqualified; or failed), one header row "
                "over the figures or a period merged over them (2022年 over 抽检批次 | 不合格批次), or one row "
                "per batch with its outcome (检验结论: 合格 / 不合格, or 0/1; name another column: outcome=..., "
                f"CLI --outcome){_outcome_columns_said(df)}")], source=src)
    else:
        need = list(by) + ([period] if period else []) + ["tested", "failed"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        written = df.attrs.get("headers") or {}
        have = _skipped_header_note(df, src) or ", ".join(_listed_headers(df))
        chinese = any(not str(w).isascii() for w in [*written.values(), *df.columns])  # 抽检批次, not tested
        raise DataValidationError([Problem(src, None, _COUNT_HEADERS.get(c, c) if chinese else c, None,
                                           f"column missing; the table has: {have}"
                                           + did_you_mean(df, c)
                                           + ("; name the table's group column(s) with by= (command line: --by "
                                              "COLUMN, e.g. --by 产品名称)（请用 --by 指明分组列）" if c in by else "")
                                           + _HOW_TO_GIVE.get(c, ""))
                                   for c in missing], source=src)
    if len(df) == 0:
        raise DataValidationError([Problem(src, None, None, None,
                                           "the table has no data rows")], source=src)
    return need


def _outcome_columns_said(df: pd.DataFrame) -> str:
    """A sentence naming the table's 0/1 outcome columns (:func:`outcome_columns`) for a table read as
    records without an outcome column named, ``""`` when it has none."""
    found = outcome_columns(df)
    if not found:
        return ""
    return (f". This table's {'column' if len(found) == 1 else 'columns'} {', '.join(repr(f) for f in found)} "
            f"{'holds' if len(found) == 1 else 'hold'} only 0/1 outcomes: if each row is one inspection or batch, "
            f"name {'it' if len(found) == 1 else 'one'}: outcome='{found[0]}' (CLI --outcome {found[0]})"
            f"（逐条记录的结果列请用 --outcome 指明，如 --outcome {found[0]}）")


#: headers of an indicator history (what ``assess`` / ``forecast --history`` read), lower-cased
_HISTORY_HEADERS = frozenset({"region", "indicator", "year", "value", "unit", "地区", "指标", "指标名称", "年份",
                              "数值", "值", "单位"})


def _skipped_header(df: pd.DataFrame, src: str) -> tuple[int, list[str]] | None:
    """``(spreadsheet row, cells)`` of the first row of the file ``src`` when it plainly is a header row
    and the reading took a later row for the header (a cell of a data row read like a sampling header:
    a history's name 食品抽检批次): every cell text, none a number, a year or a web address, none
    repeated, as many as the table's columns. ``None`` otherwise (a DataFrame, several sheets, a title
    row above the header)."""
    rows = df.attrs.get("sheet_rows")
    if rows is None or not len(rows) or int(rows[0]) <= 2 or df.attrs.get("parts") or not os.path.isfile(src):
        return None
    try:
        grids = read_grids(src)
    except Exception:  # noqa: BLE001 -- only a better message is at stake: the refusal stands without it
        return None
    if len(grids) != 1:
        return None
    grid = grids[0][1]
    for label, line in grid.iterrows():
        cells = [_cell_text(v).strip() for v in line.tolist() if not _blank_cell(v)]
        if cells:
            break
    else:
        return None
    row = int(label) if isinstance(label, (int, np.integer)) else None
    if row is None or row >= int(rows[0]) - 1 or len(cells) < max(3, len(df.columns) - 1) \
            or len(set(cells)) < len(cells):
        return None
    if any(re.fullmatch(r"[-+]?[\d,.]+%?", c) or re.match(r"(?i)https?://|www\.", c) for c in cells):
        return None
    return row, cells


def _skipped_header_note(df: pd.DataFrame, src: str) -> str | None:
    """The columns listed for a table whose real header row was skipped (:func:`_skipped_header`),
    and -- for an indicator history (region, indicator, year, value) -- that it is not sampling records."""
    found = _skipped_header(df, src)
    if found is None:
        return None
    row, cells = found
    text = (f"{', '.join(cells)} (header row {row}; row {int(df.attrs['sheet_rows'][0]) - 1} was read as the "
            "header because a cell there reads like a sampling header)")
    if len({c.lower() for c in cells} & _HISTORY_HEADERS) >= 3:
        text += (". This looks like an indicator history (region, indicator, year, value: what assess / forecast "
                 "--history read), not sampling records（这是指标历史数据表，不是抽检记录）")
    return text


def _listed_headers(df: pd.DataFrame) -> list[str]:
    """``df``'s headers as written, each once, for a message listing the table's columns: a part of the
    year kept in its own column beside the period read from it (``年度 + 季度`` and ``季度``) is listed
    within the period."""
    written = df.attrs.get("headers") or {}
    names = list(dict.fromkeys(str(written.get(c, c)) for c in df.columns))
    within = {p.strip() for n in names if " + " in n for p in n.split(" + ")}
    return [n for n in names if n not in within]


#: the counted columns as a bureau heads them, for messages about a missing one
_COUNT_HEADERS = {"tested": "抽检批次", "failed": "不合格批次"}
_HOW_TO_GIVE = {
    "tested": "; 需要“抽检批次”和“不合格批次”列; add a 抽检批次 column (batches sampled) (or name yours so: "
              "抽检批次 / 抽检数 / 抽样批次)",
    "failed": "; 需要“抽检批次”和“不合格批次”列（或“合格批次”/“不合格率”）; add a 不合格批次 column (batches found "
              "unqualified), or give 合格批次 (不合格 = 抽检 − 合格), "
              "or 不合格率(%) beside 抽检批次 (不合格批次 = 抽检批次 x 不合格率, when each rate gives one whole count)"}


def _passed_column(df: pd.DataFrame) -> str | None:
    """A column of batches found qualified (合格批次, 合格批次数, 合格数), never 不合格 nor a rate."""
    for c in df.columns:
        key = layout.header_key(c)
        if key.startswith("合格") and "率" not in key and any(w in key for w in _COUNTED):
            return c
    return None


def _rate_column(df: pd.DataFrame) -> str | None:
    """A column of failure rates (不合格率, 不合格率(%), 抽检不合格率)."""
    return next((c for c in df.columns if "不合格率" in layout.header_key(c)), None)


def _pass_rate_column(df: pd.DataFrame) -> str | None:
    """A column of pass rates (合格率, 合格率(%), 抽检合格率), never 不合格率."""
    return next((c for c in df.columns if "合格率" in (k := layout.header_key(c)) and "不合格率" not in k), None)


def _counts_in_ten_thousands(df: pd.DataFrame, src: str, rows: np.ndarray) -> list[Problem]:
    """One :class:`Problem` per count column (抽检批次, 不合格批次, 合格批次) whose header as written gives
    its unit in ten thousands (``抽检批次（万批次）``, ``（万批）``, ``（万）``), with its first figure read
    both ways (``0.8701`` is 8,701 batches; ``0.87`` any of 8,650-8,749): such cells are no batches, and
    read as counts each would be refused as a rate. Empty when no count header is in 万."""
    written = df.attrs.get("headers") or {}
    passed = _passed_column(df)
    columns = [c for c in ("tested", "failed", passed) if c is not None and c in df.columns]
    problems = []
    for c in columns:
        header = str(written.get(c, c))
        unit = layout.split_unit(to_simplified(unicodedata.normalize("NFKC", header)))[1]
        if not unit.startswith("万"):
            continue
        row, value, example = None, None, ""
        for i, v in enumerate(df[c].tolist()):
            m = re.fullmatch(r"(\d+)(?:\.(\d+))?", _cell_text(v).strip().translate(_FULL_WIDTH_DIGITS))
            if m:
                count, lo, hi = ten_thousands(m.group(1), (m.group(2) or "")[:4])
                row, value = int(rows[i]), _cell_text(v).strip()
                example = (f"; this row's {value}万 is {count:,} batches" if lo == hi else
                           f"; this row's {value}万, rounded, may be any of {lo:,}–{hi:,} batches")
                break
        problems.append(Problem(src, row, header, value,
                                f"counts in batches: this header gives them in ten thousands ({unit}){example}. "
                                "Write each count in batches (8701, not 0.8701) under a header without 万 (e.g. "
                                f"{layout.split_unit(header)[0].strip() or '抽检批次'}) -- figures in 万 are usually rounded, "
                                "and no rate can be worked out from them（批次数请以“批”为单位填写实际数，不用“万批次”）"))
    return problems


def _failed_from_passed_or_rate(df: pd.DataFrame, src: str, rows: np.ndarray) -> pd.DataFrame:
    """``df`` with ``failed`` worked out when the table gives no 不合格批次 but 合格批次 (failed =
    tested − passed), 不合格率 (failed = tested x rate, kept only when the rate as written -- to
    its decimals -- fits exactly one whole count in every row) or 合格率 (failed = tested − tested x
    pass rate, under the same whole-count check), with a warning saying how; ``df`` unchanged when
    none of these columns is there. Bad cells are one :class:`DataValidationError`."""
    passed, rate = _passed_column(df), _rate_column(df)
    pass_rate = _pass_rate_column(df) if passed is None and rate is None else None
    if passed is None and rate is None and pass_rate is None:
        return df
    written = df.attrs.get("headers") or {}
    tested_header = str(written.get("tested", "tested"))
    tested, problems = parse_counts(df["tested"], src, tested_header, rows)
    bad = {p.row for p in problems}
    if passed is not None:
        ok, more = parse_counts(df[passed], src, str(passed), rows)
        problems += more
        failed = tested - ok
        for i in np.flatnonzero(failed < 0):
            if int(rows[i]) not in bad:
                problems.append(Problem(src, int(rows[i]), str(passed), str(ok[i]),
                                        f"{passed} <= {tested_header} ({tested[i]:,} in this row); check whether "
                                        "the two columns are swapped"))
        how = f"{tested_header} − {passed}"
        example = ""
    elif pass_rate is not None:  # 合格率 only: the passed batches from the rate, the rest unqualified
        ok, more, example = _failed_from_rates(df[pass_rate], tested, str(pass_rate), src, rows, bad,
                                               what="a pass rate such as 98.5 or 98.5%")
        problems += more
        failed = tested - ok
        example = example.replace("e.g. row", "e.g. passed in row")
        how = f"{tested_header} x (100% − {pass_rate}), rounded to whole batches (each row's rate, to the " \
              "decimals written, fits exactly one count)"
    else:
        failed, more, example = _failed_from_rates(df[rate], tested, str(rate), src, rows, bad)
        problems += more
        how = f"{tested_header} x {rate}, rounded to whole batches (each row's rate, to the decimals written, " \
              "fits exactly one count)"
    if problems:
        raise DataValidationError(problems, source=src)
    warnings.warn(f"{src}: no 不合格批次 column; 不合格批次 read as {how}{example}（未见不合格批次列，"
                  f"已由{'抽检批次与合格批次' if passed is not None else '抽检批次与合格率' if pass_rate is not None else '抽检批次与不合格率'}推算）. Add a 不合格批次 "
                  "column to read the counts as recorded.", MstargetWarning, stacklevel=6)
    out = df.assign(failed=np.maximum(failed, 0))
    out.attrs = {**df.attrs, "headers": {**written, "failed": f"({how})"}}
    return out


def _row_list(rows) -> str:
    """Spreadsheet rows as ``row 26`` / ``rows 26, 27, 30`` (at most 10, then ``and 14 more``)."""
    rows = [int(r) for r in rows]
    return (("rows " if len(rows) > 1 else "row ") + ", ".join(map(str, rows[:10]))
            + (f" and {len(rows) - 10} more" if len(rows) > 10 else ""))


def _blank_failed_from_rate(df: pd.DataFrame, src: str, rows: np.ndarray) -> pd.DataFrame:
    """``df`` with the blank 不合格批次 cells of a table that also gives 不合格率 filled in row by row as
    抽检批次 x rate (as :func:`_failed_from_passed_or_rate` reads a table of rates only: each rate, to the
    decimals written, must fit exactly one whole count), with a warning naming those rows. Where a row gives
    both and they disagree beyond the rate's rounding, the table is refused naming the row: the rates are
    data here, and a rate that does not match its own counts cannot be trusted where it stands alone.
    ``df`` unchanged when no 不合格批次 cell is blank or there is no rate column."""
    rate = _rate_column(df)
    if rate is None or rate == "failed":
        return df
    blank = np.array([_cell_text(v).strip() == "" for v in df["failed"].tolist()], dtype=bool)
    if not blank.any():
        return df
    written = df.attrs.get("headers") or {}
    th, fh = str(written.get("tested", "抽检批次")), str(written.get("failed", "不合格批次"))
    tested, problems = parse_counts(df["tested"], src, th, rows)
    bad = {p.row for p in problems}
    rate_blank = np.array([_cell_text(v).strip() == "" for v in df[rate].tolist()], dtype=bool)
    problems = [Problem(src, int(rows[i]), fh, "", "empty cell; fill in a whole number of batches (0 if none), "
                                                   f"or the row's {rate}")
                for i in np.flatnonzero(blank & rate_blank & (tested > 0)) if int(rows[i]) not in bad]
    use = blank & ~rate_blank
    derived, more, _ = _failed_from_rates(df[rate][use], tested[use], str(rate), src, rows[use], bad)
    problems += more
    both = ~blank & ~rate_blank
    if both.any():  # both given: they must agree, to the rate's last written decimal
        nums, pct = _rate_figures(df[rate])
        counts, _ = parse_counts(df["failed"], src, fh, rows)  # bad cells: reported later, with the others
        for i in np.flatnonzero(both):
            n = nums[i]
            if int(rows[i]) in bad or tested[i] <= 0 or n is None or counts[i] > tested[i]:
                continue
            by_counts = counts[i] / tested[i]
            tol = 10.0 ** -min(n[1], 8) + 1e-9
            fits = abs(n[0] - 100 * by_counts) <= tol if pct else \
                (abs(n[0] - by_counts) <= tol or abs(n[0] - 100 * by_counts) <= tol)
            if not fits:
                problems.append(Problem(src, int(rows[i]), str(rate), _cell_text(df[rate].iloc[i]),
                                        f"the rate of the row's own counts, {fh} / {th} = {counts[i]:,} / "
                                        f"{tested[i]:,} = {100 * by_counts:.4g}%: {fh} is blank in other rows "
                                        "and read there from this column, so the two must agree where both are "
                                        "given -- correct the rate or the count（不合格率与批次数不符）"))
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise DataValidationError(problems, source=src)
    filled = df["failed"].astype(object).copy()
    filled[use] = [str(int(v)) for v in derived]
    done = rows[use]
    warnings.warn(f"{src}: {fh} is blank in {int(use.sum())} row{'s' if use.sum() > 1 else ''} ("
                  f"{_row_list(done)}); read there as {th} x {rate}, rounded to whole batches (each rate, to the "
                  f"decimals written, fits exactly one count)（{fh}空缺的行已由{th}与{rate}推算）. Give the counts in "
                  "those rows to read them as recorded.", MstargetWarning, stacklevel=6)
    out = df.assign(failed=filled)
    out.attrs = dict(df.attrs)
    return out


def _failed_from_rates(col: pd.Series, tested: np.ndarray, header: str, src: str, rows: np.ndarray,
                       bad: set, what: str = "a failure rate such as 4.5 or 4.5%"
                       ) -> tuple[np.ndarray, list[Problem], str]:
    """Failed batches (int64, shape (R,)) from a rate column: ``tested x rate``, where the rate as
    written (``4.5``, ``4.5%``, ``0.79``) spans, to half its last decimal, exactly one whole count
    (given a pass-rate column, ``what`` says so, and the counts are of batches passed).
    A rate is in percent when the header or the cell says so (不合格率(%), ``4.5%``) or some rate
    is above 1; without either, it is refused as ambiguous. Problems per bad row; an example."""
    texts = [unicodedata.normalize("NFKC", f"{v:.10g}" if isinstance(v, (float, np.floating)) and v == v
                                   else _cell_text(v)).strip() for v in col.tolist()]
    header_pct = any(m in unicodedata.normalize("NFKC", header) for m in ("%", "百分"))
    nums = []
    for t in texts:
        m = re.fullmatch(r"(\d+(?:\.(\d*))?)\s*(%?)", t)
        nums.append(None if not m else (float(m.group(1)), len(m.group(2) or ""), bool(m.group(3))))
    pct_all = header_pct or any(n is not None and (n[2] or n[0] > 1) for n in nums)
    if pd.api.types.is_float_dtype(col):  # 5.0 read as a number: written to the column's decimals
        places = max((n[1] for n in nums if n is not None), default=0)
        nums = [None if n is None else (n[0], places, n[2]) for n in nums]
    failed = np.zeros(len(texts), np.int64)
    problems, example = [], ""
    for i, (t, n) in enumerate(zip(texts, nums)):
        if int(rows[i]) in bad:
            continue
        if tested[i] == 0 and (n is None and t in ("", "-", "—", "/") or n is not None and n[0] == 0):
            continue  # nothing sampled: no rate
        if n is None:
            problems.append(Problem(src, int(rows[i]), header, t, f"{what} (or give "
                                    "不合格批次, the count of batches found unqualified)"))
            continue
        if not pct_all:
            problems.append(Problem(src, int(rows[i]), header, t, f"a rate whose unit is said: {t} may be {t}% or "
                                    f"{100 * n[0]:g}%; head the column 不合格率(%) when its figures are percentages, "
                                    "write the % in the cells, or give 不合格批次"))
            continue
        r, decimals = n[0] / 100.0, min(n[1], 8)
        half = 0.5 * 10.0 ** -decimals / 100.0
        lo = math.ceil(tested[i] * (r - half) - 1e-9)
        hi = math.floor(tested[i] * (r + half) + 1e-9)
        lo, hi = max(lo, 0), min(hi, int(tested[i]))
        if lo == hi:
            failed[i] = lo
            if not example:
                example = f"; e.g. row {int(rows[i])}: {tested[i]:,} x {t}{'' if n[2] else '%'} = {lo:,}"
        elif lo > hi:
            problems.append(Problem(src, int(rows[i]), header, t,
                                    f"a rate some whole count of the row's {tested[i]:,} batches gives: {t}"
                                    f"{'' if n[2] else '%'} of {tested[i]:,} is {tested[i] * r:.2f} batches; "
                                    "check the rate, or give 不合格批次"))
        else:
            problems.append(Problem(src, int(rows[i]), header, t,
                                    f"a rate precise enough for one count: {t}{'' if n[2] else '%'} of "
                                    f"{tested[i]:,} batches may be any of {lo:,}–{hi:,}; give 不合格批次 "
                                    "(the count) for this table"))
    return failed, problems, example


def _parse_groups(df: pd.DataFrame, by: list[str], src: str,
                  rows: np.ndarray) -> tuple[dict[str, np.ndarray], list[Problem]]:
    """Group labels per ``by`` column (object arrays of shape (R,), stripped) and empty-cell problems."""
    groups, problems = {}, []
    for c in by:
        groups[c], probs = _group_labels(df, c, src, rows)
        problems += probs
    return groups, problems


def _parse_period_column(df: pd.DataFrame, period: str | None, src: str, rows: np.ndarray):
    """Period labels, first and last months, each shape (R,), and problems; one period ``all`` if none."""
    if period:
        return _periods(df, period, src, rows)
    n = len(df)
    starts = ends = np.zeros(n, np.int64)
    return np.full(n, "all", dtype=object), starts, ends, []


def _parse_record_outcomes(df: pd.DataFrame, outcome: str, src: str,
                           rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Per-batch records: ``tested`` = 1 and ``failed`` = the 0/1 outcome (int64, shape (R,)); problems."""
    n = len(df)
    tested = np.ones(n, dtype=np.int64)
    try:
        failed = outcome_array(df[outcome], src, outcome, rows=rows).astype(np.int64)
    except DataValidationError as exc:
        return tested, np.zeros(n, np.int64), list(exc.problems)
    return tested, failed, []


def _parse_count_columns(df: pd.DataFrame, src: str,
                         rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Aggregated counts: ``tested`` and ``failed`` in batches (int64, shape (R,)); problems."""
    tested, p_t = parse_counts(df["tested"], src, "tested", rows)
    failed, p_f = parse_counts(df["failed"], src, "failed", rows)
    p_f = _rates_converted(p_f, tested, p_t, rows)
    problems = p_t + p_f
    bad_rows = {p.row for p in problems}
    for i in np.flatnonzero(failed > tested):
        if int(rows[i]) in bad_rows:
            continue
        problems.append(Problem(src, int(rows[i]), "failed", str(failed[i]),
                                f"failed <= tested ({tested[i]} batches tested in this row); "
                                "check whether the two columns are swapped"))
    return tested, failed, problems


def _rates_converted(problems: list[Problem], tested: np.ndarray, tested_problems: list[Problem],
                     rows: np.ndarray) -> list[Problem]:
    """Problems of the failed column where a rate was written, with the row's count worked out
    (``2,000 x 2.5% = 50``) when its tested count was read."""
    bad_tested = {p.row for p in tested_problems}
    at = {int(r): i for i, r in enumerate(rows)}
    out = []
    for p in problems:
        rate = _rate_value(p.value) if p.expected.startswith(RATE_IN_COUNT[:40]) else None
        i = at.get(p.row)
        if rate is not None and i is not None and p.row not in bad_tested:
            p = Problem(p.source, p.row, p.column, p.value,
                        f"{p.expected} (this row: {tested[i]:,} x {100 * rate:g}% = {round(tested[i] * rate):,})")
        out.append(p)
    return out


def _rate_value(text) -> float | None:
    """A rate cell as a fraction: ``2.5%`` -> 0.025, ``0.025`` -> 0.025; None if not one."""
    t = str(text or "").strip().translate(_FULL_WIDTH_DIGITS)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([%％‰]?)", t)
    if not m:
        return None
    x = float(m.group(1)) / {"%": 100.0, "％": 100.0, "‰": 1000.0, "": 1.0}[m.group(2)]
    return x if 0 <= x <= 1 else None


def _check_totals_fit(tested: np.ndarray, failed: np.ndarray, src: str) -> None:
    """Refuse count columns whose total (batches) would overflow 64-bit integers."""
    for name, arr in (("tested", tested), ("failed", failed)):
        if float(np.sum(arr, dtype=float)) > _MAX_TOTAL:
            raise DataValidationError([Problem(src, None, name, None,
                                               "counts whose total fits in 64-bit integers; the "
                                               "column adds up to more than 4.6e18 batches -- check "
                                               "its unit")], source=src)


def _row_sources(df: pd.DataFrame) -> np.ndarray | None:
    """The sheet (source) of each row of a table joined from several sheets, else None."""
    parts, row_parts = df.attrs.get("parts"), df.attrs.get("row_parts")
    if not parts or row_parts is None or len(row_parts) != len(df):
        return None
    names = np.array([source for source, _ in parts], dtype=object)
    return names[np.asarray(row_parts, dtype=np.int64)]


def _aggregate(groups: dict[str, np.ndarray], by: list[str], labels: np.ndarray, starts: np.ndarray,
               ends: np.ndarray, tested: np.ndarray, failed: np.ndarray,
               rows: np.ndarray, sources: np.ndarray | None = None,
               totals: np.ndarray | None = None) -> pd.DataFrame:
    """Sum batches per group and period (arrays of shape (R,) in, one row per group and period out);
    ``_src`` (the sheet of the group's first row) when the rows come from several sheets. Rows
    marked in ``totals`` (小计 / 合计 rows, see :func:`_total_cells`) are summed apart, flagged by
    ``_total``, so that :func:`total_rows` can leave them out."""
    out = pd.DataFrame({c: groups[c] for c in by})
    out["period"] = labels
    out["_start"] = starts
    out["_end"] = ends
    out["_total"] = np.zeros(len(out), bool) if totals is None else np.asarray(totals, bool)
    out["tested"] = tested
    out["failed"] = failed
    out["_row"] = rows
    agg = dict(tested=("tested", "sum"), failed=("failed", "sum"), _row=("_row", "min"))
    if sources is not None:
        out["_src"] = sources
        agg["_src"] = ("_src", "first")
    keys = list(by) + ["period", "_start", "_end", "_total"]
    return (out.groupby(keys, sort=False, as_index=False).agg(**agg)
               .sort_values(["_end", "_start"] + list(by), kind="stable").reset_index(drop=True))


def pooled_regions(df: pd.DataFrame, by: Sequence[str]) -> dict[str, list[str]]:
    """Region-like columns not in ``by`` holding several values: ``{column: [values...]}``."""
    out = {}
    for c in REGION_COLUMNS:
        if c in df.columns and c not in by:
            vals = pd.unique(df[c].dropna().astype(str).str.strip())
            vals = [v for v in vals if v]
            if len(vals) > 1:
                out[c] = sorted(vals)
    return out


#: headers of the column saying which programme a batch was sampled under (监督抽检 / 风险监测)
PROGRAMME_COLUMNS = ("抽检类型", "任务来源", "抽检性质", "任务类型", "任务类别", "抽样类型", "抽检任务类型",
                     "抽检任务", "计划类型", "抽检计划", "任务性质", "programme", "program")
#: programmes of food sampling, whose failure rates are not comparable (风险监测 looks where problems are)
PROGRAMMES = ("监督抽检", "风险监测", "评价性抽检", "专项抽检", "监督抽查", "抽检监测", "国抽", "省抽", "市抽",
              "县抽", "区抽")


def pooled_programmes(df: pd.DataFrame, by: Sequence[str]) -> dict[str, list[str]]:
    """Columns not in ``by`` holding several sampling programmes (抽检类型: 监督抽检 and 风险监测),
    by their header (:data:`PROGRAMME_COLUMNS`) or by their cells (every filled cell names a
    programme of :data:`PROGRAMMES`): ``{header as written: [programmes...]}``."""
    written = df.attrs.get("headers") or {}
    out = {}
    for c in df.columns:
        if c in by or c in ("tested", "failed", "period", "outcome"):
            continue
        s = df[c]
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        named = layout.header_key(written.get(c, c)) in PROGRAMME_COLUMNS
        uniques = pd.unique(s)
        if len(uniques) > 40 and not named:  # a firm's name, a product: no programme column
            continue
        vals = [v for v in (_cell_text(u).strip() for u in uniques) if v and not is_total_label(v, TOTAL_WORDS)]
        if len(vals) < 2:
            continue
        if named or all(any(p in v for p in PROGRAMMES) for v in vals):
            out[str(written.get(c, c))] = sorted(vals)
    return out


def total_rows(agg: pd.DataFrame, by: Sequence[str]) -> np.ndarray:
    """Mask of rows whose group (in any ``by`` column) is a total such as 合计 / 总计 / total, or
    that were summed from rows another column marks as a subtotal (``_total``: 小计 under 食品亚类)."""
    is_total = np.zeros(len(agg), dtype=bool)
    for c in by:
        labels = agg[c].astype(str)
        hits = [v for v in pd.unique(labels) if is_total_label(v)]
        is_total |= labels.isin(hits).to_numpy()
    if "_total" in agg.columns:
        is_total |= agg["_total"].to_numpy(bool)
    return is_total


def merge_totals(agg: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``agg`` with the rows summed from 小计 / 合计 rows added into their group and period (kept,
    as ``drop_totals=False`` asks): one row per group and period again."""
    if "_total" not in agg.columns or not agg["_total"].any():
        return agg
    keys = list(by) + ["period", "_start", "_end"]
    how = dict(tested=("tested", "sum"), failed=("failed", "sum"), _row=("_row", "min"))
    if "_src" in agg.columns:
        how["_src"] = ("_src", "first")
    out = agg.groupby(keys, sort=False, as_index=False).agg(**how)
    out["_total"] = False
    out.attrs = dict(agg.attrs)
    return out.sort_values(["_end", "_start"] + list(by), kind="stable").reset_index(drop=True)


def _total_word(v) -> str:
    """A cell as compared with the total words: NFKC, no spaces (合  计), lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _cell_text(v))).lower()


def is_total_label(v, words: frozenset = TOTAL_LABELS) -> bool:
    """Whether a cell names a total: one of ``words`` (:data:`TOTAL_LABELS` for a group column,
    :data:`TOTAL_WORDS` for any other), or, with its punctuation, brackets and spaces taken off, one
    of them or a label ending with one of :data:`TOTAL_ENDINGS` (合计：, 食品合计, 全市合计, 合 计) --
    in a group column also ending with 全部 (合计（全部）). A category's name never ends so."""
    w = _total_word(v)
    if w in words:
        return True
    if not w or len(w) > 30:
        return False
    for text in (w, _BRACKETED.sub("", w)):  # 合计（不含餐饮）: the words before its brackets
        bare = _NOT_WORD.sub("", text)
        if bare and (bare in words or bare.endswith(TOTAL_ENDINGS)
                     or (words is TOTAL_LABELS and bare.endswith("全部"))):
            return True
    return False


def _may_be_total(v) -> bool:
    """A cheap first look (50,000 firm names): only a short text with 计 / 計 / total may be a total."""
    return isinstance(v, str) and len(v) < 24 and ("计" in v or "計" in v or "total" in v.lower()
                                                   or not v.isascii() and "ｔ" in v.lower())


def _total_cells(df: pd.DataFrame, by: Sequence[str], skip: set, rows: np.ndarray,
                 sources: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    """Rows that add up others: a ``by`` cell in :data:`TOTAL_LABELS`, or a cell of any other
    text column (食品亚类, 抽样环节, 序号) in :data:`TOTAL_WORDS` (a 小计 row per 食品大类 written
    under 食品亚类). Returns the mask (shape (R,)) and, per column holding such cells,
    ``{"column": header as written, "words": [...], "rows": [(source, sheet row), ...]}``."""
    mask = np.zeros(len(df), dtype=bool)
    where = []
    written = df.attrs.get("headers") or {}
    for c in df.columns:
        if c in skip:
            continue
        s = df[c]
        if c not in by and not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)
                                or isinstance(s.dtype, pd.CategoricalDtype)):
            continue
        labels = TOTAL_LABELS if c in by else TOTAL_WORDS
        values = pd.unique(s)  # each spelling looked at once (1M rows: fast)
        hits = [v for v in values if (c in by or _may_be_total(v)) and is_total_label(v, labels)]
        if not hits:
            continue
        m = s.astype(object).isin(hits).to_numpy() & ~mask
        if not m.any():
            continue
        mask |= m
        idx = np.flatnonzero(m)
        where.append({"column": str(written.get(c, c)),
                      "words": sorted({_cell_text(v).strip() for v in hits}),
                      # a row read into several periods (years in its headers) is one row of the file
                      "rows": list(dict.fromkeys((str(sources[i]), int(rows[i])) for i in idx))})
    return mask, where


def _total_groups_named(df: pd.DataFrame, by: Sequence[str], totals: np.ndarray) -> pd.DataFrame:
    """``df`` with the blank group cells of its total rows (``合计`` under 序号, 食品大类 left blank
    beside a period) named by the row's total word, so that such a row is read as the period's
    total (as ``合计`` under 食品大类 is: left out when scored, compared with the sum of its rows),
    never refused as a group without a name. ``df`` itself when there is none."""
    if not totals.any():
        return df
    idx = np.flatnonzero(totals)
    blank = {c: idx[[_cell_text(v).strip() == "" for v in df[c].iloc[idx].tolist()]]
             for c in by if c in df.columns}
    blank = {c: i for c, i in blank.items() if i.size}
    if not blank:
        return df
    out = df.copy(deep=False)
    for c, at in blank.items():
        col = out[c].astype(object).to_numpy(copy=True)
        for i in at:
            cells = df.iloc[i].tolist()
            col[i] = next((_cell_text(v).strip() for words in (TOTAL_WORDS, TOTAL_LABELS) for v in cells
                           if is_total_label(v, words)), "合计")
        out[c] = col
    out.attrs = dict(df.attrs)
    return out


def describe_totals(where: list[dict], src: str) -> str:
    """Where the total rows of :func:`_total_cells` are, for a warning: ``小计 under 食品亚类 (20
    rows: sheet '2023年第一季度' rows 9, 13, 20, ...)``."""
    out = []
    for w in where:
        by_source: dict[str, list[int]] = {}
        for source, row in w["rows"]:
            by_source.setdefault(source, []).append(row)
        places = []
        for source, rs in by_source.items():
            listed = ", ".join(map(str, rs[:6])) + (", ..." if len(rs) > 6 else "")
            name = source[len(src):].strip().strip("[]") if source.startswith(src) and source != src else source
            places.append(f"{name} rows {listed}" if source != src else f"rows {listed}")
        out.append(f"{' / '.join(w['words'])} under '{w['column']}' ({len(w['rows'])} rows: {'; '.join(places)})")
    return "; ".join(out)


def check_overlaps(agg: pd.DataFrame, by: Sequence[str], src: str, period_header: str = "period") -> None:
    """Refuse groups whose periods overlap without being equal (batches counted twice).

    Parameters
    ----------
    agg : DataFrame
        Output of :func:`validate_samples` (one row per group and period, ``_start``, ``_end``,
        ``_row``).

    Raises
    ------
    DataValidationError
        One problem per offending row, naming the earlier row it overlaps.
    """
    if agg.empty:
        return
    d = agg.sort_values(list(by) + ["_start", "_end"], kind="stable")
    same = np.ones(len(d), bool)
    for c in by:
        v = d[c].to_numpy()
        same[1:] &= v[1:] == v[:-1]
    same[0] = False
    # the largest end among earlier periods of the group, and the row holding it
    ends = d["_end"].to_numpy()
    starts = d["_start"].to_numpy()
    grp = np.cumsum(~same)
    prev_end = pd.Series(ends).groupby(grp).cummax().shift(1).fillna(-1).to_numpy(float).copy()
    prev_end[~same] = -1
    bad = np.flatnonzero(starts <= prev_end)
    if not len(bad):
        return
    rows = d["_row"].to_numpy()
    periods = d["period"].to_numpy()
    sources = d["_src"].to_numpy() if "_src" in d.columns else np.full(len(d), src, dtype=object)
    wider: dict[int, list[int]] = {}  # each overlapping pair once, under its wider period
    for i in bad:
        j = i - 1
        while j >= 0 and grp[j] == grp[i]:
            if ends[j] >= starts[i]:
                wide, narrow = (j, i) if ends[j] - starts[j] >= ends[i] - starts[i] else (i, j)
                wider.setdefault(wide, []).append(narrow)
            j -= 1
    problems = []
    for w in sorted(wider, key=lambda k: int(rows[k]))[:50]:
        inner = sorted(set(wider[w]), key=lambda k: (starts[k], ends[k]))
        group = ", ".join(f"{c}={d[c].iloc[w]}" for c in by)
        listed = ", ".join(f"{periods[k]} (row {int(rows[k])}{'' if sources[k] == sources[w] else ' of ' + str(sources[k])})"
                           for k in inner[:12]) + (f" and {len(inner) - 12} more" if len(inner) > 12 else "")
        problems.append(Problem(
            sources[w], int(rows[w]), period_header, str(periods[w]),
            f"periods of one group that do not overlap: {periods[w]} overlaps {listed} for {group}, so their "
            "batches would be counted twice. Keep one level of periods per group (only years, or only "
            "half-years), or drop the rows that sum others up（同一分组的期间重叠，批次会重复计算）"))
    raise DataValidationError(problems, source=src)


def resolve_as_of(as_of) -> Period | None:
    """Parse ``as_of`` (same spellings as periods) or raise a :class:`ParameterError`."""
    if as_of is None:
        return None
    try:
        return parse_period(as_of)
    except ValueError:
        raise ParameterError.invalid("as_of", "mstarget.risk.score", EXPECTED_PERIOD, as_of) from None
