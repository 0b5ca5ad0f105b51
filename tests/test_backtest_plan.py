"""backtest(plan=...): attainment calls scored against the realised outcome (issue 5)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mstarget as mt


def test_thirteenth_plan_patent_target_calls_are_scored(data_dir):
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    plan = mt.read_plan(data_dir / "china" / "national_targets.csv")
    plan = plan[plan["indicator"] == "invention_patents_per_10k"]  # 12 per 10k by 2020; 15.8 realised
    res = mt.backtest(history, model="drift,naive", horizon=1, origins=[2016, 2017], plan=plan, n_paths=400)
    calls = res.calls
    assert set(calls["model"]) == {"drift", "naive"}
    assert set(calls["origin"]) == {2016, 2017}
    assert calls["met"].all() and (calls["outcome"] == 15.8).all()
    for label in ("drift", "naive"):
        mine = calls[calls["model"] == label]
        row = res.summary.set_index("model").loc[label]
        assert row["n_calls"] == 2
        assert row["brier"] == pytest.approx(np.mean((mine["p_meet"] - 1.0) ** 2))
        assert row["accuracy"] == pytest.approx(np.mean(mine["p_meet"] >= 0.5))
    # the trend from 8.0 (2016) to 12 by 2020 is clear: drift calls it, with high probability
    assert calls[calls["model"] == "drift"]["p_meet"].min() > 0.7


def test_unobserved_outcomes_are_not_scored(data_dir):
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    plan = pd.DataFrame({"region": ["全国"], "indicator": ["high_value_invention_patents_per_10k"],
                         "unit": ["件/万人"], "baseline_year": ["2020"], "baseline": ["6.3"],
                         "target_year": ["2025"], "target": ["12"]})
    res = mt.backtest(history, model="drift", horizon=1, origins=[2021], plan=plan, n_paths=200)
    assert res.calls.empty


def test_attainment_calls_are_drawn_with_the_backtests_paths(data_dir):
    """A backtest's call is the p_meet ``assess`` gives as of the origin with the same number of paths."""
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    plan = mt.read_plan(data_dir / "china" / "national_targets.csv")
    plan = plan[plan["indicator"] == "invention_patents_per_10k"]
    res = mt.backtest(history, model="drift", horizon=1, origins=[2017], plan=plan, n_paths=300)
    past = history[history["year"] <= 2020]
    direct = mt.assess(past, plan, as_of=2017, model="drift", seed=0, n_paths=300)
    assert res.calls["p_meet"].tolist() == pytest.approx(direct["p_meet"].tolist())


def test_a_history_in_another_magnitude_is_scored_in_the_plans_unit(data_dir):
    """The national 每万人口发明专利拥有量 written per 亿人 (x10,000, SYNTHETIC relabelling of the real figures):
    the calls, outcomes and whether the 2020 target was met are those of the history per 万人 (session 53: assess
    converts such a history; the backtest's outcomes had stayed per 亿人, 158,000 against ≥12)."""
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    plan = mt.read_plan(data_dir / "china" / "national_targets.csv")
    plan = plan[plan["indicator"] == "invention_patents_per_10k"]
    rate = history["indicator"] == "invention_patents_per_10k"
    per_yi = history.assign(value=history["value"].where(~rate, history["value"] * 10_000),
                            unit=history["unit"].where(~rate, "件/亿人"))
    want = mt.backtest(history, model="drift", horizon=1, origins=[2016, 2017], plan=plan, n_paths=300).calls
    with pytest.warns(mt.InconsistentDataWarning, match="件/亿人 -> 件/万人"):
        got = mt.backtest(per_yi, model="drift", horizon=1, origins=[2016, 2017], plan=plan, n_paths=300).calls
    assert (got["outcome"] == 15.8).all() and got["met"].all()
    pd.testing.assert_frame_equal(got, want)
