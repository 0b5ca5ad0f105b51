"""mstarget report: the evaluation report as HTML, Excel and Word, from one report model (issue 12).

Opened as a reader (or a checking script) would: Chinese headers and narrative sentences present,
one fan chart per target, and every figure of a narrative equal to the figures of its table row, in
all three files. Data: the real Dinghu plan with SYNTHETIC history (tests/report_helpers.py).
"""
from __future__ import annotations

import html as htmllib
import re

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from report_helpers import dinghu_history, dinghu_plan

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.cli.main import main
from mstarget.report import build_report, write_report
from mstarget.report.formatting import numbers_in
from mstarget.report.model import OBSERVED_FORECAST_COLUMN
from mstarget.report.narrative import RANGE_LABEL

TITLE = "肇庆市鼎湖区市场监管现代化“十四五”规划"
N = 19


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """``mstarget report`` run once, writing the three formats."""
    d = tmp_path_factory.mktemp("report")
    plan, history = d / "plan.csv", d / "history.csv"
    dinghu_plan(edge=True).to_csv(plan, index=False, encoding="utf-8")
    dinghu_history(edge=True).to_csv(history, index=False, encoding="utf-8")
    outs = {ext: d / f"鼎湖区中期评估.{ext}" for ext in ("html", "xlsx", "docx")}
    argv = ["report", "--plan", str(plan), "--history", str(history), "--as-of", "2023", "--title", TITLE,
            "--no-track"]
    for p in outs.values():
        argv += ["--out", str(p)]
    assert main(argv) == 0
    return outs


def _numbers(text: str) -> list[float]:
    return [abs(float(t.replace(",", ""))) for t in numbers_in(text)]


def _with_differences(shown: set, text: str) -> set:
    """``shown``, plus the differences of two of them when the text says a series moved away from its
    target (不升反降，减少2批次/年: the change between the two figures shown)."""
    if "反降" not in text and "反升" not in text:
        return shown
    return shown | {round(abs(a - b), 6) for a in shown for b in shown}


def _narrative_numbers(name: str, text: str) -> list[float]:
    assert text.startswith(name), (name, text)
    return _numbers(text[len(name):].replace(RANGE_LABEL["zh"], ""))


# -- HTML ----------------------------------------------------------------------------------------

def _html_rows(page: str) -> dict[int, dict[str, str]]:
    rows = {}
    for num, body in re.findall(r'<tr data-row="(\d+)"[^>]*>(.*?)</tr>', page):
        rows[int(num)] = {c: htmllib.unescape(v) for c, v in re.findall(r'<td data-col="(\w+)"[^>]*>(.*?)</td>', body)}
    return rows


#: the main table's header of the Dinghu mid-term report (session 35: 单位 before 属性, the shared base and
#: target years in the headers, one column per observed year, 预计完成情况, no 风险状态 / 预测模型 column)
MAIN_HEADER = ["序号", "指标名称", "单位", "属性", "基期值（2020年）", "目标年", "目标值", "2021年", "2022年", "2023年",
               "时间进度", "目标进度", "距目标差距", OBSERVED_FORECAST_COLUMN[False].zh, "80%区间", "实现概率", "评价",
               "预计完成情况", "尚需年均变化", "已观测年均变化"]


def test_html_is_a_self_contained_chinese_report(written):  # issue 12
    page = written["html"].read_text(encoding="utf-8")
    h1 = htmllib.unescape(re.search(r"<h1>(.*?)</h1>", page).group(1))
    meta = htmllib.unescape(re.search(r'<p class="meta">(.*?)</p>', page).group(1))
    assert h1 == f"《{TITLE}》主要指标中期评估"
    assert "地区：鼎湖区" in meta and "评估基准年：2023年" in meta and re.search(r"报告日期：\d{4}年\d{1,2}月\d{1,2}日", meta)
    headers = [htmllib.unescape(h) for h in re.findall(r'<th data-col="\w+">(.*?)</th>', page)]
    # one region: no 地区; no 力争; the 2022 target is observed: its column holds observed values and forecasts
    assert headers == MAIN_HEADER
    # 存在的问题 (the targets behind, session 43) before the overview; 下一步工作建议 left to the analyst
    for section in ("一、总体情况", "二、分类汇总", "三、主要指标评估表", "四、存在的问题", "五、总览图", "六、逐项评估",
                    "八、下一步工作建议", "说明"):
        assert f"<h2>{section}</h2>" in page
    # self-contained: no external resource of any kind
    assert not re.search(r'(src|href)="(https?:|//|file:)', page) and "<link" not in page and "<script" not in page
    # one fan chart per target with something to draw: none for 无数据指标（合成） (no data, no forecast; session 38)
    # nor for 地方标准, its 2020 baseline alone (no trend to extrapolate, session 43)
    assert len(re.findall(r'<img class="chart fan"', page)) == N - 2 and "无数据指标（合成）：扇形图" not in page
    assert "地方标准：扇形图" not in page
    assert len(re.findall(r'<img class="chart overview"', page)) == 1
    # the plan row with only its 2020 baseline has no history after it: listed, never dropped (issue 18)
    unmatched = re.search(r'<section id="unmatched">(.*?)</section>', page, re.S).group(1)
    assert "规划中未找到历史数据的指标" in unmatched and "地方标准" in unmatched
    assert "未对应规划指标的历史数据" not in unmatched
    assert not re.search(r"\d\.\d{5,}", re.sub(r'src="data:[^"]+"', "", page))  # no raw floats


def test_html_narratives_state_the_figures_of_their_table_rows(written):  # issue 12
    page = written["html"].read_text(encoding="utf-8")
    rows = _html_rows(page)
    paragraphs = {int(k): htmllib.unescape(v) for k, v in
                  re.findall(r'<p class="narrative" data-row="(\d+)">(.*?)</p>', page)}
    assert sorted(rows) == sorted(paragraphs) == list(range(1, N + 1))
    headers = " ".join(htmllib.unescape(h) for h in re.findall(r'<th data-col="\w+">(.*?)</th>', page))
    for k, text in paragraphs.items():  # the figures of the row, or the years its headers name (2020年)
        shown = _with_differences({v for cell in rows[k].values() for v in _numbers(cell)} | set(_numbers(headers)),
                                  text)
        stated = _narrative_numbers(rows[k]["name"], text)
        assert stated and set(stated) <= shown, (text, set(stated) - shown)
        assert f"评价：{rows[k]['category']}。" in text
    # the plan's order (session 35: binding targets are marked by their 属性, no longer moved first)
    assert [rows[k]["name"] for k in (1, 2)] == ["期末市场主体总量", "全区每千人拥有企业户"]
    assert {rows[k]["attribute"] for k in rows} == {"约束性", "预期性"}


# -- XLSX ----------------------------------------------------------------------------------------

def _shown(cell) -> list[float]:
    """The figure(s) a spreadsheet cell shows: a percentage format shows value * 100."""
    v = cell.value
    if v is None:
        return []
    if isinstance(v, str):
        return _numbers(v)
    if cell.number_format.startswith("[>=0.995]"):  # probability: ">99%" / "<1%" at the extremes
        return [99.0] if v >= 0.995 else [1.0] if v < 0.005 else [abs(round(100 * v, 6))]
    return [abs(round(100 * v, 6))] if "%" in cell.number_format else [abs(float(v))]


def test_xlsx_has_chinese_headers_number_formats_and_a_frozen_header(written):  # issue 12
    wb = load_workbook(written["xlsx"])
    # the baseline-only row (地方标准) is listed as a plan row without history (issue 18)
    assert wb.sheetnames == ["评估表", "概况", "逐项说明", "图表", "未匹配的数据", "说明"]
    ws = wb["评估表"]
    assert ws["A1"].value == f"《{TITLE}》主要指标中期评估"  # a title row above the table (session 35)
    header = [c.value for c in ws[2]]
    assert header[:4] == ["序号", "指标名称", "单位", "属性"] and "实现概率" in header and "80%区间下限" in header
    assert ws.freeze_panes == "C3" and ws.max_row == N + 2
    col = {h: i for i, h in enumerate(header)}
    for row in ws.iter_rows(min_row=3):
        p = row[col["实现概率"]]
        if p.value is not None:
            assert "0%" in p.number_format and 0 <= p.value <= 1
        for cell in row:
            if isinstance(cell.value, float):  # stored rounded to what the format shows
                decimals = len(cell.number_format.split(".")[1].split(";")[0].rstrip('"')) \
                    if "." in cell.number_format else (2 if "%" in cell.number_format else 0)
                assert cell.value == round(cell.value, decimals + (2 if "%" in cell.number_format else 0)), \
                    (cell.coordinate, cell.value, cell.number_format)
    assert ws.column_dimensions["B"].width >= 14
    # the overview and a fan chart per target but the one without data and 地方标准 (its baseline alone)
    assert len(wb["图表"]._images) == N - 1
    summary = wb["概况"]
    assert summary["A1"].value == f"《{TITLE}》主要指标中期评估" and summary["A4"].value.startswith("本次评估共19项指标")


def test_xlsx_narratives_state_the_figures_of_their_table_rows(written):  # issue 12
    wb = load_workbook(written["xlsx"])
    table = {row[0].value: row for row in wb["评估表"].iter_rows(min_row=3)}
    header = [str(c.value) for c in wb["评估表"][2]]
    texts = list(wb["逐项说明"].iter_rows(min_row=2, values_only=True))
    assert len(texts) == N
    for number, name, category, text, _model in texts:  # the row's figures, or the years its headers name
        shown = _with_differences({v for cell in table[number] for v in _shown(cell)}
                                  | set(_numbers(" ".join(header))), text)
        stated = _narrative_numbers(name, text)
        assert set(stated) <= shown, (text, set(stated) - shown)
        assert text.endswith(f"评价：{category}。")


# -- DOCX ----------------------------------------------------------------------------------------

def test_docx_is_laid_out_as_an_evaluation_report(written):  # issue 12
    doc = Document(written["docx"])
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    assert paragraphs[0].style.name == "Title" and paragraphs[0].text == f"《{TITLE}》主要指标中期评估"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体情况", "二、分类汇总", "三、主要指标评估表", "四、存在的问题", "五、总览图", "六、逐项评估",
                        "七、未匹配的数据", "八、下一步工作建议", "说明"]
    summary, main_table, unmatched = doc.tables
    assert "地方标准" in [c.text for r in unmatched.rows for c in r.cells]
    assert [c.text for c in summary.rows[0].cells] == ["评价", "约束性", "预期性", "合计", "指标"]
    assert [c.text for c in main_table.rows[0].cells] == MAIN_HEADER  # the same columns as the HTML
    assert len(main_table.rows) == N + 1
    # the overview and a fan chart per target but the one without data and 地方标准 (its baseline alone)
    assert len(doc.inline_shapes) == N - 1
    assert doc.sections[1].orientation == 1  # the wide table on a landscape page


def test_docx_narratives_state_the_figures_of_their_table_rows(written):  # issue 12
    doc = Document(written["docx"])
    main_table = doc.tables[1]
    header = [c.text for c in main_table.rows[0].cells]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in main_table.rows[1:]}
    heads = [p for p in doc.paragraphs if p.style.name == "Heading 2" and re.match(r"\d+\. ", p.text)]
    assert len(heads) == N
    body = doc.paragraphs
    for h in heads:
        number, rest = h.text.split(". ", 1)
        cells = rows[number]
        name = cells[header.index("指标名称")]
        text = body[[p._p for p in body].index(h._p) + 1].text
        shown = _with_differences({v for cell in cells + header for v in _numbers(cell)}, text)  # + headers' years
        assert set(_narrative_numbers(name, text)) <= shown, text


# -- options and refusals -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def assessed():
    plan = mt.read_plan(dinghu_plan(edge=True))
    with pytest.warns(mt.ShortHistoryWarning):
        table, details = assess_detailed(dinghu_history(edge=True), plan, as_of=2023, seed=0)
    return plan, table, details


def test_english_report_title_from_the_plan_and_unmatched_rows(assessed, tmp_path):  # issue 12
    plan, table, details = assessed
    plan = plan.copy()
    plan.attrs["title"] = "Dinghu market regulation 14th five-year plan"
    table = table.copy()
    table.attrs["unmatched_history"] = pd.DataFrame({"region": ["鼎湖区"], "indicator": ["stray_series"],
                                                     "years": ["2019-2023"]})
    out = tmp_path / "en.html"
    report = write_report(table, details, [out, tmp_path / "en.docx", tmp_path / "en.xlsx"], plan=plan,
                          lang="en", date="2024-03-01", max_charts=2)
    page = out.read_text(encoding="utf-8")
    assert report.title == "Mid-term evaluation of the main indicators: Dinghu market regulation 14th " \
                           "five-year plan (鼎湖区)"
    assert "<th data-col=\"p_meet\">P(target met)</th>" in page and "Assessment:" in page
    # numbered after 4. Problems (the targets behind, session 43); 8. Next steps left to the analyst
    assert "7. Unmatched data" in page and "stray_series" in page and "8. Next steps" in page
    assert "Unmatched" in load_workbook(tmp_path / "en.xlsx").sheetnames
    assert any(p.text == "7. Unmatched data" for p in Document(tmp_path / "en.docx").paragraphs)


def test_chart_cap_keeps_binding_and_most_at_risk_targets(assessed, tmp_path):  # issue 12
    plan, table, details = assessed
    report = write_report(table, details, tmp_path / "few.html", max_charts=5)
    page = (tmp_path / "few.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<img class="chart fan"', page)) == 5
    charted = [report.rows[k] for k in report.charted]
    assert sum(r.binding for r in charted) == 3  # every binding target keeps its chart
    others = sorted((r for r in report.rows if not r.binding), key=lambda r: (r.category != "behind", r.raw["p_meet"]))
    assert {r.number for r in charted if not r.binding} == {r.number for r in others[:2]}
    assert "扇形图仅列出5项" in page


def test_an_empty_assessment_still_gives_readable_files(assessed, tmp_path):
    _, table, details = assessed
    outs = [tmp_path / "empty.html", tmp_path / "empty.xlsx", tmp_path / "empty.docx"]
    report = write_report(table.iloc[:0], [], outs, lang="zh")
    assert report.overall == "本次评估没有指标。" and all(p.stat().st_size > 0 for p in outs)


def test_report_refuses_other_extensions_and_bad_plan(tmp_path, data_dir, capsys):
    assert main(["report", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--out",
                 str(tmp_path / "r.html"), "--out", str(tmp_path / "r.pdf"), "--no-track"]) == 2
    assert "use a file name ending in .html, .xlsx or .docx" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
    bad = tmp_path / "plan.csv"
    bad.write_text("region,indicator,target_year,target\nR,x,2025,〔abc〕\n", encoding="utf-8")
    assert main(["report", "--plan", str(bad), "--out", str(tmp_path / "r.html"), "--no-track"]) == 2
    assert "row 2, column 'target'" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_national_report_on_real_data(tmp_path, data_dir):
    out = tmp_path / "national.html"
    code = main(["report", "--plan", str(data_dir / "china" / "national_targets.csv"), "--history",
                 str(data_dir / "china" / "national_history.csv"), "--as-of", "2022", "--out", str(out),
                 "--no-track"])
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('<tr data-row="') == 5 and "每万人口高价值发明专利拥有量" in page
    assert "暂无监测数据" in page  # 制造业产品质量合格率 has no history
    # its unmatched series are listed with Chinese headers, and no id given again as their name
    section = re.search(r'<section id="unmatched">(.*?)</section>', page, re.S).group(1)
    # the national history names every series, so the names are shown and the English ids are not (session 43:
    # food_sampling_batches is the history file's housekeeping, not the 局长's)
    assert "<th>地区</th><th>指标名称</th><th>观测年数</th><th>起始年</th><th>截止年</th><th>建议</th>" \
           in section and "n_obs" not in section
    assert '<td class="wrap">食品抽检批次</td>' in section and "food_sampling_batches" not in section
    assert "指标代码" not in section


UNMATCHED_PLAN_HEADER = ["地区", "指标代码", "指标名称", "目标年", "建议"]
UNMATCHED_HISTORY_HEADER = ["地区", "指标代码", "指标名称", "观测年数", "起始年", "截止年", "建议"]


def test_unmatched_data_are_listed_in_chinese_in_every_format(tmp_path):
    """SYNTHETIC series added to the Dinghu history: one under 鼎湖 (the district without 区), one the
    plan lacks; neither names itself, so the plan's 指标名称 is shown where it has one, else –."""
    extra = pd.DataFrame([{"region": r, "indicator": i, "year": y, "value": v, "source": "synthetic"}
                          for r, i in (("鼎湖", "market_entities_total"), ("鼎湖区", "stray_series"))
                          for y, v in ((2021, 2.2), (2022, 2.4), (2023, 2.7))])
    with pytest.warns(mt.UnmatchedWarning):
        table, details = assess_detailed(pd.concat([dinghu_history(), extra]), mt.read_plan(dinghu_plan()),
                                         as_of=2023, seed=0)
    outs = [tmp_path / "u.html", tmp_path / "u.xlsx", tmp_path / "u.docx"]
    write_report(table, details, outs, max_charts=1)
    typo = ["鼎湖", "market_entities_total", "期末市场主体总量", "3", "2021", "2023", "地区是否应为鼎湖区？（地区不按猜测匹配）"]
    stray = ["鼎湖区", "stray_series", "–", "3", "2021", "2023", ""]
    plan_row = ["鼎湖区", "local_standards", "地方标准", "2025", ""]

    section = re.search(r'<section id="unmatched">(.*?)</section>', outs[0].read_text(encoding="utf-8"), re.S).group(1)
    html_rows = [[htmllib.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)]
                 for tr in re.findall(r"<tr>(.*?)</tr>", section)]
    assert html_rows == [UNMATCHED_PLAN_HEADER, plan_row, UNMATCHED_HISTORY_HEADER, typo, stray]

    ws = load_workbook(outs[1])["未匹配的数据"]
    sheet = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True) if any(r)]
    assert [r[:len(UNMATCHED_PLAN_HEADER)] for r in sheet[1:3]] == [UNMATCHED_PLAN_HEADER, plan_row]
    assert [r[:len(UNMATCHED_HISTORY_HEADER)] for r in sheet[4:7]] == [UNMATCHED_HISTORY_HEADER, typo, stray]

    _, _, plan_table, history_table = Document(outs[2]).tables
    assert [[c.text for c in r.cells] for r in plan_table.rows] == [UNMATCHED_PLAN_HEADER, plan_row]
    assert [[c.text for c in r.cells] for r in history_table.rows] == [UNMATCHED_HISTORY_HEADER, typo, stray]


def test_a_table_title_ending_in_its_main_indicators_is_not_repeated(assessed):
    """A mid-term table titled …规划主要指标完成情况 (the sheet's own title): the heading names the plan once."""
    plan, table, details = assessed
    plan = plan.copy()
    plan.attrs["title"] = "肇庆市鼎湖区市场监管现代化“十四五”规划主要指标完成情况"
    report = build_report(table, details, plan=plan)
    assert report.title == "《肇庆市鼎湖区市场监管现代化“十四五”规划》主要指标中期评估"
    assert build_report(table, details, title="《鼎湖区“十四五”规划》主要指标完成情况表").title == \
        "《鼎湖区“十四五”规划》主要指标中期评估"


def test_a_title_naming_the_evaluation_or_numbered_as_a_table_is_not_doubled(assessed):
    """A --title that already names the evaluation is the heading as it is; a 表1 caption's number is no
    part of the plan's name (the tester's 《…中期评估报告》主要指标中期评估 and 《表1 鼎湖区…》)."""
    plan, table, details = assessed
    given = "鼎湖区“十四五”市场监管规划主要指标中期评估报告"
    assert build_report(table, details, title=given).title == given
    assert build_report(table, details, title="表1 鼎湖区市场监管“十四五”规划主要指标").title == \
        "《鼎湖区市场监管“十四五”规划》主要指标中期评估"


def test_a_chinese_report_dates_itself_in_chinese(assessed):
    plan, table, details = assessed
    assert build_report(table, details, date="2026-12-05").subtitle.endswith("报告日期：2026年12月5日")
    assert build_report(table, details, date="2026-12-05", lang="en").subtitle.endswith("report date 2026-12-05")
