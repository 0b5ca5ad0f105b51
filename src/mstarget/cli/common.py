"""Shared pieces of the command line: tracking flags, output, readable tables, exit codes.

Exit codes (documented in the README and ``mstarget --help``; exceptions are mapped to them in
one place, :data:`mstarget.cli.main.EXIT_CODES`):
  0  success
  1  internal error (a bug: please report it)
  2  bad input or usage (validation message on stderr, nothing written to --out)
  3  results computed and written, but the MLflow run was not logged: the tracking store failed
     (whatever the failure), or a bug while logging (said as an internal error)
  4  environment: disk full, permission, read-only disk or output file, a folder where a file
     should be, an unreachable Dask scheduler (the message names the path or address)
"""
from __future__ import annotations

import argparse
import math
import contextlib
import sys
import unicodedata
import warnings
from pathlib import Path

import pandas as pd

from ..arguments import YEAR_MAX, YEAR_MIN
from ..calibration import Calibration
from ..engine import Engine
from ..exceptions import DataValidationError, MstargetWarning, ParameterError
from ..io import check_output_path
from ..plotting import FIGURE_TYPES
from .. import tracking
from ..tracking import TrackingSettings, background
from ..tracking.store import folder_store_problem

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_TRACKING = 3
EXIT_ENVIRONMENT = 4
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


def add_tracking_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("tracking (MLflow)")
    g.add_argument("--tracking-uri", default=None,
                   help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI, else sqlite:///mlflow.db)")
    g.add_argument("--experiment", default=None, help="MLflow experiment name (default: mstarget)")
    g.add_argument("--no-track", action="store_true", help="do not log an MLflow run")


def tracking_settings(args: argparse.Namespace) -> TrackingSettings:
    """Where and whether the command logs its run (``--no-track``, ``--tracking-uri``, ``--experiment``,
    else the environment). A tracking URI naming a folder (or ``file://``), which MLflow 3 refuses after
    the work, is refused here, before any work: ParameterError (exit 2) proposing a SQLite database in
    that folder (:func:`mstarget.tracking.store.folder_store_problem`)."""
    settings = TrackingSettings.from_env(enabled=False if args.no_track else None,
                                         tracking_uri=args.tracking_uri, experiment=args.experiment)
    if settings.enabled:
        named_by = "--tracking-uri" if args.tracking_uri else "MLFLOW_TRACKING_URI"
        problem = folder_store_problem(settings.resolved_uri(), named_by)
        if problem is not None:
            raise ParameterError(problem)
    return settings


@contextlib.contextmanager
def tracking_process(settings: TrackingSettings):
    """Start loading MLflow in a second process while the command computes
    (:mod:`mstarget.tracking.background`); yields it, or ``None`` to log in this process. If the
    command ends without logging, the process is closed (nothing logged; a run already handed
    over ends FAILED)."""
    proc = background.start(settings)
    error = None
    try:
        yield proc
    except BaseException as exc:
        error = exc
        raise
    finally:
        if proc is not None:
            proc.close(error)


def inputs_accepted(proc) -> None:
    """The command's inputs passed their checks: a :func:`tracking_process` may open (or create)
    the store while the command computes."""
    if proc is not None:
        proc.open_store()


class PendingRun:
    """One tracked call (``mstarget.tracking.<name>``), charts to follow.

    With a tracking process the call is handed over at once -- the charts named in ``later``
    follow with :meth:`provide` -- so the run's tables are logged while the command draws;
    without one, the call runs in this process at :meth:`result`.
    """

    def __init__(self, proc, name: str, *args, later: tuple[str, ...] = (), **kwargs):
        self.proc, self.name, self.args, self.kwargs = proc, name, args, kwargs
        if proc is not None:
            proc.submit(name, *args, **kwargs, **{k: background.Later(k) for k in later})

    def provide(self, **charts) -> None:
        """The charts left for later: figures, or paths of image files already saved."""
        if self.proc is not None:
            self.proc.provide(**charts)
        else:
            self.kwargs.update(charts)

    def result(self):
        """The call's return value (the run id); raises what it raised."""
        if self.proc is not None:
            return self.proc.result()
        return getattr(tracking, self.name)(*self.args, **self.kwargs)


def log_run(proc, name: str, *args, **kwargs):
    """``mstarget.tracking.<name>(*args, **kwargs)`` -- in ``proc`` when there is one."""
    return PendingRun(proc, name, *args, **kwargs).result()


#: the file types a result table is written to (:func:`mstarget.io.write_table`)
TABLE_TYPES = (".csv", ".xlsx", ".json", ".parquet")


class OneFile(argparse.Action):
    """An output flag that names one file: given twice, the command stops with its usage (exit 2) instead
    of argparse's silent "the last one wins" -- ``assess --out a.csv --out a.xlsx`` would write a.xlsx
    alone, the a.csv asked for never written and never said. The same file named twice is taken once."""

    def __call__(self, parser, namespace, values, option_string=None):
        earlier = getattr(namespace, self.dest, None)
        if earlier is not None and earlier != values:
            parser.error(f"{option_string} given twice ({earlier}, {values}): this command writes one file "
                         f"there, and would write only the last one; give {option_string} once (run the "
                         "command again for another file or format). Nothing was written.")
        setattr(namespace, self.dest, values)


def add_out_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default=None, action=OneFile,
                   help="write the result table here (.csv, .xlsx, .json or .parquet)")


def add_chart_flag(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--chart", default=None, action=OneFile, help=f"also draw {what} to this .png, .svg or .pdf")


def check_chart_path(path: str | None) -> None:
    """Refuse a chart file type we cannot draw before any work is done (ParameterError)."""
    if path and Path(path).suffix.lower() not in FIGURE_TYPES:
        raise ParameterError(f"--chart {path}: cannot draw a chart to this file type; use a file "
                             f"name ending in {', '.join(FIGURE_TYPES)}.")


def check_out_type(path: str | None, types: tuple[str, ...] = TABLE_TYPES, *, flag: str = "--out",
                   what: str = "a table", shown: tuple[str, ...] | None = None) -> None:
    """Refuse an output file type that cannot be written before any work is done (ParameterError);
    the message names ``shown`` (default: every one of ``types``)."""
    if path and Path(path).suffix.lower() not in types and not Path(path).is_dir():  # a folder: exit 4, below
        shown = shown or types
        names = ", ".join(shown[:-1]) + (f" or {shown[-1]}" if len(shown) > 1 else shown[-1])
        raise ParameterError(f"{flag} {path}: cannot write {what} to this file type; use a file name "
                             f"ending in {names}.")


def check_outputs(args: argparse.Namespace, *inputs: str,
                  extra: tuple[tuple[str, str], ...] = (), out_types: tuple[str, ...] = TABLE_TYPES) -> None:
    """Before any work: ``--out`` (of one of ``out_types``) and ``--chart`` (when given) can be
    written and spare the inputs.

    ``inputs`` are the attribute names of the input flags (``"plan"``, ``"history"``); ``extra``
    adds (flag, path) outputs written besides ``--out`` (e.g. a details table). A file type that
    cannot be written, or an output that names an input or another output, raises
    ParameterError (exit 2); one that cannot be written (a folder, a file as parent, a read-only
    folder or file) EnvironmentProblem (exit 4).
    """
    check_out_type(getattr(args, "out", None), out_types)
    check_chart_path(getattr(args, "chart", None))
    given = [(f"--{name.replace('_', '-')}", getattr(args, name, None)) for name in inputs]
    outs = [(flag, path) for flag, path in (("--out", getattr(args, "out", None)),
                                             ("--chart", getattr(args, "chart", None)), *extra) if path]
    for i, (flag, path) in enumerate(outs):
        check_output_path(path, flag=flag, inputs=given + outs[:i])


def check_as_of(args: argparse.Namespace) -> None:
    """``--as-of`` (when given) is a year a table may hold, refused before any work when it is not:
    a typo (``--as-of 202``) would cut every series away and print a table of 数据不足 / no_data."""
    as_of = getattr(args, "as_of", None)
    if as_of is not None and not YEAR_MIN <= as_of <= YEAR_MAX:
        raise ParameterError(f"--as-of {as_of}: expected a year in {YEAR_MIN}-{YEAR_MAX}, the last year of "
                             "history to use (e.g. --as-of 2023); leave --as-of out to use all the history.")


def require_observations(table: pd.DataFrame | None, path: str | None, *, flag: str = "--history",
                         doing: str = "forecast", advice: str = "") -> None:
    """Refuse (DataValidationError, exit 2, naming the file and the flag) a history-like table read
    from ``path`` that holds no observation -- a header alone, or rows whose values are all blank --
    before any work: it would give an empty result ("(no rows)", exit 0) without a word of why.
    ``doing`` says what it was for; ``advice`` is added to the message."""
    if table is None or table["value"].notna().any():
        return
    what = ("has no rows under its header" if len(table) == 0 else
            f"has {len(table)} row{'s' * (len(table) != 1)} but no value in any of them (column 'value' blank)")
    raise DataValidationError(f"{flag}: the table {what}, so there is nothing to {doing}; expected one row per "
                              f"region, indicator and year with its value{advice}. Nothing was written.",
                              source=str(path))


def check_as_of_observed(table: pd.DataFrame, path: str, as_of: int | None) -> None:
    """Refuse (ParameterError, exit 2) an ``--as-of`` before the first observed year of the history
    read from ``path``: every series would be cut away and the result would be empty."""
    if as_of is None:
        return
    first = int(table.loc[table["value"].notna(), "year"].min())
    if as_of < first:
        raise ParameterError(f"--as-of {as_of}: the history {path} starts in {first}, so there is no "
                             f"observation up to {as_of} to forecast from; use --as-of {first} or later, "
                             "or leave --as-of out to use all the history.")


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: CJK (wide / full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def number_text(v: float, fmt: str = "{:.3g}") -> str:
    """A number for the terminal: ``fmt`` (three significant digits), but never in e-notation for
    what a bureau counts -- ``727,279`` not ``7.27e+05``; ``0.0035`` not ``3.5e-03``."""
    text = fmt.format(v)
    if "e" not in text:
        return text
    if abs(v) >= 1:
        return f"{v:,.0f}"
    return f"{v:.{max(3, -int(math.floor(math.log10(abs(v)))) + 2)}f}" if v else "0"


def format_table(df: pd.DataFrame, *, floatfmt: str = "{:.3g}", max_rows: int = 200, right=()) -> str:
    """Render a DataFrame as an aligned text table that keeps Chinese names in their columns; numbers, and the
    columns named in ``right`` (figures already written as text: 84.91, 3.05（快报）), right-aligned. At most
    ``max_rows`` rows, and a last line saying how many were left out when some were."""
    if df.empty:
        return "(no rows)"
    left_out = len(df) - max_rows
    df = df.head(max_rows)
    cols = [str(c) for c in df.columns]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) or str(c) in right for c in df.columns]

    def cell(v) -> str:
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            return "-"
        if isinstance(v, float):
            return number_text(v, floatfmt)
        return str(v)

    rows = [[cell(v) for v in r] for r in df.itertuples(index=False, name=None)]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in rows]) for i, c in enumerate(cols)]
    lines = ["  ".join(_pad(c, w, num) for c, w, num in zip(cols, widths, numeric)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(v, w, num) for v, w, num in zip(r, widths, numeric)) for r in rows]
    if left_out > 0:
        lines.append(f"... {left_out} more rows not shown (共 {max_rows + left_out} 行): all in --out")
    return "\n".join(lines)


def echo(text: str = "") -> None:
    print(text, file=sys.stdout, flush=True)


def error(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def add_engine_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("execution (mstarget.engine)")
    g.add_argument("--backend", choices=("serial", "loky", "dask"), default=None,
                   help="where the series are forecast, in chunks: this process (serial, the "
                        "default), local worker processes (loky), or a Dask cluster (dask; "
                        "implied by --scheduler)")
    g.add_argument("--n-jobs", type=int, default=None,
                   help="worker processes for loky or a local Dask cluster (default: all cores)")
    g.add_argument("--scheduler", default=None,
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: "
                        "$MSTARGET_DASK_SCHEDULER, else a local cluster)")


def engine_of(args: argparse.Namespace, command: str):
    """The :class:`~mstarget.engine.Engine` of ``--backend / --n-jobs / --scheduler``: a
    scheduler address alone means ``dask``; bad values are refused before any work, and so is a
    scheduler address (``--scheduler`` or ``$MSTARGET_DASK_SCHEDULER``) nothing answers at -- not
    after reading and checking a country's tables (:meth:`~mstarget.engine.Engine.connect`; the
    connection is reused by the work)."""
    backend = args.backend or ("dask" if args.scheduler else "serial")
    if args.n_jobs is not None and args.n_jobs < 1:
        raise ParameterError(f"--n-jobs must be a number of worker processes >= 1; got {args.n_jobs}.")
    if args.scheduler and backend != "dask":
        raise ParameterError(f"--scheduler {args.scheduler} needs --backend dask (got --backend {backend}).")
    engine = Engine.of(backend, args.n_jobs, args.scheduler, caller=command)
    engine.connect()
    return engine


def add_assessment_inputs(p: argparse.ArgumentParser, *, history_required: bool = False) -> None:
    """``--plan --history --region --strict --as-of --model --seed``: the inputs of an assessment. The two tables
    may also be given in that order without their flags (``mstarget assess 规划.xlsx 历史.csv``):
    :func:`take_positional_tables`."""
    p.add_argument("tables", nargs="*", metavar="PLAN [HISTORY]",
                   help="the plan and history tables without their flags, in that order (the same as --plan, --history)")
    p.add_argument("--plan", default=None,
                   help="plan table (.csv in UTF-8 or GBK, .xlsx, .xls, or the plan's .docx / .html / .pdf, or its web page saved as .txt; bureau layouts accepted)")
    p.add_argument("--history", default=None,
                   help="history table: region, indicator or 指标名称, year, value -- or one column "
                        "per year (2021年, 2022年 ...)")
    add_region_flag(p)
    p.add_argument("--strict", action="store_true",
                   help="refuse (exit 2, nothing written) when a plan row has no history or a "
                        "history series matches no plan row")
    p.add_argument("--as-of", type=int, default=None,
                   help=f"use only history up to this year ({YEAR_MIN}-{YEAR_MAX}; default: all of it)")
    p.add_argument("--model", default="auto", help="model name or spec file (default: auto)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(_tables_parser=p, _history_required=history_required)


def take_positional_tables(args: argparse.Namespace) -> None:
    """Fill ``--plan`` / ``--history`` from the tables given without their flags (plan first), or stop with the
    command's usage (exit 2) when a table is given both ways, more than two are given or the plan is missing."""
    parser = getattr(args, "_tables_parser", None)
    if parser is None:
        return
    tables = list(args.tables or [])
    for flag in ("plan", "history"):
        if tables and getattr(args, flag) is None:
            setattr(args, flag, tables.pop(0))
    if tables:
        given = " ".join(f"--{f} {getattr(args, f)}" for f in ("plan", "history") if getattr(args, f) is not None)
        parser.error(f"unrecognized arguments: {' '.join(tables)} ({given} already given; the tables go first without "
                     "flags -- PLAN then HISTORY -- or each after its flag, and other values after theirs: --as-of 2023)")
    if args.plan is None:
        parser.error("the following arguments are required: --plan (or the plan table as the first argument)")
    if args._history_required and args.history is None:
        parser.error("the following arguments are required: --history (or the history table after the plan)")


def add_reference_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reference", default=None, metavar="PANEL",
                   help="peer panel (region, indicator, year, value) of the same indicators in other "
                        "regions: short series borrow their trend and noise")


def add_calibration_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--calibration", default=None, metavar="FILE.json",
                   help="calibration learned from your own panel by 'mstarget calibrate' (default: "
                        "the shipped factors)")


def calibration_of(args: argparse.Namespace):
    """``--calibration FILE`` read now (a bad file is refused before any work), else the shipped factors."""
    path = getattr(args, "calibration", None)
    return Calibration.load(path) if path else "default"


def calibration_arg(args: argparse.Namespace):
    """What ``--calibration`` stands for in a run's parameters and fingerprint: the file (its path
    and factors) or ``"default"`` (the shipped factors)."""
    return getattr(args, "calibration", None) or "default"


def add_region_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", default=None,
                   help="region of tables without a region column (a district's own plan or "
                        "history), e.g. --region 鼎湖区")


def read_plan_inputs(args: argparse.Namespace, prog, verb: str):
    """What ``assess`` / ``report`` / ``suggest`` read before any work: the plan and history (``--region`` said when
    unused), refused when empty, the ``--reference`` panel, the calibration, and what did not match printed.
    ``verb`` says the command in the messages (``assess``: "assess the targets from ..."). Returns ``(plan, history,
    reference, calibration, code)``, ``code`` the bad-input exit code when ``--strict`` refuses what did not match,
    else None."""
    from ..assess import read_inputs  # lazy: the assessment stack, not needed by --help or the other commands
    from ..history import read_history  # lazy: with read_inputs
    from ..matching import match  # lazy: with read_inputs

    region = getattr(args, "region", None)
    with prog.step("reading plan and history"):
        plan, history = read_inputs(args.history, args.plan, region)
        warn_unused_region(region, plan)
        require_observations(history, args.history, doing=f"{verb} the targets from",
                             advice=f" -- or leave out --history to {verb} from the plan's own figures "
                                    "(its baseline and any 完成值 columns)")
        reference = read_history(args.reference) if args.reference else None
        require_observations(reference, args.reference, flag="--reference", doing="lend peers from",
                             advice=f" (leave out --reference to {verb} without peers)")
        calibration = calibration_of(args)
    code = report_unmatched(match(plan, history) if history is not None else None,
                            strict=getattr(args, "strict", False))
    return plan, history, reference, calibration, code


def warn_unused_region(region, *tables) -> None:
    """``--region`` names the region of a table without a region column; when every table given carries its own
    and none has ``region`` in it, it was not used (``--region 广东`` on the national tables forecast 全国): say so,
    as ``mt.assess(region=...)`` does."""
    if region is None:
        return
    regions = {str(r) for t in tables if isinstance(t, pd.DataFrame) and "region" in t.columns
               for r in pd.unique(t["region"].dropna())}
    if regions and (str(region) not in regions or len(regions) > 1):  # absent, or one of several: no filter
        shown = sorted(regions)
        warnings.warn(MstargetWarning(
            f"--region {region} was not used: the tables carry their own region column ({len(shown)} region"
            f"{'s' if len(shown) > 1 else ''}: {', '.join(shown[:5])}{' ...' if len(shown) > 5 else ''}); --region only "
            f"names the region of a table without one, it does not filter. To take one region of a multi-region table, "
            f"filter the table first（--region 仅用于无地区列的表格，不作筛选，未使用）"), stacklevel=2)


def report_unmatched(m, *, strict: bool = False, limit: int = 10) -> int | None:
    """Print what did not match (:class:`mstarget.matching.Match`) to stderr, with suggestions;
    with ``strict`` return the bad-input exit code when anything did not match (a history's total
    row, 合计, is named but never refused)."""
    if m is None or (m.complete and m.totals.empty):
        return None
    error(m.message(limit=limit))
    if m.complete:
        return None
    if strict:
        error(f"error: --strict: {len(m.unmatched_plan)} plan row(s) without history and "
              f"{len(m.unmatched_history)} history series matching no plan row; nothing was "
              "assessed. Fix the region or names (see the suggestions above), or drop --strict.")
        return EXIT_BAD_INPUT
    return None
