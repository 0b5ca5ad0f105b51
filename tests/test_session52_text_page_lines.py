"""A text page's rows are named by the text's line in messages (session 52).

A plan table saved from a web page as text is written one cell per line (:mod:`mstarget.text_tables`) and rebuilt
as a grid before it is read. Before, a refused cell was named by its row in that rebuilt grid (``row 4`` for the
Dinghu page's second indicator, which starts on line 125 of the file): a row the user cannot find in the text.
Now every message names the line where the row starts (its serial number's), as an editor numbers it.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "data" / "dinghu_14th_fyp_plan_page.txt"  # the published page, as text (real)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _refusal(path, **kw) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError) as err:
            mt.read_plan(path, **kw)
    return str(err.value)


@pytest.mark.parametrize("target, serial", [("〔25.64〕", "2"), ("〔3.12〕", "1"), ("≥99", "13")])
def test_a_refused_cell_of_the_real_page_is_named_by_its_rows_line(tmp_path, target, serial):
    """约 before the real page's target figure: the refusal names the line where that indicator's row starts
    (its serial number), and the broken cell lies between it and the next row's number."""
    lines = _lines(PAGE.read_text(encoding="utf-8"))
    at = next(k for k, line in enumerate(lines) if line.strip().startswith(target)
              and any(lines[j].strip() == serial for j in range(k - 12, k)))
    lines[at] = lines[at].replace(target, "约" + target.strip("〔〕≥"), 1)
    path = tmp_path / "page.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    said = _refusal(path, region="鼎湖区")
    m = re.search(r"page\.txt, row (\d+), column '2025年规划值': '约", said)
    assert m, said
    start = int(m.group(1))
    assert lines[start - 1].strip() == serial  # the row's serial number stands on the line named
    assert start < at + 1 <= start + 12  # and the broken cell is in that row, a few lines below


def test_a_growth_target_on_a_text_page_is_named_by_its_line(tmp_path):
    """The warning that a blank target was set from the 年均增长 column names the row's line on a text page."""
    cells = ["序号", "指标", "单位", "2020年", "2025年", "年均增长", "属性",
             "1", "期末市场主体总量", "万户", "85.2", "—", "5%", "预期性",
             "2", "药品抽检合格率", "%", "98", "≥99", " ", "约束性"]
    path = tmp_path / "规划.txt"
    text = "各单位要按照分工抓好落实，确保完成各项目标任务，不断提升市场监管效能。\n\n" + "\n\n".join(cells)
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = mt.read_plan(path, region="某区")
    assert plan["target"].tolist() == [pytest.approx(85.2 * 1.05 ** 5), 99]
    line = _lines(text).index("1") + 1  # the first row's serial number: line 17
    said = " ".join(str(w.message) for w in caught)
    assert f"row {line}: 5% -> 年均增长5%" in said, said


def test_a_csv_is_still_named_by_its_spreadsheet_rows(tmp_path):
    """Nothing changes for a table typed as rows: a CSV's row is its line, header row 1."""
    path = tmp_path / "plan.csv"
    path.write_text("指标名称,单位,2020年,2025年,属性\n市场主体总量,万户,1.89,〔3.12〕,预期性\n"
                    "药品抽检合格率,%,98,约99,约束性\n", encoding="utf-8")
    assert "plan.csv, row 3, column '2025年': '约99'" in _refusal(path, region="某区")
