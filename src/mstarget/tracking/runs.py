"""Runs: start (nested), log parameters / metrics / artifacts, end FAILED on errors (also runs of
processes that died, and on SIGTERM), KILLED on Ctrl+C -- never left RUNNING by an interruption. What one tracked call logs into a run: :mod:`.records`."""
from __future__ import annotations

import contextlib
import contextvars
import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping
from urllib.parse import urlparse

import pandas as pd

from .._version import __version__
from ..exceptions import TrackingError
from ..io import spreadsheet_safe
from .store import (
    DEFAULT_TIMEOUT,
    TrackingSettings,
    _client,
    _context_tags,
    _describe_failure,
    _experiment_id,
    _fail_fast,
    _retry_if_locked,
    check_store,
    store_locked_out,
    timed_out,
    tracking_failure,
    TrackingInternalError,
)

# --------------------------------------------------------------------------------------------
# runs
# --------------------------------------------------------------------------------------------

@dataclass
class Run:
    """A live MLflow run; every method raises :class:`TrackingError` if the store fails."""

    run_id: str
    uri: str
    experiment_id: str
    _client: Any = field(repr=False, default=None)
    parent_run_id: str | None = None
    name: str = ""
    timeout: float = DEFAULT_TIMEOUT
    failed_children: list[str] = field(default_factory=list, repr=False)

    @property
    def client(self):
        if self._client is None:
            self._client = _client(self.uri)
        return self._client

    def _call(self, fn, *args, **kwargs):
        try:
            with _fail_fast(self.uri, self.timeout):
                return _retry_if_locked(lambda: fn(*args, **kwargs), self.uri, timeout=self.timeout)
        except TrackingError:
            raise
        except Exception as exc:  # mlflow raises many types; one readable error for the user
            raise tracking_failure(self.uri, exc) from exc

    def log_params(self, params: Mapping[str, Any]) -> None:
        from mlflow.entities import Param  # lazy: mlflow

        items = [Param(_metric_key(k), _param_text(v)) for k, v in params.items()]
        for i in range(0, len(items), 100):
            self._call(self.client.log_batch, self.run_id, params=items[i:i + 100])

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        from mlflow.entities import Metric  # lazy: mlflow

        now = int(time.time() * 1000)
        items = []
        for k, v in metrics.items():
            try:
                fv = float(v)
            except (TypeError, ValueError):
                continue
            if fv == fv:  # drop NaN: MLflow stores it but the UI cannot compare it
                items.append(Metric(_metric_key(k), fv, now, int(step or 0)))
        for i in range(0, len(items), 1000):
            self._call(self.client.log_batch, self.run_id, metrics=items[i:i + 1000])

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        from mlflow.entities import RunTag  # lazy: mlflow

        items = [RunTag(str(k), str(v)[:8000]) for k, v in tags.items()]
        for i in range(0, len(items), 100):
            self._call(self.client.log_batch, self.run_id, tags=items[i:i + 100])

    def log_table(self, df: pd.DataFrame, name: str) -> None:
        """Log a DataFrame as one CSV artifact (UTF-8 with BOM, so Excel shows Chinese correctly).

        ``name`` may contain a folder (``"tables/assessment.csv"``).
        """
        target = Path(name)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / target.name
                # opened in Excel from the MLflow UI: user text must not run as a formula
                spreadsheet_safe(df).to_csv(path, index=False, encoding="utf-8-sig")
                self.log_file(path, str(target.parent) if str(target.parent) != "." else None)
        except OSError as exc:  # the temporary copy (e.g. a full disk): a tracking failure
            raise TrackingError(_describe_failure(self.uri, exc)) from exc

    def log_file(self, path: str | Path, artifact_path: str | None = None) -> None:
        self._call(self.client.log_artifact, self.run_id, str(path), artifact_path)

    def log_figure(self, fig, name: str) -> None:
        """Log a chart as the artifact ``name``: a matplotlib Figure (drawn to an image here), or
        the path of an image file it was already saved to (logged as it is: drawn once)."""
        if not isinstance(fig, (str, os.PathLike)):
            self._call(self.client.log_figure, self.run_id, fig, name)
            return
        target = Path(name)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / target.name
                shutil.copyfile(fig, path)
                self.log_file(path, str(target.parent) if str(target.parent) != "." else None)
        except OSError as exc:  # the temporary copy (e.g. a full disk): a tracking failure
            raise TrackingError(_describe_failure(self.uri, exc)) from exc

    def log_text(self, text: str, name: str) -> None:
        self._call(self.client.log_text, self.run_id, text, name)

    def log_dict(self, data: Mapping[str, Any], name: str) -> None:
        self.log_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), name)


def _param_text(v: Any) -> str:
    if hasattr(v, "to_dict") and not isinstance(v, (pd.DataFrame, pd.Series)):
        v = v.to_dict()
    if isinstance(v, (list, tuple)):
        v = ",".join(map(str, v))
    elif isinstance(v, dict):
        v = json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
    text = "none" if v is None else str(v)  # e.g. as_of / half_life not set: said, not blank
    if text.strip() in ("", "None"):  # one spelling of "not given" in every run: none
        text = "none"
    return text if len(text) <= 6000 else text[:5997] + "..."


def _metric_key(k: str) -> str:
    """A valid MLflow param / metric name: letters and digits of any script (``\\w``: Chinese too),
    ``_ - . space /`` (MLflow's own rule, without the ``:`` Windows refuses); the rest becomes
    ``_``, and the name must not read as another path (``a//b``, ``/a``, ``a/..``)."""
    text = re.sub(r"[^\w\-. /]", "_", str(k))
    parts = [p for p in text.split("/") if p.strip(" ") not in ("", ".", "..")]
    return "/".join(parts)[:250] or "_"


#: the mstarget runs open in this thread / task, innermost last; ``None`` marks a disabled run
_RUN_STACK: contextvars.ContextVar[tuple] = contextvars.ContextVar("mstarget_runs", default=())


def active_run() -> Run | None:
    """The innermost run opened by :func:`start_run` in this context, if any."""
    stack = _RUN_STACK.get()
    return stack[-1] if stack else None


@contextlib.contextmanager
def start_run(run_name: str, settings: TrackingSettings | None = None, *,
              params: Mapping[str, Any] | None = None, tags: Mapping[str, Any] | None = None,
              nested: bool = False, parent_run_id: str | None = None) -> Iterator[Run | None]:
    """Open an MLflow run; yields ``None`` when tracking is disabled.

    Parameters
    ----------
    run_name : str
        Shown in the MLflow UI; also logged as tag ``mstarget.command``.
    settings : TrackingSettings, optional
        Store, experiment, on/off (default: from the environment).
    params, tags : mapping, optional
        Logged when the run starts.
    nested : bool
        Make this a child of the innermost run opened with :func:`start_run` in this context (same
        store and experiment; tag ``mlflow.parentRunId``). A child of a disabled parent is disabled.
        Without an open mstarget run, an active ``mlflow.start_run()`` run of the caller is the parent.
    parent_run_id : str, optional
        Explicit parent (e.g. a run opened in another process); implies ``nested``.

    On leaving the block normally the run ends FINISHED (FAILED if one of its child runs failed);
    if the block raises, the run ends FAILED -- KILLED on Ctrl+C (``KeyboardInterrupt``), what was
    logged kept --, its parent is told, and the exception propagates. Ctrl+C / SIGTERM arriving while
    the run is created or ended wait until it is (then act): an interruption never leaves it RUNNING.
    Failures of the store itself become :class:`TrackingError`.
    """
    stack = _RUN_STACK.get()
    parent: Run | None = None
    from_fluent = False  # parent is the caller's own mlflow.start_run() run
    if nested or parent_run_id:
        if parent_run_id is None and stack:
            if stack[-1] is None:  # the parent is not tracked: neither is the child
                yield None
                return
            parent = stack[-1]
        elif parent_run_id is not None and stack and stack[-1] is not None \
                and stack[-1].run_id == parent_run_id:
            parent = stack[-1]
        elif parent_run_id is None and "mlflow" in sys.modules:
            fluent = sys.modules["mlflow"].active_run()
            parent_run_id = fluent.info.run_id if fluent is not None else None
            from_fluent = parent_run_id is not None
    settings = settings or TrackingSettings.from_env()
    if parent is None and not settings.enabled:
        token = _RUN_STACK.set(stack + (None,))
        try:
            yield None
        finally:
            _RUN_STACK.reset(token)
        return

    uri = parent.uri if parent else settings.store_uri()
    timeout = parent.timeout if parent else settings.resolved_timeout()
    check_store(uri, timeout)
    run = Run(run_id="", uri=uri, experiment_id="", name=run_name, timeout=timeout,
              parent_run_id=parent.run_id if parent else parent_run_id)
    held: list = []  # the signal handlers held back while the run is created (_create_deferring_interrupts)
    try:  # a store that cannot even be opened (damaged file, unknown scheme) is a TrackingError too
        with _fail_fast(uri, timeout):
            client = run._client = _client(uri)
            if parent is None:
                _end_stale_runs(client, uri, timeout)
            experiment_id = parent.experiment_id if parent is not None else None
            if experiment_id is None and run.parent_run_id is not None:
                try:
                    experiment_id = client.get_run(run.parent_run_id).info.experiment_id
                except Exception:
                    if not from_fluent:
                        raise
                    run.parent_run_id = None  # the caller's run lives in another store
            if experiment_id is None:
                experiment_id = _experiment_id(client, uri, settings.resolved_experiment())
            start_tags = {**(_context_tags() if run.parent_run_id is None else {}),
                          **_process_tags(), "mstarget.command": run_name}
            if run.parent_run_id:
                start_tags["mlflow.parentRunId"] = run.parent_run_id
            created = _retry_if_locked(
                lambda: _create_deferring_interrupts(
                    lambda: client.create_run(experiment_id, run_name=run_name, tags=start_tags), held),
                uri, timeout=timeout)
    except TrackingError:
        _fire(_restore_handlers(held))
        raise
    except Exception as exc:
        _fire(_restore_handlers(held))
        raise tracking_failure(uri, exc) from exc
    except BaseException:
        _fire(_restore_handlers(held))
        raise
    run.run_id, run.experiment_id = created.info.run_id, created.info.experiment_id

    token = _RUN_STACK.set(stack + (run,))
    sigterm = None
    try:
        caught = _restore_handlers(held)
        sigterm = _catch_sigterm() if parent is None else None
        # a Ctrl+C / SIGTERM that came while the run was being created is handled here, where it ends the run FAILED
        _fire(caught)
        run.set_tags({"mstarget.version": __version__, **(tags or {})})
        if params:
            run.log_params(params)
        yield run
    except BaseException as exc:
        _end_failed(run, exc)
        if parent is not None:
            parent.failed_children.append(run_name)
        raise
    else:
        if run.failed_children:
            _end_failed(run, None)
            if parent is not None:
                parent.failed_children.append(run_name)
        else:
            _end_finished(run)
    finally:
        _restore_sigterm(sigterm)
        _RUN_STACK.reset(token)


def _end_finished(run: Run) -> None:
    """End ``run`` FINISHED -- with :data:`DEFERRED_SIGNALS` held back until it is ended (a Ctrl+C landing in
    the store's update used to leave the run RUNNING). A Ctrl+C held back meanwhile (:data:`CTRL_C_SIGNALS`)
    ends it KILLED instead (its logging kept) before it acts: the command stops with 130 and says the run was
    ended KILLED. A store that fails to end it: ended FAILED, :class:`TrackingError` raised."""
    with _signals_deferred() as caught:
        try:
            run._call(run.client.set_terminated, run.run_id, "FINISHED")
        except TrackingError:
            _end_failed(run, None)
            raise
        if any(sig in CTRL_C_SIGNALS for sig in caught):
            _end_failed(run, KeyboardInterrupt("SIGINT / Ctrl+C, as the run was being ended"))


#: the signals that mean the user's Ctrl+C in this process (a run interrupted by one ends KILLED); the tracking
#: process (:mod:`.background`), which ignores SIGINT, adds the signal its command sends it on Ctrl+C
CTRL_C_SIGNALS: set[int] = {signal.SIGINT}


def interrupted_status(exc: BaseException | None) -> str:
    """The MLflow status of a run ended by ``exc``: ``KILLED`` for the user's Ctrl+C (a ``KeyboardInterrupt``
    other than the CLI's ``KeyboardInterrupt("SIGTERM")``), else ``FAILED`` (errors, SIGTERM, the process
    exiting or dying)."""
    if isinstance(exc, KeyboardInterrupt) and str(exc) != "SIGTERM":
        return "KILLED"
    return "FAILED"


def _end_failed(run: Run, exc: BaseException | None) -> None:
    """End ``run`` as FAILED -- KILLED when ``exc`` is the user's Ctrl+C (:func:`interrupted_status`) --,
    best effort and quickly (no retries): the store may be the culprit. :data:`DEFERRED_SIGNALS` wait until
    it is ended (a second Ctrl+C used to cut it short, leaving the run RUNNING). A SQLite store another
    program has held locked past the timeout is left alone (each write would wait again): the next command
    started against it ends the run FAILED."""
    if store_locked_out(run.uri, run.timeout):
        return
    with _signals_deferred(), _fail_fast(run.uri, min(run.timeout, 5.0), retries=0):
        tags = {}
        if run.failed_children:
            tags["mstarget.failed_children"] = ",".join(run.failed_children)
        if isinstance(exc, KeyboardInterrupt):
            tags["mstarget.error"] = f"interrupted ({str(exc) or 'SIGINT / Ctrl+C'})"
        elif isinstance(exc, SystemExit):
            tags["mstarget.error"] = f"the process exited (code {exc.code}) while the run was open"
        elif isinstance(exc, TrackingInternalError):  # a bug of mstarget while logging, not the store
            tags["mstarget.error"] = str(exc)[:5000]
        elif isinstance(exc, TrackingError):  # the store failed; it may still take a tag saying why
            tags["mstarget.error"] = f"the tracking store failed: {exc}"[:5000]
        elif exc is not None:
            tags["mstarget.error"] = f"{type(exc).__name__}: {exc}"[:5000]
        if tags:
            with contextlib.suppress(Exception):
                from mlflow.entities import RunTag  # lazy: mlflow

                run.client.log_batch(run.run_id, tags=[RunTag(k, v) for k, v in tags.items()])
        with contextlib.suppress(Exception):
            run.client.set_terminated(run.run_id, interrupted_status(exc))


# --------------------------------------------------------------------------------------------
# runs of processes that died (SIGKILL, power loss) and SIGTERM
# --------------------------------------------------------------------------------------------

def _process_state(pid: int) -> tuple[str, str] | None:
    """``(state, start time in clock ticks since boot)`` of process ``pid`` from Linux's
    ``/proc``, else ``None``; the start time and the pid name one process even after the pid
    is reused, state ``"Z"`` is a process that has ended (a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (command) "
    return fields[0], fields[19]


def _process_tags() -> dict[str, str]:
    """``mstarget.host`` / ``mstarget.pid`` (/ ``mstarget.pid_start``) of this process, set
    when a run is created so that a later start can tell the run's process has died."""
    tags = {"mstarget.host": socket.gethostname(), "mstarget.pid": str(os.getpid())}
    state = _process_state(os.getpid())
    if state is not None:
        tags["mstarget.pid_start"] = state[1]
    return tags


def _process_alive(pid: int, started: str | None) -> bool:
    """Whether process ``pid`` (started at ``started``, if known) still runs on this host;
    ``True`` when in doubt."""
    if pid <= 0:
        return True  # not a process id we wrote: leave the run alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        pass
    state = _process_state(pid)
    if state is None:
        return True
    return state[0] != "Z" and (started is None or state[1] == started)


_SWEPT: set[str] = set()


def _end_stale_runs(client, uri: str, timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """End as FAILED the RUNNING runs of this store whose process (on this host) has died.

    A run is left RUNNING when its process is killed with SIGKILL or the machine stops; the
    next run started against the store (once per process) finds such runs by their
    ``mstarget.host`` / ``mstarget.pid`` tags and ends them, tag ``mstarget.error`` saying why.
    Runs of other hosts, of live processes and without these tags are left alone. Best effort --
    but a server that leaves a request unanswered for ``timeout`` seconds (asked once: no retry)
    would leave the run's own requests unanswered too: that failure is raised, not waited for
    again by each of them.
    Returns the ids of the runs ended.
    """
    if uri in _SWEPT:
        return []
    _SWEPT.add(uri)
    ended: list[str] = []
    try:
        with _fail_fast(uri, timeout, retries=0):
            _sweep(client, uri, ended)
    except Exception as exc:
        if urlparse(uri).scheme in ("http", "https") and timed_out(exc):
            raise
    return ended


def _sweep(client, uri: str, ended: list[str]) -> None:
    """The work of :func:`_end_stale_runs`: the ids of the runs it ends are added to ``ended`` (those
    ended before the store failed stay ended); raises what the store raises."""
    host = socket.gethostname()
    experiments = [e.experiment_id for e in client.search_experiments(max_results=1000)]
    if not experiments:
        return
    quoted = host.replace("'", "\\'")
    runs = client.search_runs(experiments, max_results=1000,
                              filter_string=f"attributes.status = 'RUNNING' and "
                                            f"tags.`mstarget.host` = '{quoted}'")
    for r in runs:
        tags = r.data.tags
        try:
            pid = int(tags.get("mstarget.pid", ""))
        except ValueError:
            continue
        if pid == os.getpid() or _process_alive(pid, tags.get("mstarget.pid_start")):
            continue
        # read the run again now that its process is known to be gone: a run that process
        # ended between the search and the check above (FINISHED) is left as it is
        if client.get_run(r.info.run_id).info.status != "RUNNING":
            continue
        client.set_tag(r.info.run_id, "mstarget.error",
                       f"process {pid} on {host} ended without closing this run (killed, e.g. "
                       f"SIGKILL, or the machine stopped); marked FAILED by mstarget process "
                       f"{os.getpid()} on {time.strftime('%Y-%m-%d %H:%M:%S')}")
        client.set_terminated(r.info.run_id, "FAILED")
        ended.append(r.info.run_id)


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


#: the signals held back from the moment a run is created in the store until the block that ends it FAILED is
#: entered: Ctrl+C, SIGTERM, and the tracking process's Ctrl+C from its command (SIGUSR1) and its command's death
#: (SIGUSR2, :mod:`.background`). One arriving in between used to leave the run RUNNING -- later ended FAILED by the
#: next command as if its process had been killed (SIGKILL) -- while the command said nothing was left half-written.
DEFERRED_SIGNALS = tuple(sig for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGUSR1", None),
                                         getattr(signal, "SIGUSR2", None)) if sig is not None)


def _create_deferring_interrupts(create, held: list):
    """``create()`` (the store's ``create_run``) with :data:`DEFERRED_SIGNALS` held back: their Python handlers
    (which run in the main thread, whichever thread the signal reached) replaced by one noting the signal. On
    success they stay held -- ``(handlers, signals noted)`` put in ``held`` -- until :func:`_restore_handlers` and
    :func:`_fire`, once the run is guarded; on failure they are restored and fired at once (a retry waiting for a
    locked store stays interruptible between attempts). Only in the main thread (elsewhere: ``create()``)."""
    if held or threading.current_thread() is not threading.main_thread():
        return create()
    handlers, caught = _hold_signals()
    try:
        created = create()
    except BaseException:
        _fire(_restore_handlers([(handlers, caught)]))
        raise
    held.append((handlers, caught))
    return created


def _hold_signals() -> tuple[dict, list[int]]:
    """Replace the Python handlers of :data:`DEFERRED_SIGNALS` by one noting the signal (main thread only);
    ``(the handlers replaced, the list the signals are noted in)`` for :func:`_restore_handlers`. Ignored
    signals (the tracking process's SIGINT) stay ignored."""
    caught: list[int] = []

    def hold(signum, frame):
        caught.append(signum)

    handlers = {}
    for sig in DEFERRED_SIGNALS:
        with contextlib.suppress(OSError, ValueError, TypeError):
            previous = signal.getsignal(sig)
            if previous is None or previous is signal.SIG_IGN:
                continue
            signal.signal(sig, hold)
            handlers[sig] = previous
    return handlers, caught


@contextlib.contextmanager
def _signals_deferred() -> Iterator[list[int]]:
    """Hold :data:`DEFERRED_SIGNALS` back while the block ends a run; then handle them as they would have been
    (:func:`_fire`: Ctrl+C raises ``KeyboardInterrupt`` after the block). Yields the list of the signals noted so
    far. Outside the main thread (where Python runs no handler) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    handlers, caught = _hold_signals()
    try:
        yield caught
    finally:
        _fire(_restore_handlers([(handlers, caught)]))


def _restore_handlers(held: list) -> list[int]:
    """Put back the handlers :func:`_create_deferring_interrupts` replaced; the signals noted meanwhile."""
    caught: list[int] = []
    while held:
        handlers, noted = held.pop()
        for sig, handler in handlers.items():
            with contextlib.suppress(OSError, ValueError, TypeError):
                signal.signal(sig, handler)
        caught += noted
    return caught


def _fire(caught: list[int]) -> None:
    """Handle the signals held back, each once, as they would have been: by the handler now in place (Python's
    Ctrl+C handler raises KeyboardInterrupt), or -- the default action -- sent again."""
    for sig in dict.fromkeys(caught):
        handler = signal.getsignal(sig)
        if callable(handler):
            handler(sig, None)
        elif handler is signal.SIG_DFL:
            os.kill(os.getpid(), sig)


def _catch_sigterm():
    """While a run is open, SIGTERM (whose default handler kills the process on the spot and
    leaves the run RUNNING) raises ``SystemExit(143)``, so the run is ended FAILED first.

    Only in the main thread and when SIGTERM has its default handler (the CLI and callers with
    a handler of their own keep theirs). Returns what :func:`_restore_sigterm` needs."""
    if threading.current_thread() is not threading.main_thread():
        return None
    with contextlib.suppress(ValueError, OSError):
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
            return signal.SIG_DFL
    return None


def _restore_sigterm(previous) -> None:
    if previous is not None:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGTERM, previous)
