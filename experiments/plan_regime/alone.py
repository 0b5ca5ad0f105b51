"""Series forecast alone (no peers): two changes measured on the corpus (issue 17).

1. ``shrink C``: ``pooled_drift``'s slope for a series without peers shrunk toward "no change" by
   its own signal-to-noise, ``b * t^2 / (t^2 + C)`` with ``t^2 = k * mean(d)^2 / var(d)`` over the
   window's ``k`` yearly changes ``d`` (``C = 0``: as shipped, the window's own mean change).
   On the corpus the future yearly change of a 4-point window keeps ~1.0 of the window's in smooth
   windows (sd / |mean| of the changes < 0.25) and ~0 in noisy ones (> 1), except in the
   technology-market families, where it keeps ~0.85-1.4 at every smoothness.
   Scored one series per call on 11 families, every third end year, with the shipped factors.
   **Negative for adoption**: see ``benchmarks/RESULTS.md`` (issue 17).
2. ``offset K``: the log offset of a series that touches its lower bound (a count going 0, 0, 1, 1)
   is ``K x`` the median positive distance to the bound (shipped before 2026-12-04: ``K = 0.1``;
   since: ``K = 1``). Scored on the windows that contain a 0, with peers (every end year) or alone
   (every second), 1-3 years ahead. **Adopted** (``mstarget.transforms._offset``).

::

    .venv/bin/python experiments/plan_regime/alone.py shrink 0|3 [N_POINTS H]
    .venv/bin/python experiments/plan_regime/alone.py offset 0.1|0.5|1|2 [alone]

Prints per family and pooled: 80 / 95 % coverage, ECE and Brier of ``p_meet`` (targets at 0.5-1.5x
the window's pace), the share met and the mean ``p_meet``. ~1-2 min per run on one core.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

from mstarget import transforms  # noqa: E402
from mstarget.models import pooled  # noqa: E402
from mstarget.pace_check import pace_backtest, pace_summary  # noqa: E402

MULTIPLES = (0.5, 0.75, 1.0, 1.25, 1.5)
SHRINK_FAMILIES = ("PublicBudget", "MarketPull", "MarketPush", "IndustryOperation", "HitechFirmsPub",
                   "AgriPlastic", "AgriFertilizer", "AgriPesticide", "MachineService", "AgriMachine",
                   "MDG_sofi2018")
SUMMARY = ["coverage_80", "coverage_95", "ece", "brier", "brier_base"]


def shrunk_fit(c: float):
    """``PooledDriftModel.fit`` whose slope without peers is shrunk by its own t-statistic."""
    shipped = pooled.PooledDriftModel.fit

    def fit(self, y, *, noise_prior=1.0, peer=None, **kw):  # kw: the engine's resolution= / observed=
        shipped(self, y, noise_prior=noise_prior, peer=peer, **kw)
        d = np.diff(np.asarray(y, dtype=float))
        if c > 0 and peer is None and d.size >= 2:
            t2 = d.mean() ** 2 * d.size / max(float(d.var(ddof=1)), 1e-24)
            self.slope_ *= t2 / (t2 + c)
        return self
    return fit


def offset_of(k: float):
    def _offset(dist):
        if dist.size == 0 or dist.min() > 0:
            return 0.0
        pos = dist[dist > 0]
        return float(k * np.median(pos)) if pos.size else 1.0
    return _offset


def run_shrink(c: float, n_points: int, horizon: int) -> pd.DataFrame:
    pooled.PooledDriftModel.fit = shrunk_fit(c)
    panel, out = corpus.corpus(), []
    for fam in SHRINK_FAMILIES:
        p = panel[panel["family"] == fam]
        ends = sorted(set(int(y) for y in p["year"].unique()))[::3]
        d = pace_backtest(p, n_points=n_points, horizon=horizon, multiples=MULTIPLES, end_years=ends,
                          one_call=False, n_paths=1000)
        out.append(d.assign(family=fam))
    return pd.concat(out, ignore_index=True)


def run_offset(k: float, alone: bool) -> pd.DataFrame:
    transforms._offset = offset_of(k)
    c = corpus.corpus()
    zero_ind = c[(c["value"] <= 0) & ~c["unit"].eq("%")]["indicator"].unique()
    c = c[c["indicator"].isin(zero_ind)]
    out = []
    for fam, p in c.groupby("family"):
        ends = sorted(set(int(y) for y in p["year"].unique()))[::2 if alone else 1]
        for h in (1, 2, 3):
            d = pace_backtest(p, n_points=4, horizon=h, multiples=MULTIPLES, end_years=ends,
                              one_call=not alone, n_paths=1000)
            out.append(d.assign(family=fam))
    d = pd.concat(out, ignore_index=True)
    value = c.set_index(["region", "indicator", "year"])["value"]
    key = ["region", "indicator", "end_year", "h"]
    win = d.drop_duplicates(key)[key].copy()
    win["has_zero"] = [any(value.get((r.region, r.indicator, y), np.nan) <= 0
                           for y in range(r.end_year - 3, r.end_year + 1)) for r in win.itertuples()]
    d = d.merge(win, on=key)
    return d[d["has_zero"]]


def run_edge(fixed: bool) -> pd.DataFrame:
    """Shares with a value closer to a bound than the logit edge (0 < distance < 0.1 point): every
    region of such an indicator in one call (peers pool), 4 points, 1-3 years ahead; scored on the
    windows holding such a value. ``fixed``: the edge before 2026-12-05 (always 0.1 point)."""
    if fixed:
        transforms._logit_edge = lambda share: transforms.EDGE
    c = corpus.corpus()
    c = c[c["unit"].eq("%")]
    near = (np.minimum(c["value"], 100 - c["value"]) > 0) & (np.minimum(c["value"], 100 - c["value"]) < 0.1)
    c = c[c["indicator"].isin(c.loc[near, "indicator"].unique())]
    out = []
    for fam, p in c.groupby("family"):
        ends = sorted(set(int(y) for y in p["year"].unique()))
        for h in (1, 2, 3):
            d = pace_backtest(p, n_points=4, horizon=h, multiples=MULTIPLES, end_years=ends, n_paths=1000)
            out.append(d.assign(family=fam))
    d = pd.concat(out, ignore_index=True)
    value = c.set_index(["region", "indicator", "year"])["value"]
    key = ["region", "indicator", "end_year", "h"]
    win = d.drop_duplicates(key)[key].copy()
    dist = [[min(v, 100 - v) for v in (value.get((r.region, r.indicator, y), np.nan)
                                       for y in range(r.end_year - 3, r.end_year + 1))]
            for r in win.itertuples()]
    win["near"] = [any(0 < x < 0.1 for x in row) for row in dist]
    d = d.merge(win, on=key)
    return d[d["near"]]


def main(argv: list[str]) -> None:
    warnings.simplefilter("ignore")
    what, value = argv[0], float(argv[1]) if len(argv) > 1 else 1.0
    if what == "shrink":
        n, h = (int(argv[2]), int(argv[3])) if len(argv) > 3 else (4, 2)
        d = run_shrink(value, n, h)
        by = pace_summary(d, "family")
    elif what == "edge":
        d = run_edge(fixed=value == 0)
        by = pace_summary(d, ["family", "h"])
        print("median 80 % band width:", round(float((d["hi_80"] - d["lo_80"]).median()), 3))
    else:
        d = run_offset(value, alone=len(argv) > 2 and argv[2] == "alone")
        by = pace_summary(d, ["family", "h"])
        print("median 80 % band width:", round(float((d["hi_80"] - d["lo_80"]).median()), 1))
    pd.set_option("display.width", 200)
    print(by.round(3).to_string(index=False))
    print("family mean:", by[SUMMARY].mean().round(3).to_dict())
    print("pooled:", pace_summary(d).round(3).iloc[0].to_dict())


if __name__ == "__main__":
    main(sys.argv[1:])
