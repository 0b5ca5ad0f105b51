"""Session 41 prober (FP2) findings on risk tables:

1. dates in a period column were read cell by cell: month-end dates gave a problem per row, while the rows
   dated 12-31 were taken as the YEAR beside them; a table of only 12-31 dates was silently a year; Excel
   dates arriving as text ('2023-01-31') were "unknown period format" with no hint;
2. a 全市 total row under the OUTER --by column (区县 first) was scored as one more district (every batch
   counted twice), while under the inner column it was dropped with a warning;
3. a table with its group columns in the index (groupby(...).sum()) was told to "name the group columns
   with by=" -- the user had;
4. --min-per-level / --max-per-level edges: full-width ＝, (县级) vs （县级）, a value of two by columns,
   a cap on a district with no scores.

Every table here is SYNTHETIC (seeded); no figure is real.
"""
import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError, MstargetWarning, ParameterError

_DISTRICTS = ("端州区", "鼎湖区", "高要区")
_CATS = ("粮食加工品", "食用农产品", "餐饮食品", "肉制品")


def _monthly(seed: int = 41) -> pd.DataFrame:
    """SYNTHETIC: 3 districts x 4 categories x 12 months of 2023, periods written 2023-01."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in _DISTRICTS:
        for c in _CATS:
            for m in range(1, 13):
                n = int(rng.integers(20, 60))
                rows.append({"地区": d, "食品大类": c, "period": f"2023-{m:02d}", "tested": n,
                             "failed": int(rng.binomial(n, 0.04))})
    return pd.DataFrame(rows)


def _score(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.score(df, by=["食品大类", "地区"])


# ----------------------------------------------------------------------------- 1. dates as periods
@pytest.mark.parametrize("as_dates", [
    lambda p: pd.to_datetime(p) + pd.offsets.MonthEnd(0),  # month ends (resample("ME"))
    lambda p: pd.to_datetime(p),  # month starts (pd.to_datetime("2023-01"))
    lambda p: (pd.to_datetime(p) + pd.offsets.MonthEnd(0)).dt.strftime("%Y-%m-%d"),  # Excel dates as text
], ids=["month-end", "month-start", "month-end-text"])
def test_month_dates_are_read_as_months_not_their_december_as_the_year(as_dates):
    base = _score(_monthly())
    df = _monthly()
    df["period"] = as_dates(df["period"])
    got = _score(df)
    assert got.attrs["risk"]["periods"] == [f"2023-{m:02d}" for m in range(1, 13)]
    assert got["risk"].tolist() == base["risk"].tolist()
    assert int(got["tested"].sum()) == int(base["tested"].sum())


def test_quarter_end_dates_are_quarters():
    df = _monthly()
    df["period"] = pd.PeriodIndex(df["period"], freq="M").asfreq("Q")
    q = df.groupby(["地区", "食品大类", "period"], as_index=False)[["tested", "failed"]].sum()
    base = _score(q)
    for dates in (q["period"].dt.end_time.dt.normalize(), q["period"].dt.end_time.dt.strftime("%Y-%m-%d")):
        got = _score(q.assign(period=dates))
        assert got.attrs["risk"]["periods"] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
        assert got["risk"].tolist() == base["risk"].tolist()


def test_one_date_alone_is_refused_once_not_read_as_the_year():
    df = _monthly()
    df["period"] = pd.to_datetime(df["period"]) + pd.offsets.MonthEnd(0)
    december = df[df["period"].dt.month == 12]
    with pytest.raises(DataValidationError) as err:
        _score(december)
    assert len(err.value.problems) == 1  # once for the column, not once a row
    text = str(err.value)
    assert "2023-12-31" in text and "December" in text and "dt.to_period('M')" in text


def test_dates_on_no_grid_are_refused_once_for_the_column():
    df = _monthly()
    df["period"] = pd.to_datetime(df["period"]) + pd.Timedelta(days=14)  # the 15th of each month
    with pytest.raises(DataValidationError) as err:
        _score(df)
    assert len(err.value.problems) == 1
    assert "12 distinct" in str(err.value) and "dt.to_period('Q')" in str(err.value)


def test_date_periods_decides_from_the_whole_column():
    from mstarget.risk.periods import date_periods
    got = date_periods(["2022-12-31", "2023-12-31", pd.Timestamp("2024-12-31")])
    assert [p.label for p in got.values()] == ["2022", "2023", "2024"]
    got = date_periods(["2023-06-30", "2023-12-31", "2024-06-30"])
    assert [p.label for p in got.values()] == ["2023H1", "2023H2", "2024H1"]
    assert date_periods(["2023Q1", "2023"]) == {}  # no dates: read as periods elsewhere
    with pytest.raises(ValueError, match="3 months apart but not on the quarters"):
        date_periods(["2023-02-28", "2023-05-31"])


# ----------------------------------------------------------------------------- 2. 全市 under the outer column
def _with_city_total() -> pd.DataFrame:
    """SYNTHETIC: 区县 x 食品大类 x 2 years, plus a 全市 row per category and year summing the districts."""
    rng = np.random.default_rng(7)
    rows = []
    for y in (2022, 2023):
        for d in _DISTRICTS + ("四会市",):
            for c in _CATS:
                n = int(rng.integers(50, 300))
                rows.append({"period": y, "区县": d, "食品大类": c, "tested": n, "failed": int(rng.binomial(n, 0.04))})
    df = pd.DataFrame(rows)
    city = df.groupby(["period", "食品大类"], as_index=False)[["tested", "failed"]].sum().assign(区县="全市")
    return pd.concat([df, city[df.columns]], ignore_index=True)


@pytest.mark.parametrize("by", [["区县", "食品大类"], ["食品大类", "区县"]])
def test_city_total_under_either_column_is_left_out_with_a_warning(by):
    df = _with_city_total()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = mt.risk.score(df, by=by)
    assert "全市" not in set(s["区县"])
    assert int(s["tested"].sum()) == int(df[df["区县"] != "全市"]["tested"].sum())
    said = [str(w.message) for w in caught if "total rows" in str(w.message)]
    assert said and "全市" in said[0] and "'区县'" in said[0]


# ----------------------------------------------------------------------------- 3. group columns in the index
def test_group_columns_in_the_index_are_told_to_reset_index():
    df = _monthly()
    held = df.groupby(["period", "食品大类", "地区"])[["tested", "failed"]].sum()
    with pytest.raises(ParameterError) as err:
        mt.risk.score(held, by=["食品大类", "地区"])
    assert "reset_index()" in str(err.value) and "食品大类" in str(err.value)
    assert len(_score(held.reset_index())) == 12


# ----------------------------------------------------------------------------- 4. floors / caps per level
@pytest.fixture(scope="module")
def city_scores():
    """SYNTHETIC scores where 其他 is both a 区县 and a 食品大类, 四会市（县级） written full-width."""
    rng = np.random.default_rng(3)
    rows = []
    for y in (2022, 2023):
        for d in ("端州区", "鼎湖区", "四会市（县级）", "其他"):
            for c in ("粮食加工品", "肉制品", "其他"):
                n = int(rng.integers(80, 300))
                rows.append({"period": y, "区县": d, "食品大类": c, "tested": n, "failed": int(rng.binomial(n, 0.05))})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.score(pd.DataFrame(rows), by=["食品大类", "区县"])


def _allocate(scores, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.allocate(scores, 1200, by=["食品大类", "区县"], **kw)


def test_level_value_matched_as_groups_are_half_width_brackets(city_scores):
    a = _allocate(city_scores, min_per_level={"区县": {"四会市(县级)": 500}})
    assert int(a[a["区县"] == "四会市（县级）"]["batches"].sum()) >= 500


def test_value_of_two_columns_names_both_and_the_cli_form(city_scores):
    with pytest.raises(ParameterError) as err:
        _allocate(city_scores, min_per_level={"其他": 300})
    text = str(err.value)
    assert "value of both" in text and "区县:其他=300" in text and "食品大类" in text


def test_cap_on_a_district_without_scores_is_ignored_with_a_warning_floor_refused(city_scores):
    base = _allocate(city_scores)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = mt.risk.allocate(city_scores, 1200, by=["食品大类", "区县"], max_per_level={"区县": {"广宁县": 100}})
    assert a["batches"].tolist() == base["batches"].tolist()
    assert any("广宁县" in str(w.message) and "ignored" in str(w.message) for w in caught
               if issubclass(w.category, MstargetWarning))
    with pytest.raises(ParameterError, match="广宁县"):
        _allocate(city_scores, min_per_level={"区县": {"广宁县": 100}})


def test_cli_level_takes_full_width_equals():
    from mstarget.cli.risk import _level_arg
    assert _level_arg("区县：四会市(县级)＝600") == ("区县", "四会市(县级)", 600)
    assert _level_arg("区县＝400") == ("区县", None, 400)
