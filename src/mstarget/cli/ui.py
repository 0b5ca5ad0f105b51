"""``mstarget ui``: open the MLflow UI on the store the other subcommands log to.

Runs ``python -m mlflow ui --backend-store-uri <store>`` with this environment's Python, prints
the URL, and stops the UI (and its worker processes) on Ctrl+C or SIGTERM. For an ``http(s)``
tracking URI there is nothing to start: the tracking server already serves the UI at that URL.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
from urllib.parse import urlparse

from .. import output_set, tracking
from . import common


def register(sub) -> None:
    p = sub.add_parser("ui", help="open the MLflow UI on the tracking store",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=5000, help="port to serve on (default 5000)")
    p.add_argument("--host", default="127.0.0.1",
                   help="interface to bind (default 127.0.0.1: this computer only)")
    p.add_argument("--tracking-uri", default=None,
                   help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI, else sqlite:///mlflow.db)")
    p.set_defaults(func=run)


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host if host not in ("0.0.0.0", "") else "127.0.0.1", port)) == 0


def _stop(proc: subprocess.Popen) -> None:
    """Stop the UI and the worker processes it started (its own process group)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _on_sigterm_raise():
    """Turn SIGTERM into KeyboardInterrupt so the UI is stopped too; returns the old handler."""
    def on_term(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread: leave signals alone
        return None
    return previous if previous is not None else signal.SIG_DFL


def run(args: argparse.Namespace) -> int:
    settings = tracking.TrackingSettings.from_env(enabled=True, tracking_uri=args.tracking_uri)
    uri = settings.store_uri()
    if urlparse(uri).scheme in ("http", "https"):
        common.echo(f"{uri} is an MLflow tracking server: its UI is already there. Open {uri}")
        return common.EXIT_OK
    if not (1 <= args.port <= 65535):
        common.error(f"error: --port must be in 1..65535; got {args.port}")
        return common.EXIT_BAD_INPUT
    if _port_in_use(args.host, args.port):
        common.error(f"error: port {args.port} is already in use on {args.host}; "
                     "choose another with --port")
        return common.EXIT_BAD_INPUT
    db = tracking.sqlite_path(uri)
    if db is not None:
        if not db.parent.is_dir():
            common.error(f"error: no tracking store at {uri}: folder {str(db.parent)!r} does not exist")
            return common.EXIT_BAD_INPUT
        if not db.exists():
            common.error(f"note: {str(db)!r} does not exist yet: no runs were logged there; "
                         "the UI will start empty")
    cmd = tracking.ui_command(settings, host=args.host, port=args.port)
    host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "") else args.host
    common.echo(f"MLflow UI for {uri}\n  open http://{host}:{args.port}  (Ctrl+C to stop)")
    # a process group of its own: stopping it also stops the server's worker processes
    proc = subprocess.Popen(cmd, start_new_session=True, env=tracking.ui_env())
    previous = _on_sigterm_raise()
    try:
        code = proc.wait()
    except KeyboardInterrupt:  # Ctrl+C (or SIGTERM) is how the UI is meant to stop: exit 0, not 130
        _stop(proc)
        output_set.clear_stop()  # the CLI recorded Ctrl+C as a stop request: for the UI it is the normal end
        common.echo("MLflow UI stopped")
        return common.EXIT_OK
    finally:
        _stop(proc)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if code != 0:
        common.error(f"error: the MLflow UI exited with code {code} (command: {' '.join(cmd)})")
        return common.EXIT_INTERNAL
    return common.EXIT_OK
