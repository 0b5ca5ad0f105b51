"""A sampling-plan analyst's probe (session 48): a category whose data stop years before the others'.

On the shipped national table (data/china/food_sampling_by_category.csv) the catch-all 其他 has data for 2019H2
only while 8 categories run to 2022; its 2019H2 rate (9.2 %) made the plan give it up to the 30 % cap of a
budget. Now ``score`` ages a stale group's evidence (rates drift between periods) and ``allocate`` holds a stale
group to the larger of an even split and its volume share, naming it in a note; groups with data up to the
latest period score and plan as before."""
from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.risk.score import aged_evidence, drift_per_year

DATA = Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv"
FRESH = ["餐饮具", "餐饮食品", "食用农产品", "炒货食品及坚果制品", "蔬菜制品", "淀粉及淀粉制品", "酒类", "糕点"]
# risks the shipped national table scored before session 48 (pandas 3.1.1), for the categories with 2022 data
RISK_BEFORE = {"餐饮具": 0.187623, "餐饮食品": 0.077121, "食用农产品": 0.033133, "炒货食品及坚果制品": 0.028308,
               "蔬菜制品": 0.026773, "淀粉及淀粉制品": 0.018336, "酒类": 0.017989, "糕点": 0.016780}


def _national() -> pd.DataFrame:
    df = pd.read_csv(DATA)
    return df[df["region"] == "全国"].drop(columns=["region", "source"])


def _scores() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.score(_national(), by=["category"])


def _plan(scores, budget, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.allocate(scores, budget=budget, **kw)


def test_the_stale_catch_all_is_no_longer_at_the_cap_and_the_note_names_it():
    scores = _scores()
    plan = _plan(scores, 2000)  # a city-sized budget: before, 其他 took 600 batches, the 30 % cap
    got = plan.set_index("category")
    hold = max(math.ceil(2000 / len(plan)), math.ceil(2000 * got.loc["其他", "volume_share"]))
    assert got.loc["其他", "batches"] == hold == 56  # an even split's batches, not 600
    held = plan.attrs["allocation"]["held_stale"]
    assert held["其他"]["last"] == "2019H2" and held["其他"]["without_hold"] >= 300  # on its aged score
    note = next(n for n in plan.attrs["allocation"]["notes"] if n.startswith("数据过旧的类别"))
    assert "其他（数据仅到 2019H2，按风险本应分到" in note and "现 56 批" in note
    # the batches held back go to the categories with 2022 data, none of which gets fewer
    free = _plan(scores, 2000, hold_stale=False).set_index("category")
    assert free.loc["其他", "batches"] >= 300
    assert (got.loc[FRESH, "batches"] >= free.loc[FRESH, "batches"]).all()
    assert got.loc[FRESH, "batches"].sum() > free.loc[FRESH, "batches"].sum()


def test_at_the_readme_budget_the_catch_all_keeps_an_even_share_and_fresh_plans_grow():
    scores = _scores()
    got = _plan(scores, 20000).set_index("category")
    free = _plan(scores, 20000, hold_stale=False).set_index("category")
    assert free.loc["其他", "batches"] > 3000  # on its aged score alone it would still get ~18 %
    assert got.loc["其他", "batches"] == math.ceil(20000 / 36)  # 556
    assert (got.loc[FRESH, "batches"] >= free.loc[FRESH, "batches"]).all()
    assert got["batches"].sum() == 20000 and got["share"].max() <= 0.3 + 1e-12


def test_fresh_categories_score_as_before_and_the_stale_ones_move_toward_the_pooled_rate():
    scores = _scores().set_index("category")
    for cat, before in RISK_BEFORE.items():
        assert scores.loc[cat, "risk"] == pytest.approx(before, abs=5e-7), cat
    other = scores.loc["其他"]
    prior = other["prior_rate"]
    assert prior < other["risk"] < other["rate"]  # 9.16 % raw, 2.25 % pooled
    assert other["risk"] == pytest.approx(0.0597, abs=5e-4)  # was 9.09 %
    assert other["evidence_weight"] < 100  # 3,977 recency-weighted batches, 3 years old: worth ~48 today
    assert "距最新一期已 3.0 年" in other["explanation"] and "3,977 批有效证据只相当于今天的 48 批" in other["explanation"]
    aging = _scores().attrs["risk"]["aging"]
    assert aging["source"] == "table" and aging["groups"] and aging["drift"] == pytest.approx(0.0828, abs=1e-3)
    assert {d["group"] for d in aging["groups"]}.isdisjoint(FRESH)


def _district(stop_year=None, drift_sd=0.0, seed=48) -> pd.DataFrame:
    """SYNTHETIC 食品大类 | 年度 | 抽检批次 | 不合格批次, 2019-2024: the 8 largest national categories of 2019H2 at a
    district's size (batches / 100), failures drawn at the national rate -- each category's logit rate taking a
    random step of ``drift_sd`` a year --; 其他 too, from its national 9.2 %, with its rows from ``stop_year`` on
    left out (its data stop early)."""
    src = _national()
    base = src[(src["period"] == "2019H2") & (src["category"] != "合计")].nlargest(8, "tested")
    base = pd.concat([base, src[(src["period"] == "2019H2") & (src["category"] == "其他")]])
    rng = np.random.default_rng(seed)
    logit = {r.category: math.log(r.failed / (r.tested - r.failed)) for r in base.itertuples()}
    rows = []
    for y in range(2019, 2025):
        for r in base.itertuples():
            logit[r.category] += rng.normal(0.0, drift_sd) if y > 2019 else 0.0
            if r.category == "其他" and stop_year is not None and y >= stop_year:
                continue
            t = max(int(r.tested / 100 * rng.uniform(0.8, 1.2)), 30)
            rows.append({"食品大类": r.category, "年度": y, "抽检批次": t,
                         "不合格批次": int(rng.binomial(t, 1 / (1 + math.exp(-logit[r.category]))))})
    return pd.DataFrame(rows)


def test_a_district_table_ages_a_category_that_stopped_and_not_one_that_reports():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        current = mt.risk.score(_district(drift_sd=0.3), by="食品大类").set_index("食品大类")
        scores = mt.risk.score(_district(stop_year=2022, drift_sd=0.3), by="食品大类")
        plan = _plan(scores, 900)
    stopped = scores.set_index("食品大类")
    assert "距最新一期" not in current.loc["其他", "explanation"]
    text = stopped.loc["其他", "explanation"]
    assert "数据仅到 2021" in text and "距最新一期已 3.0 年" in text
    assert scores.attrs["risk"]["aging"]["source"] == "table" and scores.attrs["risk"]["aging"]["drift"] > 0.02
    # with data to 2021 only, 其他's evidence for 2024 is aged: its risk moves toward the pooled rate
    assert stopped.loc["其他", "prior_rate"] < stopped.loc["其他", "risk"] < stopped.loc["其他", "recent_rate"]
    assert stopped.loc["其他", "shrink_share"] > current.loc["其他", "shrink_share"]
    got = plan.set_index("食品大类")
    assert got.loc["其他", "batches"] <= max(math.ceil(900 / 9), math.ceil(900 * got.loc["其他", "volume_share"]))
    assert "其他（数据仅到 2021" in " ".join(plan.attrs["allocation"]["notes"])


def test_a_table_whose_rates_hold_steady_barely_ages_but_the_plan_still_holds():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = mt.risk.score(_district(stop_year=2022), by="食品大类")  # rates constant: no drift to see
        plan = _plan(scores, 900)
    assert scores.attrs["risk"]["aging"]["drift"] < 0.01  # sampling noise only (the national table: 0.083)
    assert plan.set_index("食品大类").loc["其他", "batches"] == 100  # 900 / 9 groups
    assert "其他" in plan.attrs["allocation"]["held_stale"]


def test_evidence_that_is_current_or_without_drift_is_not_aged():
    wf, wt = np.array([1030.0, 5.0, 0.0]), np.array([11249.0, 40.0, 0.0])
    for years, drift in ((np.zeros(3), 0.083), (np.full(3, 3.0), 0.0)):
        f2, t2 = aged_evidence(wf, wt, years, drift)
        assert np.array_equal(t2, wt) and np.array_equal(f2, wf)
    f2, t2 = aged_evidence(wf, wt, np.full(3, 3.0), 0.083)
    assert t2[0] < 60 and f2[0] / t2[0] == pytest.approx(1030 / 11249)  # the rate kept, its weight aged
    p = 1030.5 / 11250
    assert t2[0] == pytest.approx(1 / (1 / 11249 + p * (1 - p) * 0.083 * 3))  # never more than 1/(p(1-p) drift years)
    assert t2[1] / 40 > t2[0] / 11249  # a small group, already uncertain, loses less of its weight


def test_drift_is_estimated_from_groups_sampled_twice_or_defaulted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = _scores().attrs["risk"]["aging"]
    assert est["groups"] and est["source"] == "table"
    one = pd.DataFrame({"category": ["甲", "乙"], "period": ["2022", "2022"], "tested": [100, 100], "failed": [1, 2],
                        "_start": [2022 * 12, 2022 * 12], "_end": [2022 * 12 + 11] * 2})
    assert drift_per_year(one, ["category"])["source"] == "default"


def test_cli_allocate_prints_the_hold_and_no_hold_stale_lifts_it(tmp_path, capsys):
    raw = tmp_path / "全国抽检.csv"
    pd.read_csv(DATA).to_csv(raw, index=False)
    scores = tmp_path / "R.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["risk", "score", "--samples", str(raw), "--by", "category", "--region", "全国",
                     "--out", str(scores), "--no-track"]) == 0
        capsys.readouterr()
        assert main(["risk", "allocate", "--scores", str(scores), "--budget", "2000", "--out",
                     str(tmp_path / "A.csv"), "--no-track"]) == 0
        held = capsys.readouterr().out
        assert main(["risk", "allocate", "--scores", str(scores), "--budget", "2000", "--no-hold-stale",
                     "--out", str(tmp_path / "B.csv"), "--no-track"]) == 0
        free = capsys.readouterr().out
    assert "其他（数据仅到 2019H2，按风险本应分到" in held and "数据过旧的类别" not in free
    a = pd.read_csv(tmp_path / "A.csv").set_index("category")
    b = pd.read_csv(tmp_path / "B.csv").set_index("category")
    assert a.loc["其他", "batches"] == 56 and b.loc["其他", "batches"] > 300
