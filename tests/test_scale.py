"""Scale (issue 13): chunked execution, streaming summaries, progress, capped tracking charts.

A country's plan is 100,000 targets: work is cut into chunks of series, each chunk reduces its
sample paths to what the table and the charts need, and tracking stays bounded. These tests check
what a user relies on at any size -- the same numbers however the work is cut or where it runs,
no sample paths kept unless asked for, fan charts drawn from the kept quantiles, progress as whole
lines in a log, one overview chart plus a capped fan chart in the MLflow run.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget import engine
from mstarget.assess import FAN_PROBS, assess_detailed, fan_bands
from mstarget.cli.main import main
from mstarget.models import global_model
from mstarget.progress import LineBar, Progress
from mstarget.quantiles import share_meeting, sorted_median, sorted_quantiles
from scale_helpers import province_panel, quiet as _quiet


@pytest.fixture(scope="module")
def panel():
    return province_panel()


@pytest.fixture(scope="module")
def serial(panel):
    hist, plan = panel
    return _quiet(assess_detailed, hist, plan, as_of=2019, seed=5)


def test_quantiles_from_one_sort_are_numpys_bit_for_bit():  # issue 13
    rng = np.random.default_rng(0)
    probs = [0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975, 0.0, 1.0]
    for n in (1, 2, 3, 10, 1999, 2000):
        for x in (rng.standard_normal((n, 3)) * 1e4, np.round(rng.standard_normal((n, 3)), 1),
                  np.full((n, 3), 7.25), np.exp(rng.standard_normal((n, 3)))):
            s = np.sort(x, axis=0)
            assert np.array_equal(sorted_quantiles(s, probs), np.quantile(x, probs, axis=0))
            assert np.array_equal(sorted_median(s), np.median(x, axis=0))
            t = float(np.quantile(x[:, 0], 0.3))
            assert share_meeting(s[:, 0], t, ">=") == np.mean(x[:, 0] >= t)
            assert share_meeting(s[:, 0], t, "<=") == np.mean(x[:, 0] <= t)


def test_assess_keeps_quantiles_not_paths_and_fans_draw_the_same_bands(panel, serial):  # issue 13
    hist, plan = panel
    table, details = serial
    assert all(d.series is None or d.series.paths is None for d in details)
    assert all(d.samples is None for d in details)
    kept_table, kept = _quiet(assess_detailed, hist, plan, as_of=2019, seed=5, keep_paths=True)
    pd.testing.assert_frame_equal(table, kept_table, check_exact=True)
    for light, full in zip(details, kept):
        if full.series is None:
            continue
        assert full.series.paths.shape == (2000, full.series.future_years.size)
        assert full.samples.shape == (2000,)
        # the band a fan chart drew from all paths (np.percentile) is the kept quantile (float32)
        ty = int(full.row["target_year"])
        fan = full.series.paths[:, full.series.future_years <= ty]
        for level in (50, 80, 95):
            lo, hi = np.percentile(fan, [50 - level / 2, 50 + level / 2], axis=0)
            klo, khi = light.bands.interval(level)
            np.testing.assert_allclose(klo[1:], lo, rtol=1e-6)
            np.testing.assert_allclose(khi[1:], hi, rtol=1e-6)
        assert light.bands.values.dtype == np.float32 and light.bands.probs == FAN_PROBS
        assert light.bands.years[0] == full.series.last_year
        assert fan_bands(full.series, full.row).years.tolist() == light.bands.years.tolist()
    # a fan chart of the light details draws (from the kept quantiles)
    from mstarget.report import fan_chart
    from mstarget.plotting import pyplot

    fig = fan_chart(details, max_panels=4)
    assert sum(len(ax.collections) for ax in fig.axes) == 4 * 3  # three bands per panel
    pyplot().close(fig)


def test_chunk_boundaries_and_loky_workers_do_not_change_a_number(panel, serial, monkeypatch):  # issue 13
    hist, plan = panel
    table, _ = serial
    monkeypatch.setattr(engine, "SERIAL_CHUNK", 7)  # many small chunks, cut anywhere
    pd.testing.assert_frame_equal(table, _quiet(mt.assess, hist, plan, as_of=2019, seed=5), check_exact=True)
    monkeypatch.undo()
    loky = _quiet(mt.assess, hist, plan, as_of=2019, seed=5, backend="loky", n_jobs=2)
    pd.testing.assert_frame_equal(table, loky, check_exact=True)
    fc = _quiet(mt.forecast, hist, horizon=2, seed=5, n_paths=300)
    pd.testing.assert_frame_equal(fc, _quiet(mt.forecast, hist, horizon=2, seed=5, n_paths=300,
                                             backend="loky", n_jobs=2), check_exact=True)


def test_details_kept_only_for_the_rows_a_capped_chart_shows(panel, serial, monkeypatch):  # issue 13
    """100,000 targets held every row's fan quantiles and light series (~4 KB each) until the
    end; with ``max_details`` only the rows a capped fan chart shows keep them, chosen as the
    results arrive, and the chart is the same."""
    from mstarget.report.model import chart_selection, display_order

    hist, plan = panel
    table, details = serial
    order = display_order(table)
    for cap in (0, len(plan), 24, 60):  # binding rows alone (50) exceed 24; 60 takes 10 others
        shown = {order[k] for k in chart_selection([details[i].row for i in order], cap)}
        monkeypatch.setattr(engine, "SERIAL_CHUNK", 7)  # rows arrive in many chunks
        capped_table, capped = _quiet(assess_detailed, hist, plan, as_of=2019, seed=5, max_details=cap)
        pd.testing.assert_frame_equal(table, capped_table, check_exact=True)
        assert {i for i, d in enumerate(capped) if d.bands is not None} == \
            {i for i in shown if details[i].bands is not None}
        for i in shown:
            assert (capped[i].series is None) == (details[i].series is None)
            if details[i].bands is not None:
                assert np.array_equal(capped[i].bands.values, details[i].bands.values)
        assert all(capped[i].series is None for i in range(len(plan)) if i not in shown)
    monkeypatch.undo()  # the same from two worker processes, results arriving in any order
    _, from_workers = _quiet(assess_detailed, hist, plan, as_of=2019, seed=5, max_details=60,
                             backend="loky", n_jobs=2)
    assert [d.bands is not None for d in from_workers] == [d.bands is not None for d in capped]
    with pytest.raises(mt.ParameterError, match="max_details"):
        assess_detailed(hist, plan, as_of=2019, max_details=-1)


def test_charted_rows_chosen_while_rows_arrive_match_the_chart_selection():  # issue 13
    """Ties in category and p_meet, missing p_meet, binding / expected / other attributes, any
    arrival order: the rows kept are the rows a chart of the whole table would show."""
    from mstarget.chart_choice import ChartedRows
    from mstarget.report.model import chart_selection, display_order

    rng = np.random.default_rng(3)
    for trial in range(40):
        n = int(rng.integers(1, 120))
        rows = [{"attribute": rng.choice(["binding", "expected", None]),
                 "category": rng.choice(["behind", "on_schedule", "ahead", "achieved", "insufficient_data"]),
                 "p_meet": rng.choice([np.nan, 0.0, 0.5, 1.0, float(rng.random())])} for _ in range(n)]
        cap = int(rng.integers(0, 30))
        order = display_order(pd.DataFrame(rows))
        expected = sorted(order[k] for k in chart_selection([rows[i] for i in order], cap))
        dropped = []
        charted = ChartedRows(cap, drop=dropped.append)
        for i in rng.permutation(n):
            charted.offer(int(i), rows[i])
        charted.finish()
        assert charted.kept() == expected, trial
        assert sorted(dropped + charted.kept()) == list(range(n))


def test_auto_learns_the_global_model_twice_and_short_series_start_before_the_backtest(
        panel, serial, monkeypatch):  # issue 13
    """The parent's serial work overlaps the workers': the short series (pooled_drift, whose model
    the length decides) are submitted before auto's backtest chunks, and the global regressor is
    fitted exactly twice (auto's scoring model on data before its earliest origin, the ensemble's
    member on the series that keep the ensemble) -- the same numbers as before."""
    hist, plan = panel
    table, _ = serial
    fits, batches = [], []
    fit = global_model._SingleThread.fit

    def counted(self, X, y):
        fits.append(len(y))
        return fit(self, X, y)

    monkeypatch.setattr(global_model._SingleThread, "fit", counted)
    submit = engine.Engine.submit

    def spy(self, fn, tasks, *, shared=None, priority=0):
        tasks = list(tasks)
        models = {p.spec.name for t in tasks for p in t[0]} if fn.__name__ == "_forecast_chunk" else set()
        batches.append((fn.__name__, models, sum(len(t[0]) for t in tasks), priority))
        return submit(self, fn, tasks, shared=shared, priority=priority)

    monkeypatch.setattr(engine.Engine, "submit", spy)
    again = _quiet(mt.assess, hist, plan, as_of=2019, seed=5)
    pd.testing.assert_frame_equal(table, again, check_exact=True)
    assert len(fits) == 2  # scoring model, then the ensemble's member: never one more
    names = [b[0] for b in batches]
    first_score = names.index("_score_chunk")
    by_length = {"pooled_drift", "small_count", "event_rate"}  # models the length and unit decide
    short = [b for b in batches[:first_score] if b[0] == "_forecast_chunk"]
    assert short and all(b[1] <= by_length for b in short)
    n_short = int(again["model"].isin([f"auto:{m}" for m in by_length]).sum())
    assert 0 < sum(b[2] for b in batches if b[1] and b[1] <= by_length) == n_short
    assert sum(b[2] for b in batches if b[0] == "_forecast_chunk") == len(again)  # every series once
    # where priorities count (Dask), the backtest the choice waits for overtakes the filler sent
    # before it, and the chosen groups come next
    score = {b[3] for b in batches if b[0] == "_score_chunk"}
    filler = {b[3] for b in batches if b[1] and b[1] <= by_length}
    chosen = {b[3] for b in batches[first_score:] if b[0] == "_forecast_chunk" and not b[1] & by_length}
    assert chosen and min(score) > max(chosen) and min(chosen) > max(filler)


def _die(code):
    """Task: the worker process ends at once, as when the system kills it for lack of memory."""
    import os

    os._exit(code)


def test_a_local_worker_that_dies_is_a_clear_error():  # issue 13
    with pytest.raises(mt.EnvironmentProblem, match=r"a worker process died while running _die on 1 local "
                       r"loky worker process\(es\).*ran out of memory.*--backend serial"):
        engine.run_tasks(_die, [(3,)], backend="loky", n_jobs=1)
    assert engine.run_tasks(abs, [(-2,)], backend="loky", n_jobs=1) == [2]  # a new pool after that


def test_engine_chunks_and_settings():
    e = engine.Engine.of("loky", 2)
    sizes = [len(c) for c in e.chunks(100_000)]
    assert sum(sizes) == 100_000 and max(sizes) <= engine.MAX_CHUNK and len(sizes) >= 8
    assert [len(c) for c in e.chunks(10)] == [10]  # small calls: one chunk of at least MIN_CHUNK
    assert [len(c) for c in e.chunks(3, min_size=1)] == [1, 1, 1]  # slow models spread finely
    assert engine.Engine.of("serial").chunks(600)[-1] == range(512, 600)
    with pytest.raises(mt.ParameterError, match="'n_jobs' parameter of assess must be an int >= 1"):
        engine.Engine.of("loky", 0, caller="assess")
    with pytest.raises(mt.ParameterError, match="'backend' parameter of forecast must be one of serial, loky, dask"):
        mt.forecast(pd.DataFrame({"region": ["R"], "indicator": ["x"], "year": [2020], "value": [1.0]}),
                    backend="spark")


def test_global_model_learns_from_a_seeded_subset_beyond_its_row_cap(monkeypatch):  # issue 13
    rng = np.random.default_rng(3)
    ys = [np.cumsum(rng.normal(0.05, 0.1, size=n)) for n in rng.integers(4, 16, size=400)]
    X, _, g = global_model._training_table(ys, [0.1] * len(ys))
    assert np.array_equal(np.bincount(g, minlength=len(ys)), global_model.training_rows([y.size for y in ys]))
    monkeypatch.setattr(global_model, "MAX_TRAIN_ROWS", 2000)
    kept, _ = global_model._subsample(ys, [0.1] * len(ys), 0)
    again, _ = global_model._subsample(ys, [0.1] * len(ys), 0)
    rows = global_model.training_rows([y.size for y in kept]).sum()
    assert 2000 <= rows < 2000 + 68 and len(kept) < len(ys)
    assert all(a is b for a, b in zip(kept, again))  # seeded: the same subset every time
    small = ys[:20]
    assert global_model._subsample(small, [0.1] * 20, 0)[0] is small  # under the cap: every series


def test_progress_is_whole_lines_in_a_log(capsys):  # issue 13
    prog = Progress(True)
    with prog.step("reading plan and history"):
        pass
    bar = prog.bar(5, "forecasting series")
    bar.update(2)
    bar.update(3)
    bar.close()
    err = capsys.readouterr().err
    assert "\r" not in err
    assert err.splitlines()[0] == "[mstarget] reading plan and history ..."
    assert err.splitlines()[-1].startswith("[mstarget] forecasting series: 5/5 series (100%)")
    assert isinstance(bar, LineBar)
    silent = Progress(False)
    with silent.step("x"):
        silent.bar(10, "y").update(10)
    assert capsys.readouterr().err == ""


def test_tracked_cli_assess_logs_the_full_table_a_capped_fan_and_one_overview(panel, tmp_path, capsys):  # issue 13
    from mlflow_helpers import runs_of

    hist, plan = panel
    hist.to_csv(tmp_path / "h.csv", index=False)
    plan.to_csv(tmp_path / "p.csv", index=False)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    code = main(["assess", "--plan", str(tmp_path / "p.csv"), "--history", str(tmp_path / "h.csv"),
                 "--as-of", "2019", "--out", str(tmp_path / "a.csv"), "--tracking-uri", uri,
                 "--experiment", "scale", "--backend", "loky", "--n-jobs", "2"])
    out = capsys.readouterr()
    assert code == 0
    client, runs = runs_of(uri, "scale")
    names = {a.path for a in client.list_artifacts(runs[0].info.run_id)}
    assert {"assessment.csv", "fan_chart.png", "overview_chart.png", "per_target_metrics.csv"} <= names
    logged = pd.read_csv(client.download_artifacts(runs[0].info.run_id, "assessment.csv", str(tmp_path)))
    assert len(logged) == len(plan) == len(pd.read_csv(tmp_path / "a.csv"))
    assert runs[0].data.params["backend"] == "loky"
    assert "[mstarget] forecasting series" in out.err and "[mstarget] logging the MLflow run" in out.err


def test_overview_of_a_large_table_numbers_at_most_the_label_limit():  # issue 13
    from mstarget.plotting import pyplot
    from mstarget.report import overview_chart

    rng = np.random.default_rng(1)
    n = 5000
    table = pd.DataFrame({"p_meet": rng.uniform(size=n), "progress_share": rng.uniform(size=n),
                          "time_share": 0.6, "attribute": np.where(rng.uniform(size=n) < 0.1, "binding", "expected"),
                          "category": rng.choice(["behind", "on_schedule", "ahead"], size=n)})
    table.loc[::50, "p_meet"] = np.nan
    fig = overview_chart(table, lang="en", label_limit=60)
    points = sum(len(line.get_xdata()) for ax in fig.axes for line in ax.lines if line.get_marker() in ("o", ">", "<"))
    assert points == int(table["p_meet"].notna().sum())
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert 0 < len(labels) <= 60
    behind_or_binding = table.index[(table["attribute"] == "binding") | (table["category"] == "behind")]
    numbers = np.arange(1, n + 1)  # the table's display order: the plan's (session 35)
    assert {int(t) for t in labels} <= set(numbers[behind_or_binding].tolist())
    pyplot().close(fig)
