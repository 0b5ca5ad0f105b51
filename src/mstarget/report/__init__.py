"""Reports and charts of an assessment: one report model, three renderings.

* :mod:`.model` -- :func:`build_report`: the assessment as a :class:`Report` (title, rows in display
  order with every figure formatted once, narrative, summary by category, unmatched rows).
* :mod:`.formatting` -- the one number formatting used by tables and narrative alike.
* :mod:`.narrative` -- a paragraph per target and an overall paragraph, in Chinese or English.
* :mod:`.charts` -- fan charts per target or in a grid, the overview chart.
* :func:`backtest_chart` / :func:`reliability_chart` -- calibration charts of a backtest (defined in
  :mod:`mstarget.reliability_charts`, beside the tables they draw, so that ``BacktestResult.plot`` needs no report).
* :mod:`.html`, :mod:`.xlsx`, :mod:`.docx` -- the renderings; :func:`write_report` writes any of them.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import re
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..arguments import check_int, check_year
from ..exceptions import ParameterError
from ..io import atomic_path
from ..output_set import outputs_together
from ..plotting import save_figure
from ..progress import Progress
from ..reliability_charts import backtest_chart, reliability_chart
from .charts import fan_chart, figure_png, overview_chart, region_matrix_pages, report_charts, target_chart
from .html import render_html
from .model import COLUMNS, Report, ReportRow, build_report

REPORT_TYPES = (".html", ".htm", ".xlsx", ".docx")

__all__ = ["fan_chart", "target_chart", "overview_chart", "figure_png", "save_figure", "backtest_chart",
           "reliability_chart", "build_report", "Report", "ReportRow", "COLUMNS", "write_report",
           "REPORT_TYPES", "check_report_paths"]


def check_report_paths(paths: Sequence) -> list[Path]:
    """The report files as paths; :class:`ParameterError` for a type that cannot be written."""
    out = [Path(p) for p in paths]
    if not out:
        raise ParameterError("no report file given: name one ending in .html, .xlsx or .docx.")
    bad = [str(p) for p in out if p.suffix.lower() not in REPORT_TYPES]
    if bad:
        raise ParameterError(f"cannot write a report to {', '.join(repr(b) for b in bad)}: use a file name "
                             f"ending in .html, .xlsx or .docx.")
    return out


def write_report(table, details, path, *, title: str | None = None, plan=None, lang: str | None = None,
                 as_of: int | None = None, date=None, max_charts: int | None = 40, progress=False) -> Report:
    """Write an assessment report to one or several files: ``.html`` (self-contained page),
    ``.xlsx`` (workbook) and / or ``.docx`` (Word), all from the same :class:`Report`.

    Parameters
    ----------
    table, details
        The two results of ``mt.assess_detailed(history, plan)``
        (:func:`mstarget.assess.assess_detailed`; ``details`` may be ``None``: no fan charts).
    path : str or Path, or a sequence of them
        Output file(s); the extension chooses the format. All are written to temporary names
        first and renamed into place together (:func:`mstarget.output_set.outputs_together`): a failure
        or an interruption leaves no half-written file and no new report beside an old one --
        every earlier file stays as it was.
    title, plan, lang, as_of, date, max_charts
        See :func:`build_report`.
    progress : bool or mstarget.progress.Progress
        Say each step on standard error -- building the report (how many targets), drawing the charts (how
        many pages), writing each file -- as ``mstarget report`` does: a report of thousands of targets takes
        a minute or more. Default False: silent.

    Returns
    -------
    Report
        The model that was rendered.
    """
    _check_assessment(table)
    as_of = _report_year(as_of)
    _check_date(date)
    check_int(max_charts, "max_charts", "write_report", 0, optional=True)
    paths = check_report_paths([path] if isinstance(path, (str, Path)) else list(path))
    prog = Progress.of(progress)
    with prog.step(f"building the report ({len(table)} targets)"):
        report = build_report(table, details, title=title, plan=plan, lang=lang, as_of=as_of, date=date,
                              max_charts=max_charts, source=paths[0].stem)
    with prog.step(f"drawing the charts ({_charts_said(report)})"):
        charts = report_charts(report)
    with outputs_together():  # every file, or none: never a new page beside an old workbook
        for p in paths:
            with prog.step(f"writing {p.name}"):
                _write_one(report, charts, p)
    return report


def _charts_said(report: Report) -> str:
    """The charts :func:`report_charts` draws, for a progress line: ``overview, 36 region-matrix pages, 40 fan
    charts``."""
    pages = region_matrix_pages(report) if report.rows else 0
    parts = (["overview"] if report.rows and report.overview_drawn else []) \
        + ([f"{pages} region-matrix page{'s' if pages != 1 else ''}"] if pages else []) \
        + [f"{len(report.charted)} fan chart{'s' if len(report.charted) != 1 else ''}"]
    return ", ".join(parts)


#: columns only an assessment table has (a forecast table or a plan has neither)
ASSESSMENT_COLUMNS = ("p_meet", "status")


def _check_assessment(table) -> None:
    """``table`` must be what ``mt.assess`` / ``mt.assess_detailed`` returned."""
    if not isinstance(table, pd.DataFrame):
        raise ParameterError.invalid("table", "write_report", "the table of mt.assess / mt.assess_detailed "
                                     "(a pandas DataFrame)", type(table).__name__)
    missing = [c for c in ASSESSMENT_COLUMNS if c not in table.columns]
    if missing:
        kind = ("a forecast table" if {"mean", "year"} <= set(table.columns)
                else "a plan table" if "target" in table.columns else "not an assessment")
        raise ParameterError(
            f"write_report needs an assessment: the table given is {kind} (no {', '.join(missing)} column). "
            f"Run mt.assess first: table, details = mt.assess_detailed(history, plan), then "
            f"mt.report.write_report(table, details, 'report.html').")


def _report_year(as_of):
    """The evaluation year: an int, or a year written as text (``"2024"``, ``"2024年"``) read as it."""
    if as_of is None or (isinstance(as_of, (int, np.integer)) and not isinstance(as_of, (bool, np.bool_))):
        check_year(as_of, "as_of", "write_report", optional=True)
        return None if as_of is None else int(as_of)
    if isinstance(as_of, str):
        m = re.fullmatch(r"\s*(\d{4})\s*年?\s*", as_of)
        if m:
            return _report_year(int(m.group(1)))
    raise ParameterError.invalid("as_of", "write_report", "a year such as 2024 (or \"2024年\"), or None", as_of)


def _check_date(date) -> None:
    """The report date: a ``datetime.date`` or text ``"YYYY-MM-DD"`` (``"2026年12月6日"`` kept as written)."""
    if date is None or isinstance(date, _dt.date):
        return
    if isinstance(date, str):
        text = date.strip()
        with contextlib.suppress(ValueError):
            _dt.date.fromisoformat(text)
            return
        m = re.fullmatch(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?", text)
        if m:
            with contextlib.suppress(ValueError):
                _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
                return
    raise ParameterError.invalid("date", "write_report", "a date: datetime.date or text \"YYYY-MM-DD\" "
                                 "(e.g. \"2026-12-06\" or \"2026年12月6日\"), or None", date)


def _write_one(report: Report, charts, p: Path) -> None:
    """Render ``report`` to ``p`` by its extension, through :func:`atomic_path`."""
    ext = p.suffix.lower()
    with atomic_path(p) as tmp:
        if ext == ".xlsx":
            from .xlsx import write_xlsx  # lazy: openpyxl, only when a workbook is written

            write_xlsx(report, tmp, charts)
        elif ext == ".docx":
            from .docx import write_docx  # lazy: python-docx, only when a document is written

            write_docx(report, tmp, charts)
        else:
            Path(tmp).write_text(render_html(report, charts), encoding="utf-8")
