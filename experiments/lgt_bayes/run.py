"""How far is the accuracy goal from a model fitted by MCMC? A Bayesian LGT on M3 / Tourism yearly.

Issue 5's M3 goals (sMAPE <= 15.5, MASE <= 2.50) lie below every original M3 submission; the one
kind of model published at that level is Smyl's local-and-global-trend model (LGT), fitted per
series by MCMC. This experiment measures such a model here, on the same series and metrics as
``benchmarks/run.py``, next to mstarget's default (``auto``) and statsforecast's ``AutoTheta``:

* model: ``lgt.stan`` (Student-t errors whose scale grows with the level, a global trend
  ``coefTrend * level^powTrend`` plus a damped local trend), sampled with Stan (PyStan 3:
  ``pip install -e '.[stan]'``, Linux / macOS, a C++ compiler; the model compiles once, ~1 min);
  ``--chains`` x (``--warmup`` + ``--samples``) iterations, default 2 x (500 + 500);
* forecast: sample paths simulated from every posterior draw (seeded per series); the point
  forecast is their median, the interval their 2.5-97.5 % quantiles (raw, not calibrated);
* ``auto`` is run through the public engine on the whole panel (as in the benchmark, where the
  global member learns across all series), AutoTheta per series;
* ``--split test`` scores the official test periods; ``--split val`` holds out the last ``h``
  points of each training part instead (the validation design of ``benchmarks/validate_points.py``).

Per-series results are appended to ``out/<dataset>_<split>_lgt.csv`` as they finish, so an
interrupted run resumes where it stopped; the table per dataset is ``out/summary_<dataset>_<split>.csv``.
Logged to MLflow: one parent run, one child per method and dataset (metrics ``smape``, ``mase``,
``cov95``, ``s_per_series``). Series run one after the other (Stan's own worker processes hang
inside joblib / loky workers); use both cores by running the two datasets as two processes.

    .venv/bin/pip install -e '.[bench,stan]'
    .venv/bin/python experiments/lgt_bayes/run.py --datasets m3 &
    .venv/bin/python experiments/lgt_bayes/run.py --datasets tourism
    .venv/bin/python experiments/lgt_bayes/run.py --quick 40 --no-track     # a first look
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
import warnings
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from datasets import load, to_history  # noqa: E402

from mstarget.metrics import mase, naive_scale, smape  # noqa: E402

HERE = Path(__file__).resolve().parent
STAN_CODE = (HERE / "lgt.stan").read_text(encoding="utf-8")
PARAMS = ("nu", "sigma", "powx", "levSm", "bSm", "offsetSigma", "locTrendFract", "coefTrend", "powTrend")


def series_of(name: str, split: str, quick: int | None):
    """``[(id, train, outcome)]`` and ``h``; ``split="val"`` holds out the last ``h`` training points."""
    ser, h = load(name)
    if split == "val":
        ser = [(sid, x[:-h], x[-h:]) for sid, x, _ in ser]
    if quick:
        idx = np.linspace(0, len(ser) - 1, min(quick, len(ser))).astype(int)
        return [ser[i] for i in idx], ser, h
    return ser, ser, h


def lgt_paths(y: np.ndarray, h: int, seed: int, chains: int, warmup: int, samples: int) -> np.ndarray:
    """Posterior predictive sample paths, shape (chains * samples, h), of the LGT model for ``y``."""
    import stan

    y = np.asarray(y, dtype=float)
    data = {"N": int(y.size), "y": y, "CauchySd": float(max(y.max() / 200, 1e-6))}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        model = stan.build(STAN_CODE, data=data, random_seed=seed)
        fit = model.sample(num_chains=chains, num_warmup=warmup, num_samples=samples)
    par = {k: np.asarray(fit[k]).ravel() for k in PARAMS}
    level, trend = np.asarray(fit["l"])[-1].copy(), np.asarray(fit["b"])[-1].copy()
    rng = np.random.default_rng([seed, y.size])
    floor = 1e-3 * max(float(y.min()), 1e-6)  # positive data: keep draws positive (level^power)
    paths = np.empty((level.size, h))
    for k in range(h):
        mean = level + par["coefTrend"] * np.power(level, par["powTrend"]) + par["locTrendFract"] * trend
        scale = par["sigma"] * np.power(level, par["powx"]) + par["offsetSigma"]
        draw = np.maximum(mean + scale * rng.standard_t(par["nu"]), floor)
        paths[:, k] = draw
        new_level = par["levSm"] * draw + (1 - par["levSm"]) * level
        trend = par["bSm"] * (new_level - level) + (1 - par["bSm"]) * trend
        level = new_level
    return paths


def one_series(sid: str, x: np.ndarray, xx: np.ndarray, h: int, seed: int, chains: int, warmup: int,
               samples: int) -> dict:
    t = time.perf_counter()
    paths = lgt_paths(x, h, seed, chains, warmup, samples)
    q = np.quantile(paths, [0.025, 0.5, 0.975], axis=0)
    return {"id": sid, "seconds": time.perf_counter() - t,
            "median": " ".join(f"{v:.6g}" for v in q[1]), "lo_95": " ".join(f"{v:.6g}" for v in q[0]),
            "hi_95": " ".join(f"{v:.6g}" for v in q[2])}


def run_lgt(name: str, split: str, series, h: int, args) -> pd.DataFrame:
    """LGT results per series, resuming from (and appending to) the per-series file."""
    from tqdm import tqdm

    path = Path(args.out_dir) / f"{name}_{split}_lgt.csv"
    done = set(pd.read_csv(path, dtype={"id": str})["id"]) if path.exists() else set()
    todo = [s for s in series if s[0] not in done]
    rows = []
    for k, (sid, x, xx) in enumerate(tqdm(todo, desc=f"LGT {name} {split}", unit="series",
                                              initial=len(series) - len(todo), total=len(series))):
        seed = args.seed + zlib.crc32(sid.encode()) % 100_000  # per series, the same in any subset
        rows.append(one_series(sid, x, xx, h, seed, args.chains, args.warmup, args.samples))
        if len(rows) == 10 or k == len(todo) - 1:  # append as we go: an interrupted run resumes
            pd.DataFrame(rows).to_csv(path, mode="a", header=not path.exists(), index=False)
            rows = []
    out = pd.read_csv(path, dtype={"id": str})
    return out[out["id"].isin({s[0] for s in series})]


def peers(series, panel, h: int, seed: int) -> dict:
    """``auto`` (whole panel, as in the benchmark) and AutoTheta: id -> (median, lo_95, hi_95)."""
    import mstarget as mt
    from statsforecast.models import AutoTheta

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = mt.forecast(to_history(panel), horizon=h, model="auto", levels=(95,), seed=seed)
    keep = {s[0] for s in series}
    auto = {sid: (g["median"].to_numpy(), g["lo_95"].to_numpy(), g["hi_95"].to_numpy())
            for sid, g in fc[fc["indicator"].isin(keep)].sort_values("year").groupby("indicator")}
    theta = {}
    for sid, x, _ in series:
        try:
            m = AutoTheta(season_length=1).forecast(y=x, h=h, level=[95])
            theta[sid] = (m["mean"], m["lo-95"], m["hi-95"])
        except NotImplementedError:  # statsforecast refuses very short series: naive instead
            theta[sid] = (np.full(h, x[-1]),) * 3
    return {"mstarget:auto": auto, "statsforecast:AutoTheta": theta}


def score(series, forecasts: dict) -> dict:
    sm, ms, cov = [], [], []
    for sid, x, xx in series:
        med, lo, hi = (np.asarray(v, dtype=float) for v in forecasts[sid])
        sm.append(np.mean(smape(xx, med)))
        ms.append(np.mean(mase(xx, med, naive_scale(x))))
        cov.append(np.mean((lo <= xx) & (xx <= hi)))
    return {"smape": float(np.mean(sm)), "mase": float(np.mean(ms)), "cov95": float(np.mean(cov)),
            "n_series": len(series)}


def main(argv=None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default="m3,tourism")
    ap.add_argument("--split", choices=("test", "val"), default="test")
    ap.add_argument("--quick", type=int, default=None, help="an evenly spaced subset of this many series")
    ap.add_argument("--chains", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=500)
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out-dir", default=str(HERE / "out"))
    ap.add_argument("--no-track", action="store_true")
    ap.add_argument("--tracking-uri", default=None)
    ap.add_argument("--experiment", default="lgt_bayes")
    args = ap.parse_args(argv)
    Path(args.out_dir).mkdir(parents=True, exist_ok=True)
    rows = []
    for name in [d.strip() for d in args.datasets.split(",") if d.strip()]:
        series, panel, h = series_of(name, args.split, args.quick)
        lgt = run_lgt(name, args.split, series, h, args)
        forecasts = {"stan:LGT": {r.id: tuple(np.array(str(getattr(r, c)).split(), dtype=float)
                                              for c in ("median", "lo_95", "hi_95"))
                                  for r in lgt.itertuples()}}
        forecasts.update(peers(series, panel, h, args.seed))
        for method, fc in forecasts.items():
            row = {"dataset": name, "split": args.split, "method": method, **score(series, fc)}
            if method == "stan:LGT":
                row["s_per_series"] = float(lgt["seconds"].mean())
            rows.append(row)
            print(f"{name:8s} {args.split:4s} {method:24s} sMAPE {row['smape']:6.2f}  MASE "
                  f"{row['mase']:6.3f}  cov95 {row['cov95']:.3f}")
    summary = pd.DataFrame(rows)
    tag = f"_quick{args.quick}" if args.quick else ""
    for name, part in summary.groupby("dataset", sort=False):
        part.to_csv(Path(args.out_dir) / f"summary_{name}_{args.split}{tag}.csv", index=False)
    _track(summary, args)
    return summary


def _track(summary: pd.DataFrame, args) -> None:
    from mstarget import tracking

    settings = tracking.TrackingSettings.from_env(enabled=False if args.no_track else None,
                                                  tracking_uri=args.tracking_uri, experiment=args.experiment)
    params = {"split": args.split, "quick": args.quick or "all", "chains": args.chains,
              "warmup": args.warmup, "samples": args.samples, "seed": args.seed}
    with tracking.start_run("lgt_bayes", settings, params=params) as parent:
        if parent is None:
            return
        parent.log_table(summary, "summary.csv")
        for name in summary["dataset"].unique():  # the LGT forecasts per series
            parent.log_file(Path(args.out_dir) / f"{name}_{args.split}_lgt.csv")
        for r in summary.itertuples():
            with tracking.start_run(f"{r.method}@{r.dataset}", settings, nested=True,
                                    params={"method": r.method, "dataset": r.dataset}) as child:
                child.log_metrics({k: getattr(r, k) for k in ("smape", "mase", "cov95", "s_per_series")
                                   if k in summary.columns and pd.notna(getattr(r, k))})


if __name__ == "__main__":
    main()
