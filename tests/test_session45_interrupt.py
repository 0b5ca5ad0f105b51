"""Session 45 (task B): Ctrl+C never leaves a tracked run RUNNING nor a half-written result, and Ctrl+C while
mstarget loads says "interrupted" on one line (exit 130), not a traceback.

Deterministic: every Ctrl+C is a real SIGINT that a monkeypatched step of the command sends its own process
(or, from the tracking process, its command) at a chosen moment -- no timing. Each command runs in a
subprocess (a driver script given below) on the shipped national targets and history, with a SQLite store in
tmp_path.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="real signals and the forked tracking process")

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

#: runs ``mstarget assess`` through the console-script entry point with one step patched to press Ctrl+C:
#: argv = mode, tracking uri, --out path, then the command's arguments
DRIVER = textwrap.dedent("""
    import os, signal, sys, time
    mode, uri, out = sys.argv[1:4]
    import mstarget_entry
    from mstarget.tracking import runs
    from mlflow.tracking import MlflowClient
    import mstarget.cli.assess as assess_cli

    command_pid = os.getpid()

    def ctrl_c(pid=None):
        os.kill(pid or os.getpid(), signal.SIGINT)

    def wait_to_be_stopped():  # bounded: a command never stopped goes on, and the test says what it found
        for _ in range(3000):
            time.sleep(0.02)

    real_metrics, real_batch, real_end = runs.Run.log_metrics, MlflowClient.log_batch, MlflowClient.set_terminated

    if mode == "tracking process":  # the command stops while its tracking process is inside the run
        def metrics_then_ctrl_c(self, *args, **kwargs):
            real_metrics(self, *args, **kwargs)
            if os.getpid() != command_pid:  # in the tracking process: the run exists now
                ctrl_c(os.getppid())  # the user's Ctrl+C reaches the command ...
                wait_to_be_stopped()  # ... which stops this process (SIGUSR1)
        runs.Run.log_metrics = metrics_then_ctrl_c
        real_write = assess_cli.write_table

        def write_until_stopped(*args, **kwargs):  # the --out table is being written when Ctrl+C lands
            real_write(*args, **kwargs)
            wait_to_be_stopped()
        assess_cli.write_table = write_until_stopped
    elif mode == "while logging":  # logged in this process, after --out was written
        def metrics_then_ctrl_c(self, *args, **kwargs):
            real_metrics(self, *args, **kwargs)
            ctrl_c()
        runs.Run.log_metrics = metrics_then_ctrl_c
    elif mode == "twice":  # a second Ctrl+C while the first one's run is being ended
        def metrics_then_ctrl_c(self, *args, **kwargs):
            real_metrics(self, *args, **kwargs)
            ctrl_c()
        runs.Run.log_metrics = metrics_then_ctrl_c

        def batch(self, run_id, *args, **kwargs):
            if any(t.key == "mstarget.error" for t in kwargs.get("tags") or ()):
                ctrl_c()  # the user presses Ctrl+C again as the run is told why it stops
            return real_batch(self, run_id, *args, **kwargs)
        MlflowClient.log_batch = batch
    elif mode == "as the run ends":  # Ctrl+C lands in the store's update that ends the run FINISHED
        def end(self, run_id, status="FINISHED", *args, **kwargs):
            if status == "FINISHED":
                ctrl_c()
            return real_end(self, run_id, status, *args, **kwargs)
        MlflowClient.set_terminated = end
    sys.exit(mstarget_entry.main(sys.argv[4:]))
""")


def _assess(tmp_path: Path, mode: str, *, tracking_process: bool) -> tuple[subprocess.CompletedProcess, str, Path]:
    data = ROOT / "data" / "china"
    uri, out = f"sqlite:///{tmp_path / 'mlflow.db'}", tmp_path / "national.csv"
    argv = ["assess", "--plan", str(data / "national_targets.csv"), "--history", str(data / "national_history.csv"),
            "--as-of", "2022",
            "--out", str(out), "--tracking-uri", uri, "--experiment", "s45"]
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "PYTHONPATH": str(SRC),
           "MSTARGET_TRACKING_PROCESS": "1" if tracking_process else "0"}
    env.pop("MSTARGET_DEBUG", None)
    done = subprocess.run([sys.executable, "-c", DRIVER, mode, uri, str(out), *argv], capture_output=True,
                          text=True, timeout=600, env=env, cwd=tmp_path)
    return done, uri, out


def _runs(tmp_path: Path) -> list[tuple[str, dict]]:
    """(status, tags) of every run of experiment s45, read with sqlite3 (as another process would)."""
    con = sqlite3.connect(tmp_path / "mlflow.db")
    try:
        rows = con.execute("select r.run_uuid, r.status from runs r join experiments e using (experiment_id) "
                           "where e.name = 's45'").fetchall()
        return [(status, dict(con.execute("select key, value from tags where run_uuid = ?", (run_id,))))
                for run_id, status in rows]
    finally:
        con.close()


def _one_line(err: str) -> str:
    assert "Traceback" not in err, err[-3000:]
    lines = [line for line in err.splitlines() if line.strip()]
    return lines[-1]


def test_ctrl_c_while_writing_out_and_the_tracking_process_logs_ends_the_run_killed_and_writes_nothing(tmp_path):
    done, _, out = _assess(tmp_path, "tracking process", tracking_process=True)
    assert done.returncode == 130, done.stderr[-3000:]
    assert _one_line(done.stderr) == ("interrupted; nothing was left half-written; "
                                      "the MLflow run begun was ended KILLED")
    assert sorted(p.name for p in tmp_path.iterdir() if "national" in p.name) == []  # no table, no temporary file
    ((status, tags),) = _runs(tmp_path)
    assert status == "KILLED"  # MLflow's status of a run stopped by the user; was FAILED
    assert tags["mstarget.error"] == "interrupted (SIGINT / Ctrl+C)"


@pytest.mark.parametrize("mode", ["while logging", "twice"])
def test_ctrl_c_while_the_run_is_logged_in_process_ends_it_killed_and_keeps_the_table_written(tmp_path, mode):
    """Logged in the command's own process (MSTARGET_TRACKING_PROCESS=0): the --out table, renamed into place
    before logging began, is whole; the run ends KILLED -- also when Ctrl+C is pressed a second time as the
    run is being ended (that second one used to cut the ending short: the run stayed RUNNING)."""
    done, _, out = _assess(tmp_path, mode, tracking_process=False)
    assert done.returncode == 130, done.stderr[-3000:]
    assert _one_line(done.stderr) == (
        f"interrupted after writing {out} (it holds the new results); the MLflow run was not logged "
        "(interrupted; a run already begun is ended KILLED): run the command again to log it")
    table = pd.read_csv(out)
    assert len(table) == 5 and table["p_meet"].notna().sum() == 4  # the five national targets, whole (one no_data)
    assert [p.name for p in tmp_path.iterdir() if "national" in p.name] == ["national.csv"]
    ((status, tags),) = _runs(tmp_path)
    assert status == "KILLED"
    assert tags["mstarget.error"] == "interrupted (SIGINT / Ctrl+C)"


def test_ctrl_c_as_the_run_is_being_ended_finished_ends_it_killed_not_running(tmp_path):
    """The window: Ctrl+C landing in the store's update that ends the run FINISHED raised out of it, leaving
    the run RUNNING (until the next command ended it FAILED as if its process had been killed). Now it waits
    for the update, then ends the run KILLED -- everything logged kept -- and the command stops with 130."""
    done, _, out = _assess(tmp_path, "as the run ends", tracking_process=False)
    assert done.returncode == 130, done.stderr[-3000:]
    assert _one_line(done.stderr).startswith(f"interrupted after writing {out}")
    ((status, tags),) = _runs(tmp_path)
    assert status == "KILLED"
    assert tags["mstarget.error"] == "interrupted (SIGINT / Ctrl+C, as the run was being ended)"
    con = sqlite3.connect(tmp_path / "mlflow.db")
    try:  # what was logged is kept: the assessment's metrics
        assert con.execute("select count(*) from metrics where key = 'n_targets'").fetchone()[0] == 1
    finally:
        con.close()


# -- Ctrl+C while mstarget loads -------------------------------------------------------------------------------

#: the console script's entry point with a Ctrl+C landing inside the import of a module (``import mstarget`` loads
#: numpy, pandas and its models before the command line is built): an importer of this test raises it when that
#: module is looked for
LOADING = textwrap.dedent("""
    import sys

    class CtrlC:
        def find_spec(self, name, path=None, target=None):
            if name == sys.argv[1]:
                raise KeyboardInterrupt
            return None

    sys.meta_path.insert(0, CtrlC())
    import mstarget_entry
    sys.exit(mstarget_entry.main(sys.argv[2:]))
""")


@pytest.mark.parametrize("module", ["numpy", "pandas", "mstarget.models", "mstarget.cli.common"])
def test_ctrl_c_while_mstarget_loads_says_interrupted_on_one_line(tmp_path, module):
    env = {**os.environ, "PYTHONPATH": str(SRC), "MLFLOW_DISABLE_TELEMETRY": "true"}
    data = ROOT / "data" / "china"
    done = subprocess.run([sys.executable, "-c", LOADING, module, "assess", "--plan", str(data / "national_targets.csv"), "--history",
                           str(data / "national_history.csv"), "--out", str(tmp_path / "out.csv")],
                          capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert done.returncode == 130, done.stderr[-3000:]
    assert done.stderr == "interrupted\n"  # was a traceback from inside the import
    assert not list(tmp_path.glob("out*"))


def test_the_entry_point_catches_an_interruption_of_its_own_import(monkeypatch, capsys):
    """In-process: the import of the command line raising KeyboardInterrupt (a monkeypatched importer)."""
    import builtins

    import mstarget_entry

    real_import = builtins.__import__

    def importer(name, *args, **kwargs):
        if name == "mstarget.cli.main":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", importer)
    assert mstarget_entry.main(["--version"]) == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_the_console_script_is_the_light_entry_module():
    """``[project.scripts]`` names it, and it imports nothing heavy at its top (only the standard library)."""
    import ast
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["mstarget"] == "mstarget_entry:main"
    tree = ast.parse((SRC / "mstarget_entry.py").read_text(encoding="utf-8"))
    top = {alias.name for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
           for alias in node.names} | {node.module for node in tree.body if isinstance(node, ast.ImportFrom)}
    assert top <= {"sys", "annotations", "__future__"}
