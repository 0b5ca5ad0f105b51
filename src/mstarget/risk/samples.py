"""Validation of sampling tables (aggregated counts or per-batch records).

The *samples* contract (see ``DESIGN.md``): one row per group and period with ``period``, the
grouping columns, ``tested`` (integer batches >= 0) and ``failed`` (integer, 0 <= failed <= tested).
Per-batch records (no ``tested`` column, one row per batch with an outcome 0/1) are aggregated.

Every bad cell is collected before raising one :class:`~mstarget.exceptions.DataValidationError`
whose problems name the spreadsheet row (header = row 1), the column, the cell and how to fix it.
"""
from __future__ import annotations

import os
from typing import Sequence

import numpy as np
import pandas as pd

from ..exceptions import DataValidationError, ParameterError, Problem
from ..io import read_table, source_name
from .periods import EXPECTED_PERIOD, Period, parse_period

OUTCOME_CANDIDATES = ("failed", "outcome", "unqualified", "fail")
_TRUE = {"1", "1.0", "true", "yes", "y", "fail", "failed", "不合格"}
_FALSE = {"0", "0.0", "false", "no", "n", "pass", "passed", "合格"}


def load(samples: pd.DataFrame | str | os.PathLike) -> tuple[pd.DataFrame, str]:
    """Return ``(table, source name)``; a path is read with :func:`mstarget.io.read_table`."""
    if isinstance(samples, pd.DataFrame):
        return samples, source_name(samples)
    if isinstance(samples, (str, os.PathLike)):
        return read_table(samples), str(samples)
    raise ParameterError.invalid("samples", "mstarget.risk", "a DataFrame or a path to a table",
                                 type(samples).__name__)


def check_by(by) -> list[str]:
    """Normalise ``by`` to a non-empty list of column names."""
    if isinstance(by, str):
        by = [by]
    try:
        out = [str(b) for b in by]
    except TypeError:
        raise ParameterError.invalid("by", "mstarget.risk.score", "a column name or a list of them",
                                     by) from None
    if not out or len(set(out)) != len(out):
        raise ParameterError.invalid("by", "mstarget.risk.score",
                                     "a non-empty list of distinct column names", by)
    return out


def _cell_text(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)


def parse_count(v) -> int:
    """One count cell as an int; ``ValueError`` with a reason otherwise (``1,234`` is accepted)."""
    if v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()):
        raise ValueError("empty cell; fill in a whole number of batches (0 if none)")
    if isinstance(v, (bool, np.bool_)):
        raise ValueError("a whole number of batches, not true/false")
    if isinstance(v, (int, np.integer)):
        n = int(v)
    else:
        text = str(v).strip().replace(",", "").replace("，", "")
        try:
            x = float(text)
        except ValueError:
            raise ValueError("a whole number of batches such as 120") from None
        if not np.isfinite(x) or not float(x).is_integer():
            raise ValueError("a whole number of batches (counts cannot have decimals)")
        n = int(x)
    if n < 0:
        raise ValueError("a count >= 0 (batches cannot be negative)")
    return n


def _parse_outcome(v) -> int:
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)) and int(v) in (0, 1):
        return int(v)
    if isinstance(v, float) and v in (0.0, 1.0):
        return int(v)
    text = _cell_text(v).strip().lower()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    raise ValueError("an outcome 0 (qualified / 合格) or 1 (unqualified / 不合格)")


def parse_outcomes(values, src: str, column: str, first_row: int = 2) -> np.ndarray:
    """0/1 outcomes as an int array; every bad cell becomes a :class:`Problem` in one error."""
    out = np.zeros(len(values), dtype=np.int64)
    problems = []
    for i, v in enumerate(values):
        try:
            out[i] = _parse_outcome(v)
        except ValueError as exc:
            problems.append(Problem(src, i + first_row, column, _cell_text(v), str(exc)))
    if problems:
        raise DataValidationError(problems, source=src)
    return out


def validate_samples(samples, by: Sequence[str], *, period: str | None = "period",
                     outcome: str | None = None) -> tuple[pd.DataFrame, str]:
    """Check a sampling table and return it clean and aggregated per group and period.

    Parameters
    ----------
    samples : DataFrame or path
        Aggregated counts (``tested``, ``failed``) or per-batch records (an outcome column of 0/1).
    by : list of str
        Grouping columns.
    period : str or None
        Name of the period column; ``None`` if the table has none (all rows are one period).
    outcome : str, optional
        Outcome column of per-batch records; default: the first of ``failed``, ``outcome``,
        ``unqualified``, ``fail`` present when there is no ``tested`` column.

    Returns
    -------
    (DataFrame, str)
        Columns ``by..., period, tested, failed`` (ints) and ``_start``, ``_end`` (month indices of
        the period), one row per group and period, sorted; and the source name for messages.

    Raises
    ------
    DataValidationError
        Listing every missing column or bad cell.
    """
    df, src = load(samples)
    by = check_by(by)
    records = "tested" not in df.columns
    if records:
        if outcome is None:
            outcome = next((c for c in OUTCOME_CANDIDATES if c in df.columns), None)
        need = list(by) + ([period] if period else []) + [outcome or "tested"]
        if outcome is None:
            raise DataValidationError([Problem(
                src, None, "tested", None,
                "column missing; give aggregated counts in columns 'tested' and 'failed', or one row "
                "per batch with a 0/1 outcome column 'failed' (or pass outcome=...)")], source=src)
    else:
        need = list(by) + ([period] if period else []) + ["tested", "failed"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        have = ", ".join(map(str, df.columns))
        raise DataValidationError([Problem(src, None, c, None,
                                           f"column missing; the table has: {have}")
                                   for c in missing], source=src)

    problems: list[Problem] = []
    n = len(df)
    if n == 0:
        raise DataValidationError([Problem(src, None, None, None,
                                           "the table has no data rows")], source=src)
    groups = {c: df[c].tolist() for c in by}
    for c in by:
        for i, v in enumerate(groups[c]):
            t = _cell_text(v).strip()
            if not t:
                problems.append(Problem(src, i + 2, c, _cell_text(v),
                                        "a group name; this cell is empty"))
            groups[c][i] = t

    starts = np.zeros(n, dtype=np.int64)
    ends = np.zeros(n, dtype=np.int64)
    labels: list[str] = [""] * n
    if period:
        cache: dict[object, Period] = {}
        for i, v in enumerate(df[period].tolist()):
            key = v if not isinstance(v, float) or v == v else "nan"
            try:
                p = cache.get(key) or parse_period(v)
                cache[key] = p
            except (ValueError, TypeError) as exc:
                problems.append(Problem(src, i + 2, period, _cell_text(v),
                                        f"unknown period format; {exc}"))
                continue
            labels[i], starts[i], ends[i] = p.label, p.start, p.end

    if records:
        tested = np.ones(n, dtype=np.int64)
        failed = np.zeros(n, dtype=np.int64)
        for i, v in enumerate(df[outcome].tolist()):
            try:
                failed[i] = _parse_outcome(v)
            except ValueError as exc:
                problems.append(Problem(src, i + 2, outcome, _cell_text(v), str(exc)))
    else:
        tested = np.zeros(n, dtype=np.int64)
        failed = np.zeros(n, dtype=np.int64)
        ok_t = np.zeros(n, dtype=bool)
        ok_f = np.zeros(n, dtype=bool)
        for col, arr, ok in (("tested", tested, ok_t), ("failed", failed, ok_f)):
            for i, v in enumerate(df[col].tolist()):
                try:
                    arr[i] = parse_count(v)
                    ok[i] = True
                except ValueError as exc:
                    problems.append(Problem(src, i + 2, col, _cell_text(v), str(exc)))
        bad = np.flatnonzero(ok_t & ok_f & (failed > tested))
        for i in bad:
            problems.append(Problem(src, int(i) + 2, "failed", str(failed[i]),
                                    f"failed <= tested ({tested[i]} batches tested in this row); "
                                    "check whether the two columns are swapped"))
    if problems:
        problems.sort(key=lambda p: (p.row or 0, need.index(p.column) if p.column in need else 99))
        raise DataValidationError(problems, source=src)

    out = pd.DataFrame({c: groups[c] for c in by})
    out["period"] = labels if period else "all"
    out["_start"] = starts
    out["_end"] = ends
    out["tested"] = tested
    out["failed"] = failed
    keys = list(by) + ["period", "_start", "_end"]
    out = (out.groupby(keys, sort=False, as_index=False)[["tested", "failed"]].sum()
              .sort_values(["_end", "_start"] + list(by), kind="stable").reset_index(drop=True))
    return out, src


def resolve_as_of(as_of) -> Period | None:
    """Parse ``as_of`` (same spellings as periods) or raise a :class:`ParameterError`."""
    if as_of is None:
        return None
    try:
        return parse_period(as_of)
    except ValueError:
        raise ParameterError.invalid("as_of", "mstarget.risk.score", EXPECTED_PERIOD, as_of) from None
