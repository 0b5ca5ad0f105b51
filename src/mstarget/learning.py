"""Learning calibration factors from your own panel: ``mt.calibration.learn(panel)``.

Learning the factors runs forecasts from past origins (:func:`mstarget.backtest.backtest`, or the
short windows of :func:`mstarget.pace_check.stretch_table`), so it lives here, above the backtest;
:mod:`mstarget.calibration` (the factors and applying them, used by every forecast) imports
nothing above it. The package's top layer (``mstarget/__init__.py``) makes :func:`learn` reachable
as ``mstarget.calibration.learn`` too, the name issue 17 documents.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .backtest import backtest
from .calibration import Calibration, default_calibration, factors_from_stretch, plan_table
from .exceptions import DataValidationError
from .forecast import DEFAULT_PATHS
from .models import resolve
from .pace_check import equal_weights, stretch_table


def learn(history, *, model="auto", horizon: int | None = None, origins: int = 4, seed: int = 0,
          min_count: int = 30, n_paths: int | None = None, lengths=range(1, 8),
          weight_by=("family", "indicator"), shift: bool = True) -> Calibration:
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
    """
    spec = resolve(model)
    n_paths = n_paths or DEFAULT_PATHS
    if spec.name in ("auto", "pooled_drift"):
        H = int(horizon or 6)
        frame = history if isinstance(history, pd.DataFrame) else None
        rows = pd.concat([stretch_table(history, lengths=lengths, max_h=H, model="pooled_drift", seed=seed,
                                        n_paths=n_paths, alone=a) for a in (False, True)], ignore_index=True)
        rows = rows[np.isfinite(rows["r_80"]) & np.isfinite(rows["r_95"])].reset_index(drop=True)
        if rows.empty:
            raise DataValidationError("calibration.learn found no window with an outcome: the panel needs "
                                      "series with at least two consecutive years")
        by = [c for c in weight_by if c in rows and rows[c].notna().any()]
        t = plan_table(rows, equal_weights(rows, by) if by else None, max_h=H, min_count=min_count,
                       shift=shift)
        n_ind = rows["indicator"].nunique()
        prov = (f"learned by calibration.learn from {len(rows)} errors of {n_ind} indicators"
                f"{'' if frame is None else f' ({len(frame)} rows)'}, windows of {min(lengths)}-{max(lengths)} "
                f"points, h<={H}, {n_paths} paths")
        return default_calibration().merged(Calibration(t.factors, prov, schemes=t.schemes, shifts=t.shifts))
    H = int(horizon or 4)
    res = backtest(history, model=model, horizon=H, origins=origins, seed=seed,
                   calibration=None, n_paths=n_paths)
    name = spec.display
    f = factors_from_stretch(res.details, max_h=H, min_count=min_count)
    return Calibration({name: f}, f"learned from {res.details[['region', 'indicator']].drop_duplicates().shape[0]} "
                                  f"series, {origins} origins, horizon {H}")
