"""Three-line tables (三线表) in a PDF: a table drawn with horizontal rules only.

Many documents typeset a table with three rules and no vertical lines: one above the header, one
below it, one below the last row. pdfplumber finds ruled tables by their lines, and a three-line
table has none between its columns or rows, so it was not read at all. Here such a table is found
by its rules and read by where its words sit:

* **Rules**: horizontal lines across at least :data:`RULE_MIN_SHARE` of the page's width, outside
  the ruled tables already read; three or more with the same left and right ends, text between each
  pair and no vertical line in the span, make one table (first rule: top; second: below the header,
  with at most :data:`MAX_HEADER_LINES` lines of text above it -- more are a page's prose between a
  header rule and a separator; last: bottom).
* **Columns** from the words' alignment (pdfplumber's ``text`` strategy), **lines** of text as rows.
* **Header**: every line between the first two rules, joined per column (``2020年`` over ``基期值``
  is ``2020年基期值``).
* **Body**: pieces of one line of text set a little apart (a browser sets digits lower than the
  Chinese beside them) are one line: closer than :data:`SAME_LINE` of the text's height, in
  different columns. Then a line holding a figure (a digit in any cell) is a row; a line without one
  next to a row's line, as close as a wrapped line is (:func:`_wrap_gap`), is the wrapped rest of
  that row's text (``生产领域区级工业产品质量`` / ``监督抽查覆盖率``, ``预期`` / ``性``) and is joined to it,
  above or below as it sits; any other line (``二、知识产权``) is a row of its own.
* **Labels spanning rows**: a first column written only on some rows, without serial numbers and
  never on a line of its own -- a 类别 (or a long table's indicator name) in a cell spanning its rows,
  at their top, middle or bottom, perhaps over two lines -- is read from its characters and given to
  every row it spans (:func:`_with_labels`).

A table running on to the next page (no closing rule on the first) is joined with the table at the
top of the next page when that one has as many columns, as a ruled table is; otherwise the PDF is
refused (:mod:`mstarget.io`) rather than read in part. What cannot be placed this way is left for the
plan and history readers to refuse, naming the row.
"""
from __future__ import annotations

import re
import statistics
from typing import NamedTuple

RULE_MIN_SHARE = 0.4  # a rule spans at least this share of the page's width
WRAP_SHARE = 0.6  # a line without figures this close (share of the row pitch) to a row wraps its text
WRAP_LINES = 1.3  # ... or closer than this many heights of the text (when rows are padded)
SAME_LINE = 0.6  # lines closer than this share of the text's height, in different columns, are one line
MAX_HEADER_LINES = 4  # a header band with more lines of text is prose between two rules, not a table's
LEADING = 1.2  # a line of text takes this many heights of its characters
SPAN_SHARE = 0.25  # a spanning label sits this close (share of the row pitch) to the top / middle / bottom of its rows
_SAME = 2.5  # points: two edges this close are one rule, two rules with ends this close are one table
_DIGIT = re.compile(r"[0-9０-９]")
_SERIAL = re.compile(r"^[(（]?[0-9０-９]+[)）.．、]?$")  # 序号: 1, 1., (1)


class ThreeLineTable(NamedTuple):
    """One three-line table of a page: ``rows`` (grid of text, header row first) and whether it
    ``runs_on`` -- opens on the page (top rule, rule below the header, rows down to the page's last
    line of rows) without closing there, so its rest is on the next page."""

    rows: list[list[str]]
    runs_on: bool


def three_line_tables(page, skip=()) -> list[ThreeLineTable]:
    """The three-line tables of one pdfplumber ``page``, top to bottom; ``skip``: bounding boxes
    ``(x0, top, x1, bottom)`` of tables already read. A table that opens on the page and does not
    close there (:attr:`ThreeLineTable.runs_on`) ends at its last line of rows: a line after a gap
    of more than twice the row pitch (a page number) is not part of it."""
    out = []
    for top, header_rule, bottom, x0, x1, runs_on in _rule_sets(page, skip):
        crop = page.crop((max(x0 - 1, 0), max(top - 1, 0), min(x1 + 1, page.width), min(bottom + 1, page.height)))
        table = crop.find_table({"vertical_strategy": "text", "horizontal_strategy": "text"})
        if table is None:
            continue
        lines = _table_lines(table)
        header = [t for y, t, _ in lines if y < header_rule]
        body = [line for line in lines if line[0] > header_rule]
        if runs_on:
            body = _without_footer(body)
        heights = [c["bottom"] - c["top"] for c in crop.chars if c["text"].strip()]
        height = statistics.median(heights) if heights else 0.0
        if not header or not body or len(header[0]) < 2:
            continue
        rows = _rows(_same_lines([(y, t) for y, t, _ in body], SAME_LINE * height), height)
        if not all(texts[0] for texts, _ in rows):  # a first column written on some rows only
            rest, labels = _spanning_labels(crop, table, body, height)
            if labels:
                rows = _with_labels(_rows(_same_lines([(y, t) for y, t, _ in rest], SAME_LINE * height), height),
                                    labels, height)
        out.append(ThreeLineTable([_header(page, table, top, header_rule)] + [texts for texts, _ in rows], runs_on))
    return out


def _table_lines(table) -> list[tuple[float, list[str], tuple]]:
    """The lines of a pdfplumber table found by the words' alignment that hold any text: (height of
    the line's middle, its cells' texts, its bounding box)."""
    out = []
    for row, cells in zip(table.rows, table.extract()):
        texts = [(c or "").strip() for c in cells]
        if any(texts):
            out.append(((row.bbox[1] + row.bbox[3]) / 2, texts, row.bbox))
    return out


def _header(page, table, top: float, below: float) -> list[str]:
    """Each column's heading: its text between the first two rules, line by line. Read from the
    characters with a line tolerance of half their height, as a browser sets digits a little lower
    than the Chinese around them (``2020年基`` / ``数`` would otherwise read ``年基2020数``)."""
    chars = [c for c in page.chars if top < (c["top"] + c["bottom"]) / 2 < below and c["text"].strip()]
    if not chars:
        return [""] * len(table.columns)
    tolerance = 0.5 * statistics.median(c["bottom"] - c["top"] for c in chars)
    out = []
    for col in table.columns:
        xs = [c for c in col.cells if c]
        x0, x1 = min(c[0] for c in xs), max(c[2] for c in xs)
        lines = _char_lines([c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1], tolerance)
        out.append(join_lines(["".join(c["text"] for c in sorted(line, key=lambda c: c["x0"])) for line in lines]))
    return out


def _same_lines(body: list[tuple[float, list[str]]], within: float) -> list[tuple[float, list[str], list[float]]]:
    """Neighbouring lines closer than ``within`` whose filled cells are in different columns, as one
    line at the height of the fuller one; the closest pairs first. Each line keeps the heights of the
    lines it was made of."""
    lines = [(y, list(t), [y]) for y, t in body]
    while True:
        pairs = [(lines[i + 1][0] - lines[i][0], i) for i in range(len(lines) - 1)
                 if lines[i + 1][0] - lines[i][0] < within
                 and not any(a and b for a, b in zip(lines[i][1], lines[i + 1][1]))]
        if not pairs:
            return lines
        _, i = min(pairs)
        (y0, t0, h0), (y1, t1, h1) = lines[i], lines[i + 1]
        y = y0 if sum(map(bool, t0)) > sum(map(bool, t1)) else y1
        lines[i:i + 2] = [(y, [a or b for a, b in zip(t0, t1)], h0 + h1)]


def _without_footer(body: list[tuple[float, list[str]]]) -> list[tuple[float, list[str]]]:
    """The lines of a table running to the page's end, without what follows a gap of more than
    twice the median line pitch (a page number, a footnote)."""
    if len(body) < 3:
        return body
    pitch = statistics.median(b[0] - a[0] for a, b in zip(body, body[1:]))
    for k in range(1, len(body)):
        if body[k][0] - body[k - 1][0] > 2 * pitch:
            return body[:k]
    return body


def _rule_sets(page, skip) -> list[tuple[float, float, float, float, float]]:
    """(top, below-header, bottom, x0, x1, runs_on) of each run of three or more rules with the same
    ends, and of the page's last run of two that opens a table (:func:`_opens_table`), its bottom
    the page's end."""
    def inside(e):
        return any(b[0] - 1 <= e["x0"] and e["x1"] <= b[2] + 1 and b[1] - 1 <= e["top"] <= b[3] + 1 for b in skip)

    # a rule drawn in pieces (a browser draws each cell's border) or as a thin rectangle (two edges a
    # point apart) is one rule: pieces at the same height that touch are joined
    pieces: list[list[float]] = []  # [y, x0, x1]
    for e in sorted((e for e in page.edges if e["orientation"] == "h" and not inside(e)),
                    key=lambda e: (round(e["top"]), e["x0"])):
        hit = next((r for r in pieces if abs(e["top"] - r[0]) <= _SAME
                    and e["x0"] <= r[2] + _SAME and e["x1"] >= r[1] - _SAME), None)
        if hit is None:
            pieces.append([e["top"], e["x0"], e["x1"]])
        else:
            hit[1], hit[2] = min(hit[1], e["x0"]), max(hit[2], e["x1"])
    rules = sorted((r for r in pieces if r[2] - r[1] >= RULE_MIN_SHARE * page.width), key=lambda r: r[0])
    verticals = [e for e in page.edges if e["orientation"] == "v"]
    out, run = [], []
    for r in rules + [[float("inf"), -1.0, -1.0]]:
        joined = (run and abs(r[1] - run[-1][1]) <= _SAME and abs(r[2] - run[-1][2]) <= _SAME
                  and _has_text(page, run[-1], r) and not _crossed(verticals, run[-1], r))
        if joined:
            run.append(r)
            continue
        if len(run) >= 3 and _header_lines(page, run[0], run[1]) <= MAX_HEADER_LINES:
            out.append((run[0][0], run[1][0], run[-1][0], run[0][1], run[0][2], False))
        elif (len(run) == 2 and r[0] == float("inf") and _header_lines(page, run[0], run[1]) <= MAX_HEADER_LINES
              and _opens_table(page, run)):
            out.append((run[0][0], run[1][0], float(page.height) - 1, run[0][1], run[0][2], True))
        run = [r] if r[0] != float("inf") else []
    return out


def _opens_table(page, run) -> bool:
    """Two rules ending a page's rules: a table's top and header rules when the band between them holds
    at least three words (column headings) and at least two lines below hold a figure (rows)."""
    (top, x0, x1), (below, _, _) = run
    band = page.crop((max(x0 - 1, 0), max(top, 0), min(x1 + 1, page.width), min(below, page.height)))
    rest = page.crop((max(x0 - 1, 0), min(below + 1, page.height), min(x1 + 1, page.width), page.height))
    lines = {round(w["top"]) for w in rest.extract_words() if _DIGIT.search(w["text"])}
    return len(band.extract_words()) >= 3 and len(lines) >= 2


def _header_lines(page, upper, lower) -> int:
    """Lines of text between two rules (characters whose tops lie within half a character's height
    count as one line): a table's header has a few, a page's prose between a header rule and a
    separator many."""
    chars = [c for c in page.chars if c["text"].strip() and upper[0] < (c["top"] + c["bottom"]) / 2 < lower[0]
             and upper[1] <= c["x0"] <= upper[2]]
    if not chars:
        return 0
    return len(_char_lines(chars, 0.5 * statistics.median(c["bottom"] - c["top"] for c in chars)))


def _has_text(page, upper, lower) -> bool:
    return any(upper[0] < (c["top"] + c["bottom"]) / 2 < lower[0] and upper[1] <= c["x0"] <= upper[2]
               for c in page.chars if c["text"].strip())


def _crossed(verticals, upper, lower) -> bool:
    return any(upper[1] - 1 <= e["x0"] <= upper[2] + 1 and e["bottom"] > upper[0] + _SAME
               and e["top"] < lower[0] - _SAME for e in verticals)


def join_lines(parts) -> str:
    """A cell's lines as one text: without a space between Chinese characters (``预期`` / ``性`` is
    ``预期性``), with one between words (``PM2.5`` / ``concentration``)."""
    text = ""
    for p in parts:
        if text and text[-1].isascii() and text[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            text += " "
        text += p
    return text


def _joined(lines: list[list[str]]) -> list[str]:
    """Lines of text joined per column, top to bottom (a header or a wrapped row)."""
    width = max(len(t) for t in lines)
    return [join_lines([t[j] for t in lines if j < len(t) and t[j]]) for j in range(width)]


def _char_lines(chars, tolerance: float) -> list[list[dict]]:
    """pdfplumber characters grouped into lines of text, top to bottom: a character whose top lies
    within ``tolerance`` of its line's first one belongs to that line."""
    lines: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: c["top"]):
        if lines and c["top"] - lines[-1][0]["top"] <= tolerance:
            lines[-1].append(c)
        else:
            lines.append([c])
    return lines


def _rows(body: list[tuple[float, list[str], list[float]]], height: float) -> list[tuple[list[str], list[float]]]:
    """Lines of the body (height, texts, heights of the lines it was made of) as rows: each row's texts
    and the heights of its lines, its anchor's (the line with the figures, or the line itself for a
    row without any) first. Rows grow from their figures' line: a line without figures next to a
    row's line, within a wrapped line's distance (:func:`_wrap_gap`), joins that row, the closest
    first -- so the three lines of a name whose figures sit at its top (or bottom, or middle) are one
    row."""
    anchors = [i for i, (_, t, _) in enumerate(body) if any(_DIGIT.search(c) for c in t)]
    pitch = statistics.median(b - a for a, b in zip([body[i][0] for i in anchors], [body[i][0] for i in anchors[1:]])) \
        if len(anchors) >= 2 else 0.0
    row_of = {i: i for i in anchors}
    gap = _wrap_gap(pitch, height) if pitch > 0 else 0.0
    while True:  # grow rows from their figures' line outward, the closest line first
        near = [(abs(body[j][0] - body[i][0]), i, j) for i in range(len(body)) if i not in row_of
                for j in (i - 1, i + 1) if j in row_of and abs(body[j][0] - body[i][0]) <= gap]
        if not near:
            break
        _, i, j = min(near)
        row_of[i] = row_of[j]
    groups: dict[int, list[int]] = {}
    for i in range(len(body)):
        groups.setdefault(row_of.get(i, i), []).append(i)
    out = [(_joined([body[k][1] for k in members]), [body[key][0]] + [y for k in members for y in body[k][2]])
           for key, members in groups.items()]
    return sorted(out, key=lambda row: min(row[1]))


def _wrap_gap(pitch: float, height: float) -> float:
    """How far apart two lines of one row may be: :data:`WRAP_SHARE` of the row pitch, or a line's
    height and a bit (:data:`WRAP_LINES`) where the rows' padding makes the pitch much larger than a
    line -- but less than a row's pitch, so that a row of its own (``二、知识产权``) stays one."""
    return max(WRAP_SHARE * pitch, min(WRAP_LINES * height, 0.85 * pitch))


class _Label(NamedTuple):
    """A label spanning several rows of the first column (a merged 类别 cell): its text and the heights
    of its first and last lines."""

    text: str
    top: float
    bottom: float


def _spanning_labels(crop, table, body, height: float):
    """``(body, labels)``: when the first column holds labels that each span several rows -- a merged
    类别 cell, written once, at the top, middle or bottom of its rows, perhaps over two lines
    (``市场`` / ``主体``) -- the labels (read from the column's characters line by line) and the body
    read again without them (a label's characters shift how the words of its rows fall into lines).
    Otherwise ``(body, [])``: the first column is not such a column when a row of its own holds its
    text (a group row ``一、市场主体``), when it holds serial numbers (序号) or when every row has its own text."""
    first = [t[0] for _, t, _ in body]
    has_figures = [any(_DIGIT.search(c) for c in t[1:]) for _, t, _ in body]
    if (len(table.columns) < 3 or any(_SERIAL.match(c) for c in first) or not any(first)
            or all(f for f, a in zip(first, has_figures) if a) or height <= 0):
        return body, []
    x1 = max(c[2] for c in table.columns[0].cells if c)
    top, bottom = min(b[1] for _, _, b in body), max(b[3] for _, _, b in body)

    def in_first(obj):
        return obj.get("object_type") == "char" and (obj["x0"] + obj["x1"]) / 2 <= x1

    rest = crop.filter(lambda obj: not in_first(obj)).find_table(
        {"vertical_strategy": "text", "horizontal_strategy": "text"})
    if rest is None or len(rest.columns) != len(table.columns) - 1:
        return body, []
    lines = [(y, [""] + texts, box) for y, texts, box in _table_lines(rest) if top <= y <= bottom]
    anchors = [y for y, texts, _ in lines if any(_DIGIT.search(c) for c in texts)]
    if len(anchors) < 2:
        return body, []
    label_chars = [c for c in crop.chars if c["text"].strip() and in_first(c)
                   and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    parts = [((line[0]["top"] + line[0]["bottom"]) / 2,
              "".join(c["text"] for c in sorted(line, key=lambda c: c["x0"])))
             for line in _char_lines(label_chars, 0.5 * height)]
    # lines of one label are a line's height apart, the last line of a row and the first of the next
    # a line's height and the rows' padding (``step``; the gaps between lines of the other columns
    # that are more than a line's)
    leading = LEADING * height
    content = sorted(y for y, _, _ in lines)
    gaps = [b - a for a, b in zip(content, content[1:]) if b - a > 1.25 * leading]
    step = statistics.median(gaps) if gaps else leading
    apart = (leading + step) / 2
    if not parts or any(_own_row(y, content, step, apart) for y, _ in parts):
        return body, []
    if not gaps:  # rows without padding: a label's next line cannot be told from the next label
        apart = 0.0
    labels = [_Label(parts[0][1], parts[0][0], parts[0][0])]
    for y, text in parts[1:]:
        if y - labels[-1].bottom <= apart:
            labels[-1] = _Label(join_lines([labels[-1].text, text]), labels[-1].top, y)
        else:
            labels.append(_Label(text, y, y))
    return lines, labels


def _own_row(y: float, content: list[float], step: float, apart: float) -> bool:
    """Whether a first-column line at height ``y`` is a row of its own (a group row): the lines of the
    other columns around it leave a row's room for it -- more than the ``step`` from one row's last
    line to the next row's first and a line (a label's second line may lengthen a one-row group by a
    line), half-way to two steps; a spanning label sits on a row or in the usual gap between two.
    ``apart``: half-way between a line's height and a step."""
    above = [c for c in content if c <= y]
    below = [c for c in content if c >= y]
    if not above or not below:
        return min(abs(c - y) for c in content) >= apart
    return below[0] - above[-1] >= step + apart


def _with_labels(rows, labels: list[_Label], height: float):
    """``rows`` with each spanning label written in the first column of every row it spans. Its rows
    are found by where it sits: at the top, middle or bottom of them, as the table's other cells sit in
    its rows of several lines (a wrapped name); when those do not tell, the placement that fits best,
    and when more than one fits as well (a label on the first row, then one on the third: a group of
    one and a centred group of three, or two groups of two at the top), in the middle -- how browsers
    and most typeset plan tables place a merged 类别 -- else at the top. Unchanged when none fits."""
    if len(labels) > len(rows):
        return rows
    anchor = [ys[0] for _, ys in rows]
    first, last = [min(ys) for _, ys in rows], [max(ys) for _, ys in rows]
    pitch = statistics.median(b - a for a, b in zip(anchor, anchor[1:])) if len(rows) > 1 else height
    near = SPAN_SHARE * pitch
    readings = {}  # placement -> (first row of each label's group, worst distance from its place)

    def nearest(values, y):
        r = min(range(len(values)), key=lambda r: abs(values[r] - y))
        return r, abs(values[r] - y)

    starts, off = zip(*[nearest(first, lab.top) for lab in labels])
    if starts[0] == 0 and list(starts) == sorted(set(starts)) and max(off) <= near:
        readings["top"] = (list(starts), max(off))
    ends, off = zip(*[nearest(last, lab.bottom) for lab in labels])
    if ends[-1] == len(rows) - 1 and list(ends) == sorted(set(ends)) and max(off) <= near:
        readings["bottom"] = ([0] + [e + 1 for e in ends[:-1]], max(off))
    starts, s, worst = [], 0, 0.0
    for k, lab in enumerate(labels):
        centre = (lab.top + lab.bottom) / 2
        ends_possible = [len(rows) - 1] if k == len(labels) - 1 else range(s, len(rows) - (len(labels) - k - 1))
        off = {e: abs((first[s] + last[e]) / 2 - centre) for e in ends_possible}
        e = min(off, key=off.get, default=None)
        if e is None or off[e] > near:
            break
        starts.append(s)
        worst = max(worst, off[e])
        s = e + 1
    else:
        readings["middle"] = (starts, worst)
    if not readings:
        return rows
    cells = _alignment(first, last, anchor, near)
    if cells in readings:
        chosen = readings[cells][0]
    else:  # the placement that fits best; of several fitting as well (a tenth of the pitch), middle first
        best = min(d for _, d in readings.values())
        chosen = next(readings[k][0] for k in ("middle", "top", "bottom")
                      if k in readings and readings[k][1] <= best + 0.1 * pitch)
    out = []
    for r, (texts, ys) in enumerate(rows):
        k = max(i for i, s in enumerate(chosen) if s <= r)
        out.append(([labels[k].text] + texts[1:], ys))
    return out


def _alignment(first, last, anchor, near) -> str | None:
    """Where a row's figures sit in its rows of several lines (``top``, ``middle`` or ``bottom``, the
    most common), or None without such rows."""
    seen = []
    for f, l, a in zip(first, last, anchor):
        if l - f <= near:
            continue
        seen.append("top" if a - f <= near else "bottom" if l - a <= near else "middle")
    return max(set(seen), key=seen.count) if seen else None
