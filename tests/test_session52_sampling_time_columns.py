"""A sampling table whose period column is headed 抽检时间 / 报告期 / 所属期间 (session 52).

Bureaus head the period of a summary table in many ways. Before, only 年度 / 期间 / 时间 and a few others were
read: a table headed 抽检时间 | 食品大类 | 抽检批次 | 不合格批次 was refused ("no period the tool recognises"), and
under a title naming a year (2022年食品安全监督抽检情况表) every row -- the 2021 ones too -- was silently counted in
2022. Now a column headed by when (抽检时间, 报告期, 所属期间, 监测时间, 时段) whose every cell is a period is the
period column; per-batch records' 抽检时间 holding full dates are read as sampling dates, as 抽样日期 is; and a title's
single period beside a column of other periods is refused, naming the column.

Figures: the national food-sampling results by category (data/china/food_sampling_by_category.csv, real, 全国,
2019H2 and 2022), laid out by code in the ways bureaus publish them.
"""
from __future__ import annotations

import random
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

import mstarget as mt
from mstarget.exceptions import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
REAL = pd.read_csv(ROOT / "data" / "china" / "food_sampling_by_category.csv")
REAL = REAL[REAL["period"].isin(["2019H2", "2022"]) & (REAL["category"] != "合计") & (REAL["region"] == "全国")]
WRITTEN = {"2019H2": "2019年下半年", "2022": "2022年"}


def _score(source, by, as_of=2022):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.score(source, by=by, as_of=as_of)


def _typed(as_of=2022) -> pd.DataFrame:
    return _score(REAL[["period", "category", "tested", "failed"]], ["category"], as_of).set_index("category")


@pytest.mark.parametrize("header", ["抽检时间", "抽样时间", "报告期", "所属期间", "监测时间", "时段"])
@pytest.mark.parametrize("as_of", [2019, 2022])
def test_a_summary_whose_period_is_headed_by_when_is_read_as_the_typed_table(tmp_path, header, as_of):
    rows = [f"{header},食品大类,抽检批次,不合格批次"] + [
        f"{WRITTEN[p]},{c},{t},{f}" for p, c, t, f in REAL[["period", "category", "tested", "failed"]].itertuples(index=False)]
    path = tmp_path / "抽检情况.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = _score(path, ["食品大类"], as_of).set_index("食品大类")
    want = _typed(as_of)
    assert sorted(got.index) == sorted(want.index)
    got = got.loc[want.index]
    assert got["tested"].tolist() == want["tested"].tolist() and got["failed"].tolist() == want["failed"].tolist()
    assert np.allclose(got["risk"], want["risk"])


def test_per_batch_records_with_a_sampling_time_of_full_dates_are_read_as_sampling_dates(tmp_path):
    """抽检时间 | 2022-05-03 in per-batch records: each batch in its quarter, as under 抽样日期."""
    dates = ["2022-05-03", "2022-06-01", "2022-08-09", "2022-11-02"] * 3
    kinds = ["粮食加工品", "粮食加工品", "乳制品", "乳制品"] * 3
    outcome = ["合格", "不合格", "合格", "合格"] * 3
    scores = {}
    for head in ("抽检时间", "抽样日期"):
        path = tmp_path / f"{head}.csv"
        pd.DataFrame({head: dates, "食品大类": kinds, "检验结论": outcome}).to_csv(path, index=False)
        scores[head] = _score(path, ["食品大类"]).set_index("食品大类")[["tested", "failed", "risk"]]
    pd.testing.assert_frame_equal(scores["抽检时间"], scores["抽样日期"])
    assert scores["抽检时间"].loc["粮食加工品", "failed"] == 3


def test_a_title_naming_one_year_leaves_each_row_its_own_period(tmp_path):
    """2022年…抽检情况表 over 报告期 | 2021年 ... 2022年: as of 2021 only the 2021 rows count (before, every row was
    read as 2022 and the table was refused as having nothing up to 2021)."""
    path = tmp_path / "t.csv"
    path.write_text("2022年食品安全监督抽检情况表\n报告期,食品大类,抽检批次,不合格批次\n2021年,粮食加工品,100,3\n"
                    "2021年,乳制品,80,1\n2022年,粮食加工品,120,2\n2022年,乳制品,90,4\n", encoding="utf-8")
    got = _score(path, ["食品大类"], as_of=2021).set_index("食品大类")
    assert got.loc["粮食加工品", "tested"] == 100 and got.loc["乳制品", "tested"] == 80


def test_a_title_naming_one_year_beside_a_column_of_other_periods_is_refused(tmp_path):
    """A column not headed by when (轮次) holding 2021年 / 2022年 under a 2022 title: which is the period? Refused,
    naming the column and the fix, rather than adding up the batches of two years."""
    path = tmp_path / "t.csv"
    path.write_text("2022年食品安全监督抽检情况表\n轮次,食品大类,抽检批次,不合格批次\n2021年,粮食加工品,100,3\n"
                    "2021年,乳制品,80,1\n2022年,粮食加工品,120,2\n2022年,乳制品,90,4\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        _score(path, ["食品大类"])
    said = str(err.value)
    assert "column '轮次'" in said and "2021年, 2022年" in said and "期间" in said


def test_a_production_year_under_a_title_is_summed_in_the_titles_period(tmp_path):
    """生产年份 says when the food was made, not sampled: under a 2022 title every row is 2022's."""
    path = tmp_path / "t.csv"
    path.write_text("2022年食品安全监督抽检情况表\n生产年份,食品大类,抽检批次,不合格批次\n2021年,粮食加工品,100,3\n"
                    "2022年,粮食加工品,120,2\n2021年,乳制品,80,1\n2022年,乳制品,90,4\n", encoding="utf-8")
    got = _score(path, ["食品大类"]).set_index("食品大类")
    assert got.loc["粮食加工品", "tested"] == 220 and got.loc["乳制品", "failed"] == 5


def _layout(rng: random.Random, tmp_path: Path, k: int) -> tuple[Path, str]:
    """A generated bureau layout of the real figures: period as a column (headed many ways, written 2022 / 2022年 /
    2022年度, on every row or once at the top of its rows) or as the sheets' names; Chinese headers; an optional 序号, 不合格率（%）, 合计 row, title line and
    thousands separators; CSV or workbook."""
    period_style = rng.choice(["int", "nian", "niandu", "sheet"])
    when = rng.choice(["抽检时间", "年度", "期间", "报告期", "所属期间"])
    cat, tested, failed = rng.choice([("食品大类", "抽检批次", "不合格批次"), ("食品类别", "抽检数量（批次）", "不合格数量（批次）"),
                                      ("类别", "检验批次", "不合格样品批次"), ("食品种类", "抽样批次", "不合格批次数")])
    rate, serial, title, comma = (rng.random() < 0.5 for _ in range(4))
    once = period_style != "sheet" and rng.random() < 0.3  # the period on its first row only (a merged cell)
    total = rng.choice([None, "top", "bottom"])
    fmt = "xlsx" if period_style == "sheet" else rng.choice(["csv", "xlsx"])
    number = (lambda v: f"{v:,}") if comma else str
    pieces = []
    for period, g in REAL.groupby("period"):
        label = {"int": period, "nian": WRITTEN[period], "niandu": WRITTEN[period].replace("年", "年度", 1)
                 if "H" not in period else WRITTEN[period], "sheet": WRITTEN[period]}[period_style]
        lead = [] if period_style == "sheet" else [label]
        body = [lead + ([str(i)] if serial else []) + [c, number(int(t)), number(int(f))]
                + ([f"{100 * f / t:.2f}"] if rate else [])
                for i, (c, t, f) in enumerate(zip(g["category"], g["tested"], g["failed"]), start=1)]
        tot = lead + ([""] if serial else []) + ["合计", number(int(g["tested"].sum())), number(int(g["failed"].sum()))] \
            + ([f"{100 * g['failed'].sum() / g['tested'].sum():.2f}"] if rate else [])
        body = [tot] + body if total == "top" else body + [tot] if total == "bottom" else body
        if once:
            body = [body[0]] + [[""] + r[1:] for r in body[1:]]
        pieces.append((label, body))
    head = ([] if period_style == "sheet" else [when]) + (["序号"] if serial else []) + [cat, tested, failed] \
        + (["不合格率（%）"] if rate else [])
    path = tmp_path / f"layout_{k}.{fmt}"
    if fmt == "csv":
        lines = (["食品安全监督抽检情况表"] if title else []) + [",".join(head)] + \
            [",".join(f'"{c}"' if "," in c else c for c in r) for _, body in pieces for r in body]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    else:
        book = Workbook()
        book.remove(book.active)
        sheets = pieces if period_style == "sheet" else [("Sheet1", [r for _, body in pieces for r in body])]
        for name, body in sheets:
            sheet = book.create_sheet(name)
            if title:
                sheet.append(["食品安全监督抽检情况表"])
            sheet.append(head)
            for r in body:
                sheet.append(r)
        book.save(path)
    return path, cat


def test_generated_bureau_layouts_of_the_real_figures_read_as_the_typed_table(tmp_path):
    """80 layouts (seeded): every one gives the typed table's counts and risks. Before this session, the layouts
    headed 抽检时间 / 报告期 / 所属期间 were refused, under a title read with every row in one period, and those with
    the period written once per group refused. (A run of 300 such layouts as a script: 0 misread, 0 refused.)"""
    rng = random.Random(52)
    want = _typed()
    for k in range(80):
        path, cat = _layout(rng, tmp_path, k)
        got = _score(path, [cat]).set_index(cat).reindex(want.index)
        assert got["tested"].tolist() == want["tested"].tolist(), path.name
        assert got["failed"].tolist() == want["failed"].tolist(), path.name
        assert np.allclose(got["risk"], want["risk"]), path.name


def _once(tmp_path, periods_shown) -> Path:
    """The real table with its period column as ``periods_shown`` (one text per row) writes it."""
    table = REAL[["period", "category", "tested", "failed"]].reset_index(drop=True)
    rows = ["期间,食品大类,抽检批次,不合格批次"] + [f"{p},{c},{t},{f}" for p, (c, t, f) in
                                               zip(periods_shown, table[["category", "tested", "failed"]].itertuples(index=False))]
    path = tmp_path / "once.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_period_written_once_at_the_top_of_its_rows_is_read_for_each_of_them(tmp_path):
    """期间 | 食品大类 ... with 2019年下半年 on its first row and blanks below, as a merged cell saved as CSV: read as
    the typed table, with a warning naming the rows filled (before: one refusal per blank cell)."""
    periods = REAL["period"].map(WRITTEN).tolist()
    shown = [p if k == 0 or p != periods[k - 1] else "" for k, p in enumerate(periods)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = mt.risk.score(_once(tmp_path, shown), by=["食品大类"], as_of=2022).set_index("食品大类")
    want = _typed()
    got = got.loc[want.index]
    assert got["tested"].tolist() == want["tested"].tolist() and np.allclose(got["risk"], want["risk"])
    said = " ".join(str(w.message) for w in caught)
    assert "column '期间' writes each value once at the top of its rows" in said and "rows 3, 4, 5" in said


def test_a_period_left_blank_on_some_rows_of_a_repeated_period_stays_refused(tmp_path):
    """2022年 written on most rows and blank on one: not the written-once layout; the blank is refused, not guessed."""
    shown = REAL["period"].map(WRITTEN).tolist()
    shown[5] = ""
    with pytest.raises(DataValidationError) as err:
        _score(_once(tmp_path, shown), ["食品大类"])
    assert "row 7, column '期间': '': unknown period format" in str(err.value)


def test_a_category_written_once_over_its_subcategories_is_read_for_each(tmp_path):
    """年度 | 食品大类 | 食品亚类 | 抽检批次 | 不合格批次 with 食品大类 (and 年度) on each group's first row only, as a
    merged cell saved as CSV (counts SYNTHETIC): scored by 食品大类 and by both columns, as the filled table is.
    Before: "a group name; this cell is empty" for each blank."""
    once = tmp_path / "once.csv"
    once.write_text("年度,食品大类,食品亚类,抽检批次,不合格批次\n2022,粮食加工品,大米,100,2\n,,小麦粉,80,1\n"
                    ",乳制品,液体乳,90,0\n,,乳粉,50,1\n", encoding="utf-8")
    full = tmp_path / "full.csv"
    full.write_text("年度,食品大类,食品亚类,抽检批次,不合格批次\n2022,粮食加工品,大米,100,2\n2022,粮食加工品,小麦粉,80,1\n"
                    "2022,乳制品,液体乳,90,0\n2022,乳制品,乳粉,50,1\n", encoding="utf-8")
    for by in (["食品大类"], ["食品大类", "食品亚类"]):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = mt.risk.score(once, by=by, as_of=2022)
        pd.testing.assert_frame_equal(got, _score(full, by))
        assert any("column '食品大类' writes each value once" in str(w.message) for w in caught)


def test_blank_cells_of_records_and_of_a_rate_column_are_not_read_down(tmp_path):
    """A batch's record with its 食品大类 blank is that batch's (refused, as before), and a 不合格率 column blank on
    some rows is no name written once: the counts stay those written (SYNTHETIC)."""
    records = tmp_path / "records.csv"
    records.write_text("抽样日期,食品大类,检验结论\n2022-03-01,粮食加工品,合格\n2022-03-02,,不合格\n"
                       "2022-03-03,乳制品,合格\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        _score(records, ["食品大类"])
    assert "row 3, column '食品大类': '': a group name; this cell is empty" in str(err.value)
    rates = tmp_path / "rates.csv"
    rates.write_text("年度,食品大类,抽检批次,不合格批次,不合格率（%）\n2022,粮食加工品,100,2,2.00\n2022,乳制品,90,0,\n"
                     "2022,酒类,50,1,\n", encoding="utf-8")
    got = _score(rates, ["食品大类"]).set_index("食品大类")
    assert got.loc["乳制品", "failed"] == 0 and got.loc["酒类", "failed"] == 1


def test_a_groups_total_row_is_not_given_the_category_above(tmp_path):
    """年度 | 食品大类 | 食品亚类 ... with a 小计 row closing each 大类 (its 食品大类 blank, its 食品亚类 小计): the written-once
    reading fills the sub-categories' rows, never the 小计 row, which is left out as a subtotal (counts SYNTHETIC)."""
    path = tmp_path / "sub.csv"
    path.write_text("年度,食品大类,食品亚类,抽检批次,不合格批次\n2022,粮食加工品,大米,100,2\n,,小麦粉,80,1\n,,小计,180,3\n"
                    ",乳制品,液体乳,90,0\n,,乳粉,50,1\n,,小计,140,1\n", encoding="utf-8")
    got = _score(path, ["食品大类", "食品亚类"]).set_index(["食品大类", "食品亚类"])
    assert sorted(got.index) == [("乳制品", "乳粉"), ("乳制品", "液体乳"), ("粮食加工品", "大米"), ("粮食加工品", "小麦粉")]
    assert got["tested"].sum() == 320
