"""Plan-regime check: are intervals and ``p_meet`` honest for short histories and plan-like targets?

Plans are written for indicators with a few yearly points and a target a few years on, usually
the recent pace carried forward, a little slower or a little faster. This module replays that
situation on any real panel (many regions of each indicator) and scores the forecasts:

1. **Windows.** For every series (``region``, ``indicator``) and every end year ``t`` with the
   ``n`` consecutive years ``t-n+1 .. t`` observed and the outcome year ``t+h`` observed, the
   window's values are the history and the value in ``t+h`` the outcome.
2. **Targets.** The observed pace is ``(last - first) / (n - 1)`` per year; a plan-like target
   for multiple ``m`` is ``last + m * pace * h``, with direction ``>=`` for a rising pace and
   ``<=`` for a falling one (flat windows get no target). ``m = 1`` continues the pace, 1.5 is a
   stretch target, 0.5 a cautious one.
3. **Calls.** All windows that end in the same year are forecast in **one call** (as a bureau
   would forecast all regions of its indicators at once, so pooling across the regions of an
   indicator applies; a peer never sees years after ``t``). ``p_meet`` is the share of sample
   paths meeting the target in ``t+h``; the 80 % / 95 % intervals are the forecast's.

:func:`pace_backtest` returns one row per window and multiple (:data:`DETAIL_COLUMNS`);
:func:`pace_summary` gives coverage, ``p_meet`` reliability (ECE over 10 equal bins), Brier
score and the Brier score of a constant base rate, overall or by a grouping column.
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from .calibration import plan_class, required_stretch, smoothness
from .exceptions import InconsistentDataWarning, ParameterError
from .forecast import DEFAULT_PATHS, forecast_paths
from .history import read_history
from .progress import Progress

DEFAULT_MULTIPLES = (0.5, 1.0, 1.5)
DETAIL_COLUMNS = ["region", "indicator", "end_year", "n_points", "h", "last", "pace", "outcome",
                  "median", "lo_80", "hi_80", "lo_95", "hi_95", "in_80", "in_95", "multiple",
                  "target", "direction", "p_meet", "met", "model"]


def pace_windows(panel: pd.DataFrame, n_points: int, horizon: int,
                 end_years: Sequence[int] | None = None) -> pd.DataFrame:
    """Windows of ``n_points`` consecutive observed years with an observed outcome ``horizon``
    years after the last one.

    Returns
    -------
    DataFrame
        ``region, indicator, end_year, values`` (tuple of ``n_points`` floats, oldest first),
        ``outcome`` and ``unit`` (when the panel has one).
    """
    if n_points < 2 or horizon < 1:
        raise ParameterError.invalid("n_points/horizon", "pace_windows", "n_points >= 2, horizon >= 1",
                                     (n_points, horizon))
    df = panel.dropna(subset=["value"])
    wide = df.pivot_table(index=["region", "indicator"], columns="year", values="value", aggfunc="last")
    years = np.asarray(wide.columns, dtype=int)
    vals = wide.to_numpy(dtype=float)
    units = (df.drop_duplicates(["region", "indicator"]).set_index(["region", "indicator"])["unit"]
             if "unit" in df else None)
    rows = []
    for k, t in enumerate(years):
        if end_years is not None and t not in end_years:
            continue
        need = np.arange(t - n_points + 1, t + 1)
        if not np.isin(need, years).all() or (t + horizon) not in years:
            continue
        cols = np.searchsorted(years, need)
        out_col = int(np.searchsorted(years, t + horizon))
        block = vals[:, cols]
        ok = np.isfinite(block).all(axis=1) & np.isfinite(vals[:, out_col])
        for i in np.flatnonzero(ok):
            region, indicator = wide.index[i]
            rows.append({"region": region, "indicator": indicator, "end_year": int(t),
                         "values": tuple(block[i]), "outcome": float(vals[i, out_col]),
                         "unit": units.get((region, indicator)) if units is not None else None})
    return pd.DataFrame(rows, columns=["region", "indicator", "end_year", "values", "outcome", "unit"])


def _history_of(windows: pd.DataFrame, n_points: int) -> pd.DataFrame:
    n = len(windows)
    yrs = windows["end_year"].to_numpy()[:, None] - np.arange(n_points - 1, -1, -1)[None, :]
    return pd.DataFrame({
        "region": np.repeat(windows["region"].to_numpy(), n_points),
        "indicator": np.repeat(windows["indicator"].to_numpy(), n_points),
        "year": yrs.ravel(),
        "value": np.asarray([v for vs in windows["values"] for v in vs], dtype=float),
        "unit": np.repeat(windows["unit"].to_numpy(), n_points),
    }) if n else pd.DataFrame(columns=["region", "indicator", "year", "value", "unit"])


def pace_backtest(panel, *, n_points: int = 4, horizon: int = 2,
                  multiples: Sequence[float] = DEFAULT_MULTIPLES, model="auto", seed: int = 0,
                  n_paths: int = DEFAULT_PATHS, calibration="default", end_years=None,
                  reference=None, one_call: bool = True) -> pd.DataFrame:
    """Score forecasts of ``n_points``-point windows ``horizon`` years ahead on plan-like targets.

    Parameters
    ----------
    panel : DataFrame or path
        Long history ``region, indicator, year, value[, unit]`` with many regions per indicator.
    n_points, horizon : int
        Window length (points) and years from the window's last year to the outcome.
    multiples : sequence of float
        Targets at these multiples of the window's observed yearly pace.
    model, seed, n_paths, calibration :
        Passed to :func:`mstarget.forecast.forecast_paths`.
    end_years : sequence of int, optional
        Only windows ending in these years.
    reference : DataFrame, optional
        A peer panel passed to the forecasts (see :func:`mstarget.forecast.forecast`).
    one_call : bool
        ``True`` (default): all windows ending in the same year are forecast together (pooling
        across regions applies); ``False``: every window alone (no peers, slower).

    Returns
    -------
    DataFrame
        One row per window and multiple, columns :data:`DETAIL_COLUMNS`; ``in_80`` / ``in_95`` and
        ``met`` are booleans, ``p_meet`` in [0, 1].
    """
    hist = read_history(panel)
    win = pace_windows(hist, n_points, horizon, end_years)
    out = []
    for t, w in win.groupby("end_year", sort=True):
        w = w.reset_index(drop=True)
        groups = [w] if one_call else [w.iloc[[i]] for i in range(len(w))]
        for g in groups:
            with _panel_checked():
                sfs = forecast_paths(_history_of(g, n_points), horizon, model=model, seed=seed,
                                     n_paths=n_paths, calibration=calibration,  # peers known at the window's end
                                     **({} if reference is None else {"reference": reference, "as_of": int(t)}))
            by_key = {(sf.region, sf.indicator): sf for sf in sfs}
            out.append(_score(g, by_key, n_points, horizon, multiples))
    if not out:
        return pd.DataFrame(columns=DETAIL_COLUMNS)
    return pd.concat(out, ignore_index=True)[DETAIL_COLUMNS]


@contextlib.contextmanager
def _panel_checked():
    """A window's history is a slice of the panel, whose data warnings were given once when it was
    read: its re-validation says nothing new (and would say it per window, with the window
    table's row numbers and internal series keys), so its InconsistentDataWarnings are dropped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InconsistentDataWarning)
        yield


def _score(w: pd.DataFrame, by_key, n_points, horizon, multiples) -> pd.DataFrame:
    rows = []
    for r in w.itertuples(index=False):
        sf = by_key.get((r.region, r.indicator))
        if sf is None:
            continue
        x = sf.paths[:, horizon - 1]
        q = np.quantile(x, [0.025, 0.1, 0.5, 0.9, 0.975])
        v = np.asarray(r.values, dtype=float)
        pace = (v[-1] - v[0]) / (n_points - 1)
        base = {"region": r.region, "indicator": r.indicator, "end_year": r.end_year,
                "n_points": n_points, "h": horizon, "last": v[-1], "pace": pace,
                "outcome": r.outcome, "median": q[2], "lo_80": q[1], "hi_80": q[3], "lo_95": q[0],
                "hi_95": q[4], "in_80": bool(q[1] <= r.outcome <= q[3]),
                "in_95": bool(q[0] <= r.outcome <= q[4]), "model": sf.model}
        if pace == 0:
            rows.append({**base, "multiple": np.nan, "target": np.nan, "direction": None,
                         "p_meet": np.nan, "met": np.nan})
            continue
        up = pace > 0
        for m in multiples:
            target = v[-1] + m * pace * horizon
            p = float(np.mean(x >= target)) if up else float(np.mean(x <= target))
            met = (r.outcome >= target) if up else (r.outcome <= target)
            rows.append({**base, "multiple": float(m), "target": target,
                         "direction": ">=" if up else "<=", "p_meet": p, "met": bool(met)})
    return pd.DataFrame(rows)


def expected_calibration_error(p, met, n_bins: int = 10) -> float:
    """ECE: mean over equal-width ``p`` bins of ``|mean p - share met|``, weighted by bin size."""
    p = np.asarray(p, dtype=float)
    y = np.asarray(met, dtype=float)
    ok = np.isfinite(p) & np.isfinite(y)
    p, y = p[ok], y[ok]
    if p.size == 0:
        return float("nan")
    b = np.minimum((p * n_bins).astype(int), n_bins - 1)
    err = 0.0
    for k in np.unique(b):
        m = b == k
        err += m.sum() * abs(p[m].mean() - y[m].mean())
    return float(err / p.size)


def pace_summary(details: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Coverage and ``p_meet`` reliability of :func:`pace_backtest` rows.

    Columns: ``forecasts`` (windows), ``coverage_80``, ``coverage_95`` (per window), ``calls``,
    ``ece`` (10 bins), ``brier``, ``brier_base`` (a constant ``p`` equal to the share met),
    ``share_met`` and ``mean_p_meet``; per ``multiple`` too when ``by="multiple"``.
    """
    by = [by] if isinstance(by, str) else list(by or [])

    def one(d: pd.DataFrame) -> dict:
        win = d.drop_duplicates(["region", "indicator", "end_year", "n_points", "h"])
        c = d.dropna(subset=["p_meet"])
        y = c["met"].astype(float).to_numpy()
        p = c["p_meet"].to_numpy(dtype=float)
        base = y.mean() if y.size else np.nan
        return {"forecasts": len(win), "coverage_80": win["in_80"].mean(),
                "coverage_95": win["in_95"].mean(), "calls": len(c),
                "ece": expected_calibration_error(p, y), "brier": float(np.mean((p - y) ** 2)) if y.size else np.nan,
                "brier_base": float(np.mean((base - y) ** 2)) if y.size else np.nan,
                "share_met": base, "mean_p_meet": float(p.mean()) if p.size else np.nan}

    if not by:
        return pd.DataFrame([one(details)])
    rows = []
    for key, d in details.groupby(by, sort=True, dropna=False, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key)), **one(d)})
    return pd.DataFrame(rows)


def _windows_ahead(hist: pd.DataFrame, n_points: int, max_h: int, end_years=None) -> pd.DataFrame:
    """Windows of ``n_points`` consecutive years with at least one outcome in the next ``max_h``
    years: ``region, indicator, end_year, values, outcomes`` (tuple of ``max_h``, nan if missing),
    ``unit`` and, when the panel has them, ``family``."""
    df = hist.dropna(subset=["value"])
    wide = df.pivot_table(index=["region", "indicator"], columns="year", values="value", aggfunc="last")
    years = np.asarray(wide.columns, dtype=int)
    full = np.arange(years.min(), years.max() + max_h + 1)
    vals = wide.reindex(columns=full).to_numpy(dtype=float)
    first = (df.drop_duplicates(["region", "indicator"]).set_index(["region", "indicator"]))
    rows = []
    for k, t in enumerate(full):
        if end_years is not None and t not in end_years:
            continue
        if t - n_points + 1 < full[0] or t + 1 > full[-1]:
            continue
        block = vals[:, k - n_points + 1:k + 1]
        ahead = vals[:, k + 1:k + 1 + max_h]
        ok = np.isfinite(block).all(axis=1) & np.isfinite(ahead).any(axis=1)
        for i in np.flatnonzero(ok):
            region, indicator = wide.index[i]
            rows.append({"region": region, "indicator": indicator, "end_year": int(t),
                         "values": tuple(block[i]), "outcomes": tuple(ahead[i]),
                         "unit": first["unit"].get((region, indicator)) if "unit" in first else None,
                         "family": first["family"].get((region, indicator)) if "family" in first else None})
    return pd.DataFrame(rows, columns=["region", "indicator", "end_year", "values", "outcomes", "unit", "family"])


#: how :func:`stretch_table` names a window forecast alone (without peers): ``indicator + ALONE + region``.
#: Printable on purpose: the readers take whitespace next to Chinese characters out of names (a
#: wrapped cell), which a control character such as ``\x1f`` counts as, so it would vanish.
ALONE = "#alone@"

#: columns of :func:`stretch_table`: ``z_last`` the window's last value, ``q025 .. q975`` the raw
#: forecast's quantiles and ``z_actual`` the outcome, all on the model scale
STRETCH_COLUMNS = ["region", "indicator", "family", "end_year", "n", "h", "cls", "r_80", "r_95",
                   "z_last", "q025", "q10", "q50", "q90", "q975", "z_actual"]


def stretch_table(panel, *, lengths: Sequence[int] = range(1, 8), max_h: int = 6,
                  model="pooled_drift", seed: int = 0, n_paths: int = DEFAULT_PATHS,
                  end_years=None, reference=None, alone: bool = False, progress=False) -> pd.DataFrame:
    """Required stretches (see :func:`mstarget.calibration.required_stretch`) of raw forecasts of
    short windows of a panel, for learning ``plan``-scheme factors.

    Every window of ``n`` consecutive points (``n`` in ``lengths``) is forecast ``max_h`` years
    ahead without calibration, all windows ending in the same year in one call (so pooling across
    the regions of an indicator applies as it does for a user), and each observed outcome gives
    one row: ``region, indicator, family, end_year, n, h, cls`` (the ``plan`` class), ``r_80, r_95``.
    ``alone=True`` forecasts every window without peers (as a call with one series would).
    ``progress``: a bar over the calls (one per window length and end year), on standard error.
    """
    hist = read_history(panel)
    if isinstance(panel, pd.DataFrame) and "family" in panel.columns and "family" not in hist:
        fam = pd.DataFrame(panel)[["indicator", "family"]].drop_duplicates("indicator")
        hist = hist.merge(fam, on="indicator", how="left")
    out = []
    windows = {int(n): _windows_ahead(hist, int(n), max_h, end_years) for n in lengths}
    bar = Progress.of(progress).bar(sum(int(w["end_year"].nunique()) for w in windows.values()),
                                    "windows alone" if alone else "windows with peers", unit="calls")
    for n, win in windows.items():
        for t, w in win.groupby("end_year", sort=True):
            bar.update()
            w = w.reset_index(drop=True)
            hw = _history_of(w, int(n))
            if alone:  # every series its own indicator: no peers to pool from
                hw["indicator"] = hw["indicator"] + ALONE + hw["region"]
            with _panel_checked():
                sfs = forecast_paths(hw, max_h, model=model, seed=seed, n_paths=n_paths,
                                     calibration=None,  # peers as known at the window's end
                                     **({} if reference is None else {"reference": reference, "as_of": int(t)}))
            by_key = {(sf.region, sf.indicator.split(ALONE)[0]): sf for sf in sfs}
            for r in w.itertuples(index=False):
                sf = by_key.get((r.region, r.indicator))
                if sf is None or sf.z_transform is None:
                    continue
                a = np.asarray(r.outcomes, dtype=float)
                hs = np.flatnonzero(np.isfinite(a))
                tr = sf.z_transform
                zp = tr.forward(sf.paths[:, hs])
                za = tr.forward(a[hs])
                zv = tr.forward(sf.values)
                rr = required_stretch(zp, za)
                q = np.quantile(zp, [0.025, 0.1, 0.5, 0.9, 0.975], axis=0)
                cls = plan_class(int(n), smoothness(zv), sf.peer_agreement if sf.n_peers > 0 else False)
                for j, h in enumerate(hs):
                    out.append((r.region, r.indicator, r.family, int(t), int(n), int(h) + 1, cls,
                                rr[j, 0], rr[j, 1], zv[-1], *q[:, j], za[j]))
    bar.close()
    return pd.DataFrame(out, columns=STRETCH_COLUMNS)


def equal_weights(rows: pd.DataFrame, by: Sequence[str] = ("family", "indicator")) -> np.ndarray:
    """Weights giving every group of ``by[0]`` the same total, within it every ``by[1]`` group the
    same share, and so on (rows with a missing key form their own group). Sums to 1."""
    keys = [c for c in by if c in rows and not rows[c].isna().all()]
    if not keys:
        return np.full(len(rows), 1.0 / max(len(rows), 1))
    w = np.ones(len(rows))
    parent = np.zeros(len(rows), dtype=np.int64)
    for col in keys:
        code = pd.factorize(rows[col].astype(str))[0]
        child = pd.factorize(pd.MultiIndex.from_arrays([parent, code]))[0]
        # number of distinct children per parent, mapped back to rows
        pairs = pd.DataFrame({"p": parent, "c": child}).drop_duplicates()
        n_children = pairs.groupby("p")["c"].size()
        w = w / n_children.reindex(parent).to_numpy(dtype=float)
        parent = child
    size = np.bincount(parent)[parent].astype(float)
    w = w / size
    return w / w.sum()
