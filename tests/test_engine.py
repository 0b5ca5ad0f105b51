"""serial, loky and dask backends give identical backtests (DESIGN §4: distributed runs); a local
Dask cluster is reused across calls (issue 13)."""
from __future__ import annotations

import pandas as pd
import pytest

import mstarget as mt
from mstarget import engine
from mstarget.engine import run_tasks


@pytest.fixture(scope="module")
def small_mdg(data_dir):
    """Under-5 mortality of ten countries (real data, UN IGME 2018 vintage)."""
    raw = pd.read_csv(data_dir / "backtest_mdg" / "mdg_series.csv")
    u5 = raw[raw["indicator"] == raw["indicator"][raw["indicator"].str.startswith("u5mr")].iloc[0]]
    countries = sorted(u5["country"].unique())[:10]
    u5 = u5[u5["country"].isin(countries) & u5["year"].between(1990, 2010)]
    return pd.DataFrame({"region": u5["country"], "indicator": u5["indicator"], "year": u5["year"],
                         "value": u5["value"]})


def _bt(history, **kw):
    return mt.backtest(history, model="drift,theta", horizon=2, origins=[2004, 2006], n_paths=200, **kw)


def test_backends_give_identical_results(small_mdg):
    serial = _bt(small_mdg)
    assert len(serial.details) == 2 * 2 * 10 * 2  # models x origins x countries x horizons
    loky = _bt(small_mdg, backend="loky", n_jobs=2)
    pd.testing.assert_frame_equal(serial.details, loky.details)
    dask = _bt(small_mdg, backend="dask", n_jobs=1)
    pd.testing.assert_frame_equal(serial.summary, dask.summary)
    # the local cluster is started once per process and reused by the next call (issue 13)
    client = engine._dask_client(engine.Engine("dask", 1))
    assert _bt(small_mdg, backend="dask", n_jobs=1).summary.equals(dask.summary)
    assert engine._dask_client(engine.Engine("dask", 1)) is client
    assert [k for k in engine._CLIENTS if k[0] == "local"] == [("local", 1)]
    engine.close_clients()
    assert not engine._CLIENTS and client.status == "closed"


def test_unknown_backend_is_refused():
    with pytest.raises(mt.ParameterError, match="'backend' parameter .* must be one of serial, loky, dask"):
        run_tasks(print, [(1,), (2,)], backend="spark")
