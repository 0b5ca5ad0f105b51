"""The command and environment that serve the store in the MLflow UI."""
from __future__ import annotations

import os
import sys
from typing import Mapping

from .store import TrackingSettings, sqlite_path

# --------------------------------------------------------------------------------------------
# the UI
# --------------------------------------------------------------------------------------------

def ui_command(settings: TrackingSettings | None = None, *, host: str = "127.0.0.1",
               port: int = 5000, workers: int = 1) -> list[str]:
    """The ``mlflow ui`` command (this Python, ``-m mlflow``) that serves the CLI's store."""
    settings = settings or TrackingSettings.from_env()
    uri = settings.store_uri()
    cmd = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", uri,
           "--host", host, "--port", str(int(port)), "--workers", str(int(workers))]
    db = sqlite_path(uri)
    if db is not None:  # new experiments created by the UI keep artifacts next to the database
        cmd += ["--default-artifact-root", str(db.parent / "mlruns")]
    return cmd


def ui_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for the UI process: MLflow's GenAI job runners (7 extra processes, seconds of
    start-up) are off unless ``MLFLOW_SERVER_ENABLE_JOB_EXECUTION`` says otherwise."""
    env = dict(os.environ if base is None else base)
    env.setdefault("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
    return env
