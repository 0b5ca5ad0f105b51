"""Forecast edge cases (session 39): a one-year spike in a short series, and a small share falling toward 0.
All series SYNTHETIC."""
import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.forecast import forecast_paths
from mstarget.precision import snap_to_bounds
from mstarget.transforms import Bounds


def _hist(values, unit="亿元", name="知识产权质押融资额", first=2021):
    return pd.DataFrame([dict(region="R", indicator="x", name=name, unit=unit, year=first + k, value=v)
                         for k, v in enumerate(values)])


def _paths(values, h=5, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return forecast_paths(_hist(values, **kw), h, seed=0)[0]


def _q(sf, q):
    return float(np.quantile(sf.paths[:, -1], q))


# ---- a one-year spike -----------------------------------------------------------------------------------


@pytest.mark.parametrize("spike", [25, 55, 100, 3])
def test_one_year_spike_no_longer_blows_up_the_band(spike):
    # 10, 11, 25, 12, 13 亿元 forecast to 2030: HEAD's 80 % band was 0.0-1,076 (95 % hi 1.55e5, mean 5,280)
    # against 10.3-31 for 10, 11, 12, 12, 13; with 55 in 2023 0-57,892 and a mean of 3.08e7. The spike now
    # counts in the noise as a deviation of at most log 2 (SPIKE_CAP, set by coverage on the real corpus), so
    # the band is wider than the clean series' but the same whatever the size of the entry error
    clean = _paths([10, 11, 12, 12, 13])
    sf = _paths([10, 11, spike, 12, 13])
    capped = _paths([10, 11, 25 if spike > 13 else 5, 12, 13])  # a spike just beyond the cap
    assert _q(sf, 0.9) < 15 * _q(clean, 0.9)
    assert _q(sf, 0.9) == pytest.approx(_q(capped, 0.9), rel=0.05)
    assert 0.8 * 18.1 < float(np.median(sf.paths[:, -1])) < 1.2 * 18.1  # the trend of the other years


def test_spike_note_names_the_year_and_asks_about_an_entry_error():
    sf = _paths([10, 11, 25, 12, 13])
    note = [n for n in sf.notes if "spike" in n]
    assert len(note) == 1
    assert "2023" in note[0] and "2023年的数值" in note[0]  # the calendar year, not 倒数第3年 (a position)
    assert "如为录入错误请更正" in note[0]


def test_assess_row_of_a_spike_series_is_sane_and_noted():
    # HEAD: 预计2025年为14亿元（80%区间0–543亿元） for the series with 25 in 2022 (data 2020-2024)
    hist = _hist([10, 11, 25, 12, 13], first=2020)
    plan = pd.DataFrame([dict(region="R", indicator="x", name="知识产权质押融资额", unit="亿元", baseline_year=2020,
                              baseline=10, target_year=2025, target="≥15", attribute="预期性")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = mt.assess(hist, plan, as_of=2024, seed=0)
    row = t.iloc[0]
    assert row["hi_80"] < 60 and row["lo_80"] > 3  # HEAD: 0-543
    assert "2022年的数值" in row["note"] and "录入错误" in row["note"]


@pytest.mark.parametrize("values", [[3, 5, 4, 6], [50, 52, 54, 70, 58], [10, 11, 12, 12, 13], [3, 3, 40, 41]])
def test_noisy_or_shifted_series_is_not_a_spike(values):
    from mstarget.models.pooled import spike_index
    assert spike_index(np.log(values)) is None
    sf = _paths(values, unit="家", name="某数量")
    assert not any("spike" in n for n in sf.notes)


def test_spike_rule():
    from mstarget.models.pooled import spike_index
    assert spike_index(np.log([10, 11, 25, 12, 13])) == 2
    assert spike_index(np.log([10, 11, 3, 12, 13])) == 2  # down and back up
    assert spike_index(np.log([10, 25, 12, 13])) == 1
    assert spike_index(np.log([10, 11, 12, 25])) is None  # the last year: not known to come back
    assert spike_index(np.log([10, 30, 10, 30, 10])) is None  # every change alike
    assert spike_index(np.log([10, 25, 12])) is None  # two changes: nothing to compare with


# ---- a small share falling toward 0 -----------------------------------------------------------------------


@pytest.mark.parametrize("unit,scale", [("‰", 1.0), ("%", 0.1), ("‱", 10.0)])
def test_falling_per_mille_is_not_snapped_to_zero(unit, scale):
    # 婴儿死亡率 5.4, 5.0, 4.5, 4.1, 3.8 ‰: HEAD gave p(<= 0 in 2030) = 0.035 and lo_95 0.0 (paths at 0.9 ‰,
    # reported 0.9, counted as 0: the logit edge of a ‰ range, 1 ‰, was added to half a reporting unit)
    v = [round(x * scale, 4) for x in [5.4, 5.0, 4.5, 4.1, 3.8]]
    hist = _hist(v, unit=unit, name="婴儿死亡率")
    plan = pd.DataFrame([dict(region="R", indicator="x", name="婴儿死亡率", unit=unit, baseline_year=2025,
                              baseline=v[-1], target_year=2030, target="≤0", attribute="约束性")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = mt.assess(hist, plan, as_of=2025, seed=0)
        f = mt.forecast(hist, horizon=5, seed=0)
    assert t.p_meet.iloc[0] < 0.005
    assert f.iloc[-1]["lo_95"] > 0


def test_snap_keeps_paths_far_from_the_bound_but_near_ones_snapped():
    paths = np.array([[0.9, 1.04, 0.04]])
    far = snap_to_bounds(paths, Bounds(0.0, 1000.0), [5.4, 5.0, 4.5, 4.1, 3.8], edge=1.0)
    assert far.tolist() == [[0.9, 1.04, 0.0]]  # only what would be reported as 0.0
    near = snap_to_bounds(paths, Bounds(0.0, 1000.0), [3.6, 3.2, 2.8, 2.5], edge=1.0)  # 2.5 edges off 0
    assert near.tolist() == [[0.0, 0.0, 0.0]]


def test_wobbling_near_100_and_a_rate_closing_on_it_are_snapped_as_before():
    # the docstring's rate wobbling at 99.8 %: rounding alone (about 4 % of 2030 paths at 100);
    # 99.5 ... 99.9 % closing on 100 in every step: the edge (about 80 %)
    wob = _paths([99.7, 99.8, 99.75, 99.8, 99.8], unit="%", name="某覆盖率")
    assert 0.01 < np.mean(wob.paths[:, -1] == 100.0) < 0.1
    up = _paths([99.5, 99.6, 99.7, 99.8, 99.9], unit="%", name="某覆盖率")
    assert np.mean(up.paths[:, -1] == 100.0) > 0.7


def test_report_asks_whether_the_spike_year_is_an_entry_error(tmp_path):
    hist = _hist([10, 11, 25, 12, 13], first=2020)
    plan = pd.DataFrame([dict(region="R", indicator="x", name="知识产权质押融资额", unit="亿元", baseline_year=2020,
                              baseline=10, target_year=2025, target="≥15", attribute="预期性")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(hist, plan, as_of=2024, seed=0)
        mt.report.write_report(table, details, [tmp_path / "r.html"])
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "2022年数值明显偏离前后两年" in html and "是否录入错误" in html


def test_a_coverage_rising_to_100_keeps_its_chance_of_100():
    # 90 ... 99.1, 99.5 % (reported to 0.1 point, the logit edge's own size) against 100 in 2030: 0.85 before
    # session 39; the first version of the rule (edge only within 3 edges of 100) gave 0.50, as if the figures
    # could not show the edge
    hist = pd.DataFrame({"region": "某区", "indicator": "覆盖率", "unit": "%", "year": range(2019, 2026),
                         "value": [90, 93, 95.5, 97.2, 98.4, 99.1, 99.5]})
    plan = pd.DataFrame([dict(region="某区", indicator="覆盖率", unit="%", baseline_year=2025, baseline=99.5,
                              target_year=2030, target="100", attribute="约束性")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = mt.assess(hist, plan, seed=0).iloc[0]
    assert row["p_meet"] > 0.8


def test_a_spike_is_asked_about_whatever_model_forecasts_the_series(tmp_path):
    # 9 points (auto's ensemble, not pooled_drift): the spike of 2022 got no note at all
    full = [0.7, 0.9, 1.1, 1.3, 1.5, 5.9, 1.9, 2.2, 2.46]
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "pat", "name": "每万人口高价值发明专利拥有量", "unit": "件/万人",
                         "year": range(2017, 2026), "value": full})
    plan = pd.DataFrame([dict(region="鼎湖区", indicator="pat", name="每万人口高价值发明专利拥有量", unit="件/万人",
                              baseline_year=2025, baseline="〔2.46〕", target_year=2030, target="〔3.5〕", attribute="预期性")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(hist, plan, seed=0)
        mt.report.write_report(table, details, [tmp_path / "r.html"])
    row = table.iloc[0]
    assert row["model"] == "auto:ensemble" and "2022年的数值明显偏离前后两年" in row["note"]
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "2022年数值明显偏离前后两年，是否录入错误" in html  # not "按一次性异常值处理": the ensemble kept it


def test_an_incident_among_quiet_years_is_not_asked_about_as_an_entry_error():
    # 0, 0, 2, 0, 0 起 (event_rate): a year with incidents, not a spike to correct
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "acc", "name": "较大以上特种设备事故", "unit": "起",
                         "year": range(2021, 2026), "value": [0, 0, 2, 0, 0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sf = forecast_paths(hist, 2, seed=0)[0]
    assert not any("spike" in n for n in sf.notes)
