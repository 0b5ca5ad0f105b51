"""Join a history to a plan: by (region, indicator id) or by (region, Chinese name), never silently.

A bureau's history is often keyed by 指标名称 rather than by the plan's ids, with names written
slightly differently (full-width brackets, quotes, spaces, a unit in parentheses). :func:`match`
pairs each history series with the plan rows of the same region whose id equals the series' id,
or whose normalised name (:func:`name_key`) equals the series' normalised name or id; the series is
then relabelled with the plan's id. Regions must be equal as written (after NFKC and trimming;
traditional characters compare as simplified, :mod:`mstarget.chinese_script`, so 鼎湖區 is 鼎湖区):
``鼎湖`` is *not* taken for ``鼎湖区`` -- it is reported, with the suggestion.

Everything left over is reported: plan rows without history and history series matching no plan
row, with "did you mean" suggestions (a region differing by a suffix such as 区 / 县 / 市 / 省 /
自治区, or a close name by :mod:`difflib`; or why a name read loosely as a plan row's was not
matched to it: 企业标准（当年新增） against the stock 〔117〕, 人 against 人/万人口). :func:`match` returns them; :func:`warn_unmatched`
issues an :class:`~mstarget.exceptions.UnmatchedWarning` carrying them. A history's total row
(region ``合计``, ``总计``, ``全市合计``, ``全省``, ``全国`` ...: it adds up the regions of the table)
that no plan row asks for is no unmatched region: it is listed apart (:attr:`Match.totals`) and
named as the table's total, and ``--strict`` does not refuse it.
"""
from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .chinese_script import to_simplified
from .exceptions import MstargetWarning, UnmatchedWarning
from .units import is_unit_text, split_unit
from .validation import NAME_NUMBERING, PROVINCES, REGION_SUFFIXES, column_cells, is_total_region, records

_QUOTES = re.compile(r"[“”\"'‘’「」『』《》〈〉<>]")
_SPACE = re.compile(r"\s+")
#: marks a table puts after a name that are not part of it: footnotes (年报率*, 年报率①, 年报率[1], 年报率（注1）)
_FOOTNOTE = re.compile(r"(\s*([*＊※①-⑳⑴-⒇¹²³⁴-⁹]|\[\d{1,2}\]|［\d{1,2}］|[(（]注\d{0,2}[)）]))+\s*$")
#: characters a pasted cell carries that are not seen: zero-width spaces and joiners, the byte-order mark
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
#: marks a table puts before or after a name (★食品抽检合格率, 食品抽检合格率▲) and 【】 around the whole of it
_MARKS = re.compile(r"^[★☆▲△▼▽●○◆◇■□◎#]+|[★☆▲△▼▽●○◆◇■□◎#]+$")
_WRAPPED = re.compile(r"^【([^【】]+)】$")
#: a share unit written after the name without round brackets: 食品抽检合格率%, … %, …/%, …[%], …【%】, …，%
_BARE_SHARE = re.compile(r"(?<=\S)\s*(?:[/,、:;]\s*)?(?:%|‰|\[(?:%|‰|百分比)\]|【(?:%|‰|百分比)】)$")
#: a sub-item's lead-in before its name (其中：企业数量, 其中:个体工商户, 其中 农产品抽检合格率, after NFKC): the row
#: counts part of the row above it, the history names it without the 其中. Only with a colon, comma or space
#: after it and a name after that: 其中 alone, or 其中 opening a word, stays
_SUB_ITEM = re.compile(r"^其中\s*[:,，、;；]\s*(?=\S)|^其中\s+(?=\S)")
_NO_REGION = "the plan has no region"
PEER_NOTE = "; its series of the plan's indicators are used as peers (pooling), not assessed"
PLAN_COLUMNS = ["region", "indicator", "name", "target_year", "suggestion"]
HISTORY_COLUMNS = ["region", "indicator", "name", "n_obs", "first_year", "last_year", "suggestion"]


class AttrFrame(pd.DataFrame):
    """A DataFrame kept in another frame's ``attrs``: it compares equal to another as a whole.

    pandas compares ``attrs`` when it concatenates frames; a plain DataFrame there would make
    ``pd.concat([result_a, result_b])`` raise ("truth value of a DataFrame is ambiguous").
    """

    def __eq__(self, other):  # whole-table equality, only for attrs bookkeeping
        return isinstance(other, pd.DataFrame) and self.equals(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = None

    @property
    def _constructor(self):  # a row selection of it (assess drops 建成 rows) stays one: concat, parquet
        return AttrFrame

    def __deepcopy__(self, memo=None):
        return AttrFrame(pd.DataFrame(self).copy(deep=True))

    def to_records_json(self) -> list:
        """The table as JSON-ready records (a list of ``{column: value}``; NaN -> ``None``):
        what ``df.to_parquet`` / ``df.to_feather`` write into the file's metadata for it."""
        return json.loads(pd.DataFrame(self).to_json(orient="records", force_ascii=False, date_format="iso"))


def _json_default(previous):
    """A ``default`` for the json module's shared encoder that writes an :class:`AttrFrame` as its
    records and leaves every other object to ``previous`` (which refuses it as before).

    pandas' ``to_parquet`` writes ``json.dumps(df.attrs)`` into the file (pyarrow does the same for
    feather), and a result's ``attrs["unmatched_plan"]`` / ``["unmatched_history"]`` /
    ``["history_totals"]`` are AttrFrames: without this, ``mt.assess(...).to_parquet(path)`` raised
    "Object of type AttrFrame is not JSON serializable" and wrote nothing. The attrs stay DataFrames
    in memory (the report and the CLI read them so); read back with ``pd.read_parquet`` they are
    lists of records: ``pd.DataFrame(df.attrs["unmatched_plan"])``.
    """
    def default(obj):
        if isinstance(obj, AttrFrame):
            return obj.to_records_json()
        return previous(obj)
    default.mstarget_attrframe = True
    return default


if not getattr(json._default_encoder.default, "mstarget_attrframe", False):  # once, even if re-imported
    json._default_encoder.default = _json_default(json._default_encoder.default)


def name_key(text) -> str:
    """A name as compared when matching: NFKC (full-width -> ASCII), simplified characters, no
    spaces, no quotes or book brackets, no trailing unit in parentheses, no footnote marks or row
    numbering (``年报率*``, ``年报率①``, ``1. 年报率``), no sub-item lead-in (``其中：企业数量`` is
    ``企业数量``, :data:`_SUB_ITEM`; the plan's own name is kept for the table), lower case.

    >>> name_key("“明厨亮灶”覆盖率（%）") == name_key("明厨亮灶覆盖率")
    True
    >>> name_key("（一）年报率*") == name_key("年报率")
    True
    >>> name_key("其中：个体工商户") == name_key("个体工商户"), name_key("其中")
    (True, '其中')
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return _name_key(str(text))


@functools.lru_cache(maxsize=1 << 16)  # a country's table compares the same few hundred names ~100,000 times
def _name_key(text: str) -> str:
    t = _INVISIBLE.sub("", text)
    t = NAME_NUMBERING.sub("", _FOOTNOTE.sub("", t), count=1)
    t = to_simplified(unicodedata.normalize("NFKC", t)).strip()
    t = _WRAPPED.sub(r"\1", _MARKS.sub("", t).strip())
    t = NAME_NUMBERING.sub("", _SUB_ITEM.sub("", t), count=1) if t.startswith("其中") else t
    t, _ = split_unit(_BARE_SHARE.sub("", t))
    t = _WRAPPED.sub(r"\1", _MARKS.sub("", t).strip())
    t = _QUOTES.sub("", t)
    t = _SPACE.sub("", t).strip("：:;；,，。.、")
    return t.lower()


_PARENS = re.compile(r"\(([^()]*)\)")


#: wordings that name the same indicator: a table's caption before it (表1 期末市场主体总量), the region
#: it is counted over (全区每千人拥有企业户), the period's end or the stock held (期末市场主体总量, 实有市场主体:
#: read as a counting note too, :func:`counting_notes`), the population a ratio is counted per (每万人口… /
#: 每万人…, 千人…: compared as the unit's denominator, :func:`_per_population`), batches written 批次 / 批 and
#: a count's last word (总量, 数量, 人数, 数, 量, 户: 拥有量 / 拥有数, 企业户 / 企业数, 执业药师人数 / 执业药师数量)
_CAPTION = re.compile(r"^附?续?表[0-9]+([-.][0-9]+)*[:.、_-]*")
_OWN_REGION = re.compile(r"^(全|本|我)(区|市|县|省|镇|乡)")
_STOCK_WORDS = re.compile(r"^(期末|年末|年底|实有)+")
_LOOSE = ((_CAPTION, ""), (_OWN_REGION, ""), (_STOCK_WORDS, ""),
          (re.compile(r"每[十百千万亿]*人口?|^[十百千万]+人口?(?!次)"), ""),
          (re.compile(r"(批次|批)(数量|数)?$"), "批"),
          (re.compile(r"(总量|总数|数量|[个户家人件项]数|数|量|户)$"), ""))
#: words of the trade written two ways for one thing, read as the second: 抽验 / 抽样检验 for 抽检 (抽检合格率,
#: 药品抽验合格率), 经营主体 (the word since 2023) for 市场主体; compared only in a loose reading
SYNONYMS = (("抽样检验", "抽检"), ("抽验", "抽检"), ("市场经营主体", "市场主体"), ("经营主体", "市场主体"),
            # 食品安全抽检 is the name of the programme (市场监管总局 食品安全监督抽检) that 食品抽检 abbreviates, 监督抽检
            # being its kind of sampling; 食品评价性抽检 (another kind) stays apart
            ("食品安全监督抽检", "食品抽检"), ("食品监督抽检", "食品抽检"), ("食品安全抽检", "食品抽检"),
            # 年报 abbreviates 年度报告 (公示): 企业年度报告公示率 / 企业年报公示率 / 企业年报率
            ("年度报告公示", "年报"), ("年度报告", "年报"), ("年报公示", "年报"),
            ("个体工商户", "个体户"))

#: words in a parenthesised note that say how a figure is counted (知识产权质押登记融资金额（累计）,
#: 企业标准（当年新增）): such a note is part of what the series measures, so a loose reading keeps it;
#: ``other`` is another quantity altogether (a change, an average, part of a year)
COUNTING_NOTES = (("running", re.compile(r"累计|以来|十四五|十三五|五年")),
                  ("additions", re.compile(r"新增|增量|净增|新登记|新设")),
                  ("yearly", re.compile(r"当年|本年|年度|全年|年内|当期|本期")),
                  ("stock", re.compile(r"存量|期末|年末|年底|实有|余额")),
                  ("other", re.compile(r"增长|增速|增幅|同比|环比|上年|平均|年均|月|季|半年")))
#: the counting notes a plan row's kind agrees with: 〈〉 adds up each year's additions, 〔〕 is the total to
#: date, a plain target the year's level; 累计 on a 〈〉 row only with the series' 口径 declared 累计
_AGREES = {"increment": {"additions", "yearly"}, "cumulative": {"stock"}, "level": {"yearly", "stock"}}
_NOTE_MEANING = {"running": "a running total since the plan began", "additions": "each year's additions",
                 "yearly": "the year's own amount", "stock": "a stock at the period's end",
                 "other": "a change, an average or part of a year"}
_KIND_MEANING = {"increment": "adds up each year's additions", "cumulative": "is a stock, the total to date",
                 "level": "is the year's level"}
_KIND_BRACKETS = {"increment": "〈{}〉", "cumulative": "〔{}〕"}


#: what a note in brackets may say and still be read past in a loose reading. A note is read past unless it
#: narrows or changes the scope (:data:`_SCOPE_NOTE`): 含X / 不含 / 除 / 仅 / 其中, the kind of sampling (评价性抽检,
#: 专项), another level than the plan region's own (国家 / 省级 / 市级 on a district's row, 省抽), a product or subject
#: (农产品, 个体工商户, 餐饮), the opposite quantity (不合格率). Read past: how the figure is counted (:data:`COUNTING_NOTES`,
#: checked against the row's kind apart), a unit, a formula, the year, 约束性, its status (快报, 预计, 初步统计, 估算,
#: 全口径 ... :data:`_STATUS_NOTE`), its source (市场监管局, 统计部门, 数据来源：…), the plan region's own level (区级 on
#: a 区), a bare 含 naming nothing included. Single characters 市 / 区 / 省 are no scope (市场监管局 is a source).
_SCOPE_NOTE = re.compile(r"含|除|其中|仅|只|限|以外|之外|评价|监督|专项|风险监测|抽查|[国省市区县]抽|国内|境内|进口|出口|"
                         r"不合格|合格|未|问题|城镇|城区|城市|农村|乡镇|农产品|农贸|农业|农民|合作社|企业|个体|外资|内资|外商|"
                         r"国有|民营|私营|规上|规模以上|小微|中小|重点|药品|药械|中药|疫苗|器械|化妆品|食品|食用|餐饮|流通|"
                         r"销售|生产|网络|网售|电商|线上|线下|学校|校园|特种设备|工业产品|个人|自然人|法人|分支|本地|外地")
#: a figure's status, not its scope: provisional, estimated, final, revised ... (read past)
_STATUS_NOTE = re.compile(r"全口径|统计口径|初步统计|初步核算|初步|快报|预计|预估|预测|估算|估计|测算|推算|年报|月报|正式|核实|"
                          r"核定|修订|修正|调整后|审定|终值|初值|实际|完成值?|实绩|最新|数据|统计|口径|值")
#: a source of the figure (read past): 数据来源：…, …局, …部门, …委 ... (without a word narrowing the scope)
_SOURCE_NOTE = re.compile(r"^(数据|资料)?(来源|出处|提供)[:：]|(局|部门|委员会|委|办公室|办|中心|总队|支队|大队|所|站|厅)$")
#: words naming a level of government: the region's own level is read past, another kept
_LEVEL_WORDS = (("国", re.compile(r"国家级|国家|全国|中央")), ("省", re.compile(r"省级|全省|本省")),
                ("市", re.compile(r"市级|全市|本市|地市级?")), ("区", re.compile(r"区级|全区|本区")),
                ("县", re.compile(r"县级|全县|本县")), ("镇", re.compile(r"镇级|全镇|乡镇级")))
_NOTE_FILLER = re.compile(r"[\s,，、;；:：.。和及与的等/]")


def _note_read_past(note: str, region=None) -> bool:
    """Whether a bracketed note of a name leaves the indicator as it is, read loosely (see :data:`_SCOPE_NOTE`);
    with ``region``, a note naming its own level (区级 for a 区) is read past, another level's kept."""
    n = re.sub(r"^(计量)?单位[:：]?\s*", "", to_simplified(unicodedata.normalize("NFKC", note)).strip())  # （单位：%）
    if re.fullmatch(r"(约束性|预期性|[0-9]{4}(年度?)?([-—~至到]+[0-9]{4}(年度?)?)?([底末])?)", n):
        return True  # the plan's attribute, the year of the figures: the same indicator
    if not n or is_unit_text(n.lower()) or n in ("百分比",) or re.fullmatch(r"(每|/)?[十百千万亿]*人口?", n):
        return True  # a unit, or the population a ratio counts per (执业药师数（每千人口）: its unit is compared)
    if "派生" in n or re.search(r"[÷=×]|[\u4e00-\u9fff]/[\u4e00-\u9fff]", n):
        return not re.search(r"含|除|其中|仅", n)  # a formula (利润总额/主营业务收入): how the figure is worked out
    if _SOURCE_NOTE.search(n) and not re.search(r"含|除|其中|仅|只|限|评价|专项|[国省市区县]抽", n):
        return True  # who gives the figure (区市场监管局, 数据来源：统计局): not what it counts
    rest = re.sub(r"[0-9]{2,4}\s*(年度?|年底|年末)?", "", n)
    for _, words in COUNTING_NOTES:  # how it is counted: compared with the plan row's kind apart (:func:`_fit`)
        rest = words.sub("", rest)
    rest = _STATUS_NOTE.sub("", rest)
    own = _region_level(region)
    for level, words in _LEVEL_WORDS:
        if words.search(rest):
            if own is None or level != own:
                return False  # 国家 / 省级 / 市级 on a district's row: another region's figure or programme
            rest = words.sub("", rest)
    rest = _NOTE_FILLER.sub("", rest)
    if rest in ("", "含", "包含", "包括"):
        return True  # nothing else, or a bare 含 naming nothing included
    return not _SCOPE_NOTE.search(rest)


#: the prefix naming a region's own level, by the last character of its name (示例区: 全区 / 本区 / 我区)
_LEVEL_OF = {"区": "区", "县": "县", "市": "市", "省": "省", "镇": "镇", "乡": "乡", "旗": "旗", "国": "国"}


def _region_level(region) -> str | None:
    """A region's level by the last character of its name (鼎湖区 -> 区, 全国 -> 国); None when it says none."""
    r = region_key(region) if region is not None else ""
    if r in ("全国", "中国", "全国合计"):
        return "国"
    return _LEVEL_OF.get(r[-1:]) if r else None


@functools.lru_cache(maxsize=1 << 12)
def _own_region_prefix(region) -> re.Pattern:
    """The prefix a name of ``region``'s own figure may open with: 全区 / 本区 / 我区 for a 区 (全县 for a 县, 全市
    for a 市, 全省 for a 省), and the region's own name (鼎湖区期末市场主体总量 on a 鼎湖区 row, as a bulletin's table
    writes it; also followed by 全区: 鼎湖区全区每千人拥有企业户); 全市 or 肇庆市 before a district's name is the city's
    figure, another region. Any level when the region says none (no region, 合计)."""
    level = _region_level(region)
    if level is None:
        return _OWN_REGION
    own = name_key(region_key(region))
    if len(own) < 2 or own in ("全国", "中国", "全国合计"):
        return re.compile(rf"^(全|本|我){level}")
    # 鼎湖区…, 全区…, and both (鼎湖区全区每千人拥有企业户)
    return re.compile(rf"^(?:{re.escape(own)}(?:(?:全|本|我){level})?(?=.)|(?:全|本|我){level})")


def _scoped(text, region=None) -> str:
    """A name (NFKC) with the bracketed notes read past taken out (:func:`_note_read_past`), the others kept."""
    t = unicodedata.normalize("NFKC", str(text or ""))
    return _PARENS.sub(lambda m: "" if _note_read_past(m.group(1), region) else m.group(0), t)


@functools.lru_cache(maxsize=1 << 16)
def loose_key(text, region=None) -> str:
    """:func:`name_key` without any parenthesised note (``利润率(利润总额/主营业务收入,派生)`` ->
    ``利润率``) and read past wordings that name the same indicator (``全区每千人拥有企业户`` /
    ``每千人拥有企业数``, ``每万人口…`` / ``每万人…`` / ``…`` in 人/万人口, ``期末市场主体总量`` /
    ``表1 市场主体总量``, ``实有市场主体数量`` / ``市场主体总量``, ``执业药师人数`` / ``执业药师数``, ``…拥有量`` /
    ``…拥有数``, ``…批次数`` / ``…批数``; the words of :data:`SYNONYMS`, ``药品抽验合格率`` / ``药品抽检合格率``):
    used only when it singles out one plan row and one series whose units agree and whose notes say
    nothing else (:func:`counting_notes`), and the assessment's note says so.

    A note saying how the figure is counted, its status or source (（快报）, （预计）, （全口径）, （市场监管局）), a
    unit or a formula is read past; a note narrowing the scope stays part of the key (:func:`_note_read_past`:
    ``食品抽检合格率（评价性抽检）`` is no ``食品抽检合格率``, nor ``市场主体总量（不含个体工商户）`` ``市场主体总量``).
    With ``region``, only the prefix or note naming its own level is read past (全区, （区级） for a 区); 全市
    before a district's indicator is the city's figure and stays."""
    key = name_key(_scoped(text, region))
    for word, same in SYNONYMS:
        key = key.replace(word, same)
    own = _OWN_REGION if region is None else _own_region_prefix(region)
    for pattern, repl in _LOOSE:
        key = (own if pattern is _OWN_REGION else pattern).sub(repl, key)
        if repl == "" and pattern.pattern.startswith("(总量"):
            key = pattern.sub(repl, key)  # 个体工商户户数 -> 个体工商户 -> 个体工商, as 个体工商户 reads
    return key


def counting_notes(text) -> dict:
    """The notes of a name saying how its figure is counted, ``{kind: the note}`` (kinds of
    :data:`COUNTING_NOTES`): its parenthesised notes, ``企业标准（当年新增）`` -> ``{"additions": "当年新增",
    "yearly": ...}``, and the stock words it opens with, ``实有市场主体`` -> ``{"stock": "实有"}``."""
    found: dict = {}
    for note in _PARENS.findall(to_simplified(unicodedata.normalize("NFKC", str(text or "")))):
        for kind, words in COUNTING_NOTES:
            if words.search(note):
                found.setdefault(kind, note)
    opening = _STOCK_WORDS.match(_OWN_REGION.sub("", _CAPTION.sub("", name_key(text))))
    if opening:
        found.setdefault("stock", opening.group(0))
    return found


_PER_IN_NAME = re.compile(r"(?:每|/)([十百千万亿]*)人口?|^(?:附?续?表[0-9]+([-.][0-9]+)*[:.、_-]*)?"
                          r"(?:(?:全|本|我)(?:区|市|县|省|镇|乡))?([十百千万]+)人口?(?!次)")
_PER_TIME = {"年", "年度", "月", "季", "季度", "日", "天", "周", "期"}
_SHARE_UNITS = {"%", "‰", "百分点", "个百分点"}
_COUNT_UNITS = set("户 个 家 人 件 项 张 批次 批 次 起 条 座 所 名 位 例 宗 台 辆 份 种 人次 户次 家次 项次".split())


def _per_population(name) -> str | None:
    """The population a name counts per: ``每万人口执业药师数`` -> ``万人``, ``千人食品检验量`` -> ``千人``."""
    m = _PER_IN_NAME.search(name_key(name))
    if not m:
        return None
    return (m.group(1) if m.group(1) is not None else m.group(3)) + "人"


def _unit_kind(unit) -> tuple | None:
    """What a unit counts and per what population: ``人/万人口`` -> ``("count", "万人")``, ``批次/年`` ->
    ``("count", None)`` (per year is a yearly figure), ``亿元`` -> ``("money", None)``; None when blank."""
    u = _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", str(unit or ""))))
    if not u or u.lower() == "nan":
        return None
    split = re.search(r"/|每", u)
    head, per = (u[:split.start()], u[split.end():]) if split else (u, "")
    per = per.replace("每", "").replace("人口", "人")
    per = None if not per or per in _PER_TIME else per
    base = re.sub(r"^[十百千万亿]+(?=.)", "", head)
    if head in _SHARE_UNITS or base in _SHARE_UNITS:
        family = "share"
    elif base.endswith("元"):
        family = "money"
    elif base in _COUNT_UNITS:
        family = "count"
    else:
        family = base  # 吨, 千瓦 ...: only the same unit ("" when the unit is only a population: 每万人)
    return family, per


@dataclass(frozen=True)
class _Reading:
    """What a name and unit say a figure is, for a loose match: its counting notes, the population it
    counts per (and whether the name says so), its unit's kind."""
    name: str
    unit: str
    notes: dict
    per: str | None
    per_known: bool
    per_in_name: bool
    family: str | None
    conflict: str = ""

    @classmethod
    def of(cls, name, unit) -> "_Reading":
        kind = _unit_kind(unit)
        in_name = _per_population(name)
        per, conflict = in_name, ""
        if kind is not None and kind[1] is not None:
            if in_name is not None and in_name != kind[1]:
                conflict = f"its name counts per {in_name} and its unit {unit} per {kind[1]}"
            per = kind[1]
        return cls(str(name), str(unit or "") if kind else "", counting_notes(name), per,
                   kind is not None or in_name is not None, in_name is not None,
                   kind[0] if kind else None, conflict)

    def describe(self, whose: str) -> str:
        """``per 万人 (unit 人/万人口)``, ``per 千人 (its name)``, ``a plain figure, not per population (unit 人)``."""
        what = f"per {self.per}" if self.per else "a plain figure, not per population"
        by_unit = self.unit and (self.per is None or _unit_kind(self.unit)[1] == self.per)
        return f"{what} ({f'unit {self.unit}' if by_unit else whose + ' name'})"


def _fit(plan: _Reading, kind: str, written: str, s: _Reading, measure: str) -> tuple[int, str]:
    """How well a series fits a plan row whose name it matches loosely: ``(strength, "")`` -- 2 both
    units known and agreeing, 1 the population per which both count known, 0 nothing against --
    or ``(-1, why not)``."""
    pname = plan.name
    for note_kind, note in s.notes.items():
        if note_kind == "running" and kind == "increment" and measure == "running_total":
            continue  # 累计 declared in its 口径 column: assess turns running totals into yearly additions
        if note_kind in _AGREES.get(kind, ()):
            continue
        fix = (" If the figures are running totals, say so in a 口径 column (累计, measure running_total): they "
               "are then turned into each year's additions (如为累计值，请增加“口径”列并填写“累计”)"
               if note_kind == "running" and kind == "increment" else
               f" If the figures are what the plan counts, name the series {pname} as the plan does")
        said = f"（{note}）" if f"({note})" in to_simplified(unicodedata.normalize("NFKC", s.name)) else note
        return -1, (f"its name says {said}, {_NOTE_MEANING[note_kind]}, while {pname}'s target {written} "
                    f"{_KIND_MEANING.get(kind, 'is counted otherwise')}: not matched by guess (名称注明“{note}”，"
                    f"与规划指标口径不同，未匹配).{fix}")
    if s.conflict or plan.conflict:
        return -1, f"{s.conflict or plan.conflict}: not matched by guess"
    if s.per_known and plan.per_known:
        if s.per != plan.per:
            return -1, (f"it is {s.describe('its')} and {pname} is {plan.describe('its')}: not matched by guess "
                        "(计量单位口径不同，未匹配)")
    elif s.per is not None:  # the series counts per population (its unit or name), the plan row says nothing
        return -1, (f"it is {s.describe('its')} and {pname} has no unit to say so: not matched by guess "
                    f"(计量单位口径不明，未匹配); if {pname} is counted so, give the plan row its unit (规划表请填写计量单位)")
    elif plan.per is not None:  # 执业药师 without a unit may be the head count: 80 against ≥4.6 per 万人
        unit = plan.unit or f"…/{plan.per}"
        return -1, (f"{pname} is {plan.describe('its')} and the series has no unit to say whether it is counted so "
                    f"or is a plain figure: not matched by guess (历史数据未注明计量单位，未匹配); if its figures are "
                    f"per {plan.per}, give its unit {unit} in a 单位 column (请在“单位”列填写 {unit})")
    if s.family is not None and plan.family is not None:
        if s.family != plan.family and "" not in (s.family, plan.family):
            return -1, f"its unit {s.unit} and {pname}'s {plan.unit} measure different things: not matched by guess"
        return 2, ""
    return (1 if s.per_known and plan.per_known else 0), ""


def _written_target(kind, target) -> str:
    try:
        figure = f"{float(target):g}"
    except (TypeError, ValueError):
        return str(target)
    return _KIND_BRACKETS.get(kind, "{}").format(figure)


def region_key(text) -> str:
    """A region as compared: NFKC, no spaces, traditional characters read as simplified (鼎湖區 is
    鼎湖区); nothing else is guessed (鼎湖 is not 鼎湖区)."""
    return _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", str(text or "")))).strip()


@dataclass
class Match:
    """Result of :func:`match`.

    Attributes
    ----------
    history : DataFrame
        The history with every matched series relabelled to the plan's ``indicator`` id (a blank
        ``unit`` takes the plan's); series matching no plan row are kept as they were.
    unmatched_plan : DataFrame
        Plan rows without any history: ``region, indicator, name, target_year, suggestion``.
    unmatched_history : DataFrame
        History series matching no plan row: ``region, indicator, name, n_obs, first_year,
        last_year, suggestion`` (e.g. ``did you mean region 鼎湖区?``).
    totals : DataFrame
        The history's total rows (region 合计 / 全市 ..., :func:`is_total_region`) that no plan row
        asks for, with the columns of ``unmatched_history``: not used, and not counted as unmatched.
    peers : DataFrame
        Observations of unmatched series in regions the plan does not assess, of an indicator it
        does (same id or 指标名称 as a plan row of another region), relabelled to the plan's id: the
        other districts of a city's table, which ``assess`` pools with as peers (``reference``).
    pairs : dict
        ``(region, plan indicator) -> history indicator`` (as the history wrote it) of every
        matched series.
    near : dict
        ``(region, plan indicator) -> the history series' name`` of the series matched by a looser
        reading of the names (:func:`loose_key`; notes and units agreeing, :func:`_fit`), which the
        assessment's note names.
    regions_read : dict
        ``history region -> plan region`` of the regions the history wrote otherwise than the plan: a
        province's short or full name (广东 for the plan's 广东省, :func:`province_short`), a full administrative
        name (广东省肇庆市四会市 for its 四会市, :func:`admin_path_tail`), a bureau's (鼎湖分局 for its 鼎湖区,
        :func:`bureau_region`), matched as the plan writes them.
    """

    history: pd.DataFrame
    unmatched_plan: pd.DataFrame
    unmatched_history: pd.DataFrame
    pairs: dict = field(default_factory=dict)
    totals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame([], columns=HISTORY_COLUMNS))
    peers: pd.DataFrame = field(default_factory=pd.DataFrame)
    near: dict = field(default_factory=dict)
    regions_read: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every plan row has history and every history series a plan row."""
        return self.unmatched_plan.empty and self.unmatched_history.empty

    def message(self, limit: int = 10) -> str:
        """A readable account of what did not match (Chinese first), at most ``limit`` lines each."""
        lines = []
        if not self.unmatched_history.empty:
            h = self.unmatched_history
            n = len(h)
            lines.append(f"未匹配: {n} 个历史序列在规划表中找不到对应指标 ({n} history series match no plan "
                         "row; not assessed):")
            elsewhere = h["suggestion"].str.startswith(_NO_REGION)
            near = h[~elsewhere]
            lines += [f"  {_series_text(r)}" for r in near.head(limit).itertuples()]
            if len(near) > limit:
                lines.append(f"  ... and {len(near) - limit} more")
            groups = list(h[elsewhere].groupby("region", sort=False))
            for region, g in groups[:limit]:  # whole regions the plan does not have: one line each
                names = ", ".join(map(str, g["name"].head(3))) + (" ..." if len(g) > 3 else "")
                n_peers = int(g["suggestion"].str.endswith(PEER_NOTE).sum())
                said = g["suggestion"].iloc[0].removesuffix(PEER_NOTE)
                used = (f"; {'all' if n_peers == len(g) else n_peers} used as peers (pooling), not assessed"
                        "（用作同指标其他地区的参照，不单独评估）") if n_peers else ""
                lines.append(f"  {region}: {len(g)} series ({names}); {said}{used}")
            if len(groups) > limit:
                lines.append(f"  ... and {len(groups) - limit} more regions the plan does not have")
        for region, g in list(self.totals.groupby("region", sort=False))[:limit]:
            names = ", ".join(map(str, g["name"].head(3))) + (" ..." if len(g) > 3 else "")
            said = g["suggestion"].iloc[0]
            fix = (said.split("; ", 1)[1][:1].upper() + said.split("; ", 1)[1][1:] + "." if "; if it is" in said
                   else "Name it as the plan names that region to assess it.")
            lines.append(f"合计行: {region} ({len(g)} series: {names}) is the table's total over its regions, not "
                         f"a region; not used (合计行不参与评估). {fix}")
        if not self.unmatched_plan.empty:
            n = len(self.unmatched_plan)
            lines.append(f"未匹配: {n} 个规划指标没有历史数据 ({n} plan rows have no history; assessed "
                         "from the plan table's own figures alone -- its baseline and any 2022年完成值 "
                         "columns -- or no_data):")
            lines += [f"  {_plan_text(r)}" for r in self.unmatched_plan.head(limit).itertuples()]
            if n > limit:
                lines.append(f"  ... and {n - limit} more")
        return "\n".join(lines)


def _label(region, indicator, name) -> str:
    label = f"{region}/{indicator}"
    if name and name_key(name) != name_key(indicator):
        label += f" ({name})"
    return label


def _series_text(r) -> str:
    years = f"{r.first_year}-{r.last_year}" if r.first_year != r.last_year else f"{r.first_year}"
    text = f"{_label(r.region, r.indicator, r.name)}: {r.n_obs} obs, {years}"
    return f"{text}; {r.suggestion}" if r.suggestion else text


def _plan_text(r) -> str:
    text = f"{_label(r.region, r.indicator, r.name)}, target {r.target_year}"
    return f"{text}; {r.suggestion}" if r.suggestion else text


def match(plan: pd.DataFrame, history: pd.DataFrame) -> Match:
    """Pair the series of ``history`` with the rows of ``plan`` (both as read by their readers).

    A series matches a plan row of the same region when the ids are equal, else when the
    normalised names (:func:`name_key` of the series' ``name`` or id, and of the plan row's
    ``name`` or id) are equal. An id match wins over a name match; a plan id already taken by
    an id match is not given a second series by name. Regions are never guessed. Last, names
    equal read loosely (:func:`loose_key`) match when that pairs one plan id with one series
    fitting it best: a note saying how the figure is counted (累计, 新增 ...) must agree with the
    row's kind, and units (the population a ratio counts per, whether in the unit or the name)
    must agree where both are known; pairs kept apart say why in their suggestions.

    An id names no series when the two tables' names for it disagree (history ``food_pass`` =
    食品抽检不合格率, plan ``food_pass`` = 食品抽检合格率): the series is left unmatched, with both names. A
    series whose name equals a plan row's but whose unit counts per another population (件 against
    件/万人) is not matched by its name either: a series that fits, if any, is matched loosely.

    The steps: by id (:func:`_id_matches`), by name (:func:`_name_matches`), loosely (:func:`_loose_matches`), then
    what is left over -- the table's totals, peers of the plan's indicators, the series and plan rows unmatched with
    suggestions (:func:`_left_over`).
    """
    history = _plan_spelling_of_regions(history, plan)
    regions_read = dict(history.attrs.get("regions_read", {}))
    series = _series_table(history)
    plan_keys = _plan_keys(plan)
    plan_names = plan["name"] if "name" in plan.columns else plan["indicator"]
    row_info = {}  # (region, plan id) -> (its name, its unit)
    for r, i, n, u in zip(column_cells(plan["region"]), column_cells(plan["indicator"]), column_cells(plan_names),
                          column_cells(plan["unit"]) if "unit" in plan.columns else [""] * len(plan)):
        row_info.setdefault((r, i), (n if isinstance(n, str) and n else i, u))
    unit_of, _ = _series_units(history)
    m = _id_matches(series, row_info, unit_of)
    regions, ids = series["region"].to_numpy(), series["indicator"].to_numpy()  # (not .at per row)
    taken = {(regions[k], ind) for k, ind in m.target_of.items()}
    _name_matches(m, series, plan, history, plan_keys, row_info, unit_of, taken)
    exact = set(m.target_of) - m.loose_ids
    plan_hints = {key: text for key, (k, text) in m.plan_hints.items()}
    more_series, more_plan = _loose_matches(series, plan, history, m.target_of, taken, m.refused)
    for hints, more in ((m.series_hints, more_series), (plan_hints, more_plan)):
        for key, text in more.items():
            hints.setdefault(key, text)
    matched_now = {(regions[k], ind) for k, ind in m.target_of.items()}
    plan_hints = {key: text for key, text in plan_hints.items() if key not in matched_now}
    names = series["name"].to_numpy() if "name" in series.columns else ids
    near = {(regions[k], ind): str(names[k] if isinstance(names[k], str) and names[k] else ids[k])
            for k, ind in m.target_of.items() if k not in exact}
    relabelled = _relabel(history, series, m.target_of, plan)
    unmatched_plan, unmatched_history, totals, peer_of = _left_over(
        plan, series, m.target_of, plan_keys, m.series_hints, plan_hints, unit_of)
    pairs = {(regions[k], ind): ids[k] for k, ind in m.target_of.items()}
    return Match(relabelled, AttrFrame(unmatched_plan), AttrFrame(unmatched_history), pairs, AttrFrame(totals),
                 AttrFrame(_peer_rows(history, peer_of)), near, regions_read)


@dataclass
class _Pairing:
    """Series paired with plan ids so far (:func:`_id_matches`, :func:`_name_matches`), and why others were not."""

    #: series position -> the plan id it is matched to
    target_of: dict = field(default_factory=dict)
    #: series whose id names a plan row of another name: matched neither by id nor by name
    refused: set = field(default_factory=set)
    #: series kept by their id whose names differ harmlessly: said in the note
    loose_ids: set = field(default_factory=set)
    #: (region, history id) -> why the series was not matched; (region, plan id) -> (series position, why)
    series_hints: dict = field(default_factory=dict)
    plan_hints: dict = field(default_factory=dict)


def _id_matches(series: pd.DataFrame, row_info: dict, unit_of: dict) -> _Pairing:
    """Series whose id is a plan row's id in the same region -- unless the two tables' names for the id disagree
    (食品抽检不合格率 against 食品抽检合格率), or an id read off the name counts per another population (件 against
    件/万人)."""
    m = _Pairing()
    for k, s in enumerate(records(series)):
        if (s.region, s.indicator) not in row_info:
            continue
        pname = row_info[(s.region, s.indicator)][0]
        why = _id_names_disagree(s.region, s.indicator, s.name, pname)
        if why:
            m.refused.add(k)
            m.series_hints[(s.region, s.indicator)] = why
            m.plan_hints[(s.region, s.indicator)] = (k, why)
            continue
        sname = s.name if isinstance(s.name, str) and s.name else s.indicator
        # an id read off the name (no id column: 高价值发明专利拥有量 in 件) is a name match, checked for units; an
        # id the history states (food_samples_per_1000_people in 批次) is its word: matched, the units warned
        named_only = isinstance(s.name, str) and s.name == s.indicator and bool(_CJK.search(s.name))
        why = _units_disagree(pname, row_info[(s.region, s.indicator)][1], sname,
                              unit_of.get((s.region, s.indicator), "")) if named_only else ""
        if why:  # 高价值发明专利拥有量 in 件 for the plan's row in 件/万人: a series that fits may be matched loosely
            m.series_hints[(s.region, s.indicator)] = f"not {pname} ({s.indicator}): {why}"
            m.plan_hints[(s.region, s.indicator)] = (k, f"history series {sname} not matched: {why}")
            continue
        m.target_of[k] = s.indicator
        if _id_names_differ(s.region, s.indicator, s.name, pname):
            m.loose_ids.add(k)
    return m


def _name_matches(m: _Pairing, series: pd.DataFrame, plan: pd.DataFrame, history: pd.DataFrame, plan_keys: dict,
                  row_info: dict, unit_of: dict, taken: set) -> None:
    """Series left by :func:`_id_matches` whose name (or id) reads as a plan row's name in the same region, the plan
    id not taken yet -- unless their units count per another population, or a sub-item's scope differs (其中)."""
    for k, s in enumerate(records(series)):
        if k in m.target_of or k in m.refused:
            continue
        for key in (name_key(s.name), name_key(s.indicator)):
            ind = plan_keys.get((s.region, key))
            if ind is not None and (s.region, ind) not in taken:
                pname, punit = row_info.get((s.region, ind), (ind, ""))
                why = _units_disagree(pname, punit, s.name if isinstance(s.name, str) and s.name else s.indicator,
                                      unit_of.get((s.region, s.indicator), ""))
                if not why:
                    why = _sub_item_scope_differs(plan, history, s, ind, pname)
                    if why:  # nor matched loosely (the same name read past 其中 again)
                        m.refused.add(k)
                if why:
                    m.series_hints.setdefault((s.region, s.indicator), f"not {pname} ({ind}): {why}")
                    m.plan_hints.setdefault((s.region, ind), (k, f"history series {s.name} not matched: {why}"))
                    continue
                m.target_of[k] = ind
                taken.add((s.region, ind))
                break


def _left_over(plan: pd.DataFrame, series: pd.DataFrame, target_of: dict, plan_keys: dict, series_hints: dict,
               plan_hints: dict, unit_of: dict):
    """What matching left over: the table's totals (合计, 全市 beside the plan's districts), the plan's indicators in
    other regions (peers), the series and the plan rows unmatched, each with a suggestion; returns ``(unmatched
    plan rows, unmatched series, totals, peers by indicator)``."""
    regions = series["region"].to_numpy()
    matched_plan = {(regions[k], ind) for k, ind in target_of.items()}
    free = series.drop(index=list(target_of))
    # a total adds up the table's other regions; a plan assessing 全国 or 全市 itself makes it a region
    plan_regions = set(column_cells(plan["region"]))
    totals_of_table = set(table_totals(series["region"].unique()))
    # a total of another level than the plan's (全省 or 全国 beside a district plan's 全市) is no total of the plan's
    # regions: left unmatched with the reason, never taken as the plan's total (_plan_total_of) nor set aside unsaid
    other_level = other_level_totals(plan_regions, totals_of_table)
    total = np.array([r not in plan_regions and r in totals_of_table and r not in other_level
                      for r in free["region"]], dtype=bool)
    totals = free[total].assign(suggestion="the table's total (合计)")[HISTORY_COLUMNS].reset_index(drop=True)
    # 全市 beside the plan's 肇庆市 (its other regions the same districts): maybe that region, said on both sides
    named = named_total(plan_regions, series["region"].unique())
    for t, top in named.items():
        totals.loc[totals["region"] == t, "suggestion"] = (
            f"the table's total (合计); if it is {top}'s, name it {top} to assess it (是否为 {top}？regions are not "
            "matched by guess)")
    free = free[~total]
    # 广东省 beside the plan's 全省 (its regions cities): a region at the level of the plan's total, said so (a
    # did-you-mean: that it is this plan's total is not known), and no peer of the plan's regions
    stand_in = total_stand_in(plan_regions, free["region"].unique())
    peer_of = _peer_indicators(free[~free["region"].isin(list(stand_in) + list(other_level))], plan_keys,
                               plan_regions, matched_plan)
    # a qualitative row (建成, 达到全国平均水平: read_plan's ``qualitative``) expects no history: it is never said to lack
    # one, nor suggested for a series left over (智慧监管平台建设进度 is no 智慧市场监管平台)
    qualitative = _qualitative_keys(plan)
    unmatched_history = _suggest_for_series(free, plan, plan_keys, peer_of, series_hints, matched_plan | qualitative,
                                            unit_of, stand_in, other_level)
    lonely = plan[[(r, i) not in matched_plan and (r, i) not in qualitative
                 for r, i in zip(column_cells(plan["region"]), column_cells(plan["indicator"]))]]
    unmatched_plan = _suggest_for_plan(lonely, free, plan_hints, unit_of, {t: r for r, t in stand_in.items()},
                                       other_level, {top: t for t, top in named.items()}, totals)
    return unmatched_plan, unmatched_history, totals, peer_of


#: a sub-item (其中：高新技术企业数) matched to a series of the plain name only while the plan's baseline and the
#: series' baseline-year figure are within this factor of each other: 60 against 150 is another scope (all firms
#: against those of the row above), not the sub-item
SUB_ITEM_SCOPE_FACTOR = 1.5


def _sub_item_scope_differs(plan: pd.DataFrame, history: pd.DataFrame, s, ind, pname) -> str:
    """Why a name match made only by reading past a sub-item's ``其中：`` (on one side, not both) is no match: the
    plan's baseline and the series' value in the baseline year differ by :data:`SUB_ITEM_SCOPE_FACTOR` or more
    (other than a 〈〉 row, whose baseline is another period's sum); ``""`` when they agree, are not both known,
    or no ``其中`` was read past."""
    sname = s.name if isinstance(s.name, str) and s.name else str(s.indicator)
    if str(pname).startswith("其中") == sname.startswith("其中"):
        return ""
    rows = plan[(plan["region"] == s.region) & (plan["indicator"] == ind)]
    if rows.empty or "baseline" not in rows.columns or "baseline_year" not in rows.columns:
        return ""
    r = rows.iloc[0]
    if r.get("kind") == "increment" or pd.isna(r["baseline"]) or pd.isna(r["baseline_year"]):
        return ""
    at = history[(history["region"] == s.region) & (history["indicator"] == s.indicator)
                 & (history["year"] == int(r["baseline_year"]))]["value"]
    b, h = float(r["baseline"]), (float(at.iloc[0]) if len(at) else float("nan"))
    if not (b > 0 and h > 0) or max(b, h) / min(b, h) < SUB_ITEM_SCOPE_FACTOR:
        return ""
    return (f"the sub-item's baseline {b:g} against the series' {int(r['baseline_year'])} value {h:g}: another "
            f"scope (the whole, not the part under the row above)? name the sub-item's own series as the plan "
            f"does ({pname}), or correct the baseline")


def _named(name, ident) -> bool:
    """Whether a table names the series (a 指标名称 beside its id), not only gives its id."""
    return isinstance(name, str) and bool(name_key(name)) and name_key(name) != name_key(ident)


def _id_names_disagree(region, ident, sname, pname) -> str:
    """Why a series is not the plan row of its id: both tables name it and the names are opposite quantities, or
    name different quantities once the notes saying a figure's status or source are read past (:func:`loose_key`):
    one word replaced by another (食品 / 药品), or a word added changing the quantity (:data:`_MEANING_WORDS`: a
    narrower scope, another level, a flow against a stock, per population) -- "" else (药品抽检合格率（快报）,
    药品抽检总体合格率 keep their id; the latter is named in the assessment's note, :func:`_id_names_differ`)."""
    if not (_named(sname, ident) and _named(pname, ident)):
        return ""
    opposite = opposite_names(name_key(sname), name_key(pname))
    if not opposite and not _names_another_quantity(loose_key(sname, region), loose_key(pname, region)):
        return ""
    what = "opposite quantities" if opposite else "different indicators"
    return (f"its id {ident} is the plan's {pname} ({ident}), but the history names it {sname}: {what}; not "
            f"matched by the id (指标代码 {ident} 在规划表为“{pname}”、在历史数据为“{sname}”，名称不一致，未匹配). "
            "Fix the id or the name in one of the tables")


def _names_another_quantity(a: str, b: str) -> bool:
    """Whether two names read loosely name different quantities: a word of one replaced by another, or a word
    added or left out that changes the quantity (:data:`_MEANING_WORDS`, a note kept in brackets)."""
    if a == b:
        return False
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "replace":
            return True
        if tag in ("insert", "delete") and _MEANING_WORDS.search(a[i1:i2] or b[j1:j2]):
            return True
    return False


def _id_names_differ(region, ident, sname, pname) -> bool:
    """Whether an id kept for a series names it otherwise than the plan, read loosely (药品抽检总体合格率 for
    药品抽检合格率): the assessment's note then names the series (:attr:`Match.near`)."""
    return (_named(sname, ident) and _named(pname, ident) and name_key(sname) != name_key(pname)
            and loose_key(sname, region) != loose_key(pname, region))


#: a Chinese character: an id holding one was read off a 指标名称, not stated as an id (food_samples_per_1000_people)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _units_disagree(pname, punit, sname, sunit) -> str:
    """Why a series named as a plan row is not it: they count per different populations (件 against 件/万人;
    the unit or the name says so) -- "" when both units do not say so or agree."""
    p, s = _Reading.of(pname, punit), _Reading.of(sname, sunit)
    if s.per_known and p.per_known and s.per != p.per and (s.unit or p.unit):
        return (f"it is {s.describe('its')} and {pname} is {p.describe('its')}: not matched by its name "
                "(计量单位口径不同，未匹配)")
    return ""


def reference_for_plan(reference: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """A peer panel (as read by ``read_history``) keyed as the plan keys its indicators: a series
    whose id or 指标名称 is a plan indicator's (in any region) takes the plan's id, so a panel keyed
    by name pools with the plan's series; the regions the plan assesses are left out (a series is
    no peer of itself) -- also where the panel writes them otherwise (广东 for the plan's 广东省, 广东省肇庆市鼎湖区 for
    its 鼎湖区: :func:`_plan_spelling_of_regions`)."""
    reference = _plan_spelling_of_regions(reference, plan)
    series = _series_table(reference)
    regions = set(column_cells(plan["region"]))
    peer_of = _peer_indicators(series, _plan_keys(plan), regions)
    kept = _peer_rows(reference, peer_of)
    return kept if len(kept) else reference[~reference["region"].isin(regions)]


def _peer_indicators(free: pd.DataFrame, plan_keys: dict, plan_regions: set, matched=None) -> dict:
    """``(region, history id) -> plan id`` of unmatched series in regions the plan does not assess
    whose id or name is a plan indicator's (in any region). A region the plan writes with another
    administrative suffix (高要市 beside the plan's 高要区) is the same place: its series is no peer where that
    plan region has its own series of the indicator (``matched``: the ``(region, plan id)`` matched; None:
    always) -- it would count the place twice, and pool it with itself."""
    by_key: dict = {}
    for (_, key), ind in plan_keys.items():
        by_key.setdefault(key, ind)
    variants = _NameIndex(sorted(plan_regions, key=str))
    out = {}
    for s in free.itertuples(index=False):
        if s.region in plan_regions:
            continue  # a series the plan's own region lacks a row for: not a peer of itself
        ind = next((by_key[k] for k in (name_key(s.name), name_key(s.indicator)) if k in by_key), None)
        if ind is None:
            continue
        same = variants.suffix_variant(s.region)
        if same is not None and (matched is None or (same, ind) in matched):
            continue  # 高要市's 2019-2020 beside 高要区's own series (listed 'did you mean region 高要区?')
        out[(s.region, s.indicator)] = ind
    return out


def _peer_rows(history: pd.DataFrame, peer_of: dict) -> pd.DataFrame:
    if not peer_of:
        return pd.DataFrame(columns=["region", "indicator", "year", "value"])
    keys = pd.MultiIndex.from_arrays([history["region"], history["indicator"]])
    rows = history[keys.isin(list(peer_of))].copy()
    rows["indicator"] = [peer_of[(r, i)] for r, i in zip(rows["region"], rows["indicator"])]
    return rows.reset_index(drop=True)


#: a place name above the region in a full administrative name (广东省, 肇庆市, 延边朝鲜族自治州, 广西壮族自治区)
_ADMIN_PART = r"[\u4e00-\u9fff]{1,12}?(?:特别行政区|自治区|自治州|省|市|州|地区|盟|区|县|旗)"
#: the places written before a region in its full administrative name (广东省肇庆市 of 广东省肇庆市四会市, 广东 of
#: 广东肇庆市四会市), read after separators (广东省/肇庆市/四会市, 广东省-肇庆市) are taken out
_ADMIN_PATH = re.compile(rf"(?:(?:{'|'.join(sorted(PROVINCES - {'全国'}, key=len, reverse=True))})(?!省|市|自治区))?"
                         rf"(?:{_ADMIN_PART}){{0,3}}")
_PATH_SEPARATORS = re.compile(r"[/／\\\-－—–·•>＞|｜、,，]")


class _Places:
    """Regions indexed for the spellings :func:`_plan_spelling_of_regions` reads (a table's totals left out): by
    their key (:func:`region_key`, separators taken out) and by every tail of it, so that a name is looked up by
    its own tails, not compared with every region (a country's plan: thousands of regions)."""

    def __init__(self, candidates):
        self.regions = {c for c in candidates if isinstance(c, str) and not is_total_region(c)}
        self.by_key: dict = {}
        self.by_tail: dict = {}  # a tail of a region's key -> [(region, the places before the tail)]
        for c in dict.fromkeys(c for c in candidates if c in self.regions):
            ck = _PATH_SEPARATORS.sub("", region_key(c))
            if len(ck) < 2:
                continue
            self.by_key.setdefault(ck, []).append(c)
            for i in range(1, len(ck) - 1):
                self.by_tail.setdefault(ck[i:], []).append((c, ck[:i]))

    def path_tail(self, key: str) -> str | None:
        """:func:`admin_path_tail` of a name's key."""
        found = []
        for i in range(1, len(key) - 1):  # 广东省肇庆市四会市 against 四会市
            if key[i:] in self.by_key and _ADMIN_PATH.fullmatch(key[:i]):
                found += [(len(key) - i, c) for c in self.by_key[key[i:]]]
        for c, before in self.by_tail.get(key, ()):  # 四会市 against 肇庆市四会市
            if _ADMIN_PATH.fullmatch(before):
                found.append((len(before) + len(key), c))
        return max(found)[1] if found else None


def admin_path_tail(region, candidates) -> str | None:
    """The region of ``candidates`` that ``region`` names by its full administrative name, or the other way
    round: 广东省肇庆市四会市 (广东省/肇庆市/四会市, 肇庆市四会市) is the plan's 四会市 -- the places before it
    are those it lies in, no guess. The longest such candidate when several end the name (市南区, not 南区, of
    青岛市市南区); None when none does, or when ``region`` is itself a candidate. A table's total (全市) is no
    candidate."""
    places = candidates if isinstance(candidates, _Places) else _Places(list(candidates))
    if not isinstance(region, str) or region in places.regions:
        return None
    key = _PATH_SEPARATORS.sub("", region_key(region))
    return places.path_tail(key) if len(key) >= 2 else None


_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_AUTONOMOUS = {"内蒙古": ("内蒙古自治区",), "广西": ("广西壮族自治区", "广西自治区"), "西藏": ("西藏自治区",),
               "宁夏": ("宁夏回族自治区", "宁夏自治区"), "新疆": ("新疆维吾尔自治区", "新疆自治区"),
               "香港": ("香港特别行政区",), "澳门": ("澳门特别行政区",)}
#: every name of a province -> its short name (广东省 -> 广东, 北京市 -> 北京, 广西壮族自治区 -> 广西); 吉林市 (a city of
#: 吉林省) is none of them
_PROVINCE_NAMES = {**{p: p for p in PROVINCES if p != "全国"},
                   **{f"{p}市": p for p in _MUNICIPALITIES},
                   **{full: p for p, names in _AUTONOMOUS.items() for full in names},
                   **{f"{p}省": p for p in PROVINCES if p not in _MUNICIPALITIES and p not in _AUTONOMOUS
                      and p != "全国"}}


def province_short(region) -> str | None:
    """A province's short name as yearbooks write it (广东, 内蒙古, 广西) for any of its names (广东, 广东省, 广西壮族
    自治区, 北京市); None for a region that is no province (吉林市 is a city). The names are a fixed list
    (:data:`~mstarget.validation.PROVINCES`), so 广东 and 广东省 are one place by knowledge, not by guess."""
    return _PROVINCE_NAMES.get(region_key(region)) if isinstance(region, str) else None


#: a market-regulation bureau's name (or a predecessor's), as a bureau's own tables name its districts' branches
_BUREAU_WORDS = r"(?:市场监督管理局|市场监管局|市监局|工商行政管理局|工商局|质量技术监督局|质监局|食品药品监督管理局|食药监局)"
_BUREAU_PARENT = re.compile(rf"^.+?{_BUREAU_WORDS}(?=.)")
_BUREAU_END = re.compile(rf"(?:{_BUREAU_WORDS}|分局|局)$")


def bureau_region(region, candidates) -> str | None:
    """The region of ``candidates`` whose market-regulation bureau ``region`` names, as a city bureau's own tables
    name their rows: 四会市局 / 四会市市场监督管理局 -> 四会市, 鼎湖区分局 -> 鼎湖区, and a branch named after its
    district without the suffix (鼎湖分局, 肇庆市市场监督管理局鼎湖分局 -> 鼎湖区) when exactly one candidate is that name
    with an administrative suffix. None when ``region`` names no bureau, or no candidate (or several) fits."""
    if not isinstance(region, str):
        return None
    key = _PATH_SEPARATORS.sub("", region_key(region))
    key = _BUREAU_PARENT.sub("", key)  # 肇庆市市场监督管理局鼎湖分局 -> 鼎湖分局
    stem = _BUREAU_END.sub("", key)
    if stem == key or len(stem) < 2:
        return None
    places = candidates if isinstance(candidates, _Places) else _Places(list(candidates))
    exact = places.by_key.get(stem, [])
    if exact:
        return exact[0] if len(exact) == 1 else None
    suffixed = [c for suf in REGION_SUFFIXES for c in places.by_key.get(stem + suf, ())]
    if len(suffixed) == 1:
        return suffixed[0]
    return places.path_tail(stem) if not suffixed else None  # 广东省肇庆市鼎湖区市场监督管理局


def _plan_spelling_of_regions(history: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """The history with a region written in the other script (鼎湖區 for the plan's 鼎湖区), by its full
    administrative name (广东省肇庆市四会市 for the plan's 四会市: :func:`admin_path_tail`), by its bureau's (鼎湖分局,
    四会市局: :func:`bureau_region`; not for the plan's top region) or a province's other name (广东 for 广东省:
    :func:`province_short`) taken as the plan writes it, when it names one plan region and no indicator is then
    kept under two spellings of that region (those stay apart and are reported unmatched). The names so read, but
    for the other script, are in ``attrs['regions_read']`` (history spelling -> plan region)."""
    plan_regions = set(column_cells(plan["region"]))
    by_key: dict = {}
    for r in plan_regions:
        by_key.setdefault(region_key(r), []).append(r)
    spellings: dict = {}
    by_path: dict = {}
    history_regions = set(pd.unique(history["region"]))
    tops = _top_regions(plan_regions) if len(plan_regions) > 1 else []
    places = _Places(sorted(plan_regions, key=str))
    provinces: dict = {}
    for r in plan_regions:
        if province_short(r) is not None:
            provinces.setdefault(province_short(r), []).append(r)
    for r in pd.unique(history["region"]):
        key = region_key(r)
        if len(by_key.get(key, ())) == 1:
            spellings.setdefault(key, []).append(r)
        elif key not in by_key and not is_total_region(r):
            same = provinces.get(province_short(r), ()) if province_short(r) is not None else ()
            tail = same[0] if len(same) == 1 else admin_path_tail(r, places)  # 广东 for the plan's 广东省
            if tail is None:  # 鼎湖分局; not a city bureau's 肇庆市局 beside its branches (its own work, 本级, maybe)
                tail = bureau_region(r, places)
                tail = None if tail in tops else tail
            if tail is not None and tail not in history_regions:  # 四会市 beside 广东省肇庆市四会市: two series
                spellings.setdefault(region_key(tail), []).append(r)
                by_path[r] = tail
    spelling = {}
    for key, written in spellings.items():
        target = by_key[key][0]
        if written == [target]:
            continue
        if len(written) > 1:  # 鼎湖區 and 鼎湖区 both in the history: only if their indicators differ
            ids = history.loc[history["region"].isin(written), ["region", "indicator"]].drop_duplicates()
            if ids["indicator"].duplicated().any():
                continue
        spelling.update({r: target for r in written if r != target})
    out = history
    if spelling:
        out = history.copy()
        out["region"] = out["region"].map(lambda r: spelling.get(r, r))
    out = _plan_total_of(out, plan_regions)
    read = {r: t for r, t in by_path.items() if spelling.get(r) == t}
    if read:  # ``out`` is a copy: a region was renamed
        out.attrs["regions_read"] = read
    return out


def table_totals(regions) -> list:
    """The regions of a table that are its total over the others (合计, 总计, 全市, 全区, 全省 ...:
    :func:`~mstarget.validation.is_total_region`), in the order given: those beside at least one
    region that is not a total. None for a table of totals alone (全国 by itself is the region assessed).

    >>> table_totals(["端州区", "鼎湖区", "全市"]), table_totals(["全国"])
    (['全市'], [])
    """
    regions = list(dict.fromkeys(regions))
    totals = [r for r in regions if is_total_region(r, regions)]  # a bare 全州 beside 兴安, 灌阳, 全市 is a county
    return totals if len(totals) < len(regions) else []


def _level_of_name(region) -> str | None:
    """:func:`_region_level`, a province's short name (广东) and an autonomous region (广西壮族自治区) read as 省; a
    prefecture (延边州, 恩施土家族苗族自治州, 锡林郭勒盟, 阿克苏地区) as 市, the level it shares with cities; a
    street (街道) as a town (镇); 神农架林区, a county-level unit under its province as 海南's counties are, as 县."""
    r = region_key(region)
    if r in PROVINCES and r != "全国" or r.endswith(("省", "自治区")):
        return "省"
    if r.endswith(("州", "盟", "地区")) and len(r) > 2:
        return "市"
    if r.endswith("街道"):
        return "镇"
    if r.endswith("林区"):
        return "县"
    return _region_level(r)


#: the level above a region's: a city's districts and counties add up to the city, cities to the province
_PARENT_LEVEL = {"区": "市", "县": "市", "旗": "市", "市": "省", "省": "国"}


def _written_total_level(total) -> str | None:
    """The level a total's own word says (全市 / 全市合计 -> 市, 全省 -> 省, 全国 -> 国); None for 合计 / 总计 / total."""
    written = re.match(r"^全?(市|省|区|县|旗|国|州|盟)", region_key(total))
    return written.group(1) if written else None


#: the rank of a level: a town 0; a district, county or banner 1; a city or prefecture 2; a province 3; the nation 4
_RANK = {"镇": 0, "乡": 0, "区": 1, "县": 1, "旗": 1, "市": 2, "州": 2, "盟": 2, "省": 3, "国": 4}
#: the ranks a total's word may mean: 全区 an autonomous region's (广西) or a district's over its towns, 全市 a city's
#: or a county-level city's over its towns, 全州 / 全盟 a prefecture's
_WORD_RANKS = {"国": {4}, "省": {3}, "区": {1, 3}, "市": {1, 2}, "州": {2}, "盟": {2}, "县": {1}, "旗": {1}}


def _one_total(plan_regions) -> tuple[str, set] | None:
    """``(the plan's one total, the levels of its other regions)`` (:func:`_level_of_name`); None unless the plan has
    exactly one total beside other regions."""
    plan_regions = [r for r in dict.fromkeys(plan_regions) if isinstance(r, str)]
    totals = [r for r in plan_regions if is_total_region(r, plan_regions)]
    others = [r for r in plan_regions if r not in totals]
    if len(totals) != 1 or not others:
        return None
    return totals[0], {_level_of_name(r) for r in others}


def _plan_total_ranks(plan_regions) -> tuple[str, set] | None:
    """``(the plan's one total, the ranks it may have)``: those its word may mean (全市), narrowed by the level its
    other regions add up to -- towns to a county's; districts, counties or banners to a city's; cities to a
    province's or (county-level cities) a prefecture's; a mix of cities and counties (海口市, 琼中黎族苗族自治县; 延吉市,
    汪清县) to either; a mix with districts or banners to a city's. A bare 合计 has no level of its own: only its
    regions'. None when neither says one."""
    split = _one_total(plan_regions)
    if split is None:
        return None
    total, levels = split
    ranks = None if None in levels else {_RANK[lv] for lv in levels}
    parent = None
    if ranks == {0}:
        parent = {1}
    elif ranks == {1}:
        parent = {2}
    elif ranks == {2}:
        parent = {2, 3}
    elif ranks == {3}:
        parent = {4}
    elif ranks == {1, 2}:
        parent = {2} if levels & {"区", "旗"} else {2, 3}
    written = _written_total_level(total)
    word = _WORD_RANKS.get(written) if written else None
    got = (word & parent or word) if word and parent else (word or parent)
    return (total, got) if got else None


def _parent_of_levels(levels: set) -> str | None:
    """The level a plan's regions of ``levels`` add up to: cities -> 省, districts -> 市, and a prefecture's mix of
    districts, counties and county-level cities (端州区, 广宁县, 四会市) -> 市; None when they say none."""
    if len(levels) == 1:
        return _PARENT_LEVEL.get(next(iter(levels)))
    if levels <= {"区", "县", "旗", "市"} and levels & {"区", "县", "旗"}:
        return "市"
    return None


def _plan_total_level(plan_regions) -> tuple[str, str] | None:
    """``(the plan's one total, its level)``: the level its word says (全市), else the one its other regions add up
    to (合计 beside 端州区, 鼎湖区 -> 市); 全区 over cities is an autonomous region's (省). None when the plan has
    no one total or its level is not known."""
    split = _one_total(plan_regions)
    if split is None:
        return None
    total, levels = split
    parent = None if None in levels else _parent_of_levels(levels)
    written = {"州": "市", "盟": "市"}.get(_written_total_level(total), _written_total_level(total))
    if written == "区" and parent == "省":
        written = "省"  # 全区 of 南宁市, 柳州市: the autonomous region's total
    level = written or parent
    return (total, level) if level else None


def other_level_totals(plan_regions, history_totals) -> dict:
    """``{history total: plan total}`` of the history's totals whose word is clearly of another level than the plan's
    total -- every level it may mean above, or every one below, those the plan's total may have
    (:func:`_plan_total_ranks`): 全省 or 全国 beside a district plan's 全市, 全国 beside a 合计 of cities. No total of the
    plan's regions, never taken as its total. A word that may be the plan's level is not: 全区 or 全区合计 beside a
    合计 of 南宁市, 柳州市 (an autonomous region's), 全州 beside 延吉市, 汪清县, 全盟 beside 锡林浩特市, 阿巴嘎旗."""
    got = _plan_total_ranks(plan_regions)
    if got is None:
        return {}
    total, ranks = got
    out = {}
    for r in dict.fromkeys(history_totals):
        written = _written_total_level(r) if isinstance(r, str) else None
        word = _WORD_RANKS.get(written) if written else None
        if r != total and word and (min(word) > max(ranks) or max(word) < min(ranks)):
            out[r] = total
    return out


def total_stand_in(plan_regions, history_regions) -> dict:
    """``{history region: plan total}`` for a history writing the plan's total by its region's own name: a plan
    of cities with a total 全省 (or 合计) against a history with one province 广东省 and no 全省 -- ``{"广东省":
    "全省"}``. Only when the plan has one total, its other regions all lie one level below it (cities under
    全省, districts and counties under 全市), and the history has exactly one region of the total's level that
    the plan lacks; else ``{}``. A prefecture's plan mixing districts, counties and county-level cities (端州区,
    广宁县, 四会市, 全市) has its total at 市 (肇庆市); an autonomous region's 全区 over cities at 省 (广西壮族自治区).
    Said in the unmatched lists as a did-you-mean (``the history has a region 湖南省 at the level of the plan's total
    全省 -- if it is this plan's total, name it 全省``), never taken as the total: that the region holds the plan's
    regions is not known (湖南省 beside a Guangdong plan is another province)."""
    got = _plan_total_level(plan_regions)
    if got is None or got[0] in set(history_regions):
        return {}
    total, level = got
    plan_regions, history_regions = set(plan_regions), list(dict.fromkeys(history_regions))
    found = [r for r in history_regions if isinstance(r, str) and r not in plan_regions
             and not is_total_region(r, history_regions) and _level_of_name(r) == level]
    return {found[0]: total} if len(found) == 1 else {}


def _top_regions(plan_regions) -> list:
    """The plan regions at the level the others add up to (肇庆市 beside 鼎湖区, 四会市, 高要区; also 四会市 there, a
    county-level city the level of its prefecture's name): each a candidate for the table's whole."""
    regions = [r for r in dict.fromkeys(plan_regions) if isinstance(r, str)]
    levels = [_level_of_name(r) for r in regions]
    count = Counter(levels)
    tops = []
    for r, level in zip(regions, levels):
        others = {lv for lv, k in count.items() if k - (lv == level) > 0}
        if level and others and None not in others and _parent_of_levels(others) == level:
            tops.append(r)
    return tops


def named_total(plan_regions, history_regions) -> dict:
    """``{history total: plan region}`` for a plan naming its top region (肇庆市 beside 鼎湖区, 四会市, 高要区) against a
    history writing that region as its table's total (全市, 合计) beside the same lower regions -- the mirror of
    :func:`total_stand_in`. Only when the plan has no total, exactly one plan region lies at the level its other
    regions add up to (:func:`_parent_of_levels`: districts and counties to a 市) and the history has no series
    under it, and the history has exactly one total whose word may mean that level (全市; a bare 合计 any). Said as
    a did-you-mean on both sides, never taken: a total is not known to be the named region's (a county's 全市
    beside a city's districts)."""
    plan_regions = [r for r in dict.fromkeys(plan_regions) if isinstance(r, str)]
    history_regions = list(dict.fromkeys(history_regions))
    if any(is_total_region(r, plan_regions) for r in plan_regions):
        return {}
    tops = [r for r in _top_regions(plan_regions) if r not in history_regions]
    if len(tops) != 1:
        return {}
    top = tops[0]
    rank = _RANK.get(_level_of_name(top))
    totals = [t for t in table_totals(history_regions)
              if _written_total_level(t) is None or rank in _WORD_RANKS.get(_written_total_level(t), ())]
    return {totals[0]: top} if len(totals) == 1 else {}


def _plan_total_of(history: pd.DataFrame, plan_regions: set) -> pd.DataFrame:
    """A plan by region with one total (its column 合计) against a table of the same regions whose
    total row is written otherwise (全市): each indicator's total row of the history, when the
    history has none under the plan's own word, is taken as the plan's total -- both add up the
    same regions -- instead of being set aside while the plan's total row goes without data. A total whose word
    says another level (全省 or 全国 against a district plan's 全市: :func:`other_level_totals`) is never taken."""
    plan_totals = [r for r in plan_regions if is_total_region(r, plan_regions)]
    if len(plan_totals) != 1 or len(plan_regions) < 2:
        return history
    word = plan_totals[0]
    regions = history["region"].to_numpy()
    distinct = list(pd.unique(regions))
    history_totals = [r for r in distinct if is_total_region(r, distinct)]  # a bare 全州 beside 全市 is a county
    other_level = other_level_totals(plan_regions, history_totals)
    taken = set(history_totals) - set(other_level) - {word}
    total = np.array([r in taken for r in regions], dtype=bool)
    if not total.any():
        return history
    has_own = set(history.loc[(history["region"] == word).to_numpy(), "indicator"])
    other = history.loc[total, ["region", "indicator"]].drop_duplicates()
    once = other[~other["indicator"].duplicated(keep=False) & ~other["indicator"].isin(has_own)]
    if once.empty:
        return history
    move = total & history["indicator"].isin(set(once["indicator"])).to_numpy()
    out = history.copy()
    out.loc[move, "region"] = word
    return out


def _loose_matches(series: pd.DataFrame, plan: pd.DataFrame, history: pd.DataFrame, target_of: dict,
                   taken: set, refused: set = frozenset()) -> tuple[dict, dict]:
    """Pair the series and plan rows still free whose names are equal read loosely (:func:`loose_key`),
    when their notes and units agree (:func:`_fit`) and one series fits one plan row best, both ways.

    Returns why the pairs that did not fit stay apart: ``(region, history id) -> text`` and
    ``(region, plan id) -> (series position, text)``, the suggestions of the unmatched lists."""
    n = len(plan)
    names = plan["name"] if "name" in plan.columns else plan["indicator"]
    units = column_cells(plan["unit"]) if "unit" in plan.columns else [""] * n
    kinds = column_cells(plan["kind"]) if "kind" in plan.columns else ["level"] * n
    targets = plan["target"] if "target" in plan.columns else [None] * n
    plan_ids: dict = {}
    row_of: dict = {}
    for r, i, nm, u, kind, t in zip(column_cells(plan["region"]), column_cells(plan["indicator"]),
                                    column_cells(names), units, kinds, targets):
        if (r, i) not in taken:
            row_of.setdefault((r, i), (nm if isinstance(nm, str) and nm else i, u, kind, t))
            for key in {loose_key(nm, r), loose_key(i, r)} - {""}:
                plan_ids.setdefault((r, key), set()).add(i)
    series_hints: dict = {}
    plan_hints: dict = {}
    if not plan_ids:
        return series_hints, plan_hints
    free: dict = {}
    rows = records(series)
    for k, s in enumerate(rows):
        if k not in target_of and k not in refused:
            for key in {loose_key(s.name, s.region), loose_key(s.indicator, s.region)} - {""}:
                free.setdefault((s.region, key), set()).add(k)
    _apart_hints(rows, plan_ids, row_of, target_of, refused, series_hints, plan_hints)
    groups = [(region, ids, free[(region, key)]) for (region, key), ids in plan_ids.items() if (region, key) in free]
    if not groups:
        return series_hints, {key: text for key, (k, text) in plan_hints.items()}
    unit_of, measure_of = _series_units(history)
    readings: dict = {}

    def reading(key, name, unit):
        if key not in readings:
            readings[key] = _Reading.of(name, unit)
        return readings[key]

    def series_name(s):
        return s.name if isinstance(s.name, str) and s.name else s.indicator

    for region, ids, ks in groups:
        fits: dict = {}
        for ind in sorted(ids):
            pname, unit, kind, target = row_of[(region, ind)]
            p = reading(("plan", region, ind), pname, unit)
            for k in sorted(ks):
                s = rows[k]
                sid = (s.region, s.indicator)
                if opposite_names(name_key(series_name(s)), name_key(pname)):
                    strength, why = -1, f"{series_name(s)} and {pname} are opposite quantities: not matched"
                else:
                    strength, why = _fit(p, kind, _written_target(kind, target),
                                         reading(sid, series_name(s), unit_of.get(sid, "")), measure_of.get(sid, ""))
                if strength >= 0:
                    fits[(ind, k)] = strength
                else:
                    series_hints.setdefault(sid, f"not {pname} ({ind}): {why}")
                    plan_hints.setdefault((region, ind), (k, f"history series {series_name(s)} not matched: {why}"))
        for (ind, k), strength in fits.items():
            rivals = [k2 for (i2, k2), st in fits.items() if i2 == ind and k2 != k and st >= strength]
            others = [i2 for (i2, k2), st in fits.items() if k2 == k and i2 != ind and st >= strength]
            if not rivals and not others and k not in target_of and (region, ind) not in taken:
                target_of[k] = ind
                taken.add((region, ind))
        for (ind, k), strength in fits.items():
            if k in target_of:
                continue
            s, pname = rows[k], row_of[(region, ind)][0]
            if (region, ind) in taken:
                winner = next(series_name(rows[k2]) for k2, i2 in target_of.items()
                              if i2 == ind and rows[k2].region == region)
                why = f"{pname} ({ind}) took {winner}, whose name and unit agree with it better"
            else:
                tied = [series_name(rows[k2]) for (i2, k2) in fits if i2 == ind]
                why = (f"{len(tied)} series could be {pname} ({ind}): {', '.join(map(str, tied))}; not matched by "
                       "guess: name the one meant as the plan does" if len(tied) > 1 else
                       f"could be {pname} ({ind}) or another plan row: not matched by guess; name it as the plan does")
                plan_hints.setdefault((region, ind), (k, why))
            series_hints.setdefault((s.region, s.indicator), why)
    plan_hints = {key: text for key, (k, text) in plan_hints.items() if k not in target_of}
    return series_hints, plan_hints


def _apart_hints(rows, plan_ids, row_of, target_of, refused, series_hints, plan_hints) -> None:
    """Why a series whose name reads as a plan row's only when a note narrowing its scope (（评价性抽检）,
    （不含个体工商户）) or the prefix of a higher level (全市 before a district's figure) is read past was not
    matched to it: the suggestions of both."""
    by_key: dict = {}
    for (region, key), ids in plan_ids.items():
        by_key.setdefault((region, key), sorted(ids))
    for k, s in enumerate(rows):
        if k in target_of or k in refused:
            continue
        name = s.name if isinstance(s.name, str) and s.name else s.indicator
        bare = _PARENS.sub("", unicodedata.normalize("NFKC", str(name)))
        for key, why in ((loose_key(bare, s.region), "scope"), (loose_key(name), "level")):
            ids = by_key.get((s.region, key))
            if not ids or key == loose_key(name, s.region):
                continue
            ind = ids[0]
            pname = row_of[(s.region, ind)][0]
            if why == "scope":
                notes = [n for n in _PARENS.findall(unicodedata.normalize("NFKC", str(name))) if not _note_read_past(n, s.region)]
                if not notes:
                    continue
                said = "、".join(f"（{n}）" for n in notes)
                text = (f"its name says {said}, a scope {pname} ({ind}) does not say: not matched by guess "
                        f"(名称注明{said}，与规划指标口径不同，未匹配); if it is the plan's row, name it as the plan does")
            else:
                prefix = name_key(name)[:2]
                text = (f"its name says {prefix}, a region other than {s.region}: not {pname} ({ind}); not matched "
                        f"(名称冠以“{prefix}”，非{s.region}本级数据，未匹配)")
            series_hints.setdefault((s.region, s.indicator), text)
            plan_hints.setdefault((s.region, ind), (k, f"history series {name} not matched: {text}"))
            break


def _series_units(history: pd.DataFrame) -> tuple[dict, dict]:
    """``(region, id) -> unit`` and ``-> measure`` of the history's series (the first cell written)."""
    out = []
    for col in ("unit", "measure"):
        if col not in history.columns:
            out.append({})
            continue
        cells = history[["region", "indicator", col]].dropna()
        cells = cells[cells[col].astype(str).str.strip() != ""].drop_duplicates(["region", "indicator"])
        out.append(dict(zip(zip(column_cells(cells["region"]), column_cells(cells["indicator"])),
                            column_cells(cells[col]))))
    return out[0], out[1]


def warn_unmatched(m: Match, *, stacklevel: int = 3) -> None:
    """Issue an :class:`~mstarget.exceptions.UnmatchedWarning` when anything did not match, and a
    :class:`~mstarget.exceptions.MstargetWarning` naming the regions read by their full administrative name."""
    if m.regions_read:
        pairs = "; ".join(f"{h} -> {p}" for h, p in list(m.regions_read.items())[:10])
        more = f" ... and {len(m.regions_read) - 10} more" if len(m.regions_read) > 10 else ""
        warnings.warn(MstargetWarning(
            f"历史数据的地区名称写法与规划不同（省份简称或全称、含上级行政区的全称、市场监管局（分局）名称），已按规划地区对应 "
            f"(history regions written otherwise than the plan writes them -- a province's short or full name, a full "
            f"administrative name, a market-regulation bureau's -- read as the plan's region): {pairs}{more}"),
            stacklevel=stacklevel)
    if not m.complete:
        warnings.warn(UnmatchedWarning(m.message(), plan_rows=m.unmatched_plan,
                                       history_series=m.unmatched_history), stacklevel=stacklevel)


def _series_table(history: pd.DataFrame) -> pd.DataFrame:
    cols = ["region", "indicator"] + (["name"] if "name" in history.columns else [])
    g = history.groupby(["region", "indicator"], sort=False)
    out = g["year"].agg(n_obs="size", first_year="min", last_year="max").reset_index()
    if "name" in history.columns:
        out["name"] = g["name"].first().to_numpy()
    else:
        out["name"] = out["indicator"]
    return out[cols + (["name"] if "name" not in cols else []) + ["n_obs", "first_year", "last_year"]]


def _plan_keys(plan: pd.DataFrame) -> dict:
    """(region, normalised name or id) -> plan id (the first plan row giving it)."""
    keys: dict = {}
    names = plan["name"] if "name" in plan.columns else plan["indicator"]
    known: dict = {}  # each distinct name normalised once (plans repeat names across regions)

    def norm(text):
        try:
            return known[text]
        except (KeyError, TypeError):
            out = name_key(text)
        try:
            known[text] = out
        except TypeError:
            pass
        return out

    for r, i, n in zip(column_cells(plan["region"]), column_cells(plan["indicator"]), column_cells(names)):
        for key in (norm(n), norm(i)):
            if key:
                keys.setdefault((r, key), i)
    return keys


def _relabel(history: pd.DataFrame, series: pd.DataFrame, target_of: dict, plan: pd.DataFrame):
    regions, ids = series["region"].to_numpy(), series["indicator"].to_numpy()
    moved = {(regions[k], ids[k]): ind for k, ind in target_of.items() if ids[k] != ind}
    # a series left unmatched under a plan row's id (its names or units disagree) must not reach that row
    # through its id: it is kept under the id marked 未匹配
    plan_ids = set(zip(column_cells(plan["region"]), column_cells(plan["indicator"])))
    moved.update({(regions[k], ids[k]): f"{ids[k]}（未匹配）" for k in range(len(ids))
                  if k not in target_of and (regions[k], ids[k]) in plan_ids})
    out = history.copy()
    if moved:
        keys = list(zip(column_cells(out["region"]), column_cells(out["indicator"])))
        out["indicator"] = [moved.get(k, k[1]) for k in keys]
    if "unit" in out.columns:
        blank = out["unit"].isna() | (out["unit"].astype(str) == "")
        if blank.any():
            units = plan["unit"] if "unit" in plan.columns else [""] * len(plan)
            unit_of = {(r, i): u for r, i, u in zip(column_cells(plan["region"]),
                                                    column_cells(plan["indicator"]), units)}
            keys = zip(column_cells(out.loc[blank, "region"]), column_cells(out.loc[blank, "indicator"]))
            fill = [unit_of.get(k, "") for k in keys]
            out.loc[blank, "unit"] = fill
    if moved:
        out = out.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)
    return out


def _qualitative_keys(plan: pd.DataFrame) -> set:
    """``{(region, indicator)}`` of the plan's qualitative rows (its ``qualitative`` column, when present)."""
    if "qualitative" not in plan.columns:
        return set()
    flag = [v is True or (isinstance(v, (bool, np.bool_)) and bool(v)) for v in plan["qualitative"].tolist()]
    return {(r, i) for r, i, q in zip(column_cells(plan["region"]), column_cells(plan["indicator"]), flag) if q}


def _stems(key: str) -> set:
    """A region key and the key without each administrative suffix it ends with (浦东新区 -> 浦东新区, 浦东, 浦东新)."""
    return {key} | {key[:-len(suf)] for suf in REGION_SUFFIXES if key.endswith(suf) and len(key) > len(suf)}


class _NameIndex:
    """Regions indexed by their stems (:func:`_stems`) and characters, so that a name is compared with the few
    regions that may be a suffix variant or a close spelling of it, not with every region (a country's plan of
    thousands of counties against a history of thousands more: each comparison with all was quadratic)."""

    def __init__(self, candidates):
        self.order = {c: k for k, c in enumerate(dict.fromkeys(c for c in candidates if isinstance(c, str)))}
        self.keys = {c: region_key(c) for c in self.order}
        self.by_stem: dict = {}
        self.by_char: dict = {}
        for c, ck in self.keys.items():
            for stem in _stems(ck):
                self.by_stem.setdefault(stem, []).append(c)
            for ch in set(ck):
                self.by_char.setdefault(ch, []).append(c)

    def suffix_variant(self, region) -> str | None:
        """:func:`_suffix_variant` against these regions."""
        if not isinstance(region, str):
            return None
        r = region_key(region)
        found = {c for stem in _stems(r) for c in self.by_stem.get(stem, ())}
        for c in sorted(found, key=self.order.get):
            ck = self.keys[c]
            if c == region:
                continue
            if _one_suffix_apart(r, ck) or \
                    any(r.endswith(a) and ck.endswith(b) and r[:-len(a)] == ck[:-len(b)] and len(r) > len(a)
                        for a in REGION_SUFFIXES for b in REGION_SUFFIXES if a != b):
                return c
        return None

    def near(self, region) -> list:
        """The regions that may read close to ``region`` (:func:`difflib.get_close_matches`, cutoff 0.6): those
        sharing two of its characters, or one when the two names are three characters together (a ratio of 0.6
        needs as many), in the regions' order."""
        r = region_key(region)
        shared: dict = {}
        for ch in set(r):
            for c in self.by_char.get(ch, ()):
                shared[c] = shared.get(c, 0) + 1
        return sorted((c for c, k in shared.items() if k >= 2 or len(r) + len(self.keys[c]) <= 3), key=self.order.get)


def _suffix_variant(region, candidates) -> str | None:
    """The region of ``candidates`` (a list, or a :class:`_NameIndex` of them) that ``region`` names with another
    administrative suffix or none (高要市 and 高要区, 鼎湖 and 鼎湖区): the same place written another way; None when
    none is."""
    index = candidates if isinstance(candidates, _NameIndex) else _NameIndex(candidates)
    return index.suffix_variant(region)


def _one_suffix_apart(a: str, b: str) -> bool:
    """Two region keys equal but for an administrative suffix one of them adds (鼎湖 and 鼎湖区)."""
    return any(b == a + suf or a == b + suf for suf in REGION_SUFFIXES)


def region_suggestion(region: str, candidates) -> str | None:
    """A plan region that ``region`` probably means: equal but for an administrative suffix
    (鼎湖 -> 鼎湖区), else the closest by :func:`difflib.get_close_matches` (cutoff 0.6). ``candidates``: a list,
    or a :class:`_NameIndex` of them (built once for many names)."""
    index = candidates if isinstance(candidates, _NameIndex) else _NameIndex(candidates)
    r = region_key(region)
    stems = [c for stem in _stems(r) for c in index.by_stem.get(stem, ())]
    for c in sorted(dict.fromkeys(stems), key=index.order.get):
        if c != region and _one_suffix_apart(r, index.keys[c]):
            return c
    cands = [c for c in index.near(region) if c != region]
    close = difflib.get_close_matches(r, [index.keys[c] for c in cands], n=1, cutoff=0.6)
    if close:
        return next(c for c in cands if index.keys[c] == close[0])
    return None


#: words whose presence in one name and not the other makes another indicator: a flow, a change, a narrower
#: scope, a count of another thing, a region's level (checked on the names read loosely, :func:`_may_suggest`)
_MEANING_WORDS = re.compile(r"新登记|新设|新增|净增|新发|增长|增速|增幅|同比|环比|上年|高价值|有效|评价|监督|专项|国家|"
                            r"省级|市级|批次|件数|次数|不|未|问题|发现|累计|当年|年均|平均|占比|比重|人均|万人|千人|"
                            r"外资|内资|外商|国有|民营|私营|企业|个体|农|城|重点|规上|规模以上|小微|中小|食|药|器械|化妆|"
                            r"[()]|^全|^本|^我")


def _may_suggest(sname, sunit, pname, punit, kind, region) -> bool:
    """Whether a plan row may be named as the one a series probably means ("did you mean"): the checks a
    loose match applies (not opposite, :func:`_fit` of units, populations and counting notes) and names
    that differ only by words added or left out, none of them changing the quantity (:data:`_MEANING_WORDS`):
    新登记市场主体 is no 市场主体总量, 化妆品抽检合格率 no 药品抽检合格率, 全市… no district's figure."""
    if opposite_names(name_key(sname), name_key(pname)):
        return False
    if _fit(_Reading.of(pname, punit), kind or "level", "", _Reading.of(sname, sunit), "")[0] < 0:
        return False
    return not _names_another_quantity(loose_key(sname, region), loose_key(pname, region))


def _suggest_for_series(free: pd.DataFrame, plan: pd.DataFrame, plan_keys: dict, peer_of: dict,
                        hints: dict, matched: set = frozenset(), unit_of: dict | None = None,
                        stand_in: dict | None = None, other_level: dict | None = None) -> pd.DataFrame:
    """The unmatched series with a suggestion each; a plan row named as the one meant is one still without a
    series (not in ``matched``: a row already matched has its series), never the opposite quantity
    (:func:`opposite_names`: 食品安全抽检合格率 is no 食品抽检不合格率) and one a loose match could take
    (:func:`_may_suggest`)."""
    if free.empty:  # everything matched: nothing to suggest
        return pd.DataFrame([], columns=HISTORY_COLUMNS)
    unit_of = unit_of or {}
    regions = list(dict.fromkeys(plan["region"]))
    names_by_region: dict = {}
    for r, i, n, u, kind in zip(plan["region"], plan["indicator"],
                                plan["name"] if "name" in plan.columns else plan["indicator"],
                                column_cells(plan["unit"]) if "unit" in plan.columns else [""] * len(plan),
                                column_cells(plan["kind"]) if "kind" in plan.columns else ["level"] * len(plan)):
        pool = names_by_region.setdefault(r, {})
        if (r, i) not in matched:
            pool[name_key(n) or name_key(i)] = (i, n, u, kind)
    out = []
    index, said_of = _NameIndex(regions), {}
    for s in free.itertuples(index=False):
        keys = {name_key(s.name), name_key(s.indicator)}
        hint = ""
        # a total refused as another level's (全国合计 beside a 合计 of cities) is no 'did you mean region 合计?'
        if s.region not in said_of:  # once per region, against the plan's regions indexed once
            said_of[s.region] = None if s.region in (other_level or {}) else region_suggestion(s.region, index)
        other = said_of[s.region]
        if other is not None and any((other, k) in plan_keys for k in keys):
            hint = f"did you mean region {other}? (是否应为 {other}？regions are not matched by guess)"
        elif (s.region, s.indicator) in hints:  # a plan row its name reads as, and why they were kept apart
            hint = hints[(s.region, s.indicator)]
        elif s.region in names_by_region:
            pool = names_by_region[s.region]
            own = name_key(s.name) or name_key(s.indicator)
            sname = s.name if isinstance(s.name, str) and s.name else s.indicator
            sunit = unit_of.get((s.region, s.indicator), "")
            close = [c for c in difflib.get_close_matches(own, list(pool), n=5, cutoff=0.6)
                     if _may_suggest(sname, sunit, pool[c][1] or pool[c][0], pool[c][2], pool[c][3], s.region)]
            if close:
                ind, nm = pool[close[0]][:2]
                hint = f"did you mean {nm}" + (f" ({ind})" if ind != nm else "") + "?"
        elif regions:
            hint = f"{_NO_REGION} {s.region} (plan regions: {', '.join(map(str, regions[:5]))})"
            if s.region in (stand_in or {}):  # 广东省 beside the plan's 全省: maybe its total, no peer of its regions
                total = stand_in[s.region]
                hint += (f"; a region at the level of the plan's total {total} -- if it is this plan's total, name it "
                         f"{total} (是否应为 {total}？regions are not matched by guess); not used as a peer of the "
                         "plan's regions")
            elif s.region in (other_level or {}):  # 全省 beside a district plan's 全市: another level's total
                total = other_level[s.region]
                own = total if re.search(r"[合总小]计$", total) else f"{total}合计"  # 合计, not 合计合计
                hint += (f"; a total of another level than the plan's {total} (不是本规划的{own}): not used as "
                         f"{total}, nor as a peer -- name it {total} only if it adds up this plan's regions")
            elif other is not None:  # 云浮 beside the plan's 云浮市, its indicator named a little differently
                hint += f"; did you mean region {other}? (是否应为 {other}？regions are not matched by guess)"
            if (s.region, s.indicator) in peer_of:
                hint += PEER_NOTE
        out.append({**s._asdict(), "suggestion": hint})
    return pd.DataFrame(out, columns=HISTORY_COLUMNS)


#: words naming a quantity and its opposite (不合格率 is no 合格率): (the negative, the positive it contains)
OPPOSITE_WORDS = (("不合格", "合格"), ("不达标", "达标"), ("未完成", "完成"), ("不满意", "满意"), ("未通过", "通过"),
                  ("未年报", "年报"), ("未报送", "报送"), ("未公示", "公示"), ("问题发现", "合格"))


def opposite_names(a: str, b: str) -> bool:
    """Two names of opposite quantities: one says 不合格 (不达标, 未完成, 未年报, 问题发现 …) where the other says
    合格 (达标, 完成, 年报 …) -- never matched or suggested for each other, however alike they read."""
    a, b = str(a or ""), str(b or "")
    return any((neg in a) != (neg in b) and pos in (b if neg in a else a) for neg, pos in OPPOSITE_WORDS)


def _suggest_for_plan(lonely: pd.DataFrame, free: pd.DataFrame, hints: dict,
                      unit_of: dict | None = None, written_as: dict | None = None,
                      other_level: dict | None = None, total_of: dict | None = None,
                      totals: pd.DataFrame | None = None) -> pd.DataFrame:
    if lonely.empty:  # every plan row matched: nothing to suggest
        return pd.DataFrame([], columns=PLAN_COLUMNS)
    # 肇庆市 the history may write as its total 全市 (named_total): the indicators that total row has
    in_total = {}
    for top, t in (total_of or {}).items():
        rows = totals[totals["region"] == t] if totals is not None else totals
        in_total[top] = (t, set() if rows is None else {k for n, i in zip(rows["name"], rows["indicator"])
                                                           for k in (name_key(n), name_key(i))})
    unit_of = unit_of or {}
    free_regions = list(dict.fromkeys(free["region"]))
    pool: dict = {}
    for r, i, n in zip(free["region"], free["indicator"], free["name"]):
        pool.setdefault(r, {})[name_key(n) or name_key(i)] = (r, i, n)
    out = []
    index, said_of = _NameIndex(free_regions), {}
    names = lonely["name"] if "name" in lonely.columns else lonely["indicator"]
    units = column_cells(lonely["unit"]) if "unit" in lonely.columns else [""] * len(lonely)
    kinds = column_cells(lonely["kind"]) if "kind" in lonely.columns else ["level"] * len(lonely)
    for r, i, n, ty, u, kind in zip(lonely["region"], lonely["indicator"], names, lonely["target_year"], units, kinds):
        hint = ""
        key = name_key(n) or name_key(i)
        stand = (written_as or {}).get(r)  # 全省 maybe written 广东省: total_stand_in
        # 全市 against the history's 全省 (other_level_totals, {history total: plan total}): the one holding the row
        refused = [t for t, mine in (other_level or {}).items() if mine == r]
        elsewhere = next((t for t in refused if key in pool.get(t, {}) or name_key(i) in pool.get(t, {})), None)
        # a total refused as another level's is never 'the history has it under region ...: fix the region'
        if not stand and (r, tuple(refused)) not in said_of:  # once per region and refused totals
            left = [f for f in free_regions if f not in refused]
            said_of[(r, tuple(refused))] = region_suggestion(r, index if len(left) == len(free_regions) else left)
        other = stand or said_of[(r, tuple(refused))]
        if other is not None and (key in pool.get(other, {}) or name_key(i) in pool.get(other, {})):
            hint = (f"the history has a region {other} at the level of the plan's total {r} -- if it is this plan's "
                    f"total, name it {r} (是否应为 {r}？regions are not matched by guess)" if stand else
                    f"the history has it under region {other}: fix the region (是否应为 {r}？)")
        elif r in in_total and (key in in_total[r][1] or name_key(i) in in_total[r][1]):
            t = in_total[r][0]
            hint = (f"the history's total row {t} may be {r}'s: name it {r} in the history to assess it (是否为历史数据的"
                    f"{t}？regions are not matched by guess)")
        elif elsewhere is not None:
            hint = (f"the history's {elsewhere} is a total of another level than {r}: not used as its figure "
                    f"(历史数据的{elsewhere}不是本规划的{r})")
        elif (r, i) in hints:
            hint = hints[(r, i)]
        elif r in pool:
            pname = n if isinstance(n, str) and n else i
            close = [c for c in difflib.get_close_matches(key, list(pool[r]), n=5, cutoff=0.6)
                     if _may_suggest(pool[r][c][2], unit_of.get(pool[r][c][:2], ""), pname, u, kind, r)]
            if close:
                _, hi, hn = pool[r][close[0]]
                hint = f"closest unmatched history series: {hn}" + (f" ({hi})" if hi != hn else "")
        out.append({"region": r, "indicator": i, "name": n, "target_year": int(ty), "suggestion": hint})
    return pd.DataFrame(out, columns=PLAN_COLUMNS)
