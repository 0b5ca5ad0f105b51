"""A history passed as a DataFrame names a refused row by the DataFrame's index label (``df.loc[label]``), as a
plan passed as a DataFrame does, so that one ``assess`` message never mixes the two ways of counting rows.

All tables here are SYNTHETIC, built in the tests after the 鼎湖区 monitoring tables (期末市场主体总量 in 万户,
药品抽检合格率 in %, 千人食品检验量 in 批次/千人)."""
import warnings

import pandas as pd
import pytest

import mstarget as mt

REGION = "鼎湖区"


def _plan(target_of_third: str = "6.5") -> pd.DataFrame:
    """A district's plan table as ``pd.read_excel`` gives it, index 0-2 (SYNTHETIC)."""
    return pd.DataFrame({"指标名称": ["期末市场主体总量", "药品抽检合格率", "千人食品检验量"],
                         "单位": ["万户", "%", "批次/千人"], "2020年基数": ["1.89", "81", "5"],
                         "2025年目标": ["〔3.12〕", "≥99", target_of_third], "属性": ["预期性", "约束性", "预期性"]})


def _wide_history(cell_2022_of_second: str = "99.1") -> pd.DataFrame:
    """The district's monitoring table, one column per year, index 0-2 (SYNTHETIC)."""
    return pd.DataFrame({"指标名称": ["期末市场主体总量", "药品抽检合格率", "千人食品检验量"],
                         "单位": ["万户", "%", "批次/千人"], "2021年": ["2.15", "98.6", "5.3"],
                         "2022年": ["2.42", cell_2022_of_second, "5.5"], "2023年": ["2.70", "99.3", "5.8"]})


def _refusal(read, frame, **kwargs) -> mt.DataValidationError:
    with pytest.raises(mt.DataValidationError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read(frame, region=REGION, **kwargs)
    return err.value


def test_plan_and_history_frames_name_their_bad_cells_by_index_label():
    plan_err = _refusal(mt.read_plan, _plan(target_of_third="六批"))
    assert [(p.row, p.column, p.value) for p in plan_err.problems] == [(2, "2025年目标", "六批")]
    assert "<DataFrame>, row 2, column '2025年目标': '六批'" in str(plan_err)  # plan.loc[2]
    hist_err = _refusal(mt.read_history, _wide_history("约99"))
    assert [(p.row, p.column, p.value) for p in hist_err.problems] == [(1, "2022年", "约99")]
    assert "<DataFrame>, row 1, column '2022年': '约99': 约 / 左右 / 余 are not read" in str(hist_err)  # hist.loc[1]


def test_a_filtered_history_frame_names_the_label_df_loc_takes():
    """The rows of one district taken from a city's long table keep their index, 10-12: the bad figure of
    2022 is hist.loc[11], said as row 11 (not row 3, its place counted as a spreadsheet's)."""
    city = pd.DataFrame({"地区": ["端州区"] * 3 + ["鼎湖区"] * 3, "指标名称": "药品抽检合格率", "单位": "%",
                         "年份": [2021, 2022, 2023] * 2, "数值": ["98.1", "98.5", "99.0", "98.6", "九十九", "99.3"]})
    city.index = range(7, 13)
    hist = city[city["地区"] == REGION]
    assert list(hist.index) == [10, 11, 12]
    err = _refusal(mt.read_history, hist)
    assert [(p.row, p.column) for p in err.problems] == [(11, "数值")]
    assert hist.loc[11, "数值"] == "九十九"
    assert "<DataFrame>, row 11, column '数值': '九十九': digits, not Chinese numerals" in str(err)
    wide = _wide_history("约99").set_axis([10, 11, 12])
    err = _refusal(mt.read_history, wide)
    assert "<DataFrame>, row 11, column '2022年': '约99'" in str(err)


def test_a_history_frame_given_a_source_still_names_the_index_label():
    """As read_plan does: ``source=`` names the table, the row stays the DataFrame's label."""
    err = _refusal(mt.read_history, _wide_history("约99"), source="鼎湖区监测表.xlsx")
    assert "鼎湖区监测表.xlsx, row 1, column '2022年': '约99'" in str(err)
    err = _refusal(mt.read_plan, _plan(target_of_third="六批"), source="鼎湖区规划.xlsx")
    assert "鼎湖区规划.xlsx, row 2, column '2025年目标': '六批'" in str(err)


def test_a_sheet_read_without_a_header_names_the_frame_label():
    """``pd.read_excel(path, header=None)`` of a sheet with a title line: the header is found in row 1 of the
    frame, and the bad cell is raw.loc[3]."""
    raw = pd.DataFrame([["鼎湖区市场监管主要指标监测表", None, None, None],
                        ["指标名称", "单位", "2021年", "2022年"],
                        ["期末市场主体总量", "万户", "2.15", "2.42"],
                        ["药品抽检合格率", "%", "98.6", "约99"]])
    err = _refusal(mt.read_history, raw)
    assert [(p.row, p.column, p.value) for p in err.problems] == [(3, "2022年", "约99")]


def test_one_assess_warning_names_plan_and_history_rows_alike():
    """The plan's baseline 81 (plan.loc[1]) against the history's 2020 figure 50 (hist.loc[0]): the warning
    names both rows by their DataFrames' labels."""
    plan = _plan().iloc[[1]]
    hist = pd.DataFrame({"指标名称": "药品抽检合格率", "单位": "%", "年份": [2020, 2021, 2022],
                         "数值": [50.0, 84.0, 86.0]})
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        mt.assess(hist, plan, region=REGION, as_of=2022, model="naive")
    (w,) = [w.message for w in seen if "规划基期值 81 与历史数据 2020 年值 50 不一致" in str(w.message)]
    assert [(p.row, p.value) for p in w.problems] == [(1, "81"), (0, "50")]
