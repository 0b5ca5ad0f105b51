"""Growth rates in % (增长率, 增速, 年均增长): ``growth_rate`` against ``pooled_drift`` on derived real data.

The corpus holds no growth-rate series, so they are DERIVED from real data: the yearly % growth
``100 * (v_t / v_{t-1} - 1)`` of every positive level series of the corpus (:mod:`corpus`: the
provincial panels, MDG WHO rates per 100,000 and the national series; shares in % are left out), named
``<indicator>增长率`` in ``%`` so the package reads them as growth rates (floor -100 %, log(100 + g)
scale). Every window of ``n`` (4, 6) growth points is forecast ``h`` (1, 2, 5) years on, all windows
ending in the same year in one call (peers pool as in a provincial call), by

* ``pooled_drift``: what ``auto`` used for 1-7 points before (random walk with drift, its shipped
  calibration factors), and
* ``growth_rate``: AR(1) around the series' mean with parameter uncertainty (no factors);

and scored per family: 80 / 95 % coverage of the outcome, and ``p_meet`` of plan-like targets on
the growth rate ("增长率 >= target" in the outcome year, target = the window's mean -2, -1, 0, +1, +2
points): ECE (10 bins), Brier and the Brier of the base rate. Families are split in two
(alternately by name): ``train`` (where the model's few constants were looked at) and ``held-out``.

    .venv/bin/python experiments/plan_regime/growth_rates.py [n_paths]   # ~10 min on 2 cores

Pooling the regions of an indicator (session 38): ``--pool`` compares ``growth_rate`` variants
(:func:`mstarget.models.growth.pool_regions`) instead: ``own`` (each region's own mean, flat prior:
the shipped model), ``mean-flatphi`` (the mean shrunk toward the peers' by empirical Bayes,
DerSimonian-Laird spread; the candidate chosen on train), ``mean`` (the same, persistence weights
from the marginal likelihood under the pooled prior), ``mean-ml*`` (spread by maximum marginal
likelihood), ``phi`` (the peers' average persistence posterior as each region's prior) and
``mean+phi``; ``--split train`` scores the train families only (development), ``--windows 4
--horizons 1,5`` fewer cells (both write ``out/growth_rates_pool_dev_*.csv``)::

    .venv/bin/python experiments/plan_regime/growth_rates.py 500 --pool --variants own,mean-flatphi  # ~7 min
    .venv/bin/python experiments/plan_regime/growth_rates.py 300 --pool --split train --windows 4,6 --horizons 1,5 \
        --variants own,mean,mean-flatphi,mean-ml,mean-ml-flatphi,mean-ml+phi                     # ~4 min
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

from mstarget.forecast import forecast_paths  # noqa: E402
from mstarget.models import growth  # noqa: E402
from mstarget.pace_check import expected_calibration_error  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
MODELS = ("pooled_drift", "growth_rate")
OFFSETS = (-2.0, -1.0, 0.0, 1.0, 2.0)
WINDOWS, HORIZONS = (4, 6), (1, 2, 5)
#: growth_rate variants of ``--pool``: (POOL_MEAN, POOL_PHI, POOL_REWEIGHT, POOL_METHOD)
VARIANTS = {"own": (False, False, False, "dl"), "mean-flatphi": (True, False, False, "dl"),
            "mean": (True, False, True, "dl"), "phi": (False, True, False, "dl"),
            "mean+phi": (True, True, True, "dl"), "mean-ml": (True, False, True, "ml"),
            "mean-ml-flatphi": (True, False, False, "ml"), "mean-ml+phi": (True, True, True, "ml")}
FLAGS = ("POOL_MEAN", "POOL_PHI", "POOL_REWEIGHT", "POOL_METHOD")
TIMES: dict = {}  # model -> [seconds, series]


@contextlib.contextmanager
def variant(name: str):
    """``growth_rate`` with the pooling of variant ``name`` (module flags, this process: serial engine)."""
    old = [getattr(growth, f) for f in FLAGS]
    if name in VARIANTS:
        for f, v in zip(FLAGS, VARIANTS[name]):
            setattr(growth, f, v)
    try:
        yield "growth_rate" if name in VARIANTS else name
    finally:
        for f, v in zip(FLAGS, old):
            setattr(growth, f, v)


def growth_panel() -> pd.DataFrame:
    """Yearly % growth of every positive level series of the corpus (consecutive years only)."""
    c = corpus.corpus()
    c = c[~c["unit"].astype(str).isin(["%", "‰", "百分点"])].dropna(subset=["value"])
    rows = []
    for (fam, ind, reg), g in c.groupby(["family", "indicator", "region"]):
        v = g.groupby("year")["value"].mean().sort_index()
        if (v <= 0).any() or v.size < 2:
            continue
        yrs = v.index.to_numpy()
        ok = np.diff(yrs) == 1
        gr = 100.0 * (v.to_numpy()[1:] / v.to_numpy()[:-1] - 1.0)
        for y, x in zip(yrs[1:][ok], gr[ok]):
            rows.append((fam, ind, reg, int(y), float(x)))
    d = pd.DataFrame(rows, columns=["family", "indicator", "region", "year", "value"])
    d["name"] = d["indicator"] + "增长率"
    d["unit"] = "%"
    return d


def windows(panel: pd.DataFrame, n: int, h: int) -> pd.DataFrame:
    """Every ``n``-point window with its outcome ``h`` years after its last year."""
    out = []
    for (fam, ind, reg), g in panel.groupby(["family", "indicator", "region"]):
        v = g.set_index("year")["value"]
        for end in v.index:
            years = range(end - n + 1, end + 1)
            if end + h in v.index and all(y in v.index for y in years):
                out.append((fam, ind, reg, end, float(v.loc[list(years)].mean()), float(v.loc[end + h])))
    return pd.DataFrame(out, columns=["family", "indicator", "region", "end", "mean", "actual"])


def score(panel: pd.DataFrame, model: str, n: int, h: int, n_paths: int) -> pd.DataFrame:
    w = windows(panel, n, h)
    rows = []
    for end, we in w.groupby("end"):
        keys = set(zip(we["indicator"], we["region"]))
        hist = panel[(panel["year"] <= end) & (panel["year"] > end - n)]
        hist = hist[[k in keys for k in zip(hist["indicator"], hist["region"])]]
        # one call per end year: the indicator's regions pool (the region key keeps families apart)
        t0 = time.perf_counter()
        with variant(model) as m:
            sfs = forecast_paths(hist[["region", "indicator", "name", "unit", "year", "value"]], h,
                                 model=m, seed=0, n_paths=n_paths)
        t = TIMES.setdefault(model, [0.0, 0])
        t[0] += time.perf_counter() - t0
        t[1] += len(sfs)
        at = {(sf.indicator, sf.region): sf.paths[:, -1] for sf in sfs}
        for r in we.itertuples(index=False):
            p = at[(r.indicator, r.region)]
            lo80, hi80, lo95, hi95 = np.quantile(p, [0.1, 0.9, 0.025, 0.975])
            for off in OFFSETS:
                t = r.mean + off
                rows.append({"family": r.family, "n": n, "h": h, "model": model, "key": (r.indicator, r.region, end),
                             "offset": off, "p_meet": float(np.mean(p >= t)), "met": float(r.actual >= t),
                             "in80": lo80 <= r.actual <= hi80, "in95": lo95 <= r.actual <= hi95,
                             "width80": hi80 - lo80})
    return pd.DataFrame(rows)


def summary(d: pd.DataFrame) -> dict:
    w = d[d["offset"] == 0.0]
    y, p = d["met"].to_numpy(), d["p_meet"].to_numpy()
    return {"windows": len(w), "cov80": w["in80"].mean(), "cov95": w["in95"].mean(),
            "err80": abs(w["in80"].mean() - 0.80), "err95": abs(w["in95"].mean() - 0.95),
            "ece": expected_calibration_error(p, y), "brier": float(np.mean((p - y) ** 2)),
            "base": float(np.mean((y.mean() - y) ** 2)), "width80": float(w["width80"].median())}


def main() -> int:
    warnings.simplefilter("ignore")
    ap = argparse.ArgumentParser()
    ap.add_argument("n_paths", nargs="?", type=int, default=500)
    ap.add_argument("--pool", action="store_true", help="compare growth_rate's pooling variants")
    ap.add_argument("--variants", default="own,mean-flatphi", help="with --pool: which variants")
    ap.add_argument("--split", choices=["train", "held-out", "all"], default="all")
    ap.add_argument("--windows", default=",".join(map(str, WINDOWS)))
    ap.add_argument("--horizons", default=",".join(map(str, HORIZONS)))
    a = ap.parse_args()
    n_paths = a.n_paths
    models = tuple(a.variants.split(",")) if a.pool else MODELS
    wins, hors = [int(x) for x in a.windows.split(",")], [int(x) for x in a.horizons.split(",")]
    stem = "growth_rates_pool" if a.pool else "growth_rates"
    if a.split != "all" or a.windows != ",".join(map(str, WINDOWS)) or a.horizons != ",".join(map(str, HORIZONS)):
        stem += "_dev"  # a development run never overwrites the full run's tables
    panel = growth_panel()
    fams = sorted(panel["family"].unique())
    split = {f: ("train" if i % 2 == 0 else "held-out") for i, f in enumerate(fams)}
    if a.split != "all":  # families are whole indicators: the peers of a series are unchanged
        panel = panel[panel["family"].map(split) == a.split]
    print(f"{panel.groupby(['family', 'indicator', 'region']).ngroups} derived growth-rate series "
          f"({len(panel)} values) in {len(fams)} families", flush=True)
    parts = []
    for n in wins:
        for h in hors:
            for m in models:
                parts.append(score(panel, m, n, h, n_paths))
                print(f"n={n} h={h} {m}: {summary(parts[-1])}", flush=True)
    d = pd.concat(parts, ignore_index=True)
    d["split"] = d["family"].map(split)
    OUT.mkdir(exist_ok=True)
    rows = []
    for (m, fam), g in d.groupby(["model", "family"]):
        rows.append({"model": m, "family": fam, "split": split[fam], **summary(g)})
    fam = pd.DataFrame(rows)
    fam.to_csv(OUT / f"{stem}_families.csv", index=False)
    cols = ["cov80", "cov95", "err80", "err95", "ece", "brier", "base", "width80"]
    print(fam.round(3).to_string(index=False))
    print("\nfamily means by split:")
    print(fam.groupby(["split", "model"])[cols].mean().round(3).to_string())
    print("\nfamily means (all):")
    print(fam.groupby("model")[cols].mean().round(3).to_string())
    by = pd.DataFrame([{"model": m, "n": n, "h": h, **summary(g)} for (m, n, h), g in d.groupby(["model", "n", "h"])])
    by.to_csv(OUT / f"{stem}_nh.csv", index=False)
    print("\npooled rows by window and horizon:")
    print(by.round(3).to_string(index=False))
    print("\nms per series (fit + paths, all cells):")
    for m, (sec, k) in TIMES.items():
        print(f"  {m}: {1000 * sec / max(k, 1):.2f} ms ({k} series)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
