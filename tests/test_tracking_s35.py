"""Tracking, session 35: a new SQLite store is created whole or not at all (a Ctrl+C during the
first command used to leave a half-created store every later command refused); runs of forecast,
backtest and risk score named for what ran; backtest parents and children comparable; per-target
metric keys readable for Chinese ids; a failed store and Ctrl+C recorded on the run.

Commands run in a fresh interpreter where MLflow must open a store anew (MLflow caches a store per
URI inside a process). Synthetic store damage is made by code here: an intermediate Alembic
revision and a dropped table, as an interrupted migration leaves them.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
from mlflow import MlflowClient
from mlflow.utils.validation import _validate_metric_name

from mlflow_helpers import runs_of
from mstarget.exceptions import TrackingError
from mstarget.tracking import records, store
from mstarget.tracking.runs import start_run
from mstarget.tracking.store import TrackingSettings

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "data" / "china" / "national_targets.csv"
HISTORY = ROOT / "data" / "china" / "national_history.csv"
SAMPLES = ROOT / "data" / "china" / "food_sampling_by_category.csv"
#: a revision in the middle of MLflow's migrations (an interrupted creation stops at one like it)
MIDDLE = "a1b2c3d4e5f6"


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    code = "import sys\nfrom mstarget.cli.main import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", **(env or {})},
                          timeout=300)


def risk_score(uri: str, experiment: str, *extra: str) -> subprocess.CompletedProcess:
    return run_cli("risk", "score", "--samples", str(SAMPLES), "--region", "全国", "--tracking-uri", uri,
                   "--experiment", experiment, *extra)


def set_revision(db: Path, revision: str, drop: str | None = None) -> None:
    con = sqlite3.connect(db)
    con.execute("update alembic_version set version_num = ?", (revision,))
    if drop:
        con.execute(f"drop table {drop}")
    con.commit()
    con.close()


def revision(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("select version_num from alembic_version").fetchone()[0]
    finally:
        con.close()


# ------------------------------------------------------------------ 1. creating a store
@pytest.mark.parametrize("drop", [None, "registered_model_tags"])
def test_a_half_created_store_holding_nothing_is_created_again(tmp_path, drop):
    db = tmp_path / "m.db"
    uri = f"sqlite:///{db}"
    MlflowClient(tracking_uri=uri).search_experiments()
    head = revision(db)
    set_revision(db, MIDDLE, drop)  # what a Ctrl+C during the first command's migrations left
    done = risk_score(uri, "s35")
    assert done.returncode == 0, done.stderr[-1500:]
    assert revision(db) == head
    con = sqlite3.connect(db)  # read as a new process would (this one's MLflow holds the old file open)
    assert con.execute("select r.status from runs r join experiments e using (experiment_id) "
                       "where e.name = 's35'").fetchall() == [("FINISHED",)]
    con.close()


def test_an_out_of_date_store_holding_runs_is_still_refused_and_left_alone(tmp_path):
    db = tmp_path / "m.db"
    uri = f"sqlite:///{db}"
    client = MlflowClient(tracking_uri=uri)
    run = client.create_run(client.create_experiment("kept"))
    client.set_terminated(run.info.run_id)
    set_revision(db, MIDDLE)
    size = db.stat().st_size
    done = risk_score(uri, "s35")
    assert done.returncode == 3
    assert "out-of-date database schema" in done.stderr and "move it aside" in done.stderr
    assert revision(db) == MIDDLE and db.stat().st_size == size
    con = sqlite3.connect(db)
    assert con.execute("select run_uuid from runs").fetchall() == [(run.info.run_id,)]
    con.close()


def test_a_store_interrupted_while_created_leaves_nothing_and_the_next_command_creates_it(tmp_path, monkeypatch):
    from mlflow.store.db import utils as db_utils

    db = tmp_path / "new" / "m.db"
    db.parent.mkdir()
    uri = f"sqlite:///{db}"
    real = db_utils._upgrade_db

    def interrupted(engine):
        raise KeyboardInterrupt  # Ctrl+C in the middle of MLflow's migrations

    monkeypatch.setattr(db_utils, "_upgrade_db", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store._client(uri)
    assert sorted(p.name for p in db.parent.iterdir()) == [".m.db.lock"]  # no store, no temporary file
    monkeypatch.setattr(db_utils, "_upgrade_db", real)
    done = risk_score(uri, "s35")
    assert done.returncode == 0, done.stderr[-1500:]
    assert len(runs_of(uri, "s35")[1]) == 1


# ------------------------------------------------------------------ 2-3. run names, backtest runs
@pytest.fixture(scope="module")
def named_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("names")
    uri, experiment = f"sqlite:///{folder / 'mlflow.db'}", f"names-{uuid.uuid4().hex[:6]}"
    common = ("--tracking-uri", uri, "--experiment", experiment)
    for argv in (("forecast", "--history", str(HISTORY), "--horizon", "3", "--model", "drift",
                  "--region", "全国"),
                 ("backtest", "--history", str(HISTORY), "--models", "drift,theta", "--horizon", "2",
                  "--origins", "2"),
                 ("risk", "score", "--samples", str(SAMPLES), "--by", "category", "--region", "全国",
                  "--as-of", "2023H1", "--half-life", "none")):
        done = run_cli(*argv, *common)
        assert done.returncode == 0, done.stderr[-1500:]
    return runs_of(uri, experiment)


def test_forecast_backtest_and_risk_runs_are_named_for_what_ran(named_runs):
    client, runs = named_runs
    names = [r.info.run_name for r in runs]
    assert "forecast 全国 h=3 · drift" in names
    assert "backtest 全国 h=2 ×2 origins · drift, theta" in names
    assert {"backtest:drift h=2", "backtest:theta h=2"} <= set(names)
    assert "risk score 全国 by category as of 2023H1 · half-life none" in names
    risk = next(r for r in runs if r.info.run_name.startswith("risk score"))
    assert risk.data.params["half_life"] == "none" and risk.data.params["region"] == "全国"
    forecast = next(r for r in runs if r.info.run_name.startswith("forecast"))
    # the year the data reached is logged as as_of (session 36), what was typed as as_of_given
    assert forecast.data.params["as_of_given"] == "none" and forecast.data.params["as_of"] == "2022"
    assert forecast.data.params["region"] == "全国"
    assert forecast.data.metrics["n_series"] >= 1


def test_backtest_parent_compares_models_and_children_carry_its_params(named_runs):
    client, runs = named_runs
    parent = next(r for r in runs if r.info.run_name.startswith("backtest "))
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    assert len(children) == 2
    assert parent.data.params["history"] == str(HISTORY)
    for key in ("drift.smape", "drift.mase", "theta.smape", "theta.coverage_80"):
        assert key in parent.data.metrics
    best = parent.data.params["best_model"]
    assert parent.data.tags["mstarget.best_model"] == best
    # session 41: on this history most forecasts of both models were a fallback's (naive: 8 of drift's 12,
    # 11 of theta's 12), and neither was named best (theta used to be, on scores mostly naive's). Session 48: the
    # 8 naive fallbacks are 1-point series, which no scaled score counts; of the 4 forecasts the ranking counts,
    # none of drift's and 3 of theta's (drift's) were a fallback's -- so drift is named, on scores all its own
    assert best == "drift" and parent.data.params["best_model_by"] == "crps_scaled_gmean"
    assert parent.data.params["best_model_passed_over"] == "theta (75% fallback)"
    assert parent.data.metrics["theta.share_fallback"] == pytest.approx(11 / 12)
    assert parent.data.metrics["theta.share_fallback_scaled"] == pytest.approx(3 / 4)
    assert parent.data.metrics["drift.share_fallback_scaled"] == 0.0
    for child in children:
        p = child.data.params
        assert p["model"] in ("drift", "theta")
        for key in ("horizon", "origins", "data_fingerprint", "history"):
            assert p[key] == parent.data.params[key], key
        assert child.data.metrics["smape"] == parent.data.metrics[f"{p['model']}.smape"]


def test_runs_record_the_commit_of_the_mstarget_checkout(named_runs, tmp_path):
    client, runs = named_runs
    top = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    expected = store.package_git_commit()
    if (ROOT / ".git").exists():
        assert expected is not None and len(expected) == 40
    assert all(r.data.tags.get("mlflow.source.git.commit") == expected for r in top if expected)
    # a checkout read from its files: branch ref, packed ref, detached HEAD
    git = tmp_path / "repo" / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text("a" * 40 + "\n")
    pkg = tmp_path / "repo" / "src" / "mstarget"
    pkg.mkdir(parents=True)
    assert store.package_git_commit(pkg) == "a" * 40
    (git / "refs" / "heads" / "main").unlink()
    (git / "packed-refs").write_text(f"# pack-refs\n{'b' * 40} refs/heads/main\n")
    assert store.package_git_commit(pkg) == "b" * 40
    (git / "HEAD").write_text("c" * 40)
    assert store.package_git_commit(pkg) == "c" * 40


# ------------------------------------------------------------------ 4. per-target metric keys
def test_per_target_metric_keys_keep_chinese_ids_readable_and_unique():
    national = pd.read_csv(PLAN).assign(p_meet=0.5, forecast=1.0)
    metrics = records.target_metrics(national.assign(indicator=national["name"]))
    assert "p_meet.全国.每万人口高价值发明专利拥有量" in metrics
    table = pd.DataFrame({"region": ["鼎湖区", "鼎湖区", "端州区", "端州区"],
                          "indicator": ["GDP增速(%)", "GDP增速（%）", "食品抽检合格率" * 20, "食品抽检合格率" * 20 + "x"],
                          "p_meet": [0.1, 0.2, 0.3, 0.4], "forecast": [1.0, 2.0, 3.0, 4.0]})
    keys = records.target_metric_keys(table)["key"].tolist()
    assert len(set(keys)) == 4 and keys[0].startswith("鼎湖区.GDP增速_") and keys[0] != keys[1]
    metrics = records.target_metrics(table)
    assert len(metrics) == 8
    for name in metrics:
        _validate_metric_name(name)
        assert len(name) <= 250


# ------------------------------------------------------------------ 5, 7. values and failures
def test_assessment_counts_binding_targets_even_when_there_are_none():
    table = pd.DataFrame({"status": ["on_track", "at_risk"], "attribute": ["expected", "expected"],
                          "p_meet": [0.9, 0.4]})
    metrics = records.assessment_metrics(table)
    assert metrics["n_binding"] == 0 and metrics["n_binding_at_risk_or_off_track"] == 0


def test_a_run_ended_failed_by_the_store_says_why(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    settings = TrackingSettings(tracking_uri=uri, experiment="fail")
    with pytest.raises(TrackingError):
        with start_run("fail", settings):
            raise TrackingError("cannot write the artifact folder /x/mlruns: Permission denied")
    run = runs_of(uri, "fail")[1][0]
    assert run.info.status == "FAILED"
    assert "Permission denied" in run.data.tags["mstarget.error"]


@pytest.mark.skipif(sys.platform != "linux", reason="the tracking process is forked: Linux only")
def test_ctrl_c_while_the_tracking_process_logs_is_recorded_as_sigint(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    code = f"""
import sys
from mstarget.tracking import background
from mstarget.tracking.store import TrackingSettings
import pandas as pd
proc = background.start(TrackingSettings(tracking_uri={uri!r}, experiment="ctrl-c"))
assert proc is not None
proc.open_store()
proc.submit("log_result", "risk score", pd.DataFrame({{"a": [1]}}), {{}}, TrackingSettings(tracking_uri={uri!r}, experiment="ctrl-c"),
            figure=background.Later("figure"))
import sqlite3, time
for _ in range(600):  # wait for the child to open the run (read with sqlite3: MLflow here would create the store)
    try:
        import os
        if os.path.exists({str(tmp_path / 'mlflow.db')!r}) and sqlite3.connect({str(tmp_path / 'mlflow.db')!r}).execute("select count(*) from runs").fetchone()[0]:
            break
    except sqlite3.Error:
        pass
    time.sleep(0.1)
proc.close(KeyboardInterrupt())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"})
    assert done.returncode == 0, done.stderr[-1500:]
    run = runs_of(uri, "ctrl-c")[1][0]
    assert run.info.status == "KILLED"  # Ctrl+C: MLflow's status of a run stopped by the user (s45)
    assert run.data.tags["mstarget.error"] == "interrupted (SIGINT / Ctrl+C)"
