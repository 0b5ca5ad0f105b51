"""Issues 3 and 15: `mstarget risk score | allocate | evaluate` on the real SAMR table, tracked in
MLflow; readable output, regions never pooled silently."""
import subprocess
import sys
from pathlib import Path

import numpy as np

import pandas as pd
import pytest
from mlflow import MlflowClient

from mstarget.cli.main import main

SAMR = str(Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv")


def test_score_writes_out_and_chart_without_tracking(tmp_path, capsys):
    out, chart = tmp_path / "scores.csv", tmp_path / "scores.png"
    rc = main(["risk", "score", "--samples", SAMR, "--by", "category", "--as-of", "2022",
               "--where", "region=全国", "--out", str(out), "--chart", str(chart), "--no-track"])
    assert rc == 0
    s = pd.read_csv(out, encoding="utf-8-sig")
    assert list(s.columns[:8]) == ["category", "tested", "failed", "rate", "risk", "risk_lo", "risk_hi",
                                   "rank"]
    assert {"recent_rate", "prior_rate", "evidence_weight", "shrink_share", "explanation"} <= set(s.columns)
    assert s.loc[0, "category"] == "餐饮具" and s.loc[0, "rank"] == 1
    assert len(s) == 36 and chart.stat().st_size > 5000
    text = capsys.readouterr().out
    assert "餐饮具" in text and "18.76%" in text


def test_score_is_tracked_in_mlflow(tmp_path, monkeypatch):
    import mlflow

    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    rc = main(["risk", "score", "--samples", SAMR, "--by", "category", "--region", "全国", "--out",
               "s.csv", "--tracking-uri", uri, "--experiment", "risk-test"])
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
    assert main(["risk", "score", "--samples", SAMR, "--region", "全国", "--out", str(scores),
                 "--no-track"]) == 0
    plan = tmp_path / "plan.csv"
    rc = main(["risk", "allocate", "--scores", str(scores), "--budget", "20000",
               "--min-per-group", "100", "--max-per-group", "8000", "--out", str(plan), "--no-track"])
    assert rc == 0
    p = pd.read_csv(plan, encoding="utf-8-sig")
    assert p["batches"].sum() == 20000 and p["batches"].between(100, 8000).all()
    plan2 = tmp_path / "plan2.xlsx"
    rc = main(["risk", "allocate", "--samples", SAMR, "--by", "category", "--region", "全国", "--budget",
               "20000", "--min-per-group", "100", "--max-per-group", "8000", "--out", str(plan2),
               "--no-track"])
    assert rc == 0
    p2 = pd.read_excel(plan2)
    assert p2.set_index("category")["batches"].to_dict() == p.set_index("category")["batches"].to_dict()


def test_infeasible_budget_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "plan.csv"
    rc = main(["risk", "allocate", "--samples", SAMR, "--region", "全国", "--budget", "100",
               "--min-per-group", "10", "--out", str(out), "--no-track"])
    assert rc == 2 and not out.exists()
    assert "sum of the floors" in capsys.readouterr().err


@pytest.mark.parametrize("content,needle", [
    ("period,category,tested,failed\n2022,肉制品,100,120\n", "row 2, column 'failed'"),
    ("period,category,tested,failed\n2022,肉制品,-3,0\n", "row 2, column 'tested'"),
    ("period,category,tested,failed\n22年,肉制品,10,0\n", "unknown period format"),
    ("period,category,tested,failed\n2022,肉制品,1e20,0\n", "at most 1,000,000,000,000"),  # issue 14
])
def test_bad_file_exits_2_names_row_and_column_and_writes_nothing(tmp_path, capsys, content, needle):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out.csv"
    rc = main(["risk", "score", "--samples", str(bad), "--out", str(out), "--no-track"])
    assert rc == 2 and not out.exists()
    err = capsys.readouterr().err
    assert needle in err and "bad.csv" in err


def test_evaluate_groups_time_split(tmp_path, capsys):
    out = tmp_path / "ev.csv"
    rc = main(["risk", "evaluate", "--samples", SAMR, "--by", "category", "--region", "全国",
               "--train-until", "2019H2", "--out", str(out), "--no-track"])
    assert rc == 0
    m = pd.read_csv(out, encoding="utf-8-sig").set_index("metric")
    assert m.loc["groups", "value"] == 7  # categories published both for 2019H2 and 2022 nationally
    found = m["value"]
    assert found["est_found_plan"] > found["est_found_volume"] > found["est_found_even"]
    assert m.loc["est_found_plan", "baseline"] == m.loc["est_found_volume", "value"]
    assert m.loc["plan_largest_share", "value"] <= 0.3
    text = capsys.readouterr().out
    # issue 15: periods printed, metrics in words with baselines and verdicts, no scientific notation
    assert "训练期 train: 2019H2；测试期 test: 2022" in text
    assert "AUC 排序能力" in text and "随机排序" in text and "略好于随机" in text
    assert "180,618" in text and "4,229,144" in text and "e+0" not in text
    assert "估算值高于实际不合格数" in text and "可超过测试期实际不合格数" in text


def test_several_regions_are_refused_unless_named(tmp_path, capsys):
    # issue 15: --by category pooled 全国 and 广东省 without a word
    out = tmp_path / "s.csv"
    rc = main(["risk", "score", "--samples", SAMR, "--by", "category", "--out", str(out), "--no-track"])
    assert rc == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "全国, 广东省" in err and "--by region,category" in err and "--region 全国" in err
    rc = main(["risk", "score", "--samples", SAMR, "--by", "region,category", "--out", str(out),
               "--no-track"])
    assert rc == 0
    s = pd.read_csv(out, encoding="utf-8-sig")
    assert set(s.region) == {"全国", "广东省"}
    text = capsys.readouterr()
    assert "分组 by: region, category" in text.out
    assert "--keep-totals" in text.err  # the totals warning names an option the CLI has


def test_keep_totals_exists_and_overlapping_total_periods_are_named(capsys):
    # issue 14: 全国 合计 for 2021, 2021H1 and 2021Q3 would be summed three times
    rc = main(["risk", "score", "--samples", SAMR, "--region", "全国", "--keep-totals", "--no-track"])
    assert rc == 2
    err = capsys.readouterr().err
    assert "overlaps" in err and "counted twice" in err and "category=合计" in err
    assert "food_sampling_by_category.csv, row" in err


def test_allocate_chart_and_concentration_warning(tmp_path, capsys):
    scores, chart = tmp_path / "s.csv", tmp_path / "plan.png"
    assert main(["risk", "score", "--samples", SAMR, "--region", "全国", "--out", str(scores),
                 "--no-track"]) == 0
    capsys.readouterr()
    rc = main(["risk", "allocate", "--scores", str(scores), "--budget", "20000", "--chart", str(chart),
               "--no-track"])
    assert rc == 0 and chart.stat().st_size > 20_000
    captured = capsys.readouterr()
    assert "按抽检量比例" in captured.out and "平均分配" in captured.out and "warning" not in captured.err
    rc = main(["risk", "allocate", "--scores", str(scores), "--budget", "20000", "--min-per-group", "50",
               "--risk-share", "1", "--max-share", "none", "--no-track"])
    assert rc == 0
    captured = capsys.readouterr()
    assert "18,250" in captured.out and "餐饮具 91%" in captured.err and "--max-share" in captured.err
    assert main(["risk", "allocate", "--scores", str(scores), "--budget", "9007199254740993",
                 "--no-track"]) == 2
    assert "at most 1,000,000,000,000" in capsys.readouterr().err


def test_records_evaluation_builds_history_features(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 3000
    shop = rng.integers(0, 300, n)
    bad = shop % 5 == 0  # labelled synthetic: a fifth of the shops fail four times as often
    df = pd.DataFrame({"date": (pd.Timestamp("2021-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 900, n)),
                                                                              unit="D")).strftime("%Y-%m-%d"),
                       "shop": shop, "ward": shop % 7, "failed": rng.binomial(1, np.where(bad, 0.4, 0.1))})
    f = tmp_path / "rec.csv"
    df.to_csv(f, index=False)
    out = tmp_path / "ev.csv"
    rc = main(["risk", "evaluate", "--records", str(f), "--outcome", "failed", "--time", "date",
               "--test-from", "2023-01-01", "--entity", "shop", "--area", "ward", "--features", "ward",
               "--out", str(out), "--tracking-uri", f"sqlite:///{tmp_path / 'mlflow.db'}"])
    assert rc == 0
    m = pd.read_csv(out, encoding="utf-8-sig").set_index("metric")["value"]
    assert m["auc"] > 0.6 and m["days_earlier"] > 0
    assert "训练期 train: 2021-01-0" in capsys.readouterr().out
    # the run holds the evaluation and its per-record detail (log_result's extra tables)
    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    run = client.search_runs([client.get_experiment_by_name("mstarget").experiment_id])[0]
    assert run.info.run_name == "risk evaluate records test ≥2023-01-01 · entity shop · area ward · logistic"
    assert run.data.metrics["auc"] == pytest.approx(m["auc"])
    assert sorted(a.path for a in client.list_artifacts(run.info.run_id)) == [
        "risk_evaluation.csv", "risk_evaluation_detail.csv"]


def test_help_does_not_import_the_risk_modules():
    # issue 16: `mstarget --help` must not load scipy.stats through mstarget.risk
    code = ("import sys; from mstarget.cli.main import build_parser; build_parser(); "
            "print(sorted(m for m in sys.modules if m.startswith('mstarget.risk')))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"


def test_cli_defaults_match_the_library():
    import importlib
    import inspect

    import mstarget.cli.risk as cli

    A = importlib.import_module("mstarget.risk.allocate")
    S = importlib.import_module("mstarget.risk.score")

    assert cli.HALF_LIFE_DEFAULT == S.DEFAULT_HALF_LIFE and cli.LEVEL_DEFAULT == S.DEFAULT_LEVEL
    assert cli.RISK_SHARE_DEFAULT == A.DEFAULT_RISK_SHARE and cli.MAX_SHARE_DEFAULT == A.DEFAULT_MAX_SHARE
    assert inspect.signature(A.allocate).parameters["risk_share"].default == cli.RISK_SHARE_DEFAULT


def test_per_batch_records_with_a_named_outcome_column(tmp_path, capsys):
    f = tmp_path / "batches.csv"
    f.write_text("period,category,结果\n2023H1,乳制品,合格\n2023H1,乳制品,不合格\n2023H1,饮料,合格\n"
                 "2023H2,饮料,合格\n", encoding="utf-8")
    assert main(["risk", "score", "--samples", str(f), "--no-track"]) == 2
    assert "CLI --outcome" in capsys.readouterr().err  # the message names an option the CLI has
    out = tmp_path / "s.csv"
    assert main(["risk", "score", "--samples", str(f), "--outcome", "结果", "--region", "肇庆市",
                 "--out", str(out), "--no-track"]) == 0  # no region column: --region names the table
    assert "地区 region: 肇庆市" in capsys.readouterr().out
    s = pd.read_csv(out, encoding="utf-8-sig").set_index("category")
    assert s.loc["乳制品", "tested"] == 2 and s.loc["乳制品", "failed"] == 1 and s.loc["饮料", "tested"] == 2


def test_budget_and_level_as_people_write_them(tmp_path, capsys):
    """``--budget 20,000`` / ``2万`` and ``--level 95`` were refused; they read as 20000 and 0.95."""
    scores = tmp_path / "s.csv"
    assert main(["risk", "score", "--samples", SAMR, "--region", "全国", "--level", "95", "--out", str(scores),
                 "--no-track"]) == 0
    at_90 = tmp_path / "s90.csv"
    assert main(["risk", "score", "--samples", SAMR, "--region", "全国", "--level", "0.9", "--out", str(at_90),
                 "--no-track"]) == 0
    wide, narrow = pd.read_csv(scores, encoding="utf-8-sig"), pd.read_csv(at_90, encoding="utf-8-sig")
    assert ((wide["risk_hi"] - wide["risk_lo"]) >= (narrow["risk_hi"] - narrow["risk_lo"]) - 1e-12).all()
    for budget in ("20,000", "2万"):
        plan = tmp_path / f"plan{len(budget)}.csv"
        assert main(["risk", "allocate", "--scores", str(scores), "--budget", budget, "--out", str(plan),
                     "--no-track"]) == 0
        assert pd.read_csv(plan, encoding="utf-8-sig")["batches"].sum() == 20000
    with pytest.raises(SystemExit):
        main(["risk", "allocate", "--scores", str(scores), "--budget", "2.5", "--no-track"])
    assert "a whole number of batches" in capsys.readouterr().err


def test_an_excel_score_file_shows_rates_in_percent_and_goes_back_into_allocate(tmp_path):
    """Testers: the --out workbook showed rates as fractions (0.1876) under its English headers.
    The headers are the documented columns (they feed `risk allocate --scores`); the workbook now
    shows the rates in % while its cells keep the fractions, and allocate reads it back."""
    import openpyxl

    xlsx, csv = tmp_path / "scores.xlsx", tmp_path / "scores.csv"
    for out in (xlsx, csv):
        assert main(["risk", "score", "--samples", SAMR, "--region", "全国", "--as-of", "2022", "--out", str(out),
                     "--no-track"]) == 0
    sheet = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["category", "tested", "failed", "rate", "risk", "risk_lo", "risk_hi", "rank"]
    first = dict(zip(header, sheet[2]))
    assert first["category"].value == "餐饮具"
    for col in ("rate", "risk", "risk_lo", "risk_hi", "recent_rate", "prior_rate", "shrink_share"):
        assert first[col].number_format == "0.00%", col
    assert first["risk"].value == pytest.approx(0.1876, abs=1e-4)  # still the fraction
    # session 39: batches with thousands separators and the weights (batches' worth) rounded, the cells unchanged
    assert first["tested"].number_format == "#,##0" and first["prior_weight"].number_format == "#,##0"
    plans = []
    for scores in (xlsx, csv):
        plan = tmp_path / f"plan_{scores.suffix[1:]}.xlsx"
        assert main(["risk", "allocate", "--scores", str(scores), "--budget", "20000", "--out", str(plan),
                     "--no-track"]) == 0
        plans.append(pd.read_excel(plan).set_index("category"))
    assert plans[0]["batches"].to_dict() == plans[1]["batches"].to_dict()
    np.testing.assert_allclose(plans[0]["risk"], plans[1]["risk"], rtol=1e-9)
    shown = openpyxl.load_workbook(tmp_path / "plan_xlsx.xlsx").active
    plan_header = [c.value for c in shown[1]]
    assert shown[2][plan_header.index("share")].number_format == "0.00%"
