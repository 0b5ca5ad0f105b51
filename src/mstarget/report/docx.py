"""The report as a Word document (python-docx), laid out like an evaluation report.

A4, 宋体 body text and 黑体 headings: title and date line; 一、总体情况 (overall paragraph);
二、分类汇总 (counts by category); 三、主要指标评估表 (on a landscape page, header row repeated on
every page); 四、总览图; 五、逐项评估 (per target: heading, narrative, fan chart); 六、未匹配的数据
(when present); 说明. Every page's footer carries its number (a PAGE field, — 1 —, as 公文 are numbered).

A report of several regions adds a 目录 (a TOC field over the headings, its entries already written so that it
reads before Word updates it), a 分指标汇总 table, names its 分类汇总 lists once per indicator with their regions
and groups 五、逐项评估 by region (a Heading 2 per region, the targets as Heading 3).
"""
from __future__ import annotations

import io

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .formatting import display_width, report_datetime
from .charts import ReportCharts, chart_alt
from .narrative import BY_INDICATOR_CAPTION, summary_groups
from .model import (
    by_indicator_table,
    BY_REGION_CAPTION,
    CATEGORY_COLOURS,
    MATRIX_CAPTION,
    SECTION_HEADINGS,
    SUMMARY_HEADERS,
    Report,
    chart_cut,
    model_line,
    unmatched_label,
)

BODY_FONT = {"zh": ("Times New Roman", "宋体"), "en": ("Calibri", "宋体")}
HEADING_FONT = ("Arial", "黑体")


def _east_asian(element, font: str) -> None:
    """Set the East Asian font of a style's or run's run properties (Word ignores ``font.name`` for 汉字)."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), font)


def _styles(doc, lang: str) -> None:
    latin, cjk = BODY_FONT[lang]
    normal = doc.styles["Normal"]
    normal.font.name = latin
    normal.font.size = Pt(11)
    _east_asian(normal.element, cjk)
    for name, size in (("Title", 18), ("Heading 1", 15), ("Heading 2", 12.5), ("Heading 3", 11.5)):
        st = doc.styles[name]
        st.font.name = HEADING_FONT[0]
        st.font.size = Pt(size)
        st.font.color.rgb = RGBColor(0x22, 0x22, 0x22)
        st.font.bold = True
        _east_asian(st.element, HEADING_FONT[1])
        # the template's theme fonts would win over font.name: drop them
        rfonts = st.element.rPr.find(qn("w:rFonts"))
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)


#: the language of a report's text in Word's terms (w:lang): a Chinese report's 汉字 are zh-CN, not the template's en-US
LANGUAGE = {"zh": ("en-US", "zh-CN"), "en": ("en-US", "zh-CN")}
def _properties(doc, report: Report) -> None:
    """The document's properties as the report's: title, subject (region, evaluation year, date), author, the
    report date as created and modified (python-docx's template says 2013-12-23), its language; and the text's
    language (w:lang: 汉字 as zh-CN, for Word's proofing and line breaking) in the document defaults."""
    cp = doc.core_properties
    cp.title = report.title
    cp.subject = report.subtitle
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
    w, h = Cm(21.0), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.6 if landscape else 2.4))
    section.top_margin = section.bottom_margin = Cm(2.0)


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
               align=None) -> None:
    cell.text = ""
    par = cell.paragraphs[0]
    run = par.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
    if align is not None:
        par.alignment = align


def _table(doc, header: list[str], rows: list[list[str]], widths_cm: list[float], *, size: float,
           fills: dict[tuple[int, int], str] | None = None, text_columns: tuple[int, ...] = (1,)):
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for j, h in enumerate(header):
        c = table.rows[0].cells[j]
        _cell_text(c, h, size=size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(c, "#EEF3F8")
    _repeat_header(table.rows[0])
    for i, values in enumerate(rows, start=1):
        for j, text in enumerate(values):
            fill = (fills or {}).get((i - 1, j))
            c = table.rows[i].cells[j]
            _cell_text(c, text, size=size, colour="#FFFFFF" if fill else None,
                       align=WD_ALIGN_PARAGRAPH.LEFT if j in text_columns or widths_cm[j] > 5 else WD_ALIGN_PARAGRAPH.RIGHT)
            if fill:
                _shade(c, fill)
    # Word reads the cell widths, LibreOffice the grid columns: set both, with a fixed layout
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for j, w in enumerate(widths_cm):
        table.columns[j].width = Cm(w)
        for row in table.rows:
            row.cells[j].width = Cm(w)
    return table


def _widths(header: list[str], rows: list[list[str]], total_cm: float, *, size: float, wide: int = 1) -> list[float]:
    """Column widths (cm) that fit each column's longest value on one line (headers may wrap onto two
    lines), summing to ``total_cm``: the ``wide`` column (the name) absorbs the difference first."""
    unit = size / 72 * 2.54 * 0.62  # cm per display column (about half an em) at ``size`` points
    pad = 0.4  # cell margins
    need = []
    for j, h in enumerate(header):
        longest = max([display_width(r[j]) for r in rows] or [0])
        need.append(max(longest, -(-display_width(h) // 2), 2) * unit + pad)
    name_cap = max(3.0, min(need[wide], 22 * unit + pad)) if wide is not None else None
    if wide is not None:
        need[wide] = name_cap
        rest = total_cm - (sum(need) - need[wide])
        need[wide] = max(rest, 3.0)
    scale = total_cm / sum(need)
    return [w * scale for w in need] if scale < 1 else need


def _paragraph(doc, text: str, *, indent: bool = True, size: float | None = None):
    p = doc.add_paragraph(text)
    if indent:
        p.paragraph_format.first_line_indent = Pt(22)
    p.paragraph_format.space_after = Pt(4)
    p.paragraph_format.line_spacing = 1.3
    if size:
        for r in p.runs:
            r.font.size = Pt(size)
    return p


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


def _page_numbers(section) -> None:
    """The page number centred in the footer, — 1 — as 公文 write it (a PAGE field: every page its own);
    later sections inherit the footer."""
    footer = section.footer
    footer.is_linked_to_previous = False
    par = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    par.add_run("— ")
    _field(par, "PAGE", "1")
    par.add_run(" —")
    for r in par.runs:
        r.font.size = Pt(10.5)


def _contents(doc, report: Report, entries: list[tuple[int, str]]) -> None:
    """目录: a TOC field over the headings (levels 1-2: sections and regions), its result the entries written
    already (without page numbers), so that the list reads as it is and Word fills in the pages when it updates
    the field (F9 / 更新域)."""
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("目录" if report.lang == "zh" else "Contents")
    run.bold, run.font.size = True, Pt(14)
    _east_asian(run._r, HEADING_FONT[1])
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
    """The rows by region (first appearance order, 序号 order within)."""
    groups: dict[str, list] = {}
    for row in report.rows:
        region = row.raw.get("region")
        groups.setdefault("" if region is None else str(region), []).append(row)
    return list(groups.items())


def _region_heading(region: str, rows: list, zh: bool) -> str:
    """A region's heading in 五、逐项评估 (and its 目录 entry): ``东江市（9项）``."""
    return region + (f"（{len(rows)}项）" if zh else f" ({len(rows)})")


def _describe_last_picture(doc, text: str) -> None:
    """The alt text (``descr``) of the picture just added: what the chart is."""
    docpr = doc.paragraphs[-1]._p.xpath(".//wp:docPr")
    if docpr:
        docpr[-1].set("descr", text)


def write_docx(report: Report, path, charts: ReportCharts) -> None:
    """Write the Word document to ``path`` (the caller makes the write atomic)."""
    overview, fans = charts.overview, charts.fans
    zh = report.lang == "zh"
    h = SECTION_HEADINGS[report.lang]
    doc = Document()
    _styles(doc, report.lang)
    _a4(doc.sections[0])
    _properties(doc, report)

    title = doc.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(report.subtitle)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_numbers(doc.sections[0])
    groups = _region_groups(report) if report.several_regions else []
    if groups:  # 目录: the sections, and under 逐项评估 each region
        entries = [(1, h[k]) for k in range(4) if k != 3 or overview is not None] + [(1, h[4])] + \
            [(2, _region_heading(region, rows, zh)) for region, rows in groups] + \
            ([(1, h[5])] if report.unmatched else []) + [(1, h[6])]
        _contents(doc, report, entries)

    doc.add_heading(h[0], level=1)
    _paragraph(doc, report.overall)

    doc.add_heading(h[1], level=1)
    head = list(SUMMARY_HEADERS[report.lang])
    named = summary_groups(report)  # several regions: once per indicator with its regions, a line each
    srows = [[s.label, str(s.binding), str(s.expected), str(s.total), s.indicators if named is None else "\n".join(named[i])]
             for i, s in enumerate(report.summary.itertuples(index=False))]
    tot = report.summary[["binding", "expected", "total"]].sum()
    srows.append([report.summary_total_label, str(tot["binding"]), str(tot["expected"]), str(tot["total"]), ""])
    fills = {(i, 0): CATEGORY_COLOURS[c] for i, c in enumerate(report.summary["category"])}
    _table(doc, head, srows, [2.8, 1.4, 1.4, 1.4, 9.2], size=9.5, fills=fills)
    rhead, rbody = report.by_region_table()
    if rbody:  # several regions: 分地区汇总
        _paragraph(doc, BY_REGION_CAPTION[report.lang], indent=False, size=10)
        _table(doc, rhead, rbody, _widths(rhead, rbody, 16.0, size=9, wide=None), size=9, text_columns=(0,))
    ihead, ibody = by_indicator_table(report)
    if ibody:  # several regions: 分指标汇总
        _paragraph(doc, BY_INDICATOR_CAPTION[report.lang], indent=False, size=10)
        _table(doc, ihead, ibody, _widths(ihead, ibody, 16.0, size=9, wide=0), size=9, text_columns=(0,))

    landscape = doc.add_section(WD_SECTION.NEW_PAGE)
    _a4(landscape, landscape=True)
    doc.add_heading(h[2], level=1)
    cols = report.columns(docx=True)
    header = [c.header(report.lang) for c in cols]
    body = [[row.cells[c.key].text for c in cols] for row in report.rows]
    ids = [c.id for c in cols]
    widths = _widths(header, body, 29.7 - 3.2 - 0.2, size=7.5, wide=ids.index("name"))
    fills = {(i, ids.index("category")): CATEGORY_COLOURS[row.category] for i, row in enumerate(report.rows)}
    _table(doc, header, body, widths, size=7.5, fills=fills,
           text_columns=tuple(ids.index(k) for k in ("name", "region") if k in ids))

    portrait = doc.add_section(WD_SECTION.NEW_PAGE)
    _a4(portrait)
    if overview is not None:
        doc.add_heading(h[3], level=1)
        doc.add_picture(io.BytesIO(overview), width=Cm(16))
        _paragraph(doc, report.overview_caption, indent=False, size=9)
        for png in charts.matrix:
            doc.add_picture(io.BytesIO(png), width=Cm(16))
            _paragraph(doc, MATRIX_CAPTION[report.lang], indent=False, size=9)
    doc.add_heading(h[4], level=1)
    for region, rows in groups or [("", report.rows)]:
        if groups:  # several regions: a heading per region, its targets one level down
            doc.add_heading(_region_heading(region, rows, zh), level=2)
        for row in rows:
            doc.add_heading(f"{row.number}. {row.name_with(row.cells['category'].text)}", level=3 if groups else 2)
            para = _paragraph(doc, row.narrative)
            if model_line(row):
                para = _paragraph(doc, model_line(row), indent=True, size=9)
            png = fans.get(row.number)
            para.paragraph_format.keep_with_next = png is not None  # the chart stays with its text
            if png is not None:
                doc.add_picture(io.BytesIO(png), width=Cm(14.5))
                _describe_last_picture(doc, chart_alt(row, report.lang))
            elif fans and chart_cut(report, row):  # left out by the cap, as the html says; nothing to draw: nothing
                _paragraph(doc, "（图略）" if zh else "(chart omitted)", indent=False, size=9)
    if report.unmatched:
        doc.add_heading(h[5], level=1)
        for key, df in report.unmatched.items():
            doc.add_heading(unmatched_label(key, report.lang) + (f"（{len(df)}）" if zh else f" ({len(df)})"),
                            level=2)
            shown = df.head(200)
            cells = [["" if pd.isna(v) else str(v) for v in r] for r in shown.itertuples(index=False, name=None)]
            head = [str(c) for c in shown.columns]
            _table(doc, head, cells, _widths(head, cells, 16.0, size=8, wide=None), size=8)
    doc.add_heading(h[6], level=1)
    for i, note in enumerate(report.notes, start=1):
        _paragraph(doc, f"{i}. {note}", indent=False, size=9.5)
    doc.save(path)
