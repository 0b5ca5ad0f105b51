"""A history whose 地区 / 指标名称 / 单位 cells are written once at the top of their rows (session 52).

A statistics office often writes a region (or an indicator and its unit) once, on the first of its rows, and leaves
the cells below blank -- a merged cell saved as CSV, or a workbook laid out that way. Before, a blank region cell was
read as a region named '' (silently: the series then matched nothing), and a blank name was refused cell by cell,
once per year of the row. Now a key column written once per block of the columns to its left is read down, with a
warning naming the rows; a region left blank on one row of a table that writes it on every other row is refused,
naming the cell; a region column blank throughout is still a table of no region.

Figures: data/china/provincial_panels.csv (real); the layouts are generated here.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError
from bureau_files import write_rows_xlsx

PANEL = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "china" / "provincial_panels.csv")
INDICATORS = ["tech_market_outflow_value", "agri_machinery_total_power", "local_budget_expenditure_education"]
REGIONS = ["广东", "江苏", "浙江"]
FIGURES = PANEL[PANEL["indicator"].isin(INDICATORS) & PANEL["region"].isin(REGIONS)
                & PANEL["year"].between(2019, 2022)].sort_values(["region", "indicator", "year"])


def _figure(v) -> str:
    return repr(float(v)).removesuffix(".0")


def _read(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = mt.read_history(path)
    return got, " ".join(str(w.message) for w in caught)


def _same_figures(got: pd.DataFrame) -> None:
    want = {(r.region, r.name, r.year): (r.value, r.unit) for r in FIGURES.itertuples()}
    read = {(r.region, r.name, r.year): (r.value, r.unit) for r in got.itertuples()}
    assert read == want


def _write(tmp_path, grid, suffix):
    path = tmp_path / f"history{suffix}"
    if suffix == ".csv":
        pd.DataFrame(grid).to_csv(path, header=False, index=False)
    else:
        write_rows_xlsx(path, grid)
    return path


def test_figures_are_real():
    assert len(FIGURES) == 36 and FIGURES["value"].notna().all()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_long_table_writing_each_region_once_reads_as_the_figures(tmp_path, suffix):
    """地区 | 指标名称 | 单位 | 年份 | 数值, the region on its block's first row only (and the name on its first year)."""
    grid, last = [["地区", "指标名称", "单位", "年份", "数值"]], (None, None)
    for r in FIGURES.itertuples():
        grid.append([r.region if r.region != last[0] else "", r.name if (r.region, r.name) != last else "",
                     r.unit if (r.region, r.name) != last else "", f"{r.year}年", _figure(r.value)])
        last = (r.region, r.name)
    got, said = _read(_write(tmp_path, grid, suffix))
    _same_figures(got)
    assert "column '地区' writes each value once at the top of its rows" in said and "rows 3, 4, 5" in said


def test_a_table_by_year_writing_each_region_once_reads_as_the_figures(tmp_path):
    """地区 | 指标名称 | 单位 | 2019年 ... 2022年, three indicators under each region written once."""
    years = [2019, 2020, 2021, 2022]
    grid, last = [["地区", "指标名称", "单位", *[f"{y}年" for y in years]]], None
    for (region, _), g in FIGURES.groupby(["region", "indicator"], sort=False):
        v = g.set_index("year")["value"]
        grid.append([region if region != last else "", g["name"].iloc[0], g["unit"].iloc[0],
                     *[_figure(v[y]) for y in years]])
        last = region
    got, said = _read(_write(tmp_path, grid, ".csv"))
    _same_figures(got)
    assert "rows 3, 4, 6, 7, 9, 10" in said  # each region's second and third indicator


def test_a_table_by_region_writing_each_indicator_and_unit_once_reads_as_the_figures(tmp_path):
    """指标名称 | 单位 | 年份 | 广东 | 江苏 | 浙江: the name and unit on the indicator's first year only, as a workbook
    without merged cells writes them."""
    grid, last = [["指标名称", "单位", "年份", *REGIONS]], None
    for (ind, year), g in FIGURES.groupby(["indicator", "year"], sort=True):
        v = g.set_index("region")["value"]
        first = ind != last
        grid.append([g["name"].iloc[0] if first else "", g["unit"].iloc[0] if first else "", f"{year}年",
                     *[_figure(v[r]) for r in REGIONS]])
        last = ind
    got, _ = _read(_write(tmp_path, grid, ".xlsx"))
    _same_figures(got)


@pytest.mark.parametrize("read, text", [
    (mt.read_history, "地区,指标名称,单位,2020年,2021年\n广东,市场主体,万户,10,11\n广东,企业,万户,3,4\n"
                      ",个体工商户,万户,5,6\n江苏,市场主体,万户,8,9\n"),
    (mt.read_plan, "地区,指标名称,单位,2020年,2025年\n鼎湖区,期末市场主体总量,万户,1.89,3.12\n"
                   "鼎湖区,企业标准,项,38,117\n,地方标准,项,0,2\n端州区,期末市场主体总量,万户,5.1,6.5\n")],
    ids=["history", "plan"])
def test_a_region_left_blank_on_one_row_of_a_table_that_writes_it_on_every_row_is_refused(tmp_path, read, text):
    """广东 (鼎湖区) on two rows, then a blank, then 江苏 (端州区): the blank is no "written once" layout (the region
    is written twice); before, it was read as a region named ''. Said once for the row, not once per year."""
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError) as err:
            read(path)
    said = str(err.value)
    assert "row 4, column '地区': '': a region, not blank" in said and said.count("row 4") == 1


def test_a_region_column_blank_throughout_is_a_table_of_no_region(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("region,indicator,year,value\n,a,2020,10\n,a,2021,12\n", encoding="utf-8")
    got, _ = _read(path)
    assert got["region"].tolist() == ["", ""] and got["value"].tolist() == [10, 12]


def test_a_unit_left_blank_at_an_indicators_first_row_is_not_taken_from_the_indicator_above(tmp_path):
    """指标名称 and 单位 written once per indicator; the second indicator gives no unit at all: its rows keep none,
    not the first indicator's 万元."""
    path = tmp_path / "h.csv"
    path.write_text("指标名称,单位,年份,广东,江苏\n技术合同成交额,万元,2020年,10,11\n,,2021年,12,13\n"
                    "技术合同数,,2020年,5,6\n,,2021年,7,8\n", encoding="utf-8")
    got, _ = _read(path)
    units = dict(zip(got["name"], got["unit"]))
    assert units == {"技术合同成交额": "万元", "技术合同数": ""}
    assert len(got) == 8


def test_a_plan_by_district_writing_each_district_once_gives_each_row_its_district(tmp_path):
    """A city's 目标分解表 saved as CSV: 地区 written on each district's first row only (the Dinghu targets are real,
    data/dinghu_14th_fyp_plan.csv; the 端州区 row is laid out the same way). Before: the blank rows had region '' and
    the second district's rows were refused as duplicates of the first's."""
    path = tmp_path / "plan.csv"
    path.write_text("地区,指标名称,单位,2020年,2025年,属性\n端州区,期末市场主体总量,万户,〔5.10〕,〔6.50〕,预期性\n"
                    ",每万人口高价值发明专利拥有量,件/万人,〔3.20〕,〔5.00〕,预期性\n"
                    "鼎湖区,期末市场主体总量,万户,〔1.89〕,〔3.12〕,预期性\n"
                    ",每万人口高价值发明专利拥有量,件/万人,〔1.04〕,〔2.50〕,预期性\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = mt.read_plan(path)
    assert plan["region"].tolist() == ["端州区", "端州区", "鼎湖区", "鼎湖区"]
    assert plan["target"].tolist() == [6.5, 5.0, 3.12, 2.5]
    assert any("rows 3, 5" in str(w.message) for w in caught)


@pytest.mark.parametrize("region", ["广东", "鼎湖区"])
def test_a_history_by_region_cut_down_to_one_region_reads_its_figures(tmp_path, region):
    """指标名称 | 单位 | 年份 | 广东: a table by region with one region left (before: refused for having no region and
    no value column, though two region columns were read)."""
    path = tmp_path / "h.csv"
    path.write_text(f"指标名称,单位,年份,{region}\n技术合同成交额,万元,2020年,10\n技术合同成交额,万元,2021年,12\n",
                    encoding="utf-8")
    got, _ = _read(path)
    assert got["region"].tolist() == [region, region] and got["value"].tolist() == [10, 12]
    assert got["year"].tolist() == [2020, 2021] and got["unit"].tolist() == ["万元", "万元"]


def test_the_written_once_warning_points_at_the_callers_line(tmp_path):
    """Raised too deep, it was shown as 'sys:1: MstargetWarning ...' (and, beside others, not at all)."""
    path = tmp_path / "h.csv"
    path.write_text("地区,指标名称,单位,2020年,2021年\n广东,市场主体,万户,10,11\n,企业,万户,3,4\n江苏,市场主体,万户,8,9\n",
                    encoding="utf-8")
    for read in (mt.read_history, mt.read_plan):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                read(path)
            except DataValidationError:
                pass  # as a plan it has no target column: what was warned before the refusal still is
        once = [w for w in caught if "writes each value once" in str(w.message)]
        assert once and all(w.filename == __file__ for w in once), [(w.filename, w.lineno) for w in once]


def test_one_blank_region_in_a_table_of_one_row_per_region_is_refused_not_read_down(tmp_path):
    """广东 | 江苏 | '' | 福建, each region on its own row: no value repeats, but only one of the four is followed by a
    blank -- a cell left out, not a layout writing each region once; refused, not given 江苏."""
    path = tmp_path / "h.csv"
    path.write_text("地区,指标名称,单位,2020年,2021年\n广东,市场主体,万户,10,11\n江苏,市场主体,万户,8,9\n"
                    ",市场主体,万户,5,6\n福建,市场主体,万户,4,5\n浙江,市场主体,万户,7,8\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError) as err:
            mt.read_history(path)
    assert "row 4, column '地区': '': a region, not blank" in str(err.value)
