"""The MDG 4.A attainment experiment runs end to end and reproduces its published figures (issue 5, item 6).

Real data: UN IGME under-five mortality (CME Info 2018 vintage), 195 countries, in
``data/backtest_mdg``. Runs without MLflow (``--no-track``) into a temporary folder.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

RUN = Path(__file__).resolve().parents[1] / "experiments" / "mdg_attainment" / "run.py"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("mdg_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("mdg")
    summary = module.main(["--no-track", "--out-dir", str(out)])
    return out, summary.set_index(["as_of", "method"])


def test_un_rule_reproduces_the_progress_chart_figures(outputs):
    _, s = outputs
    assert s.loc[(2005, "un_rule"), "accuracy"] == pytest.approx(0.831, abs=5e-4)
    assert s.loc[(2000, "un_rule"), "accuracy"] == pytest.approx(0.774, abs=5e-4)
    assert (s["n_countries"] == 195).all()
    assert s.loc[(2005, "un_rule"), "share_met"] == pytest.approx(65 / 195)


def test_probabilistic_calls_beat_the_un_rule_out_of_sample(outputs):
    _, s = outputs
    # as of 2005 the rate model's settings were chosen on the 2000 calls: an honest comparison
    assert s.loc[(2005, "mstarget_rate"), "brier"] < s.loc[(2005, "un_rule"), "brier"] - 0.05
    assert s.loc[(2005, "mstarget_rate"), "accuracy"] > s.loc[(2005, "un_rule"), "accuracy"]
    assert s.loc[(2005, "mstarget"), "brier"] < s.loc[(2005, "un_rule"), "brier"]


def test_reliability_tables_and_chart_are_written(outputs):
    out, _ = outputs
    for as_of in (2000, 2005):
        cal = pd.read_csv(out / f"calibration_{as_of}.csv")
        assert set(cal["method"]) == {"mstarget", "mstarget_rate", "un_rule"}
        assert (cal.groupby("method")["n"].sum() == 195).all()
        calls = pd.read_csv(out / f"calls_{as_of}.csv")
        assert len(calls) == 195 and calls["p_meet"].between(0, 1).all()
    assert (out / "reliability.png").read_bytes()[:4] == b"\x89PNG"
