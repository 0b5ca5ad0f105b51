"""The report as an Excel workbook (openpyxl).

Sheets: 评估表 (the main table: header in row 1, frozen with the 序号 / 指标名称 columns; numbers
stored as numbers rounded to what they show, with a number format per indicator, e.g. ``#,##0.00``,
``0%``, ``"≥"#,##0.00``; the 80 % range as two numeric columns), 概况 (title, date, overall
paragraph, summary by category), 分地区汇总 (targets per region and category, when the report covers
several regions), 分指标汇总 (regions per indicator and category / outlook, several regions), 逐项说明 (one
narrative per target; a column empty for every row -- 预测模型 in a 总结评估, where nothing is forecast -- is left out),
图表 (the overview and the fan charts), 未匹配的数据 (when present) and 说明. English sheet names in an English
report. For several regions the 概况's lists name each indicator once with its regions.
"""
from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..io import save_workbook
from .formatting import Cell, display_width, property_text, report_datetime
from .charts import ReportCharts
from .model import CATEGORY_COLOURS, SUMMARY_HEADERS, Report, by_indicator_table, model_text, unmatched_label
from .narrative import summary_groups

SHEETS = {"zh": ("评估表", "概况", "逐项说明", "图表", "未匹配的数据", "说明", "分地区汇总", "分指标汇总"),
          "en": ("Assessment", "Summary", "Narrative", "Charts", "Unmatched", "Notes", "By region", "By indicator")}
RANGE_HEADERS = {"zh": ("80%区间下限", "80%区间上限"), "en": ("80% range low", "80% range high")}
HEADER_FILL = "FFEEF3F8"
#: the main sheet: the report's title in row 1, the table's header in row :data:`HEAD_ROW`, its rows below
HEAD_ROW = 2
#: Excel's paper size code for A4 (``PAPERSIZE_A4``)
A4 = 9


def _print_setup(ws, *, title_rows: str | None = None) -> None:
    """Print on A4 landscape, fitted to the page's width (as many pages down as it takes); ``title_rows``
    repeated on every page."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


def _argb(colour: str) -> str:
    return "FF" + colour.lstrip("#").upper()


def _width(texts, lo: float = 6, hi: float = 40) -> float:
    return max(lo, min(hi, max((display_width(t) for t in texts), default=0) + 2))


def _columns(report: Report) -> list[tuple[str, str]]:
    """(cell key, header) of the workbook's main table: the 80 % range split into two columns."""
    out = []
    for c in report.columns():
        if c.id == "range_80":
            lo, hi = RANGE_HEADERS[report.lang]
            out += [("lo_80", lo), ("hi_80", hi)]
        else:
            out.append((c.key, c.header(report.lang)))
    return out


def _put(ws, row: int, col: int, cell: Cell):
    target = ws.cell(row=row, column=col, value=cell.value)
    if cell.number_format and cell.value is not None and not isinstance(cell.value, str):
        target.number_format = cell.number_format
    return target


def _main_sheet(ws, report: Report) -> None:
    cols = _columns(report)
    thin = Side(style="thin", color="FFC8C8C8")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    title = ws.cell(row=1, column=1, value=report.title)  # the table handed in says what it is
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
    ws.row_dimensions[1].height = 24
    for j, (_, header) in enumerate(cols, start=1):
        c = ws.cell(row=HEAD_ROW, column=j, value=header)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor=HEADER_FILL)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
    for i, row in enumerate(report.rows, start=HEAD_ROW + 1):
        for j, (key, _) in enumerate(cols, start=1):
            c = _put(ws, i, j, row.cells[key])
            c.border = border
            if key == "category":
                c.fill = PatternFill("solid", fgColor=_argb(CATEGORY_COLOURS[row.category]))
                c.font = Font(color="FFFFFFFF")
                c.alignment = Alignment(horizontal="center")
            elif key in ("name", "region"):
                c.alignment = Alignment(wrap_text=True, vertical="top")
            elif key == "attribute" and row.binding:
                c.font = Font(bold=True, color="FFB2182B")
    for j, (key, header) in enumerate(cols, start=1):
        texts = [header] + [r.cells[key].text for r in report.rows]
        ws.column_dimensions[get_column_letter(j)].width = _width(texts, hi=36 if key == "name" else 22)
    ws.row_dimensions[HEAD_ROW].height = 30
    # 序号, 地区, name and the header stay in view
    ws.freeze_panes = f"{get_column_letter([k for k, _ in cols].index('name') + 2)}{HEAD_ROW + 1}"
    ws.auto_filter.ref = f"A{HEAD_ROW}:{get_column_letter(len(cols))}{len(report.rows) + HEAD_ROW}"
    _print_setup(ws, title_rows=f"1:{HEAD_ROW}")
    ws.oddHeader.center.text = property_text(report.title)  # Excel's header / footer hold 255 characters
    ws.oddFooter.center.text = property_text(report.subtitle)


def _text_rows(text: str, width_chars: float) -> int:
    return max(1, -(-display_width(text) // max(int(width_chars), 1)))


def _summary_sheet(ws, report: Report) -> None:
    ws["A1"] = report.title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = report.subtitle
    ws["A2"].font = Font(color="FF555555")
    ws["A4"] = report.overall
    ws.merge_cells("A4:E4")
    ws["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    widths = (16, 9, 9, 9, 70)
    for col, w in zip("ABCDE", widths):
        ws.column_dimensions[col].width = w
    ws.row_dimensions[4].height = 15 * (_text_rows(report.overall, sum(widths) * 0.95) + 1)
    for j, h in enumerate(SUMMARY_HEADERS[report.lang], start=1):
        c = ws.cell(row=6, column=j, value=h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor=HEADER_FILL)
    named = summary_groups(report)  # several regions: each indicator once, with its regions, a line each
    for i, s in enumerate(report.summary.itertuples(index=False), start=7):
        indicators = s.indicators if named is None else "\n".join(named[i - 7])
        c = ws.cell(row=i, column=1, value=s.label)
        c.fill = PatternFill("solid", fgColor=_argb(CATEGORY_COLOURS[s.category]))
        c.font = Font(color="FFFFFFFF")
        for j, v in enumerate((s.binding, s.expected, s.total), start=2):
            ws.cell(row=i, column=j, value=int(v))
        ws.cell(row=i, column=5, value=indicators or None).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = 15 * sum(_text_rows(line, 66) for line in indicators.split("\n"))
    last = 7 + len(report.summary)
    ws.cell(row=last, column=1, value=report.summary_total_label).font = Font(bold=True)
    for j, key in enumerate(("binding", "expected", "total"), start=2):
        ws.cell(row=last, column=j, value=int(report.summary[key].sum())).font = Font(bold=True)
    if report.problems:  # a 总结评估's 存在的问题, below the counts, one target a row
        at = last + 2
        ws.cell(row=at, column=1, value=report.sections()["problems"].split("、", 1)[-1].split(". ", 1)[-1]) \
            .font = Font(bold=True)
        for k, text in enumerate(report.problems, start=at + 1):
            ws.cell(row=k, column=1, value=f"{k - at}. {text}").alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(start_row=k, start_column=1, end_row=k, end_column=5)
            ws.row_dimensions[k].height = 15 * _text_rows(text, sum(widths) * 0.95)


def _region_sheet(ws, report: Report, table=None) -> None:
    """分地区汇总: one row per region, a count per category, 合计 last (numbers stored as numbers); or ``table``
    (header, rows) in the same layout (分指标汇总)."""
    head, body = table if table is not None else report.by_region_table()
    for j, h in enumerate(head, start=1):
        c = ws.cell(row=1, column=j, value=h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor=HEADER_FILL)
        c.alignment = Alignment(horizontal="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = _width([h] + [r[j - 1] for r in body], lo=9, hi=24)
    for i, cells in enumerate(body, start=2):
        ws.cell(row=i, column=1, value=cells[0])
        for j, v in enumerate(cells[1:], start=2):
            ws.cell(row=i, column=j, value=int(v))
        if i == len(body) + 1:
            for j in range(1, len(cells) + 1):
                ws.cell(row=i, column=j).font = Font(bold=True)
    ws.freeze_panes = "B2"


def _narrative_sheet(ws, report: Report) -> None:
    """逐项说明: 序号, name, 评价, narrative and the forecasting model of each target; a column empty for every row
    (预测模型 in a 总结评估 of observed target years: nothing forecast) is left out, not shown as a blank column."""
    zh = report.lang == "zh"
    head = ["序号", "指标名称", "评价", "说明", "预测模型"] if zh else \
        ["No.", "Indicator", "Assessment", "Narrative", "Forecasting model"]
    values = [[row.number, row.name, row.cells["category"].text, row.narrative,
               model_text(row) or None] for row in report.rows]
    keep = [j for j in range(len(head)) if any(v[j] not in (None, "") for v in values)] if values else \
        list(range(len(head)))
    widths = (6, 30, 14, 100, 22)
    for k, j in enumerate(keep, start=1):
        c = ws.cell(row=1, column=k, value=head[j])
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor=HEADER_FILL)
        ws.column_dimensions[get_column_letter(k)].width = widths[j]
    for i, (row, v) in enumerate(zip(report.rows, values), start=2):
        for k, j in enumerate(keep, start=1):
            c = ws.cell(row=i, column=k, value=v[j] if v[j] != "" else None)
            if j in (1, 3, 4):
                c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = 15 * _text_rows(row.narrative, 96)
    ws.freeze_panes = "A2"


def _charts_sheet(ws, report: Report, charts: ReportCharts) -> None:
    row, fans = 1, charts.fans
    for png in (charts.overview, *charts.matrix):
        if png is not None:
            img = Image(io.BytesIO(png))
            ws.add_image(img, f"A{row}")
            row += int(img.height / 20) + 2
    numbers = [r.number for r in report.rows if r.number in fans]
    for k in range(0, len(numbers), 2):
        heights = []
        for col, number in zip(("A", "L"), numbers[k:k + 2]):
            img = Image(io.BytesIO(fans[number]))
            ws.add_image(img, f"{col}{row}")
            heights.append(img.height)
        row += int(max(heights) / 20) + 2


def _frame_sheet(ws, frames: dict[str, pd.DataFrame], lang: str) -> None:
    r = 1
    for key, df in frames.items():
        ws.cell(row=r, column=1, value=unmatched_label(key, lang)).font = Font(bold=True)
        r += 1
        for j, col in enumerate(df.columns, start=1):
            ws.cell(row=r, column=j, value=str(col)).font = Font(bold=True)
        for rec in df.itertuples(index=False, name=None):
            r += 1
            for j, v in enumerate(rec, start=1):
                ws.cell(row=r, column=j, value=None if pd.isna(v) else (v.item() if hasattr(v, "item") else v))
        r += 2


def write_xlsx(report: Report, path, charts: ReportCharts) -> None:
    """Write the workbook to ``path`` (the caller makes the write atomic)."""
    names = SHEETS[report.lang]
    wb = Workbook()
    main = wb.active
    main.title = names[0]
    _main_sheet(main, report)
    _summary_sheet(wb.create_sheet(names[1]), report)
    if not report.by_region.empty:
        _region_sheet(wb.create_sheet(names[6]), report)
    by_indicator = by_indicator_table(report)
    if by_indicator[1]:
        _region_sheet(wb.create_sheet(names[7]), report, by_indicator)
    _narrative_sheet(wb.create_sheet(names[2]), report)
    if charts.overview is not None or charts.fans:
        _charts_sheet(wb.create_sheet(names[3]), report, charts)
    if report.unmatched:
        _frame_sheet(wb.create_sheet(names[4]), report.unmatched, report.lang)
    notes = wb.create_sheet(names[5])
    notes.column_dimensions["A"].width = 120
    for i, text in enumerate(report.notes, start=1):
        notes.cell(row=i, column=1, value=text).alignment = Alignment(wrap_text=True, vertical="top")
        notes.row_dimensions[i].height = 15 * _text_rows(text, 115)
    for ws in wb.worksheets:  # every sheet prints on A4 landscape, fitted to the width (the main one set above)
        if ws is not main:
            _print_setup(ws, title_rows="1:1" if ws.title in (names[2], names[6], names[7]) else None)
    wb.properties.title = property_text(report.title)
    wb.properties.subject = property_text(report.subtitle)
    wb.properties.creator = wb.properties.lastModifiedBy = "mstarget"
    wb.properties.language = "zh-CN" if report.lang == "zh" else "en-US"
    wb.properties.created = report_datetime(report.date)  # the report's date, as the Word document's
    save_workbook(wb, path)  # text cells stay text (no formula injection); one write
