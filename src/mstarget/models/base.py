"""The one contract every forecasting model follows.

A model works on **one series on the model scale** (already transformed, see
:mod:`mstarget.transforms`), as a numpy array of yearly values with no gaps::

    m = DriftModel().fit(y, noise_prior=0.15)      # y: shape (n,)
    m.predict(h)                                   # point forecast, shape (h,)
    m.sample_paths(h, n_paths, rng)                # joint sample paths, shape (n_paths, h)

Sample paths are joint over the horizon (year-to-year dependence is kept), which the
``increment`` kind needs to sum flows. ``rng`` is a :class:`numpy.random.Generator`; models use no
other randomness, so the same generator state gives the same paths.

Short series and honest noise
-----------------------------
Noise scales are estimated with a weak prior worth ``PRIOR_WEIGHT`` pseudo-residuals of size
``noise_prior`` (the caller's guess of a typical yearly change on the model scale), and each
path draws its own scale from the scaled-inverse-chi-square posterior. With many residuals the
data dominate; with one or two the prior keeps intervals wide instead of absurdly narrow, and
the Student-t-like tails reflect that the scale itself is uncertain.

Models that learn across the series handed over together (the global model, the ``rate`` model's
pooled errors, an ensemble with a global member) split :meth:`Forecaster.fit_many` in two:
:meth:`Forecaster.learn_shared` (once, on every series: what is learned across them) and
:meth:`Forecaster.fit_shared` (per series, given that; any subset of the series in any order gives
each series the same model). The engine runs the first in the calling process and the second on
chunks of series on worker processes (:mod:`mstarget.engine`), so results do not depend on how the
series are split.
"""
from __future__ import annotations

import contextlib
import difflib
from abc import ABC, abstractmethod
from typing import ClassVar, Iterator, Mapping, Sequence

import numpy as np

from ..exceptions import ModelFitError, MstargetError, ParameterError
from .params import Constraint

PRIOR_WEIGHT = 4.0  # pseudo-residuals the noise prior is worth (t-tails with >= 4 dof)


class Forecaster(ABC):
    """Base class: ``fit`` one series, then ``predict`` / ``sample_paths``.

    Subclasses set ``name`` (the registry name, also written to the result's ``model`` column),
    ``min_points`` (fewer points make the engine fall back to a simpler model with a
    :class:`~mstarget.exceptions.ShortHistoryWarning`) and ``parameters`` (the keyword arguments
    of ``__init__`` and their allowed values, :mod:`mstarget.models.params`; a spec is checked
    against it when it is resolved). A fit that fails raises
    :class:`~mstarget.exceptions.ModelFitError` (see :func:`fitting`), the only error the engine
    turns into a recorded fallback. A fitted model may say in ``notes_`` (a list of short
    sentences) what it did instead of what its name says, e.g. a member that dropped out; the
    engine copies them to the result's notes.
    """

    name: ClassVar[str] = "base"
    min_points: ClassVar[int] = 1
    #: keyword arguments of ``__init__`` -> allowed values (checked by :meth:`check_params`)
    parameters: ClassVar[dict[str, Constraint]] = {}
    #: what a fitted model did differently from what its name says (copied to the result's notes)
    notes_: Sequence[str] = ()
    #: transform this model prefers for an unbounded positive series (``"log"`` or ``None``)
    prefer_transform: ClassVar[str | None] = None

    #: models that need the series' natural bounds (e.g. Prophet's logistic growth) set this; the
    #: engine then fits them one series at a time and calls :meth:`use_bounds` before ``fit``
    needs_bounds: ClassVar[bool] = False

    def get_params(self) -> dict:
        return {}

    @classmethod
    def check_params(cls, params: Mapping, *, owner: str | None = None) -> None:
        """Refuse an unknown parameter or a bad value with a :class:`ParameterError` naming the
        model (``owner``, default its name), the parameter and what is allowed."""
        owner = owner or cls.name
        for key, value in params.items():
            rule = cls.parameters.get(key)
            if rule is None:
                allowed = list(cls.parameters)
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else "."
                choices = (f" Its parameters: {', '.join(repr(k) for k in allowed)}." if allowed
                           else f" {cls.name} takes no parameters.")
                raise ParameterError(f"{owner} has no parameter {key!r}{hint}{choices}")
            if not rule.accepts(value):
                raise ParameterError.invalid(key, owner, rule.describe(), value)

    def use_bounds(self, bounds, transform) -> None:
        """Receive the series' natural :class:`~mstarget.transforms.Bounds` and the transform
        between natural and model scale (only called when ``needs_bounds``)."""

    @abstractmethod
    def fit(self, y: np.ndarray, *, noise_prior: float = 1.0) -> "Forecaster":
        """Fit on ``y`` (shape (n,), finite, model scale). Returns ``self``."""

    @abstractmethod
    def predict(self, h: int) -> np.ndarray:
        """Point forecast for the next ``h`` years, shape (h,)."""

    @abstractmethod
    def sample_paths(self, h: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """Joint sample paths for the next ``h`` years, shape (n_paths, h)."""

    @classmethod
    def fit_many(cls, ys: Sequence[np.ndarray], noise_priors: Sequence[float], **params) -> list["Forecaster"]:
        """Fit one model per series: :meth:`fit_shared` with what :meth:`learn_shared` learns
        across ``ys`` (for a local model, nothing: each series is fitted on its own)."""
        shared = cls.learn_shared(ys, noise_priors, **params)
        return cls.fit_shared(ys, noise_priors, shared, **params)

    @classmethod
    def learn_shared(cls, ys: Sequence[np.ndarray], noise_priors: Sequence[float], **params):
        """What the model learns across all ``ys`` (model scale) -- ``None`` for a local model.

        The result is pickled to worker processes: keep it small (a fitted regressor, an error
        table), never the series themselves. Keyword ``params`` are the model's parameters
        (models that take per-series arguments such as ``peers`` ignore them here).
        """
        return None

    @classmethod
    def fit_shared(cls, ys: Sequence[np.ndarray], noise_priors: Sequence[float], shared,
                   **params) -> list["Forecaster"]:
        """One fitted model per series of ``ys``, given ``shared`` (:meth:`learn_shared` of a
        superset of ``ys``); a series' model must not depend on the other series of ``ys``."""
        return [cls(**params).fit(y, noise_prior=p) for y, p in zip(ys, noise_priors)]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def check_series(y, owner: str, min_points: int = 1) -> np.ndarray:
    """``y`` as a 1-d float array; :class:`ModelFitError` if it is shorter than ``min_points`` or
    holds non-finite values."""
    y = np.asarray(y, dtype=float).ravel()
    if y.size < max(min_points, 1):
        raise ModelFitError(f"{owner} needs at least {max(min_points, 1)} point"
                            f"{'s' if min_points > 1 else ''}, got {y.size}")
    if not np.all(np.isfinite(y)):
        raise ModelFitError(f"{owner}.fit got non-finite values; fill or drop them first")
    return y


#: what a numerical routine of statsmodels / Prophet / scikit-learn raises when it cannot fit a
#: series (numpy's LinAlgError is a ValueError; cmdstanpy raises RuntimeError)
FIT_FAILURES = (ValueError, ArithmeticError, RuntimeError, IndexError)


@contextlib.contextmanager
def fitting(owner: str) -> Iterator[None]:
    """Turn a failure of a third-party fitting routine inside the block into
    :class:`ModelFitError` naming the model; mstarget's own errors (a :class:`ParameterError`)
    and anything else (a bug) pass through unchanged."""
    try:
        yield
    except MstargetError:
        raise
    except FIT_FAILURES as exc:
        raise ModelFitError(f"{owner} could not be fitted: {type(exc).__name__}: {exc}") from exc


def draw_noise_scales(resid: np.ndarray, dof_used: int, noise_prior: float, n_paths: int,
                      rng: np.random.Generator) -> np.ndarray:
    """Per-path noise standard deviations from a scaled-inverse-chi-square posterior.

    Parameters
    ----------
    resid : array, shape (m,)
        In-sample one-step residuals.
    dof_used : int
        Parameters estimated from the same data (lost degrees of freedom).
    noise_prior : float
        Prior guess of the yearly noise s.d. (model scale).

    Returns
    -------
    array, shape (n_paths,)
    """
    resid = np.asarray(resid, dtype=float)
    resid = resid[np.isfinite(resid)]
    dof = max(resid.size - dof_used, 0)
    nu = PRIOR_WEIGHT + dof
    ss = PRIOR_WEIGHT * noise_prior ** 2 + float(np.sum(resid ** 2)) * (dof / max(resid.size, 1))
    s2 = ss / nu
    chi = rng.chisquare(nu, size=n_paths)
    return np.sqrt(s2 * nu / np.maximum(chi, 1e-12))


def noise_scale(resid: np.ndarray, dof_used: int, noise_prior: float) -> float:
    """Posterior point estimate of the noise s.d. (same prior as :func:`draw_noise_scales`)."""
    resid = np.asarray(resid, dtype=float)
    resid = resid[np.isfinite(resid)]
    dof = max(resid.size - dof_used, 0)
    nu = PRIOR_WEIGHT + dof
    ss = PRIOR_WEIGHT * noise_prior ** 2 + float(np.sum(resid ** 2)) * (dof / max(resid.size, 1))
    return float(np.sqrt(ss / nu))


class SmoothingForecaster(Forecaster):
    """Base of the closed-form smoothing models (``ses_theta``, ``otm``, ``damped``, ``lgt``,
    ``robust_drift``): fitted on small parameter grids in vectorised numpy (well under a
    millisecond a series), they share one form of sample paths.

    Subclasses set ``predict`` and, in ``fit``, ``resid_`` (one-step residuals), ``alpha_`` (the
    level's smoothing weight), ``n_`` (points), ``noise_prior_`` and ``trend_share_``. Paths follow
    the single-source-of-error form ``e_h + alpha * (e_1 + ... + e_{h-1})`` with a per-path noise
    scale drawn from the residuals (:func:`draw_noise_scales`, ``dof`` parameters lost), plus, for
    trend models (``trend_dof``), a drawn trend error growing linearly with the horizon.
    """

    dof: ClassVar[int] = 1
    trend_dof: ClassVar[bool] = True

    def sample_paths(self, h, n_paths, rng):
        sig = draw_noise_scales(self.resid_, self.dof, self.noise_prior_, n_paths, rng)
        e = rng.standard_normal((n_paths, h)) * sig[:, None]
        carried = self.alpha_ * (np.cumsum(e, axis=1) - e)
        dev = e + carried
        if self.trend_dof:
            # uncertainty of the estimated yearly trend grows linearly with the horizon
            se = sig / np.sqrt(max(self.n_ - 1, 1))
            dev = dev + (rng.standard_normal(n_paths) * se)[:, None] * np.arange(1, h + 1) * self.trend_share_
        return self.predict(h)[None, :] + dev
