"""The assess printout's summary line counts the targets already met as `--out`'s status does, at mid-term too
(FP8 finding 2: a mid-term 〔120〕 stock reached at 121 was status=met in the file and 'met: 0' on the screen)."""
from __future__ import annotations

import pandas as pd

from mstarget.cli.main import main

# SYNTHETIC figures of a district plan's rows (names and units as a bureau writes them)
PLAN = """序号,指标名称,单位,2020年基数,2025年目标,属性
1,有效期内认证证书,张,〔98〕,〔120〕,预期性
2,食品抽检合格率,%,97,≥98,约束性
"""
HISTORY = """指标名称,单位,2020年,2021年,2022年,2023年
有效期内认证证书,张,98,106,114,121
食品抽检合格率,%,97,97.2,97.4,97.5
"""


def test_a_target_met_at_mid_term_is_counted_met(tmp_path, capsys):
    (tmp_path / "plan.csv").write_text(PLAN, encoding="utf-8")
    (tmp_path / "history.csv").write_text(HISTORY, encoding="utf-8")
    out = tmp_path / "a.csv"
    code = main(["assess", "--plan", str(tmp_path / "plan.csv"), "--history", str(tmp_path / "history.csv"),
                 "--region", "鼎湖区", "--as-of", "2023", "--out", str(out), "--no-track"])
    printed = capsys.readouterr().out
    assert code == 0
    met = int((pd.read_csv(out)["status"] == "met").sum())
    assert met == 1
    assert "2 assessed -- met: 1" in printed
