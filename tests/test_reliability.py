"""Are intervals and p_meet honest? Reliability tables and calibration charts (issue 5, item 3-4)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.reliability import coverage_by_horizon, reliability_table, wilson_interval


def test_reliability_table_hand_computed():
    p = [0.05, 0.08, 0.2, 0.95, 1.0, np.nan]
    met = [0, 1, 0, 1, 1, 1]  # the nan call (no forecast) is dropped with its outcome
    t = reliability_table(p, met).set_index("bin")
    assert list(t.index) == ["[0, 0.1)", "[0.1, 0.3)", "[0.3, 0.5)", "[0.5, 0.7)", "[0.7, 0.9)",
                             "[0.9, 1]"]
    assert t["n"].tolist() == [2, 1, 0, 0, 0, 2]  # p_meet == 1 falls in the closed last bin
    assert t.loc["[0, 0.1)", "mean_p_meet"] == pytest.approx(0.065)
    assert t.loc["[0, 0.1)", "observed_met"] == pytest.approx(0.5)
    assert t.loc["[0.9, 1]", "observed_met"] == 1.0
    # Wilson 95 % interval of 1 out of 2 (Agresti & Coull 1998): 0.0945 .. 0.9055
    assert t.loc["[0, 0.1)", "observed_lo"] == pytest.approx(0.0945, abs=1e-4)
    assert t.loc["[0, 0.1)", "observed_hi"] == pytest.approx(0.9055, abs=1e-4)
    assert t.loc["[0.3, 0.5)", ["mean_p_meet", "observed_met", "observed_lo"]].isna().all()


def test_wilson_interval_shrinks_with_more_calls():
    lo, hi = wilson_interval([8, 80], [10, 100])
    assert (lo < 0.8).all() and (hi > 0.8).all()
    assert hi[1] - lo[1] < hi[0] - lo[0]


@pytest.mark.parametrize("p, met, match", [
    ([0.2, 0.3], [1], "same length; got 2 and 1"),
    ([0.2, 1.3], [1, 0], r"must lie in \[0, 1\]; got values from 0.2 to 1.3"),
    ([0.2, 0.3], [1, 2], "met must be True/False"),
])
def test_reliability_table_refuses_bad_input(p, met, match):
    with pytest.raises(mt.ParameterError, match=match):
        reliability_table(p, met)


def test_reliability_table_refuses_bad_bins():
    with pytest.raises(mt.ParameterError, match="'bins' parameter of reliability_table must be "
                                                "increasing edges from 0 to 1"):
        reliability_table([0.5], [1], bins=(0.0, 0.6, 0.4, 1.0))


@pytest.fixture(scope="module")
def patent_backtest(data_dir):
    """Real national history; the 13th-plan patent target (12 per 10k by 2020, 15.8 realised)."""
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    plan = mt.read_plan(data_dir / "china" / "national_targets.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.backtest(history, model="drift,naive", horizon=2, origins=[2016, 2017, 2018],
                           plan=plan, n_paths=300)


def test_coverage_by_horizon_matches_details(patent_backtest):
    cov = patent_backtest.coverage_by_horizon()
    det = patent_backtest.details
    assert cov["model"].unique().tolist() == ["drift", "naive"]
    for _, row in cov.iterrows():
        d = det[(det["model"] == row["model"]) & (det["h"] == row["h"])]
        assert row["n"] == len(d)
        assert row["coverage_95"] == pytest.approx(d["in_95"].mean())
        assert row["coverage_80_lo"] <= row["coverage_80"] <= row["coverage_80_hi"]
    with pytest.raises(mt.ParameterError, match="missing"):
        coverage_by_horizon(det.drop(columns="in_95"))


def test_reliability_per_model_counts_every_call(patent_backtest):
    rel = patent_backtest.reliability()
    calls = patent_backtest.calls
    for m in ("drift", "naive"):
        assert rel[rel["model"] == m]["n"].sum() == (calls["model"] == m).sum() > 0


def test_backtest_chart_panels(patent_backtest, data_dir):
    fig = patent_backtest.plot(title="patents")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["80 % interval coverage", "95 % interval coverage",
                      "Reliability of p_meet (attainment calls)"]
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    no_plan = mt.backtest(history, model="naive", horizon=1, origins=1, n_paths=100)
    assert len(no_plan.plot().axes) == 2


def test_reliability_chart_names_missing_columns():
    from mstarget.report import reliability_chart

    with pytest.raises(mt.ParameterError, match=r"missing \['met'\]"):
        reliability_chart(pd.DataFrame({"model": ["a"], "p_meet": [0.5]}))


def test_cli_backtest_draws_calibration_chart(tmp_path, data_dir):
    chart = tmp_path / "charts" / "calibration.png"
    code = main(["backtest", "--history", str(data_dir / "china" / "national_history.csv"),
                 "--plan", str(data_dir / "china" / "national_targets.csv"), "--models", "drift",
                 "--origins", "2016,2017", "--paths", "200", "--chart", str(chart), "--no-track"])
    assert code == 0
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(chart.parent.glob(".*"))  # no temporary file left behind


def test_cli_refuses_chart_type_before_writing_anything(tmp_path, data_dir, capsys):
    out = tmp_path / "bt.csv"
    code = main(["backtest", "--history", str(data_dir / "china" / "national_history.csv"),
                 "--out", str(out), "--chart", str(tmp_path / "c.jpg"), "--no-track"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--chart" in err and "c.jpg" in err and "ending in .png, .svg, .pdf" in err
    assert not out.exists()
