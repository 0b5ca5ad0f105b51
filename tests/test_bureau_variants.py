"""Plan and history tables as districts hand them over, in variants a tester built the way offices
lay them out (2026-12-05): each was refused although a person reads it at once, or read wrong, or
left part of the plan out without a word.

Indicator names, units and plan figures are the Dinghu district's (data/dinghu_14th_fyp_plan.csv);
yearly values are SYNTHETIC, generated here.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import docx
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

import mstarget as mt

HEADER = ["指标名称", "单位", "2020年", "2025年", "属性"]
DINGHU = Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv"


def _xlsx(path, rows, *, sheet="Sheet", extra=(), merges=()):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(list(r))
    for m in merges:
        ws.merge_cells(m)
    for name, more in extra:
        other = wb.create_sheet(name)
        for r in more:
            other.append(list(r))
    wb.save(path)
    return path


def _plan(frame_or_path, **kw):
    return mt.read_plan(frame_or_path, region="鼎湖区", **kw)


def test_a_dataframe_with_two_blank_headers_is_read_not_a_crash(tmp_path):
    """``pd.DataFrame(rows[1:], columns=rows[0])`` from an openpyxl sheet whose two last header
    cells are blank has two ``None`` columns: IndexError inside the reader; now they are named
    ``column_6`` / ``column_7`` as a file's blank headers are."""
    path = _xlsx(tmp_path / "p.xlsx", [HEADER + [None, None], ["药品抽检合格率", "%", 98, "≥99", "预期性", "备注a", "备注b"]])
    rows = list(load_workbook(path).active.values)
    plan = _plan(pd.DataFrame(rows[1:], columns=rows[0]))
    assert plan[["target", "direction", "column_6", "column_7"]].iloc[0].tolist() == [99.0, ">=", "备注a", "备注b"]
    hist = mt.read_history(pd.DataFrame([["药品抽检合格率", "%", 98, 99, "x", "y"]],
                                        columns=["指标名称", "单位", "2020年", "2021年", None, None]), region="鼎湖区")
    assert hist["value"].tolist() == [98.0, 99.0]


@pytest.mark.parametrize("word, attribute", [("约束性指标", "binding"), ("预期性指标", "expected"),
                                             ("约束型", "binding"), ("预期型", "expected")])
def test_attribute_words_with_zhibiao_or_xing(word, attribute):
    plan = _plan(pd.DataFrame({"指标名称": ["药品抽检合格率"], "单位": ["%"], "2020年": [98], "2025年": ["≥99"],
                               "指标属性": [word]}))
    assert plan["attribute"].tolist() == [attribute]


@pytest.mark.parametrize("name, note", [("千人食品检验量★", "注：带★的为约束性指标。"), ("千人食品检验量（约束性）", None)])
def test_binding_marked_by_a_star_or_written_after_the_name(tmp_path, name, note):
    """★ (注：带★的为约束性指标) or （约束性） after the name: the row was read as expected and the mark
    stayed in the name, so the history's 千人食品检验量 no longer matched it."""
    rows = [["序号"] + HEADER[:4], [1, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕"],
            [2, name, "批次/千人", 5, 6], [3, "药品抽检合格率", "%", 98, "≥99"]] + ([[note]] if note else [])
    plan = _plan(_xlsx(tmp_path / "p.xlsx", rows))
    assert plan["name"].tolist() == ["期末市场主体总量", "千人食品检验量", "药品抽检合格率"]
    assert plan["attribute"].tolist() == ["expected", "binding", "expected"]
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "千人食品检验量", "year": [2020, 2021, 2022, 2023],
                         "value": [5.0, 5.3, 5.5, 5.8], "unit": "批次/千人"})  # SYNTHETIC
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(hist, plan, as_of=2023)
    assert res.set_index("name").loc["千人食品检验量", "last_year"] == 2023


@pytest.mark.parametrize("cell", ["〈5〉", "累计新增5"])
def test_an_increment_without_a_baseline_is_at_least_its_figure(cell):
    """〈5〉 with the baseline written — or blank: "a direction: no baseline"; additions over the
    period are at least their figure."""
    plan = _plan(pd.DataFrame({"指标名称": ["知识产权质押登记融资金额"], "单位": ["亿元"], "2020年": ["—"],
                               "2025年": [cell], "属性": ["预期性"]}))
    assert plan[["target", "direction", "kind"]].iloc[0].tolist() == [5.0, ">=", "increment"]
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "知识产权质押登记融资金额", "year": [2021, 2022, 2023],
                         "value": [0.9, 1.1, 1.2], "unit": "亿元"})  # SYNTHETIC yearly flows
    res = mt.assess(hist, plan, as_of=2023, seed=0).iloc[0]
    assert res["sum_so_far"] == pytest.approx(3.2) and res["remaining"] == pytest.approx(1.8)


@pytest.mark.parametrize("baseline, target", [("2020年", "2025年目标值\n（预期）"), ("2020年基数", "2025年目标值\n（预期）"),
                                              ("2020年基数", "2025年底目标"), ("2020年", "2025年底目标值")])
def test_wrapped_and_year_end_target_headers(baseline, target):
    plan = _plan(pd.DataFrame({"指标名称": ["药品抽检合格率"], "单位": ["%"], baseline: [98.0], target: ["≥99"]}))
    assert plan[["baseline_year", "baseline", "target_year", "target"]].iloc[0].tolist() == [2020, 98.0, 2025, 99.0]


def test_a_year_header_in_words_not_read_is_named_in_the_refusal():
    """``2025年目标（累计）``: "missing column(s) target_year, target" while the column is there; the
    message now names it and how to write it."""
    with pytest.raises(mt.DataValidationError) as err:
        _plan(pd.DataFrame({"指标名称": ["x"], "单位": ["户"], "2020年基数": [1], "2025年目标（累计）": ["〔3〕"]}))
    assert ("'2025年目标（累计）' names a year in words that are not read: write the header as 2020年基数 / "
            "2025年目标") in str(err.value)


def test_history_headers_with_quannian():
    hist = mt.read_history(pd.DataFrame({"指标名称": ["药品抽检合格率"], "单位": ["%"], "2021年全年": [98.6],
                                         "2022年全年": [99.1]}), region="鼎湖区")
    assert hist[["year", "value"]].values.tolist() == [[2021, 98.6], [2022, 99.1]]


def test_two_plan_sheets_laid_out_alike_are_both_read(tmp_path):
    """Sheets 主要指标 and 专项指标 under the same header: only the first was read, without a word."""
    path = _xlsx(tmp_path / "p.xlsx", [HEADER, ["期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"],
                                       ["千人食品检验量", "批次/千人", 5, 6, "约束性"]], sheet="主要指标",
                 extra=[("专项指标", [HEADER, ["药品抽检合格率", "%", 98, "≥99", "预期性"],
                                      ["执业药师数", "人/万人口", 4.4, "≥4.6", "预期性"]])])
    plan = _plan(path)
    assert plan["name"].tolist() == ["期末市场主体总量", "千人食品检验量", "药品抽检合格率", "执业药师数"]
    with pytest.raises(mt.DataValidationError, match=r"\[sheet '专项指标'\], row 2"):
        wb = load_workbook(path)
        wb["专项指标"]["D2"] = "≥九十九"
        wb.save(path)
        _plan(path)


def test_two_indicator_tables_of_one_word_document_are_both_read(tmp_path):
    """表1 市场主体发展主要指标 and 表2 食品药品安全主要指标, text between them, the same header: the
    second table's three targets (two binding) were left out without a word."""
    header = ["序号", "指标名称", "单位", "2020年", "2025年", "属性"]
    tables = [("表1 市场主体发展主要指标", [("1", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性")]),
              ("表2 食品药品安全主要指标", [("1", "千人食品检验量", "批次/千人", "5", "6", "约束性"),
                                    ("2", "“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性")])]
    doc = docx.Document()
    html = ['<html><head><meta charset="utf-8"></head><body>']
    for title, rows in tables:
        doc.add_paragraph(title)
        t = doc.add_table(rows=1 + len(rows), cols=len(header))
        for r, row in enumerate([header] + list(rows)):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
        doc.add_paragraph("正文……")
        html.append(f"<p>{title}</p><table>" + "".join("<tr>" + "".join(f"<td>{x}</td>" for x in row) + "</tr>"
                                                        for row in [header] + list(rows)) + "</table><p>正文……</p>")
    doc.save(tmp_path / "plan.docx")
    (tmp_path / "plan.html").write_text("".join(html) + "</body></html>", encoding="utf-8")
    for name in ("plan.docx", "plan.html"):
        plan = _plan(tmp_path / name)
        assert plan["name"].tolist() == ["期末市场主体总量", "千人食品检验量", "“明厨亮灶”覆盖率"], name
        assert plan["attribute"].tolist() == ["expected", "binding", "binding"]


def test_a_direction_shown_by_the_cells_number_format(tmp_path):
    """0.5 formatted ``"≤"0.0`` shows ``≤0.5``: it was read as ≥ (from the baseline's side)."""
    wb = Workbook()
    ws = wb.active
    for row in (["指标名称", "单位", "2020年", "2025年"], ["食品安全事故发生率", "‰", 0.3, 0.5]):
        ws.append(row)
    ws["D2"].number_format = '"≤"0.0'
    wb.save(tmp_path / "p.xlsx")
    assert _plan(tmp_path / "p.xlsx")[["target", "direction"]].iloc[0].tolist() == [0.5, "<="]


@pytest.mark.parametrize("ordinals, merged", [(("（一）", "（二）"), False), (("（一）", "（二）"), True),
                                              (("一", "二"), False)])
def test_section_rows_with_the_ordinal_under_xuhao(tmp_path, ordinals, merged):
    """``（一） | 市场主体发展 | blank…``: refused ("a target value, not blank"); merged across the row:
    six refusals naming the section's name as a number."""
    header = ["序号", "指标", "单位", "2020年", "2025年", "属性"]
    rows = [header, [ordinals[0], "市场主体发展", None, None, None, None],
            ["1", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"],
            [ordinals[1], "安全监管", None, None, None, None], ["2", "千人食品检验量", "批次/千人", 5, 6, "约束性"]]
    plan = _plan(_xlsx(tmp_path / "p.xlsx", rows, merges=["B2:F2", "B4:F4"] if merged else ()))
    assert plan["name"].tolist() == ["期末市场主体总量", "千人食品检验量"]
    sep = "" if ordinals[0].startswith("（") else "、"
    assert plan["group"].tolist() == [f"{ordinals[0]}{sep}市场主体发展", f"{ordinals[1]}{sep}安全监管"]


def test_two_tables_stacked_on_one_sheet_under_their_captions(tmp_path):
    """A 表2 … caption between two tables on one sheet was read as a row without an indicator."""
    header = ["序号"] + HEADER
    rows = [["表1 市场主体发展主要指标"], header, [1, "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"], [],
            ["表2 食品药品安全主要指标"], header, [1, "千人食品检验量", "批次/千人", 5, 6, "约束性"],
            [2, "药品抽检合格率", "%", 98, "≥99", "预期性"]]
    plan = _plan(_xlsx(tmp_path / "p.xlsx", rows))
    assert plan["name"].tolist() == ["期末市场主体总量", "千人食品检验量", "药品抽检合格率"]
    assert plan["group"].tolist()[1:] == ["表2 食品药品安全主要指标"] * 2


def test_yearly_targets_under_bare_year_headers_are_targets(tmp_path):
    """年度目标分解表 with ``2021年 … 2025年`` headers: the 2021-2024 targets (``≥98.2``, ``〔2.1〕``)
    were read as achieved values, their ≥ dropped, and assessed as observations."""
    rows = [["鼎湖区市场监管“十四五”主要指标年度目标分解表"],
            ["指标名称", "单位", "2020年基数", "2021年", "2022年", "2023年", "2024年", "2025年", "属性"],
            ["期末市场主体总量", "万户", "〔1.89〕", "〔2.1〕", "〔2.35〕", "〔2.6〕", "〔2.85〕", "〔3.12〕", "预期性"],
            ["药品抽检合格率", "%", 98, "≥98.2", "≥98.4", "≥98.6", "≥98.8", "≥99", "预期性"]]
    plan = _plan(_xlsx(tmp_path / "p.xlsx", rows))
    assert not [c for c in plan.columns if c.startswith("observed_")]
    drug = plan[plan["name"] == "药品抽检合格率"]
    assert drug["target_year"].tolist() == [2021, 2022, 2023, 2024, 2025]
    assert drug["target"].tolist() == [98.2, 98.4, 98.6, 98.8, 99.0] and set(drug["direction"]) == {">="}
    # a mid-term table's actuals under bare years (no direction, no 分解 title) stay observations
    rows[0] = ["鼎湖区市场监管“十四五”主要指标年度完成情况"]
    rows[2:] = [["药品抽检合格率", "%", 98, 98.3, 98.5, None, None, "≥99", "预期性"]]
    plan = _plan(_xlsx(tmp_path / "m.xlsx", rows))
    assert plan[["target_year", "target"]].values.tolist() == [[2025, 99.0]]
    assert plan[["observed_2021", "observed_2022"]].iloc[0].tolist() == [98.3, 98.5]


def test_the_same_name_under_two_categories_is_not_told_to_drop_one(tmp_path):
    """抽检合格率 under 食品安全 (≥98, binding) and under 药品安全 (≥99): the advice was "keep one of the
    two rows", i.e. delete a binding target."""
    rows = [["类别"] + HEADER, ["食品安全", "抽检合格率", "%", 97, "≥98", "约束性"],
            [None, "抽检合格率", "%", 98, "≥99", "预期性"]]
    path = _xlsx(tmp_path / "p.xlsx", rows)
    wb = load_workbook(path)
    wb.active["A3"] = "药品安全"
    wb.save(path)
    with pytest.raises(mt.DataValidationError) as err:
        _plan(path)
    text = str(err.value)
    assert "两行分属“食品安全”与“药品安全”，若是两项不同指标，请在指标名称中加以区分（如“药品安全抽检合格率”）" in text
    assert "keep one of the two rows" not in text


def test_a_row_hidden_in_excel_is_not_read_and_said(tmp_path):
    """A cancelled indicator kept in a hidden row (旧指标（已取消）, 约束性) was read and assessed, though
    hidden sheets are not read; now it is left out like them, with a warning naming the row."""
    wb = Workbook()
    ws = wb.active
    for row in (HEADER, ["期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性"], ["旧指标（已取消）", "%", 50, "≥60", "约束性"],
                ["药品抽检合格率", "%", 98, "≥99", "预期性"]):
        ws.append(row)
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "p.xlsx")
    with pytest.warns(mt.HiddenSheetWarning, match=r"p.xlsx: 在 Excel 中隐藏的行未读取 .*row 3\)"):
        plan = _plan(tmp_path / "p.xlsx")
    assert plan["name"].tolist() == ["期末市场主体总量", "药品抽检合格率"]


@pytest.mark.parametrize("cell", ["2023年6月", "2023-06", "2023-06-30"])
def test_a_month_in_the_year_column_is_refused_not_read_as_the_year(cell):
    """A half year's 5 batches under 年份 '2023年6月' was read as 2023's (p_meet 0.09, 滞后); the wide
    header '2023年6月' was already refused as part of the year."""
    hist = pd.DataFrame({"指标名称": "化妆品抽检批次数", "单位": "批次/年", "年份": ["2021", "2022", cell],
                         "数值": [9, 10, 5]})  # SYNTHETIC
    with pytest.raises(mt.DataValidationError, match=r"row 2, column '年份': '.*': a year's figure, not a month's"):
        mt.read_history(hist, region="鼎湖区")


@pytest.mark.parametrize("cell", ["2023年12月", "2023-12-31", "2023-01-01", "2023年（快报）", "截至2023年底", "2023年1-12月"])
def test_whole_year_cells_in_the_year_column(cell):
    hist = mt.read_history(pd.DataFrame({"指标名称": "化妆品抽检批次数", "单位": "批次/年", "年份": ["2022", cell],
                                         "数值": [10, 9]}), region="鼎湖区")
    assert hist["year"].tolist() == [2022, 2023]


def test_words_for_no_figure_are_blanks():
    hist = mt.read_history(pd.DataFrame({"指标名称": "执业药师数", "单位": "人/万人口", "2020年": [4.4], "2021年": ["暂无"],
                                         "2022年": ["未统计"], "2023年": [4.6]}), region="鼎湖区")
    assert hist.dropna(subset=["value"])[["year", "value"]].values.tolist() == [[2020, 4.4], [2023, 4.6]]
    assert hist["value"].isna().sum() == 2  # blanks, as '—' is


def test_a_cell_repeating_the_rows_magnitude_is_read():
    """1.89万 in a 万户 row was refused: "the cell says 万: convert it" -- a conversion that changes nothing."""
    hist = mt.read_history(pd.DataFrame({"指标名称": "期末市场主体总量", "单位": "万户", "2020年": ["1.89万"],
                                         "2021年": ["2.15万"]}), region="鼎湖区")
    assert hist["value"].tolist() == [1.89, 2.15]
    with pytest.raises(mt.DataValidationError, match="the cell says 人"):
        mt.read_history(pd.DataFrame({"指标名称": "执业药师数", "单位": "人/万人口", "2021年": ["4.5人"]}), region="鼎湖区")


def test_a_towns_column_is_the_region_column(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["镇（街道）", "指标名称", "单位", "2022年", "2023年"])
    for town, a, b in (("坑口街道", 0.45, 0.50), ("永安镇", 0.26, 0.29)):  # SYNTHETIC
        ws.append([town, "期末市场主体总量", "万户", a, b])
    wb.save(tmp_path / "h.xlsx")
    hist = mt.read_history(tmp_path / "h.xlsx")
    assert sorted(set(hist["region"])) == ["坑口街道", "永安镇"]


def test_sheets_per_year_a_half_year_or_revised_sheet_is_said_not_dropped_silently(tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    for name, value in (("2021年", 2.15), ("2022年", 2.42), ("2023年1-6月", 2.55), ("2023年1-12月", 2.70)):
        ws = wb.create_sheet(name)
        ws.append(["指标名称", "单位", "数值"])
        ws.append(["期末市场主体总量", "万户", value])  # SYNTHETIC
    wb.save(tmp_path / "years.xlsx")
    with pytest.warns(mt.UnreadColumnWarning, match=r"未读取的工作表 \(sheets not read\): '2023年1-6月' \(a part of the year"):
        hist = mt.read_history(tmp_path / "years.xlsx", region="鼎湖区")
    assert hist[["year", "value"]].values.tolist() == [[2021, 2.15], [2022, 2.42], [2023, 2.70]]


@pytest.mark.parametrize("measure", ["当年", "新增", "当年新增"])
def test_yearly_additions_against_a_stock_target_become_the_stock(measure):
    """企业标准 given as each year's new standards (口径 当年: 14, 17, 15, SYNTHETIC) against the
    stock 〔117〕 (baseline 38): the additions were compared with the stock (forecast 7.9, p_meet 0.05)."""
    hist = pd.DataFrame({"指标名称": "企业标准", "单位": "项", "口径": measure, "年份": [2021, 2022, 2023],
                         "数值": [14, 17, 15]})
    plan = mt.read_plan(DINGHU, region="鼎湖区")
    with pytest.warns(mt.InconsistentDataWarning, match=r"新增数已换算为期末存量.*2020 38 \+ 14, 17, 15"):
        res = mt.assess(hist, plan[plan["name"] == "企业标准"], as_of=2023, seed=0)
    assert res["last_value"].iloc[0] == 84 and res["p_meet"].iloc[0] > 0.5


def test_a_share_given_as_a_fraction_in_a_wide_table_names_its_row_once():
    """'rows 3 and 3' for two years of one row of a table laid out one column per year. A ratio that is
    the series' own percentage (0.986 among 98, 99.1) is refused since session 38, naming its year's
    column; a jump the other years do not explain is still warned of."""
    with pytest.raises(mt.DataValidationError, match=r"<DataFrame>, row 0, column '2021年': '0.986': 98.6（"):
        mt.read_history(pd.DataFrame({"指标名称": ["药品抽检合格率"], "单位": ["%"], "2020年": [98], "2021年": [0.986],
                                      "2022年": [99.1]}), region="鼎湖区")
    with pytest.warns(mt.InconsistentDataWarning, match=r"<DataFrame>, row 0: 鼎湖区/电子营业执照使用率 以 % 为单位"):
        mt.read_history(pd.DataFrame({"指标名称": ["电子营业执照使用率"], "单位": ["%"], "2020年": [0.5], "2021年": [30],
                                      "2022年": [60], "2023年": [90]}), region="鼎湖区")  # SYNTHETIC


def test_a_districts_own_row_among_its_towns_is_the_district(tmp_path):
    """A county table of its towns with a 全区 row: the row was taken for a 合计 and every plan row
    went unmatched (p_meet from the baseline alone). With region=鼎湖区 given, 全区 / 本区 is 鼎湖区."""
    towns = {"全区": [1.89, 2.15, 2.42, 2.70], "坑口街道": [0.35, 0.40, 0.45, 0.50], "永安镇": [0.20, 0.23, 0.26, 0.29]}
    rows = [["镇（街道）", "指标名称", "单位", "2020年", "2021年", "2022年", "2023年"]]
    rows += [[t, "期末市场主体总量", "万户", *v] for t, v in towns.items()]  # SYNTHETIC
    path = _xlsx(tmp_path / "h.xlsx", rows)
    hist = mt.read_history(path, region="鼎湖区")
    assert sorted(set(hist["region"])) == ["坑口街道", "永安镇", "鼎湖区"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(path, DINGHU, region="鼎湖区", as_of=2023, seed=0).set_index("name")
    assert res.loc["期末市场主体总量", "last_value"] == pytest.approx(2.70)
