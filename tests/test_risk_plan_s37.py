"""Session 37 (fixer F3): sampling plan / risk. All tables here are SYNTHETIC unless they name a shipped file."""
from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main

FOOD = str(Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv")


def _records(tmp_path, header: str):
    """SYNTHETIC per-inspection records with an English date header: 2 zips, 2011Q3 .. 2012Q2."""
    rows = [("2011-09-02", "60609", 0), ("2011-10-05", "60609", 1), ("2012-01-03", "60609", 0),
            ("2012-05-01", "60609", 1), ("2011-09-10", "60610", 1), ("2012-02-03", "60610", 0),
            ("2012-06-01", "60610", 1)]
    path = tmp_path / "records.csv"
    pd.DataFrame(rows, columns=[header, "Zip", "criticalFound"]).to_csv(path, index=False)
    return path


# ------------------------------------------------------------------ 1. --as-of never silently ignored
@pytest.mark.parametrize("header", ["date", "Inspection_Date", "sample date"])
def test_as_of_cuts_records_with_an_english_date_header(tmp_path, header):
    path = _records(tmp_path, header)
    out = tmp_path / "scores.csv"
    assert main(["risk", "score", "--samples", str(path), "--by", "Zip", "--outcome", "criticalFound",
                 "--as-of", "2012Q1", "--no-track", "--out", str(out)]) == 0
    assert pd.read_csv(out)["tested"].sum() == 5  # the 2 records of 2012Q2 are left out


def test_as_of_on_a_table_without_periods_is_refused_naming_file_and_columns(tmp_path, capsys):
    path = tmp_path / "noperiod.csv"
    path.write_text("食品大类,抽检批次,不合格批次\n肉制品,500,7\n蔬菜制品,300,10\n", encoding="utf-8")
    assert main(["risk", "score", "--samples", str(path), "--as-of", "2020", "--no-track"]) == 2
    err = capsys.readouterr().err
    assert "noperiod.csv" in err and "抽检批次" in err and "--time" in err and "as_of=2020" in err
    with pytest.raises(mt.ParameterError, match="no period the tool recognises"):
        mt.risk.score(pd.read_csv(path), as_of="2020")


def test_time_flag_names_the_date_column(tmp_path, capsys):
    path = _records(tmp_path, "when")  # a header the reader does not know as a date
    out = tmp_path / "scores.csv"
    assert main(["risk", "score", "--samples", str(path), "--by", "Zip", "--outcome", "criticalFound",
                 "--time", "when", "--as-of", "2012Q1", "--no-track", "--out", str(out)]) == 0
    assert pd.read_csv(out)["tested"].sum() == 5
    assert main(["risk", "score", "--samples", str(path), "--by", "Zip", "--outcome", "criticalFound",
                 "--time", "whn", "--no-track"]) == 2
    assert "the table has: when, Zip, criticalFound" in capsys.readouterr().err


# ------------------------------------------------------------------ 2. the default cap with few groups
def _three() -> pd.DataFrame:
    return pd.DataFrame({"category": ["蔬菜制品", "肉制品", "粮食加工品"], "risk": [0.03, 0.0125, 0.006],
                         "tested": [300, 500, 800]})


def test_the_default_cap_is_dropped_with_three_groups_and_said_so():
    with pytest.warns(mt.MstargetWarning, match="default cap of 30% per group is not applied with 3 groups"):
        plan = mt.risk.allocate(_three(), budget=1000)
    meta = plan.attrs["allocation"]
    assert meta["max_share_used"] is None and any("不适用" in n for n in meta["notes"])
    assert plan["batches"].max() > 450  # targeted, not the even split 334 / 334 / 332 of before
    assert meta["vs_volume"] > 1.15  # was 1.00: the even split found what the volume plan finds


def test_a_cap_the_user_chose_is_kept_with_few_groups():
    plan = mt.risk.allocate(_three(), budget=1000, max_share=0.4)
    assert plan["batches"].max() == 400 and plan.attrs["allocation"]["max_share_used"] == 0.4


# ------------------------------------------------------------------ 6. lots and the share cap
def test_with_lots_the_share_cap_is_raised_rather_than_leaving_batches_unspent():
    s = pd.DataFrame({"category": list("ABCD") + ["E"], "risk": [0.03, 0.014, 0.014, 0.006, 0.0055],
                      "lots": [1000, 400, 3000, 0, 150]})
    with pytest.warns(mt.MstargetWarning, match="share cap of 30% would leave 1,200 batches unspent"):
        plan = mt.risk.allocate(s, budget=6000, volume="lots")
    assert plan["batches"].sum() == 4550  # every lot (was 3,350: the cap held 1,200 back)
    assert plan.set_index("category").loc["C", "batches"] == 3000
    assert plan.attrs["allocation"]["unspent"] == 1450


# ------------------------------------------------------------------ 9. a category never tested
def test_a_never_tested_category_gets_no_more_than_its_assumed_market():
    s = pd.DataFrame({"category": ["蔬菜制品", "肉制品", "粮食加工品", "特殊医学用途配方食品", "婴幼儿配方食品"],
                      "risk": [0.0307, 0.014, 0.0055, 0.0142, 0.0063], "tested": [900, 1500, 2400, 0, 180]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.risk.allocate(s, budget=2000)
    assert plan.set_index("category").loc["特殊医学用途配方食品", "batches"] == 180  # was 209
    assert plan["batches"].sum() == 2000


# ------------------------------------------------------------------ 7. --volume none
def test_volume_none_keeps_the_coverage_and_the_baseline_on_tested(tmp_path, capsys):
    s = pd.DataFrame({"category": list("ABCDEF"), "risk": [0.03, 0.02, 0.01, 0.01, 0.005, 0.002],
                      "tested": [100, 200, 400, 800, 1600, 3200]})
    plan = mt.risk.allocate(s, budget=5000, volume=None)
    assert plan.attrs["allocation"]["proportional_to"] == "tested"
    assert plan["batches_volume"].tolist() == mt.risk.allocate(s, budget=5000)["batches_volume"].tolist()
    path = tmp_path / "s.csv"
    s.to_csv(path, index=False)
    assert main(["risk", "allocate", "--scores", str(path), "--budget", "5000", "--volume", "none",
                 "--no-track"]) == 0
    out = capsys.readouterr().out
    assert out.count("平均分配") == 1 and "按抽检量比例方案" in out


# ------------------------------------------------------------------ 3. allocate runs comparable in MLflow
def test_allocate_logs_the_score_schema_a_basis_line_and_its_notes(tmp_path, capsys, monkeypatch):
    import mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    assert main(["risk", "allocate", "--samples", FOOD, "--region", "全国", "--as-of", "2019H2",
                 "--budget", "20000"]) == 0
    out = capsys.readouterr().out
    assert "依据 basis：" in out and "地区 region: 全国" in out and "2019H2" in out
    mlflow.set_tracking_uri(uri)
    run = mlflow.search_runs(search_all_experiments=True, output_format="list")[0]
    p = run.data.params
    assert run.info.run_name.startswith("risk allocate 全国 by category as of 2019H2")
    assert p["region"] == "全国" and p["as_of"] == "2019H2" and p["half_life"] == "2.0"
    assert "2019H2" in p["periods"] and p["max_share"] == "0.3" and "max_share_used" in p
    assert {"vs_volume", "vs_even"} <= set(run.data.metrics)
    files = {f.path for f in mlflow.MlflowClient().list_artifacts(run.info.run_id)}
    assert "risk_allocation_notes.csv" in files


# ------------------------------------------------------------------ 4. evaluate's volume plan is allocate's
def test_evaluate_compares_with_the_volume_plan_allocate_prints():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.risk.evaluate(pd.read_csv(FOOD).query("region == '全国'"), by=["category"], train_until="2019H2")
    t = res.table
    # the national 2022 table has a category above 30 % of the batches: the volume plan keeps the same cap
    assert t["batches_volume"].max() <= int(0.3 * res.metrics["budget"]) + 1
    verdict = res.report().set_index("metric").loc["plan_min_volume_ratio", "verdict"]
    assert "五分之一" not in verdict and "覆盖份额 25%" in verdict
    assert f"{res.metrics['plan_min_volume_ratio']:.1%}" in verdict


# ------------------------------------------------------------------ 5. clear errors
def test_bad_by_and_repeated_groups_name_the_file_rows_and_columns(tmp_path, capsys):
    s = pd.DataFrame({"category": ["A", "B", "A"], "risk": [0.01, 0.02, 0.03], "tested": [10, 20, 30]})
    path = tmp_path / "scores.csv"
    s.to_csv(path, index=False)
    assert main(["risk", "allocate", "--scores", str(path), "--budget", "100", "--by", "地区", "--no-track"]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and "scores.csv" in err and "the scores have: category, risk, tested" in err
    assert main(["risk", "allocate", "--scores", str(path), "--budget", "100", "--no-track"]) == 2
    err = capsys.readouterr().err
    assert "scores.csv" in err and "group A is on rows 2, 4" in err
    with pytest.raises(mt.ParameterError, match="takes no region="):
        mt.risk.evaluate(pd.read_csv(FOOD), by=["category"], train_until="2019H2", region="全国")


# ------------------------------------------------------------------ 8. score chart
def test_score_chart_title_names_region_and_periods():
    from mstarget.risk.plot import plot_risk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = mt.risk.score(pd.read_csv(FOOD).query("region == '广东省'"), ["category"])
    fig = plot_risk(scores, region="广东省")
    title = fig.axes[0].get_title()
    assert "广东省" in title and "2022" in title and "Sampling" not in title


# ------------------------------------------------------------------ 10. workbook and warnings said once
def test_plan_workbook_sheets_are_named_and_notes_printed_once(tmp_path, capsys):
    path = tmp_path / "s.csv"
    _three().to_csv(path, index=False)
    out = tmp_path / "plan.xlsx"
    assert main(["risk", "allocate", "--scores", str(path), "--budget", "1000", "--no-track", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "不适用" in captured.out and "不适用" not in captured.err  # a note, not also a warning
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] != "Sheet1" and book.worksheets[1]["A1"].value == "类别"
    assert main(["risk", "allocate", "--scores", str(out), "--budget", "1000", "--no-track"]) == 0  # read back


def test_a_total_per_sheet_that_agrees_is_said_once(tmp_path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for y in (2023, 2024, 2025):
        ws = wb.create_sheet(f"{y}年")
        ws.append(["序号", "食品大类", "抽检批次", "不合格批次"])
        ws.append([1, "肉制品", 500, 7])
        ws.append([2, "蔬菜制品", 300, 10])
        ws.append(["合计", None, 800, 17])
    path = tmp_path / "prov.xlsx"
    wb.save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.risk.score(str(path))
    said = [str(w.message) for w in caught if "合计" in str(w.message)]
    assert len(said) == 1 and "3 sheets" in said[0]
