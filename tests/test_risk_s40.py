"""Session 40 (risk side): the default plan against an even split (interval, report row, MLflow, 总体结论),
tables mixing 不合格批次 and 不合格率(%), test rows of 0 batches, the place column of the groups in the
allocation's basis, and dash cells in count columns. All tables here are SYNTHETIC."""
import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import DataValidationError
from mstarget.risk.evaluate import _resampled_intervals


def _industrial() -> pd.DataFrame:
    """Prober Q4's SYNTHETIC 工业产品 table (产品类别 x 地市 x 2021-2025, counts as ``12批``), same seed."""
    rng = np.random.default_rng(42)
    for _ in range(4 * 4 * 8):  # the drug table Q4 drew first from the same generator
        n = int(rng.integers(40, 200))
        rng.binomial(n, 0.02)
    cats = {"电线电缆": 0.08, "儿童用品": 0.12, "化肥": 0.06, "建筑用钢筋": 0.03, "电动自行车": 0.10, "燃气灶具": 0.09}
    cities = ["甲市", "乙市", "丙市", "丁市"]
    rows = []
    for y in range(2021, 2026):
        for c, p in cats.items():
            for city in cities:
                n = int(rng.integers(10, 60))
                k = int(rng.binomial(n, p))
                if c == "化肥" and y == 2023 and city == "乙市":
                    n, k = 0, 0
                rows.append({"年度": y, "产品类别": c, "地市": city, "抽查批次": f"{n}批", "不合格批次": k})
        if y == 2025:
            for city in cities:
                n = int(rng.integers(10, 30))
                k = int(rng.binomial(n, 0.2))
                rows.append({"年度": y, "产品类别": "锂离子电池", "地市": city, "抽查批次": f"{n}批", "不合格批次": k})
    return pd.DataFrame(rows)


BY = ["产品类别", "地市"]


@pytest.fixture(scope="module")
def industrial():
    return _industrial()


def _evaluate(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.evaluate(df, by=BY, **kw)


# ----------------------------------------------------------------------------- 1. plan vs an even split
def test_plan_vs_even_gets_an_interval_a_report_row_and_a_verdict(industrial):
    ev = _evaluate(industrial, train_until="2024", min_per_group=10, max_per_group=120, seed=1)
    m = ev.metrics
    assert round(m["est_found_plan"]) == 68 and round(m["est_found_even"]) == 69
    assert m["plan_vs_even"] == pytest.approx(0.987, abs=0.001)
    for key in ("plan_vs_even", "plan_vs_even_lots"):
        assert m[f"{key}_lo"] < m[key] < m[f"{key}_hi"] and m[f"{key}_lo"] < 1.0 < m[f"{key}_hi"]
    rep = ev.report().set_index("metric")
    row = rep.loc["plan_vs_even"]
    assert row["name"] == "默认方案 vs 平均分配（上限）" and row["shown"] == "0.987"
    assert "默认方案估算发现 68，平均分配 69（默认方案少 1）" in row["verdict"]
    assert "90% 区间" in row["verdict"] and "含 1（与平均分配无差别）" in row["verdict"]
    assert "plan_vs_even_lots" in rep.index
    # 总体结论 says the plan does not beat an even split, which many provinces use today
    assert "与平均分配相比：默认方案没有比平均分配多发现不合格" in ev.conclusion
    assert "Against an even split" in ev.conclusion


def test_even_interval_leaves_the_other_intervals_as_they_were(industrial):
    rng = np.random.default_rng(3)
    n = rng.integers(20, 200, 12).astype(float)
    k = rng.binomial(n.astype(int), 0.08).astype(float)
    risk = rng.uniform(0.02, 0.2, 12)
    b_plan, b_vol, b_even = rng.integers(5, 50, 12).astype(float), rng.integers(5, 50, 12).astype(float), \
        np.full(12, 25.0)
    market = n * 1.0
    old = _resampled_intervals(n, k, risk, b_plan, b_vol, market, None, 7)
    new = _resampled_intervals(n, k, risk, b_plan, b_vol, market, None, 7, b_even=b_even)
    assert {key: new[key] for key in old} == old
    assert {"plan_vs_even_lo", "plan_vs_even_hi", "plan_vs_even_lots_lo", "plan_vs_even_lots_hi"} <= set(new)


def test_evaluate_cli_prints_the_even_row_and_logs_its_interval(industrial, tmp_path, capsys):
    from mlflow import MlflowClient

    path = tmp_path / "industrial_SYNTHETIC.csv"
    industrial.to_csv(path, index=False)
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    out = tmp_path / "eval.xlsx"
    rc = main(["risk", "evaluate", "--samples", str(path), "--by", "产品类别,地市", "--train-until", "2024",
               "--min-per-group", "10", "--max-per-group", "120", "--seed", "1", "--out", str(out),
               "--tracking-uri", uri, "--experiment", "s40"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "默认方案 vs 平均分配（上限）" in text and "与平均分配相比" in text
    book = pd.read_excel(out)
    assert "默认方案 vs 平均分配（上限）" in book.astype(str).to_numpy().ravel().tolist()
    client = MlflowClient(tracking_uri=uri)
    run = client.search_runs([client.get_experiment_by_name("s40").experiment_id])[0]
    assert run.data.metrics["plan_vs_even_lo"] < run.data.metrics["plan_vs_even"] < run.data.metrics["plan_vs_even_hi"]
    assert "plan_vs_even_lots_hi" in run.data.metrics


# ----------------------------------------------------------------------------- 2. counts and rates mixed
def _mixed(df: pd.DataFrame) -> pd.DataFrame:
    """2022's 不合格批次 left blank and 不合格率(%) given there instead (one decimal), as some offices write."""
    out = df.astype({"不合格批次": object}).copy()
    out["不合格率(%)"] = ""
    for i in out.index[out["年度"] == 2022]:
        n = int(str(out.at[i, "抽查批次"]).rstrip("批"))
        out.at[i, "不合格率(%)"] = "" if n == 0 else f"{100 * out.at[i, '不合格批次'] / n:.1f}"
        out.at[i, "不合格批次"] = ""
    return out


def test_blank_counts_are_read_from_the_rate_of_their_row(industrial):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mixed = mt.risk.score(_mixed(industrial), by=BY)
    said = " ".join(str(w.message) for w in caught)
    assert "不合格批次 is blank in 24 rows (rows 26, 27, 28" in said and "and 14 more" in said
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counts = mt.risk.score(industrial, by=BY)
    cols = BY + ["tested", "failed", "risk"]
    pd.testing.assert_frame_equal(mixed[cols].reset_index(drop=True), counts[cols].reset_index(drop=True))


def test_a_rate_contradicting_its_own_counts_is_refused_in_a_mixed_table(industrial):
    df = _mixed(industrial)
    df.loc[1, "不合格率(%)"] = "12.5"  # row 3: 0 of 16 counted (SYNTHETIC)
    assert df.loc[1, "不合格批次"] == 0 and df.loc[1, "抽查批次"] == "16批"
    with pytest.raises(DataValidationError) as err:
        mt.risk.score(df, by=BY)
    msg = str(err.value)
    assert "row 3" in msg and "不合格率(%)" in msg and "12.5" in msg and "0 / 16" in msg


# ----------------------------------------------------------------------------- 3. a test row of 0 batches
def test_a_test_row_of_zero_batches_is_not_tested(industrial):
    ev = _evaluate(industrial, train_until="2022", test_period="2023", seed=0)
    dropped = industrial[~((industrial["年度"] == 2023) & (industrial["产品类别"] == "化肥")
                           & (industrial["地市"] == "乙市"))]
    ev2 = _evaluate(dropped, train_until="2022", test_period="2023", seed=0)
    assert ev.not_tested == ("化肥 / 乙市",) and ev.metrics["groups_not_tested"] == 1
    assert ev.metrics["groups"] == 23
    assert ev.metrics["plan_vs_volume"] == ev2.metrics["plan_vs_volume"]
    assert "化肥 / 乙市" in ev.report().set_index("metric").loc["groups_not_tested", "verdict"]
    assert not ((ev.table["产品类别"] == "化肥") & (ev.table["地市"] == "乙市")).any()


# ----------------------------------------------------------------------------- 4. the place column is a group
def test_allocate_scores_by_place_names_no_region_count(industrial, tmp_path, capsys):
    from mlflow import MlflowClient

    path, scores = tmp_path / "industrial_SYNTHETIC.csv", tmp_path / "scores.csv"
    industrial.to_csv(path, index=False)
    assert main(["risk", "score", "--samples", str(path), "--by", "产品类别,地市", "--out", str(scores),
                 "--no-track"]) == 0
    capsys.readouterr()
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    rc = main(["risk", "allocate", "--scores", str(scores), "--budget", "1200", "--min-per-group", "10",
               "--max-per-group", "120", "--plan-period", "2026", "--tracking-uri", uri, "--experiment", "s40a"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "地区 region: 按地市分组（4个地市）" in text and "regions" not in text
    client = MlflowClient(tracking_uri=uri)
    run = client.search_runs([client.get_experiment_by_name("s40a").experiment_id])[0]
    assert "regions" not in run.info.run_name and "regions" not in run.data.params.get("region", "")


# ----------------------------------------------------------------------------- 5. dash cells
@pytest.mark.parametrize("cell", ["—", "/", "-", "未抽查"])
def test_a_dash_count_says_to_write_zero_or_delete_the_row(cell):
    df = pd.DataFrame({"年度": [2024, 2024], "产品类别": ["化肥", "电线电缆"], "抽查批次": ["20", cell],
                       "不合格批次": ["1", "0"]})
    with pytest.raises(DataValidationError) as err:
        mt.risk.score(df, by=["产品类别"])
    msg = str(err.value)
    assert "row 3" in msg and "本期未抽检请填0或删去此行" in msg and "write 0" in msg
