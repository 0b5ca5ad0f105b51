"""M3 yearly comparison logged to MLflow: one parent run, one child run per method.

Methods: mstarget models (default ``auto``, ``ensemble``, ``naive``, ``drift``, ``theta``) and
statsforecast ``AutoETS`` / ``AutoTheta``; optional Prophet (``--prophet``). Metrics per child:
sMAPE, MASE, 95 % coverage, ms per series; the per-series scores go into one table artifact.

    .venv/bin/python experiments/m3_yearly/run.py [--quick N] [--last 8] [--no-track]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from datasets import load  # noqa: E402
from run import run_mstarget, run_prophet, run_statsforecast  # noqa: E402


def per_series(series, fc) -> pd.DataFrame:
    rows = []
    for sid, x, xx in series:
        f, lo, hi = (np.asarray(v, dtype=float) for v in fc[sid])
        rows.append({"id": sid, "n_train": x.size,
                     "smape": float(np.mean(200 * np.abs(xx - f) / (np.abs(xx) + np.abs(f)))),
                     "mase": float(np.mean(np.abs(xx - f)) / np.mean(np.abs(np.diff(x)))),
                     "cov95": float(np.mean((xx >= lo) & (xx <= hi)))})
    return pd.DataFrame(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", type=int, default=None)
    ap.add_argument("--last", type=int, default=None, help="keep only the last N training points")
    ap.add_argument("--models", default="auto,ensemble,naive,drift,theta")
    ap.add_argument("--prophet", action="store_true")
    ap.add_argument("--no-track", action="store_true")
    ap.add_argument("--tracking-uri", default=None)
    ap.add_argument("--experiment", default="m3_yearly")
    args = ap.parse_args(argv)
    from mstarget import tracking

    series, h = load("m3", last=args.last, quick=args.quick)
    methods = [(f"mstarget:{m}", lambda m=m: run_mstarget(series, h, m)[:2]) for m in args.models.split(",")]
    methods += [(f"statsforecast:{w}", lambda w=w: run_statsforecast(series, h, w)) for w in ("AutoETS", "AutoTheta")]
    if args.prophet:
        methods.append(("prophet:default", lambda: run_prophet(series, h)))
    results = []
    for name, fn in methods:
        fc, el = fn()
        ps = per_series(series, fc)
        m = {"smape": ps["smape"].mean(), "mase": ps["mase"].mean(), "cov95": ps["cov95"].mean(),
             "ms_per_series": 1000 * el / len(series)}
        print(f"{name:28s} " + "  ".join(f"{k} {v:.3f}" for k, v in m.items()), flush=True)
        results.append((name, m, ps))
    settings = tracking.TrackingSettings.from_env(enabled=False if args.no_track else None,
                                                  tracking_uri=args.tracking_uri, experiment=args.experiment)
    summary = pd.DataFrame([{"method": n, **m} for n, m, _ in results])
    with tracking.start_run("m3_yearly", settings, params={"n_series": len(series), "h": h,
                                                           "last": args.last or "all",
                                                           **tracking.package_versions()}) as parent:
        if parent is not None:
            parent.log_table(summary, "summary.csv")
            for name, m, ps in results:
                with tracking.start_run(name, settings, nested=True, params={"method": name}) as child:
                    child.log_metrics(m)
                    child.log_table(ps, "per_series.csv")
    return summary


if __name__ == "__main__":
    main()
