"""Smaller bureau-file readings (session 38: prober /tmp/s38/p3, fixer /tmp/s38/q1):

- a 合计 row under 指标名称 of a wide history was forecast as an indicator (鼎湖区 合计 2025 1,549): left out,
  with a warning naming it a total row;
- an Excel accounting zero saved to CSV (`` -   ``) was read as missing: read as 0 when the column's other
  cells are numbers (the .xlsx holds 0 there); a bare ``-`` stays "no figure";
- a plan's 合计 row was refused as "a target value, not blank": now said to be a total row to delete;
- 二〇二一年 / 二〇二五年目标 headers were refused as missing columns: read as 2021年 / 2025年目标;
- a 2021年初 header's refusal now says a 年初 figure is the previous year's 年末 one.

Every figure here is SYNTHETIC.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError
from report_helpers import read_written

HEAD = "指标名称,单位,2020年,2021年,2022年,2023年,2024年\n"


def _history(tmp_path, text):
    return read_written(tmp_path, text, mt.read_history, "h.csv")


def test_total_row_in_the_indicator_column_is_not_forecast(tmp_path):
    frame, said = _history(tmp_path, HEAD + "期末市场主体总量,万户,1.89,2.1,2.35,2.6,2.85\n"
                                              "企业标准,项,38,55,70,88,101\n合计,,39.89,57.1,72.35,90.6,103.85\n")
    assert set(frame["indicator"]) == {"期末市场主体总量", "企业标准"}
    assert any("'合计'" in m and "total row" in m for m in said)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = mt.forecast(frame, horizon=1, seed=0)
    assert "合计" not in set(out["indicator"])


def test_accounting_zero_in_csv_is_zero(tmp_path):
    frame, _ = _history(tmp_path, HEAD + "地方标准,项, -   , -   ,1,1,2\n"
                                         "知识产权质押登记融资金额,亿元,-,0.8, -   ,1.2,1.1\n")
    local = frame[frame["indicator"] == "地方标准"].sort_values("year")["value"].to_numpy(float)
    loans = frame[frame["indicator"] == "知识产权质押登记融资金额"].sort_values("year")
    assert np.allclose(local, [0, 0, 1, 1, 2])
    assert loans.loc[loans["year"] == 2022, "value"].iloc[0] == 0
    assert 2020 not in set(loans.loc[loans["value"].notna(), "year"])  # a bare "-": no figure


def test_plan_total_row_is_said_to_be_a_total_row(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("指标名称,单位,2020年基数,2025年目标,指标属性\n期末市场主体总量,万户,〔1.89〕,〔3.12〕,预期性\n"
                    "合计,项,,,\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert "合计行不是指标，请删除该行" in str(err.value) and "a target value" not in str(err.value)


def test_chinese_numeral_years_in_headers(tmp_path):
    frame, _ = _history(tmp_path, "指标名称,单位,二〇二〇年,二〇二一年,二〇二二年\n期末市场主体总量,万户,1.89,2.1,2.35\n")
    assert sorted(frame["year"]) == [2020, 2021, 2022]
    path = tmp_path / "p.csv"
    path.write_text("指标名称,单位,二〇二〇年基数,二〇二五年目标,指标属性\n期末市场主体总量,万户,〔1.89〕,〔3.12〕,预期性\n",
                    encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(path, region="鼎湖区")
    assert plan[["baseline_year", "target_year", "target"]].iloc[0].tolist() == [2020, 2025, 3.12]


def test_year_start_headers_say_the_previous_year_end(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("指标名称,单位,2021年初,2022年初\n期末市场主体总量,万户,1.89,2.1\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_history(path, region="鼎湖区")
    assert "上年年末" in str(err.value) and "'2021年初' -> 2020年" in str(err.value)


def test_accounting_zero_is_read_only_in_a_column_of_figures():
    """The dash becomes 0 beside cells written as numbers (1,234 / 98% / -5.81) or under a year's heading, not in
    a column of text that opens with a digit (3项待核): the check had been shadowed by a looser pattern of the same
    name, which any cell opening with a digit passed (session 53)."""
    import pandas as pd

    from mstarget.io import _accounting_zeros
    for others, want in ((["备注", "3项待核"], "-"), (["1,234", "98%"], "0"), (["-5.81"], "0"),
                         (["2020年", "-"], "0"), (["2021年度"], "0")):
        raw = others + [" -   "]
        grid = pd.DataFrame({"c": [t.strip() for t in raw]})
        _accounting_zeros(grid, "c", raw)
        assert grid["c"].iloc[-1] == want, (others, grid["c"].tolist())
