"""目标待定 (a target not set yet: 待定 / 另行确定) in the report, beyond a 中期评估 of one region:

* a 总结评估 whose target year is observed says that year's figure for a 待定 row -- never a forecast of a year already
  observed (预计2025年为… on data up to 2025) --, and its table cells show the figure as the observed rows' are (no
  预测 mark, no 80% range); a 总结评估 whose target year is past without its figure says 目标年2025年数据暂缺 before the
  forecast; a 中期评估 keeps its wording;
* a report of several regions counts 目标待定 as a category of its own in the 分地区汇总, the 分指标汇总, the overall
  paragraph and the region matrix -- in zh and en, in html, xlsx and docx -- never as 数据不足 nor among the judged.

Every plan and history here is SYNTHETIC (地区 named (合成)), generated below.
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.report import build_report, write_report
from mstarget.report.charts import region_matrix_chart
from mstarget.report.model import by_indicator_table
from mstarget.report.narrative import method_notes

REGION = "示范区(合成)"
STOCK, RATE, PATENTS = ("期末市场主体总量", "万户"), ("食品抽检合格率", "%"), ("每万人口高价值发明专利拥有量", "件/万人")
REGIONS = ["东城区(合成)", "西城区(合成)", "南湖区(合成)", "北山区(合成)"]


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _history(path, regions, last_year: int):
    """SYNTHETIC history 2011-``last_year`` per region: a rising stock (万户), a pass rate near 98 %, a rising patent
    ratio, each region a little above the one before."""
    rng = np.random.default_rng(5)
    rows = []
    for k, region in enumerate(regions):
        for year in range(2011, last_year + 1):
            i = year - 2011
            rows += [(region, STOCK[0], year, round(2 + 0.1 * k + 0.16 * i + float(rng.normal(0, 0.02)), 2), STOCK[1]),
                     (region, RATE[0], year, round(97 + 0.13 * i + float(rng.normal(0, 0.1)), 1), RATE[1]),
                     (region, PATENTS[0], year, round(1.9 + 0.2 * k + 0.25 * i + float(rng.normal(0, 0.05)), 2),
                      PATENTS[1])]
    pd.DataFrame(rows, columns=["地区", "指标名称", "年份", "数值", "单位"]).to_csv(path, index=False)
    return path


def _plan(path, regions):
    """SYNTHETIC 2021-2025 plan (地区 / 指标名称 / 单位 / 2025年目标 / 属性 / 指标方向), one 待定 row per region: the
    stock in the 1st and 3rd regions, the patent ratio in the 2nd and 4th."""
    targets = {STOCK[0]: "4.5", RATE[0]: "≥98.5", PATENTS[0]: "5.5"}
    rows = []
    for k, region in enumerate(regions):
        pending = (STOCK, PATENTS)[k % 2][0]
        for name, unit in (STOCK, RATE, PATENTS):
            rows.append({"地区": region, "指标名称": name, "单位": unit, "2020年基数": "",
                         "2025年目标": "待定" if name == pending else targets[name],
                         "属性": "约束性" if name == RATE[0] else "预期性",
                         "指标方向": "" if name == RATE[0] else "正向"})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _assessed(tmp_path_factory, regions, last_year: int, as_of: int):
    folder = tmp_path_factory.mktemp(f"pending_{len(regions)}_{last_year}")
    history = _history(folder / "history.csv", regions, last_year)
    plan = _plan(folder / "plan.csv", regions)
    table, details = _quiet(mt.assess_detailed, history, plan, as_of=as_of, seed=0, n_paths=200)
    return folder, table, details


@pytest.fixture(scope="module")
def final_observed(tmp_path_factory):
    """A 总结评估 of one region with data up to the target year 2025: the stock's target 待定."""
    return _assessed(tmp_path_factory, [REGION], 2025, 2025)


@pytest.fixture(scope="module")
def final_awaited(tmp_path_factory):
    """A 总结评估 of one region as of 2025 with data up to 2024: the target year past, its figure missing."""
    return _assessed(tmp_path_factory, [REGION], 2024, 2025)


@pytest.fixture(scope="module")
def regions_midterm(tmp_path_factory):
    """A 中期评估 as of 2023 of four regions, each with one 待定 row."""
    return _assessed(tmp_path_factory, REGIONS, 2023, 2023)


@pytest.fixture(scope="module")
def regions_final(tmp_path_factory):
    """A 总结评估 as of 2025 of four regions on data up to 2025, each with one 待定 row."""
    return _assessed(tmp_path_factory, REGIONS, 2025, 2025)


def _row(report, name, region=None):
    return next(r for r in report.rows if r.raw["name"] == name and (region is None or r.raw["region"] == region))


# --------------------------------------------------------------------------------------------------------------------
# 1. a 总结评估: no forecast of a year observed
# --------------------------------------------------------------------------------------------------------------------

def test_a_final_evaluation_says_the_observed_figure_of_a_pending_row_and_no_forecast(final_observed):
    _, table, details = final_observed
    pending = table.set_index("name").loc[STOCK[0]]
    assert pending["category"] == "target_pending" and int(pending["last_year"]) == 2025
    observed = f"{pending['forecast']:.2f}万户"  # assess's 'forecast' of an observed year is that year's value
    zh = _quiet(build_report, table, details, date="2026-12-06")
    assert zh.kind == "final"
    text = _row(zh, STOCK[0]).narrative
    assert text == f"期末市场主体总量：目标值待定，不作评价。目标年2025年实际为{observed}。评价：目标待定。"
    for forecast_word in ("预计", "趋势外推", "80%区间", "仅作预测"):
        assert forecast_word not in text
    en = _quiet(build_report, table, details, date="2026-12-06", lang="en")
    text = _row(en, STOCK[0]).narrative
    assert text == (f"期末市场主体总量: the target was not set: not judged. In the target year 2025 the value was "
                    f"{observed}. Assessment: target not set yet.")
    assert "forecast" not in text.lower() and "range" not in text
    # the overall paragraph does not call it a forecast either
    assert "另有1项目标待定（目标值待定，不作评价）：期末市场主体总量。" in zh.overall
    assert "1 target not set yet (not judged): 期末市场主体总量." in en.overall


def test_a_final_evaluation_shows_a_pending_rows_target_year_value_as_observed_in_the_table(final_observed):
    _, table, details = final_observed
    report = _quiet(build_report, table, details, date="2026-12-06")
    pending, judged = _row(report, STOCK[0]), _row(report, RATE[0])
    assert judged.category == "completed"
    value = f"{table.set_index('name').loc[STOCK[0], 'forecast']:.2f}"
    # the same cells as an observed row's: the figure bare, no range of an observed year (not 预测 4.43, 4.43–4.43)
    assert pending.cells["forecast"].text == value == pending.cells["current"].text
    assert pending.cells["range_80"].text == judged.cells["range_80"].text == "–"
    assert pending.cells["lo_80"].text == pending.cells["hi_80"].text == "–"
    assert pending.cells["p_meet"].text == "–" and pending.cells["category"].text == "目标待定"
    notes = " ".join(method_notes(report, n_charts=0))
    assert "目标待定：规划目标栏为“待定”“另行确定”等、目标值未确定的指标，仅列示目标年实际值，不作评价" in notes
    assert "目标年预测值及80%区间" not in notes


def test_a_final_evaluation_before_the_target_years_figure_says_it_is_missing_then_forecasts(final_awaited):
    _, table, details = final_awaited
    zh = _quiet(build_report, table, details, date="2026-12-06")
    assert zh.kind == "final"
    text = _row(zh, STOCK[0]).narrative
    assert text.startswith("期末市场主体总量：目标值待定，仅作预测，不作评价。目标年2025年数据暂缺，最新为2024年")
    assert "按2024年及以前数据的趋势外推，预计2025年为" in text and "80%区间" in text
    en = _quiet(build_report, table, details, date="2026-12-06", lang="en")
    text = _row(en, STOCK[0]).narrative
    assert "The 2025 value is not yet available. Latest:" in text and "gives" in text and "in 2025" in text
    # still its own line of the 分类汇总, never among the 数据不足 ones the other two rows are
    summary = zh.summary.set_index("category")
    assert summary.loc["target_pending", "total"] == 1
    assert summary.loc["insufficient_data", "total"] == 2
    assert "期末市场主体总量" not in summary.loc["insufficient_data", "indicators"]
    assert "2项均数据不足" in zh.overall and "另有1项目标待定（目标值待定，仅作预测，不作评价）" in zh.overall


def test_a_midterm_keeps_its_forecast_wording(regions_midterm):
    _, table, details = regions_midterm
    report = _quiet(build_report, table, details, date="2026-12-06")
    text = _row(report, STOCK[0], REGIONS[0]).narrative
    assert text.startswith("东城区(合成)期末市场主体总量：目标值待定，仅作预测，不作评价。最新为2023年")
    assert "按2023年及以前数据的趋势外推，预计2025年为" in text and "数据暂缺" not in text
    assert _row(report, STOCK[0], REGIONS[0]).cells["range_80"].text != "–"


# --------------------------------------------------------------------------------------------------------------------
# 2. several regions
# --------------------------------------------------------------------------------------------------------------------

def test_several_regions_count_pending_rows_apart_in_every_summary(regions_midterm):
    _, table, details = regions_midterm
    assert (table["category"] == "target_pending").sum() == 4
    for lang, pending, total in (("zh", "目标待定", "合计"), ("en", "target not set yet", "Total")):
        report = _quiet(build_report, table, details, date="2026-12-06", lang=lang)
        head, body = report.by_region_table()
        assert head[-2:] == [pending, total] and not any("数据不足" in h or "insufficient" in h for h in head)
        by_region = {row[0]: row for row in body}
        for region in REGIONS:  # one 待定 row of three in each region
            assert by_region[region][head.index(pending)] == "1" and by_region[region][-1] == "3"
        assert by_region[total][head.index(pending)] == "4" and by_region[total][-1] == "12"
        # the judged categories add up to the 8 judged targets
        assert sum(int(by_region[total][j]) for j in range(1, head.index(pending))) == 8
        head, body = by_indicator_table(report)
        by_indicator = {row[0]: row for row in body}
        j = head.index(pending)
        assert (by_indicator[STOCK[0]][j], by_indicator[RATE[0]][j], by_indicator[PATENTS[0]][j]) == ("2", "0", "2")
        assert by_indicator[total][j] == "4"
        # 预计完成情况 counts the judged regions only (2 of the stock's 4)
        outlooks = head[j + 1:-1]
        assert sum(int(by_indicator[STOCK[0]][head.index(w)]) for w in outlooks) == 2
    zh = _quiet(build_report, table, details, date="2026-12-06")
    assert "4个地区共8个指标值" in zh.overall
    assert ("另有4项目标待定（目标值待定，仅作预测，不作评价）：期末市场主体总量（东城区(合成)、南湖区(合成)）、"
            "每万人口高价值发明专利拥有量（西城区(合成)、北山区(合成)）。") in zh.overall
    assert "有进度数据的8项中" in zh.overall and "数据不足" not in zh.overall
    en = _quiet(build_report, table, details, date="2026-12-06", lang="en")
    assert "8 targets in all" in en.overall and "4 targets not set yet (forecast only, not judged)" in en.overall
    assert "insufficient" not in en.overall


def test_the_region_matrix_names_pending_cells_and_counts_them_as_no_result(regions_midterm):
    _, table, details = regions_midterm
    for lang, word, title in (("zh", "目标待定", "分地区评价一览（格内为实现概率）"),
                              ("en", "target\nnot set yet",
                               "Assessment by region (chance of meeting the target in each cell)")):
        report = _quiet(build_report, table, details, date="2026-12-06", lang=lang)
        fig = region_matrix_chart(report, 1)
        ax = fig.axes[0]
        # 目标待定 is no 评价结果: a 中期评估's cells are chances, the pending ones named (not 实现概率或评价结果)
        assert ax.get_title(loc="left") == title
        cells = [t.get_text() for t in ax.texts]
        assert cells.count(word) == 4 and len(cells) == 12
        assert not any("数据不足" in c or "insufficient" in c for c in cells)
        first_row = cells[:4]  # the stock, by region: 待定 in the 1st and 3rd
        assert first_row[0] == first_row[2] == word and first_row[1].endswith("%") and first_row[3].endswith("%")
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert legend[-1] == word.replace("\n", " ")


def test_a_final_of_several_regions_keeps_pending_apart_and_says_no_forecast(regions_final):
    _, table, details = regions_final
    zh = _quiet(build_report, table, details, date="2026-12-06")
    assert zh.kind == "final" and zh.categories == ("completed", "not_completed", "target_pending")
    head, body = zh.by_region_table()
    assert body[-1][head.index("目标待定")] == "4"
    assert int(body[-1][head.index("已完成")]) + int(body[-1][head.index("未完成")]) == 8
    assert "另有4项目标待定（目标值待定，不作评价）" in zh.overall and "目标年已有实际数据的8项中" in zh.overall
    for region in (REGIONS[0], REGIONS[2]):
        text = _row(zh, STOCK[0], region).narrative
        assert "目标年2025年实际为" in text and "预计" not in text
    fig = region_matrix_chart(zh, 1)
    assert fig.axes[0].get_title(loc="left") == "分地区评价一览（格内为评价结果）"
    assert [t.get_text() for t in fig.axes[0].texts].count("目标待定") == 4


def _docx_tables(path) -> list[list[list[str]]]:
    import docx  # lazy: only this test reads a document

    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(str(path)).tables]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_written_report_of_several_regions_lists_pending_in_its_own_column(regions_midterm, lang):
    import openpyxl  # lazy: only this test reads a workbook

    folder, table, details = regions_midterm
    outs = [folder / f"报告_{lang}.html", folder / f"报告_{lang}.xlsx", folder / f"报告_{lang}.docx"]
    _quiet(write_report, table, details, outs, date="2026-12-06", lang=lang)
    pending, total = ("目标待定", "合计") if lang == "zh" else ("target not set yet", "Total")
    # html: 分地区汇总 and 分指标汇总, a 目标待定 column of 1 per region, 2 / 0 / 2 per indicator
    page = outs[0].read_text(encoding="utf-8")
    for css, expected in (("by-region", ["1", "1", "1", "1", "4"]), ("by-indicator", ["2", "0", "2", "4"])):
        block = re.search(rf'<table class="{css}">(.*?)</table>', page, re.S).group(1)
        head = re.findall(r"<th>(.*?)</th>", block)
        assert pending in head and not any("数据不足" in h or "insufficient" in h for h in head)
        rows = [re.findall(r"<td[^>]*>(.*?)</td>", tr) for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", block)][1:]
        assert [row[head.index(pending)] for row in rows] == expected
    # xlsx: the same two sheets
    book = openpyxl.load_workbook(outs[1], read_only=True)
    sheets = {ws.title: [[c for c in row] for row in ws.iter_rows(values_only=True)] for ws in book}
    by_sheet = {name: rows for name, rows in sheets.items() if rows and rows[0] and rows[0][0] in
                ("地区", "指标", "Region", "Indicator")}
    assert len(by_sheet) == 2, list(sheets)
    for rows in by_sheet.values():
        head = [str(h) for h in rows[0]]
        column = [str(row[head.index(pending)]) for row in rows[1:] if row[0] is not None]
        assert column[-1] == "4" and set(column[:-1]) <= {"0", "1", "2"}
        assert not any("数据不足" in h or "insufficient" in h for h in head)
    # docx: the 分地区汇总 table has the column, its 合计 row 4
    tables = [t for t in _docx_tables(outs[2]) if t[0][0] in ("地区", "Region")]
    assert tables, "no 分地区汇总 table in the document"
    head = tables[0][0]
    assert head[-2:] == [pending, total]
    assert tables[0][-1][head.index(pending)] == "4"
