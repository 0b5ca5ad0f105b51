"""A long history table's sum line (合计 with no indicator and no year) is left out with a warning naming its
row, not refused as a row with a blank year and indicator. Synthetic figures."""
import warnings

import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError, MstargetWarning

ROWS = """地区,指标名称,年份,数值,单位
鼎湖区,企业标准,2021,47,项
鼎湖区,企业标准,2022,56,项
鼎湖区,企业标准,2023,67,项
"""


def test_a_sum_line_below_the_table_is_left_out_with_its_row_named(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(ROWS + "合计,,,170,\n", encoding="utf-8")
    with pytest.warns(MstargetWarning, match=r"'合计' 是表尾合计行.*第5行"):
        hist = mt.read_history(path)
    assert hist["value"].tolist() == [47, 56, 67]
    assert set(hist["region"]) == {"鼎湖区"}


def test_a_blank_year_on_a_region_row_is_still_refused(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(ROWS + "鼎湖区,企业标准,,80,项\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"row 5, column '年份': '': a year such as 2021, not blank"):
        mt.read_history(path)


def test_a_unit_read_from_the_indicators_brackets_is_named_by_that_column(tmp_path):
    """国家数据 exports write the unit in the name (期末市场主体总量(户)); a unit problem names that column, not a
    column 'unit' the file does not have."""
    path = tmp_path / "stats.csv"
    plan = tmp_path / "plan.csv"
    plan.write_text("region,indicator,unit,baseline_year,baseline,target_year,target\n"
                    "鼎湖区,期末市场主体总量,万户,2020,2.0,2025,3.0\n", encoding="utf-8")
    # figures in 万户 under 户 (the label wrong): refused
    path.write_text("指标,2021年,2022年\n期末市场主体总量(户),2.15,2.41\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as e:
        mt.assess(mt.read_history(path, region="鼎湖区"), plan)
    assert "column '指标（括号中的单位）': '户'" in str(e.value)
    assert "column 'unit'" not in str(e.value)
    # figures in 户: converted (session 53), the warning naming the same column
    path.write_text("指标,2021年,2022年\n期末市场主体总量(户),21500,24100\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        mt.assess(mt.read_history(path, region="鼎湖区"), plan)
    (said,) = [w.message for w in seen if "已按规划单位换算" in str(w.message)]
    assert [p.column for p in said.problems] == ["指标（括号中的单位）"]


def test_a_total_in_the_indicator_column_without_a_year_is_left_out(tmp_path):
    """全国,合计,,12345678: said not read and then refused for its blank year (R1) -- now left out, once."""
    path = tmp_path / "history.csv"
    path.write_text(ROWS + "鼎湖区,合计,,170,\n", encoding="utf-8")
    with pytest.warns(MstargetWarning, match=r"'合计' 是表尾合计行.*第5行"):
        hist = mt.read_history(path)
    assert hist["value"].tolist() == [47, 56, 67]
