"""Do the latest changes of a short window say more about the next ones than the earlier changes? (issue 17)

``pooled_drift`` took a short series' slope as its mean yearly change (equal weights). Policy trends turn: a
fertiliser-use series that has stopped growing, a budget share that has started to fall. This experiment asks
whether the real policy corpus (:mod:`corpus`: Chinese provincial panels and MDG-era country series) says the
last change should weigh more, and how much.

``--stats`` (statistics only, ~1 min): every 4-point window (3 yearly changes ``d0, d1, d2``, model scale:
log / logit, :mod:`mstarget.transforms`) with its outcome 2 years on; per family, a median (quantile)
regression through the origin of the future yearly change on ``d0, d1, d2``, all divided by the window's mean
absolute change (scale-free). Equal weights would give three equal coefficients; a trend that carries on with
its latest pace, ``(0, 0, 1)``. Writes ``out/recency_stats.csv``.

``--ab`` (~1-2 min per weight on 2 busy cores): ``pooled_drift`` with each change weighing ``R`` times the one a
year before it (``mstarget.models.pooled.RECENCY``; ``R = 1`` is the old mean change; peers' slopes the same
way) in series whose changes' sd is at most ``--smooth-max`` times their mean (``RECENCY_SMOOTH_MAX``, shipped 1;
``inf``: every series), ``model="auto"``, the shipped calibration factors, all regions of an indicator ending in the same year in
one call (:func:`mstarget.pace_check.pace_backtest`, targets at 0.5 / 1 / 1.5 x pace). Per family: coverage,
ECE, Brier. **Held out:** for each family, ``R`` is chosen by the mean Brier of the *other* families and the
family is scored at that ``R``. Writes ``out/recency_ab_<n>_<h>[_all].csv`` (per family and ``R``; ``_all``:
``--smooth-max inf``) and prints the held-out choice.

    .venv/bin/python experiments/plan_regime/recency.py --stats
    .venv/bin/python experiments/plan_regime/recency.py --ab [--n 4 --h 2] [--weights 1 1.5 2 3] [--smooth-max inf]
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
from corpus import mdg, provincial  # noqa: E402
from persistence import window_table  # noqa: E402

import mstarget.models.pooled as pooled  # noqa: E402
from mstarget.pace_check import pace_backtest, pace_summary  # noqa: E402

OUT = Path(__file__).parent / "out"


def policy_corpus() -> pd.DataFrame:
    """The Chinese provincial panels and the MDG-era series (the national series, one region, left out)."""
    cols = ["region", "indicator", "year", "value", "unit", "family"]
    return pd.concat([provincial()[cols], mdg()[cols]], ignore_index=True)


def stats(out: Path) -> pd.DataFrame:
    import statsmodels.api as sm  # lazy: only --stats needs it

    w = window_table(policy_corpus(), 4, 2)
    D = w[["d0", "d1", "d2"]].to_numpy()
    fut = (w["rho"] * w["b"]).to_numpy()  # the future yearly change on the model scale
    s = np.abs(D).mean(axis=1)
    ok = np.isfinite(fut) & (s > 0)
    X = pd.DataFrame(D[ok] / s[ok, None], columns=["d0", "d1", "d2"])
    y = fut[ok] / s[ok]
    fam = w["family"].to_numpy()[ok]
    keep = np.abs(y) < 50  # a handful of windows with no movement but one tiny change
    rows = []
    groups = [("all (each window once)", keep)] + [(f, keep & (fam == f)) for f in sorted(set(fam))]
    for name, m in groups:
        fit = sm.QuantReg(y[m], X[m]).fit(q=0.5)
        c = fit.params.to_numpy()
        rows.append({"family": name, "windows": int(m.sum()), "w_d0": c[0], "w_d1": c[1], "w_d2": c[2],
                     "sum": c.sum(), "last_over_first": c[2] / c[0] if c[0] > 0 else np.nan})
    t = pd.DataFrame(rows)
    t.to_csv(out / "recency_stats.csv", index=False)
    pd.set_option("display.width", 200)
    print("median regression of the future yearly change on the window's three changes (model scale, "
          "divided by the mean absolute change)")
    print(t.round(3).to_string(index=False))
    return t


def ab(weights, n: int, h: int, out: Path, smooth_max: float = pooled.RECENCY_SMOOTH_MAX) -> pd.DataFrame:
    pooled.RECENCY_SMOOTH_MAX = float(smooth_max)
    c = policy_corpus()
    fam = c.drop_duplicates("indicator").set_index("indicator")["family"]
    rows = []
    for r in weights:
        pooled.RECENCY = float(r)
        t0 = time.time()
        d = pace_backtest(c[["region", "indicator", "year", "value", "unit"]], n_points=n, horizon=h,
                          multiples=(0.5, 1.0, 1.5))
        d["family"] = d["indicator"].map(fam)
        s = pace_summary(d, "family").assign(recency=float(r), n_points=n, h=h)
        rows.append(s)
        m = s[["coverage_80", "coverage_95", "ece", "brier", "brier_base"]].mean()
        print(f"R={r}: family mean {m.round(3).to_dict()} ({time.time() - t0:.0f}s)", flush=True)
    t = pd.concat(rows, ignore_index=True)
    t.to_csv(out / f"recency_ab_{n}_{h}{'_all' if np.isinf(smooth_max) else ''}.csv", index=False)
    held = []
    for f in sorted(t["family"].unique()):
        others = t[t["family"] != f].groupby("recency")["brier"].mean()
        best = float(others.idxmin())
        row = t[(t["family"] == f) & (t["recency"] == best)].iloc[0]
        base = t[(t["family"] == f) & (t["recency"] == min(weights))].iloc[0]
        held.append({"family": f, "chosen_R": best, "brier_R1": base["brier"], "brier": row["brier"],
                     "ece_R1": base["ece"], "ece": row["ece"], "cov80_R1": base["coverage_80"],
                     "cov80": row["coverage_80"], "brier_base": row["brier_base"]})
    hd = pd.DataFrame(held)
    print(f"each family at the R the other families choose (by their mean Brier), against R = {min(weights)} (_R1):")
    print(hd.round(3).to_string(index=False))
    print("family mean:", hd.drop(columns=["family"]).mean().round(3).to_dict())
    return t


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stats", action="store_true")
    ap.add_argument("--ab", action="store_true")
    ap.add_argument("--n", type=int, default=4)
    ap.add_argument("--h", type=int, default=2)
    ap.add_argument("--weights", type=float, nargs="*", default=[1.0, 1.5, 2.0, 3.0])
    ap.add_argument("--smooth-max", type=float, default=pooled.RECENCY_SMOOTH_MAX)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.stats:
        stats(OUT)
    if args.ab:
        ab(args.weights, args.n, args.h, OUT, args.smooth_max)


if __name__ == "__main__":
    main()
