"""Nothing lost, nothing half-written (session 48): what an analyst on a shared office machine meets
that the earlier robustness tests (test_robustness_*.py, test_outputs_all_or_nothing.py, the interrupt
tests) do not cover.

* an ``--out`` file made read-only (last month's result protected, a file kept by another user) is left
  as it is: exit 4 before any work -- a write beside it renamed over it used to replace it silently;
* ``--out`` / ``--chart`` given twice with two files: exit 2 -- argparse kept the last, the other file
  asked for was never written and never said;
* two commands committing their output sets onto the same files at once: one whole set after the
  other, never one's summary beside the other's details;
* the MLflow store: a disk filling up while the store is created is said as a full disk (it was said
  as a damaged file to move aside); a folder named as the database is said as one; an HTTP server that
  answers its health check but then hangs costs one request's timeout, not four; results written, exit 3;
* ``MSTARGET_DEBUG=1`` shows the traceback of any error that ends a command -- for a tracking failure,
  the store's own, carried back from the tracking process --; without it none.
"""
from __future__ import annotations

import os
import socket
import sqlite3
import stat
import threading
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy.exc

import mstarget as mt
from mstarget import io as mio
from mstarget import output_set
from mstarget.cli.main import main
from mstarget.exceptions import EnvironmentProblem
from mstarget.tracking import store as store_module

ROOT = Path(__file__).resolve().parents[1]
DINGHU = ROOT / "data" / "dinghu_14th_fyp_plan.csv"
EARLIER = "last month's result\n"


def fast_assess(out, *more: str) -> list[str]:
    """A quick assessment of the real Dinghu plan (its own baselines as history), untracked."""
    return ["assess", "--plan", str(DINGHU), "--model", "naive", "--no-track", "--out", str(out), *more]


def tracked_assess(out: Path, uri: str) -> list[str]:
    return ["assess", "--plan", str(DINGHU), "--model", "naive", "--out", str(out), "--tracking-uri", uri,
            "--experiment", "s48"]


def error_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith(("error", "internal error"))]


def read_only(path: Path, text: str = EARLIER) -> Path:
    """``path`` holding ``text``, made read-only: r--r--r--, as ``chmod a-w`` or Windows' 只读 leave it."""
    path.write_text(text, encoding="utf-8")
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return path


# -- a read-only --out file is left as it is ----------------------------------------------------

def test_a_read_only_out_file_is_refused_before_any_work_and_kept(tmp_path, capsys):
    out = read_only(tmp_path / "鼎湖 评估结果.csv")  # a space and Chinese in its name
    assert main(fast_assess(out)) == 4
    err = capsys.readouterr().err
    [line] = error_lines(err)
    assert f"cannot write --out '{out}'" in line and "read-only" in line and "chmod u+w" in line
    assert "forecasting series" not in err and "Traceback" not in err  # refused before the work
    assert out.read_text(encoding="utf-8") == EARLIER
    assert sorted(f.name for f in tmp_path.iterdir()) == [out.name]


def test_a_read_only_chart_keeps_the_table_unwritten_too(tmp_path, capsys):
    out, chart = tmp_path / "assessment.csv", read_only(tmp_path / "fan.png", "earlier chart")
    assert main(fast_assess(out, "--chart", str(chart))) == 4
    [line] = error_lines(capsys.readouterr().err)
    assert f"--chart '{chart}'" in line and "read-only" in line
    assert not out.exists() and chart.read_text(encoding="utf-8") == "earlier chart"


def test_the_api_writers_leave_a_read_only_file_as_it_is(tmp_path):
    table = mt.read_plan(DINGHU)
    out = read_only(tmp_path / "assessment.xlsx")
    with pytest.raises(EnvironmentProblem, match="read-only") as caught:
        mio.write_table(table, out)
    assert caught.value.path == str(out)
    assert out.read_text(encoding="utf-8") == EARLIER
    assert sorted(f.name for f in tmp_path.iterdir()) == ["assessment.xlsx"]  # no temporary file left
    out.chmod(0o644)  # made writable again: written
    mio.write_table(table, out)
    assert len(pd.read_excel(out)) == len(table)


# -- an output flag given twice ------------------------------------------------------------------

@pytest.mark.parametrize("flag, first, second", [("--out", "a.csv", "a.xlsx"), ("--chart", "fan.png", "fan.svg")])
def test_an_output_flag_given_twice_is_refused_not_half_obeyed(flag, first, second, tmp_path, capsys):
    argv = ["assess", "--plan", str(DINGHU), "--model", "naive", "--no-track",
            flag, str(tmp_path / first), flag, str(tmp_path / second)]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"{flag} given twice ({tmp_path / first}, {tmp_path / second})" in err and f"give {flag} once" in err
    assert list(tmp_path.iterdir()) == []


def test_the_same_out_named_twice_is_written_once(tmp_path):
    out = tmp_path / "评估 结果" / "assessment.csv"  # a new folder, with a space and Chinese in its name
    assert main(fast_assess(out, "--out", str(out))) == 0
    assert len(pd.read_csv(out)) == len(mt.read_plan(DINGHU))
    assert sorted(f.name for f in out.parent.iterdir()) == ["assessment.csv"]


# -- two commands renaming their sets onto the same files at once ------------------------------

def test_two_sets_committed_at_once_onto_the_same_files_never_interleave(tmp_path, monkeypatch):
    """Command A has renamed its summary, not yet its details, when command B commits its own set onto
    the same two files. B used to go straight through: A's details then landed beside B's summary. Now
    B waits for A (here: gives up at once, its set not written) and both files are A's."""
    summary, details = tmp_path / "bt.csv", tmp_path / "bt_details.csv"
    real_replace = os.replace
    a_halfway, a_may_go_on = threading.Event(), threading.Event()

    def replace(src, dst, *args, **kwargs):
        real_replace(src, dst, *args, **kwargs)
        if threading.current_thread().name == "command A" and Path(dst) == summary:
            a_halfway.set()
            a_may_go_on.wait()

    def write_set(who: str) -> None:
        with output_set.outputs_together():
            for path in (summary, details):
                with mio.atomic_path(path) as tmp:
                    Path(tmp).write_text(f"{who}\n", encoding="utf-8")

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(output_set, "COMMIT_LOCK_TIMEOUT", 0.0, raising=False)
    a = threading.Thread(target=write_set, args=("A",), name="command A")
    a.start()
    a_halfway.wait()
    try:
        with pytest.raises(EnvironmentProblem, match="another mstarget command putting its results in place has held the lock") as caught:
            write_set("B")
        assert "Nothing was replaced" in str(caught.value)
    finally:
        a_may_go_on.set()
        a.join()
    assert summary.read_text(encoding="utf-8") == details.read_text(encoding="utf-8") == "A\n"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["bt.csv", "bt_details.csv"]
    write_set("B")  # once A is done, B's set goes through whole
    assert summary.read_text(encoding="utf-8") == details.read_text(encoding="utf-8") == "B\n"


# -- the MLflow store --------------------------------------------------------------------------

def test_a_disk_filling_up_as_the_store_is_created_is_said_as_a_full_disk(tmp_path, monkeypatch, capsys):
    """Seen on a 200 KB tmpfs: SQLite's "database or disk is full" came with the failed statement on an
    alembic table, and the message sent the analyst to move aside a damaged database that does not exist."""
    def full(db):
        raise sqlalchemy.exc.OperationalError(
            'CREATE TABLE _alembic_tmp_params ("key" VARCHAR(250) NOT NULL)', {},
            sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(store_module, "_build_schema", full)
    db, out = tmp_path / "mlflow.db", tmp_path / "assessment.csv"
    assert main(tracked_assess(out, f"sqlite:///{db}")) == 3
    [line] = error_lines(capsys.readouterr().err)
    assert f"The disk holding '{db}' is full: free some space (no database file was created)" in line
    assert "move it aside" not in line and "damaged" not in line
    assert len(pd.read_csv(out)) == len(mt.read_plan(DINGHU))


def test_a_folder_named_as_the_database_is_said_as_one(tmp_path, capsys):
    folder = tmp_path / "mlflow.db"
    folder.mkdir()
    out = tmp_path / "assessment.csv"
    assert main(tracked_assess(out, f"sqlite:///{folder}")) == 3
    [line] = error_lines(capsys.readouterr().err)
    assert f"'{folder}' is a folder, not a database file" in line
    assert f"sqlite:///{folder / 'mlflow.db'}" in line and "unable to open" not in line
    assert len(pd.read_csv(out)) == len(mt.read_plan(DINGHU))
    assert list(folder.iterdir()) == []


class HealthOnlyServer:
    """SYNTHETIC: an HTTP server on 127.0.0.1 that answers ``GET .../health`` (200 OK) -- the probe a
    tracked command makes first -- and accepts every other request without ever answering, as a
    tracking server whose database or proxy hangs. ``requests`` lists the request lines received."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.requests: list[str] = []
        self.held: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "HealthOnlyServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        for conn in self.held:
            conn.close()
        self.server.close()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(None)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            line = data.split(b"\r\n", 1)[0].decode("latin-1")
            self.requests.append(line)
            if " /health " in line:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK")
                conn.close()
            else:
                self.held.append(conn)  # accepted, never answered


def test_a_server_that_answers_its_health_check_then_hangs_costs_one_request(tmp_path, monkeypatch, capsys):
    """The run's first request (the sweep for runs of killed processes) timed out, was swallowed as
    best effort, and then the experiment's lookup waited again -- each request tried twice: four
    timeouts in all (40 s by default) before the failure was said. Now one request, then exit 3."""
    monkeypatch.setenv("MSTARGET_TRACKING_TIMEOUT", "1")
    for key in ("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "MLFLOW_HTTP_REQUEST_TIMEOUT"):
        monkeypatch.delenv(key, raising=False)
    out = tmp_path / "assessment.csv"
    with HealthOnlyServer() as server:
        code = main(tracked_assess(out, f"http://127.0.0.1:{server.port}"))
        requests = list(server.requests)
    assert code == 3
    [line] = error_lines(capsys.readouterr().err)
    assert f"the MLflow tracking server at http://127.0.0.1:{server.port} accepted the connection but did " \
           "not answer MLflow's request in time (MSTARGET_TRACKING_TIMEOUT, 1 s)" in line
    assert "--no-track" in line
    assert [r for r in requests if "/health" not in r] == requests[1:] and len(requests) == 2, requests
    assert len(pd.read_csv(out)) == len(mt.read_plan(DINGHU))


# -- MSTARGET_DEBUG=1 --------------------------------------------------------------------------

def test_debug_shows_the_traceback_of_an_environment_error_and_only_then(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "results"
    folder.mkdir()
    assert main(fast_assess(folder)) == 4
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(error_lines(err)) == 1
    monkeypatch.setenv("MSTARGET_DEBUG", "1")
    assert main(fast_assess(folder)) == 4
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "in check_output_path" in err
    assert error_lines(err) == [f"error: cannot write --out '{folder}': it is a folder, not a file. Give a file "
                                f"name inside it, e.g. '{folder / 'result.csv'}'."]


@pytest.mark.parametrize("tracking_process", ["1", "0"])
def test_debug_shows_the_stores_own_traceback_of_a_tracking_failure(tracking_process, tmp_path, monkeypatch,
                                                                    capsys):
    """A store file that is no database (a CSV saved as mlflow.db): exit 3, the result written; under
    MSTARGET_DEBUG=1 SQLite's traceback too -- also when the run is logged by the tracking process."""
    monkeypatch.setenv("MSTARGET_TRACKING_PROCESS", tracking_process)
    db = tmp_path / "mlflow.db"
    db.write_text("region,indicator,year,value\n鼎湖区,市场主体,2020,1.89\n" * 50, encoding="utf-8")
    out = tmp_path / "assessment.csv"
    assert main(tracked_assess(out, f"sqlite:///{db}")) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and "file is not a database" in error_lines(err)[0]
    monkeypatch.setenv("MSTARGET_DEBUG", "1")
    assert main(tracked_assess(out, f"sqlite:///{db}")) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "sqlite3.DatabaseError: file is not a database" in err
    [line] = error_lines(err)
    assert str(db) in line and "--no-track" in line
    assert len(pd.read_csv(out)) == len(mt.read_plan(DINGHU))
    assert db.read_text(encoding="utf-8").startswith("region,indicator")  # the file left as it was


@pytest.mark.parametrize("argv", [
    ["risk", "score", "--samples", "S.csv", "--by", "category", "--chart", "a.png", "--chart", "b.png"],
    ["risk", "allocate", "--scores", "R.csv", "--budget", "100", "--chart", "a.png", "--chart", "b.png"],
    ["calibrate", "--panel", "P.csv", "--out", "a.json", "--out", "b.json"]])
def test_risk_charts_and_calibrate_out_given_twice_are_refused(argv, capsys):
    """``risk score / allocate --chart`` and ``calibrate --out`` took the last of two files silently, as ``--out`` of
    the other commands did before this session."""
    from mstarget.cli.main import main
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--no-track"])
    assert stop.value.code == 2 and "given twice" in capsys.readouterr().err
