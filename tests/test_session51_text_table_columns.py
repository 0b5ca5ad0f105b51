"""A plan table written one cell per line (a web page saved as text) with the columns real plan pages carry
besides name, unit, figures and attribute (session 51).

Before: a 年均增长 column between the figures and the attribute, or a 责任单位 column after it, refused the whole
table ("row 1 holds cells that are not a category, a name and a unit"); a table without an attribute column
was read as a one-column CSV and refused for a missing ``region, indicator, target_year, target`` with the
page's title as its only column. Now each is read as the same table typed into a workbook reads.
"""
from __future__ import annotations

import random
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError

PLAN_CSV = Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv"  # the typed table (real)

PREFACE = "各单位要按照分工抓好落实，确保完成各项目标任务，不断提升市场监管效能。\n\n"


def _cells(cells: list[str], blank_cells: bool) -> str:
    """One cell per line, blank lines between them; a blank cell a line of spaces (or left out)."""
    return "\n\n".join(" " if c == "" and blank_cells else c for c in cells if blank_cells or c != "")


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.read_plan(path, **kw)


#: 年均增长 between the figures and the attribute, 责任单位 after it, years in the header's second row
WITH_OTHER_COLUMNS = ["表1 某区“十四五”市场监管主要指标", "序号", "指标", "单位", "基期值", "规划值", "年均增长", "属性",
                      "责任单位", "2020年", "2025年",
                      "1", "市场主体", "期末市场主体总量", "万户", "85.2", "110", "5.2%", "预期性", "区市场监管局",
                      "2", "每千人拥有企业数", "户", "30.1", "40", "", "预期性", "区市场监管局、区发改局",
                      "3", "质量安全", "药品抽检合格率", "%", "98", "≥99", "", "约束性", "",
                      "备注：〔〕内为累计数。"]


def test_growth_and_responsibility_columns_are_read_and_kept(tmp_path):
    path = tmp_path / "规划.txt"
    path.write_text(PREFACE + _cells(WITH_OTHER_COLUMNS, True), encoding="utf-8")
    plan = _read(path, region="某区")
    assert plan["indicator"].tolist() == ["期末市场主体总量", "每千人拥有企业数", "药品抽检合格率"]
    assert plan["baseline"].tolist() == [85.2, 30.1, 98] and plan["target"].tolist() == [110, 40, 99]
    assert plan["baseline_year"].tolist() == [2020] * 3 and plan["target_year"].tolist() == [2025] * 3
    assert plan["attribute"].tolist() == ["expected", "expected", "binding"]
    assert plan["group"].tolist() == ["市场主体", "市场主体", "质量安全"]
    assert plan["年均增长"].fillna("").tolist() == ["5.2%", "", ""]
    assert plan["责任单位"].fillna("").tolist() == ["区市场监管局", "区市场监管局、区发改局", ""]


#: no attribute column; a category column before 序号; row 1's target equals the next serial number
WITHOUT_ATTRIBUTE = ["某市“十四五”市场监管主要指标", "类别", "序号", "指标名称", "单位", "2020年", "2025年", "年均增长",
                     "标准化", "1", "主导制定地方标准", "项", "0", "2", "",
                     "2", "每千人拥有企业数", "户", "30.1", "40", "〔9.9〕",
                     "知识产权", "3", "每万人口高价值发明专利拥有量", "件", "2.1", "4.5", "16.5%",
                     "质量安全", "4", "食品评价性抽检合格率", "%", "97.5", "≥98", "—",
                     "备注：〔〕内为五年累计数。"]


#: the same with every cell written: a text that leaves its blank cells out can still be read
FILLED = [c or "—" for c in WITHOUT_ATTRIBUTE]


@pytest.mark.parametrize("cells", [WITHOUT_ATTRIBUTE, FILLED], ids=["blank-cells-as-spaces", "no-blank-cell"])
def test_a_table_without_an_attribute_column_is_read_row_by_row(tmp_path, cells):
    path = tmp_path / "规划.txt"
    path.write_text(PREFACE + _cells(cells, True), encoding="utf-8")
    plan = _read(path, region="某市")
    assert plan["indicator"].tolist() == ["主导制定地方标准", "每千人拥有企业数", "每万人口高价值发明专利拥有量",
                                          "食品评价性抽检合格率"]
    assert plan["baseline"].tolist() == [0, 30.1, 2.1, 97.5] and plan["target"].tolist() == [2, 40, 4.5, 98]
    assert plan["group"].tolist() == ["标准化", "标准化", "知识产权", "质量安全"]
    assert plan["unit"].tolist() == ["项", "户", "件", "%"]
    assert plan["年均增长"].fillna("").tolist() == ["—" if cells is FILLED else "", "〔9.9〕", "16.5%", "—"]


@pytest.mark.parametrize("cells", [WITH_OTHER_COLUMNS, WITHOUT_ATTRIBUTE], ids=["attribute", "no-attribute"])
def test_a_blank_cell_left_out_of_the_text_is_not_guessed(tmp_path, cells):
    """A blank 年均增长 cell not written at all: the row's cells could as well have lost their target, whose
    place the growth figure would then take -- refused, naming the row, rather than read either way."""
    path = tmp_path / "规划.txt"
    path.write_text(PREFACE + _cells(cells, False), encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="某市")
    assert re.search(r"line \d+: row [12] (holds cells that are not a category, a name, a unit and 2 figures|"
                     r"cannot be told from the next row)", str(err.value)), str(err.value)


def test_the_text_table_reads_as_the_same_table_typed_into_a_csv(tmp_path):
    text = tmp_path / "规划.txt"
    text.write_text(PREFACE + _cells(WITHOUT_ATTRIBUTE, True), encoding="utf-8")
    typed = tmp_path / "规划.csv"
    typed.write_text("类别,序号,指标名称,单位,2020年,2025年,年均增长\n"
                     "标准化,1,主导制定地方标准,项,0,2,\n,2,每千人拥有企业数,户,30.1,40,〔9.9〕\n"
                     "知识产权,3,每万人口高价值发明专利拥有量,件,2.1,4.5,16.5%\n质量安全,4,食品评价性抽检合格率,%,97.5,≥98,—\n",
                     encoding="utf-8")
    a, b = _read(text, region="某市"), _read(typed, region="某市")
    assert sorted(a.columns) == sorted(b.columns)
    assert a[b.columns].astype(str).equals(b.astype(str))


def test_a_row_without_attribute_that_fits_no_reading_is_named(tmp_path):
    broken = [c for c in FILLED if c != "40"]  # row 2 lost its target: its 年均增长 would take the target's place
    path = tmp_path / "规划.txt"
    path.write_text(PREFACE + _cells(broken, False), encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="某市")
    text = str(err.value)
    assert re.search(r"line \d+: row 2 cannot be told from the next row \(no reading of its cells fits the header",
                     text), text
    assert re.search(r"第\d+行：无法确定序号2的指标在何处结束", text)


#: no 序号 column: a category column, the name, unit, years and attribute; a note and a heading after it
UNNUMBERED = ["表2 “十四五”市场监管主要指标", "类别", "指标", "单位", "2020年", "2025年", "属性",
              "市场主体", "期末市场主体总量", "万户", "85.2", "110", "预期性",
              "每千人拥有企业数", "户", "30.1", "40", "预期性",
              "质量安全", "药品抽检合格率", "%", "98", "≥99", "约束性",
              "食品抽检量", "批次/千人", "4", "5", "约束性",
              "注：〔〕内为累计数。", "二、主要任务"]


@pytest.mark.parametrize("blank_cells", [True, False])
def test_a_table_without_serial_numbers_is_read_by_its_attributes(tmp_path, blank_cells):
    """Before: read as a one-column CSV and refused for missing region / indicator / target columns."""
    path = tmp_path / "规划.txt"
    path.write_text(PREFACE + _cells(UNNUMBERED, blank_cells), encoding="utf-8")
    plan = _read(path, region="某区")
    assert plan["indicator"].tolist() == ["期末市场主体总量", "每千人拥有企业数", "药品抽检合格率", "食品抽检量"]
    assert plan["group"].tolist() == ["市场主体", "市场主体", "质量安全", "质量安全"]
    assert plan["unit"].tolist() == ["万户", "户", "%", "批次/千人"]
    assert plan["target"].tolist() == [110, 40, 99, 5] and plan["target_year"].tolist() == [2025] * 4
    assert plan["attribute"].tolist() == ["expected", "expected", "binding", "binding"]


def test_a_line_after_an_unnumbered_table_that_ends_nothing_refuses_the_table(tmp_path):
    """Without serial numbers a row is known by its attribute only: a line after the last row that is neither a
    row nor a note / heading leaves the whole table unread, named -- never rows 1-4 read and the rest dropped."""
    cells = UNNUMBERED[:-2] + ["专栏1", "市场监管能力提升工程"]
    path = tmp_path / "规划.txt"
    path.write_text(PREFACE + _cells(cells, True), encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="某区")
    assert re.search(r"line \d+: '专栏1' follows row 4: it starts no row ending with its attribute", str(err.value))
    assert re.search(r"第\d+行：第4个指标之后既不是以属性结尾的指标行", str(err.value))


#: a history table with neither 序号 nor attribute: one cell per column, a category written once per group
HISTORY = ["表3 某区市场监管主要指标完成情况", "类别", "指标", "单位", "2020年", "2021年", "2022年", "2023年",
           "市场主体", "期末市场主体总量", "万户", "1.89", "2.2", "2.45", "2.7",
           "每千人拥有企业数", "户", "16.22", "", "20.1", "23.5",
           "质量安全", "药品抽检合格率", "%", "98", "98.5", "99", "99.1",
           "注：数据来源于区市场监管局。"]


def test_a_history_table_without_serial_numbers_or_attribute_is_read_cell_by_cell(tmp_path):
    """Before: read as a one-column CSV ('missing column(s) indicator, year, value ... found: 表3 ...')."""
    path = tmp_path / "历史.txt"
    path.write_text(PREFACE + _cells(HISTORY, True), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hist = mt.read_history(path, region="某区")
    got = hist.pivot_table(index="indicator", columns="year", values="value")
    assert got.loc["期末市场主体总量"].tolist() == [1.89, 2.2, 2.45, 2.7]
    assert got.loc["每千人拥有企业数"].dropna().to_dict() == {2020: 16.22, 2022: 20.1, 2023: 23.5}  # 2021 left blank
    assert got.loc["药品抽检合格率"].tolist() == [98, 98.5, 99, 99.1]
    assert hist.groupby("indicator")["unit"].first().to_dict() == {"期末市场主体总量": "万户", "每千人拥有企业数": "户",
                                                                  "药品抽检合格率": "%"}


def test_a_row_short_of_a_cell_in_a_table_without_serial_numbers_or_attribute_is_named(tmp_path):
    cells = [c for c in HISTORY if c != ""]  # row 2's blank 2021 cell left out: its figures would shift a year
    path = tmp_path / "历史.txt"
    path.write_text(PREFACE + _cells(cells, True), encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_history(path, region="某区")
    # no blank cell is written as a line of spaces now, so row 1's category cell cannot be told either
    assert re.search(r"line \d+: row [12] does not hold one cell per column of the header", str(err.value)), str(err.value)


def test_a_heading_named_like_a_header_over_running_text_is_still_running_text(tmp_path):
    """A line 主要指标 opens a table only when short header cells follow it; over sentences it is a heading, and the
    text is refused as running text, as before."""
    path = tmp_path / "工作要点.txt"
    path.write_text("关于印发某区市场监管工作要点的通知\n\n主要指标\n\n"
                    "到2025年，全区市场主体总量达到3万户，每万人口高价值发明专利拥有量达到3件。\n\n" + PREFACE * 3,
                    encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="某区")
    assert "the file is a document's running text, not a table: line 5 is a sentence" in str(err.value)


def _layout(rows, groups, rng) -> tuple[list[str], dict]:
    """One random layout of the real Dinghu rows written one cell per line (the layout generated, the figures
    real): with or without 序号, attribute, a 年均增长 column, a 责任单位 column, a category column (before 序号 or
    inside the row), a unit column, blank units; blank cells written as lines of spaces or left out."""
    how = dict(numbered=rng.random() < 0.6, attribute=rng.random() < 0.7, growth=rng.random() < 0.4,
               category=rng.choice(["first", "in_row", "none"]), unit=rng.random() < 0.8,
               blank_units=rng.random() < 0.3, blanks_written=rng.random() < 0.6)
    how["tail"] = how["attribute"] and rng.random() < 0.3
    cells = ["表1 鼎湖区主要指标表", *(["类别"] if how["category"] == "first" else []),
             *(["序号"] if how["numbered"] else []), "指标", *(["单位"] if how["unit"] else []), "2020年", "2025年",
             *(["年均增长"] if how["growth"] else []), *(["属性"] if how["attribute"] else []),
             *(["责任单位"] if how["tail"] else [])]
    for i, r in enumerate(rows.itertuples()):
        opens = i == 0 or groups[i] != groups[i - 1]
        cells += [*([groups[i]] if how["category"] == "first" and opens else []),
                  *([str(i + 1)] if how["numbered"] else []),
                  *([groups[i]] if how["category"] == "in_row" and opens else []), r.name,
                  *(["" if how["blank_units"] and i % 3 == 0 else r.unit] if how["unit"] else []),
                  r.baseline, r.target, *([rng.choice(["5%", "", "—", "〔9.9〕"])] if how["growth"] else []),
                  *([r.attribute] if how["attribute"] else []),
                  *([rng.choice(["区市场监管局", "", "区发改局、区市场监管局"])] if how["tail"] else [])]
    return cells + ["备注：〔〕内为累计数。"], how


@pytest.mark.parametrize("seed", range(8))
def test_every_layout_of_the_real_rows_reads_as_typed_or_is_refused(tmp_path, seed):
    """A property over 75 layouts per seed (600 in all): the table read from text equals the typed CSV (names, units, figures,
    categories) or is refused -- never read otherwise. Found three silent misreadings before landing, each a blank
    cell left out of the text (not a line of spaces): a 责任单位 or 年均增长 cell took the next row's category (or
    name) in its place."""
    typed = mt.read_plan(PLAN_CSV)
    rows = pd.read_csv(PLAN_CSV, dtype=str).fillna("")
    groups = ["总体数据"] * 2 + ["知识产权"] * 4 + ["质量安全"] * (len(rows) - 6)
    rng = random.Random(seed)
    read = 0
    for trial in range(75):
        n = rng.randint(2, len(rows))
        cells, how = _layout(rows.iloc[:n], groups, rng)
        path = tmp_path / f"t{trial}.txt"
        path.write_text(PREFACE + _cells(cells, how["blanks_written"]), encoding="utf-8")
        try:
            got = _read(path, region="鼎湖区")
        except DataValidationError:
            continue
        read += 1
        expected_units = [("" if how["blank_units"] and i % 3 == 0 else u) if how["unit"] else ""
                          for i, u in enumerate(rows["unit"][:n])]
        assert got["name"].tolist() == rows["name"][:n].tolist(), how
        assert got["baseline"].tolist() == pytest.approx(typed["baseline"][:n].tolist()), how
        assert got["target"].tolist() == pytest.approx(typed["target"][:n].tolist()), how
        assert got["unit"].fillna("").tolist() == expected_units, how
        if how["category"] != "none":
            assert got["group"].tolist() == groups[:n], how
    assert read >= 45  # most layouts are read: refusals are the ambiguous ones (blank cells left out)


def test_a_table_with_cells_separated_by_spaces_is_refused_saying_so(tmp_path):
    """Before: read as a one-column CSV and refused for missing indicator / target columns, the preface's sentence
    named as the only column found."""
    path = tmp_path / "规划.txt"
    path.write_text(PREFACE + "表1 某区“十四五”市场监管主要指标\n序号 指标名称 单位 2020年 2025年 属性\n"
                    "1 期末市场主体总量 万户 〔1.89〕 〔3.12〕 预期性\n2 每万人口高价值发明专利拥有量 1.04 3 预期性\n"
                    "3 药品抽检合格率 % 98 ≥99 约束性\n注：〔〕内为累计数。\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="某区")
    text = str(err.value)
    assert "line 4 is a table's header with its cells separated by spaces (序号 指标名称 单位 2020年 2025年 属性)" in text
    assert "Separate the cells by tabs" in text and "missing column" not in text
    tabbed = tmp_path / "规划_tab.txt"  # the same table with its cells separated by tabs is read
    tabbed.write_text("序号\t指标名称\t单位\t2020年\t2025年\t属性\n1\t期末市场主体总量\t万户\t〔1.89〕\t〔3.12〕\t预期性\n"
                      "2\t每万人口高价值发明专利拥有量\t\t1.04\t3\t预期性\n", encoding="utf-8")
    assert _read(tabbed, region="某区")["target"].tolist() == [3.12, 3]
