"""The report as a Word document (python-docx), laid out like an evaluation report.

A4, 宋体 body text and 黑体 headings: title and date line; 一、总体情况 (overall paragraph);
二、分类汇总 (counts by category); 三、主要指标评估表 (on a landscape page, header row repeated on
every page); 四、总览图; 五、逐项评估 (per target: heading, narrative, fan chart); 六、未匹配的数据
(when present); 说明.
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

from .formatting import display_width
from .model import CATEGORY_COLOURS, Report

HEADINGS = {
    "zh": ("一、总体情况", "二、分类汇总", "三、主要指标评估表", "四、总览图", "五、逐项评估", "六、未匹配的数据", "说明"),
    "en": ("1. Overview", "2. Summary by category", "3. Main indicators", "4. Overview chart",
           "5. Target by target", "6. Unmatched data", "Notes"),
}
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
    for name, size in (("Title", 18), ("Heading 1", 15), ("Heading 2", 12.5)):
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
           fills: dict[tuple[int, int], str] | None = None):
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
                       align=WD_ALIGN_PARAGRAPH.LEFT if j == 1 or widths_cm[j] > 5 else WD_ALIGN_PARAGRAPH.RIGHT)
            if fill:
                _shade(c, fill)
    for j, w in enumerate(widths_cm):
        for row in table.rows:
            row.cells[j].width = Cm(w)
    return table


def _widths(texts_by_col: list[list[str]], total_cm: float, wide: set[int]) -> list[float]:
    """Column widths (cm) proportional to the longest text, wide columns capped, summing to ``total_cm``."""
    raw = []
    for j, texts in enumerate(texts_by_col):
        longest = max(display_width(t) for t in texts)
        raw.append(min(longest, 22 if j in wide else 12) + 1.5)
    scale = total_cm / sum(raw)
    return [w * scale for w in raw]


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


def write_docx(report: Report, path, overview: bytes | None, fans: dict[int, bytes]) -> None:
    """Write the Word document to ``path`` (the caller makes the write atomic)."""
    zh = report.lang == "zh"
    h = HEADINGS[report.lang]
    doc = Document()
    _styles(doc, report.lang)
    _a4(doc.sections[0])
    doc.core_properties.title = report.title
    doc.core_properties.author = "mstarget"

    title = doc.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(report.subtitle)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading(h[0], level=1)
    _paragraph(doc, report.overall)

    doc.add_heading(h[1], level=1)
    head = ["评价", "约束性", "预期性", "合计", "指标"] if zh else ["Assessment", "Binding", "Expected", "Total", "Indicators"]
    srows = [[s.label, str(s.binding), str(s.expected), str(s.total), s.indicators]
             for s in report.summary.itertuples(index=False)]
    tot = report.summary[["binding", "expected", "total"]].sum()
    srows.append(["合计" if zh else "Total", str(tot["binding"]), str(tot["expected"]), str(tot["total"]), ""])
    fills = {(i, 0): CATEGORY_COLOURS[c] for i, c in enumerate(report.summary["category"])}
    _table(doc, head, srows, [2.8, 1.4, 1.4, 1.4, 9.2], size=9.5, fills=fills)

    landscape = doc.add_section(WD_SECTION.NEW_PAGE)
    _a4(landscape, landscape=True)
    doc.add_heading(h[2], level=1)
    cols = report.columns(docx=True)
    header = [c.header(report.lang) for c in cols]
    body = [[row.cells[c.id].text for c in cols] for row in report.rows]
    texts = [[header[j]] + [b[j] for b in body] for j in range(len(cols))]
    widths = _widths(texts, 29.7 - 3.2 - 0.2, wide={1})
    cat_col = [c.id for c in cols].index("category")
    fills = {(i, cat_col): CATEGORY_COLOURS[row.category] for i, row in enumerate(report.rows)}
    _table(doc, header, body, widths, size=7.5, fills=fills)

    portrait = doc.add_section(WD_SECTION.NEW_PAGE)
    _a4(portrait)
    if overview is not None:
        doc.add_heading(h[3], level=1)
        doc.add_picture(io.BytesIO(overview), width=Cm(16))
        _paragraph(doc, "横轴为目标进度减时间进度（百分点），纵轴为实现概率；点旁数字为表中序号。" if zh else
                   "x: progress minus time elapsed (points); y: chance of meeting the target; numbers are the "
                   "table's No.", indent=False, size=9)
    doc.add_heading(h[4], level=1)
    for row in report.rows:
        doc.add_heading(f"{row.number}. {row.name}（{row.cells['category'].text}）" if zh else
                        f"{row.number}. {row.name} ({row.cells['category'].text})", level=2)
        _paragraph(doc, row.narrative)
        png = fans.get(row.number)
        if png is not None:
            doc.add_picture(io.BytesIO(png), width=Cm(14.5))
    if report.unmatched:
        doc.add_heading(h[5], level=1)
        labels = {"unmatched_plan": ("规划中未找到历史数据的指标", "plan rows without matching history"),
                  "unmatched_history": ("未对应规划指标的历史数据", "history without a matching plan row")}
        for key, df in report.unmatched.items():
            doc.add_heading(labels.get(key, (key, key))[0 if zh else 1] + f"（{len(df)}）", level=2)
            shown = df.head(200)
            cells = [["" if pd.isna(v) else str(v) for v in r] for r in shown.itertuples(index=False, name=None)]
            texts = [[str(c)] + [r[j] for r in cells] for j, c in enumerate(shown.columns)]
            _table(doc, [str(c) for c in shown.columns], cells, _widths(texts, 16.0, wide=set()), size=8)
    doc.add_heading(h[6], level=1)
    for i, note in enumerate(report.notes, start=1):
        _paragraph(doc, f"{i}. {note}", indent=False, size=9.5)
    doc.save(path)
