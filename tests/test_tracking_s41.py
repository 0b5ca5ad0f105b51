"""Tracking, session 41: what the MLflow UI (and the printout) show the team lead.

1. A backtest model whose forecasts were fallbacks (arima on 2-3 point series: every forecast made by
   drift / naive) is scored with its share of fallbacks (``share_fallback``, ``<model>.share_fallback``),
   never crowned ``best_model`` (a tie with drift used to be won by the model listed first), and the
   CLI says it, with the past origins' warnings summarised once per model.
2. ``mt.risk.score(track=True)`` logs the parameters ``mstarget risk score`` logs (samples, where,
   keep_totals, data_fingerprint) and the samples table as a dataset input.
3. A store mstarget creates files MLflow's ``Default`` experiment beside it, not in the working
   directory of whichever command created it.

All tables here are SYNTHETIC (made up for the tests), but for the shipped national sampling table.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

import mstarget as mt
from mstarget.cli.main import main
from mstarget.tracking import TrackingSettings, records, store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "china" / "food_sampling_by_category.csv"


def _short_history() -> pd.DataFrame:
    """SYNTHETIC: three series observed 2020-2023, too short for arima at origins 2021 and 2022."""
    rows = []
    for k, (start, step) in enumerate([(10.0, 1.0), (50.0, -2.0), (3.0, 0.4)]):
        for j, year in enumerate(range(2020, 2024)):
            rows.append({"region": "甲区", "indicator": f"ind{k}", "year": year,
                         "value": start + step * j + (0.3 if j % 2 else -0.2)})
    return pd.DataFrame(rows)


def choose_best(summary):
    from mstarget.backtest import choose_best as choose  # HEAD had none: each test fails on its own

    return choose(summary)


def _backtest(models=("arima", "drift")):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.backtest(_short_history(), model=list(models), horizon=1, origins=2, n_paths=200)


# -- 1. a model that never ran is not the best model ------------------------------------------

def test_backtest_summary_gives_share_fallback_and_never_crowns_a_model_that_never_ran():
    res = _backtest()
    s = res.summary.set_index("model")
    assert s.loc["arima", "share_fallback"] == 1.0  # every arima forecast was drift's (or naive's)
    assert s.loc["drift", "share_fallback"] == 0.0
    # the figures are identical (the same forecasts), so the old rule crowned the model listed first
    assert s.loc["arima", "crps_scaled"] == pytest.approx(s.loc["drift", "crps_scaled"])
    assert res.best_model() == "drift"
    best = choose_best(res.summary)
    assert best.passed_over == {"arima": 1.0} and best.tied == ()
    assert "arima" in best.words() and "passed over" in best.words()
    assert records.best_model(res.summary) == ("drift", "crps_scaled_gmean")  # the tracked run's, the same
    assert "passed over (mostly fallbacks): arima" in repr(res)
    # a backtest of arima alone names no best model, and says why
    alone = _backtest(("arima",))
    assert alone.best_model() is None and "no best model" in repr(alone)


def test_a_tie_is_broken_by_fewer_fallbacks_or_said():
    base = {"n_series": 3, "n_forecasts": 6, "smape": 4.7, "mase": 0.39, "crps_scaled": 0.8}
    summary = pd.DataFrame([{"model": "theta", **base, "share_fallback": 1 / 3},
                            {"model": "drift", **base, "share_fallback": 0.0}])
    best = choose_best(summary)
    assert (best.model, best.tied) == ("drift", ())  # same scores: the model that ran more often itself
    summary["share_fallback"] = 0.0
    best = choose_best(summary)
    assert (best.model, best.tied) == ("theta", ("drift",))
    assert "tied with drift" in best.words()
    # a tie on crps_scaled is broken by mase
    summary.loc[summary["model"] == "theta", "mase"] = 0.5
    assert choose_best(summary).model == "drift" and choose_best(summary).tied == ()


def test_cli_backtest_notes_the_fallbacks_and_summarises_their_warnings_once(tmp_path, capsys):
    hist = tmp_path / "h_SYNTHETIC.csv"
    _short_history().to_csv(hist, index=False)
    out = tmp_path / "bt.csv"
    code = main(["backtest", "--history", str(hist), "--models", "arima,drift", "--horizon", "1",
                 "--origins", "2", "--paths", "200", "--out", str(out), "--no-track"])
    assert code == 0
    captured = capsys.readouterr()
    assert "share_fallback" in captured.out
    note = [line for line in captured.out.splitlines() if line.startswith("note: arima:")]
    assert len(note) == 1 and "6 of its 6 forecasts (100%" in note[0] and "drift" in note[0]
    assert "best by crps_scaled_gmean: drift" in captured.out and "arima (100% fallback)" in captured.out
    assert captured.err.count("warning: backtest of arima:") == 1
    assert "said a fallback model was used" in captured.err
    assert pd.read_csv(out).set_index("model").loc["arima", "share_fallback"] == 1.0


def test_tracked_backtest_logs_share_fallback_and_passes_over_the_fallback_model(tmp_path):
    uri = f"sqlite:///{tmp_path / 'bt.db'}"
    res = _backtest()
    params, inputs = mt.tracking.backtest_params(result=res, history=_short_history(),
                                                 history_frame=_short_history(), horizon=1)
    run_id = records.log_backtest(res, params, TrackingSettings(tracking_uri=uri, experiment="s41"),
                                  inputs=inputs)
    client = MlflowClient(tracking_uri=uri)
    parent = client.get_run(run_id)
    assert parent.data.params["best_model"] == "drift"
    assert parent.data.tags["mstarget.best_model"] == "drift"
    assert parent.data.params["best_model_passed_over"] == "arima (100% fallback)"
    assert parent.data.metrics["arima.share_fallback"] == 1.0
    assert parent.data.metrics["drift.share_fallback"] == 0.0
    assert "backtest_warnings.csv" in {a.path for a in client.list_artifacts(run_id)}


# -- 2. risk.score(track=True): the command's parameters, and the samples as a dataset ----------

def test_risk_score_api_logs_the_cli_schema_and_the_samples_dataset(tmp_path):
    uri = f"sqlite:///{tmp_path / 'risk.db'}"
    settings = TrackingSettings(tracking_uri=uri, experiment="s41")
    code = main(["risk", "score", "--samples", str(SAMPLES), "--by", "region,category", "--tracking-uri", uri,
                 "--experiment", "s41"])
    assert code == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_path = mt.risk.score(str(SAMPLES), by=["region", "category"], track=True, tracking_settings=settings)
        by_frame = mt.risk.score(pd.read_csv(SAMPLES), by=["region", "category"], track=True, tracking_settings=settings)
    client = MlflowClient(tracking_uri=uri)
    runs = {r.info.run_id: r for r in client.search_runs([client.get_experiment_by_name("s41").experiment_id])}
    api_path, api_frame = runs.pop(by_path.attrs["mlflow_run_id"]), runs.pop(by_frame.attrs["mlflow_run_id"])
    (cli,) = runs.values()

    def schema(run):
        return {k for k in run.data.params if not k.startswith("version.")}

    assert schema(api_path) == schema(cli) == schema(api_frame)
    for key in ("samples", "by", "where", "keep_totals", "half_life", "periods"):
        assert api_path.data.params[key] == cli.data.params[key], key
    # the same file read from Python and from the command line: the same fingerprint and dataset
    assert api_path.data.params["data_fingerprint"] == cli.data.params["data_fingerprint"]
    assert api_frame.data.params["samples"] == "DataFrame"
    for run in (api_path, api_frame):
        (ds,) = run.inputs.dataset_inputs
        assert ds.dataset.name == "samples" and ds.dataset.digest
        assert ds.dataset.digest.startswith(run.data.params["data_fingerprint"])
    assert {"groups", "top_risk", "prior_mean"} <= set(api_path.data.metrics)


# -- 3. a new store files Default's artifacts beside it ------------------------------------------

def test_a_new_store_files_the_default_experiment_beside_it(tmp_path, monkeypatch):
    folder, elsewhere = tmp_path / "存储 store", tmp_path / "cwd"
    folder.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    client = store._client(uri)
    default = client.get_experiment("0")
    assert default.name == "Default"
    assert default.artifact_location == (folder / "mlruns" / "0").as_uri()
    run = client.create_run("0")  # a user's own mlflow.start_run() in this store
    client.log_text(run.info.run_id, "x", "note.txt")
    client.set_terminated(run.info.run_id)
    assert not (elsewhere / "mlruns").exists()
    assert list((folder / "mlruns" / "0").glob("*/artifacts/note.txt"))


# -- 4. Ctrl+C in the moment a run is created: the run ends FAILED, never left RUNNING ------------

def test_ctrl_c_right_after_the_run_is_created_ends_it_failed_not_running(tmp_path, monkeypatch):
    """The interleaving seen once under load: Ctrl+C reaching the process just after the store created
    the run, before the block that ends it FAILED was entered -- the run stayed RUNNING (and the next
    command ended it FAILED as if killed by SIGKILL). Forced here: a real SIGINT sent from inside
    ``create_run`` once the run exists."""
    import os
    import signal

    from mstarget.tracking.runs import start_run

    uri = f"sqlite:///{tmp_path / 'ctrl_c.db'}"
    settings = TrackingSettings(tracking_uri=uri, experiment="s41")
    client = store._client(uri)
    real = type(client).create_run

    def create_then_ctrl_c(self, *args, **kwargs):
        created = real(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)  # the user's Ctrl+C, now that the run exists
        return created

    monkeypatch.setattr(type(client), "create_run", create_then_ctrl_c)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Python's own: Ctrl+C raises KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        with start_run("interrupted", settings):
            pass
    monkeypatch.undo()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler put back
    (run,) = MlflowClient(tracking_uri=uri).search_runs(
        [MlflowClient(tracking_uri=uri).get_experiment_by_name("s41").experiment_id])
    assert run.info.status == "KILLED"  # HEAD: RUNNING, later ended FAILED as if killed (SIGKILL); Ctrl+C: KILLED (s45)
    assert run.data.tags["mstarget.error"] == "interrupted (SIGINT / Ctrl+C)"


def test_per_region_metrics_cover_the_province_and_cities_first_and_say_how_many():
    """A province's table listing its counties first (SYNTHETIC): the limited room of per-region metrics goes to
    the province and its cities, and the terminal line says how many regions were covered (Q8: 50 of 142)."""
    from mstarget.tracking.records import region_metrics
    counties = [f"合成{i:03d}县" for i in range(120)]
    cities = [f"合成{i:02d}市" for i in range(21)]
    regions = counties + cities + ["合成甲省"]
    table = pd.DataFrame({"region": regions, "indicator": "x", "p_meet": 0.5, "status": "on_track",
                          "category": "on_schedule"})
    metrics, covered = region_metrics(table, limit=200)
    assert 22 <= covered < len(regions)
    assert "n_rows.合成甲省" in metrics and all(f"n_rows.{c}" in metrics for c in cities)


def test_per_region_metrics_keep_the_tables_order_for_names_without_their_level():
    """鼎湖, 端州 written short (端州 ends in 州 but is no prefecture): the table's order, totals first (FP3)."""
    from mstarget.tracking.records import region_metrics
    regions = ["合计", "鼎湖", "高要", "四会", "广宁", "怀集", "封开", "德庆", "端州"]
    table = pd.DataFrame({"region": regions, "indicator": "x", "p_meet": 0.5, "status": "on_track",
                          "category": "on_schedule"})
    metrics, covered = region_metrics(table, limit=10)  # room for 5 of the 9
    kept = [r for r in regions if f"n_rows.{r}" in metrics]
    assert covered == 5 and kept == regions[:5]
