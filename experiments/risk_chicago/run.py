"""Chicago food inspections: reproduce the City's test (Sep-Oct 2014) and try to beat it.

Run from the repository root::

    .venv/bin/python experiments/risk_chicago/run.py

Each feature set is fitted with :func:`mstarget.risk.fit` on the inspections before the test
period that the City's model used (``in_published_model_sample``), then judged on the 1,637
inspections flagged ``published_test_period`` with :func:`mstarget.risk.evaluate` (AUC, Brier,
log loss, days earlier by the City's re-ordering, share of critical violations found in the first
half of inspections). To keep the choice of features honest, every set is also scored on a
validation split that ends before the test period (train < 2014-01-01, validate Jan-Apr 2014,
the last months of the City's model sample).
Results go to MLflow (one parent run, one child run per feature set) and to ``results.csv``.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import features as F  # noqa: E402

import mstarget as mt  # noqa: E402
from mstarget.tracking import TrackingSettings, data_fingerprint, package_versions, start_run  # noqa: E402

TEST_START = "2014-09-02"
VALID_START = "2014-01-01"


def evaluate_set(d: pd.DataFrame, feats: list[str], model: str, train_mask, test_mask, seed: int = 0):
    train, test = d[train_mask], d[test_mask]
    m = mt.risk.fit(train, outcome="criticalFound", features=feats, time="Inspection_Date",
                    model=model, seed=seed)
    p = m.predict(test)
    ev = mt.risk.evaluate(test["criticalFound"].to_numpy(), p,
                          dates=test["Inspection_Date"].to_numpy())
    return m, ev


def main(argv=None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=F.DATA)
    ap.add_argument("--out", default=str(HERE / "results.csv"))
    ap.add_argument("--no-track", action="store_true")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)

    raw = F.load(args.data)
    d = F.build(raw)
    in_sample = d["in_published_model_sample"] == 1
    test_mask = d["published_test_period"] == 1
    train_mask = in_sample & ~test_mask & (d["Inspection_Date"] < TEST_START)
    vtrain_mask = in_sample & (d["Inspection_Date"] < VALID_START)
    valid_mask = in_sample & (d["Inspection_Date"] >= VALID_START) & (d["Inspection_Date"] < TEST_START)

    rows = []
    settings = TrackingSettings.from_env(enabled=False if args.no_track else None,
                                         experiment="risk_chicago")
    with start_run("risk_chicago", settings, params={
            "data": args.data, "data_fingerprint": data_fingerprint(raw), "test_start": TEST_START,
            "train_rows": int(train_mask.sum()), "test_rows": int(test_mask.sum()),
            **package_versions()}) as parent:
        for name, (feats, model) in F.FEATURE_SETS.items():
            _, val = evaluate_set(d, feats, model, vtrain_mask, valid_mask)
            fitted, ev = evaluate_set(d, feats, model, train_mask, test_mask)
            row = {"feature_set": name, "model": model, "uses_cluster": "sanitarian_cluster" in feats,
                   "n_features": len(feats), **{k: ev.metrics[k] for k in (
                       "auc", "brier", "log_loss", "days_earlier", "days_earlier_median",
                       "first_half_actual", "first_half_model", "capture@20", "n", "failures")},
                   "valid_auc": val.metrics["auc"], "valid_days_earlier": val.metrics["days_earlier"]}
            rows.append(row)
            print(f"{name:32s} AUC {row['auc']:.3f}  days earlier {row['days_earlier']:.2f}  "
                  f"first half {row['first_half_model']:.1%} (actual {row['first_half_actual']:.1%})  "
                  f"| validation AUC {row['valid_auc']:.3f}, {row['valid_days_earlier']:.2f} days",
                  flush=True)
            if parent is not None:
                with start_run(name, settings, nested=True,
                               params={"features": feats, "model": model}) as run:
                    run.log_metrics({k: v for k, v in row.items() if isinstance(v, float)})
                    run.log_table(fitted.explain().head(60), "explain.csv")
        res = pd.DataFrame(rows)
        res.to_csv(args.out, index=False)
        if parent is not None:
            parent.log_table(res, "results.csv")
    return res


if __name__ == "__main__":
    main()
