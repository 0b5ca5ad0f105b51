"""``mstarget risk score | allocate | evaluate``: sampling-failure risk from the command line.

Examples::

    mstarget risk score --samples food_sampling_by_category.csv --by category --region 全国 \\
        --as-of 2022 --out scores.csv --chart scores.png
    mstarget risk allocate --scores scores.csv --budget 20000 --out plan.csv --chart plan.png
    mstarget risk allocate --samples food_sampling_by_category.csv --by region,category --budget 20000
    mstarget risk evaluate --samples food_sampling_by_category.csv --region 全国 --by category \\
        --train-until 2019H2
    mstarget risk evaluate --records inspections.csv --outcome criticalFound \\
        --time Inspection_Date --test-from 2014-09-01 --entity License --area Ward,Zip

The risk modules (which load scipy and scikit-learn) are imported when a command runs, not when
the parser is built, so ``mstarget --help`` stays fast.
"""
from __future__ import annotations

import argparse
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataValidationError, MstargetWarning, ParameterError, Problem
from ..io import atomic_path, spreadsheet_safe, text_cells_as_text, write_table
from ..output_set import outputs_together
from ..progress import Progress
from ..tracking import Input, data_fingerprint
from ..tracking.params import source_text
from . import common

# defaults shown in --help; the library's own defaults (mstarget.risk.score / allocate) are the
# same, and a test checks that they agree
HALF_LIFE_DEFAULT = 2.0
LEVEL_DEFAULT = 0.90
RISK_SHARE_DEFAULT = 0.75
MAX_SHARE_DEFAULT = 0.3


class _DefaultShareArg(float):
    """``--max-share`` not given: the library's default cap (dropped when it cannot bind sensibly,
    :data:`mstarget.risk.allocate.MIN_CAP_SPAN`), not a cap the user chose."""


def _max_share(value):
    """The ``max_share`` to pass on: the library's default when ``--max-share`` was not given."""
    if isinstance(value, _DefaultShareArg):
        from ..risk.allocate import DEFAULT_MAX_SHARE  # lazy: scipy.stats, scikit-learn (mstarget.risk)

        return DEFAULT_MAX_SHARE
    return value


# ----------------------------------------------------------------------------- helpers
def _list(text: str | None) -> list[str]:
    """``地市,食品大类`` -- also with the full-width comma or 、 a Chinese keyboard types (地市，食品大类)."""
    return [t.strip() for t in re.split(r"[,，、]", text or "") if t.strip()]


def _half_life(text: str) -> float | None:
    if text.strip().lower() in ("none", "inf", "off"):
        return None
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a number of years, or 'none'") from None
    if v <= 0:
        raise argparse.ArgumentTypeError("a positive number of years, or 'none'")
    return v


def _share(text: str) -> float | None:
    if text.strip().lower() in ("none", "off"):
        return None
    try:
        v = float(text.strip().rstrip("%")) / (100.0 if text.strip().endswith("%") else 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError("a share such as 0.3 (or 30%), or 'none'") from None
    if not 0 <= v <= 1:
        raise argparse.ArgumentTypeError("a share between 0 and 1 (or 0% and 100%)")
    return v


def _level(text: str) -> float:
    """``--level``: 0.9, or written as a percentage, 90 / 90%."""
    t = text.strip()
    try:
        v = float(t.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError("a probability such as 0.9 (or 90 / 90%)") from None
    v = v / 100.0 if t.endswith("%") or v > 1 else v
    if not 0 < v < 1:
        raise argparse.ArgumentTypeError("a probability between 0 and 1, such as 0.9 (or 90%)")
    return v


def _budget(text: str) -> int:
    """``--budget``: a whole number of batches, read as :func:`mstarget.risk.allocate.parse_batches`
    reads it (20000, 20,000, 2万, 20000批)."""
    from ..risk.allocate import parse_batches  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    try:
        return parse_batches(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"a whole number of batches such as 20000 (or 20,000 / 2万): "
                                         f"{exc}") from None


def _batches_or_column(text: str):
    """``--min-per-group`` / ``--max-per-group``: batches per group (500, 500批, 2万), else the name of a
    column of the scores holding each group's figure (its cells read the same way; a name that is no
    column is refused by ``allocate``, naming it)."""
    from ..risk.allocate import parse_batches  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    try:
        return parse_batches(text)
    except ValueError as exc:
        return _NotBatches(text.strip(), str(exc))


def _level_arg(text: str) -> tuple[str, str | None, int]:
    """``--min-per-level`` / ``--max-per-level``: ``区县=400`` (each value of the column, or the one value
    named), ``区县:新区=450``; ``(column or value, value or None, batches)``."""
    from ..risk.allocate import parse_batches  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    left, sep, right = str(text).replace("＝", "=").rpartition("=")  # full-width ＝ as = (and ： as :)
    if not sep or not left.strip():
        raise argparse.ArgumentTypeError(f"LEVEL=N such as 区县=400 (every 区县) or 区县:新区=450 (that one); got {text!r}")
    try:
        n = parse_batches(right)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text}: a whole number of batches after '=' (450, 450批, 2万): {exc}") from None
    col, colon, val = left.strip().partition(":") if ":" in left else left.strip().partition("：")
    return (col.strip(), val.strip(), n) if colon else (left.strip(), None, n)


def _levels_from_args(items, option: str = "--min-per-level") -> dict | None:
    """``--min-per-level`` values as ``allocate``'s ``min_per_level`` mapping (None when not given); the same
    column and value given two different numbers is refused (the later had silently won)."""
    if not items:
        return None
    given: dict = {}
    for col, val, n in items:
        key = (col, val)
        if key in given and given[key] != n:
            where = f"{col}:{val}" if val is not None else col
            raise ParameterError(f"{option} gives {where} two limits, {given[key]:g} and {n:g}: give one "
                                 f"（{where}设了两个不同的限额，请只保留一个）")
        given[key] = n
    out: dict = {}
    for col, val, n in items:  # {"区县": {"*": 400, "新区": 450}}: "*" every value of the column
        if val is None and col not in out:
            out[col] = n
        elif val is None:
            out[col] = {**out[col], "*": n} if isinstance(out[col], dict) else n
        else:
            spec = out.get(col)
            out[col] = {**(spec if isinstance(spec, dict) else {"*": spec} if spec is not None else {}), val: n}
    return out


class _NotBatches(str):
    """A ``--min-per-group`` / ``--max-per-group`` value that is no number of batches, taken as a column
    name; ``why`` says why it is no number of batches, for a value that looks like one (-1, 2.5) and
    names no column (:func:`_check_batches_args`)."""

    def __new__(cls, text: str, why: str):
        obj = super().__new__(cls, text)
        obj.why = why
        return obj


#: a value written as a number (-1, 2.5, −3, 1,5万批): refused as batches, not looked up as a column
_NUMBER_LIKE = re.compile(r"[+\-−－]?[\d０-９][\d０-９,，.．]*\s*(?:万)?\s*(?:批次|批)?")


def _check_batches_args(args, scores: pd.DataFrame) -> None:
    """Refuse a ``--min-per-group`` / ``--max-per-group`` written as a number that is no whole number of
    batches >= 0 (``-1``, ``2.5``), as the API refuses it -- not read as the name of a column (unless the
    scores have a column so named)."""
    written = {str(v) for v in (scores.attrs.get("headers") or {}).values()}
    for flag, key in (("--min-per-group", "min_per_group"), ("--max-per-group", "max_per_group")):
        v = getattr(args, key, None)
        if isinstance(v, _NotBatches) and _NUMBER_LIKE.fullmatch(v) and v not in scores.columns \
                and v not in written:
            raise ParameterError(f"{flag} {v}: must be whole numbers of batches >= 0 (500, 500批, 2万), or the "
                                 f"name of a column of the scores holding each group's figure. Got {v}: {v.why}"
                                 f"（批次须为不小于 0 的整数）.")


def _times(x: float) -> str:
    """A ratio of plans as ``1.56 倍``; ``—`` when it is not defined (nothing expected of the other plan)."""
    return "—" if x != x else f"{x:.2f} 倍"


def _region_column(df: pd.DataFrame, region: str | None = None) -> str | None:
    """The table's region column; without one, a place column (区县, 地市: ``looks_like_reporting_place``) whose
    values hold ``region`` -- ``--region 四会市`` keeps 四会市's rows of a table by 区县, as of one by region."""
    from ..risk.samples import REGION_COLUMNS  # lazy: scipy.stats, scikit-learn (mstarget.risk)
    from ..risk.score import looks_like_reporting_place  # lazy: with samples

    col = next((c for c in REGION_COLUMNS if c in df.columns), None)
    if col is not None or region is None:
        return col
    headers = df.attrs.get("headers") or {}
    for c in df.columns:
        if looks_like_reporting_place(c) or looks_like_reporting_place(headers.get(c, c)):
            if region.strip() in set(df[c].dropna().astype(str).str.strip()):
                return c
    return None


def _warn_region_not_filtering(df: pd.DataFrame, region: str, src: str) -> None:
    """``--region`` names a table none of whose columns holds it: said when a place column (区县) holds several
    places, whose rows the scores then add up under that name."""
    from ..risk.score import looks_like_reporting_place  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    headers = df.attrs.get("headers") or {}
    for c in df.columns:
        if looks_like_reporting_place(c) or looks_like_reporting_place(headers.get(c, c)):
            places = sorted(set(df[c].dropna().astype(str).str.strip()) - {""})
            if len(places) > 1:
                warnings.warn(MstargetWarning(
                    f"{src}: --region {region} names the table, but its column '{headers.get(c, c)}' holds "
                    f"{len(places)} places ({', '.join(places[:5])}{' ...' if len(places) > 5 else ''}), none of them "
                    f"{region}: their rows are scored together unless --by names '{headers.get(c, c)}'"
                    f"（--region 未筛选：表中“{headers.get(c, c)}”列有{len(places)}个地区）"), stacklevel=2)
                return


def _load_filtered(path: str, where: list[str], region: str | None = None,
                   before_where: list | None = None) -> pd.DataFrame:
    """Read a table and keep the rows matching every ``COL=VALUE`` filter and ``--region``; ``before_where``
    (a list): the table with ``--region`` alone applied is appended to it (the places that report in each
    period are judged on it, not on one category's rows: :func:`_note_reported`)."""
    from ..risk import samples as _samples  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    df, src = _samples.load(path)
    headers = df.attrs.get("headers")  # the headers as written (抽检批次), for messages
    parts, row_parts = df.attrs.get("parts"), df.attrs.get("row_parts")  # sheets of one workbook
    sheets = df.attrs.get("place_sheets")  # one sheet per district: named in the heading (_sheets_scored)
    df = df.assign(_sheet_row=_samples.sheet_rows(df))  # a bureau table's own rows (title rows above)
    if parts and row_parts is not None:
        df = df.assign(_sheet_part=row_parts)
    problems = []
    conds = list(where or [])
    col = _region_column(df, region) if region is not None else None
    if col is None and region is not None:
        _warn_region_not_filtering(df, region, src)
    if col is not None:  # without a region column, --region only names the table's region
        have = sorted(pd.unique(df[col].dropna().astype(str).str.strip()))
        if region.strip() not in have:
            raise DataValidationError([Problem(src, None, col, region,
                                               f"one of the regions in the table: {', '.join(have[:20])}")],
                                      source=src)
        conds.append(f"{col}={region}")
    if before_where is not None and conds:  # --region first: the table before --where
        whole = df[df[col].astype(str).str.strip() == region.strip()] if col is not None else df
        before_where.append(_finish_loaded(whole, src, headers, parts, sheets))
    for cond in conds:
        if "=" not in cond:
            raise ParameterError(f"--where must look like COLUMN=VALUE (e.g. region=全国); got {cond!r}.")
        col, val = (s.strip() for s in cond.split("=", 1))
        col = _samples.as_written(df, col)  # --where 年度=2022: the header as written
        if col not in df.columns:
            shown = [(headers or {}).get(c, c) for c in df.columns if c not in ("_sheet_row", "_sheet_part")]
            problems.append(Problem(src, None, col, None, "column named in --where is missing; the "
                                    "table has: " + ", ".join(map(str, shown))))
            continue
        df = df[df[col].astype(str).str.strip() == val]
    if problems:
        raise DataValidationError(problems, source=src)
    if df.empty:
        raise DataValidationError([Problem(src, None, None, None,
                                           f"no rows match {' '.join(conds)}")], source=src)
    return _finish_loaded(df, src, headers, parts, sheets)


def _finish_loaded(df: pd.DataFrame, src: str, headers: dict | None, parts,
                   sheets: dict | None = None) -> pd.DataFrame:
    """The rows kept by :func:`_load_filtered`, with the file's own rows, headers and sheets in ``attrs``
    (``sheets``: a workbook's district sheets, ``attrs["place_sheets"]`` of :func:`mstarget.risk.samples.load`)."""
    rows = df["_sheet_row"].to_numpy()
    kept_parts = df["_sheet_part"].to_numpy() if "_sheet_part" in df.columns else None
    df = df.drop(columns=[c for c in ("_sheet_row", "_sheet_part") if c in df.columns]).reset_index(drop=True)
    df.attrs["source"] = src  # messages name the file and its own rows and headers
    df.attrs["sheet_rows"] = rows
    df.attrs["headers"] = dict(headers or {})  # also marks the table as read (not mapped again)
    if kept_parts is not None:
        df.attrs["parts"], df.attrs["row_parts"] = parts, kept_parts
    if sheets:
        df.attrs["place_sheets"] = sheets
    return df


def _sheets_scored(raw: pd.DataFrame) -> list[str]:
    """The district sheets of a workbook kept one district per sheet whose rows ``raw`` (the table after
    ``--region`` / ``--where``) still holds, in the workbook's order; ``[]`` for any other table."""
    placed = raw.attrs.get("place_sheets") or {}
    col = placed.get("column")
    if col not in raw.columns:
        return []
    held = set(raw[col].dropna().astype(str).str.strip())
    return [name for name in placed.get("sheets", []) if name.strip() in held]


def _note_reported(raw: pd.DataFrame, before: list, by: list[str], args) -> None:
    """After ``--where``, ``raw.attrs["reported_places"]``: each place's periods in the table before the filter
    (:func:`mstarget.risk.score.reported_places`), so a district that sampled other categories in a quarter is
    not warned as missing there (是否漏报？) when one category is kept."""
    if not getattr(args, "where", None) or not before or len(before[0]) == len(raw):
        return
    from ..risk.score import reported_places  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    whole = before[0]
    if getattr(args, "time", None):
        try:
            whole = _dated_periods(whole, args.time, raw.attrs.get("source", ""))
        except (DataValidationError, ParameterError):
            whole = None
    raw.attrs["reported_places"] = ({} if whole is None else
                                    reported_places(whole, by, outcome=getattr(args, "outcome", None)))


def _refuse_pooled_regions(df: pd.DataFrame, by: list[str], src: str) -> None:
    """Exit 2 when rows of several regions would be added up into the same groups."""
    from ..risk.samples import pooled_regions  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    for col, values in pooled_regions(df, by).items():
        shown = ", ".join(values[:6]) + (" ..." if len(values) > 6 else "")
        raise ParameterError(
            f"{src} holds {len(values)} regions in column '{col}' ({shown}); scoring by "
            f"{','.join(by)} alone would add their batches up (a province's batches into the national "
            f"figures). To score each region: --by {','.join(by)},{col} (each region's {by[-1]} pulled toward "
            f"that {by[-1]}'s rate across regions) or --by {col},{','.join(by)} (toward its region's rate); "
            f"or --region {values[0]} to keep one.")


def _add_samples_flags(p: argparse.ArgumentParser, required: bool,
                       by_default: str | None = "category", outcome: bool = True) -> None:
    p.add_argument("--samples", required=required, help="sampling counts table (CSV, XLSX / XLS, Parquet, "
                   "JSON, or the table of a notice's .docx / .html / .pdf): period, group columns, tested, "
                   "failed; or one row per batch with a 0/1 outcome")
    p.add_argument("--by", default=by_default,
                   help="group columns, comma-separated, outermost first (default: category). A "
                        "table with several regions needs the region column here, or --region")
    p.add_argument("--region", default=None, metavar="NAME",
                   help="keep only this region of the table's region column (e.g. 全国), or of a place "
                        "column (区县, 地市) holding it; for a table without either, the region it describes")
    p.add_argument("--as-of", default=None, help="use periods ending on or before this one "
                   "(2022, 2022H1, 2022Q3, 2022-07)")
    p.add_argument("--half-life", type=_half_life, default=HALF_LIFE_DEFAULT,
                   help=f"years after which a period's batches count half (default {HALF_LIFE_DEFAULT:g}; "
                        "'none' = all periods equal)")
    p.add_argument("--level", type=_level, default=LEVEL_DEFAULT,
                   help=f"interval probability (default {LEVEL_DEFAULT:.2f}; 90 or 90%% read as 0.90)")
    p.add_argument("--flat", action="store_true",
                   help="pool all groups toward one rate instead of along the --by hierarchy")
    p.add_argument("--keep-totals", action="store_true",
                   help="keep rows whose group is a total (合计/总计/total); by default they are left "
                        "out so that batches are not counted twice")
    p.add_argument("--where", action="append", default=[], metavar="COL=VALUE",
                   help="keep only rows where COL equals VALUE (repeatable), e.g. region=全国")
    if outcome:
        p.add_argument("--outcome", default=None,
                       help="per-batch records: the 0/1 (合格/不合格) outcome column (default: failed, "
                            "outcome or unqualified)")
        p.add_argument("--time", default=None, metavar="COLUMN",
                       help="per-batch records: the sampling-date column; each batch counts in its quarter "
                            "(default: 抽样日期 / 检验日期 / date / Inspection_Date ... when the table has one)")


def _rename_source(exc: DataValidationError, src: str, written: dict | None = None) -> DataValidationError:
    written = written or {}
    return DataValidationError([Problem(src if p.source == "<DataFrame>" else p.source, p.row,
                                        written.get(p.column, p.column), p.value, p.expected)
                                for p in exc.problems], source=src)


def _score_from_args(args) -> tuple[pd.DataFrame, pd.DataFrame]:
    from .. import risk as R  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    before: list = []
    raw = _load_filtered(args.samples, args.where, args.region, before)
    src = raw.attrs.get("source", args.samples)
    if getattr(args, "time", None):
        raw = _dated_periods(raw, args.time, src)
    by = _list(args.by or "category")
    _refuse_pooled_regions(raw, by, src)
    _note_reported(raw, before, by, args)
    try:
        scores = R.score(raw, by, as_of=args.as_of, half_life=args.half_life, level=args.level,
                         hierarchical=not args.flat, drop_totals=not args.keep_totals,
                         outcome=getattr(args, "outcome", None))
    except DataValidationError as exc:  # name the file, not "<DataFrame>"
        raise _rename_source(exc, src) from None
    scores.attrs["risk"]["source"] = src
    scores.attrs["risk"]["where"] = list(args.where or [])  # said in the scope line, chart title and file
    scores.attrs["risk"]["sheets"] = _sheets_scored(raw)  # one sheet per district: said in the scope line
    return raw, scores


def _dated_periods(raw: pd.DataFrame, time: str, src: str) -> pd.DataFrame:
    """``--time COLUMN``: each record's period is the quarter of its date in that column (a cell that is
    no date refused naming its row); a column that is not there refused naming the columns seen."""
    from ..risk import samples as _samples  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    written = raw.attrs.get("headers") or {}
    col = _samples.as_written(raw, time)
    if col not in raw.columns:  # each header once (a date column read as the period is listed once)
        shown = ", ".join(_samples._listed_headers(raw))
        raise DataValidationError([Problem(src, None, time, None,
                                           f"the sampling-date column given with --time; the table has: {shown}"
                                           f"{_samples.did_you_mean(raw, time)}")],
                                  source=src)
    header = str(written.get(col, col))
    dates = _samples.parse_dates(raw[col], src, header, raw.attrs.get("sheet_rows"))
    quarters = [f"{d.year}Q{(d.month - 1) // 3 + 1}" for d in pd.DatetimeIndex(dates)]
    attrs = dict(raw.attrs)
    out = raw.assign(period=quarters)
    out.attrs = {**attrs, "headers": {**written, "period": header}}
    return out


def _pct(v) -> str:
    return f"{100 * v:.2f}%" if pd.notna(v) else "-"


#: columns of 'risk score' / 'risk allocate' results holding probabilities or shares (0-1)
PERCENT_COLUMNS = ("rate", "risk", "risk_lo", "risk_hi", "recent_rate", "prior_rate", "shrink_share",
                   "volume_share", "share")


def write_result(table: pd.DataFrame, path: str, by: list[str] | None = None, lines: list[str] = (),
                 reasons: list | None = None) -> None:
    """Write a score or plan table as ``--out`` says (:func:`mstarget.io.write_table`).

    The columns keep their names and rates stay fractions (0-1) in every format, so the file is
    the documented table and goes back into ``risk allocate --scores``; an Excel workbook shows the
    rate columns (:data:`PERCENT_COLUMNS`) in % (number format ``0.00%``, the cell still holding the
    fraction) for the reader. A plan's workbook (``by``: its group columns) also shows batches with
    thousands separators and expected finds to two decimals (the cells keep the full figures) on its
    first sheet, the documented table read back as it is, and adds a second sheet for reading,
    :data:`READABLE_SHEET`: Chinese headers, the groups by batches, a bold 合计 row and ``lines`` (the
    summary and notes printed) under it. A scores workbook likewise: its first sheet (:data:`SCORES_SHEET`)
    the documented columns with widths set, batches with thousands separators and the weights
    (``prior_weight``, ``evidence_weight``) rounded, and a second sheet :data:`READABLE_SCORES_SHEET`:
    Chinese headers (:data:`_READABLE_SCORES`), the groups by rank, a bold 合计 row (batches, failures,
    their rate) and ``lines`` (the scope and prior printed) under it. A plan by two or more columns, one a place
    (区县, 地市), also gets sheets to hand out (:func:`_district_sheets`): 全市汇总 (place x category batches with
    totals, and each place's batches, volume share and why its share departs from it) and one sheet per place
    (category -> batches, risk, the scores' ``reasons``, a 小计 row), each with a title row and a frozen header."""
    if Path(path).suffix.lower() != ".xlsx":
        write_table(table, path)
        return
    plan = "batches" in table.columns and "expected_failures" in table.columns
    safe = spreadsheet_safe(table)
    with atomic_path(path) as tmp:
        buf = io.BytesIO()  # built in memory, written in one go; pandas saves the workbook once, on leaving
        with pd.ExcelWriter(buf, engine="openpyxl") as writer:
            safe.to_excel(writer, index=False, sheet_name=PLAN_DATA_SHEET if plan else SCORES_SHEET)
            sheet = writer.book.active
            _number_formats(sheet, table, plan)
            if plan:
                _readable_plan_sheet(writer, table, by or [table.columns[0]], lines)
                _district_sheets(writer, table, by or [table.columns[0]], lines, reasons)
            else:
                _column_widths(sheet, safe)
                _readable_scores_sheet(writer, table, by or [table.columns[0]], lines)
            text_cells_as_text(writer.book)
        Path(tmp).write_bytes(buf.getvalue())


#: the second sheet of a plan's workbook: the plan for reading, with its 合计 row and notes
READABLE_SHEET = "方案（含合计）"
#: the first sheet of a plan's / a scores workbook: the documented columns, read back by 'risk allocate --scores'
PLAN_DATA_SHEET = "方案数据 plan"
SCORES_SHEET = "风险评分 scores"
#: group columns named in English by the library, shown in Chinese on the readable sheet
_GROUP_HEADERS_ZH = {"category": "类别", "region": "地区"}
#: a plan's columns on that sheet (Chinese header, number format), in order; the group columns come first
_READABLE_PLAN = (("risk", "风险", "0.00%"), ("volume_share", "抽检量占比", "0.00%"), ("batches", "计划批次", "#,##0"),
                  ("share", "占预算", "0.00%"), ("batches_volume", "按量方案批次", "#,##0"),
                  ("batches_even", "平均分配批次", "#,##0"))
#: the label of a plan's risk x batches finds (the headline's figure to quote) on every sheet, printout and chart
#: (``mstarget.risk.allocate.FOUND_LINEAR``, not imported here: mstarget.risk loads scipy / scikit-learn)
FOUND_LINEAR_HEADER = "预计发现（按风险×批次）"
#: a plan's expected finds on the readable sheet: (batches column, expected_failures column, prefix of the label)
_READABLE_FOUND = (("batches", "expected_failures", ""), ("batches_volume", "expected_failures_volume", "按量方案"),
                   ("batches_even", "expected_failures_even", "平均分配"))


#: the second sheet of a scores workbook: the scores for reading (Chinese headers, by rank, a 合计 row, notes)
READABLE_SCORES_SHEET = "风险评分（中文）"
#: a scores table's columns on that sheet (Chinese header, number format, width), in order; the group columns
#: come after 排名; the English name of each is the header of the first sheet's column (read back by scripts)
_READABLE_SCORES = (("tested", "抽检批次", "#,##0", 11), ("failed", "不合格批次", "#,##0", 11),
                    ("rate", "原始不合格率", "0.00%", 12), ("risk", "风险（单批不合格概率）", "0.00%", 14),
                    ("risk_lo", "区间下限", "0.00%", 10), ("risk_hi", "区间上限", "0.00%", 10),
                    ("recent_rate", "近期加权不合格率", "0.00%", 14), ("prior_rate", "先验不合格率", "0.00%", 12),
                    ("prior_weight", "先验相当批次", "#,##0", 12), ("evidence_weight", "本组有效批次", "#,##0", 12),
                    ("shrink_share", "向先验靠拢", "0%", 11), ("explanation", "说明", None, 60),
                    ("first_period", "首期", None, 9), ("last_period", "末期", None, 9))
#: a scores table's columns of batches' worth (weighted), shown rounded on its first sheet too
_WEIGHT_COLUMNS = ("prior_weight", "evidence_weight")


def _column_widths(sheet, shown: pd.DataFrame, cap: int = 40) -> None:
    """Each column about as wide as its header and cells (a CJK character counts two), at most ``cap``."""
    for j, name in enumerate(shown.columns, start=1):
        cells = shown[name].head(500).tolist()
        texts = [str(name)] + [f"{v:.4f}" if isinstance(v, float) else str(v) for v in cells if v == v]
        sheet.column_dimensions[sheet.cell(row=1, column=j).column_letter].width = \
            min(cap, max(8, max(common.display_width(t) for t in texts) + 2))


def _readable_scores_sheet(writer, scores: pd.DataFrame, by: list[str], lines) -> None:
    """The sheet :data:`READABLE_SCORES_SHEET` of a scores workbook (see :func:`write_result`)."""
    by = [c for c in by if c in scores.columns]
    cols = [spec for spec in _READABLE_SCORES if spec[0] in scores.columns]
    d = scores.sort_values("rank", kind="stable") if "rank" in scores.columns else scores
    shown = pd.DataFrame({"排名": d["rank"].to_numpy()}) if "rank" in d.columns else pd.DataFrame(index=range(len(d)))
    for c in by:
        zh = _GROUP_HEADERS_ZH.get(c, c) if _GROUP_HEADERS_ZH.get(c) not in by else c
        shown[zh] = spreadsheet_safe(d[[c]].astype(str))[c].to_numpy()
    for c, zh, _, _ in cols:
        shown[zh] = spreadsheet_safe(d[[c]])[c].to_numpy() if c == "explanation" else d[c].to_numpy()
    total = {c: None for c in shown.columns}
    total[shown.columns[0]] = "合计"
    if "tested" in d.columns and "failed" in d.columns:
        tested, failed = float(d["tested"].sum()), float(d["failed"].sum())
        total.update({"抽检批次": int(tested), "不合格批次": int(failed)})
        if "rate" in d.columns and tested > 0:
            total["原始不合格率"] = failed / tested
    shown = pd.concat([shown, pd.DataFrame([total], columns=shown.columns)], ignore_index=True)
    specs = {zh: (fmt, width) for _, zh, fmt, width in cols}
    _write_readable_sheet(writer, READABLE_SCORES_SHEET, shown, lines,
                          lambda name: specs.get(name, (None, 8 if name == "排名" else 16)))


def _number_formats(sheet, table: pd.DataFrame, plan: bool) -> None:
    """Rates and shares in %; a plan's batches with thousands separators and expected finds to 2 decimals;
    a scores table's batches with thousands separators and its weights (batches' worth) rounded."""
    for j, name in enumerate(table.columns, start=1):
        fmt = ("0.00%" if name in PERCENT_COLUMNS else "#,##0.00" if plan and str(name).startswith(
            "expected_failures") else "#,##0" if plan and str(name).startswith("batches") else "#,##0"
            if not plan and name in ("tested", "failed") + _WEIGHT_COLUMNS else None)
        if fmt and pd.api.types.is_numeric_dtype(table[name]):
            for (cell,) in sheet.iter_rows(min_row=2, max_row=len(table) + 1, min_col=j, max_col=j):
                cell.number_format = fmt


def _readable_plan_sheet(writer, plan: pd.DataFrame, by: list[str], lines) -> None:
    """The sheet :data:`READABLE_SHEET` of a plan's workbook (see :func:`write_result`)."""

    by = [c for c in by if c in plan.columns]
    cols = [(c, zh, fmt) for c, zh, fmt in _READABLE_PLAN if c in plan.columns]
    d = plan.sort_values("batches", ascending=False, kind="stable")
    shown = spreadsheet_safe(d[by].astype(str)).rename(
        columns={c: _GROUP_HEADERS_ZH[c] for c in by if c in _GROUP_HEADERS_ZH and _GROUP_HEADERS_ZH[c] not in by})
    for c, zh, _ in cols:
        shown[zh] = d[c].to_numpy()
    found = _readable_found(d, plan.attrs.get("allocation", {}))
    for zh, values in found.items():
        shown[zh] = values
    total = {c: "" for c in shown.columns}
    total[shown.columns[0]] = "合计"
    for c, zh, _ in cols:
        if c != "risk":  # a sum of risks is no risk
            total[zh] = float(d[c].sum()) if "batches" not in c else int(d[c].sum())
        else:
            total[zh] = None
    total.update({zh: float(np.sum(values)) for zh, values in found.items()})
    shown = pd.concat([shown, pd.DataFrame([total], columns=shown.columns)], ignore_index=True)
    formats = {zh: f for _, zh, f in cols} | {zh: "#,##0.00" for zh in found}
    _write_readable_sheet(writer, READABLE_SHEET, shown, lines,
                          lambda name: (formats.get(name), 14 if formats.get(name) else 20))
    writer.book[READABLE_SHEET].freeze_panes = "A2"  # the header stays in view


def _readable_found(d: pd.DataFrame, meta: dict) -> dict[str, np.ndarray]:
    """The expected finds of each plan on the readable sheet, shape (G,) each, by label: risk x batches
    (预计发现（按风险×批次）, as on the district sheets and in the headline) of this, the volume and the even plan,
    then ``expected_failures*`` under their own label when they count diminishing returns or the lots given."""
    from ..risk.allocate import found_label  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    label = found_label(meta)
    p = d["risk"].to_numpy(float)
    out = {f"{pre}{FOUND_LINEAR_HEADER}": p * d[b].to_numpy(float) for b, _, pre in _READABLE_FOUND if b in d}
    if label != FOUND_LINEAR_HEADER:
        out.update({f"{pre}{label}": d[c].to_numpy(float) for _, c, pre in _READABLE_FOUND if c in d})
    return out


#: the sheet of a plan's workbook with every place's batches (place x category, totals, reasons)
CITY_SHEET = "全市汇总"


def _place_column(plan: pd.DataFrame, by: list[str]) -> str | None:
    """The place column of a plan's groups (区县, 地市, region) when it is one of two or more; else None."""
    from ..risk.score import looks_like_reporting_place  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    if len(by) < 2:
        return None
    return next((c for c in by if c in ("region", "地区") or looks_like_reporting_place(c)), None)


def _sheet_title(name: str, taken: set) -> str:
    """A worksheet name from a place (31 characters, no []:*?/\\), unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name))[:28] or "_"
    out, k = base, 2
    while out in taken:
        out, k = f"{base[:26]}_{k}", k + 1
    taken.add(out)
    return out


def _place_reason(share: float, vol_share: float, risk: float, city_risk: float, top: list) -> str:
    """Why a place's share of the plan departs from its volume share (one line), or that it does not."""
    if vol_share <= 0:
        return "往年未抽检，按先验风险与下限安排"
    r = share / vol_share
    if abs(r - 1) < 0.1:
        return "与往年抽检量占比相当"
    lead = "、".join(f"{g} {100 * x:.1f}%" for g, x in top)
    if r > 1:
        return (f"高于往年抽检量占比（{share:.1%} 对 {vol_share:.1%}）：该地批次加权风险 {risk:.2%}，高于全市 {city_risk:.2%}；"
                f"风险高的类别多抽（{lead}）")
    return (f"低于往年抽检量占比（{share:.1%} 对 {vol_share:.1%}）：该地批次加权风险 {risk:.2%}，低于全市 {city_risk:.2%}，"
            f"批次移给风险更高处；风险最高的类别仍保留（{lead}）")


def _district_sheets(writer, plan: pd.DataFrame, by: list[str], lines, reasons) -> None:
    """A plan's sheets to hand out, by place (see :func:`write_result`): :data:`CITY_SHEET` and one per place."""
    from openpyxl.styles import Font  # lazy: openpyxl, loaded by the writer

    place = _place_column(plan, [c for c in by if c in plan.columns])
    if place is None:
        return
    cats = [c for c in by if c != place and c in plan.columns]
    d = plan.reset_index(drop=True).copy()
    d["_cat"] = d[cats].astype(str).agg(" / ".join, axis=1)
    d["_place"] = d[place].astype(str)
    d["_reason"] = ([str(r) if r == r and r is not None else "" for r in reasons]
                    if reasons is not None and len(reasons) == len(d) else "")
    d[["_cat", "_place", "_reason"]] = spreadsheet_safe(d[["_cat", "_place", "_reason"]].astype(str))
    budget = int(d["batches"].sum())
    w = d["volume"].to_numpy(float)
    city_risk = float(np.average(d["risk"], weights=w)) if w.sum() > 0 else float(d["risk"].mean())
    places = list(dict.fromkeys(d.sort_values("batches", ascending=False, kind="stable")["_place"]))
    places = sorted(places, key=lambda x: -int(d.loc[d["_place"] == x, "batches"].sum()))
    bold = Font(bold=True)
    title = str(lines[0]) if lines else "抽检方案"

    def header(sheet, text, head, row=2):
        sheet.cell(row=1, column=1, value=text).font = Font(bold=True, size=12)
        for j, h in enumerate(head, start=1):
            sheet.cell(row=row, column=j, value=h).font = bold
        sheet.freeze_panes = sheet.cell(row=row + 1, column=2)

    # the city sheet: place x category batches with totals, then each place's share and why
    sheet = writer.book.create_sheet(CITY_SHEET)
    cat_order = list(dict.fromkeys(d.sort_values("risk", ascending=False, kind="stable")["_cat"]))
    cross = d.pivot_table(index="_place", columns="_cat", values="batches", aggfunc="sum", fill_value=0)
    head = [place] + cat_order + ["合计"]
    header(sheet, f"{title}（{place} × {' / '.join(map(str, cats))} 计划批次）", head)
    r = 3
    for x in places + ["合计"]:
        vals = [int(cross.loc[x, c]) if x in cross.index and c in cross.columns else 0 for c in cat_order] \
            if x != "合计" else [int(cross[c].sum()) if c in cross.columns else 0 for c in cat_order]
        for j, v in enumerate([x] + vals + [sum(vals)], start=1):
            cell = sheet.cell(row=r, column=j, value=v)
            if j > 1:
                cell.number_format = "#,##0"
            if x == "合计":
                cell.font = bold
        r += 1
    r += 1
    head2 = [place, "计划批次", "占预算", "往年抽检量占比", "按量方案批次", "批次加权风险", FOUND_LINEAR_HEADER, "说明"]
    for j, h in enumerate(head2, start=1):
        sheet.cell(row=r, column=j, value=h).font = bold
    r += 1
    for x in places:
        g = d[d["_place"] == x]
        n = int(g["batches"].sum())
        gw = g["volume"].to_numpy(float)
        risk = float(np.average(g["risk"], weights=gw)) if gw.sum() > 0 else float(g["risk"].mean())
        top = [(c, v) for c, v in g.sort_values("risk", ascending=False)[["_cat", "risk"]].head(2).itertuples(
            index=False, name=None)]
        bound = next((k for k in ("下限", "上限") if any(f"{place} {x} {k}" in str(t) and "起作用" in str(t)
                                                       for t in lines)), None)
        row = [x, n, n / budget if budget else 0.0, float(g["volume_share"].sum()), int(g["batches_volume"].sum()),
               risk, float((g["risk"] * g["batches"]).sum()),
               (f"所设{bound}起作用（见说明）；" if bound else "")
               + _place_reason(n / budget if budget else 0.0, float(g["volume_share"].sum()), risk, city_risk, top)]
        for j, (v, fmt) in enumerate(zip(row, (None, "#,##0", "0.0%", "0.0%", "#,##0", "0.00%", "#,##0.0", None)),
                                     start=1):
            cell = sheet.cell(row=r, column=j, value=v)
            if fmt:
                cell.number_format = fmt
        r += 1
    sheet.column_dimensions["A"].width = 14
    for j in range(2, len(head) + 2):
        sheet.column_dimensions[sheet.cell(row=2, column=j).column_letter].width = 12
    sheet.column_dimensions[sheet.cell(row=2, column=8).column_letter].width = 60
    # the notes, in Chinese where a note has both (the English after ' / ')
    r += 1
    for line in lines:
        text = str(line)
        zh = text.split(" / ")[0] if re.search(r"[\u4e00-\u9fff]", text.split(" / ")[0]) else text
        sheet.cell(row=r, column=1, value=zh)
        r += 1
    # one sheet per place: category -> batches, share, risk, volume plan, expected finds, reason; a 小计 row
    taken = set(writer.book.sheetnames)
    head3 = [" / ".join(map(str, cats)), "计划批次", "占本地", "风险（单批不合格概率）", "按量方案批次", FOUND_LINEAR_HEADER, "评分说明"]
    for x in places:
        g = d[d["_place"] == x].sort_values(["batches", "risk"], ascending=False, kind="stable")
        sheet = writer.book.create_sheet(_sheet_title(x, taken))
        n = int(g["batches"].sum())
        header(sheet, f"{place} {x}：计划 {n:,} 批（占全市 {n / budget if budget else 0:.1%}）", head3)
        r = 3
        for row in g.to_dict("records"):
            vals = [row["_cat"], int(row["batches"]), (row["batches"] / n) if n else 0.0, float(row["risk"]),
                    int(row["batches_volume"]), float(row["risk"] * row["batches"]), row["_reason"]]
            for j, (v, fmt) in enumerate(zip(vals, (None, "#,##0", "0.0%", "0.00%", "#,##0", "#,##0.00", None)), start=1):
                cell = sheet.cell(row=r, column=j, value=v)
                if fmt:
                    cell.number_format = fmt
            r += 1
        for j, v in enumerate(["小计", n, 1.0 if n else 0.0, None, int(g["batches_volume"].sum()),
                               float((g["risk"] * g["batches"]).sum()), ""], start=1):
            cell = sheet.cell(row=r, column=j, value=v)
            cell.font = bold
            cell.number_format = ("#,##0", "0.0%", None, "#,##0", "#,##0.00", None)[j - 2] if 1 < j < 8 and \
                ("#,##0", "0.0%", None, "#,##0", "#,##0.00", None)[j - 2] else "General"
        for j, width in enumerate((18, 10, 9, 12, 12, 12, 70), start=1):
            sheet.column_dimensions[sheet.cell(row=2, column=j).column_letter].width = width


def _write_readable_sheet(writer, sheet_name: str, shown: pd.DataFrame, lines, spec) -> None:
    """Write a readable sheet (Chinese headers, its last row the 合计 row, in bold) and the printed lines under it;
    ``spec(header) -> (number format or None, column width)``."""
    from openpyxl.styles import Font  # lazy: openpyxl, loaded by the writer

    shown.to_excel(writer, sheet_name=sheet_name, index=False)
    sheet = writer.book[sheet_name]
    for j, name in enumerate(shown.columns, start=1):
        fmt, width = spec(name)
        sheet.column_dimensions[sheet.cell(row=1, column=j).column_letter].width = width
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=len(shown) + 1, min_col=j, max_col=j):
                cell.number_format = fmt
    for cell in sheet[len(shown) + 1]:
        cell.font = Font(bold=True)
    for k, line in enumerate(lines):
        sheet.cell(row=len(shown) + 3 + k, column=1, value=str(line))


def _display_scores(scores: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    d = scores[by + ["tested", "failed"]].copy()
    d["rate"] = scores["rate"].map(_pct)
    d["risk"] = scores["risk"].map(_pct)
    d["interval"] = [f"{_pct(lo)}–{_pct(hi)}" for lo, hi in zip(scores["risk_lo"], scores["risk_hi"])]
    d["rank"] = scores["rank"]
    d["explanation"] = scores["explanation"]
    return d


def where_text(where) -> str:
    """``--where`` conditions as said in a scope line, a chart title and a scores file's ``where`` column:
    ``Ward=42；Facility_Type_Clean=Restaurant``."""
    return "；".join(str(w).strip() for w in where if str(w).strip())


def _scope(meta: dict, args) -> str:
    """Where the scores come from, in words: grouping and the shrinkage hierarchy, region, periods."""
    from ..risk.score import pooling_words  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    written = meta.get("headers") or {}
    shown = [str(written.get(c, c)) for c in meta["by"]]
    parts = [f"分组 by: {', '.join(shown)}"]
    if len(shown) > 1:
        parts.append(pooling_words(shown, bool(meta.get("hierarchical"))))
    region = getattr(args, "region", None)
    if region:
        parts.append(f"地区 region: {region}")
    sheets = list(meta.get("sheets") or [])
    if sheets and not (region and sheets == [region.strip()]):  # --region 鼎湖区 named its one sheet already
        parts.append(f"读取工作表 sheets read: {'、'.join(sheets)}（按区县分表 one sheet per district）")
    if meta.get("where"):  # --where: the rows scored are a part of the table
        parts.append(f"筛选 where: {where_text(meta['where'])}")
    parts.append("期间 periods: 表中未注明，全表为一期 (the table names no period: its rows are one period)"
                 if list(meta["periods"]) == ["all"] else f"期间 periods: {', '.join(meta['periods'])}")
    for col, values in (meta.get("programmes") or {}).items():  # said in a warning too
        parts.append(f"{col}: {' + '.join(values)} 合并计算 (programmes pooled)")
    hl = meta.get("half_life")
    parts.append("各期等权 equal period weights" if hl is None else f"近期权重半衰期 half-life {hl:g} 年")
    return "；".join(parts)


def _echo_written(args) -> None:
    """``written:`` with each file written (``--out``, ``--chart``)."""
    done = [p for p in (getattr(args, "out", None), getattr(args, "chart", None)) if p]
    for k, path in enumerate(done):
        common.echo(("\n" if k == 0 else "") + f"written: {path}")


# ----------------------------------------------------------------------------- score
def run_score(args) -> int:
    common.check_outputs(args, "samples")
    settings = common.tracking_settings(args)
    with common.tracking_process(settings) as logger:  # MLflow loads meanwhile, on the other core
        return _score(args, settings, logger)


def _score(args, settings, logger) -> int:
    raw, scores = _score_from_args(args)
    common.inputs_accepted(logger)
    fig = None
    if args.chart:  # drawn before anything is written
        from ..risk.plot import plot_risk, save_figure  # lazy: matplotlib

        fig = plot_risk(scores, region=args.region)
    meta = scores.attrs["risk"]
    by = meta["by"]
    lines = [f"抽检不合格风险 Sampling-failure risk（{_scope(meta, args)}；{meta['level']:.0%} 区间为所用各期的"
             "基础不合格率，不含期间波动，不是下期实测不合格率的预测区间 (interval of the underlying rate, not of "
             "next period's observed rate)；第 1 名风险最高 rank 1 = riskiest）"]
    prior0 = meta["priors"][0]
    spread = ""
    if prior0.get("fitted") and "concentration_lo" in prior0:  # how well the groups pin the prior down
        spread = (f"（由 {prior0['n_groups']} 组估计，90% 范围 {prior0['concentration_lo']:,.0f}–"
                  f"{prior0['concentration_hi']:,.0f} 批，区间已计入这一不确定性）")
    lines.append(f"先验 prior: 各组总体不合格率 {_pct(prior0['mean'])}，相当于 {prior0['concentration']:,.0f} "
                 f"批的证据{spread}；样本少的组向它靠拢（见 explanation 列）")
    with outputs_together():  # --chart and --out both new, or both as they were
        if args.chart:
            save_figure(fig, args.chart)
        if args.out:  # with the region / as_of / half_life scored, which a CSV's attrs would lose
            from ..risk.score import with_settings  # lazy: scipy.stats, scikit-learn (mstarget.risk)

            write_result(with_settings(scores, args.region), args.out, by, lines)
    for line in lines:
        common.echo(line)
    common.echo(common.format_table(_display_scores(scores, by)))
    _echo_written(args)
    params = {"samples": source_text(args.samples), "by": by, **({"region": args.region} if args.region else {}),
              "as_of": meta["as_of"], "half_life": meta["half_life"], "level": meta["level"],
              "hierarchical": meta["hierarchical"], "where": args.where,
              "keep_totals": args.keep_totals, "periods": meta["periods"],
              "data_fingerprint": data_fingerprint(raw)}
    figure = None
    if settings.enabled:
        from ..risk.plot import plot_risk  # lazy: matplotlib

        figure = fig if fig is not None else plot_risk(scores, region=args.region)
    from ..risk.api import (GROUP_METRICS_ARTIFACT, SCORE_GROUP_FIGURES,  # lazy: scipy.stats, scikit-learn
                            per_group_metrics, score_metrics)

    per_group, keys = per_group_metrics(scores, by, SCORE_GROUP_FIGURES)  # risk.<group>: runs compared group by group
    metrics = {"groups": len(scores), "tested": scores["tested"].sum(), "failed": scores["failed"].sum(),
               "top_risk": scores["risk"].max(), "prior_mean": prior0["mean"],
               "prior_concentration": prior0["concentration"], **score_metrics(scores), **per_group}
    run_id = common.log_run(logger, "log_result", "risk score", scores, params, settings,
                            metrics=metrics, figure=figure, artifact="risk_scores.csv",
                            inputs={"samples": Input(raw, params["samples"])},
                            tables={GROUP_METRICS_ARTIFACT: keys})
    if run_id is not None:
        common.echo(f"MLflow run: {run_id} ({settings.store_uri()})")
    return common.EXIT_OK


# ----------------------------------------------------------------------------- allocate
def _filter_scores(scores: pd.DataFrame, args) -> pd.DataFrame:
    """``allocate --scores`` with ``--where COL=VALUE``: the scores rows matching every condition (a column
    the scores do not have is refused, naming theirs); with ``--region`` and a region column in the scores,
    that region's rows (a region not there is refused). Without a region column ``--region`` only names the
    region the scores describe."""
    from ..risk import samples as _samples  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    src = scores.attrs.get("source", args.scores)
    written = scores.attrs.get("headers") or {}
    shown = ", ".join(str(written.get(c, c)) for c in scores.columns)
    keep = np.ones(len(scores), dtype=bool)
    region = getattr(args, "region", None)
    col = _region_column(scores, region) if region is not None else None
    if col is None and region is not None:
        _warn_region_not_filtering(scores, region, src)
    if col is not None:
        have = sorted(pd.unique(scores[col].dropna().astype(str).str.strip()))
        if region.strip() not in have:
            raise DataValidationError([Problem(src, None, written.get(col, col), region,
                                               f"one of the regions in the scores: {', '.join(have[:20])}")],
                                      source=src)
        keep &= (scores[col].astype(str).str.strip() == region.strip()).to_numpy()
    problems = []
    for cond in args.where or []:
        if "=" not in cond:
            raise ParameterError(f"--where must look like COLUMN=VALUE (e.g. 食品大类=餐饮食品); got {cond!r}.")
        name, val = (t.strip() for t in cond.split("=", 1))
        c = _samples.as_written(scores, name)
        if c not in scores.columns:
            problems.append(Problem(src, None, name, None, "column named in --where is missing from the scores "
                                    f"(--where filters the scores' rows); the scores have: {shown}"))
            continue
        text = scores[c].astype(str).str.strip()
        num = pd.to_numeric(scores[c], errors="coerce")
        try:  # Ward=42 against a column read as numbers (42.0)
            keep &= (text == val).to_numpy() | (num == float(val)).fillna(False).to_numpy()
        except ValueError:
            keep &= (text == val).to_numpy()
    if problems:
        raise DataValidationError(problems, source=src)
    if keep.all():
        return scores
    if not keep.any():
        conds = list(args.where or []) + ([f"{written.get(col, col)}={region}"] if col is not None else [])
        raise DataValidationError([Problem(src, None, None, None, f"no scores rows match {' '.join(conds)}")],
                                  source=src)
    attrs = dict(scores.attrs)
    out = scores[keep].reset_index(drop=True)
    out.attrs = attrs
    if attrs.get("sheet_rows") is not None and len(attrs["sheet_rows"]) == len(keep):
        out.attrs["sheet_rows"] = np.asarray(attrs["sheet_rows"])[keep]
    return out


_NUMERIC_SCORE_COLS = ("tested", "failed", "rate", "risk", "risk_lo", "risk_hi", "rank")


def _read_scores(path: str) -> pd.DataFrame:
    from ..risk import samples as _samples  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    df, src = _samples.load(path)
    if "risk" not in df.columns:
        raise DataValidationError([Problem(src, None, "risk", None,
                                           "column missing; --scores takes the output of "
                                           "'mstarget risk score --out'")], source=src)
    problems = []
    rows = _samples.sheet_rows(df)
    written = df.attrs.get("headers") or {}
    for c in _NUMERIC_SCORE_COLS:
        if c in df.columns:
            conv = pd.to_numeric(df[c], errors="coerce")
            if c in PERCENT_COLUMNS:  # a workbook's %-formatted cell reads as it shows: 18.76%
                text = df[c].astype("string").str.strip()
                pct = text.str.fullmatch(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?\s*[%％]").fillna(False).astype(bool)
                conv = conv.where(~pct, pd.to_numeric(text.str.rstrip("%％ "), errors="coerce") / 100.0)
            # a blank cell is a missing figure ('risk score' writes no rate for a group never tested)
            blank = df[c].isna().to_numpy() | df[c].astype(str).str.strip().str.lower().isin(
                ["", "nan", "none", "null"]).to_numpy()
            # a file saved by Excel / WPS (31,494 / ３１４９４ / 3.27 %) read as the samples reader reads a cell;
            # one still refused is told what is wrong with it
            fix = np.flatnonzero(conv.isna().to_numpy() & ~blank)
            conv = conv.astype(float) if len(fix) else conv  # a clean column keeps its dtype
            for i in fix:
                try:
                    conv.iloc[i] = _score_cell(df[c].iloc[i], c)
                except ValueError as e:
                    problems.append(Problem(src, int(rows[i]), written.get(c, c), str(df[c].iloc[i]), str(e)))
            # a blank risk: a group new to the catalogue (no batches tested) is given the scores' prior by
            # allocate, with a warning; one with batches tested is refused there, saying how to fill it
            df[c] = conv
    if problems:
        raise DataValidationError(problems, source=src)
    df.attrs["source"] = src  # allocate's messages name the file and its own rows
    df.attrs["sheet_rows"] = rows
    return df


def _score_cell(value, column: str) -> float:
    """One cell of a scores file (:func:`_read_scores`) that is no plain number, read as the samples reader
    reads it: counts (``tested`` / ``failed``) as :func:`~mstarget.risk.samples.parse_count` (``31,494``,
    ``３１４９４``, ``20批``), the rest as :func:`~mstarget.validation.parse_number` (thousands separators,
    full-width digits), a rate column's ``3.27%`` / ``３.２７％`` as 0.0327; NaN for a cell saying no figure
    (—). ``ValueError`` saying what is wrong otherwise."""
    from ..risk import samples as _samples  # lazy: scipy.stats, scikit-learn (mstarget.risk)
    from ..validation import has_note_mark, normalize_text, parse_number, separator_hint

    if column in ("tested", "failed"):
        return float(_samples.parse_count(value))
    text = normalize_text(value)
    pct = text.endswith("%")
    try:
        x = parse_number(value)
    except ValueError:
        what = ("a rate: 3.27% or 0.0327" if column in PERCENT_COLUMNS
                else "a whole number (the group's rank: 1, 2, 3 ...)" if column == "rank" else "a number")
        why = ("; a note mark (①, ¹) is no part of a number: move the note to another column"
               if has_note_mark(value) else "")
        hint = separator_hint(value)
        raise ValueError(f"{what}{why}" + (f"; write {hint.rstrip('; ')}" if hint else "")) from None
    if x is None:
        return float("nan")
    if pct and column not in PERCENT_COLUMNS:
        raise ValueError(f"a number, not a percentage: '{column}' is no rate")
    return x / 100.0 if pct else x


def _display_plan(plan: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The plan as printed: shares and risks in %, batches with thousands separators, expected finds
    to two decimals, and a 合计 row (batches, shares and finds added up)."""
    d = plan[by].astype(str).copy()
    d["risk"] = plan["risk"].map(_pct)
    d["volume_share"] = plan["volume_share"].map(_pct)
    d["batches"] = plan["batches"].map(lambda v: f"{v:,}")
    d["share"] = plan["share"].map(_pct)
    d["batches_volume"] = plan["batches_volume"].map(lambda v: f"{v:,}")
    found = _found_columns(plan)
    for c, values in found.items():
        d[c] = [f"{v:,.2f}" for v in values]
    total = {c: "" for c in d.columns}
    total[by[0]] = "合计 total"
    total.update(volume_share=_pct(plan["volume_share"].sum()), batches=f"{int(plan['batches'].sum()):,}",
                 share=_pct(plan["share"].sum()), batches_volume=f"{int(plan['batches_volume'].sum()):,}")
    total.update({c: f"{float(np.sum(values)):,.2f}" for c, values in found.items()})
    return pd.concat([d, pd.DataFrame([total])], ignore_index=True)


def _found_columns(plan: pd.DataFrame) -> dict[str, np.ndarray]:
    """A plan's expected finds per group (shape (G,) each), headed by their labels as the headline says them:
    预计发现（按风险×批次） (risk x batches, the figure to quote) of this plan and of the volume plan, then
    ``expected_failures`` / ``expected_failures_volume`` under their own label when they differ (diminishing
    returns: 预计发现（计收益递减）; lots given: 预计发现（按风险×批次，至多在售批次）)."""
    from ..risk.allocate import found_label  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    label = found_label(plan.attrs.get("allocation", {}))
    p = plan["risk"].to_numpy(float)
    out = {FOUND_LINEAR_HEADER: p * plan["batches"].to_numpy(float),
           f"按量方案{FOUND_LINEAR_HEADER}": p * plan["batches_volume"].to_numpy(float)}
    if label != FOUND_LINEAR_HEADER:
        out[label] = plan["expected_failures"].to_numpy(float)
        out[f"按量方案{label}"] = plan["expected_failures_volume"].to_numpy(float)
    return out


def run_allocate(args) -> int:
    if bool(args.scores) == bool(args.samples):
        raise ParameterError("Give exactly one of --scores (a table from 'risk score') or "
                             "--samples (sampling counts, scored on the fly).")
    common.check_outputs(args, "scores", "samples")
    settings = common.tracking_settings(args)
    with common.tracking_process(settings) as logger:  # MLflow loads meanwhile, on the other core
        return _allocate(args, settings, logger)


def _allocate(args, settings, logger) -> int:
    from .. import risk as R  # lazy: scipy.stats, scikit-learn (mstarget.risk)
    from ..risk.allocate import headline, share_text, volume_plan_name  # lazy: scipy.stats, scikit-learn
    from ..risk.plot import plot_allocation, save_figure  # lazy: matplotlib

    if args.scores:
        scores = _filter_scores(_read_scores(args.scores), args)
        raw = scores
        by = _list(args.by) or None
    else:
        raw, scores = _score_from_args(args)
        by = scores.attrs["risk"]["by"]
    _check_batches_args(args, scores)
    common.inputs_accepted(logger)
    volume = None if str(args.volume).lower() in ("none", "inf") else args.volume
    with warnings.catch_warnings(record=True) as caught:  # a warning the notes say is printed once, as a note
        warnings.simplefilter("always")
        plan = R.allocate(scores, args.budget, args.min_per_group, args.max_per_group,
                          risk_share=args.risk_share, max_share=_max_share(args.max_share),
                          min_share=args.min_share, warn_share=args.warn_share, volume=volume,
                          proportional_to=args.proportional_to, by=by, plan_period=args.plan_period,
                          min_per_level=_levels_from_args(args.min_per_level),
                          max_per_level=_levels_from_args(args.max_per_level, "--max-per-level"),
                          hold_stale=not getattr(args, "no_hold_stale", False))
    meta = plan.attrs["allocation"]
    for w in caught:
        if not any(str(w.message) in note for note in meta["notes"]):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    by = meta["by"]
    # the group columns as the user wrote them (a scores file's 食品大类 is read as 'category'): for the
    # basis line, the run's 'by' and its name
    written = (scores.attrs.get("headers") or {}) if args.scores else {}
    by_written = [str(written.get(c, c)) for c in by]
    renamed = {c: w for c, w in zip(by, by_written) if c != w and w not in plan.columns}
    if renamed:  # the plan's group columns as the scores file names them (食品大类, not category), as with --samples
        attrs = plan.attrs
        plan = plan.rename(columns=renamed)
        plan.attrs = attrs
        by = [renamed.get(c, c) for c in by]
        plan.attrs["allocation"]["by"] = by
        meta = plan.attrs["allocation"]
    basis = _allocation_basis(args, scores, by_written)
    used = meta.get("max_share_used", meta["max_share"])
    if used is None:
        cap = ("不设上限 no cap（默认上限在组数少时不适用，见 note）" if meta["max_share"] is not None
               else "不设上限 no cap")
    elif used == meta["max_share"]:
        cap = f"每组不超过 {share_text(used)}"
    else:
        cap = f"每组不超过 {used:.2%}（所设 {share_text(meta['max_share'])} 分不完预算，已提高 raised: see the note）"
    name = volume_plan_name(meta["proportional_to"])
    lines = [f"抽检方案 Sampling plan：预算 {meta['budget']:,} 批分到 {len(plan)} 组；"
             f"{share_text(1 - meta['risk_share'])} {name}覆盖，{share_text(meta['risk_share'])} 按风险；{cap}",
             f"依据 basis：{basis['text']}"]
    lines += headline(meta, name)  # risk x batches, the figure to quote; with diminishing returns beside it
    lines += [f"note: {note}" for note in meta["notes"]]
    fig = None
    if args.chart:  # drawn before anything is written
        fig = plot_allocation(plan, title=_plan_title(meta, basis))
    with outputs_together():  # --chart and --out both new, or both as they were
        if args.chart:
            save_figure(fig, args.chart)
        if args.out:
            write_result(plan, args.out, by, lines, reasons=scores["explanation"].tolist()
                         if "explanation" in scores.columns and len(scores) == len(plan) else None)
    for line in lines:
        common.echo(line)
    common.echo(common.format_table(_display_plan(plan.sort_values("batches", ascending=False,
                                                                     kind="stable"), by)))
    _echo_written(args)
    # the parameter schema of 'risk score' (samples, by, region, as_of, half_life, periods ...), then the plan's
    params = {"scores": source_text(args.scores), "samples": source_text(args.samples), "by": by_written,
              "region": basis["region"], "as_of": basis["as_of"], "half_life": basis["half_life"],
              "level": basis["level"], "hierarchical": basis["hierarchical"], "where": args.where,
              **({"scored_where": basis["scored_where"]} if basis.get("scored_where") else {}),
              **({"programmes_pooled": basis["programmes"]} if basis.get("programmes") else {}),
              "keep_totals": args.keep_totals, "periods": basis["periods"],
              "budget": args.budget, "min_per_group": args.min_per_group,
              "max_per_group": args.max_per_group, "risk_share": args.risk_share,
              **{k: "；".join(f"{c}{':' + v if v else ''}={n}" for c, v, n in getattr(args, k))
                 for k in ("min_per_level", "max_per_level") if getattr(args, k, None)},
              "max_share": None if meta["max_share"] is None else float(meta["max_share"]),
              "max_share_used": None if used is None else round(float(used), 6),
              "min_share": args.min_share, "volume": args.volume,
              "proportional_to": meta["proportional_to"], "plan_period": args.plan_period,
              "hold_stale": not getattr(args, "no_hold_stale", False),
              "data_fingerprint": data_fingerprint(raw)}
    from ..risk.api import GROUP_METRICS_ARTIFACT, PLAN_GROUP_FIGURES, per_group_metrics  # lazy: scipy, sklearn

    # batches.<group> ...: runs compared group by group; the riskiest groups first (as the scores rank them)
    ranked = plan.iloc[np.argsort(-plan["risk"].to_numpy(float), kind="stable")]
    per_group, keys = per_group_metrics(ranked, by, PLAN_GROUP_FIGURES)
    metrics = {"expected_failures": meta["expected_failures"],
               "expected_failures_volume": meta["expected_failures_volume"],
               "expected_failures_even": meta["expected_failures_even"],
               "largest_share": meta["largest_share"], "groups": len(plan),
               "groups_funded": int((plan["batches"] > 0).sum()), "unspent": meta.get("unspent", 0),
               **({"max_share_used": float(used)} if used is not None else {}),
               **({"market_scale": meta["market_scale"]} if meta.get("market_scale") is not None else {}),
               **{k: float(meta[k]) for k in ("vs_volume", "vs_even") if meta[k] == meta[k]},
               # risk x batches (the figure to quote; expected_failures* count diminishing returns on the market)
               **{k: float(meta[k]) for k in ("expected_failures_linear", "expected_failures_volume_linear",
                                             "expected_failures_even_linear", "vs_volume_linear", "vs_even_linear")
                  if meta.get(k) is not None and meta[k] == meta[k]},
               **{k: v for k, v in (("top_decile_share_batches", _top_decile_batches(plan)),
                                    ("top_decile_share_expected_failures", _top_decile_found(plan))) if v == v},
               **per_group}
    figure = (fig if fig is not None else plot_allocation(plan, title=_plan_title(meta, basis))) \
        if settings.enabled else None
    run_name = ("risk allocate" + (f" {basis['region']}" if basis["region"] else "") + f" by {', '.join(by_written)}"
                + (f" as of {basis['as_of']}" if basis["as_of"] else
                   f" periods {basis['span']}" if basis["span"] else "")
                + f" · budget {meta['budget']:,}" + "".join(f" · {k} {v}" for k, v in _plan_settings(args)))[:250]
    notes = pd.DataFrame({"line": lines})
    run_id = common.log_run(logger, "log_result", "risk allocate", plan, params, settings,
                            metrics=metrics, figure=figure, artifact="risk_allocation.csv",
                            inputs={("scores" if args.scores else "samples"):
                                    Input(raw, params["scores"] if args.scores else params["samples"])},
                            tables={"risk_allocation_notes.csv": notes, GROUP_METRICS_ARTIFACT: keys},
                            run_name=run_name)
    if run_id is not None:
        common.echo(f"MLflow run: {run_id} ({settings.store_uri()})")
    return common.EXIT_OK


def _top_decile(plan: pd.DataFrame) -> np.ndarray:
    """Rows of the riskiest tenth of a plan's groups (at least one)."""
    risk = np.nan_to_num(plan["risk"].to_numpy(float), nan=0.0)
    return np.argsort(-risk, kind="stable")[:max(1, int(np.ceil(0.1 * len(plan))))]


def _top_decile_batches(plan: pd.DataFrame) -> float:
    """Share of the planned batches going to the riskiest tenth of the groups (NaN with no batch)."""
    b = plan["batches"].to_numpy(float)
    return float(b[_top_decile(plan)].sum() / b.sum()) if b.sum() > 0 else float("nan")


def _top_decile_found(plan: pd.DataFrame) -> float:
    """Share of the plan's expected unqualified finds in the riskiest tenth of the groups (NaN: none)."""
    f = plan["expected_failures"].to_numpy(float)
    return float(f[_top_decile(plan)].sum() / f.sum()) if f.sum() > 0 else float("nan")


def _plan_settings(args) -> list[tuple[str, str]]:
    """The plan settings given away from their defaults (name, value as given), for the run's name: two
    runs differing only in --risk-share or a floor column are told apart in the MLflow list."""
    out = []
    if args.risk_share != RISK_SHARE_DEFAULT:
        out.append(("risk_share", f"{args.risk_share:g}"))
    if not isinstance(args.max_share, _DefaultShareArg):
        out.append(("max_share", "none" if args.max_share is None else f"{args.max_share:g}"))
    if args.min_share:
        out.append(("min_share", f"{args.min_share:g}"))
    for key, default in (("min_per_group", 0), ("max_per_group", None), ("volume", "tested"),
                         ("proportional_to", None), ("plan_period", None), ("min_per_level", None),
                         ("max_per_level", None)):
        v = getattr(args, key, default)
        if key.endswith("_level") and v:
            v = "；".join(f"{c}{':' + x if x else ''}={n}" for c, x, n in v)
        if v != default:
            out.append((key, f"{v:g}" if isinstance(v, float) else str(v)))
    if getattr(args, "no_hold_stale", False):
        out.append(("hold_stale", "off"))
    return out


def _plan_title(meta: dict, basis: dict) -> str:
    """The plan chart's title: budget, finds of this plan and of the plans compared under the label its right
    panel carries (预计发现（按风险×批次）, the printout's headline figure), basis."""
    from ..risk.plot import plan_found_text  # lazy: matplotlib (mstarget.risk.plot)

    return f"抽检批次分配：{plan_found_text(meta)}\n{basis['text']}"


def _allocation_basis(args, scores: pd.DataFrame, by: list[str]) -> dict:
    """What a plan rests on, for the printout, the workbook and the run: region, periods (as_of), half-life.

    With ``--samples`` it is the scoring just done (``attrs["risk"]``); with ``--scores`` it is read from
    the file: its ``first_period`` / ``last_period`` columns give the span of periods, ``--region`` or a
    region column of one value the region (unknown otherwise: said so)."""
    from ..risk.periods import parse_period  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    meta = scores.attrs.get("risk") if hasattr(scores, "attrs") else None
    region = getattr(args, "region", None)
    places = None  # the place column is one of the groups (--by 产品类别,地市): its places are groups, no region
    if region is None:
        col = _region_column(scores)
        values = pd.unique(scores[col].dropna().astype(str)) if col is not None else []
        shown = str((scores.attrs.get("headers") or {}).get(col, col)) if col is not None else None
        if len(values) > 1 and (col in by or shown in by):
            places = f"按{shown}分组（{len(values)}个{shown}）"  # as the score run: no region named
            region = None
        else:
            region = str(values[0]) if len(values) == 1 else (f"{len(values)} regions" if len(values) > 1 else None)
    out = {"region": region, "as_of": None, "half_life": None, "level": None, "hierarchical": None,
           "periods": None, "span": None}
    if meta:
        periods = list(meta.get("periods") or [])
        out.update(as_of=meta.get("as_of"), half_life=meta.get("half_life"), level=meta.get("level"),
                   hierarchical=meta.get("hierarchical"), periods=periods)
        if periods and periods != ["all"]:
            out["span"] = periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"
        text = _scope(meta, args)
    else:
        for key in ("as_of", "half_life", "pooling"):  # written by 'risk score --out' (SETTING_COLUMNS)
            values = pd.unique(scores[key].dropna().astype(str).str.strip()) if key in scores.columns else []
            if len(values) == 1 and values[0] not in ("", "nan"):
                v = values[0]
                if key == "half_life":
                    try:
                        v = None if v.lower() == "none" else float(v)
                    except ValueError:
                        continue
                    out["half_life_text"] = ("各期等权 equal period weights" if v is None
                                             else f"近期权重半衰期 half-life {v:g} 年")
                if key == "pooling":
                    from ..risk.score import pooling_words  # lazy: scipy.stats, scikit-learn (mstarget.risk)

                    levels = [t.strip() for t in v.split(">")]
                    hier = v != "flat" and len(levels) > 1
                    out["hierarchical"] = hier
                    if len(by) > 1:
                        out["pooling_text"] = pooling_words(levels if hier else by, hier)
                    continue
                out[key] = v
        found = []
        for c in ("first_period", "last_period"):
            for v in (scores[c].tolist() if c in scores.columns else []):
                t = str(int(v)) if isinstance(v, float) and v == v and float(v).is_integer() else str(v).strip()
                try:
                    found.append(parse_period(t))
                except ValueError:
                    continue
        if found:
            first = min(found, key=lambda q: (q.start, q.end))
            last = max(found, key=lambda q: (q.end, q.start))
            out["span"] = first.label if first.label == last.label else f"{first.label}–{last.label}"
            out["periods"] = out["span"]
        listed = pd.unique(scores["periods"].dropna().astype(str).str.strip()) if "periods" in scores.columns else []
        if len(listed) == 1 and listed[0]:  # the periods scored, written by 'risk score --out' (2019H2, 2022)
            out["periods"] = [t.strip() for t in listed[0].split(",") if t.strip()]
            if len(out["periods"]) <= 4:
                out["span"] = ", ".join(out["periods"])
        text = "；".join([f"评分文件 scores: {Path(args.scores).name}", f"分组 by: {', '.join(by)}"]
                        + ([out.pop("pooling_text")] if "pooling_text" in out else []) + [
                         f"地区 region: {region}" if region else f"地区 region: {places}" if places else
                         "地区 region: 未注明 (not stated: --region names it)",
                         f"期间 periods: {out['span']}" if out["span"] else
                         "期间 periods: 评分文件未注明 (the scores file names none)"]
                        + ([f"截至 as of: {out['as_of']}"] if out["as_of"] else [])
                        + ([out.pop("half_life_text")] if "half_life_text" in out else []))
        pooled = pd.unique(scores["programmes"].dropna().astype(str).str.strip()) if "programmes" in scores.columns \
            else []
        pooled = [x for x in pooled if x and x.lower() not in ("nan", "none")]
        if pooled:  # 'risk score --out' scored several programmes together (监督抽检 + 风险监测): said, as score said
            out["programmes"] = " / ".join(pooled)
            text += f"；{out['programmes']} 合并计算 (programmes pooled)"
        scored = pd.unique(scores["where"].dropna().astype(str).str.strip()) if "where" in scores.columns else []
        scored = [w for w in scored if w and w.lower() not in ("nan", "none")]
        if scored:  # 'risk score --where' wrote it: the scores cover those rows of their table only
            out["scored_where"] = " / ".join(scored)
            text += f"；评分筛选 scored on: {out['scored_where']}"
        if getattr(args, "where", None):  # applied to the scores' rows (_filter_scores)
            text += f"；筛选 where: {where_text(args.where)}"
    out["text"] = text
    return out


# ----------------------------------------------------------------------------- evaluate
def _evaluate_records(args):
    from .. import risk as R  # lazy: scipy.stats, scikit-learn (mstarget.risk)
    from ..risk import samples as _samples  # lazy: scipy.stats, scikit-learn (mstarget.risk)
    from ..risk.evaluate import evaluate_records  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    if not (args.outcome and args.test_from):
        raise ParameterError("--records needs --outcome COLUMN and --test-from DATE "
                             "(rows from that date on are the test period).")
    raw, src = _samples.load(args.records)
    written = raw.attrs.get("headers") or {}
    # columns named by their headers as written (--outcome 检验结论, --time 抽样日期)
    args.outcome = _samples.as_written(raw, args.outcome)
    time = _samples.as_written(raw, args.time)
    args.entity = _samples.as_written(raw, args.entity)
    args.area = ",".join(_samples.as_written(raw, a) for a in _list(args.area)) or None
    args.features = ",".join(_samples.as_written(raw, f) for f in _list(args.features)) or None
    args.exclude = ",".join(_samples.as_written(raw, f) for f in _list(args.exclude)) or None
    if not time or time not in raw.columns:
        shown = ", ".join(_samples._listed_headers(raw))
        raise DataValidationError([Problem(src, None, time or "--time", None,
                                           f"a date column given with --time; the table has: {shown}"
                                           f"{_samples.did_you_mean(raw, time) if time else ''}")],
                                  source=src)
    if args.outcome not in raw.columns:
        shown = ", ".join(_samples._listed_headers(raw))
        raise DataValidationError([Problem(src, None, args.outcome, None,
                                           f"the 0/1 (合格/不合格) outcome column given with --outcome; the "
                                           f"table has: {shown}{_samples.did_you_mean(raw, args.outcome)}")],
                                  source=src)
    # a batch written once per failed item (its 抽样单号 repeated) is one record, as 'risk score' counts it: its
    # histories, its training row and its test row count it once (said once; fit then finds nothing to fold)
    raw = _samples.fold_items(raw, src, outcome=args.outcome)
    # the same date reading as 'risk score' (2023年3月1日 too); a cell that is no date is refused
    dates = pd.Series(_samples.parse_dates(raw[time], src, written.get(time, time), _samples.sheet_rows(raw)))
    try:
        cut = pd.Timestamp(_samples.parse_dates(pd.Series([args.test_from]), "--test-from", "--test-from")[0])
    except DataValidationError:
        raise ParameterError(f"--test-from {args.test_from!r}: expected a date such as 2014-09-01 or "
                             "2023年3月1日.") from None
    raw = raw.assign(**{time: dates.to_numpy()})
    table = raw
    built: list[str] = []
    if args.entity or args.area:
        # the honest out-of-time protocol: when the plan is made (at --test-from) no test-period result is
        # known, so the test records' histories (entity_failures_past, area rates) count none of them
        known = raw.copy()
        later = (dates >= cut).to_numpy()
        known[args.outcome] = known[args.outcome].astype(object).where(~later, None)
        feats = R.features(known, time=time, outcome=args.outcome, entity=args.entity,
                           area=_list(args.area))
        built = [c for c in feats.columns if c.startswith("entity_") or "_rate_" in c]
        table = pd.concat([raw, feats[built]], axis=1)
    table = table.assign(**{time: dates.to_numpy()})
    train, test = table[(dates < cut).to_numpy()], table[(dates >= cut).to_numpy()]
    if train.empty or test.empty:
        raise DataValidationError([Problem(src, None, time, None,
                                           f"rows before and from --test-from {args.test_from}")],
                                  source=src)
    feats_arg = (_list(args.features) + built) if args.features else None
    exclude = _list(args.exclude) + ([args.entity] if args.entity else [])
    rows = _samples.sheet_rows(raw)
    train.attrs.update(source=src, sheet_rows=rows[(dates < cut).to_numpy()], headers=written)
    test.attrs.update(source=src, sheet_rows=rows[(dates >= cut).to_numpy()], headers=written)
    try:
        model = R.fit(train, outcome=args.outcome, features=feats_arg, time=time, exclude=exclude,
                      model=args.model, seed=args.seed)
        p = model.predict(test)
        y = _samples.outcome_array(test[args.outcome], src, written.get(args.outcome, args.outcome),
                                   rows=rows[(dates >= cut).to_numpy()]).astype(int)
        y_train = _samples.outcome_array(train[args.outcome], src, written.get(args.outcome, args.outcome),
                                         rows=rows[(dates < cut).to_numpy()])
    except DataValidationError as exc:  # name the file, not "<DataFrame>", and its headers as written
        raise _rename_source(exc, src, written) from None
    periods = {"train": f"{dates[dates < cut].min():%Y-%m-%d} – {dates[dates < cut].max():%Y-%m-%d}"}
    res = evaluate_records(y, p, dates=pd.to_datetime(test[time]).to_numpy(),
                           window_days=args.window_days, train_rate=float(np.mean(y_train)),
                           periods=periods, leaks={str(written.get(c, c)): a for c, a in model.leaks_.items()})
    params = {"mode": "records", "records": source_text(args.records), "outcome": args.outcome,
              "time": time, "test_from": args.test_from, "model": args.model,
              "features": model.features_, "exclude": exclude, "entity": args.entity,
              "area": args.area, "seed": args.seed,
              "histories": "test-period outcomes hidden" if (args.entity or args.area) else None,
              "suspected_leaks": ", ".join(str(written.get(c, c)) for c in model.leaks_) or None}
    return raw, res, params


def _records_run_name(params: dict) -> str:
    """A records evaluation's run name: ``risk evaluate records test ≥2025-01-01 · entity 企业 · logistic``, with
    ``· suspected leak: 列`` when a feature seems to restate the outcome."""
    parts = [f"risk evaluate records test ≥{params.get('test_from')}"]
    if params.get("entity"):
        parts.append(f"entity {params['entity']}")
    if params.get("area"):
        parts.append(f"area {params['area']}")
    parts.append(str(params.get("model")))
    if params.get("suspected_leaks"):
        parts.append(f"suspected leak: {params['suspected_leaks']}")
    return " · ".join(parts)[:250]


def run_evaluate(args) -> int:
    if bool(args.records) == bool(args.samples):
        raise ParameterError("Give exactly one of --samples (group counts, with --train-until) or "
                             "--records (one row per inspection, with --outcome and --test-from).")
    common.check_outputs(args, "samples", "records")
    settings = common.tracking_settings(args)
    with common.tracking_process(settings) as logger:  # MLflow loads meanwhile, on the other core
        return _evaluate(args, settings, logger)


def _evaluate(args, settings, logger) -> int:
    from .. import risk as R  # lazy: scipy.stats, scikit-learn (mstarget.risk)

    if args.samples:
        if not args.train_until:
            raise ParameterError("--samples needs --train-until P: periods up to P are scored and the "
                                 "next period (or --test-period) is the test.")
        before: list = []
        raw = _load_filtered(args.samples, args.where, args.region, before)
        src = raw.attrs.get("source", args.samples)
        by = _list(args.by)
        _refuse_pooled_regions(raw, by, src)
        _note_reported(raw, before, by, args)
        try:
            res = R.evaluate(raw, by=by, train_until=args.train_until,
                             test_period=args.test_period, budget=args.budget,
                             risk_share=args.risk_share, max_share=_max_share(args.max_share),
                             min_per_group=args.min_per_group, max_per_group=args.max_per_group,
                             min_share=args.min_share, half_life=args.half_life, level=args.level,
                             hierarchical=not args.flat, seed=args.seed,
                             drop_totals=not args.keep_totals, outcome=args.outcome, progress=Progress(True),
                             hold_stale=not args.no_hold_stale)
        except DataValidationError as exc:
            raise _rename_source(exc, src) from None
        params = {"mode": "groups", "samples": source_text(args.samples), "by": by, "region": args.region,
                  "train_until": args.train_until, "test_period": args.test_period,
                  "budget": args.budget, "half_life": args.half_life, "risk_share": args.risk_share,
                  "max_share": float(args.max_share) if args.max_share is not None else None,
                  "min_per_group": args.min_per_group,
                  "max_per_group": args.max_per_group, "min_share": args.min_share, "seed": args.seed,
                  "hold_stale": not args.no_hold_stale}
    else:
        raw, res, params = _evaluate_records(args)
    common.inputs_accepted(logger)
    report = res.report()
    shown = set(report["metric"])
    rest = res.to_frame()
    rest = rest[~rest["metric"].isin(shown)]
    conclusion = res.conclusion
    frame = pd.concat([report, rest.assign(name=rest["metric"]),
                       pd.DataFrame([{"metric": "conclusion", "name": "总体结论 conclusion", "verdict": conclusion}])],
                      ignore_index=True)
    if args.out:
        write_table(frame, args.out)
    common.echo(f"训练期 train: {res.periods.get('train', '-')}；测试期 test: {res.periods.get('test', '-')}")
    view = pd.DataFrame({
        "指标 metric": report["name"], "数值 value": report["shown"],
        "对照 baseline": [f"{v}（{w}）" if v else "" for v, w in zip(report["baseline_shown"],
                                                                report["baseline_is"])],
        "结论 verdict": report["verdict"]})
    common.echo(common.format_table(view))
    common.echo(conclusion)
    common.echo(f"注 note: {res.note}")
    if args.out:
        common.echo(f"\nwritten: {args.out}")
    run_id = common.log_run(logger, "log_result", "risk evaluate", frame,
                            {**params, "periods": dict(res.periods), "data_fingerprint": data_fingerprint(raw)},
                            settings, metrics=res.metrics, artifact="risk_evaluation.csv",
                            inputs={"samples" if args.samples else "records":
                                    Input(raw, source_text(args.samples or args.records))},
                            tables={} if res.table.empty else {"risk_evaluation_detail.csv": res.table},
                            run_name=None if args.samples else _records_run_name(params))
    if run_id is not None:
        common.echo(f"MLflow run: {run_id} ({settings.store_uri()})")
    return common.EXIT_OK


# ----------------------------------------------------------------------------- wiring
def _add_plan_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("plan (see mstarget.risk.allocate)")
    g.add_argument("--risk-share", type=_share, default=RISK_SHARE_DEFAULT,
                   help=f"share of the budget targeted at risk; the rest follows volume "
                        f"(default {RISK_SHARE_DEFAULT:g}; 0 = volume-proportional, 1 = pure targeting)")
    g.add_argument("--max-share", type=_share, default=_DefaultShareArg(MAX_SHARE_DEFAULT),
                   help=f"cap per group as a share of the budget (default {MAX_SHARE_DEFAULT:g}, not applied "
                        "when fewer than 5 groups would make it force a near-even split; 'none')")


def register(subparsers) -> None:
    p = subparsers.add_parser("risk", help="sampling-failure risk: score, allocate, evaluate",
                              description="Where will the next samples fail, and where should the "
                                          "sampling budget go?")
    sub = p.add_subparsers(dest="risk_command", metavar="ACTION")
    p.set_defaults(func=lambda a: (p.print_help(), common.EXIT_BAD_INPUT)[1])

    s = sub.add_parser("score", help="shrunken failure probability per group, with intervals, rank "
                                     "and why each differs from the raw rate")
    _add_samples_flags(s, required=True)
    common.add_out_flag(s)
    s.add_argument("--chart", default=None, action=common.OneFile, help="write a chart of the ranked risks here (.png/.svg/.pdf)")
    common.add_tracking_flags(s)
    s.set_defaults(func=run_score)

    a = sub.add_parser("allocate", help="turn a budget of batches into a sampling plan per group")
    a.add_argument("--scores", default=None, help="scores table written by 'mstarget risk score --out'")
    _add_samples_flags(a, required=False, by_default=None)
    a.add_argument("--budget", type=_budget, required=True,
                   help="batches to allocate in total (20000, 20,000 or 2万)")
    _add_plan_flags(a)
    a.add_argument("--min-per-group", type=_batches_or_column, default=0,
                   help="floor per group in batches (default 0), or a column of the scores holding each "
                        "group's floor")
    a.add_argument("--max-per-group", type=_batches_or_column, default=None,
                   help="cap per group in batches (default none), or a column of the scores holding each "
                        "group's cap")
    a.add_argument("--min-per-level", type=_level_arg, action="append", default=None, metavar="LEVEL=N",
                   help="floor on a level of --by (the groups of a district or a category together), repeatable: "
                        "区县=400 (every 区县 at least 400 batches), 区县:新区=450 or 新区=450 (that one); batches "
                        "as --min-per-group reads them (450, 450批, 2万)")
    a.add_argument("--max-per-level", type=_level_arg, action="append", default=None, metavar="LEVEL=N",
                   help="cap on a level of --by (a district lab's capacity), as --min-per-level: 区县:甲区=500")
    a.add_argument("--min-share", type=_share, default=0.0,
                   help="floor per group as a share of the budget (default 0)")
    a.add_argument("--warn-share", type=_share, default=MAX_SHARE_DEFAULT,
                   help="warn when one group gets more than this share (default 0.3; 'none')")
    a.add_argument("--volume", default="tested",
                   help="column of lots per group for diminishing returns (default tested; 'none' = "
                        "unlimited market)")
    a.add_argument("--proportional-to", default=None, metavar="COLUMN",
                   help="column of weights for the coverage share and the volume plan (consumption, "
                        "market volume...; default: the --volume column)")
    a.add_argument("--plan-period", default=None, metavar="PERIOD",
                   help="the period the plan covers (2026, 2026H1, 2026Q1): with the default --volume, each "
                        "group's market is its batches tested per month over the scored periods times "
                        "this period's months (default: one period as long as the latest scored one)")
    a.add_argument("--no-hold-stale", action="store_true",
                   help="plan groups whose data stop early on their scores like any other (default: each is "
                        "held to the larger of an even split's batches and its volume share, named in a note)")
    common.add_out_flag(a)
    a.add_argument("--chart", default=None, action=common.OneFile,
                   help="write a chart of the plan (batches and expected finds per group) here")
    common.add_tracking_flags(a)
    a.set_defaults(func=run_allocate)

    e = sub.add_parser("evaluate", help="time-split evaluation in words: AUC, Brier, capture, failures "
                                        "found against even and volume plans, days earlier")
    _add_samples_flags(e, required=False, outcome=False)
    e.add_argument("--train-until", default=None, help="groups: last training period")
    e.add_argument("--test-period", default=None, help="groups: test period (default: the next one)")
    e.add_argument("--budget", type=_budget, default=None,
                   help="groups: batches to plan (default: the number tested in the test period)")
    _add_plan_flags(e)
    g = e.add_argument_group("plan floors and caps, as 'risk allocate' takes them (groups)")
    g.add_argument("--min-per-group", type=_budget, default=0,
                   help="floor per group in batches for the plan judged (default 0), so the plan tested is "
                        "the one adopted (allocate --min-per-group)")
    g.add_argument("--max-per-group", type=_budget, default=None,
                   help="cap per group in batches for the plan judged (default none)")
    g.add_argument("--min-share", type=_share, default=0.0,
                   help="floor per group as a share of the budget for the plan judged (default 0)")
    g.add_argument("--no-hold-stale", action="store_true",
                   help="judge the plan that spends on groups whose data stop early by their scores (default: each "
                        "is held to the larger of an even split's batches and its volume share, as allocate plans it)")
    e.add_argument("--records", default=None, help="per-record table (one row per inspection)")
    e.add_argument("--outcome", default=None,
                   help="records: 0/1 outcome column (also the outcome of per-batch --samples)")
    e.add_argument("--time", default=None, help="records: date column")
    e.add_argument("--test-from", default=None, help="records: first date of the test period")
    e.add_argument("--features", default=None, help="records: feature columns (default: all others)")
    e.add_argument("--exclude", default=None, help="records: columns never used as features")
    e.add_argument("--entity", default=None,
                   help="records: column naming what is inspected again (licence...): adds its own "
                        "history from strictly earlier records (mstarget.risk.features)")
    e.add_argument("--area", default=None,
                   help="records: place columns, comma-separated (ward, zip...): adds their recent, "
                        "exponentially weighted failure rates from strictly earlier records")
    e.add_argument("--model", default="logistic", help="records: logistic (default) or gbm")
    e.add_argument("--window-days", type=int, default=None,
                   help="records: re-order within windows of this many days (default: whole test period)")
    e.add_argument("--seed", type=int, default=0,
                   help="seed of the records model, and of the resampling intervals of the AUC and the plan "
                        "ratios (groups; default 0)")
    common.add_out_flag(e)
    common.add_tracking_flags(e)
    e.set_defaults(func=run_evaluate)
