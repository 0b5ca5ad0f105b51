"""Awkward short-series shapes (session 37): a level shift and gaps. All series SYNTHETIC."""
import warnings

import numpy as np
import pandas as pd
import pytest

from mstarget.forecast import forecast_paths
from mstarget.pooling import peer_prior


def _paths(years, values, h, unit="家", **kw):
    hist = pd.DataFrame({"region": "测试区", "indicator": "x", "unit": unit, "year": years, "value": values})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return forecast_paths(hist, h, seed=0, **kw)[0]


def test_level_shift_rule():
    from mstarget.forecast import level_shift_index  # the rule, public for the level-shift warning too
    assert level_shift_index(np.log([3, 3, 40, 41])) == 1
    assert level_shift_index(np.log([300, 310, 4000, 4100, 4200])) == 1
    assert level_shift_index(np.log([50, 52, 54, 70, 58])) is None  # a noisy year, not 3x
    assert level_shift_index(np.log([3, 40, 41])) is None  # two changes: too few to tell
    assert level_shift_index(np.log([3, 9.5, 30, 95])) is None  # steady tripling: every change alike
    assert level_shift_index(np.log([3, 3, 40, 3, 3])) is None  # a spike up and back


def test_level_shift_is_not_extrapolated_as_a_trend():
    # SYNTHETIC: 3, 3, 40, 41 家 (a change of scope in 2024): the median five years on stayed ~80x the
    # last value (3286) when the jump was read as a yearly growth rate
    sf = _paths([2022, 2023, 2024, 2025], [3, 3, 40, 41], 5)
    med = np.median(sf.paths[:, -1])
    assert 0.8 * 41 < med < 1.3 * 41
    assert any("level shift" in n for n in sf.notes)


def test_gap_is_not_read_as_smooth_years():
    # SYNTHETIC: a plan with only its 基数 (2020: 50) and a 2023 figure (61): the three interpolated
    # years made the band as narrow as four smooth observed years (80 % width 15.5 vs 15.6)
    gapped = _paths([2020, 2023], [50, 61], 2, unit="件/万人").paths[:, -1]
    smooth = _paths([2020, 2021, 2022, 2023], [50, 53.4, 57.1, 61], 2, unit="件/万人").paths[:, -1]
    w = lambda x: np.quantile(x, 0.9) - np.quantile(x, 0.1)
    assert w(gapped) > 1.2 * w(smooth)


def test_gapped_peers_lend_their_observed_noise():
    # SYNTHETIC: six regions each with a 基数 and a figure three years later only, plus one with
    # two more figures; a gapped peer's interpolated years never varied, which pooled a noise of ~0
    rng = np.random.default_rng(1)
    peers = []
    for _ in range(6):
        z = np.full(4, np.nan)
        z[0], z[3] = 0.0, 0.3 + rng.normal(0, 0.2)
        peers.append(z)
    peers += [np.array([0.0, 0.2, 0.05, 0.4])]
    prior = peer_prior(peers)
    assert prior is not None and prior.noise > 0.01  # interpolated: ~1e-6
    assert prior.slope == pytest.approx(np.median([np.nansum(np.diff(p[np.isfinite(p)])) / 3 for p in peers]),
                                         rel=1e-9)


def test_gapped_plan_rows_with_peers_cover():
    # SYNTHETIC: eight regions with 基数 2020 and a 2023 figure only (the mid-term shape), forecast
    # together: their band must not collapse to the peers' interpolated (noiseless) years
    rng = np.random.default_rng(2)
    rows = []
    for k in range(8):
        v0 = 50 + 5 * k
        rows += [{"region": f"区{k}", "indicator": "x", "unit": "件/万人", "year": 2020, "value": v0},
                 {"region": f"区{k}", "indicator": "x", "unit": "件/万人", "year": 2023,
                  "value": round(v0 * np.exp(0.1 + rng.normal(0, 0.08)), 1)}]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sfs = forecast_paths(pd.DataFrame(rows), 2, seed=0)
    rel = [(np.quantile(sf.paths[:, -1], 0.9) - np.quantile(sf.paths[:, -1], 0.1)) / sf.last_value for sf in sfs]
    assert np.median(rel) > 0.05  # HEAD: ~0.01 of the level
