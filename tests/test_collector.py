"""The cyclic collector's threshold is raised for a call and given back afterwards."""
from __future__ import annotations

import gc

import pandas as pd

import mstarget as mt
from mstarget.collector import YOUNG_THRESHOLD, fewer_collections


def test_threshold_raised_inside_and_restored_after_even_on_error():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before
    try:
        with fewer_collections():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.get_threshold() == before


def test_a_collector_switched_off_or_set_higher_is_left_alone():
    before = gc.get_threshold()
    try:
        gc.disable()
        with fewer_collections():
            assert gc.get_threshold() == before and not gc.isenabled()
        gc.enable()
        gc.set_threshold(YOUNG_THRESHOLD * 2, 5, 5)
        with fewer_collections():
            assert gc.get_threshold() == (YOUNG_THRESHOLD * 2, 5, 5)
        assert gc.get_threshold() == (YOUNG_THRESHOLD * 2, 5, 5)
    finally:
        gc.enable()
        gc.set_threshold(*before)


def test_an_api_call_gives_the_threshold_back(data_dir):
    before = gc.get_threshold()
    hist = pd.read_csv(data_dir / "china" / "national_history.csv")
    table = mt.forecast(hist, horizon=2, n_paths=200)
    assert len(table) > 0
    assert gc.get_threshold() == before
