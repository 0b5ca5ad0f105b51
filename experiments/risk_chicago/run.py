"""Chicago food inspections: reproduce the City's test (Sep-Oct 2014) and beat it with library features.

Run from the repository root::

    .venv/bin/python experiments/risk_chicago/run.py

Each feature set (``features.py``: the City's variables, or the file's plain columns plus
:func:`mstarget.risk.features`) is fitted with :func:`mstarget.risk.fit` on the inspections before
the test period that the City's model used (``in_published_model_sample``), then judged on the
1,637 inspections flagged ``published_test_period`` with :func:`mstarget.risk.evaluate` (AUC, Brier,
log loss, days earlier by the City's re-ordering, share of critical violations found in the first
half of inspections).

Two ways of building the library features for the test period:

* ``daily`` -- each inspection's features use every inspection strictly before its own date,
  test-period ones included (how the City's own ``past*`` columns work, and how a daily-updated
  schedule would run);
* ``frozen`` -- outcomes from the first test day on are hidden, so every test inspection's features
  are those known on 2014-09-02. This is the strict reading of the City's re-ordering, which may
  move an October inspection to September.

To keep the choice of features honest, every set is also scored on a validation split that ends
before the test period (train < 2014-01-01, validate Jan-Apr 2014), with daily and with frozen
library features (frozen on 2014-01-01: four months without fresh outcomes).
Results go to MLflow (one parent run, one child run per feature set and variant) and ``results.csv``.
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
METRICS = ("auc", "brier", "log_loss", "days_earlier", "days_earlier_median", "first_half_actual",
           "first_half_model", "capture@20", "n", "failures")


def evaluate_set(d: pd.DataFrame, feats: list[str], model: str, train_mask, test_mask, seed: int = 0):
    train, test = d[train_mask], d[test_mask]
    m = mt.risk.fit(train, outcome=F.OUTCOME, features=feats, time=F.TIME, model=model, seed=seed)
    p = m.predict(test)
    ev = mt.risk.evaluate(test[F.OUTCOME].to_numpy(), p, dates=test[F.TIME].to_numpy())
    return m, ev


def main(argv=None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=F.DATA)
    ap.add_argument("--out", default=str(HERE / "results.csv"))
    ap.add_argument("--no-track", action="store_true")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)

    raw = F.load(args.data)
    daily = F.library_features(raw)
    frozen = F.library_features(raw, hide_from=TEST_START)
    d_daily = pd.concat([raw, daily], axis=1)
    d_frozen = pd.concat([raw, frozen], axis=1)
    d_vfrozen = pd.concat([raw, F.library_features(raw, hide_from=VALID_START)], axis=1)
    in_sample = raw["in_published_model_sample"] == 1
    test_mask = raw["published_test_period"] == 1
    train_mask = in_sample & ~test_mask & (raw[F.TIME] < TEST_START)
    vtrain_mask = in_sample & (raw[F.TIME] < VALID_START)
    valid_mask = in_sample & (raw[F.TIME] >= VALID_START) & (raw[F.TIME] < TEST_START)

    rows = []
    settings = TrackingSettings.from_env(enabled=False if args.no_track else None,
                                         experiment="risk_chicago")
    with start_run("risk_chicago", settings, params={
            "data": args.data, "data_fingerprint": data_fingerprint(raw), "test_start": TEST_START,
            "train_rows": int(train_mask.sum()), "test_rows": int(test_mask.sum()),
            **package_versions()}) as parent:
        for name, (feats, model) in F.feature_sets(daily).items():
            uses_library = any(c in daily.columns for c in feats)
            _, val = evaluate_set(d_daily, feats, model, vtrain_mask, valid_mask)
            vfro = evaluate_set(d_vfrozen, feats, model, vtrain_mask, valid_mask)[1] if uses_library else val
            variants = [("daily", d_daily)] + ([("frozen", d_frozen)] if uses_library else [])
            for variant, data in variants:
                fitted, ev = evaluate_set(data, feats, model, train_mask, test_mask)
                row = {"feature_set": name, "features": variant if uses_library else "file",
                       "model": model, "uses_cluster": "sanitarian_cluster" in feats,
                       "n_features": len(feats), **{k: ev.metrics[k] for k in METRICS},
                       "valid_auc": val.metrics["auc"], "valid_days_earlier": val.metrics["days_earlier"],
                       "valid_frozen_auc": vfro.metrics["auc"],
                       "valid_frozen_days_earlier": vfro.metrics["days_earlier"]}
                rows.append(row)
                print(f"{name:28s} {row['features']:6s} AUC {row['auc']:.3f}  days earlier "
                      f"{row['days_earlier']:.2f}  first half {row['first_half_model']:.1%} (actual "
                      f"{row['first_half_actual']:.1%})  | validation AUC {row['valid_auc']:.3f}, "
                      f"{row['valid_days_earlier']:.2f} days", flush=True)
                if parent is not None:
                    with start_run(f"{name}/{row['features']}", settings, nested=True,
                                   params={"features": feats, "model": model,
                                           "feature_build": row["features"]}) as run:
                        run.log_metrics({k: v for k, v in row.items() if isinstance(v, float)})
                        run.log_table(fitted.explain().head(60), "explain.csv")
        res = pd.DataFrame(rows)
        res.to_csv(args.out, index=False)
        if parent is not None:
            parent.log_table(res, "results.csv")
    return res


if __name__ == "__main__":
    main()
