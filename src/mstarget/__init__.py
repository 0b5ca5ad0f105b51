"""mstarget: will each plan target be met, and where will sampling fail next.

Public API (stable names)::

    import mstarget as mt
    plan    = mt.read_plan("plan.csv")
    history = mt.read_history("history.csv")
    fc  = mt.forecast(history, horizon=3, model="auto", levels=(80, 95), seed=0)
    res = mt.assess(history, plan, as_of=2023, model="auto", seed=0)
    table, details = mt.assess_detailed(history, plan, as_of=2023)   # for mt.report.write_report
    bt  = mt.backtest(history, model="auto", horizon=2)
    scores = mt.risk.score(samples, by=["category"], as_of=2022)
    alloc  = mt.risk.allocate(scores, budget=20000)
"""
from __future__ import annotations

import importlib

from ._version import __version__
from . import calibration, learning
from .api import assess, assess_detailed, backtest, forecast  # the compute functions plus track= (mstarget.api)
from .assess import Thresholds
from . import report  # mt.report.write_report(table, details, "report.html")
from .exceptions import (
    ConcentrationWarning,
    DataValidationError,
    EnvironmentProblem,
    FewPeersWarning,
    InconsistentDataWarning,
    ModelFallbackWarning,
    MstargetError,
    MstargetWarning,
    ParameterError,
    PoolingWarning,
    RunningTotalWarning,
    ShortHistoryWarning,
    TrackingError,
    TrackingWarning,
    UnknownModelError,
    UnmatchedWarning,
    UnreadColumnWarning,
    HiddenSheetWarning,
    TrackedChangesWarning,
)
from .history import read_history
from .models import available_models
from .plan import read_plan
from .suggest import suggest_targets  # the target met with 70 % / 80 % probability (十五五 drafting)

__all__ = [
    "__version__", "read_plan", "read_history", "forecast", "assess", "assess_detailed", "backtest", "risk",
    "report", "suggest_targets",
    "Thresholds", "available_models",
    "DataValidationError", "EnvironmentProblem", "FewPeersWarning", "InconsistentDataWarning", "ModelFallbackWarning", "MstargetError", "MstargetWarning",
    "ParameterError", "PoolingWarning", "ConcentrationWarning", "RunningTotalWarning", "ShortHistoryWarning", "TrackingError", "TrackingWarning",
    "UnknownModelError", "UnmatchedWarning", "UnreadColumnWarning", "HiddenSheetWarning", "TrackedChangesWarning",
]


# ``mt.calibration.learn(panel)`` (issue 17): learning factors runs backtests, so it lives in
# mstarget.learning, above them; the top layer attaches it to the calibration module it is
# documented under, which itself imports nothing above the exceptions (docs/ARCHITECTURE.md).
calibration.learn = learning.learn
calibration.check_learned = learning.check_learned

# ``mstarget.assess`` is the function (``mt.assess(...)``), which hides the module of the same
# name: its other public function is reachable from both ``mt.assess_detailed`` and, as written in
# older notes, ``mstarget.assess.assess_detailed``.
assess.assess_detailed = assess_detailed


def __getattr__(name):
    # ``mt.risk`` is imported on first use: it pulls in scipy.stats and scikit-learn's model zoo,
    # which plan/forecast users need not wait for.
    if name == "risk":
        return importlib.import_module(".risk", __name__)
    raise AttributeError(f"module 'mstarget' has no attribute {name!r}")
