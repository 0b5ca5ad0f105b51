"""MLflow tracking: the only package of mstarget that imports ``mlflow`` (and only when a run is logged).

One tracked call logs one run: parameters (the same names and meanings from the CLI and the API,
:mod:`.params`: input files as absolute paths, ``as_of`` the year the data reached, ``region``,
model, horizon, seed, a fingerprint of every input, package versions), the input tables as MLflow
dataset inputs, summary metrics and artifacts (result tables, charts, the forecaster as an MLflow
pyfunc model, filed in the run's experiment beside its other artifacts). Thousands of series still mean one run: per-series results go
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
    with code 3, after the results were written), including a store that cannot even be opened
    (a damaged file, an unknown URI scheme). Before a run starts the store is checked: an
    ``http(s)`` server must answer one HTTP request within ``MSTARGET_TRACKING_TIMEOUT`` seconds
    (default 10) in total, a SQLite file must lie in an existing, writable folder. During our calls
    to an HTTP store MLflow's own retry policy (by default 7 retries with exponential backoff,
    minutes in total) is shortened, unless the user set those variables:
    ``MLFLOW_HTTP_REQUEST_MAX_RETRIES=1``, ``MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR=1``,
    ``MLFLOW_HTTP_REQUEST_BACKOFF_JITTER=0.5`` and ``MLFLOW_HTTP_REQUEST_TIMEOUT`` = the tracking
    timeout. A run that was started is ended with status FAILED (tag ``mstarget.error`` says why)
    whenever its block raises -- also on SIGTERM -- and a parent run whose child failed ends
    FAILED too (tag ``mstarget.failed_children``). A run whose process was killed outright is
    ended FAILED by the next run started against the store on that host (tags ``mstarget.host``,
    ``mstarget.pid``).

Concurrency
    MLflow creates the tables of a new SQLite store without a lock; the first opening of a SQLite
    store is serialised by a lock file ``.<name>.lock`` beside the database, so many commands can
    start together on an empty folder. SQLite's "database is locked" is retried briefly.

Modules
    :mod:`.store` settings, URIs, store checks and clients; :mod:`.runs` the :class:`Run` (start,
    nest, end FAILED); :mod:`.forecaster` the forecaster as a pyfunc model; :mod:`.params` the
    parameters of each command's run, one schema for the CLI and the API; :mod:`.records` what
    one tracked call logs and the ``log_*`` helpers; :mod:`.background` a second process that loads
    MLflow while a CLI command computes, then runs its ``log_*`` call; :mod:`.ui` the ``mstarget ui`` command. Import
    the names from ``mstarget.tracking``. The package sits at the top, with :mod:`mstarget.api` and
    the command line: it wraps results from below and nothing below imports it.
"""
from __future__ import annotations

from . import forecaster as _forecaster
from .forecaster import forecaster_config, load_forecaster, log_forecaster  # noqa: F401
from .params import (  # noqa: F401
    Input,
    assessment_params,
    backtest_params,
    forecast_params,
    risk_score_params,
)
from .records import (  # noqa: F401
    DRAW_OVERVIEW,
    assessment_metrics,
    forecast_metrics,
    log_assessment,
    log_backtest,
    log_forecast,
    log_result,
    record_assessment,
    record_forecast,
    region_params,
)
from .runs import Run, active_run, start_run  # noqa: F401
from .store import (  # noqa: F401
    DEFAULT_EXPERIMENT,
    DEFAULT_TIMEOUT,
    DEFAULT_TRACKING_URI,
    FORECASTER_NAME,
    STATUSES,
    TrackingSettings,
    check_store,
    data_fingerprint,
    normalize_uri,
    package_versions,
    sqlite_path,
)
from .ui import ui_command, ui_env  # noqa: F401


def __getattr__(name: str):
    # ``MstargetForecaster`` is built on first use (importing mstarget must not import mlflow);
    # logged models refer to it as ``mstarget.tracking.MstargetForecaster``
    if name == "MstargetForecaster":
        return _forecaster._forecaster_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
