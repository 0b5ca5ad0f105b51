"""A series with a gap in its years is scored once per forecast, not once per origin.

``data/china/national_history.csv`` (real figures, sources in the file) has no 产品质量国家监督抽查批次 for
2018-2020: from origins 2019 and 2020 the series trains on the same 2015-2017 figures and forecasts 2021 and 2022
alike. Both used to be scored, so the backtest counted one forecast twice in ``n_forecasts`` and every mean.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import mstarget as mt

NATIONAL = Path(__file__).resolve().parents[1] / "data" / "china" / "national_history.csv"


def _backtest(**kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.backtest(NATIONAL, model="drift", horizon=5, origins=3, seed=0, **kw)


def test_a_forecast_repeated_by_a_gap_is_scored_once():
    bt = _backtest()
    d = bt.details
    batches = d[d["indicator"] == "product_supervision_batches"]
    # scored from its 2017 figure once (origin 2019, 4 and 5 years on), then from 2021 at origin 2021
    assert sorted(zip(batches["origin"], batches["year"], batches["h"])) == [(2019, 2021, 4), (2019, 2022, 5),
                                                                             (2021, 2022, 1)]
    assert not d.duplicated(["model", "region", "indicator", "year", "n_train"]).any()
    assert int(bt.summary["n_forecasts"].iloc[0]) == len(d)


def test_series_observed_every_year_keep_every_origin():
    d = _backtest().details
    origins = d.groupby("indicator")["origin"].unique().map(sorted).to_dict()
    # observed 2020-2022 every year: scored from 2020 and from 2021 (2019 has no figure to train on yet)
    assert origins["food_sampling_batches"] == [2020, 2021]
    assert origins["high_value_invention_patents_per_10k"] == [2020, 2021]
