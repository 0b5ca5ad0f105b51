"""The CLI against a real MLflow tracking server over HTTP (issue 4).

A session fixture starts ``python -m mlflow server`` on a free port with a SQLite backend and
proxied artifacts (``--artifacts-destination``), waits for ``/health``, and stops it (the whole
process group: the server and its uvicorn worker) at the end. Runs, params, metrics, artifacts and
the logged model are read back through ``MlflowClient`` as an analyst's notebook would.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pandas as pd
import pytest
import requests

import mstarget as mt
from mstarget import tracking
from mstarget.cli.main import main
from mlflow_helpers import runs_of

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "china"
PLAN = DATA / "national_targets.csv"
HISTORY = DATA / "national_history.csv"
START_TIMEOUT = 120  # seconds for the server to answer /health on a slow CI machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mlflow_server")
    port = free_port()
    log = open(tmp / "server.log", "wb")
    cmd = [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
           "--workers", "1", "--backend-store-uri", f"sqlite:///{tmp / 'mlflow.db'}",
           "--artifacts-destination", str(tmp / "artifacts")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"  # GenAI job runners: not needed here
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.skip("the MLflow tracking server could not start (exit code "
                            f"{proc.returncode}): {(tmp / 'server.log').read_text()[-1500:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.skip(f"the MLflow tracking server did not answer /health within "
                            f"{START_TIMEOUT} s: {(tmp / 'server.log').read_text()[-1500:]}")
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the server and its worker: our process group
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture
def experiment() -> str:
    return f"server-{uuid.uuid4().hex[:8]}"


def test_assess_logs_params_metrics_and_artifacts_to_the_server(server, experiment, tmp_path,
                                                                 capsys):
    out = tmp_path / "assessment.csv"
    code = main(["assess", "--plan", str(PLAN), "--history", str(HISTORY), "--as-of", "2022",
                 "--tracking-uri", server, "--experiment", experiment, "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    client, runs = runs_of(server, experiment)
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    assert run.data.params["as_of"] == "2022" and run.data.params["model"] == "auto"
    assert run.data.params["data_fingerprint"] == tracking.data_fingerprint(mt.read_plan(PLAN),
                                                                            mt.read_history(HISTORY))
    written = pd.read_csv(out)
    assert run.data.metrics["n_targets"] == len(written)
    # session 39: the status counts are of the rows judged, and n_no_data of the rows with no data at all
    judged = written["category_zh"].ne("数据不足").sum() + written["status"].eq("no_data").sum()
    assert sum(run.data.metrics[f"n_{s}"] for s in tracking.STATUSES) == judged
    assert {a.path for a in client.list_artifacts(run.info.run_id)} >= {"assessment.csv", "fan_chart.png"}
    logged = client.download_artifacts(run.info.run_id, "assessment.csv", str(tmp_path))
    pd.testing.assert_frame_equal(pd.read_csv(logged), written)


def test_forecast_logs_a_loadable_model_to_the_server(server, experiment, tmp_path, monkeypatch,
                                                      capsys):
    out = tmp_path / "fc.csv"
    code = main(["forecast", "--history", str(HISTORY), "--horizon", "2", "--model", "drift",
                 "--tracking-uri", server, "--experiment", experiment, "--out", str(out),
                 "--register", f"fc-{experiment}"])
    assert code == 0, capsys.readouterr().err
    client, runs = runs_of(server, experiment)
    (run,) = runs
    assert run.info.status == "FINISHED"
    assert run.data.params["horizon"] == "2" and run.data.metrics["n_series"] > 0
    assert "forecast.csv" in {a.path for a in client.list_artifacts(run.info.run_id)}
    model_uri = run.data.tags["mstarget.model_uri"]
    assert model_uri == f"models:/fc-{experiment}/1"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server)
    model = tracking.load_forecaster(model_uri)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = model.predict(mt.read_history(HISTORY))
    pd.testing.assert_frame_equal(got.reset_index(drop=True), pd.read_csv(out), check_dtype=False,
                                  rtol=1e-9)


def test_nested_runs_over_http(server, experiment):
    settings = tracking.TrackingSettings(tracking_uri=server, experiment=experiment)
    with pytest.raises(RuntimeError):
        with tracking.start_run("compare", settings) as parent:
            with tracking.start_run("compare:a", nested=True) as child:
                child.log_metrics({"mase": 0.8, "coverage_80": 0.75})
            with tracking.start_run("compare:b", nested=True):
                raise RuntimeError("fit failed")
    _, runs = runs_of(server, experiment)
    status = {r.info.run_name: r.info.status for r in runs}
    assert status == {"compare": "FAILED", "compare:a": "FINISHED", "compare:b": "FAILED"}
    assert {r.data.tags.get("mlflow.parentRunId") for r in runs if r.info.run_name != "compare"} \
        == {parent.run_id}


def test_backtest_child_runs_on_the_server(server, experiment, tmp_path, capsys):
    pytest.importorskip("mstarget.cli.backtest", reason="mstarget backtest is not written yet")
    code = main(["backtest", "--history", str(HISTORY), "--models", "naive,drift", "--horizon", "1",
                 "--origins", "2", "--paths", "200", "--out", str(tmp_path / "bt.csv"),
                 "--tracking-uri", server, "--experiment", experiment])
    assert code == 0, capsys.readouterr().err
    client, runs = runs_of(server, experiment)
    (parent,) = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    assert sorted(c.data.params["model"] for c in children) == ["drift", "naive"]
    assert set(children[0].data.metrics) == set(children[1].data.metrics) != set()
