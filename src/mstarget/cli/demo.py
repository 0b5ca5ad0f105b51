"""``mstarget demo``: the main job on shipped real data (what ``make demo`` runs).

1. Shows the Dinghu district "十四五" market-regulation plan as parsed from its own notation.
2. Assesses the national targets from the national history up to 2022 (a mid-term view),
   draws fan charts, and logs one MLflow run to the embedded default store (``mlflow.db``).
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..plan import read_plan
from . import assess as assess_cmd
from . import common


def data_dir() -> Path:
    """The project's ``data/`` folder: ``$MSTARGET_DATA_DIR``, ``./data``, or next to the sources."""
    env = os.environ.get("MSTARGET_DATA_DIR")
    for cand in ([Path(env)] if env else []) + [Path("data"), Path(__file__).resolve().parents[3] / "data"]:
        if (cand / "china" / "national_targets.csv").exists():
            return cand
    raise FileNotFoundError("cannot find the shipped data/ folder; run from the repository root "
                            "or set MSTARGET_DATA_DIR")


def register(sub) -> None:
    p = sub.add_parser("demo", help="run the main job on the shipped real data",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out-dir", default="out/demo", help="where to write tables and charts (default out/demo)")
    p.add_argument("--as-of", type=int, default=2022, help="mid-term view: history up to this year")
    common.add_tracking_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    d = data_dir()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)

    common.echo("== 1. The Dinghu district 14th five-year plan, parsed from its own notation ==")
    common.echo(f"   ({d / 'dinghu_14th_fyp_plan.csv'}: 〔x〕 cumulative, 〈x〉 increment, ≥x minimum)\n")
    plan = read_plan(d / "dinghu_14th_fyp_plan.csv")
    shown = plan[["name", "unit", "baseline_year", "baseline", "target_year", "target", "direction",
                  "kind", "attribute"]]
    common.echo(common.format_table(shown, floatfmt="{:g}"))  # the plan's figures as written: 16.22, not 16.2

    common.echo(f"\n== 2. National targets, assessed from national history up to {args.as_of} ==\n")
    argv = ["assess", "--plan", str(d / "china" / "national_targets.csv"),
            "--history", str(d / "china" / "national_history.csv"), "--as-of", str(args.as_of),
            "--out", str(out / "national_assessment.csv"), "--chart", str(out / "national_fan_chart.png")]
    argv += ["--no-track"] if args.no_track else []
    argv += ["--tracking-uri", args.tracking_uri] if args.tracking_uri else []
    argv += ["--experiment", args.experiment] if args.experiment else []
    ns = _assess_parser().parse_args(argv)  # every assess option at its default, as the CLI gives it
    code = assess_cmd.run(ns)
    common.echo(f"fan charts: {ns.chart}")
    return code


def _assess_parser() -> argparse.ArgumentParser:
    """A parser with only the ``assess`` subcommand, so the demo runs it exactly as typed."""
    parser = argparse.ArgumentParser(prog="mstarget")
    assess_cmd.register(parser.add_subparsers(dest="command"))
    return parser
