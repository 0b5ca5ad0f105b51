"""The report model: one assessment turned into what every rendering shows.

:func:`build_report` takes the table of :func:`mstarget.assess.assess_detailed` (and, for charts,
its per-row details) and returns a :class:`Report`: title, rows in display order (the plan's own order, as
the table note says: 表中指标按规划原顺序排列) with every figure already formatted once
(:mod:`.formatting`), a narrative per row and an overall paragraph (:mod:`.narrative`), the summary
by category and the unmatched rows (headers and the matcher's suggestions in the report's
language). HTML, XLSX and DOCX (:mod:`.html`, :mod:`.xlsx`, :mod:`.docx`) only lay this model out, so
the three files and the narrative cannot disagree.

Categories: ``assess``'s (:mod:`mstarget.schedule`: 提前实现 / 快于预期 / 基本符合预期 / 滞后 / 数据不足)
for a target under way; a target whose target year is observed reads 已完成 / 未完成
(:func:`report_category`). The title says what the report is (:func:`evaluation_kind`): 总结评估 when
every target year is past (``as_of``), 中期评估 when ``as_of`` is 30-70 % of the way through the plan
period (2022 or 2023 of a 2020-2025 plan), 基期（2025年）情况 when ``as_of`` is the base year or earlier (a
2026-2030 plan with data up to 2025: no year of the period to monitor yet), else that year's 年度监测
(2026年度监测 of a 2026-2030 plan);
a title given that names an evaluation itself (…中期评估) is used as given.
Such a row shows the target year's value as a fact: 目标年预测值 is that value, the 80 % range and the
probabilities are blank (–), its 预计完成情况 is – (:func:`outlook_text`) and its row's ``status`` cell (no
column of the table: the outlook replaced it) reads 已实现 / 未实现 (:func:`status_text`). An indicator listed
with several target years is named with the year (千人食品检验量（2022年目标）). A target year never reported, its
value only interpolated between the years around it, is no fact: the row is 数据不足 asking for that year, its
estimate shown marked (插值 12) for reference, with no range, probability or progress reckoned on it
(:func:`estimated_target_year`). A report run after every target year on data ending before it is the 总结评估
(:func:`evaluation_year`), its subtitle saying so (:data:`STALE_DATA`). A Chinese report names
the forecasting models in Chinese (:func:`model_name`) and writes its date 2026年12月5日.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from ..chart_choice import chart_selection, nothing_to_draw
from ..exceptions import ParameterError
from ..layout import PART_OF_YEAR
from ..assess import Thresholds, _none_at_all, evaluate_as_of
from ..matching import _SUB_ITEM, name_key, region_key, table_totals
from ..plan import DECIMALS_COLUMNS, NUMBER_COLUMNS, parse_cell, states_figure, strict_of, target_as_change
from ..plotting import cjk_font
from ..precision import written_decimals
from ..schedule import (CATEGORIES, CATEGORY_ZH, FINAL_CATEGORIES, FINAL_ZH, NOT_JUDGED, QUALITATIVE, TARGET_PENDING,
                        ScheduleRules, evaluation_categories,
                        evaluation_category, target_year_awaited)
from . import narrative
from .formatting import (
    MAX_DECIMALS,
    MET_PACE,
    MISSING,
    NOTATION_BRACKETS,
    Cell,
    as_written,
    compared_decimals,
    contains_cjk,
    count_band,
    excel_format,
    flagged,
    is_missing,
    level_decimals,
    notation_cell,
    number_cell,
    pace_cell,
    pace_decimals,
    part_year_label,
    percent_int,
    place_name,
    plan_figure_decimals,
    probability_cell,
    progress_cell,
    range_text,
    report_datetime,
    round_half_up,
    row_decimals,
    share_cell,
    written_row_decimals,
    preliminary_word,
    text_cell,
    whole_count,
    written_target,
    year_cell,
    years_of,
)

LANGS = ("zh", "en")

FINAL_EN = {"completed": "achieved", "not_completed": "not achieved"}
CATEGORY_EN = {"achieved": "achieved early", "ahead": "ahead of schedule",
               "on_schedule": "broadly on schedule", "behind": "behind schedule",
               "insufficient_data": "insufficient data"}
#: every category a report shows: those of :mod:`mstarget.schedule` and :data:`FINAL_CATEGORIES`
CATEGORY_LABELS = {"zh": {**FINAL_ZH, **CATEGORY_ZH}, "en": {**FINAL_EN, **CATEGORY_EN}}
CATEGORY_COLOURS = {"completed": "#006837", "not_completed": "#a50026",
                    "achieved": "#1a9850", "ahead": "#66bd63", "on_schedule": "#4575b4",
                    "behind": "#d73027", "insufficient_data": "#969696"}
#: the category of a row in a report made before the plan period starts (基期情况, :func:`evaluation_kind`): no year
#: of the period is observed yet, which is no lack of data (not 数据不足)
NOT_STARTED = "not_started"
CATEGORY_LABELS["zh"][NOT_STARTED] = "规划期未开始"
CATEGORY_LABELS["en"][NOT_STARTED] = "period not started"
CATEGORY_COLOURS[NOT_STARTED] = "#9ecae1"
#: a qualitative target (建成, 全面推行: read_plan's ``qualitative``): no figure, evaluated apart (定性指标，另行评价)
CATEGORY_LABELS["en"][QUALITATIVE] = "qualitative, evaluated separately"
CATEGORY_COLOURS[QUALITATIVE] = "#bdbdbd"
#: a target not set yet (目标待定: 待定 in a draft, read_plan's ``target_pending``): forecast, not judged, counted apart
#: -- never among the 数据不足 rows
CATEGORY_LABELS["en"][TARGET_PENDING] = "target not set yet"
CATEGORY_COLOURS[TARGET_PENDING] = "#807dba"
#: the target cell of a row whose target is not set yet, when the plan's own words are not at hand
PENDING_TARGET = {"zh": "待定", "en": "not set yet"}
#: what a 总结评估's 数据不足 row asks for: the years after the base year up to the target year without a figure
RESUBMIT = {"zh": "请补报{}数据。", "en": " Please report the figures of {}."}
#: what follows the 预计完成情况 of a target whose year is past, its value awaited: a forecast to be confirmed
AWAITED_OUTLOOK = {"zh": "（待确认）", "en": " (to be confirmed)"}
STATUS_ZH = {"met": "已实现", "on_track": "进展顺利", "at_risk": "存在风险", "off_track": "难以实现",
             "no_data": "无数据"}
STATUS_EN = {"met": "met", "on_track": "on track", "at_risk": "at risk", "off_track": "off track",
             "no_data": "no data"}
#: 风险状态 of a target whose target year is observed: met or not, no risk left to speak of
FINAL_STATUS = {"completed": {"zh": "已实现", "en": "met"}, "not_completed": {"zh": "未实现", "en": "not met"}}
#: 风险状态 of a target whose target year is past (``as_of``) but not observed: its value is still to come
AWAITED_STATUS = {"zh": "目标年数据暂缺", "en": "target-year value not yet available"}
#: what marks a forecast in the 目标年实际值/预测值 column of a report that also shows observed target years
FORECAST_MARK = {"zh": "预测", "en": "forecast"}
#: what marks a target year's value estimated between two observations (the year itself missing): 插值 12; and a
#: figure counting the estimate of a year not reported (a 〈〉 sum, a stock from yearly additions): 插值累计 5.10
INTERPOLATED_MARK = {"zh": "插值", "en": "interpolated"}
#: what follows a figure counted without a year the history does not report (a 〈〉 sum, a stock from yearly
#: additions, :func:`mstarget.assess.assess`'s ``unreported_years``): 3.90（缺2024年）, as progress counts it
UNREPORTED_MARK = {"zh": "（缺{}年）", "en": " (excl. {})"}
#: what follows a preliminary figure (:func:`mstarget.read_history`'s ``preliminary_mark``): 3.05（快报）
PRELIMINARY_MARK = {"zh": "（{}）", "en": " (preliminary)"}
#: what follows a 〈〉 row's sum at a year whose running total is not reported, split from the next reported total
#: (:func:`mstarget.assess.assess`'s ``split_years``): 3.25（插值）
SPLIT_MARK = {"zh": "（插值）", "en": " (interpolated)"}
#: the forecasting models (:func:`mstarget.models.available_models`) as a Chinese report names them;
#: ``auto:<id>`` is the model ``auto`` chose, ``fallback:<id>`` the one used when the chosen one failed
MODEL_ZH = {"arima": "ARIMA模型", "damped": "阻尼趋势", "drift": "漂移", "ensemble": "组合模型",
            "ets": "指数平滑（ETS）", "event_rate": "年度计数模型（泊松）", "global": "全局模型", "lgt": "局部-全局趋势",
            "linear": "线性趋势", "loglinear": "对数线性趋势", "naive": "朴素外推", "otm": "优化Theta模型",
            "pooled_drift": "区域汇合趋势外推", "prophet": "Prophet模型", "rate": "比率模型",
            "robust_drift": "稳健漂移", "ses_theta": "SES-Theta模型", "small_count": "计数增减模型",
            "growth_rate": "增速均值回归模型", "local_level": "抽检率水平模型", "theta": "Theta模型"}
ATTRIBUTE_ZH = {"binding": "约束性", "expected": "预期性"}
ATTRIBUTE_EN = {"binding": "binding", "expected": "expected"}
DIRECTION_SIGN = {">=": "≥", "<=": "≤"}
#: the sign of a strict bound (低于0.15 is < 0.15, 超过98 is > 98: read_plan's ``strict``)
STRICT_SIGN = {">=": ">", "<=": "<"}


SUMMARY_HEADERS = {"zh": ("评价", "约束性", "预期性", "合计", "指标"),
                   "en": ("Assessment", "Binding", "Expected", "Total", "Indicators")}
TOTAL_LABEL = {"zh": "合计", "en": "Total"}
#: the 分类汇总's total when the table has its own total rows (合计 beside the regions), not counted there
SUMMARY_TOTAL_APART = {"zh": "合计（不含表中{}行）", "en": "Total (without the table's {} rows)"}
BY_REGION_LABEL = {"zh": "地区", "en": "Region"}
BY_REGION_CAPTION = {"zh": "分地区汇总（指标项数）", "en": "By region (number of targets)"}
#: headers of the 未匹配的数据 tables (columns of :mod:`mstarget.matching`'s leftovers)
UNMATCHED_HEADERS = {
    "zh": {"region": "地区", "indicator": "指标代码", "name": "指标名称", "target_year": "目标年",
           "n_obs": "观测年数", "first_year": "起始年", "last_year": "截止年", "suggestion": "建议"},
    "en": {"region": "Region", "indicator": "Indicator ID", "name": "Indicator", "target_year": "Target year",
           "n_obs": "Observations", "first_year": "First year", "last_year": "Last year",
           "suggestion": "Suggestion"},
}
#: the matcher's suggestions (:mod:`mstarget.matching`) as a Chinese report words them; others stay as written
SUGGESTIONS_ZH = (
    (re.compile(r"^did you mean region (.+?)\? \(.*\)$"), r"地区是否应为\1？（地区不按猜测匹配）"),
    (re.compile(r"^did you mean (.+) \(([^()]+)\)\?$"), r"是否应为\1（\2）？"),
    (re.compile(r"^did you mean (.+)\?$"), r"是否应为\1？"),
    (re.compile(r"^the history has it under region (.+?): fix the region.*$"), r"历史数据中该指标在地区\1下，请核对地区"),
    (re.compile(r"^the history has a region (.+?) at the level of the plan's total (.+?) -- .*$"),
     r"历史数据中有与规划合计同级的地区\1：如为本规划的\2，请将其命名为\2（地区不按猜测匹配）"),
    (re.compile(r"^the history's (.+?) is a total of another level than (.+?): .*$"),
     r"历史数据的\1为另一层级的合计，不是本规划的\2，未作为其数值"),
    (re.compile(r"^the plan has no region (.+?) \(plan regions: ([^()]+)\); a region at the level of the plan's total "
                r"(.+?) -- .*$"),
     r"规划中没有地区\1（规划地区：\2）；与规划合计\3同级：如为本规划的\3，请将其命名为\3；不用作规划各地区的参照"),
    (re.compile(r"^the plan has no region (.+?) \(plan regions: ([^()]+)\); a total of another level than the plan's "
                r"(.+?) \(.*$"),
     r"规划中没有地区\1（规划地区：\2）；为另一层级的合计，不是本规划的\3合计：不作为\3，也不用作参照"),
    (re.compile(r"^closest unmatched history series: (.+) \(([^()]+)\)$"), r"最接近的未匹配历史序列：\1（\2）"),
    (re.compile(r"^closest unmatched history series: (.+)$"), r"最接近的未匹配历史序列：\1"),
    (re.compile(r"^the plan has no region (.+?) \(plan regions: (.+)\); its series of the plan's indicators "
                r"are used as peers \(pooling\), not assessed$"),
     r"规划中没有地区\1（规划地区：\2）；用作同指标其他地区的参照，不单独评估"),
    (re.compile(r"^the plan has no region (.+?) \(plan regions: (.+)\)$"), r"规划中没有地区\1（规划地区：\2）"),
    (re.compile(r"^the table's total \(合计\)$"), "表中的合计行"),
    (re.compile(r"^the table's total \(合计\); if it is (.+?)'s, name it .*$"),
     r"表中的合计行；如为\1的数据，请将其命名为\1（地区不按猜测匹配）"),
    (re.compile(r"^the history's total row (.+?) may be (.+?)'s: .*$"),
     r"历史数据的合计行\1可能即为\2的数据：请在历史数据中将其命名为\2（地区不按猜测匹配）"),
)
UNMATCHED_LABELS = {"unmatched_plan": {"zh": "规划中未找到历史数据的指标", "en": "Plan rows without matching history"},
                    "unmatched_history": {"zh": "未对应规划指标的历史数据", "en": "History without a matching plan row"}}
MATRIX_CAPTION = {"zh": "各地区各指标的评价（颜色）与实现概率（格内数字）；行按表中顺序，列为地区。",
                  "en": "Each region's assessment of each indicator (colour) and its chance of meeting the target "
                        "(number); rows in the table's order, one column per region."}
OVERVIEW_CAPTION = {"zh": "横轴为目标进度减时间进度（百分点），纵轴为实现概率；点旁数字为表中序号。",
                    "en": "x: progress minus time elapsed (percentage points); y: chance of meeting the target; "
                          "numbers are the table's No."}
#: the overview's caption in a report made before the plan period starts: no progress, the probabilities alone
OVERVIEW_CAPTION_NOT_STARTED = {"zh": "规划期尚未开始，各指标尚无目标进度，按实现概率（基期及以前数据外推，仅供参考）列于左侧；点旁数字为表中序号。",
                                "en": "The plan period has not started: no progress yet; targets are shown on the left by "
                                      "their chance of meeting the target (from the trend up to the base year, for "
                                      "reference only); numbers are the table's No."}
#: ... and in such a report dated in the period's first year (December 2026 of a 2026-2030 plan): the period has
#: begun, its first year's full-year figures are not yet published (:attr:`Report.first_year_under_way`)
OVERVIEW_CAPTION_UNDER_WAY = {"zh": "规划期首年（{}年）全年数据尚未发布，各指标尚无目标进度，按实现概率（基期及以前数据外推，仅供参考）列于左侧；"
                                    "点旁数字为表中序号。",
                              "en": "The full-year figures of the plan's first year ({}) are not yet published: no progress "
                                    "yet; targets are shown on the left by their chance of meeting the target (from the "
                                    "trend up to the base year, for reference only); numbers are the table's No."}
#: the overview's caption when target years are observed: beside the others (mixed), or every one
OVERVIEW_CAPTION_OBSERVED = {
    "zh": ("横轴为目标进度减时间进度（百分点），纵轴为实现概率；目标年已有实际数据的指标不再计算实现概率，按已完成、"
           "未完成列于右侧；点旁数字为表中序号。",
           "各指标目标年均已有实际数据，不再计算实现概率，按已完成、未完成分列；点旁数字为表中序号。"),
    "en": ("x: progress minus time elapsed (percentage points); y: chance of meeting the target; targets whose "
           "target year is observed have no probability and are listed on the right as achieved or not "
           "achieved; numbers are the table's No.",
           "Every target year is observed: no probability is computed; targets are listed as achieved or not "
           "achieved; numbers are the table's No."),
}
SECTION_HEADINGS = {
    "zh": ("一、总体情况", "二、分类汇总", "三、主要指标评估表", "四、总览图", "五、逐项评估", "六、未匹配的数据", "说明"),
    "en": ("1. Overview", "2. Summary by category", "3. Main indicators", "4. Overview chart",
           "5. Target by target", "6. Unmatched data", "Notes"),
}


#: the heading of the 存在的问题 section of a 中期评估 / 总结评估 (:attr:`Report.problems`: the targets behind or
#: missed, the data missing), numbered by :meth:`Report.sections`
PROBLEMS_HEADING = {"zh": "存在的问题", "en": "Problems"}
#: the last numbered section of a 中期评估 / 总结评估: a heading and a placeholder for the analyst -- never advice made up
NEXT_STEPS_HEADING = {"zh": "下一步工作建议", "en": "Next steps"}
NEXT_STEPS_PLACEHOLDER = {"zh": "（请结合工作实际补充）", "en": "(to be written by the analyst)"}
CHINESE_NUMERALS = "一二三四五六七八九十"
#: the captions of the 分类汇总 and the main table (:meth:`Report.table_captions`)
SUMMARY_CAPTION = {"zh": "分类汇总", "en": "Summary by category"}
MAIN_CAPTION = {"zh": "主要指标完成情况", "en": "Main indicators"}


def unmatched_label(key: str, lang: str) -> str:
    return UNMATCHED_LABELS.get(key, {}).get(lang, key)


#: the pooled drift named by what ran: without peers it is a drift of the series alone
#: (``n_peers`` of :class:`mstarget.forecast.SeriesForecast`: 0), with them it borrows their trend
POOLED_WITHOUT_PEERS = {"zh": "趋势外推（无同类地区）", "en": "(no peers)"}
POOLED_UNKNOWN_PEERS = "趋势外推"  # no sample paths given (details=None): whether peers lent a trend is unknown


def model_name(model, lang: str, n_peers: int | None = None) -> str:
    """The 预测模型 a report names: a Chinese report names the model in Chinese (``auto:pooled_drift`` ->
    区域汇合趋势外推, ``fallback:drift`` -> 漂移（回退）); an English one keeps the id; an id not
    listed in :data:`MODEL_ZH` stays as it is. The pooled drift says whether peers were pooled
    (``n_peers``, the peer series the forecast used): with none it is 趋势外推（无同类地区）
    (``auto:pooled_drift (no peers)``), not 区域汇合; unknown (``None``) it is 趋势外推."""
    if not isinstance(model, str) or not model:
        return ""
    prefix, _, name = model.rpartition(":")
    alone = name == "pooled_drift" and n_peers is not None and int(n_peers) == 0
    if lang != "zh":
        return f"{model} {POOLED_WITHOUT_PEERS['en']}" if alone else model
    shown = MODEL_ZH.get(name)
    if shown is None:
        return model
    if name == "pooled_drift" and n_peers is None:
        shown = POOLED_UNKNOWN_PEERS
    elif alone:
        shown = POOLED_WITHOUT_PEERS["zh"]
    return f"{shown}（回退）" if prefix == "fallback" else shown


#: the 预计完成情况 (outlook) column: the chance of meeting the target (``p_meet``) in an evaluation's
#: words, at the thresholds ``assess`` already uses -- :class:`mstarget.assess.Thresholds` (on track at
#: 0.7, at risk from 0.3) and :class:`mstarget.schedule.ScheduleRules` (``p_split`` 0.5, the line
#: between 快于预期 and 滞后) -- highest first: (lowest p, Chinese, English)
OUTLOOK_LEVELS = ((Thresholds().on_track, "预计能够完成", "expected to be met"),
                  (ScheduleRules().p_split, "有望完成", "likely to be met"),
                  (Thresholds().at_risk, "完成存在不确定性", "uncertain"),
                  (0.0, "完成难度较大", "unlikely to be met"))
#: a target met already whose chance of still being met in the target year is below on-track: it may fall back
OUTLOOK_HOLD = {"zh": "已达到，仍需巩固", "en": "met; must be held"}
#: a 零发生 target broken by an incident of the period before its target year: nothing left to foresee
OUTLOOK_MISSED = {"zh": "已无法完成", "en": "can no longer be met"}


def outlook_text(r: dict, category: str, lang: str) -> str:
    """The 预计完成情况 cell: ``p_meet`` in words (:data:`OUTLOOK_LEVELS`: 预计能够完成 / 有望完成 /
    完成存在不确定性 / 完成难度较大); a target met already (提前实现) below on-track reads 已达到，仍需巩固
    (:data:`OUTLOOK_HOLD`); "–" where nothing is left to foresee (the target year observed: the 评价
    says 已完成 / 未完成) or too little is known (``assess``'s 数据不足: no observation after the base year, a
    single one without a baseline; or no probability). A target whose year is past but not yet observed
    (数据不足 in the report only) has a forecast of that year: its outlook is shown."""
    if category in FINAL_CATEGORIES or r.get("status") == "no_data" or is_missing(r.get("p_meet")) or \
            r.get("category") == "insufficient_data":  # assess's own 数据不足: progress cannot be judged
        return MISSING
    ly, by = r.get("last_year"), r.get("baseline_year")
    if is_missing(ly) or (not is_missing(by) and int(ly) <= int(by)):
        return MISSING
    p = percent_int(r["p_meet"]) / 100  # decided on the percentage the table shows (49.5 % is 50 %: 有望完成)
    if r.get("category") == "achieved" and p < OUTLOOK_LEVELS[0][0]:
        return OUTLOOK_HOLD[lang]
    for low, zh, en in OUTLOOK_LEVELS:
        if p >= low:
            return zh if lang == "zh" else en
    return MISSING


def status_text(r: dict, category: str, lang: str) -> str:
    """The 风险状态 cell, never contradicting the 评价: 已实现 / 未实现 once the target year is observed,
    and a target already met (提前实现) not called 存在风险 / 难以实现 (its ``p_meet`` says the risk of
    falling back)."""
    if category in FINAL_STATUS:
        return FINAL_STATUS[category][lang]
    if category in NOT_JUDGED or r.get("category") in NOT_JUDGED:  # 建成, 待定: no figure to judge, no data awaited
        return MISSING
    if target_year_awaited(r):
        return AWAITED_STATUS[lang]
    status = r.get("status")
    if category == "achieved" and status in ("at_risk", "off_track"):
        status = "met"
    return (STATUS_ZH if lang == "zh" else STATUS_EN).get(status, status)


def report_category(r: dict) -> str:
    """The category a report shows for one assessment row: the evaluation's
    (:func:`mstarget.schedule.evaluation_category`, ``assess``'s ``evaluation`` / ``category_zh``): 已完成 /
    未完成 once the target year is observed, 数据不足 while it is awaited, else the schedule's."""
    return evaluation_category(r)


def report_categories(table: pd.DataFrame) -> pd.Series:
    """:func:`report_category` of every row of an assessment table (vectorised, for 100,000 targets)."""
    return evaluation_categories(table)


def nothing_after_base(r: dict) -> bool:
    """Nothing is observed after the row's base year (its latest year is the base year or earlier, or none)."""
    ly, by = r.get("last_year"), r.get("baseline_year")
    return is_missing(ly) or (not is_missing(by) and int(ly) <= int(by))


def row_category(r: dict, kind: str = "") -> str:
    """The category a report's row shows (:func:`report_category`), save that in a report made before the plan
    period starts (``kind`` ``"baseline"``, 基期情况) a row with nothing observed after its base year is
    :data:`NOT_STARTED` (规划期未开始), not 数据不足: no year of the period can have data yet."""
    cat = report_category(r)
    if kind == "baseline" and cat == "insufficient_data" and nothing_after_base(r) and _has_base(r):
        return NOT_STARTED
    return cat


def _has_base(r: dict) -> bool:
    """A row knows where it starts: a baseline figure, or a figure observed (up to the base year). A row with
    neither stays 数据不足 (暂无监测数据) in a base-year report, never 规划期未开始 without its target."""
    return not is_missing(r.get("baseline")) or not is_missing(r.get("last_year"))


def final_void(r: dict, kind: str) -> bool:
    """A 总结评估's 数据不足 row with nothing observed after its base year: no gap, forecast, probability, pace or
    outlook of it is shown (a base-year gap or a forecast from the base year alone is no finding of the
    period); its text asks for the missing years (:func:`missing_years`)."""
    return kind == "final" and report_category(r) == "insufficient_data" and nothing_after_base(r)


def observed_points(series) -> int | None:
    """How many figures the row's series holds (its history, with the plan's baseline ``assess`` counts as
    observed): an int >= 0, or None without the series (a table reported without ``details``)."""
    if series is None or getattr(series, "values", None) is None:
        return None
    return int(np.isfinite(np.asarray(series.values, dtype=float)).sum())


def _points_from_table(r: dict) -> int:
    """:func:`observed_points` as the assessment row alone tells it (no series kept): none without a latest
    year nor a baseline; two or more for a level or a stock whose observed pace is known (a change between
    two figures, :func:`mstarget.assess._observed_pace`); else one -- a 〈〉 or 年均 row's pace is that of a
    single figure too, so it is taken at one (the forecast not shown rather than a trend made up)."""
    if is_missing(r.get("last_year")) and is_missing(r.get("baseline")):
        return 0
    averaged = isinstance(r.get("average_years"), str) and bool(r.get("average_years"))
    trend = r.get("kind") in ("level", "cumulative") and not averaged and not is_missing(r.get("observed_pace"))
    return 2 if trend else 1


#: an English unit word a Chinese report's 单位 column writes in Chinese (a plan's ``index`` shown 指数)
UNIT_COLUMN_ZH = {"index": "指数", "percent": "%", "points": "点", "yuan": "元", "persons": "人", "people": "人",
                  "items": "项", "times": "次"}


def unit_column_text(unit: str, lang: str) -> str:
    """The 单位 cell of a row: the unit as written, an English word of :data:`UNIT_COLUMN_ZH` in Chinese in a
    Chinese report (``index`` -> 指数; the sentences leave 指数 out, :func:`~.narrative.prose_unit`)."""
    return UNIT_COLUMN_ZH.get(unit.strip().lower(), unit) if lang == "zh" else unit


def forecast_void(r: dict, kind: str, under_way: bool = False, points: int | None = None) -> bool:
    """A 数据不足 row whose forecast rests on at most one figure: nothing observed after its base year, or a
    single figure without a baseline (:func:`prior_only`), and ``points`` (:func:`observed_points`; read from the
    row when None, :func:`_points_from_table`) at most 1 -- the baseline alone, or one figure and no baseline.
    Its 预测值, 80%区间 and 实现概率 are "–" and it gets no fan chart (a probability of 7 % for a count nobody has
    observed reads as "almost certainly missed"). A history of two figures or more up to the base year (2016-2020,
    nothing after) has a trend to extrapolate: its forecast, range, probability and chart stay (按历史数据的趋势外推),
    though it has no progress to plot (:func:`~.charts._overview_points`). A 总结评估 shows even less of any row
    without data after its base year (:func:`final_void`). Not in a report made before the period starts
    (规划期未开始) nor in one dated in its first year before that year's figures are out (``under_way``): there
    nothing after the base year is expected, and the forecast from the base year is what the report is about."""
    if final_void(r, kind):
        return True
    if under_way or row_category(r, kind) == NOT_STARTED or report_category(r) != "insufficient_data":
        return False
    if not (nothing_after_base(r) or prior_only(r)):
        return False
    return (_points_from_table(r) if points is None else points) <= 1


def drawable(r: dict, kind: str, under_way: bool = False, points: int | None = None) -> bool:
    """A report's row has a chart to draw: not :func:`forecast_void` (a 数据不足 row resting on one figure at
    most; ``points``: :func:`observed_points`) nor :func:`~mstarget.chart_choice.nothing_to_draw` (no data, no
    forecast: in any kind of report)."""
    return not forecast_void(r, kind, under_way, points) and not nothing_to_draw(r)


def on_overview(row) -> bool:
    """The report row is a point of the overview chart: its target year observed (已完成 / 未完成, listed apart), or a
    probability the table shows (not "–": a 数据不足 row without progress data is left out and counted in the title)."""
    if row.category in FINAL_CATEGORIES:
        return True
    cell = row.cells.get("p_meet") if isinstance(getattr(row, "cells", None), dict) else None
    return not is_missing(row.raw.get("p_meet")) and (cell is None or cell.text != MISSING)


def chart_cut(report, row) -> bool:
    """The row has a chart to draw that the report left out (the cap ``max_charts``: （图略）); a row with nothing
    to draw (not :func:`drawable`) or one drawn: False."""
    under_way = getattr(report, "first_year_under_way", None) is not None
    points = observed_points(getattr(row.assessment, "series", None))
    return row.number not in {report.rows[k].number for k in report.charted} and \
        drawable(row.raw, report.kind, under_way, points)


def missing_years(r: dict, yearly: dict | None) -> list[int]:
    """The years after the base year up to the target year (the evaluation year at most) without a figure."""
    by, ty, as_of = r.get("baseline_year"), r.get("target_year"), r.get("as_of")
    ly = r.get("last_year")
    if is_missing(by) and not is_missing(ly) and not is_missing(ty):  # no base year: the years after the latest
        end = int(ty) if is_missing(as_of) else min(int(ty), int(as_of))
        return list(range(int(ly) + 1, end + 1))
    if is_missing(by) and is_missing(ly) and not is_missing(ty):  # neither a base year nor any figure: the year that
        # decides a 总结评估, the target year's (请补报2025年数据), not nothing to ask for
        end = int(ty) if is_missing(as_of) else min(int(ty), int(as_of))
        return [end]
    if is_missing(by) or is_missing(ty):
        return []
    end = int(ty) if is_missing(as_of) else min(int(ty), int(as_of))
    seen = set(yearly or ())
    if not yearly and not is_missing(ly):
        seen = set(range(int(by) + 1, int(ly) + 1))
    return [y for y in range(int(by) + 1, end + 1) if y not in seen]


def years_text(years: Sequence[int], lang: str) -> str:
    """2021年至2025年 (a run), 2023年、2025年, 2025年; ``2021-2025`` / ``2023, 2025`` in English."""
    years = sorted(years)
    if not years:
        return ""
    run = len(years) > 2 and years == list(range(years[0], years[-1] + 1))
    if lang == "zh":
        return f"{years[0]}年至{years[-1]}年" if run else "、".join(f"{y}年" for y in years)
    return f"{years[0]}-{years[-1]}" if run else ", ".join(map(str, years))


def at_target(r: dict, value) -> bool:
    """``value`` meets the row's target (its direction, and its ``strict`` bound when the plan wrote one)."""
    target, direction = r.get("target"), r.get("direction")
    if is_missing(value) or is_missing(target) or direction not in (">=", "<="):
        return False
    v, t = float(value), float(target)
    strict = bool(r.get("strict")) if not is_missing(r.get("strict")) else False
    if direction == ">=":
        return v > t if strict else v >= t
    return v < t if strict else v <= t


def outlook_words(p_meet, lang: str) -> str:
    """``p_meet`` in the words of :data:`OUTLOOK_LEVELS`, decided on the percentage shown."""
    if is_missing(p_meet):
        return MISSING
    p = percent_int(p_meet) / 100
    for low, zh, en in OUTLOOK_LEVELS:
        if p >= low:
            return zh if lang == "zh" else en
    return MISSING


def prior_only(r: dict) -> bool:
    """The row's probability rests on the wide prior alone: ``assess`` found no progress data (``insufficient_data``)
    and the row has no baseline figure nor an observed change to start from (a single observation: 制造业质量竞争力指数
    84.91 in 2021 against ≥86) -- a 50 % that says nothing, never 有望完成."""
    return r.get("category") == "insufficient_data" and is_missing(r.get("baseline")) and \
        is_missing(r.get("observed_pace"))


def outlook_cell(r: dict, category: str, lang: str, kind: str = "") -> str:
    """The 预计完成情况 cell (:func:`outlook_text`), and in two cases of its own: a row of a report made before
    the plan period starts (规划期未开始) says what its forecast says (预计能够完成 …, from ``p_meet``); a
    target whose year is past but not yet observed says the forecast's words to be confirmed (有望完成（待确认）),
    never 已达到，仍需巩固 of a year already over. A 总结评估's 数据不足 row with nothing after its base year:
    "–" (:func:`final_void`)."""
    if prior_only(r):  # a probability of the wide prior alone (one observation, nothing to start from): no words
        return MISSING
    if flagged(r.get("missed_already")) and category not in FINAL_CATEGORIES:  # 零发生 broken in a year of the period
        return OUTLOOK_MISSED[lang]
    if category == NOT_STARTED:
        words = outlook_words(r.get("p_meet"), lang)
        # already at its target at the base year (99.0 against ≥99: 尚需年均变化 已达到) but below on-track: the
        # notes' own words, 已达到，仍需巩固 -- never 完成存在不确定性 beside 已达到
        if r.get("kind") != "increment" and at_target(r, r.get("last_value")) and words != MISSING and \
                percent_int(r["p_meet"]) / 100 < OUTLOOK_LEVELS[0][0]:
            return OUTLOOK_HOLD[lang]
        return words
    if final_void(r, kind):
        return MISSING
    if category not in FINAL_CATEGORIES and target_year_awaited(r) and not nothing_after_base(r) and \
            r.get("category") != "insufficient_data":  # assess's own 数据不足: no progress, a prior's probability
        words = outlook_words(r.get("p_meet"), lang)
        return words if words == MISSING else words + AWAITED_OUTLOOK[lang]
    return outlook_text(r, category, lang)


def shown_categories(categories, kind: str = "") -> tuple[str, ...]:
    """The categories a report's summaries list, in order: when a row is judged, a mid-term report's four
    (快于预期 0 项 is a finding), those of an observed target year (已完成 / 未完成: 未完成 0 is one) when a row has
    one or the report is a 总结评估 (``kind`` ``"final"`` of :func:`evaluation_kind`: never 提前实现 0 ... 滞后 0 of a
    period that is over), and the mid-term ones then only if a row is still under way; 数据不足 only when a row
    is. When no row is judged (every one 数据不足: a 2026年度监测 before 2026's figures, a 总结评估 without the
    target years' figures), 数据不足 alone -- never a column of zeros (已完成 0 / 未完成 0, 提前实现 0 … 滞后 0) no
    row could enter, which reads as a verdict. 目标待定 (a target not set yet) last, only when a row is: counted on a line
    of its own, never among the 数据不足 rows."""
    present = set(categories)
    pending = (TARGET_PENDING,) if TARGET_PENDING in present else ()
    if pending and not present - set(NOT_JUDGED):  # a draft whose every target is 待定: no line of zeros beside it
        return pending
    return _shown_categories(present, kind) + pending


def _shown_categories(present: set, kind: str) -> tuple[str, ...]:
    """:func:`shown_categories` but 目标待定: the categories judged and 数据不足 / 规划期未开始, in order."""
    if NOT_STARTED in present:  # a 基期情况 report: only the categories its rows have, no column of zeros
        return tuple(c for c in (*FINAL_CATEGORIES, *CATEGORIES, NOT_STARTED) if c in present)
    judged = present & (set(CATEGORIES) | set(FINAL_CATEGORIES)) - {"insufficient_data"}
    if not judged and "insufficient_data" in present:
        return ("insufficient_data",)
    if not present & set(FINAL_CATEGORIES) and kind != "final":
        shown = CATEGORIES
    else:
        open_ = present & (set(CATEGORIES) - {"insufficient_data"})
        shown = FINAL_CATEGORIES + (CATEGORIES if open_ else ("insufficient_data",))
    # 数据不足 0 is no finding: listed only when a row is 数据不足 (a table of no rows keeps the full list)
    return tuple(c for c in shown if c != "insufficient_data" or c in present or not judged)


#: the status words of the 0.3 / 0.7 thresholds (进展顺利 / 存在风险 / 难以实现), which no report cell prints
_RISK_WORDS = frozenset(STATUS_ZH[k] for k in ("on_track", "at_risk", "off_track"))


def printed_status(outlook: str, status: str, not_started: bool = False) -> str:
    """The ``assess`` printout's ``status`` (and the words a tracked run counts): the report's 预计完成情况
    (:func:`outlook_cell`: 预计能够完成 / 有望完成 / 完成存在不确定性 / 完成难度较大 at the report's 70/50/30 % bands), else
    its 风险状态 where the report has no outlook (已实现 / 未实现 once the target year is observed, 目标年数据暂缺), ``-``
    where it has neither or the row is not judged (规划期未开始)."""
    if not_started:
        return "-"
    if outlook not in (MISSING, ""):
        return outlook
    # never the 0.3-0.7 scale (存在风险) the report does not print, as beside a 数据不足 row's prior-based p_meet
    return "-" if status in (MISSING, "") or status in _RISK_WORDS else status


def status_words(table: pd.DataFrame) -> list[str]:
    """:func:`printed_status` of every row of an assessment table, from the row alone (no cells formatted), the
    evaluation year given to each row as the report gives it (:func:`_row_inputs`: a target year past, its value
    awaited, reads 有望完成（待确认）)."""
    as_of = evaluation_year(table, None)
    kind = evaluation_kind(table, as_of)
    words = []
    for r in table.to_dict("records"):
        if is_missing(r.get("as_of")) and as_of is not None:
            r["as_of"] = as_of
        cat = row_category(r, kind)
        words.append(printed_status(outlook_cell(r, cat, "zh", kind), status_text(r, cat, "zh"), cat == NOT_STARTED))
    return words


def unmatched_display(df: pd.DataFrame, lang: str, names: dict, codes: bool | None = None) -> pd.DataFrame:
    """An unmatched table as the report shows it: headers in the report's language
    (:data:`UNMATCHED_HEADERS`), a series' 指标名称 from the plan when the history gives none (``names``:
    indicator id -> the plan's name), else blank (–) rather than its id again, and the matcher's
    suggestions in Chinese in a Chinese report. A Chinese report shows a 指标代码 column only where some row has
    no name (the code is then all that identifies it; ``codes``: decided for all the section's tables at once,
    :func:`unmatched_codes`, else from this table) and never when the ids are Chinese words themselves."""
    out = df.copy()
    if "name" in out and "indicator" in out:
        out["name"] = _unmatched_names(out, lang, names)
        if codes is None:
            codes = MISSING in out["name"].tolist()
        # no code to show (not a column of names twice), nor one beside every series' own name in a Chinese report
        # (food_sampling_batches beside 食品抽检批次 is the history file's housekeeping, not the reader's)
        if lang == "zh" and (all(isinstance(i, str) and contains_cjk(i) for i in out["indicator"].tolist())
                             or not codes):
            out = out.drop(columns="indicator")
    if lang == "zh" and "suggestion" in out:
        out["suggestion"] = [_suggestion_zh(v) for v in out["suggestion"].tolist()]
    return out.rename(columns=UNMATCHED_HEADERS[lang])


def _unmatched_names(df: pd.DataFrame, lang: str, names: dict) -> list[str]:
    """The 指标名称 of each unmatched row: its own name, else the plan's (``names``), else its id where that is
    Chinese words (企业标准: a table without codes names its indicators in words), else "–"."""
    shown = []
    for ind, name in zip(df["indicator"].tolist(), df["name"].tolist()):
        own = name if isinstance(name, str) and name.strip() and name != ind else None
        worded = ind if lang == "zh" and isinstance(ind, str) and contains_cjk(ind) else None
        shown.append(own or names.get(ind) or worded or MISSING)
    return shown


def unmatched_codes(tables: list[pd.DataFrame], lang: str, names: dict) -> bool:
    """Some row of the unmatched ``tables`` (plan rows, history series) has no name to go by: the section shows the
    指标代码 column in every table, so that its tables read alike."""
    return any(MISSING in _unmatched_names(df, lang, names) for df in tables if {"name", "indicator"} <= set(df))


#: the matcher's reasons for keeping a series and a plan row apart (:func:`mstarget.matching._fit`), which say
#: themselves in Chinese in brackets: who is named, and those words
_KEPT_APART = ((re.compile(r"^not (.+?)(?: \([^()]*\))?: "), "未与规划指标{}匹配"),
               (re.compile(r"^history series (.+?) not matched: "), "历史数据{}未匹配"))
_ZH_IN_BRACKETS = re.compile(r"[（(]([^（）()]*[\u4e00-\u9fff][^（）()]*)[）)]")


def _suggestion_zh(text) -> object:
    """A suggestion of the matcher in a Chinese report's words: its patterns (:data:`SUGGESTIONS_ZH`), else the
    Chinese the text carries in brackets (未与规划指标…匹配：计量单位口径不同，未匹配) -- no English sentence."""
    if not isinstance(text, str):
        return text
    for pattern, zh in SUGGESTIONS_ZH:
        if pattern.match(text):
            return pattern.sub(zh, text)
    said = [m for m in _ZH_IN_BRACKETS.findall(text) if not re.search(r"[A-Za-z]{3,}", m)]
    for pattern, head in _KEPT_APART:
        m = pattern.match(text)
        if m:
            return head.format(m.group(1)) + ("：" + "；".join(said) if said else "")
    if said and re.search(r"[A-Za-z]{3,}", text):
        return "；".join(said)
    return text


@dataclass(frozen=True)
class Column:
    """One column of the main table: id, headers in both languages, and where it is shown."""

    id: str
    zh: str
    en: str
    in_docx: bool = True
    #: the cell shown (:attr:`ReportRow.cells` key), when not ``id``: the table shows a figure as the plan
    #: writes it (基期值 〔1.89〕) where the text keeps the bare figure
    cell: str = ""

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def key(self) -> str:
        """The :attr:`ReportRow.cells` key this column shows."""
        return self.cell or self.id


COLUMNS: tuple[Column, ...] = (
    Column("no", "序号", "No."),
    Column("region", "地区", "Region"),  # shown when the report covers several regions
    Column("name", "指标名称", "Indicator"),
    Column("unit", "单位", "Unit"),
    Column("attribute", "属性", "Attribute"),
    Column("baseline_year", "基期年", "Base year"),  # left out when every row has the same (基期值（2020年）)
    Column("baseline", "基期值", "Baseline", cell="baseline_shown"),
    Column("target_year", "目标年", "Target year"),  # left out when every row has the same (目标值（2025年）)
    Column("target", "目标值", "Target"),
    # here one column per observed year (:attr:`Report.years`: 2021年, 2022年 ...); where they cannot be
    # shown (baseline years differ), the latest year and value instead
    Column("last_year", "最新年", "Latest year", cell="last_year_shown"),
    Column("current", "最新值", "Latest value", cell="current_shown"),
    Column("time_share", "时间进度", "Time elapsed"),
    Column("progress_share", "目标进度", "Progress"),
    Column("remaining", "距目标差距", "Gap to target"),
    Column("forecast", "目标年预测值", "Forecast (target year)"),
    Column("range_80", "80%区间", "80% range"),
    Column("p_meet", "实现概率", "P(target met)"),
    # shown when a target has a striven-for figure (6%以上，力争7%)
    Column("p_striven", "力争目标实现概率", "P(striven-for target met)"),
    Column("category", "评价", "Assessment"),
    Column("outlook", "预计完成情况", "Outlook"),
    Column("required_pace", "尚需年均变化", "Required change per year"),
    Column("observed_pace", "已观测年均变化", "Observed change per year"),
)
def _removeprefix(text: str, prefixes: tuple[str, ...]) -> str:
    """``text`` without the first of ``prefixes`` it starts with (the forecast column's 累计 before a 〈〉 row's sum,
    which its year column shows bare)."""
    return next((text[len(p):] for p in prefixes if text.startswith(p)), text)


#: the first column after the yearly ones (:attr:`Report.years`), which stand in for 最新年 / 最新值
YEARS_BEFORE = "time_share"
#: at most this many yearly columns (the latest years up to the evaluation year)
MAX_YEAR_COLUMNS = 5
COLUMN_IDS = tuple(c.id for c in COLUMNS)
#: columns of a plan under way, left out of a report whose every target year is observed
UNDER_WAY_COLUMNS = ("time_share", "range_80", "p_meet", "p_striven", "required_pace", "outlook")
#: the forecast column once a target year is observed: observed values beside forecasts (预测 117), or only them
OBSERVED_FORECAST_COLUMN = {False: Column("forecast", "目标年实际值/预测值", "Target-year value (observed / forecast)"),
                            True: Column("forecast", "目标年实际值", "Target-year value (observed)")}


@dataclass
class ReportRow:
    """One target as shown: formatted cells (:class:`~.formatting.Cell` by column id), narrative.

    Attributes
    ----------
    number : int
        序号, 1-based position in the display order (the same in the table, the narrative and
        the charts).
    cells : dict[str, Cell]
        Every column of :data:`COLUMNS`, plus ``lo_80`` / ``hi_80`` (the bounds of ``range_80``) and
        ``label``: the name the text, headings and charts use (with the region when the report covers
        several regions, :func:`~.formatting.place_name`).
    raw : dict
        The assessment row as returned by ``assess`` (unformatted).
    assessment : TargetAssessment or None
        Sample paths for the fan chart (``None`` when no details were given).
    """

    number: int
    raw: dict
    cells: dict[str, Cell]
    lang: str
    decimals: int
    narrative: str = ""
    assessment: object = None
    #: the target year's value lies between two observations, that year itself missing (:func:`interpolated_target`):
    #: an estimate, not counted among the targets whose year is observed
    interpolated: bool = False
    #: what the report is (:attr:`Report.kind`); a row of a 基期情况 report whose period has not started shows
    #: :data:`NOT_STARTED` (:func:`row_category`)
    kind: str = ""
    #: what a 总结评估's 数据不足 row asks for, said in its text: the years still to report (请补报2025年数据。)
    resubmit: str = ""
    #: the plan's first year when the report is dated in it (:attr:`Report.first_year_under_way`), else None
    first_year_under_way: int | None = None
    #: the part-year figures the plan gave the row (:func:`part_year_columns`): label -> figure as written
    #: (``{"2026年1-10月": "42.9"}``), shown in a marked column and said in its text, never read as the year's
    part_year: dict = field(default_factory=dict)
    #: :attr:`category` as last computed, with the ``(kind, raw)`` it was computed from: the charts and the
    #: narrative ask a row's category often (a province's 36 region-matrix pages asked 2,744 rows a million
    #: times); ``raw`` is not changed in place once the row is built, and a new ``kind`` or ``raw`` recomputes it
    _category: tuple = field(default=(), init=False, repr=False, compare=False)

    def __repr__(self) -> str:
        """One line (序号, name, category, probability): not every cell and the detail's fan."""
        cells = self.cells if isinstance(self.cells, dict) else {}
        said = [getattr(cells.get(k), "text", "") for k in ("category", "p_meet")]
        return (f"ReportRow({self.number}. {getattr(cells.get('label'), 'text', self.raw.get('name'))}"
                + (": " + ", ".join(x for x in said if x and x != MISSING) if any(x and x != MISSING for x in said)
                   else "") + ")")

    @property
    def name(self) -> str:
        """The target as the table and the headings name it (with its region when the report covers several):
        the plan's wording, ``其中：企业数量``."""
        return self.cells["label"].text

    @property
    def spoken(self) -> str:
        """The target as a sentence names it: :attr:`name` without a sub-item's lead-in (``企业数量：2023年为…``, not
        ``其中：企业数量：2023年为…``; :func:`spoken_name`)."""
        return self.cells.get("spoken_label", self.cells["label"]).text

    @property
    def category(self) -> str:
        """The category shown (:func:`row_category`): ``assess``'s, or 已完成 / 未完成 once the
        target year is observed, 规划期未开始 in a report made before the plan period starts. Computed once per
        row (``raw`` is not changed in place after the row is built)."""
        cached = self._category
        if cached and cached[0] == self.kind and cached[1] is self.raw:
            return cached[2]
        category = row_category(self.raw, self.kind)
        self._category = (self.kind, self.raw, category)
        return category

    @property
    def binding(self) -> bool:
        return self.raw.get("attribute") == "binding"

    @property
    def awaited(self) -> bool:
        """The target year is past but its value not yet observed (:func:`target_year_awaited`)."""
        return target_year_awaited(self.raw)

    def name_with(self, note: str, spoken: bool = False) -> str:
        """The name with a note in brackets (a heading's 评价): ``千人食品检验量（未完成）``, or, where the
        indicator has another target year in the report, ``千人食品检验量（2022年目标，未完成）``; ``spoken``: the
        name as a sentence says it (:attr:`spoken`: ``企业数量（滞后）``, not ``其中：企业数量（滞后）``)."""
        base = self.cells.get("spoken_name", self.cells["name_only"]).text if spoken else self.cells["name_only"].text
        qualifier = self.cells["qualifier"].text
        if self.lang == "zh":
            return f"{base}（{qualifier}，{note}）" if qualifier else f"{base}（{note}）"
        return f"{base} ({qualifier}, {note})" if qualifier else f"{base} ({note})"

    def figures(self) -> dict[str, str]:
        """Column id -> text, for tests and for the narrative."""
        return {k: c.text for k, c in self.cells.items()}


@dataclass
class Report:
    """Everything a rendering shows; built by :func:`build_report`."""

    title: str
    subtitle: str
    lang: str
    regions: list[str]
    as_of: int | None
    date: str
    rows: list[ReportRow]
    summary: pd.DataFrame
    overall: str
    unmatched: dict[str, pd.DataFrame] = field(default_factory=dict)
    charted: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    by_region: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: what the report is (:func:`evaluation_kind`): ``baseline`` (基期情况: no year of the period observed
    #: yet), ``annual`` (年度监测), ``midterm`` (中期评估), ``final`` (总结评估), ``""`` when the plan period is
    #: unknown
    kind: str = ""
    #: regions that are the table's own total (合计 / 全市 beside other regions,
    #: :func:`mstarget.matching.table_totals`): last in ``regions``, not in ``by_region``
    totals: list[str] = field(default_factory=list)
    #: the counts of those totals' targets, as ``by_region``'s columns (empty when the table has none)
    table_total: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the observed years the table gives a column each (完成值: 2021年, 2022年, 2023年), from the base year
    #: + 1 to the evaluation year (:func:`yearly_columns`); empty when they cannot be shown (the rows'
    #: base years differ, or a row's yearly values are unknown): 最新年 / 最新值 instead
    years: list[int] = field(default_factory=list)
    #: the base year and target year every row shares (``None`` when they differ): the headers say them
    #: (基期值（2020年）, 目标值（2025年）) instead of a column of the same year
    baseline_year: int | None = None
    target_year: int | None = None
    #: how the 序号 were set (:func:`numbering`): the plan's own (``plan``), renumbered 1..n in the plan's
    #: order (``renumbered``: the plan's are not distinct whole numbers), or 1..n for a plan without any
    numbering: str = "plan"
    #: the plan's first year (2026 of a 2026-2030 plan) when the report is dated in it: the period has begun but
    #: that year's full-year figures cannot be published yet (2026年全年数据尚未发布); None otherwise
    first_year_under_way: int | None = None
    #: the plan's columns of a part of a year (:func:`part_year_columns`): ``(header, label)``, each a marked
    #: column of the main table (2026年1-10月（仅供参考）) whose figures are not used as the year's
    part_years: list = field(default_factory=list)
    #: a 总结评估's 存在的问题 (:func:`~.narrative.problems`): the targets missed, binding first, each with its gap
    #: and why (the pace needed against the one achieved), then those with data missing; empty otherwise
    problems: list = field(default_factory=list)
    #: the positions in ``rows`` of the targets 五、逐项评估 gives a paragraph (:func:`~.narrative.described_rows`):
    #: ``None`` for every row (a report of :data:`~.narrative.MAX_DESCRIBED` targets or fewer)
    described: list[int] | None = None
    #: the sentence heading 五、逐项评估 when it leaves rows out (:func:`~.narrative.described_note`): how many
    #: others the table and the workbook's 逐项说明 sheet describe; empty when every row has its paragraph
    described_note: str = ""

    @property
    def described_rows(self) -> list[ReportRow]:
        """The rows 五、逐项评估 shows a heading, paragraph and chart of, in the table's order (:attr:`described`)."""
        return list(self.rows) if self.described is None else [self.rows[i] for i in self.described]

    def sections(self, *, overview: bool = True) -> dict[str, str]:
        """The headings of the sections the document has, numbered in its order (一、总体情况 …): ``overall``,
        ``summary``, ``table``, ``problems`` (a 总结评估 with something to list), ``overview`` (when drawn),
        ``targets``, ``unmatched`` (when present) and ``notes`` (说明, unnumbered)."""
        zh = self.lang == "zh"
        names = dict(zip(("overall", "summary", "table", "overview", "targets", "unmatched", "notes"),
                         (h.split("、", 1)[-1] if zh else h.split(". ", 1)[-1] for h in SECTION_HEADINGS[self.lang])))
        names["problems"] = PROBLEMS_HEADING[self.lang]
        names["next_steps"] = NEXT_STEPS_HEADING[self.lang]
        present = ["overall", "summary", "table"] + (["problems"] if self.problems else []) + \
            (["overview"] if overview else []) + ["targets"] + (["unmatched"] if self.unmatched else []) + \
            (["next_steps"] if self.next_steps else [])
        out = {k: (f"{CHINESE_NUMERALS[i]}、{names[k]}" if zh else f"{i + 1}. {names[k]}") for i, k in enumerate(present)}
        out["notes"] = names["notes"]
        return out

    def table_captions(self) -> dict[str, str]:
        """The captions of the document's tables, numbered in its order: ``summary`` (表1 分类汇总), ``by_region`` /
        ``by_indicator`` (several regions), ``main`` (表2 主要指标完成情况)."""
        present = ["summary"] + (["by_region"] if self.by_region_table()[1] else []) + \
            (["by_indicator"] if by_indicator_table(self)[1] else []) + ["main"]
        names = {"summary": SUMMARY_CAPTION[self.lang], "by_region": BY_REGION_CAPTION[self.lang],
                 "by_indicator": narrative.BY_INDICATOR_CAPTION[self.lang], "main": MAIN_CAPTION[self.lang]}
        word = "表" if self.lang == "zh" else "Table "
        return {k: f"{word}{i} {names[k]}" for i, k in enumerate(present, start=1)}

    def __repr__(self) -> str:
        """One line (what the report is, how many targets, regions and charts): not every row, cell and fan, which
        make a notebook cell ending in ``write_report(...)`` print tens of kilobytes."""
        regions = [str(r) for r in self.regions]
        shown = "、".join(regions[:5]) + (f" … (+{len(regions) - 5})" if len(regions) > 5 else "")
        return (f"Report: {self.title} -- {len(self.rows)} target(s), {len(regions)} region(s)"
                + (f" ({shown})" if shown else "") + (f", as of {self.as_of}" if self.as_of is not None else "")
                + f", {len(self.charted)} fan chart(s); .rows, .summary, .notes")

    @property
    def final(self) -> bool:
        """Every target year is past: a 总结评估."""
        return self.kind == "final"

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories the summaries list, in order (:func:`shown_categories`)."""
        return tuple(self.summary["category"]) if len(self.summary) else CATEGORIES

    @property
    def several_regions(self) -> bool:
        """More than one region: the table gets a 地区 column and every target is named with its region."""
        return len(self.regions) > 1

    @property
    def counted_rows(self) -> list[ReportRow]:
        """The rows the summaries count (分类汇总, the overall paragraph's counts, verdict and lists): every row
        but those of the table's own total (:attr:`totals`), which repeat the regions' targets summed."""
        if not self.totals or len(self.totals) == len(self.regions):
            return list(self.rows)
        return [r for r in self.rows if str(r.raw.get("region")) not in self.totals]

    @property
    def total_rows(self) -> list[ReportRow]:
        """The rows of the table's own total (合计 / 全市 beside the regions), counted apart."""
        counted = {id(r) for r in self.counted_rows}
        return [r for r in self.rows if id(r) not in counted]

    @property
    def summary_total_label(self) -> str:
        """The 分类汇总's last row: 合计, or 合计（不含表中合计行） when the table has its own total."""
        if not self.total_rows:
            return TOTAL_LABEL[self.lang]
        return SUMMARY_TOTAL_APART[self.lang].format("、".join(self.totals) if self.lang == "zh"
                                                     else ", ".join(self.totals))

    def by_region_table(self) -> tuple[list[str], list[list[str]]]:
        """The 分地区汇总 table as text (header, rows with a 合计 row last); empty for one region. A
        region that is the table's own total (全市, 合计: :attr:`totals`) is not counted as a region: its
        row comes after the regions, labelled (``全市（表中合计，不计入各地区合计）``), and the last row
        is then the sum over the regions alone (各地区合计), never that total counted twice."""
        if self.by_region.empty and self.table_total.empty:
            return [], []
        labels, cats = CATEGORY_LABELS[self.lang], self.categories
        head = [BY_REGION_LABEL[self.lang]] + [labels[c] for c in cats] + [TOTAL_LABEL[self.lang]]
        body = [[str(r["region"])] + [str(int(r[c])) for c in (*cats, "total")]
                for r in self.by_region.to_dict("records")]
        note = TABLE_TOTAL_NOTE[self.lang]
        body += [[f"{r['region']}（{note}）" if self.lang == "zh" else f"{r['region']} ({note})"]
                 + [str(int(r[c])) for c in (*cats, "total")] for r in self.table_total.to_dict("records")]
        last = REGIONS_TOTAL_LABEL[self.lang] if not self.table_total.empty else TOTAL_LABEL[self.lang]
        body.append([last] + [str(int(self.by_region[c].sum())) for c in (*cats, "total")])
        return head, body

    @property
    def next_steps(self) -> str:
        """The placeholder under the 下一步工作建议 heading that ends a 中期评估 / 总结评估 (（请结合工作实际补充）): the
        analyst writes the advice; ``""`` for any other report (年度监测, 基期情况)."""
        return NEXT_STEPS_PLACEHOLDER[self.lang] if self.kind in ("midterm", "final") else ""

    def shown_columns(self) -> set[str]:
        """The ids of the main table's columns (:meth:`columns`, html's: the widest): the notes explain these only."""
        return {c.id for c in self.columns()}

    @property
    def overview_drawn(self) -> bool:
        """The overview chart has a point to draw (:func:`on_overview`): never an empty chart."""
        return any(on_overview(row) for row in self.rows)

    @property
    def overview_caption(self) -> str:
        """The caption under the overview chart (:func:`~.charts.overview_chart` draws observed target
        years apart from the probability axis)."""
        if self.not_started:
            if self.first_year_under_way is not None:
                return OVERVIEW_CAPTION_UNDER_WAY[self.lang].format(self.first_year_under_way)
            return OVERVIEW_CAPTION_NOT_STARTED[self.lang]
        if not self.observed_targets:
            return OVERVIEW_CAPTION[self.lang]
        on_axis = any(row.category not in FINAL_CATEGORIES and on_overview(row) for row in self.quantified_rows)
        return OVERVIEW_CAPTION_OBSERVED[self.lang][0 if on_axis else 1]

    def headers(self, *, docx: bool = False) -> list[str]:
        return [c.header(self.lang) for c in self.columns(docx=docx)]

    @property
    def striven(self) -> bool:
        """A target has a striven-for figure (``6%以上，力争7%``): the table gets its probability too."""
        return any(not row.cells["p_striven"].missing for row in self.rows)

    @property
    def quantified_rows(self) -> list[ReportRow]:
        """The rows with a figure to judge: every row but the qualitative ones (建成: 定性指标，另行评价), which
        are never forecast and so decide none of the table's columns (a 总结评估 with one 建成 row is still a
        总结评估 of facts, without 时间进度 / 80%区间 / 实现概率 columns of dashes), and those whose target is not set
        yet (目标待定: a forecast, but no target to judge it against -- a 基期情况 report with a 待定 row stays one)."""
        return [row for row in self.rows if row.category not in NOT_JUDGED]

    @property
    def observed_targets(self) -> bool:
        """A target year is observed: the forecast column holds that year's value (目标年实际值/预测值)."""
        return any(row.category in FINAL_CATEGORIES for row in self.quantified_rows)

    @property
    def all_observed(self) -> bool:
        """Every target year is observed (qualitative rows aside): nothing is forecast, no probability or pace
        still needed."""
        rows = self.quantified_rows
        return bool(rows) and all(row.category in FINAL_CATEGORIES for row in rows)

    @property
    def not_started(self) -> bool:
        """A report made before the plan period starts whose every row (qualitative ones aside) is 规划期未开始:
        no time elapsed, no progress to show."""
        rows = self.quantified_rows
        return bool(rows) and all(row.category == NOT_STARTED for row in rows)

    def columns(self, *, docx: bool = False) -> list[Column]:
        """The main table's columns, the same in every format: 地区 for several regions, 力争目标实现概率
        for a striven-for figure; one column per observed year (:attr:`years`: 2021年 …) in place of
        最新年 / 最新值; 基期年 / 目标年 folded into the headers when every row has the same
        (基期值（2020年）, 目标值（2025年）, 2025年预测值); once a target year is observed the forecast column is
        目标年实际值/预测值 (left out when every target year is observed and has its own year column), and when
        every one is (a 总结评估 of facts) the columns of a plan under way --
        时间进度, 80%区间, 实现概率, 预计完成情况, 尚需年均变化 -- are left out rather than shown as a
        column of dashes; so they are in a 总结评估 whose 数据不足 rows forecast nothing either. A 总结评估 also leaves
        out 时间进度 (100% on every row) and any of those columns no row fills, and 目标年实际值 when it repeats the
        target year's column on every row. The forecasting model is no column: each target's notes name it."""
        out = []
        final = self.kind == "final"

        def blank(key: str) -> bool:  # a column of dashes for every row
            return all(key not in row.cells or row.cells[key].text in (MISSING, "") for row in self.rows)

        # a 总结评估 whose rows are all settled -- observed, or 数据不足 with nothing forecast -- has no column of a plan
        # under way either (80%区间, 实现概率, 预计完成情况 …): not columns of dashes beside its 已完成 / 未完成
        settled = self.all_observed or (final and bool(self.quantified_rows) and all(
            row.category in FINAL_CATEGORIES or (row.category == "insufficient_data" and all(
                k not in row.cells or row.cells[k].text in (MISSING, "") for k in ("forecast", "p_meet", "range_80")))
            for row in self.quantified_rows))
        end = self.target_year
        for c in COLUMNS:
            if c.id == YEARS_BEFORE:  # before the column's own test: a 总结评估 leaves 时间进度 out, not the years
                out += [Column(f"y{y}", f"{y}年", str(y)) for y in self.years]
                # part-year figures the plan gave (2026年1-10月): marked, beside the years, never one of them
                out += [Column(f"part{j}", PART_YEAR_HEADER[self.lang].format(label),
                               PART_YEAR_HEADER["en"].format(part_year_label(label, "en")))
                        for j, (_, label) in enumerate(self.part_years)]
            if (docx and not c.in_docx) or (c.id == "region" and not self.several_regions) or \
                    (c.id == "p_striven" and not self.striven) or (settled and c.id in UNDER_WAY_COLUMNS):
                continue
            if final and (c.id == "time_share" or (c.id in UNDER_WAY_COLUMNS and blank(c.key))):
                continue  # a 总结评估: 时间进度 100% on every row, a column of a plan under way that no row fills
            if c.id in ("time_share", "progress_share") and self.not_started:
                continue  # a 基期情况 report: no time elapsed, no progress -- not a column of dashes
            if (c.id == "baseline_year" and self.baseline_year is not None) or \
                    (c.id == "target_year" and self.target_year is not None) or \
                    (c.id in ("last_year", "current") and self.years):
                continue
            if c.id == "forecast" and settled and end is not None and end in self.years and (
                    (self.all_observed and not any(row.interpolated for row in self.rows)) or all(
                    f"y{end}" in row.cells and _removeprefix(row.cells["forecast"].text, ("累计 ", "sum "))
                    == row.cells[f"y{end}"].text for row in self.rows)):
                continue  # its 2025年 column already says the target year's value (not one estimated: –; a 〈〉 sum too)
            if c.id == "forecast" and self.observed_targets:
                c = OBSERVED_FORECAST_COLUMN[settled]
            if c.id == "baseline" and self.baseline_year is not None:
                c = Column(c.id, f"{c.zh}（{self.baseline_year}年）", f"{c.en} ({self.baseline_year})", cell=c.cell)
            if c.id == "target" and self.target_year is not None:
                c = Column(c.id, f"{c.zh}（{self.target_year}年）", f"{c.en} ({self.target_year})")
            if c.id == "forecast" and self.target_year is not None:
                ty = str(self.target_year)
                c = Column(c.id, c.zh.replace("目标年", f"{ty}年"), c.en.replace("target year", ty)
                           .replace("Target-year", ty).replace("(target year)", f"({ty})"))
            out.append(c)
        return out


# --------------------------------------------------------------------------------------------
# order and chart selection (shared with the charts)
# --------------------------------------------------------------------------------------------

def display_order(table: pd.DataFrame) -> list[int]:
    """Positions of ``table``'s rows in display order: the plan's own order (``assess`` keeps it), so
    that 序号 1 is the plan's first indicator; a binding (约束性) one is marked by its 属性, not moved
    (the charts still pick binding and most-at-risk targets first: :mod:`mstarget.chart_choice`)."""
    return list(range(len(table)))


#: the plan's own numbering column (:func:`mstarget.read_plan` keeps it as written)
PLAN_NUMBER_COLUMNS = NUMBER_COLUMNS


def plan_numbers(records: list[dict], plan: pd.DataFrame | None) -> list[int]:
    """序号 of each row (in the table's order): the plan's own (its 序号 column, matched by region,
    indicator and target year) when every row has one and they are distinct whole numbers (``3``, ``3.``,
    or Chinese numerals ``三``, ``（三）``), else 1..n in the plan's order -- a number names one row in the
    table, the narrative and the charts. :func:`numbering` also says which."""
    return numbering(records, plan)[0]


#: how the 序号 were set (:func:`numbering`): the plan's own, renumbered 1..n, or 1..n for a plan without any
NUMBERING = ("plan", "renumbered", "none")


def numbering(records: list[dict], plan: pd.DataFrame | None) -> tuple[list[int], str]:
    """``(numbers, how)``: :func:`plan_numbers` and how they were set (:data:`NUMBERING`): ``"plan"`` (the
    plan's own), ``"renumbered"`` (the plan numbers its rows otherwise -- restarting within each 类别, a
    number repeated or not a whole number -- so 1..n in its order), ``"none"`` (the plan has no 序号)."""
    default = list(range(1, len(records) + 1))
    column = next((c for c in PLAN_NUMBER_COLUMNS if plan is not None and c in plan.columns), None)
    if column is None:
        return default, "none"
    numbers = [_whole_number(v) for v in _by_plan_row(records, plan, column)]
    if any(n is None for n in numbers):
        return default, "renumbered" if any(n is not None for n in numbers) else "none"
    return (numbers, "plan") if len(set(numbers)) == len(numbers) else (default, "renumbered")


#: Chinese digits a plan's 序号 may be written in (一、二 … 九十九)
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
#: what may surround a 序号 (3. / 三、/ （三） / (3))
_NUMBER_MARKS = " \t、.．,，()（）"


def _whole_number(v) -> int | None:
    """A 序号 as a whole number >= 1: ``3``, ``3.0``, ``3.``, ``三``, ``（十二）``; None when it is none."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    text = str(v).strip().strip(_NUMBER_MARKS)
    try:
        f = float(text)
    except ValueError:
        f = _chinese_number(text)
    if f is None or not math.isfinite(f) or f != int(f) or f < 1:
        return None
    return int(f)


def _chinese_number(text: str) -> int | None:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十 -> 20, 二十三 -> 23 (up to 九十九); None for anything else."""
    if not text or len(text) > 3:
        return None
    if "十" not in text:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _by_plan_row(records: list[dict], plan: pd.DataFrame, column: str) -> list:
    """``plan[column]`` of the plan row of each record (same region, indicator and target year); None
    where no plan row matches."""
    if not {"region", "indicator", "target_year"} <= set(plan.columns):
        return [None] * len(records)
    keys = zip(plan["region"].astype(str), plan["indicator"].astype(str),
               pd.to_numeric(plan["target_year"], errors="coerce").tolist())
    by_key = dict(zip(keys, plan[column].tolist()))
    out = []
    for r in records:
        ty = r.get("target_year")
        out.append(by_key.get((str(r.get("region")), str(r.get("indicator")), None if is_missing(ty) else float(ty))))
    return out


#: the header of the main table's column of a part-year figure (:func:`part_year_columns`)
PART_YEAR_HEADER = {"zh": "{}（仅供参考）", "en": "{} (part of the year, for reference)"}
#: the table note on such a column
PART_YEAR_NOTE = {"zh": "“{shown}”列为输入中“{head}”列的年内部分月份数据，仅供参考，未作为全年数据使用，不据此评价。",
                  "en": "\"{shown}\": the input's column '{head}', figures of part of the year, for reference only: "
                        "not used as full-year figures and not judged on."}
#: a year in a plan column's header (2026年完成值（1-10月）)
_HEADER_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def part_year_columns(plan: pd.DataFrame | None) -> list[tuple[str, str]]:
    """``(header, label)`` of the plan's columns holding a part of a year -- ``2026年完成值（1-10月）`` labelled
    ``2026年1-10月``, ``2026年上半年`` --, which :func:`mstarget.read_plan` keeps as written and reads no figure from
    (its warning: 未读取的列 … a part of the year, not the year). Empty without a plan or such a column."""
    if plan is None:
        return []
    out = []
    for head in plan.columns:
        if not isinstance(head, str):
            continue
        year, part = _HEADER_YEAR.search(head), PART_OF_YEAR.search(head)
        if year is None or part is None:
            continue
        if not plan[head].map(_part_year_text).astype(bool).any():
            continue  # a column left blank: nothing to show
        out.append((head, year.group(1) + "年" + re.sub(r"\s+", "", part.group(0))))
    return out


#: the table note on a column of part-year figures only the history gave (:func:`history_part_years`)
PART_YEAR_HISTORY_NOTE = {
    "zh": "“{shown}”列为历史数据中的{label}数据，为年内部分月份数据，仅供参考，未作为全年数据使用，不据此评价。",
    "en": "\"{shown}\": the history's figures of {label}, part of the year, for reference only: not used as full-year "
          "figures and not judged on."}


def history_part_years(table: pd.DataFrame, records: list[dict]) -> list[dict]:
    """For each record, the part-year figures the history gave its series (``{"2026年1-10月": "42.9"}``, as written):
    :func:`mstarget.read_history` keeps them apart in ``attrs["part_year"]`` (a column ``2026年1-10月``, a year cell
    ``2026年1-10月``, a note ``注：2026年为1-10月数据``), never as observations, and ``mt.assess`` /
    ``mt.assess_detailed`` / ``mstarget report`` carry them in the table's ``attrs["part_year"]``. A series is found
    by region and indicator id, or by its name read as the matcher reads it (:func:`mstarget.matching.name_key`); a
    figure in another unit than the row's is left out."""
    entries = table.attrs.get("part_year") if isinstance(getattr(table, "attrs", None), dict) else None
    if not entries:
        return [{} for _ in records]
    by_key: dict = {}
    for e in entries:
        reg = region_key(e.get("region", ""))
        for k in (("id", str(e.get("indicator") or "")), ("name", name_key(e.get("indicator") or "")),
                  ("name", name_key(e.get("name") or ""))):
            if k[1]:
                by_key.setdefault((reg, *k), []).append(e)
    out = []
    for r in records:
        reg = region_key(_words(r.get("region")))
        found: list = []
        ind, nm = _words(r.get("indicator")), _words(r.get("name"))
        for k in (("id", ind), ("name", name_key(ind) if ind else ""), ("name", name_key(nm) if nm else "")):
            if k[1] and (reg, *k) in by_key:
                found = by_key[(reg, *k)]
                break
        unit = _words(r.get("unit"))
        figures = {}
        for e in found:
            e_unit = _words(e.get("unit"))
            if unit and e_unit and e_unit != unit:  # 户 against 万户: not this row's figure
                continue
            text = _part_year_text(e.get("written"))
            if text:
                figures.setdefault(str(e["label"]), text)
        out.append(figures)
    return out


def _part_year_cell(text: str) -> Cell:
    """A part-year figure as written (``13.1``, ``1,234``): a number a spreadsheet stores as one, with the places
    written (13.10 stays 13.10); words (``约13``, ``13.1万户``) stay text, a blank is missing."""
    if not text:
        return Cell(None, MISSING)
    plain = text.replace(",", "")
    if re.fullmatch(r"[-+]?(?:\d+\.?\d*|\.\d+)", plain):
        decimals = len(plain.split(".")[1]) if "." in plain else 0
        value = float(plain)
        return Cell(value if decimals else int(value), text, excel_format(decimals))
    return Cell(text, text)


def _words(v) -> str:
    """A text cell stripped; "" for None, NaN or pd.NA."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def _part_year_text(v) -> str:
    """A part-year cell as written (``42.9``), "" when blank (``—``, ``-``, ``/``, NaN)."""
    if v is None or is_missing(v):
        return ""
    text = str(v).strip()
    return "" if text in ("", "—", "--", "-", "/", "－", "–", "nan") else text


def first_year_under_way(table: pd.DataFrame, as_of: int | None, date=None) -> int | None:
    """The plan's first year (2026 of a 2026-2030 plan) when the report's ``date`` falls in it and the evaluation
    year ``as_of`` is the base year or that year: the period has begun, but no full-year figure of it can be
    published yet (2026年全年数据尚未发布) -- what a report dated December 2026 says, never 规划期尚未开始. None
    otherwise (a report dated before the period, a view of an earlier year asked with ``as_of``, or a table of
    which a row has a figure of that year already: then it has been reported)."""
    start, end = plan_period(table)
    if start is None or end is None or as_of is None:
        return None
    if "last_year" in table and (pd.to_numeric(table["last_year"], errors="coerce") > start).any():
        return None
    year = report_datetime(date).year
    return year if year == start + 1 <= end and as_of in (start, year) else None


#: a plan table's own yearly figures (完成值 columns, :func:`mstarget.read_plan`): ``observed_2021`` ...
_OBSERVED_COLUMN = re.compile(r"^observed_(\d{4})$")


def yearly_columns(records: list[dict], as_of: int | None) -> list[int]:
    """The years the main table gives a column each: from the base year + 1 up to the evaluation year
    (``as_of``; the latest target year at most), the latest :data:`MAX_YEAR_COLUMNS`; empty when the
    rows' base years differ (a column 2021年 would mean different things) or none is given."""
    bases = {int(r["baseline_year"]) for r in records if not is_missing(r.get("baseline_year"))}
    targets = [int(r["target_year"]) for r in records if not is_missing(r.get("target_year"))]
    if len(bases) != 1 or not targets:
        return []
    end = max(targets) if as_of is None else min(int(as_of), max(targets))
    years = list(range(next(iter(bases)) + 1, end + 1))
    return years[-MAX_YEAR_COLUMNS:]


def yearly_values(records: list[dict], details, plan: pd.DataFrame | None) -> list[dict | None]:
    """Each row's observed values by year as ``assess`` read them: a 〔〕 row's stock, a 〈〉 row's yearly
    additions (flows), a level's value -- from its detail's series (the history as assessed), else, for
    a level or a stock, from the plan table's own 完成值 columns (``observed_2021`` ...). ``{}`` for a row
    with no observation after its base year; ``None`` where the values are not known (a row with data
    whose series was not kept, or a 〈〉 row whose plan columns may be running totals)."""
    observed = [c for c in (plan.columns if plan is not None else []) if _OBSERVED_COLUMN.match(str(c))]
    from_plan = {c: _by_plan_row(records, plan, c) for c in observed} if observed else {}
    out: list[dict | None] = []
    for i, r in enumerate(records):
        series = getattr(details[i], "series", None) if details is not None else None
        ly, by = r.get("last_year"), r.get("baseline_year")
        if series is not None:
            out.append({int(y): float(v) for y, v in zip(series.years, series.values) if math.isfinite(float(v))})
        elif r.get("category") == QUALITATIVE:  # 达到全国平均水平 | 97.8 …, 建成 | 基本建成 …: the plan's 完成值 as written
            out.append(_qualitative_yearly(r, i, plan, from_plan))
        elif is_missing(ly) or (not is_missing(by) and int(ly) <= int(by)):
            out.append({})
        elif from_plan and r.get("kind") != "increment":
            found = {int(_OBSERVED_COLUMN.match(str(c)).group(1)): v[i] for c, v in from_plan.items()}
            found = {y: float(v) for y, v in found.items() if not is_missing(v)}
            if not is_missing(r.get("last_value")):  # the latest value, which may come after the plan's columns
                found[int(ly)] = float(r["last_value"])
            out.append(found)
        else:
            out.append(None)
    return out


#: a qualitative row's 完成值 in words (:func:`mstarget.read_plan`'s ``written_2025``: 已建成)
_WRITTEN_COLUMN = re.compile(r"^written_(\d{4})$")
#: a qualitative row's baseline in words (:func:`mstarget.read_plan`'s ``baseline_written``: 未建成)
BASELINE_WORDS = "baseline_written"
#: ... as ``assess``'s note of the row says it, for a table reported without its plan (``baseline '未建成' (2020基期：未建成)``)
_BASELINE_WORDS_NOTE = re.compile(r"(?:^|; )baseline '([^']+)' \(")


def baseline_words(r: dict) -> str:
    """A qualitative row's baseline written in words (未建成): the plan's ``baseline_written`` (set on the record by
    :func:`_qualitative_yearly`), else what ``assess``'s note of the row says of it; "" for none."""
    if r.get("category") != QUALITATIVE:
        return ""
    words = r.get(BASELINE_WORDS)
    if isinstance(words, str) and words.strip():
        return words.strip()
    note = r.get("note")
    m = _BASELINE_WORDS_NOTE.search(note) if isinstance(note, str) else None
    return m.group(1).strip() if m else ""


def spoken_name(name):
    """A target's name as a sentence says it: a sub-item's without the lead-in the plan writes before it
    (``其中：企业数量`` -> ``企业数量``, ``其中 农产品抽检合格率`` -> ``农产品抽检合格率``; the lead-in as matching reads it,
    :data:`mstarget.matching._SUB_ITEM` on the name's NFKC form), the rest as the plan wrote it; any other name as
    it is (``其中`` alone, ``其中企业数量``, a missing name)."""
    text = name.strip() if isinstance(name, str) else ""
    if not text.startswith("其中"):
        return name
    # the lead-in's full-width ：，and spaces as matching sees them
    folded = [unicodedata.normalize("NFKC", ch) for ch in text]
    m = _SUB_ITEM.match("".join(folded))
    if m is None:
        return name
    at = 0
    for i, ch in enumerate(folded):  # where the lead-in ends in the name as written
        if at == m.end():
            return text[i:]
        at += len(ch)
    return name


def stock_base(r: dict) -> float:
    """The year-end level a 〈〉 row's additions are counted from where its history is the year-end stock (``assess``'s
    ``stock_base``, in the row's unit: 1.89 万户 for 2.30 - 1.89 = 0.41 added since 2020); NaN on any other row."""
    return _num(r.get("stock_base")) if r.get("kind") == "increment" else math.nan


def _qualitative_yearly(r: dict, i: int, plan: pd.DataFrame | None, from_plan: dict) -> dict:
    """A qualitative row's (建成, 达到全国平均水平) 完成值 by year, never forecast: the figures of the plan's own
    columns (98.4 beside the national average), and, in ``r["written_years"]``, those written in words (已建成)."""
    found = {int(_OBSERVED_COLUMN.match(str(c)).group(1)): v[i] for c, v in from_plan.items()}
    found = {y: float(v) for y, v in found.items() if not is_missing(v)}
    words = {}
    for c in (plan.columns if plan is not None else []):
        if _WRITTEN_COLUMN.match(str(c)):
            v = _by_plan_row([r], plan, c)[0]
            if isinstance(v, str) and v.strip():
                words[int(_WRITTEN_COLUMN.match(str(c)).group(1))] = v.strip()
    if words:
        r["written_years"] = words
    if plan is not None and BASELINE_WORDS in plan.columns:  # 未建成: its baseline in words, shown as its 基期值
        base = _by_plan_row([r], plan, BASELINE_WORDS)[0]
        if isinstance(base, str) and base.strip():
            r[BASELINE_WORDS] = base.strip()
    marks = {}  # 98.4（快报）: the plan's preliminary marks of those figures, as a numeric row's
    for y in found:
        if plan is not None and f"preliminary_{y}" in plan.columns:
            mark = _by_plan_row([r], plan, f"preliminary_{y}")[0]
            if isinstance(mark, str) and mark.strip():
                marks[y] = mark.strip()
    if marks and not years_of(r.get("preliminary_years")):
        r["preliminary_years"] = ", ".join(map(str, sorted(marks)))
        r["preliminary_mark"] = next(iter(marks.values()))
    return found


# --------------------------------------------------------------------------------------------
# building the model
# --------------------------------------------------------------------------------------------

def detect_language(table: pd.DataFrame) -> str:
    """``"zh"`` when the plan's names (or units, regions) are Chinese, else ``"en"``."""
    for col in ("name", "unit", "region"):
        if col in table and any(contains_cjk(v) for v in table[col].tolist()):
            return "zh"
    return "en"


def _num(v) -> float:
    return math.nan if is_missing(v) else float(v)


@dataclass
class _RowState:
    """What a report row is, read once from the assessment's row for :func:`_cells`' steps."""

    kind: object
    direction: object
    baseline: float
    #: the target as shown (a computed one, 年均增长6% of a baseline, rounded to the places it is shown with)
    target: float
    last_value: float
    #: the figure progress counts: the last value, a 〈〉 row's (or a period average's, or a stock's with gaps) so far
    current: float
    #: a 年均增长 period average (:func:`mstarget.assess.period_average`)
    average: bool
    #: years estimated inside a reported running total (the sums reported stay bare)
    split: set
    #: years of the period not reported (:func:`unreported_gap`) and their mark (3.90（缺2024年）)
    gap: list
    gap_mark: str
    #: years the history marks preliminary, their mark, and the mark of the figure judged
    pre_years: set
    pre_mark: str
    judged_pre: str
    #: the report's category of the row (:func:`row_category`)
    category: str
    #: the target year's value is a fact (observed or interpolated): no range, no probability
    closed: bool
    #: ... or a 待定 target's observed target year (shown as observed rows' are)
    settled: bool
    #: the forecast column holds a value of the target year (settled, or a target year never reported, estimated)
    valued: bool
    #: the target is computed from the baseline (年均增长6%: 1234 x 1.06^5), no figure written
    computed: bool
    last_year: object
    target_year: object
    #: the words before a sum or an average (累计 / 年均)
    accumulated: str
    #: nothing is still needed: the target reached (提前实现, or reached with the target year's value still awaited,
    #: which the report calls 数据不足, or met at the base year) -- 尚需年均变化 says 已达到, not -0.20
    met: bool = False


@dataclass
class _RowPlaces:
    """The decimals of a report row's figures (:func:`_row_places`)."""

    #: the indicator's written figures: observed values, the latest, the target year's once observed, the gap
    written: int
    #: the figures compared with the target, told from it visibly (13.5 against ≥14, not 14)
    compared: int
    #: forecasts and ranges: about three significant digits, a count's whole
    forecast: int
    #: the plan's own target and baseline as it wrote them (99.0, 〔4.0〕)
    target: int
    baseline: int
    #: the paces: still needed (尚需年均变化), observed
    required: int
    observed: int
    #: a count of whole things (项, 批次/年, all figures whole): whole forecast and range
    counted: bool


def _cells(r: dict, number: int, lang: str, several_regions: bool = False,
           qualifier: str = "", mark_forecast: bool = False, *, shared: tuple = (), shared_plan: tuple = (),
           yearly: dict | None = None, years: Sequence[int] = (), n_peers: int | None = None,
           written: int | None = None, interpolated: bool = False, report_kind: str = "",
           under_way: bool = False, points: int | None = None) -> tuple[dict[str, Cell], int]:
    """The row's cells; ``report_kind``: what the report is (:func:`evaluation_kind`: a 基期情况 row shows 规划期未开始,
    :func:`row_category`; a 总结评估's 数据不足 row without data after its base year no gap, forecast, probability,
    pace or outlook, :func:`final_void`; a 数据不足 row without progress data no forecast, range nor probability,
    :func:`forecast_void`, save in a report dated in the period's first year, ``under_way``; ``points``: the
    figures of its series, :func:`observed_points`); ``mark_forecast``: the report also shows observed target-year values in the
    forecast column, so a forecast there says it is one (预测 117). ``shared``: the figures of every row
    of the same indicator (all regions, all target years: baseline, target, values) and ``shared_plan``
    their plan figures (baselines, targets), which set the decimals, so that an indicator reads alike
    in every region; ``yearly``: the row's observed values by
    year (:func:`yearly_values`), shown in one column per year of ``years`` (``y2021`` ...);
    ``n_peers``: the peers its forecast pooled (:func:`model_name`); ``written``: the decimals of the
    indicator's written figures (:func:`~.formatting.written_row_decimals` over every row of the indicator;
    default: this row's own), which its observed values take in the yearly columns, 最新值, 实际值, the gap and
    the text (0.20 everywhere for a plan of ≤0.20 and a history 0.22, 0.18 …, never 0.2 beside 0.200);
    ``interpolated``: its target year's value lies between two observations (an estimate, marked so).

    Figures the history marks preliminary (``preliminary_years``, ``last_preliminary`` of
    :func:`mstarget.assess.assess`) are followed by their mark in the yearly columns, 最新值 and 实际值
    (3.05（快报）, :data:`PRELIMINARY_MARK`); the text cells the narrative writes (``current``, ``current_value``,
    ``forecast_value``) stay bare, the sentence says 快报数 itself. A row with years not reported
    (``unreported_years``: a 〈〉 sum, a stock from yearly additions) shows what the reported figures add up to
    -- as its progress and gap count them -- marked so (3.90（缺2024年）, :data:`UNREPORTED_MARK`), and the
    estimate counting those years marked 插值 (插值累计 5.10).

    The steps: what the row is (:func:`_row_state`), its decimals (:func:`_row_places`), the table's main cells
    (:func:`_main_cells`), then the baseline as written (:func:`_baseline_cells`), the latest and target-year figures
    (:func:`_latest_cells`), the yearly columns (:func:`_year_cells`), names and the target as the plan wrote them
    (:func:`_name_cells`, :func:`_target_cells`), the cells left blank where nothing may be reckoned
    (:func:`_blank_cells`) and, for a target year observed, the original target and the paces (:func:`_original_cells`,
    :func:`_pace_cells`)."""
    s = _row_state(r, lang, report_kind)
    places = _row_places(r, s, yearly, written, shared, shared_plan)
    met = s.met
    required = math.nan if met else r.get("required_pace")
    # a strict bound (低于0.15, 超过98: read_plan's ``strict``) is < / >: its own figure does not meet it
    sign = (STRICT_SIGN if strict_of(r) else DIRECTION_SIGN).get(s.direction, "")
    prefix = _forecast_prefix(s, lang, mark_forecast, interpolated)
    cells = _main_cells(r, s, places, number, lang, sign, prefix, met, required, n_peers, report_kind)
    _baseline_cells(cells, r, s, places, lang)
    _latest_cells(cells, r, s, places, lang, prefix)
    _year_cells(cells, r, s, places, lang, yearly, years)
    _name_cells(cells, r, lang, several_regions, qualifier)
    _target_cells(cells, r, s, places, lang, sign)
    cells["current_value"] = number_cell(s.current, places.compared)
    cells["forecast_value"] = number_cell(r.get("forecast"), places.compared if s.valued else places.forecast)
    cells["required_abs"] = pace_cell(abs(_num(required)), places.required, sign=False)
    cells["observed_abs"] = Cell(None, MISSING) if none_at_all(r) else \
        pace_cell(abs(_num(r.get("observed_pace"))), places.observed, sign=False)
    cells["qualifier"] = Cell(qualifier, qualifier)
    _blank_cells(cells, r, s, lang, met, report_kind, under_way, points)
    value = _num(r.get("forecast")) if s.closed and not s.gap else s.current  # the figure judged (a 〈〉 row's sum)
    _original_cells(cells, r, lang, sign, max(places.forecast, places.compared), value, s.closed)
    if s.closed:  # why a target year's value missed: the pace the plan needed against the one achieved
        _pace_cells(cells, r, places.compared, value, yearly, places.written, places.compared)
    return cells, places.compared


def _row_state(r: dict, lang: str, report_kind: str) -> _RowState:
    """What the row is: its figures, marks and category, as :class:`_RowState`."""
    kind = r.get("kind")
    gap = unreported_gap(r)
    # a growth rate's period average (年均增长, :func:`mstarget.assess.period_average`): the reported years' average so far
    average = isinstance(r.get("average_years"), str) and bool(r.get("average_years"))
    last_value = _num(r.get("last_value"))
    current = _num(r.get("sum_so_far")) if kind == "increment" or average or \
        (gap and not is_missing(r.get("sum_so_far"))) else last_value
    pre_years = set(years_of(r.get("preliminary_years")))
    pre_mark = preliminary_suffix(r.get("preliminary_mark"), lang) if pre_years else ""
    cat = row_category(r, report_kind)
    # the target year's value (observed or interpolated) is a fact, not a forecast: no range, no probability
    closed = cat in FINAL_CATEGORIES
    # a target not set yet (目标待定) whose target year is observed (a 总结评估): that year's value is a fact too -- shown
    # as the observed rows' are (4.43, not 预测 4.43 with a range 4.43–4.43), though nothing is judged against it
    ly_, ty_ = r.get("last_year"), r.get("target_year")
    settled = closed or (cat == TARGET_PENDING and not is_missing(ly_) and not is_missing(ty_) and int(ly_) >= int(ty_))
    met = cat in ("achieved", "completed") or (not closed and r.get("category") == "achieved") or \
        (cat in ("insufficient_data", NOT_STARTED) and nothing_after_base(r) and at_target(r, current))
    return _RowState(
        kind=kind, direction=r.get("direction"), baseline=_num(r.get("baseline")), target=_num(r.get("target")),
        last_value=last_value, current=current, average=average,
        split=set(years_of(r.get("split_years"))),  # inside a reported running total: the sums reported stay bare
        gap=gap, gap_mark=UNREPORTED_MARK[lang].format(("、" if lang == "zh" else ", ").join(map(str, gap))) if gap else "",
        pre_years=pre_years, pre_mark=pre_mark,
        judged_pre=pre_mark if flagged(r.get("last_preliminary")) else "",
        category=cat, closed=closed, settled=settled,
        # a figure said to miss (or meet) the target differs from it visibly: 13.5 against ≥14, not 14
        # a target year never reported, its value estimated between its neighbours (:func:`estimated_target_year`): no
        # verdict, but the estimate is a value of that year, written as the observed ones (13.5 against ≥14, not 14)
        valued=settled or flagged(r.get("target_year_estimated")),
        # a target computed from the baseline (年均增长6%: 1234 x 1.06^5 = 1651.3704) is no figure written: it sets no
        # decimals, and is shown with the row's (≥1,651, one place more where that tells it from a value compared)
        computed=computed_target(r), last_year=ly_, target_year=ty_,
        accumulated=("累计 " if lang == "zh" else "sum ") if kind == "increment" else
        ("年均 " if lang == "zh" else "average ") if average else "", met=met)


def _row_places(r: dict, s: _RowState, yearly: dict | None, written: int | None, shared: tuple,
                shared_plan: tuple) -> _RowPlaces:
    """The decimals of the row's figures (:class:`_RowPlaces`); a computed target is set to the figure shown
    (``s.target``)."""
    baseline, target, last_value = s.baseline, s.target, s.last_value
    compared = (s.current, _num(r.get("forecast")) if s.valued else math.nan)
    # the figures written -- observed values, the latest, the target year's once observed, the gap -- with the
    # decimals the plan and the history write them (0.20, 2.95), one text per figure in the yearly columns,
    # 实际值 and the sentences; a count reported whole stays whole (实际为1项, 79项 beside a plan's 〔117.0〕)
    if written is None:
        written = _written_decimals(r.get("unit"), (baseline, math.nan if s.computed else target,
                                                    math.nan if _latest_estimated(r) else last_value,
                                                    r.get("target_striven"),
                                                    *_written_yearly(r, yearly).values()),
                                    (r.get("baseline_decimals"), r.get("target_decimals")))
    wdec = written
    if s.computed:
        target = s.target = computed_target_shown(target, wdec, *compared, _num(r.get("forecast")),
                                                  direction=s.direction)
    reference = (target, baseline, last_value, s.current, *shared)
    fdec = row_decimals(reference=reference, exact=(baseline, *(() if s.computed else (target,)), *shared_plan))
    # a computed target shown already tells itself from the figures written: they keep their own places (2.7
    # beside ≥2.66, as in the yearly columns)
    dec = wdec if s.computed else compared_decimals(wdec, target, *compared)
    # forecasts and paces keep their own precision (unchanged by the written figures): about three significant
    # digits (fdec) and the places that tell a figure from its target, a count's whole (9.8 批次 forecast beside
    # a target of 9)
    sized = compared_decimals(level_decimals(fdec, reference=reference), target, *compared)
    # an open forecast beside its target also differs from it visibly: 预测 116.6 against ≥〔117〕 at 49 %, not 117
    open_forecast = () if s.valued else (_num(r.get("forecast")),)
    fdec = max(compared_decimals(fdec, target, *compared, *open_forecast), sized)
    if s.kind == "increment":  # a 〈〉 sum of additions reported to 0.1 is known to 0.1: 累计 6.7 (5.5–8.8) beside 累计完成3.2
        # and 0.8 | 1.9 | 3.2, not 6.74 nor 6.00 -- more places only where the sum would read as its target (4.97, not 5.0)
        fdec = min(fdec, compared_decimals(dec, target, *compared, *open_forecast))
    # a count of whole things (项, 批次/年, all figures whole): its forecast and range are whole numbers too
    counted = whole_count(r.get("unit"), reference)
    if counted:  # even beside its target: 8 批次 against ≥8 at 50 %, not 7.997 -- the probability says the rest
        fdec = sized
    # each pace with the decimals of the row's figures as shown (dec: 5.0, 5.2, 5.3 -> one), one more at most where
    # a pace needs it to show two significant digits (+0.03 beside 5.1, never +0.033 from the forecast's 5.17)
    # (a computed target's extra place, 4.702 told from 4.7, is no precision of the paces: +0.3, not +0.300);
    # no pace once the target is reached (``s.met``)
    required = math.nan if s.met else r.get("required_pace")
    rdec, odec = pace_decimals(dec, required), pace_decimals(dec, r.get("observed_pace"))
    if dec == 0:  # a series of whole figures (项, 户): its pace's first decimal, where it has one (+13.4, not +13:
        # (105-38)/5), in both pace columns alike
        rdec, odec = (max(d, whole_pace_decimals(v)) for d, v in ((rdec, required), (odec, r.get("observed_pace"))))
    # the plan's own figures as it wrote them (99.0, 〔4.0〕: read_plan's decimals; 12, not 12.0)
    return _RowPlaces(written=wdec, compared=dec, forecast=fdec,
                      target=plan_figure_decimals(target, r.get("target_decimals"), max(fdec, dec)),
                      baseline=plan_figure_decimals(baseline, r.get("baseline_decimals"), max(fdec, dec)),
                      required=rdec, observed=odec, counted=counted)


def _forecast_prefix(s: _RowState, lang: str, mark_forecast: bool, interpolated: bool) -> str:
    """The words before the forecast column's figure: 累计 / 年均, 预测 beside observed target-year values (预测 117,
    预测累计 6.95), 插值 for the target year's value estimated between two observations or counting a year not
    reported."""
    accumulated = s.accumulated
    prefix = accumulated
    if s.closed and interpolated:  # the target year's value estimated between two observations: said so
        prefix = INTERPOLATED_MARK[lang] + ("" if lang == "zh" and accumulated else " ") + accumulated
    ly_, ty_ = s.last_year, s.target_year
    estimate = (bool(s.gap) or interpolated) and not s.settled and not is_missing(ly_) and not is_missing(ty_) and \
        int(ly_) >= int(ty_)
    if mark_forecast and not s.settled and not estimate:
        joint = "" if lang == "zh" and accumulated else " "
        prefix = FORECAST_MARK[lang] + joint + accumulated if accumulated else FORECAST_MARK[lang] + " "
    if estimate:  # the target year observed, a year before it not reported: the figure counting its estimate
        prefix = INTERPOLATED_MARK[lang] + ("" if lang == "zh" and accumulated else " ") + accumulated
    return prefix


def _main_cells(r: dict, s: _RowState, places: _RowPlaces, number: int, lang: str, sign: str, prefix: str, met: bool,
                required, n_peers: int | None, report_kind: str) -> dict[str, Cell]:
    """The table's columns: names, the plan's figures, progress, forecast and range, probability, paces, category."""
    dec, fdec = places.compared, places.forecast
    name = r.get("name")
    name = str(name) if isinstance(name, str) and name.strip() else str(r.get("indicator"))
    attr_labels = ATTRIBUTE_ZH if lang == "zh" else ATTRIBUTE_EN
    label = CATEGORY_LABELS[lang][s.category]
    if places.counted:  # whole numbers, the range widened outward (0.00–6.54 -> 0–7)
        lo, hi = count_band(r.get("lo_80"), r.get("hi_80"))
    else:
        lo, hi = number_cell(r.get("lo_80"), fdec), number_cell(r.get("hi_80"), fdec)
    if s.settled:
        lo = hi = Cell(None, MISSING)
    # nothing observed after the base year: no time elapsed or progress to show (–, not 0%)
    ly, by = r.get("last_year"), r.get("baseline_year")
    unmeasured = is_missing(ly) or (not is_missing(by) and int(ly) <= int(by))
    rng = Cell(None, lo.text) if lo.missing else Cell(f"{lo.text}–{hi.text}", range_text(lo.text, hi.text, lang))
    unit = r.get("unit")
    current, accumulated = s.current, s.accumulated
    return {
        "no": Cell(number, str(number), "0"),
        "name": Cell(name, name),
        "region": text_cell(r.get("region")),
        "attribute": text_cell(attr_labels.get(r.get("attribute"), "")) if r.get("attribute") else Cell("", ""),
        "unit": text_cell(unit_column_text(unit, lang)) if isinstance(unit, str) and unit else Cell("", ""),
        "baseline_year": year_cell(r.get("baseline_year")),
        "baseline": number_cell(s.baseline, places.baseline),
        "last_year": year_cell(r.get("last_year")),
        "current": number_cell(current, dec, prefix=accumulated),
        "target_year": year_cell(r.get("target_year")),
        "target": number_cell(s.target, places.target, prefix=sign),
        "time_share": Cell(None, MISSING) if unmeasured else share_cell(r.get("time_share")),
        # never 100% beside a target not met (4.98 of ≥〈5〉: 99.6%), nor 0% beside one met
        "progress_share": Cell(None, MISSING) if unmeasured else
        progress_cell(r.get("progress_share"), met=s.category in ("completed", "achieved") or
                      (s.category != "not_completed" and at_target(r, current))),
        # a computed target's gap with the places its shown target has (0.002 beside ≥4.702 and 4.70, not 0.0)
        "remaining": number_cell(r.get("remaining"), max(dec, places.target) if s.computed else dec),
        "forecast": (number_cell(current, dec, prefix=accumulated, suffix=joined_marks(s.gap_mark, s.judged_pre))
                     if s.settled and s.gap
                     else number_cell(r.get("forecast"), dec if s.valued else fdec, prefix=prefix,
                                      suffix=s.judged_pre if s.settled else "")),
        "range_80": rng,
        "lo_80": lo,
        "hi_80": hi,
        "p_meet": Cell(None, MISSING) if s.closed else probability_cell(r.get("p_meet"), flagged(r.get("missed_already"))),
        "p_striven": Cell(None, MISSING) if s.closed else probability_cell(r.get("p_striven")),
        "required_pace": Cell(MET_PACE[lang], MET_PACE[lang]) if met else pace_cell(required, places.required),
        # a count of incidents against 零发生 has no pace to read (0 is no 持平 beside 2023年2起): –
        "observed_pace": Cell(None, MISSING) if none_at_all(r) else pace_cell(r.get("observed_pace"), places.observed),
        "category": Cell(label, label),
        "status": text_cell(status_text(r, s.category, lang)),
        "outlook": text_cell(outlook_cell(r, s.category, lang, report_kind)),
        "model": text_cell(model_name(r.get("model"), lang, n_peers)),
    }


def _baseline_cells(cells: dict, r: dict, s: _RowState, places: _RowPlaces, lang: str) -> None:
    """The table's baseline as the plan writes it: a stock in 〔〕, the additions of a 〈〉 row in 〈〉 (〈0〉), the
    level a 〈〉 row's additions count from, a 预计 baseline marked."""
    kind, baseline, bdec = s.kind, s.baseline, places.baseline
    cells["baseline_shown"] = notation_cell(baseline, kind, "", bdec) or cells["baseline"]
    cells["stock_base"] = Cell(None, MISSING)
    level = stock_base(r)
    if not is_missing(level):  # a 〈〉 row whose history is the year-end stock: the level its additions count from,
        # marked a year-end figure as a 〔〕 row's baseline is (〔1.89〕), never 〈1.89〉 (the previous period's additions)
        sdec = max(written_decimals(level), places.written)
        cells["stock_base"] = number_cell(level, sdec)
        cells["baseline_shown"] = notation_cell(level, "cumulative", "", sdec)
    base_mark = baseline_preliminary_suffix(r, lang)
    if base_mark and not cells["baseline_shown"].missing:  # a “十五五” plan's 2025 baseline written as 预计: 3.05（预计）
        brackets = NOTATION_BRACKETS.get(kind) if isinstance(kind, str) else None
        cells["baseline_shown"] = (number_cell(baseline, as_written(written_decimals(baseline), bdec),
                                               prefix=brackets[0], suffix=brackets[1] + base_mark) if brackets
                                   else number_cell(baseline, bdec, suffix=base_mark))


def _latest_cells(cells: dict, r: dict, s: _RowState, places: _RowPlaces, lang: str, prefix: str) -> None:
    """The latest figures: the year and value the row is reckoned on (the target year's once observed), the
    ``assess`` printout's latest value and sum so far, and the forecast column's figure without its words."""
    dec, current, ly_ = places.compared, s.current, s.last_year
    latest_pre = s.pre_mark if not is_missing(ly_) and int(ly_) in s.pre_years else ""
    # a row whose target year is observed shows that year and its value (its progress is reckoned on it),
    # not a later year's
    if s.closed and not is_missing(r.get("forecast")):
        cells["last_year_shown"] = year_cell(r.get("target_year"))
        cells["current_shown"] = cells["forecast"] if s.gap else \
            number_cell(r.get("forecast"), dec, prefix=prefix, suffix=s.judged_pre)
    else:
        cells["last_year_shown"] = cells["last_year"]
        cells["current_shown"] = (number_cell(current, dec, prefix=s.accumulated,
                                              suffix=joined_marks(s.gap_mark, latest_pre))
                                  if s.gap_mark or latest_pre else cells["current"])
        if s.kind == "increment" and nothing_after_base(r):  # no addition of the period yet: not 累计 0.0（快报）
            cells["current_shown"] = cells["current"] = Cell(None, MISSING)
    # the ``assess`` printout's figures (:func:`table_cells`): its latest value (a 〈〉 row's last addition) and a 〈〉
    # row's sum so far, as the report writes them, with the marks of the figures they are
    latest_split = SPLIT_MARK[lang] if not is_missing(ly_) and int(ly_) in estimated_years(r) else ""
    cells["latest"] = number_cell(s.last_value, places.written if s.kind == "increment" else dec,
                                  suffix=joined_marks(latest_split, latest_pre))
    cells["sum_so_far"] = number_cell(current, dec, suffix=joined_marks(s.gap_mark, latest_pre)) \
        if s.kind == "increment" else Cell(None, MISSING)
    # the forecast column's figure without its words (累计 / 预测 / 插值): once the target year is observed that
    # year's value, marked (5.1（缺2023年）, 3.00（快报）)
    cells["forecast_figure"] = (number_cell(current, dec, suffix=joined_marks(s.gap_mark, s.judged_pre))
                                if s.closed and s.gap
                                else number_cell(r.get("forecast"), dec if s.valued else places.forecast,
                                                 suffix=s.judged_pre if s.closed else ""))


def _year_cells(cells: dict, r: dict, s: _RowState, places: _RowPlaces, lang: str, yearly: dict | None,
                years: Sequence[int]) -> None:
    """完成值 by year (``y2021`` ...): a 〈〉 row's additions since the base year, a 〔〕 row's stock, a level's value;
    every year with the row's written decimals (2.80 | 3.10 | 2.95, 0.20 as in 实际值), a 〈〉 row's sums with the
    places of the additions summed (0.8 + 1.2 = 2.0, as 〈2.0〉 is written); a figure counted without a year not
    reported, or preliminary, marked so."""
    gap, kind, wdec = s.gap, s.kind, places.written
    shown_years = _running_totals(yearly, r.get("baseline_year"), gap) if kind == "increment" else (yearly or {})
    for y in years:
        v = shown_years.get(int(y))
        marks = joined_marks(s.gap_mark if gap and int(y) > min(gap) and kind in ("increment", "cumulative") else "",
                             SPLIT_MARK[lang] if int(y) in s.split else "",
                             s.pre_mark if int(y) in s.pre_years else "")
        suffix = marks if not is_missing(v) else ""
        # an estimate (a year split from the next reported total) with the decimals of the figures written
        # (2.6（插值） beside 1.5 and 3.6), never more: its own places would read as a figure reported
        cells[f"y{y}"] = number_cell(v, wdec, suffix=suffix) if int(y) in s.split else \
            yearly_cell(v, wdec, suffix=suffix)


def _name_cells(cells: dict, r: dict, lang: str, several_regions: bool, qualifier: str) -> None:
    """The plan's wording in the table and headings (其中：企业数量, with the region when several, and the target year
    when the indicator has several); sentences say a sub-item by its own name (企业数量)."""
    name = cells["name"].text
    for only, full, said in (("name_only", "label", name), ("spoken_name", "spoken_label", spoken_name(name))):
        label = place_name(said, r.get("region"), lang) if several_regions else said
        cells[only] = Cell(label, label)
        if qualifier:  # the same indicator with another target year in the report: 千人食品检验量（2022年目标）
            label = f"{label}（{qualifier}）" if lang == "zh" else f"{label} ({qualifier})"
        cells[full] = Cell(label, label)


def _target_cells(cells: dict, r: dict, s: _RowState, places: _RowPlaces, lang: str, sign: str) -> None:
    """The target as the plan wrote it: in 〔〕 / 〈〉, in words (持续提升, 建成, 待定), with a striven-for figure; and in
    plain figures for the sentences."""
    target, tdec = s.target, places.target
    cells["target_signed"] = cells["target"]
    # a 〔〕 / 〈〉 target as the plan wrote it (≥〈5〉 beside 累计 4.70, not ≥5.00); sentences keep the figure. A computed
    # one (年均增长10%以上 of 〔1.89〕: 3.04386) has no written places: it keeps those the plain cell and the sentences show
    # (≥〔3.04〕 beside 即≥3.04万户), not the places of its float (≥〔3.044〕)
    cells["target"] = notation_cell(round_half_up(target, tdec) if s.computed and not is_missing(target) else target,
                                    s.kind, sign, tdec) or cells["target"]
    # the target as a figure (≤0.20, ≥〔117〕), as the table writes it before any words: the charts' titles say it so
    cells["target_figure"] = cells["target"]
    written = r.get("target_written")
    if r.get("category") == QUALITATIVE and isinstance(written, str) and written.strip():  # 建成: as written
        cells["target"] = Cell(written.strip(), written.strip())
    if r.get("category") == QUALITATIVE:  # its 完成值 in words (已建成), as the plan wrote them
        for y, words in (r.get("written_years") or {}).items():
            if f"y{y}" in cells and cells[f"y{y}"].missing:
                cells[f"y{y}"] = Cell(words, words)
        base_words = baseline_words(r)  # its baseline in words (未建成), as the plan wrote it: the 基期值 column
        if base_words and cells["baseline"].missing and cells["baseline_shown"].missing:
            cells["baseline"] = cells["baseline_shown"] = Cell(base_words, base_words)
    if isinstance(written, str) and written and not cells["target"].missing and r.get("category") != QUALITATIVE:
        # a firm target with a striven-for one (≥2.5（力争3）) already shows its figures; a figure in words
        # (保持在98%以上, 不发生, 低于0.15) is shown as the plan wrote it, alone (note 5: 按规划原文写法列示)
        shown = written if lang == "zh" and states_figure(written) else \
            written_target(written, cells["target"].text, r.get("target_striven"), lang)
        cells["target"] = Cell(shown, shown)  # text in a workbook too: what the plan says
    if r.get("category") == TARGET_PENDING:  # 待定: no figure yet, the plan's words (另行确定) in the target column
        words = written.strip() if isinstance(written, str) and written.strip() and lang == "zh" else PENDING_TARGET[lang]
        cells["target"] = Cell(words, words)
    # the target in plain figures (no sign): the narrative writes "≥" itself
    cells["target_value"] = number_cell(target, tdec)
    # the striven-for figure as the plan wrote it (力争3, not 3.00 beside the firm 2.50)
    cells["target_striven"] = number_cell(r.get("target_striven"), written_decimals(r.get("target_striven")))


def _blank_cells(cells: dict, r: dict, s: _RowState, lang: str, met: bool, report_kind: str, under_way: bool,
                 points: int | None) -> None:
    """What may not be reckoned, blanked (–): a target year only interpolated, a gap already closed (已达到), 零发生
    missed, a row of one figure at most (:func:`forecast_void`), a 总结评估's row without data of the period
    (:func:`final_void`)."""
    ly_, ty_ = s.last_year, s.target_year
    if flagged(r.get("target_year_estimated")):  # a target year never reported (:func:`estimated_target_year`): its
        # estimate between the neighbouring years is shown marked 插值, for reference; no progress, gap, range or
        # probability is reckoned on it (an interpolation has no spread of its own: 3.08–3.08, <1% would be a guess
        # dressed as a certainty)
        for key in ("progress_share", "remaining", "range_80", "lo_80", "hi_80", "p_meet", "p_striven"):
            cells[key] = Cell(None, MISSING)
    if met and not cells["remaining"].missing and _num(cells["remaining"].value) == 0 and \
            not math.isclose(_num(s.current), _num(s.target)):
        # a target exceeded (15.8 against ≥12) has no gap left: 已达到, as 尚需年均变化 says it -- a 0.0 reads as
        # "exactly on target", which only a figure at its target is (9 against ≥9, 0起 against 零发生: 0)
        cells["remaining"] = Cell(MET_PACE[lang], MET_PACE[lang])
        if report_kind == "final" and not s.settled and not is_missing(ly_) and not is_missing(ty_) and \
                int(ly_) < int(ty_):  # a 总结评估 row whose target year's figure is awaited: met in which year
            said = f"{int(ly_)}年{MET_PACE[lang]}" if lang == "zh" else f"{MET_PACE[lang]} in {int(ly_)}"
            cells["remaining"] = Cell(said, said)
    missed = narrative.incidents_missed(r.get("note"), lang)
    if missed:  # 零发生 missed in a year of the period: the gap is those incidents (2023年2起), not the target year's 0
        cells["remaining"] = Cell(missed, missed)
    if flagged(r.get("missed_already")) and not s.closed:  # ... and before its target year: no forecast of a target
        # that can no longer be met (预测 0, 区间 0–1 read as "on target"), nor a pace still needed (0)
        for key in ("forecast", "forecast_figure", "forecast_value", "range_80", "lo_80", "hi_80", "required_pace",
                    "required_abs"):
            cells[key] = Cell(None, MISSING)
    if forecast_void(r, report_kind, under_way, points):  # 数据不足 on one figure at most: no forecast, range, probability
        for key in ("forecast", "forecast_figure", "forecast_value", "range_80", "lo_80", "hi_80", "p_meet",
                    "p_striven"):
            cells[key] = Cell(None, MISSING)
    if final_void(r, report_kind):  # a 总结评估's 数据不足 row without data after its base year: nothing of the period to show
        for key in ("remaining", "forecast", "forecast_figure", "forecast_value", "range_80", "lo_80", "hi_80",
                    "p_meet", "p_striven", "required_pace", "required_abs", "outlook"):
            cells[key] = Cell(None, MISSING)
        # the 预计完成情况 words are text: "–" in a workbook too, as every other row's "–" there (never an empty cell)
        cells["outlook"] = Cell(MISSING, MISSING)


#: the mark of a target adjusted mid-term (a plan's 2025年目标（中期调整） column) on its target cell
ADJUSTED_MARK = "ᵃ"


def adjusted_original(r: dict):
    """The target as first written, for a row whose target a plan's adjustment column changed (``read_plan``'s
    ``target_note`` and ``target_original``: 〔117〕 adjusted to 〔100〕): its :class:`mstarget.plan.Cell`, or None
    (no adjustment, or the first target blank / not a figure)."""
    note, text = r.get("target_note"), r.get("target_original")
    if not isinstance(note, str) or not note.strip() or r.get("category") == QUALITATIVE:
        return None
    try:
        cell = parse_cell(text if isinstance(text, str) else "" if is_missing(text) else text)
    except (ValueError, TypeError):
        return None
    return cell if cell.value is not None and math.isfinite(float(cell.value)) else None


def _original_cells(cells: dict, r: dict, lang: str, sign: str, decimals: int, value: float, closed: bool) -> None:
    """An adjusted target's cells (:func:`adjusted_original`): the target cell marked (≥〔100〕ᵃ); ``target_original``
    as the table writes targets (≥〔117〕), ``target_original_value`` its figure; and, against it, whether the figure
    judged meets it (``original_met``: 已达到 / 未达到) and the share of its increase achieved (``original_share``)."""
    original = adjusted_original(r)
    if original is None or cells["target"].missing:
        return
    kind, ov = r.get("kind"), float(original.value)
    odec = as_written(written_decimals(ov), getattr(original, "decimals", None))
    shown = cells["target"].text + ADJUSTED_MARK
    cells["target"] = Cell(shown, shown)  # text in a workbook too: the mark is no number
    cells["target_original"] = notation_cell(ov, kind, sign, odec) or number_cell(ov, odec, prefix=sign)
    cells["target_original_value"] = number_cell(ov, odec)
    for key in ("original_met", "original_share"):
        cells[key] = Cell(None, MISSING)
    if is_missing(value):
        return
    below = r.get("direction") == "<="
    met = value <= ov if below else value >= ov
    if strict_of(r) and value == ov:
        met = False
    cells["original_met"] = Cell(met, "met" if met else "missed")
    base = _num(r.get("baseline"))
    share = value / ov if kind == "increment" and ov else \
        (value - base) / (ov - base) if not is_missing(base) and ov != base else math.nan
    if not is_missing(share):
        cells["original_share"] = progress_cell(share, met=met)


def shared_paces(records: list[dict], cells_of: list[dict]) -> None:
    """The paces a missed target needed and achieved (:func:`_pace_cells`) with one setting of places per indicator
    (and unit), the most any of its rows needs -- as its other figures (:func:`_indicator_figures`): 规划要求年均
    +0.20个百分点 in every region, not +0.2 in one and +0.20 in the next."""
    places: dict = {}
    keyed = []
    for r, cells in zip(records, cells_of):
        figures = cells.get("pace_figures")
        if figures is None or figures.value is None:
            continue
        key = (str(r.get("indicator")), str(r.get("unit")))
        places[key] = max(places.get(key, 0), figures.value[2])
        keyed.append((key, cells))
    for key, cells in keyed:
        planned, achieved, pdec = cells["pace_figures"].value
        if pdec < places[key]:
            cells["planned_pace"] = pace_cell(planned, places[key])
            cells["achieved_pace"] = pace_cell(achieved, places[key])


#: a figure unchanged this many years or more up to the target year is said to have stalled (2022年以来持平)
STALLED_YEARS = 3


def _pace_cells(cells: dict, r: dict, paced: int, value: float, yearly: dict | None, written: int,
                shown: int | None = None) -> None:
    """A target year observed: the yearly pace the plan needed from its baseline (``planned_pace``: (target -
    baseline) / years) and the one achieved (``achieved_pace``), with the same places (+0.39 against +0.28); and
    ``stalled_since``, the first year of an unchanged figure up to the target year when it held
    :data:`STALLED_YEARS` years or more (2022: 2022年以来持平). Not for a 〈〉 sum (its share says it), a period
    average or a 零发生 count. A baseline that already met the target (a 保持类 target: ≥98 from 98.5, ≤10 from 9,
    or at the target itself) asked for no pace at all (never 规划要求年均-0.10个百分点 / +0.2件/万人 / 0): no
    ``planned_pace``, but ``base_met`` (``met``; ``at`` a strict bound's own figure) and ``base_change``, the
    figure's change from it (0.7, with the places of the value shown, ``shown``). ``pace_figures`` keeps the
    unrounded paces and their places, so that an indicator's regions share one setting (:func:`shared_paces`)."""
    for key in ("planned_pace", "achieved_pace", "stalled_since", "base_met", "base_change", "pace_figures"):
        cells[key] = Cell(None, MISSING)
    by, ty = r.get("baseline_year"), r.get("target_year")
    base, target = _num(r.get("baseline")), _num(r.get("target"))
    if r.get("kind") == "increment" or none_at_all(r) or (isinstance(r.get("average_years"), str) and
                                                           r.get("average_years")):
        return
    if any(is_missing(v) for v in (by, ty, base, target, value)) or int(ty) <= int(by):
        return
    n = int(ty) - int(by)
    planned, achieved = (target - base) / n, (value - base) / n
    pdec = pace_decimals(paced, planned, achieved)
    if paced == 0:
        pdec = max(pdec, whole_pace_decimals(planned), whole_pace_decimals(achieved))
    direction = r.get("direction")
    if (direction == ">=" and target <= base) or (direction == "<=" and target >= base):
        # the baseline met the target already: the plan asked to hold it, not to move 0.1 a year away from it
        at = base == target and strict_of(r)
        cells["base_met"] = Cell(not at, "at" if at else "met")
        cdec = max(written, shown if shown is not None else written)
        cells["base_change"] = pace_cell(abs(value - base), cdec, sign=False)
    else:
        cells["planned_pace"] = pace_cell(planned, pdec)
        cells["achieved_pace"] = pace_cell(achieved, pdec)
        cells["pace_figures"] = Cell((planned, achieved, pdec), MISSING)
    seen = {int(y): round_half_up(float(v), written) for y, v in (yearly or {}).items()
            if not is_missing(v) and int(by) < int(y) <= int(ty)}
    seen[int(by)] = round_half_up(base, written)
    seen[int(ty)] = round_half_up(value, written)
    first = int(ty)
    while first - 1 in seen and seen[first - 1] == seen[int(ty)]:
        first -= 1
    if int(ty) - first >= STALLED_YEARS:
        cells["stalled_since"] = Cell(first, str(first))


#: a pace of whole figures at least this large is shown whole: three significant digits say it (+568 a year beside
#: 1,950 件, not +567.8), as a forecast's (:func:`~.formatting.row_decimals`)
WHOLE_PACE_PLAIN = 100


def whole_pace_decimals(v) -> int:
    """A pace of whole figures' places: 1 where its first decimal is not zero and the pace is below
    :data:`WHOLE_PACE_PLAIN` (13.4 a year from 38 to 105 in five years), else 0 (+3, +0 for a flat series, +568
    for 567.8 a year)."""
    if is_missing(v) or not math.isfinite(float(v)) or abs(float(v)) >= WHOLE_PACE_PLAIN - 0.05:
        return 0
    return 1 if round_half_up(abs(float(v)), 1) != round_half_up(abs(float(v)), 0) else 0


def none_at_all(r: dict) -> bool:
    """A target of no incident at all (零发生: :func:`mstarget.assess._none_at_all`): its counts have no pace."""

    return r.get("category") != QUALITATIVE and _none_at_all(r)


def yearly_cell(v, decimals: int | None = None, *, suffix: str = "") -> Cell:
    """A year's 完成值 as written (:func:`~mstarget.precision.written_decimals`, at most four places): 99.8
    stays 99.8 beside a target of 100 shown whole (never 100, which hides a miss); a workbook stores that
    value, not one rounded to fewer places. ``decimals``: at least these -- the row's written decimals
    (:func:`~.formatting.written_row_decimals`: 2.80 beside 2.95, 0.20 as the plan writes ≤0.20 and 实际值
    shows it; a sum of additions written with one place: 2.0). ``suffix``: a mark after it (3.05（快报）)."""
    return number_cell(v, max(written_decimals(v), decimals or 0), suffix=suffix)


def _running_totals(yearly: dict | None, baseline_year, unreported=()) -> dict:
    """A 〈〉 row's additions since the base year, by year (0.8, 1.2, 1.5 a year -> 0.8, 2.0, 3.5), as a plan's
    完成值 columns write them (〈0.8〉, 〈2.0〉, 〈3.5〉); a year after a missing one is not known (left out),
    unless that year is one ``assess`` names not reported (``unreported``): the sums then go on over the
    reported years alone, as ``sum_so_far`` and the progress count them (marked so by :func:`_cells`)."""
    if not yearly or is_missing(baseline_year):
        return {}
    out, total = {}, 0.0
    for y in range(int(baseline_year) + 1, max(yearly) + 1):
        if y not in yearly:
            if y in unreported:
                continue
            break
        total += yearly[y]
        out[y] = total
    return out


def joined_marks(*marks: str) -> str:
    """Marks after one figure in one bracket: ``（缺2024年）`` and ``（快报）`` -> ``（缺2024年，快报）``; `` (excl. 2024)`` and
    `` (preliminary)`` -> `` (excl. 2024; preliminary)``."""
    marks = [m for m in marks if m]
    if len(marks) < 2:
        return "".join(marks)
    if all(m.startswith("（") and m.endswith("）") for m in marks):
        return "（" + "，".join(m[1:-1] for m in marks) + "）"
    return " (" + "; ".join(m.strip()[1:-1] for m in marks) + ")"


def unreported_gap(r: dict) -> list[int]:
    """The years a row counts without their figure (``unreported_years``), but those inside a reported running
    total (``split_years``: the sums reported count them, only their own split is estimated)."""
    split = set(years_of(r.get("split_years")))
    return [y for y in years_of(r.get("unreported_years")) if y not in split]


def _preliminary_shown(r: dict, years) -> bool:
    """The row shows a figure marked preliminary (``preliminary_years``): not only its base year's, a baseline the
    plan wrote as preliminary (marked as such, :data:`BASELINE_PRELIMINARY_NOTE`), in no yearly column and not
    its latest figure."""
    pre = set(years_of(r.get("preliminary_years")))
    by, ly = r.get("baseline_year"), r.get("last_year")
    if pre and baseline_preliminary_suffix(r, "zh") and not is_missing(by) and int(by) not in set(years or ()) \
            and (is_missing(ly) or int(ly) != int(by)):
        pre.discard(int(by))
    return bool(pre)


def baseline_preliminary_suffix(r: dict, lang: str) -> str:
    """The mark after a baseline the plan wrote as preliminary (``baseline_preliminary``: 2025年基数（预计）,
    3.05（快报）): ``（预计）`` / `` (preliminary)``; ``""`` for another."""
    if not flagged(r.get("baseline_preliminary")) or r.get("kind") == "increment":
        return ""
    return preliminary_suffix(r.get("baseline_preliminary_mark") or "预计", lang)


def preliminary_suffix(mark, lang: str) -> str:
    """The mark after a preliminary figure: ``（快报）`` / `` (preliminary)``."""
    return PRELIMINARY_MARK[lang].format(preliminary_word(mark))


def _qualifiers(records: list[dict], lang: str) -> list[str]:
    """Per row, what tells it from a row of the same indicator (same region and name) with another
    target year: ``2022年目标`` / ``2022 target``; empty when the name is not repeated."""
    def key(r):
        return (r.get("region"), r.get("name") if isinstance(r.get("name"), str) else r.get("indicator"))
    counts: dict = {}
    for r in records:
        counts[key(r)] = counts.get(key(r), 0) + 1
    out = []
    for r in records:
        ty = r.get("target_year")
        if counts[key(r)] > 1 and not is_missing(ty):
            out.append(f"{int(ty)}年目标" if lang == "zh" else f"{int(ty)} target")
        else:
            out.append("")
    return out


def date_text(date, lang: str) -> str:
    """The report date as the report's language writes it: 2026年12月5日, 2026-12-05 in English;
    text that is not an ISO date stays as given."""
    if isinstance(date, str):
        try:
            date = _dt.date.fromisoformat(date.strip())
        except ValueError:
            return date
    if isinstance(date, _dt.datetime):
        date = date.date()
    if lang == "zh":
        return f"{date.year}年{date.month}月{date.day}日"
    return date.isoformat()


def _plan_decimals(records: list[dict], plan: pd.DataFrame | None) -> None:
    """The decimals the plan's cells wrote (``99.0``, ``〔4.0〕``: :func:`mstarget.read_plan`'s
    ``baseline_decimals`` / ``target_decimals``) put on each assessment row (in place) that lacks them,
    from the plan row of the same region, indicator and target year; nothing when the plan does not
    say (its cells were numbers, or no plan is given: the figures' own decimals then)."""
    if plan is None or not any(c in plan.columns for c in DECIMALS_COLUMNS) or \
            not {"region", "indicator", "target_year"} <= set(plan.columns):
        return
    keys = zip(plan["region"].astype(str), plan["indicator"].astype(str),
               pd.to_numeric(plan["target_year"], errors="coerce").tolist())
    given = {c: plan[c].tolist() if c in plan.columns else [None] * len(plan) for c in DECIMALS_COLUMNS}
    by_key = {k: (given[DECIMALS_COLUMNS[0]][i], given[DECIMALS_COLUMNS[1]][i]) for i, k in enumerate(keys)}
    for r in records:
        ty = r.get("target_year")
        found = by_key.get((str(r.get("region")), str(r.get("indicator")), None if is_missing(ty) else float(ty)))
        if found is None:
            continue
        for column, d in zip(DECIMALS_COLUMNS, found):
            if is_missing(r.get(column)) and not is_missing(d):
                r[column] = int(d)


#: what labels a region that is the table's own total (全市, 合计) in the 分地区汇总 and the region matrix
TABLE_TOTAL_NOTE = {"zh": "表中合计，不计入各地区合计", "en": "the table's own total, not counted in the sum of regions"}
#: the 分地区汇总's last row when the table has its own total: the sum over the regions only
REGIONS_TOTAL_LABEL = {"zh": "各地区合计", "en": "Sum of regions"}


def _regions(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    """``(regions, totals)``: the table's regions in its order with its own total (合计 / 全市 beside
    other regions, :func:`mstarget.matching.table_totals`) listed last, and those totals."""
    if "region" not in table:
        return [], []
    regions = [str(r) for r in pd.unique(table["region"].dropna())]
    totals = table_totals(regions)
    return [r for r in regions if r not in totals] + totals, totals


def plan_title(table: pd.DataFrame, plan: pd.DataFrame | None = None, title: str | None = None) -> str:
    """The plan's title: ``title``, else ``plan.attrs["title"]``, else a ``plan`` column with one
    value, else derived from the region(s) (or the file name)."""
    if title:
        return str(title)
    for frame in (plan, table):
        if frame is None:
            continue
        t = frame.attrs.get("title") if hasattr(frame, "attrs") else None
        if t:
            return str(t)
        if "plan" in frame:
            names = plan_names(frame["plan"])
            if names:
                return names
    return ""


#: at most this many plans named in a title drawn from several (the national targets of 纲要 and 质量强国 ...)
PLANS_NAMED = 2


def plan_names(column: pd.Series) -> str:
    """The plan(s) a ``plan`` column names, for a title: its one name; several in 《》, the rows' most
    frequent first (``《国民经济和社会发展第十四个五年规划纲要》、《质量强国建设纲要》``, ``…等3项规划`` beyond
    :data:`PLANS_NAMED`); ``""`` when it names none."""
    values = [str(v).strip() for v in column.dropna().tolist() if str(v).strip()]
    if not values:
        return ""
    counts = pd.Series(values).value_counts(sort=False)
    order = sorted(counts.index, key=lambda n: (-counts[n], values.index(n)))
    if len(order) == 1:
        return order[0]
    shown = "、".join(n if n.startswith("《") else f"《{n}》" for n in order[:PLANS_NAMED])
    return shown + (f"等{len(order)}项规划" if len(order) > PLANS_NAMED else "")


#: what a plan table's title adds to the plan's name (…规划主要指标完成情况): the heading says 主要指标 itself
#: (a breakdown of the targets by region too: …规划主要指标分解表, …规划目标任务分解表)
#: and the time a progress table covers (…主要指标中期完成情况表, …主要指标2023年完成情况, …2021—2023年进展情况统计表)
_TITLE_WHEN = r"(?:中期|年度|上半年|前三季度|(?:(?:19|20)\d{2}\s*年?\s*[-—–~至到]\s*)?(?:19|20)\d{2}\s*年(?:度|1-\d{1,2}月)?)?"
_TITLE_SUFFIX = re.compile(r"(?:主要)?(?:目标)?指标(?:体系)?(?:(?:目标|任务)*分解)?" + _TITLE_WHEN
                           + r"(?:完成|进展|执行)?(?:情况)?(?:一览|统计|汇总)?表?$"
                           r"|" + _TITLE_WHEN + r"(?:完成|进展|执行)情况(?:一览|统计|汇总)?表?$"
                           r"|主要目标表?$|(?:主要)?(?:目标|任务)+分解表?$")
#: a caption's trailing note in brackets, no part of the plan's name: its years (（2021—2025年）), its state as a
#: draft (（征求意见稿）, （送审稿）), a remark (（合成示例）) -- any but one naming a plan (（…规划）)
_TITLE_NOTE = re.compile(r"\s*[（(](?![^（）()]*(?:规划|纲要))[^（）()]*[）)]\s*$")
#: what names a plan document, whose name a title puts in 《》 (…规划, …纲要, …实施方案, …行动计划)
_PLAN_DOCUMENT = re.compile(r"(?:规划|纲要|方案|计划)$")
#: a plan's name that begins with its own place (广东省…, 肇庆市…, 鼎湖区…): a title then puts no list of the regions
#: the table breaks it into before it (not 广州市、深圳市、珠海市等19个地区《广东省…规划》)
_NAMES_PLACE = re.compile(r"^《?[\u4e00-\u9fff]{1,12}?(?<!强)(?:省|自治区|特别行政区|市(?!场)|区|县|州|盟|旗)")


#: a table's number before its caption (表1 鼎湖区…主要指标): not part of the plan's name
_TABLE_NUMBER = re.compile(r"^\s*(?:(?:附)?表\s*[0-9０-９一二三四五六七八九十]+(?:[-－.．][0-9０-９]+)?|附表|附件\s*[0-9０-９]*)"
                           r"[\s:：.．、]*")
#: a title that already names the evaluation (…中期评估报告, …2026年度监测): used as it is
_NAMES_EVALUATION = re.compile(r"评估|评价|监测|evaluation|assessment|review|monitoring", re.IGNORECASE)

#: what a report is, by the share of the plan period elapsed at the evaluation year (:func:`evaluation_kind`)
EVALUATION_KINDS = ("baseline", "annual", "midterm", "final")
#: the shares of the plan period that make a check the 中期评估 (the 2nd or 3rd year of a five-year plan:
#: data for 2022 or 2023 of 十四五); before and after, a check is the year's 年度监测
MIDTERM_SHARES = (0.3, 0.7)


def plan_period(table: pd.DataFrame) -> tuple[int | None, int | None]:
    """``(base year, end)`` of the plan: its latest target year and the baseline year most of the rows with
    that target year give (the earliest where rows disagree as often); ``None`` where unknown."""
    if "target_year" not in table or not len(table):
        return None, None
    target_year = pd.to_numeric(table["target_year"], errors="coerce")
    if target_year.isna().all():
        return None, None
    end = int(target_year.max())
    if "baseline_year" not in table:
        return None, end
    base = pd.to_numeric(table["baseline_year"], errors="coerce")[target_year == end].dropna()
    base = base[base < end]
    return (None if base.empty else int(base.mode().min())), end


def fan_title(details: Sequence, as_of) -> str:
    """The title of the fan chart of ``assess --chart`` and of a tracked ``assess``: the view as of a year as the
    report says it, 截至2023年 (``as_of`` given) or 最新数据 (all the history) -- ``as of 2023`` / ``as of the
    latest data`` when the chart is drawn in English (no Chinese name, or no CJK font installed: the chart's
    language, :func:`~.charts.fan_chart`)."""
    names = [getattr(a, "row", {}).get("name") for a in details]
    year = None if as_of is None or is_missing(as_of) else int(as_of)
    if any(contains_cjk(n) for n in names) and cjk_font() is not None:
        return f"截至{year}年" if year is not None else "最新数据"
    return f"as of {year}" if year is not None else "as of the latest data"


def evaluation_kind(table: pd.DataFrame, as_of: int | None) -> str:
    """What the report is, from the share of the plan period elapsed at ``as_of`` (the evaluation year):

    * ``"final"`` (总结评估): every target year is ``as_of`` or earlier;
    * ``"midterm"`` (中期评估): ``as_of`` lies :data:`MIDTERM_SHARES` (30-70 %) of the way from the
      plan's baseline year to its end (its latest target year; the baseline year most of those rows
      give): 2022 or 2023 of a 2020-2025 plan;
    * ``"annual"`` (年度监测): another year of the period (2021 or 2024 of that plan, 2026 of a 2026-2030 one);
    * ``"baseline"`` (基期情况): ``as_of`` is the baseline year or earlier -- the period has not produced a
      year of data yet (a 2026-2030 plan with data up to 2025): no year of the plan to monitor, the
      report says where the plan starts from (基期（2025年）情况), never 2025年度监测 of a 2026-2030 plan;
    * ``""`` when the period is unknown (no ``as_of``, no target year, or no baseline year).
    """
    if as_of is None:
        return ""
    start, end = plan_period(table)
    if end is None:
        return ""
    if as_of >= end:
        return "final"
    if start is None:
        return ""
    if as_of <= start:
        return "baseline"
    share = (as_of - start) / (end - start)
    return "midterm" if MIDTERM_SHARES[0] <= share <= MIDTERM_SHARES[1] else "annual"


def evaluation_name(kind: str, as_of: int | None, lang: str, base_year: int | None = None) -> str:
    """What the title calls the report: 总结评估, 中期评估, ``2026年度监测``, ``基期（2025年）情况``
    (``Final evaluation``, ``Mid-term evaluation``, ``Annual monitoring 2026``, ``Baseline (2025)``; the
    plan's ``base_year``), or 评估 / ``Evaluation`` when ``kind`` is unknown."""
    if kind == "baseline":
        year = base_year if base_year is not None else as_of
        if year is None:
            return "基期情况" if lang == "zh" else "Baseline"
        return f"基期（{year}年）情况" if lang == "zh" else f"Baseline ({year})"
    if kind == "final":
        return "总结评估" if lang == "zh" else "Final evaluation"
    if kind == "midterm":
        return "中期评估" if lang == "zh" else "Mid-term evaluation"
    if kind == "annual" and as_of is not None:
        return f"{as_of}年度监测" if lang == "zh" else f"Annual monitoring {as_of}"
    return "评估" if lang == "zh" else "Evaluation"


def name_of_plan(title: str) -> str:
    """The plan's name in a table's title: ``测试区“十四五”规划主要指标完成情况`` -> ``测试区“十四五”规划``
    (the title alone when nothing is left)."""
    stripped, before = title.strip(), None
    while stripped != before:  # …规划主要指标（2021—2025年）, …主要指标（征求意见稿）: the note, then the words
        before = stripped
        stripped = _TITLE_SUFFIX.sub("", _TITLE_NOTE.sub("", stripped)).strip()
    return stripped if stripped.strip("《》 ") else title


#: the Chinese numerals of the five-year plans' numbers (十三五 … 十九五)
_PLAN_NUMERALS = {13: "十三", 14: "十四", 15: "十五", 16: "十六", 17: "十七", 18: "十八", 19: "十九"}


def _one_period_end(table: pd.DataFrame) -> int | None:
    """The plan's end (:func:`plan_period`) when every row's target year lies in its period (a table of one plan:
    a title may name it, 鼎湖区“十四五”规划), else ``None`` (a 十三五 2020 target beside 十四五 ones)."""
    start, end = plan_period(table)
    if start is None or end is None or "target_year" not in table:
        return None
    years = pd.to_numeric(table["target_year"], errors="coerce").dropna()
    return end if bool(((years > start) & (years <= end)).all()) else None


def five_year_plan(base_year: int | None, end: int | None, lang: str) -> str:
    """The national five-year plan a plan period is (a base year five years before an end year that closes one:
    2020-2025 is “十四五”, 2025-2030 “十五五”; ``14th Five-Year Plan`` in English), ``""`` for another period."""
    if base_year is None or end is None or end - base_year != 5 or end % 5 or end < 2020:
        return ""
    number = (end - 1970) // 5 + 3  # the 3rd plan ended in 1970, one every five years since (2025: 14th)
    if lang == "zh":
        return f"“{_PLAN_NUMERALS[number]}五”" if number in _PLAN_NUMERALS else ""
    return f"{number}th Five-Year Plan"


def _heading(plan_name: str, regions: list[str], lang: str, source: str | None, kind: str,
             as_of: int | None, given: bool = False, base_year: int | None = None, end: int | None = None) -> str:
    """The report's title: the plan's name and what the report is (:func:`evaluation_name`); a
    ``plan_name`` that already names an evaluation (``…中期评估``, ``…2026年度监测``) is the title as given.
    A title the caller ``given`` (``--title``) names the plan as the caller wants it: no regions put before it
    (《肇庆市市场监管“十四五”规划》主要指标中期评估, not 端州区、鼎湖区、高要区《肇庆市…》…)."""
    kind_zh = kind_en = evaluation_name(kind, as_of, lang, base_year)
    where = "、".join(regions[:3]) + (f"等{len(regions)}个地区" if len(regions) > 3 else "") if lang == "zh" \
        else ", ".join(regions[:3]) + (f" and {len(regions) - 3} more regions" if len(regions) > 3 else "")
    if plan_name:
        plan_name = _TABLE_NUMBER.sub("", plan_name).strip() or plan_name
        if _NAMES_EVALUATION.search(plan_name):
            return plan_name
        # the plan's name as both languages say it: without a table's words (主要指标) or trailing note (（合成数据）)
        plan_name = name_of_plan(plan_name)
        # 《》 around a plan document's name only (《…“十四五”规划》), not around a table's words (…市场监管)
        shown = plan_name if plan_name.startswith("《") or not _PLAN_DOCUMENT.search(plan_name) \
            else f"《{plan_name}》"
        # the regions said unless the name says them, or names the place they are the parts of (广东省…: its cities)
        named = where and where not in plan_name and not given and \
            not (len(regions) > 1 and _NAMES_PLACE.match(plan_name))
        if lang == "zh":
            return f"{where if named else ''}{shown}主要指标{kind_zh}"
        # English prose names the plan without the Chinese title marks (《》)
        names = re.findall(r"《([^《》]*)》", plan_name)  # several: 《A》、《B》等3项规划 -> A; B and 1 more plan
        more = re.search(r"等(\d+)项规划$", plan_name)
        extra = int(more.group(1)) - len(names) if more else 0
        english = ("; ".join(names) + (f" and {extra} more plan{'s' if extra > 1 else ''}" if extra > 0 else "")
                   if names and (len(names) > 1 or plan_name == f"《{names[0]}》") else plan_name)
        return f"{kind_en} of the main indicators: {english}" + (f" ({where})" if named else "")
    period = five_year_plan(base_year, end, lang)  # an untitled table whose dates say the plan: 鼎湖区“十四五”规划
    if where:
        return f"{where}{period}规划主要指标{kind_zh}" if lang == "zh" else \
            f"{kind_en} of the {period + ' ' if period else 'plan '}targets: {where}"
    stem = source or ""
    return (f"{stem}规划主要指标{kind_zh}" if lang == "zh"
            else f"{kind_en} of the plan targets{': ' + stem if stem else ''}")


def _plan_names(table: pd.DataFrame) -> dict:
    """Indicator id -> the plan's name (where the plan gives one), for the unmatched tables."""
    if "name" not in table or "indicator" not in table:
        return {}
    return {i: n for i, n in zip(table["indicator"].tolist(), table["name"].tolist())
            if isinstance(n, str) and n.strip() and n != i}


def _summary(rows: list[ReportRow], lang: str, kind: str = "") -> pd.DataFrame:
    """Counts by category (rows, :func:`shown_categories`) and attribute (columns), with the indicators named in
    the table's order; ``rows`` without the table's own total rows (:attr:`Report.counted_rows`)."""
    labels = CATEGORY_LABELS[lang]
    recs = []
    for cat in shown_categories((r.category for r in rows), kind):
        members = [r for r in rows if r.category == cat]
        b = [r for r in members if r.binding]
        e = [r for r in members if not r.binding]
        # in the table's order (序号), as the main table lists them; 属性 is a column there, not an order
        names = "、".join(f"{r.number}. {r.name}" for r in members) if lang == "zh" else \
            "; ".join(f"{r.number}. {r.name}" for r in members)
        recs.append({"category": cat, "label": labels[cat], "binding": len(b), "expected": len(e),
                     "total": len(members), "indicators": names})
    return pd.DataFrame(recs)


def _by_region(rows: list[ReportRow], regions: list[str], kind: str = "") -> pd.DataFrame:
    """Targets per region and category (分地区汇总): ``region``, one count column per category shown
    (:func:`shown_categories`), ``total``; regions in the order given. Empty for fewer than two regions
    (of :func:`_regions` -- the table's own total counts here, so a region and its 合计 get the table)."""
    shown = list(shown_categories((r.category for r in rows), kind))
    if len(regions) < 2:
        return pd.DataFrame(columns=["region", *shown, "total"])
    cats = pd.DataFrame({"region": [str(r.raw.get("region")) for r in rows], "category": [r.category for r in rows]})
    counts = pd.crosstab(cats["region"], cats["category"]).reindex(index=regions, columns=shown, fill_value=0)
    out = counts.assign(total=counts.sum(axis=1)).rename_axis(index="region", columns=None).reset_index()
    return out[["region", *shown, "total"]]


#: what names the target a detail (:class:`~mstarget.assess.TargetAssessment`, its ``row``) belongs to: matched to
#: the table's row of the same values (:func:`aligned_details`)
DETAIL_KEY = ("region", "indicator", "target_year")
#: what else tells two details of the same key apart (two targets of one indicator and year: ≥ and ≤ ...)
DETAIL_EXTRA = ("baseline_year", "direction", "kind", "target", "name", "unit")


def _key_value(v):
    """A value of :data:`DETAIL_KEY` comparable between the table and a detail's row: None for a missing one
    (NaN, pd.NA), a float for a number (2025 and 2025.0 alike), else the text."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return None if math.isnan(float(v)) else round(float(v), 9)
    return str(v).strip()


def _row_label(r: dict) -> str:
    """A table row named for a message: 云南 化肥使用量 (2025)."""
    name = r.get("name") if _key_value(r.get("name")) is not None else r.get("indicator")
    year = _key_value(r.get("target_year"))
    return " ".join(str(x) for x in (r.get("region"), name) if _key_value(x) is not None) + \
        (f" ({int(year)})" if isinstance(year, float) else "")


def index_columns(table: pd.DataFrame, details: Sequence | None = None) -> pd.DataFrame:
    """``table`` with the columns moved into its index (``table.set_index("region")``, ``set_index(["region",
    "indicator"])``) back as columns: a report reads its regions, indicators and target years from the columns (a
    table indexed by region made a report of "0 region(s)", or a refusal saying "not reset_index"). Levels of the
    same name as a column, and unnamed ones, stay where they are. With ``details`` (each detail's ``row`` naming its
    target), levels none of the details' rows have are left too."""
    levels = [n for n in table.index.names if isinstance(n, str) and n not in table.columns]
    if details is not None and levels:
        rows = [getattr(d, "row", None) for d in details]
        rows = [r for r in rows if isinstance(r, dict)]
        if rows:  # a level every detail names (region, indicator, ...): a column the table had
            levels = [n for n in levels if n in rows[0] or n in DETAIL_KEY]
    if not levels:
        return table
    out = table.reset_index(level=levels)
    out.attrs = dict(table.attrs)  # unmatched_plan / evaluation_year stay the table's
    return out


#: a table row's figures its detail (``assess_detailed``'s second result) must share: a detail of another call
#: (``assess(..., as_of=2021)`` beside ``assess_detailed``'s details on data to 2023) draws another target's chart
SAME_CALL = ("p_meet", "last_year", "as_of")
#: how far a table's ``p_meet`` may be from its detail's (a table rounded to 0.01 is still the call's)
P_MEET_TOLERANCE = 0.005


def _same_call(table: pd.DataFrame, details: list, caller: str) -> None:
    """Refuse details that are not of the table's call: a row whose detail says another ``p_meet``, another year of
    the latest data (``last_year``) or another evaluation year (``as_of``, where both say one) -- the report's
    table would say 83 % and the row's chart, drawn from the other call's data, 87 %."""
    columns = [c for c in SAME_CALL if c in table.columns]
    if not columns or not details:
        return
    records = table[columns + [c for c in ("region", "name", "indicator", "target_year") if c in table.columns]
                    ].to_dict("records")

    def number(v):
        v = _key_value(v)
        return v if isinstance(v, float) else None

    bad = []
    for r, d in zip(records, details):
        theirs = getattr(d, "row", None)
        if not isinstance(theirs, dict):
            continue
        for c in columns:
            if c not in theirs:
                continue
            a, b = number(r.get(c)), number(theirs.get(c))
            if c == "as_of" and (a is None or b is None):
                continue  # a table judged as of the report's year (apply_evaluation_year) without its details
            if (a is None) != (b is None) or \
                    (a is not None and abs(a - b) > (P_MEET_TOLERANCE + 1e-9 if c == "p_meet" else 0)):
                bad.append((r, theirs))
                break
    if not bad:
        return

    def said(r: dict) -> str:
        p = number(r.get("p_meet"))
        last, as_of = number(r.get("last_year")), number(r.get("as_of"))
        return ", ".join(x for x in (f"p_meet {p:.0%}" if p is not None else "no p_meet",
                                     f"data to {int(last)}" if last is not None else "",
                                     f"as of {int(as_of)}" if as_of is not None else "") if x)

    r, theirs = bad[0]
    raise ParameterError(
        f"{caller}: the details are not of this table's call: {len(bad)} of the table's {len(records)} rows differ "
        f"from their detail, first {_row_label(r)}: the table says {said(r)}, its detail {said(theirs)} (the chart "
        "would be drawn from other data than the table's row). Pass both results of one assess_detailed call: "
        "table, details = mt.assess_detailed(history, plan, as_of=...) (the table may be sorted or filtered).")


def aligned_details(table: pd.DataFrame, details: Sequence | None, caller: str = "build_report") -> list | None:
    """``details`` (``assess_detailed``'s second result) in the order of ``table``'s rows, each row's own, and of
    the table's call (:func:`_same_call`: the same ``p_meet``, ``last_year`` and ``as_of``, else refused)."""
    out = _aligned(table, details, caller)
    if out is not None:
        _same_call(table, out, caller)
    return out


def _aligned(table: pd.DataFrame, details: Sequence | None, caller: str = "build_report") -> list | None:
    """``details`` (``assess_detailed``'s second result) in the order of ``table``'s rows: each row's own.

    The table may be the result sorted, shuffled or filtered (``table.sort_values("p_meet")``,
    ``table[table.region == "云南"]``): a row keeps its detail by the table's index (``assess_detailed``'s own,
    0 .. n-1) when the detail at that position names the same target (:data:`DETAIL_KEY`); else the details in
    the table's order when every one names its row's target; else each row's detail is found by its target
    (region, indicator, target year, then :data:`DETAIL_EXTRA` between alike ones). A row whose target no detail
    names, or that several name alike, is refused: a report never draws one target's chart under another's row.
    Details without a ``row`` (nothing to match on) must be as many as the rows, in their order."""
    if details is None:
        return None
    details = list(details)
    rows = [getattr(d, "row", None) for d in details]
    cols = [c for c in DETAIL_KEY if c in table.columns]
    if not cols or not all(isinstance(r, dict) for r in rows):
        if len(details) != len(table):
            raise ParameterError(f"details has {len(details)} entries but the table {len(table)} rows: "
                                 "pass both results of the same assess_detailed call.")
        return details
    extra = [c for c in DETAIL_EXTRA if c in table.columns]
    records = table[cols + extra].to_dict("records")

    def key(r: dict, columns) -> tuple:
        return tuple(_key_value(r.get(c)) for c in columns)

    own = [key(r, cols) for r in records]
    theirs = [key(r, cols) for r in rows]
    index = table.index
    if len(index) and index.is_unique and pd.api.types.is_integer_dtype(index.dtype) \
            and index.min() >= 0 and index.max() < len(details):  # assess_detailed's own index, reordered or cut
        at = [int(i) for i in index]
        if all(theirs[p] == k for p, k in zip(at, own)):
            return [details[p] for p in at]
    if len(details) == len(table) and theirs == own:  # in the table's order
        return details
    by_key: dict[tuple, list[int]] = {}
    for p, k in enumerate(theirs):
        by_key.setdefault(k, []).append(p)
    out = []
    for r, k in zip(records, own):
        found = by_key.get(k, [])
        if len(found) > 1:
            found = [p for p in found if key(rows[p], extra) == key(r, extra)] or found
        if len(found) == 1:
            out.append(details[found[0]])
            continue
        if not found:
            raise ParameterError(
                f"{caller}: no detail among the {len(details)} given is the table's row {_row_label(r)}: pass the "
                "details of the same assess_detailed call as the table (table, details = mt.assess_detailed(...); "
                "the table may be sorted or filtered, each row keeps its own detail).")
        raise ParameterError(
            f"{caller}: the table's row {_row_label(r)} matches {len(found)} details alike (the same region, "
            "indicator and target year): pass the table with assess_detailed's own index (not reset_index), "
            "or in its own order, so that each row's detail is known.")
    return out


def build_report(table: pd.DataFrame, details: Sequence | None = None, *, title: str | None = None,
                 plan: pd.DataFrame | None = None, lang: str | None = None, as_of: int | None = None,
                 date: str | _dt.date | None = None, max_charts: int | None = 40,
                 source: str | None = None) -> Report:
    """Turn an assessment into a :class:`Report`.

    Parameters
    ----------
    table : DataFrame
        The table of :func:`mstarget.assess.assess` / ``assess_detailed`` (one row per target).
        ``table.attrs["unmatched_plan"]`` / ``["unmatched_history"]`` (DataFrames), when present,
        become the section 未匹配的数据.
    details : sequence of TargetAssessment, optional
        ``assess_detailed``'s second result (needed for fan charts and the yearly figures). The table may be
        sorted, shuffled or filtered: each row is given its own detail (:func:`aligned_details`).
    title : str, optional
        The plan's title (default: ``plan.attrs["title"]``, a ``plan`` column with a single value,
        else derived from the region).
    plan : DataFrame, optional
        The plan as read by :func:`mstarget.read_plan`: its title, and the decimals its cells wrote
        (``baseline_decimals`` / ``target_decimals``: ``〔4.0〕`` is shown ``≥〔4.0〕``, not ``≥〔4〕``),
        matched to the table's rows by region, indicator and target year.
    lang : {"zh", "en"}, optional
        Language of headers and text (default: Chinese when the plan's names are Chinese).
    as_of : int, optional
        Evaluation year shown in the title (default: the latest year observed).
    date : str or date, optional
        Date shown in the title (default: today).
    max_charts : int or None
        At most this many fan charts: binding targets plus the most at risk (``None``: all).
    source : str, optional
        Name of the plan file (for a title when nothing better is known).
    """
    if lang is not None and lang not in LANGS:
        raise ParameterError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}.")
    table = index_columns(table, details)  # table.set_index("region"): the regions read from the index
    lang = lang or detect_language(table)
    details = aligned_details(table, details, "build_report")  # each row's own: a sorted table keeps its charts
    as_of = evaluation_year(table, as_of, date)
    order = display_order(table)
    records, yearly, years, (shared, shared_plan, written) = _row_inputs(table, details, plan, as_of)
    regions, totals = _regions(table)
    rows: list[ReportRow] = []
    qualifiers = _qualifiers(records, lang)
    numbers, numbered = numbering(records, plan if plan is not None else table)  # assess carries the plan's 序号
    # observed target-year values in the forecast column: the forecasts beside them say they are
    mark_forecast = any(report_category(r) in FINAL_CATEGORIES for r in records)
    kind = evaluation_kind(table, as_of)
    under_way = first_year_under_way(table, as_of, date)
    part_heads = part_year_columns(plan)
    part_cells = [_by_plan_row(records, plan, head) for head, _ in part_heads]
    from_history = history_part_years(table, records)  # 2026年1-10月 of the history (read_history's attrs)
    for label in dict.fromkeys(label for found in from_history for label in found):
        if label not in [lb for _, lb in part_heads]:
            part_heads.append((None, label))  # a column of its own; the plan's column of the same label shared
            part_cells.append([None] * len(records))
    for j, (_, label) in enumerate(part_heads):  # the plan's figure as written, else the history's
        part_cells[j] = [c if _part_year_text(c) else from_history[i].get(label) for i, c in enumerate(part_cells[j])]
    for i in order:
        r = records[i]
        detail = details[i] if details is not None else None
        series = getattr(detail, "series", None)
        estimated = interpolated_target(r, series, yearly[i])
        cells, dec = _cells(r, numbers[i], lang, several_regions=len(regions) > 1, qualifier=qualifiers[i],
                            mark_forecast=mark_forecast, shared=shared[i], shared_plan=shared_plan[i],
                            yearly=yearly[i], years=years,
                            n_peers=None if series is None else int(getattr(series, "n_peers", 0) or 0),
                            written=written[i], interpolated=estimated, report_kind=kind,
                            under_way=under_way is not None, points=observed_points(series))
        row = ReportRow(number=numbers[i], raw=r, cells=cells, lang=lang, decimals=dec,
                        assessment=None if r.get("category") == QUALITATIVE else detail,  # 建成: no chart
                        interpolated=estimated, kind=kind, first_year_under_way=under_way)
        for j, (_, label) in enumerate(part_heads):  # 2026年1-10月: shown, marked, never read as the year's figure
            text = _part_year_text(part_cells[j][i])
            row.cells[f"part{j}"] = _part_year_cell(text)
            if text:
                row.part_year[label] = text
        if kind == "final" and row.category == "insufficient_data":  # the years to report (请补报2025年数据)
            gone = missing_years(r, yearly[i])
            row.resubmit = RESUBMIT[lang].format(years_text(gone, lang)) if gone else ""
        rows.append(row)
    shared_paces([row.raw for row in rows], [row.cells for row in rows])  # +0.20 in every region, not +0.2 in some
    for row in rows:
        row.narrative = narrative.target_sentence(row)

    own = [r for r in regions if r not in totals]  # the regions proper, without the table's 合计
    heading = _heading(plan_title(table, plan, title), own or regions, lang, source, kind, as_of, given=bool(title),
                       base_year=plan_period(table)[0], end=_one_period_end(table))
    if date is None:
        date = _dt.date.today()
    date_shown = date_text(date, lang)
    region_text = regions_text(own or regions, lang)  # 142 regions: three named and counted, not 1,146 characters
    if own and totals:
        region_text += f"（另列{'、'.join(totals)}）" if lang == "zh" else f" (and {', '.join(totals)} apart)"
    stale = stale_data(records, as_of) if kind == "final" else None
    said = "" if stale is None else STALE_DATA[lang].format(last=stale, missing=years_text(range(stale + 1, as_of + 1), lang))
    if lang == "zh":
        parts = ([f"地区：{region_text}"] if region_text else []) + \
                ([f"评估基准年：{as_of}年{said}"] if as_of is not None else []) + [f"报告日期：{date_shown}"]
    else:
        parts = ([f"Region: {region_text}"] if region_text else []) + \
                ([f"data as of {as_of}{said}"] if as_of is not None else []) + [f"report date {date_shown}"]
    subtitle = " · ".join(parts)
    unmatched = {k: v for k in ("unmatched_plan", "unmatched_history")
                 if isinstance(v := table.attrs.get(k), pd.DataFrame) and len(v)}
    codes = unmatched_codes(list(unmatched.values()), lang, _plan_names(table))
    unmatched = {k: unmatched_display(v, lang, _plan_names(table), codes) for k, v in unmatched.items()}
    # a 数据不足 row resting on one figure at most, or a 总结评估's with nothing after its base year, gets no fan:
    # the table shows no forecast of it either; nor does a row without data nor forecast in any report (no empty
    # 扇形图 with a lone target star)
    charts_of = [i for i, r in enumerate(rows)
                 if drawable(r.raw, kind, under_way is not None, observed_points(getattr(r.assessment, "series", None)))]
    charted = [charts_of[j] for j in chart_selection([rows[i].raw for i in charts_of], max_charts)] \
        if details is not None else []
    # by region only for two regions or more proper: 鼎湖区 beside its own 合计 is one region, not a comparison
    counts = _by_region(rows, regions if len(own) > 1 else [], kind)
    apart = counts["region"].isin(totals).to_numpy()
    # the table's own total rows (合计 beside the regions) are no further targets: counted apart
    counted = [r for r in rows if str(r.raw.get("region")) not in totals] if own else rows
    report = Report(title=heading, subtitle=subtitle, lang=lang, regions=regions, as_of=as_of,
                    date=date_shown, rows=rows, summary=_summary(counted, lang, kind), overall="",
                    unmatched=unmatched, charted=charted, by_region=counts[~apart].reset_index(drop=True),
                    kind=kind, totals=totals, table_total=counts[apart].reset_index(drop=True),
                    years=years, baseline_year=_shared_year(records, "baseline_year"),
                    target_year=_shared_year(records, "target_year"), numbering=numbered,
                    first_year_under_way=under_way, part_years=part_heads)
    report.overall = narrative.overall_paragraph(report)
    report.problems = narrative.problems(report)
    report.described = narrative.described_rows(report)  # a province's 2,744 targets: not 2,744 paragraphs
    report.described_note = narrative.described_note(report)
    # the cap's note only when the cap cut charts: a row with nothing to draw is no chart left out
    report.notes = narrative.method_notes(report, n_charts=len(charted), n_drawable=len(charts_of)) + table_notes(report)
    return report


#: at most this many regions are named one by one under a report's title; more are counted
FEW_REGIONS = 8


def regions_text(regions: Sequence[str], lang: str) -> str:
    """The regions as a report's subtitle says them: all of a handful (:data:`FEW_REGIONS`), else the first three
    and the count (合成甲省、合成甲01市、合成甲02市等142个地区): a province's 142 regions by name are 1,146
    characters under the title (and more than a document property holds); 分地区汇总 lists them all."""
    names = [str(r) for r in regions]
    if len(names) <= FEW_REGIONS:
        return "、".join(names) if lang == "zh" else ", ".join(names)
    return "、".join(names[:3]) + f"等{len(names)}个地区" if lang == "zh" else \
        ", ".join(names[:3]) + f" and {len(names) - 3} more regions"


#: what a 总结评估's subtitle adds when no row reaches the evaluation year (the data end before every target year)
STALE_DATA = {"zh": "（目标年已过，数据仅至{last}年，请补报{missing}数据）",
              "en": " (the target years are over; the data end in {last}: please report {missing})"}


def stale_data(records: list[dict], as_of: int | None) -> int | None:
    """The latest year observed in any row when it falls before the evaluation year ``as_of`` (a 总结评估 of 2025 on
    data ending in 2022: 2022), else ``None``."""
    years = [int(r["last_year"]) for r in records if not is_missing(r.get("last_year"))]
    if as_of is None or not years or max(years) >= int(as_of):
        return None
    return max(years)


def evaluation_year(table: pd.DataFrame, as_of: int | None, date=None) -> int | None:
    """The evaluation year: ``as_of`` given, else the table's ``as_of``, else its latest ``last_year`` -- save
    that the report's date (``date``, default today) says what can no longer be a year under way. Data reaching
    no year after the plan's base year do not make a 基期情况 once the calendar has moved into the period: a
    2021-2025 plan with nothing after 2020, reported in December 2026, is evaluated as of 2025 (the year before
    the report's, the plan's end at most), its rows 数据不足 asking for the missing years, not 规划期未开始; a
    2026-2030 plan with data to 2025 reported in 2026 stays 基期（2025年）情况. Likewise data ending before the
    plan's end once every target year is over (a 2021-2025 plan with data to 2022, reported in 2026) make no
    中期评估 forecasting a year already past: the report is the 总结评估 as of 2025, a row without its target
    year's figure 数据不足 asking for 2023年至2025年 (an earlier view needs ``as_of`` given: --as-of 2022)."""
    if as_of is None and "as_of" in table and table["as_of"].notna().any():
        as_of = int(table["as_of"].dropna().iloc[0])
    if as_of is not None:
        return as_of
    if "last_year" in table and table["last_year"].notna().any():
        as_of = int(pd.to_numeric(table["last_year"], errors="coerce").max())
    start, end = plan_period(table)
    year = report_datetime(date).year - 1  # the latest year whose figures can exist at the report date
    if start is not None and end is not None and (as_of is None or as_of <= start):
        if year > start:
            return min(year, end)
    if end is not None and as_of is not None and as_of < end <= year:
        return end  # every target year is over at the report date: a 总结评估, the years not reported 数据不足
    return as_of


def _row_inputs(table: pd.DataFrame, details, plan: pd.DataFrame | None, as_of: int | None):
    """What the cells of every row are built from (:func:`_cells`), in the table's order: the records (with the
    plan's written decimals and the evaluation year), each row's yearly values (:func:`yearly_values`), the
    years given a column each (empty when a row's values are unknown: 最新年 / 最新值 instead) and the
    indicator's figures (:func:`_indicator_figures`). Shared by :func:`build_report` and :func:`table_cells`,
    so the ``assess`` printout writes every figure as the report does."""
    records = table.to_dict("records")
    _plan_decimals(records, plan)
    for r in records:  # the evaluation year, which tells a target year past but not yet observed
        if is_missing(r.get("as_of")) and as_of is not None:
            r["as_of"] = as_of
    yearly = yearly_values(records, details, plan)
    for i, r in enumerate(records):  # a target year never reported, estimated between its neighbours: no verdict
        series = getattr(details[i], "series", None) if details is not None else None
        if interpolated_target(r, series, yearly[i]):
            estimated_target_year(r)
    for i, r in enumerate(records):  # a stock from yearly additions, a year not reported: the reported additions'
        est = getattr(details[i], "unreported", None) if details is not None else None
        if est and r.get("kind") == "cumulative" and yearly[i]:
            yearly[i] = {y: v - sum(e for m, e in est.items() if m < y) for y, v in yearly[i].items()}
    # one column per observed year, when every row's values are known (else 最新年 / 最新值)
    years = yearly_columns(records, as_of) if all(y is not None for y in yearly) else []
    return records, yearly, years, _indicator_figures(records, yearly)


def table_cells(table: pd.DataFrame, details: Sequence | None = None, *, plan: pd.DataFrame | None = None,
                lang: str | None = None, as_of: int | None = None, rows: int | None = None) -> list[dict[str, Cell]]:
    """The cells of the first ``rows`` rows of an assessment table (all by default), in the table's order,
    formatted exactly as :func:`build_report` formats them (the same decimals, notation and marks): what the
    ``assess`` printout shows, so that it writes ≤0.20, ≥〔4.00〕, 84.91 and 3.05（快报） as the report does. The
    indicator's figures that set the decimals are read from every row of the same indicator."""
    table = index_columns(table, details)  # table.set_index("region"): the regions read from the index
    lang = lang or detect_language(table)
    details = aligned_details(table, details, "table_cells")  # each row's own, the table sorted or not
    as_of = evaluation_year(table, as_of)
    n = len(table) if rows is None else min(int(rows), len(table))
    sub, det = table, (list(details) if details is not None else None)
    if n < len(table) and {"indicator", "unit"} <= set(table.columns):  # only the indicators shown set decimals
        keys = table["indicator"].astype(str) + "\x1f" + table["unit"].astype(str)
        keep = keys.isin(set(keys.iloc[:n])).to_numpy()  # the first n rows among them, first and in order
        sub = table[keep]
        det = [d for d, k in zip(det, keep) if k] if det is not None else None
    records, yearly, years, (shared, shared_plan, written) = _row_inputs(sub, det, plan, as_of)
    several = "region" in sub and sub["region"].nunique(dropna=True) > 1
    mark_forecast = any(report_category(r) in FINAL_CATEGORIES for r in records)
    kind = evaluation_kind(table, as_of)
    under_way = first_year_under_way(table, as_of) is not None
    out = []
    for i in range(n):
        r = records[i]
        series = getattr(det[i], "series", None) if det is not None else None
        cells, _ = _cells(r, i + 1, lang, several_regions=several, mark_forecast=mark_forecast,
                          shared=shared[i], shared_plan=shared_plan[i], yearly=yearly[i], years=years,
                          n_peers=None if series is None else int(getattr(series, "n_peers", 0) or 0),
                          written=written[i], interpolated=interpolated_target(r, series, yearly[i]),
                          report_kind=kind, under_way=under_way, points=observed_points(series))
        out.append(cells)
    return out


def _shared_year(records: list[dict], column: str) -> int | None:
    """The year every row gives in ``column`` (``baseline_year`` / ``target_year``), else ``None``."""
    found = {None if is_missing(r.get(column)) else int(r[column]) for r in records}
    return found.pop() if len(found) == 1 and None not in found else None


def _indicator_figures(records: list[dict], yearly: list[dict | None]
                       ) -> tuple[list[tuple], list[tuple], list[int]]:
    """Per row, the figures of every row of the same indicator and unit (every region, every target year:
    baselines, targets, latest and yearly values), their plan figures (baselines and targets), which
    set its decimals (:func:`_cells`): 端州区 and 高要区 write 市场主体总量 alike, not 3.5 beside 2.15; and the
    decimals of the indicator's written figures (:func:`~.formatting.written_row_decimals`: the plan's
    baselines, targets and striven-for figures as its cells wrote them, every history value)."""
    groups: dict = {}
    plans: dict = {}
    written: dict = {}
    given: dict = {}
    for r, y in zip(records, yearly):
        key = (str(r.get("indicator")), str(r.get("unit")))
        figures = [r.get(c) for c in ("baseline", "target", "last_value")]
        if computed_target(r):  # 年均增长6% read as 1651.3704: no figure written, it sets no decimals
            figures[1] = None
        if years_of(r.get("unreported_years")) and r.get("kind") == "cumulative":  # a stock counting an estimate
            figures[2] = r.get("sum_so_far")  # the reported additions' stock is the figure written
        if _latest_estimated(r):  # a 〈〉 row's last addition split from a reported total: no figure written
            figures[2] = None
        # figures written, not estimated: a year split from a reported running total is no figure of the history
        written.setdefault(key, []).extend([*figures, r.get("target_striven"), *_written_yearly(r, y).values()])
        given.setdefault(key, []).extend([r.get("baseline_decimals"), r.get("target_decimals")])
        if r.get("kind") == "increment":
            figures.append(r.get("sum_so_far"))
        groups.setdefault(key, []).extend([*figures, *(y or {}).values()])
        plans.setdefault(key, []).extend([r.get("baseline"), figures[1]])
    keys = [(str(r.get("indicator")), str(r.get("unit"))) for r in records]
    places = {k: _written_decimals(k[1], written[k], given[k]) for k in written}
    # once per indicator, not per row: an indicator of 100,000 regions gave each row all its figures (quadratic)
    shared = {k: _representatives(v) for k, v in groups.items()}
    shared_plan = {k: _most_written(v) for k, v in plans.items()}
    return [shared[k] for k in keys], [shared_plan[k] for k in keys], [places[k] for k in keys]


def _representatives(values) -> tuple:
    """What :func:`_cells` reads of an indicator's figures (``shared``), at most two of them: the largest in
    magnitude (the scale of :func:`~.formatting.row_decimals`) and one that is not a whole number, if any (whether
    every figure is whole: :func:`~.formatting.whole_count`, :func:`~.formatting.level_decimals`) -- the same
    decimals as every figure, in time linear in the rows."""
    present = [_num(v) for v in values if not is_missing(v)]
    if not present:
        return ()
    big = max(present, key=abs)
    part = next((v for v in present if not math.isfinite(v) or v != round(v)), None)
    return (big,) if part is None or part == big else (big, part)


def _most_written(values) -> tuple:
    """The plan figure of an indicator written with the most decimals (what ``shared_plan`` gives
    :func:`~.formatting.row_decimals` as ``exact``)."""
    present = [_num(v) for v in values if not is_missing(v)]
    return (max(present, key=written_decimals),) if present else ()


def estimated_years(r: dict) -> set[int]:
    """The years whose yearly value is an estimate, not a figure written: a year whose running total is not
    reported (``split_years``) and, for a 〈〉 row (yearly additions), the reported year after it, whose addition
    is the rest of the split (totals 1.5, –, 3.6: additions 1.05 and 1.05, neither written)."""
    split = set(years_of(r.get("split_years")))
    if r.get("kind") == "increment":
        split |= {y + 1 for y in split if y + 1 not in split}
    return split


def _latest_estimated(r: dict) -> bool:
    """The row's latest value (``last_value``) is an estimate (:func:`estimated_years`)."""
    ly = r.get("last_year")
    return not is_missing(ly) and int(ly) in estimated_years(r)


def _written_yearly(r: dict, yearly: dict | None) -> dict:
    """The row's yearly values that are figures written (:func:`estimated_years` left out): they alone set the
    decimals of the figures shown (0.6 | 1.5 | 2.6（插值） | 3.6, never 0.60 | 1.50 for an estimate of 2.55).
    Years before the base year are left out too: they are shown nowhere, and a 2010 value written 2.4445 must
    not make 13.4 of 2023 read 13.4000."""
    if not yearly:
        return {}
    estimated = estimated_years(r)
    by = r.get("baseline_year")
    first = -math.inf if is_missing(by) else int(by)
    return {y: v for y, v in yearly.items() if int(y) not in estimated and int(y) >= first}


def computed_target(r: dict) -> bool:
    """The row's target is computed from its baseline: the plan wrote a change (``年均增长6%``, ``下降10%``,
    ``提高2个百分点``: :func:`mstarget.plan.target_as_change`, kept in ``target_written``), not a figure."""
    return target_as_change(r.get("target_written")) is not None


def computed_target_shown(target: float, decimals: int, *values, direction=None) -> float:
    """A computed target (:func:`computed_target`) as the report shows it: rounded to the row's written
    ``decimals`` (1234 x 1.06^5 = 1651.3704 -> 1651.4 beside figures written whole: see below), one place more
    when that tells it from a value compared that differs from it (1651.4 beside an actual 1651) -- never the
    four places of the arithmetic, save for the first of ``values`` (the value the row is judged on): the target
    shows as many places as tell it from that one (≥4.702 beside an actual 4.7 judged to miss 3.2 x 1.08^5 =
    4.70185, not ≥4.70, which reads as met). With ``direction`` (``">="`` / ``"<="``), never a figure the target
    itself fails: a place more while the rounding crosses to the failing side (下降10% of 2.5 is ≤2.25, not ≤2.3,
    a figure the evaluation calls a miss; ≥94.556 stays ≥95), rounded toward the target's side at the last
    place :data:`MAX_DECIMALS` allows."""
    if is_missing(target):
        return target
    places = min(compared_decimals(decimals, target, *values), decimals + 1)
    if values:  # the value judged: never shown identical to a target it misses (or meets)
        places = max(places, compared_decimals(decimals, target, values[0]))
    shown = round_half_up(float(target), places)
    while _fails(shown, float(target), direction) and places < MAX_DECIMALS:
        places += 1
        shown = round_half_up(float(target), places)
    return _toward_met(float(target), places, direction) if _fails(shown, float(target), direction) else shown


def _fails(shown: float, target: float, direction) -> bool:
    """A target figure as shown would itself miss the target computed (≤2.3 for ≤2.25; ≥1651 for ≥1651.37)."""
    return (direction == ">=" and shown < target) or (direction == "<=" and shown > target)


def _toward_met(target: float, places: int, direction) -> float:
    """``target`` rounded at ``places`` toward the side that meets it: up for ``≥``, down for ``≤``."""
    step = 10.0 ** -places
    rounded = (math.ceil if direction == ">=" else math.floor)(round(target / step, 6)) * step
    return round(rounded, places)


def _written_decimals(unit, figures, given) -> int:
    """:func:`~.formatting.written_row_decimals` of an indicator's figures and the decimals its plan cells wrote
    (``given``), save that a count of whole things reported whole (:func:`~.formatting.whole_count`: 38 -> 79
    项) stays whole though the plan pads its target (〔117.0〕 is shown so; 79项, not 79.0项)."""
    figures = [_num(v) for v in figures if not is_missing(v)]
    return written_row_decimals(figures, () if whole_count(unit, figures) else given)


def estimated_target_year(r: dict) -> None:
    """Mark (in place) a row whose target year was never reported, its value only estimated between the years
    around it (:func:`interpolated_target`): a final verdict rests on reported figures alone (README: never
    已完成 on a guess), so the row is 数据不足 (``category`` / ``evaluation`` ``insufficient_data``,
    ``target_year_estimated``), its estimate shown marked 插值 with its probability for reference only, its
    text asking for the year (请补报2025年数据). A row ``assess`` already reckons without a year not reported
    (``unreported_years``: a 〈〉 sum, a stock from yearly additions, a period average) keeps its own verdict --
    one the reported figures alone decide -- and a qualitative one stays qualitative, one not set yet (目标待定) so."""
    if r.get("category") in ("insufficient_data", *NOT_JUDGED) or unreported_gap(r):
        return
    r["target_year_estimated"] = True
    r["category"] = r["evaluation"] = "insufficient_data"
    r["category_zh"] = CATEGORY_ZH["insufficient_data"]
    p = r.get("p_meet")
    if not is_missing(p):  # as assess words a target year it cannot judge: the chance, not met / not met
        th = Thresholds()
        r["status"] = "on_track" if p >= th.on_track else "at_risk" if p >= th.at_risk else "off_track"


def interpolated_target(r: dict, series=None, yearly: dict | None = None) -> bool:
    """The row's target year is judged on a value estimated between two observations: that year itself is
    missing while a later one is observed (the series of its detail, else its yearly values,
    :func:`yearly_values`). False when neither is known: ``assess``'s table alone does not tell."""
    ty, ly = r.get("target_year"), r.get("last_year")
    if is_missing(ty) or is_missing(ly) or int(ly) <= int(ty):
        return False
    if series is not None:
        return not bool((series.years == int(ty)).any())
    if yearly:
        return int(ty) not in yearly
    return False


#: how to read the main table, as the notes say it (:func:`table_notes`)
OUTLOOK_NOTE = {
    "zh": "预计完成情况按实现概率表述：不低于{0:.0%}为预计能够完成，{1:.0%}至{0:.0%}为有望完成，{2:.0%}至{1:.0%}为"
          "完成存在不确定性，低于{2:.0%}为完成难度较大（已提前达到目标而实现概率低于{0:.0%}的为已达到，仍需巩固）；"
          "目标年已有实际数据的（见评价）及基期以后尚无数据的记为“–”。",
    "en": "Outlook, from P(target met): {0:.0%} or more = expected to be met, {1:.0%} to {0:.0%} = likely to be met, "
          "{2:.0%} to {1:.0%} = uncertain, below {2:.0%} = unlikely to be met (a target already met with P below "
          "{0:.0%}: met; must be held); \"–\" where the target year is observed (see Assessment) or nothing is "
          "observed after the base year.",
}
#: the outlook note's addition in a report made before the plan period starts
OUTLOOK_NOT_STARTED = {"zh": "规划期未开始的指标按基期及以前数据外推的实现概率表述，仅供参考。",
                       "en": " Targets whose plan period has not started: from the probability of the trend up to the "
                             "base year, for reference only."}
YEARS_NOTE = {"zh": "{0}各列为当年完成值（〔〕类为年末累计数，〈〉类为基期以来至当年累计新增量）；“–”为该年无数据。",
              "en": "The columns {0} hold each year's value (for 〔〕 targets the stock at year end, for 〈〉 targets "
                    "the additions since the base year up to that year); \"–\": no figure that year."}
TABLE_NOTE = {"zh": ("表中指标按规划原顺序排列，{}；属性列标明约束性指标。基期值、目标值按规划原文写法列示"
                     "（〔〕为累计数，〈〉为期间新增数）；目标值前的≥、≤标明目标方向（不低于、不高于），规划原文未标注的"
                     "为本表按指标方向所加。",
                     "计数类指标（项、个、批次等）的预测值及区间取整数，区间下限向下、上限向上取整。",
                     "各指标的预测模型见逐项评估。"),
              "en": ("Targets are listed in the plan's order {}; the Attribute column marks binding targets. Baselines "
                     "and targets are written as in the plan (〔〕 a total reached, 〈〉 additions over the period); ≥ / ≤ before a "
                     "target gives its direction (at least / at most), added from the indicator's direction where the "
                     "plan wrote none.",
                     " Forecasts and ranges of counts (items, batches) are whole numbers, the range rounded outward.",
                     " Each target's forecasting model is named with its narrative.")}
#: what the table note says of the 序号, by :attr:`Report.numbering`
NUMBERING_NOTE = {"zh": {"plan": "序号同规划", "renumbered": "序号按规划顺序重新编排（规划原序号不是各不相同的整数）",
                         "none": "序号按规划顺序编排"},
                  "en": {"plan": "with the plan's numbers",
                         "renumbered": "numbered afresh (the plan's numbers are not distinct whole numbers)",
                         "none": "numbered in that order"}}


#: the note on preliminary figures (快报 …), when the report shows one: {0} the marks shown
PRELIMINARY_NOTE = {
    "zh": "标{0}的为快报等初步统计数，正式数据（年报数、最终核实数）发布后可能修订；据此判定的评价，初步数与目标相差在其末位"
          "数字或目标值的1%以内的（见逐项评估），可能随正式数据改变。",
    "en": "Figures marked \"(preliminary)\" are preliminary (快报 and the like) and may be revised when the final "
          "figures are published; an assessment decided by a preliminary figure within its last digit or 1% of the "
          "target (see each target's text) may change with the final figure.",
}
#: the note on figures counted without a year not reported (a 〈〉 sum, a stock from yearly additions)
UNREPORTED_NOTE = {
    "zh": "标“（缺某年）”的为不含该年（未报送）数据的累计数，目标进度、距目标差距按此计算；标“插值”的含未报送年份按前后年份"
          "插值估计的数值，仅供参考。",
    "en": "Figures marked \"(excl. year)\" add up the years reported without that year (not reported), as progress "
          "and the gap to target count them; those marked \"interpolated\" count an estimate of the years not "
          "reported, for reference only.",
}


#: the note on target-year values never reported, estimated between the years around them (:func:`estimated_target_year`)
INTERPOLATED_NOTE = {
    "zh": "标“插值”的目标年数值未报送，按前后年份插值估计，仅供参考，不据此评价完成情况（记为数据不足，请补报）。",
    "en": "Target-year values marked \"interpolated\" were not reported but estimated between the years around them: "
          "for reference only, no verdict rests on them (insufficient data until the figure is reported).",
}


#: the note on 〈〉 sums at years whose running total is not reported (``split_years``)
SPLIT_NOTE = {
    "zh": "标“（插值）”的年份未报送累计数，该年及其后一个报送年份的新增按前后累计数之差均摊估计；报送年份的累计数按报送数列示，"
          "目标进度按报送数计算。",
    "en": "Sums marked \"(interpolated)\" are of years whose running total was not reported: the rise to the next "
          "reported total is split evenly over the years it covers; the reported totals are shown as reported, and "
          "progress counts them.",
}
#: the note on baselines the plan wrote as preliminary (``baseline_preliminary``: 2025年基数（预计）): {0} the marks
BASELINE_PRELIMINARY_NOTE = {
    "zh": "基期值标{0}的为规划编制时的预计数（快报数），基期年正式数据发布后基期值可能调整，目标进度将按正式基期值重新计算。",
    "en": "Baselines marked \"(preliminary)\" are the estimates the plan was written with; the base year's final "
          "figure may differ, and progress will be recomputed on it once published.",
}


#: the note on 〈〉 rows whose history is the year-end stock (:func:`stock_base`): {rows} their 序号
STOCK_BASE_NOTE = {
    "zh": "序号{rows}的〈〉类指标历史数据为年末存量：基期值列示基期年末数（〔〕），各年累计新增量按当年年末数减基期年末数计算。",
    "en": "No. {rows}: 〈〉 targets whose history gives year-end levels; the Baseline column shows the base-year level "
          "(in 〔〕), and the additions up to each year are that year's level less it.",
}


#: the note on strict bounds, when a row has one (read_plan's ``strict``: 低于0.15, 超过98)
STRICT_NOTE = {
    "zh": "目标表述为低于、高于、超过、小于（<、>）某数的，不含本数：实际值等于该数的为未达到目标，距目标差距记为0。",
    "en": "Targets written as below / above / more than / less than (<, >) a figure exclude the figure itself: a "
          "value equal to it does not meet the target, its gap shown as 0.",
}


def table_notes(report: Report) -> list[str]:
    """Notes on reading the main table: its order and marks, the 预计完成情况 thresholds
    (:data:`OUTLOOK_LEVELS`), what the yearly columns hold, preliminary figures (:data:`PRELIMINARY_NOTE`)
    and figures without a year not reported (:data:`UNREPORTED_NOTE`) where the report shows them."""
    lang = report.lang
    order, counts, models = TABLE_NOTE[lang]
    # only what the table and the narrative show: no forecast (every target year observed) needs no word on
    # rounding forecasts, and no model is named where nothing was forecast
    note = order.format(NUMBERING_NOTE[lang].get(report.numbering, NUMBERING_NOTE[lang]["plan"]))
    shown = report.shown_columns()
    if not report.all_observed and "range_80" in shown:  # forecasts and their ranges shown: how counts are rounded
        note += counts
    if any(model_line(row) for row in report.rows):
        note += models
    if any(not row.cells.get("target_original", Cell(None, MISSING)).missing for row in report.rows):
        note = note.replace(*ADJUSTED_WRITTEN[lang])  # an adjusted target is no figure of the plan's text
    notes = [note]
    if not report.all_observed and "outlook" in shown:  # a 总结评估 without the column: nothing to explain
        said = OUTLOOK_NOTE[lang].format(*(low for low, _, _ in OUTLOOK_LEVELS[:3]))
        if any(row.category == NOT_STARTED for row in report.rows):
            said += OUTLOOK_NOT_STARTED[lang]
        notes.append(said)
    if report.years:
        span = (f"{report.years[0]}年至{report.years[-1]}年" if lang == "zh" else f"{report.years[0]}-{report.years[-1]}") \
            if len(report.years) > 1 else (f"{report.years[0]}年" if lang == "zh" else str(report.years[0]))
        notes.append(YEARS_NOTE[lang].format(span))
    marks = list(dict.fromkeys(preliminary_suffix(row.raw.get("preliminary_mark"), lang) for row in report.rows
                               if _preliminary_shown(row.raw, report.years)))
    if marks:
        shown = "、".join(f"“{m}”" for m in marks) if lang == "zh" else ""
        notes.append(PRELIMINARY_NOTE[lang].format(shown))
    if any(unreported_gap(row.raw) for row in report.rows):
        notes.append(UNREPORTED_NOTE[lang])
    for head, label in report.part_years:  # 2026年1-10月（仅供参考）: what the column holds, and that it is not used
        said = part_year_label(label, lang)  # Jan-Oct 2026 in an English report
        shown = PART_YEAR_HEADER[lang].format(said)
        notes.append(PART_YEAR_NOTE[lang].format(shown=shown, head=head) if head is not None else
                     PART_YEAR_HISTORY_NOTE[lang].format(shown=shown, label=said))
    if any(flagged(row.raw.get("target_year_estimated")) for row in report.rows):
        notes.append(INTERPOLATED_NOTE[lang])
    if any(years_of(row.raw.get("split_years")) for row in report.rows):
        notes.append(SPLIT_NOTE[lang])
    marks = list(dict.fromkeys(baseline_preliminary_suffix(row.raw, lang) for row in report.rows
                               if baseline_preliminary_suffix(row.raw, lang)))
    if marks:
        shown = "、".join(f"“{m}”" for m in marks) if lang == "zh" else ""
        notes.append(BASELINE_PRELIMINARY_NOTE[lang].format(shown))
    stocks = [str(row.number) for row in report.rows if not row.cells.get("stock_base", Cell(None, MISSING)).missing]
    if stocks:  # 〔1.89〕 under a 〈〉 target: the base-year level, not a figure the plan wrote so
        notes.append(STOCK_BASE_NOTE[lang].format(rows=("、" if lang == "zh" else ", ").join(stocks)))
    if any(strict_of(row.raw) and row.category != QUALITATIVE for row in report.rows):
        notes.append(STRICT_NOTE[lang])
    adjusted = [row for row in report.rows if "target_original" in row.cells and not row.cells["target_original"].missing]
    if adjusted:  # ≥〔100〕ᵃ: the target as adjusted mid-term, not as first written (note 1 says 按规划原文写法)
        sep = "；" if lang == "zh" else "; "
        notes.append(ADJUSTED_NOTE[lang].format(mark=ADJUSTED_MARK, rows=sep.join(
            ADJUSTED_ROW[lang].format(name=row.spoken, first=row.cells["target_original"].text,
                                      now=row.cells["target"].text.removesuffix(ADJUSTED_MARK)) for row in adjusted)))
    return notes


#: the note on targets adjusted mid-term (:func:`adjusted_original`), and each row's part of it
ADJUSTED_NOTE = {
    "zh": "目标值标“{mark}”的为经中期调整后的目标（规划目标调整列），按调整后目标评价，不是规划原文的目标：{rows}。",
    "en": "Targets marked \"{mark}\" were adjusted mid-term (the plan's adjusted-target column) and are judged as "
          "adjusted, not as first written: {rows}.",
}
ADJUSTED_WRITTEN = {"zh": ("（〔〕为累计数，〈〉为期间新增数）",
                           f"（〔〕为累计数，〈〉为期间新增数；标“{ADJUSTED_MARK}”的目标为中期调整后的目标，见下注）"),
                    "en": ("(〔〕 a total reached, 〈〉 additions over the period)",
                           f"(〔〕 a total reached, 〈〉 additions over the period; targets marked \"{ADJUSTED_MARK}\" as "
                           "adjusted mid-term, see below)")}
ADJUSTED_ROW = {"zh": "{name}原目标{first}，经中期调整为{now}", "en": "{name}: first {first}, adjusted to {now}"}


def model_text(row: ReportRow) -> str:
    """The forecasting model of a row (``趋势外推（无同类地区）``), for the workbook's 逐项说明 sheet (an analyst's
    working file); empty when nothing was forecast (its target year observed, no data, or no forecast shown)."""
    shown = row.cells["model"].text
    if not shown or shown == MISSING or row.category in FINAL_CATEGORIES or row.cells["forecast"].text == MISSING:
        return ""
    return shown


def model_line(row: ReportRow) -> str:
    """The forecasting model under a target's narrative in an English report (``Forecasting model: ...``). A
    Chinese report names none: 趋势外推（无同类地区）, 泊松 say nothing to the 局长 it goes to (the workbook's 逐项说明
    sheet keeps the model, :func:`model_text`)."""
    shown = model_text(row)
    return f"Forecasting model: {shown}" if shown and row.lang != "zh" else ""


def _outlook_word(row, words: tuple[str, ...]) -> str | None:
    text = row.cells["outlook"].text if "outlook" in row.cells else ""
    return next((w for w in words if text.startswith(w)), None)


def by_indicator_table(report) -> tuple[list[str], list[list[str]]]:
    """分指标汇总 for a report of several regions: one row per indicator (the table's order), the number of
    regions in each category of the 分类汇总 (已完成 / 未完成 …, 定性指标 where there are), then, while targets are
    under way, in each 预计完成情况 (预计能够完成 … 完成难度较大, 已达到，仍需巩固), and the regions in all; a 合计
    row last. Empty (``[], []``) for a report of one region."""
    if not narrative.group_regions(report):
        return [], []
    lang = report.lang
    rows = list(getattr(report, "counted_rows", None) or report.rows)
    cats = list(report.categories) + ([QUALITATIVE] if any(r.category == QUALITATIVE for r in rows)
                                      and QUALITATIVE not in report.categories else [])
    words = (*narrative.OUTLOOK_ORDER[lang], OUTLOOK_HOLD[lang])
    outlooks = [w for w in words if any(_outlook_word(r, words) == w for r in rows)]
    labels = CATEGORY_LABELS[lang]
    total = narrative.BY_INDICATOR_TOTAL[lang]
    head = [narrative.BY_INDICATOR_HEAD[lang]] + [labels[c] for c in cats] + outlooks + [total]
    groups: dict[str, list] = {}
    for r in rows:
        groups.setdefault(narrative.indicator_label(r), []).append(r)
    body = []
    for name, members in groups.items():
        body.append([name] + [str(sum(r.category == c for r in members)) for c in cats]
                    + [str(sum(_outlook_word(r, words) == w for r in members)) for w in outlooks] + [str(len(members))])
    body.append([total] + [str(sum(int(b[j]) for b in body)) for j in range(1, len(head))])
    return head, body


def apply_evaluation_year(table: pd.DataFrame, results: list | None = None, date=None) -> int | None:
    """Give a table assessed without ``as_of`` the evaluation year of a report dated ``date`` (default today), by
    the report's own rule (:func:`evaluation_year`), when the calendar has moved past the data: every target
    year over on data ending before the plan's end (a 2021-2025 plan on data to 2022, in 2026: 2025, the 总结评估),
    or nothing observed after the base year once a year of the period can have figures. The table is then read
    as of that year (:func:`mstarget.assess.evaluate_as_of`). Returns that year; ``None`` when the table already
    has an ``as_of`` or the rule leaves the evaluation year at the latest year observed (the table is left as
    it is)."""
    if "as_of" in table and pd.to_numeric(table["as_of"], errors="coerce").notna().any():
        return None
    year = evaluation_year(table, None, date)
    last = pd.to_numeric(table["last_year"], errors="coerce").max() if "last_year" in table else math.nan
    if year is None or (last == last and int(year) <= int(last)):
        return None
    evaluate_as_of(table, int(year), results)
    return int(year)


def evaluation_year_message(table: pd.DataFrame, year: int, option: str = "--as-of {}") -> str:
    """What ``assess`` says when it judges a table given no ``as_of`` as of ``year`` (:func:`apply_evaluation_year`):
    the years to report (目标年已过，数据仅至2022年，请补报2023年至2025年数据) and how to get a view as of the data
    (``option``: ``--as-of {}`` for the command line, ``as_of={}`` for Python)."""
    last = stale_data(table.to_dict("records"), year)
    missing = years_text(range(last + 1, year + 1), "zh") if last is not None else f"{year}年"
    target_years = pd.to_numeric(table.get("target_year"), errors="coerce") if "target_year" in table else None
    over = target_years is not None and target_years.notna().any() and int(target_years.max()) <= year
    why = ("every target year is over at today's date: the targets are judged as of " if over else
           "a year after the plan's base year can have figures at today's date: the targets are judged as of ")
    head = f"目标年已过，数据仅至{last}年，请补报{missing}数据" if over and last is not None else \
        f"数据仅至{last}年，请补报{missing}数据" if last is not None else f"暂无规划期数据，请报送{missing}数据"
    return (f"{head} ({why}{year}, as the report dated today ({'the 总结评估' if over else 'its evaluation year'}); "
            f"the targets without their target year's figure are 数据不足, their forecasts only to be confirmed"
            + (f" -- give {option.format(last)} for a view as of the data)" if last is not None else ")"))
