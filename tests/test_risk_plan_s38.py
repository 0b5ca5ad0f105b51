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
    header = next(line for line in text.splitlines() if "batches" in line and "volume_share" in line)
    assert header.split()[:2] == ["食品大类", "地市"] and "category" not in text
    sheets = pd.read_excel(plan_out, sheet_name=None)
    # the plan's two table sheets; the sheets to hand out (session 41: 全市汇总, one per 地市) open with a title row
    assert all(list(d.columns[:2]) == ["食品大类", "地市"] for d in list(sheets.values())[:2])
    assert "category" not in str(pd.read_excel(plan_out, sheet_name="全市汇总", header=None).iloc[:2].to_numpy())


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


# ----------------------------------------------------------------------------- 5. a scores file without periods
def _old_style(tmp_path, capsys, df, name):
    """Score ``df`` with 'risk score --out', then drop the ``periods`` column (a file written before it)."""
    src, new, old = tmp_path / f"{name}.csv", tmp_path / f"{name}_new.csv", tmp_path / f"{name}_old.csv"
    df.to_csv(src, index=False)
    assert main(["risk", "score", "--samples", str(src), "--out", str(new), "--no-track"]) == 0
    s = pd.read_csv(new, encoding="utf-8-sig")
    assert "periods" in s.columns
    s.drop(columns="periods").to_csv(old, index=False, encoding="utf-8-sig")
    capsys.readouterr()
    return new, old


def _plan_cli(tmp_path, capsys, scores, budget=900):
    out = tmp_path / f"plan_{scores.stem}.csv"
    assert main(["risk", "allocate", "--scores", str(scores), "--budget", str(budget), "--out", str(out),
                 "--no-track"]) == 0
    cap = capsys.readouterr()
    return pd.read_csv(out, encoding="utf-8-sig").set_index("category"), cap.out, cap.err


def test_an_old_scores_file_of_contiguous_periods_gives_the_same_plan(tmp_path, capsys):
    df = _table(years=range(2020, 2024), cities=("广州市",))[["年度", "食品大类", "抽检批次", "不合格批次"]]
    df = df[(df["食品大类"] != "饮料") | (df["年度"] >= 2022)]  # 饮料 listed in 2022-2023 only
    new, old = _old_style(tmp_path, capsys, df, "contig")
    a, text_new, _ = _plan_cli(tmp_path, capsys, new)
    b, text_old, err = _plan_cli(tmp_path, capsys, old)
    b = b.loc[a.index]
    assert (a["batches"] == b["batches"]).all()
    assert np.allclose(a["volume"], b["volume"]) and np.allclose(a["expected_failures"], b["expected_failures"])
    tested = dict(zip(df["食品大类"], df.groupby("食品大类")["抽检批次"].sum().reindex(df["食品大类"])))
    assert b.loc["肉制品", "volume"] == pytest.approx(tested["肉制品"] / 4)  # one year of four, not four years
    assert b.loc["饮料", "volume"] == pytest.approx(tested["饮料"] / 2)
    assert "× 12/48" in text_old and "一期（12 个月，与最近一期 2023 等长）" in text_old  # not 48 months
    # the gaps cannot be seen without the periods column: said, with how to size it exactly
    assert "no 'periods' column" in err and "risk score --out" in err
    assert "评分文件无 periods 列" in text_old and "评分文件无 periods 列" not in text_new


def test_an_old_scores_file_of_gappy_periods_warns_and_plans_one_periods_market(tmp_path, capsys):
    # SYNTHETIC: a half-year table (2019H2) and a yearly one (2022), as the shipped national tables
    rng = np.random.default_rng(3)
    rows = [("2019H2", c, int(rng.integers(2000, 4000)), 0) for c in CATS if c != "饮料"]
    rows += [("2022", c, int(rng.integers(4000, 8000)), 0) for c in CATS if c != "蔬菜制品"]
    df = pd.DataFrame(rows, columns=["期间", "食品大类", "抽检批次", "不合格批次"])
    df["不合格批次"] = [int(rng.binomial(n, CATS[c])) for c, n in zip(df["食品大类"], df["抽检批次"])]
    new, old = _old_style(tmp_path, capsys, df, "gappy")
    scores = pd.read_csv(old, encoding="utf-8-sig")
    with pytest.warns(mt.exceptions.MstargetWarning, match="no 'periods' column.*Re-run 'risk score --out'"):
        plan = mt.risk.allocate(scores, 900)
    meta = plan.attrs["allocation"]
    assert meta["market_months"] == (12, 42)  # one period as long as the latest (2022), not the 42-month span
    market = dict(zip(plan["category"], meta["market"]))
    t = df.groupby("食品大类")["抽检批次"].sum()
    assert market["饮料"] == pytest.approx(t["饮料"])  # listed in 2022 only: that year's batches, not 3.5 x
    assert market["蔬菜制品"] == pytest.approx(t["蔬菜制品"] * 2)  # 2019H2 only: its six months x 12/6, as
    new_plan = _quiet(mt.risk.allocate, pd.read_csv(new, encoding="utf-8-sig"), 900)  # the new file sizes it
    assert dict(zip(new_plan["category"], new_plan.attrs["allocation"]["market"]))["蔬菜制品"] == market["蔬菜制品"]
    # in both: averaged over its 42-month span (the gap unseen), never more than one period's batches
    assert market["肉制品"] == pytest.approx(t["肉制品"] * 12 / 42)
    assert all(market[c] <= t[c] for c in t.index if c not in ("蔬菜制品",))
    _, text, err = _plan_cli(tmp_path, capsys, old)
    assert "× 12/42" in text and "一期（12 个月，与最近一期 2022 等长）" in text and "42/42" not in text
    assert "no 'periods' column" in err and "gaps between" in err
