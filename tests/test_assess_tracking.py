"""assess(track=True) from the API logs one run; a failing store never loses the result (issues 2, 4)."""
from __future__ import annotations

import warnings

import pytest
from mlflow.tracking import MlflowClient

import mstarget as mt
from mstarget.tracking import TrackingSettings


def test_api_track_logs_one_run_with_table_and_chart(data_dir, tmp_path):
    uri = f"sqlite:///{tmp_path / 'api.db'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.ShortHistoryWarning)
        table = mt.assess(data_dir / "china" / "national_history.csv", data_dir / "china" / "national_targets.csv",
                          as_of=2022, track=True,
                          tracking_settings=TrackingSettings(tracking_uri=uri, experiment="api-test"))
    client = MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name("api-test")
    runs = client.search_runs([exp.experiment_id])
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    assert run.data.params["as_of"] == "2022"
    assert run.data.metrics["n_no_data"] == (table["status"] == "no_data").sum() == 1
    names = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"assessment.csv", "fan_chart.png", "overview_chart.png"} <= names  # as the CLI's run


def test_api_track_with_unreachable_store_warns_and_returns_the_table(data_dir):
    settings = TrackingSettings(tracking_uri="http://127.0.0.1:9", timeout=1)
    with pytest.warns(mt.TrackingWarning, match="not tracked"):
        table = mt.assess(data_dir / "china" / "national_history.csv", data_dir / "china" / "national_targets.csv",
                          as_of=2022, track=True, tracking_settings=settings)
    assert len(table) == 5 and table["p_meet"].notna().sum() == 4
