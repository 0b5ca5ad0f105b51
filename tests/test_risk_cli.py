"""Issue 3: `mstarget risk score | allocate | evaluate` on the real SAMR table, tracked in MLflow."""
from pathlib import Path

import pandas as pd
import pytest

from mstarget.cli.main import main

SAMR = str(Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv")


def test_score_writes_out_and_chart_without_tracking(tmp_path, capsys):
    out, chart = tmp_path / "scores.csv", tmp_path / "scores.png"
    rc = main(["risk", "score", "--samples", SAMR, "--by", "category", "--as-of", "2022",
               "--where", "region=全国", "--out", str(out), "--chart", str(chart), "--no-track"])
    assert rc == 0
    s = pd.read_csv(out, encoding="utf-8-sig")
    assert list(s.columns) == ["category", "tested", "failed", "rate", "risk", "risk_lo", "risk_hi", "rank"]
    assert s.loc[0, "category"] == "餐饮具" and s.loc[0, "rank"] == 1
    assert len(s) == 36 and chart.stat().st_size > 5000
    text = capsys.readouterr().out
    assert "餐饮具" in text and "18.76%" in text


def test_score_is_tracked_in_mlflow(tmp_path, monkeypatch):
    import mlflow

    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    rc = main(["risk", "score", "--samples", SAMR, "--by", "category", "--out", "s.csv",
               "--tracking-uri", uri, "--experiment", "risk-test"])
    assert rc == 0 and (tmp_path / "s.csv").exists()
    client = mlflow.MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name("risk-test")
    runs = client.search_runs([exp.experiment_id])
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    assert len(run.data.params["data_fingerprint"]) == 16
    assert run.data.metrics["groups"] == 36
    arts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"risk_scores.csv", "risk_scores.png"} <= arts


def test_allocate_from_scores_and_from_samples(tmp_path):
    scores = tmp_path / "s.csv"
    assert main(["risk", "score", "--samples", SAMR, "--out", str(scores), "--no-track"]) == 0
    plan = tmp_path / "plan.csv"
    rc = main(["risk", "allocate", "--scores", str(scores), "--budget", "20000",
               "--min-per-group", "100", "--max-per-group", "8000", "--out", str(plan), "--no-track"])
    assert rc == 0
    p = pd.read_csv(plan, encoding="utf-8-sig")
    assert p["batches"].sum() == 20000 and p["batches"].between(100, 8000).all()
    plan2 = tmp_path / "plan2.xlsx"
    rc = main(["risk", "allocate", "--samples", SAMR, "--by", "category", "--budget", "20000",
               "--min-per-group", "100", "--max-per-group", "8000", "--out", str(plan2), "--no-track"])
    assert rc == 0
    p2 = pd.read_excel(plan2)
    assert p2.set_index("category")["batches"].to_dict() == p.set_index("category")["batches"].to_dict()


def test_infeasible_budget_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "plan.csv"
    rc = main(["risk", "allocate", "--samples", SAMR, "--budget", "100", "--min-per-group", "10",
               "--out", str(out), "--no-track"])
    assert rc == 2 and not out.exists()
    assert "sum of the floors" in capsys.readouterr().err


@pytest.mark.parametrize("content,needle", [
    ("period,category,tested,failed\n2022,肉制品,100,120\n", "row 2, column 'failed'"),
    ("period,category,tested,failed\n2022,肉制品,-3,0\n", "row 2, column 'tested'"),
    ("period,category,tested,failed\n22年,肉制品,10,0\n", "unknown period format"),
])
def test_bad_file_exits_2_names_row_and_column_and_writes_nothing(tmp_path, capsys, content, needle):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out.csv"
    rc = main(["risk", "score", "--samples", str(bad), "--out", str(out), "--no-track"])
    assert rc == 2 and not out.exists()
    err = capsys.readouterr().err
    assert needle in err and "bad.csv" in err


def test_evaluate_groups_time_split(tmp_path):
    out = tmp_path / "ev.csv"
    rc = main(["risk", "evaluate", "--samples", SAMR, "--by", "category", "--where", "region=全国",
               "--train-until", "2019H2", "--out", str(out), "--no-track"])
    assert rc == 0
    m = pd.read_csv(out, encoding="utf-8-sig").set_index("metric")["value"]
    assert m["groups"] == 7  # categories published both for 2019H2 and 2022 nationally
    assert m["found_risk"] > m["found_even"]
