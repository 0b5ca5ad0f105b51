"""mstarget: will each plan target be met, and where will sampling fail next.

Public API (stable names)::

    import mstarget as mt
    plan    = mt.read_plan("plan.csv")
    history = mt.read_history("history.csv")
    fc  = mt.forecast(history, horizon=3, model="auto", levels=(80, 95), seed=0)
    res = mt.assess(history, plan, as_of=2023, model="auto", seed=0)
    bt  = mt.backtest(history, model="auto", horizon=2)
    scores = mt.risk.score(samples, by=["category"], as_of=2022)
    alloc  = mt.risk.allocate(scores, budget=20000)
"""
from __future__ import annotations

__version__ = "0.1.0"

from .assess import Thresholds, assess  # noqa: E402
from .backtest import backtest  # noqa: E402
from .exceptions import (  # noqa: E402
    DataValidationError,
    EnvironmentProblem,
    InconsistentDataWarning,
    ModelFallbackWarning,
    MstargetError,
    MstargetWarning,
    ParameterError,
    RunningTotalWarning,
    ShortHistoryWarning,
    TrackingError,
    TrackingWarning,
    UnknownModelError,
    UnmatchedWarning,
)
from .forecast import forecast  # noqa: E402
from .history import read_history  # noqa: E402
from .models import available_models  # noqa: E402
from .plan import read_plan  # noqa: E402

__all__ = [
    "__version__", "read_plan", "read_history", "forecast", "assess", "backtest", "risk",
    "Thresholds", "available_models",
    "DataValidationError", "EnvironmentProblem", "InconsistentDataWarning", "ModelFallbackWarning", "MstargetError", "MstargetWarning",
    "ParameterError", "RunningTotalWarning", "ShortHistoryWarning", "TrackingError", "TrackingWarning",
    "UnknownModelError", "UnmatchedWarning",
]


def __getattr__(name):
    # ``mt.risk`` is imported on first use: it pulls in scikit-learn's model zoo, which
    # plan/forecast users need not wait for.
    import importlib

    if name == "risk":
        return importlib.import_module(".risk", __name__)
    raise AttributeError(f"module 'mstarget' has no attribute {name!r}")
