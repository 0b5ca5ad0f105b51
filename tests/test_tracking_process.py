"""A tracked command loads MLflow in a second process while it computes (issue 16, latency):
the run it logs is the run the command logs in-process; bad input writes nothing; store errors,
SIGTERM and warnings behave as in-process."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
from mlflow import MlflowClient

from mstarget.cli.main import main
from mstarget.tracking import records as records_module
from mlflow_helpers import runs_of

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "data" / "china" / "national_targets.csv"
HISTORY = ROOT / "data" / "china" / "national_history.csv"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the tracking process is forked: Linux only")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    uri = f"sqlite:///{tmp_path_factory.mktemp('bg_store') / 'mlflow.db'}"
    MlflowClient(tracking_uri=uri).search_experiments()
    return uri


def argv(uri: str, experiment: str, out: Path, *extra: str) -> list[str]:
    return ["assess", "--plan", str(PLAN), "--history", str(HISTORY), "--as-of", "2022",
            "--seed", "0", "--tracking-uri", uri, "--experiment", experiment, "--out", str(out), *extra]


def test_the_tracking_process_logs_the_run_the_command_logs_in_process(store, tmp_path, monkeypatch):
    experiment = f"same-{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv("MSTARGET_TRACKING_PROCESS", "0")
    assert main(argv(store, experiment, tmp_path / "a.csv")) == 0
    monkeypatch.delenv("MSTARGET_TRACKING_PROCESS")
    assert main(argv(store, experiment, tmp_path / "b.csv")) == 0
    client, (inline, forked) = runs_of(store, experiment)
    # the second run was logged by another process: the child
    assert inline.data.tags["mstarget.pid"] == str(os.getpid())
    assert forked.data.tags["mstarget.pid"] != str(os.getpid())
    assert forked.info.status == inline.info.status == "FINISHED"
    assert forked.data.metrics == inline.data.metrics
    assert forked.info.run_name == inline.info.run_name
    assert forked.data.params == inline.data.params
    listed = [sorted(a.path for a in client.list_artifacts(r.info.run_id)) for r in (inline, forked)]
    assert listed[0] == listed[1] == ["assessment.csv", "fan_chart.png", "overview_chart.png",
                                      "per_target_metrics.csv"]
    tables = [pd.read_csv(client.download_artifacts(r.info.run_id, "assessment.csv", str(tmp_path / r.info.run_id)))
              for r in (inline, forked)]
    pd.testing.assert_frame_equal(tables[0], tables[1])
    chart = Path(client.download_artifacts(forked.info.run_id, "fan_chart.png", str(tmp_path / "png")))
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 20_000
    assert multiprocessing.active_children() == []  # the child has ended


def test_bad_input_with_tracking_on_creates_no_store(tmp_path, monkeypatch, capsys):
    """The child loads MLflow meanwhile, but a command refused for bad input opens no store."""
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "plan.csv"
    bad.write_text("indicator,name,target\nx,某指标,abc\n", encoding="utf-8")
    code = main(["assess", "--plan", str(bad), "--history", str(HISTORY)])
    assert code == 2
    assert "plan.csv" in capsys.readouterr().err
    for _ in range(100):  # the child exits once it has loaded MLflow
        if not multiprocessing.active_children():
            break
        time.sleep(0.1)
    assert multiprocessing.active_children() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv"]  # no mlflow.db, no mlruns


def test_a_store_that_fails_in_the_child_is_exit_3_with_the_results_written(tmp_path, capsys):
    db = tmp_path / "mlflow.db"
    db.write_bytes(b"this is not a database" * 100)
    out = tmp_path / "a.csv"
    assert main(argv(f"sqlite:///{db}", "x", out)) == 3
    err = capsys.readouterr().err
    assert "looks damaged or half-created" in err and str(db) in err
    assert len(pd.read_csv(out)) == 5  # the plan's five targets: written before the run failed


def test_sigterm_to_the_command_while_the_child_logs_ends_the_run_failed(store, tmp_path, monkeypatch, capsys):
    parent = os.getpid()

    def slow_record(*args, **kwargs):  # runs in the child: the user stops the command meanwhile
        os.kill(parent, signal.SIGTERM)
        time.sleep(60)

    monkeypatch.setattr(records_module, "record_assessment", slow_record)
    experiment = f"term-{uuid.uuid4().hex[:6]}"
    assert main(argv(store, experiment, tmp_path / "a.csv")) == 143
    assert "terminated (SIGTERM)" in capsys.readouterr().err
    _, runs = runs_of(store, experiment)
    assert [r.info.status for r in runs] == ["FAILED"]
    assert runs[0].data.tags["mstarget.error"] == "interrupted (SIGTERM)"
    assert multiprocessing.active_children() == []
