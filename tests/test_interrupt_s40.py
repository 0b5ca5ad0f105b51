"""Session 40 (G6): a stop request (Ctrl+C / SIGTERM) is never lost, and a command stopped after it
wrote its files says which ones hold the new results and that the MLflow run was not logged.

Deterministic: the CLI's signal handler is called directly and its KeyboardInterrupt swallowed --
what Python does when the signal lands in a weakref callback or ``__del__`` ("Exception ignored").
"""
from __future__ import annotations

import os
import signal
import sys

import pytest

from mstarget import output_set
from mstarget.cli import main as cli
from mstarget.io import write_table


def _swallowed_sigterm() -> None:
    """SIGTERM whose KeyboardInterrupt is lost, as in an ignored callback."""
    try:
        cli._terminate(signal.SIGTERM, None)
    except KeyboardInterrupt:
        pass


@pytest.fixture(autouse=True)
def _no_stop_left():
    clear = getattr(output_set, "clear_stop", lambda: None)
    clear()
    yield
    clear()


def test_a_swallowed_sigterm_keeps_the_earlier_file(tmp_path):
    import pandas as pd

    out = tmp_path / "result.csv"
    out.write_text("earlier\n", encoding="utf-8")
    with cli._sigterm_like_sigint():
        _swallowed_sigterm()
        with pytest.raises(KeyboardInterrupt):
            with output_set.outputs_together():
                write_table(pd.DataFrame({"a": [1]}), out)
    assert out.read_text(encoding="utf-8") == "earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.csv"]  # no temporary file left


def test_cli_swallowed_sigterm_exits_143_and_keeps_the_earlier_output(tmp_path, data_dir, capsys, monkeypatch):
    import mstarget.cli.assess as assess_cli

    out = tmp_path / "dinghu.csv"
    out.write_text("earlier\n", encoding="utf-8")
    real = assess_cli.write_table

    def write_after_a_lost_sigterm(*args, **kwargs):
        _swallowed_sigterm()
        return real(*args, **kwargs)

    monkeypatch.setattr(assess_cli, "write_table", write_after_a_lost_sigterm)
    code = cli.main(["assess", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--out", str(out), "--no-track"])
    err = capsys.readouterr().err
    assert code == 143
    assert out.read_text(encoding="utf-8") == "earlier\n"
    assert "terminated (SIGTERM); nothing was left half-written" in err


def test_cli_sigterm_lost_after_the_work_still_exits_143(tmp_path, data_dir, capsys, monkeypatch):
    """The stop request arrives (and is swallowed) after the files were written: main() still ends
    with 143 and names the file holding the new results."""
    import mstarget.cli.assess as assess_cli

    out = tmp_path / "dinghu.csv"
    real = assess_cli.summary_line

    def summary_after_a_lost_sigterm(*args, **kwargs):
        _swallowed_sigterm()
        return real(*args, **kwargs)

    monkeypatch.setattr(assess_cli, "summary_line", summary_after_a_lost_sigterm)
    code = cli.main(["assess", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--out", str(out), "--no-track"])
    err = capsys.readouterr().err
    assert code == 143
    assert out.exists()
    assert f"terminated (SIGTERM) after writing {out} (it holds the new results)" in err


def test_report_stopped_after_its_files_were_written_says_so(tmp_path, data_dir, capsys, monkeypatch):
    """SIGTERM after the report's files are in place, before its MLflow run exists: not "nothing was
    left half-written" but which files hold the new report and that the run was not logged."""
    import mstarget.cli.report as report_cli

    def terminated(*args, **kwargs):
        cli._terminate(signal.SIGTERM, None)

    monkeypatch.setattr(report_cli.common, "log_run", terminated)
    html, xlsx = tmp_path / "rep.html", tmp_path / "rep.xlsx"
    code = cli.main(["report", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--out", str(html),
                     "--out", str(xlsx), "--max-charts", "0",
                     "--tracking-uri", f"sqlite:///{tmp_path / 'mlflow.db'}"])
    err = capsys.readouterr().err
    assert code == 143
    assert html.exists() and xlsx.exists()
    assert f"terminated (SIGTERM) after writing {html}, {xlsx} (they hold the new results)" in err
    assert "the MLflow run was not logged (interrupted" in err
    assert "nothing was left half-written" not in err


def test_ctrl_c_after_the_files_says_interrupted_130(tmp_path, data_dir, capsys, monkeypatch):
    import mstarget.cli.assess as assess_cli

    out = tmp_path / "dinghu.csv"

    def ctrl_c(*args, **kwargs):
        cli._terminate(signal.SIGINT, None)

    monkeypatch.setattr(assess_cli, "summary_line", ctrl_c)
    code = cli.main(["assess", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--out", str(out), "--no-track"])
    err = capsys.readouterr().err
    assert code == 130
    assert f"interrupted after writing {out} (it holds the new results)" in err


#: the body of the tracking-process test, run in a fresh interpreter: the test process itself has threads by then
#: (other tests' engines), and a process with threads starts no forked tracking process
_TRACKING_PROBE = """
import os, signal, sys, time
from pathlib import Path
import pandas as pd
from mstarget.cli import main as cli
from mstarget.tracking import TrackingSettings, background

def sigint_ignored(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False

settings = TrackingSettings.from_env(enabled=True, tracking_uri="sqlite:///" + sys.argv[1])
with cli._sigterm_like_sigint():  # the CLI's handlers, inherited by the forked child
    proc = background.start(settings)
    if proc is None:
        print("NO-PROCESS"); sys.exit(0)
    try:
        while proc._process.is_alive() and not sigint_ignored(proc.pid):
            time.sleep(0.01)  # until the child has set its own handlers (it ignores SIGINT last)
        os.kill(proc.pid, signal.SIGTERM)
        proc._process.join(60)
        print("EXIT", proc._process.exitcode)
        try:
            proc.submit("log_result", "probe", pd.DataFrame({"a": [1]}), {}, settings)
            proc.result()
            print("RAISED nothing")
        except KeyboardInterrupt:
            print("RAISED KeyboardInterrupt")
        except Exception as exc:
            print("RAISED", type(exc).__name__, "stopped by SIGTERM" in str(exc))
    finally:
        proc.close()
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the tracking process is Linux-only")
def test_tracking_process_stopped_by_sigterm_says_so_instead_of_exiting_0(tmp_path):
    """The tracking process receives the SIGTERM sent to the whole process group while it waits for
    the call: it does not exit 0 quietly (the parent then said "ended unexpectedly (exit code 0;
    BrokenPipeError)", exit 3) but tells the parent, which raises the interruption. Run in a fresh
    interpreter, so that the test suite's own threads never skip it."""
    import subprocess

    script = tmp_path / "probe.py"
    script.write_text(_TRACKING_PROBE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "MSTARGET_TRACKING_PROCESS"}
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "mlflow.db")], capture_output=True, text=True,
                          env=env, timeout=300)
    out = done.stdout.split("\n")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "NO-PROCESS" not in out, "a fresh interpreter started no tracking process"
    assert "EXIT 143" in out  # background.STOPPED_EXIT; before: 0, quietly
    assert "RAISED KeyboardInterrupt" in out or "RAISED TrackingError True" in out or any(
        line.startswith("RAISED") and line.endswith("True") for line in out), done.stdout
