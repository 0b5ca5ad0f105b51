"""Bureau tables in traditional characters read as the simplified ones (a page shown with a site's
繁體 button and copied into Excel; the 中山 seed document came that way).

The tables are the real Dinghu plan rows with SYNTHETIC mid-term values (tests/bureau_files.py),
written once in simplified and once in traditional characters (OpenCC ``s2t``, generated here).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.chinese_script import to_simplified
from mstarget.matching import name_key, region_key

from bureau_files import PLAN_ROWS, UNMATCHED_NAME, write_history_xlsx, write_plan_xlsx

SAME = ["baseline_year", "baseline", "target_year", "target", "direction", "kind", "attribute", "unit",
        "lower", "upper"]


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    d = tmp_path_factory.mktemp("script")
    return {script: (write_plan_xlsx(d / f"plan_{script}.xlsx", traditional=script == "trad"),
                     write_history_xlsx(d / f"hist_{script}.xlsx", traditional=script == "trad"))
            for script in ("simp", "trad")}


def test_words_are_read_in_either_script():
    assert to_simplified("2020年基數") == "2020年基数"
    assert to_simplified("不低於") == "不低于" and to_simplified("萬戶") == "万户"
    assert to_simplified("region") == "region" and to_simplified("") == ""
    assert name_key("“明廚亮灶”覆蓋率（%）") == name_key("明厨亮灶覆盖率")
    assert region_key("鼎湖區") == region_key("鼎湖区") and region_key("鼎湖") != region_key("鼎湖区")
    assert region_key("乾縣") == region_key("乾县")  # one key whichever script (OpenCC's phrases differ)
    assert to_simplified("註：資料來源") == "注：资料来源"


def test_traditional_plan_table_reads_as_the_simplified_one(tables):
    simp = mt.read_plan(tables["simp"][0], region="鼎湖区")
    trad = mt.read_plan(tables["trad"][0], region="鼎湖區")
    assert len(trad) == len(PLAN_ROWS)
    # 2020年基數 / 2025年目標 headers, 〔〕 / 〈〉 / ≥ cells, 約束性 / 預期性, 萬戶: all read, and alike
    pd.testing.assert_frame_equal(trad[SAME].reset_index(drop=True), simp[SAME].reset_index(drop=True))
    assert (trad["attribute"] == "binding").sum() == 2
    assert trad["unit"].iloc[0] == "万户"  # units are stored simplified, so magnitudes compare
    # names and the region keep the user's writing; the 註 row is a note, the title is kept
    assert trad["name"].iloc[0] == "期末市場主體總量" and set(trad["region"]) == {"鼎湖區"}
    assert trad.attrs["notes"] and "累計數" in trad.attrs["notes"][0]
    assert "規劃" in trad.attrs["title"]


def test_traditional_history_gives_the_same_assessment(tables):
    """A traditional history against the simplified plan: every row matched, the 累計 series read
    as running totals, and the same numbers as the all-simplified tables (same seed)."""
    plan, hist = tables["simp"]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        want = mt.assess(hist, plan, as_of=2023, region="鼎湖区", seed=3)
        history = mt.read_history(tables["trad"][1], region="鼎湖區")
        got = mt.assess(history, mt.read_plan(plan, region="鼎湖区"), as_of=2023, seed=3)
    assert (got["region"] == "鼎湖区").all()  # the history's 鼎湖區 taken as the plan writes it
    cols = ["indicator", "last_year", "last_value", "sum_so_far", "p_meet", "status", "category"]
    pd.testing.assert_frame_equal(got[cols], want[cols])
    pledge = got.set_index("name").loc["知识产权质押登记融资金额"]
    assert pledge["sum_so_far"] == pytest.approx(3.1)  # 累計 -> running totals -> flows
    unmatched = [w.message for w in seen if isinstance(w.message, mt.UnmatchedWarning)]
    assert len(unmatched) == 2  # only the series the plan does not have, once per call
    assert all(len(w.plan_rows) == 0 and len(w.history_series) == 1 for w in unmatched)
    assert to_simplified(unmatched[1].history_series["indicator"].iloc[0]) == UNMATCHED_NAME


def test_a_name_valid_in_simplified_is_not_rewritten():
    """OpenCC turns 乾 into 干, but 乾县 (Shaanxi) is written with 乾 in simplified too: the
    region is kept as written, and a history writing 乾縣 still matches it."""
    plan = pd.DataFrame({"region": ["乾县"], "indicator": ["ent"], "name": ["市场主体总量"], "unit": ["万户"],
                         "baseline_year": [2020], "baseline": [3.0], "target_year": [2025],
                         "target": ["≥4"]})
    hist = pd.DataFrame({"地區": "乾縣", "指標名稱": "市場主體總量", "單位": "萬戶",
                         "年份": [2020, 2021, 2022], "數值": [3.0, 3.2, 3.4]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", mt.UnmatchedWarning)
        res = mt.assess(hist, plan, as_of=2022, seed=0)
    assert res["region"].tolist() == ["乾县"] and res["last_value"].iloc[0] == pytest.approx(3.4)


def test_two_spellings_of_one_region_with_the_same_indicator_stay_apart():
    """鼎湖區 and 鼎湖区 both giving one indicator: not merged into one series by guess, reported."""
    plan = pd.DataFrame({"region": ["鼎湖区"], "indicator": ["ent"], "name": ["市场主体总量"],
                         "baseline_year": [2020], "baseline": [1.89], "target_year": [2025], "target": ["≥3"]})
    hist = pd.DataFrame({"region": ["鼎湖区", "鼎湖区", "鼎湖區", "鼎湖區"], "indicator": "ent",
                         "year": [2021, 2022, 2021, 2022], "value": [2.1, 2.4, 2.2, 2.5]})
    with pytest.warns(mt.UnmatchedWarning, match="鼎湖區"):
        res = mt.assess(hist, plan, as_of=2022, seed=0)
    assert res["last_value"].iloc[0] == pytest.approx(2.4)  # the plan's own spelling is used
    assert np.isfinite(res["p_meet"].iloc[0])
