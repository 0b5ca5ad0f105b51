"""Sampling-plan command line and charts (tester, session 37). Data: SYNTHETIC scores made here."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

import mstarget as mt
from mstarget.cli.risk import _list
from mstarget.plotting import pyplot
from mstarget.risk.plot import plot_allocation


def test_by_columns_typed_with_a_chinese_comma_are_split():
    assert _list("地市，食品大类") == _list("地市,食品大类") == _list("地市、食品大类") == ["地市", "食品大类"]


def test_a_chart_that_leaves_groups_out_says_so():
    n = 50
    scores = pd.DataFrame({"category": [f"类别{i:02d}" for i in range(n)], "risk": np.linspace(0.06, 0.005, n),
                           "tested": np.full(n, 400), "failed": np.linspace(24, 2, n).round()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.risk.allocate(scores, budget=2000)
    fig = plot_allocation(plan)
    try:
        assert "显示批次最多的40组（共50组" in fig._suptitle.get_text()
    finally:
        pyplot().close(fig)
