"""Messy cells as bureau staff type (or paste) them into plan and history tables (session 48).

Each test builds a small plan and history the way a 市场监管局 keeps them -- the Dinghu district's
indicator names and units (data/dinghu_14th_fyp_plan.csv), ``指标名称 | 单位 | 2020年基数 | 2025年目标 | 属性``
and one column per year -- with one cell written differently, and checks what a user cares about: the
figure read, or a refusal naming the file, row, column, the cell and the fix. The figures are SYNTHETIC
(plausible mid-term values generated here, not published data).
"""
from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

import mstarget as mt
from mstarget.exceptions import DataValidationError, UnreadColumnWarning

REGION = "鼎湖区"
PLAN_HEADER = ["指标名称", "单位", "2020年基数", "2025年目标", "属性"]
# SYNTHETIC figures on the Dinghu table's indicators (药品抽检合格率 / 企业标准 are its rows; 食品抽检批次 a count)
PLAN_ROWS = [["药品抽检合格率", "%", "98", "≥99", "预期性"],
             ["企业标准", "项", "〔38〕", "〔117〕", "预期性"],
             ["食品抽检批次", "批次", "1234", "≥1500", "约束性"]]
HISTORY_HEADER = ["指标名称", "单位", "2020年", "2021年", "2022年", "2023年"]
HISTORY_ROWS = [["药品抽检合格率", "%", 98, 98.6, 99.1, 99.2],
                ["企业标准", "项", 38, 52, 69, 84],
                ["食品抽检批次", "批次", 1234, 1300, 1350, 1420]]


def _write(path, header, rows, formats=None):
    """``rows`` under ``header`` as a workbook (.xlsx, cells as given: numbers stay numbers) or a CSV
    (utf-8-sig, or GBK for a name ending .gbk.csv, as WPS saves a 中文 CSV); ``formats``: {cell: number format}."""
    path = str(path)
    if path.endswith(".xlsx"):
        wb = Workbook()
        ws = wb.active
        ws.append(header)
        for r in rows:
            ws.append(r)
        for ref, fmt in (formats or {}).items():
            ws[ref].number_format = fmt
        wb.save(path)
        return path
    lines = [",".join(str(h) for h in header)]
    lines += [",".join("" if v is None else str(v) for v in r) for r in rows]
    with open(path, "w", encoding="gbk" if path.endswith(".gbk.csv") else "utf-8-sig", newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")
    return path


def _history_with(cell, row=0, col=4):
    rows = [list(r) for r in HISTORY_ROWS]
    rows[row][col] = cell
    return rows


def _plan_with(cell, row=0, col=3):
    rows = [list(r) for r in PLAN_ROWS]
    rows[row][col] = cell
    return rows


def _long_frame(rows):
    """The history as a script keeps it: one row per region, indicator, year (SYNTHETIC values)."""
    return pd.DataFrame([{"region": REGION, "indicator": r[0], "unit": r[1], "year": int(HISTORY_HEADER[k][:4]),
                          "value": r[k]} for r in rows for k in range(2, 6)])


def _value(history, indicator, year):
    return float(history.set_index(["indicator", "year"]).loc[(indicator, year), "value"])


def _refusal(call) -> str:
    with pytest.raises(DataValidationError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call()
    return str(err.value)


# --- characters that show nothing, and the text mark of a number -------------------------------------------------

@pytest.mark.parametrize("cell", ["\u200b99.1", "99.1\u200b", "\ufeff99.1", "99.1\u2060", "'99.1"])
@pytest.mark.parametrize("kind", ["xlsx", "csv", "frame"])
def test_a_figure_pasted_with_an_invisible_character_is_read(tmp_path, cell, kind):
    """A figure copied from a web page or WeChat carries a zero-width space or a byte-order mark that the cell
    does not show (it was refused as "a number", the cell looking like 99.1); '99.1 is a number kept as text."""
    rows = _history_with(cell)
    data = _long_frame(rows) if kind == "frame" else _write(tmp_path / f"h.{kind}", HISTORY_HEADER, rows)
    history = mt.read_history(data, region=REGION)
    assert _value(history, "药品抽检合格率", 2022) == 99.1


def test_plan_cells_and_year_headers_with_invisible_characters_are_read(tmp_path):
    plan = _write(tmp_path / "p.xlsx", ["\u200b指标名称", "单位", "2020年基数", "2025年目标\u200b", "属性"],
                  _plan_with("≥99\u200b"))
    header = list(HISTORY_HEADER)
    header[4] = "\u200b2022年"
    history = _write(tmp_path / "h.csv", header, HISTORY_ROWS)
    res = mt.assess(history, plan, as_of=2023, region=REGION, seed=0).set_index("indicator")
    assert res.loc["药品抽检合格率", "target"] == 99.0 and res.loc["药品抽检合格率", "direction"] == ">="
    assert mt.read_history(history, region=REGION)["year"].tolist().count(2022) == 3


# --- absurd magnitudes ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, said", [("1e308", "'1e308': a number of a sensible size: 1e308 is larger than 10^16"),
                                        ("1.2E+50", "'1.2E+50': a number of a sensible size: 1.2E+50 is larger"),
                                        ("1e-300", "'1e-300': a number of a sensible size: 1e-300 is closer to zero")])
@pytest.mark.parametrize("kind", ["xlsx", "csv", "gbk.csv"])
def test_a_history_figure_of_no_sensible_size_is_refused_naming_its_cell(tmp_path, cell, said, kind):
    """1e308 or 1e-300 was read as written (a % share of 1e-300, a count of 10^308 批次), with at best a
    warning printing a 300-digit ratio; a slip in the exponent is now refused naming the cell."""
    path = _write(tmp_path / f"历史数据.{kind}", HISTORY_HEADER, _history_with(cell, row=2))
    text = _refusal(lambda: mt.read_history(path, region=REGION))
    assert f"历史数据.{kind}, row 4, column '2022年': {said}" in text
    assert "check the exponent" in text and len(text) < 1000  # no 300-digit number


def test_an_infinite_figure_in_a_history_frame_is_refused_not_a_model_failure():
    """``inf`` in a DataFrame was read, and assess then failed inside a model (ModelFitError: non-finite values)."""
    frame = _long_frame(_history_with(np.inf, row=2))
    text = _refusal(lambda: mt.assess(frame, pd.DataFrame(PLAN_ROWS, columns=PLAN_HEADER), as_of=2023,
                                      region=REGION, seed=0))
    assert "<DataFrame>, row 10, column 'value': 'inf': a number of a sensible size: inf is infinite" in text


def test_a_huge_number_in_a_workbook_cell_is_quoted_as_written(tmp_path):
    """A float cell of 1e308 was quoted as its 309 digits in the message."""
    path = _write(tmp_path / "h.xlsx", HISTORY_HEADER, _history_with(1e308, row=2))
    text = _refusal(lambda: mt.read_history(path, region=REGION))
    assert "row 4, column '2022年': '1e+308': a number of a sensible size" in text and "0000000000" not in text


@pytest.mark.parametrize("cell, col, shown", [("≥1e-300", 3, "'≥1e-300'"), ("1e-300", 3, "'1e-300'"),
                                              ("1e308", 2, "'1e308'")])
def test_a_plan_figure_of_no_sensible_size_is_refused(tmp_path, cell, col, shown):
    """``1e-300`` as a target was read as ≤ 1e-300 (the direction guessed from the baseline), ``≥1e-300`` and a
    1e308 baseline were read with a warning printing a 300-digit ratio."""
    path = _write(tmp_path / "规划指标.csv", PLAN_HEADER, _plan_with(cell, row=2, col=col))
    text = _refusal(lambda: mt.read_plan(path, region=REGION))
    column = PLAN_HEADER[col]
    assert f"规划指标.csv, row 4, column '{column}': {shown}: a number of a sensible size" in text


def test_an_infinite_baseline_in_a_plan_frame_is_refused_not_a_zero_division():
    """A float ``inf`` baseline in a DataFrame ended in ZeroDivisionError from inside the reader."""
    plan = pd.DataFrame(_plan_with(np.inf, row=2, col=2), columns=PLAN_HEADER)
    text = _refusal(lambda: mt.read_plan(plan, region=REGION))
    assert "column '2020年基数': 'inf': a number of a sensible size: inf is infinite" in text


def test_sensible_extremes_and_zero_are_still_read(tmp_path):
    """A national amount in 元 (10^14: SYNTHETIC registered capital) and a zero are figures: read as written."""
    rows = [list(r) for r in HISTORY_ROWS] + [["市场主体注册资本", "元", 1.02e14, 1.11e14, 1.2e14, 1.31e14]]
    rows[1][2] = 0
    history = mt.read_history(_write(tmp_path / "h.xlsx", HISTORY_HEADER, rows), region=REGION)
    assert _value(history, "市场主体注册资本", 2023) == 1.31e14 and _value(history, "企业标准", 2020) == 0.0


# --- words that are not an observation ----------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["≥99", "不低于99", "95%以上", "力争99"])
def test_a_target_written_in_a_history_cell_is_told_to_go_in_the_plan(tmp_path, cell):
    path = _write(tmp_path / "h.gbk.csv", HISTORY_HEADER, _history_with(cell))
    text = _refusal(lambda: mt.read_history(path, region=REGION))
    assert f"h.gbk.csv, row 2, column '2022年': '{cell}': the figure observed, not a target" in text
    assert "plan table" in text


@pytest.mark.parametrize("cell", ["(3.2)", "（3.2）"])
def test_a_figure_in_brackets_is_refused_with_the_negative_to_write(tmp_path, cell):
    """Accounts write -3.2 as (3.2); a statistics table may mean a note. Neither is guessed."""
    rows = [["市场主体净增率", "%", 2.1, 1.5, cell, 0.8]]
    path = _write(tmp_path / "h.xlsx", HISTORY_HEADER, rows)
    text = _refusal(lambda: mt.read_history(path, region=REGION))
    assert f"row 2, column '2022年': '{cell}'" in text and "write -3.2 if it is negative" in text


def test_a_bracketed_plan_baseline_and_wu_are_refused_with_the_fix(tmp_path):
    rows = _plan_with("(1234)", row=2, col=2)
    rows[1][2] = "无"
    text = _refusal(lambda: mt.read_plan(_write(tmp_path / "p.xlsx", PLAN_HEADER, rows), region=REGION))
    assert "row 4, column '2020年基数': '(1234)'" in text and "write -1234 if it is negative" in text
    assert "row 3, column '2020年基数': '无': 无 is not read as a figure: write 0 if it is zero" in text


def test_wu_in_a_history_cell_asks_zero_or_blank(tmp_path):
    """无 may mean 0 (no case at all) or no figure: not guessed."""
    path = _write(tmp_path / "h.csv", HISTORY_HEADER, _history_with("无", row=1))
    text = _refusal(lambda: mt.read_history(path, region=REGION))
    assert "row 3, column '2022年': '无': 无 is not read: write 0 if the figure is zero" in text


# --- years --------------------------------------------------------------------------------------------------------

def test_float_year_headers_of_a_pandas_export_are_read(tmp_path):
    """A pivot with float years saved by pandas heads its columns 2020.0, 2021.0 ...: those columns were left out
    (warned as not read), so the assessment ran on no history at all."""
    frame = _long_frame(HISTORY_ROWS)
    frame["year"] = frame["year"].astype(float)
    wide = frame.pivot(index=["indicator", "unit"], columns="year", values="value").reset_index()
    wide.to_csv(tmp_path / "历史数据.csv", index=False, encoding="utf-8-sig")
    assert "2022.0" in (tmp_path / "历史数据.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    res = mt.assess(str(tmp_path / "历史数据.csv"), pd.DataFrame(PLAN_ROWS, columns=PLAN_HEADER), as_of=2023,
                    region=REGION, seed=0).set_index("indicator")
    assert res.loc["食品抽检批次", "last_year"] == 2023 and res.loc["食品抽检批次", "last_value"] == 1420


def test_a_two_digit_year_header_is_said_not_read(tmp_path):
    """``22年`` over a column was kept as an unknown column with no word: the 2022 figures vanished silently."""
    header = list(HISTORY_HEADER)
    header[4] = "22年"
    path = _write(tmp_path / "h.xlsx", header, HISTORY_ROWS)
    with pytest.warns(UnreadColumnWarning, match=r"'22年' \(a year in two digits: write 2022年"):
        history = mt.read_history(path, region=REGION)
    assert 2022 not in set(history["year"])


def test_a_two_digit_year_target_header_is_named_in_the_refusal(tmp_path):
    header = list(PLAN_HEADER)
    header[3] = "25年目标"
    text = _refusal(lambda: mt.read_plan(_write(tmp_path / "p.xlsx", header, PLAN_ROWS), region=REGION))
    assert "'25年目标' names a year in words that are not read" in text


@pytest.mark.parametrize("cell, fix", [("22年", "22年 -> 2022")])
def test_a_year_cell_in_two_digits_is_refused_with_the_year(tmp_path, cell, fix):
    rows = [[REGION, r[0], r[1], cell if k == 4 else HISTORY_HEADER[k][:4], r[k]]
            for r in HISTORY_ROWS for k in range(2, 6)]
    path = _write(tmp_path / "h.csv", ["地区", "指标名称", "单位", "年份", "数值"], rows)
    text = _refusal(lambda: mt.read_history(path))
    assert f"h.csv, row 4, column '年份': '{cell}': an integer year such as 2021; write the year in" in text
    assert fix in text



def test_a_year_cell_in_chinese_numerals_is_read_as_its_header_would_be(tmp_path):
    """二〇二二年 in a long history's 年份 column was refused (session 48: "write 2022") while the same words heading a
    column were read as 2022年; a bureau's table typed from a printed report writes its years so (session 50)."""
    cn = {"2020": "二〇二〇年", "2021": "二〇二一年", "2022": "二〇二二年", "2023": "二○二三年度"}
    rows = [[REGION, r[0], r[1], cn[HISTORY_HEADER[k][:4]], r[k]] for r in HISTORY_ROWS for k in range(2, 6)]
    path = _write(tmp_path / "h.csv", ["地区", "指标名称", "单位", "年份", "数值"], rows)
    history = mt.read_history(path)
    digits = mt.read_history(_write(tmp_path / "d.csv", ["地区", "指标名称", "单位", "年份", "数值"],
                                    [r[:3] + [r[3].translate(str.maketrans("〇○一二三", "00123"))[:4]] + r[4:]
                                     for r in rows]))
    assert sorted(set(history["year"])) == [2020, 2021, 2022, 2023]
    pd.testing.assert_frame_equal(history.reset_index(drop=True), digits.reset_index(drop=True))

# --- a DataFrame's NaN is a file's blank ------------------------------------------------------------------------------

@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_a_frames_missing_value_is_assessed_and_told_as_a_files_blank_cell(tmp_path, missing):
    """A NaN / None in a history DataFrame and a blank cell in the file it was saved from give the same
    assessment, and both say the year is missing in the row's note."""
    frame = _long_frame(_history_with(missing, row=2))
    path = _write(tmp_path / "h.xlsx", HISTORY_HEADER, _history_with(None, row=2))
    plan = pd.DataFrame(PLAN_ROWS, columns=PLAN_HEADER)
    from_frame = mt.assess(frame, plan, as_of=2023, region=REGION, seed=0).set_index("indicator")
    from_file = mt.assess(path, plan, as_of=2023, region=REGION, seed=0).set_index("indicator")
    for res in (from_frame, from_file):
        assert res.loc["食品抽检批次", "note"].startswith("2022 not reported")
    assert from_frame.loc["食品抽检批次", "p_meet"] == from_file.loc["食品抽检批次", "p_meet"]


def test_the_command_line_refuses_an_exponent_slip_naming_the_cell(tmp_path):
    plan = _write(tmp_path / "规划指标.xlsx", PLAN_HEADER, PLAN_ROWS)
    history = _write(tmp_path / "历史数据.csv", HISTORY_HEADER, _history_with("1.35E+30", row=2))
    done = subprocess.run([sys.executable, "-m", "mstarget", "assess", "--plan", plan, "--history", history,
                           "--region", REGION, "--as-of", "2023", "--no-track", "--out", str(tmp_path / "out.csv")],
                          capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "历史数据.csv, row 4, column '2022年': '1.35E+30': a number of a sensible size" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out.csv").exists()
