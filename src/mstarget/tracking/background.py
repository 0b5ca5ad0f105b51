"""Log a command's run from a second process that loads MLflow while the command computes.

Importing MLflow and its SQLAlchemy store module takes about 1-1.5 s, several times what ``mstarget
assess`` needs on a bureau's table. A tracked command therefore starts a :class:`TrackingProcess`
first: a child process (forked, so it starts in milliseconds and shares the parent's imports)
that loads MLflow -- and opens an existing SQLite store -- on the second core while the parent
reads and forecasts. The parent then hands over one ``log_*`` call of :mod:`.records` (tables
and parameters pickled; charts as PNG files drawn by the parent) and waits for the run id. What is
logged is exactly what the same call logs in-process.

The parent hands over its call as soon as the results exist, with the charts it has still to draw
left :class:`Later`: the child logs parameters, metrics and tables while the parent draws, then
the charts. The store is opened only once the inputs passed their checks (:meth:`open_store`) and
written only once the call is handed over: a command refused for bad input closes the child,
which exits without touching the store. Errors of the store come back as the
same :class:`~mstarget.exceptions.TrackingError`, warnings as the same warnings. Ctrl+C while the child
logs ends the run KILLED, SIGTERM ends it FAILED, as in-process. The child is used only where forking is
safe and cheap -- Linux, no other Python thread running -- and ``MSTARGET_TRACKING_PROCESS=0``
turns it off; otherwise :func:`start` returns ``None`` and the caller logs in-process.
"""
from __future__ import annotations

import contextlib
import gc
import importlib
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from ..exceptions import TrackingError
from . import records, runs
from .store import TrackingSettings, _client, _mlflow, sqlite_path

#: the ``log_*`` functions of :mod:`.records` a :class:`TrackingProcess` may run
CALLS = ("log_assessment", "log_forecast", "log_backtest", "log_result")

#: message to the child: open the store now (creating a new SQLite store takes ~1 s)
OPEN = "open"

#: messages to the child: the charts left :class:`Later`; the command failed before sending them
PROVIDE, ABORT = "provide", "abort"

#: seconds the parent waits for a child that was told to stop (e.g. on SIGTERM)
STOP_TIMEOUT = 10.0

#: the exit code of a child stopped by SIGTERM (128 + 15, as the shell reports it): never 0
STOPPED_EXIT = 143

#: the signal by which the parent tells its child the user pressed Ctrl+C (the child ignores
#: SIGINT itself: Ctrl+C reaches the whole process group, and the parent decides)
CTRL_C = signal.SIGUSR1
#: what a run stopped by Ctrl+C records (tag ``mstarget.error``: ``interrupted (SIGINT / Ctrl+C)``)
CTRL_C_TEXT = "SIGINT / Ctrl+C"
#: the signal the kernel sends the child when the command's process dies (``PR_SET_PDEATHSIG``)
PARENT_DIED = signal.SIGUSR2
#: seconds between two looks of the child at its parent where ``PR_SET_PDEATHSIG`` is missing
PARENT_POLL = 0.5


#: what became of the call of the last :class:`TrackingProcess` of this process (None: none started since
#: :func:`forget`): "idle" (nothing handed over), "submitted", "logged" (the run id came back), "failed"
#: (the call raised), "stopped" (stopped while logging: its run ends FAILED). Read by the CLI to say what
#: an interrupted command left behind.
_OUTCOME: list[str] = []


def outcome() -> str | None:
    """What became of the last tracking process's call since :func:`forget` (see :data:`_OUTCOME`)."""
    return _OUTCOME[-1] if _OUTCOME else None


def forget() -> None:
    """Forget the last tracking process's outcome (a new command starts)."""
    _OUTCOME.clear()


def _note(state: str) -> None:
    _OUTCOME[:] = [state]


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


class Later:
    """Stands for a chart the command has not drawn yet when it hands over its ``log_*`` call
    (``figure=Later("figure")``): the child logs the tables meanwhile and waits for the chart
    only when it reaches it; :meth:`TrackingProcess.provide` sends it."""

    def __init__(self, key: str):
        self.key = key

    def __repr__(self) -> str:
        return f"Later({self.key!r})"


class TrackingProcess:
    """A child process that has loaded MLflow and runs one ``log_*`` call of :mod:`.records`.

    Use :func:`start` (it decides whether a child is worth it). Then :meth:`submit` the call as
    soon as the results exist -- with :class:`Later` for charts still to be drawn --,
    :meth:`provide` the charts, and :meth:`result` waits for the run id. :meth:`close` ends the
    child: before a submitted call nothing is logged; during one, the run ends FAILED.
    """

    def __init__(self, settings: TrackingSettings):
        for stream in (sys.stdout, sys.stderr):  # a forked child must not re-emit buffered output
            with contextlib.suppress(Exception):
                stream.flush()
        ctx = multiprocessing.get_context("fork")
        self._conn, child_end = ctx.Pipe()
        # the child gets the parent's end too, to close it: else its recv() never sees the
        # parent die (SIGKILL, OOM killer) and it would wait forever, the run left RUNNING
        self._process = ctx.Process(target=_serve, args=(child_end, settings.store_uri(), self._conn,
                                                         os.getpid()),
                                    name="mstarget-tracking", daemon=True)
        self._process.start()
        child_end.close()
        self._state = "idle"  # -> "submitted" -> "done"
        _note("idle")
        self._later: set[str] = set()
        self._tmp = tempfile.TemporaryDirectory(prefix="mstarget-charts-")

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def open_store(self) -> None:
        """Let the child open the store now -- creating its tables if it is new -- while the
        parent computes. Call it once the inputs passed their checks: a command refused for bad
        input must not leave a new store behind."""
        if self._state == "idle":
            with contextlib.suppress(Exception):
                self._conn.send(OPEN)

    def submit(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Hand over ``mstarget.tracking.<name>(*args, **kwargs)``; the child starts logging.

        Matplotlib figures among the arguments are drawn to PNG files here first (the child logs
        the files); :class:`Later` arguments are sent with :meth:`provide`.
        """
        if name not in CALLS:
            raise ValueError(f"TrackingProcess.submit: {name!r} is not one of {', '.join(CALLS)}")
        if self._state != "idle":
            raise RuntimeError("TrackingProcess.submit: one call per process, and this one was made")
        args = tuple(_as_file(a, self._tmp.name, i) for i, a in enumerate(args))
        kwargs = {k: _as_file(v, self._tmp.name, k) for k, v in kwargs.items()}
        self._later = {v.key for v in (*args, *kwargs.values()) if isinstance(v, Later)}
        self._state = "submitted"
        _note("submitted")
        self._send((name, args, kwargs))

    def provide(self, **charts: Any) -> None:
        """Send the charts the submitted call left :class:`Later`: a matplotlib figure (drawn to a
        PNG here) or the path of an image file already saved (logged as it is)."""
        unknown = set(charts) - self._later
        if unknown:
            raise ValueError(f"TrackingProcess.provide: {', '.join(sorted(unknown))} were not left Later")
        self._later -= set(charts)
        message = (PROVIDE, {k: _as_file(v, self._tmp.name, k) for k, v in charts.items()})
        with contextlib.suppress(OSError):  # a child that already failed: result() says why
            self._conn.send(message)

    def result(self) -> Any:
        """Wait for the submitted call; its return value (the run id). Raises what the call
        raised (a :class:`TrackingError` for the store's failures); its warnings are issued
        again here."""
        if self._state != "submitted":
            raise RuntimeError("TrackingProcess.result: no call was submitted")
        if self._later:
            raise RuntimeError(f"TrackingProcess.result: provide {', '.join(sorted(self._later))} first")
        try:
            reply = self._conn.recv()
        except (EOFError, OSError) as exc:
            self._finish()
            raise self._ended(exc) from exc
        except BaseException as exc:  # Ctrl+C or SIGTERM while the child logs: its run ends FAILED
            self._finish(exc)
            raise
        self._finish()
        status, value, caught = reply
        _note("logged" if status == "ok" else "stopped" if isinstance(value, KeyboardInterrupt) else "failed")
        for message, category in caught:
            warnings.warn(message, category, stacklevel=2)
        if status == "error":
            raise value
        return value

    def close(self, error: BaseException | None = None) -> None:
        """End the child: before :meth:`submit`, nothing is logged. With a call under way the run
        ends FAILED (KILLED on Ctrl+C): on SIGTERM / Ctrl+C (``error`` a ``KeyboardInterrupt``, or none) the child is
        stopped at once (tag ``mstarget.error``: ``interrupted (SIGTERM)``, or ``interrupted (SIGINT
        / Ctrl+C)`` for Ctrl+C); after another ``error`` of the command (e.g. drawing a chart) the
        child is told why first."""
        if self._state == "idle":
            with contextlib.suppress(Exception):
                self._conn.send(None)
            with contextlib.suppress(Exception):
                self._conn.close()
        elif self._state == "submitted":
            if error is not None and not isinstance(error, KeyboardInterrupt) and self._later:
                with contextlib.suppress(Exception):
                    self._conn.send((ABORT, f"{type(error).__name__}: {error}"[:2000]))
                    self._process.join(STOP_TIMEOUT)
            self._finish(error)
        self._state = "done"
        with contextlib.suppress(Exception):
            self._tmp.cleanup()

    def _send(self, message) -> None:
        try:
            self._conn.send(message)
        except (EOFError, OSError) as exc:
            self._finish()
            raise self._ended(exc) from exc

    def _ended(self, exc: BaseException) -> TrackingError:
        if self._process.exitcode in (STOPPED_EXIT, -signal.SIGTERM):
            return TrackingError(f"the tracking process was stopped by SIGTERM ({type(exc).__name__}); the "
                                 "results were written, the MLflow run was not logged. Run the command again "
                                 "to log it.")
        return TrackingError(f"the tracking process ended unexpectedly (exit code "
                             f"{self._process.exitcode}; {type(exc).__name__}); the results were "
                             "written, the MLflow run may be missing. Set MSTARGET_TRACKING_PROCESS=0 "
                             "to log in this process.")

    def _finish(self, interrupt: BaseException | None = None) -> None:
        """Wait for a child that is ending; one still logging is stopped first -- with
        :data:`CTRL_C` when ``interrupt`` is the user's Ctrl+C, else SIGTERM -- (it ends its run
        FAILED, saying which), one that does not end in :data:`STOP_TIMEOUT` seconds is killed."""
        if self._state == "submitted" and interrupt is not None:
            _note("stopped" if isinstance(interrupt, KeyboardInterrupt) else "failed")
        self._state = "done"
        # the pipe is closed only once the child is stopped: a child waiting for a chart would
        # take its end for the command's death (CommandDied) before hearing why it stops
        if self._process.is_alive():
            self._process.join(0.05)
        if self._process.is_alive() and isinstance(interrupt, KeyboardInterrupt) \
                and str(interrupt) != "SIGTERM":  # the CLI raises KeyboardInterrupt("SIGTERM") on SIGTERM
            with contextlib.suppress(Exception):
                os.kill(self._process.pid, CTRL_C)
                self._process.join(STOP_TIMEOUT)
        if self._process.is_alive():
            with contextlib.suppress(Exception):
                self._process.terminate()
            self._process.join(STOP_TIMEOUT)
        if self._process.is_alive():
            with contextlib.suppress(Exception):
                self._process.kill()
            self._process.join(1.0)
        with contextlib.suppress(Exception):
            self._conn.close()
        with contextlib.suppress(Exception):
            self._tmp.cleanup()

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


class CommandFailed(Exception):
    """In the child: the command failed after handing over its call (the run ends FAILED)."""


class CommandDied(BaseException):
    """In the child: the command's process died (SIGKILL, the OOM killer) -- the run ends FAILED
    (tag ``mstarget.error``: ``CommandDied: command process died ...``) and the child exits. A
    ``BaseException``: no ``except Exception`` of a logging step may swallow it."""


class _Awaited(os.PathLike):
    """In the child: a :class:`Later` chart; its path is the one the parent provides, received
    when the logging call first asks for it (``os.fspath``)."""

    def __init__(self, key: str, inbox: "_Inbox"):
        self.key, self.inbox = key, inbox

    def __fspath__(self) -> str:
        return self.inbox.path(self.key)


class _Inbox:
    """The paths of the charts the parent provides, read from ``conn`` as they are needed."""

    def __init__(self, conn):
        self.conn, self.paths = conn, {}

    def path(self, key: str) -> str:
        while key not in self.paths:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):  # the parent is gone: the run ends FAILED
                raise CommandDied(_died_text(os.getppid())) from None
            if isinstance(message, tuple) and message and message[0] == PROVIDE:
                self.paths.update(message[1])
            elif isinstance(message, tuple) and message and message[0] == ABORT:
                raise CommandFailed(f"the command failed before its charts were logged: {message[1]}")
        if self.paths[key] is None:
            raise TrackingError(f"the command provided no chart for {key!r}")
        return os.fspath(self.paths[key])


def _died_text(parent: int | None = None) -> str:
    who = f" (pid {parent})" if parent else ""
    return (f"command process died{who} before its run was logged (killed, e.g. SIGKILL or the OOM "
            "killer); its output files may be missing or old")


def _watch_parent(parent: int) -> None:
    """In the child: end the run FAILED and exit when the command's process ``parent`` dies.

    Its end of the pipe closed, a child waiting for a message sees EOF; one still logging is told
    by :data:`PARENT_DIED`, which the kernel sends when the parent dies (Linux ``prctl``), or --
    where that is missing -- by a thread that looks at the parent every :data:`PARENT_POLL`
    seconds."""
    def died(signum, frame):
        with contextlib.suppress(Exception):  # once: ending the run FAILED must not be cut short
            signal.signal(PARENT_DIED, signal.SIG_IGN)
        raise CommandDied(_died_text(parent))

    with contextlib.suppress(Exception):
        signal.signal(PARENT_DIED, died)
    armed = False
    with contextlib.suppress(Exception):
        import ctypes  # lazy: only the tracking child asks Linux for a parent-death signal (absent on some platforms)

        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(1, int(PARENT_DIED), 0, 0, 0) == 0  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # died before the watch was set
        os.kill(os.getpid(), PARENT_DIED)
        return
    if armed:
        return

    def poll() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        with contextlib.suppress(Exception):
            os.kill(os.getpid(), PARENT_DIED)

    threading.Thread(target=poll, name="mstarget-parent-watch", daemon=True).start()


def _serve(conn, uri: str, parent_end=None, parent: int | None = None) -> None:
    """The child: load MLflow (and open an existing SQLite store), open the store when told
    (:data:`OPEN`), then run one call.

    Ctrl+C reaches the whole process group: the child leaves it to the parent, which stops the
    child with SIGTERM. SIGTERM raises ``KeyboardInterrupt("SIGTERM")`` here (whatever handler the
    parent had): during the call it ends the open run FAILED, and the interruption goes back to the
    parent as the call's error; before or after the call the child says so to the parent too, and
    exits with :data:`STOPPED_EXIT` -- never quietly with 0. Nothing is printed here: results, errors
    and warnings go back through ``conn``.
    """
    with contextlib.suppress(Exception):
        signal.signal(signal.SIGTERM, _terminated)
        signal.signal(CTRL_C, _interrupted)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # last: SIGINT ignored means the handlers are in place
    runs.CTRL_C_SIGNALS.add(CTRL_C)  # here the user's Ctrl+C: a run it stops ends KILLED, even as it is being ended
    if parent_end is not None:  # only the parent holds its end: its death is EOF here
        with contextlib.suppress(Exception):
            parent_end.close()
    # The child lives for one call and its garbage is bounded: without the cyclic collector,
    # which otherwise walks the parent's inherited objects and MLflow's over and over while they
    # are imported, loading MLflow and its store takes ~20 % less time (0.9-1.0 s vs 1.15-1.25 s).
    gc.freeze()
    gc.disable()
    try:
        if parent is not None:
            _watch_parent(parent)
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
        inbox = _Inbox(conn)
        args = tuple(_Awaited(a.key, inbox) if isinstance(a, Later) else a for a in args)
        kwargs = {k: _Awaited(v.key, inbox) if isinstance(v, Later) else v for k, v in kwargs.items()}
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
    except KeyboardInterrupt as exc:  # SIGTERM (or Ctrl+C from the parent) outside the call: say so, exit 143
        with contextlib.suppress(BaseException):
            conn.send(("error", exc, []))
        raise SystemExit(STOPPED_EXIT) from None
    except BaseException:  # noqa: BLE001 -- e.g. the parent died while we waited: nothing to tell
        return
    finally:  # the call is over: the parent's death no longer concerns the child
        with contextlib.suppress(Exception):
            signal.signal(PARENT_DIED, signal.SIG_IGN)


def _terminated(signum, frame):
    """In the child: SIGTERM (from the parent stopping it, or sent to the whole process group)."""
    raise KeyboardInterrupt("SIGTERM")


def _interrupted(signum, frame):
    """In the child: the parent says the user pressed Ctrl+C (:data:`CTRL_C`)."""
    raise KeyboardInterrupt(CTRL_C_TEXT)


def _picklable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a :class:`TrackingError` with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return TrackingError(f"{type(exc).__name__}: {exc}")
