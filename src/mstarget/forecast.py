"""Run models over many yearly series: sample paths, quantiles and the forecast table.

Data flow for one series (``region``, ``indicator``)::

    observed years/values --bounds--> transform (logit / log / identity)
        --fill inner gaps on the model scale--> model.fit --> model.sample_paths
        --inverse transform--> paths on the natural scale --> mean, median, quantiles

``model="auto"`` is chosen per series by :mod:`mstarget.selection` (the ``model`` column reads
``auto:<chosen>``). Sample paths are then calibrated (:mod:`mstarget.calibration`): deviations
from the median are stretched on the model scale by conformal factors learned out of sample, so
80 % / 95 % intervals cover about 80 % / 95 % and bounds still hold.

Every series draws from its own generator seeded by ``(seed, crc32(region, indicator))`` -- the key
as :func:`mstarget.units.series_key` reads it, so a line break, a space or a traditional character in
how a file writes the id changes nothing --, so a series' draws do not depend on the order of the table. Local models (``naive`` ... ``theta``,
``arima``, ``prophet``, ``rate``) give a series the same forecast whatever else is in the table;
models that learn across series (``global``, and through it ``ensemble`` and ``auto``) and
``pooled_drift`` (``auto``'s model for 1-7 points, which pools the other regions of the same indicator,
:mod:`mstarget.pooling`) depend, by design, on the other series they are fitted with: that is how a
4-point series borrows strength.
"""
from __future__ import annotations

import functools
import warnings
import zlib
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .arguments import check_horizon, check_levels, check_seed, check_table, check_year
from .engine import MIN_CHUNK, Engine, collect
from .exceptions import (DataValidationError, FewPeersWarning, ModelFallbackWarning, ModelFitError, MstargetWarning,
                         ParameterError, ShortHistoryWarning)
from .history import read_history
from .models import ModelSpec, model_class, resolve
from .models.base import Forecaster
from .precision import model_scale_unit, reported_decimals_many, snap_to_bounds
from .progress import Progress
from .quantiles import sorted_mean, sorted_quantiles
from .models.counts import MAX_COUNT as _MAX_STOCK, change_priors
from .models.pooled import _spike_note, spike_index, spike_kept_note
from .models.pooled import level_shift_index  # noqa: F401  (public here: the rule auto's pooled_drift applies)
from .models.events import MAX_COUNT, rate_priors
from .transforms import Bounds, Transform, choose_transform
from .units import counts_events, counts_things, is_sampling_rate, series_key
from .validation import is_total_region
from . import calibration as _cal
from . import pooling as _pool
from . import selection as _sel

DEFAULT_PATHS = 2000
DEFAULT_LEVELS = (80, 95)
#: fallback order when a series is too short for the requested model or its fit fails
#: (:class:`~mstarget.exceptions.ModelFitError`); the result's ``model`` column then reads
#: ``fallback:<model>`` and the note says why. A configuration error is never a fallback.
FALLBACK = ("drift", "naive")
FALLBACK_PREFIX = "fallback:"


@dataclass
class SeriesForecast:
    """Forecast of one series: observed data and joint sample paths on the natural scale.

    Attributes
    ----------
    years, values : arrays, shape (n,)
        Observed years and values (as given, gaps not filled).
    future_years : array, shape (h,)
        ``last observed year + 1 ... + h``.
    paths : array, shape (n_paths, h), or None
        Joint sample paths in the indicator's own unit; within ``bounds``. ``None`` once
        summarised (:meth:`without_paths`: :func:`mstarget.assess.assess_detailed` keeps
        quantiles per row instead, so memory does not grow with paths x series).
    model : str
        The model actually used: the spec's label, ``auto:<chosen>``, or ``fallback:<model>``
        when the requested model could not be used for this series (``notes`` say why).
    """

    region: str
    indicator: str
    years: np.ndarray
    values: np.ndarray
    future_years: np.ndarray
    paths: np.ndarray | None
    model: str
    bounds: Bounds
    transform: str = "identity"
    notes: list[str] = field(default_factory=list)
    #: the transform object (model scale <-> natural scale), for backtests and calibration
    z_transform: Transform | None = field(default=None, repr=False)
    #: peer series the forecast pooled from (:mod:`mstarget.pooling`; 0: none) and their agreement
    n_peers: int = 0
    peer_agreement: float = float("nan")

    @property
    def last_year(self) -> int:
        return int(self.years[-1])

    @property
    def last_value(self) -> float:
        return float(self.values[-1])

    def at(self, year: int) -> np.ndarray:
        """Sample of the value in ``year`` (shape (n_paths,)); observed years give a constant
        (one value when the paths were dropped, see :meth:`without_paths`)."""
        n = self.paths.shape[0] if self.paths is not None else 1
        if year <= self.last_year:
            hit = np.nonzero(self.years == year)[0]
            if hit.size:
                return np.full(n, self.values[hit[-1]])
            # an unobserved year inside the history: interpolate linearly
            return np.full(n, float(np.interp(year, self.years, self.values)))
        if self.paths is None:
            raise ValueError(f"{self.region}/{self.indicator}: the sample paths were summarised "
                             "(assess keeps quantiles only); ask for them with keep_paths=True")
        j = year - self.last_year - 1
        if j >= self.paths.shape[1]:
            raise ParameterError(f"year {year} is beyond the forecast horizon ({self.future_years[-1]}) "
                                 f"of {self.region}/{self.indicator}; forecast further ahead")
        return self.paths[:, j]


    def without_paths(self) -> "SeriesForecast":
        """The same forecast without its sample paths (``paths`` None): what a table needs to
        keep of a series once its paths were summarised (observed data, years, model, notes)."""
        return SeriesForecast(self.region, self.indicator, self.years, self.values, self.future_years,
                              None, self.model, self.bounds, self.transform, self.notes,
                              self.z_transform, self.n_peers, self.peer_agreement)


def series_rng(seed: int, region: str, indicator: str) -> np.random.Generator:
    key = zlib.crc32(series_key(region, indicator).encode("utf-8"))  # 总量 / 总\n量 / 總量: one seed
    return np.random.default_rng([int(seed), key])


def auto_model_name(n_points: int, *, rare_events: bool = False, small_count: bool = False,
                    growth_rate: bool = False, steady: bool = False, sampling_rate: bool = False) -> str:
    """``auto``'s model for a series of ``n_points``: ``event_rate`` for yearly counts of rare
    incidents (``rare_events``, :func:`is_rare_event_count`) and for yearly flows of a few whole things
    (a 〈〉 row's 新增制定标准 7, 5 项: :func:`is_flow_count`, passed as ``rare_events``), ``small_count`` for a handful of
    whole things (``small_count``, :func:`is_small_count`), ``growth_rate`` for a growth rate in %
    (``growth_rate``: :func:`mstarget.units.is_growth_rate`, bounds with ``growth``) below
    :data:`mstarget.selection.MIN_POINTS`, ``local_level`` for a rate of sampling inspections (``sampling_rate``:
    :func:`mstarget.units.is_sampling_rate`, 抽检合格率) below :data:`mstarget.selection.MIN_POINTS`, ``pooled_drift`` below
    :data:`mstarget.selection.MIN_POINTS` (8) and for a longer series whose trend is ``steady``
    (:data:`mstarget.selection.STEADY_LONG`; not a growth rate), else the robust ``ensemble`` (which
    :mod:`mstarget.selection` may replace after a backtest on the series' own history)."""
    if rare_events:
        return _sel.EVENTS
    if small_count:
        return _sel.SMALL_COUNTS
    if growth_rate and n_points < _sel.MIN_POINTS:
        return _sel.GROWTH_RATES
    if sampling_rate and n_points < _sel.MIN_POINTS:
        return _sel.SAMPLING_RATES
    # a growth rate in % returns to its mean (:mod:`mstarget.models.growth`): never extrapolated as a steady trend
    return _sel.SHORT if n_points < _sel.MIN_POINTS or (steady and not growth_rate) else _sel.DEFAULT


def _whole_counts(values: np.ndarray) -> bool:
    """Every figure a whole number >= 0: what the count models (``event_rate``, ``small_count``) draw."""
    return bool(values.size and values.min() >= 0 and np.all(values == np.round(values)))


def is_rare_event_count(counts_events: bool, values: np.ndarray) -> bool:
    """An indicator that counts incidents (:func:`mstarget.units.counts_events`) whose yearly
    counts are whole numbers from 0 to :data:`mstarget.models.events.MAX_COUNT`."""
    return bool(counts_events and _whole_counts(values) and values.max() <= MAX_COUNT)


def is_small_count(counts_things: bool, values: np.ndarray, flows: bool = False) -> bool:
    """A stock of a handful of whole things: the unit counts a stock of things one by one
    (:func:`mstarget.units.counts_things` without a period: 项 / 个, not 批次/年), at least two
    figures, all whole numbers from 0 to :data:`mstarget.models.counts.MAX_COUNT` -- and the figures are
    not yearly flows (``flows``: a 〈〉 row's yearly additions, a history's ``measure`` ``flow``), which
    no stock of things is built from: 7, 5 项 added are no stock losing 2 a year (:func:`is_flow_count`)."""
    return bool(counts_things and not flows and values.size >= 2 and _whole_counts(values)
                and values.max() <= _MAX_STOCK)


def is_flow_count(flows: bool, counts_things: bool, values: np.ndarray) -> bool:
    """Yearly flows of a few whole things -- a 〈〉 (five-year sum) row's yearly additions, 新增制定标准 7, 5 项,
    or a history series whose ``measure`` is ``flow`` (口径 当年) -- in a unit that counts things one by one
    (:func:`mstarget.units.counts_things`, a period allowed: 项, 个, 项/年, 批次/年), all whole numbers from 0
    to :data:`mstarget.models.events.MAX_COUNT`: each year's count, the Poisson count with a Gamma yearly rate
    (``event_rate``) draws it -- the same rate every year, read from the recent years, not a trend
    extrapolated from two or three noisy counts, nor a stock (``small_count``) losing what a year added less.
    Larger or fractional flows (〈〉 of 亿元, 30 项 a year) keep the usual model (``pooled_drift``, ``ensemble``);
    flows with a clear trend (:func:`has_count_trend`: 2, 4, 6, 8, 10 项, not one batch after quiet years) are no steady rate either: ``auto``
    gives them ``small_count``, whose yearly steps carry the trend on (a rate read from the five years' mean
    would put 〈50〉 -- last year's 10 held -- at p 0.03)."""
    return bool(_small_flows(flows, counts_things, values) and not has_count_trend(values))


def _small_flows(flows: bool, counts_things: bool, values: np.ndarray) -> bool:
    return bool(flows and counts_things and _whole_counts(values) and values.max() <= MAX_COUNT)


#: significance of the trend test of yearly counts (:func:`has_count_trend`)
COUNT_TREND_LEVEL = 0.05


def has_count_trend(values: np.ndarray) -> bool:
    """Whether yearly counts (4 or more) trend beyond their noise: the Mann-Kendall test (Kendall's tau of
    the counts against the year, two-sided, exact for small series without ties) at
    :data:`COUNT_TREND_LEVEL`. It looks at the order of the years only, so one batch after quiet years
    (0, 0, 0, 2; 2, 2, 2, 9) or lumpy counts (0, 12, 1, 9) are no trend, while 2, 4, 6, 8, 10 (p 0.017)
    and 1, 1, 2, 2, 3, 4, 5, 6, 7, 8 are; four points never are (the smallest p is 0.083)."""
    y = np.asarray(values, dtype=float)
    if y.size < 4 or np.all(y == y[0]):
        return False
    from scipy import stats  # lazy: scipy.stats costs ~0.2 s to import, needed only for a 〈〉 row's counts
    p = stats.kendalltau(np.arange(y.size), y).pvalue
    return bool(np.isfinite(p) and p < COUNT_TREND_LEVEL)


@dataclass
class _Prepared:
    region: str
    indicator: str
    years: np.ndarray
    values: np.ndarray
    bounds: Bounds
    h: int
    spec: ModelSpec
    transform: Transform | None = None
    z: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    #: a stated prior yearly change (natural unit; history column ``prior_change``), or nan
    prior_change: float = float("nan")
    #: pooled prior of the series' indicator (model scale), set by :func:`_attach_peers`
    peer: _pool.PeerPrior | None = None
    #: one reporting unit around the last value on the model scale (:mod:`mstarget.precision`)
    resolution: float = 0.0
    #: the indicator counts incidents (事故 in 起: :func:`mstarget.units.counts_events`)
    counts_events: bool = False
    #: the unit counts a stock of things one by one (项 / 个, not 批次/年: :func:`mstarget.units.counts_things`)
    counts_things: bool = False
    #: the values are yearly flows (a 〈〉 row's yearly additions, a history's ``measure`` ``flow``), never a stock
    flows: bool = False
    #: the unit counts whole things, per period or not (项, 项/年, 批次/年: :func:`mstarget.units.counts_things`)
    counts_flow: bool = False
    #: a share that sampling inspections measure (抽检合格率: :func:`mstarget.units.is_sampling_rate`)
    sampling_rate: bool = False


def _fill_gaps(years: np.ndarray, z: np.ndarray) -> np.ndarray:
    full = np.arange(years[0], years[-1] + 1)
    if full.size == years.size:
        return z
    return np.interp(full, years, z)


def _observed_mask(years: np.ndarray) -> np.ndarray | None:
    """Which years of the gap-filled series (:func:`_fill_gaps`) were observed; ``None`` without gaps."""
    years = np.asarray(years, dtype=int)
    if years[-1] - years[0] + 1 == years.size:
        return None
    return np.isin(np.arange(years[0], years[-1] + 1), years)


def _class_z(p: "_Prepared", z: np.ndarray | None = None) -> np.ndarray:
    """What calibration classes read of a series' model-scale values (smoothness, steadiness): with
    gaps, the observed changes as yearly rates (a change over 3 years counts once, as a third of it
    a year), not the interpolated years, whose identical changes would make any gapped series look
    smooth."""
    z = p.z if z is None else z
    mask = _observed_mask(p.years)
    if mask is None:
        return z
    zo = z[mask]
    rates = np.diff(zo) / np.diff(p.years).astype(float)
    return np.concatenate([[zo[0]], zo[0] + np.cumsum(rates)])


def _effective_spec(spec: ModelSpec, n: int, region: str, indicator: str,
                    notes: list[str]) -> ModelSpec:
    if spec.name == "auto":
        name = auto_model_name(n)
        return ModelSpec(name, label=f"auto:{name}")
    cls = model_class(spec.name)
    if n >= cls.min_points:
        return spec
    for name in FALLBACK:
        if n >= model_class(name).min_points:
            msg = (f"{region}/{indicator}: {n} point(s) is too few for model {spec.display!r} "
                   f"(needs {cls.min_points}); used {name!r} instead")
            warnings.warn(msg, ShortHistoryWarning, stacklevel=4)
            notes.append(msg)
            return ModelSpec(name, label=FALLBACK_PREFIX + name)
    return ModelSpec("naive", label=FALLBACK_PREFIX + "naive")


def _not_a_count(p: "_Prepared") -> ModelSpec:
    """A count model forced (``model="event_rate"`` / ``"small_count"``) on a series that is no count -- a %
    share 5.81, a 万台 figure 28.3 -- would draw whole numbers around it (5.81 -> 6, band 3-10): the recorded
    fallback instead (drift, naive for one point), with a :class:`ModelFallbackWarning` naming the series and the
    figure that is no count (also in the row's note)."""
    v = p.values
    k = int(np.flatnonzero((v < 0) | (v != np.round(v)))[0])
    for name in FALLBACK:
        if v.size >= model_class(name).min_points:
            break
    else:
        name = "naive"
    msg = (f"{p.region}/{p.indicator}: model {p.spec.display!r} draws whole-number counts (0, 1, 2 ... things or "
           f"incidents), but the series is not a count ({int(p.years[k])}: {v[k]:g}); used {name!r} instead. "
           "event_rate / small_count are for whole numbers from 0, such as 事故 0, 1, 0 起 or 标准 1, 2, 3 项"
           "（非计数序列，不适用计数模型）")
    warnings.warn(msg, ModelFallbackWarning, stacklevel=6)
    p.notes.append(msg)
    return ModelSpec(name, label=FALLBACK_PREFIX + name)


def _auto_by_length(prepared: Sequence[_Prepared]) -> list[int]:
    """Resolve ``auto`` as far as the length and the unit decide (``event_rate`` for counts of rare
    incidents, ``pooled_drift`` for 1-7 points, else the ``ensemble``); returns the series whose
    choice still waits for the backtest."""
    idx = [i for i, p in enumerate(prepared) if p.spec.name == "auto"]
    for i in idx:
        p = prepared[i]
        trending = _small_flows(p.flows, p.counts_flow, p.values) and has_count_trend(p.values)
        name = auto_model_name(p.values.size, rare_events=is_rare_event_count(p.counts_events, p.values)
                               or is_flow_count(p.flows, p.counts_flow, p.values),
                               small_count=trending or is_small_count(p.counts_things, p.values, p.flows),
                               growth_rate=bool(getattr(p.bounds, "growth", False)),
                               steady=_steady_long(p), sampling_rate=p.sampling_rate and not _trending_rate(p))
        p.spec = ModelSpec(name, label=f"auto:{name}")
    return [i for i in idx if prepared[i].spec.name == _sel.DEFAULT]


def _steady_long(p: "_Prepared") -> bool:
    """A series of :data:`mstarget.selection.MIN_POINTS` to :data:`~mstarget.selection.STEADY_MAX_POINTS` (8-12)
    points whose yearly changes on the model scale of ``pooled_drift`` (log / logit) are steady: spread below
    :data:`mstarget.selection.STEADY_LONG` of their mean (:func:`mstarget.calibration.smoothness`, the last 7
    observed changes)."""
    if not _sel.MIN_POINTS <= p.values.size <= _sel.STEADY_MAX_POINTS:
        return False
    return _smoothness(p) < _sel.STEADY_LONG


def _trending_rate(p: "_Prepared") -> bool:
    """A rate of sampling inspections of :data:`mstarget.selection.SAMPLING_TREND_POINTS` (4) or more points whose
    yearly changes are as steady as :func:`_steady_long` asks (0.09, 0.085, 0.08, 0.075, 0.07, 0.066 % failing): on a
    trend, not scattering around a level -- ``pooled_drift`` carries it, ``local_level`` would hold it."""
    return p.values.size >= _sel.SAMPLING_TREND_POINTS and _smoothness(p) < _sel.STEADY_LONG


def _smoothness(p: "_Prepared") -> float:
    """:func:`mstarget.calibration.smoothness` of the series on ``pooled_drift``'s model scale (log / logit)."""
    tr = choose_transform(p.bounds, p.values, prefer=model_class(_sel.SHORT).prefer_transform)
    return _cal.smoothness(_class_z(p, _fill_gaps(p.years, tr.forward(p.values))))


def _choose_auto(prepared: Sequence[_Prepared], engine: Engine | None = None,
                 progress: Progress | None = None, *, idx: Sequence[int] | None = None,
                 while_scoring=None) -> None:
    """Resolve ``auto`` per series: ``pooled_drift`` for short series, else a rolling-origin
    backtest choice (see :mod:`mstarget.selection`): the global regressor the backtest shares is
    trained here once, the series are scored in chunks on ``engine``.

    ``idx``: the series still to choose for (:func:`_auto_by_length` already run);
    ``while_scoring()`` is called once the scoring chunks are submitted, before waiting for them.
    """
    engine = engine or Engine()
    progress = progress or Progress(False)
    idx = _auto_by_length(prepared) if idx is None else list(idx)
    if not idx:
        if while_scoring is not None:
            while_scoring()
        return
    zs, priors = [], []
    for i in idx:
        p = prepared[i]
        tr = choose_transform(p.bounds, p.values)
        z = _fill_gaps(p.years, tr.forward(p.values))
        zs.append(z)
        priors.append(tr.noise_prior(z))
    with progress.step(f"auto: learning across {len(idx)} series for the model choice"):
        scoring = _sel.scoring_model(zs, priors)
    chunks = engine.chunks(len(idx))
    batch = engine.submit(_score_chunk, [([zs[j] for j in c], [priors[j] for j in c]) for c in chunks],
                          shared={"scoring": scoring}, priority=_URGENT)
    if while_scoring is not None:
        while_scoring()
    bar = progress.bar(len(idx), "auto: backtesting series", unit="series")
    try:
        parts = batch.results(on_done=lambda k: bar.update(len(chunks[k])))
    finally:
        bar.close()
    for i, name in zip(idx, _sel.pick(np.vstack(parts))):
        prepared[i].spec = ModelSpec(name, label=f"auto:{name}")


def _score_chunk(zs, priors, *, scoring):
    """Engine task: ``auto``'s backtest scores of a chunk of series (:func:`selection.score_series`)."""
    return _sel.score_series(zs, priors, _sel.CANDIDATES, scoring)


def _calibration_key(spec: ModelSpec) -> str:
    return spec.name if not spec.params else spec.display


def _reference_series(panel: Sequence[_Prepared], prefer: str | None = None,
                      gaps: bool = False) -> dict[str, list[np.ndarray]]:
    """Model-scale series of a reference panel (:func:`prepare`-d), per indicator (each with its own
    transform; ``prefer="natural"``: as observed); ``gaps``: a year not observed is NaN (for
    :mod:`mstarget.pooling`), else interpolated."""
    out: dict[str, list[np.ndarray]] = {}
    for p in panel:
        tr = choose_transform(p.bounds, p.values, prefer=prefer)
        z = tr.forward(p.values)
        out.setdefault(p.indicator, []).append(_with_gaps(p.years, z) if gaps else _fill_gaps(p.years, z))
    return out


def _with_gaps(years: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``z`` on every year from the first to the last observed one, NaN where not observed."""
    years = np.asarray(years, dtype=int)
    out = np.full(int(years[-1] - years[0]) + 1, np.nan)
    out[years - years[0]] = z
    return out


def _attach_peers(prepared: Sequence[_Prepared], reference) -> None:
    """Pooled priors (:mod:`mstarget.pooling`) for series whose model uses peers: from the other
    series of the same indicator in this call and in ``reference``; a stated ``prior_change``
    replaces the pooled slope (or, without peers, gives a prior of its own)."""
    idx = [i for i, p in enumerate(prepared) if getattr(model_class(p.spec.name), "uses_peers", False)]
    if not idx:
        return
    panel = prepare(read_history(reference), 1, ModelSpec("naive")) if reference is not None else []
    forecast_indicators = {prepared[i].indicator for i in idx}
    if panel and not forecast_indicators & {q.indicator for q in panel}:
        shown = ", ".join(sorted(map(str, forecast_indicators))[:5])
        warnings.warn(MstargetWarning(
            f"the reference panel holds none of the indicators forecast ({shown}): it lends no peers. "
            "Name its indicators as the history names them (id or 指标名称)（参照面板中没有所预测的指标）"),
            stacklevel=6)
    regions = {p.region for p in prepared} | {q.region for q in panel}
    totals = {r for r in regions if is_total_region(r, regions)}
    if totals and totals != regions:  # a table's total (全市, 合计, 全国) is no peer of its parts, nor they of it
        for is_total in (False, True):
            _pool_peers([p for p in prepared if (p.region in totals) == is_total],
                        [q for q in panel if (q.region in totals) == is_total])
    else:
        _pool_peers(prepared, panel)


def _pool_peers(prepared: Sequence[_Prepared], panel: list) -> None:
    """:func:`_attach_peers` among one group of regions (the parts, or the totals) and its reference series."""
    idx = [i for i, p in enumerate(prepared) if getattr(model_class(p.spec.name), "uses_peers", False)]
    if not idx:
        return
    own = {(p.region, p.indicator) for p in prepared}
    panel = [q for q in panel if (q.region, q.indicator) not in own]  # a series is no peer of itself
    events = [i for i in idx if prepared[i].spec.name == _sel.EVENTS]
    if events:  # counts of incidents: the indicator's yearly rate across its regions
        rates = rate_priors([prepared[i].indicator for i in events], [prepared[i].z for i in events],
                            _reference_series(panel, prefer="natural"))
        for i in events:
            prepared[i].peer = rates.get(prepared[i].indicator)
        idx = sorted(set(idx) - set(events))
    stocks = [i for i in idx if prepared[i].spec.name == _sel.SMALL_COUNTS]
    if stocks:  # a handful of whole things: the indicator's rates of additions and removals
        moves = change_priors([prepared[i].indicator for i in stocks], [prepared[i].z for i in stocks],
                              _reference_series(panel, prefer="natural"))
        for i in stocks:
            prepared[i].peer = moves.get(prepared[i].indicator)
        idx = sorted(set(idx) - set(stocks))
    if not idx:
        return
    reference_series = _reference_series(panel, gaps=True)
    own = [_with_gaps(prepared[i].years, prepared[i].transform.forward(prepared[i].values)) for i in idx]
    priors = _pool.pooled_priors([prepared[i].indicator for i in idx], own, reference_series)
    _warn_too_few_peers([(prepared[i].indicator, z) for i, z in zip(idx, own)], reference_series, priors)
    for i in idx:
        p = prepared[i]
        p.peer = priors.get(p.indicator)
        if np.isfinite(p.prior_change):
            last = float(p.values[-1])
            b = float(p.transform.forward(np.array([last + p.prior_change]))[0] - p.z[-1])
            if p.peer is not None:
                p.peer = p.peer.with_slope(b)
            else:
                s = p.transform.noise_prior(p.z)
                p.peer = _pool.PeerPrior(b, s, s, 0)


def _warn_too_few_peers(series: Sequence[tuple[str, np.ndarray]], reference: Mapping, priors: Mapping) -> None:
    """One warning naming the indicators with several series in the call (or the reference panel,
    model scale) but fewer than :data:`mstarget.pooling.MIN_PEERS` with a yearly change: they are
    forecast alone, which a user who passed several regions would otherwise not know."""
    counts: dict = {}
    called = {ind for ind, _ in series}  # a reference panel's other indicators are not forecast here
    for ind, z in [*series, *((g, z) for g, zs in reference.items() if g in called for z in zs)]:
        n, changing = counts.get(ind, (0, 0))
        counts[ind] = (n + 1, changing + int(np.isfinite(np.asarray(z, dtype=float)).sum() >= 2))
    few = [(ind, c) for ind, (n, c) in counts.items() if ind not in priors and n >= 2]
    if not few:
        return
    shown = ", ".join(f"{ind} ({c} with a yearly change)" for ind, c in few[:5]) + \
        (f" and {len(few) - 5} more" if len(few) > 5 else "")
    warnings.warn(FewPeersWarning(
        f"too few regions to pool for {shown}: an indicator's trend and noise are pooled across at least "
        f"{_pool.MIN_PEERS} series with a yearly change, so each of these is forecast from its own history alone. "
        "Add its other regions to the call or pass reference= a panel of them（同一指标的地区少于"
        f"{_pool.MIN_PEERS}个，未汇合各地区趋势，各自单独预测）"), stacklevel=7)


#: task priorities on an engine that honours them (:meth:`Engine.submit`; Dask): the backtest
#: scoring that the model choice waits for, then the chunks of chosen models, then the filler
#: chunks sent early to keep the workers busy while this process learns
_URGENT, _CHOSEN, _FILLER = 2, 1, 0

#: what a model group learned when its cross-series learning failed (then fitted per series)
_LEARNING_FAILED = "learning failed"


def forecast_series(prepared: Sequence[_Prepared], *, n_paths: int, seed: int,
                    progress: bool = False, calibration="default",
                    reference=None, engine: Engine | None = None) -> list[SeriesForecast]:
    """Fit and sample every prepared series (joint paths kept): :func:`run_series` without a
    reduction."""
    return run_series(prepared, n_paths=n_paths, seed=seed, progress=progress,
                      calibration=calibration, reference=reference, engine=engine)


def run_series(prepared: Sequence[_Prepared], *, n_paths: int, seed: int, progress=False,
               calibration="default", reference=None, engine: Engine | None = None,
               reduce=None, extras: Sequence | None = None, keep=None) -> list:
    """Fit, sample and (optionally) reduce every prepared series, in chunks on ``engine``.

    First, in this process, what is learned across series: ``auto``'s choice (its backtest runs
    in chunks too), transforms, pooled priors per indicator (:mod:`mstarget.pooling`) and, per
    group of series sharing a model, :meth:`~mstarget.models.base.Forecaster.learn_shared` (the
    global model's regressor). Then each chunk of a group fits its series with that, draws each
    series' seeded joint paths, calibrates them and -- with ``reduce`` -- reduces them at once
    to what the caller needs, so a chunk holds one series' paths at a time. A group's chunks are
    submitted as soon as its model and what it learned are known: with ``auto``, the short
    series' ``pooled_drift`` chunks run on the workers while this process learns the backtest's
    scoring model and, after the choice, the ensemble's global member (:meth:`Engine.submit`).

    Parameters
    ----------
    prepared : sequence of _Prepared
        From :func:`prepare`.
    n_paths, seed : int
        Sample paths per series; seed of every series' generator.
    progress : bool or Progress
    calibration : "default", None or Calibration
        ``"default"`` (shipped factors, for the models they cover), ``None`` (raw model paths).
    reference : DataFrame or path, optional
        A peer panel for models that pool across the regions of an indicator.
    engine : Engine, optional
        Where the chunks run (default: this process).
    reduce : callable, optional
        Module-level function ``reduce(series_forecast, extra)``, run where the chunk runs; its
        result replaces the :class:`SeriesForecast` (with its paths) in the returned list.
    extras : sequence, optional
        ``extras[i]`` is passed to ``reduce`` with series ``i`` (default None).
    keep : callable, optional
        ``keep(indices, results)``, called in this process as each chunk's results arrive
        (``results[j]`` is series ``indices[j]``'s); what it returns is kept instead (e.g. with
        details nobody will look at dropped, so memory does not grow with them).

    Returns
    -------
    list
        One entry per prepared series, in order: ``reduce(...)``'s result, or the
        :class:`SeriesForecast`.
    """
    engine = engine or Engine()
    progress = Progress.of(progress)
    cal = _cal.resolve_calibration(calibration)
    extras = list(extras) if extras is not None else [None] * len(prepared)
    run = _Run(prepared, engine, progress, extras,
               {"cal": cal, "n_paths": n_paths, "seed": seed, "reduce": reduce})
    try:
        waiting = set(_auto_by_length(prepared))
        # series whose model is already known start on the workers while this process learns
        # auto's choice; possible when no candidate pools peers (the pooled priors of an indicator
        # would otherwise depend on the choice)
        early = not any(getattr(model_class(c), "uses_peers", False) for c in _sel.CANDIDATES)
        first = [i for i in range(len(prepared)) if i not in waiting] if early and waiting else []
        if first:
            run.set_models(first, reference)
            plain, learning = run.groups(first)
            # filler for the workers while this process learns auto's scoring model and, after
            # the choice, the ensemble's global member: on Dask all of it now, at the lowest
            # priority (the scoring chunks and the chosen groups overtake what is left of it);
            # elsewhere tasks run in the order they were sent: half now, half behind the scoring
            # chunks
            half = len(plain) if engine.by_priority else (len(plain) + 1) // 2
            run.submit(plain[:half], priority=_FILLER)
            run.submit(run.learn(learning), priority=_FILLER)
            _choose_auto(prepared, engine, progress, idx=sorted(waiting),
                         while_scoring=lambda: run.submit(plain[half:], priority=_FILLER))
        else:
            _choose_auto(prepared, engine, progress, idx=sorted(waiting))
        started = set(first)
        chosen = [i for i in range(len(prepared)) if i not in started]
        run.set_models(chosen, reference)
        plain, learning = run.groups(chosen)
        run.submit(plain, priority=_CHOSEN)
        run.submit(run.learn(learning), priority=_CHOSEN)
        return run.collect(keep)
    except BaseException:
        run.cancel()
        raise


class _Run:
    """The chunks of one :func:`run_series` call: series given their model, grouped by model,
    what each group learns across its series, and the batches submitted to the engine."""

    def __init__(self, prepared, engine: Engine, progress: Progress, extras: list, shared: dict):
        self.prepared, self.engine, self.progress, self.extras = prepared, engine, progress, extras
        self.shared = shared
        self.batches: list = []  # (Batch, series of each task)

    def set_models(self, idx: Sequence[int], reference) -> None:
        """Each series' effective model (with recorded fallbacks), transform and model-scale
        values; pooled priors for the series whose model uses peers."""
        decimals = dict(zip(idx, reported_decimals_many([self.prepared[i].values for i in idx]).tolist()))
        for i in idx:
            p = self.prepared[i]
            n = p.values.size
            if n == 1:
                msg = (f"{p.region}/{p.indicator}: a single observation; the forecast has no trend "
                       "information and its interval is wide")
                warnings.warn(msg, ShortHistoryWarning, stacklevel=5)
                p.notes.append(msg)
            p.spec = _effective_spec(p.spec, n, p.region, p.indicator, p.notes)
            if p.spec.name in _COUNT_MODELS and not _whole_counts(p.values):
                p.spec = _not_a_count(p)
            cls = model_class(p.spec.name)
            p.transform = choose_transform(p.bounds, p.values, prefer=cls.prefer_transform)
            p.z = _fill_gaps(p.years, p.transform.forward(p.values))
            p.resolution = model_scale_unit(p.transform, p.values, unit=10.0 ** -decimals[i])
        _attach_peers([self.prepared[i] for i in idx], reference)

    def groups(self, idx: Sequence[int]) -> tuple[list, list]:
        """The series ``idx`` grouped by model: the chunk tasks of the groups that learn nothing
        across series (they can start at once), and the groups that do (:meth:`learn`)."""
        groups: dict[tuple, list[int]] = {}
        for i in idx:
            spec = self.prepared[i].spec
            groups.setdefault((spec.name, repr(sorted(spec.params.items()))), []).append(i)  # params may hold lists
        plain, learning = [], []
        for key, g in groups.items():
            cls = model_class(self.prepared[g[0]].spec.name)
            if cls.needs_bounds or cls.learn_shared.__func__ is not Forecaster.learn_shared.__func__:
                learning.append((key, g))
            else:  # the contract's default: nothing learned across series (None)
                plain += self._chunks(key, g, None)
        return plain, learning

    def learn(self, groups: list) -> list:
        """Chunk tasks of groups that learn across their series, each after its learning
        (:meth:`~mstarget.models.base.Forecaster.learn_shared`, in this process)."""
        out = []
        for key, g in groups:
            spec = self.prepared[g[0]].spec
            cls = model_class(spec.name)
            learned = None
            if not cls.needs_bounds:  # a model that needs each series' bounds is fitted one by one
                ys = [self.prepared[i].z for i in g]
                priors = [self.prepared[i].transform.noise_prior(self.prepared[i].z) for i in g]
                with self.progress.step(f"{spec.display}: learning across {len(g)} series"):
                    try:
                        learned = cls.learn_shared(ys, priors, **spec.params)
                    except ModelFitError:
                        learned = _LEARNING_FAILED  # fit one by one, with recorded fallbacks
            out += self._chunks(key, g, learned)
        return out

    def _chunks(self, key, g: list[int], learned) -> list:
        # a model fitted series by series (Prophet: a second each) is worth spreading finely
        min_size = 1 if model_class(self.prepared[g[0]].spec.name).needs_bounds else MIN_CHUNK
        return [([g[j] for j in c], key, learned) for c in self.engine.chunks(len(g), min_size=min_size)]

    def submit(self, tasks: list, priority: int = 0) -> None:
        """Send chunk tasks (from :meth:`groups` / :meth:`learn`) to the engine
        (:meth:`Engine.submit`'s ``priority``)."""
        if not tasks:
            return
        args = [([self.prepared[i] for i in part], key, [self.extras[i] for i in part])
                for part, key, _ in tasks]
        learned = {key: value for _, key, value in tasks}
        batch = self.engine.submit(_forecast_chunk, args, shared={"learned": learned, **self.shared},
                                   priority=priority)
        self.batches.append((batch, [part for part, _, _ in tasks]))

    def collect(self, keep=None) -> list:
        """Every series' result, in the order of ``prepared`` (waits for the batches; results
        are read as they come, whatever their batch); ``keep(indices, results)`` as in
        :func:`run_series`."""
        out: list = [None] * len(self.prepared)
        bar = self.progress.bar(len(self.prepared), "forecasting series", unit="series")
        batches = [batch for batch, _ in self.batches]
        chunk_keep = None if keep is None else (lambda b, k, value: keep(self.batches[b][1][k], value))
        try:
            done = collect(batches, on_done=lambda b, k: bar.update(len(self.batches[b][1][k])),
                           keep=chunk_keep)
        finally:
            bar.close()
        for (_, parts), results in zip(self.batches, done):
            for part, chunk in zip(parts, results):
                for i, r in zip(part, chunk):
                    out[i] = r
        self.batches = []
        return out

    def cancel(self) -> None:
        for batch, _ in self.batches:
            batch.cancel()
        self.batches = []


def _forecast_chunk(items: Sequence[_Prepared], key: tuple, extras: Sequence, *, learned: dict, cal,
                    n_paths: int, seed: int, reduce) -> list:
    """Engine task: fit a chunk of series sharing a model (with what the group learned across
    all its series), sample, calibrate and reduce each series in turn."""
    spec = items[0].spec
    cls = model_class(spec.name)
    shared = learned.get(key, _LEARNING_FAILED)
    fitted = [None] * len(items)
    if not cls.needs_bounds and not (isinstance(shared, str) and shared == _LEARNING_FAILED):
        ys = [p.z for p in items]
        priors = [p.transform.noise_prior(p.z) for p in items]
        extra = ({"peers": [p.peer for p in items], "resolutions": [p.resolution for p in items]}
                 if getattr(cls, "uses_peers", False) else {})
        if getattr(cls, "uses_gaps", False):
            extra["observed"] = [_observed_mask(p.years) for p in items]
        try:
            fitted = cls.fit_shared(ys, priors, shared, **extra, **spec.params)
        except ModelFitError:
            fitted = [None] * len(items)  # fit one by one below, with recorded fallbacks
    out = []
    for p, model, ex in zip(items, fitted, extras):
        sf = _sample_one(p, model, p.spec, n_paths, seed, cal)
        out.append(reduce(sf, ex) if reduce is not None else sf)
    return out


#: models of a handful of whole things (incidents, small stocks): a 2 among 0s is no entry error to ask about
_COUNT_MODELS = ("event_rate", "small_count")


def _sample_one(p: _Prepared, model: Forecaster | None, spec: ModelSpec, n_paths: int,
                seed: int, cal=None) -> SeriesForecast:
    used = spec.display
    prior = p.transform.noise_prior(p.z)
    if model is None:
        try:
            model = spec.build()
            if model.needs_bounds:
                model.use_bounds(p.bounds, p.transform)
            extra = ({"peer": p.peer, "resolution": p.resolution}
                     if getattr(model, "uses_peers", False) else {})
            if getattr(model, "uses_gaps", False):
                extra["observed"] = _observed_mask(p.years)
            model = model.fit(p.z, noise_prior=prior, **extra)
        except ModelFitError as exc:  # a model that cannot fit this series: the recorded fallback
            for name in FALLBACK:
                if p.z.size >= model_class(name).min_points:
                    break
            msg = (f"{p.region}/{p.indicator}: model {spec.display!r} failed to fit "
                   f"({exc}); used {name!r} instead")
            warnings.warn(msg, ModelFallbackWarning, stacklevel=4)
            p.notes.append(msg)
            model, used = model_class(name)().fit(p.z, noise_prior=prior), FALLBACK_PREFIX + name
            spec = ModelSpec(name)
    notes = list(getattr(model, "notes_", ()))
    back = getattr(model, "spike_back_", None)
    if back is not None:  # a one-year spike: its note names the calendar year, not a position
        said = _spike_note(back)
        notes = [_spike_note(back, int(p.years[-1]) - back) if n == said else n for n in notes]
    elif not hasattr(model, "spike_back_") and spec.name not in _COUNT_MODELS:  # the ensemble of 8+ points: the
        spike = spike_index(p.transform.forward(p.values))  # spike asked about all the same (not 0, 0, 2, 0, 0 起)
        if spike is not None:
            notes.append(spike_kept_note(int(p.years[spike])))
    p.notes.extend(n for n in notes if n not in p.notes)
    rng = series_rng(seed, p.region, p.indicator)
    z_paths = np.asarray(model.sample_paths(p.h, n_paths, rng), dtype=float)
    key = _calibration_key(spec)
    peers = _has_peers(p, model)
    if cal is not None and cal.has(key):
        zc = _class_z(p)
        z_paths = _cal.apply(z_paths, cal.factors_for(key, p.values.size, p.h, _cal.is_steady(zc),
                                                      z=zc, peers=_peer_feature(p, model)),
                             None if np.isfinite(p.prior_change) else  # a stated trend is kept
                             cal.shift_for(key, p.values.size, p.h, z=zc, peers=_peer_feature(p, model)),
                             float(p.z[-1]), transform=p.transform)  # near a bound: capped in natural units
    paths = snap_to_bounds(p.transform.inverse(z_paths), p.bounds, p.values, p.transform.edge)
    last = int(p.years[-1])
    return SeriesForecast(p.region, p.indicator, p.years, p.values,
                          np.arange(last + 1, last + 1 + p.h), paths, used, p.bounds,
                          p.transform.name, p.notes, p.transform,
                          p.peer.n_peers if peers else 0, p.peer.agreement if peers else float("nan"))


def _has_peers(p: _Prepared, model) -> bool:
    return bool(getattr(model, "uses_peers", False) and p.peer is not None and p.peer.n_peers > 0)


def _peer_feature(p: _Prepared, model):
    """What calibration classes need about the peers: ``False`` or their agreement share."""
    return p.peer.agreement if _has_peers(p, model) else False


def _check_levels(levels: Iterable[int]) -> tuple[int, ...]:
    return check_levels(levels, "forecast")


def quantile_table(sf: SeriesForecast, levels: Sequence[int]) -> pd.DataFrame:
    """Summaries of one series' paths: one row per future year."""
    paths = sf.paths
    data = {
        "region": sf.region, "indicator": sf.indicator, "year": sf.future_years.astype(int),
        "mean": sorted_mean(np.sort(paths, axis=0)), "median": np.median(paths, axis=0),
    }
    for lv in levels:
        a = (100 - lv) / 200
        data[f"lo_{lv}"] = np.quantile(paths, a, axis=0)
        data[f"hi_{lv}"] = np.quantile(paths, 1 - a, axis=0)
    data["model"] = sf.model
    return pd.DataFrame(data)


def _groups(history: pd.DataFrame):
    """(region, indicator, row positions sorted by year) per series, in order of first appearance."""
    codes, regions, indicators = _series_codes(history)
    order = np.lexsort((history["year"].to_numpy(), codes))
    cuts = np.flatnonzero(np.diff(codes[order])) + 1
    for pos in np.split(order, cuts):
        if pos.size:
            k = codes[pos[0]]
            yield regions[k], indicators[k], pos


def _series_codes(history: pd.DataFrame):
    """Series number of every row (in order of first appearance) and each series' region and
    indicator, as plain arrays (a MultiIndex lookup per series costs more than the series)."""
    # factorized as stored: a pandas 3 text column made into a Python string per row costs ~100 MB at 100,000 series
    r_codes, r_uni = pd.factorize(history["region"])
    i_codes, i_uni = pd.factorize(history["indicator"])
    codes, pairs = pd.factorize(r_codes.astype(np.int64) * max(len(i_uni), 1) + i_codes)
    n_ind = max(len(i_uni), 1)
    return codes, np.asarray(r_uni)[pairs // n_ind], np.asarray(i_uni)[pairs % n_ind]


class _Coded:
    """A text column read at a few rows (``column[pos]``: the cell, a missing one NaN) from its integer codes and
    distinct values, not as an array of a Python string per row."""

    def __init__(self, column: pd.Series):
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        self.codes, self.uniques = codes, np.asarray(uniques, dtype=object)

    def __getitem__(self, pos):
        return self.uniques[self.codes[pos]]


class _BoundsOf:
    """Natural bounds of each series of a history (:meth:`__call__`), reading the columns once and
    deciding each distinct (unit, name, declared bounds, sign) once: a country-sized call has
    100,000 series but a few dozen indicators."""

    def __init__(self, history: pd.DataFrame, bounds: Mapping | None):
        self.bounds = bounds or {}
        self.units = _Coded(history["unit"]) if "unit" in history else None
        self.names = _Coded(history["name"]) if "name" in history else None
        self.lower = history["lower"].to_numpy() if "lower" in history else None
        self.upper = history["upper"].to_numpy() if "upper" in history else None
        self.cache: dict = {}

    def __call__(self, region, indicator, pos, values: np.ndarray) -> Bounds:
        b = self.bounds.get((region, indicator), self.bounds.get(indicator))
        if isinstance(b, Bounds):
            return b
        lo, hi = (b if b is not None else (None, None))
        first = pos[0]
        unit = self.units[first] if self.units is not None else None
        # the history's own name and declared bounds (read_history columns)
        name = f"{self.names[first]} {indicator}" if self.names is not None else indicator
        if lo is None and self.lower is not None:
            lo = self.lower[first]
        if hi is None and self.upper is not None:
            hi = self.upper[first]
        lo = None if lo is None or pd.isna(lo) else lo
        hi = None if hi is None or pd.isna(hi) else hi
        finite = values[np.isfinite(values)]
        nonneg = bool(finite.size == 0 or finite.min() >= 0)
        key = (unit, name, lo, hi, nonneg)
        try:
            return self.cache[key]
        except (KeyError, TypeError):  # TypeError: an unhashable cell
            out = Bounds.for_unit(unit, [] if nonneg else [-1.0], lo, hi, name=name)
        try:
            self.cache[key] = out
        except TypeError:
            pass
        return out

    def counts_events(self, indicator, pos) -> bool:
        """The series counts incidents (:func:`mstarget.units.counts_events`), by its unit and name."""
        unit = self.units[pos[0]] if self.units is not None else None
        name = self.names[pos[0]] if self.names is not None else None
        return _counts_events(unit if isinstance(unit, str) else None, name if isinstance(name, str) else None,
                              str(indicator))

    def sampling_rate(self, indicator, pos) -> bool:
        """The series is a share that sampling inspections measure (:func:`mstarget.units.is_sampling_rate`:
        抽检合格率 in %), by its unit and name."""
        unit = self.units[pos[0]] if self.units is not None else None
        name = self.names[pos[0]] if self.names is not None else None
        return is_sampling_rate(unit if isinstance(unit, str) else None, name if isinstance(name, str) else None,
                                str(indicator))

    def counts_things(self, pos) -> bool:
        """The series' unit counts a stock of things one by one (项 / 个 / 家, not the yearly flow 批次/年:
        9, 10, 8, 11 batches a year are not added to and removed from like a stock of standards), which
        ``auto`` may forecast with ``small_count``."""
        unit = self.units[pos[0]] if self.units is not None else None
        return counts_things(unit if isinstance(unit, str) else None, per_period=False)

    def counts_flow(self, pos) -> bool:
        """The series' unit counts whole things, per period or not (项, 项/年, 批次/年): yearly flows of them
        (:attr:`_Prepared.flows`) are counts a year (:func:`is_flow_count`)."""
        unit = self.units[pos[0]] if self.units is not None else None
        return counts_things(unit if isinstance(unit, str) else None, per_period=True)


@functools.lru_cache(maxsize=4096)
def _counts_events(unit, name, indicator) -> bool:
    """:func:`mstarget.units.counts_events`, decided once per distinct unit and names (a country's
    history repeats a few dozen indicators across thousands of regions)."""
    return counts_events(unit, name, indicator)


def series_bounds(history: pd.DataFrame, bounds: Mapping | None = None) -> dict[tuple[str, str], Bounds]:
    """Natural bounds per (region, indicator): explicit ``bounds`` entries win over the unit rule."""
    bounds_of = _BoundsOf(history, bounds)
    vals = history["value"].to_numpy(dtype=float)
    return {(region, indicator): bounds_of(region, indicator, pos, vals[pos])
            for region, indicator, pos in _groups(history)}


def _warn_blank_series(hist: pd.DataFrame) -> None:
    """Warn of the series (region, indicator) whose every value is blank: they have nothing to forecast from and
    are left out of the result, which would otherwise not say they were in the table."""
    if hist.empty:
        return
    has = hist["value"].notna().groupby([hist["region"], hist["indicator"]], sort=False).any()
    blank = [f"{r}/{i}" for (r, i), ok in has.items() if not ok]
    if blank:
        shown = "、".join(blank[:10]) + (f" and {len(blank) - 10} more" if len(blank) > 10 else "")
        warnings.warn(MstargetWarning(
            f"{len(blank)} series ha{'s' if len(blank) == 1 else 've'} no value in any year and "
            f"{'is' if len(blank) == 1 else 'are'} not forecast: {shown}（该指标各年均无数据，未作预测）"), stacklevel=4)


def prepare(history: pd.DataFrame, horizons: Mapping[tuple[str, str], int] | int,
            spec: ModelSpec, bounds: Mapping | None = None, flows=None, sampling=None) -> list[_Prepared]:
    """Group a validated history into per-series inputs (skipping series with no usable value).
    ``flows``: the ``(region, indicator)`` series whose values are yearly flows (a 〈〉 row's); a series
    whose ``measure`` column says ``flow`` is one too, one that says ``stock`` never. ``sampling``: the series that are
    rates of sampling inspections by the plan's row (the history's own unit and name are read too:
    :func:`mstarget.units.is_sampling_rate`)."""
    bounds_of = _BoundsOf(history, bounds)
    flows = set(flows or ())
    sampling = set(sampling or ())
    measure = history["measure"].to_numpy(dtype=object) if "measure" in history else None
    vals = history["value"].to_numpy(dtype=float)
    years = history["year"].to_numpy()
    stated = (pd.to_numeric(history["prior_change"], errors="coerce").to_numpy(dtype=float)
              if "prior_change" in history else None)
    out, outside = [], []
    for region, indicator, pos in _groups(history):
        v = vals[pos]
        b = bounds_of(region, indicator, pos, v)
        ok = ~np.isnan(v)
        if not ok.any():
            continue
        beyond = ((v < b.lower) if b.lower is not None else np.zeros(len(v), bool)) | \
            ((v > b.upper) if b.upper is not None else np.zeros(len(v), bool))
        if beyond.any():  # bounds= (0, 1) beside values 5, 6, 7: every path would be the bound
            k = int(np.flatnonzero(beyond)[0])
            outside.append(f"{region}/{indicator}: {int(years[pos][k])} is {v[k]:g}, outside its bounds "
                           f"[{'-inf' if b.lower is None else f'{b.lower:g}'}, "
                           f"{'inf' if b.upper is None else f'{b.upper:g}'}]")
            continue
        h = horizons if isinstance(horizons, int) else horizons.get((region, indicator))
        if not h or h < 1:
            continue
        pc = stated[pos] if stated is not None else np.array([])
        pc = pc[np.isfinite(pc)]
        said = set(measure[pos]) if measure is not None else set()
        flow = "stock" not in said and ((region, indicator) in flows or "flow" in said)
        out.append(_Prepared(str(region), str(indicator), years[pos][ok].astype(int), v[ok], b,
                             int(h), spec, prior_change=float(pc[-1]) if pc.size else float("nan"),
                             counts_events=bounds_of.counts_events(indicator, pos),
                             counts_things=bounds_of.counts_things(pos), flows=flow,
                             counts_flow=flow and bounds_of.counts_flow(pos),
                             sampling_rate=(region, indicator) in sampling or bounds_of.sampling_rate(indicator, pos)))
    if outside:
        more = f"; and {len(outside) - 10} more series" if len(outside) > 10 else ""
        raise DataValidationError(
            f"{len(outside)} series {'has' if len(outside) == 1 else 'have'} values outside the bounds they are "
            f"forecast within: {'; '.join(outside[:10])}{more}. Expected values within the bounds given by "
            "bounds= (or the history's lower / upper columns, or a % share's 0-100): correct the values or the "
            "bounds（数值超出给定的取值范围：请改正数值或范围）")
    return out


def forecast(history, horizon: int = 3, model="auto", levels=DEFAULT_LEVELS, seed: int = 0, *,
             n_paths: int = DEFAULT_PATHS, as_of: int | None = None, bounds: Mapping | None = None,
             progress: bool = False, calibration="default", reference=None, backend: str = "serial",
             n_jobs: int | None = None, scheduler: str | None = None,
             region: str | None = None) -> pd.DataFrame:
    """Probabilistic forecasts of every series in a history table.

    Parameters
    ----------
    history : DataFrame or path
        Long table ``region, indicator, year, value`` (optional ``unit``), see :func:`read_history`.
    horizon : int
        Years ahead of each series' last observation (1-50).
    model : str or ModelSpec
        A registered name, a spec file, or ``"auto"`` (per-series choice, see
        :mod:`mstarget.selection`; the ``model`` column then reads ``auto:<chosen>``).
    levels : sequence of int
        Central interval levels in %, e.g. ``(80, 95)`` gives ``lo_80, hi_80, lo_95, hi_95``.
    seed : int
        Seed of the sample paths; the same seed gives the same table.
    n_paths : int
        Sample paths per series (default 2000).
    as_of : int, optional
        Use only observations with ``year <= as_of``.
    bounds : mapping, optional
        ``{(region, indicator) or indicator: (lower, upper) | Bounds}`` overriding the unit rule
        (``%`` -> [0, 100], otherwise >= 0 when all values are >= 0).
    calibration : "default", None, Calibration or path
        Interval calibration (see :mod:`mstarget.calibration`): the shipped factors cover
        ``auto`` and its candidates; ``None`` gives each model's raw intervals; a
        :class:`~mstarget.calibration.Calibration` (e.g. from ``calibration.learn(panel)``) your own,
        or the ``.json`` file it was saved to (``Calibration.save``, ``mstarget calibrate``).
    reference : DataFrame or path, optional
        A peer panel (long history of many regions): short series borrow the yearly change and
        noise of the regions of the same indicator in it and in ``history`` itself
        (:mod:`mstarget.pooling`; used by ``pooled_drift``, ``auto``'s model for 1-7 points).
        An optional ``prior_change`` column of ``history`` states a prior yearly change per series.
    backend, n_jobs, scheduler : str, int, str
        Where the series are forecast, in chunks: ``"serial"`` (this process), ``"loky"``
        (``n_jobs`` local processes) or ``"dask"`` (the scheduler at ``scheduler``, else
        ``$MSTARGET_DASK_SCHEDULER``, else a local cluster reused by later calls); see
        :mod:`mstarget.engine`. The same seed gives the same table on every backend.
    progress : bool
        Report progress on standard error (steps and a bar over series).
    region : str, optional
        Region of a history without a region column (a district's own table), and of rows whose
        region cell is blank (as :func:`read_history`'s ``region``; command line: ``--region``).
        It names, it does not filter: a history with its own region column keeps it.

    Returns
    -------
    DataFrame
        One row per series and future year: ``region, indicator, year, mean, median,
        lo_<L>, hi_<L> for each level, model``. Values are in each indicator's own unit.
        ``mean`` is the paths' mean with the extreme 2.5 % at each end capped, so it never lies
        outside the 95 % band (a short series forecast on a log scale has no finite plain mean).
    """
    # argument types first, before any work (issue 14)
    check_table(history, "history", "forecast")
    check_horizon(horizon, "forecast")
    levels = check_levels(levels, "forecast")
    check_seed(seed, "forecast")
    engine = Engine.of(backend, n_jobs, scheduler, caller="forecast")
    return _forecast_table(history, horizon, model, levels, seed, n_paths=n_paths, as_of=as_of,
                           bounds=bounds, progress=progress, calibration=calibration,
                           reference=reference, engine=engine, region=region)


def _forecast_table(history, horizon, model, levels, seed, *, n_paths, as_of, bounds, progress,
                    calibration, reference=None, engine: Engine | None = None,
                    region: str | None = None) -> pd.DataFrame:
    lv = _check_levels(levels)
    probs = [0.5] + [p for level in lv for p in ((100 - level) / 200, 1 - (100 - level) / 200)]
    summaries = run_forecast(history, horizon, model=model, seed=seed, n_paths=n_paths,
                             as_of=as_of, bounds=bounds, progress=progress,
                             calibration=calibration, reference=reference, engine=engine,
                             reduce=summarise_paths, extra=tuple(probs), require_data=True,
                             region=region)
    cols = ["region", "indicator", "year", "mean", "median"]
    cols += [c for level in lv for c in (f"lo_{level}", f"hi_{level}")] + ["model"]
    if not summaries:
        return pd.DataFrame(columns=cols)
    return _bulk_table(summaries, lv)[cols]


def summarise_paths(sf: SeriesForecast, probs) -> tuple:
    """A series' paths reduced to what the forecast table holds (run where the chunk runs):
    ``(region, indicator, future_years, mean (h,), quantiles (len(probs), h), model)``; the mean
    caps the extreme 2.5 % of paths at each end, so it lies inside the 95 % band (:func:`mstarget.quantiles.sorted_mean`)."""
    s = np.sort(sf.paths, axis=0)
    return (sf.region, sf.indicator, sf.future_years.astype(int), sorted_mean(s),
            sorted_quantiles(s, probs), sf.model)


def _bulk_table(summaries: Sequence[tuple], levels: Sequence) -> pd.DataFrame:
    """The forecast table from :func:`summarise_paths` results, built in one go (fast)."""
    qs, means, reg, ind, yrs, mods = [], [], [], [], [], []
    for region, indicator, years, mean, q, model in summaries:
        h = years.size
        qs.append(q.T)
        means.append(mean)
        reg += [region] * h
        ind += [indicator] * h
        mods += [model] * h
        yrs.append(years)
    q = np.vstack(qs)
    data = {"region": reg, "indicator": ind, "year": np.concatenate(yrs),
            "mean": np.concatenate(means), "median": q[:, 0]}
    for k, lv in enumerate(levels):
        data[f"lo_{lv}"] = q[:, 1 + 2 * k]
        data[f"hi_{lv}"] = q[:, 2 + 2 * k]
    data["model"] = mods
    return pd.DataFrame(data)


def forecast_paths(history, horizon: int | Mapping[tuple[str, str], int], *, model="auto",
                   seed: int = 0, n_paths: int = DEFAULT_PATHS, as_of: int | None = None,
                   bounds: Mapping | None = None, progress: bool = False,
                   calibration="default", reference=None, backend: str = "serial",
                   n_jobs: int | None = None, scheduler: str | None = None) -> list[SeriesForecast]:
    """Like :func:`forecast` but returns the joint sample paths of every series.

    ``horizon`` may be a mapping ``{(region, indicator): h}`` to forecast each series only as far
    as needed; series missing from it are skipped. Every path is kept (``n_paths x h`` floats
    per series): for many series use :func:`forecast`, whose chunks keep only quantiles.
    """
    engine = Engine.of(backend, n_jobs, scheduler, caller="forecast")
    return run_forecast(history, horizon, model=model, seed=seed, n_paths=n_paths, as_of=as_of,
                        bounds=bounds, progress=progress, calibration=calibration,
                        reference=reference, engine=engine, require_data=True)


def run_forecast(history, horizon, *, model="auto", seed: int = 0, n_paths: int = DEFAULT_PATHS,
                 as_of: int | None = None, bounds: Mapping | None = None, progress=False,
                 calibration="default", reference=None, engine: Engine | None = None,
                 reduce=None, extra=None, extras: Mapping | None = None, keep=None,
                 require_data: bool = False, region: str | None = None, flows=None, sampling=None) -> list:
    """Read, prepare and run every series (:func:`run_series`); ``flows``: the ``(region, indicator)``
    series whose values are yearly flows (:func:`prepare`: a 〈〉 row's, as ``assess`` says); ``sampling``: those the plan
    names a rate of sampling inspections (its row's 药品抽检合格率 in %, where the history gives no name or unit); ``extra`` goes to ``reduce``
    with every series, or ``extras[(region, indicator)]`` with that series; ``keep`` as in
    :func:`run_series`. ``require_data``: a history without a single observation is refused
    (:class:`DataValidationError`) rather than giving an empty result (``forecast`` /
    ``forecast_paths``; ``assess`` may assess from the plan's own figures alone). ``region``: the region of
    a history without a region column (:func:`read_history`)."""
    check_horizon(horizon, "forecast", mapping=True)
    if not (isinstance(n_paths, (int, np.integer)) and 10 <= n_paths <= 1_000_000):
        raise ParameterError.invalid("n_paths", "forecast", "an int in [10, 1000000]", n_paths)
    check_seed(seed, "forecast")
    check_year(as_of, "as_of", "forecast", optional=True)
    progress = Progress.of(progress)
    with progress.step("reading the history") if not isinstance(history, pd.DataFrame) else nullcontext():
        hist = read_history(history, region=region)
    if require_data and not hist["value"].notna().any():
        source = "<DataFrame>" if isinstance(history, pd.DataFrame) else str(history)
        raise DataValidationError(
            f"the history has {'no rows' if hist.empty else 'no value in any row'}, so there is nothing to "
            "forecast: expected one row per region, indicator and year with its value（历史数据为空）",
            source=source)
    if require_data:
        _warn_blank_series(hist)
    if as_of is not None:
        first = int(hist["year"].min()) if len(hist) else None
        hist = hist[hist["year"] <= int(as_of)]
        if first is not None and hist.empty:
            warnings.warn(MstargetWarning(
                f"no observation up to as_of={int(as_of)}: the history starts in {first}, so there is "
                "nothing to forecast from（截至该年份无观测数据）"), stacklevel=4)
        if reference is not None:  # the peers as known then too: no year after as_of
            reference = read_history(reference)
            reference = reference[reference["year"] <= int(as_of)]
    spec = resolve(model)
    with progress.step("preparing series"):
        prepared = prepare(hist, int(horizon) if isinstance(horizon, (int, np.integer)) else horizon,
                           spec, bounds, flows=flows, sampling=sampling)
    per_series = ([extras.get((p.region, p.indicator)) for p in prepared] if extras is not None
                  else [extra] * len(prepared))
    return run_series(prepared, n_paths=int(n_paths), seed=int(seed), progress=progress,
                      calibration=calibration, reference=reference, engine=engine, reduce=reduce,
                      extras=per_series, keep=keep)
