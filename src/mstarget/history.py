"""History tables: one row per observation ``region, indicator, year, value`` (+ ``unit``, ``source``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .arguments import check_table
from .io import read_table, source_name
from .validation import Problems, normalize_text, parse_number, parse_year, rename_aliases, require_columns

REQUIRED = ("region", "indicator", "year", "value")

ALIASES = {
    "地区": "region", "区域": "region", "地区名称": "region",
    "指标": "indicator", "指标代码": "indicator", "indicator_id": "indicator", "指标名称": "indicator",
    "年份": "year", "年度": "year", "period": "year",
    "值": "value", "数值": "value", "实际值": "value",
    "单位": "unit", "来源": "source", "数据来源": "source",
}


def read_history(data, *, source: str | None = None) -> pd.DataFrame:
    """Read and validate a history table.

    Parameters
    ----------
    data : path (CSV, XLSX, Parquet, JSON) or DataFrame
        One row per observation: ``region`` (str), ``indicator`` (str id), ``year`` (int),
        ``value`` (float; ``"95.01%"`` and ``"1,234"`` are read as numbers). Optional ``unit``
        (``%`` values must lie in 0-100) and ``source``. For an ``increment`` indicator the value
        is the yearly flow.
    source : str, optional
        Name used in error messages (defaults to the file name).

    Returns
    -------
    DataFrame
        Columns ``region, indicator, year (int), value (float), unit, source`` (plus any extra
        columns given), sorted by region, indicator, year; exact duplicate observations dropped.

    Raises
    ------
    DataValidationError
        Listing every problem: missing columns, non-numeric values, non-integer years, the same
        (region, indicator, year) twice with different values, a ``%`` value outside 0-100.
    """
    check_table(data, "data", "read_history")
    src = source or source_name(data)
    if isinstance(data, pd.DataFrame):
        if {"region", "indicator", "year", "value"} <= set(data.columns) and _already_clean(data):
            return data
        raw = data.copy()
    else:
        raw = read_table(data)
    raw = rename_aliases(raw, ALIASES)
    problems = Problems(src)
    if not require_columns(raw, REQUIRED, problems, "history"):
        problems.raise_if_any()
    raw = raw.reset_index(drop=True)

    def text_column(name):
        col = raw[name] if name in raw.columns else pd.Series([""] * len(raw), index=raw.index)
        uniq = pd.unique(col.astype(object))
        return col.astype(object).map(dict(zip(uniq, (normalize_text(u) for u in uniq))))

    regions, indicators, units = text_column("region"), text_column("indicator"), text_column("unit")
    # fast path: whole columns at once; cells it cannot read are parsed one by one for the message
    years = pd.to_numeric(raw["year"], errors="coerce")
    values = pd.to_numeric(raw["value"], errors="coerce")
    year_ok = years.notna() & (years % 1 == 0) & years.between(1000, 3000)
    value_ok = values.notna() & np.isfinite(values)
    for pos in raw.index[~year_ok.to_numpy()]:
        try:
            y = parse_year(raw.at[pos, "year"])
            years.at[pos] = y if y is not None else np.nan
            if y is None:
                problems.cell(pos, "year", raw.at[pos, "year"], "a year such as 2021, not blank")
        except ValueError:
            years.at[pos] = np.nan
            problems.cell(pos, "year", raw.at[pos, "year"], "an integer year such as 2021")
    for pos in raw.index[~value_ok.to_numpy()]:
        try:
            v = parse_number(raw.at[pos, "value"])
            values.at[pos] = v if v is not None else np.nan
        except ValueError:
            values.at[pos] = np.nan
            problems.cell(pos, "value", raw.at[pos, "value"], "a number (e.g. 95.01 or 1234); "
                          "leave the cell blank for a missing value")
    for pos in raw.index[(indicators == "").to_numpy()]:
        problems.cell(pos, "indicator", raw.at[pos, "indicator"], "an indicator id (text), not blank")
    pct = units.astype(str).str.contains("%|％", regex=True) & values.notna() & ~values.between(0, 100)
    for pos in raw.index[pct.to_numpy()]:
        problems.cell(pos, "value", raw.at[pos, "value"], "a percentage between 0 and 100 (unit is %)")

    out = raw.copy()
    out["region"] = regions
    out["indicator"] = indicators
    out["year"] = years.astype("float64")
    out["value"] = values.astype("float64")
    out["unit"] = units
    if "source" not in out.columns:
        out["source"] = ""
    ok = out["year"].notna() & (out["indicator"] != "")
    keys = ["region", "indicator", "year"]
    dup = out[ok & out[ok].duplicated(keys, keep=False).reindex(out.index, fill_value=False)]
    drop = []
    for _, group in dup.groupby(keys, sort=False):
        first_pos, first_v = group.index[0], group["value"].iloc[0]
        for pos, v in zip(group.index[1:], group["value"].iloc[1:]):
            if (pd.isna(v) and pd.isna(first_v)) or v == first_v:
                drop.append(pos)
            else:
                r, i, y = group.loc[pos, keys]
                problems.cell(pos, "value", raw.at[pos, "value"],
                              f"one value per region/indicator/year; row {first_pos + 2} already gives "
                              f"{float(first_v):g} for {r}/{i}/{int(y)} — remove one of them")
    # report cells in reading order, as a spreadsheet user scans them
    columns = list(raw.columns)
    problems.items.sort(key=lambda p: (p.row or 0, columns.index(p.column) if p.column in columns else 0))
    problems.raise_if_any()

    out = out.drop(index=drop)
    out["year"] = out["year"].astype(int)
    out = out.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)
    out.attrs["mstarget_clean"] = True
    return out


def _already_clean(df: pd.DataFrame) -> bool:
    return (bool(df.attrs.get("mstarget_clean")) and pd.api.types.is_integer_dtype(df["year"])
            and pd.api.types.is_float_dtype(df["value"]))
