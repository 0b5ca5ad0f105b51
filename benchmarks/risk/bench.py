"""Speed of mstarget.risk at national scale (seeded synthetic tables) and on the Chicago file.

Run from the repository root::

    .venv/bin/python benchmarks/risk/bench.py

Prints one line per measurement (best of 3 wall-clock runs) and writes ``benchmarks/risk/timings.csv``.
"""
from __future__ import annotations

import platform
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import mstarget as mt
from mstarget.risk.samples import validate_samples

HERE = Path(__file__).resolve().parent


def best_of(fn, repeat=3):
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def synthetic_panel(regions=60, categories=34, periods=8, seed=0):
    """Counts of ~7 million batches a year at ~3 % unqualified, categories differing several-fold."""
    rng = np.random.default_rng(seed)
    cat_rate = rng.lognormal(np.log(0.025), 0.6, categories)
    reg_eff = rng.lognormal(0, 0.3, regions)
    rows = []
    labels = [f"{2019 + i // 2}H{i % 2 + 1}" for i in range(periods)]
    for r in range(regions):
        vol = rng.lognormal(np.log(3_500_000 / regions / categories), 1.0, categories).astype(int) + 1
        for pi, per in enumerate(labels):
            rate = np.clip(cat_rate * reg_eff[r] * (1 + 0.03 * pi), 0, 0.9)
            f = rng.binomial(vol, rate)
            rows += [(per, f"r{r:02d}", f"c{c:02d}", vol[c], f[c]) for c in range(categories)]
    return pd.DataFrame(rows, columns=["period", "region", "category", "tested", "failed"])


def main():
    warnings.filterwarnings("ignore")
    out = []
    panel = synthetic_panel()
    n_rows, n_batches = len(panel), int(panel.tested.sum())
    t, s1 = best_of(lambda: mt.risk.score(panel, by=["category"]))
    out.append(("score by category", f"{n_rows} rows, {n_batches:,} batches, 34 groups", t))
    t, s2 = best_of(lambda: mt.risk.score(panel, by=["region", "category"]))
    out.append(("score by region>category (hierarchical)", f"{n_rows} rows, {len(s2)} groups", t))
    t, a = best_of(lambda: mt.risk.allocate(s2, 7_000_000, min_per_group=50))
    if a.batches.sum() != 7_000_000:
        raise RuntimeError("allocation did not spend the budget")
    out.append(("allocate 7,000,000 batches (default plan)", f"{len(s2)} groups, floor 50", t))
    t, _ = best_of(lambda: mt.risk.allocate(s2, 20_000, min_per_group=5, max_per_group=200))
    out.append(("allocate 20,000 batches", f"{len(s2)} groups, floor 5, cap 200", t))
    rng = np.random.default_rng(1)
    big = pd.DataFrame({"period": rng.choice(["2022H1", "2022H2", "2023H1"], 1_000_000),
                        "category": rng.choice([f"c{i}" for i in range(34)], 1_000_000),
                        "failed": rng.binomial(1, 0.03, 1_000_000)})
    t, _ = best_of(lambda: mt.risk.score(big, by="category"), repeat=1)
    out.append(("score from per-batch records", "1,000,000 records", t))
    # issue 13: the readers are linear in rows (10k vs 100k rows of a realistic aggregated table)
    for n in (10_000, 100_000):
        rows = panel.sample(n, replace=True, random_state=n).reset_index(drop=True)
        rows["tested"] = rows["tested"].map("{:,}".format)  # text cells with separators, as in files
        t, _ = best_of(lambda: validate_samples(rows, ["region", "category"]))
        out.append(("validate samples table", f"{n:,} rows (text counts)", t))
    for n in (100_000, 1_000_000):
        t, _ = best_of(lambda: validate_samples(big.head(n), ["category"]), repeat=1)
        out.append(("validate per-batch records", f"{n:,} records", t))
    chi_all = pd.read_csv("data/inspections/chicago_food_inspections_2011_2014.csv")
    kw = dict(time="Inspection_Date", outcome="criticalFound", entity="License", area=["Ward", "Zip"],
              values=["minorCount"])
    t, _ = best_of(lambda: mt.risk.features(chi_all, **kw))
    out.append(("features (entity history + 2 areas x 2 half-lives)", f"{len(chi_all):,} Chicago records", t))
    tenfold = pd.concat([chi_all.assign(License=chi_all.License.astype(str) + f"-{i}",
                                        Ward=chi_all.Ward.astype(str) + f"-{i}",
                                        Zip=chi_all.Zip.astype(str) + f"-{i}") for i in range(10)],
                        ignore_index=True)
    t, _ = best_of(lambda: mt.risk.features(tenfold, **kw), repeat=1)
    out.append(("features (entity history + 2 areas x 2 half-lives)", f"{len(tenfold):,} records "
                "(Chicago x 10, relabelled)", t))
    chi = pd.read_csv("data/inspections/chicago_food_inspections_2011_2014.csv")
    chi = chi[chi.in_published_model_sample == 1]
    feats = ["pastCritical", "pastSerious", "pastMinor", "timeSinceLast", "ageAtInspection", "Risk",
             "Facility_Type_Clean", "heat_burglary", "heat_sanitation", "heat_garbage",
             "sanitarian_cluster"]
    for model in ("logistic", "gbm"):
        t, m = best_of(lambda: mt.risk.fit(chi, outcome="criticalFound", features=feats,
                                            time="Inspection_Date", model=model), repeat=1)
        out.append((f"fit {model} on Chicago", f"{len(chi)} records, {len(feats)} features", t))
    res = pd.DataFrame(out, columns=["task", "size", "seconds"])
    res.to_csv(HERE / "timings.csv", index=False)
    print(f"{platform.platform()} | Python {platform.python_version()}")
    print(res.to_string(index=False))


if __name__ == "__main__":
    main()
