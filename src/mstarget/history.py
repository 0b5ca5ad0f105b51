"""History tables: one row per observation ``region, indicator, year, value`` (+ ``unit``, ``source``)."""
from __future__ import annotations

import pandas as pd

from .io import read_table, source_name
from .validation import Problems, normalize_text, parse_number, parse_year, rename_aliases, require_columns

REQUIRED = ("region", "indicator", "year", "value")

ALIASES = {
    "地区": "region", "区域": "region", "地区名称": "region",
    "指标": "indicator", "指标代码": "indicator", "indicator_id": "indicator",
    "年份": "year", "年度": "year", "period": "year",
    "值": "value", "数值": "value", "实际值": "value",
    "单位": "unit", "来源": "source", "数据来源": "source",
}


def _is_percent(unit: str) -> bool:
    return "%" in unit or "％" in unit


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

    regions, indicators, years, values, units = [], [], [], [], []
    for pos, row in raw.iterrows():
        region = normalize_text(row["region"])
        indicator = normalize_text(row["indicator"])
        unit = normalize_text(row["unit"]) if "unit" in raw.columns else ""
        if not indicator:
            problems.cell(pos, "indicator", row["indicator"], "an indicator id (text), not blank")
        try:
            year = parse_year(row["year"])
            if year is None:
                problems.cell(pos, "year", row["year"], "a year such as 2021, not blank")
        except ValueError:
            year = None
            problems.cell(pos, "year", row["year"], "an integer year such as 2021")
        try:
            value = parse_number(row["value"])
        except ValueError:
            value = None
            problems.cell(pos, "value", row["value"], "a number (e.g. 95.01 or 1234); "
                          "leave the cell blank for a missing value")
        if value is not None and _is_percent(unit) and not (0 <= value <= 100):
            problems.cell(pos, "value", row["value"], "a percentage between 0 and 100 (unit is %)")
        regions.append(region)
        indicators.append(indicator)
        years.append(year)
        values.append(value)
        units.append(unit)

    out = raw.copy()
    out["region"] = regions
    out["indicator"] = indicators
    out["year"] = years
    out["value"] = pd.to_numeric(pd.Series(values, dtype="float64"))
    out["unit"] = units
    if "source" not in out.columns:
        out["source"] = ""

    ok = out["year"].notna() & (out["indicator"] != "")
    seen: dict[tuple, tuple[int, float]] = {}
    drop = []
    for pos in out.index[ok]:
        key = (out.at[pos, "region"], out.at[pos, "indicator"], int(out.at[pos, "year"]))
        v = out.at[pos, "value"]
        if key in seen:
            first_pos, first_v = seen[key]
            if (pd.isna(v) and pd.isna(first_v)) or v == first_v:
                drop.append(pos)
            else:
                problems.cell(pos, "value", raw.at[pos, "value"],
                              f"one value per region/indicator/year; row {first_pos + 2} already gives "
                              f"{float(first_v):g} for {key[0]}/{key[1]}/{key[2]} — remove one of them")
        else:
            seen[key] = (pos, v)
    problems.raise_if_any()

    out = out.drop(index=drop)
    out["year"] = out["year"].astype(int)
    out = out.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)
    out.attrs["mstarget_clean"] = True
    return out


def _already_clean(df: pd.DataFrame) -> bool:
    return (bool(df.attrs.get("mstarget_clean")) and pd.api.types.is_integer_dtype(df["year"])
            and pd.api.types.is_float_dtype(df["value"]))
