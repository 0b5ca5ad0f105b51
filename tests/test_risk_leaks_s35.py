"""Session 35: columns that (almost) restate the outcome of the per-record model, and a period whose
failures were not published.

Real data: the City of Chicago food inspections 2011-2014 (data/inspections/, with its provenance
there). SYNTHETIC: the quarterly sampling table built by :func:`_quarters` (seeded, every number
invented), modelled on a bureau workbook whose 2024Q2 sheet lists 0 unqualified batches in every
category.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main

CHICAGO = Path(__file__).resolve().parents[1] / "data" / "inspections" / "chicago_food_inspections_2011_2014.csv"
TEST_FROM = "2014-09-02"


@pytest.fixture(scope="module")
def chicago():
    return pd.read_csv(CHICAGO)


def test_cli_says_the_auc_is_not_to_be_trusted_while_results_and_pass_flag_are_in(capsys):
    """With criticalCount excluded the leak check said nothing and the report read AUC 0.932
    区分能力较强, though Results (Pass: 25 of 16,449 training inspections with a critical violation)
    and pass_flag still restate the outcome."""
    assert main(["risk", "evaluate", "--records", str(CHICAGO), "--outcome", "criticalFound",
                 "--time", "Inspection_Date", "--test-from", TEST_FROM, "--exclude", "criticalCount",
                 "--no-track"]) == 0
    out, err = capsys.readouterr()
    auc_row = next(line for line in out.splitlines() if line.startswith("AUC"))
    assert "区分能力较强" not in auc_row
    assert "AUC 不可信：疑似结果泄漏的特征：Results（单独 AUC 0.91" in auc_row
    assert "pass_flag（单独 AUC" in auc_row and "请用 --exclude 排除后再评估" in auc_row
    assert "criticalFound" not in auc_row
    assert "'Results' (AUC 0.91" in err and "'pass_flag' (AUC" in err


def test_fit_names_near_pure_columns_and_evaluate_carries_them_into_the_report(chicago):
    train = chicago[chicago["Inspection_Date"] < TEST_FROM]
    test = chicago[chicago["Inspection_Date"] >= TEST_FROM]
    with pytest.warns(mt.MstargetWarning, match=r"'Results' \(AUC 0\.9\d\d on its own\), 'pass_flag' \(AUC 0\.8\d\d"):
        m = mt.risk.fit(train, outcome="criticalFound", time="Inspection_Date",
                        features=["Results", "pass_flag", "Risk", "Facility_Type_Clean", "pastCritical"])
    assert set(m.leaks_) == {"Results", "pass_flag"}
    assert m.leaks_["Results"] >= 0.9
    res = mt.risk.evaluate(test["criticalFound"].to_numpy(), m.predict(test), dates=test["Inspection_Date"],
                           leaks=m.leaks_)
    rep = res.report().set_index("metric")
    assert rep.loc["auc", "verdict"].startswith("AUC 不可信：疑似结果泄漏的特征：Results（单独 AUC 0.9")
    assert "Results, pass_flag" in res.note
    plain = mt.risk.evaluate(test["criticalFound"].to_numpy(), m.predict(test))
    assert "不可信" not in plain.report().set_index("metric").loc["auc", "verdict"]


def test_real_predictors_and_identifiers_are_not_taken_for_leaks(chicago):
    """Past failures, the place, who inspects (AUC 0.5-0.7 alone) and identifiers with thousands of
    values (DBA_Name, License, Inspection_ID: memorised, they would look pure) are no leak."""
    feats = mt.risk.features(chicago, entity="License", area=["Ward", "Zip"], time="Inspection_Date",
                             outcome="criticalFound")
    table = chicago.join(feats)
    train = table[table["Inspection_Date"] < TEST_FROM]
    legit = list(feats.columns) + ["Risk", "Facility_Type", "Facility_Type_Clean", "sanitarian_cluster",
                                   "pastCritical", "pastSerious", "pastFail", "timeSinceLast", "heat_sanitation",
                                   "DBA_Name", "License", "Inspection_ID", "Ward", "Zip"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", mt.MstargetWarning)
        m = mt.risk.fit(train, outcome="criticalFound", time="Inspection_Date", features=legit)
    assert m.leaks_ == {}


# ----------------------------------------------------------------------------- a silent period
_RATES = {"粮食及粮食制品": (0.009, 0.10), "食用油、油脂及其制品": (0.015, 0.05), "调味品": (0.02, 0.07),
          "肉制品": (0.015, 0.06), "乳制品": (0.003, 0.04), "饮料": (0.019, 0.06), "糕点": (0.016, 0.07),
          "蔬菜制品": (0.024, 0.05), "酒类": (0.017, 0.05), "餐饮食品（自制）": (0.08, 0.15),
          "餐饮具": (0.19, 0.05), "食用农产品": (0.036, 0.25)}


def _quarters(silent: dict[str, int], batches: int = 6000) -> pd.DataFrame:
    """SYNTHETIC counts per category for 2024Q1-Q3 (seeded binomial failures at realistic national
    rates) plus one quarter per ``silent`` entry (``{"2024Q2": 6000}``: that many batches, 0 failures)."""
    rng = np.random.default_rng(35)
    rows = []
    for q in ("2024Q1", "2024Q2", "2024Q3", "2024Q4"):
        n_q = silent.get(q, batches)
        for cat, (rate, share) in _RATES.items():
            n = int(n_q * share)
            rows.append({"period": q, "category": cat, "tested": n,
                         "failed": 0 if q in silent else int(rng.binomial(n, rate))})
    return pd.DataFrame(rows)


def test_a_large_period_without_a_failure_is_named_by_score_and_evaluate(tmp_path, capsys):
    df = _quarters({"2024Q2": 6000})
    batches = int(df.loc[df["period"] == "2024Q2", "tested"].sum())
    with pytest.warns(mt.MstargetWarning, match=rf"2024Q2: {batches:,} batches in 12 groups, 0 failures"):
        mt.risk.score(df)
    with pytest.warns(mt.MstargetWarning, match=r"2024Q2: .* 0 failures .* not published"):
        res = mt.risk.evaluate(df, train_until="2024Q1")
    assert res.periods["test"] == "2024Q2"
    rep = res.report().set_index("metric")
    assert rep.loc["failures", "verdict"].startswith(f"测试期 2024Q2（{batches:,} 批")
    assert "疑为不合格结果未公布" in rep.loc["failures", "verdict"]
    assert "比较不可信" in rep.loc["brier", "verdict"]
    assert "2024Q2" in res.note
    path = tmp_path / "quarters_SYNTHETIC.csv"
    df.to_csv(path, index=False)
    assert main(["risk", "evaluate", "--samples", str(path), "--train-until", "2024Q1", "--no-track"]) == 0
    out = capsys.readouterr().out
    assert "疑为不合格结果未公布" in out


def test_a_quarter_with_failures_or_too_few_batches_to_expect_one_is_no_news():
    df = _quarters({"2024Q4": 150})  # 150 batches at ~3.5 %: about 5 expected, under the 300 batches asked
    with warnings.catch_warnings():
        warnings.simplefilter("error", mt.MstargetWarning)
        res = mt.risk.evaluate(df, train_until="2024Q2")  # test 2024Q3, which has its failures
        late = mt.risk.evaluate(df, train_until="2024Q3")
    assert res.silent == () and late.silent == ()
    assert "未公布" not in res.note and "未公布" not in late.note
    dairy = pd.DataFrame({"period": ["2023", "2024"], "category": ["乳制品"] * 2,  # SYNTHETIC
                          "tested": [3000, 800], "failed": [6, 0]})  # 0.2 %: 1.6 expected in 2024
    with warnings.catch_warnings():
        warnings.simplefilter("error", mt.MstargetWarning)
        mt.risk.score(dairy)


def test_the_share_verdict_holds_the_plan_to_its_own_cap():
    """SYNTHETIC panel (seeded): with max_share=0.5 the verdict said "没有一组超过 30%" -- the default's cap,
    not the plan's."""
    rng = np.random.default_rng(5)
    true = rng.uniform(0.005, 0.08, 6)
    rows = []
    for period in ("2021", "2022", "2023"):
        n = rng.integers(500, 5000, 6)
        rows += [(period, f"c{i}", n[i], rng.binomial(n[i], true[i])) for i in range(6)]
    df = pd.DataFrame(rows, columns=["period", "category", "tested", "failed"])
    report = mt.risk.evaluate(df, by=["category"], train_until="2022", budget=20_000, max_share=0.5).report()
    said = " ".join(map(str, report.to_numpy().ravel()))
    assert "50%" in said and "超过 30%" not in said
