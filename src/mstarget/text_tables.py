"""A plan's indicator table flattened into a document's text: one cell per line.

A plan is published as a web page. Saved or scraped as plain text, its main-indicator table loses its grid:
every cell stands on a line of its own, a merged category cell appears once (on its group's first row) and a
blank cell is a line of spaces or not there at all::

    肇庆市鼎湖区“十四五”市场监管主要指标表
    序号 | 主要指标 | 单位 | 基期值 | 规划值 | 属性 | 2020年 | 2025年          (the header, two rows)
    1 | 总体数据 | 期末市场主体总量 | 万户 | 〔1.89〕 | 〔3.12〕 | 预期性          (a category, then the row)
    2 | 全区每千人拥有企业户 |   | 〔16.22〕 | 〔25.64〕 | 预期性                 (same category, blank unit)
    备注:1.〔〕内为累计数,〈〉内为规划期间新增数。

:func:`cell_per_line_tables` rebuilds such a table as a grid when every row can be told apart without a
guess. A ``序号`` header opens it; the header's cells run to the first row's serial number and name its
columns: the indicator's name (and unit), the figure columns standing together (基期值 / 规划值 / 2020年 /
2025年), any columns after them (年均增长, 累计), the attribute (``属性`` / ``指标属性``) and any columns after
it (责任单位, 备注). Each row starts with the next serial number (1, 2, 3 ...); in a table with an attribute
column it ends with its attribute (约束性 / 预期性 / 指导性) and the cells after it, else just before the next
row's number -- with one cell per column, so that a figure equal to that number is never taken for it (a
row more than one reading fits is refused). A table without a ``序号`` column -- its header opening with the
name column's (指标 / 指标名称) -- runs each row from the cell after the one before it to its attribute and
the cells after that; without an attribute column either (a history's 指标 | 单位 | 2020年 | 2021年 ...), each
row holds one cell per column (a category cell first on a group's first row), a blank cell being a line of
spaces. The figures are the cells just before the other columns; what
comes before them is the indicator's name, with a category before it (then carried to the group's next rows)
and its unit after it (a unit reads as one: 万户, 亿元, 批次/千人, %). A category column written before ``序号``
(类别 / 领域 ...) opens each group with its cell, before the group's first serial number. A row that does not
fit -- a missing attribute, a cell that is neither a category, a name nor a unit -- leaves the table unread,
and the reader says where; so does anything after a row that is neither the next row nor what ends a table
(a note, a source, a heading, a sentence, another table): a table is never read in part. The columns the
plan does not need (年均增长, 责任单位) are kept, as a workbook's are.

:func:`running_text_problem` tells a document's running text (a work plan without a table, a notice) from a
table, so that a reader can say so instead of listing its sentences as malformed rows.
"""
from __future__ import annotations

import csv
import re
from typing import NamedTuple

from .units import is_unit_text

#: header cells that open and close such a table; attribute words that end each of its rows
SERIAL_HEADERS = ("序号",)
ATTRIBUTE_HEADERS = ("属性", "指标属性", "指标性质", "性质")
ATTRIBUTE_WORDS = ("约束性", "预期性", "指导性")
#: the name column's header opening a table without a 序号 column (its rows then end with their attribute)
NAME_HEADERS = ("指标", "指标名称", "主要指标", "具体指标", "指标内容")
#: a category column's header standing before ``序号`` (its cells then open their group's first row)
CATEGORY_HEADERS = ("类别", "领域", "类型", "分类", "一级指标", "指标类别", "指标类型")
#: what may follow a table's last row: a note, a source, a heading, another table's title or header
_AFTER_TABLE = re.compile(r"^(备注|注|资料来源|数据来源|说明)"
                          r"|^[一二三四五六七八九十]+[、.．]|^[（(][一二三四五六七八九十\d]+[）)]"
                          r"|^第[一二三四五六七八九十\d]+[章节部分条]|表|^序号$")
#: header words of a figure column (the baseline's and the target's); a unit column's header
_FIGURE_HEADER = re.compile(r"基期|基数|基准|基年|现状|规划|目标|预期值|\d{4}\s*年")
_UNIT_HEADER = "单位"
#: header words of a column after the attribute (责任单位, 牵头部门, 备注) in a table without a 序号 column
_TAIL_HEADER = re.compile(r"责任|牵头|部门|备注|说明|来源|口径")
#: a header after the figure columns of a table with neither 序号 nor attribute (年均增长, 累计, 备注)
_MID_HEADER = re.compile(r"^.{0,4}(年均|累计|增长|增速|增幅|备注|说明).{0,8}$")
_YEAR_HEADER = re.compile(r"^[（(【\[]?\s*(\d{4})\s*年?\s*[）)】\]]?$")
#: a figure cell: a number (with the plan's notation around it) or a table's "no figure" mark
_FIGURE = re.compile(r"\d|^[—–\-/…]+$|^(暂无|无)$")
#: what a line shows as blank: spaces, non-breaking and ideographic spaces, zero-width characters
_BLANK = " \t\u00a0\u3000\u200b\u200c\u200d\ufeff"
_SENTENCE = re.compile(r"[。；！？]")


def _lines(text: str) -> list[tuple[int, str | None]]:
    """``(line number, cell)`` per line: its text without the blank characters around it; ``""`` for a line
    of blank characters only (a blank cell, when the text writes one); ``None`` for an empty line."""
    out = []
    for k, line in enumerate(text.splitlines(), start=1):
        out.append((k, line.strip(_BLANK) if line else None))
    return out


class _Layout(NamedTuple):
    """A table's columns as its header writes them."""
    words: list[str]  #: the headers after 序号: name (and unit) columns, figures, others, attribute, others
    fig_start: int  #: index in ``words`` of the first figure column
    n_fig: int  #: figure columns (baseline, target ...)
    n_mid: int  #: columns between the figures and the attribute (年均增长, 累计) -- or after the figures
    has_attribute: bool  #: an attribute column (属性): each row ends with 约束性 / 预期性 / 指导性
    n_tail: int  #: columns after the attribute (责任单位, 备注)
    first: int  #: index of the first row's serial number 1 (or of the category cell before it), or first cell
    has_unit: bool  #: a unit column (单位) before the figures
    numbered: bool  #: a 序号 column: each row starts with its serial number


def _header(tokens: list[tuple[int, str]], start: int, category_first: bool, numbered: bool) -> _Layout | None:
    """The column layout under the ``序号`` header ``tokens[start]`` -- or, not ``numbered``, from the name
    header ``tokens[start]`` of a table without a 序号 column (:class:`_Layout`); ``None`` when the tokens are
    no such header. The header runs to the first row's serial number ``1`` (or to the category cell before
    it, when a category column stands before ``序号``); without a 序号 column, to its attribute header and the
    headers after it (责任单位, 备注). The years may head the figure columns themselves (``2020年 | 2025年``)
    or a second header row under them (``基期值 | 规划值`` over ``2020年 | 2025年``)."""
    cells = [] if numbered else [tokens[start][1]]
    k = start + 1
    while k < len(tokens) and k <= start + 24:
        cell = tokens[k][1]
        if numbered and (cell == "1" or (category_first and cells and cell and k + 1 < len(tokens)
                                         and tokens[k + 1][1] == "1" and not _YEAR_HEADER.match(cell)
                                         and cell not in ATTRIBUTE_HEADERS)):
            break  # row 1, or the category cell opening its group (a category column before 序号)
        if (not numbered and any(c in ATTRIBUTE_HEADERS for c in cells) and cell
                and not _YEAR_HEADER.match(cell) and not _TAIL_HEADER.search(cell)):
            break  # the first row's first cell, after the attribute's header and those after it
        if (not numbered and cell and any(_FIGURE_HEADER.search(c) for c in cells) and cell not in ATTRIBUTE_HEADERS
                and not any(c in ATTRIBUTE_HEADERS for c in cells)
                and not _FIGURE_HEADER.search(cell) and not _MID_HEADER.match(cell)):
            break  # the first row's first cell, after the figures' headers (a table without an attribute)
        if cell and (len(cell) > 30 or _SENTENCE.search(cell)):
            return None  # a sentence: a heading (主要指标) over running text, not a table's header
        if cell:
            cells.append(cell)
        k += 1
    else:
        return None
    years = [m.group(1) + "年" for m in map(_YEAR_HEADER.match, cells) if m]
    words = [c for c in cells if not _YEAR_HEADER.match(c)]
    if years and not any(_FIGURE_HEADER.search(w) for w in words):  # 2020年 | 2025年 head the figures
        words = [(m.group(1) + "年" if (m := _YEAR_HEADER.match(c)) else c) for c in cells]
        years = []
    attributes = [i for i, w in enumerate(words) if w in ATTRIBUTE_HEADERS]
    if len(attributes) > 1:
        return None
    end = attributes[0] if attributes else len(words)
    figures = [i for i, w in enumerate(words[:end]) if _FIGURE_HEADER.search(w)]
    if not figures or figures != list(range(figures[0], figures[-1] + 1)) or figures[0] == 0:
        return None  # the figure columns stand together, after the name (and unit)
    if years:
        if len(years) != len(figures):
            return None
        for i, y in zip(figures, years):
            words[i] = words[i] if re.search(r"\d{4}", words[i]) else y + words[i]
    n_fig = len(figures)
    return _Layout(words, figures[0], n_fig, end - figures[-1] - 1, bool(attributes),
                   len(words) - end - 1 if attributes else 0, k,
                   any(_UNIT_HEADER in w for w in words[:figures[0]]), numbered)


def _ends_table(cell: str) -> bool:
    """Whether a cell after a table's row ends the table: a note, a source, a heading, another table, a sentence."""
    return bool(_AFTER_TABLE.search(cell)) or (len(cell) >= 20 and bool(_SENTENCE.search(cell)))


def _split(cells: list[str], lay: _Layout) -> tuple[str | None, str, str, list[str], list[str]] | None:
    """One row's cells between its serial number and its attribute (or its end) as ``(category or None,
    name, unit, figures, other cells)``; ``None`` when they do not fit the layout."""
    n = lay.n_fig + lay.n_mid
    if len(cells) <= n:
        return None
    split = len(cells) - n
    texts, figures, mids = cells[:split], cells[split:split + lay.n_fig], cells[split + lay.n_fig:]
    if (not all(_FIGURE.search(f) or f == "" for f in figures)
            or any(len(m) > 40 or _SENTENCE.search(m) for m in mids)):
        return None
    unit = ""
    if lay.has_unit and len(texts) >= 2 and (texts[-1] == "" or is_unit_text(texts[-1])):
        unit, texts = texts[-1], texts[:-1]
    if texts and is_unit_text(texts[-1]):
        return None  # a unit where the name stands: the row's cells are shifted (a blank cell left out)
    if len(texts) == 2 and texts[1]:  # a category and the name; a blank category cell: the group's
        return texts[0] or None, texts[1], unit, figures, mids
    if len(texts) == 1 and texts[0]:
        return None, texts[0], unit, figures, mids
    return None


def _is_text(cell: str) -> bool:
    """Whether a cell holds words rather than a figure (or nothing)."""
    return cell != "" and not _FIGURE.search(cell)


def _fixed_cells(tokens: list[tuple[int, str]], lay: _Layout,
                 with_category: bool) -> tuple[int, str | None, str, str, list[str], list[str]] | None:
    """The next row of a table with neither 序号 nor attribute, one cell per column (a category cell first when
    ``with_category``) from ``tokens[0]``: its number of cells, then as ``_split`` gives it; ``None`` when its
    cells do not fit that."""
    n = with_category + 1 + lay.has_unit + lay.n_fig + lay.n_mid
    if len(tokens) < n:
        return None
    cells = [c for _, c in tokens[:n]]
    cat = cells.pop(0) if with_category else None
    name, unit = cells[0], (cells[1] if lay.has_unit else "")
    figures = cells[1 + lay.has_unit:1 + lay.has_unit + lay.n_fig]
    mids = cells[1 + lay.has_unit + lay.n_fig:]
    if (not _is_text(name) or is_unit_text(name) or (cat is not None and cat != "" and not _is_text(cat))
            or (unit and not is_unit_text(unit)) or not all(_FIGURE.search(f) or f == "" for f in figures)
            or any(len(m) > 40 or _SENTENCE.search(m) for m in mids)):
        return None
    return n, cat or None, name, unit, figures, mids


def _row_end(tokens: list[tuple[int, str]], k: int, serial: int, lay: _Layout, category_first: bool) -> list[int]:
    """Without an attribute column: the indices where row ``serial`` (its number at ``tokens[k]``) may end --
    at the next row's serial number (or the category cell before it, with ``category_first``), or at the
    table's end -- with cells that fit the layout."""
    ends = []
    n = lay.n_fig + lay.n_mid
    for e in range(k + 2 + n, min(k + 5 + n, len(tokens) + 1)):
        j = e
        while j < len(tokens) and tokens[j][1] == "":
            j += 1  # blank cells after the last row: the table's end may follow them
        at_end = j >= len(tokens) or _ends_table(tokens[j][1])
        nxt = e < len(tokens) and (tokens[e][1] == str(serial + 1) or (
            category_first and e + 1 < len(tokens) and tokens[e + 1][1] == str(serial + 1) and _is_text(tokens[e][1])))
        if nxt and category_first and lay.n_mid and tokens[e][1] == str(serial + 1) and _is_text(tokens[e - 1][1]):
            continue  # a words cell before the next number is that group's category, not this row's last column
        if nxt or at_end:
            if _split([c for _, c in tokens[k + 1:e]], lay) is not None:
                ends.append(e)
    if len(ends) > 1 and all(tokens[j][1] == "" for j in range(ends[0], ends[-1])):
        ends = ends[:1]  # the last row, and blank lines after it: the row ends with its own cells
    return ends


def _rows(tokens: list[tuple[int, str]], lay: _Layout, category_first: bool,
          blanks_written: bool, starts: list[int]) -> tuple[list[list[str]], int, str | None]:
    """The table's rows from ``tokens[lay.first]`` (serial number 1): ``(rows as [serial, category, name, unit,
    figures..., other cells..., attribute (when the table has one), cells after it...], index after the last
    row, why reading stopped early or None)``. With ``category_first`` (a category column before ``序号``) a
    group's category cell stands before its first row's serial number. ``blanks_written``: the text writes a
    blank cell as a line of spaces (else it leaves it out, and the cells after an attribute -- 责任单位 -- can be
    told from the next row's first cell only by a serial number). ``starts`` gets each row's first line (its
    serial number's, or its first cell's)."""
    if lay.n_tail and not blanks_written and (category_first or not lay.numbered):
        line = tokens[lay.first][0] if lay.first < len(tokens) else 0
        return [], lay.first, (
            f"line {line}: the columns after the attribute ({' | '.join(lay.words[len(lay.words) - lay.n_tail:])}) "
            "cannot be told from the next row's first cell when a blank cell is not written as a line of spaces"
            f"（第{line}行：空白单元格未以空格行写出，属性之后的列无法与下一行区分）")
    rows, k, serial, category = [], lay.first, 1, ""
    while k < len(tokens):
        if not lay.numbered:  # a row starts where the one before ended, until what ends a table
            j = next((j for j in range(k, len(tokens)) if tokens[j][1]), len(tokens))
            if j >= len(tokens) or (rows and _ends_table(tokens[j][1])):
                break
        elif (category_first and tokens[k][1] != str(serial) and k + 1 < len(tokens)
                and tokens[k + 1][1] == str(serial) and _is_text(tokens[k][1])):
            category = tokens[k][1]
            k += 1
        if lay.numbered and tokens[k][1] != str(serial):
            break
        line = tokens[k][0] if lay.numbered else tokens[j][0]
        first = k + 1 if lay.numbered else k  # the row's first cell after its serial number
        zh = f"序号{serial}的指标" if lay.numbered else f"第{serial}个指标"
        attribute, tails = [], []
        if lay.has_attribute:
            end = first
            while end < len(tokens) and tokens[end][1] not in ATTRIBUTE_WORDS and end - first <= 7 + lay.n_mid:
                end += 1
            if end >= len(tokens) or tokens[end][1] not in ATTRIBUTE_WORDS:
                if not lay.numbered and rows:  # no serial number to say a row starts here
                    return rows, k, (f"line {line}: {tokens[j][1]!r} follows row {serial - 1}: it starts no row "
                                     f"ending with its attribute ({' / '.join(ATTRIBUTE_WORDS)}), nor is it what "
                                     f"ends a table (a note, a heading)（第{line}行：第{serial - 1}个指标之后既不是"
                                     "以属性结尾的指标行，也不是表格结束）")
                return rows, k, (f"line {line}: row {serial} does not end with an attribute "
                                 f"({' / '.join(ATTRIBUTE_WORDS)})（第{line}行：{zh}未以属性结尾）")
            attribute, after = [tokens[end][1]], end + 1
            while (len(tails) < lay.n_tail and after < len(tokens)
                   and not (lay.numbered and not category_first and tokens[after][1] == str(serial + 1))
                   and not _ends_table(tokens[after][1])):
                tails.append(tokens[after][1])
                after += 1
            tails += [""] * (lay.n_tail - len(tails))  # blank cells the text leaves out
        elif not lay.numbered:  # one cell per column: neither a serial number nor an attribute marks the rows
            # a group's category cell first (under 类别, or a 指标 header spanning two columns) -- only where blank
            # cells are written: else a blank last cell left out would take the next group's category in its place
            readings = [got for c in ((False, True) if blanks_written else (False,))
                        if (got := _fixed_cells(tokens[k:], lay, c)) is not None]
            if len(readings) != 1:
                cells = " | ".join(c for _, c in tokens[k:k + 3 + lay.n_fig + lay.n_mid])
                return rows, k, (f"line {line}: row {serial} does not hold one cell per column of the header "
                                 f"({'no' if not readings else 'more than one'} reading fits: {cells} ...; a blank "
                                 f"cell is a line of spaces)（第{line}行：{zh}的单元格数与表头列数不符）")
            n, cat, name, unit, figures, mids = readings[0]
            category = cat if cat is not None else category
            rows.append(["", category, name, unit, *figures, *mids])
            starts.append(line)
            k, serial = k + n, serial + 1
            continue
        else:
            ends = _row_end(tokens, k, serial, lay, category_first)
            if len(ends) != 1:
                cells = " | ".join(c for _, c in tokens[k + 1:k + 4 + lay.n_fig + lay.n_mid])
                return rows, k, (f"line {line}: row {serial} cannot be told from the next row "
                                 f"({'no' if not ends else 'more than one'} reading of its cells fits the header: "
                                 f"{cells} ...)（第{line}行：无法确定{zh}在何处结束）")
            end = after = ends[0]
        cells = [c for _, c in tokens[first:end]]
        got = _split(cells, lay)  # a blank figure or 年均增长 cell left out of the text: no guess which it was
        if got is None:
            return rows, k, (f"line {line}: row {serial} holds cells that are not a category, a name, a unit and "
                             f"{lay.n_fig} figures ({' | '.join(cells)})"
                             f"（第{line}行：{zh.removesuffix('的指标')}的单元格无法对应类别、指标名称、单位和{lay.n_fig}个数值）")
        cat, name, unit, figures, mids = got
        category = cat if cat is not None else category
        rows.append([str(serial) if lay.numbered else "", category, name, unit, *figures, *mids, *attribute, *tails])
        starts.append(line)
        k, serial = after, serial + 1
    return rows, k, None


def _table_at(tokens: list[tuple[int, str]], start: int, numbered: bool = True,
              blanks_written: bool = True) -> tuple[list[list[str]], list[int], int, str | None] | None:
    """The grid of the table whose ``序号`` header (or, not ``numbered``, its name column's header) is
    ``tokens[start]``: ``(grid, the text's line where each of its rows starts, index after it, problem)``;
    ``None`` when no header follows. The grid holds the title line above the header (when it names a 表), the
    header, the rows and the notes after them (备注 / 注, and the numbered lines after it). ``blanks_written``: the
    text keeps its lines of spaces (blank cells) -- and the table holds some."""
    before = [(j, c) for j, c in tokens[max(0, start - 4):start] if c]
    category_first = bool(before) and before[-1][1] in CATEGORY_HEADERS
    lay = _header(tokens, start, category_first, numbered)
    if lay is None:
        return None
    end = next((j for j in range(lay.first, len(tokens)) if _ends_table(tokens[j][1])), len(tokens))
    blanks_written = blanks_written and any(c == "" for _, c in tokens[lay.first:end])  # lines of spaces in it
    starts: list[int] = []
    rows, after, why = _rows(tokens, lay, category_first, blanks_written, starts)
    if why is None and len(rows) < 2:
        why = f"line {tokens[start][0]}: fewer than two rows under the header（表头下不足两行指标）"
    nxt = next(((j, c) for j, c in tokens[after:] if c), None)
    if why is None and nxt is not None and not _ends_table(nxt[1]):
        why = (f"line {nxt[0]}: {nxt[1]!r} follows row {len(rows)}, where row {len(rows) + 1} (its serial "
               f"number first) or the table's end was expected（第{nxt[0]}行：序号{len(rows)}之后应为序号"
               f"{len(rows) + 1}或表格结束）")
    if why is not None:
        return [], [], after, why
    has_category = any(r[1] for r in rows)
    grid, lines = [], []
    titled = next(((j, c) for j, c in reversed(before[:-1] if category_first else before)), (0, ""))
    if "表" in titled[1] and len(titled[1]) <= 60 and not _SENTENCE.search(titled[1]):
        grid.append([titled[1]])
        lines.append(titled[0])
    serial = ["序号"] if numbered else []
    grid.append([*serial, *(["类别"] if has_category else []), "指标名称", "单位", *lay.words[lay.fig_start:]])
    lines.append(before[-1][0] if category_first else tokens[start][0])
    for r, line in zip(rows, starts):
        grid.append([*r[:len(serial)], *([r[1]] if has_category else []), *r[2:]])
        lines.append(line)
    k = after
    while k < len(tokens) and not tokens[k][1]:
        k += 1
    if k < len(tokens) and re.match(r"^(备注|注)\s*[:：\d]", tokens[k][1]):
        grid.append([tokens[k][1]])
        lines.append(tokens[k][0])
        k += 1
        while k < len(tokens) and re.match(r"^\d+\s*[.、．]", tokens[k][1]):
            grid.append([tokens[k][1]])
            lines.append(tokens[k][0])
            k += 1
    return grid, lines, k, None


def cell_per_line_tables(text: str) -> tuple[list[tuple[str, list[list[str]], list[int]]], list[str]]:
    """The plan tables of a document's text written one cell per line (module docstring).

    Returns
    -------
    (tables, problems)
        ``tables``: ``[("table 1", rows, lines), ...]``, each a list of rows of cells (title, header, rows,
        notes), as a document reader gives them, and the text's line (from 1) where each row starts, which
        messages name; ``problems``: for each ``序号`` header whose table could
        not be rebuilt, where and why (``line 131: row 3 has no attribute ...``).
    """
    lines = _lines(text)
    # a blank cell is a line of blank characters when the text writes one; else it is not there at all:
    # try the first reading, then the second
    tables, problems = [], []
    for keep_blank in (True, False):
        tokens = [(k, c) for k, c in lines if c is not None and (keep_blank or c != "")]
        tables, problems = [], []
        k = 0
        while k < len(tokens):
            numbered = tokens[k][1] in SERIAL_HEADERS
            if numbered or (tokens[k][1] in NAME_HEADERS  # a table without a 序号 column
                            and not any(c in SERIAL_HEADERS for _, c in tokens[max(0, k - 3):k])):
                got = _table_at(tokens, k, numbered, keep_blank)
                if got is not None:
                    grid, starts, after, why = got
                    if why is None:
                        tables.append((f"table {len(tables) + 1}", grid, starts))
                    else:
                        problems.append(why)
                    k = max(after, k + 1)
                    continue
            k += 1
        if tables and not problems:
            return tables, []
    return tables, problems


_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def space_separated_problem(text: str, sep: str = ",") -> str | None:
    """Why ``text`` holds a plan table whose cells are separated by spaces (``序号 指标名称 单位 2020年 2025年 属性``
    on one line, ``1 期末市场主体总量 万户 〔1.89〕 〔3.12〕 预期性`` on the next), or ``None``. Such a table is refused,
    not read: a blank cell leaves no trace between two spaces and a cell may hold a space itself, so its columns
    cannot be told apart without a guess. Only the first 300 lines are looked at; a line holding ``sep`` is a
    CSV row, not such a line."""
    lines = [(k, c) for k, c in _lines(text[:200_000])[:300] if c]
    for i, (k, line) in enumerate(lines):
        cells = _SPACES.split(line)
        if (sep in line or len(cells) < 3 or not (set(cells) & set(SERIAL_HEADERS + NAME_HEADERS))
                or not any(_FIGURE_HEADER.search(c) for c in cells)):
            continue
        serials = [_SPACES.split(c)[0] for _, c in lines[i + 1:i + 4]]
        if serials[:2] == ["1", "2"] or (not (set(cells) & set(SERIAL_HEADERS)) and len(lines) > i + 2
                                         and all(len(_SPACES.split(c)) >= 3 for _, c in lines[i + 1:i + 3])):
            return (f"line {k} is a table's header with its cells separated by spaces ({line[:40]}): a blank cell "
                    "leaves no trace between two spaces and a cell may hold a space of its own, so its columns "
                    "cannot be told apart without a guess. Separate the cells by tabs (as a table copied from a "
                    "browser or Word is), save the web page as .html, give the plan's .docx or .pdf, or copy the "
                    f"table into Excel（第{k}行起的表格以空格分隔单元格，无法可靠分列：请改用制表符分隔，或另存为 .html / "
                    ".docx / Excel）")
    return None


def running_text_problem(text: str, sep: str = ",") -> str | None:
    """Why ``text`` (a CSV / text file, ``sep`` its separator) reads as a document's running text rather
    than a table, or ``None``. Only its first 300 lines are looked at.

    Running text: no three lines are rows of three cells or more none of which is a sentence (a table under
    a preface of sentences), at least three lines are sentences (20 characters or more, with 。 / ； / ！ / ？), they
    make up at least a third of the lines that hold anything, and fewer than half of them hold as many
    cells (split by ``sep``, a quoted cell one) as the file's lines most often do (a table's note column
    holds sentences too, each in its row's cells). The answer names the first sentence and, when the text holds one, the line of a
    table's title (``…主要指标表``)."""
    end = -1
    for _ in range(300):  # the first 300 lines, without splitting a large file
        end = text.find("\n", end + 1)
        if end < 0:
            break
    filled = [(k, c) for k, c in _lines(text if end < 0 else text[:end]) if c]
    sentences = [(k, c) for k, c in filled if len(c) >= 20 and _SENTENCE.search(c)]
    if len(sentences) < 3 or 3 * len(sentences) < len(filled):
        return None
    cells = {k: next(csv.reader([c], delimiter=sep), []) for k, c in filled}  # a quoted "a, b" is one cell
    if sum(len(r) >= 3 and not any(_SENTENCE.search(x) for x in r) for r in cells.values()) >= 3:
        return None  # rows of short cells: a table under its preface
    fields = {k: len(r) for k, r in cells.items()}
    counts: dict[int, int] = {}
    for k, _ in filled:
        counts[fields[k]] = counts.get(fields[k], 0) + 1
    usual = max(counts, key=counts.get)
    if usual >= 2 and 2 * sum(fields[k] == usual for k, _ in sentences) >= len(sentences):
        return None
    k, first = sentences[0]
    titles = [(j, c) for j, c in filled if len(c) <= 60 and re.search(r"指标.{0,4}表$|指标表|目标表", c)]
    where = (f" The table {titles[0][1]!r} (line {titles[0][0]}) is not laid out as rows of cells."
             if titles else " It holds no table of indicators.")
    return (f"the file is a document's running text, not a table: line {k} is a sentence "
            f"({first[:30]}…), as are {len(sentences) - 1} more of its first {len(filled)} lines that hold "
            f"anything.{where} Save the web page as .html (its tables are read), give the plan's .docx or "
            ".pdf, or copy the indicator table into Excel（文件是文档正文而非表格：请将网页另存为 .html，"
            "或提供 .docx / .pdf，或把指标表复制到 Excel）")
