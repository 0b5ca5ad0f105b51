"""A level shift's jump in the noise of a short series: kept whole, or capped? (session 46)

**Decision rule, fixed before the run.** Adopt the strongest cap (log 2 before log 3) whose flagged windows keep
80 % coverage >= 0.80 and 95 % coverage >= 0.93, pooled over the lengths 4-7, at each horizon 1, 2 and 3, both with
peers (all regions of the indicator in one call) and alone (one series per call): 12 numbers, all must hold.
Otherwise keep the jump whole. No other cap value is tried after seeing the results.

```bash
.venv/bin/python experiments/plan_regime/shifts.py [--lengths 4 5 6 7] [--horizon 3] [--every 1]
```

The protocol of ``spikes.py``: every window of ``n`` (4-7) consecutive observed yearly points of the corpus
(``corpus.py``) is put on its model scale as the engine does (``Bounds.for_unit`` + ``choose_transform``) and tested
with :func:`mstarget.models.pooled.level_shift_index` (one change above log 3 and 5x the median size of the others,
among >= 3 changes: 3, 3, 40, 41 家) after a one-year spike, if any, is taken out, as the model does. Every group
of windows holding a flagged one -- all regions of the indicator ending in that year with ``n`` points, in one call
so peers pool (``run.py``'s protocol) -- is forecast ``--horizon`` years on with ``model="auto"`` under each
variant; each flagged window is also forecast alone.

Variants of ``PooledDriftModel.fit`` (patched in this process only; the package is not touched):

* ``whole``: the package as it is -- the jump is one of the changes whose spread around their mean (the jump
  included) is the series' own noise ``own_ss``; alone, the own-scale noise prior (the series' mean absolute
  yearly change) counts the jump's full size.
* ``cap3`` / ``cap2``: the jump counts as the other changes' mean plus a deviation of at most ``log 3`` /
  ``log 2`` (Huber-like, as ``SPIKE_CAP`` for a one-year spike): in ``own_ss`` the other changes' spread around
  their own mean plus ``min(|dev|, cap)^2 / g`` for the jump (``dev`` = jump - ``g`` x the others' mean, ``g`` the
  years it spans); alone, the own-scale prior's mean absolute change counts ``|g x others' mean| + min(|dev|,
  cap)`` for it (in the spike rule the spike is out of that prior altogether). Degrees of freedom unchanged.

Scored on the flagged windows: 80 % / 95 % coverage of the observed outcome 1-3 years ahead, the median 80 %
interval width relative to the last value, the number of window-horizons. Unflagged windows of the same calls
must not change (checked: the largest difference of their quantiles between variants is printed and stored).

Outputs: ``out/shifts_summary.csv`` (per arm -- peers / alone --, n, h, variant), ``out/shifts_counts.csv``
(windows and flagged windows per family and n), ``out/shifts_windows.csv.gz`` (not committed; one row per flagged
window, horizon and arm).
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import corpus  # noqa: E402
from spikes import windows  # noqa: E402

import mstarget.models.pooled as pooled  # noqa: E402
from mstarget.forecast import forecast_paths  # noqa: E402
from mstarget.transforms import Bounds, choose_transform  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
ORIGINAL_FIT = pooled.PooledDriftModel.fit
CAPS = {"cap3": float(np.log(3.0)), "cap2": float(np.log(2.0))}
VARIANTS = ["whole", *CAPS]
QUANTILES = [0.025, 0.1, 0.5, 0.9, 0.975]


def flag(w: pd.DataFrame) -> np.ndarray:
    """Whether each window (its ``values`` on the model scale of its ``unit``) holds a level shift as
    ``PooledDriftModel.fit`` sees it: after a one-year spike is taken out as a year not observed
    (460, 1841, 2264, 2829, 10820, 3227 头: the spike 10820 out, 460 -> 1841 is a shift)."""
    out = np.zeros(len(w), dtype=bool)
    for i, (unit, vals) in enumerate(zip(w["unit"], w["values"])):
        v = np.asarray(vals, dtype=float)
        z = choose_transform(Bounds.for_unit(unit, v), v).forward(v)
        spike = pooled.spike_index(z)
        out[i] = pooled.level_shift_index(z if spike is None else np.delete(z, spike)) is not None
    return out


def shift_noise(d: np.ndarray, g: np.ndarray, jump: int, cap: float) -> tuple[float, float]:
    """The series' own noise sum of squares and its absolute yearly change summed (for the own-scale prior),
    the jump ``d[jump]`` counting as the other changes' mean plus a deviation of at most ``cap`` (model scale)."""
    others = np.arange(d.size) != jump
    mean = float(d[others].sum() / g[others].sum())
    dev = float(d[jump] - g[jump] * mean)
    ss = float((((d[others] - g[others] * mean) ** 2) / g[others]).sum()) + min(abs(dev), cap) ** 2 / g[jump]
    size = float(np.abs(d[others]).sum()) + abs(g[jump] * mean) + min(abs(dev), cap)
    return ss, size


def capped_fit(cap: float):
    """``PooledDriftModel.fit`` with a level shift's jump capped in the noise (see the module docstring); every
    line not about the jump is the package's (series without a shift: the same fit, checked by the run)."""
    P = pooled

    def fit(self, y, *, noise_prior=1.0, peer=None, resolution=0.0, observed=None):
        y = P.check_series(y, "PooledDriftModel")
        obs = P._observed(y, observed)
        t = np.flatnonzero(obs)
        spike = P.spike_index(y[t])
        spike_note, spike_ss = None, 0.0
        self.spike_back_ = None
        if spike is not None:
            self.spike_back_ = int(t[-1] - t[spike])
            spike_note = P._spike_note(self.spike_back_)
            (t0, ts, t1), (y0, ys, y1) = t[spike - 1:spike + 2], y[t[spike - 1:spike + 2]]
            dev = ys - (y0 + (y1 - y0) * (ts - t0) / (t1 - t0))
            spike_ss = min(abs(dev), P.SPIKE_CAP) ** 2 * (1.0 / (ts - t0) + 1.0 / (t1 - ts))
            t = np.delete(t, spike)
        d, g = np.diff(y[t]), np.diff(t).astype(float)
        k = d.size
        self.last_, self.n_ = float(y[-1]), int(t.size)
        self.peer_, self.notes_ = peer, [spike_note] if spike_note else []
        years = float(g.sum())
        jump = P.level_shift_index(y[t]) if k else None
        if jump is not None:  # the variant: the jump as the others' mean plus a capped deviation
            own_ss, size = shift_noise(d, g, jump, cap)
        else:
            mean = float(d.sum()) / years if k else 0.0
            own_ss = float((((d - g * mean) ** 2) / g).sum()) if k >= 2 else 0.0
            size = float(np.abs(d).sum())
        own_ss += spike_ss
        if peer is not None:
            s2_prior, nu0 = peer.noise ** 2, P.PRIOR_DOF
        else:
            scale = size / years if k else float(noise_prior)
            s2_prior, nu0 = max(scale, P.ALONE_FLOOR * float(noise_prior)) ** 2, P.ALONE_DOF
        own_dof = max(k - 1, 0) + (spike is not None)
        self.nu_ = nu0 + own_dof
        self.s2_ = max((nu0 * s2_prior + own_ss) / self.nu_, float(resolution) ** 2 / 6.0)
        if k == 0:
            if peer is not None:
                self.slope_, self.slope_var_ = peer.slope, peer.slope_sd ** 2
            else:
                self.slope_, self.slope_var_ = 0.0, self.s2_
        else:
            keep = None
            if jump is not None:
                keep = np.arange(k) != jump
                self.notes_.append(P._shift_note(int(t[-1] - t[jump + 1])))
            b, v_factor = P.recency_slope(d, g, keep, volatile=spike is not None)
            v = self.s2_ * v_factor
            if peer is not None:
                t2 = peer.slope_sd ** 2
                self.slope_ = (t2 * b + v * peer.slope) / (t2 + v)
                self.slope_var_ = 1.0 / (1.0 / t2 + 1.0 / v)
                self._note_departure(b, k, np.sqrt(t2 + v))
            else:
                self.slope_, self.slope_var_ = b, v
        return self

    return fit


def run_call(g: pd.DataFrame, n: int, horizon: int, variant: str) -> dict:
    """Forecast the windows ``g`` (rows of :func:`windows`) in one call under ``variant``: (region, indicator) ->
    quantiles ``QUANTILES`` per horizon, shape (h, 5), natural scale."""
    pooled.PooledDriftModel.fit = ORIGINAL_FIT if variant == "whole" else capped_fit(CAPS[variant])
    rows = [{"region": r.region, "indicator": r.indicator, "year": r.end_year - n + 1 + j, "value": x, "unit": r.unit}
            for r in g.itertuples() for j, x in enumerate(r.values)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sfs = forecast_paths(pd.DataFrame(rows), horizon, seed=0)
    finally:
        pooled.PooledDriftModel.fit = ORIGINAL_FIT
    return {(sf.region, sf.indicator): (np.quantile(sf.paths, QUANTILES, axis=0).T, sf.model) for sf in sfs}


def score_rows(r, n: int, horizon: int, arm: str, res: dict, obs: dict) -> list[dict]:
    """One row per horizon for the flagged window ``r``: per variant its quantiles, coverage, relative width."""
    last = float(r.values[-1])
    out = []
    for h in range(1, horizon + 1):
        o = obs.get((r.region, r.indicator, r.end_year + h))
        row = dict(arm=arm, n=n, h=h, family=r.family, region=r.region, indicator=r.indicator, end_year=r.end_year,
                   values=r.values, model=res["whole"][1], outcome=np.nan if o is None else float(o))
        for tag in VARIANTS:
            q = res[tag][0][h - 1]
            row.update({f"lo95_{tag}": q[0], f"lo80_{tag}": q[1], f"med_{tag}": q[2], f"hi80_{tag}": q[3],
                        f"hi95_{tag}": q[4], f"width80_{tag}": (q[3] - q[1]) / abs(last) if last else np.nan})
            if o is not None:
                row[f"in80_{tag}"] = bool(q[1] <= o <= q[3])
                row[f"in95_{tag}"] = bool(q[0] <= o <= q[4])
        out.append(row)
    return out


def summarise(d: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Coverage (of window-horizons with an outcome), median relative 80 % width and counts per variant."""
    rows = []
    for key, g in d.groupby(by):
        s = g.dropna(subset=["outcome"])
        for tag in VARIANTS:
            rows.append(dict(zip(by, key if isinstance(key, tuple) else (key,)), variant=tag, windows=len(g),
                             with_outcome=len(s), cov80=s[f"in80_{tag}"].mean(), cov95=s[f"in95_{tag}"].mean(),
                             width80=g[f"width80_{tag}"].median()))
    return pd.DataFrame(rows)


def decide(pooled_h: pd.DataFrame) -> str:
    """The rule of the module docstring on the per-(arm, h) table pooled over lengths."""
    for tag in ["cap2", "cap3"]:
        t = pooled_h[pooled_h.variant == tag]
        if len(t) and bool(((t.cov80 >= 0.80) & (t.cov95 >= 0.93)).all()):
            return tag
    return "whole"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", type=int, nargs="+", default=[4, 5, 6, 7])
    ap.add_argument("--horizon", type=int, default=3)
    ap.add_argument("--every", type=int, default=1, help="keep every k-th end year of flagged groups (run time)")
    args = ap.parse_args(argv)
    started = time.time()
    c = corpus()
    obs = c.dropna(subset=["value"]).set_index(["region", "indicator", "year"])["value"]
    obs = obs[~obs.index.duplicated(keep="last")].to_dict()
    counts, details, unflagged_diff = [], [], 0.0
    for n in args.lengths:
        w = windows(c, n)
        w["flagged"] = flag(w)
        counts.append(w.groupby("family").agg(windows=("flagged", "size"), flagged=("flagged", "sum"))
                      .reset_index().assign(n=n))
        keys = w.loc[w.flagged, ["indicator", "end_year"]].drop_duplicates()
        if args.every > 1:
            keys = keys[keys.end_year % args.every == 0]
        print(f"n={n}: {len(w)} windows, {int(w.flagged.sum())} flagged ({w.flagged.mean():.2%}), "
              f"{len(keys)} groups", flush=True)
        for key in keys.itertuples(index=False):
            g = w[(w.indicator == key.indicator) & (w.end_year == key.end_year)]
            res = {tag: run_call(g, n, args.horizon, tag) for tag in VARIANTS}
            for r in g.itertuples():
                k = (r.region, r.indicator)
                if any(k not in res[tag] for tag in VARIANTS):
                    continue
                if not r.flagged:
                    for tag in CAPS:
                        unflagged_diff = max(unflagged_diff, float(np.max(np.abs(res[tag][k][0] - res["whole"][k][0]))))
                    continue
                details += score_rows(r, n, args.horizon, "peers", {t: res[t][k] for t in VARIANTS}, obs)
                alone = {tag: run_call(g[g.index == r.Index], n, args.horizon, tag) for tag in VARIANTS}
                if all(k in alone[tag] for tag in VARIANTS):
                    details += score_rows(r, n, args.horizon, "alone", {t: alone[t][k] for t in VARIANTS}, obs)
        print(f"  done n={n} ({time.time() - started:.0f}s)", flush=True)
    OUT.mkdir(exist_ok=True)
    cnt = pd.concat(counts, ignore_index=True)
    cnt.to_csv(OUT / "shifts_counts.csv", index=False)
    d = pd.DataFrame(details)
    d.to_csv(OUT / "shifts_windows.csv.gz", index=False)  # large: not committed
    by_n = summarise(d, ["arm", "n", "h"])
    by_h = summarise(d, ["arm", "h"]).assign(n="4-7")
    summ = pd.concat([by_n, by_h], ignore_index=True)
    summ["unflagged_max_abs_diff"] = unflagged_diff
    summ.to_csv(OUT / "shifts_summary.csv", index=False)
    pd.set_option("display.width", 250)
    print(cnt.groupby("n")[["windows", "flagged"]].sum())
    print(by_n.round(3).to_string(index=False))
    print(by_h.round(3).to_string(index=False))
    print(f"unflagged windows of the same calls: largest quantile difference between variants {unflagged_diff:g}")
    print(f"decision (rule of the docstring): {decide(by_h)}  ({time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
