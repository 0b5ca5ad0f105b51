"""What a run logs as parameters: one schema per command, whichever entry point ran it.

``mstarget assess`` and ``mt.assess(track=True)`` (``report``, ``forecast``, ``backtest`` alike)
build their parameters here, from the arguments as given and the tables as read, so the same
name always means the same thing and ``params.<name> = '...'`` finds the runs of both:

* every input file as an absolute path (``plan``, ``history``, ``reference``, a calibration
  ``.json``); ``DataFrame`` for a table passed in memory; ``none`` for what was not given (one
  spelling of empty, in every command);
* ``as_of``: the last year of data the run used (the one given, else the latest observed year),
  ``as_of_given``: what was asked for (``none``: all the history);
* ``region`` (added where the run is logged, :func:`mstarget.tracking.records.region_params`):
  the one region of the result, or ``N regions`` with the tag ``mstarget.regions`` naming them;
* ``data_fingerprint`` over every input the result depends on (plan, history, peer panel,
  calibration table: :func:`mstarget.tracking.store.data_fingerprint`);
* the input tables themselves go to the run as MLflow dataset inputs (``plan``, ``history``,
  ``reference``, ``samples``), each with its source and digest (:class:`Input`).

Nothing here imports MLflow: the parameters are built where the command computes, and logged
where the run is (a CLI's tracking process, :mod:`.background`).
"""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import pandas as pd

from ..assess import Thresholds
from ..forecast import DEFAULT_PATHS
from .store import data_fingerprint

#: the one spelling of a parameter that was not given
EMPTY = "none"
#: the source of a table passed in memory (``mt.assess(history=df, ...)``)
IN_MEMORY = "DataFrame"


@dataclass(frozen=True)
class Input:
    """An input table of a run, logged as an MLflow dataset input named for its role (``plan``,
    ``history``, ``reference``, ``samples``): ``source`` is the absolute path it was read from
    (``None``: passed in memory)."""

    frame: pd.DataFrame
    source: str | None = None


def source_text(value: Any) -> str:
    """An input argument as a parameter: a path made absolute, ``DataFrame`` for a table in memory,
    ``none`` when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return EMPTY
    if isinstance(value, (str, os.PathLike)):
        return os.path.abspath(os.path.expanduser(os.fspath(value)))
    if isinstance(value, pd.DataFrame):
        return IN_MEMORY
    return type(value).__name__


def _path_of(value: Any) -> str | None:
    return source_text(value) if isinstance(value, (str, os.PathLike)) and str(value).strip() else None


def calibration_text(calibration: Any) -> str:
    """``default`` (the shipped factors), ``none``, the absolute path of a ``.json`` table, or
    ``Calibration: <provenance>`` for a table passed in memory (its factors are in the fingerprint)."""
    if calibration is None or calibration is False:
        return EMPTY
    if calibration is True or (isinstance(calibration, str) and calibration == "default"):
        return "default"
    if isinstance(calibration, (str, os.PathLike)):
        return source_text(calibration)
    provenance = str(getattr(calibration, "provenance", "") or "").strip()
    return ("Calibration: " + provenance)[:300] if provenance else "Calibration"


def model_text(model: Any) -> str:
    """The ``model=`` argument: a name as given, a spec file as an absolute path, a ModelSpec by
    its label (with its settings when it has no label of its own)."""
    if hasattr(model, "to_dict") and hasattr(model, "display"):
        if model.params and not model.label:
            return json.dumps(model.to_dict(), ensure_ascii=False, sort_keys=True, default=str)
        return str(model.display)
    text = str(model).strip() if model is not None else ""
    if isinstance(model, os.PathLike) or (text.endswith(".toml") or os.sep in text) and os.path.exists(text):
        return source_text(text)
    return text or EMPTY


def backend_text(backend: Any) -> str:
    return str(getattr(backend, "backend", backend) or "serial")


def _observed_max(frame: pd.DataFrame | None, column: str = "year") -> int | None:
    if frame is None or column not in frame or not len(frame):
        return None
    years = pd.to_numeric(frame[column] if "value" not in frame else frame.loc[frame["value"].notna(), column],
                          errors="coerce").dropna()
    return int(years.max()) if len(years) else None


def effective_as_of(as_of: Any, *, history: pd.DataFrame | None = None,
                    table: pd.DataFrame | None = None) -> int | None:
    """The last year of data a run used: ``as_of`` when given, else the latest year of the
    result's ``last_year`` (an assessment: history and the plan's own figures), else the latest
    observed year of ``history``."""
    if as_of is not None:
        return int(as_of)
    if table is not None and "last_year" in table:
        years = pd.to_numeric(table["last_year"], errors="coerce").dropna()
        if len(years):
            return int(years.max())
    return _observed_max(history)


def _inputs(**tables: tuple[pd.DataFrame | None, Any]) -> dict[str, Input]:
    return {role: Input(frame, _path_of(given)) for role, (frame, given) in tables.items() if frame is not None}


def _thresholds_dict(thresholds: Any) -> dict:
    if thresholds is None:
        thresholds = Thresholds()
    if dataclasses.is_dataclass(thresholds):
        return dataclasses.asdict(thresholds)
    return dict(getattr(thresholds, "__dict__", {}) or {})


def assessment_params(*, plan: Any, history: Any, plan_frame: pd.DataFrame,
                      history_frame: pd.DataFrame | None, table: pd.DataFrame | None = None,
                      reference: Any = None, reference_frame: pd.DataFrame | None = None,
                      calibration: Any = "default", model: Any = "auto", as_of: int | None = None,
                      seed: int = 0, n_paths: int | None = None, thresholds: Any = None,
                      backend: Any = "serial", **extra: Any) -> tuple[dict, dict[str, Input]]:
    """``(params, inputs)`` of an ``assess`` / ``report`` run: ``plan, history, reference,
    calibration, model, as_of, as_of_given, seed, n_paths, thresholds, backend, data_fingerprint``
    plus ``extra`` (``report``: ``lang, title, max_charts``). ``plan`` / ``history`` /
    ``reference`` are the arguments as given (paths or tables), ``*_frame`` the tables as read."""
    params = {"plan": source_text(plan), "history": source_text(history),
              "reference": source_text(reference), "calibration": calibration_text(calibration),
              "model": model_text(model),
              "as_of": effective_as_of(as_of, history=history_frame, table=table), "as_of_given": as_of,
              "seed": int(seed), "n_paths": int(n_paths or DEFAULT_PATHS),
              "thresholds": _thresholds_dict(thresholds), "backend": backend_text(backend),
              "data_fingerprint": data_fingerprint(plan_frame, history_frame, reference=reference_frame,
                                                   calibration=calibration),
              **extra}
    return params, _inputs(plan=(plan_frame, plan), history=(history_frame, history),
                           reference=(reference_frame, reference))


def forecast_params(*, history: Any, history_frame: pd.DataFrame, model: Any = "auto", horizon: int = 3,
                    levels: Sequence[float] = (80, 95), seed: int = 0, n_paths: int | None = None,
                    as_of: int | None = None, reference: Any = None,
                    reference_frame: pd.DataFrame | None = None, calibration: Any = "default",
                    backend: Any = "serial", register: str | None = None,
                    **extra: Any) -> tuple[dict, dict[str, Input]]:
    """``(params, inputs)`` of a ``forecast`` run: ``history, reference, calibration, model,
    horizon, levels, as_of, as_of_given, seed, n_paths, backend, register, data_fingerprint``.
    The logged forecaster takes ``model, horizon, levels, seed, n_paths`` and ``as_of_given``."""
    params = {"history": source_text(history), "reference": source_text(reference),
              "calibration": calibration_text(calibration), "model": model_text(model),
              "horizon": int(horizon), "levels": [_level(x) for x in levels],
              "as_of": effective_as_of(as_of, history=history_frame), "as_of_given": as_of,
              "seed": int(seed), "n_paths": int(n_paths or DEFAULT_PATHS), "backend": backend_text(backend),
              "register": register,
              "data_fingerprint": data_fingerprint(history_frame, reference=reference_frame,
                                                   calibration=calibration),
              **extra}
    return params, _inputs(history=(history_frame, history), reference=(reference_frame, reference))


def _level(x: Any) -> int | float:
    x = float(x)
    return int(x) if x.is_integer() else x


def backtest_params(*, result: Any, history: Any, history_frame: pd.DataFrame, horizon: int,
                    plan: Any = None, plan_frame: pd.DataFrame | None = None, seed: int = 0,
                    n_paths: int | None = None, calibration: Any = "default", min_train: int = 1,
                    backend: Any = "serial", **extra: Any) -> tuple[dict, dict[str, Input]]:
    """``(params, inputs)`` of a ``backtest`` run: ``history, plan, calibration, models, horizon,
    origins`` (the cut-off years used, ``2019,2020,2021``), ``n_origins``, ``min_train, seed,
    n_paths, backend, data_fingerprint``."""
    origins = [int(o) for o in (getattr(result, "origins", ()) or ())]
    summary = getattr(result, "summary", None)
    models = [str(m) for m in summary["model"]] if summary is not None and "model" in summary else []
    params = {"history": source_text(history), "plan": source_text(plan),
              "calibration": calibration_text(calibration), "models": models, "horizon": int(horizon),
              "origins": origins or None, "n_origins": len(origins), "min_train": int(min_train),
              "seed": int(seed), "n_paths": int(n_paths or DEFAULT_PATHS), "backend": backend_text(backend),
              # the history first, as every other command's fingerprint (the plan adds the attainment calls)
              "data_fingerprint": data_fingerprint(history_frame, plan_frame, calibration=calibration),
              **extra}
    return params, _inputs(history=(history_frame, history), plan=(plan_frame, plan))


def risk_score_params(*, samples: Any, samples_frame: pd.DataFrame | None, meta: Mapping[str, Any],
                      region: str | None = None, where: Sequence[str] | None = None,
                      keep_totals: bool = False) -> tuple[dict, dict[str, Input]]:
    """``(params, inputs)`` of a ``risk score`` run, ``mstarget risk score`` and
    ``mt.risk.score(track=True)`` alike: ``samples`` (absolute path, ``DataFrame`` for a table in
    memory), ``by, region`` (when given; else the result's, added where the run is logged),
    ``as_of, half_life, level, hierarchical, where, keep_totals, periods, data_fingerprint`` (over
    the samples table as read); the samples table is the dataset input ``samples``. ``meta``: the
    score table's ``attrs["risk"]``."""
    params = {"samples": source_text(samples), "by": list(meta["by"]), **({"region": region} if region else {}),
              "as_of": meta["as_of"], "half_life": meta["half_life"], "level": meta["level"],
              "hierarchical": meta["hierarchical"], "where": list(where or []),
              "keep_totals": bool(keep_totals), "periods": meta["periods"],
              "data_fingerprint": data_fingerprint(samples_frame)}
    return params, _inputs(samples=(samples_frame, samples))


def inputs_of(inputs: Mapping[str, Any] | Sequence[Any] | None) -> dict[str, Input]:
    """``inputs=`` of a ``log_*`` call as named :class:`Input` s (a sequence of bare tables, as
    older callers pass it, names none: those only feed the fingerprint)."""
    if not isinstance(inputs, Mapping):
        return {}
    out = {}
    for role, value in inputs.items():
        if value is None:
            continue
        if isinstance(value, Input):
            out[str(role)] = value
        elif isinstance(value, tuple):
            out[str(role)] = Input(value[0], _path_of(value[1]) if len(value) > 1 else None)
        else:
            out[str(role)] = Input(value, None)
    return {k: v for k, v in out.items() if v.frame is not None}
