"""mstarget report: HTML page and Excel workbook an analyst can hand round."""
from __future__ import annotations

from openpyxl import load_workbook

from mstarget.cli.main import main


def test_html_report_has_table_statuses_and_chart(tmp_path, data_dir):
    out = tmp_path / "national.html"
    code = main(["report", "--plan", str(data_dir / "china" / "national_targets.csv"), "--history",
                 str(data_dir / "china" / "national_history.csv"), "--as-of", "2022", "--out", str(out),
                 "--no-track"])
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("<tr>") == 1 + 5  # header + one row per target
    assert "每万人口高价值发明专利拥有量" in page and "无数据 no data: 1" in page
    assert 'src="data:image/png;base64,' in page


def test_xlsx_report_colours_status_and_embeds_chart(tmp_path, data_dir):
    out = tmp_path / "dinghu.xlsx"
    assert main(["report", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--out", str(out), "--no-track"]) == 0
    wb = load_workbook(out)
    ws = wb["assessment"]
    header = [c.value for c in ws[4]]
    assert header[:2] == ["attribute", "name"] and "p_meet" in header
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert len(rows) == 14
    assert [r[0] for r in rows[:2]] == ["约束性", "约束性"]  # binding indicators first
    status = header.index("status") + 1
    assert ws.cell(row=5, column=status).fill.fgColor.rgb.endswith(("1A9850", "91CF60", "FC8D59", "D73027", "999999"))
    assert len(wb["fan charts"]._images) == 1


def test_report_refuses_other_extensions_and_bad_plan(tmp_path, data_dir, capsys):
    assert main(["report", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--out",
                 str(tmp_path / "r.pdf"), "--no-track"]) == 2
    bad = tmp_path / "plan.csv"
    bad.write_text("region,indicator,target_year,target\nR,x,2025,〔abc〕\n", encoding="utf-8")
    assert main(["report", "--plan", str(bad), "--out", str(tmp_path / "r.html"), "--no-track"]) == 2
    assert "row 2, column 'target'" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
