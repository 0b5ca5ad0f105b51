"""Rolling-origin evaluation: ``mt.backtest(history, model="auto", horizon=2)``.

For each origin (a cut-off year ``T``), every series is forecast from its history up to ``T``
(all series together, as :func:`mstarget.forecast` does) and compared with what was observed in
``T+1 .. T+horizon`` -- for a series last observed before ``T`` (a gap in its years), ``h`` counts from its last
observed year, and a series with no observation since the previous origin is not scored again there (its forecast
is the same as at that origin: scored once, not once per origin). Metrics (see :mod:`mstarget.metrics`): sMAPE,
MASE, coverage of the 80 % and 95 % intervals, MSIS of the 95 % interval (scaled like MASE), CRPS (raw and scaled).

With a ``plan``, attainment calls are scored too: for each origin before a target year whose
outcome is in the history, :func:`mstarget.assess.assess` gives ``p_meet`` as of the origin, and
the realised outcome (level / cumulative: the value in the target year; increment: the sum of
yearly flows after the baseline year) says whether the target was met (:mod:`mstarget.outcomes`).
Brier score and accuracy (``p_meet >= 0.5`` called as "met") are reported per model.

The warnings of the forecasts from past origins (short series, fallbacks ...) are kept on the
result (``BacktestResult.warnings``), one row per distinct warning, model and origin, instead of
repeating on the screen.
"""
from __future__ import annotations

import functools
import os
import warnings
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

from . import metrics as M
from .calibration import is_steady, required_stretch
from .engine import Engine
from .arguments import YEAR_MAX, YEAR_MIN, check_horizon, check_seed, check_table
from .consistency import sheet_of
from .exceptions import DataValidationError, MstargetWarning, ParameterError, UnknownModelError, kept_warnings
from .forecast import DEFAULT_PATHS, FALLBACK_PREFIX, run_forecast
from .history import read_history
from .models import resolve
from .plan import read_plan
from .outcomes import attainment_calls, plan_for_calls, realised_outcome
from .pace_check import expected_calibration_error
from .progress import Progress
from .quantiles import sorted_mean
from .reliability import RELIABILITY_COLUMNS, coverage_by_horizon, reliability_table
from .reliability_charts import backtest_chart

#: a name of mstarget.outcomes this module re-exports (``from mstarget.backtest import realised_outcome``)
_REEXPORTED = (realised_outcome,)

DETAIL_COLUMNS = ["model", "region", "indicator", "origin", "h", "year", "n_train", "steady", "actual",
                  "mean", "median", "lo_80", "hi_80", "lo_95", "hi_95", "scale", "smape", "mase", "in_80",
                  "in_95", "msis", "crps", "crps_scaled", "r_80", "r_95", "chosen"]
#: ``brier_base``: the Brier score of a constant (the share of the calls met); ``ece``: the calls'
#: expected calibration error, 10 equal ``p_meet`` bins, as ``mstarget calibrate``'s check computes it
#: attainment calls below which ``brier_base`` and ``ece`` are not given (NaN): a constant fitted to one call
#: has Brier 0, and ten bins of three calls say nothing (``brier_base`` is not given either when every call had
#: the same outcome: the constant fitted to them knew it)
MIN_CALLS_BASE = 10
#: ``share_fallback``: the share of a model's forecasts made by a fallback model (``chosen`` reads
#: ``fallback:<model>``: the series too short for it, or its fit failed) -- its scores are then partly
#: those of another model
SUMMARY_COLUMNS = ["model", "n_series", "n_forecasts", "share_fallback", "smape", "mase", "coverage_80", "coverage_95",
                   "msis", "crps_scaled", "brier", "brier_base", "ece", "accuracy", "n_calls"]
WARNING_COLUMNS = ["model", "origin", "category", "message"]
#: the summary columns that pick the best model (lowest wins), in order of preference: the scaled CRPS
#: scores the whole predictive distribution, MASE and sMAPE only its centre; a tie on the first is
#: broken by the next ones, then by the lower ``share_fallback``
BEST_MODEL_BY = ("crps_scaled", "mase", "smape")
#: the longest ``horizon`` (years ahead from an origin) and the most ``origins`` (as a count) a backtest takes
MAX_HORIZON, MAX_ORIGINS = 20, 50
#: a model whose ``share_fallback`` is above this (more than half of its forecasts made by another
#: model) is never the best model: its scores are mostly another model's
MAX_SHARE_FALLBACK = 0.5


@dataclass(frozen=True)
class BestModel:
    """How :func:`choose_best` picked the best model of a backtest summary: ``model`` (``None`` when
    no model qualifies), ``by`` (the column compared), ``tied`` (other models with the very same
    scores on every column of :data:`BEST_MODEL_BY` and the same ``share_fallback``: the first
    listed is named, the tie is said), ``passed_over`` (``{model: share_fallback}`` of the models
    left out because most of their forecasts were a fallback's)."""

    model: str | None
    by: str | None
    tied: tuple = ()
    passed_over: dict = field(default_factory=dict)

    def words(self) -> str:
        """One line: ``best by crps_scaled: drift (tied with naive: the first listed is named; arima (100%
        fallback) passed over: most of its forecasts were a fallback model's)``."""
        notes = []
        if self.tied:
            notes.append(f"tied with {', '.join(self.tied)}: the first listed is named")
        if self.passed_over:
            notes.append(", ".join(f"{m} ({share:.0%} fallback)" for m, share in self.passed_over.items())
                         + f" passed over: most of {'its' if len(self.passed_over) == 1 else 'their'} forecasts were "
                         "a fallback model's")
        note = f" ({'; '.join(notes)})" if notes else ""
        if self.model is None:
            return "no best model" + note
        return f"best by {self.by}: {self.model}{note}"


def choose_best(summary: pd.DataFrame) -> BestModel:
    """The best model of a backtest summary: among the models with forecasts scored, whose
    ``share_fallback`` is at most :data:`MAX_SHARE_FALLBACK`, the lowest value of the first column
    of :data:`BEST_MODEL_BY` that scores every one of them; equal values (to 1e-9 relative) are
    told apart by the next columns, then by the lower ``share_fallback``; models still equal are
    ``tied`` (the first listed is named). Used by :meth:`BacktestResult.best_model`, the CLI's
    printout and the tracked run's ``best_model`` alike."""
    if "model" not in summary or not len(summary):
        return BestModel(None, None)
    s = summary.reset_index(drop=True)
    n = pd.to_numeric(s["n_forecasts"], errors="coerce") if "n_forecasts" in s else pd.Series(1.0, index=s.index)
    share = (pd.to_numeric(s["share_fallback"], errors="coerce").fillna(0.0) if "share_fallback" in s
             else pd.Series(0.0, index=s.index))
    mostly = (share > MAX_SHARE_FALLBACK) & (n > 0)
    passed_over = {str(s.at[i, "model"]): float(share[i]) for i in s.index[mostly]}
    cand = s.index[~mostly & ~(n <= 0)]
    cols = [c for c in BEST_MODEL_BY if c in s]
    by = next((c for c in cols if len(cand) and pd.to_numeric(s.loc[cand, c], errors="coerce").notna().all()), None)
    if by is None:
        return BestModel(None, None, (), passed_over)
    keys = [c for c in cols[cols.index(by):]]
    left = list(cand)
    for c in keys:
        v = pd.to_numeric(s.loc[left, c], errors="coerce")
        if v.isna().any():
            break
        low = v.min()
        left = [i for i in left if np.isclose(v[i], low, rtol=1e-9, atol=0.0)]
    low = share[left].min()
    left = [i for i in left if share[i] <= low]
    names = [str(s.at[i, "model"]) for i in left]
    return BestModel(names[0], by, tuple(names[1:]), passed_over)


@dataclass(frozen=True)
class BacktestResult:
    """``summary``: one row per model (``SUMMARY_COLUMNS``); ``details``: one row per model,
    series, origin and horizon (``DETAIL_COLUMNS``); ``calls``: attainment calls (or empty);
    ``warnings``: the mstarget warnings of the forecasts and calls from past origins
    (``WARNING_COLUMNS``: model, origin, warning class, message; one row per distinct warning);
    ``origins``: the cut-off years.

    ``coverage_by_horizon()`` and ``reliability()`` say whether intervals and ``p_meet`` were
    honest; ``plot()`` draws both."""

    summary: pd.DataFrame
    details: pd.DataFrame
    calls: pd.DataFrame
    warnings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WARNING_COLUMNS))
    origins: tuple = ()

    def to_frame(self) -> pd.DataFrame:
        return self.summary

    def __repr__(self) -> str:
        s = self.summary
        models = [str(m) for m in s["model"]] if "model" in s else []
        n_series = int(s["n_series"].max()) if "n_series" in s and len(s) and s["n_series"].notna().any() else 0
        origins = ", ".join(str(o) for o in self.origins) or "none"
        calls = 0 if self.calls is None else len(self.calls)
        lines = [f"BacktestResult: {len(models)} model(s) ({', '.join(models) or 'none'}), {n_series} series, "
                 f"origins {origins}, {len(self.details)} forecasts scored"
                 + (f", {calls} attainment calls" if calls else "")]
        best = choose_best(s)
        if best.model is not None and best.by is not None:
            r = s[s["model"] == best.model].iloc[0]
            lines.append(f"  best by {best.by}: {best.model} ({best.by} {r[best.by]:.3g}, coverage_80 "
                         f"{r['coverage_80']:.2f}, coverage_95 {r['coverage_95']:.2f})"
                         + (f"; tied with {', '.join(best.tied)}" if best.tied else "")
                         + (f"; passed over (mostly fallbacks): {', '.join(best.passed_over)}"
                            if best.passed_over else ""))
        elif best.passed_over:
            lines.append(f"  {best.words()}")
        if len(self.warnings):
            lines.append(f"  {len(self.warnings)} warning(s) from past origins: .warnings")
        lines.append("  .summary, .details, .calls, .coverage_by_horizon(), .reliability(), .plot()")
        return "\n".join(lines)

    def best_model(self) -> str | None:
        """The model with the lowest ``crps_scaled`` (:func:`choose_best`: never one whose forecasts were
        mostly a fallback model's, ``share_fallback`` above :data:`MAX_SHARE_FALLBACK`; a tie broken by
        ``mase``, ``smape``, then the lower ``share_fallback``); ``None`` when no model qualifies.
        :func:`choose_best` also says ties left and models passed over."""
        return choose_best(self.summary).model

    def coverage_by_horizon(self) -> pd.DataFrame:
        """Observed 80 % / 95 % coverage per model and horizon, with 95 % Wilson intervals
        (:func:`mstarget.reliability.coverage_by_horizon`)."""
        return coverage_by_horizon(self.details)

    def reliability(self) -> pd.DataFrame:
        """``p_meet`` of the attainment calls in bins against the share met, per model
        (:func:`mstarget.reliability.reliability_table`); empty without a plan."""
        if self.calls is None or self.calls.empty:
            return pd.DataFrame(columns=["model"] + RELIABILITY_COLUMNS)
        parts = [reliability_table(g["p_meet"], g["met"].astype(float)).assign(model=m)
                 for m, g in self.calls.groupby("model", sort=False)]
        return pd.concat(parts, ignore_index=True)[["model"] + RELIABILITY_COLUMNS]

    def plot(self, *, title: str | None = None):
        """Calibration chart (coverage per horizon; reliability of ``p_meet`` with a plan):
        :func:`mstarget.reliability_charts.backtest_chart`. Returns a matplotlib Figure."""
        return backtest_chart(self, title=title)

    def metrics(self, model: str) -> dict[str, float]:
        row = self.summary[self.summary["model"] == model]
        if row.empty:
            raise UnknownModelError(f"no model {model!r} in this backtest; it scored "
                                    f"{', '.join(map(str, self.summary['model']))}")
        return {k: float(v) for k, v in row.iloc[0].items()
                if k != "model" and isinstance(v, (int, float, np.number))}


def model_list(model) -> list:
    """The models asked for, each once and each resolved (:func:`mstarget.models.resolve`) before any
    work: a mistyped name or a bad spec file later in the list is refused at once, not after the models
    before it were backtested (minutes on a province's table). A model listed twice (``drift,naive,drift``)
    is refused -- scored twice it would be "tied with itself" and count every forecast twice in the
    coverage intervals -- and so is an empty list (``--models ,``), which would otherwise read as "nothing
    was scored"."""
    if isinstance(model, str) and "," in model:
        models = [m.strip() for m in model.split(",") if m.strip()]
    elif isinstance(model, (list, tuple)):
        models = list(model)
    else:
        models = [model]
    if not models:
        raise ParameterError(f"model={model!r} (--models on the command line) names no model: give one or more "
                             "model names or spec files, comma-separated, e.g. --models ensemble,theta,drift "
                             "(mt.available_models() lists them)（未指定模型）")
    seen: set = set()
    for m in models:
        key = resolve(m).display  # an unknown model or a bad spec: refused here, before any work
        if key in seen:
            raise ParameterError(f"model {key!r} is listed twice in model={model!r}: each model is backtested once; "
                                 f"drop the repeat (模型{key}重复列出)")
        seen.add(key)
    return models


def _origins(hist: pd.DataFrame, origins) -> list[int]:
    """The cut-off years asked for (``hist``: the observations, at least one)."""
    if isinstance(origins, (int, np.integer)):
        if not 1 <= int(origins) <= MAX_ORIGINS:
            raise ParameterError.invalid("origins", "backtest", f"an int in [1, {MAX_ORIGINS}] or a list of years",
                                         origins)
        last = int(hist["year"].max())
        return [last - k for k in range(int(origins), 0, -1)]
    out = sorted({int(o) for o in origins})
    if not out or not YEAR_MIN <= out[0] <= out[-1] <= YEAR_MAX:
        raise ParameterError.invalid("origins", "backtest", f"a non-empty list of years in [{YEAR_MIN}, "
                                     f"{YEAR_MAX}] (the last year each backtest trains on)", origins)
    return out


def _years(years) -> str:
    return ", ".join(map(str, years))


def _within_history(cutoffs: list[int], hist: pd.DataFrame, source: str) -> list[int]:
    """The origins with years to train on and years after them to score on: from the history's
    first observed year to the year before its last. None such: refused (ParameterError, naming
    the history and the years that would do); the others are left out with a warning saying why --
    before any work, instead of a summary of 0 forecasts."""
    first, last = int(hist["year"].min()), int(hist["year"].max())
    after = [T for T in cutoffs if T >= last]
    before = [T for T in cutoffs if T < first]
    kept = [T for T in cutoffs if first <= T < last]
    if not kept:
        example = _years(range(max(first, last - 3), last))
        span = (f"observations in {first} only: a backtest needs two years or more (it trains on the years up "
                "to an origin and scores the years after it)" if first == last else
                f"observations in {first}-{last}; an origin is the last year a backtest trains on, scored on the "
                f"years after it, so use origins from {first} to {last - 1} (e.g. {example}) "
                f"or a number of origins (e.g. 3: the last three years before {last})")
        raise ParameterError(f"origins {_years(cutoffs)} (--origins on the command line): nothing to backtest -- the "
                             f"history ({source}) has {span}.")
    if after:
        warnings.warn(MstargetWarning(
            f"origin{'s' * (len(after) > 1)} {_years(after)} left out of the backtest: the history ({source}) ends "
            f"in {last}, so no year after {'them' if len(after) > 1 else 'it'} is observed to score a forecast on "
            f"(use origins up to {last - 1})"), stacklevel=3)
    if before:
        warnings.warn(MstargetWarning(
            f"origin{'s' * (len(before) > 1)} {_years(before)} left out of the backtest: the history ({source}) "
            f"starts in {first}, so there is nothing to train on up to {'them' if len(before) > 1 else 'it'} "
            f"(use origins from {first} on)"), stacklevel=3)
    return kept


def backtest(history, model="auto", horizon: int = 2, origins: int | Iterable[int] = 3, *,
             seed: int = 0, n_paths: int = DEFAULT_PATHS, bounds=None, calibration="default",
             plan=None, min_train: int = 1, reference=None,
             backend: str = "serial", n_jobs: int | None = None, scheduler: str | None = None,
             progress: bool = False, region: str | None = None) -> BacktestResult:
    """Rolling-origin backtest of one or several models.

    Parameters
    ----------
    history : DataFrame or path
        Long table ``region, indicator, year, value`` (see :func:`mstarget.read_history`).
    model : str, ModelSpec, or a list / comma-separated string of them
    horizon : int
        Years ahead evaluated from each origin (1-20).
    origins : int or list of int
        An int ``k`` uses the cut-off years ``last - k, ..., last - 1`` (``last`` = latest year of
        the history); a list gives the cut-off years themselves. An origin before the history's
        first year or from its last year on has nothing to train on or to score: it is left out
        with a warning, and when no origin is left (or none scored anything) the backtest is
        refused (:class:`ParameterError`) rather than returning a summary of 0 forecasts.
    seed, n_paths, bounds, calibration
        As for :func:`mstarget.forecast` (same default number of paths, so a backtest scores the
        forecasts :func:`~mstarget.forecast` makes: the quantile noise of fewer paths changes the
        interval widths slightly). ``calibration`` (e.g. a table of your own, ``mstarget calibrate``)
        is used by the forecasts and, with ``plan``, by the attainment calls' ``p_meet`` alike.
    reference : DataFrame or path, optional
        A peer panel, as for :func:`mstarget.forecast` / :func:`mstarget.assess`: at each origin
        only its years up to the origin are lent (no peer year the forecast could not have known).
    plan : DataFrame or path, optional
        Plan table; attainment calls are scored against realised outcomes. History joins it by
        id or Chinese name (:mod:`mstarget.matching`); plan rows without history, or whose
        outcome is not observed yet, are reported as warnings (:class:`UnmatchedWarning`).
    min_train : int
        Series with fewer observed points up to an origin are skipped at that origin.
    backend, n_jobs, scheduler : str, int, str
        Where the series of each (model, origin) forecast run, in chunks: ``"serial"``,
        ``"loky"`` (``n_jobs`` local processes) or ``"dask"`` (the scheduler at ``scheduler``,
        else ``$MSTARGET_DASK_SCHEDULER``, else a local cluster reused by later calls); see
        :mod:`mstarget.engine`. Results are identical across backends.
    progress : bool
        Report progress on standard error (a step per model and origin, a bar over series).
    region : str, optional
        Region of a history (and plan) without a region column, a district's own tables (as
        :func:`mstarget.read_history`'s ``region``; command line: ``--region``). It names, it
        does not filter.

    Returns
    -------
    BacktestResult

    Raises
    ------
    DataValidationError
        The history holds no observation (a header alone, or blank values).
    ParameterError
        No origin with years to train on and to score (see ``origins``).
    """
    check_table(history, "history", "backtest")  # argument types first (issue 14)
    check_table(plan, "plan", "backtest", optional=True)
    check_horizon(horizon, "backtest", high=MAX_HORIZON)
    check_seed(seed, "backtest")
    models = model_list(model)  # every model resolved before any work (a typo in the last one too)
    engine = Engine.of(backend, n_jobs, scheduler, caller="backtest")
    prog = Progress.of(progress)
    with prog.step("reading the history"):
        hist = read_history(history, region=region)
    if plan is not None and region is not None:  # a district's plan without a region column: as --region reads it
        plan = read_plan(plan, region=region)
    sheet = sheet_of(hist)
    source = sheet.source if sheet is not None else (
        str(history) if isinstance(history, (str, os.PathLike)) else "<DataFrame>")
    observed = hist.dropna(subset=["value"])
    if observed.empty:
        raise DataValidationError(
            "the history has no observations (no row with a value under the header): a backtest forecasts "
            "each series from its past years and scores the forecasts on the years after; expected rows of "
            "region, indicator, year, value", source=source)
    cutoffs = _within_history(_origins(observed, origins), observed, source)
    actual = {(r, i): dict(zip(g["year"].astype(int), g["value"].astype(float)))
              for (r, i), g in observed.groupby(["region", "indicator"], sort=False)}
    plan_df, plan_hist = plan_for_calls(plan, hist) if plan is not None else (None, None)
    ref = read_history(reference) if reference is not None else None
    per_task, kept = [], []
    for m in models:
        label = resolve(m).display
        for k, T in enumerate(cutoffs):
            with prog.step(f"backtest of {label} from {T}"), \
                    kept_warnings(kept, model=label, origin=int(T)):
                per_task.append(_origin_rows(hist, m, label, T, int(horizon), seed, n_paths, bounds,
                                             calibration, min_train, actual, engine=engine,
                                             progress=prog, reference=ref,
                                             since=int(cutoffs[k - 1]) if k else None))
    frames, summaries, calls = [], [], []
    for k, m in enumerate(models):
        label = resolve(m).display
        rows = [row for i in range(k * len(cutoffs), (k + 1) * len(cutoffs)) for row in per_task[i]]
        det = pd.DataFrame(rows, columns=DETAIL_COLUMNS)
        frames.append(det)
        summary = _summarise(label, det)
        if plan is not None:
            with kept_warnings(kept, model=label, origin=np.nan):
                c = attainment_calls(plan_hist, plan_df, m, label, cutoffs, seed, engine,
                                     calibration=calibration, reference=ref, n_paths=n_paths)
            calls.append(c)
            if not c.empty:
                met = c["met"].astype(float)
                enough = len(c) >= MIN_CALLS_BASE
                summary.update({"brier": M.brier(c["p_meet"], c["met"]),
                                # a constant fitted to calls of one outcome knew it: Brier 0, no yardstick
                                "brier_base": float(((met.mean() - met) ** 2).mean())
                                if enough and met.nunique() > 1 else np.nan,
                                "ece": expected_calibration_error(c["p_meet"], met) if enough else np.nan,
                                "accuracy": float(((c["p_meet"] >= 0.5) == c["met"].astype(bool)).mean()),
                                "n_calls": int(len(c))})
        summaries.append(summary)
    details = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=DETAIL_COLUMNS)
    _say_unscored(details, calls, cutoffs, int(horizon), min_train, source)
    _say_unscored_horizons(details, cutoffs, int(horizon), observed, source)
    summary = pd.DataFrame(summaries)
    for col in SUMMARY_COLUMNS:
        if col not in summary:
            summary[col] = np.nan
    calls_df = pd.concat(calls, ignore_index=True) if calls else pd.DataFrame()
    return BacktestResult(summary[SUMMARY_COLUMNS], details, calls_df,
                          pd.DataFrame(kept, columns=WARNING_COLUMNS), tuple(cutoffs))


def _say_unscored(details: pd.DataFrame, calls: list, cutoffs: list[int], horizon: int, min_train: int,
                  source: str) -> None:
    """An origin that scored nothing -- no forecast (no series with ``min_train`` points up to it
    and an observation in the ``horizon`` years after it) and no attainment call -- is said; when
    no origin scored anything the backtest is refused (ParameterError) rather than returning a
    summary of 0 forecasts."""
    scored = {int(T) for frame in (details, *calls) if len(frame) for T in frame["origin"].dropna().unique()}
    empty = [T for T in cutoffs if T not in scored]
    if not empty:
        return
    points = "an observation" if min_train <= 1 else f"{min_train} observations"
    why = (f"no series of the history ({source}) has {points} up to the origin and one in the {horizon} "
           f"year{'s' * (horizon > 1)} after it")
    if len(empty) == len(cutoffs):
        raise ParameterError(f"origins {_years(cutoffs)} (--origins on the command line): nothing was scored -- {why}. "
                             "Choose origins followed by observed years, or a longer horizon (--horizon).")
    warnings.warn(MstargetWarning(f"origin{'s' * (len(empty) > 1)} {_years(empty)} scored nothing: {why}"),
                  stacklevel=3)


def scored_horizons(details: pd.DataFrame) -> list[int]:
    """The horizons (years ahead, ``h``) some forecast of ``details`` was scored at, ascending."""
    if details is None or not len(details) or "h" not in details:
        return []
    return sorted({int(h) for h in pd.to_numeric(details["h"], errors="coerce").dropna()})


def horizons_text(horizons) -> str:
    """``horizon 1``, ``horizons 1-3`` (consecutive), ``horizons 1, 3``; ``no horizon`` for none."""
    hs = sorted(int(h) for h in horizons)
    if not hs:
        return "no horizon"
    if len(hs) == 1:
        return f"horizon {hs[0]}"
    if hs == list(range(hs[0], hs[-1] + 1)):
        return f"horizons {hs[0]}-{hs[-1]}"
    return "horizons " + ", ".join(map(str, hs))


def _say_unscored_horizons(details: pd.DataFrame, cutoffs: list[int], horizon: int, observed: pd.DataFrame,
                           source: str) -> None:
    """The horizons up to ``horizon`` no forecast was scored at (an origin ``T`` scores horizon ``h`` only when
    ``T + h`` is observed: with the default origins, the last years before the history's end, a 5-year horizon
    scores 1-3) said in one warning: which were scored, which not, and the origins (as many as asked) that
    would score them all -- or that the history is too short for them."""
    scored = scored_horizons(details)
    missing = [h for h in range(1, horizon + 1) if h not in scored]
    if not scored or not missing:
        return  # (nothing scored at all: refused or said by _say_unscored)
    first, last = int(observed["year"].min()), int(observed["year"].max())
    latest = last - max(missing)
    if latest >= first:
        use = list(range(max(first, latest - len(cutoffs) + 1), latest + 1))
        fix = (f"to score every horizon up to {horizon}, use origins up to {latest}, e.g. --origins "
               f"{','.join(map(str, use))} (origins={use})")
        fix_zh = f"如需评估{horizon}年期预测，请将起点设为{latest}年及以前，如 --origins {','.join(map(str, use))}"
    else:
        fix = (f"the history's {first}-{last} is too short to score horizon {max(missing)}: at most "
               f"{last - first} year{'s' * (last - first > 1)} ahead")
        fix_zh = f"历史数据（{first}—{last}年）不足以评估{max(missing)}年期预测"
    zh_missing = horizons_text(missing).split(" ", 1)[1].replace("-", "—").replace(", ", "、")
    zh_scored = horizons_text(scored).split(" ", 1)[1].replace("-", "—").replace(", ", "、")
    warnings.warn(MstargetWarning(
        f"{horizons_text(missing)} of --horizon {horizon} not scored: from origins {_years(cutoffs)} no forecast "
        f"reaches an observed year that far ahead (the history ({source}) ends in {last}; origin T scores horizon h "
        f"only when T + h <= {last}), so the summary pools {horizons_text(scored)} only; {fix}（预测年距{zh_missing}年"
        f"无可评分的预测，汇总仅含年距{zh_scored}年；{fix_zh}）"), stacklevel=3)


def _origin_rows(hist, m, label, T, horizon, seed, n_paths, bounds, calibration, min_train,
                 actual, *, engine: Engine | None = None, progress=None, reference=None,
                 since: int | None = None) -> list[dict]:
    """Detail rows of one model at one origin ``T``: its series forecast in chunks on ``engine``,
    each reduced to its rows where the chunk runs (``reference``: its years up to ``T`` lent as peers).
    ``since``: the previous origin -- a series observed last in that year or before has the same training
    years as there (a gap: 2015-2017 observed, origins 2019 and 2020), so its forecast, scored there already,
    is not scored again."""
    train = hist[hist["year"] <= T]
    if train.empty:
        return []
    if reference is not None:
        reference = reference[reference["year"] <= T]
    reduce = functools.partial(_series_rows, label=label, T=int(T), min_train=min_train, since=since)
    parts = run_forecast(train, horizon, model=m, seed=seed, n_paths=n_paths, bounds=bounds,
                         calibration=calibration, reference=reference, engine=engine, progress=progress,
                         reduce=reduce, extras=actual)
    return [row for part in parts for row in part]


def _series_rows(sf, obs, *, label, T, min_train, since=None) -> list[dict]:
    """Engine reduction: one series' detail rows at one origin (its observed outcomes ``obs``); none when the
    series has no observation after the previous origin ``since`` (its forecast was scored there)."""
    if sf.values.size < min_train:
        return []
    if since is not None and len(sf.years) and int(sf.years[-1]) <= since:
        return []
    scale = M.naive_scale(sf.values, sf.years)  # per year: a change across missing years spread over them
    z = sf.z_transform.forward(sf.values) if sf.z_transform is not None else sf.values
    steady = is_steady(z)
    return [_detail_row(label, sf, T, j, int(yr), obs[int(yr)], scale, steady)
            for j, yr in enumerate(sf.future_years) if int(yr) in obs]


def _detail_row(label, sf, T, j, yr, a, scale, steady) -> dict:
    col = sf.paths[:, j]
    q = np.quantile(col, [0.025, 0.10, 0.5, 0.90, 0.975])
    med = q[2]
    r80 = r95 = np.nan
    if sf.z_transform is not None:
        z = sf.z_transform.forward(col)[:, None]
        za = sf.z_transform.forward(np.array([a]))
        r80, r95 = required_stretch(z, za)[0]
    crps = float(M.crps_samples(col, a))
    sc = scale if np.isfinite(scale) else np.nan
    return {
        "model": label, "region": sf.region, "indicator": sf.indicator, "origin": int(T),
        "h": j + 1, "year": yr, "n_train": int(sf.values.size), "steady": bool(steady), "actual": a,
        "mean": float(sorted_mean(np.sort(col))), "median": med, "lo_80": q[1], "hi_80": q[3], "lo_95": q[0],
        "hi_95": q[4], "scale": scale, "smape": float(M.smape(a, med)),
        "mase": float(M.mase(a, med, sc)), "in_80": float(q[1] <= a <= q[3]),
        "in_95": float(q[0] <= a <= q[4]), "msis": float(M.msis(a, q[0], q[4], sc)),
        "crps": crps, "crps_scaled": crps / sc, "r_80": r80, "r_95": r95, "chosen": sf.model,
    }


def _summarise(label: str, det: pd.DataFrame) -> dict:
    if det.empty:
        return {"model": label, "n_series": 0, "n_forecasts": 0}
    fin = lambda c: det[c].replace([np.inf, -np.inf], np.nan).mean()  # noqa: E731
    return {"model": label,
            "n_series": int(det[["region", "indicator"]].drop_duplicates().shape[0]),
            "n_forecasts": int(len(det)),
            "share_fallback": float(det["chosen"].astype(str).str.startswith(FALLBACK_PREFIX).mean()),
            "smape": fin("smape"), "mase": fin("mase"),
            "coverage_80": det["in_80"].mean(), "coverage_95": det["in_95"].mean(),
            "msis": fin("msis"), "crps_scaled": fin("crps_scaled")}
