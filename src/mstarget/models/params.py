"""Allowed values of model parameters, checked when a model spec is resolved (issue 16).

Every model declares its parameters in a table (``Forecaster.parameters``, name -> constraint),
as scikit-learn estimators do; :func:`mstarget.models.registry.resolve` checks a spec's parameters
against it before any work, so a typo or a bad value is a
:class:`~mstarget.exceptions.ParameterError` in one message shape, naming the model, the spec and
what is allowed::

    The 'combine' parameter of ensemble must be one of 'mean', 'median'. Got 'bogus' instead.

instead of a model quietly replaced by a simpler one.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass


class Constraint:
    """One parameter's allowed values: :meth:`accepts` and a description for messages."""

    def accepts(self, value) -> bool:  # pragma: no cover - every constraint overrides it
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover
        raise NotImplementedError


def _interval(kind: str, low, high, low_open: bool = False) -> str:
    """``"an int in [1, 50]"``, ``"a number in (0, 1]"``, ``"an int >= 1"`` (``kind`` alone
    without a lower bound)."""
    def text(x):
        return str(x) if isinstance(x, numbers.Integral) else f"{x:g}"

    if low is None:
        return kind
    if high is not None:
        return f"{kind} in {'(' if low_open else '['}{text(low)}, {text(high)}]"
    return f"{kind} {'>' if low_open else '>='} {text(low)}"


def _number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and \
        type(value).__name__ != "bool_"


@dataclass(frozen=True)
class Int(Constraint):
    """An int (not a bool, not a string) in ``[low, high]`` (``None``: no bound)."""

    low: int | None = None
    high: int | None = None

    def accepts(self, value) -> bool:
        return (isinstance(value, numbers.Integral) and _number(value)
                and (self.low is None or value >= self.low) and (self.high is None or value <= self.high))

    def describe(self) -> str:
        return _interval("an int", self.low, self.high)


@dataclass(frozen=True)
class Float(Constraint):
    """A finite number in ``(low, high]`` / ``[low, high]`` (``low_open``: ``low`` excluded)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False

    def accepts(self, value) -> bool:
        if not _number(value) or not math.isfinite(float(value)):
            return False
        v = float(value)
        if self.low is not None and (v <= self.low if self.low_open else v < self.low):
            return False
        return self.high is None or v <= self.high

    def describe(self) -> str:
        return _interval("a number", self.low, self.high, self.low_open) if self.low is not None \
            else "a finite number"


@dataclass(frozen=True)
class Bool(Constraint):
    """``True`` or ``False``."""

    def accepts(self, value) -> bool:
        return isinstance(value, bool) or type(value).__name__ == "bool_"

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class Choice(Constraint):
    """One of a few strings."""

    values: tuple

    def __init__(self, *values):
        object.__setattr__(self, "values", tuple(values))

    def accepts(self, value) -> bool:
        return isinstance(value, str) and value in self.values

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


@dataclass(frozen=True)
class ModelNames(Constraint):
    """A non-empty list of registered model names (an ensemble's members); the registry checks
    that every name is registered."""

    def accepts(self, value) -> bool:
        return (isinstance(value, (list, tuple)) and len(value) > 0
                and all(isinstance(v, str) and v.strip() for v in value))

    def describe(self) -> str:
        return "a non-empty list of registered model names"


@dataclass(frozen=True)
class Orders(Constraint):
    """A non-empty list of ARIMA orders ``[p, d, q]``: non-negative ints, ``d`` at most 2."""

    def accepts(self, value) -> bool:
        if not isinstance(value, (list, tuple)) or not value:
            return False
        for o in value:
            if not (isinstance(o, (list, tuple)) and len(o) == 3
                    and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0 for v in o)
                    and o[1] <= 2):
                return False
        return True

    def describe(self) -> str:
        return "a non-empty list of [p, d, q] orders (ints >= 0, d <= 2)"
