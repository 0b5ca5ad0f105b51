"""The ``mstarget`` command's entry point: start the tracking process before anything heavy loads.

A tracked command hands its MLflow run to a second process that imports MLflow meanwhile
(:mod:`mstarget.tracking.background`). Forked here -- before ``import mstarget`` (pandas, numpy and
mstarget itself, ~0.4 s) -- that process imports mstarget and MLflow in parallel with the command
instead of after it. Only the standard library is imported before the fork; whether the command
will be tracked is read from its arguments the way the parser will (``--no-track``,
``MSTARGET_NO_TRACK``, ``MSTARGET_TRACKING_PROCESS``); when in doubt no process is forked here and the
command forks its own later (or logs in-process). ``python -m mstarget`` and ``mstarget.cli.main.main``
behave the same, without the head start.
"""
from __future__ import annotations

import os
import sys

#: subcommands that log an MLflow run
TRACKED = ("assess", "report", "forecast", "backtest", "risk")
_FALSE = ("0", "false", "no", "off")
_TRUE = ("1", "true", "yes", "on")


def will_track(argv: list[str]) -> bool:
    """Whether ``mstarget <argv>`` will log an MLflow run (as far as the arguments tell)."""
    if sys.platform != "linux" or not argv or argv[0] not in TRACKED:
        return False
    if any(a in ("--no-track", "-h", "--help") for a in argv):
        return False
    if os.environ.get("MSTARGET_NO_TRACK", "").strip().lower() in _TRUE:
        return False
    return os.environ.get("MSTARGET_TRACKING_PROCESS", "1").strip().lower() not in _FALSE


def _child(conn) -> None:
    from mstarget.tracking.background import serve_early

    serve_early(conn)


def main() -> int:
    argv = sys.argv[1:]
    early = None
    if will_track(argv):
        try:
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            conn, child_end = ctx.Pipe()
            process = ctx.Process(target=_child, args=(child_end,), name="mstarget-tracking", daemon=True)
            process.start()
            child_end.close()
            early = (process, conn)
        except (OSError, ValueError):  # no process could be started: the command decides later
            early = None
    from mstarget.cli.main import main as cli_main
    from mstarget.tracking import background

    if early is not None:
        background.adopt(*early)
    try:
        return cli_main(argv)
    finally:
        background.discard_early()  # not taken by the command (e.g. a usage error): nothing logged
