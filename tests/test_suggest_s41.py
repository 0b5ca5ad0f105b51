"""``mt.suggest_targets`` / ``mstarget suggest`` (session 41): a figure that asks for no more than is already reached
-- a ``≥`` level below the base-year figure or the latest value, a ``≤`` one above it, a 〈〉 sum at or below what is
done -- stays what the forecast says but is marked (``reached_at_<p>``, the reason, the printout), and a derived
share's figures are written with the decimals of a reported figure (19.05, not 19.0533). All data synthetic (合成)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt

REGION = "示例市(合成)"


def _files(tmp_path):
    """Synthetic, labelled: a 十五五 draft (2025 baseline, 2030 targets) and its history -- an index at 84.1, 84.6
    against ≥86; a quantity at 10 years falling to 206.8 in 2023 against ≤195 (no baseline written); a derived share
    with six decimals (100 * a / b) against ≥22; a steadily rising count against a modest ≥ target."""
    rng = np.random.default_rng(7)
    share = [round(17.0 + 0.55 * i + float(rng.normal(0, 0.35)), 6) for i in range(8)]
    falling = [round(262.0 - 6.0 * i + float(rng.normal(0, 2.5)), 1) for i in range(9)] + [206.8]
    rows = ([("质量指数", 2024, 84.1, "指数"), ("质量指数", 2025, 84.6, "指数")]
            + [("化肥用量", y, v, "万吨") for y, v in zip(range(2014, 2024), falling)]
            + [("教育支出占比", y, v, "%") for y, v in zip(range(2016, 2024), share)]
            + [("企业数", y, 100 + 12 * i, "户") for i, y in enumerate(range(2016, 2026))])
    hist = pd.DataFrame(rows, columns=["indicator", "year", "value", "unit"]).assign(region=REGION)
    plan = pd.DataFrame({"region": REGION,
                         "indicator": ["质量指数", "化肥用量", "教育支出占比", "企业数"],
                         "name": ["质量指数", "化肥用量", "教育支出占比", "企业数"],
                         "unit": ["指数", "万吨", "%", "户"], "baseline_year": 2025,
                         "baseline": ["84.6", "", "", "208"], "target_year": 2030,
                         "target": ["≥86", "≤195", "≥22", "≥230"], "attribute": "预期性"})
    h, p = tmp_path / "hist.csv", tmp_path / "plan.csv"
    hist.to_csv(h, index=False)
    plan.to_csv(p, index=False)
    return h, p, falling, share


@pytest.fixture()
def suggested(tmp_path):
    h, p, falling, share = _files(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.suggest_targets(h, p, (0.5, 0.7, 0.9), seed=0)
    return s.set_index("indicator"), falling, share


def test_a_figure_below_the_base_year_figure_is_marked_not_changed(suggested):
    s, _, _ = suggested
    r = s.loc["质量指数"]
    assert r["target_at_90"] < 84.6  # honest arithmetic: the forecast's figure, kept
    assert bool(r["reached_at_90"])
    assert r["baseline"] == pytest.approx(84.6) and r["baseline_year"] == 2025
    assert "90%" in r["reason"] and "低于2025年基期值84.6" in r["reason"] and "below the 2025 baseline 84.6" \
        in r["reason"]
    for p in (50, 70, 90):  # the column says exactly which figures fall short
        assert bool(r[f"reached_at_{p}"]) == (r[f"target_at_{p}"] < 84.6)


def test_a_ceiling_above_the_latest_value_is_marked(suggested):
    s, falling, _ = suggested
    r = s.loc["化肥用量"]
    assert r["direction"] == "<=" and r["last_year"] == 2023 and r["last_value"] == pytest.approx(206.8)
    assert r["target_at_90"] > 206.8 and bool(r["reached_at_90"])
    assert "高于2023年最新值206.8" in r["reason"] and "above the latest value 206.8 (2023)" in r["reason"]


def test_a_derived_share_gets_reported_decimals_and_its_latest_value_beside_it(suggested):
    s, _, share = suggested
    r = s.loc["教育支出占比"]
    assert r["decimals"] == 2
    for p in (50, 70, 90):
        assert r[f"target_at_{p}"] == round(r[f"target_at_{p}"], 2), r[f"target_at_{p}"]
    latest = f"{share[-1]:.2f}"
    if bool(r["reached_at_90"]):
        assert f"低于2023年最新值{latest}" in r["reason"]
    assert r["target_at_90"] < share[-1]  # a wide band at 90 %: below the latest share
    assert bool(r["reached_at_90"])


def test_a_figure_above_what_is_reached_is_not_marked(suggested):
    s, _, _ = suggested
    r = s.loc["企业数"]  # rising 12 a year from 100 (2016) to 208 (2025)
    assert r["target_at_50"] > 208 and not bool(r["reached_at_50"])
    for p in (50, 70, 90):
        assert bool(r[f"reached_at_{p}"]) == (r[f"target_at_{p}"] < 208)
    assert s["reached_at_50"].dtype == bool


def test_an_increment_already_done_is_marked(tmp_path):
    """〈〉 new standards: 3, 0, 0, 1 added in 2026-2029 of a 2025-2030 period: a 90 % figure of 〈4〉 is done."""
    hist = pd.DataFrame({"region": REGION, "indicator": "新增标准", "year": [2026, 2027, 2028, 2029],
                         "value": [3, 0, 0, 1], "unit": "项"})
    plan = pd.DataFrame({"region": [REGION], "indicator": ["新增标准"], "name": ["新增标准"], "unit": ["项"],
                         "baseline_year": [2025], "baseline": ["〈0〉"], "target_year": [2030], "target": ["〈15〉"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = mt.suggest_targets(hist, plan, (0.9,), seed=0).iloc[0]
    assert r["sum_so_far"] == 4 and r["target_at_90"] <= 4
    assert bool(r["reached_at_90"])
    assert "已完成" in r["reason"] and "〈4〉" in r["reason"] and "already done" in r["reason"]


def test_the_latest_value_counts_when_it_is_past_the_base_year():
    """A mid-term stock: 〔33.61〕 in 2025, 〔36.0〕 in 2027; a figure of 〔35.92〕 is above the base, below the latest."""
    from mstarget.suggest import reached_figures
    row = {"direction": ">=", "kind": "cumulative", "baseline_year": 2025, "baseline": 33.61, "last_year": 2027,
           "last_value": 36.0, "sum_so_far": np.nan}
    assert reached_figures(row, 35.92, 2) == [("latest", 2027, 36.0)]
    assert reached_figures(row, 32.0, 2) == [("baseline", 2025, 33.61), ("latest", 2027, 36.0)]
    assert reached_figures(row, 36.0, 2) == []
    cap = {**row, "direction": "<=", "kind": "level", "baseline": 36.4}  # a ≤ level falling from 36.4 to 36.0
    assert reached_figures(cap, 36.2, 2) == [("latest", 2027, 36.0)]
    assert reached_figures(cap, 36.0, 2) == []


def test_the_command_marks_the_figures_and_says_how_many(tmp_path, capsys):
    from mstarget.cli.main import main
    h, p, _, _ = _files(tmp_path)
    out = tmp_path / "s.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["suggest", "--plan", str(p), "--history", str(h), "--p", "50,70,90", "--seed", "0",
                     "--no-track", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "（低于基期值84.6）" in printed and "（高于最新值206.8）" in printed
    assert "把握目标未超过已达到水平" in printed and "质量指数（" in printed
    written = pd.read_csv(out)
    assert {"reached_at_50", "reached_at_70", "reached_at_90", "baseline", "last_value"} <= set(written.columns)
    assert written.loc[written["indicator"] == "质量指数", "reached_at_90"].astype(bool).iloc[0]


def test_a_count_of_incidents_gets_no_reached_mark(tmp_path):
    """零发生 rows: a year's 0 incidents is a count drawn, not a level reached -- ≤1 is no figure 'above the base'."""

    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "acc", "name": "较大以上特种设备事故", "unit": "起",
                         "year": range(2019, 2026), "value": [0, 0, 1, 0, 0, 0, 0]})  # SYNTHETIC
    plan = pd.DataFrame({"region": ["鼎湖区"], "indicator": ["acc"], "name": ["较大以上特种设备事故"], "unit": ["起"],
                         "baseline_year": [2025], "baseline": [0], "target_year": [2030], "target": ["≤0"],
                         "attribute": ["约束性"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.suggest_targets(hist, plan, (0.7, 0.8), seed=0)
    assert s["target_at_80"].iloc[0] >= 1
    assert not s["reached_at_70"].iloc[0] and not s["reached_at_80"].iloc[0]
    assert "基期" not in s["reason"].iloc[0]


def test_a_count_of_cases_handled_keeps_its_mark():
    """查处违法案件 (起) with a ≥ target is an activity level, not incidents to avoid: a figure below its base is
    marked as in 件 (FP2). SYNTHETIC figures."""
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "cases", "name": "查处违法案件", "unit": "起",
                         "year": range(2019, 2026), "value": [420, 380, 450, 400, 470, 430, 475]})
    plan = pd.DataFrame({"region": ["鼎湖区"], "indicator": ["cases"], "name": ["查处违法案件"], "unit": ["起"],
                         "baseline_year": [2025], "baseline": [475], "target_year": [2030], "target": ["≥500"],
                         "attribute": ["预期性"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.suggest_targets(hist, plan, (0.7, 0.8), seed=0)
    assert s["target_at_80"].iloc[0] < 475 and s["reached_at_80"].iloc[0]
    assert "基期" in s["reason"].iloc[0]
