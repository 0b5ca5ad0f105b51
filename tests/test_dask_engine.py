"""Dask for real: a LocalCluster of two worker processes runs forecast, assess and backtest (issue 13).

One cluster for the module (two single-threaded worker processes, ``processes=True``); the engine
connects to it by address, as it would to a cluster on other machines. Every result must equal
the serial one exactly: the same seed gives the same numbers whatever the backend.
"""
from __future__ import annotations

import os
import time
import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget import engine
from scale_helpers import province_panel, quiet as _quiet

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import Client, LocalCluster

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lc = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(lc)
    yield lc, client
    engine.close_clients()
    client.close()
    lc.close()


@pytest.fixture(scope="module")
def province():
    return province_panel()


def test_assess_on_two_worker_processes_equals_serial(cluster, province):
    lc, client = cluster
    hist, plan = province
    serial = _quiet(mt.assess, hist, plan, as_of=2019, seed=3)
    assert set(serial["model"]) >= {"auto:pooled_drift", "auto:ensemble"}  # both regimes ran
    with distributed.get_task_stream(client) as ts:
        dask = _quiet(mt.assess, hist, plan, as_of=2019, seed=3, backend="dask", scheduler=lc.scheduler_address)
    pd.testing.assert_frame_equal(serial, dask, check_exact=True)
    ran = [t for t in ts.data if "_call_pickled" in str(t["key"])]
    assert len({t["worker"] for t in ran}) == 2  # chunks ran on both worker processes


def test_global_model_and_prophet_run_on_workers(cluster, province):
    lc, client = cluster
    hist, _ = province
    serial = _quiet(mt.forecast, hist, horizon=2, model="global", seed=1, n_paths=300)
    with distributed.get_task_stream(client) as ts:
        dask = _quiet(mt.forecast, hist, horizon=2, model="global", seed=1, n_paths=300, backend="dask",
                      scheduler=lc.scheduler_address)
    pd.testing.assert_frame_equal(serial, dask, check_exact=True)
    assert any("_call_pickled" in str(t["key"]) for t in ts.data)
    connected = engine._CLIENTS[("remote", lc.scheduler_address)]
    pytest.importorskip("prophet")
    few = hist[hist["indicator"] == hist["indicator"].iloc[0]]
    few = few[few["region"].isin(sorted(few["region"].unique())[:3])]
    serial = _quiet(mt.forecast, few, horizon=2, model="prophet", seed=2, n_paths=200)
    with distributed.get_task_stream(client) as ts:
        dask = _quiet(mt.forecast, few, horizon=2, model="prophet", seed=2, n_paths=200, backend="dask",
                      scheduler=lc.scheduler_address)
    pd.testing.assert_frame_equal(serial, dask, check_exact=True)
    assert (dask["model"] == "prophet").all() and any("_call_pickled" in str(t["key"]) for t in ts.data)
    # one connection per process and address, reused by the next call (issue 13)
    assert engine._CLIENTS[("remote", lc.scheduler_address)] is connected
    assert [k for k in engine._CLIENTS if k[0] == "remote"] == [("remote", lc.scheduler_address)]


def test_backtest_and_worker_warnings_through_the_cluster(cluster, province, monkeypatch):
    lc, _ = cluster
    hist, _ = province
    long = hist.groupby(["region", "indicator"]).filter(lambda g: len(g) >= 8)
    serial = _quiet(mt.backtest, long, model="drift,ensemble", horizon=2, origins=2, n_paths=200)
    # the address from the environment, as a bureau's server would set it
    monkeypatch.setenv("MSTARGET_DASK_SCHEDULER", lc.scheduler_address)
    dask = _quiet(mt.backtest, long, model="drift,ensemble", horizon=2, origins=2, n_paths=200, backend="dask")
    pd.testing.assert_frame_equal(serial.details, dask.details, check_exact=True)
    # a warning raised while a worker assesses a row reaches the caller (issue 13)
    rows = pd.DataFrame({"region": "R", "indicator": "pledge", "year": [2021, 2022, 2023],
                         "value": [1.2, 2.5, 3.9], "unit": "亿元"})
    plan = pd.DataFrame([{"region": "R", "indicator": "pledge", "name": "质押融资", "unit": "亿元",
                          "baseline_year": 2020, "baseline": "〈0〉", "target_year": 2025, "target": "〈5〉",
                          "attribute": "expected"}])
    with pytest.warns(mt.RunningTotalWarning, match="R/pledge: .*running totals"):
        mt.assess(rows, plan, as_of=2023, n_paths=200, backend="dask")


def test_scheduler_needs_the_dask_backend():
    with pytest.raises(mt.ParameterError, match="scheduler='tcp://10.0.0.5:8786' needs backend='dask'"):
        mt.assess(pd.DataFrame(), pd.DataFrame({"region": ["R"]}), backend="serial",
                  scheduler="tcp://10.0.0.5:8786")


def _started(k):
    """Task: when it started (it then runs 0.1 s)."""
    t = time.monotonic()
    time.sleep(0.1)
    return t


def test_urgent_tasks_overtake_filler_sent_before_them(cluster):  # issue 13
    """The model choice's backtest chunks go to the workers ahead of the filler chunks sent
    earlier (Engine.submit's priority), so the parent does not wait behind the filler."""
    lc, _ = cluster
    eng = engine.Engine.of("dask", scheduler=lc.scheduler_address)
    assert eng.by_priority
    filler = eng.submit(_started, [(k,) for k in range(10)], priority=0)
    urgent = eng.submit(_started, [(k,) for k in range(2)], priority=2)
    low, high = engine.collect([filler, urgent])
    assert len(low) == 10 and max(high) < max(low)  # filler was still waiting when they ran
    assert sorted(low)[-2] > max(high)


def _die(code):
    """Task: the worker process ends at once, as when the system kills it for lack of memory."""
    os._exit(code)


def test_a_worker_that_dies_is_a_clear_error_not_a_hang():  # issue 13
    import dask
    from dask.distributed import LocalCluster

    # the scheduler gives up on a task after allowed-failures workers died running it (default 3)
    with warnings.catch_warnings(), dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        warnings.simplefilter("ignore")
        lc = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with pytest.raises(mt.EnvironmentProblem, match=r"a worker process died while running _die on the "
                           r"Dask cluster at tcp://.*ran out of memory.*--n-jobs"):
            engine.run_tasks(_die, [(3,)], backend="dask", scheduler=lc.scheduler_address)
    finally:
        engine._close(engine._CLIENTS.pop(("remote", lc.scheduler_address)))
        lc.close()
