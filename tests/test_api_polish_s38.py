"""The Python API as a notebook user meets it (session 38): charts that leave the session's
matplotlib alone, ``mt.assess_detailed``, wrong-typed options refused at the call, ``write_report``
refusing what is not an assessment, warnings once and at the user's line, short reprs.

All tables here are SYNTHETIC (made up for the tests)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import InconsistentDataWarning, MstargetWarning, ParameterError

HERE = __file__


def _history() -> pd.DataFrame:  # SYNTHETIC
    years = list(range(2018, 2024))
    return pd.DataFrame({"region": "甲市", "indicator": ["batches"] * 6 + ["share"] * 6,
                         "year": years * 2, "value": [100, 110, 118, 130, 141, 150] + [90, 91, 92, 92.5, 93, 94],
                         "unit": ["批次"] * 6 + ["%"] * 6})


def _plan() -> pd.DataFrame:  # SYNTHETIC
    return pd.DataFrame({"region": "甲市", "indicator": ["batches", "share"], "name": ["抽检批次", "合格率"],
                         "baseline_year": 2020, "baseline": [118, 92], "target_year": 2025,
                         "target": [">=180", ">=95"]})


# -- 1. charts: the session's backend is kept, nothing stays registered in pyplot ---------------

def test_charts_leave_the_notebook_backend_and_pyplot_alone(tmp_path):
    script = textwrap.dedent("""
        import warnings; warnings.simplefilter("ignore")
        import matplotlib; matplotlib.use("svg")          # stand-in for a notebook's inline backend
        import matplotlib.pyplot as plt
        import pandas as pd, mstarget as mt
        from mstarget.report import fan_chart, overview_chart
        h = pd.DataFrame({"region": "甲", "indicator": "x", "year": range(2015, 2024),
                          "value": [1.0, 2, 3, 4, 5, 6, 7, 8, 9]})
        bt = mt.backtest(h, model="drift", horizon=1, origins=2)
        figs = [bt.plot() for _ in range(3)]
        plan = pd.DataFrame({"region": ["甲"], "indicator": ["x"], "target_year": [2025], "target": [">=10"]})
        t, d = mt.assess_detailed(h, plan)
        figs += [fan_chart(d), overview_chart(t)]
        figs[0].savefig(r"%s")
        print(matplotlib.get_backend(), len(plt.get_fignums()), type(figs[0]).__name__)
    """ % (tmp_path / "bt.png"))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["svg", "0", "Figure"]  # HEAD: Agg 5 (backend switched, figures kept)
    assert (tmp_path / "bt.png").stat().st_size > 1000


def test_new_figure_is_drawable_without_pyplot(tmp_path):
    from mstarget.plotting import new_figure, save_figure

    fig = new_figure((3, 2))
    fig.subplots().plot([1, 2, 3])
    save_figure(fig, tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 500


# -- 2. assess_detailed at the top level -------------------------------------------------------

def test_assess_detailed_is_reachable_as_readme_and_docstrings_write_it(tmp_path):
    import mstarget.assess

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(_history(), _plan(), seed=0)
        again, _ = mstarget.assess.assess_detailed(_history(), _plan(), seed=0)
        report = mt.report.write_report(table, details, tmp_path / "r.html")
    assert len(table) == len(details) == 2 and table["p_meet"].equals(again["p_meet"])
    assert report.rows and (tmp_path / "r.html").exists()
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "mstarget.assess.assess_detailed(" not in readme and "mt.assess_detailed(" in readme


# -- 3. wrong-typed options: ParameterError at the call ----------------------------------------

@pytest.mark.parametrize("kwargs, name", [
    ({"thresholds": {"on_track": 0.8}}, "thresholds"),
    ({"schedule_rules": {"tolerance": 0.1}}, "schedule_rules"),
    ({"use_plan_baseline": "no"}, "use_plan_baseline"),
    ({"region": 5}, "region"),
    ({"track": True, "tracking_settings": {"tracking_uri": "sqlite:///x.db"}}, "tracking_settings"),
    ({"track": "yes"}, "track"),
])
def test_wrong_typed_options_of_assess_name_the_parameter(kwargs, name):
    for fn in (mt.assess, mt.assess_detailed):
        if fn is mt.assess_detailed and name in ("track", "tracking_settings"):
            continue
        with pytest.raises(ParameterError, match=f"'{name}' parameter of assess"):
            fn(_history(), _plan(), **kwargs)


def test_region_given_beside_a_region_column_is_said_not_used():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = mt.assess(_history(), _plan(), region="乙县", seed=0)
    assert set(t["region"]) == {"甲市"}
    said = [w for w in caught if "region='乙县' was not used" in str(w.message)]
    assert said and said[0].filename == HERE


@pytest.mark.parametrize("bounds, words", [
    ({"batches": (5, 1)}, "the lower above the upper"),
    ({(5, 1)}, "must be a dict"),
    ({"batches": "0-100"}, "pair (lower, upper)"),
])
def test_bad_bounds_are_refused_with_what_is_wrong(bounds, words):
    with pytest.raises(ParameterError, match=r"'bounds' parameter of forecast") as e:
        mt.forecast(_history(), bounds=bounds)
    assert words in str(e.value)


# -- 4. write_report refuses what is not an assessment, checks date / as_of / max_charts ------

@pytest.fixture(scope="module")
def assessed():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from mstarget.assess import assess_detailed  # the module (mt.assess is the function)

        return assess_detailed(_history(), _plan(), seed=0)


def test_write_report_refuses_a_forecast_table_and_a_plan(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = mt.forecast(_history())
    for table, kind in ((fc, "a forecast table"), (_plan(), "a plan table")):
        with pytest.raises(ParameterError, match="Run mt.assess first") as e:
            mt.report.write_report(table, None, tmp_path / "x.html")
        assert kind in str(e.value)
    assert not (tmp_path / "x.html").exists()


def test_write_report_reads_a_written_year_and_checks_date_and_max_charts(assessed, tmp_path):
    table, details = assessed
    rep = mt.report.write_report(table, details, tmp_path / "a.html", as_of="2024年", date="2026-12-06")
    ref = mt.report.write_report(table, details, tmp_path / "b.html", as_of=2024, date="2026-12-06")
    assert rep.title == ref.title
    for kwargs, name in (({"date": "yesterday"}, "date"), ({"max_charts": -1}, "max_charts"),
                         ({"as_of": "明年"}, "as_of"), ({"as_of": 2024.5}, "as_of")):
        with pytest.raises(ParameterError, match=f"'{name}' parameter of write_report"):
            mt.report.write_report(table, details, tmp_path / "c.html", **kwargs)
    assert not (tmp_path / "c.html").exists()


# -- 5. learning from a panel: its data warnings once, not per window --------------------------

def test_stretch_windows_do_not_repeat_the_panels_data_warnings():
    from mstarget.pace_check import stretch_table

    rng = np.random.default_rng(0)  # SYNTHETIC panel: one region's series steps x5 in 2016
    rows = []
    for k in range(6):
        v = 100 + 3 * np.arange(10) + rng.normal(0, 1, 10)
        if k == 0:
            v[6:] *= 5
        rows += [{"region": f"R{k}", "indicator": "x", "year": 2010 + i, "value": float(v[i])} for i in range(10)]
    with warnings.catch_warnings(record=True) as read:
        warnings.simplefilter("always")
        panel = mt.read_history(pd.DataFrame(rows))
    assert any(issubclass(w.category, InconsistentDataWarning) for w in read)  # said once, when read
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = stretch_table(panel, lengths=(6, 7), max_h=2, n_paths=50)
    assert len(out) > 0
    assert [str(w.message)[:80] for w in caught if issubclass(w.category, InconsistentDataWarning)] == []
    # each window forecast alone (calibration.learn does both) finds its series back under its internal name
    alone = stretch_table(panel.assign(region=panel["region"].str.replace("R", "省")), lengths=(6,), max_h=2,
                          n_paths=50, alone=True)
    assert len(alone) > 0 and set(alone["indicator"]) == {"x"} and alone["r_80"].dtype == float


# -- 6. short reprs ----------------------------------------------------------------------------

def test_backtest_and_calibration_reprs_are_short_and_say_what_matters():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bt = mt.backtest(_history(), model="drift,naive", horizon=1, origins=2)
    text = repr(bt)
    assert text.startswith("BacktestResult: 2 model(s) (drift, naive), 2 series, origins 2021, 2022")
    assert f"best by crps_scaled_gmean: {bt.best_model()}" in text and len(text.splitlines()) <= 5
    cal = repr(mt.calibration.default_calibration())
    assert cal.startswith("Calibration: ") and "pooled_drift: plan scheme" in cal
    assert "array(" not in cal and len(cal.splitlines()) <= 12


# -- 7. warnings at the user's line; tracking advice for Python users ---------------------------

def test_reading_warnings_point_at_the_users_line():
    h = pd.DataFrame({"region": ["甲"] * 3, "indicator": ["x"] * 3, "year": [2021, 2022, 2023],
                      "value": [5, -3, 4], "unit": ["户"] * 3})  # SYNTHETIC: a negative count
    p = pd.DataFrame({"region": ["甲"], "indicator": ["y"], "name": ["某指标"], "target_year": [2025],
                      "target": ["建成"]})  # a qualitative target
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.read_history(h)
        mt.read_plan(p)
    found = {w.category.__name__: w.filename for w in caught}
    assert found.get("InconsistentDataWarning") == HERE  # HEAD: .../mstarget/history.py
    qualitative = [w for w in caught if "qualitative" in str(w.message)]
    assert qualitative and qualitative[0].filename == HERE  # HEAD: sys


def test_a_failing_store_tells_a_python_user_how_to_skip_tracking(tmp_path):
    from mstarget.tracking import TrackingSettings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fc = mt.forecast(_history(), track=True, tracking_settings=TrackingSettings(
            tracking_uri=f"sqlite:///{tmp_path}/missing/folder/x.db"))
    assert fc.attrs["mlflow_run_id"] is None
    said = [str(w.message) for w in caught if w.category.__name__ == "TrackingWarning"]
    assert said and "track=False" in said[0] and "tracking_settings=" in said[0]
