"""``pooled_drift``: a drift model for short series that borrows its peers' trend and noise.

Short plan indicators (1-7 yearly points) move steadily, and their trend usually persists over the
few years a plan looks ahead, so the model is a random walk with drift on the model scale (log /
logit: a constant growth rate), without the damping that suits business series. What a handful of
points cannot give, the other regions of the same indicator can (:mod:`mstarget.pooling`):

* **slope** ``b``: the series' yearly change ``b_i`` over its ``k = n - 1`` changes, each weighing
  ``RECENCY`` (3) times the one a year before it when the changes are smooth (sd at most their
  mean's size; :func:`recency_slope`: policy trends turn, and the latest changes say most about
  the next ones; a noisy series' latest change is mostly noise: equal weights), shrunk toward the
  peers' ``b0`` (their slopes weighted alike) with the empirical-Bayes weight
  ``w = tau^2 / (tau^2 + v s^2)``, ``v s^2`` the
  variance of ``b_i`` from noise (``v = 1 / k`` for equal weights); its uncertainty is
  ``1 / (1/tau^2 + 1/(v s^2))``. A single observation takes the peers' slope; a stated
  ``prior_change`` replaces ``b0``.
  Years not observed (a plan's 基数 2020 and a 2023 figure only) are not changes: the engine's
  interpolated years are left out (``observed=``), each observed change spans ``g`` years (mean
  ``g * b``, variance ``g * s^2``) and ``k`` counts observed changes. A level shift
  (:func:`level_shift_index`: 3, 3, 40, 41) is left out of ``b_i`` but kept in the noise. A
  one-year spike (:func:`spike_index`: 10, 11, 25, 12, 13 亿元 -- a figure up and back down, or down
  and back up, by far more than the series' other changes) is left out of the trend, as a year not
  observed (11 -> 12 is one change over two years), and kept in the noise as a deviation from the
  line through its neighbours of at most ``SPIKE_CAP`` (log 2, Huber-like), and the row's note asks
  whether the figure is an entry error. Its up-and-down pair made the noise: the 5-year 80 % band
  of that series was 0-1,076 亿元, 0-57,892 with 55 (10.7-28.6 without the spike); now 0.9-316
  whatever the spike's size. Left out of the noise too, the spike's 80 % / 95 % bands held 0.65 /
  0.82 of the outcomes of the real windows the rule changes (``experiments/plan_regime/spikes.py``,
  4-5 points, 1-3 years ahead): a series with a spike is a volatile series. With the cap at
  log 1.5: 0.79 / 0.92; at log 2: 0.86 / 0.94; kept whole: 0.89 / 0.95 (bands twice as wide).
* **noise** ``s``: the variance of the series' own changes pooled with the peers' ``s0^2`` worth
  ``PRIOR_DOF`` pseudo-changes; without peers, with a prior of the series' own scale -- its mean
  absolute yearly change (at least a tenth of the transform's generic ``noise_prior``, ~15 % a year
  for counts, which a single observation gets) -- worth ``ALONE_DOF``. Over a plan's few years
  the risk for a steady series is its trend changing, which scales with the trend itself: a stock
  growing 12 % a year and an index creeping up 0.5 % a year must not get the same fan.
  Nor is the noise ever below what the reporting unit hides (``resolution``, one unit on the
  model scale, :mod:`mstarget.precision`): a count reported 5, 5, 5, 5 moved by less than one a
  year, not by nothing, so its yearly changes get at least the variance of a difference of two
  rounded figures, ``resolution^2 / 6``.

Sample paths draw a slope and a noise scale per path (scaled-inverse-chi-square, so t-like tails)
and accumulate yearly changes: the fan widens with both the noise (``~ sqrt(h)``) and the slope's
uncertainty (``~ h``). Interval widths are then calibrated (:mod:`mstarget.calibration`, classes
by length, smoothness and whether peers exist, learned on real policy-indicator panels).
"""
from __future__ import annotations

from typing import ClassVar, Sequence

import numpy as np

from .base import Forecaster, check_series

PRIOR_DOF = 4.0  # pseudo-changes the peers' pooled noise is worth
ALONE_DOF = 4.0  # pseudo-changes the own-scale noise prior is worth (no peers)
ALONE_FLOOR = 0.1  # the own-scale prior is at least this share of the transform's noise_prior
DEPARTURE_Z = 3.0  # a series' own slope this many s.d. from its peers' is noted (pooling overrides it)
SHIFT_RATIO = 3.0  # a level shift: one change by more than this factor (log 3 on the model scale) ...
SHIFT_OTHERS = 5.0  # ... and more than this many times the median size of the other changes
SHIFT_MIN_CHANGES = 3  # ... among at least this many changes
SPIKE_RATIO = 1.5  # a one-year spike: both changes around one interior year larger than this factor (log 1.5) ...
SPIKE_OTHERS = SHIFT_OTHERS  # ... and more than this many times the median size of the other changes ...
SPIKE_CANCEL = 0.5  # ... of opposite sign, their sum less than this share of the smaller one (back near the level)
SPIKE_CAP = np.log(2.0)  # in the noise, a spike counts as a deviation of at most this (Huber-like)
#: a yearly change weighs this many times the change a year before it in a short series' slope (and its peers'):
#: trends of policy indicators turn, and the latest changes say most about the next ones (:func:`recency_slope`)
RECENCY = 3.0
RECENCY_SMOOTH_MAX = 1.0  # ... in a series whose changes' sd is at most this times their mean (else equal weights)


def recency_weight(d: np.ndarray, g: np.ndarray) -> float:
    """``RECENCY`` for a series whose yearly changes ``d / g`` (model scale) are smooth -- their sd at
    most ``RECENCY_SMOOTH_MAX`` (1) times their mean's size, the calibration's smooth classes -- else 1
    (equal weights). In a noisy series the latest change is mostly noise (a tourism count that fell
    by half one year and recovered the next): weighting it up would carry a one-year shock forward."""
    if d.size < 2:
        return RECENCY
    rate = d / g
    mean = float(d.sum() / g.sum())
    sd = float(np.std(rate, ddof=1))
    return RECENCY if abs(mean) > 1e-12 and sd <= RECENCY_SMOOTH_MAX * abs(mean) else 1.0


def recency_slope(d: np.ndarray, g: np.ndarray, keep: np.ndarray | None = None, *,
                  volatile: bool = False) -> tuple[float, float]:
    """A series' yearly slope from its observed changes ``d`` (model scale, oldest first; change ``j``
    spans ``g[j]`` years), each weighing ``RECENCY`` times the one ending a year earlier (a smooth
    series; a noisy one equal weights, :func:`recency_weight`); and the factor ``v`` such that the
    slope's variance from yearly noise ``s^2`` is ``v * s^2``. ``keep``:
    a mask of the changes that count (a level shift left out keeps its years in the others' ages);
    ``volatile``: equal weights whatever the changes (a series with a one-year spike: its changes
    without the spike may look smooth, its noise does not).

    With equal weights the slope is the mean change ``sum(d) / sum(g)`` and ``v = 1 / sum(g)``; with
    ``RECENCY`` 3 three consecutive changes weigh 1/13, 3/13 and 9/13 (``v`` 0.54 against 0.33), and
    a single change is the slope either way. Why: policy trends turn (a fertiliser use that has
    stopped growing, a budget share that has started to fall), and on the real policy corpus the
    median future yearly change follows the latest change more than the earlier ones (median
    regression on a 4-point window's three changes, model scale: 0.12, 0.34, 0.50); scored on
    plan-like targets, each held-out family's ``p_meet`` is best at the weight the other families
    choose, 3 (Brier improves from 1 to 3 and is flat to 6), ``experiments/plan_regime/recency.py``.
    """
    d, g = np.asarray(d, dtype=float), np.asarray(g, dtype=float)
    on = np.ones(d.size, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    age = g[::-1].cumsum()[::-1] - g  # years from the end of each change to the last observed year
    w = np.where(on, (1.0 if volatile else recency_weight(d[on], g[on])) ** -age, 0.0)
    wg = float((w * g).sum())
    return float((w * d).sum() / wg), float((w ** 2 * g).sum() / wg ** 2)


def level_shift_index(z) -> int | None:
    """The one change of a series that is a level shift, or ``None``.

    ``z``: the series on its model scale (log for a positive quantity, where a change of ``log 3``
    is a tripling; logit for a share), oldest first; NaN (a year not observed) is skipped. A level shift is
    one change larger than ``log(SHIFT_RATIO)`` (3x) **and** ``SHIFT_OTHERS`` (5) times the median
    size of the other changes, among at least ``SHIFT_MIN_CHANGES`` (3) changes: 3, 3, 40, 41
    (a change of scope, a merger, a new 口径), not 50, 52, 54, 70, 58 (a noisy year), and exactly one
    such change (3, 3, 40, 3, 3 is a spike; :func:`mstarget.consistency.level_shift` warns of the same
    shape on the natural values, step sizes in the indicator's unit). Returns the
    index into ``np.diff`` of the observed values (the shift happened between the observed values
    ``index`` and ``index + 1``).
    """
    z = np.asarray(z, dtype=float)
    d = np.diff(z[np.isfinite(z)])
    if d.size < SHIFT_MIN_CHANGES:
        return None
    a = np.abs(d)
    found = [j for j in range(a.size)
             if a[j] > np.log(SHIFT_RATIO) and a[j] > SHIFT_OTHERS * float(np.median(np.delete(a, j)))]
    return found[0] if len(found) == 1 else None  # two: a spike up and back (3, 3, 40, 3, 3), not a shift


def spike_index(z) -> int | None:
    """The one observed value of a series that is a one-year spike, or ``None``.

    ``z``: the series on its model scale (log, logit), oldest first; NaN (a year not observed) is
    skipped. A spike is an interior value whose two changes -- into it and out of it -- are both
    larger than ``log(SPIKE_RATIO)`` (a rise by half, or a fall by a third), both more than
    ``SPIKE_OTHERS`` (5) times the median size of the series' other changes, of opposite sign, and
    largely cancelling (their sum less than ``SPIKE_CANCEL``, half, of the smaller one), among at
    least ``SHIFT_MIN_CHANGES`` (3) changes, and exactly one such value: 10, 11, 25, 12, 13 (or
    10, 11, 3, 12, 13), not 50, 52, 54, 70, 58 (70 is 1.3 times 54), not 3, 5, 4, 6 (every change
    alike), not 3, 3, 40, 41 (a level shift, :func:`level_shift_index`). The factor 1.5 is half of
    ``SHIFT_RATIO`` on the log scale's natural terms (a spike is two such changes, each at least
    the size a figure typed one digit off or in the wrong unit gives); on the real corpus
    (``experiments/plan_regime/spikes.py``) it flags about 1 % of 4-7-point windows. Returns the
    index among the observed (finite) values.
    """
    z = np.asarray(z, dtype=float)
    d = np.diff(z[np.isfinite(z)])
    if d.size < SHIFT_MIN_CHANGES:
        return None
    a = np.abs(d)
    found = []
    for j in range(d.size - 1):  # the value j + 1, between the changes j and j + 1
        pair = a[j:j + 2]
        others = np.delete(a, [j, j + 1])
        if (d[j] * d[j + 1] < 0 and pair.min() > np.log(SPIKE_RATIO)
                and pair.min() > SPIKE_OTHERS * float(np.median(others))
                and abs(d[j] + d[j + 1]) < SPIKE_CANCEL * pair.min()):
            found.append(j + 1)
    return found[0] if len(found) == 1 else None


def _spike_note(years_before_last: int, year: int | None = None) -> str:
    """The row's note on a one-year spike, naming the calendar ``year`` when the caller knows it
    (:func:`mstarget.forecast` does: :attr:`PooledDriftModel.spike_back_` years before the last)."""
    when = "the year before the last" if years_before_last == 1 else f"the year {years_before_last} years before the last"
    zh = f"倒数第{years_before_last + 1}年"  # the last year is 倒数第1年
    if year is not None:
        when, zh = str(year), f"{year}年"
    return (f"the figure of {when} is a one-year spike, far above or below both neighbouring years: left out of the "
            "trend as a year not reported and counted in the band as a limited deviation -- is it an entry error? "
            f"(历史数据中{zh}的数值明显偏离前后两年，按一次性异常值处理：不计入趋势，仅有限计入不确定性；"
            "如为录入错误请更正，如为真实的一次性冲击请核实)")


def spike_kept_note(year: int) -> str:
    """The row's note on a one-year spike in ``year`` of a series a model other than ``pooled_drift`` forecast (the
    ensemble of 8+ points): the figure is kept as it is by that model, and asked about."""
    return (f"the figure of {year} is a one-year spike, far above or below both neighbouring years, kept in the "
            f"forecast as reported -- is it an entry error? (历史数据中{year}年的数值明显偏离前后两年；"
            "如为录入错误请更正，如为真实的一次性冲击请核实)")


def _shift_note(years_before_last: int) -> str:
    when = ("into the last year" if years_before_last == 0
            else f"into the year {years_before_last} year(s) before the last")
    return (f"one jump {when} is taken as a level shift (a change of scope or 口径?), not as a trend: the "
            "trend comes from the other changes and the jump widens the band（历史中有一次水平突变，"
            "趋势按其余各年的变化估计，突变计入不确定性；如为口径变化，请核实）")


def _observed(y: np.ndarray, observed) -> np.ndarray:
    if observed is None:
        return np.ones(y.size, dtype=bool)
    obs = np.asarray(observed, dtype=bool)
    if obs.shape != y.shape or not obs[0] or not obs[-1]:
        raise ValueError("observed must be a mask of the series' years with its first and last year observed")
    return obs


class PooledDriftModel(Forecaster):
    """Random walk with an empirical-Bayes pooled drift (see module docstring).

    ``fit(y, noise_prior=..., peer=PeerPrior | None, resolution=0.0)``; :meth:`fit_many` takes
    ``peers`` (one :class:`~mstarget.pooling.PeerPrior` or ``None`` per series) and ``resolutions``
    (one reporting unit on the model scale per series, 0 for none).
    """

    name = "pooled_drift"
    min_points = 1
    uses_peers: ClassVar[bool] = True
    #: ``fit`` takes ``observed=`` (the years actually observed; the engine fills gaps)
    uses_gaps: ClassVar[bool] = True

    def fit(self, y, *, noise_prior=1.0, peer=None, resolution=0.0, observed=None):
        y = check_series(y, "PooledDriftModel")
        obs = _observed(y, observed)
        t = np.flatnonzero(obs)
        spike = spike_index(y[t])
        spike_note, spike_ss = None, 0.0
        self.spike_back_ = None  # years before the last of a one-year spike (a note's year), or None
        if spike is not None:  # out of the trend as a year not observed; in the noise downweighted
            self.spike_back_ = int(t[-1] - t[spike])
            spike_note = _spike_note(self.spike_back_)
            (t0, ts, t1), (y0, ys, y1) = t[spike - 1:spike + 2], y[t[spike - 1:spike + 2]]
            dev = ys - (y0 + (y1 - y0) * (ts - t0) / (t1 - t0))  # off the line through its neighbours
            spike_ss = min(abs(dev), SPIKE_CAP) ** 2 * (1.0 / (ts - t0) + 1.0 / (t1 - ts))
            t = np.delete(t, spike)
        d, g = np.diff(y[t]), np.diff(t).astype(float)  # observed changes, each over g years
        k = d.size
        self.last_, self.n_ = float(y[-1]), int(t.size)
        self.peer_, self.notes_ = peer, [spike_note] if spike_note else []
        years = float(g.sum())
        if peer is not None:
            s2_prior, nu0 = peer.noise ** 2, PRIOR_DOF
        else:
            scale = float(np.abs(d).sum()) / years if k else float(noise_prior)
            s2_prior, nu0 = max(scale, ALONE_FLOOR * float(noise_prior)) ** 2, ALONE_DOF
        mean = float(d.sum()) / years if k else 0.0  # the noise is the changes' spread around their mean
        # a change over g years: mean g * slope, variance g * noise^2 (consecutive years: g = 1)
        own_ss = (float((((d - g * mean) ** 2) / g).sum()) if k >= 2 else 0.0) + spike_ss
        own_dof = max(k - 1, 0) + (spike is not None)
        self.nu_ = nu0 + own_dof
        self.s2_ = max((nu0 * s2_prior + own_ss) / self.nu_, float(resolution) ** 2 / 6.0)
        if k == 0:
            if peer is not None:
                self.slope_, self.slope_var_ = peer.slope, peer.slope_sd ** 2
            else:  # nothing known about the trend: as uncertain as a year's noise
                self.slope_, self.slope_var_ = 0.0, self.s2_
        else:
            jump = level_shift_index(y[t])
            keep = None
            if jump is not None:  # the trend from the other changes; the jump stays in the noise
                keep = np.arange(k) != jump
                self.notes_.append(_shift_note(int(t[-1] - t[jump + 1])))
            # the latest changes weigh most -- not in a series with a spike: a volatile series
            b, v_factor = recency_slope(d, g, keep, volatile=spike is not None)
            v = self.s2_ * v_factor
            if peer is not None:
                t2 = peer.slope_sd ** 2
                self.slope_ = (t2 * b + v * peer.slope) / (t2 + v)
                self.slope_var_ = 1.0 / (1.0 / t2 + 1.0 / v)
                self._note_departure(b, k, np.sqrt(t2 + v))
            else:
                self.slope_, self.slope_var_ = b, v
        return self

    def _note_departure(self, own: float, k: int, sd: float) -> None:
        """Say so when the series' own trend lies far outside its peers' (more than
        ``DEPARTURE_Z`` standard deviations of a region's slope around theirs, counting its own
        noise) and pooling reverses it or takes away more than half of it: the forecast then
        follows the peers, which a reader of a region falling three years running among growing
        peers must be told."""
        peer = self.peer_
        z = (own - peer.slope) / sd if sd > 0 else 0.0
        reversed_or_halved = (np.sign(self.slope_) != np.sign(own)) or abs(self.slope_ - own) > 0.5 * abs(own)
        if abs(z) > DEPARTURE_Z and reversed_or_halved and own != 0:
            way = "falls" if own < 0 else "rises"
            spike = [n for n in self.notes_ if n.startswith("the figure of")]  # an entry error to check stays said
            self.notes_ = spike + [f"its own {k} yearly changes ({way}) depart from the trend of the indicator's "
                           f"{peer.n_peers} regions by {abs(z):.1f} standard deviations; the forecast follows "
                           "their trend more than its own, and its band is likely too narrow (on the real panels 80 % "
                           "bands of such regions held about half of the outcomes)（本地区走势与同指标其他地区明显不同，"
                           "预测主要依据其他地区的趋势，区间可能偏窄；如本地区有已知的特殊原因，可在 prior_change 中给出预期年变化）"]

    @classmethod
    def fit_many(cls, ys: Sequence[np.ndarray], noise_priors: Sequence[float], *, peers=None,
                 resolutions=None, observed=None, **params):
        return cls.fit_shared(ys, noise_priors, None, peers=peers, resolutions=resolutions,
                              observed=observed, **params)

    @classmethod
    def fit_shared(cls, ys, noise_priors, shared, *, peers=None, resolutions=None, observed=None, **params):
        """Per series, with its pooled prior (``peers``, learned before: :mod:`mstarget.pooling`),
        its reporting unit on the model scale (``resolutions``) and which of its years were observed
        (``observed``: a boolean mask per series, ``None`` for every year)."""
        peers = peers if peers is not None else [None] * len(ys)
        resolutions = resolutions if resolutions is not None else [0.0] * len(ys)
        observed = observed if observed is not None else [None] * len(ys)
        return [cls(**params).fit(y, noise_prior=p, peer=q, resolution=r, observed=o)
                for y, p, q, r, o in zip(ys, noise_priors, peers, resolutions, observed)]

    def predict(self, h):
        return self.last_ + self.slope_ * np.arange(1, h + 1)

    def sample_paths(self, h, n_paths, rng):
        chi = rng.chisquare(self.nu_, size=n_paths)
        sig = np.sqrt(self.s2_ * self.nu_ / np.maximum(chi, 1e-12))
        # the slope's uncertainty scales with the drawn noise (conjugate normal-inverse-chi2)
        rel = np.sqrt(self.slope_var_ / max(self.s2_, 1e-24))
        slope = self.slope_ + rng.standard_normal(n_paths) * rel * sig
        steps = slope[:, None] + rng.standard_normal((n_paths, h)) * sig[:, None]
        return self.last_ + np.cumsum(steps, axis=1)
