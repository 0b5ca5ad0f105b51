"""Charts people read (issue 12): band legend, unit on the axis, target line and year, panels in the
table's order, no label over the data, an overview of every target.

Data: the real Dinghu plan with SYNTHETIC history (tests/report_helpers.py).
"""
from __future__ import annotations

import numpy as np
import pytest
from report_helpers import dinghu_history, dinghu_plan

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.plotting import pyplot
from mstarget.report import build_report, fan_chart, overview_chart, target_chart
from mstarget.report.charts import LABELS, chart_language


@pytest.fixture(scope="module")
def assessed():
    plan = mt.read_plan(dinghu_plan(edge=True))
    with pytest.warns(mt.ShortHistoryWarning):
        table, details = assess_detailed(dinghu_history(edge=True), plan, as_of=2023, seed=0)
    return table, details, build_report(table, details)


@pytest.fixture
def close_figures():
    yield
    pyplot().close("all")


def _by_name(report, name):
    return next(r for r in report.rows if r.name == name)


def _extent(artist, fig):
    return artist.get_window_extent(fig.canvas.get_renderer())


def test_fan_chart_has_band_legend_unit_target_and_nothing_over_the_data(assessed, close_figures):  # issue 12
    _, _, report = assessed
    lang = chart_language("zh")
    L = LABELS[lang]
    row = _by_name(report, "期末市场主体总量")
    fig = target_chart(row.assessment, number=row.number, lang="zh")
    ax = fig.axes[0]
    fig.canvas.draw()
    legend = ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert [L["band"].format(k) for k in (50, 80, 95)] == [x for x in labels if "%" in x]
    assert {L["observed"], L["baseline"], L["median"], L["target"], L["target_year"]} <= set(labels)
    assert ax.get_ylabel() == ("万户" if lang == "zh" else "")
    # the target: a dashed horizontal line at 3.12 and the target year 2025 marked
    assert any(np.allclose(line.get_ydata(), 3.12) and line.get_linestyle() == "--" for line in ax.lines)
    assert any(np.allclose(line.get_xdata(), 2025) and line.get_linestyle() == ":" for line in ax.lines)
    # status / probability live in the title, the legend below the plot: nothing drawn over the data
    assert not ax.texts
    title = ax.get_title(loc="left")
    assert title.startswith(f"{row.number}. ") and row.cells["p_meet"].text in title
    plot, leg, head = _extent(ax, fig), _extent(legend, fig), _extent(ax.title, fig)
    assert leg.y1 <= plot.y0 and head.y0 >= plot.y1 - 1
    # a 〈〉 target is drawn as the running sum the target is about
    sums = _by_name(report, "知识产权质押登记融资金额")
    fig2 = target_chart(sums.assessment, lang="zh")
    ax2 = fig2.axes[0]
    history = [line for line in ax2.lines if line.get_marker() == "o"][0]
    assert history.get_ydata()[-1] == pytest.approx(sums.raw["sum_so_far"])
    if lang == "zh":
        assert ax2.get_ylabel() == "基期以来累计（亿元）"


def test_a_target_without_data_shows_baseline_and_target_only(assessed, close_figures):  # issue 12
    _, _, report = assessed
    L = LABELS[chart_language("zh")]
    row = _by_name(report, "地方标准")  # baseline only
    labels = [t.get_text() for t in target_chart(row.assessment, lang="zh").axes[0].get_legend().get_texts()]
    assert L["target"] in labels and L["baseline"] in labels
    nothing = _by_name(report, "无数据指标（合成）")
    labels = [t.get_text() for t in target_chart(nothing.assessment, lang="zh").axes[0].get_legend().get_texts()]
    assert L["median"] not in labels and L["observed"] not in labels and L["target"] in labels


def test_grid_panels_follow_the_table_order_and_are_capped(assessed, close_figures):  # issue 12
    table, details, report = assessed
    fig = fan_chart(details, title="2023")
    titles = [ax.get_title(loc="left").split("\n")[0] for ax in fig.axes if ax.get_title(loc="left")]
    # every row but the one with nothing to draw (无数据指标（合成）: no data, no forecast): no empty panel (session 38)
    drawn = [r for r in report.rows if r.name != "无数据指标（合成）"]
    assert [t.split(". ")[0] for t in titles] == [str(r.number) for r in drawn]
    assert "另1项暂无监测数据，未绘图" in fig._suptitle.get_text()
    capped = fan_chart(details, max_panels=4)
    shown = [ax.get_title(loc="left").split(". ")[0] for ax in capped.axes if ax.get_title(loc="left")]
    binding = {str(r.number) for r in report.rows if r.binding}  # the table keeps the plan's order (session 35)
    # the charts pick the binding ones first, shown in table order
    assert len(shown) == 4 and binding <= set(shown) and shown == sorted(shown, key=int)
    assert "4/18" in capped._suptitle.get_text()  # of the 18 rows with something to draw


def test_overview_numbers_every_target_without_overlapping_labels(assessed, close_figures):  # issue 12
    _, _, report = assessed
    fig = overview_chart(report.rows, lang="zh")
    fig.canvas.draw()
    labels = [t for ax in fig.axes for t in ax.texts if t.get_text().isdigit()]  # not the lanes' 已完成（1项）
    # every row whose probability the table shows; 地方标准 (its 2020 baseline alone: no forecast, probability
    # "–", session 43) is left out -- counted in the title, never a point
    assessed_p = [r for r in report.rows if r.raw["p_meet"] == r.raw["p_meet"]]
    with_p = [r for r in assessed_p if r.cells["p_meet"].text != "–" or r.category in ("completed", "not_completed")]
    assert [r.name for r in assessed_p if r not in with_p] == ["地方标准"]
    assert sorted(int(t.get_text()) for t in labels) == sorted(r.number for r in with_p)
    boxes = [_extent(t, fig) for t in labels]
    overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
    assert not overlaps
    points = sum(len(line.get_xdata()) for ax in fig.axes for line in ax.lines if line.get_marker() in ("o", ">", "<"))
    assert points == len(with_p)


def test_a_target_year_already_observed_has_no_probability_in_its_chart_title(assessed, close_figures):
    """Tester's finding 1: a fan chart titled 未完成 · 实现概率<1% for an outcome already known."""
    _, _, report = assessed
    lang = chart_language("zh")
    L = LABELS[lang]
    past, open_ = _by_name(report, "2022年度抽检任务（合成）"), _by_name(report, "期末市场主体总量")
    title = target_chart(past.assessment, lang=lang).axes[0].get_title(loc="left")
    assert L["p"] not in title and (lang != "zh" or "已完成" in title)
    assert L["p"] in target_chart(open_.assessment, lang=lang).axes[0].get_title(loc="left")
