"""Log a command's run from a second process that loads MLflow while the command computes.

Importing MLflow and its SQLite store module takes about 1-1.5 s, several times what ``mstarget
assess`` needs on a bureau's table. A tracked command therefore starts a :class:`TrackingProcess`
first: a child process (forked, so it starts in milliseconds and shares the parent's imports)
that loads MLflow -- and opens an existing SQLite store -- on the second core while the parent
reads, forecasts and draws. When the results are ready the parent hands over one ``log_*`` call
of :mod:`.records` (tables and parameters pickled; charts as PNG files drawn by the parent) and
waits for the run id. What is logged is exactly what the same call logs in-process.

Nothing is written before the parent hands over its call: a command that fails earlier (bad input)
closes the child, which exits without touching the store. Errors of the store come back as the
same :class:`~mstarget.exceptions.TrackingError`, warnings as the same warnings. SIGTERM or Ctrl+C
while the child logs ends the run FAILED, as in-process. The child is used only where forking is
safe and cheap -- Linux, no other Python thread running -- and ``MSTARGET_TRACKING_PROCESS=0``
turns it off; otherwise :func:`start` returns ``None`` and the caller logs in-process.
"""
from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any

from ..exceptions import TrackingError
from . import records
from .store import TrackingSettings, _client, _mlflow, sqlite_path

#: the ``log_*`` functions of :mod:`.records` a :class:`TrackingProcess` may run
CALLS = ("log_assessment", "log_forecast", "log_backtest", "log_result")

#: message to the child: open the store now (creating a new SQLite store takes ~1 s)
OPEN = "open"

#: seconds the parent waits for a child that was told to stop (e.g. on SIGTERM)
STOP_TIMEOUT = 10.0


def start(settings: TrackingSettings) -> "TrackingProcess | None":
    """A :class:`TrackingProcess` for ``settings``, or ``None`` (log in-process) when tracking
    is disabled, forking is unavailable or unsafe here, or ``MSTARGET_TRACKING_PROCESS=0``."""
    if not settings.enabled or os.environ.get("MSTARGET_TRACKING_PROCESS", "1") in ("0", "false", "no"):
        return None
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return None  # macOS / Windows: fork is unsafe or missing; a spawned child gains little
    if threading.active_count() > 1:  # forking a process with other threads can deadlock the child
        return None
    try:
        return TrackingProcess(settings)
    except OSError:  # no process could be started (limits): log in-process
        return None


class TrackingProcess:
    """A child process that has loaded MLflow and runs one ``log_*`` call of :mod:`.records`.

    Use :func:`start` (it decides whether a child is worth it), then either :meth:`call` once or
    :meth:`close` (nothing is logged). Both are safe to call more than once.
    """

    def __init__(self, settings: TrackingSettings):
        for stream in (sys.stdout, sys.stderr):  # a forked child must not re-emit buffered output
            with contextlib.suppress(Exception):
                stream.flush()
        ctx = multiprocessing.get_context("fork")
        self._conn, child_end = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child_end, settings.store_uri()),
                                    name="mstarget-tracking", daemon=True)
        self._process.start()
        child_end.close()
        self._done = False

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Run ``mstarget.tracking.<name>(*args, **kwargs)`` in the child and return its result.

        Matplotlib figures among the arguments are drawn to PNG files here first (the child logs
        the files). Raises what the call raised (a :class:`TrackingError` for the store's
        failures); warnings it issued are issued again here.
        """
        if name not in CALLS:
            raise ValueError(f"TrackingProcess.call: {name!r} is not one of {', '.join(CALLS)}")
        if self._done:
            raise RuntimeError("TrackingProcess.call: this process already logged or was closed")
        self._done = True
        with tempfile.TemporaryDirectory(prefix="mstarget-charts-") as tmp:
            args = tuple(_as_file(a, tmp, i) for i, a in enumerate(args))
            kwargs = {k: _as_file(v, tmp, k) for k, v in kwargs.items()}
            try:
                self._conn.send((name, args, kwargs))
                reply = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                code = self._process.exitcode
                self._stop()
                raise TrackingError(f"the tracking process ended unexpectedly (exit code {code}); "
                                    "the results were written, the MLflow run may be missing. "
                                    "Set MSTARGET_TRACKING_PROCESS=0 to log in this process.") from exc
            except BaseException:  # SIGTERM / Ctrl+C while the child logs: it ends the run FAILED
                self._stop()
                raise
        self._stop()
        status, value, caught = reply
        for message, category in caught:
            warnings.warn(message, category, stacklevel=2)
        if status == "error":
            raise value
        return value

    def open_store(self) -> None:
        """Let the child open the store now -- creating its tables if it is new -- while the
        parent computes. Call it once the inputs passed their checks: a command refused for bad
        input must not leave a new store behind."""
        if not self._done:
            with contextlib.suppress(Exception):
                self._conn.send(OPEN)

    def close(self) -> None:
        """Stop the child without logging anything (the command failed before its run)."""
        if not self._done:
            self._done = True
            with contextlib.suppress(Exception):
                self._conn.send(None)
        with contextlib.suppress(Exception):
            self._conn.close()

    def _stop(self) -> None:
        """Wait for a child that is ending; one still logging is sent SIGTERM first (it ends its
        run FAILED), one that does not end in :data:`STOP_TIMEOUT` seconds is killed."""
        with contextlib.suppress(Exception):
            self._conn.close()
        if self._process.is_alive():
            self._process.join(0.05)
        if self._process.is_alive():
            with contextlib.suppress(Exception):
                self._process.terminate()
            self._process.join(STOP_TIMEOUT)
        if self._process.is_alive():
            with contextlib.suppress(Exception):
                self._process.kill()
            self._process.join(1.0)

    def __enter__(self) -> "TrackingProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _as_file(value: Any, folder: str, key: Any) -> Any:
    """A matplotlib figure becomes the path of its PNG (drawn as ``Run.log_figure`` would draw it);
    anything else is returned as it is."""
    if hasattr(value, "savefig") and hasattr(value, "canvas"):
        path = Path(folder) / f"figure_{key}.png"
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
            value.savefig(path)
        return str(path)
    return value


def _serve(conn, uri: str) -> None:
    """The child: load MLflow (and open an existing SQLite store), open the store when told
    (:data:`OPEN`), then run one call.

    Ctrl+C reaches the whole process group: the child leaves it to the parent, which stops the
    child with SIGTERM -- that ends an open run FAILED, through the handler the run (or the CLI)
    installed. Nothing is printed here: results, errors and warnings go back through ``conn``.
    """
    with contextlib.suppress(Exception):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with contextlib.suppress(Exception):
            _mlflow()
            db = sqlite_path(uri)
            if db is not None:
                importlib.import_module("mlflow.store.tracking.sqlalchemy_store")
                if db.is_file() and db.stat().st_size > 0:  # opening an existing store writes nothing
                    _client(uri)
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return  # the parent is gone or closed us: nothing to log
            if message is None:
                return
            if message == OPEN:  # the inputs passed their checks: the store may now be created
                with contextlib.suppress(Exception):  # a failure is reported by the call itself
                    _client(uri)
                continue
            break
        name, args, kwargs = message
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                status, value = "ok", getattr(records, name)(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 -- every failure goes back to the parent
                status, value = "error", _picklable(exc)
        kept = [(str(w.message), w.category) for w in caught
                if w.category.__module__.startswith("mstarget")]
        with contextlib.suppress(Exception):
            conn.send((status, value, kept))
    except BaseException:  # noqa: BLE001 -- e.g. SIGTERM while waiting: exit quietly
        return


def _picklable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a :class:`TrackingError` with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return TrackingError(f"{type(exc).__name__}: {exc}")
