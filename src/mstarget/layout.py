"""Find the table in a sheet as bureaus lay it out, and give its columns canonical names.

Statistics offices rarely hand over a bare table. :func:`load` accepts:

* **title rows above the header** (often one merged cell: 《……“十四五”规划主要指标》); their text is
  kept as ``Table.title`` (``plan.attrs["title"]``), a ``单位：万元`` line there sets the unit of
  rows that give none;
* **the header row anywhere in the first 30 rows**: the row naming most known columns; in a
  workbook of several sheets (a 说明 sheet first, plan and history side by side), the sheet whose
  header names most known columns -- a plan's target columns mark its sheet, never a history's --
  and messages name it (``plan.xlsx [sheet '主要指标'], row 5``);
* **notes and blank rows below**: rows holding one text that starts with 注 / 备注 / 说明 / 附注 /
  资料来源 / 数据来源 (and every single-text row after the first note) are kept as ``Table.notes``,
  blank rows are skipped;
* **section rows and merged category cells**: a row holding only ``一、市场主体`` (or ``（二）``,
  ``第三部分``) labels the rows below it in a ``group`` column; category cells merged down a column
  are read into every row they span (:func:`mstarget.io.read_grid`);
* **units inside headers** (``数值（万户）``) set the unit of rows that give none;
* **the plan period in the title**: without year columns, “十四五” (the 14th plan, 2021-2025) gives
  baseline year 2020 and target year 2025;
* **years in headers** -- plans: ``2020年基数`` / ``基期值（2020年）`` give ``baseline`` and its
  ``baseline_year``, ``2025年目标`` / ``2025年规划值`` give ``target`` and ``target_year``; two bare
  year columns (``2020年``, ``2025年``) are the baseline (earlier) and the target (later), one bare
  year column is the target; a plan period counts as its last year (``“十三五”末`` 2020, ``“十四五”目标``
  2025). Actual values of later years in a plan (``2022年完成值`` after ``2020年基数``, or a bare
  ``2022年`` between ``2020年`` and ``2025年``) become ``observed_2022`` columns, which
  :func:`mstarget.assess` uses as observations where the history has none. Histories: one column
  per year (``2021年``, ``2021``, ``2022年度``) is turned into one row per observation, blank cells
  skipped.

Spreadsheet row numbers and headers as written are kept, so errors name the row and column the
user sees (``Table.rows``, ``Table.headers``, and for a wide history ``Table.cell_columns``).
"""
from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .chinese_script import to_simplified
from .exceptions import DataValidationError, MstargetWarning, Problem, UnreadColumnWarning
from .io import (DOCUMENT_TYPES, GRID_TYPES, REPEATED_HEADER, drop_repeated_columns, held_as_objects,
                 is_blank_header, read_grids, read_table,
                 source_name)
from .units import is_unit_text, split_unit
from .validation import (CN_YEAR, CN_YEAR_DIGITS, INVISIBLE, NO_FIGURE, PRELIMINARY_WORDS, PROVINCES, REGION_SUFFIXES,
                         is_region_name, is_total_region, map_unique, preliminary_footnotes, preliminary_word_in)

HEADER_SCAN = 30  # rows searched for the header
#: a plan's later actual values (``2022年完成值``) are read into ``observed_<year>`` columns
OBSERVED_PREFIX = "observed_"
#: the columns read_plan adds naming a year (``observed_2022``, ``preliminary_2022``, ``written_2022``: a
#: qualitative row's 完成值 in words): never said as not read
_OWN_COLUMN = re.compile(rf"({OBSERVED_PREFIX}|preliminary_|written_)\d{{4}}")
#: a notes row under the table: 注： / 备注 / 资料来源 …, or a bare line saying how far the figures go
#: (``数据截至2025年11月``: a note, :func:`noted_years`, not a row left out unsaid)
_NOTE = re.compile(r"^(注|备注|说明|附注|注释|填表说明|填报说明)\s*[:：\s\d一二三四五六七八九十.、)）(（]"
                   r"|^(注释|附注|资料来源|数据来源|来源)\s*[:：]?|^[*※]"
                   r"|^(数据|资料)?(截至|截止)(到|于)?\s*(19|20)\d{2}")
_SECTION = re.compile(r"^([一二三四五六七八九十]+\s*[、.．]"
                      r"|[(（][一二三四五六七八九十]+[)）]"
                      r"|第[一二三四五六七八九十]+[部分类章项])")
_UNIT_LINE = re.compile(r"^\s*(计量)?单位\s*[:：]\s*(?P<unit>\S{1,12})\s*$")
_YEAR = r"(?P<year>(19|20)\d{2})"
_YEAR_FIRST = re.compile(rf"^{_YEAR}\s*(年度|年)?\s*(?P<role>.*)$")
#: the year after its role, bare or in brackets: 目标值（2025年）, 目标值[2025年], 目标值【2025年】, 目标值〔2025年〕, 目标值/2025年
_YEAR_LAST = re.compile(rf"^(?P<role>.*?)\s*[(\[【〔]?{_YEAR}\s*(年度|年)?[)\]】〕]?$")
#: a preliminary figure's mark after the year (``2023年（预计）``, ``2023年预计完成``, ``2023E``): the
#: year's figure as known so far, read as that year (as a preliminary number in a cell is)
_PRELIMINARY_ROLE = re.compile(rf"^(?P<keep>.*?)[(（]?({'|'.join(PRELIMINARY_WORDS)})(完成值|完成数|完成|数据|数|值)?[)）]?$"
                               r"|^[eE]$")
#: a final figure's mark after the year (``2023年（年报）``, ``2023年修订数``, ``2023年（最终核实）``): that year's
#: figure, which supersedes a preliminary one (快报, 初步核算) the table gives beside it
_FINAL_WORDS = ("最终核实", "最终核定", "最终", "年报", "修订后", "修订", "核实", "核定", "正式", "审定")
_FINAL_ROLE = re.compile(rf"^(?P<keep>.*?)[(（]?({'|'.join(_FINAL_WORDS)})(数据|数|值)?[)）]?$")
#: a part of a year after the year (``2023年1-9月``, ``2023年上半年``, ``2023年三季度``, ``2023年6月末``): not the year's figure
PART_OF_YEAR = re.compile(r"(\d{1,2}\s*[-—–~至到]\s*\d{1,2}\s*月|[上下]半年|前?[一二三四1-4]季度|前三季度|"
                          r"(?<!1)(?<!\d)([1-9]|1[01])\s*月(末|底|份)?)")
_BASELINE_ROLES = {"基数", "基期", "基期值", "基期数", "基准", "基准值", "基础", "基础值", "现状",
                   "现状值", "实际", "实际值", "完成", "完成值", "基数值",
                   # a mid-term table's actuals, as bureaus word them
                   "实际完成", "实际完成值", "实际完成数", "完成数", "完成情况", "实现值", "实现数", "统计数",
                   "统计值", "现状数", "实绩", "达到", "实有", "实有数"}
_TARGET_ROLES = {"目标", "目标值", "目标数", "规划", "规划值", "规划目标", "预期目标", "预期值",
                 "预期", "计划", "计划值", "规划目标值", "预期目标值", "目标要求", "要求", "约束目标",
                 "末目标", "末目标值", "期末目标", "期末目标值", "目标任务", "发展目标", "发展目标值",
                 "时期目标", "期间目标", "规划期末目标", "底目标", "年底目标", "年末目标", "底目标值",
                 "年底目标值", "年末目标值", "基本目标", "基本目标值", "确保目标", "确保目标值", "底线目标"}
#: a two-tier target's striven-for column (``2025年基本目标 | 2025年奋斗目标``, or ``2025年目标值`` merged
#: over ``预期目标 | 力争目标``): read as ``target_striven`` beside the target
STRIVEN_ROLES = {"力争目标", "力争目标值", "力争值", "力争", "奋斗目标", "奋斗目标值", "挑战目标", "挑战目标值",
                 "挑战值", "争取目标", "争取目标值", "争取值"}
#: the attribute written after a target's role (``目标值（预期）``): not part of the role
_ATTRIBUTE_AFTER = re.compile(r"[(（](预期性?|约束性?|指导性?)[)）]$")
#: words before the year that say "as of": ``截至2022年底``
_AS_OF_PREFIX = re.compile(r"^(截至|截止到|截止|至|到)")
_WIDE_ROLES = {"", "实际", "实际值", "完成", "完成值", "数值", "数据", "值", "末", "年末", "期末", "末值",
               "期末值", "底", "年底", "12月", "12月末", "12月底", "全年", "全年度",
               "1-12月", "1—12月", "1–12月", "1~12月", "1至12月"}  # 2023年1-12月: the whole year
#: a plan period instead of a year: “十三五”末 (2020), “十四五”目标 (2025)
_PERIOD_HEADER = re.compile(r"^[“\"]?十(?P<n>[一二三四五六七八九])五[”\"]?(规划)?(?P<role>.*)$")


@dataclass(frozen=True)
class Schema:
    """What a reader looks for: ``aliases`` maps header keys (:func:`header_key`) to canonical
    column names; ``what`` is ``"plan"``, ``"history"`` or ``"samples"``. ``guess`` (optional) names
    the canonical column of a header key no alias lists, by its words (抽检样品批次 is ``tested``); a
    header found by an alias wins over a guessed one for the same column."""

    what: str
    aliases: dict
    canonical: tuple
    guess: Callable[[str], str | None] | None = None


@dataclass
class Table:
    """A table found in a sheet: canonical column names, cells as read.

    Attributes
    ----------
    frame : DataFrame
        Index ``0 .. n-1``; canonical column names where recognised, the header as written
        otherwise. Cells are text for files, as given for a DataFrame.
    rows : array of int, shape (n,)
        Spreadsheet row of each frame row (header = the row found, data below it).
    headers : dict
        Canonical column name -> header as written in the file.
    title, notes : str, list of str
        Title lines above the header; notes rows below it.
    cell_columns : array of str, shape (n,), or None
        For a table laid out one column per year or region: the header each value was read from.
    cell_headers : dict
        For a plan laid out one column per year or region: canonical column -> array of str, shape (n,), the
        header each row's cell was read from (``target`` of yearly targets: ``2027年目标`` / ``2030年目标``;
        ``baseline`` of a 目标分解表: ``韶关市2020年基期值``), so that a message names the cell's own column, not the
        span of them all.
    source : str
        The table's name in messages: the file, and in a workbook of several sheets the sheet
        it was read from (``plan.xlsx [sheet '主要指标']``).
    unread : list of str
        Headers of a plan, or of a history kept one column per year, that name a year but hold no
        figure the reader takes (``2023年1-9月``, ``2023年增速``): not read, and said so by
        ``read_plan`` / ``read_history``.
    unread_columns : list
        A history's :attr:`unread` columns kept one column per year, as the table's frame labels them: they ride
        along the melted rows (``read_history`` takes its part-year figures from them) and are left out of the
        history returned.
    header_row : int or None
        The spreadsheet row of the header's last line (the years' row of a two-row header: ``2020年 | 2025年`` under
        ``基期值``), for messages about a header; None where the header is a DataFrame's columns.
    earlier : list of str
        Headers of a plan's columns of years before its baseline year (``2020年`` in a “十五五”
        table whose baseline is 2025): read as observations (``observed_2020``), not the baseline.
    kept_preliminary : list
        Years given both as preliminary (``2025年（快报）``) and final (``2025年（年报）``) figures whose
        preliminary figures are read where the final ones are blank: ``(year, final header,
        [(preliminary header, figures read from it)], figures read from the final one)``, said by the
        reader (:func:`warn_kept_preliminary`).
    adjusted_target : tuple
        A plan's adjusted target header and the target header it supersedes (``("2025年调整目标",
        "2025年目标")``), whose column is kept as ``target_original`` (:func:`_adjusted_targets`); else ().
    adjustment_unread : list
        Rows of a 目标调整情况 column whose words give no adjusted target (``拟调整``): ``(spreadsheet row,
        indicator, cell)``, the first target kept there and said by ``read_plan``.
    sectioned : bool
        Whether section rows gave the attribute (``一、约束性指标``) over sections of groups (``（一）食品安全``):
        a blank group is then a row under no group section, not a merged cell to fill from above.
    year_hint : str
        For a history by region that names no year (not in its headers, no 年份 column): where to
        write it, should neither the title nor the sheet's name give it.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    headers: dict = field(default_factory=dict)
    title: str = ""
    notes: list = field(default_factory=list)
    cell_columns: np.ndarray | None = None
    cell_headers: dict = field(default_factory=dict)
    source: str = ""
    unread: list = field(default_factory=list)
    unread_columns: list = field(default_factory=list)
    header_row: int | None = None
    year_hint: str = ""
    earlier: list = field(default_factory=list)
    kept_preliminary: list = field(default_factory=list)
    adjusted_target: tuple = ()
    adjustment_unread: list = field(default_factory=list)
    sectioned: bool = False


#: spaces and line breaks next to a Chinese character: alignment (单  位, 属  性) or a wrapped cell (指标\n名称)
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


#: ``（单位）`` after a header (``指标名称（单位）``): each cell writes its unit in parentheses, the header says so
_UNIT_SAID = re.compile(r"\s*\(\s*(计量)?单位\s*\)$")


def header_key(text) -> str:
    """How a header is looked up: NFKC, simplified characters, no unit in parentheses, no ``（单位）``
    (``指标名称（单位）`` is ``指标名称``: the units are in the cells), no ``*`` marks, lower case, no spaces
    or line breaks next to a Chinese character (``单  位``, ``指标\n名称``: a header spaced out for alignment
    or wrapped in its cell), ``_`` for the other spaces."""
    name, _ = split_unit(to_simplified(unicodedata.normalize("NFKC", str(text)).translate(INVISIBLE)))
    name = _UNIT_SAID.sub("", name)
    name = _CJK_SPACE.sub("", name.replace("*", "").replace("\u3000", " ").strip().lower())
    return re.sub(r"\s+", "_", name)


#: a year written in Chinese numerals, digit by digit (二〇二五年, 二○二五年度): read as 2025年


def year_start_hint(headers) -> str:
    """For headers naming the start of a year (``2021年初``, ``2021年年初``): a 年初 figure is the previous
    year's 年末 one, said so with the header to write (``2020年``); "" when none does."""
    said = []
    for h in headers:
        t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(h)))
        m = re.fullmatch(r"((?:19|20)\d{2})年(年初|初|初数|年初数|年初值)", t)
        if m:
            said.append(f"'{h}' -> {int(m.group(1)) - 1}年")
    if not said:
        return ""
    return ("a 年初 figure is the previous year's 年末 figure (年初数即上年年末数): head each column by the year whose "
            "end it gives, " + ", ".join(said) + "（请将“2021年初”改为“2020年”或“2020年末”）")


def year_role(text) -> tuple[int, str] | None:
    """``(year, role)`` of a header with a year in it: ``"2020年基数"`` -> ``(2020, "baseline")``,
    ``"目标值（2025年）"`` -> ``(2025, "target")``, ``"2021年"`` -> ``(2021, "")``, ``"2025年力争目标"`` ->
    ``(2025, "striven")``; else None."""
    t = re.sub(r"\s+", "", to_simplified(unicodedata.normalize("NFKC", str(text)).translate(INVISIBLE)))  # 2025年目标值\n（预期）
    t = _AS_OF_PREFIX.sub("", CN_YEAR.sub(lambda m: m.group(0).translate(CN_YEAR_DIGITS), t.strip("“”\"'")))
    t = _YEAR_AS_FLOAT.sub(r"\g<year>", t)  # 2022.0: a year a program wrote as a float
    m = None if re.search(r"(19|20)\d{2}", t) else _PERIOD_HEADER.match(t)  # a written year wins
    if m:  # the period's last year: “十四五”目标 -> (2025, "target"), “十三五”末 -> (2020, "")
        year = _period_last_year(m.group("n"))
        role = _ATTRIBUTE_AFTER.sub("", m.group("role")).strip("()（）:：-_ ")
        if role in _TARGET_ROLES:
            return year, "target"
        if role in STRIVEN_ROLES:
            return year, "striven"
        if role in _WIDE_ROLES - {""} or role in _BASELINE_ROLES:
            return year, ""
        return None
    for rx in (_YEAR_FIRST, _YEAR_LAST):
        m = rx.match(t)
        if m:
            role = _ATTRIBUTE_AFTER.sub("", m.group("role")).strip("()（）[]【】〔〕/:：-_ ")
            role = re.sub(r"^[“\"]?(十[一二三四五六七八九]五|\d+五)[”\"]?", "", role)  # “十四五”目标
            role = _PRELIMINARY_ROLE.sub(r"\g<keep>", role).strip("()（）:：-_ ")  # 2023年（预计）: that year's
            role = _FINAL_ROLE.sub(r"\g<keep>", role).strip("()（）:：-_ ")  # 2023年（年报）: that year's too
            if role in _BASELINE_ROLES:
                return int(m.group("year")), "baseline"
            if role in _TARGET_ROLES:
                return int(m.group("year")), "target"
            if role in STRIVEN_ROLES:  # 2025年力争目标: a two-tier target's higher figure
                return int(m.group("year")), "striven"
            if role in _WIDE_ROLES:
                return int(m.group("year")), ""
    return None


#: a year a program wrote as a float in a header (``2022.0``: pandas' columns of float years, saved as CSV)
_YEAR_AS_FLOAT = re.compile(rf"^{_YEAR}\.0+(?![0-9])")
#: a year in two digits over a column (``22年``, ``22年目标``): which century is not guessed, the column is said unread
_TWO_DIGIT_YEAR = re.compile(r"^(?P<yy>\d{2})(年度|年末|年底|年)(?P<role>.*)$")


def _two_digit_year(text) -> str:
    """The header to write for a header naming its year in two digits (``22年`` -> ``2022年``, ``22年目标`` ->
    ``2022年目标``) with a role the readers know; "" for any other header."""
    t = re.sub(r"\s+", "", to_simplified(unicodedata.normalize("NFKC", str(text)).translate(INVISIBLE)))
    m = _TWO_DIGIT_YEAR.match(t)
    if m is None:
        return ""
    role = m.group("role").strip("()（）")
    known = _BASELINE_ROLES | _TARGET_ROLES | STRIVEN_ROLES | _WIDE_ROLES
    return f"20{m.group('yy')}年{m.group('role')}" if role in known else ""


#: the header of a plan's column of the growth it sets beside its figures (年均增长, 2021-2025年年均增速（%）, 累计增长):
#: read where the row's target is blank (:func:`mstarget.plan._targets_from_growth_column`), else kept as written
GROWTH_HEADER = re.compile(r"(年均|累计|期间)增[长速幅]")


def warn_unread(src: str, headers: list[str], said: str = "") -> None:
    """Columns naming a year that hold no figure the reader takes (:attr:`Table.unread`): an
    :class:`~mstarget.exceptions.UnreadColumnWarning` saying which and why."""
    def reason(h):
        if year_role(h) is not None and revision_mark(h) == "preliminary":  # read only when no final figure
            return "a preliminary figure, superseded by the same year's final one（快报数以年报数 / 修订数为准）"
        if four := _two_digit_year(h):
            return f"a year in two digits: write {four}（年份请写四位数）"
        return "a part of the year, not the year" if PART_OF_YEAR.search(h) else "not a year’s figure"
    why = [f"'{h}' ({reason(h)})" for h in headers]
    advice = "" if all(year_role(h) is not None and revision_mark(h) == "preliminary" for h in headers) else (
        " Rename a column to the year alone (2023年) if it holds that year's figure (a preliminary one may say "
        "2023年（预计）).")
    warnings.warn(UnreadColumnWarning(
        f"{src}: 未读取的列 (columns not read): {', '.join(why)}" + (f"; {said}" if said else "") + "." + advice),
        stacklevel=4)


def _names_a_year(text) -> bool:
    """A header with a year in it (``2023年1-9月``, ``2022年增速``, ``22年``: :func:`_two_digit_year`), whether or not
    it is understood."""
    return (re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", unicodedata.normalize("NFKC", str(text))) is not None
            or bool(_two_digit_year(text)))


def names_indicators(key: str) -> bool:
    """Whether a header (its :func:`header_key`) names the indicators by its words, where no alias
    lists it: 具体指标, 监测指标, 评价指标, 核心指标, 指标内容, 指标项 (not 约束性指标, 指标属性, 指标值)."""
    if "约束" in key or "预期" in key:
        return False
    return (key.endswith("指标") and 2 < len(key) <= 6) or (key.startswith("指标") and key.endswith(("内容", "项", "项目")))


def _canonical(text, schema: Schema, *, guessed: bool = True) -> str | None:
    key = header_key(text)
    if key in schema.aliases:
        return schema.aliases[key]
    if key in schema.canonical:
        return key
    return schema.guess(key) if guessed and schema.guess is not None and key else None


def _score(cells, schema: Schema) -> int:
    """How much a row reads as the header: the known columns it names, plus up to 2 for cells naming years --
    unless it also holds a plain figure that names no year, as a data row does (``2018 | 133 | 3 | 1997`` in
    a table of years down its rows: 2018 and 1997 there are a year and a figure, not two years' headers), or
    it is a year followed by figures only (``2021年 | 1931``)."""
    found = {c for c in (_canonical(t, schema) for t in cells if t) if c}
    years = [t for t in cells if t and year_role(t) is not None]
    filled = [t.strip() for t in cells if t and t.strip()]
    figures = (any(year_role(t) is None and _PLAIN_NUMBER.fullmatch(t) for t in filled)
               # a year, then figures only (2021年 | 1931): a row of a table of years down its rows
               or (len(filled) > 1 and year_role(filled[0]) is not None
                   and all(_PLAIN_NUMBER.fullmatch(t) for t in filled[1:])))
    return len(found) + (0 if figures else min(len(years), 2))


#: a cell holding a plain figure (133, 3.5, -2, 1,234, 98%)
_PLAIN_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?")


def find_header(grid: pd.DataFrame, schema: Schema) -> int:
    """Position (0-based) of the header row: the row among the first :data:`HEADER_SCAN` naming
    most known columns (at least two), else the first row of two or more cells naming one, else
    the first non-blank row."""
    best, best_score = None, 1
    for pos in range(min(HEADER_SCAN, len(grid))):
        cells = [str(v) for v in grid.iloc[pos].tolist()]
        s = _score(cells, schema)
        if s > best_score:
            best, best_score = pos, s
    if best is not None:
        return best
    for pos in range(min(HEADER_SCAN, len(grid))):  # one known header (年份 | 鼎湖区 | 端州区) under a title
        cells = [str(v) for v in grid.iloc[pos].tolist() if str(v)]
        if len(set(cells)) >= 2 and _score(cells, schema) == 1:
            return pos
    blank = (grid == "").all(axis=1).to_numpy()
    return int(np.argmin(blank)) if (~blank).any() else 0


def load(data, schema: Schema, *, source: str | None = None) -> Table:
    """Find the table in ``data`` (a path to CSV / XLSX / XLS, another table file, or a DataFrame).

    Parquet and JSON files are read as plain tables (header in the first row). ``source`` names
    the table in messages (default: the file name). Two columns under the same known header
    (``规划值`` twice, or two ``2025年目标``) holding different cells are refused
    (:class:`~mstarget.exceptions.DataValidationError`); a repeated identical column is read once.
    """
    src = source or source_name(data)
    if isinstance(data, pd.DataFrame):
        frame = drop_repeated_columns(data.copy().reset_index(drop=True), src)
        # a blank header (None / NaN from a sheet's row) named column_k, as a file's blank header is
        frame.columns = [f"column_{k + 1}" if is_blank_header(c) else c for k, c in enumerate(frame.columns)]
        if _score([str(c) for c in frame.columns], schema) >= 2 or frame.empty:
            # its 注： / 资料来源： rows set apart, as a file's are; rows counted as a file's (header row 1)
            table = _frame_table(frame, np.arange(2, len(frame) + 2))
            return _canonicalise(table, [str(c) for c in frame.columns], schema, src)
        # an untitled header: look for it in the rows, as in a file
        grid = pd.DataFrame([list(map(str, frame.columns))] + _frame_text(frame).to_numpy().tolist())
        grid.index = pd.RangeIndex(1, len(grid) + 1)
        return _from_grid(grid, schema, src)
    if Path(str(data)).suffix.lower() not in GRID_TYPES and Path(str(data)).exists():
        frame = drop_repeated_columns(read_table(data).fillna("").reset_index(drop=True), src)
        table = Table(frame, np.arange(2, len(frame) + 2), header_row=1)
        return _canonicalise(table, [str(c) for c in frame.columns], schema, src)
    return best_sheet(Workbook(read_grids(data), schema, src))


def frame_row_labels(data: pd.DataFrame, rows) -> np.ndarray:
    """``rows`` of a table :func:`load` found in DataFrame ``data`` (counted as a file's: the frame's first
    row is row 2) as the frame names them, shape (n,): its index labels when they are whole numbers
    (``df.loc[15]`` is the row said to be "row 15", as the frame prints it), else its positions from 0
    (``df.iloc[15]``)."""
    pos = np.asarray(rows, dtype=np.int64) - 2
    index = data.index
    if pd.api.types.is_integer_dtype(index.dtype) and index.nlevels == 1:
        return index.to_numpy(dtype=np.int64)[pos]
    return pos


def name_frame_rows(data: pd.DataFrame, tables: list) -> None:
    """Tables found in a DataFrame the user built (not a reader's result): their rows named as the frame names
    them (:func:`frame_row_labels`), and a header found among its rows too (None when it is the frame's columns),
    so that a message's "row 15" is ``df.loc[15]`` (``read_plan``)."""
    for table in tables:
        table.rows = frame_row_labels(data, table.rows)
        if table.header_row is not None:
            table.header_row = None if table.header_row < 2 else int(frame_row_labels(data, [table.header_row])[0])


def _frame_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s cells as text, a missing cell ``""``: as a file's grid holds them."""
    return frame.astype(object).where(frame.notna(), "").astype(str)


def _frame_table(frame: pd.DataFrame, labels: np.ndarray) -> Table:
    """A DataFrame whose columns carry the header, its rows named by ``labels``: blank rows, notes rows
    (``注：〔〕内为五年累计数``, ``资料来源：…``) and section rows (``一、市场主体``) set apart as a file's are
    (:func:`_drop_layout_rows`: the notes kept in ``Table.notes``, so that a note saying how 〔〕 is read applies
    here too; the sections as ``group`` / ``attribute``). The cells keep their types (a number stays a number);
    only a frame holding a row with one filled cell or none is looked at as text."""
    filled = frame.notna().to_numpy(dtype=bool, copy=True)  # (a copy: pandas 3 hands out a read-only view)
    for k in range(frame.shape[1]):  # "" is blank, as in a file
        col = frame.iloc[:, k]
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype):
            filled[:, k] &= (col != "").fillna(False).to_numpy(dtype=bool)
    if not len(frame) or (filled.sum(axis=1) > 1).all():
        return Table(frame, labels)  # most frames: every row fills two cells or more, nothing to set apart
    text = _frame_text(frame).apply(lambda c: c.str.strip())
    body, notes, sections = _drop_layout_rows(text)
    keep = body.index.to_numpy(dtype=int)
    out = frame.iloc[keep].reset_index(drop=True)
    return _with_sections(Table(out, labels[keep], notes=notes), sections)


def _with_sections(table: Table, sections) -> Table:
    """``table`` with the section rows :func:`_drop_layout_rows` set apart as columns of its frame (changed in
    place): a dict -- attribute sections over group sections -- as its columns (``table.sectioned``), else the
    sections as ``group``; a column the table already has is kept."""
    frame = table.frame
    if isinstance(sections, dict):  # attribute sections over group sections
        for column, values in sections.items():
            if column not in frame.columns:
                frame[column] = values
        table.sectioned = True
    elif sections is not None and "group" not in frame.columns:
        frame["group"] = sections
    return table


def load_sheets(data, schema: Schema, *, source: str | None = None, region: str | None = None) -> list[Table]:
    """:func:`load`, except that a history workbook keeping **one indicator per sheet** gives one
    table per sheet, its ``name`` column filled with the sheet's name.

    That layout (a statistics office's download: sheet ``市场主体总量``, sheet ``年报率``, each
    regions x years) is recognised when no sheet has an indicator / 指标名称 column and at least
    two sheets hold regions x years; sheets that are no such table (a 说明 sheet) are passed
    over. Sheets still named as Excel names them (``Sheet1``, ``工作表2``) are refused: their names
    say nothing of the indicator.

    A plan workbook keeping its targets on several sheets (主要指标 and 年度目标分解, or one sheet
    per category) gives every sheet holding targets.

    A workbook keeping **one year per sheet** (sheets ``2021年``, ``2022年``: 指标名称 | 数值) gives
    one table per sheet, its year from the sheet's name. Any other workbook in which several
    sheets hold a history (one region per sheet, or one topic per sheet) gives every such sheet,
    so none is silently left out: a sheet without a region column takes ``region`` when given,
    else its own name when every such sheet is named like a region (``鼎湖区``, ``端州区``).
    """
    suffix = "" if isinstance(data, pd.DataFrame) else Path(str(data)).suffix.lower()
    if suffix not in GRID_TYPES or (suffix in DOCUMENT_TYPES and schema.what != "plan"):
        return [load(data, schema, source=source)]  # a document's tables have no names to read
    src = source or source_name(data)
    book = Workbook(read_grids(data), schema, src)
    if schema.what == "plan":
        found = None if suffix in DOCUMENT_TYPES else _complete_sheets(book, {"target"}, plan=True)
        return [table for _, table in found] if found else _same_layout(book)
    tables = _indicator_sheets(book) if len(book.sheets) > 1 else None
    return tables or _year_sheets(book) or _history_sheets(book, region) or [best_sheet(book)]


class Workbook:
    """A workbook's (or document's) sheets for one reader. Several layouts are tried on the same
    sheets: each sheet's table is found once (:func:`_from_grid`), named in messages by its sheet."""

    def __init__(self, sheets: list, schema: Schema, src: str):
        self.sheets, self.schema, self.src = sheets, schema, src
        self._tables: dict[int, Table | DataValidationError] = {}

    def header(self, k: int) -> list[str]:
        """The cells of sheet ``k``'s header row."""
        grid = self.sheets[k][1]
        return [str(v) for v in grid.iloc[find_header(grid, self.schema)].tolist()]

    def table(self, k: int) -> Table:
        """Sheet ``k``'s table; raises the :class:`DataValidationError` of a sheet holding none."""
        if k not in self._tables:
            name, grid = self.sheets[k]
            where = _part(self.src, name)
            try:
                self._tables[k] = _from_grid(grid, self.schema, where)
                self._tables[k].source = where  # read_plan / read_history name it in their messages
            except DataValidationError as exc:
                self._tables[k] = exc
        got = self._tables[k]
        if isinstance(got, DataValidationError):
            raise got
        return got


def _complete_sheets(book: Workbook, needs: set, *, plan: bool) -> list[tuple[str, Table]] | None:
    """Every sheet whose header holds a plan's target column (``plan``) or none and whose table
    has the columns ``needs``, names its indicators and has rows, when there are two or more
    (a plan's 主要指标 and 年度目标分解; a history kept one region or topic per sheet), else None.
    A sheet holding no such table (a 说明 sheet, a chart's data naming no indicator) is passed
    over. Returns ``[(sheet name, table)]``."""
    found = []
    for k in range(len(book.sheets)):
        if _holds_targets(book.header(k)) != plan:
            continue
        try:
            table = book.table(k)
        except DataValidationError:
            continue  # the usual reading (the best sheet) reports it when it is the only one
        columns = set(table.frame.columns)
        if needs <= columns and {"indicator", "name"} & columns and len(table.frame):
            found.append((str(book.sheets[k][0]).strip(), table))
    return found if len(found) >= 2 else None


#: a sheet's name that may be a place's short name (广州, 珠海, 鼎湖): two or three Chinese characters
_SHORT_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
#: words of a sheet's name that name no place, however short (a notes, contents, summary or cover sheet)
_NOT_PLACE_SHEET = re.compile(r"说明|目录|汇总|总表|封面|备注|附表|附件|注释|指标|数据|统计|图表|模板|示例|样表|填报|分类|类别")


def _title_text(table: Table) -> str:
    return to_simplified(unicodedata.normalize("NFKC", " ".join([table.title or "", *table.notes])))


#: the peoples an autonomous prefecture, county or banner is named with between its short name and 自治州
#: (延边朝鲜族自治州, 恩施土家族苗族自治州)
_AUTONOMOUS = r"(?:[\u4e00-\u9fff]{1,4}?族){1,3}自治(?:州|县|旗)"
#: a place below the one just written (广州市 越秀区, 肇庆市 四会市, 西宁市 城中区, 阳泉市 城区): a district's or county's
#: own title or bureau. Not one: 各区 / 全区 / 本市 / 市区 / 区县, a word ending in 区 that names an area of the place's own
#: (深圳市辖区内, 地区生产总值, 农村地区, 社区, 景区, 园区, 片区, 郊区 ...), the city's urban area -- 中心城区 / 主城区
#: always, 城区 / 老城区 / 新城区 followed by words other than a bureau's or by a note on what it holds (广州市城区食品安全,
#: 西宁市城区市场主体发展情况, 广州市老城区改造, 广州市城区（不含从化）; but 阳泉市城区市场监督管理局, 阳泉市城区2025年 and
#: 洛阳市老城区 are the districts so named) --, a programme (示范城市, 先行示范区, 质量强市)
_PLACE_BELOW = re.compile(r"(?![各全本市区县])(?!城(?:市|乡|镇))(?!(?:中心|主)城区)"
                          r"(?!(?:老|新)?城区(?:(?!市场监督管理|市场监管|市监|人民政府|政府|分局)[\u4e00-\u9fff]|\(不?含))"
                          r"(?!(?:辖|地|社|景|园|片|郊|街|小|校|厂|库|山|牧|林|营|商|战|灾|疫|该|此|我|其)区)"
                          r"(?![\u4e00-\u9fff]{0,4}(?:(?:示范|先行|试验|强)(?:区|县|市)|(?:示范|文明|卫生|园林)城市))"
                          r"[\u4e00-\u9fff]{1,4}?(?:区|县|旗|市)(?<!地区)(?![场域级])")
#: a sheet's name for a reporting unit bureaus list beside their districts (市本级, 市直, 市直属, 本级, 县本级, 市级, 直属,
#: 市直单位, 市本级（含开发区）): its own region
_REPORTING_UNIT = re.compile(r"^(?:[省市州盟县区旗]?本级|[省市州盟县区旗]级|[省市州盟县区旗]?直属|[省市州盟县区旗]直)"
                             r"(?:单位|机关)?(?:[(（][^()（）]*[)）])?$")
#: the place a title's bureau or 填报单位 names (填报单位：广州市越秀区市场监督管理局 -> 广州市越秀区)
_TITLE_BUREAU = re.compile(r"(?:填报单位|报送单位|单位)?[:\s]*([\u4e00-\u9fff]{2,12}?)(?:市场监督管理局|市场监管局|市场监督管理委员会)")


def _short_name(name: str) -> bool:
    """Whether a sheet's name may be a place's short name (广州, 鼎湖, 端州): two or three Chinese characters, no
    province (广东) and no name saying its level (中山市, 鼎湖区, 全省; 州 may be a short name's own: 广州)."""
    return bool(_SHORT_PLACE.match(name)) and name not in PROVINCES and not name.endswith(
        tuple(set(REGION_SUFFIXES) - {"州"}))


def _title_region(name: str, table: Table) -> str:
    """The region a sheet named by a place's short name (广州) is written as in its own title or notes
    (``填报单位：广州市市场监督管理局`` -> ``广州市``; ``延边朝鲜族自治州`` for 延边), when they write it one way only;
    else ``""``. ``广州市场`` is not read as 广州市 + 场, nor ``广州市越秀区市场监督管理局`` as 广州市 (a district's
    bureau: the sheet is not the city's)."""
    if not _short_name(name):
        return ""  # 广东 is the province; 中山市 / 全省 say their level (中山市 is no 中山市市)
    text = _title_text(table)
    suffixes = "|".join(sorted(map(re.escape, REGION_SUFFIXES), key=len, reverse=True))
    written = set()
    for m in re.finditer(rf"{re.escape(name)}(?:{_AUTONOMOUS}|{suffixes})(?!场)", text):
        if _PLACE_BELOW.match(text, m.end()):
            return ""  # 广州市越秀区: the title of a district's figures
        written.add(m.group(0))
    if not written and _title_place(table) == name and f"{name}市场" in text:
        return f"{name}市"  # 填报单位：深圳市场监管局: 深圳市's bureau, its 市市 written once
    return written.pop() if len(written) == 1 else ""


def _title_below(name: str, table: Table) -> str:
    """The place below the sheet's own that its title writes (sheet 广州 titled 广州市越秀区市场监管指标 ->
    ``广州市越秀区``), why :func:`_title_region` read none for a short-named sheet; else ``""``."""
    if not _short_name(name):
        return ""
    text = _title_text(table)
    suffixes = "|".join(sorted(map(re.escape, REGION_SUFFIXES), key=len, reverse=True))
    for m in re.finditer(rf"{re.escape(name)}(?:{_AUTONOMOUS}|{suffixes})(?!场)", text):
        below = _PLACE_BELOW.match(text, m.end())
        if below:
            return m.group(0) + below.group(0)
    return ""


def _title_place(table: Table) -> str:
    """The place a sheet's title or notes name as its bureau or 填报单位 (``广州市越秀区``), when one; else ``""``."""
    places = {m.group(1) for m in _TITLE_BUREAU.finditer(_title_text(table))}
    return places.pop() if len(places) == 1 else ""


def _sheet_region(name: str, table: Table) -> str:
    """The region a sheet without a region column is read as, when confirmed: its name when written as a region's
    (鼎湖区, 全省, 广东, 延边州, 黔东南州) or a reporting unit's (市本级, 市直), or the place its title writes for its short
    name (广州 -> 广州市); else ``""`` (鼎湖 untitled, 备份, 食品, 原表: a copy, a topic or a short name nothing
    confirms). A two-character name ending in 州 (广州, 杭州) is a short name as 深圳 is, not a prefecture's."""
    if _NOT_PLACE_SHEET.search(name) or _title_elsewhere(name, table):
        return ""
    if _REPORTING_UNIT.match(name):
        return name
    named = is_region_name(name) and not (len(name) == 2 and name.endswith("州") and name not in PROVINCES)
    return name if named or is_total_region(name) else _title_region(name, table)


def _title_elsewhere(name: str, table: Table) -> str:
    """The place a sheet's title names as its bureau or 填报单位 when it is another than the sheet's (sheet 珠海 of a
    template copied from 广州市's; sheet 广州 titled 广州市越秀区市场监督管理局, a district's figures), else ``""``. Only
    a short name is checked: sheet 鼎湖区 titled 填报单位：肇庆市市场监督管理局 is the city's book of its districts."""
    place = _title_place(table) if _short_name(name) else ""
    if not place or is_total_region(name) or place.endswith(name) or _title_region(name, table):
        return ""
    return "" if place.startswith(name) and place[len(name):] in REGION_SUFFIXES else place


def _sheets_as_regions(lacking: list) -> bool:
    """Whether the sheets of a history without a region column are named after their regions: every sheet's
    region is confirmed (:func:`_sheet_region`) -- by its name ending as a place's does (区 县 市 州 旗 盟 ...),
    a province's short name (广东), or its title naming the place (sheet 广州, 填报单位：广州市市场监督管理局). One
    sheet nothing confirms (鼎湖 untitled, 备份, 食品 beside 鼎湖区 / 全市) refuses the book: a copy or a topic
    read as a region would be pooled as a peer."""
    return all(_sheet_region(str(name).strip(), t) for name, t in lacking)


def _unconfirmed_why(lacking: list) -> str:
    """Why :func:`_sheets_as_regions` refused: the sheets no region confirms, by reason."""
    odd, other_place, short = [], [], []
    places = {_title_place(t) for _, t in lacking}
    if len(places) == 1 and "" not in places and not any(_sheet_region(str(n).strip(), t) for n, t in lacking):
        place = places.pop()  # sheets 一月, 二月 all titled 填报单位：肇庆市...: one region's book
        return (f"every sheet's title names {place} and none is confirmed as a region: a workbook kept for {place} "
                f"alone (give region= / --region {place}), or one of its districts' sheets named short (name them in "
                "full: 鼎湖区)")
    for name, table in lacking:
        name = str(name).strip()
        if _sheet_region(name, table):
            continue
        if not _SHORT_PLACE.match(name) or _NOT_PLACE_SHEET.search(name):
            odd.append(name)
            continue
        place = _title_elsewhere(name, table) or _title_below(name, table)
        if place:
            other_place.append(f"{name}: {place}")
        else:
            short.append(name)
    parts = []
    if odd:
        parts.append(f"{'、'.join(odd[:8])} " + ("is no region's name" if len(odd) == 1 else "are no regions' names"))
    if other_place:
        parts.append(f"the titles of {'、'.join(n.split(':')[0] for n in other_place[:8])} name another place "
                     f"({'; '.join(other_place[:8])}) -- a copied template, or a district's bureau?")
    if short:
        parts.append(f"{'、'.join(short[:8])} " + ("is not confirmed as a region" if len(short) == 1 else
                     "are not confirmed as regions") + " (a place's short name: no place suffix such as 区 县 市 旗 -- "
                     "the 州 of 广州 / 杭州 is its name's own --, and no title naming the place, "
                     "填报单位：广州市市场监督管理局)")
    return "; ".join(parts)


def _history_sheets(book: Workbook, region: str | None) -> list[Table] | None:
    """Every sheet holding a history (years and values found) when there are two or more, else
    None (see :func:`load_sheets`). Sheets without a region column are read as their regions when
    named after them (:func:`_sheets_as_regions`: 广州, 深圳市, 全省); else, without ``region``, one
    problem lists them (not one per sheet)."""
    found = _complete_sheets(book, {"year", "value"}, plan=False)
    if found is None:
        return None
    lacking = [(name, t) for name, t in found if "region" not in t.frame.columns]
    if region is None and lacking and _sheets_as_regions(lacking):
        for name, table in lacking:
            name = str(name).strip()
            full = _title_region(name, table)
            table.frame["region"] = full or name  # sheet 广州 whose title says 广州市市场监督管理局: 广州市
            table.headers["region"] = f"(sheet name '{name}'" + (f", {full} in its title)" if full else ")")
    elif region is None and lacking:
        names = [name for name, _ in lacking]
        shown = "、".join(names[:8]) + (f" ... ({len(names)} sheets)" if len(names) > 8 else "")
        why = _unconfirmed_why(lacking)
        raise DataValidationError(
            f"sheets {shown} hold a history without a region column, and {why}: add a region column (地区), "
            "or name each sheet after its region (广州市), or give the region of a workbook kept for one region "
            "(region= / --region)", source=book.src)
    return [table for _, table in found]


def sheet_year(name) -> int | None:
    """The year a sheet's name gives its figures: ``2021``, ``2021年``, ``2021年度``, ``2021年末``,
    ``2021年1-12月``, ``2021年（快报）`` (as a column header names a year's figure); else None."""
    role = year_role(name)
    if revision_mark(name) == "final":  # 2023年（修订）: a sheet replacing another (said by _year_sheets)
        return None
    return role[0] if role is not None and role[1] == "" else None


def revision_mark(text) -> str:
    """``"final"`` for a header marking a year's final figure (``2023年（年报）``, ``2023年修订数``,
    ``2023年（最终核实）``), ``"preliminary"`` for a preliminary one (``2023年（快报）``, ``2023年预计``),
    else ``""``."""
    t = to_simplified(unicodedata.normalize("NFKC", str(text)))
    t = re.sub(r"(19|20)\d{2}\s*(年度|年)?", "", t)
    if any(w in t for w in _FINAL_WORDS):
        return "final"
    return "preliminary" if any(w in t for w in PRELIMINARY_WORDS) else ""


def preliminary_word(text) -> str:
    """The preliminary mark of a header or year cell naming one year's figure as preliminary --
    ``2025年（快报）`` -> ``"快报"``, ``2025年预计`` / ``2025年（预计完成）`` -> ``"预计"``, ``2025年初步核算数`` ->
    ``"初步核算"`` -- else ``""`` (a final figure's header, 2025年（年报）; a header naming no year, or not
    a year's figure). The word is the first of :data:`mstarget.validation.PRELIMINARY_WORDS` written."""
    if not isinstance(text, str) or year_role(text) is None or revision_mark(text) != "preliminary":
        return ""
    return preliminary_word_in(text)


#: a clause of a note, title or 备注 cell (split at punctuation and brackets: ``（2025年为快报数）`` in a
#: title ``2021-2025年主要指标（2025年为快报数）`` is a clause of its own; ``2024年为年报数、2025年为快报数``: two)
_NOTE_CLAUSE = re.compile(r"[，,；;。．:：()（）\[\]【】\n、]")
#: the whole year written as months (``1-12月``): not a part of it
_WHOLE_YEAR_MONTHS = re.compile(r"(?<!\d)1\s*[-—–~至到]\s*12\s*月")
_NOTED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年度|年)?")
#: a part of the year said of the year's figures in a note (``2024年为1-11月数据``, ``前三季度``, ``上半年``,
#: ``11月末``): a period of months, not followed by words saying it is when something changed or comes
#: (``2025年上半年起实施``, ``11月底前报送``)
_NOTED_PERIOD = re.compile(r"(\d{1,2}\s*[-—–~至到]\s*\d{1,2}\s*月(份)?|[上下]半年|前?[一二三四1-4]季度|前三季度"
                           r"|(?<!\d)([1-9]|1[01])\s*月\s*(末|底))"
                           r"(?!\s*(起|前|后|开始|以来|至今|实施|执行|施行|公布|发布|报送|上报|填报|更新|核实|\d|日|号))")
#: a bare month said of the year's figures: ``为11月数据``, ``11月份数据``, ``数据截至2025年11月``
_NOTED_MONTH = re.compile(r"(?<!\d)(?P<m>[1-9]|1[01])\s*月\s*份?\s*的?(数据|数值|统计数|累计数?|完成数|完成值|数)(?!量)"
                          r"|(截至|截止)(到|于)?\s*((19|20)\d{2}\s*年)?\s*(?P<m2>[1-9]|1[01])\s*月\s*(末|底|份)?(?![\d日号])"
                          r"|(为|系|是|仅为|均为)\s*(?P<m3>[1-9]|1[01])\s*月\s*份?\s*$")
#: words saying the year's figures are (or were revised to) final ones (``已由快报数修订为年报数``,
#: ``已经年报核实``): no preliminary mark
_NOTED_FINAL = re.compile(r"(修订|修正|更正|更新|调整|替换|改|核实|核定|确定)(后)?为.{0,4}?(年报|最终|核实|核定|正式|审定)"
                          r"|已(经|按|由)?.{0,6}?(核实|核定|修订|审定|更正)")
#: what may stand between two years one word is said of (``2024年、2025年为快报数``, ``2024年和2025年``)
_YEAR_JOINERS = re.compile(r"^[\s和及与、,，-]*$")


def _noted_part(text: str) -> str:
    """The part of the year ``text`` (one year's words in a note) says its figures are of: ``1-11月``,
    ``前三季度``, ``11月末``, ``截至11月``, ``11月`` -- ``""`` for a date saying when a rule changed or when
    figures come (``2023年5月起``, ``将于2026年3月``, ``2022年7月1日起``), and for ``1-12月`` (the year)."""
    text = _WHOLE_YEAR_MONTHS.sub("", text)
    if m := _NOTED_PERIOD.search(text):
        return re.sub(r"\s|份", "", m.group(1))
    if m := _NOTED_MONTH.search(text):
        month = m.group("m") or m.group("m2") or m.group("m3")
        return f"截至{month}月" if m.group("m2") else f"{month}月"
    return ""


def _noted_kind(said: str, whole: str) -> tuple[str, str] | None:
    """``("preliminary", word)`` or ``("part", months)`` for the words said of a year (``said``: after
    the year; ``whole``: with the words before it, ``数据截至2025年11月``), else None."""
    word = next((w for w in PRELIMINARY_WORDS if w in said), "")
    if word and not _NOTED_FINAL.search(said):  # 已由快报数修订为年报数: final, no mark
        return "preliminary", word
    part = _noted_part(whole)
    return ("part", part) if part else None


def noted_years(text) -> list[tuple[int, str, str]]:
    """What a note, a title or a 备注 cell says of a year's figures, as a header would say it:
    ``注：2025年数据为快报数，最终以统计年报为准`` -> ``[(2025, "preliminary", "快报")]`` (as ``2025年（快报）``),
    ``注：2024年为1-11月数据`` -> ``[(2024, "part", "1-11月")]`` (as ``2024年（1-11月）``: not the year's
    figure). Each word is said of the year it follows (``2024年为年报数、2025年为快报数``: 2025 only;
    ``2024年、2025年为快报数``: both); a year said to be (revised to) final figures (``2024年数据已由快报数修订为
    年报数``) is not marked. A part of the year is a period of the year's figures (``1-11月``, ``前三季度``,
    ``上半年``, ``11月末``, ``截至…11月``, ``为11月数据``), not a date saying when a rule changed or when
    figures come (``2023年5月起…``, ``将于2026年3月…``, ``2022年7月1日起``); ``1-12月`` is the year. A clause
    naming no year gives ``(0, kind, word)`` (the row's own year, for a 备注 cell of a long table)."""
    if not isinstance(text, str) or not text.strip():
        return []
    out, carried = [], []
    for clause in _NOTE_CLAUSE.split(to_simplified(unicodedata.normalize("NFKC", text))):
        found = list(_NOTED_YEAR.finditer(clause))
        if re.search(r"(19|20)\d{2}\s*年?\s*[-—–~至到]\s*(19|20)\d{2}", clause):
            found, carried = [], []  # 2021-2025年…预计: which years it means is not clear (said, not applied)
            rest = re.sub(r"(?<!\d)(19|20)\d{2}\s*(年度|年)?", " ", clause)
            said = _noted_kind(rest, rest)
            out += [(0, *said)] if said else []
            continue
        if not found:
            said = _noted_kind(clause, clause)
            if said:
                out += [(y, *said) for y in (carried or [0])]
            carried = []
            continue
        for k, m in enumerate(found):  # each year with the words after it, up to the next year
            end = found[k + 1].start() if k + 1 < len(found) else len(clause)
            after = clause[m.end():end]
            carried.append(int(m.group(1)))
            if _YEAR_JOINERS.match(after):  # 2024年、2025年为快报数: the next year's words are said of both
                continue
            said = _noted_kind(after, clause[0 if k == 0 else m.start():end])
            if said:
                out += [(y, *said) for y in carried]
            carried = []
    seen, kept = set(), []
    for item in out:  # one entry per year and kind
        if (item[0], item[1]) not in seen:
            seen.add((item[0], item[1]))
            kept.append(item)
    return kept


#: how a note the reader adds itself begins (columns of a year's growth beside its value), not a note of the table
_SAID_BY_READER = "not read: "


def apply_notes(src: str, notes: list, years: np.ndarray, marks: np.ndarray, *,
                remarks: list | None = None, wide: bool = True, partial_kept: str = "",
                say_vague: bool = True) -> np.ndarray:
    """A table's title / notes (``notes``) and its rows' 备注 cells (``remarks``: one array of cells per
    remarks column) saying a year's figures are preliminary or a part of the year (:func:`noted_years`),
    applied as the header would be (``2025年（快报）``, ``2024年（1-11月）``): rows of that year (``years``,
    one per row) get the preliminary word in ``marks`` (changed in place, where blank); a 备注 cell
    covers its own row only. Returns the rows of a year the note says is a part of the year (not read,
    as a column ``2024年（1-11月）`` is not; ``partial_kept``: what they are, read all the same -- a plan's
    baselines -- and warned so). Each note applied is warned, naming it; a note naming no year
    where the row's year is not its own (a wide table's 备注 ``快报数``) is warned as not applied."""
    n = len(years)
    partial = np.zeros(n, dtype=bool)
    applied: dict = {}  # (note, year, kind, word) -> rows
    vague = []

    def apply(note, rows, year, kind, word):
        if kind == "preliminary":
            rows = rows & (marks == "")
            marks[rows] = word
        else:
            partial[rows] = True
        if rows.any():
            key = (note.strip(), year, kind, word)
            applied[key] = applied.get(key, 0) + int(rows.sum())

    for note in notes:
        if not isinstance(note, str) or note.startswith(_SAID_BY_READER):  # the reader's own "not read: ..."
            continue
        for year, kind, word in noted_years(note):
            if year == 0:
                vague.append(note.strip())
                continue
            apply(note, years == year, year, kind, word)
    for cells in remarks or []:
        cells = np.asarray(cells, dtype=object)
        said = {c: noted_years(c) for c in pd.unique(cells) if isinstance(c, str) and c.strip()}
        for cell, items in said.items():
            if not items:
                continue
            on = cells == cell
            for year, kind, word in items:
                if year == 0 and wide:
                    vague.append(cell.strip())
                    continue
                for y in ([year] if year else np.unique(years[on & np.isfinite(years)])):
                    apply(cell, on & (years == y), int(y), kind, word)
    for (note, year, kind, word), count in applied.items():
        if kind == "preliminary":
            warnings.warn(MstargetWarning(
                f"{src}: 注 '{note}': {year}年的{count}个数据按{word}数读入并标注（{word}），与列名 {year}年（{word}） 相同 "
                f"(the note says {year}'s figures are preliminary ({word}): {count} figure{'s' if count > 1 else ''} "
                f"read as written and kept marked {word}, as under a column headed {year}年（{word}）; replace them by "
                "the final figures once published)"), stacklevel=4)
        elif partial_kept:
            warnings.warn(MstargetWarning(
                f"{src}: 注 '{note}': {year}年{partial_kept}为{word}数据，不是全年数 (the note says {year}'s "
                f"{count} {partial_kept} figure{'s' if count > 1 else ''} are for {word}, a part of the year: read as "
                "given, but progress counted from them is not a whole year's; give the whole year's figures and "
                "assess again)"), stacklevel=4)
        else:
            warnings.warn(UnreadColumnWarning(
                f"{src}: 注 '{note}': {year}年为{word}数据，不是全年数，未读取（{count}个数据） (the note says {year}'s "
                f"figures are for {word}, a part of the year, not the year's: {count} figure{'s' if count > 1 else ''} "
                f"of {year} not read, as a column headed {year}年（{word}） is not; give the whole year's figures "
                "when they are out)"), stacklevel=4)
    # 注：带*号的数据为快报数 names its figures by their mark, not by a year: the value reader applies it
    vague = [note for note in vague if not preliminary_footnotes([note])]
    for note in dict.fromkeys(vague) if say_vague else ():
        warnings.warn(UnreadColumnWarning(
            f"{src}: 注 '{note}' 未说明是哪一年，未应用 (the note says some figures are preliminary or for a part of the "
            "year but names no single year: not applied -- every figure is read as final; write the year, 2025年为快报数, "
            "or mark the column, 2025年（快报）)"), stacklevel=4)
    return partial


#: an indicator cell naming a table's total row (合计 under 指标名称): the sum of the rows above it, not an indicator
TOTAL_INDICATOR = re.compile(r"^(总?合计|总计|小计|共计|合計|總計|小計|total|sum|grand total)$", re.IGNORECASE)


def total_indicator_rows(src: str, indicator: np.ndarray, rows=None) -> np.ndarray:
    """Rows whose indicator cell names the table's total (``合计`` under 指标名称, :data:`TOTAL_INDICATOR`):
    left out by the history reader, with one warning naming them as a total row (as a region 合计 is
    named apart, :func:`mstarget.matching.table_totals`) -- summed across indicators of other units, it
    is no indicator to forecast. ``rows``: spreadsheet row of each (for the message)."""
    found = map_unique(indicator, lambda t: bool(TOTAL_INDICATOR.match(re.sub(r"\s+", "", str(t)))))
    total = np.asarray(found, dtype=bool)
    if total.any():
        words = sorted({str(t) for t in np.asarray(indicator, dtype=object)[total]})
        where = sorted({int(r) for r in np.asarray(rows)[total]}) if rows is not None and len(rows) == len(total) else []
        warnings.warn(MstargetWarning(
            f"{src}: 指标列中的 {'、'.join(repr(w) for w in words)} 是合计行，不是指标，未读取"
            + (f"（第{'、'.join(str(r) for r in where[:8])}行）" if where else "")
            + f" (a total row in the indicator column, not an indicator: its {int(total.sum())} figures left out)"),
            stacklevel=4)
    return total


def _given(cell) -> bool:
    """Whether a cell gives a figure: not blank, not a placeholder for none (``—``, ``/``, 暂无)."""
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return False
    text = str(cell).strip()
    return text != "" and text not in NO_FIGURE


def _superseded(years: dict, written: dict, frame: pd.DataFrame | None = None, *,
                merge: bool = False) -> tuple[list, list, list]:
    """A year given twice, its preliminary figure (``2023年（快报）``) beside its final one (``2023年（年报）``,
    ``2023年修订数``, ``2023年（最终核实）``, or the year alone ``2023年``), read **cell by cell**: a row's final
    figure where the final column gives one, else its preliminary figure, kept marked preliminary (a history:
    the preliminary column stays, its cells a final figure supersedes blanked, so that its header marks the
    figures left; ``merge``, a plan: those figures are moved into the final column, their cells marked
    ``2.31（快报）``, and the preliminary column taken out). Two preliminary columns: the one further right
    (written later) is used where the final one is blank.

    Returns ``(unread, merged, kept)``: the preliminary columns none of whose figures is read (every one
    superseded; taken out of ``years``, in place, and said by the reader as not read,
    :attr:`Table.unread`), the preliminary columns merged into their final one (taken out of ``years``), and
    for each year with preliminary figures kept ``(year, final header, [(preliminary header, figures
    read from it)], figures read from the final column)`` (:attr:`Table.kept_preliminary`, said by the
    reader, :func:`warn_kept_preliminary`)."""
    by_year: dict = {}
    for col, (year, role) in years.items():
        if role in ("", "baseline"):
            by_year.setdefault((year, role), []).append(col)
    rank = {"final": 2, "": 1, "preliminary": 0}
    unread, merged, kept = [], [], []
    position = {c: k for k, c in enumerate(frame.columns)} if frame is not None else {}
    for (year, _), cols in by_year.items():
        if len(cols) < 2:
            continue
        marks = {c: rank[revision_mark(written.get(c, c))] for c in cols}
        best = [c for c in cols if marks[c] == max(marks.values())]
        if len(best) != 1 or any(marks[c] != 0 for c in cols if c != best[0]):
            continue  # not one final figure over preliminary ones: left to the usual reading
        final = best[0]
        prelim = [c for c in cols if c != final]
        use = {}
        if frame is not None:
            taken = np.array([_given(v) for v in frame[final].tolist()], dtype=bool)
            n_final = int(taken.sum())
            for c in sorted(prelim, key=lambda c: position.get(c, 0), reverse=True):
                use[c] = np.array([_given(v) for v in frame[c].tolist()], dtype=bool) & ~taken
                taken |= use[c]
        if not any(u.any() for u in use.values()):  # every preliminary figure superseded: not read
            for c in prelim:
                del years[c]
                unread.append(c)
            continue
        if merge:  # a plan: one column per year, the preliminary figures marked in their cells
            cells = frame[final].to_numpy(dtype=object).copy()
            for c in prelim:
                word = preliminary_word(str(written.get(c, c))) or PRELIMINARY_WORDS[0]
                column = frame[c].to_numpy(dtype=object)
                for pos in np.flatnonzero(use[c]):
                    text = str(column[pos]).strip()
                    cells[pos] = text if revision_mark(text) == "preliminary" else f"{text}（{word}）"
                del years[c]
                merged.append(c)
            frame[final] = cells
        else:  # a history: the superseded preliminary cells blanked, the rest read under their header
            for c in prelim:
                frame[c] = frame[c].astype(object).where(use[c], "")
            replaced = np.logical_or.reduce([use[c] for c in prelim])  # the final cell blank or —: left blank
            if replaced.any():
                frame[final] = frame[final].astype(object).where(~replaced, "")
        kept.append((year, str(written.get(final, final)),
                     [(str(written.get(c, c)), int(use[c].sum())) for c in prelim], n_final))
    return unread, merged, kept


def warn_kept_preliminary(src: str, kept: list, *, sheets: bool = False, stacklevel: int = 4) -> None:
    """Say, for each year read from both its final and its preliminary figures (:func:`_superseded`,
    :func:`_sheets_by_year`), how many figures came from each: ``kept`` lists ``(year, final header,
    [(preliminary header, figures read from it)], figures read from the final one)``."""
    if not kept:
        return
    what, what_zh = ("sheet ", "工作表") if sheets else ("", "")
    said = []
    for year, final, prelims, n_final in kept:
        used = [(h, n) for h, n in prelims if n]
        zh = "，".join(f"{n}个取自{what_zh}'{h}'" for h, n in used)
        en = ", ".join(f"{n} from {what}'{h}'" for h, n in used)
        words = {preliminary_word(h) for h, _ in used} - {""}
        word = words.pop() if len(words) == 1 else "初步"
        said.append(f"{year}年数据{n_final}个取自{what_zh}'{final}'，{zh}（'{final}'无此数，按{word}数读入并标注） "
                    f"({year}'s figures: {n_final} from {what}'{final}', {en} where '{final}' gives none, read as "
                    f"preliminary and marked so)")
    warnings.warn(UnreadColumnWarning(
        f"{src}: {'; '.join(said)}. 快报数以年报数 / 修订数 / 最终核实数为准，年报空缺的指标仍按快报数计 (a preliminary "
        "figure is read only where the final one is not given; replace it once the final figure is published)."),
        stacklevel=stacklevel)


def _final_sheet_year(name) -> int | None:
    """The year of a sheet named as a year's final figures (``2025年（年报）``, ``2025年修订数``,
    ``2025年（最终核实）``), else None."""
    role = year_role(name)
    return role[0] if role is not None and role[1] == "" and revision_mark(name) == "final" else None


def _sheets_by_year(book: Workbook) -> tuple[dict, list, list]:
    """``({sheet index: year}, superseded, other)``: the sheets named by a year that are read; a year's
    sheet of preliminary figures (``2025年（快报）``) beside the same year's final one (``2025年（年报）``,
    ``2025年修订数``, or the year alone ``2025年``) is read too, as a 快报 column is beside its 年报 column
    (:func:`_superseded`), for the figures the final sheet does not give (:func:`_year_sheets` takes the
    others out): ``superseded`` lists ``(preliminary sheet's index, final sheet's index, year)``. A final
    figures' sheet alone for its year is that year's; beside a sheet named by the year alone (2023年 |
    2023年（修订）) it is not read (which replaces which is not said) and is listed in ``other`` with the
    sheets naming a year that are no year's figures (2023年1-6月)."""
    rank = {"final": 2, "": 1, "preliminary": 0}
    years, other = {}, []
    for k, (name, grid) in enumerate(book.sheets):
        year = sheet_year(name)
        if year is None:
            year = _final_sheet_year(name)
            filled = (grid.astype(str) != "").to_numpy().any()
            if year is None or not filled:
                if _names_a_year(name) and filled:
                    other.append(str(name))  # 2023年1-6月: said by _year_sheets if other sheets are years
                continue
        years.setdefault(year, []).append(k)
    chosen, superseded = {}, []
    for year, ks in years.items():
        marks = {k: rank[revision_mark(book.sheets[k][0])] for k in ks}
        best = [k for k in ks if marks[k] == max(marks.values())]
        if len(ks) > 1 and len(best) == 1 and all(marks[k] == 0 for k in ks if k != best[0]):
            for k in ks:  # 2025年（年报） over 2025年（快报）: the final figures win, row by row
                chosen[k] = year
            superseded += [(k, best[0], year) for k in ks if k != best[0]]
            continue
        for k in ks:
            if marks[k] == 2 and len(ks) > 1:  # 2023年（修订） beside 2023年: not read, said (as before)
                other.append(str(book.sheets[k][0]))
            else:
                chosen[k] = year
    return chosen, superseded, other


def _row_keys(table: Table) -> list:
    """Each row's series within a year's sheet: its region (where the sheet gives them) and indicator."""
    cols = [c for c in ("region", "indicator", "name") if c in table.frame.columns]
    return list(zip(*(_as_text(table.frame[c]) for c in cols))) if cols else [()] * len(table.frame)


def _take_rows(table: Table, keep: np.ndarray) -> None:
    """Keep the rows ``keep`` (a boolean mask) of a table found, with their spreadsheet rows."""
    table.frame = table.frame[keep].reset_index(drop=True)
    table.rows = np.asarray(table.rows)[keep]
    if table.cell_columns is not None:
        table.cell_columns = np.asarray(table.cell_columns, dtype=object)[keep]


def _without_superseded(tables: dict, superseded: list, book: Workbook) -> tuple[list, list]:
    """A year's preliminary sheet beside its final one (:func:`_sheets_by_year`): the preliminary sheet's
    rows whose series the final sheet gives a figure for taken out (in place), and the final sheet's
    rows left blank (``—``) for a series the preliminary sheet gives, so each figure is read once, the
    final one where given. Returns ``(dropped, kept)``: ``(sheet not read, sheet read, year)``
    for a preliminary sheet none of whose figures is left (taken out of ``tables``), and the
    :attr:`Table.kept_preliminary` entries of the years read from both."""
    dropped, kept = [], {}
    for k, best, year in superseded:
        if k not in tables or best not in tables:
            continue
        final, table = tables[best], tables[k]
        given_final = np.array([_given(v) for v in final.frame["value"].tolist()], dtype=bool)
        keys_final = {key for key, g in zip(_row_keys(final), given_final) if g}
        given = np.array([_given(v) for v in table.frame["value"].tolist()], dtype=bool)
        use = given & np.array([key not in keys_final for key in _row_keys(table)], dtype=bool)
        name, used = str(book.sheets[k][0]), str(book.sheets[best][0])
        if not use.any():
            dropped.append((name, used, year))
            del tables[k]
            continue
        _take_rows(table, use)
        taken = set(_row_keys(table))  # the final sheet's blank rows for them: the preliminary figure read
        blank = ~given_final & np.array([key in taken for key in _row_keys(final)], dtype=bool)
        if blank.any():
            _take_rows(final, ~blank)
        entry = kept.setdefault(best, (year, used, [], int(given_final.sum())))
        entry[2].append((name, int(use.sum())))
    return dropped, list(kept.values())


def _year_sheets(book: Workbook) -> list[Table] | None:
    """A history workbook keeping **one year per sheet** (sheet ``2021年``: 指标名称 | 单位 | 数值, an
    annual report each year): one table per sheet named by a year whose table has values but
    no year of its own, its ``year`` filled from the sheet's name; else None. A year's 快报 sheet
    beside its 年报 (修订, 最终核实) sheet is read for the figures the final one does not give, which are
    kept marked preliminary; a warning says how many figures came from each (or, none left, that the
    快报 sheet is not read: :func:`_sheets_by_year`)."""
    found, odd = {}, []
    chosen, superseded, other = _sheets_by_year(book)
    for k, (name, grid) in enumerate(book.sheets):
        year = chosen.get(k)
        if year is None:
            continue
        where = _part(book.src, name)
        try:
            table = book.table(k)
        except DataValidationError as exc:
            odd.append((name, where, exc.problems))
            continue
        titled = str(table.headers.get("year", "")).startswith("(title")  # 2021年…完成情况 above it
        if "value" in table.frame.columns and ("year" not in table.frame.columns or titled) and len(table.frame):
            if titled and _one_year_in(table.title) != year:
                odd.append((name, where, [Problem(
                    where, None, None, None, f"工作表名为 {year} 年，标题却是 '{table.title}' (the "
                    "sheet's name and its title name different years; correct one of them)")]))
                continue
            mark = preliminary_word(str(name).strip())  # a sheet 2025年（快报）: its figures are preliminary
            table.frame["year"] = f"{year}年（{mark}）" if mark else str(year)  # the reader keeps the mark
            table.headers["year"] = f"(sheet name '{name}')"
            found[k] = table
        else:
            odd.append((name, where, []))
    if found and odd:  # a year's sheet laid out otherwise would silently go missing: refused
        problems = []
        for name, where, inner in odd:
            problems.extend(inner or [Problem(
                where, None, None, None,
                f"工作表 '{name}' 与其他年份的工作表格式不同，无法读出该年的数值 (the other sheets named by a year "
                "hold 指标名称 | 数值 for that year; lay this one out the same way, or rename it if it is no "
                "year's table)")])
        raise DataValidationError(problems, source=book.src)
    dropped, kept = _without_superseded(found, superseded, book) if found else ([], [])
    if found and dropped:  # 2025年（快报） beside 2025年（年报）, every figure given by both: the final ones read, said
        said = "; ".join(f"{year}年取自工作表 '{used}'，未读取 '{name}' (sheet '{name}' not read: {year}'s figures are "
                         f"read from '{used}')" for name, used, year in dropped)
        warnings.warn(UnreadColumnWarning(
            f"{book.src}: {said}. 快报数以年报数 / 修订数 / 最终核实数为准 (a year's preliminary figures are superseded by "
            "its final ones)."), stacklevel=5)
    if found and kept:
        warn_kept_preliminary(book.src, kept, sheets=True, stacklevel=5)
    if found and other:  # a half year's or a revised sheet beside the years': not read, and said
        why = [f"'{n}' ({'a part of the year, not the year' if PART_OF_YEAR.search(n) else 'not a year’s figure'})"
               for n in other]
        warnings.warn(UnreadColumnWarning(
            f"{book.src}: 未读取的工作表 (sheets not read): {', '.join(why)}. Only sheets named by a year (2023年) "
            "are read, as that year's figures; if one of these replaces a year's sheet (修订), name it by the "
            "year and delete or rename the older one（工作表请以年份命名，如“2023年”）."), stacklevel=5)
    return list(found.values()) or None


#: a sheet name Excel / WPS gave and nobody changed
_DEFAULT_SHEET_NAME = re.compile(r"^\s*(sheet|工作表|表)\s*\d*\s*$", re.IGNORECASE)
_NAMES_INDICATOR = frozenset({"indicator", "name"})


def best_sheet(book: Workbook) -> Table:
    """The table of the sheet whose header the reader knows best (a single sheet: named by the
    file alone in messages)."""
    if len(book.sheets) == 1:
        return _from_grid(book.sheets[0][1], book.schema, book.src)
    return book.table(_best_index(book))


def best_index(book: Workbook) -> int:
    """The index of the sheet :func:`best_sheet` reads (0 for a single sheet)."""
    return 0 if len(book.sheets) == 1 else _best_index(book)


def _best_index(book: Workbook) -> int:
    scores = [_sheet_score(grid, book.schema) for _, grid in book.sheets]
    return scores.index(max(scores))  # the first of equals


def _same_layout(book: Workbook) -> list[Table]:
    """A plan's best table and every other sheet or document table under the very same header
    holding targets: 表1 市场主体发展主要指标 and 表2 食品药品安全主要指标 of one plan, or sheets
    主要指标 / 专项指标 laid out alike, are all read (one of them was left out, silently)."""
    if len(book.sheets) == 1:
        return [best_sheet(book)]
    best = _best_index(book)
    keys = [header_key(t) for t in book.header(best)]
    out = []
    for k in range(len(book.sheets)):
        if k != best and [header_key(t) for t in book.header(k)] != keys:
            continue
        try:
            table = book.table(k)
        except DataValidationError:
            if k == best:
                raise
            continue
        columns = set(table.frame.columns)
        if k == best or ("target" in columns and {"indicator", "name"} & columns and len(table.frame)):
            out.append(table)
    return out


def _part(src: str, name: str) -> str:
    """A sheet or a document's table as messages name it: ``plan.xlsx [sheet '主要指标']``,
    ``plan.docx [table 2]``."""
    document = Path(src).suffix.lower() in DOCUMENT_TYPES or _DOCUMENT_TABLE.fullmatch(str(name))
    return f"{src} [{name}]" if document else f"{src} [sheet '{name}']"


#: how :func:`mstarget.io.read_grids` names the tables of a document or web page
_DOCUMENT_TABLE = re.compile(r"table \d+")


def _indicator_sheets(book: Workbook) -> list[Table] | None:
    """One table per sheet of a workbook keeping one indicator per sheet, else None."""
    histories = []
    for k in range(len(book.sheets)):
        head = book.header(k)
        if _holds_targets(head):
            continue  # the plan's sheet of a workbook holding both
        if _NAMES_INDICATOR & {_canonical(t, book.schema) for t in head if t}:
            return None  # a sheet names its indicators itself: the usual reading
        histories.append(k)
    found = []
    for k in histories:
        try:
            table = book.table(k)
        except DataValidationError:
            continue  # not a table of this kind (a 说明 sheet); the usual reading reports it if chosen
        if {"year", "value"} <= set(table.frame.columns) and len(table.frame):
            found.append((str(book.sheets[k][0]).strip(), table))
    if len(found) < 2 or any(_DOCUMENT_TABLE.fullmatch(name) for name, _ in found):
        return None  # a web page's tables (a portal's export under an .xls name) have no names
    generic = [name for name, _ in found if _DEFAULT_SHEET_NAME.match(name)]
    if generic:
        listed = ", ".join(f"'{n}'" for n in generic)
        raise DataValidationError([Problem(
            book.src, None, None, None,
            f"工作表 {listed} 各为一个指标的地区 x 年份表，但名称是 Excel 默认名：请把每个工作表重命名为其"
            f"指标名称（右键工作表 -> 重命名，如 市场主体总量），或在各表加“指标名称”列 (the sheets {listed} "
            "each hold regions x years of one indicator, but their names are Excel's defaults, not "
            "indicator names; rename each sheet to its indicator or add a 指标名称 column to each sheet)")],
            source=book.src)
    for name, table in found:
        table.frame["name"] = name
        table.headers["name"] = f"(sheet name '{name}')"
    return [table for _, table in found]


def _sheet_score(grid: pd.DataFrame, schema: Schema) -> int:
    """How well a workbook's sheet holds the table ``schema`` reads: its header row's score, plus
    one for a plan sheet with a target column; a sheet with target columns is not a history."""
    cells = [str(v) for v in grid.iloc[find_header(grid, schema)].tolist()]
    targets = _holds_targets(cells)
    return _score(cells, schema) + (int(targets) if schema.what == "plan" else -3 * int(targets))


def _holds_targets(header: list[str]) -> bool:
    """A header with a plan's target column (``2025年目标``, ``目标值``): a plan's, not a history's."""
    return any(header_key(t) in _TARGET_ROLES | {"target"} or (year_role(t) or (0, ""))[1] == "target"
               for t in header if t)


def _as_text(column: pd.Series) -> list[str]:
    return ["" if pd.isna(v) else str(v).strip() for v in column.tolist()]


def _from_grid(grid: pd.DataFrame, schema: Schema, src: str = "<input>") -> Table:
    h = find_header(grid, schema)
    header = [str(v).strip() for v in grid.iloc[h].tolist()]
    h, header = _two_row_header(grid, h, header, schema)
    h, header, skipped = _year_subheaders(grid, h, header, schema)
    h, header, unit = _unit_row(grid, h, header)
    title_lines = []
    for pos in range(h):
        cells = [str(t) for t in grid.iloc[pos].tolist()]
        texts = list(dict.fromkeys(t for t in cells if t))
        line = " ".join(texts)
        m = _UNIT_LINE.match(to_simplified(line)) if len(texts) == 1 else None
        if m:
            unit = unit or m.group("unit")
        elif line and _score(cells, schema) < 2:  # the upper row of a two-row header is no title
            title_lines.append(line)
    body = grid.iloc[h + 1:]
    keep = [k for k, name in enumerate(header)
            if (name or (body.iloc[:, k] != "").any()) and k not in skipped]
    body = body.iloc[:, keep]
    texts = [header[k] or _blank_header(body.iloc[:, j]) for j, k in enumerate(keep)]
    names = _unique_names(texts)
    written = [t or n for t, n in zip(texts, names)]  # a repeated header stays as written
    body.columns = names
    body = _without_repeated_headers(body, [header[k] for k in keep])
    body, notes, sections = _drop_layout_rows(body)
    rows = body.index.to_numpy(dtype=int)
    frame = body  # renumbered in place: reset_index would copy every cell (1M rows: ~0.2 s)
    frame.index = pd.RangeIndex(len(frame))
    if skipped:
        notes = notes + [f"{_SAID_BY_READER}{', '.join(skipped.values())} (a year's growth or share beside its value)"]
    table = _with_sections(Table(frame, rows, title=" ".join(title_lines), notes=notes,
                                 header_row=int(grid.index[h])), sections)
    if unit:
        table.frame.attrs["_sheet_unit"] = unit
    return _canonicalise(table, written, schema, src)


def _unit_row(grid: pd.DataFrame, h: int, header: list[str]) -> tuple[int, list[str], str]:
    """A row of units under the header, which is no data: ``年份 | 市场主体总量 | 年报率`` over ``| 万户 |
    %`` (as statistical databases export a panel) -- each unit joins its column's header in parentheses
    (``市场主体总量（万户）``, read as the unit), when every filled cell of the row is a unit under a header
    that names no year and carries no unit of its own -- or one ``单位：万户`` line (the table's unit).
    Returns the header row, the headers and the table's unit ("" when none)."""
    if h + 1 >= len(grid):
        return h, header, ""
    below = [unicodedata.normalize("NFKC", str(v)).strip() for v in grid.iloc[h + 1].tolist()]
    filled = [k for k, t in enumerate(below) if t]
    line = _UNIT_LINE.match(to_simplified(below[filled[0]])) if len(set(below) - {""}) == 1 else None
    if line:
        return h + 1, header, line.group("unit")
    if not filled or any(k >= len(header) or not header[k] or year_role(header[k]) is not None
                         or split_unit(header[k])[1] or not is_unit_text(to_simplified(below[k]))
                         or re.search(r"\d", below[k]) for k in filled):
        return h, header, ""
    return h + 1, [f"{t}（{below[k]}）" if k in filled else t for k, t in enumerate(header)], ""


def _without_repeated_headers(body: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """``body`` without rows repeating the header (a table copied from a PDF or a printout
    repeats it at the top of every page): every filled cell equal to its column's header, two
    or more of them."""
    if body.empty or sum(1 for h in header if h) < 2:
        return body
    first = next(k for k, h in enumerate(header) if h)
    maybe = np.flatnonzero((body.iloc[:, first] == header[first]).to_numpy(dtype=bool))
    if not maybe.size:  # the usual case, decided on one column (a 1M-row history: ~10 ms)
        return body
    cells = body.iloc[maybe].to_numpy(dtype=object)
    head = np.array(header, dtype=object)
    same = cells == head
    repeat = (same | (cells == "")).all(axis=1) & ((same & (head != "")).sum(axis=1) >= 2)
    if not repeat.any():
        return body
    keep = np.ones(len(body), dtype=bool)
    keep[maybe[repeat]] = False
    return body[keep]


def _two_row_header(grid: pd.DataFrame, h: int, header: list[str], schema: Schema):
    """Headers on two rows: a parent cell (``主要指标值``, merged across) over ``2020年基数 |
    2025年目标``, or the other way round. Returns the last header row and the combined names:
    in each column the row whose text is a known header."""
    def known(t):
        return bool(t) and (_canonical(t, schema) is not None or year_role(t) is not None)

    by_region = _regions_with_roles(grid, h, schema) if schema.what in ("plan", "history") else None
    if by_region is not None:
        return by_region
    by_period = _periods_with_measures(grid, h, schema) if schema.what == "samples" else None
    if by_period is not None:
        return by_period
    pair = _attribute_pair(grid, h) if schema.what == "plan" else None
    if pair is not None:
        return pair
    for lo, hi in ((h, h + 1), (h - 1, h)):
        if lo < 0 or hi >= len(grid):
            continue
        upper = [str(v).strip() for v in grid.iloc[lo].tolist()]
        lower = [str(v).strip() for v in grid.iloc[hi].tolist()]
        adds = [k for k in range(len(upper)) if known(lower[k]) and not known(upper[k])]
        fits = all(not t or known(t) or t == u for t, u in zip(lower, upper))
        if adds and fits and sum(map(known, upper)) >= 1:
            return hi, [lower[k] if known(lower[k]) or not upper[k] else upper[k]
                        for k in range(len(upper))]
    for lo, hi in ((h, h + 1), (h - 1, h)):  # 基期值 | 规划值 over 2020年 | 2025年 (or under them)
        if lo < 0 or hi >= len(grid):
            continue
        upper = [str(v).strip() for v in grid.iloc[lo].tolist()]
        lower = [str(v).strip() for v in grid.iloc[hi].tolist()]
        joined = [_year_with_role(a, b) for a, b in zip(upper, lower)]
        rest_fit = all(j is not None or not b or a == b or known(b) for a, b, j in zip(upper, lower, joined))
        if any(j is not None for j in joined) and rest_fit:
            return hi, [j if j is not None else (a if a == b or not b else b)
                        for a, b, j in zip(upper, lower, joined)]
    return h, header


#: a sampling table's period header over its count columns: 2022年, 2022年度, 2023年上半年, 2023年第一季度, 2023Q1
_SAMPLES_PERIOD = re.compile(r"(?:19|20)\d{2}(?:年度|年)?(?:[上下]半年|第?[一二三四1-4]季度|[QqHh][1-4])?")


def _periods_with_measures(grid: pd.DataFrame, h: int, schema: Schema):
    """A sampling table's two-row header with a period on one row and what each column counts on the
    other (``2022年`` merged over ``抽检批次 | 不合格批次 | 不合格率``, the same for each year, or
    ``抽检批次`` merged over ``2022年 | 2023年``): ``(last header row, headers)`` with each column named
    ``2022年抽检批次``, as a one-row header writes it; None otherwise. A merged cell a CSV left blank
    after its first column takes that column's text."""
    def period(t):
        return bool(t) and _SAMPLES_PERIOD.fullmatch(re.sub(r"\s+", "", unicodedata.normalize("NFKC", t))) is not None

    def measure(t):
        key = header_key(t) if t else ""
        return bool(key) and not period(t) and (_canonical(t, schema) in ("tested", "failed")
                                                or "率" in key or "合格" in key)

    for lo, hi in ((h, h + 1), (h - 1, h)):
        if lo < 0 or hi >= len(grid):
            continue
        upper = [str(v).strip() for v in grid.iloc[lo].tolist()]
        lower = [str(v).strip() for v in grid.iloc[hi].tolist()]
        for periods, measures in ((upper, lower), (lower, upper)):
            periods, measures = _spread(periods, measures), _spread(measures, periods)
            cols = [k for k, (p, m) in enumerate(zip(periods, measures)) if period(p) and measure(m)]
            if not any(_canonical(measures[k], schema) in ("tested", "failed") for k in cols):
                continue
            rest = [k for k in range(len(upper)) if k not in cols]
            if any(upper[k] and lower[k] and upper[k] != lower[k] for k in rest):
                continue  # another two-row header: not this one
            return hi, [f"{periods[k]}{measures[k]}" if k in cols else (upper[k] or lower[k])
                        for k in range(len(upper))]
    return None


def _is_role(text: str, schema: Schema) -> bool:
    """A header cell saying which figure a column holds: in a plan ``2020年基数``, ``2025年目标``,
    ``2025年``, ``基期值``, ``目标值``; in a history a year (``2021年``, ``2021年末``)."""
    t = to_simplified(unicodedata.normalize("NFKC", text)).replace(" ", "")
    if schema.what != "plan":
        return bool(t) and (year_role(t) or (0, "x"))[1] == ""
    return bool(t) and (year_role(t) is not None or t in _BASELINE_ROLES or t in _TARGET_ROLES)


def _regions_with_roles(grid: pd.DataFrame, h: int, schema: Schema):
    """A two-row header with regions on one row and what each column holds on the other (a plan's
    ``2020年基数`` merged over ``端州区 | 鼎湖区``, or ``端州区`` merged over ``基期值 | 目标值``; a
    history's ``2021年`` over the districts, or each district over its years):
    ``(last header row, headers)`` with each region's columns named ``端州区2020年基数``; None
    otherwise. A merged cell a CSV left blank after its first column takes that column's text."""
    for lo, hi in ((h, h + 1), (h - 1, h)):
        if lo < 0 or hi >= len(grid):
            continue
        upper = [str(v).strip() for v in grid.iloc[lo].tolist()]
        lower = [str(v).strip() for v in grid.iloc[hi].tolist()]
        for regions, roles in ((upper, lower), (lower, upper)):
            regions, roles = _spread(regions, roles), _spread(roles, regions)
            cols = [k for k, (r, w) in enumerate(zip(regions, roles))
                    if r and _is_role(w, schema) and _region_header(r, schema) == (to_simplified(
                        unicodedata.normalize("NFKC", r)).replace(" ", ""), None, "target")]
            if len({regions[k] for k in cols}) < 2:
                continue
            rest = [k for k in range(len(upper)) if k not in cols]
            if any(upper[k] and lower[k] and upper[k] != lower[k] for k in rest):
                continue  # another two-row header: not this one
            return hi, [f"{regions[k]}{roles[k]}" if k in cols else (upper[k] or lower[k])
                        for k in range(len(upper))]
    return None


#: the headers of a plan's 约束性 | 预期性 pair of columns (a mark such as √ in the one that applies), as
#: :func:`header_key` reads them
ATTRIBUTE_MARK_HEADERS = {"约束性": "binding", "约束": "binding", "约束性指标": "binding", "约束型": "binding",
                          "约束型指标": "binding", "预期性": "expected", "预期性指标": "expected",
                          "预期型": "expected", "预期型指标": "expected"}
#: a header over such a pair: 属性, 指标属性, 指标性质, 指标类别, 类型 ...
_OVER_ATTRIBUTE_PAIR = re.compile(r"(属性|性质|类别|类型|分类)$")


def _attribute_pair(grid: pd.DataFrame, h: int):
    """A plan's two-row header with ``属性`` (指标属性, 指标类别 ...) merged over ``约束性 | 预期性``, each
    row marking the attribute that applies (√): ``(last header row, headers)`` with those two columns
    named ``约束性`` / ``预期性`` and the others by the text they have (merged down the two rows, or on one
    of them); None otherwise."""
    for lo, hi in ((h, h + 1), (h - 1, h)):
        if lo < 0 or hi >= len(grid):
            continue
        upper = [str(v).strip() for v in grid.iloc[lo].tolist()]
        lower = [str(v).strip() for v in grid.iloc[hi].tolist()]
        over = _spread(upper, lower)
        pair = [k for k, t in enumerate(lower) if t and header_key(t) in ATTRIBUTE_MARK_HEADERS
                and _OVER_ATTRIBUTE_PAIR.search(header_key(over[k]))]
        said = {ATTRIBUTE_MARK_HEADERS[header_key(lower[k])] for k in pair}
        if len(pair) != 2 or said != {"binding", "expected"} or over[pair[0]] != over[pair[1]]:
            continue
        rest = [k for k in range(len(upper)) if k not in pair]
        if any(upper[k] and lower[k] and upper[k] != lower[k] for k in rest):
            continue  # another two-row header: not this one
        return hi, [lower[k] if k in pair else (upper[k] or lower[k]) for k in range(len(upper))]
    return None


def _spread(cells: list[str], other: list[str]) -> list[str]:
    """A merged header cell that a CSV keeps in its first column only, carried right over the blank
    cells after it while the other header row has text there."""
    out, last = list(cells), ""
    for k, c in enumerate(cells):
        if c:
            last = c
        elif last and other[k] and k > 0 and out[k - 1] == last:
            out[k] = last
        else:
            last = ""
    return out


def _year_with_role(a: str, b: str) -> str | None:
    """``2020年基期值`` from a role over a bare year (``基期值`` / ``2020年``, or ``（2020年）`` in parentheses:
    ``基期值（2020年）``) or a year over a role, and ``2025年力争目标`` from a year's target over a two-tier
    target's part (``2025年目标值`` over ``预期目标 | 力争目标``); None unless together they read as a baseline,
    target or striven-for target."""
    upper = year_role(a) if a and b else None
    if upper is not None and upper[1] == "target" and year_role(b) is None and \
            header_key(b) in _TARGET_ROLES | STRIVEN_ROLES:  # 2025年目标值 over 预期目标 | 力争目标
        return f"{upper[0]}年{b}"
    for role, year in ((a, b), (b, a)):
        bare = year_role(year) if year else None
        if role and bare is not None and bare[1] == "" and year_role(role) is None:
            for text in (f"{year}{role}", f"{role}{year}"):  # （2020年）基期值 reads only as 基期值（2020年）
                if (year_role(text) or (0, ""))[1] in ("baseline", "target", "striven"):
                    return text
    return None


#: the sub-header of a year's value when a history splits each year (``2022年`` merged over
#: ``绝对数 | 比上年增长(%)``); the year's other sub-columns (growth, share) are not observations
_VALUE_SUBHEADERS = (_WIDE_ROLES - {""}) | {"绝对数", "绝对值", "总量", "总数", "数量", "金额", "规模", "合计",
                                          "当年值", "本年", "本年数", "value"}


def _year_subheaders(grid: pd.DataFrame, h: int, header: list[str], schema: Schema):
    """A history whose year headers are merged over two or more sub-columns, exactly one of them
    the year's value (``绝对数`` / ``数值`` ...), the others its growth or share: the value columns
    take the year, the others are skipped. Returns the last header row, the header and
    ``{column position: header as written}`` of the skipped columns (unchanged when not so)."""
    if schema.what != "history" or h + 1 >= len(grid):
        return h, header, {}
    lower = [str(v).strip() for v in grid.iloc[h + 1].tolist()]
    under: dict[str, list[int]] = {}
    year = None  # the year header a column falls under: merged across (filled) or left blank after it
    for k, t in enumerate(header):
        if t and year_role(t) is not None:
            year = t
        elif t or not lower[k]:
            year = None
        if year is not None:
            under.setdefault(year, []).append(k)
    split = {t: ks for t, ks in under.items() if len(ks) >= 2}
    in_split = {k for ks in split.values() for k in ks}
    if not split or any(lower[k] and k not in in_split and lower[k] != header[k] for k in range(len(header))):
        return h, header, {}
    skipped = {}
    for t, ks in split.items():
        values = [k for k in ks if header_key(lower[k]) in _VALUE_SUBHEADERS]
        if len(values) != 1 or any(not lower[k] for k in ks):
            return h, header, {}
        skipped.update({k: f"{t} {lower[k]}" for k in ks if k != values[0]})
    return h + 1, header, skipped


def _blank_header(column: pd.Series) -> str:
    vals = [v for v in column.tolist() if v]
    if vals and all(_SECTION.match(to_simplified(v)) for v in vals):
        return "group"  # a merged category column without a header: 一、市场主体 / 二、质量 ...
    return ""


def _unique_names(names: list[str]) -> list[str]:
    out, seen = [], {}
    for k, n in enumerate(names):
        n = n or f"column_{k + 1}"
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        else:
            seen[n] = 1
        out.append(n)
    return out


#: a table's caption on a row of its own, where two tables are stacked on one sheet
_CAPTION = re.compile(r"^\s*(续)?(附)?表\s*[0-9一二三四五六七八九十]+[-.．、\s]*[\u4e00-\u9fff]")
#: a section's ordinal alone in its cell (the 序号 column): 一 / 一、 / （一）
_ORDINAL_ALONE = re.compile(r"^\s*([(（]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．]?)\s*$")


def _split_sections(body: pd.DataFrame, nonblank: np.ndarray, count: np.ndarray) -> dict:
    """Section rows written across two cells, the ordinal under 序号 and the name under 指标
    (``（一） | 市场主体发展``, the rest blank or merged into the name): ``{row position: "（一）市场主体发展"}``,
    read as the one-cell ``（一）市场主体发展`` is."""
    first = body.iloc[:, 0].astype(str)
    maybe = np.flatnonzero((count >= 2) & nonblank[:, 0] & first.str.match(_ORDINAL_ALONE).to_numpy(dtype=bool))
    out = {}
    for pos in maybe:
        rest = [str(v).strip() for v, filled in zip(body.iloc[pos, 1:].tolist(), nonblank[pos, 1:]) if filled]
        if len(set(rest)) == 1 and not _PLAIN_FIGURE.match(rest[0]):
            ordinal = str(body.iloc[pos, 0]).strip()
            out[int(pos)] = ordinal + ("、" if ordinal[-1] in "一二三四五六七八九十" else "") + rest[0]
    return out


_PLAIN_FIGURE = re.compile(r"^[\s\d.,%％≥≤<>〔〕〈〉()（）+-]*$")


def _drop_layout_rows(body: pd.DataFrame):
    """Remove blank rows, notes rows and section rows (one text across the row)."""
    if body.empty:
        return body, [], None
    if held_as_objects(body):
        cells = body.to_numpy(dtype=object)
        nonblank, as_first = cells != "", cells == cells[:, :1]
    else:
        nonblank = (body != "").to_numpy(dtype=bool)
        as_first = body.eq(body.iloc[:, 0], axis=0).to_numpy(dtype=bool)
    count = nonblank.sum(axis=1)
    # one text across the row: a single filled cell, or a merged row repeating its first cell
    same = (as_first | ~nonblank).all(axis=1) & nonblank[:, 0]
    candidates = np.flatnonzero((count == 1) | ((count >= 1) & same))
    split = _split_sections(body, nonblank, count)  # （一） | 市场主体发展 | (blank or merged) ...
    if split:
        candidates = np.union1d(candidates, np.fromiter(split, dtype=int, count=len(split)))
    drop = set(np.flatnonzero(count == 0))
    notes, labels, in_notes = [], {}, False
    for pos, row in zip(candidates, body.iloc[candidates].to_numpy(dtype=object)):
        text = split.get(pos) or str(row[nonblank[pos]][0]).strip()
        key = to_simplified(text)  # 註 / 備註 / 資料來源 are notes too; the text is kept as written
        if in_notes or _NOTE.match(key):
            in_notes = True
            notes.append(text)
            drop.add(pos)
        elif _SECTION.match(key) or _CAPTION.match(key):  # 一、市场主体; 表2 食品药品安全主要指标
            labels[pos] = text
            drop.add(pos)
    sections = None
    if labels:
        said = {pos: m.group("word") for pos, text in labels.items()
                if (m := _ATTRIBUTE_SECTION.match(to_simplified(text).strip()))}
        if said and len(said) < len(labels) and _nested(labels, said):  # 一、约束性指标 over （一）食品安全 ...
            sections = {"attribute": _carried(said, len(body)),
                        "group": _carried({p: ("" if p in said else t) for p, t in labels.items()}, len(body))}
        else:
            sections = _carried(labels, len(body))
    if not drop:  # a plain table (most large ones): nothing to take out, nothing copied
        return body, notes, sections
    keep = np.setdiff1d(np.arange(len(body)), np.fromiter(drop, dtype=int, count=len(drop)))
    if isinstance(sections, dict):
        sections = {k: v[keep] for k, v in sections.items()}
    elif sections is not None:
        sections = sections[keep]
    return body.iloc[keep], notes, sections


#: a section row saying the attribute of the rows under it (``一、约束性指标``), above sections of groups
#: (``（一）食品安全``): read as the rows' attribute, the inner sections as their group
_ATTRIBUTE_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十]+[)）]|"
                                r"第[一二三四五六七八九十]+[部分类章项])?\s*(?P<word>约束性|预期性)(?:指标)?\s*[:：]?$")


def _section_level(text: str) -> int:
    """Which numbering a section label uses: 0 for 一、, 1 for （一）, 2 for 第一部分, 3 for none."""
    text = to_simplified(text).strip()
    for level, pattern in enumerate((r"[一二三四五六七八九十]+\s*[、.．]", r"[(（][一二三四五六七八九十]+[)）]",
                                     r"第[一二三四五六七八九十]+[部分类章项]")):
        if re.match(pattern, text):
            return level
    return 3


def _nested(labels: dict, said: dict) -> bool:
    """Whether the attribute's sections (``said``) are the outer level of ``labels``: the first section is one of
    them and no section of a group is numbered as they are (一、约束性指标 over （一）食品安全, not 一、市场主体 beside
    二、约束性指标 -- groups and the attribute at one level, refused by the plan reader)."""
    first = min(labels)
    levels = {_section_level(labels[p]) for p in said}
    return first in said and not any(_section_level(t) in levels for p, t in labels.items() if p not in said)


def _carried(labels: dict, n: int) -> np.ndarray:
    """Section labels ``{row: text}`` carried down to the rows under them (a blank label ends one), length ``n``."""
    lab = pd.Series(np.nan, index=range(n), dtype=object)
    for pos, text in labels.items():
        lab.iloc[pos] = text
    return lab.ffill().fillna("").to_numpy()


#: words saying a target column was adjusted (调整后目标, 2025年调整目标, 2025年目标（中期调整）, 2025年目标（修订）,
#: 修订后目标): an official revision of the plan's target (a 中期评估's 调整), which supersedes the target first written
_ADJUSTED = re.compile(r"中期调整后?的?|调整后的?|调整|修订后的?|修订")
#: the column keeping a plan's target as first written, beside an adjusted one (:func:`_adjusted_targets`)
ORIGINAL_TARGET = "target_original"
#: words marking the target as first written beside an adjusted one (``2025年目标（调整前）``, ``原2025年目标``)
_BEFORE_ADJUSTMENT = re.compile(r"[(（]\s*(调整|修订)前的?\s*[)）]|(调整|修订)前的?|^原(定|规划)?")
#: an adjusted target's cell saying the target is not changed (``不调整``, ``维持原目标``): the first target kept,
#: as for a blank cell
KEEP_TARGET = re.compile(r"^(不|未|无|不作|未作|不再|没有|暂不|暂未)调整|^(维持|保持)?不变$|^(维持|保持|同|沿用|执行)原?(目标|规划目标|目标值)$"
                         r"|^(同上|同原|无|/|／)$")


#: a column saying in words how a target was adjusted (``目标调整情况`` / ``调整情况`` / ``中期调整情况`` /
#: ``2025年目标调整情况``), its cells ``上调至3.5`` / ``下调为〔3.0〕`` / ``调整为≥95`` / ``未调整``
#: (:func:`_adjusted_targets` reads the figure after 调至 / 调整为 as the adjusted target)
_ADJUSTMENT_STATUS = re.compile(r"^(?P<year>(?:19|20)\d{2}年)?(?:目标值?)?(?:中期(?:评估)?)?(?:目标值?)?(?:调整|修订)"
                                r"(?:情况|状态|结果)$")
#: a cell giving the adjusted target in words: ``上调至3.5``, ``由3.12下调为3.0``, ``调整为≥95``, ``调至〔3.5〕``
_ADJUSTED_TO = re.compile(r"^(?:目标值?)?(?:由.{0,20}?)?(?:上调|下调|调增|调减|调高|调低|调整|修订|调)(?:至|为|到)"
                          r"(?P<figure>.+?)[。；;,，]?$")
#: a cell giving the adjustment as a change of the first target: ``上调0.5``, ``下调2个百分点``, ``提高0.3`` (the
#: target moved by the figure, in the row's unit; ``上调5%`` -- 5 % of the target or 5 points? -- is not read)
_ADJUSTED_BY = re.compile(r"^(?:目标值?)?(?P<way>上调|下调|调增|调减|调高|调低|提高|降低)了?"
                          r"(?P<delta>[0-9]+(?:\.[0-9]+)?)(?:个百分点|个点)?[。；;,，]?$")
#: a bare figure (``3.50``, ``95%``) that takes the notation of the target it adjusts
_BARE_FIGURE = re.compile(r"^-?[0-9][0-9,]*(?:\.[0-9]+)?%?$")
#: a target as first written in plan notation around one figure: ``〔3.12〕``, ``〈5〉``, ``≥98``, ``≥98%``
_NOTATED_FIGURE = re.compile(r"^(?P<pre>(?:≥|≤|>=|<=)?[〔〈\[【［《⟨]?)-?[0-9][0-9,]*(?:\.[0-9]+)?"
                             r"(?P<post>%?[〕〉\]】］》⟩]?%?)$")


def _adjustment_status(text) -> str | None:
    """The target header a column saying how a target was adjusted stands for (``目标调整情况`` ->
    ``目标``, ``2025年目标调整情况`` -> ``2025年目标``); None for another header."""
    m = _ADJUSTMENT_STATUS.match(re.sub(r"\s", "", to_simplified(unicodedata.normalize("NFKC", str(text)))))
    return None if m is None else f"{m['year'] or ''}目标"


def _adjusted_figure(value, first):
    """An adjusted target's cell as the target it gives: the figure after 调至 / 调整为 (``上调至3.5`` -> ``3.5``),
    and a bare figure in the notation of the target ``first`` written (``3.5`` beside ``〔3.12〕`` -> ``〔3.5〕``,
    ``95`` beside ``≥98`` -> ``≥95``); other cells as they are."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) and np.isfinite(value):
        text = str(value)  # 3.5 given as a number (a DataFrame) beside '〔3.12〕'
    elif not isinstance(value, str):
        return value
    else:
        text = re.sub(r"\s", "", to_simplified(unicodedata.normalize("NFKC", value)))
    said = _ADJUSTED_TO.match(text)
    if said:
        value = text = said["figure"]
    moved = _moved_target(text, first)
    if moved is not None:  # 上调0.5 beside 〔3.12〕: 3.62, then in the row's notation
        value = text = moved
    if not _BARE_FIGURE.match(text) or not isinstance(first, str):
        return value
    shape = _NOTATED_FIGURE.match(re.sub(r"\s", "", unicodedata.normalize("NFKC", first)))
    if shape is None or not (shape["pre"] or shape["post"].strip("%")):
        return value
    post = shape["post"] if "%" not in text else shape["post"].replace("%", "")
    return f"{shape['pre']}{text}{post}"

def _moved_target(text: str, first) -> str | None:
    """The figure of a target moved by a cell like ``上调0.5`` / ``下调2个百分点`` (:data:`_ADJUSTED_BY`) from the
    target first written (``〔3.12〕`` -> ``3.62``, as many decimals as either figure has); None when the cell is
    not such a move or the first target has no figure."""
    said = _ADJUSTED_BY.match(text)
    if said is None:
        return None
    if isinstance(first, (int, float, np.integer, np.floating)) and not isinstance(first, bool):
        base = str(first) if np.isfinite(first) else ""
    else:
        base = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(first))) if isinstance(first, str) else ""
    number = _figure_text(base)
    if number is None:
        return None
    sign = -1 if said["way"] in ("下调", "调减", "调低", "降低") else 1
    places = max(len(part.split(".")[1]) if "." in part else 0 for part in (number, said["delta"]))
    return f"{float(number) + sign * float(said['delta']):.{places}f}"


def _adjusted_target(text, schema: Schema) -> str | None:
    """The header an adjusted target's header stands for, its adjustment words taken out
    (``2025年调整目标`` / ``调整后2025年目标`` / ``2025年目标（中期调整）`` -> ``2025年目标``, ``调整后目标`` ->
    ``目标``); None for another header."""
    t = to_simplified(unicodedata.normalize("NFKC", str(text)))
    if not _ADJUSTED.search(t):
        return None
    plain = re.sub(r"[(（]\s*[)）]", "", _ADJUSTED.sub("", t)).strip()
    role = year_role(plain)
    if (role is not None and role[1] == "target") or (role is None and _canonical(plain, schema) == "target"):
        return plain
    return None


def _adjusted_targets(table: Table, written: list[str], schema: Schema, src: str) -> list[str]:
    """A plan's adjusted target column (``2025年调整目标``, ``调整后目标``, ``2025年目标（中期调整）``) is its
    target: alone, read as the target it names; beside the target first written for the same year (or the
    one target column), it wins -- a 中期调整 is the government's official revision, against which the plan
    is evaluated -- its blank (``—``) cells taking the first target, and the first target is kept as ``target_original`` (``read_plan`` notes the rows it
    changes and warns). Two adjusted columns for one target, or an adjusted one without a year beside
    targets of several years, are refused (which replaces which is not guessed). A column saying the adjustment
    in words (``目标调整情况``: ``上调至3.5`` / ``调整为≥95`` / ``未调整``) is read the same way (:func:`_status_cells`,
    :func:`_adjusted_figure`), unless an adjusted target column gives the figures; a bare adjusted figure takes its
    row's notation (``3.50`` beside ``〔3.12〕`` is ``〔3.50〕``)."""
    frame = table.frame
    cols = list(frame.columns)
    adjusted = {k: p for k, t in enumerate(written)
                if k < len(cols) and (p := _adjusted_target(t, schema) or _adjustment_status(t))}
    status = {k for k in adjusted if _adjustment_status(written[k])}  # 目标调整情况: 上调至3.5 / 未调整
    if len(status) < len(adjusted):  # 调整后目标 gives the figures: 调整情况 beside it explains them, left as it is
        adjusted = {k: p for k, p in adjusted.items() if k not in status}
        _status_agrees(table, cols, written, status, adjusted, src)
        status = set()
    if not adjusted:
        return written

    def target_of(text):  # (year or None) of a target header, or False for another header
        text = _BEFORE_ADJUSTMENT.sub("", to_simplified(unicodedata.normalize("NFKC", str(text)))).strip()
        role = year_role(text)
        if role is not None:
            return role[0] if role[1] == "target" else False
        return None if _canonical(text, schema) == "target" else False

    written = list(written)
    others = {k: target_of(t) for k, t in enumerate(written) if k < len(cols) and k not in adjusted}
    others = {k: y for k, y in others.items() if y is not False}
    for k, plain in adjusted.items():
        year = target_of(plain)
        same = [j for j, y in others.items() if year is None or y is None or y == year]
        twice = [written[j] for j, p in adjusted.items()  # 2025年调整目标 and 调整后目标 (its year unsaid): one target
                 if (y := target_of(p)) == year or y is None or year is None]
        if year is not None and not same and others:  # 2023年调整后目标 beside 2025年目标 only: not a 2023 target
            raise DataValidationError([Problem(src, None, written[k], None, (
                f"an adjusted target of {year}: '{written[k]}' stands beside the target column"
                f"{'s' if len(others) > 1 else ''} {', '.join(repr(written[j]) for j in others)}, of another year, "
                f"so which target it adjusts is not clear; if it adjusts that target, write the target's year in "
                f"its header（调整目标列名中的年份应与所调整的目标年份一致，如 2025年调整目标）; if {year} is the year of the "
                f"adjustment, write it apart（调整年份请写在备注中）"))], source=src)
        if len(twice) > 1 or len(same) > 1:  # which replaces which is not clear: refused, not guessed
            raise DataValidationError([Problem(src, None, written[k], None, (
                f"one adjusted target column per target: {', '.join(repr(t) for t in twice)} adjust the same target; "
                "keep one（调整后目标列只保留一列）" if len(twice) > 1 else
                f"an adjusted target column naming its year: '{written[k]}' stands beside targets of several years "
                f"({', '.join(repr(written[j]) for j in same)}), so which one it adjusts is not clear; write "
                "its year, 2025年调整目标（请在调整目标列名中写明年份）"))], source=src)
        if same:
            j = same[0]
            table.adjusted_target = (written[k], written[j])
            frame = frame.copy(deep=False)  # 上调至3.5 -> 3.5; 3.50 beside 〔3.12〕 -> 〔3.50〕 (the row's notation)
            if k in status:
                _status_cells(table, frame, cols, written, k, schema, frame[cols[j]].tolist())
            frame[cols[k]] = [_adjusted_figure(v, o) for v, o in zip(frame[cols[k]].tolist(), frame[cols[j]].tolist())]
            written[k] = written[j] if year is None else plain  # 调整后目标 beside 2025年目标: its year
            blank = ~frame[cols[k]].map(_given).to_numpy(dtype=bool)
            blank |= np.asarray(map_unique(frame[cols[k]], lambda v: isinstance(v, str) and bool(KEEP_TARGET.match(
                re.sub(r"\s", "", to_simplified(unicodedata.normalize("NFKC", v)))))), dtype=bool)  # 不调整

            def figure(v):  # 117 under 调整后目标 beside 〔117〕: the same target, its notation as first written
                return re.sub(r"[\s〔〕〈〉\[\]［］【】]", "", unicodedata.normalize("NFKC", str(v))) if _given(v) else None
            blank |= np.array([a is not None and a == figure(o) for a, o in
                               zip(map(figure, frame[cols[k]].tolist()), frame[cols[j]].tolist())], dtype=bool)
            if blank.any():  # a row the adjustment leaves blank (or —, 不调整) keeps its first target
                frame = frame.copy(deep=False)
                frame[cols[k]] = frame[cols[k]].where(~blank, frame[cols[j]])
            frame = frame.rename(columns={cols[j]: ORIGINAL_TARGET})
            table.headers[ORIGINAL_TARGET] = table.adjusted_target[1]
            written[j] = ORIGINAL_TARGET
        elif k in status:  # 目标调整情况 with no target beside it: what it adjusts is not there
            raise DataValidationError([Problem(src, None, written[k], None, (
                f"'{written[k]}' says how a target was adjusted, but no target column stands beside it; give the "
                "target as first written beside it, or the adjusted target in a column 2025年调整目标"
                "（目标调整情况列须与原目标列并列）"))], source=src)
        else:
            written[k] = plain
    table.frame = frame
    return written


def _figure_of(value) -> float | None:
    """The one figure of a target cell (``〔3.5〕``, ``≥95``, ``3.5``, ``上调至3.5``), None for other cells."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value) if np.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s", "", to_simplified(unicodedata.normalize("NFKC", value)))
    said = _ADJUSTED_TO.match(text)
    number = _figure_text(said["figure"] if said else text)
    return None if number is None else float(number)


def _figure_text(text: str) -> str | None:
    """The figure inside a target in plan notation (``〔3.12〕`` -> ``3.12``, ``≥98%`` -> ``98``, ``1,200`` ->
    ``1200``), as written; None when ``text`` (whitespace already taken out) is not one figure."""
    shape = _NOTATED_FIGURE.match(text)
    return None if shape is None else text[len(shape["pre"]):len(text) - len(shape["post"])].replace(",", "")


def _status_agrees(table: Table, cols: list, written: list[str], status: set, adjusted: dict, src: str) -> None:
    """A 目标调整情况 column beside an adjusted target column explains it (``因口径调整上调``); where its cell gives
    a figure (``上调至3.6``) that the adjusted column's figure on the row (``〔3.5〕``) is not, the file is refused
    naming the rows -- which of the two is the target is not guessed."""
    frame = table.frame
    rows = table.rows if len(table.rows) == len(frame) else np.arange(len(frame)) + 2
    for k in status:
        for a in adjusted:
            differ = [(int(rows[r]), v, w) for r, (v, w) in enumerate(zip(frame[cols[k]].tolist(), frame[cols[a]].tolist()))
                      if (x := _figure_of(v)) is not None and (y := _figure_of(w)) is not None and not np.isclose(x, y)]
            if differ:
                raise DataValidationError([Problem(src, r, written[k], str(v), (
                    f"'{written[k]}' says {v} but '{written[a]}' gives {w} on the same row: which is the adjusted "
                    f"target is not clear; make them agree or delete one（调整情况与调整后目标不一致，请核对）"))
                    for r, v, w in differ], source=src)


def _status_cells(table: Table, frame: pd.DataFrame, cols: list, written: list[str], k: int,
                  schema: Schema, first: list) -> None:
    """A 目标调整情况 column's cells (``frame`` changed in place): ``上调至3.5`` / ``调整为≥95`` / a figure read as
    the adjusted target, ``上调0.5`` as the first target (``first``, one per row) moved by 0.5; ``未调整`` /
    ``无`` / blank keep the first target; any other words (``拟调整``, ``已调整``, ``上调5%``)
    keep it too, the rows kept in ``table.adjustment_unread`` (``read_plan`` warns, naming them) -- an
    adjustment not given as a figure is not guessed."""
    name = next((c for c, t in zip(cols, written) if _canonical(t, schema) in ("name", "indicator")), None)
    odd = []
    cells = frame[cols[k]].tolist()
    for r, v in enumerate(cells):
        if not isinstance(v, str) or not _given(v):
            continue
        text = re.sub(r"\s", "", to_simplified(unicodedata.normalize("NFKC", v)))
        if (KEEP_TARGET.match(text) or _ADJUSTED_TO.match(text) or _BARE_FIGURE.match(text)
                or _NOTATED_FIGURE.match(text) or _moved_target(text, first[r]) is not None):
            continue
        odd.append(r)
        cells[r] = None
    table.adjustment_unread = []
    if not odd:
        return
    rows = table.rows if len(table.rows) == len(frame) else np.arange(len(frame)) + 2
    table.adjustment_unread = [(int(rows[r]), "" if name is None else str(frame[name].iloc[r]),
                                str(frame[cols[k]].iloc[r])) for r in odd]
    frame[cols[k]] = cells


def _canonicalise(table: Table, written: list[str], schema: Schema, src: str = "<input>") -> Table:
    """Rename recognised headers, resolve years in headers, melt a wide history.

    The steps: columns by region melted (:func:`_melted_by_region`), an indicator hierarchy and a plan's adjusted
    targets read, the headers named (:func:`_named_columns`), a preliminary column superseded by its final one left
    out (:func:`_superseded_left_out`), a plan's year columns given their roles (:func:`_plan_year_roles`), the
    columns renamed, and a wide table made long (:func:`_melted_wide`); last, what the headers, the title or the
    sheet say for every row (:func:`_fill_from_headers`)."""
    sheet_unit = table.frame.attrs.pop("_sheet_unit", "")
    written, melted = _melted_by_region(table, written, schema, src)
    written, forced = _indicator_levels(table, written, schema)
    if schema.what == "plan":  # 2025年调整目标 beside 2025年目标: the adjusted one read as the target
        written = _adjusted_targets(table, written, schema, src)
    n = _named_columns(table, written, schema, forced, src)
    table.headers.update(melted)  # the melted columns named as written (端州区 … 四会市), not "target"
    years = {col: year_role(text) for col, text in zip(table.frame.columns, written)
             if col not in n.rename and year_role(text) is not None}
    written = _superseded_left_out(table, written, years, schema)
    yearly, by_col = ([], {}) if schema.what != "plan" else _plan_year_roles(table, written, years, n, src)
    if n.problems:
        raise DataValidationError(n.problems, source=src)
    frame = table.frame.copy(deep=False)  # renamed without copying the cells (1M history rows: 0.5 s)
    frame.columns = [n.rename.get(c, c) for c in frame.columns]
    table.frame = frame
    if yearly:
        _melt_targets(table, yearly, by_col)
    _melted_wide(table, written, years, n.rename, schema)
    _fill_from_headers(table, n, schema, sheet_unit)
    return table


def _melted_by_region(table: Table, written: list[str], schema: Schema, src: str) -> tuple[list[str], dict]:
    """A plan's targets or a history's values in one column per region (指标名称 | 端州区 | 鼎湖区, 2021年 over the
    districts) melted to one row per region; returns the headers as written and the melted columns' names."""
    frame = table.frame
    known = {_canonical(t, schema) for t in written}
    if schema.what == "plan" and not {"region", "target"} & known:
        by_region = _region_columns(frame, written, schema)
        if by_region:  # 指标名称 | 端州区 | 鼎湖区: each region's target across (目标分解表)
            return _melt_regions(table, by_region, dict(zip(frame.columns, written)), src)
    elif schema.what == "history" and not {"region", "value"} & known and {"indicator", "name"} & known:
        by_region = _region_columns(frame, written, schema)
        if by_region:  # 指标名称 | 年份 | 端州区 | 鼎湖区, or 2021年 over the districts: values by region
            return _melt_region_values(table, by_region, dict(zip(frame.columns, written)), src, schema)
    return written, {}


@dataclass
class _Naming:
    """The columns' canonical names (:func:`_named_columns`), and what later steps add to them."""

    #: column -> canonical name
    rename: dict = field(default_factory=dict)
    #: canonical column -> a value every row takes (a year read off a header: 2025年目标 -> target_year 2025)
    defaults: dict = field(default_factory=dict)
    #: canonical column -> the unit its header writes (数值（万户）)
    header_units: dict = field(default_factory=dict)
    #: canonical names given, and the (column, header) each was given to
    taken: set = field(default_factory=set)
    taken_by: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


def _named_columns(table: Table, written: list[str], schema: Schema, forced: dict, src: str) -> _Naming:
    """Each header's canonical name: those an alias (or an indicator level, ``forced``) names first, then guessed ones
    (a column an alias names wins over a guess); a header repeated as written (规划值 twice) is a problem."""
    n = _Naming()
    frame = table.frame
    ordered = sorted(zip(frame.columns, written), key=lambda p: (p[0] not in forced,
                                                                 _canonical(p[1], schema, guessed=False) is None))
    for col, text in ordered:
        canon = forced[col] if col in forced else _canonical(text, schema)
        if canon and canon in n.taken and header_key(text) == header_key(n.taken_by[canon][1]) and col not in forced:
            _repeated(frame, col, n.taken_by[canon][0], text, src, n.problems)  # 规划值 twice
        if canon and canon not in n.taken and (canon == col or canon not in frame.columns):
            n.rename[col] = canon
            n.taken.add(canon)
            n.taken_by[canon] = (col, text)
            table.headers[canon] = text
            unit = split_unit(text)[1]
            if unit and canon in ("value", "baseline", "target"):
                n.header_units[canon] = unit
    return n


def _superseded_left_out(table: Table, written: list[str], years: dict, schema: Schema) -> list[str]:
    """A preliminary year's column beside its final one (2023年（快报） | 2023年（年报）): said as not read, or (a
    plan) read in the final column where it is blank (:func:`_superseded`); returns the headers left."""
    if schema.what == "samples" or len(years) <= 1:
        return written
    frame = table.frame = table.frame.copy(deep=False)  # (a preliminary column's cells may be changed)
    superseded, merged, table.kept_preliminary = _superseded(
        years, dict(zip(frame.columns, written)), frame, merge=schema.what == "plan")
    if not (superseded or merged):
        return written
    by_col = dict(zip(frame.columns, written))
    table.unread = [str(by_col[c]) for c in superseded]
    keep = [k for k, c in enumerate(frame.columns) if c not in superseded and c not in merged]
    table.frame = frame.drop(columns=superseded + merged)
    return [written[k] for k in keep if k < len(written)]


def _plan_year_roles(table: Table, written: list[str], years: dict, n: _Naming, src: str) -> tuple[list, dict]:
    """A plan's year columns given their roles: the base year, yearly targets (2023年目标 | 2025年目标: returned to be
    melted), later actuals (2022年完成值 -> ``observed_2022``), striven-for years; columns naming a year that are
    not read said so. Returns ``(yearly targets, header as written by column)``."""
    frame = table.frame
    by_col = dict(zip(frame.columns, written))
    yearly: list = []
    _targets_by_cells(frame, years, table.title)
    base = _base_year(years, table.title)
    later = _later_actuals(frame, years, base)
    if "target" not in n.taken and "target_year" not in n.taken:
        yearly = _yearly_targets(frame, years)
        if yearly:
            n.taken.update({"target", "target_year"})
    _roles_once(frame, years, by_col, src, n.problems)
    later += _plan_years(frame, years, n.taken, n.rename, n.defaults, table.headers, by_col, base)
    _striven_years(years, n.defaults, n.taken, n.rename, table.headers, by_col, src, n.problems)
    first = int(n.defaults.get("baseline_year", 0) or 0)
    table.earlier = [str(by_col[c]) for y, c in sorted(later) if y < first]  # 2020年 in a 十五五 table
    for year, col in later:  # 2022年完成值 in a plan: an observation, kept as observed_2022
        name = f"{OBSERVED_PREFIX}{year}"
        if name in n.taken or name in frame.columns:
            n.problems.append(Problem(src, None, str(by_col[col]), None,
                                      f"one column per year of observations ({year} appears twice)"))
            continue
        n.rename[col], table.headers[name] = name, by_col[col]
        n.taken.add(name)
    used = set(n.rename) | {c for _, c in yearly}
    table.unread += [str(by_col.get(c, c)) for c in frame.columns  # 2023年1-9月, 2022年增速: said, not dropped
                     if c not in used and _names_a_year(by_col.get(c, c)) and any(_as_text(frame[c]))
                     and not _OWN_COLUMN.fullmatch(str(c))  # a plan read before: its own columns
                     # 2021-2025年年均增长: a plan's growth column, read where its target is blank
                     and not GROWTH_HEADER.search(str(by_col.get(c, c)))]
    return yearly, by_col


def _melted_wide(table: Table, written: list[str], years: dict, rename: dict, schema: Schema) -> None:
    """A wide history made long: one column per year (2021年 | 2022年, the columns naming a year that are not
    observations said and left out), or one column per indicator beside a year column."""
    frame = table.frame
    if schema.what == "history" and "year" not in frame.columns and "value" not in frame.columns:
        observed = {c: yr for c, yr in years.items() if yr[1] not in ("target", "striven")}
        if observed:
            by_col = dict(zip(frame.columns, written))
            table.unread_columns = [c for c in frame.columns  # 2023年1-9月, 2022年增速: said, then left out
                                    if c not in observed and c not in rename and _names_a_year(by_col.get(c, c))
                                    and any(_as_text(frame[c]))]
            table.unread += [str(by_col.get(c, c)) for c in table.unread_columns]
            _melt_years(table, observed, by_col)
    elif schema.what == "history" and "year" in frame.columns and "value" not in frame.columns \
            and not {"indicator", "name"} & set(frame.columns):
        written_of = dict(zip(frame.columns, written))
        across = [c for c in frame.columns if c not in schema.canonical and c != "group"
                  and _canonical(written_of[c], schema) is None  # a second 城市 beside 省份
                  and header_key(written_of[c]) not in _NOT_INDICATORS and any(_as_text(frame[c]))]
        if across:
            _melt_indicators(table, across, written_of)


def _fill_from_headers(table: Table, n: _Naming, schema: Schema, sheet_unit: str) -> None:
    """What the headers, the title or the sheet say for every row, filled where its cell is blank: a year read off a
    header (2025年目标), a plan's years from its title, a history's one year from its title (鼎湖区2023年主要指标完成情况),
    the unit a header or the sheet writes (数值（万户）, 单位：万户 above the table)."""
    frame = table.frame
    for col, value in n.defaults.items():
        _fill_blank(frame, col, value)
    if schema.what == "plan":
        _years_from_title(frame, table.title)
    elif "value" in frame.columns and "year" not in frame.columns:
        year = _one_year_in(table.title)
        if year:  # 鼎湖区2023年主要指标完成情况 over 指标名称 | 单位 | 数值
            frame["year"] = str(year)
            table.headers["year"] = f"(title '{table.title}')"
    unit = next(iter(n.header_units.values()), "") or sheet_unit
    if unit:
        if "unit" not in table.headers:  # messages about the unit name where it was written
            table.headers["unit"] = (n.taken_by[next(iter(n.header_units))][1] if n.header_units
                                     else f"单位：{sheet_unit}（表格上方）")
        _fill_blank(frame, "unit", unit)


#: a level of a table's indicator hierarchy: 一级指标 | 二级指标 | 三级指标 (also 1级指标, 二级分类)
_LEVEL_HEADER = re.compile(r"^(?P<n>[一二三四五六七八九1-9])级(指标|分类|类别|目录|领域)(名称)?$")


def _indicator_levels(table: Table, written: list[str], schema: Schema) -> tuple[list[str], dict]:
    """A plan's indicators named on two or more columns: ``一级指标 | 二级指标 (| 三级指标)``, or one
    header (``主要指标``, as the 鼎湖 plan publishes it) merged over the category and the name. The
    most specific level filled in a row is its ``name``, the levels above it its ``group`` (joined by
    `` / ``; a row whose category and name are one cell merged across reads it as the name); a
    table with its own 指标名称 column keeps that as the name, the levels all group. (A CSV keeps a
    merged header in its first column: ``主要指标`` over a category column then a blank header.) Returns the
    headers (the levels' columns joined into one) and ``{column: canonical name}`` for the columns
    so read (an empty name: kept under its own header, where the table has a group already)."""
    frame = table.frame
    if schema.what != "plan" or frame.shape[1] < 2:
        return written, {}
    cols = list(frame.columns)
    given, written = written, list(written) + [str(c) for c in cols[len(written):]]  # (section rows' group)
    keys = [header_key(t) for t in written]
    levels = {}
    for k, key in enumerate(keys):
        m = _LEVEL_HEADER.match(key)
        if m:
            n = m.group("n")
            levels.setdefault(int(n) if n.isdigit() else "一二三四五六七八九".index(n) + 1, k)
    levels = [k for _, k in sorted(levels.items())] if len(levels) >= 2 else []
    named = [k for k in range(len(cols)) if k not in levels
             and _canonical(written[k], schema, guessed=False) in ("name", "indicator")]
    if not levels:  # one header merged over the category and the name: 主要指标 | 主要指标
        for k in range(len(cols) - 1):
            run = [k]
            while run[-1] + 1 < len(cols) and written[k] and (written[run[-1] + 1] == written[k] or (
                    len(run) == 1 and re.fullmatch(r"column_\d+", written[k + 1]))):  # a CSV: blank right of it
                run.append(run[-1] + 1)
            if len(run) >= 2 and _canonical(written[k], schema) in ("name", "indicator") and \
                    len({tuple(_as_text(frame[cols[j]])) for j in run}) > 1 and _categories(frame[cols[k]]):
                levels, named = run, [j for j in named if j not in run]
                break
    if not levels:
        return given, {}
    cells = np.array([_as_text(frame[cols[k]]) for k in levels], dtype=object).T  # rows x levels
    own_name = bool(named)
    group, name = [], []
    for row in cells:
        filled = [t for t in dict.fromkeys(row) if t]  # a cell merged across two levels counts once
        if own_name:
            group.append(" / ".join(filled))
        else:
            name.append(filled[-1] if filled else "")
            group.append(" / ".join(filled[:-1]))
    has_group = "group" in frame.columns or any(_canonical(t, schema) == "group" for k, t in enumerate(written)
                                                   if k not in levels)
    frame = frame.copy(deep=False)
    forced = {}
    if not own_name:
        frame[cols[levels[-1]]] = np.array(name, dtype=object)
        forced[cols[levels[-1]]] = "name"
        upper = levels[:-1]
    else:
        upper = levels
    if not has_group:
        frame[cols[upper[0]]] = np.array(group, dtype=object)
        forced[cols[upper[0]]] = "group"
        drop = [cols[k] for k in upper[1:]]
    else:  # a 类别 column or section rows give the group: the upper levels kept under their headers
        forced.update({cols[k]: "" for k in upper})
        drop = []
    keep = [k for k, c in enumerate(cols) if c not in drop]
    table.frame = frame.drop(columns=drop) if drop else frame
    return [written[k] for k in keep], forced


def _categories(column: pd.Series) -> bool:
    """A column of categories: each repeated down its rows (merged down, or blank below its first row
    as a CSV keeps it), no row numbers -- not a second list of names pasted under the same header."""
    cells = _as_text(column)
    filled = [t for t in cells if t]
    if not filled or all(re.fullmatch(r"\d+", t) for t in filled):
        return False
    return len(set(filled)) < len(cells)


def _region_header(text, schema: Schema) -> tuple[str, int | None, str] | None:
    """``(region, year, role)`` of a header naming a region: ``端州区`` (year unknown; in a plan its
    target), ``端州区2025年目标`` / ``端州区（2020年基数）`` / ``广东省目标值`` / ``端州区2021年``; role
    ``baseline``, ``target`` or ``""`` (a bare year); None for any other header, and for the
    region column's own header (城市, 区县)."""
    t = to_simplified(unicodedata.normalize("NFKC", str(text))).replace(" ", "").strip("“”\"'")
    if _canonical(t, schema) is not None:  # 城市 / 区县: the region column's own header
        return None
    if (is_region_name(t) or is_total_region(t)) and year_role(t) is None:  # 合计: the table's total, a region
        return t, None, "target"
    for k in range(2, len(t)):
        region, rest = t[:k], t[k:].strip("()（）:：-_/")
        if not (is_region_name(region) or is_total_region(region)):
            continue
        yr = year_role(rest)
        if yr is not None and yr[1] in ("baseline", "target", ""):  # "": a bare year, 端州区2025年
            return region, yr[0], yr[1]
        if rest in _BASELINE_ROLES:
            return region, None, "baseline"
        if rest in _TARGET_ROLES:
            return region, None, "target"
    return None


def _region_columns(frame: pd.DataFrame, written: list[str], schema: Schema) -> dict:
    """Columns of a plan or history that hold each region's figures (``{column: (region, year, role)}``):
    two regions or more, none of them a known header -- or, in a history with a year column (``指标名称 | 单位 |
    年份 | 鼎湖区``, a city's table cut down to one district), one; else ``{}``."""
    found = {c: r for c, t in zip(frame.columns, written) if (r := _region_header(t, schema)) is not None}
    regions = len({r for r, _, _ in found.values()})
    alone = (regions == 1 and schema.what == "history" and len(found) == 1
             and "year" in {_canonical(t, schema) for t in written})
    return found if regions >= 2 or alone else {}


#: what a history by region without a year is told (``Table.year_hint``, shown by ``read_history``)
REGIONS_WITHOUT_YEAR = ("columns {names} read as each region's figures, but no year is given: add a 年份 column, "
                        "write the year in the headers (端州区2023年, or 2023年 over the regions) or in the table's "
                        "title (2023年主要指标完成情况); 年份未注明")


def _melt_region_values(table: Table, by_region: dict, written_of: dict, src: str,
                        schema: Schema) -> tuple[list[str], dict]:
    """A history table with one column per region (``指标名称 | 年份 | 端州区 | 鼎湖区``; a year's
    table ``指标名称 | 端州区 | 鼎湖区`` whose title names the year; ``端州区2021年`` headers or a year
    merged over the districts): one observation per filled cell, with the column's region and
    year (else the table's year column, else the title's year). Returns the new columns' written
    headers and the headers messages name the melted columns by."""
    frame = table.frame
    cols = list(by_region)
    years = [by_region[c][1] for c in cols]
    if any(y is None for y in years) and any(y is not None for y in years):
        raise DataValidationError([Problem(src, None, str(written_of[cols[years.index(None)]]), None,
                                           "some region columns name a year and others do not: write the year "
                                           "over every region's column (端州区2021年) or in a 年份 column")],
                                  source=src)
    has_year = "year" in [_canonical(written_of[c], schema) for c in frame.columns if c not in cols]
    long, cells, ri, ci = _unpivot(frame, cols)
    long["region"] = np.array([by_region[c][0] for c in cols], dtype=object)[ci]
    long["value"] = cells
    if years[0] is not None:
        if has_year:
            raise DataValidationError([Problem(src, None, str(written_of[cols[0]]), None,
                                               "the region columns name years and the table has a year column "
                                               "too: keep one of them")], source=src)
        long["year"] = np.array([str(y) for y in years], dtype=object)[ci]
    written = np.array([str(written_of[c]) for c in cols], dtype=object)
    table.cell_columns = written[ci]
    table.rows = table.rows[ri]
    span = f"{written[0]} … {written[-1]}"
    long.attrs = dict(frame.attrs)
    if years[0] is None and not has_year:  # the year may still come from the title or the sheet's name
        names = ", ".join(str(written_of[c]) for c in cols[:4]) + (" ..." if len(cols) > 4 else "")
        table.year_hint = REGIONS_WITHOUT_YEAR.format(names=names)
    table.frame = long
    return [written_of.get(c, c) for c in long.columns], {"region": span, "value": span}


def _bare_years(by_region: dict) -> dict:
    """Bare years under a region (``端州区`` over ``2020年 | 2025年``) as a plan reads them: the latest
    the target, the earliest the baseline (unless the region names them otherwise)."""
    out = dict(by_region)
    for region in {r for r, _, _ in by_region.values()}:
        bare = sorted((y, c) for c, (r, y, role) in by_region.items() if r == region and role == "")
        have = {role for r, _, role in by_region.values() if r == region}
        if bare and "target" not in have:
            y, c = bare.pop()
            out[c] = (region, y, "target")
        if bare and "baseline" not in have:
            y, c = bare.pop(0)
            out[c] = (region, y, "baseline")
        for _, c in bare:  # years in between: not a plan's figure here
            del out[c]
    return out


def _melt_regions(table: Table, by_region: dict, written_of: dict, src: str) -> tuple[list[str], dict]:
    """A plan table with one column per region (目标分解表: ``指标名称 | 单位 | 端州区 | 鼎湖区``, or a
    ``2020年基数`` and a ``2025年目标`` column per region): one plan row per indicator and region,
    with that region's target (and baseline). A year missing from the headers comes from the title
    (``2025年目标分解``; “十四五” is read later). Returns the new columns' written headers and the
    headers messages name the melted columns by."""
    frame = table.frame
    by_region = _bare_years(by_region)
    roles: dict = {}
    problems = []
    for col, (region, year, role) in by_region.items():
        if (region, role) in roles:
            other = roles[(region, role)][0]
            problems.append(Problem(src, None, str(written_of[col]), None,
                                    f"地区{region}有两个{'基期值' if role == 'baseline' else '目标值'}列 "
                                    f"('{written_of[other]}', '{written_of[col]}')：无法判断使用哪一列 (two "
                                    f"{role} columns for region {region}; keep one)"))
        roles[(region, role)] = (col, year)
    if problems:
        raise DataValidationError(problems, source=src)
    targets = [(region, col, year) for (region, role), (col, year) in roles.items() if role == "target"]
    if not targets:
        raise DataValidationError([Problem(src, None, str(written_of[next(iter(by_region))]), None,
                                           "columns by region give baselines but no target (目标值) for any "
                                           "region: add each region's target column")], source=src)
    title_year = _one_year_in(table.title)
    if title_year is None and not _FYP.search(table.title or "") and all(y is None for _, _, y in targets):
        names = ", ".join(str(written_of[c]) for _, c, _ in targets[:4]) + (" ..." if len(targets) > 4 else "")
        raise DataValidationError([Problem(
            src, None, str(written_of[targets[0][1]]), None,
            f"columns {names} read as each region's target (目标分解表), but no target year is given: "
            "write it in the headers (端州区2025年目标, or 2025年目标 over the regions) or in the table's title "
            "(2025年目标分解); 目标年份未注明")], source=src)
    cols = [c for _, c, _ in targets]
    long, cells, ri, ci = _unpivot(frame.drop(columns=[c for c in by_region if c not in cols]), cols,
                                   keep_empty_rows=True)
    regions = np.array([r for r, _, _ in targets], dtype=object)
    long["region"] = regions[ci]
    long["target"] = cells
    years = [y if y is not None else title_year for _, _, y in targets]
    if any(y is not None for y in years):
        long["target_year"] = np.array(["" if y is None else str(y) for y in years], dtype=object)[ci]
    base = {region: roles.get((region, "baseline")) for region in regions}
    if any(b is not None for b in base.values()):
        values = np.full(len(long), "", dtype=object)
        byear = np.full(len(long), "", dtype=object)
        for k, region in enumerate(regions):
            if base[region] is None:
                continue
            col, year = base[region]
            at = ci == k
            values[at] = frame[col].to_numpy(dtype=object)[ri[at]]
            byear[at] = "" if year is None else str(year)
        long["baseline"] = values
        if (byear != "").any():
            long["baseline_year"] = byear
    written = np.array([str(written_of[c]) for c in cols], dtype=object)
    table.cell_columns = written[ci]
    table.rows = table.rows[ri]
    span = f"{written[0]} … {written[-1]}"
    named = {"region": span, "target": span}
    table.cell_headers = {"region": written[ci], "target": written[ci]}
    if "baseline" in long.columns:
        named["baseline"] = " … ".join(str(written_of[b[0]]) for b in base.values() if b is not None)
        # each row's own baseline column (韶关市2020年基期值); a region without one keeps the span
        base_heads = np.array([named["baseline"] if base[r] is None else str(written_of[base[r][0]])
                               for r in regions], dtype=object)
        table.cell_headers["baseline"] = base_heads[ci]
    long.attrs = dict(frame.attrs)
    table.frame = long
    return [written_of.get(c, c) for c in long.columns], named


def _repeated(frame: pd.DataFrame, col, first, text: str, src: str, problems: list) -> None:
    if _as_text(frame[col]) != _as_text(frame[first]):
        problems.append(Problem(src, None, str(text), None, REPEATED_HEADER.format(name=text)))


#: what only a target says: a direction (≥98.2, 98以上, 不低于98)
_TARGET_MARKS = re.compile(r"[≥≤]|>=|<=|以上|以下|以内|不低于|不少于|不高于|不超过|不多于")
#: a title saying the table breaks its targets down by year: 年度目标分解表, 分年度目标
_YEARLY_TITLE = re.compile(r"目标.{0,4}分解|分年度?目标|逐年目标")  # not 年度目标完成情况: actuals


def _targets_by_cells(frame, years: dict, title: str) -> None:
    """Bare year columns (``2021年 … 2025年``) holding targets, not actual values: a cell with a
    direction (``≥98.2``), or a title saying the table breaks its targets down by year
    (``…年度目标分解表``); their role in ``years`` becomes ``target`` (in place), so they are read as
    yearly targets, not as observations, and the first year stays the baseline."""
    bare = sorted((y, c) for c, (y, r) in years.items() if r == "")
    if len(bare) < 2:
        return
    by_title = bool(_YEARLY_TITLE.search(to_simplified(str(title or ""))))
    first = min(y for y, _ in years.values())
    for y, c in bare:
        if y == first and not any(r == "baseline" for _, r in years.values()):
            continue  # 2020年 | 2021年 … 2025年: the first is the baseline
        marked = any(_TARGET_MARKS.search(unicodedata.normalize("NFKC", t)) for t in _as_text(frame[c]) if t)
        if marked or by_title:
            years[c] = (y, "target")


def _striven_years(years, defaults, taken, rename, headers, written, src, problems) -> None:
    """A two-tier target's striven-for column named by its year (``2025年奋斗目标`` beside ``2025年基本
    目标``): ``target_striven``, for the target of that year; one such column, of the target's year."""
    cols = [(y, c) for c, (y, r) in years.items() if r == "striven"]
    if not cols:
        return
    target_year = defaults.get("target_year")
    for year, col in cols:
        if "target_striven" in taken:
            problems.append(Problem(src, None, str(written[col]), None,
                                    "表中有多个力争目标列，请只保留一列 (two striven-for target columns; keep one)"))
        elif target_year is not None and str(year) != str(target_year):
            problems.append(Problem(src, None, str(written[col]), None,
                                    f"a striven-for target of the target's year {target_year} (力争目标与目标值"
                                    f"应为同一年份), not {year}: correct the year in one of the headers"))
        else:
            rename[col], headers["target_striven"] = "target_striven", written[col]
            taken.add("target_striven")


def _base_year(years: dict, title: str) -> int | None:
    """The base year of the plan period a table's target ends: the year before the period (2025 for
    “十五五”, 2026-2030; 2020 for “十四五”), when the target year (the latest target column, else the
    latest bare year) ends a five-year plan or the title's period; else None."""
    targets = [y for y, r in years.values() if r == "target"] or [y for y, r in years.values() if r == ""]
    last = max(targets) if targets else None
    m = _FYP.search(to_simplified(str(title or "")))
    if m and (last is None or last == _period_last_year(m.group(1))):
        return _period_last_year(m.group(1)) - 5
    return last - 5 if last is not None and last % 5 == 0 else None


def _later_actuals(frame, years: dict, base: int | None = None) -> list:
    """Plan columns of actual values beside the baseline's (``2020年基数 | 2022年完成值 | 2025年目标``,
    or ``2020年实际值 | 2022年实际值``): ``[(year, column)]``, taken out of ``years``. The column of the
    plan period's base year ``base`` (:func:`_base_year`) stays the baseline, else the earliest: a
    “十五五” table's ``2024年现状值 | 2025年预计值 | 2030年目标值`` has its baseline in 2025 (a base year's
    figure is an estimate until that year closes), 2024 an earlier observation."""
    has_target = any(r == "target" for _, r in years.values())
    # with a target column, a bare year is an actual too (“十三五”末 | 2022年实现值 | “十四五”目标); without one, every
    # bare year but the latest (the target's: 2020年 | 2022年完成值 | 2025年, whose base year is 2020, not 2022)
    bare = [y for y, r in years.values() if r == ""]
    target_year = None if has_target or not bare else max(bare)
    candidates = [c for c, (y, r) in years.items() if r == "baseline" or (r == "" and y != target_year)]
    filled = {c: any(_as_text(frame[c])) for c in candidates}
    if any(filled.values()):  # a 2022年完成值 column left blank (no figure yet) is no baseline beside a filled 2020年
        for c in [c for c in candidates if not filled[c] and years[c][1] == "baseline"]:
            del years[c]
    actual = sorted((years[c][0], c) for c in candidates if filled[c])
    if len(actual) < 2 or len({y for y, _ in actual}) < len(actual):
        return []  # one baseline, or two for the same year (refused by _roles_once)
    kept = next((a for a in actual if a[0] == base), actual[0])
    rest = [a for a in actual if a != kept]
    for _, c in rest:
        del years[c]
    return rest


def _yearly_targets(frame, years: dict) -> list:
    """A table of yearly targets (年度目标分解: ``2020年基数 | 2023年目标 | 2024年目标 | 2025年目标``):
    ``[(year, column)]`` of two or more filled target columns of different years, taken out of
    ``years``; else ``[]`` (one target column, or two for the same year: refused by
    :func:`_roles_once`)."""
    cols = sorted((y, c) for c, (y, r) in years.items() if r == "target" and any(_as_text(frame[c])))
    if len(cols) < 2 or len({y for y, _ in cols}) < len(cols):
        return []
    for _, c in cols:
        del years[c]
    return cols


def _melt_targets(table: Table, yearly: list, written_of: dict) -> None:
    """One plan row per indicator and target year: each filled ``…年目标`` cell becomes a row with
    that ``target_year`` (the row's other cells repeated); a row with no target in any year keeps
    its last year's blank cell, so that it is refused, not dropped. Messages name the year's
    header (``Table.cell_columns``)."""
    cols = [c for _, c in yearly]
    long, cells, ri, ci = _unpivot(table.frame, cols, keep_empty_rows=True)
    long["target"] = cells
    long["target_year"] = np.array([str(y) for y, _ in yearly], dtype=object)[ci]
    written = np.array([str(written_of.get(c, c)) for c in cols], dtype=object)
    table.cell_columns = written[ci]
    table.rows = table.rows[ri]
    span = f"{written[0]} … {written[-1]}"
    table.headers.update({"target": span, "target_year": span})
    table.cell_headers = {"target": written[ci], "target_year": written[ci]}
    table.frame = long


def _roles_once(frame, years: dict, written: dict, src: str, problems: list) -> None:
    """Two baseline or two target columns left (``2025年目标`` beside ``2025年规划值``, or two
    without years) are refused: which one is meant is not guessed. (Columns of different years
    were taken out before: later actuals, :func:`_later_actuals`; yearly targets,
    :func:`_yearly_targets`.)"""
    for role, what in (("baseline", "基期值 (baseline)"), ("target", "目标值 (target)")):
        cols = [c for c, (_, r) in years.items() if r == role]
        filled = [c for c in cols if any(_as_text(frame[c]))]
        if len(filled) > 1:
            names = "', '".join(str(written[c]) for c in filled)
            problems.append(Problem(
                src, None, str(written[filled[1]]), None,
                f"表中有多个{what}列 ('{names}')，且为同一年份：无法判断使用哪一列，请只保留一列 (two {role} "
                "columns for the same year; keep one. Targets of different years, 2023年目标 | 2025年目标, are "
                "read as one plan row per target year)"))


def _plan_years(frame, years, taken, rename, defaults, headers, written, base=None):
    """The baseline and target columns named by their years: a role said (``2020年基数``), else of
    bare years the latest the target and the base year ``base``'s (else the earliest) the baseline;
    returns ``[(year, column)]`` of the other filled bare years, observations."""
    bare = []
    for col, (year, role) in years.items():
        if role in ("baseline", "target") and role not in taken:
            rename[col] = role
            taken.add(role)
            headers[role] = written[col]
            defaults[f"{role}_year"] = str(year)
        elif role == "":
            bare.append((year, col))
    bare.sort()
    if bare and "target" not in taken:
        year, col = bare.pop()
        rename[col], headers["target"] = "target", written[col]
        taken.add("target")
        defaults["target_year"] = str(year)
    if bare and "baseline" not in taken:
        year, col = bare.pop(next((k for k, (y, _) in enumerate(bare) if y == base), 0))
        rename[col], headers["baseline"] = "baseline", written[col]
        taken.add("baseline")
        defaults["baseline_year"] = str(year)
    return [(year, col) for year, col in bare if any(_as_text(frame[col]))]  # the years in between


_FYP = re.compile(r"十([一二三四五六七八九])五")
_FYP_NUMBER = {c: k for k, c in enumerate("一二三四五六七八九", start=11)}


def _one_year_in(title: str) -> int | None:
    """The year of a table whose title names exactly one (``鼎湖区2023年市场监管主要指标完成情况``);
    None for no year, several (``2020—2023年``) or a plan period (“十四五”)."""
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", unicodedata.normalize("NFKC", title or "")))
    if len(years) != 1 or _FYP.search(title or ""):
        return None
    return int(years.pop())


def _period_last_year(numeral: str) -> int:
    """The last year of the five-year plan 十<numeral>五: 四 (the 14th, 2021-2025) -> 2025."""
    return 2010 + 5 * (_FYP_NUMBER[numeral] - 11)


def _years_from_title(frame: pd.DataFrame, title: str) -> None:
    """A plan whose headers carry no years (``基期值 | 目标值``) but whose title names the period
    (“十四五” = the 14th plan, 2021-2025): baseline year 2020, target year 2025."""
    m = _FYP.search(title or "")
    if not m or "target_year" in frame.columns:
        return
    target = _period_last_year(m.group(1))
    frame["target_year"] = str(target)
    if "baseline_year" not in frame.columns and "baseline" in frame.columns:
        frame["baseline_year"] = str(target - 5)


def _unpivot(frame: pd.DataFrame, cols: list, *, keep_empty_rows: bool = False):
    """The filled cells of ``cols``: ``(the other columns repeated once per filled cell, the
    cells' values, their row positions, their column positions)``, row by row. With
    ``keep_empty_rows``, a row with no filled cell keeps its last column's blank cell."""
    ids = [c for c in frame.columns if c not in cols]
    vals = frame[cols].to_numpy(dtype=object)
    filled = ~pd.isna(vals)
    filled[filled] = np.array([str(v).strip() != "" for v in vals[filled]], dtype=bool)
    if keep_empty_rows:
        filled[~filled.any(axis=1), -1] = True
    ri, ci = np.nonzero(filled)
    return frame[ids].iloc[ri].reset_index(drop=True), vals[ri, ci], ri, ci


def _melt_years(table: Table, years: dict, written_of: dict) -> None:
    frame = table.frame
    cols = list(years)
    long, cells, ri, ci = _unpivot(frame, cols)
    long["year"] = np.array([str(years[c][0]) for c in cols], dtype=object)[ci]
    long["value"] = cells
    headers = np.array([str(written_of.get(c, c)) for c in cols], dtype=object)
    table.cell_columns = headers[ci]
    table.rows = table.rows[ri]
    table.headers.update({"year": "year", "value": "value"})
    table.frame = long


#: headers of a panel export's columns that are no indicator (row numbers, codes, remarks)
_NOT_INDICATORS = {"序号", "编号", "代码", "行政区划代码", "地区代码", "省份代码", "城市代码", "备注",
                   "说明", "注", "附注", "no", "no.", "id", "code", "note", "notes", "remark", "remarks"}


def _melt_indicators(table: Table, cols: list, written_of: dict) -> None:
    """A panel laid out one column per indicator (``地区 | 年份 | 企业标准（项） | 地方标准（项）``,
    as statistical databases export it, or a district's years down the rows): one observation
    per filled cell; the indicator's name is its header, its unit the header's parentheses."""
    frame = table.frame
    ids = [c for c in frame.columns if c not in cols]
    long, cells, ri, ci = _unpivot(frame, cols)
    written = [str(written_of.get(c, c)) for c in cols]
    named = [split_unit(w) for w in written]
    # 年份 | 鼎湖区 | 端州区 [| 全市合计]: one indicator's regions across (the indicator named by the sheet), the table's
    # total among them (a total column alone, or beside no place, names no regions)
    across = "region" if "region" not in ids and all(is_region_name(n) or is_total_region(n) for n, _ in named) \
        and any(is_region_name(n) for n, _ in named) else "name"
    long[across] = np.array([n for n, _ in named], dtype=object)[ci]
    units = np.array([u for _, u in named], dtype=object)[ci]
    if "unit" in long.columns:
        given = long["unit"].astype(str).str.strip().to_numpy(dtype=object)
        long["unit"] = np.where((given == "") | (given == "nan"), units, given)
    elif any(u for _, u in named):
        long["unit"] = units
    long["value"] = cells
    table.cell_columns = np.array(written, dtype=object)[ci]
    table.rows = table.rows[ri]
    table.headers.update({across: across, "value": "value"})
    table.frame = long


def _fill_blank(frame: pd.DataFrame, col: str, value) -> None:
    if col not in frame.columns:
        frame[col] = value
        return
    blank = frame[col].isna() | (frame[col].astype(str).str.strip() == "")
    if blank.any():
        frame[col] = frame[col].astype(object)
        frame.loc[blank, col] = value
