"""Session 47: messages a first-time user meets -- plan and history passed the other way round, and the
``mstarget suggest`` printout's chance beside a row it does not measure and its verdict on a past target.
Real shipped data (data/china/national_targets.csv, national_history.csv)."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import DataValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "china"
PLAN, HISTORY = DATA / "national_targets.csv", DATA / "national_history.csv"


@pytest.mark.parametrize("call", [lambda: mt.assess(PLAN, HISTORY), lambda: mt.suggest_targets(PLAN, HISTORY),
                                  lambda: mt.read_plan(HISTORY)])
def test_a_history_given_as_the_plan_says_to_give_it_as_the_history(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError) as err:
            call()
    said = str(err.value)
    assert said.startswith(f"{HISTORY}: missing column(s) target_year, target")
    assert "this looks like a history table (year, value columns): give it as the history" in said
    assert "mt.assess(history, plan)" in said and "请作为历史数据传入" in said


def test_a_plan_given_as_the_history_says_to_give_it_as_the_plan():
    with pytest.raises(DataValidationError, match=r"this looks like a plan table \(target_year, target columns\): "
                                                  r"give it as the plan"):
        mt.read_history(PLAN)


def test_a_table_missing_its_columns_for_another_reason_gets_no_such_hint(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("region,indicator,year,amount\n全国,a,2020,1\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mt.read_plan(path)
    assert "looks like a history table" not in str(err.value)


def test_suggest_printout_shows_no_chance_beside_a_row_it_does_not_measure_nor_calls_a_past_target_conservative(
        capsys):
    code = main(["suggest", "--plan", str(PLAN), "--history", str(HISTORY), "--no-track"])
    out = capsys.readouterr().out
    assert code == 0
    line = next(t for t in out.splitlines() if t.startswith("制造业质量竞争力指数"))
    assert "50%" not in line and "仅有一个数据点" in line  # one observation, no peers: not measured (was 50%)
    assert "目标偏保守" not in out  # 每万人口发明专利拥有量's 2020 target is a fact of 2020, not a drafted target
    assert "达标概率低于70%（目标偏高）1项：食品抽检不合格率" in out
