"""Part-year figures of a history, and a qualitative row's baseline in words, in the report (session 39).

Reported by a tester: a history giving 2026's 1-10月 figures -- a column ``2026年1-10月`` beside ``2025年``, a long
table's year cell ``2026年1-10月``, a note ``注：2026年为1-10月数据`` or a 备注 cell saying so -- had them dropped by
``read_history`` with only a stderr warning (the long year cell refused the whole table), and the report never
showed them, while a plan's column ``2026年完成值（1-10月）`` is shown as ``2026年1-10月（仅供参考）``. And a
qualitative row whose baseline is in words (``2020年基数`` 未建成) showed a blank 基期值 cell, while its year columns
show the 完成值 words. Data: SYNTHETIC plans and histories (made up here, labelled as such).
"""
from __future__ import annotations

import re
import warnings
import zipfile

import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.cli.main import main
from mstarget.report import build_report, write_report

REGION = "示例市"
#: SYNTHETIC 十五五 draft plan: 2025 base, 2030 targets
PLAN_15 = """序号,指标名称,单位,2025年基数,2030年目标,属性
1,期末市场主体总量,万户,〔41.5〕,〔52〕,预期性
2,食品抽检合格率,%,98.0,≥98.5,约束性
3,执业药师数,人/万人口,4.7,≥5.2,预期性
"""
_YEARS = "2016年,2017年,2018年,2019年,2020年,2021年,2022年,2023年,2024年,2025年"
_ROWS = {"期末市场主体总量": ("万户", "23.0,25.1,27.0,29.2,31.2,33.0,35.1,37.4,39.6,41.5", "42.9"),
         "食品抽检合格率": ("%", "96.8,97.0,97.2,97.3,97.6,97.8,97.9,98.0,98.1,98.0", "98.3"),
         "执业药师数": ("人/万人口", "4.0,4.1,4.2,4.3,4.4,4.5,4.5,4.6,4.6,4.7", "")}
#: SYNTHETIC history 2016-2025 alone
HISTORY = f"指标名称,单位,{_YEARS}\n" + "".join(f"{n},{u},{v}\n" for n, (u, v, _) in _ROWS.items())
#: ... with a column of 2026's 1-10月 figures (blank for the third row)
HISTORY_COLUMN = f"指标名称,单位,{_YEARS},2026年1-10月\n" + "".join(f"{n},{u},{v},{p}\n" for n, (u, v, p) in _ROWS.items())


def _long(year_cell: str, note: str = "") -> str:
    lines = ["指标名称,单位,年份,数值"]
    for n, (u, v, p) in _ROWS.items():
        lines += [f"{n},{u},{2016 + k},{x}" for k, x in enumerate(v.split(","))]
        if p:
            lines.append(f"{n},{u},{year_cell},{p}")
    return "\n".join(lines + ([note] if note else [])) + "\n"


#: the same 1-10月 figures as a long table's year cell, under a note, or in a 备注 column beside a 2026年 column
LAYOUTS = {
    "column": HISTORY_COLUMN,
    "year cell": _long("2026年1-10月"),
    "note": _long("2026", "注：2026年为1-10月数据"),
    "remark": f"指标名称,单位,{_YEARS},2026年,备注\n" + "".join(
        f"{n},{u},{v},{p},{'2026年为1-10月数据' if p else ''}\n" for n, (u, v, p) in _ROWS.items()),
}
EXPECTED = {("期末市场主体总量", "2026年1-10月", 42.9), ("食品抽检合格率", "2026年1-10月", 98.3)}


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def _docx_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def _xlsx_rows(path) -> list[list]:
    wb = openpyxl.load_workbook(path)
    return [list(r) for ws in wb for r in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_read_history_keeps_the_part_year_figures_apart_never_as_observations(tmp_path, layout):
    path = _write(tmp_path, "history.csv", LAYOUTS[layout])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = mt.read_history(path, region=REGION)  # the long year cell 2026年1-10月 is not refused
    assert int(history["year"].max()) == 2025  # not an observation of 2026
    kept = {(r["indicator"], r["label"], r["value"]) for r in history.attrs["part_year"]}
    assert kept == EXPECTED
    assert {r["written"] for r in history.attrs["part_year"]} == {"42.9", "98.3"}
    said = " ".join(str(w.message) for w in caught)
    assert "1-10月" in said and "not read" in said  # still said on stderr


def test_a_single_month_year_cell_is_still_refused(tmp_path):
    path = _write(tmp_path, "history.csv", _long("2026年6月"))
    with pytest.raises(mt.DataValidationError, match="2026年6月"):
        _quiet(mt.read_history, path, region=REGION)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_report_shows_the_history_part_year_figures_marked(tmp_path, layout):
    plan = _write(tmp_path, "plan.csv", PLAN_15)
    history = _write(tmp_path, "history.csv", LAYOUTS[layout])
    table, details = _quiet(mt.assess_detailed, history, plan, region=REGION, seed=0)  # files: the API reads them
    html, docx, xlsx = tmp_path / "r.html", tmp_path / "r.docx", tmp_path / "r.xlsx"
    report = _quiet(write_report, table, details, [html, docx, xlsx], plan=_quiet(mt.read_plan, plan, region=REGION),
                    date="2026-12-06")
    assert [row.cells["part0"].text for row in report.rows] == ["42.9", "98.3", "–"]
    assert "2026年1-10月为42.9万户（年内部分月份数据，未作为全年数据使用，不据此评价）" in report.rows[0].narrative
    assert "2026年1-10月" not in report.rows[2].narrative
    assert "输入中另有2026年1-10月数据2项" in report.overall
    for text in (html.read_text(encoding="utf-8"), _docx_text(docx)):
        assert "2026年1-10月（仅供参考）" in text
        assert "历史数据中的2026年1-10月数据" in text  # the table note says where the column comes from
    rows = _xlsx_rows(xlsx)
    header = next(r for r in rows if "2026年1-10月（仅供参考）" in r)
    col = header.index("2026年1-10月（仅供参考）")
    assert [r[col] for r in rows[rows.index(header) + 1:rows.index(header) + 3]] in (["42.9", "98.3"], [42.9, 98.3])


def test_mstarget_report_shows_them_too(tmp_path):
    plan = _write(tmp_path, "plan.csv", PLAN_15)
    history = _write(tmp_path, "history.csv", LAYOUTS["note"])
    out = tmp_path / "r.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["report", "--plan", str(plan), "--history", str(history), "--region", REGION, "--seed", "0",
                     "--out", str(out), "--no-track"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "2026年1-10月（仅供参考）" in page
    assert "2026年1-10月为42.9万户" in page


def test_the_assessment_is_the_same_with_and_without_the_part_year_figures(tmp_path):
    plan = _write(tmp_path, "plan.csv", PLAN_15)
    plain = _quiet(mt.assess, _write(tmp_path, "h0.csv", HISTORY), plan, region=REGION, seed=0)
    for layout, text in LAYOUTS.items():
        with_part = _quiet(mt.assess, _write(tmp_path, f"h_{layout.replace(' ', '_')}.csv", text), plan,
                           region=REGION, seed=0)
        pd.testing.assert_frame_equal(plain, with_part)
        assert len(with_part.attrs["part_year"]) == 2  # carried for a report of this table
        assert "part_year" not in plain.attrs


def test_a_plan_and_a_history_giving_the_same_part_year_share_one_column(tmp_path):
    plan = _write(tmp_path, "plan.csv", PLAN_15.replace("2025年基数,2030年目标", "2025年基数,2026年完成值（1-10月）,2030年目标")
                  .replace("〔41.5〕,〔52〕", "〔41.5〕,42.9,〔52〕").replace("98.0,≥98.5", "98.0,,≥98.5")
                  .replace("4.7,≥5.2", "4.7,,≥5.2"))
    plan_frame = _quiet(mt.read_plan, plan, region=REGION)
    history = _quiet(mt.read_history, _write(tmp_path, "history.csv", HISTORY_COLUMN), region=REGION)
    table, details = _quiet(assess_detailed, history, plan_frame, seed=0)
    table.attrs["part_year"] = history.attrs["part_year"]  # as mt.assess_detailed / mstarget report carry them
    report = _quiet(build_report, table, details, plan=plan_frame, date="2026-12-06")
    assert [c.zh for c in report.columns() if c.id.startswith("part")] == ["2026年1-10月（仅供参考）"]
    assert [row.cells["part0"].text for row in report.rows] == ["42.9", "98.3", "–"]  # the history fills the blank


#: SYNTHETIC 十四五 summary with a qualitative row whose baseline is in words
PLAN_QUALITATIVE = """序号,指标名称,单位,2020年基数,2021年完成值,2022年完成值,2023年完成值,2024年完成值,2025年完成值,2025年目标,属性
1,食品抽检合格率,%,97.6,97.8,97.9,98.0,98.1,98.2,≥98,约束性
2,智慧监管平台,,未建成,启动建设,建设中,基本建成,已建成,已建成,建成,预期性
"""


def test_a_qualitative_baseline_in_words_is_shown_as_its_baseline(tmp_path):
    plan = _quiet(mt.read_plan, _write(tmp_path, "plan.csv", PLAN_QUALITATIVE), region=REGION)
    table, details = _quiet(assess_detailed, None, plan, seed=0)
    html, docx, xlsx = tmp_path / "r.html", tmp_path / "r.docx", tmp_path / "r.xlsx"
    report = _quiet(write_report, table, details, [html, docx, xlsx], plan=plan, date="2026-12-06")
    row = report.rows[1]
    assert row.cells["baseline_shown"].text == "未建成"  # as its year columns show 启动建设 … 已建成
    assert row.cells["y2021"].text == "启动建设"
    assert "未建成" in html.read_text(encoding="utf-8")
    assert "未建成" in _docx_text(docx)
    sheet = openpyxl.load_workbook(xlsx)["评估表"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if "指标名称" in r)
    shown = next(r for r in rows if "智慧监管平台" in r)
    assert shown[next(k for k, h in enumerate(header) if str(h).startswith("基期值"))] == "未建成"
    # a table reported without its plan: the words as assess's note of the row says them
    alone = _quiet(build_report, table, details, date="2026-12-06")
    assert alone.rows[1].cells["baseline_shown"].text == "未建成"
    assert report.rows[0].cells["baseline_shown"].text == "97.6"  # a figure stays a figure
