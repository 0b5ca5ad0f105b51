"""A stock of a handful of whole things (项 / 个): counted additions and removals, not a growth rate.

Data: SYNTHETIC histories written as a district reports them (主导制定地方标准 0, 0, 1, 1 项; a pilot
count 1, 2, 3, 4 个), and peers drawn here with a seeded generator. The plan rows are written as plans
write them (〔2〕, ≥6).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import ModelFitError
from mstarget.models import SmallCountModel
from mstarget.models.counts import change_priors, pooled_dispersion
from mstarget.units import counts_things


def _forecast(series: dict, unit: str = "项", horizon: int = 2, **kw) -> pd.DataFrame:
    rows = [("鼎湖区", name, 2020 + i, v, unit) for name, values in series.items() for i, v in enumerate(values)]
    history = pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = mt.forecast(history, horizon=horizon, levels=(80, 95), seed=0, **kw)
    return out.groupby("indicator").tail(1).set_index("indicator")


def test_auto_counts_a_handful_of_things_and_keeps_its_usual_models_elsewhere():
    f = _forecast({"标准": [0, 0, 1, 1], "试点": [1, 2, 3, 4]})
    assert set(f["model"]) == {"auto:small_count"}
    assert _forecast({"市场主体": [1, 2, 3, 4]}, unit="万户")["model"].iloc[0] == "auto:pooled_drift"
    assert _forecast({"企业标准": [38, 55, 72, 89]})["model"].iloc[0] == "auto:pooled_drift"  # not a handful
    assert _forecast({"专利": [1.5, 2.0, 2.5, 3.0]}, unit="件")["model"].iloc[0] == "auto:pooled_drift"
    assert _forecast({"较大事故": [0, 1, 0, 0]}, unit="起")["model"].iloc[0] == "auto:event_rate"


def test_steady_additions_continue_as_additions_not_as_a_growth_rate():
    """1, 2, 3, 4 个 on a log scale is +59 % a year: the median in 2025 was 10 (80 % band 4.6-22.5).
    Counted, it adds about one a year: median 6, and the band stays near it."""
    f = _forecast({"试点": [1, 2, 3, 4]}).loc["试点"]
    assert f["median"] == 6
    assert 3 <= f["lo_80"] <= 5 and 7 <= f["hi_80"] <= 10
    assert f["hi_95"] <= 13


def test_a_stock_that_never_moved_is_not_certain_to_stay_put():
    """0, 0, 0 项 forecast 0 on every path, so 〔2〕 in two years had p_meet exactly 0; counted,
    the Jeffreys rate of additions gives a small chance."""
    plan = pd.DataFrame({"region": ["鼎湖区"], "indicator": ["标准"], "name": ["主导制定地方标准"], "unit": ["项"],
                         "baseline_year": [2020], "baseline": ["0"], "target_year": [2025], "target": ["〔2〕"]})
    history = pd.DataFrame({"region": "鼎湖区", "indicator": "标准", "year": [2020, 2021, 2022, 2023],
                            "value": [0, 0, 0, 0], "unit": "项"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = mt.assess(history, plan, seed=0).iloc[0]
    assert row["model"] == "auto:small_count"
    assert 0.02 < row["p_meet"] < 0.25
    assert row["hi_80"] <= 2


def test_one_and_one_gives_a_fan_of_a_few_not_dozens():
    """(1, 1) 项 read on a log scale reached 33 at the 95 % band's top one year on."""
    f = _forecast({"标准": [1, 1]}, horizon=1).loc["标准"]
    assert f["hi_95"] <= 6 and f["lo_95"] >= 0


def test_paths_are_whole_numbers_never_below_zero_and_reproducible():
    m = SmallCountModel().fit(np.array([3.0, 1.0, 0.0, 1.0]))
    paths = m.sample_paths(5, 2000, np.random.default_rng(3))
    assert paths.min() >= 0 and np.all(paths == np.round(paths))
    again = SmallCountModel().fit(np.array([3.0, 1.0, 0.0, 1.0])).sample_paths(5, 2000, np.random.default_rng(3))
    assert np.array_equal(paths, again)


def test_lumpy_changes_widen_the_fan_beyond_poisson():
    """Changes of 0, +6, 0, +6 vary far more than Poisson counts of three a year: the fan is wider
    than that of a steady +3, +3, +3, +3 with the same pace."""
    lumpy = SmallCountModel().fit(np.array([0.0, 0, 6, 6, 12]))
    steady = SmallCountModel().fit(np.array([0.0, 3, 6, 9, 12]))
    assert lumpy.dispersion_ > 1.5 and steady.dispersion_ == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    w = [np.subtract(*np.quantile(m.sample_paths(2, 4000, rng)[:, -1], [0.9, 0.1])) for m in (lumpy, steady)]
    assert w[0] > 1.3 * w[1]
    assert pooled_dispersion([np.array([0.0, 0, 6, 6, 12])] * 5) > 1.5


def test_a_quiet_district_borrows_its_peers_pace_of_additions():
    rng = np.random.default_rng(7)
    peers = {f"区{i}": np.cumsum(rng.poisson(2.0, 4)).tolist() for i in range(6)}
    rows = [(r, "标准", 2020 + i, v, "项") for r, vs in {**peers, "鼎湖区": [0, 0]}.items() for i, v in enumerate(vs)]
    history = pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"])
    history = history[~((history["region"] == "鼎湖区") & (history["year"] > 2021))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pooled = mt.forecast(history, horizon=2, seed=0).set_index(["region", "year"])
        alone = mt.forecast(history[history["region"] == "鼎湖区"], horizon=2, seed=0).set_index("year")
    assert pooled.loc[("鼎湖区", 2023), "mean"] > alone.loc[2023, "mean"] + 1
    prior = change_priors(["标准"] * 6, list(map(np.array, peers.values())))["标准"]
    assert prior.n_peers == 6 and prior.additions.shape / prior.additions.exposure == pytest.approx(2.0, abs=0.6)


def test_negative_counts_are_refused_by_the_model():
    with pytest.raises(ModelFitError, match="must be >= 0"):
        SmallCountModel().fit(np.array([1.0, -1.0]))
    with pytest.raises(ModelFitError, match="at least two points"):
        SmallCountModel().fit(np.array([1.0]))


def test_count_units():
    assert counts_things("项") and counts_things("個") and counts_things("批次/年")
    assert not counts_things("件/万人") and not counts_things("万户") and not counts_things(None)
