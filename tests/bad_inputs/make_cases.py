"""Build the catalogue of real-world bad inputs (issue 14): files in ``files/`` and ``cases.csv``.

Run ``python tests/bad_inputs/make_cases.py`` from the repository root; both the files and the
manifest are committed, so a reader sees exactly what each case feeds the command line.
``tests/test_bad_inputs.py`` runs every case in-process and checks its exit code and message.

Content comes from the shipped real data: the Dinghu district "十四五" plan
(``data/dinghu_14th_fyp_plan.csv``), the national targets and history (``data/china/``) and the
SAMR food-sampling counts (``data/china/food_sampling_by_category.csv``). Dinghu history values
are SYNTHETIC (plausible mid-term figures written here, as in ``tests/bureau_files.py``), and so is
every deliberate fault: each case changes one thing an office really gets wrong.

Manifest columns: ``id``; ``args`` (the command line; ``{files}`` = this folder's ``files/``,
``{data}`` = the repository's ``data/``, ``{out}`` = a fresh output path); ``code`` (expected exit
code: 0 ok, 2 input or usage problem, 4 environment -- 1 would be a bug); ``stream`` (``stderr`` / ``stdout``)
and ``fragment`` (text the message must contain: file, row and column where they apply);
``what`` (the fault, in words).
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path

import sys

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the bureau-style builders
from bureau_files import (PLAN_ROWS, write_plan_docx, write_plan_html, write_plan_pdf,  # noqa: E402
                          write_three_line_pdf)

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
DATA = HERE.parents[1] / "data"
DINGHU = DATA / "dinghu_14th_fyp_plan.csv"
NATIONAL_TARGETS = DATA / "china" / "national_targets.csv"
NATIONAL_HISTORY = DATA / "china" / "national_history.csv"
FOOD = DATA / "china" / "food_sampling_by_category.csv"

CASES: list[dict] = []

ASSESS = "assess --model naive --no-track --out {out}"
PLAN_ONLY = ASSESS + " --plan {files}/%s"
WITH_DINGHU = ASSESS + " --plan {data}/dinghu_14th_fyp_plan.csv --history {files}/%s"
WITH_NATIONAL = ASSESS + " --plan {data}/china/national_targets.csv --history {files}/%s --as-of 2022"
RISK = "risk score --by category --no-track --out {out} --samples {files}/%s"
FORECAST = "forecast --model naive --horizon 2 --no-track --out {out} --history {files}/%s"


def case(cid: str, args: str, code: int, fragment: str, what: str, stream: str = "stderr") -> None:
    CASES.append({"id": cid, "args": args, "code": code, "stream": stream, "fragment": fragment,
                  "what": what})


# ----------------------------------------------------------------------------- helpers
def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [list(r) for r in csv.reader(f)]


def write_csv(name: str, rows, encoding: str = "utf-8", delimiter: str = ",") -> str:
    with open(FILES / name, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return name


def dinghu(edit=None) -> list[list[str]]:
    """The Dinghu plan rows (header first); ``edit(rows)`` changes them in place."""
    rows = read_rows(DINGHU)
    if edit:
        edit(rows)
    return rows


def col(rows, name: str) -> int:
    return rows[0].index(name)


def row_of(rows, indicator: str) -> int:
    """Position in ``rows`` of a Dinghu indicator (its spreadsheet row is this + 1)."""
    return next(k for k, r in enumerate(rows) if len(r) > 1 and r[1] == indicator)


def set_cell(indicator: str, column: str, value: str):
    def edit(rows):
        rows[row_of(rows, indicator)][col(rows, column)] = value
    return edit


# synthetic Dinghu history (long layout): (indicator, name, unit, {year: value})
HISTORY = [
    ("market_entities_total", "期末市场主体总量", "万户", {2020: 1.89, 2021: 2.15, 2022: 2.42, 2023: 2.70}),
    ("ip_pledge_financing", "知识产权质押登记融资金额", "亿元", {2021: 1.2, 2022: 1.3, 2023: 0.6}),
    ("food_samples_per_1000_people", "千人食品检验量", "批次/千人", {2020: 5, 2021: 5.3, 2022: 5.5, 2023: 5.8}),
    ("cosmetics_sampling_batches", "化妆品抽检批次数", "批次/年", {2020: 9, 2021: 9, 2022: 10, 2023: 10}),
    ("open_kitchen_coverage", "“明厨亮灶”覆盖率", "%", {2020: 81, 2021: 84, 2022: 86, 2023: 88}),
    ("drug_sampling_pass_rate", "药品抽检合格率", "%", {2020: 98, 2021: 98.6, 2022: 99.1, 2023: 99.2}),
]
HISTORY_HEADER = ["region", "indicator", "name", "year", "value", "unit"]


def history(edit=None) -> list[list[str]]:
    rows = [list(HISTORY_HEADER)]
    for ind, name, unit, values in HISTORY:
        rows += [["鼎湖区", ind, name, str(y), f"{v:g}", unit] for y, v in values.items()]
    if edit:
        edit(rows)
    return rows


def hist_row(rows, indicator: str, year: int) -> int:
    return next(k for k, r in enumerate(rows) if r[1] == indicator and r[3] == str(year))


def H(indicator: str, year: int) -> int:
    """Spreadsheet row of an observation in :func:`history`'s file (header = row 1)."""
    return hist_row(history(), indicator, year) + 1


def set_hist(indicator: str, year: int, column: str, value: str):
    def edit(rows):
        rows[hist_row(rows, indicator, year)][HISTORY_HEADER.index(column)] = value
    return edit


def series_values(indicator: str, values: dict, unit: str | None = None):
    """New values for some years of a series (and, if given, a new unit for all of it)."""
    def edit(rows):
        for r in rows[1:]:
            if r[1] != indicator:
                continue
            if int(r[3]) in values:
                r[4] = str(values[int(r[3])])
            if unit is not None:
                r[5] = unit
    return edit


def food(edit=None) -> list[list[str]]:
    rows = [r for r in read_rows(FOOD) if r[0] == "region" or r[1] in ("2019H2", "2020H1")]
    rows = [r[:5] for r in rows]  # region, period, category, tested, failed
    if edit:
        edit(rows)
    return rows


def food_row(rows, period: str, category: str) -> int:
    return next(k for k, r in enumerate(rows) if r[1] == period and r[2] == category)


def F(period: str, category: str) -> int:
    """Spreadsheet row of a group in :func:`food`'s file (header = row 1)."""
    return food_row(food(), period, category) + 1


def set_food(period: str, category: str, column: str, value: str):
    def edit(rows):
        rows[food_row(rows, period, category)][rows[0].index(column)] = value
    return edit


def save_workbook(wb, name: str) -> str:
    """Save ``wb`` (a workbook, or a Word document: anything with ``save(stream)``) byte for byte
    the same on every run (fixed zip times and document dates), so regenerating the catalogue
    changes no committed file."""
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    (FILES / name).write_bytes(out.getvalue())
    return name


# ----------------------------------------------------------------------------- bureau workbooks
TITLE = "肇庆市鼎湖区市场监管现代化“十四五”规划主要指标"
GROUPS = ["一、市场主体"] * 2 + ["二、知识产权"] * 2 + ["三、质量和标准"] * 3 + ["四、安全监管"] * 7
NOTE = "注：〔〕内为累计数，〈〉内为“十四五”期间累计新增数。"


def bureau_plan_xlsx(name: str, header=None, edit=None) -> str:
    """The Dinghu table as an office lays it out: merged title, 类别 merged down each category,
    2020年基数 / 2025年目标, no region column, a 注 row below."""
    body = dinghu()[1:]
    header = header or ["类别", "序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"]
    rows = [[g, k, r[2], r[3], r[5], r[7], r[8]] for k, (g, r) in enumerate(zip(GROUPS, body), 1)]
    if edit:
        edit(header, rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "主要指标"
    width = len(header)
    ws.append([TITLE] + [None] * (width - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(header)
    start = {}
    for row in rows:
        r = ws.max_row + 1
        start.setdefault(row[0], [r, r])[1] = r
        ws.append([row[0] if start[row[0]][0] == r else None] + list(row[1:]))
    for r0, r1 in start.values():
        if r1 > r0:
            ws.merge_cells(start_row=r0, start_column=1, end_row=r1, end_column=1)
    ws.append([NOTE] + [None] * (width - 1))
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    return save_workbook(wb, name)


def bureau_history_xlsx(name: str, rows) -> str:
    """A statistics office's yearly table: title, one column per year, keyed by 指标名称, a
    资料来源 row below (values SYNTHETIC)."""
    header = ["指标名称", "单位", "2020年", "2021年", "2022年", "2023年"]
    wb = Workbook()
    ws = wb.active
    ws.append(["鼎湖区市场监管主要指标完成情况（2020—2023年）"] + [None] * (len(header) - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append([None] * len(header))
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    ws.append([None] * len(header))
    ws.append(["资料来源：区统计局、区市场监管局（本表数值为测试用合成数据）"] + [None] * (len(header) - 1))
    return save_workbook(wb, name)


WIDE = [
    ("期末市场主体总量", "万户", 1.89, 2.15, 2.42, 2.70),
    ("“明厨亮灶”覆盖率", "%", 81, 84, 86, 88),
    ("药品抽检合格率", "%", 98, 98.6, 99.1, 99.2),
]


# ----------------------------------------------------------------------------- the cases
def plan_cases() -> None:
    # notation cells
    write_csv("p_unbalanced_open.csv", dinghu(set_cell("market_entities_total", "target", "〔3.12")))
    case("p_unbalanced_open", PLAN_ONLY % "p_unbalanced_open.csv", 2,
         "p_unbalanced_open.csv, row 2, column 'target': '〔3.12': brackets in pairs", "〔 without its 〕")
    write_csv("p_unbalanced_close.csv", dinghu(set_cell("enterprise_standards", "baseline", "38〕")))
    case("p_unbalanced_close", PLAN_ONLY % "p_unbalanced_close.csv", 2,
         "p_unbalanced_close.csv, row 7, column 'baseline': '38〕': brackets in pairs", "〕 without its 〔")
    write_csv("p_double_sign.csv", dinghu(set_cell("medical_device_sampling_batches", "target", "≥≥9")))
    case("p_double_sign", PLAN_ONLY % "p_double_sign.csv", 2,
         "p_double_sign.csv, row 10, column 'target': '≥≥9': one direction sign only", "≥ typed twice")
    write_csv("p_approx.csv", dinghu(set_cell("open_kitchen_coverage", "target", "约90")))
    case("p_approx", PLAN_ONLY % "p_approx.csv", 2, "p_approx.csv, row 12, column 'target': '约90': 约 / 左右 are not read",
         "约 (about) before the number")
    write_csv("p_striven_short.csv", dinghu(set_cell("drug_sampling_pass_rate", "target", "≥99%，力争98%")))
    case("p_striven_short", PLAN_ONLY % "p_striven_short.csv", 2,
         "p_striven_short.csv, row 14, column 'target': '≥99%，力争98%': a firm target and a striven-for one",
         "a striven-for figure short of the firm one")
    write_csv("p_text_number.csv", dinghu(set_cell("drug_sampling_pass_rate", "target", "九十九")))
    case("p_text_number", PLAN_ONLY % "p_text_number.csv", 2,
         "p_text_number.csv, row 14, column 'target': '九十九': digits, not Chinese numerals", "a number in Chinese words")
    write_csv("p_target_decimal_slip.csv", dinghu(set_cell("drug_sampling_pass_rate", "target", "≥9.9")))
    case("p_target_decimal_slip", PLAN_ONLY % "p_target_decimal_slip.csv", 0,
         "p_target_decimal_slip.csv, row 14, column 'target': '≥9.9': 目标值为基期值 98 的1/9.9",
         "a target typed 9.9 for 99 against a baseline of 98 (warned: it was read as met before the plan began)")
    write_csv("p_percent_in_count_row.csv", dinghu(set_cell("enterprises_per_1000_people", "target", "〔25.64%〕")))
    case("p_percent_in_count_row", PLAN_ONLY % "p_percent_in_count_row.csv", 2,
         "p_percent_in_count_row.csv, row 3, column 'target': '〔25.64%〕': 单元格中的 % 与本行单位 户/千人 不一致",
         "a target written with % in a row counted in 户/千人")
    write_csv("p_by_region_no_year.csv", [["指标名称", "单位", "端州区", "鼎湖区"], ["市场主体总量", "万户", "≥8.6", "≥2.5"]])
    case("p_by_region_no_year", PLAN_ONLY % "p_by_region_no_year.csv", 2,
         "p_by_region_no_year.csv, column '端州区': columns 端州区, 鼎湖区 read as each region's target (目标分解表), "
         "but no target year is given",
         "targets split by district, one column per district, with no year in the headers or the title")
    write_csv("p_unit_in_cell.csv", dinghu(set_cell("market_entities_total", "target", "〔31200户〕")))
    case("p_unit_in_cell", PLAN_ONLY % "p_unit_in_cell.csv", 2,
         "p_unit_in_cell.csv, row 2, column 'target': '〔31200户〕': 单元格中的单位 户 与本行单位 万户 不一致",
         "a target written in 户 after the number, the unit column in 万户")
    def change_without_baseline(rows):
        set_cell("licensed_pharmacists_per_10k", "baseline", "")(rows)
        set_cell("licensed_pharmacists_per_10k", "target", "年均增长2%")(rows)
    write_csv("p_change_without_baseline.csv", dinghu(change_without_baseline))
    case("p_change_without_baseline", PLAN_ONLY % "p_change_without_baseline.csv", 2,
         "p_change_without_baseline.csv, row 15, column 'target': '年均增长2%': '年均增长2%' is read from the baseline",
         "a target written as a change from the baseline (年均增长2%) in a row whose baseline is blank")
    write_csv("p_note_mark.csv", dinghu(set_cell("market_entities_total", "target", "〔3.12〕①")))
    case("p_note_mark", PLAN_ONLY % "p_note_mark.csv", 2,
         "p_note_mark.csv, row 2, column 'target': '〔3.12〕①': a note mark is not read",
         "a footnote mark after a target (NFKC reads ① as 1: it was the target 3.121)")

    def worded(rows):
        set_cell("drug_sampling_pass_rate", "target", "保持在99%以上")(rows)
        set_cell("cosmetics_sampling_batches", "target", "不少于10批次/年")(rows)
        set_cell("licensed_pharmacists_per_10k", "baseline", "—")(rows)
        set_cell("licensed_pharmacists_per_10k", "target", "≥4.6")(rows)
    write_csv("p_worded_cells.csv", dinghu(worded))
    case("p_worded_cells", PLAN_ONLY % "p_worded_cells.csv", 0, "药品抽检合格率",
         "保持在99%以上, a unit after the number, a baseline written — (valid: ≥99, ≥10, blank)", "stdout")

    def yearly(name, step_2024):
        rows = [r for r in read_rows(DINGHU)]
        head = rows[0]
        out = [["indicator", "name", "unit", "2020年基数", "2024年目标", "2025年目标", "属性"]]
        for r in rows[1:]:
            d = dict(zip(head, r))
            if d["indicator"] in ("market_entities_total", "food_samples_per_1000_people"):
                out.append([d["indicator"], d["name"], d["unit"], d["baseline"], step_2024[d["indicator"]],
                            d["target"], d["attribute"]])
        write_csv(name, out)
        return name
    # a 年度目标分解 table (the 2024 steps SYNTHETIC): one plan row per target year
    yearly("p_yearly_targets.csv", {"market_entities_total": "〔2.85〕", "food_samples_per_1000_people": "5.8"})
    case("p_yearly_targets", PLAN_ONLY % "p_yearly_targets.csv" + " --region 鼎湖区", 0, "2024",
         "targets for 2024 and 2025 in two columns (valid: two plan rows per indicator)", "stdout")
    yearly("p_yearly_targets_bad.csv", {"market_entities_total": "〔2.85", "food_samples_per_1000_people": "5.8"})
    case("p_yearly_targets_bad", PLAN_ONLY % "p_yearly_targets_bad.csv" + " --region 鼎湖区", 2,
         "p_yearly_targets_bad.csv, row 2, column '2024年目标': '〔2.85'",
         "a bad cell in a table of yearly targets: named by its year's header")
    write_csv("p_target_in_words.csv", dinghu(set_cell("drug_sampling_pass_rate", "target", "稳中有升")))
    case("p_target_in_words", PLAN_ONLY % "p_target_in_words.csv", 0, "稳中有升（≥98）",
         "a target written as a direction only, 稳中有升 (valid: ≥ the baseline 98)", "stdout")
    write_csv("p_target_no_direction.csv", dinghu(set_cell("drug_sampling_pass_rate", "target", "保持稳定")))
    case("p_target_no_direction", PLAN_ONLY % "p_target_no_direction.csv", 2,
         "p_target_no_direction.csv, row 14, column 'target': '保持稳定': '保持稳定' says no level and no direction",
         "a target in words that give neither a level nor a direction")

    def fullwidth(rows):
        set_cell("open_kitchen_coverage", "target", "≥９０")(rows)
        set_cell("market_entities_total", "target", "〔３．１２〕")(rows)
    write_csv("p_fullwidth_digits.csv", dinghu(fullwidth))
    case("p_fullwidth_digits", PLAN_ONLY % "p_fullwidth_digits.csv", 0, "≥〔3.12〕",
         "full-width digits (valid: read as ASCII)", "stdout")
    write_csv("p_empty_target.csv", dinghu(set_cell("local_standards", "target", "")))
    case("p_empty_target", PLAN_ONLY % "p_empty_target.csv", 2,
         "p_empty_target.csv, row 6, column 'target': '': a target value, not blank", "target left blank")
    write_csv("p_nan_target.csv", dinghu(set_cell("local_standards", "target", "NaN")))
    case("p_nan_target", PLAN_ONLY % "p_nan_target.csv", 2,
         "p_nan_target.csv, row 6, column 'target': 'NaN': a number, not a placeholder",
         "NaN exported by a script")
    write_csv("p_inf_target.csv", dinghu(set_cell("local_standards", "target", "inf")))
    case("p_inf_target", PLAN_ONLY % "p_inf_target.csv", 2, "p_inf_target.csv, row 6, column 'target': 'inf': a number, not a placeholder",
         "inf exported by a script")
    write_csv("p_huge_number.csv", dinghu(set_cell("valid_certificates", "target", "1e400")))
    case("p_huge_number", PLAN_ONLY % "p_huge_number.csv", 2,
         "p_huge_number.csv, row 8, column 'target': '1e400': a number of a sensible size", "a number beyond floating point")
    write_csv("p_formula_text.csv", dinghu(set_cell("valid_certificates", "target", "=G8*1.1")))
    case("p_formula_text", PLAN_ONLY % "p_formula_text.csv", 2,
         "p_formula_text.csv, row 8, column 'target': '=G8*1.1': the value, not a spreadsheet formula", "a formula saved as text")
    write_csv("p_notation_mismatch.csv", dinghu(set_cell("ip_pledge_financing", "baseline", "〔0〕")))
    case("p_notation_mismatch", PLAN_ONLY % "p_notation_mismatch.csv", 2,
         "p_notation_mismatch.csv, row 5, column 'baseline': '〔0〕': the same notation as the target",
         "baseline 〔0〕 with target 〈5〉")
    write_csv("p_increment_baseline.csv", dinghu(set_cell("ip_pledge_financing", "baseline", "〈3〉")))
    case("p_increment_baseline", PLAN_ONLY % "p_increment_baseline.csv", 0,
         "p_increment_baseline.csv, row 5, column 'baseline': '〈3〉': 〈〉基期值是上一规划期的新增数",
         "a 〈〉 baseline that is not zero (previous period's additions: not used, said so)")
    write_csv("p_equal_no_direction.csv", dinghu(set_cell("food_samples_per_1000_people", "target", "5")))
    case("p_equal_no_direction", PLAN_ONLY % "p_equal_no_direction.csv", 2,
         "p_equal_no_direction.csv, row 9, column 'target': '5': a direction: the target equals the baseline",
         "target = baseline and no ≥ / ≤")

    # numbers out of range
    write_csv("p_share_above_100.csv", dinghu(set_cell("open_kitchen_coverage", "target", "≥120")))
    case("p_share_above_100", PLAN_ONLY % "p_share_above_100.csv", 2,
         "p_share_above_100.csv, row 12, column 'target': '≥120': a percentage between 0 and 100",
         "a % share above 100")
    write_csv("p_negative_count.csv", dinghu(set_cell("cosmetics_sampling_batches", "baseline", "-9")))
    case("p_negative_count", PLAN_ONLY % "p_negative_count.csv", 2,
         "p_negative_count.csv, row 11, column 'baseline': '-9': 计数（批次/年）不能为负数",
         "a negative number of batches")

    # years
    write_csv("p_target_before_baseline.csv", dinghu(set_cell("local_standards", "target_year", "2019")))
    case("p_target_before_baseline", PLAN_ONLY % "p_target_before_baseline.csv", 2,
         "p_target_before_baseline.csv, row 6, column 'target_year': '2019': a year after the baseline year 2020",
         "target year before the baseline year")
    write_csv("p_year_chinese.csv", dinghu(set_cell("local_standards", "baseline_year", "二〇二〇")))
    case("p_year_chinese", PLAN_ONLY % "p_year_chinese.csv", 2,
         "p_year_chinese.csv, row 6, column 'baseline_year': '二〇二〇': an integer year",
         "a year in Chinese numerals")
    write_csv("p_year_fraction.csv", dinghu(set_cell("local_standards", "target_year", "2025.5")))
    case("p_year_fraction", PLAN_ONLY % "p_year_fraction.csv", 2,
         "p_year_fraction.csv, row 6, column 'target_year': '2025.5': an integer year", "a fractional year")
    write_csv("p_year_suffix.csv", dinghu(set_cell("local_standards", "target_year", "2025年")))
    case("p_year_suffix", PLAN_ONLY % "p_year_suffix.csv", 0, "地方标准", "2025年 (valid)", "stdout")

    # words
    write_csv("p_bad_attribute.csv", dinghu(set_cell("local_standards", "attribute", "强制性")))
    case("p_bad_attribute", PLAN_ONLY % "p_bad_attribute.csv", 2,
         "p_bad_attribute.csv, row 6, column 'attribute': '强制性': 约束性 / 预期性", "an unknown attribute")
    rows = read_rows(NATIONAL_TARGETS)
    rows[1][rows[0].index("direction")] = "上升"
    write_csv("p_unknown_direction.csv", rows)
    case("p_unknown_direction", PLAN_ONLY % "p_unknown_direction.csv", 2,
         "p_unknown_direction.csv, row 2, column 'direction': '上升': '>=' or '<='", "an unknown direction word")
    rows = read_rows(NATIONAL_TARGETS)
    rows[2][rows[0].index("kind")] = "cumulative_total"
    write_csv("p_unknown_kind.csv", rows)
    case("p_unknown_kind", PLAN_ONLY % "p_unknown_kind.csv", 2,
         "p_unknown_kind.csv, row 3, column 'kind': 'cumulative_total': one of level, cumulative, increment",
         "an unknown kind word")
    rows = read_rows(NATIONAL_TARGETS)
    rows[0].append("upper")
    rows[1].append("10")
    for r in rows[2:]:
        r.append("")
    write_csv("p_outside_bounds.csv", rows)
    case("p_outside_bounds", PLAN_ONLY % "p_outside_bounds.csv", 2,
         "p_outside_bounds.csv, row 2, column 'target': '12': a value within the declared bounds [-inf, 10]",
         "target above its declared upper bound")

    # columns
    rows = dinghu()
    k = col(rows, "target")
    for r in rows:
        del r[k]
    write_csv("p_missing_target_column.csv", rows)
    case("p_missing_target_column", PLAN_ONLY % "p_missing_target_column.csv", 2,
         "p_missing_target_column.csv: missing column(s) target", "the target column deleted")
    rows = dinghu()
    rows[0] = ["region", "indicator", "name", "unit", "base_yr", "base", "tgt_yr", "tgt", "attribute"]
    write_csv("p_misspelled_headers.csv", rows)
    case("p_misspelled_headers", PLAN_ONLY % "p_misspelled_headers.csv", 2,
         "missing column(s) target_year, target", "English headers abbreviated")
    rows = dinghu()
    for r in rows:
        del r[0]  # region
    write_csv("p_no_region.csv", rows)
    case("p_no_region", PLAN_ONLY % "p_no_region.csv", 2,
         "p_no_region.csv: missing column(s) region; a plan table needs columns region", "no region column, no --region")
    case("p_no_region_given", PLAN_ONLY % "p_no_region.csv" + " --region 鼎湖区", 0, "“明厨亮灶”覆盖率",
         "no region column, --region given (valid)", "stdout")
    rows = dinghu()
    rows[0].append("target")
    for r in rows[1:]:
        r.append(r[col(rows, "target")].replace("≥", ""))
    rows[row_of(rows, "licensed_pharmacists_per_10k")][-1] = "5.0"
    write_csv("p_duplicate_header.csv", rows)
    case("p_duplicate_header", PLAN_ONLY % "p_duplicate_header.csv", 2,
         "p_duplicate_header.csv, column 'target': 表中有两列表头都是 'target'", "two target columns that differ")
    rows = dinghu()
    rows[0].append("attribute")
    for r in rows[1:]:
        r.append(r[col(rows, "attribute")])
    write_csv("p_duplicate_header_same.csv", rows)
    case("p_duplicate_header_same", PLAN_ONLY % "p_duplicate_header_same.csv", 0, "约束性",
         "the attribute column pasted twice (identical: read once)", "stdout")

    # rows repeated
    rows = dinghu()
    dup = list(rows[row_of(rows, "licensed_pharmacists_per_10k")])
    dup[col(rows, "target")] = "≥5.0"
    rows.append(dup)
    write_csv("p_conflicting_rows.csv", rows)
    case("p_conflicting_rows", PLAN_ONLY % "p_conflicting_rows.csv", 2,
         "p_conflicting_rows.csv, row 16, column 'target': '≥5.0': 同一指标同一目标年只能有一行",
         "the same indicator and year twice, ≥4.6 and ≥5.0")
    rows = dinghu()
    rows.insert(3, list(rows[2]))
    write_csv("p_exact_duplicate_rows.csv", rows)
    case("p_exact_duplicate_rows", PLAN_ONLY % "p_exact_duplicate_rows.csv", 0,
         "p_exact_duplicate_rows.csv, row 4: 重复的规划行，与第 3 行完全相同，只保留一行",
         "a row pasted twice (identical: kept once, said so)")

    # files that are not what they say
    (FILES / "p_empty_file.csv").write_bytes(b"")
    case("p_empty_file", PLAN_ONLY % "p_empty_file.csv", 2, "p_empty_file.csv: the file is empty",
         "a 0-byte file")
    write_csv("p_header_only.csv", dinghu()[:1])
    case("p_header_only", PLAN_ONLY % "p_header_only.csv", 2, "p_header_only.csv: the plan table has no rows",
         "a header and no rows")
    (FILES / "p_binary_garbage.csv").write_bytes(bytes(range(256)) * 8)
    case("p_binary_garbage", PLAN_ONLY % "p_binary_garbage.csv", 2, "p_binary_garbage.csv: ",
         "binary data named .csv")
    shutil.copy(DINGHU, FILES / "p_csv_named.xlsx")
    case("p_csv_named_xlsx", PLAN_ONLY % "p_csv_named.xlsx", 2,
         "p_csv_named.xlsx: cannot read the file as XLSX", "a CSV renamed to .xlsx")
    (FILES / "p_html_saved_as.xls").write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>指标名称</td><td>2025年目标</td></tr>"
        "<tr><td>地方标准</td><td>〔2〕</td></tr></table></body></html>", encoding="utf-8")
    case("p_html_as_xls", PLAN_ONLY % "p_html_saved_as.xls" + " --region 鼎湖区", 2,
         "p_html_saved_as.xls, row 2, column '2025年目标': '〔2〕': a direction",
         "a web page saved as .xls by a portal: its table is read, and its own cell refused (〔2〕 with no "
         "baseline says no direction)")
    write_plan_html(FILES / "p_web_plan.html")
    case("p_web_plan", PLAN_ONLY % "p_web_plan.html" + " --region 鼎湖区", 0, "“明厨亮灶”覆盖率",
         "the plan's web page saved by a browser (GBK, rowspan / colspan, &nbsp;; valid)", "stdout")
    wb = Workbook()
    wb.active.append([TITLE])
    save_workbook(wb, "p_title_only.xlsx")
    case("p_title_only_xlsx", PLAN_ONLY % "p_title_only.xlsx", 2, "p_title_only.xlsx: missing column(s)",
         "a workbook holding only the title")
    (FILES / "p_plan.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    case("p_unsupported_type", PLAN_ONLY % "p_plan.doc", 2, "p_plan.doc: unsupported file type '.doc'",
         "the plan as an old Word .doc (a .docx is read; the message says to save it as .docx)")
    (FILES / "p_plan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    case("p_pdf_plan", PLAN_ONLY % "p_plan.pdf", 2, "convert the PDF to .docx in WPS or Word",
         "a PDF without a page (a failed export): refused with how to get its table read")
    write_plan_pdf(FILES / "p_pdf_bad_cell.pdf", rows_per_page=6, bad_cell=((12, 5), "≥≥99"))
    case("p_pdf_bad_cell", PLAN_ONLY % "p_pdf_bad_cell.pdf" + " --region 鼎湖区", 2,
         "p_pdf_bad_cell.pdf, row 15, column '2025年规划值': '≥≥99': one direction sign only",
         "the plan as the PDF a government site publishes (read: its table over three pages, the header "
         "repeated on each), one target typed with ≥ twice")
    long_rows = [["序号", "指标名称", "单位", "2020年基数", "2025年目标", "属性"]]
    long_rows += [[str(i + 1), f"{name}{i // len(PLAN_ROWS) + 1}", unit, base, target, attr]
                  for i, (_, name, unit, base, target, attr) in enumerate(PLAN_ROWS * 5)]
    write_three_line_pdf(FILES / "p_three_line_runs_on.pdf", long_rows, page_numbers=True)
    case("p_three_line_runs_on", PLAN_ONLY % "p_three_line_runs_on.pdf" + " --region 鼎湖区", 2,
         "p_three_line_runs_on.pdf [page 1 table 1]: 三线表跨页",
         "a three-line table (三线表) of 70 rows running on to a second page without its header repeated "
         "there: refused, not read in part")
    (FILES / "p_plan.docx").write_bytes(b"PK\x03\x04 not really a document")
    case("p_not_a_docx", PLAN_ONLY % "p_plan.docx", 2,
         "p_plan.docx: cannot read the file as DOCX: 不是 .docx 格式的 Word 文档",
         "a damaged file named .docx")

    class _Document:  # the plan document, saved through save_workbook's fixed zip times
        def __init__(self, **kw):
            self.kw = kw

        def save(self, stream):
            write_plan_docx(stream, **self.kw)
    save_workbook(_Document(), "p_word_plan.docx")
    case("p_word_plan", PLAN_ONLY % "p_word_plan.docx" + " --region 鼎湖区", 0, "“明厨亮灶”覆盖率",
         "the plan's Word document: its indicators table (two-row header 基期值 | 规划值 over 2020年 | "
         "2025年, merged cells) among the document's tables (valid)", "stdout")
    save_workbook(_Document(bad_cell=((12, 5), "≥≥90")), "p_word_bad_cell.docx")
    case("p_word_bad_cell", PLAN_ONLY % "p_word_bad_cell.docx" + " --region 鼎湖区", 2,
         "p_word_bad_cell.docx [table 2], row 13, column '2025年规划值': '≥≥90'",
         "a bad cell in the plan's Word document: named by table, row and header as written")
    case("p_missing_file", PLAN_ONLY % "p_no_such_plan.csv", 2, "p_no_such_plan.csv: file not found",
         "a path that does not exist")

    # encodings and separators
    write_csv("p_gbk.csv", dinghu(), encoding="gbk")
    case("p_gbk", PLAN_ONLY % "p_gbk.csv", 0, "“明厨亮灶”覆盖率", "GBK (valid)", "stdout")
    write_csv("p_utf8_bom.csv", dinghu(), encoding="utf-8-sig")
    case("p_utf8_bom", PLAN_ONLY % "p_utf8_bom.csv", 0, "“明厨亮灶”覆盖率", "UTF-8 with BOM (valid)", "stdout")
    write_csv("p_utf16_tabs.csv", dinghu(), encoding="utf-16", delimiter="\t")
    case("p_utf16_tabs", PLAN_ONLY % "p_utf16_tabs.csv", 0, "“明厨亮灶”覆盖率",
         "Excel 'Unicode text': UTF-16, tab-separated, named .csv (valid)", "stdout")
    write_csv("p_semicolon.csv", dinghu(), delimiter=";")
    case("p_semicolon", PLAN_ONLY % "p_semicolon.csv", 0, "“明厨亮灶”覆盖率",
         "semicolon-separated (valid)", "stdout")
    (FILES / "p_utf32.csv").write_bytes("\r\n".join(",".join(r) for r in dinghu()).encode("utf-32"))
    case("p_wrong_encoding", PLAN_ONLY % "p_utf32.csv", 2, "p_utf32.csv: not a text table",
         "UTF-32: neither UTF-8, UTF-16 nor GBK")

    # bureau workbooks
    bureau_plan_xlsx("p_bureau_ok.xlsx")
    case("p_bureau_ok", PLAN_ONLY % "p_bureau_ok.xlsx" + " --region 鼎湖区", 0, "“明厨亮灶”覆盖率",
         "a bureau workbook: merged title and categories, notes row (valid)", "stdout")

    def bad_target(header, rows):
        rows[10][5] = "≥≥90"
    bureau_plan_xlsx("p_bureau_bad_cell.xlsx", edit=bad_target)
    case("p_bureau_bad_cell", PLAN_ONLY % "p_bureau_bad_cell.xlsx" + " --region 鼎湖区", 2,
         "p_bureau_bad_cell.xlsx, row 13, column '2025年目标': '≥≥90'",
         "a bad cell under merged title and categories: the spreadsheet row and header as written")

    def two_targets(header, rows):
        header.insert(5, "2023年目标")
        for r in rows:
            r.insert(5, r[5])
    bureau_plan_xlsx("p_bureau_two_targets.xlsx", edit=two_targets)
    case("p_bureau_two_targets", PLAN_ONLY % "p_bureau_two_targets.xlsx" + " --region 鼎湖区", 0, "2023",
         "mid-term and final target columns side by side (valid: one plan row per target year)", "stdout")

    def same_year_targets(header, rows):
        header.insert(5, "2025年规划值")
        for r in rows:
            r.insert(5, r[5])
        rows[3][5] = "〔3.5〕"
    bureau_plan_xlsx("p_bureau_same_year_targets.xlsx", edit=same_year_targets)
    case("p_bureau_same_year_targets", PLAN_ONLY % "p_bureau_same_year_targets.xlsx" + " --region 鼎湖区", 2,
         "p_bureau_same_year_targets.xlsx, column '2025年目标': 表中有多个目标值",
         "two target columns for the same year (2025年规划值 | 2025年目标): which one is meant is not guessed")

    def direction_clash(header, rows):  # a 指标方向 column (正向 / 逆向) saying ≤ for a target written ≥99
        header.append("指标方向")
        for r in rows:
            r.append("正向")
        rows[12][-1] = "逆向"
    bureau_plan_xlsx("p_bureau_direction_clash.xlsx", edit=direction_clash)
    case("p_bureau_direction_clash", PLAN_ONLY % "p_bureau_direction_clash.xlsx" + " --region 鼎湖区", 2,
         "p_bureau_direction_clash.xlsx, row 15, column '指标方向': '逆向': '正向' (>=) as the target cell '≥99' "
         "(column '2025年目标')", "a 指标方向 column contradicting the ≥ written in the target cell")

    def striven_short(header, rows):  # a two-tier target in two columns, the striven-for one short of the firm one
        header[5] = "2025年基本目标"
        header.insert(6, "2025年奋斗目标")
        for r in rows:
            r.insert(6, "")
        rows[10][6] = "85"
    bureau_plan_xlsx("p_bureau_striven_short.xlsx", edit=striven_short)
    case("p_bureau_striven_short", PLAN_ONLY % "p_bureau_striven_short.xlsx" + " --region 鼎湖区", 2,
         "p_bureau_striven_short.xlsx, row 13, column '2025年奋斗目标': '85': a striven-for figure above the target",
         "2025年基本目标 | 2025年奋斗目标 with the striven-for figure below the firm ≥90")

    def merged_duplicate(header, rows):
        rows.insert(3, list(rows[2]))
    bureau_plan_xlsx("p_bureau_duplicate_row.xlsx", edit=merged_duplicate)
    case("p_bureau_duplicate_row", PLAN_ONLY % "p_bureau_duplicate_row.xlsx" + " --region 鼎湖区", 0,
         "p_bureau_duplicate_row.xlsx, row 6: 重复的规划行，与第 5 行完全相同",
         "a row pasted twice inside a merged category")
    lines = [",".join([TITLE, "", "", "", "", "", ""]), "类别,指标名称,单位,2020年基数,2025年目标,属性,备注"]
    for g, r in zip(GROUPS, dinghu()[1:]):
        lines.append(",".join([g, r[2], r[3], r[5], r[7], r[8], ""]))
    lines += ["", NOTE + ",,,,,,", "资料来源：鼎湖区市场监督管理局,,,,,,"]
    (FILES / "p_bureau_gbk.csv").write_bytes("\r\n".join(lines).encode("gbk"))
    case("p_bureau_gbk_csv", PLAN_ONLY % "p_bureau_gbk.csv" + " --region 鼎湖区", 0, "化妆品抽检批次数",
         "a bureau CSV in GBK: title, unit line, notes and source rows (valid)", "stdout")


def history_cases() -> None:
    write_csv("h_ok.csv", history())
    case("h_ok", WITH_DINGHU % "h_ok.csv", 0, "药品抽检合格率", "the synthetic history as it should be", "stdout")

    # units
    def wan_pici(rows):
        k = hist_row(rows, "cosmetics_sampling_batches", 2022)
        rows[k][4], rows[k][5] = "0.001", "万批次"
    write_csv("h_mixed_units.csv", history(wan_pici))
    case("h_mixed_units", WITH_DINGHU % "h_mixed_units.csv", 0,
         f"row {H('cosmetics_sampling_batches', 2022)}: 万批次 -> 批次/年 (x10000)",
         "one series in 批次/年 and 0.001 万批次 (valid: that row converted to 批次, warned; refused before session 53)")
    write_csv("h_percent_permille.csv", history(set_hist("open_kitchen_coverage", 2023, "unit", "‰")))
    case("h_percent_permille", WITH_DINGHU % "h_percent_permille.csv", 2,
         f"h_percent_permille.csv, row {H('open_kitchen_coverage', 2023)}, column 'unit': '‰'",
         "one series in % and ‰, the ‰ row's figure (88) a % one: the label is wrong, not converted to 8.8")
    write_csv("h_ratio_jump.csv", history(series_values("drug_sampling_pass_rate", {2020: 0.98, 2021: 0.986})))
    case("h_ratio_jump", WITH_DINGHU % "h_ratio_jump.csv", 2,
         f"h_ratio_jump.csv, row {H('drug_sampling_pass_rate', 2021)}, column 'value': '0.986': 98.6（",
         "a % share written as a ratio (0.986) in some years, its other years 99.1, 99.2: refused, 98.6 to write")
    write_csv("h_ratio_not_percent.csv",
              history(series_values("open_kitchen_coverage", {2020: 0.81, 2021: 0.84, 2022: 0.86, 2023: 0.88})))
    case("h_ratio_not_percent", WITH_DINGHU % "h_ratio_not_percent.csv", 2,
         f"h_ratio_not_percent.csv, row {H('open_kitchen_coverage', 2020)}, column 'value': '0.81': "
         "历史数据像比例(0-1)，规划为百分数",
         "a whole % series as ratios 0-1 against a plan in %")
    write_csv("h_wanyuan.csv",
              history(series_values("ip_pledge_financing", {2021: 12000, 2022: 13000, 2023: 6000}, "万元")))
    case("h_wanyuan_vs_yiyuan", WITH_DINGHU % "h_wanyuan.csv", 0,
         "鼎湖区/知识产权质押登记融资金额: 万元 -> 亿元 (x1/10000)",
         "history in 万元, plan in 亿元 (valid: converted to 亿元, warned; refused before session 53)")
    write_csv("h_wanyuan_label.csv",
              history(series_values("ip_pledge_financing", {2021: 1.2, 2022: 1.3, 2023: 0.6}, "万元")))
    case("h_unit_label_wrong", WITH_DINGHU % "h_wanyuan_label.csv", 2,
         f"h_wanyuan_label.csv, row {H('ip_pledge_financing', 2021)}, column 'unit': '万元': "
         "历史数据单位 万元 与规划单位 亿元 不一致（1 亿元 = 10,000 万元）",
         "figures in 亿元 labelled 万元 (1.2 against the plan's 〈5〉 亿元): the label is wrong, not converted")

    def in_hu(rows):
        series_values("market_entities_total", {2020: 18900, 2021: 21500, 2022: 24200, 2023: 27000}, "")(rows)
    write_csv("h_scale_no_unit.csv", history(in_hu))
    case("h_scale_mismatch", WITH_DINGHU % "h_scale_no_unit.csv", 2,
         f"h_scale_no_unit.csv, row {H('market_entities_total', 2020)}, column 'value': '18900': "
         "历史数据约为规划数值的 10,000 倍",
         "market entities counted in 户 against a plan in 万户, unit left blank")
    write_csv("h_units_differ.csv", history(series_values("food_samples_per_1000_people", {}, "批次")))
    case("h_units_differ", WITH_DINGHU % "h_units_differ.csv", 0,
         f"h_units_differ.csv, row {H('food_samples_per_1000_people', 2020)}, column 'unit': "
         "鼎湖区/food_samples_per_1000_people (千人食品检验量) 的历史数据单位 批次",
         "history in 批次, plan in 批次/千人 (warned, used)")

    # values
    write_csv("h_baseline_contradiction.csv", history(set_hist("open_kitchen_coverage", 2020, "value", "50")))
    case("h_baseline_contradiction", WITH_DINGHU % "h_baseline_contradiction.csv", 0,
         f"dinghu_14th_fyp_plan.csv, row 12, column 'baseline' / {{files}}/h_baseline_contradiction.csv, "
         f"row {H('open_kitchen_coverage', 2020)}: 鼎湖区/open_kitchen_coverage (“明厨亮灶”覆盖率) 规划基期值 81 "
         "与历史数据 2020 年值 50 不一致",
         "history's 2020 value 50 against the plan's baseline 81 (warned: which one is used)")
    write_csv("h_baseline_rounded.csv", history(set_hist("open_kitchen_coverage", 2020, "value", "80.6")))
    case("h_baseline_rounded", WITH_DINGHU % "h_baseline_rounded.csv", 0, "“明厨亮灶”覆盖率",
         "history's 80.6 against the plan's rounded 81 (no warning)", "stdout")

    def dup_conflict(rows):
        k = hist_row(rows, "drug_sampling_pass_rate", 2022)
        rows.append(list(rows[k]))
        rows[-1][4] = "97.9"
    write_csv("h_duplicate_conflict.csv", history(dup_conflict))
    case("h_duplicate_conflict", WITH_DINGHU % "h_duplicate_conflict.csv", 2,
         f"h_duplicate_conflict.csv, row {len(history()) + 1}, column 'value': '97.9': one value per "
         f"region/indicator/year; row {H('drug_sampling_pass_rate', 2022)} already gives 99.1",
         "the same year twice with different values")

    def dup_same(rows):
        rows.append(list(rows[hist_row(rows, "drug_sampling_pass_rate", 2022)]))
    write_csv("h_duplicate_same.csv", history(dup_same))
    case("h_duplicate_same", WITH_DINGHU % "h_duplicate_same.csv", 0, "药品抽检合格率",
         "the same observation twice (identical: read once)", "stdout")
    write_csv("h_future_year.csv", history(set_hist("cosmetics_sampling_batches", 2023, "year", "2099")))
    case("h_future_year", WITH_DINGHU % "h_future_year.csv", 0,
         f"row {H('cosmetics_sampling_batches', 2023)} (鼎湖区/cosmetics_sampling_batches 2099)",
         "a year typed 2099 for 2023 (warned)")
    write_csv("h_year_chinese.csv", history(set_hist("cosmetics_sampling_batches", 2023, "year", "二〇二三年")))
    case("h_year_chinese", WITH_DINGHU % "h_year_chinese.csv", 0, "化妆品抽检批次数",
         "a year in Chinese numerals (read as 2023, as a 二〇二三年 header is)", "stdout")
    write_csv("h_negative_count.csv", history(set_hist("cosmetics_sampling_batches", 2022, "value", "-10")))
    case("h_negative_count", WITH_DINGHU % "h_negative_count.csv", 2,
         f"h_negative_count.csv, row {H('cosmetics_sampling_batches', 2022)}, column 'value': '-10': "
         "计数（批次/年）不能为负数",
         "a negative number of batches in a series the plan assesses")
    write_csv("h_share_above_100.csv", history(set_hist("drug_sampling_pass_rate", 2023, "value", "103")))
    case("h_share_above_100", WITH_DINGHU % "h_share_above_100.csv", 2,
         f"h_share_above_100.csv, row {H('drug_sampling_pass_rate', 2023)}, column 'value': '103': "
         "a percentage between 0 and 100", "a pass rate of 103 %")
    write_csv("h_text_value.csv", history(set_hist("drug_sampling_pass_rate", 2023, "value", "约99")))
    case("h_text_value", WITH_DINGHU % "h_text_value.csv", 2,
         f"h_text_value.csv, row {H('drug_sampling_pass_rate', 2023)}, column 'value': '约99': 约 / 左右 / 余 are not read: write the number itself",
         "约 before a value")
    write_csv("h_unit_slip.csv", history(set_hist("market_entities_total", 2022, "value", "24200")))
    case("h_unit_slip", WITH_DINGHU % "h_unit_slip.csv", 2,
         f"h_unit_slip.csv, row {H('market_entities_total', 2022)}, column 'value': '24200': 该值为本序列其他年份的约",
         "one year typed in 户 in a series kept in 万户 (24200 for 2.42; it was forecast as it stood)")
    write_csv("h_part_of_year.csv", [["地区", "指标名称", "单位", "2021年", "2022年", "2023年1-9月"],
                                     ["鼎湖区", "期末市场主体总量", "万户", "2.16", "2.43", "2.6"]])
    case("h_part_of_year", WITH_DINGHU % "h_part_of_year.csv", 0,
         "h_part_of_year.csv: 未读取的列 (columns not read): '2023年1-9月' (a part of the year, not the year); "
         "the last year read is 2022",
         "a wide history whose last column is Jan-Sep of a year (it was dropped without a word)")
    write_csv("h_decimal_comma.csv", history(set_hist("drug_sampling_pass_rate", 2023, "value", "99,2")))
    case("h_decimal_comma", WITH_DINGHU % "h_decimal_comma.csv", 2,
         f"h_decimal_comma.csv, row {H('drug_sampling_pass_rate', 2023)}, column 'value': '99,2': a decimal point, "
         "not a comma (12.5)", "a decimal comma (99,2 for 99.2; it was read as 992)")
    write_csv("h_year_separator.csv", history(set_hist("cosmetics_sampling_batches", 2023, "year", "2,023")))
    case("h_year_separator", WITH_DINGHU % "h_year_separator.csv", 2,
         f"h_year_separator.csv, row {H('cosmetics_sampling_batches', 2023)}, column 'year': '2,023': an integer year",
         "a year with a thousands separator, as a spreadsheet's number format writes it (it was read as 2023 "
         "only by luck: 1,234 was read as the year 1234)")
    write_csv("h_percent_in_count.csv", history(set_hist("cosmetics_sampling_batches", 2022, "value", "10%")))
    case("h_percent_in_count", WITH_DINGHU % "h_percent_in_count.csv", 2,
         f"h_percent_in_count.csv, row {H('cosmetics_sampling_batches', 2022)}, column 'value': '10%': "
         "单元格中的 % 与本行单位 批次/年 不一致", "a value written with % in a series counted in 批次/年")
    write_csv("h_inf_value.csv", history(set_hist("drug_sampling_pass_rate", 2023, "value", "inf")))
    case("h_inf_value", WITH_DINGHU % "h_inf_value.csv", 2,
         f"h_inf_value.csv, row {H('drug_sampling_pass_rate', 2023)}, column 'value': 'inf'",
         "inf exported by a script")

    # columns and words
    rows = history()
    for r in rows:
        del r[4]
    write_csv("h_no_value_column.csv", rows)
    case("h_no_value_column", WITH_DINGHU % "h_no_value_column.csv", 2,
         "h_no_value_column.csv: missing column(s) value", "the value column deleted")
    rows = history()
    rows[0].append("measure")
    for r in rows[1:]:
        r.append("累积" if r[1] == "ip_pledge_financing" else "")
    write_csv("h_unknown_measure.csv", rows)
    case("h_unknown_measure", WITH_DINGHU % "h_unknown_measure.csv", 2,
         f"h_unknown_measure.csv, row {H('ip_pledge_financing', 2021)}, column 'measure': '累积': flow (当年",
         "累积 for 累计 in the 口径 column")

    def short_region(rows):
        for r in rows[1:]:
            r[0] = "鼎湖"
    write_csv("h_region_typo.csv", history(short_region))
    case("h_region_typo_strict", WITH_DINGHU % "h_region_typo.csv" + " --strict", 2,
         "did you mean region 鼎湖区?", "region 鼎湖 for 鼎湖区, refused with --strict")
    write_csv("h_header_only.csv", history()[:1])
    case("h_header_only", WITH_DINGHU % "h_header_only.csv", 2,
         "h_header_only.csv: --history: the table has no rows under its header",
         "a history with a header and no rows: refused naming the file, with the advice to leave it out")
    write_csv("h_semicolon_gbk.csv", history(), encoding="gbk", delimiter=";")
    case("h_semicolon_gbk", WITH_DINGHU % "h_semicolon_gbk.csv", 0, "药品抽检合格率",
         "GBK and semicolons (valid)", "stdout")

    # a statistics office's workbook, one column per year
    bureau_history_xlsx("h_bureau_ok.xlsx", WIDE)
    case("h_bureau_ok", WITH_DINGHU % "h_bureau_ok.xlsx", 0, "期末市场主体总量",
         "a wide workbook with title and source rows (valid)", "stdout")
    wide = [list(r) for r in WIDE]
    wide[2][4] = "约99"
    bureau_history_xlsx("h_bureau_text_cell.xlsx", wide)
    case("h_bureau_text_cell", WITH_DINGHU % "h_bureau_text_cell.xlsx", 2,
         "h_bureau_text_cell.xlsx, row 6, column '2022年': '约99'",
         "a text cell in a wide workbook: row and year header as written")
    wide = [list(r) for r in WIDE]
    wide[1][5] = "=E5+2"  # a program wrote the formula; no result is saved until Excel / WPS saves it
    bureau_history_xlsx("h_formula_not_saved.xlsx", wide)
    case("h_formula_not_saved", WITH_DINGHU % "h_formula_not_saved.xlsx", 2,
         "h_formula_not_saved.xlsx, row 5, column '2023年': '=E5+2': a number, not a formula whose result "
         "was never saved", "a formula without its saved result (read as blank, the year would go missing)")
    wide = [list(r) for r in WIDE]
    wide[0][1] = "户"
    wide[0][2:] = [18900, 21500, 24200, 27000]
    bureau_history_xlsx("h_bureau_hu.xlsx", wide)
    case("h_bureau_unit_magnitude", WITH_DINGHU % "h_bureau_hu.xlsx", 0,
         "鼎湖区/期末市场主体总量: 户 -> 万户 (x1/10000)",
         "market entities in 户 in a wide workbook against a plan in 万户 (valid: converted, warned)")

    # a statistics office's export: one sheet per indicator, regions down, years across
    def per_sheet(name, sheet_names):
        wb = Workbook()
        for k, (r, title) in enumerate(zip(WIDE, sheet_names)):
            ws = wb.active if k == 0 else wb.create_sheet()
            ws.title = title
            ws.append([f"单位：{r[1]}"])
            ws.append(["地区", "2020年", "2021年", "2022年", "2023年"])
            ws.append(["鼎湖区"] + list(r[2:]))
        return save_workbook(wb, name)
    per_sheet("h_sheet_per_indicator.xlsx", [r[0] for r in WIDE])
    case("h_sheet_per_indicator", WITH_DINGHU % "h_sheet_per_indicator.xlsx", 0, "药品抽检合格率",
         "one indicator per sheet, the sheet named by it (valid)", "stdout")
    per_sheet("h_sheet_default_names.xlsx", ["Sheet1", "Sheet2", "Sheet3"])
    case("h_sheet_default_names", WITH_DINGHU % "h_sheet_default_names.xlsx", 2,
         "'Sheet1', 'Sheet2', 'Sheet3' each hold regions x years of one indicator, but their names are "
         "Excel's defaults", "one indicator per sheet, the sheets still named Sheet1, Sheet2, ...")

    # a panel exported one column per indicator, years down the rows
    wb = Workbook()
    ws = wb.active
    ws.append(["地区", "年份"] + [f"{r[0]}（{r[1]}）" for r in WIDE] + ["备注"])
    for k, year in enumerate(range(2020, 2024)):
        ws.append(["鼎湖区", f"{year}年"] + [r[2 + k] for r in WIDE] + ["初步数" if year == 2023 else None])
    save_workbook(wb, "h_indicators_across.xlsx")
    case("h_indicators_across", WITH_DINGHU % "h_indicators_across.xlsx", 0, "药品抽检合格率",
         "a panel export: region | year | one column per indicator, unit in its header (valid)", "stdout")
    ws["C4"] = "2.42*"
    save_workbook(wb, "h_indicators_across_bad_cell.xlsx")
    case("h_indicators_across_bad_cell", WITH_DINGHU % "h_indicators_across_bad_cell.xlsx", 2,
         "h_indicators_across_bad_cell.xlsx, row 4, column '期末市场主体总量（万户）': '2.42*'",
         "a footnote mark in a panel export: named by the indicator's header as written")

    # an annual report kept one sheet per year: the year is the sheet's name
    wb = Workbook()
    for k, year in enumerate(range(2020, 2024)):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = f"{year}年"
        ws.append(["地区", "指标名称", "单位", "数值"])
        for r in WIDE:
            ws.append(["鼎湖区", r[0], r[1], r[2 + k]])
    save_workbook(wb, "h_sheet_per_year.xlsx")
    case("h_sheet_per_year", WITH_DINGHU % "h_sheet_per_year.xlsx", 0, "药品抽检合格率",
         "one sheet per year, named 2020年 ... 2023年, no year column (valid)", "stdout")

    # one indicator per sheet, years down the rows and the region across
    wb = Workbook()
    for k, r in enumerate(WIDE):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = r[0]
        ws.append([f"单位：{r[1]}"])
        ws.append(["年份", "鼎湖区"])
        for j, year in enumerate(range(2020, 2024)):
            ws.append([year, r[2 + j]])
    save_workbook(wb, "h_years_down_regions_across.xlsx")
    case("h_years_down_regions_across", WITH_DINGHU % "h_years_down_regions_across.xlsx", 0, "药品抽检合格率",
         "one indicator per sheet, years down and regions across under a 单位 line (valid)", "stdout")

    # topic sheets giving one observation twice with different values
    wb = Workbook()
    for k, (title, rows) in enumerate((("市场主体", WIDE[:1]), ("综合", WIDE))):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = title
        ws.append(["地区", "指标名称", "单位", "2020年", "2021年", "2022年", "2023年"])
        for r in rows:
            ws.append(["鼎湖区"] + list(r))
    wb["综合"]["F2"] = 2.45
    save_workbook(wb, "h_sheets_conflict.xlsx")
    case("h_sheets_conflict", WITH_DINGHU % "h_sheets_conflict.xlsx", 2,
         "h_sheets_conflict.xlsx [sheet '综合'], row 2, column '2022年': '2.45': the same region, indicator and year as",
         "two sheets giving one observation different values (each sheet is read; none dropped)")

    wide = [list(r) + [r[0] + "（本级）"] for r in WIDE]
    wb = Workbook()
    ws = wb.active
    ws.append(["指标名称", "单位", "2020年", "2021年", "2022年", "2023年", "指标名称"])
    for r in wide:
        ws.append(r)
    save_workbook(wb, "h_repeated_name_header.xlsx")
    case("h_repeated_name_header", WITH_DINGHU % "h_repeated_name_header.xlsx", 2,
         "h_repeated_name_header.xlsx, column '指标名称': 表中有两列表头都是 '指标名称'",
         "指标名称 twice with different names (found by the fuzz: was a pandas error for a DataFrame)")

    # national data
    rows = read_rows(NATIONAL_HISTORY)
    k = next(i for i, r in enumerate(rows) if r[1] == "high_value_invention_patents_per_10k" and r[2] == "2021")
    rows[k][3], rows[k][4] = "75000", "件/亿人"
    write_csv("h_national_mixed_units.csv", rows)
    case("h_national_mixed_units", WITH_NATIONAL % "h_national_mixed_units.csv", 0,
         "row 11: 件/亿人 -> 件/万人 (x0.0001)",
         "件/万人 and 75000 件/亿人 in one series (valid: converted to 7.5 件/万人, warned)")
    case("f_mixed_units", FORECAST % "h_national_mixed_units.csv", 0,
         "row 11: 件/亿人 -> 件/万人 (x0.0001)", "the same file for a forecast")
    rows = read_rows(NATIONAL_HISTORY)
    for r in rows[1:]:
        if r[1] == "food_sampling_unqualified_rate":
            r[3] = f"{float(r[3]) / 100:g}"
    write_csv("h_national_ratio.csv", rows)
    case("h_national_ratio", WITH_NATIONAL % "h_national_ratio.csv", 2,
         "h_national_ratio.csv, row 7, column 'value': '0.0231'",
         "unqualified rate as a ratio (0.0231) against a plan of ≤2 %")
    case("f_directory", FORECAST % "", 2, "is a folder, not a file", "a folder given as the history file")


def risk_cases() -> None:
    write_csv("r_ok.csv", food())
    case("r_ok", RISK % "r_ok.csv", 0, "乳制品", "real SAMR half-year counts (valid)", "stdout")
    rows = food()
    wb = Workbook()
    ws = wb.active
    ws.append(["食品安全监督抽检情况（全国）"])
    ws.append(["地区", "年度", "食品大类", "抽检批次", "不合格批次"])
    for r in rows[1:]:
        ws.append(r)
    ws.append(["", "合计", "", "", ""])
    ws.append(["注：数据来源于市场监管总局抽检公告。"])
    save_workbook(wb, "r_bureau_workbook.xlsx")
    case("r_bureau_workbook", RISK % "r_bureau_workbook.xlsx", 0, "乳制品",
         "the same counts as a bureau keeps them: title row, Chinese headers, 合计 and 注 rows (valid)", "stdout")
    write_csv("r_decimal_comma.csv", food(set_food("2019H2", "罐头", "tested", "23,21")))
    case("r_decimal_comma", RISK % "r_decimal_comma.csv", 2,
         f"r_decimal_comma.csv, row {F('2019H2', '罐头')}, column 'tested': '23,21': a whole number of batches; "
         "a comma only between thousands", "a count with a misplaced comma (it was read as 2321)")
    write_csv("r_failed_gt_tested.csv", food(set_food("2019H2", "罐头", "failed", "23219")))
    case("r_failed_gt_tested", RISK % "r_failed_gt_tested.csv", 2,
         f"r_failed_gt_tested.csv, row {F('2019H2', '罐头')}, column 'failed': '23219': failed <= tested",
         "more unqualified batches than tested")

    def swapped(rows):
        k = food_row(rows, "2019H2", "糕点")
        rows[k][3], rows[k][4] = rows[k][4], rows[k][3]
    write_csv("r_swapped_columns.csv", food(swapped))
    case("r_swapped_columns", RISK % "r_swapped_columns.csv", 2,
         f"r_swapped_columns.csv, row {F('2019H2', '糕点')}, column 'failed': '170609': failed <= tested",
         "tested and failed swapped in one row")
    write_csv("r_negative_tested.csv", food(set_food("2019H2", "蛋制品", "tested", "-13563")))
    case("r_negative_tested", RISK % "r_negative_tested.csv", 2,
         f"r_negative_tested.csv, row {F('2019H2', '蛋制品')}, column 'tested': '-13563'", "a negative count")
    write_csv("r_text_count.csv", food(set_food("2019H2", "蛋制品", "tested", "约13563")))
    case("r_text_count", RISK % "r_text_count.csv", 2, f"r_text_count.csv, row {F('2019H2', '蛋制品')}, column 'tested': '约13563'",
         "约 before a count")
    write_csv("r_decimal_count.csv", food(set_food("2019H2", "蛋制品", "failed", "54.5")))
    case("r_decimal_count", RISK % "r_decimal_count.csv", 2, f"r_decimal_count.csv, row {F('2019H2', '蛋制品')}, column 'failed': '54.5'",
         "half a batch")
    write_csv("r_huge_count.csv", food(set_food("2019H2", "蛋制品", "tested", "1e20")))
    case("r_huge_count", RISK % "r_huge_count.csv", 2, f"r_huge_count.csv, row {F('2019H2', '蛋制品')}, column 'tested': '1e20'",
         "a count of 1e20 (a unit or column mix-up)")
    write_csv("r_empty_category.csv", food(set_food("2019H2", "蛋制品", "category", "")))
    case("r_empty_category", RISK % "r_empty_category.csv", 2, f"r_empty_category.csv, row {F('2019H2', '蛋制品')}, column 'category'",
         "a blank category")
    write_csv("r_bad_period.csv", food(set_food("2019H2", "蛋制品", "period", "2019H3")))
    case("r_bad_period", RISK % "r_bad_period.csv", 2, f"r_bad_period.csv, row {F('2019H2', '蛋制品')}, column 'period': '2019H3'",
         "a third half-year")
    rows = food()
    for r in rows:
        del r[4]
    write_csv("r_missing_failed.csv", rows)
    case("r_missing_failed", RISK % "r_missing_failed.csv", 2, "r_missing_failed.csv", "the failed column deleted")
    rows = food()
    rows[0].append("tested")
    for r in rows[1:]:
        r.append(str(int(r[3]) + 1))
    write_csv("r_duplicate_header.csv", rows)
    case("r_duplicate_header", RISK % "r_duplicate_header.csv", 2, "r_duplicate_header.csv",
         "two tested columns that differ")
    write_csv("r_gbk.csv", food(), encoding="gbk")
    case("r_gbk", RISK % "r_gbk.csv", 0, "乳制品", "GBK (valid)", "stdout")
    rows = [["period", "category", "failed"]] + [["2023H1", "乳制品", ""] for _ in range(3)]
    write_csv("r_records_blank_outcome.csv", rows)
    case("r_records_blank_outcome", RISK % "r_records_blank_outcome.csv", 2,
         "r_records_blank_outcome.csv, row 2, column 'failed': '': this cell is empty: fill in 合格 or 不合格",
         "per-batch records whose outcome cells are all blank (found by the fuzz: was an IndexError)")
    (FILES / "r_empty_file.csv").write_bytes(b"")
    case("r_empty_file", RISK % "r_empty_file.csv", 2, "r_empty_file.csv: the file is empty", "a 0-byte file")


def usage_cases() -> None:
    case("u_unknown_model", "assess --no-track --plan {data}/dinghu_14th_fyp_plan.csv --model prophet2 --out {out}",
         2, "prophet2", "a model name that does not exist")
    case("u_chart_type", "assess --no-track --plan {data}/dinghu_14th_fyp_plan.csv --model naive --chart {out}.txt",
         2, "cannot draw a chart to this file type", "a chart to a .txt file")
    case("u_as_of_text", "assess --no-track --plan {data}/dinghu_14th_fyp_plan.csv --as-of 二〇二三", 2,
         "--as-of: invalid int value", "--as-of in Chinese numerals")
    case("u_budget_negative", "risk allocate --no-track --samples {files}/r_ok.csv --by category --budget -5", 2,
         "budget", "a negative sampling budget")


def output_cases() -> None:
    """Where the result goes (the rules of the robustness work, checked on these files too)."""
    case("o_out_is_plan", "assess --no-track --model naive --plan {files}/p_gbk.csv --out {files}/p_gbk.csv", 2,
         "--out {files}/p_gbk.csv names the same file as --plan", "--out naming the plan itself")
    case("o_out_is_samples", "risk score --by category --no-track --samples {files}/r_ok.csv --out {files}/r_ok.csv",
         2, "--out {files}/r_ok.csv names the same file as --samples", "--out naming the samples file itself")
    case("o_out_under_a_file", ASSESS.replace("{out}", "{files}/p_gbk.csv/result.csv") + " --plan {files}/p_gbk.csv",
         4, "'{files}/p_gbk.csv' is a file, not a folder", "--out inside a path whose 'folder' is a file")


def main() -> None:
    if FILES.exists():
        shutil.rmtree(FILES)
    FILES.mkdir(parents=True)
    plan_cases()
    history_cases()
    risk_cases()
    usage_cases()
    output_cases()
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    with open(HERE / "cases.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "args", "code", "stream", "fragment", "what"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(CASES)
    print(f"{len(CASES)} cases, {len(list(FILES.iterdir()))} files in {FILES}")


if __name__ == "__main__":
    main()
