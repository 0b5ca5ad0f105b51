"""Plain-language text of a report: one paragraph per target, an overall paragraph, method notes.

Every figure in a sentence is the text of a table cell (:class:`~.formatting.Cell`), never a number
formatted again here -- save the change of a series moving away from its target (不升反降，减少9张),
the difference of the two figures shown (基期108, 最新99) -- and every comparison word (低于50%) is
decided on those same rounded figures, so a sentence cannot say more than the table shows. Progress
against the time share reads 快于 / 慢于 only outside the band that makes a target 基本符合预期
(:class:`mstarget.schedule.ScheduleRules`, 5 points), and 与时间进度基本同步 within it. Chinese prose
joins a region to its indicator without a space (端州区“明厨亮灶”覆盖率) and leaves out a unit that is
an English word (84.9, not 84.9 index). Chinese (``zh``) and English (``en``) follow the same cases:

* no observation at all (无数据), or none after the baseline year (数据不足: the prior-based
  probability is given as indicative only; a history that ends before the baseline year, or in it
  after earlier years (历史数据为2016年至2025年，截至2025年基期), is said to, with the forecast that
  extends it);
* data after the baseline year that ``assess`` still rates 数据不足 (a 〈〉 sum missing a year's flow): the
  years it has and lacks (缺2024年数据), never 尚无基期以后的监测数据;
* a figure marked preliminary (快报, 预计 …: ``last_preliminary`` of :func:`mstarget.assess.assess`) is said to
  be one (目标年2025年快报数为3.05万户; 累计完成…（含2025年快报数）), and a verdict it decides close to the target
  is said to be open to the final figure (2025年数据为快报数，与目标接近，评价可能随正式数据调整);
* a 〈〉 sum or a stock from yearly additions missing a year (``unreported_years``) says what the reported years
  add up to, as its progress counts them (已报送年份累计完成5.9亿元（缺2024年数据，未计入）), never the estimate;
* the target year already observed (达到 / 未达到; the category 已完成 / 未完成 of a 总结评估); a level or stock
  whose target-year value was never reported, only interpolated between the years around it, is not judged
  (数据不足, 请补报2025年数据; the overall paragraph counts it apart: 目标年数值未报送、仅按前后年份插值估计);
* the target year past (``as_of``) but its value not yet observed: 目标年数据暂缺, the latest value, and
  the forecast said to be one (数据不足, never 滞后 / 快于预期 on a forecast);
* already at the target (提前实现);
* otherwise latest value, progress against the time elapsed, forecast with its 80 % range,
  probability, required against observed yearly change, and the category (按实现概率评价 when
  progress cannot be computed: the category then follows the probability alone).

A probability the table shows as ``<1%`` / ``>99%`` is written 不足1% / 超过99% in a sentence. A
firm target with a striven-for one (≥2.5（力争3）) is written as its firm figure, each tier with its own
probability (实现目标（≥2.50件/万人）的概率为87%，实现力争目标（3件/万人）的概率为71%), or once observed
达到预期目标（…），未达到力争目标（…）. An interval with a negative low end reads -27.25%至14.91%.

The overall paragraph names the binding targets not achieved as a count, as it does the expected ones
(约束性指标中未完成的有1项：…), and those still under way that need attention (需重点关注：…（实现概率…）).

〈〉 targets (``increment``) speak of the sum since the baseline year (累计完成 / 尚余); ``<=`` targets
of a reduction (降幅, 下降); ``%`` indicators change by percentage points (个百分点).
"""
from __future__ import annotations

import re

from ..assess import _none_at_all
from ..schedule import CATEGORY_ZH, NOT_JUDGED, QUALITATIVE, TARGET_PENDING, ScheduleRules, shown_gap
from ..plan import states_figure, target_as_change
from ..units import per_mille_kind, percent_kind
from ..validation import is_total_region
from .formatting import (
    MET_PACE,
    MISSING,
    compared_decimals,
    flagged,
    is_missing,
    number_text,
    part_year_label,
    percent_int,
    preliminary_word,
    probability_words,
    range_text,
    with_pace_unit,
    with_unit,
    years_of,
)

RANGE_LABEL = {"zh": "80%区间", "en": "80% range"}
#: the band around the time share within which progress reads 与时间进度基本同步 (the same band that
#: makes a target 基本符合预期, :class:`mstarget.schedule.ScheduleRules`; the notes state it as 5个百分点)
SCHEDULE_TOLERANCE = ScheduleRules().tolerance
#: progress against the time share, by the sign of :meth:`_Row.schedule_cmp`
SCHEDULE_WORDS = {"zh": {1: "，快于时间进度（{}）", -1: "，慢于时间进度（{}）", 0: "，与时间进度基本同步（{}）"},
                  "en": {1: ", ahead of the time elapsed ({})", -1: ", behind the time elapsed ({})",
                         0: ", broadly in step with the time elapsed ({})"}}
#: English words a unit may be written as, as a Chinese sentence writes them ("": left out -- 84.9, not
#: 84.9 index, after 制造业质量竞争力指数); any other English word is left out of Chinese prose too
UNIT_WORDS_ZH = {"index": "", "percent": "%", "points": "点", "yuan": "元", "persons": "人", "people": "人",
                 "items": "项", "times": "次"}
#: Chinese unit words a sentence writes as the English word of the same unit (指数: left out of Chinese
#: prose like ``index`` -- 84.9, not 84.9指数, after 制造业质量竞争力指数 --, ``84.9 index`` in English)
UNIT_WORDS_CHINESE = {"指数": "index"}
#: a unit that is an English word (``index``, ``points``), not a symbol (``kg``, ``mg/L``, ``kWh``)
_UNIT_WORD = re.compile(r"[A-Za-z]{4,}(?: [A-Za-z]+)*")
ASSESSMENT_MARKER = {"zh": "评价：", "en": " Assessment: "}
#: categories of a target still under way whose progress is measured against the time elapsed
SCHEDULE_CATEGORIES = ("ahead", "on_schedule", "behind")


def counted_en(n: int, noun: str) -> str:
    """``1 indicator``, ``4 indicators``: an English count with its noun singular or plural."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _word_zh(value: float, unit) -> str:
    up = value > 0
    if unit == "%":
        return "提高" if up else "降低"
    return "增长" if up else "下降"


def _word_en(value: float) -> str:
    return "a rise of" if value > 0 else "a fall of"


def _is_zero(text: str) -> bool:
    """A cell's text says nothing is left: 0, or 已达到 / met (a gap closed, :data:`~.formatting.MET_PACE`; in a
    总结评估 awaiting the target year's figure, 2024年已达到 / met in 2024)."""
    if text in MET_PACE.values() or text.endswith(MET_PACE["zh"]) or text.startswith(MET_PACE["en"] + " in "):
        return True
    return text != MISSING and float(text.lstrip("+").replace(",", "")) == 0


#: marks after a figure (（快报）, （缺2024年）, (preliminary)): a sentence puts the unit before them
_TRAILING_MARKS = re.compile(r"^(?P<figure>.*?\d)(?P<marks>(?:\s*[（(][^（()）]*[）)])+)$")


def _unit_before_marks(text: str, unit, lang: str) -> str:
    """A figure with its unit, the unit before the figure's marks: ``6.5%（快报）``, not ``6.5（快报）%``."""
    m = _TRAILING_MARKS.match(text) if isinstance(text, str) else None
    if m is None:
        return with_unit(text, unit, lang)
    return with_unit(m.group("figure"), unit, lang) + m.group("marks")


class _Row:
    """Shorthands over one :class:`~.model.ReportRow`."""

    def __init__(self, row):
        self.c = row.figures()
        self.r = row.raw
        self.lang = row.lang
        self.c["label"] = prose_name(row)
        self.unit = prose_unit(self.r.get("unit"), self.lang)
        self.kind = self.r.get("kind")
        self.direction = self.r.get("direction")
        sf = getattr(row.assessment, "series", None)
        #: the row's observed series (years, values), None without sample paths (``details=None``)
        self.sf = sf
        ty = self.r.get("target_year")
        #: the target year's value lies between two observations (interpolated, not observed): the model's
        #: (:attr:`~.model.ReportRow.interpolated`), else read from the series
        given = getattr(row, "interpolated", None)
        self.interpolated = bool(given) if given is not None else \
            sf is not None and ty is not None and int(ty) <= sf.last_year and not bool((sf.years == int(ty)).any())
        #: the last year of a history observed only up to the baseline year (2012-2018 for a 2020 baseline,
        #: or 2016-2025 for a 2025 one: the forecast extends it), else None; and its first year
        self.history_end = _history_end(sf, self.r.get("baseline_year"), self.r.get("baseline"))
        self.history_start = int(sf.years.min()) if self.history_end is not None else None
        #: years from the base year + 1 to the last observed (the target year at most) without a figure: a 〈〉
        #: sum missing a year's flow (None without the series)
        self.missing_years = _missing_years(sf, self.r.get("baseline_year"), ty)
        #: the target year is past but its value not yet observed (:func:`~.model.target_year_awaited`)
        self.awaited = bool(getattr(row, "awaited", False))
        #: years ``assess`` counted at an estimate, not reported (a 〈〉 sum's flows, a stock's additions)
        #: (not those inside a reported running total, ``split_years``: the sums said are the reported ones)
        split = set(years_of(self.r.get("split_years")))
        self.gap = [y for y in years_of(self.r.get("unreported_years")) if y not in split]
        #: the figure the row is judged on is preliminary (快报 …), its word, and whether its verdict may change
        flag = self.r.get("last_preliminary")
        self.preliminary = not is_missing(flag) and bool(flag)
        self.pre_word = preliminary_word(self.r.get("preliminary_mark"))
        close = self.r.get("preliminary_close")
        self.pre_close = self.preliminary and not is_missing(close) and bool(close)
        #: the word of a baseline the plan wrote as preliminary (2025年基数（预计）: 预计), else ""
        self.base_word = (preliminary_word(self.r.get("baseline_preliminary_mark") or "预计")
                          if flagged(self.r.get("baseline_preliminary")) and self.kind != "increment" else "")
        self.pre_years = [y for y in years_of(self.r.get("preliminary_years"))
                          if self.has("last_year") and y <= int(self.r["last_year"])]
        #: the forecast follows the indicator's other regions, the region's own trend running against theirs
        #: (:func:`peer_departure`): (first year of the changes, every change the same way, falls) or None
        self.departure = peer_departure(self.r, sf)
        #: a growth rate's target on the period average (年均增长: ``average_years`` of :func:`mstarget.assess.assess`),
        #: its years as said (2021—2025), else ""
        avg = self.r.get("average_years")
        self.average = avg.replace("-", "—") if isinstance(avg, str) and avg else ""
        #: the plan's first year when the report is dated in it (2026 of a 2026-2030 plan, reported in December
        #: 2026): the period has begun, its full-year figures are not yet published (never 规划期尚未开始)
        under_way = getattr(row, "first_year_under_way", None)
        by = self.r.get("baseline_year")
        self.under_way = under_way if under_way is not None and not is_missing(by) and int(by) + 1 == under_way \
            else None
        #: the part-year figures the plan gave (2026年1-10月: 42.9), shown, never used as the year's
        self.part_year = dict(getattr(row, "part_year", {}) or {})

    def reported_span(self) -> str:
        """A period average's years with a reported rate so far: 2021—2023, or 2021、2022、2024 with a gap."""
        by, ly, ty = (int(self.r[k]) for k in ("baseline_year", "last_year", "target_year"))
        years = [y for y in range(by + 1, min(ly, ty) + 1) if y not in self.gap]
        if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
            return f"{years[0]}—{years[-1]}"
        return "、".join(map(str, years))

    def latest_said(self) -> str:
        """The latest year's own figure with its unit, without the preliminary mark the sentence says itself
        (含2025年快报数): ``6.5%``, not ``6.5%（快报）``."""
        text = self.u("latest")
        if self.preliminary:
            for mark in (f"（{self.pre_word}）", f" ({self.pre_word})", " (preliminary)"):
                text = text.replace(mark, "")
        return text

    def rate(self, key: str) -> str:
        """A pace of a period average as a rate (5.52%, -1.20%), not a change in points."""
        text = self.c[key.replace("_pace", "_abs")]
        return with_unit(("-" if float(self.r[key]) < 0 else "") + text, self.unit, self.lang)

    def p(self, key: str) -> str:
        """A probability as a sentence says it (不足1% where the table shows <1%)."""
        return probability_words(self.c[key], self.lang)

    def p_is(self, key: str) -> str:
        """A Chinese sentence's predicate on a probability: ``为37%``, ``不足1%``, ``超过99%``."""
        text = self.c[key]
        said = self.p(key)
        return said if said != text else f"为{text}"

    @property
    def striven(self) -> bool:
        """A firm target with a striven-for one (≥2.5（力争3））."""
        return self.has("target_striven")

    def u(self, key: str) -> str:
        written = self.r.get("target_written")
        if key == "range_80" and self.has("lo_80", "hi_80"):
            return range_text(self.c["lo_80"], self.c["hi_80"], self.lang, self.unit)
        if key == "target" and self.striven and self.c["target_signed"] != MISSING:
            # the firm figure alone: the striven-for one gets its own clause
            return with_unit(self.c["target_signed"], self.unit, self.lang)
        if key == "target" and isinstance(written, str) and written and self.c["target_signed"] != MISSING:
            if self.lang == "zh" and states_figure(written):  # 保持在98%以上, 不发生: as the plan wrote it
                return written_with_unit(written, self.unit)
            figure = with_unit(self.c["target_signed"], self.unit, self.lang)
            return f"{written}，即{figure}" if self.lang == "zh" else f"{written}, i.e. {figure}"
        if key == "target":  # the figure, not the table's plan notation (≥5.00亿元, not ≥〈5〉亿元)
            key = "target_signed"
        if key == "baseline" and self.base_word and self.c[key] != MISSING:  # the plan's 2025年基数（预计）
            said = with_unit(self.c[key], self.unit, self.lang)
            return f"{self.base_word}数{said}" if self.lang == "zh" else f"preliminary {said}"
        return _unit_before_marks(self.c[key], self.unit, self.lang)

    def pu(self, key: str) -> str:
        return with_pace_unit(self.c[key], self.unit, self.lang)

    def has(self, *keys: str) -> bool:
        return all(self.c[k] != MISSING for k in keys)

    @property
    def target_observed(self) -> bool:
        ly, ty = self.r.get("last_year"), self.r.get("target_year")
        return self.has("last_year") and int(ly) >= int(ty)

    def schedule_cmp(self) -> int | None:
        """Progress against the time share as the category judges it (:func:`mstarget.schedule.categorise`):
        1 when ahead by the tolerance or more (快于), -1 when behind by it or more (慢于), 0 within it
        (基本同步: never 快于 / 慢于 beside a 基本符合预期 that the band decided); None if either share is
        missing. Decided on the percentages shown (65% against 60% is 5 points: 快于)."""
        if not self.has("progress_share", "time_share"):
            return None
        # the percentages shown, as the category compares them (:func:`mstarget.schedule.shown_gap`)
        gap = shown_gap(float(self.r["progress_share"]), float(self.r["time_share"]))
        return 1 if gap >= SCHEDULE_TOLERANCE else -1 if gap <= -SCHEDULE_TOLERANCE else 0

    def schedule_words(self) -> str:
        """``，快于时间进度（60%）`` / ``，与时间进度基本同步（60%）`` (empty without both shares)."""
        cmp = self.schedule_cmp()
        return "" if cmp is None else SCHEDULE_WORDS[self.lang][cmp].format(self.c["time_share"])

    def base_year_key(self) -> str:
        """The cell that says the base year's value when nothing is observed after it: the plan's baseline as
        the plan wrote it (4.4, 98.0, as the table's 基期值) when the base year's value is that figure, else the
        value observed (``current``)."""
        base, value = self.r.get("baseline"), self.r.get("last_value")
        if self.has("baseline") and not is_missing(base) and not is_missing(value) and float(base) == float(value):
            return "baseline"
        return "current"

    def change_from_baseline(self) -> str | None:
        """The latest value's change from the baseline, by the figures the table shows (99 against 108:
        ``9``), with the unit (percentage points for ``%``); None without both figures."""
        if not self.has("current", "baseline"):
            return None
        texts = (self.c["current"], self.c["baseline"])
        try:
            cur, base = (float(t.replace(",", "")) for t in texts)
        except ValueError:
            return None
        decimals = max(len(t.partition(".")[2]) for t in texts)
        return with_pace_unit(number_text(abs(cur - base), decimals), self.unit, self.lang)


#: what ``assess``'s note says of a region whose own trend departs from its peers' (``pooled_drift``,
#: :mod:`mstarget.models.pooled`): the forecast follows the other regions' trend, not its own
PEER_DEPARTURE_MARK = "本地区走势与同指标其他地区明显不同"
_DEPARTURE_EN = re.compile(r"its own (\d+) yearly changes \((falls|rises)\) depart from the trend")


def departs_from_peers(note) -> bool:
    """``assess``'s note says the region's trend departs from its peers' and the forecast follows theirs
    (:data:`PEER_DEPARTURE_MARK`)."""
    return isinstance(note, str) and PEER_DEPARTURE_MARK in note


def peer_departure(r: dict, sf=None) -> tuple[int | None, bool, bool] | None:
    """For a row whose note says its forecast follows its peers (:func:`departs_from_peers`): ``(first year,
    every year, falls)`` -- the first year of the changes its own trend is read from (None when unknown), whether
    every one of them goes the same way (2020年以来逐年下降), and whether they fall; None for another row."""
    note = r.get("note")
    if not departs_from_peers(note):
        return None
    m = _DEPARTURE_EN.search(note)
    k = int(m.group(1)) if m else None
    falls = m.group(2) == "falls" if m else (not is_missing(r.get("observed_pace")) and float(r["observed_pace"]) < 0)
    if sf is None or k is None or len(sf.years) < 2:
        return None, False, falls
    years, values = sf.years[-(k + 1):], sf.values[-(k + 1):]
    steps = [b - a for a, b in zip(values[:-1], values[1:])]
    every = bool(steps) and all((d < 0) if falls else (d > 0) for d in steps)
    return int(years[0]), every, falls


def _departure_zh(x: "_Row") -> str:
    """``本地区2020年以来逐年下降，与同指标其他地区走势明显不同；预测主要依据其他地区的趋势：``; ``""`` for a row whose
    forecast follows its own trend."""
    if x.departure is None:
        return ""
    start, every, falls = x.departure
    verb = ("降低" if falls else "提高") if x.unit == "%" else ("下降" if falls else "增长")
    what = "年度新增量" if x.kind == "increment" else ""
    since = f"{start}年以来" if start is not None else "近年"
    return f"本地区{what}{since}{'逐年' if every else '总体'}{verb}，与同指标其他地区走势明显不同；预测主要依据其他地区的趋势："


def _departure_en(x: "_Row") -> str:
    if x.departure is None:
        return ""
    start, every, falls = x.departure
    way = "fallen" if falls else "risen"
    since = f" since {start}" if start is not None else " lately"
    return (f" Its own figures have {way}{' every year' if every else ''}{since}, unlike the indicator's other "
            "regions; the forecast follows their trend:")


def _level_model(model) -> bool:
    """The row's model holds the recent level, drawing no trend (``local_level``, ``auto:local_level``: a
    sampling pass rate)."""
    return isinstance(model, str) and model.rpartition(":")[2] == "local_level"


def _basis_zh(x: "_Row") -> str:
    """What a forecast rests on: 按当前趋势预计, 按近年水平预计 (a rate of sampling inspections held at its level,
    ``local_level``), or the region's own trend running against its peers' (:func:`_departure_zh`) and 预计."""
    if x.departure is not None:
        return _departure_zh(x) + "预计"
    return "按近年水平预计" if _level_model(x.r.get("model")) else "按当前趋势预计"


def _reference_zh(x: "_Row") -> str:
    """``，仅供参考`` after a probability resting on the other regions' trend (:func:`_departure_zh`)."""
    return "，仅供参考" if x.departure is not None else ""


def _basis_en(x: "_Row") -> str:
    if x.departure is not None:
        return _departure_en(x)
    return " At its recent level" if _level_model(x.r.get("model")) else " On the current trend"


def _reference_en(x: "_Row") -> str:
    return ", for reference only" if x.departure is not None else ""


def prose_name(row, text: str | None = None) -> str:
    """A target's name as a Chinese sentence writes it: the region joined to the indicator without the
    table's space (端州区“明厨亮灶”覆盖率, where headings show 端州区 “明厨亮灶”覆盖率,
    :func:`~.formatting.place_name`), a sub-item without its 其中： (:attr:`~.model.ReportRow.spoken`); ``text``
    (default the row's spoken label) is a name beginning with it."""
    text = row.spoken if text is None else text
    region = row.raw.get("region")
    if row.lang == "zh" and isinstance(region, str) and region and text.startswith(region + " "):
        return region + text[len(region) + 1:]
    return text


def prose_unit(unit, lang: str):
    """The unit a sentence writes after a figure: in Chinese an English word (``index``) is written as
    :data:`UNIT_WORDS_ZH` says, else left out (the table's 单位 column still shows it); any other unit,
    and every unit in English, as it is; a Chinese unit word of :data:`UNIT_WORDS_CHINESE` (指数) as its English
    word (``index``: left out in Chinese)."""
    if isinstance(unit, str) and unit.strip() in UNIT_WORDS_CHINESE:
        unit = UNIT_WORDS_CHINESE[unit.strip()]
    if lang != "zh" or not isinstance(unit, str) or not _UNIT_WORD.fullmatch(unit.strip()):
        return unit
    return UNIT_WORDS_ZH.get(unit.strip().lower(), "")


def _history_end(sf, baseline_year, baseline=None) -> int | None:
    """Last observed year of a history observed only up to its baseline year -- ending before it (2018 for a
    2020 baseline), or in it after earlier years (2016-2025 for a 2025 baseline) -- None otherwise: data
    after the baseline year, the baseline year alone, or no series. A base-year value after a gap (2012-2018,
    then 2020) that is the plan's ``baseline`` is the plan's figure ``assess`` put there, not the history's:
    the history ends in 2018."""
    if sf is None or is_missing(baseline_year):
        return None
    by = int(baseline_year)
    before = sf.years[sf.years < by]
    if before.size == 0 or bool((sf.years > by).any()):
        return None
    at_base = sf.values[sf.years == by]
    if at_base.size and (int(before.max()) == by - 1 or is_missing(baseline)
                         or float(at_base[-1]) != float(baseline)):
        return by
    return int(before.max())


def _missing_years(sf, baseline_year, target_year) -> list[int] | None:
    """Years after the baseline year, up to the last observed one (and the target year), without an
    observation; None without the series or a baseline year."""
    if sf is None or is_missing(baseline_year):
        return None
    end = int(sf.years.max()) if is_missing(target_year) else min(int(sf.years.max()), int(target_year))
    seen = {int(y) for y in sf.years}
    return [y for y in range(int(baseline_year) + 1, end + 1) if y not in seen]


def _years_zh(years: list[int]) -> str:
    """2022、2024年."""
    return "、".join(str(y) for y in years) + "年"


def _pre_zh(x: "_Row", summed: bool) -> str:
    """What a sentence says of a preliminary figure it gives: ``（含2025年快报数）`` after a sum (a 〈〉 row, a stock
    from additions counting one), else nothing (the figure is named 快报数 itself)."""
    if not x.preliminary or not summed:
        return ""
    years = [y for y in x.pre_years if y <= int(x.r["last_year"])] or x.pre_years
    first = years[:1]
    return f"（含{_years_zh(first)}{x.pre_word}数）" if first else f"（含{x.pre_word}数）"


def _pre_close_zh(x: "_Row") -> str:
    """A verdict decided on a preliminary figure near the target: said open to the final figure."""
    if not x.pre_close:
        return ""
    return f"{x.c['target_year']}年数据为{x.pre_word}数，与目标接近，评价可能随正式数据调整。"


def _pre_close_en(x: "_Row") -> str:
    if not x.pre_close:
        return ""
    return (f" The {x.c['target_year']} figure is preliminary and close to the target: the assessment may change "
            "with the final figure.")


# --------------------------------------------------------------------------------------------
# one target
# --------------------------------------------------------------------------------------------

def target_sentence(row) -> str:
    """The paragraph of one :class:`~.model.ReportRow`, in the row's language."""
    x = _Row(row)
    missed = _incidents_paragraph(x)  # 零发生 missed in a year of the period: said so, not the forecast's figures
    if missed:
        text = missed
    elif row.category == NOT_STARTED:
        text = _not_started_zh(x) if x.lang == "zh" else _not_started_en(x)
    elif row.category == TARGET_PENDING:  # 待定: where it stands and its forecast, for setting the target; no verdict
        text = _pending_zh(x) if x.lang == "zh" else _pending_en(x)
    else:
        text = _zh(x) if x.lang == "zh" else _en(x)
    zh = x.lang == "zh"
    asked = getattr(row, "resubmit", "")
    if asked:  # a 总结评估's 数据不足 row: the years still to report (请补报2025年数据)
        text = _before_assessment(text, asked, x.lang)
    if x.has("p_striven", "target_striven") and not x.target_observed:  # 6%以上，力争7%
        aim = x.u("target_striven")
        firm = f"实现目标（{x.u('target')}）的概率{x.p_is('p_meet')}" if zh else \
            f"the chance of meeting the target ({x.u('target')}) is {x.p('p_meet')}"
        if firm in text:  # 实现目标（≥2.50件/万人）的概率为87%，实现力争目标（3件/万人）的概率为71%
            text = text.replace(firm, firm + (f"，实现力争目标（{aim}）的概率{x.p_is('p_striven')}" if zh else
                                              f", and of the striven-for target ({aim}) {x.p('p_striven')}"), 1)
        else:
            text = _before_assessment(text, f"力争目标（{aim}）的实现概率{x.p_is('p_striven')}。" if zh else
                                      f" The striven-for target ({aim}) has a probability of {x.p('p_striven')}.",
                                      x.lang)
    if row.category in SCHEDULE_CATEGORIES and not x.has("progress_share") and not missed:  # the rule of method_notes
        text = _by_probability(x, text)
    change = realised_change(x.r, x.lang, closed=x.target_observed and not x.interpolated and not x.gap)
    if change:  # a target written as a change (年均增长6%): the change achieved against the one written
        text = _before_assessment(text, change, x.lang)
    elif row.category == "not_completed" and not missed:  # why it was missed: the pace needed against the one achieved
        said = missed_why(x)
        if said:
            text = _before_assessment(text, said, x.lang)
    if row.category == "completed" and not missed:  # met before its target year and held since: said when
        said = met_early(x)
        if said:
            text = _before_assessment(text, said, x.lang)
    adjusted = adjusted_said(x)
    if adjusted:  # a target adjusted mid-term: judged against the adjusted one, the first one said beside it
        text = _before_assessment(text, adjusted, x.lang)
    if x.departure is not None and x.r.get("status") != "no_data" and \
            (_departure_zh(x) if zh else _departure_en(x)).rstrip("：:") not in text:  # a case saying no forecast
        said = _departure_zh(x).rstrip("：") + "，实现概率仅供参考。" if zh else \
            _departure_en(x).rstrip(":") + "; its probability is for reference only."
        text = _before_assessment(text, said, x.lang)
    # the history's own caveats
    for said in (_stock_said(x), _running_totals_said(x), _level_shift_said(x), _spike_said(x),
                 "" if missed else _incidents_said(x)):
        if said:
            text = _before_assessment(text, said, x.lang)
    if x.part_year:  # 2026年1-10月：42.9万户 -- shown, not used as the year's figure
        text = _before_assessment(text, _part_year_said(x), x.lang)
    return text


def missed_why(x: "_Row", gap_said: bool = False) -> str:
    """Why a target whose target year is observed was missed (:func:`~.model._pace_cells`): for a level or a stock
    with a baseline, the yearly pace the plan needed against the one achieved and the share of the planned increase
    (or fall) achieved -- ``规划要求年均+0.39件/万人，实际年均+0.28件/万人，完成目标增量的72%。`` --, a figure that moved
    the wrong way (较基期不升反降) or has not moved for :data:`~.model.STALLED_YEARS` years or more (2022年以来持平)
    said so; for a 〈〉 sum the share of the total reached and what is still missing. ``""`` for anything else (a
    target written as a change says its own, :func:`realised_change`; a rate, a period average, 零发生). ``gap_said``:
    the sentence before said the gap (差3.4亿元), which a 〈〉 sum's share then does not repeat (尚差3.4亿元)."""
    c, zh = x.c, x.lang == "zh"
    if x.average or is_rate_row(x.r) or target_as_change(x.r.get("target_written")) is not None:
        return ""
    if x.kind == "increment":
        if not x.has("progress_share") or x.direction != ">=":
            return ""
        rest = "" if gap_said else f"，尚差{x.u('remaining')}" if zh else f"; {x.u('remaining')} short"
        return (f"累计完成目标的{c['progress_share']}{rest}。" if zh else
                f" The sum reached {c['progress_share']} of the target{rest}.")
    if c.get("base_met", MISSING) != MISSING and c.get("base_change", MISSING) != MISSING:
        return _held_missed(x)
    if c.get("planned_pace", MISSING) == MISSING or c.get("achieved_pace", MISSING) == MISSING:
        return ""
    planned, achieved = x.pu("planned_pace"), x.pu("achieved_pace")
    since = c.get("stalled_since", MISSING)
    by = c["baseline_year"]
    flat = _is_zero(c["achieved_pace"])
    share = percent_int(x.r.get("progress_share"))
    fell = _reached_then_fell(x)
    if fell:  # reached the target inside the period, then fell back: that is what happened, not 持平
        if zh:
            return (f"规划要求年均{planned}，{fell}" + (f"，与{by}年基期持平" if flat else f"，实际年均{achieved}")
                    + "。")
        return f" The plan needed {planned} a year; {fell}" + \
            (f", where it was in the base year {by}." if flat else f" ({achieved} a year).")
    if zh:
        s = f"规划要求年均{planned}，"
        if flat:
            s += f"实际较{by}年基期持平"
        elif share is not None and share < 0:
            s += f"实际年均{achieved}，较{by}年基期{'不升反降' if x.direction == '>=' else '不降反升'}"
        else:
            s += f"实际年均{achieved}"
            if x.has("progress_share"):
                s += f"，完成目标{'增量' if x.direction == '>=' else '降幅'}的{c['progress_share']}"
        if since != MISSING and not flat:
            s += f"，{since}年以来持平"
        return s + "。"
    s = f" The plan needed {planned} a year; "
    if flat:
        s += f"the figure is where it was in the base year {by}"
    elif share is not None and share < 0:
        s += f"the figure moved {achieved} a year, away from the target since the base year {by}"
    else:
        s += f"the figure moved {achieved} a year"
        if x.has("progress_share"):
            s += f", {c['progress_share']} of the planned {'increase' if x.direction == '>=' else 'fall'}"
    if since != MISSING and not flat:
        s += f", unchanged since {since}"
    return s + "."


def _reached_then_fell(x: "_Row") -> str:
    """A missed level or stock whose yearly figure reached the target inside the period, before the target year, and
    then fell back (化妆品抽检批次数 9, 10, 11, 10, 9 against ≥10): ``2022年达到目标、2023年达11批次/年后连续回落，
    2025年为9批次/年`` (a ≤ target: 回升); "" otherwise, or when the table shows no column of those years."""
    sf, r, zh = x.sf, x.r, x.lang == "zh"
    if sf is None or x.direction not in (">=", "<=") or any(
            is_missing(r.get(k)) for k in ("target", "baseline_year", "target_year")):
        return ""
    by, ty, t = int(r["baseline_year"]), int(r["target_year"]), float(r["target"])
    strict, up = flagged(r.get("strict")), x.direction == ">="
    pts = [(int(y), float(v)) for y, v in zip(sf.years, sf.values) if by < int(y) <= ty and v == v]
    before = [(y, v) for y, v in pts if y < ty]
    if not pts or pts[-1][0] != ty or not before:
        return ""

    def meets(v: float) -> bool:
        return (v > t if strict else v >= t) if up else (v < t if strict else v <= t)

    reached = [y for y, v in before if meets(v)]
    if not reached or meets(pts[-1][1]):
        return ""
    peak = max(before, key=lambda p: p[1] if up else -p[1])[0]  # the first year of the best figure
    after = [v for y, v in pts if y >= peak]
    steady = len(after) > 2 and all((b < a) if up else (b > a) for a, b in zip(after, after[1:]))
    if any(f"y{y}" not in x.c or x.c[f"y{y}"] == MISSING for y in (peak, ty)):
        return ""
    if zh:
        top = f"、{peak}年达{x.u(f'y{peak}')}" if peak != reached[0] else ""
        return (f"{reached[0]}年达到目标{top}后{'连续' if steady else ''}{'回落' if up else '回升'}，"
                f"{ty}年为{x.u(f'y{ty}')}")
    top = f", {x.u(f'y{peak}')} in {peak}," if peak != reached[0] else ""
    return (f"the figure reached the target in {reached[0]}{top} and then {'fell' if up else 'rose'} back"
            f"{' year after year' if steady else ''}, to {x.u(f'y{ty}')} in {ty}")


def _meets_target(r: dict, value: float) -> bool:
    """``value`` meets the row's target: its direction, and its ``strict`` bound (低于0.15) when the plan wrote one."""
    t, strict = float(r["target"]), flagged(r.get("strict"))
    if r.get("direction") == ">=":
        return value > t if strict else value >= t
    return value < t if strict else value <= t


def _period_figures(x: "_Row") -> list[tuple[int, float]]:
    """The row's reported figures of each year after the base year up to the target year, as (year, value): a
    level's or a stock's own figure, a 〈〉 row's additions summed since the base year (its 完成值 columns); ``[]``
    when a year of those is missing (a sum would skip it) or the row's history is a 〈〉 row's year-end stock."""
    r, sf = x.r, x.sf
    by, ty = int(r["baseline_year"]), int(r["target_year"])
    pts = sorted((int(y), float(v)) for y, v in zip(sf.years, sf.values) if by < int(y) <= ty and v == v)
    if [y for y, _ in pts] != list(range(by + 1, ty + 1)):
        return []
    if x.kind == "increment":
        if not is_missing(r.get("stock_base")):
            return []
        total, sums = 0.0, []
        for y, v in pts:
            total += v
            sums.append((y, total))
        return sums
    return pts


def met_early(x: "_Row") -> str:
    """When a target met in its target year was reached before it and held since (a 总结评估's 已完成 row): the
    first year of the run of reported figures meeting it that lasts to the target year, with the table's figure of
    that year -- a stock ``2023年已达到目标（118项），提前2年实现。``, a 〈〉 sum ``（累计5.3亿元）``, a yearly level, judged
    in its target year alone, ``2023年起各年均达到目标（2023年为90.2%）。`` (no 提前实现). ``""`` when the target
    was reached only in its target year, or reached earlier and then lost before it (that is no early completion),
    and for rows whose year-by-year figures decide nothing alone: a baseline already on the target's side (保持类:
    nothing to reach), a period average (年均增长率: judged on the whole period), a rate of change, a 零发生 target
    (met only by the whole period), a year of the period not reported or the target year only interpolated."""
    r = x.r
    if x.sf is None or not x.target_observed or x.interpolated or x.gap or x.average or is_rate_row(r) \
            or x.direction not in (">=", "<=") \
            or any(is_missing(r.get(k)) for k in ("target", "baseline_year", "target_year")) \
            or _none_at_all(r):
        return ""
    if x.kind != "increment" and not is_missing(r.get("baseline")) and _meets_target(r, float(r["baseline"])):
        return ""
    pts = _period_figures(x)
    if not pts or not _meets_target(r, pts[-1][1]):
        return ""
    first = len(pts) - 1
    while first > 0 and _meets_target(r, pts[first - 1][1]):
        first -= 1
    year, ty = pts[first][0], int(r["target_year"])
    if year >= ty or any(_meets_target(r, v) for _, v in pts[:first]):  # only in the target year, or not held
        return ""
    key = f"y{year}"
    if x.c.get(key, MISSING) == MISSING:
        return ""
    zh = x.lang == "zh"
    summed = x.kind == "increment"
    figure = _unit_before_marks(x.c[key], x.unit, x.lang)
    early = ty - year
    aim = "预期目标" if x.striven else "目标"  # a firm target with a striven-for one (≥2.5（力争3））: the firm one
    aim_en = "firm target" if x.striven else "target"
    if x.kind == "level":  # a yearly level is judged in its target year: when it has met the target since, no more
        return f"{year}年起各年均达到{aim}（{year}年为{figure}）。" if zh else \
            f" The figure has met the {aim_en} every year since {year} ({figure} in {year})."
    if zh:
        return f"{year}年已达到{aim}（{'累计' if summed else ''}{figure}），提前{early}年实现。"
    return (f" The {aim_en} was reached in {year} ({'sum ' if summed else ''}{figure}) and held since: "
            f"{early} year{'s' if early > 1 else ''} early.")


def _held_missed(x: "_Row") -> str:
    """:func:`missed_why` of a target its baseline already met (a 保持类 target, ≥98 from 98.5; ≤10 from 9): the plan
    asked for no pace, the figure fell back from it -- ``2020年基期（98.5%）已达到目标，其后回落，较基期下降0.7个百分点。``
    (``基期（98%）与目标值相同`` for a strict bound's own figure), never a pace the plan would have needed."""
    c, zh = x.c, x.lang == "zh"
    by, base, change = c["baseline_year"], x.u("baseline"), x.pu("base_change")
    met = c["base_met"] == "met"
    since = c.get("stalled_since", MISSING)
    flat = _is_zero(c["base_change"])
    up = x.direction == "<="  # missing a ceiling it met is a rise, a floor a fall
    if zh:
        s = f"{by}年基期（{base}）{'已达到目标' if met else '与目标值相同'}，"
        s += "其后持平" if flat else f"其后{'回升' if up else '回落'}，较基期{'上升' if up else '下降'}{change}"
        if since != MISSING and not flat:
            s += f"，{since}年以来持平"
        return s + "。"
    s = f" The base year {by} ({base}) {'already met the target' if met else 'stood at the target figure'}; "
    s += "the figure has not moved since" if flat else f"the figure has since {'risen' if up else 'fallen'} {change}"
    if since != MISSING and not flat:
        s += f", unchanged since {since}"
    return s + "."


def adjusted_said(x: "_Row") -> str:
    """A target adjusted mid-term (the plan's 2025年目标（中期调整）, :func:`~.model.adjusted_original`): judged against the
    adjusted target, the first one said beside it, and once the target year is observed how the figure stands
    against it: ``目标经中期调整（原目标≥117项，调整为≥100项），按调整后目标评价；对照原目标为未达到，完成原目标增量的85%。``"""
    c, zh = x.c, x.lang == "zh"
    if c.get("target_original", MISSING) == MISSING:
        return ""
    signed, figure = c["target_signed"], c["target_value"]
    sign = signed[:-len(figure)] if figure and signed.endswith(figure) else ""
    first = with_unit(sign + c["target_original_value"], x.unit, x.lang)
    now = with_unit(signed, x.unit, x.lang)
    met, share = c.get("original_met", MISSING), c.get("original_share", MISSING)
    closed = x.target_observed and met != MISSING
    if zh:
        s = f"目标经中期调整（原目标{first}，调整为{now}），按调整后目标评价"
        if closed:
            s += f"；对照原目标为{'已达到' if met == 'met' else '未达到'}"
            if met != "met" and share != MISSING:
                word = "" if x.kind == "increment" else "增量" if x.direction == ">=" else "降幅"
                s += f"，完成原目标{word}的{share}"
        return s + "。"
    s = f" The target was adjusted mid-term (first {first}, adjusted to {now}) and is judged against the adjusted one"
    if closed:
        s += f"; against the first target it was {'met' if met == 'met' else 'missed'}"
        if met != "met" and share != MISSING:
            s += f", {share} of the way"
    return s + "."


def _incidents_paragraph(x: "_Row") -> str:
    """The paragraph of a target of no incident at all (零发生) missed in a year of its period (``assess``'s note,
    :data:`_INCIDENTS`), else ``""``: ``目标年2025年为0起，但2023年发生2起，规划期内未实现零发生``, or with years to
    come ``2026年1-10月已发生1起，规划期内未实现零发生`` -- never the target year's 0 read as the verdict, nor a
    forecast's chance of what can no longer happen."""
    note = x.r.get("note")
    m = _INCIDENTS.search(note) if isinstance(note, str) else None
    if m is None or x.r.get("category") == QUALITATIVE:
        return ""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    ty = c["target_year"]
    observed = x.target_observed and x.has("forecast_value")
    if x.lang == "zh":
        head = f"目标年{ty}年为{x.u('forecast_value')}，但" if observed else ""
        return f"{name}：{head}{m.group(4)}，规划期内未实现零发生（零发生按规划期内各年评价）。评价：{cat}。"
    said = _incidents_en(m.group(3))
    head = f"in the target year {ty} the value was {x.u('forecast_value')}, but " if observed else ""
    return (f"{name}: {head}{said}, within the period {m.group(1)}-{m.group(2)}, so the target of none at all "
            f"({x.u('target')}), judged on every year of the period, was missed. Assessment: {cat}.")


def incidents_missed(note, lang: str = "zh") -> str:
    """The incidents that missed a target of none at all (``assess``'s note, :data:`_INCIDENTS`), as the main
    table's 距目标差距 cell says them: ``2023年2起``, ``2026年1-10月1起``; in English ``2 in 2023``; ``""`` for any other
    row."""
    m = _INCIDENTS.search(note) if isinstance(note, str) else None
    if m is None:
        return ""
    if lang == "zh":
        return m.group(4).replace("已发生", "").replace("发生", "")
    return _en_labels(m.group(3).replace(" (part of the year)", ""))


def _incidents_en(said: str) -> str:
    """``2 in 2023, 1 in 2026年1-10月 (part of the year)`` (``assess``'s note) as an English clause:
    ``2 incidents occurred in 2023 and 1 in Jan-Oct 2026 (part of the year)``."""
    parts = [p.strip() for p in re.split(r",\s*(?=[\d.]+ in )", said) if p.strip()]
    out = []
    for i, p in enumerate(parts):
        m = re.match(r"([\d.]+) in (.+)$", p)
        if m is None:
            out.append(_en_labels(p))
            continue
        n, when = m.groups()
        noun = "" if i else (" incident occurred" if n == "1" else " incidents occurred")
        out.append(f"{n}{noun} in {_en_labels(when)}")
    return out[0] if len(out) == 1 else ", ".join(out[:-1]) + " and " + out[-1]


#: a part-year label inside a text (2026年1-10月, 2026年上半年)
_LABEL_IN_TEXT = re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}-\d{1,2}月份?|[上下]半年|前?第?[一二三四1-4]季度|前三季度|部分月份)")


def _en_labels(text: str) -> str:
    """The part-year labels in ``text`` said in English (:func:`~.formatting.part_year_label`)."""
    return _LABEL_IN_TEXT.sub(lambda m: part_year_label(m.group(0), "en"), str(text))


def _part_year_said(x: "_Row") -> str:
    """``2026年1-10月为42.9万户（年内部分月份数据，未作为全年数据使用，不据此评价）。`` for the part-year figures the plan
    gave the row (:attr:`~.model.ReportRow.part_year`)."""
    note = x.r.get("note")
    m = _INCIDENTS.search(note) if isinstance(note, str) else None
    # a part-year incident against 零发生 decides the row (:func:`_incidents_paragraph` said it): not repeated here
    figures = {k: v for k, v in x.part_year.items() if m is None or f"{k}已发生" not in m.group(4)}
    if not figures:
        return ""
    if x.lang == "zh":
        said = "，".join(f"{label}为{with_unit(text, x.unit, 'zh')}" for label, text in figures.items())
        return f"{said}（年内部分月份数据，未作为全年数据使用，不据此评价）。"
    said = "; ".join(f"{part_year_label(label, 'en')}: {with_unit(text, x.unit, 'en')}" for label, text in figures.items())
    return f" Part of the year: {said} (not used as a full-year figure, not judged on)."


#: what ``assess``'s note says of a series moved to another level in one step (:func:`mstarget.assess`,
#: ``level shift: ... (2024年为2023年的13倍（3→40），是否口径变化？请核对)``)
_LEVEL_SHIFT = re.compile(r"level shift: (\d{4}) is (.+?) (\d{4}) \((\S+) -> (\S+)\).*?\((\d{4})年为(\d{4})年的([^（]+)（")
#: ... and of a 〈〉 history read as yearly flows that looks like running totals (数据疑为累计数)
_RUNNING_TOTALS = re.compile(r"values look like running totals \(see warning\): summed as yearly flows they give "
                             r"(\S+), the (\d{4}) value alone is ([^ ]+) \(数据疑为累计数")


def _level_shift_said(x: "_Row") -> str:
    """``2024年为2023年的13倍（3→40件），是否口径变化？请核对。`` for a row whose history moved to another level
    in one step (``assess``'s note), else ``""``."""
    note = x.r.get("note")
    m = _LEVEL_SHIFT.search(note) if isinstance(note, str) else None
    if m is None:
        return ""
    y, times, y0, a, b, _, _, words = m.groups()
    if x.lang == "zh":
        return f"{y}年为{y0}年的{words}（{a}→{with_unit(b, x.unit, 'zh')}），是否口径变化？请核对。"
    return f" {y} is {times} {y0} ({a} → {with_unit(b, x.unit, 'en')}): has the definition changed? Please check."


#: what ``assess``'s note says of a 零发生 target missed in an earlier year of the period
_INCIDENTS = re.compile(r"target of none at all over (\d{4})-(\d{4}) \([^)]*\): (.+?), so the target is missed "
                        r"whatever the years to come bring \(([^()]*?)，规划期内未实现零发生\)")


def _incidents_said(x: "_Row") -> str:
    """``2023年发生2起，规划期内未实现零发生（零发生按规划期内各年评价）。`` for a target of no incident at all missed in
    a year of the period (``assess``'s note: the target year alone may read 0), else ``""``."""
    note = x.r.get("note")
    m = _INCIDENTS.search(note) if isinstance(note, str) else None
    if m is None:
        return ""
    if x.lang == "zh":
        return f"{m.group(4)}，规划期内未实现零发生（零发生按规划期内各年评价）。"
    return (f" Incidents occurred within the period ({m.group(3)}): a target of none at all is judged on every year "
            f"of {m.group(1)}-{m.group(2)}, so it is missed.")


#: what the forecast's note says of a one-year spike (:func:`mstarget.models.pooled.spike_index`)
_SPIKE = re.compile(r"the figure of (\d{4}) is a one-year spike")


def _spike_said(x: "_Row") -> str:
    """``2022年数值明显偏离前后两年，预测按一次性异常值处理（不计入趋势），是否录入错误？请核对。`` for a row whose
    history holds a one-year spike (the forecast's note), else ``""``."""
    note = x.r.get("note")
    m = _SPIKE.search(note) if isinstance(note, str) else None
    if m is None:
        return ""
    kept = "kept in the forecast as reported" in note
    if x.lang == "zh":
        how = "" if kept else "，预测按一次性异常值处理（不计入趋势）"
        return f"{m.group(1)}年数值明显偏离前后两年{how}，是否录入错误？请核对。"
    how = "" if kept else ": the forecast treats it as a one-off (not part of the trend)"
    return f" {m.group(1)} stands far from both neighbouring years{how}. Is it an entry error? Please check."


#: what ``assess``'s note says of a 〈〉 history read as the year-end stock (``stock_base``); group 1 when it was read
#: so from its figures (warned), not declared (口径 存量)
_STOCK_READ = re.compile(r"read as a stock \(year-end levels(, see warning)?\)")


def _stock_said(x: "_Row") -> str:
    """``历史数据为年末存量，新增数按各年末数减2020年末数（1.89万户）计算。`` for a 〈〉 row whose history is the year-end
    stock (the table's 基期值 shows that level, 〔1.89〕), with, where the reading was guessed from the figures, how to
    say they are yearly additions; else ``""``."""
    if not x.has("stock_base"):
        return ""
    note = x.r.get("note")
    m = _STOCK_READ.search(note) if isinstance(note, str) else None
    guessed = m is not None and m.group(1) is not None
    by, level = x.c.get("baseline_year", MISSING), x.u("stock_base")
    if x.lang == "zh":
        since = f"{by}年末数" if by != MISSING else "基期年末数"
        return (f"历史数据为年末存量，新增数按各年末数减{since}（{level}）计算"
                + ("；如各年数据为当年新增数，请在历史数据“口径”列注明“当年”后重新评估。" if guessed else "。"))
    since = f"the {by} level" if by != MISSING else "the base-year level"
    return (f" The history gives year-end levels: the additions are each year's level less {since} ({level})"
            + ("; if the figures are each year's additions, say 当年 in the history's 口径 column and assess again."
               if guessed else "."))


def _running_totals_said(x: "_Row") -> str:
    """``各年数据逐年递增，疑为累计数（按当年新增数相加为13.6亿元，2025年数值本身为5.1亿元），请核对；…`` for a 〈〉 row whose
    yearly figures look like running totals (``assess``'s note), else ``""``."""
    note = x.r.get("note")
    m = _RUNNING_TOTALS.search(note) if isinstance(note, str) else None
    if m is None:
        return ""
    summed, year, last = m.groups()
    by = x.c.get("baseline_year", MISSING)
    since = f"{by}年以来" if by != MISSING else "基期以来"
    if x.lang == "zh":
        return (f"各年数据逐年递增，疑为{since}累计数而非当年新增数（按当年新增数相加为{with_unit(summed, x.unit, 'zh')}，"
                f"{year}年数值本身为{with_unit(last, x.unit, 'zh')}），请核对；如为累计数，请在历史数据“口径”列注明“累计”后重新评估。")
    return (f" The yearly figures never fall and may be running totals, not each year's additions (summed: "
            f"{with_unit(summed, x.unit, 'en')}; the {year} figure alone: {with_unit(last, x.unit, 'en')}): please "
            "check; if they are running totals, say 累计 in the history's 口径 column and assess again.")


#: the category of a row of a report made before the plan period starts (:data:`~.model.NOT_STARTED`)
NOT_STARTED = "not_started"


def _period_zh(x: _Row) -> str:
    by, ty = x.r.get("baseline_year"), x.r.get("target_year")
    return f"规划期（{int(by) + 1}年至{int(ty)}年）" if not is_missing(by) and not is_missing(ty) else "规划期"


def _history_words_zh(x: _Row) -> str:
    if x.history_end is not None and x.history_start is not None and x.history_start < x.history_end:
        return f"{x.history_start}年至{x.history_end}年历史数据"
    return "基期及以前数据"


def _period_state_zh(x: _Row) -> str:
    """``规划期（2026年至2030年）尚未开始``, or in a report dated in the period's first year
    ``规划期（2026年至2030年）已开始，首年（2026年）全年数据尚未发布``."""
    if x.under_way is not None:
        return f"{_period_zh(x)}已开始，首年（{x.under_way}年）全年数据尚未发布"
    return f"{_period_zh(x)}尚未开始"


def _not_started_zh(x: _Row) -> str:
    """A row of a report made before the plan period starts: where it starts from (the base year's value, or for a
    〈〉 row that its additions start after the base year), the period not started (or, in a report dated in the
    period's first year, that year's full-year figures not yet published), and what the trend says."""
    c = x.c
    ty, by = c["target_year"], c["baseline_year"]
    if x.kind == "increment":
        s = f"{c['label']}：{_period_state_zh(x)}，期间新增自{int(x.r['baseline_year']) + 1}年起累计。" \
            if x.has("baseline_year") else f"{c['label']}：{_period_state_zh(x)}。"
        at = f"至{ty}年累计"
    else:
        key = x.base_year_key() if x.has("baseline") or x.has("current") else None
        value = x.u(key) if key and x.has(key) else ""
        pre = f"（{x.pre_word}数）" if value and x.preliminary else ""
        s = (f"{c['label']}：{by}年基期为{value}{pre}，{_period_state_zh(x)}。" if value and x.has("baseline_year")
             else f"{c['label']}：{_period_state_zh(x)}。")
        at = f"{x.average}年年均" if x.average else f"{ty}年为"  # a period average: the period's, not 2030's rate
    if x.has("forecast", "p_meet"):
        s += (f"按{_history_words_zh(x)}的趋势外推，预计{at}{x.u('forecast_value')}（{RANGE_LABEL['zh']}{x.u('range_80')}），"
              f"实现目标（{x.u('target')}）的概率{x.p_is('p_meet')}，仅供参考。")
    return s + f"评价：{c['category']}。"


def _not_started_en(x: _Row) -> str:
    c = x.c
    ty, by = c["target_year"], c["baseline_year"]
    period = f"the plan period ({int(x.r['baseline_year']) + 1}-{ty})" if x.has("baseline_year", "target_year") \
        else "the plan period"
    state = (f"{period} has begun, but the full-year figures of its first year ({x.under_way}) are not yet "
             "published") if x.under_way is not None else f"{period} has not started"
    if x.kind == "increment" or not (x.has("baseline") or x.has("current")):
        s = f"{c['label']}: {state}."
    else:
        s = f"{c['label']}: {x.u(x.base_year_key())} in the base year {by}; {state}."
    if x.has("forecast", "p_meet"):
        at = f"a sum of {x.u('forecast_value')} by {ty}" if x.kind == "increment" else \
            f"a {x.average.replace('—', '-')} average of {x.u('forecast_value')}" if x.average else \
            f"{x.u('forecast_value')} in {ty}"
        s += (f" Extending the trend gives {at} ({RANGE_LABEL['en']} {x.u('range_80')}); the chance of meeting the "
              f"target ({x.u('target')}) is {x.p('p_meet')}, for reference only.")
    return s + f" Assessment: {c['category']}."


#: what the report says of a target not set yet (目标待定), in a row's text and in the overall paragraph
PENDING_WORDS = {"zh": "目标值待定，仅作预测，不作评价", "en": "the target is not set yet: forecast only, not judged"}
#: the same once the target year is observed (a 总结评估): that year's figure is a fact, nothing is forecast
PENDING_OBSERVED_WORDS = {"zh": "目标值待定，不作评价", "en": "the target was not set: not judged"}


def _pending_zh(x: _Row) -> str:
    """A row whose target is not set yet (目标待定: 待定 in a draft): the plan's words, where the indicator stands
    (its latest value, a 〈〉 row's additions since the base year) and the trend's forecast of the target year, to
    help set the target -- no probability, no verdict. Once the target year is observed (a 总结评估) that year's
    figure is said and nothing forecast (目标年2025年实际为4.43万户); when it is past without its figure, that it is
    missing (目标年2025年数据暂缺) before the forecast."""
    c = x.c
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    words = c["target"] if c["target"] not in (MISSING, "待定") else ""
    observed = x.has("last_year", "target_year") and x.target_observed
    first, rest = PENDING_WORDS["zh"].split("，", 1)  # 目标值待定（规划目标栏为“另行确定”），仅作预测，不作评价
    if observed:  # nothing forecast: 目标值待定，不作评价
        rest = PENDING_OBSERVED_WORDS["zh"].split("，", 1)[1]
    s = f"{c['label']}：{first}" + (f"（规划目标栏为“{words}”）" if words else "") + f"，{rest}。"
    if observed:
        return s + _pending_observed_zh(x) + f"评价：{c['category']}。"
    after = x.has("last_year") and (not x.has("baseline_year") or int(ly) > int(by))
    missing = f"目标年{ty}年数据暂缺，" if x.awaited else ""  # a 总结评估 before the target year's figure
    if not x.has("last_year"):
        s += "暂无监测数据。"
    elif x.kind == "increment" and after and x.has("baseline_year") and x.has("current_value"):
        s += f"{missing}{by}年基期以来至{ly}年累计{x.u('current_value')}。"
    elif x.kind != "increment" and after and x.has("current"):
        s += f"{missing}最新为{ly}年{x.u('current')}。"
    elif x.kind != "increment" and x.has("baseline_year") and (x.has("baseline") or x.has("current")):
        s += f"{missing}{by}年基期为{x.u(x.base_year_key())}。"
    elif missing:
        s += missing[:-1] + "。"
    if x.has("forecast_value", "range_80"):
        at = f"至{ty}年累计" if x.kind == "increment" else f"{ty}年为"
        basis = f"{ly}年及以前数据" if after else _history_words_zh(x)  # 2016年至2025年历史数据, as 规划期未开始 rows say
        s += (f"按{basis}的趋势外推，预计{at}{x.u('forecast_value')}（{RANGE_LABEL['zh']}{x.u('range_80')}），"
              "供确定目标值参考。")
    return s + f"评价：{c['category']}。"


def _pending_observed_zh(x: _Row) -> str:
    """The observed target-year figure of a 目标待定 row in a 总结评估: ``目标年2025年实际为4.43万户。``, a 〈〉 row's
    sum since its base year (``2020年基期以来至目标年2025年累计8.97亿元。``)."""
    c = x.c
    ty, by = c["target_year"], c["baseline_year"]
    if x.kind == "increment" and x.has("current_value"):
        since = f"{by}年基期以来" if x.has("baseline_year") else ""
        return f"{since}至目标年{ty}年累计{x.u('current_value')}。"
    key = "forecast_value" if x.has("forecast_value") else "current"  # the target year's value (the latest one)
    return f"目标年{ty}年实际为{x.u(key)}。" if x.has(key) else ""


def _pending_en(x: _Row) -> str:
    """:func:`_pending_zh` in English."""
    c = x.c
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    observed = x.has("last_year", "target_year") and x.target_observed
    s = f"{c['label']}: {PENDING_OBSERVED_WORDS['en'] if observed else PENDING_WORDS['en']}."
    if observed:
        return s + _pending_observed_en(x) + f" Assessment: {c['category']}."
    after = x.has("last_year") and (not x.has("baseline_year") or int(ly) > int(by))
    if x.awaited:  # a 总结评估 before the target year's figure
        s += f" The {ty} value is not yet available."
    if not x.has("last_year"):
        s += " No observation yet."
    elif x.kind == "increment" and after and x.has("baseline_year") and x.has("current_value"):
        s += f" Added since the base year {by}: {x.u('current_value')} by {ly}."
    elif x.kind != "increment" and after and x.has("current"):
        s += f" Latest: {x.u('current')} in {ly}."
    elif x.kind != "increment" and x.has("baseline_year") and (x.has("baseline") or x.has("current")):
        s += f" Base year {by}: {x.u(x.base_year_key())}."
    if x.has("forecast_value", "range_80"):
        at = f"a sum of {x.u('forecast_value')} by {ty}" if x.kind == "increment" else f"{x.u('forecast_value')} in {ty}"
        s += (f" Extending the trend of the data up to {ly} gives {at} ({RANGE_LABEL['en']} {x.u('range_80')}), "
              "for setting the target.")
    return s + f" Assessment: {c['category']}."


def _pending_observed_en(x: _Row) -> str:
    """:func:`_pending_observed_zh` in English."""
    c = x.c
    ty, by = c["target_year"], c["baseline_year"]
    if x.kind == "increment" and x.has("current_value"):
        since = f" from the base year {by}" if x.has("baseline_year") else ""
        return f" The sum{since} to the target year {ty} was {x.u('current_value')}."
    key = "forecast_value" if x.has("forecast_value") else "current"
    return f" In the target year {ty} the value was {x.u(key)}." if x.has(key) else ""


#: how a sentence names the change of a target written as one (:func:`realised_change`): rise, fall
_CHANGE_VERBS = {"percent": ("增长", "下降"), "points": ("提高", "降低"), "times": ("", "")}


def is_rate_row(r: dict) -> bool:
    """Whether a row's figures are a rate of change (增长率, 增速, 涨幅 in %, %/年, 百分点, ‰/年:
    :func:`mstarget.units.percent_kind` / :func:`~mstarget.units.per_mille_kind` ``"change"``), not a level."""
    text = [v if isinstance(v, str) else "" for v in (r.get("unit"), r.get("name"), r.get("indicator"))]
    return percent_kind(*text) == "change" or (per_mille_kind(*text) or ("",))[0] == "change"


def realised_change(r: dict, lang: str, *, closed: bool) -> str:
    """For a target the plan wrote as a change from its baseline (``年均增长6%``, ``下降10%``, ``提高2个百分点``,
    ``翻一番``: :func:`mstarget.plan.target_as_change`), the change the figures achieved, said against the one
    written: ``2021年至2025年实际年均增长5.98%，低于目标的6%。`` -- the target year's value once it is observed
    (``closed``), else the latest after the base year (``2020年基期以来年均增长5.2%（目标为年均增长6%）。``).
    ``""`` for any other target, or without both figures. Enough places to tell it from the written figure
    (5.98, not 6.0 beside 6). ``""`` too for a row whose figures are themselves a rate of change (市场主体增长率 in
    %, 年均增长7%以上: the target is the rate's level, and its own change, 8 -> 7.2, is no 年均下降2.4%)."""
    change = target_as_change(r.get("target_written"))
    if change is None or r.get("kind") == "increment" or is_rate_row(r):
        return ""
    base, by = r.get("baseline"), r.get("baseline_year")
    value, year = (r.get("forecast"), r.get("target_year")) if closed else (r.get("last_value"), r.get("last_year"))
    if any(is_missing(v) for v in (base, by, value, year)) or int(year) <= int(by):
        return ""
    base, value, n = float(base), float(value), int(year) - int(by)
    steps = n if change.yearly else 1
    if change.how == "points":
        done = (value - base) / steps
    elif base <= 0 or value <= 0:
        return ""
    elif change.how == "times":
        done = value / base
    else:
        done = ((value / base) ** (1.0 / steps) - 1.0) * 100.0
    written = abs(change.amount)
    times = change.how == "times"
    places = max(compared_decimals(2 if times else 1, written, abs(done)), 2 if times else 0)
    shown = number_text(abs(done), places).replace(",", "")
    zh = lang == "zh"
    unit = ({"percent": "%", "points": "个百分点", "times": "倍"} if zh else
            {"percent": "%", "points": " percentage points", "times": " times"})[change.how]
    aimed = number_text(written, len(f"{written:g}".partition(".")[2])) + unit
    by, year = int(by), int(year)
    if times:
        cmp = float(shown) - written
        if zh:
            said = f"{year}年为{by}年基期的{shown}倍"
            return (f"{said}，{'高于' if cmp > 0 else '低于' if cmp < 0 else '等于'}目标的{aimed}。" if closed
                    else f"{said}（目标为{aimed}）。")
        said = f"{year} is {shown} times the base year {by}"
        return f" {said}, {'above' if cmp > 0 else 'below' if cmp < 0 else 'equal to'} the {aimed} written." \
            if closed else f" So far {said} (target: {aimed})."
    up, aim_up = done >= 0, change.amount >= 0
    verb, aim_verb = _CHANGE_VERBS[change.how][0 if up else 1], _CHANGE_VERBS[change.how][0 if aim_up else 1]
    yearly = "年均" if change.yearly else ""
    when = ((f"{by + 1}年至{year}年" if n > 1 else f"{year}年") if closed else f"{by}年基期以来至{year}年") \
        if change.yearly else f"{year}年较{by}年基期"
    against = f"{yearly}{aim_verb}{aimed}"
    if zh:
        said = f"{when}{yearly}{verb}{shown}{unit}"
        if not closed or (up != aim_up and float(shown) != 0):  # under way, or moving the other way: said beside it
            return f"{said}（目标为{against}）。"
        size = "增幅" if aim_up else "降幅"
        cmp = float(shown) - written
        return f"{said}，{size}{'高于' if cmp > 0 else '低于' if cmp < 0 else '与'}目标{'的' if cmp else ''}{aimed}" \
               f"{'' if cmp else '持平'}。"
    span = f"{by + 1}-{year}" if change.yearly and closed else f"{by}-{year}"
    said = f"{'average yearly ' if change.yearly else ''}{'rise' if up else 'fall'} of {shown}{unit} ({span})"
    target_en = f"{'yearly ' if change.yearly else ''}{'rise' if aim_up else 'fall'} of {aimed}"
    if not closed or (up != aim_up and float(shown) != 0):
        return f" {'So far' if not closed else 'Actual'}: {said} (target: {target_en})."
    cmp = float(shown) - written
    return f" Actual {said}, {'above' if cmp > 0 else 'below' if cmp < 0 else 'equal to'} the {aimed} written."


def _by_probability(x: _Row, text: str) -> str:
    """The paragraph of a target without a progress share, its assessment saying that it follows
    ``p_meet`` alone (the rule :func:`method_notes` states): ``按实现概率评价：滞后``. A level's
    sentence has already said that progress cannot be computed."""
    marker = ASSESSMENT_MARKER[x.lang]
    at = text.rfind(marker)
    if at < 0:
        return text
    said = x.kind != "increment"
    if x.lang == "zh":
        basis = "按实现概率评价：" if said else "目标进度无法计算，按实现概率评价："
    else:
        basis = " Assessment (by the probability): " if said else \
            " Progress cannot be computed; assessment by the probability: "
    return text[:at] + basis + text[at + len(marker):]


def _before_assessment(text: str, said: str, lang: str) -> str:
    """``said`` inserted before the paragraph's closing assessment (评价：…)."""
    marker = ASSESSMENT_MARKER[lang]
    at = text.rfind(marker)  # every paragraph ends with its assessment (评价)
    return text[:at] + said + text[at:] if at >= 0 else text + said


def _striven_met(x: _Row) -> bool | None:
    """Whether the target year's value reaches the striven-for figure (None without one)."""
    aim, value = x.r.get("target_striven"), x.r.get("forecast")
    if not x.striven or is_missing(aim) or is_missing(value):
        return None
    return float(value) <= float(aim) if x.direction == "<=" else float(value) >= float(aim)


#: what may follow a target's figure without its unit between: ``0.15以下`` reads ``0.15人/万台以下``
_AFTER_FIGURE = ("", "以上", "以下", "以内", "(", "（")


def written_with_unit(written: str, unit) -> str:
    """A target as the plan wrote it with the row's unit after its figure where the words leave it out
    (``低于0.15`` -> ``低于0.15人/万台``, ``0.15以下`` -> ``0.15人/万台以下``); words that write a unit
    (``保持在98%以上``, ``≥15万户``) or no figure (``不发生``) as they are."""
    text = written.strip()
    found = list(re.finditer(r"[0-9]+(?:\.[0-9]+)?", text))
    if not found or not isinstance(unit, str) or not unit.strip():
        return text
    end = found[-1].end()
    rest = text[end:]
    if not any(rest.startswith(a) for a in _AFTER_FIGURE if a) and rest != "":
        return text  # a unit or words after the figure already
    return with_unit(text[:end], unit.strip(), "zh") + rest


def _qualitative_words(x: _Row) -> str:
    """A qualitative target's words as the plan wrote them (建成), ``–`` without any."""
    written = x.r.get("target_written")
    return written.strip() if isinstance(written, str) and written.strip() else MISSING


def _met_zh(x: _Row, met: str, target: str) -> str:
    """达到目标（≥75家）, or for a two-tier target 达到预期目标（≥2.50件/万人），未达到力争目标（3件/万人）."""
    aimed = _striven_met(x)
    if aimed is None:
        return f"{met}目标（{target}）"
    aim = x.u("target_striven")
    firm = met == "已达到"
    if firm == aimed:
        return f"{'达到' if firm else '未达到'}预期目标（{target}）和力争目标（{aim}）"
    return f"{'达到' if firm else '未达到'}预期目标（{target}），{'达到' if aimed else '未达到'}力争目标（{aim}）"


def _met_en(x: _Row, met: str, target: str) -> str:
    """the target (≥75) was met, or for a two-tier target which of the two was."""
    aimed = _striven_met(x)
    if aimed is None:
        return f"the target ({target}) was {met}"
    aim = x.u("target_striven")
    return f"the target ({target}) was {met} and the striven-for one ({aim}) {'met' if aimed else 'missed'}"


def _zh(x: _Row) -> str:
    """The row's paragraph in Chinese: by what is known of it -- a qualitative target, no data, a figure awaited,
    too little data (:func:`_zh_insufficient`), a period average, the target year observed
    (:func:`_zh_observed`), a 〈〉 sum still open (:func:`_zh_increment`), a level still open (:func:`_zh_level`)."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target = x.u("target")
    ty = c["target_year"]
    if x.r.get("category") == QUALITATIVE:  # 建成: no figure to judge
        return f"{name}：定性指标（目标：{ty}年{_qualitative_words(x)}），不作量化评估，另行评价。"
    if x.r.get("status") == "no_data" or not x.has("last_year"):
        return f"{name}：暂无监测数据，无法评估进展（目标：{ty}年{target}）。评价：{cat}。"
    if x.awaited and x.r.get("category") != "insufficient_data":
        return _zh_awaited(x)
    if x.r.get("category") == "insufficient_data":
        return _zh_insufficient(x)
    if x.average:
        return _average_zh(x)
    if x.target_observed:
        return _zh_observed(x)
    if x.kind == "increment":
        return _zh_increment(x)
    return _zh_level(x)


def _zh_insufficient(x: _Row) -> str:
    """数据不足: too little data after the base year to judge progress."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target = x.u("target")
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    if x.history_end is not None:
        return _zh_history_before_base(x)
    if x.has("baseline_year") and int(ly) > int(by):  # data after the base year, too incomplete to judge
        return _zh_incomplete(x)
    if x.kind == "increment" or not x.has("current"):
        s = f"{name}：尚无{by}年基期以后的监测数据，无法判断进度。"
    elif x.has("baseline_year") and ly == by:  # the plan's baseline is no monitoring datum
        s = f"{name}：暂无基期以后监测数据（基期{by}年为{x.u(x.base_year_key())}），无法判断进度。"
    elif x.has("baseline_year"):
        s = f"{name}：仅有{ly}年数据（{x.u('current')}），尚无{by}年基期以后的监测数据，无法判断进度。"
    else:
        s = f"{name}：仅有{ly}年数据（{x.u('current')}），不足以判断进度。"
    if x.has("p_meet"):
        s += f"按缺少进度数据时的宽泛估计，{ty}年实现目标（{target}）的概率{x.p_is('p_meet')}，仅供参考。"
    elif s.startswith(f"{name}：仅有"):  # one figure, no trend: the target said, and why no chance is given
        s += f"仅一个数据，暂不测算{ty}年实现目标（{target}）的概率。"
    return s + f"评价：{cat}。"


def _zh_observed(x: _Row) -> str:
    """The target year observed: met or missed, as the reported figures say."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target = x.u("target")
    ty, by = c["target_year"], c["baseline_year"]
    met = "已达到" if x.r.get("status") == "met" else "未达到"
    close = _pre_close_zh(x)
    if x.gap and x.has("current_value"):  # the reported figures alone decide it: those are said, not the estimate
        what = "数据" if x.kind == "increment" else "新增数"
        head = (f"{by}年基期以来至目标年{ty}年，已报送年份累计完成" if x.kind == "increment"
                else f"目标年{ty}年按已报送新增数计为")
        return (f"{name}：{head}{x.u('current_value')}（缺{_years_zh(x.gap)}{what}，未计入）{_pre_zh(x, True)}，"
                f"{_met_zh(x, met, target)}。{close}评价：{cat}。")
    if x.kind == "increment":
        return (f"{name}：{by}年基期以来至目标年{ty}年累计完成{x.u('forecast_value')}{_pre_zh(x, True)}，"
                f"{_met_zh(x, met, target)}。{close}评价：{cat}。")
    seen = "按前后年份插值估计为" if x.interpolated else f"{x.pre_word}数为" if x.preliminary else "实际为"
    return f"{name}：目标年{ty}年{seen}{x.u('forecast_value')}，{_met_zh(x, met, target)}。{close}评价：{cat}。"


def _zh_increment(x: _Row) -> str:
    """A 〈〉 sum still open: the sum so far, progress, the forecast sum and its chance, the paces."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target = x.u("target")
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    rng = f"{RANGE_LABEL['zh']}{x.u('range_80')}"
    s = f"{name}：{by}年基期以来至{ly}年累计完成{x.u('current_value')}{_pre_zh(x, True)}"
    if x.r.get("category") == "achieved":
        return s + f"，已达到目标（{target}）。评价：{cat}。"
    if x.direction == ">=":
        if x.has("progress_share"):
            s += f"，占目标（{target}）的{c['progress_share']}" + x.schedule_words()
        else:
            s += f"，目标为{target}"
        s += f"，尚余{x.u('remaining')}。"
    else:
        s += f"，目标为累计{target}" + (f"，已超出{x.u('remaining')}" if not _is_zero(c["remaining"]) else "") + "。"
    s += f"{_basis_zh(x)}至{ty}年累计{x.u('forecast_value')}（{rng}），实现目标的概率{x.p_is('p_meet')}{_reference_zh(x)}。"
    pace = []
    if x.has("required_pace"):
        if x.direction == ">=":
            pace.append(f"尚需年均完成{x.pu('required_abs')}")
        elif x.r["required_pace"] >= 0:
            pace.append(f"此后年均不超过{x.pu('required_abs')}方可达标")
    if x.has("observed_pace"):
        pace.append(f"已观测年份年均{x.pu('observed_abs')}")
    if pace:
        s += "，".join(pace) + "。"
    return s + f"评价：{cat}。"


def _zh_level(x: _Row) -> str:
    """A level (or stock) still open: the latest figure, progress from the base year, the forecast and its chance,
    the paces."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target = x.u("target")
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    rng = f"{RANGE_LABEL['zh']}{x.u('range_80')}"
    seen = f"{x.pre_word}数为" if x.preliminary else "为"
    s = f"{name}：{ly}年{seen}{x.u('current')}"
    if x.r.get("category") == "achieved":
        s += f"，已达到目标（{target}）。"
        if x.has("forecast", "p_meet"):
            s += f"{_basis_zh(x)}{ty}年为{x.u('forecast_value')}（{rng}），届时达标的概率{x.p_is('p_meet')}{_reference_zh(x)}。"
        return s + f"评价：{cat}。"
    if x.has("progress_share"):
        word = "增量" if x.direction == ">=" else "降幅"
        value = f"（{x.u('baseline')}）" if x.has("baseline") else ""
        base = f"较{by}年基期{value}" if x.has("baseline_year") else f"较基期{value}"
        if percent_int(x.r["progress_share"]) < 0:  # moving away from the target: said plainly
            change = x.change_from_baseline()
            s += f"，{base}{'不升反降' if x.direction == '>=' else '不降反升'}"
            if change is not None:
                fell = x.direction == ">="
                counted = isinstance(x.unit, str) and x.unit not in ("", "%")  # 减少9张; a rate 下降0.5个百分点
                verb = ("减少" if fell else "增加") if counted else ("下降" if fell else "上升")
                s += f"，{verb}{change}"
            if x.has("time_share"):
                s += f"（时间进度{c['time_share']}）"
        else:
            s += f"，{base}完成目标{word}的{c['progress_share']}" + x.schedule_words()
    elif not x.has("baseline"):
        s += "（规划未给出基期值，无法计算目标进度）"
    else:
        s += f"，基期值（{x.u('baseline')}）已处于目标一侧，不计算目标进度"
    s += "。"
    s += (f"{_basis_zh(x)}{ty}年为{x.u('forecast_value')}（{rng}），实现目标（{target}）的概率{x.p_is('p_meet')}"
          f"{_reference_zh(x)}。")
    pace = []
    if x.has("required_pace") and not _is_zero(c["required_abs"]):
        pace.append(f"尚需年均{_word_zh(x.r['required_pace'], x.unit)}{x.pu('required_abs')}")
    if x.has("observed_pace"):
        if _is_zero(c["observed_abs"]):
            pace.append("已观测期间持平")
        else:
            pace.append(f"已观测期间年均{_word_zh(x.r['observed_pace'], x.unit)}{x.pu('observed_abs')}")
    if pace:
        s += "，".join(pace) + "。"
    return s + f"评价：{cat}。"


def _average_zh(x: _Row) -> str:
    """A growth rate's target on the period average (年均增长 ≥7): the average of the years reported, what the
    years to come must average, and the forecast of the period's average (:func:`mstarget.assess.period_average`)."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target, ly = x.u("target"), c["last_year"]
    head = f"{name}：目标按{x.average}年年均计算"
    year = f"（{ly}年当年为{x.latest_said()}）" if x.has("latest") else ""
    if x.target_observed:
        met = "已达到" if x.r.get("status") == "met" else "未达到"
        return (f"{head}，{x.average}年年均{x.u('forecast_value')}{year}{_pre_zh(x, True)}，{_met_zh(x, met, target)}。"
                f"{_pre_close_zh(x)}评价：{cat}。")
    s = f"{head}，{x.reported_span()}年已实现年均{x.u('current_value')}{year}{_pre_zh(x, True)}"
    if x.has("progress_share", "time_share"):
        s += f"，累计增长完成目标所需的{c['progress_share']}" + x.schedule_words()
    s += (f"。{_basis_zh(x)}{x.average}年年均{x.u('forecast_value')}（{RANGE_LABEL['zh']}{x.u('range_80')}），"
          f"实现目标（{target}）的概率{x.p_is('p_meet')}{_reference_zh(x)}。")
    if x.has("required_pace"):
        s += (f"剩余年份需年均增长{x.rate('required_pace')}方可达标。" if x.direction == ">=" else
              f"剩余年份年均不超过{x.rate('required_pace')}方可达标。")
    return s + f"评价：{cat}。"


def _average_en(x: _Row) -> str:
    """:func:`_average_zh` in English."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target, ly = x.u("target"), c["last_year"]
    span = x.average.replace("—", "-")
    year = f" ({ly} alone: {x.u('latest')})" if x.has("latest") else ""
    if x.target_observed:
        met = "met" if x.r.get("status") == "met" else "missed"
        return (f"{name}: the target is the average over {span}; the {span} average was {x.u('forecast_value')}"
                f"{year}, so {_met_en(x, met, target)}.{_pre_close_en(x)} Assessment: {cat}.")
    s = (f"{name}: the target is the average over {span}; {x.reported_span().replace('—', '-').replace('、', ', ')} "
         f"averaged {x.u('current_value')}{year}")
    if x.has("progress_share", "time_share"):
        s += f", {c['progress_share']} of the growth the target needs" + x.schedule_words()
    s += (f".{_basis_en(x)} the {span} average is {x.u('forecast_value')} ({RANGE_LABEL['en']} {x.u('range_80')}); "
          f"the chance of meeting the target ({target}) is {x.p('p_meet')}{_reference_en(x)}.")
    if x.has("required_pace"):
        s += (f" The remaining years need {x.rate('required_pace')} a year on average." if x.direction == ">=" else
              f" The remaining years may average at most {x.rate('required_pace')}.")
    return s + f" Assessment: {cat}."


def _zh_awaited(x: _Row) -> str:
    """The target year past, its value not yet observed: said so, with the latest value, and the
    forecast called a forecast."""
    c = x.c
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    if x.average:  # a period average: the reported years' average, the forecast the period's (not ty's rate)
        year = f"（{ly}年当年为{x.latest_said()}）" if x.has("latest") else ""
        s = (f"{c['label']}：目标按{x.average}年年均计算，目标年{ty}年数据暂缺，{x.reported_span()}年已实现年均"
             f"{x.u('current_value')}{year}{_pre_zh(x, True)}。")
    elif x.kind == "increment":
        s = f"{c['label']}：目标年{ty}年数据暂缺，{by}年基期以来至{ly}年累计完成{x.u('current_value')}{_pre_zh(x, True)}。"
    else:
        s = (f"{c['label']}：目标年{ty}年数据暂缺，最新为{ly}年{x.u('current')}"
             f"{'（' + x.pre_word + '数）' if x.preliminary else ''}。")
    if x.has("forecast", "p_meet"):
        at = f"至{ty}年累计" if x.kind == "increment" else f"{x.average}年年均" if x.average else f"{ty}年为"
        s += (f"{_departure_zh(x).rstrip('：') + '。' if x.departure is not None else ''}按{ly}年及以前的数据预测，{at}{x.u('forecast_value')}（{RANGE_LABEL['zh']}{x.u('range_80')}），"
              f"实现目标（{x.u('target')}）的概率{x.p_is('p_meet')}；此为预测，待{ty}年实际数据公布后确认。")
    return s + f"评价：{c['category']}。"


def _en_awaited(x: _Row) -> str:
    """The target year past, its value not yet observed: said so, with the latest value, and the
    forecast called a forecast."""
    c = x.c
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    if x.average:
        span = x.average.replace("—", "-")
        year = f" ({ly} alone: {x.u('latest')})" if x.has("latest") else ""
        s = (f"{c['label']}: the target is the average over {span}; the {ty} value is not yet available; "
             f"{x.reported_span().replace('—', '-').replace('、', ', ')} averaged {x.u('current_value')}{year}.")
    elif x.kind == "increment":
        s = (f"{c['label']}: the {ty} value is not yet available; the sum since the base year {by} was "
             f"{x.u('current_value')} by {ly}.")
    else:
        s = f"{c['label']}: the {ty} value is not yet available; the latest is {x.u('current')} in {ly}."
    if x.has("forecast", "p_meet"):
        at = f"a sum of {x.u('forecast_value')} by {ty}" if x.kind == "increment" else \
            f"a {x.average.replace('—', '-')} average of {x.u('forecast_value')}" if x.average else \
            f"{x.u('forecast_value')} in {ty}"
        s += (f"{_departure_en(x).rstrip(':') + '.' if x.departure is not None else ''} Forecast from the data up to {ly}: {at} ({RANGE_LABEL['en']} {x.u('range_80')}); the chance of "
              f"meeting the target ({x.u('target')}) is {x.p('p_meet')}. This is a forecast, to be confirmed "
              f"when the {ty} figure is published.")
    return s + f" Assessment: {c['category']}."


def _zh_incomplete(x: _Row) -> str:
    """Data after the base year that ``assess`` still cannot judge (a 〈〉 sum missing a year's flow): the
    years it has and lacks, what the reported years add up to, and the probability for reference only."""
    c = x.c
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    missing = x.missing_years or x.gap
    gap = f"，缺{_years_zh(missing)}数据" if missing else "，但数据不全"
    s = f"{c['label']}：{by}年基期以后有截至{ly}年的监测数据{gap}"
    if x.kind == "increment" and x.has("current_value"):
        s += f"，已报送年份累计{x.u('current_value')}{_pre_zh(x, True)}"
    elif x.average and x.has("current_value"):  # a period average: the reported years' average
        s += f"，目标按{x.average}年年均计算，已报送年份（{x.reported_span()}年）年均{x.u('current_value')}"
    elif x.gap and x.has("current_value"):  # a stock from yearly additions: what the reported ones add up to
        s += f"，按已报送新增数计{ly}年为{x.u('current_value')}{_pre_zh(x, True)}"
    s += "，无法判定是否完成。" if int(ly) >= int(ty) else "，无法判断进度。"
    if x.has("p_meet"):
        when = f"按{x.average}年年均计" if x.average else f"{ty}年"
        s += f"缺失年份按估计值计，{when}实现目标（{x.u('target')}）的概率{x.p_is('p_meet')}，仅供参考。"
    return s + f"评价：{c['category']}。"


def _en_incomplete(x: _Row) -> str:
    """Data after the base year that ``assess`` still cannot judge: said so (see :func:`_zh_incomplete`)."""
    c = x.c
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    missing = x.missing_years or x.gap
    gap = (f", but {', '.join(str(y) for y in missing)} {'is' if len(missing) == 1 else 'are'} "
           "missing") if missing else ", but they are incomplete"
    s = f"{c['label']}: data after the base year {by} run to {ly}{gap}"
    if x.average and x.has("current_value"):  # a period average: the reported years' average
        s += (f"; the target is the average over {x.average.replace('—', '-')}, and the years reported "
              f"({x.reported_span().replace('—', '-').replace('、', ', ')}) averaged {x.u('current_value')}")
    elif (x.kind == "increment" or x.gap) and x.has("current_value"):
        s += f"; the years reported add up to {x.u('current_value')}"
    s += (", so whether the target was met cannot be judged." if int(ly) >= int(ty) else
          ", so progress cannot be judged.")
    if x.has("p_meet"):
        when = f"as the {x.average.replace('—', '-')} average" if x.average else f"in {ty}"
        s += (f" Counting estimates for the missing years, the chance of meeting the target ({x.u('target')} "
              f"{when}) is {x.p('p_meet')}, for reference only.")
    return s + f" Assessment: {c['category']}."


def _zh_history_before_base(x: _Row) -> str:
    """A history ending before the baseline year, or in it: said so (历史数据截至2024年，早于2025年基期 /
    历史数据为2016年至2025年，截至2025年基期), and the forecast that extends it."""
    c = x.c
    base = f"（{x.u('baseline')}）" if x.has("baseline") else ""
    if x.history_end < int(x.r["baseline_year"]):
        said = f"历史数据截至{x.history_end}年，早于{c['baseline_year']}年基期{base}"
    else:  # up to the base year itself: a history, not the baseline alone
        said = f"历史数据为{x.history_start}年至{x.history_end}年，截至{c['baseline_year']}年基期{base}"
    unpublished = f"（{x.under_way}年全年数据尚未发布）" if x.under_way is not None else ""
    s = f"{c['label']}：{said}，基期以后尚无监测数据{unpublished}，无法判断进度。"
    if x.has("forecast", "p_meet"):
        at = f"{x.average}年年均" if x.average else f"{c['target_year']}年为"
        s += (f"按历史数据的趋势外推，预计{at}{x.u('forecast_value')}（{RANGE_LABEL['zh']}"
              f"{x.u('range_80')}），实现目标（{x.u('target')}）的概率{x.p_is('p_meet')}，仅供参考。")
    return s + f"评价：{c['category']}。"


def _en_history_before_base(x: _Row) -> str:
    """A history ending before the baseline year, or in it: said so, and the forecast that extends it."""
    c = x.c
    base = f" ({x.u('baseline')})" if x.has("baseline") else ""
    if x.history_end < int(x.r["baseline_year"]):
        said = f"the history ends in {x.history_end}, before the base year {c['baseline_year']}{base}"
    else:
        said = f"the history runs from {x.history_start} to the base year {c['baseline_year']}{base}"
    s = f"{c['label']}: {said}; nothing is observed after the base year, so progress cannot be judged."
    if x.has("forecast", "p_meet"):
        at = f"a {x.average.replace('—', '-')} average of {x.u('forecast_value')}" if x.average else \
            f"{x.u('forecast_value')} in {c['target_year']}"
        s += (f" Extending the history's trend gives {at} ({RANGE_LABEL['en']} "
              f"{x.u('range_80')}); the chance of meeting the target ({x.u('target')}) is {x.p('p_meet')}, "
              "for reference only.")
    return s + f" Assessment: {c['category']}."


def _en(x: _Row) -> str:
    """The row's paragraph in English: by what is known of it -- a qualitative target, no data, a figure awaited,
    too little data (:func:`_en_insufficient`), a period average, the target year observed
    (:func:`_en_observed`), a 〈〉 sum still open (:func:`_en_increment`), a level still open (:func:`_en_level`)."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target = x.u("target")
    ty = c["target_year"]
    if x.r.get("category") == QUALITATIVE:  # 建成: no figure to judge
        return f"{name}: a qualitative target ({_qualitative_words(x)} by {ty}), not assessed by figures: {cat}."
    if x.r.get("status") == "no_data" or not x.has("last_year"):
        return f"{name}: no observation yet, progress cannot be assessed (target: {target} in {ty}). Assessment: {cat}."
    if x.awaited and x.r.get("category") != "insufficient_data":
        return _en_awaited(x)
    if x.r.get("category") == "insufficient_data":
        return _en_insufficient(x)
    if x.average:
        return _average_en(x)
    if x.target_observed:
        return _en_observed(x)
    if x.kind == "increment":
        return _en_increment(x)
    return _en_level(x)


def _en_insufficient(x: _Row) -> str:
    """数据不足: too little data after the base year to judge progress."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target = x.u("target")
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    if x.history_end is not None:
        return _en_history_before_base(x)
    if x.has("baseline_year") and int(ly) > int(by):
        return _en_incomplete(x)
    if x.kind == "increment" or not x.has("current"):
        s = f"{name}: no observation after the base year {by} yet, so progress cannot be judged."
    elif x.has("baseline_year") and ly == by:
        s = (f"{name}: no monitoring data after the base year yet (base year {by}: {x.u(x.base_year_key())}), "
             "so progress cannot be judged.")
    elif x.has("baseline_year"):
        s = (f"{name}: only {ly} is observed ({x.u('current')}), nothing after the base year {by}, "
             f"so progress cannot be judged.")
    else:
        s = f"{name}: only {ly} is observed ({x.u('current')}), too little to judge progress."
    if x.has("p_meet"):
        s += (f" A broad estimate without progress data puts the chance of meeting the target "
              f"({target} in {ty}) at {x.p('p_meet')}, for reference only.")
    elif s.startswith(f"{name}: only "):  # one figure, no trend: the target said, and why no chance is given
        s += f" With a single figure, the chance of meeting the target ({target} in {ty}) is not estimated."
    return s + f" Assessment: {cat}."


def _en_observed(x: _Row) -> str:
    """The target year observed: met or missed, as the reported figures say."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target = x.u("target")
    ty, by = c["target_year"], c["baseline_year"]
    met = "met" if x.r.get("status") == "met" else "missed"
    close = _pre_close_en(x)
    pre = " (preliminary)" if x.preliminary else ""
    if x.gap and x.has("current_value"):
        years = ", ".join(str(y) for y in x.gap)
        what = ("the years reported from the base year " + f"{by} to the target year {ty} add up to"
                if x.kind == "increment" else f"in the target year {ty} the stock from the additions reported is")
        return (f"{name}: {what} {x.u('current_value')}{pre} ({years} not reported, not counted), so "
                f"{_met_en(x, met, target)}.{close} Assessment: {cat}.")
    if x.kind == "increment":
        return (f"{name}: the sum from the base year {by} to the target year {ty} is "
                f"{x.u('forecast_value')}{pre}, so {_met_en(x, met, target)}.{close} Assessment: {cat}.")
    if x.preliminary and not x.interpolated:
        return (f"{name}: the preliminary figure for the target year {ty} was {x.u('forecast_value')}, so "
                f"{_met_en(x, met, target)}.{close} Assessment: {cat}.")
    seen = "was (interpolated between observations)" if x.interpolated else "was"
    return (f"{name}: in the target year {ty} the value {seen} {x.u('forecast_value')}, so "
            f"{_met_en(x, met, target)}.{close} Assessment: {cat}.")


def _en_increment(x: _Row) -> str:
    """A 〈〉 sum still open: the sum so far, progress, the forecast sum and its chance, the paces."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target = x.u("target")
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    rng = f"{RANGE_LABEL['en']} {x.u('range_80')}"
    s = f"{name}: {x.u('current_value')} added from the base year {by} to {ly}"
    if x.r.get("category") == "achieved":
        return s + f", already meeting the target ({target}). Assessment: {cat}."
    if x.direction == ">=":
        if x.has("progress_share"):
            s += f", {c['progress_share']} of the target ({target})" + x.schedule_words()
        else:
            s += f"; the target is {target}"
        s += f"; {x.u('remaining')} still to go."
    else:
        s += f"; the target is a sum {target}" + \
             (f", already exceeded by {x.u('remaining')}" if not _is_zero(c["remaining"]) else "") + "."
    s += (f"{_basis_en(x)} the sum reaches {x.u('forecast_value')} by {ty} ({rng}); the "
          f"chance of meeting the target is {x.p('p_meet')}{_reference_en(x)}.")
    pace = []
    if x.has("required_pace"):
        if x.direction == ">=":
            pace.append(f"{x.pu('required_abs')} a year is still needed")
        elif x.r["required_pace"] >= 0:
            pace.append(f"at most {x.pu('required_abs')} a year keeps it within the target")
    if x.has("observed_pace"):
        pace.append(f"{x.pu('observed_abs')} a year has been observed")
    if pace:
        text = "; ".join(pace)
        s += " " + text[0].upper() + text[1:] + "."
    return s + f" Assessment: {cat}."


def _en_level(x: _Row) -> str:
    """A level (or stock) still open: the latest figure, progress from the base year, the forecast and its chance,
    the paces."""
    c, name, cat = x.c, x.c["label"], x.c["category"]
    target = x.u("target")
    ty, ly, by = c["target_year"], c["last_year"], c["baseline_year"]
    rng = f"{RANGE_LABEL['en']} {x.u('range_80')}"
    s = f"{name}: {x.u('current')} in {ly}"
    if x.r.get("category") == "achieved":
        s += f", already meeting the target ({target})."
        if x.has("forecast", "p_meet"):
            s += (f"{_basis_en(x)} {x.u('forecast_value')} in {ty} ({rng}); the chance of still "
                  f"meeting it then is {x.p('p_meet')}{_reference_en(x)}.")
        return s + f" Assessment: {cat}."
    if x.has("progress_share"):
        value = f" ({x.u('baseline')})" if x.has("baseline") else ""
        base = f"the base year {by}{value}" if x.has("baseline_year") else f"the baseline{value}"
        if percent_int(x.r["progress_share"]) < 0:  # moving away from the target: said plainly
            change = x.change_from_baseline()
            fell = x.direction == ">="
            s += f", {'down' if fell else 'up'} from {base} instead of {'up' if fell else 'down'}"
            if change is not None:
                s += f" by {change}"
            if x.has("time_share"):
                s += f" (time elapsed {c['time_share']})"
        else:
            s += f", {c['progress_share']} of the way from {base} to the target" + x.schedule_words()
    elif not x.has("baseline"):
        s += " (the plan gives no baseline, so progress cannot be computed)"
    else:
        s += f"; the baseline ({x.u('baseline')}) is already on the target's side, so progress is not computed"
    s += "."
    s += (f"{_basis_en(x)} {x.u('forecast_value')} in {ty} ({rng}); the chance of meeting the "
          f"target ({target}) is {x.p('p_meet')}{_reference_en(x)}.")
    pace = []
    if x.has("required_pace") and not _is_zero(c["required_abs"]):
        pace.append(f"{_word_en(x.r['required_pace'])} {x.pu('required_abs')} a year is still needed")
    if x.has("observed_pace"):
        if _is_zero(c["observed_abs"]):
            pace.append("the observed values were level")
        else:
            pace.append(f"the observed change was {_word_en(x.r['observed_pace'])} {x.pu('observed_abs')} a year")
    if pace:
        text = "; ".join(pace)
        s += " " + text[0].upper() + text[1:] + "."
    return s + f" Assessment: {cat}."


# --------------------------------------------------------------------------------------------
# the whole report
# --------------------------------------------------------------------------------------------

def _low_chance(row) -> bool:
    """``p_meet`` shows below 50 % (decided on the rounded figure the table shows)."""
    p = row.raw.get("p_meet")
    pct = percent_int(p)
    return pct is not None and pct < 50


def needs_attention(row) -> bool:
    """Not achieved (未完成) once the target year is observed; under way, assessed (not 数据不足) and
    either behind schedule or with a shown probability below 50 %."""
    if _closed(row):
        return row.category == "not_completed"
    return row.category != "insufficient_data" and (row.category == "behind" or _low_chance(row))


def drifting(row) -> bool:
    """Met already (提前实现, the latest figure on the target's side) but shown below a 50 % chance of still meeting
    the target in its target year: at risk of slipping back -- the table's 已达到，仍需巩固, never said 提前实现 alone
    beside its low probability."""
    return not _closed(row) and row.category == "achieved" and _low_chance(row)


def _data_after_base(row) -> bool:
    """Something is observed after the row's base year."""
    ly, by = row.raw.get("last_year"), row.raw.get("baseline_year")
    return not is_missing(ly) and (is_missing(by) or int(ly) > int(by))


def _awaited(row) -> bool:
    """The row's target year is past but its value not yet observed."""
    return bool(getattr(row, "awaited", False))


def _closed(row) -> bool:
    """The row's target year is observed: it reads 已完成 / 未完成, not a mid-term category."""
    return row.category in ("completed", "not_completed")


def _state_said(r) -> str:
    """What a target needing attention is called beside its probability: its 评价 (滞后), or for one met already but
    drifting back (:func:`drifting`) the table's 预计完成情况 (已达到，仍需巩固), never 提前实现 beside 11 %."""
    outlook = r.cells.get("outlook")
    if drifting(r) and outlook is not None and outlook.text != MISSING:
        return outlook.text
    return r.cells['category'].text


def _attention_zh(r) -> str:
    if _closed(r):
        return prose_name(r, r.name_with(r.cells['category'].text, spoken=True))
    if drifting(r):  # 药品抽检不合格率（已达到，仍需巩固；实现概率11%）
        return prose_name(r, r.name_with(f"{_state_said(r)}；实现概率{probability_words(r.cells['p_meet'].text, 'zh')}",
                                         spoken=True))
    if flagged(r.raw.get("missed_already")):  # 零发生 broken already: 重大食品安全事故（已无法实现，滞后）, no probability
        return prose_name(r, r.name_with(f"已无法实现，{r.cells['category'].text}", spoken=True))
    return prose_name(r, r.name_with(f"实现概率{probability_words(r.cells['p_meet'].text, 'zh')}，"
                                     f"{r.cells['category'].text}", spoken=True))


def _attention_en(r) -> str:
    if _closed(r):
        return r.name_with(r.cells['category'].text, spoken=True)
    if flagged(r.raw.get("missed_already")):  # 零发生 broken already
        return r.name_with(f"already missed, {_state_said(r)}", spoken=True)
    return r.name_with(f"P {probability_words(r.cells['p_meet'].text, 'en')}, {_state_said(r)}", spoken=True)


def _awaited_zh(insufficient: int, awaited: int, guessed: int = 0) -> str:
    """What a count of 数据不足 adds about those awaiting their target year's value (（目标年数据暂缺）) and those
    whose target-year value was never reported, only interpolated between the years around it (``guessed``:
    （其中3项目标年数值未报送、仅按前后年份插值估计）)."""
    if awaited and awaited == insufficient:
        return "（目标年数据暂缺）"
    if guessed and guessed == insufficient:
        return "（目标年数值均未报送、仅按前后年份插值估计）"
    said = ([f"{awaited}项目标年数据暂缺"] if awaited else []) + \
        ([f"{guessed}项目标年数值未报送、仅按前后年份插值估计"] if guessed else [])
    return f"（其中{'，'.join(said)}）" if said else ""


def _awaited_en(insufficient: int, awaited: int, guessed: int = 0) -> str:
    if awaited and awaited == insufficient:
        return " (the target-year value not yet available)"
    if guessed and guessed == insufficient:
        return " (the target-year value not reported, only interpolated between the years around it)"
    said = ([f"{awaited} awaiting the target-year value"] if awaited else []) + \
        ([f"{guessed} with the target-year value not reported, only interpolated between the years around it"]
         if guessed else [])
    if not said:
        return ""
    number, rest = said[0].split(" ", 1)
    return f" ({', '.join([f'{number} of them {rest}', *said[1:]])})"


#: the categories of targets judged on their target year, and of those under way, in the order counted
CLOSED_CATEGORIES = ("completed", "not_completed")
OPEN_CATEGORIES = ("achieved", "ahead", "on_schedule", "behind")
CATEGORY_WORDS = {"zh": {"completed": "已完成", "not_completed": "未完成", **CATEGORY_ZH},
                  "en": {"completed": "achieved", "not_completed": "not achieved", "achieved": "achieved early",
                         "ahead": "ahead of schedule", "on_schedule": "broadly on schedule",
                         "behind": "behind schedule"}}


def _split_zh(total: int, counts: dict, cats: tuple, drift: int = 0) -> str:
    """``14项中，提前实现2项、滞后5项`` (categories without a target left out), ``3项均已完成``, ``1项快于预期``;
    ``drift`` of those 提前实现 at risk of slipping back (:func:`drifting`): ``4项均已达到目标值，其中2项有回落风险
    （实现概率低于50%）``, ``4项中，提前实现3项（其中2项有回落风险）、滞后1项``."""
    shown = [(CATEGORY_WORDS["zh"][c], counts.get(c, 0)) for c in cats if counts.get(c, 0)]
    if len(shown) == 1 and drift:  # every one met already, some drifting back: never 均提前实现 beside 11 %
        if total == 1:
            return "1项已达到目标值，但有回落风险（实现概率低于50%）"
        return f"{total}项均已达到目标值，其中{drift}项有回落风险（实现概率低于50%）"
    if len(shown) == 1:
        return f"{total}项{'均' if total > 1 else ''}{shown[0][0]}"
    marks = {CATEGORY_WORDS["zh"]["achieved"]: f"（其中{drift}项有回落风险）" if drift else ""}
    return f"{total}项中，" + "、".join(f"{w}{k}项{marks.get(w, '')}" for w, k in shown)


def _split_en(total: int, counts: dict, cats: tuple, which: str, drift: int = 0) -> str:
    """``Of the 14 with progress data, 2 achieved early and 5 behind schedule`` (no zero counts),
    ``All 3 with the target year observed achieved``; ``drift`` as :func:`_split_zh`'s."""
    shown = [(CATEGORY_WORDS["en"][c], counts.get(c, 0)) for c in cats if counts.get(c, 0)]
    if len(shown) == 1 and drift:
        if total == 1:
            return f"The 1 {which} has met its target already but is at risk of slipping back (below a 50% chance)"
        return (f"All {total} {which} have met their targets already, {drift} of them at risk of slipping back "
                f"(below a 50% chance)")
    if len(shown) == 1:
        return f"{'All ' if total > 1 else 'The '}{total} {which} {'were' if total > 1 else 'was'} {shown[0][0]}"
    marks = {CATEGORY_WORDS["en"]["achieved"]: f" ({drift} of them at risk of slipping back)" if drift else ""}
    listed = [f"{k} {w}{marks.get(w, '')}" for w, k in shown]
    return f"Of the {total} {which}, " + ", ".join(listed[:-1]) + " and " + listed[-1]


def _missed_unreported(row) -> bool:
    """A 零发生 row missed by an incident (``missed_already``) whose target year's figure is not reported."""
    raw = getattr(row, "raw", None) or {}
    ty, last = raw.get("target_year"), raw.get("last_year")
    missed = raw.get("missed_already")
    return bool(missed is True or (not is_missing(missed) and bool(missed))) and \
        not is_missing(ty) and not is_missing(last) and int(last) < int(ty)


def _counts_zh(counts: dict, n_closed: int, n_open: int, insufficient: int, awaited: int = 0,
               estimated: dict | None = None, guessed: int = 0, incidents: int = 0, drift: int = 0) -> str:
    """The counts by category, a category without targets left out (no 提前实现0项); ``estimated``: the
    categories of the targets whose target-year value is interpolated (that year missing, a later one
    observed), counted apart from those observed (``n_closed`` without them): 目标年数值按前后年份插值估计的1项已完成."""
    estimated = {k: v for k, v in (estimated or {}).items() if v}
    n_estimated = sum(estimated.values())
    observed = {c: counts.get(c, 0) - estimated.get(c, 0) for c in CLOSED_CATEGORIES}
    observed["not_completed"] = observed.get("not_completed", 0) - incidents
    n_observed = n_closed - n_estimated - incidents
    parts = []
    if n_observed:
        parts.append("目标年已有实际数据的" + _split_zh(n_observed, observed, CLOSED_CATEGORIES))
    if incidents:  # 零发生 missed by an incident in the period, the target year's figure not yet reported
        parts.append(f"规划期内已发生事故、目标年数据尚未报送的{incidents}项未完成")
    if n_estimated:
        parts.append("目标年数值按前后年份插值估计的" + _split_zh(n_estimated, estimated, CLOSED_CATEGORIES))
    if n_open:
        parts.append(("其余" if n_closed else "") + "有进度数据的" + _split_zh(n_open, counts, OPEN_CATEGORIES, drift))
    if not parts:
        return f"{insufficient}项均数据不足{_awaited_zh(insufficient, awaited, guessed)}，暂不评价。"
    return "；".join(parts) + (f"；另有{insufficient}项数据不足{_awaited_zh(insufficient, awaited, guessed)}，暂不评价。"
                              if insufficient else "。")


def _counts_en(counts: dict, n_closed: int, n_open: int, insufficient: int, awaited: int = 0,
               estimated: dict | None = None, guessed: int = 0, drift: int = 0) -> str:
    estimated = {k: v for k, v in (estimated or {}).items() if v}
    n_estimated = sum(estimated.values())
    observed = {c: counts.get(c, 0) - estimated.get(c, 0) for c in CLOSED_CATEGORIES}
    n_observed = n_closed - n_estimated
    parts = []
    if n_observed:
        parts.append(_split_en(n_observed, observed, CLOSED_CATEGORIES, "with the target year observed"))
    if n_estimated:
        parts.append(_split_en(n_estimated, estimated, CLOSED_CATEGORIES,
                               "with the target year interpolated between observations"))
    if n_open:
        parts.append(_split_en(n_open, counts, OPEN_CATEGORIES,
                               "others with progress data" if n_closed else "with progress data", drift))
    verb = ("has", "is") if insufficient == 1 else ("have", "are")  # 1 has ..., 2 have ...
    if not parts:
        return (f" {'The' if insufficient == 1 else 'All'} {insufficient} {verb[0]} insufficient data"
                f"{_awaited_en(insufficient, awaited, guessed)} and {verb[1]} not assessed.")
    parts[1:] = [p[0].lower() + p[1:] for p in parts[1:]]  # …; of the 2 others with progress data, …
    return " " + "; ".join(parts) + (f"; {insufficient} {verb[0]} insufficient data{_awaited_en(insufficient, awaited, guessed)} "
                                     f"and {verb[1]} not assessed." if insufficient else ".")


def _binding_fine(binding_assessed: list, zh: bool) -> str:
    """No binding target needs attention: said for those judged on the target year and the others."""
    closed = any(_closed(r) for r in binding_assessed)
    under_way = any(not _closed(r) for r in binding_assessed)
    if zh:
        done = "目标年已有实际数据的约束性指标均已完成" if closed else ""
        rest = ("，其余有进度数据的均未滞后，实现概率均不低于50%" if closed else
                "有进度数据的约束性指标均未滞后，实现概率均不低于50%") if under_way else ""
        return done + rest + "。"
    done = " Every binding indicator with the target year observed achieved its target" if closed else ""
    rest = ("; no other with progress data is behind schedule or below a 50% chance" if closed else
            " No binding indicator with progress data is behind schedule or below a 50% chance") if under_way else ""
    return done + rest + "."


#: indicators a sentence names before it says 等N项 (… and N more)
NAMED_AT_MOST = 5


#: a region's name a grouped list (:func:`grouped_by_indicator`) says of one indicator in the overall paragraph, at most
GROUP_REGIONS_NAMED = 5


#: the regions a 分类汇总 cell names of one indicator, at most: more are counted (112个地区), or said by the few
#: without it (除…外的140个地区); 分地区汇总 lists every region
SUMMARY_REGIONS_LISTED = 8


class Grouping(list):
    """The regions proper of a report of several (a list), and ``order``: its indicators in the plan's order
    (their first appearance in the table), the order a list grouped by indicator follows."""

    order: dict


def group_regions(report) -> Grouping | None:
    """The regions proper of a report covering several (the table's own total apart, :func:`_own_regions`): its
    lists of targets are then said once per indicator (:func:`grouped_by_indicator`); ``None`` for one region."""
    if len(getattr(report, "regions", None) or []) < 2:
        return None
    own = _own_regions(report)[0]
    if len(own) < 2:
        return None
    out = Grouping(own)
    out.order = {}
    for r in report.rows:
        out.order.setdefault(indicator_label(r), len(out.order))
    return out


def indicator_label(row, spoken: bool = False) -> str:
    """The indicator a target is of, without its region: ``食品抽检合格率``, with the table's qualifier where the
    indicator has another target year (``千人食品检验量（2022年目标）``); ``spoken``: as a sentence says it, a sub-item
    without its 其中： (:attr:`~.model.ReportRow.spoken`), else as the table writes it (the key lists group by)."""
    base = row.cells.get("spoken_name", row.cells["name_only"]).text if spoken else row.cells["name_only"].text
    qualifier = row.cells["qualifier"].text
    region = row.raw.get("region")
    if isinstance(region, str) and region:  # the name without its region (:func:`~.formatting.place_name`)
        if base.startswith(region + " "):
            base = base[len(region) + 1:]
        elif base.endswith(f" ({region})"):
            base = base[: -len(region) - 3]
    if not qualifier:
        return base
    return f"{base}（{qualifier}）" if row.lang == "zh" else f"{base} ({qualifier})"


def grouped_by_indicator(rows: list, regions: list[str], lang: str, *, named: int | None = None,
                         listed: int | None = None) -> list[str]:
    """Targets of several regions said once per indicator, in the table's order, with their regions:
    ``食品抽检合格率（东江市、西岭市、北川市、云台市、龙泉市等11个地区）`` (at most ``named`` regions named),
    ``食品抽检合格率（11个地区：东江市、…）`` (``named=None``: every one), ``智慧监管平台（全部18个地区）`` when every
    region of the report (``regions``) has it -- never the same indicator name 18 times over. With ``listed`` (and
    ``named=None``) more regions than ``listed`` are counted, not named (a province's 112 names made a cell of 29,000
    characters): ``化肥使用量（112个地区）``, or by the few without it ``化肥使用量（除合成甲03县、合成甲07县外的140个地区）``."""
    groups: dict[str, list[str]] = {}
    spoken: dict[str, str] = {}  # grouped as the table names them, said as a sentence does (企业数量, not 其中：企业数量)
    for r in rows:
        region = r.raw.get("region")
        groups.setdefault(indicator_label(r), []).append(str(region) if region is not None else "")
        spoken.setdefault(indicator_label(r), indicator_label(r, spoken=True))
    zh, n_all, out = lang == "zh", len(regions), []
    order = getattr(regions, "order", None) or {}
    for key, regs in sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order))):
        name, k = spoken[key], len(regs)
        if k == n_all and k > 1:
            out.append(f"{name}（全部{k}个地区）" if zh else f"{name} (all {k} regions)")
        elif named is None and listed is not None and k > listed:
            have = set(regs)
            others = [str(g) for g in regions if str(g) not in have]
            if 0 < len(others) <= listed and len(others) + k == n_all:
                out.append(f"{name}（除{'、'.join(others)}外的{k}个地区）" if zh else
                           f"{name} ({k} regions: all but {', '.join(others)})")
            else:
                out.append(f"{name}（{k}个地区）" if zh else f"{name} ({k} regions)")
        elif named is not None and k > named:
            out.append(f"{name}（{'、'.join(regs[:named])}等{k}个地区）" if zh else
                       f"{name} ({', '.join(regs[:named])} and {k - named} more regions)")
        elif k > 1 and named is None:
            out.append(f"{name}（{k}个地区：{'、'.join(regs)}）" if zh else f"{name} ({k} regions: {', '.join(regs)})")
        else:
            out.append(f"{name}（{'、'.join(regs)}）" if zh else f"{name} ({', '.join(regs)})")
    return out


def _names_zh(rows: list, regions: list[str] | None, name) -> str:
    """Rows named in a Chinese sentence: each by ``name`` (one region), or once per indicator with its regions
    (several regions, :func:`grouped_by_indicator`)."""
    if regions:
        return "、".join(grouped_by_indicator(rows, regions, "zh", named=GROUP_REGIONS_NAMED))
    return "、".join(name(r) for r in rows)


def _names_en(rows: list, regions: list[str] | None, name) -> str:
    if regions:
        return "; ".join(grouped_by_indicator(rows, regions, "en", named=GROUP_REGIONS_NAMED))
    return "; ".join(name(r) for r in rows)


def _listed(what: str, names: list[str], zh: bool, grouped: str | None = None) -> str:
    """``{what}的有4项：A、B、C、D``, or past :data:`NAMED_AT_MOST` names ``{what}的有A、B、C、D、E等7项``;
    in English `` Expected indicators {what} (7): A; B; C; D; E; and 2 more.``; with ``grouped`` (the names said once
    per indicator, several regions) ``{what}的有52项：知识产权质押融资金额（…等11个地区）、…``."""
    n, shown = len(names), names[:NAMED_AT_MOST]
    if grouped is not None:
        return f"{what}的有{n}项：{grouped}" if zh else f" Expected indicators {what} ({n}): {grouped}."
    if zh:
        return f"{what}的有" + (f"{n}项：" + "、".join(shown) if n <= NAMED_AT_MOST else "、".join(shown) + f"等{n}项")
    return f" Expected indicators {what} ({n}): " + "; ".join(shown) + \
        ("." if n <= NAMED_AT_MOST else f"; and {n - NAMED_AT_MOST} more.")


def _risk_order(rows: list) -> list:
    """Rows by their probability shown, lowest first (those without one last), else in table order."""
    def key(r):
        p = percent_int(r.raw.get("p_meet"))
        return (p is None, p if p is not None else 0)
    return sorted(rows, key=key)


def _expected_flagged(expected: list, zh: bool, regions: list[str] | None = None) -> str:
    """The expected (预期性) targets needing attention (:func:`needs_attention`), named: those not
    achieved, then those behind schedule or below a 50% chance, most at risk first, at most
    :data:`NAMED_AT_MOST` of each named (then 等N项); for several regions (``regions``) every one, said once per
    indicator with its regions (:func:`grouped_by_indicator`), in the table's order."""
    missed = [r for r in expected if needs_attention(r) and _closed(r)]
    lagging = [r for r in expected if needs_attention(r) and not _closed(r)]
    if not regions:
        lagging = _risk_order(lagging)
    grouped = (lambda rows: _names_zh(rows, regions, prose_name) if zh else _names_en(rows, regions, None)) \
        if regions else (lambda rows: None)
    if zh:
        parts = ([_listed("未完成", [prose_name(r) for r in missed], zh, grouped(missed))] if missed else []) + \
                ([_listed("进度滞后或实现概率低于50%", [_attention_zh(r) for r in lagging], zh, grouped(lagging))]
                 if lagging else [])
        return "预期性指标中" + "；".join(parts) + "。" if parts else ""
    return (_listed("not achieved", [r.spoken for r in missed], zh, grouped(missed)) if missed else "") + \
        (_listed("behind schedule or below a 50% chance", [_attention_en(r) for r in lagging], zh, grouped(lagging))
         if lagging else "")


#: the overall verdict's thresholds on the share of assessed targets on track (:func:`verdict`)
VERDICT_GOOD = (2, 3)
VERDICT_FAIR = (1, 2)
#: the verdict's words, by the kind of targets judged (all on their target year, or some still under way)
VERDICT_WORDS = {
    "zh": {("final", "all"): "规划主要指标全部完成", ("final", "good"): "规划主要指标总体完成较好",
           ("final", "fair"): "半数以上指标已完成，部分指标未完成", ("final", "poor"): "过半数指标未完成",
           ("under_way", "all"): "规划实施总体进展顺利", ("under_way", "good"): "规划实施总体进展顺利",
           ("under_way", "fair"): "规划实施总体基本符合预期",
           ("under_way", "poor"): "过半数指标进展滞后或实现概率低于50%，按期完成难度较大"},
    "en": {("final", "all"): "every main target was achieved",
           ("final", "good"): "the main targets were largely achieved",
           ("final", "fair"): "at least half the targets were achieved, some were not",
           ("final", "poor"): "more than half the targets were not achieved",
           ("under_way", "all"): "the plan is progressing well overall",
           ("under_way", "good"): "the plan is progressing well overall",
           ("under_way", "fair"): "the plan is broadly on course overall",
           ("under_way", "poor"): "more than half the targets are behind schedule or below a 50% chance, and "
                                  "meeting them on time will be difficult"},
}
#: said instead of a verdict when fewer than half the targets can be assessed
NO_VERDICT = {"zh": "可评价的指标（{}项）不足半数，暂不作总体判断。",
              "en": " Only {} of the targets can be assessed, fewer than half: no overall verdict is given."}


def verdict(rows) -> tuple[str, str] | None:
    """The overall verdict on the assessed targets (those not 数据不足), as a key of :data:`VERDICT_WORDS`.

    A target is *on track* unless it needs attention (:func:`needs_attention`: 未完成, 滞后, or a
    probability shown below 50 %). With ``k`` of the ``m`` assessed targets on track:

    * ``all``: every one on track (全部完成 once every target year is observed; else 总体进展顺利);
    * ``good``: ``k >= 2/3 m`` and no binding (约束性) target needs attention (总体进展顺利 /
      主要指标总体完成较好);
    * ``fair``: ``k >= m/2`` (总体基本符合预期 / 半数以上指标已完成，部分指标未完成) -- a binding target
      needing attention caps the verdict here, and the paragraph names it;
    * ``poor``: ``k < m/2`` (过半数指标进展滞后或实现概率低于50%，完成难度较大 / 过半数指标未完成).

    The first element is ``final`` when every assessed target is judged on its target year (已完成 /
    未完成), else ``under_way``. None -- no verdict -- when fewer than half the targets are assessed
    (the rest 数据不足: a 总结评估 whose target-year values are mostly still to come, for one).
    """
    assessed = [r for r in rows if r.category != "insufficient_data"]
    if not assessed or 2 * len(assessed) < len(rows):
        return None
    m = len(assessed)
    flagged = [r for r in assessed if needs_attention(r)]
    k = m - len(flagged)
    kind = "final" if all(_closed(r) for r in assessed) else "under_way"
    if not flagged:
        return kind, "all"
    if k * VERDICT_GOOD[1] >= VERDICT_GOOD[0] * m and not any(r.binding for r in flagged):
        return kind, "good"
    if k * VERDICT_FAIR[1] >= VERDICT_FAIR[0] * m:
        return kind, "fair"
    return kind, "poor"


#: the verdict of a single target assessed, said of it (never 过半数指标未完成 of one target)
VERDICT_ONE = {
    "zh": {("final", "all"): "已完成", ("final", "poor"): "未完成", ("under_way", "all"): "进展顺利",
           ("under_way", "poor"): "进展滞后或实现概率低于50%，按期完成难度较大",
           "held": "目前已达到目标值，但有回落风险，成果仍需巩固"},
    "en": {("final", "all"): "was achieved", ("final", "poor"): "was not achieved",
           ("under_way", "all"): "is progressing well",
           ("under_way", "poor"): "is behind schedule or below a 50% chance, and meeting it on time will be difficult",
           "held": "has met its target already but is at risk of slipping back: the gain must be held"},
}
#: the verdict when the only targets needing attention are met already but drifting back (:func:`drifting`): every
#: assessed target met (``all_met``), else the verdict's own words and this (``some``)
VERDICT_HELD = {
    "zh": {"all_met": "规划主要指标目前均已达到目标值，但部分指标有回落风险，成果仍需巩固",
           "some": "，部分已达到目标值的指标有回落风险"},
    "en": {"all_met": "every target assessed is met already, but some are at risk of slipping back and the gains "
                      "must be held",
           "some": ", and some targets met already are at risk of slipping back"},
}


def _verdict_words(rows, key: tuple[str, str], lang: str) -> str:
    """The verdict's words (:data:`VERDICT_WORDS`), weighing the targets met already but drifting back: when they
    are all that needs attention, the verdict says so (:data:`VERDICT_HELD`) -- never 总体基本符合预期 beside
    targets listed at 11 % -- and a single target assessed is spoken of alone (:data:`VERDICT_ONE`)."""
    assessed = [r for r in rows if r.category != "insufficient_data"]
    flagged = [r for r in assessed if needs_attention(r)]
    held = bool(flagged) and all(drifting(r) for r in flagged)
    if len(assessed) == 1:
        said = VERDICT_ONE[lang]["held" if held else key]
        if lang == "zh":
            return f"{'可评价的1项' if len(rows) > 1 else '该项'}指标{said}"
        return f"the {'one target assessed' if len(rows) > 1 else 'one target'} {said}"
    if not held:
        return VERDICT_WORDS[lang][key]
    if all(r.category in ("achieved", "completed") for r in assessed):
        return VERDICT_HELD[lang]["all_met"]
    return VERDICT_WORDS[lang][key] + VERDICT_HELD[lang]["some"]


def _verdict_sentence(rows, lang: str) -> str:
    """The verdict (:func:`verdict`) as a sentence: ``规划实施总体进展顺利。``, ``从可评价的10项看，…`` when
    some targets lack data, or that fewer than half can be assessed."""
    key = verdict(rows)
    assessed = sum(r.category != "insufficient_data" for r in rows)
    if key is None:
        return NO_VERDICT[lang].format(assessed) if assessed else ""
    words = _verdict_words(rows, key, lang)
    partial = assessed < len(rows) and assessed > 1  # one target assessed: said of it (可评价的1项指标未完成)
    if lang == "zh":
        return (f"从可评价的{assessed}项看，" if partial else "") + words + "。"
    words = words[0].upper() + words[1:] if not partial else words
    return (f" Judged on the {counted_en(assessed, 'target')} assessed, " if partial else " ") + words + "."


def latest_year(rows) -> int | None:
    """The latest year observed in any target's series (its ``last_year``), None without one."""
    years = [int(r.raw["last_year"]) for r in rows if not is_missing(r.raw.get("last_year"))]
    return max(years) if years else None


def _data_years(report) -> str:
    """``，数据截至2023年``, or when no series reaches the evaluation year ``，评估基准年2023年，最新数据截至2022年``."""
    as_of, latest = report.as_of, latest_year(report.rows)
    zh = report.lang == "zh"
    if as_of is None and latest is None:
        return ""
    if latest is None:
        return f"，评估基准年{as_of}年，尚无监测数据" if zh else f", assessed as of {as_of}, with no data yet"
    if as_of is None or latest == as_of:
        return f"，数据截至{latest}年" if zh else f", with data up to {latest}"
    return (f"，评估基准年{as_of}年，最新数据截至{latest}年" if zh else
            f", assessed as of {as_of}, with the latest data from {latest}")


def _indicators_and_regions(report) -> tuple[int, list, list]:
    """``(indicators, regions, totals)`` of a report of several regions: distinct indicators, the
    regions proper and the table's own totals (合计 / 全市, :func:`_own_regions`)."""
    own, totals = _own_regions(report)
    # a qualitative indicator (建成) and one not set yet (待定) are said apart (:func:`_qualitative_sentence`,
    # :func:`_pending_sentence`), as in a one-region report
    return len({str(r.raw.get("indicator", r.name)) for r in report.rows if r.category not in NOT_JUDGED}), own, totals


def _own_regions(report) -> tuple[list[str], list[str]]:
    """``(regions, totals)``: the report's regions without the table's own total (合计, 全市 beside other
    regions: :func:`mstarget.validation.is_total_region`), and those totals."""
    regions = [str(r) for r in report.regions]
    totals = [r for r in regions if is_total_region(r, regions)]  # (全州 beside 兴安, 灌阳: the county)
    if len(totals) == len(regions):  # 全国 alone is the region assessed
        return regions, []
    return [r for r in regions if r not in totals], totals


def _counted(report) -> tuple[list, list]:
    """``(rows, total rows)``: the rows the paragraph counts and those of the table's own total (合计 beside the
    regions, :attr:`~.model.Report.counted_rows`), said apart."""
    rows = getattr(report, "counted_rows", None)
    # a qualitative target (建成: 定性指标，另行评价) is counted apart (:func:`_qualitative_sentence`), and so is one
    # not set yet (待定: 目标待定, :func:`_pending_sentence`) -- never among the 数据不足 ones
    if rows is None:
        return [r for r in report.rows if r.category not in NOT_JUDGED], []
    return [r for r in rows if r.category not in NOT_JUDGED], list(report.total_rows)


def _qualitative_sentence(report) -> str:
    """``另有2项定性指标需另行评价（智慧市场监管平台、…）。``: the qualitative targets, apart from every count."""
    rows = [r for r in (getattr(report, "counted_rows", None) or report.rows) if r.category == QUALITATIVE]
    if not rows:
        return ""
    regions = group_regions(report)
    if report.lang == "zh":
        if regions:  # 智慧监管平台（全部18个地区）, not the same name 18 times
            return f"另有{len(rows)}项定性指标需另行评价：" + _names_zh(rows, regions, prose_name) + "。"
        return f"另有{len(rows)}项定性指标需另行评价（" + "、".join(prose_name(r) for r in rows) + "）。"
    return f" {len(rows)} qualitative target(s) to be evaluated separately: " + \
        _names_en(rows, regions, lambda r: r.spoken) + "."


def _pending_sentence(report) -> str:
    """``另有2项目标待定（目标值待定，仅作预测，不作评价）：期末市场主体总量、…。``: the targets not set yet (目标待定), apart
    from every count -- never among the 数据不足 ones."""
    rows = [r for r in (getattr(report, "counted_rows", None) or report.rows) if r.category == TARGET_PENDING]
    if not rows:
        return ""
    regions = group_regions(report)
    # every one's target year observed (a 总结评估): nothing forecast -- 目标值待定，不作评价, not 仅作预测
    words = PENDING_OBSERVED_WORDS if all(_pending_observed(r) for r in rows) else PENDING_WORDS
    if report.lang == "zh":
        names = _names_zh(rows, regions, prose_name) if regions else "、".join(prose_name(r) for r in rows)
        return f"另有{len(rows)}项目标待定（{words['zh']}）：{names}。"
    return f" {counted_en(len(rows), 'target')} not set yet ({words['en'].split(': ')[1]}): " + \
        _names_en(rows, regions, lambda r: r.spoken) + "."


def _pending_observed(row) -> bool:
    """A 目标待定 row whose target year is observed (a 总结评估): its figure is a fact, nothing is forecast."""
    ly, ty = row.raw.get("last_year"), row.raw.get("target_year")
    return not is_missing(ly) and not is_missing(ty) and int(ly) >= int(ty)


def _scope(report, binding: list, expected: list) -> str:
    """The opening sentence: how many indicators (for several regions: indicators, regions and the
    region-indicator targets they make, the table's own total rows apart), binding and expected, and the
    years of the data."""
    rows, zh = _counted(report)[0], report.lang == "zh"
    n = len(rows)
    several = len(report.regions) > 1
    word = "个" if several else "项"
    if zh:
        if several:
            indicators, own, totals = _indicators_and_regions(report)
            apart = f"（另列{'、'.join(totals)}）" if totals else ""
            s = f"本次评估共{indicators}项指标、{len(own)}个地区{apart}共{n}个指标值"
        else:
            s = f"本次评估共{n}项指标"
        parts = ([f"约束性{len(binding)}{word}"] if binding else []) + ([f"预期性{len(expected)}{word}"] if expected else [])
        if len(parts) == 1 and len(binding) + len(expected) == n:
            s += f"（{'均为' if n > 1 else ''}{'约束性' if binding else '预期性'}指标）"
        elif parts:
            s += "（" + "、".join(parts) + "）"
        return s + _data_years(report) + "。"
    if several:
        indicators, own, totals = _indicators_and_regions(report)
        apart = f" (and {', '.join(totals)} apart)" if totals else ""
        s = (f"This evaluation covers {counted_en(indicators, 'indicator')} in {counted_en(len(own), 'region')}{apart}, "
             f"{counted_en(n, 'target')} in all")
    else:
        s = f"This evaluation covers {counted_en(n, 'indicator')}"
    if binding and expected:
        s += f" ({len(binding)} binding, {len(expected)} expected)"
    elif binding or expected:
        every = len(binding) + len(expected) == n
        s += f" ({'' if every and n == 1 else 'all ' if every else f'{len(binding) + len(expected)} '}" \
             f"{'binding' if binding else 'expected'})"
    return s + _data_years(report) + "."


def overall_paragraph(report) -> str:
    """:func:`_overall_paragraph`, and when the plan gave part-year figures (2026年1-10月) what they are and that
    they were not used as full-year figures (:func:`_part_year_sentence`); in a 年度监测 of the plan's first year
    dated in that year, that its full-year figures are not yet published."""
    return _overall_paragraph(report) + _first_year_sentence(report) + _part_year_sentence(report)


def _first_year_sentence(report) -> str:
    """``2026年全年数据尚未发布，基期以后尚无数据的指标暂不评价。`` in a report evaluated as of the plan's first year
    (--as-of 2026) and dated in it: why its rows have no data of the period (a 基期情况 report says it itself)."""
    first = getattr(report, "first_year_under_way", None)
    if first is None or report.as_of != first or any(r.category == NOT_STARTED for r in report.rows):
        return ""
    if not any(r.category == "insufficient_data" and not _data_after_base(r) for r in report.rows):
        return ""
    if report.lang == "zh":
        return f"评估基准年{first}年尚未结束，{first}年全年数据尚未发布，基期以后尚无数据的指标暂不评价。"
    return (f" The evaluation year {first} is not over: its full-year figures are not yet published, and the targets "
            "without data after the base year are not judged.")


def _part_year_sentence(report) -> str:
    """The part-year figures the plan gave (``2026年完成值（1-10月）``): how many rows have them, that the table and
    the rows' text show them, and that they were not used as full-year figures; empty when there are none."""
    parts = getattr(report, "part_years", None) or []
    if not parts:
        return ""
    zh = report.lang == "zh"
    said = []
    for _, label in parts:
        with_figure = [r for r in report.rows if label in (getattr(r, "part_year", None) or {})]
        if with_figure:
            said.append(f"{label}数据{len(with_figure)}项" if zh else
                        f"{part_year_label(label, 'en')} for {counted_en(len(with_figure), 'target')}")
    if not said:
        return ""
    # a 零发生 row with an incident in them is judged on it (incidents only accumulate): said as the exception
    decided = any((m := _INCIDENTS.search(r.raw.get("note") or "")) and "已发生" in m.group(4) for r in report.rows)
    if zh:
        return (f"输入中另有{'、'.join(said)}，为年内部分月份数据，已在主要指标评估表及逐项评估中列示，"
                "未作为全年数据使用，" + ("除零发生指标已发生的事故外，" if decided else "") + "不据此评价。")
    return (f" The input also gives {', '.join(said)}: figures of part of the year, shown in the main table and each "
            "target's text, not used as full-year figures and not judged on"
            + (" (save an incident against a target of none at all, which misses it already)." if decided else "."))


def _overall_paragraph(report) -> str:
    """The overall paragraph, in the report's language: what is assessed and the latest data year
    (:func:`_scope`), the verdict (:func:`verdict`), the counts by category (none of zero), the binding
    targets not achieved (约束性指标中未完成的有1项：…, once their target year is judged) and those under way
    needing attention named, the expected ones too (:func:`_expected_flagged`), and for several
    regions where the lagging targets are (:func:`_regions_behind`). The table's own total rows (合计 beside
    the regions) are counted in none of these: a last sentence says theirs (:func:`_totals_sentence`)."""
    rows, total_rows = _counted(report)
    n = len(rows)
    counts = {k: int(v) for k, v in zip(report.summary["category"], report.summary["total"])}
    binding = [r for r in rows if r.binding]
    expected = [r for r in rows if r.raw.get("attribute") == "expected"]
    insufficient = counts.get("insufficient_data", 0)
    n_closed = sum(_closed(r) for r in rows)
    # awaiting the target year's value: rows with data after the base year (one with none says 基期后无数据 itself)
    awaited = sum(r.category == "insufficient_data" and _awaited(r) and _data_after_base(r) for r in rows)
    # 数据不足 for a target-year value never reported, only interpolated between the years around it
    guessed = sum(r.category == "insufficient_data" and bool(getattr(r, "interpolated", False)) and not _awaited(r)
                  for r in rows)
    n_open = n - insufficient - n_closed
    # the binding targets not achieved (their target year judged: a fact, said as one) and those under way
    # needing attention (behind, or below a 50% chance)
    missed = [r for r in binding if needs_attention(r) and _closed(r)]
    flagged = [r for r in binding if needs_attention(r) and not _closed(r)]
    binding_assessed = [r for r in binding if r.category != "insufficient_data"]
    binding_nodata = [r for r in binding if r.category == "insufficient_data"]
    estimated: dict = {}
    for r in rows:  # target-year values interpolated between observations: not counted as observed
        if _closed(r) and getattr(r, "interpolated", False):
            estimated[r.category] = estimated.get(r.category, 0) + 1
    # 零发生 missed by an incident while the target year's figure is still awaited: 未完成, but not "observed"
    incidents = sum(_closed(r) and _missed_unreported(r) for r in rows)
    drift = sum(drifting(r) for r in rows)  # met already, below a 50% chance of holding: at risk of slipping back
    zh = report.lang == "zh"
    regions = group_regions(report)  # several regions: lists said once per indicator, with their regions
    if n == 0 and _pending_sentence(report):  # a draft whose every target is 待定: what it is, nothing judged
        pending = [r for r in (getattr(report, "counted_rows", None) or report.rows) if r.category == TARGET_PENDING]
        words = PENDING_OBSERVED_WORDS if all(_pending_observed(r) for r in pending) else PENDING_WORDS
        return (f"本次评估共{len(pending)}项指标，{words['zh'].replace('目标值', '目标值均', 1)}。" if zh else
                f"This evaluation covers {counted_en(len(pending), 'indicator')}; {words['en']}.") + \
            _qualitative_sentence(report)
    if n == 0:
        return "本次评估没有指标。" if zh else "This evaluation has no indicators."
    apart = _qualitative_sentence(report) + _pending_sentence(report)  # 定性指标, 目标待定: said apart from the counts
    if any(r.category == NOT_STARTED for r in rows):  # a 基期情况 report: the period has not started
        return _scope(report, binding, expected) + apart + _not_started_overall(report, rows) \
            + _preliminary_sentence(rows, zh, regions) + _baseline_preliminary_sentence(rows, zh) \
            + _totals_sentence(report, total_rows)
    s = _scope(report, binding, expected) + apart + _verdict_sentence(rows, report.lang)
    if zh:
        s += _counts_zh(counts, n_closed, n_open, insufficient, awaited, estimated, guessed, incidents, drift)
        said = ([f"未完成的有{len(missed)}项：" + _names_zh(missed, regions, prose_name)] if missed else []) + \
               ([("需重点关注：" if not regions else f"需重点关注的有{len(flagged)}项：")
                 + _names_zh(flagged, regions, _attention_zh)] if flagged else [])
        if said:  # 约束性指标中未完成的有1项：食品抽检不合格率；需重点关注：…（实现概率30%，滞后）
            s += "约束性指标中" + "；".join(said) + "。"
        elif binding_assessed:
            s += _binding_fine(binding_assessed, zh)
        if binding_nodata:
            s += "约束性指标中数据不足的有：" + _names_zh(binding_nodata, regions, prose_name) + "。"
        return s + _expected_flagged(expected, zh, regions) + _departure_sentence(rows, zh) + _adjusted_sentence(rows, zh) \
            + _preliminary_sentence(rows, zh, regions) \
            + _baseline_preliminary_sentence(rows, zh) + _regions_behind(report) + _totals_sentence(report, total_rows)
    s += _counts_en(counts, n_closed, n_open, insufficient, awaited, estimated, guessed, drift)
    if missed:
        s += f" Binding indicators not achieved ({len(missed)}): " + _names_en(missed, regions, lambda r: r.spoken) + "."
    if flagged:
        s += " Binding indicators needing attention" + (f" ({len(flagged)})" if regions else "") + ": " \
            + _names_en(flagged, regions, _attention_en) + "."
    if not missed and not flagged and binding_assessed:
        s += _binding_fine(binding_assessed, zh)
    if binding_nodata:
        s += " Binding indicators with insufficient data: " + _names_en(binding_nodata, regions, lambda r: r.spoken) + "."
    return s + _expected_flagged(expected, zh, regions) + _departure_sentence(rows, zh) + _adjusted_sentence(rows, zh) \
        + _preliminary_sentence(rows, zh, regions) \
        + _baseline_preliminary_sentence(rows, zh) + _regions_behind(report) + _totals_sentence(report, total_rows)


#: the forecast's words (:data:`~.model.OUTLOOK_LEVELS`) in the order a 基期情况 report counts them
OUTLOOK_ORDER = {"zh": ("预计能够完成", "有望完成", "完成存在不确定性", "完成难度较大"),
                 "en": ("expected to be met", "likely to be met", "uncertain", "unlikely to be met")}


def _not_started_overall(report, rows: list) -> str:
    """A report made before the plan period starts (基期情况): the period has not started, no progress is judged,
    and what the forecasts from the history up to the base year say -- the targets by the words of their
    probability (预计能够完成8项、有望完成1项 …) and the binding ones below 50 % named (仅供参考)."""
    zh = report.lang == "zh"
    waiting = [r for r in rows if r.category == NOT_STARTED]
    bys = {int(r.raw["baseline_year"]) for r in waiting if not is_missing(r.raw.get("baseline_year"))}
    tys = {int(r.raw["target_year"]) for r in waiting if not is_missing(r.raw.get("target_year"))}
    span = (f"（{min(bys) + 1}年至{max(tys)}年）" if zh else f" ({min(bys) + 1}-{max(tys)})") \
        if len(bys) == 1 and tys else ""
    base = f"{min(bys)}年" if zh and len(bys) == 1 else ""
    counts = {}
    for r in waiting:
        words = r.cells["outlook"].text
        if words != MISSING:
            counts[words] = counts.get(words, 0) + 1
    order = OUTLOOK_ORDER["zh" if zh else "en"]
    said = [(w, counts[w]) for w in order if counts.get(w)]
    low = [r for r in waiting if r.binding and r.cells["p_meet"].text != MISSING and _low_chance(r)]
    first = getattr(report, "first_year_under_way", None)
    if zh:
        which = '各' if len(waiting) == len(rows) else f'{len(waiting)}项'
        s = (f"规划期{span}已开始，首年（{first}年）全年数据尚未发布，{which}指标尚无规划期全年数据，"
             f"本报告列示{base}基期情况，不评价进度。" if first is not None else
             f"规划期{span}尚未开始，{which}指标尚无规划期数据，本报告列示{base}基期情况，不评价进度。")
        if said:
            n_said = sum(c for _, c in said)
            s += ("按基期及以前数据的趋势外推（仅供参考），" + (f"其{said[0][0]}" if n_said == 1 else
                  f"{n_said}项中" + "、".join(f"{w}{c}项" for w, c in said)) + "。")
        others = {}
        for r in rows:  # the rows that are not waiting for the period: counted, so every row is accounted for
            if r.category not in (NOT_STARTED, QUALITATIVE):
                word = CATEGORY_WORDS["zh"].get(r.category, CATEGORY_ZH.get(r.category, r.category))
                others[word] = others.get(word, 0) + 1
        if others:
            s += "其余指标中" + "、".join(f"{w}{c}项" for w, c in others.items()) + "。"
        missed = [(r, _INCIDENTS.search(r.raw.get("note") or "")) for r in rows if r.category != NOT_STARTED]
        missed = [(r, m) for r, m in missed if m is not None]
        if missed:  # 零发生 missed already (2026年1-10月已发生1起): named, not left in a count
            s += "其中" + "；".join(prose_name(r, f"{r.spoken}{m.group(4)}") for r, m in missed) + \
                "，规划期内未实现零发生。"
        if low:
            s += "约束性指标中实现概率低于50%的有：" + "、".join(
                prose_name(r, f"{r.spoken}（{probability_words(r.cells['p_meet'].text, 'zh')}）") for r in low) + "。"
        return s
    s = (f" The plan period{span} has begun, but the full-year figures of its first year ({first}) are not yet "
         "published: no target has a full year of the period yet, and no progress is judged; the report gives the "
         "base-year position." if first is not None else
         f" The plan period{span} has not started: no target has data of the period yet, and no progress is "
         "judged; the report gives the base-year position.")
    if said:
        s += (" Extending the trends up to the base year (for reference only): "
              + ", ".join(f"{c} {w}" for w, c in said) + ".")
    missed = [(r, _INCIDENTS.search(r.raw.get("note") or "")) for r in rows if r.category != NOT_STARTED]
    missed = [(r, m) for r, m in missed if m is not None]
    if missed:
        s += " Missed already, a target of none at all: " + "; ".join(
            f"{r.spoken} ({_incidents_en(m.group(3))})" for r, m in missed) + "."
    if low:
        s += " Binding targets below a 50% chance: " + "; ".join(
            f"{r.spoken} ({probability_words(r.cells['p_meet'].text, 'en')})" for r in low) + "."
    return s


def problems(report) -> list[str]:
    """A 总结评估's 存在的问题, from the figures alone (no opinion, no 下一步): each target missed, binding first, with
    its target-year value against the target, the gap and why (:func:`missed_why`; a 零发生 target its incidents), then
    each target with data missing and what to report. Empty for any other report, or with nothing to list. A target
    adjusted mid-term says so, and how the figure stands against the first target (``未达到中期调整后目标（≥117项），
    差12项；对照原目标（≥100项）已达到``). With several regions the targets missed are said once per indicator
    (:func:`_missed_grouped`), its regions' figures after it -- not one line per region and target."""
    if report.kind == "midterm":
        return midterm_problems(report)
    if report.kind != "final":
        return []
    zh = report.lang == "zh"
    rows, _ = _counted(report)
    missed = [r for r in rows if r.category == "not_completed"]
    missed = [r for r in missed if r.binding] + [r for r in missed if not r.binding]
    out = []
    grouping = group_regions(report)
    if grouping is not None:
        out.extend(_missed_grouped(missed, grouping, zh))
    else:
        out.extend(_missed_line(_missed_parts(row, zh), zh) for row in missed)
    # the targets with data missing, one line per request (14 rows awaiting the same years: one line, not 14)
    asking: dict = {}
    for row in rows:
        if row.category == "insufficient_data":
            attr = ("（约束性）" if zh else " (binding)") if row.binding else ""
            asking.setdefault(getattr(row, "resubmit", ""), []).append(f"{prose_name(row)}{attr}")
    for asked, names in asking.items():
        if len(names) == 1:
            out.append(f"{names[0]}：数据不足，未作评价。{asked}" if zh else
                       f"{names[0]}: insufficient data, not assessed.{asked}")
        else:
            out.append(f"{'、'.join(names)}{len(names)}项：数据不足，未作评价。{asked}" if zh else
                       f"{'; '.join(names)} ({counted_en(len(names), 'target')}): insufficient data, not assessed.{asked}")
    return out


def midterm_problems(report) -> list[str]:
    """A 中期评估's 存在的问题, from the figures alone (no opinion, no 下一步): each target 滞后, and each binding one
    whose 实现概率 is below 50 % (a 零发生 target already missed among them), binding first, said as its paragraph
    says it (the progress against the time elapsed, the forecast and its probability, the paces) without the 评价 it
    is listed for; then the targets with data missing. Empty when nothing is behind or at risk.
    Several regions: empty (the 分指标汇总 says it per indicator)."""
    if group_regions(report) is not None:
        return []
    zh = report.lang == "zh"
    rows, _ = _counted(report)
    listed = [r for r in rows if r.category == "behind" or binding_at_risk(r)]
    listed = [r for r in listed if r.binding] + [r for r in listed if not r.binding]
    out = [_problem_line(r, zh) for r in listed]
    missing = [r for r in rows if r.category == "insufficient_data"]
    if missing and out:  # the data missing, once: what keeps a target from being judged
        names = "、".join(prose_name(r) + ("（约束性）" if r.binding else "") for r in missing) if zh else \
            "; ".join(prose_name(r) + (" (binding)" if r.binding else "") for r in missing)
        out.append(f"{names}{'' if len(missing) == 1 else f'{len(missing)}项'}：数据不足，暂不评价，请补报基期以后数据。"
                   if zh else f"{names}: insufficient data, not assessed; please report the figures after the base year.")
    return out


def binding_at_risk(row) -> bool:
    """A binding (约束性) target at risk: not 提前实现 nor 数据不足, and already missed (零发生 with an incident) or
    with a 实现概率 below 50 %."""
    p = row.cells["p_meet"].value if "p_meet" in row.cells else None
    return row.binding and row.category not in ("achieved", "insufficient_data") and \
        (flagged(row.raw.get("missed_already")) or (isinstance(p, (int, float)) and not is_missing(p) and p < 0.5))


#: above this many targets 五、逐项评估 gives a paragraph only to the rows a reader needs (:func:`described_rows`): a
#: province's 2,744 targets wrote 5,454 paragraphs (a 10.7 MB page, 25 MB of Word text) that nobody reads through;
#: the table has every row and the workbook's 逐项说明 sheet every paragraph. 200 paragraphs are about 60 pages.
MAX_DESCRIBED = 200


def needs_paragraph(row) -> bool:
    """A row 五、逐项评估 describes whatever the report's size: 滞后, 未完成, or binding and at risk
    (:func:`binding_at_risk`)."""
    return row.category in ("behind", "not_completed") or binding_at_risk(row)


def described_rows(report, cap: int = MAX_DESCRIBED) -> list[int] | None:
    """The positions in ``report.rows`` (ascending: the table's order) of the targets 五、逐项评估 gives a paragraph:
    ``None`` (every row) for ``cap`` rows or fewer; else every charted row (its fan chart is shown with its
    paragraph; :attr:`~.model.Report.charted`), then the rows that :func:`needs_paragraph`, one region at a time in
    turn (each region's in the table's order), up to ``cap`` rows in all -- so that a province's report does not
    spend the section on its first regions' lagging rows and say nothing of the later regions'."""
    if len(report.rows) <= cap:
        return None
    chosen = list(dict.fromkeys(report.charted))
    taken = set(chosen)
    waiting: dict[str, list[int]] = {}  # region -> its rows needing a paragraph, in the table's order
    for i, row in enumerate(report.rows):
        if i not in taken and needs_paragraph(row):
            region = row.raw.get("region")
            waiting.setdefault("" if region is None else str(region), []).append(i)
    queues = [q[::-1] for q in waiting.values()]  # popped from the end: the first row first
    while len(chosen) < cap and queues:
        for q in queues:
            if len(chosen) >= cap:
                break
            chosen.append(q.pop())
        queues = [q for q in queues if q]
    return sorted(chosen)


def described_note(report) -> str:
    """The sentence heading 五、逐项评估 when it leaves rows out (:attr:`~.model.Report.described`): how many it
    describes, which, and where the others are (主要指标评估表, the workbook's 逐项说明 sheet); empty otherwise."""
    if report.described is None:
        return ""
    n, k = len(report.rows), len(report.described)
    if report.lang == "zh":
        return (f"本报告共{n}项目标，本节逐项说明其中{k}项（附扇形图的目标，以及滞后、未完成和实现概率低于50%的约束性目标）；"
                f"其余{n - k}项目标的评估结果见主要指标评估表，Excel版报告的“逐项说明”工作表列有全部目标的说明。")
    return (f"This section describes {k} of the report's {n} targets (those with a fan chart, those behind schedule "
            f"or not completed, and binding targets with a probability below 50%); the other {n - k} are in the main "
            f"table, and the workbook's Narrative sheet describes every target.")


def region_count(report, region: str, shown: int) -> str:
    """What a region's heading in 五、逐项评估 adds: its count of targets (``（9项）``), and how many of them the
    section describes when it leaves rows out (``（9项，详述3项）``, :attr:`~.model.Report.described`)."""
    zh = report.lang == "zh"
    total = shown if report.described is None else \
        sum(1 for row in report.rows if ("" if row.raw.get("region") is None else str(row.raw.get("region"))) == region)
    if total == shown:
        return f"（{shown}项）" if zh else f" ({shown})"
    return f"（{total}项，详述{shown}项）" if zh else f" ({shown} of {total} described)"


#: the closing assessment of a row's paragraph (:func:`_by_probability` too: 按实现概率评价：滞后, 目标进度无法计算，按实现概率
#: 评价：滞后), which a 中期评估's 存在的问题 leaves out -- the list says why the row is there; what the clause said
#: before it (目标进度无法计算) is kept
PROBLEM_ASSESSMENT = (r"(?:[，,]?按实现概率)?评价：[^。]*。\s*$"
                      r"|\s*Assessment(?: \(by the probability\))?: [^.]*\.\s*$"
                      r"|;? assessment by the probability: [^.]*\.\s*$")


def _problem_line(row, zh: bool) -> str:
    """One target of a 中期评估's 存在的问题: its name (约束性 marked) and its paragraph's figures, without the name the
    paragraph starts with and the 评价 it ends with."""
    text = row.narrative
    head = _Row(row).c["label"]
    body = text[len(head) + 1:] if text.startswith(head) and text[len(head):len(head) + 1] in ("：", ":") else text
    body = re.sub(PROBLEM_ASSESSMENT, "", body).strip()
    if body and not body.endswith(("。", ".")):  # what the assessment's clause said first (目标进度无法计算): a sentence of its own
        body += "。" if zh else "."
    attr = ("（约束性）" if zh else " (binding)") if row.binding else ""
    return f"{head}{attr}：{body}" if zh else f"{head}{attr}: {body}"


def _missed_parts(row, zh: bool) -> dict:
    """What :func:`problems` says of one target missed: its label, 约束性 mark, region, indicator, the incidents of a
    零发生 target, else the target year's value, the target, the gap (``差…`` / ``… short``, a ceiling exceeded
    ``… above it``), a mid-term adjustment against the first target, and why (:func:`missed_why`)."""
    x = _Row(row)
    out = {"label": x.c["label"], "attr": (("（约束性）" if zh else " (binding)") if row.binding else ""),
           "region": str(row.raw.get("region") or ""), "indicator": indicator_label(row),
           "spoken": indicator_label(row, spoken=True),
           "incidents": incidents_missed(x.r.get("note"), x.lang)}
    if out["incidents"]:
        return out
    value = x.u("current_value") if x.gap else x.u("forecast_value")
    if x.preliminary:
        value = f"{x.pre_word}数{value}" if zh else f"{value} (preliminary)"
    gap = with_pace_unit(x.c["remaining"], x.unit, x.lang) if x.has("remaining") and not _is_zero(x.c["remaining"]) \
        else ""  # a rate's gap in points (0.1个百分点)
    if gap:
        gap = f"差{gap}" if zh else f"{gap} {'above it' if x.direction == '<=' else 'short'}"
    said = _value_said(x, value, zh)
    adjusted = x.c.get("target_original", MISSING) != MISSING
    first, first_met = "", None
    if adjusted:
        signed, figure = x.c["target_signed"], x.c["target_value"]
        sign = signed[:-len(figure)] if figure and signed.endswith(figure) else ""
        first = with_unit(sign + x.c["target_original_value"], x.unit, x.lang)
        met = x.c.get("original_met", MISSING)
        first_met = None if met == MISSING else met == "met"
    why = missed_why(x, gap_said=bool(gap)) or realised_change(x.r, x.lang, closed=not x.interpolated and not x.gap)
    planned = x.pu("planned_pace") if x.c.get("planned_pace", MISSING) != MISSING else ""
    # the pace the plan needed, said first in missed_why: said once for an indicator's regions that share it
    needed = (f"规划要求年均{planned}，" if zh else f" The plan needed {planned} a year; ") if planned else ""
    out.update(value=value, said=said, ty=x.c["target_year"], target=x.u("target"), gap=gap, adjusted=adjusted, first=first,
               first_met=first_met, why=why, planned=planned if needed and why.startswith(needed) else "",
               needed=needed)
    return out


def _value_said(x: "_Row", value: str, zh: bool) -> str:
    """The figure a target missed is judged on, with its year: ``2025年97.5%`` (``97.5% in 2025``); a 〈〉 target's is a
    sum over the period, said so -- ``2021—2025年累计1.6亿元`` (``1.6亿元 summed over 2021-2025``), its years reported
    only when some are missing (``2021—2025年已报送年份累计``) --, never one year's figure."""
    ty = x.c["target_year"]
    if x.kind != "increment":
        return f"{ty}年{value}" if zh else f"{value} in {ty}"
    by = x.r.get("baseline_year")
    first = None if is_missing(by) else int(by) + 1
    span = (f"{first}—{ty}年" if zh else f"{first}-{ty}") if first is not None and str(first) != str(ty) else \
        (f"{ty}年" if zh else f"{ty}")
    if zh:
        return f"{span}{'已报送年份' if x.gap else ''}累计{value}"
    return f"{value} summed over {'the years reported of ' if x.gap else ''}{span}"


def _first_target_said(p: dict, zh: bool) -> str:
    """An adjusted target's first one and how the figure stands against it: ``对照原目标（≥100项）已达到``."""
    if not p["adjusted"]:
        return ""
    if zh:
        said = {True: "已达到", False: "亦未达到", None: ""}[p["first_met"]]
        return f"对照原目标（{p['first']}）{said}" if said else f"原目标为{p['first']}"
    said = {True: "was met", False: "was missed too", None: ""}[p["first_met"]]
    return f"the first target ({p['first']}) {said}" if said else f"the first target was {p['first']}"


def _missed_line(p: dict, zh: bool) -> str:
    """One target missed, one line of :func:`problems`."""
    if p["incidents"]:
        return (f"{p['label']}{p['attr']}：{p['incidents']}，未实现零发生。" if zh else
                f"{p['label']}{p['attr']}: {p['incidents']}, so the target of none at all was missed.")
    first = _first_target_said(p, zh)
    if zh:
        gap = f"，{p['gap']}" if p["gap"] else ""
        first = f"；{first}" if first else ""
        return (f"{p['label']}{p['attr']}：{p['said']}，未达到{'中期调整后' if p['adjusted'] else ''}目标"
                f"（{p['target']}）{gap}{first}。{p['why']}")
    gap = f", {p['gap']}" if p["gap"] else ""
    first = f"; {first}" if first else ""
    return (f"{p['label']}{p['attr']}: {p['said']} against the "
            f"{'mid-term adjusted ' if p['adjusted'] else ''}target ({p['target']}){gap}{first}.{p['why']}")


def _clause_of(why: str, zh: bool) -> str:
    """A :func:`missed_why` sentence as a clause inside a region's figures (no full stop of its own)."""
    why = why.strip()
    if zh:
        return why.rstrip("。").replace("。", "，")
    why = why.rstrip(".")
    return why[:1].lower() + why[1:] if why[:1].isupper() and not why[1:2].isupper() else why


def _missed_grouped(missed: list, grouping, zh: bool) -> list[str]:
    """:func:`problems`'s targets missed in a report of several regions: one line per indicator (binding first, then
    the plan's order), the indicator said once, then its regions' figures -- ``食品抽检合格率（约束性）：8个地区未达到目标
    （≥98%）。第5区2025年97.5%，差0.5个百分点，规划要求年均+0.20个百分点，…；第6区…。`` An indicator missed in one
    region only keeps the line of one target."""
    groups: dict = {}
    for row in missed:
        p = _missed_parts(row, zh)
        groups.setdefault((not row.binding, p["indicator"]), []).append(p)
    order = getattr(grouping, "order", None) or {}
    out = []
    for (_, key), ps in sorted(groups.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], len(order)))):
        name = ps[0]["spoken"]
        if len(ps) == 1:
            out.append(_missed_line(ps[0], zh))
            continue
        k, attr = len(ps), ps[0]["attr"]
        counted = [p for p in ps if not p["incidents"]]
        targets = {p["target"] for p in counted}
        common = len(targets) == 1 and not any(p["adjusted"] for p in counted)
        target = f"（{next(iter(targets))}）" if common and zh else f" ({next(iter(targets))})" if common else ""
        # one target and one pace needed in every region (the same baseline): said once, before the regions
        paces = {p["planned"] for p in counted}
        planned = next(iter(paces)) if common and len(paces) == 1 and len(counted) == k else ""
        if planned:
            target += f"，规划要求年均{planned}" if zh else f", which needed {planned} a year"
        clauses = []
        for p in ps:
            if p["incidents"]:
                clauses.append(f"{p['region']}{p['incidents']}，未实现零发生" if zh else
                               f"{p['region']}: {p['incidents']}, so none at all was missed")
                continue
            first = _first_target_said(p, zh)
            why = p["why"][len(p["needed"]):] if planned else p["why"]
            why = _clause_of(why, zh) if why else ""
            if zh:
                c = f"{p['region']}{p['said']}"
                if not common:
                    c += f"，未达到{'中期调整后' if p['adjusted'] else ''}目标（{p['target']}）"
                c += "".join(f"，{t}" for t in (p["gap"], first, why) if t)
            else:
                c = f"{p['region']}: {p['said']}"
                if not common:
                    c += f" against the {'mid-term adjusted ' if p['adjusted'] else ''}target ({p['target']})"
                c += "".join(f", {t}" for t in (p["gap"], first) if t) + (f" ({why})" if why else "")
            clauses.append(c)
        if not counted:
            head = f"{k}个地区未实现零发生" if zh else f"{k} regions had incidents against a target of none at all"
        else:
            head = f"{k}个地区未达到目标{target}" if zh else f"{k} regions missed the target{target}"
        out.append(f"{name}{attr}：{head}。" + "；".join(clauses) + "。" if zh else
                   f"{name}{attr}: {head}. " + "; ".join(clauses) + ".")
    return out


def _adjusted_sentence(rows: list, zh: bool) -> str:
    """The targets adjusted mid-term (:func:`adjusted_said`), counted and named with their first and adjusted
    targets, and those the adjustment turned from missed to met: ``1项指标目标经中期调整（企业标准：原目标〔117〕，调整为
    〔100〕），按调整后目标评价；对照原目标，企业标准未达到。``"""
    adjusted = [r for r in rows if r.cells.get("target_original") is not None and not r.cells["target_original"].missing]
    if not adjusted:
        return ""
    def pair(r):
        first, now = r.cells["target_original"].text, r.cells["target"].text.rstrip("ᵃ")
        return f"{r.spoken}：原目标{first}，调整为{now}" if zh else f"{r.spoken}: first {first}, adjusted to {now}"
    # judged against the first target only once the target year is observed, as the row says it (adjusted_said): a
    # 中期评估's 提前实现 is no verdict, its row says nothing of the first target either
    short = [r for r in adjusted if r.cells.get("original_met") is not None and r.cells["original_met"].text == "missed"
             and r.category == "completed"]
    if zh:
        s = f"{len(adjusted)}项指标目标经中期调整（" + "；".join(pair(r) for r in adjusted) + "），按调整后目标评价"
        if short:
            s += "；对照原目标，" + "、".join(r.spoken for r in short) + "未达到"
        return s + "。"
    s = (f" {len(adjusted)} target{'s were' if len(adjusted) != 1 else ' was'} adjusted mid-term ("
         + "; ".join(pair(r) for r in adjusted) + ") and judged against the adjusted figure")
    if short:
        s += "; against the first target " + ", ".join(r.spoken for r in short) + " fell short"
    return s + "."


def _departure_sentence(rows: list, zh: bool) -> str:
    """The targets whose forecast follows the indicator's other regions, their own trend running against theirs
    (``assess``'s note, :func:`departs_from_peers`), named: their probability is for reference only. Empty when
    there is none (or their target year is observed: nothing is forecast)."""
    named = [r for r in rows if departs_from_peers(r.raw.get("note")) and not _closed(r)]
    if not named:
        return ""
    if zh:
        return (f"{'、'.join(prose_name(r) for r in named)}的走势与同指标其他地区明显不同，预测主要依据其他地区的趋势，"
                "实现概率及评价仅供参考。")
    return (f" The trend of {'; '.join(r.spoken for r in named)} runs against the indicator's other regions: the "
            "forecast follows theirs, so the probability and assessment are for reference only.")


def _baseline_preliminary_sentence(rows: list, zh: bool) -> str:
    """The baselines the plan wrote as preliminary (``baseline_preliminary``: 2025年基数（预计）), counted and named,
    progress to be recomputed on the final figures; empty when there is none. A 〈〉 row's baseline (its sum
    at the base year, 〈0〉) is no preliminary figure (:func:`~.model.baseline_preliminary_suffix`)."""
    marked = [r for r in rows if flagged(r.raw.get("baseline_preliminary")) and r.raw.get("kind") != "increment"]
    replaced = [r for r in rows if not is_missing(r.raw.get("baseline_planned")) and r.cells["baseline"].text != MISSING]
    s = ""
    if marked:
        words = list(dict.fromkeys(preliminary_word(r.raw.get("baseline_preliminary_mark") or "预计") for r in marked))
        if zh:
            s = (f"基期值中{len(marked)}项为{'或'.join(w + '数' for w in words)}（{'、'.join(prose_name(r) for r in marked)}），"
                 "基期年正式数据发布后应替换基期值并重新计算目标进度。")
        else:
            s = (f" {len(marked)} baseline{'s are' if len(marked) > 1 else ' is'} preliminary "
                 f"({'; '.join(r.spoken for r in marked)}): progress is to be recomputed on the final base-year figures.")
    if replaced:  # a plan baseline written 预计 that the history's base-year figure replaced (assess's baseline_planned)
        said = [(r, _planned_text(r), r.cells["baseline"].text) for r in replaced]
        if zh:
            def one(r, planned, shown):
                unit = prose_unit(r.raw.get("unit"), "zh")
                if planned == shown:
                    return f"{prose_name(r)}{with_unit(shown, unit, 'zh')}，与规划预计数相同"
                return f"{prose_name(r)}规划预计{with_unit(planned, unit, 'zh')}，按{with_unit(shown, unit, 'zh')}计"
            s += (f"{'另有' if marked else ''}{len(replaced)}项基期值按基期年数据计算，不再是规划编制时的预计数（"
                  + "；".join(one(*x) for x in said) + "）。")
        else:
            s += (f" {len(replaced)} baseline{'s' if len(replaced) > 1 else ''} written as preliminary in the plan "
                  f"{'are' if len(replaced) > 1 else 'is'} counted from the base year's figure instead ("
                  + "; ".join(f"{r.spoken}: {shown}, as in the plan" if planned == shown else
                              f"{r.spoken}: {shown}, {planned} in the plan" for r, planned, shown in said) + ").")
    return s


def _planned_text(row) -> str:
    """The plan's own (preliminary) baseline of a row whose baseline the history's figure replaced, with the
    decimals the baseline shown has (3.05 beside 3.07)."""
    shown = row.cells["baseline"].text
    decimals = len(shown.partition(".")[2]) if shown != MISSING else 0
    return number_text(float(row.raw["baseline_planned"]), decimals)


def _preliminary_sentence(rows: list, zh: bool, regions: list[str] | None = None) -> str:
    """The targets judged on a preliminary figure (快报 …: ``last_preliminary``), named, and among them those whose
    verdict may change with the final figure (``preliminary_close``); empty when there is none. A target not
    judged (数据不足) rests on nothing: not counted (a base-year report's baselines written 预计 are said by
    :func:`_baseline_preliminary_sentence`). Of several ``regions`` (:func:`group_regions`) the lists are grouped
    as the paragraph's others: a region whose every judged target is preliminary said once
    (韶关市、梅州市、阳江市、清远市4个地区2025年数据为快报数), the rest once per indicator with its regions
    (:func:`grouped_by_indicator`) -- never 60 names one by one."""
    marked = [r for r in rows if flagged(r.raw.get("last_preliminary"))
              and r.category not in ("insufficient_data", NOT_STARTED)]  # judged on nothing: 规划期未开始 too
    if not marked:
        return ""
    close = [r for r in marked if flagged(r.raw.get("preliminary_close"))]
    words = {preliminary_word(r.raw.get("preliminary_mark")) for r in marked}
    word = words.pop() if len(words) == 1 else "初步"
    if regions:
        named, close_named = _preliminary_grouped(rows, marked, close, regions, zh, word)
    else:
        named = ("、" if zh else "; ").join(prose_name(r) if zh else r.spoken for r in marked)
        close_named = ("、" if zh else "; ").join(prose_name(r) if zh else r.spoken for r in close)
    if zh:
        s = f"评价所依据的数据中，{len(marked)}项为{word}数（{named}），正式数据发布后可能修订"
        if close:
            s += f"；其中{len(close)}项（{close_named}）与目标接近，评价可能随正式数据改变"
        return s + "。"
    s = (f" {len(marked)} assessment{'s rest' if len(marked) > 1 else ' rests'} on preliminary figures "
         f"({named}), which may be revised")
    if close:
        s += (f"; {len(close)} of them ({close_named}) close to the target may change with the "
              "final figure")
    return s + "."


def _preliminary_grouped(rows: list, marked: list, close: list, regions: list[str], zh: bool,
                         word: str) -> tuple[str, str]:
    """What :func:`_preliminary_sentence` names of several regions: ``(marked, close)``. The regions whose every
    judged target rests on a preliminary figure first, said once with the year(s) of those figures
    (``韶关市、梅州市2个地区2025年数据为快报数``; past :data:`GROUP_REGIONS_NAMED` regions ``…等12个地区``, every region
    ``全部19个地区…``), then the other targets once per indicator (:func:`grouped_by_indicator`)."""
    lang = "zh" if zh else "en"
    judged = [r for r in rows if r.category not in ("insufficient_data", NOT_STARTED)]
    by_region: dict[str, list] = {}
    for r in judged:
        by_region.setdefault(str(r.raw.get("region")), []).append(r)
    marked_ids = {id(r) for r in marked}
    whole = [g for g in regions if by_region.get(g) and all(id(r) in marked_ids for r in by_region[g])]
    # one region's one preliminary target is no "region's data": named with its indicator below
    whole = [g for g in whole if len(by_region[g]) > 1]
    parts = []
    if whole:
        years = sorted({int(r.raw["last_year"]) for g in whole for r in by_region[g]
                        if not is_missing(r.raw.get("last_year"))})
        k = len(whole)
        if zh:
            said = (f"全部{k}个地区" if k == len(regions) else
                    "、".join(whole[:GROUP_REGIONS_NAMED]) + (f"等{k}个地区" if k > GROUP_REGIONS_NAMED else
                                                               f"{k}个地区" if k > 1 else ""))
            parts.append(f"{said}{'、'.join(f'{y}年' for y in years)}数据均为{word}数")
        else:
            said = (f"all {k} regions" if k == len(regions) else ", ".join(whole[:GROUP_REGIONS_NAMED])
                    + (f" and {k - GROUP_REGIONS_NAMED} more regions" if k > GROUP_REGIONS_NAMED else ""))
            parts.append(f"every figure{' for ' + ', '.join(map(str, years)) if years else ''} of {said}")
    in_whole = set(whole)
    rest = [r for r in marked if str(r.raw.get("region")) not in in_whole]
    if rest:
        listed = grouped_by_indicator(rest, regions, lang, named=GROUP_REGIONS_NAMED)
        parts.append(("另" if whole else "") + "、".join(listed) if zh else
                     ("also " if whole else "") + "; ".join(listed))
    close_named = ("、" if zh else "; ").join(grouped_by_indicator(close, regions, lang, named=GROUP_REGIONS_NAMED))
    return ("；" if zh else "; ").join(parts), close_named


def _totals_sentence(report, total_rows: list) -> str:
    """The table's own total rows (合计 beside the regions), said apart from the counts above:
    ``表中合计行3个指标值另列，不计入以上统计：快于预期2项、滞后1项。``; empty without them."""
    if not total_rows:
        return ""
    zh = report.lang == "zh"
    counts: dict = {}
    for r in total_rows:
        counts[r.category] = counts.get(r.category, 0) + 1
    order = (*CLOSED_CATEGORIES, *OPEN_CATEGORIES, "insufficient_data")
    words = {**CATEGORY_WORDS["zh"], "insufficient_data": CATEGORY_ZH["insufficient_data"]} if zh else \
        {**CATEGORY_WORDS["en"], "insufficient_data": "insufficient data"}
    split = [(words[c], counts[c]) for c in order if counts.get(c)]
    totals = list(getattr(report, "totals", None) or _own_regions(report)[1])
    named = "、".join(totals) if zh else ", ".join(totals)
    if zh:
        return (f"表中{named}行{len(total_rows)}个指标值另列，不计入以上统计：" + "、".join(f"{w}{k}项" for w, k in split)
                + "。")
    return (f" The table's own {named} rows ({counted_en(len(total_rows), 'target')}) are not counted above: "
            + ", ".join(f"{k} {w}" for w, k in split) + ".")


#: regions named in the overall paragraph's sentence on where targets lag, at most
REGIONS_NAMED = 5


#: what the sentence on regions calls the targets it counts, by the columns of the 分地区汇总 present
LAGGING_WORDS = {("behind",): ("滞后指标", "targets behind schedule"),
                 ("not_completed",): ("未完成指标", "targets not achieved"),
                 ("not_completed", "behind"): ("未完成或滞后的指标", "targets not achieved or behind schedule")}


def _regions_behind(report) -> str:
    """For a report covering several regions: where the targets behind schedule (滞后) or, with the
    target year observed, not achieved (未完成) are, most first; the table's own total (合计, 全市:
    :func:`_own_regions`) is no place and is left out."""
    t = getattr(report, "by_region", None)
    if t is None or t.empty:
        return ""
    _, totals = _own_regions(report)
    t = t[~t["region"].astype(str).isin(totals)]
    cols = tuple(c for c in ("not_completed", "behind") if c in t)
    if t.empty or not cols:
        return ""
    zh = report.lang == "zh"
    word_zh, word_en = LAGGING_WORDS[cols]
    t = t.assign(lagging=t[list(cols)].sum(axis=1))
    behind = t[t["lagging"] > 0].sort_values("lagging", ascending=False, kind="stable")
    if behind.empty:
        return f"分地区看，各地区均无{word_zh}。" if zh else f" No region has {word_en}."
    named = behind.head(REGIONS_NAMED)
    if zh:
        s = f"分地区看，{word_zh}分布在" + "、".join(f"{r}（{n}项）" for r, n in zip(named["region"], named["lagging"]))
        return s + (f"等{len(behind)}个地区。" if len(behind) > len(named) else "。")
    s = f" By region, {word_en} are in " + ", ".join(f"{r} ({n})" for r, n in zip(named["region"], named["lagging"]))
    return s + (f" and {len(behind) - len(named)} more regions." if len(behind) > len(named) else ".")


#: the rules of the categories (:mod:`mstarget.schedule`, :func:`~.model.report_category`), as the notes state them
MIDTERM_RULE = {
    "zh": "已达到目标为提前实现；目标进度高于时间进度5个百分点以上且实现概率不低于50%为快于预期；低于时间进度"
          "5个百分点以上且实现概率低于50%为滞后；其余为基本符合预期；目标进度无法计算的（如规划未给出基期值，或基期值"
          "已处于目标一侧），按实现概率评价：不低于50%为基本符合预期，低于50%为滞后",
    "en": "already at the target = achieved early; progress at least 5 points above time elapsed with P >= 50% = "
          "ahead; at least 5 points below with P < 50% = behind; otherwise broadly on schedule; where progress "
          "cannot be computed (no baseline, or a baseline already on the target's side), by the probability alone: "
          "P >= 50% = broadly on schedule, P < 50% = behind",
}
FINAL_RULE = {"zh": "目标年已有实际数据的指标按目标年实际值评价：达到目标为已完成，未达到为未完成",
              "en": "a target whose target year is observed is judged on that year's value: achieved or not achieved"}
NO_DATA_RULE = {"zh": "基期以后尚无数据的为数据不足。", "en": "no observation after the base year = insufficient data."}
#: the same rule when a target year is past without its value (:func:`~.model.target_year_awaited`)
NO_DATA_AWAITED_RULE = {"zh": "基期以后尚无数据的，以及目标年已过但尚无目标年实际数据的（表中为预测值，仅供参考），为数据不足。",
                        "en": "no observation after the base year, or the target year past without its value "
                              "(the table shows a forecast, for reference only) = insufficient data."}


#: the rule of a report made before the plan period starts (基期情况)
NOT_STARTED_RULE = {"zh": "评价口径（基期情况）：规划期尚未开始、尚无规划期数据的指标记为规划期未开始，不评价进度；目标年预测值及实现概率"
                          "按基期及以前数据的趋势外推，仅供参考，预计完成情况按实现概率表述。",
                    "en": "Assessment (base-year position): a target without data of the plan period, which has not "
                          "started, reads period not started and is not judged; its forecast and probability extend "
                          "the trend up to the base year, for reference only, and its outlook says the probability in "
                          "words."}


#: ... and of such a report dated in the period's first year (December 2026 of a 2026-2030 plan): the period has
#: begun, its first year's full-year figures are not yet published
NOT_STARTED_UNDER_WAY_RULE = {
    "zh": "评价口径（基期情况）：规划期已开始，但首年（{0}年）全年数据尚未发布，尚无规划期全年数据的指标记为规划期未开始（即尚无规划期"
          "全年数据），不评价进度；目标年预测值及实现概率按基期及以前数据的趋势外推，仅供参考，预计完成情况按实现概率表述。",
    "en": "Assessment (base-year position): the plan period has begun, but the full-year figures of its first year "
          "({0}) are not yet published; a target without a full year of the period reads period not started (no "
          "full-year data of the period yet) and is not judged; its forecast and probability extend the trend up "
          "to the base year, for reference only, and its outlook says the probability in words."}


#: where the categories of a plan under way come from, as a report says it: the NDRC's mid-term
#: vocabulary, which a yearly check (年度监测, :func:`~.model.evaluation_kind`) follows without being one
VOCABULARY = {"zh": {"annual": "参照国家发展改革委规划评估用语", "baseline": "参照国家发展改革委规划评估用语"},
              "en": {"annual": "after the NDRC plan-evaluation vocabulary",
                     "baseline": "after the NDRC plan-evaluation vocabulary"}}
VOCABULARY_DEFAULT = {"zh": "国家发展改革委中期评估用语", "en": "NDRC mid-term vocabulary"}


def rule_note(report) -> str:
    """The note stating how targets are categorised: the mid-term rules (国家发展改革委中期评估用语; a
    年度监测 applies them 参照国家发展改革委规划评估用语, calling itself no 中期), those of a final
    evaluation (总结评估: 已完成 / 未完成) when every assessed target's year is observed, or both in a
    report mixing the two."""
    cats = {r.category for r in report.rows}
    if NOT_STARTED in cats:
        first = getattr(report, "first_year_under_way", None)
        return NOT_STARTED_RULE[report.lang] if first is None else NOT_STARTED_UNDER_WAY_RULE[report.lang].format(first)
    # the awaited rows' forecast said only where the table shows one (a 总结评估's row without data after its
    # base year shows none: –)
    no_data = NO_DATA_AWAITED_RULE if any(_awaited(r) and "forecast" in r.cells and r.cells["forecast"].text != MISSING
                                          for r in report.rows) else NO_DATA_RULE
    closed = bool(cats & {"completed", "not_completed"})
    # (a 待定 row is judged by no rule: it makes no 总结评估 one of a plan under way)
    # (nor does a 定性 row, which no rule of the two judges: 另行评价)
    under_way = bool(cats - {"completed", "not_completed", "insufficient_data", TARGET_PENDING, QUALITATIVE}) \
        or not closed
    lang = report.lang
    words = VOCABULARY[lang].get(getattr(report, "kind", ""), VOCABULARY_DEFAULT[lang])
    final = getattr(report, "kind", "") == "final"  # a 总结评估 whose rows all lack their data keeps its own rule
    if lang == "zh":
        if not closed and final:
            return f"评价口径（总结评估）：{FINAL_RULE['zh']}；{no_data['zh']}"
        if not closed:
            return f"评价口径（{words}）：{MIDTERM_RULE['zh']}；{no_data['zh']}"
        if not under_way:
            return f"评价口径（总结评估）：{FINAL_RULE['zh']}；{no_data['zh']}"
        return (f"评价口径：{FINAL_RULE['zh']}；目标年尚无实际数据的指标按{words.removeprefix('参照')}评价，"
                f"{MIDTERM_RULE['zh']}；{no_data['zh']}")
    if not closed and final:
        return f"Assessment (final evaluation): {FINAL_RULE['en']}; {no_data['en']}"
    if not closed:
        return f"Assessment ({words}): {MIDTERM_RULE['en']}; {no_data['en']}"
    if not under_way:
        return f"Assessment (final evaluation): {FINAL_RULE['en']}; {no_data['en']}"
    return (f"Assessment: {FINAL_RULE['en']}; the other targets in the {words.removeprefix('after the ')}: "
            f"{MIDTERM_RULE['en']}; {no_data['en']}")


#: what the forecast column holds once target years are observed (beside forecasts, or only them)
FORECAST_NOTE = {
    "zh": ("目标年预测值按历年趋势模拟测算，80%区间表示预测值有八成把握落在该范围内；实现概率为模拟中达到目标的比例。",
           "目标年实际值/预测值：目标年已有实际数据的为实际值（目标年缺数而前后年份有数据的按插值估计，标“插值”，仅供参考，不据此评价），80%区间和"
           "实现概率记为“–”；其余为预测值（标“预测”），按历年趋势模拟测算，80%区间表示预测值有八成把握落在该范围内，"
           "实现概率为模拟中达到目标的比例。",
           "目标年实际值为目标年的实际数据（目标年缺数而前后年份有数据的按插值估计，标“插值”，仅供参考，不据此评价）。"),
    "en": ("Forecast: median of the forecast sample paths in the target year; 80% range: their 10th to 90th "
           "percentile; P(target met): share of paths meeting the target (calibrated out of sample).",
           "Target-year value: the observed value where the target year is observed (interpolated between "
           "observations where that year is missing, marked \"interpolated\", for reference only and not judged), its 80% range and probability shown as \"–\"; otherwise a "
           "forecast (marked \"forecast\"): the median of the forecast sample paths, 80% range their 10th to "
           "90th percentile, P(target met) the share of paths meeting the target (calibrated out of sample).",
           "Target-year value: the value observed in the target year (interpolated between observations where "
           "that year is missing, marked \"interpolated\", for reference only and not judged)."),
}


#: the forecast note's exception for a target year observed but counted with an estimate of a year not reported
#: (插值累计 5.10, 数据不足): (what the note says, what it says then)
ESTIMATE_NOTE = {
    "zh": ("80%区间和实现概率记为“–”；", "80%区间和实现概率记为“–”（评价为数据不足而标“插值”的，为含未报送年份估计值的数值，"
                                  "其80%区间和实现概率按估计值计算，仅供参考）；"),
    "en": ("its 80% range and probability shown as \"–\";", "its 80% range and probability shown as \"–\" (one rated "
           "insufficient data and marked \"interpolated\" counts an estimate of a year not reported: its range and "
           "probability count that estimate, for reference only);"),
}


def _estimate_of_target_year(row) -> bool:
    """The row's target-year figure counts an estimate of a year not reported (插值累计 5.10), the row still
    under way (数据不足): the table gives its range and probability."""
    r = row.raw
    split = set(years_of(r.get("split_years")))
    gap = [y for y in years_of(r.get("unreported_years")) if y not in split]
    ly, ty = r.get("last_year"), r.get("target_year")
    return bool(gap) and not _closed(row) and not is_missing(ly) and not is_missing(ty) and int(ly) >= int(ty)


#: the paces of a report made before the plan period starts: the observed one is the history's up to the base year
NOT_STARTED_PACES = {"zh": "尚需年均变化为自基期至目标年每年需要的变化量（基期已达到目标的记为“已达到”），已观测年均变化为基期及以前"
                           "历史数据的年均变化量（〈〉类为年均新增量），为0的即持平。",
                     "en": " Required change per year: what each year from the base year to the target year needs "
                           "(\"met\" when the baseline meets the target); observed change per year: that of the history up "
                           "to the base year; 0 means level."}


#: the note on the rows whose target is not set yet (目标待定), in every kind of report that has one
PENDING_NOTE = {"zh": "目标待定：规划目标栏为“待定”“另行确定”等、目标值尚未确定的指标，仅列示最新值、目标年预测值及80%区间，"
                      "供确定目标值参考，不计算实现概率、不作评价，不计入数据不足；其扇形图无目标线。",
                "en": "Target not set yet: a target the plan leaves to be decided (待定, 另行确定) shows its latest value and "
                      "the target year's forecast with its 80% range, to help set it; it has no probability and no "
                      "assessment, is not counted as insufficient data, and its fan chart has no target line."}


#: the same note in a 总结评估 whose every 目标待定 row has its target year observed: nothing is forecast
PENDING_OBSERVED_NOTE = {"zh": "目标待定：规划目标栏为“待定”“另行确定”等、目标值未确定的指标，仅列示目标年实际值，不作评价，"
                               "不计入数据不足。",
                         "en": "Target not set: a target the plan left to be decided (待定, 另行确定) shows its target "
                               "year's value; it has no assessment and is not counted as insufficient data."}


def _pending_note(report) -> list[str]:
    """:data:`PENDING_NOTE` when a row's target is not set yet (目标待定), else nothing
    (:data:`PENDING_OBSERVED_NOTE` when every such row's target year is observed)."""
    rows = [r for r in report.rows if r.category == TARGET_PENDING]
    if not rows:
        return []
    return [(PENDING_OBSERVED_NOTE if all(_pending_observed(r) for r in rows) else PENDING_NOTE)[report.lang]]


def _not_started_notes(report, n_charts: int, n_drawable: int | None = None) -> list[str]:
    """The notes of a report made before the plan period starts: its rule (:data:`NOT_STARTED_RULE`), what the
    forecast columns and paces hold, the fan charts' legend."""
    lang, n = report.lang, len(report.rows)
    notes = [rule_note(report), *_pending_note(report), FORECAST_NOTE[lang][0] + NOT_STARTED_PACES[lang]]
    if n_charts:
        notes.append("扇形图：深浅色带依次为50%、80%、95%预测区间，虚线为目标值，竖虚线为目标年，圆点为实际值，空心方块为基期值。"
                     if lang == "zh" else
                     "Fan charts: bands are the 50%, 80% and 95% forecast intervals; the dashed line is the target, "
                     "the dotted vertical line the target year, dots are observations, the open square the baseline.")
    if 0 < n_charts < (n if n_drawable is None else n_drawable):
        notes.append(f"为控制篇幅，扇形图仅列出{n_charts}项（约束性指标及风险最高的指标），总览图覆盖全部{n}项。" if lang == "zh"
                     else f"To keep the report short, fan charts cover {counted_en(n_charts, 'target')} (binding ones and the most "
                          f"at risk); the overview chart covers all {n}.")
    return notes


def method_notes(report, *, n_charts: int, n_drawable: int | None = None) -> list[str]:
    """How to read the figures (definitions, rules, what the charts show); a report whose target years
    are observed says what its 目标年实际值/预测值 column holds, and one whose every target year is
    observed defines no forecast, probability or pace still needed. ``n_charts``: the fan charts (指标图)
    drawn; with none (no sample paths given, ``details=None``) neither their legend nor the note on how
    many are drawn is given. ``n_drawable``: the rows with something to draw (default every row); the note that
    the charts were cut to ``n_charts`` is given only when fewer than these are drawn."""
    n = len(report.rows)
    cap = n if n_drawable is None else n_drawable
    if n and getattr(report, "not_started", all(r.category == NOT_STARTED for r in report.rows)):
        # a 基期情况 report (qualitative rows aside): no progress to define
        return _not_started_notes(report, n_charts, n_drawable)
    observed = getattr(report, "observed_targets", False)
    every = getattr(report, "all_observed", False)
    # only the columns the table shows are explained (a 总结评估 has no 时间进度, 实现概率, 尚需年均变化 ...)
    shown = report.shown_columns() if hasattr(report, "shown_columns") else \
        {"time_share", "forecast", "range_80", "p_meet", "required_pace", "observed_pace"}
    settled = every or not {"range_80", "p_meet"} & shown  # no forecast column of a plan under way
    forecast = FORECAST_NOTE[report.lang][2 if settled else 1 if observed else 0] \
        if "forecast" in shown or not settled else ""
    # fan charts (bands) only where a row charted is still under way; else charts of observed values
    fans = any(report.rows[k].category not in ("completed", "not_completed") for k in report.charted) \
        if hasattr(report, "charted") else not every
    if observed and not every and any(_estimate_of_target_year(r) for r in report.rows):
        # 插值累计 5.10 | 4.69–5.65 | 63%: a figure counting an estimate of a year not reported keeps its range
        forecast = forecast.replace(*ESTIMATE_NOTE[report.lang])
    if report.lang == "zh":
        progress = ("目标进度：最新值较基期完成的目标增量（或降幅）比例，〈〉期间新增类指标为基期以来累计完成量占目标的比例。")
        paces = ("尚需年均变化为自最新年份至目标年每年还需的变化量（已达到目标的记为“已达到”），"
                 if "required_pace" in shown else "") + \
            ("已观测年均变化为基期以来的年均变化量（〈〉类为年均新增量），为0的即持平。" if "observed_pace" in shown else "")
        notes = [
            "时间进度：最新数据年份距基期的年数占规划期（基期至目标年）的比例；" + progress if "time_share" in shown
            else progress,
            rule_note(report) + "".join(_pending_note(report)),
            forecast + paces,
            "扇形图：深浅色带依次为50%、80%、95%预测区间，虚线为目标值，竖虚线为目标年，圆点为实际值，"
            "空心方块为基期值。" if fans else "指标图：圆点为实际值，空心方块为基期值，虚线为目标值，竖虚线为目标年。",
        ][:None if n_charts else 3]  # no chart drawn: nothing to read in one
        notes = [n for n in notes if n]
        if 0 < n_charts < cap:
            notes.append(f"为控制篇幅，{'扇形图' if fans else '指标图'}仅列出{n_charts}项（约束性指标及风险最高的指标），"
                         f"总览图覆盖全部{n}项。")
        if _averaged(report):
            notes.append("年均增长类指标（名称含“年均”“平均”的增速指标）按规划期各年增速的几何平均评价，不按目标年当年增速："
                         "已有年份按实际值，其余年份按预测；最新值、已观测年均变化为已报送年份的年均增速，尚需年均变化为剩余年份"
                         "需达到的年均增速，目标进度为已实现的累计增长占规划期所需累计增长的比例；图中各点仍为各年当年增速。")
        if forecast and not settled and _levels_held(report):
            notes.append(LEVEL_NOTE["zh"])
        return notes
    progress = ("Progress: share of the baseline-to-target change achieved; for 〈〉 targets, the sum since the "
                "base year over the target.")
    paces = (" Observed change per year: since the base year (for 〈〉 targets the yearly addition); 0 means level."
             if every else " Required change per year: what each year up to the target year still needs (\"met\" "
             "when the target is met); observed change per year: since the base year; 0 means level.")
    notes = [
        progress if every else "Time elapsed: years from the base year to the latest observation over the plan "
        "period (base year to target year). " + progress,
        rule_note(report) + "".join(" " + n for n in _pending_note(report)),
        forecast + paces,
        "Charts: dots are observations, the open square the baseline, the dashed line the target, the dotted "
        "vertical line the target year." if every else
        "Fan charts: bands are the 50%, 80% and 95% forecast intervals; the dashed line is the target, "
        "the dotted vertical line the target year, dots are observations, the open square the baseline.",
    ][:None if n_charts else 3]
    if 0 < n_charts < cap:
        notes.append(f"To keep the report short, {'charts' if every else 'fan charts'} cover {counted_en(n_charts, 'target')} "
                     f"(binding ones and the most at risk); the overview chart covers all {n}.")
    if _averaged(report):
        notes.append("Average growth targets (growth rates named 年均 / 平均) are judged on the compound average of the "
                     "plan period's yearly rates, not the target year's rate: observed years as observed, the rest "
                     "forecast; the latest value and the observed pace are the reported years' average, the required "
                     "pace what the remaining years must average, progress the share of the period's compound growth "
                     "achieved; the charts still show each year's rate.")
    if forecast and not settled and _levels_held(report):
        notes.append(LEVEL_NOTE["en"])
    return notes


def _averaged(report) -> bool:
    """Some row's target is a growth rate's period average (``average_years``)."""
    return any(isinstance(r.raw.get("average_years"), str) and r.raw.get("average_years") for r in report.rows)


#: how a rate of sampling inspections is forecast (``local_level``), said when some row still forecast is one
LEVEL_NOTE = {"zh": "抽检合格率、不合格率等抽检结果类指标按近年水平测算（各年抽检结果围绕该水平波动），不外推升降趋势；"
                    "近年逐年以大致相同幅度变化的，按趋势测算。",
              "en": "Rates of sampling inspections (pass and failure rates) are forecast at their recent level (each "
                    "year's samples scatter around it), with no rise or fall carried on; those that moved by about the "
                    "same step every year are forecast on their trend."}


def _levels_held(report) -> bool:
    """Some row still forecast is held at its recent level (``local_level``: :func:`_level_model`)."""
    return any(_level_model(r.raw.get("model")) and r.category not in ("completed", "not_completed")
               for r in report.rows)


# --------------------------------------------------------------------------------------------
# several regions: the summaries said per indicator (rendered by html / docx / xlsx)
# --------------------------------------------------------------------------------------------

BY_INDICATOR_CAPTION = {"zh": "分指标汇总（地区数）", "en": "By indicator (number of regions)"}
BY_INDICATOR_HEAD = {"zh": "指标", "en": "Indicator"}
BY_INDICATOR_TOTAL = {"zh": "合计", "en": "Total"}


def summary_groups(report) -> list[list[str]] | None:
    """The 分类汇总's 指标 cell of each of its rows (``report.summary``'s order) for a report of several regions:
    the targets of that category once per indicator with its regions (``食品抽检合格率（6个地区：东江市、…）``,
    ``智慧监管平台（全部18个地区）``; past :data:`SUMMARY_REGIONS_LISTED` counted, ``化肥使用量（112个地区）``, or
    ``（除…外的140个地区）``), one entry per indicator; ``None`` for one region (the cell lists the targets)."""
    regions = group_regions(report)
    if not regions:
        return None
    rows = list(getattr(report, "counted_rows", None) or report.rows)
    return [grouped_by_indicator([r for r in rows if r.category == cat], regions, report.lang,
                                 listed=SUMMARY_REGIONS_LISTED)
            for cat in report.summary["category"]] if len(report.summary) else []
