"""Plan and history tables with one column per region (a city's targets split by district, 目标分解表;
a statistics table of the districts' figures).

Layouts as bureaus keep them: ``指标名称 | 单位 | 端州区 | 鼎湖区`` under a title naming the year;
``端州区2020年基数 | 端州区2025年目标 ...``; a two-row header with ``2020年基数`` / ``2025年目标``
merged over the districts, or each district merged over ``基期值 | 目标值`` (XLSX with merged cells,
and the CSV Excel saves from it, where a merged cell keeps its text in its first column only).
Figures: the Dinghu plan's 2020 market-entity baseline (1.89 万户) and SYNTHETIC figures for the
other districts, written here.
"""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main

EXPECTED = pd.DataFrame({
    "region": ["端州区", "鼎湖区", "端州区", "鼎湖区"],
    "name": ["市场主体总量", "市场主体总量", "每万人口高价值发明专利拥有量", "每万人口高价值发明专利拥有量"],
    "baseline": [6.14, 1.89, 2.1, 1.0], "target": [8.6, 2.5, 3.5, 2.0]})


def _check(plan: pd.DataFrame, baseline: bool = True) -> None:
    got = plan.sort_values(["name", "region"], key=lambda c: c.map({"市场主体总量": 0, "端州区": 0}).fillna(1),
                           kind="stable").reset_index(drop=True)
    assert got["region"].tolist() == EXPECTED["region"].tolist()
    assert got["name"].tolist() == EXPECTED["name"].tolist()
    assert got["target"].tolist() == EXPECTED["target"].tolist()
    assert (got["target_year"] == 2025).all() and (got["direction"] == ">=").all()
    if baseline:
        assert got["baseline"].tolist() == EXPECTED["baseline"].tolist() and (got["baseline_year"] == 2020).all()


def _book(path, rows, merges=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目标分解"
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def test_one_column_per_region_under_a_title_naming_the_year(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("鼎湖区、端州区2025年市场监管主要指标目标分解表\n"
                    "指标名称,单位,属性,端州区,鼎湖区\n"
                    "市场主体总量,万户,预期性,≥8.6,≥2.5\n"
                    "每万人口高价值发明专利拥有量,件,预期性,≥3.5,≥2.0\n", encoding="utf-8")
    plan = mt.read_plan(path)
    _check(plan, baseline=False)
    assert (plan["attribute"] == "expected").all()


def test_region_and_year_in_each_header(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("指标名称,单位,端州区2020年基数,端州区2025年目标,鼎湖区（2020年基数）,鼎湖区（2025年目标）\n"
                    "市场主体总量,万户,6.14,≥8.6,1.89,≥2.5\n"
                    "每万人口高价值发明专利拥有量,件,2.1,≥3.5,1.0,≥2.0\n", encoding="utf-8")
    _check(mt.read_plan(path))


def test_years_merged_over_the_districts_in_excel_and_its_csv(tmp_path):
    rows = [["肇庆市市场监管主要指标分解表"],
            ["指标名称", "单位", "2020年基数", None, "2025年目标", None],
            [None, None, "端州区", "鼎湖区", "端州区", "鼎湖区"],
            ["市场主体总量", "万户", 6.14, 1.89, "≥8.6", "≥2.5"],
            ["每万人口高价值发明专利拥有量", "件", 2.1, 1.0, "≥3.5", "≥2.0"]]
    xlsx = _book(tmp_path / "plan.xlsx", rows, ["A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:F2"])
    _check(mt.read_plan(xlsx))
    csv = tmp_path / "plan.csv"  # Excel's CSV: a merged cell's text in its first column only
    pd.DataFrame(rows).to_csv(csv, index=False, header=False, encoding="utf-8")
    _check(mt.read_plan(csv))


def test_districts_merged_over_baseline_and_target_with_the_period_in_the_title(tmp_path):
    rows = [["肇庆市市场监管“十四五”主要指标分解表"],
            ["指标名称", "单位", "端州区", None, "鼎湖区", None],
            [None, None, "基期值", "目标值", "基期值", "目标值"],
            ["市场主体总量", "万户", 6.14, "≥8.6", 1.89, "≥2.5"],
            ["每万人口高价值发明专利拥有量", "件", 2.1, "≥3.5", 1.0, "≥2.0"]]
    _check(mt.read_plan(_book(tmp_path / "plan.xlsx", rows, ["A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:F2"])))


def test_a_bad_cell_is_named_by_its_region_and_year_and_a_missing_year_is_asked_for(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("指标名称,单位,2020年基数,,2025年目标,\n"
                    ",,端州区,鼎湖区,端州区,鼎湖区\n"
                    "市场主体总量,万户,6.14,1.89,≥8.6,≥2.x\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match=r"row 3, column '鼎湖区2025年目标': '≥2.x'"):
        mt.read_plan(path)
    path.write_text("指标名称,单位,端州区,鼎湖区\n市场主体总量,万户,≥8.6,≥2.5\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match="no target year is given.*端州区2025年目标"):
        mt.read_plan(path)


def test_a_plan_with_the_region_column_header_is_not_read_by_region(tmp_path):
    """城市 / 区县 headers name the region column; a table with one of them is the usual layout."""
    path = tmp_path / "plan.csv"
    path.write_text("区县,指标名称,单位,2020年基数,2025年目标\n端州区,市场主体总量,万户,6.14,≥8.6\n"
                    "鼎湖区,市场主体总量,万户,1.89,≥2.5\n", encoding="utf-8")
    plan = mt.read_plan(path)
    assert plan["region"].tolist() == ["端州区", "鼎湖区"] and plan["target"].tolist() == [8.6, 2.5]


def test_assess_takes_a_split_plan_on_real_provincial_history(tmp_path, data_dir, capsys):
    """Real history (provincial panels, 2018-2022) of four provinces; their 2025 targets (1.3x the 2020
    value, SYNTHETIC) in one column per province with the year over them."""
    panel = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    provinces = ["广东", "江苏", "浙江", "山东"]
    h = panel[(panel["indicator"] == "local_budget_expenditure_total") & panel["region"].isin(provinces)
              & panel["year"].between(2018, 2022)]
    h[["region", "name", "year", "value", "unit"]].to_csv(tmp_path / "history.csv", index=False)
    base = h[h["year"] == 2020].set_index("region")["value"]
    name = h["name"].iloc[0]
    rows = [["指标名称", "2025年目标", None, None, None], [None, *provinces],
            [name, *[f"≥{1.3 * base[p]:.0f}" for p in provinces]]]
    _book(tmp_path / "plan.xlsx", rows, ["A1:A2", "B1:E1"])
    assert main(["assess", "--plan", str(tmp_path / "plan.xlsx"), "--history", str(tmp_path / "history.csv"),
                 "--as-of", "2022", "--strict", "--no-track"]) == 0
    out = capsys.readouterr().out
    for p in provinces:
        assert any(line.startswith(p) and "2025" in line for line in out.splitlines()), p


# -- histories by region ----------------------------------------------------------------------

HISTORY = pd.DataFrame({"region": ["端州区", "端州区", "鼎湖区", "鼎湖区"], "indicator": ["市场主体总量"] * 4,
                        "year": [2021, 2022, 2021, 2022], "value": [6.5, 7.1, 2.16, 2.43]})  # 鼎湖区: SYNTHETIC


def _check_history(h: pd.DataFrame) -> None:
    got = h.sort_values(["region", "year"], key=lambda c: c.map({"端州区": 0, "鼎湖区": 1}) if c.name == "region" else c)
    assert got[["region", "indicator", "year", "value"]].reset_index(drop=True).equals(HISTORY)


@pytest.mark.parametrize("text", [
    "指标名称,年份,端州区,鼎湖区\n市场主体总量,2021,6.5,2.16\n市场主体总量,2022,7.1,2.43\n",
    "指标名称,2021年,,2022年,\n,端州区,鼎湖区,端州区,鼎湖区\n市场主体总量,6.5,2.16,7.1,2.43\n",
    "指标名称,端州区,,鼎湖区,\n,2021年,2022年,2021年,2022年\n市场主体总量,6.5,7.1,2.16,2.43\n",
    "指标名称,端州区2021年,端州区2022年,鼎湖区2021年,鼎湖区2022年\n市场主体总量,6.5,7.1,2.16,2.43\n",
], ids=["year-column", "years-over-regions", "regions-over-years", "region-and-year-headers"])
def test_a_history_by_region_reads_one_observation_per_cell(tmp_path, text):
    path = tmp_path / "history.csv"
    path.write_text(text, encoding="utf-8")
    _check_history(mt.read_history(path))


def test_a_years_table_by_region_takes_its_year_from_the_title_or_the_sheet(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("2023年各区县市场主体情况\n指标名称,端州区,鼎湖区\n市场主体总量,7.6,2.70\n", encoding="utf-8")
    h = mt.read_history(path)
    assert h["year"].tolist() == [2023, 2023] and h["region"].tolist() == ["端州区", "鼎湖区"]
    wb = openpyxl.Workbook()
    wb.active.title = "2021年"
    for r in [["指标名称", "端州区", "鼎湖区"], ["市场主体总量", 6.5, 2.16]]:
        wb.active.append(r)
    ws = wb.create_sheet("2022年")
    for r in [["指标名称", "端州区", "鼎湖区"], ["市场主体总量", 7.1, 2.43]]:
        ws.append(r)
    wb.save(tmp_path / "years.xlsx")
    _check_history(mt.read_history(tmp_path / "years.xlsx"))


def test_a_history_by_region_names_bad_cells_and_asks_for_a_missing_year(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("指标名称,端州区,,鼎湖区,\n,2021年,2022年,2021年,2022年\n市场主体总量,6.5,7.1,2.16,2.4x\n",
                    encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match=r"row 3, column '鼎湖区2022年': '2.4x'"):
        mt.read_history(path)
    path.write_text("指标名称,端州区,鼎湖区\n市场主体总量,6.5,2.16\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError, match="columns 端州区, 鼎湖区 read as each region's figures, but no "
                                                     "year is given"):
        mt.read_history(path)


def test_a_city_journey_split_plan_and_district_history_with_a_total_column(tmp_path, capsys):
    """A city bureau's two workbooks as kept (SYNTHETIC figures): the plan split by district under
    merged year headers, the history with each year merged over the districts and their 合计. Every
    plan row is matched (--strict passes), the 合计 column is named as the total, not assessed."""
    _book(tmp_path / "plan.xlsx", [
        ["肇庆市市场监管“十四五”规划主要指标分解表"],
        ["序号", "指标名称", "单位", "属性", "2020年基数", None, "2025年目标", None],
        [None, None, None, None, "端州区", "鼎湖区", "端州区", "鼎湖区"],
        [1, "市场主体总量", "万户", "预期性", 6.14, 1.89, "≥8.6", "≥2.5"],
        [2, "食品抽检量", "批次/千人", "约束性", 4.5, 4.2, "≥5", "≥5"],
        ["注：分解目标由各区确认"]], ["A1:H1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:H2", "A6:H6"])
    _book(tmp_path / "history.xlsx", [
        ["各区市场监管主要指标完成情况"],
        ["指标名称", "单位", "2021年", None, None, "2022年", None, None, "2023年", None, None],
        [None, None, "端州区", "鼎湖区", "合计", "端州区", "鼎湖区", "合计", "端州区", "鼎湖区", "合计"],
        ["市场主体总量", "万户", 6.9, 2.16, 9.06, 7.4, 2.43, 9.83, 7.9, 2.70, 10.6],
        ["食品抽检量", "批次/千人", 4.6, 5.2, None, 4.7, 5.4, None, 4.9, 5.7, None]],
        ["A1:K1", "A2:A3", "B2:B3", "C2:E2", "F2:H2", "I2:K2"])
    out = tmp_path / "r.csv"
    assert main(["assess", "--plan", str(tmp_path / "plan.xlsx"), "--history", str(tmp_path / "history.xlsx"),
                 "--strict", "--no-track", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "合计行: 合计 (1 series: 市场主体总量)" in err and "未匹配" not in err
    res = pd.read_csv(out)
    assert sorted(zip(res["region"], res["name"])) == [("端州区", "市场主体总量"), ("端州区", "食品抽检量"),
                                                       ("鼎湖区", "市场主体总量"), ("鼎湖区", "食品抽检量")]
    assert (res["last_year"] == 2023).all() and set(res["attribute"]) == {"binding", "expected"}
    assert res.set_index(["region", "name"]).loc[("鼎湖区", "市场主体总量"), "last_value"] == 2.70
