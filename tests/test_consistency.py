"""Consistency checks across rows and tables (issue 14): mstarget.consistency through the API.

Plans are the real Dinghu / national tables; histories are the shipped national figures or
SYNTHETIC Dinghu mid-term values (tests/bureau_files.py), each test changing one thing.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.consistency import conversion, is_count, sheet_of, unit_scale
from mstarget.exceptions import InconsistentDataWarning

from bureau_files import write_history_xlsx, write_plan_xlsx


@pytest.fixture
def dinghu_plan(data_dir):
    return pd.read_csv(data_dir / "dinghu_14th_fyp_plan.csv", dtype=str)


def _history(rows):
    """Long Dinghu history: (indicator, year, value, unit)."""
    return pd.DataFrame([{"region": "鼎湖区", "indicator": i, "year": y, "value": v, "unit": u}
                         for i, y, v, u in rows])


def _caught(call):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = call()
    return result, [w.message for w in seen if issubclass(w.category, InconsistentDataWarning)]


def test_units_of_one_kind_at_two_magnitudes():  # issue 14
    assert unit_scale("万元") == (1e4, "元") and unit_scale("亿元") == (1e8, "元")
    assert unit_scale("件/万人口") == (1e-4, "件/人") and unit_scale("批次/年") == (1.0, "批次")
    assert unit_scale("‰") == (0.1, "%") and unit_scale("") is None
    assert conversion("万元", "亿元") == "1 亿元 = 10,000 万元"
    assert conversion("件/万人", "件/千人") == "1 件/千人 = 10 件/万人"
    assert conversion("批次", "批次/千人") == "" and conversion("%", "％") == ""
    assert is_count("批次/年") and is_count("户/千人") and not is_count("亿元")
    assert not is_count("户", "市场主体净增户数")  # a net change may be negative


def test_conflicting_plan_rows_refused_naming_both(dinghu_plan):  # issue 14
    extra = dinghu_plan[dinghu_plan["indicator"] == "licensed_pharmacists_per_10k"].assign(target="≥5.0")
    plan = pd.concat([dinghu_plan, extra], ignore_index=True)
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(plan)
    (problem,) = err.value.problems
    # a plan DataFrame's rows are named by index label (H5): the repeat is plan.loc[14], the first plan.loc[13]
    assert (problem.row, problem.column, problem.value) == (14, "target", "≥5.0")
    assert "row 13 already gives ≥4.6" in problem.expected


def test_exact_duplicate_plan_row_kept_once_with_a_warning(dinghu_plan):  # issue 14
    plan = pd.concat([dinghu_plan.iloc[:3], dinghu_plan.iloc[2:]], ignore_index=True)
    out, seen = _caught(lambda: mt.read_plan(plan))
    assert len(out) == len(dinghu_plan) and out["indicator"].is_unique
    (w,) = seen
    assert "row 3: 重复的规划行，与第 2 行完全相同" in str(w) and w.problems[0].row == 3  # index labels (H5)
    # the rows after the dropped one still name their own rows (the DataFrame's index labels)
    assert list(sheet_of(out).rows[:5]) == [0, 1, 2, 4, 5]


def test_history_mixing_units_in_one_series_converted_or_refused():  # issue 14; converted since session 53
    hist = _history([("cosmetics_sampling_batches", 2020, 9, "批次"), ("cosmetics_sampling_batches", 2021, 9, "批次"),
                     ("cosmetics_sampling_batches", 2022, 0.001, "万批次")])
    out, seen = _caught(lambda: mt.read_history(hist))
    assert out["value"].tolist() == [9, 9, 10] and set(out["unit"]) == {"批次"}
    (said,) = seen
    assert "row 2: 万批次 -> 批次 (x10000)" in str(said) and said.problems[0].value == "万批次"
    # a figure already in the series' magnitude under the other label (10 labelled 万批次): the label is wrong
    hist = _history([("cosmetics_sampling_batches", 2020, 9, "批次"), ("cosmetics_sampling_batches", 2021, 9, "批次"),
                     ("cosmetics_sampling_batches", 2022, 10, "万批次")])
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(hist)
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "unit", "万批次")
    assert "1 万批次 = 10,000 批次" in problem.expected and "in 批次 in row 0 and 1 more" in problem.expected


def test_percent_share_jumping_100_times_warned_not_refused():  # issue 14
    # ratios 0-1 that are the series' own percentages (0.98, 0.986 among 99.1, 99.2) are refused since
    # session 38 (tests/test_fraction_s38.py); a jump the other years do not explain is warned of
    hist = _history([("e_license_use_rate", 2020, 0.5, "%"), ("e_license_use_rate", 2021, 30, "%"),
                     ("e_license_use_rate", 2022, 60, "%"), ("e_license_use_rate", 2023, 90, "%")])
    out, seen = _caught(lambda: mt.read_history(hist))
    assert out["value"].tolist() == [0.5, 30, 60, 90]  # used as written
    (w,) = seen
    assert [p.row for p in w.problems] == [0, 1] and "0.5 means 50 %" in str(w)
    # a share growing from under 1 % to 25 % over years is no jump
    steady = _history([("nev_share", y, v, "%") for y, v in zip(range(2014, 2023), (0.3, 1.3, 1.8, 2.7, 4.5, 4.7,
                                                                                    5.4, 13.4, 25.6))])
    assert _caught(lambda: mt.read_history(steady))[1] == []


def test_future_year_and_negative_count_warned_by_the_reader():  # issue 14
    hist = _history([("cosmetics_sampling_batches", 2021, 9, "批次"), ("cosmetics_sampling_batches", 2099, 10, "批次"),
                     ("medical_device_sampling_batches", 2021, -8, "批次")])
    _, seen = _caught(lambda: mt.read_history(hist))
    texts = " | ".join(map(str, seen))
    assert "row 1 (鼎湖区/cosmetics_sampling_batches 2099)" in texts
    assert "row 2, column 'value': '-8'" in texts
    hist.loc[1, "year"] = 2999  # no year of a plan's history: refused, not warned
    with pytest.raises(mt.DataValidationError, match="row 1, column 'year': '2999': an integer year"):
        mt.read_history(hist)


def test_baseline_contradiction_warned_with_both_rows_and_which_is_used(dinghu_plan):  # issue 14
    hist = _history([("open_kitchen_coverage", 2020, 50.0, "%"), ("open_kitchen_coverage", 2021, 84.0, "%"),
                     ("open_kitchen_coverage", 2022, 86.0, "%")])
    plan = dinghu_plan[dinghu_plan["indicator"] == "open_kitchen_coverage"]
    res, seen = _caught(lambda: mt.assess(hist, plan, as_of=2022, model="naive"))
    (w,) = seen
    assert "规划基期值 81 与历史数据 2020 年值 50 不一致" in str(w)
    assert "the forecast uses the history's 50, progress is measured from the plan's 81" in str(w)
    # each row by its DataFrame's index label: the plan's dinghu_plan.loc[10] (H5), the history's hist.loc[0]
    assert [(p.row, p.value) for p in w.problems] == [(10, "81"), (0, "50")]
    assert res["baseline"].iloc[0] == 81  # progress from the plan's baseline, as said
    # within rounding (81 written for 80.6): nothing to say
    hist.loc[0, "value"] = 80.6
    assert _caught(lambda: mt.assess(hist, plan, as_of=2022, model="naive"))[1] == []


def test_history_1000_times_the_plan_refused(dinghu_plan):  # issue 14
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "market_entities_total", "year": [2020, 2021, 2022],
                         "value": [18900, 21500, 24200]})
    with pytest.raises(mt.DataValidationError) as err:
        mt.assess(hist, dinghu_plan, as_of=2022, model="naive")
    (problem,) = err.value.problems
    assert problem.row == 0 and problem.column == "value"
    assert "约为规划数值的 10,000 倍" in problem.expected and "户 vs 万户" in problem.expected
    assert "row 0, target ≥〔3.12〕, baseline 1.89 万户" in problem.expected  # the plan's index label (H5)


def test_units_at_two_magnitudes_converted_a_wrong_label_refused_other_units_warned(dinghu_plan):  # issue 14
    # 万元 against the plan's 亿元: converted and said (refused before session 53), the row's note too
    hist = _history([("ip_pledge_financing", 2021, 12000, "万元"), ("ip_pledge_financing", 2022, 13000, "万元")])
    res, seen = _caught(lambda: mt.assess(hist, dinghu_plan, as_of=2022, model="naive"))
    row = res[res["indicator"] == "ip_pledge_financing"].iloc[0]
    assert row["unit"] == "亿元" and "历史数据由万元换算为亿元" in row["note"]
    assert row["last_value"] == pytest.approx(1.3)  # 〈5〉: the figures as read, not 13000
    assert any("万元 -> 亿元 (x1/10000)" in str(w) for w in seen)
    # figures already in 亿元 under a 万元 label (1.2 against 〈5〉): the label is wrong, refused with the conversion
    hist = _history([("ip_pledge_financing", 2021, 1.2, "万元"), ("ip_pledge_financing", 2022, 1.3, "万元")])
    with pytest.raises(mt.DataValidationError, match="1 亿元 = 10,000 万元"):
        mt.assess(hist, dinghu_plan, as_of=2022, model="naive")
    hist = _history([("food_samples_per_1000_people", 2021, 5.3, "批次"),
                     ("food_samples_per_1000_people", 2022, 5.5, "批次")])
    _, seen = _caught(lambda: mt.assess(hist, dinghu_plan, as_of=2022, model="naive"))
    assert any("历史数据单位 批次 与规划单位 批次/千人 不同" in str(w) for w in seen)


def test_ratio_against_percent_refused_unless_bounds_declared(data_dir):  # issue 14
    hist = mt.read_history(data_dir / "china" / "national_history.csv")
    rate = hist["indicator"] == "food_sampling_unqualified_rate"
    hist.loc[rate, "value"] = hist.loc[rate, "value"] / 100  # 2.31 % written 0.0231
    plan = data_dir / "china" / "national_targets.csv"
    with pytest.raises(mt.DataValidationError, match=r"历史数据像比例\(0-1\)，规划为百分数") as err:
        mt.assess(hist, plan, as_of=2022, model="naive")
    assert err.value.problems[0].row == 7  # the file's own row, kept through the edit
    # the history says its figures are shares 0-100 and this small: believed (bounds on the rate's rows
    # only: 0-100 on the batch counts would be refused, their values lie outside it)
    declared = hist.assign(lower=np.where(rate, 0.0, np.nan), upper=np.where(rate, 100.0, np.nan))
    mt.assess(declared, plan, as_of=2022, model="naive")
    with pytest.raises(mt.DataValidationError, match="outside the bounds they are forecast within"):
        mt.assess(hist.assign(lower=0.0, upper=100.0), plan, as_of=2022, model="naive")


def test_negative_count_in_an_assessed_series_refused(dinghu_plan):  # issue 14
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "cosmetics_sampling_batches",
                         "year": [2020, 2021, 2022], "value": [9, -10, 10]})  # no unit: the plan's 批次/年
    with pytest.raises(mt.DataValidationError, match=r"row 1, column 'value': '-10': 计数（批次/年）不能为负数"):
        mt.assess(hist, dinghu_plan, as_of=2022, model="naive")


def test_real_and_bureau_data_pass_without_a_word(data_dir, tmp_path):  # issue 14
    """No consistency warning on the shipped national data nor on a district's bureau workbooks."""
    _, seen = _caught(lambda: mt.assess(data_dir / "china" / "national_history.csv",
                                        data_dir / "china" / "national_targets.csv", as_of=2022, model="naive"))
    assert seen == []
    plan, hist = write_plan_xlsx(tmp_path / "plan.xlsx"), write_history_xlsx(tmp_path / "history.xlsx")
    _, seen = _caught(lambda: mt.assess(hist, plan, as_of=2023, region="鼎湖区", model="naive"))
    assert seen == []


def test_rows_carried_through_a_second_read_and_concat(tmp_path, dinghu_plan):  # issue 14
    path = tmp_path / "plan.csv"
    dinghu_plan.to_csv(path, index=False)
    plan = mt.read_plan(path)
    plan["target"] = plan["target"].astype(object)
    plan.loc[3, "target"] = "约〈5〉"  # an edit after reading: the error still names the file's row
    with pytest.raises(mt.DataValidationError, match=r"plan.csv, row 5, column 'target': '约〈5〉'"):
        mt.read_plan(plan)
    a = mt.read_history(_history([("x", 2021, 1.0, "项")]))
    b = mt.read_history(_history([("y", 2021, 2.0, "项")]))
    both = pd.concat([a, b], ignore_index=True)
    assert len(both) == 2 and sheet_of(both) is None  # a derived frame: rows named by position
    a.to_parquet(tmp_path / "a.parquet")  # what the readers remember never gets in pandas' way
    assert pd.read_parquet(tmp_path / "a.parquet")["value"].tolist() == [1.0]


def test_rows_screened_a_column_at_a_time_give_the_row_by_row_verdicts(data_dir, monkeypatch):  # issue 13
    """check_against_plan looks one by one only at the rows a column-wise screen cannot clear
    (100,000 rows: seconds otherwise). On the real provincial panels with SYNTHETIC faults
    (generated here: histories x1000 / x0.01, another unit, a negative figure, a baseline 3-20 %
    off, ratios against %) it raises and warns exactly as looking at every row does."""
    import numpy as np

    from mstarget import consistency

    d = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    d = d[(d["region"] != "全国") & (d["year"] <= 2019)]
    d = d[d["indicator"].isin(sorted(d["indicator"].unique())[:14])]
    last = d.sort_values("year").groupby(["region", "indicator"]).tail(1).reset_index(drop=True)
    base = d[d["year"] == 2015].set_index(["region", "indicator"])["value"]
    rng = np.random.default_rng(13)
    verdicts = {}
    for trial in range(30):
        hist = d[["region", "indicator", "name", "year", "value", "unit"]].copy()
        plan = pd.DataFrame({"region": last["region"], "indicator": last["indicator"], "name": last["name"],
                             "unit": last["unit"], "baseline_year": 2015,
                             "baseline": [base.get((r, i), np.nan) for r, i in zip(last["region"], last["indicator"])],
                             "target_year": 2022, "target": last["value"] * 1.1, "direction": ">=",
                             "kind": "level"})
        faulty = rng.choice(len(plan), size=int(rng.integers(0, 3)), replace=False)  # refusals mask warnings
        for k in faulty:
            r, i = plan.loc[k, "region"], plan.loc[k, "indicator"]
            rows = (hist["region"] == r) & (hist["indicator"] == i)
            fault = trial % 6 if k == faulty[0] else rng.integers(0, 6)
            if fault == 0:
                hist.loc[rows, "value"] *= 1000
            elif fault == 1:
                hist.loc[rows, "value"] *= 0.01
            elif fault == 2:
                hist.loc[rows, "unit"] = rng.choice(["万元", "亿元", "个", "%"])
            elif fault == 3:
                hist.loc[rows & (hist["year"] == 2017), "value"] *= -1
            elif fault == 4:
                plan.loc[k, "baseline"] *= 1 + rng.choice([-0.2, -0.06, -0.03, 0.04, 0.07, 0.2])
            else:
                plan.loc[k, "unit"] = ""
        got = []
        for screen in (True, False):
            if not screen:  # every matched row, one by one
                monkeypatch.setattr(consistency, "_rows_to_check",
                                    lambda plan, history, pairs, use: np.arange(len(plan)))
            try:
                _, warned = _caught(lambda: mt.assess(hist, plan, as_of=2019, model="naive"))
                got.append(("ok", sorted(map(str, warned))))
            except mt.DataValidationError as exc:
                got.append(("refused", str(exc)))
            monkeypatch.undo()
        assert got[0] == got[1], trial
        verdicts[got[0][0]] = verdicts.get(got[0][0], 0) + 1
    assert set(verdicts) == {"ok", "refused"}  # both kinds of verdict were compared


def test_one_figure_in_another_unit_is_refused_where_assessed(dinghu_plan):
    """24200 (户) among 1.89-2.7 万户 was forecast as it stood (80 % band up to 3e10); it is refused,
    naming its row, how far off it is and what to check. A series taking off (0.1, 0.2, 5) is not."""
    hist = _history([("market_entities_total", y, v, "万户") for y, v in
                     [(2020, 1.89), (2021, 2.15), (2022, 24200), (2023, 2.70)]])
    with pytest.raises(mt.DataValidationError) as err:
        _caught(lambda: mt.assess(hist, dinghu_plan, model="naive"))
    (p,) = err.value.problems
    assert (p.row, p.column, p.value) == (2, "value", "24200")
    assert "about 11,256 times its other figures, 1.89-2.7 万户" in str(err.value)
    assert "户 among 万户" in str(err.value) and "约 11,256 倍" in str(err.value)
    hist.loc[2, "value"] = 2.42
    res, _ = _caught(lambda: mt.assess(hist, dinghu_plan, model="naive"))
    assert res.set_index("indicator").loc["market_entities_total", "last_value"] == 2.7
    flows = _history([("ip_pledge_financing", y, v, "亿元") for y, v in [(2021, 0.1), (2022, 0.2), (2023, 5.0)]])
    res, _ = _caught(lambda: mt.assess(flows, dinghu_plan, model="naive"))
    assert res.set_index("indicator").loc["ip_pledge_financing", "last_value"] == 5.0


def test_a_figure_far_off_both_neighbouring_years_is_warned_by_the_reader():
    """5.5 typed as 55 between 5.3 and 5.8: said with its row, used as written."""
    hist = _history([("food_samples_per_1000_people", y, v, "批次/千人") for y, v in
                     [(2020, 5.0), (2021, 5.3), (2022, 55.0), (2023, 5.8)]])
    h, seen = _caught(lambda: mt.read_history(hist))
    (w,) = seen
    assert "row 2 (鼎湖区/food_samples_per_1000_people 2022: 55 between 5.3 and 5.8)" in str(w)
    assert [(p.row, p.value) for p in w.problems] == [(2, "55")]
    assert h["value"].tolist() == [5.0, 5.3, 55.0, 5.8]
    hist.loc[2, "value"] = 9.0  # a big year, not a slip: nothing to say
    assert _caught(lambda: mt.read_history(hist))[1] == []


def test_a_target_far_from_its_baseline_is_warned_by_the_reader(dinghu_plan):
    """≥9.9 against a baseline of 98 (99 with a slipped decimal point) was read as met before the
    plan began, and 〔31.2〕 against 1.89 as hopeless, without a word; both are said now, naming the
    cell. The real plan's own targets (up to 2.9x a baseline) say nothing."""
    assert _caught(lambda: mt.read_plan(dinghu_plan))[1] == []
    plan = dinghu_plan.copy()
    plan.loc[plan["indicator"] == "drug_sampling_pass_rate", "target"] = "≥9.9"
    plan.loc[plan["indicator"] == "market_entities_total", "target"] = "〔31.2〕"
    read, seen = _caught(lambda: mt.read_plan(plan))
    assert len(seen) == 2
    low, high = (str(w) for w in seen) if "9.9" in str(seen[0]) else (str(w) for w in seen[::-1])
    assert "row 12, column 'target': '≥9.9': 目标值为基期值 98 的1/9.9" in low  # plan.loc[12] (H5)
    assert "met at the baseline already: a misplaced decimal point or another unit? used as written" in low
    assert "row 0, column 'target': '〔31.2〕'" in high and "16.5 times the baseline 1.89" in high
    assert read.set_index("indicator").loc["drug_sampling_pass_rate", "target"] == 9.9  # used as written
