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


# ============================================================================= session 41, prober FP3 (fixer RF4)
"""FP3 found, on the rules above: (1) whole years then this year's 1-6月 as Excel dates (2021-12-31 ...
2023-12-31, 2024-06-30) read as 2021H2, 2022H2, 2023H2, 2024H1 -- the shortest step taken as the grid --
and a date with a time refused row by row; (2) a 全市 row equal to the districts' sum + 7 scored as one more
district, and 全区 / 全县 never totals; (3) --max-per-level 区县:鼎湖=100 ignored though 鼎湖区 is the one
district so named, two limits on one district silently one, 'did you mean 市本级?' for 四会市. SYNTHETIC."""


def _dated(dates, seed: int = 4) -> pd.DataFrame:
    """SYNTHETIC: 3 categories per date."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in dates:
        for c in ("粮食", "肉制品", "乳制品"):
            n = int(rng.integers(80, 200))
            rows.append({"period": d, "category": c, "tested": n, "failed": int(rng.binomial(n, 0.03))})
    return pd.DataFrame(rows)


def test_year_ends_then_a_mid_year_date_are_years_and_the_months_to_date_with_a_warning():
    dates = pd.to_datetime(["2021-12-31", "2022-12-31", "2023-12-31", "2024-06-30"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = mt.risk.score(_dated(dates), by=["category"])
    assert got.attrs["risk"]["periods"] == ["2021", "2022", "2023", "2024H1"]
    said = [str(w.message) for w in caught if "2024-06-30" in str(w.message)]
    assert said and "2024年1-6月" in said[0] and "2024Q2" in said[0]
    # the same read from periods written out
    written = _dated(["2021", "2022", "2023", "2024H1"])
    assert got["risk"].tolist() == _score_cat(written)["risk"].tolist()
    # 1-3月 after year ends is 2024Q1; 1-9月 is no period: refused once, saying how to write it
    assert _score_cat(_dated(pd.to_datetime(["2022-12-31", "2023-12-31", "2024-03-31"]))).attrs["risk"][
        "periods"] == ["2022", "2023", "2024Q1"]
    with pytest.raises(DataValidationError) as err:
        _score_cat(_dated(pd.to_datetime(["2022-12-31", "2023-12-31", "2024-09-30"])))
    assert len(err.value.problems) == 1
    assert "write 2022, 2023 for the year ends" in str(err.value) and "2024Q3" in str(err.value)


def test_year_ends_and_finer_dates_mixed_are_refused_not_read_as_halves():
    from mstarget.risk.periods import date_periods
    for dates in (["2022-12-31", "2023-12-31", "2024-06-30", "2024-12-31"],  # then half-years, or 1-12月?
                  ["2021-06-30", "2021-12-31", "2022-12-31", "2023-12-31"]):  # a first half-year before years
        with pytest.raises(ValueError, match="year ends"):
            date_periods(dates)
    # half-years with one missing stay half-years
    got = date_periods(["2022-06-30", "2022-12-31", "2023-12-31", "2024-06-30"])
    assert [p.label for p in got.values()] == ["2022H1", "2022H2", "2023H2", "2024H1"]


def test_a_date_with_a_time_of_day_is_read_by_its_date():
    dates = ["2024-03-31 00:00:00", "2024-06-30 12:00:00", "2024-09-30T08:15:00", pd.Timestamp("2024-12-31 18:00")]
    got = _score_cat(_dated(dates))
    assert got.attrs["risk"]["periods"] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]


def _score_cat(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.score(df, by=["category"])


def _place_table(outer: str, whole: str, parts, extra: int = 0) -> pd.DataFrame:
    """SYNTHETIC: places x 3 categories x 2 years, and a whole-of-place row = the parts' sum + ``extra``."""
    rng = np.random.default_rng(11)
    rows = []
    for y in (2023, 2024):
        for c in ("粮食", "肉制品", "乳制品"):
            part = [{"period": y, outer: d, "category": c, "tested": int(rng.integers(50, 150)),
                     "failed": int(rng.integers(0, 6))} for d in parts]
            rows += part
            rows.append({"period": y, outer: whole, "category": c, "tested": sum(r["tested"] for r in part) + extra,
                         "failed": sum(r["failed"] for r in part)})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("by", [["区县", "category"], ["category", "区县"]])
def test_city_row_off_its_districts_sum_is_left_out_saying_by_how_much(by):
    df = _place_table("区县", "全市", ["端州区", "鼎湖区", "高要区"], extra=7)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = mt.risk.score(df, by=by)
    assert "全市" not in set(s["区县"])
    assert int(s["tested"].sum()) == int(df[df["区县"] != "全市"]["tested"].sum())
    said = [str(w.message) for w in caught if "total rows" in str(w.message)]
    assert said and "全市" in said[0] and "(+7 / +0)" in said[0] and "not equal to their sum" in said[0]


def test_city_row_kept_with_keep_totals():
    df = _place_table("区县", "全市", ["端州区", "鼎湖区", "高要区"], extra=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.risk.score(df, by=["区县", "category"], drop_totals=False)
    assert "全市" in set(s["区县"])


@pytest.mark.parametrize("whole", ["全区", "全县"])
def test_district_or_county_row_under_streets_is_a_total(whole):
    df = _place_table("街道", whole, ["坑口街道", "桂城街道", "广利街道"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = mt.risk.score(df, by=["街道", "category"])
    assert whole not in set(s["街道"]) and len(s) == 9
    assert any(whole in str(w.message) and "total rows" in str(w.message) for w in caught)


@pytest.fixture(scope="module")
def district_scores():
    """SYNTHETIC scores of 端州区, 鼎湖区 (riskiest), 四会市 and 市本级."""
    rng = np.random.default_rng(5)
    rows = []
    for y in (2022, 2023):
        for d in ("端州区", "鼎湖区", "四会市", "市本级"):
            for c in ("粮食", "肉制品", "乳制品"):
                n = int(rng.integers(80, 300))
                rows.append({"period": y, "区县": d, "category": c, "tested": n,
                             "failed": int(rng.binomial(n, 0.05 if d == "鼎湖区" else 0.02))})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.score(pd.DataFrame(rows), by=["区县", "category"])


def test_cap_on_a_district_written_without_its_ending_applies_with_a_note(district_scores):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = mt.risk.allocate(district_scores, 2000, by=["区县", "category"], max_per_level={"区县": {"鼎湖": 100}})
    assert int(a[a["区县"] == "鼎湖区"]["batches"].sum()) == 100
    assert any("read as '鼎湖区'" in str(w.message) for w in caught)


def test_two_limits_on_one_district_are_refused_naming_both(district_scores):
    for kw in ({"max_per_level": {"区县": {"鼎湖": 100, "鼎湖区": 200}}},
               {"max_per_level": {"区县": {"鼎湖区": 100}}, "max_per_group": {"鼎湖区": 200}}):
        with pytest.raises(ParameterError) as err:
            _allocate_d(district_scores, **kw)
        assert "two limits" in str(err.value) and "100" in str(err.value) and "200" in str(err.value)


def test_did_you_mean_names_only_close_names(district_scores):
    scores = district_scores[district_scores["区县"] != "四会市"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.risk.allocate(scores, 2000, by=["区县", "category"], max_per_level={"区县": {"四会市": 100}})
    said = [str(w.message) for w in caught if "四会市" in str(w.message)]
    assert said and "ignored" in said[0] and "did you mean" not in said[0]
    with pytest.raises(ParameterError) as err:
        _allocate_d(district_scores, min_per_level={"区县": {"端洲区": 100}})
    assert "did you mean 端州区?" in str(err.value)


def _allocate_d(scores, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.allocate(scores, 2000, by=["区县", "category"], **kw)


def test_province_beside_one_city_comparing_itself_is_kept_as_a_place():
    """SYNTHETIC: 全省 and 肇庆市 (a city comparing itself with its province) are both scored."""
    rows = []
    for y in (2023, 2024):
        for c in ("粮食", "肉制品", "乳制品"):
            rows += [{"period": y, "地区": "全省", "category": c, "tested": 5000, "failed": 150},
                     {"period": y, "地区": "肇庆市", "category": c, "tested": 300, "failed": 12}]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.risk.score(pd.DataFrame(rows), by=["地区", "category"])
    assert set(s["地区"]) == {"全省", "肇庆市"}
