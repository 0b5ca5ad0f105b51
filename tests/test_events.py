"""Counts of rare incidents (事故 in 起): a Poisson rate, not a trend on a log scale.

Data: the histories are SYNTHETIC (a few small counts as a district reports them, or drawn here
from Poisson processes with a seeded generator); the plan rows are written as plans write
their safety targets (零发生, 0起, ≤1).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import ModelFitError
from mstarget.forecast import forecast_paths
from mstarget.models import EventRateModel
from mstarget.units import counts_events

PLAN = ("指标名称,单位,2020年基期值,2025年目标值\n"
        "较大以上特种设备事故,起,0,零发生\n"
        "重大食品安全事故,起,1,0起\n"
        "药品安全事件,起,1,≤1\n"
        "有效发明专利,件,40,≥60\n")
HISTORY = {"较大以上特种设备事故": [0, 0, 0, 0], "重大食品安全事故": [1, 0, 0, 0], "药品安全事件": [1, 0, 2, 1],
           "有效发明专利": [40, 44, 49, 53]}


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("events")
    (folder / "plan.csv").write_text(PLAN, encoding="utf-8")
    rows = [(name, 2020 + i, v) for name, values in HISTORY.items() for i, v in enumerate(values)]
    pd.DataFrame(rows, columns=["指标名称", "年份", "数值"]).to_csv(folder / "history.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(mt.read_history(folder / "history.csv", region="鼎湖区"),
                        mt.read_plan(folder / "plan.csv", region="鼎湖区"), seed=0)
    return res.set_index("name")


def test_incident_counts_get_a_poisson_rate_and_other_counts_keep_their_trend(assessed):
    assert assessed["model"].to_dict() == {"较大以上特种设备事故": "auto:event_rate", "重大食品安全事故": "auto:event_rate",
                                           "药品安全事件": "auto:event_rate", "有效发明专利": "auto:pooled_drift"}


def test_four_years_without_an_incident_do_not_make_zero_certain(assessed):
    """0, 0, 0, 0 forecast 0 on every path: p_meet of 零发生 was exactly 1. With the Jeffreys rate
    the chance of none in 2025 is (4 / 5) ** 0.5 = 0.894, and 零发生 asks for none in 2024 and 2025 (every
    year of the period, session 39): (4 / 6) ** 0.5 = 0.816."""
    p = assessed.loc["较大以上特种设备事故", "p_meet"]
    assert p == pytest.approx((4 / 6) ** 0.5, abs=0.02)
    assert assessed.loc["较大以上特种设备事故", "hi_80"] <= 1


def test_a_few_small_counts_get_a_fan_of_small_counts(assessed):
    """1, 0, 2, 1 on a log scale reached 24 incidents at the 80 % band's top (p_meet of ≤ 1 was 0.48).
    As a Poisson rate, Gamma(0.5 + 4, 4) a year, ≤ 1 in 2025 has the negative-binomial chance
    0.8 ** 4.5 (1 + 4.5 / 5) = 0.696; 1, 0, 0, 0 gives none a year a chance of 0.8 ** 1.5 = 0.716 (was 0.62,
    with an 80 % band up to 4.4 incidents), none in both 2024 and 2025 (0起 of the period: the incident was in the
    base year) (4 / 6) ** 1.5 = 0.544."""
    row = assessed.loc["药品安全事件"]
    assert row["hi_80"] <= 3 and row["lo_80"] == 0
    assert row["p_meet"] == pytest.approx(0.8 ** 4.5 * 1.9, abs=0.02)
    assert assessed.loc["重大食品安全事故", "p_meet"] == pytest.approx((4 / 6) ** 1.5, abs=0.02)


def _districts(rates: np.ndarray, years: int, rng) -> pd.DataFrame:
    counts = rng.poisson(rates[:, None], size=(rates.size, years))
    return pd.DataFrame({"region": np.repeat([f"区{i}" for i in range(rates.size)], years),
                         "indicator": "较大以上特种设备事故", "unit": "起",
                         "year": np.tile(np.arange(2016, 2016 + years), rates.size), "value": counts.ravel()})


@pytest.mark.parametrize("rates", ["uniform", "rare"])
def test_the_chance_of_no_incident_is_calibrated_across_a_provinces_districts(rates):
    """SYNTHETIC: 3,000 districts of one province whose yearly incidents are Poisson, with rates
    spread evenly over 0.05-2 a year, or mostly rare (exponential, mean 0.3). From five years of
    counts, all districts in one call (their rate across the province is the prior),
    p(no incident two years on) is compared with what happened, in three bins of p."""
    rng = np.random.default_rng(7)
    rate = rng.uniform(0.05, 2.0, 3000) if rates == "uniform" else rng.exponential(0.3, 3000)
    data = _districts(rate, 7, rng)
    paths = forecast_paths(data[data["year"] <= 2020], 2, n_paths=400, seed=1)
    assert {sf.model for sf in paths} == {"auto:event_rate"}
    p = np.array([(sf.paths[:, 1] == 0).mean() for sf in paths])
    outcome = data[data["year"] == 2022].set_index("region")["value"]
    none = np.array([outcome[sf.region] == 0 for sf in paths])
    for lo, hi in ((0.0, 0.4), (0.4, 0.7), (0.7, 1.01)):
        sel = (p >= lo) & (p < hi)
        if sel.sum() >= 100:
            assert abs(p[sel].mean() - none[sel].mean()) < 0.04, (lo, hi, p[sel].mean(), none[sel].mean())


@pytest.mark.parametrize("unit, name, expected", [
    ("起", "较大以上特种设备事故", True), ("宗", "食品安全事故", True), ("", "重大食品安全事件", True),
    ("%", "食品安全事故发生率", False), ("件", "有效发明专利", False), ("起", "", True),
    ("万户", "市场主体", False),
])
def test_which_indicators_count_incidents(unit, name, expected):
    assert counts_events(unit, name) is expected


def test_a_negative_count_is_refused_by_the_model():
    with pytest.raises(ModelFitError, match="must be >= 0"):
        EventRateModel().fit(np.array([1.0, -1.0]))
