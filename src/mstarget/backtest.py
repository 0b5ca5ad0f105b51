"""Rolling-origin evaluation: ``mt.backtest(history, model="auto", horizon=2)``.

For each origin (a cut-off year ``T``), every series is forecast from its history up to ``T``
(all series together, as :func:`mstarget.forecast` does) and compared with what was observed in
``T+1 .. T+horizon`` -- for a series last observed before ``T`` (a gap in its years), ``h`` counts from its last
observed year, and a series with no observation since the previous origin is not scored again there (its forecast
is the same as at that origin: scored once, not once per origin). Metrics (see :mod:`mstarget.metrics`): sMAPE,
MASE, coverage of the 80 % and 95 % intervals, MSIS of the 95 % interval (scaled like MASE), CRPS (raw and scaled).

The best model is the one with the lowest ``crps_scaled_gmean``: the geometric mean over series of each series'
scaled CRPS, each series held within 0.01-100 (:func:`choose_best`), so that one broken series (a 24-fold jump, a
forecast that blew up) cannot decide it as it decides the plain mean ``crps_scaled``; such series (mean scaled CRPS
above :data:`OUTLIER_SCALED`) are named by :meth:`BacktestResult.outliers`.

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
#: Which forecasts each column counts: ``n_forecasts``, ``share_fallback``, ``smape`` and the coverages count
#: every forecast scored; ``mase``, ``msis``, ``crps_scaled`` and ``crps_scaled_gmean`` only the ``n_scaled``
#: forecasts with a scale (a series of 2+ points up to the origin that changed: :func:`mstarget.metrics.naive_scale`).
#: ``share_fallback``: the share of a model's forecasts made by a fallback model (``chosen`` reads
#: ``fallback:<model>``: the series too short for it, or its fit failed) -- its scores are then partly
#: those of another model; ``share_fallback_scaled`` the same share among the ``n_scaled`` forecasts (a
#: 1-point series' naive fallback counts in the first, not in the second).
#: ``crps_scaled``: the plain mean over the scaled forecasts (one series' blown-up forecast can decide it);
#: ``crps_scaled_gmean``: the geometric mean over series of each series' mean ``crps_scaled``, weighted by its
#: scaled forecasts, each series held within ``[1 / OUTLIER_SCALED, OUTLIER_SCALED]``
#: (:func:`mstarget.metrics.bounded_gmean`) -- it ranks the models (:data:`BEST_MODEL_BY`);
#: ``n_outliers``: the series whose mean ``crps_scaled`` is above :data:`OUTLIER_SCALED`
#: (:meth:`BacktestResult.outliers` names them).
SUMMARY_COLUMNS = ["model", "n_series", "n_forecasts", "share_fallback", "smape", "mase", "coverage_80", "coverage_95",
                   "msis", "crps_scaled", "brier", "brier_base", "ece", "accuracy", "n_calls",
                   "n_scaled", "share_fallback_scaled", "crps_scaled_gmean", "n_outliers"]
#: a series whose mean scaled CRPS (over its origins and horizons) is above this -- a miss of more than 100
#: typical yearly changes: a break in the data (a change of definition, a unit slip) or a forecast that blew up
#: -- is an outlier: named by :meth:`BacktestResult.outliers` and the printouts, and held at this value in
#: ``crps_scaled_gmean`` (a series below its inverse, 0.01, at that), so one series cannot decide the best model
OUTLIER_SCALED = 100.0
#: :meth:`BacktestResult.outliers`: one row per model and outlier series -- its scaled forecasts (``n_scaled``),
#: its mean ``crps_scaled``, ``missed_by`` (the models whose score on it is above :data:`OUTLIER_SCALED`, of how
#: many: ``auto (1 of 4)`` says that model's forecast blew up, ``all 4`` that the data moved as none foresaw) and
#: ``others`` (the other models' mean ``crps_scaled`` on it, lowest-highest), then its worst forecast: origin, h,
#: year, actual, median, the 95 % interval and the scale (per year, the units of the values)
OUTLIER_COLUMNS = ["model", "region", "indicator", "n_scaled", "crps_scaled", "missed_by", "others", "origin", "h",
                   "year", "actual", "median", "lo_95", "hi_95", "scale"]
WARNING_COLUMNS = ["model", "origin", "category", "message"]
#: the summary columns that pick the best model (lowest wins), in order of preference: the scaled CRPS
#: scores the whole predictive distribution, MASE and sMAPE only its centre; ``crps_scaled_gmean`` first (the
#: geometric mean over series, each held within 0.01-100: one series' 10^7 cannot outvote 3000 others, as it
#: does the plain mean ``crps_scaled``), ``crps_scaled`` for summaries without it (written before session 48);
#: a tie on the first is broken by the next ones, then by the lower fallback share (:func:`ranked_share_fallback`)
BEST_MODEL_BY = ("crps_scaled_gmean", "crps_scaled", "mase", "smape")
#: the longest ``horizon`` (years ahead from an origin) and the most ``origins`` (as a count) a backtest takes
MAX_HORIZON, MAX_ORIGINS = 20, 50
#: a model more than this share of whose ranked forecasts a fallback model made is never the best model: its
#: scores are mostly another model's. The share is ``share_fallback_scaled`` -- of the forecasts the scaled scores
#: that rank the models count -- where the summary gives it, else ``share_fallback`` (of every forecast): a
#: 1-point series' naive fallback has no scale, so it is in no ranked score (:func:`ranked_share_fallback`)
MAX_SHARE_FALLBACK = 0.5


@dataclass(frozen=True)
class BestModel:
    """How :func:`choose_best` picked the best model of a backtest summary: ``model`` (``None`` when
    no model qualifies), ``by`` (the column compared), ``tied`` (other models with the very same
    scores on every column of :data:`BEST_MODEL_BY` and the same fallback share: the first
    listed is named, the tie is said), ``passed_over`` (``{model: share}`` of the models left out because most
    of their ranked forecasts were a fallback model's: :func:`ranked_share_fallback`)."""

    model: str | None
    by: str | None
    tied: tuple = ()
    passed_over: dict = field(default_factory=dict)
    #: the qualifying model with the lowest plain mean ``crps_scaled`` when it is not ``model`` (the old rule's
    #: pick: compare it with runs logged before ``crps_scaled_gmean`` existed); ``None`` when they agree
    lowest_mean: str | None = None

    def words(self) -> str:
        """One line: ``best by crps_scaled_gmean: drift (tied with naive: the first listed is named; arima (100%
        fallback) passed over: most of its forecasts were a fallback model's; the plain mean crps_scaled would
        name theta)``."""
        notes = []
        if self.tied:
            notes.append(f"tied with {', '.join(self.tied)}: the first listed is named")
        if self.passed_over:
            notes.append(", ".join(f"{m} ({share:.0%} fallback)" for m, share in self.passed_over.items())
                         + f" passed over: most of {'its' if len(self.passed_over) == 1 else 'their'} ranked forecasts were "
                         "a fallback model's")
        if self.lowest_mean is not None:
            notes.append(f"the plain mean crps_scaled, which one series can decide, would name {self.lowest_mean}")
        note = f" ({'; '.join(notes)})" if notes else ""
        if self.model is None:
            return "no best model" + note
        return f"best by {self.by}: {self.model}{note}"


def choose_best(summary: pd.DataFrame) -> BestModel:
    """The best model of a backtest summary: among the models with forecasts scored, whose fallback
    share is at most :data:`MAX_SHARE_FALLBACK`, the lowest value of the first column
    of :data:`BEST_MODEL_BY` that scores every one of them; equal values (to 1e-9 relative) are
    told apart by the next columns, then by the lower fallback share; models still equal are
    ``tied`` (the first listed is named). Used by :meth:`BacktestResult.best_model`, the CLI's
    printout and the tracked run's ``best_model`` alike. The fallback share compared is that of the forecasts
    the ranking scores count (:func:`ranked_share_fallback`: ``share_fallback_scaled`` where given), so a model
    is passed over when the scores it is ranked by are mostly another model's -- not for the fallbacks of
    1-point series, which no scaled score counts.

    The rule: the lowest ``crps_scaled_gmean`` -- the geometric mean over series of each series' scaled CRPS
    (CRPS over the series' in-sample mean absolute yearly change, averaged over its origins and horizons),
    weighted by its forecasts, each series held within 0.01-:data:`OUTLIER_SCALED` (Davydenko & Fildes'
    AvgRelMAE on CRPS; as the M4 competition's scaled errors, but averaged on the log scale ratios live on).
    A model that blows up on one series of many pays for it (a factor of at most ``10^4`` to that series'
    share of the forecasts), but that series cannot decide the ranking as it decides the plain mean
    ``crps_scaled`` (one series scored 10^7 swings a panel mean from 1.0 to 2,000). A summary without
    ``crps_scaled_gmean`` (one written before it existed) is ranked by ``crps_scaled``."""
    if "model" not in summary or not len(summary):
        return BestModel(None, None)
    s = summary.reset_index(drop=True)
    n = pd.to_numeric(s["n_forecasts"], errors="coerce") if "n_forecasts" in s else pd.Series(1.0, index=s.index)
    share = ranked_share_fallback(s)
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
    return BestModel(names[0], by, tuple(names[1:]), passed_over, _lowest_mean(s, cand, by, names))


def ranked_share_fallback(summary: pd.DataFrame) -> pd.Series:
    """Per summary row, the share of the model's *ranked* forecasts a fallback model made: ``share_fallback_scaled``
    (of the forecasts ``crps_scaled_gmean``, ``crps_scaled`` and ``mase`` count) where given, else
    ``share_fallback`` (of every forecast: a model with no scaled forecast is ranked by ``smape``, which counts
    them all; a summary written before ``share_fallback_scaled`` existed), else 0. What :func:`choose_best` passes
    models over by and breaks ties with."""
    zero = pd.Series(0.0, index=summary.index)
    every = pd.to_numeric(summary["share_fallback"], errors="coerce") if "share_fallback" in summary else zero
    scaled = (pd.to_numeric(summary["share_fallback_scaled"], errors="coerce") if "share_fallback_scaled" in summary
              else pd.Series(np.nan, index=summary.index))
    return scaled.fillna(every).fillna(0.0)


def _lowest_mean(s: pd.DataFrame, cand, by: str, named: list) -> str | None:
    """The candidate with the lowest plain mean ``crps_scaled`` when the ranking was by another column and it is
    none of the models ``named`` (the best and those tied with it); else ``None``."""
    if by == "crps_scaled" or "crps_scaled" not in s:
        return None
    v = pd.to_numeric(s.loc[cand, "crps_scaled"], errors="coerce")
    if v.isna().any() or not len(v):
        return None
    low = str(s.at[v.idxmin(), "model"])
    return None if low in named else low


@dataclass(frozen=True)
class BacktestResult:
    """``summary``: one row per model (``SUMMARY_COLUMNS``); ``details``: one row per model,
    series, origin and horizon (``DETAIL_COLUMNS``); ``calls``: attainment calls (or empty);
    ``warnings``: the mstarget warnings of the forecasts and calls from past origins
    (``WARNING_COLUMNS``: model, origin, warning class, message; one row per distinct warning);
    ``origins``: the cut-off years.

    ``coverage_by_horizon()`` and ``reliability()`` say whether intervals and ``p_meet`` were
    honest; ``plot()`` draws both; ``best_model()`` names the best model, ``outliers()`` the series scored above
    :data:`OUTLIER_SCALED` (each held at it in the ranking)."""

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
        if best.lowest_mean is not None:
            lines.append(f"  the plain mean crps_scaled would name {best.lowest_mean}")
        flagged = self.outliers()
        if len(flagged):
            series = list(dict.fromkeys(zip(flagged["region"], flagged["indicator"])))
            lines.append(f"  {len(series)} outlier series (crps_scaled above {OUTLIER_SCALED:g}: held at it in the "
                         f"ranking): {', '.join(f'{r}/{i}' for r, i in series[:3])}"
                         + (f" and {len(series) - 3} more" if len(series) > 3 else "") + ": .outliers()")
        if len(self.warnings):
            lines.append(f"  {len(self.warnings)} warning(s) from past origins: .warnings")
        lines.append("  .summary, .details, .calls, .coverage_by_horizon(), .reliability(), .outliers(), .plot()")
        return "\n".join(lines)

    def best_model(self) -> str | None:
        """The model with the lowest ``crps_scaled_gmean`` (:func:`choose_best`: the geometric mean over series of
        each series' scaled CRPS, each held within 0.01-100, so one outlier series -- :meth:`outliers` -- cannot
        decide it; never a model whose ranked forecasts were mostly a fallback model's, ``share_fallback_scaled``
        (else ``share_fallback``) above :data:`MAX_SHARE_FALLBACK`; a tie broken by ``crps_scaled``, ``mase``,
        ``smape``, then the lower fallback share); ``None`` when no model qualifies. :func:`choose_best` also says ties left, models
        passed over and the model the plain mean ``crps_scaled`` would name when it differs."""
        return choose_best(self.summary).model

    def outliers(self) -> pd.DataFrame:
        """The series some model scored above :data:`OUTLIER_SCALED` (mean ``crps_scaled`` over the series' origins
        and horizons: a miss of more than 100 typical yearly changes), worst first: :data:`OUTLIER_COLUMNS`
        (:func:`outlier_series`). Each is held at 100 in ``crps_scaled_gmean`` and counted in full in
        ``crps_scaled``; check its data (a jump, a change of definition, a unit slip) or the model's forecast."""
        return outlier_series(self.details)

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
    """One model's summary row (:data:`SUMMARY_COLUMNS` but the attainment calls') from its detail rows."""
    if det.empty:
        return {"model": label, "n_series": 0, "n_forecasts": 0, "n_scaled": 0, "n_outliers": 0}
    fin = lambda c: det[c].replace([np.inf, -np.inf], np.nan).mean()  # noqa: E731
    fell = det["chosen"].astype(str).str.startswith(FALLBACK_PREFIX)
    scaled = _is_scaled(det)
    per_series = series_scores(det)
    return {"model": label,
            "n_series": int(det[["region", "indicator"]].drop_duplicates().shape[0]),
            "n_forecasts": int(len(det)),
            "share_fallback": float(fell.mean()),
            "smape": fin("smape"), "mase": fin("mase"),
            "coverage_80": det["in_80"].mean(), "coverage_95": det["in_95"].mean(),
            "msis": fin("msis"), "crps_scaled": fin("crps_scaled"),
            "n_scaled": int(scaled.sum()),
            "share_fallback_scaled": float(fell[scaled].mean()) if scaled.any() else np.nan,
            "crps_scaled_gmean": M.bounded_gmean(per_series["crps_scaled"], per_series["n_scaled"],
                                                 low=1.0 / OUTLIER_SCALED, high=OUTLIER_SCALED),
            "n_outliers": int((per_series["crps_scaled"] > OUTLIER_SCALED).sum())}


def _is_scaled(det: pd.DataFrame) -> pd.Series:
    """Which detail rows have a scale (a finite ``crps_scaled``): the forecasts ``mase``, ``msis``,
    ``crps_scaled`` and ``crps_scaled_gmean`` count (a 1-point series, or one that never changed, has none)."""
    return pd.Series(np.isfinite(pd.to_numeric(det["crps_scaled"], errors="coerce").to_numpy(dtype=float)),
                     index=det.index)


def series_scores(details: pd.DataFrame) -> pd.DataFrame:
    """Each model's score per series: one row per model, region and indicator (in the order of ``details``) with
    ``n_scaled`` (its forecasts with a scale, over origins and horizons) and ``crps_scaled`` (their mean: units of
    the series' typical yearly change). Series with no scaled forecast are left out. What
    ``crps_scaled_gmean`` averages and :meth:`BacktestResult.outliers` flags."""
    cols = ["model", "region", "indicator", "n_scaled", "crps_scaled"]
    if details is None or not len(details):
        return pd.DataFrame(columns=cols)
    det = details[_is_scaled(details)]
    if det.empty:
        return pd.DataFrame(columns=cols)
    g = det.groupby(["model", "region", "indicator"], sort=False)["crps_scaled"]
    out = g.agg(n_scaled="size", crps_scaled="mean").reset_index()
    return out[cols]


def outlier_series(details: pd.DataFrame) -> pd.DataFrame:
    """One row per model and series whose mean ``crps_scaled`` (:func:`series_scores`) is above
    :data:`OUTLIER_SCALED`, worst first: :data:`OUTLIER_COLUMNS` -- who else missed it (``missed_by``), the other
    models' scores on it (``others``) and its worst forecast (origin, h, year, actual, median, 95 % interval,
    scale). Empty (with those columns) when there is none."""
    per = series_scores(details)
    flagged = per[per["crps_scaled"] > OUTLIER_SCALED]
    if flagged.empty:
        return pd.DataFrame(columns=OUTLIER_COLUMNS)
    n_models = int(pd.unique(details["model"]).size)
    det = details[_is_scaled(details)]
    rows = []
    for r in flagged.sort_values("crps_scaled", ascending=False, kind="stable").itertuples(index=False):
        same = per[(per["region"] == r.region) & (per["indicator"] == r.indicator)]
        over = [str(m) for m in same.loc[same["crps_scaled"] > OUTLIER_SCALED, "model"]]
        rest = same.loc[same["model"] != r.model, "crps_scaled"]
        mine = det[(det["model"] == r.model) & (det["region"] == r.region) & (det["indicator"] == r.indicator)]
        worst = mine.loc[mine["crps_scaled"].idxmax()]
        rows.append({"model": r.model, "region": r.region, "indicator": r.indicator, "n_scaled": int(r.n_scaled),
                     "crps_scaled": float(r.crps_scaled),
                     "missed_by": (f"all {n_models}" if len(over) == n_models and n_models > 1
                                   else f"{', '.join(over)} ({len(over)} of {n_models})"),
                     "others": (f"{rest.min():.3g}" if len(rest) == 1 or rest.min() == rest.max()
                                else f"{rest.min():.3g}-{rest.max():.3g}") if len(rest) else "",
                     **{c: worst[c] for c in ("origin", "h", "year", "actual", "median", "lo_95", "hi_95",
                                              "scale")}})
    out = pd.DataFrame(rows, columns=OUTLIER_COLUMNS)
    for c in ("origin", "h", "year"):
        out[c] = out[c].astype(int)
    return out


def outlier_lines(table: pd.DataFrame, limit: int = 10) -> list[str]:
    """The printout's words for :meth:`BacktestResult.outliers` (``table``): a heading, then one line per outlier
    series (at most ``limit``, then how many more): the models that missed it and their scores (the others' when
    only some did), and the worst model's worst forecast -- whether the actual fell outside the 95 % interval
    (every model missed: the data moved) or the interval itself ran far off (a forecast that blew up)."""
    if table is None or not len(table):
        return []
    lines = [f"outlier series (mean crps_scaled above {OUTLIER_SCALED:g}: a miss of more than {OUTLIER_SCALED:g} "
             f"typical yearly changes -- a break in the data or a forecast that blew up; each held at "
             f"{OUTLIER_SCALED:g} in crps_scaled_gmean, which ranks the models, and counted in full in crps_scaled"
             "（异常序列：评分超过历年平均变化的100倍，排名时按100计）:"]
    groups = list(table.groupby(["region", "indicator"], sort=False))
    for (region, indicator), g in groups[:limit]:
        r = g.iloc[0]  # the worst model on this series (the table is worst first)
        n = f"over {int(r['n_scaled'])} forecast{'s' if int(r['n_scaled']) != 1 else ''}"
        if len(g) == 1:
            who = (f"{r['model']} {r['crps_scaled']:.3g} {n} (missed by {r['missed_by']}"
                   + (f"; the other models {r['others']}" if r["others"] else "") + "); worst")
        else:
            scores = ", ".join(f"{m} {v:.3g}" for m, v in zip(g["model"], g["crps_scaled"]))
            who = f"missed by {r['missed_by']} ({scores} {n}); {r['model']}'s worst"
        inside = r["lo_95"] <= r["actual"] <= r["hi_95"]
        band = f"[{r['lo_95']:.4g}, {r['hi_95']:.4g}]"
        worst = (f"its 95 % interval ran to {band} around the actual {r['actual']:.4g}" if inside else
                 f"the actual {r['actual']:.4g} fell outside its 95 % interval {band}")
        lines.append(f"  {region}/{indicator}: {who} from origin {r['origin']}, h {r['h']} ({r['year']}): "
                     f"{worst}, a typical yearly change being {r['scale']:.4g}")
    if len(groups) > limit:
        lines.append(f"  and {len(groups) - limit} more series (BacktestResult.outliers(); the details table, --out, "
                     "has every forecast)")
    return lines
