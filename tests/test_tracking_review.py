"""Session 43 (H8): the tracking findings of probe H7.

1. A bug of mstarget met while logging a run (a chart that cannot be drawn) is said as an internal error --
   not as "MLflow tracking store ... failed, check --tracking-uri" --, its traceback shown under
   MSTARGET_DEBUG=1; exit 3 still (results written, run not tracked).
3. A tracking URI naming a folder (or ``file://``) is refused before any work, in one line proposing
   ``sqlite:///<folder>/mlflow.db`` -- unless ``MLFLOW_ALLOW_FILE_STORE=true``.
4. An HTTPS store whose TLS certificate is refused is said in one line.
5. ``risk score`` on an indicator history lists the history's real columns and says what it is.
6. Ctrl+C after ``forecast --out`` was written names the file and says the run was not logged.
7. ``mstarget ui`` stopped with Ctrl+C exits 0 saying only "MLflow UI stopped".
"""
from __future__ import annotations

import datetime
import http.server
import signal
import sqlite3
import ssl
import threading

import pandas as pd
import pytest

from mstarget import output_set
from mstarget.cli import main as cli
from mstarget.exceptions import TrackingError
from mstarget.tracking import store


@pytest.fixture(autouse=True)
def _no_stop_left():
    output_set.clear_stop()
    yield
    output_set.clear_stop()


def _assess_args(data_dir, out, uri):
    china = data_dir / "china"
    return ["assess", "--plan", str(china / "national_targets.csv"), "--history", str(china / "national_history.csv"),
            "--as-of", "2022", "--out", str(out), "--tracking-uri", uri]


# --- finding 1: a bug while logging is an internal error, not the store's ----------------------------------

def test_a_bug_drawing_the_runs_chart_is_an_internal_error_not_the_store(tmp_path, data_dir, capsys, monkeypatch):
    import mlflow

    import mstarget.tracking.records as records

    def broken_chart(table):  # the bug H7 met: a nullable Int64 year compared in the overview chart
        raise TypeError("boolean value of NA is ambiguous")

    monkeypatch.setattr(records, "overview_chart", broken_chart)
    monkeypatch.setenv("MSTARGET_DEBUG", "1")
    out, db = tmp_path / "national.csv", tmp_path / "mlflow.db"
    code = cli.main(_assess_args(data_dir, out, f"sqlite:///{db}"))
    err = capsys.readouterr().err
    assert code == 3  # results written, run not tracked
    assert len(pd.read_csv(out)) == 5  # the five national targets
    assert "internal error while logging the MLflow run: TypeError: boolean value of NA is ambiguous" in err
    assert "a bug in mstarget, not a problem of the tracking store: please report it" in err
    assert "tracking store 'sqlite" not in err and "Check --tracking-uri" not in err
    assert "Traceback (most recent call last)" in err and "in broken_chart" in err  # MSTARGET_DEBUG=1
    runs = mlflow.MlflowClient(f"sqlite:///{db}").search_runs(
        [e.experiment_id for e in mlflow.MlflowClient(f"sqlite:///{db}").search_experiments()])
    assert [r.info.status for r in runs] == ["FAILED"]
    assert runs[0].data.tags["mstarget.error"] == "TypeError: boolean value of NA is ambiguous"


def test_failures_of_the_store_still_name_the_store_and_bugs_do_not():
    uri = "sqlite:////srv/bureau/mlflow.db"
    disk = store.tracking_failure(uri, sqlite3.OperationalError("disk I/O error"))
    assert str(disk).startswith(f"MLflow tracking store {uri!r} failed: OperationalError: disk I/O error")
    assert "--tracking-uri" in str(disk) and not isinstance(disk, store.TrackingInternalError)
    try:
        try:
            raise sqlite3.OperationalError("database is locked")
        except sqlite3.Error as exc:
            raise RuntimeError("SQLAlchemy wrapped it") from exc
    except RuntimeError as wrapped:
        assert store.is_store_failure(wrapped)  # raised from a store error: the store's
    bug = store.tracking_failure(uri, KeyError("p_meet"))
    assert isinstance(bug, store.TrackingInternalError) and isinstance(bug, TrackingError)  # still exit 3
    assert str(bug).startswith("internal error while logging the MLflow run: KeyError: 'p_meet'")
    assert "--tracking-uri" not in str(bug)


# --- finding 3: a folder as the tracking store -------------------------------------------------------------

@pytest.mark.parametrize("as_file_uri", [False, True])
def test_a_folder_as_tracking_uri_is_refused_before_any_work(tmp_path, data_dir, capsys, monkeypatch, as_file_uri):
    folder = tmp_path / "shared_runs"
    folder.mkdir()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", folder.as_uri() if as_file_uri else str(folder))
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE", raising=False)
    out = tmp_path / "forecast.csv"
    code = cli.main(["forecast", "--history", str(data_dir / "china" / "national_history.csv"), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert not out.exists() and list(folder.iterdir()) == []  # nothing computed, nothing written
    lines = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1
    assert "MLFLOW_TRACKING_URI" in lines[0] and "names a folder" in lines[0]
    assert f"sqlite:///{folder}/mlflow.db" in lines[0] and "MLFLOW_ALLOW_FILE_STORE=true" in lines[0]
    assert "migrate" not in captured.err  # not MLflow's paragraph


def test_a_folder_store_is_left_to_mlflow_when_allowed_and_refused_by_the_api(tmp_path, monkeypatch):
    folder = tmp_path / "shared_runs"
    folder.mkdir()
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE", raising=False)
    with pytest.raises(TrackingError, match=r"names a folder; MLflow 3 keeps runs in a database"):
        store.check_store(str(folder))
    assert store.folder_store_problem(f"sqlite:///{folder}/mlflow.db") is None
    assert store.folder_store_problem(str(folder / "runs.db")) is None  # a bare .db path is a SQLite store
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    assert store.folder_store_problem(str(folder)) is None
    store.check_store(str(folder))  # left to MLflow


# --- finding 4: an HTTPS store whose certificate is refused --------------------------------------------------

def _https_server(tmp_path):
    """A local HTTPS server whose certificate (SYNTHETIC, self-signed) was issued for another name."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mlflow.bureau.example")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("mlflow.bureau.example")]), critical=False)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"OK")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_an_https_store_with_a_refused_certificate_is_said_in_one_line(tmp_path, monkeypatch):
    from mstarget import tracking

    for name in ("MLFLOW_TRACKING_INSECURE_TLS", "MLFLOW_TRACKING_SERVER_CERT_PATH", "REQUESTS_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    server = _https_server(tmp_path)
    uri = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(TrackingError) as caught:
            tracking.log_result("risk score", pd.DataFrame({"category": ["肉制品"], "risk": [0.04]}), {"by": "category"},
                                tracking.TrackingSettings(tracking_uri=uri))
    finally:
        server.shutdown()
    text = str(caught.value)
    assert text.startswith(f"the TLS certificate of {uri} was refused (self-signed certificate)")
    assert "MLFLOW_TRACKING_INSECURE_TLS=true" in text and "\n" not in text
    assert "HTTPSConnectionPool" not in text and "Max retries" not in text


# --- finding 5: risk score on an indicator history ----------------------------------------------------------

def test_risk_score_on_a_history_lists_its_real_columns(tmp_path, data_dir, capsys):
    history = data_dir / "china" / "national_history.csv"
    code = cli.main(["risk", "score", "--samples", str(history), "--by", "category", "--out", str(tmp_path / "o.csv"),
                     "--no-track"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "o.csv").exists()
    assert "the table has: region, indicator, year, value, unit, source, name (header row 1" in err
    assert "looks like an indicator history" in err and "not sampling records" in err
    assert "the table has: 全国, food_sampling_batches" not in err  # not its first data row


# --- finding 6: Ctrl+C after forecast --out was written --------------------------------------------------------

def test_ctrl_c_after_forecast_wrote_its_table_names_it_and_the_run(tmp_path, data_dir, capsys, monkeypatch):
    import mstarget.cli.forecast as forecast_cli

    def ctrl_c(*args, **kwargs):  # Ctrl+C as the run is being handed over
        cli._terminate(signal.SIGINT, None)

    monkeypatch.setattr(forecast_cli.common, "log_run", ctrl_c)
    out = tmp_path / "big.csv"
    out.write_text("earlier\n", encoding="utf-8")
    code = cli.main(["forecast", "--history", str(data_dir / "china" / "national_history.csv"), "--horizon", "3",
                     "--out", str(out), "--tracking-uri", f"sqlite:///{tmp_path / 'mlflow.db'}"])
    err = capsys.readouterr().err
    assert code == 130
    assert "region" in out.read_text(encoding="utf-8-sig").splitlines()[0]  # the new table
    assert f"interrupted after writing {out} (it holds the new results)" in err
    assert "the MLflow run was not logged (interrupted" in err and "run the command again to log it" in err
    assert "nothing was left half-written" not in err


def test_ctrl_c_before_anything_was_written_says_so(tmp_path, data_dir, capsys, monkeypatch):
    import mstarget.cli.forecast as forecast_cli

    def ctrl_c(*args, **kwargs):
        cli._terminate(signal.SIGINT, None)

    monkeypatch.setattr(forecast_cli, "forecast", ctrl_c)
    out = tmp_path / "big.csv"
    out.write_text("earlier\n", encoding="utf-8")
    code = cli.main(["forecast", "--history", str(data_dir / "china" / "national_history.csv"), "--out", str(out),
                     "--no-track"])
    assert code == 130
    assert "interrupted; nothing was left half-written" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "earlier\n"


# --- finding 7: mstarget ui stopped with Ctrl+C ----------------------------------------------------------------

def test_ui_stopped_with_ctrl_c_exits_0(tmp_path, capsys, monkeypatch):
    import mstarget.cli.ui as ui_cli

    class Server:  # stands for `mlflow ui`: the user presses Ctrl+C while it serves
        pid, returncode = 999_999_999, None

        def __init__(self, *args, **kwargs):
            pass

        def wait(self, timeout=None):
            if self.returncode is None:
                self.returncode = -signal.SIGINT
                cli._terminate(signal.SIGINT, None)
            return self.returncode

        def poll(self):
            return self.returncode

    monkeypatch.setattr(ui_cli.subprocess, "Popen", Server)
    monkeypatch.setattr(ui_cli, "_port_in_use", lambda host, port: False)
    code = cli.main(["ui", "--port", "5999", "--tracking-uri", f"sqlite:///{tmp_path / 'mlflow.db'}"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.rstrip().endswith("MLflow UI stopped")
    assert "interrupted" not in captured.err
