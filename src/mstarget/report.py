"""Charts: fan charts of forecast vs target (one panel per plan row).

Uses matplotlib's Agg backend (no screen needed). Chinese names are drawn with a CJK font when
one is installed (WenQuanYi Micro Hei, Noto Sans CJK, SimHei...); without one, panels fall back
to the indicator id so no box glyphs appear.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from .plotting import cjk_font, pyplot, save_figure  # noqa: F401  (save_figure re-exported)

STATUS_COLOURS = {"met": "#1a9850", "on_track": "#91cf60", "at_risk": "#fc8d59",
                  "off_track": "#d73027", "no_data": "#999999"}


def _label(name: str | None, indicator: str, has_cjk: bool) -> str:
    if name and (has_cjk or name.isascii()):
        return name
    return indicator


def fan_chart(assessments: Sequence, *, title: str | None = None, ncols: int = 3):
    """Fan charts of history, forecast (median, 50 % / 80 % / 95 % bands) and target.

    Parameters
    ----------
    assessments : sequence of :class:`mstarget.assess.TargetAssessment`
        From :func:`mstarget.assess.assess_detailed`; rows without data are drawn as empty
        panels saying so.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.ticker import MaxNLocator

    plt = pyplot()
    font = cjk_font()
    n = max(len(assessments), 1)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.1 * nrows), squeeze=False)
    for ax, a in zip(axes.flat, assessments):
        row, sf = a.row, a.series
        ax.set_title(_label(row.get("name"), row["indicator"], font is not None), fontsize=9)
        colour = STATUS_COLOURS.get(row["status"], "#333333")
        if sf is None:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
            continue
        ax.plot(sf.years, sf.values, "o-", color="#333333", ms=3, lw=1.2, label="observed")
        if sf.paths.shape[1]:
            x = np.concatenate([[sf.last_year], sf.future_years])
            for lo, hi, alpha in ((2.5, 97.5, 0.15), (10, 90, 0.25), (25, 75, 0.35)):
                q = np.percentile(sf.paths, [lo, hi], axis=0)
                ax.fill_between(x, np.r_[sf.last_value, q[0]], np.r_[sf.last_value, q[1]],
                                color="#3182bd", alpha=alpha, lw=0)
            ax.plot(x, np.r_[sf.last_value, np.median(sf.paths, axis=0)], color="#3182bd", lw=1.2,
                    label="forecast")
        if row["kind"] != "increment":
            ax.axhline(row["target"], color=colour, ls="--", lw=1)
            ax.plot([row["target_year"]], [row["target"]], marker="*", color=colour, ms=10)
        ax.text(0.02, 0.96, f"{row['status']}  p={row['p_meet']:.2f}" if row["p_meet"] == row["p_meet"]
                else row["status"], transform=ax.transAxes, va="top", fontsize=8, color=colour,
)
        if row["kind"] == "increment":
            ax.text(0.02, 0.84, f"flows; target: sum {row['direction']} {row['target']:g}",
                    transform=ax.transAxes, va="top", fontsize=7)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in list(axes.flat)[len(assessments):]:
        ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97) if title else None)
    return fig


# --------------------------------------------------------------------------------------------
# reports: one self-contained HTML page, or an Excel workbook, per assessment
# --------------------------------------------------------------------------------------------

STATUS_LABELS = {"met": "已实现 met", "on_track": "进展顺利 on track", "at_risk": "存在风险 at risk",
                 "off_track": "难以实现 off track", "no_data": "无数据 no data"}
REPORT_COLUMNS = ["attribute", "name", "unit", "target_year", "direction", "target", "last_year",
                  "last_value", "forecast", "lo_80", "hi_80", "p_meet", "status", "required_pace",
                  "observed_pace", "model"]


def _report_table(table):
    t = table.copy()
    order = {"binding": 0, "expected": 1}
    t = t.assign(_a=t["attribute"].map(order).fillna(2)).sort_values("_a", kind="stable")
    t["attribute"] = t["attribute"].map({"binding": "约束性", "expected": "预期性"}).fillna("")
    return t[[c for c in REPORT_COLUMNS if c in t.columns]].reset_index(drop=True)


def _figure_png(fig) -> bytes:
    import io

    from .plotting import quiet_glyphs

    buf = io.BytesIO()
    with quiet_glyphs():
        fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def write_report(table, details, path, *, title: str = "Plan target assessment", as_of=None) -> None:
    """Write an assessment report: ``.html`` (one self-contained page) or ``.xlsx`` (a workbook).

    Both hold the status counts, the table (binding indicators first, rows coloured by status)
    and the fan charts. The file is written to a temporary name and renamed into place.

    Parameters
    ----------
    table, details
        The two results of :func:`mstarget.assess.assess_detailed`.
    path : str or Path
        Output file; its extension chooses the format.
    """
    import os
    import tempfile
    from pathlib import Path

    from .exceptions import DataValidationError, Problem

    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".html", ".htm", ".xlsx"):
        raise DataValidationError([Problem(str(p), None, None, None,
                                           "a report is written as .html or .xlsx")], source=str(p))
    fig = fan_chart(details, title=f"as of {as_of if as_of is not None else 'latest'}")
    png = _figure_png(fig)
    pyplot().close(fig)
    shown = _report_table(table)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=ext, dir=p.parent)
    os.close(fd)
    try:
        if ext == ".xlsx":
            _write_xlsx(shown, png, tmp, title)
        else:
            Path(tmp).write_text(_html(shown, png, title, as_of), encoding="utf-8")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _counts(shown) -> dict:
    return {k: int((shown["status"] == k).sum()) for k in STATUS_LABELS}


def _fmt(v) -> str:
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return "–"
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def _html(shown, png: bytes, title: str, as_of) -> str:
    import base64
    import html

    counts = _counts(shown)
    chips = " ".join(f'<span class="chip" style="background:{STATUS_COLOURS[k]}">{html.escape(STATUS_LABELS[k])}: '
                     f"{n}</span>" for k, n in counts.items())
    head = "".join(f"<th>{html.escape(c)}</th>" for c in shown.columns)
    rows = []
    for r in shown.itertuples(index=False):
        d = r._asdict()
        cells = []
        for c, v in d.items():
            text = f"{v:.2f}" if c == "p_meet" and isinstance(v, float) and v == v else _fmt(v)
            style = f' style="background:{STATUS_COLOURS[v]};color:white"' if c == "status" else ""
            cells.append(f"<td{style}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    img = base64.b64encode(png).decode()
    return f"""<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:"Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:2em;color:#222}}
table{{border-collapse:collapse;font-size:13px}}td,th{{border:1px solid #ccc;padding:3px 7px;text-align:right}}
td:nth-child(2),th:nth-child(2){{text-align:left}}th{{background:#f0f0f0}}
.chip{{color:white;padding:2px 8px;border-radius:8px;margin-right:6px;font-size:13px}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>As of {html.escape(str(as_of) if as_of is not None else "the latest observation")}. p_meet: probability (0–1)
that the target is met in its target year, from calibrated forecast sample paths; forecast is the median, lo_80 /
hi_80 the 80 % interval. on track: p ≥ 0.7; at risk: 0.3 ≤ p &lt; 0.7; off track: p &lt; 0.3.</p>
<p>{chips}</p>
<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>
<h2>Fan charts</h2><img alt="fan charts of forecast against target" src="data:image/png;base64,{img}" style="max-width:100%">
<p style="color:#777;font-size:12px">Generated by mstarget.</p></body></html>"""


def _cell_value(v):
    """A value openpyxl can store: missing -> empty cell, numpy scalars -> Python numbers."""
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def _write_xlsx(shown, png: bytes, path, title: str) -> None:
    import io

    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "assessment"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"{STATUS_LABELS[k]}: {n}" for k, n in _counts(shown).items()])
    ws.append([])
    ws.append(list(shown.columns))
    for cell in ws[4]:
        cell.font = Font(bold=True)
    status_col = list(shown.columns).index("status") + 1
    for r in shown.itertuples(index=False):
        ws.append([_cell_value(v) for v in r])
        cell = ws.cell(row=ws.max_row, column=status_col)
        cell.fill = PatternFill("solid", fgColor="FF" + STATUS_COLOURS.get(cell.value, "#999999").lstrip("#").upper())
        cell.font = Font(color="FFFFFF")
    for col, width in zip("ABCDEFGHIJKLMNOP", (8, 34, 10, 11, 9, 9, 9, 10, 10, 9, 9, 8, 10, 12, 12, 14)):
        ws.column_dimensions[col].width = width
    charts = wb.create_sheet("fan charts")
    charts.add_image(Image(io.BytesIO(png)), "A1")
    wb.save(path)
