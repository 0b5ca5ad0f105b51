"""MLflow tracking: the only module of mstarget that imports ``mlflow``.

One tracked call logs one run: parameters, summary metrics and artifacts (result tables, charts).
The store is, in order of precedence: the ``tracking_uri`` argument (CLI ``--tracking-uri``), the
``MLFLOW_TRACKING_URI`` environment variable, then MLflow's embedded default, a SQLite file
``mlflow.db`` in the working directory (no server needed). ``mstarget ui`` opens the same store.

If the store fails, :class:`~mstarget.exceptions.TrackingError` is raised with a readable message;
a run that was started is ended with status FAILED, never left RUNNING.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

import pandas as pd

from .exceptions import TrackingError

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
DEFAULT_EXPERIMENT = "mstarget"


@dataclass(frozen=True)
class TrackingSettings:
    """Where and whether to log.

    Explicit arguments win over the environment (``MLFLOW_TRACKING_URI``, ``MSTARGET_EXPERIMENT``,
    ``MSTARGET_NO_TRACK=1``).
    """

    enabled: bool = True
    tracking_uri: str | None = None
    experiment: str | None = None

    def resolved_uri(self) -> str:
        return self.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI

    def resolved_experiment(self) -> str:
        return self.experiment or os.environ.get("MSTARGET_EXPERIMENT") or DEFAULT_EXPERIMENT

    @classmethod
    def from_env(cls, *, enabled: bool | None = None, tracking_uri: str | None = None,
                 experiment: str | None = None) -> "TrackingSettings":
        if enabled is None:
            enabled = os.environ.get("MSTARGET_NO_TRACK", "").strip() not in {"1", "true", "yes"}
        return cls(enabled=enabled, tracking_uri=tracking_uri, experiment=experiment)


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
    for name in ("mstarget", "numpy", "pandas", "statsmodels", "scikit-learn", "prophet", "mlflow"):
        try:
            out[f"version.{name}"] = md.version(name)
        except md.PackageNotFoundError:
            out[f"version.{name}"] = "not installed"
    return out


def _mlflow():
    import logging

    import mlflow

    # MLflow's INFO lines (creating tables, experiments) are noise on an analyst's terminal
    for name in ("mlflow", "alembic"):
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.WARNING)

    return mlflow


def _describe_failure(uri: str, exc: BaseException) -> str:
    return (f"MLflow tracking store {uri!r} failed: {type(exc).__name__}: {exc}. "
            "Check --tracking-uri / MLFLOW_TRACKING_URI, or pass --no-track to skip tracking.")


@dataclass
class Run:
    """A live MLflow run; every method raises :class:`TrackingError` if the store fails."""

    run_id: str
    uri: str
    experiment_id: str
    _client: Any = field(repr=False, default=None)

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # mlflow raises many types; one readable error for the user
            raise TrackingError(_describe_failure(self.uri, exc)) from exc

    def log_params(self, params: Mapping[str, Any]) -> None:
        mlflow = _mlflow()
        clean = {str(k): _param_text(v) for k, v in params.items()}
        if clean:
            self._call(mlflow.log_params, clean)

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        mlflow = _mlflow()
        clean = {}
        for k, v in metrics.items():
            try:
                fv = float(v)
            except (TypeError, ValueError):
                continue
            if fv == fv:  # drop NaN: MLflow stores it but the UI cannot compare it
                clean[_metric_key(k)] = fv
        if clean:
            self._call(mlflow.log_metrics, clean, step=step)

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        mlflow = _mlflow()
        self._call(mlflow.set_tags, {str(k): str(v) for k, v in tags.items()})

    def log_table(self, df: pd.DataFrame, name: str) -> None:
        """Log a DataFrame as a CSV artifact (UTF-8 with BOM, so Excel shows Chinese correctly)."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            df.to_csv(path, index=False, encoding="utf-8-sig")
            self.log_file(path)

    def log_file(self, path: str | Path, artifact_path: str | None = None) -> None:
        mlflow = _mlflow()
        self._call(mlflow.log_artifact, str(path), artifact_path)

    def log_figure(self, fig, name: str) -> None:
        mlflow = _mlflow()
        self._call(mlflow.log_figure, fig, name)

    def log_dict(self, data: Mapping[str, Any], name: str) -> None:
        mlflow = _mlflow()
        self._call(mlflow.log_text, json.dumps(data, ensure_ascii=False, indent=2, default=str), name)


def _param_text(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        v = ",".join(map(str, v))
    elif isinstance(v, dict):
        v = json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
    text = str(v)
    return text if len(text) <= 6000 else text[:5997] + "..."


def _metric_key(k: str) -> str:
    # MLflow metric names allow alphanumerics, _ - . space / ; map the rest
    return "".join(c if (c.isalnum() or c in "_-. /") else "_" for c in str(k))


@contextlib.contextmanager
def start_run(run_name: str, settings: TrackingSettings | None = None, *,
              params: Mapping[str, Any] | None = None, tags: Mapping[str, Any] | None = None,
              nested: bool = False) -> Iterator[Run | None]:
    """Open an MLflow run; yields ``None`` when tracking is disabled.

    On leaving the block normally the run ends FINISHED; if the block raises, the run ends
    FAILED and the exception propagates. Failures of the store itself become
    :class:`TrackingError`.
    """
    settings = settings or TrackingSettings.from_env()
    if not settings.enabled:
        yield None
        return
    mlflow = _mlflow()
    uri = settings.resolved_uri()
    active = None
    try:
        if not nested:
            mlflow.set_tracking_uri(uri)
            mlflow.set_experiment(settings.resolved_experiment())
        active = mlflow.start_run(run_name=run_name, nested=nested)
    except Exception as exc:
        if active is not None:
            _end_failed(mlflow)
        raise TrackingError(_describe_failure(uri, exc)) from exc
    run = Run(run_id=active.info.run_id, uri=uri, experiment_id=active.info.experiment_id)
    try:
        run.set_tags({"mstarget.command": run_name, **(tags or {})})
        if params:
            run.log_params(params)
        yield run
    except BaseException:
        _end_failed(mlflow)
        raise
    else:
        try:
            mlflow.end_run(status="FINISHED")
        except Exception as exc:
            _end_failed(mlflow)
            raise TrackingError(_describe_failure(uri, exc)) from exc


def _end_failed(mlflow) -> None:
    with contextlib.suppress(Exception):
        mlflow.end_run(status="FAILED")
