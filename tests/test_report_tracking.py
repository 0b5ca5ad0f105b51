"""MLflow comparison target by target (issue 12): run names that say what ran, per-target metrics
keyed by sanitised ids, report files attached to the run of ``mstarget report``."""
from __future__ import annotations

import uuid

import pandas as pd
import pytest
from mlflow.utils.validation import _validate_metric_name
from mlflow_helpers import runs_of
from report_helpers import dinghu_history, dinghu_plan

from mstarget.cli.main import main
from mstarget.tracking.records import (
    MAX_TARGET_METRICS,
    _id_token,
    describe_run,
    target_metric_keys,
    target_metrics,
)


def test_metric_keys_are_valid_stable_and_readable_where_possible():  # issue 12
    assert _id_token("market_entities_total") == "market_entities_total"
    assert _id_token("鼎湖区") == "鼎湖区"  # MLflow takes Chinese names as they are
    assert _id_token("鼎湖区") != _id_token("端州区")
    assert _id_token("GDP增速") == "GDP增速"
    assert _id_token("GDP增速(%)").startswith("GDP增速_") and _id_token("GDP增速(%)") != _id_token("GDP增速（%）")
    table = pd.DataFrame({"region": ["鼎湖区", "鼎湖区", "鼎湖区"], "indicator": ["a/b c", "x", "x"],
                          "target_year": [2025, 2023, 2025], "name": ["甲", "乙", "乙"],
                          "p_meet": [0.8, 0.5, float("nan")], "forecast": [1.0, 2.0, 3.0]})
    keys = target_metric_keys(table)["key"].tolist()
    assert keys[1].endswith(".x.2023") and keys[2].endswith(".x.2025")  # same indicator, two targets
    metrics = target_metrics(table)
    for name in metrics:
        _validate_metric_name(name)  # MLflow's own rule
    assert metrics[f"p_meet.{keys[0]}"] == 0.8 and f"p_meet.{keys[2]}" not in metrics  # NaN is not logged
    assert metrics[f"forecast.{keys[2]}"] == 3.0


def test_per_target_metrics_are_capped():  # issue 12
    n = MAX_TARGET_METRICS + 50
    table = pd.DataFrame({"region": ["R"] * n, "indicator": [f"i{k}" for k in range(n)],
                          "p_meet": [0.5] * n, "forecast": [1.0] * n})
    metrics = target_metrics(table)
    assert len(metrics) == 2 * MAX_TARGET_METRICS and "p_meet.R.i199" in metrics and "p_meet.R.i200" not in metrics


def test_run_names_say_what_ran():  # issue 12
    table = pd.DataFrame({"region": ["鼎湖区"], "last_year": [2023]})
    assert describe_run("assess", table, {"model": "auto", "as_of": 2023}) == "assess 鼎湖区 as of 2023 · auto"
    assert describe_run("report", table, {"model": "theta"}) == "report 鼎湖区 as of 2023 · theta"
    many = pd.DataFrame({"region": list("ABC"), "last_year": [2020, 2021, None]})
    assert describe_run("assess", many, {"model": "auto", "as_of": None}) == "assess 3 regions as of 2021 · auto"


def test_tracked_report_run_compares_target_by_target_and_holds_the_files(tmp_path):  # issue 12
    uri, experiment = f"sqlite:///{tmp_path / 'mlflow.db'}", f"report-{uuid.uuid4().hex[:6]}"
    plan, history = tmp_path / "plan.csv", tmp_path / "history.csv"
    dinghu_plan().to_csv(plan, index=False)
    dinghu_history().to_csv(history, index=False)
    outs = [tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "r.docx"]
    table_out = tmp_path / "a.csv"
    argv = ["--plan", str(plan), "--history", str(history), "--as-of", "2023", "--tracking-uri", uri,
            "--experiment", experiment]
    assert main(["report", *argv, "--max-charts", "2", *[x for p in outs for x in ("--out", str(p))]]) == 0
    assert main(["assess", *argv, "--model", "drift", "--out", str(table_out)]) == 0
    client, runs = runs_of(uri, experiment)
    report_run, assess_run = runs
    assert report_run.info.run_name == "report 鼎湖区 as of 2023 · auto"
    assert assess_run.info.run_name == "assess 鼎湖区 as of 2023 · drift"
    assert report_run.data.tags["mstarget.command"] == "report" and assess_run.data.tags["mstarget.command"] == "assess"
    files = {a.path for a in client.list_artifacts(report_run.info.run_id, "report")}
    assert files == {"report/r.html", "report/r.xlsx", "report/r.docx"}
    assert {"assessment.csv", "per_target_metrics.csv"} <= {a.path for a in client.list_artifacts(report_run.info.run_id)}
    # the same per-target metric names in both runs, so the UI lines them up row by row
    region = _id_token("鼎湖区")
    key = f"p_meet.{region}.market_entities_total"
    assert key in report_run.data.metrics and key in assess_run.data.metrics
    table = pd.read_csv(table_out)
    drift = table.set_index("indicator")
    assert assess_run.data.metrics[key] == pytest.approx(drift.loc["market_entities_total", "p_meet"])
    assert assess_run.data.metrics[f"forecast.{region}.open_kitchen_coverage"] == \
        pytest.approx(drift.loc["open_kitchen_coverage", "forecast"])
    shared = {k for k in report_run.data.metrics if k.startswith("p_meet.")} & \
        {k for k in assess_run.data.metrics if k.startswith("p_meet.")}
    assert len(shared) == 14
