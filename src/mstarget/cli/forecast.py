"""``mstarget forecast``: probabilistic forecasts of every series in a history table."""
from __future__ import annotations

import argparse

from .. import tracking
from ..forecast import forecast
from ..history import read_history
from ..io import write_table
from . import common


def register(sub) -> None:
    p = sub.add_parser("forecast", help="forecast every series of a history table",
                       description="Forecast each (region, indicator) series with intervals.")
    p.add_argument("--history", required=True, help="history table (region, indicator, year, value)")
    p.add_argument("--horizon", type=int, default=3, help="years ahead (default 3)")
    p.add_argument("--model", default="auto", help="model name or spec file (default: auto)")
    p.add_argument("--levels", default="80,95", help="interval levels in %% (default 80,95)")
    p.add_argument("--as-of", type=int, default=None, help="use only history up to this year")
    p.add_argument("--seed", type=int, default=0)
    common.add_out_flag(p)
    common.add_tracking_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    history = read_history(args.history)
    try:
        levels = tuple(int(x) for x in args.levels.split(",") if x.strip())
    except ValueError:
        common.error(f"error: --levels must be comma-separated integers such as 80,95; got {args.levels!r}")
        return common.EXIT_BAD_INPUT
    table = forecast(history, horizon=args.horizon, model=args.model, levels=levels, seed=args.seed,
                     as_of=args.as_of, progress=True)
    if args.out:
        write_table(table, args.out)
    common.echo(common.format_table(table))
    if args.out:
        common.echo(f"written: {args.out}")
    params = {"command": "forecast", "model": args.model, "horizon": args.horizon, "as_of": args.as_of,
              "seed": args.seed, "levels": levels, "history": args.history,
              "data_fingerprint": tracking.data_fingerprint(history), **tracking.package_versions()}
    with tracking.start_run("forecast", common.tracking_settings(args), params=params) as run:
        if run is not None:
            run.log_metrics({"n_series": table[["region", "indicator"]].drop_duplicates().shape[0],
                             "n_rows": len(table)})
            run.log_table(table, "forecast.csv")
            common.echo(f"MLflow run {run.run_id} logged to {run.uri}")
    return common.EXIT_OK
