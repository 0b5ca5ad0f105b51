"""Fixes of session 40 found by the coordinator and the probers.

1. A 零发生 target missed by an incident before its target year (2 起 in 2022 of a 2021-2025 period) is decided:
   its p_meet is exactly 0 and the report says so -- ``0%`` in the table and 实现概率为0（已无法实现） in the text,
   not ``<1%`` / 不足1%, which a reader takes for a forecast that could still come good. Assessing such a plan
   printed ``RuntimeWarning: divide by zero`` (the plan's magnitude check divided by a target of 0).

Data: SYNTHETIC (made up here), labelled where used.
"""
from __future__ import annotations

import re
import warnings

import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError
from mstarget.report import write_report

#: SYNTHETIC district plan and history: 2 incidents in 2022 against 零发生 for 2021-2025
PLAN_ZERO = """region,indicator,name,unit,baseline_year,baseline,target_year,target,attribute
甲区,major_food_incidents,重大食品安全事故,起,2020,0,2025,零发生,约束性
甲区,food_pass_rate,食品抽检合格率,%,2020,97.3,2025,≥98,约束性
"""
HISTORY_ZERO = """region,indicator,year,value
甲区,major_food_incidents,2020,0
甲区,major_food_incidents,2021,0
甲区,major_food_incidents,2022,2
甲区,major_food_incidents,2023,0
甲区,food_pass_rate,2020,97.3
甲区,food_pass_rate,2021,97.5
甲区,food_pass_rate,2022,97.6
甲区,food_pass_rate,2023,97.8
"""


def _zero_inputs(tmp_path):
    plan, hist = tmp_path / "plan.csv", tmp_path / "history.csv"
    plan.write_text(PLAN_ZERO, encoding="utf-8")
    hist.write_text(HISTORY_ZERO, encoding="utf-8")
    return hist, plan


def test_zero_incident_target_missed_mid_term_is_decided_in_the_report(tmp_path):
    hist, plan = _zero_inputs(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no numpy warning leaks out of assess
        table, details = mt.assess_detailed(hist, plan, as_of=2023, seed=0)
    row = table.set_index("indicator").loc["major_food_incidents"]
    assert row["p_meet"] == 0.0 and bool(row["missed_already"])
    out = tmp_path / "评估报告.html"
    write_report(table, details, [out])
    text = re.sub(r"<[^>]+>", " ", out.read_text(encoding="utf-8"))
    # decided, said once without brackets nested in brackets (session 43: 实现概率为0（已无法实现）， inside （…）)
    assert "重大食品安全事故（已无法实现，" in text and "（已无法实现）" not in text
    assert "不足1%" not in text
    # the table's 实现概率 cell of that row: 0%, beside the other row's forecast probability
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", out.read_text(encoding="utf-8"))
    assert "0%" in cells and "<1%" not in cells and "&lt;1%" not in cells


def test_api_region_among_several_is_said_not_to_filter(tmp_path):
    """``mt.assess(region="甲区")`` on a table of 甲区 and 乙区 assessed both without a word (the CLI's ``--region``
    says it does not filter); a user reading the result as 甲区's would count 乙区's rows too."""
    hist, plan = _zero_inputs(tmp_path)
    both_plan = PLAN_ZERO + "乙区,food_pass_rate,食品抽检合格率,%,2020,96.9,2025,≥98,约束性\n"
    both_hist = HISTORY_ZERO + "".join(f"乙区,food_pass_rate,{y},{v}\n"
                                       for y, v in [(2020, 96.9), (2021, 97.0), (2022, 97.2), (2023, 97.3)])
    plan.write_text(both_plan, encoding="utf-8")
    hist.write_text(both_hist, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = mt.assess(hist, plan, as_of=2023, region="甲区", seed=0)
    assert set(table["region"]) == {"甲区", "乙区"}
    said = [str(w.message) for w in caught if "region='甲区' was not used" in str(w.message)]
    assert said and "it does not filter" in said[0] and "2 regions" in said[0]
    # one region, the one named: nothing to say
    plan.write_text(PLAN_ZERO, encoding="utf-8")
    hist.write_text(HISTORY_ZERO, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.assess(hist, plan, as_of=2023, region="甲区", seed=0)
    assert not [w for w in caught if "was not used" in str(w.message)]


#: SYNTHETIC 十五五 table with a 2027 and a 2030 target column; 稳定在95% on a baseline of 95 has no direction
PLAN_YEARLY = """示例市市场监管“十五五”规划主要指标（合成数据）
序号,指标名称,单位,2025年基数,2027年目标,2030年目标,属性
1,药品抽检合格率,%,99.3,保持在99%以上,保持在99%以上,约束性
2,“明厨亮灶”覆盖率,%,95,稳定在95%,稳定在95%,预期性
"""
#: SYNTHETIC 目标分解表: each district's baseline and target side by side
PLAN_BY_REGION = """市场监管“十四五”规划主要指标分解表（合成数据）
序号,指标名称,单位,甲区2020年基期值,甲区2025年目标值,乙区2020年基期值,乙区2025年目标值,丙区2020年基期值,丙区2025年目标值
1,食品抽检合格率,%,97.1,≥98,96.8,≥98,97.5,≥98
2,重大食品安全事故,起,0,零发生,0,零发生,0,零发生
"""


def test_a_cell_of_a_plan_by_year_or_region_is_named_by_its_own_column(tmp_path):
    """A plan with 2027年目标 | 2030年目标 columns refused a cell twice over as column '2027年目标 … 2030年目标'; a
    province's 目标分解表 named a 20-city span ('广州市2020年基期值 … 全省2020年基期值', 1,034 characters) in the
    baseline-disagreement warning: each message names the cell's own column."""
    plan = tmp_path / "plan.csv"
    plan.write_text(PLAN_YEARLY, encoding="utf-8")
    with pytest.raises(DataValidationError) as e:
        mt.read_plan(plan, region="示例市")
    text = str(e.value)
    assert "column '2027年目标': '稳定在95%'" in text and "column '2030年目标': '稳定在95%'" in text
    assert "…" not in text
    by_region = tmp_path / "分解表.csv"
    by_region.write_text(PLAN_BY_REGION, encoding="utf-8")
    hist = tmp_path / "history.csv"  # 乙区's 2020 figure disagrees with its plan baseline 96.8
    hist.write_text("region,name,year,value,unit\n" + "".join(
        f"{r},食品抽检合格率,{y},{v},%\n" for r, vals in (("甲区", (97.1, 97.3, 97.6)), ("乙区", (96.2, 96.9, 97.2)),
                                                       ("丙区", (97.5, 97.7, 97.8)))
        for y, v in zip((2020, 2021, 2022), vals)), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.assess(hist, mt.read_plan(by_region), as_of=2022, seed=0)
    said = [str(w.message) for w in caught if "96.8" in str(w.message) and "96.2" in str(w.message)]
    assert said and "column '乙区2020年基期值'" in said[0] and "…" not in said[0].split("/")[0]


def test_a_history_frame_with_blank_preliminary_cells_is_assessed_without_a_pandas_warning():
    """A history DataFrame whose ``preliminary`` column marks one 快报 figure and leaves the others blank (None) made
    ``mt.assess`` print pandas' ``FutureWarning: Downcasting object dtype arrays on .fillna``. SYNTHETIC figures."""
    import pandas as pd
    h = pd.DataFrame({"region": ["鼎湖区"] * 6, "indicator": ["标准"] * 6, "year": range(2020, 2026),
                      "value": [0.5, 2.0, 3.0, 4.0, 5.0, 6.0], "unit": ["项"] * 6,
                      "preliminary": [None, None, None, None, None, True]})
    plan = pd.DataFrame({"region": ["鼎湖区"], "indicator": ["标准"], "baseline_year": [2020], "baseline": [0.5],
                         "target_year": [2025], "target": [5.0], "unit": ["项"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        table = mt.assess(h, plan, as_of=2025, seed=0)
    assert table["evaluation"].iloc[0] == "completed"


def test_a_zero_batch_row_does_not_move_a_groups_last_period():
    """A group written ``0`` 批 in its last period was not sampled then: its ``last_period`` and the market the plan
    sizes from it (batches per period over its span) are those of the table without the row -- it had shrunk the
    group's plan from 23 to 16 batches in an out-of-time evaluation. SYNTHETIC counts."""
    import pandas as pd
    rows = []
    for year, counts in ((2021, (40, 30, 31)), (2022, (45, 31, 30)), (2023, (44, 0, 33)), (2024, (41, 29, 30))):
        for place, n in zip(("甲市", "乙市", "丙市"), counts):
            rows.append({"年度": year, "产品类别": "化肥", "地市": place, "抽查批次": n, "不合格批次": (n // 15)})
    table = pd.DataFrame(rows)
    without = table[~((table["年度"] == 2023) & (table["地市"] == "乙市"))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = mt.risk.score(table, by=["产品类别", "地市"], as_of="2023")
        b = mt.risk.score(without, by=["产品类别", "地市"], as_of="2023")
        ea = mt.risk.evaluate(table, by=["产品类别", "地市"], train_until="2023", test_period="2024", seed=0)
        eb = mt.risk.evaluate(without, by=["产品类别", "地市"], train_until="2023", test_period="2024", seed=0)
    assert a.set_index("地市").loc["乙市", "last_period"] == "2022" == b.set_index("地市").loc["乙市", "last_period"]
    assert ea.table["batches_plan"].tolist() == eb.table["batches_plan"].tolist()


def test_a_learned_calibration_is_not_said_unused_for_count_rows(tmp_path):
    """A bureau's plan nearly always has count rows (事故 起, 标准 项) that no table calibrates (``event_rate`` /
    ``small_count``): a learned ``calibration=`` on short series with such rows warned "changed 3 of 5 series ...
    learn(panel, model='ensemble')" -- advice that cannot apply. Silent there; still said for 8+ point series.
    SYNTHETIC series; the table is learned here from a SYNTHETIC panel."""
    import numpy as np
    import pandas as pd

    def series(region, ind, unit, vals, y0=2020):
        return pd.DataFrame({"region": region, "indicator": ind, "year": range(y0, y0 + len(vals)),
                             "value": vals, "unit": unit})

    rng = np.random.default_rng(0)
    panel = pd.concat([series(f"R{k}", f"I{j}", "件", list(np.round(60 + 2.0 * np.arange(10) + rng.normal(0, 1, 10)
                                                                   + 3 * k + j, 1)), 2011)
                       for k in range(8) for j in range(5)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = mt.calibration.learn(panel, seed=0)
    short = pd.concat([series("鼎湖区", "明厨亮灶覆盖率", "%", [81, 84, 86, 88, 90]),
                       series("鼎湖区", "特种设备事故", "起", [0, 1, 0, 2, 0]),
                       series("鼎湖区", "地方标准", "项", [0, 1, 1, 2])])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.forecast(short, horizon=2, seed=0, calibration=cal)
    assert not [w for w in caught if "calibration=" in str(w.message)]
    # not a steady trend (a steady one of 8-12 points is pooled_drift's too, session 46): the ensemble's
    long_ = series("鼎湖区", "企业年报率", "%", [84.05, 86, 85.2, 88, 91, 90.4, 93, 94, 93.6, 95.5], 2011)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.forecast(pd.concat([short, long_]), horizon=2, seed=0, calibration=cal)
    said = [str(w.message) for w in caught if "calibration=" in str(w.message)]
    assert said and "1 used the shipped factors (ensemble 1" in said[0] and "model='ensemble'" in said[0]


def test_the_matchers_total_hints_read_in_chinese_in_a_chinese_report():
    """The hedged did-you-mean of a region at the level of the plan's total (湖南省 beside 全省) and the refusal of a
    total of another level (全省 beside a district plan's 全市) were printed in English in a Chinese report."""
    from mstarget.report.model import _suggestion_zh
    said = [_suggestion_zh(t) for t in (
        "the history has a region 湖南省 at the level of the plan's total 全省 -- if it is this plan's total, name it "
        "全省 (是否应为 全省？regions are not matched by guess)",
        "the history's 全省 is a total of another level than 全市: not used as its figure (历史数据的全省不是本规划的全市)",
        "the plan has no region 广东省 (plan regions: 广州市, 深圳市, 全省); a region at the level of the plan's total 全省 "
        "-- if it is this plan's total, name it 全省 (是否应为 全省？regions are not matched by guess); not used as a "
        "peer of the plan's regions",
        "the plan has no region 全省 (plan regions: 端州区, 鼎湖区, 全市); a total of another level than the plan's 全市 "
        "(不是本规划的全市合计): not used as 全市, nor as a peer -- name it 全市 only if it adds up this plan's regions")]
    assert said[0] == "历史数据中有与规划合计同级的地区湖南省：如为本规划的全省，请将其命名为全省（地区不按猜测匹配）"
    assert said[1] == "历史数据的全省为另一层级的合计，不是本规划的全市，未作为其数值"
    assert said[2].startswith("规划中没有地区广东省（规划地区：广州市, 深圳市, 全省）；与规划合计全省同级")
    assert said[3].endswith("为另一层级的合计，不是本规划的全市合计：不作为全市，也不用作参照")
    assert not any(re.search(r"[A-Za-z]{3,}", s) for s in said)


def test_a_zip_code_column_is_no_date_left_out_of_the_record_features():
    """The default record features left out the shipped Chicago inspections' ``Zip`` (60609 ...) as "a date: it says
    when, not what" -- a 5-digit code read as a spreadsheet day number -- and the model lost it. A bare number is a
    date only in a column whose header says so (生产日期 20240305). SYNTHETIC records."""
    import pandas as pd
    from mstarget.risk.records import _not_default_features
    n = 60
    df = pd.DataFrame({"Zip": [str(60601 + k % 30) for k in range(n)],
                       "生产日期": [f"202403{1 + k % 28:02d}" for k in range(n)],
                       "抽样日期": [f"2024-03-{1 + k % 28:02d}" for k in range(n)],
                       "分类": ["糕点" if k % 2 else "饮料" for k in range(n)]})
    out = _not_default_features(df, ["Zip", "生产日期", "抽样日期", "分类"], [])
    assert "Zip" not in out and "分类" not in out
    assert out["生产日期"].startswith("a date") and out["抽样日期"].startswith("a date")
    # a record id (Inspection_ID) is left out too: a value seen once says nothing of another record
    df["Inspection_ID"] = [1_000_003 + 7 * k for k in range(n)]
    df["检测值"] = [0.1 * k + 0.05 for k in range(n)]
    out = _not_default_features(df, ["Zip", "Inspection_ID", "检测值"], [])
    assert out["Inspection_ID"].startswith("an identifier") and "检测值" not in out and "Zip" not in out


def test_a_backtest_of_one_attainment_call_gives_no_base_rate_brier():
    """``mstarget backtest --plan`` on the shipped national tables scores one attainment call: the constant fitted to
    it has Brier 0 by construction, so every model looked worse than "the base rate" (brier_base 0). Below 10 calls
    brier_base and ece are left blank; brier itself is kept. Real data: data/china."""
    import math
    from pathlib import Path
    data = Path(__file__).resolve().parent.parent / "data" / "china"
    res = mt.backtest(data / "national_history.csv", model="drift", horizon=2,
                      plan=data / "national_targets.csv", seed=0)
    row = res.summary.set_index("model").loc["drift"]
    assert row["n_calls"] < 10 and math.isnan(row["brier_base"]) and math.isnan(row["ece"])
    assert math.isfinite(row["brier"])


def test_a_backtest_whose_calls_all_met_gives_no_base_rate_brier():
    """R4: 42 calls, every target met: the constant fitted to them (1.0) scored Brier 0, so the model looked worse than
    a "base rate" that knew the answers. brier_base is left blank then; brier and ece stay. SYNTHETIC series."""
    import math

    import pandas as pd
    history = pd.DataFrame([{"region": f"R{k}", "indicator": "合格率", "year": y, "value": 80 + k * 0.1 + (y - 2010)}
                            for k in range(14) for y in range(2010, 2021)])
    plan = pd.DataFrame([{"region": f"R{k}", "indicator": "合格率", "baseline_year": 2015, "baseline": 85.0,
                          "target_year": 2020, "target": 70.0, "direction": ">=", "unit": "%"} for k in range(14)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.backtest(history, model="drift", horizon=3, plan=plan, seed=0)
    row = res.summary.set_index("model").loc["drift"]
    assert row["n_calls"] >= 10 and math.isnan(row["brier_base"]) and math.isfinite(row["ece"])


def test_a_records_ranking_reliably_below_chance_is_said_backwards():
    """R4: AUC 0.30 on 3,000 failures was "与随机差不多 / about as good as chance" -- a ranking that reliably runs
    backwards (an outcome coded the wrong way round) is no chance. SYNTHETIC metrics."""
    from types import SimpleNamespace
    from mstarget.risk.evaluate import _record_conclusion
    said = _record_conclusion(SimpleNamespace(metrics=dict(auc=0.30, n=200000, failures=3000, brier=0.03,
                                                           brier_base=0.02), leaks={}))
    assert "明显低于随机" in said and "backwards" in said and "差不多" not in said
    said = _record_conclusion(SimpleNamespace(metrics=dict(auc=0.51, n=200000, failures=3000, brier=0.02,
                                                           brier_base=0.02), leaks={}))
    assert "与随机差不多" in said
