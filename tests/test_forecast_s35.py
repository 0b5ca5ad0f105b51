"""Forecasts refuse what they cannot honour (session 35, prober p5). Figures SYNTHETIC, generated here."""
from __future__ import annotations

import pandas as pd
import pytest

import mstarget as mt


def _history(values, unit="", name="比率"):
    return pd.DataFrame({"region": "鼎湖区", "indicator": "x", "name": name, "unit": unit,
                         "year": range(2023 - len(values), 2023), "value": values})


def test_values_outside_declared_bounds_are_refused_not_forecast_at_the_bound():
    """bounds=(0, 1) beside values 5, 6, 7: every quantile came out 1.0, silently."""
    with pytest.raises(mt.DataValidationError) as err:
        mt.forecast(_history([5.0, 6.0, 7.0]), horizon=3, bounds={"x": (0, 1)})
    assert "鼎湖区/x: 2020 is 5, outside its bounds [0, 1]" in str(err.value)
    fc = mt.forecast(_history([0.5, 0.6, 0.7]), horizon=3, bounds={"x": (0, 1)})
    assert fc["hi_95"].max() <= 1.0 and fc["median"].iloc[-1] > 0.7


def test_too_few_regions_to_pool_is_said_not_silent():
    """Four districts rising 5 points a year and one with a single point (SYNTHETIC): with 4 peers no
    pooled prior forms (5 needed), and the single point was forecast alone without a word; with a
    fifth peer its forecast borrows their rise."""
    rows = [{"region": r, "indicator": "kitchens", "name": "“明厨亮灶”覆盖率", "unit": "%", "year": y,
             "value": v0 + 5 * (y - 2020)} for r, v0 in (("端州区", 50), ("高要区", 60), ("四会市", 40), ("广宁县", 45))
            for y in (2020, 2021, 2022)]
    lone = {"region": "鼎湖区", "indicator": "kitchens", "name": "“明厨亮灶”覆盖率", "unit": "%", "year": 2022,
            "value": 55}
    with pytest.warns(mt.FewPeersWarning, match=r"too few regions to pool for kitchens \(4 with a yearly change\)"):
        mt.forecast(pd.DataFrame(rows + [lone]), horizon=3)
    rows += [{"region": "怀集县", "indicator": "kitchens", "name": "“明厨亮灶”覆盖率", "unit": "%", "year": y,
              "value": 30 + 5 * (y - 2020)} for y in (2020, 2021, 2022)]
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fc = mt.forecast(pd.DataFrame(rows + [lone]), horizon=3)
    assert not any("too few regions" in str(w.message) for w in caught)
    assert fc[(fc["region"] == "鼎湖区") & (fc["year"] == 2025)]["median"].iloc[0] > 62


def test_a_reference_panel_of_other_indicators_raises_no_few_peers_warning_for_them():
    """A reference panel whose indicators the call does not forecast (SYNTHETIC: two regions of 'other')
    lent no peers; the warning named ITS indicators as too few to pool."""
    import warnings
    reference = pd.DataFrame([{"region": r, "indicator": "other", "year": y, "value": 10.0 + y - 2018}
                              for r in ("甲", "乙") for y in (2019, 2020, 2021)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.forecast(_history([50.0, 52.0, 55.0], unit="%", name="覆盖率"), horizon=2, reference=reference)
    assert not [w for w in caught if "too few regions" in str(w.message)]
