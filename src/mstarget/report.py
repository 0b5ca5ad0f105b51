"""Charts and reports: fan charts of forecast vs target (one panel per plan row), calibration
charts of a backtest (interval coverage per horizon, reliability of ``p_meet``), and assessment
reports as HTML or XLSX.

Uses matplotlib's Agg backend (no screen needed). Chinese names are drawn with a CJK font when
one is installed (WenQuanYi Micro Hei, Noto Sans CJK, SimHei...); without one, panels fall back
to the indicator id so no box glyphs appear.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd

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
                else row["status"], transform=ax.transAxes, va="top", fontsize=8, color=colour)
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
# calibration charts: are the intervals and p_meet honest?
# --------------------------------------------------------------------------------------------

MODEL_COLOURS = ("#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#d6616b", "#8c6d31")


def _share_with_bars(ax, x, share, lo, hi, colour: str, label: str) -> None:
    """Observed shares as points joined by a line, with their (Wilson) interval as bars."""
    y = np.asarray(share, dtype=float)
    err = np.vstack([y - np.asarray(lo, dtype=float), np.asarray(hi, dtype=float) - y])
    err = np.clip(err, 0, None)  # Wilson bounds can miss 0 / 1 by a rounding error
    ax.errorbar(np.asarray(x, dtype=float), y, yerr=err, fmt="o-", color=colour, ms=4, lw=1,
                capsize=2, label=label)


def reliability_chart(calls, *, by: str | None = "model", ax=None, title: str | None = None):
    """Reliability diagram: ``p_meet`` (binned) against the share of targets actually met.

    Parameters
    ----------
    calls : DataFrame
        One row per call with ``p_meet`` (0-1) and ``met`` (bool), e.g.
        :attr:`mstarget.backtest.BacktestResult.calls`; ``by`` names a column splitting the calls
        into one line each (``None``: one line).
    ax : matplotlib Axes, optional
        Draw into this axes; otherwise a new figure is made.

    Returns
    -------
    matplotlib.figure.Figure
        Points at (mean ``p_meet``, observed share) per bin of
        :data:`mstarget.reliability.RELIABILITY_BINS`, with 95 % Wilson bars and the number of
        calls; the diagonal is perfect calibration.
    """
    from .exceptions import ParameterError
    from .reliability import reliability_table

    needed = {"p_meet", "met"} | ({by} if by is not None else set())
    if not needed <= set(calls.columns):
        raise ParameterError(f"reliability_chart needs a table of calls with columns "
                             f"{sorted(needed)}; missing {sorted(needed - set(calls.columns))}.")
    plt = pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.4, 4.2))
    fig = ax.figure
    groups = [(None, calls)] if by is None else list(calls.groupby(by, sort=False))
    ax.plot([0, 1], [0, 1], color="#999999", lw=0.8, ls="--", label="perfect calibration")
    offsets = np.linspace(-0.012, 0.012, len(groups)) if len(groups) > 1 else [0.0]
    for (label, g), colour, dx in zip(groups, MODEL_COLOURS * 3, offsets):
        t = reliability_table(g["p_meet"], g["met"].astype(float))
        t = t[t["n"] > 0]
        x = t["mean_p_meet"].to_numpy() + dx
        y = t["observed_met"].to_numpy()
        _share_with_bars(ax, x, y, t["observed_lo"], t["observed_hi"], colour,
                         f"{label} ({len(g)} calls)" if label is not None else f"{len(g)} calls")
        for xi, yi, ni in zip(x, y, t["n"]):
            ax.annotate(str(ni), (xi, yi), textcoords="offset points", xytext=(4, -9), fontsize=6,
                        color=colour)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("p_meet (mean in bin)", fontsize=8)
    ax.set_ylabel("share of targets met", fontsize=8)
    ax.set_title(title or "Reliability of p_meet", fontsize=9)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="upper left")
    return fig


def backtest_chart(result, *, title: str | None = None):
    """Calibration chart of a backtest: interval coverage per horizon, and ``p_meet`` reliability.

    Parameters
    ----------
    result : :class:`mstarget.backtest.BacktestResult`

    Returns
    -------
    matplotlib.figure.Figure
        Panel 1 / 2: observed coverage of the 80 % / 95 % intervals per model and horizon (95 %
        Wilson bars; the dashed line is the nominal level). Panel 3, when the backtest scored a
        plan: the reliability diagram of the attainment calls (:func:`reliability_chart`).
    """
    from matplotlib.ticker import MaxNLocator

    plt = pyplot()
    cov = result.coverage_by_horizon()
    calls = result.calls
    has_calls = calls is not None and len(calls) > 0
    ncols = 3 if has_calls else 2
    fig, axes = plt.subplots(1, ncols, figsize=(4.4 * ncols, 4.0), squeeze=False)
    models = list(pd.unique(cov["model"])) if len(cov) else []
    for ax, level in zip(axes[0], ("80", "95")):
        ax.axhline(int(level) / 100, color="#999999", lw=0.8, ls="--", label=f"nominal {level} %")
        offsets = np.linspace(-0.12, 0.12, len(models)) if len(models) > 1 else [0.0]
        for m, colour, dx in zip(models, MODEL_COLOURS * 3, offsets):
            c = cov[cov["model"] == m]
            _share_with_bars(ax, c["h"].to_numpy() + dx, c[f"coverage_{level}"],
                             c[f"coverage_{level}_lo"], c[f"coverage_{level}_hi"], colour,
                             f"{m} (n={int(c['n'].sum())})")
        if not models:
            ax.text(0.5, 0.5, "no forecasts scored", ha="center", va="center", transform=ax.transAxes)
        lows = cov[f"coverage_{level}_lo"].dropna().tolist() if len(cov) else []
        ax.set_ylim(max(0.0, min([int(level) / 100 - 0.3] + lows) - 0.02), 1.02)
        ax.set_xlabel("years ahead (h)", fontsize=8)
        ax.set_ylabel("share of outcomes inside the interval", fontsize=8)
        ax.set_title(f"{level} % interval coverage", fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7, loc="lower left")
    if has_calls:
        reliability_chart(calls, by="model", ax=axes[0][2], title="Reliability of p_meet (attainment calls)")
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95) if title else None)
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
    from pathlib import Path

    from .exceptions import DataValidationError, Problem
    from .io import atomic_path

    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".html", ".htm", ".xlsx"):
        raise DataValidationError([Problem(str(p), None, None, None,
                                           "a report is written as .html or .xlsx")], source=str(p))
    fig = fan_chart(details, title=f"as of {as_of if as_of is not None else 'latest'}")
    png = _figure_png(fig)
    pyplot().close(fig)
    shown = _report_table(table)
    with atomic_path(p) as tmp:
        if ext == ".xlsx":
            _write_xlsx(shown, png, tmp, title)
        else:
            Path(tmp).write_text(_html(shown, png, title, as_of), encoding="utf-8")


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

    from .io import save_workbook

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
    save_workbook(wb, path)  # text cells stay text (no formula injection); one write
