"""A plan row whose target year's cell is left blank (—) while its 年均增长 column gives the growth (session 51).

Plan tables often set a figure's target as a growth rate only: ``地区生产总值 | 亿元 | 5000 | — | 6%``. Before,
such a row was refused ("'—': a target value, not blank"), though the same words in the target cell
(``年均增长6%``) were read. Now the growth column's figure is read as that change from the baseline.
"""
from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError

TABLE = ("指标名称,单位,2020年,2025年,年均增长（%）,属性\n"
         "市场主体总量,万户,85.2,—,5,预期性\n"
         "每万人口高价值发明专利拥有量,件,2.1,4.5,16.5,预期性\n"  # a target given: the growth column is not read
         "技术合同成交额,亿元,120,,〔10〕,预期性\n"
         "单位生产总值能耗,吨标准煤/万元,0.5,—,-3,约束性\n"
         "研发经费投入增长,%,8.2,—,≥7,预期性\n")


def _read(tmp_path, text):
    """The plan read from ``text`` saved as a CSV, and every warning said on the way."""
    (tmp_path / "规划.csv").write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        return mt.read_plan(tmp_path / "规划.csv", region="某市"), [str(w.message) for w in caught]


def test_a_blank_target_is_the_growth_column_from_the_baseline(tmp_path):
    plan, said = _read(tmp_path, TABLE)
    got = plan.set_index("indicator")
    assert got.loc["市场主体总量", "target"] == pytest.approx(85.2 * 1.05 ** 5)  # compounded 2020 -> 2025
    assert got.loc["市场主体总量", "direction"] == ">="
    assert got.loc["每万人口高价值发明专利拥有量", "target"] == 4.5
    assert got.loc["技术合同成交额", "target"] == pytest.approx(132)  # 〔10〕: 10 % over the whole period
    assert got.loc["单位生产总值能耗", "target"] == pytest.approx(0.5 * 0.97 ** 5)  # -3: a fall, at most
    assert got.loc["单位生产总值能耗", "direction"] == "<="
    assert got.loc["研发经费投入增长", "target"] == 7  # a growth rate's own row: the yearly rate, on average
    assert got["target_written"].to_dict() == {"市场主体总量": "年均增长5%", "每万人口高价值发明专利拥有量": "",
                                               "技术合同成交额": "累计增长10%", "单位生产总值能耗": "年均下降3%",
                                               "研发经费投入增长": "年均增长7%以上"}
    warning = next(s for s in said if "left blank" in s)
    assert "4 target(s) left blank are read from the column '年均增长（%）'" in warning
    assert "row 2: 5 -> 年均增长5%" in warning and "row 5: -3 -> 年均下降3%" in warning


@pytest.mark.parametrize("name, baseline, growth, why", [
    ("市场主体总量", "85.2", "5左右", "write it as a figure"), ("市场主体总量", "—", "5", "it needs the row's baseline"),
    ("市场主体总量", "未统计", "5", "it needs the row's baseline"), ("市场主体总量", "待统计", "5", "it needs the row's baseline"),
    ("单位GDP能耗降低", "0.5", "〔13.5〕", "the name speaks of a fall")])
def test_a_blank_target_whose_growth_cell_cannot_set_it_stays_refused(tmp_path, name, baseline, growth, why):
    """A growth cell in other words (5左右), no baseline figure to grow from, or a row named for a fall (is 〔13.5〕
    a fall of 13.5 % or a rise?): the blank target is refused as before, saying why -- never a crash inside the
    reader, never the opposite direction read."""
    with pytest.raises(DataValidationError) as err:
        _read(tmp_path, f"指标名称,单位,2020年,2025年,年均增长,属性\n{name},万户,{baseline},—,{growth},预期性\n"
                        "企业总量,万户,40,50,4.6,预期性\n")
    assert re.search(r"row 2, column '2025年': '—': the row's '年均增长' cell '" + re.escape(growth) + r"' is not read "
                     r"as its target \(" + why, str(err.value)), str(err.value)
    assert "a target value, not blank" in str(err.value)


def test_a_page_saved_as_text_with_a_growth_column_gives_its_targets(tmp_path):
    cells = ["序号", "指标", "单位", "2020年", "2025年", "年均增长", "属性",
             "1", "期末市场主体总量", "万户", "85.2", "—", "5%", "预期性",
             "2", "药品抽检合格率", "%", "98", "≥99", " ", "约束性"]
    path = tmp_path / "规划.txt"
    path.write_text("各单位要按照分工抓好落实，确保完成各项目标任务，不断提升市场监管效能。\n\n" + "\n\n".join(cells),
                    encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(path, region="某区")
    assert plan["target"].tolist() == [pytest.approx(85.2 * 1.05 ** 5), 99]


def test_a_growth_column_naming_its_years_is_read_not_said_unread(tmp_path):
    """``2021-2025年年均增长（%）`` names years: it was said "not read (not a year's figure)" while its figure set a
    blank target -- a warning contradicting the reading."""
    plan, said = _read(tmp_path, "指标名称,单位,2020年,2025年,2021-2025年年均增长（%）,属性\n"
                                 "市场主体总量,万户,85.2,—,5,预期性\n企业总量,万户,40,50,4.6,预期性\n")
    assert plan["target"].tolist() == [pytest.approx(85.2 * 1.05 ** 5), 50]
    assert not [s for s in said if "columns not read" in s], said
    assert any("read from the column '2021-2025年年均增长（%）'" in s for s in said)


def test_a_workbook_with_numbers_in_its_growth_column_sets_the_blank_targets(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["指标名称", "单位", "2020年", "2025年", "年均增长（%）", "属性"],
                ["市场主体总量", "万户", 85.2, "—", 5, "预期性"], ["企业总量", "万户", 40, 50, 4.6, "预期性"],
                ["技术合同成交额", "亿元", 120, None, 8.5, "预期性"]):
        sheet.append(row)
    book.save(tmp_path / "规划.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(tmp_path / "规划.xlsx", region="某市")
    assert plan["target"].tolist() == pytest.approx([85.2 * 1.05 ** 5, 50, 120 * 1.085 ** 5])
    assert plan["target_written"].tolist() == ["年均增长5%", "", "年均增长8.5%"]


def test_a_growth_figure_held_as_a_float_is_written_as_the_plan_writes_it():
    """A DataFrame's 5.0 is read as 年均增长5%, not 年均增长5.0%: the report shows the words as a bureau writes them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(pd.DataFrame({"region": ["R", "R"], "指标名称": ["市场主体总量", "企业总量"],
                                          "单位": ["万户", "万户"], "2020年": [85.2, 40.0], "2025年": ["—", 50.0],
                                          "年均增长": [5.0, 4.6]}))
    assert plan["target_written"].tolist() == ["年均增长5%", ""]
    assert plan["target"].tolist() == pytest.approx([85.2 * 1.05 ** 5, 50])
