"""Tracking with MLflow's embedded SQLite store: one run per call, nested runs, the pyfunc
forecaster, and the fault paths (issue 4).

Runs go to one SQLite database per test session (creating its tables takes seconds); each test
uses its own experiment.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
import warnings
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

import mstarget as mt
from mstarget import tracking
from mstarget.cli.main import main
from mstarget.exceptions import MstargetWarning, TrackingError
from mstarget.tracking.store import _fail_fast
from mlflow_helpers import runs_of

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "china"
PLAN = DATA / "national_targets.csv"
HISTORY = DATA / "national_history.csv"


@pytest.fixture(scope="session")
def store_uri(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('store') / 'mlflow.db'}"


@pytest.fixture
def experiment() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens on it once the socket is closed


def assess_argv(uri: str, experiment: str, out: Path) -> list[str]:
    return ["assess", "--plan", str(PLAN), "--history", str(HISTORY), "--as-of", "2022",
            "--tracking-uri", uri, "--experiment", experiment, "--out", str(out)]


# -- one run per call, complete ------------------------------------------------------------------

def test_assess_cli_logs_one_complete_run(store_uri, experiment, tmp_path, capsys):
    out = tmp_path / "assessment.csv"
    assert main(assess_argv(store_uri, experiment, out)) == 0
    client, runs = runs_of(store_uri, experiment)
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    assert run.info.run_id in capsys.readouterr().out
    p, m = run.data.params, run.data.metrics
    assert p["model"] == "auto" and p["as_of"] == "2022" and p["seed"] == "0"
    plan, history = mt.read_plan(PLAN), mt.read_history(HISTORY)
    assert p["data_fingerprint"] == tracking.data_fingerprint(plan, history)
    assert p["version.mstarget"] == mt.__version__ and p["version.mlflow"] == mlflow.__version__
    written = pd.read_csv(out)
    assert m["n_targets"] == len(written) == len(plan)
    # status counts of the rows judged (the printout's "3 assessed"); the 数据不足 rows apart (session 39: they were
    # counted, the single-observation row's forecast among them)
    judged = written[~written["evaluation"].isin(["insufficient_data", "not_started"])]
    assert len(judged) == 3 and sum(m[f"n_{s}"] for s in tracking.STATUSES if s != "no_data") == len(judged)
    for status, n in judged["status"].value_counts().items():
        assert m[f"n_{status}"] == n
    assert m["mean_p_meet"] == pytest.approx(judged["p_meet"].mean())
    # schedule categories counted too, 数据不足 apart (issue 18); since session 40 the schedule counts are of the
    # targets still under way (their evaluation is that schedule word), the others counted by their evaluation
    # (数据不足, 规划期未开始, 已完成 / 未完成), all adding up to n_targets
    for evaluation, n in written["evaluation"].value_counts().items():
        assert m[f"n_{evaluation}"] == n
    assert sum(m[f"n_{e}"] for e in written["evaluation"].unique()) == len(plan)
    names = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"assessment.csv", "fan_chart.png"} <= names
    logged = pd.read_csv(client.download_artifacts(run.info.run_id, "assessment.csv", str(tmp_path)))
    pd.testing.assert_frame_equal(logged, written)


def test_many_series_still_one_run(store_uri, experiment):
    """Thousands of series: one run, one table artifact with every series in it."""
    years = range(2011, 2021)
    history = pd.DataFrame([{"region": f"r{i:04d}", "indicator": "x", "year": y, "value": 100 + i + y - 2011}
                            for i in range(1500) for y in years])
    table = mt.forecast(history, horizon=2, model="drift", n_paths=50)
    settings = tracking.TrackingSettings(tracking_uri=store_uri, experiment=experiment)
    run_id = tracking.log_forecast(table, {"model": "drift", "horizon": 2, "seed": 0, "n_paths": 50},
                                   settings, inputs=[history], log_model=False)
    client, runs = runs_of(store_uri, experiment)
    assert [r.info.run_id for r in runs] == [run_id]
    assert runs[0].data.metrics["n_series"] == 1500
    assert runs[0].data.params["data_fingerprint"] == tracking.data_fingerprint(history)
    path = client.download_artifacts(run_id, "forecast.csv")
    assert pd.read_csv(path)["region"].nunique() == 1500


def test_no_track_logs_nothing(tmp_path, data_dir):
    db = tmp_path / "untouched" / "mlflow.db"
    db.parent.mkdir()
    out = tmp_path / "a.csv"
    code = main(["assess", "--plan", str(PLAN), "--history", str(HISTORY), "--out", str(out),
                 "--tracking-uri", f"sqlite:///{db}", "--no-track"])
    assert code == 0 and out.exists() and not db.exists()


# -- nested runs (model comparisons) -------------------------------------------------------------

def test_child_runs_carry_the_parent_and_a_failing_child_fails_both(store_uri, experiment):
    settings = tracking.TrackingSettings(tracking_uri=store_uri, experiment=experiment)
    with pytest.raises(ValueError, match="model blew up"):
        with tracking.start_run("compare", settings) as parent:
            with tracking.start_run("compare:naive", settings, nested=True) as ok:
                ok.log_metrics({"mase": 1.0})
            with tracking.start_run("compare:drift", settings, nested=True):
                raise ValueError("model blew up")
    client, runs = runs_of(store_uri, experiment)
    by_name = {r.info.run_name: r for r in runs}
    assert set(by_name) == {"compare", "compare:naive", "compare:drift"}
    assert by_name["compare:naive"].info.status == "FINISHED"
    assert by_name["compare:drift"].info.status == "FAILED"
    assert "model blew up" in by_name["compare:drift"].data.tags["mstarget.error"]
    assert by_name["compare"].info.status == "FAILED"
    for child in ("compare:naive", "compare:drift"):
        assert by_name[child].data.tags["mlflow.parentRunId"] == parent.run_id


def test_a_caught_child_failure_still_fails_the_parent(store_uri, experiment):
    settings = tracking.TrackingSettings(tracking_uri=store_uri, experiment=experiment)
    with tracking.start_run("compare", settings):
        for name in ("a", "b"):
            try:
                with tracking.start_run(name, nested=True):
                    if name == "a":
                        raise RuntimeError("no fit")
            except RuntimeError:
                pass  # the comparison goes on with the other models
    _, runs = runs_of(store_uri, experiment)
    by_name = {r.info.run_name: r for r in runs}
    assert by_name["a"].info.status == "FAILED" and by_name["b"].info.status == "FINISHED"
    assert by_name["compare"].info.status == "FAILED"
    assert by_name["compare"].data.tags["mstarget.failed_children"] == "a"


def test_explicit_parent_run_id_and_disabled_parent(store_uri, experiment):
    settings = tracking.TrackingSettings(tracking_uri=store_uri, experiment=experiment)
    with tracking.start_run("parent", settings) as parent:
        parent_id = parent.run_id
    with tracking.start_run("late child", settings, parent_run_id=parent_id) as child:
        assert child.parent_run_id == parent_id
    with tracking.start_run("off", tracking.TrackingSettings(enabled=False)) as off:
        assert off is None
        with tracking.start_run("child of off", settings, nested=True) as child_of_off:
            assert child_of_off is None  # --no-track on the parent covers its children
    _, runs = runs_of(store_uri, experiment)
    assert {r.info.run_name: r.data.tags.get("mlflow.parentRunId") for r in runs} == \
        {"parent": None, "late child": parent_id}


def test_backtest_cli_logs_parent_and_one_child_per_model(store_uri, experiment, tmp_path):
    pytest.importorskip("mstarget.cli.backtest", reason="mstarget backtest is not written yet")
    code = main(["backtest", "--history", str(HISTORY), "--models", "naive,drift", "--horizon", "1",
                 "--origins", "2", "--paths", "200", "--out", str(tmp_path / "bt.csv"),
                 "--tracking-uri", store_uri, "--experiment", experiment])
    assert code == 0
    _, runs = runs_of(store_uri, experiment)
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if "mlflow.parentRunId" in r.data.tags]
    assert len(parents) == 1 and len(children) == 2
    assert all(c.data.tags["mlflow.parentRunId"] == parents[0].info.run_id for c in children)
    assert all(r.info.status == "FINISHED" for r in runs)
    assert set(children[0].data.metrics) == set(children[1].data.metrics) != set()


# -- the forecaster as an MLflow pyfunc model -----------------------------------------------------

def test_pyfunc_round_trip_gives_the_same_forecast(store_uri, experiment, monkeypatch):
    history = mt.read_history(HISTORY)
    settings = tracking.TrackingSettings(tracking_uri=store_uri, experiment=experiment)
    uri = tracking.log_forecaster("drift", horizon=4, levels=(50, 90), seed=11, n_paths=300,
                                  as_of=2021, settings=settings)
    assert uri and uri.startswith("models:/")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store_uri)
    mlflow.set_tracking_uri(store_uri)
    try:
        loaded = mlflow.pyfunc.load_model(uri)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = loaded.predict(history)
            expected = mt.forecast(history, horizon=4, model="drift", levels=(50, 90), seed=11,
                                   n_paths=300, as_of=2021)
    finally:
        mlflow.set_tracking_uri(None)
    assert list(got.columns) == ["region", "indicator", "year", "mean", "median", "lo_50", "hi_50",
                                 "lo_90", "hi_90", "model"]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))
    _, runs = runs_of(store_uri, experiment)
    assert runs[0].data.tags["mstarget.model_uri"] == uri and runs[0].info.status == "FINISHED"


def test_forecast_cli_register_puts_the_model_in_the_registry(store_uri, experiment, tmp_path,
                                                              monkeypatch, capsys):
    out = tmp_path / "fc.csv"
    name = f"national-{experiment}"
    code = main(["forecast", "--history", str(HISTORY), "--horizon", "2", "--model", "drift",
                 "--seed", "3", "--out", str(out), "--register", name,
                 "--tracking-uri", store_uri, "--experiment", experiment])
    assert code == 0
    assert f"models:/{name}/1" in capsys.readouterr().out
    client = MlflowClient(tracking_uri=store_uri, registry_uri=store_uri)
    assert [str(v.version) for v in client.search_model_versions(f"name='{name}'")] == ["1"]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store_uri)
    model = tracking.load_forecaster(f"models:/{name}/1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = model.predict(mt.read_history(HISTORY))
    pd.testing.assert_frame_equal(got.reset_index(drop=True), pd.read_csv(out), check_dtype=False,
                                  rtol=1e-9)


def test_register_without_tracking_is_refused(tmp_path, capsys):
    code = main(["forecast", "--history", str(HISTORY), "--register", "x", "--no-track",
                 "--out", str(tmp_path / "fc.csv")])
    assert code == 2
    assert "--register needs tracking" in capsys.readouterr().err
    assert not (tmp_path / "fc.csv").exists()


# -- faults: results kept, exit code 3, no run left RUNNING --------------------------------------

def test_store_failing_mid_run_ends_the_run_failed(store_uri, experiment, tmp_path, monkeypatch,
                                                   capsys):
    def broken(self, *args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(MlflowClient, "log_artifact", broken)
    out = tmp_path / "assessment.csv"
    code = main(assess_argv(store_uri, experiment, out))
    assert code == 3
    err = capsys.readouterr().err
    assert "No space left on device" in err and "--no-track" in err
    assert len(pd.read_csv(out)) == len(mt.read_plan(PLAN))  # the result is on disk, complete
    _, runs = runs_of(store_uri, experiment)
    assert [r.info.status for r in runs] == ["FAILED"]


def test_sqlite_store_in_a_missing_folder(tmp_path, capsys):
    out = tmp_path / "assessment.csv"
    uri = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'mlflow.db'}"
    assert main(assess_argv(uri, "x", out)) == 3
    err = capsys.readouterr().err
    assert "does not exist" in err and str(tmp_path / "no" / "such" / "folder") in err
    assert len(pd.read_csv(out)) == len(mt.read_plan(PLAN))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_sqlite_store_in_a_read_only_folder(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert main(assess_argv(f"sqlite:///{ro / 'mlflow.db'}", "x", tmp_path / "a.csv")) == 3
        assert "not writable" in capsys.readouterr().err
    finally:
        ro.chmod(0o755)


def test_unreachable_server_fails_fast_with_exit_code_3(tmp_path):
    """A closed port: exit 3 at once, not minutes of MLflow retries; the result is on disk."""
    out = tmp_path / "assessment.csv"
    uri = f"http://127.0.0.1:{closed_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_HTTP_REQUEST")}
    try:
        proc = subprocess.run([sys.executable, "-m", "mstarget", *assess_argv(uri, "x", out)],
                              capture_output=True, text=True, env=env, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("tracking did not fail fast: still retrying after 120 s")
    assert proc.returncode == 3, proc.stderr
    assert f"cannot reach the MLflow tracking server at {uri}" in proc.stderr
    assert len(pd.read_csv(out)) == len(mt.read_plan(PLAN))


def test_api_can_warn_instead_of_losing_the_result(tmp_path):
    table = pd.DataFrame({"status": ["met"], "p_meet": [1.0]})
    bad = tracking.TrackingSettings(tracking_uri=f"http://127.0.0.1:{closed_port()}")
    with pytest.warns(MstargetWarning, match="not tracked"):
        assert tracking.log_assessment(table, {"model": "auto"}, bad, on_error="warn") is None
    with pytest.raises(TrackingError, match="cannot reach"):
        tracking.log_assessment(table, {"model": "auto"}, bad)


def test_timeout_setting_and_http_retry_policy_are_scoped(monkeypatch):
    monkeypatch.setenv("MSTARGET_TRACKING_TIMEOUT", "2.5")
    assert tracking.TrackingSettings.from_env().resolved_timeout() == 2.5
    assert tracking.TrackingSettings(timeout=7).resolved_timeout() == 7
    monkeypatch.setenv("MSTARGET_TRACKING_TIMEOUT", "soon")
    with pytest.raises(TrackingError, match="MSTARGET_TRACKING_TIMEOUT"):
        tracking.TrackingSettings.from_env().resolved_timeout()
    monkeypatch.delenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", raising=False)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")  # the user's own choice wins
    with _fail_fast("http://example.invalid:5000", 3):
        assert os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] == "1"  # issue 14: one retry at most
        assert os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] == "60"
    assert "MLFLOW_HTTP_REQUEST_MAX_RETRIES" not in os.environ


def test_logging_a_model_leaves_the_callers_mlflow_settings_alone(store_uri, experiment,
                                                                   monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///elsewhere.db")
    before = mlflow.get_tracking_uri()
    tracking.log_forecaster("naive", horizon=1, n_paths=20,
                            settings=tracking.TrackingSettings(tracking_uri=store_uri,
                                                               experiment=experiment))
    assert os.environ["MLFLOW_TRACKING_URI"] == "sqlite:///elsewhere.db"
    assert mlflow.get_tracking_uri() == before
    assert mlflow.active_run() is None


def test_relative_sqlite_uri_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert tracking.TrackingSettings().store_uri() == f"sqlite:///{tmp_path.resolve() / 'mlflow.db'}"


def test_tracked_calls_inside_an_experiment_run_become_its_children(store_uri, experiment,
                                                                     monkeypatch):
    """An experiment script opens one parent run; each tracked assess call inside is a child."""
    settings = tracking.TrackingSettings(tracking_uri=store_uri, experiment=experiment)
    table = pd.DataFrame({"status": ["met", "off_track"], "p_meet": [1.0, 0.1]})
    with tracking.start_run("experiment", settings) as parent:
        ids = [tracking.log_assessment(table, {"model": m}, settings) for m in ("naive", "drift")]
    _, runs = runs_of(store_uri, experiment)
    children = {r.info.run_id: r for r in runs if r.info.run_id != parent.run_id}
    assert set(children) == set(ids)
    assert all(r.data.tags["mlflow.parentRunId"] == parent.run_id for r in children.values())
    assert {r.data.metrics["n_off_track"] for r in children.values()} == {1}

    # a user's own mlflow.start_run() run in the same store can be the parent too
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store_uri)
    mlflow.set_tracking_uri(store_uri)
    try:
        with mlflow.start_run(experiment_id=parent.experiment_id) as own:
            with tracking.start_run("inside notebook run", nested=True) as child:
                assert child.parent_run_id == own.info.run_id
    finally:
        mlflow.set_tracking_uri(None)
