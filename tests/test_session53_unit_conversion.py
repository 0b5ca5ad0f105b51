"""A history in another magnitude of the plan's unit (户 against 万户, 万元 against 亿元, ‰ against %) is
converted to the plan's unit and said -- a warning naming the unit cell, and the row's note. (A rate per
another population, 批次/万人 against 千人食品检验量, is not matched at all: the name and the unit disagree.) Before session 53 it
was refused ("convert the history to 万户"), which a bureau's 户 export against a plan in 万户 always met.

The plans are the real Dinghu and national ones; the histories are SYNTHETIC (the Dinghu mid-term values of
tests/bureau_files.py) or real (the national 食品抽检不合格率 2020-2022, data/china/national_history.csv).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import InconsistentDataWarning

COLS = ["region", "indicator", "last_year", "last_value", "forecast", "lo_80", "hi_80", "p_meet", "status"]


def _assess(hist, plan, **kw):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        res = mt.assess(hist, plan, seed=0, **kw)
    return res, [w.message for w in seen if isinstance(w.message, InconsistentDataWarning)]


def _write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("指标名称,单位,口径,2020年,2021年,2022年,2023年\n" + "".join(
        ",".join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("unit, scale", [("户", 1e4), ("万户", 1.0)])
def test_a_history_in_hu_is_the_plans_wanhu(tmp_path, data_dir, unit, scale):
    plan = data_dir / "dinghu_14th_fyp_plan.csv"
    money = "万元" if unit == "户" else "亿元"
    rows = [("期末市场主体总量", unit, "", *(round(v * scale, 4) for v in (1.89, 2.15, 2.42, 2.70))),
            ("知识产权质押登记融资金额", money, "累计", "", *(round(v * scale, 4) for v in (1.2, 2.5, 3.1)))]
    got, said = _assess(mt.read_history(_write(tmp_path, "h.csv", rows), region="鼎湖区"), plan, as_of=2023)
    mine = ["market_entities_total", "ip_pledge_financing"]
    got = got[got["indicator"].isin(mine)].reset_index(drop=True)
    assert (got["last_year"] == 2023).all() and np.allclose(got["last_value"], [2.70, 0.6])  # 〈5〉: 2023 flow
    if unit == "万户":  # the plan's own units: nothing converted, nothing said
        assert not any("换算" in str(w) for w in said)
        return
    (warned,) = [w for w in said if "已按规划单位换算" in str(w)]
    assert "鼎湖区/期末市场主体总量: 户 -> 万户 (x1/10000)" in str(warned)
    assert "鼎湖区/知识产权质押登记融资金额: 万元 -> 亿元 (x1/10000)" in str(warned)
    assert [(p.row, p.column, p.value) for p in warned.problems] == [(2, "单位", "户"), (3, "单位", "万元")]
    assert got["note"].str.contains("历史数据由户换算为万户").tolist() == [True, False]
    assert got["note"].str.contains("历史数据由万元换算为亿元").tolist() == [False, True]
    same, _ = _assess(mt.read_history(_write(tmp_path, "h2.csv", [
        ("期末市场主体总量", "万户", "", 1.89, 2.15, 2.42, 2.70), ("知识产权质押登记融资金额", "亿元", "累计", "", 1.2, 2.5, 3.1)]),
        region="鼎湖区"), plan, as_of=2023)
    same = same[same["indicator"].isin(mine)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got[COLS], same[COLS])


def test_a_rate_in_per_mille_against_a_plan_in_percent(data_dir):
    """The real national 食品抽检不合格率 (2.31 / 2.69 / 2.86 %) written in ‰ (23.1 ...) against the plan's ≤2 %."""
    hist = mt.read_history(data_dir / "china" / "national_history.csv")
    as_pct, _ = _assess(hist, data_dir / "china" / "national_targets.csv", as_of=2022)
    rate = hist["indicator"] == "food_sampling_unqualified_rate"
    per_mille = hist.assign(value=hist["value"].where(~rate, hist["value"] * 10),
                            unit=hist["unit"].where(~rate, "‰"))
    got, said = _assess(per_mille, data_dir / "china" / "national_targets.csv", as_of=2022)
    assert any("食品抽检不合格率: ‰ -> % (x1/10)" in str(w) for w in said)
    key = got["indicator"] == "food_sampling_unqualified_rate"
    assert got.loc[key, "last_value"].iloc[0] == pytest.approx(2.86)
    for col in ("forecast", "p_meet"):
        assert got.loc[key, col].iloc[0] == pytest.approx(as_pct.loc[key, col].iloc[0])


def test_a_series_stitched_from_two_units(tmp_path, data_dir):
    """A long table stitched from two years' exports: 2020-2021 in 户, 2022-2023 in 万户 (SYNTHETIC mid-term
    values). Each row is put in the series' first unit, said naming the rows, then the series in the plan's 万户:
    the same assessment as the table written in 万户 throughout. Refused before session 53."""
    path = tmp_path / "h.csv"
    path.write_text("地区,指标名称,年份,数值,单位\n鼎湖区,期末市场主体总量,2020,18900,户\n鼎湖区,期末市场主体总量,2021,21500,户\n"
                    "鼎湖区,期末市场主体总量,2022,2.42,万户\n鼎湖区,期末市场主体总量,2023,2.70,万户\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        hist = mt.read_history(path)
    said = [str(w.message) for w in seen if isinstance(w.message, InconsistentDataWarning)]
    assert any("row 4: 万户 -> 户 (x10000); row 5: 万户 -> 户 (x10000)" in s for s in said), said
    assert hist["value"].tolist() == [18900, 21500, 24200, 27000] and set(hist["unit"]) == {"户"}
    plan = data_dir / "dinghu_14th_fyp_plan.csv"
    got, _ = _assess(hist, plan, as_of=2023)
    path.write_text("地区,指标名称,年份,数值,单位\n" + "".join(f"鼎湖区,期末市场主体总量,{y},{v},万户\n" for y, v in
                    zip(range(2020, 2024), (1.89, 2.15, 2.42, 2.70))), encoding="utf-8")
    want, _ = _assess(mt.read_history(path), plan, as_of=2023)
    key = got["indicator"] == "market_entities_total"
    pd.testing.assert_frame_equal(got.loc[key, COLS], want.loc[key, COLS])


def test_a_target_not_set_yet_converts_as_the_units_say():
    """A draft's 待定 row (no baseline, no target figure) against a history in 户: converted by the units alone,
    without a numpy 'All-NaN slice' RuntimeWarning on the way (SYNTHETIC figures)."""
    plan = mt.read_plan(pd.DataFrame({"region": ["鼎湖区"], "indicator": ["ent"], "name": ["期末市场主体总量"],
                                      "unit": ["万户"], "target_year": [2025], "target": ["待定"], "direction": [">="]}))
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "ent", "name": "期末市场主体总量", "year": [2021, 2022, 2023],
                         "value": [21500, 24200, 27000], "unit": "户"})
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        res = mt.assess(hist, plan, as_of=2023, seed=0)
    assert res["last_value"].tolist() == [2.7]
    assert not [w for w in seen if issubclass(w.category, RuntimeWarning)]
