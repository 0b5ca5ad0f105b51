"""``mt.suggest_targets`` / ``mstarget suggest``: the target each indicator would meet with 70 % / 80 % probability
(十五五 drafting: which drafted targets are timid, which too ambitious)."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt

ROOT = Path(__file__).resolve().parents[1]
NATIONAL_HISTORY = ROOT / "data" / "china" / "national_history.csv"
NATIONAL_TARGETS = ROOT / "data" / "china" / "national_targets.csv"


@pytest.fixture(scope="module")
def national():
    """Real shipped data: the national targets from national history up to 2022."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.suggest_targets(NATIONAL_HISTORY, NATIONAL_TARGETS, (0.7, 0.8), as_of=2022, seed=0)


def _row(table, indicator):
    return table[table["indicator"] == indicator].iloc[0]


def test_columns_and_the_80_percent_target_is_easier_than_the_70_percent_one(national):
    assert {"region", "indicator", "name", "unit", "target_year", "kind", "direction", "target", "p_meet",
            "target_at_70", "target_at_80", "p_at_70", "p_at_80", "reason"} <= set(national.columns)
    figures = national.dropna(subset=["target_at_70", "target_at_80"])
    assert len(figures) >= 3
    for r in figures.to_dict("records"):
        if r["direction"] == ">=":
            assert r["target_at_80"] <= r["target_at_70"], r
        else:
            assert r["target_at_80"] >= r["target_at_70"], r
        assert r["p_at_70"] >= 0.7 and r["p_at_80"] >= 0.8, r
    patents = _row(national, "high_value_invention_patents_per_10k")  # 9.4 in 2022 against ≥12 in 2025
    assert patents["target_at_80"] < patents["target_at_70"]
    assert patents["target_at_80"] == round(patents["target_at_80"], 1)  # the data's decimals: 9.4, 7.5


def test_a_target_set_at_the_80_percent_figure_is_met_with_about_80_percent(national):
    """Re-assessed with the same seed, a plan whose target is the suggested figure gets p_meet ~0.8."""
    plan = pd.read_csv(NATIONAL_TARGETS)
    r = _row(national, "high_value_invention_patents_per_10k")
    plan["target"] = plan["target"].astype(object)  # whole-number targets read as int64: 11.1 would not fit
    plan.loc[plan["indicator"] == r["indicator"], "target"] = r["target_at_80"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = mt.assess(NATIONAL_HISTORY, plan, as_of=2022, seed=0)
    p = float(again.loc[again["indicator"] == r["indicator"], "p_meet"].iloc[0])
    assert p == pytest.approx(r["p_at_80"], abs=1e-9)
    assert 0.8 <= p < 0.83  # Monte-Carlo paths: at least 80 %, one reporting unit harder would be below


def test_a_cap_row_goes_the_right_way(national):
    """食品抽检不合格率 ≤2 (real: 2.31, 2.69, 2.86 up to 2022): the figures held with more confidence are higher."""
    r = _row(national, "food_sampling_unqualified_rate")
    assert r["direction"] == "<="
    assert r["target_at_70"] >= r["forecast"] - 0.01  # above the median: a cap met with 70 %
    assert r["target_at_80"] >= r["target_at_70"] > r["target"]  # the drafted ≤2 is ambitious (p_meet low)
    assert r["p_meet"] < 0.7


def test_a_row_without_data_gets_no_figure_and_says_why(national):
    r = _row(national, "manufacturing_product_pass_rate")  # no history in the shipped data
    assert np.isnan(r["target_at_70"]) and np.isnan(r["target_at_80"])
    assert "无历史数据" in r["reason"]


def _synthetic(tmp_path):
    """Synthetic, labelled: a district's draft 十五五 table (2025 baseline, 2030 targets) and its history."""
    hist = pd.DataFrame({
        "region": "示例区(合成)",
        "indicator": ["明厨亮灶覆盖率"] * 5 + ["食品抽检不合格率"] * 5 + ["市场主体总量"] * 5,
        "year": list(range(2021, 2026)) * 3,
        "value": [99.0, 99.4, 99.7, 99.9, 100.0, 0.40, 0.30, 0.20, 0.10, 0.05, 30.1, 31.0, 32.2, 33.0, 34.1],
        "unit": ["%"] * 10 + ["万户"] * 5})
    plan = pd.DataFrame({
        "region": "示例区(合成)",
        "indicator": ["明厨亮灶覆盖率", "食品抽检不合格率", "市场主体总量", "智慧监管平台"],
        "name": ["明厨亮灶覆盖率", "食品抽检不合格率", "市场主体总量", "智慧监管平台"],
        "unit": ["%", "%", "万户", ""],
        "baseline_year": 2025, "baseline": ["100", "0.05", "〔34.1〕", ""],
        "target_year": 2030, "target": ["≥100", "≤0.05", "〔40〕", "建成"]})
    h, p = tmp_path / "hist.csv", tmp_path / "plan.csv"
    hist.to_csv(h, index=False)
    plan.to_csv(p, index=False)
    return h, p


def test_a_share_stays_within_0_and_100_and_a_qualitative_row_is_said(tmp_path):
    h, p = _synthetic(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.suggest_targets(h, p, (0.5, 0.7, 0.8, 0.95), seed=0)
    share = s[s["indicator"] == "明厨亮灶覆盖率"].iloc[0]
    rate = s[s["indicator"] == "食品抽检不合格率"].iloc[0]
    for c in ("target_at_50", "target_at_70", "target_at_80", "target_at_95"):
        assert 0 <= share[c] <= 100
        assert rate[c] >= 0
    assert share["target_at_95"] <= share["target_at_80"] <= share["target_at_70"] <= share["target_at_50"]
    assert rate["target_at_95"] >= rate["target_at_80"] >= rate["target_at_70"] >= rate["target_at_50"]
    stock = s[s["indicator"] == "市场主体总量"].iloc[0]
    assert stock["kind"] == "cumulative" and 34.1 < stock["target_at_80"] < stock["target_at_70"]
    qualitative = s[s["indicator"] == "智慧监管平台"].iloc[0]
    assert np.isnan(qualitative["target_at_70"]) and "定性" in qualitative["reason"]


def test_probabilities_are_checked_before_any_work():
    with pytest.raises(mt.ParameterError, match="write 0.7"):
        mt.suggest_targets(NATIONAL_HISTORY, NATIONAL_TARGETS, (70, 80))
    with pytest.raises(mt.ParameterError):
        mt.suggest_targets(NATIONAL_HISTORY, NATIONAL_TARGETS, (0.7, 1.0))


def test_the_command_writes_the_file_and_prints_chinese_headers(tmp_path, capsys):
    from mstarget.cli.main import main
    out = tmp_path / "suggest.csv"
    code = main(["suggest", "--plan", str(NATIONAL_TARGETS), "--history", str(NATIONAL_HISTORY), "--as-of", "2022",
                 "--p", "70,80", "--out", str(out), "--no-track"])
    assert code == 0
    table = pd.read_csv(out)
    assert {"target_at_70", "target_at_80", "p_at_70", "p_at_80"} <= set(table.columns)
    assert len(table) == len(pd.read_csv(NATIONAL_TARGETS))
    printed = capsys.readouterr().out
    for head in ("指标", "单位", "规划目标", "达标概率", "70%把握目标", "80%把握目标"):
        assert head in printed
    assert "每万人口高价值发明专利拥有量" in printed and f"written: {out}" in printed


def test_the_command_refuses_a_bad_probability(tmp_path, capsys):
    from mstarget.cli.main import main
    code = main(["suggest", "--plan", str(NATIONAL_TARGETS), "--history", str(NATIONAL_HISTORY), "--p", "0.7,1.5",
                 "--out", str(tmp_path / "x.csv"), "--no-track"])
    assert code == 2
    assert "--p" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_a_row_with_its_baseline_alone_gets_no_figure(tmp_path, capsys):
    # the shipped Dinghu plan has baselines only: its wide one-point prior had suggested ≥〔1.37〕 for a stock at
    # 〔1.89〕 (below the baseline) and counted the rows 目标偏高
    from mstarget.cli.main import main
    out = tmp_path / "s.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["suggest", "--plan", str(Path(__file__).parents[1] / "data" / "dinghu_14th_fyp_plan.csv"),
                     "--no-track", "--out", str(out)])
    assert code == 0
    s = pd.read_csv(out)
    single = s["reason"].fillna("").str.contains("仅有一个数据点")
    assert single.sum() >= 10 and s.loc[single, "target_at_70"].isna().all()
    assert "目标偏高" not in capsys.readouterr().out


def test_the_help_reads_as_written(capsys):
    from mstarget.cli.main import main
    with pytest.raises(SystemExit):
        main(["suggest", "--help"])
    out = capsys.readouterr().out
    assert "default 70% and 80%" in out and "%%" not in out
