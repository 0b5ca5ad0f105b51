"""``mstarget`` command line: one module per subcommand, each with ``register(subparsers)``.

Each subcommand's ``run(args)`` returns an exit code; errors are turned into exit codes here
(see :mod:`mstarget.cli.common`). Set ``MSTARGET_DEBUG=1`` to see tracebacks.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import traceback
import warnings

from ..exceptions import DataValidationError, MstargetError, MstargetWarning, TrackingError
from .common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_TRACKING, error

# subcommand modules, in the order `mstarget --help` lists them
SUBCOMMANDS = ("assess", "forecast", "backtest", "report", "risk", "ui", "demo")


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="mstarget",
        description="Will each plan target be met? Where will sampling fail next? "
                    "Probabilistic answers, tracked in MLflow.")
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    debug = os.environ.get("MSTARGET_DEBUG", "") not in ("", "0")
    digest = _WarningDigest()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # third-party deprecation noise is not the user's business
            warnings.simplefilter("default", MstargetWarning)
            warnings.showwarning = digest.show
            try:
                return int(args.func(args) or 0)
            finally:
                digest.flush()
    except DataValidationError as exc:
        error(f"error: the input was refused.\n{exc}")
        return EXIT_BAD_INPUT
    except TrackingError as exc:
        error(f"error: {exc}")
        return EXIT_TRACKING
    except MstargetError as exc:
        error(f"error: {exc}")
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head`: not an error
        with contextlib.suppress(Exception):
            sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except Exception as exc:  # a bug: say so, keep the traceback for MSTARGET_DEBUG
        if debug:
            traceback.print_exc()
        error(f"internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in mstarget; rerun with MSTARGET_DEBUG=1 for the traceback and report it.")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
