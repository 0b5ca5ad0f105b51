"""One registry, checked specs, loud failures (issue 16).

A misconfigured spec is refused before any work, naming the spec and what is allowed; a model that
cannot fit a series falls back only in the documented way, recorded in the result; every error
mstarget raises is a MstargetError.
"""
from __future__ import annotations

import fnmatch
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import ModelFitError, MstargetError, ParameterError, UnknownModelError
from mstarget.models import (DriftModel, EnsembleModel, ModelSpec, RobustDriftModel, SESThetaModel,
                             available_models, model_class, registry, resolve)
from mstarget.forecast import forecast_paths
from mstarget.models.base import Forecaster


def _panel(n_series: int = 6, n_years: int = 10) -> pd.DataFrame:
    """Synthetic, labelled: steadily growing counts in several regions (seeded)."""
    rng = np.random.default_rng(16)
    rows = []
    for k in range(n_series):
        v = 100 * (k + 1) * np.exp(0.05 * np.arange(n_years) + rng.normal(0, 0.02, n_years).cumsum())
        rows += [(f"R{k}", "x", 2010 + t, float(v[t]), "件") for t in range(n_years)]
    return pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"])


@pytest.mark.parametrize("spec, message", [
    (ModelSpec("ensemble", {"combine": "bogus"}),
     "The 'combine' parameter of ensemble must be one of 'mean', 'median'. Got 'bogus' instead."),
    (ModelSpec("ensemble", {"memberz": ["theta"]}),
     "ensemble has no parameter 'memberz'; did you mean 'members'? Its parameters: 'members', "
     "'combine', 'global_oof'."),
    (ModelSpec("global", {"max_iter": "forty"}),
     "The 'max_iter' parameter of global must be an int in [1, 10000]. Got 'forty' instead."),
    (ModelSpec("global", {"learning_rate": 0}),
     "The 'learning_rate' parameter of global must be a number in (0, 1]. Got 0 instead."),
    (ModelSpec("rate", {"scale": "log"}, label="my_rate"),
     "The 'scale' parameter of rate (model spec my_rate) must be one of 'none', 'series'. Got 'log' instead."),
    (ModelSpec("naive", {"window": 3}), "naive has no parameter 'window'. naive takes no parameters."),
    (ModelSpec("ets", {"damped": "no"}), "The 'damped' parameter of ets must be true or false. Got 'no' instead."),
])
def test_bad_spec_parameters_are_refused_on_resolve(spec, message):  # issue 16
    with pytest.raises(ParameterError) as err:
        resolve(spec)
    assert str(err.value) == message


def test_unknown_members_are_named_with_the_choices():  # issue 16
    with pytest.raises(ParameterError, match=r"'members' parameter of ensemble must name registered "
                                             r"models, one of 'arima', .*Got 'thetta' instead"):
        resolve(ModelSpec("ensemble", {"members": ["ses_theta", "thetta"]}))
    with pytest.raises(UnknownModelError, match="unknown model 'ensemble_lgtt'.*ensemble_lgt"):
        resolve("ensemble_lgtt")


def test_a_misconfigured_spec_is_an_error_not_a_fallback():  # issue 16: was drift labelled global
    hist = _panel()
    for spec in (ModelSpec("global", {"max_iter": "forty"}), ModelSpec("ensemble", {"combine": "bogus"})):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # and no warning-and-carry-on either
            with pytest.raises(ParameterError):
                mt.forecast(hist, horizon=2, model=spec)


def test_a_spec_file_with_a_bad_value_names_the_file(tmp_path):  # issue 16
    path = tmp_path / "my_ensemble.toml"
    path.write_text('model = "ensemble"\n[params]\ncombine = "average"\n', encoding="utf-8")
    with pytest.raises(ParameterError, match=r"The 'combine' parameter of ensemble \(model spec "
                                             r".*my_ensemble.toml\) must be one of 'mean', 'median'"):
        mt.forecast(_panel(), horizon=1, model=str(path))


def test_named_specs_ship_with_the_package(tmp_path, monkeypatch):  # issue 16
    monkeypatch.chdir(tmp_path)  # far from the repository's root
    assert set(registry.shipped_specs()) >= {"ensemble_lgt", "ensemble_robust", "arima_small"}
    fc = mt.forecast(_panel(), horizon=2, model="ensemble_lgt", seed=0)
    assert set(fc["model"]) == {"ensemble_lgt"}
    # the user's own ./models/<name>.toml comes first
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "ensemble_lgt.toml").write_text('model = "drift"\nlabel = "mine"\n', encoding="utf-8")
    assert resolve("ensemble_lgt") == ModelSpec("drift", {}, "mine")


def test_ensemble_members_are_registered_models_and_duplicates_are_gone():  # issue 16
    names = available_models()
    assert {"ses_theta", "robust_drift", "damped", "lgt", "otm"} <= set(names)
    assert "drift_fast" not in names and "naive_fast" not in names  # the same as drift / naive
    assert model_class("ses_theta") is SESThetaModel and model_class("robust_drift") is RobustDriftModel
    # any registered model can be a member, with the same numbers as on its own
    y = np.log(np.array([100.0, 104, 109, 115, 118, 124, 131]))
    alone = DriftModel().fit(y, noise_prior=0.1).predict(3)
    both = EnsembleModel(members=["drift", "drift"]).fit(y, noise_prior=0.1).predict(3)
    np.testing.assert_allclose(both, alone)


class _Singular(Forecaster):
    """A model whose numerical routine fails on every series (as statsmodels may on odd data)."""

    name = "singular_test_model"

    def fit(self, y, *, noise_prior=1.0):
        raise ModelFitError("SingularModel could not be fitted: LinAlgError: Singular matrix")

    def predict(self, h):  # pragma: no cover
        raise AssertionError

    def sample_paths(self, h, n_paths, rng):  # pragma: no cover
        raise AssertionError


class _Buggy(_Singular):
    name = "buggy_test_model"

    def fit(self, y, *, noise_prior=1.0):
        raise TypeError("a bug, not a property of the data")


@pytest.fixture
def registered(monkeypatch):
    for cls in (_Singular, _Buggy):
        monkeypatch.setitem(registry._REGISTRY, cls.name, cls)


def test_a_failing_fit_falls_back_recorded_in_the_result(registered, data_dir):  # issue 16
    with pytest.warns(mt.ModelFallbackWarning, match="failed to fit"):
        res = mt.assess(data_dir / "china" / "national_history.csv", data_dir / "china" / "national_targets.csv",
                        as_of=2022, model="singular_test_model", seed=0)
    used = res[res["status"] != "no_data"]
    assert set(used["model"]) <= {"fallback:drift", "fallback:naive"} and len(used)
    assert all("model 'singular_test_model' failed to fit (SingularModel could not be fitted: "
               "LinAlgError: Singular matrix); used" in n for n in used["note"])


def test_a_bug_in_a_model_is_not_hidden_by_a_fallback(registered):  # issue 16
    with pytest.raises(TypeError, match="a bug"):
        mt.forecast(_panel(), horizon=1, model="buggy_test_model")


def test_a_member_that_cannot_fit_drops_out_and_the_note_says_so(registered, data_dir):  # issue 16
    spec = ModelSpec("ensemble", {"members": ["singular_test_model", "robust_drift"]}, label="two")
    res = mt.assess(data_dir / "china" / "national_history.csv", data_dir / "china" / "national_targets.csv",
                    as_of=2022, model=spec, seed=0)
    used = res[res["status"] != "no_data"]
    assert set(used["model"]) == {"two"}
    assert all("ensemble member 'singular_test_model' dropped out: SingularModel could not be fitted"
               in n for n in used["note"])


def test_short_series_fallback_is_labelled_as_one():  # issue 16
    hist = pd.DataFrame({"region": "R", "indicator": "x", "year": [2020, 2021, 2022],
                         "value": [10.0, 11.0, 12.5]})
    with pytest.warns(mt.ShortHistoryWarning, match="too few for model 'ets'"):
        fc = mt.forecast(hist, horizon=1, model="ets")
    assert fc["model"].tolist() == ["fallback:drift"]


def test_every_error_is_an_mstarget_error():  # issue 16: `except MstargetError` catches them
    for call in (lambda: DriftModel().fit([]), lambda: EnsembleModel(combine="x"),
                 lambda: model_class("nope"), lambda: SESThetaModel().fit([1.0, float("nan")]),
                 lambda: mt.calibration.resolve_calibration("shipped")):
        with pytest.raises(MstargetError):
            call()


def test_the_wheel_ships_the_named_specs_and_the_calibration_factors():  # issue 16
    """pyproject's package data covers every shipped spec and the factors (an editable install
    would find them even when a wheel would not)."""
    root = Path(__file__).resolve().parents[1]
    globs = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-data"]["mstarget"]
    pkg = root / "src" / "mstarget"
    shipped = [p.relative_to(pkg).as_posix() for p in sorted((pkg / "specs").glob("*.toml"))]
    assert len(shipped) >= 3
    for rel in shipped + ["calibration_factors.json"]:
        assert any(fnmatch.fnmatch(rel, g) for g in globs), f"{rel} is not package data"


def test_members_left_out_of_a_short_series_are_noted():  # issue 16: recorded, not silent
    hist = pd.DataFrame({"region": "R", "indicator": "x", "year": [2021, 2022], "value": [10.0, 11.0]})
    spec = ModelSpec("ensemble", {"members": ["damped", "robust_drift"]}, label="pair")
    (sf,) = forecast_paths(hist, 1, model=spec, seed=0, n_paths=100)
    assert sf.model == "pair"
    assert "ensemble member 'damped' left out: it needs 3 points, the series has 2" in sf.notes
