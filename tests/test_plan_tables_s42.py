"""Plan tables as bureaus write them, read as they mean (FP5 findings 1, 5, 8, 9, 11, 2026-12-06).

* 1 / 8: the attribute written as √ under a 约束性 | 预期性 pair of columns, as 是 / 否 under 是否约束性, or as
  约束性 / 预期性 under a 类别 / 指标类别 / 类型 header was read as 预期性 for every row, without a word (类型:
  refused as a kind). A row marked in both or neither column, or a column that looks like the attribute's
  but cannot be read, is refused naming its row and columns.
* 5: 指标名称（单位） headed the names (each with its unit in parentheses) and was refused, in plan and history.
* 9: 增加1.2万户 / 突破3万户 / 力争突破3万户 were refused with a hint about Chinese numerals; now read (an addition,
  a strict floor), and words the reader does not know are named in the hint.
* 11: a plain 0 target after a 0 baseline in a row of incidents (起) asked for a direction; it is ≤0, as 0起.

Indicator names, units and plan figures are the Dinghu district's (data/dinghu_14th_fyp_plan.csv) or as
market-regulation plans word them; every table and yearly value is SYNTHETIC, built here.
"""
from __future__ import annotations

import csv
import warnings

import pandas as pd
import pytest
from bureau_files import write_rows_xlsx

import mstarget as mt
from mstarget.exceptions import DataValidationError

TITLE = "鼎湖区市场监管“十四五”规划主要指标"


def _xlsx(path, rows, merges=()):
    return write_rows_xlsx(path, rows, merges, title="主要指标")


def _csv(path, rows):
    """A CSV as Excel / WPS save a sheet: every row as wide as the widest."""
    width = max(len(r) for r in rows)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([list(r) + [""] * (width - len(r)) for r in rows])
    return path


def _plan(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.read_plan(data, region="鼎湖区")


def _refusal(data) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError) as err:
            mt.read_plan(data, region="鼎湖区")
    return str(err.value)


# SYNTHETIC plan rows (Dinghu's indicators and figures): name, unit, 2020年基数, 2025年目标, binding?
ROWS = [("期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", False),
        ("千人食品检验量", "批次/千人", "5", "6", True),
        ("“明厨亮灶”覆盖率", "%", "81", "≥90", True),
        ("药品抽检合格率", "%", "98", "≥99", False)]
NAMES = [r[0] for r in ROWS]
ATTRIBUTES = ["binding" if r[4] else "expected" for r in ROWS]


# ---------------------------------------------------------------- 1 / 8: the attribute, however it is marked

@pytest.mark.parametrize("mark", ["√", "✓", "●", "★", "是", "Y", 1])
def test_a_mark_under_a_binding_expected_pair_of_columns_gives_the_attribute(tmp_path, mark):
    """序号 | 指标名称 | 单位 | 2020年基数 | 2025年目标 | 约束性 | 预期性, a mark in one of the two: every row was
    预期性 before, and the report opened 本次评估共N项指标（均为预期性指标）."""
    rows = [[TITLE], ["序号", "指标名称", "单位", "2020年基数", "2025年目标", "约束性", "预期性"], ["一", "主要指标"]]
    rows += [[k + 1, n, u, b, t, mark if binding else None, None if binding else mark]
             for k, (n, u, b, t, binding) in enumerate(ROWS)]
    plan = _plan(_xlsx(tmp_path / "plan.xlsx", rows))
    assert plan["name"].tolist() == NAMES
    assert plan["attribute"].tolist() == ATTRIBUTES
    assert "约束性" not in plan.columns and "预期性" not in plan.columns  # read, not carried as other columns


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_attribute_merged_over_a_binding_expected_pair(tmp_path, suffix):
    """指标属性 merged over 约束性 | 预期性 on a second header row (a CSV keeps the merged text in its first
    column): was refused, the two columns both headed 指标属性."""
    head = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "指标属性", ""],
            ["", "", "", "", "", "约束性", "预期性"]]
    body = [[k + 1, n, u, b, t, "√" if binding else "", "" if binding else "√"]
            for k, (n, u, b, t, binding) in enumerate(ROWS)]
    if suffix == "xlsx":
        head[1] = head[0][:5] + head[1][5:]  # (merged down: each cell shows its text)
        path = _xlsx(tmp_path / "plan.xlsx", [[TITLE]] + head + body,
                     merges=[f"{c}2:{c}3" for c in "ABCDE"] + ["F2:G2"])
    else:
        path = _csv(tmp_path / "plan.csv", [[TITLE]] + head + body)
    assert _plan(path)["attribute"].tolist() == ATTRIBUTES


@pytest.mark.parametrize("header, marked", [("约束性指标", True), ("预期性", False)])
def test_one_column_of_marks_says_its_attribute_and_a_blank_the_other(tmp_path, header, marked):
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", header]]
    rows += [[n, u, b, t, "√" if binding is marked else ""] for n, u, b, t, binding in ROWS]
    assert _plan(_csv(tmp_path / "plan.csv", rows))["attribute"].tolist() == ATTRIBUTES


def test_a_shi_fou_binding_column_of_yes_and_no(tmp_path):
    """是否约束性 with 是 / 否 (blank: not binding)."""
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", "是否约束性"]]
    rows += [[n, u, b, t, "是" if binding else ("否" if k else "")] for k, (n, u, b, t, binding) in enumerate(ROWS)]
    assert _plan(_csv(tmp_path / "plan.csv", rows))["attribute"].tolist() == ATTRIBUTES


@pytest.mark.parametrize("header", ["类别", "指标类别", "类型", "指标类型", "性质"])
def test_a_column_of_binding_and_expected_is_the_attribute_whatever_its_header(tmp_path, header):
    """A 类别 / 指标类别 column of 约束性 / 预期性 was taken as the group column (every row 预期性), a 类型 one as
    the kind column (refused: one of level, cumulative, increment)."""
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", header]]
    rows += [[n, u, b, t, "约束性" if binding else "预期性"] for n, u, b, t, binding in ROWS]
    plan = _plan(_csv(tmp_path / "plan.csv", rows))
    assert plan["attribute"].tolist() == ATTRIBUTES
    assert plan["kind"].tolist() == ["cumulative", "level", "level", "level"]
    assert "group" not in plan.columns


def test_a_category_column_merged_over_its_rows_gives_each_row_its_attribute(tmp_path):
    """类别 holding 约束性 merged over the binding rows, 预期性 over the others: a CSV keeps the text in the
    first row of each block only; the rows below take it, as they take a group's."""
    rows = [["类别", "指标名称", "单位", "2020年基数", "2025年目标"],
            ["约束性", "千人食品检验量", "批次/千人", "5", "6"],
            ["", "“明厨亮灶”覆盖率", "%", "81", "≥90"],
            ["预期性", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕"],
            ["", "药品抽检合格率", "%", "98", "≥99"]]
    plan = _plan(_csv(tmp_path / "plan.csv", rows))
    assert plan["attribute"].tolist() == ["binding", "binding", "expected", "expected"]


def test_section_rows_saying_binding_and_expected_give_the_attribute(tmp_path):
    """一、约束性指标 / 二、预期性指标 as section rows over the targets (read as groups: every row 预期性)."""
    rows = [[TITLE], ["序号", "指标名称", "单位", "2020年基数", "2025年目标"], ["一、约束性指标"],
            [1, "千人食品检验量", "批次/千人", "5", "6"], [2, "“明厨亮灶”覆盖率", "%", "81", "≥90"],
            ["二、预期性指标"], [3, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕"]]
    plan = _plan(_xlsx(tmp_path / "plan.xlsx", rows))
    assert plan["attribute"].tolist() == ["binding", "binding", "expected"]


def test_a_section_saying_binding_among_sections_of_groups_is_refused(tmp_path):
    rows = [["序号", "指标名称", "单位", "2020年基数", "2025年目标"], ["一、市场主体"],
            [1, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕"], ["二、约束性指标"],
            [2, "千人食品检验量", "批次/千人", "5", "6"], [3, "“明厨亮灶”覆盖率", "%", "81", "≥90"]]
    path = _csv(tmp_path / "plan.csv", rows)
    msg = _refusal(path)
    assert f"{path}, row 5: '二、约束性指标': sections all of groups (as '一、市场主体') or all 约束性 / 预期性" in msg
    assert "row 6" not in msg  # (once per section)


def test_a_category_column_of_groups_stays_the_group_beside_the_attribute(tmp_path):
    rows = [["类别", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
            ["市场主体发展", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"],
            ["质量安全", "千人食品检验量", "批次/千人", "5", "6", "约束性"]]
    plan = _plan(_csv(tmp_path / "plan.csv", rows))
    assert plan["group"].tolist() == ["市场主体发展", "质量安全"]
    assert plan["attribute"].tolist() == ["expected", "binding"]


def test_the_binding_marks_reach_the_assessment(tmp_path):
    """The point of it: a binding target assessed as binding (the report's 约束性指标 lists)."""
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", "约束性", "预期性"],
            ["千人食品检验量", "批次/千人", "5", "6", "√", ""],
            ["药品抽检合格率", "%", "98", "≥99", "", "√"]]
    plan = _plan(_csv(tmp_path / "plan.csv", rows))
    # SYNTHETIC yearly values
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": ["千人食品检验量"] * 4 + ["药品抽检合格率"] * 4,
                         "year": [2020, 2021, 2022, 2023] * 2,
                         "value": [5.0, 5.2, 5.5, 5.7, 98.0, 98.3, 98.5, 98.6]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(hist, plan, as_of=2023)
    assert res.set_index("name")["attribute"].to_dict() == {"千人食品检验量": "binding", "药品抽检合格率": "expected"}


def test_a_row_marked_in_both_or_neither_column_is_refused_naming_row_and_columns(tmp_path):
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", "约束性", "预期性"],
            ["千人食品检验量", "批次/千人", "5", "6", "√", "√"],
            ["药品抽检合格率", "%", "98", "≥99", "", ""],
            ["“明厨亮灶”覆盖率", "%", "81", "≥90", "√", ""]]
    path = _csv(tmp_path / "plan.csv", rows)
    msg = _refusal(path)
    assert f"{path}, row 2, column '约束性': '√ | √': a mark (√) in one of the columns '约束性' | '预期性', not both" in msg
    assert f"{path}, row 3, column '约束性': '(blank) | (blank)': a mark (√) in one of the columns '约束性' | '预期性', " \
           "this row has none" in msg
    assert "row 4" not in msg


def test_a_mark_not_read_is_refused_with_the_marks_that_are(tmp_path):
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", "约束性", "预期性"],
            ["千人食品检验量", "批次/千人", "5", "6", "重点", ""],
            ["药品抽检合格率", "%", "98", "≥99", "", "√"]]
    path = _csv(tmp_path / "plan.csv", rows)
    msg = _refusal(path)
    assert f"{path}, row 2, column '约束性': '重点': a mark (√, ✓, ●, ★, 是, Y or 1) or blank (否, ×, N or 0)" in msg
    assert "this row has none" not in msg  # (said once, for the mark)


def test_a_category_column_mixing_groups_and_attributes_is_refused(tmp_path):
    """Never 预期性 unseen: the rows saying 约束性 in a column of groups are named."""
    rows = [["类别", "指标名称", "单位", "2020年基数", "2025年目标"],
            ["市场主体发展", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕"],
            ["约束性", "千人食品检验量", "批次/千人", "5", "6"]]
    path = _csv(tmp_path / "plan.csv", rows)
    msg = _refusal(path)
    assert f"{path}, row 3, column '类别': '约束性': a group as the column's other rows give ('市场主体发展')" in msg
    assert "its own 属性 column" in msg


def test_a_kind_column_with_an_attribute_word_says_where_the_attribute_goes(tmp_path):
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", "类型"],
            ["期末市场主体总量", "万户", "1.89", "3.12", "累计"],
            ["千人食品检验量", "批次/千人", "5", "6", "约束性"]]
    path = _csv(tmp_path / "plan.csv", rows)
    msg = _refusal(path)
    assert f"{path}, row 3, column '类型': '约束性': one of level, cumulative, increment (累计, 新增)" in msg
    assert "its own 属性 column" in msg


@pytest.mark.parametrize("header", ["属性类别", "约束性/预期性", "属性（约束性/预期性）"])
def test_a_column_headed_as_the_attribute_but_unreadable_is_refused(tmp_path, header):
    """(Headers that are the attribute's; a prose 指标属性说明 is not: FP7 6, in the section at the end.)"""
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", header],
            ["期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "市场主体"],
            ["千人食品检验量", "批次/千人", "5", "6", "食品安全底线"]]
    path = _csv(tmp_path / "plan.csv", rows)
    msg = _refusal(path)
    assert f"{path}, row 2, column '{header}': '市场主体': 约束性 / 预期性, as the header '{header}' says" in msg
    assert f"row 3, column '{header}'" in msg


def test_two_attribute_columns_that_disagree_are_refused(tmp_path):
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", "约束性/预期性", "备注"],
            ["千人食品检验量", "批次/千人", "5", "6", "约束性", "预期性"]]
    msg = _refusal(_csv(tmp_path / "plan.csv", rows))
    assert "one column of 约束性 / 预期性, not 2 that disagree ('约束性/预期性', '备注')" in msg


# ---------------------------------------------------------------- 5: 指标名称（单位）

@pytest.mark.parametrize("header", ["指标名称（单位）", "指标（单位）", "指标名称(单位)"])
def test_a_name_header_saying_unit_takes_each_unit_from_its_name(tmp_path, header):
    rows = [[TITLE], ["序号", header, "2020年基数", "2025年目标", "属性"],
            [1, "千人食品检验量（批次/千人）", "5", "6", "约束性"],
            [2, "期末市场主体总量（万户）", "〔1.89〕", "〔3.12〕", "预期性"],
            [3, "地方标准", "〔0〕", "〔2〕", "预期性"]]  # no unit written: none, as before
    plan = _plan(_xlsx(tmp_path / "plan.xlsx", rows))
    assert plan["name"].tolist() == ["千人食品检验量", "期末市场主体总量", "地方标准"]
    assert plan["unit"].tolist() == ["批次/千人", "万户", ""]
    assert plan["target"].tolist() == [6.0, 3.12, 2.0]


def test_a_history_headed_name_and_unit_matches_its_plan(tmp_path):
    """The history's 指标名称（单位） read as the names, units from them: the plan's rows get their data."""
    plan = _plan(_csv(tmp_path / "plan.csv", [["指标名称（单位）", "2020年基数", "2025年目标", "属性"],
                                              ["千人食品检验量（批次/千人）", "5", "6", "约束性"],
                                              ["期末市场主体总量（万户）", "〔1.89〕", "〔3.12〕", "预期性"]]))
    # SYNTHETIC yearly values
    path = _csv(tmp_path / "history.csv", [["指标名称（单位）", "2020年", "2021年", "2022年", "2023年"],
                                           ["千人食品检验量（批次/千人）", "5", "5.2", "5.5", "5.7"],
                                           ["期末市场主体总量（万户）", "1.89", "2.15", "2.40", "2.62"]])
    hist = mt.read_history(path, region="鼎湖区")
    assert sorted(set(zip(hist["indicator"], hist["unit"]))) == [("千人食品检验量", "批次/千人"),
                                                                 ("期末市场主体总量", "万户")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(hist, plan, as_of=2023)
    assert res["last_year"].tolist() == [2023, 2023]


# ---------------------------------------------------------------- 9: worded targets

@pytest.mark.parametrize("cell, target, direction, kind, strict", [
    ("增加1.2万户", 1.2, ">=", "increment", False),
    ("新增1.2万户", 1.2, ">=", "increment", False),
    ("突破3万户", 3.0, ">=", "level", True),
    ("力争突破3万户", 3.0, ">=", "level", True),
    ("增加到3万户", 3.0, ">=", "level", False),
])
def test_targets_worded_as_additions_or_breakthroughs_are_read(cell, target, direction, kind, strict):
    frame = pd.DataFrame({"指标名称": ["期末市场主体总量"], "单位": ["万户"], "2020年基数": ["1.89"],
                          "2025年目标": [cell]})
    plan = _plan(frame)
    assert plan[["target", "direction", "kind"]].iloc[0].tolist() == [target, direction, kind]
    said_strict = bool(plan["strict"].iloc[0]) if "strict" in plan.columns else False
    assert said_strict is strict  # 突破3: 3 itself does not break through, as 超过 / 高于 read
    assert plan["target_written"].iloc[0] == cell


@pytest.mark.parametrize("cell, words", [("增长1.2万户", "增长"), ("扩大到3万户", "扩大到")])
def test_words_not_read_are_named_with_how_to_write_the_target(cell, words):
    frame = pd.DataFrame({"指标名称": ["期末市场主体总量"], "单位": ["万户"], "2020年基数": ["1.89"],
                          "2025年目标": [cell]})
    msg = _refusal(frame)
    assert f"row 0, column '2025年目标': '{cell}': the words '{words}' before the figure are not read: write ≥x " \
           "for a floor" in msg
    assert "〈x〉 for additions" in msg
    assert "Chinese numerals" not in msg


def test_a_target_in_chinese_numerals_still_gets_the_numerals_hint():
    frame = pd.DataFrame({"指标名称": ["期末市场主体总量"], "单位": ["万户"], "2020年基数": ["1.89"],
                          "2025年目标": ["三万户"]})
    assert "digits, not Chinese numerals (九十九 -> 99)" in _refusal(frame)


# ---------------------------------------------------------------- 11: a plain 0 in a row of incidents

def test_a_plain_zero_target_after_zero_incidents_is_none_at_all(tmp_path):
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", "属性"],
            ["较大以上特种设备事故", "起", "0", "0", "约束性"],
            ["重大食品安全事件", "", "0", "0起", "约束性"]]
    plan = _plan(_csv(tmp_path / "plan.csv", rows))
    assert plan[["target", "direction"]].values.tolist() == [[0.0, "<="], [0.0, "<="]]


def test_a_plain_zero_target_after_zero_in_a_count_of_things_still_asks_the_direction(tmp_path):
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", "属性"], ["地方标准", "项", "0", "0", "预期性"]]
    path = _csv(tmp_path / "plan.csv", rows)
    assert f"{path}, row 2, column '2025年目标': '0': a direction: the target equals the baseline" in _refusal(path)


# ---------------------------------------------------------------- FP7 1 / 6 (2026-12-06): 增加X in a rate's row; headers
# only like the attribute's. Every table SYNTHETIC, built here (Dinghu's indicator names).

def _assessed(plan, name, values, years=(2020, 2021, 2022, 2023)):
    """The assessment of one row against SYNTHETIC yearly values."""
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": name, "year": list(years), "value": values})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(hist, plan, as_of=2023).set_index("name").loc[name]


def test_an_addition_to_a_rate_is_read_as_percentage_points_from_the_baseline(tmp_path):
    """农产品质量安全监测合格率 % 60 -> 增加10 was summed as additions 〈10〉: 61 + 61.5 + 62 = 184.5, 1845 %, 提前实现
    (a rate added up over years). It means 70 %, as 提高10个百分点 does: 62 in 2023 is 20 % of the way."""
    rows = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"],
            [1, "农产品质量安全监测合格率", "%", "60", "增加10", "约束性"],
            [2, "市场主体总量", "万户", "1.89", "增加到2.5", "预期性"]]
    plan = _plan(_csv(tmp_path / "plan.csv", rows))
    row = plan.set_index("name").loc["农产品质量安全监测合格率"]
    assert (row["target"], row["direction"], row["kind"]) == (70.0, ">=", "level")
    assert row["target_written"] == "增加10个百分点"  # as the report then says it: a change in points
    res = _assessed(plan, "农产品质量安全监测合格率", [60.0, 61.0, 61.5, 62.0])
    assert res["target"] == 70.0 and res["remaining"] == pytest.approx(8.0)
    assert res["progress_share"] == pytest.approx(0.2)
    assert res["category_zh"] == "滞后"


def test_an_addition_to_a_high_rate_no_longer_gets_the_ratio_message(tmp_path):
    """食品安全抽检覆盖率 % 95 -> 增加2 was 〈2〉 and refused as '规划像比例(0-1)' against a history of 95.4 ...;
    it is ≥97, and counts in 万户 stay additions."""
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", "属性"],
            ["食品安全抽检覆盖率", "%", "95", "增加2", "约束性"],
            ["市场主体总量", "万户", "1.89", "增加1.2", "预期性"],
            ["农产品质量安全监测合格率", "", "60%", "增加10以上", "约束性"]]  # no unit, a baseline in %
    plan = _plan(_csv(tmp_path / "plan.csv", rows))
    assert plan[["target", "kind"]].values.tolist() == [[97.0, "level"], [1.2, "increment"], [70.0, "level"]]
    res = _assessed(plan, "食品安全抽检覆盖率", [95.0, 95.4, 95.6, 95.8])
    assert res["target"] == 97.0 and res["last_value"] == 95.8


@pytest.mark.parametrize("name, baseline, written, said", [
    ("农产品质量安全监测合格率", "", "增加10", "else write the level to reach (≥x) or 提高10个百分点"),
    ("农产品质量安全监测合格率", "〈5〉", "增加10", "else write the level to reach (≥x) or 提高10个百分点"),
    ("市场主体增长率", "5", "增加2", "else write ≥7 or 提高2个百分点"),  # a rate of change: 7 %, or +2 points?
])
def test_an_addition_to_a_rate_that_cannot_be_read_as_points_is_refused(tmp_path, name, baseline, written, said):
    """Never the addition 〈10〉 a rate cannot be: without a readable level baseline, or in a row that is itself a
    rate of change, the cell is refused naming it and saying what to write."""
    path = _csv(tmp_path / "plan.csv", [["指标名称", "单位", "2020年基数", "2025年目标", "属性"],
                                        [name, "%", baseline, written, "约束性"]])
    msg = _refusal(path)
    assert f"{path}, row 2, column '2025年目标': '{written}': a rate's target: a rate (%) is not added up over the " \
           "years" in msg
    assert said in msg


@pytest.mark.parametrize("written, target", [
    ("增加百分之二十", 4.8), ("增加一倍", 8.0), ("增长百分之二点五", 4.1), ("增加两倍", 12.0), ("下降百分之十", 3.6),
])
def test_a_change_in_chinese_numerals_is_read_as_in_digits(written, target):
    """增加百分之二十 / 增加一倍 were read as 'not below the baseline' (target 4, the baseline itself): they are
    4 x 1.2 and 4 x 2, as 增加20% / 增加1倍."""
    frame = pd.DataFrame({"指标名称": ["千人食品检验量"], "单位": ["批次/千人"], "2020年基数": ["4"],
                          "2025年目标": [written]})
    plan = _plan(frame)
    assert plan["target"].iloc[0] == pytest.approx(target)
    assert plan["direction"].iloc[0] == ("<=" if written.startswith("下降") else ">=")


def test_points_in_chinese_numerals_and_a_change_not_read_is_refused():
    frame = pd.DataFrame({"指标名称": ["药品抽检合格率", "千人食品检验量"], "单位": ["%", "批次/千人"],
                          "2020年基数": ["60", "4"], "2025年目标": ["提高两个百分点", "增加百分之二十左右"]})
    msg = _refusal(frame)  # 左右 is not read: refused, not 'not below 4'
    assert "row 1, column '2025年目标': '增加百分之二十左右': 约 / 左右 are not read" in msg  # the DataFrame's index label
    frame = frame.iloc[:1]
    assert _plan(frame)["target"].tolist() == [62.0]


@pytest.mark.parametrize("header, cells", [
    ("数据性质", ["统计数", "快报数"]),
    ("考核属性", ["市考核", "省考核"]),
    ("约束性指标说明", ["", "纳入市对区考核"]),
    ("指标属性说明", ["市场主体", "食品安全底线"]),
])
def test_a_column_whose_header_only_mentions_the_attribute_is_left_unread(tmp_path, header, cells):
    """数据性质 (统计数 / 快报数), 考核属性 (市考核 / 省考核) and a prose 约束性指标说明 were read before 2cfbfc7 and
    then refused as 'not 约束性 / 预期性': they are no attribute column; the table reads, the column kept."""
    rows = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", header],
            [1, "市场主体总量", "万户", "1.89", "2.5", cells[0]],
            [2, "产品质量监督抽查合格率", "%", "95", "≥96", cells[1]]]
    plan = _plan(_csv(tmp_path / "plan.csv", rows))
    assert plan["target"].tolist() == [2.5, 96.0]
    assert plan["attribute"].tolist() == ["expected", "expected"]
    assert plan[header].fillna("").tolist() == cells


def test_such_a_column_with_attribute_words_in_some_rows_is_refused_at_the_others(tmp_path):
    """考核属性 saying 约束性 in one row and 市考核 in another: the 约束性 is meant, the rest not guessed."""
    rows = [["指标名称", "单位", "2020年基数", "2025年目标", "考核属性"],
            ["千人食品检验量", "批次/千人", "5", "6", "约束性"],
            ["药品抽检合格率", "%", "98", "≥99", "市考核"]]
    path = _csv(tmp_path / "plan.csv", rows)
    msg = _refusal(path)
    assert f"{path}, row 3, column '考核属性': '市考核': 约束性 / 预期性, as row 2 of column '考核属性' says ('约束性')" in msg
    assert "row 2, column" not in msg



@pytest.mark.parametrize("write", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_attribute_sections_over_group_sections_give_both(tmp_path, write):
    """一、约束性指标 over （一）食品安全 / （二）药品安全, then 二、预期性指标 over （一）市场主体: the outer sections are the
    attribute, the inner ones the group -- the two binding targets were read as 预期性 without a word."""
    # SYNTHETIC plan figures
    rows = [["序号", "指标名称", "单位", "2020年基数", "2025年目标"],
            ["一、约束性指标"], ["（一）食品安全"], ["1", "食品抽检合格率", "%", "97", "≥98"],
            ["（二）药品安全"], ["2", "药品抽检合格率", "%", "98", "≥99"],
            ["二、预期性指标"], ["3", "市场主体总量", "万户", "1.89", "2.5"], ["（一）知识产权"],
            ["4", "每万人口高价值发明专利拥有量", "件", "2.1", "3.5"]]
    plan = _plan(write(tmp_path / f"plan.{write.__name__[1:]}", rows))
    assert plan["attribute"].tolist() == ["binding", "binding", "expected", "expected"]
    assert plan["group"].tolist() == ["（一）食品安全", "（二）药品安全", "", "（一）知识产权"]
