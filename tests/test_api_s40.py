"""Session 40, the Python API's rough edges: ``region=`` on ``mt.forecast`` / ``mt.backtest`` (a district's table
without a region column, as the error message advises); a count model forced on a series that is no count falls
back with a warning; a calibration table / reference panel that changes nothing is said; an ``as_of`` before
everything or after this year is said. Synthetic tables (labelled), the shipped national tables."""
from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.calibration import default_calibration
from mstarget.cli.main import main
from mstarget.exceptions import ModelFallbackWarning

DATA = Path(__file__).parents[1] / "data" / "china"


def _caught(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [str(w.message) for w in caught], caught


# SYNTHETIC: a district's own history, no region column
DISTRICT = pd.DataFrame({"indicator": ["a"] * 6, "name": ["市场主体总量"] * 6, "unit": ["万户"] * 6,
                         "year": range(2018, 2024), "value": [1.7, 1.8, 1.9, 2.1, 2.3, 2.5]})


def test_forecast_and_backtest_take_the_region_of_a_district_table(tmp_path):
    path = tmp_path / "noregion_hist.csv"
    DISTRICT.to_csv(path, index=False)
    fc = mt.forecast(str(path), region="鼎湖区", horizon=2, model="drift")
    assert fc["region"].tolist() == ["鼎湖区", "鼎湖区"] and fc["year"].tolist() == [2024, 2025]
    bt = mt.backtest(str(path), model="drift", region="鼎湖区", origins=2)
    assert set(bt.details["region"]) == {"鼎湖区"} and int(bt.summary["n_forecasts"].iloc[0]) == 3
    # a district plan without a region column takes it too: attainment calls scored
    plan = pd.DataFrame({"indicator": ["a"], "name": ["市场主体总量"], "unit": ["万户"], "baseline_year": [2020],
                         "baseline": [1.9], "target_year": [2022], "target": [2.0]})
    bt = mt.backtest(str(path), model="drift", region="鼎湖区", origins=[2019, 2020], plan=plan)
    assert len(bt.calls) == 2 and set(bt.calls["region"]) == {"鼎湖区"}


def test_region_on_a_table_with_its_own_region_is_said_unused():
    own = DISTRICT.assign(region="端州区")
    fc, said, caught = _caught(lambda: mt.forecast(own, region="鼎湖区", horizon=1, model="drift"))
    assert set(fc["region"]) == {"端州区"}
    assert any("region='鼎湖区' was not used" in m and "端州区" in m for m in said)
    assert all(w.filename == __file__ for w in caught if "was not used" in str(w.message))
    _, said, _ = _caught(lambda: mt.backtest(own, region="鼎湖区", model="drift", origins=1))
    assert any("region='鼎湖区' was not used" in m for m in said)


# SYNTHETIC: a % share and a 万台 figure, neither a count
NOT_COUNTS = pd.DataFrame({"region": ["甲省"] * 10, "indicator": ["share"] * 5 + ["tractors"] * 5,
                           "unit": ["%"] * 5 + ["万台"] * 5, "year": list(range(2019, 2024)) * 2,
                           "value": [5.99, 6.1, 5.7, 5.9, 5.81, 37.1, 34.0, 31.2, 29.9, 28.3]})


@pytest.mark.parametrize("model", ["event_rate", "small_count"])
def test_a_count_model_forced_on_no_count_falls_back_saying_so(model):
    fc, said, caught = _caught(lambda: mt.forecast(NOT_COUNTS, horizon=1, model=model, seed=0))
    fell = [w for w in caught if issubclass(w.category, ModelFallbackWarning)]
    assert len(fell) == 2 and all(w.filename == __file__ for w in fell)
    assert any("甲省/share" in str(w.message) and "not a count" in str(w.message) and "5.99" in str(w.message)
               for w in fell)
    assert fc["model"].tolist() == ["fallback:drift", "fallback:drift"]
    med = fc.set_index("indicator")["median"]
    assert med["share"] != round(med["share"]) and 5 < med["share"] < 7  # not a Poisson 6.0
    assert 24 < med["tractors"] < 30


def test_a_count_model_on_whole_counts_is_kept():
    counts = pd.DataFrame({"region": ["甲县"] * 5, "indicator": ["accidents"] * 5, "unit": ["起"] * 5,
                           "year": range(2019, 2024), "value": [0, 1, 0, 2, 1]})
    fc, _, caught = _caught(lambda: mt.forecast(counts, horizon=1, model="event_rate", seed=0))
    assert not [w for w in caught if issubclass(w.category, ModelFallbackWarning)]
    assert fc["model"].tolist() == ["event_rate"]


def _own_table():
    """A table whose pooled_drift factors are its own (as mt.calibration.learn gives), the rest shipped."""
    shipped = default_calibration()
    factors = {**shipped.factors, "pooled_drift": np.asarray(shipped.factors["pooled_drift"]) * 1.2}
    return dataclasses.replace(shipped, factors=factors)


def _panel(n_years: int):  # SYNTHETIC: two regions of one indicator
    rng = np.random.default_rng(1)
    return pd.DataFrame([{"region": r, "indicator": "x", "unit": "万户", "year": 2024 - n_years + k,
                          "value": 10 + k * (1 + j) + rng.normal(0, 0.3)}
                         for j, r in enumerate(["甲", "乙"]) for k in range(n_years)])


def test_own_models_names_what_a_table_changes():
    from mstarget.calibration import own_models
    assert own_models(default_calibration()) == ()
    assert own_models(_own_table()) == ("pooled_drift",)


def test_a_calibration_that_changes_nothing_on_long_series_is_said():
    long = _panel(10)
    _, said, caught = _caught(lambda: mt.forecast(long, horizon=2, model="drift", calibration=_own_table()))
    told = [w for w in caught if "calibration=" in str(w.message)]
    assert len(told) == 1 and told[0].filename == __file__
    assert "changed 0 of 2 series" in str(told[0].message) and "drift 2" in str(told[0].message)
    assert "pooled_drift" in str(told[0].message)
    # the default, and a table that does act (5 points: pooled_drift), say nothing
    _, said, _ = _caught(lambda: mt.forecast(long, horizon=2, model="drift"))
    assert not [m for m in said if "calibration=" in m]
    _, said, _ = _caught(lambda: mt.forecast(_panel(5), horizon=2, calibration=_own_table()))
    assert not [m for m in said if "calibration=" in m]


def test_a_reference_that_lends_no_peers_is_said():
    _, said, _ = _caught(lambda: mt.forecast(_panel(10), horizon=1, model="drift", reference=_panel(10)))
    assert any("reference= lent no peers to 2 of 2 series (drift 2)" in m for m in said)
    _, said, _ = _caught(lambda: mt.forecast(_panel(5), horizon=1, reference=_panel(5)))
    assert not [m for m in said if "lent no peers" in m]


H, P = str(DATA / "national_history.csv"), str(DATA / "national_targets.csv")


def test_an_as_of_before_everything_is_said():
    table, said, caught = _caught(lambda: mt.assess(H, P, as_of=1990))
    assert set(table["status"]) == {"no_data"}
    told = [w for w in caught if "as_of=1990" in str(w.message)]
    assert len(told) == 1 and told[0].filename == __file__
    assert "base years are 2015-2020" in str(told[0].message) and "2010-2022" in str(told[0].message)


def test_an_as_of_after_this_year_is_said():
    later = dt.date.today().year + 14
    _, said, _ = _caught(lambda: mt.assess(H, P, as_of=later))
    assert any(f"as_of={later} (--as-of) is after this year" in m and "ends in 2022" in m for m in said)


@pytest.mark.parametrize("year", [2015, 2020, dt.date.today().year])
def test_the_base_year_and_this_year_are_not_warned(year):
    _, said, _ = _caught(lambda: mt.assess(H, P, as_of=year))
    assert not [m for m in said if f"as_of={year}" in m]


def test_the_command_line_says_an_as_of_before_everything(capsys):
    code = main(["assess", "--history", H, "--plan", P, "--as-of", "1990", "--no-track"])
    assert code == 0
    assert "as_of=1990 (--as-of) is before the plan's base year" in capsys.readouterr().err
