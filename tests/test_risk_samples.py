"""Issue 3: sampling tables are validated cell by cell; periods are parsed and ordered."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import mstarget as mt
from mstarget.exceptions import DataValidationError
from mstarget.risk.periods import parse_period, period_order


def test_period_spellings_and_order():
    assert parse_period(2023).label == "2023"
    assert parse_period("2023h1").label == "2023H1"
    assert parse_period("2023-Q2").label == "2023Q2"
    assert parse_period("2023-3").label == "2023-03"
    assert parse_period("2023年上半年").label == "2023H1"
    assert parse_period("2023年第三季度").label == "2023Q3"
    assert parse_period("2022.0").label == "2022"
    # ordered by last month, then first month
    assert period_order(["2023", "2023Q3", "2023H1", "2023Q1", "2022-12", "2023-07"]) == \
        ["2022-12", "2023Q1", "2023H1", "2023-07", "2023Q3", "2023"]


@pytest.mark.parametrize("bad", ["2023H3", "2023Q5", "2023-13", "FY23", "23H1", "", "2023 first half"])
def test_unknown_period_is_refused(bad):
    with pytest.raises(ValueError, match="2023H1"):
        parse_period(bad)


@given(st.integers(1990, 2100), st.integers(1, 12))
@settings(deadline=None)  # no wall-clock limits in tests (a busy CI machine is not a failure)
def test_month_inside_its_quarter_half_and_year(y, m):
    mon = parse_period(f"{y}-{m:02d}")
    q = parse_period(f"{y}Q{(m - 1) // 3 + 1}")
    h = parse_period(f"{y}H{(m - 1) // 6 + 1}")
    yr = parse_period(y)
    for outer in (q, h, yr):
        assert outer.start <= mon.start and mon.end <= outer.end
    # a month never ends after its quarter, a quarter after its half-year, a half after its year
    assert mon.end <= q.end <= h.end <= yr.end
    # periods ending together: the longer one sorts first (both are usable at that month)
    assert sorted([yr, mon, h, q])[-1] in (mon, q, h, yr) and sorted([yr, mon])[0] == (
        mon if mon.end < yr.end else yr)


def test_every_bad_cell_is_reported_with_row_and_column():
    df = pd.DataFrame({"period": ["2022", "2022", "20X2", "2023"],
                       "category": ["肉制品", "乳制品", "饮料", "糕点"],
                       "tested": [100, -5, 50, 10.5],
                       "failed": [120, 1, 2, 1]})
    with pytest.raises(DataValidationError) as exc:
        mt.risk.score(df, by=["category"])
    probs = {(p.row, p.column) for p in exc.value.problems}
    # failed > tested in the first data row (spreadsheet row 2), negative count row 3,
    # unknown period row 4, non-integer count row 5 -- all at once
    assert probs == {(2, "failed"), (3, "tested"), (4, "period"), (5, "tested")}
    text = str(exc.value)
    assert "row 2, column 'failed'" in text and "failed <= tested" in text
    assert "unknown period format" in text
    assert "cannot be negative" in text and "decimals" in text


def test_missing_columns_are_named(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("period,category,tested\n2022,肉制品,100\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="column 'failed'.*column missing"):
        mt.risk.score(f, by="category")


def test_records_are_aggregated():
    rec = pd.DataFrame({"period": ["2022"] * 5 + ["2023"] * 3,
                        "category": ["a", "a", "b", "b", "b", "a", "b", "b"],
                        "failed": [1, 0, 0, "0", "不合格", 1, 0, 0]})
    s = mt.risk.score(rec, by="category")
    got = s.set_index("category")[["tested", "failed"]].to_dict("index")
    assert got == {"a": {"tested": 3, "failed": 2}, "b": {"tested": 5, "failed": 1}}


def test_thousands_separators_accepted_and_as_of_filters(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("period,category,tested,failed\n2021,a,\"1,000\",10\n2022H1,a,500,5\n2022H2,a,900,90\n",
                 encoding="utf-8")
    s = mt.risk.score(f, by="category", as_of="2022H1")
    assert s.loc[0, "tested"] == 1500 and s.loc[0, "failed"] == 15
    assert s.attrs["risk"]["periods"] == ["2021", "2022H1"]
    with pytest.raises(mt.ParameterError, match="as_of"):
        mt.risk.score(f, by="category", as_of="2020")


@pytest.mark.parametrize("cell", ["12,5", "1,00", "1,0000"])
def test_a_comma_that_does_not_separate_thousands_is_refused(cell):
    # 12,5 batches was read as 125
    df = pd.DataFrame({"period": ["2022", "2022"], "category": ["a", "b"], "tested": [cell, "1，200"],
                       "failed": ["0", "1"]})
    with pytest.raises(DataValidationError, match=r"row 2, column 'tested'.*a comma only between thousands"):
        mt.risk.score(df, by="category")


@pytest.mark.parametrize("cell", ["1e20", "100000000000000000000", 1e20])
def test_absurd_counts_are_refused_not_overflowed(cell):
    # issue 14: counts of 1e20 overflowed (exit 1)
    df = pd.DataFrame({"period": [2022, 2022], "category": ["a", "b"], "tested": [cell, 10],
                       "failed": [0, 1]})
    with pytest.raises(DataValidationError, match="row 2, column 'tested'.*at most 1,000,000,000,000"):
        mt.risk.score(df, by="category")


def test_int64_wraparound_never_gives_negative_counts():
    # issue 14: int64 wrap-around gave negative tested counts with exit 0
    big = np.array([2 ** 63 - 1, 2 ** 63 - 1, 5], dtype=np.uint64)
    df = pd.DataFrame({"period": 2022, "category": ["a", "a", "b"], "tested": big,
                       "failed": np.array([1, 1, 0], dtype=np.uint64)})
    with pytest.raises(DataValidationError) as exc:
        mt.risk.score(df, by="category")
    assert {(p.row, p.column) for p in exc.value.problems} == {(2, "tested"), (3, "tested")}
    wrapped = pd.DataFrame({"period": 2022, "category": ["a"], "tested": np.array([-5], np.int64),
                            "failed": [0]})
    with pytest.raises(DataValidationError, match="cannot be negative"):
        mt.risk.score(wrapped, by="category")


def test_rows_are_counted_in_the_file_after_filtering(tmp_path):
    # a bad cell in a region kept by the CLI is reported at its own row of the file
    from mstarget.cli.main import main

    f = tmp_path / "s.csv"
    f.write_text("region,period,category,tested,failed\n甲,2022,a,10,1\n乙,2022,a,10,1\n"
                 "乙,2022,b,10,x\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"s\.csv, row 4, column 'failed'"):
        from mstarget.cli.risk import _load_filtered
        mt.risk.score(_load_filtered(str(f), [], "乙"), by="category")
    assert main(["risk", "score", "--samples", str(f), "--region", "乙", "--no-track"]) == 2
