"""What the command line prints (testers' findings, session 37): a table cut at its row limit says so, and the
demo shows the plan's figures as written. Data: the real Dinghu plan (data/) and SYNTHETIC rows made here."""
from __future__ import annotations

import pandas as pd

from mstarget.cli import common
from mstarget.cli.main import main


def test_a_printed_table_cut_at_its_limit_says_how_many_rows_are_left_out():
    df = pd.DataFrame({"indicator": [f"x{i}" for i in range(205)], "value": range(205)})
    text = common.format_table(df)
    assert text.splitlines()[-1] == "... 5 more rows not shown (共 205 行): all in --out"
    assert "more rows" not in common.format_table(df.head(200))


def test_the_demo_prints_the_plans_figures_as_written(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--out-dir", str(tmp_path / "demo"), "--no-track"]) == 0
    out = capsys.readouterr().out
    part = out.split("== 2.")[0]
    assert "16.22" in part and "25.64" in part  # 〔16.22〕 -> 〔25.64〕 of the real plan, not 16.2 -> 25.6
