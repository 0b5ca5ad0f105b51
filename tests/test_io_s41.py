""".xls and .xlsx read alike (session 41): error cells and formulas never computed are refused
naming the cell, hidden columns (and a .xls's hidden rows) are left out with a warning, and a
figure merged across the columns of two years is refused. All figures are SYNTHETIC."""
from __future__ import annotations

import struct
import warnings

import pytest

import mstarget as mt
from mstarget.exceptions import HiddenSheetWarning

xlwt = pytest.importorskip("xlwt")

SERIES = [("期末市场主体总量", "万户", [2.15, 2.41, 2.70, 2.93, 3.20]),
          ("“明厨亮灶”覆盖率", "%", [84.0, 86.5, 88.0, 90.5, 92.5]),
          ("企业标准", "项", [52, 70, 88, 100, 118])]
YEARS = list(range(2021, 2026))


def _xls_history(path, cell=None):
    """A history .xls (header on row 1, one row per indicator); ``cell(ws, row, col, name, k, x)``
    may write a cell its own way and return True."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("历史数据")
    for j, h in enumerate(["指标名称", "单位"] + [f"{y}年" for y in YEARS]):
        ws.write(0, j, h)
    for i, (name, unit, values) in enumerate(SERIES, 1):
        ws.write(i, 0, name)
        ws.write(i, 1, unit)
        for k, x in enumerate(values):
            if not (cell and cell(ws, i, 2 + k, name, k, x)):
                ws.write(i, 2 + k, x)
    wb.save(str(path))
    return path


def _xlsx_history(path, edit=None):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["指标名称", "单位"] + [f"{y}年" for y in YEARS])
    for name, unit, values in SERIES:
        ws.append([name, unit] + values)
    if edit:
        edit(ws)
    wb.save(path)
    return path


def _read(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = mt.read_history(path, region="鼎湖区")
    said = " ".join(str(w.message) for w in caught if issubclass(w.category, HiddenSheetWarning))
    return h.pivot_table(index="indicator", columns="year", values="value"), said


# 1. error cells ---------------------------------------------------------------------------------

def test_xls_error_cells_are_refused_not_read_as_their_codes(tmp_path):
    # #DIV/0! is stored as code 7 and #N/A as 42: they were read as the figures 7 and 42
    def errors(ws, r, c, name, k, x):
        if k == 4 and name in ("企业标准", "“明厨亮灶”覆盖率"):
            ws.row(r).set_cell_error(c, "#DIV/0!" if name == "企业标准" else 0x2A)  # 0x2A: #N/A
            return True
    path = _xls_history(tmp_path / "errors.xls", errors)
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(path, region="鼎湖区")
    text = str(err.value)
    assert "row 3, column '2025年': '#N/A'" in text and "row 4, column '2025年': '#DIV/0!'" in text


def test_xls_error_cell_in_a_sampling_table_is_refused(tmp_path):
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("抽检情况")
    for j, h in enumerate(["年度", "食品大类", "抽检批次", "不合格批次"]):
        ws.write(0, j, h)
    for i, (cat, tested, failed) in enumerate([("粮食加工品", 1200, 12), ("肉制品", 900, 20),
                                               ("蔬菜制品", 800, 31)], 1):
        ws.write(i, 0, 2023)
        ws.write(i, 1, cat)
        ws.write(i, 2, tested)
        if cat == "肉制品":
            ws.row(i).set_cell_error(3, "#DIV/0!")  # read as 7 failed batches before
        else:
            ws.write(i, 3, failed)
    wb.save(str(tmp_path / "samples.xls"))
    with pytest.raises(mt.DataValidationError, match=r"row 3, column '不合格批次': '#DIV/0!'"):
        mt.risk.score(tmp_path / "samples.xls")


# 2. formulas never computed ---------------------------------------------------------------------

def test_xls_formula_never_computed_is_refused_naming_the_cell(tmp_path):
    # a template filled by a program (xlwt) stores no result: the 2025 figure was read as blank
    def formula(ws, r, c, name, k, x):
        if k == 4:
            ws.write(r, c, xlwt.Formula(f"F{r + 1}+{x - SERIES[r - 1][2][3]:g}"))
            return True
    path = _xls_history(tmp_path / "formula.xls", formula)
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(path, region="鼎湖区")
    text = str(err.value)
    assert "row 2, column '2025年': '=F2+0.27'" in text and "row 4, column '2025年': '=F4+18'" in text
    assert "open the file in Excel or WPS and save it" in text


def test_xls_plan_target_formula_never_computed_is_refused(tmp_path):
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("主要指标")
    for j, h in enumerate(["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"]):
        ws.write(0, j, h)
    ws.write(1, 0, 1), ws.write(1, 1, "企业标准"), ws.write(1, 2, "项")
    ws.write(1, 3, 38), ws.write(1, 4, xlwt.Formula("D2+79")), ws.write(1, 5, "预期性")
    wb.save(str(tmp_path / "plan.xls"))
    with pytest.raises(mt.DataValidationError, match=r"row 2, column '2025年目标': '=D2\+79'"):
        mt.read_plan(tmp_path / "plan.xls", region="鼎湖区")


def _computed(path, results):
    """The .xls ``path`` with its formulas' saved results set, in order, as Excel / WPS save
    them: a number, or ``""`` (a formula giving empty text, ``=IF(..,"",..)``)."""
    data = bytearray(path.read_bytes())
    empty = b"\x03\x00\x00\x00\x00\x00\xff\xff"
    pos = 0
    for value in results:
        pos = data.index(empty, pos)
        if value != "":
            data[pos:pos + 8] = struct.pack("<d", value)
        pos += 8
    path.write_bytes(bytes(data))
    return path


def test_xls_formulas_computed_by_excel_are_read_as_saved(tmp_path):
    # the same formulas once Excel has saved their results: read as values; a formula whose
    # result is empty text by design (=IF(F3="","",...)) stays a blank, not a refusal
    def formula(ws, r, c, name, k, x):
        if k == 4 and name != "企业标准":
            ws.write(r, c, xlwt.Formula(f"F{r + 1}+1"))
            return True
        if k == 4:
            ws.write(r, c, xlwt.Formula(f'IF(F{r + 1}="","",F{r + 1}+18)'))
            return True
    path = _computed(_xls_history(tmp_path / "saved.xls", formula), [3.2, 92.5, ""])
    table, _ = _read(path)
    assert table.loc["期末市场主体总量", 2025] == 3.2 and table.loc["“明厨亮灶”覆盖率", 2025] == 92.5
    assert 2025 not in table.loc["企业标准"].dropna().index


# 3. hidden columns, hidden .xls rows ------------------------------------------------------------

def test_hidden_xlsx_column_is_left_out_with_a_warning(tmp_path):
    def hide(ws):
        ws.column_dimensions["E"].hidden = True  # 2023年
    table, said = _read(_xlsx_history(tmp_path / "hiddencol.xlsx", hide))
    assert 2023 not in table.columns and 2022 in table.columns and 2024 in table.columns
    assert "columns hidden in Excel are not read" in said and "column E (2023年)" in said


def test_hidden_xlsx_column_group_hides_every_column_of_it(tmp_path):
    def hide(ws):  # two columns hidden by hand at once: one <col min=4 max=5 hidden=1>, no outline level
        ws.column_dimensions.group("D", "E", hidden=True, outline_level=0)
    table, said = _read(_xlsx_history(tmp_path / "group.xlsx", hide))
    assert list(table.columns) == [2021, 2024, 2025]
    assert "column D (2022年), E (2023年)" in said


def test_visible_xlsx_columns_with_set_widths_are_all_read(tmp_path):
    def widths(ws):
        for letter in "ABCDEFG":
            ws.column_dimensions[letter].width = 12
    table, said = _read(_xlsx_history(tmp_path / "widths.xlsx", widths))
    assert list(table.columns) == YEARS and said == ""


def test_hidden_xls_row_and_column_are_left_out_with_a_warning(tmp_path):
    def hide(ws, r, c, name, k, x):
        ws.row(2).hidden = True  # “明厨亮灶”覆盖率
        ws.col(4).hidden = True  # 2023年
    table, said = _read(_xls_history(tmp_path / "hidden.xls", hide))
    assert "“明厨亮灶”覆盖率" not in table.index and 2023 not in table.columns
    assert table.loc["企业标准", 2024] == 100
    assert "rows hidden in Excel" in said and "row 3" in said and "column E (2023年)" in said


# 4. a figure merged across years ----------------------------------------------------------------

def test_xlsx_figure_merged_across_two_years_is_refused(tmp_path):
    def merge(ws):
        ws["D4"] = None
        ws.merge_cells("C4:D4")  # 企业标准 2021-2022 holding 52: 2022 was read as 52
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(_xlsx_history(tmp_path / "merged.xlsx", merge), region="鼎湖区")
    text = str(err.value)
    assert "row 4, column '2021年': '52'" in text and "C4:D4 are merged over 2021年-2022年" in text
    assert "give each year its own figure" in text


def test_xls_figure_merged_across_two_years_is_refused(tmp_path):
    def merge(ws, r, c, name, k, x):
        if name == "企业标准" and k in (0, 1):
            if k == 0:
                ws.write_merge(r, r, c, c + 1, x)
            return True
    with pytest.raises(mt.DataValidationError, match=r"C4:D4 are merged over 2021年-2022年"):
        mt.read_history(_xls_history(tmp_path / "merged.xls", merge), region="鼎湖区")


def test_labels_merged_across_columns_are_still_read(tmp_path):
    # a title over the table, a year over its two halves, a category merged down rows: labels
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["鼎湖区主要指标（合成数据）"])
    ws.merge_cells("A1:D1")
    ws.append(["指标名称", "单位", "2022年", None])
    ws.append([None, None, "上半年", "全年"])
    ws.merge_cells("C2:D2")
    ws.append(["期末市场主体总量", "万户", 2.3, 2.42])
    ws.append(["企业标准", "项", 40, 70])
    wb.save(tmp_path / "labels.xlsx")
    table, _ = _read(tmp_path / "labels.xlsx")
    assert table.loc["企业标准", 2022] == 70 and table.loc["期末市场主体总量", 2022] == 2.42


# 5. session 41, second pass: what read right before the rules above is read as before -----------
# A figure merged across columns is refused only when it is a plain amount (no 〈〉 〔〕 ≥ ≤ %, not
# a rate by its unit) over the value columns of two or more different years; a column folded in a
# collapsed outline group (分组 [+]) is read; a column of width 0 is hidden as a flagged one is.

def _plan_xlsx(path, head, rows, merges):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "主要指标"
    ws.append(head)
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def _plan(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = mt.read_plan(path, region="鼎湖区")
    return plan, " ".join(str(w.message) for w in caught)


YEARLY = ["序号", "指标名称", "单位", "2020年", "2021年", "2022年", "2023年", "2024年", "2025年", "属性"]
STOCK = ["1", "期末市场主体总量", "万户", "1.89", "2.1", "2.4", "2.7", "2.9", "〔3.12〕", "预期性"]


def test_fiveyear_total_merged_over_the_year_columns_is_read_as_the_periods_total(tmp_path):
    # 〈5〉 merged over 2021年-2025年 says it is the period's total: refused as "each year's, or
    # their total?" this session, read before as a 2025 target of 5 added over the period
    rows = [STOCK, ["2", "知识产权质押登记融资金额", "亿元", "—", "〈5〉", "", "", "", "", "预期性"],
            ["3", "新增制定地方标准", "项", "—", "〈10〉", "", "", "", "", "预期性"]]
    plan, said = _plan(_plan_xlsx(tmp_path / "sum.xlsx", YEARLY, rows, ["E3:I3", "E4:I4"]))
    got = plan.set_index("name")
    assert got.loc["知识产权质押登记融资金额", ["target_year", "target", "kind"]].tolist() == [2025, 5, "increment"]
    assert got.loc["新增制定地方标准", ["target_year", "target", "kind"]].tolist() == [2025, 10, "increment"]
    assert "merged" not in said


def test_xls_fiveyear_total_and_a_rate_merged_over_the_years_are_read(tmp_path):
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("主要指标")
    for j, h in enumerate(YEARLY):
        ws.write(0, j, h)
    for j, x in enumerate(STOCK):
        ws.write(1, j, x)
    for j, x in enumerate(["2", "知识产权质押登记融资金额", "亿元", "—"]):
        ws.write(2, j, x)
    ws.write_merge(2, 2, 4, 8, "〈5〉")
    ws.write(2, 9, "预期性")
    for j, x in enumerate(["3", "乡镇食品快检室覆盖率", "%"]):
        ws.write(3, j, x)
    ws.write_merge(3, 3, 3, 8, 100)  # 100 % held from the base year on
    ws.write(3, 9, "约束性")
    wb.save(str(tmp_path / "plan.xls"))
    plan, _ = _plan(tmp_path / "plan.xls")
    got = plan.set_index("name")
    assert got.loc["知识产权质押登记融资金额", ["target", "kind"]].tolist() == [5, "increment"]
    rate = plan[plan.name == "乡镇食品快检室覆盖率"]
    assert rate.baseline.eq(100).all() and rate.target.eq(100).all() and 2025 in set(rate.target_year)


def test_a_level_merged_over_the_years_it_holds_for_is_each_years_target(tmp_path):
    # ≥98 over 2021年-2025年: 98 every year, as read before this session
    rows = [STOCK, ["2", "食品抽检合格率", "%", "97.5", "≥98", "", "", "", "", "约束性"]]
    plan, said = _plan(_plan_xlsx(tmp_path / "rate.xlsx", YEARLY, rows, ["E3:I3"]))
    rate = plan[plan.name == "食品抽检合格率"]
    assert sorted(rate.target_year) == YEARS and rate.target.eq(98).all() and rate.baseline.eq(97.5).all()
    assert "merged" not in said


def test_a_rate_merged_over_base_and_target_is_both(tmp_path):
    head = ["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"]
    rows = [["1", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"],
            ["2", "乡镇食品快检室覆盖率", "%", "100", "", "约束性"]]
    plan, _ = _plan(_plan_xlsx(tmp_path / "held.xlsx", head, rows, ["D3:E3"]))
    row = plan.set_index("name").loc["乡镇食品快检室覆盖率"]
    assert (row.baseline, row.target, row.target_year) == (100, 100, 2025)


def test_a_target_merged_over_two_headings_of_one_year_is_not_across_years(tmp_path):
    # 2025年目标 | 2025年目标（调整） are one year: the target unchanged by the adjustment
    head = ["序号", "指标名称", "单位", "2020年基数", "2025年目标", "2025年目标（调整）", "属性"]
    rows = [["1", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "〔3.5〕", "预期性"],
            ["2", "“明厨亮灶”覆盖率", "%", "81", "≥90", "", "约束性"],
            ["3", "企业标准", "项", "38", "117", "", "预期性"]]
    plan, said = _plan(_plan_xlsx(tmp_path / "adjusted.xlsx", head, rows, ["E3:F3", "E4:F4"]))
    got = plan.set_index("name")
    assert got.loc["“明厨亮灶”覆盖率", ["target", "target_original"]].tolist() == [90, "≥90"]
    assert got.loc["企业标准", "target"] == 117 and got.loc["期末市场主体总量", "target"] == 3.5
    assert "across" not in said and "merged over" not in said


def test_a_plain_amount_merged_over_yearly_columns_is_still_refused_saying_how_to_write_a_total(tmp_path):
    rows = [STOCK, ["2", "新增制定地方标准", "项", "—", "10", "", "", "", "", "预期性"]]
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(_plan_xlsx(tmp_path / "plain.xlsx", YEARLY, rows, ["E3:I3"]), region="鼎湖区")
    text = str(err.value)
    assert "E3:I3 are merged over 2021年-2025年" in text and "columns of different years" in text
    assert "a total for the period is written 〈10〉" in text


def _outlined_history(path):
    """A history with 2016-2025 columns, 2016年-2020年 (C:G) grouped and collapsed with 分组 [+]."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["指标名称", "单位"] + [f"{y}年" for y in range(2016, 2026)])
    ws.append(["“明厨亮灶”覆盖率", "%", 60, 66, 71, 76, 81, 84.0, 86.5, 88.0, 90.5, 92.5])
    ws.append(["企业标准", "项", 20, 25, 30, 33, 38, 52, 70, 88, 100, 118])
    ws.column_dimensions.group("C", "G", hidden=True, outline_level=1)  # <col min=3 max=7 hidden outlineLevel=1>
    wb.save(path)
    return path


def test_columns_folded_in_a_collapsed_outline_group_are_read(tmp_path):
    # the 十三五 years folded for display were left out as hidden: half the history, p_meet swung
    table, said = _read(_outlined_history(tmp_path / "outline.xlsx"))
    assert list(table.columns) == list(range(2016, 2026))
    assert table.loc["“明厨亮灶”覆盖率", 2016] == 60 and table.loc["企业标准", 2020] == 38
    assert "columns hidden" not in said


def test_xls_columns_folded_in_a_collapsed_outline_group_are_read_a_hand_hidden_one_is_not(tmp_path):
    def hide(ws, r, c, name, k, x):
        for col in (2, 3):  # 2021年-2022年 folded in an outline group
            ws.col(col).hidden, ws.col(col).level = True, 1
        ws.col(5).hidden = True  # 2024年 hidden by hand
    table, said = _read(_xls_history(tmp_path / "outline.xls", hide))
    assert list(table.columns) == [2021, 2022, 2023, 2025]
    assert "column F (2024年)" in said and "2021年" not in said


def _zero_width(path, letter):
    """The .xlsx ``path`` with column ``letter`` dragged to width 0 (no hidden flag), as Excel saves it."""
    import re
    import zipfile

    number = ord(letter) - 64
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = files[name].decode("utf-8")
    xml = re.sub(r"<sheetData", f'<cols><col min="{number}" max="{number}" width="0" customWidth="1"/></cols>'
                 "<sheetData", xml, count=1)
    files[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    return path


def test_a_column_of_width_zero_is_hidden_as_a_flagged_one_is(tmp_path):
    # Excel shows a column dragged to width 0 as it shows a hidden one: it was read all the same
    table, said = _read(_zero_width(_xlsx_history(tmp_path / "width0.xlsx"), "E"))
    assert list(table.columns) == [2021, 2022, 2024, 2025] and "column E (2023年)" in said

    def narrow(ws, r, c, name, k, x):
        ws.col(4).width = 0
    table, said = _read(_xls_history(tmp_path / "width0.xls", narrow))
    assert list(table.columns) == [2021, 2022, 2024, 2025] and "column E (2023年)" in said


def test_rows_folded_in_a_collapsed_outline_group_are_read_filtered_ones_are_not(tmp_path):
    """A long history whose 2016-2020 rows are grouped and collapsed (分组, display folding) keeps those years;
    a row hidden by hand is still left out with the warning. SYNTHETIC figures."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "指标名称", "年份", "数值"])
    for k, year in enumerate(range(2016, 2026)):
        ws.append(["鼎湖区", "企业标准", year, 40 + 5 * k])
    ws.append(["鼎湖区", "企业标准", 2026, 999])  # a draft row hidden by hand
    ws.row_dimensions.group(2, 6, hidden=True, outline_level=1)  # 2016-2020 folded
    ws.row_dimensions[12].hidden = True
    path = tmp_path / "history.xlsx"
    wb.save(path)
    with pytest.warns(HiddenSheetWarning, match="12"):
        hist = mt.read_history(path)
    assert hist["year"].tolist() == list(range(2016, 2026))
