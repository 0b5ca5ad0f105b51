"""MLflow tracking: the only module of mstarget that imports ``mlflow`` (and only when a run is logged).

One tracked call logs one run: parameters (model spec, ``as_of``, horizon, seed, a fingerprint of
the input data, package versions), summary metrics and artifacts (result tables, charts, the
forecaster as an MLflow pyfunc model). Thousands of series still mean one run: per-series results go
into one table artifact. Comparisons log one child run per model under a parent run
(``start_run(..., nested=True)`` or ``parent_run_id=...``).

Store
    In order of precedence: the ``tracking_uri`` argument (CLI ``--tracking-uri``), the
    ``MLFLOW_TRACKING_URI`` environment variable, then MLflow's embedded default, a SQLite file
    ``mlflow.db`` in the working directory (no server needed). A relative SQLite path is made
    absolute; new experiments in a SQLite store keep their artifacts next to the database file
    (``<db folder>/mlruns/``). ``mstarget ui`` opens the same store.

Failures
    Every failure of the store becomes :class:`~mstarget.exceptions.TrackingError` (the CLI exits
    with code 3, after the results were written). Before a run starts the store is checked: an
    ``http(s)`` server must accept a TCP connection within ``MSTARGET_TRACKING_TIMEOUT`` seconds
    (default 10), a SQLite file must lie in an existing, writable folder. During our calls to an
    HTTP store MLflow's own retry policy (by default 7 retries with exponential backoff, minutes in
    total) is shortened, unless the user set those variables: ``MLFLOW_HTTP_REQUEST_MAX_RETRIES=2``,
    ``MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR=1``, ``MLFLOW_HTTP_REQUEST_BACKOFF_JITTER=0.5`` and
    ``MLFLOW_HTTP_REQUEST_TIMEOUT`` = the tracking timeout. A run that was started is ended with
    status FAILED (tag ``mstarget.error`` says why) whenever its block raises, and a parent run
    whose child failed ends FAILED too (tag ``mstarget.failed_children``): never left RUNNING,
    unless the store itself is gone and cannot be told.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import math
import numbers
import os
import re
import socket
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence
from urllib.parse import urlparse

import pandas as pd

from .exceptions import TrackingError

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
DEFAULT_EXPERIMENT = "mstarget"
#: seconds: reachability check of an HTTP store and timeout of each HTTP request
DEFAULT_TIMEOUT = 10.0
#: artifact name of the pyfunc forecaster inside a run
FORECASTER_NAME = "forecaster"
STATUSES = ("met", "on_track", "at_risk", "off_track", "no_data")

_TRUE = {"1", "true", "yes", "on"}


# --------------------------------------------------------------------------------------------
# settings
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrackingSettings:
    """Where and whether to log.

    Explicit arguments win over the environment (``MLFLOW_TRACKING_URI``, ``MSTARGET_EXPERIMENT``,
    ``MSTARGET_NO_TRACK=1``, ``MSTARGET_TRACKING_TIMEOUT``).
    """

    enabled: bool = True
    tracking_uri: str | None = None
    experiment: str | None = None
    timeout: float | None = None

    def resolved_uri(self) -> str:
        return self.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI

    def store_uri(self) -> str:
        """The resolved URI in the form runs are logged to (a SQLite path made absolute)."""
        return normalize_uri(self.resolved_uri())

    def resolved_experiment(self) -> str:
        return self.experiment or os.environ.get("MSTARGET_EXPERIMENT") or DEFAULT_EXPERIMENT

    def resolved_timeout(self) -> float:
        raw = self.timeout if self.timeout is not None else os.environ.get("MSTARGET_TRACKING_TIMEOUT")
        if raw is None or raw == "":
            return DEFAULT_TIMEOUT
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = float("nan")
        if not (value > 0 and math.isfinite(value)):
            raise TrackingError(f"MSTARGET_TRACKING_TIMEOUT must be a number of seconds > 0; got {raw!r}")
        return value

    @classmethod
    def from_env(cls, *, enabled: bool | None = None, tracking_uri: str | None = None,
                 experiment: str | None = None, timeout: float | None = None) -> "TrackingSettings":
        if enabled is None:
            enabled = os.environ.get("MSTARGET_NO_TRACK", "").strip().lower() not in _TRUE
        return cls(enabled=enabled, tracking_uri=tracking_uri, experiment=experiment, timeout=timeout)


def normalize_uri(uri: str) -> str:
    """``sqlite:///rel.db`` -> ``sqlite:////abs/rel.db``; a bare ``*.db`` path -> SQLite URI."""
    uri = str(uri).strip()
    if "://" not in uri and uri.endswith((".db", ".sqlite")):
        return "sqlite:///" + str(Path(uri).expanduser().resolve())
    if uri.startswith("sqlite:///"):
        path = uri[len("sqlite:///"):]
        if path and path != ":memory:" and not path.startswith("/"):
            return "sqlite:///" + str(Path(path).resolve())
    return uri


def sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` URI, else ``None``."""
    uri = normalize_uri(uri)
    if not uri.startswith("sqlite:///"):
        return None
    path = uri[len("sqlite:///"):].split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


def data_fingerprint(*frames: pd.DataFrame) -> str:
    """A short, stable hash of the content of one or more tables (order of rows matters)."""
    h = hashlib.sha256()
    for df in frames:
        if df is None:
            continue
        h.update(pd.util.hash_pandas_object(df.reset_index(drop=True), index=False).values.tobytes())
        h.update(",".join(map(str, df.columns)).encode())
    return h.hexdigest()[:16]


def package_versions() -> dict[str, str]:
    """Versions of mstarget and its main dependencies, logged with every run."""
    import importlib.metadata as md

    out = {}
    for name in ("mstarget", "numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "prophet", "mlflow"):
        try:
            out[f"version.{name}"] = md.version(name)
        except md.PackageNotFoundError:
            out[f"version.{name}"] = "not installed"
    return out


# --------------------------------------------------------------------------------------------
# talking to the store
# --------------------------------------------------------------------------------------------

def _mlflow():
    import logging

    import mlflow

    # MLflow's INFO lines (creating tables, experiments) are noise on an analyst's terminal
    for name in ("mlflow.store.db.utils", "alembic"):
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.WARNING)
    return mlflow


@contextlib.contextmanager
def _quiet(*names: str) -> Iterator[None]:
    import logging

    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def _describe_failure(uri: str, exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (f"MLflow tracking store {uri!r} failed: {type(exc).__name__}: {text[:500]}. "
            "Check --tracking-uri / MLFLOW_TRACKING_URI, or pass --no-track to skip tracking.")


def check_store(uri: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Fail fast, before a run starts, if the store obviously cannot work.

    HTTP(S): a TCP connection to the server within ``timeout`` seconds. SQLite / file: the folder
    exists and is writable (and so is the database file if it exists).
    """
    uri = normalize_uri(uri)
    scheme = urlparse(uri).scheme
    if scheme in ("http", "https"):
        parts = urlparse(uri)
        host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
        if not host:
            raise TrackingError(f"tracking URI {uri!r} names no host")
        try:
            socket.create_connection((host, port), timeout=timeout).close()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            if isinstance(exc, TimeoutError) or isinstance(exc, socket.timeout):
                reason = f"no answer within {timeout:g} s (MSTARGET_TRACKING_TIMEOUT)"
            raise TrackingError(
                f"cannot reach the MLflow tracking server at {uri}: {reason}. Start the server, "
                "fix --tracking-uri / MLFLOW_TRACKING_URI, or pass --no-track.") from exc
        return
    db = sqlite_path(uri)
    if db is not None:
        _check_writable(db, "SQLite tracking database", uri)
    elif scheme in ("", "file"):
        path = Path(urlparse(uri).path if scheme == "file" else uri)
        if not path.exists():
            _check_writable(path, "MLflow file store", uri)


def _check_writable(path: Path, what: str, uri: str) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise TrackingError(f"cannot create the {what} {str(path)!r}: folder {str(folder)!r} does not "
                            f"exist (tracking URI {uri}). Create it, choose another --tracking-uri, "
                            "or pass --no-track.")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise TrackingError(f"the {what} {str(path)!r} is read-only (tracking URI {uri}). "
                            "Choose another --tracking-uri, or pass --no-track.")
    if not path.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise TrackingError(f"cannot create the {what} {str(path)!r}: folder {str(folder)!r} is not "
                            f"writable (tracking URI {uri}). Choose another --tracking-uri, "
                            "or pass --no-track.")


_HTTP_DEFAULTS = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
                  "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER": "0.5"}


@contextlib.contextmanager
def _fail_fast(uri: str, timeout: float, *, retries: int | None = None) -> Iterator[None]:
    """Shorten MLflow's HTTP retry policy for the duration of our calls (user settings win).

    ``retries`` forces a value (used to end a run FAILED after the store already failed once).
    """
    if urlparse(uri).scheme not in ("http", "https"):
        yield
        return
    wanted = dict(_HTTP_DEFAULTS, MLFLOW_HTTP_REQUEST_TIMEOUT=str(max(1, math.ceil(timeout))))
    saved = {}
    for key, value in wanted.items():
        if retries is not None and key in ("MLFLOW_HTTP_REQUEST_MAX_RETRIES",):
            saved[key] = os.environ.get(key)
            os.environ[key] = str(retries)
        elif key not in os.environ:
            saved[key] = None
            os.environ[key] = value
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


_CLIENTS: dict[str, Any] = {}


def _client(uri: str):
    if uri not in _CLIENTS:
        mlflow = _mlflow()
        _CLIENTS[uri] = mlflow.MlflowClient(tracking_uri=uri)
    return _CLIENTS[uri]


@contextlib.contextmanager
def _global_tracking_uri(uri: str) -> Iterator[None]:
    """Point MLflow's global tracking URI at ``uri`` for a block, then restore it exactly.

    Only model logging needs this (``Model.log`` resolves the global URI); everything else uses
    an :class:`mlflow.MlflowClient` bound to the store, so the caller's MLflow state is untouched.
    """
    mlflow = _mlflow()
    from mlflow.tracking._tracking_service import utils as tracking_utils

    old_global = getattr(tracking_utils, "_tracking_uri", None)
    old_env = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(uri)
    try:
        yield
    finally:
        mlflow.set_tracking_uri(old_global)
        if old_env is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = old_env


def _experiment_id(client, uri: str, name: str) -> str:
    exp = client.get_experiment_by_name(name)
    if exp is None:
        location = None
        db = sqlite_path(uri)
        if db is not None:
            slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:40] or "experiment"
            slug += "-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
            location = (db.parent / "mlruns" / slug).as_uri()
        try:
            return client.create_experiment(name, artifact_location=location)
        except Exception:  # created meanwhile by another process
            exp = client.get_experiment_by_name(name)
            if exp is None:
                raise
    if exp.lifecycle_stage == "deleted":
        raise TrackingError(f"MLflow experiment {name!r} was deleted; restore it in the MLflow UI "
                            "or choose another --experiment")
    return exp.experiment_id


def _context_tags() -> dict[str, str]:
    """User, source and git commit tags as ``mlflow.start_run`` would set them (best effort)."""
    try:
        from mlflow.tracking.context.registry import resolve_tags

        return {k: str(v) for k, v in resolve_tags({}).items()}
    except Exception:
        return {}


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
                return fn(*args, **kwargs)
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
        target = Path(name)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / target.name
            df.to_csv(path, index=False, encoding="utf-8-sig")
            self.log_file(path, str(target.parent) if str(target.parent) != "." else None)

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
    client = _client(uri)
    run = Run(run_id="", uri=uri, experiment_id="", _client=client, name=run_name, timeout=timeout,
              parent_run_id=parent.run_id if parent else parent_run_id)
    try:
        with _fail_fast(uri, timeout):
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
                          "mstarget.command": run_name}
            if run.parent_run_id:
                start_tags["mlflow.parentRunId"] = run.parent_run_id
            created = client.create_run(experiment_id, run_name=run_name, tags=start_tags)
    except TrackingError:
        raise
    except Exception as exc:
        raise TrackingError(_describe_failure(uri, exc)) from exc
    run.run_id, run.experiment_id = created.info.run_id, created.info.experiment_id

    token = _RUN_STACK.set(stack + (run,))
    try:
        from . import __version__

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
        _RUN_STACK.reset(token)


def _end_failed(run: Run, exc: BaseException | None) -> None:
    """End ``run`` as FAILED, best effort and quickly (no retries): the store may be the culprit."""
    with _fail_fast(run.uri, min(run.timeout, 5.0), retries=0):
        tags = {}
        if run.failed_children:
            tags["mstarget.failed_children"] = ",".join(run.failed_children)
        if exc is not None and not isinstance(exc, TrackingError):
            tags["mstarget.error"] = f"{type(exc).__name__}: {exc}"[:5000]
        if tags:
            with contextlib.suppress(Exception):
                from mlflow.entities import RunTag

                run.client.log_batch(run.run_id, tags=[RunTag(k, v) for k, v in tags.items()])
        with contextlib.suppress(Exception):
            run.client.set_terminated(run.run_id, "FAILED")


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


def record_assessment(run: Run, table: pd.DataFrame, figure=None) -> None:
    """Log an ``assess`` result into an open run: metrics, ``assessment.csv``, ``fan_chart.png``."""
    run.log_metrics(assessment_metrics(table))
    run.log_table(table, "assessment.csv")
    if figure is not None:
        run.log_figure(figure, "fan_chart.png")


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
    return log_forecaster(run=run, register_name=register_name, **dict(forecaster))


def _handle(exc: TrackingError, on_error: str) -> None:
    if on_error == "warn":
        from . import exceptions

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
                   on_error: str = "raise", run_name: str = "assess") -> str | None:
    """Log one ``assess`` run; returns its run id (``None`` when tracking is disabled).

    ``params`` should hold ``model, as_of, seed`` and ``data_fingerprint`` (or pass ``inputs=
    (history, plan)`` to compute it); package versions are added. Inside an open
    :func:`start_run` block the run is a child of it. ``on_error="warn"`` turns a
    :class:`TrackingError` into a warning (for API callers, so the result is never lost).
    """
    return _log_one(run_name, "assess", params, settings, inputs, on_error,
                    lambda run: record_assessment(run, table, figure))


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
                 inputs: Sequence[pd.DataFrame] | None = None, on_error: str = "raise") -> str | None:
    """Log a backtest as one parent run with one child run per model (same metric names).

    The parent holds ``backtest_summary.csv`` (and ``attainment_calls.csv`` when a plan was
    scored); each child holds its model's metrics and ``backtest_details.csv``, so the MLflow
    UI's compare view lines the models up. Returns the parent run id.
    """
    summary, details = result.summary, result.details
    calls = getattr(result, "calls", None)
    try:
        with start_run("backtest", settings, params=_run_params("backtest", params, inputs)) as parent:
            if parent is None:
                return None
            parent.log_table(summary, "backtest_summary.csv")
            if calls is not None and len(calls):
                parent.log_table(calls, "attainment_calls.csv")
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
                       nested=nested) as run:
            if run is None:
                return None
            record(run)
            return run.run_id
    except TrackingError as exc:
        _handle(exc, on_error)
        return None


# --------------------------------------------------------------------------------------------
# the forecaster as an MLflow pyfunc model
# --------------------------------------------------------------------------------------------

_FORECASTER_CLASS = None


def _forecaster_class():
    """``MstargetForecaster``, a ``mlflow.pyfunc.PythonModel``; built on first use.

    Defined lazily so that ``import mstarget`` does not import mlflow; published as the module
    attribute ``mstarget.tracking.MstargetForecaster`` so pickles refer to it by name.
    """
    global _FORECASTER_CLASS
    if _FORECASTER_CLASS is not None:
        return _FORECASTER_CLASS
    import mlflow.pyfunc

    class MstargetForecaster(mlflow.pyfunc.PythonModel):
        """Forecasts every series of a history frame with a stored mstarget model spec.

        ``predict(history)`` takes ``region, indicator, year, value`` (optional ``unit``) and
        returns ``region, indicator, year, mean, median, lo_<L>, hi_<L>..., model``.
        """

        def __init__(self, config: dict | None = None):
            self.config = dict(config) if config else None

        def load_context(self, context):
            if self.config is None:  # models-from-code: the settings come from model_config
                self.config = dict((context.model_config or {})["mstarget_forecaster"])

        def predict(self, context, model_input: pd.DataFrame, params=None):  # DataFrame: no schema check
            from .forecast import forecast
            from .models import ModelSpec

            cfg = self.config
            spec = cfg["spec"]
            label = spec.get("label")
            model = ModelSpec(spec["name"], dict(spec.get("params") or {}),
                              label if label and label != spec["name"] else None)
            frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
            return forecast(frame, horizon=int(cfg["horizon"]), model=model,
                            levels=tuple(cfg["levels"]), seed=int(cfg["seed"]),
                            n_paths=int(cfg["n_paths"]), as_of=cfg.get("as_of"))

    MstargetForecaster.__module__ = __name__
    MstargetForecaster.__qualname__ = "MstargetForecaster"
    _FORECASTER_CLASS = MstargetForecaster
    return MstargetForecaster


def __getattr__(name: str):
    if name == "MstargetForecaster":
        return _forecaster_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_MODEL_CODE = """\
# mstarget forecaster, logged by mstarget.tracking.log_forecaster; settings in model_config
import mlflow.models

from mstarget.tracking import MstargetForecaster

mlflow.models.set_model(MstargetForecaster())
"""


def _pip_requirements() -> list[str]:
    import importlib.metadata as md

    out = []
    for name in ("mstarget", "mlflow", "numpy", "pandas", "scipy", "statsmodels", "cloudpickle"):
        try:
            out.append(f"{name}=={md.version(name)}")
        except md.PackageNotFoundError:
            pass
    return out


def forecaster_config(model="auto", *, horizon: int = 3, levels=(80, 95), seed: int = 0,
                      n_paths: int | None = None, as_of: int | None = None) -> dict:
    """The settings a logged forecaster stores (validated the way :func:`mstarget.forecast` does)."""
    from .exceptions import ParameterError
    from .forecast import DEFAULT_PATHS, _check_levels
    from .models import resolve

    if isinstance(levels, str):
        levels = [float(x) for x in levels.split(",") if x.strip()]
    if not (isinstance(horizon, numbers.Integral) and 1 <= horizon <= 50):
        raise ParameterError.invalid("horizon", "log_forecaster", "an int in [1, 50]", horizon)
    return {"spec": resolve(model).to_dict(), "horizon": int(horizon), "levels": list(_check_levels(levels)),
            "seed": int(seed), "n_paths": int(n_paths or DEFAULT_PATHS),
            "as_of": None if as_of is None else int(as_of)}


def log_forecaster(model="auto", *, horizon: int = 3, levels=(80, 95), seed: int = 0,
                   n_paths: int | None = None, as_of: int | None = None,
                   settings: TrackingSettings | None = None, register_name: str | None = None,
                   run: Run | None = None, name: str = FORECASTER_NAME) -> str | None:
    """Log a forecaster as an MLflow pyfunc model; returns its model URI (``None`` if disabled).

    ``mlflow.pyfunc.load_model(uri).predict(history)`` returns the table of
    :func:`mstarget.forecast` for that history with these settings (same seed, same numbers).
    Logged into ``run`` if given, else into a new run ``forecaster``. With ``register_name`` the
    model is also registered in the model registry and ``models:/<name>/<version>`` is returned.
    """
    config = forecaster_config(model, horizon=horizon, levels=levels, seed=seed, n_paths=n_paths,
                               as_of=as_of)
    if run is None:
        params = {"model": config["spec"]["label"], "model_spec": config["spec"], "horizon": horizon,
                  "levels": config["levels"], "seed": seed, "n_paths": config["n_paths"], "as_of": as_of}
        with start_run("forecaster", settings, params=params) as new:
            if new is None:
                return None
            return log_forecaster(model, horizon=horizon, levels=levels, seed=seed, n_paths=n_paths,
                                  as_of=as_of, register_name=register_name, run=new, name=name)

    mlflow = _mlflow()
    import inspect

    import mlflow.pyfunc
    from mlflow.models import Model

    from . import __version__

    kwargs: dict[str, Any] = dict(
        flavor=mlflow.pyfunc, run_id=run.run_id, model_config={"mstarget_forecaster": config},
        pip_requirements=_pip_requirements(), registered_model_name=register_name,
        metadata={"mstarget_version": __version__, "mstarget_forecaster": config,
                  "input": "history: region, indicator, year, value [, unit]",
                  "output": "region, indicator, year, mean, median, lo_<L>, hi_<L>..., model"})
    if "name" in inspect.signature(Model.log).parameters:  # mlflow 3
        kwargs.update(name=name, artifact_path=None)
    else:  # mlflow 2
        kwargs.update(artifact_path=name)
    with tempfile.TemporaryDirectory() as tmp, _global_tracking_uri(run.uri):
        # "models from code": the model is this two-line file plus model_config, not a pickle
        code = Path(tmp) / "mstarget_forecaster.py"
        code.write_text(_MODEL_CODE, encoding="utf-8")
        kwargs["python_model"] = str(code)
        with _quiet("mlflow.pyfunc", "mlflow.models.model"):  # "no signature inferred": by design
            info = run._call(Model.log, **kwargs)
    uri = info.model_uri
    version = getattr(info, "registered_model_version", None)
    if register_name and version is not None:
        uri = f"models:/{register_name}/{version}"
    run.set_tags({"mstarget.model_uri": uri})
    return uri


def load_forecaster(model_uri: str, settings: TrackingSettings | None = None):
    """Load a logged forecaster (``mlflow.pyfunc.load_model``) from the configured store."""
    settings = settings or TrackingSettings.from_env()
    uri = settings.store_uri()
    check_store(uri, settings.resolved_timeout())
    mlflow = _mlflow()
    import mlflow.pyfunc

    with _global_tracking_uri(uri), _fail_fast(uri, settings.resolved_timeout()):
        try:
            return mlflow.pyfunc.load_model(model_uri)
        except Exception as exc:
            raise TrackingError(_describe_failure(uri, exc)) from exc


# --------------------------------------------------------------------------------------------
# the UI
# --------------------------------------------------------------------------------------------

def ui_command(settings: TrackingSettings | None = None, *, host: str = "127.0.0.1",
               port: int = 5000, workers: int = 1) -> list[str]:
    """The ``mlflow ui`` command (this Python, ``-m mlflow``) that serves the CLI's store."""
    settings = settings or TrackingSettings.from_env()
    uri = settings.store_uri()
    cmd = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", uri,
           "--host", host, "--port", str(int(port)), "--workers", str(int(workers))]
    db = sqlite_path(uri)
    if db is not None:  # new experiments created by the UI keep artifacts next to the database
        cmd += ["--default-artifact-root", str(db.parent / "mlruns")]
    return cmd


def ui_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for the UI process: MLflow's GenAI job runners (7 extra processes, seconds of
    start-up) are off unless ``MLFLOW_SERVER_ENABLE_JOB_EXECUTION`` says otherwise."""
    env = dict(os.environ if base is None else base)
    env.setdefault("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
    return env
