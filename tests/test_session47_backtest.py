"""Session 47 backtest probe: choosing a model as a planning analyst would, on the shipped national table.

``data/china/national_history.csv`` holds real figures (sources in the file). Each test failed before the fix it
names: a mistyped model late in ``--models`` was refused only after the models before it had been backtested;
``--models ,`` read as "nothing was scored"; ``--horizon 60`` / ``--origins 60`` were refused in the words of the
library's parameters, after the tables were read; ``--region`` on a table with its own region column was silently
unused; MASE / MSIS / CRPS of a series with missing years were scaled by the change across a gap taken as one year's.
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
from mstarget.cli.main import main

backtest_module = importlib.import_module("mstarget.backtest")  # the module: mt.backtest is the function
NATIONAL = Path(__file__).resolve().parents[1] / "data" / "china" / "national_history.csv"


def _quiet_backtest(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.backtest(*args, **kw)


# -- a mistyped model is refused before any model runs ------------------------------------------------------------

def test_a_typo_in_the_last_model_is_refused_before_the_first_is_backtested(monkeypatch):
    """Before: ``model="drift,thetta"`` backtested drift at every origin, then said "unknown model 'thetta'"
    (minutes of auto / arima on a province's table thrown away)."""
    ran = []
    real = backtest_module.run_forecast
    monkeypatch.setattr(backtest_module, "run_forecast", lambda *a, **k: ran.append(k.get("model")) or real(*a, **k))
    with pytest.raises(mt.UnknownModelError, match=r"unknown model 'thetta'; did you mean 'theta'"):
        mt.backtest(NATIONAL, model="drift,thetta", horizon=2, origins=3)
    assert ran == []


def test_a_spec_file_naming_an_unknown_model_is_refused_before_any_work(tmp_path, monkeypatch):
    """Before: a spec file whose ``model`` is misspelt (``etss``) was refused only after drift had run."""
    spec = tmp_path / "ets_mine.toml"
    spec.write_text('model = "etss"\nlabel = "ets_mine"\n[params]\ndamped = false\n', encoding="utf-8")
    ran = []
    real = backtest_module.run_forecast
    monkeypatch.setattr(backtest_module, "run_forecast", lambda *a, **k: ran.append(1) or real(*a, **k))
    with pytest.raises(mt.UnknownModelError, match=r"unknown model 'etss'"):
        mt.backtest(NATIONAL, model=["drift", str(spec)], horizon=2, origins=3)
    assert ran == []


def test_cli_typo_in_models_is_refused_before_any_backtest(capsys):
    """Before: exit 2 only after drift's origins had run (``backtest of drift from 2019 ...`` on stderr)."""
    assert main(["backtest", "--history", str(NATIONAL), "--models", "drift,thetta", "--no-track"]) == 2
    err = capsys.readouterr().err
    assert "unknown model 'thetta'; did you mean 'theta'?" in err
    assert "backtest of drift" not in err


def test_no_model_at_all_is_refused_naming_the_flag(capsys):
    """Before: ``--models ,`` (and ``model=[]``) said "nothing was scored ... Choose origins followed by observed
    years", pointing at the origins instead of the empty model list."""
    assert main(["backtest", "--history", str(NATIONAL), "--models", " , ", "--no-track"]) == 2
    err = capsys.readouterr().err
    assert "--models ' , ' names no model" in err and "e.g. --models ensemble,theta,drift" in err
    assert "nothing was scored" not in err
    with pytest.raises(mt.ParameterError, match=r"names no model"):
        mt.backtest(NATIONAL, model=[])


# -- flags out of range: named as typed, before any work ----------------------------------------------------------

@pytest.mark.parametrize("horizon", ["0", "60"])
def test_cli_horizon_out_of_range_names_the_flag(horizon, tmp_path, capsys):
    """Before: "The 'horizon' parameter of backtest must be an int in [1, 20]" -- the library's words, after the
    tables were read."""
    out = tmp_path / "bt.csv"
    assert main(["backtest", "--history", str(NATIONAL), "--horizon", horizon, "--out", str(out), "--no-track"]) == 2
    err = capsys.readouterr().err
    assert f"--horizon {horizon}: expected the years ahead scored from each origin, a whole number from 1 to 20" in err
    assert "'horizon' parameter" not in err and "reading" not in err
    assert not out.exists()


@pytest.mark.parametrize("origins", ["0", "60", "-1"])
def test_cli_number_of_origins_out_of_range_names_the_flag(origins, capsys):
    """Before: "The 'origins' parameter of backtest must be an int in [1, 50] or a list of years"."""
    assert main(["backtest", "--history", str(NATIONAL), "--origins", origins, "--no-track"]) == 2
    err = capsys.readouterr().err
    assert f"--origins {origins}: expected a number of origins from 1 to 50" in err and "'origins' parameter" not in err


def test_cli_region_not_used_on_a_table_with_its_own_region_is_said(tmp_path, capsys):
    """Before: ``--region 上海`` on the national table backtested 全国 without a word (``forecast`` and the API say
    it); an analyst took the scores for Shanghai's."""
    out = tmp_path / "bt.csv"
    assert main(["backtest", "--history", str(NATIONAL), "--region", "上海", "--models", "drift", "--paths", "200",
                 "--out", str(out), "--no-track"]) == 0
    err = capsys.readouterr().err
    assert "--region 上海 was not used: the tables carry their own region column (1 region: 全国)" in err
    assert set(pd.read_csv(tmp_path / "bt_details.csv")["region"]) == {"全国"}


# -- the MASE scale of a series with missing years ----------------------------------------------------------------

def test_naive_scale_spreads_a_change_across_missing_years():
    # 产品质量国家监督抽查批次 2015, 2016, 2017, 2021 (national_history.csv): changes -1494, -3659 and +5444 over
    # four years: 6 yearly changes in all, not 3
    values, years = [25345.0, 23851.0, 20192.0, 25636.0], [2015, 2016, 2017, 2021]
    assert M.naive_scale(values, years) == pytest.approx((1494 + 3659 + 5444) / 6)
    assert M.naive_scale(values) == pytest.approx((1494 + 3659 + 5444) / 3)  # without years: as before
    assert M.naive_scale([1, 3, 2, 6], [2010, 2011, 2012, 2013]) == pytest.approx(7 / 3)  # no gap: unchanged
    assert np.isnan(M.naive_scale([5.0, 5.0], [2020, 2022]))  # no change: no scale
    assert np.isnan(M.naive_scale([5.0], [2020]))


def test_backtest_scales_a_gapped_series_by_its_yearly_change():
    """Before: at origin 2021 the national 监督抽查批次 (2015-2017, then 2021) had scale 3532 -- the 2017->2021 change
    counted as one year's -- so its MASE, MSIS and scaled CRPS were half what they are."""
    bt = _quiet_backtest(NATIONAL, model="drift", horizon=1, origins=[2021], seed=0, n_paths=500)
    row = bt.details[bt.details["indicator"] == "product_supervision_batches"].iloc[0]
    assert (row["origin"], row["year"], row["n_train"], row["actual"]) == (2021, 2022, 4, 19440.0)
    assert row["scale"] == pytest.approx(10597 / 6)
    assert row["mase"] == pytest.approx(abs(19440.0 - row["median"]) / (10597 / 6))
    assert row["crps_scaled"] == pytest.approx(row["crps"] / (10597 / 6))
    # a series observed every year keeps the plain mean absolute yearly change: 食品抽检不合格率 2020-2021
    rate = bt.details[bt.details["indicator"] == "food_sampling_unqualified_rate"].iloc[0]
    assert rate["scale"] == pytest.approx(abs(2.69 - 2.31))
