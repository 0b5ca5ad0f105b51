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

import os
import re
import unicodedata
import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from .. import layout
from ..exceptions import DataValidationError, ParameterError, Problem, UnreadColumnWarning
from ..io import (FORMULA_WITHOUT_VALUE, GRID_TYPES, drop_repeated_columns, is_formula,
                  read_grids, read_table, source_name)
from ..validation import THOUSANDS
from .periods import EXPECTED_PERIOD, Period, parse_period

OUTCOME_CANDIDATES = ("failed", "outcome", "unqualified", "fail")
_TRUE = {"1", "1.0", "true", "yes", "y", "fail", "failed", "不合格"}
_FALSE = {"0", "0.0", "false", "no", "n", "pass", "passed", "合格"}
#: a reason in parentheses after a conclusion: 不合格（标签）, 不合格(微生物指标) (NFKC: （） are ())
_REASON = re.compile(r"\s*\([^()]*\)\s*$")
#: Largest count accepted in one cell (batches); above it the column or unit is surely wrong.
MAX_COUNT = 10 ** 12
_MAX_TOTAL = 2.0 ** 62  # sums of counts stay far from the int64 limit
#: Column names read as "region" (several values in one table must not be pooled silently).
REGION_COLUMNS = ("region", "地区", "区域", "省份", "地市", "地區", "區域")  # also as written in traditional
TOTAL_LABELS = frozenset({"合计", "总计", "小计", "全部", "合計", "總計", "total", "all", "sum"})


#: a bureau's headers for the counted columns (other columns keep their headers: ``by`` names them)
ALIASES = {
    "抽检批次": "tested", "抽检批次数": "tested", "抽检数": "tested", "抽检数量": "tested", "抽样批次": "tested",
    "抽样批次数": "tested", "检验批次": "tested", "监督抽检批次": "tested", "抽检量": "tested",
    "不合格批次": "failed", "不合格批次数": "failed", "不合格数": "failed", "不合格数量": "failed",
    "不合格样品数": "failed",
    "年度": "period", "年份": "period", "期间": "period", "时期": "period", "抽检期间": "period",
    "抽检年度": "period", "时间": "period", "period": "period", "tested": "tested", "failed": "failed",
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
    each cell was read from.

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
        pieces = []
        for table, sheet_period, sheet in _sheet_tables(str(samples)):
            pieces += _pieces(table, sheet_period, sheet)
        return _joined(pieces, str(samples))
    raise ParameterError.invalid("samples", "mstarget.risk", "a DataFrame or a path to a table",
                                 type(samples).__name__)


def _sheet_tables(path: str) -> list[tuple[layout.Table, Period | None, str | None]]:
    """The tables of a file to read, as ``[(table, period of its sheet, sheet name)]``: every sheet
    named by a period (``2021年``, ``2023年上半年``) holding a sampling table when the workbook
    keeps one period per sheet; else the one table :func:`mstarget.layout.load` finds."""
    # the sheets are read once; the usual reading is layout.load's own (the best sheet)
    book = layout.Workbook(read_grids(path), SCHEMA, path)
    named = {k: p for k, (name, _) in enumerate(book.sheets)
             if (p := _sheet_period(name)) is not None}
    if not named:
        return [(layout.best_sheet(book), None, None)]
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
        return [(layout.best_sheet(book), None, None)]
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
    return [(table, named[k], str(book.sheets[k][0])) for k, table in found]


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


def _pieces(table: layout.Table, sheet_period: Period | None, sheet: str | None) -> list[tuple]:
    """One table as ``[(frame, rows, headers, notes, source)]``: its own 合计 row left out, per-batch
    records' 抽样数量 not read as ``tested``, the period from its sheet's name, its title or its
    records' sampling dates; years written in the count headers give one piece per year."""
    source = table.source
    df, rows, notes = _without_table_total(table.frame.reset_index(drop=True), np.asarray(table.rows))
    headers = dict(table.headers)
    if "tested" in df.columns and "failed" not in df.columns and "outcome" in df.columns \
            and layout.header_key(headers.get("tested", "")) not in ALIASES:
        # per-batch records with a 抽样数量 (the amount taken from the batch): not a count of batches
        df = df.rename(columns={"tested": headers.pop("tested")})
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
            return [(piece, rows, h, notes, source) for piece, h in wide]
    if titled is not None and "period" not in df.columns:  # a notice's table: 2023年第三季度…抽检情况
        df["period"] = titled
        headers["period"] = f"(title '{table.title}')"
    dated = None if "period" in df.columns or "tested" in df.columns else _sampling_dates(df)
    if dated is not None:  # per-batch records with their 抽样日期: each batch in its quarter
        df["period"] = _quarters(df[dated])
        headers["period"] = dated
    return [(df, rows, headers, notes, source)]


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
#: a span of months or years (1-6月, 2022—2023年): no single period
_TITLE_SPAN = re.compile(r"[0-9一二三四五六七八九十]\s*[-—–~～至到]\s*[0-9一二三四五六七八九十]")


def period_in_title(title: str) -> str | None:
    """The one period a table's title names (``鼎湖区2023年第三季度食品安全监督抽检情况`` -> ``"2023Q3"``,
    ``2023年上半年`` -> ``"2023H1"``, ``2023年`` -> ``"2023"``); None for none, several, or a span
    (``2023年1-6月``, ``2022—2023年``), which is not guessed."""
    text = unicodedata.normalize("NFKC", title or "")
    found = {m.group(0).strip() for m in _TITLE_PERIOD.finditer(text)}
    if len(found) != 1 or _TITLE_SPAN.search(text):
        return None
    try:
        return parse_period(found.pop()).label
    except ValueError:
        return None


#: headers of the date a batch was sampled (or tested, or reported), most telling first; never
#: 生产日期 (when the food was made)
_DATE_HEADERS = ("抽样日期", "抽检日期", "采样日期", "检验日期", "检测日期", "报告日期", "公告日期", "日期")
_DATE = re.compile(r"^\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})(?!\d)")


def _sampling_dates(df: pd.DataFrame) -> str | None:
    """The column of per-batch records holding each batch's sampling date (抽样日期, 检验日期 ...: see
    :data:`_DATE_HEADERS`), when nine in ten of its filled cells are dates; None otherwise."""
    columns = {layout.header_key(c): c for c in df.columns if isinstance(c, str)}
    for word in _DATE_HEADERS:
        col = next((c for k, c in columns.items() if k.endswith(word) and "生产" not in k), None)
        if col is None:
            continue
        cells = [str(v).strip() for v in df[col].tolist() if str(v).strip()]
        if cells and sum(bool(_DATE.match(v)) for v in cells) >= 0.9 * len(cells):
            return col
    return None


_FULL_DATE = (r"^\s*(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
              r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")


def parse_dates(series: pd.Series, src: str, column: str, rows: np.ndarray | None = None) -> np.ndarray:
    """A column of sampling dates as ``datetime64[D]`` (shape (R,)): ``2023-03-01``, ``2023/3/1``,
    ``2023年3月1日``, ``2023.3.1``, a spreadsheet's date (with a time of 00:00:00), as the per-batch
    records of :func:`load` are read. Every cell that is no date (or an empty one) is a
    :class:`Problem` in one :class:`DataValidationError` naming its row."""
    s = pd.Series(series).reset_index(drop=True)
    rows = np.arange(2, len(s) + 2) if rows is None else np.asarray(rows)
    if pd.api.types.is_datetime64_any_dtype(s):
        text = s.dt.strftime("%Y-%m-%d")
    else:
        text = s.astype("string").map(lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else v)
    parts = text.str.extract(_FULL_DATE)
    y, m, d = (pd.to_numeric(parts[k], errors="coerce").astype(float) for k in ("y", "m", "d"))  # NA -> NaN
    stamp = pd.to_datetime(pd.DataFrame({"year": y, "month": m, "day": d}), errors="coerce")
    bad = np.flatnonzero(stamp.isna().to_numpy())
    if len(bad):
        raise DataValidationError([Problem(
            src, int(rows[i]), column, _cell_text(s.iloc[i]),
            "a date such as 2023-03-01, 2023/3/1 or 2023年3月1日" + ("; this cell is empty: fill in the date "
                                                                  "or delete the row" if not _cell_text(s.iloc[i]).strip() else ""))
            for i in bad], source=src)
    return stamp.to_numpy().astype("datetime64[D]")


def _quarters(dates: pd.Series) -> np.ndarray:
    """Each date's quarter (``2023-03-01``, ``2023/3/1``, ``2023年3月1日`` -> ``2023Q1``); a cell that is
    no date stays as written, and is refused as a period naming the date column."""
    def quarter(v):
        m = _DATE.match(str(v))
        if not m or not 1 <= int(m.group(2)) <= 12:
            return str(v)
        return f"{m.group(1)}Q{(int(m.group(2)) - 1) // 3 + 1}"
    return np.array([quarter(v) for v in dates.tolist()], dtype=object)


def _without_table_total(df: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, list]:
    """A bureau table's own total row (``合计`` under 年度, or 合计 beside a blank period) left
    out: it adds up the rows above, which would be counted twice. A period's total by category
    (``2023 | 合计``, as the shipped national series give it) is a group and stays. A table without
    periods (one notice's table) has its total row where the category is blank (``合计`` under 序号)."""
    key = "period" if "period" in df.columns else "category"
    if key not in df.columns or df.empty:
        return df, rows, []
    labels = df[key].astype(str).str.strip().str.lower()
    total = labels.isin(TOTAL_LABELS).to_numpy() if key == "period" else np.zeros(len(df), bool)
    blank = np.flatnonzero((labels == "").to_numpy())
    if blank.size:  # only rows without a period are looked at whole (a 1M-row register: none)
        cells = df.iloc[blank].astype(str).apply(lambda c: c.str.strip().str.lower())
        total[blank] |= cells.isin(TOTAL_LABELS).any(axis=1).to_numpy()
    if not total.any():
        return df, rows, []
    keep = ~total
    notes = [f"row {r} not read: the table's total (合计), which adds up the rows above" for r in rows[~keep]]
    return df[keep].reset_index(drop=True), rows[keep], notes


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
#: another unit after a figure (2,000件, 300份, 15万元): a count of something else than batches
_OTHER_UNIT = re.compile(r"^[\d,，.\s]+\s*((?:[万千百亿])?(?:件|份|个|次|家|户|人|元|吨|公斤|千克|kg|个样品|样品))$")


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
        try:
            x = float(text)
        except ValueError:
            raise ValueError(FORMULA_WITHOUT_VALUE if is_formula(text) else
                             "a whole number of batches such as 120") from None
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
        try:
            parse_count(v)
            reason = "a whole number of batches such as 120"
        except ValueError as exc:
            reason = str(exc)
        problems.append(Problem(src, int(rows[i]), column, _cell_text(v), reason))
    return out, problems


def _parse_outcome(v) -> int:
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)) and int(v) in (0, 1):
        return int(v)
    if isinstance(v, float) and v in (0.0, 1.0):
        return int(v)
    text = unicodedata.normalize("NFKC", _cell_text(v)).strip().lower()
    # a conclusion with its reason in parentheses (不合格（标签）, 不合格(微生物)) is that conclusion
    text = _REASON.sub("", text).strip() or text
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    raise ValueError("an outcome 0 (qualified / 合格) or 1 (unqualified / 不合格)")


def outcome_array(series, src: str, column: str, *, allow_missing: bool = False,
                  rows: np.ndarray | None = None) -> np.ndarray:
    """0/1 outcomes as a float array (NaN for empty cells when ``allow_missing``), vectorised.

    Each distinct spelling is parsed once; every bad cell becomes a :class:`Problem` in one
    :class:`DataValidationError`.
    """
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
    """One group column as stripped labels (object array, shape (R,)) and its empty-cell problems."""
    s = df[c]
    text = s.astype("string").str.strip()
    empty = (s.isna() | text.isna() | (text == "")).to_numpy()
    probs = [Problem(src, int(rows[i]), c, _cell_text(s.iloc[i]), "a group name; this cell is empty")
             for i in np.flatnonzero(empty)]
    return text.fillna("").to_numpy(dtype=object), probs


def _periods(df: pd.DataFrame, period: str, src: str, rows: np.ndarray):
    """Parse the period column: labels, first and last months (int64), each shape (R,); problems."""
    codes, uniques = pd.factorize(df[period], use_na_sentinel=True)
    labels = np.empty(len(uniques), dtype=object)
    starts = np.zeros(len(uniques), np.int64)
    ends = np.zeros(len(uniques), np.int64)
    bad_u = {}
    for j, u in enumerate(uniques):
        try:
            p = parse_period(u)
            labels[j], starts[j], ends[j] = p.label, p.start, p.end
        except (ValueError, TypeError) as exc:
            bad_u[j] = str(exc)
    probs = []
    for i in np.flatnonzero((codes < 0) | np.isin(codes, list(bad_u))):
        why = bad_u.get(int(codes[i]), f"expected {EXPECTED_PERIOD}; this cell is empty")
        probs.append(Problem(src, int(rows[i]), period, _cell_text(df[period].iloc[i]),
                             f"unknown period format; {why}"))
    c = np.maximum(codes, 0)
    if len(uniques) == 0:
        return np.array([""] * len(df), dtype=object), np.zeros(len(df), np.int64), \
            np.zeros(len(df), np.int64), probs
    return labels[c], starts[c], ends[c], probs


def validate_samples(samples, by: Sequence[str], *, period: str | None = "period",
                     outcome: str | None = None) -> tuple[pd.DataFrame, str]:
    """Check a sampling table and return it clean and aggregated per group and period.

    Parameters
    ----------
    samples : DataFrame or path
        Aggregated counts (``tested``, ``failed``) or per-batch records (an outcome column of 0/1).
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
    df, src = load(samples)
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
        sub.attrs = {"sheet_rows": rows[mask]}
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
    """The column of ``df`` a name given by the user means: the name itself, or the canonical column
    read from that header as written (``食品大类`` -> ``category``, ``检验结论`` -> ``outcome``)."""
    if name is None or name in df.columns:
        return name
    written = df.attrs.get("headers") or {}
    key = layout.header_key(name)
    return next((c for c, w in written.items() if c in df.columns and (w == name or layout.header_key(w) == key)),
                name)


def _validated(df: pd.DataFrame, src: str, by, period, outcome) -> tuple[pd.DataFrame, str]:
    by = check_by(by)
    # a group column named by its header as written (--by 食品大类): the result keeps that name
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
    need = _needed_columns(df, by, period, records, outcome, src)

    rows = sheet_rows(df)
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

    out = _aggregate(groups, by, labels, starts, ends, tested, failed, rows, _row_sources(df))
    out.attrs["pooled"] = pooled_regions(df, by)
    out.attrs["headers"] = dict(df.attrs.get("headers") or {})
    return out, src


def _needed_columns(df: pd.DataFrame, by: list[str], period: str | None, records: bool,
                    outcome: str | None, src: str) -> list[str]:
    """Columns the table must have, in message order; refuse missing ones or an empty table."""
    if records:
        need = list(by) + ([period] if period else []) + [outcome or "tested"]
        if outcome is None:
            raise DataValidationError([Problem(
                src, None, "tested", None,
                "column missing; give aggregated counts in columns 'tested' and 'failed', or one row "
                "per batch with a 0/1 outcome column 'failed' (or name it: outcome=..., CLI --outcome)")],
                source=src)
    else:
        need = list(by) + ([period] if period else []) + ["tested", "failed"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        have = ", ".join(map(str, df.columns))
        raise DataValidationError([Problem(src, None, c, None,
                                           f"column missing; the table has: {have}"
                                           + ("; name the table's group column(s) with by= (command line: --by "
                                              "COLUMN, e.g. --by 产品名称)（请用 --by 指明分组列）" if c in by else ""))
                                   for c in missing], source=src)
    if len(df) == 0:
        raise DataValidationError([Problem(src, None, None, None,
                                           "the table has no data rows")], source=src)
    return need


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
               rows: np.ndarray, sources: np.ndarray | None = None) -> pd.DataFrame:
    """Sum batches per group and period (arrays of shape (R,) in, one row per group and period out);
    ``_src`` (the sheet of the group's first row) when the rows come from several sheets."""
    out = pd.DataFrame({c: groups[c] for c in by})
    out["period"] = labels
    out["_start"] = starts
    out["_end"] = ends
    out["tested"] = tested
    out["failed"] = failed
    out["_row"] = rows
    agg = dict(tested=("tested", "sum"), failed=("failed", "sum"), _row=("_row", "min"))
    if sources is not None:
        out["_src"] = sources
        agg["_src"] = ("_src", "first")
    keys = list(by) + ["period", "_start", "_end"]
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


def total_rows(agg: pd.DataFrame, by: Sequence[str]) -> np.ndarray:
    """Mask of rows whose group (in any ``by`` column) is a total such as 合计 / 总计 / total."""
    is_total = np.zeros(len(agg), dtype=bool)
    for c in by:
        is_total |= agg[c].astype(str).str.strip().str.lower().isin(TOTAL_LABELS).to_numpy()
    return is_total


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
    problems = []
    for i in bad[:50]:
        j = i - 1
        while j >= 0 and grp[j] == grp[i] and ends[j] < starts[i]:
            j -= 1
        group = ", ".join(f"{c}={d[c].iloc[i]}" for c in by)
        there = "" if sources[j] == sources[i] else f" of {sources[j]}"
        problems.append(Problem(
            sources[i], int(rows[i]), period_header, str(periods[i]),
            f"a period that does not overlap the group's other periods: {periods[i]} overlaps "
            f"{periods[j]} (row {int(rows[j])}{there}) for {group}, so its batches would be counted twice. "
            "Keep one level of periods per group (only years, or only half-years), or drop the "
            "rows that sum others up"))
    raise DataValidationError(problems, source=src)


def resolve_as_of(as_of) -> Period | None:
    """Parse ``as_of`` (same spellings as periods) or raise a :class:`ParameterError`."""
    if as_of is None:
        return None
    try:
        return parse_period(as_of)
    except ValueError:
        raise ParameterError.invalid("as_of", "mstarget.risk.score", EXPECTED_PERIOD, as_of) from None
