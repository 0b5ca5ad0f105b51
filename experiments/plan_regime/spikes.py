"""How often the one-year spike rule (:func:`mstarget.models.pooled.spike_index`) fires on the real corpus, and
what it does to the intervals of the windows it flags (session 39).

```bash
.venv/bin/python experiments/plan_regime/spikes.py [--lengths 4 5 6 7] [--horizon 3]
```

Every window of ``n`` (4-7) consecutive observed yearly points of the corpus (``corpus.py``) is put on its model
scale as the engine does (``Bounds.for_unit`` + ``choose_transform``) and tested with the rule. Every group of
windows holding a flagged one -- all regions of the indicator ending in that year with ``n`` points, so peers
pool as in use (``experiments/plan_regime/run.py``'s protocol) -- is forecast ``--horizon`` years on with
``model="auto"``, once with the rule and once without it (``spike_index`` patched to find nothing). On the
flagged windows: 80 % / 95 % coverage of the observed outcome 1-3 years ahead and the median interval width
relative to the last value, with and without the rule; the unflagged windows of the same calls must not change.

Outputs: ``out/spikes_summary.csv`` (per n and h, with / without), ``out/spikes_windows.csv.gz`` (not committed; one row per
flagged window and horizon), ``out/spikes_counts.csv`` (windows and flagged windows per family and n).
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import corpus  # noqa: E402

import mstarget.models.pooled as pooled  # noqa: E402
from mstarget.forecast import forecast_paths  # noqa: E402
from mstarget.transforms import Bounds, choose_transform  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
RULE = pooled.spike_index
CAP = pooled.SPIKE_CAP


def windows(c: pd.DataFrame, n: int) -> pd.DataFrame:
    """Windows of ``n`` consecutive observed years: region, indicator, family, unit, end_year, values."""
    rows = []
    meta = c.drop_duplicates(["region", "indicator"]).set_index(["region", "indicator"])[["unit", "family"]]
    for (region, indicator), g in c.dropna(subset=["value"]).groupby(["region", "indicator"], sort=False):
        g = g.sort_values("year")
        y, v = g["year"].to_numpy(int), g["value"].to_numpy(float)
        unit, fam = meta.loc[(region, indicator)]
        for k in range(n - 1, y.size):
            if y[k] - y[k - n + 1] == n - 1:
                rows.append((region, indicator, fam, unit, int(y[k]), tuple(v[k - n + 1:k + 1])))
    return pd.DataFrame(rows, columns=["region", "indicator", "family", "unit", "end_year", "values"])


def flag(w: pd.DataFrame) -> np.ndarray:
    out = np.zeros(len(w), dtype=bool)
    for i, (unit, vals) in enumerate(zip(w["unit"], w["values"])):
        v = np.asarray(vals, dtype=float)
        z = choose_transform(Bounds.for_unit(unit, v), v).forward(v)
        out[i] = RULE(z) is not None
    return out


def run_group(g: pd.DataFrame, n: int, horizon: int, cap: float | None) -> dict:
    """Forecast one group; ``cap``: the spike rule with that ``SPIKE_CAP`` (0: the spike left out of the noise
    too), ``None``: without the rule."""
    pooled.spike_index = RULE if cap is not None else (lambda z: None)
    pooled.SPIKE_CAP = CAP if cap is None else cap
    rows = [{"region": r.region, "indicator": r.indicator, "year": r.end_year - n + 1 + j, "value": x, "unit": r.unit}
            for r in g.itertuples() for j, x in enumerate(r.values)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sfs = forecast_paths(pd.DataFrame(rows), horizon, seed=0)
    pooled.spike_index, pooled.SPIKE_CAP = RULE, CAP
    return {(sf.region, sf.indicator): sf for sf in sfs}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", type=int, nargs="+", default=[4, 5, 6, 7])
    ap.add_argument("--horizon", type=int, default=3)
    ap.add_argument("--caps", type=float, nargs="+", default=[0.0, float(np.log(1.5)), float(CAP)],
                    help="SPIKE_CAP values to compare (0: the spike out of the noise as well as the trend)")
    args = ap.parse_args(argv)
    c = corpus()
    obs = c.dropna(subset=["value"]).set_index(["region", "indicator", "year"])["value"]
    obs = obs[~obs.index.duplicated(keep="last")].to_dict()
    counts, details = [], []
    for n in args.lengths:
        w = windows(c, n)
        w["flagged"] = flag(w)
        counts.append(w.groupby("family").agg(windows=("flagged", "size"), flagged=("flagged", "sum"))
                      .reset_index().assign(n=n))
        print(f"n={n}: {len(w)} windows, {int(w.flagged.sum())} flagged ({w.flagged.mean():.2%})", flush=True)
        keys = w.loc[w.flagged, ["indicator", "end_year"]].drop_duplicates()
        for key in keys.itertuples(index=False):
            g = w[(w.indicator == key.indicator) & (w.end_year == key.end_year)]
            arms = {"none": run_group(g, n, args.horizon, None)}
            arms.update({f"cap{c:g}": run_group(g, n, args.horizon, c) for c in args.caps})
            for r in g.itertuples():
                sfs = {tag: arm.get((r.region, r.indicator)) for tag, arm in arms.items()}
                if any(sf is None for sf in sfs.values()):
                    continue
                a = sfs[f"cap{args.caps[-1]:g}"]
                last = float(r.values[-1])
                for h in range(1, args.horizon + 1):
                    out = obs.get((r.region, r.indicator, r.end_year + h))
                    row = dict(n=n, h=h, family=r.family, region=r.region, indicator=r.indicator,
                               end_year=r.end_year, values=r.values, flagged=bool(r.flagged),
                               outcome=np.nan if out is None else float(out),
                               noted=any(s.startswith("the figure of") for s in a.notes))
                    for tag, sf in sfs.items():
                        p = sf.paths[:, h - 1]
                        q = np.quantile(p, [0.025, 0.1, 0.5, 0.9, 0.975])
                        row.update({f"lo95_{tag}": q[0], f"lo80_{tag}": q[1], f"med_{tag}": q[2],
                                    f"hi80_{tag}": q[3], f"hi95_{tag}": q[4],
                                    f"width80_{tag}": (q[3] - q[1]) / abs(last) if last else np.nan,
                                    f"width95_{tag}": (q[4] - q[0]) / abs(last) if last else np.nan})
                        if out is not None:
                            row[f"in80_{tag}"] = bool(q[1] <= out <= q[3])
                            row[f"in95_{tag}"] = bool(q[0] <= out <= q[4])
                    details.append(row)
    OUT.mkdir(exist_ok=True)
    cnt = pd.concat(counts, ignore_index=True)
    cnt.to_csv(OUT / "spikes_counts.csv", index=False)
    d = pd.DataFrame(details)
    d.to_csv(OUT / "spikes_windows.csv.gz", index=False)  # large: not committed
    tags = ["none"] + [f"cap{c:g}" for c in args.caps]
    summ = []
    for (flagged, n, h), g in d.groupby(["flagged", "n", "h"]):
        s = g.dropna(subset=["outcome"])
        row = dict(flagged=flagged, n=n, h=h, windows=len(g), with_outcome=len(s))
        for tag in tags:
            row.update({f"cov80_{tag}": s[f"in80_{tag}"].mean(), f"cov95_{tag}": s[f"in95_{tag}"].mean(),
                        f"width80_{tag}": g[f"width80_{tag}"].median(), f"width95_{tag}": g[f"width95_{tag}"].median()})
        summ.append(row)
    summ = pd.DataFrame(summ)
    summ.to_csv(OUT / "spikes_summary.csv", index=False)
    pd.set_option("display.width", 250)
    print(cnt.groupby("n")[["windows", "flagged"]].sum())
    print(summ.round(3).to_string(index=False))
    f = d[d.flagged & d.noted].dropna(subset=["outcome"])
    for tag in tags:
        print(f"flagged windows the rule changed, all n and h pooled ({len(f)} window x horizon): {tag}: cov80 "
              f"{f[f'in80_{tag}'].mean():.3f} cov95 {f[f'in95_{tag}'].mean():.3f}, median width80 / last "
              f"{f[f'width80_{tag}'].median():.2f}")

if __name__ == "__main__":
    main()
