"""Session 41 (fixer RP2): the report at province scale, and two report-input misfires.

1. A report of ~55+ regions wrote no Word file: ``ValueError: exceeded 255 char limit for property`` (the subtitle,
   a document property, named every region: 1,146 characters for 142). The subtitle now names a handful of regions
   and counts the rest (合成东山县、合成东水县、合成东林县等60个地区); a document property is cut to 255 characters.
2. The Word table was quadratic in its rows (python-docx's ``table.rows[i]`` rebuilds the row list at each call; a
   picture's id searched the whole document): 3,550 rows took 854 s. Rows are walked once.
3. 分类汇总 named every region of an indicator (a cell of 29,000 characters for 112 regions): beyond a handful it
   counts them (48个地区) or names the few without it (除…外的57个地区); 分地区汇总 lists every region.
4. A plan's 〈〉 rows with a baseline warned once each (184 identical lines): one warning, its first rows named.
5. ``write_report(assess(..., as_of=2021), details of assess_detailed on data to 2023)`` mixed them silently (the table
   83 %, the chart 87 %): refused, saying to pass both results of one assess_detailed call.
6. ``build_report(table.set_index("region"), details)`` made a report of "0 region(s)" (or a misleading refusal
   when sorted): the regions are read from the index.

Every figure below is SYNTHETIC (made up here): fictional counties, 2020-2023.
"""
from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

import mstarget as mt
from mstarget.exceptions import InconsistentDataWarning, ParameterError
from mstarget.report import build_report, write_report
from mstarget.report.narrative import summary_groups
from scale_helpers import county_plan_and_history

#: 60 fictional counties (SYNTHETIC)
COUNTIES = [f"合成{a}{b}县" for a in "东南西北中上" for b in "山水林田湖河江海城乡"]
#: the last three counties' pass rate barely moves (behind), the others' rises to the target
SLOW = COUNTIES[-3:]


def _inputs(counties=COUNTIES):
    """A plan of two targets per county and their histories 2020-2023 (SYNTHETIC; ``scale_helpers``)."""
    return county_plan_and_history(counties, SLOW, seed=41)


@pytest.fixture(scope="module")
def province():
    plan, hist = _inputs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(hist, plan, n_paths=200, seed=0, as_of=2023)
    return plan, hist, table, details


def test_a_report_of_60_regions_is_written_in_word_and_counts_its_regions(province, tmp_path):
    _, _, table, details = province
    paths = [tmp_path / "r.docx", tmp_path / "r.xlsx"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = write_report(table, details, paths, date="2023-12-20")  # HEAD: ValueError, 255 char limit
    said = "地区：合成东山县、合成东水县、合成东林县等60个地区"
    assert report.subtitle.startswith(said + " · 评估基准年：2023年")
    doc = Document(str(paths[0]))
    assert len(doc.core_properties.subject) <= 255 and doc.core_properties.subject == report.subtitle
    assert any(p.text == report.subtitle for p in doc.paragraphs[:6])  # under the title, the regions counted
    assert "合成上乡县" not in report.subtitle  # not all 60 names: 分地区汇总 lists them
    wb = load_workbook(paths[1])
    assert wb.properties.subject == report.subtitle
    # a handful of regions are all named
    few = table[table["region"].isin(COUNTIES[:5])]
    assert build_report(few, details, date="2023-12-20").subtitle.startswith("地区：" + "、".join(COUNTIES[:5]) + " · ")


def test_a_long_subtitle_is_cut_where_it_is_a_document_property():
    from mstarget.report.formatting import property_text

    text = "地区：" + "、".join(COUNTIES * 3)
    cut = property_text(text)
    assert len(cut) == 255 and cut.endswith("…") and text.startswith(cut[:-1])
    assert property_text("地区：甲县") == "地区：甲县"


def test_the_word_table_walks_its_rows_once(province, tmp_path, monkeypatch):
    """python-docx's ``table.rows[i]`` lists every row at each call and ``next_id`` searches the whole document:
    called per cell and per chart they made a province's 3,550 rows take 854 s (HEAD: thousands of calls here)."""
    import docx.table
    from docx.parts.story import StoryPart

    _, _, table, details = province
    table = table[table["region"].isin(COUNTIES[:20])]  # 40 rows (HEAD's subtitle of 20 names fits its property)
    calls = {"rows[i]": 0, "next_id": 0}
    rows_getitem, next_id = docx.table._Rows.__getitem__, StoryPart.next_id

    def counted_rows(self, idx):
        calls["rows[i]"] += 1
        return rows_getitem(self, idx)

    def counted_next_id(self):
        calls["next_id"] += 1
        return next_id.fget(self)

    monkeypatch.setattr(docx.table._Rows, "__getitem__", counted_rows)
    monkeypatch.setattr(StoryPart, "next_id", property(counted_next_id))
    path = tmp_path / "r.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = write_report(table, details, path, date="2023-12-20", max_charts=6)
    assert calls["rows[i]"] <= 10 and calls["next_id"] <= 1, calls
    # the table still says what the report says, row by row, and every cell has its column's width
    doc = Document(str(path))
    main = max(doc.tables, key=lambda t: len(t.rows))
    assert len(main.rows) == 1 + len(report.rows) == 41
    last = report.rows[-1]
    texts = [c.text for c in main.rows[-1].cells]
    assert last.cells["p_meet"].text in texts and any(last.raw["region"] in t for t in texts)
    widths = [c.width for c in main.rows[0].cells]
    assert all([c.width for c in row.cells] == widths for row in main.rows) and all(w for w in widths)
    assert len(doc.inline_shapes) >= 6  # the fan charts (and the overview) are in
    ids = [int(s._inline.docPr.id) for s in doc.inline_shapes]
    assert len(set(ids)) == len(ids)  # each picture its own id


def test_the_summary_by_category_counts_many_regions_or_names_the_few_without(province):
    _, _, table, details = province
    report = build_report(table, details, date="2023-12-20")
    groups = [entry for cells in summary_groups(report) for entry in cells]
    # HEAD: 食品抽检合格率（57个地区：合成东山县、…） -- every name
    assert f"食品抽检合格率（除{'、'.join(SLOW)}外的57个地区）" in groups
    assert f"食品抽检合格率（3个地区：{'、'.join(SLOW)}）" in groups  # a handful: named
    for entry in groups:
        assert entry.count("合成") <= 8, entry
        assert re.fullmatch(r"\S+（(全部60个地区|\d+个地区|除\S+外的\d+个地区|\d个地区：\S+|\S+)）", entry), entry
    # the regions are all in 分地区汇总
    assert set(report.by_region["region"]) == set(COUNTIES)


def test_a_plan_of_many_increment_baselines_warns_once():
    rows = [dict(region=r, indicator="new_entities", name="新增市场主体（合成）", unit="万户", baseline_year=2020,
                 baseline="〈8〉", target_year=2025, target="〈10〉", attribute="预期性") for r in COUNTIES[:30]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.read_plan(pd.DataFrame(rows))
    found = [w.message for w in caught if issubclass(w.category, InconsistentDataWarning)
             and "上一规划期的新增数" in str(w.message)]
    assert len(found) == 1, len(found)  # HEAD: 30 warnings, one per row
    said = [str(found[0])]
    assert "30 行〈〉指标（1 项）" in said[0] and "30 rows of 1 increment indicator" in said[0]
    # a plan DataFrame's rows are named by index label (H5): 0 .. 29
    assert "row 0 '〈8〉' (合成东山县/new_entities)" in said[0] and "and 25 more" in said[0]
    assert [p.row for p in found[0].problems] == list(range(0, 30))  # every cell concerned, for a program
    with warnings.catch_warnings(record=True) as caught:  # one row: as before, its cell named
        warnings.simplefilter("always")
        mt.read_plan(pd.DataFrame(rows[:1]))
    said = [str(w.message) for w in caught if "上一规划期的新增数" in str(w.message)]
    assert len(said) == 1 and said[0].startswith("<DataFrame>, row 0, column 'baseline': '〈8〉': 〈〉基期值是上一规划期的新增数")


def test_details_of_another_call_are_refused(province, tmp_path):
    """A table of assess(as_of=2021) with the details of assess_detailed on data to 2023: the table would say one
    probability and the chart, drawn from the later data, another."""
    plan, hist, table, details = province
    few = plan[plan["region"].isin(COUNTIES[:4])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        early = mt.assess(hist, few, n_paths=200, seed=0, as_of=2021)
        t, d = mt.assess_detailed(hist, few, n_paths=200, seed=0, as_of=2023)
    with pytest.raises(ParameterError, match="the details are not of this table's call.*data to 2021.*data to 2023"
                                             ".*Pass both results of one assess_detailed call"):
        write_report(early, d, tmp_path / "r.html")  # HEAD: written, no warning
    assert not (tmp_path / "r.html").exists()
    # the same call's table sorted, filtered or rounded is its own
    assert len(build_report(t.sort_values("p_meet"), d).rows) == 8
    assert len(build_report(t.assign(p_meet=t["p_meet"].round(2)), d).rows) == 8
    assert len(build_report(t[t["region"] == COUNTIES[1]], d).rows) == 2


def test_a_table_indexed_by_region_reports_its_regions(province):
    _, _, table, details = province
    t = table[table["region"].isin(COUNTIES[:3])]
    want = [(r.raw["region"], r.name, r.cells["p_meet"].text) for r in build_report(t, details).rows]
    by_region = build_report(t.set_index("region"), details)  # HEAD: "0 region(s)", rows without their region
    assert by_region.regions == COUNTIES[:3]
    assert [(r.raw["region"], r.name, r.cells["p_meet"].text) for r in by_region.rows] == want
    both = build_report(t.set_index(["region", "indicator"]).sort_values("p_meet"), details)  # HEAD: refused
    assert sorted((r.raw["region"], r.name, r.cells["p_meet"].text) for r in both.rows) == sorted(want)
    # each row's chart is its own
    assert all(r.assessment.row["region"] == r.raw["region"] and r.assessment.row["indicator"] == r.raw["indicator"]
               for r in both.rows if r.assessment is not None)
