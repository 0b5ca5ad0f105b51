"""``--region`` on tables that carry their own region column is not used: the command says so, as
``mt.assess(region=...)`` does (session 39: `mstarget forecast --region 广东` on the national history forecast 全国
in silence). Shipped real data."""
from __future__ import annotations

from pathlib import Path

from mstarget.cli.main import main

DATA = Path(__file__).parents[1] / "data"


def test_forecast_says_an_unused_region(capsys):
    code = main(["forecast", "--history", str(DATA / "china" / "national_history.csv"), "--region", "广东",
                 "--horizon", "1", "--no-track"])
    assert code == 0
    err = capsys.readouterr().err
    assert "--region 广东 was not used" in err and "全国" in err


def test_a_region_naming_a_table_without_one_is_not_warned(capsys):
    code = main(["assess", "--plan", str(DATA / "dinghu_14th_fyp_plan.csv"), "--region", "鼎湖区", "--no-track"])
    assert code == 0
    assert "was not used" not in capsys.readouterr().err


def test_a_region_among_several_of_the_table_is_said_not_to_filter(capsys):
    # --region 广东 on the provincial panel forecast all 32 regions in silence
    code = main(["forecast", "--history", str(Path(__file__).parents[1] / "data" / "china" / "provincial_panels.csv"),
                 "--region", "广东", "--horizon", "1", "--no-track"])
    assert code == 0
    err = capsys.readouterr().err
    assert "--region 广东 was not used" in err and "it does not filter" in err
