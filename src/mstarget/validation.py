"""Shared helpers for validating input tables: collect every bad cell, then refuse once."""
from __future__ import annotations

import math
import re
import unicodedata

import pandas as pd

from .exceptions import DataValidationError, Problem

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def normalize_text(value) -> str:
    """NFKC-normalise a cell (full-width digits and spaces become ASCII) and strip it."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u3000", " ").strip()


def parse_number(value) -> float | None:
    """A plain number from a cell: ``"1,234.5"``, ``"95.01%"``, ``"９８"`` -> float; blank -> None.

    Raises ``ValueError`` if the cell holds something else.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if (isinstance(value, float) and math.isnan(value)) else float(value)
    if value is None or value is pd.NA:
        return None
    text = normalize_text(value)
    if text == "" or text.lower() in {"nan", "na", "n/a", "-", "--", "—"}:
        return None
    text = text.replace(",", "").replace(" ", "")
    if text.endswith("%"):
        text = text[:-1]
    if not _NUMBER.match(text):
        raise ValueError(text)
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def parse_year(value) -> int | None:
    """An integer year (``2020``, ``"2020"``, ``"2020.0"``, ``"2020年"``); blank -> None."""
    text = normalize_text(value)
    if text.endswith("年"):
        text = text[:-1]
    num = parse_number(text)
    if num is None:
        return None
    if not float(num).is_integer() or not (1000 <= num <= 3000):
        raise ValueError(text)
    return int(num)


class Problems:
    """Collects problems for one input table; rows are data positions (0-based) internally."""

    def __init__(self, source: str):
        self.source = source
        self.items: list[Problem] = []

    def cell(self, pos: int | None, column: str | None, value, expected: str) -> None:
        row = None if pos is None else int(pos) + 2  # header is row 1
        text = None if value is None else normalize_text(value) if not isinstance(value, str) else value
        self.items.append(Problem(self.source, row, column, text, expected))

    def table(self, expected: str, column: str | None = None) -> None:
        self.items.append(Problem(self.source, None, column, None, expected))

    def raise_if_any(self) -> None:
        if self.items:
            raise DataValidationError(self.items, source=self.source)


def rename_aliases(df: pd.DataFrame, aliases: dict[str, str]) -> pd.DataFrame:
    """Rename known header aliases (Chinese or English variants) to canonical names."""
    mapping = {}
    for col in df.columns:
        key = normalize_text(col).lower().replace(" ", "_")
        if key in aliases and aliases[key] not in df.columns:
            mapping[col] = aliases[key]
        elif key != col and key in aliases.values() and key not in df.columns:
            mapping[col] = key
    return df.rename(columns=mapping)


def require_columns(df: pd.DataFrame, required, problems: Problems, what: str) -> bool:
    missing = [c for c in required if c not in df.columns]
    if missing:
        problems.table(f"missing column(s) {', '.join(missing)}; a {what} table needs columns "
                       f"{', '.join(required)} (found: {', '.join(map(str, df.columns)) or 'none'})")
        return False
    return True
