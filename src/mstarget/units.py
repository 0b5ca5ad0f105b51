"""Units of plan and history indicators: units written inside names, and the ``%`` rule.

Bureau tables often write the unit inside the indicator's name or a header: ``“明厨亮灶”覆盖率（%）``,
``知识产权质押融资金额(亿元)``, ``数值（万户）``. :func:`split_unit` takes such a trailing unit off.

**The % rule** (:func:`percent_kind`). An indicator in ``%`` is a *share* -- bounded to 0-100,
forecast on a logit scale -- unless it is a *rate of change or a margin*, which can be negative or
above 100 (研发经费年均增长7%以上, 高技术产业利润率 -0.31 %):

1. explicit ``lower`` / ``upper`` bounds (plan or history columns) always win;
2. the unit says change: ``%/年``, ``百分点``, ``pp``;
3. the name (or the indicator id) says change or margin: 增长, 增速, 增幅, 增长率, 增加 (but not
   增加值 "value added"), 涨幅, 跌幅, 降幅, 净增, 增减, 下降, 降低, 减少, 变化, 变动, 同比, 环比,
   利润率, 毛利率, 净利率, 收益率, 回报率, 利率, or ``growth``, ``change``, ``margin``, ``yoy`` --
   unless the name speaks of a share of a whole (比重, 占比), as in
   高技术制造业增加值占规模以上工业增加值比重;
4. otherwise a ``%`` is a share.

A rate of change or margin without declared bounds is unbounded (forecast on its own scale) --
except a **growth rate of a quantity** (:func:`is_growth_rate`: 市场主体增长率, 研发经费年均增长,
居民消费价格涨幅, 市场主体净增率), which cannot fall below -100 %: the quantity would be negative.
A share named 合格率 / 不合格率 / 检出率 / 发现率 is a **rate of sampling inspections**
(:func:`is_sampling_rate`), a level the year's samples scatter around.

**Per mille** (``‰``, and ``‱``) is not a percentage (:func:`per_mille_kind`): the same name rule
reads a share of a thousand (婴儿死亡率 ‰: 0-1000) or a rate of change (人口自然增长率 ‰: unbounded).
"""
from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import pandas as pd

from .chinese_script import to_simplified
from .validation import map_unique, normalize_words

PERCENT_UNITS = ("%", "％", "百分比", "percent")
CHANGE_UNITS = ("%/年", "%每年", "百分点", "pp", "个百分点", "%/a")
CHANGE_WORDS = ("增长", "增速", "增幅", "增加", "涨幅", "跌幅", "降幅", "净增", "增减", "下降", "降低", "减少",
                "变化", "变动", "同比", "环比", "利润率", "毛利率", "净利率", "收益率", "回报率", "利率",
                "growth", "change", "margin", "yoy", "increase", "decrease")
#: words of a growth rate of a quantity (a count, an amount, a price): never below -100 %
GROWTH_WORDS = ("增长", "增速", "增幅", "涨幅", "净增", "growth")
#: ... unless the name says it is a fall (下降 5 % is +5), a difference or a margin, or the
#: quantity can itself be negative (profit, a balance)
NOT_GROWTH_WORDS = ("下降", "降低", "减少", "降幅", "跌幅", "差", "百分点", "利润", "利率", "收益", "盈利",
                    "余额", "结余", "净出口", "贡献", "拉动", "弹性", "margin", "decrease")
#: units of a share of a thousand (or ten thousand), with what a whole is in them
PER_MILLE_UNITS = {"‰": 1000.0, "千分比": 1000.0, "‱": 10000.0, "万分比": 10000.0}
SHARE_WORDS = ("比重", "占比")
#: "value added" is a level, not a change, even though it starts with 增加
_NOT_CHANGE = ("增加值",)

# characters a unit is written with: counting words, magnitudes, measures, per-signs
_UNIT_CHARS = set("%‰‱/·.万亿千百十个户件项张批次人口元吨公顷亩家座所台套辆部只头匹枚份箱册"
                  "小时天年月日里米平方立克斤度瓦时升标准煤kmgtwhl²³")
_UNIT_WORDS = ("index", "指数", "倍", "人次", "万人次", "岁", "年", "天", "小时", "个百分点", "百分点",
               "百分比", "元/人", "分")
_TRAILING_PARENS = re.compile(r"^(?P<body>.*?)\s*\((?P<unit>[^()]{1,12})\)\s*$")


def is_unit_text(text: str) -> bool:
    """Whether ``text`` (already NFKC-normalised) reads as a unit: ``%``, ``亿元``, ``件/万人``, ``批次/千人``."""
    t = text.strip().lower().replace(" ", "")
    if not t or len(t) > 12:
        return False
    if t in _UNIT_WORDS:
        return True
    return all(c in _UNIT_CHARS for c in t)


def split_unit(text: str) -> tuple[str, str]:
    """Take a trailing unit in parentheses off a name or header; the unit comes back in simplified
    characters (``（萬戶）`` -> ``万户``), the name as written.

    >>> split_unit("“明厨亮灶”覆盖率（%）")
    ('“明厨亮灶”覆盖率', '%')
    >>> split_unit("高技术产业利润率(利润总额/主营业务收入,派生)")  # not a unit: kept
    ('高技术产业利润率(利润总额/主营业务收入,派生)', '')
    """
    norm = unicodedata.normalize("NFKC", str(text)).replace("\u3000", " ").strip()
    m = _TRAILING_PARENS.match(norm)
    if m and m.group("body"):
        unit = to_simplified(m.group("unit").strip())
        if is_unit_text(unit):
            return m.group("body").strip(), unit
    return norm, ""


#: pairs of brackets a unit cell may be enclosed in as decoration (after NFKC: （） -> (), ［］ -> [])
_UNIT_BRACKETS = {"(": ")", "[": "]", "{": "}", "【": "】", "〔": "〕", "〖": "〗", "〈": "〉", "《": "》",
                  "「": "」", "『": "』"}


#: spaces and line breaks next to a Chinese character: a wrapped cell (``期末市场主体\n总量``, ``万\n户``) or
#: alignment (``单  位``), not part of the text
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def tidy_spaces(text) -> str:
    """An id, name or unit without the line breaks and spaces a wrapped or aligned cell puts in it:
    whitespace next to a Chinese character taken out, other runs one space (``期末市场主体\n总量`` ->
    ``期末市场主体总量``, ``万\n户`` -> ``万户``, ``MDG5.A: maternal  mortality`` -> ``MDG5.A: maternal mortality``)."""
    if not isinstance(text, str):
        return text
    return re.sub(r"\s+", " ", _CJK_SPACE.sub("", text)).strip()


#: a line break (with the spaces around it) in a cell: a wrapped Excel cell
_LINE_BREAK = re.compile(r"[ \t\u3000]*[\r\n]+[\s]*")


def tidy_breaks(text) -> str:
    """An id, region or name without the line breaks a wrapped cell puts in it (``期末市场主体\n总量`` ->
    ``期末市场主体总量``; between two Latin words a space); spaces written in it are kept (``表1 期末…``)."""
    if not isinstance(text, str) or ("\n" not in text and "\r" not in text):
        return text
    def joined(m):
        before, after = m.string[:m.start()][-1:], m.string[m.end():][:1]
        return "" if not before or not after or not (before.isascii() and after.isascii()) else " "
    return _LINE_BREAK.sub(joined, text).strip()


def series_key(region, indicator) -> str:
    """The key of a series as its writing does not change it -- NFKC, :func:`tidy_spaces`, simplified
    characters -- used to seed its random draws (:func:`mstarget.forecast.series_rng`): the same series
    written ``期末市场主体\n总量``, ``期末市场主體總量`` or ``期末市场主体总量`` draws the same paths."""
    def norm(t):
        return to_simplified(tidy_spaces(unicodedata.normalize("NFKC", str(t))))
    return f"{norm(region)}\x1f{norm(indicator)}"


def clean_unit(value) -> str:
    """A unit cell as its unit: NFKC, simplified characters, surrounding spaces and ONE pair of
    brackets enclosing the whole cell taken off (``（件/万人）`` -> ``件/万人``, ``【%】`` -> ``%``,
    ``(萬戶)`` -> ``万户``); brackets inside are kept (``万元（现价）`` -> ``万元(现价)``), and so are
    two bracketed parts (``(万元)(现价)``). A unit cell never holds a figure, so brackets around it
    -- 〔〕 too, the plan notation of cumulative figures -- are decoration; blank -> ``""``.

    >>> clean_unit("（件/万人）"), clean_unit(" 【%】 "), clean_unit("万元（现价）")
    ('件/万人', '%', '万元(现价)')
    """
    text = tidy_spaces(normalize_words(value))  # 万\n户 (a wrapped cell) -> 万户
    close = _UNIT_BRACKETS.get(text[:1])
    if close is None or len(text) < 2 or text[-1] != close:
        return text
    depth = 0  # the opening bracket must be closed by the last character, not before it
    for k, ch in enumerate(text):
        depth += (ch == text[0]) - (ch == close)
        if depth == 0:
            return text[1:-1].strip() if k == len(text) - 1 else text
    return text


def unit_column(df: pd.DataFrame) -> np.ndarray:
    """The ``unit`` column of a plan or history table as units (:func:`clean_unit`, once per distinct
    cell), an object array; all ``""`` when the table has no ``unit`` column."""
    if "unit" not in df.columns:
        return np.full(len(df), "", dtype=object)
    return map_unique(df["unit"], clean_unit)


_NUMBER_UNIT = re.compile(r"(?P<number>-?([0-9][0-9,]*(\.[0-9]+)?|\.[0-9]+))\s*(?P<unit>[^0-9.,\s].*)")


def split_number_unit(text: str) -> tuple[str, str] | None:
    """A number written with its unit, ``"15万户"`` -> ``("15", "万户")`` (the unit in simplified
    characters); None when ``text`` is not a number followed by a unit (``"95%"`` is a number)."""
    m = _NUMBER_UNIT.fullmatch(text.strip())
    if not m:
        return None
    unit = to_simplified(m.group("unit").strip())
    return (m.group("number"), unit) if unit != "%" and is_unit_text(unit) else None


#: units of things counted one by one (项, 家, 批次; also per year: 批次/年)
COUNT_UNITS = ("项", "个", "家", "件", "张", "户", "人", "次", "起", "批次", "批", "宗", "条", "所", "座", "台", "名")
#: what may follow a count's unit and keep it a count: a period (批次/年), not a population (件/万人)
COUNT_PERIODS = ("年", "季度", "季", "月")


def counts_things(unit: str | None, *, per_period: bool = True) -> bool:
    """Whether a unit counts whole things one by one: one of :data:`COUNT_UNITS`, alone or (with
    ``per_period``) per period (``批次/年``), not per population (``件/万人``) nor in ten-thousands
    (``万户``). ``per_period=False``: a stock of things only (项, 个), not a yearly flow (批次/年).

    >>> counts_things("项"), counts_things("批次/年"), counts_things("件/万人"), counts_things("万户")
    (True, True, False, False)
    >>> counts_things("批次/年", per_period=False)
    False
    """
    if not isinstance(unit, str):
        return False
    u = to_simplified(unicodedata.normalize("NFKC", unit)).strip().replace(" ", "")
    base, _, per = u.partition("/")
    return base in COUNT_UNITS and (not per or (per_period and per in COUNT_PERIODS))


#: units that count incidents (起: 事故 / 案件 as events), and names that say the events are incidents
EVENT_UNITS = ("起", "宗", "例", "起/年")
EVENT_WORDS = ("事故", "事件")
#: a name that speaks of a rate or share of incidents is not a count
_NOT_COUNT = ("率", "比重", "占比", "百分比")


def counts_events(unit: str | None, *names: str | None) -> bool:
    """Whether an indicator counts incidents a year: its unit is 起 / 宗 / 例, or its name says
    事故 / 事件 (not a rate of them) and its unit is blank or a plain count (次 / 件 / 个).

    >>> counts_events("起", "较大以上特种设备事故"), counts_events("", "重大食品安全事件")
    (True, True)
    >>> counts_events("%", "食品安全事故发生率"), counts_events("件", "有效发明专利")
    (False, False)
    """
    u = to_simplified(unicodedata.normalize("NFKC", unit or "")).strip().lower().replace(" ", "")
    if u in EVENT_UNITS:
        return True
    if u not in ("", "次", "件", "个"):
        return False
    text = " ".join(to_simplified(unicodedata.normalize("NFKC", n or "")) for n in names)
    return any(w in text for w in EVENT_WORDS) and not any(w in text for w in _NOT_COUNT)


def is_percent(unit: str | None) -> bool:
    """Whether a unit is a percentage of any kind (share, change or margin)."""
    u = (unit or "").strip().lower()
    return any(p in u for p in PERCENT_UNITS) or u in CHANGE_UNITS


def _norm_unit(unit: str | None) -> str:
    return to_simplified(unicodedata.normalize("NFKC", unit or "")).strip().lower().replace(" ", "")


def _name_text(names) -> str:
    return " ".join(to_simplified(unicodedata.normalize("NFKC", n if isinstance(n, str) else
                                                        "" if n is None or n != n else str(n))).lower()
                    for n in names)


def _kind_by_name(text: str) -> str:
    """``"share"`` or ``"change"`` of a rate whose unit does not say (rules 3-4 of the module)."""
    if any(w in text for w in SHARE_WORDS):
        return "share"
    for w in _NOT_CHANGE:
        text = text.replace(w, "")
    return "change" if any(w in text for w in CHANGE_WORDS) else "share"


def percent_kind(unit: str | None, *names: str | None) -> str | None:
    """``"share"``, ``"change"`` (rate of change or margin) or ``None`` (not a ``%`` unit).

    ``names`` are the indicator's name and id; see the module docstring for the rule (explicit
    bounds are handled by the callers, they win over this).

    >>> percent_kind("%", "居民消费价格涨幅"), percent_kind("%", "市场主体净增率"), percent_kind("%", "注销率")
    ('change', 'change', 'share')
    """
    u = _norm_unit(unit)
    if u in CHANGE_UNITS or u.startswith("%/") or "百分点" in u:
        return "change"
    if not is_percent(u):
        return None
    return _kind_by_name(_name_text(names))


def per_mille_kind(unit: str | None, *names: str | None) -> tuple[str, float] | None:
    """``(kind, whole)`` of a per-mille unit -- ``‰`` (whole 1000) or ``‱`` (10000) --, ``kind``
    ``"share"`` (婴儿死亡率 ‰: between 0 and ``whole``) or ``"change"`` (人口自然增长率 ‰, or a unit
    per year ``‰/年``: unbounded) by the name rule of :func:`percent_kind`; ``None`` for other units.
    ``%`` is not per mille (:func:`percent_kind`).

    >>> per_mille_kind("‰", "婴儿死亡率"), per_mille_kind("‰", "人口自然增长率"), per_mille_kind("%", "x")
    (('share', 1000.0), ('change', 1000.0), None)
    """
    u = _norm_unit(unit)
    base, slash, _ = u.partition("/")
    whole = PER_MILLE_UNITS.get(base)
    if whole is None:
        return None
    return ("change" if slash else _kind_by_name(_name_text(names))), whole


def is_growth_rate(unit: str | None, *names: str | None) -> bool:
    """Whether a ``%`` rate of change is the growth rate of a quantity that cannot be negative --
    市场主体增长率, 研发经费年均增长, 居民消费价格涨幅, 市场主体净增率, 增速, 增幅 -- and so never
    below -100 %. Not a change in points (百分点), a fall (下降 5 % means -5 %), a difference (差),
    a margin or the growth of what may be negative (利润, 收益, 余额).

    >>> is_growth_rate("%", "市场主体增长率"), is_growth_rate("%", "单位GDP能耗下降")
    (True, False)
    >>> is_growth_rate("百分点", "研发投入强度增长"), is_growth_rate("%", "利润总额增长")
    (False, False)
    """
    if percent_kind(unit, *names) != "change" or "百分点" in _norm_unit(unit) or _norm_unit(unit) in ("pp",):
        return False
    text = _name_text(names)
    return any(w in text for w in GROWTH_WORDS) and not any(w in text for w in NOT_GROWTH_WORDS)


#: words of a rate that sampling inspections measure: the share of the samples that pass (合格率) or fail
#: (不合格率), or in which something is found (检出率, 问题发现率)
SAMPLING_RATE_WORDS = ("合格率", "检出率", "发现率", "pass_rate", "passing_rate", "qualified_rate",
                       "unqualified_rate", "failure_rate", "fail_rate", "detection_rate")


@functools.lru_cache(maxsize=4096)  # decided once per distinct unit and names: a country's call repeats a few dozen
def is_sampling_rate(unit: str | None, *names: str | None) -> bool:
    """Whether a share (``%``, ``‰``) is a rate of sampling inspections -- 药品抽检合格率, 食品抽检不合格率,
    产品质量监督抽查合格率, 农药残留检出率, 问题发现率 --: a level that the year's samples scatter around,
    which ``auto`` forecasts with ``local_level`` (:mod:`mstarget.models.level`). Not a coverage (抽检覆盖率:
    how many were sampled), not a change (不合格率下降 in %, 百分点).

    >>> is_sampling_rate("%", "药品抽检合格率"), is_sampling_rate("‰", "食品抽检不合格率")
    (True, True)
    >>> is_sampling_rate("%", "工业产品质量监督抽查覆盖率"), is_sampling_rate("百分点", "抽检合格率提高")
    (False, False)
    """
    kind = percent_kind(unit, *names)
    if kind is None:
        mille = per_mille_kind(unit, *names)
        kind = mille[0] if mille is not None else None
    if kind != "share":
        return False
    text = _name_text(names)
    return any(w in text for w in SAMPLING_RATE_WORDS)
