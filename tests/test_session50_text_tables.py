"""A plan published as a web page and saved as text: its indicator table is written one cell per line, and the
rest of the page is running text (session 50).

Before: ``read_plan`` read such a file as a CSV and refused it with 20 "thousands separator" problems, one per
sentence; a work plan without any table got the same. Now the table is rebuilt row by row (each row from its
serial number to its attribute) and read like the workbook it was; running text without a table is refused as
what it is, with the fix.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError, MstargetWarning

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "data" / "dinghu_14th_fyp_plan_page.txt"  # the published page, as text (real)
PLAN_CSV = ROOT / "data" / "dinghu_14th_fyp_plan.csv"  # the same table, typed as a CSV (real)


def _read(path, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = mt.read_plan(path, **kw)
    return plan, [str(w.message) for w in caught if issubclass(w.category, MstargetWarning)]


def _refusal(path) -> str:
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path)
    return str(err.value)


def test_the_published_page_gives_the_plan_table_as_typed():
    plan, said = _read(PAGE, region="鼎湖区")
    typed = mt.read_plan(PLAN_CSV)
    assert len(plan) == 14
    assert plan["indicator"].tolist() == typed["name"].tolist()
    for col in ("baseline", "target", "baseline_year", "target_year", "direction", "kind", "attribute"):
        assert plan[col].tolist() == typed[col].tolist(), col
    # the page writes nine units and leaves five blank (the CSV's curator filled those)
    written = plan["unit"].fillna("") != ""
    assert written.sum() == 9
    assert plan.loc[written, "unit"].tolist() == typed.loc[written.to_numpy(), "unit"].tolist()
    # the category cell written once carries to its group's rows
    assert plan["group"].tolist()[:4] == ["总体数据", "总体数据", "知识产权", "知识产权"]
    assert any("written one cell per line" in s and "主要指标表" in s for s in said)


def test_the_page_is_assessed_like_the_typed_table():
    history = pd.DataFrame({"region": "鼎湖区", "indicator": "药品抽检合格率", "unit": "%",
                            "year": [2020, 2021, 2022, 2023], "value": [98.0, 98.3, 98.6, 98.9]})
    res = mt.assess(history, PAGE, as_of=2023, region="鼎湖区", seed=0)
    row = res.set_index("indicator").loc["药品抽检合格率"]
    assert row["target"] == 99 and row["direction"] == ">=" and 0 < row["p_meet"] < 1


def _cells(lines: list[str], blank_cells: bool) -> str:
    """A table written one cell per line (synthetic, after the page's layout): each cell a line followed
    by an empty line; a blank cell a line of non-breaking spaces, or nothing when ``blank_cells`` is off."""
    out = []
    for c in lines:
        if c == "" and not blank_cells:
            continue
        out += [(c or "\u00a0\u00a0") + "\u00a0 ", ""]
    return "\n".join(out)


TABLE = ["某区“十四五”市场监管主要指标表", "序号", "指标", "单位", "2020年基数", "2025年目标", "指标属性",
         "1", "市场主体", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性",
         "2", "每万人口高价值发明专利拥有量", "", "〔1.04〕", "〔3〕", "预期性",
         "3", "安全", "药品抽检合格率", "%", "98", "≥99", "约束性",
         "注：〔〕内为累计数。"]


@pytest.mark.parametrize("blank_cells", [True, False])
def test_a_table_one_cell_per_line_is_read_with_or_without_its_blank_cells(tmp_path, blank_cells):
    path = tmp_path / "规划.txt"
    path.write_text("  印发某区规划的通知，请认真贯彻执行。各单位要按照分工抓好落实，确保完成各项目标任务。\n\n"
                    + _cells(TABLE, blank_cells), encoding="utf-8")
    plan, _ = _read(path, region="某区")
    assert plan["indicator"].tolist() == ["期末市场主体总量", "每万人口高价值发明专利拥有量", "药品抽检合格率"]
    assert plan["group"].tolist() == ["市场主体", "市场主体", "安全"]
    assert plan["unit"].fillna("").tolist() == ["万户", "", "%"]
    assert plan["kind"].tolist() == ["cumulative", "cumulative", "level"]
    assert plan["attribute"].tolist() == ["expected", "expected", "binding"]


def test_a_row_that_does_not_end_with_its_attribute_is_named_not_guessed(tmp_path):
    broken = [c for c in TABLE if c != "约束性"]  # row 3 lost its attribute
    path = tmp_path / "规划.txt"
    path.write_text("\n".join(["各单位要按照分工抓好落实，确保完成各项目标任务，不断提升监管效能。"] * 3) + "\n"
                    + _cells(broken, True), encoding="utf-8")
    text = _refusal(path)
    assert "a table written one cell per line (a web page saved as text) could not be read row by row" in text
    assert re.search(r"line \d+: row 3 does not end with an attribute", text)


def test_a_work_plan_without_a_table_is_refused_as_running_text(tmp_path):
    lines = PAGE.read_text(encoding="utf-8").splitlines()[:60]  # the notice and the plan's first chapter
    path = tmp_path / "工作要点.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    text = _refusal(path)
    assert "the file is a document's running text, not a table: line 10 is a sentence" in text
    assert "It holds no table of indicators" in text and "Save the web page as .html" in text
    assert "thousands separator" not in text


@pytest.mark.parametrize("note", ["数据来源于区统计局年报，口径与上年一致。",  # sentences: still a table
                                  "口径\t见附表\t{k}"])  # tabs in a note: still comma separated
def test_a_csv_with_sentences_or_tabs_in_a_note_column_is_still_a_table(tmp_path, note):
    path = tmp_path / "规划.csv"
    rows = ["地区,指标名称,单位,2020年基数,2025年目标,备注"]
    rows += [f"某区,指标{k},%,{90 + k},≥{95 + k % 3}," + note.format(k=k) for k in range(4)]
    path.write_text("\n".join(rows), encoding="utf-8")
    plan, _ = _read(path)
    assert plan["indicator"].tolist() == [f"指标{k}" for k in range(4)] and plan["target"].tolist() == [95, 96, 97, 95]


CATEGORY_FIRST = ["表1 某县“十四五”主要指标", "类别", "序号", "指标名称", "单位", "2020年", "2025年", "属性",
                  "市场主体", "1", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性",
                  "2", "每千人拥有企业数", "户", "16.2", "25.6", "预期性",
                  "质量安全", "3", "药品抽检合格率", "%", "98", "≥99", "约束性",
                  "4", "食品抽检批次", "批次/千人", "5", "6", "约束性"]


def test_a_category_column_before_the_serial_number_opens_each_group(tmp_path):
    path = tmp_path / "规划.txt"
    path.write_text(_cells(CATEGORY_FIRST, True), encoding="utf-8")
    plan, _ = _read(path, region="某县")
    assert plan["group"].tolist() == ["市场主体", "市场主体", "质量安全", "质量安全"]
    assert plan["indicator"].tolist() == ["期末市场主体总量", "每千人拥有企业数", "药品抽检合格率", "食品抽检批次"]
    assert plan["baseline_year"].tolist() == [2020] * 4 and plan["target_year"].tolist() == [2025] * 4
    assert plan["target"].tolist() == [3.12, 25.6, 99, 6]


def test_a_table_is_never_read_in_part(tmp_path):
    """A serial number typed otherwise (四 for 4) ended the table after row 3: rows 4 on were left out without a word."""
    path = tmp_path / "规划.txt"
    path.write_text(_cells([("四" if c == "4" else c) for c in CATEGORY_FIRST], True), encoding="utf-8")
    text = _refusal(path)
    assert re.search(r"line \d+: '四' follows row 3, where row 4 \(its serial number first\) or the table's end was "
                     r"expected", text)
    assert re.search(r"第\d+行：序号3之后应为序号4或表格结束", text)  # said in Chinese too


def test_a_tab_separated_table_amid_sentences_with_commas_is_read(tmp_path):
    """A table copied from a browser into a text file joins its cells with tabs; the page's sentences around it
    hold ',' -- the file was read as comma separated, and its header was a sentence."""
    typed = mt.read_plan(PLAN_CSV)
    prose = ["  “十四五”时期是我国开启全面建设社会主义现代化国家新征程的第一个五年,是鼎湖奋力谱写高质量发展新篇章的关键五年。",
             "  为全面推进我区市场监管体系和监管能力现代化,营造市场化、法治化、国际化营商环境,编制本规划。"]
    table = ["肇庆市鼎湖区“十四五”市场监管主要指标表", "序号\t指标名称\t单位\t2020年基期值\t2025年规划值\t属性"]
    table += ["\t".join([str(i + 1), r["name"], r["unit"], r["baseline_written"], r["target_written"], r["attribute_written"]])
              for i, r in enumerate(pd.read_csv(PLAN_CSV, dtype=str).rename(columns={
                  "baseline": "baseline_written", "target": "target_written", "attribute": "attribute_written"}).to_dict("records"))]
    path = tmp_path / "规划.txt"
    path.write_text("\n".join(prose + table + ["备注:1.〔〕内为累计数,〈〉内为规划期间新增数。"] + prose), encoding="utf-8")
    plan, _ = _read(path, region="鼎湖区")
    assert plan["indicator"].tolist() == typed["name"].tolist()
    for col in ("unit", "baseline", "target", "kind", "attribute"):
        assert plan[col].tolist() == typed[col].tolist(), col


def test_a_csv_whose_quoted_notes_hold_commas_is_still_a_table(tmp_path):
    path = tmp_path / "历史数据.csv"
    rows = ["地区,指标名称,单位,年份,数值,备注"]
    # each note holds its own number of commas (quoted): the rows' cells agree, their commas do not
    rows += [f'某区,药品抽检合格率,%,{2018 + k},{97 + k / 2},"数据来源于区统计局年报{", 另见附表" * k}，口径与上年一致。"'
             for k in range(6)]
    path.write_text("\n".join(rows), encoding="utf-8")
    history = mt.read_history(path)
    assert history["year"].tolist() == list(range(2018, 2024))


def test_a_csv_table_under_a_long_preface_of_sentences_is_read(tmp_path):
    path = tmp_path / "规划.csv"
    preface = [f"说明{k}：本表由区市场监管局填报，数据截至2020年底，目标值按区“十四五”规划确定，请各单位核对。" for k in range(10)]
    rows = ["地区,指标名称,单位,2020年基数,2025年目标"]
    rows += [f"某区,指标{k},%,{90 + k},≥{95 + k % 3}" for k in range(5)]
    path.write_text("\n".join(preface + rows), encoding="utf-8")
    plan, _ = _read(path)
    assert plan["indicator"].tolist() == [f"指标{k}" for k in range(5)]
