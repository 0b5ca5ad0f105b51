"""Session 48 backtest: one broken series no longer picks the best model for a whole panel.

``data/china/provincial_panels.csv`` holds real provincial figures (sources in its README). Its 西藏
tech_market_outflow_value (技术市场_技术输出_合同金额) jumps 24-fold in 2019 (394 -> 9,577 万元); ``auto``'s
pooled_drift forecast of it from 2020 ran its 95 % interval to 6e9 around an actual 6.2e4, a scaled CRPS of
1.8e7 over 5 forecasts. The best model was the lowest plain mean ``crps_scaled``, which that one series
decided: on the full panel auto's mean was 80 (median 0.56) and naive was named. Each test failed before the fix
it names.
"""
from __future__ import annotations

import importlib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget import metrics as M
from mstarget.backtest import SUMMARY_COLUMNS, choose_best
from mstarget.cli.main import main

backtest_module = importlib.import_module("mstarget.backtest")  # the module: mt.backtest is the function

DATA = Path(__file__).resolve().parents[1] / "data" / "china"
PANEL = DATA / "provincial_panels.csv"
NATIONAL = DATA / "national_history.csv"
#: two farm-machinery indicators auto forecasts well, and the indicator with the broken 西藏 series (real rows)
INDICATORS = ["mech_coop_staff", "mech_coops", "tech_market_outflow_value"]
BROKEN = ("西藏", "tech_market_outflow_value")


def _panel(with_broken: bool = True) -> pd.DataFrame:
    d = pd.read_csv(PANEL)
    d = d[d["indicator"].isin(INDICATORS)]
    if not with_broken:
        d = d[~((d["region"] == BROKEN[0]) & (d["indicator"] == BROKEN[1]))]
    return d.reset_index(drop=True)


def _backtest(history, model="auto,drift", **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.backtest(history, model=model, horizon=2, origins=3, seed=0, **kw)


@pytest.fixture(scope="module")
def both():
    """The real panel's backtest with and without the broken series (96 and 95 series, origins 2020-2022)."""
    return _backtest(_panel(True)), _backtest(_panel(False))


def test_one_broken_series_no_longer_decides_the_best_model(both):
    """Before: with the 西藏 series drift was named (auto's plain mean crps_scaled 190,274 against drift's 2.21);
    without it auto (1.70 against 2.18). The panel's other 95 series did not change."""
    with_it, without = both
    s = with_it.summary.set_index("model")
    # the plain mean is kept as it was (runs logged before compare it) and still swings on the one series
    assert s.loc["auto", "crps_scaled"] > 10_000 > s.loc["drift", "crps_scaled"]
    assert without.summary.set_index("model").loc["auto", "crps_scaled"] < s.loc["drift", "crps_scaled"]
    # the ranking column: each series' scaled CRPS held within 0.01-100 before the geometric mean
    assert s.loc["auto", "crps_scaled_gmean"] < s.loc["drift", "crps_scaled_gmean"]
    assert with_it.best_model() == without.best_model() == "auto"
    best = choose_best(with_it.summary)
    assert (best.model, best.by, best.lowest_mean) == ("auto", "crps_scaled_gmean", "drift")
    assert "the plain mean crps_scaled, which one series can decide, would name drift" in best.words()
    # the broken series costs auto something (it did blow up), but a bounded amount: at most 100 for 5 of 960
    g_with = s.loc["auto", "crps_scaled_gmean"]
    g_without = without.summary.set_index("model").loc["auto", "crps_scaled_gmean"]
    assert 1.0 < g_with / g_without < 1.1


def test_the_result_names_the_outlier_series_and_who_missed_it(both):
    """Before: nothing said which series made auto's mean 190,274; the user had to dig through 960 detail rows."""
    with_it, without = both
    out = with_it.outliers()
    assert list(out.columns) == backtest_module.OUTLIER_COLUMNS
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["model"], row["region"], row["indicator"]) == ("auto", *BROKEN)
    assert row["crps_scaled"] > 1e6 and row["n_scaled"] == 5
    assert row["missed_by"] == "auto (1 of 2)"  # drift scored it fine: auto's forecast blew up, not the data
    assert float(row["others"]) < 10
    # its worst forecast: from 2020, two years on, an interval reaching billions around an actual of 62,143 万元
    assert (row["origin"], row["h"], row["year"], row["actual"]) == (2020, 2, 2022, 62143.0)
    assert row["hi_95"] > 1e9 and row["lo_95"] <= row["actual"]
    s = with_it.summary.set_index("model")
    assert (s.loc["auto", "n_outliers"], s.loc["drift", "n_outliers"]) == (1, 0)
    text = repr(with_it)
    assert "1 outlier series (crps_scaled above 100: held at it in the ranking): 西藏/tech_market_outflow_value" in text
    assert "best by crps_scaled_gmean: auto" in text and "the plain mean crps_scaled would name drift" in text
    assert without.outliers().empty and list(without.outliers().columns) == backtest_module.OUTLIER_COLUMNS


def test_cli_prints_the_rule_and_the_outlier_series(tmp_path, capsys):
    """Before: ``best by crps_scaled: drift -- the tracked run's best_model``, and not a word about the series."""
    hist = tmp_path / "panel.csv"
    _panel(True).to_csv(hist, index=False)
    out = tmp_path / "bt.csv"
    assert main(["backtest", "--history", str(hist), "--models", "auto,drift", "--out", str(out), "--no-track"]) == 0
    text = capsys.readouterr().out
    assert ("best by crps_scaled_gmean: auto (the plain mean crps_scaled, which one series can decide, would name "
            "drift) -- the tracked run's best_model") in text
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("outlier series (mean crps_scaled above 100"))
    named = lines[at + 1]
    assert named.startswith("  西藏/tech_market_outflow_value: auto 1.83e+07 over 5 forecasts (missed by auto (1 of 2)")
    assert "worst from origin 2020, h 2 (2022): its 95 % interval ran to [0, 5.972e+09] around the actual 6.214e+04" \
        in named
    assert "crps_scaled_gmean the geometric mean over series" in text  # the legend says the rule
    written = pd.read_csv(out)
    assert list(written.columns) == SUMMARY_COLUMNS  # the old columns first, as runs before wrote them
    w = written.set_index("model")
    assert w.loc["auto", "n_outliers"] == 1 and w.loc["auto", "crps_scaled"] > 10_000


def test_share_fallback_and_the_scaled_scores_say_which_forecasts_they_count(capsys):
    """Before: drift on the national table had share_fallback 0.62 (8 of 13: naive for 1-point series) and was
    passed over as "mostly another model's" -- yet the 5 forecasts its crps_scaled averaged were all its own
    (a 1-point series has no scale), while theta, named instead, had 3 of its 5 made by drift."""
    bt = _backtest(NATIONAL, model="drift,theta", n_paths=500)
    s = bt.summary.set_index("model")
    assert (s.loc["drift", "n_forecasts"], s.loc["drift", "n_scaled"]) == (13, 5)
    assert s.loc["drift", "share_fallback"] == pytest.approx(8 / 13)
    assert s.loc["drift", "share_fallback_scaled"] == 0.0
    assert s.loc["theta", "share_fallback_scaled"] == pytest.approx(3 / 5)
    # n_scaled is the set mase / crps_scaled average over
    d = bt.details[bt.details["model"] == "drift"]
    assert d["crps_scaled"].notna().sum() == 5
    assert s.loc["drift", "crps_scaled"] == pytest.approx(d["crps_scaled"].mean())
    best = choose_best(bt.summary)
    assert best.model == "drift" and best.passed_over == {"theta": pytest.approx(0.6)}
    assert main(["backtest", "--history", str(NATIONAL), "--models", "drift,theta", "--paths", "500",
                 "--no-track"]) == 0
    text = capsys.readouterr().out
    assert ("note: drift: 8 of its 13 forecasts (62%, share_fallback) were made by a fallback model (naive 8" in text)
    assert ("of the 5 forecasts its scaled scores (mase, msis, crps_scaled, crps_scaled_gmean: what ranks the "
            "models) count, 0 (0%, share_fallback_scaled) -- those are drift's own") in text
    assert "count, 3 (60%, share_fallback_scaled) -- those are mostly another model's (never the best model)" in text


def test_a_summary_written_before_the_new_columns_is_ranked_as_before():
    """An old backtest summary CSV (no crps_scaled_gmean, no share_fallback_scaled) keeps its old answer."""
    old = pd.DataFrame([{"model": "auto", "n_series": 96, "n_forecasts": 480, "share_fallback": 0.0,
                         "smape": 14.1, "mase": 1.6, "crps_scaled": 190274.4},
                        {"model": "drift", "n_series": 96, "n_forecasts": 480, "share_fallback": 0.0,
                         "smape": 15.0, "mase": 1.9, "crps_scaled": 2.21}])
    best = choose_best(old)
    assert (best.model, best.by, best.lowest_mean) == ("drift", "crps_scaled", None)


def test_bounded_gmean_averages_ratios_on_the_log_scale_and_bounds_each_series():
    assert M.bounded_gmean([4.0, 0.25]) == pytest.approx(1.0)  # not 2.125, the plain mean
    assert M.bounded_gmean([4.0, 1.0], weights=[1, 3]) == pytest.approx(4.0 ** 0.25)
    # a series scored 1.8e7 counts as 100 (one of 100 series: a factor 100 ** 0.01, not 1.8e5)
    ones = [1.0] * 99
    assert M.bounded_gmean(ones + [1.8e7], low=0.01, high=100.0) == pytest.approx(100.0 ** 0.01)
    assert M.bounded_gmean(ones + [0.0], low=0.01, high=100.0) == pytest.approx(0.01 ** 0.01)
    assert M.bounded_gmean([2.0, np.nan], weights=[1, 5]) == pytest.approx(2.0)  # no score: left out
    assert np.isnan(M.bounded_gmean([np.nan]))
