"""Tracking, session 36: what a run records about its inputs, whichever entry point ran it.

* the forecaster logged by ``mstarget forecast`` is filed in the run's experiment, its files beside
  the store (not ``./mlruns/0`` of the working folder, lost when that folder is tidied);
* ``data_fingerprint`` covers every input the result depends on (peer panel, calibration table),
  and the API logs ``reference`` / ``calibration`` as the CLI does;
* one parameter schema per command for the CLI and the API (absolute input paths, ``none`` for
  what was not given, ``as_of`` the year the data reached, ``origins`` the years, ``region``);
* the input tables as MLflow dataset inputs; the tag ``mstarget.source.dirty``;
* the forecaster's settings logged once (no ``mstarget_forecaster/*`` run parameters).

All tables here are SYNTHETIC (made up in this file, labelled so in their ``source`` / ``plan``
columns) except the national files shipped in ``data/china`` used for the CLI / API comparison.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import uuid
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mlflow_helpers import runs_of
from mstarget import tracking
from mstarget.calibration import default_calibration
from mstarget.cli.main import main
from mstarget.tracking import records, store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "china"
PLAN = DATA / "national_targets.csv"
HISTORY = DATA / "national_history.csv"
SYNTHETIC = "SYNTHETIC test data (not real figures)"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    code = "import sys\nfrom mstarget.cli.main import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}, timeout=300)


@pytest.fixture(scope="module")
def store_uri(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('store36') / 'mlflow.db'}"


# ------------------------------------------------------------------ 1. the forecaster's home
@pytest.fixture(scope="module")
def forecast_run(tmp_path_factory):
    """``mstarget forecast`` run from a working folder other than the store's."""
    base = tmp_path_factory.mktemp("model_home")
    (base / "store").mkdir()
    (base / "cwd").mkdir()
    db = base / "store" / "mlflow.db"
    done = run_cli("forecast", "--history", str(HISTORY), "--horizon", "2", "--model", "drift",
                   "--tracking-uri", f"sqlite:///{db}", cwd=base / "cwd")
    assert done.returncode == 0, done.stderr[-2000:]
    return base, f"sqlite:///{db}"


def test_forecaster_is_filed_in_the_runs_experiment_beside_the_store(forecast_run):
    base, uri = forecast_run
    client, runs = runs_of(uri, "mstarget")
    (run,) = runs
    exp_id = run.info.experiment_id
    models = client.search_logged_models(experiment_ids=[exp_id])
    assert len(models) == 1, "the forecaster is not in the run's experiment"
    model = models[0]
    assert model.source_run_id == run.info.run_id
    assert client.search_logged_models(experiment_ids=["0"]) == []  # not in Default
    assert str(base / "store") in model.artifact_location
    assert not (base / "cwd" / "mlruns").exists()  # nothing left in the working folder
    assert run.data.tags["mstarget.model_uri"] == f"models:/{model.model_id}"
    # the working folder tidied: the model still loads from the store and forecasts as before
    shutil.rmtree(base / "cwd")
    loaded = tracking.load_forecaster(run.data.tags["mstarget.model_uri"],
                                      tracking.TrackingSettings(tracking_uri=uri))
    got = loaded.predict(mt.read_history(HISTORY))
    want = mt.forecast(HISTORY, horizon=2, model="drift")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def test_forecaster_settings_are_logged_once(forecast_run):
    _, uri = forecast_run
    client, (run,) = runs_of(uri, "mstarget")
    params = run.data.params
    assert not [k for k in params if k.startswith("mstarget_forecaster")]
    assert params["model"] == "drift" and params["horizon"] == "2" and params["levels"] == "80,95"
    assert params["n_paths"] == "2000" and params["as_of_given"] == "none"
    # the model keeps its settings as its own params (the LoggedModel page)
    (model,) = client.search_logged_models(experiment_ids=[run.info.experiment_id])
    assert model.params["spec.name"] == "drift" and model.params["horizon"] == "2"


# ------------------------------------------------------------------ 2. fingerprint and reference
def synthetic_inputs(folder: Path) -> dict[str, Path]:
    """One region's plan and history, two peer panels and a stretched calibration table (SYNTHETIC)."""
    rng = np.random.default_rng(36)
    years = range(2014, 2023)
    indicators = [("x_share", "某比重（合成）", "%", 40.0, 1.0), ("y_count", "某数量（合成）", "个", 200.0, 6.0)]
    hist = pd.DataFrame([{"region": "甲市", "indicator": i, "name": n, "year": y, "unit": u,
                          "value": round(b + s * (y - 2014) + rng.normal(0, s / 2), 3), "source": SYNTHETIC}
                         for i, n, u, b, s in indicators for y in range(2019, 2023)])
    plan = pd.DataFrame([{"region": "甲市", "indicator": i, "name": n, "unit": u, "baseline_year": 2020,
                          "baseline": float(hist.query("indicator == @i and year == 2020")["value"].iloc[0]),
                          "target_year": 2025, "target": b + s * 13, "direction": ">=", "kind": "level",
                          "attribute": "expected", "plan": SYNTHETIC} for i, n, u, b, s in indicators])

    def panel(slope: float, n: int) -> pd.DataFrame:
        return pd.DataFrame([{"region": f"乙{k}", "indicator": i, "name": nm, "year": y, "unit": u,
                              "value": round(b * (1 + k / 10) + slope * s * (y - 2014) + rng.normal(0, s), 3),
                              "source": SYNTHETIC}
                             for k in range(n) for i, nm, u, b, s in indicators for y in years])

    paths = {name: folder / f"{name}.csv" for name in ("plan", "history", "refA", "refB")}
    plan.to_csv(paths["plan"], index=False)
    hist.to_csv(paths["history"], index=False)
    panel(1.0, 8).to_csv(paths["refA"], index=False)
    panel(-1.5, 8).to_csv(paths["refB"], index=False)
    cal = default_calibration()
    stretched = dataclasses.replace(cal, factors={m: np.asarray(f) * 1.7 for m, f in cal.factors.items()},
                                    provenance="SYNTHETIC stretched factors")
    paths["cal"] = folder / "stretched.json"
    stretched.save(paths["cal"])
    return paths


@pytest.fixture(scope="module")
def api_reference_runs(tmp_path_factory, store_uri):
    folder = tmp_path_factory.mktemp("synthetic")
    paths = synthetic_inputs(folder)
    experiment = f"ref-{uuid.uuid4().hex[:6]}"
    settings = tracking.TrackingSettings(tracking_uri=store_uri, experiment=experiment)
    cases = [("refA", "default"), ("refB", "default"), ("refA", None), ("refA", "cal"), (None, "default")]
    tables = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ref, cal in cases:
            tables.append(mt.assess(str(paths["history"]), str(paths["plan"]), as_of=2022, model="drift",
                                    n_paths=300, reference=str(paths[ref]) if ref else None,
                                    calibration=str(paths[cal]) if cal == "cal" else cal,
                                    track=True, tracking_settings=settings))
    client, runs = runs_of(store_uri, experiment)
    assert len(runs) == len(cases)
    return paths, cases, runs, tables


def test_reference_and_calibration_change_the_fingerprint_and_are_logged(api_reference_runs):
    paths, cases, runs, tables = api_reference_runs
    params = [r.data.params for r in runs]  # oldest first, in the order of cases
    fingerprints = [p["data_fingerprint"] for p in params]
    assert len(set(fingerprints)) == len(cases), fingerprints
    for p, (ref, cal) in zip(params, cases):
        assert p["reference"] == (str(paths[ref]) if ref else "none")
        assert p["calibration"] == {"default": "default", None: "none", "cal": str(paths["cal"])}[cal]
    # without peers and with the shipped calibration, the fingerprint of the tables alone, as before
    plan, history = mt.read_plan(paths["plan"]), mt.read_history(paths["history"])
    assert fingerprints[-1] == tracking.data_fingerprint(plan, history)
    # the same calibration table as a file or as an object: one fingerprint
    cal = mt.calibration.Calibration.load(paths["cal"])
    assert tracking.data_fingerprint(plan, history, calibration=cal) == \
        tracking.data_fingerprint(plan, history, calibration=str(paths["cal"]))


def test_input_tables_are_logged_as_dataset_inputs(api_reference_runs):
    paths, _, runs, _ = api_reference_runs
    inputs = {d.dataset.name: d for d in runs[0].inputs.dataset_inputs}
    assert set(inputs) == {"plan", "history", "reference"}
    for role, key in (("plan", "plan"), ("history", "history"), ("reference", "refA")):
        assert str(paths[key]) in inputs[role].dataset.source
        assert inputs[role].dataset.digest
        assert {t.key: t.value for t in inputs[role].tags}["mlflow.data.context"] == role
    assert '"num_rows": 2' in inputs["plan"].dataset.profile  # the plan's two rows


# ------------------------------------------------------------------ 3. one schema, CLI and API
@pytest.fixture(scope="module")
def cli_and_api_runs(tmp_path_factory, store_uri):
    """assess / forecast / backtest from the CLI (relative paths, run in the files' folder) and from
    the API (absolute paths), same arguments."""
    folder = tmp_path_factory.mktemp("inputs")
    for f in (PLAN, HISTORY):
        shutil.copy(f, folder / f.name)
    plan, history = folder / PLAN.name, folder / HISTORY.name
    cli_exp, api_exp = f"cli-{uuid.uuid4().hex[:6]}", f"api-{uuid.uuid4().hex[:6]}"
    track = ["--tracking-uri", store_uri, "--experiment", cli_exp]
    old = os.getcwd()
    os.chdir(folder)
    try:
        for argv in (["assess", "--plan", PLAN.name, "--history", HISTORY.name, "--model", "drift"],
                     ["forecast", "--history", HISTORY.name, "--horizon", "2", "--model", "drift"],
                     ["backtest", "--history", HISTORY.name, "--models", "drift,naive", "--horizon", "2",
                      "--origins", "2"]):
            assert main(argv + track) == 0
    finally:
        os.chdir(old)
    settings = tracking.TrackingSettings(tracking_uri=store_uri, experiment=api_exp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mt.assess(str(history), str(plan), model="drift", track=True, tracking_settings=settings)
        mt.forecast(str(history), horizon=2, model="drift", track=True, tracking_settings=settings)
        mt.backtest(str(history), model=["drift", "naive"], horizon=2, origins=2, track=True,
                    tracking_settings=settings)

    def by_command(experiment):
        _, runs = runs_of(store_uri, experiment)
        top = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
        return {r.data.params["command"]: r for r in top}

    return folder, by_command(cli_exp), by_command(api_exp)


@pytest.mark.parametrize("command", ["assess", "forecast", "backtest"])
def test_cli_and_api_log_one_schema(cli_and_api_runs, command):
    folder, cli, api = cli_and_api_runs
    c, a = cli[command].data.params, api[command].data.params
    assert c == a, {k: (c.get(k), a.get(k)) for k in set(c) | set(a) if c.get(k) != a.get(k)}
    assert c["history"] == str(folder / HISTORY.name)  # typed relative, logged absolute
    assert c["region"] == "全国" and cli[command].data.tags["mstarget.regions"] == "全国"
    assert c["backend"] == "serial"
    assert not [k for k, v in c.items() if v in ("", "None")]  # one spelling of empty: none


def test_as_of_is_the_year_the_data_reached_and_origins_the_years(cli_and_api_runs):
    _, cli, _ = cli_and_api_runs
    history = mt.read_history(HISTORY)
    last = str(int(history.loc[history["value"].notna(), "year"].max()))
    assert cli["forecast"].data.params["as_of"] == last and cli["forecast"].data.params["as_of_given"] == "none"
    assessed = cli["assess"].data.params
    assert assessed["as_of"] != "none" and assessed["as_of_given"] == "none"
    assert assessed["reference"] == "none" and assessed["calibration"] == "default"
    assert assessed["n_paths"] == "2000" and "thresholds" in assessed
    bt = cli["backtest"].data.params
    assert bt["n_origins"] == "2" and bt["origins"] == f"{int(last) - 2},{int(last) - 1}"  # the years, not "2"
    assert bt["plan"] == "none"


def test_cli_runs_log_their_inputs_as_datasets(cli_and_api_runs):
    folder, cli, _ = cli_and_api_runs
    names = {d.dataset.name: d.dataset.source for d in cli["assess"].inputs.dataset_inputs}
    assert set(names) == {"plan", "history"}
    assert str(folder / PLAN.name) in names["plan"]
    assert {d.dataset.name for d in cli["forecast"].inputs.dataset_inputs} == {"history"}
    assert {d.dataset.name for d in cli["backtest"].inputs.dataset_inputs} == {"history"}


# ------------------------------------------------------------------ 4. regions
def test_several_regions_are_counted_and_named_in_a_tag(store_uri):
    years = range(2015, 2023)
    regions = ["甲区", "乙区", "丙区"]
    history = pd.DataFrame([{"region": r, "indicator": "x", "year": y, "value": 10.0 + k + y - 2015,
                             "source": SYNTHETIC} for k, r in enumerate(regions) for y in years])
    experiment = f"regions-{uuid.uuid4().hex[:6]}"
    mt.forecast(history, horizon=2, model="drift", n_paths=100, track=True,
                tracking_settings=tracking.TrackingSettings(tracking_uri=store_uri, experiment=experiment))
    _, (run,) = runs_of(store_uri, experiment)
    assert run.data.params["region"] == "3 regions"
    assert sorted(run.data.tags["mstarget.regions"].split(",")) == sorted(regions)
    assert run.data.params["history"] == "DataFrame"
    assert {d.dataset.name for d in run.inputs.dataset_inputs} == {"history"}


def test_the_regions_tag_is_cut_to_mlflows_limit_saying_how_many():
    frame = pd.DataFrame({"region": [f"第{i:04d}号合成区域名称较长" for i in range(2000)]})
    param, tags = records.region_params(frame)
    assert param == "2000 regions"
    text = tags["mstarget.regions"]
    assert len(text) <= records.MAX_TAG_CHARS and text.endswith("(2000 regions in all)")
    assert text.startswith("第0000号合成区域名称较长,第0001号")


# ------------------------------------------------------------------ 5. uncommitted changes
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_dirty_flag_of_a_checkout(tmp_path):
    def git(*args):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})

    repo = tmp_path / "checkout"
    package = repo / "src" / "pkg"
    package.mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "one")
    assert store.package_git_dirty(package) is False
    (package / "a.py").write_text("x = 2\n")
    assert store.package_git_dirty(package) is True
    git("commit", "-q", "-am", "two")
    (package / "new.py").write_text("y = 1\n")  # a file not yet committed changes the code too
    assert store.package_git_dirty(package) is True
    plain = tmp_path / "plain"
    plain.mkdir()
    assert store.package_git_dirty(plain) is None  # not a checkout: no tag, no guess


def test_runs_say_whether_the_checkout_had_uncommitted_changes(forecast_run):
    _, uri = forecast_run
    _, (run,) = runs_of(uri, "mstarget")
    dirty = store.package_git_dirty()  # None when mstarget does not run from a git checkout
    assert run.data.tags.get("mstarget.source.dirty") == {True: "true", False: "false", None: None}[dirty]
    assert ("mstarget.source.dirty" in run.data.tags) == ("mlflow.source.git.commit" in run.data.tags)
