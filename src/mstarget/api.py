"""The public API boundary: the compute functions, and the MLflow run each logs with ``track=True``.

``mt.forecast``, ``mt.assess`` and ``mt.backtest`` are :func:`mstarget.forecast.forecast`,
:func:`mstarget.assess.assess` and :func:`mstarget.backtest.backtest` with two more keywords:

``track`` (bool, default False)
    Log one MLflow run of the call to the store of ``tracking_settings`` (default:
    ``MLFLOW_TRACKING_URI``, else ``sqlite:///mlflow.db``). A failing store gives a
    :class:`~mstarget.exceptions.TrackingWarning`, never a lost result.
``tracking_settings`` (:class:`mstarget.tracking.TrackingSettings`, optional)

The compute modules never import the tracking layer or the charts: this module sits above them,
with :mod:`mstarget.tracking` and :mod:`mstarget.report`, calls the compute function and then logs
its result (layers point one way, ``docs/ARCHITECTURE.md``). Every other keyword is passed on
unchanged, so the wrappers take whatever the compute functions take.
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import os
import warnings
from typing import Callable

from . import assess as _assess
from . import backtest as _backtest
from . import forecast as _forecast
from . import tracking
from .arguments import check_levels
from .collector import fewer_collections
from .history import read_history
from .plotting import pyplot
from .report import fan_chart
from .report.charts import MAX_PANELS

_TRACK_DOC = """    track : bool, default False
        Log one MLflow run ({what}) to the store of ``tracking_settings`` (default:
        ``MLFLOW_TRACKING_URI``, else ``sqlite:///mlflow.db``); a failing store gives a
        :class:`~mstarget.exceptions.TrackingWarning`, never a lost result.
    tracking_settings : mstarget.tracking.TrackingSettings, optional
"""


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _module_of(filename: str) -> str:
    """The module a file is (``…/site-packages/sqlalchemy/orm/strategy_options.py`` ->
    ``sqlalchemy.orm.strategy_options``), as the warnings filters match it; ``""`` when unknown."""
    path = os.path.abspath(filename or "")
    for marker in ("site-packages" + os.sep, "dist-packages" + os.sep):
        if marker in path:
            return os.path.splitext(path.split(marker, 1)[1])[0].replace(os.sep, ".")
    return ""


@contextlib.contextmanager
def _warnings_at_caller():
    """Issue the warnings raised inside the block through the caller's filters: mstarget's own at
    the caller's line, as the compute function would when called directly (the wrapper adds a
    frame); another library's (SQLAlchemy's deprecations inside MLflow) where it arose, so that
    the filters hide it as they would have (a DeprecationWarning outside ``__main__``), and an
    "error" filter on it does not lose the result already computed and logged."""
    caught: list = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:  # also when the call fails: what was warned before still is
        for w in caught:
            if os.path.abspath(w.filename or "").startswith(_PACKAGE_DIR):
                warnings.warn(w.message, w.category, stacklevel=4)
            else:
                try:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno,
                                           module=_module_of(w.filename))
                except Warning:  # an "error" filter on another library's warning: the result is not lost
                    pass


def _tracked(compute: Callable, what: str):
    """Decorator: ``compute`` plus the keywords ``track`` / ``tracking_settings``; the decorated
    function ``log(arguments, settings)`` runs the tracked call (``arguments``: every argument of
    ``compute`` by name, defaults filled in) and returns its result."""
    sig = inspect.signature(compute)
    extra = [inspect.Parameter("track", inspect.Parameter.KEYWORD_ONLY, default=False),
             inspect.Parameter("tracking_settings", inspect.Parameter.KEYWORD_ONLY, default=None)]

    def decorate(log: Callable) -> Callable:
        @functools.wraps(compute)
        def wrapper(*args, track: bool = False, tracking_settings=None, **kwargs):
            with _warnings_at_caller(), fewer_collections():
                if not track:
                    return compute(*args, **kwargs)
                bound = sig.bind(*args, **kwargs)
                bound.apply_defaults()
                return log(dict(bound.arguments), tracking_settings or tracking.TrackingSettings())

        wrapper.__signature__ = sig.replace(parameters=[*sig.parameters.values(), *extra])
        doc = compute.__doc__ or ""
        track_doc = _TRACK_DOC.format(what=what)
        wrapper.__doc__ = (doc.replace("\n    Returns\n", "\n" + track_doc + "\n    Returns\n", 1)
                           if "\n    Returns\n" in doc else doc + "\n" + track_doc)
        wrapper.__module__ = __name__
        del wrapper.__wrapped__  # help() and inspect show the signature above, with track=
        return wrapper

    return decorate


@_tracked(_forecast.forecast, "parameters, metrics, ``forecast.csv`` and the forecaster as a pyfunc model")
def forecast(args: dict, settings):
    table = _forecast.forecast(**args)
    params = {"model": str(args["model"]), "horizon": args["horizon"],
              "levels": list(check_levels(args["levels"], "forecast")), "seed": args["seed"],
              "n_paths": args["n_paths"], "as_of": args["as_of"]}
    tracking.log_forecast(table, params, settings, inputs=(read_history(args["history"]),),
                          on_error="warn")
    return table


@_tracked(_assess.assess, "parameters, status counts, the table and the fan charts")
def assess(args: dict, settings):
    table, details = _assess.assess_detailed(**args, max_details=MAX_PANELS)  # what the chart shows
    params = {"model": str(args["model"]), "as_of": args["as_of"], "seed": args["seed"],
              "n_paths": args["n_paths"], "thresholds": args["thresholds"].__dict__,
              "data_fingerprint": tracking.data_fingerprint(
                  *_assess.read_inputs(args["history"], args["plan"], args["region"]))}
    _log_assessment(table, details, params, settings)
    return table


@_tracked(_backtest.backtest, "a parent run with one child run per model (same metric names) and "
                              "the calibration chart")
def backtest(args: dict, settings):
    result = _backtest.backtest(**args)
    params = {"models": list(result.summary["model"]), "horizon": args["horizon"],
              "origins": list(result.origins), "seed": args["seed"], "n_paths": args["n_paths"]}
    fig = result.plot()
    try:
        tracking.log_backtest(result, params, settings, inputs=(read_history(args["history"]),),
                              figure=fig, on_error="warn")
    finally:
        pyplot().close(fig)
    return result


def _log_assessment(table, details, params: dict, settings) -> str | None:
    """Log an assessment run with its fan chart (at most the report's cap of panels: binding
    targets plus the most at risk, :func:`mstarget.report.fan_chart`) and the overview chart of
    every target, as the CLI does; the charts are drawn only when tracking is on. A failing store
    gives a ``TrackingWarning``; returns the run id."""
    if not settings.enabled:
        return None
    fig = fan_chart(details, title=f"as of {params.get('as_of') or 'latest'}")
    try:
        return tracking.log_assessment(table, params, settings, figure=fig, on_error="warn",
                                       overview=tracking.DRAW_OVERVIEW)
    finally:
        pyplot().close(fig)
