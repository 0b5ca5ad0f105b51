"""Bureau writings the readers took wrongly (session 35): unit cells in brackets, region headers such as
地市 / 县（市、区）, and figures marked preliminary in their cells. Values SYNTHETIC, laid out as the
Dinghu / Zhaoqing tables write them."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import MstargetWarning


def _hierarchical_history(units: list[str]) -> pd.DataFrame:
    """A district's wide history, 一级 / 二级指标 beside the name, units as ``units`` give them."""
    return pd.DataFrame({
        "一级指标": ["营商环境", "质量强区", "安全底线", "安全底线", "质量强区"],
        "指标名称": ["期末市场主体总量", "每万人口高价值发明专利拥有量", "“明厨亮灶”覆盖率", "药品抽检合格率",
                 "知识产权质押登记融资金额"],
        "单位": units,
        "2021年": ["2.21", "1.4", "84", "98.6", "0.8"],
        "2022年": ["2.55", "1.9", "87", "99.1", "1.1"],
        "2023年": ["2.86", "2.3", "89", "99.3", "1.6"],
    })


@pytest.mark.parametrize("written, unit", [
    ("（件/万人）", "件/万人"), ("（%）", "%"), ("(万户)", "万户"), ("【%】", "%"), ("〔%〕", "%"), (" （萬戶） ", "万户"),
    ("［亿元］", "亿元"), ("万元（现价）", "万元(现价)"), ("(万元)(现价)", "(万元)(现价)"), ("件/万人", "件/万人"), ("", ""),
])
def test_a_unit_cell_loses_one_pair_of_enclosing_brackets_only(written, unit):
    from mstarget.units import clean_unit

    assert clean_unit(written) == unit


def test_units_written_in_brackets_are_the_units_and_raise_no_unit_warning():
    """（万户） / （件/万人） / 【%】 in the 单位 column: before, the unit kept its brackets, every row was
    warned "历史数据单位 (%) 与规划单位 % 不同" and the near-name match (每万人 vs 每万人口) was refused
    with "its name counts per 万人 and its unit (件/万人) per 万人)"."""
    hist = mt.read_history(_hierarchical_history(["（万户）", "（件/万人）", "【%】", "(%)", "（亿元）"]),
                           region="鼎湖区")
    units = hist.drop_duplicates("indicator").set_index("indicator")["unit"].to_dict()
    assert units == {"期末市场主体总量": "万户", "每万人口高价值发明专利拥有量": "件/万人", "“明厨亮灶”覆盖率": "%",
                     "药品抽检合格率": "%", "知识产权质押登记融资金额": "亿元"}

    plan = mt.read_plan(pd.DataFrame({"指标名称": ["每万人高价值发明专利拥有量", "药品抽检合格率"],
                                      "单位": ["件/万人", "%"], "2020年": ["1.04", "98"], "2025年": ["3", "≥99"],
                                      "属性": ["预期性", "约束性"]}), region="鼎湖区")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mt.assess(hist, plan, as_of=2023, seed=0).set_index("indicator")
    said = " ".join(str(w.message) for w in caught)
    assert "历史数据单位" not in said and "每万人高价值" not in said and "药品抽检" not in said
    assert res.loc["每万人高价值发明专利拥有量", "last_year"] == 2023  # matched: the history's 2.3 in 2023
    assert res.loc["药品抽检合格率", "last_year"] == 2023


def _cities(header: str) -> pd.DataFrame:
    return pd.DataFrame({header: ["全省", "肇庆市", "江门市"], "指标名称": "每万人口高价值发明专利拥有量",
                         "单位": "件/万人", "2021年": [3.6, 1.5, 2.3], "2022年": [4.1, 1.9, 2.5]})


@pytest.mark.parametrize("header", ["地市", "设区市", "地级市", "各地市", "市别", "县（市、区）", "县(市、区)", "县（市，区）",
                                    "区(县)", "区（县）", "市县", "县区", "区县", "县市区", "城市", "市州", "縣（市、區）",
                                    "乡镇（街道）"])
def test_common_region_headers_are_the_region_column(header):
    hist = mt.read_history(_cities(header))
    assert sorted(hist["region"].unique()) == ["全省", "江门市", "肇庆市"]
    assert hist.loc[hist["region"] == "肇庆市", "value"].tolist() == [1.5, 1.9]


def test_a_table_of_several_regions_under_an_unknown_header_is_told_to_rename_it():
    """所属地市 over 肇庆市 / 江门市: advising ``--region 鼎湖区`` (a table of one region) was wrong."""
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(_cities("所属地市"))
    text = str(err.value)
    assert "missing column(s) region" in text
    assert "column '所属地市' holds several regions (全省、肇庆市、江门市): rename its header to 地区" in text
    assert "--region 鼎湖区" not in text
    one = _cities("地市").drop(columns="地市").iloc[[1]]  # one district's table: --region is the advice
    with pytest.raises(mt.DataValidationError, match="command line: --region 鼎湖区"):
        mt.read_history(one)


def test_figures_marked_preliminary_in_their_cells_are_read_with_one_warning():
    """1.9（初步统计）, 99.3（快报）, 84（初步）, 2.1(预计): read as their figures, as 2023年（预计） in a header is;
    one warning names the table's cells."""
    table = _hierarchical_history(["万户", "件/万人", "%", "%", "亿元"])
    table.loc[1, "2022年"] = "1.9（初步统计）"
    table.loc[3, "2023年"] = "99.3（快报）"
    table.loc[2, "2021年"] = "84（初步）"
    table.loc[4, "2023年"] = "1.6 (预计)"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hist = mt.read_history(table, source="鼎湖区监测表.xlsx", region="鼎湖区")
    value = hist.set_index(["indicator", "year"])["value"]
    assert value[("每万人口高价值发明专利拥有量", 2022)] == 1.9
    assert value[("药品抽检合格率", 2023)] == 99.3
    assert value[("“明厨亮灶”覆盖率", 2021)] == 84.0
    assert value[("知识产权质押登记融资金额", 2023)] == 1.6
    marked = [str(w.message) for w in caught if "按初步数读入" in str(w.message)]
    assert len(marked) == 1
    assert marked[0].startswith("鼎湖区监测表.xlsx: 4 figures marked preliminary")
    for cell in ("row 1, column '2022年': '1.9（初步统计）'", "row 3, column '2023年': '99.3（快报）'",
                 "row 2, column '2021年': '84（初步）'", "row 4, column '2023年': '1.6 (预计)'"):
        assert cell in marked[0]


@pytest.mark.parametrize("cell", ["99①", "99①（初步）", "预计99", "99（初步）①"])
def test_a_note_mark_or_a_mark_before_the_figure_stays_refused(cell):
    table = _hierarchical_history(["万户", "件/万人", "%", "%", "亿元"])
    table.loc[3, "2023年"] = cell
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(table, region="鼎湖区")
    assert f"row 3, column '2023年': '{cell}'" in str(err.value)


# --- plan side (append to tests/test_readers_s35.py once plan.py reads units with unit_column and
# --- its ALIASES take validation.REGION_HEADERS)
@pytest.mark.parametrize("header", ["地市", "设区市", "县（市、区）", "区(县)", "市州", "市别"])
def test_a_plan_of_several_regions_under_a_common_region_header_is_read(header):
    plan = mt.read_plan(pd.DataFrame({header: ["肇庆市", "江门市"], "指标名称": "每万人口高价值发明专利拥有量",
                                      "单位": "（件/万人）", "2020年": ["1.2", "2.0"], "2025年": ["3", "4"],
                                      "属性": "预期性"}))
    assert plan.set_index("region")["target"].to_dict() == {"肇庆市": 3.0, "江门市": 4.0}
    assert set(plan["unit"]) == {"件/万人"}


def test_a_plan_unit_in_brackets_matches_the_history_loosely():
    """（件/万人） on both sides: the near-name match (每万人口 vs 每万人) was refused with "its name counts
    per 万人 and its unit (件/万人) per 万人)"."""
    plan = mt.read_plan(pd.DataFrame({"指标名称": ["每万人口高价值发明专利拥有量"], "单位": ["（件/万人）"],
                                      "2020年": ["1.04"], "2025年": ["3"], "属性": ["预期性"]}), region="鼎湖区")
    hist = mt.read_history(pd.DataFrame({"指标名称": ["每万人高价值发明专利拥有量"], "单位": ["（件/万人）"],
                                         "2020年": [1.04], "2021年": [1.4], "2022年": [1.9], "2023年": [2.3]}),
                           region="鼎湖区")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(hist, plan, as_of=2023, seed=0)
    assert res["last_year"].tolist() == [2023]


def test_a_plan_reads_baselines_and_completed_values_marked_preliminary_as_its_history_does(tmp_path):
    """A mid-term table (SYNTHETIC figures) writes 98.2（快报） as a baseline and 98.8（初步统计） as a 2023年完成值:
    refused before, while the same cell in a history was read; a target so marked stays refused."""
    path = tmp_path / "plan.csv"
    path.write_text("指标名称,单位,基期值（2020年）,2023年完成值,目标值（2025年）\n"
                    "药品抽检合格率,%,98.2（快报）,98.8（初步统计）,≥99\n市场主体,万户,〔1.89〕,〔2.7〕（快报）,〔3.12〕\n",
                    encoding="utf-8")
    with pytest.warns(MstargetWarning, match="marked preliminary") as caught:
        plan = mt.read_plan(path, region="鼎湖区")
    assert plan["baseline"].tolist() == [98.2, 1.89]
    assert plan["observed_2023"].tolist() == [98.8, 2.7]
    assert any("row 2, column '基期值（2020年）': '98.2（快报）'" in str(w.message) for w in caught)
    path.write_text("指标名称,单位,基期值（2020年）,目标值（2025年）\n药品抽检合格率,%,98.2,99（预计）\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match="row 2"):
        mt.read_plan(path, region="鼎湖区")
