"""Session 41, risk evaluate / samples / allocate --scores. Every input is SYNTHETIC, generated here.

1. ``evaluate`` on a city without any risk signal (every group fails at 3 %) never says the default plan beats an
   even split: with the market taken as the batches tested, the diminishing-returns credit counts the even
   plan's re-sampling of rarely tested groups as finding nothing new (``plan_vs_even_lots`` 1.1-1.3 whatever
   the ranking), so the claim needs a ranking better than chance and no ratio interval across 1;
2. its 总体结论 says 证据不足 without a 把握 (confidence) beside it;
3. a row equal to the sum of the others of its period only because none is unqualified (15 / 0 = 5 / 0 +
   5 / 0 + 5 / 0) is not warned of; one with unqualified batches still is;
4. ``allocate --scores`` reads a scores file saved by Excel / WPS (31,494, 3.27%, GBK) as the samples
   reader reads such cells, and says what is wrong with a cell it still refuses.
"""
import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


def _city(seed, rates=None):
    """SYNTHETIC: 11 categories x 5 districts, quarterly 2021-2025, batches skewed (2-80 a quarter); every
    group fails at 3 % (``rates`` None) or at its own rate."""
    rng = np.random.default_rng(100 + seed)
    size = np.round(np.exp(rng.normal(2.3, 0.9, 55))).clip(2, 80)
    rate = np.full(55, 0.03) if rates is None else np.asarray(rates, float)
    rows = []
    for y in range(2021, 2026):
        for q in range(1, 5):
            n = rng.poisson(size)
            for g in range(55):
                if n[g] > 0:
                    rows.append((f"{y}Q{q}", f"合成类别{g // 5 + 1}", f"合成区{g % 5 + 1}", int(n[g]),
                                 int(rng.binomial(n[g], rate[g]))))
    return pd.DataFrame(rows, columns=["period", "食品大类", "区县", "tested", "failed"])


def _evaluate(df):
    return _quiet(mt.risk.evaluate, df, by=["食品大类", "区县"], train_until="2024Q4", test_period="2025",
                  min_per_group=5)


# ------------------------------------------------------------------ 1. no risk signal: no gain over an even split
@pytest.mark.parametrize("seed", [0, 1])
def test_a_city_without_risk_signal_is_never_said_to_beat_an_even_split(seed):
    ev = _evaluate(_city(seed))
    m = ev.metrics
    assert m["auc_lo"] <= 0.5 <= m["auc_hi"]  # no signal: the ranking is chance
    assert m["plan_vs_even_lots"] > 1.1  # the market assumed credits the even split with less
    line = ev.conclusion
    assert "与平均分配相比：不能说明默认方案比平均分配多发现不合格" in line
    assert "风险排序不优于随机" in line and "边际递减的倍数含市场量假定的作用" in line
    assert "Against an even split: the evidence does not say" in line
    row = ev.report().set_index("metric").loc["plan_vs_even_lots", "verdict"]
    assert "AUC 区间含 0.5，排序不优于随机：多出的不是按风险找到的" in row


def test_an_even_split_beaten_on_paper_by_a_chance_ranking_is_not_called_beaten():
    # SYNTHETIC metrics as the prober's null city (seed 0) gave them: both ratios above 1, intervals above 1
    m = {"groups": 55.0, "interval_level": 0.9, "auc": 0.472, "auc_lo": 0.38, "auc_hi": 0.56,
         "plan_vs_volume": 0.99, "plan_vs_volume_lo": 0.96, "plan_vs_volume_hi": 1.02,
         "plan_vs_volume_lots": 0.99, "plan_vs_volume_lots_lo": 0.97, "plan_vs_volume_lots_hi": 1.01,
         "plan_vs_even": 1.30, "plan_vs_even_lo": 1.03, "plan_vs_even_hi": 1.64,
         "plan_vs_even_lots": 1.29, "plan_vs_even_lots_lo": 1.11, "plan_vs_even_lots_hi": 1.51}
    line = mt.risk.RiskEvaluation("groups", m).conclusion
    assert "与平均分配相比：不能说明默认方案比平均分配多发现不合格（线性 1.30 倍" in line
    assert "AUC 0.472，90% 区间 0.38–0.56 含 0.5" in line
    # the same ratios beside a ranking better than chance: the plan is said to find more (no caveat)
    signal = mt.risk.RiskEvaluation("groups", {**m, "auc": 0.7, "auc_lo": 0.62, "auc_hi": 0.78}).conclusion
    assert "与平均分配相比" not in signal


def test_a_city_with_risk_signal_still_shows_its_gain_over_an_even_split():
    rates = np.random.default_rng(7).choice([0.005, 0.01, 0.02, 0.06, 0.12], 55)  # SYNTHETIC, stable rates
    ev = _evaluate(_city(3, rates))
    m = ev.metrics
    assert m["auc_lo"] > 0.5 and m["plan_vs_even"] > 1.3 and m["plan_vs_even_lots_lo"] > 1
    assert "与平均分配相比" not in ev.conclusion  # the plan does find more than an even split


# ------------------------------------------------------------------ 2. 证据不足 without 把握
def test_not_shown_is_said_without_a_confidence():
    base = {"groups": 30.0, "auc": 0.7, "auc_lo": 0.62, "auc_hi": 0.78, "interval_level": 0.9,
            "plan_vs_volume": 1.02, "plan_vs_volume_lo": 0.9, "plan_vs_volume_hi": 1.2,
            "plan_vs_volume_lots": 1.01, "plan_vs_volume_lots_lo": 0.92, "plan_vs_volume_lots_hi": 1.1}
    line = mt.risk.RiskEvaluation("groups", base).conclusion  # SYNTHETIC metrics
    assert line.startswith("总体结论：证据不足，不能说明默认方案比按量比例方案发现更多不合格（线性 1.02 倍、边际递减 1.01 倍；")
    assert "把握" not in line and "confidence" not in line
    assert "跨过 1" in line and "span 1" in line  # the reasons stay


# ------------------------------------------------------------------ 3. rows adding up only because none failed
def _warned(rows, by):
    df = pd.DataFrame(rows, columns=["period", "食品大类", "区县", "tested", "failed"])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        sc = mt.risk.score(df, by=by)
    return sc, [str(x.message) for x in w if "equal the sum of the other rows" in str(x.message)]


def test_a_district_adding_up_the_others_with_no_failure_is_not_warned_of():
    # SYNTHETIC: 肉制品 甲区 15 / 0 = 乙区 5 / 0 + 丙县 5 / 0 + 丁县 5 / 0 in 2021Q1
    rows = [("2021Q1", "肉制品", "甲区", 15, 0), ("2021Q1", "肉制品", "乙区", 5, 0), ("2021Q1", "肉制品", "丙县", 5, 0),
            ("2021Q1", "肉制品", "丁县", 5, 0), ("2021Q2", "肉制品", "甲区", 14, 1), ("2021Q2", "肉制品", "乙区", 6, 0),
            ("2021Q2", "肉制品", "丙县", 4, 1), ("2021Q2", "肉制品", "丁县", 7, 0)]
    sc, said = _warned(rows, ["食品大类", "区县"])
    assert said == []
    assert int(sc["tested"].sum()) == 61  # every row scored as a district


def test_a_row_adding_up_the_others_with_failures_is_still_warned_of():
    rows = [("2021Q1", "肉制品", "甲区", 15, 2), ("2021Q1", "肉制品", "乙区", 5, 1), ("2021Q1", "肉制品", "丙县", 5, 1),
            ("2021Q1", "肉制品", "丁县", 5, 0), ("2021Q2", "肉制品", "甲区", 14, 1), ("2021Q2", "肉制品", "乙区", 6, 0),
            ("2021Q2", "肉制品", "丙县", 4, 1), ("2021Q2", "肉制品", "丁县", 7, 0)]
    sc, said = _warned(rows, ["食品大类", "区县"])
    assert len(said) == 1 and "肉制品 / 甲区" in said[0] and "15 / 2" in said[0]
    assert int(sc["tested"].sum()) == 61


# ------------------------------------------------------------------ 4. a scores file saved by Excel / WPS
def _scores_files(tmp_path):
    df = pd.DataFrame([(y, c, n, int(n * r)) for y in ("2022", "2023")
                       for c, n, r in (("蔬菜制品", 31494, 0.032), ("饼干", 18224, 0.02), ("水果制品", 9350, 0.018),
                                       ("饮料", 1200, 0.01))], columns=["period", "食品大类", "tested", "failed"])
    sc = _quiet(mt.risk.score, df, by="食品大类")
    plain = tmp_path / "plain.csv"
    sc.to_csv(plain, index=False, encoding="utf-8-sig")
    excel = sc.astype(object)
    excel["tested"] = [f"{int(v):,}" for v in sc["tested"]]  # 62,988 as Excel / WPS shows it
    for c in ("rate", "risk", "risk_lo", "risk_hi"):
        excel[c] = [f"{100 * v:.6f}%" for v in sc[c]]
    excel.loc[1, "failed"] = f"{int(sc.loc[1, 'failed'])}".translate(  # full-width digits
        str.maketrans("0123456789", "０１２３４５６７８９"))
    saved = tmp_path / "excel_gbk.csv"
    excel.to_csv(saved, index=False, encoding="gbk")
    return plain, saved, excel


def test_allocate_reads_a_scores_file_saved_by_excel(tmp_path, capsys):
    plain, saved, _ = _scores_files(tmp_path)
    assert main(["risk", "allocate", "--scores", str(plain), "--budget", "500", "--no-track",
                 "--out", str(tmp_path / "a.csv")]) == 0
    assert main(["risk", "allocate", "--scores", str(saved), "--budget", "500", "--no-track",
                 "--out", str(tmp_path / "b.csv")]) == 0
    a = pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig")
    b = pd.read_csv(tmp_path / "b.csv", encoding="utf-8-sig")
    assert a["batches"].tolist() == b["batches"].tolist() and int(b["batches"].sum()) == 500


def test_a_scores_cell_still_refused_says_what_is_wrong(tmp_path, capsys):
    _, _, excel = _scores_files(tmp_path)
    excel.loc[0, "risk"] = "3,27%"  # a decimal comma
    excel.loc[1, "tested"] = "约2,000"
    excel.loc[2, "rank"] = "5%"
    bad = tmp_path / "bad.csv"
    excel.to_csv(bad, index=False, encoding="utf-8-sig")
    assert main(["risk", "allocate", "--scores", str(bad), "--budget", "500", "--no-track"]) != 0
    text = capsys.readouterr().err
    assert "3 problems in the input" in text
    assert "'3,27%': a rate: 3.27% or 0.0327; write a decimal point, not a comma (12.5)" in text
    assert "'约2,000': an exact whole number of batches" in text
    assert "'5%': a number, not a percentage" in text
