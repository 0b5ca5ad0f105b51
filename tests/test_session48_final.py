"""The 十四五 总结评估 read as the 规划科 reviewer who signs it off (session 48, December 2026).

A district plan laid out as bureaus keep it (title row, 序号 and section rows, 〔〕 stocks, 〈〉 five-year sums, ≥ / ≤
levels, a 保持 row, a qualitative row, a 年均增长 target, binding and expected rows) and a history kept one column
per year up to 2025, some 2025 figures only 快报 / 预计, one row missing 2025 and one 〈〉 row missing 2022. The
outcomes: met comfortably, met exactly, missed narrowly, a binding target missed, a ≤ target met, a stock and a 〈〉
sum met early (2023).

1. A target met before its target year and held since says when: a stock or a sum ``2023年已达到目标（118项），
   提前2年实现``, a yearly level ``2023年起各年均达到目标（2023年为90.2%）``; one reached and lost again, or reached only
   in its target year, says nothing of the kind.
2. A target computed from the baseline (年均增长10%以上 of 〔1.89〕 = 3.04386) shows one figure everywhere: the table's
   ≥〔3.04〕 as the sentence's ≥3.04万户 and the plain row's ≥3.04 (it showed ≥〔3.044〕 beside 即≥3.04万户).
3. The printout's p_meet is the report's probability: >0.99 beside the report's >99% (it printed 1.00).
4. The chart of a 〈〉 sum whose target year is reported but a year before it is not draws no fan: its alt text says
   what it shows (历年实际值与目标值对比图), not 扇形图.
5. The three formats and the printout agree on every row's verdict and on the counts.

Data: the Dinghu plan's own rows (data/dinghu_14th_fyp_plan.csv) with SYNTHETIC rows and SYNTHETIC yearly
values made up here (not observed figures).
"""
from __future__ import annotations

import re
import warnings

import openpyxl
import pandas as pd
import pytest
from docx import Document

import mstarget as mt
from mstarget.cli.assess import _printed_probability
from mstarget.cli.main import main
from mstarget.report import build_report

REGION = "鼎湖区"

#: the plan as the district's 规划科 keeps it (SYNTHETIC rows 5, 10-13 and targets beside the published ones)
PLAN_CSV = """肇庆市鼎湖区市场监管现代化“十四五”规划主要指标,,,,,
序号,指标名称,单位,2020年基数,2025年目标,属性
一、市场主体发展,,,,,
1,期末市场主体总量,万户,〔1.89〕,年均增长10%以上,预期性
2,每万人口高价值发明专利拥有量,件/万人,〔1.04〕,〔3〕,预期性
3,知识产权质押登记融资金额,亿元,〈2.1〉,〈5〉,预期性
4,企业标准,项,〔38〕,〔117〕,预期性
5,新增注册商标,件,〈2580〉,〈3000〉,预期性
二、安全监管,,,,,
6,千人食品检验量,批次/千人,5,6,约束性
7,化妆品抽检批次数,批次/年,9,≥10,预期性
8,“明厨亮灶”覆盖率,%,81,≥90,约束性
9,药品抽检合格率,%,98,≥99,预期性
10,执业药师数,人/万人口,4.4,≥4.6,预期性
11,食品抽检合格率,%,97.8,保持在98%以上,约束性
12,特种设备万台死亡率,人/万台,0.35,≤0.3,约束性
13,智慧监管平台,—,未建成,基本建成,预期性
注：〔〕内为累计数，〈〉内为五年累计数。,,,,,
"""
#: SYNTHETIC yearly figures, one column per year; 2025 partly 快报 / 预计, 执业药师数 without 2025, 新增注册商标
#: without 2022
HISTORY_CSV = """指标名称,单位,2020年,2021年,2022年,2023年,2024年,2025年
期末市场主体总量,万户,1.89,2.10,2.35,2.61,2.86,3.12（快报）
每万人口高价值发明专利拥有量,件/万人,1.04,1.35,1.71,2.12,2.46,2.83
知识产权质押登记融资金额,亿元,,0.8,1.9,2.6,1.5,1.2
企业标准,项,38,62,90,118,126,133
新增注册商标,件,,520,,610,640,680
千人食品检验量,批次/千人,5,5.2,5.4,5.5,5.6,5.7（预计）
化妆品抽检批次数,批次/年,9,9,10,9,10,10
“明厨亮灶”覆盖率,%,81,84,87.5,90.2,93.1,95.2
药品抽检合格率,%,98,98.3,98.6,98.8,98.9,98.9（快报）
执业药师数,人/万人口,4.4,4.5,4.6,4.7,4.8,
食品抽检合格率,%,97.8,98.1,98.4,98.2,98.5,98.3（快报）
特种设备万台死亡率,人/万台,0.35,0.32,0.30,0.28,0.25,0.22
"""
#: what the reviewer expects of each row, by hand: 评价
VERDICTS = {"期末市场主体总量": "已完成", "每万人口高价值发明专利拥有量": "未完成", "知识产权质押登记融资金额": "已完成",
            "企业标准": "已完成", "新增注册商标": "数据不足", "千人食品检验量": "未完成", "化妆品抽检批次数": "已完成",
            "“明厨亮灶”覆盖率": "已完成", "药品抽检合格率": "未完成", "执业药师数": "数据不足",
            "食品抽检合格率": "已完成", "特种设备万台死亡率": "已完成", "智慧监管平台": "定性指标，另行评价"}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("final48")
    (d / "规划指标.csv").write_text(PLAN_CSV, encoding="utf-8")
    (d / "历史数据.csv").write_text(HISTORY_CSV, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def assessed(files):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = mt.read_plan(files / "规划指标.csv", region=REGION)
        history = mt.read_history(files / "历史数据.csv", region=REGION)
        return mt.assess_detailed(history, plan, as_of=2025, seed=0)


@pytest.fixture(scope="module")
def report(assessed):
    return build_report(*assessed, date="2026-12-07")


@pytest.fixture(scope="module")
def written(files):
    """``mstarget report`` as of 2025 into html, docx and xlsx, and ``mstarget assess``'s printout without --as-of."""
    plan, history = str(files / "规划指标.csv"), str(files / "历史数据.csv")
    outs = [str(files / f"r.{ext}") for ext in ("html", "docx", "xlsx")]
    args = ["report", plan, history, "--region", REGION, "--as-of", "2025", "--no-track"]
    for o in outs:
        args += ["--out", o]
    assert main(args) == 0
    return files


def _row(report, name):
    return next(r for r in report.rows if r.cells["name"].text == name)


def _html_text(path) -> str:
    text = re.sub(r"<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"<[^>]+>", "", text)


def _docx_text(path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


# -- 1. met early -------------------------------------------------------------------------------------------------

def test_a_stock_and_a_sum_met_early_say_the_year_and_the_figure(report):
    assert "2023年已达到目标（118项），提前2年实现。" in _row(report, "企业标准").narrative
    assert "2023年已达到目标（累计5.3亿元），提前2年实现。" in _row(report, "知识产权质押登记融资金额").narrative


def test_a_level_met_every_year_since_says_so_without_claiming_early_completion(report):
    text = _row(report, "“明厨亮灶”覆盖率").narrative
    assert "2023年起各年均达到目标（2023年为90.2%）。评价：已完成。" in text, text
    assert "提前" not in text
    ceiling = _row(report, "特种设备万台死亡率").narrative  # a ≤ target: 0.30 in 2022 meets ≤0.3
    assert "2022年起各年均达到目标（2022年为0.30人/万台）" in ceiling, ceiling


def test_no_early_date_for_a_target_reached_and_lost_or_met_only_in_its_year(report):
    # 化妆品抽检批次数 9, 10, 9, 10, 10 against ≥10: reached in 2022, lost in 2023 -- no early completion
    # 期末市场主体总量 reaches the computed ≥3.04 only in 2025; 未完成 and 数据不足 rows say nothing of it either
    for name in ("化妆品抽检批次数", "期末市场主体总量", "药品抽检合格率", "新增注册商标", "执业药师数"):
        text = _row(report, name).narrative
        assert "提前" not in text and "各年均达到目标" not in text, (name, text)


def test_the_early_date_is_in_every_format(written):
    said = "2023年已达到目标（118项），提前2年实现。"
    assert said in _html_text(written / "r.html")
    assert said in _docx_text(written / "r.docx")
    sheet = openpyxl.load_workbook(written / "r.xlsx")["逐项说明"]
    assert any(said in str(c.value) for row in sheet.iter_rows() for c in row if c.value)


def test_an_english_report_says_it_too(assessed):
    en = build_report(*assessed, date="2026-12-07", lang="en")
    text = _row(en, "企业标准").narrative
    assert "The target was reached in 2023 (118项) and held since: 2 years early." in text, text


# -- 2. a computed target: one figure everywhere ------------------------------------------------------------------

def test_a_computed_stock_target_shows_the_figure_its_sentence_says(report):
    row = _row(report, "期末市场主体总量")
    # 1.89 x 1.1^5 = 3.0439: the row's figures have two places
    assert row.cells["target"].text == "年均增长10%以上（≥〔3.04〕）", row.cells["target"].text
    assert "年均增长10%以上，即≥3.04万户" in row.narrative, row.narrative
    assert row.cells["target_figure"].text == "≥〔3.04〕"  # the chart's title


def test_a_computed_stock_target_missed_by_a_hair_keeps_the_place_that_tells_them_apart():
    """〔3.2〕 年均增长8%以上 is 4.70185: an actual 4.70 misses it, so the target shows ≥〔4.702〕, as a plain row's does."""
    plan = pd.DataFrame({"region": REGION, "indicator": ["tm", "tm_plain"], "name": ["商标有效注册量", "商标注册量"],
                         "unit": "万件", "baseline_year": 2020, "baseline": ["〔3.2〕", "3.2"], "target_year": 2025,
                         "target": "年均增长8%以上", "attribute": "预期性"})
    values = [3.2, 3.5, 3.8, 4.1, 4.4, 4.70]  # SYNTHETIC
    history = pd.DataFrame([{"region": REGION, "indicator": i, "year": 2020 + k, "value": v, "unit": "万件"}
                            for i in ("tm", "tm_plain") for k, v in enumerate(values)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = build_report(*mt.assess_detailed(history, mt.read_plan(plan), as_of=2025, seed=0), date="2026-12-07")
    stock, plain = rep.rows
    assert stock.cells["target"].text.endswith("（≥〔4.702〕）"), stock.cells["target"].text
    assert plain.cells["target"].text.endswith("（≥4.702）"), plain.cells["target"].text
    assert "≥4.702万件" in stock.narrative and stock.cells["category"].text == "未完成"


# -- 3. the printout's probability is the report's ----------------------------------------------------------------

def test_the_printout_never_says_1_00_beside_the_reports_more_than_99(written, report, capsys):
    row = _row(report, "执业药师数")
    assert row.cells["p_meet"].text == ">99%"
    plan, history = str(written / "规划指标.csv"), str(written / "历史数据.csv")
    assert main(["assess", plan, history, "--region", REGION, "--no-track"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "执业药师数" in ln)
    assert ">0.99" in line and "1.00" not in line, line


def test_printed_probabilities_follow_the_report_cells():
    assert _printed_probability(">99%", 1.0) == ">0.99"
    assert _printed_probability("<1%", 0.0) == "<0.01"
    assert _printed_probability("0%", 0.0) == "0.00"  # a 零发生 target already missed: decided
    assert _printed_probability("–", 0.4) == "-"
    assert _printed_probability("63%", 0.625) == "0.63"


# -- 4. the chart of a sum with a year missing ----------------------------------------------------------------------

def test_a_sum_with_a_year_missing_is_not_described_as_a_fan_chart(written):
    html = written.joinpath("r.html").read_text(encoding="utf-8")
    assert 'alt="新增注册商标：历年实际值与目标值对比图"' in html
    assert 'alt="执业药师数：扇形图"' in html  # its 2025 figure awaited: a forecast is drawn


# -- 5. the formats and the printout agree --------------------------------------------------------------------------

def test_every_format_and_the_printout_give_each_row_the_same_verdict(written, capsys):
    # html: the main table's rows (序号 | 指标名称 | ... | 评价 ...)
    html = written.joinpath("r.html").read_text(encoding="utf-8")
    table = html[html.index("表2"):]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    html_verdicts = {}
    for r in rows:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, flags=re.S)]
        if len(cells) > 2 and cells[1] in VERDICTS:
            html_verdicts[cells[1]] = next(c for c in cells if c in set(VERDICTS.values()))
    assert html_verdicts == VERDICTS
    # docx: the main table, the 评价 column
    doc = Document(str(written / "r.docx"))
    main_table = next(t for t in doc.tables if t.rows[0].cells[1].text == "指标名称")
    header = [c.text for c in main_table.rows[0].cells]
    col = header.index("评价")
    assert {r.cells[1].text: r.cells[col].text for r in main_table.rows[1:]} == VERDICTS
    # xlsx: the 评估表 sheet
    sheet = openpyxl.load_workbook(written / "r.xlsx")["评估表"]
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    head = next(i for i, v in enumerate(values) if "评价" in v)
    col = values[head].index("评价")
    assert {v[1]: v[col] for v in values[head + 1:] if v[1]} == VERDICTS
    # the printout: category_zh and the counts
    plan, history = str(written / "规划指标.csv"), str(written / "历史数据.csv")
    assert main(["assess", plan, history, "--region", REGION, "--as-of", "2025", "--no-track"]) == 0
    out = capsys.readouterr().out
    for name, verdict in VERDICTS.items():
        line = next(ln for ln in out.splitlines() if f" {name} " in ln)
        assert verdict in line, (name, line)
    assert "已完成 7, 未完成 3" in out and "数据不足 2" in out and "1 qualitative" in out, out
    overall = _html_text(written / "r.html")
    assert "已完成7项、未完成3项；另有2项数据不足" in overall
    assert "约束性指标中未完成的有1项：千人食品检验量" in overall
