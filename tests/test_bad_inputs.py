"""The catalogue of real-world bad inputs (issue 14): every case's exit code and message.

Cases live in ``tests/bad_inputs/cases.csv`` with their files in ``tests/bad_inputs/files/``
(both built by ``tests/bad_inputs/make_cases.py`` and committed). Each runs the command line
in-process. The contract: exit 0 (the fragment then is a warning or a line of the table), 2 for
any input or usage problem with a message naming the file and, where it applies, the row and
column, 4 for the environment (an output path under a file); never 1 (a bug), never a traceback;
nothing written to ``--out`` unless the exit is 0, and no input file ever changed.
"""
from __future__ import annotations

import csv
import hashlib
import shlex
from pathlib import Path

import pytest

from mstarget.cli.main import main

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE / "bad_inputs"
DATA = HERE.parent / "data"


def _cases() -> list[dict]:
    with open(CATALOGUE / "cases.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


CASES = _cases()


def test_catalogue_holds_at_least_60_cases_each_file_used():  # issue 14
    assert len(CASES) >= 60
    used = " ".join(c["args"] for c in CASES)
    files = sorted(p.name for p in (CATALOGUE / "files").iterdir())
    assert [f for f in files if f not in used] == []
    assert {c["code"] for c in CASES} <= {"0", "2", "4"}  # 3 (tracking) has tests of its own


def _fill(text: str, out: Path) -> str:
    return (text.replace("{files}", str(CATALOGUE / "files")).replace("{data}", str(DATA))
            .replace("{out}", str(out)))


def _fingerprint() -> dict:
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted((CATALOGUE / "files").iterdir())}


FILES_BEFORE = _fingerprint()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(case, tmp_path, capsys):  # issue 14
    out = tmp_path / "result.csv"
    argv = [_fill(a, out) for a in shlex.split(case["args"])]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refuses a malformed option with exit 2
        code = exc.code
    assert _fingerprint() == FILES_BEFORE, "an input file was changed or a file written beside it"
    captured = capsys.readouterr()
    text = captured.out if case["stream"] == "stdout" else captured.err
    assert code == int(case["code"]), f"{case['what']}: exit {code}\n{captured.err}"
    assert _fill(case["fragment"], out) in text, f"{case['what']}:\n{text}"
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    if code != 0:
        assert not out.exists(), "nothing is written when the input is refused"
        assert [p.name for p in tmp_path.iterdir() if "result" in p.name] == []
