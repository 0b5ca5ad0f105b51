"""Does the peers' trend persistence inside the window predict the future? (issue 17, negative result)

``pooled_drift`` assumes the pooled trend of a short window continues. In the corpus it mostly does
not (1x-pace targets met 29-41 % in 12 of 14 families) except in the technology-market families
(64-65 %). This experiment asks whether the **other regions of the same indicator in the call**
show, inside the 4-year window, whether the indicator is slowing down -- and whether a drift damped
by that estimate gives more honest ``p_meet`` on held-out families.

``--q1`` (statistics only, no forecasts; ~1 min): every ``n``-point window of the corpus
(:mod:`corpus`), grouped by (indicator, end year) as one call would hold them (>= 5 regions). Per
group, on the model scale (log / logit, :mod:`mstarget.transforms`):

* ``ratio``: median over regions of the last yearly change / median of the mean earlier change;
* ``agg_ratio``: the same on the median regional path; ``sum_ratio``: on the log of the total over
  regions (count-like units only);
* ``phi_ar``: pooled regression of a change on the previous one through the origin (AR(1) damping);
* ``share_acc``: share of regions whose last change exceeds their earlier mean change;

against the realised persistence: ``met1`` (share of 1x-pace targets met, the protocol of
:mod:`mstarget.pace_check`) and ``rho`` (median over regions of the future yearly change / the
window's mean change, model scale; 1 = the trend continues). Writes ``out/persistence_q1.csv``.

``--ab instability``: the pooled trend wanders as a random walk whose yearly variance the regions'
second differences give (:func:`peer_instability`; a local linear trend, the median unchanged), the
fan widening more for indicators whose regions' trends turn. Same protocol as below.

``--ab`` (~6 min per variant on 2 busy cores): ``pooled_drift`` with a **damped** trend -- the
indicator's damping ``phi`` solves ``phi^(k-1) / mean(phi^0..phi^(k-2)) = ratio`` (the ratio a
trend damped by ``phi`` a year shows over ``k`` changes; ``ratio >= 1`` -> ``phi = 1``, ``<= 0`` ->
0), optionally shrunk toward 1 with ``--prior-peers`` pseudo-peers; future yearly changes are the
window's mean change times ``phi^(k-1+j) / mean(phi^0..phi^(k-1))``; no peers -> no damping. The
damping is patched into this process only (the package is unchanged). Stretch factors are re-learned
on the variant's own stretch tables (n-point windows, peers) of the other families and each family
is scored held out, plus the later-years split; ``base`` is the shipped model under the same
protocol. Writes ``out/persistence_ab_<variant>_<n>_<h>.csv``.

    .venv/bin/python experiments/plan_regime/persistence.py --q1
    .venv/bin/python experiments/plan_regime/persistence.py --ab damped [--prior-peers 31] [--n 4 --h 2]
    .venv/bin/python experiments/plan_regime/persistence.py --ab instability [--n 4 --h 2]
    .venv/bin/python experiments/plan_regime/persistence.py --compare [--n 4 --h 2]
"""
from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus  # noqa: E402

import mstarget.pooling as pooling  # noqa: E402
from mstarget.models.pooled import PooledDriftModel  # noqa: E402
from mstarget.pace_check import pace_backtest, pace_summary, pace_windows, stretch_table  # noqa: E402
from mstarget.transforms import Bounds, choose_transform  # noqa: E402

OUT = Path(__file__).parent / "out"
MIN_REGIONS = 5
TECH = ("MarketPull", "MarketPush")


# --- Q1: statistics --------------------------------------------------------------------------
def window_table(c: pd.DataFrame, n: int, h: int) -> pd.DataFrame:
    """One row per window: model-scale changes ``d0..``, ``met1``, ``rho``, ``family``."""
    fam = c.drop_duplicates("indicator").set_index("indicator")["family"]
    w = pace_windows(c, n, h)
    V = np.array(w["values"].tolist())
    A = w["outcome"].to_numpy()
    Z = np.empty_like(V)
    za = np.empty_like(A)
    for i, (v, a, u) in enumerate(zip(V, A, w["unit"])):
        tr = choose_transform(Bounds.for_unit(u, v), v)
        Z[i], za[i] = tr.forward(v), tr.forward(np.array([a]))[0]
    D = np.diff(Z, axis=1)
    pace = (V[:, -1] - V[:, 0]) / (n - 1)
    met1 = np.where(pace > 0, A >= V[:, -1] + pace * h, A <= V[:, -1] + pace * h).astype(float)
    met1[pace == 0] = np.nan
    b = D.mean(axis=1)
    rho = ((za - Z[:, -1]) / h) / np.where(np.abs(b) > 1e-9, b, np.nan)
    out = w.drop(columns=["values"]).assign(family=w["indicator"].map(fam), met1=met1, b=b, rho=rho,
                                            total_last=V[:, -1])
    for j in range(n):
        out[f"v{j}"] = V[:, j]
    for j in range(D.shape[1]):
        out[f"d{j}"] = D[:, j]
    return out


def group_statistics(w: pd.DataFrame, n: int) -> pd.DataFrame:
    """One row per (family, indicator, end year) with >= ``MIN_REGIONS`` regions."""
    dcols = [f"d{j}" for j in range(n - 1)]
    rows = []
    for (fam, ind, end), g in w.groupby(["family", "indicator", "end_year"]):
        if len(g) < MIN_REGIONS:
            continue
        D = g[dcols].to_numpy()
        early, late = np.median(D[:, :-1].mean(axis=1)), np.median(D[:, -1])
        x, y = D[:, :-1].ravel(), D[:, 1:].ravel()
        path = np.median(np.c_[np.zeros(len(g)), np.cumsum(D, axis=1)], axis=0)
        dp = np.diff(path)
        s = np.sign(np.median(g["b"])) or 1.0
        r = {"family": fam, "indicator": ind, "end_year": end, "regions": len(g),
             "ratio": late / early if early else np.nan,
             "agg_ratio": dp[-1] / dp[:-1].mean() if dp[:-1].mean() else np.nan,
             "phi_ar": (x @ y) / (x @ x) if x @ x > 0 else np.nan,
             "share_acc": float(np.mean(s * (D[:, -1] - D[:, :-1].mean(axis=1)) > 0)),
             "sum_ratio": np.nan,
             "met1": float(np.nanmean(g["met1"])), "rho": float(np.nanmedian(g["rho"]))}
        V = g[[f"v{j}" for j in range(n)]].to_numpy()
        unit = g["unit"].iloc[0]
        if not (isinstance(unit, str) and "%" in unit) and (V > 0).all():
            dt = np.diff(np.log(V.sum(axis=0)))
            r["sum_ratio"] = dt[-1] / dt[:-1].mean() if dt[:-1].mean() else np.nan
        rows.append(r)
    return pd.DataFrame(rows)


def q1(n: int, h: int, out: Path) -> None:
    from scipy.stats import spearmanr

    G = group_statistics(window_table(corpus(), n, h), n)
    G = G[G["family"] != "national"]
    stats = ["ratio", "agg_ratio", "sum_ratio", "phi_ar", "share_acc"]
    fam = G.groupby("family")[stats + ["rho"]].median()
    fam["met1"] = G.groupby("family")["met1"].mean()
    fam["groups"] = G.groupby("family").size()
    fam = fam.sort_values("met1")
    pd.set_option("display.width", 220)
    print(f"{n} points, {h} years ahead: {len(G)} (indicator, end year) groups with >= {MIN_REGIONS} regions")
    print("per family: median statistic over groups, share of 1x-pace targets met, median realised rho")
    print(fam.round(2).to_string())
    print("\nrank correlation (Spearman): over groups with met1 / rho | over family medians with met1 | "
          "mean within family (families with >= 15 groups) with met1")
    for s in stats:
        within = [spearmanr(g[s], g["met1"], nan_policy="omit")[0] for _, g in G.groupby("family") if len(g) >= 15]
        print(f"  {s:10s} {spearmanr(G[s], G['met1'], nan_policy='omit')[0]:+.2f} / "
              f"{spearmanr(G[s], G['rho'], nan_policy='omit')[0]:+.2f} | "
              f"{spearmanr(fam[s], fam['met1'], nan_policy='omit')[0]:+.2f} | {np.nanmean(within):+.2f}")
    band = G["ratio"].between(0.9, 2.5)
    cond = G.assign(window=np.where(band, "not slowing (ratio 0.9-2.5)", "other")).groupby(
        ["window", "family"]).agg(groups=("met1", "size"), met1=("met1", "mean"), rho=("rho", "median"))
    print("\nconditional on the statistic: 1x met share by family")
    print(cond.round(2).to_string())
    # held out: quintile bins of the statistic learned on the other families -> a family's met share
    pred = []
    for f in fam.index:
        tr, te = G[(G["family"] != f) & G["ratio"].notna()], G[(G["family"] == f) & G["ratio"].notna()]
        edges = np.unique(np.quantile(tr["ratio"], np.linspace(0, 1, 6)))
        edges[0], edges[-1] = -np.inf, np.inf
        by_bin = tr.groupby(pd.cut(tr["ratio"], edges), observed=True)["met1"].mean()
        pred.append(pd.cut(te["ratio"], edges).map(by_bin).astype(float).mean())
    fam["met1_predicted_held_out"] = pred
    print("\nmet1 predicted for each family from quintile bins of `ratio` learned on the other families:")
    print(fam[["met1", "met1_predicted_held_out"]].round(2).T.to_string())
    fam.to_csv(out / f"persistence_q1_{n}_{h}.csv")
    cond.to_csv(out / f"persistence_q1_conditional_{n}_{h}.csv")


# --- Q2: damped pooled drift (patched into this process only) --------------------------------
_GRID = np.linspace(0.0, 1.0, 401)


def window_ratio(phi: np.ndarray, k: int) -> np.ndarray:
    """Last change / mean of the earlier ``k - 1`` changes of a trend damped by ``phi`` a year."""
    phi = np.asarray(phi, dtype=float)
    return phi ** (k - 1) / np.mean(phi[..., None] ** np.arange(k - 1), axis=-1)


def peer_persistence(series: Sequence[np.ndarray], prior_peers: float = 0.0) -> tuple[float, int]:
    """The indicator's damping ``phi`` in [0, 1] from its peers' changes, and their typical count."""
    late, early, ks = [], [], []
    for z in series:
        d = np.diff(np.asarray(z, dtype=float)[-(pooling.WINDOW + 1):])
        d = d[np.isfinite(d)]
        if d.size >= 2:
            late.append(d[-1])
            early.append(d[:-1].mean())
            ks.append(d.size)
    if len(late) < pooling.MIN_PEERS:
        return 1.0, 0
    e, last, k = float(np.median(early)), float(np.median(late)), int(np.median(ks))
    r = last / e if e else 1.0
    phi = 1.0 if r >= 1 else 0.0 if r <= 0 else float(np.interp(r, window_ratio(_GRID, k), _GRID))
    w = len(late) / (len(late) + prior_peers)
    return 1.0 - w * (1.0 - phi), k


@dataclass(frozen=True)
class DampedPrior(pooling.PeerPrior):
    persistence: float = 1.0
    changes: int = 0


def enable_damping(prior_peers: float = 0.0) -> None:
    """Patch :mod:`mstarget.pooling` and ``PooledDriftModel`` (this process only)."""
    plain_prior, plain_fit = pooling.peer_prior, PooledDriftModel.fit

    def peer_prior(series):
        p = plain_prior(series)
        if p is None:
            return None
        phi, k = peer_persistence(series, prior_peers)
        return DampedPrior(p.slope, p.slope_sd, p.noise, p.n_peers, p.agreement, phi, k)

    def fit(self, y, *, noise_prior=1.0, peer=None, **kw):  # kw: the engine's resolution= / observed=
        plain_fit(self, y, noise_prior=noise_prior, peer=peer, **kw)
        k = self.n_ - 1
        self.phi_ = float(getattr(peer, "persistence", 1.0))
        self.k_ = k if k >= 1 else int(getattr(peer, "changes", 0))
        return self

    def weights(self, h):
        phi, k = getattr(self, "phi_", 1.0), max(getattr(self, "k_", 1), 1)
        if phi >= 1.0:
            return np.ones(h)
        return phi ** (k - 1 + np.arange(1, h + 1)) / np.mean(phi ** np.arange(k))

    def predict(self, h):
        return self.last_ + self.slope_ * np.cumsum(weights(self, h))

    def sample_paths(self, h, n_paths, rng):  # as PooledDriftModel, the slope times the weights
        chi = rng.chisquare(self.nu_, size=n_paths)
        sig = np.sqrt(self.s2_ * self.nu_ / np.maximum(chi, 1e-12))
        rel = np.sqrt(self.slope_var_ / max(self.s2_, 1e-24))
        slope = self.slope_ + rng.standard_normal(n_paths) * rel * sig
        steps = slope[:, None] * weights(self, h)[None, :] + rng.standard_normal((n_paths, h)) * sig[:, None]
        return self.last_ + np.cumsum(steps, axis=1)

    pooling.peer_prior = peer_prior
    PooledDriftModel.fit, PooledDriftModel.predict, PooledDriftModel.sample_paths = fit, predict, sample_paths


def peer_instability(series: Sequence[np.ndarray]) -> float:
    """Variance of the yearly change of the slope (model scale) from the peers' second differences.

    With changes ``d_t = b_t + e_t`` and a slope that wanders, ``b_t = b_(t-1) + eta_t``, a second
    difference ``dd_t = eta_t + e_t - e_(t-1)`` has ``E dd^2 = s_eta^2 + 2 s_e^2`` and neighbours
    ``E dd_t dd_(t+1) = -s_e^2``: per region ``mean(dd^2) + 2 mean(dd_t dd_(t+1))`` estimates
    ``s_eta^2``; the indicator takes the median over its regions (a region with a break does not
    decide), floored at 0. Regions need 3+ changes (4+ points); fewer than ``MIN_PEERS``: 0."""
    est = []
    for z in series:
        d = np.diff(np.asarray(z, dtype=float)[-(pooling.WINDOW + 1):])
        d = d[np.isfinite(d)]
        if d.size >= 3:
            dd = np.diff(d)
            est.append(float(np.mean(dd ** 2) + 2 * np.mean(dd[1:] * dd[:-1])))
    if len(est) < pooling.MIN_PEERS:
        return 0.0
    return max(float(np.median(est)), 0.0)


@dataclass(frozen=True)
class WanderingPrior(pooling.PeerPrior):
    slope_walk: float = 0.0  # variance of the slope's yearly change (model scale)


def enable_instability() -> None:
    """Patch :mod:`mstarget.pooling` and ``PooledDriftModel`` (this process only): the pooled trend
    wanders as a random walk whose yearly variance is the indicator's :func:`peer_instability`
    (a local linear trend; no peers -> a fixed slope, as shipped). The median is unchanged; the fan
    widens by the trend's wandering, ~h^1.5, more for indicators whose regions' trends turn."""
    plain_prior, plain_fit = pooling.peer_prior, PooledDriftModel.fit

    def peer_prior(series):
        p = plain_prior(series)
        if p is None:
            return None
        return WanderingPrior(p.slope, p.slope_sd, p.noise, p.n_peers, p.agreement, peer_instability(series))

    def fit(self, y, *, noise_prior=1.0, peer=None, **kw):  # kw: the engine's resolution= / observed=
        plain_fit(self, y, noise_prior=noise_prior, peer=peer, **kw)
        self.walk_ = float(getattr(peer, "slope_walk", 0.0))
        return self

    def sample_paths(self, h, n_paths, rng):  # as PooledDriftModel, plus the slope's random walk
        chi = rng.chisquare(self.nu_, size=n_paths)
        sig = np.sqrt(self.s2_ * self.nu_ / np.maximum(chi, 1e-12))
        rel = np.sqrt(self.slope_var_ / max(self.s2_, 1e-24))
        slope = self.slope_ + rng.standard_normal(n_paths) * rel * sig
        steps = slope[:, None] + rng.standard_normal((n_paths, h)) * sig[:, None]
        walk = getattr(self, "walk_", 0.0)
        if walk > 0:
            steps = steps + np.cumsum(rng.standard_normal((n_paths, h)) * np.sqrt(walk), axis=1)
        return self.last_ + np.cumsum(steps, axis=1)

    pooling.peer_prior = peer_prior
    PooledDriftModel.fit, PooledDriftModel.sample_paths = fit, sample_paths


def ab(variant: str, n: int, h: int, prior_peers: float, out: Path, cache: Path) -> pd.DataFrame:
    from run import MULTIPLES, calibration_without

    if variant == "damped":
        enable_damping(prior_peers)
    elif variant == "instability":
        enable_instability()
    c = corpus()
    fam_of = c.drop_duplicates("indicator").set_index("indicator")["family"]
    tag = variant if variant == "base" else f"{variant}{prior_peers:g}"
    f = cache / f"persistence_stretch_{tag}_{n}.parquet"
    if f.exists():
        rows = pd.read_parquet(f)
    else:
        rows = stretch_table(c, lengths=[n], max_h=6)
        rows.to_parquet(f)
    rows = rows[np.isfinite(rows["r_80"]) & np.isfinite(rows["r_95"])].reset_index(drop=True)
    rows["family"] = rows["indicator"].map(fam_of)
    dets = []
    for fam in sorted(c["family"].unique()):
        cal = calibration_without(rows, (rows["family"] != fam).to_numpy())
        d = pace_backtest(c[c["family"] == fam], n_points=n, horizon=h, multiples=MULTIPLES, calibration=cal)
        dets.append(d.assign(family=fam, check="family_out"))
    early = (rows["end_year"] + rows["h"] <= 2018).to_numpy()
    d = pace_backtest(c, n_points=n, horizon=h, multiples=MULTIPLES, calibration=calibration_without(rows, early),
                      end_years=list(range(2019, 2030)))
    dets.append(d.assign(family=d["indicator"].map(fam_of), check="later_years"))
    det = pd.concat(dets, ignore_index=True)
    det.to_pickle(cache / f"persistence_details_{tag}_{n}_{h}.pkl")
    s = pd.concat([pace_summary(det, ["check", "family"]),
                   pace_summary(det, ["check"]).assign(family="(all rows)")], ignore_index=True)
    s.insert(0, "variant", tag)
    s.to_csv(out / f"persistence_ab_{tag}_{n}_{h}.csv", index=False)
    pd.set_option("display.width", 220)
    print(s.round(3).to_string(index=False))
    return s


def compare(n: int, h: int, out: Path) -> pd.DataFrame:
    """Per held-out family: the shipped model against each damped variant scored at ``n`` / ``h``."""
    files = sorted(out.glob(f"persistence_ab_*_{n}_{h}.csv"))
    s = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    s = s[(s["check"] == "family_out") & ~s["family"].isin(["national", "(all rows)"])]
    t = s.pivot_table(index="family", columns="variant", values=["coverage_80", "ece", "brier", "mean_p_meet"])
    t.insert(0, "share_met", s.groupby("family")["share_met"].first())
    fm = s.groupby("variant")[["coverage_80", "coverage_95", "ece", "brier", "brier_base"]].mean()
    pd.set_option("display.width", 250)
    print(t.round(3).to_string())
    print("mean over families:")
    print(fm.round(4).to_string())
    return t


def paired_bootstrap(n: int, h: int, variant: str, cache: Path, reps: int = 200) -> pd.DataFrame:
    """Change of ECE and Brier (variant - base) per held-out family, with a 90 % interval from
    resampling the family's (indicator, end year) groups (the saved details of both ``--ab`` runs)."""
    from mstarget.pace_check import expected_calibration_error as ece

    key = ["region", "indicator", "end_year", "multiple"]
    a, b = (pd.read_pickle(cache / f"persistence_details_{t}_{n}_{h}.pkl") for t in ("base", variant))
    a, b = (d[d["check"] == "family_out"].dropna(subset=["p_meet"]) for d in (a, b))
    m = a[key + ["family", "p_meet", "met"]].merge(b[key + ["p_meet"]], on=key, suffixes=("_a", "_b"))
    rng = np.random.default_rng(0)
    rows = []
    for fam, g in m.groupby("family"):
        groups = list(g.groupby(["indicator", "end_year"]).indices.values())
        y = g["met"].astype(float).to_numpy()
        pa, pb = g["p_meet_a"].to_numpy(), g["p_meet_b"].to_numpy()

        def delta(i):
            return (ece(pb[i], y[i]) - ece(pa[i], y[i]), np.mean((pb[i] - y[i]) ** 2) - np.mean((pa[i] - y[i]) ** 2))

        d0 = delta(np.arange(y.size))
        bs = np.array([delta(np.concatenate([groups[j] for j in rng.integers(0, len(groups), len(groups))]))
                       for _ in range(reps)])
        lo, hi = np.quantile(bs, [0.05, 0.95], axis=0)
        rows.append({"family": fam, "groups": len(groups), "d_ece": d0[0], "d_ece_lo": lo[0], "d_ece_hi": hi[0],
                     "d_brier": d0[1], "d_brier_lo": lo[1], "d_brier_hi": hi[1]})
    return pd.DataFrame(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--q1", action="store_true", help="statistics against realised persistence")
    ap.add_argument("--ab", choices=["base", "damped", "instability"], help="score a variant held out by family")
    ap.add_argument("--compare", action="store_true", help="per-family table of the saved --ab results")
    ap.add_argument("--prior-peers", type=float, default=0.0,
                    help="shrink phi toward 1 as if this many peers showed no slowing")
    ap.add_argument("--n", type=int, default=4)
    ap.add_argument("--h", type=int, default=2)
    ap.add_argument("--out-dir", default=str(OUT))
    ap.add_argument("--cache", default="/tmp", help="where the variant's stretch tables are kept")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if args.q1:
        q1(args.n, args.h, out)
    if args.ab:
        ab(args.ab, args.n, args.h, args.prior_peers, out, Path(args.cache))
    if args.compare:
        compare(args.n, args.h, out)
        for f in sorted(Path(args.cache).glob(f"persistence_details_*_{args.n}_{args.h}.pkl")):
            tag = f.name.split("_")[2]
            if tag != "base" and (Path(args.cache) / f"persistence_details_base_{args.n}_{args.h}.pkl").exists():
                bt = paired_bootstrap(args.n, args.h, tag, Path(args.cache))
                bt.to_csv(out / f"persistence_bootstrap_{tag}_{args.n}_{args.h}.csv", index=False)
                print(f"{tag} - base, 90 % interval over (indicator, end year) groups:")
                print(bt.round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
