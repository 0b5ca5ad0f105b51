"""``mstarget calibrate``: calibration learned from a bureau's own panel, saved, and used by assess.

Panel: REAL provincial budget expenditure (``data/china/provincial_panels.csv``, 31 provinces,
2010-2019, the years before the assessed window). Plan: four provinces' 2025 targets at 1.3x their
2020 values (SYNTHETIC targets, set here by code) against their real 2018-2022 history.
"""
from __future__ import annotations

import json
import uuid

import numpy as np
import pandas as pd
import pytest
from mlflow_helpers import runs_of

import mstarget as mt
from mstarget.calibration import Calibration
from mstarget.cli.main import main

INDICATOR = "local_budget_expenditure_total"
PROVINCES = ["广东", "江苏", "浙江", "山东"]


@pytest.fixture(scope="module")
def files(tmp_path_factory, data_dir):
    d = tmp_path_factory.mktemp("calibrate")
    p = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    p = p[p["indicator"] == INDICATOR][["region", "indicator", "name", "year", "value", "unit"]]
    p[p["year"] <= 2019].to_csv(d / "panel.csv", index=False)
    h = p[p["region"].isin(PROVINCES) & p["year"].between(2018, 2022)]
    h.to_csv(d / "history.csv", index=False)
    base = h[h["year"] == 2020].set_index("region")["value"]
    pd.DataFrame({"region": PROVINCES, "indicator": INDICATOR, "baseline_year": 2020,
                  "baseline": base[PROVINCES].to_numpy(), "target_year": 2025,
                  "target": (1.3 * base[PROVINCES]).round(0).to_numpy(), "direction": "increase"}
                 ).to_csv(d / "plan.csv", index=False)
    return d


@pytest.fixture(scope="module")
def learned(files):
    uri, experiment = f"sqlite:///{files / 'mlflow.db'}", f"cal-{uuid.uuid4().hex[:6]}"
    out = files / "my_calibration.json"
    assert main(["calibrate", "--panel", str(files / "panel.csv"), "--horizon", "4", "--out", str(out),
                 "--tracking-uri", uri, "--experiment", experiment]) == 0
    return out, uri, experiment


def test_calibrate_checks_itself_on_the_panels_last_years(learned, files, capsys):
    """The printed check: learned on 2010-2016, both tables scored on outcomes in 2017-2019."""
    out, uri, experiment = learned
    _, runs = runs_of(uri, experiment)
    m = runs[0].data.metrics
    for who in ("shipped", "learned"):
        assert 0 <= m[f"check.{who}.coverage_80"] <= m[f"check.{who}.coverage_95"] <= 1 and 0 <= m[f"check.{who}.ece"] <= 1
    check = mt.calibration.check_learned(files / "panel.csv")
    assert check["test_years"].tolist() == ["2017-2019"] * 2 and check["learned_on"].tolist() == ["<= 2016"] * 2
    assert check.set_index("calibration").loc["learned", "ece"] == pytest.approx(m["check.learned.ece"])


def test_calibrate_writes_a_table_assess_reads_and_logs_a_run(learned, capsys):
    out, uri, experiment = learned
    cal = Calibration.load(out)
    assert cal.scheme("pooled_drift") == "plan" and "calibration.learn" in cal.meta["model_provenance"]["pooled_drift"]
    assert np.asarray(cal.factors["pooled_drift"]).shape[1] == 4  # horizons 1-4
    assert "shift" in json.loads(out.read_text(encoding="utf-8"))["models"]["pooled_drift"]
    assert cal.has("ensemble")  # the shipped factors of the other models come along
    client, runs = runs_of(uri, experiment)
    (run,) = runs
    assert run.data.tags["mstarget.command"] == "calibrate" and run.data.params["horizon"] == "4"
    assert {"calibration_factors.csv", "my_calibration.json"} <= {a.path for a in client.list_artifacts(run.info.run_id)}
    assert "median_c80_vs_shipped" in run.data.metrics


def test_assess_with_the_learned_calibration_differs_from_the_shipped(files, learned, tmp_path):
    out, _, _ = learned
    base = ["assess", "--plan", str(files / "plan.csv"), "--history", str(files / "history.csv"), "--as-of", "2022",
            "--no-track"]
    assert main([*base, "--out", str(tmp_path / "shipped.csv")]) == 0
    assert main([*base, "--calibration", str(out), "--out", str(tmp_path / "own.csv")]) == 0
    shipped, own = pd.read_csv(tmp_path / "shipped.csv"), pd.read_csv(tmp_path / "own.csv")
    assert (shipped["region"] == own["region"]).all() and (shipped["last_value"] == own["last_value"]).all()
    assert not np.allclose(shipped["hi_80"] - shipped["lo_80"], own["hi_80"] - own["lo_80"])
    # the API takes the same file
    res = mt.assess(files / "history.csv", files / "plan.csv", as_of=2022, calibration=str(out))
    assert np.allclose(res["p_meet"], own["p_meet"], atol=0.02)


def test_a_bad_calibration_file_is_refused_naming_it(files, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"models": {"pooled_drift": {"scheme": "plan"}}}', encoding="utf-8")
    argv = ["assess", "--plan", str(files / "plan.csv"), "--history", str(files / "history.csv"), "--no-track"]
    assert main([*argv, "--calibration", str(bad)]) == 2
    assert "bad.json: not a calibration table written by `mstarget calibrate`" in capsys.readouterr().err
    assert main([*argv, "--calibration", str(tmp_path / "missing.json")]) == 2
    assert "missing.json: no such calibration file" in capsys.readouterr().err
    assert main(["calibrate", "--panel", str(files / "panel.csv"), "--out", str(tmp_path / "c.csv"),
                 "--no-track"]) == 2
    assert "ending in .json" in capsys.readouterr().err


#: the three verdicts of the held-out check
VERDICTS = ("本地校准更准确", "内置校准更准确", "两者各有优劣", "more honest")


def _small_panel(path, *, gap: bool):
    """SYNTHETIC: two districts, indicator ``a`` a steady rise with noise; with ``gap``, ``a`` stops in
    2016 and ``b`` starts in 2020, so no 4-point window has an outcome in the held-out 2020-2022."""
    rng = np.random.default_rng(0)
    rows = []
    for region in ("甲区", "乙区"):
        for y in range(2010, 2017 if gap else 2023):
            rows.append((region, "a", y, 100 + 5 * (y - 2010) + rng.normal(0, 2)))
        for y in range(2020, 2023) if gap else ():
            rows.append((region, "b", y, 50 + 2 * (y - 2020) + rng.normal(0, 1)))
    pd.DataFrame(rows, columns=["region", "indicator", "year", "value"]).to_csv(path, index=False)
    return path


def test_a_panel_of_one_region_is_refused_naming_the_minimum(data_dir, tmp_path, capsys):
    """One region (全国): a check on 0 windows printed 'nan', concluded 内置校准更准确 and the table
    was written, exit 0 (s33 tester, defect 2)."""
    out = tmp_path / "cal1.json"
    assert main(["calibrate", "--panel", str(data_dir / "china" / "national_history.csv"), "--out", str(out),
                 "--no-track"]) == 2
    captured = capsys.readouterr()
    assert "national_history.csv: no indicator of this panel is given for 2 regions or more (at most 1: 全国)" \
        in captured.err
    assert "at least 2 regions (20+ advised" in captured.err and "Nothing was learned or written" in captured.err
    assert not out.exists() and "nan" not in captured.out


def test_a_check_without_windows_says_so_without_nan_or_verdict(tmp_path, capsys):
    out = tmp_path / "gap.json"
    assert main(["calibrate", "--panel", str(_small_panel(tmp_path / "gap.csv", gap=True)), "--out", str(out),
                 "--no-track"]) == 0
    captured = capsys.readouterr()
    assert "not checked: no series of the panel has 4 consecutive years whose value 2 years on falls in the " \
           "held-out years 2020-2022" in captured.out
    assert "nan" not in captured.out and not any(v in captured.out for v in VERDICTS)
    # written, but the warning goes with it: on the terminal and in the file
    assert "warning: learned from a small panel: at most 2 regions per indicator" in captured.err
    assert "WARNING: learned from a small panel" in Calibration.load(out).meta["model_provenance"]["pooled_drift"]


def test_a_check_on_few_windows_gives_no_verdict(tmp_path, capsys):
    out = tmp_path / "few.json"
    assert main(["calibrate", "--panel", str(_small_panel(tmp_path / "few.csv", gap=False)), "--out", str(out),
                 "--no-track"]) == 0
    text = capsys.readouterr().out
    assert "held out 2020-2022: 6 windows, fewer than the 30 needed to tell the two tables apart -- no verdict" in text
    assert "留出2020-2022年检验仅有6个窗口（至少需30个）" in text
    assert "nan" not in text and not any(v in text for v in VERDICTS)


def test_learning_from_a_panel_shows_progress_over_its_forecast_calls(files, capsys):
    # learning from a whole provincial panel takes tens of minutes: the calls are counted on stderr
    from mstarget.pace_check import stretch_table

    rows = stretch_table(files / "panel.csv", lengths=[3, 4], max_h=2, progress=True)
    err = capsys.readouterr().err
    assert len(rows) > 0 and "windows with peers" in err and "calls" in err
