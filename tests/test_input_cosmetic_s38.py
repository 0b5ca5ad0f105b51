"""Cosmetic differences in how a bureau's file writes an id or unit do not change results (session 38:
prober /tmp/s38/p3 p_spaces.xlsx, p6_unit_wanhu_br.xlsx, h_trad.csv; fixer /tmp/s38/q1). Before, the per-series
seed was the crc32 of the raw region/indicator, so ``期末市场主体\\n总量`` (a wrapped Excel cell) or
``期末市場主體總量`` drew other paths than ``期末市场主体总量`` at the same seed (p_meet 0.541 vs 0.587), and
a unit ``万\\n户`` warned a false unit mismatch with the history's 万户.

Every figure here is SYNTHETIC.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.forecast import series_rng

VALUES = [1.7, 1.89, 2.1, 2.35, 2.6, 2.85]


def _forecast(indicator, region="鼎湖区"):
    history = pd.DataFrame({"region": region, "indicator": indicator, "unit": "万户", "year": range(2019, 2025),
                            "value": VALUES})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.forecast(history, horizon=1, seed=0)


@pytest.mark.parametrize("written", ["期末市场主体\n总量", "期末市场主体 总量", "期末市場主體總量", " 期末市场主体总量　"])
def test_same_series_written_otherwise_draws_the_same_forecast(written):
    plain = _forecast("期末市场主体总量")
    other = _forecast(written)
    assert np.allclose(other[["mean", "lo_80", "hi_80"]].to_numpy(float), plain[["mean", "lo_80", "hi_80"]].to_numpy(float))


def test_seed_of_a_plain_key_is_unchanged():
    # an id written plainly keeps the draws it had (results of earlier runs stay reproducible)
    import zlib
    key = zlib.crc32("鼎湖区\x1f期末市场主体总量".encode("utf-8"))
    assert series_rng(7, "鼎湖区", "期末市场主体总量").random() == np.random.default_rng([7, key]).random()


def test_wrapped_id_and_unit_are_read_without_their_line_breaks(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text('指标名称,单位,2023年,2024年\n"期末市场主体\n总量","万\n户",2.6,2.85\n', encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = mt.read_history(path, region="鼎湖区")
    assert set(h["indicator"]) == {"期末市场主体总量"}
    assert set(h["unit"]) == {"万户"}
    plan = tmp_path / "p.csv"
    plan.write_text('指标名称,单位,2020年基数,2025年目标,指标属性\n"期末市场主体\n总量","万\n户",〔1.89〕,〔3.12〕,预期性\n',
                    encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p = mt.read_plan(plan, region="鼎湖区")
        out = mt.assess(h, p, seed=0)
    assert p["unit"].tolist() == ["万户"] and p["indicator"].tolist() == ["期末市场主体总量"]
    assert not [w for w in caught if "unit" in str(w.message).lower() and "万\n户" in str(w.message)]
    assert out["unit"].tolist() == ["万户"]
