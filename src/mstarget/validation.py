"""Shared helpers for validating input tables: collect every bad cell, then refuse once."""
from __future__ import annotations

import math
import re
import warnings
from collections import namedtuple
import unicodedata

import numpy as np
import pandas as pd

from .chinese_script import to_simplified
from .exceptions import DataValidationError, MstargetWarning, Problem

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: thousands written with separators: 1,234 / 1 234 / 12,345,678.5 (a comma or space elsewhere, as
#: in 12,5, is refused: a decimal comma or a typo, never guessed)
_GROUPED = re.compile(r"^[+-]?\d{1,3}([, ]\d{3})+(\.\d*)?$")
#: a whole number written with thousands separators (1,234 / 1，234; never 12,5)
THOUSANDS = r"\d{1,3}(?:[,，]\d{3})+"
#: calendar years a plan or its history can hold (the layout reads the same in headers)
YEAR_MIN, YEAR_MAX = 1900, 2099


#: marks that say "no figure" in a statistical table (“—” / “/” / “…”: 无数据或不适用): read as blank
#: suffixes of Chinese administrative names: 鼎湖 / 鼎湖区, 广东 / 广东省, 内蒙古 / 内蒙古自治区
REGION_SUFFIXES = ("自治区", "自治州", "自治县", "特别行政区", "新区", "街道", "区", "县", "市", "省",
                   "州", "盟", "旗", "镇", "乡")
#: the provinces' short names as yearbooks write them (广东, 内蒙古), and the national total
PROVINCES = frozenset("北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
                      "广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门 全国".split())
#: Chinese numerals, which the readers refuse with "digits, not Chinese numerals"
CN_NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")


def is_region_name(text) -> bool:
    """Whether ``text`` is written as a region's name: a province's short name (``广东``, ``全国``)
    or a name ending as Chinese administrative names do (``鼎湖区``, ``广东省``, ``肇庆市``)."""
    name = to_simplified(unicodedata.normalize("NFKC", str(text))).strip()
    return name in PROVINCES or name.endswith(REGION_SUFFIXES)


#: a region cell or header that is a table's total over its regions (spaces inside, as typed for alignment, ignored):
#: 全州 / 全盟 / 全旗 are an autonomous prefecture's, a league's and a banner's own (全州县 of 桂林 is a county, and so
#: is a bare 全州 beside its sibling counties: :func:`is_total_region` given its table)
TOTAL_REGION = re.compile(r"^(全?(市|省|区|县|州|盟|旗|国|辖区)?(合计|总计|小计|合計|總計)|全(市|省|区|县|州|盟|旗|国|辖区)|total|all)$",
                          re.IGNORECASE)


#: the endings of the county-level units a prefecture's or a league's total adds up (延吉市, 汪清县, 阿巴嘎旗)
_COUNTY_LEVEL = ("市", "县", "旗")


def _region_cell(region) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(region)))


def is_total_region(region, among=None) -> bool:
    """True for a region cell naming a table's total: 合计, 总计, 小计, 全市合计, 全省, 全国, 全州, 全盟, total.

    ``among``: the regions of the cell's table. A bare 全州 is also a county's short name (全州县 of 桂林市, written
    beside 兴安, 灌阳): with ``among`` it is a total only when the table gives it no sibling it could be a county
    beside -- no other total (合计, 全市) and every other region a county-level unit a prefecture adds up (延吉市,
    汪清县: its 全州 is 延边州's). Without ``among`` it is read as the prefecture's total. 全盟 / 全旗 name no place:
    always totals.

    >>> is_total_region("全州", ["延吉市", "汪清县", "全州"]), is_total_region("全州", ["兴安", "全州", "灌阳", "全市"])
    (True, False)
    """
    key = _region_cell(region)
    if not TOTAL_REGION.match(key):
        return False
    if key != "全州" or among is None:
        return True
    others = {to_simplified(_region_cell(r)) for r in among if isinstance(r, str)} - {"全州", ""}
    return all(not TOTAL_REGION.match(r) and len(r) > 1 and r.endswith(_COUNTY_LEVEL) for r in others)


#: marks of a preliminary figure (2023年（预计）, 84（初步）): one list for headers and cells
PRELIMINARY_WORDS = ("初步核算", "预计", "初步", "估计", "快报", "预估", "暂定", "待核")
#: a figure followed by its preliminary mark in brackets (``1.9（初步统计）``, ``99.3（快报）``, ``2.1(预计)``,
#: ``84【初步】``, ``99.1(估)``: 估 alone only in brackets closing a figure's cell), matched on NFKC text
_PRELIMINARY_CELL = re.compile(rf"^(?P<figure>.*\d.*?)\s*[(\[【〔]\s*(?:{'|'.join(PRELIMINARY_WORDS)}|估)"
                               r"(?:完成值|完成数|完成|统计数|统计|核算数|核算|测算|数据|数|值)?\s*[)\]】〕]$")


def preliminary_figure(cell) -> str | None:
    """The figure's text of a cell marked preliminary after it -- ``"1.9（初步统计）"`` -> ``"1.9"``,
    ``"2.7万户(快报)"`` -> ``"2.7万户"`` -- for the number readers to read; None for any other cell.
    The mark must be in brackets and close the cell (``预计1.9`` and ``1.9左右`` are not read); a note
    mark by the figure stays refused (``99①（初步）``: None)."""
    if not isinstance(cell, str) or has_note_mark(cell):  # NFKC would make 99①（初步） 991
        return None
    m = _PRELIMINARY_CELL.match(normalize_words(cell))
    return m.group("figure") if m else None


#: the headers of a plan's or history's region column (looked up as :func:`mstarget.layout.header_key`
#: writes them: NFKC -- （） read as () --, simplified, lower case, no spaces): one list for both readers
REGION_HEADERS = frozenset(
    "地区 区域 地区名称 行政区 行政区划 行政区域 行政区划名称 省份 省份名称 省区市 省(区、市) 省(自治区、直辖市) "
    "城市 城市名称 地市 地市名称 设区市 地级市 地级以上市 各地市 各市 市别 市州 地州市 市(州) 市县 县市 县区 区县 "
    "县市区 市县区 区县市 县(市、区) 县(市区) 县(区、市) 县(市) 县(区) 区(县) 区(县、市) 区县(市) 各县(市、区) "
    "市、县(区) 县(市、区)名称 乡镇 镇街 街镇 镇(街道) 乡镇(街道) 乡(镇) 乡(镇、街道) 街道 乡镇街道 镇街道 "
    "country 国家 国家或地区 国家/地区 city province district county".split())
#: the same headers with the comma or slash some tables write between the bracketed words (县（市，区）)
REGION_HEADERS = REGION_HEADERS | {w.replace("、", sep) for w in REGION_HEADERS if "、" in w for sep in ",/"}


NO_FIGURE = frozenset({"-", "--", "—", "——", "–", "/", "//", "…", "……", "...",
                       # words a table writes for a figure it does not have (not 无: for a count it may mean 0)
                       "暂无", "暂无数据", "无数据", "未统计", "不详", "暂缺", "缺失", "待统计"})

#: numbered note marks that Unicode normalisation (NFKC) turns into digits: circled, parenthesised,
#: full-stop and dingbat numbers (① -> 1, ⑴ -> (1), ⒈ -> 1.); in a number's cell they are never a digit
_NUMBERED_MARKS = ("\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf\U0001f100-\U0001f10a")
#: superscript and subscript digits (¹ ² ³ ⁰-⁹, ₀-₉): a footnote written as a superscript (99¹, or a
#: Word / web page superscript run, which the readers keep as such) -- or an exponent (10⁴)
_SCRIPT_DIGITS = "\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089"
_NOTE_MARK = re.compile(f"[{_NUMBERED_MARKS}]|(?<=[0-9\uff10-\uff19])[{_SCRIPT_DIGITS}]"
                        f"|[{_SCRIPT_DIGITS}](?=[0-9\uff10-\uff19])")
#: superscripts and subscripts as the document readers keep them (a run set as superscript): :func:`as_script`
_SUPERSCRIPT = str.maketrans("0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")
_SUBSCRIPT = str.maketrans("0123456789", "".join(chr(0x2080 + d) for d in range(10)))
#: the superscript and subscript digits themselves
SCRIPT_DIGIT_CHARS = frozenset("0123456789".translate(_SUPERSCRIPT) + "0123456789".translate(_SUBSCRIPT))


def as_script(text: str, position) -> str:
    """``text``'s digits as superscript (``position`` ``"superscript"``) or subscript (``"subscript"``)
    characters, as a document set them (a footnote 1 after 6 is ``6¹``, which :func:`has_note_mark`
    refuses, not 61); any other ``position`` leaves ``text`` as it is."""
    if position == "superscript":
        return text.translate(_SUPERSCRIPT)
    return text.translate(_SUBSCRIPT) if position == "subscript" else text


def has_note_mark(value) -> bool:
    """Whether a cell holds a note mark that would read as a digit: ``99①``, ``〔3.12〕①``, ``99¹``
    (not ``万m²``: a superscript next to no digit is a unit's). Number readers refuse such a cell
    rather than read 99① as 991."""
    return isinstance(value, str) and _NOTE_MARK.search(value) is not None


#: a figure (its plan notation and % allowed) followed by a note reference: ``99.1(注1)``, ``99.1（注1）``,
#: ``99.1[1]``, ``99.1注``, ``99.1①``, ``99.1¹``, ``99.1*``; matched on the cell as written (NFKC reads ① as 1)
_FOOTNOTED = re.compile(
    r"^(?P<figure>[≥≤<>＜＞]?\s*[〔〈]?\s*[-+－]?[0-9０-９][0-9０-９.,，．]*\s*[%％]?\s*[〕〉]?)\s*"
    r"(?P<mark>[(（\[［【]\s*(注|註|注释|註釋)?\s*[0-9０-９]{0,2}\s*[)）\]］】]|(注|註)\s*[0-9０-９]{0,2}"
    rf"|[*＊※△▲†‡]+|[{_NUMBERED_MARKS}]|[{_SCRIPT_DIGITS}]+)$")


def footnoted_figure(value) -> str | None:
    """The figure of a cell that writes a note reference after it -- ``"99.1(注1)"``, ``"99.1[1]"``,
    ``"99.1注"``, ``"99.1①"``, ``"≥99*"`` -> ``"99.1"`` / ``"≥99"`` (NFKC) --, for a message saying to keep the
    number and move the note to a 备注 column; None for any other cell (``99.1()`` included)."""
    if not isinstance(value, str):
        return None
    m = _FOOTNOTED.match(value.strip())
    if m is None or re.fullmatch(r"[(（\[［【]\s*[)）\]］】]", m.group("mark")):
        return None
    return normalize_text(m.group("figure")).replace(" ", "")


def footnote_mark(value) -> str | None:
    """The note reference a figure's cell writes after it (``"2.70*"`` -> ``"*"``, ``"2.70①"`` -> ``"1"``,
    ``"2.70（注1）"`` -> ``"(注1)"``: NFKC, no spaces); None for any other cell."""
    if footnoted_figure(value) is None:
        return None
    return normalize_text(_FOOTNOTED.match(value.strip()).group("mark")).replace(" ", "")


#: a table's note saying what a mark means when it means a preliminary figure: ``注：带*号的数据为快报数``,
#: ``*为初步核算数``, ``①预计数``, ``（注1）为估计值`` (matched on NFKC text)
_MARK_MEANING = re.compile(
    r"(?P<mark>[*※△▲†‡]+|[(\[【]\s*注?\s*\d{1,2}\s*[)\]】]|注\s*\d{1,2}|(?<![\d.])\d(?![\d.年月%]))\s*"
    r"(?:号|标记|标注)?\s*(?:的|者)?\s*(?:数据|数字|数值|指标值|年份数据)?\s*(?:为|表示|系|是|均为|:)?\s*"
    rf"(?P<word>{'|'.join(PRELIMINARY_WORDS)})")


def preliminary_footnotes(notes) -> dict:
    """``{mark: preliminary word}`` of the marks a table's notes explain as preliminary figures (``注：带*号的数据为
    快报数`` -> ``{"*": "快报"}``; ``①为初步核算数`` -> ``{"1": "初步核算"}``), marks as :func:`footnote_mark` gives
    them. A figure so marked is read as a preliminary one, as ``2.70（快报）`` is; any other mark stays refused."""
    out: dict = {}
    for note in notes or ():
        for m in _MARK_MEANING.finditer(normalize_text(note).replace(" ", "")):
            out.setdefault(m.group("mark"), m.group("word"))
    return out


def noted_footnote(value, noted: dict | None) -> tuple[str, str] | None:
    """``(figure, preliminary word)`` of a cell whose note mark the table's notes explain as preliminary
    (``noted``: :func:`preliminary_footnotes`; ``"2.70*"`` under ``注：带*号的数据为快报数`` -> ``("2.70", "快报")``);
    None for any other cell -- which the readers refuse as before (:func:`footnote_hint`)."""
    mark = footnote_mark(value) if noted else None
    return (footnoted_figure(value), noted[mark]) if mark in (noted or {}) else None


def footnote_hint(value, lead: str = "a footnote mark after the number is not read") -> str:
    """What to do with a figure followed by a note reference (:func:`footnoted_figure`), or ``""``:
    ``lead``, then keep the figure (quoted) and move the note to a 备注 column."""
    figure = footnoted_figure(value)
    if figure is None:
        return ""
    return (f"{lead}: keep the number, {figure}, and move the note to a 备注 column or under the table"
            f"（数字保留为 {figure}，注释请移至备注列或表下）; ")


#: a row's numbering typed into a name cell (``1. 年报率``, ``（一）年报率``, ``一、年报率``, ``①年报率``,
#: ``⑴年报率``; not ``2.5级``)
NAME_NUMBERING = re.compile(r"^\s*((\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．](?![\d０-９])"
                            r"|[(（]\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]"
                            r"|[\u2460-\u249b\u24eb-\u24f4\u2776-\u2793][.、．]?)\s*")


#: characters that show nothing (zero-width space, joiners, word joiner, byte-order mark, soft hyphen): pasted
#: from web pages, WeChat or PDFs into a cell they make ``99.1`` unreadable while the cell looks like 99.1
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def normalize_text(value) -> str:
    """NFKC-normalise a cell (full-width digits and spaces become ASCII; the typographic minus
    sign U+2212 of Word and web pages, ``−3.5``, becomes ``-``; characters that show nothing,
    :data:`INVISIBLE`, are taken out) and strip it."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = unicodedata.normalize("NFKC", str(value)).translate(INVISIBLE)
    return text.replace("\u3000", " ").replace("\u2212", "-").strip()


def written_text(value) -> str:
    """A text cell as written, trimmed (names keep their characters: ① stays ①, ＡＢＣ stays); other
    cells as :func:`normalize_text` gives them."""
    return value.strip() if isinstance(value, str) else normalize_text(value)


def normalize_words(value) -> str:
    """A cell as its words are recognised: :func:`normalize_text`, then traditional characters read
    as simplified (``約束性`` -> ``约束性``, ``不低於`` -> ``不低于``; :mod:`mstarget.chinese_script`)."""
    return to_simplified(normalize_text(value))


def preliminary_word_in(text) -> str:
    """The first of :data:`PRELIMINARY_WORDS` a cell or header writes (``3.05（快报）`` -> ``"快报"``), read as
    :func:`normalize_words` reads words; ``""`` when it writes none."""
    t = normalize_words(text)
    return next((w for w in PRELIMINARY_WORDS if w in t), "估计" if _BRACKETED_ESTIMATE.search(t) else "")


#: ``(估)`` closing a figure's cell (``99.1(估)``): an estimate, 估计 (alone 估 is no mark: 评估)
_BRACKETED_ESTIMATE = re.compile(r"\d\s*[(\[【〔]\s*估\s*[)\]】〕]$")


def parse_number(value) -> float | None:
    """A plain number from a cell: ``"1,234.5"``, ``"1 234"``, ``"95.01%"``, ``"９８"`` -> float;
    blank -> None.

    Raises ``ValueError`` if the cell holds something else, including a comma or space that does
    not separate thousands (``"12,5"``) and a note mark (``"99①"``, ``"99¹"``: :func:`has_note_mark`).
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if (isinstance(value, float) and math.isnan(value)) else float(value)
    if value is None or value is pd.NA:
        return None
    if isinstance(value, str) and _NUMBER.match(value):  # a plain number (most cells): read at once
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(value)
        return number
    if has_note_mark(value):  # NFKC would make 99① 991
        raise ValueError(value)
    text = normalize_text(value)
    if text.startswith("'") and len(text) > 1:  # '99.1: the mark a spreadsheet puts before a number kept as text
        text = text[1:].lstrip()
    if text == "" or text.lower() in NO_FIGURE or text.lower() in {"nan", "na", "n/a"}:
        return None
    if text.endswith("%"):
        text = text[:-1].rstrip()
    if "," in text or " " in text:
        if not _GROUPED.match(text):
            raise ValueError(text)
        text = text.replace(",", "").replace(" ", "")
    if not _NUMBER.match(text):
        raise ValueError(text)
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


#: the sizes a plan's or a history's figure can have (in any unit: 10^16 is 一亿亿; the national GDP in 元 is about
#: 1.3 x 10^14): beyond them a cell holds no statistic but a slip in an exponent (1e308, 1.2E+50), an overflow or a
#: formula's rounding residue (5.55E-17, which is 0)
LARGEST_FIGURE = 1e16
SMALLEST_FIGURE = 1e-9


def figure_size_problem(number) -> str:
    """Why a figure read from a plan or history cell is of no sensible size -- ``"infinite"``, ``"larger than 10^16
    (一亿亿)"``, ``"closer to zero than 10^-9"`` --, or ``""`` for a figure of a sensible size (0 and NaN included)."""
    if number is None:
        return ""
    v = float(number)
    if math.isnan(v):
        return ""
    if math.isinf(v):
        return "infinite"
    if abs(v) >= LARGEST_FIGURE:
        return "larger than 10^16 (一亿亿)"
    if 0 < abs(v) < SMALLEST_FIGURE:
        return "closer to zero than 10^-9"
    return ""


#: a number's text inside a cell (``≥1e308``, ``1.2E+50万户``), to say what is wrong with its size
_NUMBER_IN = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf(?:inity)?", re.IGNORECASE)


def size_hint(value) -> str:
    """The fix for a cell whose figure is of no sensible size (:func:`figure_size_problem`: ``1e308``, ``≥1e-300``,
    an infinite float), else ``""``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        written = f"{number:g}"
    else:
        m = _NUMBER_IN.search(normalize_text(value).replace(",", ""))
        if m is None:
            return ""
        number, written = float(m.group(0)), m.group(0)
    why = figure_size_problem(number)
    if not why:
        return ""
    if why == "infinite" and any(ch.isdigit() for ch in written):  # 1e400: written as a figure, too big to hold
        why = "beyond what a number can hold (it overflows)"
    return (f"a number of a sensible size: {written} is {why}, which no statistic is -- check the exponent "
            "(1.2E+05 is 120000) and the unit, and write 0 for zero (a formula's rounding residue such as 5.55E-17 "
            "included)（数值大小超出合理范围：请核对科学计数法的指数和单位；数值为零请填0）; ")


def nonsense_sizes(values: np.ndarray) -> np.ndarray:
    """Where a float array holds figures of no sensible size (:func:`figure_size_problem`), as a bool array."""
    v = np.abs(np.asarray(values, dtype=float))
    with np.errstate(invalid="ignore"):
        return np.isinf(v) | (v >= LARGEST_FIGURE) | ((v > 0) & (v < SMALLEST_FIGURE))


#: what Excel / WPS show in a cell whose formula failed (and what .xls readers give as the cell's text)
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")


def excel_error_hint(text) -> str:
    """The fix for a cell holding a spreadsheet's formula error (``#DIV/0!``, ``#N/A``), else ``""``: the formula
    failed in the workbook (a division by an empty cell, a lookup that found nothing), so there is no figure."""
    s = normalize_text(text).replace(" ", "").upper()
    if s in EXCEL_ERRORS or s == "#N/A N/A":
        return (f"a number, not the spreadsheet error {s} (its formula failed in the workbook): fix the formula, "
                "write the figure itself, or leave the cell blank if there is none（单元格为公式错误，请修正公式或直接填写数值）; ")
    return ""


def separator_hint(text) -> str:
    """The fix for a number whose comma does not separate thousands (``12,5``), else ``""``."""
    for number in re.findall(r"\d[\d,]*,\d+", normalize_text(text).replace(" ", "")):
        if not re.fullmatch(THOUSANDS, number):
            return "a decimal point, not a comma (12.5), and commas only between thousands (1,234); "
    return ""


#: a year written with a period or a date: 2021年度 / 2021年末 / 2021年底, 2021-12-31, 2021/12/31,
#: 2021年12月31日, 2021年12月, 2021-12 (a date's year; two dates in one year are refused as duplicates)
_YEAR_AS_PERIOD = re.compile(r"^(?P<year>\d{4})\s*(年度|年末|年底|年"
                             r"|[-/年]\s*(0?[1-9]|1[0-2])\s*(月|[-/月]\s*(0?[1-9]|[12]\d|3[01])\s*日?"
                             r"(\s*00:00(:00)?)?)?"
                             r"|\.(0?[1-9]|1[0-2])\.(0?[1-9]|[12]\d|3[01]))$")  # 2021.12.31, never 2021.5


#: a year's cell marked preliminary or "as of" (2023年（快报）, 截至2023年底): that year's figure
_YEAR_MARKS = re.compile(rf"^(截至|截止到|截止|至)?(?P<y>.+?)[(（]?({'|'.join(PRELIMINARY_WORDS)})(数|值)?[)）]?$"
                         r"|^(截至|截止到|截止|至)(?P<y2>.+)$")
_MONTH_DAY = re.compile(r"^\d{4}\s*[-/年.]\s*(?P<m>\d{1,2})(\s*[-/月.]\s*(?P<d>\d{1,2}))?")


_WHOLE_YEAR = re.compile(r"^(\d{4})\s*年?\s*(1\s*[-—–~至到]\s*12\s*月(份)?|全年(度)?)$")


#: a year written in Chinese numerals digit by digit (二〇二一年, 二零二一年度): read in a header (layout.year_role), refused
#: in a year cell with its digits said (:func:`year_hint`)
CN_YEAR = re.compile(r"(?<![〇○零一二三四五六七八九十])[一二][〇○零一二三四五六七八九]{3}(?=年)")
#: its digits as ASCII digits (二〇二一 -> 2021), for ``str.translate``
CN_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
#: a year written in two digits (21年, 21年度, '21): which century is not guessed
_TWO_DIGIT_YEAR = re.compile(r"^'?(?P<yy>\d{2})\s*(年度|年末|年底|年)?$")


def year_hint(cell) -> str:
    """What to write for a year cell in two digits (``21年`` -> 2021) or in Chinese numerals (``二〇二一年`` ->
    2021), to follow "an integer year such as 2021"; else ``""``."""
    text = normalize_text(cell).replace(" ", "")
    m = _TWO_DIGIT_YEAR.match(text)
    if m is not None:
        yy = m.group("yy")
        return f"; write the year in four digits ({text} -> 20{yy}; 两位数年份请写全，如20{yy})"
    m = CN_YEAR.match(text)
    if m is not None:
        year = m.group(0).translate(CN_YEAR_DIGITS)
        return f"; write the year in digits ({text} -> {year}; 年份请用阿拉伯数字，如{year})"
    return ""


class PartOfYear(ValueError):
    """A year cell naming a month of it (``2023年6月``, ``2023-06-30``): the figure is not the year's."""


def parse_year(value) -> int | None:
    """An integer year (``2020``, ``"2020"``, ``"2020.0"``, ``"2020年"``, ``"2020年度"``,
    ``"2020-12-31"``, ``"2020年12月"``, a year typed as a date ``"2020-01-01"``, ``"2020年（快报）"``,
    ``"截至2020年底"``, ``"二〇二〇年"`` in Chinese numerals digit by digit, as headers are read) from
    ``YEAR_MIN`` to ``YEAR_MAX``; blank -> None. Raises :class:`PartOfYear` for another month
    (``"2020年6月"``, ``"2020-06-30"``: a figure for part of the year) and ``ValueError`` for anything
    else (``"2,021"``, ``1234``, ``"22年"``)."""
    text = CN_YEAR.sub(lambda m: m.group(0).translate(CN_YEAR_DIGITS), normalize_text(value))
    text = _WHOLE_YEAR.sub(r"\1", text)  # 2023年1-12月, 2023年全年: the year
    marked = _YEAR_MARKS.match(text.replace(" ", ""))
    if marked and re.match(r"^\d{4}", marked.group("y") or marked.group("y2")):
        text = marked.group("y") or marked.group("y2")
    m = _YEAR_AS_PERIOD.match(text)
    if m:
        md = _MONTH_DAY.match(text)
        if md and not (int(md.group("m")) == 12 or (int(md.group("m")) == 1 and md.group("d")
                                                    and int(md.group("d")) == 1)):
            raise PartOfYear(text)
        text = m.group("year")
    if "," in text or " " in text:  # 2,021 is a typo, not a year
        raise ValueError(text)
    num = parse_number(text)
    if num is None:
        return None
    if not float(num).is_integer() or not (YEAR_MIN <= num <= YEAR_MAX):
        raise ValueError(text)
    return int(num)


class Problems:
    """Collects problems for one input table, then refuses it once with all of them.

    Rows are data positions (0-based) internally; ``rows`` maps them to spreadsheet rows (default:
    header in row 1, so position ``p`` is row ``p + 2``), ``headers`` maps canonical column names
    to the headers as written, so messages name what the user sees. ``order`` (canonical columns
    in file order) sorts the problems of a row as a spreadsheet user scans them.
    """

    def __init__(self, source: str, rows=None, headers: dict | None = None, order=None,
                 cell_headers: dict | None = None):
        self.source = source
        self.items: list[Problem] = []
        self.rows = None if rows is None else np.asarray(rows)
        self.headers = dict(headers or {})
        self._order = {self.headers.get(c, c): k for k, c in enumerate(order or [])}
        # a plan laid out one column per year / region: column -> the header each row's cell was read from
        self._cell_headers = {k: np.asarray(v, dtype=object) for k, v in (cell_headers or {}).items()}
        self._rows_refused: set = set()  # positions refused as a whole row: their cells are not said again

    def row_of(self, pos) -> int:
        """Spreadsheet row of data position ``pos``."""
        return int(self.rows[int(pos)]) if self.rows is not None else int(pos) + 2

    def column_of(self, column: str | None) -> str | None:
        return None if column is None else self.headers.get(column, column)

    def cell(self, pos: int | None, column: str | None, value, expected: str) -> None:
        if pos is not None and int(pos) in self._rows_refused:
            return  # the row is refused as a whole already (a line of text under a plan)
        row = None if pos is None else self.row_of(pos)
        text = None if value is None else normalize_text(value) if not isinstance(value, str) else value
        heads = self._cell_headers.get(column) if pos is not None else None
        if heads is not None and int(pos) < len(heads) and heads[int(pos)]:
            shown = str(heads[int(pos)])  # 2027年目标, not 2027年目标 … 2030年目标
        else:
            shown = self.column_of(column)
        self.items.append(Problem(self.source, row, shown, text, expected))

    def row(self, pos: int, column: str | None, value, expected: str) -> None:
        """Refuse data position ``pos`` as a whole row (its one text quoted, ``value``, found under
        ``column``): the problems of its other cells are not added."""
        self.cell(pos, column, value, expected)
        self._rows_refused.add(int(pos))

    def cells(self, mask, column: str, values, expected: str) -> None:
        """One problem per position where ``mask`` is true (``values``: the cells as read)."""
        vals = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
        for pos in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.cell(pos, column, vals[pos], expected)

    def table(self, expected: str, column: str | None = None) -> None:
        self.items.append(Problem(self.source, None, column, None, expected))

    def raise_if_any(self) -> None:
        if self.items:
            big = len(self._order) + 1
            self.items.sort(key=lambda p: (p.row or 0, self._order.get(p.column, big)))
            raise DataValidationError(self.items, source=self.source)


def map_unique(values, fn) -> np.ndarray:
    """``fn`` applied once per distinct cell (so readers stay linear in rows), as an object array.

    ``fn`` may return anything; a ``ValueError`` it raises is returned in place of the result.
    """
    if _is_text(values):  # hashed as it is stored: no copy of every cell into Python objects
        if values.size == 0:
            return np.empty(0, dtype=object)
        codes, uniq = pd.factorize(values, use_na_sentinel=False)
        uniq = uniq.tolist()
    else:
        arr = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
        if arr.size == 0:
            return np.empty(0, dtype=object)
        codes, uniq = pd.factorize(pd.Series(arr, dtype=object), use_na_sentinel=False)
    out = np.empty(len(uniq), dtype=object)
    for k, u in enumerate(uniq):
        try:
            out[k] = fn(u)
        except ValueError as exc:
            out[k] = exc
    return out[codes]


def map_flags(values, fn) -> np.ndarray:
    """``fn`` (a test of one cell) of every cell as a bool array, shape ``(len(values),)``, computed once per
    distinct cell (:func:`map_unique`: a table of 100,000 rows has a few hundred distinct names); a
    ``ValueError`` it raises is raised."""
    out = map_unique(values, fn)
    for v in out:
        if isinstance(v, ValueError):
            raise v
    return out.astype(bool)


def records(frame: pd.DataFrame) -> list:
    """The rows of ``frame`` as named tuples, the same as ``frame.itertuples(index=False)``
    gives, with the text columns read at once (:func:`column_cells`)."""
    row = namedtuple("Row", [str(c) for c in frame.columns], rename=True)
    return [row._make(cells) for cells in zip(*(column_cells(frame[c]) for c in frame.columns))]


def column_cells(column: pd.Series):
    """The cells of ``column`` to iterate over, as iterating the Series gives them: a text column
    as a list (``Series.tolist()``; walking a pandas text (Arrow) column cell by cell costs about
    1.5 microseconds a cell, ten times as much), any other column as it is."""
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
        return column.tolist()
    return column


def _is_text(values) -> bool:
    """A pandas text column whose blank cells are NaN (pandas 3's default ``str``), as a Python
    object column would hold them."""
    if not (isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype)):
        return False
    na = values.dtype.na_value
    return isinstance(na, float) and math.isnan(na)


def text_column(df: pd.DataFrame, name: str, *, simplified: bool = False) -> np.ndarray:
    """A column as NFKC-normalised, stripped text (blank for a missing column); with
    ``simplified``, traditional characters become simplified (units: ``萬戶`` -> ``万户``)."""
    if name not in df.columns:
        return np.full(len(df), "", dtype=object)
    return map_unique(df[name], normalize_words if simplified else normalize_text)


def rename_aliases(df: pd.DataFrame, aliases: dict[str, str]) -> pd.DataFrame:
    """Rename known header aliases (Chinese or English variants) to canonical names."""
    mapping = {}
    for col in df.columns:
        key = normalize_words(col).lower().replace(" ", "_")
        if key in aliases and aliases[key] not in df.columns:
            mapping[col] = aliases[key]
        elif key != col and key in aliases.values() and key not in df.columns:
            mapping[col] = key
    return df.rename(columns=mapping)


def require_columns(df: pd.DataFrame, required, problems: Problems, what: str, title: str = "") -> bool:
    missing = [c for c in required if c not in df.columns]
    if missing:
        hint = ""
        if "region" in missing:
            hint = _region_hint(df)
        elif missing == ["indicator"] and title:  # regions x years of one indicator named in the title
            hint = (f"; the title reads '{title}': if the table holds that one indicator, add a 指标名称 "
                    "column naming it in every row (the indicator is not taken from a title; "
                    "若本表只有标题中的这一项指标，请增加“指标名称”列并逐行填写)")
        dated = [str(c) for c in df.columns if re.search(r"(?<!\d)((19|20)\d{2}(?!\d)|\d{2}(?=年))", str(c))
                 and not re.fullmatch(r"observed_\d{4}", str(c))]  # (2022年完成值, read: not 'words not read')
        if dated and set(missing) & {"target", "target_year", "year", "value"}:
            hint += (f"; {', '.join(repr(c) for c in dated)} name{'s' if len(dated) == 1 else ''} a year in "
                     "words that are not read: write the header as "
                     + ("2020年基数 / 2025年目标 (a target's 〔〕 / 〈〉 goes in its cells)" if what == "plan"
                        else "the year alone, 2021年") + " (表头请写作" + ("“2020年基数”“2025年目标”" if what == "plan"
                                                                     else "“2021年”") + ")")
        elif what == "plan" and missing == ["target_year"] and "target" in df.columns:  # 基期值 | 目标值, no year
            written = str(problems.headers.get("target", "target")).replace("\n", "")
            hint += (f"; the target column '{written}' names no year: write it in the header (2020年基数 / 2025年目标, or "
                     "2020年 / 2025年 in the row under 基期值 / 目标值), add a 目标年份 column, or title the table "
                     "with its plan period (“十四五”) (目标列未注明年份：请在表头写明“2025年目标”，或增加“目标年份”列)")
        hint += _other_table_hint(df, missing, what)
        problems.table(f"missing column(s) {', '.join(missing)}; a {what} table needs columns "
                       f"{', '.join(required)} (found: {', '.join(map(str, df.columns)) or 'none'}){hint}")
        return False
    return True


def _other_table_hint(df: pd.DataFrame, missing: list, what: str) -> str:
    """A history given where the plan goes (year and value columns, no target), or a plan where the history goes
    (target_year and target, no year / value): said, with the order the functions take them in -- ``mt.assess(
    "plan.csv", "history.csv")`` read the plan as the history."""
    cols = set(df.columns)
    if what == "plan" and {"year", "value"} <= cols and "target" in missing:
        return ("; this looks like a history table (year, value columns): give it as the history -- "
                "mt.assess(history, plan) and suggest_targets(history, plan) take the history first "
                "(backtest(history, plan=...)), the command line --history (此表似为历史数据表：请作为历史数据传入，函数参数顺序为先历史数据、后规划表)")
    if what == "history" and {"target_year", "target"} <= cols and {"year", "value"} & set(missing):
        return ("; this looks like a plan table (target_year, target columns): give it as the plan -- "
                "mt.assess(history, plan) takes the history first and the plan second, the command line --plan "
                "(此表似为规划指标表：请作为规划表传入，函数参数顺序为先历史数据、后规划表)")
    return ""


#: words of a header that may name regions (所属地市, 监管区域): with several regions in its cells, a region column
_REGION_HEADER_WORDS = ("地区", "区域", "城市", "地市", "省", "市", "县", "区", "州", "镇", "乡", "街道")


def _region_hint(df: pd.DataFrame) -> str:
    """What a table missing its region column is told: the column that evidently holds several regions
    under a header not read as the region's (its cells written as regions' names, ``肇庆市 | 江门市``,
    or its header naming places, ``所属地市``, over several names), to be renamed 地区; else how a
    table of one region without such a column names it (``region=`` / ``--region``)."""
    for col in df.columns:
        if not isinstance(col, str) or re.fullmatch(r"[a-z_]+", col):  # a field already read (name, unit ...)
            continue
        cells = [c for c in dict.fromkeys(normalize_text(v) for v in column_cells(df[col])) if c]
        if len(cells) < 2 or any(_is_figure(c) for c in cells):
            continue
        places = [c for c in cells if is_region_name(c) and not is_total_region(c)]
        header = normalize_words(col).replace("市场", "")  # 市场类型 names no place
        named = any(w in header for w in _REGION_HEADER_WORDS) and all(len(c) <= 10 for c in cells)
        if len(places) >= 2 or (named and len(cells) <= 100):
            shown = "、".join(cells[:4]) + (" ..." if len(cells) > 4 else "")
            return (f"; column '{col}' holds several regions ({shown}): rename its header to 地区 so it is read "
                    f"as the region column（请将“{col}”列的表头改为“地区”）; region= / --region names the region "
                    "of a table for one region only")
    return ("; a table for one district or county without a region column takes "
            "region='鼎湖区' (command line: --region 鼎湖区)")


def _is_figure(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except ValueError:
        return False


#: administrative levels by a name's ending (1 province ... 4 town): a table of one level's regions
#: adds up to a region of a level above. A name ending in 市 is a prefecture's (a county-level city
#: such as 四会市 reads as one too: never taken for a county's part)
_LEVELS = (("特别行政区", 1), ("自治区", 1), ("省", 1), ("自治州", 2), ("州", 2), ("盟", 2), ("市", 2),
           ("自治县", 3), ("新区", 3), ("区", 3), ("县", 3), ("旗", 3),
           ("街道办事处", 4), ("办事处", 4), ("街道", 4), ("镇", 4), ("乡", 4), ("苏木", 4))
#: a total row that names no level (合计 / 总计): the whole of whatever region the table's rows make up
_PLAIN_TOTAL = re.compile(r"(合计|总计|合計|總計|total)", re.IGNORECASE)


def region_level(name: str) -> int | None:
    """The administrative level a region's name is written at, by its ending: 1 province (广东省),
    2 prefecture (肇庆市), 3 county / district (鼎湖区, 广宁县), 4 town (永安镇, 坑口街道); None when
    the ending says none."""
    name = to_simplified(name)
    return next((level for suffix, level in _LEVELS if name.endswith(suffix) and len(name) > len(suffix)), None)


def apply_region(raw: pd.DataFrame, region: str | None) -> None:
    """A table without a region column (or with blank cells) takes ``region`` when given; so does a
    row naming the whole of a region of that level -- 全区 / 本区 for ``鼎湖区`` (全县, 本市 ...), a
    district's table of its towns with the district's own row -- and a 合计 / 总计 row of a table
    whose other rows are all regions of a lower level (a district's towns, 镇 / 街道, for
    ``鼎湖区``): that total is the region itself. Neither when the table names ``region`` itself."""
    if not region:
        return
    region = normalize_text(region)
    if "region" not in raw.columns:
        raw["region"] = region
        return
    cells = map_unique(raw["region"], lambda v: "" if v is None or pd.isna(v)  # once per distinct cell
                       else re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v))))
    blank = cells == ""
    level = region[-1]
    if not (cells == region).any():
        if level in "区县市省镇乡":
            whole = re.compile(rf"(全|本){level}(合计|总计)?")
            blank |= map_unique(cells, lambda c: whole.fullmatch(c) is not None).astype(bool)
        blank |= _total_of_parts(cells, region)
    if blank.any():
        raw["region"] = raw["region"].astype(object)
        raw.loc[blank, "region"] = region


def _total_of_parts(cells: np.ndarray, region: str) -> np.ndarray:
    """Where ``cells`` (region cells, normalised) hold a plain 合计 / 总计 row and every other
    non-blank cell names a region below ``region``'s level (鼎湖区's 镇 / 街道): those total rows,
    which add up the parts of ``region``."""
    none = np.zeros(len(cells), dtype=bool)
    own = region_level(region)
    distinct = [c for c in pd.unique(cells) if c]
    plain = [c for c in distinct if _PLAIN_TOTAL.fullmatch(c)]
    parts = [c for c in distinct if not is_total_region(c)]
    if own is None or not plain or not parts:
        return none
    if not all((region_level(c) or 0) > own for c in parts):
        return none
    plain = set(plain)
    return map_unique(cells, lambda c: c in plain).astype(bool)


def is_missing(v) -> bool:
    """True for ``None``, ``pd.NA``, NaN and anything that is not a number."""
    if v is None:
        return True
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return True


#: a plan's attribute words (属性: 约束性 / 预期性, as cells write them) -> ``binding`` / ``expected``: how ``read_plan``
#: reads the column, and how ``read_history`` knows a plan given in the history's place
ATTRIBUTE_WORDS = {
    "约束性": "binding", "约束": "binding", "binding": "binding",
    "预期性": "expected", "预期": "expected", "expected": "expected",
    "约束性指标": "binding", "约束型": "binding", "约束型指标": "binding",
    "预期性指标": "expected", "预期型": "expected", "预期型指标": "expected",
}


def blank_cell(v) -> bool:
    """Whether a cell is blank: None, NaN, pd.NA, or text of spaces only (a figure 0 is not)."""
    return v is None or v is pd.NA or (isinstance(v, float) and v != v) or not str(v).strip()


#: the columns naming a series, which a table may write once at the top of their rows (地区 merged over its
#: indicators, 指标名称 and 单位 over its years), in the table's order
KEY_COLUMNS = ("region", "name", "indicator", "unit")


def written_once(raw: pd.DataFrame, rows, headers: dict, src: str, columns=KEY_COLUMNS, stacklevel: int = 2,
                 skip=None, years=None, across=()) -> None:
    """Fill (in place) the blank cells of a column naming the series (``columns``, :data:`KEY_COLUMNS`) that a
    table writes once at the top of its rows -- a merged cell saved as CSV, or a statistician's layout (``广东 |
    市场主体 | ...`` then `` | 企业 | ...``) -- with the cell above, and say so (``rows``: each frame row's sheet
    row; ``headers``: the columns as written; ``stacklevel``: of the warning -- a frame inside the package, which
    :func:`mstarget.history.warns_at_caller` points at the reader's caller).

    Columns are read left to right, each within the blocks the columns before it make: a column is filled only where
    every block starts with a filled cell, no value is written twice in one block, and at least half its values are
    followed by a blank cell (:func:`_blank_after_share`: one blank among dozens of written cells is a cell left
    out). A region written on every row and left blank on one is no such layout: that blank stays blank -- refused
    for an indicator, the ``region=`` given for a region. ``skip`` (``{column: bool per row of raw}``): rows whose
    blank cell in that column is not filled nor looked at, such as a group's 合计 row under 食品大类 (a value it
    writes still counts). ``years`` (a history's year per row, NaN where not read): a blank cell whose row
    continues the row above by a year (2019, 2020, 2021 under 2018) is filled even where fewer than half the
    values are followed by a blank -- a name written once over its years beside names of a single year. A blank cell
    is filled, too, where the table crosses the column with the key columns to its right (and ``across``: columns
    read, not filled, such as a plan's 指标名称): 地区 written once over its indicators, some regions having a single
    one (:func:`_crossed`). Before, a blank region cell was read as a region named '' and a blank name refused, cell
    by cell."""
    cols = [c for c in raw.columns if c in columns]
    if not cols or not len(raw):
        return
    sheet_rows = np.asarray(rows)
    if len(sheet_rows) != len(raw):
        return
    # a table kept one column per year is melted: one sheet row gives several rows here, all with its key cells
    order = np.argsort(sheet_rows, kind="stable")
    _, first = np.unique(sheet_rows[order], return_index=True)
    at = order[first]  # one position per sheet row, in the sheet's order
    of_row = np.searchsorted(sheet_rows[order][first], sheet_rows)  # each position's sheet row
    block = np.zeros(len(at), dtype=np.int64)  # which block of the columns to the left each sheet row is in
    continues = np.zeros(len(at), dtype=bool)  # a sheet row one year after the row above (a series going on)
    if years is not None and len(years) == len(raw):
        year_at = np.asarray(years, dtype=float)[at]
        continues[1:] = year_at[1:] == year_at[:-1] + 1
    for col in cols:
        kept = ~np.asarray(skip[col], dtype=bool)[at] if skip and col in skip else np.ones(len(at), dtype=bool)
        text = np.array(["" if blank_cell(v) else str(v).strip() for v in raw[col].to_numpy(dtype=object)[at]],
                        dtype=object)
        blank = text == ""
        ok = np.ones(int(block.max()) + 1, dtype=bool)
        looked = kept | ~blank  # a 合计 row's blank cell is left out; its written value still counts
        layout = True
        if looked.any():
            part = _once_per_block(text[looked], blank[looked], block[looked])
            ok[:len(part)] = part
            # a column written on every row with a blank or two: no layout, a cell left out -- unless the row goes
            # on with the series above year by year (a name written once over its years)
            layout = _blank_after_share(blank[looked], block[looked]) >= 0.5
        # ... or the table crosses this column with the next (地区 over its 指标, some regions of one indicator)
        crossed = np.zeros(len(at), dtype=bool)
        if not layout and blank.any():
            to_right = cols[cols.index(col) + 1:] + [c for c in across if c in raw.columns and c not in cols]
            right = [np.array(["" if blank_cell(v) else str(v).strip() for v in raw[c].to_numpy(dtype=object)[at]],
                              dtype=object) for c in to_right if c != "unit"]  # a unit names no series
            crossed = _crossed(text, blank, block, right)
        fill = blank & kept & ok[block] & (layout | _run_of(continues, blank) | crossed)
        if fill.any():
            filled = np.where(fill, _value_above(text, blank, block), text)
            lines = np.asarray(sheet_rows)[at][fill]
            said = ", ".join(str(int(r)) for r in lines[:8]) + (" ..." if len(lines) > 8 else "")
            written = headers.get(col, col)
            warnings.warn(MstargetWarning(
                f"{src}: “{written}”列的每个值只写在其第一行，第 {said} 行的空白已按上方的值读取 (column '{written}' "
                f"writes each value once at the top of its rows, as a merged cell saved as CSV does: the blank cells "
                f"of rows {said} are read as the value above them; check the table if a row belongs elsewhere)"),
                stacklevel=stacklevel)
            raw[col] = raw[col].astype(object)
            raw[col] = filled[of_row]
            text = filled
        change = np.r_[True, text[1:] != text[:-1]]  # a new value starts a block for the columns to the right
        block = np.cumsum(change | np.r_[True, block[1:] != block[:-1]]) - 1


def _value_above(text: np.ndarray, blank: np.ndarray, block: np.ndarray) -> np.ndarray:
    """Each cell's value, a blank one the last written above it in its block (None where none is)."""
    return pd.Series(np.where(blank, None, text), dtype=object).groupby(block).ffill().to_numpy(dtype=object)


def _crossed(text: np.ndarray, blank: np.ndarray, block: np.ndarray, right: list) -> np.ndarray:
    """The blank cells of a key column to read as the value above because the table crosses the column with the key
    columns to its right (``right``: their cells, one array per column): 地区 written once over its 指标名称, where some
    regions have a single indicator, so that fewer than half the regions are followed by a blank.

    The blank cells under one filled cell qualify where the column never writes a value on two rows running (a
    column written on every row with one cell left out repeats its values), each of their rows has its cells to the
    right written and, read as the value above, is no second row of a series, and one of them has cells to the right
    that come under another value of the column (the indicator of a blank row is one other regions report too --
    written, or itself under a blank below another region: the table is a cross, not a list of one row per value).
    A 亚类 column over categories of their own, or the last key column (food categories under a period), gives no
    such evidence: its blank stays refused."""
    out = np.zeros(len(blank), dtype=bool)
    if not right or not blank.any():
        return out
    filled = ~blank
    same_block = block[1:] == block[:-1]
    if (filled[1:] & filled[:-1] & same_block & (text[1:] == text[:-1])).any():
        return out  # a value written on two rows running: a column written on every row
    above = _value_above(text, blank, block)
    rest = list(zip(*right))  # the cells to the right, per row
    written_right = np.array([all(c != "" for c in r) for r in rest], dtype=bool)
    under: dict = {}  # cells to the right -> the values of this column they come under (a blank row: the one above)
    for v, r in zip(above.tolist(), rest):
        if v is not None:
            under.setdefault(r, set()).add(v)
    keys = list(zip(block.tolist(), above.tolist(), rest))
    seen: dict = {}
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
    run = np.cumsum(filled | np.r_[True, ~same_block]) - 1  # a filled cell and the blank ones under it, per block
    fits, crosses = {}, {}
    for k in np.flatnonzero(blank):
        v, r = above[k], rest[k]
        ok = v is not None and bool(written_right[k]) and seen[keys[k]] == 1
        fits[run[k]] = fits.get(run[k], True) and ok
        crosses[run[k]] = crosses.get(run[k], False) or (ok and bool(under.get(r, set()) - {v}))
    # a run of blanks under one value is one merged cell: read down when one of its rows comes under another value
    # (鼎湖区 over 明厨亮灶, 医疗器械 and 商标: 医疗器械 is 高要区's too) and none would repeat a series
    for k in np.flatnonzero(blank):
        out[k] = fits[run[k]] and crosses[run[k]]
    return out


def _run_of(continues: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """The blank cells each of which, and every blank cell between it and the filled cell above, continues the row
    above by a year: a run 2019, 2020, 2021 under a filled 2018 row (one row that does not continue breaks it)."""
    out = np.zeros(len(blank), dtype=bool)
    going = False
    for k in range(len(blank)):
        going = bool(blank[k]) and bool(continues[k]) and (going or (k > 0 and not blank[k - 1]))
        out[k] = going
    return out


def _blank_after_share(blank: np.ndarray, block: np.ndarray) -> float:
    """The share of a column's filled cells followed, in their block, by a blank one: in a layout writing each value
    once at the top of its rows most are (a 大类 over its 亚类); in a column written on every row (one row per
    category and period) a blank cell left out follows one filled cell of dozens."""
    filled = ~blank
    if not filled.any():
        return 0.0
    after = np.zeros(len(blank), dtype=bool)
    after[:-1] = blank[1:] & (block[1:] == block[:-1])
    return float(after[filled].mean())


def once_per_sheet_row(mask: np.ndarray, rows) -> np.ndarray:
    """``mask`` kept at the first position of each sheet row: a blank key cell of a table kept one column per year,
    melted into one row per year, is said once, not once per year."""
    rows = np.asarray(rows)
    if len(rows) != len(mask):
        return mask
    first = np.zeros(len(mask), dtype=bool)
    _, at = np.unique(rows, return_index=True)
    first[at] = True
    return np.asarray(mask, dtype=bool) & first


def _once_per_block(text: np.ndarray, blank: np.ndarray, block: np.ndarray) -> np.ndarray:
    """Per block of the columns to the left (``block``: its number per sheet row, from 0), whether a key column's
    cells there are written once at the top of their rows: the block starts with a filled cell, and no value is
    written twice within it (one bool per block)."""
    n = int(block.max()) + 1 if len(block) else 0
    ok = np.ones(n, dtype=bool)
    starts = np.r_[True, block[1:] != block[:-1]] if len(block) else np.zeros(0, dtype=bool)
    ok[block[starts & blank]] = False
    seen: dict = {}
    for b, t, e in zip(block.tolist(), text.tolist(), blank.tolist()):
        if not e:
            if t in seen.setdefault(b, set()):
                ok[b] = False
            seen[b].add(t)
    return ok


def refuse_blank_regions(raw: pd.DataFrame, rows, problems: "Problems") -> None:
    """A region cell left blank while other rows give one: a problem per sheet row (after :func:`written_once` and
    :func:`apply_region` filled what they could). A region column blank throughout is a table of no region."""
    if "region" not in raw.columns:
        return
    blank = np.array([blank_cell(v) for v in raw["region"].tolist()], dtype=bool)
    if blank.any() and not blank.all():
        problems.cells(once_per_sheet_row(blank, rows), "region", raw["region"],
                       "a region, not blank, as the other rows give one: write the row's region, or give "
                       "region= (--region) to the rows of one region（地区不能为空）")
