"""``mstarget forecast``: probabilistic forecasts of every series in a history table."""
from __future__ import annotations

import argparse

from .. import tracking
from ..forecast import forecast
from ..history import read_history
from ..io import write_table
from ..tracking.forecaster import register_name_problem
from . import common
from .calibrate import say_options_used


def register(sub) -> None:
    p = sub.add_parser("forecast", help="forecast every series of a history table",
                       description="Forecast each (region, indicator) series with intervals.")
    p.add_argument("--history", required=True, help="history table (region, indicator, year, value)")
    common.add_region_flag(p)
    p.add_argument("--horizon", type=int, default=3, help="years ahead (default 3)")
    p.add_argument("--model", default="auto", help="model name or spec file (default: auto)")
    p.add_argument("--levels", default="80,95", help="interval levels in %% (default 80,95)")
    p.add_argument("--as-of", type=int, default=None,
                   help="use only history up to this year (1900-2099; default: all of it)")
    p.add_argument("--seed", type=int, default=0)
    common.add_reference_flag(p)
    common.add_calibration_flag(p)
    p.add_argument("--register", default=None, metavar="NAME",
                   help="also register the logged forecaster (an MLflow pyfunc model) in the "
                        "MLflow model registry under NAME")
    common.add_engine_flags(p)
    common.add_out_flag(p)
    common.add_tracking_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = common.tracking_settings(args)
    if args.register and not settings.enabled:
        common.error("error: --register needs tracking; drop --no-track (or unset MSTARGET_NO_TRACK)")
        return common.EXIT_BAD_INPUT
    problem = register_name_problem(args.register)  # a name MLflow refuses: said before any work, not after it
    if problem is not None:
        common.error(f"error: {problem}")
        return common.EXIT_BAD_INPUT
    common.check_as_of(args)
    common.check_outputs(args, "history")
    with common.tracking_process(settings) as logger:  # MLflow loads meanwhile, on the other core
        return _run(args, settings, logger)


def _run(args: argparse.Namespace, settings, logger) -> int:
    engine = common.engine_of(args, "forecast")
    history = read_history(args.history, region=args.region)
    common.warn_unused_region(args.region, history)
    try:  # numbers in %: forecast() refuses fractions such as 0.8 with a hint
        levels = tuple(float(x) if "." in x else int(x) for x in args.levels.split(",") if x.strip())
    except ValueError:
        common.error(f"error: --levels must be comma-separated percentages such as 80,95; got {args.levels!r}")
        return common.EXIT_BAD_INPUT
    common.require_observations(history, args.history)  # an empty table: said, not "(no rows)"
    common.check_as_of_observed(history, args.history, args.as_of)
    reference = read_history(args.reference) if args.reference else None
    common.require_observations(reference, args.reference, flag="--reference", doing="lend peers from",
                                advice=" (leave out --reference to forecast without peers)")
    calibration = common.calibration_of(args)
    common.inputs_accepted(logger)
    table = forecast(history, horizon=args.horizon, model=args.model, levels=levels, seed=args.seed,
                     as_of=args.as_of, progress=True, backend=engine, reference=reference,
                     calibration=calibration)
    engine.release()  # the computing is done: local workers stopped before the outputs
    if args.out:
        write_table(table, args.out)
    common.echo(common.format_table(table))
    say_options_used(table, args.calibration, reference)  # what --calibration / --reference changed
    if args.out:
        common.echo(f"written: {args.out}")
    params, inputs = tracking.forecast_params(  # the parameters mt.forecast(track=True) logs
        history=args.history, history_frame=history, model=args.model, horizon=args.horizon,
        levels=levels, seed=args.seed, as_of=args.as_of, reference=args.reference,
        reference_frame=reference, calibration=args.calibration or "default", backend=engine,
        register=args.register) if settings.enabled else ({}, {})
    # metrics, forecast.csv, and the forecaster as a pyfunc model (same as the API)
    run_id, model_uri = common.log_run(logger, "log_forecast", table, params, settings, inputs=inputs,
                                       register_name=args.register, return_model_uri=True)
    if run_id is not None:
        common.echo(f"MLflow run {run_id} logged to {settings.store_uri()}")
        common.echo(f"forecaster model: {model_uri}  (mlflow.pyfunc.load_model(uri).predict(history))")
    return common.EXIT_OK
