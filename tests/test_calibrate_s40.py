"""Session 40: a calibrate / backtest a statistician can trust.

* ``calibrate``'s verdict weighs the bands' width (the interval score) as well as coverage, ECE and Brier,
  shows the 95 % factors, and prints ``use it`` only when it advises the learned table;
* ``assess`` / ``forecast`` / ``backtest`` on the command line say what ``--calibration`` / ``--reference``
  changed (and when nothing);
* a backtest's attainment calls use the calibration its intervals use; the CLI backtest takes
  ``--calibration`` / ``--reference``.

Data: REAL provincial budget expenditure (``data/china/provincial_panels.csv``); plans and the check tables
handed to the verdict are SYNTHETIC (set here by code; the check's numbers are those of the real
AgriMachine panel's check, 2021-2023 held out, 725 windows).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.calibration import Calibration, default_calibration
from mstarget.cli.main import main

INDICATOR = "local_budget_expenditure_total"


def _check(**learned) -> pd.DataFrame:
    """A held-out check as ``check_learned`` returns it: the AgriMachine panel's figures, the learned row
    changed by ``learned``."""
    base = {"windows": 725, "learned_on": "<= 2020", "test_years": "2021-2023", "brier_base": 0.211}
    ship = {"calibration": "shipped", **base, "coverage_80": 0.855, "coverage_95": 0.934,
            "interval_score_80": 0.393, "interval_score_95": 0.748, "ece": 0.119, "brier": 0.194}
    mine = {"calibration": "learned", **base, "coverage_80": 0.852, "coverage_95": 0.957,
            "interval_score_80": 0.362, "interval_score_95": 1.449, "ece": 0.053, "brier": 0.182}
    return pd.DataFrame([ship, {**mine, **learned}])


# -- 1. the verdict weighs the bands' width ---------------------------------------------------------------

def test_a_learned_table_with_too_wide_bands_is_not_advised():
    """Better coverage / ECE / Brier, but 95 % bands twice as costly on the interval score: the verdict
    said "use it" (AgriMachine: Henan's 大中型拖拉机 got a 2025 95 % band of 0.8-2,526). Since the proper
    scores decide (G12), Brier and the 80 % interval score for yours, the 95 % one for the shipped table:
    "mixed", not advised, each table's wins named."""
    from mstarget.cli.calibrate import judge, verdict
    text = verdict(_check())
    assert judge(_check())[0] == "mixed"
    assert "use it with --calibration" not in text and "本地校准更准确" not in text
    assert "the proper scores disagree, so neither table is advised as it stands" in text
    assert "yours won Brier and the 80 % interval score" in text
    assert "the shipped table won the 95 % interval score (your 95 % bands were wider than the misses they " \
           "avoid justify)" in text and "内置胜95%区间评分（本地95%区间过宽）" in text
    assert "95 % band 0.96 / 0.93" in text and "95% 1.45 / 0.75" in text


def test_a_learned_table_better_on_every_measure_is_advised():
    from mstarget.cli.calibrate import judge, verdict
    check = _check(interval_score_95=0.70)
    assert judge(check)[0] == "learned"
    assert "your table was the more honest on those years: use it with --calibration; the proper scores agreed: " \
           "yours won Brier, the 80 % interval score and the 95 % interval score; 80 % coverage and ECE agreed " \
           "too" in verdict(check)


def test_p_meet_no_better_than_a_constant_is_said():
    from mstarget.cli.calibrate import verdict
    check = _check(interval_score_95=0.70).assign(brier=[0.23, 0.22])  # both above the constant's 0.211
    text = verdict(check)
    assert "Both tables' p_meet scored worse on Brier than a constant (the share met, Brier 0.211)" in text
    assert "均不优于常数基准（0.211" in text


def test_the_interval_score_is_scaled_per_window_and_punishes_misses():
    from mstarget.learning import scaled_interval_score
    w = pd.DataFrame({"lo_95": [90.0, 9.0], "hi_95": [110.0, 11.0], "outcome": [100.0, 12.0], "last": [100.0, 10.0]})
    # window 1: width 20 / 100 = 0.2; window 2: (2 + 2 / 0.05 * 1) / 10 = 4.2; median 2.2
    assert scaled_interval_score(w, 95) == pytest.approx(2.2)


# -- 4. "use it" only when the verdict advises it; c_95 shown ----------------------------------------------

@pytest.fixture(scope="module")
def short_panel(tmp_path_factory, data_dir):
    """REAL: 31 provinces' budget expenditure 2014-2019 (6 points: auto's pooled_drift)."""
    d = tmp_path_factory.mktemp("cal40")
    p = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    p = p[(p["indicator"] == INDICATOR) & p["year"].between(2014, 2019)][["region", "indicator", "name", "year",
                                                                           "value", "unit"]]
    p.to_csv(d / "panel.csv", index=False)
    return d, p


@pytest.fixture(scope="module")
def my_table(short_panel):
    """SYNTHETIC calibration: the shipped table with pooled_drift's factors doubled."""
    d, _ = short_panel
    ship = default_calibration()
    mine = Calibration({"pooled_drift": np.asarray(ship.factors["pooled_drift"]) * 2.0}, "SYNTHETIC: doubled",
                       schemes={"pooled_drift": ship.scheme("pooled_drift")})
    path = d / "mine.json"
    ship.merged(mine).save(path)
    return path


def test_calibrate_prints_use_it_only_when_the_check_advises_it(short_panel, my_table, tmp_path, monkeypatch,
                                                                capsys):
    import mstarget.cli.calibrate as cli
    d, _ = short_panel
    monkeypatch.setattr(cli, "learn", lambda *a, **k: Calibration.load(my_table))  # the learning itself: tested elsewhere
    monkeypatch.setattr(cli, "check_learned", lambda *a, **k: _check())
    out = tmp_path / "c.json"
    assert main(["calibrate", "--panel", str(d / "panel.csv"), "--out", str(out), "--no-track"]) == 0
    text = capsys.readouterr().out
    assert "neither table is advised as it stands" in text and "use it:" not in text
    assert "advises against using this table as it stands (compare the measures first)" in text and out.exists()
    assert "c_95 / shipped" in text
    monkeypatch.setattr(cli, "check_learned", lambda *a, **k: _check(interval_score_95=0.70))
    assert main(["calibrate", "--panel", str(d / "panel.csv"), "--out", str(out), "--no-track"]) == 0
    assert f"use it:  mstarget assess --plan PLAN --history HISTORY --calibration {out}" in capsys.readouterr().out


# -- 2. the CLI says what --calibration / --reference changed ---------------------------------------------

def test_forecast_cli_names_the_calibration_used_and_what_it_changed(short_panel, my_table, capsys):
    d, _ = short_panel
    base = ["forecast", "--history", str(d / "panel.csv"), "--horizon", "2", "--no-track"]
    assert main([*base, "--calibration", str(my_table)]) == 0
    out = capsys.readouterr().out
    assert f"calibration: {my_table} (its own factors for pooled_drift) changed 31 of 31 series: pooled_drift 31" in out
    assert main([*base, "--calibration", str(my_table), "--model", "drift", "--reference", str(d / "panel.csv")]) == 0
    captured = capsys.readouterr()
    assert "changed 0 of 31 series" in captured.out
    assert "changed 0 of 31 series: 31 used the shipped factors (drift 31" in captured.err
    assert "reference= lent no peers to 31 of 31 series (drift 31)" in captured.err


def test_assess_cli_names_the_calibration_used(short_panel, my_table, tmp_path, capsys):
    d, p = short_panel
    base = p[p["year"] == 2016].set_index("region")["value"].head(4)
    plan = tmp_path / "plan.csv"  # SYNTHETIC targets
    pd.DataFrame({"region": base.index, "indicator": INDICATOR, "baseline_year": 2016, "baseline": base.to_numpy(),
                  "target_year": 2021, "target": (1.3 * base).round(0).to_numpy(), "direction": "increase"}
                 ).to_csv(plan, index=False)
    assert main(["assess", "--plan", str(plan), "--history", str(d / "panel.csv"), "--as-of", "2019",
                 "--calibration", str(my_table), "--no-track"]) == 0
    assert f"calibration: {my_table} (its own factors for pooled_drift) changed 4 of 4 series" in capsys.readouterr().out


# -- 3. the backtest's attainment calls use its calibration; the CLI takes the flags ------------------------

@pytest.fixture(scope="module")
def bt_plan(short_panel):
    """SYNTHETIC plan: 2019 targets at 1.25x the 2015 values, 8 provinces."""
    d, p = short_panel
    base = p[p["year"] == 2015].set_index("region")["value"].head(8)
    path = d / "bt_plan.csv"
    pd.DataFrame({"region": base.index, "indicator": INDICATOR, "baseline_year": 2015, "baseline": base.to_numpy(),
                  "target_year": 2019, "target": (1.25 * base).round(0).to_numpy(), "direction": "increase"}
                 ).to_csv(path, index=False)
    return path


def test_backtest_attainment_calls_use_the_calibration(short_panel, my_table, bt_plan):
    d, _ = short_panel
    kw = dict(model="auto", horizon=2, origins=[2017], plan=bt_plan, seed=0, n_paths=400)
    mine = mt.backtest(d / "panel.csv", calibration=str(my_table), **kw)
    ship = mt.backtest(d / "panel.csv", **kw)
    assert len(mine.calls) == len(ship.calls) == 8
    assert (mine.details["hi_80"] - mine.details["lo_80"]).sum() > (ship.details["hi_80"] - ship.details["lo_80"]).sum()
    assert np.abs(mine.calls["p_meet"].to_numpy() - ship.calls["p_meet"].to_numpy()).max() > 0.01


def test_backtest_cli_takes_calibration_and_reference(short_panel, my_table, bt_plan, tmp_path, capsys):
    d, _ = short_panel
    out = tmp_path / "bt.csv"
    assert main(["backtest", "--history", str(d / "panel.csv"), "--plan", str(bt_plan), "--origins", "2017",
                 "--paths", "400", "--calibration", str(my_table), "--reference", str(d / "panel.csv"),
                 "--out", str(out), "--no-track"]) == 0
    text = capsys.readouterr().out
    assert f"calibration: {my_table} (its own factors for pooled_drift) changed" in text
    assert pd.read_csv(out)["n_calls"].iloc[0] == 8


# -- 5. the backtest printout says what its figures are; the tables behind it are written ----------------

def test_backtest_cli_explains_its_summary_and_writes_its_tables(short_panel, bt_plan, tmp_path, capsys):
    d, _ = short_panel
    out = tmp_path / "bt.csv"
    assert main(["backtest", "--history", str(d / "panel.csv"), "--plan", str(bt_plan), "--origins", "2016,2017",
                 "--paths", "400", "--out", str(out), "--no-track"]) == 0
    text = capsys.readouterr().out
    assert "pooled over horizons 1-2 and origins 2016, 2017" in text and "smape in %" in text
    assert "divided by each series' in-sample mean absolute yearly change" in text
    assert "coverage by horizon" in text
    summary = pd.read_csv(out)
    calls = pd.read_csv(tmp_path / "bt_calls.csv")
    met = calls["met"].astype(float)
    assert summary["brier_base"].iloc[0] == pytest.approx(((met.mean() - met) ** 2).mean())
    from mstarget.pace_check import expected_calibration_error
    assert summary["ece"].iloc[0] == pytest.approx(expected_calibration_error(calls["p_meet"], met))
    by_h = pd.read_csv(tmp_path / "bt_coverage_by_horizon.csv")
    assert by_h["h"].tolist() == [1, 2] and (tmp_path / "bt_reliability.csv").exists()


# -- 6. the calibrate run in MLflow says what it is ---------------------------------------------------------

def test_calibrate_run_is_named_and_records_the_verdict(short_panel, my_table, tmp_path, monkeypatch):
    import mstarget.cli.calibrate as cli
    from mlflow_helpers import runs_of
    d, _ = short_panel
    monkeypatch.setattr(cli, "learn", lambda *a, **k: Calibration.load(my_table))
    monkeypatch.setattr(cli, "check_learned", lambda *a, **k: _check())
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    assert main(["calibrate", "--panel", str(d / "panel.csv"), "--out", str(tmp_path / "c.json"),
                 "--tracking-uri", uri, "--experiment", "cal40"]) == 0
    _, (run,) = runs_of(uri, "cal40")
    assert run.info.run_name == "calibrate panel.csv · held out 2021-2023 · verdict mixed"
    assert run.data.params["panel"] == str((d / "panel.csv").resolve())
    assert run.data.params["verdict"] == "mixed" and run.data.params["learned_on"] == "<= 2020"
    assert run.data.metrics["check.learned.interval_score_95"] == pytest.approx(1.449)


def test_backtest_reference_lends_only_the_years_up_to_each_origin(short_panel):
    """The peers' later years (here SYNTHETIC: multiplied by 10 after 2017) cannot reach a forecast from 2017."""
    _, p = short_panel
    own, peers = p[p["region"].isin(["北京", "上海"])], p[~p["region"].isin(["北京", "上海"])]
    later = peers.assign(value=peers["value"].where(peers["year"] <= 2017, peers["value"] * 10))
    kw = dict(horizon=2, origins=[2017], n_paths=400, seed=0)
    a, b = mt.backtest(own, reference=peers, **kw), mt.backtest(own, reference=later, **kw)
    c = mt.backtest(own, **kw)
    assert np.allclose(a.details["hi_80"], b.details["hi_80"])
    assert not np.allclose(a.details["hi_80"], c.details["hi_80"])  # the peers were lent


# -- G12: the proper scores decide; NaN scores are said; small checks and one-horizon legends said right -------

def _real(n, ship, mine, base):
    """A check table with the figures of a real panel's held-out check (2021-2023 held out)."""
    b = {"windows": n, "learned_on": "<= 2020", "test_years": "2021-2023", "brier_base": base}
    k = ("coverage_80", "coverage_95", "interval_score_80", "interval_score_95", "ece", "brier")
    return pd.DataFrame([{**b, "calibration": "shipped", **dict(zip(k, ship))},
                         {**b, "calibration": "learned", **dict(zip(k, mine))}])


#: real panels' checks: provincial series (prober R3, 189 windows), AgriMachine (1,037 windows), the
#: technology market (370 windows)
PROVINCIAL = _real(189, (0.873, 0.995, 0.281, 0.603, 0.089, 0.169), (0.81, 0.974, 0.328, 0.639, 0.136, 0.195), 0.235)
AGRI = _real(1037, (0.852, 0.941, 0.329, 0.612, 0.088, 0.196), (0.838, 0.958, 0.319, 1.06, 0.023, 0.197), 0.228)
MARKET = _real(370, (0.846, 0.973, 1.78, 3.88, 0.116, 0.173), (0.803, 0.959, 1.73, 3.49, 0.035, 0.161), 0.197)


def test_a_learned_table_losing_every_proper_score_is_not_called_mixed():
    """R3: closer 80 % coverage (0.81 vs 0.87) was the learned table's only win, yet the verdict said
    "mixed -- compare before you choose"; Brier and both interval scores favour the shipped table."""
    from mstarget.cli.calibrate import judge, verdict
    assert judge(PROVINCIAL)[0] == "shipped"
    text = verdict(PROVINCIAL)
    assert "keep it (no --calibration); the proper scores agreed: the shipped table won Brier, the 80 % interval " \
           "score and the 95 % interval score" in text
    assert "80 % coverage / ECE favoured yours in part, but they are diagnostics, not proper scores" in text
    assert "两者各有优劣" not in text and "内置校准更好" in text


@pytest.mark.parametrize("check, choice", [(AGRI, "shipped"), (MARKET, "learned")])
def test_the_agrimachine_table_is_not_advised_and_the_market_table_is(check, choice):
    """AgriMachine (1,037 windows): better ECE but worse Brier and a 95 % interval score 1.06 vs 0.61 --
    "mixed" before, now the shipped table; the market's learned table is better on every measure."""
    from mstarget.cli.calibrate import judge
    assert judge(check)[0] == choice


def test_interval_scores_that_cannot_be_computed_are_said_and_claim_nothing():
    """SYNTHETIC: an incident-count panel whose windows are all 0 -- no scale for the interval score."""
    from mstarget.cli.calibrate import verdict
    nan = float("nan")
    check = _real(60, (0.6, 0.8, nan, nan, 0.10, 0.18), (0.78, 0.93, nan, nan, 0.05, 0.15), 0.2)
    text = verdict(check)
    assert "nan" not in text and "interval score included" not in text
    assert "interval score could not be computed (every window's level was 0)" in text and "区间评分无法计算" in text
    assert "the 80 % interval score and the 95 % interval score could not be computed" in text


def test_windows_ending_at_zero_are_scaled_by_their_level(tmp_path):
    """SYNTHETIC incident counts (3 districts, 2010-2022) that are 0 in the years the held-out windows end:
    the interval scores were NaN (scaled by a last value of 0); now by the window's mean absolute count."""
    from mstarget.learning import check_learned, scaled_interval_score
    w = pd.DataFrame({"lo_80": [0.0, 1.0], "hi_80": [2.0, 3.0], "outcome": [1.0, 5.0], "last": [0.0, 0.0],
                      "level": [2.0, 4.0]})
    # window 1: width 2 / level 2 = 1; window 2: (2 + 2 / 0.2 * 2) / 4 = 5.5; median 3.25
    assert scaled_interval_score(w, 80) == pytest.approx(3.25)
    rng = np.random.default_rng(1)
    rows = [(r, "incidents", y, 0.0 if 2018 <= y <= 2020 else float(rng.integers(1, 9)))
            for r in ("甲区", "乙区", "丙区") for y in range(2010, 2023)]
    panel = pd.DataFrame(rows, columns=["region", "indicator", "year", "value"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check = check_learned(panel, n_paths=200)
    assert (check["windows"] > 0).all()
    assert np.isfinite(check[["interval_score_80", "interval_score_95"]].to_numpy()).all()


def test_a_check_too_small_to_decide_is_not_called_unchecked(short_panel, my_table, tmp_path, monkeypatch, capsys):
    """R3: 18 windows -- "to use it (not checked against the shipped table on held-out years)" though the
    check ran and was printed."""
    import mstarget.cli.calibrate as cli
    d, _ = short_panel
    monkeypatch.setattr(cli, "learn", lambda *a, **k: Calibration.load(my_table))
    monkeypatch.setattr(cli, "check_learned", lambda *a, **k: _check().assign(windows=18))
    assert main(["calibrate", "--panel", str(d / "panel.csv"), "--out", str(tmp_path / "c.json"), "--no-track"]) == 0
    text = capsys.readouterr().out
    assert "not checked against the shipped table" not in text
    assert "to use it (the held-out check ran, but its 18 windows were too few to decide between the tables" in text


def test_the_backtest_legend_of_one_horizon_says_horizon_1():
    from types import SimpleNamespace
    from mstarget.cli.backtest import legend
    text = legend(SimpleNamespace(origins=[2017], calls=None), 1)
    assert "pooled over horizon 1 and origins 2017" in text and "1-1" not in text


def test_a_brier_difference_below_the_windows_noise_is_a_tie():
    """R4: Brier 0.120000 against 0.120001, every other score equal, was "use it with --calibration", and equal
    coverage / ECE were said to favour the shipped table. Within 2 % Brier is a tie; equal diagnostics favour
    neither. SYNTHETIC check tables."""
    from mstarget.cli.calibrate import judge
    same = (0.80, 0.95, 10.0, 20.0, 0.05)
    choice, why, _ = judge(_real(300, (*same, 0.120001), (*same, 0.120000), 0.2))
    assert choice == "shipped" and "within 2% / 5%" in why and "favoured" not in why
    # a learned table 30 % better on the bands, its Brier worse by 3e-5: the bands decide, not "mixed"
    choice, why, _ = judge(_real(300, (0.8, 0.95, 10.0, 20.0, 0.05, 0.12000), (0.8, 0.95, 7.0, 14.0, 0.05, 0.12003), 0.2))
    assert choice == "learned" and "not worse on Brier (within 2%)" in why
