"""Follow-ups on session 37's report features: a 年均 row's average decided on the figure, not float noise; its
sentences and fan chart naming the period average; the overview chart counting what it plots; a computed target
shown apart from the value compared; the printout and the report counting the same rows. Plan rows are modelled on
bureau plans; every value is SYNTHETIC (made up for the tests)."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report.charts import overview_chart, target_chart
from mstarget.report.model import build_report


def _plan(rows, base_year=2020, target_year=2025, region="测试市"):
    return pd.DataFrame([{"region": region, "indicator": name, "name": name, "unit": unit, "baseline_year": base_year,
                          "baseline": base, "target_year": target_year, "target": target, "attribute": attr}
                         for name, unit, base, target, attr in rows])


def _history(series, first=2021, region="测试市"):
    """SYNTHETIC yearly figures from ``first`` on (None: not reported)."""
    return pd.DataFrame([{"region": region, "indicator": name, "name": name, "unit": unit, "year": first + i,
                          "value": v}
                         for name, (unit, values) in series.items() for i, v in enumerate(values) if v is not None])


def _assess(history, plan, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(history, mt.read_plan(plan), seed=0, **kw)


def _report(history, plan, **kw):
    table, details = _assess(history, plan, keep_paths=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_report(table, details, date="2026-12-06", **kw)


# -- 1. a period average equal to its target --------------------------------------------------------------------

@pytest.mark.parametrize("rate", [0.5, 1.5, 6.5, 7.0, 8.0])
def test_a_period_average_equal_to_its_target_meets_a_bound_and_misses_a_strict_one(rate):
    """Five years at exactly the target rate average the target: ≥g met, 高于g (strict) not -- float noise
    (6.499999999999995, 8.000000000000007) decided it before."""
    name = "研发经费投入年均增长"
    history = _history({name: ("%", [rate] * 5)})
    for target, met in ((f"≥{rate:g}", True), (f"高于{rate:g}", False)):
        table, _ = _assess(history, _plan([(name, "%", str(rate), target, "预期性")]))
        row = table.iloc[0]
        assert row["forecast"] == rate, row["forecast"]
        assert row["category_zh"] == ("已完成" if met else "未完成"), (target, row["category_zh"])


# -- 2. a period average's sentences and fan chart ---------------------------------------------------------------

def test_an_awaited_average_row_says_the_period_average_not_the_target_years_rate():
    name, other = "地理标志商标年均增长率", "“明厨亮灶”覆盖率"  # the other row has 2025: a 总结评估
    report = _report(_history({name: ("%", [6.5, 7.0, 6.2, 6.8, None]), other: ("%", [84, 86, 88, 89.5, 90.3])}),
                     _plan([(name, "%", "5", "≥6", "预期性"), (other, "%", "81", "≥90", "约束性")]))
    text = next(r.narrative for r in report.rows if r.cells["name"].text == name)
    assert "目标年2025年数据暂缺" in text and "预测，2021—2025年年均6.5" in text, text
    assert "2025年为6.59%" not in text and "年均 " not in text, text
    assert "2021—2024年已实现年均6.6%" in text, text


def test_a_base_year_average_row_forecasts_the_period_average():
    name = "研发经费投入年均增长"
    report = _report(_history({name: ("%", [6.0, 8.0, 9.0, 8.5, 7.5, 6.5])}, first=2020),
                     _plan([(name, "%", "6.5", "≥7", "预期性")], base_year=2025, target_year=2030))
    text = report.rows[0].narrative
    assert "预计2026—2030年年均" in text and "预计2030年为" not in text, text


def test_a_preliminary_rate_puts_its_unit_before_the_mark():
    name = "研发经费投入年均增长"
    history = _history({name: ("%", [8.0, 9.0, 8.5, 7.5, 6.5])})
    history["preliminary"] = history["year"] == 2025
    history["preliminary_mark"] = "快报"
    table, details = _assess(history, _plan([(name, "%", "6.0", "≥7", "预期性")]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = build_report(table, details, date="2026-12-06").rows[0].narrative
    assert "（快报）%" not in text, text


def test_an_average_rows_fan_chart_says_the_period_average_and_puts_no_star_on_one_year():
    name = "研发经费投入年均增长"
    report = _report(_history({name: ("%", [8.0, 9.0, 8.5, 7.5, 6.5])}), _plan([(name, "%", "6.0", "≥7", "预期性")]))
    row = report.rows[0]
    fig = target_chart(row.assessment, number=1, target_text=row.cells["target_figure"].text, category=row.category,
                       value_text=row.cells["forecast_figure"].text)
    ax = fig.axes[0]
    title = ax.get_title(loc="left")
    assert "目标2021—2025年年均≥7%，实际年均7.9%" in title, title
    assert not any(line.get_marker() == "*" for line in ax.get_lines())


# -- 3. the overview chart --------------------------------------------------------------------------------------

def test_the_overview_counts_what_it_plots_and_leaves_out_what_the_table_does_not_estimate():
    plan = _plan([("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"),
                  ("投诉举报按时办结率", "%", "96", "≥98", "约束性"),
                  ("智慧市场监管平台", "—", "—", "建成", "预期性"),
                  ("消费者满意度", "分", "78", "≥80", "预期性")])
    history = _history({"“明厨亮灶”覆盖率": ("%", [81, 84, 86, 88, 89.5, 90.3]),
                        "投诉举报按时办结率": ("%", [96]),  # the base year alone: 数据不足, no probability shown
                        "消费者满意度": ("分", [78, 79, 79.5, 80, 80.2, None])}, first=2020)
    report = _report(history, plan)
    shown = {r.cells["name"].text: r.cells["p_meet"].text for r in report.rows}
    assert shown["投诉举报按时办结率"] == "–"
    fig = overview_chart(report.rows)
    titles = [a.get_title(loc="left") for a in fig.axes if a.get_title(loc="left")]
    head = next(t for t in titles if "项" in t and "实际数据" not in t.split("\n")[0][:4])
    assert "2项" in head and "1项定性指标" in head and "1项数据不足" in head and "全部4项" not in head, titles
    plotted = [t.get_text() for a in fig.axes for t in a.texts]
    number = next(r.number for r in report.rows if r.cells["name"].text == "投诉举报按时办结率")
    assert str(number) not in plotted, plotted


# -- 4. a computed target beside the value it is compared with ----------------------------------------------------

def test_a_computed_target_missed_by_a_hair_is_not_shown_as_the_value_itself():
    """3.2 x 1.08^5 = 4.70185: an actual 4.7 misses it; the table said ≥4.70 beside 4.7 and 未完成."""
    name = "商标有效注册量"
    report = _report(_history({name: ("万件", [3.2, 3.5, 3.8, 4.1, 4.4, 4.7])}, first=2020),
                     _plan([(name, "万件", "3.2", "年均增长8%以上", "预期性")]))
    row = report.rows[0]
    assert row.category == "missed" or row.cells["category"].text == "未完成"
    assert "≥4.702" in row.cells["target"].text, row.cells["target"].text
    assert "≥4.702万件" in row.narrative, row.narrative


# -- 5. a base-year (十五五) printout and report ---------------------------------------------------------------------

def _base_year_inputs():
    plan = _plan([("“明厨亮灶”覆盖率", "%", "90.3", "≥95", "约束性"),
                  ("投诉举报按时办结率", "%", "97.2", "≥98", "预期性"),
                  ("智慧市场监管平台", "—", "—", "全面建成", "预期性")], base_year=2025, target_year=2030)
    history = _history({"“明厨亮灶”覆盖率": ("%", [84, 86, 88, 89.5, 90.3]),
                        "投诉举报按时办结率": ("%", [95.6, 96.2, 96.5, 96.9, 97.2])})
    return history, plan


def test_the_base_year_printout_counts_rows_not_started_and_judges_none():
    from mstarget.cli.assess import display_frame, summary_line
    history, plan = _base_year_inputs()
    table, details = _assess(history, plan)
    text = summary_line(table)
    assert text.startswith("规划期未开始 2 ("), text
    assert "提前实现" not in text and "数据不足" not in text and "1 qualitative" in text, text
    shown = display_frame(table, details=details)
    assert shown["status"].tolist() == ["-", "-", "-"], shown["status"].tolist()


def test_the_base_year_report_says_its_qualitative_row():
    history, plan = _base_year_inputs()
    report = _report(history, plan)
    assert "另有1项定性指标需另行评价（智慧市场监管平台）" in report.overall, report.overall


# -- 6. several regions count indicators as one region does ----------------------------------------------------

def test_a_multi_region_report_leaves_the_qualitative_indicator_out_of_its_count():
    rows = []
    for region in ("端州区", "鼎湖区"):
        rows += [dict(r, region=region) for r in _plan([("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"),
                                                        ("智慧市场监管平台", "—", "—", "建成", "预期性")]).to_dict("records")]
    history = pd.concat([_history({"“明厨亮灶”覆盖率": ("%", [84, 86, 88, 89.5, 90.3])}, region=region)
                         for region in ("端州区", "鼎湖区")])
    report = _report(history, pd.DataFrame(rows))
    assert "本次评估共1项指标、2个地区共2个指标值" in report.overall, report.overall
