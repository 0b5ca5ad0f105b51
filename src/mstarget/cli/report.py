"""``mstarget report``: an assessment as a report to hand round (HTML page or Excel workbook)."""
from __future__ import annotations

import argparse

from .. import tracking
from ..assess import assess_detailed
from ..history import read_history
from ..plan import read_plan
from ..report import write_report
from . import common


def register(sub) -> None:
    p = sub.add_parser("report", help="assessment report as .html or .xlsx (tables and fan charts)",
                       description="Assess a plan and write a report: status counts, the table "
                                   "(binding indicators first, coloured by status) and fan charts.")
    common.add_assessment_inputs(p)
    p.add_argument("--title", default="规划主要指标评估 Plan target assessment")
    p.add_argument("--out", required=True, help="report file: .html or .xlsx")
    common.add_tracking_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.out.lower().endswith((".html", ".htm", ".xlsx")):
        common.error(f"error: --out must end in .html or .xlsx; got {args.out!r}")
        return common.EXIT_BAD_INPUT
    common.check_outputs(args, "plan", "history")
    plan = read_plan(args.plan)
    history = read_history(args.history) if args.history else None
    table, details = assess_detailed(history, plan, as_of=args.as_of, model=args.model,
                                     seed=args.seed, progress=True)
    write_report(table, details, args.out, title=args.title, as_of=args.as_of)
    common.echo(f"report written: {args.out}")
    settings = common.tracking_settings(args)
    params = {"model": args.model, "as_of": args.as_of, "seed": args.seed, "plan": args.plan,
              "history": args.history or ""}
    run_id = tracking.log_result("report", table, params, settings, metrics=tracking.assessment_metrics(table),
                                 artifact="assessment.csv", inputs=(plan, history), files=[args.out])
    if run_id is not None:
        common.echo(f"MLflow run {run_id} logged to {settings.store_uri()}")
    return common.EXIT_OK
