"""Sampling tables as bureaus keep them in other layouts (issue s33, helper E's findings): one sheet per
period, years as column pairs, 检验结论 with its reason, headers named as written, Chinese dates; and the
plans and evaluations built on them. Figures are the real national counts shipped in
data/china/food_sampling_by_category.csv unless a table says SYNTHETIC."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import DataValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv"


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    d = pd.read_csv(DATA)
    d = d[(d["region"] == "全国") & (d["category"] != "合计")]
    return d[d["period"].isin(["2019H2", "2022"])].reset_index(drop=True)


def _sheets_by_period(d: pd.DataFrame, path: Path, *, bad=None) -> Path:
    """One sheet per period (2019年下半年, 2022年), each 食品大类 | 抽检批次 | 不合格批次 under a title."""
    wb = Workbook()
    wb.remove(wb.active)
    for period, name in (("2019H2", "2019年下半年"), ("2022", "2022年")):
        ws = wb.create_sheet(name)
        ws.append([f"{name}全国食品安全监督抽检情况"])
        ws.append(["食品大类", "抽检批次", "不合格批次"])
        for r in d[d["period"] == period].itertuples():
            ws.append([r.category, int(r.tested), bad if (bad and period == "2022") else int(r.failed)])
    wb.save(path)
    return path


def test_one_sheet_per_period_reads_every_sheet_with_its_period(national, tmp_path):
    # issue s33-1: only the first sheet was read, as one period 'all', without a word
    path = _sheets_by_period(national, tmp_path / "by_year.xlsx")
    s = mt.risk.score(path, as_of="2022")
    assert s.attrs["risk"]["periods"] == ["2019H2", "2022"]
    assert s["tested"].sum() == national["tested"].sum()
    assert s.set_index("category").loc["餐饮食品", "tested"] == \
        national.loc[national["category"] == "餐饮食品", "tested"].sum()


def test_a_bad_cell_is_named_by_its_sheet(national, tmp_path):
    path = _sheets_by_period(national, tmp_path / "by_year.xlsx", bad="2.5%")
    with pytest.raises(DataValidationError) as exc:
        mt.risk.score(path)
    first = exc.value.problems[0]
    assert first.source.endswith("[sheet '2022年']") and first.column == "不合格批次" and first.row == 3


def test_years_as_column_pairs_give_one_row_per_year(national, tmp_path):
    # issue s33-2: 2021年抽检批次 | 2021年不合格批次 | 2022年… read only the first year, as 'all'
    wide = national.pivot(index="category", columns="period", values=["tested", "failed"]).dropna()
    wb = Workbook()
    ws = wb.active
    ws.append(["食品大类", "2019年下半年抽检批次", "2019年下半年不合格批次", "2022年抽检批次", "2022年不合格批次"])
    for cat, r in wide.iterrows():
        ws.append([cat, int(r[("tested", "2019H2")]), int(r[("failed", "2019H2")]),
                   int(r[("tested", "2022")]), int(r[("failed", "2022")])])
    wb.save(tmp_path / "wide.xlsx")
    s = mt.risk.score(tmp_path / "wide.xlsx")
    assert s.attrs["risk"]["periods"] == ["2019H2", "2022"]
    assert s["tested"].sum() == int(wide[("tested", "2019H2")].sum() + wide[("tested", "2022")].sum())


def test_evaluate_counts_groups_new_in_the_test_period(tmp_path, capsys):
    # issue s33-3: a category new in the test period was dropped before counting: "unscored 0"
    rows = []  # SYNTHETIC half-year counts
    rng = np.random.default_rng(5)
    for p in ["2021H1", "2021H2", "2022H1", "2022H2", "2023H1"]:
        for c, r in {"粮食加工品": 0.01, "调味品": 0.04, "肉制品": 0.02, "餐饮食品": 0.08}.items():
            t = int(rng.integers(500, 3000))
            rows.append((p, c, t, int(rng.binomial(t, r))))
    rows.append(("2023H1", "新增类别", 100, 20))
    pd.DataFrame(rows, columns=["期间", "食品大类", "抽检批次", "不合格批次"]).to_csv(tmp_path / "e.csv", index=False)
    res = mt.risk.evaluate(str(tmp_path / "e.csv"), by=["category"], train_until="2022H2")
    assert res["groups_not_scored"] == 1 and res["batches_not_scored"] == 100 and res["failures_not_scored"] == 20
    assert main(["risk", "evaluate", "--samples", str(tmp_path / "e.csv"), "--train-until", "2022H2",
                 "--no-track"]) == 0
    assert "训练期无数据，未计入以下各项（100 批，20 批不合格）" in capsys.readouterr().out


def test_no_group_gets_more_batches_than_its_lots():
    # issue s33-4: 384 batches for a category of 200 lots (SYNTHETIC lots on the market)
    df = pd.DataFrame({"period": 2022, "category": ["餐饮食品", "调味品", "粮食加工品", "肉制品"],
                       "tested": [2000] * 4, "failed": [300, 60, 20, 20]})
    s = mt.risk.score(df)
    s["lots"] = s["category"].map({"餐饮食品": 200, "调味品": 5000, "粮食加工品": 5000, "肉制品": 5000})
    a = mt.risk.allocate(s, 2000, volume="lots", max_share=None, risk_share=1.0).set_index("category")
    assert a.loc["餐饮食品", "batches"] == 200 and a["batches"].sum() == 2000
    # without replacement, 200 lots sampled once each find risk x 200
    assert a.loc["餐饮食品", "expected_failures"] == pytest.approx(200 * a.loc["餐饮食品", "risk"])
    with pytest.warns(mt.MstargetWarning, match="batches are left over"):
        big = mt.risk.allocate(s, 100_000, volume="lots", max_share=None)
    assert (big["batches"].to_numpy() == s["lots"].to_numpy()).all()
    assert big.attrs["allocation"]["unspent"] == 100_000 - 15_200


def test_reference_plans_keep_the_same_caps(tmp_path, capsys):
    # issue s33-5: 按抽检量比例 gave 食用农产品 hundreds of batches above --max-per-group 50
    out = tmp_path / "plan.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.MstargetWarning)
        scores = mt.risk.score(pd.read_csv(DATA).query("region == '全国'"), by="category")
    scores.to_csv(tmp_path / "s.csv", index=False)
    assert main(["risk", "allocate", "--scores", str(tmp_path / "s.csv"), "--budget", "1000",
                 "--max-per-group", "50", "--max-share", "none", "--out", str(out), "--no-track"]) == 0
    a = pd.read_csv(out, encoding="utf-8-sig")
    assert a["batches_volume"].max() <= 50 and a["batches_even"].max() <= 50
    assert a["batches_volume"].sum() == 1000


def test_scores_written_by_score_are_read_back_by_allocate(tmp_path):
    # issue s33-6: a group never tested has no rate: "row 4, column 'rate': '': a number"
    df = pd.DataFrame({"period": 2022, "category": ["粮食加工品", "调味品", "肉制品", "特殊医学用途配方食品"],
                       "tested": [1000, 800, 600, 0], "failed": [10, 40, 6, 0]})  # SYNTHETIC
    df.to_csv(tmp_path / "s.csv", index=False)
    for ext in ("csv", "xlsx", "json", "parquet"):
        out = tmp_path / f"scores.{ext}"
        assert main(["risk", "score", "--samples", str(tmp_path / "s.csv"), "--out", str(out), "--no-track"]) == 0
        plan = tmp_path / f"plan_{ext}.csv"
        assert main(["risk", "allocate", "--scores", str(out), "--budget", "500", "--out", str(plan),
                     "--no-track"]) == 0
        assert pd.read_csv(plan, encoding="utf-8-sig")["batches"].sum() == 500


def test_conclusions_with_a_reason_and_blank_conclusions(tmp_path):
    # issue s33-7: 不合格（标签） refused; a blank cell's message did not say it was empty
    rows = [("调味品", "2023-03-01", "不合格（标签）"), ("调味品", "2023-03-02", "不合格(微生物)"),
            ("调味品", "2023-03-03", "合格"), ("肉制品", "2023-03-04", "合格（复检）")]  # SYNTHETIC
    pd.DataFrame(rows, columns=["食品大类", "抽样日期", "检验结论"]).to_csv(tmp_path / "r.csv", index=False)
    s = mt.risk.score(tmp_path / "r.csv").set_index("category")
    assert s.loc["调味品", "failed"] == 2 and s.loc["肉制品", "failed"] == 0
    rows.append(("肉制品", "2023-03-05", ""))
    pd.DataFrame(rows, columns=["食品大类", "抽样日期", "检验结论"]).to_csv(tmp_path / "r.csv", index=False)
    with pytest.raises(DataValidationError, match="row 6, column '检验结论'.*this cell is empty.*pending"):
        mt.risk.score(tmp_path / "r.csv")


def test_headers_as_written_name_the_columns(tmp_path, capsys):
    # issue s33-8: --by 食品大类 / --where 年度=2022 refused: the loader had renamed them
    d = pd.read_csv(DATA).query("region == '全国' and category != '合计'")
    d = d.rename(columns={"period": "年度", "category": "食品大类", "tested": "抽检批次", "failed": "不合格批次"})
    d[["年度", "食品大类", "抽检批次", "不合格批次"]].to_csv(tmp_path / "n.csv", index=False)
    assert main(["risk", "score", "--samples", str(tmp_path / "n.csv"), "--by", "食品大类",
                 "--where", "年度=2019H2", "--out", str(tmp_path / "o.csv"), "--no-track"]) == 0
    out = pd.read_csv(tmp_path / "o.csv", encoding="utf-8-sig")
    assert out.columns[0] == "食品大类" and len(out) == 35


def test_evaluate_records_reads_chinese_dates(tmp_path, capsys):
    # issue s33-9: 抽样日期 2023年3月1日 read by 'score' but not by 'evaluate --records'
    rng = np.random.default_rng(2)  # SYNTHETIC per-batch records
    n = 400
    cat = rng.choice(["粮食加工品", "调味品", "肉制品", "乳制品"], n)
    day = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 540, n), unit="D")
    fail = rng.random(n) < np.where(cat == "调味品", 0.15, 0.03)
    pd.DataFrame({"食品大类": cat, "抽样日期": [f"{d.year}年{d.month}月{d.day}日" for d in day],
                  "检验结论": np.where(fail, "不合格", "合格")}).to_csv(tmp_path / "r.csv", index=False)
    assert main(["risk", "evaluate", "--records", str(tmp_path / "r.csv"), "--outcome", "检验结论",
                 "--time", "抽样日期", "--test-from", "2023-03-01", "--no-track"]) == 0
    text = capsys.readouterr().out
    assert "测试期检查次数" in text and f"{int((day >= '2023-03-01').sum())}" in text
    bad = pd.read_csv(tmp_path / "r.csv")
    bad.loc[4, "抽样日期"] = "三月一日"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    assert main(["risk", "evaluate", "--records", str(tmp_path / "bad.csv"), "--outcome", "检验结论",
                 "--time", "抽样日期", "--test-from", "2023-03-01", "--no-track"]) == 2
    assert "row 6, column '抽样日期': '三月一日'" in capsys.readouterr().err


CHICAGO = Path(__file__).resolve().parents[1] / "data" / "inspections" / "chicago_food_inspections_2011_2014.csv"


def test_record_model_reads_text_columns_of_an_arrow_table_as_categories():
    """Read with dtype_backend="pyarrow", Facility_Type_Clean and Risk were taken for numbers (all
    NaN, then dropped by scikit-learn): a different model from the same records."""
    cols = ["Inspection_Date", "License", "Ward", "fail_flag", "Facility_Type_Clean", "Risk"]
    feats = ["Facility_Type_Clean", "Risk", "Ward"]
    models = [mt.risk.fit(pd.read_csv(CHICAGO, usecols=cols, nrows=4000, dtype_backend=backend), outcome="fail_flag",
                          features=feats, time="Inspection_Date") for backend in ("numpy_nullable", "pyarrow")]
    assert models[1].categorical_ == models[0].categorical_ == ["Facility_Type_Clean", "Risk"]
    assert models[1].validation_["auc"] == pytest.approx(models[0].validation_["auc"])


def test_record_features_with_time_zone_aware_dates():
    df = pd.read_csv(CHICAGO, nrows=500)
    naive = mt.risk.features(df, entity="License", time="Inspection_Date", outcome="fail_flag")
    df["Inspection_Date"] = pd.to_datetime(df["Inspection_Date"]).dt.tz_localize("UTC")
    aware = mt.risk.features(df, entity="License", time="Inspection_Date", outcome="fail_flag")
    pd.testing.assert_frame_equal(aware, naive, check_dtype=False)
    assert aware["entity_n_past"].max() > 0  # some licence seen before


def test_a_blank_count_in_a_nullable_table_is_said_to_be_empty():
    df = pd.DataFrame({"period": ["2022", "2022"], "category": ["粮食加工品", "调味品"], "tested": [100, None],
                       "failed": [3, 1]}).convert_dtypes()  # SYNTHETIC; tested is Int64 with <NA>
    with pytest.raises(mt.DataValidationError, match=r"row 3, column 'tested': '': empty cell; fill in a whole number"):
        mt.risk.score(df)


def test_a_column_that_gives_the_outcome_away_is_named():
    """`risk evaluate --records` on the Chicago file with every other column as a feature read AUC
    1.000 (区分能力较强): 'Results' restates the outcome. It is named in a warning."""
    df = pd.read_csv(CHICAGO, nrows=3000)
    with pytest.warns(mt.MstargetWarning, match=r"'Results' gives the outcome away"):
        mt.risk.fit(df, outcome="fail_flag", features=["Results", "Risk", "Ward"], time="Inspection_Date")
    with warnings.catch_warnings():
        warnings.simplefilter("error", mt.MstargetWarning)
        mt.risk.fit(df, outcome="fail_flag", features=["Risk", "Ward", "Facility_Type_Clean"], time="Inspection_Date")


def test_record_holdout_start_is_a_date_and_evaluate_does_not_warn_of_a_budget_nobody_set(capsys):
    df = pd.read_csv(CHICAGO, nrows=3000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mt.risk.fit(df, outcome="fail_flag", features=["Risk", "Ward"], time="Inspection_Date")
    assert pd.Timestamp(m.validation_["holdout_from"]) == pd.Timestamp(m.validation_["holdout_from"][:10])
    assert main(["risk", "evaluate", "--samples", str(DATA), "--by", "category", "--region", "全国",
                 "--train-until", "2019H2", "--no-track"]) == 0
    assert "is more than all batches tested" not in capsys.readouterr().err


def test_counts_written_with_their_unit_or_spaced_thousands_and_a_rate_in_a_count_column(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("年度,食品大类,抽检批次,不合格批次\n2022,粮食加工品,\"1,000\",10\n2022,调味品,\"2,000批\",20批\n"
                    "2022,乳制品,4 000,40\n", encoding="utf-8")  # SYNTHETIC
    s = mt.risk.score(path).set_index("category")
    assert s["tested"].to_dict() == {"粮食加工品": 1000, "调味品": 2000, "乳制品": 4000}
    path.write_text("年度,食品大类,抽检批次,不合格批次\n2022,调味品,2000,2.5%\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match=r"'2.5%': a count of batches was expected, but this is a rate"):
        mt.risk.score(path)


def _one_cell(tmp_path, column: str, cell: str):
    """A two-row 抽检 table (SYNTHETIC) with ``cell`` in row 2 of ``column``; the score or the error."""
    rows = {"抽检批次": ["2000", "1500"], "不合格批次": ["30", "20"]}
    rows[column][0] = cell
    path = tmp_path / "t.csv"
    pd.DataFrame({"年度": [2022, 2022], "食品大类": ["粮食加工品", "调味品"], **rows}).to_csv(path, index=False)
    try:
        return mt.risk.score(path).set_index("category")
    except mt.DataValidationError as exc:
        return str(exc)


@pytest.mark.parametrize("cell", ["2,000（批）", "2,000(批次)", "２,０００批", "２０００"])
def test_a_count_with_its_unit_in_brackets_or_full_width_digits_is_read(tmp_path, cell):
    assert _one_cell(tmp_path, "抽检批次", cell).loc["粮食加工品", "tested"] == 2000


@pytest.mark.parametrize("cell, reason", [
    ("2,000件", "'件' is another unit"),
    ("300份", "'份' is another unit"),
    ("约2,000批", "'约' makes the figure approximate"),
    ("2000余批", "'余' makes the figure approximate"),
    ("2,000.5批", "counts cannot have decimals"),
])
def test_a_count_that_cannot_be_read_is_blamed_on_its_real_problem(tmp_path, cell, reason):
    """Testers: 2,000批 was blamed on its comma; such cells now say what is wrong with them."""
    err = _one_cell(tmp_path, "抽检批次", cell)
    assert f"t.csv, row 2, column '抽检批次': '{cell}'" in err and reason in err
    assert "a comma only between thousands" not in err


@pytest.mark.parametrize("cell, shown", [("2.5%", "2.5%"), ("0.025", "2.5%"), ("2.5％", "2.5%")])
def test_a_rate_in_the_count_column_says_a_count_was_expected_and_works_it_out(tmp_path, cell, shown):
    err = _one_cell(tmp_path, "不合格批次", cell)
    assert f"t.csv, row 2, column '不合格批次': '{cell}': a count of batches was expected" in err
    assert "rate" in err and "不合格率" in err and f"this row: 2,000 x {shown} = 50" in err
