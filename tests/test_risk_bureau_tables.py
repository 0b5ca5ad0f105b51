"""A bureau's sampling table as kept in Excel -- a title row, 年度 | 食品大类 | 抽检批次 | 不合格批次, a 合计
row and a 注 row below -- is scored like the clean CSV of the same figures, and so is the same table in
a 抽检 notice's PDF. The figures are the real national food-sampling counts shipped in
data/china/food_sampling_by_category.csv.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from mstarget.risk import score

from bureau_files import write_table_pdf

DATA = Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv"


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    d = pd.read_csv(DATA)
    d = d[(d["region"] == "全国") & (d["category"] != "合计")]
    periods = sorted(d["period"].unique())[-2:]
    return d[d["period"].isin(periods)].reset_index(drop=True)


def _bureau_xlsx(d: pd.DataFrame, path: Path, *, bad=None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "抽检情况"
    ws.append(["全国食品安全监督抽检情况统计表"] + [None] * 3)
    ws.merge_cells("A1:D1")
    ws.append(["年度", "食品大类", "抽检批次", "不合格批次"])
    for r in d.itertuples():
        ws.append([r.period, r.category, int(r.tested), int(r.failed)])
    ws.append(["合计", None, int(d["tested"].sum()), int(d["failed"].sum())])
    ws.append(["注：数据来源于市场监管总局食品安全抽检公告。"])
    if bad:
        ws[bad[0]] = bad[1]
    wb.save(path)
    return path


def test_a_bureau_sampling_workbook_scores_as_the_clean_table(tmp_path, national):
    got = score(_bureau_xlsx(national, tmp_path / "抽检.xlsx"), by=["category"])
    want = score(national[["period", "category", "tested", "failed"]], by=["category"])
    cols = ["category", "tested", "failed", "risk", "rank"]
    pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), want[cols].reset_index(drop=True))
    assert got["tested"].sum() == national["tested"].sum()  # the 合计 row is not counted again


def test_a_bad_count_is_named_by_its_spreadsheet_row_and_header(tmp_path, national):
    path = _bureau_xlsx(national, tmp_path / "抽检.xlsx", bad=("D4", "约30"))
    out = subprocess.run([sys.executable, "-m", "mstarget", "risk", "score", "--samples", str(path),
                          "--by", "category", "--no-track", "--out", str(tmp_path / "r.csv")],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "抽检.xlsx, row 4, column '不合格批次': '约30'" in out.stderr
    assert not (tmp_path / "r.csv").exists()


def _notice_pdf(d: pd.DataFrame, path: Path) -> Path:
    """The same counts as a 抽检 notice's PDF attachment: a title line, then a ruled table running
    over pages with its header repeated on each."""
    rows = [["年度", "食品大类", "抽检批次", "不合格批次"]]
    rows += [[r.period, r.category, f"{int(r.tested):,}", str(int(r.failed))] for r in d.itertuples()]
    return write_table_pdf(path, rows, title="全国食品安全监督抽检情况统计表", repeat_rows=1)


def test_a_sampling_notice_pdf_scores_as_the_clean_table(tmp_path, national):
    """A table over two pages of a PDF (its header repeated, thousands written 1,234) is one table."""
    import pdfplumber

    path = _notice_pdf(national, tmp_path / "抽检公告.pdf")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
    got = score(path, by=["category"])
    want = score(national[["period", "category", "tested", "failed"]], by=["category"])
    cols = ["category", "tested", "failed", "risk", "rank"]
    pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), want[cols].reset_index(drop=True))


def _notice_csv(d: pd.DataFrame, path: Path, title: str | None) -> Path:
    """One period's rows as a notice prints them: maybe a title naming the period, no period column,
    序号 | 食品大类 | 抽检批次 | 不合格批次 | 不合格率, and a 合计 row written under 序号."""
    lines = ([f"{title},,,,"] if title else []) + ["序号,食品大类,抽检批次,不合格批次,不合格率"]
    lines += [f'{k},{r.category},"{int(r.tested):,}",{int(r.failed)},{r.failed / r.tested:.2%}'
              for k, r in enumerate(d.itertuples(), 1)]
    lines.append(f'合计,,"{int(d["tested"].sum()):,}",{int(d["failed"].sum())},')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_notice_table_without_a_period_column_is_one_period(tmp_path, national):
    """A 抽检 notice's table has no period column: the period is in its title (2022年…抽检情况), or
    nowhere. It was refused ("column 'period' missing"); it is scored as one period now -- the title's
    when it names one -- its 合计 row (under 序号, the category blank) left out, as the same rows with
    a period column are; a time-split evaluation still needs the periods and says so."""
    from mstarget.exceptions import DataValidationError
    from mstarget.risk import evaluate

    last = national[national["period"] == national["period"].max()].reset_index(drop=True)
    want = score(last[["period", "category", "tested", "failed"]], by=["category"])
    cols = ["category", "tested", "failed", "risk", "rank"]
    titled = score(_notice_csv(last, tmp_path / "titled.csv", "2022年全国食品安全监督抽检情况"), by=["category"])
    untitled = score(_notice_csv(last, tmp_path / "plain.csv", None), by=["category"])
    for got in (titled, untitled):
        pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), want[cols].reset_index(drop=True))
    assert titled.attrs["risk"]["periods"] == ["2022"] and untitled.attrs["risk"]["periods"] == ["all"]
    with pytest.raises(DataValidationError, match="column 'period': column missing; an evaluation splits"):
        evaluate(tmp_path / "plain.csv", train_until="2021")


@pytest.mark.parametrize("header", [
    "食品类别,抽检样品批次,不合格样品批次",
    "食品种类,抽检数量（批次）,不合格数量（批次）",
    "抽检类别,抽样检验批次数,发现不合格批次",
    "食品品种,监督抽检批次,不合格批次数",
])
def test_a_sampling_table_is_read_by_its_headers_words(tmp_path, national, header):
    """Notices word their headers in many ways (抽检样品批次, 抽样检验批次数, 发现不合格批次, 食品种类):
    these were refused for missing columns, or read as per-batch outcomes ('2': an outcome 0 or 1);
    a header is read by its words now -- a count with 不合格 is the unqualified batches, a sampling word
    with a count the batches tested, a kind (种类 / 类别) the category -- and scores as the clean table."""
    last = national[national["period"] == national["period"].max()].reset_index(drop=True)
    path = tmp_path / "notice.csv"
    path.write_text("2022年食品安全监督抽检情况,,\n" + header + "\n" + "".join(
        f'{r.category},"{int(r.tested):,}",{int(r.failed)}\n' for r in last.itertuples()), encoding="utf-8")
    got = score(path, by=["category"])
    want = score(last[["period", "category", "tested", "failed"]], by=["category"])
    cols = ["category", "tested", "failed", "risk", "rank"]
    pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), want[cols].reset_index(drop=True))


def test_words_that_are_no_count_of_batches_are_not_taken_for_one(tmp_path):
    """A rate (不合格率), a count of passes (合格批次) and, in per-batch records, the amount taken from a
    batch (抽样数量: 2kg) are not the batches tested: the records are read by their outcome, grouped by
    their 分类. (The records are SYNTHETIC.)"""
    from mstarget.risk.samples import guess_header

    assert [guess_header(k) for k in ("不合格率", "合格批次", "检验项目", "不合格项目", "样品名称")] == [None] * 5
    path = tmp_path / "records.csv"
    path.write_text("食品名称,分类,抽样数量,检验结论\n大米,粮食加工品,2kg,合格\n面粉,粮食加工品,2,不合格\n"
                    "酱油,调味品,3,合格\n", encoding="utf-8")
    got = score(path, by=["category"]).set_index("category")
    assert got.loc["粮食加工品", ["tested", "failed"]].tolist() == [2, 1]
    assert got.loc["调味品", ["tested", "failed"]].tolist() == [1, 0]


def test_per_batch_records_take_each_batch_s_quarter_from_its_sampling_date(tmp_path):
    """Per-batch records (检验结论 per batch) with their 抽样日期 written as dates of any common spelling: each
    batch counts in its quarter, so recent quarters weigh more; a 生产日期 (when the food was made) is no
    sampling date, and records with no sampling date are one period. (The records are SYNTHETIC.)"""
    rows = ["大米,粮食加工品,2022-12-01,2023-03-01,合格", "面粉,粮食加工品,2022-12-01,2023-05-02,不合格",
            "酱油,调味品,2023-01-01,2023年8月3日,合格", "醋,调味品,2023-01-01,2023/11/4,不合格"]
    path = tmp_path / "records.csv"
    path.write_text("食品名称,分类,生产日期,抽样日期,检验结论\n" + "\n".join(rows) + "\n", encoding="utf-8")
    got = score(path, by=["category"])
    assert got.attrs["risk"]["periods"] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert got.set_index("category").loc["调味品", ["tested", "failed"]].tolist() == [2, 1]
    undated = tmp_path / "undated.csv"
    undated.write_text("食品名称,分类,生产日期,检验结论\n" + "\n".join(r.rsplit(",", 2)[0] + "," + r.rsplit(",", 1)[1]
                                                         for r in rows) + "\n", encoding="utf-8")
    assert score(undated, by=["category"]).attrs["risk"]["periods"] == ["all"]
