"""Compare point-forecast rules on *validation* sets only (never the benchmark test periods).

Validation sets: M1 yearly (train -> test), and the training parts of M3 / Tourism yearly with
their last ``h`` points held out; each also as a last-8-points variant. Forecasts are made on the
log scale the engine uses for positive series, without sample paths (point forecasts only),
so a rule can be screened in seconds before it goes through ``run.py``.

    .venv/bin/python benchmarks/validate_points.py ensemble theta global
    .venv/bin/python benchmarks/validate_points.py --test ensemble    # also the test periods
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from datasets import load  # noqa: E402

from mstarget.metrics import mase, naive_scale, smape  # noqa: E402
from mstarget.models.registry import model_class  # noqa: E402


def validation_sets(test: bool = False):
    """name -> (list of (train, outcome), h)."""
    out = {}
    for name in ("m1", "m3", "tourism"):
        ser, h = load(name)
        if name == "m1" or test:
            pairs = [(x, xx) for _, x, xx in ser]
            tag = name if name == "m1" else f"{name}_TEST"
        else:
            pairs = [(x[:-h], x[-h:]) for _, x, _ in ser]
            tag = f"{name}_val"
        out[tag] = (pairs, h)
        out[f"{tag}_last8"] = ([(x[-8:], xx) for x, xx in pairs], h)
    return out


def scores(pairs, fc):
    """Mean sMAPE and MASE over series (``mstarget.metrics``, as the backtests use)."""
    sm = [np.mean(smape(xx, f)) for (_, xx), f in zip(pairs, fc)]
    ms = [np.mean(mase(xx, f, naive_scale(x))) for (x, xx), f in zip(pairs, fc)]
    return float(np.mean(sm)), float(np.mean(ms))


def forecast_points(rule: str, zs, h):
    """Point forecasts (n, h) on the log scale for a registered model (the ensemble's members
    are registered models too); ``a+b`` means the mean of several."""
    parts = rule.split("+")
    if len(parts) > 1:
        return np.mean([forecast_points(p, zs, h) for p in parts], axis=0)
    priors = [0.15] * len(zs)
    cls = model_class(rule)
    fitted = cls.fit_many(zs, priors)
    return np.stack([m.predict(h) for m in fitted])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("rules", nargs="+")
    ap.add_argument("--test", action="store_true", help="use the M3 / Tourism test periods instead")
    args = ap.parse_args(argv)
    sets = validation_sets(args.test)
    print(f"{'rule':34s} " + " ".join(f"{k:>18s}" for k in sets) + "   mean sMAPE / MASE")
    for rule in args.rules:
        t = time.perf_counter()
        cells, sm_all, ms_all = [], [], []
        for tag, (pairs, h) in sets.items():
            zs = [np.log(x) for x, _ in pairs]
            fc = np.exp(forecast_points(rule, zs, h))
            sm, ms = scores(pairs, fc)
            sm_all.append(sm)
            ms_all.append(ms)
            cells.append(f"{sm:7.2f} / {ms:6.3f}")
        print(f"{rule:34s} " + " ".join(f"{c:>18s}" for c in cells)
              + f"   {np.mean(sm_all):6.2f} / {np.mean(ms_all):6.3f}  ({time.perf_counter() - t:.1f} s)",
              flush=True)


if __name__ == "__main__":
    main()
