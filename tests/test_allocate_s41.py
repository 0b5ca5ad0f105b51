"""Session 41 (fixer RF1): the plan's headline, floors / caps per district or category, a workbook to hand out,
and the pooled-programmes caveat carried from 'risk score --out' into 'risk allocate --scores'. SYNTHETIC data."""
from __future__ import annotations

import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import ParameterError

CATS = {"餐饮食品": 0.06, "食用农产品": 0.04, "粮食加工品": 0.008, "乳制品": 0.005, "饮料": 0.015}
PLACES = ("甲区", "乙区", "丙县", "新区")


def _table(programmes=False, seed=3) -> pd.DataFrame:
    """SYNTHETIC: 年度 | 区县 | 食品大类 | 抽检批次 | 不合格批次 (| 抽检类型)."""
    rng = np.random.default_rng(seed)
    rows = []
    for y in range(2021, 2026):
        for place in PLACES:
            for c, p in CATS.items():
                for prog in (("监督抽检", "风险监测") if programmes else ("监督抽检",)):
                    n = int(rng.integers(30, 120)) * (2 if place == "甲区" else 1)
                    rows.append((y, place, c, prog, n, int(rng.binomial(n, p * (2 if prog == "风险监测" else 1)))))
    df = pd.DataFrame(rows, columns=["年度", "区县", "食品大类", "抽检类型", "抽检批次", "不合格批次"])
    return df if programmes else df.drop(columns="抽检类型")


def _scores(tmp_path, programmes=False):
    src, out = tmp_path / "t.csv", tmp_path / "scores.csv"
    _table(programmes).to_csv(src, index=False)
    assert main(["risk", "score", "--samples", str(src), "--by", "食品大类,区县", "--out", str(out),
                 "--no-track"]) == 0
    return out


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


# ----------------------------------------------------------------------------- 1. an honest headline
def test_headline_quotes_risk_times_batches_and_says_the_market_assumption(tmp_path, capsys):
    out = _scores(tmp_path)
    capsys.readouterr()
    assert main(["risk", "allocate", "--scores", str(out), "--budget", "2000", "--plan-period", "2026",
                 "--no-track"]) == 0
    text = capsys.readouterr().out
    scores = pd.read_csv(out)
    plan = _quiet(mt.risk.allocate, scores, 2000, plan_period="2026")
    meta = plan.attrs["allocation"]
    linear = float((plan["risk"] * plan["batches"]).sum())
    assert meta["expected_failures_linear"] == pytest.approx(linear)
    assert meta["expected_failures_volume_linear"] == pytest.approx(float((plan["risk"] * plan["batches_volume"]).sum()))
    # the diminishing-returns figure is far below risk x batches when the budget is about a year's sampling
    assert meta["expected_failures"] < 0.8 * linear
    head = next(t for t in text.splitlines() if t.startswith("预计发现不合格"))
    assert "风险 × 批次" in head and f"{linear:,.2f}" in head and f"{meta['vs_volume_linear']:.2f} 倍" in head
    dim = next(t for t in text.splitlines() if t.startswith("收益递减口径"))
    assert f"{meta['expected_failures']:,.2f}" in dim and "63%" in dim and "下限" in dim


# ----------------------------------------------------------------------------- 2. floors / caps per level
def test_floor_and_cap_per_district_and_category(tmp_path):
    scores = pd.read_csv(_scores(tmp_path))
    free = _quiet(mt.risk.allocate, scores, 2000)
    got = free.groupby("区县")["batches"].sum()
    low = got.idxmin()
    floor = int(got[low]) + 100
    plan = _quiet(mt.risk.allocate, scores, 2000, min_per_group={low: floor})  # a district, not a cell
    by_place = plan.groupby("区县")["batches"].sum()
    assert by_place[low] == floor and plan["batches"].sum() == 2000
    note = next(n for n in plan.attrs["allocation"]["notes"] if "层级" in n)
    assert f"区县 {low} 下限 floor {floor:,} 批起作用" in note
    # the floor goes to that district's riskiest categories first, not 1/5 to each
    mine = plan[plan["区县"] == low].set_index("食品大类")["batches"] - \
        free[free["区县"] == low].set_index("食品大类")["batches"]
    assert mine["餐饮食品"] > 0 and mine["乳制品"] <= 1
    # every district at least N, a category at least M, a district capped
    plan = _quiet(mt.risk.allocate, scores, 2000, min_per_level={"区县": 400, "食品大类": {"乳制品": 150}},
                  max_per_level={"区县": {"甲区": 600}})
    by_place = plan.groupby("区县")["batches"].sum()
    assert (by_place >= 400).all() and by_place["甲区"] <= 600 and plan["batches"].sum() == 2000
    assert plan.groupby("食品大类")["batches"].sum()["乳制品"] >= 150
    with pytest.raises(ParameterError, match="下限合计"):
        _quiet(mt.risk.allocate, scores, 2000, min_per_level={"区县": 600})
    with pytest.raises(ParameterError, match="did you mean 新区"):
        _quiet(mt.risk.allocate, scores, 2000, min_per_level={"区县": {"新": 100}})


def test_cli_floor_per_level(tmp_path, capsys):
    out = _scores(tmp_path)
    capsys.readouterr()
    assert main(["risk", "allocate", "--scores", str(out), "--budget", "2000", "--no-track", "--out",
                 str(tmp_path / "p.csv"), "--min-per-level", "区县=450", "--max-per-level", "区县:甲区=500"]) == 0
    plan = pd.read_csv(tmp_path / "p.csv")
    by_place = plan.groupby("区县")["batches"].sum()
    assert (by_place >= 450).all() and by_place["甲区"] <= 500
    assert "按层级的下限/上限" in capsys.readouterr().out
    # the same district given two caps: refused, not the later silently kept (FP3)
    assert main(["risk", "allocate", "--scores", str(out), "--budget", "2000", "--no-track",
                 "--max-per-level", "区县:甲区=100", "--max-per-level", "区县:甲区=200"]) == 2
    assert "--max-per-level gives 区县:甲区 two limits, 100 and 200" in capsys.readouterr().err


# ----------------------------------------------------------------------------- 3. a workbook to hand out
def test_plan_workbook_has_a_city_sheet_and_a_sheet_per_district(tmp_path, capsys):
    out = _scores(tmp_path)
    path = tmp_path / "plan.xlsx"
    assert main(["risk", "allocate", "--scores", str(out), "--budget", "2000", "--no-track", "--out", str(path)]) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["方案数据 plan", "方案（含合计）"]
    assert "全市汇总" in book.sheetnames and all(p in book.sheetnames for p in PLACES)
    data = pd.read_excel(path, sheet_name=0)  # the machine-read sheet keeps its columns
    assert list(data.columns[:3]) == ["食品大类", "区县", "risk"] and data["batches"].sum() == 2000
    sheet = book["新区"]
    assert sheet.freeze_panes == "B3" and "新区" in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    head = rows[0]
    assert "评分说明" in head and "计划批次" in head
    sub = next(r for r in rows if r[0] == "小计")
    assert sub[head.index("计划批次")] == int(data.loc[data["区县"] == "新区", "batches"].sum())
    assert all(r[head.index("评分说明")] for r in rows[1:] if r[0] not in ("小计", None))
    city = [r for r in book["全市汇总"].iter_rows(values_only=True)]
    total = next(r for r in city if r[0] == "合计")
    assert total[len(CATS) + 1] == 2000
    assert any(r[0] in PLACES and isinstance(r[-1], str) and "往年抽检量占比" in r[-1] for r in city)


# ----------------------------------------------------------------------------- 4. pooled programmes carried on
def test_pooled_programmes_are_carried_into_the_plan(tmp_path, capsys):
    out = _scores(tmp_path, programmes=True)
    assert "programmes" in pd.read_csv(out).columns
    capsys.readouterr()
    assert main(["risk", "allocate", "--scores", str(out), "--budget", "2000", "--no-track"]) == 0
    text = capsys.readouterr().out
    basis = next(t for t in text.splitlines() if t.startswith("依据"))
    assert "监督抽检 + 风险监测 合并计算" in basis
    assert any(t.startswith("note: 评分把不同抽检类型合并计算") for t in text.splitlines())
    plan = _quiet(mt.risk.allocate, pd.read_csv(out), 2000)
    assert any("风险监测" in n for n in plan.attrs["allocation"]["notes"])
