"""Plan and history reading, as a bureau analyst sends the tables (review H2 -> fixes H5).

Every table here is SYNTHETIC, generated in the test: Dinghu indicator names and units with invented yearly
figures. Each test states what the user sees: a value read, a unit, a forecast bound, a warning, or a refusal
naming the file, row, column and what to write instead.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import MstargetWarning

REGION = "鼎湖区"


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


# -- 1. a share written 98.4% with its unit cell blank ------------------------------------------------------------

#: SYNTHETIC: the bureau leaves 单位 blank where the cells carry the unit (98.4%, 0.62亿元)
PERCENT_IN_CELLS = ("指标名称,单位,2019年,2020年,2021年,2022年,2023年,2024年\n"
                    "药品抽检合格率,,98.4%,98.9%,99.1%,99.2%,99.4%,99.6%\n"
                    "知识产权质押登记融资金额,,0.62亿元,0.70亿元,0.81亿元,0.95亿元,1.10亿元,1.24亿元\n")


def test_a_percent_written_in_the_cells_gives_the_series_its_unit_and_bounds(tmp_path):
    path = _write(tmp_path, "history.csv", PERCENT_IN_CELLS)
    history = _quiet(mt.read_history, path, region=REGION)
    units = history.groupby("indicator")["unit"].unique().to_dict()
    assert list(units["药品抽检合格率"]) == ["%"]  # as 0.62亿元 fills 亿元
    assert list(units["知识产权质押登记融资金额"]) == ["亿元"]
    share = history[history["indicator"] == "药品抽检合格率"]
    fc = _quiet(mt.forecast, share[["region", "indicator", "year", "value", "unit"]], horizon=6, seed=0)
    # a share stays a share: no quantile above 100 %
    quantiles = [c for c in fc.columns if c in ("mean", "median") or c.startswith(("lo_", "hi_"))]
    assert quantiles and (fc[quantiles].to_numpy(dtype=float) <= 100.0 + 1e-9).all()


def test_a_percent_in_a_row_of_another_unit_is_still_refused(tmp_path):
    path = _write(tmp_path, "history.csv", "指标名称,单位,2022年,2023年\n医疗器械抽检批次数,批次,9,12%\n")
    with pytest.raises(mt.DataValidationError, match=r"row 2, column '2023年': '12%'.*批次"):
        _quiet(mt.read_history, path, region=REGION)


def test_percent_cells_and_bare_cells_follow_the_rule_of_a_unit_in_the_cells(tmp_path):
    """Some cells 98.4%, others bare: each cell gives its own row's unit, as 0.62亿元 beside 0.70 does."""
    path = _write(tmp_path, "history.csv", "指标名称,单位,2022年,2023年,2024年\n"
                                           "药品抽检合格率,,98.4%,98.9,99.1\n"
                                           "知识产权质押登记融资金额,,0.62亿元,0.70,0.81\n")
    history = _quiet(mt.read_history, path, region=REGION)
    by = {ind: g.sort_values("year")["unit"].tolist() for ind, g in history.groupby("indicator")}
    assert by["药品抽检合格率"] == ["%", "", ""]
    assert by["知识产权质押登记融资金额"] == ["亿元", "", ""]


# -- 3. a plan passed as a DataFrame, as pd.read_excel gives the bureau's Word-copied table -------------------------

def _word_plan_frame(note_column: str = "序号") -> pd.DataFrame:
    """SYNTHETIC Dinghu plan rows as ``pd.read_excel(..., header=1)`` gives them: merged 类别 cells NaN below
    their first row, 〔〕 / 〈〉 targets, and the 注 / 资料来源 rows under the table."""
    rows = [
        {"序号": 1, "类别": "市场主体发展", "指标名称（单位）": "期末市场主体总量（万户）", "2020年基数": "〔1.89〕",
         "2025年目标": "〔3.12〕", "指标属性": "预期性"},
        {"序号": 2, "类别": np.nan, "指标名称（单位）": "知识产权质押登记融资金额（亿元）", "2020年基数": "〈0〉",
         "2025年目标": "〈5〉", "指标属性": "预期性"},
        {"序号": 3, "类别": "质量安全", "指标名称（单位）": "药品抽检合格率（%）", "2020年基数": 98.0,
         "2025年目标": "≥99", "指标属性": "约束性"},
    ]
    frame = pd.DataFrame(rows)
    for note in ("注：〔〕内为累计数，〈〉内为五年累计新增数。", "资料来源：区市场监管局。"):
        blank = {c: np.nan for c in frame.columns}
        blank[note_column] = note
        frame = pd.concat([frame, pd.DataFrame([blank])], ignore_index=True)
    return frame


@pytest.mark.parametrize("note_column", ["序号", "指标名称（单位）"])
def test_a_plan_dataframe_sets_its_note_rows_apart_as_the_file_does(tmp_path, note_column):
    frame = _word_plan_frame(note_column)
    path = tmp_path / "plan.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    from_file = _quiet(mt.read_plan, path, region=REGION)
    from_frame = _quiet(mt.read_plan, frame, region=REGION)
    assert from_frame["name"].tolist() == ["期末市场主体总量", "知识产权质押登记融资金额", "药品抽检合格率"]
    assert from_frame["kind"].tolist() == from_file["kind"].tolist() == ["cumulative", "increment", "level"]
    assert from_frame["target"].tolist() == from_file["target"].tolist() == [3.12, 5.0, 99.0]
    assert from_frame.attrs["notes"] == from_file.attrs["notes"] == [
        "注：〔〕内为累计数，〈〉内为五年累计新增数。", "资料来源：区市场监管局。"]


def test_a_note_saying_how_brackets_are_read_applies_to_a_plan_dataframe(tmp_path):
    """〔〕内为五年累计数: 〔x〕 read as 〈x〉 (the period's additions), from a DataFrame as from its file."""
    frame = pd.DataFrame({"指标名称": ["知识产权质押登记融资金额", "注：〔〕内为五年累计数。"],
                          "单位": ["亿元", np.nan], "2020年基数": ["〔0〕", np.nan], "2025年目标": ["〔5〕", np.nan]})
    path = tmp_path / "plan.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    from_file = _quiet(mt.read_plan, path, region=REGION)
    from_frame = _quiet(mt.read_plan, frame, region=REGION)
    assert from_file["kind"].tolist() == ["increment"]
    assert from_frame["kind"].tolist() == ["increment"]


def test_a_stray_line_under_a_plan_dataframe_is_named_by_index_label_and_quoted():
    frame = _word_plan_frame().iloc[:3]
    line = {c: np.nan for c in frame.columns}
    line["序号"] = "以上数据由区统计局提供。"
    frame = pd.concat([frame, pd.DataFrame([line])], ignore_index=True)
    with pytest.raises(mt.DataValidationError) as err:
        _quiet(mt.read_plan, frame, region=REGION)
    problems = err.value.problems
    assert len(problems) == 1  # one row refused, not a blank name and a blank target
    assert (problems[0].source, problems[0].row, problems[0].column) == ("<DataFrame>", 3, "序号")
    assert problems[0].value == "以上数据由区统计局提供。"
    assert "注：" in problems[0].expected and "定性" not in problems[0].expected


def test_a_refused_plan_dataframe_row_is_its_index_label():
    """A frame filtered by the user (index 10, 11): the bad cell is named by the label df.loc takes."""
    frame = pd.DataFrame({"指标名称": ["药品抽检合格率", "千人食品检验量"], "单位": ["%", "批次/千人"],
                          "2020年基数": ["98", "5"], "2025年目标": ["≥99", "六批"]}, index=[10, 11])
    with pytest.raises(mt.DataValidationError) as err:
        _quiet(mt.read_plan, frame, region=REGION)
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [(11, "2025年目标", "六批")]
    assert "<DataFrame>, row 11, column '2025年目标': '六批'" in str(err.value)


# -- 4. a figure with a note reference after it -------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["99.1(注1)", "99.1（注1）", "99.1[1]", "99.1注", "99.1①", "99.1*"])
def test_a_note_reference_after_a_history_figure_says_keep_the_number(tmp_path, cell):
    path = _write(tmp_path, "history.csv", f"指标名称,单位,2022年,2023年\n药品抽检合格率,%,98.9,{cell}\n")
    with pytest.raises(mt.DataValidationError) as err:
        _quiet(mt.read_history, path, region=REGION)
    text = str(err.value)
    assert f"history.csv, row 2, column '2023年': '{cell}'" in text
    assert "keep the number, 99.1, and move the note to a 备注 column" in text
    assert "leave the cell blank" not in text.split("keep the number")[0]


@pytest.mark.parametrize("cell", ["99.1(估)", "99.1（估计）"])
def test_an_estimate_mark_is_read_as_a_preliminary_figure(tmp_path, cell):
    path = _write(tmp_path, "history.csv", f"指标名称,单位,2022年,2023年\n药品抽检合格率,%,98.9,{cell}\n")
    with pytest.warns(MstargetWarning, match=r"1 figure marked preliminary.*row 2, column '2023年'"):
        history = mt.read_history(path, region=REGION)
    last = history[history["year"] == 2023].iloc[0]
    assert last["value"] == 99.1 and bool(last["preliminary"]) and last["preliminary_mark"] == "估计"


def test_a_note_reference_after_a_plan_target_says_keep_the_figure(tmp_path):
    path = _write(tmp_path, "plan.csv", "指标名称,单位,2020年基数,2025年目标\n药品抽检合格率,%,98,≥99(注1)\n")
    with pytest.raises(mt.DataValidationError, match=r"row 2, column '2025年目标': '≥99\(注1\)': a note mark is "
                                                     r"not read.*keep the number, ≥99, and move the note"):
        _quiet(mt.read_plan, path, region=REGION)


# -- 5. a long history giving one year as 预计 and as final --------------------------------------------------------

def test_a_long_history_reads_the_final_figure_over_the_preliminary_one(tmp_path):
    path = _write(tmp_path, "history.csv", "指标名称,单位,年份,数值\n"
                                           "市场主体总量,万户,2024,2.70\n"
                                           "市场主体总量,万户,2025年（预计）,2.88\n"
                                           "市场主体总量,万户,2025,2.95\n"
                                           "药品抽检合格率,%,2024,99.2\n"
                                           "药品抽检合格率,%,2025年（预计）,99.3\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = mt.read_history(path, region=REGION)
    got = {(r.indicator, r.year): (r.value, bool(r.preliminary)) for r in history.itertuples()}
    assert got[("市场主体总量", 2025)] == (2.95, False)  # the final figure, as a wide table's 2025年 column
    assert got[("药品抽检合格率", 2025)] == (99.3, True)  # no final figure: the preliminary one read, marked
    said = [str(w.message) for w in caught]
    superseded = [s for s in said if "superseded by the same year's final figure" in s]
    assert len(superseded) == 1
    assert "市场主体总量/2025 row 3 ('2025年（预计）'): 2.88 -> row 4 ('2025'): 2.95" in superseded[0]
    # the preliminary warning names only the figure still read as preliminary
    read_as = [s for s in said if "marked preliminary" in s]
    assert len(read_as) == 1 and "'99.3'" in read_as[0] and "'2.88'" not in read_as[0]


# -- 6. plan notation with a unit after it; a level compared with an average ---------------------------------------

def test_a_bracketed_target_with_its_unit_after_it_is_read_and_its_unit_checked(tmp_path):
    path = _write(tmp_path, "plan.csv", "指标名称,单位,2020年基数,2025年目标\n知识产权质押登记融资金额,亿元,〈0〉,〈5〉亿元\n")
    plan = _quiet(mt.read_plan, path, region=REGION)
    assert (plan["target"].iat[0], plan["kind"].iat[0], plan["direction"].iat[0]) == (5.0, "increment", ">=")
    wrong = _write(tmp_path, "plan2.csv", "指标名称,单位,2020年基数,2025年目标\n知识产权质押登记融资金额,亿元,〈0〉,〈5〉万元\n")
    with pytest.raises(mt.DataValidationError, match=r"row 2, column '2025年目标': '〈5〉万元': 单元格中的单位 万元 与本行单位 亿元"):
        _quiet(mt.read_plan, wrong, region=REGION)


@pytest.mark.parametrize("cell", ["≥省平均水平", "≤全市平均值"])
def test_a_target_compared_with_an_average_is_qualitative(tmp_path, cell):
    path = _write(tmp_path, "plan.csv", f"指标名称,单位,2020年基数,2025年目标\n药品抽检合格率,%,98,{cell}\n")
    with pytest.warns(MstargetWarning, match=r"1 qualitative target"):
        plan = mt.read_plan(path, region=REGION)
    assert bool(plan["qualitative"].iat[0]) and np.isnan(plan["target"].iat[0])
    assert plan["target_written"].iat[0] == cell


# -- 2. a target written as a change, shown with the figure it is judged on -----------------------------------------

#: SYNTHETIC: 食品抽检不合格率 2.5 in 2020 to fall 10 % (≤2.25), written to one decimal; its 2024 figure, 2.2,
#: already meets the target
CHANGE_PLAN = "指标名称,单位,2020年基数,2025年目标,属性\n食品抽检不合格率,%,2.5,下降10%,预期性\n"
CHANGE_HISTORY = "指标名称,单位,2021年,2022年,2023年,2024年\n食品抽检不合格率,%,2.4,2.4,2.3,2.2\n"


def test_a_target_computed_from_a_change_is_never_shown_as_a_figure_that_misses_it(tmp_path):
    from mstarget.assess import assess_detailed
    from mstarget.cli.assess import display_frame
    plan = _quiet(mt.read_plan, _write(tmp_path, "plan.csv", CHANGE_PLAN), region=REGION)
    history = _quiet(mt.read_history, _write(tmp_path, "history.csv", CHANGE_HISTORY), region=REGION)
    table, details = _quiet(assess_detailed, history, plan, as_of=2024, seed=0)
    assert table["target"].iat[0] == pytest.approx(2.25)
    printed = display_frame(table, details=details)
    assert printed["target"].iat[0] == "下降10%（≤2.25）"  # not ≤2.3, a figure the evaluation calls a miss
