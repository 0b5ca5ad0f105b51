"""Yearly counts that come in lumps: ``event_rate`` reads how over-dispersed they are (session 41).

A 〈〉 row's yearly additions counted in whole things (新增制定标准 项/年) go to ``event_rate`` since this
session; standards are issued in batches (0, 12, 1, 9 项), and Poisson counts gave such a history an 80 %
band of 2-9 a year. The model now reads a dispersion (pooled across the regions of the indicator in the
call, shrunk to Poisson's 1; a series alone, its own moments shrunk to 1) and draws negative-binomial counts.

Data: SYNTHETIC, seeded -- negative-binomial (or Poisson) yearly flows drawn here, labelled as such.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.forecast import forecast_paths
from mstarget.models import EventRateModel


def _flows(phi: float, years: int, regions: int, seed: int, *, ahead: int = 5, pooled: bool = True):
    """SYNTHETIC yearly additions (项/年, measure flow) of ``regions`` regions, mean 0.3-8 a year,
    variance ``phi`` x mean (negative binomial; Poisson at 1); the history and the ``ahead`` years after."""
    rng = np.random.default_rng([seed, years, int(10 * phi)])
    mu = rng.uniform(0.3, 8.0, regions)
    lam = (rng.gamma(mu[:, None] / (phi - 1), phi - 1, size=(regions, years + ahead)) if phi > 1
           else np.broadcast_to(mu[:, None], (regions, years + ahead)))
    y = np.minimum(rng.poisson(lam), 20)
    hist = pd.DataFrame({"region": np.repeat([f"合成区{i}" for i in range(regions)], years),
                         "indicator": ["新增标准" if pooled else f"新增标准{i}" for i in range(regions) for _ in range(years)],
                         "name": "新增制定标准", "unit": "项/年", "measure": "flow",
                         "year": np.tile(np.arange(2015, 2015 + years), regions), "value": y[:, :years].ravel()})
    return hist, {f"合成区{i}": y[i, years:] for i in range(regions)}


def _coverage(hist, future, ahead=5):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paths = forecast_paths(hist, ahead, n_paths=500, seed=1)
    models = [sf.model for sf in paths]
    # a few draws trend by chance (forecast.has_count_trend at 5 %): auto carries those on with small_count
    assert set(models) <= {"auto:event_rate", "auto:small_count"} and models.count("auto:event_rate") >= 0.85 * len(models)
    cov = {}
    for lv in (80, 95):
        a = (1 - lv / 100) / 2
        inside = [(future[sf.region] >= np.quantile(sf.paths, a, axis=0))
                  & (future[sf.region] <= np.quantile(sf.paths, 1 - a, axis=0)) for sf in paths]
        cov[lv] = float(np.mean(inside))
    return cov


@pytest.mark.parametrize("phi, years", [(3.0, 3), (4.0, 5), (8.0, 8)])
def test_lumpy_yearly_flows_of_a_provinces_regions_are_covered_by_their_bands(phi, years):
    """SYNTHETIC: 150 regions of one indicator, yearly additions with variance 3-8 times the mean, 3-8 years
    of history, 1-5 years ahead. Poisson bands covered 0.53-0.67 at 80 % and 0.68-0.81 at 95 %; with the
    pooled dispersion near nominal (whole-number bands cover Poisson counts 0.88-0.92 at 80 %)."""
    hist, future = _flows(phi, years, 150, seed=11)
    cov = _coverage(hist, future)
    assert 0.75 <= cov[80] <= 0.93, cov
    assert 0.90 <= cov[95] <= 0.99, cov


def test_poisson_flows_keep_their_coverage():
    """SYNTHETIC Poisson yearly flows of 150 regions: the dispersion stays about 1, the bands as before."""
    hist, future = _flows(1.0, 5, 150, seed=12)
    cov = _coverage(hist, future)
    assert 0.80 <= cov[80] <= 0.93 and 0.93 <= cov[95] <= 0.99, cov


def test_standards_issued_in_batches_get_a_band_that_holds_a_batch():
    """0, 12, 1, 9 项 a year (SYNTHETIC), one district alone: Poisson counts gave an 80 % band of 2-9 a year,
    below a batch of 12 that came a few years ago; the series' own dispersion (3.3, shrunk to Poisson) widens it."""
    hist = pd.DataFrame({"region": "合成市", "indicator": "x", "name": "新增制定标准", "unit": "项/年",
                         "year": range(2024, 2028), "value": [0, 12, 1, 9], "measure": "flow"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = mt.forecast(hist, horizon=3, levels=(80,), seed=0)
    assert set(f["model"]) == {"auto:event_rate"}
    assert (f["hi_80"] >= 12).all() and (f["lo_80"] <= 1).all(), f[["lo_80", "hi_80"]]
    assert EventRateModel().fit(np.array([0.0, 12, 1, 9])).dispersion_ == pytest.approx(3.3, abs=0.05)


def test_a_steady_region_among_lumpy_peers_gets_their_lumpiness():
    """Three regions of one indicator in a call (SYNTHETIC): two issue standards in batches, one 2-3 a year.
    Too few for a rate prior (five), enough to pool the dispersion: the steady region's band widens
    over what its own four years give alone."""
    lumpy = {"甲区": [0, 9, 0, 8], "乙区": [7, 0, 10, 1], "丙区": [2, 3, 2, 3]}
    hist = pd.DataFrame([(r, "x", "新增制定标准", "项/年", 2024 + i, v, "flow")
                         for r, vals in lumpy.items() for i, v in enumerate(vals)],
                        columns=["region", "indicator", "name", "unit", "year", "value", "measure"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        together = mt.forecast(hist, horizon=2, levels=(80,), seed=0).set_index("region")
        alone = mt.forecast(hist[hist["region"] == "丙区"], horizon=2, levels=(80,), seed=0).set_index("region")
    width = lambda t: float((t.loc["丙区", "hi_80"] - t.loc["丙区", "lo_80"]).max())
    assert width(together) > width(alone) + 1, (together, alone)


def test_poisson_like_counts_keep_the_poisson_draws():
    """1, 0, 2, 1 起 varies no more than Poisson counts: dispersion 1, and the paths are the Poisson paths
    drawn before dispersion was read (the 零发生 and ≤1 rows of tests/test_events.py unchanged)."""
    m = EventRateModel().fit(np.array([1.0, 0, 2, 1]))
    assert m.dispersion_ == 1.0 and (m.shape_, m.exposure_) == (4.5, 4.0)
    rng = np.random.default_rng(0)
    expected = rng.poisson(rng.gamma(4.5, 1 / 4.0, size=200)[:, None], size=(200, 3)).astype(float)
    assert np.array_equal(m.sample_paths(3, 200, np.random.default_rng(0)), expected)


def test_poisson_peers_give_exactly_poisson_dispersion():
    """20 districts of Poisson counts (SYNTHETIC): the pooled ratio sits above 1 by chance; the dispersion test
    keeps it at exactly 1, so a quiet district's 零发生 chance is not lowered by noise (FP2)."""
    from mstarget.models.events import pooled_dispersion
    ones = 0
    for seed in range(20):
        g = np.random.default_rng(seed)
        ys = [g.poisson(g.uniform(0.05, 3.0), 5).astype(float) for _ in range(20)]
        ones += pooled_dispersion(ys) == 1.0
    assert ones >= 17  # the test at 5 %: about 19 of 20
    lumpy = [np.array([0, 12, 1, 9, 0.0]), np.array([8, 0, 0, 10, 1.0]), np.array([0, 0, 9, 0, 7.0])]
    assert pooled_dispersion(lumpy) > 3
