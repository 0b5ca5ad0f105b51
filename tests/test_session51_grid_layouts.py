"""A property of the plan readers (session 51): every layout a bureau gives its main-indicator table in a CSV, a
workbook, a web page or a Word document reads as the same table typed plainly -- names, units, figures, kinds, attributes and categories.

The rows are the real Dinghu district "十四五" indicators (data/dinghu_14th_fyp_plan.csv); only their layout is
generated: a merged title row or none, 序号 or none, a 类别 column first, second or none (merged down its group
in a workbook, written once, or on every row) or a numbered heading row over each group (一、知识产权), the unit
in its own column or inside the name (名称（万户）), the figures under 2020年 | 2025年, 2020年基数 | 2025年目标 or a
two-row header 基期值 | 规划值 over 2020年 | 2025年, a 2022年完成值 column (left blank where the row is a 〔〕 / 〈〉
one), an attribute column or none, a 年均增长 column, a 责任单位 column, a note row under the table, blank units,
a blank first column, numbers held as numbers in a workbook.
"""
from __future__ import annotations

import random
import warnings
from pathlib import Path

import docx
import pandas as pd
import pytest
from openpyxl import Workbook

import mstarget as mt
from bureau_files import write_rows_xlsx

PLAN_CSV = Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv"  # the typed table (real)
ROWS = pd.read_csv(PLAN_CSV, dtype=str).fillna("")
GROUPS = ["总体数据"] * 2 + ["知识产权"] * 4 + ["质量安全"] * (len(ROWS) - 6)


def _layout(rng: random.Random, n: int) -> tuple[list[list[str]], dict]:
    """One generated layout of the first ``n`` real rows: the grid of cells, and how it was laid out."""
    how = dict(title=rng.random() < 0.5, serial=rng.random() < 0.6,
               category=rng.choice(["first", "second", "none", "heading_row"]), done_2022=rng.random() < 0.3,
               numbers=rng.random() < 0.5, blank_first_column=rng.random() < 0.2,
               merged=rng.random() < 0.5, unit_in_name=rng.random() < 0.3,
               figures=rng.choice(["years", "roles", "two_rows"]), attribute=rng.random() < 0.7,
               growth=rng.random() < 0.3, tail=rng.random() < 0.3, note=rng.random() < 0.5,
               blank_units=rng.random() < 0.3, name_header=rng.choice(["指标名称", "指标", "主要指标"]))
    figures = {"years": ["2020年", "2025年"], "roles": ["2020年基数", "2025年目标"],
               "two_rows": ["基期值", "规划值"]}[how["figures"]]
    head = [*(["类别"] if how["category"] == "first" else []), *(["序号"] if how["serial"] else []),
            *(["类别"] if how["category"] == "second" else []), how["name_header"],
            *([] if how["unit_in_name"] else ["单位"]), *figures, *(["2022年完成值"] if how["done_2022"] else []),
            *(["年均增长"] if how["growth"] else []),
            *(["属性"] if how["attribute"] else []), *(["责任单位"] if how["tail"] else [])]
    grid = [["鼎湖区“十四五”市场监管主要指标"] + [""] * (len(head) - 1)] if how["title"] else []
    grid.append(head)
    if how["figures"] == "two_rows":
        grid.append([{"基期值": "2020年", "规划值": "2025年"}.get(h, "") for h in head])
    for i, r in enumerate(ROWS.iloc[:n].itertuples()):
        opens = i == 0 or GROUPS[i] != GROUPS[i - 1]
        if how["category"] == "heading_row" and opens:
            grid.append([rng.choice(["一、", "二、"]) + GROUPS[i]] + [""] * (len(head) - 1))
        unit = "" if how["blank_units"] and i % 3 == 0 else r.unit
        cell = {"类别": GROUPS[i] if opens or not how["merged"] else "", "序号": str(i + 1),
                how["name_header"]: r.name + (f"（{unit}）" if how["unit_in_name"] and unit else ""), "单位": unit,
                figures[0]: r.baseline, figures[1]: r.target, "属性": r.attribute,
                "年均增长": rng.choice(["5%", "", "—", "〔9.9〕", "12.4"]),
                "责任单位": rng.choice(["区市场监管局", "", "区发改局、区市场监管局"]),
                "2022年完成值": "" if r.baseline[:1] in "〔〈" else rng.choice(["2.45", "", "10"])}
        grid.append([float(c) if how["numbers"] and h != "序号" and c.replace(".", "", 1).isdigit() else cell[h]
                     for h, c in ((h, cell[h]) for h in head)])
    if how["note"]:
        grid.append(["注：〔〕内为累计数，〈〉内为期间新增数。"] + [""] * (len(head) - 1))
    if how["blank_first_column"]:
        grid = [[""] + row for row in grid]
    return grid, how


def _category_spans(grid: list[list[str]], how: dict, n: int) -> list[tuple[int, int, int]]:
    """The category cells merged down their group: ``(first row, column, last row)``, 0-based in ``grid``."""
    if not (how["merged"] and how["category"] in ("first", "second")):
        return []
    column = (grid[1] if how["title"] else grid[0]).index("类别")
    first = len(grid) - n - how["note"]  # the grid row of the table's first indicator
    spans, k = [], 0
    while k < n:
        last = max(j for j in range(k, n) if GROUPS[j] == GROUPS[k])
        if last > k:
            spans.append((first + k, column, first + last))
        k = last + 1
    return spans


def _save(grid: list[list[str]], how: dict, n: int, path: Path) -> Path:
    """The grid as a CSV; as a workbook, a web page's table or a Word table, with its title merged across and each
    category merged down its group (``rowspan`` on the page)."""
    spans = _category_spans(grid, how, n)
    text = [[f"{c:g}" if isinstance(c, float) else c for c in row] for row in grid]
    if path.suffix == ".csv":
        pd.DataFrame(text).to_csv(path, header=False, index=False)
    elif path.suffix == ".html":
        covered = {(r, c) for top, c, last in spans for r in range(top + 1, last + 1)}
        rowspan = {(top, c): last - top + 1 for top, c, last in spans}
        rows = ["<tr>" + "".join(f"<td rowspan='{rowspan[r, c]}'>{cell}</td>" if (r, c) in rowspan else f"<td>{cell}</td>"
                                 for c, cell in enumerate(row) if (r, c) not in covered) + "</tr>"
                for r, row in enumerate(text)]
        path.write_text("<html><head><meta charset='utf-8'></head><body><table border='1'>" + "".join(rows)
                        + "</table></body></html>", encoding="utf-8")
    elif path.suffix == ".docx":
        document = docx.Document()
        table = document.add_table(rows=len(text), cols=len(text[0]))
        for r, row in enumerate(text):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
        for top, c, last in spans:
            label = table.cell(top, c).text
            table.cell(top, c).merge(table.cell(last, c)).text = label
        document.save(path)
    else:
        book = Workbook()
        sheet = book.active
        for row in grid:
            sheet.append(row)
        if how["title"]:
            sheet.merge_cells(start_row=1, start_column=1 + how["blank_first_column"], end_row=1,
                              end_column=len(grid[1]))
        for top, c, last in spans:
            sheet.merge_cells(start_row=top + 1, start_column=c + 1, end_row=last + 1, end_column=c + 1)
        book.save(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".html", ".docx"])
@pytest.mark.parametrize("seed", range(3))
def test_every_layout_of_the_real_rows_reads_as_the_typed_table(tmp_path, seed, suffix):
    typed = mt.read_plan(PLAN_CSV)
    rng = random.Random(seed)
    for trial in range(30):
        n = rng.randint(2, len(ROWS))
        grid, how = _layout(rng, n)
        path = _save(grid, how, n, tmp_path / f"t{trial}{suffix}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = mt.read_plan(path, region="鼎湖区")  # no layout here is refused: each must read
        units = ["" if how["blank_units"] and i % 3 == 0 else u for i, u in enumerate(ROWS["unit"][:n])]
        assert got["name"].tolist() == ROWS["name"][:n].tolist(), how
        assert got["unit"].fillna("").tolist() == units, how
        assert got["baseline"].tolist() == pytest.approx(typed["baseline"][:n].tolist()), how
        assert got["target"].tolist() == pytest.approx(typed["target"][:n].tolist()), how
        assert got["kind"].tolist() == typed["kind"][:n].tolist(), how
        if how["attribute"]:
            assert got["attribute"].tolist() == typed["attribute"][:n].tolist(), how
        if how["category"] != "none":  # a heading row's group keeps its numbering (一、知识产权)
            assert [g.split("、")[-1] for g in got["group"]] == GROUPS[:n], how


@pytest.mark.parametrize("first_column", ["序号", "指标名称"])
def test_an_unnumbered_heading_row_is_refused_saying_how_to_make_it_one(tmp_path, first_column):
    """A category written as a row of its own without its numbering (质量安全 alone, where 一、质量安全 is read as a
    heading) is not taken for a heading -- an indicator whose figures were left out would then vanish without a
    word -- but the refusal now says how to make it one. Before: 'a target value, not blank' (the heading in the
    name column) or 'a note under the table begins with 注：' (in the 序号 column, though it stood above rows)."""
    head = ["序号", "指标名称", "单位", "2020年", "2025年", "属性"]
    heading = ["质量安全", "", "", "", "", ""] if first_column == "序号" else ["", "质量安全", "", "", "", ""]
    rows = [head, ["1", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"], heading,
            ["2", "千人食品检验量", "批次/千人", "5", "6", "约束性"], ["3", "药品抽检合格率", "%", "98", "≥99", "约束性"]]
    path = tmp_path / "规划.csv"
    pd.DataFrame(rows).to_csv(path, header=False, index=False)
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert "row 3" in str(err.value) and "number it (一、质量安全)" in str(err.value), str(err.value)
    numbered = tmp_path / "规划_编号.csv"  # the fix the message gives: the row is read as the heading it is
    pd.DataFrame([r if r is not heading else [c and "一、" + c for c in r] for r in rows]).to_csv(
        numbered, header=False, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(numbered, region="鼎湖区")
    assert plan["name"].tolist() == ["期末市场主体总量", "千人食品检验量", "药品抽检合格率"]
    assert plan["group"].fillna("").tolist() == ["", "一、质量安全", "一、质量安全"]


@pytest.mark.parametrize("done", [["2.45", "60"], ["", ""]], ids=["filled", "blank"])
@pytest.mark.parametrize("header", [["2020年", "2025年", "2022年完成值"], ["2020年", "2022年完成值", "2025年"]])
def test_a_completion_column_beside_bare_years_is_an_observation_not_the_baseline(tmp_path, header, done):
    """A mid-term table 2020年 | 2025年 | 2022年完成值: the baseline is 2020's (the “十四五” base year), 2022's an
    observation. Before: the labelled 2022年完成值 was taken for the baseline (base year 2022) and 2020年 said to be
    'earlier than the base year' -- the schedule then measured progress from the wrong start; left blank (no
    figure yet), it took the baseline too, and every row was refused for having none."""
    figures = {"2020年": ["1.89", "38"], "2025年": ["3.12", "117"], "2022年完成值": done}
    rows = [["序号", "指标名称", "单位", *header]] + [
        [str(k + 1), name, unit, *(figures[h][k] for h in header)]
        for k, (name, unit) in enumerate([("期末市场主体总量", "万户"), ("企业标准", "项")])]
    path = tmp_path / "中期评估.csv"
    pd.DataFrame(rows).to_csv(path, header=False, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = mt.read_plan(path, region="鼎湖区")
    assert plan["baseline_year"].tolist() == [2020, 2020] and plan["baseline"].tolist() == [1.89, 38]
    assert plan["target"].tolist() == [3.12, 117]
    if done[0]:
        assert plan["observed_2022"].tolist() == [2.45, 60]
    assert not [w for w in caught if "早于基期" in str(w.message)]


def test_a_figure_that_looks_like_a_year_does_not_make_its_row_the_header(tmp_path):
    """Years down the rows, indicators across: a row 2018 | 133 | 3 | 1997 held two 'years' (2018 and the figure
    1997) and outscored the real header 年份 | 种公猪站（个） | ..., which was then read as the table's title; the
    table was refused for missing indicator columns named '133' and '3'. The figures are real: Hunan's breeding
    stations and cattle supplied, 2017-2018 (data/china/provincial_panels.csv)."""
    rows = [["年份", "种公猪站（个）", "祖代及以上蛋鸡场（个）", "出场种牛（头）"], ["2017", "165", "5", "2388"],
            ["2018", "133", "3", "1997"]]
    path = tmp_path / "历史.csv"
    pd.DataFrame(rows).to_csv(path, header=False, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hist = mt.read_history(path, region="湖南")
    got = hist.pivot_table(index="year", columns="indicator", values="value")
    assert got["出场种牛"].tolist() == [2388, 1997] and got["种公猪站"].tolist() == [165, 133]
    assert hist.groupby("indicator")["unit"].first().to_dict() == {"种公猪站": "个", "祖代及以上蛋鸡场": "个",
                                                                  "出场种牛": "头"}


def test_a_year_then_a_figure_that_looks_like_a_year_is_a_row_not_the_header(tmp_path):
    """2021年 | 1931 (Anhui's high-tech firms, 1,931 in 2021; data/china/provincial_panels.csv): a year and a
    figure, not two years' headers; the real header 年份 | 高技术产业企业数（个） above it was read as the title."""
    rows = [["安徽省高技术产业统计"], ["年份", "高技术产业企业数（个）"], ["2018年", "1456"], ["2019年", "1466"],
            ["2020年", "1702"], ["2021年", "1931"], ["2022年", "2170"]]
    path = write_rows_xlsx(tmp_path / "历史.xlsx", rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hist = mt.read_history(path, region="安徽")
    assert hist["year"].tolist() == [2018, 2019, 2020, 2021, 2022]
    assert hist["value"].tolist() == [1456, 1466, 1702, 1931, 2170] and set(hist["unit"]) == {"个"}
