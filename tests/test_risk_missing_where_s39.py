"""Session 39: the missing-return warning (是否漏报？) and the early-stop warning (no counts in the later periods)
say the same whatever ``--where`` kept and whatever the ``--by`` order. Tables here are SYNTHETIC."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main

QUARTERS = tuple(f"{y}Q{q}" for y in (2023, 2024, 2025) for q in (1, 2, 3, 4))
DISTRICTS = ("端州区", "鼎湖区", "高要区", "四会市")
CATS = ("粮食加工品", "肉制品", "乳制品")


@pytest.fixture
def counts(tmp_path):
    """四会市 has no row at all in 2025Q2; 高要区 sampled no 乳制品 from 2025Q1 on; 鼎湖区 no 乳制品 in 2025Q2."""
    rng = np.random.default_rng(1)
    rows = []
    for q in QUARTERS:
        for d in DISTRICTS:
            for c in CATS:
                if (d == "四会市" and q == "2025Q2") or (d == "高要区" and c == "乳制品" and q >= "2025Q1") \
                        or (d == "鼎湖区" and c == "乳制品" and q == "2025Q2"):
                    continue
                n = int(rng.integers(20, 80))
                rows.append((d, q, c, n, int(rng.binomial(n, 0.03))))
    src = tmp_path / "counts.csv"
    pd.DataFrame(rows, columns=["区县", "期间", "食品大类", "抽检批次", "不合格批次"]).to_csv(src, index=False)
    return src


@pytest.mark.parametrize("cat", ["肉制品", "乳制品"])
def test_district_with_no_return_is_named_whatever_category_where_keeps(counts, cat, capsys):
    """乳制品 in 2025Q2: only 端州区 of the other three sampled it, yet 四会市 sent no return at all that quarter."""
    assert main(["risk", "score", "--samples", str(counts), "--by", "食品大类,区县", "--where", f"食品大类={cat}",
                 "--no-track"]) == 0
    err = capsys.readouterr().err
    assert "四会市：2025Q2 无任何数据（其他区县均有），是否漏报？" in err
    assert "鼎湖区：" not in err and "高要区：" not in err  # they sent returns (other categories)


def test_where_on_a_place_does_not_name_other_places(counts, capsys):
    assert main(["risk", "score", "--samples", str(counts), "--by", "食品大类", "--where", "区县=端州区",
                 "--no-track"]) == 0
    assert "漏报" not in capsys.readouterr().err


def test_as_of_before_the_gap_names_no_missing_return(counts, capsys):
    assert main(["risk", "score", "--samples", str(counts), "--by", "区县", "--where", "食品大类=乳制品",
                 "--as-of", "2025Q1", "--no-track"]) == 0
    assert "漏报" not in capsys.readouterr().err


@pytest.mark.parametrize("by", ["区县,食品大类", "食品大类,区县"])
def test_category_a_district_stopped_is_named_in_either_by_order(counts, by, capsys):
    assert main(["risk", "score", "--samples", str(counts), "--by", by, "--where", "食品大类=乳制品",
                 "--no-track"]) == 0
    err = capsys.readouterr().err
    assert "no counts in the later periods" in err and "高要区" in err and "(last 2024Q4)" in err


@pytest.mark.parametrize("by", [["区县", "食品大类"], ["食品大类", "区县"]])
def test_renamed_category_is_asked_about_in_either_by_order(by):
    rng = np.random.default_rng(3)
    rows = []
    for q in QUARTERS:
        for d in DISTRICTS:
            for c in ("粮食加工品", "肉制品"):
                c = "粮食及粮食制品" if c == "粮食加工品" and q >= "2025Q1" else c
                n = int(rng.integers(20, 80))
                rows.append((q, d, c, n, int(rng.binomial(n, 0.03))))
    df = pd.DataFrame(rows, columns=["period", "区县", "食品大类", "抽检批次", "不合格批次"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = mt.risk.score(df, by=by)
    said = [str(w.message) for w in caught if "later periods" in str(w.message)]
    assert len(said) == 1 and "did you mean 粮食及粮食制品 (from 2025Q1)?" in said[0]
    assert len(scores.attrs["risk"]["stale"]) == 4


def test_a_place_gone_and_another_missing_a_quarter_are_both_said(tmp_path, capsys):
    """高要区 sends nothing from 2025Q2 on and 四会市 nothing in 2025Q3: with two of four places absent in 2025Q3 the
    others' share fell under the threshold, so 高要区 read '2025Q2、2025Q4 是否漏报' (not gone) and 四会市 was not named."""
    rng = np.random.default_rng(2)
    rows = []
    for q in QUARTERS:
        for d in DISTRICTS:
            if (d == "高要区" and q >= "2025Q2") or (d == "四会市" and q == "2025Q3"):
                continue
            for c in CATS:
                n = int(rng.integers(20, 80))
                rows.append((d, q, c, n, int(rng.binomial(n, 0.03))))
    src = tmp_path / "gone.csv"
    pd.DataFrame(rows, columns=["区县", "期间", "食品大类", "抽检批次", "不合格批次"]).to_csv(src, index=False)
    assert main(["risk", "score", "--samples", str(src), "--by", "区县,食品大类", "--no-track"]) == 0
    err = capsys.readouterr().err
    assert "高要区：自2025Q2起无数据" in err and "四会市：2025Q3 无任何数据" in err
    assert "高要区：2025Q2、" not in err


def test_region_keeps_its_rows_of_a_table_by_district_and_says_when_it_cannot(counts, capsys):
    """--region 四会市 on a table whose place column is 区县 (no 地区 column) labelled the scores 四会市 but added up
    all four districts, without a word."""
    df = pd.read_csv(counts)
    mine = df[df["区县"] == "四会市"]
    assert main(["risk", "score", "--samples", str(counts), "--by", "食品大类", "--region", "四会市",
                 "--no-track"]) == 0
    out = capsys.readouterr().out
    meat = mine.loc[mine["食品大类"] == "肉制品", "抽检批次"].sum()
    assert f"{meat:,}" in out or f" {meat} " in out  # 四会市's own 肉制品 batches, not the four districts'
    assert main(["risk", "score", "--samples", str(counts), "--by", "食品大类", "--region", "鼎湖新区",
                 "--no-track"]) == 0
    assert "--region 鼎湖新区 names the table, but its column '区县' holds 4 places" in capsys.readouterr().err
