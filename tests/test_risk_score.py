"""Issue 3: empirical-Bayes shrinkage, hierarchy, recency weighting."""
import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import PoolingWarning
from mstarget.risk.shrinkage import fit_prior

from pathlib import Path

SAMR = Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv"


def _panel(seed=0):
    """Thirty categories with true rates 1-6 %; two tiny ones with lucky/unlucky draws."""
    rng = np.random.default_rng(seed)
    rates = rng.uniform(0.01, 0.06, 30)
    tested = rng.integers(2_000, 20_000, 30)
    failed = rng.binomial(tested, rates)
    df = pd.DataFrame({"period": 2022, "category": [f"c{i:02d}" for i in range(30)],
                       "tested": tested, "failed": failed})
    small = pd.DataFrame({"period": 2022, "category": ["tiny_bad", "tiny_good"],
                          "tested": [3, 4], "failed": [2, 0]})
    return pd.concat([df, small], ignore_index=True)


def test_small_groups_shrink_to_pool_large_keep_own_rate():
    df = _panel()
    s = mt.risk.score(df, by="category").set_index("category")
    pooled = df.failed.sum() / df.tested.sum()
    # a 2-of-3 raw rate (67 %) must not top the list: it ends near the pool, far below its raw rate
    assert s.loc["tiny_bad", "rate"] == pytest.approx(2 / 3)
    assert s.loc["tiny_bad", "risk"] < 0.10
    assert s.loc["tiny_bad", "rank"] > 1
    assert abs(s.loc["tiny_good", "risk"] - pooled) < 0.02 and s.loc["tiny_good", "risk"] > 0.005
    big = s.drop(["tiny_bad", "tiny_good"])
    # large groups stay within 0.2 percentage points of their own rate
    assert np.max(np.abs(big["risk"] - big["rate"])) < 0.002
    # intervals contain the point estimate; the small groups' intervals are wide
    assert ((s.risk_lo <= s.risk) & (s.risk <= s.risk_hi)).all()
    assert (s.loc["tiny_bad", "risk_hi"] - s.loc["tiny_bad", "risk_lo"]) > \
        4 * (big.risk_hi - big.risk_lo).max()
    assert sorted(s["rank"]) == list(range(1, len(s) + 1))
    assert s.sort_values("rank")["risk"].is_monotonic_decreasing


def test_prior_recovers_spread_of_simulated_rates():
    rng = np.random.default_rng(1)
    p = rng.beta(2.0, 98.0, 400)  # mean 2 %, concentration 100
    n = rng.integers(200, 3000, 400)
    k = rng.binomial(n, p)
    prior = fit_prior(k, n)
    assert prior.mean == pytest.approx(0.02, abs=0.003)
    assert 60 < prior.concentration < 170


def test_hierarchical_pools_toward_parent_sector():
    # two sectors with very different rates; a small category in each
    rows = []
    for i in range(6):
        rows.append(("食品", f"f{i}", 5000, 500 + 10 * i))   # ~10 %
        rows.append(("药品", f"d{i}", 5000, 50 + i))        # ~1 %
    rows += [("食品", "f_small", 10, 0), ("药品", "d_small", 10, 0)]
    df = pd.DataFrame(rows, columns=["sector", "category", "tested", "failed"]).assign(period="2023Q1")
    h = mt.risk.score(df, by=["sector", "category"]).set_index("category")
    flat = mt.risk.score(df, by=["sector", "category"], hierarchical=False).set_index("category")
    # same data (0 of 10), but each small category is pulled toward its own sector
    assert h.loc["f_small", "risk"] > 0.05
    assert h.loc["d_small", "risk"] < 0.02
    assert h.loc["f_small", "risk"] > 5 * h.loc["d_small", "risk"]
    # flat pooling cannot tell them apart
    assert flat.loc["f_small", "risk"] == pytest.approx(flat.loc["d_small", "risk"])
    assert h.attrs["risk"]["hierarchical"] is True


def test_recent_periods_weigh_more_so_drift_is_tracked():
    years = range(2015, 2023)
    rows = [(y, "up", 10_000, int(10_000 * (0.01 + 0.005 * (y - 2015)))) for y in years]
    rows += [(y, "flat", 10_000, 250) for y in years]
    df = pd.DataFrame(rows, columns=["period", "category", "tested", "failed"])
    decayed = mt.risk.score(df, by="category", half_life=1.0).set_index("category")
    equal = mt.risk.score(df, by="category", half_life=None).set_index("category")
    last = 0.01 + 0.005 * 7  # 4.5 % in 2022
    assert abs(decayed.loc["up", "risk"] - last) < abs(equal.loc["up", "risk"] - last)
    assert decayed.loc["up", "risk"] > 0.035
    assert equal.loc["up", "risk"] == pytest.approx(df[df.category == "up"].failed.sum() / 80_000, abs=2e-3)


def test_real_samr_table_scores_every_category():
    with pytest.warns(UserWarning, match="total rows"):
        s = mt.risk.score(SAMR, by=["category"], as_of=2022)
    assert list(s.columns[:8]) == ["category", "tested", "failed", "rate", "risk", "risk_lo", "risk_hi",
                                   "rank"]
    assert "合计" not in set(s.category)
    # tableware (餐饮具) is by far the most failing category in the published 2022 figures
    assert s.iloc[0]["category"] == "餐饮具" and 0.18 < s.iloc[0]["risk"] < 0.2
    assert ((s.risk > 0) & (s.risk < 0.25)).all()
    with pytest.warns(UserWarning, match="total rows"):
        only_2019 = mt.risk.score(SAMR, by=["category"], as_of="2019H2")
    assert only_2019.attrs["risk"]["periods"] == ["2019H2"]


def test_columns_say_why_risk_differs_from_the_raw_rate():
    # issue 15: a shrunken risk above the raw rate was not explained
    df = pd.read_csv(SAMR)
    with pytest.warns(mt.MstargetWarning, match="--keep-totals"):
        s = mt.risk.score(df[df.region == "全国"], by="category")
    assert list(s.columns[:9]) == ["category", "tested", "failed", "rate", "risk", "risk_lo",
                                   "risk_hi", "rank", "recent_rate"]
    assert {"prior_rate", "prior_weight", "evidence_weight", "shrink_share", "explanation"} <= set(s.columns)
    # risk is exactly the prior and the group's recency-weighted rate mixed by shrink_share
    mix = s.shrink_share * s.prior_rate + (1 - s.shrink_share) * s.recent_rate
    np.testing.assert_allclose(mix, s.risk, rtol=1e-9)
    row = s.set_index("category").loc["食用农产品"]  # 2.96 % raw, 3.31 % risk: 2022 fails more
    assert row.risk > row.rate + 0.003 and row.recent_rate == pytest.approx(row.risk, abs=1e-4)
    assert row.explanation.startswith("近期加权 3.31% > 原始 2.96%") and "几乎不收缩" in row.explanation


def test_small_group_pulled_up_says_so():
    s = mt.risk.score(_panel(), by="category").set_index("category")
    good = s.loc["tiny_good"]  # 0 of 4: risk above its raw 0 % because of the prior
    assert good.risk > good.rate and good.shrink_share > 0.9
    assert "样本较少" in good.explanation and "故高于原始" in good.explanation


def test_intervals_contain_their_estimate_even_without_failures():
    # issue 14: no failures gave [2e-308, 2e-308] around a positive estimate
    df = pd.DataFrame({"period": 2023, "category": ["a", "b", "c"], "tested": [5, 10, 100],
                       "failed": [0, 0, 0]})
    s = mt.risk.score(df, by="category")
    assert ((s.risk_lo <= s.risk) & (s.risk <= s.risk_hi)).all()
    assert (s.risk_lo < 1e-5).all() and (s.risk_hi > 0.005).all() and (s.risk > 1e-4).all()


def test_one_of_one_group_is_not_ranked_first():
    # issue 14: a group with 1 failure in 1 batch must not top the list
    df = pd.read_csv(SAMR)
    nat = df[(df.region == "全国") & (df.period == "2019H2") & (df.category != "合计")]
    one = pd.DataFrame({"region": ["全国"], "period": ["2019H2"], "category": ["新类别"],
                        "tested": [1], "failed": [1], "source": ["test"]})
    s = mt.risk.score(pd.concat([nat, one]), by="category").set_index("category")
    assert s.loc["新类别", "rank"] > 3 and s.loc["新类别", "risk"] < 0.05
    # three tiny groups: the likelihood alone sent the 1-of-1 group to 99 %
    tiny = pd.DataFrame({"period": 2023, "category": ["a", "b", "c"], "tested": [1, 10, 10],
                         "failed": [1, 0, 0]})
    t = mt.risk.score(tiny, by="category").set_index("category")
    assert t.loc["a", "risk"] < 0.2
    small = pd.DataFrame({"period": 2023, "category": ["a", "b", "c", "d"],
                          "tested": [1000, 1000, 300, 1], "failed": [30, 80, 24, 1]})
    assert mt.risk.score(small, by="category").set_index("category").loc["d", "rank"] > 1


def test_several_regions_pooled_only_with_a_warning():
    df = pd.read_csv(SAMR)
    with pytest.warns(mt.MstargetWarning) as rec:
        s = mt.risk.score(df, by="category")
    text = " ".join(str(w.message) for w in rec if isinstance(w.message, PoolingWarning))
    assert "全国" in text and "广东省" in text and "--region" in text
    assert s.attrs["risk"]["pooled"] == {"region": ["全国", "广东省"]}
    h = mt.risk.score(df, by=["region", "category"])
    assert set(h.region) == {"全国", "广东省"} and h.attrs["risk"]["pooled"] == {}


def test_overlapping_periods_of_a_group_are_refused_naming_rows():
    # issue 14: 2023, 2023H1 and 2023Q1 of one group were summed (batches counted three times)
    df = pd.DataFrame({"period": ["2022", "2023", "2023H1", "2023Q1", "2023"],
                       "category": ["a", "a", "a", "a", "b"],
                       "tested": [100, 400, 200, 100, 50], "failed": [1, 4, 2, 1, 0]})
    with pytest.raises(mt.DataValidationError) as exc:
        mt.risk.score(df, by="category")
    rows = {(p.row, p.column) for p in exc.value.problems}
    assert rows == {(4, "period"), (5, "period")} or rows == {(3, "period"), (4, "period")}
    assert "counted twice" in str(exc.value) and "row " in str(exc.value)
    # the same periods in different groups, or one level of periods per group, are fine
    ok = df.iloc[[0, 1, 4]]
    assert len(mt.risk.score(ok, by="category")) == 2
