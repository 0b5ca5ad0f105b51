"""Model registry and named model specifications: the one way a ``model=`` argument becomes a model.

``model=`` anywhere in mstarget accepts:

* a registered name (``naive``, ``drift``, ``linear``, ``loglinear``, ``ets``, ``theta``, ... and
  ``auto``), see :func:`available_models` -- every model, the ensemble's members included, is
  registered the same way;
* a :class:`ModelSpec` (a registered name with parameters and a label);
* a path to a TOML spec file, or the name of one: first ``$MSTARGET_MODELS_DIR/<name>.toml``
  (default ``./models``, your own specs), then the named specs shipped with mstarget
  (package data ``mstarget/specs/*.toml``: ``ensemble_lgt``, ``ensemble_robust``,
  ``arima_small``), so ``model="ensemble_lgt"`` works from any directory::

      model = "ets"            # registered name
      label = "ets_undamped"   # optional; written to the result's ``model`` column
      [params]
      damped = false

Every spec is checked when it is resolved, before any work: an unknown model, an unknown
parameter or a bad value is a :class:`~mstarget.exceptions.ParameterError` /
:class:`~mstarget.exceptions.UnknownModelError` naming the spec and what is allowed
(:mod:`mstarget.models.params`), never a quiet fallback to a simpler model.

To add a model: write a :class:`~mstarget.models.base.Forecaster` subclass in its own module
and register it in ``models/__init__.py`` (see docs/ARCHITECTURE.md).
"""
from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..exceptions import ParameterError, UnknownModelError
from .base import Forecaster
from .params import ModelNames

_REGISTRY: dict[str, type[Forecaster]] = {}

#: names the engine resolves itself (a choice among registered models per series)
META_MODELS = ("auto",)
#: package data folder (inside ``mstarget``) of the named specs shipped with mstarget
SPECS_FOLDER = "specs"


def _specs():
    return resources.files("mstarget").joinpath(SPECS_FOLDER)


def register(cls: type[Forecaster]) -> type[Forecaster]:
    """Class decorator: make a model available by its ``name``."""
    _REGISTRY[cls.name] = cls
    return cls


def available_models() -> list[str]:
    """Registered model names, plus the meta-model ``auto``."""
    return sorted(_REGISTRY) + list(META_MODELS)


@dataclass(frozen=True)
class ModelSpec:
    """A model by registered name with its parameters; ``label`` names it in results.

    ``source`` says where the spec came from (a spec file), for messages.
    """

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    label: str | None = None
    source: str | None = field(default=None, compare=False, repr=False)

    @property
    def display(self) -> str:
        return self.label or self.name

    def build(self) -> Forecaster:
        check_spec(self)
        return model_class(self.name)(**self.params)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "params": dict(self.params), "label": self.display}


def model_class(name: str) -> type[Forecaster]:
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        names = [*available_models(), *shipped_specs()]
        close = difflib.get_close_matches(str(name).strip().lower(), names, n=1, cutoff=0.7)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UnknownModelError(
            f"unknown model {name!r}; {hint}choose one of {', '.join(available_models())}, a named spec "
            f"({', '.join(shipped_specs())}) or a spec file (.toml)") from None


def _owner(spec: ModelSpec) -> str:
    where = spec.source or (spec.label if spec.label and spec.label != spec.name else None)
    return f"{spec.name} (model spec {where})" if where else spec.name


def check_spec(spec: ModelSpec) -> ModelSpec:
    """Refuse a spec naming no registered model, or with an unknown parameter or a bad value
    (:class:`UnknownModelError` / :class:`ParameterError` naming the spec and what is allowed).
    Returns the spec."""
    if spec.name in META_MODELS:
        if spec.params:
            raise ParameterError(f"{_owner(spec)} takes no parameters; got {', '.join(map(repr, spec.params))}. "
                                 "Give a registered model's name to set parameters.")
        return spec
    cls = model_class(spec.name)
    if not isinstance(spec.params, dict):
        raise ParameterError(f"the parameters of {_owner(spec)} must be a table (a dict), not "
                             f"{type(spec.params).__name__}")
    cls.check_params(spec.params, owner=_owner(spec))
    for key, rule in cls.parameters.items():  # models named as parameters (members) must exist
        if isinstance(rule, ModelNames) and key in spec.params:
            bad = [n for n in spec.params[key] if n not in _REGISTRY or n == spec.name]
            if bad:
                choices = [n for n in sorted(_REGISTRY) if n != spec.name]
                raise ParameterError(
                    f"The {key!r} parameter of {_owner(spec)} must name registered models, one of "
                    f"{', '.join(map(repr, choices))}. Got {', '.join(map(repr, bad))} instead.")
    return spec


def models_dir() -> Path:
    """Folder of the user's own spec files: ``$MSTARGET_MODELS_DIR``, default ``./models``."""
    return Path(os.environ.get("MSTARGET_MODELS_DIR", "models"))


def shipped_specs() -> list[str]:
    """Names of the specs shipped with mstarget (package data ``mstarget/specs/*.toml``)."""
    return sorted(p.name[:-5] for p in _specs().iterdir() if p.name.endswith(".toml"))


def _parse_spec(text: str, where: str, stem: str) -> ModelSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UnknownModelError(f"cannot read model spec {where}: {exc}") from None
    name = data.get("model")
    if not isinstance(name, str):
        raise UnknownModelError(f"model spec {where} needs a string key 'model' naming a registered model")
    if name not in _REGISTRY and name not in META_MODELS:
        try:
            model_class(name)  # raises with the list of names
        except UnknownModelError as exc:  # which file says it: model spec bad.toml: unknown model 'etss'; did you mean
            raise UnknownModelError(f"model spec {where}: {exc}") from None
    params = data.get("params", {}) or {}
    if not isinstance(params, dict):
        raise ParameterError(f"model spec {where}: [params] must be a table")
    return ModelSpec(name, dict(params), data.get("label") or stem, source=where)


def load_spec_file(path: str | os.PathLike) -> ModelSpec:
    """A spec read from a TOML file (checked, see :func:`check_spec`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise UnknownModelError(f"cannot read model spec {str(p)!r}: {exc}") from None
    return check_spec(_parse_spec(text, str(p), p.stem))


def shipped_spec(name: str) -> ModelSpec | None:
    """A named spec shipped with mstarget (``mstarget/specs/<name>.toml``), or ``None``."""
    res = _specs().joinpath(f"{name}.toml")
    if not res.is_file():
        return None
    return check_spec(_parse_spec(res.read_text(encoding="utf-8"), f"{name}.toml (shipped with mstarget)", name))


def resolve(model: str | ModelSpec | os.PathLike) -> ModelSpec:
    """Turn a ``model=`` argument into a checked :class:`ModelSpec` (see module docstring)."""
    if isinstance(model, ModelSpec):
        return check_spec(model)
    text = str(model).strip()
    if text in _REGISTRY or text in META_MODELS:
        return ModelSpec(text)
    if text.endswith(".toml") or os.sep in text:
        return load_spec_file(text)
    candidate = models_dir() / f"{text}.toml"
    if candidate.exists():
        return load_spec_file(candidate)
    spec = shipped_spec(text) if text and "." not in text and "/" not in text else None
    if spec is not None:
        return spec
    model_class(text)  # raises UnknownModelError listing the choices
    raise AssertionError("unreachable")
