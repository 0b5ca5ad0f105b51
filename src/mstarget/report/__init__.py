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

from pathlib import Path
from typing import Sequence

from ..exceptions import ParameterError
from ..io import atomic_path
from ..output_set import outputs_together
from ..plotting import save_figure
from ..reliability_charts import backtest_chart, reliability_chart
from .charts import fan_chart, figure_png, overview_chart, report_charts, target_chart
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
                 as_of: int | None = None, date=None, max_charts: int | None = 40) -> Report:
    """Write an assessment report to one or several files: ``.html`` (self-contained page),
    ``.xlsx`` (workbook) and / or ``.docx`` (Word), all from the same :class:`Report`.

    Parameters
    ----------
    table, details
        The two results of :func:`mstarget.assess.assess_detailed` (``details`` may be ``None``:
        no fan charts).
    path : str or Path, or a sequence of them
        Output file(s); the extension chooses the format. All are written to temporary names
        first and renamed into place together (:func:`mstarget.output_set.outputs_together`): a failure
        or an interruption leaves no half-written file and no new report beside an old one --
        every earlier file stays as it was.
    title, plan, lang, as_of, date, max_charts
        See :func:`build_report`.

    Returns
    -------
    Report
        The model that was rendered.
    """
    paths = check_report_paths([path] if isinstance(path, (str, Path)) else list(path))
    report = build_report(table, details, title=title, plan=plan, lang=lang, as_of=as_of, date=date,
                          max_charts=max_charts, source=paths[0].stem)
    charts = report_charts(report)
    with outputs_together():  # every file, or none: never a new page beside an old workbook
        for p in paths:
            _write_one(report, charts, p)
    return report


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
