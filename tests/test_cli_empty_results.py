"""Empty results are said, never printed as "(no rows)" with exit 0 (s34 testers, items 1-3).

Data: the REAL national history (``data/china/national_history.csv``: 全国, 2010-2022) and two REAL
indicators of the provincial panel (``data/china/provincial_panels.csv``: one holds a negative count,
the other a figure 8x off both neighbouring years, so the panel's checks warn). Empty or blank tables
and the one-indicator panels below are SYNTHETIC, written by code.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget import calibration
from mstarget.calibration import Calibration
from mstarget.cli import calibrate as calibrate_cli
from mstarget.cli.main import main
from mstarget.forecast import forecast_paths
from mstarget.pace_check import ALONE
from mstarget.exceptions import (DataValidationError, InconsistentDataWarning, ModelFallbackWarning,
                                 MstargetWarning, ParameterError)

HEADER = "region,indicator,year,value\n"


@pytest.fixture()
def national(data_dir):
    return str(data_dir / "china" / "national_history.csv")


@pytest.fixture()
def empty(tmp_path):
    """SYNTHETIC: a history of a header only."""
    path = tmp_path / "empty.csv"
    path.write_text(HEADER, encoding="utf-8")
    return str(path)


@pytest.fixture()
def blank(tmp_path):
    """SYNTHETIC: rows whose value cells are all blank."""
    path = tmp_path / "blank.csv"
    path.write_text(HEADER + "鼎湖区,x,2020,\n鼎湖区,x,2021,\n", encoding="utf-8")
    return str(path)


# ---------------------------------------------------------------- forecast / assess: an empty history
def test_forecast_of_an_empty_history_is_refused_naming_the_file(empty, blank, tmp_path, capsys):
    out = tmp_path / "fc.csv"
    assert main(["forecast", "--history", empty, "--out", str(out), "--no-track"]) == 2
    err = capsys.readouterr().err
    assert f"{empty}: --history: the table has no rows under its header, so there is nothing to forecast" in err
    assert "(no rows)" not in err and not out.exists()
    assert main(["forecast", "--history", blank, "--no-track"]) == 2
    captured = capsys.readouterr()
    assert f"{blank}: --history: the table has 2 rows but no value in any of them (column 'value' blank)" in captured.err
    assert "(no rows)" not in captured.out


def test_assess_with_an_empty_history_says_to_leave_it_out(empty, data_dir, capsys):
    plan = str(data_dir / "dinghu_14th_fyp_plan.csv")
    assert main(["assess", "--plan", plan, "--history", empty, "--no-track"]) == 2
    captured = capsys.readouterr()
    assert f"{empty}: --history: the table has no rows under its header" in captured.err
    assert "leave out --history to assess from the plan's own figures" in captured.err
    assert captured.out == ""  # no table of 数据不足 rows
    assert main(["assess", "--plan", plan, "--no-track"]) == 0  # without --history: the plan's own figures


def test_report_with_an_empty_history_is_refused_before_a_report_is_written(empty, data_dir, tmp_path, capsys):
    plan = str(data_dir / "dinghu_14th_fyp_plan.csv")
    out = tmp_path / "report.html"
    assert main(["report", "--plan", plan, "--history", empty, "--out", str(out), "--no-track"]) == 2
    err = capsys.readouterr().err
    assert f"{empty}: --history: the table has no rows under its header" in err
    assert "leave out --history to report from the plan's own figures" in err
    assert not out.exists()  # no report of 数据不足 rows


def test_an_empty_reference_panel_is_refused(national, empty, capsys):
    assert main(["forecast", "--history", national, "--reference", empty, "--no-track"]) == 2
    assert f"{empty}: --reference: the table has no rows under its header" in capsys.readouterr().err


def test_forecast_as_of_before_the_first_year_is_refused(national, capsys):
    """It printed "(no rows)", exit 0, the reason only in a warning below the empty table."""
    assert main(["forecast", "--history", national, "--as-of", "2005", "--no-track"]) == 2
    captured = capsys.readouterr()
    assert "--as-of 2005: the history" in captured.err and "starts in 2010" in captured.err
    assert "use --as-of 2010 or later" in captured.err and "(no rows)" not in captured.out


# ---------------------------------------------------------------- backtest: origins outside the history
def test_backtest_from_an_origin_after_the_history_is_refused(national, capsys):
    assert main(["backtest", "--history", national, "--origins", "2030", "--no-track"]) == 2
    captured = capsys.readouterr()
    assert "origins 2030 (--origins on the command line): nothing to backtest" in captured.err
    assert "national_history.csv) has observations in 2010-2022" in captured.err
    assert "use origins from 2010 to 2021" in captured.err
    assert "n_forecasts" not in captured.out  # no summary of 0 forecasts


def test_backtest_leaves_out_an_origin_after_the_history_and_says_so(national, tmp_path, capsys):
    out = tmp_path / "bt.csv"
    assert main(["backtest", "--history", national, "--origins", "2019,2030", "--out", str(out), "--no-track"]) == 0
    captured = capsys.readouterr()
    assert "warning: origin 2030 left out of the backtest" in captured.err
    assert "ends in 2022, so no year after it is observed" in captured.err
    summary = pd.read_csv(out)
    assert summary.loc[0, "n_forecasts"] >= 1  # origin 2019 was scored


def test_backtest_paths_are_checked_naming_the_flag(national, capsys):
    """It said "The 'n_paths' parameter of forecast must be ...": no such flag, no such command."""
    assert main(["backtest", "--history", national, "--paths", "5", "--no-track"]) == 2
    assert "--paths 5: expected a number of sample paths per series from 10 to 1000000" in capsys.readouterr().err


def test_backtest_of_an_empty_history_is_refused_not_a_crash(empty, capsys):
    """It crashed: internal error "cannot convert float NaN to integer", exit 1."""
    assert main(["backtest", "--history", empty, "--no-track"]) == 2
    err = capsys.readouterr().err
    assert f"{empty}: --history: the table has no rows under its header" in err and "internal error" not in err


def test_the_library_backtest_says_why_nothing_was_scored(national):
    hist = mt.read_history(national)
    with pytest.raises(ParameterError, match=r"origins 2030 .*observations in 2010-2022.*from 2010 to 2021"):
        mt.backtest(hist, origins=[2030], track=False)
    with pytest.raises(DataValidationError, match="the history has no observations"):
        mt.backtest(hist.iloc[:0], track=False)
    with pytest.warns(MstargetWarning, match=r"origin 2005 left out of the backtest: .*starts in 2010"):
        res = mt.backtest(hist, origins=[2005, 2019], track=False)
    assert res.origins == (2019,) and int(res.summary.loc[0, "n_forecasts"]) >= 1
    # SYNTHETIC: two series with a gap, 2010-2012 and 2018-2020: nothing to score from 2014, 2 years ahead
    gap = pd.DataFrame({"region": "甲区", "indicator": ["a"] * 3 + ["b"] * 3,
                        "year": [2010, 2011, 2012, 2018, 2019, 2020], "value": [1.0, 2, 3, 4, 5, 6]})
    with pytest.raises(ParameterError, match=r"origins 2014 .*nothing was scored -- no series .*2 years after it"):
        mt.backtest(gap, origins=[2014], track=False)
    with pytest.warns(MstargetWarning, match=r"origin 2014 scored nothing"):
        res = mt.backtest(gap, origins=[2011, 2014], track=False)
    assert res.summary.loc[0, "n_forecasts"] > 0
    # an origin whose only score is an attainment call scored something: no warning for it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mt.backtest(hist, model="drift", horizon=1, origins=[2016, 2017], n_paths=200, track=False,
                          plan=national.replace("national_history", "national_targets"))
    assert 2017 not in set(res.details["origin"]) and 2017 in set(res.calls["origin"])
    assert not [w for w in caught if "scored nothing" in str(w.message)]


# ---------------------------------------------------------------- calibrate: warnings said once, panels checked
@pytest.fixture(scope="module")
def two_indicators(tmp_path_factory, data_dir):
    p = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    p = p[p["indicator"].isin(["livestock_farms_bull_station", "livestock_breeding_females_sheep_goat"])]
    path = tmp_path_factory.mktemp("cal") / "panel.csv"
    p.to_csv(path, index=False)
    return path


def test_calibrate_says_each_warning_of_the_panel_once_naming_its_rows(two_indicators, tmp_path, capsys):
    """Each finding came back once per window learned from (~30 lines), naming rows of internal tables
    (``<DataFrame>: row 120``) and internal series names (``livestock_farms_bull_station`` + ALONE + ``湖北``)."""
    out = tmp_path / "cal.json"
    assert main(["calibrate", "--panel", str(two_indicators), "--horizon", "2", "--no-check", "--out", str(out),
                 "--no-track"]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(lines) == 3, lines  # since session 37 a one-year step to another level is said too (real: 77320 -> 22183)
    assert "negative count" in lines[0] and f"{two_indicators}: 1 个计数值为负数" in lines[0]
    assert "湖北/livestock_farms_bull_station 2015: 20 between 1 and 1" in lines[1]
    assert "2016年为2015年的1/3.5（77320 → 22183），是否口径变化" in lines[2]
    assert "<DataFrame>" not in err and ALONE not in err
    assert Calibration.load(out).has("pooled_drift")


def test_window_warnings_name_the_indicator_regions_and_count():
    """A per-series warning of the learning windows (alone: ``indicator + ALONE + region``) is said once per
    indicator and message; the panel's own checks (said when it was read) are left out."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with calibrate_cli.window_warnings():
            for region in ("湖北", "宁夏", "湖北"):
                warnings.warn(f"{region}/bulls{ALONE}{region}: model 'pooled_drift' failed to fit (singular); "
                              "used 'naive' instead", ModelFallbackWarning)
            warnings.warn(InconsistentDataWarning("<DataFrame>: 1 个计数值为负数 (row 23)"))
            warnings.warn(MstargetWarning("the reference panel holds none of the indicators forecast"))
            warnings.warn(MstargetWarning("the reference panel holds none of the indicators forecast"))
    said = [str(w.message) for w in caught]
    assert said == ["the reference panel holds none of the indicators forecast",
                    "learning from the panel's windows, indicator bulls (3 window forecasts, regions 湖北, 宁夏): "
                    "model 'pooled_drift' failed to fit (singular); used 'naive' instead"]
    assert caught[1].category is ModelFallbackWarning


def test_calibrate_refuses_an_empty_panel_not_a_crash(empty, tmp_path, capsys):
    """It crashed: internal error "cannot convert float NaN to integer", exit 1."""
    assert main(["calibrate", "--panel", empty, "--out", str(tmp_path / "c.json"), "--no-track"]) == 2
    err = capsys.readouterr().err
    assert f"{empty}: the panel has no observations" in err and "internal error" not in err


def test_calibrate_refuses_a_panel_of_one_year_not_a_crash(tmp_path, capsys):
    """SYNTHETIC: two districts, one year. It crashed: internal error "ufunc 'isfinite' not supported", exit 1."""
    panel = tmp_path / "one_year.csv"
    panel.write_text(HEADER + "甲区,a,2020,1\n乙区,a,2020,2\n", encoding="utf-8")
    assert main(["calibrate", "--panel", str(panel), "--out", str(tmp_path / "c.json"), "--no-track"]) == 2
    err = capsys.readouterr().err
    assert f"{panel}: no series of this panel (a region's indicator) is observed in two years at most 6 years " \
           "apart (1 year in all: 2020)" in err
    assert "internal error" not in err and not (tmp_path / "c.json").exists()


def test_the_panel_check_is_the_librarys(data_dir):
    """One check for ``mt.calibration`` and ``mstarget calibrate``: a panel of one region is refused,
    a small one gets a warning kept in the learned table."""
    one = mt.read_history(data_dir / "china" / "national_history.csv")
    with pytest.raises(DataValidationError, match=r"national_history.csv: no indicator of this panel is given "
                                                  r"for 2 regions or more \(at most 1: 全国\)"):
        mt.calibration.check_panel(one, data_dir / "china" / "national_history.csv")
    # SYNTHETIC: two regions, one of them with blank values only -> still one region observed
    half = pd.DataFrame({"region": ["甲区"] * 3 + ["乙区"] * 3, "indicator": "a", "year": [2019, 2020, 2021] * 2,
                         "value": [1.0, 2.0, 3.0, None, None, None]})
    with pytest.raises(DataValidationError, match=r"at most 1: 甲区"):
        calibration.check_panel(half)
    two = half.fillna({"value": 2.5})
    with pytest.raises(DataValidationError, match=r"no series .* at most 1 years apart"):
        calibration.check_panel(two[two["year"] != 2020], horizon=1)  # 2019 and 2021: 2 years apart
    note = calibration.check_panel(two)
    assert note.startswith("learned from a small panel: at most 2 regions per indicator and 3 years")
    cal = mt.calibration.default_calibration().with_note(note)
    text = cal.meta["model_provenance"]["pooled_drift"]
    assert text.endswith(f"; WARNING: {note}") and cal.with_note(note) is cal  # kept once


def test_the_library_forecast_of_an_empty_history_is_an_error_not_an_empty_table():
    empty = pd.DataFrame(columns=["region", "indicator", "year", "value"])
    with pytest.raises(DataValidationError, match="the history has no rows, so there is nothing to forecast"):
        mt.forecast(empty, horizon=2)
    blank = pd.DataFrame({"region": "鼎湖区", "indicator": "x", "year": [2020, 2021], "value": [float("nan")] * 2})
    with pytest.raises(DataValidationError, match="no value in any row"):
        forecast_paths(blank, horizon=2)
