"""Bureau-style tables built by code for the reader and journey tests (issue 18).

The plan rows are the real Dinghu district "十四五" main indicators (data/dinghu_14th_fyp_plan.csv),
laid out as a district office keeps them: a merged title row, a 类别 column merged down each
category, ``2020年基数`` / ``2025年目标`` headers, no region column, a unit written inside a name,
and a 注 row below. The history values are SYNTHETIC (generated here, plausible mid-term figures,
not published data), kept one column per year and keyed by 指标名称 as statistics offices keep them.
``traditional=True`` writes every text cell in traditional characters (OpenCC ``s2t``), as a page
shown with a site's 繁體 button and copied into Excel would give them.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

import mstarget as mt

TITLE = "肇庆市鼎湖区市场监管现代化“十四五”规划主要指标"
NOTE = "注：〔〕内为累计数，〈〉内为“十四五”期间累计新增数。"
PLAN_HEADER = ["类别", "序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"]
# (category, name, unit, baseline, target, attribute) -- the Dinghu table; one unit moved into its name
PLAN_ROWS = [
    ("一、市场主体", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"),
    ("一、市场主体", "全区每千人拥有企业户", "户/千人", "〔16.22〕", "〔25.64〕", "预期性"),
    ("二、知识产权", "每万人口高价值发明专利拥有量", "件/万人", "〔1.04〕", "〔3〕", "预期性"),
    ("二、知识产权", "知识产权质押登记融资金额", "亿元", "〈0〉", "〈5〉", "预期性"),
    ("三、质量和标准", "地方标准", "项", "〔0〕", "〔2〕", "预期性"),
    ("三、质量和标准", "企业标准", "项", "〔38〕", "〔117〕", "预期性"),
    ("三、质量和标准", "有效期内认证证书", "张", "〔108〕", "〔120〕", "预期性"),
    ("四、安全监管", "千人食品检验量", "批次/千人", "5", "6", "约束性"),
    ("四、安全监管", "医疗器械抽检批次数", "批次/年", "8", "≥9", "预期性"),
    ("四、安全监管", "化妆品抽检批次数", "批次/年", "9", "≥10", "预期性"),
    ("四、安全监管", "“明厨亮灶”覆盖率（%）", "", "81", "≥90", "约束性"),
    ("四、安全监管", "生产领域区级工业产品质量监督抽查覆盖率", "%", "0.3", "≥1", "预期性"),
    ("四、安全监管", "药品抽检合格率", "%", "98", "≥99", "预期性"),
    ("四、安全监管", "执业药师数", "人/万人口", "4.4", "≥4.6", "预期性"),
]
HISTORY_TITLE = "鼎湖区市场监管主要指标完成情况（2020—2023年）"
HISTORY_HEADER = ["指标名称", "单位", "口径", "2020年", "2021年", "2022年", "2023年"]
# synthetic mid-term values; names written as a statistics office might (no quotes, full-width
# brackets, a unit in the name); pledge financing reported as running totals (累计)
HISTORY_ROWS = [
    ("期末市场主体总量", "万户", "", 1.89, 2.15, 2.42, 2.70),
    ("全区每千人拥有企业户", "户/千人", "", 16.22, 18.1, 20.3, 22.0),
    ("每万人口高价值发明专利拥有量（件/万人）", "", "", 1.04, 1.3, 1.6, 1.9),
    ("知识产权质押登记融资金额", "亿元", "累计", None, 1.2, 2.5, 3.1),
    ("地方标准", "项", "", 0, 0, 1, 1),
    ("企业标准", "项", "", 38, 52, 69, 84),
    ("有效期内认证证书", "张", "", 108, 110, 113, 117),
    ("千人食品检验量", "批次/千人", "", 5, 5.3, 5.5, 5.8),
    ("医疗器械抽检批次数", "批次/年", "", 8, 8, 9, 9),
    ("化妆品抽检批次数", "批次/年", "", 9, 9, 10, 10),
    ("明厨亮灶覆盖率", "%", "", 81, 84, 86, 88),
    ("生产领域区级工业产品质量监督抽查覆盖率", "%", "", 0.3, 0.5, 0.7, 0.8),
    ("药品抽检合格率", "%", "", 98, 98.6, 99.1, 99.2),
    ("执业药师数", "人/万人口", "", 4.4, 4.5, 4.5, 4.6),
    # not a plan indicator: must be reported, never silently dropped
    ("食品安全抽检合格率", "%", "", 97.8, 98.1, 98.3, 98.4),
]
UNMATCHED_NAME = "食品安全抽检合格率"


def write_rows_xlsx(path: Path, rows, merges=(), *, title: str | None = None) -> Path:
    """``rows`` (lists of cells, top to bottom) on the one sheet of a new workbook at ``path``; ``merges``: Excel
    ranges merged (``"A1:A2"``); ``title``: the sheet's name."""
    wb = Workbook()
    ws = wb.active
    if title is not None:
        ws.title = title
    for row in rows:
        ws.append(list(row))
    for cells in merges:
        ws.merge_cells(cells)
    wb.save(path)
    return path


def _script(cell, traditional: bool):
    if not traditional or not isinstance(cell, str):
        return cell
    import opencc

    return opencc.OpenCC("s2t").convert(cell)


def write_plan_xlsx(path: Path, *, traditional: bool = False) -> Path:
    """The Dinghu main-indicator table as a district office lays it out in Excel."""
    wb = Workbook()
    ws = wb.active
    ws.title = "主要指标"
    width = len(PLAN_HEADER)
    ws.append([_script(TITLE, traditional)] + [None] * (width - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([_script(h, traditional) for h in PLAN_HEADER])
    first = {}
    for k, (cat, name, unit, base, target, attr) in enumerate(PLAN_ROWS, start=1):
        row = ws.max_row + 1
        first.setdefault(cat, [row, row])[1] = row
        cells = [cat if first[cat][0] == row else None, k, name, unit or None, base, target, attr]
        ws.append([_script(c, traditional) for c in cells])
    for cat, (r0, r1) in first.items():
        if r1 > r0:
            ws.merge_cells(start_row=r0, start_column=1, end_row=r1, end_column=1)
    ws.append([_script(NOTE, traditional)] + [None] * (width - 1))
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    wb.save(path)
    return path


def write_history_xlsx(path: Path, *, traditional: bool = False) -> Path:
    """The district's yearly figures, one column per year, keyed by 指标名称, no region column."""
    wb = Workbook()
    ws = wb.active
    width = len(HISTORY_HEADER)
    ws.append([_script(HISTORY_TITLE, traditional)] + [None] * (width - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([None] * width)
    ws.append([_script(h, traditional) for h in HISTORY_HEADER])
    for row in HISTORY_ROWS:
        ws.append([_script(c, traditional) for c in row])
    ws.append([None] * width)
    ws.append([_script("资料来源：区统计局、区市场监管局（本表数值为测试用合成数据）", traditional)]
              + [None] * (width - 1))
    wb.save(path)
    return path


def write_plan_docx(path, *, bad_cell=None, traditional: bool = False, framed: bool = False):
    """The Dinghu table as the plan document publishes it (``../shared/seeds``: the 鼎湖区 plan's
    主要指标表): a Word document with a 专栏 table first, then the indicators table whose header is
    two rows -- 基期值 | 规划值 over 2020年 | 2025年, the other header cells merged down -- and a
    类别 column merged down each category. ``bad_cell=((row, col), text)`` overwrites one cell
    (0-based, in the indicators table); ``framed`` sets the title and the indicators table inside a
    one-cell frame table (a 专栏 box). ``path`` may be a file-like object."""
    import docx

    doc = docx.Document()
    doc.add_paragraph(_script("第二章 总体要求", traditional))
    box = doc.add_table(rows=2, cols=2)
    box.cell(0, 0).text, box.cell(0, 1).text = "专栏1", "重点工程"
    box.cell(1, 0).text, box.cell(1, 1).text = "1", _script("智慧监管平台建设", traditional)
    host = doc
    if framed:
        host = doc.add_table(rows=1, cols=1).cell(0, 0)
        host.paragraphs[0].text = _script(TITLE + "表", traditional)
    else:
        doc.add_paragraph(_script(TITLE + "表", traditional))
    table = host.add_table(rows=2 + len(PLAN_ROWS), cols=7)
    for c, text in enumerate(["序号", "类别", "主要指标", "单位", "基期值", "规划值", "属性"]):
        table.cell(0, c).text = _script(text, traditional)
    table.cell(1, 4).text, table.cell(1, 5).text = "2020年", "2025年"
    for c in (0, 1, 2, 3, 6):
        table.cell(0, c).merge(table.cell(1, c))
    first: dict = {}
    for r, (group, name, unit, base, target, attr) in enumerate(PLAN_ROWS, 2):
        for c, text in enumerate([str(r - 1), group, name, unit, base, target, attr]):
            if c != 1 or group not in first:
                table.cell(r, c).text = _script(text, traditional)
        first.setdefault(group, r)
    for group, r0 in first.items():
        r1 = max(r for r, row in enumerate(PLAN_ROWS, 2) if row[0] == group)
        if r1 > r0:
            table.cell(r0, 1).merge(table.cell(r1, 1))
    if bad_cell:
        table.cell(*bad_cell[0]).text = bad_cell[1]
    doc.add_paragraph(_script(NOTE, traditional))
    doc.save(path)
    return path


def write_plan_html(path, *, encoding: str = "gbk", bad_cell=None) -> Path:
    """The Dinghu table as a government site publishes the plan page: a GB2312 / GBK page whose
    indicators table comes after a 专栏 table, with ``rowspan`` / ``colspan`` headers (基期值 | 规划值
    over 2020年 | 2025年), the 类别 column spanning its rows and ``&nbsp;`` padding. ``bad_cell =
    (row, column, text)`` replaces one data cell (0-based among PLAN_ROWS and their 7 columns)."""
    head = ("<tr><td rowspan='2'>序号</td><td rowspan='2'>类别</td><td rowspan='2'>主要指标</td>"
            "<td rowspan='2'>单位</td><td>基期值</td><td>规划值</td><td rowspan='2'>属性</td></tr>"
            "<tr><td>2020年</td><td>2025年</td></tr>")
    span: dict = {}
    for row in PLAN_ROWS:
        span[row[0]] = span.get(row[0], 0) + 1
    body, seen = [], set()
    for k, (group, name, unit, base, target, attr) in enumerate(PLAN_ROWS):
        cells = [f"{k + 1}&nbsp;", group, name, unit, base, target, attr]
        if bad_cell and bad_cell[0] == k:
            cells[bad_cell[1]] = bad_cell[2]
        tds = [f"<td>{c}</td>" for c in cells]
        tds[1] = "" if group in seen else f"<td rowspan='{span[group]}'>{group}</td>"
        seen.add(group)
        body.append("<tr>" + "".join(tds) + "</tr>")
    page = ("<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
            f"<title>{TITLE}</title></head><body><p>{TITLE}表</p>"
            "<table><tr><td>专栏1</td><td>重点工程</td></tr><tr><td>1</td><td>智慧监管平台建设</td></tr></table>"
            f"<table border='1'><tbody>{head}{''.join(body)}</tbody></table><p>{NOTE}</p></body></html>")
    Path(path).write_bytes(page.encode(encoding))
    return Path(path)


def write_plan_pdf(path, *, bad_cell=None, rows_per_page: int | None = None, box_after: bool = False) -> Path:
    """The Dinghu table as the plan's PDF (as a government site publishes it: the Word document
    printed to PDF), drawn by reportlab with a built-in Chinese font (STSong-Light, no font file):
    a title, the 专栏 box (no table lines: not a table to a reader), then the ruled indicators table
    with the Word document's two-row header (基期值 | 规划值 over 2020年 | 2025年, the other header
    cells spanning both rows) and the 类别 column spanning its rows, and the 注 line below.
    ``rows_per_page`` breaks the table across pages, the header repeated on each, as Word prints
    a long table. ``bad_cell=((row, col), text)`` overwrites one body cell (0-based, 7 columns).
    ``box_after`` adds a page of text, then a ruled 专栏 table of 7 columns at the top of the next
    page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle
    from reportlab.lib.styles import ParagraphStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    text = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10, leading=14)
    head = [["序号", "类别", "主要指标", "单位", "基期值", "规划值", "属性"], ["", "", "", "", "2020年", "2025年", ""]]
    body = [[str(k + 1), group, name, unit, base, target, attr]
            for k, (group, name, unit, base, target, attr) in enumerate(PLAN_ROWS)]
    if bad_cell:
        (r, c), value = bad_cell
        body[r][c] = value
    chunks = [body] if not rows_per_page else [body[i:i + rows_per_page] for i in range(0, len(body), rows_per_page)]
    story = [Paragraph(TITLE + "表", text), Paragraph("专栏1 重点工程：智慧监管平台建设", text)]
    start = 0
    for n, chunk in enumerate(chunks):
        style = [("FONT", (0, 0), (-1, -1), "STSong-Light", 9), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
        style += [("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2, 3, 6)]
        rows = [list(r) for r in chunk]
        for k, r in enumerate(rows):  # 类别 spans its rows on this page: text in the first only
            group = PLAN_ROWS[start + k][0]
            if k and PLAN_ROWS[start + k - 1][0] == group:
                r[1] = ""
        spans, k = [], 0
        while k < len(rows):
            e = k
            while e + 1 < len(rows) and PLAN_ROWS[start + e + 1][0] == PLAN_ROWS[start + k][0]:
                e += 1
            if e > k:
                spans.append(("SPAN", (1, k + 2), (1, e + 2)))
            k = e + 1
        table = Table(head + rows)
        table.setStyle(TableStyle(style + spans))
        story += [table] + ([PageBreak()] if n < len(chunks) - 1 else [Paragraph(NOTE, text)])
        start += len(chunk)
    if box_after:
        box = Table([["专栏1", "重点工程", "内容", "单位", "2023年", "2025年", "责任单位"],
                     ["1", "智慧监管", "平台建设", "个", "1", "1", "区市场监管局"]])
        box.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 9),
                                 ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story += [PageBreak(), Paragraph("第三章 主要任务", text), PageBreak(), box]
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)
    return Path(path)


def write_table_pdf(path, rows, *, title: str | None = None, repeat_rows: int = 0) -> Path:
    """``rows`` (lists of text) as one ruled table in a PDF, a ``title`` line above it, drawn by
    reportlab with its built-in Chinese font; ``repeat_rows`` header rows are repeated on each page
    the table runs onto; a ``\\n`` in a cell wraps it onto two lines."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    table = Table(rows, repeatRows=repeat_rows)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 9),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = ([Paragraph(title, ParagraphStyle("zh", fontName="STSong-Light"))] if title else []) + [table]
    SimpleDocTemplate(str(path), invariant=1).build(story)
    return Path(path)


def write_three_line_pdf(path, rows, *, header_rows: int = 1, valign: str = "TOP", title: str | None = None,
                         note: str | None = None, box: str | None = None, repeat_header: bool = False,
                         page_numbers: bool = False, merge_first: bool = False) -> Path:
    """``rows`` (lists of text, the first ``header_rows`` the header) as a three-line table (三线表:
    a rule above the header, one below it, one below the last row; no other lines), as many plan
    documents typeset a table, drawn by reportlab with its built-in Chinese font. A ``\\n`` in a cell
    wraps it onto two lines; ``valign`` places a row's other cells at the TOP / MIDDLE / BOTTOM of a
    wrapped row; ``title`` / ``note`` lines above / below; ``box``: a ruled one-cell 专栏 box above. A table
    longer than a page runs on to the next without a closing rule on the first, its header repeated
    there when ``repeat_header``; ``page_numbers`` prints "— 1 —" at each page's foot; ``merge_first``
    merges each run of equal first cells below the header into one cell spanning its rows (a 类别
    written once, placed by ``valign``)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    zh = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10, leading=14)
    spans, rows = [], [list(r) for r in rows]
    if merge_first:
        start = header_rows
        for r in range(header_rows + 1, len(rows) + 1):
            if r == len(rows) or rows[r][0] != rows[start][0]:
                spans.append(("SPAN", (0, start), (0, r - 1)))
                for k in range(start + 1, r):
                    rows[k][0] = ""
                start = r
    table = Table(rows, repeatRows=header_rows if repeat_header else 0)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 9), ("VALIGN", (0, 0), (-1, -1), valign),
                               ("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
                               ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, colors.black),
                               ("LINEBELOW", (0, -1), (-1, -1), 1.2, colors.black)] + spans))
    story = []
    if box:
        framed = Table([[box]])
        framed.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 9),
                                    ("BOX", (0, 0), (-1, -1), 0.5, colors.black)]))
        story += [framed, Spacer(1, 12)]
    story += ([Paragraph(title, zh)] if title else []) + [table] + ([Paragraph(note, zh)] if note else [])

    def number(canvas, doc):
        if page_numbers:
            canvas.setFont("STSong-Light", 9)
            canvas.drawCentredString(297, 30, f"— {doc.page} —")

    SimpleDocTemplate(str(path), invariant=1).build(story, onFirstPage=number, onLaterPages=number)
    return Path(path)


def read_plan_text(tmp_path: Path, text: str, region: str = "鼎湖区"):
    """``(plan, warning messages)`` of a plan CSV written from ``text`` (UTF-8) and read for ``region``."""
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = mt.read_plan(path, region=region)
    return plan, [str(w.message) for w in caught]
