"""Units, bounds and history warnings (session 37): a share near 100 % not reported as 100 by the logit
edge, 涨幅 / 净增率 as rates of change, ‰ as per mille (not per cent), growth rates never below -100 %,
and a series moved to another level in one year warned (口径变化?). All series are SYNTHETIC."""
from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import InconsistentDataWarning
from mstarget.precision import snap_to_bounds
from mstarget.transforms import Bounds
from mstarget import units
from mstarget.units import percent_kind

YEARS5 = [2021, 2022, 2023, 2024, 2025]
YEARS4 = [2022, 2023, 2024, 2025]


def _history(values, name, unit, years=None):  # SYNTHETIC
    years = years or (YEARS5 if len(values) == 5 else YEARS4)
    return pd.DataFrame({"region": "测试区", "indicator": "x", "name": name, "unit": unit,
                         "year": years, "value": values})


def _paths(values, name, unit, h=5, model="auto"):
    engine = sys.modules["mstarget.forecast"]  # the module (mt.forecast is the function)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return engine.forecast_paths(_history(values, name, unit), h, seed=0, model=model)[0]


# ----------------------------------------------------------------------------- 1. the logit edge
def test_logit_edge_snaps_only_on_a_side_the_series_sat_on():
    never = [99.7, 99.8, 99.7, 99.8, 99.8]  # one decimal: half a unit is 0.05
    out = snap_to_bounds(np.array([[99.86, 99.96]]), Bounds(0.0, 100.0), never, edge=0.1)
    np.testing.assert_array_equal(out, [[99.86, 100.0]])  # 99.86 is reported 99.9, not 100
    on = [99.5, 100.0, 99.8]  # the model draws its version of 100 near 99.9: those are 100
    out = snap_to_bounds(np.array([[99.86, 99.96]]), Bounds(0.0, 100.0), on, edge=0.1)
    np.testing.assert_array_equal(out, [[100.0, 100.0]])
    # the lower side alike: a rate at 0.2-0.3 % never at 0 is not reported 0 at 0.12
    out = snap_to_bounds(np.array([[0.12, 0.04]]), Bounds(0.0, 100.0), [0.3, 0.2, 0.2], edge=0.1)
    np.testing.assert_array_equal(out, [[0.12, 0.0]])
    # a series approaching the bound in every step keeps the edge: real ones reach it (corpus)
    out = snap_to_bounds(np.array([[99.86, 99.96]]), Bounds(0.0, 100.0), [99.5, 99.6, 99.7], edge=0.1)
    np.testing.assert_array_equal(out, [[100.0, 100.0]])


def _p_meet_full_coverage(values, target_year):
    hist = _history(values, "“互联网+明厨亮灶”覆盖率", "%")
    plan = pd.DataFrame([{"region": "测试区", "indicator": "x", "name": "“互联网+明厨亮灶”覆盖率", "unit": "%",
                          "baseline_year": 2025, "baseline": values[-1], "target_year": target_year,
                          "target": "≥100", "attribute": "预期性"}])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(mt.assess(hist, plan, as_of=2025, seed=0)["p_meet"].iat[0])


def test_full_coverage_target_is_not_met_by_the_logit_edge():
    """A coverage wobbling at 99.7-99.8 % that never reached 100 was judged to reach 100 % (全覆盖) by
    2030 with probability 0.46 -- paths the model drew at 99.85-99.95 were reported as 100 -- against
    0.05 from rounding alone; 99.5, 99.8, 99.2, 99.6, 99.7: 0.50 -> 0.41."""
    assert _p_meet_full_coverage([99.7, 99.8, 99.75, 99.8, 99.8], 2030) < 0.15
    assert _p_meet_full_coverage([99.7, 99.8, 99.75, 99.8, 99.8], 2026) < 0.02
    # a coverage that sits at 100 keeps it; one rising to it in every step keeps the edge (on the
    # real % series of the corpus such series ended on the bound in 26 % of the windows two years on,
    # 21 % predicted with the edge, 1 % without)
    assert _p_meet_full_coverage([100.0] * 5, 2030) == 1.0
    assert _p_meet_full_coverage([99.0, 99.2, 99.4, 99.6, 99.8], 2026) > 0.4


# ----------------------------------------------------------------------------- 2. unit words, ‰
def test_price_rises_and_net_growth_are_rates_of_change():
    assert percent_kind("%", "居民消费价格涨幅") == "change"
    assert percent_kind("%", "市场主体净增率") == "change"
    assert percent_kind("%", "注销率") == "share" and percent_kind("%", "高技术制造业增加值占比") == "share"
    # a negative price rise is read, not refused as "a percentage between 0 and 100"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        h = mt.read_history(_history([3.0, 1.5, -0.4, 0.8], "居民消费价格涨幅", "%"))
    assert h["value"].min() == -0.4
    sf = _paths([3.0, 1.5, -0.4, 0.8], "市场主体净增率", "%")
    # (auto's growth_rate returns the rate toward its mean 1.2: 27 % of paths below 0 in 2030)
    assert sf.bounds.upper is None and (sf.paths[:, -1] < 0).mean() > 0.2


def test_per_mille_is_a_share_of_a_thousand_or_a_change():
    assert units.per_mille_kind("‰", "婴儿死亡率") == ("share", 1000.0)
    assert units.per_mille_kind("‰", "人口自然增长率") == ("change", 1000.0)
    assert units.per_mille_kind("%", "婴儿死亡率") is None and percent_kind("‰", "婴儿死亡率") is None
    share = _paths([998, 999, 999.5, 999.8], "食品抽检合格率", "‰")
    assert share.bounds == Bounds(0.0, 1000.0) and share.paths.max() <= 1000.0  # was median 1003, q97.5 1280
    natural = _paths([3.1, 2.5, 1.9, 1.4], "人口自然增长率", "‰")
    assert natural.bounds.lower is None and (natural.paths[:, -1] < 0).mean() > 0.2  # was forced >= 0


# ----------------------------------------------------------------------------- 3. growth rates
def test_growth_rate_of_a_quantity_never_falls_below_minus_100():
    sf = _paths([12.0, 8.5, -3.2, 4.1], "市场主体增长率", "%")
    assert sf.bounds.lower == -100.0 and sf.paths.min() >= -100.0  # 2.6 % of the paths were below
    # an ordinary rate keeps its forecast: 7.96 (80 % 5.68-10.17) in 2026 before (the same model,
    # pooled_drift: auto now gives growth rates growth_rate, tests/test_growth_rates_s37.py)
    sf = _paths([7.2, 8.1, 6.5, 7.7], "研发经费投入年均增长", "%", model="pooled_drift")
    first = np.quantile(sf.paths[:, 0], [0.1, 0.5, 0.9])
    np.testing.assert_allclose(first, [5.68, 7.96, 10.17], atol=0.15)


@pytest.mark.parametrize("unit,name,growth", [
    ("%", "市场主体增长率", True), ("%", "社会消费品零售总额年均增速", True), ("%", "居民消费价格涨幅", True),
    ("%/年", "研发经费投入增长", True), ("%", "单位GDP能耗下降", False), ("百分点", "研发投入强度增长", False),
    ("%", "规上工业企业利润总额增长", False), ("%", "城乡居民收入差", False), ("%", "抽检合格率", False),
])
def test_which_rates_are_growth_rates(unit, name, growth):
    assert units.is_growth_rate(unit, name) is growth
    assert (Bounds.for_unit(unit, [1.0], name=name).lower == -100.0) is growth


# ----------------------------------------------------------------------------- 4. level shifts
def _read_warnings(values, name="规上企业数", unit="家", years=None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.read_history(_history(values, name, unit, years))
    return [str(w.message) for w in caught if issubclass(w.category, InconsistentDataWarning)]


def test_a_level_shift_is_warned_with_year_and_ratio():
    found = [m for m in _read_warnings([3, 3, 40, 41]) if "口径" in m]
    assert len(found) == 1
    assert "测试区/x (规上企业数)" in found[0] and "2024年为2023年的13倍（3 → 40），是否口径变化？" in found[0]
    down = [m for m in _read_warnings([4100, 4000, 300, 310], "个体工商户数", "户") if "口径" in m]
    assert down and "2024年为2023年的1/13" in down[0]


@pytest.mark.parametrize("values,name,unit", [
    ([10, 12, 15, 18], "规上企业数", "家"),            # steady growth
    ([1, 2, 4, 8, 16], "有效发明专利", "件"),          # doubling every year
    ([3, 3, 40, 3, 3], "规上企业数", "家"),            # a spike up and back: the spike warning's case
    ([2.0, 2.5, 12.0, 11.0], "市场主体增长率", "%"),   # a rate of change: its steps are no ratio of levels
    ([3, 3, 40], "规上企业数", "家"),                  # two steps: too short to tell
])
def test_no_level_shift_warning_without_one(values, name, unit):
    assert not [m for m in _read_warnings(values, name, unit, list(range(2026 - len(values), 2026)))
                if "口径" in m]
