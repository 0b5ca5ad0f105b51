"""Forecasting models: one module per family, all behind :class:`~mstarget.models.base.Forecaster`,
all in one registry (:mod:`mstarget.models.registry`) -- the ensemble's members included.

========================  ==========================================================================
family (module)           registered models
========================  ==========================================================================
``simple``                ``naive``, ``drift``, ``linear``, ``loglinear``, ``robust_drift``
``theta``                 ``theta`` (statsmodels), ``ses_theta`` (closed form), ``otm`` (optimised)
``ets``                   ``ets`` (statsmodels), ``damped`` (damped-trend Holt on a grid)
``lgt``                   ``lgt`` (local and global trend, after Smyl)
``arima``                 ``arima``
``prophet``               ``prophet``
``rate``                  ``rate`` (constant recent rate, errors pooled across series)
``pooled``                ``pooled_drift`` (drift shrunk toward the indicator's other regions)
``events``                ``event_rate`` (counts of rare events: a Poisson rate)
``counts``                ``small_count`` (a stock of a few whole things: Poisson additions / removals)
``growth``                ``growth_rate`` (a growth rate in %: AR(1) around its mean, parameters sampled)
``level``                 ``local_level`` (a sampling rate: a random-walk level plus yearly noise)
``global_model``          ``global`` (one gradient-boosting model across series)
``ensemble``              ``ensemble`` (mean / median of registered members)
========================  ==========================================================================
"""
from .base import Forecaster
from .registry import ModelSpec, available_models, check_spec, model_class, register, resolve
from .simple import DriftModel, LinearTrendModel, LogLinearTrendModel, NaiveModel, RobustDriftModel
from .theta import OptimisedThetaModel, SESThetaModel, ThetaModel
from .ets import DampedTrendModel, ETSModel
from .lgt import LocalGlobalTrendModel
from .arima import ARIMAModel
from .ensemble import EnsembleModel
from .global_model import GlobalModel
from .prophet import ProphetModel
from .rate import RateModel
from .pooled import PooledDriftModel
from .events import EventRateModel
from .counts import SmallCountModel
from .growth import GrowthRateModel
from .level import LocalLevelModel

for _cls in (NaiveModel, DriftModel, LinearTrendModel, LogLinearTrendModel, RobustDriftModel, ETSModel,
             DampedTrendModel, ThetaModel, SESThetaModel, OptimisedThetaModel, LocalGlobalTrendModel,
             ARIMAModel, ProphetModel, GlobalModel, EnsembleModel, RateModel, PooledDriftModel, EventRateModel,
             SmallCountModel, GrowthRateModel, LocalLevelModel):
    register(_cls)

__all__ = ["Forecaster", "ModelSpec", "available_models", "check_spec", "model_class", "register",
           "resolve", "NaiveModel", "DriftModel", "LinearTrendModel", "LogLinearTrendModel",
           "RobustDriftModel", "ETSModel", "DampedTrendModel", "ThetaModel", "SESThetaModel",
           "OptimisedThetaModel", "LocalGlobalTrendModel", "ARIMAModel", "ProphetModel", "GlobalModel",
           "EnsembleModel", "RateModel", "PooledDriftModel", "EventRateModel", "SmallCountModel",
           "GrowthRateModel", "LocalLevelModel"]
