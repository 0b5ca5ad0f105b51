"""The tracking store: settings, URIs, reachability checks, MLflow clients."""
from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata as md
import json
import logging
import http.client
import math
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

import pandas as pd

from .. import calibration as cal_module
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


def data_fingerprint(*frames: pd.DataFrame | None, reference: pd.DataFrame | None = None,
                     calibration: Any = "default") -> str:
    """A short, stable hash of every input a result depends on (order of rows matters).

    ``frames`` are the main tables (the plan, then the history; ``None`` is skipped). A peer panel
    (``reference``) and a calibration other than the shipped one (``None``: no calibration; a
    :class:`~mstarget.calibration.Calibration` or the path of its ``.json`` file: its factors)
    are hashed too, so two runs that differ only in them never share a fingerprint; without them
    the fingerprint is the one of the frames alone, as it always was.
    """
    h = hashlib.sha256()
    for df in frames:
        if df is None:
            continue
        _hash_frame(h, df)
    if reference is not None:
        h.update(b"\0reference\0")
        _hash_frame(h, reference)
    extra = calibration_content(calibration)
    if extra is not None:
        h.update(b"\0calibration\0" + extra)
    return h.hexdigest()[:16]


def _hash_frame(h, df: pd.DataFrame) -> None:
    h.update(pd.util.hash_pandas_object(df.reset_index(drop=True), index=False).values.tobytes())
    h.update(",".join(map(str, df.columns)).encode())


def calibration_content(calibration: Any) -> bytes | None:
    """What a ``calibration=`` argument stands for, as bytes to hash: ``None`` for the shipped
    factors (``"default"``), ``b"none"`` for no calibration, else the factors of the table (a
    :class:`~mstarget.calibration.Calibration`, or the ``.json`` file it was saved to), so the same
    table gives the same bytes whether passed as a file or as an object."""
    if calibration is None or calibration is False:
        return b"none"
    if calibration is True or (isinstance(calibration, str) and calibration == "default") \
            or calibration is cal_module._DEFAULT:  # the shipped table (also passed as an object)
        return None
    if not isinstance(calibration, cal_module.Calibration):
        try:
            calibration = cal_module.Calibration.load(calibration)
        except Exception:  # not readable: its name at least
            return f"unreadable:{calibration}".encode("utf-8")
    return json.dumps(calibration.to_json(), sort_keys=True, ensure_ascii=False).encode("utf-8")


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
            import mlflow  # lazy: heavy (~1 s); only a logged run needs it
    else:
        import mlflow  # lazy: loaded before; binds the name here

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


#: where the tracking store is chosen / how to skip tracking, said for both the CLI and the Python API
_WHERE = ("--tracking-uri or MLFLOW_TRACKING_URI; in Python "
          "tracking_settings=TrackingSettings(tracking_uri=...)")
_SKIP = "pass --no-track (in Python: track=False)"


class TrackingInternalError(TrackingError):
    """Logging a run failed on a bug of mstarget (e.g. drawing a chart), not on the tracking store:
    the message says so; ``details`` holds the traceback (text: it survives the way back from the
    tracking process), which the CLI prints under ``MSTARGET_DEBUG=1``."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details

    def __reduce__(self):
        return (type(self), (str(self), self.details))


#: top-level modules whose exceptions are failures of the store or of the way to it: MLflow, its
#: database layer (SQLite, SQLAlchemy, Alembic, database drivers), HTTP (requests, urllib3), the lock
_STORE_MODULES = frozenset({"mlflow", "sqlite3", "_sqlite3", "sqlalchemy", "alembic", "pymysql", "psycopg2",
                            "psycopg", "requests", "urllib3", "http", "ssl", "filelock", "botocore", "boto3",
                            "azure", "google"})


def is_store_failure(exc: BaseException) -> bool:
    """Whether ``exc`` -- or an exception it was raised from (``raise ... from``) -- is a failure of the
    tracking store or of the way to it: a :class:`TrackingError`, an ``MlflowException``, an error of
    SQLite / SQLAlchemy / Alembic, of requests / urllib3, or an ``OSError`` (disk, network). Anything
    else raised while logging (a ``TypeError`` drawing a chart) is a bug of mstarget."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (TrackingError, OSError, MemoryError, http.client.HTTPException)) and \
                not isinstance(exc, TrackingInternalError):
            return True
        if any(cls.__module__.split(".")[0] in _STORE_MODULES for cls in type(exc).__mro__):
            return True
        exc = exc.__cause__
    return False


def tracking_failure(uri: str, exc: BaseException) -> TrackingError:
    """The :class:`TrackingError` to raise for ``exc``, raised while logging to ``uri``: ``exc`` itself
    when it is one; for a failure of the store, one naming the store and what to check
    (:func:`_describe_failure`); for anything else, a :class:`TrackingInternalError` saying it is a bug
    of mstarget -- not sending the analyst to fix a healthy store. Either keeps the traceback of ``exc``
    as text in ``details`` (shown by the CLI under ``MSTARGET_DEBUG=1``)."""
    if isinstance(exc, TrackingError):
        return exc
    if is_store_failure(exc):
        failure = TrackingError(_describe_failure(uri, exc))
        # the store's own traceback, as text: it survives the way back from the tracking process, for
        # MSTARGET_DEBUG=1 (an exception's attributes are pickled with it)
        failure.details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return failure
    return TrackingInternalError(internal_failure_text(exc),
                                 "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


#: how a request MLflow gave up for want of an answer reads (MLflow's ``http_request`` keeps the
#: exception's text, not always the exception: "Read timed out", "failed with timeout exception")
_TIMED_OUT = re.compile(r"timed out|timeout exception|ReadTimeoutError|ConnectTimeoutError", re.IGNORECASE)


def timed_out(exc: BaseException) -> bool:
    """Whether ``exc`` -- or an exception it came from -- is a request to the store that got no
    answer in time (a socket timeout, requests' / urllib3's timeout, MLflow's wrapping of one): the
    store hangs, and a further request would only wait as long again."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (TimeoutError, socket.timeout)) or \
                any(cls.__name__ in ("Timeout", "ReadTimeout", "ConnectTimeout", "ReadTimeoutError",
                                     "ConnectTimeoutError") for cls in type(exc).__mro__) or \
                _TIMED_OUT.search(str(exc)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def internal_failure_text(exc: BaseException) -> str:
    """One line for a bug of mstarget met while logging a run (``exc``): not a problem of the store."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (f"internal error while logging the MLflow run: {type(exc).__name__}: {text[:500]} -- a bug in "
            "mstarget, not a problem of the tracking store: please report it (MSTARGET_DEBUG=1 shows the "
            "traceback). The results are kept; the run was not logged (a run already begun is ended FAILED).")


def _describe_failure(uri: str, exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    tls = _certificate_problem(uri, exc)
    if tls is not None:
        return tls
    if urlparse(uri).scheme in ("http", "https") and timed_out(exc):
        return (f"the MLflow tracking server at {uri} accepted the connection but did not answer MLflow's "
                f"request in time (MSTARGET_TRACKING_TIMEOUT, {_lock_timeout(None):g} s): the server or what "
                f"stands before it (a proxy, its database) hangs. Check the server, raise "
                f"MSTARGET_TRACKING_TIMEOUT, fix {_WHERE}, or {_SKIP}.")
    message = f"MLflow tracking store {uri!r} failed: {type(exc).__name__}: {text[:500]}. "
    db = sqlite_path(uri)
    damaged = re.compile(r"file is not a database|database disk image is malformed|no such table|"
                         r"out-of-date database schema|table \w+ already exists|duplicate column|"
                         r"alembic|can't locate revision", re.IGNORECASE)
    # a full disk first: the failed statement quoted in the text may name an alembic table, and a
    # store that could not even be created is no damaged file to move aside
    if db is not None and ("disk is full" in str(exc) or "No space left" in str(exc)):
        message += (f"The disk holding {str(db)!r} is full: free some space"
                    f"{'' if db.exists() else ' (no database file was created)'}. ")
    elif db is not None and damaged.search(str(exc)):
        message += (f"The database file {str(db)!r} looks damaged or half-created: move it aside "
                    "(rename it) to start a new store there, or choose another tracking URI. ")
    elif db is not None and _is_locked_error(exc):
        message += (f"The database file {str(db)!r} stayed locked: another program holds it -- e.g. a "
                    "database browser with unsaved changes, a backup or sync tool, or another process "
                    "writing a long time; close it and run again. ")
    return message + f"Check {_WHERE}, or {_SKIP} to skip tracking."


def _allows_file_store() -> bool:
    """Whether ``MLFLOW_ALLOW_FILE_STORE`` asks MLflow 3 for its old folder store (``true`` / ``1``)."""
    return os.environ.get("MLFLOW_ALLOW_FILE_STORE", "").strip().lower() in _TRUE


def folder_store_problem(uri: str, named_by: str = "the tracking URI") -> str | None:
    """Why ``uri`` cannot be a store of MLflow 3, or ``None``: a ``file://`` URI or a plain path
    (an existing folder, or one to create -- ``./mlruns``) names MLflow's old folder store, which
    MLflow 3 refuses with a paragraph about migrating; the one-line answer proposes a SQLite database
    in that folder (``sqlite:///<folder>/mlflow.db``). ``None`` when ``MLFLOW_ALLOW_FILE_STORE=true``
    (MLflow is left to it) and for every other URI. ``named_by`` says where the URI came from
    (``MLFLOW_TRACKING_URI``, ``--tracking-uri``)."""
    uri = normalize_uri(uri)
    scheme = urlparse(uri).scheme
    if scheme not in ("", "file") or _allows_file_store() or sqlite_path(uri) is not None \
            or uri == "databricks":  # MLflow's name of a Databricks workspace, not a path
        return None
    path = Path(urlparse(uri).path if scheme == "file" else uri).expanduser().resolve()
    if path.is_file():
        return (f"{named_by} {uri!r} names the file {str(path)!r}, which is not a SQLite database URI: "
                f"if it is one, use sqlite:///{path} ; or {_SKIP} to skip tracking.")
    what, use = ("names a folder", "use") if path.is_dir() else \
        ("names a folder (MLflow's old file store) that does not exist", "create it and use")
    return (f"{named_by} {uri!r} {what}; MLflow 3 keeps runs in a database, not a folder: {use} "
            f"sqlite:///{path / 'mlflow.db'} (a database file in that folder), or set "
            f"MLFLOW_ALLOW_FILE_STORE=true to keep MLflow's old folder store; or {_SKIP} to skip tracking.")


def _certificate_problem(uri: str, exc: BaseException) -> str | None:
    """One line for an HTTPS store whose TLS certificate was refused (``exc``, MLflow's wrapping of
    urllib3's ``SSLCertVerificationError``), else ``None``."""
    texts, seen, e = [], set(), exc
    while e is not None and id(e) not in seen:  # the text of exc and of what it came from
        seen.add(id(e))
        texts.append(f"{type(e).__name__}: {e}")
        e = e.__cause__ or e.__context__
    text = " ".join(texts)
    if urlparse(uri).scheme != "https" or not re.search(r"SSLCertVerificationError|CERTIFICATE_VERIFY_FAILED|"
                                                        r"certificate verify failed", text):
        return None
    found = re.search(r"certificate verify failed: (.+?)\.? \(_ssl", text) or \
        re.search(r"certificate verify failed: ([^\"()]+)", text)
    reason = found.group(1).strip() if found else "certificate verify failed"
    return (f"the TLS certificate of {uri} was refused ({reason}): fix the server's certificate or the URI "
            "(the name or address the certificate was issued for), point MLFLOW_TRACKING_SERVER_CERT_PATH at "
            f"the bureau's CA certificate, or set MLFLOW_TRACKING_INSECURE_TLS=true; or {_SKIP} to skip tracking.")


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
        return
    problem = folder_store_problem(uri)
    if problem is not None:
        raise TrackingError(problem)
    if scheme in ("", "file"):
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
            f"fix {_WHERE}, or {_SKIP}.") from exc
    finally:
        conn.close()


def _check_writable(path: Path, what: str, uri: str) -> None:
    folder = path.parent
    if path.is_dir():
        raise TrackingError(f"the {what} {str(path)!r} is a folder, not a database file (tracking URI {uri}): "
                            f"use sqlite:///{path / 'mlflow.db'} for a store inside it, choose another "
                            f"({_WHERE}), or {_SKIP}.")
    if not folder.is_dir():
        raise TrackingError(f"cannot create the {what} {str(path)!r}: folder {str(folder)!r} does not "
                            f"exist (tracking URI {uri}). Create it, choose another ({_WHERE}), "
                            f"or {_SKIP}.")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise TrackingError(f"the {what} {str(path)!r} is read-only (tracking URI {uri}). "
                            f"Choose another ({_WHERE}), or {_SKIP}.")
    if not path.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise TrackingError(f"cannot create the {what} {str(path)!r}: folder {str(folder)!r} is not "
                            f"writable (tracking URI {uri}). Choose another ({_WHERE}), "
                            f"or {_SKIP}.")


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
        db = sqlite_path(uri)
        with store_lock(uri), paused_collector():  # loads the store's module (SQLAlchemy, Alembic)
            if db is not None:
                _create_sqlite_store(db)
            try:
                client = _retry_if_locked(lambda: mlflow.MlflowClient(tracking_uri=uri), uri)
            except Exception as exc:
                if db is None or not _recreate_unused_store(uri, db, exc):
                    raise
                client = _retry_if_locked(lambda: mlflow.MlflowClient(tracking_uri=uri), uri)
        if db is not None:
            _bound_busy_wait(client, uri)
        _CLIENTS[uri] = client
    return client


#: SQLite's own wait for a lock (ms) mstarget never goes below: concurrent mstarget runs on
#: one store hold it for moments, and should not fail for a short MSTARGET_TRACKING_TIMEOUT
MIN_BUSY_MS = 5000
#: the timeout (s) each SQLite store was last used with (``_retry_if_locked``)
_LOCK_LIMIT: dict[str, float] = {}


def _bound_busy_wait(client, uri: str) -> None:
    """MLflow makes SQLite wait up to 20 s for a lock in every session (``PRAGMA busy_timeout =
    20000``): one statement on a store another program holds would outlast the timeout. Each
    session's wait is cut to what is left of the timeout (at least :data:`MIN_BUSY_MS`). Best effort."""
    with contextlib.suppress(Exception):
        from sqlalchemy import event  # lazy: mlflow's dependency

        engine = client._tracking_client.store.engine

        @event.listens_for(engine, "before_cursor_execute", retval=True)
        def _busy(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("PRAGMA BUSY_TIMEOUT"):
                limit = _LOCK_LIMIT.get(uri) or _lock_timeout(None)
                since = _LOCKED_SINCE.get(uri)
                left = limit - (time.monotonic() - since) if since is not None else limit
                statement = f"PRAGMA busy_timeout = {max(MIN_BUSY_MS, int(left * 1000))};"
            return statement, parameters


# --------------------------------------------------------------------------------------------
# creating a SQLite store: all or nothing
# --------------------------------------------------------------------------------------------
# MLflow creates a new store's tables in place, in ~40 Alembic migrations that SQLite cannot run
# as one transaction: a command stopped meanwhile (Ctrl+C, SIGTERM) left a half-created store
# that every later command refused ("out-of-date database schema", "table ... already exists").
# Here a new store is built in a temporary file beside the database and renamed into place once
# complete, under the store's lock; a store left half-created by an older mstarget (or by MLflow
# itself) that holds nothing yet is built again the same way. A store holding anything -- runs,
# experiments, models -- is never touched.

#: what MLflow says when opening a store whose tables stop part-way through its migrations
_HALF_CREATED = re.compile(r"out-of-date database schema|table \w+ already exists|no such table|"
                           r"duplicate column", re.IGNORECASE)
#: tables a new store fills itself: (table, rows a new store holds at most)
_NEW_STORE_ROWS = {"alembic_version": 1, "experiments": 1, "workspaces": 1}


def _creating_path(db: Path) -> Path:
    return db.with_name(f".{db.name}.creating")


def _remove_database(path: Path) -> None:
    """Remove the SQLite file ``path`` and its journals (missing ones are fine)."""
    for p in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _build_schema(db: Path) -> bool:
    """Build MLflow's tables in a temporary file beside ``db`` and rename it to ``db`` once
    complete (the caller holds the store's lock). ``False`` when this MLflow has no such hooks
    (then MLflow creates the store in place, as it always did)."""
    try:
        import sqlalchemy  # lazy: mlflow's database layer, loaded with its store
        from mlflow.store.db import utils as db_utils  # lazy: mlflow
        from sqlalchemy.pool import NullPool  # lazy: as above
    except ImportError:
        return False
    if not (hasattr(db_utils, "_initialize_tables") and hasattr(db_utils, "_verify_schema")):
        return False
    tmp = _creating_path(db)
    _remove_database(tmp)  # left by a creation killed outright: none can be under way (our lock)
    try:
        engine = sqlalchemy.create_engine(f"sqlite:///{tmp}", poolclass=NullPool)
        try:
            db_utils._initialize_tables(engine)
            db_utils._verify_schema(engine)
        finally:
            engine.dispose()
        _default_experiment_beside(tmp, db)
        for side in ("-journal", "-wal", "-shm"):  # a journal of the file replaced would be replayed into it
            with contextlib.suppress(FileNotFoundError):
                db.with_name(db.name + side).unlink()
        os.replace(tmp, db)
    finally:
        _remove_database(tmp)
    return True


def _default_experiment_beside(tmp: Path, db: Path) -> None:
    """MLflow's ``Default`` experiment (id 0) of the store being built in ``tmp``, its artifacts filed
    beside the store (``<store folder>/mlruns/0``) as mstarget's own experiments are
    (:func:`_experiment_id`) -- not in the working directory of whichever command happened to create
    the store, where MLflow would put them (a user's own ``mlflow.start_run()`` runs, and mstarget
    runs logged as their children, would keep their artifacts away from the store). It is MLflow's
    own creation of it (:class:`SqlAlchemyStore` with ``default_artifact_root``, as ``mlflow server
    --default-artifact-root`` does). Best effort: should this MLflow refuse, MLflow creates
    ``Default`` when the store is first opened, as it always did."""
    try:
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore  # lazy: mlflow
    except ImportError:
        return
    uri = f"sqlite:///{tmp}"
    try:
        with _quiet("mlflow", "alembic", "sqlalchemy"):
            SqlAlchemyStore(uri, (db.parent / "mlruns").as_uri())
    except Exception:  # noqa: BLE001 -- MLflow creates Default itself later
        pass
    finally:
        engine = getattr(SqlAlchemyStore, "_engine_map", {}).pop(uri, None)  # the temporary file's engine
        if engine is not None:
            with contextlib.suppress(Exception):
                engine.dispose()


def _create_sqlite_store(db: Path) -> None:
    """A new (missing or empty) SQLite store ``db`` is created whole or not at all."""
    with contextlib.suppress(FileNotFoundError):
        if db.stat().st_size > 0:
            tmp = _creating_path(db)
            if tmp.exists():  # left by a creation killed outright (SIGKILL)
                _remove_database(tmp)
            return
    _build_schema(db)


def _holds_nothing(db: Path) -> bool:
    """Whether the SQLite store ``db`` holds no runs, experiments (but MLflow's ``Default``),
    models, traces, ...: only what creating a store writes. ``False`` when in doubt."""
    import sqlite3  # lazy: only when a store failed to open

    try:
        con = sqlite3.connect(str(db), timeout=5)
    except sqlite3.Error:
        return False
    try:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            if table.startswith("sqlite_"):
                continue
            if table == "experiments":
                rows = con.execute('select count(*) from experiments where experiment_id != 0').fetchone()[0]
                if rows:
                    return False
            allowed = _NEW_STORE_ROWS.get(table, 0)
            rows = con.execute(f'select count(*) from (select 1 from "{table}" limit {allowed + 1})').fetchone()[0]
            if rows > allowed:
                return False
        return True
    except sqlite3.Error:
        return False
    finally:
        con.close()


def _recreate_unused_store(uri: str, db: Path, exc: BaseException) -> bool:
    """After MLflow failed to open ``db`` (``exc``): a store left half-created that holds nothing
    is built again, whole (the caller holds the store's lock); ``True`` if it was."""
    if not _HALF_CREATED.search(str(exc)) or not _holds_nothing(db):
        return False
    with contextlib.suppress(Exception):  # MLflow keeps an engine per URI, open on the old file
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore  # lazy: mlflow

        for key in [k for k in SqlAlchemyStore._engine_map if sqlite_path(k) == db]:
            SqlAlchemyStore._engine_map.pop(key).dispose()
    try:
        return _build_schema(db)
    except Exception:
        return False  # the caller reports the first failure


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
                                f"command is running there, delete that file; or {_SKIP}.") from None
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


#: SQLite stores found locked: uri -> when (``time.monotonic()``) a call first found it locked; a
#: call that succeeds removes it. Every call after that shares the one MSTARGET_TRACKING_TIMEOUT.
_LOCKED_SINCE: dict[str, float] = {}


def _lock_timeout(timeout: float | None) -> float:
    if timeout is not None:
        return timeout
    try:
        return TrackingSettings().resolved_timeout()
    except TrackingError:
        return DEFAULT_TIMEOUT


def store_locked_out(uri: str, timeout: float | None = None) -> bool:
    """Whether the SQLite store ``uri`` has been found locked for ``timeout`` seconds already
    (another program holds it): a further write would only wait again."""
    since = _LOCKED_SINCE.get(uri)
    return since is not None and time.monotonic() - since >= _lock_timeout(timeout)


def _locked_message(uri: str, waited: float, timeout: float) -> str:
    return (f"the SQLite tracking store {str(sqlite_path(uri) or uri)!r} stayed locked for {waited:.0f} s "
            f"(MSTARGET_TRACKING_TIMEOUT={timeout:g} s): another program holds it -- e.g. a database "
            "browser with unsaved changes, a backup or sync tool, or another process writing a long "
            f"time. Close that program and run again, choose another tracking URI ({_WHERE}), or {_SKIP} "
            "to skip tracking.")


def _retry_if_locked(fn, uri: str, attempts: int = 5, timeout: float | None = None):
    """Call ``fn()``; on SQLite's "database is locked" (another process writing to the same
    store for longer than SQLite's own busy wait) try again after a short pause -- within
    ``timeout`` seconds (default ``MSTARGET_TRACKING_TIMEOUT``) counted from when the store was
    first found locked, for all the calls of this process together: a store another program holds
    gives a :class:`TrackingError` saying so once that time is up, however many calls remain."""
    limit = _lock_timeout(timeout)
    _LOCK_LIMIT[uri] = limit
    for attempt in range(attempts):
        started = time.monotonic()
        if sqlite_path(uri) is not None and store_locked_out(uri, limit):
            raise TrackingError(_locked_message(uri, started - _LOCKED_SINCE[uri], limit))
        try:
            result = fn()
        except Exception as exc:
            if sqlite_path(uri) is None or not _is_locked_error(exc):
                raise
            since = _LOCKED_SINCE.setdefault(uri, started)
            pause = 0.2 * 2 ** attempt
            waited = time.monotonic() - since
            if waited + pause >= limit or attempt == attempts - 1:
                if waited + pause >= limit:
                    raise TrackingError(_locked_message(uri, waited, limit)) from exc
                raise
            time.sleep(pause)
        else:
            _LOCKED_SINCE.pop(uri, None)
            return result


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
    """User, source and git commit tags as ``mlflow.start_run`` would set them (best effort); the
    commit is mstarget's own when the package lives in a git checkout (MLflow looks beside the
    entry-point script, ``.venv/bin/mstarget``, and finds none)."""
    try:
        from mlflow.tracking.context.registry import resolve_tags  # lazy: mlflow

        tags = {k: str(v) for k, v in resolve_tags({}).items()}
    except Exception:
        tags = {}
    commit = package_git_commit()
    if commit is not None:
        tags["mlflow.source.git.commit"] = commit
        dirty = package_git_dirty()
        if dirty is not None:
            tags["mstarget.source.dirty"] = "true" if dirty else "false"
    return tags


_GIT_COMMIT: list[str | None] = []


def package_git_commit(start: Path | None = None) -> str | None:
    """The commit checked out where the mstarget package's files live (``start``: that folder),
    read from the ``.git`` files (no ``git`` process, ~0.1 ms); ``None`` for an installed package
    or anything unreadable. Uncommitted changes are not reflected."""
    if start is None and _GIT_COMMIT:
        return _GIT_COMMIT[0]
    folder = (start or Path(__file__).resolve().parent.parent)
    commit = None
    with contextlib.suppress(OSError, ValueError):
        for parent in (folder, *folder.parents):
            dotgit = parent / ".git"
            if dotgit.is_file():  # a worktree or submodule: "gitdir: <path>"
                text = dotgit.read_text(encoding="utf-8").strip()
                dotgit = (parent / text.split(":", 1)[1].strip()).resolve() if text.startswith("gitdir:") else None
            if dotgit is not None and dotgit.is_dir():
                commit = _read_head(dotgit)
                break
    if start is None:
        _GIT_COMMIT.append(commit)
    return commit


#: seconds ``git status`` may take before the dirty tag is left out
GIT_STATUS_TIMEOUT = 2.0
_GIT_DIRTY: list[bool | None] = []


def package_git_dirty(start: Path | None = None, timeout: float = GIT_STATUS_TIMEOUT) -> bool | None:
    """Whether the mstarget package's files (``start``: that folder) differ from the commit checked
    out -- a file changed, added or deleted there, untracked files included (``git status
    --porcelain`` of the package's folder, a few milliseconds; once per process). ``None`` when
    the package is not in a git checkout, ``git`` is missing or fails, or takes longer than
    ``timeout`` seconds: the tag is then left out, never guessed."""
    if start is None and _GIT_DIRTY:
        return _GIT_DIRTY[0]
    folder = start or Path(__file__).resolve().parent.parent
    dirty = None
    if package_git_commit(start) is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError, ValueError):
            done = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=normal",
                                   "--", "."], capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                                  env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
            if done.returncode == 0:
                dirty = bool(done.stdout.strip())
    if start is None:
        _GIT_DIRTY.append(dirty)
    return dirty


def _read_head(gitdir: Path) -> str | None:
    head = (gitdir / "HEAD").read_text(encoding="utf-8").strip()
    if re.fullmatch(r"[0-9a-f]{40}", head):
        return head  # detached
    if not head.startswith("ref:"):
        return None
    ref = head[4:].strip()
    common = gitdir
    if (gitdir / "commondir").is_file():  # a worktree keeps its branches in the main .git
        common = (gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    for base in (gitdir, common):
        if (base / ref).is_file():
            value = (base / ref).read_text(encoding="utf-8").strip()
            return value if re.fullmatch(r"[0-9a-f]{40}", value) else None
    packed = common / "packed-refs"
    if packed.is_file():
        for line in packed.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] == ref and re.fullmatch(r"[0-9a-f]{40}", parts[0]):
                return parts[0]
    return None


