"""Plan tables: read the main-indicator table of a five-year plan, in its own notation.

Cell notation (see DESIGN.md)::

    〔3.12〕   cumulative total at year end (a stock)          kind = "cumulative"
    〈5〉      new additions during the plan period            kind = "increment"
    6, 90     a yearly level or rate                          kind = "level"
    ≥9 ≤3     at least / at most (also >= <= 不低于 不超过 ...)  direction ">=" / "<="

Where no direction is written it follows from the baseline: a target above the baseline
means ``>=``, below means ``<=``; with no baseline (or an equal one) and no ``direction``
column it is an error, not a guess. 约束性 / 预期性 become ``binding`` / ``expected``.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .arguments import check_table
from .io import read_table, source_name
from .validation import (Problems, normalize_text, parse_number, parse_year, rename_aliases,
                         require_columns)

KINDS = ("level", "cumulative", "increment")
DIRECTIONS = (">=", "<=")
ATTRIBUTES = ("binding", "expected")

REQUIRED = ("region", "indicator", "target_year", "target")
COLUMNS = ["region", "indicator", "name", "unit", "baseline_year", "baseline", "target_year",
           "target", "direction", "kind", "attribute", "lower", "upper"]

ALIASES = {
    "地区": "region", "区域": "region",
    "指标": "indicator", "指标代码": "indicator", "indicator_id": "indicator",
    "指标名称": "name", "名称": "name", "主要指标": "name",
    "单位": "unit",
    "基期年": "baseline_year", "基期年份": "baseline_year", "基年": "baseline_year",
    "基期值": "baseline", "基期": "baseline", "基数": "baseline",
    "目标年": "target_year", "目标年份": "target_year", "规划年": "target_year",
    "规划值": "target", "目标值": "target", "目标": "target",
    "方向": "direction", "类型": "kind", "属性": "attribute", "指标属性": "attribute",
    "下限": "lower", "上限": "upper",
}

_CUMULATIVE = ("〔", "〕"), ("[", "]"), ("【", "】"), ("［", "］")
_INCREMENT = ("〈", "〉"), ("⟨", "⟩"), ("《", "》"), ("<", ">")
_GE_PREFIX = (">=", "≥", "⩾", "≧", "不低于", "不少于", "不小于", "至少", "大于等于")
_LE_PREFIX = ("<=", "≤", "⩽", "≦", "不高于", "不超过", "不大于", "至多", "小于等于", "控制在")
_GE_SUFFIX = ("以上",)
_LE_SUFFIX = ("以下", "以内")

_ATTRIBUTE_WORDS = {
    "约束性": "binding", "约束": "binding", "binding": "binding",
    "预期性": "expected", "预期": "expected", "expected": "expected",
}
_KIND_WORDS = {"level": "level", "cumulative": "cumulative", "increment": "increment",
               "累计": "cumulative", "累计数": "cumulative", "新增": "increment", "累计新增": "increment"}

CELL_HELP = ("a number, optionally in plan notation: 〔x〕 (cumulative), 〈x〉 (increment), "
             "≥x or ≤x (direction), e.g. '〔3.12〕', '〈5〉', '≥99', '6'")


@dataclass(frozen=True)
class Cell:
    """A parsed plan cell: ``value`` with the ``kind`` / ``direction`` its notation states (or None)."""

    value: float | None
    kind: str | None = None
    direction: str | None = None


def _strip_direction(s: str) -> tuple[str | None, str]:
    """Split a leading ``≥`` / ``≤`` (or its words) off ``s``: ``("≥99")`` -> ``(">=", "99")``."""
    for prefixes, direction in ((_GE_PREFIX, ">="), (_LE_PREFIX, "<=")):
        for pre in prefixes:
            if s.startswith(pre):
                return direction, s[len(pre):]
    return None, s


def parse_cell(text) -> Cell:
    """Parse one baseline / target cell in plan notation.

    >>> parse_cell("〔3.12〕")
    Cell(value=3.12, kind='cumulative', direction=None)
    >>> parse_cell("≥ 99%")
    Cell(value=99.0, kind=None, direction='>=')

    Blank gives ``Cell(None)``. Raises ``ValueError`` for anything else that is not a number.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        num = parse_number(text)
        return Cell(num, "level" if num is not None else None)
    s = normalize_text(text).replace(" ", "")
    # NFKC leaves 〔〕〈〉 alone but maps （）［］ to ASCII-like forms; normalise unicode minus
    s = s.replace("−", "-").replace("－", "-")
    if s == "":
        return Cell(None)
    direction, s = _strip_direction(s)
    for suf, d in [(x, ">=") for x in _GE_SUFFIX] + [(x, "<=") for x in _LE_SUFFIX]:
        if s.endswith(suf):
            if direction is not None and direction != d:
                raise ValueError(text)
            direction, s = d, s[: -len(suf)]
    kind = "level"
    for kinds, name in ((_CUMULATIVE, "cumulative"), (_INCREMENT, "increment")):
        for open_, close in kinds:
            if s.startswith(open_) and s.endswith(close) and len(s) > 2:
                kind, s = name, s[1:-1]
                break
        if kind != "level":
            break
    if kind != "level" and direction is None:  # 〔≥3〕: direction inside the brackets
        direction, s = _strip_direction(s)
    if s.startswith("+"):
        s = s[1:]
    value = parse_number(s)  # raises ValueError on garbage
    if value is None:
        raise ValueError(text)
    return Cell(value, kind, direction)


def read_plan(data, *, source: str | None = None) -> pd.DataFrame:
    """Read and validate a plan's main-indicator table.

    Parameters
    ----------
    data : path (CSV in UTF-8 / UTF-8 with BOM / GBK, XLSX) or DataFrame
        One row per target. Needs ``region, indicator, target_year, target``; usually also
        ``name, unit, baseline_year, baseline, attribute``; optional ``direction, kind, lower,
        upper``. ``baseline`` / ``target`` may be written in plan notation (module docstring).
        Common Chinese headers (指标名称, 单位, 基期值, 规划值, 属性 ...) are understood.
    source : str, optional
        Name used in error messages (defaults to the file name).

    Returns
    -------
    DataFrame
        Columns ``region, indicator, name, unit, baseline_year (Int64), baseline (float),
        target_year (int), target (float), direction, kind, attribute, lower, upper`` then any
        other columns of the input. ``lower`` / ``upper`` are the natural bounds (``%`` -> 0 / 100).

    Raises
    ------
    DataValidationError
        Naming file, spreadsheet row, column, the cell's text and what was expected, for every
        bad cell at once.
    """
    check_table(data, "data", "read_plan")
    src = source or source_name(data)
    raw = data.copy() if isinstance(data, pd.DataFrame) else read_table(data)
    raw = rename_aliases(raw, ALIASES).reset_index(drop=True)
    problems = Problems(src)
    if "indicator" not in raw.columns and "name" in raw.columns:
        raw["indicator"] = raw["name"]  # a table with names only: the name is the id
    if not require_columns(raw, REQUIRED, problems, "plan"):
        problems.raise_if_any()

    def col(name):
        return raw[name] if name in raw.columns else pd.Series([None] * len(raw), index=raw.index)

    rows = []
    for pos in raw.index:
        r = {c: None for c in COLUMNS}
        r["region"] = normalize_text(col("region")[pos])
        r["indicator"] = normalize_text(col("indicator")[pos])
        name = col("name")[pos]
        r["name"] = (str(name).strip() if isinstance(name, str) else normalize_text(name)) or r["indicator"]
        r["unit"] = normalize_text(col("unit")[pos])
        if not r["indicator"]:
            if r["name"]:
                r["indicator"] = r["name"]
            else:
                problems.cell(pos, "indicator", col("indicator")[pos], "an indicator id (text), not blank")

        def year_of(column, required):
            v = col(column)[pos]
            try:
                y = parse_year(v)
            except ValueError:
                problems.cell(pos, column, v, "an integer year such as 2025")
                return None
            if y is None and required:
                problems.cell(pos, column, v, "a year such as 2025, not blank")
            return y

        r["target_year"] = year_of("target_year", True)
        r["baseline_year"] = year_of("baseline_year", False)

        def cell_of(column, required):
            v = col(column)[pos]
            try:
                c = parse_cell(v)
            except ValueError:
                problems.cell(pos, column, v, CELL_HELP)
                return None
            if c.value is None and required:
                problems.cell(pos, column, v, "a target value, not blank; " + CELL_HELP)
                return None
            return c

        tcell = cell_of("target", True)
        bcell = cell_of("baseline", False)
        r["target"] = tcell.value if tcell else None
        r["baseline"] = bcell.value if bcell else None
        if bcell and bcell.value is not None and r["baseline_year"] is None:
            problems.cell(pos, "baseline_year", col("baseline_year")[pos],
                          "the year of the baseline value (a baseline is given)")

        # kind: from the target's notation, agreeing with the baseline's and a 'kind' column
        kind = tcell.kind if tcell else None
        if bcell and bcell.value is not None and tcell and bcell.kind != tcell.kind:
            if not (bcell.kind == "level" and tcell.kind != "level"):
                problems.cell(pos, "baseline", col("baseline")[pos],
                              f"the same notation as the target ({_kind_hint(tcell.kind)}); "
                              f"the baseline reads as {bcell.kind}")
        kind_text = normalize_text(col("kind")[pos]).lower()
        if kind_text:
            k = _KIND_WORDS.get(kind_text)
            if k is None:
                problems.cell(pos, "kind", col("kind")[pos], "one of level, cumulative, increment")
            elif tcell and tcell.kind not in (None, "level") and tcell.kind != k:
                problems.cell(pos, "kind", col("kind")[pos],
                              f"'{tcell.kind}' as the target cell's notation says, or no kind column")
            else:
                kind = k
        r["kind"] = kind

        # direction: the cell, a 'direction' column, else the baseline's side
        direction = tcell.direction if tcell else None
        dir_text = normalize_text(col("direction")[pos]).replace(" ", "")
        if dir_text:
            d = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "ge": ">=", "le": "<=",
                 "up": ">=", "down": "<=", "increase": ">=", "decrease": "<="}.get(dir_text.lower())
            if d is None:
                problems.cell(pos, "direction", col("direction")[pos], "'>=' or '<='")
            elif direction is not None and direction != d:
                problems.cell(pos, "direction", col("direction")[pos],
                              f"'{direction}' as the target cell '{normalize_text(col('target')[pos])}' says")
            else:
                direction = d
        if direction is None and tcell and tcell.value is not None:
            b = r["baseline"]
            if b is not None and tcell.value > b:
                direction = ">="
            elif b is not None and tcell.value < b:
                direction = "<="
            else:
                why = "no baseline" if b is None else "the target equals the baseline"
                problems.cell(pos, "target", col("target")[pos],
                              f"a direction: {why}, so write '≥x' or '≤x' in the cell or add a "
                              "'direction' column with '>=' or '<='")
        r["direction"] = direction

        attr_text = normalize_text(col("attribute")[pos]).lower()
        if attr_text:
            a = _ATTRIBUTE_WORDS.get(attr_text)
            if a is None:
                problems.cell(pos, "attribute", col("attribute")[pos],
                              "约束性 / 预期性 (or binding / expected)")
            r["attribute"] = a
        else:
            r["attribute"] = "expected"

        for bcol in ("lower", "upper"):
            v = col(bcol)[pos]
            try:
                r[bcol] = parse_number(v)
            except ValueError:
                problems.cell(pos, bcol, v, "a number (natural bound of the indicator) or blank")
        if "%" in r["unit"] or "％" in r["unit"]:
            r["lower"] = 0.0 if r["lower"] is None else r["lower"]
            r["upper"] = 100.0 if r["upper"] is None else r["upper"]
            for column in ("target", "baseline"):
                v = r[column]
                if v is not None and not (r["lower"] <= v <= r["upper"]):
                    problems.cell(pos, column, col(column)[pos], "a percentage between 0 and 100 (unit is %)")
        if r["kind"] == "increment" and r["baseline_year"] is None:
            problems.cell(pos, "baseline_year", col("baseline_year")[pos],
                          "the year before the plan period starts (e.g. 2020 for 2021-2025): an "
                          "increment 〈x〉 target sums the yearly flows after it")
        if (r["target_year"] is not None and r["baseline_year"] is not None
                and r["target_year"] <= r["baseline_year"]):
            problems.cell(pos, "target_year", col("target_year")[pos],
                          f"a year after the baseline year {r['baseline_year']}")
        rows.append(r)

    problems.raise_if_any()
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["baseline_year"] = out["baseline_year"].astype("Int64")
    out["target_year"] = out["target_year"].astype(int)
    for c in ("baseline", "target", "lower", "upper"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    extra = [c for c in raw.columns if c not in COLUMNS]
    for c in extra:
        out[c] = raw[c].values
    return out


def _kind_hint(kind):
    return {"cumulative": "〔x〕", "increment": "〈x〉", "level": "a plain number"}.get(kind, kind)
