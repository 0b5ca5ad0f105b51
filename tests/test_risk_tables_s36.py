"""Session 36 prober findings on reading a bureau's 抽检 workbook (defects 5 and 6):

5. a per-year 合计 row written under 序号 (年度 filled, 食品大类 blank) was refused as "a group name; this
   cell is empty"; 合计 under 年度, or under 序号 with 年度 blank, was dropped without a word;
6. the usual wide 统计表 with a two-row header (``2022年`` merged over ``抽检批次 | 不合格批次 | 不合格率``)
   was refused as "column 'tested': column missing", and the message was English and named no header.

Every workbook here is SYNTHETIC: built by the code below (seeded), laid out as a city bureau lays out
its 食品安全监督抽检情况统计表 (title row merged across, 填报单位 line, 序号 column, 注 line under the
table, merged header cells); no figure is real.
"""
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import DataValidationError, InconsistentDataWarning

# SYNTHETIC: category -> (failure rate, batches a year)
_CATS = {"粮食加工品": (0.01, 900), "肉制品": (0.015, 600), "饮料": (0.02, 500), "糕点": (0.02, 800),
         "蔬菜制品": (0.045, 380), "餐饮食品": (0.06, 1900)}
_YEARS = (2022, 2023, 2024)


def _counts(seed: int = 36) -> pd.DataFrame:
    """SYNTHETIC counts: one row per year and category (the reference every layout must read as)."""
    rng = np.random.default_rng(seed)
    rows = []
    for y in _YEARS:
        for c, (p, n) in _CATS.items():
            n_ = int(n * rng.uniform(0.8, 1.2))
            rows.append((str(y), c, n_, int(rng.binomial(n_, p))))
    return pd.DataFrame(rows, columns=["period", "category", "tested", "failed"])


def _long_book(path, counts: pd.DataFrame, *, total_under: str = "序号", year_on_total: bool = True,
               mistyped: int | None = None) -> list[int]:
    """A long 统计表 (序号 | 年度 | 食品大类 | 抽检批次 | 不合格批次 | 不合格率（%）) with a 合计 row after each
    year's rows, written under ``total_under``; ``mistyped``: that year's 合计 says 100 batches more.
    Returns the spreadsheet rows of the 合计 rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["XX市2022—2024年食品安全监督抽检情况统计表（合成数据）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    ws.append(["填报单位：XX市市场监督管理局", "", "", "", "单位：批次、%", ""])
    ws.append(["序号", "年度", "食品大类", "抽检批次", "不合格批次", "不合格率（%）"])
    totals, i = [], 0
    for y in _YEARS:
        s = counts[counts.period == str(y)]
        for r in s.itertuples():
            i += 1
            ws.append([i, y, r.category, r.tested, r.failed, round(100 * r.failed / r.tested, 2)])
        t, k = int(s.tested.sum()) + (100 if mistyped == y else 0), int(s.failed.sum())
        row = [None, y if year_on_total else None, None, t, k, round(100 * k / t, 2)]
        row[{"序号": 0, "年度": 1, "食品大类": 2}[total_under]] = "合计"
        ws.append(row)
        totals.append(ws.max_row)
    ws.append(["注：数据来源于国家食品安全抽样检验信息系统，不含风险监测。"])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
    wb.save(path)
    return totals


def _wide_book(path, counts: pd.DataFrame, *, measures=("抽检批次", "不合格批次", "不合格率")) -> int:
    """The wide 统计表: 序号 | 食品大类 merged down two rows, each year merged over its ``measures``,
    a 合计 row merged across 序号 and 食品大类. Returns the 合计 row's spreadsheet row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ncol = 2 + len(measures) * len(_YEARS)
    ws.append(["XX市食品安全监督抽检分类统计（2022—2024年）（合成数据）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    upper, lower = ["序号", "食品大类"], [None, None]
    for y in _YEARS:
        upper += [f"{y}年"] + [None] * (len(measures) - 1)
        lower += list(measures)
    ws.append(upper)
    ws.append(lower)
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    for j in range(len(_YEARS)):
        c = 3 + len(measures) * j
        ws.merge_cells(start_row=2, start_column=c, end_row=2, end_column=c + len(measures) - 1)
    for i, c in enumerate(_CATS, 1):
        row = [i, c]
        for y in _YEARS:
            r = counts[(counts.period == str(y)) & (counts.category == c)].iloc[0]
            row += [int(r.tested), int(r.failed), f"{100 * r.failed / r.tested:.2f}%"][:len(measures)]
        ws.append(row)
    row = ["合计", None]
    for y in _YEARS:
        s = counts[counts.period == str(y)]
        row += [int(s.tested.sum()), int(s.failed.sum()), f"{100 * s.failed.sum() / s.tested.sum():.2f}%"][
            :len(measures)]
    ws.append(row)
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
    wb.save(path)
    return ws.max_row


def _scored(source, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = mt.risk.score(source, by="category", **kw)
    return out, [str(w.message) for w in caught], caught


def _same_scores(got: pd.DataFrame, want: pd.DataFrame) -> None:
    cols = ["category", "tested", "failed", "risk", "rank"]
    pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), want[cols].reset_index(drop=True))


# ------------------------------------------------------------------------------------ defect 5
def test_a_years_total_under_xuhao_beside_its_year_is_read_as_that_years_total(tmp_path):
    counts = _counts()
    path = tmp_path / "long_total_under_xuhao.xlsx"
    totals = _long_book(path, counts)
    got, messages, _ = _scored(str(path))  # was: "row 8, column '食品大类': '': a group name; this cell is empty"
    _same_scores(got, _scored(counts)[0])
    said = [m for m in messages if "合计 under '序号'" in m]
    assert len(said) == 1 and f"rows {', '.join(map(str, totals))}" in said[0] and str(path) in said[0]


def test_a_years_total_under_xuhao_that_differs_from_its_rows_is_named_with_both_figures(tmp_path):
    counts = _counts()
    path = tmp_path / "long_total_mistyped.xlsx"
    totals = _long_book(path, counts, mistyped=2023)
    got, _, caught = _scored(str(path))
    _same_scores(got, _scored(counts)[0])  # the rows are scored, the total is not
    wrong = [w.message for w in caught if isinstance(w.message, InconsistentDataWarning)]
    s = counts[counts.period == "2023"]
    t, k = int(s.tested.sum()), int(s.failed.sum())
    assert len(wrong) == 1 and f"row {totals[1]} (2023 合计)" in str(wrong[0])
    assert f"{t + 100:,} tested / {k:,} unqualified" in str(wrong[0]) and f"{t:,} / {k:,}" in str(wrong[0])


def test_the_cli_reads_a_years_total_under_xuhao_and_says_so(tmp_path, capsys):
    counts = _counts()
    path = tmp_path / "long_total_under_xuhao.xlsx"
    totals = _long_book(path, counts)
    out = tmp_path / "scores.csv"
    assert main(["risk", "score", "--samples", str(path), "--out", str(out), "--no-track"]) == 0
    err = capsys.readouterr().err
    assert "合计 under '序号'" in err and f"rows {', '.join(map(str, totals))}" in err
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == len(_CATS)


def test_a_total_under_the_year_column_is_left_out_with_a_warning_giving_its_figures(tmp_path):
    counts = _counts()
    path = tmp_path / "long_total_under_year.xlsx"
    totals = _long_book(path, counts, total_under="年度")
    got, messages, _ = _scored(str(path))  # was: left out without a word
    _same_scores(got, _scored(counts)[0])
    said = [m for m in messages if "合计 under '年度'" in m]
    s = counts[counts.period == "2022"]
    assert len(said) == 1 and str(path) in said[0]
    assert f"row {totals[0]}: {int(s.tested.sum()):,} tested / {int(s.failed.sum()):,} unqualified, equal to " \
           f"the sum of the {len(_CATS)} rows it totals (rows 4–{totals[0] - 1})" in said[0]


def test_a_total_with_its_year_blank_is_left_out_with_a_warning_and_a_wrong_one_is_named(tmp_path):
    counts = _counts()
    path = tmp_path / "long_total_year_blank.xlsx"
    totals = _long_book(path, counts, year_on_total=False, mistyped=2024)
    got, messages, caught = _scored(str(path))  # was: left out without a word
    _same_scores(got, _scored(counts)[0])
    wrong = [w.message for w in caught if isinstance(w.message, InconsistentDataWarning)]
    assert len(wrong) == 1
    text = str(wrong[0])
    assert "合计 under '序号'" in text and f"rows {', '.join(map(str, totals))}" in text and "'年度' blank" in text
    s = counts[counts.period == "2024"]
    t, k = int(s.tested.sum()), int(s.failed.sum())
    assert f"row {totals[2]}: {t + 100:,} tested / {k:,} unqualified, but the {len(_CATS)} rows it totals " \
           f"(rows {totals[1] + 1}–{totals[2] - 1}) add up to {t:,} / {k:,}" in text
    assert [p.row for p in wrong[0].problems] == [totals[2]]


# ------------------------------------------------------------------------------------ defect 6
def test_a_wide_table_with_each_year_merged_over_its_counts_is_read_by_year(tmp_path):
    counts = _counts()
    path = tmp_path / "wide_two_row_header.xlsx"
    total_row = _wide_book(path, counts)
    got, messages, _ = _scored(str(path))  # was: "column 'tested': column missing"
    _same_scores(got, _scored(counts)[0])
    said = [m for m in messages if "合计 under '序号'" in m]
    assert len(said) == 1 and f"rows {total_row})" in said[0]  # one row of the file, not once per year
    table, _ = mt.risk.samples.load(str(path))
    assert sorted(set(table["period"])) == ["2022", "2023", "2024"]
    assert table.attrs["parts"][0][1]["tested"] == "2022年抽检批次"


def test_a_wide_table_with_each_count_merged_over_the_years_is_read_by_year(tmp_path):
    counts = _counts()
    path = tmp_path / "wide_counts_over_years.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["XX市食品安全监督抽检分类统计（合成数据）"])
    ws.merge_cells("A1:H1")
    ws.append(["序号", "食品大类", "抽检批次", None, None, "不合格批次", None, None])
    ws.append([None, None] + [f"{y}年" for y in _YEARS] * 2)
    for rng in ("A2:A3", "B2:B3", "C2:E2", "F2:H2"):
        ws.merge_cells(rng)
    for i, c in enumerate(_CATS, 1):
        s = counts[counts.category == c].set_index("period")
        ws.append([i, c] + [int(s.loc[str(y), "tested"]) for y in _YEARS]
                  + [int(s.loc[str(y), "failed"]) for y in _YEARS])
    wb.save(path)
    got, _, _ = _scored(str(path))
    _same_scores(got, _scored(counts)[0])


def test_missing_counts_are_said_in_chinese_naming_the_headers_found(tmp_path):
    path = tmp_path / "wide_unknown_measures.xlsx"
    _wide_book(path, _counts(), measures=("样品数", "问题数"))
    with pytest.raises(DataValidationError) as exc:
        mt.risk.score(str(path), by="category")
    text = str(exc.value)
    assert "需要“抽检批次”和“不合格批次”列" in text
    assert "the table has: 序号, 食品大类, 2022年" in text and "column 'tested'" not in text
