"""Session 40 (G7): per-batch 抽检 records -- sampling dates, notice outcomes, honest record-level
evaluation. Every table here is SYNTHETIC (seeded), built to look like a SAMR notice's per-batch list."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import DataValidationError
from mstarget.risk.evaluate import evaluate_records

ITEMS = "不合格项目（检验结果/标准值）"


def _notice(n=240, seed=3, *, items=False) -> pd.DataFrame:
    """SYNTHETIC notice rows: 抽样日期 across 2024 (ISO), a 公告日期 ~100 days later, 分类 and 检验结论
    (or the notice's own 不合格项目 column when ``items``)."""
    rng = np.random.default_rng(seed)
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, n), unit="D")
    cat = rng.choice(["糕点", "饮料", "调味品"], n)
    fail = rng.random(n) < np.where(cat == "糕点", 0.12, 0.03)
    df = pd.DataFrame({"序号": np.arange(1, n + 1), "分类": cat, "抽样日期": day.strftime("%Y-%m-%d"),
                       "公告日期": (day + pd.Timedelta(days=100)).strftime("%Y-%m-%d")})
    if items:
        passed = rng.choice(["合格", "/", "—", ""], n)
        df[ITEMS] = np.where(fail, rng.choice(["菌落总数‖7.8‖≤1.0", "不合格", "霉菌‖90‖≤50；大肠菌群‖4.3‖≤1.0"], n),
                             passed)
    else:
        df["检验结论"] = np.where(fail, "不合格", "合格")
    return df


def _periods(path) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(mt.risk.score(str(path), by=["分类"], half_life=None).attrs["risk"]["periods"])


# ----------------------------------------------------------------------------- 1. sampling dates
def test_yyyymmdd_and_spreadsheet_day_numbers_read_as_sampling_dates(tmp_path):
    df = _notice()
    df.loc[:29, "抽样日期"] = pd.to_datetime(df.loc[:29, "抽样日期"]).dt.strftime("%Y%m%d")  # 20240305
    serial = (pd.to_datetime(df.loc[30:59, "抽样日期"]) - pd.Timestamp("1899-12-30")).dt.days
    df.loc[30:59, "抽样日期"] = serial.astype(str)  # 45356: a date cell pasted as its number
    df.to_csv(tmp_path / "n.csv", index=False)
    # every batch in the quarter of its 抽样日期 (2024Q1-Q4), not of its 公告日期 (into 2025)
    assert _periods(tmp_path / "n.csv") == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    got = mt.risk.samples.parse_dates(pd.Series(["20240305", "45356", "2024年3月5日"]), "x", "抽样日期")
    assert [str(d) for d in got] == ["2024-03-05"] * 3


def test_unreadable_sampling_dates_refused_never_swapped_for_the_notice_date(tmp_path):
    df = _notice()
    df.loc[[4, 9, 20], "抽样日期"] = ["三月五日", "待补", "见附件"]
    df.loc[40:70, "抽样日期"] = "x"
    df.to_csv(tmp_path / "n.csv", index=False)
    with pytest.raises(DataValidationError) as exc:
        _periods(tmp_path / "n.csv")
    text = str(exc.value)
    assert "row 6, column '抽样日期': '三月五日': not a date" in text and "2023年3月1日" in text
    assert "34 cells in all are not dates" in text  # capped: 20 named, the rest counted
    assert len(exc.value.problems) == 21


def test_notice_date_only_is_used_with_a_warning(tmp_path):
    _notice().drop(columns=["抽样日期"]).to_csv(tmp_path / "n.csv", index=False)
    with pytest.warns(mt.exceptions.MstargetWarning, match="公告（发布）日期，不是抽样日期"):
        s = mt.risk.score(str(tmp_path / "n.csv"), by=["分类"], half_life=None)
    assert "2025Q1" in s.attrs["risk"]["periods"]


# ----------------------------------------------------------------------------- 2. a real date check
@pytest.mark.parametrize("cell, why", [("2024-02-30", "2024-02 has no day 30"),
                                       ("2024年2月31日", "2024-02 has no day 31"),
                                       ("2024-13-05", "there is no month 13"),
                                       ("2024Q1", "not a date")])
def test_a_date_column_cell_that_is_no_date_is_refused_as_not_a_date(tmp_path, cell, why):
    df = _notice()
    df.loc[5, "抽样日期"] = cell
    df.to_csv(tmp_path / "n.csv", index=False)
    with pytest.raises(DataValidationError) as exc:
        _periods(tmp_path / "n.csv")
    text = str(exc.value)
    assert f"row 7, column '抽样日期': '{cell}': not a date" in text and why in text
    assert "unknown period format" not in text


# ----------------------------------------------------------------------------- 3. test outcomes hidden
def test_evaluate_records_hides_test_period_outcomes_from_the_histories(tmp_path, monkeypatch):
    rng = np.random.default_rng(5)  # SYNTHETIC: 40 producers, 2023-2024
    n = 1200
    day = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    firm = rng.integers(0, 40, n)
    fail = rng.random(n) < np.where(firm < 8, 0.2, 0.03)
    pd.DataFrame({"企业": [f"合成企业{f}" for f in firm], "分类": rng.choice(["糕点", "饮料"], n),
                  "抽样日期": day.strftime("%Y-%m-%d"), "检验结论": np.where(fail, "不合格", "合格")}
                 ).to_csv(tmp_path / "r.csv", index=False)
    seen = {}
    real = mt.risk.features

    def spy(records, **kw):
        seen["table"] = records.copy()
        return real(records, **kw)

    monkeypatch.setattr(mt.risk, "features", spy)
    assert main(["risk", "evaluate", "--records", str(tmp_path / "r.csv"), "--outcome", "检验结论",
                 "--time", "抽样日期", "--test-from", "2024-07-01", "--entity", "企业", "--no-track"]) == 0
    t = seen["table"]
    col = next(c for c in t.columns if c == "检验结论" or t.attrs.get("headers", {}).get(c) == "检验结论")
    later = (pd.read_csv(tmp_path / "r.csv")["抽样日期"] >= "2024-07-01").to_numpy()
    known = t[col].astype(object).to_numpy()
    assert pd.isna(known[later]).all()  # nothing of the test period is known when the plan is made
    assert (known[~later] == pd.read_csv(tmp_path / "r.csv")["检验结论"].to_numpy()[~later]).all()


# ----------------------------------------------------------------------------- 4. calibration
def test_records_report_has_calibration_rows_and_no_usable_probabilities_when_brier_is_no_better():
    rng = np.random.default_rng(7)  # SYNTHETIC: a ranking that works, probabilities twice too high
    n = 3000
    truth = rng.beta(1, 30, n)
    y = (rng.random(n) < truth).astype(int)
    p = np.clip(3 * truth, 0, 1)
    r = evaluate_records(y, p, train_rate=float(y.mean()))
    rep = r.report().set_index("metric")
    assert rep.loc["mean_predicted", "verdict"].startswith("高估")
    assert rep.loc["predicted_q5", "verdict"].startswith("高估")
    assert r.metrics["predicted_q5"] > 2 * r.metrics["observed_q5"]
    assert r.metrics["brier"] >= r.metrics["brier_base"] and r.metrics["auc"] > 0.6
    assert "不可当作不合格概率" in r.conclusion and "把握较高" not in r.conclusion
    good = evaluate_records(y, truth, train_rate=float(y.mean()))
    assert good.report().set_index("metric").loc["mean_predicted", "verdict"] == "与实际相符"
    assert "不可当作" not in good.conclusion


# ----------------------------------------------------------------------------- 5. a notice's own result column
def test_a_notice_failed_items_column_is_read_as_the_outcome(tmp_path):
    df = _notice(items=True)
    df.to_csv(tmp_path / "n.csv", index=False)
    failed = int((~df[ITEMS].isin(["合格", "/", "—", ""])).sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.risk.score(str(tmp_path / "n.csv"), by=["分类"], half_life=None)
    assert int(s["failed"].sum()) == failed and int(s["tested"].sum()) == len(df)
    assert main(["risk", "evaluate", "--records", str(tmp_path / "n.csv"), "--outcome", ITEMS,
                 "--time", "抽样日期", "--test-from", "2024-10-01", "--features", "分类", "--no-track"]) == 0


def test_a_result_column_of_slashes_is_refused_in_one_message_saying_how(tmp_path):
    df = _notice(items=True).rename(columns={ITEMS: "结果"})
    df.to_csv(tmp_path / "n.csv", index=False)
    with pytest.raises(DataValidationError) as exc:
        mt.risk.score(str(tmp_path / "n.csv"), by=["分类"], outcome="结果")
    assert len(exc.value.problems) == 1
    text = str(exc.value)
    assert "'/' x" in text and "不合格项目" in text


# ----------------------------------------------------------------------------- 7. tracked runs
def test_records_evaluation_run_named_by_its_split_and_records_path_absolute(tmp_path, monkeypatch):
    from mlflow import MlflowClient

    df = _notice(n=600)
    df["检验结论"] = np.where(df["分类"] == "糕点", "不合格", "合格")  # 分类 gives the outcome away
    df.to_csv(tmp_path / "n.csv", index=False)
    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["risk", "evaluate", "--records", "n.csv", "--outcome", "检验结论", "--time", "抽样日期",
                     "--test-from", "2024-10-01", "--features", "分类", "--tracking-uri", uri]) == 0
    client = MlflowClient(tracking_uri=uri)
    run = client.search_runs([client.get_experiment_by_name("mstarget").experiment_id])[0]
    assert run.info.run_name == "risk evaluate records test ≥2024-10-01 · logistic · suspected leak: 分类"
    assert run.data.params["records"] == str(tmp_path / "n.csv")


# ----------------------------------------------------------------------------- 6. default record features
def test_default_record_features_leave_out_row_numbers_dates_and_aliases_of_the_entity():
    df = _notice(n=800, seed=11)
    rng = np.random.default_rng(11)
    firm = rng.integers(0, 60, len(df))
    df["标称生产企业名称"] = [f"合成企业{f}" for f in firm]
    df["标称生产企业地址"] = [f"合成省某路{f}号" for f in firm]  # one address per producer
    df["生产日期/批号"] = (pd.to_datetime(df["抽样日期"]) - pd.Timedelta(days=30)).dt.strftime("%Y-%m-%d")
    with pytest.warns(mt.exceptions.MstargetWarning, match="left out of the default features") as rec:
        m = mt.risk.fit(df, outcome="检验结论", time="抽样日期", exclude=["标称生产企业名称"])
    text = " ".join(str(w.message) for w in rec)
    assert "'序号' (a row number)" in text and "'公告日期' (a notice's publication date" in text
    assert "'标称生产企业地址' (names the same as the excluded '标称生产企业名称'" in text
    assert m.features_ == ["category"]  # 分类, read as score reads it
