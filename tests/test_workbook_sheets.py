"""One workbook holding a 说明 sheet, the plan and its history on separate sheets (as offices send
them): each reader finds its own sheet, and messages name the sheet.

The plan rows are the real Dinghu indicators; the history values are SYNTHETIC (tests/bureau_files.py).
"""
from __future__ import annotations

import warnings

import pytest
from openpyxl import Workbook, load_workbook

import mstarget as mt

from bureau_files import PLAN_ROWS, write_history_xlsx, write_plan_xlsx


def _copy_sheet(source, target):
    for row in source.iter_rows():
        target.append([c.value for c in row])
    for rng in source.merged_cells.ranges:
        target.merge_cells(str(rng))


def _workbook(tmp_path, *, history_first=False, bad_cell=None):
    plan_wb = load_workbook(write_plan_xlsx(tmp_path / "p.xlsx"))
    hist_wb = load_workbook(write_history_xlsx(tmp_path / "h.xlsx"))
    if bad_cell:
        plan_wb.active[bad_cell[0]] = bad_cell[1]
    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["本工作簿含规划主要指标表和完成情况表（完成情况为测试用合成数据）。"])
    notes.append(["填报单位：鼎湖区市场监督管理局"])
    order = [("完成情况", hist_wb), ("主要指标", plan_wb)] if history_first else [("主要指标", plan_wb),
                                                                            ("完成情况", hist_wb)]
    for title, src in order:
        _copy_sheet(src.active, wb.create_sheet(title))
    path = tmp_path / "鼎湖区中期评估.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("history_first", [False, True])
def test_each_reader_finds_its_sheet(tmp_path, history_first):
    path = _workbook(tmp_path, history_first=history_first)
    plan = mt.read_plan(path, region="鼎湖区")
    assert len(plan) == len(PLAN_ROWS) and plan["target_year"].eq(2025).all()
    history = mt.read_history(path, region="鼎湖区")
    assert history["year"].between(2020, 2023).all()  # the plan sheet's 2025年目标 is no observation
    assert "食品安全抽检合格率" in set(history["name"])  # a series only the history sheet has
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.UnmatchedWarning)
        res = mt.assess(path, path, region="鼎湖区", seed=0)
    assert len(res) == len(PLAN_ROWS) and (res["last_year"] == 2023).all()


def test_messages_name_the_sheet(tmp_path):
    path = _workbook(tmp_path, bad_cell=("F5", "≥≥90"))
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert "鼎湖区中期评估.xlsx [sheet '主要指标'], row 5, column '2025年目标': '≥≥90'" in str(err.value)


def test_a_blank_first_sheet_is_passed_over(tmp_path):
    wb = load_workbook(write_plan_xlsx(tmp_path / "p.xlsx"))
    wb.create_sheet("空白", 0)
    wb.save(tmp_path / "plan.xlsx")
    assert len(mt.read_plan(tmp_path / "plan.xlsx", region="鼎湖区")) == len(PLAN_ROWS)


# ---------------------------------------------------------------- one indicator per sheet
# A statistics office's download: one sheet per indicator (the sheet named by it), regions down,
# years across, a unit line above the header. Figures: the real provincial panels (data/china).
PER_SHEET = {"农业机械总动力": ("agri_machinery_total_power", "万千瓦"),
             "化肥使用量": ("chemical_fertilizer_use", "万吨")}
PROVINCES = ["广东", "广西", "海南"]
YEARS = [2019, 2020, 2021, 2022]


def _panel():
    import pandas as pd
    from pathlib import Path
    d = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "china" / "provincial_panels.csv")
    ids = {ind: name for name, (ind, _) in PER_SHEET.items()}
    d = d[d["indicator"].isin(ids) & d["region"].isin(PROVINCES) & d["year"].isin(YEARS)].copy()
    d["sheet"] = d["indicator"].map(ids)
    return d


def _per_sheet_workbook(tmp_path, *, names=None, bad=None, notes_first=True):
    d = _panel()
    wb = Workbook()
    first = wb.active
    if notes_first:
        first.title = "说明"
        first.append(["各地区主要农业生产条件（摘自统计年鉴）"])
    for k, (sheet, (_, unit)) in enumerate(PER_SHEET.items()):
        ws = first if (k == 0 and not notes_first) else wb.create_sheet()
        ws.title = names[k] if names else sheet
        ws.append([f"单位：{unit}"])
        ws.append(["地区"] + [f"{y}年" for y in YEARS])
        for region in PROVINCES:
            s = d[(d["sheet"] == sheet) & (d["region"] == region)].set_index("year")["value"]
            ws.append([region] + [float(s[y]) for y in YEARS])
    if bad:
        wb[bad[0]][bad[1]] = bad[2]
    path = tmp_path / "农业生产条件.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("notes_first", [True, False])
def test_one_indicator_per_sheet_is_read_with_the_sheet_name_as_indicator(tmp_path, notes_first):
    history = mt.read_history(_per_sheet_workbook(tmp_path, notes_first=notes_first))
    d = _panel()
    assert set(history["indicator"]) == set(PER_SHEET) and len(history) == len(d)
    for sheet, (_, unit) in PER_SHEET.items():
        got = history[history["indicator"] == sheet].set_index(["region", "year"])["value"]
        want = d[d["sheet"] == sheet].set_index(["region", "year"])["value"]
        assert got.sort_index().to_dict() == pytest.approx(want.sort_index().to_dict())
        assert (history.loc[history["indicator"] == sheet, "unit"] == unit).all()  # each sheet's unit line
    keys = list(zip(history["region"], history["indicator"], history["year"]))
    assert keys == sorted(keys)


def test_a_bad_cell_in_one_sheet_is_named_by_its_sheet_row_and_column(tmp_path):
    path = _per_sheet_workbook(tmp_path, bad=("化肥使用量", "C4", "约200"))
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(path)
    text = str(err.value)
    assert "农业生产条件.xlsx [sheet '化肥使用量'], row 4, column '2020年'" in text and "约200" in text
    assert "农业机械总动力" not in text  # the good sheet is not blamed


def test_sheets_with_excel_default_names_are_refused_with_how_to_fix(tmp_path):
    path = _per_sheet_workbook(tmp_path, names=["Sheet2", "Sheet3"])
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(path)
    text = str(err.value)
    assert "'Sheet2', 'Sheet3'" in text and "rename each sheet to its indicator" in text


def test_a_later_check_against_the_plan_names_the_sheet(tmp_path):
    # the plan states fertilizer use in 吨; the sheet is in 万吨: converted (session 53), the warning naming the
    # sheet and row; a plan whose 吨 figures are the sheet's 万吨 ones (a label wrong somewhere): refused, naming them
    import pandas as pd
    path = _per_sheet_workbook(tmp_path)
    plan = pd.DataFrame({"region": PROVINCES, "indicator": "化肥使用量", "unit": "吨", "baseline_year": 2020,
                         "baseline": [2_100_000.0, 1_800_000.0, 400_000.0], "target_year": 2025,
                         "target": "≤1,500,000"})
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        mt.assess(path, plan, seed=0)
    (said,) = [w.message for w in seen if "已按规划单位换算" in str(w.message)]
    assert [f"{p.source}, row {p.row}, column '{p.column}'" for p in said.problems][0].endswith(
        "农业生产条件.xlsx [sheet '化肥使用量'], row 3, column '单位（各表上方）'")
    plan = plan.assign(baseline=[210.0, 180.0, 40.0], target="≤150")
    with pytest.raises(mt.DataValidationError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore", mt.UnmatchedWarning)  # the other sheet has no plan row
        mt.assess(path, plan, seed=0)
    assert ("农业生产条件.xlsx [sheet '化肥使用量'], row 3, column '单位（各表上方）': '万吨'"
            in str(err.value))


def test_a_plan_sheet_beside_the_indicator_sheets_is_not_read_as_history(tmp_path):
    path = _per_sheet_workbook(tmp_path)
    wb = load_workbook(path)
    ws = wb.create_sheet("规划目标", 1)
    ws.append(["地区", "指标名称", "单位", "2020年基数", "2025年目标"])
    ws.append(["广东", "化肥使用量", "万吨", 210, "≤200"])
    wb.save(path)
    history = mt.read_history(path)
    assert set(history["indicator"]) == set(PER_SHEET) and history["year"].max() == 2022


def test_a_unit_in_the_sheet_name_is_the_indicators_unit(tmp_path):
    wb = Workbook()
    for k, (sheet, rows) in enumerate({"市场主体总量（万户）": [("甲县", 1.2, 1.4)],
                                       "年报率（%）": [("甲县", 90.1, 91.0)]}.items()):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = sheet
        ws.append(["地区", "2022年", "2023年"])
        for r in rows:
            ws.append(list(r))
    wb.save(tmp_path / "units.xlsx")
    h = mt.read_history(tmp_path / "units.xlsx")
    assert dict(zip(h["indicator"], h["unit"])) == {"市场主体总量": "万户", "年报率": "%"}


def _per_year_workbook(path, *, odd_2022=False):
    """An annual report kept one sheet per year (指标名称 | 单位 | 数值); values SYNTHETIC (the
    Dinghu rows of tests/bureau_files.py)."""
    from bureau_files import HISTORY_ROWS

    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["各年度主要指标完成情况，每年一张工作表（测试用合成数据）"])
    for k, year in enumerate((2021, 2022, 2023)):
        ws = wb.create_sheet(f"{year}年")
        ws.append([f"鼎湖区{year}年市场监管主要指标完成情况"])
        ws.append(["指标名称", "单位", "数值"] if not (odd_2022 and year == 2022) else ["指标名称", "单位", "说明"])
        for r in HISTORY_ROWS[:6]:
            ws.append([r[0], r[1], r[4 + k]])
    wb.save(path)
    return path


def test_a_workbook_of_one_year_per_sheet_takes_each_year_from_its_sheet(tmp_path):
    h = mt.read_history(_per_year_workbook(tmp_path / "年度完成情况.xlsx"), region="鼎湖区")
    std = h[h["indicator"] == "企业标准"].set_index("year")["value"].to_dict()
    assert std == {2021: 52.0, 2022: 69.0, 2023: 84.0}
    assert len(h) == 18 and h.groupby("indicator").size().eq(3).all()  # 6 indicators x 3 sheets


def test_a_year_sheet_laid_out_otherwise_is_refused_not_dropped(tmp_path):
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(_per_year_workbook(tmp_path / "年度.xlsx", odd_2022=True), region="鼎湖区")
    assert "年度.xlsx [sheet '2022年']" in str(err.value)


def test_a_table_titled_with_one_year_is_that_years_figures(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["鼎湖区2023年市场监管主要指标完成情况"])
    ws.append(["指标名称", "单位", "数值"])
    ws.append(["企业标准", "项", 84])  # SYNTHETIC
    wb.save(tmp_path / "h.xlsx")
    h = mt.read_history(tmp_path / "h.xlsx", region="鼎湖区")
    assert h[["year", "value"]].values.tolist() == [[2023, 84.0]]
    ws["A1"] = "鼎湖区2020—2023年市场监管主要指标完成情况"  # several years: which is not guessed
    wb.save(tmp_path / "h2.xlsx")
    with pytest.raises(mt.DataValidationError, match="missing column"):
        mt.read_history(tmp_path / "h2.xlsx", region="鼎湖区")


def _sheets_workbook(path, sheets: dict):
    """``{sheet name: rows}``, each sheet 指标名称 | 单位 | 2021年 | 2022年 (values SYNTHETIC)."""
    wb = Workbook()
    for k, (name, rows) in enumerate(sheets.items()):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        ws.append(["指标名称", "单位", "2021年", "2022年"])
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


def test_a_workbook_of_one_region_per_sheet_reads_every_region(tmp_path):
    path = _sheets_workbook(tmp_path / "各区.xlsx", {"鼎湖区": [("企业标准", "项", 52, 69)],
                                                     "端州区": [("企业标准", "项", 40, 47)]})
    h = mt.read_history(path)
    assert h.groupby("region")["value"].apply(list).to_dict() == {"端州区": [40.0, 47.0], "鼎湖区": [52.0, 69.0]}


def test_a_workbook_of_topic_sheets_reads_every_sheet_and_refuses_a_conflict(tmp_path):
    sheets = {"市场主体": [("期末市场主体总量", "万户", 2.15, 2.42)],
              "质量和标准": [("企业标准", "项", 52, 69), ("期末市场主体总量", "万户", 2.15, 2.42)]}
    h = mt.read_history(_sheets_workbook(tmp_path / "分类.xlsx", sheets), region="鼎湖区")
    assert sorted(h["indicator"].unique()) == ["企业标准", "期末市场主体总量"] and len(h) == 4  # repeat kept once
    with pytest.raises(mt.DataValidationError) as err:  # before: the best sheet alone, the other dropped
        mt.read_history(_sheets_workbook(tmp_path / "分类.xlsx", {**sheets, "质量和标准": [
            ("企业标准", "项", 52, 69), ("期末市场主体总量", "万户", 2.15, 2.43)]}))
    assert "region" in str(err.value)  # topics are no regions: the region must be given
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(tmp_path / "分类.xlsx", region="鼎湖区")
    msg = str(err.value)
    assert "分类.xlsx [sheet '质量和标准'], row 3, column '2022年': '2.43': the same region, indicator and year as " in msg
    assert "分类.xlsx [sheet '市场主体'], row 2, column '2022年' (2.42) with a different value" in msg


def test_a_sheet_naming_no_indicator_beside_the_history_is_not_read_as_one(tmp_path):
    """A chart's data sheet (地区 | 2021年 | 2022年, no indicator) beside the history sheet: the
    history is read as before (values SYNTHETIC)."""
    path = _sheets_workbook(tmp_path / "h.xlsx", {"鼎湖区": [("企业标准", "项", 52, 69)],
                                                  "端州区": [("企业标准", "项", 40, 47)]})
    wb = load_workbook(path)
    chart = wb.create_sheet("图表数据")
    chart.append(["地区", "2021年", "2022年"])
    chart.append(["鼎湖区", 52, 69])
    wb.save(path)
    h = mt.read_history(path)
    assert sorted(h["region"].unique()) == ["端州区", "鼎湖区"] and len(h) == 4


def _plan_workbook(path, yearly_2025="〔3.12〕"):
    """主要指标 (the real Dinghu rows) and a 年度目标分解 sheet whose 2023 / 2024 steps are SYNTHETIC."""
    wb = Workbook()
    ws = wb.active
    ws.title = "主要指标"
    ws.append(["指标名称", "单位", "2020年基数", "2025年目标", "属性"])
    ws.append(["期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"])
    ws.append(["千人食品检验量", "批次/千人", "5", "6", "约束性"])
    ws = wb.create_sheet("年度目标分解")
    ws.append(["指标名称", "单位", "2020年基数", "2023年目标", "2024年目标", "2025年目标", "属性"])
    ws.append(["期末市场主体总量", "万户", "〔1.89〕", "〔2.6〕", "〔2.85〕", yearly_2025, "预期性"])
    wb.save(path)
    return path


def test_a_plan_workbook_with_targets_on_two_sheets_reads_both(tmp_path):
    plan = mt.read_plan(_plan_workbook(tmp_path / "规划.xlsx"), region="鼎湖区")
    got = sorted(zip(plan["name"], plan["target_year"], plan["target"]))
    assert got == [("千人食品检验量", 2025, 6.0), ("期末市场主体总量", 2023, 2.6), ("期末市场主体总量", 2024, 2.85),
                   ("期末市场主体总量", 2025, 3.12)]  # the 2025 target both sheets give: once


def test_a_target_two_plan_sheets_give_differently_is_refused_naming_both(tmp_path):
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(_plan_workbook(tmp_path / "规划.xlsx", yearly_2025="〔3.2〕"), region="鼎湖区")
    msg = str(err.value)
    assert "规划.xlsx [sheet '年度目标分解'], row 2" in msg and "'≥〔3.2〕'" in msg
    assert "规划.xlsx [sheet '主要指标'], row 2, column '2025年目标', which gives ≥〔3.12〕" in msg


def test_a_hidden_old_copy_of_the_plan_is_not_read_and_said_so(tmp_path):
    """A bureau keeps last draft's table on a hidden sheet (旧版, other 2025 targets). It was read as a
    second plan sheet and the workbook refused for two targets of one indicator, naming a sheet the
    user cannot see; now only the sheets shown are read, and the hidden one is named in a warning."""
    wb = load_workbook(write_plan_xlsx(tmp_path / "p.xlsx"))
    old = wb.copy_worksheet(wb.worksheets[0])
    old.title = "旧版"
    for row in old.iter_rows():
        for cell in row:
            if cell.value == "〔3.12〕":
                cell.value = "〔2.50〕"
    old.sheet_state = "hidden"
    wb.save(tmp_path / "plan.xlsx")
    with pytest.warns(mt.HiddenSheetWarning, match=r"工作表 '旧版' 在 Excel 中已隐藏，未读取.*unhide it"):
        plan = mt.read_plan(tmp_path / "plan.xlsx", region="鼎湖区")
    assert len(plan) == len(PLAN_ROWS)
    assert plan.set_index("name").loc["期末市场主体总量", "target"] == 3.12

    only = load_workbook(write_plan_xlsx(tmp_path / "q.xlsx"))  # the table on a hidden sheet, nothing shown
    only.create_sheet("说明")
    only.worksheets[0].sheet_state = "hidden"
    only.active = 1
    only.save(tmp_path / "only_hidden.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error", mt.HiddenSheetWarning)
        assert len(mt.read_plan(tmp_path / "only_hidden.xlsx", region="鼎湖区")) == len(PLAN_ROWS)


def test_a_footnote_set_as_superscript_in_a_workbook_is_not_read_as_a_digit(tmp_path):
    """千人食品检验量's target typed as text 6 with a footnote 1 formatted superscript (rich text, 上标), in
    .xlsx and in an old .xls: the runs were joined, so the target read 61 without a word. It reads 6¹
    now and is refused, named, with the fix."""
    import xlwt
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    k = next(i for i, row in enumerate(PLAN_ROWS) if row[1] == "千人食品检验量")
    path = write_plan_xlsx(tmp_path / "notes.xlsx")
    wb = load_workbook(path, rich_text=True)
    wb.active.cell(row=3 + k, column=6).value = CellRichText(["6", TextBlock(InlineFont(vertAlign="superscript"), "1")])
    wb.save(path)
    old = tmp_path / "notes.xls"
    book = xlwt.Workbook()
    sheet = book.add_sheet("主要指标")
    superscript = xlwt.Font()
    superscript.escapement = xlwt.Font.ESCAPEMENT_SUPERSCRIPT
    for r, row in enumerate(load_workbook(path).active.iter_rows(values_only=True)):
        for c, value in enumerate(row):
            if (r, c) == (2 + k, 5):
                sheet.write_rich_text(r, c, ["6", ("1", superscript)])
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(old))
    for plan, name in ((path, "notes.xlsx"), (old, "notes.xls")):
        with pytest.raises(mt.DataValidationError, match=rf"{name}.*row {3 + k}.*'6¹': a note mark is not read"):
            mt.read_plan(plan, region="鼎湖区")
