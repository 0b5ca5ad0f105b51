"""``mt.suggest_targets`` (session 44): a harder figure is never judged likelier to be met, and the fast search finds
the figure a step-by-step search finds.

``suggest`` searches, per plan row and probability, the hardest figure on the grid of the row's decimals that
``assess``'s own rule judges met with at least ``p``. Judged each at its own written decimals, a figure of whole
units (8888.0, reported in whole 件) was met more often than an easier one written to 0.1 (8887.8): p was not
monotone along the grid. Every figure of a search is now judged at the grid's unit.

Data: a county's counts in whole 次 / 件 against 2025 targets written to 0.01 (a plan compounding a growth rate), the
values SYNTHETIC (typed in below, as the scale probe's generator drew them; no published figures); and the Dinghu
district's real 十四五 plan (data/dinghu_14th_fyp_plan.csv) with the SYNTHETIC monitoring history of
tests/bureau_files.py."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget import suggest as S

from bureau_files import write_history_xlsx

DINGHU_PLAN = Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv"
COUNTY = "第002县(合成)"
PROBS = (0.7, 0.8)

# SYNTHETIC: (indicator, name, unit, 2020-2023 values, 2025 target written to 0.01)
COUNTY_SERIES = [
    ("inspections", "双随机抽查次数", "次", (165, 180, 179, 187), "194.08"),
    ("complaints_handled", "投诉举报办结件数", "件", (8447, 8379, 8637, 8689), "10476.23"),
    ("cases_filed", "案件受理件数", "件", (12736, 12736, 11761, 14516), "15795.58"),
]


def _county_files(tmp_path):
    """SYNTHETIC county history (whole 次 / 件, 2020-2023) and its plan (2020 baseline, ≥ targets to 0.01)."""
    hist = pd.DataFrame([(COUNTY, ind, name, year, float(v), unit) for ind, name, unit, values, _ in COUNTY_SERIES
                         for year, v in zip(range(2020, 2024), values)],
                        columns=["region", "indicator", "name", "year", "value", "unit"])
    plan = pd.DataFrame([(COUNTY, ind, name, unit, 2020, values[0], 2025, target, ">=", "level", "expected")
                         for ind, name, unit, values, target in COUNTY_SERIES],
                        columns=["region", "indicator", "name", "unit", "baseline_year", "baseline", "target_year",
                                 "target", "direction", "kind", "attribute"])
    h, p = tmp_path / "county_history.csv", tmp_path / "county_plan.csv"
    hist.to_csv(h, index=False)
    plan.to_csv(p, index=False)
    return h, p, dict(as_of=2023)


def _dinghu_files(tmp_path):
    return write_history_xlsx(tmp_path / "dinghu_history.xlsx"), DINGHU_PLAN, dict(as_of=2023, region="鼎湖区")


@pytest.fixture(params=["county", "dinghu"])
def searched(request, tmp_path):
    """``(suggestions, details)``: suggest's table and assess's details (kept paths) of the same run, same seed."""
    h, p, kw = (_county_files if request.param == "county" else _dinghu_files)(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.suggest_targets(h, p, PROBS, seed=0, **kw)
        _, details = mt.assess_detailed(h, p, seed=0, keep_paths=True, **kw)
    return s, details


def _grid(figure: float, decimals: int, direction: str, steps: int) -> list[float]:
    """The figures ``-steps .. steps`` grid units from ``figure``, easiest first."""
    harder = 10.0 ** -decimals * (1 if direction == ">=" else -1)
    return [round(figure + k * harder, decimals) for k in range(-steps, steps + 1)]


def _judged_rows(s, details):
    """``(row of s, detail, judge)`` of the rows with figures searched by re-assessing the row."""
    for i, t in enumerate(details):
        if not np.isfinite(s.at[i, "target_at_70"]):
            continue
        judge = S._judge(t, t.row, int(s.at[i, "decimals"]))
        if judge is not None:
            yield s.loc[i], t, judge


def test_a_harder_figure_is_never_judged_likelier_met(searched):
    s, details = searched
    rows = list(_judged_rows(s, details))
    assert len(rows) >= 3
    for r, t, judge in rows:
        for p in PROBS:
            grid = _grid(r[S.target_column(p)], int(r["decimals"]), r["direction"], 30)
            got = [judge(f) for f in grid]
            rises = [(grid[k], got[k], grid[k + 1], got[k + 1]) for k in range(len(grid) - 1)
                     if got[k + 1] > got[k] + 1e-12]
            assert not rises, f"{r['indicator']}: p rises for a harder figure: {rises[:3]}"


def test_the_county_counts_are_judged_on_one_grid(tmp_path):
    """The case that was wrong: 192.59 met with 0.7055, the harder 192.6 with 0.7075 (whole 次 against 194.08)."""
    h, p, kw = _county_files(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.suggest_targets(h, p, PROBS, seed=0, **kw).set_index("indicator")
        _, details = mt.assess_detailed(h, p, seed=0, keep_paths=True, **kw)
    t = next(d for d in details if d.row["indicator"] == "inspections")
    assert s.loc["inspections", "decimals"] == 2
    judge = S._judge(t, t.row, 2)
    assert judge(192.6) <= judge(192.59)
    figure = s.loc["inspections", "target_at_70"]
    assert s.loc["inspections", "p_at_70"] == judge(figure) >= 0.7
    assert judge(round(figure + 0.01, 2)) < 0.7


def _step_by_step(judge, figure: float, p: float, direction: str, decimals: int, lo: float, hi: float,
                  reach: tuple[int, int]):
    """Brute force: from ``figure`` one grid step at a time -- harder while still judged met with ``p``, else easier
    until it is -- within ``[lo, hi]`` and the paths' ``reach`` (:func:`mstarget.suggest._reach`: the steps each way
    past which the verdict no longer changes); ``(figure, p)``."""
    harder = 10.0 ** -decimals * (1 if direction == ">=" else -1)
    got = judge(figure)
    move = harder if got >= p - 1e-12 else -harder
    for _ in range(reach[0] if move == harder else reach[1]):
        nxt = round(figure + move, decimals)
        if not lo - 1e-12 <= nxt <= hi + 1e-12:
            break
        q = judge(nxt)
        if move == harder and q < p - 1e-12:
            break
        figure, got = nxt, q
        if move != harder and got >= p - 1e-12:
            break
    return figure, got


def test_the_figures_are_those_of_a_step_by_step_search(searched):
    """From the paths' quantile, rounded the safe way, the step-by-step search ends on suggest's figure and p_at."""
    s, details = searched
    checked = 0
    for r, t, judge in _judged_rows(s, details):
        samples = np.asarray(t.samples, dtype=float)
        strict = bool(t.row.get("strict")) if not pd.isna(t.row.get("strict")) else False
        lo, hi = S._bounds(t)
        d = int(r["decimals"])
        for p in PROBS:
            start = S._figure(samples[np.isfinite(samples)], p, r["direction"], d, lo, hi, strict, samples.size)
            reach = S._reach(samples[np.isfinite(samples)], start, r["direction"], d)
            figure, got = _step_by_step(judge, start, p, r["direction"], d, lo, hi, reach)
            assert r[S.target_column(p)] == figure, f"{r['indicator']} at {p}: step by step {figure}"
            assert r[S.probability_column(p)] == got >= p
            checked += 1
    assert checked >= 6
