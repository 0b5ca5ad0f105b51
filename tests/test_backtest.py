"""Backtest metrics with hand-computed values, rolling origins and the ``backtest`` CLI (issue 5)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from mstarget import metrics as M
from mstarget.backtest import SUMMARY_COLUMNS, backtest, realised_outcome
from mstarget.cli.main import main


def test_smape_mase_hand_computed():
    assert M.smape(100, 110) == pytest.approx(200 * 10 / 210)
    assert M.smape(0, 0) == 0.0
    assert M.naive_scale([1, 3, 2, 6]) == pytest.approx((2 + 1 + 4) / 3)
    assert M.mase(10, 7, 1.5) == pytest.approx(2.0)


def test_coverage_and_interval_score_hand_computed():
    assert M.coverage([1, 5, 9], [0, 0, 0], [4, 4, 10]).tolist() == [1, 0, 1]
    # width 2; outcome 1 below lo=2 with alpha 0.05: 2 + 40 * 1 = 42
    assert M.interval_score(1.0, 2.0, 4.0, 0.05) == pytest.approx(42.0)
    assert M.msis(3.0, 2.0, 4.0, 2.0) == pytest.approx(1.0)


def test_crps_and_pinball_hand_computed():
    # a point mass: CRPS = |x - a|
    assert M.crps_samples(np.full(10, 3.0), 5.0) == pytest.approx(2.0)
    # two equally likely values {0, 2}, outcome 1: E|X-a| = 1, E|X-X'| = 1 -> 0.5
    assert M.crps_samples(np.array([0.0, 2.0]), 1.0) == pytest.approx(0.5)
    assert M.pinball(10, 8, 0.9) == pytest.approx(1.8)
    assert M.pinball(10, 12, 0.9) == pytest.approx(0.2)
    assert M.brier([0.8, 0.1], [1, 0]) == pytest.approx((0.04 + 0.01) / 2)


def _hist():
    years = np.arange(2010, 2022)
    return pd.concat([
        pd.DataFrame({"region": "A", "indicator": "lin", "year": years, "value": 10.0 + 2 * (years - 2010)}),
        pd.DataFrame({"region": "A", "indicator": "flat", "year": years, "value": 5.0}),
    ], ignore_index=True)


def test_backtest_rolling_origins_and_exact_drift_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = backtest(_hist(), model="drift,naive", horizon=2, origins=3, n_paths=200)
    assert list(res.summary.columns) == SUMMARY_COLUMNS
    d = res.details
    # origins 2018, 2019, 2020: 2 + 2 + 1 evaluated years per series and model
    assert sorted(d["origin"].unique()) == [2018, 2019, 2020]
    assert len(d) == 2 * 2 * 5
    lin = d[(d["model"] == "naive") & (d["indicator"] == "lin")]
    # naive on a line of slope 2: error 2h, scale (mean |diff|) 2 -> MASE = h
    np.testing.assert_allclose(lin["mase"], lin["h"], atol=0.25)  # median of 200 sampled paths
    drift = d[(d["model"] == "drift") & (d["indicator"] == "lin")]
    # drift runs on the log scale (a count is >= 0): near the line, slightly convex
    np.testing.assert_allclose(drift["median"], drift["actual"], rtol=0.1)


def test_realised_outcome_kinds():
    h = pd.DataFrame({"region": "A", "indicator": "x", "year": [2020, 2021, 2022], "value": [1.0, 2.0, 4.0]})
    assert realised_outcome(h, {"region": "A", "indicator": "x", "target_year": 2022, "kind": "level",
                                "baseline_year": 2020}) == 4.0
    assert realised_outcome(h, {"region": "A", "indicator": "x", "target_year": 2022, "kind": "increment",
                                "baseline_year": 2020}) == 6.0


def test_cli_backtest_writes_out(tmp_path):
    hist = tmp_path / "h.csv"
    _hist().to_csv(hist, index=False)
    out = tmp_path / "bt.csv"
    code = main(["backtest", "--history", str(hist), "--models", "naive,drift", "--horizon", "2",
                 "--origins", "2", "--paths", "100", "--out", str(out), "--no-track"])
    assert code == 0
    s = pd.read_csv(out)
    assert s["model"].tolist() == ["naive", "drift"]
    assert {"smape", "mase", "coverage_80", "coverage_95", "msis", "crps_scaled"} <= set(s.columns)
    assert (tmp_path / "bt_details.csv").exists()


def test_backtest_scores_the_intervals_forecast_gives(data_dir):
    """By default a backtest draws as many paths as ``forecast`` (the factors were learned for that
    number), so its intervals at an origin are exactly those of a forecast made at that origin."""
    import mstarget as mt

    hist = mt.read_history(data_dir / "china" / "national_history.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = backtest(hist, model="ensemble", horizon=2, origins=[2020])
        fc = mt.forecast(hist[hist["year"] <= 2020], horizon=2, model="ensemble", seed=0)
    merged = res.details.merge(fc, on=["region", "indicator", "year"], suffixes=("", "_fc"))
    assert len(merged) == len(res.details) >= 5
    for col in ("median", "lo_80", "hi_80", "lo_95", "hi_95"):
        np.testing.assert_allclose(merged[col], merged[f"{col}_fc"], rtol=1e-12)


def test_warnings_of_past_origins_are_kept_on_the_result():  # issue 16: no longer silenced
    hist = pd.concat([_hist(), pd.DataFrame({"region": "B", "indicator": "short", "year": [2018, 2019, 2020, 2021],
                                             "value": [3.0, 3.5, 3.9, 4.4]})], ignore_index=True)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        res = backtest(hist, model="theta", horizon=1, origins=[2018, 2019], n_paths=100)
    kept = res.warnings
    assert list(kept.columns) == ["model", "origin", "category", "message"]
    # B/short has 1 and 2 points at these origins: theta needs 3, so drift / naive were used instead
    assert set(kept["origin"]) == {2018, 2019} and set(kept["category"]) == {"ShortHistoryWarning"}
    assert kept["message"].str.startswith("B/short:").all()
    assert not [w for w in shown if "B/short" in str(w.message)]  # kept, not repeated on screen
    chosen = res.details[res.details["region"] == "B"]["chosen"]
    assert set(chosen) == {"fallback:naive", "fallback:drift"}
    assert res.origins == (2018, 2019)
