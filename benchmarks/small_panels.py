"""The ensemble in a small call (a district's 8-30 indicators): point mass at the median, coverage, ``p_meet``.

``global`` (an ensemble member) learns across the series of one call; inside the ensemble it keeps
in-sample residuals (``global_oof=False``), and a booster fitted to a few hundred windows fits them
closely, so one third of the ensemble's paths sit near its median: a point mass that makes ``p_meet``
jump for a small change of a target near the median. This script measures it, and what giving ``global``
out-of-fold residuals in small calls would do (``--oof-below ROWS``: training tables smaller than
``ROWS`` windows get out-of-fold residuals; patched into this process only), on two kinds of data:

* ``business``: the validation parts of M1 / M3 / Tourism yearly (``validate_points.validation_sets``:
  M1 train -> test, M3 / Tourism training parts with their last ``h`` points held out; never the
  benchmark test periods), series of 8+ positive points, in random calls of ``--panel`` series,
  ``model="ensemble"``, shipped factors: 80 / 95 % coverage over all horizons and ``near``, the share
  of paths within +-0.5 % of the median at the last horizon (``ref``: the same share for a normal
  fan of the same interquartile range, what a smooth fan gives);
* ``corpus``: the provincial panels of the policy corpus (``experiments/plan_regime/corpus.py``,
  livestock left out) in a bureau's shape -- one province's indicators per call (``--panel`` of them
  drawn at random, so no peers of an indicator), windows of ``--n`` points, ``--h`` years ahead,
  ``model="auto"`` (the ensemble for 8+ points): coverage at ``h``, ``near``, and ECE / Brier of
  ``p_meet`` on plan-like targets at 0.5 / 1 / 1.5 x the window's pace (:mod:`mstarget.pace_check`).

    .venv/bin/python benchmarks/small_panels.py business --panel 16 [--oof-below 4000]
    .venv/bin/python benchmarks/small_panels.py corpus --n 10 --h 3 --panel 16 [--oof-below 4000]

Each run takes 5-45 s. Results of session 44 (2026-12-06) in ``RESULTS_NOTES.md``.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT / "experiments" / "plan_regime"))

import mstarget.models.global_model as global_model  # noqa: E402
from mstarget.forecast import forecast_paths  # noqa: E402
from mstarget.pace_check import _history_of, pace_windows  # noqa: E402

NEAR = 0.005  # "near the median": within +-0.5 % of it
MULTIPLES = (0.5, 1.0, 1.5)


def _oof_below(rows: int) -> None:
    """Out-of-fold residuals for ``global`` whenever its training table has fewer than ``rows`` windows."""
    train = global_model.GlobalModel._train

    def patched(self, ys, priors):
        if rows:
            ys_, priors_ = global_model._subsample(ys, priors, self.random_state)
            _, y, _ = global_model._training_table(ys_, priors_)
            if y.size < rows:
                old = self.oof
                self.oof = True
                try:
                    return train(self, ys, priors)
                finally:
                    self.oof = old
        return train(self, ys, priors)

    global_model.GlobalModel._train = patched


def near_share(last: np.ndarray) -> tuple[float, float]:
    """Share of the paths' values ``last`` (one horizon) within +-NEAR of their median, and the same share
    for a normal distribution of the same interquartile range."""
    med = float(np.median(last))
    band = NEAR * abs(med)
    iqr = float(np.subtract(*np.quantile(last, [0.75, 0.25])))
    ref = 2 * norm.cdf(band / (iqr / 1.349)) - 1 if iqr > 0 else np.nan
    return float(np.mean(np.abs(last - med) <= band)), float(ref)


def business(panel: int, seed: int = 1) -> pd.DataFrame:
    from validate_points import validation_sets

    rng = np.random.default_rng(seed)
    rows = []
    for tag, (pairs, h) in validation_sets().items():
        if tag.endswith("last8"):
            continue
        pairs = [(x, xx) for x, xx in pairs if x.size >= 8 and np.all(x > 0)]
        order = rng.permutation(len(pairs))
        for p in range(len(pairs) // panel):
            chosen = sorted(order[p * panel:(p + 1) * panel])
            hist = pd.concat([pd.DataFrame({"region": "b", "indicator": f"s{i:05d}",
                                            "year": np.arange(2000 - pairs[i][0].size + 1, 2001),
                                            "value": pairs[i][0]}) for i in chosen], ignore_index=True)
            fans = {sf.indicator: sf for sf in forecast_paths(hist, h, model="ensemble", seed=0)}
            for i in chosen:
                paths, outcome = fans[f"s{i:05d}"].paths, pairs[i][1][:h]
                lo80, hi80, lo95, hi95 = np.quantile(paths, [0.1, 0.9, 0.025, 0.975], axis=0)
                near, ref = near_share(paths[:, -1])
                rows.append({"set": tag, "cov80": np.mean((outcome >= lo80) & (outcome <= hi80)),
                             "cov95": np.mean((outcome >= lo95) & (outcome <= hi95)), "near": near, "ref": ref})
    return pd.DataFrame(rows).groupby("set").mean()


def ece(p: np.ndarray, met: np.ndarray, bins: int = 10) -> float:
    k = np.minimum((p * bins).astype(int), bins - 1)
    return float(sum(abs(p[k == b].mean() - met[k == b].mean()) * np.mean(k == b) for b in range(bins) if (k == b).any()))


def corpus_check(n: int, h: int, panel: int, seed: int = 0) -> pd.DataFrame:
    from corpus import provincial

    c = provincial()
    c = c[c["family"] != "LivestockBreeding"][["region", "indicator", "year", "value", "unit"]]
    windows = pace_windows(c, n, h)
    rng = np.random.default_rng(seed)
    rows = []
    for _, g in windows.groupby(["end_year", "region"]):
        g = g.reset_index(drop=True)
        if len(g) > panel:
            g = g.iloc[np.sort(rng.choice(len(g), panel, replace=False))].reset_index(drop=True)
        fans = {sf.indicator: sf for sf in forecast_paths(_history_of(g, n), h, model="auto", seed=0)}
        for r in g.itertuples():
            last = fans[r.indicator].paths[:, -1]
            v = np.asarray(r.values)
            pace = (v[-1] - v[0]) / (n - 1)
            lo80, hi80, lo95, hi95 = np.quantile(last, [0.1, 0.9, 0.025, 0.975])
            near, ref = near_share(last)
            for m in MULTIPLES if pace else ():
                target = v[-1] + m * pace * h
                rows.append({"multiple": m, "in80": lo80 <= r.outcome <= hi80, "in95": lo95 <= r.outcome <= hi95,
                             "near": near, "ref": ref,
                             "p_meet": np.mean(last >= target) if pace > 0 else np.mean(last <= target),
                             "met": float(r.outcome >= target if pace > 0 else r.outcome <= target)})
    d = pd.DataFrame(rows)
    one = d[d["multiple"] == 1.0]
    return pd.DataFrame([{"windows": len(one), "cov80": one["in80"].mean(), "cov95": one["in95"].mean(),
                          "near": one["near"].mean(), "ref": one["ref"].mean(),
                          "ece": ece(d["p_meet"].to_numpy(), d["met"].to_numpy()),
                          "brier": float(np.mean((d["p_meet"] - d["met"]) ** 2)),
                          "brier_base": float(np.mean((d["met"].mean() - d["met"]) ** 2))}])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", choices=("business", "corpus"))
    ap.add_argument("--panel", type=int, default=16, help="series per call")
    ap.add_argument("--n", type=int, default=10, help="corpus: points per window")
    ap.add_argument("--h", type=int, default=3, help="corpus: years ahead")
    ap.add_argument("--oof-below", type=int, default=0, help="out-of-fold `global` residuals below this many rows")
    a = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    _oof_below(a.oof_below)
    out = business(a.panel) if a.data == "business" else corpus_check(a.n, a.h, a.panel)
    print(f"{a.data} panel={a.panel}" + (f" n={a.n} h={a.h}" if a.data == "corpus" else "")
          + f" oof_below={a.oof_below}")
    print(out.round(4).to_string())


if __name__ == "__main__":
    main()
