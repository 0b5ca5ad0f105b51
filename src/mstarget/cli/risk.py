"""``mstarget risk score | allocate | evaluate``: sampling-failure risk from the command line.

Examples::

    mstarget risk score --samples food_sampling_by_category.csv --by category --as-of 2022 \\
        --where region=全国 --out scores.csv --chart scores.png
    mstarget risk allocate --scores scores.csv --budget 20000 --min-per-group 50 --out plan.csv
    mstarget risk allocate --samples food_sampling_by_category.csv --by category --budget 20000
    mstarget risk evaluate --samples food_sampling_by_category.csv --by category --train-until 2019H2
    mstarget risk evaluate --records inspections.csv --outcome criticalFound \\
        --time Inspection_Date --test-from 2014-09-01 --exclude sanitarian_cluster
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from .. import risk as R
from ..exceptions import DataValidationError, ParameterError, Problem
from ..io import write_table
from ..tracking import data_fingerprint, package_versions, start_run
from ..risk import records as _records
from ..risk import samples as _samples
from ..risk.score import DEFAULT_HALF_LIFE, DEFAULT_LEVEL
from . import common


# ----------------------------------------------------------------------------- helpers
def _list(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _half_life(text: str) -> float | None:
    if text.strip().lower() in ("none", "inf", "off"):
        return None
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a number of years, or 'none'") from None
    if v <= 0:
        raise argparse.ArgumentTypeError("a positive number of years, or 'none'")
    return v


def _load_filtered(path: str, where: list[str]) -> pd.DataFrame:
    """Read a table and keep the rows matching every ``COL=VALUE`` filter."""
    df, src = _samples.load(path)
    problems = []
    for cond in where or []:
        if "=" not in cond:
            raise ParameterError(f"--where must look like COLUMN=VALUE (e.g. region=全国); got {cond!r}.")
        col, val = (s.strip() for s in cond.split("=", 1))
        if col not in df.columns:
            problems.append(Problem(src, None, col, None, "column named in --where is missing; the "
                                    "table has: " + ", ".join(map(str, df.columns))))
            continue
        df = df[df[col].astype(str).str.strip() == val]
    if problems:
        raise DataValidationError(problems, source=src)
    if df.empty:
        raise DataValidationError([Problem(src, None, None, None,
                                           f"no rows match --where {' '.join(where)}")], source=src)
    df.attrs["source"] = src
    return df.reset_index(drop=True)


def _add_samples_flags(p: argparse.ArgumentParser, required: bool,
                       by_default: str | None = "category") -> None:
    p.add_argument("--samples", required=required, help="sampling counts table (CSV/XLSX/Parquet): "
                   "period, group columns, tested, failed; or one row per batch with a 0/1 outcome")
    p.add_argument("--by", default=by_default,
                   help="group columns, comma-separated, outermost first (default: category)")
    p.add_argument("--as-of", default=None, help="use periods ending on or before this one "
                   "(2022, 2022H1, 2022Q3, 2022-07)")
    p.add_argument("--half-life", type=_half_life, default=DEFAULT_HALF_LIFE,
                   help="years after which a period's batches count half (default 2; 'none' = equal)")
    p.add_argument("--level", type=float, default=DEFAULT_LEVEL,
                   help="interval probability (default 0.90)")
    p.add_argument("--flat", action="store_true",
                   help="pool all groups toward one rate instead of along the --by hierarchy")
    p.add_argument("--where", action="append", default=[], metavar="COL=VALUE",
                   help="keep only rows where COL equals VALUE (repeatable), e.g. region=全国")


def _score_from_args(args) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = _load_filtered(args.samples, args.where)
    src = raw.attrs.get("source", args.samples)
    raw.attrs = {}
    by = _list(args.by or "category")
    try:
        scores = R.score(raw, by, as_of=args.as_of, half_life=args.half_life, level=args.level,
                         hierarchical=not args.flat)
    except DataValidationError as exc:  # name the file, not "<DataFrame>"
        raise DataValidationError([Problem(src if p.source == "<DataFrame>" else p.source, p.row,
                                           p.column, p.value, p.expected) for p in exc.problems],
                                  source=src) from None
    return raw, scores


def _display(df: pd.DataFrame, pct_cols=("rate", "risk", "risk_lo", "risk_hi")) -> pd.DataFrame:
    d = df.copy()
    for c in pct_cols:
        if c in d.columns:
            d[c] = d[c].map(lambda v: f"{100 * v:.2f}%" if pd.notna(v) else "-")
    return d


def _chart(scores: pd.DataFrame, path: str | None):
    from ..risk.plot import plot_risk, save_figure

    fig = plot_risk(scores)
    if path:
        save_figure(fig, path)
    return fig


def _log_figure(run, fig, name: str) -> None:
    from ..risk.plot import quiet_glyphs

    with quiet_glyphs():
        run.log_figure(fig, name)


# ----------------------------------------------------------------------------- score
def run_score(args) -> int:
    common.check_outputs(args, "samples")
    raw, scores = _score_from_args(args)
    fig = None
    if args.chart:  # drawn before anything is written
        fig = _chart(scores, args.chart)
    if args.out:
        write_table(scores, args.out)
    meta = scores.attrs["risk"]
    common.echo(f"Sampling-failure risk by {', '.join(meta['by'])} (periods {', '.join(meta['periods'])}; "
                f"{meta['level']:.0%} intervals; rank 1 = riskiest)")
    common.echo(common.format_table(_display(scores)))
    if args.out:
        common.echo(f"\nwritten: {args.out}")
    settings = common.tracking_settings(args)
    with start_run("risk score", settings, params={
            "command": "risk score", "samples": args.samples, "by": meta["by"],
            "as_of": meta["as_of"], "half_life": meta["half_life"], "level": meta["level"],
            "hierarchical": meta["hierarchical"], "where": args.where,
            "periods": meta["periods"], "data_fingerprint": data_fingerprint(raw),
            **package_versions()}) as run:
        if run is not None:
            prior0 = meta["priors"][0]
            run.log_metrics({"groups": len(scores), "tested": scores["tested"].sum(),
                             "failed": scores["failed"].sum(), "top_risk": scores["risk"].max(),
                             "prior_mean": prior0["mean"], "prior_concentration": prior0["concentration"]})
            run.log_table(scores, "risk_scores.csv")
            _log_figure(run, fig if fig is not None else _chart(scores, None), "risk_scores.png")
            common.echo(f"MLflow run: {run.run_id} ({run.uri})")
    return common.EXIT_OK


# ----------------------------------------------------------------------------- allocate
_NUMERIC_SCORE_COLS = ("tested", "failed", "rate", "risk", "risk_lo", "risk_hi", "rank")


def _read_scores(path: str) -> pd.DataFrame:
    df, src = _samples.load(path)
    if "risk" not in df.columns:
        raise DataValidationError([Problem(src, None, "risk", None,
                                           "column missing; --scores takes the output of "
                                           "'mstarget risk score --out'")], source=src)
    problems = []
    for c in _NUMERIC_SCORE_COLS:
        if c in df.columns:
            conv = pd.to_numeric(df[c], errors="coerce")
            for i in np.flatnonzero(conv.isna().to_numpy() & df[c].notna().to_numpy()):
                problems.append(Problem(src, int(i) + 2, c, str(df[c].iloc[i]), "a number"))
            df[c] = conv
    if problems:
        raise DataValidationError(problems, source=src)
    return df


def run_allocate(args) -> int:
    if bool(args.scores) == bool(args.samples):
        raise ParameterError("Give exactly one of --scores (a table from 'risk score') or "
                             "--samples (sampling counts, scored on the fly).")
    common.check_outputs(args, "scores", "samples")
    if args.scores:
        scores = _read_scores(args.scores)
        raw = scores
        by = _list(args.by) or None
    else:
        raw, scores = _score_from_args(args)
        by = scores.attrs["risk"]["by"]
    volume = None if str(args.volume).lower() in ("none", "inf") else args.volume
    plan = R.allocate(scores, args.budget, args.min_per_group, args.max_per_group, volume=volume, by=by)
    by = plan.attrs["allocation"]["by"]
    table = plan.merge(scores[by + ["risk"]], on=by, how="left")
    table = table[by + ["risk", "batches", "expected_failures"]]
    if args.out:
        write_table(table, args.out)
    total = float(plan["expected_failures"].sum())
    common.echo(f"Sampling plan: {args.budget} batches over {len(plan)} groups; expected unqualified "
                f"batches found: {total:.1f}")
    common.echo(common.format_table(_display(table.sort_values("batches", ascending=False))))
    if args.out:
        common.echo(f"\nwritten: {args.out}")
    settings = common.tracking_settings(args)
    with start_run("risk allocate", settings, params={
            "command": "risk allocate", "scores": args.scores, "samples": args.samples, "by": by,
            "budget": args.budget, "min_per_group": args.min_per_group,
            "max_per_group": args.max_per_group, "volume": args.volume,
            "data_fingerprint": data_fingerprint(raw), **package_versions()}) as run:
        if run is not None:
            run.log_metrics({"expected_failures": total, "groups": len(plan),
                             "groups_funded": int((plan["batches"] > 0).sum())})
            run.log_table(table, "risk_allocation.csv")
            if {"risk_lo", "risk_hi"} <= set(scores.columns):
                _log_figure(run, _chart(scores, None), "risk_scores.png")
            common.echo(f"MLflow run: {run.run_id} ({run.uri})")
    return common.EXIT_OK


# ----------------------------------------------------------------------------- evaluate
def run_evaluate(args) -> int:
    if bool(args.records) == bool(args.samples):
        raise ParameterError("Give exactly one of --samples (group counts, with --train-until) or "
                             "--records (one row per inspection, with --outcome and --test-from).")
    common.check_outputs(args, "samples", "records")
    if args.samples:
        if not args.train_until:
            raise ParameterError("--samples needs --train-until P: periods up to P are scored and the "
                                 "next period (or --test-period) is the test.")
        raw = _load_filtered(args.samples, args.where)
        raw.attrs = {}
        res = R.evaluate(raw, by=_list(args.by), train_until=args.train_until,
                         test_period=args.test_period, budget=args.budget,
                         half_life=args.half_life, level=args.level, hierarchical=not args.flat)
        params = {"mode": "groups", "samples": args.samples, "by": _list(args.by),
                  "train_until": args.train_until, "test_period": args.test_period,
                  "budget": args.budget, "half_life": args.half_life}
    else:
        if not (args.outcome and args.test_from):
            raise ParameterError("--records needs --outcome COLUMN and --test-from DATE "
                                 "(rows from that date on are the test period).")
        raw, src = _samples.load(args.records)
        time = args.time
        if not time or time not in raw.columns:
            raise DataValidationError([Problem(src, None, time or "--time", None,
                                               "a date column given with --time")], source=src)
        dates = pd.to_datetime(raw[time], errors="coerce", format="mixed")
        cut = pd.Timestamp(args.test_from)
        train, test = raw[dates < cut], raw[dates >= cut]
        if train.empty or test.empty:
            raise DataValidationError([Problem(src, None, time, None,
                                               f"rows before and from --test-from {args.test_from}")],
                                      source=src)
        feats = _list(args.features) or None
        model = R.fit(train, outcome=args.outcome, features=feats, time=time,
                      exclude=_list(args.exclude), model=args.model, seed=args.seed)
        p = model.predict(test)
        y = _samples.parse_outcomes(test[args.outcome].tolist(), src, args.outcome)
        res = R.evaluate(y, p, dates=pd.to_datetime(test[time], format="mixed").to_numpy(),
                         window_days=args.window_days)
        params = {"mode": "records", "records": args.records, "outcome": args.outcome,
                  "time": time, "test_from": args.test_from, "model": args.model,
                  "features": model.features_, "exclude": _list(args.exclude), "seed": args.seed}
    frame = res.to_frame()
    if args.out:
        write_table(frame, args.out)
    common.echo(common.format_table(frame, floatfmt="{:.4g}"))
    if args.out:
        common.echo(f"\nwritten: {args.out}")
    settings = common.tracking_settings(args)
    with start_run("risk evaluate", settings, params={
            "command": "risk evaluate", **params, "data_fingerprint": data_fingerprint(raw),
            **package_versions()}) as run:
        if run is not None:
            run.log_metrics(res.metrics)
            run.log_table(frame, "risk_evaluation.csv")
            if not res.table.empty:
                run.log_table(res.table, "risk_evaluation_detail.csv")
            common.echo(f"MLflow run: {run.run_id} ({run.uri})")
    return common.EXIT_OK


# ----------------------------------------------------------------------------- wiring
def register(subparsers) -> None:
    p = subparsers.add_parser("risk", help="sampling-failure risk: score, allocate, evaluate",
                              description="Where will the next samples fail, and where should the "
                                          "sampling budget go?")
    sub = p.add_subparsers(dest="risk_command", metavar="ACTION")
    p.set_defaults(func=lambda a: (p.print_help(), common.EXIT_BAD_INPUT)[1])

    s = sub.add_parser("score", help="shrunken failure probability per group, with intervals and rank")
    _add_samples_flags(s, required=True)
    common.add_out_flag(s)
    s.add_argument("--chart", default=None, help="write a PNG chart of the ranked risks here")
    common.add_tracking_flags(s)
    s.set_defaults(func=run_score)

    a = sub.add_parser("allocate", help="turn a budget of batches into a sampling plan per group")
    a.add_argument("--scores", default=None, help="scores table written by 'mstarget risk score --out'")
    _add_samples_flags(a, required=False, by_default=None)
    a.add_argument("--budget", type=int, required=True, help="batches to allocate in total")
    a.add_argument("--min-per-group", type=int, default=0, help="coverage floor per group (default 0)")
    a.add_argument("--max-per-group", type=int, default=None, help="cap per group (default none)")
    a.add_argument("--volume", default="tested",
                   help="column of lots per group for diminishing returns (default tested; 'none' = "
                        "unlimited market)")
    common.add_out_flag(a)
    common.add_tracking_flags(a)
    a.set_defaults(func=run_allocate)

    e = sub.add_parser("evaluate", help="time-split evaluation: AUC, Brier, capture@k, lift, days earlier")
    _add_samples_flags(e, required=False)
    e.add_argument("--train-until", default=None, help="groups: last training period")
    e.add_argument("--test-period", default=None, help="groups: test period (default: the next one)")
    e.add_argument("--budget", type=int, default=None,
                   help="groups: batches to plan (default: the number tested in the test period)")
    e.add_argument("--records", default=None, help="per-record table (one row per inspection)")
    e.add_argument("--outcome", default=None, help="records: 0/1 outcome column")
    e.add_argument("--time", default=None, help="records: date column")
    e.add_argument("--test-from", default=None, help="records: first date of the test period")
    e.add_argument("--features", default=None, help="records: feature columns (default: all others)")
    e.add_argument("--exclude", default=None, help="records: columns never used as features")
    e.add_argument("--model", default="logistic", choices=list(_records.MODELS))
    e.add_argument("--window-days", type=int, default=None,
                   help="records: re-order within windows of this many days (default: whole test period)")
    e.add_argument("--seed", type=int, default=0)
    common.add_out_flag(e)
    common.add_tracking_flags(e)
    e.set_defaults(func=run_evaluate)
