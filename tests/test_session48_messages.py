"""Session 48: arguments that read as something other than what was almost certainly meant."""
from __future__ import annotations

from pathlib import Path

import pytest

from mstarget.cli.suggest import parse_probabilities
from mstarget.exceptions import ParameterError

ROOT = Path(__file__).resolve().parents[1]
NATIONAL_HISTORY = ROOT / "data" / "china" / "national_history.csv"
NATIONAL_TARGETS = ROOT / "data" / "china" / "national_targets.csv"


def test_suggest_refuses_a_probability_that_reads_as_a_tiny_percentage(tmp_path, capsys):
    """``--p 1.2`` was read as 1.2 % (every value in 1-100 is a percentage): a target met 1.2 % of the time,
    silently. It is a typo for 0.12 or 12 -- refused before any work, saying how it was read."""
    from mstarget.cli.main import main
    code = main(["suggest", "--plan", str(NATIONAL_TARGETS), "--history", str(NATIONAL_HISTORY), "--p", "1.2",
                 "--out", str(tmp_path / "x.csv"), "--no-track"])
    err = capsys.readouterr().err
    assert code == 2
    assert "1.2%" in err and "--p 0.7,0.8" in err and "--p 70,80" in err
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("text, expected", [("70,80", (0.7, 0.8)), ("0.7,0.8", (0.7, 0.8)), ("5%,70", (0.05, 0.7)),
                                            ("５％,７０％", (0.05, 0.7)), ("12", (0.12,))])
def test_plain_and_marked_percentages_still_read(text, expected):
    assert parse_probabilities(text) == pytest.approx(expected)


def test_a_small_unmarked_percentage_beside_large_ones_is_refused_too():
    with pytest.raises(ParameterError, match=r"5 would be read as 5%"):
        parse_probabilities("5,70")
