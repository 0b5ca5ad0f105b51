"""The public API boundary: the compute functions, and the MLflow run each logs with ``track=True``.

``mt.forecast``, ``mt.assess`` and ``mt.backtest`` are :func:`mstarget.forecast.forecast`,
:func:`mstarget.assess.assess` and :func:`mstarget.backtest.backtest` with two more keywords:

``track`` (bool, default False)
    Log one MLflow run of the call to the store of ``tracking_settings`` (default:
    ``MLFLOW_TRACKING_URI``, else ``sqlite:///mlflow.db``). A failing store gives a
    :class:`~mstarget.exceptions.TrackingWarning`, never a lost result. The run id is in the
    result's ``attrs["mlflow_run_id"]`` (a backtest's: ``result.summary.attrs``; ``None`` when the
    store failed), the forecaster's ``models:/`` URI in ``attrs["model_uri"]`` (``forecast``).
    Inside the caller's ``mlflow.start_run()`` block the run is a child of the caller's run.
``tracking_settings`` (:class:`mstarget.tracking.TrackingSettings`, optional)

The compute modules never import the tracking layer or the charts: this module sits above them,
with :mod:`mstarget.tracking` and :mod:`mstarget.report`, calls the compute function and then logs
its result (layers point one way, ``docs/ARCHITECTURE.md``). Every other keyword is passed on
unchanged, so the wrappers take whatever the compute functions take; the option objects are
checked at the call first (:func:`_check_options`: ``thresholds``, ``schedule_rules``,
``use_plan_baseline``, ``region``, ``bounds``, ``track``, ``tracking_settings``), a wrong type
raising :class:`ParameterError` naming the parameter rather than an AttributeError from a worker.
:func:`assess_detailed` (``mt.assess_detailed``: the table and the fan details for
:func:`mstarget.report.write_report`) gets the same checks. After the call, what the user passed and the result
show was not used is said once: ``region=`` on tables with their own region column (:func:`_warn_unused_region`),
a ``calibration=`` table of one's own or a ``reference=`` panel that no series' model read
(:func:`_say_unused_options`).
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import os
import warnings
from collections.abc import Mapping
from typing import Callable

import numpy as np
import pandas as pd

from . import assess as _assess
from . import backtest as _backtest
from . import calibration as _cal
from . import forecast as _forecast
from . import tracking
from .arguments import check_levels
from .assess import Thresholds
from .exceptions import DataValidationError, MstargetWarning, ParameterError, Problem
from .collector import fewer_collections
from .history import read_history
from .models import model_class
from .models.registry import ModelSpec
from .plan import read_plan
from .plotting import pyplot
from .report import fan_chart
from .report.charts import MAX_PANELS
from .report.model import apply_evaluation_year, evaluation_year_message, fan_title
from .schedule import ScheduleRules
from .transforms import Bounds

_TRACK_DOC = """    track : bool, default False
        Log one MLflow run ({what}) to the store of ``tracking_settings`` (default:
        ``MLFLOW_TRACKING_URI``, else ``sqlite:///mlflow.db``); a failing store gives a
        :class:`~mstarget.exceptions.TrackingWarning`, never a lost result. The run id is put
        in {where} (``None`` when the store failed; ``forecast``: the model URI in
        ``attrs["model_uri"]``); inside the caller's ``mlflow.start_run()`` block the run is a
        child of the caller's run.
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


def _check_options(owner: str, sig: inspect.Signature, args: tuple, kwargs: dict, track,
                   tracking_settings) -> None:
    """The option arguments' types, checked at the call (before any work, and not as an
    AttributeError from inside a worker): :class:`ParameterError` naming the parameter and the
    type wanted."""
    if not isinstance(track, (bool, np.bool_)):
        raise ParameterError.invalid("track", owner, "True or False", track)
    if tracking_settings is not None and not isinstance(tracking_settings, tracking.TrackingSettings):
        raise ParameterError.invalid(
            "tracking_settings", owner, "a mstarget.tracking.TrackingSettings, e.g. "
            "TrackingSettings(tracking_uri='sqlite:///mlflow.db'), or None", tracking_settings)
    try:
        given = sig.bind_partial(*args, **kwargs).arguments
    except TypeError:  # a wrong argument name or count: the compute function says so itself
        return
    wanted = {"thresholds": (Thresholds, "a mstarget.Thresholds, e.g. mt.Thresholds(on_track=0.8, at_risk=0.3)"),
              "schedule_rules": (ScheduleRules, "a mstarget.schedule.ScheduleRules, e.g. ScheduleRules(tolerance=0.1)")}
    for name, (cls, expected) in wanted.items():
        if name in given and not isinstance(given[name], cls):
            raise ParameterError.invalid(name, owner, expected, given[name])
    if "use_plan_baseline" in given and not isinstance(given["use_plan_baseline"], (bool, np.bool_)):
        raise ParameterError.invalid("use_plan_baseline", owner, "True or False", given["use_plan_baseline"])
    if given.get("bounds") is not None:
        _check_bounds(given["bounds"], owner)
    region = given.get("region")
    if region is not None and not (isinstance(region, str) and region.strip()):
        raise ParameterError.invalid("region", owner, "a region name (str) or None", region)
    if owner != "backtest" and "model" in given:
        _check_one_model(given["model"], owner)
    _check_files_found(given)


def _check_files_found(given: dict) -> None:
    """Every input file named (plan, history, reference) that does not exist, named at once: with both
    files of ``mt.assess`` mistyped the reader said only the plan's, and after fixing it, the history's."""
    missing = [str(v) for k, v in given.items() if k in ("plan", "history", "reference")
               and isinstance(v, (str, os.PathLike)) and str(v).strip() and not os.path.exists(v)]
    if len(missing) > 1:
        raise DataValidationError([Problem(m, None, None, None, "file not found; check the path") for m in missing])


def _check_one_model(model, owner: str) -> None:
    """``model`` of forecast / assess: one name, spec file or ModelSpec -- a list is a backtest's (which
    compares several), not read as the name "['drift']"."""
    if isinstance(model, (str, os.PathLike, ModelSpec)):
        return
    hint = ""
    if isinstance(model, (list, tuple)):
        hint = (f"{owner} takes one model; a list compares several models in mt.backtest(history, model="
                f"{list(model)!r}), then pass the best one here, e.g. model={str(model[0])!r}." if len(model) > 1
                else f"{owner} takes one model: model={str(model[0])!r}." if model else "")
    raise ParameterError.invalid("model", owner, "one model: a registered name such as 'drift' or 'auto', "
                                 "a spec file, or a ModelSpec", model, hint)


def _check_bounds(bounds, owner: str) -> None:
    """``bounds``: ``{(region, indicator) or indicator: (lower, upper) | Bounds}``, each pair two
    numbers (or ``None``) with lower <= upper."""
    expected = "a dict {indicator or (region, indicator): (lower, upper)}, e.g. {'food_sampling_batches': (0, None)}"
    if not isinstance(bounds, Mapping):
        raise ParameterError.invalid("bounds", owner, expected, bounds)
    for key, pair in bounds.items():
        if isinstance(pair, Bounds):
            continue
        ok = isinstance(pair, (tuple, list)) and len(pair) == 2 and all(
            v is None or (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                          and not np.isnan(v)) for v in pair)
        if not ok:
            raise ParameterError(f"The 'bounds' parameter of {owner} must be {expected}: the bounds of {key!r} "
                                 f"must be a pair (lower, upper) of numbers or None. Got {pair!r} instead.")
        lo, hi = pair
        if lo is not None and hi is not None and lo > hi:
            raise ParameterError(f"The 'bounds' parameter of {owner}: the bounds of {key!r} are ({lo!r}, {hi!r}), "
                                 f"the lower above the upper; write (lower, upper), e.g. ({hi!r}, {lo!r}).")


def _warn_unused_region(table, region, owner: str = "assess") -> None:
    """``region=`` names the region of a table without a region column; when the tables carry
    their own and the results are not all of ``region`` (none of them, or ``region`` among several: it
    filtered nothing), it was not used: say so, as the CLI's ``--region`` does. A backtest's result: its
    scored forecasts (``details``)."""
    table = getattr(table, "details", table)  # BacktestResult
    if region is None or not isinstance(table, pd.DataFrame) or "region" not in table or table.empty:
        return
    regions = [str(r) for r in pd.unique(table["region"].dropna())]
    if str(region) not in regions or len(regions) > 1:
        warnings.warn(MstargetWarning(
            f"region={region!r} was not used: the tables carry their own region column "
            f"({len(regions)} region{'s' if len(regions) > 1 else ''}: {', '.join(regions[:5])}"
            f"{' ...' if len(regions) > 5 else ''}); region= only names the region of a table without one, it does "
            f"not filter. To {owner} one region of a multi-region table, filter the table "
            f"({'plan[plan.region == ' + repr(region) + '] and ' if owner != 'forecast' else ''}"
            f"history[history.region == {region!r}])."), stacklevel=2)  # re-issued at the user's line


def _series_models(result) -> pd.DataFrame:
    """One row per series of a result (``region, indicator, model``: the model that drew it, ``auto:`` /
    ``fallback:`` dropped): a forecast or assessment table's ``model`` column, a backtest's ``chosen``."""
    table = getattr(result, "details", result)
    col = "chosen" if isinstance(table, pd.DataFrame) and "chosen" in table else "model"
    if not isinstance(table, pd.DataFrame) or table.empty or not {"region", "indicator", col} <= set(table.columns):
        return pd.DataFrame(columns=["region", "indicator", "model"])
    rows = table[["region", "indicator", col]].dropna().drop_duplicates(["region", "indicator"])
    names = rows[col].astype(str).str.replace(r"^(auto|fallback):", "", regex=True).str.strip()
    drawn = names.ne("").to_numpy()  # a row with no data has no model: no series drawn
    return pd.DataFrame({"region": rows["region"].to_numpy()[drawn], "indicator": rows["indicator"].to_numpy()[drawn],
                         "model": names.to_numpy()[drawn]})


def _counted(names) -> str:
    counts = pd.Series(list(names)).value_counts()
    return ", ".join(f"{m} {n}" for m, n in counts.items())


def _say_unused_options(result, given: Mapping) -> None:
    """``calibration=`` (a table of your own) and ``reference=`` act only through the models that read them: the
    learned factors are ``pooled_drift``'s (``auto``'s model for 1-7 points and steady 8-12; a table learned by
    ``mt.calibration.learn`` keeps the shipped factors of the others), the peers are read by the models that pool
    an indicator's regions. On other series of 8+ points (``ensemble`` / ``drift``) neither changes anything: said once
    per call, with how many series and why -- only when the option was passed."""
    calibration, reference = given.get("calibration"), given.get("reference")
    mine = calibration is not None and calibration is not False and not (
        isinstance(calibration, str) and calibration == "default") and calibration is not True
    if not mine and reference is None:
        return
    series = _series_models(result)
    if series.empty:
        return
    n = len(series)
    if mine:
        table = _cal.resolve_calibration(calibration)
        own = set(_cal.own_models(table))
        shipped = [m for m in series["model"] if m not in own and table.has(m)]
        bare = [m for m in series["model"] if m not in own and not table.has(m)]
        if shipped:  # (models no table calibrates -- event_rate, small_count -- alone: nothing a table could do)
            said = []
            if shipped:
                said.append(f"{len(shipped)} used the shipped factors ({_counted(shipped)}: the table holds the "
                            "package's own for these models, it did not learn them)")
            if bare:
                said.append(f"{len(bare)} have no factors in it ({_counted(bare)}: these models draw their "
                            "intervals uncalibrated, with any table)")
            name = f"'{calibration}'" if isinstance(calibration, (str, os.PathLike)) else "<Calibration>"
            warnings.warn(MstargetWarning(
                f"calibration={name} changed {n - len(shipped) - len(bare)} of {n} series: {'; '.join(said)}. "
                f"Its own factors are for {', '.join(sorted(own)) or 'no model (it is the shipped table)'}; "
                "mt.calibration.learn(panel) learns pooled_drift's, auto's model for 1-7 points and steady trends "
                "of 8-12" + (", while auto uses ensemble for other series of 8+ points (learn(panel, "
                             "model='ensemble') learns that one's, from 30+ series of 8+ points)"
                             if "ensemble" in shipped else "")
                + "（自定义校准表仅作用于其所学模型）"), stacklevel=2)
        units = _units_of(result, series[series["model"].isin(own)])
        mismatch = _cal.unit_mismatch(table, units) if units is not None else None
        if mismatch:
            name = f"'{calibration}'" if isinstance(calibration, (str, os.PathLike)) else "<Calibration>"
            warnings.warn(MstargetWarning(f"calibration={name}: {mismatch}"), stacklevel=2)
    if reference is not None:
        alone = [m for m in series["model"] if not getattr(model_class(m), "uses_peers", False)] \
            if all(_registered(m) for m in series["model"]) else []
        if alone:
            warnings.warn(MstargetWarning(
                f"reference= lent no peers to {len(alone)} of {n} series ({_counted(alone)}): their model "
                "forecasts each series from its own history (auto uses ensemble for 8+ points, bar steady trends "
                "of 8-12); only the models that pool an indicator's regions read it (pooled_drift, auto's model "
                "for 1-7 points and steady 8-12, and event_rate, small_count, growth_rate, local_level)"
                "（参照面板仅用于短序列的汇合模型）"), stacklevel=2)


def _units_of(result, series: pd.DataFrame) -> list | None:
    """The unit of each of ``series`` (``region, indicator``) in ``result`` (an assessment's ``unit``
    column); ``None`` when the result has no unit column (a forecast table)."""
    table = getattr(result, "details", result)
    if not isinstance(table, pd.DataFrame) or "unit" not in table or series.empty:
        return None
    units = table.drop_duplicates(["region", "indicator"]).set_index(["region", "indicator"])["unit"]
    return [units.get((r, i)) for r, i in zip(series["region"], series["indicator"])]


def _registered(name: str) -> bool:
    try:
        model_class(name)
    except Exception:  # a spec with parameters, a file: not looked up
        return False
    return True


def _tracked(compute: Callable, what: str, after: Callable | None = None,
             where: str = 'the result\'s ``attrs["mlflow_run_id"]``'):
    """Decorator: ``compute`` plus the keywords ``track`` / ``tracking_settings``; the decorated
    function ``log(arguments, settings)`` runs the tracked call (``arguments``: every argument of
    ``compute`` by name, defaults filled in) and returns its result. ``after(result, arguments)``, if given,
    finishes an untracked call's result as ``log`` finishes a tracked one's."""
    sig = inspect.signature(compute)
    extra = [inspect.Parameter("track", inspect.Parameter.KEYWORD_ONLY, default=False),
             inspect.Parameter("tracking_settings", inspect.Parameter.KEYWORD_ONLY, default=None)]

    def decorate(log: Callable) -> Callable:
        @functools.wraps(compute)
        def wrapper(*args, track: bool = False, tracking_settings=None, **kwargs):
            owner = compute.__name__
            _check_options(owner, sig, args, kwargs, track, tracking_settings)
            with _warnings_at_caller(), fewer_collections():
                if not track:
                    result = compute(*args, **kwargs)
                    if after is not None:
                        after(result, sig.bind_partial(*args, **kwargs).arguments)
                else:
                    bound = sig.bind(*args, **kwargs)
                    bound.apply_defaults()
                    result = log(dict(bound.arguments), tracking_settings or tracking.TrackingSettings())
                given = sig.bind_partial(*args, **kwargs).arguments
                if "region" in sig.parameters:
                    _warn_unused_region(result, given.get("region"), owner)
                _say_unused_options(result, given)
                return result

        wrapper.__signature__ = sig.replace(parameters=[*sig.parameters.values(), *extra])
        doc = compute.__doc__ or ""
        track_doc = _TRACK_DOC.format(what=what, where=where)
        wrapper.__doc__ = (doc.replace("\n    Returns\n", "\n" + track_doc + "\n    Returns\n", 1)
                           if "\n    Returns\n" in doc else doc + "\n" + track_doc)
        wrapper.__module__ = __name__
        del wrapper.__wrapped__  # help() and inspect show the signature above, with track=
        return wrapper

    return decorate


@_tracked(_forecast.forecast, "parameters, metrics, ``forecast.csv``, the input tables and the forecaster "
                              "as a pyfunc model")
def forecast(args: dict, settings):
    table = _forecast.forecast(**args)
    if not settings.enabled:
        return table
    # the parameters the CLI logs, built by the same function (mstarget.tracking.params)
    params, inputs = tracking.forecast_params(
        history=args["history"], history_frame=read_history(args["history"], region=args["region"]),
        model=args["model"],
        horizon=args["horizon"], levels=check_levels(args["levels"], "forecast"), seed=args["seed"],
        n_paths=args["n_paths"], as_of=args["as_of"], reference=args["reference"],
        reference_frame=_reference(args["reference"]), calibration=args["calibration"],
        backend=args["backend"])
    run_id, model_uri = tracking.log_forecast(table, params, settings, inputs=inputs, on_error="warn",
                                              return_model_uri=True)
    _said(table, run_id, model_uri=model_uri if run_id else None)
    return table


def _said(result, run_id, **more) -> None:
    """Put the run id (``None`` when the store failed: a TrackingWarning said why) and ``more``
    (``model_uri``) in the result's ``attrs``: ``attrs["mlflow_run_id"]``."""
    attrs = getattr(result, "attrs", None)
    if isinstance(attrs, dict):
        attrs["mlflow_run_id"] = run_id
        attrs.update(more)


def _reference(reference):
    """The peer panel as read (``None`` when not given)."""
    return None if reference is None else read_history(reference)


def _judged_as_the_report(table, arguments: dict, details=None) -> int | None:
    """Without ``as_of``, the table judged as the report dated today judges it, as ``mstarget assess`` does
    (:func:`mstarget.report.model.apply_evaluation_year`: after the plan's end on data ending before it, the
    总结评估 of the plan's end year), with a warning saying which years to report; returns that year or None."""
    if arguments.get("as_of") is not None:
        return None
    evaluated = apply_evaluation_year(table, details)
    if evaluated is not None:
        warnings.warn(evaluation_year_message(table, evaluated, "as_of={}"), MstargetWarning, stacklevel=2)
    return evaluated


@_tracked(_assess.assess, "parameters, status counts, the table, the input tables and the fan charts",
          after=_judged_as_the_report)
def assess(args: dict, settings):
    table, details = _assess.assess_detailed(**args, max_details=MAX_PANELS)  # what the chart shows
    evaluated = _judged_as_the_report(table, args, details)
    if not settings.enabled:
        return table
    plan, history = _assess.read_inputs(args["history"], args["plan"], args["region"])
    params, inputs = tracking.assessment_params(
        plan=args["plan"], history=args["history"], plan_frame=plan, history_frame=history, table=table,
        reference=args["reference"], reference_frame=_reference(args["reference"]),
        calibration=args["calibration"], model=args["model"], as_of=args["as_of"], seed=args["seed"],
        n_paths=args["n_paths"], thresholds=args["thresholds"], backend=args["backend"])
    if evaluated is not None:  # the run is named and logged as of the year it was judged at, as the CLI's
        params["as_of"] = evaluated
    _said(table, _log_assessment(table, details, params, settings, inputs))
    return table


@_tracked(_backtest.backtest, "a parent run with one child run per model (same metric names), the input "
                              "tables and the calibration chart",
          where='``result.summary.attrs["mlflow_run_id"]``, not ``result.attrs`` (a BacktestResult has none)')
def backtest(args: dict, settings):
    result = _backtest.backtest(**args)
    if not settings.enabled:
        return result
    plan = args["plan"]
    params, inputs = tracking.backtest_params(
        result=result, history=args["history"],
        history_frame=read_history(args["history"], region=args["region"]), horizon=args["horizon"],
        plan=plan, plan_frame=None if plan is None else read_plan(plan, region=args["region"]),
        seed=args["seed"], n_paths=args["n_paths"], calibration=args["calibration"],
        min_train=args["min_train"], backend=args["backend"])
    fig = result.plot()
    try:
        run_id = tracking.log_backtest(result, params, settings, inputs=inputs, figure=fig, on_error="warn")
    finally:
        pyplot().close(fig)
    _said(result.summary, run_id)
    return result


_DETAILED_SIG = inspect.signature(_assess.assess_detailed)


@functools.wraps(_assess.assess_detailed)
def assess_detailed(*args, **kwargs):
    # the option types checked at the call, as mt.assess does; warnings at the caller's line
    _check_options("assess_detailed", _DETAILED_SIG, args, kwargs, False, None)
    with _warnings_at_caller(), fewer_collections():
        table, details = _assess.assess_detailed(*args, **kwargs)
        given = _DETAILED_SIG.bind_partial(*args, **kwargs).arguments
        _warn_unused_region(table, given.get("region"))
        _say_unused_options(table, given)
    return table, details


assess_detailed.__module__ = __name__


def _log_assessment(table, details, params: dict, settings, inputs=None) -> str | None:
    """Log an assessment run with its fan chart (at most the report's cap of panels: binding
    targets plus the most at risk, :func:`mstarget.report.fan_chart`) and the overview chart of
    every target, as the CLI does; the charts are drawn only when tracking is on. A failing store
    gives a ``TrackingWarning``; returns the run id."""
    if not settings.enabled:
        return None
    fig = fan_chart(details, title=fan_title(details, params.get("as_of_given")))  # 截至2023年 / 最新数据
    try:
        return tracking.log_assessment(table, params, settings, figure=fig, on_error="warn",
                                       overview=tracking.DRAW_OVERVIEW, inputs=inputs)
    finally:
        pyplot().close(fig)
