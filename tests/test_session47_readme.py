"""Session 47: README claims a new user meets in order, checked against what the code returns.

Each test reads README.md itself, so a column renamed in the code (or in the README) fails here.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import mstarget as mt

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_block_with(call: str) -> str:
    """The README's ```python block holding ``call``."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    found = [b for b in blocks if call in b]
    assert found, f"README.md has no python block calling {call}"
    return found[0]


def _said_columns(block: str, call: str) -> list[str]:
    """The column names of the ``# -> a, b (note), c`` comment right after ``call`` in ``block``."""
    comment = re.search(re.escape(call) + r".*?\n((?:\s*#.*\n)+)", block).group(1)
    text = re.sub(r"\([^)]*\)", "", comment.replace("#", " ").replace("->", " "))
    return [w.strip() for w in text.split(",") if w.strip()]


def _draft_tables(tmp_path: Path) -> tuple[Path, Path]:
    # SYNTHETIC: a district's 十五五 draft (2025 base, 2030 targets) and its history 2020-2025, as CSV
    plan = tmp_path / "十五五规划指标（征求意见稿）.csv"
    plan.write_text("指标名称,单位,属性,2025年基数,2030年目标\n"
                    "期末市场主体总量,万户,预期性,〔2.55〕,〔3.60〕\n"
                    "“明厨亮灶”覆盖率,%,约束性,90.5,≥98\n"
                    "药品抽检合格率,%,预期性,99.1,≥99.5\n", encoding="utf-8")
    history = tmp_path / "鼎湖区历年数据.csv"
    history.write_text("指标名称,单位,2020年,2021年,2022年,2023年,2024年,2025年\n"
                       "期末市场主体总量,万户,1.89,2.05,2.18,2.30,2.43,2.55\n"
                       "“明厨亮灶”覆盖率,%,81,84,86.5,88,89.4,90.5\n"
                       "药品抽检合格率,%,98.0,98.4,98.6,98.9,99.0,99.1\n", encoding="utf-8")
    return history, plan


def test_the_suggest_columns_are_what_suggest_targets_returns(tmp_path):
    """README's drafting section lists suggest_targets' columns in order; they are the table's."""
    call = "mt.suggest_targets("
    said = _said_columns(_python_block_with(call), call)
    assert said[:3] == ["region", "indicator", "name"] and "reached_at_80" in said  # the comment was parsed
    history, plan = _draft_tables(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.suggest_targets(mt.read_history(history, region="鼎湖区"), plan, (0.7, 0.8), region="鼎湖区",
                               seed=0)
    assert [c for c in said if c not in s.columns] == []
    assert [c for c in s.columns if c in said] == said
    # every row of the draft gets its figures (a 6-point history each): none left with only a reason
    assert s["target_at_70"].notna().all() and s["target_at_80"].notna().all()

