"""Session 47 (helper D): the schedule view and target suggestions, checked by hand as a 规划科 analyst would.

The schedule view (时间进度 / 目标进度 / category) of every case of the brief matched the documented formula
(the probes are listed in the session report); what was wrong is in ``suggest_targets``' refusal of the
probabilities an analyst mistypes: it said only that probabilities must lie between 0 and 1, not which item was
wrong nor what to write -- (70, 80) was told to write 0.7, a list holding the text '0.8' was not told which item,
a text '0.7,0.8' and an empty list were told nothing. Each test below fails on the code before the fix.
"""
from __future__ import annotations

import pytest

import mstarget as mt

PLAN = "data/china/national_targets.csv"
HISTORY = "data/china/national_history.csv"


@pytest.mark.parametrize("probabilities, says", [
    # percentages for both: every share to write, not only the first (before: "write 0.7)")
    ((70, 80), "70, 80 look like percentages, write 0.7, 0.8"),
    # one percentage among shares: which one, as a share (before: no "among shares")
    ((0.7, 80), "80 among shares of 1 looks like a percentage, write 0.8"),
    # a number typed as text in a list (a cell read from a form): which item, and the number (before: nothing)
    ([0.7, "0.8"], "item 2, '0.8', is text, write 0.8"),
    # the command line's spelling passed to the function: the tuple it means (before: nothing)
    ("0.7,0.8", "'0.7,0.8' is text, write 0.7, 0.8"),
    ("70%", "'70%' is text, write 0.7"),
    # nothing asked for (before: only the range)
    ([], "none given"),
    # 0 and 1 are no probability to suggest a figure at: named (before: only the range)
    ((0, 1), "0, 1 not strictly between 0 and 1"),
])
def test_mistyped_probabilities_are_refused_saying_what_to_write(probabilities, says):
    """Fails before the fix: the message did not name the wrong item nor the whole tuple to write."""
    with pytest.raises(mt.ParameterError) as err:
        mt.suggest_targets(HISTORY, PLAN, probabilities)
    message = str(err.value)
    assert says in message
    assert "'probabilities' parameter of suggest_targets" in message
    assert f"Got {probabilities!r} instead" in message
