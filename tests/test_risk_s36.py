"""Session 36 (risk allocate / evaluate). Every input here is SYNTHETIC, generated in the test.

1. a category never tested (0 batches in every period, or blank) is no unlimited market;
2. ``evaluate`` credits every plan it compares with the allocation's own diminishing-returns model,
   its market being one test period's batches (not the sum over all training years);
3. ``evaluate`` takes the allocation's floors and caps (API and CLI);
4. a test period may be a year (or half) made up of finer periods (quarters, per-batch records).
"""
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import MstargetWarning, ParameterError
from mstarget.risk.allocate import expected_found


def _panel(years=("2022", "2023", "2024"), seed=3, zero=None, groups=25):
    """SYNTHETIC yearly counts: ``groups`` categories with rates 0.5-8 %; ``zero`` a category with 0
    batches (and 0 failures) in every year."""
    rng = np.random.default_rng(seed)
    true = rng.uniform(0.005, 0.08, groups)
    size = rng.integers(100, 3000, groups)
    rows = []
    for y in years:
        n = rng.poisson(size)
        rows += [(y, f"合成类别{i:02d}", int(n[i]), int(rng.binomial(n[i], true[i]))) for i in range(groups)]
        if zero:
            rows.append((y, zero, 0, 0))
    return pd.DataFrame(rows, columns=["年度", "食品大类", "抽检批次", "不合格批次"])


# ----------------------------------------------------------------------------- 1. unknown market
def test_never_tested_category_is_not_an_unlimited_market():
    df = _panel(zero="合成特殊医学用途配方食品")
    with pytest.warns(MstargetWarning, match="市场量未知.*合成特殊医学用途配方食品"):
        scores = mt.risk.score(df)
        plan = mt.risk.allocate(scores, 20_000, min_per_group=30)
    p = plan.set_index("category")
    new = p.loc["合成特殊医学用途配方食品"]
    tested = scores.set_index("category")["tested"]
    smallest = tested[tested > 0].min()
    # before: volume inf -> the 30 % cap (6,000 batches) on a prior risk; now its floor, at most its market
    assert new["batches"] <= max(30, smallest)
    assert new["expected_failures"] <= new["risk"] * smallest + 1e-9
    meta = plan.attrs["allocation"]
    # (session 38: markets are one period's batches, the mean over the scored years, not their sum)
    assert np.isfinite(meta["market"]).all() and min(meta["market"]) == pytest.approx(smallest * meta["market_scale"])
    assert any("未抽检过的类别" in n and "never tested" in n for n in meta["notes"])
    # the volume plan (by batches tested) still gives it nothing beyond its floor
    assert new["batches_volume"] == 30


def test_blank_tested_of_a_new_category_gets_the_smallest_market():
    scores = mt.risk.score(_panel(seed=4))
    new = pd.DataFrame({"category": ["合成新增类别"], "risk": [scores["risk"].max()], "tested": [np.nan]})
    s = pd.concat([scores[["category", "risk", "tested"]], new], ignore_index=True)
    with pytest.warns(MstargetWarning, match="合成新增类别"):
        plan = mt.risk.allocate(s, 20_000, by=["category"])
    row = plan.set_index("category").loc["合成新增类别"]
    assert row["batches"] <= scores["tested"].min()  # the riskiest, but its market is unknown
    assert row["share"] < 0.3


# ----------------------------------------------------------------------------- 2. evaluate's model
@pytest.mark.parametrize("years", [("2022", "2023", "2024"), ("2020", "2021", "2022", "2023", "2024")])
def test_evaluate_credits_every_plan_with_the_allocation_model_per_test_period(years):
    df = _panel(years=years, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = mt.risk.evaluate(df, by=["category"], train_until="2023", budget=20_000)
    m, t = ev.metrics, ev.table
    train_years = len(years) - 1
    assert m["market_scale"] == pytest.approx(1 / train_years)  # one test year's market, not the sum
    tr = df[df["年度"] != "2024"].groupby("食品大类")["抽检批次"].sum()
    market = t["category"].map(tr).to_numpy(float) / train_years
    for name in ("plan", "volume", "even", "risk_only"):
        b = t[f"batches_{name}"].to_numpy(float)
        assert m[f"est_found_{name}_lots"] == pytest.approx(expected_found(b, t["rate"].to_numpy(), market).sum())
        assert m[f"est_found_{name}"] == pytest.approx((b * t["rate"]).sum())
        assert m[f"est_found_{name}_lots"] <= m[f"est_found_{name}"]
    assert m["plan_vs_volume_lots"] == pytest.approx(m["est_found_plan_lots"] / m["est_found_volume_lots"])
    assert m["plan_vs_volume"] == pytest.approx(m["est_found_plan"] / m["est_found_volume"])
    report = ev.report().set_index("metric")
    assert "上限" in report.loc["est_found_plan", "name"]
    assert "边际递减" in report.loc["est_found_plan_lots", "name"]
    assert "上限" in ev.note and "upper bound" in ev.note


# ----------------------------------------------------------------------------- 3. floors and caps
def test_evaluate_takes_the_allocation_floors_and_caps_api():
    df = _panel(seed=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = mt.risk.evaluate(df, by=["category"], train_until="2023", budget=20_000, min_per_group=300,
                              max_per_group=2_500, min_share=0.01)
        plain = mt.risk.evaluate(df, by=["category"], train_until="2023", budget=20_000)
    b = ev.table["batches_plan"]
    assert b.min() >= 300 and b.max() <= 2_500 and b.sum() == 20_000
    assert not ev.table["batches_plan"].equals(plain.table["batches_plan"])


def test_evaluate_takes_the_allocation_floors_cli(tmp_path):
    src = tmp_path / "synthetic_counts.csv"
    _panel(seed=7).to_csv(src, index=False, encoding="utf-8-sig")
    out = tmp_path / "ev.csv"
    rc = main(["risk", "evaluate", "--samples", str(src), "--train-until", "2023", "--budget", "20000",
               "--min-per-group", "300", "--max-per-group", "2500", "--out", str(out), "--no-track"])
    assert rc == 0
    m = pd.read_csv(out, encoding="utf-8-sig").set_index("metric")["value"]
    assert m["budget"] == 20_000 and m["plan_largest_share"] <= 2_500 / 20_000


# ----------------------------------------------------------------------------- 4. test period made up
def _quarterly(seed=8):
    """SYNTHETIC quarterly counts 2023Q1-2025Q4 of 12 categories."""
    rng = np.random.default_rng(seed)
    true = rng.uniform(0.005, 0.08, 12)
    rows = []
    for y in (2023, 2024, 2025):
        for q in range(1, 5):
            n = rng.integers(50, 600, 12)
            rows += [(f"{y}Q{q}", f"合成类别{i:02d}", int(n[i]), int(rng.binomial(n[i], true[i])))
                     for i in range(12)]
    return pd.DataFrame(rows, columns=["期间", "食品大类", "抽检批次", "不合格批次"])


def test_a_year_test_period_adds_up_its_quarters():
    df = _quarterly()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = mt.risk.evaluate(df, by=["category"], train_until="2024", test_period="2025")
        half = mt.risk.evaluate(df, by=["category"], train_until="2024", test_period="2025H2")
    y25 = df[df["期间"].str.startswith("2025")]
    assert ev["batches"] == y25["抽检批次"].sum() and ev["failures"] == y25["不合格批次"].sum()
    assert ev.periods["test"].startswith("2025") and "2025Q1 + 2025Q2 + 2025Q3 + 2025Q4" in ev.periods["test"]
    assert ev["market_scale"] == pytest.approx(12 / 24)  # 8 training quarters -> one year
    h2 = df[df["期间"].isin(["2025Q3", "2025Q4"])]
    assert half["batches"] == h2["抽检批次"].sum() and half["market_scale"] == pytest.approx(6 / 24)


def test_per_batch_records_are_tested_on_a_whole_year(tmp_path):
    rng = np.random.default_rng(9)
    rows = []
    for y in (2023, 2024, 2025):
        for i in range(900):
            cat = f"合成类别{i % 6}"
            day = pd.Timestamp(f"{y}-01-01") + pd.Timedelta(days=int(rng.integers(0, 365)))
            rows.append((day.strftime("%Y年%m月%d日"), cat,
                         "不合格" if rng.random() < 0.01 + 0.02 * (i % 6) else "合格"))
    src = tmp_path / "synthetic_records.csv"
    pd.DataFrame(rows, columns=["抽样日期", "食品大类", "检验结论"]).to_csv(src, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = mt.risk.evaluate(str(src), by=["category"], train_until="2024", test_period="2025")
    assert ev["batches"] == 900


def test_a_test_period_the_table_cannot_make_up_is_refused_clearly():
    df = _quarterly()
    no_q4 = df[df["期间"] != "2025Q4"]
    with pytest.raises(ParameterError, match=re.escape("2025-10, 2025-11, 2025-12")) as exc:
        mt.risk.evaluate(no_q4, by=["category"], train_until="2024", test_period="2025")
    assert "not complete" in str(exc.value) and "2025Q1, 2025Q2, 2025Q3" in str(exc.value)
    yearly = _panel(seed=10)
    with pytest.raises(ParameterError, match="cannot be split") as exc:
        mt.risk.evaluate(yearly, by=["category"], train_until="2023", test_period="2024H1")
    assert "Choose 2024" in str(exc.value)
