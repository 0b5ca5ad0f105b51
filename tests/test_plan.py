"""read_plan: the plan notation of DESIGN.md, file encodings, and errors naming row and column (issue 2)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mstarget as mt
from mstarget.plan import Cell, parse_cell
from mstarget.report import build_report

# (indicator, kind, direction, attribute, baseline, target) exactly as the Dinghu table writes them
DINGHU = [
    ("market_entities_total", "cumulative", ">=", "expected", 1.89, 3.12),
    ("enterprises_per_1000_people", "cumulative", ">=", "expected", 16.22, 25.64),
    ("high_value_invention_patents_per_10k", "cumulative", ">=", "expected", 1.04, 3.0),
    ("ip_pledge_financing", "increment", ">=", "expected", 0.0, 5.0),
    ("local_standards", "cumulative", ">=", "expected", 0.0, 2.0),
    ("enterprise_standards", "cumulative", ">=", "expected", 38.0, 117.0),
    ("valid_certificates", "cumulative", ">=", "expected", 108.0, 120.0),
    ("food_samples_per_1000_people", "level", ">=", "binding", 5.0, 6.0),
    ("medical_device_sampling_batches", "level", ">=", "expected", 8.0, 9.0),
    ("cosmetics_sampling_batches", "level", ">=", "expected", 9.0, 10.0),
    ("open_kitchen_coverage", "level", ">=", "binding", 81.0, 90.0),
    ("industrial_product_sampling_coverage", "level", ">=", "expected", 0.3, 1.0),
    ("drug_sampling_pass_rate", "level", ">=", "expected", 98.0, 99.0),
    ("licensed_pharmacists_per_10k", "level", ">=", "expected", 4.4, 4.6),
]


@pytest.fixture(scope="module")
def dinghu(data_dir):
    return mt.read_plan(data_dir / "dinghu_14th_fyp_plan.csv")


def _plan_csv(tmp_path, text: str):
    """``text`` written as ``plan.csv`` (UTF-8) in ``tmp_path``; its path."""
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    return path

def test_every_dinghu_row_parses_as_written(dinghu):
    assert list(dinghu["indicator"]) == [row[0] for row in DINGHU]
    for (ind, kind, direction, attribute, baseline, target), r in zip(DINGHU, dinghu.itertuples()):
        assert (r.kind, r.direction, r.attribute) == (kind, direction, attribute), ind
        assert r.baseline == pytest.approx(baseline) and r.target == pytest.approx(target), ind
        assert r.baseline_year == 2020 and r.target_year == 2025


def test_percent_unit_gives_natural_bounds(dinghu):
    pct = dinghu[dinghu["unit"] == "%"]
    assert len(pct) == 3
    assert (pct["lower"] == 0).all() and (pct["upper"] == 100).all()
    assert dinghu.loc[dinghu["unit"] != "%", "upper"].isna().all()


def test_gbk_and_bom_csv_and_xlsx_read_the_same(dinghu, data_dir, tmp_path):
    raw = pd.read_csv(data_dir / "dinghu_14th_fyp_plan.csv", dtype=str)
    gbk = tmp_path / "plan_gbk.csv"
    raw.to_csv(gbk, index=False, encoding="gbk")
    bom = tmp_path / "plan_bom.csv"
    raw.to_csv(bom, index=False, encoding="utf-8-sig")
    xlsx = tmp_path / "plan.xlsx"
    raw.to_excel(xlsx, index=False)
    for path in (gbk, bom, xlsx):
        got = mt.read_plan(path)
        pd.testing.assert_frame_equal(got[dinghu.columns], dinghu, check_dtype=False)


def test_fullwidth_digits_spaces_and_words():
    assert parse_cell("〔３．１２〕") == Cell(3.12, "cumulative", None)
    assert parse_cell(" ≥ 99 ") == Cell(99.0, "level", ">=")
    assert parse_cell("不低于90%") == Cell(90.0, "level", ">=")
    assert parse_cell("<=3") == Cell(3.0, "level", "<=")
    assert parse_cell("〈5〉") == Cell(5.0, "increment", None)
    assert parse_cell("3以内") == Cell(3.0, "level", "<=")
    assert parse_cell("") == Cell(None)


def _plan(**cols):
    base = {"region": ["R"], "indicator": ["x"], "name": ["指标"], "unit": ["项"], "baseline_year": ["2020"],
            "baseline": ["5"], "target_year": ["2025"], "target": ["6"], "attribute": ["预期性"]}
    base.update({k: [v] for k, v in cols.items()})
    return pd.DataFrame(base)


def test_direction_follows_the_baseline_side():
    assert mt.read_plan(_plan(target="4"))["direction"].iloc[0] == "<="
    assert mt.read_plan(_plan(target="〔9〕", baseline="〔5〕"))["direction"].iloc[0] == ">="


def test_no_direction_and_no_baseline_is_an_error_not_a_guess():
    # a DataFrame's rows are named by their index label (row 0), not counted as a file's
    with pytest.raises(mt.DataValidationError, match=r"row 0, column 'target'.*direction"):
        mt.read_plan(_plan(baseline="", baseline_year=""))
    with pytest.raises(mt.DataValidationError, match="equals the baseline"):
        mt.read_plan(_plan(target="5"))
    # a direction column settles it
    got = mt.read_plan(_plan(baseline="", baseline_year="", direction="<="))
    assert got["direction"].iloc[0] == "<="


def test_every_bad_cell_is_reported_at_once_with_file_row_column(tmp_path):
    path = tmp_path / "bad_plan.csv"
    pd.DataFrame({
        "region": ["R", "R", "R"], "indicator": ["a", "b", "c"], "unit": ["%", "项", "项"],
        "baseline_year": ["2020", "2020", "二〇二〇"], "baseline": ["81", "〔3〕", "4"],
        "target_year": ["2025", "2025", "2025"], "target": ["≥120", "〔abc〕", "≥5"],
        "attribute": ["约束性", "maybe", "预期性"],
    }).to_csv(path, index=False)
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_plan(path)
    problems = info.value.problems
    where = {(p.row, p.column) for p in problems}
    assert (2, "target") in where          # 120 % is outside 0-100
    assert (3, "target") in where          # 〔abc〕 is not a number
    assert (3, "attribute") in where       # maybe is neither 约束性 nor 预期性
    assert (4, "baseline_year") in where   # not an integer year
    assert all(p.source == str(path) for p in problems)
    text = str(info.value)
    assert "bad_plan.csv, row 3, column 'target': '〔abc〕'" in text
    assert "约束性 / 预期性" in text


def test_missing_columns_are_named(tmp_path):
    with pytest.raises(mt.DataValidationError, match="missing column.*target_year"):
        mt.read_plan(pd.DataFrame({"region": ["R"], "indicator": ["x"], "target": ["5"]}))


def test_baseline_notation_must_agree_with_target():
    with pytest.raises(mt.DataValidationError, match="same notation as the target"):
        mt.read_plan(_plan(baseline="〈5〉", target="〔6〕"))


# --- property tests of the notation parser -------------------------------------------------------

numbers = st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False, allow_infinity=False)
WRAP = {None: "{}", "cumulative": "〔{}〕", "increment": "〈{}〉"}
SIGN = {None: "", ">=": "≥", "<=": "≤"}


@given(numbers, st.sampled_from([None, "cumulative", "increment"]), st.sampled_from([None, ">=", "<="]))
@settings(max_examples=300, deadline=None)
def test_parse_cell_round_trips(value, kind, direction):
    text = SIGN[direction] + WRAP[kind].format(value)
    cell = parse_cell(text)
    assert math.isclose(cell.value, float(value), rel_tol=1e-12, abs_tol=1e-12)
    assert cell.kind == (kind or "level")
    assert cell.direction == direction


@given(st.text(max_size=12))
@settings(max_examples=400, deadline=None)
def test_garbage_target_gives_data_validation_error_only(text):
    frame = _plan(target=text)
    try:
        out = mt.read_plan(frame)
    except mt.DataValidationError as exc:
        assert exc.problems and all(p.row == 0 for p in exc.problems)  # the DataFrame's index label
    else:  # accepted: then it really was a number in plan notation, or words kept as a qualitative target (建成),
        # or a target not set yet (目标待定: kept, target NaN, for suggest to give figures)
        assert (math.isfinite(out["target"].iloc[0]) or bool(out.get("qualitative", pd.Series([False])).iloc[0])
                or bool(out.get("target_pending", pd.Series([False])).iloc[0]))


def test_chinese_headers_in_xlsx_with_names_only(tmp_path):
    path = tmp_path / "cn_plan.xlsx"
    pd.DataFrame({"地区": ["鼎湖区", "鼎湖区"], "指标名称": ["药品抽检合格率", "企业标准"], "单位": ["%", "项"],
                  "基期年": [2020, 2020], "基期值": [98, "〔38〕"], "目标年": [2025, 2025],
                  "规划值": ["≥99", "〔117〕"], "属性": ["预期性", "约束性"]}).to_excel(path, index=False)
    got = mt.read_plan(path)
    assert list(got["indicator"]) == ["药品抽检合格率", "企业标准"]
    assert list(got["kind"]) == ["level", "cumulative"]
    assert list(got["attribute"]) == ["expected", "binding"]
    assert got["target_year"].tolist() == [2025, 2025] and got["baseline"].tolist() == [98.0, 38.0]


def test_growth_and_margin_targets_in_percent_are_not_shares():
    """issue 18: 研发经费年均增长7%以上 and profit margins are rates in %, not shares of a whole."""
    got = mt.read_plan(pd.DataFrame({
        "region": ["R", "R", "R"], "指标名称": ["研发经费年均增长（%）", "高技术产业利润率", "药品抽检合格率（%）"],
        "单位": ["", "%", ""], "基期值（2020年）": ["-2.5", "-0.31", "98"], "目标值（2025年）": ["≥7", "≥5", "≥99"]}))
    assert got["unit"].tolist() == ["%", "%", "%"]
    assert got["lower"].isna().tolist() == [True, True, False]
    assert got.loc[2, ["lower", "upper"]].tolist() == [0.0, 100.0]
    with pytest.raises(mt.DataValidationError, match="between 0 and 100.*利润率"):
        mt.read_plan(_plan(unit="%", name="药品抽检合格率", baseline="-1", target="≥99"))


def test_read_plan_is_vectorised_on_many_rows():
    """issue 13 item 3: readers linear in rows -- each distinct cell is parsed once (10k rows here)."""
    import mstarget.plan as plan_module

    calls = []
    real = plan_module.parse_cell
    plan_module.parse_cell = lambda text: calls.append(text) or real(text)
    try:
        big = _plan().loc[[0] * 10_000].reset_index(drop=True)
        big["indicator"] = [f"x{k}" for k in range(10_000)]
        big["target"] = [f"≥{6 + k % 7}" for k in range(10_000)]
        got = mt.read_plan(big)
    finally:
        plan_module.parse_cell = real
    assert len(got) == 10_000 and got["target"].max() == 12
    assert len(calls) <= 8 + 1  # 7 distinct targets + 1 baseline, not one call per row


def test_cells_as_plans_write_them_in_words():
    """保持在98%以上, 降至5%以下, 低于0.15, ＜0.15 and a unit after the number are read; a dash
    (no figure) is a blank baseline, not a refusal."""
    assert parse_cell("保持在98%以上") == Cell(98.0, "level", ">=")
    assert parse_cell("降至5%以下") == Cell(5.0, "level", "<=")
    assert parse_cell("达到95%") == Cell(95.0, "level", None)  # direction: from the baseline's side
    assert parse_cell("低于0.15") == Cell(0.15, "level", "<=")
    assert parse_cell("＜0.15") == Cell(0.15, "level", "<=")  # a strict sign without its closing >
    assert parse_cell("<5>") == Cell(5.0, "increment", None)  # still the ASCII form of 〈5〉
    assert parse_cell("不高于5") == Cell(5.0, "level", "<=")
    assert parse_cell("≥15万户") == Cell(15.0, "level", ">=", "万户")
    assert parse_cell("—") == Cell(None) and parse_cell("/") == Cell(None)
    with pytest.raises(ValueError):
        parse_cell("约90")  # approximate: still refused, with its hint


def test_units_after_the_number_must_agree_with_the_row(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("指标名称,单位,2020年基数,2025年目标\n"
                    "市场主体数量,万户,12.3,15万户\n"
                    "企业数量,,3.1,≥4万户\n"
                    "个体工商户,户,9.2,15万\n"
                    "每千人食品抽检量,批次/千人,—,≥6\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="X区")
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (4, "2025年目标", "15万")
    assert "the number in the row's unit 户 (the cell says 万" in str(err.value)
    path.write_text(path.read_text(encoding="utf-8").replace("个体工商户,户,9.2,15万", "个体工商户,万户,9.2,15万"),
                    encoding="utf-8")
    plan = mt.read_plan(path, region="X区").set_index("name")  # 15万 in a 万户 row: 15 万户 whichever way it is read
    assert plan.loc["市场主体数量", "target"] == 15.0 and plan.loc["企业数量", "unit"] == "万户"
    assert plan.loc["个体工商户", "target"] == 15.0
    assert np.isnan(plan.loc["每千人食品抽检量", "baseline"]) and plan.loc["每千人食品抽检量", "direction"] == ">="


def test_a_percent_sign_or_a_misplaced_comma_in_a_target_is_refused(tmp_path):
    """≥95% in a row counted in 件/万人 was read as 95, and 12,5 as 125: both are refused now, each
    with its fix; a % row keeps its %, and 1,200 is twelve hundred."""
    path = tmp_path / "plan.csv"
    path.write_text("指标名称,单位,2020年基数,2025年目标\n"
                    "每万人口高价值发明专利拥有量,件/万人,6.3,≥12%\n"
                    "企业年报率,%,90.5%,≥95%\n"
                    "千人食品检验量,批次/千人,4,\"12,5\"\n"
                    "市场主体数量,户,\"1,200\",\"1,500\"\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="X区")
    assert {(p.row, p.column) for p in err.value.problems} == {(2, "2025年目标"), (4, "2025年目标")}
    text = str(err.value)
    assert "'≥12%': 单元格中的 % 与本行单位 件/万人 不一致" in text and "write the number alone" in text
    assert "'12,5': a decimal point, not a comma (12.5)" in text
    path.write_text(path.read_text(encoding="utf-8").replace("≥12%", "≥12").replace('"12,5"', "6"),
                    encoding="utf-8")
    plan = mt.read_plan(path, region="X区").set_index("name")
    assert plan.loc["企业年报率", ["baseline", "target"]].tolist() == [90.5, 95.0]
    assert plan.loc["市场主体数量", ["baseline", "target"]].tolist() == [1200.0, 1500.0]



def test_a_note_mark_by_a_figure_is_refused_not_read_as_a_digit(tmp_path):
    """A footnote mark written by a figure (〔3.12〕①, ≥99¹, 6*): Unicode normalisation reads ① and ¹ as
    the digit 1, so 〔3.12〕① was the target 3.121 without a word. Each is refused now, naming the cell
    and the fix; a superscript that is a unit's (万m²) is no mark."""
    from mstarget.validation import has_note_mark

    path = _plan_csv(tmp_path, "指标名称,单位,2020年基数,2025年目标\n"
                               "期末市场主体总量,万户,〔1.89〕,〔3.12〕①\n"
                               "药品抽检合格率,%,98,≥99¹\n"
                               "千人食品检验量,批次/千人,5,6*\n"
                               "企业标准,项,〔38〕,〔117〕\n")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    assert {(p.row, p.column) for p in err.value.problems} == {(2, "2025年目标"), (3, "2025年目标"),
                                                                (4, "2025年目标")}
    assert str(err.value).count("a note mark is not read: write the figure alone") == 3
    assert "'〔3.12〕①'" in str(err.value)
    assert not has_note_mark("15万m²") and has_note_mark("99①") and has_note_mark("①")


def _assessed_pass_rate(plan: pd.DataFrame) -> pd.Series:
    """The assessment (naive model, as of 2023) of ``plan``'s 药品抽检合格率 against a SYNTHETIC history:
    the pass rate rising 98 -> 99.2 by 2023."""
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "drug_sampling_pass_rate",
                         "year": [2020, 2021, 2022, 2023], "value": [98, 98.6, 99.1, 99.2], "unit": "%"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(hist, plan, as_of=2023, model="naive")
    return res[res["indicator"] == "drug_sampling_pass_rate"].iloc[0]

def test_a_target_written_as_a_direction_is_read_against_the_baseline(data_dir):
    """持续提升 / 逐年下降 in a plan's target cell (DESIGN: "enterprise annual-report rate to keep
    rising"): the target is the row's baseline, the words give the direction; they are kept as
    written and the assessment says how they were read."""
    plan = pd.read_csv(data_dir / "dinghu_14th_fyp_plan.csv", dtype=str)
    rate = plan["indicator"] == "drug_sampling_pass_rate"
    plan.loc[rate, "target"] = "持续提升"
    plan.loc[plan["indicator"] == "open_kitchen_coverage", "target"] = "稳中有升"
    p = mt.read_plan(plan)
    row = p[p["indicator"] == "drug_sampling_pass_rate"].iloc[0]
    assert (row["target"], row["direction"], row["kind"], row["target_written"]) == (98.0, ">=", "level", "持续提升")
    assert p.loc[p["indicator"] == "open_kitchen_coverage", "target"].item() == 81.0
    assert (p.loc[p["indicator"] == "valid_certificates", "target_written"] == "").all()
    r = _assessed_pass_rate(p)
    assert r["target_written"] == "持续提升" and r["p_meet"] > 0.9
    assert r["note"].startswith("target '持续提升' read as at least the baseline 98 (2020)")


@pytest.mark.parametrize("written, direction", [("逐年下降", "<="), ("只增不减", ">="), ("零增长", "<="),
                                                ("不降低", ">=")])
def test_direction_words_and_their_negations(written, direction):
    from mstarget.plan import target_in_words

    assert target_in_words(written) == direction


@pytest.mark.parametrize("written, fix", [("保持稳定", "says no level and no direction"),
                                          ("持续优化", "says no level and no direction")])
def test_a_target_in_words_without_a_direction_is_refused_with_the_fix(written, fix):
    plan = pd.DataFrame([{"region": "鼎湖区", "indicator": "x", "name": "药品抽检合格率", "unit": "%",
                          "baseline_year": 2020, "baseline": "98", "target_year": 2025, "target": written}])
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(plan)
    assert f"row 0, column 'target': '{written}': '{written}' {fix}" in str(err.value)  # index label 0


def test_a_target_in_words_needs_the_baseline():
    plan = pd.DataFrame([{"region": "鼎湖区", "indicator": "x", "name": "企业年报率", "unit": "%",
                          "baseline_year": 2020, "baseline": "—", "target_year": 2025, "target": "持续提升"}])
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(plan)
    assert "so the row needs its baseline (基期值)" in str(err.value)


def _yearly_targets_xlsx(path, rows):
    """A 年度目标分解 table: the Dinghu baselines (real) with yearly targets (the 2025 ones real,
    the 2023 / 2024 steps SYNTHETIC, for the test)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["鼎湖区市场监管主要指标年度目标分解表"])
    ws.append(["指标名称", "单位", "2020年基数", "2023年目标", "2024年目标", "2025年目标", "属性"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_a_table_of_yearly_targets_gives_one_plan_row_per_target_year(tmp_path):
    path = _yearly_targets_xlsx(tmp_path / "年度目标.xlsx", [
        ["期末市场主体总量", "万户", "〔1.89〕", "〔2.6〕", "〔2.85〕", "〔3.12〕", "预期性"],
        ["千人食品检验量", "批次/千人", "5", "5.5", "5.8", "6", "约束性"],
        ["药品抽检合格率", "%", "98", "", "", "≥99", "预期性"]])
    plan = mt.read_plan(path, region="鼎湖区")
    got = plan[["name", "target_year", "target", "kind"]].itertuples(index=False, name=None)
    assert list(got) == [("期末市场主体总量", 2023, 2.6, "cumulative"), ("期末市场主体总量", 2024, 2.85, "cumulative"),
                         ("期末市场主体总量", 2025, 3.12, "cumulative"), ("千人食品检验量", 2023, 5.5, "level"),
                         ("千人食品检验量", 2024, 5.8, "level"), ("千人食品检验量", 2025, 6.0, "level"),
                         ("药品抽检合格率", 2025, 99.0, "level")]
    assert set(plan["baseline_year"]) == {2020} and plan["attribute"].tolist()[3:6] == ["binding"] * 3
    # SYNTHETIC history: every target year is assessed from the same series
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "期末市场主体总量", "year": [2020, 2021, 2022, 2023],
                         "value": [1.89, 2.15, 2.42, 2.70], "unit": "万户"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.assess(hist, plan, as_of=2023, model="naive")
    entities = res[res["indicator"] == "期末市场主体总量"]
    assert entities["target_year"].tolist() == [2023, 2024, 2025]
    assert entities["status"].iloc[0] == "met"  # 2.70 observed in 2023 against 2.6


def test_a_bad_yearly_target_is_named_by_its_year_and_a_row_without_targets_is_refused(tmp_path):
    path = _yearly_targets_xlsx(tmp_path / "年度目标.xlsx", [
        ["期末市场主体总量", "万户", "〔1.89〕", "〔2.6〕", "约2.85", "〔3.12〕", "预期性"],
        ["药品抽检合格率", "%", "98", "", "", "", "预期性"]])
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    msg = str(err.value)
    assert "年度目标.xlsx, row 3, column '2024年目标': '约2.85'" in msg
    assert "row 4, column '2025年目标': '': a target value, not blank" in msg


@pytest.mark.parametrize("cell, kind", [("累计新增5", "increment"), ("新增5亿元", "increment"),
                                        ("“十四五”期间累计新增5", "increment"), ("5（五年累计）", "increment"),
                                        ("累计达到5", "cumulative"), ("5（累计）", "cumulative")])
def test_the_notation_written_in_words(cell, kind):
    """The Dinghu note says it: 〔〕内为累计数，〈〉内为“十四五”期间累计新增数 -- a table copied from the
    text writes the words instead of the brackets."""
    from mstarget.plan import parse_cell

    c = parse_cell(cell)
    assert (c.value, c.kind) == (5.0, kind)


def test_words_and_brackets_that_disagree_are_refused():
    from mstarget.plan import parse_cell

    with pytest.raises(ValueError):
        parse_cell("累计新增〔5〕")


def test_a_category_written_once_above_its_rows_names_every_row(tmp_path):
    """A 类别 column merged down each category comes out of Excel as CSV with the name on the first row
    only (and a PDF page break splits the merged cell the same way): every row gets its category."""
    path = tmp_path / "plan.csv"
    path.write_text("类别,指标名称,单位,2020年基数,2025年目标,属性\n"
                    "市场主体,市场主体总量,万户,1.89,2.5,预期性\n"
                    ",每千人企业数,户,16.5,20,预期性\n"
                    "质量,有效认证证书,张,105,120,预期性\n"
                    ",企业标准,项,38,60,预期性\n", encoding="utf-8")
    plan = mt.read_plan(path, region="鼎湖区")
    assert plan["group"].tolist() == ["市场主体", "市场主体", "质量", "质量"]


@pytest.mark.parametrize("header", [
    "序号,具体指标,计量单位,2020年现状值,2025年预期值,指标属性",
    "序号,指标内容,单位,基期（2020年）,目标（2025年）,属性",
    "编号,指标项,单位,2020年,2025年,约束性/预期性",
    "序号,监测指标,单位,2020年基数,2025年目标值,指标类型",
    "序号,指标名称,单位,2020年,2025年目标任务,属性",  # 目标任务 / 发展目标 / 时期目标 with a year: refused
    "序号,指标名称,单位,2020年基数,2025年发展目标,属性",
    "序号,指标名称,单位,“十三五”末,“十四五”时期目标,属性",
])
def test_a_plan_table_is_read_by_its_headers_words(tmp_path, header):
    """Plans word their headers in many ways. A target as 2025年目标任务 / 2025年发展目标 / “十四五”时期目标
    was not taken for the target. The name column as 具体指标 / 指标内容 / 指标项 / 监测指标 was
    refused ("missing column indicator"); the attribute under 约束性/预期性 or 指标类型 was not read at
    all, so the binding 药品抽检合格率 came out expected without a word. The name is read by its words
    now, and the attribute from the one column whose every cell is 约束性 / 预期性."""
    path = _plan_csv(tmp_path, header + "\n1,期末市场主体总量,万户,〔1.89〕,〔3.12〕,预期性\n2,药品抽检合格率,%,98,≥99,约束性\n")
    plan = mt.read_plan(path, region="鼎湖区")
    assert plan[["name", "baseline", "target", "target_year", "attribute"]].values.tolist() == [
        ["期末市场主体总量", 1.89, 3.12, 2025, "expected"], ["药品抽检合格率", 98.0, 99.0, 2025, "binding"]]


@pytest.mark.parametrize("written, baseline, unit, target, direction, kind", [
    ("下降10%", "3.0", "%", 2.7, "<=", "level"),
    ("提高5个百分点", "90", "%", 95.0, ">=", "level"),
    ("年均增长8%以上", "10", "件/万人", 10 * 1.08 ** 5, ">=", "level"),
    ("比2020年增长20%", "1000", "件", 1200.0, ">=", "level"),
    ("累计下降13.5%", "0.5", "吨/万元", 0.5 * 0.865, "<=", "level"),
    ("翻一番", "〔1.89〕", "万户", 3.78, ">=", "cumulative"),
    ("增长控制在5%以内", "200", "件", None, None, None),  # 控制在: not a change as written here
    ("增长5%以内", "200", "件", 210.0, "<=", "level"),
])
def test_a_target_written_as_a_change_from_the_baseline(tmp_path, written, baseline, unit, target, direction, kind):
    """Plans write targets as a change from the 2020 baseline -- 下降10%, 提高5个百分点, 年均增长8%以上,
    比2020年增长20%, 翻一番 -- which were refused as no number. They are read from the baseline now
    (年均: compounded over the five years; a stock keeps its 〔〕), the words kept in target_written."""
    path = _plan_csv(tmp_path, f"指标名称,单位,2020年基期值,2025年目标值\n指标甲,{unit},{baseline},{written}\n")
    if target is None:
        with pytest.raises(mt.DataValidationError):
            mt.read_plan(path, region="鼎湖区")
        return
    row = mt.read_plan(path, region="鼎湖区").iloc[0]
    assert row["target"] == pytest.approx(target) and (row["direction"], row["kind"]) == (direction, kind)
    assert row["target_written"] == written


@pytest.mark.parametrize("row, why", [
    ("执业药师数,人/万人口,2020,4.4,提高2个百分点", "a % unit for 百分点"),
    ("投诉举报处理量,件,2020,1000,比2019年增长20%", "a year after 比 that is the baseline's"),
    ("知识产权质押融资,亿元,2020,〈0〉,增长20%", "not an increment's 〈〉"),
    ("每万人口发明专利拥有量,件/万人,,10,年均增长8%", "both years for 年均"),
    ("研发经费增长率,%,2020,8,增长10%", "a level, not a rate of change"),
])
def test_a_change_that_cannot_be_read_from_the_row_is_refused_with_what_it_needs(tmp_path, row, why):
    path = _plan_csv(tmp_path, "指标名称,单位,基期年,基期值,2025年目标值\n" + row + "\n")
    with pytest.raises(mt.DataValidationError, match="is read from the baseline") as err:
        mt.read_plan(path, region="鼎湖区")
    assert why in str(err.value)


def test_an_assessment_says_how_a_change_from_the_baseline_was_read(data_dir):
    """The Dinghu 药品抽检合格率 (baseline 98 %) with its target written 提高1个百分点: assessed against ≥ 99,
    and the note says so (SYNTHETIC history: 98 -> 99.2 by 2023)."""
    plan = pd.read_csv(data_dir / "dinghu_14th_fyp_plan.csv", dtype=str)
    plan.loc[plan["indicator"] == "drug_sampling_pass_rate", "target"] = "提高1个百分点"
    r = _assessed_pass_rate(mt.read_plan(plan))
    assert (r["target"], r["direction"], r["target_written"]) == (99.0, ">=", "提高1个百分点")
    assert r["note"].startswith("target '提高1个百分点' read as at least 99, from the baseline 98 (2020) "
                                "(目标按基期值换算为≥99评估)")


@pytest.mark.parametrize("written, unit, target, direction", [
    ("实现全覆盖", "%", 100.0, ">="), ("100%全覆盖", "%", 100.0, ">="), ("98%以上（含）", "%", 98.0, ">="),
    ("≥99（含）", "%", 99.0, ">="), ("零发生", "起", 0.0, "<="), ("0起", "起", 0.0, "<="),
])
def test_targets_plans_write_in_words_of_their_own(tmp_path, written, unit, target, direction):
    """实现全覆盖 (a share: every unit covered, ≥ 100), 零发生 (an event: none, ≤ 0) and 以上（含） (the figure
    included) were refused as no number."""
    path = _plan_csv(tmp_path, f"指标名称,单位,2020年基期值,2025年目标值\n指标甲,{unit},50,{written}\n")
    row = mt.read_plan(path, region="鼎湖区").iloc[0]
    assert (row["target"], row["direction"]) == (target, direction)


def test_commitment_words_before_a_target_are_read_past():
    """力争 / 争取 / 确保 (strive to, make sure): plans write them before most targets (力争企业开办网办率达到97%);
    they were refused like 约. How firmly the plan means it does not change the figure; 约 is still refused."""
    assert parse_cell("力争达到97%") == Cell(97.0, "level", None)
    assert parse_cell("争取≥4.5") == Cell(4.5, "level", ">=")
    assert parse_cell("力争〔5〕") == Cell(5.0, "cumulative", None)
    assert parse_cell("确保零发生") == Cell(0.0, "level", "<=")
    assert parse_cell("力争控制在5以内") == Cell(5.0, "level", "<=")
    for approximate in ("约90", "力争90左右"):
        with pytest.raises(ValueError):
            parse_cell(approximate)


@pytest.mark.parametrize("written, unit, baseline, target, direction, kind, striven", [
    ("≥90%（力争95%）", "%", "88", 90.0, ">=", "level", 95.0),
    ("6%以上，力争7%", "%", "5", 6.0, ">=", "level", 7.0),
    ("确保95%、力争98%", "%", "93", 95.0, ">=", "level", 98.0),  # no sign: the two figures give it
    ("≤5%，力争4%", "%", "6", 5.0, "<=", "level", 4.0),
    ("〔3〕（力争〔3.5〕）", "万户", "〔1.89〕", 3.0, ">=", "cumulative", 3.5),
])
def test_a_target_with_a_striven_for_figure_is_assessed_at_the_firm_one(tmp_path, written, unit, baseline,
                                                                        target, direction, kind, striven):
    """确保95%、力争98% / 6%以上，力争7%: a firm target and a further one to strive for. The firm one is the
    target; the striven-for figure is kept (target_striven), and the words as written."""
    path = _plan_csv(tmp_path, f"指标名称,单位,2020年基期值,2025年目标值\n指标甲,{unit},{baseline},{written}\n")
    row = mt.read_plan(path, region="鼎湖区").iloc[0]
    assert (row["target"], row["direction"], row["kind"]) == (target, direction, kind)
    assert (row["target_striven"], row["target_written"]) == (striven, written)


@pytest.mark.parametrize("written", ["≥95%，力争90%", "95%（力争98万户）"])
def test_a_striven_for_figure_that_does_not_agree_with_the_firm_one_is_refused(tmp_path, written):
    path = _plan_csv(tmp_path, f"指标名称,单位,2020年基期值,2025年目标值\n指标甲,%,93,{written}\n")
    with pytest.raises(mt.DataValidationError, match="row 2, column '2025年目标值'"):
        mt.read_plan(path, region="鼎湖区")


def test_an_assessment_gives_the_chance_of_the_striven_for_figure_too(data_dir):
    """The Dinghu 药品抽检合格率 written ≥99%（力争99.5%）: p_meet is the chance of ≥ 99, p_striven of ≥ 99.5
    (lower), and the note and the report's paragraph say both (SYNTHETIC history: 98 -> 99.2 by 2023)."""
    plan = pd.read_csv(data_dir / "dinghu_14th_fyp_plan.csv", dtype=str)
    plan.loc[plan["indicator"] == "drug_sampling_pass_rate", "target"] = "≥99%（力争99.5%）"
    r = _assessed_pass_rate(mt.read_plan(plan))
    assert (r["target"], r["target_striven"], r["target_written"]) == (99.0, 99.5, "≥99%（力争99.5%）")
    assert 0 < r["p_striven"] < r["p_meet"]
    assert r["note"].startswith("target '≥99%（力争99.5%）' assessed at its firm figure, at least 99 (按确保值99评估)")
    assert f"striven-for target 99.5: probability {r['p_striven']:.2f} (力争值99.5，达到概率{r['p_striven']:.2f})" \
        in r["note"]
    report = build_report(pd.DataFrame([r]), lang="zh", date="2024-03-01")
    assert "力争目标实现概率" in report.headers()
    row = report.rows[0]
    assert f"力争目标（99.5%）的实现概率为{row.cells['p_striven'].text}。评价：" in row.narrative


def test_a_range_across_the_baseline_or_full_coverage_in_a_count_row_is_refused_saying_why(tmp_path):
    path = _plan_csv(tmp_path, "指标名称,单位,2020年基期值,2025年目标值\n指标甲,%,50,40-60\n指标乙,个,3,全覆盖\n")
    with pytest.raises(mt.DataValidationError) as err:
        mt.read_plan(path, region="鼎湖区")
    text = str(err.value)
    assert "'40-60'" in text and "both sides" in text
    assert "row 3" in text and "not a percentage" in text


def test_headers_spaced_out_for_alignment_or_wrapped_in_their_cell(tmp_path):
    """单  位 / 属  性 / 序  号 (spaced out to align, as Chinese tables set short headers) and 指标\\n名称 (a
    cell wrapped onto two lines) were not recognised: the plan was refused for a missing name column."""
    path = _plan_csv(tmp_path, '序  号,"指标\n名称",单  位,2020年 基期值,"2025年\n目标值",属  性\n'
                               "1,期末市场主体总量,万户,〔1.89〕,〔3.12〕,预期性\n2,药品抽检合格率,%,98,≥99,约束性\n")
    plan = mt.read_plan(path, region="鼎湖区")
    assert plan[["name", "unit", "baseline", "target", "attribute"]].values.tolist() == [
        ["期末市场主体总量", "万户", 1.89, 3.12, "expected"], ["药品抽检合格率", "%", 98.0, 99.0, "binding"]]
    history = tmp_path / "history.csv"
    history.write_text("年  份,指  标,数  值\n2021,企业年报率,91.5\n2022,企业年报率,92.6\n", encoding="utf-8")
    assert mt.read_history(history, region="鼎湖区")["value"].tolist() == [91.5, 92.6]


def test_a_share_kept_at_its_bound_reads_the_only_direction_it_has(tmp_path):
    """保持100% beside a baseline of 100 (and 0 kept at 0) was refused: "the target equals the baseline"."""
    path = _plan_csv(tmp_path, "指标名称,单位,2020年基期值,2025年目标值\n药品抽检合格率,%,100,保持100%\n"
                               "重大事故发生率,%,0,0\n覆盖率,%,95,95\n")
    with pytest.raises(mt.DataValidationError) as err:  # 95 kept at 95: either side, still asked
        mt.read_plan(path, region="鼎湖区")
    assert "row 4" in str(err.value) and "the target equals the baseline" in str(err.value)
    assert "row 2" not in str(err.value) and "row 3" not in str(err.value)
    path.write_text(path.read_text(encoding="utf-8").replace("覆盖率,%,95,95\n", ""), encoding="utf-8")
    plan = mt.read_plan(path, region="鼎湖区")
    assert plan["direction"].tolist() == [">=", "<="]
    assert plan["target"].tolist() == [100.0, 0.0]
