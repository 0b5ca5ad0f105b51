"""``mstarget report``: an assessment as a report to hand in (HTML page, Excel workbook, Word document)."""
from __future__ import annotations

import argparse
import warnings

from ..assess import assess_detailed
from ..exceptions import MstargetWarning, ParameterError, UnmatchedWarning
from ..progress import Progress
from ..report import REPORT_TYPES, check_report_paths, write_report
from ..report.model import apply_evaluation_year, stale_data, years_text
from .. import tracking
from . import common
from .calibrate import say_options_used


def register(sub) -> None:
    p = sub.add_parser("report", help="evaluation report as .html, .xlsx and/or .docx",
                       description="Assess a plan and write an evaluation report: title, "
                                   "overall paragraph, summary by category, the main table, a "
                                   "narrative and a fan chart per target, an overview chart. The title "
                                   "says what the report is, from the share of the plan period elapsed "
                                   "at the evaluation year: 中期评估 (30-70%: 2022 or 2023 of a "
                                   "2020-2025 plan), 总结评估 (every target year past), 基期（2025年）情况 "
                                   "(a plan whose period has not started: data up to its base year), else "
                                   "that year's 年度监测 (2026年度监测). Give --out several times for several "
                                   "formats.")
    common.add_assessment_inputs(p)
    p.add_argument("--out", required=True, action="append",
                   help="report file: .html, .xlsx or .docx (repeat for several)")
    p.add_argument("--title", default=None,
                   help="the plan's title, e.g. 《肇庆市鼎湖区市场监管现代化“十四五”规划》 (default: the "
                        "plan table's own title, else the region); the report's title adds what the report "
                        "is (中期评估 / 总结评估 / 2026年度监测). A title that names it itself (…评估, …评价, "
                        "…监测) is used as given: --title 《…“十五五”规划》主要指标中期评估")
    p.add_argument("--lang", choices=("zh", "en"), default=None,
                   help="language of the report (default: Chinese when the plan's names are Chinese)")
    p.add_argument("--max-charts", type=int, default=40,
                   help="at most this many fan charts: binding targets plus the most at risk "
                        "(default 40; 0: none; the overview chart always covers every target)")
    common.add_reference_flag(p)
    common.add_calibration_flag(p)
    common.add_engine_flags(p)
    common.add_tracking_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    common.check_as_of(args)  # a year, before any work
    if args.max_charts < 0:
        raise ParameterError(f"--max-charts {args.max_charts}: expected a number of fan charts >= 0 (0: none; "
                             "the overview chart always covers every target).")
    for out in args.out:  # refuse a bad file type before any work is done
        common.check_out_type(out, REPORT_TYPES, what="a report", shown=(".html", ".xlsx", ".docx"))
    paths = check_report_paths(args.out)
    for p in paths:  # writable, and none of them an input
        common.check_output_path(str(p), flag="--out", inputs=[("--plan", args.plan),
                                                              ("--history", args.history)])
    settings = common.tracking_settings(args)
    with common.tracking_process(settings) as logger:  # MLflow loads meanwhile, on the other core
        return _run(args, paths, settings, logger)


#: up to this many plan rows the report keeps every row's light details (its observed series, the peers its
#: forecast pooled, its fan quantiles: ~4 KB a row, 20 MB at most), charted or not, so that the table (one
#: column per year, 2021年 … 2025年) and the model named (区域汇合趋势外推) never depend on --max-charts; beyond it
#: (a national run of 100,000 targets) only the charted rows keep them (``assess_detailed``'s ``max_details``),
#: and the table shows 最新年 / 最新值 whatever --max-charts says
FULL_DETAIL_ROWS = 5000


def detail_limit(n_rows: int, max_charts: int) -> int | None:
    """``assess_detailed``'s ``max_details`` for a report of ``n_rows`` targets: ``None`` (every row's details
    kept) up to :data:`FULL_DETAIL_ROWS`, else ``max_charts`` (only the charted rows' details)."""
    return None if n_rows <= FULL_DETAIL_ROWS else max_charts


def _run(args: argparse.Namespace, paths, settings, logger) -> int:
    engine = common.engine_of(args, "report")
    prog = Progress(True)
    plan, history, reference, calibration, code = common.read_plan_inputs(args, prog, "report")
    if code is not None:
        return code
    common.inputs_accepted(logger)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedWarning)  # printed above
        table, details = assess_detailed(history, plan, as_of=args.as_of, model=args.model,
                                         seed=args.seed, progress=prog, backend=engine, reference=reference,
                                         calibration=calibration,
                                         max_details=detail_limit(len(plan), args.max_charts))
    engine.release()  # the computing is done: local workers stopped before the report is drawn
    report = write_report(table, details, paths, title=args.title, plan=plan, lang=args.lang, as_of=args.as_of,
                          max_charts=args.max_charts, progress=prog)  # a step each: build, charts, every file
    for p in paths:
        common.echo(f"report written: {p}")
    say_options_used(table, args.calibration, reference)  # what --calibration / --reference changed, as assess says
    stale = stale_data([r.raw for r in report.rows], report.as_of) if report.final else None
    if stale is not None:  # a 总结评估 on data ending before every target year: said, not only in the page
        missing = years_text(range(stale + 1, report.as_of + 1), "zh")
        warnings.warn(f"目标年已过，数据仅至{stale}年，请补报{missing}数据 (every target year is over at the report "
                      f"date: the report is the 总结评估 as of {report.as_of}, but the history ends in {stale}; the "
                      f"targets without their target year's figure are 数据不足, their forecasts only to be confirmed"
                      f"{'' if args.as_of is not None else f' -- give --as-of {stale} for a view as of the data'})",
                      MstargetWarning, stacklevel=1)
    params, inputs = tracking.assessment_params(  # assess's parameters, and the report's own
        plan=args.plan, history=args.history, plan_frame=plan, history_frame=history, table=table,
        reference=args.reference, reference_frame=reference, calibration=common.calibration_arg(args),
        model=args.model, as_of=args.as_of, seed=args.seed, backend=engine, lang=args.lang or "auto",
        title=args.title, max_charts=args.max_charts) if settings.enabled else ({}, {})
    tracked = table  # the run says what the report says: without --as-of, the table as of the report's evaluation
    if args.as_of is None and settings.enabled:  # year (the 总结评估 as of 2025 on data to 2022), as assess logs it
        tracked = table.copy()
        evaluated = apply_evaluation_year(tracked)
        if evaluated is not None:
            params["as_of"] = evaluated
    run_id = common.log_run(logger, "log_assessment", tracked, params, settings, inputs=inputs,
                            command="report", files=[str(p) for p in paths])
    if run_id is not None:
        common.echo(f"MLflow run {run_id} logged to {settings.store_uri()}")
    return common.EXIT_OK
