"""Reading and writing tables by file extension (CSV, XLSX, Parquet, JSON).

CSV files are tried as UTF-8 (with or without BOM) then GBK / GB18030, the encodings Chinese
offices save in. Writing goes to a temporary file first and is renamed into place, so a failure
never leaves a half-written result.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from .exceptions import DataValidationError, Problem

CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def source_name(obj) -> str:
    """How an input is named in error messages."""
    if isinstance(obj, pd.DataFrame):
        return "<DataFrame>"
    return str(obj)


def read_table(path: str | os.PathLike, *, dtype=str) -> pd.DataFrame:
    """Read a CSV / XLSX / XLS / Parquet / JSON table; cells as text unless ``dtype`` says otherwise.

    Raises :class:`DataValidationError` naming the file if it is missing, empty or unreadable.
    """
    p = Path(path)
    src = str(path)
    if not p.exists():
        raise DataValidationError([Problem(src, None, None, None,
                                           "file not found; check the path")], source=src)
    ext = p.suffix.lower()
    try:
        if ext in (".csv", ".txt", ".tsv"):
            sep = "\t" if ext == ".tsv" else ","
            last_exc: Exception | None = None
            for enc in CSV_ENCODINGS:
                try:
                    return pd.read_csv(p, dtype=dtype, encoding=enc, sep=sep, keep_default_na=False,
                                       na_values=[""], skipinitialspace=True)
                except UnicodeDecodeError as exc:
                    last_exc = exc
            raise DataValidationError([Problem(src, None, None, None,
                                               "cannot decode the file; save it as UTF-8 or GBK "
                                               f"({last_exc})")], source=src)
        if ext in (".xlsx", ".xlsm", ".xls"):
            return pd.read_excel(p, dtype=dtype, keep_default_na=False, na_values=[""])
        if ext == ".parquet":
            df = pd.read_parquet(p)
            return df.astype(dtype) if dtype is str else df
        if ext == ".json":
            df = pd.read_json(p)
            return df.astype(dtype) if dtype is str else df
    except DataValidationError:
        raise
    except pd.errors.EmptyDataError:
        raise DataValidationError([Problem(src, None, None, None,
                                           "the file is empty; expected a header row and data rows")],
                                  source=src) from None
    except Exception as exc:  # parser errors from pandas/openpyxl: say which file, not a deep traceback
        raise DataValidationError([Problem(src, None, None, None,
                                           f"cannot read the file as {ext[1:].upper()} table: {exc}")],
                                  source=src) from None
    raise DataValidationError([Problem(src, None, None, None,
                                       f"unsupported file type '{ext}'; use .csv, .xlsx, .parquet or .json")],
                              source=src)


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` to CSV (UTF-8 with BOM), XLSX or JSON by extension, atomically."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".csv", ".xlsx", ".json", ".parquet"):
        raise DataValidationError([Problem(str(p), None, None, None,
                                           "unsupported output type; use .csv, .xlsx, .json or .parquet")],
                                  source=str(p))
    with atomic_path(p) as tmp:
        if ext == ".csv":
            df.to_csv(tmp, index=False, encoding="utf-8-sig")
        elif ext == ".xlsx":
            df.to_excel(tmp, index=False)
        elif ext == ".json":
            df.to_json(tmp, orient="records", force_ascii=False, indent=2)
        else:
            df.to_parquet(tmp, index=False)
    return p


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path beside ``path`` (same extension) to write to; on success it is
    renamed to ``path`` (permissions as for a new file), on any failure it is removed -- so an
    earlier file is never destroyed and no half-written one is left."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=p.suffix.lower(), dir=p.parent)
    os.close(fd)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; results are ordinary files
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
