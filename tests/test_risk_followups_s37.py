"""Session 37 (fixer F13): sampling plan follow-ups. Tables here are SYNTHETIC unless they name a shipped file."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import ParameterError

FOOD = str(Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv")


def _scores(floor=5, caps=(None, 0, None, None, None, None)):
    """SYNTHETIC scores of 6 city / category groups with a planner's 下限 / 上限 columns."""
    return pd.DataFrame({
        "地市": ["广州市", "佛山市", "深圳市", "珠海市", "汕头市", "江门市"],
        "食品大类": ["乳制品", "餐饮食品", "肉制品", "饮料", "糕点", "蔬菜制品"],
        "tested": [400, 300, 500, 200, 250, 350], "failed": [8, 12, 10, 2, 5, 7],
        "risk": [0.02, 0.04, 0.02, 0.01, 0.02, 0.02],
        "下限": [floor] * 6, "上限": list(caps)})


# ------------------------------------------------------------------ 1. a group capped at 0 (停止抽检)
def test_group_capped_at_zero_is_not_told_to_raise_the_budget():
    s = _scores(floor=None)
    plan = mt.risk.allocate(s, 600, min_per_group="下限", max_per_group="上限", by=["地市", "食品大类"])
    notes = " ".join(plan.attrs["allocation"]["notes"])
    assert plan.loc[plan["地市"] == "佛山市", "batches"].item() == 0
    assert "上限为 0（按所设上限不安排）" in notes and "佛山市 / 餐饮食品" in notes
    assert "get no batch" not in notes and "raise the budget" not in notes


def test_floor_above_cap_names_each_group_with_its_floor_cap_and_row():
    caps = (2, 0, None, 3, 1, 4)  # five groups capped below the floor of 5
    with pytest.raises(ParameterError) as e:
        mt.risk.allocate(_scores(caps=caps), 600, min_per_group="下限", max_per_group="上限",
                         by=["地市", "食品大类"])
    msg = str(e.value)
    assert "5 of 6 group(s)" in msg and "('" not in msg
    assert "佛山市 / 餐饮食品（下限 floor 5 > 上限 cap 0, row 3）" in msg
    assert "江门市 / 蔬菜制品" in msg  # the fifth clash is named too


# ------------------------------------------------------------------ 2. a scores file says what it was scored on
def test_scores_file_carries_region_as_of_and_half_life_to_allocate(tmp_path, capsys):
    rs = tmp_path / "rs.csv"
    assert main(["risk", "score", "--samples", FOOD, "--region", "全国", "--as-of", "2019H2",
                 "--half-life", "1.5", "--out", str(rs), "--no-track"]) == 0
    written = pd.read_csv(rs)
    assert set(written["region"]) == {"全国"} and set(written["as_of"]) == {"2019H2"}
    capsys.readouterr()
    assert main(["risk", "allocate", "--scores", str(rs), "--budget", "20000", "--no-track"]) == 0
    out = capsys.readouterr().out
    basis = next(line for line in out.splitlines() if line.startswith("依据 basis"))
    assert "地区 region: 全国" in basis and "as of: 2019H2" in basis and "half-life 1.5 年" in basis
    assert "未注明" not in basis
    plan_head = next(line for line in out.splitlines() if line.startswith("category"))  # not groups:
    assert "as_of" not in plan_head and "half_life" not in plan_head


# ------------------------------------------------------------------ 3. tracked allocate runs told apart
def test_allocate_run_names_differ_by_settings_and_log_by_as_written(tmp_path, monkeypatch):
    import mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    path = tmp_path / "s.csv"
    _scores(floor=None, caps=[None] * 6).to_csv(path, index=False)
    base = ["risk", "allocate", "--scores", str(path), "--by", "地市,食品大类", "--budget", "600"]
    assert main(base) == 0
    assert main(base + ["--risk-share", "0.5", "--max-share", "0.4", "--min-per-group", "5"]) == 0
    mlflow.set_tracking_uri(uri)
    runs = mlflow.search_runs(search_all_experiments=True, output_format="list")
    names = sorted(r.info.run_name for r in runs)
    assert len(set(names)) == 2
    assert any(n.endswith("budget 600 · risk_share 0.5 · max_share 0.4 · min_per_group 5") for n in names)
    assert {r.data.params["by"] for r in runs} == {"地市,食品大类"}
