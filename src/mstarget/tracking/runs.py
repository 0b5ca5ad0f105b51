"""Runs: start (nested), log parameters / metrics / artifacts, end FAILED on errors; the log_* helpers."""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
import re
import signal
import socket
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import pandas as pd

from ..exceptions import TrackingError
from .store import (
    DEFAULT_TIMEOUT,
    STATUSES,
    TrackingSettings,
    _client,
    _context_tags,
    _describe_failure,
    _experiment_id,
    _fail_fast,
    _retry_if_locked,
    check_store,
    data_fingerprint,
    package_versions,
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
                return _retry_if_locked(lambda: fn(*args, **kwargs), self.uri)
        except TrackingError:
            raise
        except Exception as exc:  # mlflow raises many types; one readable error for the user
            raise TrackingError(_describe_failure(self.uri, exc)) from exc

    def log_params(self, params: Mapping[str, Any]) -> None:
        from mlflow.entities import Param

        items = [Param(_metric_key(k), _param_text(v)) for k, v in params.items()]
        for i in range(0, len(items), 100):
            self._call(self.client.log_batch, self.run_id, params=items[i:i + 100])

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        from mlflow.entities import Metric

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
        from mlflow.entities import RunTag

        items = [RunTag(str(k), str(v)[:8000]) for k, v in tags.items()]
        for i in range(0, len(items), 100):
            self._call(self.client.log_batch, self.run_id, tags=items[i:i + 100])

    def log_table(self, df: pd.DataFrame, name: str) -> None:
        """Log a DataFrame as one CSV artifact (UTF-8 with BOM, so Excel shows Chinese correctly).

        ``name`` may contain a folder (``"tables/assessment.csv"``).
        """
        from ..io import spreadsheet_safe

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
        self._call(self.client.log_figure, self.run_id, fig, name)

    def log_text(self, text: str, name: str) -> None:
        self._call(self.client.log_text, self.run_id, text, name)

    def log_dict(self, data: Mapping[str, Any], name: str) -> None:
        self.log_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), name)

    def log_forecaster(self, model="auto", **kwargs) -> str:
        """Log the forecaster as a pyfunc model in this run; see :func:`log_forecaster`."""
        from .forecaster import log_forecaster

        return log_forecaster(model, run=self, **kwargs)


def _param_text(v: Any) -> str:
    if hasattr(v, "to_dict") and not isinstance(v, (pd.DataFrame, pd.Series)):
        v = v.to_dict()
    if isinstance(v, (list, tuple)):
        v = ",".join(map(str, v))
    elif isinstance(v, dict):
        v = json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
    text = "" if v is None else str(v)
    return text if len(text) <= 6000 else text[:5997] + "..."


def _metric_key(k: str) -> str:
    """A valid MLflow param / metric name: alphanumerics (Chinese too), ``_ - . space /``; the rest
    becomes ``_``, and the name must not read as another path (``a//b``, ``/a``, ``a/..``)."""
    text = "".join(c if c.isalnum() or c in "_-. /" else "_" for c in str(k))
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
    if the block raises, the run ends FAILED, its parent is told, and the exception propagates.
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
    try:  # a store that cannot even be opened (damaged file, unknown scheme) is a TrackingError too
        with _fail_fast(uri, timeout):
            client = run._client = _client(uri)
            if parent is None:
                _end_stale_runs(client, uri)
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
                lambda: client.create_run(experiment_id, run_name=run_name, tags=start_tags), uri)
    except TrackingError:
        raise
    except Exception as exc:
        raise TrackingError(_describe_failure(uri, exc)) from exc
    run.run_id, run.experiment_id = created.info.run_id, created.info.experiment_id

    token = _RUN_STACK.set(stack + (run,))
    sigterm = _catch_sigterm() if parent is None else None
    try:
        from .. import __version__

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
            try:
                run._call(client.set_terminated, run.run_id, "FINISHED")
            except TrackingError:
                _end_failed(run, None)
                raise
    finally:
        _restore_sigterm(sigterm)
        _RUN_STACK.reset(token)


def _end_failed(run: Run, exc: BaseException | None) -> None:
    """End ``run`` as FAILED, best effort and quickly (no retries): the store may be the culprit."""
    with _fail_fast(run.uri, min(run.timeout, 5.0), retries=0):
        tags = {}
        if run.failed_children:
            tags["mstarget.failed_children"] = ",".join(run.failed_children)
        if isinstance(exc, KeyboardInterrupt):
            tags["mstarget.error"] = f"interrupted ({exc or 'SIGINT / Ctrl+C'})"
        elif isinstance(exc, SystemExit):
            tags["mstarget.error"] = f"the process exited (code {exc.code}) while the run was open"
        elif exc is not None and not isinstance(exc, TrackingError):
            tags["mstarget.error"] = f"{type(exc).__name__}: {exc}"[:5000]
        if tags:
            with contextlib.suppress(Exception):
                from mlflow.entities import RunTag

                run.client.log_batch(run.run_id, tags=[RunTag(k, v) for k, v in tags.items()])
        with contextlib.suppress(Exception):
            run.client.set_terminated(run.run_id, "FAILED")


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


def _end_stale_runs(client, uri: str) -> list[str]:
    """End as FAILED the RUNNING runs of this store whose process (on this host) has died.

    A run is left RUNNING when its process is killed with SIGKILL or the machine stops; the
    next run started against the store (once per process) finds such runs by their
    ``mstarget.host`` / ``mstarget.pid`` tags and ends them, tag ``mstarget.error`` saying why.
    Runs of other hosts, of live processes and without these tags are left alone. Best effort.
    Returns the ids of the runs ended.
    """
    if uri in _SWEPT:
        return []
    _SWEPT.add(uri)
    host = socket.gethostname()
    ended = []
    with contextlib.suppress(Exception):
        experiments = [e.experiment_id for e in client.search_experiments(max_results=1000)]
        if not experiments:
            return []
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
            client.set_tag(r.info.run_id, "mstarget.error",
                           f"process {pid} on {host} ended without closing this run (killed, e.g. "
                           f"SIGKILL, or the machine stopped); marked FAILED by mstarget process "
                           f"{os.getpid()} on {time.strftime('%Y-%m-%d %H:%M:%S')}")
            client.set_terminated(r.info.run_id, "FAILED")
            ended.append(r.info.run_id)
    return ended


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


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


# --------------------------------------------------------------------------------------------
# what one tracked call logs
# --------------------------------------------------------------------------------------------

def assessment_metrics(table: pd.DataFrame) -> dict[str, float]:
    """Counts by status, number of targets and mean ``p_meet`` of an ``assess`` table."""
    counts = table["status"].value_counts() if "status" in table else pd.Series(dtype=int)
    out: dict[str, float] = {f"n_{k}": int(counts.get(k, 0)) for k in STATUSES}
    out["n_targets"] = len(table)
    if "p_meet" in table and table["p_meet"].notna().any():
        out["mean_p_meet"] = float(pd.to_numeric(table["p_meet"], errors="coerce").mean())
    if "attribute" in table and "status" in table:
        binding = table[table["attribute"] == "binding"]
        if len(binding):
            out["n_binding"] = len(binding)
            out["n_binding_at_risk_or_off_track"] = int(binding["status"].isin(["at_risk", "off_track"]).sum())
    return out


def forecast_metrics(table: pd.DataFrame) -> dict[str, float]:
    """Series and row counts, series per model used, and the mean relative width of the intervals."""
    out: dict[str, float] = {"n_rows": len(table)}
    if {"region", "indicator"} <= set(table.columns):
        series = table.drop_duplicates(["region", "indicator"])
        out["n_series"] = len(series)
        if "model" in table:
            for name, n in series["model"].value_counts().items():
                out[f"n_series_model.{name}"] = int(n)
    for col in table.columns:
        m = re.fullmatch(r"lo_(\d+(?:\.\d+)?)", str(col))
        if m and f"hi_{m.group(1)}" in table and "median" in table and len(table):
            med = pd.to_numeric(table["median"], errors="coerce").abs()
            width = pd.to_numeric(table[f"hi_{m.group(1)}"], errors="coerce") - pd.to_numeric(table[col], errors="coerce")
            rel = (width / med.where(med > 0)).dropna()
            if len(rel):
                out[f"mean_rel_width_{m.group(1)}"] = float(rel.mean())
    return out


#: per-target metrics are logged for the first this many rows (the full table is an artifact)
MAX_TARGET_METRICS = 200
TARGET_METRICS = ("p_meet", "forecast")


def _id_token(text: Any) -> str:
    """A metric-name part for an id: kept when it is plain ASCII (letters, digits, ``_ -``), else its
    ASCII letters and digits plus the first 8 hex digits of its SHA-1 (``鼎湖区`` -> ``h5d1c…``), so
    the same id always gives the same key, in every run and on every platform."""
    text = str(text)
    if re.fullmatch(r"[A-Za-z0-9_\-]+", text):
        return text
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    ascii_part = re.sub(r"[^A-Za-z0-9_\-]+", "_", text).strip("_")[:40]
    return f"{ascii_part}_{digest}" if ascii_part else f"h{digest}"


def target_metric_keys(table: pd.DataFrame, limit: int = MAX_TARGET_METRICS) -> pd.DataFrame:
    """The per-target metric names of an ``assess`` table's first ``limit`` rows.

    Returns a frame ``region, indicator, target_year, name, key`` where ``key`` is
    ``<region>.<indicator>`` (plus ``.<target_year>`` when the same indicator has several targets),
    each part through :func:`_id_token`; the metric names are ``p_meet.<key>`` and
    ``forecast.<key>``. Logged as ``per_target_metrics.csv`` so a hashed key can be read back.
    """
    cols = [c for c in ("region", "indicator", "target_year", "name") if c in table]
    rows = table[cols].head(limit).copy()
    if not {"region", "indicator"} <= set(cols):
        rows["key"] = [f"row{i + 1}" for i in range(len(rows))]
        return rows
    dup = rows.duplicated(["region", "indicator"], keep=False)
    rows["key"] = [f"{_id_token(r)}.{_id_token(i)}" + (f".{int(y)}" if d and pd.notna(y) else "")
                   for r, i, y, d in zip(rows["region"], rows["indicator"],
                                         rows.get("target_year", pd.Series([None] * len(rows))), dup)]
    return rows


def target_metrics(table: pd.DataFrame, limit: int = MAX_TARGET_METRICS) -> dict[str, float]:
    """``p_meet.<key>`` and ``forecast.<key>`` per target (first ``limit`` rows; see
    :func:`target_metric_keys`), so the MLflow UI compares two runs target by target."""
    keys = target_metric_keys(table, limit)["key"]
    out: dict[str, float] = {}
    for metric in TARGET_METRICS:
        if metric not in table:
            continue
        values = pd.to_numeric(table[metric].head(limit), errors="coerce")
        for key, v in zip(keys, values):
            if pd.notna(v):
                out[f"{metric}.{key}"[:250]] = float(v)
    return out


def describe_run(command: str, table: pd.DataFrame, params: Mapping[str, Any]) -> str:
    """A run name that says what ran: ``assess 鼎湖区 as of 2023 · auto``."""
    regions = [str(r) for r in pd.unique(table["region"].dropna())] if "region" in table else []
    where = "、".join(regions) if 0 < len(regions) <= 2 else (f"{len(regions)} regions" if regions else "")
    as_of = params.get("as_of")
    if as_of is None and "last_year" in table and pd.to_numeric(table["last_year"], errors="coerce").notna().any():
        as_of = int(pd.to_numeric(table["last_year"], errors="coerce").max())
    model = params.get("model")
    parts = [command] + ([where] if where else []) + ([f"as of {as_of}"] if as_of is not None else [])
    name = " ".join(parts) + (f" · {model}" if model else "")
    return name[:250]


def record_assessment(run: Run, table: pd.DataFrame, figure=None, files: Sequence[str | Path] = (),
                      overview=None) -> None:
    """Log an ``assess`` result into an open run: summary and per-target metrics (first
    :data:`MAX_TARGET_METRICS` rows), the full table ``assessment.csv``,
    ``per_target_metrics.csv``, ``fan_chart.png`` (a capped grid: binding targets plus the most
    at risk), ``overview_chart.png`` (every target in one chart) and any report ``files`` (under
    ``report/``). Whatever the number of rows, only the table grows: the cost is bounded."""
    per_target = target_metrics(table)
    run.log_metrics({**assessment_metrics(table), **per_target})
    run.log_table(table, "assessment.csv")
    run.log_table(target_metric_keys(table), "per_target_metrics.csv")
    run.set_tags({"mstarget.per_target_rows": min(len(table), MAX_TARGET_METRICS),
                  "mstarget.per_target_truncated": len(table) > MAX_TARGET_METRICS})
    if figure is not None:
        run.log_figure(figure, "fan_chart.png")
    if overview is not None:
        run.log_figure(overview, "overview_chart.png")
    for path in files:
        run.log_file(path, "report")


def record_forecast(run: Run, table: pd.DataFrame, figure=None, *,
                    forecaster: Mapping[str, Any] | None = None,
                    register_name: str | None = None) -> str | None:
    """Log a ``forecast`` result into an open run: metrics, ``forecast.csv``, optional chart.

    ``forecaster`` (keys ``model, horizon, levels, seed, n_paths, as_of``) also logs the forecaster
    as a pyfunc model (registered as ``register_name`` if given); its model URI is returned.
    """
    run.log_metrics(forecast_metrics(table))
    run.log_table(table, "forecast.csv")
    if figure is not None:
        run.log_figure(figure, "forecast_chart.png")
    if forecaster is None:
        return None
    from .forecaster import log_forecaster

    return log_forecaster(run=run, register_name=register_name, **dict(forecaster))


def _handle(exc: TrackingError, on_error: str) -> None:
    if on_error == "warn":
        from .. import exceptions

        category = getattr(exceptions, "TrackingWarning", exceptions.MstargetWarning)
        warnings.warn(f"the result was not tracked: {exc}", category, stacklevel=3)
        return
    raise exc


def _run_params(command: str, params: Mapping[str, Any], inputs: Sequence[pd.DataFrame] | None) -> dict:
    out = {"command": command, **package_versions(), **dict(params)}
    if inputs is not None and "data_fingerprint" not in out:
        out["data_fingerprint"] = data_fingerprint(*inputs)
    return out


def log_assessment(table: pd.DataFrame, params: dict, settings: TrackingSettings | None = None,
                   figure=None, *, inputs: Sequence[pd.DataFrame] | None = None,
                   on_error: str = "raise", run_name: str | None = None, command: str = "assess",
                   files: Sequence[str | Path] = (), overview=None) -> str | None:
    """Log one ``assess`` run; returns its run id (``None`` when tracking is disabled).

    ``params`` should hold ``model, as_of, seed`` and ``data_fingerprint`` (or pass ``inputs=
    (history, plan)`` to compute it); package versions are added. Inside an open
    :func:`start_run` block the run is a child of it. ``on_error="warn"`` turns a
    :class:`TrackingError` into a warning (for API callers, so the result is never lost).
    ``run_name`` defaults to :func:`describe_run` (``assess 鼎湖区 as of 2023 · auto``);
    ``command`` (tag ``mstarget.command``) is ``report`` for ``mstarget report``, whose report
    ``files`` are attached under ``report/``. ``figure`` is logged as ``fan_chart.png``,
    ``overview`` as ``overview_chart.png``.
    """
    name = run_name or describe_run(command, table, params)
    return _log_one(name, command, params, settings, inputs, on_error,
                    lambda run: record_assessment(run, table, figure, files, overview))


def log_forecast(table: pd.DataFrame, params: dict, settings: TrackingSettings | None = None,
                 figure=None, *, inputs: Sequence[pd.DataFrame] | None = None, log_model: bool = True,
                 register_name: str | None = None, on_error: str = "raise",
                 run_name: str = "forecast") -> str | None:
    """Log one ``forecast`` run; returns its run id (``None`` when tracking is disabled).

    Like :func:`log_assessment`. With ``log_model`` (default) and ``params`` naming ``model``
    and ``horizon``, the forecaster is logged as a pyfunc model ``forecaster`` in the run
    (``levels, seed, n_paths, as_of`` taken from ``params`` when present).
    """
    forecaster = None
    if log_model and "horizon" in params:
        forecaster = {k: params[k] for k in ("model", "horizon", "levels", "seed", "n_paths", "as_of")
                      if k in params and params[k] is not None}
    return _log_one(run_name, "forecast", params, settings, inputs, on_error,
                    lambda run: record_forecast(run, table, figure, forecaster=forecaster,
                                                register_name=register_name))


def log_backtest(result, params: dict, settings: TrackingSettings | None = None, *,
                 inputs: Sequence[pd.DataFrame] | None = None, figure=None,
                 on_error: str = "raise") -> str | None:
    """Log a backtest as one parent run with one child run per model (same metric names).

    The parent holds ``backtest_summary.csv``, ``coverage_by_horizon.csv`` (and
    ``attainment_calls.csv`` / ``reliability.csv`` when a plan was scored) and the calibration
    chart ``backtest_chart.png`` when a ``figure`` is given; each child holds its model's
    metrics and ``backtest_details.csv``, so the MLflow UI's compare view lines the models up.
    Returns the parent run id.
    """
    summary, details = result.summary, result.details
    calls = getattr(result, "calls", None)
    try:
        with start_run("backtest", settings, params=_run_params("backtest", params, inputs)) as parent:
            if parent is None:
                return None
            parent.log_table(summary, "backtest_summary.csv")
            parent.log_table(result.coverage_by_horizon(), "coverage_by_horizon.csv")
            if calls is not None and len(calls):
                parent.log_table(calls, "attainment_calls.csv")
                parent.log_table(result.reliability(), "reliability.csv")
            if figure is not None:
                parent.log_figure(figure, "backtest_chart.png")
            for _, row in summary.iterrows():
                label = str(row["model"])
                with start_run(f"backtest:{label}", settings, params={"model": label},
                               nested=True) as child:
                    child.log_metrics({k: row[k] for k in summary.columns if k != "model"})
                    child.log_table(details[details["model"] == label], "backtest_details.csv")
            return parent.run_id
    except TrackingError as exc:
        _handle(exc, on_error)
        return None
    except Exception as exc:  # whatever the failure, the result is kept (issue 14)
        _handle(TrackingError(_describe_failure(_store_of(settings), exc)), on_error)
        return None


def log_result(command: str, table: pd.DataFrame, params: dict,
               settings: TrackingSettings | None = None, *, metrics: Mapping[str, float] | None = None,
               figure=None, artifact: str = "result.csv", inputs: Sequence[pd.DataFrame] | None = None,
               files: Sequence[str | Path] = (), on_error: str = "raise") -> str | None:
    """Log any other tracked call (e.g. ``risk score``) as one run: params, metrics, one table,
    an optional chart and any ``files`` already written (e.g. a report)."""
    def record(run: Run) -> None:
        if metrics:
            run.log_metrics(metrics)
        run.log_table(table, artifact)
        if figure is not None:
            run.log_figure(figure, artifact.rsplit(".", 1)[0] + ".png")
        for path in files:
            run.log_file(path)

    return _log_one(command, command, params, settings, inputs, on_error, record)


def _log_one(run_name: str, command: str, params: Mapping[str, Any], settings: TrackingSettings | None,
             inputs: Sequence[pd.DataFrame] | None, on_error: str, record) -> str | None:
    """One run (a child run inside an open one) whose content ``record(run)`` logs; its id or None."""
    try:
        nested = active_run() is not None
        with start_run(run_name, settings, params=_run_params(command, params, inputs),
                       tags={"mstarget.command": command}, nested=nested) as run:
            if run is None:
                return None
            record(run)
            return run.run_id
    except TrackingError as exc:
        _handle(exc, on_error)
        return None
    except Exception as exc:  # whatever the failure, the result is kept (issue 14)
        _handle(TrackingError(_describe_failure(_store_of(settings), exc)), on_error)
        return None


def _store_of(settings: TrackingSettings | None) -> str:
    run = active_run()
    if run is not None:
        return run.uri
    try:
        return (settings or TrackingSettings.from_env()).store_uri()
    except Exception:
        return "?"


