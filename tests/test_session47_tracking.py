"""Tracking, session 47: runs compared and found in the MLflow UI as an analyst compares and finds them.

1. The 待确认 rows (a target year past, its value awaited: the printout's 有望完成（待确认）) were counted as
   ``n_pending_*`` / ``mean_p_meet_pending`` beside ``n_target_pending`` (目标待定: a target not set yet) -- one word
   for two things in one run. They are logged as ``n_to_confirm_*`` / ``mean_p_meet_to_confirm`` too (the printout's
   word, 待确认); the old names are kept so that runs logged before still line up.
2. An assessment's run says what it is, as its report's title does: tags ``mstarget.evaluation`` (``midterm``,
   ``final`` ...) and ``mstarget.evaluation_zh`` (中期评估, 总结评估 ...), so the search box finds "the mid-term run of
   2023".
3. ``mstarget forecast --register`` with a name MLflow refuses (``a/b``) said so naming the option, and left no run
   (it blamed the store, "Check --tracking-uri", and left a FAILED run half logged).
4. A ``risk score`` run on all the data (no ``--as-of``) is named for the periods it scored, as ``risk allocate``
   names a plan on those scores (was named without any time at all).

The national tables and the Dinghu plan are the shipped real data; every history of a district and the draft plan
rows are SYNTHETIC, built in the tests.
"""
from __future__ import annotations

import io
import warnings
from pathlib import Path

import mlflow
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.tracking import TrackingSettings
from mstarget.tracking.forecaster import register_name_problem
from mstarget.tracking.records import assessment_metrics, describe_result, region_metrics

from mlflow_helpers import runs_of

DATA = Path(__file__).resolve().parents[1] / "data"
DINGHU = DATA / "dinghu_14th_fyp_plan.csv"
NATIONAL_PLAN = DATA / "china" / "national_targets.csv"
NATIONAL_HISTORY = DATA / "china" / "national_history.csv"
SAMPLES = DATA / "china" / "food_sampling_by_category.csv"

# SYNTHETIC: four of the Dinghu plan's indicators observed 2020-2023 (names as the plan writes them)
DINGHU_HISTORY = ("指标名称,单位,2020年,2021年,2022年,2023年\n"
                  "期末市场主体总量,万户,1.89,2.18,2.45,2.76\n"
                  "“明厨亮灶”覆盖率,%,81,83,84.5,86\n"
                  "药品抽检合格率,%,98,98.3,98.4,98.6\n"
                  "执业药师数,人/万人口,4.4,4.42,4.47,4.5\n")
AWAITED = ["期末市场主体总量", "“明厨亮灶”覆盖率", "药品抽检合格率", "执业药师数"]


def _draft_plan(tmp_path: Path) -> str:
    """The shipped Dinghu plan with one target not set yet (SYNTHETIC draft: 药品抽检合格率 待定, 正向)."""
    plan = pd.read_csv(DINGHU)
    plan.loc[plan["name"] == "执业药师数", "target"] = "待定"
    plan["指标方向"] = "正向"
    path = tmp_path / "draft.csv"
    plan.to_csv(path, index=False)
    return str(path)


def _history(tmp_path: Path) -> str:
    path = tmp_path / "history.csv"
    path.write_text(DINGHU_HISTORY, encoding="utf-8")
    return str(path)


def _assess(history, plan, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(history, plan, seed=0, n_paths=400, region="鼎湖区", **kw)


# -- 1. 待确认 counted under its own word ----------------------------------------------------------------

def test_awaited_rows_are_counted_as_to_confirm_beside_target_pending(tmp_path):
    """Fails before: no ``n_to_confirm_*`` metric existed (only ``n_pending_*``, read as 目标待定)."""
    t = _assess(_history(tmp_path), _draft_plan(tmp_path), as_of=2025)  # the 总结评估: 2024-2025 awaited
    m = assessment_metrics(t)
    assert m["n_target_pending"] == 1  # 执业药师数 待定: not set yet
    awaited = t["name"].isin(["期末市场主体总量", "“明厨亮灶”覆盖率", "药品抽检合格率"])
    to_confirm = sum(m[f"n_to_confirm_{s}"] for s in ("met", "on_track", "at_risk", "off_track"))
    assert to_confirm == 3  # the three observed rows whose 2025 figure is awaited -- not the 待定 one
    assert m["n_to_confirm_at_risk"] == int(t.loc[awaited, "status"].eq("at_risk").sum())
    assert m["mean_p_meet_to_confirm"] == pytest.approx(t.loc[awaited, "p_meet"].mean())
    assert m["n_binding_to_confirm_at_risk_or_off_track"] == int(
        (awaited & t["attribute"].eq("binding") & t["status"].isin(["at_risk", "off_track"])).sum())
    # the first names kept, with the same figures, so that runs logged before still compare
    for key in [k for k in m if "_to_confirm" in k]:
        assert m[key.replace("_to_confirm", "_pending")] == m[key]


def test_per_region_awaited_mean_is_logged_as_to_confirm_too(tmp_path):
    """Fails before: ``mean_p_meet_to_confirm.<region>`` did not exist."""
    hist = pd.read_csv(io.StringIO(DINGHU_HISTORY))
    plan = pd.read_csv(DINGHU).drop(columns="region")
    (tmp_path / "p.csv").write_text(pd.concat([plan.assign(地区=r) for r in ("鼎湖区", "端州区")])
                                    .to_csv(index=False), encoding="utf-8")
    (tmp_path / "h.csv").write_text(pd.concat([hist.assign(地区=r) for r in ("鼎湖区", "端州区")])
                                    .to_csv(index=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = mt.assess(str(tmp_path / "h.csv"), str(tmp_path / "p.csv"), as_of=2025, seed=0, n_paths=400)
    m, covered = region_metrics(t)
    assert covered == 2
    for region in ("鼎湖区", "端州区"):
        awaited = (t["region"] == region) & t["name"].isin(AWAITED)
        assert m[f"mean_p_meet_to_confirm.{region}"] == pytest.approx(t.loc[awaited, "p_meet"].mean())
        assert m[f"mean_p_meet_pending.{region}"] == m[f"mean_p_meet_to_confirm.{region}"]


def test_a_tracked_final_evaluation_logs_both_names(tmp_path, monkeypatch):
    """Through the command line into a store, read back as the UI shows it. Fails before: no ``n_to_confirm_*``."""
    monkeypatch.setenv("MSTARGET_TRACKING_PROCESS", "0")
    uri = f"sqlite:///{tmp_path / 'm.db'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["assess", "--plan", _draft_plan(tmp_path), "--history", _history(tmp_path),
                     "--region", "鼎湖区", "--as-of", "2025", "--tracking-uri", uri, "--experiment", "e"]) == 0
    _, runs = runs_of(uri, "e")
    metrics = runs[0].data.metrics
    assert metrics["n_target_pending"] == 1
    assert sum(metrics[f"n_to_confirm_{s}"] for s in ("met", "on_track", "at_risk", "off_track")) == 3
    assert metrics["mean_p_meet_to_confirm"] == metrics["mean_p_meet_pending"]


# -- 2. the mid-term run of 2023, found in the search box -------------------------------------------------

def test_assessment_runs_are_tagged_with_what_the_evaluation_is(tmp_path, monkeypatch):
    """Fails before: no ``mstarget.evaluation`` tag; the search below found nothing."""
    monkeypatch.setenv("MSTARGET_TRACKING_PROCESS", "0")
    uri = f"sqlite:///{tmp_path / 's.db'}"
    national = ["--plan", str(NATIONAL_PLAN), "--history", str(NATIONAL_HISTORY), "--tracking-uri", uri,
                "--experiment", "e"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["assess", *national, "--as-of", "2023"]) == 0
        assert main(["assess", "--plan", str(DINGHU), "--history", _history(tmp_path), "--region", "鼎湖区",
                     "--as-of", "2025", "--tracking-uri", uri, "--experiment", "e"]) == 0
        assert main(["report", *national, "--as-of", "2022", "--out", str(tmp_path / "r.html"),
                     "--max-charts", "0"]) == 0
    assert "中期评估" in (tmp_path / "r.html").read_text(encoding="utf-8")  # what the report calls itself
    _, runs = runs_of(uri, "e")
    tags = {r.info.run_name: (r.data.tags.get("mstarget.evaluation"), r.data.tags.get("mstarget.evaluation_zh"))
            for r in runs}
    assert tags == {"assess 全国 as of 2023 · auto": ("midterm", "中期评估"),
                    "assess 鼎湖区 as of 2025 · auto": ("final", "总结评估"),
                    "report 全国 as of 2022 · auto": ("midterm", "中期评估")}
    mlflow.set_tracking_uri(uri)
    try:
        found = mlflow.search_runs(experiment_names=["e"], filter_string=(
            "tags.mstarget.evaluation = 'midterm' and params.as_of = '2023'"))
    finally:
        mlflow.set_tracking_uri(None)
    assert list(found["tags.mlflow.runName"]) == ["assess 全国 as of 2023 · auto"]


# -- 3. a --register name MLflow refuses ------------------------------------------------------------------

@pytest.mark.parametrize("name, ok", [("鼎湖区预测模型", True), ("dinghu-forecaster_v2", True), ("a/b", False),
                                      ("model:1", False), ("  ", False), ("..", False), ("a/../b", False)])
def test_register_name_problem_follows_mlflow_rules(name, ok):
    """Fails before: no such check (the function did not exist)."""
    problem = register_name_problem(name)
    assert (problem is None) == ok
    if not ok:
        assert problem.startswith(f"--register {name!r} cannot name a registered model")


def test_forecast_register_with_a_refused_name_says_so_and_logs_no_run(tmp_path, capsys):
    """Fails before: the error blamed the store ("Check --tracking-uri") and a FAILED run was left half logged
    (forecast.csv, a forecaster, no registration). Now the name is refused before any work (exit 2, bad input):
    no forecast written, no run."""
    uri = f"sqlite:///{tmp_path / 'f.db'}"
    out = tmp_path / "fc.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["forecast", "--history", str(NATIONAL_HISTORY), "--horizon", "2", "--out", str(out),
                     "--register", "鼎湖/forecaster", "--tracking-uri", uri, "--experiment", "f"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--register '鼎湖/forecaster' cannot name a registered model" in err
    assert "cannot contain '/' or ':'" in err and "Check --tracking-uri" not in err
    assert not out.exists()  # refused before the forecast
    client = mlflow.tracking.MlflowClient(uri)
    experiment = client.get_experiment_by_name("f")
    assert experiment is None or not client.search_runs([experiment.experiment_id])  # nothing half logged


def test_log_forecast_from_python_warns_on_a_refused_name_and_keeps_the_result(tmp_path):
    """Fails before: MLflow's refusal came after the run began (a FAILED run in the store)."""
    settings = TrackingSettings(tracking_uri=f"sqlite:///{tmp_path / 'p.db'}", experiment="p")
    table = mt.forecast(str(NATIONAL_HISTORY), horizon=1, n_paths=200)
    from mstarget.tracking import forecast_params, log_forecast

    params, inputs = forecast_params(history=str(NATIONAL_HISTORY), history_frame=mt.read_history(NATIONAL_HISTORY),
                                     horizon=1, n_paths=200)
    with pytest.warns(mt.TrackingWarning, match="cannot name a registered model"):
        assert log_forecast(table, params, settings, inputs=inputs, register_name="x:y", on_error="warn") is None
    client = mlflow.tracking.MlflowClient(settings.store_uri())
    experiment = client.get_experiment_by_name("p")
    assert experiment is None or not client.search_runs([experiment.experiment_id])  # no run half logged


# -- 4. a risk score of all periods, named for them -------------------------------------------------------

def test_risk_score_of_all_periods_is_named_for_the_periods_scored(tmp_path, monkeypatch):
    """Fails before: ``risk score 全国 by category · half-life 2``: no time in the name, while the plan allocated
    on those scores was named ``... periods 2019H2, 2022``."""
    monkeypatch.setenv("MSTARGET_TRACKING_PROCESS", "0")
    uri = f"sqlite:///{tmp_path / 'r.db'}"
    scores = tmp_path / "scores.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["risk", "score", "--samples", str(SAMPLES), "--by", "category", "--region", "全国",
                     "--out", str(scores), "--tracking-uri", uri, "--experiment", "r"]) == 0
        assert main(["risk", "allocate", "--scores", str(scores), "--budget", "20000",
                     "--tracking-uri", uri, "--experiment", "r"]) == 0
    _, runs = runs_of(uri, "r")
    names = [r.info.run_name for r in runs]
    assert names == ["risk score 全国 by category periods 2019H2, 2022 · half-life 2",
                     "risk allocate 全国 by category periods 2019H2, 2022 · budget 20,000"]
    assert runs[0].data.params["as_of"] == "none"  # the parameter keeps saying what was given


def test_risk_score_name_lists_a_few_periods_or_their_span():
    """Fails before: no periods in the name. A given as_of is named as before."""
    base = {"region": "全国", "by": ["category"], "half_life": 2.0}
    assert describe_result("risk score", {**base, "as_of": None, "periods": ["2017Q1", "2017Q3", "2018Q1",
                                                                            "2019H2", "2022"]}) == \
        "risk score 全国 by category periods 2017Q1–2022 · half-life 2"
    assert describe_result("risk score", {"region": "全国", "by": ["category"], "as_of": "2023H1",
                                          "half_life": None, "periods": ["2019H2", "2022"]}) == \
        "risk score 全国 by category as of 2023H1 · half-life none"
