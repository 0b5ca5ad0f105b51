"""Formulas in a workbook: their saved results are read; a formula whose result was never saved
(a workbook written by a program and not yet opened in Excel / WPS) is refused naming its cell --
read for values it would be a blank cell, and its year would silently go missing.

Values are the Dinghu history rows of tests/bureau_files.py (SYNTHETIC mid-term figures).
"""
from __future__ import annotations

import re
import shutil
import zipfile

import pytest
from openpyxl import Workbook

import mstarget as mt

from bureau_files import HISTORY_ROWS

HEADER = ["地区", "指标名称", "单位", "2020年", "2021年", "2022年", "2023年"]


def _history_workbook(path, formula_cell="G2", formula="=F2+15"):
    """The Dinghu 企业标准 / 地方标准 rows; ``formula_cell`` holds a formula (openpyxl saves no
    result for it, like any program that writes a workbook)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "完成情况"
    ws.append(HEADER)
    for name in ("企业标准", "地方标准"):
        row = next(r for r in HISTORY_ROWS if r[0] == name)
        ws.append(["鼎湖区", name, row[1], *row[3:]])
    ws[formula_cell] = formula
    wb.save(path)
    return path


def _with_saved_result(path, cell: str, value: float, out):
    """A copy of ``path`` whose formula in ``cell`` carries a saved result ``value``, as Excel or
    WPS writes it (``<c r="G2"><f>F2+15</f><v>84</v></c>``)."""
    shutil.copy(path, out)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = data.decode("utf-8")
                text, n = re.subn(rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*(<v\s*/>|<v></v>)?',
                                  rf"\g<1><v>{value:g}</v>", text)
                assert n == 1
                data = text.encode("utf-8")
            zout.writestr(item, data)
    return out


def test_a_formula_without_its_saved_result_is_refused_naming_the_cell(tmp_path):
    path = _history_workbook(tmp_path / "完成情况.xlsx")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(path)
    msg = str(err.value)
    assert "完成情况.xlsx" in msg and "row 2, column '2023年': '=F2+15'" in msg
    assert "open the file in Excel or WPS and save it" in msg


def test_a_formula_with_its_saved_result_reads_the_result(tmp_path):
    path = _with_saved_result(_history_workbook(tmp_path / "h.xlsx"), "G2", 84,
                              tmp_path / "完成情况（已保存）.xlsx")
    h = mt.read_history(path)
    std = h[h["indicator"] == "企业标准"].set_index("year")["value"]
    assert std.to_dict() == {2020: 38.0, 2021: 52.0, 2022: 69.0, 2023: 84.0}


def test_a_plan_target_given_by_an_unsaved_formula_is_refused(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["地区", "指标名称", "单位", "2020年基数", "2025年目标", "属性"])
    ws.append(["鼎湖区", "企业标准", "项", "〔38〕", "〔117〕", "预期性"])
    ws.append(["鼎湖区", "有效期内认证证书", "张", "〔108〕", "=D3*1.1", "预期性"])
    wb.save(tmp_path / "规划.xlsx")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(tmp_path / "规划.xlsx")
    msg = str(err.value)
    assert "row 3, column '2025年目标': '=D3*1.1': the value, not a spreadsheet formula" in msg


def test_a_sampling_count_given_by_an_unsaved_formula_is_refused(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["sector", "category", "period", "tested", "failed"])
    ws.append(["食品", "蔬菜制品", "2023", 120, 3])
    ws.append(["食品", "肉制品", "2023", 80, "=D3*0.05"])
    wb.save(tmp_path / "抽检.xlsx")
    from mstarget.risk import score

    with pytest.raises(mt.DataValidationError) as err:
        score(tmp_path / "抽检.xlsx", by=["sector", "category"])
    msg = str(err.value)
    assert "row 3, column 'failed': '=D3*0.05'" in msg and "never saved" in msg
