"""Learning calibration factors from your own panel: ``mt.calibration.learn(panel)``.

Learning the factors runs forecasts from past origins (:func:`mstarget.backtest.backtest`, or the
short windows of :func:`mstarget.pace_check.stretch_table`), so it lives here, above the backtest;
:mod:`mstarget.calibration` (the factors and applying them, used by every forecast) imports
nothing above it. The package's top layer (``mstarget/__init__.py``) makes :func:`learn` reachable
as ``mstarget.calibration.learn`` too, the name issue 17 documents.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .backtest import backtest
from .calibration import (N_PLAN_CLASSES, Calibration, check_panel, default_calibration, factors_from_stretch,
                          panel_record, plan_table)
from .exceptions import DataValidationError, InconsistentDataWarning, MstargetWarning, ShortHistoryWarning
from .forecast import DEFAULT_PATHS
from .models import resolve
from .history import read_history
from .pace_check import equal_weights, expected_calibration_error, pace_backtest, stretch_table
from .progress import Progress


def learn(history, *, model="auto", horizon: int | None = None, origins: int = 4, seed: int = 0,
          min_count: int = 30, n_paths: int | None = None, lengths=range(1, 8),
          weight_by=("family", "indicator"), shift: bool = True, progress=False) -> Calibration:
    """Learn calibration factors for ``model`` from ``history`` itself (your own panel).

    * ``model="auto"`` (default) or ``"pooled_drift"``: ``plan``-scheme factors of
      ``pooled_drift``, the model ``auto`` uses for series of 1-7 points, from every window of
      ``lengths`` consecutive points of the panel forecast ``horizon`` (default 6) years ahead, with
      its indicator's other regions as peers and alone (:func:`mstarget.pace_check.stretch_table`);
      errors weighted equally per ``weight_by`` group (columns of ``history`` that exist, e.g. a
      ``family`` of indicators, then ``indicator``). The result also holds the shipped factors of
      the other models, so it can be passed as ``calibration=`` to ``forecast`` / ``assess``.
      Worth it with a panel of many regions (20+) per indicator and 6+ years. ``shift`` (default
      True) also learns median corrections: how much of the recent trend your indicators kept in
      the past. Learned on a family's own past they carry over to its later years (held out on
      the corpus: ECE 0.039 on windows ending 2019 or later), unlike corrections learned across
      other families, which the shipped table therefore leaves out.
    * any other model: a rolling-origin backtest (``origins``, ``horizon`` default 4) of the whole
      series, factors per length class and steadiness (worthwhile with roughly 30+ series of 8+
      points).

    ``n_paths`` (default: the engine's, :data:`mstarget.forecast.DEFAULT_PATHS`) should be the
    number of paths the forecasts will be drawn with: with fewer, the sampled quantiles are
    noisier and the learned stretches come out larger (400 instead of 2,000 paths: +2 % at 95 %).
    ``progress``: bars over the forecast calls on standard error (a panel of 135 indicators x 31
    regions x 15 years takes tens of minutes on two cores).

    The panel is checked first (:func:`mstarget.calibration.check_panel`): one with no
    observation, no indicator in 2 regions or more, or no series observed in two years within
    the horizon is refused (:class:`~mstarget.exceptions.DataValidationError`); a small one is
    learned from with a warning that the learned table keeps in its provenance.
    """
    spec = resolve(model)
    n_paths = n_paths or DEFAULT_PATHS
    if spec.name in ("auto", "pooled_drift"):
        H = int(horizon or 6)
        frame = history if isinstance(history, pd.DataFrame) else None
        source = "<DataFrame>" if frame is not None else str(history)
        hist = read_history(history)  # the panel's data warnings: once, at the caller's line
        if frame is not None and "family" in frame.columns and "family" not in hist:
            hist = hist.merge(pd.DataFrame(frame)[["indicator", "family"]].drop_duplicates("indicator"),
                              on="indicator", how="left")
        note = check_panel(hist, source, horizon=H)
        with warnings.catch_warnings():  # its 1-point windows are meant: no "single observation" notes
            warnings.simplefilter("ignore", ShortHistoryWarning)
            warnings.simplefilter("ignore", InconsistentDataWarning)  # said once above, not per window
            rows = pd.concat([stretch_table(hist, lengths=lengths, max_h=H, model="pooled_drift", seed=seed,
                                            n_paths=n_paths, alone=a, progress=progress) for a in (False, True)],
                             ignore_index=True)
        rows = rows[np.isfinite(rows["r_80"]) & np.isfinite(rows["r_95"])].reset_index(drop=True)
        if rows.empty:
            raise DataValidationError("calibration.learn found no window with an outcome: the panel needs "
                                      "series with at least two consecutive years")
        record = panel_record(hist)
        own = own_classes(rows, min_count)
        if own == 0:
            raise DataValidationError(too_few_errors(record, len(rows), min_count), source=source)
        if note:  # said once the panel is known to be learned from
            warnings.warn(MstargetWarning(note), stacklevel=2)
        by = [c for c in weight_by if c in rows and rows[c].notna().any()]
        t = plan_table(rows, equal_weights(rows, by) if by else None, max_h=H, min_count=min_count,
                       shift=shift)
        n_ind = rows["indicator"].nunique()
        prov = (f"learned by calibration.learn from {len(rows)} errors of {record['series']} series ({n_ind} "
                f"indicators x up to {record['regions']} regions, {record['years']}"
                f"{'' if frame is None else f', {len(frame)} rows'}), windows of {min(lengths)}-{max(lengths)} "
                f"points, h<={H}, {n_paths} paths; {own} of the {N_PLAN_CLASSES} classes of series had "
                f"{min_count}+ errors of their own, the others borrow from their neighbours")
        learned = Calibration(t.factors, prov, {"panel": record}, schemes=t.schemes, shifts=t.shifts)
        return default_calibration().merged(learned).with_note(note, "pooled_drift")
    H = int(horizon or 4)
    res = backtest(history, model=model, horizon=H, origins=origins, seed=seed,
                   calibration=None, n_paths=n_paths)
    name = spec.display
    f = factors_from_stretch(res.details, max_h=H, min_count=min_count)
    return Calibration({name: f}, f"learned from {res.details[['region', 'indicator']].drop_duplicates().shape[0]} "
                                  f"series, {origins} origins, horizon {H}")


def own_classes(rows: pd.DataFrame, min_count: int = 30) -> int:
    """How many ``plan`` classes of series (of :data:`mstarget.calibration.N_PLAN_CLASSES`) had
    ``min_count`` errors of their own at some horizon in ``rows`` (a :func:`stretch_table`): the others
    borrow their factors from neighbouring classes (:func:`mstarget.calibration.plan_factors`)."""
    counts = rows.groupby(["cls", "h"]).size()
    return int(counts[counts >= min_count].index.get_level_values("cls").nunique())


def too_few_errors(record: dict, n_errors: int, min_count: int) -> str:
    """The refusal of a panel whose windows give no class of series ``min_count`` errors (every factor
    would be 1.0, the raw model's bands): what it has, what is needed."""
    return (f"too little to learn from: {record['series']} series ({record['indicators']} indicator"
            f"{'s' * (record['indicators'] != 1)} x up to {record['regions']} regions, {record['years']}) give "
            f"{n_errors} forecast errors, and no class of series (length x smoothness x peers) has the {min_count} "
            "of its own a factor is learned from -- the table would hold the raw model's bands (every factor "
            "1.0) under the name of a learned one. Add regions (districts) or years of these indicators -- a "
            "series per region and indicator, 6+ years each, 20+ regions per indicator advised -- or keep the "
            "shipped calibration (leave out --calibration). Nothing was learned or written.")

def check_learned(history, *, n_points: int = 4, horizon: int = 2, test_years: int = 3,
                  learn_horizon: int = 6, seed: int = 0, n_paths: int | None = None,
                  progress=False) -> pd.DataFrame:
    """Would factors learned from ``history`` have been honest on its later years?

    The panel's last ``test_years`` years are held out: factors are learned (:func:`learn`) from
    the years before them only, then every ``n_points``-point window whose outcome, ``horizon``
    years on, falls in the held-out years is forecast with the shipped factors and with the learned
    ones and scored on plan-like targets (:func:`mstarget.pace_check.pace_backtest`: targets at
    0.5-1.5x the window's own pace). ``progress``: steps and bars on standard error (learning on a
    panel of 8 indicators x 31 regions x 14 years takes about two minutes on two cores).

    Returns
    -------
    DataFrame
        Two rows, ``calibration`` = ``shipped`` / ``learned``: ``windows``, ``learned_on`` (last
        year used for learning), ``test_years`` (``"2021-2023"``), ``coverage_80``, ``coverage_95`` (shares of
        outcomes inside the 80 / 95 % bands), ``interval_score_80``, ``interval_score_95`` (the
        bands' interval score divided by each window's last value -- its mean absolute level where
        the last value is 0, as in an incident count -- median over windows,
        :func:`scaled_interval_score`: lower is better, and bands wider than the misses justify
        do not win it), ``ece`` (expected calibration error of ``p_meet``, 10
        bins), ``brier`` and ``brier_base`` (a constant base rate's Brier score).
    """
    prog = Progress.of(progress)
    hist = read_history(history)
    years = hist["year"].astype(int)
    last = int(years.max())
    cut = last - int(test_years)
    if cut - int(years.min()) + 1 < n_points + horizon + 1:
        raise DataValidationError(f"check_learned: the panel spans {int(years.min())}-{last}; holding out its "
                                  f"last {test_years} years leaves too few earlier years to learn from "
                                  f"(need {n_points + horizon + 1} years before the {test_years} held out: a panel of "
                                  f"{n_points + horizon + 1 + int(test_years)}+ years; this one has "
                                  f"{last - int(years.min()) + 1}).")
    with warnings.catch_warnings():  # the panel's data warnings were given once, when read above
        warnings.simplefilter("ignore", InconsistentDataWarning)
        # the years before the held-out ones are fewer than the panel's: its "small panel" note, said for the
        # whole panel, would be said again with fewer years, as if of another panel
        warnings.filterwarnings("ignore", message="learned from a small panel", category=MstargetWarning)
        with prog.step(f"check: learning on the years up to {cut}"):
            try:
                learned = learn(hist[years <= cut], horizon=learn_horizon, seed=seed, n_paths=n_paths,
                                progress=prog)
            except DataValidationError as exc:
                said = "; ".join(q.expected.split(" Nothing was learned")[0] for q in exc.problems)
                raise DataValidationError(f"check_learned: the years up to {cut}, before the {test_years} held "
                                          f"out, are too little to learn from ({said})") from None
    ends = list(range(cut - horizon + 1, last - horizon + 1))
    rows = []
    for name, cal in (("shipped", "default"), ("learned", learned)):
        with warnings.catch_warnings(), prog.step(f"check: scoring the {name} table on the {n_points}-point windows "
                                                  f"ending {ends[0]}-{ends[-1]}, {horizon} years ahead"):
            warnings.simplefilter("ignore", InconsistentDataWarning)
            d = pace_backtest(hist, n_points=n_points, horizon=horizon, seed=seed, calibration=cal,
                              end_years=ends, n_paths=n_paths or DEFAULT_PATHS)
        met = d["met"].astype(float)
        w = _with_level(d.drop_duplicates(["region", "indicator", "end_year"]), hist, n_points)
        rows.append({"calibration": name, "windows": int(len(w)),
                     "learned_on": f"<= {cut}", "test_years": f"{cut + 1}-{last}",
                     "coverage_80": float(w["in_80"].mean()),
                     "coverage_95": float(w["in_95"].mean()),
                     "interval_score_80": scaled_interval_score(w, 80),
                     "interval_score_95": scaled_interval_score(w, 95),
                     "ece": expected_calibration_error(d["p_meet"], met),
                     "brier": float(((d["p_meet"] - met) ** 2).mean()),
                     # calls of one outcome: a constant fitted to them knew it (Brier 0), no yardstick
                     "brier_base": float(((met.mean() - met) ** 2).mean()) if met.nunique() > 1 else np.nan})
    return pd.DataFrame(rows)


def scaled_interval_score(windows: pd.DataFrame, level: int) -> float:
    """Median over ``windows`` (rows with ``lo_<level>``, ``hi_<level>``, ``outcome``, ``last``, optionally
    ``level``) of the interval (Winkler) score of the ``level`` % band, ``(hi - lo) + 2/a (lo - y)+ +
    2/a (y - hi)+`` with ``a = 1 - level/100``, divided by the window's size so that series of different
    sizes count alike: its last value ``|last|``, or, where that is 0 (an incident count ending at 0), the
    window's mean absolute value (column ``level``, as :func:`check_learned` adds it); windows of all
    zeros are left out, and NaN is returned only when no window is left. Lower is better. The score is
    proper: a band too narrow pays for its misses, a band wider than the misses justify pays for its
    width, so a table cannot win it by stretching its bands (coverage alone can be won that way)."""
    a = 1.0 - level / 100.0
    lo, hi = windows[f"lo_{level}"].astype(float), windows[f"hi_{level}"].astype(float)
    y, scale = windows["outcome"].astype(float), windows["last"].astype(float).abs()
    if "level" in windows:  # a window ending at 0 is scaled by its mean absolute value
        scale = scale.where(scale > 0, windows["level"].astype(float).abs())
    score = (hi - lo) + 2.0 / a * ((lo - y).clip(lower=0) + (y - hi).clip(lower=0))
    ok = np.isfinite(score) & np.isfinite(scale) & (scale > 0)
    return float(np.median(score[ok] / scale[ok])) if ok.any() else float("nan")


def _with_level(windows: pd.DataFrame, hist: pd.DataFrame, n_points: int) -> pd.DataFrame:
    """``windows`` (one row per region, indicator, ``end_year``) with ``level``: the mean absolute value
    of the window's ``n_points`` years in ``hist`` (the scale of :func:`scaled_interval_score` where the
    window's last value is 0)."""
    if windows.empty:
        return windows.assign(level=pd.Series(dtype=float))
    vals = (hist.assign(year=hist["year"].astype(int)).groupby(["region", "indicator", "year"])["value"]
            .mean().astype(float).abs())
    keys = [(r, i, int(e) - k) for r, i, e in zip(windows["region"], windows["indicator"], windows["end_year"])
            for k in range(n_points)]
    block = vals.reindex(pd.MultiIndex.from_tuples(keys)).to_numpy().reshape(len(windows), n_points)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a window with no value: NaN, left out
        return windows.assign(level=np.nanmean(block, axis=1))
