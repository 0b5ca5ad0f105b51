"""read_history: validation errors name file, row, column and what was expected (issue 2)."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt


def test_national_history_reads_with_types(data_dir):
    h = mt.read_history(data_dir / "china" / "national_history.csv")
    assert {"region", "indicator", "year", "value", "unit", "source"} <= set(h.columns)
    assert h["year"].dtype.kind == "i" and h["value"].dtype.kind == "f"
    patents = h[h["indicator"] == "high_value_invention_patents_per_10k"]
    assert list(patents["year"]) == [2020, 2021, 2022]
    assert list(patents["value"]) == [6.3, 7.5, 9.4]


def _write(tmp_path, rows, name="history.csv"):
    path = tmp_path / name
    pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"]).to_csv(path, index=False)
    return path


def test_every_bad_cell_reported(tmp_path):
    path = _write(tmp_path, [
        ["R", "rate", "2020", "95.0", "%"],
        ["R", "rate", "2021.5", "96", "%"],        # row 3: non-integer year
        ["R", "rate", "2022", "abc", "%"],         # row 4: not a number
        ["R", "rate", "2023", "101", "%"],         # row 5: % above 100
        ["R", "count", "2020", "10", "项"],
        ["R", "count", "2020", "11", "项"],        # row 7: duplicate with another value
    ])
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_history(path)
    where = {(p.row, p.column) for p in info.value.problems}
    assert where == {(3, "year"), (4, "value"), (5, "value"), (7, "value")}
    text = str(info.value)
    assert "history.csv, row 4, column 'value': 'abc': a number" in text
    assert "row 6 already gives 10 for R/count/2020" in text
    assert "between 0 and 100" in text


def test_exact_duplicates_are_dropped_not_refused(tmp_path):
    path = _write(tmp_path, [["R", "x", "2020", "1", ""], ["R", "x", "2020", "1", ""], ["R", "x", "2021", "2", ""]])
    assert len(mt.read_history(path)) == 2


def test_missing_columns(tmp_path):
    with pytest.raises(mt.DataValidationError, match=r"missing column\(s\) year"):
        mt.read_history(pd.DataFrame({"region": ["R"], "indicator": ["x"], "value": [1.0]}))


def test_missing_file_is_named():
    with pytest.raises(mt.DataValidationError, match="nope.csv: file not found"):
        mt.read_history("nope.csv")


def test_numbers_with_percent_sign_and_thousands_separators(tmp_path):
    path = _write(tmp_path, [["R", "x", "2020", "1,234", ""], ["R", "y", "2020", "95.01%", "%"]])
    h = mt.read_history(path)
    assert sorted(h["value"]) == [95.01, 1234.0]


def test_separators_and_percent_marks_that_would_change_the_number_are_refused(tmp_path):
    """12,5 is a decimal comma or a typo (it was read as 125), 2,021 no year (1,234 was read as the
    year 1234), and 12% in a series counted in 批次 no count (it was read as 12)."""
    path = _write(tmp_path, [
        ["全国", "batches", "2020", "6,380,000", "批次"],   # row 2: thousands: read
        ["全国", "batches", "2021", "6 954 438", "批次"],   # row 3: thousands with spaces: read
        ["全国", "batches", "2022", "12,5", "批次"],        # row 4: refused
        ["全国", "batches", "2,023", "7000000", "批次"],    # row 5: refused
        ["全国", "batches", "2019", "12%", "批次"],         # row 6: refused
        ["全国", "batches", "1234", "6000000", "批次"],     # row 7: no year of a plan's history
        ["全国", "pass_rate", "2022", "97.6%", "%"],        # row 8: a share written with %: read
    ])
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_history(path)
    where = {(p.row, p.column) for p in info.value.problems}
    assert where == {(4, "value"), (5, "year"), (6, "value"), (7, "year")}
    text = str(info.value)
    assert "row 4, column 'value': '12,5': a decimal point, not a comma (12.5)" in text
    assert "row 6, column 'value': '12%': 单元格中的 % 与本行单位 批次 不一致" in text
    rows = pd.read_csv(path, dtype=str).iloc[[0, 1, 6]]
    h = mt.read_history(rows)
    assert sorted(h["value"]) == [97.6, 6380000.0, 6954438.0]


def test_chinese_headers(tmp_path):
    path = tmp_path / "history_gbk.csv"
    pd.DataFrame({"地区": ["鼎湖区", "鼎湖区"], "指标名称": ["企业年报率", "企业年报率"], "年份": ["2016", "2020"],
                  "数值": ["84.05", "95.01"], "单位": ["%", "%"]}).to_csv(path, index=False, encoding="gbk")
    h = mt.read_history(path)
    assert list(h["indicator"]) == ["企业年报率", "企业年报率"] and list(h["value"]) == [84.05, 95.01]


# --- issue 18: shares vs rates of change in %, running totals, names ------------------------------

def _panels_path():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for cand in (root / "data" / "china", root.parent / "shared" / "data" / "china",
                 root.parents[1] / "shared" / "data" / "china", Path("/work/shared/data/china")):
        if (cand / "provincial_panels.csv").exists():
            return cand / "provincial_panels.csv"
    pytest.skip("provincial_panels.csv not found beside the repository")


def test_provincial_panels_load_with_a_negative_profit_margin():
    """issue 18: one negative high-tech profit margin (-0.31 %) refused the whole real file."""
    h = mt.read_history(_panels_path())
    margin = h[h["indicator"] == "hitech_industry_profit_margin"]
    assert margin["value"].min() == pytest.approx(-0.314465)
    assert h["indicator"].nunique() == 135 and len(h) > 35000


def test_growth_rate_in_percent_may_be_negative_but_a_share_may_not():
    rows = {"region": ["R"] * 4, "indicator": ["rd", "rd", "rd", "pass"],
            "name": ["研发经费增长（%）"] * 3 + ["药品抽检合格率"], "year": [2021, 2022, 2023, 2023],
            "value": ["-3.2", "12.5", "7.1", "101"], "unit": ["", "", "", "%"]}
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_history(pd.DataFrame(rows))
    (problem,) = info.value.problems
    assert problem.row == 3 and "between 0 and 100" in problem.expected and "增速" in problem.expected
    h = mt.read_history(pd.DataFrame(rows).iloc[:3])
    assert h["value"].tolist() == [-3.2, 12.5, 7.1] and set(h["unit"]) == {"%"}


def test_declared_bounds_win_over_the_rule():
    rows = pd.DataFrame({"region": ["R"] * 2, "indicator": ["growth"] * 2, "year": [2022, 2023],
                         "value": [-120, 5], "unit": ["%", "%"], "lower": [-100, -100]})
    with pytest.raises(mt.DataValidationError, match=r"declared bounds \[-100, inf\]"):
        mt.read_history(rows)


def test_change_percent_is_forecast_without_the_0_100_logit():
    from mstarget.forecast import forecast_paths

    hist = pd.DataFrame({"region": "R", "indicator": ["rd_growth"] * 6 + ["pass_rate"] * 6,
                         "year": list(range(2018, 2024)) * 2, "unit": "%",
                         "value": [8.0, 3.1, -2.5, 1.0, -4.0, -1.5, 97.0, 97.6, 98.1, 98.4, 98.9, 99.3]})
    sfs = {sf.indicator: sf for sf in forecast_paths(hist, 3, model="drift", seed=0, n_paths=500)}
    # a growth rate of a quantity: unbounded above, never below -100 % (log(100 + g), session 37)
    assert sfs["rd_growth"].transform == "log_growth" and sfs["rd_growth"].bounds.upper is None
    assert (sfs["rd_growth"].paths < 0).mean() > 0.2  # a growth rate can stay negative
    assert sfs["rd_growth"].paths.min() > -100
    assert sfs["pass_rate"].transform == "logit" and sfs["pass_rate"].paths.max() <= 100


def test_measure_column_values_and_one_measure_per_series():
    rows = pd.DataFrame({"region": "R", "indicator": ["a", "a", "b", "b"], "year": [2021, 2022] * 2,
                         "value": [1, 2, 1, 2], "口径": ["累计", "当年", "累计完成", "sum"]})
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_history(rows)
    where = {(p.row, p.column) for p in info.value.problems}
    assert where == {(1, "口径"), (3, "口径")}
    assert "one measure per series" in str(info.value) and "running_total (累计" in str(info.value)
    ok = mt.read_history(rows.iloc[[0, 2]])
    assert ok["measure"].tolist() == ["running_total", "running_total"]


def test_years_written_as_periods_or_dates(tmp_path):
    """2021年度 / 2022-12-31 (an Excel date saved as text) / 2023年末 are years; a date within the
    year (2023-06-30: a half year's figure) is refused as part of the year, not read as 2023."""
    path = tmp_path / "h.csv"
    path.write_text("地区,指标名称,年份,数值\n鼎湖区,药品抽检合格率,2021年度,98.6\n鼎湖区,药品抽检合格率,2022-12-31,99.1\n"
                    "鼎湖区,药品抽检合格率,2023年末,99.2\n", encoding="utf-8")
    assert mt.read_history(path)["year"].tolist() == [2021, 2022, 2023]
    path.write_text(path.read_text(encoding="utf-8") + "鼎湖区,药品抽检合格率,2023-06-30,97.0\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match="'2023-06-30': a year's figure, not a month's"):
        mt.read_history(path)
    path.write_text("地区,指标名称,年份,数值\n鼎湖区,药品抽检合格率,2021.5,98.6\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match="an integer year"):  # a fraction, not a date
        mt.read_history(path)


def test_values_written_with_their_unit(tmp_path):
    """2.70万户 in a value cell: the unit fills a blank unit column and must agree with a given one."""
    path = tmp_path / "h.csv"
    path.write_text("地区,指标名称,单位,2021年,2022年\n鼎湖区,期末市场主体总量,,2.15万户,2.42万户\n"
                    "鼎湖区,企业标准,项,52项,69\n", encoding="utf-8")
    h = mt.read_history(path).set_index(["name", "year"])
    assert h.loc[("期末市场主体总量", 2022), "value"] == 2.42 and h.loc[("期末市场主体总量", 2022), "unit"] == "万户"
    assert h.loc[("企业标准", 2021), "value"] == 52
    path.write_text("地区,指标名称,单位,2021年\n鼎湖区,期末市场主体总量,户,2.15万户\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(path)
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "2021年", "2.15万户")
    assert "the number in the row's unit 户 (the cell says 万户" in problem.expected


def test_regions_by_years_of_one_indicator_say_how_to_name_it(tmp_path):
    """A region x year table whose indicator is only in its title is refused (not guessed from the
    title), and the message says what to add."""
    path = tmp_path / "h.csv"
    path.write_text("各县（市、区）市场主体数量（万户）\n地区,2021年,2022年\n鼎湖区,2.15,2.42\n端州区,5.6,6.0\n",
                    encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match="the title reads '各县（市、区）市场主体数量（万户）': if the "
                                                     "table holds that one indicator, add a 指标名称 column"):
        mt.read_history(path)


@pytest.mark.parametrize("merged", [True, False])
def test_a_year_split_into_value_and_growth_reads_the_value(tmp_path, merged):
    # a 统计公报-style table: each year over 绝对数 | 比上年增长(%) (merged, or the year written
    # once with the cell beside it blank); the growth columns are not observations
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["鼎湖区市场主体发展情况（测试用合成数据）"])
    ws.append(["指标名称", "单位", "2021年", None, "2022年", None, "2023年", None])
    ws.append([None, None] + ["绝对数", "比上年增长(%)"] * 3)
    if merged:
        for cells in ("C2:D2", "E2:F2", "G2:H2"):
            ws.merge_cells(cells)
    ws.append(["期末市场主体总量", "万户", 2.15, 13.8, 2.42, 12.6, 2.70, 11.6])
    ws.append(["企业标准", "项", 52, 36.8, "约69", 32.7, 84, 21.7])
    path = tmp_path / "growth.xlsx"
    wb.save(path)
    with pytest.raises(mt.DataValidationError) as err:  # a bad value cell: named by its year
        mt.read_history(path, region="鼎湖区")
    assert str(err.value).count("problem") <= 1 and "row 5, column '2022年': '约69'" in str(err.value)
    ws["E5"] = 69
    wb.save(path)
    h = mt.read_history(path, region="鼎湖区").set_index(["indicator", "year"])["value"]
    assert h.to_dict() == {("企业标准", 2021): 52, ("企业标准", 2022): 69, ("企业标准", 2023): 84,
                           ("期末市场主体总量", 2021): 2.15, ("期末市场主体总量", 2022): 2.42,
                           ("期末市场主体总量", 2023): 2.70}
    notes = " ".join(mt.read_history(path, region="鼎湖区").attrs["notes"])
    assert "2022年 比上年增长(%)" in notes  # the columns not read are said, not dropped silently


def test_a_year_split_into_halves_reads_its_whole_year(tmp_path):
    # 上半年 | 全年 under each year: 全年 (the whole year) is the year's value, the half is not (as 增速 beside a value)
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["指标名称", "单位", "2022年", None])
    ws.append([None, None, "上半年", "全年"])
    ws.merge_cells("C1:D1")
    ws.append(["期末市场主体总量", "万户", 2.3, 2.42])
    path = tmp_path / "halves.xlsx"
    wb.save(path)
    hist = mt.read_history(path, region="鼎湖区")
    assert hist[["year", "value"]].values.tolist() == [[2022, 2.42]]
    # a half alone is not the year
    ws.delete_cols(4)
    wb.save(path)
    with pytest.raises(mt.DataValidationError):
        mt.read_history(path, region="鼎湖区")


@pytest.mark.parametrize("number_format, month", [('yyyy"年"', 1), ("[$-804]yyyy", 1), ('yyyy"年"m"月"', 12)])
def test_year_headers_typed_as_excel_dates_are_read_as_their_years(tmp_path, number_format, month):
    """``2021年12月`` typed into Excel becomes a date cell; a sheet shows it (and the reader reads
    it) as its format does: the year, or the year's last month. Values SYNTHETIC (Dinghu rows)."""
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["地区", "指标名称", "单位", dt.datetime(2021, month, 1), dt.datetime(2022, month, 1)])
    ws.append(["鼎湖区", "企业标准", "项", 52, 69])
    ws["D1"].number_format = ws["E1"].number_format = number_format
    wb.save(tmp_path / "h.xlsx")
    h = mt.read_history(tmp_path / "h.xlsx")
    assert h.set_index("year")["value"].to_dict() == {2021: 52.0, 2022: 69.0}


def test_numbers_are_read_as_their_cells_show_them(tmp_path):
    """What a cell's number format does to the figure shown is what is read: ``0.0"%"`` on 95.2 (a
    rate already in %) shows 95.2% -- it read 9520 % because any % in the format was taken for a
    percentage format, x100 --; ``0.0%`` on 0.952 shows 95.2%; ``#,##0,`` on 31,200 元 shows 31 in a
    千元 column (/1000) -- it read 31,200 千元. Values SYNTHETIC."""
    from openpyxl import Workbook

    from mstarget.io import cell_text

    wb = Workbook()
    ws = wb.active
    ws.append(["地区", "指标名称", "单位", "2021年", "2022年"])
    ws.append(["鼎湖区", "食品抽检合格率", "%", 95.2, 96.1])
    ws.append(["鼎湖区", "药品抽检合格率", "%", 0.981, 0.985])
    ws.append(["鼎湖区", "知识产权质押融资金额", "千元", 31200, 45800])
    for col in "DE":
        ws[f"{col}2"].number_format = '0.0"%"'
        ws[f"{col}3"].number_format = "0.0%"
        ws[f"{col}4"].number_format = "#,##0,"
    wb.save(tmp_path / "h.xlsx")
    h = mt.read_history(tmp_path / "h.xlsx").set_index(["indicator", "year"])["value"]
    assert h["食品抽检合格率"].tolist() == [95.2, 96.1]
    assert h["药品抽检合格率"].tolist() == [98.1, 98.5]
    assert h["知识产权质押融资金额"].tolist() == [31.2, 45.8]
    p_meet = '[>=0.995]">99%";[<=0.005]"<1%";0%'  # the assessment workbook's own format, read back
    assert (cell_text(0.5, p_meet), cell_text(0.999, p_meet), cell_text(95, "0.0\\%")) == ("50%", "99.9%", "95%")
    assert (cell_text(-0.05, "0.0%;[Red]-0.0%"), cell_text(2.5e6, "0.00,,"), cell_text(3.5, '0.00"万户"')) == \
        ("-5%", "2.5", "3.5")
    # the format writes the multiplier (31千, 3.1万 shown): the header names the number's own unit
    assert (cell_text(31200, '#,##0,"千"'), cell_text(31200, '0!.0,"万"'), cell_text(95, "0.0!%")) == \
        ("31200", "31200", "95%")


def test_a_typographic_minus_sign_is_a_minus():
    """Word and web pages write ``−3.5`` with U+2212, which looks like a number and must read as one
    (a growth rate in %, SYNTHETIC values)."""
    h = mt.read_history(pd.DataFrame({"region": "鼎湖区", "indicator": "规上工业增加值增速", "year": [2021, 2022],
                                      "value": ["\u22123.5", "2.1"], "unit": "%"}))
    assert h["value"].tolist() == [-3.5, 2.1]


@pytest.mark.parametrize("cell, hint", [
    ("84预计", "a preliminary mark (预计 / 初步) is not read: write the number alone"),
    ("约99", "约 / 左右 / 余 are not read"),
    ("九十九", "digits, not Chinese numerals"),
    ("2.42*", "a footnote mark after the number is not read"),
    ("2.42①", "a footnote mark after the number is not read"),  # it read 2.421: NFKC makes ① a 1
    ("2.42¹", "a footnote mark after the number is not read"),
    ("2.42①万户", "a footnote mark after the number is not read"),
])
def test_a_value_cell_that_is_no_number_says_what_to_fix(cell, hint):
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(pd.DataFrame({"region": "鼎湖区", "indicator": "企业标准", "year": [2023],
                                      "value": [cell], "unit": "项"}))
    assert f"row 0, column 'value': '{cell}': {hint}" in str(err.value)


def test_a_header_repeated_on_every_page_is_not_data(tmp_path):
    """A table copied from a PDF or a printout repeats its header at the top of each page; the
    rows keep their spreadsheet numbers (values SYNTHETIC)."""
    from openpyxl import Workbook

    header = ["指标名称", "单位", "2021年", "2022年"]
    wb = Workbook()
    ws = wb.active
    for row in (header, ["企业标准", "项", 52, 69], header, ["地方标准", "项", 0, "一"]):
        ws.append(row)
    wb.save(tmp_path / "h.xlsx")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(tmp_path / "h.xlsx", region="鼎湖区")
    assert str(err.value).count("row ") == 1 and "row 4, column '2022年': '一'" in str(err.value)
    ws["D4"] = 1
    wb.save(tmp_path / "h.xlsx")
    h = mt.read_history(tmp_path / "h.xlsx", region="鼎湖区")
    assert h.groupby("indicator")["value"].apply(list).to_dict() == {"企业标准": [52.0, 69.0], "地方标准": [0.0, 1.0]}


def test_value_and_target_headers_bureaus_write():
    """实际完成 heads a history's values, 规划目标值 a plan's targets (values SYNTHETIC)."""
    h = mt.read_history(pd.DataFrame({"地区": ["鼎湖区"], "指标名称": ["企业标准"], "年份": [2023],
                                      "实际完成": [84], "单位": ["项"]}))
    assert h[["year", "value"]].values.tolist() == [[2023, 84.0]]
    p = mt.read_plan(pd.DataFrame({"地区": ["鼎湖区"], "指标名称": ["企业标准"], "单位": ["项"], "基期年": [2020],
                                   "基期值": ["〔38〕"], "目标年": [2025], "规划目标值": ["〔117〕"]}))
    assert p[["target_year", "target", "kind"]].values.tolist() == [[2025, 117.0, "cumulative"]]


def test_a_years_column_marked_preliminary_is_read_and_a_part_of_a_year_is_said_not_read(tmp_path):
    """Mid-term tables carry this year's estimate (2023年（预计）) and partial years (2023年1-9月).
    The estimate is that year's figure (as a preliminary number in a cell is); the partial year and
    a growth column are not read, and a warning says so with the last year read -- they were
    dropped without a word before. Figures: SYNTHETIC."""
    path = tmp_path / "h.csv"
    path.write_text("地区,指标名称,2021年,2022年,2023年（预计）\n鼎湖区,市场主体总量,2.16,2.43,2.70\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", mt.UnreadColumnWarning)
        assert mt.read_history(path)["year"].tolist() == [2021, 2022, 2023]
    path.write_text("地区,指标名称,2021年,2022年,2023年1-9月,2022年增速\n鼎湖区,市场主体总量,2.16,2.43,2.5,12.5\n",
                    encoding="utf-8")
    with pytest.warns(mt.UnreadColumnWarning, match=r"'2023年1-9月' \(a part of the year, not the year\), "
                                                    r"'2022年增速' .*the last year read is 2022"):
        assert mt.read_history(path)["year"].tolist() == [2021, 2022]


@pytest.mark.parametrize("header", ["统计年度,具体指标,数值", "数据年份,监测指标,数值"])
def test_a_history_is_read_by_its_headers_words(tmp_path, header):
    """统计年度 / 数据年份 for the year and 具体指标 / 监测指标 for the name were refused ("missing column(s)
    year"); they are read by their words now (values SYNTHETIC)."""
    path = tmp_path / "history.csv"
    path.write_text(header + "\n2021,期末市场主体总量,2.1\n2022,期末市场主体总量,2.4\n", encoding="utf-8")
    got = mt.read_history(path, region="鼎湖区")
    assert got[["name", "year", "value"]].values.tolist() == [["期末市场主体总量", 2021, 2.1],
                                                              ["期末市场主体总量", 2022, 2.4]]


def test_a_row_of_units_under_the_header_is_the_units_not_data(tmp_path):
    """A panel exported with its units on the row under the header (年份 | 期末市场主体总量 | 企业年报率 over
    | 万户 | %), or a 单位：万户 line there: the row was read as data and refused (the unit row's cells are
    no numbers), or the unit left blank; the units are the columns' (values SYNTHETIC)."""
    across = tmp_path / "panel.csv"
    across.write_text("年份,期末市场主体总量,企业年报率\n,万户,%\n2021,2.1,90\n2022,2.4,92\n", encoding="utf-8")
    got = mt.read_history(across, region="鼎湖区").set_index(["name", "year"])
    assert got.loc[("期末市场主体总量", 2022), ["unit", "value"]].tolist() == ["万户", 2.4]
    assert got.loc[("企业年报率", 2021), ["unit", "value"]].tolist() == ["%", 90.0]
    line = tmp_path / "one.csv"
    line.write_text("指标名称,2021年,2022年\n单位：万户,,\n期末市场主体总量,2.1,2.4\n", encoding="utf-8")
    assert mt.read_history(line, region="鼎湖区")[["unit", "value"]].values.tolist() == [["万户", 2.1], ["万户", 2.4]]


_TOWNS = {"坑口街道": [0.52, 0.57, 0.64, 0.70], "桂城街道": [0.61, 0.66, 0.74, 0.81], "永安镇": [0.20, 0.22, 0.25, 0.28],
          "沙浦镇": [0.16, 0.16, 0.18, 0.21]}  # SYNTHETIC 万户, 2020-2023


def _by_region(path, regions, total="合计", header="镇（街道）"):
    """A table of ``regions`` x 2020-2023 with a ``total`` row adding them up (values SYNTHETIC)."""
    lines = [f"{header},指标名称,单位,2020年,2021年,2022年,2023年"]
    lines += [f"{r},期末市场主体总量,万户,{','.join(map(str, v))}" for r, v in regions.items()]
    sums = [round(sum(v[k] for v in regions.values()), 2) for k in range(4)]
    lines.append(f"{total},期末市场主体总量,万户,{','.join(map(str, sums))}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, sums


@pytest.mark.parametrize("total", ["合计", "总计", "合 计"])
def test_the_total_of_a_districts_towns_is_the_district(tmp_path, total):
    """F8: a district's table of its towns (镇 / 街道) with a 合计 row, read with region=鼎湖区: the 合计
    was set aside as the table's total, so the district's own series had no history (数据不足) and its
    towns were pooled as peers. The towns add up to the district: 合计 is 鼎湖区, as 全区 / 本区 are."""
    path, sums = _by_region(tmp_path / "towns.csv", _TOWNS, total)
    hist = mt.read_history(path, region="鼎湖区")
    assert sorted(set(hist["region"])) == sorted([*_TOWNS, "鼎湖区"])
    assert hist.loc[hist["region"] == "鼎湖区", "value"].tolist() == sums
    plan = pd.DataFrame([{"region": "鼎湖区", "indicator": "market_entities_total", "name": "期末市场主体总量",
                          "unit": "万户", "baseline_year": 2020, "baseline": "〔1.89〕", "target_year": 2025,
                          "target": "〔3.12〕", "attribute": "预期性"}])  # the Dinghu plan's row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(path, plan, region="鼎湖区", as_of=2023, seed=0, n_paths=500).iloc[0]
    assert res["last_year"] == 2023 and res["last_value"] == pytest.approx(sums[-1])
    assert res["category"] != "insufficient_data"


def test_the_total_of_a_table_of_regions_at_the_districts_level_stays_a_total(tmp_path):
    """Districts (区 / 县) with a 合计, read with region=鼎湖区 (not in the table): the 合计 adds up other
    districts, not 鼎湖区's parts; nor is a 合计 taken when 鼎湖区 has its own row."""
    districts = {"端州区": [8.1, 8.6, 9.0, 9.5], "高要区": [6.2, 6.5, 6.9, 7.2], "广宁县": [2.1, 2.2, 2.4, 2.5]}
    path, _ = _by_region(tmp_path / "districts.csv", districts, header="地区")
    assert sorted(set(mt.read_history(path, region="鼎湖区")["region"])) == sorted([*districts, "合计"])
    own = {"鼎湖区": [1.89, 2.05, 2.31, 2.55], **_TOWNS}
    path, _ = _by_region(tmp_path / "with_own.csv", own)
    assert "合计" in set(mt.read_history(path, region="鼎湖区")["region"])


def test_a_country_column_is_the_region_column(data_dir):
    # the MDG panel shipped in data/ (a `country` column) was refused with advice to give --region 鼎湖区
    h = mt.read_history(data_dir / "backtest_mdg" / "mdg_series.csv")
    assert h["region"].nunique() > 150 and "Afghanistan" in set(h["region"])
