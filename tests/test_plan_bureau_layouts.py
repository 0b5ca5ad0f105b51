"""read_plan / read_history on plan layouts district bureaus publish, found by a tester reading them as a
市场监管局 would (issue: bureau layouts, round 34): a 指标方向 column, the 鼎湖 table's 主要指标 header over the
category and the name, 一级 / 二级指标 columns, a “十五五” table showing earlier years, a two-tier target in two
columns, a 〈〉 row's yearly additions, the national outline's 〔〕内为五年累计数 and a 快报 beside a 年报 column.

Every table here is SYNTHETIC, written by the code below in the layouts of the real plans (the 鼎湖 figures
come from ``tests/bureau_files.PLAN_ROWS``, i.e. the seed plan's table)."""
from __future__ import annotations

import csv
import itertools
import warnings

import numpy as np
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError, MstargetWarning, UnreadColumnWarning

from bureau_files import PLAN_ROWS, TITLE, write_rows_xlsx


_xlsx = write_rows_xlsx


def _read(path, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = mt.read_plan(path, region="鼎湖区", **kw)
    return plan, [str(w.message) for w in caught]


# --- 1. a 指标方向 column: 正向 / 逆向 ------------------------------------------------------------------

SAFETY = [("特种设备万台死亡率", "人/万台", "0.08", "0.1", "逆向"),  # a cap looser than the baseline
          ("食品抽检不合格率", "%", "1.5", "2", "逆向"),
          ("“明厨亮灶”覆盖率", "%", "81", "90", "正向")]


@pytest.mark.parametrize("header", ["指标方向", "方向", "指标属性方向", "指标极性"])
def test_a_direction_column_of_positive_and_negative_indicators(tmp_path, header):
    """逆向 (the lower the better) is a cap, 正向 a floor: 特种设备万台死亡率 0.08 -> 0.1 逆向 is ≤ 0.1 (it was
    read as ≥ 0.1, so a met safety target came out 滞后; under 方向 the column was refused)."""
    path = _xlsx(tmp_path / "plan.xlsx", [["指标名称", "单位", "2020年基期值", "2025年目标值", header, "属性"],
                                          *[(*row, "约束性") for row in SAFETY]])
    plan, _ = _read(path)
    assert list(plan["direction"]) == ["<=", "<=", ">="]
    assert plan["target"].tolist() == [0.1, 2.0, 90.0]


def test_a_direction_column_contradicting_the_cell_is_refused_naming_both(tmp_path):
    path = _xlsx(tmp_path / "plan.xlsx", [["指标名称", "单位", "2020年基期值", "2025年目标值", "指标方向", "属性"],
                                          ["特种设备万台死亡率", "人/万台", "0.08", "≥0.1", "逆向", "约束性"]])
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    text = str(err.value)
    assert "row 2, column '指标方向': '逆向'" in text
    assert "'≥0.1' (column '2025年目标值')" in text and "disagree" in text


# --- 2. the 鼎湖 table: 主要指标 merged over the category and the name ------------------------------------

def _dinghu_rows():
    return [(k, group, name, unit, base, target, attr)
            for k, (group, name, unit, base, target, attr) in enumerate(PLAN_ROWS, 1)]


def _span_xlsx(path):
    rows = [[TITLE + "表"], ["序号", "主要指标", None, "单位", "基期值", "规划值", "属性"],
            [None, None, None, None, "2020年", "2025年", None], *_dinghu_rows(),
            ["备注：1.〔〕内为累计数，〈〉内为规划期间新增数。"]]
    return _xlsx(path, rows, ["B2:C3", "A2:A3", "D2:D3", "G2:G3"])


def _span_docx(path):
    import docx
    rows = _dinghu_rows()
    doc = docx.Document()
    doc.add_paragraph(TITLE + "表")
    table = doc.add_table(rows=2 + len(rows), cols=7)
    for c, text in enumerate(["序号", "主要指标", "", "单位", "基期值", "规划值", "属性"]):
        table.cell(0, c).text = text
    table.cell(1, 4).text, table.cell(1, 5).text = "2020年", "2025年"
    for c in (0, 3, 6):
        table.cell(0, c).merge(table.cell(1, c))
    table.cell(0, 1).merge(table.cell(1, 2)).text = "主要指标"  # across the category and the name, both rows
    for r, row in enumerate(rows, 2):
        for c, text in enumerate(row):
            table.cell(r, c).text = str(text)
    r = 2
    for group, members in itertools.groupby(rows, key=lambda row: row[1]):
        n = len(list(members))
        if n > 1:
            table.cell(r, 1).merge(table.cell(r + n - 1, 1)).text = group
        r += n
    doc.add_paragraph("备注：1.〔〕内为累计数，〈〉内为规划期间新增数。")
    doc.save(path)
    return path


def _span_html(path):
    rows = _dinghu_rows()
    html = ["<html><body><table border=1>",
            "<tr><td rowspan=2>序号</td><td rowspan=2 colspan=2>主要指标</td><td rowspan=2>单位</td>"
            "<td>基期值</td><td>规划值</td><td rowspan=2>属性</td></tr><tr><td>2020年</td><td>2025年</td></tr>"]
    for group, members in itertools.groupby(rows, key=lambda row: row[1]):
        members = list(members)
        for k, row in enumerate(members):
            first = f"<td rowspan={len(members)}>{group}</td>" if k == 0 else ""
            html.append(f"<tr><td>{row[0]}</td>{first}" + "".join(f"<td>{x}</td>" for x in row[2:]) + "</tr>")
    html.append("</table></body></html>")
    path.write_text("\n".join(html), encoding="utf-8")
    return path


def _span_csv(path):
    """The table saved as CSV: the merged 主要指标 in its first column, the category blank below its first row."""
    rows = [["序号", "主要指标", "", "单位", "基期值", "规划值", "属性"], ["", "", "", "", "2020年", "2025年", ""]]
    seen = set()
    for k, group, *rest in _dinghu_rows():
        rows.append([k, "" if group in seen else group, *rest])
        seen.add(group)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.mark.parametrize("write", [_span_xlsx, _span_docx, _span_html, _span_csv], ids=["xlsx", "docx", "html", "csv"])
def test_the_published_dinghu_layout_reads_category_and_name(tmp_path, write):
    """主要指标 spans two columns (category | name) in the seed plan's table; it was refused as two columns
    under one header."""
    suffix = {"_span_xlsx": ".xlsx", "_span_docx": ".docx", "_span_html": ".html", "_span_csv": ".csv"}[write.__name__]
    plan, _ = _read(write(tmp_path / f"plan{suffix}"))
    assert plan["name"].tolist() == [row[1].replace("（%）", "") for row in PLAN_ROWS]
    assert plan["group"].tolist() == [row[0] for row in PLAN_ROWS]
    assert plan["target"].tolist()[:4] == [3.12, 25.64, 3.0, 5.0]
    assert plan["kind"].tolist()[:4] == ["cumulative", "cumulative", "cumulative", "increment"]
    assert (plan["baseline_year"] == 2020).all() and (plan["target_year"] == 2025).all()


def test_two_lists_of_names_under_one_header_are_still_refused(tmp_path):
    """Not a category beside the names (no category repeats): which list is meant is not guessed."""
    path = _xlsx(tmp_path / "plan.xlsx", [["指标名称", "指标名称", "单位", "2020年", "2025年"],
                                          ["期末市场主体总量", "经营主体总量", "万户", "1.89", "3.12"],
                                          ["“明厨亮灶”覆盖率", "明厨亮灶覆盖率", "%", "81", "90"]])
    with pytest.raises(DataValidationError, match="两列表头都是 '指标名称' 且内容不同"):
        mt.read_plan(path, region="鼎湖区")


# --- 3. 一级指标 / 二级指标 (/ 三级指标) -------------------------------------------------------------------

LEVEL_ROWS = [("经营主体发展", "经营主体总量", "万户", "〔2.96〕", "〔4.0〕", "预期性"),
              ("经营主体发展", "每千人拥有企业数", "户/千人", "24.1", "≥30", "预期性"),
              ("安全监管", "食品抽检合格率", "%", "98.2", "≥98.5", "约束性")]


def test_second_level_indicators_are_the_names_first_level_the_groups(tmp_path):
    path = _xlsx(tmp_path / "plan.xlsx", [["一级指标", "二级指标", "单位", "2025年", "2030年", "属性"], *LEVEL_ROWS],
                 ["A2:A3"])
    plan, _ = _read(path)
    assert plan["name"].tolist() == ["经营主体总量", "每千人拥有企业数", "食品抽检合格率"]
    assert plan["group"].tolist() == ["经营主体发展", "经营主体发展", "安全监管"]
    assert plan["target"].tolist() == [4.0, 30.0, 98.5]


def test_three_levels_the_third_is_the_name(tmp_path):
    path = _xlsx(tmp_path / "plan.xlsx", [
        ["一级指标", "二级指标", "三级指标", "单位", "2025年基期值", "2030年目标值", "属性"],
        ["经营主体", "总量", "经营主体总量", "万户", "〔2.96〕", "〔4.0〕", "预期性"],
        ["经营主体", "结构", "每千人拥有企业数", "户/千人", "24.1", "≥30", "预期性"]])
    plan, _ = _read(path)
    assert plan["name"].tolist() == ["经营主体总量", "每千人拥有企业数"]
    assert plan["group"].tolist() == ["经营主体 / 总量", "经营主体 / 结构"]


# --- 4. the plan period's base year in a table showing earlier years -----------------------------------

def test_a_15th_plan_table_with_earlier_years_is_based_on_2025(tmp_path):
    """十五五 (2026-2030) starts from 2025: 2020年 is an earlier observation, not the baseline (it was the
    baseline, and 2025 an observation)."""
    path = _xlsx(tmp_path / "plan.xlsx", [["鼎湖区市场监管“十五五”规划主要指标"],
                                          ["指标名称", "单位", "2020年", "2025年", "2030年目标", "属性"],
                                          ["经营主体总量", "万户", "〔1.89〕", "〔2.96〕", "〔4.0〕", "预期性"],
                                          ["食品抽检合格率", "%", "97.5", "98.2", "≥98.5", "约束性"],
                                          ["知识产权质押融资金额", "亿元", "〈3〉", "〈0〉", "〈8〉", "预期性"]])
    plan, said = _read(path)
    assert (plan["baseline_year"] == 2025).all()
    assert plan["baseline"].tolist() == [2.96, 98.2, 0.0]
    assert plan["observed_2020"].tolist()[:2] == [1.89, 97.5]  # kept as observations of the level and stock
    assert np.isnan(plan["observed_2020"].iat[2])  # 〈3〉: the 十四五 period's additions, not this one's
    assert any("2020年" in m and "早于基期 2025 年" in m for m in said)


def test_a_draft_with_the_base_year_estimated_is_based_on_it(tmp_path):
    """A draft written before 2025 closes: 2025年预计值 is the baseline, 2024年现状值 an earlier value."""
    path = _xlsx(tmp_path / "plan.xlsx", [["指标名称", "单位", "2024年现状值", "2025年预计值", "2030年目标值", "属性"],
                                          ["经营主体总量", "万户", "2.78", "2.96", "4.0", "预期性"],
                                          ["特种设备万台死亡率", "人/万台", "0.05", "0.04", "≤0.1", "约束性"]])
    plan, _ = _read(path)
    assert (plan["baseline_year"] == 2025).all()
    assert plan["baseline"].tolist() == [2.96, 0.04]
    assert plan["observed_2024"].tolist() == [2.78, 0.05]


# --- 5. a two-tier target in two columns --------------------------------------------------------------

def test_a_two_tier_target_under_one_year_reads_as_in_one_cell(tmp_path):
    merged = _xlsx(tmp_path / "merged.xlsx", [
        ["指标名称", "单位", "2020年基期值", "2025年目标值", None, "属性"],
        [None, None, None, "预期目标", "力争目标", None],
        ["期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "〔3.5〕", "预期性"],
        ["“明厨亮灶”覆盖率", "%", "81", "≥90", "95", "约束性"]], ["D1:E1", "A1:A2", "B1:B2", "C1:C2", "F1:F2"])
    side = _xlsx(tmp_path / "side.xlsx", [["指标名称", "单位", "2020年", "2025年基本目标", "2025年奋斗目标", "属性"],
                                          ["期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "〔3.5〕", "预期性"],
                                          ["“明厨亮灶”覆盖率", "%", "81", "≥90", "95", "约束性"]])
    one_cell = _xlsx(tmp_path / "cell.xlsx", [["指标名称", "单位", "2020年", "2025年", "属性"],
                                              ["期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕（力争〔3.5〕）", "预期性"],
                                              ["“明厨亮灶”覆盖率", "%", "81", "≥90（力争95）", "约束性"]])
    expected, _ = _read(one_cell)
    cols = ["name", "target", "target_striven", "direction", "kind", "target_year"]
    for path in (merged, side):
        plan, _ = _read(path)
        assert plan[cols].equals(expected[cols]), path.name


def test_a_striven_for_figure_short_of_the_target_is_refused(tmp_path):
    path = _xlsx(tmp_path / "plan.xlsx", [["指标名称", "单位", "2020年", "2025年基本目标", "2025年奋斗目标", "属性"],
                                          ["“明厨亮灶”覆盖率", "%", "81", "≥90", "85", "约束性"]])
    with pytest.raises(DataValidationError, match=r"row 2, column '2025年奋斗目标': '85': a striven-for figure "
                                                   r"above the target '≥90'"):
        mt.read_plan(path, region="鼎湖区")


# --- 6. a 〈〉 row's yearly figures said to be additions of the year ------------------------------------

MIDTERM = ["序号", "指标名称", "单位", "2020年基数", "2021年完成值", "2022年完成值", "2023年完成值", "2025年目标", "属性"]


@pytest.mark.parametrize("extra, cell", [("口径", "当年新增"), ("备注", "当年新增"), ("统计口径", "当年值")])
def test_a_rows_yearly_additions_are_kept_as_its_measure(tmp_path, extra, cell):
    path = _xlsx(tmp_path / "plan.xlsx", [[*MIDTERM, extra],
                                          [1, "知识产权质押登记融资金额", "亿元", "〈0〉", "0.6", "0.9", "1.2", "〈5〉",
                                           "预期性", cell],
                                          [2, "“明厨亮灶”覆盖率", "%", "81", "84", "86", "88", "≥90", "约束性", None]])
    plan, _ = _read(path)
    assert plan["measure"].tolist() == ["flow", ""]


def test_the_measure_said_after_the_name_and_running_totals(tmp_path):
    path = _xlsx(tmp_path / "plan.xlsx", [MIDTERM,
                                          [1, "知识产权质押登记融资金额（当年新增）", "亿元", "〈0〉", "0.6", "0.9", "1.2",
                                           "〈5〉", "预期性"],
                                          [2, "企业标准（累计）", "项", "〈0〉", "10", "25", "41", "〈80〉", "预期性"]])
    plan, _ = _read(path)
    assert plan["measure"].tolist() == ["flow", "running_total"]


def test_a_remark_contradicting_the_measure_column_is_refused(tmp_path):
    path = _xlsx(tmp_path / "plan.xlsx", [[*MIDTERM, "口径", "备注"],
                                          [1, "知识产权质押登记融资金额", "亿元", "〈0〉", "0.6", "1.5", "2.7", "〈5〉",
                                           "预期性", "当年新增", "累计数"]])
    with pytest.raises(DataValidationError, match=r"row 2, column '口径': '当年新增'.*remark '累计数'"):
        mt.read_plan(path, region="鼎湖区")


# --- 7. 〔〕内为五年累计数 (the national outline's note) ------------------------------------------------

def test_brackets_noted_as_five_year_sums_are_additions_over_the_period(tmp_path):
    path = _xlsx(tmp_path / "plan.xlsx", [["指标名称", "单位", "2020年", "2025年", "属性"],
                                          ["新制定地方标准", "项", "—", "〔10〕", "预期性"],
                                          ["新增注册商标", "件", "—", "≥〔500〕", "预期性"],
                                          ["食品安全抽检量", "批次/千人", "5", "6", "约束性"],
                                          ["注：〔〕内为五年累计数。"]])
    plan, said = _read(path)
    assert plan["kind"].tolist() == ["increment", "increment", "level"]
    assert plan["direction"].tolist() == [">=", ">=", ">="]
    assert any("〔〕 read as 〈〉" in m and "五年累计数" in m for m in said)


# --- 8. a year's 快报 figure beside its final one (history) ---------------------------------------------

@pytest.mark.parametrize("preliminary, final", [("2023年（快报）", "2023年（年报）"), ("2023年快报数", "2023年修订数"),
                                                ("2023年（初步核算）", "2023年（最终核实）"), ("2023年（快报）", "2023年")])
def test_the_final_figure_supersedes_the_preliminary_one(tmp_path, preliminary, final):
    path = _xlsx(tmp_path / "history.xlsx", [["指标名称", "单位", "2021年", "2022年", preliminary, final],
                                             ["期末市场主体总量", "万户", 2.05, 2.31, 2.55, 2.58],
                                             ["“明厨亮灶”覆盖率", "%", 84, 86, 88, 87.5]])
    with pytest.warns(UnreadColumnWarning, match=rf"'{preliminary}' \(a preliminary figure, superseded"):
        hist = mt.read_history(path, region="鼎湖区")
    got = hist.set_index(["name", "year"])["value"]
    assert got[("期末市场主体总量", 2023)] == 2.58 and got[("“明厨亮灶”覆盖率", 2023)] == 87.5
    assert preliminary not in hist.columns and len(hist) == 6


def test_a_preliminary_figure_alone_is_still_that_years(tmp_path):
    path = _xlsx(tmp_path / "history.xlsx", [["指标名称", "单位", "2022年", "2023年（快报）"],
                                             ["期末市场主体总量", "万户", 2.31, 2.55]])
    # read as 2023's, and warned as a cell marked 快报 is (session 36: it was read silently), the mark kept
    with pytest.warns(MstargetWarning, match="2023年（快报）"):
        hist = mt.read_history(path, region="鼎湖区")
    assert hist["year"].tolist() == [2022, 2023] and hist["value"].tolist() == [2.31, 2.55]
    assert hist["preliminary"].tolist() == [False, True]
