"""Session 48: calibrating on a bureau's own panel (``mstarget calibrate``, ``mt.calibration.learn``).

* a calibration file from another version, hand-edited or damaged is refused naming the file and the
  entry (a blank factor gave NaN bands and ``p_meet`` 0, ``off_track``; a negative one turned the fan inside out;
  a table of 15 classes was applied to the wrong series) -- all without a word before;
* a panel whose windows give no class of series its 30 errors is refused naming the file (it wrote a table
  of 1.0s -- the raw model's bands -- and offered ``to use it``);
* the learned file says what it was learned on (series, years, units; the MLflow run too), and ``assess``
  warns when it calibrates series in units its panel had none of (万元 money flows -> % shares);
* the held-out check no longer repeats the "small panel" warning with its own, fewer, years.

Data: REAL rows of ``data/china/provincial_panels.csv`` -- a city bureau's kind of panel built from them
(a few indicators x a few provinces standing in for districts x 4-6 years). Calibration files edited here by
code (SYNTHETIC edits of a real learned table) and plan targets (1.15x the 2020 value) are SYNTHETIC.
"""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.calibration import Calibration, default_calibration, unit_mismatch
from mstarget.cli.main import main
from mstarget.exceptions import DataValidationError, MstargetWarning

PROVINCES = ["广东", "江苏", "浙江", "山东", "福建", "安徽"]
MONEY = ["tech_market_inflow_value", "machinery_service_income"]  # 万元
SHARE = "education_share_of_budget_expenditure"  # %


@pytest.fixture(scope="module")
def real(data_dir):
    p = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    return p[["region", "indicator", "name", "year", "value", "unit"]]


@pytest.fixture(scope="module")
def money_table(real, tmp_path_factory):
    """A table learned (few paths: fast) on REAL 万元 money flows of 6 provinces, 2016-2023."""
    d = tmp_path_factory.mktemp("s48cal")
    panel = real[real["indicator"].isin(MONEY) & real["region"].isin(PROVINCES) & real["year"].between(2016, 2023)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MstargetWarning)
        cal = mt.calibration.learn(panel, horizon=3, n_paths=200, seed=0)
    path = d / "money.json"
    cal.save(path)
    return path


def _edited(src, dst, edit):
    data = json.loads(src.read_text(encoding="utf-8"))
    edit(data)
    dst.write_text(json.dumps(data), encoding="utf-8")
    return dst


# -- 1. files of another version, hand-edited or damaged: refused, naming file and entry ----------------------

def _blank(d):
    d["models"]["pooled_drift"]["factors"][4][1][0] = None


def _negative(d):
    d["models"]["pooled_drift"]["factors"][4][1][0] = -1.3


def _older(d):  # a plan scheme of fewer classes (another version's)
    d["models"]["pooled_drift"]["factors"] = d["models"]["pooled_drift"]["factors"][:15]
    d["models"]["pooled_drift"]["shift"] = d["models"]["pooled_drift"]["shift"][:15]


def _newer(d):
    d["format"], d["mstarget_version"] = 2, "9.0.0"


def _shift(d):
    d["models"]["pooled_drift"]["shift"][4][1] = 40


@pytest.mark.parametrize("edit, said", [
    (_blank, "pooled_drift's factors: [4][1][0] is blank; they must lie between 0.05 and 50 -- a file edited by hand"),
    (_negative, "pooled_drift's factors: [4][1][0] is -1.3; they must lie between 0.05 and 50"),
    (_older, "pooled_drift's factors have 15 classes of series; the plan scheme of this mstarget"),
    (_newer, "a calibration table of format 2 (written by mstarget 9.0.0); this mstarget"),
    (_shift, "pooled_drift's median shifts: [4][1] is 40; they must lie between -1.5 and 1.5"),
])
def test_a_bad_calibration_file_is_refused_naming_it_and_the_entry(money_table, tmp_path, edit, said):
    bad = _edited(money_table, tmp_path / "edited.json", edit)
    with pytest.raises(DataValidationError) as err:
        Calibration.load(bad)
    assert f"{bad}: {said}" in str(err.value)
    assert "learn it again" in str(err.value) or "learn the table again" in str(err.value)


def test_assess_refuses_a_hand_edited_file_before_any_work(money_table, real, tmp_path, capsys):
    """A blank factor gave NaN bands and p_meet 0 (off_track) for every series of its class, exit 0."""
    h = real[(real["indicator"] == SHARE) & real["region"].isin(PROVINCES) & real["year"].between(2019, 2023)]
    h.to_csv(tmp_path / "h.csv", index=False)
    bad = _edited(money_table, tmp_path / "blank.json",
                  lambda d: d["models"]["pooled_drift"].update(
                      factors=[[[None, None] for _ in row] for row in d["models"]["pooled_drift"]["factors"]]))
    assert main(["forecast", "--history", str(tmp_path / "h.csv"), "--horizon", "2", "--calibration", str(bad),
                 "--no-track"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: pooled_drift's factors: [0][0][0] is blank" in err and "(+" in err


def test_the_shipped_table_and_a_saved_one_still_load(money_table):
    assert default_calibration().has("pooled_drift")
    saved = json.loads(money_table.read_text(encoding="utf-8"))
    assert saved["format"] == 1 and saved["mstarget_version"] == mt.__version__
    assert Calibration.load(money_table).scheme("pooled_drift") == "plan"


# -- 2. a panel too small to learn from: refused with what is needed --------------------------------------------

def test_a_panel_with_too_few_errors_is_refused_naming_the_file(real, tmp_path, capsys):
    """REAL: 机械化合作社 of 2 provinces, 2020-2023 (2 series x 4 years: 40 errors, no class with 30). Before:
    a table of 1.0 factors (the raw model's bands) was written and `to use it` printed."""
    small = real[(real["indicator"] == "mech_coops") & real["region"].isin(["广东", "江苏"])
                 & real["year"].between(2020, 2023)]
    small.to_csv(tmp_path / "small.csv", index=False)
    out = tmp_path / "small.json"
    assert main(["calibrate", "--panel", str(tmp_path / "small.csv"), "--out", str(out), "--no-track"]) == 2
    cap = capsys.readouterr()
    assert (f"{tmp_path / 'small.csv'}: too little to learn from: 2 series (1 indicator x up to 2 regions, "
            "2020-2023) give 40 forecast errors, and no class of series") in cap.err
    assert "Nothing was learned or written" in cap.err and not out.exists()
    assert "learned from a small panel" not in cap.err  # nothing was learned: no such warning
    with pytest.raises(DataValidationError, match="too little to learn from: 2 series"):
        mt.calibration.learn(small, n_paths=200)


# -- 3. what the file was learned on, and a table applied to other units --------------------------------------

def test_the_learned_file_says_what_it_was_learned_on(money_table):
    cal = Calibration.load(money_table)
    assert cal.meta["panel"] == {"series": 12, "indicators": 2, "regions": 6, "years": "2016-2023",
                                 "units": {"万元": 12}}
    prov = cal.meta["model_provenance"]["pooled_drift"]
    assert "errors of 12 series (2 indicators x up to 6 regions, 2016-2023" in prov
    assert "of the 45 classes of series had 30+ errors of their own" in prov


def _share_plan_and_history(real, d):
    """REAL % shares of 6 provinces, 2019-2023, as h.csv, and a plan (plan.csv) of 2025 targets 0.5 point above
    each 2020 figure."""
    h = real[(real["indicator"] == SHARE) & real["region"].isin(PROVINCES) & real["year"].between(2019, 2023)]
    h.to_csv(d / "h.csv", index=False)
    base = h[h["year"] == 2020]
    pd.DataFrame({"region": base["region"], "indicator": SHARE, "baseline_year": 2020, "baseline": base["value"],
                  "target_year": 2025, "target": (base["value"] + 0.5).round(2), "direction": "increase",
                  "unit": "%"}).to_csv(d / "plan.csv", index=False)


def test_a_money_table_applied_to_shares_is_warned(money_table, real, tmp_path, capsys):
    _share_plan_and_history(real, tmp_path)
    argv = ["assess", "--plan", str(tmp_path / "plan.csv"), "--history", str(tmp_path / "h.csv"), "--as-of", "2023",
            "--no-track"]
    assert main([*argv, "--calibration", str(money_table)]) == 0
    err = capsys.readouterr().err
    assert (f"calibration='{money_table}': the calibration was learned on series in 万元; 6 of the 6 series it "
            "calibrates here are in % (6), which its panel had none of") in err
    assert err.count("which its panel had none of") == 1  # said once
    assert main(argv) == 0 and "which its panel had none of" not in capsys.readouterr().err  # shipped: nothing
    # the API says the same (mt.assess with calibration=)
    with pytest.warns(MstargetWarning, match=r"learned on series in 万元; 6 of the 6 series it calibrates here are in"):
        mt.assess(str(tmp_path / "h.csv"), str(tmp_path / "plan.csv"), as_of=2023, calibration=str(money_table))


def test_unit_mismatch_is_silent_for_the_units_learned_and_for_older_files(money_table):
    cal = Calibration.load(money_table)
    assert unit_mismatch(cal, ["万元", "万元"]) is None
    assert "1 of the 2 series" in unit_mismatch(cal, ["万元", "%"])
    assert unit_mismatch(default_calibration(), ["%"]) is None  # no panel recorded


# -- 4. the held-out check's inner learning: no second, contradicting "small panel" warning --------------------

def test_the_check_does_not_repeat_the_small_panel_warning_with_its_own_years(real):
    panel = real[real["indicator"].isin(MONEY) & real["region"].isin(PROVINCES) & real["year"].between(2014, 2023)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check = mt.calibration.check_learned(panel, n_paths=200)
    assert check["learned_on"].tolist() == ["<= 2020"] * 2
    assert not [w for w in caught if "learned from a small panel" in str(w.message)]
    assert np.isfinite(check["brier"]).all()


def test_a_panel_too_short_to_check_says_how_many_years_the_check_needs(real, tmp_path, capsys):
    """REAL: 8 indicators' kind of city panel, 6 years (2018-2023). The check said only "(need 7)": 7 of what?"""
    panel = real[real["indicator"].isin(MONEY) & real["region"].isin(PROVINCES) & real["year"].between(2018, 2023)]
    with pytest.raises(DataValidationError) as err:
        mt.calibration.check_learned(panel, n_paths=100)
    assert ("holding out its last 3 years leaves too few earlier years to learn from (need 7 years before the 3 "
            "held out: a panel of 10+ years; this one has 6)") in str(err.value)


def test_report_says_which_calibration_file_it_used(money_table, real, tmp_path, capsys):
    """``mstarget report --calibration FILE`` said nothing of the file (``assess`` names it and the series it changed):
    the report's reader could not tell which table its probabilities came from."""
    _share_plan_and_history(real, tmp_path)
    assert main(["report", "--plan", str(tmp_path / "plan.csv"), "--history", str(tmp_path / "h.csv"), "--as-of",
                 "2023", "--out", str(tmp_path / "r.html"), "--calibration", str(money_table), "--no-track"]) == 0
    captured = capsys.readouterr()
    assert f"calibration: {money_table} (its own factors for pooled_drift) changed 6 of 6 series" in captured.out
    assert "which its panel had none of" in captured.err
