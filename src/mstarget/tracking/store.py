"""The tracking store: settings, URIs, reachability checks, MLflow clients."""
from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata as md
import logging
import http.client
import math
import os
import re
import socket
import ssl
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

import pandas as pd

from ..collector import paused_collector
from ..exceptions import TrackingError

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
DEFAULT_EXPERIMENT = "mstarget"
#: seconds: reachability check of an HTTP store and timeout of each HTTP request
DEFAULT_TIMEOUT = 10.0
#: seconds to wait for another process creating the tables of the same SQLite store
STORE_LOCK_TIMEOUT = 180.0
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
    if "mlflow" not in sys.modules:
        with paused_collector():
            import mlflow  # lazy: heavy (~1 s); only a logged run needs it  # noqa: F401
    import mlflow  # lazy: loaded just above (or before); binds the name here

    # MLflow's INFO lines (creating tables, experiments) are noise on an analyst's terminal
    for name in ("mlflow.store.db.utils", "alembic"):
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.WARNING)
    return mlflow


@contextlib.contextmanager
def _quiet(*names: str) -> Iterator[None]:
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
    message = f"MLflow tracking store {uri!r} failed: {type(exc).__name__}: {text[:500]}. "
    db = sqlite_path(uri)
    damaged = re.compile(r"file is not a database|database disk image is malformed|no such table|"
                         r"out-of-date database schema|table \w+ already exists|duplicate column|"
                         r"alembic|can't locate revision", re.IGNORECASE)
    if db is not None and damaged.search(str(exc)):
        message += (f"The database file {str(db)!r} looks damaged or half-created: move it aside "
                    "(rename it) to start a new store there, or choose another --tracking-uri. ")
    elif db is not None and ("disk is full" in str(exc) or "No space left" in str(exc)):
        message += f"The disk holding {str(db)!r} is full: free some space. "
    return message + "Check --tracking-uri / MLFLOW_TRACKING_URI, or pass --no-track to skip tracking."


def check_store(uri: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Fail fast, before a run starts, if the store obviously cannot work.

    HTTP(S): the server must answer one HTTP request (``GET <uri>/health``; any status will do)
    within ``timeout`` seconds in total -- a listener that accepts connections but never answers
    is reported after ``timeout`` seconds, not after MLflow's retries. SQLite / file: the folder
    exists and is writable (and so is the database file if it exists).
    """
    uri = normalize_uri(uri)
    scheme = urlparse(uri).scheme
    if scheme in ("http", "https"):
        _probe_http(uri, timeout)
        return
    db = sqlite_path(uri)
    if db is not None:
        _check_writable(db, "SQLite tracking database", uri)
    elif scheme in ("", "file"):
        path = Path(urlparse(uri).path if scheme == "file" else uri)
        if not path.exists():
            _check_writable(path, "MLflow file store", uri)


def _probe_http(uri: str, timeout: float) -> None:
    """One HTTP request to the server with a deadline of ``timeout`` seconds for connecting,
    sending and the first line of the answer together; :class:`TrackingError` if it fails."""
    parts = urlparse(uri)
    host = parts.hostname
    if not host:
        raise TrackingError(f"tracking URI {uri!r} names no host")
    deadline = time.monotonic() + timeout
    if parts.scheme == "https":  # only asks whether something answers: no credentials are sent
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, parts.port or 443, timeout=timeout, context=ssl._create_unverified_context())
    else:
        conn = http.client.HTTPConnection(host, parts.port or 80, timeout=timeout)
    try:
        conn.connect()
        conn.sock.settimeout(max(0.01, deadline - time.monotonic()))
        conn.request("GET", parts.path.rstrip("/") + "/health")
        conn.getresponse()
    except (OSError, http.client.HTTPException) as exc:
        if isinstance(exc, (TimeoutError, socket.timeout)):
            reason = f"no answer within {timeout:g} s (MSTARGET_TRACKING_TIMEOUT)"
        elif isinstance(exc, socket.gaierror):
            reason = f"unknown host {host!r}"
        elif isinstance(exc, http.client.HTTPException):
            reason = f"what answers there does not speak HTTP ({type(exc).__name__})"
        else:
            reason = exc.strerror or str(exc) or type(exc).__name__
        raise TrackingError(
            f"cannot reach the MLflow tracking server at {uri}: {reason}. Start the server, "
            "fix --tracking-uri / MLFLOW_TRACKING_URI, or pass --no-track.") from exc
    finally:
        conn.close()


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


#: MLflow's HTTP retry policy during our calls (MLflow's own default: 7 retries, exponential
#: back-off, minutes in total); one retry for a transient error of a server that answered the
#: probe of :func:`check_store`. MLflow reads these variables at every request.
_HTTP_DEFAULTS = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
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
    """The :class:`mlflow.MlflowClient` of ``uri`` (one per process and store).

    MLflow creates and migrates the tables of a new SQLite store when the client is made, with
    no lock: several processes starting together on an empty folder corrupted it (issue 14).
    Here the first opening of a SQLite store is serialised by a file lock beside the database.
    """
    client = _CLIENTS.get(uri)
    if client is None:
        mlflow = _mlflow()
        with store_lock(uri), paused_collector():  # loads the store's module (SQLAlchemy, Alembic)
            client = _retry_if_locked(lambda: mlflow.MlflowClient(tracking_uri=uri), uri)
        _CLIENTS[uri] = client
    return client


@contextlib.contextmanager
def store_lock(uri: str, timeout: float = STORE_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an inter-process file lock for the SQLite store ``uri`` (nothing for other stores).

    The lock file is ``.<database name>.lock`` beside the database (readable and writable by
    all, for folders shared by several users), or one in the temporary folder when that one
    cannot be used. :class:`TrackingError` after ``timeout`` seconds.
    """
    db = sqlite_path(uri)
    if db is None:
        yield
        return
    from filelock import FileLock, Timeout  # lazy: only the first opening of a SQLite store

    digest = hashlib.sha1(str(db).encode("utf-8")).hexdigest()[:16]
    candidates = [Path(tempfile.gettempdir()) / f"mstarget-store-{digest}.lock"]
    if os.access(db.parent, os.W_OK | os.X_OK):
        candidates.insert(0, db.parent / f".{db.name}.lock")
    for i, lock_path in enumerate(candidates):
        lock = FileLock(str(lock_path), timeout=timeout, mode=0o666)
        try:
            lock.acquire()
        except Timeout:
            raise TrackingError(f"another process has held the lock {str(lock_path)!r} of the "
                                f"tracking store {uri} for {timeout:g} s. If no other mstarget "
                                "command is running there, delete that file; or pass --no-track.") from None
        except OSError:  # e.g. a lock file left by another user without write permission
            if i == len(candidates) - 1:
                raise
            continue
        try:
            yield
        finally:
            lock.release()
        return


def _is_locked_error(exc: BaseException) -> bool:
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def _retry_if_locked(fn, uri: str, attempts: int = 5):
    """Call ``fn()``; on SQLite's "database is locked" (another process writing to the same
    store for longer than SQLite's own busy wait) try again after a short pause."""
    for attempt in range(attempts):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts - 1 or sqlite_path(uri) is None or not _is_locked_error(exc):
                raise
            time.sleep(0.2 * 2 ** attempt)


@contextlib.contextmanager
def _global_tracking_uri(uri: str) -> Iterator[None]:
    """Point MLflow's global tracking URI at ``uri`` for a block, then restore it exactly.

    Only model logging needs this (``Model.log`` resolves the global URI); everything else uses
    an :class:`mlflow.MlflowClient` bound to the store, so the caller's MLflow state is untouched.
    """
    mlflow = _mlflow()
    from mlflow.tracking._tracking_service import utils as tracking_utils  # lazy: mlflow

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
        from mlflow.tracking.context.registry import resolve_tags  # lazy: mlflow

        return {k: str(v) for k, v in resolve_tags({}).items()}
    except Exception:
        return {}


