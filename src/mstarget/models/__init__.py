"""Forecasting models: one module per family, all behind :class:`~mstarget.models.base.Forecaster`."""
from .base import Forecaster
from .ets import ETSModel
from .registry import ModelSpec, available_models, model_class, register, resolve
from .simple import DriftModel, LinearTrendModel, LogLinearTrendModel, NaiveModel
from .theta import ThetaModel
from .arima import ARIMAModel
from .ensemble import EnsembleModel
from .global_model import GlobalModel
from .prophet import ProphetModel
from .rate import RateModel
from .pooled import PooledDriftModel

for _cls in (NaiveModel, DriftModel, LinearTrendModel, LogLinearTrendModel, ETSModel, ThetaModel,
             ARIMAModel, ProphetModel, GlobalModel, EnsembleModel, RateModel, PooledDriftModel):
    register(_cls)

__all__ = ["Forecaster", "ModelSpec", "available_models", "model_class", "register", "resolve",
           "NaiveModel", "DriftModel", "LinearTrendModel", "LogLinearTrendModel", "ETSModel",
           "ThetaModel", "ARIMAModel", "ProphetModel", "GlobalModel", "EnsembleModel", "RateModel",
           "PooledDriftModel"]
