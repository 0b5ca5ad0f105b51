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


COPY_PROBE = """<script>window.addEventListener("load", function () {
  var h = document.querySelector("article.target h3"), sel = window.getSelection();
  sel.removeAllRanges(); sel.selectAllChildren(h);
  var chip = h.querySelector(".chip").getBoundingClientRect(), name = h.getBoundingClientRect();
  var out = document.createElement("pre"); out.id = "copied";
  out.textContent = JSON.stringify({text: sel.toString(), chipHeight: chip.height, headHeight: name.height});
  document.body.appendChild(out);
});</script>"""


def test_a_target_heading_copies_with_its_label_in_brackets(tmp_path):
    """A heading selected and copied from the HTML report read ``1. 每万人口高价值发明专利拥有量快于预期``: the
    coloured label ran into the name. Unseen brackets around it copy as ``…拥有量（快于预期）``; the page looks
    as before (one line, the label a chip)."""
    import json
    import re

    from test_report_browser import CHROMIUM, chromium

    from mstarget.cli.main import main
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (`make test` installs it when run as root)")
    out = tmp_path / "national.html"
    assert main(["report", "--plan", str(NATIONAL_TARGETS), "--history", str(NATIONAL_HISTORY), "--as-of", "2022",
                 "--out", str(out), "--no-track"]) == 0
    page = out.read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", COPY_PROBE + "</body>"), encoding="utf-8")
    dom = chromium(probe, tmp_path / "profile", "--dump-dom", "--virtual-time-budget=5000")
    m = re.search(r'<pre id="copied">(.*?)</pre>', dom, re.S)
    assert m, "the probe script did not run"
    facts = json.loads(m.group(1).replace("&quot;", '"'))
    assert facts["text"].strip() == "1. 每万人口高价值发明专利拥有量（快于预期）"
    assert facts["headHeight"] < 2.2 * facts["chipHeight"]  # still one line: the brackets take no room


def test_assess_takes_the_plan_and_history_without_their_flags(tmp_path, capsys):
    """``mstarget assess 规划.csv 历史.csv`` stopped with "the following arguments are required: --plan": the two
    tables may be given in that order without flags, and give what the flags give."""
    from mstarget.cli.main import main
    by_flag, by_place = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["assess", "--plan", str(NATIONAL_TARGETS), "--history", str(NATIONAL_HISTORY), "--as-of", "2022",
                 "--out", str(by_flag), "--no-track"]) == 0
    assert main(["assess", str(NATIONAL_TARGETS), str(NATIONAL_HISTORY), "--as-of", "2022",
                 "--out", str(by_place), "--no-track"]) == 0
    assert by_place.read_bytes() == by_flag.read_bytes()


@pytest.mark.parametrize("argv, said", [
    (["--plan", str(NATIONAL_TARGETS), "--history", str(NATIONAL_HISTORY), "2022"],
     "unrecognized arguments: 2022 (--plan"),
    (["--as-of", "2022"], "required: --plan (or the plan table as the first argument)")])
def test_a_stray_value_or_no_plan_is_still_refused(argv, said, capsys):
    from mstarget.cli.main import main
    with pytest.raises(SystemExit) as stop:
        main(["assess", *argv, "--no-track"])
    assert stop.value.code == 2 and said in capsys.readouterr().err


def test_forecast_names_a_series_with_no_value_in_any_year(tmp_path):
    """A series whose every cell is blank (a new indicator not reported yet) vanished from ``mt.forecast``'s result
    without a word, from a DataFrame and a file alike."""
    import warnings

    import pandas as pd

    import mstarget as mt
    from mstarget.exceptions import MstargetWarning
    # SYNTHETIC: two indicators of one district, the second not reported in any year
    history = pd.DataFrame({"region": ["甲区"] * 6, "indicator": ["企业年报率"] * 3 + ["信用修复率"] * 3,
                            "year": [2021, 2022, 2023] * 2, "value": [90.1, 91.5, 92.8, None, None, None],
                            "unit": ["%"] * 6})
    history.to_csv(tmp_path / "历史.csv", index=False)
    for source in (history, str(tmp_path / "历史.csv")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = mt.forecast(source, horizon=2)
        assert set(result["indicator"]) == {"企业年报率"}
        said = [str(w.message) for w in caught if issubclass(w.category, MstargetWarning)]
        assert any("no value in any year and is not forecast: 甲区/信用修复率" in m for m in said), said
