"""Session 39 (fixer F12): a note saying a figure's status or source (（快报）, （预计）, （全口径）, （市场监管局）, a bare
（含）, the plan's own level （区级）) does not keep a history series from its plan row; a note narrowing the scope
still does. Plans are the REAL ones shipped (data/dinghu_14th_fyp_plan.csv, data/china/national_targets.csv); every
history below is SYNTHETIC (values 1..5, names = the plan's name + a note), for matching only.
"""
import warnings
from pathlib import Path

import pandas as pd
import pytest

import mstarget as mt
from mstarget.matching import match

DATA = Path(__file__).resolve().parents[1] / "data"
PLANS = {"dinghu": DATA / "dinghu_14th_fyp_plan.csv", "national": DATA / "china" / "national_targets.csv"}


def _real_plan(which):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.read_plan(PLANS[which])


def _synthetic_history(plan, note, prefix=""):
    """SYNTHETIC: one series per plan row, named as the plan names it plus ``note``, under ids of its own."""
    rows = [dict(region=r, indicator=f"h{k}", year=y, value=v, unit=u, name=prefix + n + note)
            for k, (r, n, u) in enumerate(zip(plan["region"], plan["name"], plan["unit"]))
            for y, v in zip(range(2020, 2025), (1, 2, 3, 4, 5))]
    return mt.read_history(pd.DataFrame(rows))


def _match(plan, history):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return match(plan, history)


STATUS_OR_SOURCE = ["（全口径）", "（预计）", "（快报）", "（初步统计）", "（估算）", "（市场监管局）", "（区市场监管局）", "（含）",
                    "（2025年预计）", "（初步）", "（估计）", "（测算）", "（年报）", "（正式）", "（核实）", "（修订）",
                    "（统计口径）", "（数据来源：统计局）", "（统计部门）"]


@pytest.mark.parametrize("which", ["dinghu", "national"])
@pytest.mark.parametrize("note", STATUS_OR_SOURCE)
def test_a_status_or_source_note_does_not_keep_a_series_from_its_row(which, note):
    """r4 prober: each of these notes matched all 14 Dinghu / 5 national rows at 3ac62d2 and none after the scope fix."""
    plan = _real_plan(which)
    m = _match(plan, _synthetic_history(plan, note))
    assert len(m.pairs) == len(plan), m.message()
    assert m.unmatched_history.empty and m.unmatched_plan.empty


def test_the_plans_own_level_in_a_note_is_read_past_another_level_is_not():
    plan = _real_plan("dinghu")  # 鼎湖区: a 区
    assert len(_match(plan, _synthetic_history(plan, "（区级）")).pairs) == len(plan)
    m = _match(plan, _synthetic_history(plan, "（市级）"))
    assert not m.pairs
    said = m.unmatched_history.set_index("indicator").loc["h12", "suggestion"]  # 药品抽检合格率（市级）
    assert "（市级）" in said and "未匹配" in said


@pytest.mark.parametrize("note", ["（省抽）", "（国家）", "（不含农产品）", "（含个体工商户）", "（评价性抽检）"])
def test_a_scope_note_still_keeps_the_series_apart_on_a_real_plan(note):
    plan = _real_plan("dinghu")
    m = _match(plan, _synthetic_history(plan, note))
    assert (plan.region.iloc[0], "drug_sampling_pass_rate") not in m.pairs


@pytest.mark.parametrize("note", ["（快报）", "（预计）", "（2025年预计）", "（全口径）", "（区级）", "（含）"])
def test_an_id_match_is_kept_when_the_history_adds_a_status_note(note):
    """r4 e2e_id: its id drug_sampling_pass_rate is the plan's 药品抽检合格率 ..., but the history names it
    药品抽检合格率（快报）: different indicators -- the series was thrown away."""
    plan = _real_plan("dinghu")
    hist = mt.read_history(pd.DataFrame([dict(region="鼎湖区", indicator="drug_sampling_pass_rate", year=y, value=v,
                                              unit="%", name="药品抽检合格率" + note)  # SYNTHETIC values
                                         for y, v in zip(range(2021, 2025), (98.6, 98.8, 99.0, 99.1))]))
    m = _match(plan, hist)
    assert m.pairs.get(("鼎湖区", "drug_sampling_pass_rate")) == "drug_sampling_pass_rate"
    assert "名称不一致" not in " ".join(m.unmatched_plan["suggestion"])


def test_an_id_whose_names_differ_by_a_harmless_word_is_kept_and_said():
    plan = _real_plan("dinghu")
    hist = mt.read_history(pd.DataFrame([dict(region="鼎湖区", indicator="drug_sampling_pass_rate", year=y, value=v,
                                              unit="%", name="药品抽检总体合格率")  # SYNTHETIC
                                         for y, v in zip(range(2021, 2025), (98.6, 98.8, 99.0, 99.1))]))
    m = _match(plan, hist)
    assert ("鼎湖区", "drug_sampling_pass_rate") in m.pairs
    assert m.near[("鼎湖区", "drug_sampling_pass_rate")] == "药品抽检总体合格率"  # the assessment's note names it


@pytest.mark.parametrize("note", ["（省抽）", "（评价性抽检）", "（市级）"])
def test_an_id_whose_history_name_narrows_the_scope_is_still_refused(note):
    plan = _real_plan("dinghu")
    hist = mt.read_history(pd.DataFrame([dict(region="鼎湖区", indicator="drug_sampling_pass_rate", year=y, value=v,
                                              unit="%", name="药品抽检合格率" + note)  # SYNTHETIC
                                         for y, v in zip(range(2021, 2025), (98.6, 98.8, 99.0, 99.1))]))
    m = _match(plan, hist)
    assert ("鼎湖区", "drug_sampling_pass_rate") not in m.pairs
    said = m.unmatched_plan.set_index("indicator").loc["drug_sampling_pass_rate", "suggestion"]
    assert "名称不一致，未匹配" in said


@pytest.mark.parametrize("plan_name, series_name", [("食品安全监督抽检合格率", "食品抽检合格率"),
                                                    ("食品抽检合格率", "食品安全监督抽检合格率"),
                                                    ("食品抽检合格率", "食品监督抽检合格率")])
def test_food_safety_supervision_sampling_is_food_sampling(plan_name, series_name):
    """r4: 食品安全监督抽检合格率 against 食品抽检合格率 was unmatched with no hint (the same SAMR programme)."""
    plan = mt.read_plan(pd.DataFrame([dict(region="示例区", indicator="food", name=plan_name, unit="%",  # SYNTHETIC
                                           baseline_year=2020, baseline="98", target_year=2025, target="≥98.5")]))
    hist = mt.read_history(pd.DataFrame([dict(region="示例区", indicator="h1", year=y, value=v, unit="%",
                                              name=series_name) for y, v in zip(range(2021, 2025), (97.9, 98.1, 98.2, 98.4))]))
    m = _match(plan, hist)
    assert m.near == {("示例区", "food"): series_name}


def test_food_evaluation_sampling_stays_apart_from_supervision_sampling():
    plan = mt.read_plan(pd.DataFrame([dict(region="示例区", indicator="food", name="食品安全监督抽检合格率", unit="%",
                                           baseline_year=2020, baseline="98", target_year=2025, target="≥98.5")]))
    hist = mt.read_history(pd.DataFrame([dict(region="示例区", indicator="h1", year=y, value=v, unit="%",
                                              name="食品评价性抽检合格率") for y, v in zip(range(2021, 2025), (97.9, 98.1, 98.2, 98.4))]))
    m = _match(plan, hist)
    assert not m.pairs and "did you mean" not in m.unmatched_history["suggestion"].iloc[0]
