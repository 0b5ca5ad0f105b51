"""track=True from the API: forecast, backtest (parent + one child per model) and risk.score (issue 4)."""
from __future__ import annotations

import warnings

import pytest
from mlflow.tracking import MlflowClient

import mstarget as mt
from mstarget import api
from mstarget.tracking import TrackingSettings


@pytest.fixture()
def store(tmp_path):
    uri = f"sqlite:///{tmp_path / 'api.db'}"
    return uri, TrackingSettings(tracking_uri=uri, experiment="api")


def _runs(uri):
    client = MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name("api")
    return client, client.search_runs([exp.experiment_id])


def test_forecast_track_logs_table_and_pyfunc_model(data_dir, store):
    uri, settings = store
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.ShortHistoryWarning)
        fc = mt.forecast(data_dir / "china" / "national_history.csv", horizon=2, track=True,
                         tracking_settings=settings)
    client, runs = _runs(uri)
    assert len(runs) == 1 and runs[0].info.status == "FINISHED"
    assert runs[0].data.metrics["n_series"] == fc[["region", "indicator"]].drop_duplicates().shape[0]
    assert "forecast.csv" in {a.path for a in client.list_artifacts(runs[0].info.run_id)}


def test_backtest_track_parent_and_children_share_metric_names(data_dir, store):
    uri, settings = store
    mdg = mt.read_history(data_dir / "china" / "national_history.csv")
    res = mt.backtest(mdg, model="naive,drift", horizon=1, origins=2, n_paths=200, track=True,
                      tracking_settings=settings)
    client, runs = _runs(uri)
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parents[0].info.run_id]
    assert len(parents) == 1 and len(children) == 2
    assert set(children[0].data.metrics) == set(children[1].data.metrics)
    by_model = {c.data.params["model"]: c for c in children}
    assert by_model["naive"].data.metrics["smape"] == pytest.approx(res.metrics("naive")["smape"])
    names = {a.path for a in client.list_artifacts(parents[0].info.run_id)}
    assert {"backtest_summary.csv", "coverage_by_horizon.csv", "backtest_chart.png"} <= names


def test_backtest_track_with_plan_logs_calls_and_reliability(data_dir, store):
    uri, settings = store
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    plan = mt.read_plan(data_dir / "china" / "national_targets.csv")
    mt.backtest(history, model="drift", horizon=1, origins=[2016, 2017], plan=plan, n_paths=200,
                track=True, tracking_settings=settings)
    client, runs = _runs(uri)
    parent = next(r for r in runs if "mlflow.parentRunId" not in r.data.tags)
    names = {a.path for a in client.list_artifacts(parent.info.run_id)}
    assert {"attainment_calls.csv", "reliability.csv", "backtest_chart.png"} <= names


def test_risk_score_track(data_dir, store):
    uri, settings = store
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.MstargetWarning)
        scores = mt.risk.score(data_dir / "china" / "food_sampling_by_category.csv", by="category",
                               as_of="2019H2", track=True, tracking_settings=settings)
    client, runs = _runs(uri)
    assert len(runs) == 1
    assert runs[0].data.metrics["n_groups"] == len(scores)
    names = {a.path for a in client.list_artifacts(runs[0].info.run_id)}
    assert {"risk_scores.csv", "risk_scores.png"} <= names


def test_another_librarys_warning_is_replayed_where_it_arose_and_never_loses_the_result():
    """A tracked call replayed every warning at the caller's line: SQLAlchemy's deprecation inside
    MLflow showed in a user's script as if raised there, and under an "error" filter the call failed
    after its run was computed and logged. mstarget's own warnings still point at the caller."""
    other = "/venv/lib/python3.11/site-packages/sqlalchemy/orm/strategy_options.py"
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        warnings.filterwarnings("error", category=DeprecationWarning)
        with api._warnings_at_caller():
            warnings.warn_explicit("noload is deprecated", DeprecationWarning, other, 10,
                                   module="sqlalchemy.orm.strategy_options")
            warnings.warn(mt.ShortHistoryWarning("鼎湖区/x: a single observation"))
    assert [w.category for w in seen] == [mt.ShortHistoryWarning]
    assert seen[0].filename == __file__
    with warnings.catch_warnings(record=True) as seen:
        warnings.resetwarnings()
        warnings.simplefilter("ignore", DeprecationWarning)  # the default for a library's deprecations
        warnings.simplefilter("always", UserWarning)
        with api._warnings_at_caller():
            warnings.warn_explicit("noload is deprecated", DeprecationWarning, other, 10,
                                   module="sqlalchemy.orm.strategy_options")
            warnings.warn_explicit("a library's own note", UserWarning, other, 11, module="sqlalchemy.orm")
    assert [(w.category, w.filename) for w in seen] == [(UserWarning, other)]
