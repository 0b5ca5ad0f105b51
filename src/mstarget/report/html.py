"""The report as one self-contained HTML page: CSS inline, charts embedded as base64 PNG.

Sections (Chinese report; English headings in an English one): 一、总体情况 (overall paragraph),
二、分类汇总 (counts by category and attribute; per region too when the report covers several), 三、主要指标评估表 (the table; it scrolls inside its
box on a narrow screen, the page never does), 四、总览图, 五、逐项评估 (per target: narrative and fan
chart), 六、未匹配的数据 (only when the assessment carries unmatched rows), 说明 (definitions).
Table cells carry ``data-col`` and rows ``data-row`` (the 序号), so a script can read figures back.

A report of several regions adds a 目录 (links to the sections and to each region's targets), a 分指标汇总
(regions per indicator and category / outlook), names its 分类汇总 lists once per indicator with their regions
(食品抽检合格率（11个地区：…）) and groups 五、逐项评估 by region (a heading per region, ``id="region-k"``).
Printed, a heading never ends a page (``break-after: avoid``) and a table's header row repeats on every page.
"""
from __future__ import annotations

import base64
import html

import pandas as pd

from .._version import __version__
from .charts import ReportCharts, chart_alt
from .narrative import BY_INDICATOR_CAPTION, region_count, summary_groups
from .model import (
    by_indicator_table,
    BY_REGION_CAPTION,
    CATEGORY_COLOURS,
    MATRIX_CAPTION,
    SUMMARY_HEADERS,
    Report,
    chart_cut,
    model_line,
    unmatched_label,
)

CSS = """
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",
"PingFang SC","SimHei",sans-serif;color:#222;margin:0;background:#fff;line-height:1.6}
main{max-width:1240px;margin:0 auto;padding:24px 28px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #3182bd;padding-bottom:3px;margin-top:30px}
h3{font-size:16px;margin:18px 0 4px}h4{font-size:15px;margin:16px 0 4px}.meta{color:#555;margin:0 0 10px}
h3.region{font-size:17px;border-left:4px solid #3182bd;padding-left:8px;margin-top:26px}
nav.toc{font-size:14px;margin:14px 0 6px;padding:8px 14px;border:1px solid #dde6ef;background:#f7fafc}
nav.toc ol{margin:2px 0;padding-left:1em;list-style:none}nav.toc ol.regions{padding:0;margin:4px 0 2px;list-style:none}
nav.toc ol.regions li{display:inline-block;margin:0 12px 2px 0}nav.toc a{color:#1f5f99;text-decoration:none}
h2,h3,h4{break-after:avoid;page-break-after:avoid}thead{display:table-header-group}
p.narrative{font-size:15px;margin:4px 0 8px;text-indent:2em}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #c8c8c8;padding:4px 5px}
th{background:#eef3f8;font-weight:bold;min-width:2.6em}td{text-align:right;white-space:nowrap}
td.text{text-align:left;white-space:normal;min-width:9em}td.wrap{white-space:normal;text-align:left}
table.main{font-size:12px}table.main th,table.main td{padding:3px 4px}table.main th{min-width:0;font-size:11.5px}
table.main td.text{min-width:7em;max-width:14em}table.main td.wrap{min-width:4em;max-width:7.5em}
p.model{font-size:12px;color:#666;margin:0 0 8px 2em}
tr.binding td:first-child{border-left:3px solid #b2182b}
.scroll{overflow-x:auto;max-width:100%}
.chip{display:inline-block;color:#fff;border-radius:9px;padding:0 9px;font-size:13px;font-weight:normal;margin-left:8px}
.copy{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
figure{margin:6px 0 14px}img.chart{max-width:100%;height:auto;display:block;border:1px solid #eee;box-sizing:border-box}
figcaption{font-size:12px;color:#666}ol.notes{font-size:13px;color:#444}ol.problems{font-size:15px}
p.caption,h3.caption{font-size:14px;font-weight:bold;text-align:center;margin:10px 0 4px}
footer{margin-top:30px;color:#888;font-size:12px}
@page{size:A4 landscape;margin:12mm}
@media print{.scroll{overflow:visible}main{max-width:none;padding:0}article.target{break-inside:avoid}
h2,h3,h4{break-after:avoid;page-break-after:avoid}h2+*,h3+*{break-before:avoid}
thead{display:table-header-group}tr,figure{break-inside:avoid;page-break-inside:avoid}
table.main{font-size:9pt}table.main th{font-size:8.5pt}table.main th,table.main td{padding:2px 3px}}
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _img(png: bytes, alt: str, cls: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="chart {cls}" alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _chip(category: str, label: str, brackets: tuple[str, str] = ("", "")) -> str:
    """A coloured label. ``brackets`` are written around it unseen (class ``copy``), so that a heading copied
    from the page reads ``1. 食品抽检合格率（快于预期）``, not ``食品抽检合格率快于预期``."""
    left, right = (f'<span class="copy">{_e(b)}</span>' if b else "" for b in brackets)
    return f'{left}<span class="chip" style="background:{CATEGORY_COLOURS[category]}">{_e(label)}</span>{right}'


def summary_table(report: Report) -> str:
    """分类汇总: counts by category and attribute with the targets named; for several regions named once per
    indicator with their regions, a line each (:func:`~.narrative.summary_groups`)."""
    head = SUMMARY_HEADERS[report.lang]
    groups = summary_groups(report)
    out = ["<table class=\"summary\"><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for i, s in enumerate(report.summary.itertuples(index=False)):
        names = _e(s.indicators) if groups is None else "<br>".join(_e(g) for g in groups[i])
        out.append(f'<tr data-category="{_e(s.category)}"><td class="text">{_chip(s.category, s.label)}</td>'
                   f"<td>{s.binding}</td><td>{s.expected}</td><td>{s.total}</td>"
                   f'<td class="wrap">{names}</td></tr>')
    total = report.summary[["binding", "expected", "total"]].sum()
    out.append(f'<tr><td class="text"><b>{_e(report.summary_total_label)}</b></td><td>{total["binding"]}</td>'
               f'<td>{total["expected"]}</td><td>{total["total"]}</td><td></td></tr></tbody></table>')
    return "".join(out)


def region_table(report: Report) -> str:
    """分地区汇总: targets per region and category (empty for a report of one region)."""
    head, body = report.by_region_table()
    if not body:
        return ""
    anchors = {region: k for k, (region, _) in enumerate(region_groups(report), start=1)}
    out = [f'<h3 class="caption">{_e(report.table_captions().get("by_region", BY_REGION_CAPTION[report.lang]))}</h3>'
           '<table class="by-region"><thead><tr>'
           + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for i, cells in enumerate(body):
        last = i == len(body) - 1
        first = f"<b>{_e(cells[0])}</b>" if last else _e(cells[0])
        attr = "" if last else f' data-region="{_e(cells[0])}"'
        if cells[0] in anchors:  # the region's name leads to its targets in 五、逐项评估
            first = f'<a href="#region-{anchors[cells[0]]}">{first}</a>'
        out.append(f'<tr{attr}><td class="text">{first}</td>' + "".join(f"<td>{c}</td>" for c in cells[1:]) + "</tr>")
    return "".join(out) + "</tbody></table>"


def indicator_table(report: Report) -> str:
    """分指标汇总: regions per indicator and category / outlook (empty for a report of one region)."""
    head, body = by_indicator_table(report)
    if not body:
        return ""
    out = [f'<h3 class="caption">{_e(report.table_captions().get("by_indicator", BY_INDICATOR_CAPTION[report.lang]))}'
           '</h3><table class="by-indicator"><thead><tr>'
           + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for i, cells in enumerate(body):
        first = f"<b>{_e(cells[0])}</b>" if i == len(body) - 1 else _e(cells[0])
        out.append(f'<tr><td class="text">{first}</td>' + "".join(f"<td>{c}</td>" for c in cells[1:]) + "</tr>")
    return "".join(out) + "</tbody></table>"


def region_groups(report: Report) -> list[tuple[str, list]]:
    """The rows 五、逐项评估 describes (:attr:`~.model.Report.described_rows`) by region (first appearance order, 序号
    order within), for 五、逐项评估 of several regions."""
    groups: dict[str, list] = {}
    for row in report.described_rows:
        region = row.raw.get("region")
        groups.setdefault("" if region is None else str(region), []).append(row)
    return list(groups.items())


def contents(report: Report, sections: list[tuple[str, str]]) -> str:
    """目录 of a report of several regions: the sections, and under 逐项评估 a link to each region's targets."""
    zh = report.lang == "zh"
    items = []
    for anchor, heading in sections:
        sub = ""
        if anchor == "targets":
            sub = '<ol class="regions">' + "".join(
                f'<li><a href="#region-{k}">{_e(region)}</a></li>'
                for k, (region, _) in enumerate(region_groups(report), start=1)) + "</ol>"
        items.append(f'<li><a href="#{anchor}">{_e(heading)}</a>{sub}</li>')
    return f'<nav class="toc"><b>{"目录" if zh else "Contents"}</b><ol>' + "".join(items) + "</ol></nav>"


def _target(report: Report, row, fans: dict, tag: str) -> list[str]:
    zh = report.lang == "zh"
    parts = [f'<article class="target" id="t{row.number}" data-row="{row.number}">'
             f"<{tag}>{row.number}. {_e(row.name)}"
             f"{_chip(row.category, row.cells['category'].text, ('（', '）') if zh else (' (', ')'))}</{tag}>"
             f'<p class="narrative" data-row="{row.number}">{_e(row.narrative)}</p>']
    if model_line(row):
        parts.append(f'<p class="model">{_e(model_line(row))}</p>')
    png = fans.get(row.number)
    if png is not None:
        parts.append(f"<figure>{_img(png, chart_alt(row, report.lang), 'fan')}</figure>")
    elif fans and chart_cut(report, row):  # left out by the cap; a row with nothing to draw: no （图略）
        parts.append(f'<p class="meta">{"（图略）" if zh else "(chart omitted)"}</p>')
    parts.append("</article>")
    return parts


def main_table(report: Report) -> str:
    cols = report.columns()
    out = ['<table class="main"><thead><tr>' + "".join(f'<th data-col="{c.id}">{_e(c.header(report.lang))}</th>'
                                                        for c in cols) + "</tr></thead><tbody>"]
    for row in report.rows:
        cells = []
        for c in cols:
            cell = row.cells[c.key]
            if c.id == "category":
                cells.append(f'<td data-col="category" style="background:{CATEGORY_COLOURS[row.category]};'
                             f'color:#fff;text-align:center">{_e(cell.text)}</td>')
            else:
                cls = ' class="text"' if c.id in ("name", "region") else \
                    (' class="wrap"' if c.id in ("unit", "outlook") else "")
                cells.append(f'<td data-col="{c.id}"{cls}>{_e(cell.text)}</td>')
        cls = ' class="binding"' if row.binding else ""
        out.append(f'<tr data-row="{row.number}"{cls}>' + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _frame_table(df: pd.DataFrame, limit: int = 200) -> str:
    shown = df.head(limit)
    head = "".join(f"<th>{_e(c)}</th>" for c in shown.columns)
    body = "".join("<tr>" + "".join(f'<td class="wrap">{_e("" if pd.isna(v) else v)}</td>' for v in r) + "</tr>"
                   for r in shown.itertuples(index=False, name=None))
    more = f"<p>… {len(df) - limit}</p>" if len(df) > limit else ""
    return f'<div class="scroll"><table class="unmatched"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{more}'


def render_html(report: Report, charts: ReportCharts) -> str:
    """The page as a string.

    Parameters
    ----------
    report : Report
    charts : ReportCharts
        PNGs of the overview chart, the region matrix (several regions) and the fan chart per 序号
        (rows without one say why).
    """
    overview, fans = charts.overview, charts.fans
    zh = report.lang == "zh"
    sec = report.sections(overview=overview is not None)  # numbered as the page has them
    h = [sec.get(k, "") for k in ("overall", "summary", "table", "overview", "targets", "unmatched", "notes")]
    caps = report.table_captions()
    parts = [f'<!doctype html><html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8">'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">'
             f"<title>{_e(report.title)}</title><style>{CSS}</style></head><body><main>",
             f"<header><h1>{_e(report.title)}</h1><p class=\"meta\">{_e(report.subtitle)}</p></header>",
             "",  # the 目录 of a report of several regions, filled in below
             f'<section id="overall"><h2>{h[0]}</h2><p class="narrative overall">{_e(report.overall)}</p></section>',
             f'<section id="summary"><h2>{h[1]}</h2><p class="caption">{_e(caps["summary"])}</p>'
             f'<div class="scroll">{summary_table(report)}{region_table(report)}{indicator_table(report)}</div></section>',
             f'<section id="table"><h2>{h[2]}</h2><p class="caption">{_e(caps["main"])}</p>'
             f'<div class="scroll">{main_table(report)}</div></section>']
    if report.problems:  # 存在的问题 (中期评估: behind and binding at risk; 总结评估: missed, data missing), from the figures
        parts.append(f'<section id="problems"><h2>{_e(sec["problems"])}</h2><ol class="problems">'
                     + "".join(f"<li>{_e(p)}</li>" for p in report.problems) + "</ol></section>")
    if overview is not None:
        cap = report.overview_caption
        matrix = "".join(f'<figure>{_img(png, MATRIX_CAPTION[report.lang], "matrix")}'
                         f"<figcaption>{_e(MATRIX_CAPTION[report.lang])}</figcaption></figure>"
                         for png in charts.matrix)
        parts.append(f'<section id="overview"><h2>{h[3]}</h2><figure>'
                     f'{_img(overview, h[3], "overview")}<figcaption>{_e(cap)}</figcaption></figure>{matrix}</section>')
    parts.append(f'<section id="targets"><h2>{h[4]}</h2>')
    if report.described_note:  # a province's 2,744 targets: the rows a reader needs, and where the others are
        parts.append(f'<p class="narrative described-note">{_e(report.described_note)}</p>')
    if report.several_regions:  # a heading per region, its targets under it
        for k, (region, rows) in enumerate(region_groups(report), start=1):
            count = region_count(report, region, len(rows))
            parts.append(f'<h3 class="region" id="region-{k}">{_e(region)}{count}</h3>')
            for row in rows:
                parts += _target(report, row, fans, "h4")
    else:
        for row in report.described_rows:
            parts += _target(report, row, fans, "h3")
    parts.append("</section>")
    if report.unmatched:
        parts.append(f'<section id="unmatched"><h2>{h[5]}</h2>')
        for key, df in report.unmatched.items():
            title = unmatched_label(key, report.lang)
            parts.append(f"<h3>{_e(title)}（{len(df)}）</h3>" if zh else f"<h3>{_e(title)} ({len(df)})</h3>")
            parts.append(_frame_table(df))
        parts.append("</section>")
    if report.next_steps:  # a heading and a placeholder for the analyst: no advice is generated
        parts.append(f'<section id="next-steps"><h2>{_e(sec["next_steps"])}</h2>'
                     f'<p class="narrative">{_e(report.next_steps)}</p></section>')
    parts.append(f'<section id="notes"><h2>{h[6]}</h2><ol class="notes">'
                 + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ol></section>")
    if report.several_regions:
        sections = [("overall", h[0]), ("summary", h[1]), ("table", h[2])] + \
            ([("problems", sec["problems"])] if report.problems else []) + \
            ([("overview", h[3])] if overview is not None else []) + [("targets", h[4])] + \
            ([("unmatched", h[5])] if report.unmatched else []) + \
            ([("next-steps", sec["next_steps"])] if report.next_steps else []) + [("notes", h[6])]
        parts[2] = contents(report, sections)
    # the tool's version for whoever maintains it (a comment), not in the text a Chinese reader is handed
    parts.append(f"<!-- mstarget {__version__} --><footer>{_e(report.date)}</footer></main></body></html>")
    return "".join(parts)
