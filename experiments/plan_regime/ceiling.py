"""How far can a 4-point window and its peers take `p_meet`, held out by family? (descriptive; session 52)

    .venv/bin/python experiments/plan_regime/ceiling.py     # ~6 min; out/ceiling_4_2.csv

Issue 17's Chinese families are miscalibrated in opposite directions: trends that slow (machinery, livestock,
budgets: 1x-pace targets met ~30 %) and trends that persist (the technology markets: ~64 %). Sessions 37-51 found no
feature of a window that tells them apart. This script asks the question the other way round: a flexible learner
(scikit-learn's ``HistGradientBoostingClassifier``) is given every feature of a 4-point window and its peers that
those sessions tried -- the window's own log growth (equal and recency weights), how far the target's required
growth lies from it and from the peers' median growth, the window's smoothness, its noise and the peers', the
direction, the multiple -- and learns ``met`` directly on 10 families, then predicts the 11th (each family held
out in turn, families weighted equally). Its Brier score per held-out family is set beside the shipped ``auto``
model's on the same windows and targets (``mstarget.pace_check.pace_backtest``: all regions of an indicator that
end in the same year in one call, 500 paths; the shipped factors, learned on the whole corpus, so the shipped
model's figures are in-sample and flatter it).

If the learner beat the shipped model in every family, a recalibration on these features would be the next step;
where it loses (the families whose trends persist) the features do not hold the answer.

Beside it (``out/ceiling_convergence.csv``): does a region's level or growth relative to its peers carry on
(beta-convergence, the idea session 51 left unrun)? Per family, a median regression of the outcome's yearly log
growth over the 2 years, less its peers' median, on the window's recency-weighted growth less the peers' median
and the window's last log level less the peers' median.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

sys.path.insert(0, str(Path(__file__).parent))
from corpus import provincial  # noqa: E402

from mstarget.pace_check import pace_backtest, pace_windows  # noqa: E402

OUT = Path(__file__).parent / "out"
MULTIPLES = (0.5, 1.0, 1.5)
FEATURES = ["own_minus_required", "peers_minus_required", "own_vs_peers", "smoothness", "noise", "peer_noise",
            "peer_growth", "direction", "multiple"]


def _window_features(panel: pd.DataFrame) -> pd.DataFrame:
    """Per window (region, indicator, end_year): log growth of its three changes (equal and 1/3/9 weights), their
    noise and smoothness, and its peers' median growth / spread / noise (the regions of its indicator and end year)."""
    w = pace_windows(panel, 4, 2)
    vals = np.array(w["values"].tolist(), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(vals > 0, np.log(vals), np.nan)
        d = np.diff(logs, axis=1)
        growth = d.mean(axis=1)
        recent = d @ np.array([1, 3, 9]) / 13
        noise = d.std(axis=1, ddof=1)
        smooth = np.log(np.clip(noise / np.abs(growth), 1e-3, 1e3))
    f = w[["region", "indicator", "end_year"]].copy()
    f["growth"], f["recent"], f["noise"], f["smoothness"] = growth, recent, np.log(noise + 1e-4), smooth
    peers = f.groupby(["indicator", "end_year"])
    f["peer_growth_raw"] = peers["recent"].transform("median")
    spread = peers["recent"].transform(lambda s: (s - s.median()).abs().median()) + 1e-6
    f["own_vs_peers"] = ((f["recent"] - f["peer_growth_raw"]) / spread).clip(-10, 10)
    f["peer_noise"] = peers["noise"].transform("median")
    f["last"] = vals[:, -1]
    f["level_vs_peers"] = logs[:, -1] - pd.Series(logs[:, -1]).groupby([f["indicator"], f["end_year"]]).transform(
        "median").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        f["future"] = np.where(w["outcome"] > 0, (np.log(w["outcome"].to_numpy(dtype=float)) - logs[:, -1]) / 2, np.nan)
    return f


def _convergence(f: pd.DataFrame, family: pd.Series) -> pd.DataFrame:
    """Per family: median regression of the future yearly log growth less the peers' median on the window's growth
    less the peers' median (``growth_carries``) and its last log level less the peers' (``level_pulls``)."""
    import statsmodels.formula.api as smf  # lazy: only this part of the experiment needs it

    g = f.assign(family=f["indicator"].map(family))
    g["future_vs_peers"] = g["future"] - g.groupby(["indicator", "end_year"])["future"].transform("median")
    g["growth_vs_peers"] = g["recent"] - g["peer_growth_raw"]
    g = g[np.isfinite(g[["future_vs_peers", "growth_vs_peers", "level_vs_peers"]]).all(axis=1)
          & (g["future_vs_peers"].abs() < 2) & (g["growth_vs_peers"].abs() < 2)]
    rows = []
    for fam, part in g.groupby("family"):
        fit = smf.quantreg("future_vs_peers ~ growth_vs_peers + level_vs_peers", part).fit(q=0.5)
        rows.append({"family": fam, "windows": len(part), "growth_carries": fit.params["growth_vs_peers"],
                     "level_pulls": fit.params["level_vs_peers"], "level_pulls_se": fit.bse["level_vs_peers"]})
    return pd.DataFrame(rows)


def main() -> pd.DataFrame:
    panel = provincial()
    family = panel.groupby("indicator")["family"].first()
    cols = ["region", "indicator", "year", "value", "unit"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = pace_backtest(panel[cols], n_points=4, horizon=2, multiples=MULTIPLES, n_paths=500)
    d["family"] = d["indicator"].map(family)
    f = _window_features(panel[cols])
    OUT.mkdir(exist_ok=True)
    _convergence(f, family).round(4).to_csv(OUT / "ceiling_convergence.csv", index=False)
    d = d.merge(f.drop(columns=["last", "future", "level_vs_peers"]), on=["region", "indicator", "end_year"],
                how="left")
    sign = np.where(d["pace"] >= 0, 1.0, -1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        required = np.where((d["target"] > 0) & (d["last"] > 0), np.log(d["target"] / d["last"]) / 2, np.nan)
    d["own_minus_required"] = sign * (d["recent"] - required)
    d["peers_minus_required"] = sign * (d["peer_growth_raw"] - required)
    d["peer_growth"] = sign * d["peer_growth_raw"]
    d["direction"] = sign
    d["met"] = d["met"].astype(float)
    d = d[d["met"].notna() & d["p_meet"].notna()]  # a flat window (pace 0) sets no target
    rows = []
    for fam in sorted(d["family"].unique()):
        train, test = d[d["family"] != fam], d[d["family"] == fam]
        weight = 1.0 / train.groupby("family")["family"].transform("size")
        learner = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0)
        learner.fit(train[FEATURES], train["met"], sample_weight=weight)
        p = learner.predict_proba(test[FEATURES])[:, 1]
        base = float(np.average(train["met"], weights=weight))
        rows.append({"family": fam, "targets": len(test), "met": test["met"].mean(),
                     "mean_p_shipped": test["p_meet"].mean(), "mean_p_learner": p.mean(),
                     "brier_shipped": np.mean((test["p_meet"] - test["met"]) ** 2),
                     "brier_learner": np.mean((p - test["met"]) ** 2),
                     "brier_base_rate": np.mean((base - test["met"]) ** 2)})
    out = pd.DataFrame(rows)
    mean = out.drop(columns="family").mean().to_dict()
    out = pd.concat([out, pd.DataFrame([{"family": "mean of families", **mean}])], ignore_index=True)
    out.round(4).to_csv(OUT / "ceiling_4_2.csv", index=False)
    return out


if __name__ == "__main__":
    print(main().round(3).to_string(index=False))
    print(pd.read_csv(OUT / "ceiling_convergence.csv").round(3).to_string(index=False))
