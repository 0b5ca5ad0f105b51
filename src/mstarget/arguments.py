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
    if isinstance(value, pd.DataFrame):
        check_index(value, name, owner)
        return
    if isinstance(value, os.PathLike) or (isinstance(value, str) and value.strip()):
        return
    raise ParameterError.invalid(name, owner, "a file path (str or pathlib.Path) or a pandas DataFrame"
                                 + (", or None" if optional else ""), value, _table_hint(value, name))


def check_index(df: pd.DataFrame, name: str, owner: str, schemas=None, also=()) -> None:
    """Refuse a DataFrame whose index holds a column its reader needs (:func:`_fields_in_index`), saying
    to pass ``df.reset_index()``. ``schemas`` (default: the history's and the plan's) and ``also`` (more
    column names, e.g. a risk table's ``by`` columns) say which columns a reader takes."""
    held = _fields_in_index(df, schemas, also)
    if held == ["year"] and df.index.name is None:  # an unnamed DatetimeIndex / PeriodIndex
        raise ParameterError(
            f"The '{name}' parameter of {owner} keeps its dates in the DataFrame's index, not in a year "
            "column: the index is not read. Pass df.rename_axis('year').reset_index() "
            "(日期在索引中而不在“年份”列中：请传入 df.rename_axis('year').reset_index()).")
    if held:
        many = len(held) > 1
        raise ParameterError(
            f"The '{name}' parameter of {owner} holds {', '.join(held)} in the DataFrame's index, not in "
            f"{'columns' if many else 'a column'}: the index is not read. Pass df.reset_index() "
            f"(表中{'、'.join(held)}在索引中而不在列中：请传入 df.reset_index()).")


#: the table readers' schemas (history, plan), registered by those modules as they load
#: (:func:`register_schema`), so that this low module names an index level's column without importing them
TABLE_SCHEMAS: list = []
_HEADER_KEY: list = []  # layout.header_key, registered with the schemas
#: the columns those readers cannot do without: only these, held in an index, are refused
TABLE_REQUIRED: set = set()


def register_schema(schema, header_key, required=()) -> None:
    """Called by :mod:`mstarget.history` and :mod:`mstarget.plan` at import: their ``SCHEMA`` (aliases of
    their columns), the key their headers are looked up by (:func:`mstarget.layout.header_key`) and their
    ``required`` columns (an index holding an optional one, ``source`` or ``unit``, is no reason to refuse)."""
    if schema not in TABLE_SCHEMAS:
        TABLE_SCHEMAS.append(schema)
    _HEADER_KEY[:] = [header_key]
    TABLE_REQUIRED.update(required)


def _fields_in_index(df: pd.DataFrame, schemas=None, also=()) -> list[str]:
    """The index levels of ``df`` a table reader would have read as one of its columns (region, indicator,
    year ... or their Chinese headers, 地区 / 年份) while no column of ``df`` gives that field: e.g.
    ``df.set_index('region')``, ``set_index(['region', 'indicator'])`` or a pivot (regions x years)
    without ``reset_index()``. Such a table was refused as "missing column region" with a hint
    (``region='鼎湖区'``) that, followed, relabelled every row as one region. An unnamed DatetimeIndex
    or PeriodIndex is the table's years (``"year"``) when no column gives them."""
    def field(label) -> str | None:
        if label is None or isinstance(label, (int, float, np.integer, np.floating)):
            return None  # a year's column of a wide table, or an unnamed level
        if label in also:
            return str(label)
        key = _HEADER_KEY[0](label) if _HEADER_KEY else str(label).strip().lower()
        for schema in TABLE_SCHEMAS if schemas is None else schemas:
            found = schema.aliases.get(key) or (key if key in schema.canonical else None)
            if found:
                return found
        return None

    have = {field(c) for c in df.columns if not isinstance(c, tuple)} - {None}
    # the readers' own tables: only a column they need (the name, when no indicator column gives it)
    # (and the unit: it sets a share's 0-100 bounds and the count models, so a unit dropped unread changes forecasts)
    needed = (TABLE_REQUIRED | {"unit"} | ({"name"} if "indicator" not in have else set())) if schemas is None else None
    held = [str(level) for level in df.index.names
            if level is not None and level not in df.columns and field(level) not in (None, *have)
            and (needed is None or field(level) in needed or level in also)]
    dated = isinstance(df.index, (pd.DatetimeIndex, pd.PeriodIndex)) and df.index.name is None
    if dated and schemas is None and "year" not in have and len(df.columns) > 1:
        held.append("year")
    return list(dict.fromkeys(held))


def _table_hint(value, name: str) -> str:
    """What to pass instead of ``value``, a table's contents in another shape (issue 14): a dict of columns
    -> ``pd.DataFrame(d)``, one column -> the whole table."""
    if isinstance(value, Mapping):
        tables = [k for k, v in value.items() if isinstance(v, pd.DataFrame)]
        if tables:  # pd.read_excel(sheet_name=None): one table per sheet
            return (f"A dict of tables (pd.read_excel(sheet_name=None) gives one per sheet): pass one of them, "
                    f"e.g. d[{tables[0]!r}], or pd.concat(d.values()).")
        return "A dict of columns is not a table: pass pd.DataFrame(d)."
    if isinstance(value, pd.Series):
        return ("A pandas Series is one column (or one row): pass the whole table (the DataFrame), "
                "or s.to_frame() / s.reset_index() if the Series holds the table.")
    if isinstance(value, np.ndarray) or (isinstance(value, (list, tuple)) and value):
        return "A list or array has no column names: pass pd.DataFrame(rows, columns=[...])."
    if isinstance(value, (bytes, bytearray)):
        return "Bytes are not a path: pass the file name, or read the file into a DataFrame first."
    if callable(getattr(value, "read", None)):  # an open file, io.BytesIO / StringIO, a notebook's upload
        name = getattr(value, "name", None)
        return ((f"Pass its path ({name!r}) instead, " if isinstance(name, str) and name.strip() else "Pass the file's path, ")
                + "or read it into a DataFrame first: pd.read_excel(f, header=None) for a workbook, "
                "pd.read_csv(f, header=None) for a CSV (encoding='gb18030' if it was saved as GBK); title rows and "
                "headers such as 2020年基数 / 2025年目标 are read from the DataFrame as from the file "
                "(文件对象不能直接读取：请传入文件路径，或先用 pd.read_excel / pd.read_csv 读成 DataFrame)")
    return ""


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
