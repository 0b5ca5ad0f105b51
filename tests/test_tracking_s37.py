"""Session 37: MLflow tracking robustness.

* the tracking child of a command whose process is killed (SIGKILL, the OOM killer) ends its run
  FAILED and exits -- it used to live on forever, the run RUNNING;
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from mlflow import MlflowClient

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the tracking process is forked: Linux only")


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def _wait_gone(pid: int, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.2)
    return _gone(pid)


#: a command that hands its call to the tracking child, then is killed with SIGKILL; the call
#: opens the run, says so through a file, and takes a long time (a big table) -- or the command
#: is killed before handing anything over (``idle``)
KILLED_COMMAND = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    import pandas as pd
    from mstarget.tracking import background, records
    from mstarget.tracking.store import TrackingSettings
    uri, flag, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]

    def slow(command, table, params, settings=None, **kw):  # runs in the child (forked)
        with records.start_run("slow " + command, settings, params=params) as run:
            flag.write_text(run.run_id)
            for _ in range(600):
                time.sleep(0.1)
        return run.run_id

    records.log_result = slow
    child = background.start(TrackingSettings(tracking_uri=uri, experiment="killed"))
    print(child.pid, flush=True)
    if mode == "busy":
        child.open_store()
        child.submit("log_result", "risk score", pd.DataFrame({"a": [1]}), {"k": 1},
                     TrackingSettings(tracking_uri=uri, experiment="killed"))
        while not flag.exists():
            time.sleep(0.05)
    else:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def _killed_command(tmp_path, mode):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    flag = tmp_path / "run_id.txt"
    proc = subprocess.run([sys.executable, "-c", KILLED_COMMAND, uri, str(flag), mode],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}, start_new_session=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    child = int(proc.stdout.split()[0])
    gone = _wait_gone(child)
    if not gone:
        os.kill(child, signal.SIGKILL)
    return uri, flag, child, gone


@linux_only
def test_sigkill_of_the_command_while_its_child_logs_ends_the_run_failed_and_the_child(tmp_path):
    uri, flag, child, gone = _killed_command(tmp_path, "busy")
    assert gone, f"tracking child {child} still alive after its command was SIGKILLed"
    run = MlflowClient(uri).get_run(flag.read_text())
    assert run.info.status == "FAILED"
    assert "command process died" in run.data.tags["mstarget.error"]


@linux_only
def test_sigkill_of_the_command_before_it_handed_over_ends_the_idle_child(tmp_path):
    uri, flag, child, gone = _killed_command(tmp_path, "idle")
    assert gone, f"tracking child {child} still alive after its command was SIGKILLed"
    assert not flag.exists()


# ---- dataset inputs: the file each run read, a digest of the whole content, no race -----------

import json  # noqa: E402
import warnings  # noqa: E402

import pandas as pd  # noqa: E402

from mstarget.exceptions import TrackingWarning  # noqa: E402
from mstarget.tracking import TrackingSettings  # noqa: E402
from mstarget.tracking.params import Input  # noqa: E402
from mstarget.tracking.records import log_result  # noqa: E402


def _datasets(uri, run_id):
    return {d.dataset.name: d.dataset for d in MlflowClient(uri).get_run(run_id).inputs.dataset_inputs}


def test_each_run_lists_the_file_it_read_and_a_digest_of_all_its_rows(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    settings = TrackingSettings(tracking_uri=uri, experiment="datasets")
    big = pd.DataFrame({"region": ["甲区"] * 12_000, "value": range(12_000)})
    changed = big.copy()
    changed.loc[11_000, "value"] = -1  # past MLflow's first 10,000 rows
    texts = pd.DataFrame({"region": ["甲区", None], "note": ["a", None]})
    texts2 = pd.DataFrame({"region": ["乙区", None], "note": ["b", None]})  # text columns with blanks
    runs = {}
    for key, frame, path in [("a", big, "/data/2025/history.csv"), ("copy", big, "/data/2026/history copy.csv"),
                             ("changed", changed, "/data/2025/history.csv"),
                             ("t1", texts, "/data/t.csv"), ("t2", texts2, "/data/t.csv")]:
        runs[key] = _datasets(uri, log_result("risk score", pd.DataFrame({"x": [1]}), {}, settings,
                                              inputs={"history": Input(frame, path)}))["history"]
    assert json.loads(runs["a"].source)["uri"] == "/data/2025/history.csv"
    assert json.loads(runs["copy"].source)["uri"] == "/data/2026/history copy.csv"  # was the first run's file
    assert runs["changed"].digest != runs["a"].digest  # was equal: row 11,001 was never read
    assert runs["t1"].digest != runs["t2"].digest  # was equal: text columns with blanks were skipped
    # the same content read from another file: the content part of the digest is the same
    assert runs["copy"].digest.split("-")[0] == runs["a"].digest.split("-")[0]


def _refuse_datasets(monkeypatch, times):
    """The store refuses ``times`` log_inputs calls as SQLite does when another run created the
    same dataset at the same moment."""
    import sqlite3

    from mlflow import MlflowClient as Client

    real = Client.log_inputs
    calls = []

    def refused(self, *args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise sqlite3.IntegrityError("UNIQUE constraint failed: datasets.experiment_id, "
                                         "datasets.name, datasets.digest")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Client, "log_inputs", refused)
    return calls


def test_a_dataset_another_run_logged_at_the_same_moment_does_not_fail_the_run(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    settings = TrackingSettings(tracking_uri=uri, experiment="race")
    calls = _refuse_datasets(monkeypatch, 1)
    run_id = log_result("risk score", pd.DataFrame({"x": [1]}), {}, settings,
                        inputs={"history": Input(pd.DataFrame({"v": [1, 2]}), "/data/h.csv")})
    assert len(calls) == 2
    run = MlflowClient(uri).get_run(run_id)
    assert run.info.status == "FINISHED"
    assert [d.dataset.name for d in run.inputs.dataset_inputs] == ["history"]


def test_datasets_refused_again_and_again_are_left_out_with_a_warning(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    settings = TrackingSettings(tracking_uri=uri, experiment="race")
    _refuse_datasets(monkeypatch, 100)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_id = log_result("risk score", pd.DataFrame({"x": [1]}), {}, settings,
                            inputs={"history": Input(pd.DataFrame({"v": [1, 2]}), "/data/h.csv")})
    assert run_id is not None
    assert MlflowClient(uri).get_run(run_id).info.status == "FINISHED"
    assert any(issubclass(w.category, TrackingWarning) and "not logged as datasets" in str(w.message)
               for w in caught)


# ---- API: the run id and model URI in the result; the caller's mlflow run is the parent --------

import mstarget as mt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NATIONAL_HISTORY = ROOT / "data" / "china" / "national_history.csv"
NATIONAL_PLAN = ROOT / "data" / "china" / "national_targets.csv"


def test_api_results_carry_their_run_id_and_model_uri(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    settings = TrackingSettings(tracking_uri=uri, experiment="api")
    table = mt.assess(NATIONAL_HISTORY, NATIONAL_PLAN, as_of=2022, n_paths=200, track=True,
                      tracking_settings=settings)
    run = MlflowClient(uri).get_run(table.attrs["mlflow_run_id"])
    assert run.data.tags["mstarget.command"] == "assess"
    fc = mt.forecast(NATIONAL_HISTORY, horizon=2, n_paths=200, track=True, tracking_settings=settings)
    assert MlflowClient(uri).get_run(fc.attrs["mlflow_run_id"]).data.tags["mstarget.command"] == "forecast"
    assert fc.attrs["model_uri"].startswith("models:/")


def test_api_run_is_a_child_of_the_callers_mlflow_run(tmp_path):
    import mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    try:
        with mlflow.start_run(run_name="leadership review") as outer:
            table = mt.assess(NATIONAL_HISTORY, NATIONAL_PLAN, as_of=2022, n_paths=200, track=True,
                              tracking_settings=TrackingSettings(tracking_uri=uri))
    finally:
        mlflow.set_tracking_uri(None)
    run = MlflowClient(uri).get_run(table.attrs["mlflow_run_id"])
    assert run.data.tags.get("mlflow.parentRunId") == outer.info.run_id


# ---- a store another program holds locked: given up after the timeout, saying so -------------

def test_a_store_another_program_holds_locked_is_given_up_after_the_timeout(tmp_path):
    import sqlite3

    from mstarget.exceptions import TrackingError

    db = tmp_path / "mlflow.db"
    uri = f"sqlite:///{db}"
    settings = TrackingSettings(tracking_uri=uri, experiment="locked", timeout=2)
    log_result("risk score", pd.DataFrame({"x": [1]}), {}, settings)  # the store exists
    locker = sqlite3.connect(str(db), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # e.g. a database browser with unsaved changes
    try:
        # given up after the user's timeout (before: each call retried in full, ~30 s), saying why
        with pytest.raises(TrackingError, match="stayed locked: another program holds it"):
            log_result("risk score", pd.DataFrame({"x": [1]}), {}, settings)
    finally:
        locker.rollback()
        locker.close()
