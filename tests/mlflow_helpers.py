"""Reading runs back from an MLflow store, shared by the tracking tests."""
from __future__ import annotations

from mlflow.tracking import MlflowClient


def runs_of(uri: str, experiment: str):
    """``(client, runs)`` of one experiment, oldest run first; fails if the experiment is missing."""
    client = MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name(experiment)
    assert exp is not None, f"experiment {experiment!r} was not created in {uri}"
    return client, client.search_runs([exp.experiment_id], order_by=["attributes.start_time ASC"])
