"""Session 47: a plan's year written in square, lenticular or tortoise-shell brackets, or after a slash
(基期值【2020年】, 目标值[2025年], 目标值〔2025年〕, 目标值/2025年), in one header row or under the role in a second:
was refused as "name a year in words that are not read"; now read like 基期值（2020年）.

Plan rows are the Dinghu district's real "十四五" main indicators (the PLAN of test_session46_bureau); the
yearly history values are that file's SYNTHETIC figures.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from bureau_files import write_rows_xlsx
from test_session46_bureau import PLAN, _assess, _check_journey, _history_rows

import mstarget as mt
from mstarget.layout import year_role

BRACKETS = [("【", "】"), ("[", "]"), ("［", "］"), ("〔", "〕"), ("/", "")]


@pytest.mark.parametrize("left,right", BRACKETS)
def test_one_header_row_with_the_year_in_brackets(tmp_path, left, right):
    rows = [["指标名称", "单位", f"基期值{left}2020年{right}", f"目标值{left}2025年{right}", "属性"]]
    plan_path = write_rows_xlsx(tmp_path / "规划指标.xlsx", rows + [list(r) for r in PLAN])
    plan = mt.read_plan(plan_path, region="鼎湖区")
    assert plan["baseline_year"].eq(2020).all() and plan["target_year"].eq(2025).all()
    drugs = plan.set_index("name").loc["药品抽检合格率"]
    assert (drugs["baseline"], drugs["target"], drugs["direction"]) == (98, 99, ">=")
    history = write_rows_xlsx(tmp_path / "历史数据.xlsx", _history_rows())
    _check_journey(*_assess(history, plan_path))


@pytest.mark.parametrize("left,right", BRACKETS[:4])
def test_the_year_in_brackets_under_the_role(tmp_path, left, right):
    """基期值 | 目标值 over 【2020年】 | 【2025年】 (the other header cells merged down)."""
    rows = [["指标名称", "单位", "基期值", "目标值", "属性"],
            [None, None, f"{left}2020年{right}", f"{left}2025年{right}", None]] + [list(r) for r in PLAN]
    plan_path = write_rows_xlsx(tmp_path / "规划指标.xlsx", rows, merges=["A1:A2", "B1:B2", "E1:E2"])
    plan = mt.read_plan(plan_path, region="鼎湖区")
    assert plan["baseline_year"].eq(2020).all() and plan["target_year"].eq(2025).all()
    stock = plan.set_index("name").loc["期末市场主体总量"]
    assert (stock["baseline"], stock["target"], stock["kind"]) == (1.89, 3.12, "cumulative")


@pytest.mark.parametrize("left,right", BRACKETS[:4])
def test_a_history_year_column_in_brackets_is_that_year(tmp_path, left, right):
    history = write_rows_xlsx(tmp_path / "历史数据.xlsx", _history_rows([f"{left}{y}年{right}" for y in (2020, 2021, 2022, 2023)]))
    plan_path = write_rows_xlsx(tmp_path / "规划指标.xlsx",
                                [["指标名称", "单位", "2020年基数", "2025年目标", "属性"]] + [list(r) for r in PLAN])
    _check_journey(*_assess(history, plan_path))


def test_brackets_that_do_not_close_on_the_year_are_not_read_as_one():
    """The year must end the header (with its closing bracket): a name with a year inside is no year column."""
    assert year_role("目标值【2025年】") == (2025, "target")
    assert year_role("目标值〔2025年〕") == (2025, "target")
    assert year_role("目标值【2025年】说明") is None
    assert year_role("【2025年】目标值说明文字") is None


# -- a file object (an open file, io.BytesIO, a notebook's upload) ------------------------------------------------

PLAN_CSV = "data/dinghu_14th_fyp_plan.csv"


def test_a_file_object_is_refused_saying_to_pass_its_path_or_read_it_into_a_dataframe():
    import io

    from mstarget.exceptions import ParameterError
    root = Path(__file__).resolve().parents[1]
    with open(root / PLAN_CSV, "rb") as f:
        with pytest.raises(ParameterError) as err:
            mt.read_plan(f)
    said = str(err.value)
    assert f"Pass its path ({str(root / PLAN_CSV)!r})" in said and "pd.read_csv(f, header=None)" in said
    with pytest.raises(ParameterError, match=r"Pass the file's path, or read it into a DataFrame first"):
        mt.assess(io.BytesIO((root / "data/china/national_history.csv").read_bytes()), root / PLAN_CSV)


def test_the_dataframe_the_message_advises_reads_as_the_file_does():
    """Following the advice: pd.read_csv(f, header=None) of the real Dinghu plan gives the same plan rows."""
    import pandas as pd
    path = Path(__file__).resolve().parents[1] / PLAN_CSV
    with open(path, "rb") as f:
        frame = pd.read_csv(f, header=None)
    cols = ["indicator", "name", "baseline", "target", "direction", "target_year"]
    assert mt.read_plan(frame)[cols].equals(mt.read_plan(path)[cols])


# -- a mistyped model name ------------------------------------------------------------------------------------------

NATIONAL = Path(__file__).resolve().parents[1] / "data" / "china" / "national_history.csv"

@pytest.mark.parametrize("typed,meant", [("dirft", "drift"), ("ensamble", "ensemble"), ("pooled-drift", "pooled_drift"),
                                         ("Drift", "drift")])
def test_a_mistyped_model_name_says_which_model_was_probably_meant(typed, meant):
    from mstarget.exceptions import UnknownModelError
    with pytest.raises(UnknownModelError, match=rf"unknown model '{typed}'; did you mean '{meant}'\? choose one of"):
        mt.forecast(NATIONAL, model=typed)


def test_a_model_name_like_none_gets_no_guess():
    from mstarget.exceptions import UnknownModelError
    with pytest.raises(UnknownModelError, match=r"unknown model 'xyz'; choose one of arima"):
        mt.forecast(NATIONAL, model="xyz")


def test_a_spec_file_naming_an_unknown_model_is_named_in_the_message(tmp_path):
    from mstarget.exceptions import UnknownModelError
    spec = tmp_path / "bad.toml"
    spec.write_text('model = "etss"\n', encoding="utf-8")
    with pytest.raises(UnknownModelError, match=rf"^model spec {spec}: unknown model 'etss'; did you mean 'ets'\?"):
        mt.forecast(NATIONAL, model=spec)
