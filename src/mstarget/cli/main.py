"""``mstarget`` command line: one module per subcommand, each with ``register(subparsers)``.

Each subcommand's ``run(args)`` returns an exit code; errors are turned into exit codes here, in
one place (:data:`EXIT_CODES`, by exception class). Set ``MSTARGET_DEBUG=1`` to see the traceback of any
error that ends a command (a tracking failure's: the store's own).
SIGTERM is handled like Ctrl+C: an open MLflow run is ended (KILLED on Ctrl+C, FAILED on SIGTERM), no
temporary file is left. A stop
request is recorded as well as raised (:func:`_terminate`), so it is never lost: no output set is committed
after it, and the command ends with 130 / 143 saying which files, if any, it had already written.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import threading
import traceback
import warnings

from .. import output_set
from .._version import __version__
from ..collector import fewer_collections
from ..exceptions import (
    DataValidationError,
    EnvironmentProblem,
    MstargetError,
    MstargetWarning,
    TrackingError,
    environment_cause,
)
from .common import (
    EXIT_BAD_INPUT,
    EXIT_ENVIRONMENT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_TRACKING,
    error,
    take_positional_tables,
    tracking_settings,
)
from ..tracking import background

#: exception class -> exit code; the first match wins (README "Exit codes", ``mstarget --help``)
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (TrackingError, EXIT_TRACKING),          # results written, tracking failed: whatever the failure
    (EnvironmentProblem, EXIT_ENVIRONMENT),  # disk full, permission, a folder as --out, no scheduler
    (MstargetError, EXIT_BAD_INPUT),         # DataValidationError, ParameterError, UnknownModelError
)

EPILOG = """exit codes:
  0  success
  1  internal error: a bug in mstarget (MSTARGET_DEBUG=1 shows the traceback; please report it)
  2  bad input or usage (the message says which file, row, column or option; nothing written)
  3  results written to --out, but the MLflow run was not logged: the tracking store failed, or
     a bug of mstarget while logging ("internal error while logging"; MSTARGET_DEBUG=1 shows
     the traceback); a run already begun is ended FAILED
  4  environment: disk full, no permission, read-only disk or --out file, --out is a folder or
     its parent a file, Dask scheduler unreachable within MSTARGET_DASK_TIMEOUT s (the message
     names the path or address)
  130 / 143  interrupted by Ctrl+C / terminated by SIGTERM"""

# subcommand modules, in the order `mstarget --help` lists them
SUBCOMMANDS = ("assess", "suggest", "forecast", "backtest", "report", "calibrate", "risk", "ui", "demo")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mstarget",
        description="Will each plan target be met? Where will sampling fail next? "
                    "Probabilistic answers, tracked in MLflow.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"mstarget {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f".{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.endswith(f"cli.{name}"):
                continue  # subcommand not built yet
            raise
        module.register(sub)
    return parser


class _WarningDigest:
    """Collects mstarget warnings during a command and prints them once, grouped.

    Per-series warnings read ``"region/indicator: what happened"``; the same event for many
    series becomes one line naming the series, instead of a screenful of repeats.
    """

    SHOW = 5

    def __init__(self):
        self.messages: list[str] = []

    def show(self, message, category, filename, lineno, file=None, line=None):
        text = str(message)
        if text not in self.messages:
            self.messages.append(text)

    def flush(self) -> None:
        groups: dict[str, list[str]] = {}
        for text in self.messages:
            head, sep, rest = text.partition(": ")
            if sep and "/" in head and " " not in head.strip():
                groups.setdefault(rest, []).append(head)
            else:
                groups.setdefault(text, [])
        for rest, series in groups.items():
            if len(series) <= 1:
                error(f"warning: {series[0] + ': ' if series else ''}{rest}")
                continue
            shown = ", ".join(series[: self.SHOW])
            more = f" (+{len(series) - self.SHOW} more)" if len(series) > self.SHOW else ""
            error(f"warning: {len(series)} series: {rest} — {shown}{more}")
        self.messages.clear()


def exit_code(exc: BaseException) -> int:
    """The documented exit code of an error that ended a command (see :data:`EXIT_CODES`)."""
    for cls, code in EXIT_CODES:
        if isinstance(exc, cls):
            return code
    if environment_cause(exc) is not None or isinstance(exc, MemoryError):
        return EXIT_ENVIRONMENT
    return EXIT_INTERNAL


def _message(exc: BaseException, debug: bool) -> str:
    """The one line (or, for refused input, the list of problems) an error that ended a command prints;
    with ``debug`` (``MSTARGET_DEBUG=1``) the traceback first, whatever the exit code -- the store's own
    traceback for a tracking failure (its ``details``, carried back from the tracking process)."""
    code = exit_code(exc)
    if debug and code != EXIT_INTERNAL:
        details = str(getattr(exc, "details", "") or "").rstrip()
        if details:
            error(details)
        else:
            traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, DataValidationError):
        return f"error: the input was refused.\n{exc}"
    if code == EXIT_ENVIRONMENT and not isinstance(exc, EnvironmentProblem):
        if isinstance(exc, MemoryError):
            return "error: out of memory. Close other programs, or work on fewer series at a time."
        return f"error: {EnvironmentProblem.from_os_error(environment_cause(exc), action='use')}"
    if code == EXIT_INTERNAL:
        if debug:
            traceback.print_exc()
        return (f"internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in mstarget; rerun with MSTARGET_DEBUG=1 for the traceback and report it.")
    return f"error: {exc}"


def _terminate(signum, frame):
    """Ctrl+C / SIGTERM: record the stop request, then raise ``KeyboardInterrupt`` (``"SIGTERM"`` for
    SIGTERM). The record makes the request stick even if the exception is swallowed -- raised inside a
    callback whose exceptions Python ignores (a weakref callback, ``__del__``: "Exception ignored in
    ..."): no output set is committed after it and :func:`main` ends with 130 / 143."""
    reason = "SIGTERM" if signum == signal.SIGTERM else "SIGINT"
    output_set.request_stop(reason)
    raise output_set._interruption(reason)


@contextlib.contextmanager
def _sigterm_like_sigint():
    """While a command runs, Ctrl+C and SIGTERM record a stop request and raise KeyboardInterrupt
    (``KeyboardInterrupt("SIGTERM")`` for SIGTERM; main thread only): :func:`_terminate`."""
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError, OSError):
                if signal.getsignal(sig) is not signal.SIG_IGN:  # e.g. SIGINT ignored by `nohup ... &`
                    previous[sig] = signal.signal(sig, _terminate)
    unraisable = sys.unraisablehook

    def quiet(info):  # the swallowed interruption is recorded (the command stops): no "Exception ignored" screen
        if not (isinstance(info.exc_value, KeyboardInterrupt) and output_set.stop_requested()):
            unraisable(info)

    sys.unraisablehook = quiet
    try:
        yield
    finally:
        sys.unraisablehook = unraisable
        for sig, handler in previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def _ended_as(reason: str) -> str:
    """The status an interrupted command's open run was ended with: KILLED on Ctrl+C, FAILED on SIGTERM
    (:func:`mstarget.tracking.runs.interrupted_status`)."""
    return "FAILED" if reason == "SIGTERM" else "KILLED"


def _run_fate(outcome: str | None, reason: str = "SIGINT") -> str:
    """What became of the MLflow run of an interrupted command, from its tracking process's ``outcome``
    (:func:`mstarget.tracking.background.outcome`; ``None``: logged in this process, or none started)."""
    if outcome == "idle":  # nothing handed over: no run was begun
        return "the MLflow run was not logged (interrupted before it began)"
    if outcome in ("submitted", "stopped", "failed"):  # handed over: the tracking process ended it
        return f"the MLflow run was not logged (interrupted; the run begun was ended {_ended_as(reason)})"
    return f"the MLflow run was not logged (interrupted; a run already begun is ended {_ended_as(reason)})"


def _interrupted_message(reason: str, args: argparse.Namespace) -> str:
    """What a stopped command says: which files it had already written (they hold the new results:
    :func:`mstarget.output_set.written`, output sets and files written on their own alike) and what became
    of its MLflow run -- or that nothing was written."""
    what = "terminated (SIGTERM)" if reason == "SIGTERM" else "interrupted"
    files = [str(f) for f in output_set.written()]
    outcome = background.outcome()
    if not files:  # an output set stopped before its renames: none replaced
        text = f"{what}; nothing was left half-written"
        if outcome in ("submitted", "stopped", "failed"):
            text += f"; the MLflow run begun was ended {_ended_as(reason)}"
        return text
    names = ", ".join(files)
    text = f"{what} after writing {names} ({'it holds' if len(files) == 1 else 'they hold'} the new results)"
    if outcome == "logged":
        return f"{text}; the MLflow run was logged"
    try:
        tracked = hasattr(args, "no_track") and tracking_settings(args).enabled
    except Exception:  # noqa: BLE001 -- the message must not fail
        tracked = False
    if not tracked and outcome is None:
        return text
    return f"{text}; {_run_fate(outcome, reason)}: run the command again to log it"


def _stopped(reason: str, args: argparse.Namespace) -> int:
    error(_interrupted_message(reason, args))
    return EXIT_TERMINATED if reason == "SIGTERM" else EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> int:
    output_set.clear_stop()  # a new command: no stop request yet, nothing written yet
    output_set.forget_written()
    background.forget()
    try:
        with _sigterm_like_sigint():  # Ctrl+C while the subcommands load: "interrupted", not a traceback
            parser = build_parser()
            args = parser.parse_args(argv)
            take_positional_tables(args)  # mstarget assess 规划.xlsx 历史.csv
    except KeyboardInterrupt as exc:
        error("terminated (SIGTERM)" if str(exc) == "SIGTERM" else "interrupted")
        return EXIT_TERMINATED if str(exc) == "SIGTERM" else EXIT_INTERRUPTED
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    debug = os.environ.get("MSTARGET_DEBUG", "") not in ("", "0")
    digest = _WarningDigest()
    try:
        with warnings.catch_warnings(), _sigterm_like_sigint(), fewer_collections():
            warnings.simplefilter("ignore")  # third-party deprecation noise is not the user's business
            warnings.simplefilter("default", MstargetWarning)
            warnings.showwarning = digest.show
            try:
                code = int(args.func(args) or 0)
            finally:
                digest.flush()
            reason = output_set.stop_requested()  # a stop request whose KeyboardInterrupt was swallowed
            if reason is not None:
                raise output_set._interruption(reason)
            return code
    except BrokenPipeError:  # output piped into `head`: not an error
        with contextlib.suppress(Exception):
            sys.stdout = open(os.devnull, "w")
        if output_set.stop_requested():
            return _stopped(output_set.stop_requested(), args)
        return 0
    except KeyboardInterrupt as exc:
        return _stopped(output_set.stop_requested() or ("SIGTERM" if str(exc) == "SIGTERM" else "SIGINT"), args)
    except Exception as exc:  # one mapping from exception class to exit code: exit_code()
        if output_set.stop_requested():  # e.g. the tracking process stopped by the same SIGTERM: the stop is the cause
            return _stopped(output_set.stop_requested(), args)
        error(_message(exc, debug))
        return exit_code(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
