"""The forecaster as an MLflow pyfunc model (models from code: settings, not a pickle)."""
from __future__ import annotations

import importlib.metadata as md
import inspect
import json
import numbers
import posixpath
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..exceptions import ParameterError, TrackingError
from ..forecast import DEFAULT_PATHS, _check_levels, forecast
from ..models import ModelSpec, resolve
from .runs import Run, start_run
from .store import (
    FORECASTER_NAME,
    TrackingSettings,
    _describe_failure,
    _fail_fast,
    _context_tags,
    _global_tracking_uri,
    _mlflow,
    _quiet,
    check_store,
)

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
    import mlflow.pyfunc  # lazy: mlflow

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
            cfg = self.config
            spec = cfg["spec"]
            label = spec.get("label")
            model = ModelSpec(spec["name"], dict(spec.get("params") or {}),
                              label if label and label != spec["name"] else None)
            frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
            return forecast(frame, horizon=int(cfg["horizon"]), model=model,
                            levels=tuple(cfg["levels"]), seed=int(cfg["seed"]),
                            n_paths=int(cfg["n_paths"]), as_of=cfg.get("as_of"))

    MstargetForecaster.__module__ = "mstarget.tracking"  # its public address
    MstargetForecaster.__qualname__ = "MstargetForecaster"
    _FORECASTER_CLASS = MstargetForecaster
    return MstargetForecaster


def __getattr__(name: str):
    if name == "MstargetForecaster":
        return _forecaster_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_MODEL_CODE = """\
# mstarget forecaster, logged by mstarget.tracking.log_forecaster; its settings are CONFIG
import json

import mlflow.models

from mstarget.tracking import MstargetForecaster

CONFIG = json.loads({config!r})

mlflow.models.set_model(MstargetForecaster(CONFIG))
"""


def _pip_requirements() -> list[str]:
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
    if isinstance(levels, str):
        levels = [float(x) for x in levels.split(",") if x.strip()]
    if not (isinstance(horizon, numbers.Integral) and 1 <= horizon <= 50):
        raise ParameterError.invalid("horizon", "log_forecaster", "an int in [1, 50]", horizon)
    return {"spec": resolve(model).to_dict(), "horizon": int(horizon), "levels": list(_check_levels(levels)),
            "seed": int(seed), "n_paths": int(n_paths or DEFAULT_PATHS),
            "as_of": None if as_of is None else int(as_of)}


def register_name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name a registered model (``mstarget forecast --register NAME``), by MLflow's own rules
    -- not blank, no ``/`` or ``:``, not a name a path would read as another (``a/../b``, ``..``, ``/a``) --, or
    ``None`` when it can. Pure Python: a command checks it before any work, without loading MLflow."""
    if name is None:
        return None
    text = str(name)
    if not text.strip():
        why = "it is blank"
    elif "/" in text or ":" in text:
        why = "a registered model's name cannot contain '/' or ':'"
    else:
        norm = posixpath.normpath(text)
        if norm == text and norm != "." and not norm.startswith(".."):
            return None
        why = f"MLflow would read it as the path {norm!r}"
    suggestion = "_".join(p for p in re.split(r"[/:\\]+", text.strip()) if p.strip(". ")) or "mstarget_forecaster"
    return (f"--register {text!r} cannot name a registered model: {why}; choose another name, e.g. "
            f"{suggestion!r}")


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
    problem = register_name_problem(register_name)
    if problem is not None:  # before the model is logged: MLflow's own refusal would blame the store
        raise ParameterError(problem)
    if run is None:
        params = {"model": config["spec"]["label"], "model_spec": config["spec"], "horizon": horizon,
                  "levels": config["levels"], "seed": seed, "n_paths": config["n_paths"], "as_of": as_of}
        with start_run("forecaster", settings, params=params) as new:
            if new is None:
                return None
            return log_forecaster(model, horizon=horizon, levels=levels, seed=seed, n_paths=n_paths,
                                  as_of=as_of, register_name=register_name, run=new, name=name)

    mlflow = _mlflow()
    import mlflow.pyfunc  # lazy: mlflow
    from mlflow.models import Model  # lazy: mlflow

    # the settings live in the model's code (and its metadata), not in ``model_config``, which
    # MLflow would also log as run parameters ``mstarget_forecaster/*``: the run's own parameters
    # (model, horizon, levels, seed, n_paths, as_of_given) already say them, once
    kwargs: dict[str, Any] = dict(
        flavor=mlflow.pyfunc, run_id=run.run_id, pip_requirements=_pip_requirements(),
        registered_model_name=register_name,
        metadata={"mstarget_version": __version__, "mstarget_forecaster": config,
                  "input": "history: region, indicator, year, value [, unit]",
                  "output": "region, indicator, year, mean, median, lo_<L>, hi_<L>..., model"})
    log_params = inspect.signature(Model.log).parameters
    if "name" in log_params:  # mlflow 3
        kwargs.update(name=name, artifact_path=None)
    else:  # mlflow 2
        kwargs.update(artifact_path=name)
    if "model_id" in log_params and hasattr(run.client, "create_logged_model"):
        # MLflow 3 files a model logged with ``run_id=`` under the *active* experiment (Default,
        # 0, with its artifacts under ./mlruns of the working folder), not the run's: the
        # LoggedModel is created here, in the run's experiment, so its files go where the run's do
        kwargs["model_id"] = _create_logged_model(run, name, config).model_id
    with tempfile.TemporaryDirectory() as tmp, _global_tracking_uri(run.uri):
        # "models from code": the model is this short file with its settings, not a pickle
        code = Path(tmp) / "mstarget_forecaster.py"
        code.write_text(_MODEL_CODE.format(config=json.dumps(config, sort_keys=True)), encoding="utf-8")
        kwargs["python_model"] = str(code)
        with _quiet("mlflow.pyfunc", "mlflow.models.model"):  # "no signature inferred": by design
            info = run._call(Model.log, **kwargs)
    uri = info.model_uri
    version = getattr(info, "registered_model_version", None)
    if register_name and version is not None:
        uri = f"models:/{register_name}/{version}"
    run.set_tags({"mstarget.model_uri": uri})
    return uri


def _flat(prefix: str, value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for k, v in value.items():
            out.update(_flat(f"{prefix}.{k}" if prefix else str(k), v))
        return out
    if isinstance(value, (list, tuple)):
        value = ",".join(map(str, value))
    return {prefix: "none" if value is None else str(value)}


def _create_logged_model(run: Run, name: str, config: dict):
    """The LoggedModel of a forecaster, in ``run``'s experiment, produced by ``run``; its params
    are the forecaster's settings (``spec.name``, ``horizon``, ``levels`` ...), its tags the
    source of the run (user, git commit, ``mstarget.source.dirty``)."""
    tags = {**_context_tags(), "mstarget.version": __version__}
    return run._call(run.client.create_logged_model, experiment_id=run.experiment_id, name=name,
                     source_run_id=run.run_id, params=_flat("", config), tags=tags,
                     model_type="mstarget-forecaster")


def load_forecaster(model_uri: str, settings: TrackingSettings | None = None):
    """Load a logged forecaster (``mlflow.pyfunc.load_model``) from the configured store."""
    settings = settings or TrackingSettings.from_env()
    uri = settings.store_uri()
    check_store(uri, settings.resolved_timeout())
    mlflow = _mlflow()
    import mlflow.pyfunc  # lazy: mlflow

    with _global_tracking_uri(uri), _fail_fast(uri, settings.resolved_timeout()):
        try:
            return mlflow.pyfunc.load_model(model_uri)
        except Exception as exc:
            raise TrackingError(_describe_failure(uri, exc)) from exc


