"""Issue 3: per-record model (calibrated, time-ordered) and evaluation metrics."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError

CHICAGO = Path(__file__).resolve().parents[1] / "data" / "inspections" / "chicago_food_inspections_2011_2014.csv"


def synthetic_inspections(n=6000, seed=0):
    """Labelled synthetic records: failure probability is a known logistic function of the features."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(["restaurant", "grocery", "school"], n, p=[0.6, 0.3, 0.1])
    past = rng.poisson(0.6, n)
    age = rng.uniform(0, 20, n)
    logit = -2.2 + 0.7 * past - 0.05 * age + np.select([kind == "restaurant", kind == "school"],
                                                       [0.6, -0.8], 0.0)
    p = 1 / (1 + np.exp(-logit))
    y = rng.binomial(1, p)
    dates = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 700, n)), unit="D")
    noise = rng.normal(size=n)
    return pd.DataFrame({"date": dates, "kind": kind, "past": past, "age": age, "noise": noise,
                         "inspector": rng.choice(list("abc"), n), "y": y, "p_true": p})


@pytest.mark.parametrize("model", ["logistic", "gbm"])
def test_probabilities_calibrated_on_later_heldout_records(model):
    df = synthetic_inspections()
    train, test = df.iloc[:4500], df.iloc[4500:]
    m = mt.risk.fit(train, outcome="y", features=["kind", "past", "age", "noise", "inspector"],
                    time="date", exclude=["inspector"], model=model, gbm_params={"max_iter": 100})
    assert "inspector" not in m.features_
    p = m.predict(test)
    assert p.shape == (len(test),) and ((p > 0) & (p < 1)).all()
    # binned predicted vs observed: within 3 binomial standard errors (+1 point) in each quintile
    bins = pd.qcut(p, 5, labels=False)
    obs = test["y"].groupby(bins).mean().to_numpy()
    pred = pd.Series(p).groupby(bins).mean().to_numpy()
    size = pd.Series(p).groupby(bins).size().to_numpy()
    se = np.sqrt(pred * (1 - pred) / size)
    assert (np.abs(obs - pred) < 3 * se + 0.01).all()
    # and the overall failure rate of the later period is matched within 2 points
    assert abs(p.mean() - test["y"].mean()) < 0.02
    ev = mt.risk.evaluate(test["y"].to_numpy(), p)
    oracle = mt.risk.evaluate(test["y"].to_numpy(), test["p_true"].to_numpy())
    assert ev["auc"] > oracle["auc"] - 0.03 and ev["auc"] > 0.65
    assert ev["brier"] < oracle["brier"] + 0.005
    assert m.validation_["auc"] > 0.6


def test_explain_ranks_the_true_drivers():
    df = synthetic_inspections(seed=3)
    m = mt.risk.fit(df, outcome="y", features=["kind", "past", "age", "noise"], time="date")
    ex = m.explain()
    assert {"feature", "coefficient", "odds_ratio"} <= set(ex.columns)
    coef = ex.set_index("feature")["coefficient"]
    assert coef["num__past"] > 0.4 and coef["num__age"] < -0.15  # true: +0.7/visit, -0.05/year
    assert coef["cat__kind_school"] < coef["cat__kind_grocery"] < coef["cat__kind_restaurant"]
    noise = ex.loc[ex.feature == "num__noise", "coefficient"].abs().item()
    assert noise < 0.1
    g = mt.risk.fit(df, outcome="y", features=["kind", "past", "age", "noise"], time="date", model="gbm",
                   gbm_params={"max_iter": 100})
    gi = g.explain(n_repeats=3)
    assert gi.iloc[0]["feature"] == "past"
    assert gi.set_index("feature").loc["noise", "importance"] < gi.iloc[0]["importance"] / 2


def test_fit_refuses_bad_outcomes_naming_rows():
    df = synthetic_inspections(200)
    df["y"] = df["y"].astype(object)
    df.loc[5, "y"] = "maybe"
    df.loc[9, "y"] = 2
    with pytest.raises(DataValidationError) as exc:
        mt.risk.fit(df, outcome="y", features=["past"], time="date")
    assert [(p.row, p.column) for p in exc.value.problems] == [(7, "y"), (11, "y")]


def test_days_earlier_chicago_method_on_a_hand_made_schedule():
    # 4 days x 2 inspections; failures happen on day 4 (both) and day 3 (one)
    dates = np.repeat(pd.date_range("2014-09-01", periods=4), 2)
    y = np.array([0, 0, 0, 0, 1, 0, 1, 1])
    p = np.array([0.1, 0.1, 0.1, 0.1, 0.5, 0.1, 0.9, 0.8])  # the model puts failures first
    ev = mt.risk.evaluate(y, p, dates=dates)
    # re-ordered: the 3 failures are done on days 1, 1, 2 instead of 3, 4, 4
    assert ev["days_earlier"] == pytest.approx(((3 - 2) + (4 - 1) + (4 - 1)) / 3)
    assert ev["first_half_actual"] == 0.0 and ev["first_half_model"] == pytest.approx(2 / 3)
    assert ev["capture@50"] == pytest.approx(1.0)
    assert ev.to_frame().set_index("metric").loc["auc", "value"] == pytest.approx(1.0)


def test_chicago_subsample_cluster_features_carry_signal():
    d = pd.read_csv(CHICAGO)
    d = d[d.in_published_model_sample == 1]
    train = d[d.published_test_period == 0].sample(6000, random_state=0).sort_values("Inspection_Date")
    test = d[d.published_test_period == 1]
    feats = ["pastCritical", "pastSerious", "timeSinceLast", "ageAtInspection", "tobacco",
             "consumption_on_premises_incidental_activity", "temperatureMax_3day",
             "heat_burglary", "heat_sanitation", "heat_garbage"]
    res = {}
    for name, f in (("without", feats), ("with", feats + ["sanitarian_cluster"])):
        m = mt.risk.fit(train, outcome="criticalFound", features=f, time="Inspection_Date")
        res[name] = mt.risk.evaluate(test.criticalFound.to_numpy(), m.predict(test),
                                     dates=test.Inspection_Date.to_numpy())
    assert res["with"]["failures"] == 258 and res["with"]["n"] == 1637
    assert res["with"]["auc"] > 0.64 and res["with"]["days_earlier"] > 5
    assert res["with"]["auc"] > res["without"]["auc"] + 0.05
    assert res["with"]["first_half_actual"] == pytest.approx(0.547, abs=0.005)


def test_group_evaluation_time_split_on_synthetic_panel():
    rng = np.random.default_rng(5)
    true = rng.uniform(0.005, 0.08, 25)
    rows = []
    for period in ("2021", "2022", "2023"):
        n = rng.integers(500, 5000, 25)
        rows += [(period, f"c{i}", n[i], rng.binomial(n[i], true[i])) for i in range(25)]
    df = pd.DataFrame(rows, columns=["period", "category", "tested", "failed"])
    ev = mt.risk.evaluate(df, by=["category"], train_until="2022", budget=20_000)
    m = ev.metrics
    assert m["groups"] == 25 and m["budget"] == 20_000
    assert m["auc"] > 0.65
    assert m["plan_vs_even"] > 1.3 and m["plan_vs_volume"] > 1.3  # default plan: coverage + risk
    assert m["est_found_risk_only"] >= m["est_found_plan"] * 0.98  # coverage costs little here
    assert m["plan_largest_share"] <= 0.3 and m["plan_min_volume_ratio"] >= 0.2
    assert m["log_loss"] <= m["log_loss_raw"] + 1e-3  # shrinkage never costs more than noise
    assert ev.table["batches_plan"].sum() == 20_000 == ev.table["batches_risk_only"].sum()
    report = ev.report().set_index("metric")
    assert report.loc["est_found_plan", "baseline"] == m["est_found_volume"]
    assert report.loc["auc", "verdict"] and "e+" not in " ".join(report["shown"])
    assert ev.periods == {"train": "2021, 2022", "test": "2023"}
