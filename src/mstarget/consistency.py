"""Consistency checks: inputs that disagree with themselves or with each other (issue 14).

The readers check each cell on its own; these checks look across cells, rows and tables, where a
unit mix-up or a copy-paste slip hides among values that are each fine:

* ``read_history``: one series in two units (批次 / 万批次, % / ‰) -- error; a ``%`` share's year typed as a
  fraction (0.988 among 98-98.6, :func:`fractions_among_percentages`: the other years all 10 % or more and the
  figure meant within their spread) -- error naming the figure meant; a count (批次, 户, 件 ...)
  below zero, any other ``%`` share jumping ~100x between two years, a figure ``SPIKE_FACTOR`` times both
  its neighbouring years, a level shift (one step ``SHIFT_FACTOR`` times the year before and
  ``SHIFT_STEPS`` times the series' other steps: 3, 3, 40, 41 -- 口径变化?), an observation dated
  after the current year, a figure of the current year (not over) marked neither 快报 / 预计 nor as part of the
  year (:func:`_year_not_over`) -- warnings;
* ``read_plan``: a plan row repeated with another target (≥12 and ≥15 for one region, indicator
  and target year), a count below zero -- errors; a row repeated exactly (kept once), a 〈〉
  baseline that is not zero (not used), a target ``TARGET_FACTOR`` times its baseline on the wrong
  side of it or 10 times beyond it -- warnings;
* ``assess``, after matching: plan and history in one unit at two magnitudes (万元 / 亿元), history
  figures :data:`SCALE_FACTOR` times the plan's or more (or less by as much), ratios 0-1 against a
  plan in %, a negative count in an assessed series, one figure ``OUTLIER_FACTOR`` times the rest of
  its assessed series (户 among 万户) -- errors; the history's baseline-year value
  differing from the plan's baseline by more than rounding, plan and history in different units
  -- warnings.

Errors are :class:`~mstarget.exceptions.DataValidationError` and warnings
:class:`~mstarget.exceptions.InconsistentDataWarning`, both naming the file, the spreadsheet row,
the column as written and, Chinese first, what to fix. To name rows after a table has been read,
the readers remember where each row of the frame they return came from (:func:`remember`,
:class:`SheetCells`); a frame derived from it (filtered, sorted, concatenated) has no such memory
and its rows are named by position.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
import warnings
import weakref

import numpy as np
import pandas as pd

from .chinese_script import to_simplified
from .exceptions import DataValidationError, InconsistentDataWarning, Problem
from .precision import reporting_unit, written_decimals
from .quantiles import sorted_median
from .units import CHANGE_WORDS, counts_events, is_percent, per_mille_kind, percent_kind
from .validation import column_cells, map_unique, records

#: share of a row's baseline-to-target distance by which a plan figure (its baseline, a mid-term
#: table's 2023年完成值) and the history's value for that year may differ before they are said to
#: disagree, when that is more than the plan figure's rounding (:func:`rounding_tolerance`): 5 % of the
#: distance moves the progress share 5 points, the schedule's own tolerance
#: (:class:`mstarget.schedule.ScheduleRules`), enough to change a category
PROGRESS_TOLERANCE = 0.05
#: history / plan magnitude (either way) from which the two are taken to be in different units
SCALE_FACTOR = 300.0
#: a ``%`` share: history / plan magnitude (either way) from which, the smaller side never above
#: 1, a ratio 0-1 is taken to be mixed with percentages
PERCENT_FACTOR = 30.0
#: a ``%`` share jumping by this factor or more between two consecutive observations ...
JUMP_FACTOR = 30.0
#: ... from (or to) a value at most this (a ratio 0-1 written among percentages)
JUMP_RATIO_MAX = 1.5
#: a ``%`` share's year written as a ratio 0-1 is refused only among other years at least this
#: (:func:`fractions_among_percentages`): a share at 1-2 % (0.03, 1.2, 1.5: a programme starting;
#: 2.1, 1.8, 0.02 不合格率) cannot be told from one written as a fraction -- warned of instead
FRACTION_MIN_LEVEL = 10.0
#: ... and only when its 100 times falls within the other years' range widened by their spread, at
#: least this share of their median (98.x: about 2 points; 30: 0.6)
FRACTION_BAND = 0.02

#: one figure of a series this many times the median of its other figures, or as many times smaller,
#: while those agree within ``OUTLIER_SPREAD`` of each other: a figure in another unit (户 among 万户,
#: 元 among 亿元) -- refused where a plan assesses the series
OUTLIER_FACTOR = SCALE_FACTOR
OUTLIER_SPREAD = 3.0
#: a figure this many times both its neighbouring years (or as many times smaller), the neighbours
#: within 2x of each other: a warning (a misplaced decimal point, 55 for 5.5?)
SPIKE_FACTOR = 8.0
#: one year-to-year step of a series to this many times the year before (or as many times smaller) ...
SHIFT_FACTOR = 3.0
#: ... and this many times the median size of its other steps (at least ``SHIFT_MIN_STEPS`` steps in
#: all), the only such step: a warning (3, 3, 40, 41 家: a change of definition, 口径变化?)
SHIFT_STEPS = 5.0
SHIFT_MIN_STEPS = 3
#: ... and a step of at least this many reporting units (1 -> 3 个 is no change of definition)
SHIFT_MIN_UNITS = 10

#: a plan target this many times its baseline (or as many times smaller) on the wrong side of it
#: (≥9.9 against 98), or ``TARGET_FAR`` times beyond it for figures other than shares: a warning
TARGET_FACTOR = 8.0
TARGET_FAR = 10.0

#: magnitude prefixes of Chinese units, longest first (万元 = 10^4 元, 亿元 = 10^8 元)
_PREFIXES = (("万亿", 1e12), ("千万", 1e7), ("百万", 1e6), ("十万", 1e5), ("亿", 1e8), ("万", 1e4),
             ("千", 1e3), ("百", 1e2))
_PERCENT = {"%": 1.0, "百分比": 1.0, "percent": 1.0, "pct": 1.0, "‰": 0.1, "千分比": 0.1}
_POINTS = ("百分点", "个百分点", "pp")
_PER_YEAR = ("/年", "每年", "/a", "/yr", "/y", "/年度")
#: units counting things: never negative (a net change says so in its name, 净增 / 增加 ...)
COUNT_UNITS = frozenset("批次 批 户 件 项 张 人 家 个 次 人次 台 套 辆 座 所 只 头 份 起 宗 例 场 篇 本 册 "
                        "株 棵 条 处 间 床".split())
_NET_WORDS = ("净", "差额", "差值", "余额", "结余", "平衡")
#: what a power of ten between history and plan usually means: (Chinese, English)
_CONFUSIONS = {
    3: ("如 克/千克、元/千元", "such as 元 vs 千元"),
    4: ("如 户/万户、元/万元、万元/亿元、批次/万批次", "such as 户 vs 万户, 元 vs 万元, 万元 vs 亿元"),
    6: ("如 元/百万元", "such as 元 vs 百万元"),
    8: ("如 元/亿元", "such as 元 vs 亿元"),
}


# ----------------------------------------------------------------------------- where rows came from
class SheetCells:
    """Where the rows of a table were read: file, spreadsheet rows, headers as written.

    Remembered by the readers for the frame they return (:func:`remember`), so that later checks
    (after matching) and a second read of the same frame name the file's own rows. Immutable.

    Attributes
    ----------
    source : str
        File name (or ``"<DataFrame>"``).
    rows : ndarray of int, shape (n,)
        Spreadsheet row of each table row (header = row 1 in a plain table).
    headers : dict
        Canonical column name -> header as written.
    value_columns : ndarray of str, shape (n,), or None
        For a history: the header each value was read from (``2021年`` in a wide table).
    sources : ndarray of str, shape (n,), or None
        For a workbook keeping one indicator per sheet: the file and sheet of each row
        (:meth:`source_of`); ``None`` when every row comes from ``source``.
    cell_headers : dict
        For a plan laid out one column per year or region: canonical column -> ndarray of str, shape (n,),
        the header each row's cell was read from (``韶关市2020年基期值``; :attr:`mstarget.layout.Table.cell_headers`).
    """

    def __init__(self, source: str, rows, headers: dict | None = None, value_columns=None, *,
                 sources=None, cell_headers: dict | None = None):
        self.source = str(source)
        self.rows = np.array(rows, dtype=np.int64)
        self.rows.flags.writeable = False
        self.headers = dict(headers or {})
        self.value_columns = None if value_columns is None else np.array(value_columns, dtype=object)
        self.sources = None if sources is None else np.array(sources, dtype=object)
        self.cell_headers = {k: np.array(v, dtype=object) for k, v in (cell_headers or {}).items()}

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"SheetCells({self.source!r}, {len(self)} rows)"

    def take(self, positions) -> "SheetCells":
        """The rows at ``positions`` (after rows were dropped or reordered)."""
        pos = np.asarray(positions, dtype=np.int64)
        cols = None if self.value_columns is None else self.value_columns[pos]
        sources = None if self.sources is None else self.sources[pos]
        return SheetCells(self.source, self.rows[pos], self.headers, cols, sources=sources,
                          cell_headers={k: v[pos] for k, v in self.cell_headers.items()})

    def source_of(self, pos: int) -> str:
        """Where row ``pos`` was read: the file, or in a workbook of one indicator per sheet, the
        file and its sheet (``history.xlsx [sheet '年报率']``)."""
        return self.source if self.sources is None else str(self.sources[int(pos)])

    def column(self, name: str, pos: int | None = None) -> str:
        """The header as written for canonical column ``name`` (a history value: its year header)."""
        if name == "value" and pos is not None and self.value_columns is not None:
            return str(self.value_columns[pos])
        heads = self.cell_headers.get(name) if pos is not None else None
        if heads is not None and heads[int(pos)]:  # a plan by region / year: the cell's own column
            return str(heads[int(pos)])
        return str(self.headers.get(name, name))


def read_each(tables: list, read_one, src: str) -> tuple[list, list]:
    """``read_one(table)`` for every table of a workbook (its sheets), all their problems listed
    together: ``(frames read, the SheetCells of each)``; raises :class:`DataValidationError`
    naming ``src`` when any sheet has a problem."""
    parts, problems = [], []
    for table in tables:
        try:
            parts.append(read_one(table))
        except DataValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataValidationError(problems, source=src)
    return parts, [sheet_of(part) for part in parts]


#: id(frame) -> SheetCells of the frames the readers returned, while they live. Not in
#: ``frame.attrs``: pandas deep-copies attrs on every operation and writes them into Parquet
#: files as JSON, and a copy would carry rows that no longer describe it.
_SHEETS: dict[int, SheetCells] = {}


def remember(frame: pd.DataFrame, sheet: SheetCells) -> None:
    """Remember where the rows of ``frame`` (a reader's result) were read, for its lifetime."""
    key = id(frame)
    if key not in _SHEETS:
        weakref.finalize(frame, _SHEETS.pop, key, None)
    _SHEETS[key] = sheet


def sheet_of(frame: pd.DataFrame) -> SheetCells | None:
    """Where the rows of ``frame`` were read, if ``frame`` is a reader's result still describing
    them row by row (same length, index ``0..n-1`` as the reader left it), else None."""
    sheet = _SHEETS.get(id(frame)) if isinstance(frame, pd.DataFrame) else None
    if sheet is None or len(sheet) != len(frame):
        return None
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        return None
    return sheet


# ----------------------------------------------------------------------------- units
def normalize_unit(unit) -> str:
    """A unit as compared: NFKC, lower case, no spaces, 人口 -> 人, no ``/年`` (a yearly count)."""
    if unit is None or (isinstance(unit, float) and math.isnan(unit)):
        return ""
    u = to_simplified(unicodedata.normalize("NFKC", str(unit))).strip().lower().replace(" ", "")
    u = u.replace("人口", "人")
    for suffix in _PER_YEAR:
        if u.endswith(suffix) and len(u) > len(suffix):
            u = u[: -len(suffix)]
            break
    return u


def _split_prefix(text: str) -> tuple[float, str]:
    for prefix, factor in _PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            return factor, text[len(prefix):]
    return 1.0, text


def unit_scale(unit) -> tuple[float, str] | None:
    """``(factor, base)`` of a unit: ``"万元"`` -> ``(1e4, "元")``, ``"件/万人"`` -> ``(1e-4, "件/人")``,
    ``"‰"`` -> ``(0.1, "%")``; None for a blank unit.

    Two units with the same ``base`` measure the same thing at magnitudes ``factor`` apart.
    """
    u = normalize_unit(unit)
    if not u:
        return None
    if u in _PERCENT:
        return _PERCENT[u], "%"
    if u in _POINTS:
        return 1.0, "百分点"
    num, sep, den = u.partition("/")
    f_num, b_num = _split_prefix(num)
    if not sep:
        return f_num, b_num
    f_den, b_den = _split_prefix(den)
    return f_num / f_den, f"{b_num}/{b_den}"


def _factor_text(f: float) -> str:
    if f >= 1 and abs(f - round(f)) < 1e-9 * f:
        return f"{int(round(f)):,}"
    return f"{f:.6g}"


def unit_factor(unit: str, to_unit: str) -> float | None:
    """The factor turning figures in ``unit`` into ``to_unit`` where both measure one thing at two magnitudes (户 to
    万户: 1e-4; ‰ to %: 0.1), else None (other kinds, or the same magnitude)."""
    sa, sb = unit_scale(unit), unit_scale(to_unit)
    if sa is None or sb is None or sa[1] != sb[1] or math.isclose(sa[0], sb[0]):
        return None
    return sa[0] / sb[0]


def converted_nearer(value: float, factor: float, reference: float) -> bool:
    """Whether a figure's unit is borne out by its size: ``value * factor`` (in the reference's unit) lies nearer
    ``reference`` than ``value`` does, on a log scale -- 18900 户 against 1.89 万户, not 1.89 labelled 户. True where
    either is no positive figure (nothing says the label is wrong)."""
    if not (np.isfinite(value) and value > 0 and np.isfinite(reference) and reference > 0):
        return True
    return abs(math.log(value * factor / reference)) < abs(math.log(value / reference))


def conversion(unit_a: str, unit_b: str) -> str:
    """``"1 亿元 = 10,000 万元"`` for two units of one kind, else ``""``."""
    if unit_factor(unit_a, unit_b) is None:
        return ""
    sa, sb = unit_scale(unit_a), unit_scale(unit_b)
    (big, fb), (small, fs) = ((unit_a, sa[0]), (unit_b, sb[0])) if sa[0] > sb[0] else \
        ((unit_b, sb[0]), (unit_a, sa[0]))
    return f"1 {big} = {_factor_text(fb / fs)} {small}"


_MAGNITUDES = ("万亿", "千万", "百万", "十万", "亿", "万", "千", "百")


def unit_in_cell(unit: np.ndarray, pos: int, written: str) -> str:
    """A unit written after a number (``15万户``): fills row ``pos``'s blank ``unit`` (in place) and
    must agree with a given one (as :func:`normalize_unit` compares); returns what is wrong, or ``""``."""
    if unit[pos] == "":
        unit[pos] = written
    elif written in _MAGNITUDES and normalize_unit(unit[pos]).startswith(written):
        pass  # 1.89万 in a 万户 row: the cell repeats the row's magnitude
    elif normalize_unit(unit[pos]) != normalize_unit(written):
        return (f"单元格中的单位 {written} 与本行单位 {unit[pos]} 不一致，请换算或更正单位列 / "
                f"the number in the row's unit {unit[pos]} (the cell says {written}: convert it, "
                "or correct the unit column)")
    return ""


def percent_in_cell(unit: str) -> str:
    """A number written with ``%`` in a row whose unit is not a percentage (``12%`` in 批次):
    what is wrong, or ``""`` (a ``%`` row, or no unit given)."""
    if not unit or is_percent(unit):
        return ""
    return (f"单元格中的 % 与本行单位 {unit} 不一致 / a number in the row's unit {unit}, not a percentage "
            f"(the cell says %): write the number alone, or correct the unit column")


def is_count(unit, name="", indicator="") -> bool:
    """Whether an indicator counts things (批次, 户, 件/万人 ...) and so is never negative: not when
    its name says it is a change or a net figure (净增, 增加, 变化 ...)."""
    scale = unit_scale(unit)
    if scale is None or scale[1].split("/")[0] not in COUNT_UNITS:
        return False
    text = to_simplified(unicodedata.normalize("NFKC", f"{name or ''} {indicator or ''}")).lower()
    return not any(w in text for w in CHANGE_WORDS + _NET_WORDS)


def _num(v) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{float(v):g}"


_NOTATION = {"cumulative": "〔{}〕", "increment": "〈{}〉"}


def target_text(direction, kind, value) -> str:
    """A target as a plan writes it: ``≥〔3.12〕``, ``≤2``."""
    sign = {">=": "≥", "<=": "≤"}.get(direction, "")
    return sign + _NOTATION.get(kind, "{}").format(_num(value))


def _warn(message: str, problems=(), stacklevel: int = 3) -> None:
    warnings.warn(InconsistentDataWarning(message, problems), stacklevel=stacklevel)


def _label(region, indicator, name=None) -> str:
    text = f"{region}/{indicator}"
    if name and str(name) != str(indicator):
        text += f" ({name})"
    return text


# ----------------------------------------------------------------------------- plan
PLAN_FIELDS = ("target", "direction", "kind", "baseline", "baseline_year", "unit", "attribute",
                "name", "lower", "upper")
_FIELD_COLUMN = {"direction": "target", "kind": "target"}


def same_cell(a, b) -> bool:
    """Whether two plan cells as read are the same (both missing, equal numbers, equal text)."""
    a_na = a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a))
    b_na = b is None or b is pd.NA or (isinstance(b, float) and math.isnan(b))
    if a_na or b_na:
        return a_na and b_na
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0)
    return str(a) == str(b)


def check_plan(plan: pd.DataFrame, raw: pd.DataFrame, problems, *, warn: bool = True) -> np.ndarray:
    """Checks across the rows of a plan just read (:func:`mstarget.plan.read_plan`).

    Adds to ``problems`` (a :class:`mstarget.validation.Problems`) every plan row repeating an
    earlier one (same region, indicator and target year) with another target, baseline, unit or
    attribute, and every negative count; warns (unless ``warn`` is false: a plan read before)
    about exact repeats and 〈〉 baselines that are not zero. Returns the positions of the rows to
    keep (exact repeats dropped).
    """
    keep = np.ones(len(plan), dtype=bool)
    cells = {c: raw[c].to_numpy(dtype=object) for c in raw.columns if isinstance(c, str)}

    def text(col, pos, fallback):
        return str(cells[col][pos]) if col in cells else fallback

    keys = list(zip(plan["region"], plan["indicator"], plan["target_year"]))
    first: dict = {}
    for pos, key in enumerate(keys):
        if key not in first:
            first[key] = pos
            continue
        p0 = first[key]
        differ = [f for f in PLAN_FIELDS if not same_cell(plan[f].iat[pos], plan[f].iat[p0])]
        r0, r = problems.row_of(p0), problems.row_of(pos)
        what = _label(key[0], key[1], plan["name"].iat[pos])
        if not differ:
            keep[pos] = False
            if warn:
                _warn(f"{problems.source}, row {r}: 重复的规划行，与第 {r0} 行完全相同，只保留一行 "
                      f"(an exact repeat of row {r0}: {what}, {key[2]} target "
                      f"{target_text(plan['direction'].iat[pos], plan['kind'].iat[pos], plan['target'].iat[pos])}"
                      "; kept once)", [Problem(problems.source, r, None, None, f"repeats row {r0}")], 4)
            continue
        field = differ[0]
        column = _FIELD_COLUMN.get(field, field)
        if field in ("target", "direction", "kind"):
            this = target_text(plan["direction"].iat[pos], plan["kind"].iat[pos], plan["target"].iat[pos])
            that = target_text(plan["direction"].iat[p0], plan["kind"].iat[p0], plan["target"].iat[p0])
        else:
            this, that = _num_or_text(plan[field].iat[pos]), _num_or_text(plan[field].iat[p0])
        groups = [str(plan["group"].iat[k]).strip() if "group" in plan.columns else "" for k in (p0, pos)]
        if all(groups) and groups[0] != groups[1]:  # 食品安全 / 抽检合格率 and 药品安全 / 抽检合格率
            fix_zh = (f"两行分属“{groups[0]}”与“{groups[1]}”，若是两项不同指标，请在指标名称中加以区分"
                      f"（如“{_bare_group(groups[1])}{plan['name'].iat[pos]}”），否则删除其中一行")
            fix_en = (f"the rows are under '{groups[0]}' and '{groups[1]}': if they are two indicators, name "
                      "them apart in the name column (the history must name them the same way); else keep one")
        else:
            fix_zh, fix_en = "删除其中一行，或改正指标/目标年", "keep one of the two rows"
        problems.cell(pos, column, text(column, pos, this),
                      f"同一指标同一目标年只能有一行：{what} 的 {key[2]} 年目标已在第 {r0} 行给出 "
                      f"({problems.column_of(column)} {that})，此行为 {this}；{fix_zh} "
                      f"(one row per region, indicator and target year: row {r0} already gives "
                      f"{that} for {what} in {key[2]}; {fix_en})")
    _plan_counts(plan, problems, text)
    if warn:
        _increment_baselines(plan, problems, text, keep)
        _far_targets(plan, problems, text, keep)
    return np.flatnonzero(keep)


def _bare_group(group: str) -> str:
    """A category without its ordinal: ``二、药品安全`` -> ``药品安全``."""
    return re.sub(r"^([(（]?[一二三四五六七八九十\d]+[)）]?[、.．\s]*)", "", group)


def _num_or_text(v) -> str:
    if isinstance(v, (int, float, np.number)) and not isinstance(v, bool):
        return _num(v)
    return "-" if v is None or v is pd.NA else str(v)


def _plan_counts(plan: pd.DataFrame, problems, text) -> None:
    for column in ("baseline", "target"):
        v = plan[column].to_numpy(dtype=float)
        neg = np.flatnonzero(~np.isnan(v) & (v < 0) & plan["lower"].isna().to_numpy())
        for pos in neg:
            unit = plan["unit"].iat[pos]
            if is_count(unit, plan["name"].iat[pos], plan["indicator"].iat[pos]):
                problems.cell(pos, column, text(column, pos, _num(v[pos])),
                              f"计数（{unit}）不能为负数 (a count in {unit} is never negative); if this "
                              "indicator is a net change, say so in its name (净增, 增加 ...) or give "
                              "a 'lower' column")


def _increment_baselines(plan: pd.DataFrame, problems, text, keep) -> None:
    """Say that a 〈〉 row's baseline (the previous period's additions) is not used: one warning for the plan,
    its rows named (the first :data:`INCREMENT_ROWS_SHOWN`) -- a province's 184 such rows are one line, not 184."""
    v = plan["baseline"].to_numpy(dtype=float)
    # a row whose figures the plan says are stocks (口径 存量): its baseline is the stock its additions count from
    stock = np.array([m == "stock" for m in plan["measure"]], dtype=bool) if "measure" in plan.columns else False
    found = np.flatnonzero(keep & (plan["kind"] == "increment").to_numpy() & ~np.isnan(v) & (v != 0) & ~stock)
    if not len(found):
        return
    column = problems.column_of("baseline")
    # 持续提升 on a 〈〉 row: its target is the baseline, the previous period's additions -- used, said so
    written = (plan["target_written"].fillna("").astype(str).to_numpy() if "target_written" in plan.columns
               else np.full(len(plan), "", dtype=object))
    taken = (written[found] != "") & (plan["target"].to_numpy(dtype=float)[found] == v[found])
    for pos in found[taken]:
        _baseline_as_target(plan, problems, text, column, pos, written[pos])
    found = found[~taken]
    if not len(found):
        return
    rows = [problems.row_of(pos) for pos in found]
    listed = [Problem(problems.source, r, column, _num(v[pos]), "not used") for pos, r in zip(found, rows)]
    if len(found) == 1:
        pos, r = found[0], rows[0]
        by = plan["baseline_year"].iat[pos]
        since = "" if pd.isna(by) else f" from {int(by) + 1}"
        flag = plan[PENDING_COLUMN].iat[pos] if PENDING_COLUMN in plan.columns else False
        pending = isinstance(flag, (bool, np.bool_)) and bool(flag)  # 待定: no figure yet
        aim = (f"'{written[pos] or '待定'}' target, not set yet, will count" if pending else
               f"{target_text(plan['direction'].iat[pos], 'increment', plan['target'].iat[pos])} target counts")
        _warn(f"{problems.source}, row {r}, column '{column}': "
              f"{text('baseline', pos, _num(v[pos]))!r}: 〈〉基期值是上一规划期的新增数，不参与本期评估{STOCK_ASIDE_ZH} "
              f"(an increment baseline is the previous period's additions and is not used: the "
              f"{aim} additions{since}{STOCK_ASIDE_EN}; "
              f"{_label(plan['region'].iat[pos], plan['indicator'].iat[pos])})",
              listed, 5)
        return
    n_ind = len(pd.unique(plan["indicator"].iloc[found]))
    shown = "; ".join(f"row {r} {text('baseline', pos, _num(v[pos]))!r} "
                      f"({_label(plan['region'].iat[pos], plan['indicator'].iat[pos])})"
                      for pos, r in zip(found[:INCREMENT_ROWS_SHOWN], rows))
    more = f" and {len(found) - INCREMENT_ROWS_SHOWN} more" if len(found) > INCREMENT_ROWS_SHOWN else ""
    _warn(f"{problems.source}, column '{column}': {len(found)} 行〈〉指标（{n_ind} 项）的基期值是上一规划期的新增数，"
          f"不参与本期评估{STOCK_ASIDE_ZH} ({len(found)} rows of {n_ind} increment indicator{'s' if n_ind > 1 else ''}: "
          f"an increment baseline is the previous period's additions and is not used, the 〈〉 target counts the "
          f"additions after the baseline year{STOCK_ASIDE_EN}; {shown}{more})", listed, 5)


def _baseline_as_target(plan: pd.DataFrame, problems, text, column: str, pos: int, written: str) -> None:
    """Say how a 〈〉 row whose target words take the baseline (持续提升: ≥ the previous period's additions 〈6.6〉)
    was read: the baseline used as the target's figure, the additions counted from the year after the base year."""
    v = float(plan["baseline"].iat[pos])
    by = plan["baseline_year"].iat[pos]
    since, since_zh = ("", "") if pd.isna(by) else (f" from {int(by) + 1}", f"，自{int(by) + 1}年起计")
    figure = target_text(plan["direction"].iat[pos], "increment", v)
    r = problems.row_of(pos)
    _warn(f"{problems.source}, row {r}, column '{column}': {text('baseline', pos, _num(v))!r}: 〈〉基期值是上一规划期的"
          f"新增数，目标“{written}”按不低于该新增数读取（{figure}{since_zh}）{STOCK_ASIDE_ZH} (an increment baseline is "
          f"the previous period's additions: the target '{written}' is read as at least as many additions again, "
          f"{figure}, counted{since}{STOCK_ASIDE_EN}; write the figure (≥〈x〉) for another target; "
          f"{_label(plan['region'].iat[pos], plan['indicator'].iat[pos])})",
          [Problem(problems.source, r, column, _num(v), f"the target's figure, {figure}")], 5)


#: read_plan's column marking a target not set yet (待定; :data:`mstarget.plan.PENDING_COLUMN`)
PENDING_COLUMN = "target_pending"

#: said of every 〈〉 baseline left unused: read before the history, the plan cannot tell whether the history will be
#: year-end stocks, whose additions count from the baseline year's level (``mstarget.counting.read_as_stocks``)
STOCK_ASIDE_ZH = "（历史数据为年末存量时，新增数按年末数减基期年末数计算）"
STOCK_ASIDE_EN = ("; where the history gives year-end stocks instead, the additions are counted from the baseline "
                  "year's level")

#: the rows of 〈〉 baselines a warning names (:func:`_increment_baselines`); the rest are counted
INCREMENT_ROWS_SHOWN = 5


def _far_targets(plan: pd.DataFrame, problems, text, keep) -> None:
    """Warn of a target far from its baseline: on the wrong side of it by ``TARGET_FACTOR`` or more
    (``≥9.9`` against 98: met before the plan began), or beyond it by ``TARGET_FAR``
    times or more for figures other than ``%`` shares (``〔31.2〕`` against 1.89: 3.12 with a slipped
    decimal point?)."""
    b = plan["baseline"].to_numpy(dtype=float)
    t = plan["target"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = t / b
    cand = keep & (plan["kind"] != "increment").to_numpy() & (b > 0) & (t > 0) & \
        ((ratio >= TARGET_FACTOR) | (ratio <= 1 / TARGET_FACTOR))
    for pos in np.flatnonzero(cand):
        d, r = plan["direction"].iat[pos], float(ratio[pos])
        wrong_side = (d == ">=" and r < 1) or (d == "<=" and r > 1)
        share = percent_kind(plan["unit"].iat[pos], plan["name"].iat[pos], plan["indicator"].iat[pos]) == "share"
        if not wrong_side and (share or max(r, 1 / r) < TARGET_FAR):
            continue
        row, column = problems.row_of(pos), problems.column_of("target")
        target = target_text(d, plan["kind"].iat[pos], t[pos])
        zh, en = _ratio_words(r, ",.1f")
        side = ("met at the baseline already" if wrong_side else "far beyond it")
        _warn(f"{problems.source}, row {row}, column '{column}': {text('target', pos, target)!r}: "
              f"目标值为基期值 {_num(b[pos])} 的{zh}，请核对是否小数点或单位录错 (the target is {en}"
              f" the baseline {_num(b[pos])} of {_label(plan['region'].iat[pos], plan['indicator'].iat[pos])}"
              f", {side}: a misplaced decimal point or another unit? used as written)",
              [Problem(problems.source, row, column, target, f"a target near the baseline {_num(b[pos])}")], 5)


# ----------------------------------------------------------------------------- history
def check_history(frame: pd.DataFrame, raw: pd.DataFrame, value_column, problems) -> list:
    """Checks across the rows of a history being read (:func:`mstarget.history.read_history`):
    one unit per series, negative counts (a warning). ``frame`` has ``region, indicator, name, unit, year,
    value`` (and ``lower`` if declared) at the positions of ``raw``; ``value_column(pos)`` is the header a value
    was read from. Adds to ``problems`` a row in another unit than its series' commonest that no factor turns
    into it (批次 among 次); returns the rows one does, ``[(row, factor, unit, written unit)]`` (万批次 among
    批次: x10,000), for the reader to convert and say. Linear in the rows: only series with two units are looked
    at one by one."""
    units = map_unique(frame["unit"], normalize_unit)
    given = np.flatnonzero(units != "")
    converted: list = []
    if given.size:
        sub = pd.DataFrame({"s": series_codes(frame)[given], "u": units[given], "pos": given})
        n_units = sub.drop_duplicates(["s", "u"]).groupby("s").size()
        mixed = sub[sub["s"].isin(n_units.index[n_units.to_numpy() > 1])]
        for _, g in mixed.groupby("s", sort=False):
            converted += _mixed_units(frame, raw, g, problems)
    _history_counts(frame, raw, value_column, problems)
    return converted


def _mixed_units(frame, raw, g: pd.DataFrame, problems) -> list:
    """The rows of series ``g`` (columns ``s, u, pos``: series code, unit, row) in another magnitude of its commonest
    unit, ``[(row, factor, unit, written unit)]``; one problem per row in a unit no factor converts."""
    unit_col = "unit" if "unit" in raw.columns else "name" if "name" in raw.columns else "indicator"
    counts = g["u"].value_counts(sort=False)
    ref = counts.index[int(np.argmax(counts.to_numpy()))]  # the commonest, the first on ties
    ref_pos = g["pos"][g["u"] == ref].to_numpy()
    ref_unit = frame["unit"].iat[ref_pos[0]]
    others = f" and {len(ref_pos) - 1} more" if len(ref_pos) > 1 else ""
    first = int(g["pos"].iat[0])
    region, indicator = frame["region"].iat[first], frame["indicator"].iat[first]
    values = frame["value"].to_numpy(dtype=float)
    level = values[ref_pos][np.isfinite(values[ref_pos]) & (values[ref_pos] > 0)]
    level = float(np.median(level)) if level.size else math.nan
    out = []
    for pos, u in zip(g["pos"], g["u"]):
        if u == ref:
            continue
        unit = frame["unit"].iat[pos]
        factor = unit_factor(unit, ref_unit)
        # 0.001 万批次 among 9, 10 批次: converted (10); 88 ‰ among 81-86 %: the label is wrong, refused below
        if factor is not None and converted_nearer(values[pos], factor, level):
            out.append((int(pos), factor, ref_unit, unit))
            continue
        conv = conversion(ref_unit, unit)
        conv = f"; {conv}" if conv else ""
        cell = raw[unit_col].iat[pos] if unit_col in raw.columns else unit
        problems.cell(pos, unit_col, cell,
                      f"同一指标的历史数据须使用同一单位 (one unit per series): "
                      f"{_label(region, indicator)} is in {ref_unit} in row "
                      f"{problems.row_of(ref_pos[0])}{others} but in {unit} here{conv}; "
                      f"convert this row's value to {ref_unit} and write {ref_unit}")
    return out


def _history_counts(frame, raw, value_column, problems) -> None:
    """Negative counts: a warning here (a panel of thousands of series is not refused for one bad
    cell in a series nobody assesses); :func:`check_against_plan` refuses them where used."""
    v = frame["value"].to_numpy(dtype=float)
    lower = frame["lower"].to_numpy(dtype=float) if "lower" in frame.columns else np.full(len(v), np.nan)
    with np.errstate(invalid="ignore"):
        neg = np.flatnonzero(~np.isnan(v) & (v < 0) & np.isnan(lower))
    if not neg.size:
        return
    cells = raw["value"].to_numpy(dtype=object)
    counts, found = {}, []
    for pos in neg:
        key = (frame["unit"].iat[pos], frame["name"].iat[pos], frame["indicator"].iat[pos])
        if key not in counts:
            counts[key] = is_count(*key)
        if counts[key]:
            found.append(Problem(problems.source, problems.row_of(pos),
                                 problems.column_of(value_column(pos)), str(cells[pos]),
                                 f"a count in {key[0]} >= 0"))
    if found:
        shown = "; ".join(f"row {p.row}, column '{p.column}': {p.value!r}" for p in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        _warn(f"{problems.source}: {len(found)} 个计数值为负数，请核对 ({len(found)} negative count(s) "
              f"-- {shown}{more}; a count (批次, 户, 件 ...) is never negative: an assessment against "
              "a plan refuses them; a net change says so in its name (净增, 增加 ...) or declares a "
              "'lower' column)", found, 5)


def warn_history(history: pd.DataFrame, *, today: _dt.date | None = None) -> None:
    """Warnings on a history just read (sorted by region, indicator, year): observations dated
    after the current year, figures of the current year (not over) marked neither preliminary nor as part of the
    year, and ``%`` shares jumping about 100 times between two years. ``today``: the date (default the calendar's).

    Raises
    ------
    DataValidationError
        A ``%`` share written as a ratio 0-1 among its own percentages (98, 98.3, 98.5, 0.988:
        :func:`fractions_among_percentages`), naming the cell and the figure meant (98.8)."""
    sheet = sheet_of(history)
    src = sheet.source if sheet else "<DataFrame>"

    def row(pos) -> int:
        return int(sheet.rows[pos]) if sheet else int(pos) + 2

    def where(pos) -> str:  # a workbook of one indicator per sheet: the row's sheet
        return sheet.source_of(pos) if sheet else src

    _refuse_fractions(history, where, row, sheet)  # before any warning: a refused table says only why
    year_now = (today or _dt.date.today()).year
    years = history["year"].to_numpy()
    late = np.flatnonzero(years > year_now)
    if late.size:
        shown = ", ".join(f"row {row(p)} ({history['region'].iat[p]}/{history['indicator'].iat[p]} "
                          f"{int(years[p])})" for p in late[:5])
        more = f" and {late.size - 5} more" if late.size > 5 else ""
        _warn(f"{src}: {late.size} 个观测值的年份晚于今年 {year_now}，请检查是否录入错误 "
              f"({late.size} observation(s) dated after this year {year_now}: {shown}{more}; a typo? "
              "they are used as written -- pass as_of / --as-of to leave them out)",
              [Problem(where(p), row(p), "year", str(int(years[p])), f"a year up to {year_now}") for p in late], 4)
    _year_not_over(history, years, year_now, src, where, row)
    _percent_jumps(history, where, row)
    _spikes(history, where, row)
    _level_shifts(history, where, row)


#: words of a name whose yearly figure is a flow of the year (新增, 融资金额, 受理 ...): a figure of the year not over
#: is most likely its part so far
_FLOW_WORDS = ("新增", "金额", "融资", "受理", "办理", "查处", "立案", "罚没", "投诉", "举报", "当年", "本年")


def _year_not_over(history: pd.DataFrame, years: np.ndarray, year_now: int, src: str, where, row) -> None:
    """Warn of figures dated the current calendar year (``year_now``, a year not over) that are marked neither
    preliminary (快报 / 预计: the history's ``preliminary``) nor as a part of the year (2026年（1-10月）, which
    the reader leaves out): each is used as the whole year's figure. Rows of a yearly flow or count (``measure``
    flow, a count of incidents, a name saying 新增 / 金额 ...) are said to be most likely a part year."""
    now = years == year_now
    if "preliminary" in history.columns:
        now &= ~np.array([False if pd.isna(v) else bool(v) for v in history["preliminary"].tolist()], dtype=bool)
    found = np.flatnonzero(now)
    if not found.size:
        return
    measure = history["measure"] if "measure" in history.columns else None
    names = history["name"] if "name" in history.columns else history["indicator"]
    units = history["unit"] if "unit" in history.columns else None

    def flow(p) -> bool:
        name = " ".join(str(v) for v in (names.iat[p], history["indicator"].iat[p]) if isinstance(v, str))
        unit = units.iat[p] if units is not None else ""
        return (measure is not None and measure.iat[p] == "flow") or \
            counts_events(unit if isinstance(unit, str) else "", name) or any(w in name for w in _FLOW_WORDS)

    flows = [p for p in found if flow(p)]

    def shown(p) -> str:
        v = history["value"].iat[p]
        return f"row {row(p)} ({history['region'].iat[p]}/{history['indicator'].iat[p]} {year_now}: {_num(v)})"

    listed = ", ".join(shown(p) for p in found[:8]) + (f" and {found.size - 8} more" if found.size > 8 else "")
    part = (f"; {len(flows)} of them a yearly flow or count ({', '.join(shown(p) for p in flows[:5])}"
            f"{' ...' if len(flows) > 5 else ''}), most likely the months so far, not the year（当年新增/发生数多为"
            f"1-N月累计数）") if flows else ""
    _warn(f"{src}: {found.size} 个观测值为{year_now}年（年度未结束）数据且未标注快报、预计或1-N月，按全年数使用，请核对 "
          f"({found.size} figure(s) of {year_now}, a year not over, marked neither 快报 / 预计 nor as part of the year, "
          f"are used as the whole year's: {listed}{part}. Mark a part year in its year or header, "
          f"{year_now}年（1-10月） (left out, not read as the year), or write 预计 / 快报 after a whole-year "
          f"estimate, {year_now}年（预计） (used, marked preliminary))",
          [Problem(where(p), row(p), "year", str(year_now),
                   f"{year_now}年（1-N月） or {year_now}年（预计）: {year_now} is not over") for p in found], 5)


def series_codes(frame: pd.DataFrame) -> np.ndarray:
    """An integer per row of ``frame`` naming its (region, indicator) series (in order of first appearance),
    shape ``(len(frame),)``; read from the columns' codes, without a Python string per row (see
    :func:`series_breaks`)."""
    reg = pd.factorize(frame["region"], use_na_sentinel=False)[0].astype(np.int64)
    ind, uniq = pd.factorize(frame["indicator"], use_na_sentinel=False)
    return pd.factorize(reg * (len(uniq) + 1) + ind)[0]


def series_breaks(history: pd.DataFrame) -> np.ndarray:
    """``new``, shape ``(len(history),)``: ``new[k]`` when row ``k`` starts another (region, indicator) series
    than row ``k - 1`` (rows in series order). Read from the columns' integer codes: a pandas 3 text column
    holds no Python string per row, and making 951,312 of them per column in each check cost ~100 MB each."""
    new = np.ones(len(history), dtype=bool)
    if len(history) > 1:
        codes = series_codes(history)
        new[1:] = codes[1:] != codes[:-1]
    return new


def _spikes(history: pd.DataFrame, where, row) -> None:
    """Warn of a figure ``SPIKE_FACTOR`` times both neighbouring years' (or as many times smaller),
    the neighbours within 2x of each other: ``5, 5.3, 55, 5.8`` (a misplaced decimal point?)."""
    v = history["value"].to_numpy(dtype=float)
    if v.size < 3:
        return
    new = series_breaks(history)
    a, b, c = v[:-2], v[1:-1], v[2:]
    same = ~new[1:-1] & ~new[2:]
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.minimum(b / a, b / c)
        down = np.minimum(a / b, c / b)
        calm = np.maximum(a, c) / np.minimum(a, c) <= 2.0
        spike = same & (a > 0) & (b > 0) & (c > 0) & calm & ((up >= SPIKE_FACTOR) | (down >= SPIKE_FACTOR))
    found = np.flatnonzero(spike) + 1
    if not found.size:
        return
    problems = [Problem(where(p), row(p), "value", f"{v[p]:g}",
                        f"a figure near its neighbouring years' {v[p - 1]:g} and {v[p + 1]:g}") for p in found]
    shown = "; ".join(f"row {row(p)} ({history['region'].iat[p]}/{history['indicator'].iat[p]} "
                      f"{int(history['year'].iat[p])}: {v[p]:g} between "
                      f"{v[p - 1]:g} and {v[p + 1]:g})" for p in found[:5])
    more = f" and {found.size - 5} more" if found.size > 5 else ""
    _warn(f"{where(found[0])}: {found.size} 个数值与前后两年相差 {SPIKE_FACTOR:g} 倍以上，请核对是否小数点或单位录错 "
          f"({found.size} figure(s) {SPIKE_FACTOR:g} times or more off both neighbouring years: {shown}{more}; "
          "a misplaced decimal point or another unit? used as written)", problems, 5)


def level_shift(v: np.ndarray) -> tuple[int, float] | None:
    """``(position, ratio)`` of the one step of a series (values in year order) that moves it to
    another level -- the value at ``position`` is ``ratio`` times the one before it, ``ratio``
    at least :data:`SHIFT_FACTOR` (or at most its inverse), and the step is more than
    :data:`SHIFT_STEPS` times the median size of the series' other steps -- else ``None``.
    Missing values are skipped; fewer than :data:`SHIFT_MIN_STEPS` steps, a step from or to a value
    not above 0, or two such steps (a spike up and back, :func:`_spikes`): ``None``.

    >>> level_shift(np.array([3, 3, 40, 41.0]))
    (2, 13.333333333333334)
    >>> level_shift(np.array([3, 3, 40, 3, 3.0])) is None, level_shift(np.array([1, 2, 4, 8, 16.0])) is None
    (True, True)
    """
    v = np.asarray(v, dtype=float)
    pos = np.flatnonzero(np.isfinite(v))
    x = v[pos]
    if x.size < SHIFT_MIN_STEPS + 1:
        return None
    step = np.abs(np.diff(x))
    a, b = x[:-1], x[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((a > 0) & (b > 0), b / a, 1.0)
    found = []
    for k in np.flatnonzero((ratio >= SHIFT_FACTOR) | (ratio <= 1.0 / SHIFT_FACTOR)):
        if step[k] > SHIFT_STEPS * float(np.median(np.delete(step, k))):
            found.append(k)
    if len(found) != 1:
        return None
    return int(pos[found[0] + 1]), float(ratio[found[0]])


def shift_words(ratio: float) -> str:
    """``13倍`` / ``4.5倍``, or ``1/13``: how many times the year before a shifted figure is."""
    r = ratio if ratio >= 1 else 1.0 / ratio
    n = f"{r:.0f}" if r >= 10 else f"{r:.1f}".rstrip("0").rstrip(".")
    return f"{n}倍" if ratio >= 1 else f"1/{n}"


def shifted_steps(history: pd.DataFrame) -> list[tuple[int, int, float]]:
    """The series of ``history`` (rows grouped by region and indicator, years in order) moved to another level by
    one step (:func:`level_shift`): ``(row, row before, ratio)`` positions of each such step -- ``3, 3, 40, 41`` 家.
    Left alone: a rate of change (增长率, 百分点: its steps are no ratio of levels), incidents (1 -> 3 起 move
    by chance), a few units of a small count, a ratio 0-1 among percentages (:func:`_percent_jumps`)."""
    n = len(history)
    if n < SHIFT_MIN_STEPS + 1:
        return []
    v = history["value"].to_numpy(dtype=float)
    new = series_breaks(history)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)
    # only series with a step of SHIFT_FACTOR between consecutive reported figures are looked at
    a, b = v[:-1], v[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        big = ~new[1:] & (a > 0) & (b > 0) & ((b / a >= SHIFT_FACTOR) | (a / b >= SHIFT_FACTOR))
    # ... and series with a missing figure, whose step across it is not between consecutive rows
    look = np.concatenate([np.flatnonzero(big) + 1, np.flatnonzero(~np.isfinite(v))])
    if not look.size:
        return []
    candidates = np.unique(np.searchsorted(starts, look, side="right") - 1)
    ind = history["indicator"]
    names = history["name"] if "name" in history.columns else ind
    units = history["unit"] if "unit" in history.columns else None
    found = []
    for g in candidates:
        lo, hi = int(starts[g]), int(ends[g])
        shift = level_shift(v[lo:hi])
        if shift is None:
            continue
        text = [t if isinstance(t, str) else "" for t in (None if units is None else units.iat[lo], names.iat[lo],
                                                           ind.iat[lo])]
        kind = percent_kind(*text)
        if kind == "change" or (per_mille_kind(*text) or ("",))[0] == "change" or counts_events(*text):
            continue  # incidents a year (1 -> 3 起) move by chance
        k = lo + shift[0]
        before = lo + int(np.flatnonzero(np.isfinite(v[lo:k]))[-1])
        if abs(v[k] - v[before]) < SHIFT_MIN_UNITS * reporting_unit(v[lo:hi]):
            continue  # a few units of a small count (1 -> 3 个)
        small, large = sorted((abs(v[before]), abs(v[k])))
        if kind == "share" and small <= JUMP_RATIO_MAX and large >= JUMP_FACTOR * small:
            continue  # a ratio 0-1 among percentages: _percent_jumps says so
        found.append((k, before, shift[1]))
    return found


def _level_shifts(history: pd.DataFrame, where, row) -> None:
    """Warn of a series moved to another level by one step (:func:`shifted_steps`): ``3, 3, 40, 41``
    家 -- 2024年为2023年的13倍，是否口径变化？"""
    found = shifted_steps(history)
    if not found:
        return
    v = history["value"].to_numpy(dtype=float)
    reg, ind = history["region"], history["indicator"]
    names = history["name"] if "name" in history.columns else ind
    years = history["year"].to_numpy()
    problems = [Problem(where(k), row(k), "value", f"{v[k]:g}",
                        f"a figure on the level of {int(years[p])}'s {v[p]:g}, or a note that the "
                        "definition (口径) changed") for k, p, _ in found]
    shown = "; ".join(f"row {row(k)} ({_label(reg.iat[k], ind.iat[k], names.iat[k])}: {int(years[k])}年为{int(years[p])}年的"
                      f"{shift_words(r)}（{v[p]:g} → {v[k]:g}），是否口径变化？)" for k, p, r in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    _warn(f"{where(found[0][0])}: {len(found)} 个序列在某一年出现台阶式跳变（为上年的 {SHIFT_FACTOR:g} 倍以上，"
          f"远超其他年份的变化），请核对统计口径是否变化 ({len(found)} series moved to another level in one "
          f"year, the step {SHIFT_STEPS:g} times or more the other years': {shown}{more}; a change of "
          "definition? used as written; the forecast reads the trend from the other years' changes and keeps "
          "the step in its noise)", problems, 5)


def odd_one_out(v: np.ndarray) -> tuple[int, float] | None:
    """``(position, factor)`` of the figure of ``v`` at another magnitude than the rest of its series
    -- ``OUTLIER_FACTOR`` times their median or as many times smaller, the rest within
    ``OUTLIER_SPREAD`` of each other -- else ``None`` (fewer than 3 positive figures: never)."""
    pos = np.flatnonzero(np.isfinite(v) & (v > 0))
    if pos.size < 3:
        return None
    x = v[pos]
    for k in (int(np.argmax(x)), int(np.argmin(x))):
        rest = np.delete(x, k)
        if rest.max() / rest.min() > OUTLIER_SPREAD:
            continue
        factor = x[k] / float(np.median(rest))
        if factor >= OUTLIER_FACTOR or factor <= 1 / OUTLIER_FACTOR:
            return int(pos[k]), factor
    return None


def _share_rows(history: pd.DataFrame) -> np.ndarray:
    """Rows of ``history`` in a ``%`` share (:func:`mstarget.units.percent_kind`) without declared
    bounds, judged once per (unit, name, indicator) (linear in rows)."""
    names = history["name"] if "name" in history.columns else history["indicator"]
    columns = (history["unit"], names, history["indicator"])
    # one (unit, name, indicator) group per distinct combination, each judged once (linear in rows)
    group = np.zeros(len(history), dtype=np.int64)
    for col in columns:
        codes, uniq = pd.factorize(col, use_na_sentinel=False)
        group = group * (len(uniq) + 1) + codes
        group, _ = pd.factorize(group)  # renumbered: the product of the three never overflows
    n_groups = int(group.max()) + 1 if len(group) else 0
    first = np.empty(n_groups, dtype=np.int64)
    first[group[::-1]] = np.arange(len(group) - 1, -1, -1)  # each group's first row

    def text(col, pos):
        v = col.iat[pos]
        return "" if pd.isna(v) else str(v)

    kinds = np.array([percent_kind(*(text(col, pos) for col in columns)) == "share" for pos in first],
                     dtype=bool)
    share = kinds[group] if len(group) else np.zeros(0, dtype=bool)
    if "lower" in history.columns:
        share &= history["lower"].isna().to_numpy() & history["upper"].isna().to_numpy()
    return share


def fractions_among_percentages(v: np.ndarray) -> np.ndarray:
    """Positions of the figures of one ``%`` share series (values in year order) that are ratios 0-1
    written among its percentages: above 0 and at most 1, ``JUMP_FACTOR`` times or more below the
    median of the series' figures above 1, and, multiplied by 100, within the range of those figures
    widened by their spread (at least :data:`FRACTION_BAND` of their median: about 2 points at 98) --
    which must be at least two, as many as the fractions, within 1.5 times of each other and all at
    least :data:`FRACTION_MIN_LEVEL` (a share at 1-2 %, 0.03 among 1.2, 1.5, may truly be that small).
    Ambiguous series (0.5, 30, 60, 90: a share taking off; 2.1, 1.8, 1.5, 0.02) give none:
    :func:`_percent_jumps` warns of them.

    >>> fractions_among_percentages(np.array([98, 98.3, 98.5, 98.6, 0.988])).tolist()
    [4]
    >>> fractions_among_percentages(np.array([0.5, 30, 60, 90])).tolist()
    []
    >>> fractions_among_percentages(np.array([0.03, 1.2, 1.5, 1.6])).tolist()
    []
    """
    v = np.asarray(v, dtype=float)
    ok = np.isfinite(v)
    small = np.flatnonzero(ok & (v > 0) & (v <= 1.0))
    rest = v[ok & (v > 1.0)]
    if not small.size or rest.size < max(2, small.size):
        return np.zeros(0, dtype=np.int64)
    fits = among_percentages(rest, v[small] * 100.0) & (v[small] * JUMP_FACTOR <= float(np.median(rest)))
    return small[fits] if fits.all() else np.zeros(0, dtype=np.int64)


def among_percentages(others: np.ndarray, meant: np.ndarray) -> np.ndarray:
    """Whether each figure ``meant`` (a value x 100 for a fraction, / 100 for a lost decimal point) lies among a
    ``%`` share series' ``others``: at least two, within 1.5 times of each other, all at least
    :data:`FRACTION_MIN_LEVEL`, and ``meant`` within their range widened by their spread (at least
    :data:`FRACTION_BAND` of their median). The one rule of :func:`fractions_among_percentages` (0.988 among
    98-98.6) and of the reader's hint for 9880 among 98.x (:func:`mstarget.history.read_history`)."""
    others, meant = np.asarray(others, dtype=float), np.asarray(meant, dtype=float)
    if others.size < 2:
        return np.zeros(meant.shape, dtype=bool)
    lo, hi = float(others.min()), float(others.max())
    if hi > 1.5 * lo or lo < FRACTION_MIN_LEVEL:
        return np.zeros(meant.shape, dtype=bool)
    margin = max(hi - lo, FRACTION_BAND * float(np.median(others)))
    return (meant >= lo - margin) & (meant <= hi + margin)


def _refuse_fractions(history: pd.DataFrame, where, row, sheet) -> None:
    """Refuse the ``%`` shares with a ratio 0-1 among their percentages
    (:func:`fractions_among_percentages`): the report would read 98.6 -> 0.988 as a fall of 97 points."""
    if not len(history):
        return
    v = history["value"].to_numpy(dtype=float)
    maybe = (v > 0) & (v <= 1.0)  # only series with a figure 0-1 are looked at one by one
    if not maybe.any():
        return
    share = _share_rows(history)
    if not (share & maybe).any():
        return
    reg, ind = history["region"], history["indicator"]
    names = history["name"] if "name" in history.columns else ind
    years = history["year"].to_numpy()
    n = len(v)
    new = series_breaks(history)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)
    problems = []
    for g in np.unique(np.searchsorted(starts, np.flatnonzero(share & maybe), side="right") - 1):
        lo, hi = int(starts[g]), int(ends[g])
        found = fractions_among_percentages(v[lo:hi])
        if not found.size:
            continue
        others = np.delete(v[lo:hi], found)
        others = others[np.isfinite(others)]
        span = f"{others.min():g}–{others.max():g}"
        label = _label(reg.iat[lo], ind.iat[lo], names.iat[lo])
        for k in found + lo:
            x, meant = v[k], round(v[k] * 100.0, 10)
            column = sheet.column("value", k) if sheet else "value"
            problems.append(Problem(
                where(k), row(k), column, f"{x:g}",
                f"{meant:g}（{label} 以 % 为单位，其他年份为 {span}，{int(years[k])} 年的 {x:g} 应是把比例(0-1)"
                f"误作百分数，请改为 {meant:g}） (the percentage {meant:g}: {label} is in %, its other years "
                f"{span}; {x:g} looks like {meant:g} % written as a ratio 0-1 -- write {meant:g}; if it really "
                f"is {x:g} %, give the series 'lower' / 'upper' columns, 0 and 100)"))
    if problems:
        raise DataValidationError(problems, source=problems[0].source)


def _percent_jumps(history: pd.DataFrame, where, row) -> None:
    share = _share_rows(history)
    if not share.any():
        return
    v = history["value"].to_numpy(dtype=float)
    same = ~series_breaks(history)[1:]
    a, b = v[:-1], v[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        lo, hi = np.minimum(np.abs(a), np.abs(b)), np.maximum(np.abs(a), np.abs(b))
        jump = same & share[1:] & (lo > 0) & (lo <= JUMP_RATIO_MAX) & (hi / lo >= JUMP_FACTOR)
    reported = set()
    for k in np.flatnonzero(jump):
        key = (history["region"].iat[k], history["indicator"].iat[k])
        if key in reported:
            continue
        reported.add(key)
        ya, yb = int(history["year"].iat[k]), int(history["year"].iat[k + 1])
        small = a[k] if abs(a[k]) < abs(b[k]) else b[k]
        src = where(k)
        rows = f"row {row(k)}" if row(k) == row(k + 1) else f"rows {row(k)} and {row(k + 1)}"  # years across
        _warn(f"{src}, {rows}: {_label(*key)} 以 % 为单位，但 {ya} 年为 "
              f"{a[k]:g}、{yb} 年为 {b[k]:g}，相差约 {hi[k] / lo[k]:.0f} 倍：是否把比例(0-1)与百分数混用？"
              f"(a % share jumping about {hi[k] / lo[k]:.0f} times between {ya} and {yb}: if {small:g} "
              f"means {small * 100:g} %, write it as a percentage; the values are used as written)",
              [Problem(src, row(k), "value", f"{a[k]:g}", "a percentage 0-100"),
               Problem(src, row(k + 1), "value", f"{b[k]:g}", "a percentage 0-100")], 4)


# ----------------------------------------------------------------------------- plan against history
def unit_conversions(plan: pd.DataFrame, history: pd.DataFrame, pairs: dict) -> dict:
    """``{(region, plan indicator): (factor, plan unit, history unit)}`` of the matched series written in another
    magnitude of the plan's unit (户 against 万户, 万元 against 亿元, 件/千人 against 件/万人, ‰ against %): the history's
    figures times ``factor`` are in the plan's unit. Only where the unit is borne out by the figures -- converted,
    the series' median lies nearer the plan's scale (the larger of baseline and target) than as written; a history
    labelled 户 whose figures are in 万户 (1.89 against the plan's 1.89) is left to :func:`check_against_plan`,
    which refuses it with the conversion. A plan row without baseline or target converts as the units say."""
    if not pairs or "unit" not in history.columns or "unit" not in plan.columns or history.empty:
        return {}
    hunit = history["unit"].fillna("").astype(str).str.strip()
    written = history.loc[(hunit != "").to_numpy(), ["region", "indicator"]].assign(unit=hunit[hunit != ""])
    written = written.drop_duplicates(["region", "indicator"])
    unit_of = dict(zip(zip(written["region"], written["indicator"]), written["unit"]))
    if not unit_of:
        return {}
    factors: dict = {}
    found = {}
    for region, ind, unit, base, target in zip(column_cells(plan["region"]), column_cells(plan["indicator"]),
                                              plan["unit"].fillna("").astype(str).tolist(),
                                              plan["baseline"].to_numpy(dtype=float) if "baseline" in plan else
                                              np.full(len(plan), np.nan),
                                              plan["target"].to_numpy(dtype=float)):
        hind = pairs.get((region, ind))
        hu = unit_of.get((region, hind), "") if hind is not None else ""
        if not hu or not unit.strip() or hu == unit:
            continue
        if (hu, unit) not in factors:
            factors[(hu, unit)] = unit_factor(hu, unit)
        if factors[(hu, unit)] is not None:
            scale = max((abs(x) for x in (base, target) if x == x), default=math.nan)  # no All-NaN warning
            found[(region, ind)] = (factors[(hu, unit)], unit, hu, hind, scale)
    if not found:
        return {}
    series = history[history["indicator"].isin({v[3] for v in found.values()})]
    values = series.groupby(["region", "indicator"], sort=False)["value"].agg(
        lambda v: float(np.median(np.abs(v[np.isfinite(v) & (v != 0)]))) if (np.isfinite(v) & (v != 0)).any()
        else np.nan)
    out = {}
    for key, (factor, unit, hu, hind, scale) in found.items():
        if converted_nearer(values.get((key[0], hind), np.nan), factor, scale):
            out[key] = (factor, unit, hu)  # else the figures are in the plan's magnitude already: the label is wrong
    return out


def scaled(values: np.ndarray, factor) -> np.ndarray:
    """``values * factor`` to 12 significant digits: 18900 户 is 1.89 万户, not 1.8900000000000001."""
    out = np.asarray(values, dtype=float) * factor
    return np.array([float(f"{v:.12g}") if np.isfinite(v) else v for v in out], dtype=float)


def rescaled_rows(frame: pd.DataFrame, rows, factor, unit) -> pd.DataFrame:
    """A copy of a history ``frame`` whose ``rows`` (positions) are put in another unit: ``value`` (and declared
    ``lower`` / ``upper``) times ``factor`` (:func:`scaled`), ``unit`` set to ``unit`` (one per row)."""
    out = frame.copy()
    rows = np.asarray(rows, dtype=np.int64)
    factor = np.asarray(factor, dtype=float)
    for col in ("value", "lower", "upper"):
        if col in out.columns:
            column = out[col].to_numpy(dtype=float, copy=True)
            column[rows] = scaled(column[rows], factor)
            out[col] = column
    units = out["unit"].astype(object).to_numpy(copy=True)
    units[rows] = list(unit)
    out["unit"] = units
    return out


def convert_units(history: pd.DataFrame, conversions: dict) -> pd.DataFrame:
    """A copy of ``history`` with the series of ``conversions`` (``{(region, indicator): (factor, unit, …)}``,
    :func:`unit_conversions`, keyed as this history names them) in the plan's unit: ``value`` (and ``lower`` /
    ``upper``) times the factor, ``unit`` the plan's. Rows keep their positions (messages still name the file's
    rows)."""
    if not conversions:
        return history
    keys = list(zip(column_cells(history["region"]), column_cells(history["indicator"])))
    rows = np.array([k in conversions for k in keys], dtype=bool)
    out = rescaled_rows(history, np.flatnonzero(rows), [conversions[k][0] for k, h in zip(keys, rows) if h],
                        [conversions[k][1] for k, h in zip(keys, rows) if h])
    sheet = sheet_of(history)
    if sheet is not None:  # the same rows: later messages still name the file's cells
        remember(out, sheet)
    return out


def say_conversions(conversions: dict, plan: pd.DataFrame, history: pd.DataFrame, pairs: dict) -> None:
    """One :class:`~mstarget.exceptions.InconsistentDataWarning` naming the series :func:`convert_units` put in the
    plan's unit (户 -> 万户), with the history's unit cell of each (file, row, column)."""
    names = dict(zip(zip(column_cells(plan["region"]), column_cells(plan["indicator"])),
                     column_cells(plan["name"]) if "name" in plan.columns else column_cells(plan["indicator"])))
    hsheet = sheet_of(history)
    first = history.reset_index(drop=True).groupby(["region", "indicator"], sort=False).head(1)
    first_at = dict(zip(zip(first["region"], first["indicator"]), first.index))
    said, problems = [], []
    for (region, ind), (factor, unit, written) in conversions.items():
        text = f"{region}/{names.get((region, ind), ind)}: {written} -> {unit} (x{_factor_word(factor)})"
        said.append(text)
        pos = first_at.get((region, pairs.get((region, ind))))
        if pos is not None:
            problems.append(Problem(hsheet.source_of(pos) if hsheet else "<DataFrame>",
                                    int(hsheet.rows[pos]) if hsheet else int(pos) + 2,
                                    hsheet.column("unit", pos) if hsheet else "unit", written,
                                    f"the plan's unit {unit}: converted"))
    more = f" ... and {len(said) - 10} more" if len(said) > 10 else ""
    _warn("历史数据单位与规划单位不同，已按规划单位换算 (the history is in another magnitude of the plan's unit; its "
          f"figures were converted to the plan's unit): {'; '.join(said[:10])}{more}. If a unit label is wrong "
          "instead, correct the label", problems, 4)


def _factor_word(f: float) -> str:
    return f"{f:.6g}" if f >= 1 else f"1/{1 / f:.6g}"


def check_against_plan(plan: pd.DataFrame, history: pd.DataFrame, pairs: dict,
                       as_of: int | None = None) -> None:
    """Where plan and history meet (:func:`mstarget.assess.assess`, after matching).

    Parameters
    ----------
    plan : DataFrame
        As read by :func:`mstarget.plan.read_plan`.
    history : DataFrame
        As read by :func:`mstarget.history.read_history` (before matching relabels it).
    pairs : dict
        ``(region, plan indicator) -> history indicator`` of the matched series
        (:attr:`mstarget.matching.Match.pairs`).
    as_of : int, optional
        Only observations up to this year are compared (those the assessment uses).

    Raises
    ------
    DataValidationError
        History and plan in one unit at two magnitudes (万元 / 亿元), history figures about
        1,000 times the plan's (or ratios 0-1 against a plan in %), negative counts.

    Each matched row is checked in turn: units (:func:`_units_problem`), negative counts (:func:`_negative_counts`),
    magnitudes (:func:`_magnitude_problem`), the baseline year's figure (:func:`_warn_baseline_differs`).
    """
    if not pairs or history is None or history.empty:
        return
    at = _PlanAndHistory(plan, history, as_of)
    errors: list[Problem] = []
    unit_kinds: dict = {}
    same_unit: dict = {}
    # rows that pass every check below are found a column at a time; only the others are
    # looked at one by one (a country's plan: 100,000 rows, a handful of them suspect)
    suspect = _rows_to_check(plan, history, pairs, at.use)
    for pos, r in zip(suspect, records(plan.iloc[suspect])):
        pos = int(pos)
        hind = pairs.get((r.region, r.indicator))
        if hind is None or (r.region, hind) not in at.groups:
            continue
        hpos = np.asarray(at.groups[(r.region, hind)])
        hpos = hpos[at.use[hpos]]
        if not hpos.size:
            continue
        what = _label(r.region, r.indicator, r.name)
        hist_unit = next((u for u in at.hunits[hpos] if u.strip()), "") if at.hunits is not None else ""
        unit = r.unit or hist_unit
        # 1. units of one kind at two magnitudes (万元 / 亿元); other differences: a warning
        same = same_unit.get((hist_unit, r.unit))
        if same is None and hist_unit and r.unit:
            same = same_unit[(hist_unit, r.unit)] = normalize_unit(hist_unit) == normalize_unit(r.unit)
        if hist_unit and r.unit and not same:
            problem = _units_problem(at, r, pos, hpos, hist_unit, what)
            if problem:
                errors.append(problem)
                continue
        v = at.values[hpos]
        # 2. counts are never negative (a history without units takes the plan's)
        kinds = unit_kinds.get((unit, r.name, r.indicator))
        if kinds is None:  # a unit and name decided once (plans repeat them across regions)
            pk = percent_kind(r.unit, r.name, r.indicator)
            kinds = unit_kinds[(unit, r.name, r.indicator)] = (is_count(unit, r.name, r.indicator), pk == "share",
                                                                 pk == "change")
        counted, share, change = kinds
        if counted and pd.isna(r.lower):
            errors += _negative_counts(at, pos, hpos, v, unit)
        # 3. magnitudes: history about 1,000 times the plan (or a ratio against a %), or one figure of the series
        problem = _magnitude_problem(at, r, pos, hpos, v, unit, what, share, change)
        if problem:
            errors.append(problem)
            continue
        # 4. the history's baseline-year value against the plan's baseline
        if r.kind != "increment" and not pd.isna(r.baseline) and not pd.isna(r.baseline_year):
            _warn_baseline_differs(at, r, pos, hpos, what)
    if errors:
        raise DataValidationError(errors, source=at.hsrc)


class _PlanAndHistory:
    """The plan and the history :func:`check_against_plan` compares, with where their rows and cells are written (a
    sheet's row and header, or a frame's position) for messages, and the history's columns as arrays."""

    def __init__(self, plan: pd.DataFrame, history: pd.DataFrame, as_of: int | None):
        self.psheet, self.hsheet = sheet_of(plan), sheet_of(history)
        self.psrc = self.psheet.source if self.psheet else "<DataFrame>"
        self.hsrc = self.hsheet.source if self.hsheet else "<DataFrame>"
        self.years = history["year"].to_numpy()
        self.values = history["value"].to_numpy(dtype=float)
        self.use = np.isfinite(self.values) & ((self.years <= as_of) if as_of is not None else True)
        self.groups = history.groupby(["region", "indicator"], sort=False).indices
        self.hunits = history["unit"].fillna("").astype(str).to_numpy() if "unit" in history.columns else None
        self.measure = history["measure"].to_numpy(dtype=object) if "measure" in history.columns else None
        self.hbounds = ((_column(history, "lower"), _column(history, "upper"))
                        if {"lower", "upper"} & set(history.columns) else None)

    def prow(self, pos) -> int:
        return int(self.psheet.rows[pos]) if self.psheet else int(pos) + 2

    def hrow(self, pos) -> int:
        return int(self.hsheet.rows[pos]) if self.hsheet else int(pos) + 2

    def hsrc_at(self, pos) -> str:  # a workbook of one indicator per sheet: the row's sheet
        return self.hsheet.source_of(pos) if self.hsheet else self.hsrc

    def hcol(self, name, pos):
        return self.hsheet.column(name, pos) if self.hsheet else name

    def pcol(self, name, pos=None):
        return self.psheet.column(name, pos) if self.psheet else name

    def plan_at(self, pos) -> str:
        return f"{self.psrc} row {self.prow(pos)}"


def _units_problem(at: _PlanAndHistory, r, pos: int, hpos: np.ndarray, hist_unit: str, what: str) -> Problem | None:
    """History and plan in units of one kind at two magnitudes (万元 / 亿元): the problem; units of other kinds: a
    warning (check they measure the same thing), None."""
    conv = conversion(r.unit, hist_unit)
    p0 = int(hpos[0])
    plan_at = at.plan_at(pos)
    if conv:
        return Problem(
            at.hsrc_at(p0), at.hrow(p0), at.hcol("unit", p0), hist_unit,
            f"历史数据单位 {hist_unit} 与规划单位 {r.unit} 不一致（{conv}）：请把 {what} 的历史数据换算为 "
            f"{r.unit} (the history is in {hist_unit}, the plan ({plan_at}) in {r.unit}; {conv}: "
            f"convert the history to {r.unit})")
    _warn(f"{at.hsrc_at(p0)}, row {at.hrow(p0)}, column '{at.hcol('unit', p0)}': {what} 的历史数据单位 {hist_unit} 与"
          f"规划单位 {r.unit} 不同，请确认口径一致 (the history is in {hist_unit}, the plan "
          f"({plan_at}) in {r.unit}: check they measure the same thing; used as they are)",
          [Problem(at.hsrc_at(p0), at.hrow(p0), "unit", hist_unit, f"the plan's unit {r.unit}")], 5)
    return None


def _negative_counts(at: _PlanAndHistory, pos: int, hpos: np.ndarray, v: np.ndarray, unit: str) -> list[Problem]:
    """A count (in the plan's unit, or the history's) is never negative: one problem per negative figure."""
    return [Problem(at.hsrc_at(p), at.hrow(p), at.hcol("value", p), f"{at.values[p]:g}",
                    f"计数（{unit}）不能为负数 (a count in {unit}, as the plan ({at.plan_at(pos)}) says, is never negative)")
            for p in hpos[v < 0]]


def _magnitude_problem(at: _PlanAndHistory, r, pos: int, hpos: np.ndarray, v: np.ndarray, unit: str, what: str,
                       share: bool, change: bool) -> Problem | None:
    """History figures about 1,000 times the plan's (or ratios 0-1 against a plan in %: :func:`_scale_problem`), or
    one figure at another magnitude than the rest of its series (户 among 万户: :func:`odd_one_out`); None when the
    sizes agree. A series declaring bounds, a rate of change or any series of both signs is not checked for one odd
    figure: its size says nothing of its unit."""
    # a rate of change or margin (增速 0.03 % in a year of 12-15 %), or any series of both signs, may stand near 0:
    # its size says nothing of its unit
    signed = change or bool((v[np.isfinite(v)] < 0).any())
    # bounds declared in the plan (other than a share's 0 / 100) or in the history (any)
    declared = _declares_bounds(r.lower, r.upper) or (at.hbounds is not None and bool(
        np.isfinite(at.hbounds[0][hpos]).any() or np.isfinite(at.hbounds[1][hpos]).any()))
    plan_at = at.plan_at(pos)

    def plan_text(r=r, what=what, plan_at=plan_at):  # written only for a message
        return (f"{what}: plan {plan_at}, target {target_text(r.direction, r.kind, r.target)}"
                + (f", baseline {_num(r.baseline)}" if not pd.isna(r.baseline) else "")
                + (f" {r.unit}" if r.unit else ""))

    problem = _scale_problem(r, v, at.measure[hpos] if at.measure is not None else None, declared, plan_text,
                             share, signed)
    if problem:
        p0 = int(hpos[0])
        return Problem(at.hsrc_at(p0), at.hrow(p0), at.hcol("value", p0), f"{at.values[p0]:g}", problem)
    # one figure at another magnitude than the rest of the series (户 among 万户)
    odd = None if declared or signed else odd_one_out(v)
    if odd is None:
        return None
    k, factor = odd
    p = int(hpos[k])
    others = np.delete(v, k)
    others = others[np.isfinite(others) & (others > 0)]
    zh, en = _ratio_words(factor, ",.0f")
    return Problem(
        at.hsrc_at(p), at.hrow(p), at.hcol("value", p), f"{at.values[p]:g}",
        f"该值为本序列其他年份的约 {zh}，请核对单位或小数点 ({what}: about {en}"
        + f" its other figures, {others.min():g}-{others.max():g}"
        + (f" {unit}" if unit else "")
        + "; a figure in another unit (户 among 万户, 元 among 亿元) or a misplaced decimal point? "
        "correct it, or leave the cell blank)")


def _warn_baseline_differs(at: _PlanAndHistory, r, pos: int, hpos: np.ndarray, what: str) -> None:
    """The history's figure of the baseline year against the plan's baseline: warned when they differ by more than
    rounding (the forecast uses the history's, progress counts from the plan's)."""
    found = hpos[at.years[hpos] == int(r.baseline_year)]
    if not found.size:
        return
    p, h, b = int(found[0]), float(at.values[found[0]]), float(r.baseline)
    dist = _distance(r.target, b)
    if abs(h - b) <= rounding_tolerance(b, dist, getattr(r, "baseline_decimals", None)):
        return
    part = abs(h - b) / dist if np.isfinite(dist) and dist > 0 else math.nan
    zh = f"，为基期至目标距离的 {part:.0%}" if part == part else ""
    en = f", {part:.0%} of the baseline-to-target distance" if part == part else ""
    psrc = at.psrc
    _warn(f"{psrc}, row {at.prow(pos)}, column '{at.pcol('baseline', pos)}' / {at.hsrc_at(p)}, row {at.hrow(p)}: "
          f"{what} 规划基期值 {_num(b)} 与历史数据 {int(r.baseline_year)} 年值 {h:g} 不一致"
          f"（相差 {_rel(h, b)}{zh}）；预测使用历史数据 {h:g}，进度以规划基期值 {_num(b)} 计算 "
          f"(the plan's baseline {_num(b)} and the history's {int(r.baseline_year)} value "
          f"{h:g} disagree by {_rel(h, b)}{en}: the forecast uses the history's {h:g}, "
          f"progress is measured from the plan's {_num(b)}; correct the one that is wrong)",
          [Problem(psrc, at.prow(pos), at.pcol("baseline", pos), _num(b), f"the history's {h:g}"),
           Problem(at.hsrc_at(p), at.hrow(p), at.hcol("value", p), f"{h:g}", f"the plan's {_num(b)}")], 5)


def _rows_to_check(plan: pd.DataFrame, history: pd.DataFrame, pairs: dict, use: np.ndarray) -> np.ndarray:
    """Positions of the plan rows :func:`check_against_plan` must look at one by one: all but
    those whose matched history (observations ``use``) surely passes its checks -- units written
    the same (or one side blank), no negative figure, a level or stock whose history is within
    ``min(SCALE_FACTOR, PERCENT_FACTOR) / 1.1`` times the plan's scale, and a history value in
    the baseline year within :func:`rounding_tolerance` of the plan's baseline (or none). Conservative:
    a row let through here would pass the row-by-row checks too."""
    n = len(plan)
    hist = pd.DataFrame({"region": history["region"].to_numpy(dtype=object),
                         "indicator": history["indicator"].to_numpy(dtype=object)})[use]
    if hist.empty or n == 0:
        return np.arange(0)
    values = history["value"].to_numpy(dtype=float)[use]
    gid = hist.groupby(["region", "indicator"], sort=False).ngroup().to_numpy()
    keys = hist.drop_duplicates(["region", "indicator"])
    index = {k: i for i, k in enumerate(zip(keys["region"].tolist(), keys["indicator"].tolist()))}
    regions, indicators = column_cells(plan["region"]), column_cells(plan["indicator"])
    g = np.array([index.get((reg, pairs.get((reg, ind))), -1) for reg, ind in zip(regions, indicators)],
                 dtype=np.int64)
    matched = g >= 0
    n_groups = len(index)
    # negative figures (a count never is): the row-by-row check decides
    negative = np.zeros(n_groups, dtype=bool)
    np.logical_or.at(negative, gid, values < 0)
    # units: the first non-blank unit of the history against the plan's, as written
    if "unit" in history.columns:
        hunit = history["unit"].fillna("").astype(str).to_numpy(dtype=object)[use]
        filled = np.array([bool(u.strip()) for u in hunit], dtype=bool)
        first = pd.Series(hunit[filled]).groupby(gid[filled], sort=False).first()
        group_unit = np.full(n_groups, "", dtype=object)
        group_unit[first.index.to_numpy()] = first.to_numpy(dtype=object)
        plan_unit = plan["unit"].fillna("").astype(str).to_numpy(dtype=object) if "unit" in plan else \
            np.full(n, "", dtype=object)
        hu = np.where(matched, group_unit[np.where(matched, g, 0)], "")
        units_differ = np.array([bool(a) and bool(b) and a != b for a, b in zip(hu, plan_unit)], dtype=bool)
    else:
        units_differ = np.zeros(n, dtype=bool)
    # magnitudes: the median of the non-zero figures against the larger of baseline and target
    nonzero = values != 0
    hist_scale = np.full(n_groups, np.nan)
    med = pd.Series(np.abs(values[nonzero])).groupby(gid[nonzero], sort=False).median()
    hist_scale[med.index.to_numpy()] = med.to_numpy(dtype=float)
    baseline = pd.to_numeric(plan["baseline"], errors="coerce").to_numpy(dtype=float)
    target = pd.to_numeric(plan["target"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):  # a plan of 0 (零发生): no scale to compare
        plan_scale = np.fmax(np.abs(baseline), np.abs(target))
        ratio = hist_scale[np.where(matched, g, 0)] / plan_scale
    limit = min(SCALE_FACTOR, PERCENT_FACTOR) / 1.1
    level = (plan["kind"].to_numpy(dtype=object) != "increment") & (baseline != 0) & (target != 0)
    scale_ok = level & (ratio > 1 / limit) & (ratio < limit)
    # the baseline-year value: within the tolerance's floor of the plan's baseline, or absent
    by = pd.to_numeric(plan["baseline_year"], errors="coerce").to_numpy(dtype=float)
    years = history["year"].to_numpy()[use]
    at = pd.DataFrame({"g": gid, "year": years, "value": values}).drop_duplicates(["g", "year"])
    wanted = pd.DataFrame({"g": np.where(matched, g, -1), "year": np.nan_to_num(by, nan=-1).astype(np.int64)})
    found = wanted.merge(at, on=["g", "year"], how="left")["value"].to_numpy(dtype=float)
    # the tolerance's floor: half a unit of the baseline's written decimals (its own figure's; a cell
    # that wrote more, 81.0, only widens it) or a share of the distance to the target
    rounding = map_unique(baseline, lambda v: 0.5 * 10.0 ** -written_decimals(v, limit=10)).astype(float)
    with np.errstate(invalid="ignore"):
        distance = np.where(np.isfinite(target - baseline), np.abs(target - baseline), 0.0)
        floor = np.fmax(rounding, PROGRESS_TOLERANCE * distance)
        baseline_ok = np.isnan(baseline) | np.isnan(by) | np.isnan(found) | (np.abs(found - baseline) <= floor)
    # one figure at another magnitude (户 among 万户): only where the series' own range is that wide
    positive = values > 0
    top = pd.Series(values[positive]).groupby(gid[positive], sort=False).agg(["max", "min"])
    wide = np.zeros(n_groups, dtype=bool)
    wide[top.index.to_numpy()] = (top["max"] / top["min"]).to_numpy(dtype=float) >= OUTLIER_FACTOR
    clear = ~units_differ & ~negative[np.where(matched, g, 0)] & ~wide[np.where(matched, g, 0)] & scale_ok & \
        baseline_ok
    return np.flatnonzero(matched & ~clear)


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy(dtype=float) if name in frame.columns else np.full(len(frame), np.nan)


def _declares_bounds(lower, upper) -> bool:
    """Bounds other than nothing or a share's 0 / 100."""
    lo = None if lower is None or pd.isna(lower) else float(lower)
    hi = None if upper is None or pd.isna(upper) else float(upper)
    return (lo not in (None, 0.0)) or (hi not in (None, 100.0))


def _distance(target, baseline: float) -> float:
    """``|target - baseline|`` of a plan row (NaN when the target is not a number)."""
    try:
        return abs(float(target) - float(baseline))
    except (TypeError, ValueError):
        return float("nan")


def _rel(h: float, b: float) -> str:
    if b == 0:
        return f"{abs(h - b):g}"
    return f"{abs(h - b) / abs(b):.0%}"


def rounding_tolerance(b: float, distance: float = float("nan"), decimals=None) -> float:
    """How far the history's figure may lie from the plan figure ``b`` (both in the row's unit) before
    the two are said to disagree: half a unit of ``b``'s last written decimal (87 against 87.4, 5.5
    against 5.45: mere rounding; ``decimals``, when the plan's cell wrote more than the figure needs,
    ``81.0``), or :data:`PROGRESS_TOLERANCE` of the row's baseline-to-target ``distance``
    (``|target - baseline|``; NaN: none), whichever is larger. 81 against 78 on an 81 -> 90 target
    differs by a third of the distance: beyond both."""
    d = written_decimals(b, limit=10)
    if decimals is not None and not pd.isna(decimals):
        d = max(d, int(decimals))
    rounding = 0.5 * 10.0 ** (-d)
    share = PROGRESS_TOLERANCE * abs(float(distance)) if np.isfinite(distance) else 0.0
    return max(rounding, share) * (1 + 1e-9)  # 5.45 against 5.5: not a float's 0.0500000001


def _scale_problem(r, v: np.ndarray, measure, declared: bool, plan_text, share: bool | None = None,
                   signed: bool = False) -> str:
    """The message for a history whose figures are orders of magnitude off the plan's, else ``""``.

    ``declared``: plan or history declares bounds other than a share's 0 / 100; ``plan_text()``
    names the plan row; ``share``: whether the row is a ``%`` share (computed when None). The plan's scale is the larger of its baseline and target (for a 〈〉
    target given as yearly flows, the target spread over the plan's years); the history's is the
    median of its non-zero figures -- their largest for a ``signed`` row (a rate of change, or a series of both
    signs), whose figures may pass near 0 in a real year (增速 0.03 %, -0.5 %, 12 %).
    """
    plan_vals = np.array([x for x in (r.baseline, r.target) if not pd.isna(x)], dtype=float)
    if r.kind == "increment":
        plan_vals = np.array([r.target], dtype=float)
        # running totals, or a declared stock (口径 存量: its additions count from the base-year level), reach the
        # target's scale, not a year's share of it
        running = measure is not None and bool(np.isin(measure, ["running_total", "stock"]).any())
        if not running and not pd.isna(r.baseline_year):
            plan_vals = plan_vals / max(int(r.target_year) - int(r.baseline_year), 1)
    # a row with no numeric target (定性, 待定) or baseline leaves those out; NaN would make the ratio NaN
    plan_vals = np.abs(plan_vals[np.isfinite(plan_vals) & (plan_vals != 0)])
    hist = np.abs(v[np.isfinite(v) & (v != 0)])
    if not plan_vals.size or not hist.size:
        return ""
    plan_scale = float(plan_vals.max())
    hist_scale = float(hist.max()) if signed else float(sorted_median(np.sort(hist)))  # = np.median
    ratio = hist_scale / plan_scale
    if share is None:
        share = percent_kind(r.unit, r.name, r.indicator) == "share"
    if share and not declared:
        # a ratio 0-1 against a percentage: the smaller side never above 1, about 100x apart
        small_max = float(hist.max()) if ratio < 1 else float(plan_vals.max())
        if small_max <= 1 and (ratio >= PERCENT_FACTOR or ratio <= 1 / PERCENT_FACTOR):
            if ratio < 1:
                zh = "历史数据像比例(0-1)，规划为百分数"
                fix = f"write the history as percentages ({hist_scale:g} -> {hist_scale * 100:g})"
            else:
                zh = "规划像比例(0-1)，历史数据为百分数"
                fix = f"write the plan as percentages ({plan_scale:g} -> {plan_scale * 100:g})"
            return (f"{zh}，历史数据约为规划数值的 {_times(ratio)} (history figures around {hist_scale:g} "
                    f"against plan figures up to {plan_scale:g}, {plan_text()}: a ratio 0-1 mixed with "
                    f"a percentage? {fix}; if the figures really are this far apart, give the "
                    "history 'lower' / 'upper' columns (0 and 100) to say so)")
    if ratio < SCALE_FACTOR and ratio > 1 / SCALE_FACTOR:
        return ""
    k = abs(int(round(math.log10(ratio))))
    zh_eg, en_eg = _CONFUSIONS.get(k, ("", ""))
    return (f"历史数据约为规划数值的 {_times(ratio)}{' 倍' if ratio > 1 else ''}，可能单位混用"
            f"{'（' + zh_eg + '）' if zh_eg else ''} (history figures around {hist_scale:g} are about "
            f"{_times(ratio)} {'times' if ratio > 1 else 'of'} the plan's {plan_scale:g}, {plan_text()}: "
            f"a unit mix-up{' ' + en_eg if en_eg else ''}? convert the history to the plan's unit"
            f"{' (' + str(r.unit) + ')' if r.unit else ''}, or fix the plan)")


def _ratio_words(ratio: float, fmt: str) -> tuple[str, str]:
    """How many times (or what fraction) ``ratio`` is, in Chinese and English: ``("16.5 倍",
    "16.5 times")``, ``("1/9.9", "1/9.9 of")``; ``fmt`` formats the number."""
    if ratio > 1:
        return f"{ratio:{fmt}} 倍", f"{ratio:{fmt}} times"
    return f"1/{1 / ratio:{fmt}}", f"1/{1 / ratio:{fmt}} of"


def _times(ratio: float) -> str:
    k = round(math.log10(ratio))
    return f"{10 ** k:,}" if k >= 0 else f"1/{10 ** -k:,}"
