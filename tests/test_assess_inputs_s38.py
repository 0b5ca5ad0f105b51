"""Inputs whose figures are not what their notation says, found by the session-38 prober
(/tmp/s38/p1/flow0_14.py, flow0.py, flowstock.py): never a silent wrong answer.

* a 〈〉 history holding the plan's 〈0〉 base in its base year (0, then ~20 亿元 a year) fitted as a yearly flow
  made the trend leap from 0 (p_meet 0.63 for 0.35): left out, warned, said on the row;
* "yearly additions" against a 〔〕 stock that are the stock figures (12.83, 14.22, 15.76 ... against 〔12.83〕)
  were summed silently (60.47 against 〔17.81〕): not summed, warned, said on the row; a genuine conversion is
  said on the row, and its warning counts the series it does not name;
* a year missing inside a stock / level series got no note (a 〈〉 series' gap does).

Indicator names, units and plan figures are the Dinghu district's (data/dinghu_14th_fyp_plan.csv); every
yearly value here is SYNTHETIC.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt

DINGHU = Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv"
PLEDGE = "ip_pledge_financing"  # 〈0〉 2020 -> 〈5〉 亿元 added 2021-2025
STANDARDS = "enterprise_standards"  # 〔38〕 (2020) -> 〔117〕 (2025) 项


def _plan(indicator, regions=("鼎湖区",)):
    plan = pd.read_csv(DINGHU)
    row = plan[plan["indicator"] == indicator]
    return pd.concat([row.assign(region=r) for r in regions], ignore_index=True)


def _history(indicator, years, values, measure=None, regions=("鼎湖区",)):
    parts = []
    for r in regions:  # SYNTHETIC
        h = pd.DataFrame({"region": r, "indicator": indicator, "year": years, "value": values})
        if measure is not None:
            h["measure"] = measure
        parts.append(h)
    return pd.concat(parts, ignore_index=True)


def _assess(history, plan, as_of=None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mt.assess(history, plan, as_of=as_of, seed=0, n_paths=500)
    return res, [str(w.message) for w in caught if issubclass(w.category, mt.InconsistentDataWarning)]


# -- 1. a 〈〉 history's base-year 0: the plan's 〈0〉, not a year's flow ------------------------------------
def test_base_year_zero_of_a_sum_is_left_out_of_the_trend_with_a_warning_and_a_note():
    years, flows = [2021, 2022, 2023], [0.9, 1.0, 1.2]
    with_zero, said = _assess(_history(PLEDGE, [2020] + years, [0.0] + flows), _plan(PLEDGE), as_of=2023)
    without, _ = _assess(_history(PLEDGE, years, flows), _plan(PLEDGE), as_of=2023)
    a, b = with_zero.iloc[0], without.iloc[0]
    assert a["p_meet"] == b["p_meet"] and a["forecast"] == b["forecast"]  # the 0 does not lift the trend
    assert a["sum_so_far"] == b["sum_so_far"] == pytest.approx(3.1)
    assert any("疑为规划基期〈0〉" in w and "2020 0" in w for w in said)
    assert "疑为规划基期〈0〉而非当年新增" in a["note"]


def test_a_zero_among_reported_flows_or_a_run_of_zeros_is_kept():
    # a year of no additions inside the period is a flow: kept, not said
    res, said = _assess(_history(PLEDGE, [2020, 2021, 2022, 2023], [0.8, 0.9, 0.0, 1.2]), _plan(PLEDGE), as_of=2023)
    assert res.iloc[0]["sum_so_far"] == pytest.approx(2.1)
    assert not any("疑为规划基期" in w for w in said) and "疑为规划基期" not in res.iloc[0]["note"]
    res, said = _assess(_history(PLEDGE, [2019, 2020, 2021, 2022], [0.0, 0.0, 0.9, 1.0]), _plan(PLEDGE), as_of=2022)
    assert not any("疑为规划基期" in w for w in said)
    # an incident count summed under a cap (〈≤6〉 较大事故 over five years): a year of 0 is its own figure
    cap = pd.DataFrame({"region": ["鼎湖区"], "indicator": ["accidents"], "name": ["较大事故起数"], "unit": ["起"],
                        "baseline_year": [2020], "baseline": [0], "target_year": [2025], "target": [6],
                        "direction": ["<="], "kind": ["increment"]})
    res, said = _assess(_history("accidents", [2020, 2021, 2022, 2023], [0.0, 1.0, 2.0, 1.0]), cap, as_of=2023)
    assert not any("疑为规划基期" in w for w in said) and "疑为规划基期" not in res.iloc[0]["note"]


# -- 2. "additions" that are the stock figures ---------------------------------------------------------
def test_additions_as_large_as_the_baseline_stock_are_not_summed():
    h = _history(STANDARDS, [2020, 2021, 2022, 2023], [38, 41, 45, 50], measure="flow")
    res, said = _assess(h, _plan(STANDARDS), as_of=2023)
    r = res.iloc[0]
    assert r["last_value"] == 50  # not 38 + 41 + 45 + 50 = 174 against 〔117〕
    assert r["status"] != "met"
    assert "疑为期末存量" in r["note"] and "未累加" in r["note"]
    assert any("疑为期末存量" in w and "鼎湖区/enterprise_standards" in w for w in said)


def test_genuine_additions_are_summed_and_the_row_says_so_and_the_warning_counts_the_rest():
    regions = tuple(f"区{i:02d}" for i in range(12))
    h = _history(STANDARDS, [2021, 2022, 2023], [14, 17, 15], measure="flow", regions=regions)
    res, said = _assess(h, _plan(STANDARDS, regions), as_of=2023)
    assert (res["last_value"] == 38 + 14 + 17 + 15).all()
    assert res["note"].str.contains("新增数已换算为期末存量：2020年基期值38加各年新增").all()
    conv = [w for w in said if w.startswith("新增数已换算为期末存量")]
    assert len(conv) == 1 and "(and 2 more)" in conv[0]


# -- 3. a year missing inside a stock / level series ----------------------------------------------------
def test_a_gap_inside_a_stock_series_is_said_on_the_row_in_a_final_evaluation():
    h = _history(STANDARDS, [2020, 2021, 2022, 2024, 2025], [38, 50, 66, 95, 112])
    res, _ = _assess(h, _plan(STANDARDS))
    note = res.iloc[0]["note"]
    assert "2023年数据缺失" in note and "2023 not reported" in note
    complete, _ = _assess(_history(STANDARDS, [2020, 2021, 2022, 2023, 2024, 2025], [38, 50, 66, 80, 95, 112]),
                          _plan(STANDARDS))
    assert "数据缺失" not in complete.iloc[0]["note"]
    assert np.isfinite(res.iloc[0]["p_meet"])


# -- 4. MLflow: per-region aggregates, and what the terminal says when per-target metrics are capped --------
def _two_regions(tmp_path):
    regions = ("甲区", "乙区")
    plan = _plan(STANDARDS, regions)
    h = _history(STANDARDS, [2020, 2021, 2022, 2023], [38, 52, 69, 84], regions=regions)
    plan.to_csv(tmp_path / "plan.csv", index=False)
    h.to_csv(tmp_path / "history.csv", index=False)
    return tmp_path / "plan.csv", tmp_path / "history.csv"


def test_tracked_run_of_several_regions_logs_per_region_aggregates(tmp_path):
    from mlflow.tracking import MlflowClient
    from mstarget.tracking import TrackingSettings
    plan, history = _two_regions(tmp_path)
    uri = f"sqlite:///{tmp_path / 'r.db'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = mt.assess(history, plan, as_of=2023, track=True,
                          tracking_settings=TrackingSettings(tracking_uri=uri, experiment="regions"))
    client = MlflowClient(tracking_uri=uri)
    run = client.search_runs([client.get_experiment_by_name("regions").experiment_id])[0]
    m = run.data.metrics
    assert m["n_rows.甲区"] == m["n_rows.乙区"] == 1
    assert m["mean_p_meet.甲区"] == pytest.approx(float(table.loc[table["region"] == "甲区", "p_meet"].iloc[0]))
    words = {k.split(".")[0] for k in m if k.startswith("n_") and k.endswith(".甲区") and not k.startswith("n_rows")}
    assert words and all(m[f"{w}.甲区"] + 0 >= 0 for w in words)
    assert sum(m[f"{w}.甲区"] for w in words) == 1  # the row's one outlook word
    assert run.data.tags["mstarget.per_region_regions"] == "2"


def test_cli_says_how_many_per_target_metrics_were_logged_and_where_the_table_is(tmp_path, capsys, monkeypatch):
    from mstarget.cli.main import main
    from mstarget.tracking import records
    plan, history = _two_regions(tmp_path)
    monkeypatch.setattr(records, "MAX_TARGET_METRICS", 1)  # 2 rows against a cap of 1, as 216 against 200
    code = main(["assess", "--plan", str(plan), "--history", str(history), "--as-of", "2023",
                 "--tracking-uri", f"sqlite:///{tmp_path / 'c.db'}", "--experiment", "cli"])
    out = capsys.readouterr().out
    assert code == 0
    assert "per-target metrics (p_meet.*, forecast.*) logged for the first 1 of 2 rows" in out
    assert "assessment.csv" in out and "逐项指标仅记录前1项，共2项" in out
    assert records.per_target_line(pd.DataFrame({"region": ["甲区"]})) is None  # within the cap: nothing said


# -- 5. the shipped national data say what their figures are ----------------------------------------------
def test_national_unqualified_rate_is_named_as_such_and_history_indicators_have_names():
    data = Path(__file__).resolve().parents[1] / "data" / "china"
    plan = mt.read_plan(data / "national_targets.csv")
    row = plan[plan["indicator"] == "food_sampling_unqualified_rate"].iloc[0]
    assert row["name"] == "食品抽检不合格率" and row["target"] == 2 and row["direction"] == "<="
    assert not plan["name"].str.contains("合格率\\(≥98").any()
    hist = mt.read_history(data / "national_history.csv")
    assert hist["name"].notna().all() and (hist["name"].str.len() > 0).all()
    assert set(hist.loc[hist["indicator"] == "food_sampling_unqualified_rate", "name"]) == {"食品抽检不合格率"}


# -- 6. small stocks with real yearly additions (/tmp/s38/p7/stock.py) and a real 0 before a 〈1.6〉 base ------
def _district_plan(rows):
    cols = ("indicator", "unit", "baseline_year", "baseline", "target_year", "target", "kind")
    plan = pd.DataFrame([dict(zip(cols, r)) for r in rows])
    return plan.assign(region="鼎湖区", name=plan["indicator"], direction=">=", attribute="预期性")


def test_real_additions_of_a_small_stock_are_summed_not_read_as_the_stock():
    # 地方标准 〔2〕 -> 〔12〕, 省级标准化试点 〔1〕 -> 〔6〕: 2, 2, 3, 2, 3 and 1, 1, 2, 1, 1 new a year (SYNTHETIC)
    plan = _district_plan([("地方标准", "项", 2020, 2, 2025, 12, "cumulative"),
                           ("省级标准化试点", "个", 2020, 1, 2025, 6, "cumulative")])
    h = pd.concat([_history("地方标准", list(range(2021, 2026)), [2, 2, 3, 2, 3], measure="flow"),
                   _history("省级标准化试点", list(range(2021, 2026)), [1, 1, 2, 1, 1], measure="flow")])
    res, said = _assess(h, plan)
    assert res["last_value"].tolist() == [14, 7]  # 2 + 12, 1 + 6: each target met, not 3 / 1 read as the stock
    assert res["status"].tolist() == ["met", "met"] and (res["category_zh"] == "已完成").all()
    assert not res["note"].str.contains("疑为期末存量").any()
    assert not any("疑为期末存量" in w for w in said)
    assert res["note"].str.contains("新增数已换算为期末存量").all()


def test_stock_like_additions_needs_evidence_real_additions_cannot_give():
    from mstarget.counting import stock_like_additions
    # the stock figures typed as additions: far ahead of the plan's pace, rising like a stock
    assert stock_like_additions([14.22, 15.76, 17.66], 12.83, target=17.81, elapsed=0.6)
    assert stock_like_additions([41, 45, 50], 38, 38, target=117, elapsed=0.6)
    # a small stock's real additions on the plan's pace; small whole counts; a fall no stock makes
    assert not stock_like_additions([2, 2, 3, 2, 3], 2, target=12, elapsed=1.0)
    assert not stock_like_additions([8, 9, 8, 10], 7)  # whole counts <= 10, with no target at all
    assert not stock_like_additions([41, 45, 50], 38, 38, target=170, elapsed=0.6)  # 136 of a pace of 79
    assert not stock_like_additions([50, 30, 45], 38)


def test_a_real_zero_before_a_nonzero_plan_base_is_a_flow_of_its_own():
    # a 十五五 〈〉 row from 〈1.6〉 in 2025; the history's 2020 0 is that year's own figure (SYNTHETIC, basezero.py)
    plan = _district_plan([("质押融资", "亿元", 2025, 1.6, 2030, 10.0, "increment")])
    years, values = list(range(2020, 2027)), [0, 0.4, 0.7, 1.0, 1.3, 1.6, 1.9]
    res, said = _assess(_history("质押融资", years, values), plan, as_of=2026)
    without, _ = _assess(_history("质押融资", years[1:], values[1:]), plan, as_of=2026)
    assert "疑为规划基期〈0〉" not in res.iloc[0]["note"] and not any("疑为规划基期〈0〉" in w for w in said)
    assert res.iloc[0]["forecast"] != without.iloc[0]["forecast"]  # the 0 is fitted as a flow, not left out
    # the same 0 in the base year of a row from 〈0〉 (or a blank base) is still the plan's 〈0〉
    for base in (0.0, np.nan):
        zero = _district_plan([("质押融资", "亿元", 2020, base, 2025, 10.0, "increment")])
        res, said = _assess(_history("质押融资", years[:4], values[:4]), zero, as_of=2023)
        assert "疑为规划基期〈0〉" in res.iloc[0]["note"] and any("2020 0" in w for w in said)
    # a 0 before the 〈0〉 base year is no copy of it
    late = _district_plan([("质押融资", "亿元", 2021, 0.0, 2025, 10.0, "increment")])
    res, said = _assess(_history("质押融资", years[:4], values[:4]), late, as_of=2023)
    assert "疑为规划基期〈0〉" not in res.iloc[0]["note"]
