"""Session 49: issue 13's scale goals re-measured (benchmarks/RESULTS.md, Scale).

A tracked ``mstarget assess`` of 100,000 targets on a local Dask cluster of 2 peaked at 2,057 MB (PSS) against the
2 GB goal. Measured per process (``/proc/<pid>/smaps_rollup``, every 0.5 s), three causes, tested here:

* the command kept its two Dask workers (~190 MB each) and the cluster's scheduler after the forecasts, while it
  drew its charts, wrote ``--out`` and the tracking process logged the table: the peak fell then. A command now
  stops its local workers once its computing is done (:meth:`mstarget.engine.Engine.release`);
* under pandas 3 a text column holds no Python string per row, and each of the history's checks made 951,312 of
  them per column again (``to_numpy(dtype=object)``: ~100 MB each) just to see where one series ends: they now
  read the columns' integer codes (:func:`mstarget.consistency.series_breaks`);
* the memory pyarrow's own pool (mimalloc) freed after reading stayed mapped: 653 MB resident after reading, 293
  after handing it back (:func:`mstarget.collector.give_back_free_memory`).

And one of CPU: :func:`mstarget.precision.reported_decimals`, asked four times per series by a forecast and its
assessment, looped over every value in Python (2 s of 18 at 10,000 series); it is vectorised and remembered.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import psutil
import pytest

from mstarget import consistency, engine as engine_module
from mstarget.cli.main import main
from mstarget.engine import Engine
from mstarget.precision import reported_decimals, written_decimals
from test_session47_scale import provincial_tables


def _square(x):
    return x * x


def _loky_workers() -> list:
    out = []
    for p in psutil.Process().children(recursive=True):
        try:
            if "LokyProcess" in " ".join(p.cmdline()):  # a worker (not loky's resource tracker)
                out.append(p)
        except psutil.Error:
            pass
    return out


def test_cli_assess_stops_its_loky_workers_once_the_forecasts_are_done(tmp_path, capsys):
    history, plan = provincial_tables(tmp_path)
    out = tmp_path / "r.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["assess", str(plan), str(history), "--as-of", "2022", "--backend", "loky", "--n-jobs", "2",
                     "--no-track", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) >= 30 and table["p_meet"].between(0, 1).all()
    assert not engine_module._LOKY  # the pool was let go
    gone = psutil.wait_procs(_loky_workers(), timeout=10)[1]
    assert not gone, f"loky workers still running after the command: {[p.pid for p in gone]}"


def test_released_engine_starts_its_workers_again_on_the_next_call():
    engine = Engine.of("loky", 2)
    assert engine.map(_square, [(k,) for k in range(6)]) == [0, 1, 4, 9, 16, 25]
    engine.release()
    assert not engine_module._LOKY
    assert engine.map(_square, [(k,) for k in range(4)]) == [0, 1, 4, 9]  # a new pool, same numbers
    engine.release()
    Engine.of("serial").release()  # nothing to stop: no error
    Engine.of("dask", scheduler="tcp://10.0.0.5:8786").release()  # a remote cluster is not ours: left alone


def test_series_breaks_and_codes_follow_region_and_indicator():
    history = pd.DataFrame({"region": ["甲", "甲", "甲", "乙", "乙", "乙"],
                            "indicator": ["a", "a", "b", "b", "b", "a"],
                            "year": [2020, 2021, 2020, 2020, 2021, 2020], "value": [1.0, 2, 3, 4, 5, 6]})
    for frame in (history, history.astype({"region": "string", "indicator": "string"})):
        assert consistency.series_breaks(frame).tolist() == [True, False, True, True, False, True]
        assert consistency.series_codes(frame).tolist() == [0, 0, 1, 2, 2, 3]


def test_spike_in_the_next_region_of_the_same_indicator_is_not_read_across():
    # 乙's first figure is 10x 甲's last: no spike, another series; 甲's own 5, 5.3, 55, 5.8 is one
    history = pd.DataFrame({"region": ["甲"] * 4 + ["乙"] * 3, "indicator": ["x"] * 7,
                            "name": ["企业数"] * 7, "unit": ["户"] * 7,
                            "year": [2020, 2021, 2022, 2023, 2020, 2021, 2022],
                            "value": [5, 5.3, 55, 5.8, 58, 60, 61.0]})
    with pytest.warns(Warning) as caught:
        consistency.warn_history(history.astype({"region": "string", "indicator": "string"}))
    spikes = [str(w.message) for w in caught if "相差" in str(w.message)]
    assert len(spikes) == 1 and "1 个数值" in spikes[0] and "甲/x 2022: 55 between 5.3 and 5.8" in spikes[0]


def test_mixed_units_named_by_region_and_indicator_after_the_code_rewrite(tmp_path):
    path = tmp_path / "h.csv"
    from mstarget import read_history
    from mstarget.exceptions import DataValidationError, InconsistentDataWarning

    # 14000 批次 among 1.2, 1.3 万批次: converted (session 53); 1.4 under 批次, the label wrong: refused, named
    pd.DataFrame({"region": ["甲"] * 3, "indicator": ["抽检批次"] * 3, "year": [2020, 2021, 2022],
                  "value": [1.2, 1.3, 14000], "unit": ["万批次", "万批次", "批次"]}).to_csv(path, index=False)
    with pytest.warns(InconsistentDataWarning, match="row 4: 批次 -> 万批次"):
        assert read_history(path)["value"].tolist() == [1.2, 1.3, 1.4]
    pd.DataFrame({"region": ["甲"] * 3, "indicator": ["抽检批次"] * 3, "year": [2020, 2021, 2022],
                  "value": [1.2, 1.3, 1.4], "unit": ["万批次", "万批次", "批次"]}).to_csv(path, index=False)
    with pytest.raises(DataValidationError) as err:
        read_history(path)
    text = str(err.value)
    assert "row 4" in text and "批次" in text and "甲" in text and "抽检批次" in text


@pytest.mark.parametrize("values", [[98, 98.5, 99], [1.89, 2.3], [5, 5, 5], [3.1e-05, 2e-05], [2.675, 1e6],
                                    [1 / 3, 2.5], [1e15, 1.5], [0.0, 0.0], [np.nan, 12.25, np.inf]])
def test_reported_decimals_is_the_most_precise_value_written(values):
    finite = [v for v in values if np.isfinite(v)]
    tiny = [abs(v) for v in finite if v != 0]
    limit = max(4, 3 - int(np.floor(np.log10(min(tiny))))) if tiny else 4
    assert reported_decimals(values) == max(written_decimals(v, limit) for v in finite)
    assert reported_decimals(np.array(values)) == reported_decimals(list(values))  # remembered, same answer


def test_a_pool_that_fails_to_stop_does_not_fail_the_finished_command(monkeypatch):
    class Broken:
        def shutdown(self, wait=True):
            raise RuntimeError("a worker is already gone")

    monkeypatch.setitem(engine_module._LOKY, "executor", Broken())
    Engine.of("loky", 2).release()  # no error: the results are in, what is left is stopped at exit
    assert not engine_module._LOKY


def _young_threshold():
    import gc

    return gc.get_threshold()[0]


def test_a_worker_task_runs_with_the_callers_rare_collector_passes():
    # a loky / Dask worker ran its chunks at Python's default (a young pass every 700 allocations): ~4 % of its CPU
    import gc

    from mstarget.collector import YOUNG_THRESHOLD

    before = gc.get_threshold()
    k, (value, caught) = engine_module._call_indexed(_young_threshold, 3, (), {})
    assert k == 3 and value == YOUNG_THRESHOLD and caught == []
    assert gc.get_threshold() == before  # restored after the task
    assert Engine.of("loky", 1).map(_young_threshold, [()]) == [YOUNG_THRESHOLD]  # in a worker process too
    Engine.of("loky", 1).release()
