"""Checks of the public functions' arguments: one message shape for every bad argument.

A wrong type or value raises :class:`~mstarget.exceptions.ParameterError` naming the argument,
the function and what is expected ("The 'horizon' parameter of forecast must be an int in
[1, 50]. Got '3' instead."), before any work is done -- not a TypeError from pathlib or an
AttributeError from deep inside (issue 14).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .exceptions import ParameterError

#: the years a table may hold: the readers refuse a year outside them (``mstarget.validation``
#: keeps the same bounds), so an argument naming a year outside them is a typo (``as_of=202``)
YEAR_MIN, YEAR_MAX = 1900, 2099


def check_table(value, name: str, owner: str, *, optional: bool = False) -> None:
    """``value`` must be a file path (str or ``os.PathLike``) or a DataFrame (or ``None`` if
    ``optional``)."""
    if optional and value is None:
        return
    if isinstance(value, pd.DataFrame) or (isinstance(value, os.PathLike)) or \
            (isinstance(value, str) and value.strip()):
        return
    raise ParameterError.invalid(name, owner, "a file path (str or pathlib.Path) or a pandas DataFrame"
                                 + (", or None" if optional else ""), value)


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_int(value, name: str, owner: str, low: int | None = None, high: int | None = None,
              *, optional: bool = False) -> None:
    """``value`` must be an int (not a bool, not a string) within ``[low, high]``."""
    if optional and value is None:
        return
    if _is_int(value) and (low is None or value >= low) and (high is None or value <= high):
        return
    if low is not None and high is not None:
        expected = f"an int in [{low}, {high}]"
    elif low is not None:
        expected = f"an int >= {low}"
    else:
        expected = "an int"
    raise ParameterError.invalid(name, owner, expected + (" or None" if optional else ""), value)


def check_year(value, name: str, owner: str, *, optional: bool = False) -> None:
    """``value`` must be a year: an int in [:data:`YEAR_MIN`, :data:`YEAR_MAX`], the years a table
    may hold. ``as_of=202`` would otherwise cut every series away and give a table of ``no_data``."""
    if optional and value is None:
        return
    if _is_int(value) and YEAR_MIN <= value <= YEAR_MAX:
        return
    raise ParameterError.invalid(name, owner, f"a year, an int in [{YEAR_MIN}, {YEAR_MAX}] such as 2023"
                                 + (", or None" if optional else ""), value)


def check_seed(seed, owner: str) -> None:
    """A seed is an int >= 0 (NumPy's generators take no negative seeds)."""
    check_int(seed, "seed", owner, 0)


def check_horizon(horizon, owner: str, high: int = 50, *, mapping: bool = False) -> None:
    """Years ahead: an int in [1, ``high``] (or, with ``mapping``, a mapping of series to ints)."""
    if mapping and isinstance(horizon, Mapping):
        return
    check_int(horizon, "horizon", owner, 1, high)


def check_levels(levels, owner: str) -> tuple[int | float, ...]:
    """Interval levels in percent: numbers in (1, 100), e.g. ``(80, 95)``; returned as a tuple, each
    level once.

    A level <= 1 is refused rather than read as a tiny interval: ``0.8`` is almost surely meant
    as 80 % (``mt.risk.score(level=0.9)`` takes a fraction, forecasts take percentages).
    """
    items = [levels] if isinstance(levels, (str, bytes)) or not isinstance(levels, Iterable) \
        else list(levels)
    expected = "a sequence of percentages in (1, 100), e.g. (80, 95)"
    if not items:
        raise ParameterError.invalid("levels", owner, expected, levels)
    out = []
    for lv in items:
        number = isinstance(lv, (int, float, np.integer, np.floating)) and not isinstance(lv, (bool, np.bool_))
        if not number or not (0 < float(lv) < 100):
            raise ParameterError.invalid("levels", owner, expected, levels)
        if float(lv) <= 1:
            raise ParameterError(
                f"The 'levels' parameter of {owner} must be {expected}. Got {levels!r} instead: "
                f"levels are percentages, so {lv!r} would mean a {float(lv):g} % interval; write "
                f"{float(lv) * 100:g} for the {float(lv) * 100:g} % interval. (mt.risk.score's "
                "level=0.9 is a fraction; forecast levels are in %.)")
        out.append(int(lv) if float(lv).is_integer() else float(lv))
    return tuple(dict.fromkeys(out))  # 80, 80: one pair of lo_80 / hi_80 columns, not two
