"""Calibration (issue 5): out-of-sample 80 % / 95 % coverage on code-generated series, and the
mechanics of the conformal stretch (median kept, bounds kept, factors recovered)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from mstarget.backtest import backtest
from mstarget.calibration import (N_LENGTH, Calibration, apply, default_calibration,
                                  factors_from_stretch, is_steady, length_class, required_stretch,
                                  series_class, tail_exponents)
from mstarget.forecast import forecast_paths


def _synthetic(n_series: int, n_years: int, seed: int) -> pd.DataFrame:
    """Positive series: log random walks with drift and a per-series volatility (labelled truth)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_series):
        vol = rng.uniform(0.02, 0.12)
        drift = rng.normal(0.03, 0.03)
        z = np.log(rng.uniform(50, 500)) + np.cumsum(drift + vol * rng.standard_normal(n_years))
        rows.append(pd.DataFrame({"region": "R", "indicator": f"s{i}",
                                  "year": np.arange(2000, 2000 + n_years), "value": np.exp(z)}))
    return pd.concat(rows, ignore_index=True)


def test_apply_keeps_median_and_scales_deviations():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((2001, 2))
    f = np.array([[2.0, 2.0], [0.5, 0.5]])
    out = apply(z, f)
    np.testing.assert_allclose(np.median(out, axis=0), np.median(z, axis=0), atol=1e-12)
    ratio = np.std(out, axis=0) / np.std(z, axis=0)
    np.testing.assert_allclose(ratio, [2.0, 0.5], rtol=0.02)


def test_required_stretch_hand_computed():
    z = np.linspace(-1, 1, 10001)[:, None]   # uniform: median 0, q90 = 0.8, q97.5 = 0.95
    r = required_stretch(z, np.array([0.4]))
    np.testing.assert_allclose(r[0], [0.4 / 0.8, 0.4 / 0.95], rtol=1e-3)
    r = required_stretch(z, np.array([-1.6]))
    np.testing.assert_allclose(r[0], [1.6 / 0.8, 1.6 / 0.95], rtol=1e-3)


def test_factors_are_conformal_quantiles():
    rng = np.random.default_rng(1)
    r = np.abs(rng.standard_normal(4000))
    det = pd.DataFrame({"n_train": 10, "h": 1, "r_80": r, "r_95": r})
    f = factors_from_stretch(det, max_h=1)
    c = length_class(10)
    assert f[c, 0, 0] == pytest.approx(1.2816, rel=0.05)
    assert f[c, 0, 1] == pytest.approx(1.96, rel=0.05)


def test_default_factors_shipped_with_provenance():
    cal = default_calibration()
    assert cal.has("ensemble") and "M3" in cal.provenance
    f = cal.factors_for("ensemble", 6, 8)
    assert f.shape == (8, 2) and np.isfinite(f).all() and (f > 0).all()


def test_bounds_hold_after_stretch():
    hist = pd.DataFrame({"region": "R", "indicator": "rate", "year": np.arange(2015, 2023),
                         "value": [97.5, 98.0, 98.4, 98.9, 99.1, 99.4, 99.6, 99.7], "unit": "%"})
    big = Calibration({"drift": np.full((4, 6, 2), 8.0)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sf = forecast_paths(hist, 5, model="drift", n_paths=500, calibration=big)[0]
    assert sf.paths.max() <= 100.0 and sf.paths.min() >= 0.0


def test_out_of_sample_coverage_on_synthetic_series():
    """Learn factors on one synthetic set, check coverage on an independent one."""
    learn_hist = _synthetic(60, 14, seed=11)
    test_hist = _synthetic(60, 14, seed=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = backtest(learn_hist, model="drift", horizon=3, origins=4, calibration=None, n_paths=400)
        f = factors_from_stretch(raw.details, max_h=3, min_count=20)
        cal = Calibration({"drift": f})
        res = backtest(test_hist, model="drift", horizon=3, origins=4, calibration=cal, n_paths=400)
    s = res.summary.iloc[0]
    assert abs(s["coverage_80"] - 0.80) < 0.07
    assert abs(s["coverage_95"] - 0.95) < 0.04


def test_tail_extends_factors_beyond_the_table_as_a_power_of_h():
    f = np.ones((4, 6, 2))
    f[..., 1] = 1.5
    g = np.array([[0.5, 0.0]] * 4)
    cal = Calibration({"m": f}, tail={"m": g})
    out = cal.factors_for("m", 20, 24)
    np.testing.assert_allclose(out[:6], f[3])
    np.testing.assert_allclose(out[23], [(24 / 6) ** 0.5, 1.5])  # c(h) = c(6) (h/6)^g
    # without a tail entry the last factor is held
    np.testing.assert_allclose(Calibration({"m": f}).factors_for("m", 20, 24)[23], [1.0, 1.5])


def test_tail_exponents_recover_a_known_power_and_are_clipped():
    hh = np.arange(1, 16, dtype=float)
    f = np.empty((4, 15, 2))
    f[..., 0] = 0.9 * hh ** 0.3
    f[..., 1] = 1.2 * hh ** -0.4  # shrinking factors are clipped to 0 (never narrower than at h=6)
    g = tail_exponents(f)
    np.testing.assert_allclose(g[:, 0], 0.3, atol=1e-9)
    np.testing.assert_allclose(g[:, 1], 0.0)
    with pytest.raises(ValueError, match="beyond h=6"):
        tail_exponents(f[:, :6])


def test_default_calibration_has_tail_for_its_models():
    cal = default_calibration()
    for m in cal.factors:
        if cal.scheme(m) == "plan":  # issue 17: short-series factors keep c(6) beyond h=6
            f = cal.factors_for(m, 4, 10, z=np.log([1.0, 1.1, 1.2, 1.3]), peers=0.9)
            assert (f[6:] == f[5]).all()
            continue
        assert m in cal.tail and np.asarray(cal.tail[m]).shape == (N_LENGTH, 2)  # per length class
        f = cal.factors_for(m, 20, 15)
        assert (np.diff(f[5:], axis=0) >= -1e-12).all()  # non-decreasing beyond the table


def test_steady_means_changes_in_one_direction():
    assert is_steady(np.log([85.0, 88.0, 90.0, 91.0]))          # annual-report rate rising each year
    assert is_steady([10.0, 9.0, 7.5, 7.0, 6.2])                 # a steady decline
    assert not is_steady([10.0, 11.0])                            # one change says nothing
    assert not is_steady([10.0, 12.0, 11.0, 13.0])                # back and forth
    assert not is_steady([5.0, 5.0, 5.0])                         # flat
    # a reversal worth 1 % of the movement still counts as steady, 5 % does not
    assert is_steady([0.0, 1.0, 0.99, 2.0]) and not is_steady([0.0, 1.0, 0.9, 2.0])


def test_factors_learned_separately_for_steady_series():
    rng = np.random.default_rng(3)
    r = np.abs(rng.standard_normal(4000))
    det = pd.DataFrame({"n_train": 10, "h": 1, "r_80": np.r_[r, 0.5 * r], "r_95": np.r_[r, 0.5 * r],
                        "steady": np.r_[np.zeros(4000, bool), np.ones(4000, bool)]})
    f = factors_from_stretch(det, max_h=1)
    assert f.shape == (2 * N_LENGTH, 1, 2)
    irregular, steady = f[series_class(10, False), 0], f[series_class(10, True), 0]
    np.testing.assert_allclose(steady / irregular, 0.5, rtol=0.08)
    cal = Calibration({"m": f})
    np.testing.assert_allclose(cal.factors_for("m", 10, 1, steady=True)[0], steady)
    np.testing.assert_allclose(cal.factors_for("m", 10, 1, steady=False)[0], irregular)
    # a table with one row per length class (older or user-made) ignores steadiness
    old = Calibration({"m": f[:N_LENGTH]})
    np.testing.assert_allclose(old.factors_for("m", 10, 1, steady=True), old.factors_for("m", 10, 1))


def test_thin_steady_cell_borrows_from_its_length_class():
    rng = np.random.default_rng(4)
    r = np.abs(rng.standard_normal(3000))
    det = pd.DataFrame({"n_train": 10, "h": 1, "r_80": np.r_[r, [9.0] * 5], "r_95": np.r_[r, [9.0] * 5],
                        "steady": np.r_[np.zeros(3000, bool), np.ones(5, bool)]})
    f = factors_from_stretch(det, max_h=1)
    # 5 steady errors are too few (min_count 30): the cell pools both kinds of its length class
    assert f[series_class(10, True), 0, 0] == pytest.approx(f[series_class(10, False), 0, 0], rel=0.05)


def test_engine_and_backtest_use_the_steady_class():
    years = np.arange(2014, 2023)
    steady = pd.DataFrame({"region": "R", "indicator": "entities", "year": years,
                           "value": 100 * 1.06 ** np.arange(years.size) * (1 + 0.004 * np.sin(years))})
    assert is_steady(np.log(steady["value"]))
    f = np.ones((2 * N_LENGTH, 6, 2))
    f[N_LENGTH:] = 0.5  # steady rows: half the width
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        split = forecast_paths(steady, 3, model="drift", calibration=Calibration({"drift": f}), seed=1)[0]
        plain = forecast_paths(steady, 3, model="drift", calibration=Calibration({"drift": f[:N_LENGTH]}),
                               seed=1)[0]
        det = backtest(steady, model="drift", horizon=2, origins=2, calibration=None, n_paths=200).details
    z = np.log(split.paths)
    width = lambda p: np.subtract(*np.quantile(np.log(p), [0.975, 0.025], axis=0))  # noqa: E731
    np.testing.assert_allclose(width(split.paths) / width(plain.paths), 0.5, rtol=0.02)
    np.testing.assert_allclose(np.median(z, axis=0), np.median(np.log(plain.paths), axis=0), rtol=1e-9)
    assert det["steady"].dtype == bool and det["steady"].all()


def test_learn_from_the_api_checks_the_panel_as_the_command_does():
    # mt.calibration.learn(panel) learned from one region's series (every class of series then gets
    # the same few errors) and crashed inside on an empty panel; it now refuses both, as
    # `mstarget calibrate` does, naming what the panel needs (synthetic panels, labelled as such).
    import mstarget as mt
    from mstarget.exceptions import DataValidationError

    one_region = pd.DataFrame({"region": "鼎湖区", "indicator": "synthetic", "year": range(2015, 2023),
                               "value": np.arange(8.0)})
    with pytest.raises(DataValidationError, match="2 regions or more"):
        mt.calibration.learn(one_region)
    empty = one_region.assign(value=np.nan)
    with pytest.raises(DataValidationError, match="no observations"):
        mt.calibration.learn(empty)
