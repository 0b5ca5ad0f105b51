"""``assess`` without ``--as-of`` says what the report of the same day says (session 38, /tmp/s38/p6/repro2_assess_noasof.sh).

Today (2026-12) a 2021-2025 plan on data ending in 2022 is reported as the 总结评估 of 2025 (the report's
evaluation-year rule, :func:`mstarget.report.model.evaluation_year`). ``assess`` without ``--as-of`` judged it as of
2022 (快于预期 / 滞后 beside 预计能够完成（待确认）, ``--out`` ahead / behind, the run named "as of 2022"); it now applies the
same rule (:func:`mstarget.report.model.apply_evaluation_year`): its categories, ``--out``, run and summary are those of
``--as-of 2025``, and a warning says which years to report. The summary counts the （待确认） words in the outlook's order,
says plainly when no row can be judged, and says an interpolated target year is not judged.

The national data are real (data/china); the 鼎湖区 rows are SYNTHETIC.
"""
from __future__ import annotations

import datetime as _dt
import warnings

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

import mstarget as mt
from mstarget.cli.assess import summary_line
from mstarget.cli.main import main
from report_helpers import interpolated_target_year

#: the rule reads the calendar: these tests describe a day after 十四五 (2026 or later)
pytestmark = pytest.mark.skipif(_dt.date.today().year < 2026, reason="needs a date after the plan's end year")


def _national(data_dir):
    return data_dir / "china" / "national_targets.csv", data_dir / "china" / "national_history.csv"


def test_assess_without_as_of_after_the_plan_judges_as_the_report_and_as_of_2025(tmp_path, data_dir, capsys):
    plan, history = _national(data_dir)
    out, given = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["assess", "--plan", str(plan), "--history", str(history), "--seed", "0", "--out", str(out),
                 "--no-track"]) == 0
    captured = capsys.readouterr()
    assert main(["assess", "--plan", str(plan), "--history", str(history), "--seed", "0", "--as-of", "2025",
                 "--out", str(given), "--no-track"]) == 0
    capsys.readouterr()
    a = pd.read_csv(out)
    pd.testing.assert_frame_equal(a, pd.read_csv(given))  # the same table as --as-of 2025
    assert (a["as_of"] == 2025).all()  # was NaN: the evaluation year used is recorded
    awaited = a["indicator"].isin(["high_value_invention_patents_per_10k", "food_sampling_unqualified_rate"])
    assert set(a.loc[awaited, "evaluation"]) == {"insufficient_data"}  # was ahead / behind
    assert set(a.loc[awaited, "category_zh"]) == {"数据不足"}  # was 快于预期 / 滞后
    printed = captured.out
    assert "1 assessed -- met: 1\n已完成 1, 未完成 0\n" in printed  # was 3 assessed ... 快于预期 1 ... 滞后 1
    assert "快于预期" not in printed and "滞后" not in printed
    assert "待确认 2 (" in printed and "预计能够完成（待确认） 1, 完成难度较大（待确认） 1" in printed
    assert "目标年已过，数据仅至2022年，请补报2023年至2025年数据" in captured.err
    assert "--as-of 2022" in captured.err


def test_assess_with_as_of_given_is_left_as_asked(tmp_path, data_dir, capsys):
    plan, history = _national(data_dir)
    out = tmp_path / "a.csv"
    assert main(["assess", "--plan", str(plan), "--history", str(history), "--seed", "0", "--as-of", "2022",
                 "--out", str(out), "--no-track"]) == 0
    captured = capsys.readouterr()
    a = pd.read_csv(out)
    assert (a["as_of"] == 2022).all() and "快于预期" in set(a["category_zh"])
    assert "目标年已过" not in captured.err


def test_the_tracked_run_is_named_and_logged_as_of_the_evaluation_year(tmp_path, data_dir, capsys):
    plan, history = _national(data_dir)
    uri = f"sqlite:///{tmp_path / 'runs.db'}"
    assert main(["assess", "--plan", str(plan), "--history", str(history), "--seed", "0",
                 "--tracking-uri", uri]) == 0
    capsys.readouterr()
    client = MlflowClient(tracking_uri=uri)
    runs = client.search_runs([e.experiment_id for e in client.search_experiments()])
    assert len(runs) == 1
    run = runs[0]
    assert run.data.tags["mlflow.runName"].startswith("assess 全国 as of 2025")  # was "as of 2022"
    assert run.data.params["as_of"] == "2025" and run.data.params["as_of_given"] in ("None", "none", "")
    assert run.data.metrics["n_insufficient_data"] == 4  # as the report's 数据不足 rows (was 2)


def test_summary_of_an_api_table_without_as_of_agrees_with_its_words(data_dir):
    plan, history = _national(data_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = mt.assess(history, plan, seed=0)
    text = summary_line(t)
    first = text.splitlines()[0]
    assert first == "1 assessed -- met: 1"  # was: 3 assessed -- met: 1, 完成难度较大（待确认） 1, 预计能够完成（待确认） 1
    assert "快于预期" not in text and "滞后" not in text
    # the awaited words in the outlook's order, never by their characters (完成难度较大 before 预计能够完成)
    assert "预计能够完成（待确认） 1, 完成难度较大（待确认） 1" in text


def _interpolated():
    """SYNTHETIC: the target year 2025 never reported, data 2021-2024 and 2026."""
    plan, hist = interpolated_target_year()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(hist, plan, seed=0, n_paths=500)


def test_interpolated_target_years_are_said_not_judged_and_nothing_judged_is_said_plainly():
    text = summary_line(_interpolated())
    assert text.startswith("0 assessed -- no target can be judged on the data given\n")  # was "0 assessed -- met: 0"
    assert "met: 0" not in text
    assert "2 whose target-year value was never reported, only interpolated" in text
    assert "not judged, no p_meet" in text
    assert "estimates of the missing years" not in text and "too incomplete" not in text  # they have no p_meet


def test_the_python_api_without_as_of_judges_as_the_command_line(tmp_path, data_dir):
    """``mt.assess`` without ``as_of`` gives the table ``mstarget assess`` gives (the report's rule), warning at the
    caller's line with the Python spelling of the way back to a view as of the data."""
    plan, history = _national(data_dir)
    out = tmp_path / "a.csv"
    assert main(["assess", "--plan", str(plan), "--history", str(history), "--seed", "0", "--out", str(out),
                 "--no-track"]) == 0
    with pytest.warns(mt.MstargetWarning, match=r"请补报2023年至2025年数据.*as_of=2022") as caught:
        table = mt.assess(history, plan, seed=0)
    assert any(w.filename == __file__ for w in caught if "请补报" in str(w.message))
    cli = pd.read_csv(out)
    assert list(table["category_zh"]) == list(cli["category_zh"]) and (table["as_of"] == 2025).all()
