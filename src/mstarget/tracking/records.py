"""What one tracked call logs: metrics (per target too), result tables, charts, report files, the
forecaster; the ``log_*`` helpers that open one run for a call (:mod:`.runs`) and never lose the
result when the store fails."""
from __future__ import annotations

import hashlib
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..backtest import BEST_MODEL_BY as _BEST_MODEL_BY
from ..backtest import choose_best
from ..exceptions import TrackingError, TrackingWarning
from ..plotting import pyplot
from ..report.charts import matrix_pages, overview_chart, region_matrix_chart, region_matrix_pages
from ..report.model import (AWAITED_OUTLOOK, build_report, evaluation_kind, evaluation_name, outlook_cell,
                             plan_period, status_words)
from ..schedule import CATEGORIES, FINAL_CATEGORIES, NOT_STARTED, QUALITATIVE, TARGET_PENDING, evaluation_categories
from ..validation import region_level
from .forecaster import log_forecaster, register_name_problem
from .params import EMPTY, inputs_of
from .runs import _RUN_STACK, Run, active_run, start_run
from .store import (
    STATUSES,
    TrackingSettings,
    _quiet,
    data_fingerprint,
    package_versions,
    tracking_failure,
)

#: the columns a backtest's best model is chosen by (:data:`mstarget.backtest.BEST_MODEL_BY`), public here too
BEST_MODEL_BY = _BEST_MODEL_BY

# --------------------------------------------------------------------------------------------
# what one tracked call logs
# --------------------------------------------------------------------------------------------

def _not_started(table: pd.DataFrame) -> np.ndarray:
    """Rows of a plan whose period has not started (规划期未开始, :func:`mstarget.schedule.evaluation_categories`):
    not judged, counted apart in the tracked metrics; one bool per row."""
    if "category" not in table or not len(table):
        return np.zeros(len(table), dtype=bool)
    return evaluation_categories(table).to_numpy() == NOT_STARTED


#: the metric-name part of the 数据不足 rows whose target year is past, its value awaited, that keep their forecast's
#: ``p_meet`` (the printout's and the report's 有望完成（待确认）): ``n_pending_on_track``, ``mean_p_meet_pending``.
#: Kept so that runs logged before compare with new ones; the same counts are logged under :data:`TO_CONFIRM` too.
PENDING = "pending"
#: the name the 待确认 rows' metrics are logged under as well (``n_to_confirm_on_track``, ``mean_p_meet_to_confirm``,
#: ``n_binding_to_confirm_at_risk_or_off_track``, ``mean_p_meet_to_confirm.<region>``): the printout's and the report's
#: word for them (待确认, "to be confirmed"). ``pending`` alone reads as 目标待定 -- ``n_target_pending``, a target not set
#: yet, which these rows are not -- and both counts sit side by side in one run (a 总结评估 of a draft).
TO_CONFIRM = "to_confirm"
#: the names the 待确认 rows' metrics are logged under: the old one first
AWAITED_NAMES = (PENDING, TO_CONFIRM)


def _pending(table: pd.DataFrame, words: Sequence[str] | None = None) -> np.ndarray:
    """The 数据不足 rows the printout and the report mark 待确认 (a target year past, its value awaited: the forecast's
    words to be confirmed, 有望完成（待确认）): not judged, their forecast counted apart; one bool per row. ``words``:
    :func:`mstarget.report.model.status_words` of the table, when already said."""
    none = np.zeros(len(table), dtype=bool)
    if "category" not in table or "p_meet" not in table or not len(table):
        return none
    candidates = (evaluation_categories(table).to_numpy() == "insufficient_data") & \
        pd.to_numeric(table["p_meet"], errors="coerce").notna().to_numpy()
    if not candidates.any():
        return none
    words = status_words(table) if words is None else words
    return candidates & np.array([str(w).endswith(AWAITED_OUTLOOK["zh"]) for w in words], dtype=bool)


def _judged(table: pd.DataFrame) -> np.ndarray:
    """The rows the printout counts as assessed (``assess``'s "N assessed") and the report judges: every row but the
    数据不足 ones, the qualitative ones (定性指标，另行评价), those whose target is not set yet (目标待定) and those of a
    plan whose period has not started; one bool per row. A table without ``category`` (no evaluation to go by): every
    row."""
    if "category" not in table or not len(table):
        return np.ones(len(table), dtype=bool)
    evaluation = evaluation_categories(table).to_numpy()
    return ~np.isin(evaluation, ("insufficient_data", QUALITATIVE, TARGET_PENDING, NOT_STARTED))


def assessment_metrics(table: pd.DataFrame) -> dict[str, float]:
    """What an ``assess`` table counts, with the same words as the report and the printout:

    * ``n_completed`` / ``n_not_completed`` / ``n_insufficient_data`` / ``n_not_started`` / ``n_qualitative`` /
      ``n_target_pending``: the evaluation's categories (:func:`mstarget.schedule.evaluation_categories`, ``assess``'s
      ``evaluation`` / ``category_zh``, the report's 已完成 / 未完成 / 数据不足 / 规划期未开始 / 目标待定): a target whose year is observed met or not, the targets the data
      cannot judge -- those with nothing after the base year, those whose target year is past with its value still
      awaited or never reported (interpolated) -- and those of a plan whose period has not started (a 2026-2030 plan
      on data up to 2025: not judged), the qualitative ones (定性指标，另行评价), and those whose target is not set yet
      (目标待定: 待定 in a draft; forecast, never judged, never in ``n_insufficient_data``);
    * ``n_achieved`` / ``n_ahead`` / ``n_on_schedule`` / ``n_behind``: the schedule's ``category`` (提前实现 / 快于预期 /
      基本符合预期 / 滞后) of the targets still under way, where the evaluation is that category: not a target whose
      year is observed (counted in ``n_completed`` / ``n_not_completed`` only), nor one 数据不足 at the evaluation year
      (its year past, its value awaited) or not started -- so these, the evaluation's counts, ``n_qualitative`` and
      ``n_target_pending`` add up to ``n_targets``, and a 总结评估 with every target year observed counts none;
    * ``n_met`` / ``n_on_track`` / ``n_at_risk`` / ``n_off_track``: ``status``, the forecast's words for ``p_meet``
      (met: the target reached by the latest value), of the rows judged -- the printout's "N assessed": not the
      数据不足 rows, nor the qualitative ones, nor those not set yet (目标待定), nor those of a plan whose period has
      not started (规划期未开始), nor a
      target year only interpolated (``target_year_estimated``: no ``p_meet``, no ``status``). Counted apart: the
      rows not started, ``n_not_started_met`` / ``_on_track`` / ``_at_risk`` / ``_off_track`` from their forecast's
      ``p_meet``, and the 数据不足 rows whose target year is past with its value awaited that keep a forecast (the
      printout's 待确认, 有望完成（待确认）: a 总结评估 awaiting the target year's figures), ``n_to_confirm_met`` /
      ``_on_track`` / ``_at_risk`` / ``_off_track`` -- and under their first names, ``n_pending_met`` ..., kept for the
      runs logged before (:data:`TO_CONFIRM`) -- (0 included, so runs compare column by column); ``n_no_data``:
      the rows without any data (all of them 数据不足);
    * ``n_targets``, the mean ``p_meet`` of the rows judged (``mean_p_meet``; ``mean_p_meet_not_started`` of the
      rows not started, ``mean_p_meet_to_confirm`` = ``mean_p_meet_pending`` of the 待确认 rows), ``n_binding`` and the
      binding targets judged at risk or off track (``n_binding_at_risk_or_off_track``;
      ``n_binding_not_started_at_risk_or_off_track`` and ``n_binding_to_confirm_at_risk_or_off_track`` =
      ``n_binding_pending_at_risk_or_off_track`` apart)."""
    wait = _not_started(table)
    pending = _pending(table)
    judged = _judged(table)
    status = table["status"] if "status" in table else None
    counts = status[judged].value_counts() if status is not None else pd.Series(dtype=int)
    out: dict[str, float] = {f"n_{k}": int(counts.get(k, 0)) for k in STATUSES if k != "no_data"}
    out["n_no_data"] = int(status[~wait].eq("no_data").sum()) if status is not None else 0
    if "category" in table:
        evaluation = evaluation_categories(table).value_counts()  # what the report and the printout count
        # the schedule's words only where the evaluation still speaks them (a target under way): not a target
        # whose year is observed (已完成 / 未完成), nor one the evaluation year finds 数据不足 or not started
        out.update({f"n_{k}": int(evaluation.get(k, 0)) for k in CATEGORIES if k != "insufficient_data"})
        out.update({f"n_{k}": int(evaluation.get(k, 0))
                    for k in (*FINAL_CATEGORIES, "insufficient_data", NOT_STARTED, QUALITATIVE, TARGET_PENDING)})
        for group, rows in ((NOT_STARTED, wait), *((name, pending) for name in AWAITED_NAMES)):  # 0 included
            apart = status[rows].value_counts() if status is not None else pd.Series(dtype=int)
            out.update({f"n_{group}_{k}": int(apart.get(k, 0)) for k in STATUSES if k != "no_data"})
    out["n_targets"] = len(table)
    if "p_meet" in table:
        p = pd.to_numeric(table["p_meet"], errors="coerce")
        for key, rows in (("mean_p_meet", judged), (f"mean_p_meet_{NOT_STARTED}", wait),
                          *((f"mean_p_meet_{name}", pending) for name in AWAITED_NAMES)):
            if rows.any() and p[rows].notna().any():
                out[key] = float(p[rows].mean())
    if "attribute" in table and status is not None:
        binding = table["attribute"].eq("binding").to_numpy(dtype=bool)  # 0 when none
        risky = status.isin(["at_risk", "off_track"]).to_numpy(dtype=bool)
        out["n_binding"] = int(binding.sum())
        out["n_binding_at_risk_or_off_track"] = int((binding & risky & judged).sum())
        if "category" in table:
            out[f"n_binding_{NOT_STARTED}_at_risk_or_off_track"] = int((binding & risky & wait).sum())
            for name in AWAITED_NAMES:
                out[f"n_binding_{name}_at_risk_or_off_track"] = int((binding & risky & pending).sum())
    return out


def forecast_metrics(table: pd.DataFrame) -> dict[str, float]:
    """Series and row counts, series per model used, and the mean relative width of the intervals."""
    out: dict[str, float] = {"n_rows": len(table)}
    if {"region", "indicator"} <= set(table.columns):
        series = table.drop_duplicates(["region", "indicator"])
        out["n_series"] = len(series)
        if "model" in table:
            for name, n in series["model"].value_counts().items():
                out[f"n_series_model.{name}"] = int(n)
    for col in table.columns:
        m = re.fullmatch(r"lo_(\d+(?:\.\d+)?)", str(col))
        if m and f"hi_{m.group(1)}" in table and "median" in table and len(table):
            med = pd.to_numeric(table["median"], errors="coerce").abs()
            width = pd.to_numeric(table[f"hi_{m.group(1)}"], errors="coerce") - pd.to_numeric(table[col], errors="coerce")
            rel = (width / med.where(med > 0)).dropna()
            if len(rel):
                out[f"mean_rel_width_{m.group(1)}"] = float(rel.mean())
    return out


#: per-target metrics are logged for the first this many rows (the full table is an artifact)
MAX_TARGET_METRICS = 200
TARGET_METRICS = ("p_meet", "forecast")


#: characters of an id a metric-name part keeps: MLflow's names allow letters and digits of any
#: script (``\w``: 鼎湖区 too), ``_ -`` (``.`` separates the parts, ``/ : space`` are left out)
_ID_CHARS = re.compile(r"[^\w\-]+")
#: longest metric-name part: ``forecast.<region>.<indicator>.<year>`` stays within MLflow's 250
_ID_MAX = 100


def _id_token(text: Any) -> str:
    """A metric-name part for an id: kept as written when MLflow accepts it (letters and digits of
    any script, ``_ -``: ``鼎湖区``, ``每万人口高价值发明专利拥有量``); otherwise the refused characters
    become ``_`` and the first 8 hex digits of the id's SHA-1 are added (``GDP增速(%)`` ->
    ``GDP增速_1a2b3c4d``), as they are for an id longer than ``_ID_MAX`` characters, so the same id
    always gives the same key, in every run and on every platform, and two ids never share one."""
    text = str(text)
    if text and not _ID_CHARS.search(text) and len(text) <= _ID_MAX:
        return text
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    kept = _ID_CHARS.sub("_", text).strip("_")[:_ID_MAX - 9]
    return f"{kept}_{digest}" if kept else f"h{digest}"


def target_metric_keys(table: pd.DataFrame, limit: int = MAX_TARGET_METRICS) -> pd.DataFrame:
    """The per-target metric names of an ``assess`` table's first ``limit`` rows.

    Returns a frame ``region, indicator, target_year, name, key`` where ``key`` is
    ``<region>.<indicator>`` (plus ``.<target_year>`` when the same indicator has several targets),
    each part through :func:`_id_token`; the metric names are ``p_meet.<key>`` and
    ``forecast.<key>``. Logged as ``per_target_metrics.csv``, the map from each key back to its row.
    Keys are unique: two rows that would share one get ``.row<N>`` (their row number) added.
    """
    cols = [c for c in ("region", "indicator", "target_year", "name") if c in table]
    rows = table[cols].head(limit).copy()
    if not {"region", "indicator"} <= set(cols):
        rows["key"] = [f"row{i + 1}" for i in range(len(rows))]
        return rows
    dup = rows.duplicated(["region", "indicator"], keep=False)
    rows["key"] = [f"{_id_token(r)}.{_id_token(i)}" + (f".{int(y)}" if d and pd.notna(y) else "")
                   for r, i, y, d in zip(rows["region"], rows["indicator"],
                                         rows.get("target_year", pd.Series([None] * len(rows))), dup)]
    clash = rows["key"].duplicated(keep=False).to_numpy()
    if clash.any():
        rows["key"] = [f"{k}.row{i + 1}" if c else k for i, (k, c) in enumerate(zip(rows["key"], clash))]
    return rows


def target_metrics(table: pd.DataFrame, limit: int = MAX_TARGET_METRICS) -> dict[str, float]:
    """``p_meet.<key>`` and ``forecast.<key>`` per target (first ``limit`` rows; see
    :func:`target_metric_keys`), so the MLflow UI compares two runs target by target."""
    keys = target_metric_keys(table, limit)["key"]
    out: dict[str, float] = {}
    for metric in TARGET_METRICS:
        if metric not in table:
            continue
        values = pd.to_numeric(table[metric].head(limit), errors="coerce")
        for key, v in zip(keys, values):
            if pd.notna(v):
                out[f"{metric}.{key}"] = float(v)
    return out


#: per-region aggregate metrics (:func:`region_metrics`) of a table of several regions, at most this many in all
MAX_REGION_METRICS = MAX_TARGET_METRICS


def _outlook_words(table: pd.DataFrame) -> list[str]:
    """Each row's word as the report's 预计完成情况 and the printout say it (预计能够完成 / 有望完成 / 完成存在不确定性 /
    完成难度较大, 已实现 / 未实现 once the target year is observed, ``-`` for none)."""
    return status_words(table)  # the printout's words, from the row alone


#: a region that is the table's total (全省 / 全市 / 合计): first in the per-region metrics
_TOTAL_NAME = re.compile(r"^(全|本)|合计|总计")


def region_metrics(table: pd.DataFrame, limit: int = MAX_REGION_METRICS) -> tuple[dict[str, float], int]:
    """Per-region aggregates of a table of several regions, by :func:`assessment_metrics`' rule (the rows judged;
    a plan whose period has not started, 规划期未开始, counted apart): ``n_rows.<region>`` (every row),
    ``mean_p_meet.<region>`` of the rows judged that have a ``p_meet`` (``mean_p_meet_to_confirm.<region>``, also
    under its first name ``mean_p_meet_pending.<region>``, of the 数据不足 rows awaiting their target year's value,
    待确认), ``n_<word>.<region>`` for each word the printout gives
    the rows but those not started (:func:`_outlook_words`: ``n_预计能够完成.东江市``, the 待确认 words each under its own
    name, 0 included, so runs compare region by region) and, for the rows not started, ``mean_p_meet_not_started.<region>`` and ``n_not_started_<word>.<region>``
    with the words the report's 预计完成情况 and 分指标汇总 give them (完成存在不确定性 … from their forecast), for as
    many regions as ``limit`` metrics hold: totals (全省 / 合计) and the higher levels first -- a province, its cities,
    then counties (:func:`mstarget.validation.region_level`) --, each level in the table's order. Returns ``(metrics, regions covered)``;
    ``({}, 0)`` for one region."""
    if "region" not in table or table["region"].nunique() < 2:
        return {}, 0

    wait = _not_started(table)
    judged = _judged(table)
    words = pd.Series(_outlook_words(table), index=table.index, dtype=object) if {"p_meet", "status"} <= set(table) \
        else pd.Series("-", index=table.index, dtype=object)
    pending = _pending(table, words.tolist())
    words[wait] = "-"  # a row not started is not judged (its words counted apart below)
    later = pd.Series("-", index=table.index, dtype=object)
    if wait.any() and "p_meet" in table:
        later[wait] = [outlook_cell(r, NOT_STARTED, "zh") for r in table[wait].to_dict("records")]
    shown = [w for w in dict.fromkeys(words) if w not in ("-", "", "–")]
    shown_later = [w for w in dict.fromkeys(later) if w not in ("-", "", "–")]
    p_all = pd.to_numeric(table["p_meet"], errors="coerce") if "p_meet" in table \
        else pd.Series(float("nan"), index=table.index)
    per_region = 2 + len(shown) + (1 + len(shown_later) if wait.any() else 0) + len(AWAITED_NAMES) * int(pending.any())
    # the room goes to the higher levels first (a province, its cities, then counties), each in the table's order
    ordered = list(pd.unique(table["region"].dropna()))
    levels = {r: region_level(str(r)) for r in ordered}
    totals = {r for r in ordered if _TOTAL_NAME.search(str(r))}
    # by level only when every other name says its level (鼎湖 / 端州 written short: the table's order)
    by_level = all(levels[r] is not None for r in ordered if r not in totals)
    ordered.sort(key=lambda r: 0 if r in totals else (levels[r] if by_level else (1 if levels[r] == 1 else 2)))
    regions = ordered[:max(limit // per_region, 0)]
    out: dict[str, float] = {}
    for region in regions:
        mine = (table["region"] == region).to_numpy()
        key = _id_token(region)
        out[f"n_rows.{key}"] = int(mine.sum())
        p = p_all[mine & judged]
        if p.notna().any():
            out[f"mean_p_meet.{key}"] = float(p.mean())
        p = p_all[mine & pending]
        if p.notna().any():
            out.update({f"mean_p_meet_{name}.{key}": float(p.mean()) for name in AWAITED_NAMES})
        counts = words[mine & ~wait].value_counts()
        for w in shown:
            out[f"n_{_id_token(w)}.{key}"] = int(counts.get(w, 0))
        if (mine & wait).any():
            p = p_all[mine & wait]
            if p.notna().any():
                out[f"mean_p_meet_{NOT_STARTED}.{key}"] = float(p.mean())
        if wait.any():  # 0 included in every region, as the words judged
            counts = later[mine & wait].value_counts()
            for w in shown_later:
                out[f"n_{NOT_STARTED}_{_id_token(w)}.{key}"] = int(counts.get(w, 0))
    return out, len(regions)


def per_target_line(table: pd.DataFrame) -> str | None:
    """What a tracked run's terminal says when the table has more rows than per-target metrics
    (:data:`MAX_TARGET_METRICS`): how many were logged and where the full table is; ``None`` otherwise."""
    n = len(table)
    if n <= MAX_TARGET_METRICS:
        return None
    regions = table["region"].nunique() if "region" in table else 0
    covered = region_metrics(table)[1] if regions > 1 else 0
    of = f"{covered} of {regions} regions (the higher levels first)" if covered < regions else f"{regions} regions"
    return (f"MLflow: per-target metrics (p_meet.*, forecast.*) logged for the first {MAX_TARGET_METRICS} of {n} "
            f"rows; the full table is the run's artifact assessment.csv (per_target_metrics.csv maps the metric "
            f"names to rows)" + (f"; per-region aggregates (n_rows.<region>, mean_p_meet.<region>, counts by "
                                 f"预计完成情况) for {of}" if regions > 1 else "")
            + f" (逐项指标仅记录前{MAX_TARGET_METRICS}项，共{n}项；完整结果见运行附件 assessment.csv)")


def _where(table: pd.DataFrame | None) -> str:
    """The regions of a table for a run name: one or two by name, else their number."""
    regions = [str(r) for r in pd.unique(table["region"].dropna())] \
        if table is not None and "region" in table else []
    return "、".join(regions) if 0 < len(regions) <= 2 else (f"{len(regions)} regions" if regions else "")


def describe_run(command: str, table: pd.DataFrame, params: Mapping[str, Any]) -> str:
    """A run name that says what ran: ``assess 鼎湖区 as of 2023 · auto``."""
    where = _where(table)
    as_of = params.get("as_of")
    if as_of is None and "last_year" in table and pd.to_numeric(table["last_year"], errors="coerce").notna().any():
        as_of = int(pd.to_numeric(table["last_year"], errors="coerce").max())
    model = params.get("model")
    parts = [command] + ([where] if where else []) + ([f"as of {as_of}"] if as_of is not None else [])
    name = " ".join(parts) + (f" · {model}" if model else "")
    return name[:250]


def describe_forecast(table: pd.DataFrame, params: Mapping[str, Any]) -> str:
    """A forecast run's name: ``forecast 全国 h=3 · drift`` (``as of 2020`` when history was cut)."""
    parts = ["forecast", _where(table)]
    if params.get("horizon") is not None:
        parts.append(f"h={params['horizon']}")
    as_of = params["as_of_given"] if "as_of_given" in params else params.get("as_of")
    if as_of not in (None, "", EMPTY):
        parts.append(f"as of {as_of}")
    model = params.get("model")
    return (" ".join(p for p in parts if p) + (f" · {model}" if model else ""))[:250]


def describe_backtest(result, params: Mapping[str, Any]) -> str:
    """A backtest run's name: ``backtest 全国 h=2 ×3 origins · ensemble, theta, drift``."""
    parts = ["backtest", _where(getattr(result, "details", None))]
    if params.get("horizon") is not None:
        parts.append(f"h={params['horizon']}")
    origins = tuple(getattr(result, "origins", ()) or ())
    if origins:
        parts.append(f"×{len(origins)} origins")
    models = ", ".join(str(m) for m in result.summary["model"]) if "model" in result.summary else ""
    return (" ".join(p for p in parts if p) + (f" · {models}" if models else ""))[:250]


#: periods a run name lists one by one (``2019H2, 2022``: the periods scored need not follow each other); more are
#: named by the first and the last (``2017Q1–2022``), as ``risk allocate`` names a plan on a scores file
MAX_NAMED_PERIODS = 4


def _period_span(periods: Any) -> str:
    """The periods a run's data holds, as ``risk allocate --scores`` names its run: up to
    :data:`MAX_NAMED_PERIODS` listed (``2019H2, 2022``), more as ``first–last``; ``""`` when unknown (none
    listed, or ``all``)."""
    if isinstance(periods, str):
        periods = [p.strip() for p in periods.split(",") if p.strip()]
    if not isinstance(periods, (list, tuple)) or not periods or list(periods) == ["all"]:
        return ""
    periods = [str(p) for p in periods]
    return ", ".join(periods) if len(periods) <= MAX_NAMED_PERIODS else f"{periods[0]}–{periods[-1]}"


def describe_result(command: str, params: Mapping[str, Any]) -> str:
    """A run name from a command's parameters: ``risk score 全国 by category as of 2023H1 ·
    half-life none`` (each part only when the parameter is there; without ``as_of``, all the data
    scored, its ``periods``: ``risk score 全国 by category periods 2019H2, 2022``, as ``risk allocate``
    names a plan on those scores)."""
    parts = [command]
    if params.get("region"):
        parts.append(str(params["region"]))
    by = params.get("by")
    if by:
        parts.append("by " + (", ".join(map(str, by)) if isinstance(by, (list, tuple)) else str(by)))
    if params.get("as_of") not in (None, "", "none"):
        parts.append(f"as of {params['as_of']}")
    elif command == "risk score" and _period_span(params.get("periods")):
        parts.append(f"periods {_period_span(params.get('periods'))}")
    name = " ".join(parts)
    split, plan = _evaluation_split(params) if command == "risk evaluate" else ([], [])
    name += "".join(f" · {s}" for s in split)  # train ≤2019H2 · test 2022: what was evaluated on what
    if "half_life" in params:
        hl = params["half_life"]
        hl = "none" if hl is None else format(hl, "g") if isinstance(hl, (int, float)) else str(hl)
        name += f" · half-life {hl}"
    name += "".join(f" · {s}" for s in plan)  # the plan judged: budget, settings away from their defaults
    return name[:250]


#: the plan settings of ``risk evaluate`` (groups) and their defaults, as ``risk allocate`` and ``mstarget.risk.evaluate``
#: take them: a setting given away from its default is named in the run's name (``· risk_share 0.5``)
EVALUATE_PLAN_DEFAULTS = (("risk_share", 0.75), ("max_share", 0.3), ("min_share", 0.0), ("min_per_group", 0),
                          ("max_per_group", None))


def _evaluate_setting(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


def _evaluation_split(params: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """What tells two ``risk evaluate`` runs on groups apart in their names: ``(split, plan)``, the training cut-off
    and the test period (``train ≤2019H2``, ``test 2022``), and the plan judged -- ``budget 20,000`` and the plan
    settings given away from their defaults (``risk_share 0.5``, ``max_share none``, :data:`EVALUATE_PLAN_DEFAULTS`),
    as a ``risk allocate`` run is named. Both empty for an evaluation on records."""
    if params.get("mode") != "groups":
        return [], []
    periods = params.get("periods") if isinstance(params.get("periods"), Mapping) else {}
    train = params.get("train_until")
    test = periods.get("test") or params.get("test_period")
    split = [f"train ≤{train}" if train not in (None, "", EMPTY) else "",
             f"test {test}" if test not in (None, "", EMPTY) else ""]
    split = [s for s in split if s]
    budget = params.get("budget")
    plan = []
    if budget not in (None, "", EMPTY):
        plan.append(f"budget {int(budget):,}" if isinstance(budget, (int, float)) else f"budget {budget}")
    for key, default in EVALUATE_PLAN_DEFAULTS:
        if key not in params:
            continue
        value = params[key]
        same = value == default if value is None or default is None else \
            isinstance(value, (int, float)) and float(value) == float(default)
        if not same:
            plan.append(f"{key} {_evaluate_setting(value)}")
    return split, plan


#: ``overview=`` value of :func:`log_assessment` / :func:`record_assessment`: draw the overview
#: chart of the table where the run is logged (a CLI's tracking process draws it on the other core
#: while the command draws the fan chart)
DRAW_OVERVIEW = "draw the overview chart of the table here"
#: pages of the region matrix a tracked run logs at most (a bigger table: none; its report has them all)
MATRIX_PAGES_LOGGED = 4


def record_assessment(run: Run, table: pd.DataFrame, figure=None, files: Sequence[str | Path] = (),
                      overview=None) -> None:
    """Log an ``assess`` result into an open run: summary and per-target metrics (first
    :data:`MAX_TARGET_METRICS` rows), per-region aggregates of a table of several regions
    (:func:`region_metrics`, at most :data:`MAX_REGION_METRICS`), the full table ``assessment.csv``,
    ``per_target_metrics.csv``, ``fan_chart.png`` (a capped grid: binding targets plus the most
    at risk), ``overview_chart.png`` (every target in one chart; ``overview=DRAW_OVERVIEW``: drawn
    here from ``table``), ``region_matrix.png`` (a table of several regions; further pages as
    ``region_matrix_2.png`` ..., at most :data:`MATRIX_PAGES_LOGGED`) and any report ``files`` (under ``report/``). Whatever the number of rows,
    only the table grows: the cost is bounded."""
    per_target = target_metrics(table)
    per_region, n_regions = region_metrics(table)
    run.log_metrics({**assessment_metrics(table), **per_target, **per_region})
    run.log_table(table, "assessment.csv")
    run.log_table(target_metric_keys(table), "per_target_metrics.csv")
    run.set_tags({"mstarget.per_target_rows": min(len(table), MAX_TARGET_METRICS),
                  "mstarget.per_target_truncated": len(table) > MAX_TARGET_METRICS})
    if n_regions:
        run.set_tags({"mstarget.per_region_regions": n_regions,
                      "mstarget.per_region_truncated": table["region"].nunique() > n_regions})
    if isinstance(overview, str) and overview == DRAW_OVERVIEW:
        _log_overview(run, table)  # before waiting for the fan chart, which may still be drawn
    elif overview is not None:
        run.log_figure(overview, "overview_chart.png")
    _log_region_matrix(run, table)
    if figure is not None:
        run.log_figure(figure, "fan_chart.png")
    for path in files:
        run.log_file(path, "report")


def _log_region_matrix(run: Run, table: pd.DataFrame) -> None:
    """``region_matrix.png`` (indicators by regions, :func:`~mstarget.report.charts.region_matrix_chart`)
    for a table of several regions, and ``region_matrix_2.png`` ... for its further pages (the report's pages,
    :func:`~mstarget.report.charts.region_matrix_pages`), when a coarse count of ``MATRIX_REGIONS`` regions by
    ``MATRIX_INDICATORS`` indicators a page is at most ``MATRIX_PAGES_LOGGED``: a larger table's matrix is in its
    report."""
    if "region" not in table or table["region"].nunique() < 2:
        return
    key = "name" if "name" in table else "indicator"
    if matrix_pages(table["region"].nunique(), table[key].nunique()) > MATRIX_PAGES_LOGGED:
        return
    report = build_report(table)
    for page in range(1, region_matrix_pages(report) + 1):
        figure = region_matrix_chart(report, page)
        if figure is None:
            continue
        try:
            run.log_figure(figure, "region_matrix.png" if page == 1 else f"region_matrix_{page}.png")
        finally:
            pyplot().close(figure)


def _log_overview(run: Run, table: pd.DataFrame) -> None:
    figure = overview_chart(table)
    try:
        run.log_figure(figure, "overview_chart.png")
    finally:
        pyplot().close(figure)


def record_forecast(run: Run, table: pd.DataFrame, figure=None, *,
                    forecaster: Mapping[str, Any] | None = None,
                    register_name: str | None = None) -> str | None:
    """Log a ``forecast`` result into an open run: metrics, ``forecast.csv``, optional chart.

    ``forecaster`` (keys ``model, horizon, levels, seed, n_paths, as_of``) also logs the forecaster
    as a pyfunc model (registered as ``register_name`` if given); its model URI is returned.
    """
    run.log_metrics(forecast_metrics(table))
    run.log_table(table, "forecast.csv")
    if figure is not None:
        run.log_figure(figure, "forecast_chart.png")
    if forecaster is None:
        return None
    return log_forecaster(run=run, register_name=register_name, **dict(forecaster))


def _handle(exc: Exception, on_error: str, settings: TrackingSettings | None) -> None:
    """A call that could not be tracked: whatever the failure, the result is kept (issue 14); a
    :class:`TrackingError` naming the store -- or, for an exception that is not the store's (a bug of
    mstarget, e.g. drawing a chart), a :class:`TrackingInternalError` saying so -- is raised or
    (``on_error="warn"``) warned."""
    exc = tracking_failure(_store_of(settings), exc)  # the store's failure, or a bug of mstarget said as one
    if on_error == "warn":
        warnings.warn(f"the result was not tracked: {exc}", TrackingWarning, stacklevel=3)
        return
    raise exc


def _run_params(command: str, params: Mapping[str, Any], inputs, frame: pd.DataFrame | None = None) -> dict:
    """The run's parameters: ``command``, package versions, ``params``, then what is missing of
    ``data_fingerprint`` (over ``inputs``) and ``region`` (from ``frame``, :func:`region_params`)."""
    out = {"command": command, **package_versions(), **dict(params)}
    if inputs is not None and "data_fingerprint" not in out:
        frames = [i.frame for i in inputs_of(inputs).values()] if isinstance(inputs, Mapping) else list(inputs)
        out["data_fingerprint"] = data_fingerprint(*frames)
    region, _ = region_params(frame)
    if region is not None and out.get("region") in (None, "", EMPTY):
        out["region"] = region
    return out


#: MLflow's limit on a tag's value (characters); the ``mstarget.regions`` tag is cut to it
MAX_TAG_CHARS = 8000


def regions_of(frame: pd.DataFrame | None) -> list[str]:
    """The regions of a result table (``region`` column), in order of appearance."""
    if frame is None or not isinstance(frame, pd.DataFrame) or "region" not in frame:
        return []
    return [str(r) for r in pd.unique(frame["region"].dropna()) if str(r).strip()]


def region_params(frame: pd.DataFrame | None) -> tuple[str | None, dict[str, str]]:
    """``(region param, tags)`` of a result: the one region by name or ``N regions``, and the tag
    ``mstarget.regions`` naming every region (comma-separated, cut to MLflow's limit with the
    count said); ``(None, {})`` for a table without regions."""
    regions = regions_of(frame)
    if not regions:
        return None, {}
    param = regions[0] if len(regions) == 1 else f"{len(regions)} regions"
    text = ",".join(regions)
    if len(text) > MAX_TAG_CHARS:
        tail = f",... ({len(regions)} regions in all)"
        text = text[:MAX_TAG_CHARS - len(tail)].rsplit(",", 1)[0] + tail
    return param, {"mstarget.regions": text}


def _frame_schema(frame: pd.DataFrame):
    """The MLflow schema of a table from its columns' types (``required``: no blank in the column):
    what ``mlflow.data.from_pandas`` infers, without looking at every value."""
    from mlflow.types import ColSpec, DataType, Schema  # lazy: mlflow

    api = pd.api.types
    cols = []
    for name in frame.columns:
        column = frame[name]
        kind = (DataType.boolean if api.is_bool_dtype(column) else DataType.long if api.is_integer_dtype(column)
                else DataType.double if api.is_float_dtype(column)
                else DataType.datetime if api.is_datetime64_any_dtype(column) else DataType.string)
        cols.append(ColSpec(kind, str(name), required=not bool(column.isna().any())))
    return Schema(cols)


def dataset_digest(item) -> str:
    """The MLflow digest of an input table: mstarget's hash of its whole content (every row and
    column, text with blanks too: :func:`~mstarget.tracking.store.data_fingerprint`, 16 hex digits),
    then ``-`` and 8 hex digits of where it was read from (its absolute path, or ``DataFrame``).

    MLflow keeps one dataset per experiment, name and digest and shows its first source for every
    later run: the source in the digest makes each run list the file it actually read, and two runs
    on the same data (the first 16 digits equal) are told from runs on other data."""
    where = item.source if item.source else "DataFrame"
    return f"{data_fingerprint(item.frame)}-{hashlib.sha1(where.encode('utf-8')).hexdigest()[:8]}"


#: times :func:`log_inputs` tries again when another run logged the same new dataset at the same moment
DATASET_RACE_RETRIES = 3


def _dataset_race(exc: BaseException) -> bool:
    """Whether ``exc`` is the store refusing a dataset another run has just created (SQLite:
    ``UNIQUE constraint failed: datasets...``; other databases: a duplicate key of ``datasets``)."""
    text = " ".join(str(e) for e in (exc, exc.__cause__, exc.__context__) if e is not None).lower()
    return "datasets" in text and ("unique" in text or "duplicate" in text or "integrity" in text)


def log_inputs(run: Run, inputs) -> None:
    """The input tables of a run (``{role: Input}``) as MLflow dataset inputs, each named for its
    role (``plan``, ``history``, ``reference``, ``samples``) with its source -- the absolute path
    it was read from, ``DataFrame`` for a table passed in memory -- and :func:`dataset_digest`
    (the whole content and the source): the run page lists them under Datasets. A table MLflow
    cannot describe is left out. Datasets are best effort: when the store refuses them because
    another run logged the same new dataset at the same moment, they are tried again and at worst
    left out with a :class:`TrackingWarning` -- the run goes on; a failing store raises TrackingError."""
    named = inputs_of(inputs)
    if not named:
        return
    datasets = []
    try:
        from mlflow.data.code_dataset_source import CodeDatasetSource  # lazy: mlflow
        from mlflow.data.pandas_dataset import from_pandas  # lazy: mlflow
        from mlflow.entities import DatasetInput, InputTag  # lazy: mlflow
        from mlflow.utils.mlflow_tags import MLFLOW_DATASET_CONTEXT  # lazy: mlflow
    except ImportError:
        return
    with warnings.catch_warnings(), _quiet("mlflow.data", "mlflow.types", "mlflow.models"):
        warnings.simplefilter("ignore")  # "source can be interpreted in multiple ways", integer-column hints
        for role, item in named.items():
            try:
                source = item.source if item.source else CodeDatasetSource(tags={"mstarget.source": "DataFrame"})
                # MLflow's own pandas digest reads only the first 10,000 rows and skips text
                # columns with blanks: two different tables could share it
                dataset = from_pandas(item.frame, source=source, name=role, digest=dataset_digest(item))
                # MLflow infers the schema value by value (pandas' str columns: ~1.5 s for 200,000
                # rows); the columns' types are known: the schema is said from them (milliseconds)
                dataset.__dict__["schema"] = _frame_schema(item.frame)
                entity = dataset._to_mlflow_entity()
            except Exception:  # a table MLflow cannot describe: the run goes on without it
                continue
            datasets.append(DatasetInput(dataset=entity, tags=[InputTag(key=MLFLOW_DATASET_CONTEXT, value=role)]))
    if not datasets:
        return
    for attempt in range(DATASET_RACE_RETRIES + 1):
        try:
            run._call(run.client.log_inputs, run.run_id, datasets=datasets)
            return
        except TrackingError as exc:
            if not _dataset_race(exc):
                raise
            if attempt == DATASET_RACE_RETRIES:
                warnings.warn(f"the input tables ({', '.join(named)}) were not logged as datasets of run "
                              f"{run.run_id}: other runs were logging the same tables at the same moment "
                              f"({exc}); the run and its results are complete", TrackingWarning, stacklevel=2)
                return
            time.sleep(0.05 * (attempt + 1))  # the other run's dataset exists now: logging it again reuses it


def log_assessment(table: pd.DataFrame, params: dict, settings: TrackingSettings | None = None,
                   figure=None, *, inputs: Mapping[str, Any] | Sequence[pd.DataFrame] | None = None,
                   on_error: str = "raise", run_name: str | None = None, command: str = "assess",
                   files: Sequence[str | Path] = (), overview=None) -> str | None:
    """Log one ``assess`` run; returns its run id (``None`` when tracking is disabled).

    ``params``: what :func:`mstarget.tracking.params.assessment_params` builds (the same for the
    CLI and the API); package versions, ``region`` (from the table) and, when missing,
    ``data_fingerprint`` (over ``inputs``) are added. ``inputs``: ``{role: Input}`` -- logged as
    MLflow dataset inputs -- or bare tables (the fingerprint only). Inside an open
    :func:`start_run` block -- or, with none, the caller's ``mlflow.start_run()`` block -- the run
    is a child of it. ``on_error="warn"`` turns a
    :class:`TrackingError` into a warning (for API callers, so the result is never lost).
    ``run_name`` defaults to :func:`describe_run` (``assess 鼎湖区 as of 2023 · auto``);
    ``command`` (tag ``mstarget.command``) is ``report`` for ``mstarget report``, whose report
    ``files`` are attached under ``report/``. ``figure`` is logged as ``fan_chart.png``,
    ``overview`` as ``overview_chart.png``.
    """
    name = run_name or describe_run(command, table, params)

    def record(run: Run) -> None:
        run.set_tags(evaluation_tags(table, params.get("as_of")))
        record_assessment(run, table, figure, files, overview)

    return _log_one(name, command, params, settings, inputs, on_error, record, table)


def evaluation_tags(table: pd.DataFrame, as_of: Any) -> dict[str, str]:
    """What the assessment is, as its report's title says it, for the MLflow search box: ``mstarget.evaluation``
    ``midterm`` / ``final`` / ``annual`` / ``baseline`` (:func:`mstarget.report.model.evaluation_kind`, from the
    share of the plan period elapsed at ``as_of``, the year the run was judged at) and ``mstarget.evaluation_zh``
    (中期评估 / 总结评估 / 2024年度监测 / 基期（2025年）情况) -- ``tags.mstarget.evaluation = 'midterm' and
    params.as_of = '2023'`` finds the mid-term run of 2023; ``{}`` when the plan period or ``as_of`` is unknown."""
    try:
        year = None if as_of in (None, "", EMPTY) else int(as_of)
    except (TypeError, ValueError):
        return {}
    kind = evaluation_kind(table, year) if year is not None else ""
    if not kind:
        return {}
    start = plan_period(table)[0]
    return {"mstarget.evaluation": kind, "mstarget.evaluation_zh": evaluation_name(kind, year, "zh", start)}


def log_forecast(table: pd.DataFrame, params: dict, settings: TrackingSettings | None = None,
                 figure=None, *, inputs: Mapping[str, Any] | Sequence[pd.DataFrame] | None = None,
                 log_model: bool = True,
                 register_name: str | None = None, on_error: str = "raise",
                 run_name: str | None = None, return_model_uri: bool = False):
    """Log one ``forecast`` run; returns its run id (``None`` when tracking is disabled).

    Like :func:`log_assessment`. With ``log_model`` (default) and ``params`` naming ``model``
    and ``horizon``, the forecaster is logged as a pyfunc model ``forecaster`` in the run
    (``levels, seed, n_paths, as_of`` taken from ``params`` when present). With
    ``return_model_uri``, returns ``(run id, model URI)`` (``None`` for what was not logged).
    ``run_name`` defaults to :func:`describe_forecast` (``forecast 全国 h=3 · drift``). A ``register_name``
    MLflow would refuse (:func:`~mstarget.tracking.forecaster.register_name_problem`: ``a/b``, ``x:1``) is said
    before the run starts -- a :class:`TrackingError` naming it (``on_error="warn"``: a warning) and no run, not
    a FAILED run half logged whose error blames the store.
    """
    problem = register_name_problem(register_name)
    if problem is not None and (active_run() is not None or (settings or TrackingSettings.from_env()).enabled):
        _handle(TrackingError(f"{problem}. The results were kept; the MLflow run was not logged."), on_error, settings)
        return (None, None) if return_model_uri else None
    forecaster = None
    if log_model and "horizon" in params:
        forecaster = {k: params[k] for k in ("model", "horizon", "levels", "seed", "n_paths")
                      if k in params and params[k] is not None}
        # the year the history was cut at, as asked (as_of_given; as_of is the year the data reached)
        as_of = params["as_of_given"] if "as_of_given" in params else params.get("as_of")
        if as_of not in (None, "", EMPTY):
            forecaster["as_of"] = int(as_of)
    model_uri: list[str | None] = [None]

    def record(run: Run) -> None:
        model_uri[0] = record_forecast(run, table, figure, forecaster=forecaster, register_name=register_name)

    run_id = _log_one(run_name or describe_forecast(table, params), "forecast", params, settings,
                      inputs, on_error, record, table)
    return (run_id, model_uri[0]) if return_model_uri else run_id




def backtest_metrics(summary: pd.DataFrame) -> dict[str, float]:
    """``<model>.<column>`` for every number of a backtest summary (``drift.smape``,
    ``theta.coverage_80``, ...): the parent run holds every model's scores side by side."""
    out: dict[str, float] = {}
    for _, row in summary.iterrows():
        for col in summary.columns:
            if col == "model":
                continue
            value = pd.to_numeric(pd.Series([row[col]]), errors="coerce").iloc[0]
            if pd.notna(value):
                out[f"{row['model']}.{col}"] = float(value)
    return out


def best_model(summary: pd.DataFrame) -> tuple[str, str] | None:
    """``(model, column)``: the model :meth:`mstarget.backtest.BacktestResult.best_model` names
    (:func:`mstarget.backtest.choose_best`: the lowest value of the first column of
    :data:`BEST_MODEL_BY` that scores every model, never a model whose forecasts were mostly a
    fallback model's, a tie broken by the next columns and the lower ``share_fallback``); ``None``
    when no model qualifies."""
    best = choose_best(summary)
    return (best.model, best.by) if best.model is not None else None


def log_backtest(result, params: dict, settings: TrackingSettings | None = None, *,
                 inputs: Mapping[str, Any] | Sequence[pd.DataFrame] | None = None, figure=None,
                 on_error: str = "raise") -> str | None:
    """Log a backtest as one parent run with one child run per model (same metric names).

    The parent (named by :func:`describe_backtest`: ``backtest 全国 h=2 ×3 origins · drift, theta``)
    holds every model's scores as ``<model>.<metric>`` metrics (``<model>.share_fallback``: the share of
    its forecasts a fallback model made), the param and tag ``best_model``
    (:func:`best_model`: lowest of :data:`BEST_MODEL_BY`, never a model whose forecasts were mostly a
    fallback's; ``best_model_by`` names the column; ``best_model_tied_with`` the models with the very
    same scores, ``best_model_passed_over`` those left out for their fallbacks; ``best_model`` is
    ``none`` when no model qualifies), ``backtest_summary.csv``, ``backtest_warnings.csv`` (the
    warnings of the past origins' forecasts, when any), ``coverage_by_horizon.csv`` (and ``attainment_calls.csv`` /
    ``reliability.csv`` when a plan was scored) and the calibration chart ``backtest_chart.png``
    when a ``figure`` is given; each child (``backtest:<model> h=<horizon>``) carries the parent's
    params (horizon, origins, history, data fingerprint, ...) plus its ``model``, its model's
    metrics and ``backtest_details.csv``, so the MLflow UI's compare view lines the models up.
    Returns the parent run id.
    """
    summary, details = result.summary, result.details
    calls = getattr(result, "calls", None)
    run_params = _run_params("backtest", params, inputs, details)
    _, region_tags = region_params(details)
    chosen = choose_best(summary)
    best = (chosen.model, chosen.by) if chosen.model is not None else None
    if best is not None:
        run_params.update(best_model=best[0], best_model_by=best[1])
    elif chosen.passed_over:  # every model mostly fallbacks: said, not left blank
        run_params.update(best_model=EMPTY)
    if chosen.tied:
        run_params.update(best_model_tied_with=", ".join(chosen.tied))
    if chosen.passed_over:
        run_params.update(best_model_passed_over=", ".join(f"{m} ({v:.0%} fallback)"
                                                           for m, v in chosen.passed_over.items()))
    horizon = f" h={params['horizon']}" if params.get("horizon") is not None else ""
    try:
        with start_run(describe_backtest(result, params), settings, params=run_params,
                       tags={"mstarget.command": "backtest", **region_tags,
                             **({"mstarget.best_model": run_params["best_model"]} if "best_model" in run_params else {})},
                       nested=_nest()) as parent:
            if parent is None:
                return None
            log_inputs(parent, inputs)
            parent.log_metrics(backtest_metrics(summary))
            parent.log_table(summary, "backtest_summary.csv")
            kept = getattr(result, "warnings", None)
            if kept is not None and len(kept):
                parent.log_table(kept, "backtest_warnings.csv")
            parent.log_table(result.coverage_by_horizon(), "coverage_by_horizon.csv")
            if calls is not None and len(calls):
                parent.log_table(calls, "attainment_calls.csv")
                parent.log_table(result.reliability(), "reliability.csv")
            if figure is not None:
                parent.log_figure(figure, "backtest_chart.png")
            shared = {k: v for k, v in run_params.items()
                      if k not in ("models", "best_model", "best_model_by", "best_model_tied_with",
                                   "best_model_passed_over", "command")}
            for _, row in summary.iterrows():
                label = str(row["model"])
                with start_run(f"backtest:{label}{horizon}", settings,
                               params={**shared, "command": "backtest", "model": label},
                               tags={"mstarget.command": "backtest", **region_tags}, nested=True) as child:
                    child.log_metrics({k: row[k] for k in summary.columns if k != "model"})
                    child.log_table(details[details["model"] == label], "backtest_details.csv")
            return parent.run_id
    except Exception as exc:  # whatever the failure, the result is kept (issue 14)
        _handle(exc, on_error, settings)
        return None


def log_result(command: str, table: pd.DataFrame, params: dict,
               settings: TrackingSettings | None = None, *, metrics: Mapping[str, float] | None = None,
               figure=None, artifact: str = "result.csv",
               inputs: Mapping[str, Any] | Sequence[pd.DataFrame] | None = None,
               files: Sequence[str | Path] = (), on_error: str = "raise",
               tables: Mapping[str, pd.DataFrame] | None = None, run_name: str | None = None) -> str | None:
    """Log any other tracked call (e.g. ``risk score``) as one run: params, metrics, one table
    (``artifact``) and any further ``tables`` (artifact name -> table), an optional chart (named
    like ``artifact``, ``.png``) and any ``files`` already written (e.g. a report). ``run_name``
    defaults to :func:`describe_result` (``risk score 全国 by category as of 2023H1 · half-life
    none``)."""
    def record(run: Run) -> None:
        if metrics:
            run.log_metrics(metrics)
        run.log_table(table, artifact)
        for name, extra in (tables or {}).items():
            run.log_table(extra, name)
        if figure is not None:
            run.log_figure(figure, artifact.rsplit(".", 1)[0] + ".png")
        for path in files:
            run.log_file(path)

    return _log_one(run_name or describe_result(command, params), command, params, settings, inputs,
                    on_error, record, table)


def _log_one(run_name: str, command: str, params: Mapping[str, Any], settings: TrackingSettings | None,
             inputs, on_error: str, record, frame: pd.DataFrame | None = None) -> str | None:
    """One run (a child run inside an open one) whose content ``record(run)`` logs; its id or None.
    ``inputs``: the input tables (``{role: Input}``, logged as dataset inputs, or bare tables for
    the fingerprint only); ``frame``: the result, whose regions give ``region`` and its tag."""
    try:
        nested = _nest()
        _, region_tags = region_params(frame)
        if not region_tags and params.get("region") not in (None, "", EMPTY):  # a table without regions
            region_tags = {"mstarget.regions": str(params["region"])[:MAX_TAG_CHARS]}
        with start_run(run_name, settings, params=_run_params(command, params, inputs, frame),
                       tags={"mstarget.command": command, **region_tags}, nested=nested) as run:
            if run is None:
                return None
            log_inputs(run, inputs)
            record(run)
            return run.run_id
    except Exception as exc:  # whatever the failure, the result is kept (issue 14)
        _handle(exc, on_error, settings)
        return None


def _nest() -> bool:
    """Whether a ``log_*`` call's run is a child: of the innermost open :func:`start_run` run, or
    -- with none open -- of the caller's active ``mlflow.start_run()`` run (:func:`start_run`
    finds it; a run of another store is not a parent)."""
    if _RUN_STACK.get():
        return active_run() is not None
    mlflow = sys.modules.get("mlflow")
    try:
        return mlflow is not None and mlflow.active_run() is not None
    except Exception:
        return False


def _store_of(settings: TrackingSettings | None) -> str:
    run = active_run()
    if run is not None:
        return run.uri
    try:
        return (settings or TrackingSettings.from_env()).store_uri()
    except Exception:
        return "?"


