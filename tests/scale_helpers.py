"""A provincial panel with a plan, from the real data in ``data/china`` (issue 13 tests)."""
from __future__ import annotations

import warnings
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"


def province_panel(n_indicators: int = 8, as_of: int = 2019) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Provincial panels (real data, counts and amounts): ``n_indicators`` x 31 provinces up to
    ``as_of``; about half the series cut to their last 4 points (``auto`` gives them
    ``pooled_drift``, pooled across provinces), the others kept at 8-10 points (``auto``'s backtest,
    the ensemble and its cross-learned global member). One plan row per series: target 2022 at
    10 % above the last value, every fifth row binding."""
    d = pd.read_csv(DATA / "china" / "provincial_panels.csv")
    d = d[(d["region"] != "全国") & (d["year"] <= as_of) & (d["unit"] != "%")]
    keep = sorted(d["indicator"].unique())[:n_indicators]
    d = d[d["indicator"].isin(keep)]
    short = np.array([zlib.crc32(f"{r}/{i}".encode()) % 2 == 0 for r, i in zip(d["region"], d["indicator"])])
    d = d[~short | (d["year"] >= as_of - 3)]
    hist = d[["region", "indicator", "name", "year", "value", "unit"]].reset_index(drop=True)
    last = hist.sort_values("year").groupby(["region", "indicator"], sort=False).tail(1)
    last = last.sort_values(["region", "indicator"])
    plan = pd.DataFrame({"region": last["region"], "indicator": last["indicator"], "name": last["name"],
                         "unit": last["unit"], "baseline_year": 2015, "baseline": np.nan,
                         "target_year": 2022, "target": (last["value"] * 1.1).round(2),
                         "direction": ">=", "kind": "level",
                         "attribute": np.where(np.arange(len(last)) % 5 == 0, "binding", "expected")})
    return hist, plan.reset_index(drop=True)


def quiet(fn, *args, **kw):
    """``fn(*args, **kw)`` with every warning silenced (the scale tests compare numbers, not warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def county_plan_and_history(counties, slow, seed: int):
    """A plan of two targets per county (a binding 食品抽检合格率 ≥98, an expected 市场主体总量 ≥〔30〕万户) and their
    histories 2020-2023 (SYNTHETIC: made up here): the pass rate of the ``slow`` counties barely moves (滞后), the
    others' rises 0.8 point a year; ``seed`` the noise. Returns ``(read_plan table, history DataFrame)``."""
    import mstarget as mt  # lazy: the module's other helpers need only pandas

    rng = np.random.default_rng(seed)
    plan, hist = [], []
    for r in counties:
        plan.append(dict(region=r, indicator="pass_rate", name="食品抽检合格率", unit="%", baseline_year=2020,
                         baseline=96.0, target_year=2025, target="≥98", attribute="约束性"))
        plan.append(dict(region=r, indicator="entities", name="市场主体总量", unit="万户", baseline_year=2020,
                         baseline=20.0, target_year=2025, target="≥〔30〕", attribute="预期性"))
        for y in range(2020, 2024):
            step = 0.05 if r in slow else 0.8
            hist.append(dict(region=r, indicator="pass_rate", name="食品抽检合格率", unit="%", year=y,
                             value=round(96.0 + step * (y - 2020) + rng.normal(0, 0.05), 2)))
            hist.append(dict(region=r, indicator="entities", name="市场主体总量", unit="万户", year=y,
                             value=round(20 + 2.2 * (y - 2020) + rng.normal(0, 0.2), 1)))
    return mt.read_plan(pd.DataFrame(plan)), pd.DataFrame(hist)
