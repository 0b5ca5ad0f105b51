"""Session 38: the sampling plan's loose ends -- a plan's market is one period's batches (not the sum of
every year scored), the shrinkage hierarchy is said and a place-first one warned, a plan from a scores
file keeps its group headers, and tracked runs carry per-group figures. Tables here are SYNTHETIC."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import PoolingWarning

CATS = {"粮食加工品": 0.01, "肉制品": 0.02, "餐饮食品": 0.05, "食用农产品": 0.04, "蔬菜制品": 0.03, "饮料": 0.015}


def _table(years=range(2020, 2026), cities=("广州市", "深圳市", "佛山市"), seed=1) -> pd.DataFrame:
    """A synthetic bureau table: 年度 | 地市 | 食品大类 | 抽检批次 | 不合格批次."""
    rng = np.random.default_rng(seed)
    rows = []
    for city in cities:
        for y in years:
            for c, p in CATS.items():
                n = int(rng.integers(200, 400))
                rows.append((y, city, c, n, int(rng.binomial(n, p))))
    return pd.DataFrame(rows, columns=["年度", "地市", "食品大类", "抽检批次", "不合格批次"])


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


# ----------------------------------------------------------------------------- 1. one period's market
def test_plan_market_is_one_periods_batches_not_the_sum_of_six_years(tmp_path, capsys):
    df = _table(cities=("广州市",))
    scores = _quiet(mt.risk.score, df[["年度", "食品大类", "抽检批次", "不合格批次"]])
    plan = _quiet(mt.risk.allocate, scores, 600)
    meta = plan.attrs["allocation"]
    tested = scores["tested"].to_numpy(float)
    # six yearly tables: each category's market is its batches of one year on average, not six years'
    assert np.allclose(meta["market"], tested / 6)
    assert meta["market_scale"] == pytest.approx(1 / 6)
    assert any("每期平均" in n and "not the sum" in n for n in meta["notes"])
    # a group's expected finds cannot exceed its risk x one year's market
    assert (plan["expected_failures"].to_numpy() <= plan["risk"].to_numpy() * tested / 6 + 1e-9).all()
    # a half-year plan: half a year's market
    half = _quiet(mt.risk.allocate, scores, 600, plan_period="2026H1")
    assert np.allclose(half.attrs["allocation"]["market"], tested / 12)

    # the same from a scores file (first_period / last_period), on the command line
    src, out = tmp_path / "t.csv", tmp_path / "s.csv"
    df[["年度", "食品大类", "抽检批次", "不合格批次"]].to_csv(src, index=False)
    assert main(["risk", "score", "--samples", str(src), "--out", str(out), "--no-track"]) == 0
    capsys.readouterr()
    plan_out = tmp_path / "plan.csv"
    assert main(["risk", "allocate", "--scores", str(out), "--budget", "600", "--out", str(plan_out),
                 "--no-track"]) == 0
    text = capsys.readouterr().out
    assert "共 72 个月的抽检批次 × 12/72" in text
    cli = pd.read_csv(plan_out, encoding="utf-8-sig")
    assert cli["batches"].sum() == 600
    assert np.allclose(np.sort(cli["expected_failures"]), np.sort(plan["expected_failures"]))


def test_a_category_listed_in_fewer_periods_is_averaged_over_its_own():
    df = _table(cities=("广州市",))[["年度", "食品大类", "抽检批次", "不合格批次"]]
    df = df[(df["食品大类"] != "饮料") | (df["年度"] >= 2024)]  # 饮料 listed from 2024 on only
    scores = _quiet(mt.risk.score, df)
    plan = _quiet(mt.risk.allocate, scores, 600)
    market = dict(zip(plan["category"], plan.attrs["allocation"]["market"]))
    tested = dict(zip(scores["category"], scores["tested"]))
    assert market["饮料"] == pytest.approx(tested["饮料"] / 2)  # two years listed: one year's batches
    assert market["肉制品"] == pytest.approx(tested["肉制品"] / 6)


def test_allocate_and_evaluate_size_the_market_alike():
    df = _table(cities=("广州市",))[["年度", "食品大类", "抽检批次", "不合格批次"]]
    scores = _quiet(mt.risk.score, df, as_of=2024)
    plan = _quiet(mt.risk.allocate, scores, 1500)
    ev = _quiet(mt.risk.evaluate, df, by=["category"], train_until="2024", budget=1500)
    # five training years, one test year: both plan on a fifth of the training batches
    assert plan.attrs["allocation"]["market_scale"] == pytest.approx(ev.metrics["market_scale"]) == pytest.approx(0.2)


# ----------------------------------------------------------------------------- 2. the hierarchy used
def test_place_first_hierarchy_is_warned_and_said(tmp_path, capsys):
    df = _table()
    with pytest.warns(PoolingWarning, match="--by 食品大类,地市"):
        s = mt.risk.score(df, by=["地市", "食品大类"])
    assert s.attrs["risk"]["hierarchical"]
    with warnings.catch_warnings(record=True) as caught:  # the category first: no such warning
        warnings.simplefilter("always")
        s = mt.risk.score(df, by=["食品大类", "地市"])
    assert not any("shrinks hierarchically" in str(w.message) for w in caught) and len(s) == 18

    src, out = tmp_path / "t.csv", tmp_path / "s.csv"
    df.to_csv(src, index=False)
    assert main(["risk", "score", "--samples", str(src), "--by", "地市,食品大类", "--out", str(out),
                 "--no-track"]) == 0
    cap = capsys.readouterr()
    assert "层级收缩 pooling: 地市 > 食品大类" in cap.out and "--by 食品大类,地市" in cap.err
    saved = pd.read_csv(out, encoding="utf-8-sig")
    assert set(saved["pooling"]) == {"地市 > 食品大类"}
    assert main(["risk", "allocate", "--scores", str(out), "--budget", "3000", "--no-track"]) == 0
    basis = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("依据"))
    assert "层级收缩 pooling: 地市 > 食品大类" in basis
    assert main(["risk", "allocate", "--samples", str(src), "--by", "地市,食品大类", "--flat", "--budget", "3000",
                 "--no-track"]) == 0
    basis = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("依据"))
    assert "各组向总体不合格率靠拢" in basis


# ----------------------------------------------------------------------------- 3. group headers as written
def test_plan_from_a_scores_file_shows_its_group_headers(tmp_path, capsys):
    src, out, plan_out = tmp_path / "t.csv", tmp_path / "s.csv", tmp_path / "plan.xlsx"
    _table().to_csv(src, index=False)
    assert main(["risk", "score", "--samples", str(src), "--by", "食品大类,地市", "--out", str(out),
                 "--no-track"]) == 0
    capsys.readouterr()
    assert main(["risk", "allocate", "--scores", str(out), "--budget", "3000", "--out", str(plan_out),
                 "--no-track"]) == 0
    text = capsys.readouterr().out
    header = next(line for line in text.splitlines() if "batches" in line and "risk" in line)
    assert header.split()[:2] == ["食品大类", "地市"] and "category" not in text
    sheets = pd.read_excel(plan_out, sheet_name=None)
    assert all(list(d.columns[:2]) == ["食品大类", "地市"] for d in sheets.values())


# ----------------------------------------------------------------------------- 4. per-group figures in MLflow
def test_tracked_score_and_allocate_log_per_group_figures(tmp_path, monkeypatch, capsys):
    from mlflow import MlflowClient

    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    _table().to_csv("t.csv", index=False)
    assert main(["risk", "score", "--samples", "t.csv", "--by", "食品大类,地市", "--out", "s.csv",
                 "--tracking-uri", uri, "--experiment", "s38"]) == 0
    assert main(["risk", "allocate", "--scores", "s.csv", "--budget", "3000", "--tracking-uri", uri,
                 "--experiment", "s38"]) == 0
    client = MlflowClient(uri)
    exp = client.get_experiment_by_name("s38")
    runs = {r.data.tags["mstarget.command"]: r for r in client.search_runs([exp.experiment_id])}
    score, plan = runs["risk score"], runs["risk allocate"]
    s = pd.read_csv("s.csv", encoding="utf-8-sig")
    top = s.iloc[0]
    assert score.data.metrics[f"risk.{top['食品大类']}.{top['地市']}"] == pytest.approx(top["risk"])
    assert 0 < score.data.metrics["top_decile_share_expected_failures"] <= 1
    assert sum(k.startswith("batches.") for k in plan.data.metrics) == 18
    assert 0 < plan.data.metrics["top_decile_share_expected_failures"] <= 1
    for run in (score, plan):
        names = [a.path for a in client.list_artifacts(run.info.run_id)]
        assert "per_group_metrics.csv" in names
        keys = pd.read_csv(client.download_artifacts(run.info.run_id, "per_group_metrics.csv", str(tmp_path)),
                           encoding="utf-8-sig")
        assert {"食品大类", "地市", "key"} <= set(keys.columns) and len(keys) == 18
