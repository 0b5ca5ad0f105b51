"""read_history: validation errors name file, row, column and what was expected (issue 2)."""
from __future__ import annotations

import pandas as pd
import pytest

import mstarget as mt


def test_national_history_reads_with_types(data_dir):
    h = mt.read_history(data_dir / "china" / "national_history.csv")
    assert {"region", "indicator", "year", "value", "unit", "source"} <= set(h.columns)
    assert h["year"].dtype.kind == "i" and h["value"].dtype.kind == "f"
    patents = h[h["indicator"] == "high_value_invention_patents_per_10k"]
    assert list(patents["year"]) == [2020, 2021, 2022]
    assert list(patents["value"]) == [6.3, 7.5, 9.4]


def _write(tmp_path, rows, name="history.csv"):
    path = tmp_path / name
    pd.DataFrame(rows, columns=["region", "indicator", "year", "value", "unit"]).to_csv(path, index=False)
    return path


def test_every_bad_cell_reported(tmp_path):
    path = _write(tmp_path, [
        ["R", "rate", "2020", "95.0", "%"],
        ["R", "rate", "2021.5", "96", "%"],        # row 3: non-integer year
        ["R", "rate", "2022", "abc", "%"],         # row 4: not a number
        ["R", "rate", "2023", "101", "%"],         # row 5: % above 100
        ["R", "count", "2020", "10", "项"],
        ["R", "count", "2020", "11", "项"],        # row 7: duplicate with another value
    ])
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_history(path)
    where = {(p.row, p.column) for p in info.value.problems}
    assert where == {(3, "year"), (4, "value"), (5, "value"), (7, "value")}
    text = str(info.value)
    assert "history.csv, row 4, column 'value': 'abc': a number" in text
    assert "row 6 already gives 10 for R/count/2020" in text
    assert "between 0 and 100" in text


def test_exact_duplicates_are_dropped_not_refused(tmp_path):
    path = _write(tmp_path, [["R", "x", "2020", "1", ""], ["R", "x", "2020", "1", ""], ["R", "x", "2021", "2", ""]])
    assert len(mt.read_history(path)) == 2


def test_missing_columns(tmp_path):
    with pytest.raises(mt.DataValidationError, match=r"missing column\(s\) year"):
        mt.read_history(pd.DataFrame({"region": ["R"], "indicator": ["x"], "value": [1.0]}))


def test_missing_file_is_named():
    with pytest.raises(mt.DataValidationError, match="nope.csv: file not found"):
        mt.read_history("nope.csv")


def test_numbers_with_percent_sign_and_thousands_separators(tmp_path):
    path = _write(tmp_path, [["R", "x", "2020", "1,234", ""], ["R", "y", "2020", "95.01%", "%"]])
    h = mt.read_history(path)
    assert sorted(h["value"]) == [95.01, 1234.0]


def test_chinese_headers(tmp_path):
    path = tmp_path / "history_gbk.csv"
    pd.DataFrame({"地区": ["鼎湖区", "鼎湖区"], "指标名称": ["企业年报率", "企业年报率"], "年份": ["2016", "2020"],
                  "数值": ["84.05", "95.01"], "单位": ["%", "%"]}).to_csv(path, index=False, encoding="gbk")
    h = mt.read_history(path)
    assert list(h["indicator"]) == ["企业年报率", "企业年报率"] and list(h["value"]) == [84.05, 95.01]
