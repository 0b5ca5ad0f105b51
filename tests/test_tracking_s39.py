"""What tracked runs say, so they compare in the MLflow UI (session-39 prober p2, /tmp/s39/p2/repro_report_asof.sh):

* a ``report`` run without ``--as-of`` is logged as of the year the report evaluates (the 总结评估 as of 2025 on data to
  2023 today), as the ``assess`` run of the same plan is -- was named and logged "as of 2023" (the data's year);
* the tracked status counts, ``mean_p_meet`` and ``n_binding_at_risk_or_off_track`` are of the rows the printout
  judges ("N assessed"): the 数据不足 rows are left out (were counted: a Dinghu report of 14 数据不足 rows logged
  n_off_track 8, mean_p_meet 0.28), those awaiting their target year's value that keep a forecast (待确认) counted
  apart (``n_pending_*``, ``mean_p_meet_pending``);
* ``risk evaluate`` runs with different settings get different names (train cut-off, test period, budget, the plan
  settings away from their defaults) -- were both ``risk evaluate 全国 by category · half-life 2``.

Plan and history figures here are SYNTHETIC, save the shipped Dinghu plan and SAMR table read from data/.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.tracking.records import assessment_metrics, describe_result, region_metrics

DATA = Path(__file__).resolve().parents[1] / "data"
SAMR = str(DATA / "china" / "food_sampling_by_category.csv")

# SYNTHETIC: a 2020-2025 plan, data to 2023: one target year observed (2023, met), two awaited with data after the
# base year (待确认: 有望完成 / 完成难度较大, one binding), one with its baseline alone (数据不足, no words)
PLAN = ("指标名称,单位,基期年份,基期值,目标年份,目标值,指标属性\n"
        "期末市场主体总量,万户,2020,〔1.89〕,2025,〔3.12〕,预期性\n"
        "“明厨亮灶”覆盖率,%,2020,80,2025,≥98,约束性\n"
        "药品抽检合格率,%,2020,98,2023,≥99,预期性\n"
        "每万人口发明专利拥有量,件,2020,1.04,2025,≥3,预期性\n")
HIST = ("指标名称,单位,2020年,2021年,2022年,2023年\n"
        "期末市场主体总量,万户,1.89,2.1,2.35,2.6\n"
        "“明厨亮灶”覆盖率,%,80,81,81.5,82\n"
        "药品抽检合格率,%,98,98.3,98.1,99.1\n")


def _files(tmp_path):
    (tmp_path / "plan.csv").write_text(PLAN, encoding="utf-8")
    (tmp_path / "hist.csv").write_text(HIST, encoding="utf-8")
    return str(tmp_path / "plan.csv"), str(tmp_path / "hist.csv")


def _runs(uri: str, experiment: str):
    from mlflow.tracking import MlflowClient
    client = MlflowClient(tracking_uri=uri)
    runs = client.search_runs([client.get_experiment_by_name(experiment).experiment_id])
    return {r.data.tags["mstarget.command"]: r for r in runs}


def _assess(history, plan, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(history, plan, seed=0, n_paths=500, **kw)


def test_report_without_as_of_is_logged_as_of_the_year_it_evaluates(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MSTARGET_TRACKING_PROCESS", "0")
    plan, hist = _files(tmp_path)
    uri = f"sqlite:///{tmp_path / 'r.db'}"
    common = ["--plan", plan, "--history", hist, "--region", "鼎湖区", "--tracking-uri", uri, "--experiment", "e"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["report", *common, "--out", str(tmp_path / "r.html"), "--max-charts", "0"]) == 0
        assert main(["assess", *common]) == 0
    assert "总结评估" in (tmp_path / "r.html").read_text(encoding="utf-8")
    runs = _runs(uri, "e")
    report, assess = runs["report"], runs["assess"]
    assert report.info.run_name == "report 鼎湖区 as of 2025 · auto"  # was: report 鼎湖区 as of 2023 · auto
    assert report.data.params["as_of"] == assess.data.params["as_of"] == "2025"  # was 2023 beside assess's 2025
    assert report.data.params["as_of_given"] == "none"
    keys = ("n_met", "n_on_track", "n_at_risk", "n_off_track", "n_completed", "n_insufficient_data",
            "n_pending_at_risk", "n_pending_off_track", "mean_p_meet", "n_binding_at_risk_or_off_track")
    assert {k: report.data.metrics.get(k) for k in keys} == {k: assess.data.metrics.get(k) for k in keys}
    assert report.data.metrics["n_insufficient_data"] == 3  # the two awaited target years and the baseline-only row


def test_status_counts_are_of_the_rows_judged_and_the_awaited_forecasts_apart(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MSTARGET_TRACKING_PROCESS", "0")
    plan, hist = _files(tmp_path)
    t = _assess(hist, plan, region="鼎湖区", as_of=2025)
    m = assessment_metrics(t)
    assert m["n_completed"] == 1 and m["n_insufficient_data"] == 3
    assert m["n_met"] == 1 and m["n_at_risk"] == m["n_off_track"] == m["n_on_track"] == 0  # was 1 at risk, 2 off
    assert m["mean_p_meet"] == 1.0  # was 0.41: the awaited forecasts and the baseline-only row's 0.08 averaged in
    assert m["n_binding_at_risk_or_off_track"] == 0  # was 1: the binding row's target year is awaited
    # the 待确认 rows (目标年已过，数据暂缺; the printout's 有望完成（待确认） / 完成难度较大（待确认）) apart, labelled
    pending = t["name"].isin(["期末市场主体总量", "“明厨亮灶”覆盖率"])
    assert m["n_pending_at_risk"] + m["n_pending_off_track"] + m["n_pending_on_track"] + m["n_pending_met"] == 2
    assert m["n_pending_at_risk"] == int(t.loc[pending, "status"].eq("at_risk").sum())
    assert m["mean_p_meet_pending"] == pytest.approx(t.loc[pending, "p_meet"].mean())
    assert m["n_binding_pending_at_risk_or_off_track"] == 1
    # the command line: the printout's "1 assessed" and the run's counts agree
    uri = f"sqlite:///{tmp_path / 'c.db'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["assess", "--plan", plan, "--history", hist, "--region", "鼎湖区", "--as-of", "2025",
                     "--tracking-uri", uri, "--experiment", "c"]) == 0
    out = capsys.readouterr().out
    assert "1 assessed -- met: 1" in out and "待确认 2" in out
    run = _runs(uri, "c")["assess"].data.metrics
    assert run["n_met"] == 1 and run["n_at_risk"] == run["n_off_track"] == 0 and run["mean_p_meet"] == 1.0
    assert run["n_pending_at_risk"] + run["n_pending_off_track"] == 2


def test_a_final_evaluation_with_every_row_insufficient_counts_none_as_judged():
    """The shipped Dinghu plan on its own figures (baselines only), as of 2025: 14 数据不足 rows, none judged (the report
    and the printout give them no outlook) -- was n_off_track 8, n_at_risk 5, n_binding_at_risk_or_off_track 2,
    mean_p_meet 0.28."""
    t = _assess(None, str(DATA / "dinghu_14th_fyp_plan.csv"), as_of=2025)
    m = assessment_metrics(t)
    assert m["n_insufficient_data"] == len(t) == 14
    assert m["n_on_track"] == m["n_at_risk"] == m["n_off_track"] == m["n_met"] == 0
    assert m["n_binding_at_risk_or_off_track"] == 0 and "mean_p_meet" not in m
    assert "mean_p_meet_pending" not in m  # nothing observed after 2020: no forecast awaits confirmation either


def test_per_region_mean_is_of_the_rows_judged_and_the_awaited_apart(tmp_path):
    plan = pd.read_csv(pd.io.common.StringIO(PLAN))
    hist = pd.read_csv(pd.io.common.StringIO(HIST))
    plan2 = pd.concat([plan.assign(地区=r) for r in ("甲区", "乙区")], ignore_index=True)
    hist2 = pd.concat([hist.assign(地区=r) for r in ("甲区", "乙区")], ignore_index=True)
    (tmp_path / "p.csv").write_text(plan2.to_csv(index=False), encoding="utf-8")
    (tmp_path / "h.csv").write_text(hist2.to_csv(index=False), encoding="utf-8")
    t = _assess(str(tmp_path / "h.csv"), str(tmp_path / "p.csv"), as_of=2025)
    m, n = region_metrics(t)
    assert n == 2
    for region in ("甲区", "乙区"):
        mine = t["region"] == region
        assert m[f"mean_p_meet.{region}"] == 1.0  # was the mean of the 4 rows: the met one and three not judged
        awaited = mine & t["name"].isin(["期末市场主体总量", "“明厨亮灶”覆盖率"])
        assert m[f"mean_p_meet_pending.{region}"] == pytest.approx(t.loc[awaited, "p_meet"].mean())


EVALUATE = ["risk", "evaluate", "--samples", SAMR, "--by", "category", "--region", "全国", "--train-until", "2019H2",
            "--budget", "20000"]


def test_risk_evaluate_runs_are_named_for_their_split_budget_and_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("MSTARGET_TRACKING_PROCESS", "0")
    uri = f"sqlite:///{tmp_path / 'e.db'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main([*EVALUATE, "--tracking-uri", uri, "--experiment", "a"]) == 0
        assert main([*EVALUATE, "--risk-share", "0.5", "--tracking-uri", uri, "--experiment", "b"]) == 0
    plain, half = _runs(uri, "a")["risk evaluate"], _runs(uri, "b")["risk evaluate"]
    # was: both "risk evaluate 全国 by category · half-life 2"
    assert plain.info.run_name == "risk evaluate 全国 by category · train ≤2019H2 · test 2022 · half-life 2 · " \
                                  "budget 20,000"
    assert half.info.run_name == plain.info.run_name + " · risk_share 0.5"
    assert half.data.params["risk_share"] == "0.5"


def test_risk_evaluate_name_says_a_cap_removed_and_a_test_period_given():
    params = {"mode": "groups", "region": None, "by": ["category"], "train_until": "2021", "test_period": "2023",
              "budget": None, "half_life": None, "risk_share": 0.75, "max_share": None, "min_per_group": 5,
              "max_per_group": None, "min_share": 0.0, "periods": {"train": "2021", "test": "2023"}}
    assert describe_result("risk evaluate", params) == \
        "risk evaluate by category · train ≤2021 · test 2023 · half-life none · max_share none · min_per_group 5"
    # other commands are named as before
    assert describe_result("risk score", {"region": "全国", "by": ["category"], "as_of": "2023H1",
                                          "half_life": None}) == "risk score 全国 by category as of 2023H1 · half-life none"
