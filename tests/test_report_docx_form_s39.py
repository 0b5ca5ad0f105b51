"""Session 39: the Word report in the form of an official document (公文, GB/T 9704-2012 《党政机关公文格式》).

A bureau hands the 总结评估 / 中期评估 to leadership as a Word document in the 公文 form: A4 with margins 37 / 35 /
28 / 26 mm (a 156 x 225 mm 版心), the title 2号 方正小标宋简体 centred, the text 3号 仿宋_GB2312 (Times New Roman for
digits and Latin) indented 2 characters on fixed 28.95 pt lines (22 a page), headings 一、 3号 黑体 / a region's
3号 楷体_GB2312 / a target's ``1.`` 3号 仿宋 bold, page numbers ``— 1 —`` in 4号 宋体 (odd pages right, even pages
left), tables 仿宋 with 黑体 header rows repeated on every page, charts within the 版心. The text is unchanged.

Read back with python-docx and from the XML. Inputs: the shipped national plan and history (real data), and
three fictional districts with SYNTHETIC figures (made up here) for a report of several regions.
"""
from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm

from mstarget.assess import assess_detailed
from mstarget.report import write_report

DATA = Path(__file__).resolve().parents[1] / "data" / "china"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _quiet():
    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.simplefilter("ignore")
    return ctx


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """The shipped national plan and history (real data): a one-region 总结评估."""
    out = tmp_path_factory.mktemp("gongwen") / "national.docx"
    ctx = _quiet()
    try:
        table, details = assess_detailed(pd.read_csv(DATA / "national_history.csv"), DATA / "national_targets.csv",
                                         seed=0)
        write_report(table, details, [out], date="2026-12-06")
    finally:
        ctx.__exit__(None, None, None)
    return out


@pytest.fixture(scope="module")
def districts(tmp_path_factory):
    """Three fictional districts, two indicators, 2020-2023 (SYNTHETIC figures): a 中期评估 of several regions."""
    plan, hist = [], []
    values = {"甲区": (96.0, 96.4, 96.9, 97.1), "乙区": (95.0, 95.2, 95.3, 95.5), "丙区": (97.0, 97.3, 97.6, 97.8)}
    for region, vals in values.items():
        plan.append({"region": region, "indicator": "pass_rate", "name": "食品抽检合格率", "unit": "%",
                     "baseline_year": 2020, "baseline": str(vals[0]), "target_year": 2025, "target": "≥98",
                     "attribute": "约束性"})
        hist += [{"region": region, "indicator": "pass_rate", "year": 2020 + k, "value": v} for k, v in enumerate(vals)]
    out = tmp_path_factory.mktemp("gongwen") / "districts.docx"
    ctx = _quiet()
    try:
        table, details = assess_detailed(pd.DataFrame(hist), pd.DataFrame(plan), as_of=2023, seed=0)
        write_report(table, details, [out], as_of=2023, date="2024-03-01")
    finally:
        ctx.__exit__(None, None, None)
    return out


def _east(rpr_owner) -> str | None:
    rfonts = rpr_owner.find(f"{W}rPr/{W}rFonts") if rpr_owner is not None else None
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def _mm(length) -> float:
    return length / Mm(1)


# -- the page ------------------------------------------------------------------------------------------------

def test_pages_are_a4_with_the_gongwen_margins(national):
    doc = Document(national)
    portrait = [s for s in doc.sections if s.orientation == WD_ORIENT.PORTRAIT]
    landscape = [s for s in doc.sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert portrait and landscape  # the main table keeps its landscape page
    for s in portrait:
        got = [round(_mm(x), 1) for x in (s.page_width, s.page_height, s.top_margin, s.bottom_margin,
                                            s.left_margin, s.right_margin)]
        assert got == [210, 297, 37, 35, 28, 26], got
        # the 版心 is 156 x 225 mm
        assert round(_mm(s.page_width - s.left_margin - s.right_margin)) == 156
        assert round(_mm(s.page_height - s.top_margin - s.bottom_margin)) == 225
    for s in landscape:  # the same 版心 turned round
        assert [round(_mm(s.page_width)), round(_mm(s.page_height))] == [297, 210]
        assert round(_mm(s.page_width - s.left_margin - s.right_margin)) == 225
        assert round(_mm(s.page_height - s.top_margin - s.bottom_margin)) == 156


# -- fonts, sizes, lines ---------------------------------------------------------------------------------------

def test_title_is_2hao_xiaobiaosong_centred_without_the_template_rule(national):
    doc = Document(national)
    title = doc.paragraphs[0]
    assert title.style.name == "Title" and title.text.endswith("总结评估")
    st = doc.styles["Title"]
    assert st.font.size.pt == 22 and not st.font.bold
    assert _east(st.element) == "方正小标宋简体" and st.font.name == "Times New Roman"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert st.element.find(f"{W}pPr/{W}pBdr") is None  # python-docx's template draws a blue rule under it


def test_text_is_3hao_fangsong_on_fixed_lines_indented_two_characters(national):
    doc = Document(national)
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16
    assert _east(normal.element) == "仿宋_GB2312" and normal.font.name == "Times New Roman"
    pf = normal.paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY and 28 <= pf.line_spacing.pt <= 29
    assert 22 * pf.line_spacing.pt <= 225 / 25.4 * 72  # 22 lines fit the 版心's height
    texts = [p.text for p in doc.paragraphs]
    overall = doc.paragraphs[texts.index("一、总体情况") + 1]
    assert overall.text.startswith("本次评估共")
    assert overall.paragraph_format.first_line_indent.pt == 32  # 2 characters of 3号
    assert overall._p.pPr.find(f"{W}ind").get(qn("w:firstLineChars")) == "200"
    assert all(r.font.size is None for r in overall.runs)  # the style's 3号, not a smaller size


def test_headings_follow_their_numbering(national, districts):
    doc = Document(national)
    h1, h2 = doc.styles["Heading 1"], doc.styles["Heading 2"]
    assert (h1.font.size.pt, _east(h1.element), bool(h1.font.bold)) == (16, "黑体", False)
    assert (h2.font.size.pt, _east(h2.element)) == (16, "楷体_GB2312")
    assert h1.font.color.rgb == h2.font.color.rgb and str(h1.font.color.rgb) == "000000"
    # a one-region report's targets (Heading 2 there) read as a 公文's third level: 3号 仿宋 bold
    target = next(p for p in doc.paragraphs if p.style.name == "Heading 2" and re.match(r"\d+\. ", p.text))
    assert all(_east(r._r) == "仿宋_GB2312" and r.bold for r in target.runs), target.text
    # several regions: the region 楷体 (its style), the targets Heading 3, 仿宋 bold
    doc = Document(districts)
    h3 = doc.styles["Heading 3"]
    assert (h3.font.size.pt, _east(h3.element), h3.font.bold) == (16, "仿宋_GB2312", True)
    regions = [p for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert [p.text for p in regions] == ["甲区（1项）", "乙区（1项）", "丙区（1项）"]
    assert all(_east(r._r) is None for p in regions for r in p.runs)  # the style's 楷体_GB2312


def test_fonts_a_machine_lacks_fall_back_to_ones_it_has(national):
    with zipfile.ZipFile(national) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    for name, alt in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体")):
        assert re.search(rf'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>', fonts), name


# -- page numbers -----------------------------------------------------------------------------------------------

def test_page_numbers_4hao_songti_odd_right_even_left(national):
    doc = Document(national)
    assert doc.settings.odd_and_even_pages_header_footer
    s = doc.sections[0]
    for footer, align, side in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
                                (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent")):
        par = footer.paragraphs[0]
        assert par.text == "— 1 —" and par.alignment == align
        assert getattr(par.paragraph_format, side).pt == 14  # 空一字
        assert b" PAGE " in par._p.xml.encode("utf-8")
        runs = par._p.findall(f"{W}r")
        assert runs and all(r.find(f"{W}rPr/{W}sz").get(qn("w:val")) == "28" for r in runs)  # 4号 = 14 pt
        assert all(r.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia")) == "宋体" for r in runs)
    for later in doc.sections[1:]:  # later sections show the same numbers
        assert later.footer.is_linked_to_previous and later.even_page_footer.is_linked_to_previous


# -- tables and charts -------------------------------------------------------------------------------------------

def test_tables_fangsong_with_heiti_headers_repeated_within_the_text_width(national, districts):
    for path in (national, districts):
        doc = Document(path)
        for t in doc.tables:
            head, body = t.rows[0], t.rows[1:]
            assert head._tr.find(f"{W}trPr/{W}tblHeader") is not None  # repeated on every page
            assert all(_east(r._r) == "黑体" for c in head.cells for r in c.paragraphs[0].runs if r.text)
            runs = [r for row in body for c in row.cells for r in c.paragraphs[0].runs if r.text]
            assert runs and all(_east(r._r) == "仿宋_GB2312" for r in runs)
            sizes = {r.font.size.pt for r in runs}
            assert len(sizes) == 1 and 7.5 <= sizes.pop() <= 12
            for c in head.cells:  # single-spaced: 28.95 pt lines would triple a table's height
                assert c.paragraphs[0].paragraph_format.line_spacing_rule != WD_LINE_SPACING.EXACTLY
            width = sum(int(g.get(qn("w:w"))) for g in t._tbl.tblGrid.findall(f"{W}gridCol")) / 20 / 72 * 25.4
            assert width <= 225.5, width  # within the widest 版心 (the landscape page's)
        # the tables of the portrait pages: 五号 within 156 mm
        summary = doc.tables[0]
        assert summary.rows[0].cells[0].text == "评价"
        assert {r.font.size.pt for c in summary.rows[1].cells for r in c.paragraphs[0].runs if r.text} == {10.5}
        width = sum(int(g.get(qn("w:w"))) for g in summary._tbl.tblGrid.findall(f"{W}gridCol")) / 20 / 72 * 25.4
        assert width <= 156.5, width
        for t in doc.tables:  # one w:tblLayout (a second one is out of the schema's order)
            assert len(t._tbl.tblPr.findall(f"{W}tblLayout")) == 1


def test_charts_fit_the_text_width_and_are_not_cut_by_the_line_spacing(national):
    doc = Document(national)
    assert len(doc.inline_shapes) >= 2
    assert all(s.width <= Mm(156) for s in doc.inline_shapes)
    pictures = [p for p in doc.paragraphs if p._p.findall(f".//{W}drawing")]
    assert len(pictures) == len(doc.inline_shapes)
    for p in pictures:  # a fixed line spacing would show one 28.95 pt strip of the chart
        assert p.paragraph_format.line_spacing_rule != WD_LINE_SPACING.EXACTLY
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
