"""The plan given where the history goes (session 52).

``mstarget assess`` takes the plan first and the history second; ``mt.assess`` takes the history first. A user who
swaps them gave ``read_history`` the plan: its 2020年 | 2025年 columns were read as two observations -- the 2025
target as a value -- and nothing was said. Now a table whose column holds only a plan's attributes (约束性 / 预期性)
beside years with a gap (a baseline and a target) is refused as a plan, saying which argument goes where; a
monitoring table of consecutive years that carries a 属性 column is still a history.
"""
from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "data" / "dinghu_14th_fyp_plan.csv"  # real: the Dinghu plan's main indicators, with 属性 (attribute)


def _wide_plan(tmp_path) -> Path:
    """The Dinghu rows as a bureau writes them: 指标名称 | 单位 | 2020年 | 2025年 | 属性 (real figures)."""
    plan = mt.read_plan(PLAN)
    path = tmp_path / "规划.csv"
    lines = ["指标名称,单位,2020年,2025年,属性"] + [
        f"{r.name},{r.unit},{r.baseline:g},{r.target:g},{'约束性' if r.attribute == 'binding' else '预期性'}"
        for r in plan.itertuples() if r.kind == "level"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("layout", ["typed", "bureau"])
def test_a_plan_read_as_a_history_is_refused_saying_which_argument_goes_where(tmp_path, layout):
    """The typed plan (target_year / target columns) was refused already; the bureau's 2020年 | 2025年 | 属性 was
    read as observations."""
    given = PLAN if layout == "typed" else _wide_plan(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError) as err:
            mt.read_history(given, region="鼎湖区")
    said = str(err.value)
    if layout == "typed":
        assert "this looks like a plan table" in said, said
    else:
        assert "this is a plan table, not a history" in said and "mstarget assess PLAN HISTORY" in said, said


def test_the_command_line_with_the_tables_swapped_refuses_and_writes_nothing(tmp_path):
    history = tmp_path / "历史数据.csv"
    history.write_text("指标名称,单位,2020年,2021年,2022年,2023年\n药品抽检合格率,%,98,98.3,98.6,98.9\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    run = subprocess.run([sys.executable, "-m", "mstarget", "assess", str(history), str(_wide_plan(tmp_path)),
                          "--region", "鼎湖区", "--as-of", "2023", "--out", str(out), "--no-track"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2 and "this is a plan table, not a history" in run.stderr
    assert not out.exists()


def test_a_monitoring_table_of_consecutive_years_with_an_attribute_column_is_a_history(tmp_path):
    """指标名称 | 属性 | 2021年 | 2022年 | 2023年 (values SYNTHETIC): the years follow each other, no target among them."""
    path = tmp_path / "监测.csv"
    path.write_text("指标名称,属性,2021年,2022年,2023年\n市场主体总量,预期性,2.1,2.4,2.7\n"
                    "药品抽检合格率,约束性,98,98.5,99\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = mt.read_history(path, region="鼎湖区")
    assert len(got) == 6 and got["year"].tolist()[:3] == [2021, 2022, 2023]


def test_a_history_read_as_a_plan_is_read_but_said(tmp_path):
    """指标名称 | 单位 | 2020年 | 2021年 | 2022年 | 2023年 (values SYNTHETIC) given as the plan: read as before (baseline
    2020, target 2023, the years between observed -- a table of yearly targets may be written so), now with a
    warning saying which table goes where; a bureau's plan (2020年 | 2025年 | 属性) says nothing of the kind."""
    history = tmp_path / "历史数据.csv"
    history.write_text("指标名称,单位,2020年,2021年,2022年,2023年\n药品抽检合格率,%,98,98.3,98.6,98.9\n", encoding="utf-8")
    for path, said_it in ((history, True), (_wide_plan(tmp_path), False)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            plan = mt.read_plan(path, region="鼎湖区")
        said = " ".join(str(w.message) for w in caught)
        assert ("if it is a history of observed values, give it as the history" in said) is said_it, said
    assert plan is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read = mt.read_plan(history, region="鼎湖区")
    assert read[["baseline_year", "target_year"]].values.tolist() == [[2020, 2023]]
