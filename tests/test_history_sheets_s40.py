"""A province's history kept one city per sheet (sheets 广州, 深圳市, 全省), the 快报 columns of some sheets only,
and a long history naming the province (广东省) beside a plan's 全省. All figures SYNTHETIC; names real."""
import datetime
import unicodedata
import warnings

import pandas as pd
import pytest
from openpyxl import Workbook

import mstarget as mt
from mstarget import consistency
from mstarget.matching import match

ROWS = [("市场主体总量", "万户"), ("食品抽检合格率", "%")]


def _city_book(path, sheets: dict, *, notes_sheet: bool = False, header_2025: str = "2025年"):
    """``{sheet name: (title or None, first value)}``; each sheet 指标名称 | 单位 | 2023年 | 2024年 | 2025年."""
    wb = Workbook()
    wb.remove(wb.active)
    if notes_sheet:
        ws = wb.create_sheet("填表说明")
        ws.append(["1. 各地市按本表格式填报。"])
        ws.append(["2. 数据截至2025年底。"])
    for name, (title, v) in sheets.items():
        ws = wb.create_sheet(name)
        if title:
            ws.append([title])
        ws.append(["指标名称", "单位", "2023年", "2024年", header_2025 if name != "深圳市" else "2025年"])
        for k, (ind, unit) in enumerate(ROWS):
            ws.append([ind, unit, v + k, v + k + 1, v + k + 2])
    wb.save(path)
    return path


def test_a_book_of_city_sheets_some_named_short_is_read_each_sheet_as_its_city(tmp_path):
    """Before: one line per sheet 'missing column(s) region ... --region 鼎湖区' and the book refused."""
    path = _city_book(tmp_path / "各市.xlsx", {
        "广州": ("填报单位：广州市市场监督管理局", 90), "深圳市": (None, 80), "珠海": ("填报单位：珠海市市场监督管理局", 70),
        "全省": (None, 60)}, notes_sheet=True)
    h = mt.read_history(path)
    assert sorted(h["region"].unique()) == ["全省", "广州市", "深圳市", "珠海市"]  # 广州市 as its own title writes it
    assert h[(h["region"] == "广州市") & (h["year"] == 2025)].set_index("indicator")["value"].to_dict() == {
        "市场主体总量": 92.0, "食品抽检合格率": 93.0}
    assert len(h) == 4 * 2 * 3  # the 填表说明 sheet is no region


def test_the_city_sheets_match_the_plans_cities_when_their_titles_name_them(tmp_path):
    path = _city_book(tmp_path / "各市.xlsx", {
        "广州": ("广州市场监管主要指标 填报单位：广州市市场监督管理局", 90),
        "惠州": ("惠州市场监管主要指标 填报单位：惠州市市场监督管理局", 70), "深圳市": (None, 80), "全省": (None, 60)})
    h = mt.read_history(path)
    plan = pd.DataFrame([(r, ind, ind, u, 2025, 100.0) for r in ("广州市", "惠州市", "深圳市", "全省") for ind, u in ROWS],
                        columns=["region", "indicator", "name", "unit", "target_year", "target"])
    m = match(plan, h)
    assert m.unmatched_plan.empty and m.unmatched_history.empty


def test_sheets_that_name_topics_are_refused_in_one_message_listing_them(tmp_path):
    path = _city_book(tmp_path / "分类.xlsx", {"市场主体": (None, 90), "质量安全": (None, 80), "知识产权": (None, 70)})
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(path)
    assert len(err.value.problems) == 1  # before: one problem per sheet
    msg = str(err.value)
    assert "sheets 市场主体、质量安全、知识产权 hold a history without a region column" in msg
    assert "鼎湖区" not in msg and "region= / --region" in msg
    with pytest.raises(mt.DataValidationError, match="the same region, indicator and year"):
        mt.read_history(path, region="鼎湖区")  # the region given: read as one district's (its repeats refused)


def test_a_sheet1_holding_a_table_beside_city_sheets_is_named_not_read_as_a_region(tmp_path):
    path = _city_book(tmp_path / "各市.xlsx", {"广州市": (None, 90), "深圳市": (None, 80), "Sheet1": (None, 70)})
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(path)
    assert len(err.value.problems) == 1 and "and Sheet1 is no region's name: add a region column" in str(err.value)


def test_sheets_with_preliminary_columns_in_some_read_without_a_pandas_warning(tmp_path):
    path = _city_book(tmp_path / "各市.xlsx", {"广州市": (None, 90), "深圳市": (None, 80)}, header_2025="2025年（快报）")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", FutureWarning)  # before: Downcasting object dtype arrays on .fillna
        h = mt.read_history(path)
    assert h["preliminary"].dtype == bool
    assert h.groupby("region")["preliminary"].sum().to_dict() == {"广州市": 2, "深圳市": 0}


def test_a_history_frame_with_blank_preliminary_cells_is_checked_without_a_pandas_warning():
    h = pd.DataFrame({"region": ["鼎湖区"] * 6, "indicator": ["标准"] * 6, "year": range(2021, 2027),
                      "value": [1.0, 2, 3, 4, 5, 6], "unit": ["项"] * 6,
                      "preliminary": [None, None, None, None, True, None]})
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        consistency.warn_history(h, today=datetime.date(2026, 12, 6))
    assert not [w for w in got if issubclass(w.category, FutureWarning)]
    assert any("2026" in str(w.message) for w in got)  # the year not over is still said


def _long(regions):
    return pd.DataFrame([(r, ind, y, 50.0 + y - 2020, u) for r in regions for ind, u in ROWS
                         for y in range(2020, 2026)], columns=["region", "indicator", "year", "value", "unit"])


def _plan(regions):
    return pd.DataFrame([(r, ind, ind, u, 2025, 100.0) for r in regions for ind, u in ROWS],
                        columns=["region", "indicator", "name", "unit", "target_year", "target"])


def test_the_province_by_its_name_beside_the_plans_total_is_hinted_and_no_peer():
    """Before: '广东省: ... all used as peers (pooling)', 全省's rows without history and without a word why."""
    m = match(_plan(["广州市", "深圳市", "全省"]), _long(["广州市", "深圳", "广东省"]))
    said = m.unmatched_history.set_index("region")["suggestion"]
    assert said["广东省"].str.contains("a region at the level of the plan's total 全省 -- if it is this plan's total, "
                                     "name it 全省", regex=False).all()
    assert "广东省" not in set(m.peers["region"]) and "深圳" in set(m.peers["region"])
    plan_said = m.unmatched_plan.set_index("region")["suggestion"]
    assert (plan_said["全省"] == "the history has a region 广东省 at the level of the plan's total 全省 -- if it is "
                               "this plan's total, name it 全省 (是否应为 全省？regions are not matched by guess)").all()
    assert "广东省" in m.message() and "not used as a peer" in m.message()


def test_a_city_by_its_name_beside_a_district_plans_total_is_hinted():
    m = match(_plan(["端州区", "鼎湖区", "全市"]), _long(["端州区", "鼎湖区", "肇庆市"]))
    said = m.unmatched_history.set_index("region")["suggestion"]["肇庆市"]
    assert said.str.contains("a region at the level of the plan's total 全市 -- if it is this plan's total",
                             regex=False).all()


def test_a_province_without_a_plan_total_stays_a_peer():
    m = match(_plan(["广州市", "深圳市"]), _long(["广州市", "深圳市", "广东省"]))
    assert "广东省" in set(m.peers["region"])
    assert "did you mean" not in m.unmatched_history["suggestion"].iloc[0]


# -- every sheet read as a region must be confirmed as one (R2: a copy or a topic sheet was pooled as a peer) --

def _refused(path) -> str:
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_history(path)
    assert len(err.value.problems) == 1  # one message for the book, not one per sheet
    return str(err.value)


def test_a_backup_sheet_beside_a_district_sheet_is_refused_not_pooled_as_a_region(tmp_path):
    """Before: regions 备份, 鼎湖区 -- 备份 (a copy) pooled as a peer of 鼎湖区."""
    msg = _refused(_city_book(tmp_path / "鼎湖.xlsx", {"鼎湖区": (None, 1), "备份": (None, 2)}))
    assert "备份 is not confirmed as a region" in msg and "region= / --region" in msg


@pytest.mark.parametrize("extra", ["总体", "全部", "对比", "上报"])
def test_a_summary_sheet_beside_district_sheets_is_refused(tmp_path, extra):
    msg = _refused(_city_book(tmp_path / "各区.xlsx", {extra: (None, 50), "端州区": (None, 1), "鼎湖区": (None, 2),
                                                       "高要区": (None, 3)}))
    assert f"{extra} is not confirmed as a region" in msg and "端州区 is" not in msg


def test_copies_and_topics_beside_the_total_and_districts_are_named_in_one_message(tmp_path):
    msg = _refused(_city_book(tmp_path / "全市.xlsx", {"全市": (None, 1), "端州区": (None, 2), "鼎湖区": (None, 3),
                                                       "原表": (None, 4), "修改": (None, 5), "旧版": (None, 6)}))
    assert "原表、修改、旧版 are not confirmed as regions" in msg
    assert "食品 is not confirmed as a region" in _refused(_city_book(tmp_path / "食品.xlsx", {
        "全市": (None, 1), "食品": (None, 2)}))


def test_an_untitled_short_name_beside_confirmed_city_sheets_is_refused(tmp_path):
    """Before: read as region 珠海 once half the sheets were sure regions."""
    msg = _refused(_city_book(tmp_path / "各市.xlsx", {
        "广州": ("填报单位：广州市市场监督管理局", 90), "深圳市": (None, 80), "珠海": (None, 70), "全省": (None, 60)}))
    assert "hold a history without a region column, and 珠海 is not confirmed as a region (" in msg


def test_titled_short_district_sheets_and_short_prefectures_are_still_read(tmp_path):
    h = mt.read_history(_city_book(tmp_path / "各区.xlsx", {
        "端州": ("填报单位：肇庆市端州区市场监督管理局", 1), "鼎湖": ("填报单位：肇庆市鼎湖区市场监督管理局", 2),
        "高要": ("填报单位：肇庆市高要区市场监督管理局", 3)}))
    assert sorted(h["region"].unique()) == ["端州区", "高要区", "鼎湖区"]
    h = mt.read_history(_city_book(tmp_path / "州.xlsx", {"延边州": (None, 1), "恩施州": (None, 2)}))
    assert sorted(h["region"].unique()) == ["延边州", "恩施州"]


def test_autonomous_prefecture_sheets_are_read_as_their_titles_write_them(tmp_path):
    """Before: refused -- 延边朝鲜族自治州 puts its peoples between 延边 and 自治州."""
    h = mt.read_history(_city_book(tmp_path / "自治州.xlsx", {
        "延边": ("填报单位：延边朝鲜族自治州市场监督管理局", 1), "恩施": ("填报单位：恩施土家族苗族自治州市场监督管理局", 2),
        "湘西": ("填报单位：湘西土家族苗族自治州市场监督管理局", 3)}))
    assert sorted(h["region"].unique()) == ["延边朝鲜族自治州", "恩施土家族苗族自治州", "湘西土家族苗族自治州"]


def test_sheets_of_a_template_copied_from_another_city_are_refused_saying_so(tmp_path):
    msg = _refused(_city_book(tmp_path / "各市.xlsx", {
        "珠海": ("填报单位：广州市市场监督管理局", 1), "佛山": ("填报单位：广州市市场监督管理局", 2),
        "广州": ("填报单位：广州市市场监督管理局", 3)}))
    assert "the titles of 珠海、佛山 name another place (珠海: 广州市; 佛山: 广州市)" in msg


def test_a_sheet_titled_by_a_districts_bureau_is_not_read_as_the_city(tmp_path):
    """Before: sheet 广州 titled 广州市越秀区市场监督管理局 read as region 广州市 (a district's figures as the city's)."""
    msg = _refused(_city_book(tmp_path / "区.xlsx", {
        "广州": ("填报单位：广州市越秀区市场监督管理局", 1), "深圳": ("填报单位：深圳市福田区市场监督管理局", 2)}))
    assert "广州: 广州市越秀区" in msg and "深圳: 深圳市福田区" in msg


def test_district_sheets_titled_by_the_citys_compiling_bureau_are_read(tmp_path):
    h = mt.read_history(_city_book(tmp_path / "各区.xlsx", {
        "端州区": ("填报单位：肇庆市市场监督管理局", 1), "鼎湖区": ("填报单位：肇庆市市场监督管理局", 2)}))
    assert sorted(h["region"].unique()) == ["端州区", "鼎湖区"]


# --- G11: titles and sheet names refused since ab03d8d (SYNTHETIC figures) ---

@pytest.mark.parametrize("word", ["辖区内市场主体", "地区生产总值与市场主体", "社区食品", "景区食品", "园区企业", "片区市场主体",
                                  "城区食品安全", "质量强市建设", "食品安全示范城市创建"])
def test_a_citys_title_naming_an_area_of_its_own_reads_the_sheet_as_the_city(tmp_path, word):
    """Before: 'the titles of 深圳 ...' refused -- 深圳市辖区内 read as a district 辖区 of 深圳市."""
    path = _city_book(tmp_path / "各市.xlsx", {
        "广州": (f"广州市{word}发展情况 填报单位：广州市市场监督管理局", 1),
        "深圳": (f"深圳市{word}发展情况 填报单位：深圳市市场监督管理局", 2)})
    assert sorted(mt.read_history(path)["region"].unique()) == ["广州市", "深圳市"]


def test_a_title_naming_the_district_城区_or_城中区_is_still_no_citys(tmp_path):
    """Before: read as 阳泉市 / 西宁市 -- a district's figures under its city's name (a word opening with 城 was skipped)."""
    for title in ("阳泉市城区市场监督管理局", "西宁市城中区2025年市场监管指标"):
        name = title[:2]
        path = _city_book(tmp_path / f"{name}.xlsx", {name: (title, 1), "太原": ("填报单位：太原市市场监督管理局", 2)})
        with pytest.raises(mt.DataValidationError, match=f"name another place \\({name}: {title[:5]}"):
            mt.read_history(path)


@pytest.mark.parametrize("unit", ["市本级", "市直", "市直属", "本级"])
def test_a_city_book_with_a_reporting_unit_sheet_beside_its_districts_is_read(tmp_path, unit):
    """Before: '市本级 is not confirmed as a region' and the book refused (it had been read before ab03d8d)."""
    path = _city_book(tmp_path / "各区.xlsx", {"端州区": (None, 1), "鼎湖区": (None, 2), "高要区": (None, 3),
                                               unit: (None, 4)})
    h = mt.read_history(path)
    assert sorted(h["region"].unique()) == sorted(["端州区", "鼎湖区", "高要区", unit])
    assert h[(h["region"] == unit) & (h["year"] == 2025)]["value"].tolist() == [6.0, 7.0]


def test_untitled_short_names_ending_in_州_are_refused_as_深圳_is(tmp_path):
    """Before: sheets 广州, 杭州 untitled read as regions 广州 / 杭州 while 深圳 untitled was refused."""
    path = _city_book(tmp_path / "各市.xlsx", {"广州": (None, 1), "杭州": (None, 2)})
    with pytest.raises(mt.DataValidationError, match="广州、杭州 are not confirmed as regions"):
        mt.read_history(path)
    titled = _city_book(tmp_path / "titled.xlsx", {"广州": ("填报单位：广州市场监管局", 1),
                                                   "深圳": ("填报单位：深圳市场监管局", 2), "延边州": (None, 3)})
    assert sorted(mt.read_history(titled)["region"].unique()) == ["广州市", "延边州", "深圳市"]


# --- G14: titles naming the city's own urban area; more reporting units (SYNTHETIC figures) ---

@pytest.mark.parametrize("title", ["西宁市城区市场主体发展情况", "西宁市中心城区及各区市场主体发展情况", "西宁市老城区改造",
                                   "西宁市农村地区", "西宁市城区（不含湟中区）", "西宁市区县市场主体"])
def test_a_title_naming_the_citys_urban_area_reads_the_sheet_as_the_city(tmp_path, title):
    """Before: 'the titles of 西宁 name another place (西宁: 西宁市城区)' -- 城区 + 市场… read as the district 城区."""
    path = _city_book(tmp_path / "各市.xlsx", {"西宁": (title, 10), "海东": ("海东市市场主体发展情况", 20),
                                               "全省": (None, 40)})
    h = mt.read_history(path)
    assert sorted(h["region"].unique()) == ["全省", "海东市", "西宁市"]
    assert h[(h["region"] == "西宁市") & (h["year"] == 2025)]["value"].tolist() == [12.0, 13.0]


@pytest.mark.parametrize("title, place", [("大同市城区市场监督管理局", "大同市城区"), ("大同市南郊区市场监管指标", "大同市南郊区"),
                                          ("大同市城区2025年市场监管指标", "大同市城区")])
def test_a_title_naming_a_real_district_is_still_refused(tmp_path, title, place):
    path = _city_book(tmp_path / "各市.xlsx", {"大同": (title, 10), "朔州": ("朔州市市场监管指标", 20)})
    with pytest.raises(mt.DataValidationError, match=f"name another place \\(大同: {place}\\)"):
        mt.read_history(path)


@pytest.mark.parametrize("unit", ["市级", "直属", "市直单位", "市本级（含开发区）", "区级"])
def test_more_reporting_unit_sheet_names_are_read_like_市本级(tmp_path, unit):
    """Before: '市级 is not confirmed as a region' and the book refused."""
    path = _city_book(tmp_path / "各区.xlsx", {"越秀区": (None, 1), "海珠区": (None, 2), unit: (None, 5),
                                               "全市": (None, 40)})
    h = mt.read_history(path)
    unit = unicodedata.normalize("NFKC", unit)  # 市本级(含开发区), its brackets as every region's are read
    assert sorted(h["region"].unique()) == sorted(["越秀区", "海珠区", unit, "全市"])
    assert h[(h["region"] == unit) & (h["year"] == 2025)]["value"].tolist() == [7.0, 8.0]
