"""A region written once over its indicators, where some regions have a single indicator (session 54).

Such a table crosses regions with indicators: fewer than half the regions are followed by a blank cell, so the rule
"at least half the values followed by a blank" (:func:`mstarget.validation.written_once`) refused the blank as a
cell left out. The indicator of the blank row comes under other regions too, and read as the region above it the row
is no second row of a series: the blank is that region's (warned). A column with no such evidence stays refused.
Figures: the shipped provincial panels (yearbook figures, ``data/china/provincial_panels.csv``)."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from bureau_files import read_plan_text
from mstarget.exceptions import DataValidationError

PANELS = Path(__file__).resolve().parents[1] / "data" / "china" / "provincial_panels.csv"
YEARS = [2019, 2020, 2021, 2022]
SPENDING = "local_budget_expenditure_agri_forestry_water"  # 地方一般公共预算支出_农林水, 亿元
SHARE = "afw_share_of_budget_expenditure"  # its share of the budget, %


@pytest.fixture(scope="module")
def panels() -> pd.DataFrame:
    d = pd.read_csv(PANELS)
    return d[d["indicator"].isin([SPENDING, SHARE]) & d["year"].isin(YEARS)]


def _row(panels, region, indicator, shown_region=None):
    g = panels[(panels["region"] == region) & (panels["indicator"] == indicator)].set_index("year")
    return [region if shown_region is None else shown_region, g["name"].iloc[0], g["unit"].iloc[0]] + [
        f"{g.loc[y, 'value']:g}" for y in YEARS]


def _write(tmp_path, rows) -> Path:
    path = tmp_path / "by_region.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["地区", "指标名称", "单位"] + [f"{y}年" for y in YEARS])
        w.writerows(rows)
    return path


def test_a_region_written_once_over_two_indicators_beside_regions_of_one(tmp_path, panels):
    # 吉林 over its share and its spending; 广东 and 西藏 give the spending only: 1 region of 3 followed by a blank
    path = _write(tmp_path, [_row(panels, "吉林", SHARE), _row(panels, "吉林", SPENDING, shown_region=""),
                             _row(panels, "广东", SPENDING), _row(panels, "西藏", SPENDING)])
    with pytest.warns(mt.MstargetWarning, match=r"“地区”列的每个值只写在其第一行，第 3 行"):
        h = mt.read_history(path)
    spent = h[(h["region"] == "吉林") & (h["unit"] == "亿元")].sort_values("year")
    truth = panels[(panels["region"] == "吉林") & (panels["indicator"] == SPENDING)].sort_values("year")
    assert spent["year"].tolist() == YEARS
    np.testing.assert_allclose(spent["value"].to_numpy(), truth["value"].to_numpy(), rtol=1e-5)
    assert sorted(h["region"].unique()) == ["吉林", "广东", "西藏"]
    assert (h["region"] != "").all()


#: a city's 目标分解表 saved as CSV: 端州区 over two rows, the other districts one row each
DECOMPOSED = ("地区,指标名称,单位,2020年,2025年,属性\n"
              "端州区,期末市场主体总量,万户,〔3.1〕,〔4.2〕,预期性\n"
              ",药品抽检合格率,%,98,≥99,预期性\n"
              "鼎湖区,期末市场主体总量,万户,〔1.89〕,〔3.12〕,预期性\n"
              "四会市,药品抽检合格率,%,97,≥98,预期性\n")
#: 鼎湖区 merged over 明厨亮灶, 医疗器械 and 商标: 医疗器械 comes under 高要区 too, 商标 under no other district -- the
#: blanks under 鼎湖区 are one merged cell, read down together
THREE_ROWS = ("地区,指标名称,单位,2020年,2025年,属性\n"
              "端州区,“明厨亮灶”覆盖率,%,81,≥90,约束性\n"
              "鼎湖区,“明厨亮灶”覆盖率,%,81,≥90,约束性\n"
              ",医疗器械抽检批次数,批次,8,≥9,预期性\n"
              ",商标有效注册量,万件,1.2,2,预期性\n"
              "高要区,医疗器械抽检批次数,批次,8,≥9,预期性\n")


@pytest.mark.parametrize("text, rows, regions, blank_row_target", [
    (DECOMPOSED, "3", ["端州区", "端州区", "鼎湖区", "四会市"], 99),
    (THREE_ROWS, "4, 5", ["端州区", "鼎湖区", "鼎湖区", "鼎湖区", "高要区"], 9),
])
def test_a_plan_of_several_regions_written_once_some_with_one_row(tmp_path, text, rows, regions, blank_row_target):
    plan, said = read_plan_text(tmp_path, text, region=None)
    assert any(f"“地区”列的每个值只写在其第一行，第 {rows} 行" in m for m in said)
    assert plan["region"].tolist() == regions
    assert plan.loc[2 if text is THREE_ROWS else 1, "target"] == blank_row_target


def test_a_blank_region_whose_indicator_no_other_region_gives_stays_refused(tmp_path, panels):
    # the share comes under no other region: nothing says the blank row is 吉林's rather than a region left out
    path = _write(tmp_path, [_row(panels, "吉林", SPENDING), _row(panels, "广东", SHARE, shown_region=""),
                             _row(panels, "西藏", SPENDING), _row(panels, "浙江", SPENDING)])
    with pytest.raises(DataValidationError, match=r"row 3, column '地区'"):
        mt.read_history(path)


def test_a_blank_region_that_would_repeat_the_series_above_stays_refused(tmp_path, panels):
    # read as 吉林, the row would be 吉林's spending a second time: a region left out, not written once
    path = _write(tmp_path, [_row(panels, "吉林", SPENDING), _row(panels, "广东", SPENDING, shown_region=""),
                             _row(panels, "西藏", SPENDING), _row(panels, "西藏", SHARE)])
    with pytest.raises(DataValidationError, match=r"row 3, column '地区'"):
        mt.read_history(path)


def test_a_region_written_on_every_row_with_one_left_out_stays_refused(tmp_path, panels):
    # 吉林 and 广东 written on both their rows, 西藏's first cell left out: the column repeats its values
    path = _write(tmp_path, [_row(panels, "吉林", SPENDING), _row(panels, "吉林", SHARE),
                             _row(panels, "广东", SPENDING), _row(panels, "广东", SHARE),
                             _row(panels, "西藏", SPENDING, shown_region=""), _row(panels, "浙江", SHARE)])
    with pytest.raises(DataValidationError, match=r"row 6, column '地区'"):
        mt.read_history(path)


def test_a_reference_panels_national_total_is_no_peer_of_its_provinces():
    """reference= the yearbook panel, 全国 beside the provinces (real figures): the national total adds the provinces
    up and lends no peer to them, as a history's own 合计 does not -- the assessment is the one without it."""
    d = pd.read_csv(PANELS)
    d = d[(d["indicator"] == "chemical_fertilizer_use") & d["year"].between(2016, 2021)]
    assert "全国" in set(d["region"])
    base = d[(d["region"] == "广东") & (d["year"] == 2020)]["value"].iloc[0]
    plan = mt.read_plan(pd.DataFrame({"region": ["广东省"], "indicator": "chemical_fertilizer_use", "name": "化肥使用量",
                                      "unit": "万吨", "baseline_year": 2020, "baseline": base,
                                      "target_year": 2025, "target": "≤200"}))
    own = d[d["region"] == "广东"]
    cols = ["forecast", "lo_80", "hi_80", "p_meet"]
    with_total = mt.assess(own, plan, as_of=2021, reference=d, seed=0)[cols]
    without = mt.assess(own, plan, as_of=2021, reference=d[d["region"] != "全国"], seed=0)[cols]
    pd.testing.assert_frame_equal(with_total, without)
    assert with_total["lo_80"].iloc[0] < with_total["forecast"].iloc[0] < with_total["hi_80"].iloc[0]


def test_two_regions_each_over_an_indicator_no_written_row_gives(tmp_path, panels):
    # 吉林 and 西藏 each written once over the spending and its share; 广东, 浙江, 上海 the spending only: the share
    # comes only in blank rows, under two regions -- the table still crosses regions with indicators
    path = _write(tmp_path, [_row(panels, "吉林", SPENDING), _row(panels, "吉林", SHARE, shown_region=""),
                             _row(panels, "广东", SPENDING), _row(panels, "浙江", SPENDING),
                             _row(panels, "上海", SPENDING),
                             _row(panels, "西藏", SPENDING), _row(panels, "西藏", SHARE, shown_region="")])
    with pytest.warns(mt.MstargetWarning, match=r"第 3, 8 行"):
        h = mt.read_history(path)
    share = h[h["unit"] == "%"]
    assert sorted(share["region"].unique()) == ["吉林", "西藏"] and len(share) == 2 * len(YEARS)
