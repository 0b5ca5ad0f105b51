"""What README.md promises a first-time user, checked against what the commands and the API do.

The README's command-line block lists each subcommand's options and says which commands "also take" the
shared ones (--backend ..., --reference ...); the Python tour names the columns `mt.forecast` and
`mt.assess` return on the shipped national data; the plan notation section says what happens to a target
not set yet (待定). Each test reads the README itself, so an option renamed in the code or a command
added to the CLI without the README saying so fails here.
"""
from __future__ import annotations

import argparse
import re
import warnings
from pathlib import Path

import pytest

import mstarget as mt
from mstarget.cli.main import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"


def _code_blocks(text: str, lang: str) -> list[str]:
    """The bodies of the README's fenced code blocks in ``lang`` (```bash, ```python), in order."""
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.S | re.M)


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    """``{"assess": parser, ..., "risk score": parser}``: every (sub)command's own parser."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[f"{prefix}{name}"] = sub
                    walk(sub, f"{prefix}{name} ")

    walk(build_parser(), "")
    return found


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings}


def _listed_commands() -> dict[str, set[str]]:
    """``{command: options}`` as the README's bash blocks list them: a line starting ``mstarget <cmd>`` and its
    indented continuation lines, their comments included (``# or --records R.csv ...``, ``--no-check skips``)."""
    parsers = _subparsers()
    listed: dict[str, set[str]] = {}
    current = None
    for block in _code_blocks(README.read_text(encoding="utf-8"), "bash"):
        for line in block.splitlines():
            words = line.split("#", 1)[0].split()
            if words[:1] == ["mstarget"] or (len(words) > 1 and words[1] == "mstarget" and "=" in words[0]):
                words = words[words.index("mstarget") + 1:]
                current = " ".join(words[:2]) if " ".join(words[:2]) in parsers else words[0]
                listed.setdefault(current, set())
            elif not line.startswith(" "):
                current = None
            if current is not None:
                listed[current] |= set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line))
    return listed


def _also_take() -> list[tuple[set[str], set[str]]]:
    """The README's ``# assess, forecast, ... also take [--flag ...]`` lines: (commands named, options)."""
    said = []
    for block in _code_blocks(README.read_text(encoding="utf-8"), "bash"):
        for m in re.finditer(r"^# (.*?) also take (.*)$", block, flags=re.M):
            commands = set(re.split(r",\s*|\s+and\s+", m.group(1).strip()))
            said.append((commands, set(re.findall(r"--[a-z][a-z-]*", m.group(2)))))
    return said


def test_every_option_the_readme_lists_exists_in_that_command():
    parsers = _subparsers()
    listed = _listed_commands()
    assert {"assess", "forecast", "backtest", "report", "calibrate", "suggest", "risk score", "risk allocate",
            "risk evaluate", "ui", "demo"} <= set(listed)
    missing = {cmd: sorted(flags - _options(parsers[cmd])) for cmd, flags in listed.items()
               if flags - _options(parsers[cmd])}
    assert not missing, f"README lists options the command does not take: {missing}"


def test_the_shared_options_are_said_of_exactly_the_commands_that_take_them():
    parsers = _subparsers()
    said = _also_take()
    assert len(said) == 2  # the --backend line and the --reference / --calibration line
    for commands, flags in said:
        takers = {name for name, p in parsers.items() if " " not in name and flags <= _options(p)}
        assert commands == takers, (f"README says {sorted(commands)} take {sorted(flags)}; "
                                    f"the commands taking them are {sorted(takers)}")


def _column_list(comment: str) -> list[str]:
    """The bare column names of a tour comment (``# -> region, indicator, ...``), prose in brackets left out."""
    text = re.sub(r"\([^)]*\)", "", comment.replace("#", " ").replace("->", " "))
    return [w for w in re.findall(r"[a-z_0-9]+", text) if "_" in w or w in {
        "region", "indicator", "year", "mean", "median", "model", "target", "direction", "kind", "forecast",
        "status", "name", "unit", "attribute", "note", "plan", "category", "evaluation", "baseline", "remaining"}]


def test_the_tour_columns_are_what_forecast_and_assess_return_on_the_shipped_data(data_dir):
    tour = _code_blocks(README.read_text(encoding="utf-8"), "python")[0]
    fc_said = _column_list(re.search(r"mt\.forecast\(.*?\n(#.*?)\n", tour).group(1))
    res_said = _column_list(re.search(r"res = mt\.assess\(history.*?\n((?:#.*\n)+)", tour).group(1))
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the shipped series' own warnings (a single observation, unmatched)
        fc = mt.forecast(history, horizon=3, model="auto", levels=(80, 95), seed=0)
        res = mt.assess(history, data_dir / "china" / "national_targets.csv", as_of=2022, seed=0)
    assert list(fc.columns) == fc_said
    assert [c for c in res_said if c not in res.columns] == []
    # the order the README gives is the table's
    assert [c for c in res.columns if c in res_said] == res_said


def _pending_tables(tmp_path: Path, direction: bool) -> tuple[Path, Path]:
    # SYNTHETIC: a district's draft with one figure still 待定, and three years of its history
    head = "指标名称,单位,属性," + ("指标方向," if direction else "") + "2020年基数,2025年目标\n"
    plan = tmp_path / "规划指标.csv"
    plan.write_text(head + "市场主体总量,万户,预期性," + ("正向," if direction else "") + "1.89,≥3.12\n"
                    + "食品抽检批次,批次,预期性," + ("正向," if direction else "") + "500,待定\n", encoding="utf-8")
    hist = tmp_path / "历史数据.csv"
    hist.write_text("指标名称,年份,数值,单位\n"
                    "市场主体总量,2021,2.1,万户\n市场主体总量,2022,2.4,万户\n市场主体总量,2023,2.6,万户\n"
                    "食品抽检批次,2021,520,批次\n食品抽检批次,2022,560,批次\n食品抽检批次,2023,590,批次\n",
                    encoding="utf-8")
    return hist, plan


@pytest.mark.parametrize("direction", [True, False])
def test_a_target_not_set_yet_is_forecast_when_its_direction_is_known(tmp_path, direction):
    hist, plan = _pending_tables(tmp_path, direction)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the 目标待定 warning, checked in test_plan's own tests
        res = mt.assess(hist, plan, as_of=2023, region="鼎湖区", seed=0)
    row = res.set_index("name").loc["食品抽检批次"]
    assert row["category_zh"] == "目标待定" and row["p_meet"] != row["p_meet"]  # not judged: no p_meet
    if direction:  # README: its forecast kept when its direction is known
        assert 590 < row["forecast"] < 800
    else:  # ... without one it is not forecast, its note saying what to write
        assert row["forecast"] != row["forecast"]
        assert "持续提升" in row["note"] and "指标方向" in row["note"]
