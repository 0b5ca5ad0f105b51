"""Session 37: the calibration stretch near a bound is capped in natural units (calibration.apply)."""
import numpy as np

from mstarget.calibration import apply
from mstarget.transforms import LogitTransform, LogTransform

F = np.array([[1.66, 2.16]] * 5)  # the shipped plan-table stretch of "5-6 pts, irregular, alone" near h=5


def _paths(t, centre, sd, n=2000, seed=0):
    rng = np.random.default_rng(seed)
    z0 = float(t.forward(np.array([centre]))[0])
    return z0 + sd * np.cumsum(rng.standard_normal((n, 5)), axis=1) / np.sqrt(5)


def test_share_at_100_lower_bound_not_exploded_by_stretch():
    # a rate 100, 100, 99.2, 100, 100 %: logit with the series' own offset (0.8 point) above 100
    t = LogitTransform(0.0, 100.0, offsets=(0.0, 0.8))
    z = _paths(t, 99.9, 1.0)
    raw = t.inverse(z)[:, -1]
    out = t.inverse(apply(z, F, z_last=float(t.forward(np.array([100.0]))[0]), transform=t))[:, -1]
    med = np.median(raw)
    lo_raw, lo_out = np.quantile(raw, 0.025), np.quantile(out, 0.025)
    # the 95 % band reaches at most 2.16 times as far below the median as the raw one, in points
    assert med - lo_out <= 2.16 * (med - lo_raw) + 1e-6
    # the stretch on the logit alone would square the distance ratio: far below that
    old = np.quantile(t.inverse(apply(z, F))[:, -1], 0.025)
    assert old < lo_out - 10
    assert abs(np.median(out) - np.median(raw)) < 1e-6  # the median is not moved


def test_share_away_from_bound_and_counts_unchanged():
    t = LogitTransform(0.0, 100.0)
    z = _paths(t, 60.0, 0.3)
    zl = float(t.forward(np.array([60.0]))[0])
    np.testing.assert_array_equal(apply(z, F, z_last=zl, transform=t), apply(z, F, z_last=zl))
    # 97.5 % is more than 2 points from 100: not near the bound either
    zl = float(t.forward(np.array([97.5]))[0])
    np.testing.assert_array_equal(apply(z, F, z_last=zl, transform=t), apply(z, F, z_last=zl))
    lt = LogTransform(0.0)
    zc = _paths(lt, 1.0, 0.5)
    np.testing.assert_array_equal(apply(zc, F, z_last=0.0, transform=lt), apply(zc, F, z_last=0.0))


def test_near_lower_bound_capped_too():
    t = LogitTransform(0.0, 100.0)  # a share near 0 % (open defecation 0.6 %)
    z = _paths(t, 0.6, 0.8)
    raw = t.inverse(z)[:, -1]
    out = t.inverse(apply(z, F, z_last=float(t.forward(np.array([0.6]))[0]), transform=t))[:, -1]
    med = np.median(raw)
    assert np.quantile(out, 0.975) - med <= 2.16 * (np.quantile(raw, 0.975) - med) + 1e-6
    assert out.min() >= 0.0
