"""The API boundary of :mod:`mstarget.risk`: computing modules plus the optional MLflow run.

``mstarget.risk.score(..., track=True)`` is :func:`mstarget.risk.score.score` followed by one
tracked run (parameters, the score table, the ranked-risk chart). The computing modules
(``score``, ``allocate``, ``evaluate``...) import neither the tracking layer nor the charts; this
module sits above them and above :mod:`mstarget.risk.plot`.
"""
from __future__ import annotations

import math
import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from .. import tracking
from ..tracking.records import MAX_TARGET_METRICS, _id_token  # the keys of assess's per-target metrics
from . import samples as _samples
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
        _track_scores(out, tracking_settings, samples=samples, keep_totals=not drop_totals)
    return out


score.__doc__ = (_score.__doc__ or "").replace(
    "    Returns\n", """    track : bool, default False
        Log one MLflow run (parameters, the score table, the ranked-risk chart, per-group metrics
        ``risk.<group>`` with the table of their keys ``per_group_metrics.csv``) to the store of
        ``tracking_settings``; a failing store gives a ``TrackingWarning``, never a lost result. The
        run id is in the result's ``attrs["mlflow_run_id"]`` (``None`` when the store failed).
    tracking_settings : mstarget.tracking.TrackingSettings, optional

    Returns
""", 1)


#: per-group figures logged as metrics ``<figure>.<group key>`` (first rows; the full table is an artifact)
SCORE_GROUP_FIGURES = ("risk", "risk_lo", "risk_hi")
PLAN_GROUP_FIGURES = ("batches", "share", "expected_failures")
#: the artifact mapping each group to its metric key, with its figures
GROUP_METRICS_ARTIFACT = "per_group_metrics.csv"


def per_group_metrics(table: pd.DataFrame, by: Sequence[str], figures: Sequence[str],
                      limit: int | None = None) -> tuple[dict[str, float], pd.DataFrame]:
    """Per-group metrics of a score or plan table, so the MLflow UI compares two runs group by group:
    ``{"<figure>.<key>": value}`` for the first ``limit`` rows (default
    :data:`mstarget.tracking.records.MAX_TARGET_METRICS`; scores come riskiest first), ``key`` being the
    group's values joined by ``.`` (``广州市.餐饮食品``, each part an MLflow-safe token), and the table
    mapping each key back to its group with those figures (logged as :data:`GROUP_METRICS_ARTIFACT`)."""
    limit = MAX_TARGET_METRICS if limit is None else limit
    by = [c for c in by if c in table.columns]
    figures = [c for c in figures if c in table.columns]
    rows = table.head(limit)
    keys = [".".join(_id_token(v) for v in r) for r in rows[by].itertuples(index=False, name=None)]
    seen: dict[str, int] = {}
    for i, k in enumerate(keys):  # two groups whose names give one key: told apart by their row
        if k in seen:
            keys[i] = f"{k}.row{i + 1}"
        seen.setdefault(k, i)
    metrics: dict[str, float] = {}
    for col in figures:
        values = pd.to_numeric(rows[col], errors="coerce").to_numpy(float)
        metrics.update({f"{col}.{k}": float(v) for k, v in zip(keys, values) if v == v})
    key_table = rows[by + figures].copy()
    key_table.insert(len(by), "key", keys)
    return metrics, key_table


def top_decile_share(risk, weight) -> float:
    """Share of the expected unqualified batches (``risk x weight``: batches tested or planned) that
    falls in the riskiest tenth of the groups (at least one group); NaN when none is expected."""
    risk = np.nan_to_num(np.asarray(risk, float), nan=0.0)
    found = risk * np.nan_to_num(np.asarray(weight, float), nan=0.0)
    if not len(found) or found.sum() <= 0:
        return float("nan")
    top = np.argsort(-risk, kind="stable")[:max(1, math.ceil(0.1 * len(risk)))]
    return float(found[top].sum() / found.sum())


def score_metrics(out: pd.DataFrame) -> dict[str, float]:
    """Summary metrics of a score table beyond the counts: the spread of the risks and how much of the
    expected failures (at the batches tested) the riskiest tenth of the groups holds."""
    risk = pd.to_numeric(out["risk"], errors="coerce").to_numpy(float)
    tested = pd.to_numeric(out["tested"], errors="coerce").to_numpy(float)
    m = {"median_risk": float(np.nanmedian(risk)) if len(risk) else float("nan"),
         "top_decile_share_expected_failures": top_decile_share(risk, tested)}
    if "shrink_share" in out.columns:
        m["mean_shrink_share"] = float(pd.to_numeric(out["shrink_share"], errors="coerce").mean())
    return {k: v for k, v in m.items() if v == v}


def _samples_as_read(samples) -> pd.DataFrame | None:
    """The samples table as ``mstarget risk score`` reads it for its fingerprint and dataset input
    (:func:`mstarget.risk.samples.load`), so a file scored from Python and from the command line (without
    ``--where`` / ``--region``) gives the same ``data_fingerprint`` and dataset digest; ``None`` when it
    cannot be read."""
    try:
        with warnings.catch_warnings():  # read once more for the run: its warnings were said by score()
            warnings.simplefilter("ignore")
            return _samples.load(samples)[0]
    except Exception:  # noqa: BLE001 -- the run goes on without the table (the fingerprint of none)
        return samples if isinstance(samples, pd.DataFrame) else None


def _track_scores(out: pd.DataFrame, settings, *, samples=None, keep_totals: bool = False) -> None:
    """Log the run, with the parameters ``mstarget risk score`` logs
    (:func:`mstarget.tracking.params.risk_score_params`) and the samples table as the dataset input
    ``samples``; its id goes in ``out.attrs["mlflow_run_id"]``."""
    meta = out.attrs["risk"]
    raw = _samples_as_read(samples)
    params, inputs = tracking.risk_score_params(samples=samples, samples_frame=raw, meta=meta,
                                                       keep_totals=keep_totals)
    per_group, keys = per_group_metrics(out, meta["by"], SCORE_GROUP_FIGURES)
    prior0 = (meta.get("priors") or [{}])[0]
    metrics = {"n_groups": len(out), "tested": int(out["tested"].sum()), "failed": int(out["failed"].sum()),
               "max_risk": float(out["risk"].max()),
               # the command's names too (groups, top_risk, prior_*): one schema for both entry points
               "groups": len(out), "top_risk": float(out["risk"].max()),
               **{f"prior_{k}": float(prior0[k]) for k in ("mean", "concentration") if k in prior0},
               **score_metrics(out), **per_group}
    run_id = tracking.log_result("risk score", out, params, settings or tracking.TrackingSettings(),
                                 metrics=metrics, figure=plot_risk(out), artifact="risk_scores.csv",
                                 inputs=inputs, on_error="warn", tables={GROUP_METRICS_ARTIFACT: keys})
    out.attrs["mlflow_run_id"] = run_id  # as the other tracked calls (None when the store failed)
