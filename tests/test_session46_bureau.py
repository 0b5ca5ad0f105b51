"""Session 46: a statistics office's journey with files as bureaus keep them, in layouts the other
bureau tests do not build.

Plan rows are the Dinghu district's real "十四五" main indicators (data/dinghu_14th_fyp_plan.csv);
every yearly history value is SYNTHETIC, generated here (plausible mid-term figures, not published).
Each test writes its file in ``tmp_path`` the way a district office lays it out and checks what the
analyst sees: the figures read, every plan row matched, or the message naming file, row, column and fix.
"""
from __future__ import annotations

import warnings

import pytest
from bureau_files import write_rows_xlsx

import mstarget as mt
from mstarget.exceptions import DataValidationError

# (name, unit, 2020 baseline, 2025 target, attribute): rows of the real Dinghu table
PLAN = [
    ("期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"),
    ("知识产权质押登记融资金额", "亿元", "〈0〉", "〈5〉", "预期性"),
    ("千人食品检验量", "批次/千人", "5", "6", "约束性"),
    ("医疗器械抽检批次数", "批次/年", "8", "≥9", "预期性"),
    ("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"),
    ("药品抽检合格率", "%", "98", "≥99", "预期性"),
]
YEARS = [2020, 2021, 2022, 2023]
# SYNTHETIC yearly figures (name as a statistics office writes it, unit, 2020..2023); the last series is no
# plan indicator and must be named as unmatched, never dropped silently
HISTORY = [
    ("期末市场主体总量", "万户", [1.89, 2.15, 2.42, 2.70]),
    ("知识产权质押登记融资金额", "亿元", [None, 1.2, 1.3, 0.6]),
    ("千人食品检验量", "批次/千人", [5, 5.3, 5.5, 5.8]),
    ("医疗器械抽检批次数", "批次/年", [8, 8, 9, 9]),
    ("明厨亮灶覆盖率", "%", [81, 84, 86, 88]),
    ("药品抽检合格率", "%", [98, 98.6, 99.1, 99.2]),
    ("食品安全抽检合格率", "%", [97.8, 98.1, 98.3, 98.4]),
]
EXTRA = "食品安全抽检合格率"


_xlsx = write_rows_xlsx


def _history_rows(year_headers=None):
    """The SYNTHETIC wide history keyed by 指标名称, one column per year."""
    rows = [["指标名称", "单位", *(year_headers or [f"{y}年" for y in YEARS])]]
    rows += [[name, unit, *values] for name, unit, values in HISTORY]
    return rows


def _assess(history, plan):
    """The whole journey as the API runs it; the UnmatchedWarning's history series returned too."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = mt.assess(history, plan, as_of=2023, region="鼎湖区", seed=0, n_paths=200)
    unmatched = [w.message for w in caught if isinstance(w.message, mt.UnmatchedWarning)]
    return table, unmatched


def _check_journey(table, unmatched):
    assert len(table) == len(PLAN)
    assert (table["last_year"] == 2023).all()  # every plan row matched its history series
    assert {"time_share", "progress_share", "category", "category_zh"} <= set(table.columns)
    assert table["time_share"].round(6).eq(0.6).all()
    drugs = table.set_index("name").loc["药品抽检合格率"]
    assert drugs["last_value"] == pytest.approx(99.2) and drugs["progress_share"] == pytest.approx(1.2)
    assert [w.history_series["indicator"].tolist() for w in unmatched] == [[EXTRA]]


@pytest.mark.parametrize("years", [["（2020年）", "（2025年）"], ["(2020年)", "(2025年)"], ["2020年", "2025年"]])
def test_two_row_header_with_years_in_parentheses_under_the_roles(tmp_path, years):
    """基期值 | 目标值 over （2020年） | （2025年）, the other header cells merged down: was refused as
    'missing column(s) target_year'; the year in parentheses now completes the role above it."""
    rows = [["指标名称", "单位", "基期值", "目标值", "属性"], [None, None, *years, None]] + [list(r) for r in PLAN]
    plan_path = _xlsx(tmp_path / "规划指标.xlsx", rows, merges=["A1:A2", "B1:B2", "E1:E2"])
    plan = mt.read_plan(plan_path, region="鼎湖区")
    assert plan["baseline_year"].eq(2020).all() and plan["target_year"].eq(2025).all()
    first = plan.set_index("name").loc["期末市场主体总量"]
    assert (first["baseline"], first["target"], first["kind"]) == (1.89, 3.12, "cumulative")
    history = _xlsx(tmp_path / "历史数据.xlsx", _history_rows())
    _check_journey(*_assess(history, plan_path))


def test_plan_whose_headers_name_no_year_is_refused_with_the_fix(tmp_path):
    """基期值 | 目标值 with no year anywhere: which year is the target? Refused naming the file, the target
    column as written and the three ways to say it -- no bare 'missing column(s) target_year'."""
    rows = [["指标名称", "单位", "基期值", "目标值", "属性"]] + [list(r) for r in PLAN]
    path = _xlsx(tmp_path / "规划指标.xlsx", rows)
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    text = str(err.value)
    assert "规划指标.xlsx" in text and "'目标值' names no year" in text
    assert "2025年目标" in text and "目标年份" in text and "“十四五”" in text
    # the advice holds: a title naming the plan period gives the years
    titled = _xlsx(tmp_path / "titled.xlsx", [["鼎湖区市场监管“十四五”规划主要指标"]] + rows)
    plan = mt.read_plan(titled, region="鼎湖区")
    assert plan["target_year"].eq(2025).all() and plan["baseline_year"].eq(2020).all()


def test_two_columns_headed_by_one_year_are_refused_naming_both(tmp_path):
    """A history with 2023年 twice (a 快报 and a 年报 column, neither labelled): was told 'row 2 already gives
    2.7 ... remove one of them', pointing at its own row; now the message says two columns name one year
    and how to keep the final figure -- and following it reads the final figure."""
    rows = _history_rows()
    rows[0].append("2023年")
    for r in rows[1:]:
        r.append(r[-1] + 0.1)  # SYNTHETIC final figures, a little above the 快报 ones
    path = _xlsx(tmp_path / "历史数据.xlsx", rows)
    with pytest.raises(DataValidationError) as err:
        mt.read_history(path, region="鼎湖区")
    first = str(err.value).splitlines()[1]
    assert "历史数据.xlsx, row 2, column '2023年'" in first
    assert "also headed '2023年', already gives 2.7" in first and "two columns name the same year" in first
    assert "2023年（快报）" in first
    rows[0][5] = "2023年（快报）"
    fixed = _xlsx(tmp_path / "fixed.xlsx", rows)
    with pytest.warns(mt.UnreadColumnWarning, match="快报"):
        history = mt.read_history(fixed, region="鼎湖区")
    market = history[history["indicator"] == "期末市场主体总量"].set_index("year")["value"]
    assert market.loc[2023] == pytest.approx(2.8)


def _merged_over_years(tmp_path):
    rows = _history_rows()
    top = ["指标名称", "单位", "历年完成情况", None, None, None]
    return _xlsx(tmp_path / "h.xlsx", [top, [None, None, *rows[0][2:]]] + rows[1:],
                 merges=["A1:A2", "B1:B2", "C1:F1"])


def _years_as_numbers_and_remarks(tmp_path):
    rows = _history_rows(YEARS)  # 2020 typed as a number in the header
    rows[0].append("备注")
    for k, r in enumerate(rows[1:]):
        r.append("区统计局" if k == 0 else None)
    return _xlsx(tmp_path / "h.xlsx", rows)


def _section_rows_and_blank_line(tmp_path):
    rows = _history_rows()
    rows.insert(1, ["一、市场主体"])
    rows.insert(4, [None] * 6)
    rows.insert(5, ["二、安全监管"])
    return _xlsx(tmp_path / "h.xlsx", rows, merges=["A2:F2", "A6:F6"])


def _years_down_the_rows(tmp_path):
    rows = [["年份"] + [f"{name}（{unit}）" for name, unit, _ in HISTORY]]
    rows += [[f"{y}年"] + [values[k] for _, _, values in HISTORY] for k, y in enumerate(YEARS)]
    return _xlsx(tmp_path / "h.xlsx", rows)


def _text_figures(tmp_path):
    rows = _history_rows([f"{y}年度完成情况" for y in YEARS])
    rows[3][2:] = ["５", "5.3", "5.5", "5.8"]  # full-width digits
    rows[6][2:] = ["98%", "98.6%", "99.1%", "99.2%"]  # a % sign in a % row
    rows[4][2:] = ["8", "/", "9", "9"]  # / for a year not counted
    return _xlsx(tmp_path / "h.xlsx", rows)


@pytest.mark.parametrize("write", [_merged_over_years, _years_as_numbers_and_remarks, _section_rows_and_blank_line,
                                   _years_down_the_rows, _text_figures])
def test_history_layouts_offices_keep_are_read_whole(tmp_path, write):
    """Histories as statistics offices keep them -- 历年完成情况 merged over the years, years typed as numbers
    with a 备注 column, section rows and a blank line inside, years down the rows, 2021年度完成情况 headers
    with full-width digits, % signs and '/' in the cells: every plan row is matched and the extra series named."""
    plan = _xlsx(tmp_path / "p.xlsx", [["指标名称", "单位", "2020年基数", "2025年目标", "属性"]] + [list(r) for r in PLAN])
    history = write(tmp_path)
    read = mt.read_history(history, region="鼎湖区")
    food = read[read["indicator"] == "千人食品检验量"].sort_values("year")["value"].tolist()
    assert food == [5, 5.3, 5.5, 5.8]
    _check_journey(*_assess(history, plan))


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A"])
def test_an_excel_formula_error_is_named_as_such(tmp_path, error):
    # SYNTHETIC: a 2022 figure computed by a formula that failed in the bureau's workbook
    rows = [["指标名称", "单位", "2020年", "2021年", "2022年", "2023年"],
            ["千人食品检验量", "批次/千人", 4.6, 5.0, error, 5.8]]
    path = _xlsx(tmp_path / "历史数据.xlsx", rows)
    with pytest.raises(DataValidationError) as err:
        mt.read_history(path, region="鼎湖区")
    said = str(err.value)
    assert error in said and "formula failed" in said and "2022年" in said, said
    plan = [["指标名称", "单位", "2020年基数", "2025年目标", "属性"], ["千人食品检验量", "批次/千人", 4.6, error, "约束性"]]
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(_xlsx(tmp_path / "规划指标.xlsx", plan), region="鼎湖区")
    assert error in str(err.value) and "formula failed" in str(err.value), str(err.value)
