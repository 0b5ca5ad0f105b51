"""Session 42 prober (FP6) findings on the sampling-table readers (mstarget.risk.samples):

1. a workbook with one sheet per district read only its first sheet, silently; --region 鼎湖区 then
   printed another district's figures under 鼎湖区's name;
2. 全市 rows under a 区县 column NOT in --by were summed in with the districts (batches counted twice);
5. a wide table (years merged over 抽检批次 | 不合格批次) with a category blank in its early years: --by 食品大类
   gave "column missing"; a blank before a category's first figures is now read as not sampled then;
7. a monthly table with a 全年 row per year was refused with one backwards 'overlaps' line per month;
8. a table with 抽检批次 and 合格率 only was refused; 季度 was listed twice among the table's columns.

Every table here is SYNTHETIC (built in the test, seeded); no figure is real.
"""
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import DataValidationError

_DISTRICTS = ("端州区", "鼎湖区", "高要区", "四会市")
_CATS = ("粮食加工品", "食用农产品", "餐饮食品", "肉制品", "糕点")
_YEARS = (2021, 2022, 2023, 2024)


def _district_rows(seed: int = 42) -> dict[str, list[tuple]]:
    """SYNTHETIC: per district, rows (年度, 食品大类, 抽检批次, 不合格批次); each district its own scale."""
    rng = np.random.default_rng(seed)
    out = {}
    for k, d in enumerate(_DISTRICTS):
        rows = []
        for y in _YEARS:
            for c in _CATS:
                n = int(rng.integers(40, 120)) * (k + 1)
                rows.append((y, c, n, int(rng.binomial(n, 0.03 + 0.01 * k))))
        out[d] = rows
    return out


def _district_book(path, data, *, with_column=False, odd_sheet=None, city_sheet=False):
    """SYNTHETIC: one sheet per district (a title row, then 年度 | [区县 |] 食品大类 | 抽检批次 | 不合格批次)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for d, rows in data.items():
        ws = wb.create_sheet(d)
        ws.append([f"{d}食品安全监督抽检情况统计表"])
        head = ["年度", "区县", "食品大类", "抽检批次", "不合格批次"] if with_column else \
            ["年度", "食品大类", "抽检批次", "不合格批次"]
        if d == odd_sheet:
            head = ["年度", "食品大类", "抽检批次", "合格批次"]
        ws.append(head)
        for y, c, n, f in rows:
            ws.append([y, d, c, n, f] if with_column else [y, c, n, n - f if d == odd_sheet else f])
    if city_sheet:  # the city's sheet adding the districts up
        ws = wb.create_sheet("全市汇总")
        ws.append(["年度", "食品大类", "抽检批次", "不合格批次"])
        for i, (y, c, _, _) in enumerate(next(iter(data.values()))):
            ws.append([y, c, sum(r[i][2] for r in data.values()), sum(r[i][3] for r in data.values())])
    wb.save(path)
    return path


def _sums(rows):
    return sum(r[2] for r in rows), sum(r[3] for r in rows)


# 1. one sheet per district ---------------------------------------------------------------------------------

@pytest.mark.parametrize("with_column", [False, True])
def test_every_district_sheet_is_read_with_its_name_as_the_district(tmp_path, with_column):
    data = _district_rows()
    path = _district_book(tmp_path / "districts.xlsx", data, with_column=with_column)
    with pytest.warns(UserWarning, match="one sheet per district.*'端州区', '鼎湖区', '高要区', '四会市'"):
        s = mt.risk.score(str(path), by=["区县", "食品大类"])
    assert set(s["区县"]) == set(_DISTRICTS)
    for d in _DISTRICTS:
        assert (int(s.loc[s["区县"] == d, "tested"].sum()), int(s.loc[s["区县"] == d, "failed"].sum())) == \
            _sums(data[d])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pooled = mt.risk.score(str(path), by=["食品大类"])  # the city: every district's batches once
    assert int(pooled["tested"].sum()) == sum(_sums(r)[0] for r in data.values())


def test_region_selects_that_districts_sheet(tmp_path, capsys):
    data = _district_rows()
    path = _district_book(tmp_path / "districts.xlsx", data)
    out = tmp_path / "dinghu.csv"
    rc = main(["risk", "score", "--samples", str(path), "--by", "食品大类", "--region", "鼎湖区",
               "--out", str(out), "--no-track"])
    assert rc == 0
    got = pd.read_csv(out, encoding="utf-8-sig")
    want = {c: (sum(r[2] for r in data["鼎湖区"] if r[1] == c), sum(r[3] for r in data["鼎湖区"] if r[1] == c))
            for c in _CATS}
    assert {r["食品大类"]: (r["tested"], r["failed"]) for _, r in got.iterrows()} == want
    assert "地区 region: 鼎湖区" in capsys.readouterr().out


def test_a_city_sheet_beside_the_district_sheets_is_not_read_and_said(tmp_path):
    data = _district_rows()
    path = _district_book(tmp_path / "districts.xlsx", data, city_sheet=True)
    with pytest.warns(UserWarning, match="not read: '全市汇总'"):
        s = mt.risk.score(str(path), by=["区县", "食品大类"])
    assert int(s["tested"].sum()) == sum(_sums(r)[0] for r in data.values())


def test_district_sheets_laid_out_differently_are_refused_naming_them(tmp_path):
    path = _district_book(tmp_path / "districts.xlsx", _district_rows(), odd_sheet="高要区")
    with pytest.raises(DataValidationError) as e:
        mt.risk.score(str(path), by=["食品大类"])
    text = str(e.value)
    assert "districts.xlsx" in text and "'高要区': 年度, 食品大类, 抽检批次, 合格批次" in text
    assert "'端州区': 年度, 食品大类, 抽检批次, 不合格批次" in text


def test_a_sheets_own_district_column_naming_another_district_is_refused(tmp_path):
    data = _district_rows()
    path = _district_book(tmp_path / "districts.xlsx", data, with_column=True)
    wb = openpyxl.load_workbook(path)
    wb["鼎湖区"]["B5"] = "端州区"  # row 5 of 鼎湖区's sheet says 端州区
    wb.save(path)
    with pytest.raises(DataValidationError) as e:
        mt.risk.score(str(path), by=["食品大类"])
    text = str(e.value)
    assert "[sheet '鼎湖区'], row 5, column '区县': '端州区'" in text and "鼎湖区 (the sheet's name)" in text


def test_sheets_named_by_year_still_read_as_periods(tmp_path):
    """SYNTHETIC: one sheet per year (2023年, 2024年) -- kept as before."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for y, n in ((2023, 100), (2024, 120)):
        ws = wb.create_sheet(f"{y}年")
        ws.append(["食品大类", "抽检批次", "不合格批次"])
        ws.append(["粮食加工品", n, 2])
        ws.append(["餐饮食品", n + 50, 9])
    wb.save(tmp_path / "years.xlsx")
    s = mt.risk.score(str(tmp_path / "years.xlsx"), by=["食品大类"])
    assert s.attrs["risk"]["periods"] == ["2023", "2024"]
    assert int(s["tested"].sum()) == 100 + 150 + 120 + 170


# 2. 全市 under a place column not in --by --------------------------------------------------------------------

def _city_rows(extra: int = 0) -> pd.DataFrame:
    """SYNTHETIC: 年度 | 区县 | 食品大类 | counts, a 全市 row per year and category (+ ``extra`` batches)."""
    data = _district_rows()
    rows = []
    for i, (y, c, _, _) in enumerate(data["端州区"]):
        for d in _DISTRICTS:
            rows.append((y, d, c, data[d][i][2], data[d][i][3]))
        rows.append((y, "全市", c, sum(data[d][i][2] for d in _DISTRICTS) + extra,
                     sum(data[d][i][3] for d in _DISTRICTS)))
    return pd.DataFrame(rows, columns=["年度", "区县", "食品大类", "抽检批次", "不合格批次"])


def test_city_rows_under_a_district_column_not_in_by_are_left_out(tmp_path):
    df = _city_rows()
    path = tmp_path / "city_rows.csv"
    df.to_csv(path, index=False, encoding="utf-8-sig")
    districts = df[df["区县"] != "全市"]
    with pytest.warns(UserWarning, match=r"全市 .*20 rows, [0-9,]+ batches, left out though '区县' is not a --by "
                                         r"column") as rec:
        s = mt.risk.score(str(path), by=["食品大类"])
    city = df[df["区县"] == "全市"]
    said = " ".join(str(w.message) for w in rec)
    assert f"{int(city['抽检批次'].sum()):,} batches" in said
    assert int(s["tested"].sum()) == int(districts["抽检批次"].sum())
    assert int(s["failed"].sum()) == int(districts["不合格批次"].sum())


def test_city_rows_above_the_districts_sum_are_still_left_out_and_said(tmp_path):
    df = _city_rows(extra=7)  # provincial sampling in the city not split by district
    with pytest.warns(UserWarning, match="not equal to their sum"):
        s = mt.risk.score(df, by=["食品大类"])
    assert int(s["tested"].sum()) == int(df.loc[df["区县"] != "全市", "抽检批次"].sum())


# 5. wide table with a category blank before its first year ---------------------------------------------------

def _wide_book(path, blank_between=False):
    """SYNTHETIC: years merged over 抽检批次 | 不合格批次; 特殊膳食食品 blank until 2024 (new category)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "鼎湖区"
    ws.append(["鼎湖区2021-2024年食品安全监督抽检情况"])
    ws.append(["序号", "食品大类", "2021年", None, "2022年", None, "2023年", None, "2024年", None])
    ws.append([None, None] + ["抽检批次", "不合格批次"] * 4)
    for cell in ("A2:A3", "B2:B3", "C2:D2", "E2:F2", "G2:H2", "I2:J2"):
        ws.merge_cells(cell)
    ws.append([1, "粮食加工品", 147, 1, 179, 1, 225, 0, 196, 3])
    ws.append([2, "餐饮食品", 230, 17, 271, 16, 264, 17, 274, 19])
    ws.append([3, "糕点", 137, 2, 138, 5, None if blank_between else 163, None if blank_between else 1, 158, 1])
    ws.append([4, "特殊膳食食品", None, None, None, None, None, None, 2, 1])
    wb.save(path)
    return path


def test_a_category_blank_before_its_first_year_is_read_as_not_sampled(tmp_path):
    path = _wide_book(tmp_path / "wide.xlsx")
    with pytest.warns(UserWarning, match=r"read as not sampled then.*特殊膳食食品 \(row 7\): 2021–2023"):
        s = mt.risk.score(str(path), by=["食品大类"])
    new = s[s["食品大类"] == "特殊膳食食品"].iloc[0]
    assert (int(new["tested"]), int(new["failed"]), new["first_period"]) == (2, 1, "2024")
    assert int(s.loc[s["食品大类"] == "餐饮食品", "tested"].iloc[0]) == 230 + 271 + 264 + 274


def test_a_blank_between_filled_years_is_refused_naming_the_users_header(tmp_path):
    path = _wide_book(tmp_path / "wide.xlsx", blank_between=True)
    with pytest.raises(DataValidationError) as e:
        mt.risk.score(str(path), by=["食品大类"])
    text = str(e.value)
    assert "column missing" not in text
    assert "row 6, column '2023年抽检批次'" in text and "empty cell" in text


# 7. a 全年 row beside the months ---------------------------------------------------------------------------

def _monthly_with_year(off: int = 0) -> pd.DataFrame:
    """SYNTHETIC: 年度 | 月份 | 食品大类 | counts, months 1月..12月 of 2023 and a 全年 row per category."""
    rng = np.random.default_rng(7)
    rows = []
    for c in _CATS[:3]:
        months = [(int(rng.integers(10, 40)), 0) for _ in range(12)]
        months = [(n, int(rng.binomial(n, 0.05))) for n, _ in months]
        rows += [(2023, f"{m + 1}月", c, n, f) for m, (n, f) in enumerate(months)]
        rows.append((2023, "全年", c, sum(n for n, _ in months) + off, sum(f for _, f in months)))
    return pd.DataFrame(rows, columns=["年度", "月份", "食品大类", "抽检批次", "不合格批次"])


def test_a_whole_year_row_beside_its_months_is_left_out_once():
    df = _monthly_with_year()
    months = df[df["月份"] != "全年"]
    with pytest.warns(UserWarning) as rec:
        s = mt.risk.score(df, by=["食品大类"])
    said = [str(w.message) for w in rec if "2023 beside 2023-01 … 2023-12" in str(w.message)]
    assert len(said) == 1 and "3 rows" in said[0] and "equal to the sum of its parts" in said[0]
    assert int(s["tested"].sum()) == int(months["抽检批次"].sum())
    assert "2023" not in s.attrs["risk"]["periods"]


def test_a_whole_year_row_differing_from_its_months_says_so():
    df = _monthly_with_year(off=5)
    with pytest.warns(UserWarning, match=r"in 3 of them not equal to its parts' sum: 2023 / 粮食加工品 \(row 14\)"):
        s = mt.risk.score(df, by=["食品大类"])
    assert int(s["tested"].sum()) == int(df.loc[df["月份"] != "全年", "抽检批次"].sum())


def test_overlapping_periods_kept_are_refused_once_per_pair_the_right_way_round():
    df = _monthly_with_year()
    with pytest.raises(DataValidationError) as e:
        mt.risk.score(df, by=["食品大类"], drop_totals=False)
    problems = e.value.problems
    assert len(problems) == 3  # one per 全年 row, not one per month
    assert "row 14" in str(e.value) and "2023 overlaps 2023-01 (row 2), 2023-02 (row 3)" in str(e.value)
    assert "counted twice" in str(e.value)


# 8. 合格率 only -------------------------------------------------------------------------------------------

def test_failures_are_worked_out_from_the_pass_rate(tmp_path):
    """SYNTHETIC: 年度 | 季度 | 食品大类 | 抽检批次 | 合格率 (two decimals, as bureaus publish them)."""
    rng = np.random.default_rng(8)
    rows, truth = [], []
    for q in ("第一季度", "第二季度", "第三季度", "第四季度"):
        for c in _CATS:
            n = int(rng.integers(40, 160))
            f = int(rng.binomial(n, 0.04))
            rows.append(("2023年", q, c, n, f"{100 * (n - f) / n:.2f}%"))
            truth.append((c, n, f))
    df = pd.DataFrame(rows, columns=["年度", "季度", "食品大类", "抽检批次", "合格率"])
    path = tmp_path / "pass_rate.csv"
    df.to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.warns(UserWarning, match=r"不合格批次 read as 抽检批次 x \(100% − 合格率\).*抽检批次与合格率推算"):
        s = mt.risk.score(str(path), by=["食品大类"])
    for c in _CATS:
        got = s[s["食品大类"] == c].iloc[0]
        assert int(got["failed"]) == sum(f for cc, _, f in truth if cc == c)


def test_a_pass_rate_fitting_no_whole_count_is_refused_naming_the_row():
    """SYNTHETIC: 97.00% of 59 batches is no whole count of passed batches."""
    df = pd.DataFrame({"年度": [2023, 2023], "食品大类": ["粮食加工品", "餐饮食品"], "抽检批次": [59, 70],
                       "合格率": ["97.00%", "95.71%"]})
    with pytest.raises(DataValidationError) as e:
        mt.risk.score(df, by=["食品大类"])
    assert "row 2, column '合格率': '97.00%'" in str(e.value) and "57.23 batches" in str(e.value)


def test_the_missing_column_message_lists_each_header_once():
    """SYNTHETIC: 年度 | 季度 | 食品大类 | 抽检批次, no failures in any form."""
    df = pd.DataFrame({"年度": ["2023年"] * 2, "季度": ["第一季度", "第二季度"], "食品大类": ["糕点"] * 2,
                       "抽检批次": [10, 12]})
    with pytest.raises(DataValidationError) as e:
        mt.risk.score(df, by=["食品大类"])
    text = str(e.value)
    assert "the table has: 年度 + 季度, 食品大类, 抽检批次;" in text


def test_one_districts_year_beside_other_districts_months_is_no_total():
    """SYNTHETIC: 端州区 reports 2023 as one row, 鼎湖区 / 高要区 by month: 端州区's year is its own sampling."""
    rows = [("端州区", "2023", "糕点", 300, 6)]
    rows += [(d, f"2023-{m:02d}", "糕点", 20 + m, m % 3) for d in ("鼎湖区", "高要区") for m in range(1, 13)]
    df = pd.DataFrame(rows, columns=["区县", "period", "食品大类", "抽检批次", "不合格批次"])
    with pytest.raises(DataValidationError) as e:
        mt.risk.score(df, by=["食品大类"])
    assert "2023 overlaps 2023-01" in str(e.value) and "counted twice" in str(e.value)
    s = mt.risk.score(df, by=["区县", "食品大类"])  # each district its own periods: all read
    assert int(s["tested"].sum()) == 300 + 2 * sum(20 + m for m in range(1, 13))


def test_sheets_of_other_domains_beside_the_one_read_are_named(tmp_path):
    """A workbook of one domain per sheet (食品 / 药品, named neither by a period nor by a place): one sheet is read,
    as before, and the others holding sampling tables are named in a warning -- they went missing without a word."""
    # SYNTHETIC counts
    wb = openpyxl.Workbook()
    for k, (sheet, rows) in enumerate((("食品", [("粮食加工品", 500, 10), ("肉制品", 400, 12)]),
                                       ("药品", [("化学药", 300, 3), ("中成药", 200, 4)]))):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = sheet
        ws.append(["类别", "抽检批次", "不合格批次"])
        for r in rows:
            ws.append(list(r))
    path = tmp_path / "domains.xlsx"
    wb.save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = mt.risk.score(str(path))
    said = " ".join(str(w.message) for w in caught)
    assert "read sheet '食品' only; '药品' also hold sampling tables and were not read" in said
    assert set(scores["category"]) == {"粮食加工品", "肉制品"}


def test_evaluating_a_table_of_totals_only_says_so(data_dir):
    """The shipped national table's quarterly rows are all 合计 (real figures): evaluated by category, the refusal says
    every row is a total -- it said 'the periods with counts are .', an empty list."""
    d = pd.read_csv(data_dir / "china" / "food_sampling_by_category.csv")
    quarters = d[d["period"].astype(str).str.contains("Q")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(mt.ParameterError, match=r"Every row of <DataFrame> is a total \(合计 / 小计\) under "
                                                      r"category.*keep the totals \(drop_totals=False"):
            mt.risk.evaluate(quarters, by=["category"], train_until="2020Q3", budget=1000)
