"""A plan read straight from its Word document (.docx) or its web page (.html, or a portal's export
under an .xls name): the indicators table is found among the document's tables, its two-row header
(基期值 | 规划值 over 2020年 | 2025年, as the Dinghu plan prints it) and merged / spanning cells are
read, and messages name the table.

The plan rows are the real Dinghu indicators; the history values are SYNTHETIC (tests/bureau_files.py).
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt

from bureau_files import PLAN_ROWS, write_history_xlsx, write_plan_docx, write_plan_html, write_plan_xlsx

COLUMNS = ["group", "name", "unit", "baseline_year", "baseline", "target_year", "target", "direction", "kind",
           "attribute"]


def test_the_plan_document_reads_as_the_plan_workbook_does(tmp_path):
    from_word = mt.read_plan(write_plan_docx(tmp_path / "鼎湖区规划.docx"), region="鼎湖区")
    from_excel = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    assert len(from_word) == len(PLAN_ROWS)
    assert from_word["baseline_year"].eq(2020).all() and from_word["target_year"].eq(2025).all()
    pd.testing.assert_frame_equal(from_word[COLUMNS].reset_index(drop=True),
                                  from_excel[COLUMNS].reset_index(drop=True))
    assert (from_word.loc[from_word["name"] == "千人食品检验量", "attribute"] == "binding").all()


def test_an_indicators_table_inside_a_frame_table_is_read(tmp_path):
    """The title and the indicators table set inside a one-cell frame table (a 专栏 box): the table
    was not found at all (python-docx lists only the outer tables) and the plan refused for missing
    columns; it is read as the table nested in the frame, ``table 2.1``."""
    path = write_plan_docx(tmp_path / "framed.docx", framed=True)
    plan = mt.read_plan(path, region="鼎湖区")
    from_excel = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    pd.testing.assert_frame_equal(plan[COLUMNS].reset_index(drop=True), from_excel[COLUMNS].reset_index(drop=True))
    with pytest.raises(mt.DataValidationError, match=r"framed\.docx \[table 2\.1\], row 13"):
        mt.read_plan(write_plan_docx(tmp_path / "framed.docx", framed=True, bad_cell=((12, 5), "≥≥90")),
                     region="鼎湖区")


def _revise(cell, kept: str, deleted: str, inserted: str, after: str) -> None:
    """Write ``kept``, then ``deleted`` as a tracked deletion and ``inserted`` as a tracked insertion
    (Word's 修订 mode), then ``after``, into the first paragraph of a python-docx ``cell``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    par = cell.paragraphs[0]
    par.runs[0].text = kept

    def run(text, tag="w:t"):
        r, t = OxmlElement("w:r"), OxmlElement(tag)
        t.text = text
        r.append(t)
        return r

    for change, text, tag in (("w:del", deleted, "w:delText"), ("w:ins", inserted, "w:t")):
        element = OxmlElement(change)
        element.set(qn("w:id"), "1")
        element.set(qn("w:author"), "鼎湖区市场监管局")
        element.append(run(text, tag))
        par._p.append(element)
    par._p.append(run(after))


def test_tracked_changes_are_read_as_accepted_and_said_so(tmp_path):
    """A draft circulated in Word's 修订 mode: the 2025 target of 期末市场主体总量 revised from 〔3.12〕 to
    〔3.50〕 (``3.`` kept, ``12`` deleted, ``50`` inserted). python-docx reads only the runs outside a
    change, so the target read 〔3.〕 = 3 without a word; it reads 3.50 now, with a warning."""
    import docx

    path = write_plan_docx(tmp_path / "draft.docx")
    doc = docx.Document(path)
    cell = next(c for row in doc.tables[1].rows for c in row.cells if c.text == "〔3.12〕")
    _revise(cell, "〔3.", "12", "50", "〕")
    doc.save(path)
    with pytest.warns(mt.TrackedChangesWarning, match="修订.*as if every change were accepted"):
        plan = mt.read_plan(path, region="鼎湖区")
    assert plan.set_index("name").loc["期末市场主体总量", "target"] == 3.5
    with warnings.catch_warnings():  # a document without changes: no warning
        warnings.simplefilter("error", mt.TrackedChangesWarning)
        mt.read_plan(write_plan_docx(tmp_path / "clean.docx"), region="鼎湖区")


def test_a_cell_holding_a_content_control_is_read(tmp_path):
    """A form's table whose target cell is a content control (w:sdt, 格式文本内容控件): its text was
    not read (python-docx lists a cell's own paragraphs only), so the target was blank and refused."""
    import docx
    from docx.oxml import OxmlElement

    path = write_plan_docx(tmp_path / "form.docx")
    doc = docx.Document(path)
    cell = next(c for row in doc.tables[1].rows for c in row.cells if c.text == "〔3.12〕")
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    par = cell._tc.find(docx.oxml.ns.qn("w:p"))
    cell._tc.remove(par)
    content.append(par)
    sdt.append(content)
    cell._tc.append(sdt)
    doc.save(path)
    assert mt.read_plan(path, region="鼎湖区").set_index("name").loc["期末市场主体总量", "target"] == 3.12


def test_a_sign_inserted_from_the_symbol_font_is_read(tmp_path):
    """≥ inserted with Word's Insert -> Symbol in the Symbol font is no character of the text but a
    w:sym (font Symbol, code F0B3): it was dropped, so 药品抽检合格率's "≥98" (its baseline is 98)
    read as 98 with no direction at all. It reads ≥98 now."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    path = write_plan_docx(tmp_path / "symbol.docx")
    doc = docx.Document(path)
    cell = next(c for row in doc.tables[1].rows for c in row.cells if c.text == "≥99")
    cell.paragraphs[0].runs[0].text = "98"
    run, sym = OxmlElement("w:r"), OxmlElement("w:sym")
    sym.set(qn("w:font"), "Symbol")
    sym.set(qn("w:char"), "F0B3")
    run.append(sym)
    cell.paragraphs[0].runs[0]._r.addprevious(run)
    doc.save(path)
    row = mt.read_plan(path, region="鼎湖区").set_index("name").loc["药品抽检合格率"]
    assert (row["target"], row["direction"]) == (98.0, ">=")


def _wrap(elements, *, repeating: bool = False) -> None:
    """Put ``elements`` (siblings, in order) inside a content control (w:sdt), where the first was; with
    ``repeating`` each inside its own control too, as Word writes a repeating section's items."""
    from docx.oxml import OxmlElement

    outer, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    outer.append(OxmlElement("w:sdtPr"))
    outer.append(content)
    elements[0].addprevious(outer)
    for e in elements:
        if repeating:
            item, inner = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
            item.append(inner)
            inner.append(e)
            content.append(item)
        else:
            content.append(e)


def _indicators_table(path):
    import docx

    doc = docx.Document(path)
    return doc, doc.tables[1]._tbl


def test_rows_of_a_repeating_section_are_read(tmp_path):
    """A form-built plan whose rows of one part sit in a repeating-section content control (重复节,
    one w:sdt per row): python-docx lists only a table's own rows, so those four indicators were left
    out without a word (and a table whose every data row is in one was refused for having none).
    Every row is read now, the merged 类别 included."""
    path = write_plan_docx(tmp_path / "form.docx")
    doc, tbl = _indicators_table(path)
    _wrap(tbl.tr_lst[5:9], repeating=True)
    doc.save(path)
    plan = mt.read_plan(path, region="鼎湖区")
    from_excel = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    pd.testing.assert_frame_equal(plan[COLUMNS].reset_index(drop=True), from_excel[COLUMNS].reset_index(drop=True))


def test_a_table_inside_a_content_control_is_found(tmp_path):
    """A template that holds the whole indicators table in one content control: the table was not
    among the document's tables, and the plan was refused for lack of one."""
    path = write_plan_docx(tmp_path / "template.docx")
    doc, tbl = _indicators_table(path)
    _wrap([tbl])
    doc.save(path)
    plan = mt.read_plan(path, region="鼎湖区")
    assert len(plan) == len(PLAN_ROWS)
    assert plan.set_index("name").loc["期末市场主体总量", "target"] == 3.12


def test_a_cell_inside_a_content_control_keeps_its_column(tmp_path):
    """One row's 单位 cell wrapped in a content control (a form's field around the whole cell): the cell
    was dropped and the row's later cells moved one column left -- its baseline read as its unit."""
    path = write_plan_docx(tmp_path / "field.docx")
    doc, tbl = _indicators_table(path)
    row = next(tr for tr in tbl.tr_lst if any("期末市场主体总量" in (t.text or "") for t in tr.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")))
    _wrap([row.tc_lst[3]])
    doc.save(path)
    plan = mt.read_plan(path, region="鼎湖区").set_index("name")
    assert (plan.loc["期末市场主体总量", "unit"], plan.loc["期末市场主体总量", "target"]) == ("万户", 3.12)


def test_a_row_starting_after_the_first_column_keeps_its_columns(tmp_path):
    """A row whose 序号 cell is missing and that starts one grid column in (w:gridBefore, as documents
    converted from PDF or WPS write it): python-docx lists only the cells present, so every cell of the
    row moved one column left; the row keeps its columns now, its 序号 blank."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    path = write_plan_docx(tmp_path / "converted.docx")
    doc, tbl = _indicators_table(path)
    tr = next(tr for tr in tbl.tr_lst if any("药品抽检合格率" in (t.text or "") for t in tr.iter(qn("w:t"))))
    tr.remove(tr.tc_lst[0])
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    tr.get_or_add_trPr().insert(0, before)
    doc.save(path)
    plan = mt.read_plan(path, region="鼎湖区")
    from_excel = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    pd.testing.assert_frame_equal(plan[COLUMNS].reset_index(drop=True), from_excel[COLUMNS].reset_index(drop=True))



def test_a_footnote_set_as_superscript_is_not_read_as_a_digit(tmp_path):
    """千人食品检验量's target 6 with a footnote 1 set as superscript, in Word (a run with vertAlign
    superscript) and on a web page (6<sup>1</sup>): the readers joined the text, so the target read 61
    without a word. The superscript is kept as such (6¹) and the cell refused, named, with the fix."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    path = write_plan_docx(tmp_path / "notes.docx")
    doc = docx.Document(path)
    cell = next(row.cells[5] for row in doc.tables[1].rows if row.cells[2].text == "千人食品检验量")
    run = cell.paragraphs[0].add_run("1")
    align = OxmlElement("w:vertAlign")
    align.set(qn("w:val"), "superscript")
    run._r.get_or_add_rPr().append(align)
    doc.save(path)
    k = next(i for i, row in enumerate(PLAN_ROWS) if row[1] == "千人食品检验量")
    page = write_plan_html(tmp_path / "notes.html", bad_cell=(k, 5, "6<sup>1</sup>"))
    for plan, name in ((path, r"notes\.docx \[table 2\], row 10"), (page, r"notes\.html \[table 2\], row \d+")):
        with pytest.raises(mt.DataValidationError, match=name + r".*'6¹': a note mark is not read"):
            mt.read_plan(plan, region="鼎湖区")


def test_text_a_reader_does_not_see_is_not_read(tmp_path):
    """What Word or a browser does not show is not the table's: a hidden run (隐藏文字, w:vanish) after
    千人食品检验量's target 6, a web page's digit hidden by its style inside the figure (a page guarding
    against copying) and a script in a cell were read with the figure -- 61 without a word."""
    import docx
    from docx.oxml import OxmlElement

    path = write_plan_docx(tmp_path / "hidden.docx")
    doc = docx.Document(path)
    cell = next(row.cells[5] for row in doc.tables[1].rows if row.cells[2].text == "千人食品检验量")
    run = cell.paragraphs[0].add_run("1")
    run._r.get_or_add_rPr().append(OxmlElement("w:vanish"))
    doc.save(path)
    k = next(i for i, row in enumerate(PLAN_ROWS) if row[1] == "千人食品检验量")
    page = write_plan_html(tmp_path / "hidden.html", bad_cell=(
        k, 5, "6<span style='display: none'>1</span><script>document.write('')</script>"))
    from_excel = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    for plan in (path, page):
        read = mt.read_plan(plan, region="鼎湖区")
        pd.testing.assert_frame_equal(read[COLUMNS].reset_index(drop=True), from_excel[COLUMNS].reset_index(drop=True))


def _split_table(path, caption: str, header_again: bool) -> None:
    """Cut the indicators table after its 7th indicator into two Word tables with ``caption`` (a
    paragraph, "" for none) between them, the second one repeating the two header rows or not."""
    import copy

    import docx
    from docx.oxml import OxmlElement

    doc = docx.Document(path)
    first = doc.tables[1]._tbl
    second = copy.deepcopy(first)
    for tr in first.tr_lst[9:]:
        first.remove(tr)
    for tr in second.tr_lst[2:9] + ([] if header_again else second.tr_lst[:2]):
        second.remove(tr)
    par, run, text = OxmlElement("w:p"), OxmlElement("w:r"), OxmlElement("w:t")
    text.text = caption
    run.append(text)
    par.append(run)
    first.addnext(par)
    par.addnext(second)
    doc.save(path)


@pytest.mark.parametrize("caption, header_again", [("续表", False), ("续表1", True), ("（续上表）", False),
                                                   ("", True)])
def test_a_table_continued_in_a_second_table_is_one_table(tmp_path, caption, header_again):
    """A long indicators table set as two Word tables where the page breaks -- 续表 between them, the
    header repeated or not, or nothing between and the header repeated: the second part's seven
    indicators were left out without a word (one table was read); the two read as one table. A table
    under a title of its own with the same header is another table of the plan: read too, as its own
    table (it was left out without a word as well)."""
    path = write_plan_docx(tmp_path / "long.docx")
    _split_table(path, caption, header_again)
    plan = mt.read_plan(path, region="鼎湖区")
    from_excel = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    pd.testing.assert_frame_equal(plan[COLUMNS].reset_index(drop=True), from_excel[COLUMNS].reset_index(drop=True))
    path = write_plan_docx(tmp_path / "two.docx")
    _split_table(path, "表2 “十四五”分年度目标", True)
    both = mt.read_plan(path, region="鼎湖区")
    pd.testing.assert_frame_equal(both[COLUMNS].reset_index(drop=True), from_excel[COLUMNS].reset_index(drop=True))


@pytest.mark.parametrize("header_again", [False, True])
def test_a_web_page_table_continued_in_a_second_table_is_one_table(tmp_path, header_again):
    """The same on a web page converted from the Word document: <p>续表</p> between two tables."""
    path = write_plan_html(tmp_path / "long.html", encoding="utf-8")
    page = path.read_text(encoding="utf-8")
    cut = page.rindex("<tr>", 0, page.index("千人食品检验量"))
    head = page[page.index("<tr><td rowspan='2'>序号"):page.index("</tr>", page.index("2025年")) + 5]
    page = page[:cut] + "</tbody></table>\n<p>续表</p>\n<table border='1'><tbody>" + (head if header_again else "") + page[cut:]
    path.write_text(page, encoding="utf-8")
    plan = mt.read_plan(path, region="鼎湖区")
    from_excel = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    pd.testing.assert_frame_equal(plan[COLUMNS].reset_index(drop=True), from_excel[COLUMNS].reset_index(drop=True))

def test_assess_takes_the_word_plan_and_matches_the_history(tmp_path):
    plan = write_plan_docx(tmp_path / "plan.docx", traditional=True)
    history = write_history_xlsx(tmp_path / "history.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.UnmatchedWarning)  # the history's extra series
        res = mt.assess(history, plan, region="鼎湖区", seed=0, n_paths=400)
    assert len(res) == len(PLAN_ROWS) and (res["last_year"] == 2023).all()


def test_a_bad_cell_is_named_by_table_row_and_header(tmp_path):
    path = write_plan_docx(tmp_path / "plan.docx", bad_cell=((12, 5), "≥≥90"))
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert "plan.docx [table 2], row 13, column '2025年规划值': '≥≥90'" in str(err.value)


def test_a_document_without_a_table_and_an_old_doc_are_refused_with_the_fix(tmp_path):
    import docx

    doc = docx.Document()
    doc.add_paragraph("期末市场主体总量    万户    1.89    3.12")
    doc.save(tmp_path / "text_only.docx")
    with pytest.raises(mt.DataValidationError, match="holds no table"):
        mt.read_plan(tmp_path / "text_only.docx", region="鼎湖区")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    with pytest.raises(mt.DataValidationError, match=r"save a \.doc as \.docx"):
        mt.read_plan(tmp_path / "old.doc", region="鼎湖区")


@pytest.mark.parametrize("years_on_top", [False, True])
def test_a_role_over_a_bare_year_is_read_in_a_workbook_too(tmp_path, years_on_top):
    # the same two-row header typed into Excel, role over year or year over role
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    roles, years = ["基期值", "规划值"], ["2020年", "2025年"]
    top, below = (years, roles) if years_on_top else (roles, years)
    ws.append(["指标名称", "单位"] + top + ["属性"])
    ws.append(["指标名称", "单位"] + below + ["属性"])
    ws.append(["期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"])
    wb.save(tmp_path / "plan.xlsx")
    plan = mt.read_plan(tmp_path / "plan.xlsx", region="鼎湖区")
    row = plan.iloc[0]
    assert (row["baseline_year"], row["baseline"], row["target_year"], row["target"]) == (2020, 1.89, 2025, 3.12)


@pytest.mark.parametrize("name, encoding", [("鼎湖区规划.html", "gbk"), ("规划.htm", "utf-8"),
                                            ("portal_export.xls", "gbk")])
def test_the_plan_web_page_reads_as_the_plan_workbook_does(tmp_path, name, encoding):
    from_page = mt.read_plan(write_plan_html(tmp_path / name, encoding=encoding), region="鼎湖区")
    from_excel = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    pd.testing.assert_frame_equal(from_page[COLUMNS].reset_index(drop=True),
                                  from_excel[COLUMNS].reset_index(drop=True))


def test_a_bad_cell_of_the_web_page_is_named_by_table_row_and_header(tmp_path):
    path = write_plan_html(tmp_path / "plan.html", bad_cell=(10, 5, "≥≥90"))
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert "plan.html [table 2], row 13, column '2025年规划值': '≥≥90'" in str(err.value)


def test_a_web_page_without_a_table_is_refused_with_the_fix(tmp_path):
    (tmp_path / "page.html").write_text("<html><body><img src='table.png'></body></html>", encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match="holds no table"):
        mt.read_plan(tmp_path / "page.html", region="鼎湖区")


def test_a_history_table_in_a_web_page_or_word_document_is_read(tmp_path):
    # a statistics bulletin's table: 指标名称 | 单位 | 2021年 | 2022年 | 2023年 (values SYNTHETIC)
    import docx

    rows = [["指标名称", "单位", "2021年", "2022年", "2023年"], ["期末市场主体总量", "万户", "2.15", "2.42", "2.70"]]
    page = "<html><body><table>" + "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table></body></html>"
    (tmp_path / "bulletin.html").write_text(page, encoding="utf-8")
    doc = docx.Document()
    table = doc.add_table(rows=2, cols=5)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(tmp_path / "bulletin.docx")
    for name in ("bulletin.html", "bulletin.docx"):
        h = mt.read_history(tmp_path / name, region="鼎湖区")
        assert h["value"].tolist() == [2.15, 2.42, 2.70] and h["year"].tolist() == [2021, 2022, 2023]
        assert (h["unit"] == "万户").all()
