"""Session 39: the sampling plan's outputs and messages -- the plan chart's 依据 line fits the figure, the
scores workbook is readable (Chinese headers, formats, widths) and still read back, a negative floor is
refused as the API refuses it (not looked up as a column), a share cap below 1 % is printed with its digits,
and a district missing a whole period is named. Tables here are SYNTHETIC."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main

CATS = {"粮食加工品": 0.01, "肉制品": 0.02, "餐饮食品": 0.05, "食用农产品": 0.04, "蔬菜制品": 0.03, "饮料": 0.015,
        "食用油、油脂及其制品": 0.02, "淀粉及淀粉制品": 0.03}
DISTRICTS = ("城东区", "城西区", "江南区", "江北区", "高新区", "青溪县")
QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2")


def _table(skip=(("青溪县", "2025Q3"),), seed=3) -> pd.DataFrame:
    """A synthetic district table: 季度 | 区县 | 食品大类 | 抽检批次 | 不合格批次; ``skip``: (district, quarter)
    left out entirely."""
    rng = np.random.default_rng(seed)
    rows = []
    for q in QUARTERS:
        for d in DISTRICTS:
            if (d, q) in skip:
                continue
            for c, p in CATS.items():
                n = int(rng.integers(20, 60))
                rows.append((q, d, c, n, int(rng.binomial(n, p))))
    return pd.DataFrame(rows, columns=["季度", "区县", "食品大类", "抽检批次", "不合格批次"])


@pytest.fixture()
def scores_csv(tmp_path, capsys):
    src = tmp_path / "samples.csv"
    _table().to_csv(src, index=False)
    out = tmp_path / "scores.csv"
    assert main(["risk", "score", "--samples", str(src), "--by", "食品大类,区县", "--out", str(out),
                 "--no-track"]) == 0
    capsys.readouterr()
    return out


# ----------------------------------------------------------------------------- 1. the chart's 依据 line
def _texts_outside(fig) -> list[str]:
    """Titles, axis labels and the tick labels drawn whose extent (as rendered) leaves the figure."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    texts = [fig._suptitle] if fig._suptitle is not None else []
    for ax in fig.axes:
        texts += [ax.title, ax.xaxis.label, ax.yaxis.label]
        lo, hi = ax.get_ylim()
        texts += [t.label1 for t in ax.yaxis.get_major_ticks() if min(lo, hi) <= t.get_loc() <= max(lo, hi)]
        lo, hi = ax.get_xlim()
        texts += [t.label1 for t in ax.xaxis.get_major_ticks() if min(lo, hi) <= t.get_loc() <= max(lo, hi)]
    out = []
    for t in texts:
        if not t.get_visible() or not str(t.get_text()).strip():
            continue
        e = t.get_window_extent(renderer)
        if e.x0 < box.x0 - 1 or e.x1 > box.x1 + 1 or e.y0 < box.y0 - 1 or e.y1 > box.y1 + 1:
            out.append(t.get_text())
    assert texts and fig.get_tightbbox(renderer).width <= fig.get_figwidth() + 0.02  # inches: nothing wider
    return out


def test_plan_chart_basis_line_fits_the_figure_and_is_whole(scores_csv, tmp_path, capsys, monkeypatch):
    import mstarget.risk.plot as plot

    figs = []
    real = plot.plot_allocation
    monkeypatch.setattr(plot, "plot_allocation", lambda *a, **k: figs.append(real(*a, **k)) or figs[-1])
    chart = tmp_path / "plan.png"
    assert main(["risk", "allocate", "--scores", str(scores_csv), "--budget", "3000", "--plan-period", "2027Q1",
                 "--region", "某某市（合成数据）", "--chart", str(chart), "--no-track"]) == 0
    basis = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("依据 basis："))
    assert chart.exists() and figs
    fig = figs[0]
    assert _texts_outside(fig) == []
    title = fig._suptitle.get_text()
    assert basis[len("依据 basis："):] in title.replace("\n", "")  # the whole basis, only broken into lines
    assert "显示批次最多的40组（共48组" in title


def test_risk_chart_long_title_fits_the_figure():
    from mstarget.risk.plot import plot_risk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = mt.risk.score(_table().rename(columns={"季度": "period"}), by=["食品大类", "区县"])
    region = "某某省某某市某某区市场监督管理局食品安全抽检监测（合成数据，仅供测试）" * 2
    fig = plot_risk(scores, region=region)
    assert _texts_outside(fig) == []
    assert region in fig.axes[0].get_title().replace("\n", "")


# ----------------------------------------------------------------------------- 2. the scores workbook
def test_scores_workbook_has_a_readable_chinese_sheet_and_is_read_back(tmp_path, capsys):
    import openpyxl

    src = tmp_path / "samples.csv"
    _table().to_csv(src, index=False)
    xlsx, csv = tmp_path / "scores.xlsx", tmp_path / "scores.csv"
    for out in (xlsx, csv):
        assert main(["risk", "score", "--samples", str(src), "--by", "食品大类,区县", "--out", str(out),
                     "--no-track"]) == 0
    capsys.readouterr()
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["风险评分 scores", "风险评分（中文）"]
    data = book["风险评分 scores"]
    header = [c.value for c in data[1]]
    assert header[:4] == ["食品大类", "区县", "tested", "failed"]  # the documented names, for scripts
    col = {h: i for i, h in enumerate(header)}
    assert data[2][col["prior_weight"]].number_format == "#,##0"  # weights rounded on screen
    assert data[2][col["risk"]].number_format == "0.00%"
    assert data.column_dimensions["A"].width >= 20  # 食品油、油脂及其制品 fits
    sheet = book["风险评分（中文）"]
    zh = [c.value for c in sheet[1]]
    assert zh[:6] == ["排名", "食品大类", "区县", "抽检批次", "不合格批次", "原始不合格率"]
    assert "风险（单批不合格概率）" in zh and "说明" in zh
    assert sheet.cell(row=2, column=1).value == 1  # by rank
    assert sheet.cell(row=2, column=zh.index("风险（单批不合格概率）") + 1).number_format == "0.00%"
    assert sheet.column_dimensions[sheet.cell(row=1, column=zh.index("说明") + 1).column_letter].width >= 40
    n = len(pd.read_csv(csv))
    total = [c.value for c in sheet[n + 2]]
    assert total[0] == "合计" and total[3] == int(pd.read_csv(csv)["tested"].sum())
    assert str(sheet.cell(row=n + 4, column=1).value).startswith("抽检不合格风险")  # the scope under the table
    # still read back by allocate (its first sheet), the same plan as from the CSV
    plans = []
    for path in (xlsx, csv):
        out = tmp_path / f"plan_{path.suffix[1:]}.csv"
        assert main(["risk", "allocate", "--scores", str(path), "--budget", "3000", "--out", str(out),
                     "--no-track"]) == 0
        plans.append(pd.read_csv(out))
    capsys.readouterr()
    assert plans[0]["batches"].tolist() == plans[1]["batches"].tolist()


# ----------------------------------------------------------------------------- 3. a negative floor
@pytest.mark.parametrize("value, why", [("-1", "cannot be negative"), ("2.5", "decimals")])
def test_negative_or_fractional_floor_is_refused_as_batches(scores_csv, capsys, value, why):
    code = main(["risk", "allocate", "--scores", str(scores_csv), "--budget", "3000", f"--min-per-group={value}",
                 "--no-track"])
    err = capsys.readouterr().err
    assert code != 0
    assert "whole numbers of batches >= 0" in err and f"Got {value}" in err and why in err
    assert "there is none called" not in err


def test_unknown_floor_column_lists_the_headers_as_written(scores_csv, capsys):
    code = main(["risk", "allocate", "--scores", str(scores_csv), "--budget", "3000", "--min-per-group=下限",
                 "--no-track"])
    err = capsys.readouterr().err
    assert code != 0
    assert "The scores have: 食品大类, 区县, tested" in err


# ----------------------------------------------------------------------------- 4. a share cap below 1 %
def test_small_share_cap_is_printed_with_its_digits(scores_csv, capsys):
    assert main(["risk", "allocate", "--scores", str(scores_csv), "--budget", "3000", "--max-share", "0.001",
                 "--no-track"]) == 0
    cap = capsys.readouterr()
    head = cap.out.splitlines()[0]
    assert "所设 0.1% 分不完预算" in head and "所设 0%" not in head
    assert "48 x 0.1% = 4.8% of it" in cap.out


# ----------------------------------------------------------------------------- 5. a district missing a quarter
def test_district_missing_a_whole_quarter_is_warned():
    with pytest.warns(UserWarning, match=r"青溪县：2025Q3 无任何数据（其他区县均有），是否漏报？"):
        scores = mt.risk.score(_table().rename(columns={"季度": "period"}), by=["食品大类", "区县"])
    assert scores.attrs["risk"]["missing_places"] == [
        {"column": "区县", "place": "青溪县", "periods": ["2025Q3"], "others": 5, "of": 5}]


def test_sparse_category_or_new_district_is_not_warned_as_missing():
    df = _table(skip=()).rename(columns={"季度": "period"})
    df = df[~((df["食品大类"] == "饮料") & (df["period"] == "2025Q3"))]  # a category with no batch: ordinary
    df = df[~((df["区县"] == "青溪县") & (df["period"].isin(["2025Q1", "2025Q2"])))]  # a district new in 2025Q3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = mt.risk.score(df, by=["食品大类", "区县"])
    assert not [w for w in caught if "漏报" in str(w.message)]
    assert scores.attrs["risk"]["missing_places"] == []


def test_cli_score_names_the_missing_district(tmp_path, capsys):
    src = tmp_path / "samples.csv"
    _table().to_csv(src, index=False)
    assert main(["risk", "score", "--samples", str(src), "--by", "食品大类,区县", "--no-track"]) == 0
    assert "青溪县：2025Q3 无任何数据（其他区县均有），是否漏报？" in capsys.readouterr().err
