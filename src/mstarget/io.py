"""Reading and writing tables by file extension (CSV, XLSX, XLS, Parquet, JSON).

CSV files are tried as UTF-8 (with or without BOM) then GBK / GB18030, the encodings Chinese
offices save in. :func:`read_grid` reads a sheet as it is laid out (no header assumed, merged cells
filled, cells formatted as percentages read as percentages) for :mod:`mstarget.layout` to find the
table in it. Writing goes to a temporary file first and is renamed into place, so a failure never
leaves a half-written result; a failure of the machine (full disk, read-only folder, a folder where
a file should be) is an :class:`~mstarget.exceptions.EnvironmentProblem` naming the path. Text
written to CSV / XLSX never runs as a spreadsheet formula (:func:`spreadsheet_safe`).

Several outputs of one command are all-or-nothing as a set: ``with outputs_together():`` (from
:mod:`mstarget.output_set`, also importable from here) stages every file written in the block and
renames them into place together when it ends, or removes them all on a failure.
"""
from __future__ import annotations

import contextlib
import csv
from collections import Counter
import datetime as _dt
import errno
import io as _io
import logging
import os
import re
import stat
import struct
import tempfile
import unicodedata
import warnings
import zipfile
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .exceptions import (
    DataValidationError,
    EnvironmentProblem,
    HiddenSheetWarning,
    MstargetWarning,
    ParameterError,
    Problem,
    TrackedChangesWarning,
    environment_cause,
)
from .output_set import current_set, file_in_the_way, record_written, same_file, write_problem
from .pdf_three_line import join_lines, three_line_tables
from .text_tables import (NAME_HEADERS, SERIAL_HEADERS, cell_per_line_tables, running_text_problem,
                          space_separated_problem)
from .validation import SCRIPT_DIGIT_CHARS, as_script

CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def source_name(obj) -> str:
    """How an input is named in error messages."""
    if isinstance(obj, pd.DataFrame):
        return "<DataFrame>"
    return str(obj)


def read_table(path: str | os.PathLike, *, dtype=str) -> pd.DataFrame:
    """Read a CSV / XLSX / XLS / Parquet / JSON table; cells as text unless ``dtype`` says otherwise.

    Raises :class:`DataValidationError` naming the file if it is missing, empty or unreadable.
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise ParameterError.invalid("path", "read_table", "a file path (str or pathlib.Path)", path)
    p = Path(path)
    src = str(path)
    _check_file(p, src)
    ext = p.suffix.lower()
    try:
        if ext in (".csv", ".txt", ".tsv"):
            text = decode_text(p.read_bytes(), src)
            sep = sniff_separator(text, "\t" if ext == ".tsv" else ",")
            df = pd.read_csv(_io.StringIO(text), dtype=dtype, sep=sep, keep_default_na=False,
                             na_values=[""], skipinitialspace=True)
            header = next(csv.reader(_io.StringIO(text, newline=""), delimiter=sep), [])
            return _repeated_headers(df, [h.strip() for h in header], src)
        if ext in (".xlsx", ".xlsm", ".xls"):
            df = pd.read_excel(p, dtype=dtype, keep_default_na=False, na_values=[""])
            header = pd.read_excel(p, header=None, nrows=1, dtype=str).iloc[0].tolist() if len(df.columns) else []
            if ext != ".xls" and dtype is str and len(df) and _has_formulas(p):
                df = _with_uncomputed_formulas(p, df)
            return _repeated_headers(df, ["" if pd.isna(h) else str(h).strip() for h in header], src)
        if ext == ".parquet":
            df = pd.read_parquet(p)
            return cells_as_text(df) if dtype is str else df
        if ext == ".json":
            df = pd.read_json(p)
            return cells_as_text(df) if dtype is str else df
    except DataValidationError:
        raise
    except pd.errors.EmptyDataError:
        raise DataValidationError([Problem(src, None, None, None,
                                           "the file is empty; expected a header row and data rows")],
                                  source=src) from None
    except Exception as exc:  # parser errors from pandas/openpyxl: say which file, not a deep traceback
        raise DataValidationError([Problem(src, None, None, None,
                                           f"cannot read the file as {ext[1:].upper()} table: {exc}")],
                                  source=src) from None
    raise DataValidationError([Problem(src, None, None, None,
                                       f"unsupported file type '{ext}'; use .csv, .xlsx, .xls, .docx, .html, "
                                       ".pdf, .parquet or .json" + convert_hint(ext))],
                              source=src)


GRID_TYPES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".docx", ".html", ".htm", ".pdf")
#: files whose parts are tables of a document (``plan.docx [table 2]``), not sheets of a workbook
DOCUMENT_TYPES = (".docx", ".html", ".htm", ".pdf")
_HTML_START = (b"<html", b"<!doctype html", b"<table", b"<meta", b"<head", b"<body")


def _check_file(p: Path, src: str) -> None:
    """A missing path or a folder is refused naming it."""
    if not p.exists():
        raise DataValidationError([Problem(src, None, None, None,
                                           "file not found; check the path")], source=src)
    if p.is_dir():
        raise DataValidationError([Problem(src, None, None, None,
                                           "is a folder, not a file; give the table's file name "
                                           "(e.g. 历史数据.xlsx inside it)")], source=src)


REPEATED_HEADER = ("表中有两列表头都是 '{name}' 且内容不同，无法判断使用哪一列 (two columns are headed '{name}' "
          "with different cells); delete one of them or give it another header")


def is_blank_header(c) -> bool:
    """A blank header cell: ``None`` / ``NaN`` (a DataFrame built from a sheet's rows) or ``""``."""
    return c is None or (isinstance(c, float) and np.isnan(c)) or (isinstance(c, str) and not c.strip())


def drop_repeated_columns(frame: pd.DataFrame, src: str) -> pd.DataFrame:
    """A table with two columns under one header: the repeat is dropped when its cells are the
    same, else the table is refused naming the header (:class:`DataValidationError`)."""
    names = pd.Index(["" if is_blank_header(c) else str(c) for c in frame.columns])
    dup = names.duplicated() & (names != "")
    if not dup.any():
        return frame
    keep = np.ones(frame.shape[1], dtype=bool)
    problems = []
    for k in np.flatnonzero(dup):
        name = names[k]
        first = int(np.flatnonzero(names == name)[0])
        if _cells_text(frame.iloc[:, k]) == _cells_text(frame.iloc[:, first]):
            keep[k] = False
        elif not any(p.column == str(name) for p in problems):
            problems.append(Problem(src, None, str(name), None, REPEATED_HEADER.format(name=name)))
    if problems:
        raise DataValidationError(problems, source=src)
    return frame.iloc[:, keep]


def _cells_text(column: pd.Series) -> list[str]:
    return ["" if pd.isna(v) else str(v).strip() for v in column.tolist()]


def _repeated_headers(df: pd.DataFrame, header: list, src: str) -> pd.DataFrame:
    """pandas renames a repeated header (``tested``, ``tested.1``): put the header as written back
    and let :func:`drop_repeated_columns` decide."""
    if len(header) != df.shape[1] or len(set(h for h in header if h)) == len([h for h in header if h]):
        return df
    named = [h if h else c for h, c in zip(header, df.columns)]
    return drop_repeated_columns(df.set_axis(named, axis=1), src)


def read_grid(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV / XLSX / XLS sheet as a grid of text, exactly as laid out (no header row assumed).

    Returns
    -------
    DataFrame
        Object columns ``0 .. k-1``, every cell a ``str`` (blank -> ``""``); the index is the
        spreadsheet row number (the first line is row 1). In a workbook the first sheet that is
        not blank is read (:func:`read_grids` gives every sheet), every merged range holds its
        top-left value in all its cells (a category merged over five rows labels all five),
        formulas give their saved values (a formula never computed -- a workbook written by a
        program and not yet saved by Excel / WPS -- gives its text, ``"=C2+1"``, which the readers
        refuse naming the cell), and a number formatted as a percentage (``0.95`` shown as
        ``95%``) reads ``"95%"``.

    Raises
    ------
    DataValidationError
        Naming the file if it is missing, empty, undecodable or not a table.
    """
    return read_grids(path)[0][1]


def read_grids(path: str | os.PathLike) -> list[tuple[str | None, pd.DataFrame]]:
    """Every sheet of a workbook that is not blank, as ``[(sheet name, grid)]`` in the workbook's
    order (grids as :func:`read_grid` gives them); a CSV gives ``[(None, grid)]``; a Word document
    (``.docx``, a plan as published) or a web page (``.html`` / ``.htm``, or a portal's export
    under an ``.xls`` / ``.xlsx`` name) gives each of its tables, ``[("table 1", grid), ...]``,
    merged / spanning cells filled as in a workbook; a PDF gives each ruled table of its pages,
    ``[("page 3 table 1", grid), ...]`` (:func:`_pdf_tables`)."""
    p = Path(path)
    src = str(path)
    _check_file(p, src)
    ext = p.suffix.lower()
    if ext not in GRID_TYPES:
        raise DataValidationError([Problem(src, None, None, None,
                                           f"unsupported file type '{ext}' for this reader; use .csv, "
                                           ".xlsx, .xls, .docx, .html or .pdf" + convert_hint(ext))],
                                  source=src)
    try:
        if ext in (".csv", ".txt", ".tsv"):
            sheets = _text_sheets(p, src, "\t" if ext == ".tsv" else ",")
        else:
            with open(p, "rb") as f:
                magic = f.read(8)
            # a workbook saved under the other Excel extension is read for what it is, and so is a
            # web page a portal exports under an Excel name
            old = magic.startswith(b"\xd0\xcf\x11\xe0") or (ext == ".xls" and not magic.startswith(b"PK"))
            if ext in (".html", ".htm") or (ext in (".xls", ".xlsx") and _is_html(p)):
                parts = _html_tables(p, src)
            elif ext == ".pdf":
                parts = _pdf_tables(p, src)
            elif ext == ".docx":
                parts = _docx_tables(p)
            else:
                parts, hidden = _xls_sheets(p) if old else _xlsx_sheets(p)
                parts = _visible(parts, hidden, src)
                _say_hidden_rows(parts, src)
                _refuse_merged_figures(parts, src)
            sheets = _as_grids(parts)
    except DataValidationError:
        raise
    except Exception as exc:  # a damaged or mislabelled file: say which, not a deep traceback
        if ext == ".docx":
            why = _not_a_document(exc)
        elif ext == ".pdf":
            why = (("a damaged PDF" if _starts_with(p, b"%PDF") else "not a PDF")
                   + f" ({type(exc).__name__})" + _PDF_FIX)
        else:
            why = _mislabelled(p) or f"{type(exc).__name__}: {exc}"
        raise DataValidationError([Problem(src, None, None, None, f"cannot read the file as {ext[1:].upper()}: {why}")],
                                  source=src) from None
    out = [(name, g) for name, g in ((name, _labelled(_trimmed(grid), grid.attrs.get("lines")))
                                     for name, grid in sheets) if g is not None]
    if not out and ext == ".pdf":
        raise DataValidationError([Problem(src, None, None, None,
                                           "PDF 中没有可读取的表格 (the PDF holds no ruled table with text -- "
                                           "a grid, or a three-line table (三线表) -- : a scanned page is an "
                                           "image, and figures lined up without any rules are not read)" + _PDF_FIX)], source=src)
    if not out and (ext in DOCUMENT_TYPES or _is_html(p)):
        what = "文档" if ext == ".docx" else "网页"
        raise DataValidationError([Problem(src, None, None, None,
                                           f"{what}中没有表格：指标须在表格中，请插入表格或复制到 Excel "
                                           f"(the {'document' if ext == '.docx' else 'web page'} holds no "
                                           "table; text lined up with spaces, an image or figures drawn by "
                                           "a script are not read: put them in a table, or copy them into "
                                           "Excel)")], source=src)
    if not out:
        raise DataValidationError([Problem(src, None, None, None,
                                           "the file is empty; expected a header row and data rows")],
                                  source=src)
    return out


def _as_grids(parts: list[tuple]) -> list[tuple[str, pd.DataFrame]]:
    """A document's tables (``[(name, rows of cells)]``) as grids, short rows padded with blank cells. A table
    rebuilt from a text page comes as ``(name, rows of cells, lines)``: its grid keeps the text's line of each
    row in ``attrs["lines"]``, which :func:`read_grids` makes its row labels, so that messages name the line."""
    out = []
    for name, rows, *lines in parts:
        width = max((len(r) for r in rows), default=0)
        grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
        if lines:
            grid.attrs["lines"] = list(lines[0])
        out.append((name, grid))
    return out


def _labelled(grid: pd.DataFrame | None, lines: list[int] | None) -> pd.DataFrame | None:
    """``grid`` with its rows labelled by the text's lines they start on (a table rebuilt from a text page,
    :func:`_as_grids`): messages say ``row 133`` for what an editor shows as line 133, not the rebuilt row 4."""
    if grid is not None and lines is not None and len(lines) == len(grid):
        grid.index = pd.Index(lines, dtype=int)
    return grid


def _trimmed(grid: pd.DataFrame) -> pd.DataFrame | None:
    """``grid`` without trailing blank columns, rows numbered from 1; None when it is blank."""
    cells = grid.to_numpy(dtype=object) if held_as_objects(grid) else None
    filled = cells != "" if cells is not None else (grid != "").to_numpy(dtype=bool)
    used = np.flatnonzero(filled.any(axis=0)) if filled.size else np.array([], dtype=int)
    if used.size == 0:
        return None
    # trailing blank columns dropped; cells held as objects become pandas' text columns
    grid = pd.DataFrame(cells[:, : used[-1] + 1]) if cells is not None else grid.iloc[:, : used[-1] + 1]
    grid.columns = pd.RangeIndex(grid.shape[1])
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return grid


def cells_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a Parquet / JSON table, any dtypes) with every cell as its text and a missing cell
    (NaN, None, NaT, pd.NA) left missing, same shape, under pandas 2 and 3 alike: pandas 2's
    ``astype(str)`` writes a missing cell as the words ``nan`` / ``None`` / ``<NA>`` (then refused
    as a placeholder, or read as a unit ``None``), pandas 3's keeps it missing."""
    return frame.astype(str).where(frame.notna())


def held_as_objects(frame: pd.DataFrame) -> bool:
    """Whether every column of ``frame`` holds Python objects (text under pandas 2, a workbook's
    grid): such cells are tested fastest as one object array, pandas 3's text (Arrow) columns
    one column at a time (a copy into Python objects costs more than reading the file)."""
    return all(dtype == object for dtype in frame.dtypes)


def decode_text(raw: bytes, src: str) -> str:
    """The text of a CSV file: UTF-16 with a byte-order mark (Excel's "Unicode text"), else UTF-8
    (with or without BOM), else GBK / GB18030. Binary content (NUL bytes: a workbook, a UTF-32
    file, a picture named .csv) is refused naming the file."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) and not raw.startswith(b"\xff\xfe\x00\x00"):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            text = None
        if text is not None and "\x00" not in text:
            return text
    if b"\x00" in raw:
        kind = "an Excel workbook" if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) else \
            "binary data, or text in an encoding such as UTF-32"
        raise DataValidationError([Problem(src, None, None, None,
                                           f"not a text table: the file holds {kind}; save the table "
                                           "as CSV in UTF-8 or GBK (or give the workbook its .xlsx / "
                                           ".xls name)")], source=src)
    last_exc = None
    for enc in CSV_ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError as exc:
            last_exc = exc
    raise DataValidationError([Problem(src, None, None, None,
                                       "cannot decode the file; save it as UTF-8 or GBK "
                                       f"({last_exc})")], source=src)


def sniff_separator(text: str, sep: str = ",") -> str:
    """``sep``, unless no line of the file holds one and its lines are separated by ``;`` or tabs
    instead (a CSV saved with European settings, or Excel's tab-separated "Unicode text")."""
    head = text[:100_000]  # the first lines only: splitting a 1M-line file costs ~0.1 s
    head_lines = head.splitlines()
    if len(head) < len(text) and len(head_lines) > 1:
        head_lines.pop()  # cut short
    lines = [ln for ln in head_lines[:50] if ln.strip()]
    if not lines or any(sep in ln for ln in lines):
        return sep
    for other in ("\t", ";", ","):
        if other != sep and sum(other in ln for ln in lines) * 2 >= len(lines):
            return other
    return sep


def _mislabelled(p: Path) -> str:
    """What a file named .xlsx / .xls that is no workbook really is, with the fix; else ``""``."""
    try:
        head = p.read_bytes()[:2048]
    except OSError:
        return ""
    if not head.strip():
        return "the file is empty; expected a header row and data rows"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta", b"<head")):
        return ("it is a web page (HTML) with a spreadsheet name, as some portals export; open it in "
                "Excel or WPS and save it as .xlsx, or copy the table into a CSV file")
    if b"\x00" not in head:
        return ("it is a text file (CSV?) with a spreadsheet name; rename it to .csv, or open it in "
                "Excel and save it as .xlsx")
    return ""


def _is_html(p: Path) -> bool:
    """A web page (a browser's "save as", or a portal's "export to Excel" under an .xls name)."""
    try:
        with open(p, "rb") as f:
            head = f.read(2048)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_HTML_START)


def _html_tables(p: Path, src: str) -> list[tuple[str, list[list[str]]]]:
    """The tables of a web page, in order, as grids: a cell spanning rows or columns (``rowspan``
    / ``colspan``) holds its text in every position it spans, as merged cells of a workbook do;
    a cell's text is its words joined by single spaces (``&nbsp;`` and line breaks included).
    The page's text is decoded as a CSV's is (UTF-8, GBK, UTF-16; :func:`decode_text`)."""
    import lxml.html  # lazy: lxml, only for web pages

    text = decode_text(p.read_bytes(), src)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a str with an encoding declaration
    root = lxml.html.document_fromstring(text)
    # what a browser does not show is not the table's: scripts, styles, elements hidden by their
    # style or the hidden attribute (a page may hide digits inside a figure to foil copying)
    for hidden in root.xpath("//script | //style | //*[@hidden] | //*[contains(translate(@style, ' ', ''), "
                             "'display:none') or contains(translate(@style, ' ', ''), 'visibility:hidden')]"):
        if hidden.getparent() is not None:
            hidden.drop_tree()
    for mark in root.iter("sup", "sub"):  # 99<sup>1</sup> (a footnote) is 99¹, refused as such, not 991
        position = "superscript" if mark.tag == "sup" else "subscript"
        for node in [mark, *mark.iterdescendants()]:
            node.text = node.text and as_script(node.text, position)
            if node is not mark:
                node.tail = node.tail and as_script(node.tail, position)
    out, read = [], {}  # read: table element -> its rows in ``out`` (a continuation joins them)
    for k, table in enumerate(root.iter("table"), 1):
        grid: dict = {}
        for r, tr in enumerate(table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")):
            c = 0
            for cell in tr.xpath("./td | ./th"):
                while (r, c) in grid:
                    c += 1
                words = " ".join(cell.text_content().replace("\xa0", " ").split())
                rows, cols = _span(cell.get("rowspan")), _span(cell.get("colspan"))
                for dr in range(rows):
                    for dc in range(cols):
                        grid.setdefault((r + dr, c + dc), words)
                c += cols
        if grid:
            n_rows, n_cols = max(r for r, _ in grid) + 1, max(c for _, c in grid) + 1
            rows = [[grid.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)]
            before, caption = _html_previous_table(table)
            previous = read.get(before)
            if previous is not None and _continues(previous, rows, caption):  # 续表: one table
                _run_on(previous, rows)
                read[table] = previous
            else:
                out.append((f"table {k}", rows))
                read[table] = rows
    return out


def _html_previous_table(table):
    """The table just before ``table`` among its siblings and the text between them (a 续表
    caption), or ``(None, "")`` when another element stands between them."""
    parts = []  # nearest first
    for node in table.itersiblings(preceding=True):
        parts.append(node.tail or "")
        if node.tag == "table":
            return node, "".join(reversed(parts)).strip()
        if node.tag not in _CAPTION_TAGS or any(True for _ in node.iter("table")):
            return None, ""
        parts.append(node.text_content())
    return None, ""


#: elements a caption between two tables of a web page is written in (a 续表 line)
_CAPTION_TAGS = {"p", "div", "span", "br", "b", "strong", "center", "font", "h1", "h2", "h3", "h4", "h5", "h6"}


def _starts_with(p: Path, magic: bytes) -> bool:
    with open(p, "rb") as f:
        return f.read(len(magic)) == magic


#: how to get a PDF's table read when it cannot be: the document it was made from, or Excel
_PDF_FIX = ("; 请使用规划的 Word 原文件，或把表格复制到 Excel 后核对数字 (use the Word document the PDF was made "
            "from, convert the PDF to .docx in WPS or Word, or type / copy the table into Excel and check "
            "its figures)")


def _pdf_tables(p: Path, src: str) -> list[tuple[str, list[list[str]]]]:
    """The ruled tables of a PDF (a plan as a government site publishes it), page by page, as grids.

    Tables are found by their lines (pdfplumber's default, as Word and WPS draw a table's borders), and
    three-line tables (三线表: horizontal rules only) by their rules (:mod:`mstarget.pdf_three_line`); a
    cell spanning rows or columns holds its text in every position it spans, as merged cells of a
    workbook do, and a cell's lines are joined (``预期`` / ``性`` is ``预期性``). A table that runs on
    from one page to the next (the last table of a page, the first of the next, as many columns) is
    one table: a header repeated at the top of the new page is left out, and rows are counted down
    the table as if it were printed on one page. Text the PDF's fonts do not map to characters
    (``(cid:12)``) is refused, never guessed."""
    import pdfplumber  # lazy: pdfplumber (pdfminer.six), only for PDFs

    # (name, rows, page, first table on its page, last table on its page, runs on). Tables on consecutive
    # pages are joined on these alone, not on where they sit: a part left out would be lost without a
    # word, while two tables joined by mistake give rows that are refused, naming them
    found: list[tuple[str, list[list[str]], int, bool, bool, bool]] = []
    with _quiet_pdfminer(), pdfplumber.open(str(p)) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            _pdf_scripts(page)
            tables = sorted(page.find_tables(), key=lambda t: (t.bbox[1], t.bbox[0]))
            lined = three_line_tables(page, [t.bbox for t in tables])
            grids = [(_pdf_grid(t), False) for t in tables] + [(t.rows, t.runs_on) for t in lined]
            for k, (rows, runs_on) in enumerate(grids, 1):
                if any("(cid:" in c for r in rows for c in r):
                    raise DataValidationError([Problem(
                        f"{src} [page {n} table {k}]", None, None, None,
                        "PDF 的字体没有字符映射，文字无法读取 (the PDF's fonts do not say which characters "
                        "they draw, so its text cannot be read)" + _PDF_FIX)], source=src)
                found.append((f"page {n} table {k}", rows, n, k == 1, k == len(grids), runs_on))
    out: list[tuple[str, list[list[str]]]] = []
    prev_page, closes, open_table = 0, False, None
    for name, rows, n, opens, closes_page, runs_on in found:
        if (out and closes and opens and n == prev_page + 1 and rows and out[-1][1]
                and len(rows[0]) == len(out[-1][1][0])):
            _run_on(out[-1][1], rows)  # the same table run on to the next page, its header not repeated
        else:
            if open_table is not None:
                break
            out.append((name, rows))
        prev_page, closes, open_table = n, closes_page, (name if runs_on else None)
    if open_table is not None:
        raise DataValidationError([Problem(
            f"{src} [{open_table}]", None, None, None,
            "三线表跨页，后续部分无法识别 (a three-line table runs on past this page without its closing "
            "rule, and the top of the next page holds no table with as many columns to continue it: "
            "it is not read in part)" + _PDF_FIX)], source=src)
    return out


#: a digit is a superscript (subscript) of the character beside it when it is at most this share of
#: that character's size and its bottom (top) is this share of the size above (below) the other's
SCRIPT_SIZE, SCRIPT_SHIFT = 0.85, 0.2


def _pdf_scripts(page) -> None:
    """Digits a PDF sets smaller and raised (a footnote: 6 with a superscript 1) or lowered become
    superscript / subscript characters (``6¹``) placed on their neighbour's line, in the page's
    characters themselves (tables and three-line tables are read from them). Left as drawn, the
    raised 1 was read as its own line above the 6 and the target read 16 without a word; as ``6¹``
    the number readers refuse it, and a name's footnote (``千人食品检验量¹``) is dropped in matching.

    The neighbour is the character drawn just before or after the digit (a run's order), touching it."""
    chars = [c for c in page.chars if c.get("text", "").strip()]
    for k, c in enumerate(chars):
        if c["text"] not in "0123456789":
            continue
        for r in (chars[k - 1] if k else None, chars[k + 1] if k + 1 < len(chars) else None):
            if r is None or r["text"] in SCRIPT_DIGIT_CHARS or c["size"] > SCRIPT_SIZE * r["size"]:
                continue
            gap = c["x0"] - r["x1"] if r["x0"] < c["x0"] else r["x0"] - c["x1"]
            if gap > 0.3 * r["size"]:
                continue
            if c["bottom"] < r["bottom"] - SCRIPT_SHIFT * r["size"]:
                position = "superscript"
            elif c["top"] > r["top"] + SCRIPT_SHIFT * r["size"]:
                position = "subscript"
            else:
                continue
            c["text"] = as_script(c["text"], position)
            for key in ("top", "bottom", "doctop", "y0", "y1"):
                if key in r:
                    c[key] = r[key]
            break


@contextlib.contextmanager
def _quiet_pdfminer():
    """pdfminer logs each repair of a slightly damaged file ("Not adding object 2 to xref ...") to
    stderr; what matters reaches the user as a refusal or as the table read."""
    log = logging.getLogger("pdfminer")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _pdf_grid(table) -> list[list[str]]:
    """One pdfplumber table as rows of text, spanned positions filled from the cell spanning them."""
    rows = [[_pdf_text(c) if c is not None else None for c in r] for r in table.extract()]
    tops = [next((c[1] for c in r.cells if c), None) for r in table.rows]
    lefts = [next((c[0] for c in col.cells if c), None) for col in table.columns]
    for i, r in enumerate(table.rows):
        for j, bbox in enumerate(r.cells):
            if bbox is not None or i >= len(rows) or j >= len(rows[i]):
                continue
            col = table.columns[j].cells if j < len(table.columns) else []
            x = next(((c[0] + c[2]) / 2 for c in col if c), None)
            y = next(((c[1] + c[3]) / 2 for c in r.cells if c), None)
            cover = next((c for c in table.cells if x is not None and y is not None
                          and c[0] <= x <= c[2] and c[1] <= y <= c[3]), None)
            if cover is None or cover[1] not in tops or cover[0] not in lefts:
                continue
            rows[i][j] = rows[tops.index(cover[1])][lefts.index(cover[0])]
    return [[c if c is not None else "" for c in r] for r in rows]


def _pdf_text(text: str) -> str:
    """A cell's lines joined (:func:`~mstarget.pdf_three_line.join_lines`)."""
    return join_lines([line.strip() for line in text.split("\n") if line.strip()])


def _span(value) -> int:
    try:
        return min(max(int(str(value).strip()), 1), 1000)
    except (TypeError, ValueError):
        return 1


#: the fix for an old binary Word file (.doc), added to the "unsupported file type" message
_OLD_WORD = " (旧版 Word 文件：请在 Word 或 WPS 中另存为 .docx; save a .doc as .docx in Word or WPS)"
#: how to turn a file bureaus often have, but no reader takes, into one that is read
_CONVERT = {
    ".doc": _OLD_WORD,
    ".wps": " (WPS 文字文件：请在 WPS 中另存为 .docx; save it as .docx in WPS)",
    ".et": " (WPS 表格文件：请在 WPS 中另存为 .xlsx; save it as .xlsx in WPS)",
    ".ofd": " (OFD 版式文件：请在数科阅读器等软件中导出为 Word 或 Excel; export it to Word or Excel first)",
}


def convert_hint(ext: str) -> str:
    """How to convert a file of type ``ext`` that no reader takes (a PDF, a WPS or old Word file)
    into one that is read; ``""`` when there is nothing to say."""
    return _CONVERT.get(ext.lower(), "")


def _not_a_document(exc: Exception) -> str:
    return (f"不是 .docx 格式的 Word 文档，请在 Word 或 WPS 中另存为 .docx (it is not a Word document of the "
            f".docx kind ({type(exc).__name__}); open it in Word or WPS and save it as .docx (Word 2007 or "
            "later), or copy the table into Excel and save it as .xlsx)")


#: a line holding only the header 序号 (or a name column's, 指标): a table written one cell per line
#: (:mod:`mstarget.text_tables`)
_HEADER_LINE = re.compile(r"^[ \t\u00a0\u3000]*(" + "|".join(SERIAL_HEADERS + NAME_HEADERS)
                          + r")[ \t\u00a0\u3000]*$", re.M)


def _text_sheets(p: Path, src: str, sep: str) -> list[tuple[str | None, pd.DataFrame]]:
    """A CSV / text file's grid, ``[(None, grid)]``; a document's text holding plan tables written one
    cell per line (a web page saved as text) gives each of them, ``[("table 1", grid), ...]``, with a
    warning to check them; other running text is refused, saying so (:mod:`mstarget.text_tables`)."""
    text = decode_text(p.read_bytes(), src)
    sep = "\t" if sep == "," and _tabbed_table(text) else sniff_separator(text, sep)
    problems: list[str] = []
    if _HEADER_LINE.search(text[:500_000]):
        tables, problems = cell_per_line_tables(text)
        if tables:
            names = ", ".join(repr(rows[0][0]) if len(rows[0]) == 1 else name for name, rows, _ in tables)
            warnings.warn(MstargetWarning(
                f"{src}: read {len(tables)} table(s) written one cell per line, as a web page saved as text "
                f"writes them ({names}): check the rows read -- each row runs from its serial number to "
                "its attribute (约束性 / 预期性) or to the next row's number, a category cell carries to the rows "
                "after it（已按每行一个单元格"
                "的网页文本读取指标表，请核对）"), stacklevel=4)
            return _as_grids(tables)
    if problems:  # the 序号 / 指标 header stands alone on its line: this is no CSV table either
        raise DataValidationError([Problem(src, None, None, None, (
            "a table written one cell per line (a web page saved as text) could not be read row by row: "
            + "; ".join(problems) + ". Each row runs from its serial number to its attribute (约束性 / 预期性) "
            "or, in a table without one, to the next row's number, with one cell per column of the header "
            "(a blank cell a line of spaces): correct that row, or save the web page as .html (its tables are "
            "read), or copy the table into Excel（逐行单元格的指标表无法按行读取：请修正该行，或将网页另存为 .html）"))],
            source=src)
    why = space_separated_problem(text, sep) or running_text_problem(text, sep)
    if why is not None:
        raise DataValidationError([Problem(src, None, None, None, why)], source=src)
    return [(None, _csv_grid(text, src, sep))]


def _tabbed_table(text: str) -> bool:
    """Whether a text's table is tab separated though commas occur in it: a table copied from a web page or a
    document (cells joined by tabs) amid sentences written with ',' -- the tab-holding lines agree on their
    number of tabs (2 or more, on 3 lines or more) more often than the comma-holding lines agree on theirs."""
    lines = [ln for ln in text[:200_000].splitlines()[:300] if ln.strip()]
    tabs = Counter(ln.count("\t") for ln in lines if "\t" in ln)
    if not tabs:
        return False
    k, n = tabs.most_common(1)[0]
    commas = Counter(ln.count(",") for ln in lines if "," in ln)
    return k >= 2 and n >= 3 and n > (commas.most_common(1)[0][1] if commas else 0)


def _csv_grid(text: str, src: str, sep: str) -> pd.DataFrame:
    try:  # a rectangular file (most large ones): pandas' C parser
        grid = pd.read_csv(_io.StringIO(text), header=None, dtype=str, sep=sep, keep_default_na=False,
                           na_filter=False, skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        return pd.DataFrame(dtype=object)
    except pd.errors.ParserError:  # rows of different lengths (a title line above the header)
        rows = list(csv.reader(_io.StringIO(text, newline=""), delimiter=sep))
        _refuse_long_rows(rows, src, sep)
        width = max((len(r) for r in rows), default=0)
        grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    if not _may_need_strip(text, sep):  # no cell starts or ends with a space (most large files)
        return grid
    zeros = " -" in text and "- " in text  # an accounting-format zero saved as shown: " -   "
    for c in grid.columns:
        raw = grid[c].tolist() if zeros else None
        if grid[c].dtype == object:  # Python strings (pandas 2): a plain loop is ~4x faster than .str
            grid[c] = np.array([text.strip() for text in grid[c].tolist()], dtype=object)
        else:
            grid[c] = grid[c].str.strip()
        if zeros:
            _accounting_zeros(grid, c, raw)
    return grid


#: Excel's accounting format shows a zero as a dash padded by spaces (``_ * "-"_``): `` -   `` when saved
#: as CSV; a dash alone (``-``, ``—``) is a table's "no figure"
_ACCOUNTING_ZERO = re.compile(r"^[ \t]*[¥￥$]?[ \t]+-[ \t]+$")
#: a cell that makes a column one of figures: a number (``1,234``, ``-5.81``, ``98%``) or a year heading it
#: (``2020年``, ``2021年度``, ``2022``)
_FIGURE_TEXT = re.compile(r"^([-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?|(19|20)\d{2}年?度?)$")


def _accounting_zeros(grid: pd.DataFrame, column, raw: list) -> None:
    """A CSV column's accounting-format zeros (`` -   ``, :data:`_ACCOUNTING_ZERO`, as the raw cell was
    written: spaces both sides of the dash) read as ``0`` when its other cells give numbers or it is headed by a
    year (:data:`_FIGURE_TEXT`) -- as the .xlsx the CSV was saved from holds 0 there; a bare ``-`` stays "no
    figure", and so does the dash in a column of text (3项待核)."""
    zero = np.array([isinstance(t, str) and bool(_ACCOUNTING_ZERO.match(t)) for t in raw], dtype=bool)
    if not zero.any():
        return
    cells = grid[column].tolist()
    if any(_FIGURE_TEXT.match(t) for t, z in zip(cells, zero) if not z and isinstance(t, str)):
        grid[column] = np.where(zero, "0", np.asarray(cells, dtype=object))


def _refuse_long_rows(rows: list[list[str]], src: str, sep: str) -> None:
    """Refuse a CSV whose rows hold more filled cells than the table's own rows (the most common count among
    rows of two or more cells): ``市场主体,户,18,900,31,200`` under a 4-column header is a thousands separator
    typed inside an unquoted number, and reading it would silently take 18 and 900 as two figures. Shorter
    rows (a title line, a note) and trailing empty cells are fine."""
    filled = []
    for r in rows:
        n = len(r)
        while n and not r[n - 1].strip():
            n -= 1
        filled.append(n)
    counts = pd.Series([n for n in filled if n >= 2])
    if counts.empty:
        return
    usual = int(counts.value_counts().idxmax())
    long = [(i + 1, n) for i, n in enumerate(filled) if n > usual]
    if not long:
        return
    why = ("a number written with ',' inside it (18,900)? Quote such cells (\"18,900\") or write them without "
           "the thousands separator (18900)（该行单元格比表中各行多：数字中有千位分隔逗号？请给该单元格加引号或去掉逗号）"
           if sep == "," else f"a separator {sep!r} inside a cell? Quote such cells（单元格内含分隔符？请加引号）")
    raise DataValidationError([Problem(src, row, None, sep.join(rows[row - 1][:n]),
                                       f"{n} cells where the table's rows have {usual}: {why}")
                               for row, n in long[:20]], source=src)


#: what ``str.strip()`` removes, but line ends (every white space character is below U+3001)
_WHITE_SPACE = tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\r\n")


def _may_need_strip(text: str, sep: str) -> bool:
    """Whether some cell of the CSV ``text`` may start or end with white space (what ``str.strip``
    removes). ``False`` guarantees none does: the text holds no quote (so no cell holds a line
    end) and no white space but line ends and a tab separator. ~0.1 s for 1M rows, against
    ~0.7 s for stripping every cell."""
    return '"' in text or any(c in text for c in _WHITE_SPACE if c != sep)


def cell_text(value, number_format: str = "") -> str:
    """The text of one spreadsheet cell as a reader sees it (``0.95`` formatted ``0%`` -> ``"95%"``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, (int, float)):
        scale, percent = _number_format_scale(number_format or "", float(value))
        before, after = _format_marks(number_format or "", float(value))
        if scale != 1.0 or percent:
            return before + f"{round(float(value) * scale, 10):.15g}" + ("%" if percent else "") + after
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:  # (1e308: '1e+308', not 309 digits)
            return before + str(int(value)) + after
        return before + (f"{value:.15g}" if isinstance(value, float) else str(value)) + after
    if isinstance(value, (_dt.datetime, _dt.date)):
        shown = _date_as_shown(value, number_format or "")
        if shown:
            return shown
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


def _number_format_scale(number_format: str, value: float) -> tuple[float, bool]:
    """``(factor, percent)``: what a number format does to the number it shows -- ``0.0%`` shows
    ``0.95`` as ``95.0%`` (x100, a % sign), ``#,##0,`` shows ``31200`` as ``31`` (/1000 per comma
    after the last digit; not when the format writes the multiplier, ``0,"千"`` or ``0!.0,"万"``: the
    header then names the unit of the number itself), while a quoted or escaped ``"%"`` / ``\\%``
    (a number that already is a percentage, ``95`` shown ``95.0%``) is only a sign: (1, True). The
    section showing ``value`` is used (:func:`_format_section`)."""
    sections = _format_sections(number_format)
    shown = [re.sub(r"\[[^\]]*\]", "", sec) for sec in sections]  # without colours, locales, conditions
    literal = re.compile(r'"[^"]*"|[\\!].')  # "text", \x or !x

    def placeholders(fmt):  # the format without its literals, _x (a space) and *x (fill)
        return re.sub(r'"[^"]*"|[\\!].|_.|\*.', "", fmt)

    fmt = shown[_format_section(sections, value)]
    if not re.search(r"[0#?]", placeholders(fmt)):  # a section of text only ([>=0.995]">99%"): the number's own
        fmt = next((f for f in shown if re.search(r"[0#?]", placeholders(f))), fmt)
    bare, literals = placeholders(fmt), "".join(literal.findall(fmt))
    scale = 100.0 ** bare.count("%")
    digits = re.search(r"[0#?](?!.*[0#?])", bare)  # the last digit placeholder
    if digits and not re.search(r"[千万亿kKmM]", literals):  # 31千 / 3.1万 shown: the header is in 元, 户
        commas = re.match(r",*", bare[digits.end():]).group()
        scale /= 1000.0 ** len(commas)
    return scale, "%" in bare or "%" in literals


#: literal text of a number format that is part of what the cell says: a direction or plan notation
_FORMAT_MARKS = re.compile(r"[≥≤><〔〕〈〉]|以上|以下|以内|不低于|不高于|不超过|不少于|不多于")


def _format_marks(number_format: str, value: float) -> tuple[str, str]:
    """The literal text a number format shows before and after ``value`` when it states a direction
    or plan notation (``"≤"0.0`` shows ``0.5`` as ``≤0.5``; ``0"以上"``; ``"〔"0.00"〕"``), else
    ``("", "")``: other literals (a unit, ``0.00"万户"``) are the header's business."""
    if not number_format or not _FORMAT_MARKS.search(number_format):
        return "", ""
    sections = _format_sections(number_format)
    fmt = re.sub(r"\[[^\]]*\]", "", sections[_format_section(sections, value)])
    pieces = re.findall(r'"([^"]*)"|[\\!](.)|(_.|\*.)|([0#?][0#?,.]*)|(.)', fmt)
    first = next((k for k, p in enumerate(pieces) if p[3]), None)
    if first is None:
        return "", ""
    last = max(k for k, p in enumerate(pieces) if p[3])

    def text(ps):  # the literals as shown: quoted text, an escaped character, any other sign but %
        return "".join(q or e or (o if o != "%" else "") for q, e, _, _, o in ps)
    before, after = text(pieces[:first]).strip(), text(pieces[last + 1:]).strip()
    return (before if _FORMAT_MARKS.search(before) else "",
            after if _FORMAT_MARKS.search(after) else "")


def _format_sections(number_format: str) -> list[str]:
    """A number format's sections (positive; negative; zero; text), split at ``;`` outside quotes."""
    sections, quoted, part = [], False, ""
    for ch in number_format:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            sections.append(part)
            part = ""
        else:
            part += ch
    sections.append(part)
    return sections


def _format_section(sections: list[str], value: float) -> int:
    """Which section of a number format shows ``value``: the first whose condition (``[>=0.995]``)
    holds, else the first without one; without conditions by sign (positive; negative; zero)."""
    conditions = [re.search(r"\[(<=|>=|<>|<|>|=)\s*(-?[\d.]+)\]", sec) for sec in sections]
    if any(conditions):
        ops = {"<": float.__lt__, ">": float.__gt__, "=": float.__eq__, "<=": float.__le__,
               ">=": float.__ge__, "<>": float.__ne__}
        return next((k for k, cond in enumerate(conditions)
                     if cond is None or ops[cond.group(1)](value, float(cond.group(2)))), len(sections) - 1)
    if value < 0 and len(sections) > 1 and sections[1].strip():
        return 1
    if value == 0 and len(sections) > 2 and sections[2].strip():
        return 2
    return 0


def _date_as_shown(value, number_format: str) -> str:
    """A date cell formatted to show only its year (``yyyy"年"`` -> ``"2021年"``) or its year and
    month (``yyyy"年"m"月"`` -> ``"2021年12月"``), as the sheet shows it: a year header typed as a
    date stays a year. Other formats: ``""`` (the ISO date is used)."""
    fmt = re.sub(r"\[[^\]]*\]", "", number_format)  # [$-804] locale, [Red] colour
    bare = re.sub(r'"[^"]*"|\\.', "", fmt).lower()
    if "y" not in bare or re.search(r"[dhs]", bare):
        return ""
    year_word = "年" in fmt
    if "m" not in bare:
        return f"{value.year}年" if year_word else str(value.year)
    return f"{value.year}年{value.month}月" if year_word else f"{value.year}-{value.month:02d}"


def _visible(parts, hidden: set, src: str):
    """The sheets shown in Excel / WPS, when one of them holds anything: a hidden sheet (an old copy
    of the table, a helper sheet) is passed over with a :class:`HiddenSheetWarning` naming it --
    read, its rows would be assessed or refused (two targets for one indicator) though the user does
    not see them. A workbook whose only filled sheets are hidden is read whole."""
    filled = [(name, rows) for name, rows in parts if any(any(str(c or "").strip() for c in r) for r in rows)]
    skipped = [name for name, _ in filled if name in hidden]
    if not skipped or len(skipped) == len(filled):
        return parts
    them = "them" if len(skipped) > 1 else "it"
    warnings.warn(HiddenSheetWarning(
        f"{src}: 工作表 {'、'.join(repr(n) for n in skipped)} 在 Excel 中已隐藏，未读取 (hidden sheet"
        f"{'s' if len(skipped) > 1 else ''} not read: only the sheets shown are; to have {them} read, "
        f"unhide {them} -- right-click a sheet tab, 取消隐藏 / Unhide -- and save)"), stacklevel=2)
    return [(name, rows) for name, rows in parts if name not in hidden]


class _Rows(list):
    """A sheet's rows (lists of cell texts) and the numbers (1-based) of the filled rows and
    columns hidden in Excel, whose cells are blanked: not read, as a hidden sheet is not
    (``hidden``, ``hidden_columns``, with each such column's first text in ``column_heads``); and
    the figures merged across the columns of several years (``merged_figures``, refused)."""

    hidden: tuple = ()
    hidden_columns: tuple = ()
    column_heads: dict = {}
    merged_figures: list = []


def _say_hidden_rows(parts, src: str) -> None:
    """A :class:`HiddenSheetWarning` naming the filled rows hidden in Excel (hidden by hand or by a
    filter), which are not read."""
    said = [f"{'' if len(parts) == 1 else repr(name) + ' '}{', '.join(map(str, rows.hidden[:10]))}"
            + (" …" if len(rows.hidden) > 10 else "")
            for name, rows in parts if getattr(rows, "hidden", ())]
    if said:
        warnings.warn(HiddenSheetWarning(
            f"{src}: 在 Excel 中隐藏的行未读取 (rows hidden in Excel, by hand or by a filter, are not read: "
            f"row {'; '.join(said)}); to have them read, unhide them -- select the rows around, right-click, "
            "取消隐藏 / Unhide, or clear the filter -- and save"), stacklevel=3)
    said = [f"{'' if len(parts) == 1 else repr(name) + ' '}"
            + ", ".join(_column_letter(c) + (f" ({rows.column_heads.get(c, '')[:20]})"
                                            if rows.column_heads.get(c) else "") for c in rows.hidden_columns[:10])
            + (" …" if len(rows.hidden_columns) > 10 else "")
            for name, rows in parts if getattr(rows, "hidden_columns", ())]
    if said:
        warnings.warn(HiddenSheetWarning(
            f"{src}: 在 Excel 中隐藏的列未读取 (columns hidden in Excel are not read, as hidden rows are not: "
            f"column {'; '.join(said)}); to have them read, unhide them -- select the columns around, "
            "right-click, 取消隐藏 / Unhide -- and save"), stacklevel=3)


def _refuse_merged_figures(parts, src: str) -> None:
    """A :class:`DataValidationError` naming every plain figure merged across the value columns of
    several years (``C6:D6`` merged over 2021年-2022年 holding 52, :func:`_merged_figures`): filled
    into each, the figure would be read as every year's, though it may as well be their total -- each
    year must have its own, or a plan's total for the period be written 〈52〉."""
    problems = [Problem(src if len(parts) == 1 else f"{src} [sheet '{name}']", row, heads[0], figure,
                        f"cells {where} are merged over {heads[0]}-{heads[-1]} and hold one figure for "
                        f"{len(heads)} columns of different years (each year's figure, or their total?): "
                        "unmerge them and give each year its own figure; in a plan, a total for the period "
                        f"is written 〈{figure}〉 and a level each year must reach ≥{figure}（合并单元格跨多个年份：请取消"
                        "合并，每年分别填写数值；规划期累计值请写作〈〉）")
                for name, rows in parts for where, row, heads, figure in getattr(rows, "merged_figures", [])]
    if problems:
        raise DataValidationError(problems, source=src)


def _xlsx_sheets(p: Path) -> tuple[list[tuple[str, list[list[str]]]], set[str]]:
    """Every sheet of the .xlsx ``p`` as ``(title, rows)``, and the titles of the hidden ones."""
    from openpyxl import load_workbook  # lazy: openpyxl, only for .xlsx files

    # merged ranges need the full (not read-only) mode; rich text keeps a superscript footnote (6¹) apart
    wb = load_workbook(p, data_only=True, rich_text=True)
    try:
        sheets = [(ws.title, _xlsx_rows(ws)) for ws in wb.worksheets]
        hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
    finally:
        wb.close()
    if _has_formulas(p):
        _show_uncomputed_formulas(p, sheets)
    return sheets, hidden


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(p: Path) -> bool:
    """Whether some worksheet of the .xlsx ``p`` holds a formula (a ``<f>`` element): only then is
    the workbook read a second time for its formulas (~ms for a bureau's table)."""
    try:
        with zipfile.ZipFile(p) as z:
            return any(_FORMULA_TAG.search(z.read(n)) for n in z.namelist()
                       if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


def _with_uncomputed_formulas(p: Path, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` (the first sheet of ``p``, header on row 1) with the formula text in every cell whose
    formula has no saved value (see :func:`_show_uncomputed_formulas`)."""
    df = df.copy()
    for r, k, text in _formulas(p, first_only=True)[0]:
        if 1 <= r <= len(df) and k < df.shape[1] and pd.isna(df.iat[r - 1, k]):
            df.iat[r - 1, k] = text
    return df


def _show_uncomputed_formulas(p: Path, sheets: list[tuple[str, list[list[str]]]]) -> None:
    """Put the formula text (``=C2+1``) into every cell of ``sheets`` whose formula has no saved
    value. A workbook written by a program (a script, some exports) and never opened in Excel or
    WPS stores formulas without their results; read for values, such a cell is blank and its year
    would silently go missing. Holding the formula, it is refused like a formula typed as text
    ("the value, not a spreadsheet formula"), naming its row and column."""
    for cells, (_, rows) in zip(_formulas(p), sheets):
        for r, k, text in cells:
            if r + 1 in getattr(rows, "hidden", ()) or k + 1 in getattr(rows, "hidden_columns", ()):
                continue  # a hidden row or column is not read
            if r < len(rows) and k < len(rows[r]) and rows[r][k] == "":
                rows[r][k] = text


def _formulas(p: Path, *, first_only: bool = False) -> list[list[tuple[int, int, str]]]:
    """Per sheet of the .xlsx ``p`` (the first only, with ``first_only``): ``(row, column,
    "=formula")``, 0-based, of every cell holding a formula."""
    from openpyxl import load_workbook  # lazy: openpyxl, only for .xlsx files

    wb = load_workbook(p, data_only=False, read_only=True)
    try:
        out = []
        for ws in wb.worksheets[:1] if first_only else wb.worksheets:
            cells = []
            for row in ws.iter_rows():
                for c in row:
                    if getattr(c, "data_type", None) == "f":  # an empty cell of a read-only sheet has none
                        text = str(getattr(c.value, "text", c.value))  # an array formula keeps its text
                        cells.append((c.row - 1, c.column - 1, text if text.startswith("=") else f"={text}"))
            out.append(cells)
        return out
    finally:
        wb.close()


def _xlsx_rows(ws) -> list[list[str]]:
    rows = _Rows([cell_text(_rich_text(c.value), c.number_format) for c in row] for row in ws.iter_rows())
    width = max((len(r) for r in rows), default=0)
    hidden_cols = set()
    for key, dim in ws.column_dimensions.items():  # one entry per range of columns (min..max)
        if _column_hidden(dim.hidden, dim.width, getattr(dim, "outline_level", 0), dim.collapsed):
            first = dim.min or _column_number(key)
            hidden_cols.update(range(first, min(dim.max or first, width) + 1))
    _merge_and_hide(rows, [(rng.min_row - 1, rng.max_row, rng.min_col - 1, rng.max_col)
                           for rng in ws.merged_cells.ranges],
                    {r for r, dim in ws.row_dimensions.items()
                     if _column_hidden(dim.hidden, None, getattr(dim, "outline_level", 0), dim.collapsed)}, hidden_cols)
    return rows


def _column_hidden(hidden, width, outline_level, collapsed) -> bool:
    """Whether a column (its .xlsx ``<col>`` or .xls COLINFO) is hidden in Excel and so not read:
    hidden by hand (the hidden flag), or dragged to width 0, which Excel shows the same way. A
    column hidden only because its outline group (分组, the [+] above the columns) is collapsed --
    the 十三五 years folded for display -- is shown by one click and read: its outline level is
    above 0 (or the collapsed flag is on it). Rows alike (``width`` None): a row folded in a collapsed
    group is read, one hidden by hand or by a filter is not."""
    if width is not None and float(width) == 0:
        return True
    return bool(hidden) and not (outline_level or collapsed)


def _column_letter(k: int) -> str:
    """The letters of the 1-based column ``k`` (1 -> ``A``, 28 -> ``AB``)."""
    out = ""
    while k > 0:
        k, rest = divmod(k - 1, 26)
        out = chr(65 + rest) + out
    return out


def _column_number(letters: str) -> int:
    """The 1-based number of the column ``letters`` (``AB`` -> 28); 0 when not letters."""
    k = 0
    for ch in str(letters).upper():
        if not "A" <= ch <= "Z":
            return 0
        k = k * 26 + ord(ch) - 64
    return k


def _merge_and_hide(rows: "_Rows", ranges, hidden_rows: set, hidden_cols: set) -> None:
    """``rows`` (a sheet's, in place) with each merged range (0-based, ends excluded: ``(first row,
    row after, first column, column after)``) holding its top-left text in every cell, the filled
    rows and columns hidden in Excel (1-based) blanked and noted in ``rows.hidden`` /
    ``rows.hidden_columns``, and a figure merged across the columns of several years noted in
    ``rows.merged_figures`` (:func:`_merged_figures`). Hidden cells are blanked after the merged ranges
    are filled, so that a range starting in a hidden row or column keeps its text."""
    rows.hidden = tuple(sorted(r for r in hidden_rows if r <= len(rows) and any(rows[r - 1])))
    rows.hidden_columns = tuple(sorted(
        c for c in hidden_cols if any(c <= len(row) and row[c - 1] for k, row in enumerate(rows, 1)
                                      if k not in rows.hidden)))
    rows.column_heads = {c: next((row[c - 1] for row in rows if c <= len(row) and row[c - 1]), "")
                         for c in rows.hidden_columns}
    for rlo, rhi, clo, chi in ranges:
        top = rows[rlo][clo] if rlo < len(rows) and clo < len(rows[rlo]) else ""
        for r in range(rlo, min(rhi, len(rows))):
            row = rows[r]
            row.extend([""] * (chi - len(row)))
            for c in range(clo, chi):
                row[c] = top
    rows.merged_figures = _merged_figures(rows, [m for m in ranges if m[3] - m[2] > 1 and m[0] + 1 not in rows.hidden])
    for r in rows.hidden:
        rows[r - 1] = [""] * len(rows[r - 1])
    for row in rows:
        for c in rows.hidden_columns:
            if c <= len(row):
                row[c - 1] = ""


#: a cell holding a figure (a number, optionally in plan notation): ``52``, ``〔3.12〕``, ``≥99``, ``95.5%``
_FIGURE = re.compile(r"[约≥≤><]?[〔〈(（]?[+-]?(\d[\d,]*(\.\d*)?|\.\d+)[〕〉)）]?%?")
#: a plain figure, in no plan notation (no 〈〉 〔〕 ≥ ≤ %): an amount, each year's or a total
_PLAIN_FIGURE = re.compile(r"约?[+-]?(\d[\d,]*(\.\d*)?|\.\d+)")
#: a column heading naming a year or a value: 2021年, 2020年基数, 目标值, 完成值
_VALUE_HEADING = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)|基数|基期|目标|完成|实际|数值")
_HEADING_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
#: a year alone over its value columns (``2025`` | ``2025年`` merged over 目标 | 调整后目标)
_GROUP_YEAR = re.compile(r"\s*((?:19|20)\d\d)\s*年?度?\s*")
#: a rate or share by its unit: a 单位 cell ``%`` / ``‰`` / ``个百分点``, or a name or heading ending ``(%)``
_RATE_UNIT = re.compile(r"\s*(%|％|‰|个?百分点)\s*|.*[(（]\s*(%|％|‰|个?百分点)\s*[)）]\s*")


def _column_year(rows, rlo: int, c: int) -> tuple[str, str | None]:
    """The heading of column ``c`` nearest above row ``rlo`` naming a year or a value (a figure of
    the table above, 2.41, is no heading) and its year -- from the heading itself, else from a year
    alone above it (``2025`` merged over 目标 | 调整后目标) -- as ``(heading, year)``."""
    head = ""
    for r in range(rlo - 1, -1, -1):
        cell = rows[r][c].strip() if c < len(rows[r]) else ""
        if not cell or (_FIGURE.fullmatch(cell) and not _GROUP_YEAR.fullmatch(cell)):
            continue
        if not head and _VALUE_HEADING.search(cell):
            head = cell
            found = _HEADING_YEAR.search(cell)
            if found:
                return head, found.group(1)
        elif head and _GROUP_YEAR.fullmatch(cell):
            return head, _GROUP_YEAR.fullmatch(cell).group(1)
    return head, None


def _merged_figures(rows, ranges) -> list[tuple[str, int, list[str], str]]:
    """The merged ranges (as :func:`_merge_and_hide` takes them) that hold one plain figure (``52``:
    no 〈〉 〔〕 ≥ ≤ %, not 0, not in a row whose unit is % / ‰ / 个百分点) across the value columns of
    two or more different years (the nearest heading above each, ``2021年`` | ``2022年``): filled
    into each, it would be read as every year's, though it may as well be their total. As ``(A1
    range, spreadsheet row, [headings], figure)``. The same figure filled into each column is the
    reading, with no word, of: a 〈〉 figure (the period's total, ``〈5〉`` over 2021年-2025年), a level
    or stock (``≥98`` over the years it holds for, ``〔3.12〕``, ``100`` in a row of %), two headings
    of one year (``2025年目标`` | ``2025年目标（调整）``), a text merged across columns (a title, a
    header over its sub-headers, 基本建成) and a bare year (a header over 绝对数 | 增长)."""
    out = []
    for rlo, rhi, clo, chi in ranges:
        value = (rows[rlo][clo] if rlo < len(rows) and clo < len(rows[rlo]) else "").strip()
        if not _PLAIN_FIGURE.fullmatch(value) or re.fullmatch(r"(19|20)\d\d", value):
            continue
        try:
            if float(value.lstrip("约").replace(",", "")) == 0:
                continue  # 0 each year is 0 in all: no doubt
        except ValueError:
            pass
        heads, years = [], set()
        for c in range(clo, chi):
            head, year = _column_year(rows, rlo, c)
            head = head if not year or year in head else f"{year} {head}"  # 目标 under a year 2025
            if head and head not in heads:
                heads.append(head)
            if year:
                years.add(year)
        row = rows[rlo]
        if len(years) < 2 or any(_RATE_UNIT.fullmatch(text) for k, text in enumerate(row)
                                 if not clo <= k < chi and text) or any(_RATE_UNIT.fullmatch(h) for h in heads):
            continue
        where = f"{_column_letter(clo + 1)}{rlo + 1}:{_column_letter(chi)}{rhi}"
        out.append((where, rlo + 1, heads, value))
    return out


def _docx_tables(p: Path) -> list[tuple[str, list[list[str]]]]:
    """The tables of a Word document, in order: a cell merged across columns or down rows holds
    its text in every position it spans; a cell's paragraphs are joined without a break (``2020年`` /
    ``基期值`` on two lines is ``2020年基期值``). A table inside a cell of another (the indicators
    table in a one-cell 专栏 frame) follows its outer table, named ``table 1.1``. Tracked changes
    (修订) are read as if accepted (:func:`_docx_cell_text`), with a :class:`TrackedChangesWarning`.

    The table's layout is read from the XML (:func:`_docx_grid`), not from python-docx's rows, which
    list only a table's own ``w:tr`` and a row's own ``w:tc``: rows of a repeating section (a
    content control around rows, as a form or a template writes them) and tables inside a content
    control were not seen, a cell inside one was dropped and the row's later cells moved one column
    left, and so was every cell of a row that starts after the first column (``w:gridBefore``)."""
    import docx  # lazy: python-docx, only for .docx files

    out: list[tuple[str, list[list[str]]]] = []
    texts: dict = {}  # cell element -> (text, holds tracked changes)

    def text(tc) -> str:
        if tc is None:
            return ""
        if tc not in texts:
            texts[tc] = _docx_cell_text(tc)
        return texts[tc][0]

    def add(tbl, name, caption=None):
        grid = _docx_grid(tbl)
        rows = [[text(tc) for tc in row] for row in grid]
        previous = out[-1][1] if caption is not None and out else None
        if previous is not None and _continues(previous, rows, caption):  # 续表: one table
            _run_on(previous, rows)
        else:
            out.append((name, rows))
        seen, inner = set(), []
        for row in grid:
            for tc in row:
                if tc is not None and tc not in seen:  # a merged cell is in every position it spans
                    seen.add(tc)
                    inner += _docx_children(tc, _W + "tbl")
        for k, t in enumerate(inner, 1):
            add(t, f"{name}.{k}")

    body = docx.Document(str(p)).element.body
    k, between = 0, []
    for block in _docx_children(body, _W + "tbl", _W + "p"):
        if block.tag == _W + "p":  # the text between two tables: a 续表 caption, or nothing
            between.append("".join(t.text or "" for t in block.iter(_W + "t")))
            continue
        k += 1
        add(block, f"table {k}", "".join(between).strip() if k > 1 else None)
        between = []
    if any(changed for _, changed in texts.values()) or body.find(f".//{_W}trPr/{_W}del") is not None:
        warnings.warn(TrackedChangesWarning(
            f"{p}: 文档含未处理的修订（修订模式），已按全部接受后的内容读取 (the document holds tracked changes: its "
            "tables were read as if every change were accepted -- inserted text kept, deleted text left out; "
            "check the figures, or accept or reject the changes in Word / WPS (审阅 → 接受 / 拒绝) and save)"),
            stacklevel=2)
    return out


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DELETED = {_W + "del", _W + "moveFrom"}
_CHANGED = _DELETED | {_W + "ins", _W + "moveTo"}
#: Word's Insert -> Symbol in the Symbol font stores a code of that font's own encoding (w:sym
#: w:char="F0B3"): the signs a plan table writes with it
_SYMBOL_FONT = {0xB3: "≥", 0xA3: "≤", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0xB9: "≠", 0xBB: "≈", 0xB0: "°",
                0x3C: "<", 0x3E: ">", 0x3D: "=", 0x25: "%", 0x2D: "-", 0x2B: "+", 0x2E: ".", 0x7E: "~"}


#: elements that wrap a table's rows, a row's cells or the document's tables without being one:
#: content controls (a form's fields, a template's repeating sections) and custom XML
_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml"}


def _docx_children(element, *tags: str) -> list:
    """The children of ``element`` with one of ``tags``, looking through wrappers (:data:`_WRAPPERS`), in order."""
    out = []
    for child in element.iterchildren():
        if child.tag in tags:
            out.append(child)
        elif child.tag in _WRAPPERS:
            out += _docx_children(child, *tags)
    return out


#: a caption saying a table goes on from the one before it: 续表, 续表1, （续表）, 续上表, 表1（续）
_CONTINUED = re.compile(r"^[(（]?续(上)?表[0-9一二三四五六七八九十]*[)）]?|[(（]续(表|上表)?[)）]$")


def _run_on(first: list[list[str]], rows: list[list[str]]) -> None:
    """``rows`` added to ``first``, the table they continue (next page, 续表), in place; a header
    repeated on top of them (up to three rows equal to ``first``'s own) left out."""
    repeated = next((m for m in range(min(3, len(rows)), 0, -1) if rows[:m] == first[:m]), 0)
    first.extend(rows[repeated:])


def _continues(previous: list[list[str]], rows: list[list[str]], caption: str) -> bool:
    """Whether a table (Word, web page) goes on from the one just before it: as many columns, and between them
    a caption saying so (``续表``) or nothing at all with the header repeated on top (a table split
    where a page breaks). A table with its own title between is a table of its own."""
    if not previous or not rows or max(map(len, previous)) != max(map(len, rows)):
        return False
    if _CONTINUED.search(unicodedata.normalize("NFKC", caption).replace(" ", "")):
        return True
    return caption == "" and rows[0] == previous[0] and any(c.strip() for c in rows[0])


def _docx_int(parent, tag: str, default: int) -> int:
    """The integer ``w:val`` of ``parent``'s child ``tag`` (``w:gridSpan w:val="2"``), else ``default``."""
    node = None if parent is None else parent.find(_W + tag)
    try:
        return max(int(node.get(_W + "val")), 0) if node is not None else default
    except (TypeError, ValueError):
        return default


def _docx_grid(tbl) -> list[list]:
    """A Word table as rows of cell elements (``w:tc``), one per column of its grid: a cell spanning
    columns (``w:gridSpan``) fills each, a cell continuing a vertical merge (``w:vMerge``) is the cell
    above it, positions before a row's first cell or after its last (``w:gridBefore`` /
    ``w:gridAfter``) are ``None``. A deleted row (a tracked deletion, ``w:trPr/w:del``) is left out."""
    grid: list[list] = []
    for tr in _docx_children(tbl, _W + "tr"):
        props = tr.find(_W + "trPr")
        if props is not None and props.find(_W + "del") is not None:
            continue
        row: list = [None] * _docx_int(props, "gridBefore", 0)
        for tc in _docx_children(tr, _W + "tc"):
            cell_props = tc.find(_W + "tcPr")
            merge = None if cell_props is None else cell_props.find(_W + "vMerge")
            cell = tc
            if merge is not None and merge.get(_W + "val", "continue") == "continue" and grid:
                above = grid[-1][len(row)] if len(row) < len(grid[-1]) else None
                cell = above if above is not None else tc
            row += [cell] * max(_docx_int(cell_props, "gridSpan", 1), 1)
        row += [None] * _docx_int(props, "gridAfter", 0)
        grid.append(row)
    return grid


def _docx_symbol(sym) -> str:
    """The character of a ``w:sym`` (a symbol inserted from a font): a Unicode code point, or in the
    Symbol font a code of its own encoding (``F0B3`` is ≥); "" for a dingbat (Wingdings' ticks)."""
    try:
        code = int(sym.get(_W + "char") or "", 16)
    except ValueError:
        return ""
    font = (sym.get(_W + "font") or "").strip().lower()
    if font == "symbol":
        return _SYMBOL_FONT.get(code - 0xF000 if code >= 0xF000 else code, "")
    return "" if 0xE000 <= code <= 0xF8FF else chr(code)


def _docx_hidden(t) -> bool:
    """Whether a run's text is hidden (``w:vanish``, Word's 隐藏文字): not shown, not the cell's."""
    props = t.getparent().find(_W + "rPr")
    vanish = None if props is None else props.find(_W + "vanish")
    return vanish is not None and vanish.get(_W + "val", "true") not in ("0", "false", "off")


def _docx_script(t, text: str) -> str:
    """A run's digits set as superscript or subscript (``w:vertAlign``) as such characters: 99 with a
    superscript 1 (a footnote) is ``99¹``, which the number readers refuse, not 991."""
    props = t.getparent().find(_W + "rPr")
    align = None if props is None else props.find(_W + "vertAlign")
    return text if align is None else as_script(text, align.get(_W + "val"))


def _docx_cell_text(tc) -> tuple[str, bool]:
    """A Word table cell's text, its paragraphs joined, as the document reads with its tracked changes
    accepted -- text inserted (``w:ins``, ``w:moveTo``) kept, text deleted (``w:del``, ``w:moveFrom``)
    left out; python-docx reads only the runs outside any change, so a target revised from 〔3.12〕
    to 〔3.50〕 read 〔3.〕 -- and whether the cell holds such changes. Text of a text box anchored in
    the cell (a paragraph of its own) is not the cell's; a content control's (``w:sdt``, a form's field)
    is."""
    parts, changed = [], False
    pars = [e for child in tc.iterchildren(_W + "p", _W + "sdt")  # a content control's paragraphs too
            for e in ([child] if child.tag == _W + "p" else child.iter(_W + "p"))]
    for par in pars:
        text = []
        for t in par.iter(_W + "t", _W + "sym"):
            node, keep = t.getparent(), not _docx_hidden(t)
            while node is not None and node is not par:
                if node.tag in _CHANGED:
                    changed = True
                    keep = keep and node.tag not in _DELETED
                if node.tag == _W + "p":  # a text box's paragraph inside this one
                    keep = False
                node = node.getparent()
            if keep:
                text.append(_docx_symbol(t) if t.tag == _W + "sym" else _docx_script(t, t.text or ""))
        changed = changed or par.find(f".//{_W}delText") is not None  # a deletion holds no w:t
        parts.append("".join(text).strip())
    return "".join(parts), changed


def _rich_text(value):
    """A cell of formatted text (openpyxl's ``CellRichText``, a list of runs) as its characters, the
    digits of a run set as superscript or subscript as such characters: 6 with a superscript 1 (a
    footnote) is ``6¹``, which the number readers refuse -- joined plainly it read 61. Other values
    as they are."""
    if not isinstance(value, list):
        return value
    return "".join(as_script(str(getattr(run, "text", run)), getattr(getattr(run, "font", None), "vertAlign", None))
                   for run in value)


def _xls_sheets(p: Path) -> tuple[list[tuple[str, list[list[str]]]], set[str]]:
    """Every sheet of the .xls ``p`` as ``(name, rows)``, and the names of the hidden ones."""
    import xlrd  # lazy: xlrd, only for .xls files

    book = xlrd.open_workbook(str(p), formatting_info=True, on_demand=True)  # on demand: the stream kept
    try:
        sheets = book.sheets()
        formulas = _xls_uncomputed_formulas(book)
        return ([(sh.name, _xls_rows(book, sh, formulas.get(k, {}))) for k, sh in enumerate(sheets)],
                {sh.name for sh in sheets if sh.visibility})
    finally:
        book.release_resources()


def _xls_uncomputed_formulas(book) -> dict[int, dict[tuple[int, int], str]]:
    """Per sheet (its index) of the .xls ``book`` opened ``on_demand``: ``{(row, column): "=F3+0.27"}``,
    0-based, of the formulas whose result was never computed -- the .xls twin of
    :func:`_show_uncomputed_formulas`. A program filling a template (xlwt) stores every formula with
    an empty text as its result, which xlrd reads as a blank cell: the year went missing without a
    word. Such cells are told from a formula that Excel / WPS computed to ``""``
    (``=IF(C5="","",D5/C5)``) in two ways: no formula of the workbook holds a computed result (Excel
    and WPS save every formula's result), and the formula holds no text (a string, ``&``). Empty when
    the workbook's formulas were computed, or when it cannot be scanned (BIFF before Excel 97)."""
    from xlrd.formula import FMLA_TYPE_CELL, decompile_formula  # lazy: xlrd, only for .xls files

    mem, found = getattr(book, "mem", None), {}
    if not mem or getattr(book, "biff_version", 0) < 80:
        return {}
    try:
        for k, pos in enumerate(book._sh_abs_posn[:book.nsheets]):
            pos += 4 + struct.unpack("<H", mem[pos + 2:pos + 4])[0]  # past the sheet's BOF
            while pos + 4 <= len(mem):
                code, size = struct.unpack("<HH", mem[pos:pos + 4])
                data, pos = mem[pos + 4:pos + 4 + size], pos + 4 + size
                if code in (0x000A, 0x0809):  # EOF, or the next sheet's BOF
                    break
                if code not in (0x0006, 0x0206, 0x0406) or len(data) < 22:
                    continue
                row, col, _, result = struct.unpack("<HHH8s", data[:14])
                if result[6:8] != b"\xff\xff" or result[0] != 3:
                    return {}  # a computed result (a number, text, TRUE, an error): Excel / WPS saved it
                try:
                    text = decompile_formula(book, data[22:], struct.unpack("<H", data[20:22])[0],
                                             FMLA_TYPE_CELL, browx=row, bcolx=col)
                except Exception:  # a token xlrd cannot write out: shown as a formula all the same
                    text = None
                text = text and re.sub(r"(?<![\w.])(\d+)\.0(?![\d.])", r"\1", text)  # xlrd writes 9 as 9.0
                if text is None or not any(ch in text for ch in '"&'):
                    found.setdefault(k, {})[(row, col)] = "=" + (text or "…")
    except (struct.error, IndexError, AttributeError, TypeError):
        return {}
    return found


def _xls_rows(book, sh, formulas: dict | None = None) -> list[list[str]]:
    """A .xls sheet's rows as :func:`_xlsx_rows` gives a .xlsx sheet's: an error cell (``#DIV/0!``,
    ``#N/A``) as its text, which the readers refuse (xlrd gives its code, 7 or 42, read as a
    figure before); a formula never computed (``formulas``, :func:`_xls_uncomputed_formulas`) as its
    text; merged ranges filled; rows and columns hidden in Excel blanked (:class:`_Rows`)."""
    import xlrd  # lazy: xlrd, only for .xls files

    def fmt(cell) -> str:
        try:
            return book.format_map[book.xf_list[cell.xf_index].format_key].format_str
        except (IndexError, KeyError, AttributeError):
            return ""

    formulas = formulas or {}
    rows = _Rows()
    for r in range(sh.nrows):
        out = []
        for c, cell in enumerate(sh.row(r)):
            v = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                v = xlrd.xldate.xldate_as_datetime(v, book.datemode)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                v = None
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                v = bool(v)
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                v = xlrd.error_text_from_code.get(v, "#VALUE!")
            elif cell.ctype == xlrd.XL_CELL_TEXT and v == "" and (r, c) in formulas:
                v = formulas[(r, c)]
            elif cell.ctype == xlrd.XL_CELL_TEXT and (r, c) in sh.rich_text_runlist_map:
                v = _xls_rich_text(book, v, sh.rich_text_runlist_map[(r, c)])
            out.append(cell_text(v, fmt(cell) if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE) else ""))
        rows.append(out)
    width = max((len(r) for r in rows), default=0)
    hidden_rows = {r + 1 for r, info in getattr(sh, "rowinfo_map", {}).items()
                   if _column_hidden(getattr(info, "hidden", 0), None, getattr(info, "outline_level", 0), 0)}
    hidden_cols = {c + 1 for c, info in getattr(sh, "colinfo_map", {}).items()
                   if c < width and _column_hidden(getattr(info, "hidden", 0), getattr(info, "width", None),
                                                   getattr(info, "outline_level", 0),
                                                   getattr(info, "collapsed", 0))}
    _merge_and_hide(rows, [(rlo, rhi, clo, chi) for rlo, rhi, clo, chi in sh.merged_cells if rlo < len(rows)],
                    hidden_rows, hidden_cols)
    return rows


def _xls_rich_text(book, text: str, runs) -> str:
    """A .xls text cell's runs (``(first character, font index)``) joined, the digits of a run set
    as superscript or subscript (a font's escapement 1 / 2) as such characters: ``6¹``, not 61."""
    out, ends = [text[:runs[0][0]]], [k for k, _ in runs[1:]] + [len(text)]
    for (start, font), end in zip(runs, ends):
        try:
            escapement = book.font_list[font].escapement
        except (IndexError, AttributeError):
            escapement = 0
        out.append(as_script(text[start:end], {1: "superscript", 2: "subscript"}.get(escapement)))
    return "".join(out)


#: why a cell holding a formula (``=C2+1``) is refused: its value is what the table must hold
FORMULA_WITHOUT_VALUE = ("a number, not a formula whose result was never saved (a workbook written "
                         "by a program and not yet opened in Excel / WPS, or a formula typed as "
                         "text): open the file in Excel or WPS and save it, or paste the values"
                         "（公式没有保存计算结果：请在 Excel 或 WPS 中打开并保存，或粘贴为数值）")


def is_formula(cell) -> bool:
    """Whether a cell's text is a spreadsheet formula (``=C2+1``, ``=SUM(B2:B5)``)."""
    return isinstance(cell, str) and cell.strip().startswith("=") and len(cell.strip()) > 1


#: first characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def spreadsheet_text(value):
    """``value`` unchanged, unless it is text a spreadsheet would run as a formula (it starts
    with ``= + - @``, a tab or a carriage return and is neither a plain number such as ``-3.5``
    nor a lone ``-`` placeholder): then ``"'"`` + value, as OWASP advises, so Excel / WPS show it
    as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and value != "-" \
            and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names cannot run as spreadsheet formulas
    (see :func:`spreadsheet_text`); numbers stay numbers. ``df`` itself is not changed."""
    out = df.rename(columns=lambda c: spreadsheet_text(c) if isinstance(c, str) else c)
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if pd.api.types.is_object_dtype(col.dtype) or pd.api.types.is_string_dtype(col.dtype):
            text = col.astype(object)
            if text.map(lambda v: spreadsheet_text(v) is not v).any():
                out.isetitem(i, text.map(spreadsheet_text))
    return out


def save_workbook(workbook, path: str | os.PathLike) -> None:
    """Save an openpyxl workbook to ``path`` with every text cell stored as text (``data_type``
    ``"s"``, formula-like text prefixed as in :func:`spreadsheet_text`).

    The workbook is built in memory and written in one go: a full disk then fails with one
    plain OSError, not a half-closed zip archive. Use it inside :func:`atomic_path`.
    """
    text_cells_as_text(workbook)
    buf = _io.BytesIO()
    workbook.save(buf)
    Path(path).write_bytes(buf.getvalue())


def text_cells_as_text(workbook) -> None:
    """Store every text cell of an openpyxl ``workbook`` as text, in place: data type ``"s"``
    (openpyxl would make ``#N/A`` an error cell), formula-like text prefixed as in
    :func:`spreadsheet_text`."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = spreadsheet_text(cell.value)
                    cell.data_type = "s"


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` to CSV (UTF-8 with BOM), XLSX, JSON or Parquet by extension, atomically.

    In CSV and XLSX, text that a spreadsheet would run as a formula is written as text
    (:func:`spreadsheet_safe`). A full disk, a read-only folder or a path that is a folder
    raise :class:`~mstarget.exceptions.EnvironmentProblem` naming ``path``.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".csv", ".xlsx", ".json", ".parquet"):
        raise DataValidationError([Problem(str(p), None, None, None,
                                           "unsupported output type; use .csv, .xlsx, .json or .parquet")],
                                  source=str(p))
    if ext in (".csv", ".xlsx"):
        df = spreadsheet_safe(df)
    with atomic_path(p) as tmp:
        if ext == ".csv":
            df.to_csv(tmp, index=False, encoding="utf-8-sig")
        elif ext == ".xlsx":
            buf = _io.BytesIO()  # built in memory, written in one go (a full disk: one plain OSError)
            with pd.ExcelWriter(buf, engine="openpyxl") as writer:  # which saves the workbook, once, on leaving
                df.to_excel(writer, index=False)
                text_cells_as_text(writer.book)
            Path(tmp).write_bytes(buf.getvalue())
        elif ext == ".json":
            df.to_json(tmp, orient="records", force_ascii=False, indent=2)
        else:
            df.to_parquet(tmp, index=False)
    return p


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path beside ``path`` (same extension) to write to; on success it is
    renamed to ``path`` (permissions as for a new file), on any failure it is removed -- so an
    earlier file is never destroyed and no half-written one is left.

    A failure of the machine (full disk, no permission, read-only disk, ``path`` a folder or a
    read-only file -- left as it is: :func:`refuse_read_only` -- or a parent a file, a folder that cannot
    be created; also when a library wrapped it in an error of its own) becomes
    :class:`~mstarget.exceptions.EnvironmentProblem` naming ``path``.

    Inside :func:`outputs_together` the written temporary file is not renamed at once: it is
    renamed with the block's other outputs when the block ends (until then ``path`` still holds
    its earlier content).
    """
    p = Path(path)
    refuse_read_only(p)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=p.suffix.lower(), dir=p.parent)
    except OSError as exc:
        if exc.errno == errno.ENOENT:  # a folder that does not exist and cannot be made (/proc/nope)
            raise EnvironmentProblem(f"cannot write '{p}': its folder '{p.parent}' does not exist and cannot be "
                                     "created there. Choose a folder that exists and that you may write to.",
                                     path=str(p), errno=exc.errno) from exc
        problem = write_problem(exc, p)
        if problem is exc:
            raise
        raise problem from exc
    os.close(fd)
    group = current_set()
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; results are ordinary files
        if group is None:
            os.replace(tmp, p)
            record_written(p)  # a stopped command names it among the files it wrote
        else:
            group.stage(tmp, p)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            if os.path.exists(tmp):
                os.unlink(tmp)
        cause = environment_cause(exc)
        if cause is None or isinstance(exc, EnvironmentProblem):
            raise
        raise write_problem(cause, p) from exc


def read_only(path: Path) -> bool:
    """Whether ``path`` is an existing file its owner made read-only (no write permission for anyone:
    ``chmod a-w``, a file marked 只读) or that this user may not write (another user's file)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # not there (yet), or not ours to look at: the write itself will tell
        return False
    return stat.S_ISREG(mode) and (not mode & 0o222 or not os.access(path, os.W_OK))


def refuse_read_only(path: Path, flag: str = "") -> None:
    """Refuse to replace a read-only output file (:func:`read_only`): EnvironmentProblem naming it.

    A result is written beside its target and renamed onto it, which a folder one may write to allows
    even over a read-only file: the protection of last month's result (or of another user's file)
    would be passed over without a word."""
    if read_only(path):
        named = f"{flag} '{path}'" if flag else f"'{path}'"
        raise EnvironmentProblem(f"cannot write {named}: the file is read-only (protected, or another user's), "
                                 "so it is left as it is. Make it writable (chmod u+w; in Windows untick "
                                 "只读 / Read-only in its properties) or choose another file name.",
                                 path=str(path), errno=errno.EACCES)


def check_output_path(path: str | os.PathLike, *, flag: str = "--out",
                      inputs: Iterable[tuple[str, object]] = ()) -> None:
    """Refuse, before any work is done, an output that would destroy an input or cannot be written.

    Parameters
    ----------
    path : str or Path
        The output file.
    flag : str
        How the output is named in messages (``--out``, ``--chart``).
    inputs : iterable of (flag, path)
        The inputs of the command; ``None`` and DataFrames are skipped.

    Raises
    ------
    ParameterError
        ``path`` is one of the inputs (it would be overwritten).
    EnvironmentProblem
        ``path`` is a folder, a read-only file (:func:`refuse_read_only`), a parent is a file, or the
        folder it goes in is not writable.
    """
    p = Path(path)
    for in_flag, src in inputs:
        if src is None or isinstance(src, pd.DataFrame):
            continue
        if same_file(p, src):
            raise ParameterError(f"{flag} {path} names the same file as {in_flag} {src}: writing "
                                 f"there would overwrite it. Choose another file name for {flag}.")
    if p.is_dir():
        raise EnvironmentProblem(f"cannot write {flag} '{p}': it is a folder, not a file. Give a file "
                                 f"name inside it, e.g. '{p / ('result' + (p.suffix or '.csv'))}'.",
                                 path=str(p), errno=errno.EISDIR)
    refuse_read_only(p, flag)
    blocker = file_in_the_way(p)
    if blocker is not None:
        raise EnvironmentProblem(f"cannot write {flag} '{p}': '{blocker}' is a file, not a folder. "
                                 "Fix the folder part of the path.", path=str(p), errno=errno.ENOTDIR)
    folder = next((a for a in p.parents if a.exists()), None)
    if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
        raise EnvironmentProblem(f"cannot write {flag} '{p}': folder '{folder}' is not writable "
                                 "(permission denied or a read-only disk). Choose a folder you may "
                                 "write to.", path=str(p), errno=errno.EACCES)
