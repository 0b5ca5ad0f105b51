"""``mstarget backtest``: rolling-origin comparison of one or several models."""
from __future__ import annotations

import argparse
import re
import warnings
from pathlib import Path

import pandas as pd

from ..arguments import YEAR_MAX, YEAR_MIN
from ..backtest import (MAX_HORIZON, MAX_ORIGINS, MAX_SHARE_FALLBACK, MIN_CALLS_BASE, OUTLIER_SCALED, backtest,
                        choose_best, horizons_text, model_list, outlier_lines, scored_horizons)
from ..exceptions import MstargetWarning, ParameterError
from ..forecast import DEFAULT_PATHS
from ..history import read_history
from ..plan import read_plan
from ..io import write_table
from ..output_set import outputs_together
from ..plotting import pyplot, save_figure
from .. import tracking
from . import common
from .calibrate import say_options_used


def register(sub) -> None:
    p = sub.add_parser("backtest", help="rolling-origin backtest of forecasting models",
                       description="Forecast from past origins and score against what happened: "
                                   "sMAPE, MASE, 80/95 % coverage, MSIS, CRPS; with --plan also "
                                   "the Brier score and accuracy of attainment calls.")
    p.add_argument("--history", required=True, help="history table (region, indicator, year, value)")
    common.add_region_flag(p)
    p.add_argument("--models", default="auto", help="comma-separated model names or spec files "
                                                   "(default: auto)")
    p.add_argument("--horizon", type=int, default=2, help="years ahead from each origin (default 2)")
    p.add_argument("--origins", default="3", help="number of origins (the last N years), or "
                                                  "comma-separated cut-off years (default 3)")
    p.add_argument("--plan", default=None, help="plan table: also score attainment calls")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--paths", type=int, default=DEFAULT_PATHS,
                   help=f"sample paths per series (default {DEFAULT_PATHS}, as for forecasts)")
    common.add_reference_flag(p)  # the peers as known at each origin
    common.add_calibration_flag(p)  # used by the intervals and, with --plan, by the p_meet of the calls
    common.add_engine_flags(p)
    common.add_out_flag(p)
    common.add_chart_flag(p, "the calibration chart (coverage per horizon; p_meet reliability with --plan)")
    common.add_tracking_flags(p)
    p.set_defaults(func=run)


def _parse_origins(text: str):
    """``--origins``: a count (one number below 1000) or cut-off years, each in the years a table
    may hold; anything else is refused (ParameterError) before any work -- a mistyped year
    (``--origins 1800``) would otherwise backtest nothing and print an empty table."""
    expected = (f"--origins {text}: expected a number of origins (e.g. 3) or comma-separated cut-off years "
                f"in {YEAR_MIN}-{YEAR_MAX} (e.g. 2019,2020,2021)")
    try:
        nums = [int(t.strip()) for t in str(text).split(",") if t.strip()]
    except ValueError:
        raise ParameterError(expected + ".") from None
    if len(nums) == 1 and nums[0] < 1000:
        if not 1 <= nums[0] <= MAX_ORIGINS:
            raise ParameterError(f"--origins {text}: expected a number of origins from 1 to {MAX_ORIGINS} (the last N "
                                 f"years before the history's last one; default 3) or comma-separated cut-off years in "
                                 f"{YEAR_MIN}-{YEAR_MAX} (e.g. 2019,2020,2021).")
        return nums[0]
    bad = [n for n in nums if not YEAR_MIN <= n <= YEAR_MAX]
    if not nums or bad:
        raise ParameterError(expected + (f"; {bad[0]} is not such a year." if bad else "."))
    return nums


def _check_horizon(horizon: int) -> None:
    """``--horizon``: 1 to :data:`MAX_HORIZON` years, refused (ParameterError naming the flag) before any work --
    not after the tables are read, in the words of the library's ``horizon`` parameter."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise ParameterError(f"--horizon {horizon}: expected the years ahead scored from each origin, a whole number "
                             f"from 1 to {MAX_HORIZON} (default 2); the history must hold years that far after an "
                             f"origin for a horizon to be scored（预测年距应为1—{MAX_HORIZON}年）.")


def _parse_models(text: str) -> list[str]:
    """``--models``: the comma-separated names or spec files, each resolved before any work (an unknown name, a bad
    spec file or a repeat refused: :func:`mstarget.backtest.model_list`); none at all (``--models ,``) is refused,
    naming the flag, rather than backtesting nothing."""
    models = [m.strip() for m in str(text).split(",") if m.strip()]
    if not models:
        raise ParameterError(f"--models {text!r} names no model: give one or more model names or spec files, "
                             "comma-separated, e.g. --models ensemble,theta,drift (default auto)（未指定模型）.")
    model_list(models)  # each resolved: a typo or a bad spec file refused before the tables are read
    return models


def run(args: argparse.Namespace) -> int:
    _parse_origins(args.origins)  # before any work
    _check_horizon(args.horizon)
    _parse_models(args.models)
    if not 10 <= args.paths <= 1_000_000:  # the library's message names forecast's n_paths, not the flag
        raise ParameterError(f"--paths {args.paths}: expected a number of sample paths per series from 10 to "
                             f"1000000 (default {DEFAULT_PATHS}).")
    details_out = None
    extra = ()
    if args.out:
        details_out = beside(args.out, "details")
        extra = tuple((f"--out ({part})", beside(args.out, part)) for part in BESIDE_OUT if part != "details"
                      and (args.plan or part == "coverage_by_horizon"))
    common.check_outputs(args, "history", "plan", "reference", "calibration",
                         extra=((("--out (details)", details_out), *extra) if details_out else ()))
    settings = common.tracking_settings(args)
    with common.tracking_process(settings) as logger:  # MLflow loads meanwhile, on the other core
        return _run(args, details_out, settings, logger)


#: the tables written next to ``--out`` (``bt.csv`` -> ``bt_details.csv``, ...); the last two with --plan only
BESIDE_OUT = ("details", "coverage_by_horizon", "calls", "reliability")


def beside(out: str, part: str) -> str:
    """The file written next to ``--out`` for ``part`` (``bt.csv`` -> ``bt_calls.csv``)."""
    path = Path(out)
    return str(path.with_name(f"{path.stem}_{part}{path.suffix}"))


def legend(res, horizon: int) -> str:
    """What the summary's columns are, in a few lines: it pools the horizons scored (those of the details, which
    may stop short of ``horizon``: a warning then says which were not, and the origins that would score them)
    and the origins; the units."""
    origins = ", ".join(str(o) for o in res.origins)
    scored = scored_horizons(getattr(res, "details", None))
    horizons = horizons_text(scored) if scored else ("horizon 1" if horizon == 1 else f"horizons 1-{horizon}")
    short = f" (of --horizon {horizon}: see the warning)" if scored and max(scored) < horizon else ""
    text = (f"pooled over {horizons}{short} and origins {origins} (coverage per horizon below); smape in %; "
            "mase, msis and crps_scaled divided by each series' in-sample mean absolute yearly change "
            "(1 = as large as a typical year's change); n_forecasts, share_fallback, smape and the coverages count "
            "every forecast, mase, msis, crps_scaled and crps_scaled_gmean only the n_scaled ones with such a change "
            "(a series of 2+ points up to the origin that moved; share_fallback_scaled: the fallbacks among them); "
            "crps_scaled is their plain mean, crps_scaled_gmean the geometric mean over series of each series' "
            f"crps_scaled, held within {1 / OUTLIER_SCALED:g} to {OUTLIER_SCALED:g} (n_outliers: series above "
            f"{OUTLIER_SCALED:g}) -- the lowest crps_scaled_gmean is the best model")
    if res.calls is not None and len(res.calls):
        text += ("; brier: of the attainment calls' p_meet, brier_base: of a constant (the share met), lower is "
                 "better; ece: expected calibration error of p_meet, 10 equal bins (as mstarget calibrate's check); "
                 f"brier_base and ece left blank with fewer than {MIN_CALLS_BASE} calls (brier is shown from any "
                 f"number: read it beside n_calls -- from fewer than {MIN_CALLS_BASE} it ranks nothing), brier_base "
                 "also when every call had the same outcome")
    return text + (".\n汇总为各预测年距与起点合并；smape 为百分比，mase/msis/crps_scaled 以序列历年平均绝对变化为单位；"
                   "crps_scaled_gmean 为各序列评分的几何平均（单个序列按0.01—100计），最低者为最佳模型。")


def fallback_notes(res) -> list[str]:
    """One line per model some of whose forecasts a fallback model made (``chosen`` ``fallback:<model>``:
    the series too short for it at that origin, or its fit failed): how many, by which model -- its
    scores are partly (or wholly) that model's; when its scaled scores count fewer forecasts (1-point series
    have no scale), how many of those were a fallback's, the share that decides whether it can be the best
    model (:func:`mstarget.backtest.ranked_share_fallback`) -- then the best model as the tracked run names it,
    then the outlier series (:func:`mstarget.backtest.outlier_lines`: each named, with its worst forecast)."""
    lines = []
    det = res.details
    for model, g in det.groupby("model", sort=False):
        chosen = g["chosen"].astype(str)
        fell = chosen.str.startswith("fallback:")
        if not fell.any():
            continue
        by = ", ".join(f"{name.split(':', 1)[1]} {n}" for name, n in chosen[fell].value_counts().items())
        share = fell.mean()
        scaled = pd.to_numeric(g["crps_scaled"], errors="coerce").notna()
        head = (f"note: {model}: {int(fell.sum())} of its {len(g)} forecasts ({share:.0%}, share_fallback) "
                f"{'was' if fell.sum() == 1 else 'were'} made by a fallback model ({by}: too few points up to the "
                f"origin for {model}, or its fit failed) -- ")
        if scaled.all() or not scaled.any():  # the scaled scores count the same forecasts (or none: ranked by smape)
            lines.append(head + _verdict("its scores", model, share))
            continue
        k, n = int(fell[scaled].sum()), int(scaled.sum())
        lines.append(head + _verdict("its smape and coverage", model, share, says_best=False)
                     + f"; of the {n} forecasts its scaled scores (mase, msis, crps_scaled, crps_scaled_gmean: what "
                     f"ranks the models) count, {k} ({k / n:.0%}, share_fallback_scaled) -- "
                     + _verdict("those", model, k / n))
    best = choose_best(res.summary)
    if len(res.summary) > 1 or best.passed_over:
        lines.append(best.words() + " -- the tracked run's best_model")
    return lines + outlier_lines(res.outliers())


def _verdict(what: str, model: str, share: float, says_best: bool = True) -> str:
    """``its scores are mostly another model's (never the best model)`` for a fallback share (0-1) of ``what``."""
    if share <= 0:
        return f"{what} are {model}'s own"
    words = (f"{what} are another model's, not {model}'s" if share >= 1 else
             f"{what} are mostly another model's" if share > MAX_SHARE_FALLBACK else
             f"{what} are partly another model's")
    return words + (" (never the best model)" if says_best and share > MAX_SHARE_FALLBACK else "")


#: a past origin's warning that a fallback model was used: ``...; used 'drift' instead``
_FALLBACK_WORDS = re.compile(r"used '[^']+' instead")


def summarise_warnings(res) -> None:
    """The warnings of the past origins' forecasts (kept on the result, not shown one by one): one
    warning per model, with how many there were, how many said a fallback model was used, and an
    example of each -- shown once, at the end, with the command's other warnings."""
    kept = res.warnings
    if kept is None or not len(kept):
        return
    for model, g in kept.groupby("model", sort=False):
        fell = g[g["message"].astype(str).str.contains(_FALLBACK_WORDS)]
        other = g.drop(fell.index)
        parts = []
        for part, words in ((fell, "said a fallback model was used"), (other, "other")):
            if len(part):
                first = part.iloc[0]
                at = f" at origin {int(first['origin'])}" if pd.notna(first["origin"]) else ""
                parts.append(f"{len(part)} {words} (e.g.{at}: {first['message']})")
        origins = sorted({int(o) for o in g["origin"].dropna()})
        warnings.warn(MstargetWarning(
            f"backtest of {model}: {len(g)} warning(s) from the forecasts of past origins "
            f"{', '.join(map(str, origins)) or '-'}: {'; '.join(parts)} (the details table's chosen column, --out, "
            "says which model made each forecast)"), stacklevel=2)


def _run(args: argparse.Namespace, details_out, settings, logger) -> int:
    engine = common.engine_of(args, "backtest")
    history = read_history(args.history, region=args.region)
    common.require_observations(history, args.history, doing="backtest")
    plan = read_plan(args.plan, region=args.region) if args.plan else None
    common.warn_unused_region(args.region, history, plan)  # --region names, it does not filter: said, as forecast does
    origins = _parse_origins(args.origins)
    reference = read_history(args.reference) if args.reference else None
    common.require_observations(reference, args.reference, flag="--reference", doing="lend peers from",
                                advice=" (leave out --reference to backtest without peers)")
    calibration = common.calibration_of(args)  # a bad file refused before any work
    common.inputs_accepted(logger)
    models = _parse_models(args.models)
    res = backtest(history, model=models, horizon=args.horizon, origins=origins, seed=args.seed,
                   n_paths=args.paths, plan=plan, backend=engine, progress=True, calibration=calibration,
                   reference=reference)
    engine.release()  # the computing is done: local workers stopped before the chart and files
    fig = None
    if args.chart or not args.no_track:  # drawn before anything is written
        fig = res.plot(title=f"backtest: {', '.join(models)}, horizon {args.horizon}")
    with outputs_together():  # chart, summary and details all new, or all as they were
        if args.chart:
            save_figure(fig, args.chart, dpi=110)
        if args.out:
            write_table(res.summary, args.out)
            write_table(res.details, details_out)
            write_table(res.coverage_by_horizon(), beside(args.out, "coverage_by_horizon"))
            if plan is not None:
                write_table(res.calls, beside(args.out, "calls"))
                write_table(res.reliability(), beside(args.out, "reliability"))
    common.echo(common.format_table(res.summary))
    common.echo(legend(res, args.horizon))
    for line in fallback_notes(res):
        common.echo(line)
    summarise_warnings(res)
    by_h = res.coverage_by_horizon()
    if len(by_h):
        common.echo("\ncoverage by horizon (各预测年距的区间覆盖率; 95 % Wilson interval in brackets):")
        shown = pd.DataFrame({"model": by_h["model"], "h": by_h["h"], "n": by_h["n"],
                              **{f"coverage_{lv}": [f"{c:.2f} [{lo:.2f}-{hi:.2f}]" for c, lo, hi in
                                                    zip(by_h[f"coverage_{lv}"], by_h[f"coverage_{lv}_lo"],
                                                        by_h[f"coverage_{lv}_hi"])] for lv in (80, 95)}})
        common.echo(common.format_table(shown))
    say_options_used(res, args.calibration, reference)  # what --calibration / --reference changed
    if args.out:
        parts = ["details", "coverage_by_horizon"] + (["calls", "reliability"] if plan is not None else [])
        common.echo(f"written: {args.out} ({'; '.join(f'{p}: {beside(args.out, p)}' for p in parts)})")
    if args.chart:
        common.echo(f"calibration chart: {args.chart}")
    params, inputs = tracking.backtest_params(  # the parameters mt.backtest(track=True) logs
        result=res, history=args.history, history_frame=history, horizon=args.horizon, plan=args.plan,
        plan_frame=plan, seed=args.seed, n_paths=args.paths, backend=engine,
        calibration=common.calibration_arg(args),
        **({"reference": args.reference} if args.reference else {})) if settings.enabled else ({}, {})
    try:
        run_id = common.log_run(logger, "log_backtest", res, params, settings, inputs=inputs, figure=fig)
    finally:
        if fig is not None:
            pyplot().close(fig)
    if run_id is not None:
        common.echo(f"MLflow run {run_id} (one child run per model) logged to {settings.store_uri()}")
    return common.EXIT_OK
