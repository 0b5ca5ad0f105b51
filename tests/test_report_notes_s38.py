"""Report notes and cells of the shipped national data's 总结评估 (session 38 regression probe).

Reported by a prober: on ``data/china/national_*.csv`` reported today (a 总结评估 as of 2025, 5 rows, default
``max_charts`` 40) (1) the notes said 为控制篇幅，扇形图仅列出4项 though the cap cut nothing -- the fifth row
(制造业产品质量合格率, no data) has nothing to draw -- and the html printed （图略） for it; (2) the fan chart of
制造业质量竞争力指数 said 目标≥86指数（2025年） where the prose leaves 指数 out; (3) the workbook's 预计完成情况 of
the no-data row was an empty cell where html and docx show "–".
Data: the real national targets and history shipped in data/china/.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import write_report
from mstarget.report.charts import target_chart

DATA = Path(__file__).resolve().parents[1] / "data" / "china"
DATE = "2026-12-06"
NO_DATA = "制造业产品质量合格率"
INDEX = "制造业质量竞争力指数"


@pytest.fixture(scope="module")
def assessed():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(mt.read_history(DATA / "national_history.csv"),
                               mt.read_plan(DATA / "national_targets.csv"), seed=0)


@pytest.fixture(scope="module")
def written(assessed, tmp_path_factory):
    table, details = assessed
    out = tmp_path_factory.mktemp("notes_s38")
    paths = [out / "r.html", out / "r.docx", out / "r.xlsx"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = write_report(table, details, paths, date=DATE)
    return report, paths


def _docx_text(path) -> str:
    from docx import Document
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_no_cap_note_nor_chart_omitted_when_the_cap_cut_nothing(written):
    report, (html, docx, _) = written
    # 制造业质量竞争力指数 rests on one figure (2021, no baseline): no forecast shown, no chart (session 43)
    assert report.kind == "final" and len(report.rows) == 5 and len(report.charted) == 3
    assert INDEX not in {report.rows[k].name for k in report.charted}
    text, doc = html.read_text(encoding="utf-8"), _docx_text(docx)
    for said in (text, doc, "\n".join(report.notes)):
        assert "为控制篇幅" not in said
    # the no-data row has nothing to draw: no （图略） under it
    assert "图略" not in text and "图略" not in doc


def test_the_cap_note_and_chart_omitted_when_the_cap_cuts(assessed, tmp_path):
    table, details = assessed
    paths = [tmp_path / "r.html", tmp_path / "r.docx"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = write_report(table, details, paths, date=DATE, max_charts=2)
    assert len(report.charted) == 2
    assert any("仅列出2项" in n for n in report.notes)
    text, doc = paths[0].read_text(encoding="utf-8"), _docx_text(paths[1])
    # the one drawable row cut by the cap is said omitted, in html and docx alike; the no-data row and the index
    # resting on one figure (no forecast shown, nothing to draw: session 43) are not
    assert text.count("（图略）") == 1 and doc.count("（图略）") == 1


def test_chart_titles_leave_the_unit_index_out_as_the_prose_does(assessed):
    table, details = assessed
    (a,) = [d for d in details if d.row.get("name") == INDEX]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = target_chart(a, lang="zh", as_of=2025)
    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    title = [t for t in texts if "目标" in t]
    assert title and any("≥86（2025年）" in t for t in title), title
    assert not any("86指数" in t for t in texts), texts
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_the_workbook_writes_the_dash_of_a_no_data_row_as_html_does(written):
    from openpyxl import load_workbook
    report, (html, _, xlsx) = written
    (row,) = [r for r in report.rows if r.name == NO_DATA]
    assert row.cells["outlook"].text == "–"
    ws = load_workbook(xlsx).worksheets[0]
    head = [c.value for c in ws[2]]
    col = head.index("预计完成情况")
    (line,) = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[1] == NO_DATA]
    assert line[col] == "–"


# --- a row with nothing to draw (no history, no forecast) in a mid-term report and in fan charts -----------------
# Reported by a prober: ``mstarget report ... --as-of 2022`` (a 中期评估) drew an empty 扇形图 for 制造业产品质量合格率
# (暂无监测数据): a lone target star on an x axis 2024.6 ... 2025.4, alt text "...：扇形图"; with --max-charts 1 it
# got （图略） as if a real chart had been cut; ``assess --chart`` (and ``mstarget demo``) drew the same empty panel.


@pytest.fixture(scope="module")
def midterm():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(mt.read_history(DATA / "national_history.csv"),
                               mt.read_plan(DATA / "national_targets.csv"), seed=0, as_of=2022)


@pytest.mark.parametrize("max_charts", [40, 1])
def test_a_midterm_report_draws_no_chart_nor_chart_omitted_for_a_row_without_data(midterm, tmp_path, max_charts):
    table, details = midterm
    paths = [tmp_path / "r.html", tmp_path / "r.docx"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = write_report(table, details, paths, date=DATE, max_charts=max_charts)
    assert report.kind == "midterm"
    (row,) = [r for r in report.rows if r.name == NO_DATA]
    assert row.number not in {report.rows[k].number for k in report.charted}
    text, doc = paths[0].read_text(encoding="utf-8"), _docx_text(paths[1])
    assert f"{NO_DATA}：扇形图" not in text
    # the cap cuts 2 of the 3 drawable rows at most: （图略） under those only, never under the no-data row nor the
    # index resting on one figure (2021, no baseline: no forecast shown, session 43)
    omitted = 0 if max_charts == 40 else 2
    assert text.count("（图略）") == omitted and doc.count("（图略）") == omitted
    capped = [n for n in report.notes if "为控制篇幅" in n]
    assert (capped == []) if max_charts == 40 else ("仅列出1项" in capped[0])


def test_the_fan_chart_of_assess_has_no_empty_panel_and_says_what_is_not_drawn(midterm):
    import matplotlib.pyplot as plt
    from mstarget.report import fan_chart
    _, details = midterm
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = fan_chart(details, title="全国")
    drawn = [ax for ax in fig.axes if ax.axison]
    assert len(drawn) == 4  # five targets, one without data nor forecast
    title = fig._suptitle.get_text()
    assert "另1项暂无监测数据，未绘图" in title and "图示" not in title  # no cap cut anything
    for ax in drawn:  # whole years on every panel
        assert all(float(t).is_integer() for t in ax.get_xticks()), ax.get_xticks()
    plt.close(fig)


def test_a_chart_of_a_row_without_data_says_so_in_whole_years(midterm):
    import matplotlib.pyplot as plt
    _, details = midterm
    (a,) = [d for d in details if d.row.get("name") == NO_DATA]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = target_chart(a, lang="zh", as_of=2022)
    ax = fig.axes[0]
    assert list(ax.get_xticks()) == [2025]  # not 2024.6 ... 2025.4
    assert any(t.get_text() == "暂无监测数据，无图可绘" for t in ax.texts)
    plt.close(fig)


def test_the_chart_choice_counts_no_row_without_data_as_chartable():
    from mstarget.chart_choice import ChartedRows, chart_selection
    void = {"attribute": "binding", "category": "insufficient_data", "p_meet": float("nan"),
            "last_year": None, "forecast": float("nan"), "baseline": float("nan")}
    rows = [void] + [{"attribute": "expected", "category": "behind", "p_meet": p, "last_year": 2022, "forecast": 1.0,
                      "baseline": float("nan")} for p in (0.2, 0.5)]
    assert chart_selection(rows, None) == [1, 2] and chart_selection(rows, 1) == [1]
    charted = ChartedRows(1)
    for i, r in enumerate(rows):
        charted.offer(i, r)
    charted.finish()
    assert charted.kept() == [1]  # the no-data binding row takes no place among the one charted
