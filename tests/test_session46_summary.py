"""The assess printout's summary line: the targets already met are counted apart from the outlook's words,
which count every row judged (a bureau user read "7 assessed -- met: 1, 预计能够完成 6, 完成难度较大 1" as 8)."""
from __future__ import annotations

import re

from mstarget.cli.main import main

# SYNTHETIC figures of a district plan's rows (names and units as a bureau writes them)
PLAN = """序号,指标名称,单位,2020年基数,2025年目标,属性
1,有效期内认证证书,张,〔98〕,〔120〕,预期性
2,食品抽检合格率,%,97,≥98,约束性
3,执业药师数,人/万人口,3.1,≥4.6,预期性
"""
HISTORY = """指标名称,单位,2020年,2021年,2022年,2023年
有效期内认证证书,张,98,106,114,121
食品抽检合格率,%,97,97.2,97.4,97.5
执业药师数,人/万人口,3.1,3.3,3.5,3.6
"""


def test_met_targets_are_set_apart_from_the_outlook_counts(tmp_path, capsys):
    (tmp_path / "plan.csv").write_text(PLAN, encoding="utf-8")
    (tmp_path / "history.csv").write_text(HISTORY, encoding="utf-8")
    code = main(["assess", "--plan", str(tmp_path / "plan.csv"), "--history", str(tmp_path / "history.csv"),
                 "--region", "鼎湖区", "--as-of", "2023", "--no-track"])
    printed = capsys.readouterr().out
    assert code == 0
    line = next(x for x in printed.splitlines() if " assessed -- " in x)
    assert line.startswith("3 assessed -- met: 1; outlook: "), line
    outlook = line.split("; outlook: ", 1)[1]
    counts = [int(n) for n in re.findall(r" (\d+)(?:,|$)", outlook)]
    assert sum(counts) == 3, line  # the outlook counts every row judged, the met one too
