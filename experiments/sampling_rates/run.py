"""Sampling pass and failure rates by district: ``local_level`` against ``pooled_drift`` and ``growth_rate``.

Run from the repository root (about 2 minutes on 2 cores)::

    .venv/bin/python experiments/sampling_rates/run.py            # add --no-track to skip MLflow

A plan's 药品抽检合格率 / 食品抽检不合格率 is the share of a year's samples that pass or fail. No yearly
district series of such rates is in the repository, so the check uses the nearest real data it holds:
Chicago's food inspections 2011-09 .. 2014-12 (``data/inspections``, the City's canvass
inspections), counted by **ward** and by **ZIP code** over **half-years** (7 periods, each read as a
"year"): the share of inspections passed (``pass_flag``) and the share finding a critical violation
(``criticalFound``). Only areas with at least 30 inspections in every half-year are kept (16 wards,
21 ZIP codes: 74 series).

Every window of 3, 4 and 5 periods is forecast to every later period (1-4 ahead), all areas of a
window in one call (peers pool) and each area alone, by

* ``pooled_drift``: what ``auto`` used for these rows before (a drift on the logit scale, its
  calibration factors);
* ``growth_rate``: a stationary AR(1) around the window's mean (:mod:`mstarget.models.growth`);
* ``local_level``: a random-walk level plus each period's noise (:mod:`mstarget.models.level`), what
  ``auto`` uses now for a share named 合格率 / 不合格率 / 检出率 (:func:`mstarget.units.is_sampling_rate`), bar
  a window of 4+ points moving by about the same step every period (``steady_windows`` counts them: ``auto``
  would keep ``pooled_drift`` there).

Scores: 80 / 95 % coverage of the outcome, the pinball loss averaged over the 2.5-97.5 % quantiles
(points), the error of the median, and ``p_meet`` of plan-like targets ("rate >= target" in the
outcome period, target = the window's last figure, its mean, and the last figure -3 / +3 points): ECE
(10 bins), Brier and the base rate's Brier. Also printed: the same for the national 产品质量监督抽查合格率
(``data/china/national_history.csv``: 2012-2017, and 2021-2022 from the published failure rates), each
window of 3-5 consecutive years to the years after.

One MLflow parent run, one child run per (model, call); ``out/summary.csv`` and ``out/by_horizon.csv``.
"""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = ROOT / "data"
OUT = HERE / "out"

from mstarget.calibration import smoothness  # noqa: E402
from mstarget.forecast import forecast_paths  # noqa: E402
from mstarget.pace_check import expected_calibration_error  # noqa: E402
from mstarget.selection import SAMPLING_TREND_POINTS, STEADY_LONG  # noqa: E402
from mstarget.tracking import TrackingSettings, data_fingerprint, package_versions, start_run  # noqa: E402

MODELS = ("pooled_drift", "growth_rate", "local_level")
WINDOWS = (3, 4, 5)
MIN_INSPECTIONS = 30
QUANTILES = np.array([0.025, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.975])
#: the rates, as a bureau's table would name them (so auto reads them as sampling rates)
MEASURES = {"pass_flag": "食品检查合格率", "criticalFound": "严重违规检出率"}
N_PATHS = 2000  # the engine's default: the 95 % tails of 1,000 paths come out narrower


def chicago_panel(path: Path) -> pd.DataFrame:
    """One row per (area kind, area, measure, period): the rate in %, periods 0 (2011H2) .. 6 (2014H2)."""
    d = pd.read_csv(path, usecols=["Inspection_Date", "Ward", "Zip", *MEASURES])
    year = d["Inspection_Date"].str[:4].astype(int)
    month = d["Inspection_Date"].str[5:7].astype(int)
    d["period"] = (year - 2011) * 2 + (month > 6).astype(int) - 1
    d["Zip"] = d["Zip"].astype("Int64").astype(str)
    d["Ward"] = d["Ward"].astype("Int64").astype(str)
    parts = []
    for area in ("Ward", "Zip"):
        for col, name in MEASURES.items():
            g = d.groupby([area, "period"])[col].agg(["size", "mean"]).reset_index()
            full = g.groupby(area).agg(n=("size", "min"), k=("period", "nunique"))
            keep = full.index[(full["n"] >= MIN_INSPECTIONS) & (full["k"] == 7)]
            g = g[g[area].isin(keep)]
            parts.append(pd.DataFrame({"area": area, "region": f"{area} " + g[area], "indicator": name,
                                       "period": g["period"], "value": (100 * g["mean"]).round(1)}))
    return pd.concat(parts, ignore_index=True)


def national_panel(path: Path) -> pd.DataFrame:
    d = pd.read_csv(path)
    d = pd.concat([d[d["indicator"] == "product_supervision_pass_rate"],  # 2012-2017, then failure rates 2021-2022
                   d[d["indicator"] == "product_supervision_unqualified_rate"].assign(value=lambda x: 100 - x["value"])])
    return pd.DataFrame({"area": "national", "region": "全国", "indicator": "产品质量监督抽查合格率",
                         "period": d["year"].astype(int) - 2000, "value": d["value"].astype(float)})


def _windows(panel: pd.DataFrame):
    """(window length, its last period, the window) for every window of consecutive observed periods
    with a later outcome."""
    last = int(panel["period"].max())
    seen = set(panel["period"].astype(int))
    for n in WINDOWS:
        for end in range(int(panel["period"].min()) + n - 1, last):
            if all(t in seen for t in range(end - n + 1, end + 1)):
                yield n, end, panel[panel["period"].between(end - n + 1, end)]


def score_windows(panel: pd.DataFrame, model: str, alone: bool) -> pd.DataFrame:
    truth = panel.set_index(["region", "indicator", "period"])["value"]
    rows = []
    for (area, indicator), sub in panel.groupby(["area", "indicator"]):
        for n, end, w in _windows(sub):
            h = int(sub["period"].max()) - end
            hist = pd.DataFrame({"region": w["region"], "indicator": indicator, "year": 2000 + w["period"],
                                 "value": w["value"], "unit": "%"})
            calls = [g for _, g in hist.groupby("region")] if alone else [hist]
            for call in calls:
                for sf in forecast_paths(call, h, model=model, seed=0, n_paths=N_PATHS):
                    obs = call[call["region"] == sf.region]["value"].to_numpy()
                    for j, year in enumerate(sf.future_years):
                        y = truth.get((sf.region, indicator, int(year) - 2000))
                        if y is None or not np.isfinite(y):
                            continue
                        paths = sf.paths[:, j]
                        q = np.quantile(paths, QUANTILES)
                        pin = np.mean(np.maximum(QUANTILES * (y - q), (QUANTILES - 1) * (y - q)))
                        targets = {"last": obs[-1], "mean": obs.mean(), "last-3": obs[-1] - 3, "last+3": obs[-1] + 3}
                        rows.append({"area": area, "indicator": indicator, "region": sf.region, "n": n,
                                     "end": end, "smoothness": _smoothness(obs),
                                     "h": j + 1, "y": y, "median": q[5], "pinball": pin, "model_used": sf.model,
                                     "in80": q[1] <= y <= q[-2], "in95": q[0] <= y <= q[-1],
                                     **{f"p_{k}": float(np.mean(paths >= t)) for k, t in targets.items()},
                                     **{f"met_{k}": float(y >= t) for k, t in targets.items()}})
    return pd.DataFrame(rows)


def _smoothness(obs: np.ndarray) -> float:
    """:func:`mstarget.calibration.smoothness` of a window on the logit scale (sd / |mean| of its changes)."""
    p = np.clip(np.asarray(obs, dtype=float) / 100.0, 1e-3, 1 - 1e-3)
    return smoothness(np.log(p / (1.0 - p)))


def summary(d: pd.DataFrame) -> dict:
    keys = ("last", "mean", "last-3", "last+3")
    p = np.concatenate([d[f"p_{k}"].to_numpy() for k in keys])
    met = np.concatenate([d[f"met_{k}"].to_numpy() for k in keys])
    steady = (d["n"] >= SAMPLING_TREND_POINTS) & (d["smoothness"] < STEADY_LONG)  # auto would use pooled_drift
    return {"forecasts": len(d), "steady_windows": int(steady.sum()), "cov80": d["in80"].mean(), "cov95": d["in95"].mean(),
            "pinball": d["pinball"].mean(), "mae": (d["median"] - d["y"]).abs().mean(),
            "ece": expected_calibration_error(p, met), "brier": float(np.mean((p - met) ** 2)),
            "base": float(np.mean((met.mean() - met) ** 2))}


def main(argv=None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DATA / "inspections" / "chicago_food_inspections_2011_2014.csv"))
    ap.add_argument("--national", default=str(DATA / "china" / "national_history.csv"))
    ap.add_argument("--no-track", action="store_true")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    chicago = chicago_panel(Path(args.data))
    national = national_panel(Path(args.national))
    print(f"{chicago.groupby(['area', 'indicator', 'region']).ngroups} Chicago area series "
          f"({chicago['region'].nunique()} areas), 7 half-years", flush=True)
    settings = TrackingSettings.from_env(enabled=False if args.no_track else None, experiment="sampling_rates")
    rows, by_h, nat = [], [], []
    with start_run("sampling_rates", settings, params={
            "data": args.data, "data_fingerprint": data_fingerprint(chicago), "windows": list(WINDOWS),
            "n_paths": N_PATHS, **package_versions()}) as parent:
        for model in MODELS:
            for alone in (False, True):
                call = "alone" if alone else "peers"
                d = score_windows(chicago, model, alone)
                row = {"model": model, "call": call, **summary(d)}
                rows.append(row)
                by_h += [{"model": model, "call": call, "h": h, **summary(g)} for h, g in d.groupby("h")]
                print(" ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()),
                      flush=True)
                if parent is not None:
                    with start_run(f"{model}/{call}", settings, nested=True,
                                   params={"model": model, "call": call}) as run:
                        run.log_metrics({k: float(v) for k, v in row.items() if not isinstance(v, str)})
            nd = score_windows(national, model, alone=True)
            nat.append(nd.assign(model=model)[["model", "n", "h", "y", "median", "in80", "in95", "pinball"]])
        res = pd.DataFrame(rows)
        OUT.mkdir(exist_ok=True)
        res.to_csv(OUT / "summary.csv", index=False)
        pd.DataFrame(by_h).to_csv(OUT / "by_horizon.csv", index=False)
        nat = pd.concat(nat, ignore_index=True)
        nat.to_csv(OUT / "national.csv", index=False)
        if parent is not None:
            parent.log_table(res, "summary.csv")
            parent.log_table(nat, "national.csv")
    print(res.round(3).to_string(index=False))
    print("\nnational 产品质量监督抽查合格率, windows of 3-5 consecutive years:")
    print(nat.groupby("model")[["in80", "in95", "pinball"]].mean().round(3).to_string())
    return res


if __name__ == "__main__":
    main()
