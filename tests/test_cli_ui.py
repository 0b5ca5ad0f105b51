"""``mstarget ui`` serves the MLflow UI on the store the CLI writes to (issue 4)."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest
import requests

from mstarget import tracking
from mstarget.cli.main import main

START_TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ui_command_uses_the_cli_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    cmd = tracking.ui_command(port=5123)
    assert cmd[:4] == [sys.executable, "-m", "mlflow", "ui"]
    store = cmd[cmd.index("--backend-store-uri") + 1]
    assert store == tracking.TrackingSettings().store_uri() == f"sqlite:///{tmp_path.resolve()}/mlflow.db"
    assert cmd[cmd.index("--port") + 1] == "5123" and cmd[cmd.index("--host") + 1] == "127.0.0.1"


def test_ui_serves_the_runs_the_cli_logged_and_stops_cleanly(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    settings = tracking.TrackingSettings(tracking_uri=uri, experiment="ui-check")
    run_id = tracking.log_assessment(pd.DataFrame({"status": ["met", "at_risk"], "p_meet": [1, .4]}),
                                     {"model": "auto", "as_of": 2022}, settings)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    proc = subprocess.Popen([sys.executable, "-m", "mstarget", "ui", "--port", str(port),
                             "--tracking-uri", uri], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env, cwd=tmp_path, start_new_session=True, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        first_line = proc.stdout.readline()
        assert f"MLflow UI for {uri}" in first_line
        assert f"http://localhost:{port}" in proc.stdout.readline()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert proc.poll() is None, "mstarget ui exited early"
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.skip(f"the MLflow UI did not answer within {START_TIMEOUT} s")
            time.sleep(0.3)
        assert requests.get(url, timeout=10).status_code == 200  # the UI page itself
        found = requests.post(f"{url}/api/2.0/mlflow/runs/search", timeout=10,
                              json={"experiment_ids": [_experiment_id(url, "ui-check")]}).json()
        assert [r["info"]["run_id"] for r in found["runs"]] == [run_id]

        proc.send_signal(signal.SIGTERM)  # as a service manager would; Ctrl+C works the same way
        assert proc.wait(timeout=30) == 0
        with socket.socket() as s:  # the UI server (a child process) is gone too
            assert s.connect_ex(("127.0.0.1", port)) != 0
    finally:
        if proc.poll() is None:  # a failed check above: stop our own process group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _experiment_id(url: str, name: str) -> str:
    got = requests.get(f"{url}/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": name},
                       timeout=10).json()
    return got["experiment"]["experiment_id"]


def test_ui_on_a_tracking_server_just_points_there(capsys):
    assert main(["ui", "--tracking-uri", "http://mlflow.example.org:5000"]) == 0
    assert "http://mlflow.example.org:5000" in capsys.readouterr().out


def test_ui_refuses_a_busy_port(tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["ui", "--port", str(port), "--tracking-uri", f"sqlite:///{tmp_path / 'm.db'}"])
    assert code == 2
    assert f"port {port} is already in use" in capsys.readouterr().err
