"""A 总结评估 read as an evaluator reads it (testers' findings on the final-evaluation report).

1. A target whose target year is observed has no probability left: the overview chart lists it apart
   (已完成 / 未完成), never on the probability axis at 0 % or 100 %.
2. 已观测年均变化 of a flat series reads 0 (持平), not 0.0000.
3. A target year past without its value is 数据不足 (目标年数据暂缺), its forecast called a forecast,
   not 滞后 / 快于预期 on that forecast.

Data: rows of the real Dinghu plan (data/dinghu_14th_fyp_plan.csv) and SYNTHETIC yearly values made
up here by code (not observed figures).
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest
from docx import Document

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import build_report, write_report
from mstarget.plotting import pyplot
from mstarget.report.charts import LABELS, chart_language, overview_chart, target_chart
from mstarget.report.model import report_categories

REGION = "鼎湖区"


@pytest.fixture
def close_figures():
    yield
    pyplot().close("all")


def _series(indicator: str, first: int, values, unit: str) -> list[dict]:
    """SYNTHETIC yearly values from ``first`` (None: that year not reported)."""
    return [{"region": REGION, "indicator": indicator, "year": first + k, "value": v, "unit": unit}
            for k, v in enumerate(values) if v is not None]


def _row(indicator, name, unit, baseline, target, attribute="预期性", target_year=2025) -> dict:
    return {"region": REGION, "indicator": indicator, "name": name, "unit": unit, "baseline_year": 2020,
            "baseline": baseline, "target_year": target_year, "target": target, "attribute": attribute}


#: the Dinghu indicators used (their plan rows as published) and one SYNTHETIC small-magnitude row
PLAN = pd.DataFrame([
    _row("food_samples_per_1000_people", "千人食品检验量", "批次/千人", "5", "6", "约束性"),
    _row("open_kitchen_coverage", "“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"),
    _row("enterprise_standards", "企业标准", "项", "〔38〕", "〔117〕"),
    _row("industrial_product_sampling_coverage", "生产领域区级工业产品质量监督抽查覆盖率", "%", "0.3", "≥1"),
    _row("accident_rate", "特种设备万台死亡率（合成）", "人/万台", "0.0035", "≤0.003", "约束性"),
])
#: SYNTHETIC 2020-2025 values; 企业标准 has no 2025 figure yet; two series are flat since 2021
HISTORY = pd.DataFrame(
    _series("food_samples_per_1000_people", 2020, [5, 5.2, 5.4, 5.7, 5.8, 5.9], "批次/千人")
    + _series("open_kitchen_coverage", 2020, [81, 83.5, 85.2, 86.9, 89, 91], "%")
    + _series("enterprise_standards", 2020, [38, 52, 66, 79, 93, None], "项")
    + _series("industrial_product_sampling_coverage", 2020, [0.3, 0.72, 0.72, 0.72, 0.72, 0.72], "%")
    + _series("accident_rate", 2020, [0.0035] * 6, "人/万台"))


def _assessed(plan: pd.DataFrame, as_of: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.ShortHistoryWarning)
        return assess_detailed(HISTORY, mt.read_plan(plan), as_of=as_of, seed=0)


@pytest.fixture(scope="module")
def final():
    """As of 2025: four target years observed, 企业标准's 2025 value still missing."""
    return _assessed(PLAN, 2025)


@pytest.fixture(scope="module")
def final_report(final):
    return build_report(*final, title="肇庆市鼎湖区市场监管现代化“十四五”规划", date="2026-03-01")


def _by_name(report, name):
    return next(r for r in report.rows if r.name == name)


# -- 3. a target year past without its value ---------------------------------------------------------

def test_a_target_year_past_without_its_value_is_insufficient_data_and_its_forecast_a_forecast(final_report):
    r = final_report
    row = _by_name(r, "企业标准")
    c = row.cells
    assert (c["last_year"].text, c["category"].text, c["status"].text) == ("2024", "数据不足", "目标年数据暂缺")
    assert c["forecast"].text == f"预测 {c['forecast_value'].text}"  # beside the observed values of the others
    assert row.narrative.startswith("企业标准：目标年2025年数据暂缺，最新为2024年93项。按2024年及以前的数据预测，"
                                    f"2025年为{c['forecast_value'].text}项")
    assert "此为预测，待2025年实际数据公布后确认。" in row.narrative and row.narrative.endswith("评价：数据不足。")
    assert not any(w in row.narrative for w in ("滞后", "快于", "慢于时间进度", "按当前趋势"))
    assert "另有1项数据不足（目标年数据暂缺），暂不评价。" in r.overall
    assert "其余有进度数据" not in r.overall  # no mid-term category is left to count
    summary = dict(zip(r.summary["label"], r.summary["indicators"]))
    assert list(summary) == ["已完成", "未完成", "数据不足"] and "企业标准" in summary["数据不足"]
    assert r.notes[1].startswith("评价口径（总结评估）：") and "目标年已过但尚无目标年实际数据的" in r.notes[1]
    assert "2025年实际值/预测值" in r.headers()  # every target year 2025: the header says it (session 35)
    en = build_report(*_assessed(PLAN, 2025), lang="en").rows
    said = next(x for x in en if x.raw["indicator"] == "enterprise_standards")
    assert said.narrative.startswith("企业标准: the 2025 value is not yet available; the latest is 93项 in 2024.")
    assert "This is a forecast" in said.narrative and said.cells["status"].text == "target-year value not yet available"


def test_the_cli_assess_table_and_the_charts_say_the_same(final, final_report, close_figures):
    """The vectorised category (the assess CLI, tracked charts) and a fan chart's title agree with the table."""
    table, details = final
    cats = dict(zip(table["indicator"], report_categories(table)))
    assert cats["enterprise_standards"] == "insufficient_data" and cats["open_kitchen_coverage"] == "completed"
    # as_of not given to assess: the table's latest year stands for it, as in build_report
    assert report_categories(table.assign(as_of=float("nan")))[table["indicator"] == "enterprise_standards"].item() \
        == "insufficient_data"
    row = _by_name(final_report, "企业标准")
    lang = chart_language("zh")
    title = target_chart(row.assessment, lang=lang, as_of=2025).axes[0].get_title(loc="left")
    if lang == "zh":
        assert "数据不足 · 目标年数据暂缺 · 预测实现概率" in title and "滞后" not in title


# -- 1. the overview chart -------------------------------------------------------------------------------

def _axes(fig, lang):
    L = LABELS[lang]
    prob = [ax for ax in fig.axes if ax.get_ylim() == (-4.0, 104.0)]  # the probability axis and its strip
    panel = [ax for ax in fig.axes if ax not in prob]
    return prob, panel, L


def _markers(axes) -> int:
    return sum(len(line.get_xdata()) for ax in axes for line in ax.lines if line.get_marker() in ("o", ">", "<"))


@pytest.mark.parametrize("source", ["rows", "table"])
def test_observed_target_years_are_not_placed_on_the_probability_axis(final, final_report, source, close_figures):
    lang = chart_language("zh")
    fig = overview_chart(final_report.rows if source == "rows" else final[0], lang=lang)
    prob, panel, L = _axes(fig, lang)
    closed = [r for r in final_report.rows if r.category in ("completed", "not_completed")]
    assert len(closed) == 4
    assert _markers(prob) == 1  # 企业标准 alone has a probability (a forecast)
    assert len(panel) == 1 and _markers(panel) == 4
    texts = [t.get_text() for t in panel[0].texts]
    done = [r for r in closed if r.category == "completed"]
    assert L["lane"].format(("已完成" if lang == "zh" else "achieved"), len(done)) in texts
    assert sorted(int(t) for t in texts if t.isdigit()) == sorted(r.number for r in closed)
    assert final_report.overview_caption.startswith("横轴为目标进度减时间进度") and "列于右侧" in \
        final_report.overview_caption


def test_a_final_evaluation_of_facts_has_no_probability_axis_or_forecast_columns(tmp_path, close_figures):
    """Every target year observed: the overview lists 已完成 / 未完成, the table drops the columns of a
    plan under way (80%区间, 实现概率, 时间进度, 尚需年均变化); the target year's value is its 2025年 column."""
    plan = PLAN[PLAN["indicator"] != "enterprise_standards"]
    table, details = _assessed(plan, 2025)
    lang = chart_language("zh")
    fig = overview_chart(table, lang=lang)
    prob, panel, L = _axes(fig, lang)
    assert not prob and fig.axes[0].get_title(loc="left") == L["observed_only"].format(4)
    report = write_report(table, details, tmp_path / "总结评估.docx", date="2026-03-01")
    header = [c.text for c in Document(tmp_path / "总结评估.docx").tables[1].rows[0].cells]
    # every target year 2025 and its own 2025年 column: no 2025年实际值 beside it saying the same (session 35)
    assert "2025年" in header and "2025年实际值" not in header
    assert not {"80%区间", "实现概率", "时间进度", "尚需年均变化", "2025年预测值", "预计完成情况"} & set(header)
    assert report.overview_caption.startswith("各指标目标年均已有实际数据，不再计算实现概率")
    assert not any("预测" in row.cells["forecast"].text for row in report.rows)
    assert not any("实现概率" in n or "扇形图" in n for n in report.notes)


# -- 2. a flat series' yearly change ---------------------------------------------------------------------

def test_a_flat_series_changes_by_0_not_0_0000(final_report):
    rate = _by_name(final_report, "特种设备万台死亡率（合成）")  # 0.0035 every year: four decimals
    assert rate.cells["current"].text == "0.0035"
    assert rate.cells["observed_pace"].text == "0"
    coverage = _by_name(final_report, "生产领域区级工业产品质量监督抽查覆盖率")
    assert coverage.cells["current"].text == "0.72"
    assert coverage.cells["observed_pace"].text == "+0.084"  # 0.3 -> 0.72 over five years: a real change
    table, details = _assessed(PLAN, 2023)
    mid = build_report(table, details, date="2024-03-01")
    flat = _by_name(mid, "特种设备万台死亡率（合成）")
    assert flat.cells["observed_pace"].text == "0" and "已观测期间持平" in flat.narrative
    assert "0.0000" not in " ".join(c.text for row in mid.rows for c in row.cells.values())


def test_a_counts_open_forecast_is_a_whole_number_even_beside_its_target():
    # session 35 (f9): a count's forecast of 116.6 against ≥〔117〕 is shown 117, a whole number like its figures
    # (no longer 116.6, nor 7.997 批次 beside ≥8): its probability (49 %) says it may fall short
    import warnings

    from mstarget.report.model import _cells

    plan = pd.DataFrame({"region": "鼎湖区", "indicator": ["企业标准"], "name": ["企业标准"], "unit": ["项"],
                         "baseline_year": [2020], "baseline": [38.0], "target_year": [2025], "target": ["〔117〕"]})
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "企业标准", "year": [2021, 2022, 2023],
                         "value": [54.0, 65.0, 75.0], "unit": "项"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = mt.assess(hist, plan, seed=0).iloc[0].to_dict()
    row.update(forecast=116.6, p_meet=0.49)
    cells, _ = _cells(row, 1, "zh")
    assert cells["forecast"].text == "117" and cells["p_meet"].text == "49%"
    row.update(forecast=131.2, p_meet=0.8)
    assert _cells(row, 1, "zh")[0]["forecast"].text == "131"  # far from the target: whole, as its figures
