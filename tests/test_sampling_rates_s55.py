"""Rates of sampling inspections (抽检合格率, 不合格率, 检出率): ``local_level`` -- a level the year's samples
scatter around -- not a drift that sums every zig-zag (session 55)."""
import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.forecast import forecast_paths
from mstarget.models import available_models, model_class
from mstarget.models.level import LocalLevelModel
from mstarget.units import is_sampling_rate


def _history(values, name="药品抽检合格率", unit="%", last_year=2023, region="鼎湖区", years=None):
    years = years if years is not None else list(range(last_year - len(values) + 1, last_year + 1))
    return pd.DataFrame({"region": region, "indicator": name, "year": years, "value": values, "unit": unit})


def _paths(values, h=5, **kw):
    model = kw.pop("model", "auto")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return forecast_paths(_history(values, **kw), h, model=model, seed=0)[0]


def _assess(values, target, name="药品抽检合格率"):
    plan = pd.DataFrame({"region": ["鼎湖区"], "indicator": [name], "unit": ["%"], "baseline_year": [2020],
                         "baseline": [values[0]], "target_year": [2025], "target": [target]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(_history(values, name=name), plan, seed=0).iloc[0]


def test_registered_and_named_in_reports():
    assert "local_level" in available_models()
    assert model_class("local_level") is LocalLevelModel
    from mstarget.report.model import MODEL_ZH
    assert MODEL_ZH["local_level"] == "抽检率水平模型"


@pytest.mark.parametrize("unit,name", [
    ("%", "药品抽检合格率"), ("%", "食品抽检不合格率"), ("%", "产品质量监督抽查合格率"), ("‰", "食品抽检不合格率"),
    ("%", "农药残留超标检出率"), ("%", "问题发现率"), ("%", "drug_sampling_pass_rate"), ("％", "化妆品抽检合格率")])
def test_sampling_rates_are_recognised(unit, name):
    assert is_sampling_rate(unit, name)


@pytest.mark.parametrize("unit,name", [
    ("%", "生产领域区级工业产品质量监督抽查覆盖率"),  # how many were sampled, not how they fared
    ("%", "“明厨亮灶”覆盖率"), ("%", "企业年报公示率"),
    ("百分点", "抽检合格率提高"),  # a change in points
    ("%", "不合格率下降"),  # a fall, not the rate
    ("批次", "食品抽检合格批次"), (None, "药品抽检合格率")])
def test_other_rows_are_not_sampling_rates(unit, name):
    assert not is_sampling_rate(unit, name)


def test_a_pass_rate_touching_100_keeps_its_level():
    # a drift summed each step off 100 (a doubling of the failure rate on the logit scale): 80 % band 95.3-100 in
    # 2025 and 66-100 in 2028, p_meet of >= 99 0.64 (at_risk) for a rate that never fell below 99.5
    row = _assess([100, 99.5, 100, 100, 99.7], "≥99")
    assert row["model"] == "auto:local_level"
    assert row["p_meet"] >= 0.8 and row["status"] in ("on_track", "met"), (row["p_meet"], row["status"])
    assert 98.0 <= row["lo_80"] and row["hi_80"] == 100.0, (row["lo_80"], row["hi_80"])
    lo, hi = np.quantile(_paths([100, 99.5, 100, 100, 99.7]).paths[:, -1], [0.1, 0.9])  # 2028
    assert lo > 97.0 and hi <= 100.0, (lo, hi)


def test_a_scattering_rate_does_not_fan_out_like_a_random_walk():
    # 产品质量国家监督抽查合格率 2012-2015 (real): 89.8, 88.9, 92.3, 91.1; as a drift its 2020 80 % band was
    # about 63-99, as wide as the rate has ever been apart; it was 91.6 and 91.5 in 2016-2017
    sf = _paths([89.8, 88.9, 92.3, 91.1], last_year=2015)
    lo1, hi1 = np.quantile(sf.paths[:, 0], [0.1, 0.9])
    lo5, hi5 = np.quantile(sf.paths[:, -1], [0.1, 0.9])
    assert 86.0 < lo1 and hi1 < 95.5
    assert 82.0 < lo5 and hi5 < 97.0 and (hi5 - lo5) < 2.0 * (hi1 - lo1), (lo1, hi1, lo5, hi5)
    assert lo1 < 91.6 < hi1 and lo1 < 91.5 < hi1


def test_a_steady_climb_is_held_not_pulled_back_nor_carried_on():
    # 98, 98.6, 99.1, 99.3: the drift carried the climb on (median 99.6 in 2025, p_meet of >= 99 0.95); an AR(1)
    # around the window's mean pulled it back to 99.04. The level stands where the rate now is.
    sf = _paths([98.0, 98.6, 99.1, 99.3])
    med = np.median(sf.paths[:, 1])
    assert 99.1 < med < 99.4, med
    row = _assess([98.0, 98.6, 99.1, 99.3], "≥99")
    assert 0.55 < row["p_meet"] < 0.85, row["p_meet"]


def test_the_model_reads_scatter_and_walk_apart():
    logit = lambda p: np.log(p / (100 - p))  # noqa: E731
    scatter = LocalLevelModel().fit(logit(np.array([89.8, 88.9, 92.3, 91.1, 89.5, 92.0])), noise_prior=0.3)
    walk = LocalLevelModel().fit(logit(np.array([90.0, 91.0, 92.1, 93.0, 94.1, 95.0])), noise_prior=0.3)
    assert scatter.r_ < 0.45 < walk.r_, (scatter.r_, walk.r_)
    # a scatter is forecast at its mean, a walk at its last value
    assert abs(scatter.predict(1)[0] - logit(90.6)) < 0.1
    assert abs(walk.predict(1)[0] - logit(95.0)) < 0.15


def test_bands_hold_what_they_claim_on_generated_local_level_series():
    # SYNTHETIC data generated here from the model's own assumptions (level random walk + yearly noise, share r of a
    # yearly change's variance moving the level drawn uniformly): the 80 % band of 5-point series, 1-3 years ahead,
    # covers 0.8 of the outcomes
    rng = np.random.default_rng(55)
    hits, total = 0, 0
    for i in range(400):
        r, s = rng.uniform(0, 0.95), rng.uniform(0.1, 0.5)
        level = np.cumsum(rng.normal(0, np.sqrt(r) * s, 8)) + 3.0
        y = level + rng.normal(0, np.sqrt((1 - r) / 2) * s, 8)
        m = LocalLevelModel().fit(y[:5], noise_prior=0.3)
        paths = m.sample_paths(3, 1000, np.random.default_rng(i))
        lo, hi = np.quantile(paths, [0.1, 0.9], axis=0)
        hits += int(np.sum((lo <= y[5:]) & (y[5:] <= hi)))
        total += 3
    assert 0.74 < hits / total < 0.88, hits / total


def test_auto_keeps_other_models_where_they_belong():
    assert _paths([81, 85, 88, 91], name="“明厨亮灶”覆盖率").model == "auto:pooled_drift"
    long = [100, 99.5, 100, 100, 99.7, 99.8, 100, 99.6, 100, 99.9]
    assert _paths(long).model == "auto:ensemble"  # 8+ points: as every row
    assert _paths([2.31, 2.69, 2.86], name="食品抽检不合格率").model == "auto:local_level"
    # 4+ points moving by about the same step every year: a trend, carried on as any steady series'
    steady = _paths([0.09, 0.085, 0.08, 0.075, 0.07, 0.066], name="食品抽检不合格率")
    assert steady.model == "auto:pooled_drift" and np.median(steady.paths[:, 1]) < 0.066
    assert _paths([99.64, 99.49, 99.29, 99.0]).model == "auto:pooled_drift"
    assert _paths([99.4, 99.2, 99.0]).model == "auto:local_level"  # two changes say no trend


def test_gaps_many_districts_and_seeds():
    # a year not reported is walked through, not read as a figure
    gap = _paths([99.0, 99.4, 99.2, 99.6], years=[2019, 2020, 2022, 2023])
    assert gap.model == "auto:local_level" and np.all((gap.paths >= 0) & (gap.paths <= 100))
    m = LocalLevelModel().fit(np.array([4.6, 5.1, 4.9, 4.8, 5.2]), noise_prior=0.3,
                              observed=np.array([True, True, False, True, True]))
    assert m.nu_ == 3.0 + 4 - 1  # four observed figures
    # the districts of a city in one call pool their yearly noise, and the same call gives the same draws
    rng = np.random.default_rng(7)
    frames = [_history(list(np.clip(rng.normal(98.5, 0.6, 4).round(1), 0, 100)), region=f"区{k}") for k in range(12)]
    hist = pd.concat(frames, ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = mt.forecast(hist, horizon=2, seed=1)
        b = mt.forecast(hist, horizon=2, seed=1)
    assert set(a["model"]) == {"auto:local_level"}
    pd.testing.assert_frame_equal(a, b)
    assert (a["hi_95"] <= 100).all() and (a["lo_95"] >= 0).all()


def test_the_plan_row_says_sampling_rate_when_the_history_does_not():
    # a bureau's history often has an id and figures only: the plan's 药品抽检合格率 (%) decides the model
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "drug_pass", "year": [2019, 2020, 2021, 2022, 2023],
                         "value": [100, 99.5, 100, 100, 99.7]})
    plan = pd.DataFrame({"region": ["鼎湖区"], "indicator": ["drug_pass"], "name": ["药品抽检合格率"], "unit": ["%"],
                         "baseline_year": [2020], "baseline": [99.5], "target_year": [2025], "target": ["≥99"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = mt.assess(hist, plan, seed=0).iloc[0]
        other = mt.assess(hist, plan.assign(name="企业年报公示率"), seed=0).iloc[0]
    assert row["model"] == "auto:local_level" and row["p_meet"] >= 0.8
    assert other["model"] == "auto:pooled_drift"


def test_the_report_says_a_sampling_rate_is_held_at_its_level():
    # a pass rate's forecast rests on its recent level, not a trend: the report says so (按近年水平预计), and keeps
    # 按当前趋势预计 for the stock beside it
    from mstarget.report import build_report

    hist = pd.concat([_history([99.5, 100, 100, 99.7], last_year=2023),
                      _history([1.89, 2.2, 2.45, 2.7], name="市场主体总量", unit="万户", last_year=2023)])
    plan = pd.DataFrame({"region": "鼎湖区", "indicator": ["药品抽检合格率", "市场主体总量"], "unit": ["%", "万户"],
                         "baseline_year": 2020, "baseline": [99.5, 1.89], "target_year": 2025,
                         "target": ["≥99", "3.12"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(hist, plan, as_of=2023, seed=0)
    zh = {r.cells["name"].text: r.narrative for r in build_report(table, details, as_of=2023, date="2026-12-08").rows}
    en = {r.cells["name"].text: r.narrative
          for r in build_report(table, details, as_of=2023, date="2026-12-08", lang="en").rows}
    assert "按近年水平预计2025年为" in zh["药品抽检合格率"] and "按当前趋势" not in zh["药品抽检合格率"]
    assert "按当前趋势预计2025年为" in zh["市场主体总量"]
    assert "At its recent level " in en["药品抽检合格率"] and "On the current trend " in en["市场主体总量"]
    # and the notes say how such rates are forecast, once
    from mstarget.report.narrative import method_notes
    notes = method_notes(build_report(table, details, as_of=2023, date="2026-12-08"), n_charts=0)
    assert sum("抽检合格率、不合格率等抽检结果类指标按近年水平测算" in n for n in notes) == 1
    alone = hist[hist["indicator"] == "市场主体总量"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t2, d2 = mt.assess_detailed(alone, plan[plan["indicator"] == "市场主体总量"], as_of=2023, seed=0)
    assert not any("抽检" in n for n in method_notes(build_report(t2, d2, as_of=2023, date="2026-12-08"), n_charts=0))
