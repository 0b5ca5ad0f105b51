"""Bureau layouts: title / notes / section rows, merged cells, years in headers, wide histories,
units in names, GBK, .xls (issue 18 item 2). Every file is built by code here."""
from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

import mstarget as mt
from mstarget.layout import year_role
from mstarget.units import percent_kind, split_unit

from bureau_files import NOTE, PLAN_ROWS, TITLE, write_history_xlsx, write_plan_xlsx


@pytest.fixture(scope="module")
def dinghu_csv(data_dir):
    return mt.read_plan(data_dir / "dinghu_14th_fyp_plan.csv").set_index("name")


def test_bureau_xlsx_plan_reads_like_the_tidy_csv(tmp_path, dinghu_csv):
    plan = mt.read_plan(write_plan_xlsx(tmp_path / "plan.xlsx"), region="鼎湖区")
    assert len(plan) == len(PLAN_ROWS) == 14  # the 注 row below is not a plan row
    assert plan.attrs["title"] == TITLE and plan.attrs["notes"] == [NOTE]
    assert (plan["region"] == "鼎湖区").all()
    # the merged 类别 cells label every row they span
    assert plan["group"].tolist()[:4] == ["一、市场主体", "一、市场主体", "二、知识产权", "二、知识产权"]
    got = plan.set_index("name")
    # the unit written inside the name moved to the unit column, the name matches the tidy table
    assert "“明厨亮灶”覆盖率" in got.index and got.loc["“明厨亮灶”覆盖率", "unit"] == "%"
    for column in ("unit", "baseline_year", "baseline", "target_year", "target", "direction", "kind",
                   "attribute", "lower", "upper"):
        pd.testing.assert_series_equal(got[column], dinghu_csv.loc[got.index, column],
                                       check_dtype=False, check_names=False)


def test_plan_without_region_column_needs_region(tmp_path):
    path = write_plan_xlsx(tmp_path / "plan.xlsx")
    with pytest.raises(mt.DataValidationError, match=r"missing column\(s\) region.*region='鼎湖区'.*--region"):
        mt.read_plan(path)


def test_errors_name_the_spreadsheet_row_and_the_header_as_written(tmp_path):
    path = write_plan_xlsx(tmp_path / "plan.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active["F5"] = "≥abc"  # 2025年目标 of the third indicator (title row 1, header row 2)
    wb.save(path)
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_plan(path, region="鼎湖区")
    (problem,) = info.value.problems
    assert (problem.row, problem.column, problem.value) == (5, "2025年目标", "≥abc")
    assert "plan.xlsx, row 5, column '2025年目标': '≥abc'" in str(info.value)


def test_gbk_csv_with_title_sections_notes_and_years_in_header(tmp_path):
    lines = ["鼎湖区“十四五”市场监管主要指标,,,,",
             ",,,,",
             "指标名称,单位,基期值（2020年）,目标值（2025年）,指标属性",
             "一、市场主体,,,,",
             "期末市场主体总量,万户,〔1.89〕,〔3.12〕,预期性",
             "二、安全监管,,,,",
             "药品抽检合格率（%）,,98,≥99,预期性",
             ",,,,",
             "注：1. 〔〕内为累计数。,,,,",
             "2. 〈〉内为规划期间新增数。,,,,"]
    path = tmp_path / "plan_gbk.csv"
    path.write_bytes("\n".join(lines).encode("gbk"))
    plan = mt.read_plan(path, region="鼎湖区")
    assert plan["name"].tolist() == ["期末市场主体总量", "药品抽检合格率"]
    assert plan["group"].tolist() == ["一、市场主体", "二、安全监管"]
    assert plan["unit"].tolist() == ["万户", "%"]
    assert plan["baseline_year"].tolist() == [2020, 2020] and plan["target_year"].tolist() == [2025, 2025]
    assert plan["kind"].tolist() == ["cumulative", "level"]
    assert plan.attrs["title"] == "鼎湖区“十四五”市场监管主要指标"
    assert plan.attrs["notes"] == ["注：1. 〔〕内为累计数。", "2. 〈〉内为规划期间新增数。"]


@pytest.mark.parametrize("header, expected", [
    ("2020年基数", (2020, "baseline")), ("基期值（2020年）", (2020, "baseline")),
    ("2025年目标", (2025, "target")), ("2025年规划值", (2025, "target")),
    ("“十四五”目标（2025年）", (2025, "target")), ("“十三五”末", (2020, "")), ("“十四五”目标", (2025, "target")),
    ("十四五规划目标", (2025, "target")), ("“十四五”时期", None), ("2021年", (2021, "")), ("2021", (2021, "")),
    ("2022年度", (2022, "")), ("指标名称", None), ("单位", None),
])
def test_years_in_headers(header, expected):
    assert year_role(header) == expected


def test_plan_with_two_bare_year_columns(tmp_path):
    df = pd.DataFrame({"指标": ["企业标准", "地方标准"], "单位": ["项", "项"],
                       "2020年": ["〔38〕", "〔0〕"], "2025年": ["〔117〕", "〔2〕"]})
    plan = mt.read_plan(df, region="鼎湖区")
    assert plan[["baseline_year", "baseline", "target_year", "target"]].values.tolist() == [
        [2020, 38.0, 2025, 117.0], [2020, 0.0, 2025, 2.0]]


def test_wide_history_csv_with_year_columns(tmp_path):
    path = tmp_path / "history.csv"
    pd.DataFrame({"地区": ["鼎湖区", "鼎湖区"], "指标名称": ["企业标准", "药品抽检合格率（%）"],
                  "单位": ["项", ""], "2021": ["52", "98.6"], "2022年": ["69", ""],
                  "2023年度": ["84", "99.2"]}).to_csv(path, index=False, encoding="gbk")
    h = mt.read_history(path)
    assert list(h.columns[:6]) == ["region", "indicator", "year", "value", "unit", "source"]
    by = {(i, y): v for i, y, v in zip(h["indicator"], h["year"], h["value"])}
    assert by == {("企业标准", 2021): 52.0, ("企业标准", 2022): 69.0, ("企业标准", 2023): 84.0,
                  ("药品抽检合格率", 2021): 98.6, ("药品抽检合格率", 2023): 99.2}  # blank cell skipped
    assert set(h.loc[h["indicator"] == "药品抽检合格率", "unit"]) == {"%"}


def test_wide_history_error_names_row_and_year_column(tmp_path):
    path = tmp_path / "history.csv"
    pd.DataFrame({"地区": ["鼎湖区", "鼎湖区"], "指标名称": ["企业标准", "地方标准"],
                  "2021年": ["52", "0"], "2022年": ["69", "一项"]}).to_csv(path, index=False)
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_history(path)
    (problem,) = info.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "2022年", "一项")


def test_history_xlsx_title_notes_no_region(tmp_path):
    path = write_history_xlsx(tmp_path / "hist.xlsx")
    h = mt.read_history(path, region="鼎湖区")
    assert (h["region"] == "鼎湖区").all()
    assert h.attrs["title"].startswith("鼎湖区市场监管主要指标完成情况")
    assert "资料来源" not in " ".join(h["indicator"])  # the source note is not a series
    pledge = h[h["indicator"] == "知识产权质押登记融资金额"]
    assert pledge["year"].tolist() == [2021, 2022, 2023] and set(pledge["measure"]) == {"running_total"}
    # the unit inside the name was taken out of the id and into the unit column
    patents = h[h["name"] == "每万人口高价值发明专利拥有量"]
    assert set(patents["unit"]) == {"件/万人"} and len(patents) == 4


def test_percent_formatted_cells_read_as_percentages(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["地区", "指标名称", "单位", "年份", "数值"])
    for year, share in ((2021, 0.951), (2022, 0.9625)):
        ws.append(["鼎湖区", "企业年报公示率", "%", year, share])
        ws.cell(row=ws.max_row, column=5).number_format = "0.00%"  # shown as 95.10 %
    path = tmp_path / "rates.xlsx"
    wb.save(path)
    h = mt.read_history(path)
    assert h["value"].tolist() == [95.1, 96.25]


def test_xls_workbook_with_merged_cells(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sh = book.add_sheet("主要指标")
    sh.write_merge(0, 0, 0, 5, "鼎湖区主要指标")
    for c, text in enumerate(["类别", "指标名称", "单位", "2020年基数", "2025年目标", "属性"]):
        sh.write(1, c, text)
    sh.write_merge(2, 3, 0, 0, "一、市场主体")
    for r, (name, unit, base, target) in enumerate([("期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕"),
                                                     ("全区每千人拥有企业户", "户/千人", "〔16.22〕", "〔25.64〕")]):
        for c, v in enumerate([name, unit, base, target, "预期性"], start=1):
            sh.write(2 + r, c, v)
    path = tmp_path / "plan.xls"
    book.save(str(path))
    plan = mt.read_plan(path, region="鼎湖区")
    assert plan["group"].tolist() == ["一、市场主体", "一、市场主体"]
    assert plan["target"].tolist() == [3.12, 25.64] and plan.attrs["title"] == "鼎湖区主要指标"


def test_units_inside_names():
    assert split_unit("“明厨亮灶”覆盖率（%）") == ("“明厨亮灶”覆盖率", "%")
    assert split_unit("知识产权质押融资金额(亿元)") == ("知识产权质押融资金额", "亿元")
    assert split_unit("每万人口发明专利拥有量（件/万人）") == ("每万人口发明专利拥有量", "件/万人")
    # parentheses that are not a unit stay in the name
    assert split_unit("高技术产业利润率(利润总额/主营业务收入,派生)")[1] == ""
    assert split_unit("食品抽检合格率(≥98%，即不合格率≤2%)")[1] == ""


@pytest.mark.parametrize("unit, name, kind", [
    ("%", "药品抽检合格率", "share"), ("%", "“明厨亮灶”覆盖率", "share"),
    ("%", "研发经费年均增长", "change"), ("%", "规模以上工业增加值增速", "change"),
    ("%", "高技术产业利润率", "change"), ("%/年", "研发经费投入", "change"),
    ("百分点", "城镇化率提高", "change"),
    # value added (增加值) as a share of GDP is a share, not a change
    ("%", "数字经济核心产业增加值占地区生产总值比重", "share"),
    ("万户", "市场主体增长", None),
])
def test_percent_rule(unit, name, kind):
    assert percent_kind(unit, name) == kind


def test_two_row_header_with_a_merged_parent_cell(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["鼎湖区主要指标", None, None, None, None])
    ws.merge_cells("A1:E1")
    ws.append(["指标名称", "单位", "主要指标值", None, "属性"])
    ws.merge_cells("C2:D2")
    for col in "ABE":  # the other headers span both rows
        ws.merge_cells(f"{col}2:{col}3")
    ws.append([None, None, "2020年基数", "2025年目标", None])
    ws.append(["企业标准", "项", "〔38〕", "〔117〕", "预期性"])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    plan = mt.read_plan(path, region="鼎湖区")
    assert plan[["name", "baseline", "target", "target_year"]].values.tolist() == [["企业标准", 38.0, 117.0, 2025]]
    assert plan.attrs["title"] == "鼎湖区主要指标"


def test_plan_period_from_the_title_when_headers_carry_no_year(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("鼎湖区市场监管“十四五”规划主要指标\n指标名称,单位,基期值,目标值,属性\n"
                    "企业标准,项,〔38〕,〔117〕,预期性\n", encoding="utf-8")
    plan = mt.read_plan(path, region="鼎湖区")
    assert plan[["baseline_year", "target_year"]].values.tolist() == [[2020, 2025]]
