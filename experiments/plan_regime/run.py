"""Plan regime: are intervals and p_meet honest for short, steady policy indicators? (issue 17)

Protocol (:mod:`mstarget.pace_check`): every window of ``n`` consecutive yearly points of a
real panel, forecast ``h`` years past its end (all regions of an indicator in one call, so pooling
applies), scored on 80 % / 95 % coverage and on plan-like targets at 0.5 / 0.75 / 1 / 1.25 / 1.5x
the window's observed yearly pace (ECE over 10 bins, Brier, against a constant base rate).

**Held out.** ``pooled_drift``'s interval factors are learned on the corpus
(:mod:`corpus`), so each family (data set) is scored with factors learned on **the other
families only** (leave-one-family-out), and the time check learns on windows whose outcomes end by
2018 and scores windows ending 2019 or later. Families are weighted equally in the pooled rows
(``*_family_mean``), so the 84 livestock indicators count once.

Compared, on the same windows: ``auto`` (held-out factors), the old short-series default
(``ensemble`` with the shipped M1/M3/Tourism factors), statsforecast's AutoETS / AutoTheta
(``--sf``, 80 / 95 % intervals; no ``p_meet``) and the UN pace rule (a target is called met when the
observed pace is at least 95 % of the required one: 0/1 calls).

    .venv/bin/python experiments/plan_regime/run.py [--quick] [--no-track] [--stretch A.parquet B.parquet]

Writes ``out/summary.csv`` (per family, n, h, method), ``out/headline.csv`` (4 points, 2 years
ahead), ``out/reliability.png`` and logs one MLflow parent run with one child run per method.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus  # noqa: E402

from mstarget.calibration import Calibration, default_calibration, plan_factors, plan_table  # noqa: E402
from mstarget.pace_check import (equal_weights, pace_backtest, pace_summary,  # noqa: E402
                                 stretch_table)

MULTIPLES = (0.5, 0.75, 1.0, 1.25, 1.5)
#: families also scored one series per call (as a user forecasting a single region would)
ALONE_FAMILIES = ("PublicBudget", "MarketPull", "MarketPush", "IndustryOperation", "HitechFirmsPub",
                  "AgriPlastic", "AgriFertilizer", "AgriPesticide")


EVEN_YEARS = list(range(1980, 2030, 2))


def pace_windows_years(panel: pd.DataFrame) -> set[int]:
    return set(int(y) for y in panel["year"].unique())
OUT = Path(__file__).parent / "out"


def calibration_without(rows: pd.DataFrame, keep: np.ndarray, shift: bool = False) -> Calibration:
    """Shipped calibration with ``pooled_drift``'s factors re-learned on ``rows[keep]`` only
    (``shift=False``, as shipped: stretch factors only, the raw median kept; ``True``: median
    corrections too, as ``calibration.learn`` does on a user's own panel)."""
    r = rows[keep].reset_index(drop=True)
    w = equal_weights(r, ("family", "indicator"))
    if shift:
        t = plan_table(r, w, max_h=6)
        return default_calibration().merged(Calibration(t.factors, "held-out fit", schemes=t.schemes,
                                                        shifts=t.shifts))
    f = plan_factors(r, w, max_h=6)
    return default_calibration().merged(Calibration({"pooled_drift": f}, "held-out fit",
                                                    schemes={"pooled_drift": "plan"}))


def un_rule(det: pd.DataFrame) -> pd.DataFrame:
    """UN progress-chart rule on pace targets: observed / required pace >= 0.95 -> called met."""
    d = det.dropna(subset=["multiple"]).copy()
    d["p_meet"] = (1.0 / d["multiple"] >= 0.95).astype(float)
    d["method"] = "un_rule"
    return d


def statsforecast_intervals(c: pd.DataFrame, n: int, h: int, end_years=None) -> pd.DataFrame:
    """AutoETS / AutoTheta 80 / 95 % intervals on the same windows (coverage only)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta

    from mstarget.pace_check import pace_windows

    w = pace_windows(c, n, h, end_years)
    rows = []
    for k, r in enumerate(w.itertuples(index=False)):
        rows += [{"unique_id": k, "ds": j, "y": v} for j, v in enumerate(r.values)]
    df = pd.DataFrame(rows)
    out = []
    for mdl in (AutoETS(season_length=1), AutoTheta(season_length=1)):
        name = type(mdl).__name__
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fc = StatsForecast(models=[mdl], freq=1, n_jobs=1).forecast(df=df, h=h, level=[80, 95])
        except Exception as exc:  # AutoETS refuses 4-point series ("tiny datasets")
            out.append(pd.DataFrame({"method": [name], "in_80": [np.nan], "in_95": [np.nan],
                                     "note": [f"{type(exc).__name__}: {exc}"]}))
            continue
        fc = fc.reset_index() if "unique_id" not in fc else fc
        last = fc.groupby("unique_id").tail(1).set_index("unique_id")
        y = w["outcome"].to_numpy()
        idx = np.arange(len(w))
        lo80, hi80 = last.loc[idx, f"{name}-lo-80"].to_numpy(), last.loc[idx, f"{name}-hi-80"].to_numpy()
        lo95, hi95 = last.loc[idx, f"{name}-lo-95"].to_numpy(), last.loc[idx, f"{name}-hi-95"].to_numpy()
        out.append(pd.DataFrame({"family": w["family"].to_numpy() if "family" in w else None,
                                 "method": name, "in_80": (lo80 <= y) & (y <= hi80),
                                 "in_95": (lo95 <= y) & (y <= hi95)}))
    return pd.concat(out, ignore_index=True)


def family_mean(summary: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean over families (each family counts once) of the per-family rows."""
    cols = ["coverage_80", "coverage_95", "ece", "brier", "brier_base", "share_met", "mean_p_meet"]
    g = summary.groupby(by, observed=True)
    return g[cols].mean().join(g[["forecasts", "calls"]].sum()).reset_index()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="only 4 points / 2 years ahead")
    ap.add_argument("--stretch", nargs="*", help="stretch tables (peers, alone) already computed")
    ap.add_argument("--sf", action="store_true", help="add statsforecast AutoETS / AutoTheta coverage")
    ap.add_argument("--shift", action="store_true",
                    help="held-out factors with median corrections learned on the other families too "
                         "(not shipped; the default is stretch factors only, as shipped)")
    ap.add_argument("--no-track", action="store_true")
    ap.add_argument("--tracking-uri", default=None)
    ap.add_argument("--experiment", default="plan_regime")
    ap.add_argument("--out-dir", default=str(OUT))
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    c = corpus()
    t0 = time.time()
    if args.stretch:
        rows = pd.concat([pd.read_parquet(f) for f in args.stretch], ignore_index=True)
    else:
        rows = pd.concat([stretch_table(c, lengths=range(1, 8), max_h=6, alone=a) for a in (False, True)],
                         ignore_index=True)
    rows = rows[np.isfinite(rows["r_80"]) & np.isfinite(rows["r_95"])].reset_index(drop=True)
    rows["family"] = rows["indicator"].map(c.drop_duplicates("indicator").set_index("indicator")["family"])
    print(f"stretch rows: {len(rows)} ({time.time() - t0:.0f}s)", flush=True)
    # the headline (4 points, 2 years ahead) on every window; the rest of the 3-6 point x 1-5 year
    # grid on every second end year (run time)
    grid = [(4, 2)] if args.quick else [(4, 2), (3, 2), (5, 2), (6, 2), (4, 1), (4, 3), (4, 5), (3, 4), (6, 4)]
    families = sorted(c["family"].unique())
    dets = []
    for fam in families:
        cal = calibration_without(rows, (rows["family"] != fam).to_numpy(), args.shift)
        panel = c[c["family"] == fam]
        for n, h in grid:
            for method, model, calib in (("auto", "auto", cal), ("old_ensemble", "ensemble", "default")):
                if method == "old_ensemble" and (n, h) != (4, 2):
                    continue
                d = pace_backtest(panel, n_points=n, horizon=h, multiples=MULTIPLES, model=model,
                                  calibration=calib, end_years=None if (n, h) == (4, 2) else EVEN_YEARS)
                d["family"], d["method"], d["check"] = fam, method, "family_out"
                dets.append(d)
                if method == "auto" and (n, h) == (4, 2):
                    dets.append(un_rule(d).assign(check="family_out"))
        if fam in ALONE_FAMILIES:  # one series per call (no peers), on every third end year
            ends = sorted(pace_windows_years(panel))[::3]
            d = pace_backtest(panel, n_points=4, horizon=2, multiples=MULTIPLES, calibration=cal,
                              end_years=ends, one_call=False, n_paths=1000)
            d["family"], d["method"], d["check"] = fam, "auto", "family_out_alone"
            dets.append(d)
        print(f"  {fam}: done ({time.time() - t0:.0f}s)", flush=True)
    # later years: learn on outcomes <= 2018, score windows ending >= 2019 (provincial + MDG)
    early = (rows["end_year"] + rows["h"] <= 2018).to_numpy()
    cal_t = calibration_without(rows, early, args.shift)
    for n, h in grid:
        d = pace_backtest(c, n_points=n, horizon=h, multiples=MULTIPLES, calibration=cal_t,
                          end_years=list(range(2019, 2030)))
        fam = c.drop_duplicates("indicator").set_index("indicator")["family"]
        d["family"], d["method"], d["check"] = d["indicator"].map(fam), "auto", "later_years"
        dets.append(d)
    # a bureau's remedy: calibrate on its own family's past (calibration.learn on its panel) --
    # factors from the family's windows with outcomes by 2018, scored on its windows ending 2019+
    for fam in families:
        keep = ((rows["family"] == fam) & early).to_numpy()
        if keep.sum() < 2000:
            continue
        cal_f = calibration_without(rows, keep, True)  # calibration.learn's default on an own panel
        panel = c[c["family"] == fam]
        for n, h in grid:
            d = pace_backtest(panel, n_points=n, horizon=h, multiples=MULTIPLES, calibration=cal_f,
                              end_years=list(range(2019, 2030)))
            d["family"], d["method"], d["check"] = fam, "auto_own_family", "later_years"
            dets.append(d)
    det = pd.concat(dets, ignore_index=True)
    det.to_csv(out / "details.csv.gz", index=False)
    per_fam = pace_summary(det, ["check", "method", "family", "n_points", "h"])
    per_fam.to_csv(out / "summary.csv", index=False)
    fm = family_mean(per_fam, ["check", "method", "n_points", "h"])
    fm.to_csv(out / "family_mean.csv", index=False)
    head = per_fam[(per_fam["n_points"] == 4) & (per_fam["h"] == 2)]
    head_mult = pace_summary(det[(det["n_points"] == 4) & (det["h"] == 2) & (det["check"] == "family_out")],
                             ["method", "multiple"])
    head_mult.to_csv(out / "headline_by_multiple.csv", index=False)
    pooled = pace_summary(det[(det["n_points"] == 4) & (det["h"] == 2)], ["check", "method"])
    if args.sf:
        sf = statsforecast_intervals(c, 4, 2)
        cov = sf.groupby("method")[["in_80", "in_95"]].mean().rename(
            columns={"in_80": "coverage_80", "in_95": "coverage_95"})
        cov["forecasts"] = sf.groupby("method")["in_80"].count()
        if "note" in sf:
            cov["note"] = sf.groupby("method")["note"].first()
        pooled = pd.concat([pooled, cov.reset_index().assign(check="all_windows")], ignore_index=True)
    pooled.to_csv(out / "headline.csv", index=False)
    pd.set_option("display.width", 220)
    print(pooled.round(3).to_string(index=False))
    print(fm[(fm["n_points"] == 4) & (fm["h"] == 2)].round(3).to_string(index=False))
    print(head.round(3).to_string(index=False))
    fig = reliability_figure(det)
    from mstarget.plotting import save_figure

    save_figure(fig, out / "reliability.png")
    log(args, per_fam, fm, pooled, fig, det)
    return pooled


def reliability_figure(det: pd.DataFrame):
    from mstarget.plotting import pyplot
    from mstarget.report import reliability_chart

    d = det[(det["n_points"] == 4) & (det["h"] == 2) & (det["check"] == "family_out")].dropna(subset=["p_meet"])
    fig, ax = pyplot().subplots(figsize=(5.5, 5))
    reliability_chart(d[["method", "p_meet", "met"]].assign(met=d["met"].astype(bool)), by="method", ax=ax,
                      title="4 points, 2 years ahead, held-out families")
    fig.tight_layout()
    return fig


def log(args, per_fam, fm, pooled, fig, det) -> None:
    from mstarget import tracking

    settings = tracking.TrackingSettings.from_env(enabled=False if args.no_track else None,
                                                  tracking_uri=args.tracking_uri, experiment=args.experiment)
    with tracking.start_run("plan_regime", settings, params={"multiples": list(MULTIPLES),
                                                               "quick": bool(args.quick)}) as parent:
        if parent is None:
            return
        parent.log_table(per_fam, "summary.csv")
        parent.log_table(fm, "family_mean.csv")
        parent.log_table(pooled, "headline.csv")
        parent.log_figure(fig, "reliability.png")
        for (check, method), g in fm.groupby(["check", "method"]):
            with tracking.start_run(f"{method}:{check}", settings, nested=True,
                                    params={"method": method, "check": check}) as child:
                h42 = g[(g["n_points"] == 4) & (g["h"] == 2)]
                if len(h42):
                    child.log_metrics({k: float(h42[k].iloc[0]) for k in
                                       ("coverage_80", "coverage_95", "ece", "brier", "brier_base")
                                       if pd.notna(h42[k].iloc[0])})
                child.log_table(g, "family_mean.csv")


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
