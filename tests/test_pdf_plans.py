"""A plan read from the PDF a government site publishes: the ruled indicators table is found on its
pages, its two-row header and spanning cells are read, a table running over several pages (its
header repeated on each) is one table, and a PDF without a readable table is refused with the fix.

The plan rows are the real Dinghu indicators; the PDFs are drawn by code (tests/bureau_files.py,
reportlab) or printed by chromium from the plan's web page; the history values are SYNTHETIC.
"""
from __future__ import annotations

import shutil
import subprocess
import warnings

import pandas as pd
import pytest

import mstarget as mt

from bureau_files import (PLAN_ROWS, write_history_xlsx, write_plan_html, write_plan_pdf, write_plan_xlsx,
                          write_table_pdf)

COLUMNS = ["group", "name", "unit", "baseline_year", "baseline", "target_year", "target", "direction", "kind",
           "attribute"]


def _same_as_the_workbook(plan, tmp_path):
    from_excel = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    assert len(plan) == len(PLAN_ROWS)
    pd.testing.assert_frame_equal(plan[COLUMNS].reset_index(drop=True), from_excel[COLUMNS].reset_index(drop=True))


def test_the_plan_pdf_reads_as_the_plan_workbook_does(tmp_path):
    plan = mt.read_plan(write_plan_pdf(tmp_path / "鼎湖区规划.pdf"), region="鼎湖区")
    _same_as_the_workbook(plan, tmp_path)
    assert plan.set_index("name").loc["千人食品检验量", "attribute"] == "binding"


def test_a_table_over_three_pages_with_its_header_repeated_is_one_table(tmp_path):
    path = write_plan_pdf(tmp_path / "plan.pdf", rows_per_page=6)
    plan = mt.read_plan(path, region="鼎湖区")
    _same_as_the_workbook(plan, tmp_path)
    # rows are counted down the table as printed on one page: the 13th indicator is row 15
    bad = write_plan_pdf(tmp_path / "bad.pdf", rows_per_page=6, bad_cell=((12, 5), "≥≥99"))
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(bad, region="鼎湖区")
    assert "bad.pdf, row 15, column '2025年规划值': '≥≥99': one direction sign only" in str(err.value)


def test_assess_takes_the_pdf_plan(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.UnmatchedWarning)  # the history's extra series
        res = mt.assess(write_history_xlsx(tmp_path / "history.xlsx"), write_plan_pdf(tmp_path / "plan.pdf"),
                        region="鼎湖区", seed=0, n_paths=400)
    assert len(res) == len(PLAN_ROWS) and (res["last_year"] == 2023).all()



def test_a_footnote_set_as_superscript_is_not_read_as_a_digit(tmp_path):
    """千人食品检验量's target 6 with a footnote 1 set smaller and raised (a superscript, as Word prints it):
    the raised 1 was read as a line of its own above the 6 and the target read 16 without a word; it is
    6¹ now, refused with the fix. A superscript after the name is the name's footnote (千人食品检验量¹,
    dropped when names are matched), not a digit leading it ("1千人食品检验量")."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph

    from mstarget.matching import name_key

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=9, leading=11)
    k = next(i for i, row in enumerate(PLAN_ROWS) if row[1] == "千人食品检验量")
    path = write_plan_pdf(tmp_path / "notes.pdf", bad_cell=((k, 5), Paragraph("6<super>1</super>", style)))
    with pytest.raises(mt.DataValidationError, match=r"notes\.pdf, row 10, column '2025年规划值': '6¹': a note mark"):
        mt.read_plan(path, region="鼎湖区")
    path = write_plan_pdf(tmp_path / "name.pdf", bad_cell=((k, 2), Paragraph("千人食品检验量<super>1</super>", style)))
    row = mt.read_plan(path, region="鼎湖区").iloc[k]
    assert (row["name"], row["target"]) == ("千人食品检验量¹", 6.0)
    assert name_key(row["name"]) == name_key("千人食品检验量")

def test_a_pdf_without_a_table_or_not_a_pdf_is_refused_with_the_fix(tmp_path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "text_only.pdf"))
    c.drawString(72, 720, "market entities    1.89    3.12")  # figures lined up, no table lines
    c.save()
    with pytest.raises(mt.DataValidationError, match="holds no ruled table") as err:
        mt.read_plan(tmp_path / "text_only.pdf", region="鼎湖区")
    assert "use the Word document the PDF was made from" in str(err.value)
    (tmp_path / "fake.pdf").write_text("期末市场主体总量,万户,1.89,3.12\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match="cannot read the file as PDF"):
        mt.read_plan(tmp_path / "fake.pdf", region="鼎湖区")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium prints the web page to PDF")
def test_the_plan_web_page_printed_to_pdf_by_a_browser(tmp_path):
    """The same page a browser prints (its own fonts and table lines, not reportlab's)."""
    page = write_plan_html(tmp_path / "plan.html")
    pdf = tmp_path / "plan.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True, timeout=120)
    _same_as_the_workbook(mt.read_plan(pdf, region="鼎湖区"), tmp_path)


def test_a_pdf_whose_cross_reference_table_is_off_is_read_without_noise(tmp_path, caplog):
    """A PDF re-saved by a tool that got its byte offsets wrong: pdfminer repairs it, and its repair
    log stays out of the user's terminal."""
    path = write_plan_pdf(tmp_path / "plan.pdf")
    data = path.read_bytes()
    lines = data[data.rindex(b"\nxref") + 1:].split(b"\n")  # xref, "0 9", object 0, object 1, object 2 ...
    entry = data.rindex(b"\nxref") + 1 + sum(len(x) + 1 for x in lines[:4])
    assert data[entry:entry + 10].isdigit()
    path.write_bytes(data[:entry] + b"0000=" + data[entry + 5:])  # object 2's offset: not a number
    with caplog.at_level("INFO"):
        plan = mt.read_plan(path, region="鼎湖区")
    _same_as_the_workbook(plan, tmp_path)
    assert [r for r in caplog.records if r.name.startswith("pdfminer")] == []


def test_a_history_table_in_a_statistics_bulletin_pdf_is_read(tmp_path):
    # 指标名称 | 单位 | 2021年 | 2022年 | 2023年, a name wrapped over two lines in its cell (values SYNTHETIC)
    write_table_pdf(tmp_path / "bulletin.pdf", [["指标名称", "单位", "2021年", "2022年", "2023年"],
                                                ["期末市场主体\n总量", "万户", "2.15", "2.42", "2.70"],
                                                ["千人食品检验量", "批次/千人", "5.3", "5.5", "5.8"]])
    h = mt.read_history(tmp_path / "bulletin.pdf", region="鼎湖区")
    assert set(h["indicator"]) == {"千人食品检验量", "期末市场主体总量"}  # the wrapped name joined
    got = h.set_index(["indicator", "year"])["value"]
    assert got[("期末市场主体总量", 2023)] == 2.70 and got[("千人食品检验量", 2021)] == 5.3
    assert h.set_index("indicator").loc["期末市场主体总量", "unit"].eq("万户").all()


def test_tables_a_page_of_text_apart_are_not_joined(tmp_path):
    """The indicators table, a page of text, then a 专栏 table of as many columns on the next page:
    two tables, and the plan is the indicators table alone."""
    plan = mt.read_plan(write_plan_pdf(tmp_path / "plan.pdf", box_after=True), region="鼎湖区")
    _same_as_the_workbook(plan, tmp_path)


@pytest.mark.parametrize("valign", ["TOP", "MIDDLE", "BOTTOM"])
def test_a_three_line_table_reads_as_the_workbook_does(tmp_path, valign):
    """三线表: rules above and below the two-row header and below the last row, no other lines (the
    table was refused: 'no ruled table'). Long names wrap onto a second line, the other cells at the
    top, middle or bottom of the row; a ruled 专栏 box above and the 注 line below are not the table."""
    from bureau_files import NOTE, PLAN_ROWS, TITLE, write_three_line_pdf

    head = [["序号", "类别", "主要指标", "单位", "基期值", "规划值", "属性"], ["", "", "", "", "2020年", "2025年", ""]]
    body = [[str(k + 1), group, name if len(name) <= 12 else name[:10] + "\n" + name[10:], unit, base, target, attr]
            for k, (group, name, unit, base, target, attr) in enumerate(PLAN_ROWS)]
    assert sum("\n" in r[2] for r in body) >= 2
    path = write_three_line_pdf(tmp_path / "三线表.pdf", head + body, header_rows=2, valign=valign, title=TITLE,
                                note=NOTE, box="专栏1 重点工程：智慧监管平台建设")
    _same_as_the_workbook(mt.read_plan(path, region="鼎湖区"), tmp_path)


def test_a_three_line_table_with_group_rows_keeps_them_as_groups(tmp_path):
    """Group headings as rows of their own (一、市场主体 above its indicators) are not a wrapped name."""
    from bureau_files import PLAN_ROWS, write_three_line_pdf

    rows, last = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"]], None
    for k, (group, name, unit, base, target, attr) in enumerate(PLAN_ROWS):
        if group != last:
            rows.append([group, "", "", "", "", ""])
            last = group
        rows.append([str(k + 1), name if len(name) <= 12 else name[:9] + "\n" + name[9:], unit, base, target, attr])
    plan = mt.read_plan(write_three_line_pdf(tmp_path / "groups.pdf", rows, valign="MIDDLE"), region="鼎湖区")
    workbook = mt.read_plan(write_plan_xlsx(tmp_path / "p.xlsx"), region="鼎湖区")
    for col in ("group", "name", "unit", "baseline", "target", "kind", "direction"):
        assert plan[col].tolist() == workbook[col].tolist(), col


def test_a_three_line_table_over_two_pages_is_one_table_or_refused(tmp_path):
    """70 rows (the Dinghu rows five times, names numbered: SYNTHETIC) run over two pages: the first
    page has no closing rule. With the header repeated on the second page the parts are one table
    (the page numbers at the foot are not rows); without it the second part cannot be recognised,
    and the PDF is refused -- reading the first part alone dropped 31 rows without a word."""
    from bureau_files import PLAN_ROWS, write_three_line_pdf

    rows = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"]]
    rows += [[str(i + 1), f"{name}{i // len(PLAN_ROWS) + 1}", unit, base, target, attr]
             for i, (_, name, unit, base, target, attr) in enumerate(PLAN_ROWS * 5)]
    both = write_three_line_pdf(tmp_path / "long.pdf", rows, repeat_header=True, page_numbers=True)
    plan = mt.read_plan(both, region="鼎湖区")
    assert len(plan) == 70 and plan["name"].iloc[-1] == "执业药师数5"
    alone = write_three_line_pdf(tmp_path / "no_header.pdf", rows, page_numbers=True)
    with pytest.raises(mt.DataValidationError, match=r"page 1 table 1.*三线表跨页") as err:
        mt.read_plan(alone, region="鼎湖区")
    assert "use the Word document the PDF was made from" in str(err.value)


@pytest.mark.parametrize("valign", ["TOP", "MIDDLE", "BOTTOM"])
def test_a_three_line_table_with_merged_category_cells(tmp_path, valign):
    """类别 written once per group, in a cell spanning its rows, at their top, middle or bottom, the longer
    ones over two lines (一、质量 / 和标准): every row takes its own group. A centred label gave the rows
    above it the previous group's, and a label over two lines was two groups (一、质量 and 和标准)."""
    from bureau_files import PLAN_ROWS, write_three_line_pdf

    head = [["类别", "序号", "主要指标", "单位", "2020年基数", "2025年目标", "属性"]]
    body = [[group if len(group) <= 6 else group[:4] + "\n" + group[4:], str(k + 1),
             name if len(name) <= 12 else name[:10] + "\n" + name[10:], unit, base, target, attr]
            for k, (group, name, unit, base, target, attr) in enumerate(PLAN_ROWS)]
    path = write_three_line_pdf(tmp_path / "merged.pdf", head + body, valign=valign, merge_first=True)
    _same_as_the_workbook(mt.read_plan(path, region="鼎湖区"), tmp_path)


def test_merged_category_cells_of_any_group_sizes(tmp_path):
    """20 layouts drawn at random (seeded; SYNTHETIC rows): 2-5 groups of 1-6 rows, the 类别 once per
    group at the top, middle or bottom of its rows, over one line or two, some names wrapped (which
    shows where the table's cells sit in their rows): every row takes its own group."""
    import random

    from bureau_files import write_three_line_pdf

    groups = ["市场主体", "知识产权", "质量和标准建设", "安全监管", "营商环境", "消费维权", "执法办案", "信用监管体系建设"]
    names = ["期末市场主体总量", "全区每千人拥有企业户", "每万人口高价值发明专利拥有量", "地方标准", "千人食品检验量",
             "生产领域区级工业产品质量监督抽查覆盖率", "药品抽检合格率", "投诉按时办结率"]
    for layout in range(20):
        rng = random.Random(layout)
        valign, two_lines = rng.choice(["TOP", "MIDDLE", "BOTTOM"]), rng.random() < 0.5
        rows, truth = [["类别", "序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"]], []
        for group in rng.sample(groups, rng.randint(2, 5)):
            for _ in range(rng.randint(1, 6)):
                name = rng.choice(names) + "甲乙丙丁戊己庚辛壬癸"[len(truth) % 10] + "子丑寅卯"[len(truth) // 10]
                label = group[:4] + "\n" + group[4:] if two_lines and len(group) > 4 else group
                rows.append([label, str(len(truth) + 1), name[:8] + "\n" + name[8:] if len(name) > 10 else name,
                             "项", str(rng.randint(1, 90)), f"≥{rng.randint(91, 99)}", "预期性"])
                truth.append(group)
        path = write_three_line_pdf(tmp_path / f"layout{layout}.pdf", rows, valign=valign, merge_first=True)
        assert mt.read_plan(path, region="鼎湖区")["group"].tolist() == truth, (layout, valign)


@pytest.mark.parametrize("valign", ["TOP", "MIDDLE", "BOTTOM"])
def test_a_two_line_category_on_every_row_stays_with_its_row(tmp_path, valign):
    """The 类别 written on every row, over two lines (一、质量 / 和标准): each row keeps its own, not taken
    for labels spanning rows (the first version joined them all into one label)."""
    from bureau_files import PLAN_ROWS, write_three_line_pdf

    head = [["类别", "序号", "主要指标", "单位", "2020年基数", "2025年目标", "属性"]]
    body = [[group[:4] + "\n" + group[4:] if len(group) > 4 else group, str(k + 1), name, unit, base, target, attr]
            for k, (group, name, unit, base, target, attr) in enumerate(PLAN_ROWS)]
    path = write_three_line_pdf(tmp_path / "every_row.pdf", head + body, valign=valign)
    _same_as_the_workbook(mt.read_plan(path, region="鼎湖区"), tmp_path)


@pytest.mark.parametrize("valign", ["TOP", "MIDDLE", "BOTTOM"])
def test_a_long_history_with_each_name_written_once(tmp_path, valign):
    """A bulletin's long table (指标名称 | 年份 | 数值 | 单位) writing each indicator once, in a cell
    spanning its four years: every year keeps its indicator, a name with figures in it (PM2.5) too.
    The rows without a name were refused ('an indicator id, not blank'). Figures SYNTHETIC."""
    from bureau_files import write_three_line_pdf

    series = {"期末市场主体总量": ("万户", [1.89, 2.1, 2.4, 2.7]),
              "细颗粒物（PM2.5）平均浓度": ("微克/立方米", [30, 28, 27, 25]),
              "千人食品检验量": ("批次/千人", [5.0, 5.3, 5.5, 5.8])}
    rows = [["指标名称", "年份", "数值", "单位"]] + [[name, str(year), str(v), unit]
                                                for name, (unit, values) in series.items()
                                                for year, v in zip(range(2020, 2024), values)]
    path = write_three_line_pdf(tmp_path / "bulletin.pdf", rows, valign=valign, merge_first=True)
    history = mt.read_history(path, region="鼎湖区")
    got = history.sort_values("year").groupby("indicator")["value"].apply(list).to_dict()
    assert got == {"期末市场主体总量": [1.89, 2.1, 2.4, 2.7], "细颗粒物(PM2.5)平均浓度": [30, 28, 27, 25],
                   "千人食品检验量": [5.0, 5.3, 5.5, 5.8]}


def _print_three_line_page(tmp_path, valign: str, merged: bool):
    """The plan's web page styling its table as a three-line table (CSS rules above and below the header
    and below the body), cells aligned by ``valign``, 类别 in cells spanning their rows when ``merged``,
    printed by chromium."""
    from bureau_files import PLAN_ROWS

    rule = "{border-%s:%dpx solid #000}"
    css = (f"table{{border-collapse:collapse;width:90%}}th,td{{padding:4px 8px;text-align:center;vertical-align:{valign}}}"
           + "table" + rule % ("top", 2) + "thead" + rule % ("bottom", 1) + "tbody" + rule % ("bottom", 2))
    head = "".join(f"<th>{h}</th>" for h in ["序号", "类别", "主要指标", "单位", "2020年基数", "2025年目标", "属性"])
    if merged:
        head = head.replace("<th>序号</th><th>类别</th>", "<th>类别</th><th>序号</th>")
    sizes = pd.Series([g for g, *_ in PLAN_ROWS]).value_counts()
    body, last = "", None
    for k, (g, n, u, b, t, a) in enumerate(PLAN_ROWS):
        number, name = f"<td>{k + 1}</td>", f"<td style='max-width:9em'>{n}</td>"
        if not merged:
            cells = f"{number}<td>{g}</td>{name}"
        else:
            cells = (f"<td rowspan={sizes[g]} style='max-width:4em'>{g}</td>" if g != last else "") + number + name
        body += f"<tr>{cells}<td>{u}</td><td>{b}</td><td>{t}</td><td>{a}</td></tr>"
        last = g
    page = tmp_path / "plan.html"
    page.write_text(f"<html><head><meta charset='utf-8'><style>{css}</style></head><body><p>主要指标</p>"
                    f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>",
                    encoding="utf-8")
    pdf = tmp_path / "plan.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True, timeout=120)
    return pdf


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium prints the web page to PDF")
@pytest.mark.parametrize("valign", ["middle", "top", "bottom"])
def test_a_three_line_table_printed_by_a_browser(tmp_path, valign):
    """A page styling its table as a three-line table, printed by chromium: each cell's border is drawn
    on its own, digits sit lower than the Chinese beside them, and narrow columns wrap (2020年基 / 数,
    预期 / 性, a name over three lines). With the cells at the top or bottom of their rows, a name's
    second line sits two thirds of a row's pitch from its figures and was read as a row of its own."""
    _same_as_the_workbook(mt.read_plan(_print_three_line_page(tmp_path, valign, merged=False), region="鼎湖区"),
                          tmp_path)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium prints the web page to PDF")
@pytest.mark.parametrize("valign", ["middle", "top"])
def test_a_browser_printed_table_with_rowspan_categories(tmp_path, valign):
    """类别 in cells spanning their rows (``rowspan``; a browser centres them unless told otherwise), over
    two lines in a narrow column: each row takes its group. The centred label of the last group sat in
    a gap between two rows and was read as a row without a name or figures, and the plan was refused."""
    _same_as_the_workbook(mt.read_plan(_print_three_line_page(tmp_path, valign, merged=True), region="鼎湖区"),
                          tmp_path)


def test_prose_between_page_rules_is_not_a_three_line_table(tmp_path):
    """A government document's first page: a rule under its masthead, a separator and a rule above the
    footer, with paragraphs (figures and all) between them. Three long rules, text between, no vertical
    lines -- but a page of prose, not a table: only the ruled indicators table on the next page is read."""
    from reportlab.lib import colors
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

    from bureau_files import PLAN_ROWS
    from mstarget.io import read_grids

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

    def masthead(c, doc):
        c.setFont("STSong-Light", 10)
        for y in (800, 500, 60):
            c.line(50, y, 545, y)
        c.drawString(60, 810, "肇庆市鼎湖区人民政府文件")
        for i, y in enumerate(range(780, 520, -16)):
            c.drawString(60, y, f"第{i + 1}段 2021年以来，全区市场主体总量达到1.{i}万户，同比增长{i}%。")
        for i, y in enumerate(range(480, 80, -16)):
            c.drawString(60, y, f"（{i + 1}）推进智慧监管 2025年 目标 {i * 3} 项 预期性")

    rows = [["序号", "类别", "主要指标", "单位", "2020年基数", "2025年目标", "属性"]]
    rows += [[str(k + 1), g, n, u, b, t, a] for k, (g, n, u, b, t, a) in enumerate(PLAN_ROWS)]
    table = Table(rows)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 9),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    path = tmp_path / "document.pdf"
    SimpleDocTemplate(str(path), invariant=1).build([Spacer(1, 10), PageBreak(), table], onFirstPage=masthead)
    assert [name for name, _ in read_grids(path)] == ["page 2 table 1"]
    assert len(mt.read_plan(path, region="鼎湖区")) == len(PLAN_ROWS)
