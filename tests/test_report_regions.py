"""A city or province assessing its regions in one call: every output names the region of each row.

History: REAL provincial figures (``data/china/provincial_panels.csv``, 2018-2022); plan rows: the
2020 value as baseline and a 2025 target set HERE by code (1.3x the baseline, labelled synthetic).
Without a region column, six rows "地方一般公共预算支出_合计" could not be told apart in the table, the
summary, the narratives or the chart titles.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from mstarget.cli.main import main

INDICATOR = "local_budget_expenditure_total"
REGIONS = ["广东", "江苏", "浙江", "山东", "河南", "四川"]


@pytest.fixture(scope="module")
def files(tmp_path_factory, data_dir):
    d = tmp_path_factory.mktemp("regions")
    panel = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    h = panel[(panel["indicator"] == INDICATOR) & panel["region"].isin(REGIONS) & panel["year"].between(2018, 2022)]
    assert sorted(h["region"].unique()) == sorted(REGIONS)
    h[["region", "indicator", "name", "year", "value", "unit"]].to_csv(d / "history.csv", index=False)
    base = h[h["year"] == 2020].set_index("region")
    plan = pd.DataFrame({
        "region": REGIONS, "indicator": INDICATOR, "name": base.loc[REGIONS, "name"].to_numpy(),
        "unit": base.loc[REGIONS, "unit"].to_numpy(), "baseline_year": 2020,
        "baseline": base.loc[REGIONS, "value"].to_numpy(), "target_year": 2025,
        "target": (1.3 * base.loc[REGIONS, "value"]).round(0).to_numpy(),  # SYNTHETIC targets
        "direction": "increase", "attribute": "expected"})
    plan.to_csv(d / "plan.csv", index=False)
    return d


def test_assess_table_starts_with_the_region(files, capsys):
    assert main(["assess", "--plan", str(files / "plan.csv"), "--history", str(files / "history.csv"),
                 "--as-of", "2022", "--no-track"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.lstrip().startswith("region"))
    assert header.split()[:2] == ["region", "attribute"]
    for r in REGIONS:
        assert re.search(rf"^{r}\s", out, re.M), r
    # the summary counts each region's schedule categories
    lines = out[out.index("分地区 (by region):"):].splitlines()[1:1 + len(REGIONS)]
    assert [ln.split()[0] for ln in lines] == REGIONS
    assert all(ln.count("滞后") == 1 and ln.count("快于预期") == 1 for ln in lines)


def test_report_names_each_row_by_region_in_every_format(files):
    outs = [files / f"评估.{ext}" for ext in ("html", "xlsx", "docx")]
    argv = ["report", "--plan", str(files / "plan.csv"), "--history", str(files / "history.csv"),
            "--as-of", "2022", "--no-track"]
    for p in outs:
        argv += ["--out", str(p)]
    assert main(argv) == 0

    page = outs[0].read_text(encoding="utf-8")
    cells = re.findall(r'<td data-col="region"[^>]*>(.*?)</td>', page)
    assert cells == REGIONS  # one 地区 cell per row, in plan order
    assert "<th>地区</th>" in page or ">地区<" in page
    for r in REGIONS:  # narratives and headings name the region before the indicator
        assert f"{r} 地方一般公共预算支出_合计：" in page, r

    # 分地区汇总: a count per region and category that adds up to the region's rows, and the
    # overall paragraph names the regions with targets behind schedule, most first
    by_region = {}
    for region, body in re.findall(r'<tr data-region="([^"]+)">(.*?)</tr>', page):
        by_region[region] = [int(v) for v in re.findall(r"<td>(\d+)</td>", body)]
    assert list(by_region) == REGIONS and all(v[-1] == 1 == sum(v[:-1]) for v in by_region.values())
    behind = [r for r in REGIONS if by_region[r][3] == 1]  # columns: 提前实现 快于预期 基本符合预期 滞后 数据不足 合计
    overall = re.search(r'<p class="narrative overall">(.*?)</p>', page).group(1)
    if behind:
        assert "分地区看，滞后指标分布在" in overall and all(f"{r}（1项）" in overall for r in behind)
    else:
        assert "分地区看，各地区均无滞后指标。" in overall

    wb = load_workbook(outs[1])
    assert wb.sheetnames[:3] == ["评估表", "概况", "分地区汇总"]
    rows = list(wb["分地区汇总"].iter_rows(values_only=True))
    # 数据不足 only when a row is (session 39: a column of zeros is no finding)
    shown = ["提前实现", "快于预期", "基本符合预期", "滞后"] + ["数据不足"] * any(len(v) > 5 and v[4] for v in by_region.values())
    assert rows[0] == ("地区", *shown, "合计")
    assert {r[0]: list(r[1:]) for r in rows[1:-1]} == by_region and rows[-1][0] == "合计" and rows[-1][-1] == 6
    ws = wb.worksheets[0]
    # the title in row 1 (session 35), the header in row 2
    assert [c.value for c in ws[2]][:3] == ["序号", "地区", "指标名称"]
    assert [ws.cell(row=i, column=2).value for i in range(3, 3 + len(REGIONS))] == REGIONS
    assert ws.freeze_panes == "D3"  # 序号, 地区 and the name stay in view

    doc = Document(outs[2])
    assert [c.text for c in doc.tables[1].rows[0].cells][0] == "地区"  # 分地区汇总 after 分类汇总
    assert [doc.tables[1].rows[i].cells[0].text for i in range(1, 1 + len(REGIONS))] == REGIONS
    assert doc.tables[2].rows[0].cells[0].text == "指标"  # 分指标汇总 (session 38), then the main table
    table = doc.tables[3]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "地区", "指标名称"]
    assert [table.rows[i].cells[1].text for i in range(1, 1 + len(REGIONS))] == REGIONS


def test_one_region_keeps_the_table_as_it_was(files, tmp_path):
    plan = pd.read_csv(files / "plan.csv").head(1)
    plan.to_csv(tmp_path / "plan.csv", index=False)
    out = tmp_path / "r.html"
    assert main(["report", "--plan", str(tmp_path / "plan.csv"), "--history", str(files / "history.csv"),
                 "--as-of", "2022", "--no-track", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert 'data-col="region"' not in page and "广东 地方一般公共预算支出_合计" not in page
    assert "分地区" not in page
    assert "地方一般公共预算支出_合计：" in page


def test_fan_chart_panels_name_their_region(files):
    import matplotlib.pyplot as plt

    from mstarget.assess import assess_detailed
    from mstarget.report import fan_chart
    from mstarget.report.charts import chart_language

    _, details = assess_detailed(pd.read_csv(files / "history.csv"), pd.read_csv(files / "plan.csv"),
                                 as_of=2022, seed=0)
    fig = fan_chart(details, lang="zh")
    try:
        titles = [ax.get_title(loc="left").split("\n")[0] for ax in fig.axes if ax.get_title(loc="left")]
    finally:
        plt.close(fig)
    if chart_language("zh") == "zh":  # a CJK font is installed: Chinese titles with the region
        assert titles == [f"{i}. {r} 地方一般公共预算支出_合计" for i, r in enumerate(REGIONS, start=1)]
    else:  # drawn in English: the region's characters cannot be drawn, the indicator id is shown
        assert titles == [f"{i}. {INDICATOR}" for i in range(1, len(REGIONS) + 1)]


def test_the_region_matrix_shows_each_cell_in_its_category_with_its_probability(files):
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    from mstarget.assess import assess_detailed
    from mstarget.report import build_report
    from mstarget.report.charts import CATEGORY_COLOURS, chart_language, region_matrix_chart

    table, details = assess_detailed(pd.read_csv(files / "history.csv"), pd.read_csv(files / "plan.csv"),
                                     as_of=2022, seed=0)
    report = build_report(table, details)
    fig = region_matrix_chart(report)
    try:
        ax = fig.axes[0]
        texts = [t.get_text() for t in ax.texts]
        assert texts == [r.cells["p_meet"].text for r in report.rows]  # one indicator, regions in order
        colours = [p.get_facecolor() for p in ax.patches]
        assert colours == [to_rgba(CATEGORY_COLOURS[r.category]) for r in report.rows]
        if chart_language("zh") == "zh":
            assert [t.get_text() for t in ax.get_xticklabels()] == REGIONS
    finally:
        plt.close(fig)
    one = build_report(table.iloc[:1], details[:1])
    assert region_matrix_chart(one) is None


def test_the_report_files_carry_the_region_matrix(files, tmp_path):
    outs = [tmp_path / "m.html", tmp_path / "m.xlsx"]
    assert main(["report", "--plan", str(files / "plan.csv"), "--history", str(files / "history.csv"),
                 "--as-of", "2022", "--no-track", *[x for p in outs for x in ("--out", str(p))]]) == 0
    page = outs[0].read_text(encoding="utf-8")
    assert page.count('class="chart matrix"') == 1 and "各地区各指标的评价" in page
    wb = load_workbook(outs[1])
    assert len(wb["图表"]._images) == 2 + len(REGIONS)  # overview, matrix, one fan chart per target


def test_a_tracked_assessment_of_several_regions_logs_the_region_matrix(files, tmp_path):
    import uuid

    from mlflow_helpers import runs_of

    uri, experiment = f"sqlite:///{tmp_path / 'mlflow.db'}", f"regions-{uuid.uuid4().hex[:6]}"
    base = ["assess", "--history", str(files / "history.csv"), "--as-of", "2022", "--tracking-uri", uri,
            "--experiment", experiment]
    assert main([*base, "--plan", str(files / "plan.csv")]) == 0
    one = tmp_path / "one.csv"
    pd.read_csv(files / "plan.csv").head(1).to_csv(one, index=False)
    assert main([*base, "--plan", str(one)]) == 0
    client, (several, single) = runs_of(uri, experiment)
    assert "region_matrix.png" in {a.path for a in client.list_artifacts(several.info.run_id)}
    assert "region_matrix.png" not in {a.path for a in client.list_artifacts(single.info.run_id)}


def test_a_province_of_31_regions_gets_every_region_in_the_matrix(data_dir, tmp_path):
    """All 31 provinces (REAL 2018-2022 budget outlays; targets 1.3x the 2020 value, SYNTHETIC): the
    matrix showed the first 30 and dropped the last province; it now runs on to a second page, in
    the report files and in the tracked run."""
    import uuid

    from mlflow_helpers import runs_of

    from mstarget.assess import assess_detailed
    from mstarget.report import build_report
    from mstarget.report.charts import region_matrix_chart, region_matrix_pages, report_charts

    panel = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    h = panel[(panel["indicator"] == INDICATOR) & panel["year"].between(2018, 2022) & (panel["region"] != "全国")]
    regions = sorted(h["region"].unique())
    assert len(regions) == 31
    base = h[h["year"] == 2020].set_index("region")
    plan = pd.DataFrame({"region": regions, "indicator": INDICATOR, "name": base.loc[regions, "name"].to_numpy(),
                         "unit": base.loc[regions, "unit"].to_numpy(), "baseline_year": 2020,
                         "baseline": base.loc[regions, "value"].to_numpy(), "target_year": 2025,
                         "target": (1.3 * base.loc[regions, "value"]).round(0).to_numpy(),  # SYNTHETIC
                         "direction": "increase", "attribute": "expected"})
    table, details = assess_detailed(h, plan, as_of=2022, seed=0)
    report = build_report(table, details)
    # (session 40) as many regions a page as a landscape page holds at the chart's own size, spread evenly: 3 pages
    # of 11, 11 and 9 regions -- not 30 columns squeezed onto one page and a 31st alone on the next
    assert region_matrix_pages(report) == 3
    last = region_matrix_chart(report, 3)
    try:
        ax = last.axes[0]
        assert len(ax.texts) == 9 and ax.texts[-1].get_text() == report.rows[-1].cells["p_meet"].text
        assert "23-31" in ax.get_title(loc="left")  # the 23rd to 31st regions, on page 3 of 3
    finally:
        import matplotlib.pyplot as plt
        plt.close(last)
    assert region_matrix_chart(report, 4) is None
    assert len(report_charts(report).matrix) == 3

    h.to_csv(tmp_path / "history.csv", index=False)
    plan.to_csv(tmp_path / "plan.csv", index=False)
    out = tmp_path / "m.html"
    uri, experiment = f"sqlite:///{tmp_path / 'mlflow.db'}", f"provinces-{uuid.uuid4().hex[:6]}"
    assert main(["report", "--plan", str(tmp_path / "plan.csv"), "--history", str(tmp_path / "history.csv"),
                 "--as-of", "2022", "--out", str(out), "--tracking-uri", uri, "--experiment", experiment]) == 0
    assert out.read_text(encoding="utf-8").count('class="chart matrix"') == 3
    client, (run,) = runs_of(uri, experiment)
    names = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"region_matrix.png", "region_matrix_2.png"} <= names
