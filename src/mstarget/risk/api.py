"""The API boundary of :mod:`mstarget.risk`: computing modules plus the optional MLflow run.

``mstarget.risk.score(..., track=True)`` is :func:`mstarget.risk.score.score` followed by one
tracked run (parameters, the score table, the ranked-risk chart). The computing modules
(``score``, ``allocate``, ``evaluate``...) import neither the tracking layer nor the charts; this
module sits above them and above :mod:`mstarget.risk.plot`.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from .. import tracking
from .plot import plot_risk
from .score import DEFAULT_HALF_LIFE, DEFAULT_LEVEL
from .score import score as _score


def score(samples, by: Sequence[str] | str = ("category",), as_of=None, *,
          half_life: float | None = DEFAULT_HALF_LIFE, level: float = DEFAULT_LEVEL,
          hierarchical: bool = True, period: str | None = "period", outcome: str | None = None,
          drop_totals: bool = True, track: bool = False, tracking_settings=None) -> pd.DataFrame:
    out = _score(samples, by, as_of, half_life=half_life, level=level, hierarchical=hierarchical,
                 period=period, outcome=outcome, drop_totals=drop_totals)
    if track:
        _track_scores(out, tracking_settings)
    return out


score.__doc__ = (_score.__doc__ or "").replace(
    "    Returns\n", """    track : bool, default False
        Log one MLflow run (parameters, the score table, the ranked-risk chart) to the store of
        ``tracking_settings``; a failing store gives a ``TrackingWarning``, never a lost result.
    tracking_settings : mstarget.tracking.TrackingSettings, optional

    Returns
""", 1)


def _track_scores(out: pd.DataFrame, settings) -> None:
    meta = out.attrs["risk"]
    params = {"by": meta["by"], "as_of": meta["as_of"], "half_life": meta["half_life"],
              "level": meta["level"], "hierarchical": meta["hierarchical"], "periods": meta["periods"]}
    metrics = {"n_groups": len(out), "tested": int(out["tested"].sum()), "failed": int(out["failed"].sum()),
               "max_risk": float(out["risk"].max())}
    tracking.log_result("risk score", out, params, settings or tracking.TrackingSettings(),
                        metrics=metrics, figure=plot_risk(out), artifact="risk_scores.csv",
                        on_error="warn")
