"""Issue 3: allocation sums to the budget, respects floors/caps and finds more failures."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import mstarget as mt
from mstarget.exceptions import ParameterError
from mstarget.risk.allocate import even_allocation, expected_found, greedy_allocate

SAMR = Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv"


def _scores(risk, tested):
    return pd.DataFrame({"category": [f"c{i}" for i in range(len(risk))], "tested": tested,
                         "risk": risk})


def test_budget_spent_floors_and_caps_respected_and_beats_even():
    s = _scores([0.10, 0.05, 0.02, 0.01, 0.003], [500, 2000, 8000, 20000, 50000])
    a = mt.risk.allocate(s, 10_000, min_per_group=200, max_per_group=4000)
    assert a["batches"].sum() == 10_000
    assert (a["batches"] >= 200).all() and (a["batches"] <= 4000).all()
    assert list(a.columns) == ["category", "batches", "expected_failures"]
    even = expected_found(even_allocation(5, 10_000), s.risk, s.tested).sum()
    assert a["expected_failures"].sum() > 1.15 * even
    # the riskiest small group saturates (diminishing returns): not everything goes there
    assert a.loc[0, "batches"] < 4000


def test_greedy_is_optimal_against_brute_force():
    p = np.array([0.08, 0.05, 0.03])
    vol = np.array([20.0, 50.0, np.inf])
    best = max(((i, j, 30 - i - j) for i in range(31) for j in range(31 - i)),
               key=lambda n: expected_found(np.array(n), p, vol).sum())
    got = greedy_allocate(p, vol, 30, np.zeros(3), np.full(3, np.inf))
    assert expected_found(got, p, vol).sum() == pytest.approx(expected_found(np.array(best), p, vol).sum())


def test_infeasible_floors_and_caps_are_explained():
    s = _scores([0.1, 0.2], [100, 100])
    with pytest.raises(ParameterError, match="less than the sum of the floors"):
        mt.risk.allocate(s, 10, min_per_group=6)
    with pytest.raises(ParameterError, match="more than the sum of the caps"):
        mt.risk.allocate(s, 100, max_per_group=40)
    with pytest.raises(ParameterError, match="budget"):
        mt.risk.allocate(s, -1)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 0.5), st.integers(1, 10_000)), min_size=1, max_size=12),
       st.integers(0, 50_000), st.integers(0, 30), st.one_of(st.none(), st.integers(30, 20_000)))
def test_allocation_properties(groups, budget, floor, cap):
    s = _scores([g[0] for g in groups], [g[1] for g in groups])
    G = len(groups)
    feasible = G * floor <= budget and (cap is None or G * cap >= budget)
    if not feasible:
        with pytest.raises(ParameterError):
            mt.risk.allocate(s, budget, floor, cap)
        return
    a = mt.risk.allocate(s, budget, floor, cap)
    n = a["batches"].to_numpy()
    assert n.dtype.kind == "i" and n.sum() == budget
    assert (n >= floor).all() and (cap is None or (n <= cap).all())
    # never worse than spreading the budget evenly (within the same floors and caps)
    ev = even_allocation(G, budget)
    if (ev >= floor).all() and (cap is None or (ev <= cap).all()):
        assert a["expected_failures"].sum() >= expected_found(ev, s.risk, s.tested).sum() - 1e-6


def test_score_then_allocate_on_real_table():
    with pytest.warns(UserWarning, match="total rows"):
        s = mt.risk.score(SAMR, by="category")
    a = mt.risk.allocate(s, 20_000, min_per_group=100)
    assert a["batches"].sum() == 20_000 and (a["batches"] >= 100).all()
    top = a.set_index("category")["batches"].idxmax()
    assert top == "餐饮具"
