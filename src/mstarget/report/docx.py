"""The report as a Word document (python-docx), laid out like an evaluation report.

In the form of an official document (公文, GB/T 9704-2012 《党政机关公文格式》): A4, margins 37 / 35 / 28 / 26 mm
(top / bottom / left / right: a 版心 of 156 x 225 mm), the title 2号 方正小标宋简体 centred, the text 3号
仿宋_GB2312 with a first-line indent of 2 characters at a fixed line spacing of 28.95 pt (22 lines a page),
headings by their numbering (一、 3号 黑体; a region's heading 3号 楷体_GB2312; a target's ``1.`` 3号 仿宋 bold),
digits and Latin in Times New Roman; the fonts a machine without them lacks fall back (font table ``altName``) to
仿宋 / 楷体 / 宋体. Tables in 五号 (the wide main table 六号 with narrow cell margins, 小六 only when a figure would
not fit on one line otherwise) 仿宋, their header rows 黑体 and repeated on every page; charts within the 版心.
Page numbers ``— 1 —`` in 4号 宋体, odd pages right and even pages left, a character in from the edge of the 版心. The content: title and date line; 一、总体情况 (overall paragraph);
二、分类汇总 (counts by category); 三、主要指标评估表 (on a landscape page, header row repeated on
every page); 四、总览图; 五、逐项评估 (per target: heading, narrative, fan chart); 六、未匹配的数据
(when present); 说明. Every page's footer carries its number (a PAGE field, — 1 —, as 公文 are numbered).

A report of several regions adds a 目录 (a TOC field over the headings, its entries already written so that it
reads before Word updates it), a 分指标汇总 table, names its 分类汇总 lists once per indicator with their regions
and groups 五、逐项评估 by region (a Heading 2 per region, the targets as Heading 3).
"""
from __future__ import annotations

import functools
import io
import re
from copy import deepcopy
import unicodedata

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Cm, Mm, Pt, RGBColor, Twips
from docx.table import _Cell
from docx.text.run import Run
from lxml import etree

from .formatting import property_text, report_datetime
from .charts import ReportCharts, chart_alt
from .narrative import BY_INDICATOR_CAPTION, region_count, summary_groups
from .model import (
    by_indicator_table,
    BY_REGION_CAPTION,
    CATEGORY_COLOURS,
    MATRIX_CAPTION,
    CHINESE_NUMERALS,
    SUMMARY_HEADERS,
    Report,
    chart_cut,
    model_line,
    unmatched_label,
)

#: GB/T 9704-2012 《党政机关公文格式》: the fonts (East Asian names, as Word writes them) and sizes (字号 in pt)
LATIN = "Times New Roman"  # digits and Latin letters
TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, H3_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "仿宋_GB2312"
PAGE_FONT, TABLE_FONT, TABLE_HEADER_FONT = "宋体", "仿宋_GB2312", "黑体"
#: a font a machine may lack and the one Word / WPS / LibreOffice take instead (the font table's ``w:altName``)
FALLBACK = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体"}
SIZE_2, SIZE_3, SIZE_4, SIZE_5 = 22, 16, 14, 10.5  # 2号 (title), 3号 (text, headings), 4号 (page numbers), 五号
SIZE_SMALL = 14  # captions, the 预测模型 line, （图略）: 4号
TABLE_SIZE, MAIN_TABLE_SIZE, DATA_TABLE_SIZE = SIZE_5, 7.5, 9  # 五号; the 20-column main table 六号; unmatched rows 小五
MAIN_TABLE_SMALLER = 6.5  # 小六: the main table when 六号 would split a number across lines
#: a cell's margins (cm) on each side, as the Table Grid style has them (108 dxa), and the main table's narrower ones
CELL_MARGIN_CM, MAIN_CELL_MARGIN_CM = 0.19, 0.1
LINE = Pt(28.95)  # fixed line spacing: 22 lines in the 225 mm 版心
INDENT = 2  # first-line indent, characters
#: page margins (mm): 天头 37, 订口 28 -- a 156 x 225 mm 版心 on A4; the landscape table pages turn the 版心 round
#: (its top at the binding edge, GB/T 9704 10.2)
MARGINS = {False: {"top": 37, "bottom": 35, "left": 28, "right": 26},
           True: {"top": 28, "bottom": 26, "left": 35, "right": 37}}
TEXT_WIDTH_CM = {False: 15.6, True: 22.5}  # the 版心's width


def _rfonts(element):
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    return rfonts


def _font(element, east: str, latin: str = LATIN) -> None:
    """A style's or run's fonts: ``east`` for 汉字, ``latin`` for digits and letters; the template's theme fonts
    (which would win over both) dropped."""
    rfonts = _rfonts(element)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east)


def _first_line_indent(pf, chars: int, size: float) -> None:
    """A first-line indent of ``chars`` characters: in characters for Word / WPS (w:firstLineChars), and in
    points for readers that only know those."""
    pf.first_line_indent = Pt(chars * size)
    ind = pf._element.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _exact(pf, line=LINE) -> None:
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = line
    pf.space_before = pf.space_after = Pt(0)


def _styles(doc, lang: str) -> None:
    """Normal: 3号 仿宋_GB2312, justified, 28.95 pt a line, no space between paragraphs; Title: 2号 方正小标宋简体
    centred; Heading 1: 3号 黑体; Heading 2: 3号 楷体_GB2312; Heading 3: 3号 仿宋 bold -- headings indented
    like the text, in black, not bold but the 仿宋 one, kept with what follows."""
    normal = doc.styles["Normal"]
    _font(normal.element, BODY_FONT)
    normal.font.size = Pt(SIZE_3)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _exact(normal.paragraph_format)
    normal.paragraph_format.widow_control = True
    title = doc.styles["Title"]
    ppr = title.element.get_or_add_pPr()
    for el in ppr.findall(qn("w:pBdr")) + ppr.findall(qn("w:contextualSpacing")):
        ppr.remove(el)  # the template draws a blue rule under the title
    rpr = title.element.get_or_add_rPr()
    for el in rpr.findall(qn("w:spacing")) + rpr.findall(qn("w:kern")):
        rpr.remove(el)
    _font(title.element, TITLE_FONT)
    title.font.size = Pt(SIZE_2)
    title.font.bold = False
    title.font.color.rgb = RGBColor(0, 0, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(title.paragraph_format, Pt(35))  # a two-line title: 2号 on 35 pt lines
    title.paragraph_format.space_after = LINE  # a blank line under the title
    for name, east, bold in (("Heading 1", H1_FONT, False), ("Heading 2", H2_FONT, False),
                             ("Heading 3", H3_FONT, True)):
        st = doc.styles[name]
        _font(st.element, east)
        st.font.size = Pt(SIZE_3)
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.font.bold = bold
        pf = st.paragraph_format
        _exact(pf)
        _first_line_indent(pf, INDENT, SIZE_3)
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.keep_with_next = True


def _font_table(doc) -> None:
    """The fonts of the 公文 form in the document's font table, each with the font a machine without it takes
    instead (``w:altName``: 仿宋_GB2312 -> 仿宋, 楷体_GB2312 -> 楷体, 方正小标宋简体 -> 宋体) and the GB2312 charset."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    root = etree.fromstring(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name in dict.fromkeys([TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT, *FALLBACK.values()]):
        if name in have:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        if name in FALLBACK:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), FALLBACK[name])
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "modern" if "仿宋" in name or "楷体" in name else "auto")
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


#: the language of a report's text in Word's terms (w:lang): a Chinese report's 汉字 are zh-CN, not the template's en-US
LANGUAGE = {"zh": ("en-US", "zh-CN"), "en": ("en-US", "zh-CN")}
def _properties(doc, report: Report) -> None:
    """The document's properties as the report's: title, subject (region, evaluation year, date), author, the
    report date as created and modified (python-docx's template says 2013-12-23), its language; and the text's
    language (w:lang: 汉字 as zh-CN, for Word's proofing and line breaking) in the document defaults."""
    cp = doc.core_properties
    cp.title = property_text(report.title)
    cp.subject = property_text(report.subtitle)
    cp.author = cp.last_modified_by = "mstarget"
    cp.comments = "mstarget 规划指标评估报告" if report.lang == "zh" else "mstarget plan target assessment"
    cp.keywords = "规划评估" if report.lang == "zh" else "plan assessment"
    cp.category = ""
    cp.language = "zh-CN" if report.lang == "zh" else "en-US"
    cp.revision = 1
    cp.created = cp.modified = report_datetime(report.date)
    latin, east = LANGUAGE[report.lang]
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), latin)
    lang.set(qn("w:eastAsia"), east)


def _a4(section, landscape: bool = False) -> None:
    """A4 with the 公文 margins (a landscape table page turns the 版心 round); the footer placed so that the page
    number's dashes sit about 7 mm below the 版心."""
    w, h = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    for side, mm in MARGINS[landscape].items():
        setattr(section, f"{side}_margin", Mm(mm))
    section.header_distance = Mm(15)
    section.footer_distance = Mm(MARGINS[landscape]["bottom"] - 7 - 3.5)  # the dash ~3.5 mm above the line's foot


def _shade(cell, colour: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour.lstrip("#").upper())
    tcpr.append(shd)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cell_text(cell, text: str, *, size: float, bold: bool = False, colour: str | None = None,
               align=None, header: bool = False) -> None:
    """A cell's text: 仿宋 (a header cell 黑体) at ``size``, single-spaced, no indent."""
    cell.text = ""
    par = cell.paragraphs[0]
    pf = par.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(0)
    run = par.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    _font(run._r, TABLE_HEADER_FONT if header else TABLE_FONT)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
    if align is not None:
        par.alignment = align


def _copied_text(tc, paragraph, text: str) -> None:
    """A cell's text in a copy of ``paragraph`` (a cell's formatted by :func:`_cell_text`): the same fonts, size,
    colour, spacing and alignment, ``text`` in its run (a line break for ``\\n``, as ``run.text`` writes it).
    ``tc``: the cell's ``w:tc`` element. Text that python-docx would write as one plain ``w:t`` goes straight into
    the copied run's ``w:t`` (the same XML, without its character-by-character parsing: a province's 60,000
    cells)."""
    for p in tc.findall(_P):
        tc.remove(p)
    p = deepcopy(paragraph)
    tc.append(p)
    run = p.findall(_R)[-1]  # the formatted run (after the empty one ``cell.text = ""`` leaves)
    text = str(text)
    plain = run.find(_T) if text and text.strip() == text and not _RUN_BREAKS.search(text) else None
    if plain is not None and not plain.attrib and len(run) == 2:  # [w:rPr, w:t]: as run.text = text writes it
        plain.text = text
    else:
        run.text = text


_P, _R, _T, _TC_PR, _TC_W = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tcPr"), qn("w:tcW")
#: characters python-docx's ``run.text`` turns into elements of their own (w:tab, w:br)
_RUN_BREAKS = re.compile(r"[\t\r\n]")


def _set_widths(table, tcs: list[list], widths_cm: list[float]) -> None:
    """Each column's width: its grid column (LibreOffice reads these) and every cell's ``w:tcW`` (Word reads
    those), set as python-docx sets them, the first row's through python-docx and the others' copied from it
    (``tcs``: the table's ``w:tc`` elements by row)."""
    widths = [Cm(w) for w in widths_cm]
    for j, w in enumerate(widths):
        table.columns[j].width = w
    first: list[dict] = []
    for tc, w in zip(tcs[0], widths):
        tc.width = w
        first.append(dict(tc.find(_TC_PR).find(_TC_W).attrib))
    for row in tcs[1:]:
        for tc, attrib in zip(row, first):
            tc_w = tc.find(_TC_PR).find(_TC_W)  # every cell of a new table has one (python-docx's new_tbl)
            if tc_w is None:
                tc.width = Twips(int(attrib[qn("w:w")]))
            else:
                for key, value in attrib.items():
                    tc_w.set(key, value)


def _table(doc, header: list[str], rows: list[list[str]], widths_cm: list[float], *, size: float,
           fills: dict[tuple[int, int], str] | None = None, text_columns: tuple[int, ...] = (1,),
           margin_cm: float = CELL_MARGIN_CM):
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if margin_cm != CELL_MARGIN_CM:  # narrower cell margins (left and right) than the style's 0.19 cm
        mar = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(round(margin_cm / 2.54 * 1440)))
            el.set(qn("w:type"), "dxa")
            mar.append(el)
        tblpr = table._tbl.tblPr
        look = tblpr.find(qn("w:tblLook"))
        if look is None:
            tblpr.append(mar)
        else:
            look.addprevious(mar)
    # each row's cells read once, in one pass over the rows: python-docx's ``table.rows[i]`` rebuilds the list of
    # rows on every call (a province's 3,550 rows took 854 s so); ``row.cells`` walks that row only
    # (a new table has no merged cell: its ``w:tc`` elements are its cells, read without python-docx's ``row.cells``,
    # which works out each cell's span and vertical merge -- a fifth of a province's table)
    tcs = [tr.tc_lst for tr in table._tbl.tr_lst]
    for j, h in enumerate(header):
        c = _Cell(tcs[0][j], table)
        _cell_text(c, h, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, header=True)
        _shade(c, "#EEF3F8")
    _repeat_header(table.rows[0])
    fills = fills or {}
    # the first cell of each look (white on a fill or not, left or right) is formatted as _cell_text does, the rest
    # copy its paragraph with their own text: python-docx's formatting, property by property, took 0.5 ms a cell
    looks: dict[tuple, object] = {}
    for i, values in enumerate(rows, start=1):
        row_tcs = tcs[i]
        for j, text in enumerate(values):
            fill = fills.get((i - 1, j))
            tc = row_tcs[j]
            colour = "#FFFFFF" if fill else None
            align = WD_ALIGN_PARAGRAPH.LEFT if j in text_columns or widths_cm[j] > 5 else WD_ALIGN_PARAGRAPH.RIGHT
            look = looks.get((colour, align))
            if look is None:
                _cell_text(_Cell(tc, table), text, size=size, colour=colour, align=align)
                looks[(colour, align)] = tc.find(_P)
            else:
                _copied_text(tc, look, text)
            if fill:
                _shade(_Cell(tc, table), fill)
    # Word reads the cell widths, LibreOffice the grid columns: set both, with a fixed layout (``autofit = False``
    # above wrote the one w:tblLayout, in its place in w:tblPr)
    _set_widths(table, tcs, widths_cm)
    return table


#: advance widths (em) of Times New Roman's printable ASCII, ``!`` to ``~`` (the Latin of every run): digits half
#: an em, ``%`` 0.83, ``.`` a quarter; 汉字 and full-width forms take a whole em
_TIMES = dict(zip(
    "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    (0.333, 0.408, 0.5, 0.5, 0.833, 0.778, 0.18, 0.333, 0.333, 0.5, 0.564, 0.25, 0.333, 0.25, 0.278,
     *[0.5] * 10, 0.278, 0.278, 0.564, 0.564, 0.564, 0.444, 0.921,
     0.722, 0.667, 0.667, 0.722, 0.611, 0.556, 0.722, 0.722, 0.333, 0.389, 0.722, 0.611, 0.889, 0.722, 0.722,
     0.556, 0.722, 0.667, 0.556, 0.611, 0.722, 0.722, 0.944, 0.722, 0.722, 0.611,
     0.333, 0.278, 0.333, 0.469, 0.5, 0.333,
     0.444, 0.5, 0.444, 0.5, 0.444, 0.333, 0.5, 0.5, 0.278, 0.278, 0.5, 0.278, 0.778, 0.5, 0.5, 0.5, 0.5, 0.333,
     0.389, 0.278, 0.5, 0.5, 0.722, 0.5, 0.5, 0.444, 0.48, 0.2, 0.48, 0.541)))
#: a run of characters a line does not break inside: a number with its sign, unit and brackets (``≥12``, ``84.91``,
#: ``40%``, ``36.0–199.6``, ``≥〔25.64〕``), a Latin word; between 汉字 a line may break anywhere
_UNBROKEN = re.compile(r"[〔〈《（“‘!-~≥≤±–—×÷‰°·]*[!-~≥≤±–—×÷‰°·][〕〉》）”’，。、；：!-~≥≤±–—×÷‰°·]*|\S")
_SAFE = 1.08  # room for a font's own metrics (WPS / LibreOffice substitutes) and rounding


def _ems(text: str) -> float:
    """The width of ``text`` on one line, in ems: Times New Roman for ASCII, a whole em for 汉字 and full-width
    forms, about half an em for other narrow characters (≥, –)."""
    return sum(_TIMES.get(c, 0.25 if c == " " else 1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55)
               for c in text)


@functools.lru_cache(maxsize=1 << 16)  # a table's figures repeat (60%, –, 预期性): each measured once
def _line_ems(text: str) -> float:
    """The widest line of a cell's text (its lines as written), in ems."""
    return max((_ems(line) for line in str(text).split("\n")), default=0.0)


@functools.lru_cache(maxsize=1 << 16)  # a table's figures repeat (60%, –, 预期性): each measured once
def _unbroken_ems(text: str) -> float:
    """The widest piece of a cell's text that a line cannot break inside (a number, a Latin word, one 汉字)."""
    return max((_ems(m.group()) for m in _UNBROKEN.finditer(str(text))), default=0.0)


def _needs(header: list[str], rows: list[list[str]], *, size: float, wide: int | None,
           margin_cm: float) -> tuple[list[float], list[float]]:
    """Each column's least width (cm: the longest piece of its values and header that a line cannot break --
    ``2020``, ``≥12``, ``84.91``, ``36.0–199.6``, a Latin word -- and, for the ``wide`` name column, 6 汉字 a line)
    and the width it wants (its longest value on one line, its header on two; the name up to 11 汉字 a line),
    both with the cell margins (``margin_cm`` a side), which Word keeps fixed."""
    em = size / 72 * 2.54 * _SAFE  # cm per em at ``size`` points
    pad = 2 * margin_cm
    least, want = [], []
    for j, h in enumerate(header):
        values = [r[j] for r in rows]
        piece = max([_unbroken_ems(v) for v in values] + [_unbroken_ems(h), 1.0])
        line = max([_line_ems(v) for v in values] + [_line_ems(h) / 2, piece])
        if j == wide:
            line = max(min(line, 11), piece)
            piece = max(piece, min(line, 6))
        least.append(piece * em + pad)
        want.append(line * em + pad)
    return least, want


def _widths(header: list[str], rows: list[list[str]], total_cm: float, *, size: float, wide: int | None = 1,
            margin_cm: float = CELL_MARGIN_CM) -> list[float]:
    """Column widths (cm) summing to ``total_cm`` (a table without a ``wide`` column may be narrower). Where there
    is room each column takes the width it wants (``_needs``) and the ``wide`` column (the name) what is left
    over; where there is not, each takes its least width -- no number or word split across lines -- and the
    room left is shared in proportion to what the columns still want. The cell margins are reserved, never
    scaled (Word keeps them whatever the column's width)."""
    least, want = _needs(header, rows, size=size, wide=wide, margin_cm=margin_cm)
    if sum(want) <= total_cm:
        if wide is not None:
            want[wide] += total_cm - sum(want)
        return want
    if sum(least) <= total_cm:
        spare, short = total_cm - sum(least), [w - l for w, l in zip(want, least)]
        return [l + spare * s / sum(short) for l, s in zip(least, short)]
    pad = 2 * margin_cm  # too narrow even so: the text's share shrinks, the margins stay
    scale = (total_cm - pad * len(least)) / (sum(least) - pad * len(least))
    return [pad + (l - pad) * scale for l in least]


def _fits(header: list[str], rows: list[list[str]], total_cm: float, *, size: float, wide: int | None,
          margin_cm: float = CELL_MARGIN_CM) -> bool:
    """Whether every column's least width (``_needs``) fits within ``total_cm`` at ``size``."""
    return sum(_needs(header, rows, size=size, wide=wide, margin_cm=margin_cm)[0]) <= total_cm


def _paragraph(doc, text: str, *, indent: bool = True, size: float | None = None, align=None):
    """A paragraph of the text (3号 仿宋, 28.95 pt lines from Normal), indented 2 characters; ``size`` for a
    smaller line (a caption, the 预测模型 line)."""
    p = doc.add_paragraph(text)
    if indent:
        _first_line_indent(p.paragraph_format, INDENT, size or SIZE_3)
    if align is not None:
        p.alignment = align
    if size:
        for r in p.runs:
            r.font.size = Pt(size)
    return p


def png_width_cm(png: bytes, dpi: int = 100) -> float:
    """The width (cm) a PNG drawn at ``dpi`` (:func:`~.charts.figure_png`) has at its own size: its text at the
    size it was drawn."""
    return int.from_bytes(png[16:20], "big") / dpi * 2.54


def _picture(doc, png: bytes, width_cm: float, *, landscape: bool = False):
    """A chart centred in its own single-spaced paragraph (a fixed line spacing would cut it to one line's
    height), no wider than the 版心 (of a ``landscape`` page)."""
    # doc.add_picture as python-docx writes it, but the picture's id counted here: python-docx searches the whole
    # document for the highest id at each picture (71 charts after a province's 3,550-row table: 11 s)
    par = doc.add_paragraph()
    rid, image = doc.part.get_or_add_image(io.BytesIO(png))
    cx, cy = image.scaled_dimensions(Cm(min(width_cm, TEXT_WIDTH_CM[landscape])), None)
    ids = doc.__dict__.get("_mstarget_next_id")
    if ids is None:  # the document's highest id, searched once
        ids = doc.__dict__["_mstarget_next_id"] = [doc.part.next_id]
    par.add_run()._r.add_drawing(CT_Inline.new_pic_inline(ids[0], rid, image.filename, cx, cy))
    ids[0] += 1
    pf = par.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.first_line_indent = Pt(0)
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return par


def _heading_style_id(doc, level: int) -> str:
    """The style id of ``Heading <level>`` in ``doc`` (``Heading2``), looked up by name once per document and
    level: python-docx's ``add_heading`` searches the styles part by name at every call (XPath over every style;
    ~1-3 ms each, seconds for a report of many regions and targets)."""
    ids = doc.__dict__.setdefault("_mstarget_heading_ids", {})
    if level not in ids:
        ids[level] = doc.part.get_style_id(doc.styles[f"Heading {level}"], WD_STYLE_TYPE.PARAGRAPH)
    return ids[level]


def _heading(doc, text: str, level: int, *, numbered: bool = False):
    """A heading (``Heading <level>``, 1-9), as ``doc.add_heading(text, level)`` writes it -- the same XML --
    with the style resolved once per document (:func:`_heading_style_id`); ``numbered``: a target's ``1. …``
    heading, in the form of a 公文's third level (3号 仿宋 bold) whatever its outline level (Heading 2 in a
    one-region report)."""
    par = doc.add_paragraph(text)
    par._p.style = _heading_style_id(doc, level)
    if numbered and level != 3:
        for r in par.runs:
            _font(r._r, H3_FONT)
            r.bold = True
    return par


def _field(paragraph, instruction: str, shown: str = "") -> None:
    """A complex field (``PAGE``, ``TOC ...``) in ``paragraph``, showing ``shown`` until Word updates it."""
    def run_with(el):
        r = OxmlElement("w:r")
        r.append(el)
        paragraph._p.append(r)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    if shown:
        paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _page_numbers(doc, section) -> None:
    """The page number in the footer, — 1 — as 公文 write it (4号 宋体, a PAGE field: every page its own): on odd
    pages at the right and on even pages at the left, a character in from the 版心's edge (GB/T 9704 7.5);
    later sections inherit both footers."""
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent")):
        footer.is_linked_to_previous = False
        par = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        par.alignment = align
        pf = par.paragraph_format
        setattr(pf, side, Pt(SIZE_4))  # 空一字
        pf.first_line_indent = Pt(0)
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        par.add_run("— ")
        _field(par, "PAGE", "1")
        par.add_run(" —")
        for r in par._p.iter(qn("w:r")):
            run = Run(r, par)
            run.font.size = Pt(SIZE_4)
            _font(r, PAGE_FONT, PAGE_FONT)


def _contents(doc, report: Report, entries: list[tuple[int, str]]) -> None:
    """目录: a TOC field over the headings (levels 1-2: sections and regions), its result the entries written
    already (without page numbers), so that the list reads as it is and Word fills in the pages when it updates
    the field (F9 / 更新域)."""
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("目录" if report.lang == "zh" else "Contents")
    run.font.size = Pt(SIZE_3)
    _font(run._r, H1_FONT)
    first = doc.add_paragraph()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-2" \\h \\z \\u '
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    for el in (begin, instr, sep):
        r = OxmlElement("w:r")
        r.append(el)
        first._p.append(r)
    par = first
    for i, (level, text) in enumerate(entries):
        if i:
            par = doc.add_paragraph()
        par.paragraph_format.left_indent = Cm(0.8 * (level - 1))
        par.paragraph_format.space_after = Pt(2)
        par.add_run(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    r = OxmlElement("w:r")
    r.append(end)
    par._p.append(r)
    doc.add_page_break()  # the report begins on the next page


def _region_groups(report: Report) -> list[tuple[str, list]]:
    """The rows 五、逐项评估 describes (:attr:`~.model.Report.described_rows`) by region (first appearance order, 序号
    order within)."""
    groups: dict[str, list] = {}
    for row in report.described_rows:
        region = row.raw.get("region")
        groups.setdefault("" if region is None else str(region), []).append(row)
    return list(groups.items())


def _region_heading(report: Report, region: str, rows: list) -> str:
    """A region's heading in 五、逐项评估 (and its 目录 entry): ``东江市（9项）`` (``东江市（9项，详述3项）`` when the
    section leaves rows out, :func:`~.narrative.region_count`)."""
    return region + region_count(report, region, len(rows))


def _describe_last_picture(doc, text: str) -> None:
    """The alt text (``descr``) of the picture just added: what the chart is."""
    docpr = doc.paragraphs[-1]._p.xpath(".//wp:docPr")
    if docpr:
        docpr[-1].set("descr", text)


def _caption(doc, text: str) -> None:
    """A table's caption above it (表1 分类汇总): centred, bold, kept with the table."""
    para = _paragraph(doc, text, indent=False, size=SIZE_SMALL, align=WD_ALIGN_PARAGRAPH.CENTER)
    for run in para.runs:
        run.bold = True
    para.paragraph_format.keep_with_next = True


def write_docx(report: Report, path, charts: ReportCharts) -> None:
    """Write the Word document to ``path`` (the caller makes the write atomic).

    Its parts in order: the title page's lines and, for several regions, a 目录 (:func:`_front_matter`); the overall
    paragraph and the summary tables (:func:`_summary_part`); the main table on landscape pages
    (:func:`_main_table_part`); the problems and the overview chart (:func:`_problems_and_overview`); a section per
    target (:func:`_targets_part`); unmatched rows, the next steps' heading and the notes (:func:`_closing_part`)."""
    sec = report.sections(overview=charts.overview is not None)  # numbered as the document has them
    doc = Document()
    _styles(doc, report.lang)
    _font_table(doc)
    _a4(doc.sections[0])
    _properties(doc, report)
    groups = _region_groups(report) if report.several_regions else []
    # each region's heading once, for the 目录 and 五、逐项评估 (its count scans the report's rows)
    region_headings = {region: _region_heading(report, region, rows) for region, rows in groups}
    _front_matter(doc, report, sec, groups, region_headings, charts.overview is not None)
    caps = report.table_captions()  # (it builds the by-region and by-indicator tables: once)
    _summary_part(doc, report, sec, caps)
    _main_table_part(doc, report, sec, caps)
    _problems_and_overview(doc, report, sec, charts)
    _targets_part(doc, report, sec, charts.fans, groups, region_headings)
    _closing_part(doc, report, sec)
    doc.save(path)


def _front_matter(doc, report: Report, sec: dict, groups: list, region_headings: dict, overview: bool) -> None:
    """The title, the subtitle, page numbers, and for several regions a 目录: the sections, and under 逐项评估 each
    region."""
    title = doc.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(report.subtitle)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_numbers(doc, doc.sections[0])
    if not groups:
        return
    h = [sec.get(k, "") for k in ("overall", "summary", "table", "overview", "targets", "unmatched", "notes")]
    entries = [(1, h[k]) for k in range(3)] + ([(1, sec["problems"])] if report.problems else []) + \
        ([(1, h[3])] if overview else []) + [(1, h[4])] + \
        [(2, region_headings[region]) for region, _ in groups] + \
        ([(1, h[5])] if report.unmatched else []) + \
        ([(1, sec["next_steps"])] if report.next_steps else []) + [(1, h[6])]
    _contents(doc, report, entries)


def _summary_part(doc, report: Report, sec: dict, caps: dict) -> None:
    """The overall paragraph, the summary by category, and for several regions the tables by region and by
    indicator."""
    _heading(doc, sec.get("overall", ""), 1)
    _paragraph(doc, report.overall)
    _heading(doc, sec.get("summary", ""), 1)
    _caption(doc, caps["summary"])
    head = list(SUMMARY_HEADERS[report.lang])
    named = summary_groups(report)  # several regions: once per indicator with its regions, a line each
    srows = [[s.label, str(s.binding), str(s.expected), str(s.total), s.indicators if named is None else "\n".join(named[i])]
             for i, s in enumerate(report.summary.itertuples(index=False))]
    tot = report.summary[["binding", "expected", "total"]].sum()
    srows.append([report.summary_total_label, str(tot["binding"]), str(tot["expected"]), str(tot["total"]), ""])
    fills = {(i, 0): CATEGORY_COLOURS[c] for i, c in enumerate(report.summary["category"])}
    width = TEXT_WIDTH_CM[False]
    _table(doc, head, srows, [2.8, 1.5, 1.5, 1.5, width - 7.3], size=TABLE_SIZE, fills=fills)
    rhead, rbody = report.by_region_table()
    if rbody:  # several regions: 分地区汇总
        _caption(doc, caps.get("by_region", BY_REGION_CAPTION[report.lang]))
        _table(doc, rhead, rbody, _widths(rhead, rbody, width, size=TABLE_SIZE, wide=None), size=TABLE_SIZE,
               text_columns=(0,))
    ihead, ibody = by_indicator_table(report)
    if ibody:  # several regions: 分指标汇总
        _caption(doc, caps.get("by_indicator", BY_INDICATOR_CAPTION[report.lang]))
        _table(doc, ihead, ibody, _widths(ihead, ibody, width, size=TABLE_SIZE, wide=0), size=TABLE_SIZE,
               text_columns=(0,))


def _main_table_part(doc, report: Report, sec: dict, caps: dict) -> None:
    """The main table on landscape pages: 六号 with narrow cell margins, 小六 only when a number would otherwise have
    to break across lines; each row's category cell in its colour."""
    landscape = doc.add_section(WD_SECTION.NEW_PAGE)
    _a4(landscape, landscape=True)
    _heading(doc, sec.get("table", ""), 1)
    _caption(doc, caps["main"])
    cols = report.columns(docx=True)
    header = [c.header(report.lang) for c in cols]
    body = [[row.cells[c.key].text for c in cols] for row in report.rows]
    ids = [c.id for c in cols]
    size = next((s for s in (MAIN_TABLE_SIZE, MAIN_TABLE_SMALLER)
                 if _fits(header, body, TEXT_WIDTH_CM[True], size=s, wide=ids.index("name"),
                          margin_cm=MAIN_CELL_MARGIN_CM)), MAIN_TABLE_SMALLER)
    widths = _widths(header, body, TEXT_WIDTH_CM[True], size=size, wide=ids.index("name"), margin_cm=MAIN_CELL_MARGIN_CM)
    fills = {(i, ids.index("category")): CATEGORY_COLOURS[row.category] for i, row in enumerate(report.rows)}
    _table(doc, header, body, widths, size=size, fills=fills,
           text_columns=tuple(ids.index(k) for k in ("name", "region") if k in ids), margin_cm=MAIN_CELL_MARGIN_CM)


def _problems_and_overview(doc, report: Report, sec: dict, charts: ReportCharts) -> None:
    """Back on portrait pages: 存在的问题 (中期评估: behind and binding at risk; 总结评估: missed, data missing), from the
    figures; the overview chart, and the region matrix on landscape pages at its own size."""
    portrait = doc.add_section(WD_SECTION.NEW_PAGE)
    _a4(portrait)
    zh = report.lang == "zh"
    if report.problems:
        _heading(doc, sec["problems"], 1)
        for i, text in enumerate(report.problems, start=1):
            lead = f"（{CHINESE_NUMERALS[i - 1]}）" if zh and i <= len(CHINESE_NUMERALS) else f"{i}. "
            _paragraph(doc, lead + text)
    if charts.overview is None:
        return
    _heading(doc, sec.get("overview", ""), 1)
    _picture(doc, charts.overview, TEXT_WIDTH_CM[False]).paragraph_format.keep_with_next = True
    _paragraph(doc, report.overview_caption, indent=False, size=SIZE_SMALL)
    if charts.matrix:  # the region matrix on landscape pages, at its own size: its 7 pt text prints at 7 pt
        wide = doc.add_section(WD_SECTION.NEW_PAGE)
        _a4(wide, landscape=True)
        for png in charts.matrix:
            _picture(doc, png, min(png_width_cm(png), TEXT_WIDTH_CM[True]), landscape=True) \
                .paragraph_format.keep_with_next = True
            _paragraph(doc, MATRIX_CAPTION[report.lang], indent=False, size=SIZE_SMALL)
        _a4(doc.add_section(WD_SECTION.NEW_PAGE))


def _targets_part(doc, report: Report, sec: dict, fans: dict, groups: list, region_headings: dict) -> None:
    """五、逐项评估: a heading, paragraph and fan chart per target described (for several regions under a heading per
    region); a chart the cap left out said so."""
    _heading(doc, sec.get("targets", ""), 1)
    if report.described_note:  # a province's 2,744 targets: the rows a reader needs, and where the others are
        _paragraph(doc, report.described_note)
    zh = report.lang == "zh"
    for region, rows in groups or [("", report.described_rows)]:
        if groups:  # several regions: a heading per region, its targets one level down
            _heading(doc, region_headings[region], 2)
        for row in rows:
            _heading(doc, f"{row.number}. {row.name_with(row.cells['category'].text)}", 3 if groups else 2,
                     numbered=True)
            para = _paragraph(doc, row.narrative)
            if model_line(row):
                para = _paragraph(doc, model_line(row), indent=True, size=SIZE_SMALL)
            png = fans.get(row.number)
            para.paragraph_format.keep_with_next = png is not None  # the chart stays with its text
            if png is not None:
                _picture(doc, png, 14.5)
                _describe_last_picture(doc, chart_alt(row, report.lang))
            elif fans and chart_cut(report, row):  # left out by the cap, as the html says; nothing to draw: nothing
                _paragraph(doc, "（图略）" if zh else "(chart omitted)", indent=False, size=SIZE_SMALL)


def _closing_part(doc, report: Report, sec: dict) -> None:
    """The rows and series left unmatched (200 a table at most), 下一步工作建议 (a heading and a placeholder for the
    analyst: no advice is generated), and the notes, numbered like a 公文's third level."""
    zh = report.lang == "zh"
    if report.unmatched:
        _heading(doc, sec.get("unmatched", ""), 1)
        for key, df in report.unmatched.items():
            _heading(doc, unmatched_label(key, report.lang) + (f"（{len(df)}）" if zh else f" ({len(df)})"), 2)
            shown = df.head(200)
            cells = [["" if pd.isna(v) else str(v) for v in r] for r in shown.itertuples(index=False, name=None)]
            head = [str(c) for c in shown.columns]
            _table(doc, head, cells, _widths(head, cells, TEXT_WIDTH_CM[False], size=DATA_TABLE_SIZE, wide=None),
                   size=DATA_TABLE_SIZE)
    if report.next_steps:
        _heading(doc, sec["next_steps"], 1)
        _paragraph(doc, report.next_steps)
    _heading(doc, sec.get("notes", ""), 1)
    for i, note in enumerate(report.notes, start=1):
        _paragraph(doc, f"{i}. {note}")
