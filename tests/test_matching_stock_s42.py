"""Sub-items written 其中：… matched to their history, and stock histories under addition targets
(FP5 findings 4 and 2, /tmp/s42 task FB).

* A plan lists a sub-item under its parent as ``其中：企业数量`` / ``其中:个体工商户`` / ``其中 农产品抽检合格率``;
  the bureau's history names the series ``企业数量`` etc. They are the same indicators: matched, the table
  keeping the plan's own name.
* A 〈〉 / 新增 target (the additions after the baseline year) whose history is the year-end stock (a value in
  the baseline year, often the plan's own baseline, never falling, far above the target's yearly pace): the
  additions are the level minus the baseline-year level, not the levels summed as flows (6.53 万户, 544 %).

Indicator names, units and plan figures are a district bureau's (鼎湖区); every yearly value is SYNTHETIC,
written out in the tests.
"""
from __future__ import annotations

import csv
import warnings

import numpy as np
import pytest
from openpyxl import Workbook

import mstarget as mt
from mstarget.matching import name_key

REGION = "鼎湖区"


def _csv(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _xlsx(path, rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(list(r))
    wb.save(path)
    return path


def _assess(history, plan, as_of=2023, n_paths=1000, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mt.assess(history, plan, region=REGION, as_of=as_of, seed=0, n_paths=n_paths, **kw)
    return res, [w for w in caught]


def _messages(caught, category=Warning):
    return [str(w.message) for w in caught if issubclass(w.category, category)]


# --- 其中： sub-items -------------------------------------------------------------------------------

def _sub_item_tables(tmp_path):
    # SYNTHETIC figures: a 市场主体 stock split into 企业 and 个体工商户, a pass rate with its 农产品 part
    plan = _xlsx(tmp_path / "plan.xlsx", [
        ["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
        ["1", "市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"],
        ["", "其中：企业数量", "万户", "〔0.62〕", "〔1.0〕", "预期性"],
        ["(1)", "其中:个体工商户", "万户", "〔1.2〕", "〔2.0〕", "预期性"],
        ["2", "食品抽检合格率", "%", "97.5", "≥98", "约束性"],
        ["", "  其中 农产品抽检合格率", "%", "97.0", "≥98", "约束性"],
    ])
    history = _xlsx(tmp_path / "history.xlsx", [
        ["指标名称", "单位", "2020年", "2021年", "2022年", "2023年"],
        ["市场主体总量", "万户", 1.89, 2.15, 2.40, 2.62],
        ["企业数量", "万户", 0.62, 0.70, 0.78, 0.86],
        ["个体工商户", "万户", 1.2, 1.4, 1.55, 1.7],
        ["食品抽检合格率", "%", 97.5, 97.8, 98.0, 98.2],
        ["农产品抽检合格率", "%", 97.0, 97.3, 97.6, 97.8],
    ])
    return plan, history


def test_sub_items_written_qizhong_match_the_history_and_keep_the_plans_name(tmp_path):
    plan, history = _sub_item_tables(tmp_path)
    res, caught = _assess(history, plan)
    assert not _messages(caught, mt.UnmatchedWarning)
    assert len(res.attrs["unmatched_plan"]) == 0 and len(res.attrs["unmatched_history"]) == 0
    by_name = res.set_index("name")
    # the table (and so the report) shows the plan's own wording of the sub-items
    assert {"其中：企业数量", "其中:个体工商户", "其中 农产品抽检合格率"} <= set(by_name.index)
    assert by_name.loc["其中：企业数量", "last_value"] == pytest.approx(0.86)
    assert by_name.loc["其中:个体工商户", "last_value"] == pytest.approx(1.7)
    assert by_name.loc["其中 农产品抽检合格率", "last_value"] == pytest.approx(97.8)
    assert (res["last_year"] == 2023).all()
    assert not (res["category_zh"] == "数据不足").any()


def test_qizhong_is_kept_when_it_is_the_whole_name_or_opens_a_word():
    assert name_key("其中：企业数量") == name_key("企业数量") == name_key("其中 企业数量") == name_key("其中，企业数量")
    assert name_key("（一）其中：个体工商户") == name_key("个体工商户")
    assert name_key("其中") == "其中"  # the whole name
    assert name_key("其中：") == "其中"  # nothing after it: no name to match by
    assert name_key("其中企业数量") != name_key("企业数量")  # no separator: part of the wording, kept
    assert name_key("尤其中小企业数量") == "尤其中小企业数量"  # inside a word


def test_a_history_row_written_qizhong_matches_the_plans_plain_name(tmp_path):
    # SYNTHETIC: the history copies the plan's sub-item wording, the plan names it plainly
    plan = _csv(tmp_path / "plan.csv", [["指标名称", "单位", "2020年基数", "2025年目标", "属性"],
                                        ["企业数量", "万户", "〔0.62〕", "〔1.0〕", "预期性"]])
    history = _csv(tmp_path / "history.csv", [["指标名称", "单位", "2020年", "2021年", "2022年", "2023年"],
                                              ["其中：企业数量", "万户", "0.62", "0.70", "0.78", "0.86"]])
    res, caught = _assess(history, plan)
    assert not _messages(caught, mt.UnmatchedWarning)
    assert res.loc[0, "last_value"] == pytest.approx(0.86)


# --- stock histories under 〈〉 / 新增 targets ---------------------------------------------------------

PLAN_ROWS = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
             ["1", "市场主体总量", "万户", "1.89", "新增1.2万户", "预期性"],
             ["2", "有效注册商标量", "件", "2100", "〈1500〉", "预期性"]]
# SYNTHETIC year-end stocks: 2020 equal to the plan's baselines, rising slower than the targets' pace
STOCK_ROWS = [["指标名称", "单位", "2020年", "2021年", "2022年", "2023年"],
              ["市场主体总量", "万户", "1.89", "2.05", "2.18", "2.30"],
              ["有效注册商标量", "件", "2100", "2300", "2450", "2600"]]


def test_a_stock_history_under_an_addition_target_counts_the_rise_from_the_base_year(tmp_path):
    plan = _csv(tmp_path / "plan.csv", PLAN_ROWS)
    history = _csv(tmp_path / "history.csv", STOCK_ROWS)
    res, caught = _assess(history, plan)
    t = res.set_index("name")
    subjects, marks = t.loc["市场主体总量"], t.loc["有效注册商标量"]
    # additions to date = 2023 level - 2020 level, not the levels summed (6.53, 544 %)
    assert subjects["sum_so_far"] == pytest.approx(0.41)
    assert subjects["progress_share"] == pytest.approx(0.41 / 1.2)
    assert subjects["remaining"] == pytest.approx(1.2 - 0.41)
    assert subjects["time_share"] == pytest.approx(0.6)
    assert subjects["evaluation"] == "behind" and subjects["category_zh"] == "滞后"
    assert subjects["p_meet"] < 0.3
    assert subjects["forecast"] < 1.2
    assert subjects["stock_base"] == pytest.approx(1.89)
    assert subjects["last_value"] == pytest.approx(0.12)  # the 2023 addition, as a 〈〉 row's last value
    assert marks["sum_so_far"] == pytest.approx(500)
    assert marks["category_zh"] == "滞后" and marks["p_meet"] < 0.3
    said = " ".join(_messages(caught, mt.RunningTotalWarning))
    assert "read as a stock" in said and "鼎湖区/市场主体总量: 2020 1.89 (the plan baseline too)" in said
    assert "measure = flow (口径 当年)" in said and "measure = stock (口径 存量 / 年末数)" in said
    assert "look like running totals" not in said  # the old, wrong reading (2.3 = 192 %) is gone
    assert "read as a stock" in subjects["note"] and "2.3 - 1.89 = 0.41" in subjects["note"]


def test_the_forecast_of_additions_is_the_forecast_level_less_the_base_year_level(tmp_path):
    # the same SYNTHETIC stock assessed against a level target: same seed, same series, same paths
    history = _csv(tmp_path / "history.csv", STOCK_ROWS[:2])
    added, _ = _assess(history, _csv(tmp_path / "plan.csv", PLAN_ROWS[:2]), n_paths=2000)
    level, _ = _assess(history, _csv(tmp_path / "plan_level.csv", [PLAN_ROWS[0], [
        "1", "市场主体总量", "万户", "1.89", "3.09", "预期性"]]), n_paths=2000)
    for c in ("forecast", "lo_80", "hi_80"):
        assert added.loc[0, c] == pytest.approx(level.loc[0, c] - 1.89, abs=1e-9)
    assert added.loc[0, "p_meet"] == pytest.approx(level.loc[0, "p_meet"], abs=0.002)


def test_a_stock_meeting_its_addition_target_is_completed(tmp_path):
    # SYNTHETIC: the stock rises 1.89 -> 3.15 by 2025, additions 1.26 against 新增1.2万户
    history = _csv(tmp_path / "history.csv", [STOCK_ROWS[0] + ["2024年", "2025年"],
                                              ["市场主体总量", "万户", "1.89", "2.15", "2.42", "2.68", "2.91", "3.15"]])
    res, _ = _assess(history, _csv(tmp_path / "plan.csv", PLAN_ROWS[:2]), as_of=2025)
    assert res.loc[0, "sum_so_far"] == pytest.approx(1.26)
    assert res.loc[0, "category_zh"] == "已完成"


def test_a_stock_declared_in_the_measure_column_is_read_so_without_a_guess(tmp_path):
    history = _csv(tmp_path / "history.csv", [r + [m] for r, m in zip(STOCK_ROWS, ["口径", "年末数", "存量"])])
    res, caught = _assess(history, _csv(tmp_path / "plan.csv", PLAN_ROWS))
    t = res.set_index("name")
    assert t.loc["市场主体总量", "sum_so_far"] == pytest.approx(0.41)
    assert t.loc["有效注册商标量", "sum_so_far"] == pytest.approx(500)
    assert not any("read as a stock" in m for m in _messages(caught))  # declared: nothing guessed, no warning
    assert "如为当年新增数" not in t.loc["市场主体总量", "note"]


def test_yearly_additions_declared_so_are_summed_as_before(tmp_path):
    history = _csv(tmp_path / "history.csv", [r + [m] for r, m in zip(STOCK_ROWS, ["口径", "当年", "当年"])])
    res, _ = _assess(history, _csv(tmp_path / "plan.csv", PLAN_ROWS))
    t = res.set_index("name")
    assert t.loc["市场主体总量", "sum_so_far"] == pytest.approx(2.05 + 2.18 + 2.30)
    assert "stock_base" not in res.columns


def test_histories_without_a_base_year_value_keep_their_reading(tmp_path):
    # SYNTHETIC running totals since 2020 (no 2020 value) and yearly flows about the target's pace
    plan = _csv(tmp_path / "plan.csv", PLAN_ROWS)
    totals = _csv(tmp_path / "totals.csv", [["指标名称", "单位", "2021年", "2022年", "2023年", "口径"],
                                            ["市场主体总量", "万户", "0.25", "0.49", "0.74", "累计"],
                                            ["有效注册商标量", "件", "310", "600", "905", "累计"]])
    res, caught = _assess(totals, plan)
    t = res.set_index("name")
    assert t.loc["市场主体总量", "sum_so_far"] == pytest.approx(0.74)
    assert t.loc["有效注册商标量", "sum_so_far"] == pytest.approx(905)
    assert not any("read as a stock" in m for m in _messages(caught))
    flows = _csv(tmp_path / "flows.csv", [["指标名称", "单位", "2020年", "2021年", "2022年", "2023年"],
                                          ["有效注册商标量", "件", "280", "300", "310", "320"]])
    res, caught = _assess(flows, _csv(tmp_path / "plan2.csv", [PLAN_ROWS[0], PLAN_ROWS[2]]))
    assert res.loc[0, "sum_so_far"] == pytest.approx(300 + 310 + 320)  # flows at the pace: summed
    assert not any("read as a stock" in m for m in _messages(caught))


def test_a_declared_stock_without_its_base_year_is_refused_naming_series_and_year(tmp_path):
    history = _csv(tmp_path / "history.csv", [["指标名称", "单位", "2021年", "2022年", "2023年", "口径"],
                                              ["市场主体总量", "万户", "2.05", "2.18", "2.30", "存量"]])
    with pytest.raises(mt.DataValidationError) as err:
        _assess(history, _csv(tmp_path / "plan.csv", PLAN_ROWS[:2]))
    text = str(err.value)
    assert "鼎湖区/市场主体总量" in text and "measure" in text and "no value for 2020" in text
    assert "2020 year-end figure" in text


def test_stock_additions_sum_to_the_level_less_the_base_on_every_path(tmp_path):
    history = _csv(tmp_path / "history.csv", STOCK_ROWS[:2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the stock reading's warning: tested above
        table, details = mt.assess_detailed(history, _csv(tmp_path / "plan.csv", PLAN_ROWS[:2]), region=REGION,
                                            as_of=2023, seed=0, n_paths=300, keep_paths=True)
    sf = details[0].series  # the row's series: the yearly additions, observed and on the paths
    assert list(sf.years) == [2021, 2022, 2023]
    assert np.allclose(sf.values, [0.16, 0.13, 0.12])
    assert np.allclose(details[0].samples, sf.values.sum() + sf.paths[:, :2].sum(axis=1))
    assert table.loc[0, "sum_so_far"] == pytest.approx(0.41)


def test_a_mid_term_table_saying_its_addition_row_is_a_stock_counts_from_its_baseline(tmp_path):
    # SYNTHETIC mid-term plan table, no history: the 2022 完成值 of 新增1.2万户 is the year-end stock (口径 存量)
    plan = _csv(tmp_path / "plan.csv", [
        ["序号", "指标名称", "单位", "2020年基数", "2025年目标", "2022年完成值", "口径", "属性"],
        ["1", "市场主体总量", "万户", "1.89", "新增1.2万户", "2.18", "存量", "预期性"]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mt.assess(None, plan, region=REGION, as_of=2023, seed=0, n_paths=1000)
    assert res.loc[0, "sum_so_far"] == pytest.approx(2.18 - 1.89)
    assert res.loc[0, "category_zh"] == "滞后"
    assert res.loc[0, "stock_base"] == pytest.approx(1.89)
    # the baseline is used (the stock counted from): not said to be the previous period's additions
    assert not any("上一规划期的新增数" in m for m in _messages(caught))


def test_flows_outrunning_the_target_stay_flows_when_the_plan_baseline_is_the_previous_periods_additions(tmp_path):
    """A target so outrun (yearly additions of 0.80-0.95 万户 against a pace of 0.24) is no stock when the plan's
    baseline is the previous period's additions (〈3.2〉, not the 2020 figure): summed as flows, 提前实现 -- read as a
    stock it would have been 0.15, 滞后. Ten times the pace with no such baseline is read as a stock."""
    # SYNTHETIC yearly additions, 2020 included, never falling
    flows = _csv(tmp_path / "flows.csv", [STOCK_ROWS[0], ["市场主体总量", "万户", "0.80", "0.85", "0.90", "0.95"]])
    plan = _csv(tmp_path / "plan.csv", [PLAN_ROWS[0], ["1", "市场主体总量", "万户", "〈3.2〉", "新增1.2万户", "预期性"]])
    res, caught = _assess(flows, plan)
    assert res.loc[0, "sum_so_far"] == pytest.approx(0.85 + 0.90 + 0.95)
    assert res.loc[0, "category_zh"] in ("提前实现", "已完成") and "stock_base" not in res.columns
    assert not any("read as a stock" in m for m in _messages(caught))
    # SYNTHETIC: a stock of 18.9 万户 (79 times the pace) under a plan with no baseline: read as a stock all the same
    stock = _csv(tmp_path / "stock.csv", [STOCK_ROWS[0], ["市场主体总量", "万户", "18.90", "19.25", "19.60", "19.95"]])
    bare = _csv(tmp_path / "bare.csv", [PLAN_ROWS[0], ["1", "市场主体总量", "万户", "", "新增1.2万户", "预期性"]])
    res, caught = _assess(stock, bare)
    assert res.loc[0, "sum_so_far"] == pytest.approx(1.05)
    assert any("read as a stock" in m for m in _messages(caught))


def test_a_few_whole_things_a_year_are_never_guessed_a_stock(tmp_path):
    """3, 3, 4, 5 项 against 〈5〉 (plan baseline 3, the 2020 figure): as likely a few standards each year as a stock
    of them; no guess -- summed as flows with the running-total warning, as before (a stock would have said 2, 40 %)."""
    # SYNTHETIC yearly counts
    plan = _csv(tmp_path / "plan.csv", [PLAN_ROWS[0], ["1", "主导或参与制修订标准数", "项", "3", "〈5〉", "预期性"]])
    counts = _csv(tmp_path / "counts.csv", [STOCK_ROWS[0], ["主导或参与制修订标准数", "项", "3", "3", "4", "5"]])
    res, caught = _assess(counts, plan)
    assert res.loc[0, "sum_so_far"] == pytest.approx(3 + 4 + 5)
    assert not any("read as a stock" in m for m in _messages(caught))
    declared = _csv(tmp_path / "declared.csv", [STOCK_ROWS[0] + ["口径"],
                                                ["主导或参与制修订标准数", "项", "3", "3", "4", "5", "存量"]])
    res, _ = _assess(declared, plan)  # said to be a stock: read so
    assert res.loc[0, "sum_so_far"] == pytest.approx(2)


def test_a_sub_item_is_not_matched_to_a_series_of_another_scope(tmp_path):
    """其中：高新技术企业数 (those among the 规模以上工业企业 above it, 60 in 2020) is not the history's 高新技术企业数 of all
    firms (150 in 2020): left unmatched, saying why, not judged 367 % 提前实现 on the wider count. Within a factor of
    1.5 (62 against 60) the sub-item is matched as before."""
    # SYNTHETIC figures
    plan = _csv(tmp_path / "plan.csv", [PLAN_ROWS[0], ["1", "规模以上工业企业数", "家", "300", "400", "预期性"],
                                        ["2", "其中：高新技术企业数", "家", "60", "120", "预期性"]])
    wide = _csv(tmp_path / "wide.csv", [STOCK_ROWS[0], ["规模以上工业企业数", "家", "300", "320", "335", "350"],
                                        ["高新技术企业数", "家", "150", "190", "230", "280"]])
    res, caught = _assess(wide, plan)
    row = res.set_index("name").loc["其中：高新技术企业数"]
    assert row["category_zh"] != "提前实现" and row["last_year"] != 2023
    said = " ".join(_messages(caught, mt.UnmatchedWarning))
    assert "the sub-item's baseline 60 against the series' 2020 value 150: another scope" in said
    own = _csv(tmp_path / "own.csv", [STOCK_ROWS[0], ["规模以上工业企业数", "家", "300", "320", "335", "350"],
                                      ["高新技术企业数", "家", "62", "70", "78", "86"]])
    res, _ = _assess(own, plan)
    assert res.set_index("name").loc["其中：高新技术企业数", "last_value"] == pytest.approx(86)
