"""Session 38: a report of many regions one can find one's way in, printed and handed in as 公文.

* a 目录 (html: links to the sections and to each region's targets; docx: a TOC field), 五、逐项评估 grouped by
  region (a heading per region), the 分类汇总 and the overall paragraph naming each indicator once with its regions
  (食品抽检合格率（全部3个地区）, not 甲区食品抽检合格率、乙区食品抽检合格率、…), a 分指标汇总 table;
* docx: the page number in every page's footer (a PAGE field);
* html printed: a heading never left alone at the foot of a page, a table's header row repeated;
* xlsx 逐项说明: no empty 预测模型 column in a 总结评估;
* charts: the alt text of a 总结评估's chart does not call it a fan chart; a count (起, 项, 批次) gets whole-number
  ticks, never 0.5 起.

Every figure below is SYNTHETIC (made up here): three fictional districts, three indicators, 2020-2025.
"""
from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from mstarget.assess import assess_detailed
from mstarget.report import write_report

REGIONS = ["甲区", "乙区", "丙区"]
#: SYNTHETIC yearly values 2020-2025 per region
VALUES = {
    "accidents": {"甲区": (0, 1, 2, 1, 0, 2), "乙区": (0, 0, 1, 0, 1, 0), "丙区": (1, 0, 0, 1, 0, 1)},
    "pass_rate": {"甲区": (96.0, 96.2, 96.5, 96.7, 97.0, 97.2), "乙区": (95.0, 95.5, 96.0, 96.2, 96.5, 97.0),
                  "丙区": (97.0, 97.1, 97.2, 97.3, 97.5, 97.6)},
    "standards": {"甲区": (2, 3, 4, 5, 6, 7), "乙区": (1, 2, 2, 3, 3, 4), "丙区": (3, 4, 4, 5, 5, 6)},
}
INDICATORS = {"accidents": ("较大以上特种设备事故", "起", "≤1", "约束性"),
              "pass_rate": ("食品抽检合格率", "%", "≥98", "约束性"),
              "standards": ("主导制定地方标准", "项", "≥5", "预期性")}


def _inputs(regions=REGIONS):
    plan, hist = [], []
    for region in regions:
        for ind, (name, unit, target, attribute) in INDICATORS.items():
            vals = VALUES[ind][region]
            plan.append({"region": region, "indicator": ind, "name": name, "unit": unit, "baseline_year": 2020,
                         "baseline": str(vals[0]), "target_year": 2025, "target": target, "attribute": attribute})
            hist += [{"region": region, "indicator": ind, "name": name, "unit": unit, "year": 2020 + k,
                      "value": float(v)} for k, v in enumerate(vals)]
    return pd.DataFrame(plan), pd.DataFrame(hist)


def _write(tmp_path, stem, *, as_of=None, regions=REGIONS):
    plan, hist = _inputs(regions)
    with _quiet():
        table, details = assess_detailed(hist, plan, as_of=as_of, seed=0)
    outs = [tmp_path / f"{stem}.{e}" for e in ("html", "docx", "xlsx")]
    report = write_report(table, details, outs, as_of=as_of, date="2026-12-06")
    return report, outs


class _quiet:
    def __enter__(self):
        import warnings
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


@pytest.fixture(scope="module")
def final(tmp_path_factory):
    """A 总结评估 (2025 observed) of the three districts."""
    return _write(tmp_path_factory.mktemp("final"), "总结")


@pytest.fixture(scope="module")
def midterm(tmp_path_factory):
    """A 中期评估 (data up to 2023) of the three districts."""
    return _write(tmp_path_factory.mktemp("mid"), "中期", as_of=2023)


# -- 1. navigation: 目录, regions, lists grouped by indicator ---------------------------------------------------

def test_html_of_several_regions_has_contents_linking_to_each_region(final):
    page = final[1][0].read_text(encoding="utf-8")
    nav = re.search(r'<nav class="toc">(.*?)</nav>', page, re.S)
    assert nav, "no 目录"
    links = re.findall(r'href="#([^"]+)"', nav.group(1))
    assert links[:3] == ["overall", "summary", "table"]
    assert [f"region-{k}" for k in (1, 2, 3)] == [a for a in links if a.startswith("region-")]
    for anchor in links:  # every link leads somewhere
        assert f'id="{anchor}"' in page, anchor
    # 五、逐项评估: a heading per region, its targets under it
    heads = re.findall(r'<h3 class="region" id="region-(\d)">(.*?)</h3>', page)
    assert heads == [("1", "甲区（3项）"), ("2", "乙区（3项）"), ("3", "丙区（3项）")]
    section = page[page.index('<section id="targets">'):]
    assert section.index('id="region-2"') < section.index('id="t4"') < section.index('id="region-3"')
    assert re.search(r'<h4>4\. 乙区 较大以上特种设备事故', section)


def test_summary_and_overall_name_each_indicator_once_with_its_regions(final):
    report, (html, docx, xlsx) = final
    page = html.read_text(encoding="utf-8")
    # every district missed the pass rate: said once, not 甲区食品抽检合格率、乙区食品抽检合格率、丙区食品抽检合格率
    assert "约束性指标中未完成的有4项：较大以上特种设备事故（甲区）、食品抽检合格率（全部3个地区）。" in report.overall, \
        report.overall
    assert "甲区食品抽检合格率、乙区食品抽检合格率" not in report.overall
    assert "预期性指标中未完成的有1项：主导制定地方标准（乙区）。" in report.overall
    row = re.search(r'<tr data-category="not_completed">(.*?)</tr>', page).group(1)
    assert "较大以上特种设备事故（甲区）<br>食品抽检合格率（全部3个地区）<br>主导制定地方标准（乙区）" in row, row
    wb = load_workbook(xlsx)
    cells = [c.value for c in wb["概况"]["E"] if c.value]
    assert "较大以上特种设备事故（甲区）\n食品抽检合格率（全部3个地区）\n主导制定地方标准（乙区）" in cells
    doc = Document(docx)
    assert any("食品抽检合格率（全部3个地区）" in c.text and "1. 甲区" not in c.text
               for c in doc.tables[0].columns[4].cells)


def test_a_table_by_indicator_counts_regions_per_category_and_outlook(final, midterm):
    _, (html, docx, xlsx) = final
    rows = list(load_workbook(xlsx)["分指标汇总"].iter_rows(values_only=True))
    assert rows[0] == ("指标", "已完成", "未完成", "合计")  # no 数据不足 column of zeros (session 39)
    assert rows[1:] == [("较大以上特种设备事故", 2, 1, 3), ("食品抽检合格率", 0, 3, 3),
                        ("主导制定地方标准", 2, 1, 3), ("合计", 4, 5, 9)]
    page = html.read_text(encoding="utf-8")
    assert re.search(r"<h3[^>]*>表\d 分指标汇总（地区数）</h3>", page)  # s41: numbered as the page orders its tables
    doc = Document(docx)
    assert any(t.rows[0].cells[0].text == "指标" and t.rows[2].cells[0].text == "食品抽检合格率" for t in doc.tables)
    # a 中期评估 counts the outlook (预计完成情况) too
    _, (_, _, mid_xlsx) = midterm
    head = next(load_workbook(mid_xlsx)["分指标汇总"].iter_rows(values_only=True))
    assert "完成难度较大" in head and head[-1] == "合计"


def test_docx_of_several_regions_has_a_toc_and_a_heading_per_region(final):
    doc = Document(final[1][1])
    body = doc.element.body.xml
    assert re.search(r"<w:instrText[^>]*> TOC \\o &quot;1-2&quot;", body) or 'TOC \\o "1-2"' in body
    texts = [p.text for p in doc.paragraphs]
    assert texts[2] == "目录" and "乙区（3项）" in texts[3:12]  # its entries as the headings read
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h2 == ["甲区（3项）", "乙区（3项）", "丙区（3项）"]
    h3 = [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
    assert h3[0].startswith("1. 甲区 较大以上特种设备事故") and len(h3) == 9


def test_one_region_has_no_contents_and_no_region_headings(tmp_path):
    _, (html, docx, xlsx) = _write(tmp_path, "one", regions=["甲区"])
    page = html.read_text(encoding="utf-8")
    assert '<nav class="toc">' not in page and 'class="region"' not in page and "分指标汇总" not in page
    assert re.search(r"<h3>1\. 较大以上特种设备事故", page)
    assert "分指标汇总" not in load_workbook(xlsx).sheetnames
    assert [p.text for p in Document(docx).paragraphs][2] == "一、总体情况"


# -- 2. docx page numbers ------------------------------------------------------------------------------------

def test_docx_footer_numbers_every_page(final, tmp_path):
    with zipfile.ZipFile(final[1][1]) as z:
        footers = [n for n in z.namelist() if re.match(r"word/footer\d*\.xml", n)]
        xml = "".join(z.read(n).decode("utf-8") for n in footers)
        document = z.read("word/document.xml").decode("utf-8")
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml), xml[:500]
    assert "— " in xml and "footerReference" in document
    # a one-region report too
    _, (_, docx, _) = _write(tmp_path, "one", regions=["甲区"])
    with zipfile.ZipFile(docx) as z:
        assert any(b" PAGE " in z.read(n) for n in z.namelist() if n.startswith("word/footer"))


# -- 3. html print CSS ---------------------------------------------------------------------------------------

def test_printed_page_keeps_headings_with_what_follows_and_repeats_table_headers(final):
    page = final[1][0].read_text(encoding="utf-8")
    css = re.search(r"<style>(.*?)</style>", page, re.S).group(1).replace("\n", "")
    printed = css[css.index("@media print"):]
    assert re.search(r"h2,h3,h4\{break-after:avoid;page-break-after:avoid\}", printed)
    assert "thead{display:table-header-group}" in printed
    assert "<thead>" in page


# -- 4. xlsx: no empty 预测模型 column ---------------------------------------------------------------------------

def test_narrative_sheet_of_a_final_report_has_no_empty_model_column(final, midterm):
    ws = load_workbook(final[1][2])["逐项说明"]
    assert [c.value for c in ws[1]] == ["序号", "指标名称", "评价", "说明"]
    assert all(ws.cell(row=r, column=4).value for r in range(2, ws.max_row + 1))  # the narrative, every row
    mid = load_workbook(midterm[1][2])["逐项说明"]
    assert [c.value for c in mid[1]] == ["序号", "指标名称", "评价", "说明", "预测模型"]  # something was forecast


# -- 5. charts: alt text, whole-number ticks ----------------------------------------------------------------

def test_final_report_chart_is_not_called_a_fan_chart(final, midterm):
    page = final[1][0].read_text(encoding="utf-8")
    alts = re.findall(r'<img class="chart fan" alt="([^"]*)"', page)
    assert alts and not any("扇形图" in a for a in alts), alts
    assert "甲区 较大以上特种设备事故：历年实际值与目标值对比图" in alts
    with zipfile.ZipFile(final[1][1]) as z:
        assert 'descr="甲区 较大以上特种设备事故：历年实际值与目标值对比图"' in z.read("word/document.xml").decode()
    mid = midterm[1][0].read_text(encoding="utf-8")
    assert "甲区 较大以上特种设备事故：扇形图" in re.findall(r'<img class="chart fan" alt="([^"]*)"', mid)


@pytest.mark.parametrize("as_of", [2023, None])
def test_a_count_gets_whole_number_ticks(as_of):
    import matplotlib.pyplot as plt

    from mstarget.report.charts import target_chart

    plan, hist = _inputs(["甲区"])
    with _quiet():
        _, details = assess_detailed(hist, plan, as_of=as_of, seed=0)
    for d in details:
        fig = target_chart(d, lang="zh")
        try:
            ticks = fig.axes[0].get_yticks()
        finally:
            plt.close(fig)
        if d.row["unit"] in ("起", "项"):
            assert all(float(t).is_integer() for t in ticks), (d.row["indicator"], ticks)
        else:  # a rate keeps its decimals
            assert d.row["unit"] == "%"
