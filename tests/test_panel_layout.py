"""A history laid out one column per indicator -- ``省份 | 年份 | 化肥使用量（万吨） | ...`` -- as
statistical databases export provincial panels, or a district's years down the rows: read as the
same observations as the long table. The figures are the real provincial panels in data/china.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

import mstarget as mt

DATA = Path(__file__).resolve().parents[1] / "data" / "china"
NAMES = {"chemical_fertilizer_use": "化肥使用量", "agri_machinery_total_power": "农业机械总动力"}


@pytest.fixture(scope="module")
def long_panel() -> pd.DataFrame:
    d = pd.read_csv(DATA / "provincial_panels.csv")
    d = d[d["indicator"].isin(NAMES) & d["region"].isin(["广东", "广西", "海南"]) & (d["year"] >= 2018)]
    return d.assign(name=d["indicator"].map(NAMES))


def _export(long: pd.DataFrame, path: Path, *, region_header="省份", blank=None, remark=True) -> Path:
    """The panel as a database export: one row per (region, year), one column per indicator with
    its unit in the header, a remarks column."""
    wide = long.pivot_table(index=["region", "year"], columns="name", values="value").reset_index()
    units = long.groupby("name")["unit"].first()
    wb = Workbook()
    ws = wb.active
    ws.title = "面板数据"
    names = list(NAMES.values())
    ws.append([region_header, "年份"] + [f"{n}（{units[n]}）" for n in names] + (["备注"] if remark else []))
    for _, r in wide.iterrows():
        cells = [r["region"], f"{int(r['year'])}年"] + [float(r[n]) for n in names]
        ws.append(cells + (["初步数" if r["year"] == 2022 else None] if remark else []))
    if blank:
        ws[blank] = None
    wb.save(path)
    return path


def test_a_panel_export_with_one_column_per_indicator_reads_as_the_long_table(tmp_path, long_panel):
    h = mt.read_history(_export(long_panel, tmp_path / "省级面板.xlsx"))
    got = h.set_index(["region", "indicator", "year"])["value"].sort_index()
    want = long_panel.assign(indicator=long_panel["name"]).set_index(["region", "indicator", "year"])["value"]
    pd.testing.assert_series_equal(got, want.sort_index(), check_names=False)
    units = h.groupby("indicator")["unit"].first().to_dict()
    assert units == {"化肥使用量": "万吨", "农业机械总动力": "万千瓦"}
    assert set(h["region"]) == {"广东", "广西", "海南"}


def test_a_blank_cell_is_a_missing_year_and_a_bad_cell_is_named_by_its_header(tmp_path, long_panel):
    h = mt.read_history(_export(long_panel, tmp_path / "p.xlsx", blank="C2"))
    assert len(h) == len(long_panel) - 1  # one observation fewer, nothing else moved
    path = _export(long_panel, tmp_path / "面板.xlsx", region_header="地区")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active["D4"] = "约5000"
    wb.save(path)
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(path)
    assert "面板.xlsx, row 4, column '农业机械总动力（万千瓦）': '约5000'" in str(err.value)


def test_a_districts_years_down_the_rows_need_its_region_and_are_assessed(tmp_path):
    # SYNTHETIC mid-term values for the real Dinghu plan rows (tests/bureau_files.py)
    wb = Workbook()
    ws = wb.active
    ws.append(["年份", "企业标准（项）", "有效期内认证证书（张）"])
    for year, std, cert in ((2020, 38, 108), (2021, 52, 110), (2022, 69, 113), (2023, 84, 117)):
        ws.append([year, std, cert])
    wb.save(tmp_path / "鼎湖区历年.xlsx")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(tmp_path / "鼎湖区历年.xlsx")
    assert "--region" in str(err.value)
    h = mt.read_history(tmp_path / "鼎湖区历年.xlsx", region="鼎湖区")
    assert h.groupby("indicator")["value"].last().to_dict() == {"企业标准": 84.0, "有效期内认证证书": 117.0}
    plan = mt.read_plan(Path(__file__).resolve().parents[1] / "data" / "dinghu_14th_fyp_plan.csv")
    res = mt.assess(h, plan, model="naive", as_of=2023)
    got = res.set_index("name").loc[["企业标准", "有效期内认证证书"], "last_value"]
    assert got.tolist() == [84.0, 117.0]


def test_one_indicator_per_sheet_with_years_down_and_regions_across(tmp_path, long_panel):
    """Sheet 化肥使用量: a 单位 line, then 年份 | 广东省 | 广西壮族自治区 | 海南省 -- the regions are the
    columns, named in full or (next test) as yearbooks shorten them."""
    wb = Workbook()
    for k, (indicator, name) in enumerate(NAMES.items()):
        part = long_panel[long_panel["indicator"] == indicator]
        wide = part.pivot(index="year", columns="region", values="value")
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        ws.append([f"单位：{part['unit'].iloc[0]}"])
        ws.append(["年份"] + [f"{r}省" if r == "广东" else f"{r}壮族自治区" if r == "广西" else f"{r}省"
                            for r in wide.columns])
        for year, row in wide.iterrows():
            ws.append([int(year)] + [float(v) for v in row])
    wb.save(tmp_path / "分指标.xlsx")
    h = mt.read_history(tmp_path / "分指标.xlsx")
    got = h.assign(region=h["region"].str.replace("省", "").str.replace("壮族自治区", ""))
    got = got.set_index(["region", "indicator", "year"])["value"].sort_index()
    want = long_panel.assign(indicator=long_panel["name"]).set_index(["region", "indicator", "year"])["value"]
    pd.testing.assert_series_equal(got, want.sort_index(), check_names=False)
    assert h.groupby("indicator")["unit"].first().to_dict() == {"化肥使用量": "万吨", "农业机械总动力": "万千瓦"}


def test_provinces_short_names_across_are_regions(tmp_path, long_panel):
    part = long_panel[long_panel["indicator"] == "chemical_fertilizer_use"]
    wide = part.pivot(index="year", columns="region", values="value")
    wb = Workbook()
    ws = wb.active
    ws.title = "化肥使用量"
    ws.append(["年份"] + list(wide.columns))
    for year, row in wide.iterrows():
        ws.append([int(year)] + [float(v) for v in row])
    ws2 = wb.create_sheet("农业机械总动力")
    part2 = long_panel[long_panel["indicator"] == "agri_machinery_total_power"]
    wide2 = part2.pivot(index="year", columns="region", values="value")
    ws2.append(["年份"] + list(wide2.columns))
    for year, row in wide2.iterrows():
        ws2.append([int(year)] + [float(v) for v in row])
    wb.save(tmp_path / "省级.xlsx")
    h = mt.read_history(tmp_path / "省级.xlsx")
    assert set(h["region"]) == {"广东", "广西", "海南"} and set(h["indicator"]) == set(NAMES.values())
    assert len(h) == len(long_panel)
