"""SAMR food-sampling category tables: do shrunken scores and risk-based plans pay off?

Run from the repository root::

    .venv/bin/python experiments/risk_samr/run.py

The file ``data/china/food_sampling_by_category.csv`` has very few category-level periods: the
national 2019H2 table (34 categories), the national 2022 table (8 categories, 7 of them also in
2019H2) and the Guangdong 2022 table (19 categories). So only two honest "next period" tests exist:

1. national 2019H2 -> national 2022 (7 common categories);
2. national 2019H2 -> Guangdong 2022 (19 common categories; a transfer from the national picture
   to one province, the situation of a provincial bureau without its own history).

For each, the scores fitted on the earlier table (shrunken, :func:`mstarget.risk.score`) are
compared with the raw earlier rates and with one pooled rate by per-batch log loss on the later
table, and the failures the default :func:`mstarget.risk.allocate` plan would have found (budget =
batches actually tested later, realised later rates) against an even and a volume-proportional
plan, for several ``risk_share`` values (every plan: no category above 30 % of the budget). The
best any plan could do under the same rules with perfect foresight of the later rates (every
category at least a fifth of its volume share, none above 30 %) is reported too. A second budget
of 10 % of that shows the small-budget case.

National categories have thousands of batches each, so shrinkage barely moves them. To see the
county-scale case (tens to hundreds of batches per category), the 2019H2 table is also *thinned*
(labelled simulation: each tested batch kept with probability 1 % or 0.2 %, failures drawn
hypergeometrically, 50 seeds) before scoring, and judged on the same later tables.
Results go to MLflow, ``results.csv`` and ``results_thinned.csv``.
"""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import mstarget as mt
from mstarget.risk.allocate import DEFAULT_RISK_SHARE
from mstarget.risk.evaluate import evaluate_groups
from mstarget.tracking import TrackingSettings, data_fingerprint, package_versions, start_run

HERE = Path(__file__).resolve().parent
DATA = "data/china/food_sampling_by_category.csv"
RISK_SHARES = (0.0, 0.25, 0.5, 0.75, 0.8, 1.0)  # 0 = volume plan within the caps; default 0.75
CASES = {
    "national_2019H2_to_national_2022": ("全国", "2019H2", "全国", "2022"),
    "national_2019H2_to_guangdong_2022": ("全国", "2019H2", "广东省", "2022"),
}


def _log_loss(rate, tested, failed) -> float:
    p = np.clip(np.asarray(rate, float), 1e-6, 1 - 1e-6)
    return float(-np.sum(failed * np.log(p) + (tested - failed) * np.log(1 - p)) / np.sum(tested))


def thinned(raw: pd.DataFrame, keeps=(0.01, 0.002), seeds: int = 50) -> pd.DataFrame:
    """Mean log loss of shrunken vs raw scores fitted on a binomially thinned 2019H2 table."""
    out = []
    for name, (reg_tr, per_tr, reg_te, per_te) in CASES.items():
        train = raw[(raw.region == reg_tr) & (raw.period == per_tr) & (raw.category != "合计")]
        test = raw[(raw.region == reg_te) & (raw.period == per_te) & (raw.category != "合计")]
        test = test[test.category.isin(train.category)]
        tt, tf = test.tested.astype(int).to_numpy(), test.failed.astype(int).to_numpy()
        for keep in keeps:
            rng = np.random.default_rng(0)
            ll_s, ll_r, ll_p, found = [], [], [], []
            for _ in range(seeds):
                n = rng.binomial(train.tested.astype(int).to_numpy(), keep)
                k = rng.hypergeometric(train.failed.astype(int).to_numpy(),
                                       (train.tested.astype(int) - train.failed.astype(int)).to_numpy(), n)
                small = train.assign(tested=n, failed=k)
                sc = mt.risk.score(small, by=["category"]).set_index("category").loc[test.category]
                ll_s.append(_log_loss(sc["risk"], tt, tf))
                ll_r.append(_log_loss(np.where(sc["tested"] > 0, sc["rate"].fillna(0), 0.0) + 0.0, tt, tf))
                ll_p.append(_log_loss(np.full(len(tt), k.sum() / max(n.sum(), 1)), tt, tf))
            out.append({"case": name, "keep": keep, "seeds": seeds,
                        "median_train_batches_per_category": float(np.median(n)),
                        "log_loss_shrunk": float(np.mean(ll_s)), "log_loss_raw": float(np.mean(ll_r)),
                        "log_loss_pooled": float(np.mean(ll_p)),
                        "shrunk_better_share": float(np.mean(np.array(ll_s) < np.array(ll_r)))})
    return pd.DataFrame(out)


def best_possible(test_rate: np.ndarray, vol_share: np.ndarray, max_share: float = 0.3,
                  min_volume_ratio: float = 0.2) -> float:
    """Failures per batch of the best plan with perfect foresight of the test rates.

    Shares ``x`` with ``sum x = 1``, ``min_volume_ratio * vol_share <= x <= max_share``: the linear
    programme is solved exactly by filling the highest realised rates first.
    """
    x = min_volume_ratio * vol_share
    room = 1.0 - x.sum()
    for i in np.argsort(-test_rate):
        add = min(max_share - x[i], room)
        x[i] += add
        room -= add
    return float(np.sum(x * test_rate))


def main(argv=None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--out", default=str(HERE / "results.csv"))
    ap.add_argument("--no-track", action="store_true")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    raw = pd.read_csv(args.data, dtype=str)
    rows = []
    settings = TrackingSettings.from_env(enabled=False if args.no_track else None,
                                         experiment="risk_samr")
    with start_run("risk_samr", settings, params={"data": args.data,
                                                  "data_fingerprint": data_fingerprint(raw),
                                                  **package_versions()}) as parent:
        for name, (reg_tr, per_tr, reg_te, per_te) in CASES.items():
            train = raw[(raw.region == reg_tr) & (raw.period == per_tr)]
            test = raw[(raw.region == reg_te) & (raw.period == per_te) & (raw.category != "合计")]
            scores = mt.risk.score(train, by=["category"])
            common = test[test.category.isin(scores.category)]
            t = common.assign(tested=common.tested.astype(int), failed=common.failed.astype(int))
            s = scores.set_index("category").loc[t.category]
            pooled = scores.failed.sum() / scores.tested.sum()
            realised = (t.failed / t.tested).to_numpy()
            vol_share = (s.tested / s.tested.sum()).to_numpy()
            # per batch; divided below by the volume plan evaluate credits (within the same caps and floors)
            best_rate = best_possible(realised, vol_share.copy())
            for frac in (1.0, 0.1):
                budget = int(round(t.tested.sum() * frac))
                for risk_share in RISK_SHARES:
                    ev = evaluate_groups(t[["period", "category", "tested", "failed"]], scores,
                                         by=["category"], budget=budget, risk_share=risk_share)
                    m = ev.metrics
                    bound = best_rate / (m["est_found_volume"] / budget)
                    row = {"case": name, "budget_share": frac, "risk_share": risk_share,
                           "default": risk_share == DEFAULT_RISK_SHARE, "groups": int(m["groups"]),
                           "test_batches": int(m["batches"]), "test_failures": int(m["failures"]),
                           "log_loss_shrunk": m["log_loss"],
                           "log_loss_raw": _log_loss(s["rate"], t.tested, t.failed),
                           "log_loss_pooled": _log_loss(np.full(len(t), pooled), t.tested, t.failed),
                           "auc": m["auc"], "budget": budget, "est_found_plan": m["est_found_plan"],
                           "est_found_volume": m["est_found_volume"], "est_found_even": m["est_found_even"],
                           "est_found_risk_only": m["est_found_risk_only"],
                           "plan_vs_volume": m["plan_vs_volume"], "plan_vs_even": m["plan_vs_even"],
                           "plan_vs_volume_lots": m["plan_vs_volume_lots"],
                           "plan_vs_even_lots": m["plan_vs_even_lots"], "market_scale": m["market_scale"],
                           "plan_largest_share": m["plan_largest_share"],
                           "plan_min_volume_ratio": m["plan_min_volume_ratio"],
                           "best_possible_vs_volume": bound, "capture@20": m["capture@20"]}
                    rows.append(row)
                    print(f"{name} budget {frac:.0%} risk_share {risk_share:g}: plan "
                          f"{row['est_found_plan']:,.0f} = {row['plan_vs_volume']:.2f}x volume plan "
                          f"({row['est_found_volume']:,.0f}), {row['plan_vs_even']:.2f}x even; largest "
                          f"share {row['plan_largest_share']:.0%}, min plan/volume "
                          f"{row['plan_min_volume_ratio']:.2f}; best possible {bound:.2f}x; with diminishing "
                          f"returns {row['plan_vs_volume_lots']:.2f}x volume "
                          f"({row['groups']} categories)", flush=True)
                    if parent is not None and risk_share == DEFAULT_RISK_SHARE:
                        with start_run(f"{name}@{frac:g}", settings, nested=True,
                                       params={"case": name, "budget": budget,
                                               "risk_share": risk_share}) as run:
                            run.log_metrics({k: v for k, v in row.items() if isinstance(v, float)})
                            run.log_table(ev.table, "plan_vs_outcome.csv")
                            run.log_table(ev.report(), "report.csv")
        res = pd.DataFrame(rows)
        res.to_csv(args.out, index=False)
        thin = thinned(raw)
        thin.to_csv(Path(args.out).with_name("results_thinned.csv"), index=False)
        print(thin.to_string(index=False))
        if parent is not None:
            parent.log_table(res, "results.csv")
            parent.log_table(thin, "results_thinned.csv")
            for r in thin.itertuples(index=False):
                parent.log_metrics({f"thinned_{r.case}_{r.keep:g}_logloss_shrunk": r.log_loss_shrunk,
                                    f"thinned_{r.case}_{r.keep:g}_logloss_raw": r.log_loss_raw})
    return res


if __name__ == "__main__":
    main()
