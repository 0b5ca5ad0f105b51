"""How much should a short series' slope be shrunk toward its peers? (issue 17; negative for adoption)

Raw ``pooled_drift`` (``calibration=None``: the centre and the ranking of ``p_meet`` before any
stretch), 4-point windows 2 years ahead, every family of the corpus (``corpus.py``), all regions of an
indicator ending in the same year in one call (:func:`mstarget.pace_check.pace_backtest`), with the
indicator's slope prior as shipped (median of the peers' slopes, spread from their MAD) and two
variants with less shrinkage:

* ``sdtau``: the prior spread from the standard deviation of the peers' slopes (heavier tails count);
* ``noslope``: no shrinkage of the slope at all (the noise is still pooled);
* ``covtau``: the prior spread from how the regions' changes co-vary across the window's years (a
  region's lasting difference shows in every year, noise in one): neither less nor more shrinkage
  on average, a different estimate of the same spread;
* ``toward0.5``, ``toward0`` (any ``toward<lam>``): *more* shrinkage -- the shipped slope estimate
  moved toward the peers' median, ``b0 + lam (b - b0)`` (0 = the peers' median for every region),
  its uncertainty unchanged. Asked because, over the corpus' 4-point windows, a region's deviation
  from its peers' slope barely carries into the next two years (a regression of the future yearly
  change's deviation on the window's gives -0.4 to +0.6 by family).
* ``dof1``, ``dof8`` (any ``dof<x>``): the peers' pooled noise worth ``x`` pseudo-changes instead of
  the shipped ``PRIOR_DOF`` (4): a smooth series keeps more (small ``x``) or less of its own noise,
  which sets both its fan and how far its slope is shrunk.

* ``tprior4`` (any ``tprior<nu>``): a robust, Student-t slope prior ``t_nu(b0, tau)`` instead of
  the normal ``N(b0, tau^2)`` (same centre and scale): the posterior of the slope given the window's
  mean change ``N(b, s^2/k)`` is computed on a grid and summarised by its mean and variance, so a
  region whose own slope lies far (> 3 s.d.) from its peers' keeps more of it; ``tmix<nu>`` samples
  the slope from that (possibly two-humped) posterior itself instead of a normal with its moments.
  ``tvar<nu>``: the shipped (normal-prior) centre, with the t posterior's spread around that
  centre (its second moment about it) as the slope's variance: a departing region's fan widens
  without its centre moving. Everything else as shipped (2026-12-06, session 37).

Prints per family: 80 % coverage, ECE and Brier of ``p_meet``, the share of 1x-pace targets met and
their mean ``p_meet``; and the family means. ~1 min per variant on one core::

    .venv/bin/python experiments/plan_regime/shrinkage.py [base,sdtau,noslope,covtau,toward0.5,toward0,dof1]

``--tail`` (with the variants, ``base`` first) also records each window's departure from its peers
(``z = (b - b0) / sqrt(tau^2 + s^2/k)``, as ``PooledDriftModel._note_departure``), scores the
variants in bins of ``|z|`` and regresses the realised future yearly change's deviation from the
peers' (median of the same call's regions) on the window's deviation per bin (does an extreme
departure persist more?); writes ``out/shrinkage_tprior_{families,tail,persistence}.csv``::

    .venv/bin/python experiments/plan_regime/shrinkage.py base,tprior4,tmix4 --tail
"""
from __future__ import annotations

import importlib
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

from mstarget.pace_check import expected_calibration_error, pace_backtest  # noqa: E402

pooling = importlib.import_module("mstarget.pooling")
pooled = importlib.import_module("mstarget.models.pooled")
forecast_mod = importlib.import_module("mstarget.forecast")
SHIPPED = pooling.peer_prior
SHIPPED_FIT = pooled.PooledDriftModel.fit
SHIPPED_PATHS = pooled.PooledDriftModel.sample_paths
SHIPPED_SAMPLE = forecast_mod._sample_one
OUT = Path(__file__).resolve().parent / "out"
Z_BINS = (0.0, 1.0, 2.0, 3.0, 5.0, np.inf)


def t_posterior(b: float, v: float, b0: float, tau: float, nu: float, n_grid: int = 1201):
    """Posterior of a slope given the window's mean change ``b`` (variance ``v``) under a
    ``t_nu(b0, tau)`` prior: grid, probabilities on it, mean and variance. The grid covers +-10 s.d.
    of the likelihood and +-10 scales of the prior, so both humps are resolved."""
    sv = np.sqrt(max(v, 1e-24))
    tau = max(tau, 1e-12)
    g = np.unique(np.concatenate([b + sv * np.linspace(-10, 10, n_grid),
                                  b0 + tau * np.linspace(-10, 10, n_grid // 2 + 1)]))
    logp = -0.5 * (g - b) ** 2 / sv ** 2 - 0.5 * (nu + 1) * np.log1p(((g - b0) / tau) ** 2 / nu)
    m = np.exp(logp - logp.max()) * np.gradient(g)
    m /= m.sum()
    mean = float((m * g).sum())
    return g, m, mean, float((m * (g - mean) ** 2).sum())


def own_slope(model, peer) -> tuple[float, float]:
    """The window's own slope ``b`` and its variance ``v``, read back from the shipped normal-prior
    posterior (so whatever the shipped fit counts as the own slope -- gaps, a level shift left out --
    is used): ``1/slope_var = 1/tau^2 + 1/v`` and ``slope = b0 + tau^2 / (tau^2 + v) (b - b0)``."""
    t2 = peer.slope_sd ** 2
    prec = 1.0 / model.slope_var_ - 1.0 / t2
    if prec <= 1e-9 / t2:  # the data add nothing measurable: the prior alone
        return float(peer.slope), float("inf")
    v = 1.0 / prec
    return float(peer.slope + (model.slope_ - peer.slope) * (t2 + v) / t2), float(v)


def tprior(nu: float, mix: bool = False, centre: str = "t"):
    """``PooledDriftModel.fit`` with a ``t_nu`` slope prior (the shipped noise, centre and scale);
    ``centre="shipped"``: the shipped slope, with the t posterior's second moment about it."""
    def fit(self, y, *, noise_prior=1.0, peer=None, resolution=0.0, **kw):
        SHIPPED_FIT(self, y, noise_prior=noise_prior, peer=peer, resolution=resolution, **kw)
        self.post_ = self.own_ = None
        if peer is not None and self.n_ >= 2:
            b, v = self.own_ = own_slope(self, peer)
            if not np.isfinite(v):
                return self
            g, m, mean, var = t_posterior(b, v, peer.slope, peer.slope_sd, nu)
            if centre == "shipped":
                self.slope_var_ = max(self.slope_var_, var + (mean - self.slope_) ** 2)
                return self
            self.slope_, self.slope_var_ = mean, var
            if mix:
                self.post_ = (g, np.cumsum(m))
        return self
    return fit


def mix_paths(self, h, n_paths, rng):
    """Shipped sampler, but the slope drawn from the grid posterior (its deviation from the mean
    scaled with the drawn noise, as the conjugate sampler does)."""
    post = getattr(self, "post_", None)
    if post is None:
        return SHIPPED_PATHS(self, h, n_paths, rng)
    from scipy.special import ndtr
    chi = rng.chisquare(self.nu_, size=n_paths)
    sig = np.sqrt(self.s2_ * self.nu_ / np.maximum(chi, 1e-12))
    g, cdf = post
    draw = np.interp(ndtr(rng.standard_normal(n_paths)), cdf, g)
    slope = self.slope_ + (draw - self.slope_) * sig / np.sqrt(max(self.s2_, 1e-24))
    steps = slope[:, None] + rng.standard_normal((n_paths, h)) * sig[:, None]
    return self.last_ + np.cumsum(steps, axis=1)


RECORD: list[dict] = []


def recording_sample(p, model, spec, n_paths, seed, cal=None):
    """``forecast._sample_one`` that also records a pooled series' departure from its peers."""
    sf = SHIPPED_SAMPLE(p, model, spec, n_paths, seed, cal)
    if model is not None and getattr(p, "peer", None) is not None and getattr(model, "n_", 0) >= 2 \
            and hasattr(model, "slope_var_"):
        b, v = getattr(model, "own_", None) or own_slope(model, p.peer)
        if not np.isfinite(v):
            return sf
        b0, tau = p.peer.slope, p.peer.slope_sd
        RECORD.append({"region": p.region, "indicator": p.indicator, "end_year": int(p.years[-1]),
                       "b_own": b, "v": v, "b0": b0, "tau": tau,
                       "z": (b - b0) / np.sqrt(tau ** 2 + v), "slope_post": model.slope_,
                       "z_last": float(p.z[-1]), "transform": p.transform})
    return sf


def toward(lam: float):
    """``PooledDriftModel.fit`` with the slope moved toward the peers' median by ``lam``."""
    def fit(self, y, *, noise_prior=1.0, peer=None, resolution=0.0, **kw):
        SHIPPED_FIT(self, y, noise_prior=noise_prior, peer=peer, resolution=resolution, **kw)
        if peer is not None and self.n_ > 1:
            self.slope_ = peer.slope + lam * (self.slope_ - peer.slope)
        return self
    return fit


def variant(kind: str):
    """``peer_prior`` with the shipped slope prior (``base``) or another (``sdtau``, ``noslope``, ``covtau``)."""
    def prior(series):
        p = SHIPPED(series)
        if p is None or kind == "base":
            return p
        if kind == "noslope":
            return pooling.PeerPrior(p.slope, 1e6, p.noise, p.n_peers, p.agreement)
        if kind in ("mean", "trim"):  # the prior's centre from the mean of the peers' slopes, not the median
            b = np.array([s[0] for s in map(pooling._slope_noise, series) if s[2] >= 1])
            centre = float(b.mean()) if kind == "mean" else float(np.mean(np.sort(b)[len(b) // 5: len(b) - len(b) // 5]))
            return p.with_slope(centre)
        if kind == "covtau":
            return pooling.PeerPrior(p.slope, _cov_tau(series, p.noise), p.noise, p.n_peers, p.agreement)
        stats = [pooling._slope_noise(z) for z in series]
        b = np.array([s[0] for s in stats if s[2] >= 1])
        s2 = np.array([s[1] for s in stats if s[2] >= 2])
        k = np.array([s[2] for s in stats if s[2] >= 2], dtype=float)
        own2 = float(np.median(s2 / k)) if s2.size >= 3 else 0.0
        spread2 = float(np.var(b, ddof=1))
        tau = float(np.sqrt(max(spread2 - own2, (pooling.TAU_FLOOR * p.noise) ** 2, 1e-12)))
        return pooling.PeerPrior(p.slope, tau, p.noise, p.n_peers, p.agreement)
    return prior


def _robust_var(x: np.ndarray) -> float:
    return (pooling._MAD * float(np.median(np.abs(x - np.median(x))))) ** 2


def _cov_tau(series, noise: float) -> float:
    """Between-region slope spread from how the regions' yearly changes co-vary across years
    inside the window: with ``d_it = b_i + e_it`` and independent ``e``, the covariance over
    regions of two different years' changes is ``var(b)``, so ``tau^2 = (var(sum_t d_t) -
    sum_t var(d_t)) / (k (k - 1))`` (robust variances; regions with all ``k`` changes)."""
    d = [np.diff(np.asarray(z, dtype=float)[-(pooling.WINDOW + 1):]) for z in series]
    k = max(x.size for x in d)
    m = np.array([x for x in d if x.size == k and np.all(np.isfinite(x))])
    if k < 2 or len(m) < pooling.MIN_PEERS:
        return pooling.TAU_FLOOR * noise
    tau2 = (_robust_var(m.sum(axis=1)) - sum(_robust_var(m[:, t]) for t in range(k))) / (k * (k - 1))
    return float(np.sqrt(max(tau2, (pooling.TAU_FLOOR * noise) ** 2, 1e-12)))


def measure(kind: str, panel: pd.DataFrame, details: list | None = None) -> pd.DataFrame:
    """Family table of one variant; with ``details`` (a list), also one frame of scored windows
    joined with their recorded departure from the peers is appended to it."""
    shipped_dof = pooled.PRIOR_DOF
    if details is not None:
        forecast_mod._sample_one = recording_sample
    if kind.startswith("tvar"):
        pooled.PooledDriftModel.fit = tprior(float(kind[len("tvar"):]), centre="shipped")
    elif kind.startswith("tprior") or kind.startswith("tmix"):
        mix = kind.startswith("tmix")
        pooled.PooledDriftModel.fit = tprior(float(kind[len("tmix" if mix else "tprior"):]), mix)
        if mix:
            pooled.PooledDriftModel.sample_paths = mix_paths
    elif kind.startswith("toward"):
        pooled.PooledDriftModel.fit = toward(float(kind[len("toward"):]))
    elif kind.startswith("dof"):
        pooled.PRIOR_DOF = float(kind[len("dof"):])
    else:
        pooling.peer_prior = variant(kind)
    try:
        rows = []
        for family, g in panel.groupby("family"):
            if family == "national":  # one region: no peers
                continue
            RECORD.clear()
            d = pace_backtest(g.drop(columns="family"), n_points=4, horizon=2, model="pooled_drift",
                              calibration=None)
            if details is not None:
                details.append(_join(d, kind, family))
            at1 = d[d["multiple"] == 1.0]
            rows.append({"variant": kind, "family": family, "targets": len(d), "cov80": d["in_80"].mean(),
                         "ece": expected_calibration_error(d["p_meet"], d["met"]),
                         "brier": ((d["p_meet"] - d["met"]) ** 2).mean(),
                         "met_1x": at1["met"].mean(), "p_meet_1x": at1["p_meet"].mean()})
        return pd.DataFrame(rows)
    finally:
        pooling.peer_prior = SHIPPED
        pooled.PooledDriftModel.fit = SHIPPED_FIT
        pooled.PooledDriftModel.sample_paths = SHIPPED_PATHS
        pooled.PRIOR_DOF = shipped_dof
        forecast_mod._sample_one = SHIPPED_SAMPLE


def _join(d: pd.DataFrame, kind: str, family: str) -> pd.DataFrame:
    """Scored rows with the recorded departure and the realised yearly change on the model scale
    (``fut``) and its median over the call's regions of the indicator (``fut_peers``)."""
    rec = pd.DataFrame(RECORD).drop_duplicates(["region", "indicator", "end_year"])
    if rec.empty:
        return d.assign(variant=kind, family=family)
    d = d.merge(rec, on=["region", "indicator", "end_year"], how="left")
    fut = np.full(len(d), np.nan)
    ok = d["transform"].notna().to_numpy()
    for i in np.flatnonzero(ok):
        with np.errstate(all="ignore"):
            fut[i] = (float(d["transform"].iat[i].forward(np.array([d["outcome"].iat[i]]))[0])
                      - d["z_last"].iat[i]) / d["h"].iat[i]
    d["fut"] = np.where(np.isfinite(fut), fut, np.nan)
    w = d.drop_duplicates(["region", "indicator", "end_year"])
    med = w.groupby(["indicator", "end_year"])["fut"].median().rename("fut_peers")
    d = d.drop(columns="transform").merge(med, on=["indicator", "end_year"], how="left")
    return d.assign(variant=kind, family=family)


def _scores(d: pd.DataFrame) -> dict:
    at1 = d[d["multiple"] == 1.0]
    return {"targets": int(d["p_meet"].notna().sum()), "windows": int(len(d.drop_duplicates(
                ["region", "indicator", "end_year"]))), "cov80": d["in_80"].mean(),
            "ece": expected_calibration_error(d["p_meet"], d["met"]),
            "brier": ((d["p_meet"] - d["met"].astype(float)) ** 2).mean(),
            "met_1x": at1["met"].astype(float).mean(), "p_meet_1x": at1["p_meet"].mean()}


def zbin(z) -> pd.Series:
    labels = [f"{a:g}-{b:g}" if np.isfinite(b) else f">{a:g}" for a, b in zip(Z_BINS[:-1], Z_BINS[1:])]
    return pd.cut(np.abs(z), Z_BINS, right=False, labels=labels)


def tail_table(det: pd.DataFrame) -> pd.DataFrame:
    """Scores per variant in bins of ``|z|`` and for ``|z| > 3``, pooled over families and per family."""
    det = det[det["z"].notna()].assign(zbin=lambda x: zbin(x["z"]).astype(str))
    rows = []
    groups = [((k, "pooled"), g) for k, g in det.groupby("variant", sort=False)]
    for (kind, fam), g in groups + list(det.groupby(["variant", "family"], sort=False)):
        for label, part in [*g.groupby("zbin"), ("|z|>3", g[g["z"].abs() > 3])]:
            if len(part):
                rows.append({"variant": kind, "family": fam, "zbin": label, **_scores(part)})
    return pd.DataFrame(rows)


def _beta(x: np.ndarray, y: np.ndarray) -> float:
    return float((x * y).sum() / (x * x).sum()) if x.size else float("nan")


def _huber(x: np.ndarray, y: np.ndarray, c: float = 1.345, iters: int = 30) -> float:
    """Huber M-estimate of ``y = beta x`` (through 0; IRLS, residual scale from the MAD)."""
    beta = float(np.median(y / x))
    for _ in range(iters):
        r = y - beta * x
        s = pooling._MAD * float(np.median(np.abs(r))) or 1e-12
        u = np.abs(r) / (c * s)
        w = np.where(u <= 1, 1.0, 1.0 / np.maximum(u, 1e-12))
        new = float((w * x * y).sum() / (w * x * x).sum())
        if abs(new - beta) < 1e-6:
            return new
        beta = new
    return beta


def persistence_table(det: pd.DataFrame, kept: dict[str, pd.DataFrame], n_boot: int = 200,
                      seed: int = 0) -> pd.DataFrame:
    """Per ``|z|`` bin (per family and pooled), one row per window: how much of the window's
    deviation from the peers' slope, ``x = b_own - b0``, shows in the realised future yearly change's
    deviation from the peers' realised median, ``y = fut - fut_peers`` (1: in full, 0: not at all):

    * ``beta0``: least squares through 0 on the raw model scale (as the earlier regression; a few
      series near 0 on the log scale dominate it);
    * ``beta_huber``: Huber regression through 0 of ``y / s`` on ``z = x / s`` (``s = sqrt(tau^2 +
      s^2/k)``, so every indicator counts on its own scale), with a 90 % bootstrap over (indicator,
      end year) groups (bins with >= 10 groups);
    * ``median_ratio``: median of ``y / x``; ``same_sign``: share with ``y`` of ``x``'s sign;
    * ``kept_<variant>``: the share of ``x`` each variant's slope keeps (median of
      ``(slope_post - b0) / x``), to set against the realised share.
    """
    w = det.drop_duplicates(["region", "indicator", "end_year"])
    w = w[w["z"].notna() & np.isfinite(w["fut"]) & np.isfinite(w["fut_peers"])].copy()
    w["x"], w["y"] = w["b_own"] - w["b0"], w["fut"] - w["fut_peers"]
    w = w[w["x"] != 0]
    w["ys"] = w["y"] / np.sqrt(w["tau"] ** 2 + w["v"])
    w["zbin"] = zbin(w["z"]).astype(str)
    keys = ["region", "indicator", "end_year"]
    for kind, k in kept.items():
        k = k.drop_duplicates(keys).set_index(keys)["slope_post"].rename(f"kept_{kind}")
        w = w.merge(k, left_on=keys, right_index=True, how="left")
        w[f"kept_{kind}"] = (w[f"kept_{kind}"] - w["b0"]) / w["x"]
    rng = np.random.default_rng(seed)
    rows = []
    parts = [("pooled", w), *w.groupby("family")]
    for fam, g in parts:
        for label, b in [*g.groupby("zbin"), ("|z|>3", g[g["z"].abs() > 3])]:
            if len(b) < 5:
                continue
            x, y = b["x"].to_numpy(), b["y"].to_numpy()
            zs, ys = b["z"].to_numpy(), b["ys"].to_numpy()
            idx = list(b.groupby(["indicator", "end_year"]).indices.values())
            row = {"family": fam, "zbin": label, "windows": len(b), "groups": len(idx),
                   "beta0": _beta(x, y), "beta_huber": _huber(zs, ys),
                   "beta_huber_lo": np.nan, "beta_huber_hi": np.nan,
                   "median_ratio": float(np.median(y / x)), "same_sign": float(np.mean(np.sign(y) == np.sign(x)))}
            if len(idx) >= 10:
                bs = []
                for _ in range(n_boot):
                    pick = np.concatenate([idx[j] for j in rng.integers(0, len(idx), len(idx))])
                    bs.append(_huber(zs[pick], ys[pick]))
                row["beta_huber_lo"], row["beta_huber_hi"] = np.quantile(bs, [0.05, 0.95])
            for kind in kept:
                row[f"kept_{kind}"] = float(b[f"kept_{kind}"].median())
            rows.append(row)
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    tail = "--tail" in args
    args = [a for a in args if a != "--tail"]
    kinds = (args or ["base,sdtau,noslope"])[0].split(",")
    warnings.simplefilter("ignore")
    panel = corpus.corpus()
    details: list | None = [] if tail else None
    tables = []
    for kind in kinds:
        r = measure(kind, panel, details)
        tables.append(r)
        print(f"{kind}: family means cov80 {r.cov80.mean():.3f}, ECE {r.ece.mean():.3f}, Brier "
              f"{r.brier.mean():.3f}, |p_meet - met| at 1x {(r.p_meet_1x - r.met_1x).abs().mean():.3f}")
        print(r.drop(columns="variant").round(3).to_string(index=False), flush=True)
    if tail:
        det = pd.concat(details, ignore_index=True)
        pd.concat(tables, ignore_index=True).to_csv(OUT / "shrinkage_tprior_families.csv", index=False)
        t = tail_table(det)
        t.to_csv(OUT / "shrinkage_tprior_tail.csv", index=False)
        print(t[t["family"] == "pooled"].round(3).to_string(index=False))
        base = det[det["variant"] == kinds[0]]
        kept = {k: det[det["variant"] == k] for k in kinds}
        pers = persistence_table(base, kept)
        pers.to_csv(OUT / "shrinkage_tprior_persistence.csv", index=False)
        print(pers.round(3).to_string(index=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
