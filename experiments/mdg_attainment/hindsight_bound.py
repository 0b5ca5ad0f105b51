"""How good can a trend-extrapolation call be on MDG 4.A, even with hindsight?

An upper-bound study, not a method: every country's U5MR is extrapolated from ``as_of`` to 2015
at its recent log rate of reduction (window ``w`` years), optionally with that rate's recent
change continued (``accel``: 0 = constant rate, 0.5 / 1 = half / all of the change between the
last two windows, spread over the horizon), and called "met" when the extrapolation reaches the
target. The accuracy of the **best** (window, accel) pair is chosen *with the 2015 outcomes*, so
it is what a perfectly tuned point rule of this kind could have scored -- a yardstick for the
issue's goals (accuracy >= 0.90 as of 2005, >= 0.87 as of 2000), not something a forecaster
could have known at the time.

Same countries and data as ``run.py`` (UN IGME CME 2018 vintage, aggregates dropped).

    .venv/bin/python experiments/mdg_attainment/hindsight_bound.py   # writes out/hindsight_bound.csv
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from run import load  # noqa: E402

WINDOWS = (1, 2, 3, 5, 8, 10)
ACCELS = (0.0, 0.5, 1.0)
OUT = Path(__file__).parent / "out" / "hindsight_bound.csv"


def extrapolation_calls(wide: pd.DataFrame, as_of: int, window: int, accel: float) -> pd.Series:
    """Met / not met calls (bool per country) of the log-rate extrapolation to 2015."""
    horizon = 2015 - as_of
    log_now = np.log(wide[as_of])
    rate = (log_now - np.log(wide[as_of - window])) / window
    older = as_of - 2 * window
    if accel and older in wide.columns:
        rate_old = (np.log(wide[as_of - window]) - np.log(wide[older])) / window
        # the change of the rate per year, continued over half the horizon on average
        rate = rate + accel * (rate - rate_old) / window * horizon / 2.0
    return log_now + rate * horizon <= np.log(wide[1990] / 3.0)


def main() -> pd.DataFrame:
    hist = load()
    wide = hist.pivot_table(index="region", columns="year", values="value")
    met = wide[2015] <= wide[1990] / 3.0
    rows = []
    for as_of in (2000, 2005):
        for w in WINDOWS:
            for a in ACCELS:
                call = extrapolation_calls(wide, as_of, w, a)
                ok = call.notna() & wide[as_of - w].notna()
                rows.append({"as_of": as_of, "window": w, "accel": a, "n_countries": int(ok.sum()),
                             "accuracy": float((call[ok] == met[ok]).mean())})
    table = pd.DataFrame(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT, index=False)
    best = table.loc[table.groupby("as_of")["accuracy"].idxmax()]
    print(table.pivot_table(index=["as_of", "window"], columns="accel", values="accuracy").round(3))
    print("\nbest with hindsight:\n" + best.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
