"""A tracked command loads MLflow in a second process while it computes (issue 16, latency):
the run it logs is the run the command logs in-process; bad input writes nothing; store errors,
SIGTERM and a failure while drawing behave as documented.

Each command runs in a fresh interpreter, as a user's does: the tracking process is only forked
from a process with no other thread, and MLflow used in the test process starts threads.
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
from mlflow import MlflowClient

from mlflow_helpers import runs_of

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "data" / "china" / "national_targets.csv"
HISTORY = ROOT / "data" / "china" / "national_history.csv"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the tracking process is forked: Linux only")


def run_cli(args: list[str], *, patch: str = "", env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    """``mstarget <args>`` in a fresh interpreter, after the Python statements ``patch``."""
    code = ("import sys\n" + patch + "\nfrom mstarget.cli.main import main\nsys.exit(main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", **(env or {})},
                          cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    uri = f"sqlite:///{tmp_path_factory.mktemp('bg_store') / 'mlflow.db'}"
    MlflowClient(tracking_uri=uri).search_experiments()
    return uri


def argv(uri: str, experiment: str, out: Path, *extra: str) -> list[str]:
    return ["assess", "--plan", str(PLAN), "--history", str(HISTORY), "--as-of", "2022",
            "--seed", "0", "--tracking-uri", uri, "--experiment", experiment, "--out", str(out), *extra]


def test_the_tracking_process_logs_the_run_the_command_logs_in_process(store, tmp_path):
    experiment = f"same-{uuid.uuid4().hex[:6]}"
    inline_cmd = run_cli(argv(store, experiment, tmp_path / "a.csv") + ["--chart", str(tmp_path / "c.png")],
                         env={"MSTARGET_TRACKING_PROCESS": "0"},
                         patch="import os; print('PID', os.getpid())")
    forked_cmd = run_cli(argv(store, experiment, tmp_path / "b.csv") + ["--chart", str(tmp_path / "d.png")],
                         patch="import os; print('PID', os.getpid())")
    assert inline_cmd.returncode == forked_cmd.returncode == 0, forked_cmd.stderr[-2000:]
    pids = [c.stdout.split("PID ", 1)[1].split()[0] for c in (inline_cmd, forked_cmd)]
    client, (inline, forked) = runs_of(store, experiment)
    assert inline.data.tags["mstarget.pid"] == pids[0]
    assert forked.data.tags["mstarget.pid"] != pids[1]  # logged by the command's child process
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
    # the --chart PNG is the run's fan chart, byte for byte (drawn once)
    chart = Path(client.download_artifacts(forked.info.run_id, "fan_chart.png", str(tmp_path / "png")))
    assert chart.read_bytes() == (tmp_path / "d.png").read_bytes()


def test_bad_input_with_tracking_on_creates_no_store(tmp_path):
    """The child loads MLflow meanwhile, but a command refused for bad input opens no store."""
    bad = tmp_path / "plan.csv"
    bad.write_text("indicator,name,target\nx,某指标,abc\n", encoding="utf-8")
    done = run_cli(["assess", "--plan", str(bad), "--history", str(HISTORY)], cwd=tmp_path)
    assert done.returncode == 2
    assert "plan.csv" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv"]  # no mlflow.db, no mlruns


def test_a_store_that_fails_in_the_child_is_exit_3_with_the_results_written(tmp_path):
    db = tmp_path / "mlflow.db"
    db.write_bytes(b"this is not a database" * 100)
    out = tmp_path / "a.csv"
    done = run_cli(argv(f"sqlite:///{db}", "x", out))
    assert done.returncode == 3
    assert "looks damaged or half-created" in done.stderr and str(db) in done.stderr
    assert len(pd.read_csv(out)) == 5  # the plan's five targets: written before the run failed


SLOW_RECORD = """
import os, signal, time
import mstarget.tracking.records as records
parent = os.getpid()
def slow_record(*args, **kwargs):  # runs in the child: the user stops the command meanwhile
    os.kill(parent, signal.SIGTERM)
    time.sleep(60)
records.record_assessment = slow_record
"""


def test_sigterm_to_the_command_while_the_child_logs_ends_the_run_failed(store, tmp_path):
    experiment = f"term-{uuid.uuid4().hex[:6]}"
    done = run_cli(argv(store, experiment, tmp_path / "a.csv"), patch=SLOW_RECORD)
    assert done.returncode == 143
    assert "terminated (SIGTERM)" in done.stderr
    _, runs = runs_of(store, experiment)
    assert [r.info.status for r in runs] == ["FAILED"]
    assert runs[0].data.tags["mstarget.error"] == "interrupted (SIGTERM)"


BROKEN_FAN = """
import mstarget.cli.assess as assess_cli
def broken(*args, **kwargs):
    raise RuntimeError("the fan chart could not be laid out")
assess_cli.fan_chart = broken
"""


def test_a_chart_that_fails_after_the_call_was_handed_over_ends_the_run_failed(store, tmp_path):
    """The child logs the tables while the command draws; if drawing fails, the run says why."""
    experiment = f"chart-{uuid.uuid4().hex[:6]}"
    out = tmp_path / "a.csv"
    done = run_cli(argv(store, experiment, out), patch=BROKEN_FAN)
    assert done.returncode == 1  # a bug of ours: exit 1
    assert not out.exists()  # charts come before --out: nothing written
    _, runs = runs_of(store, experiment)
    assert [r.info.status for r in runs] == ["FAILED"]
    assert runs[0].data.tags["mstarget.error"] == (
        "CommandFailed: the command failed before its charts were logged: "
        "RuntimeError: the fan chart could not be laid out")
