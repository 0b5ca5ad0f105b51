"""Model registry and named model specifications.

``model=`` anywhere in mstarget accepts:

* a registered name (``naive``, ``drift``, ``linear``, ``loglinear``, ``ets``, ``theta``, ... and
  ``auto``), see :func:`available_models`;
* a :class:`ModelSpec`;
* a path to a TOML spec file, or the stem of a file in the project's ``models/`` folder
  (``$MSTARGET_MODELS_DIR``, default ``./models``), e.g. ``models/ets_undamped.toml``::

      model = "ets"            # registered name
      label = "ets_undamped"   # optional; written to the result's ``model`` column
      [params]
      damped = false

To add a model: write a :class:`~mstarget.models.base.Forecaster` subclass in its own module
and decorate it with :func:`register` (see docs/ARCHITECTURE.md).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import UnknownModelError
from .base import Forecaster

_REGISTRY: dict[str, type[Forecaster]] = {}

#: names the engine resolves itself (a choice among registered models per series)
META_MODELS = ("auto",)


def register(cls: type[Forecaster]) -> type[Forecaster]:
    """Class decorator: make a model available by its ``name``."""
    _REGISTRY[cls.name] = cls
    return cls


def available_models() -> list[str]:
    """Registered model names, plus the meta-model ``auto``."""
    return sorted(_REGISTRY) + list(META_MODELS)


@dataclass(frozen=True)
class ModelSpec:
    """A model by registered name with its parameters; ``label`` names it in results."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    label: str | None = None

    @property
    def display(self) -> str:
        return self.label or self.name

    def build(self) -> Forecaster:
        return model_class(self.name)(**self.params)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "params": dict(self.params), "label": self.display}


def model_class(name: str) -> type[Forecaster]:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownModelError(
            f"unknown model {name!r}; choose one of {', '.join(available_models())} "
            "or give a spec file (.toml)") from None


def models_dir() -> Path:
    return Path(os.environ.get("MSTARGET_MODELS_DIR", "models"))


def load_spec_file(path: str | os.PathLike) -> ModelSpec:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UnknownModelError(f"cannot read model spec {str(p)!r}: {exc}") from None
    name = data.get("model")
    if not isinstance(name, str):
        raise UnknownModelError(f"model spec {str(p)!r} needs a string key 'model' naming a registered model")
    if name not in _REGISTRY and name not in META_MODELS:
        model_class(name)  # raises with the list of names
    params = data.get("params", {}) or {}
    if not isinstance(params, dict):
        raise UnknownModelError(f"model spec {str(p)!r}: [params] must be a table")
    return ModelSpec(name, dict(params), data.get("label") or p.stem)


def resolve(model: str | ModelSpec | os.PathLike) -> ModelSpec:
    """Turn a ``model=`` argument into a :class:`ModelSpec` (see module docstring)."""
    if isinstance(model, ModelSpec):
        return model
    text = str(model).strip()
    if text in _REGISTRY or text in META_MODELS:
        return ModelSpec(text)
    if text.endswith(".toml") or os.sep in text:
        return load_spec_file(text)
    candidate = models_dir() / f"{text}.toml"
    if candidate.exists():
        return load_spec_file(candidate)
    model_class(text)  # raises UnknownModelError listing the choices
    raise AssertionError("unreachable")
