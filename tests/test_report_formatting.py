"""One number formatting for tables and narrative (issue 12): no 5.923481702935979 in a report."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mstarget.report.formatting import (
    compared_decimals,
    number_cell,
    numbers_in,
    pace_decimals,
    probability_cell,
    probability_words,
    range_text,
    round_half_up,
    row_decimals,
    share_cell,
    with_pace_unit,
    with_unit,
)


def test_decimals_follow_the_magnitude_and_keep_what_the_plan_wrote():  # issue 12
    assert row_decimals(reference=(3.12, 1.89, 2.7), exact=(1.89, 3.12)) == 2      # 万户: 2.70
    assert row_decimals(reference=(25.64, 16.22, 18.0), exact=(16.22, 25.64)) == 2  # plan wrote 25.64
    assert row_decimals(reference=(90, 81, 86.9), exact=(81, 90)) == 1             # a rate: 86.9%
    assert row_decimals(reference=(6_563_388.0, 6_380_000.0)) == 0                 # batches
    assert row_decimals(reference=(117, 38, 79), exact=(38, 117)) == 0              # counts: whole numbers
    assert row_decimals(reference=(9, 8, 9), exact=(8, 9)) == 1                     # small counts: one decimal
    assert row_decimals(reference=(math.nan,), exact=()) == 0
    # at most one decimal beyond the figures' own (session 35: was two)
    assert pace_decimals(0, 0.6667, 19.0) == 1 and pace_decimals(2, 0.21) == 2 and pace_decimals(1, 0.004) == 2


def test_number_cells_round_once_and_show_separators():  # issue 12
    c = number_cell(5.923481702935979, 2)
    assert (c.value, c.text, c.number_format) == (5.92, "5.92", "#,##0.00")
    big = number_cell(6563388.4, 0)
    assert (big.value, big.text, big.number_format) == (6563388, "6,563,388", "#,##0")
    assert number_cell(3.12, 2, prefix="≥").text == "≥3.12"
    assert number_cell(3.12, 2, prefix="≥").number_format == '"≥"#,##0.00'
    assert number_cell(0.215, 2, sign=True).text == "+0.22"  # half-up, not banker's rounding
    assert number_cell(-0.0001, 2, sign=True).text == "0.00"  # never "-0.00"
    assert number_cell(float("nan"), 2).text == "–" and number_cell(None, 2).value is None


def test_shares_and_probabilities_never_claim_certainty():  # issue 12
    assert share_cell(0.6).text == "60%" and share_cell(0.6).value == 0.6
    assert share_cell(-2.0).text == "-200%"
    assert probability_cell(0.8249).text == "82%" and probability_cell(0.825).text == "83%"
    assert probability_cell(0.996).text == ">99%" and probability_cell(1.0).text == ">99%"
    assert probability_cell(0.0).text == "<1%" and probability_cell(0.004).text == "<1%"
    # the Excel format shows the stored value exactly as the text
    assert probability_cell(0.82).number_format.endswith("0%") and probability_cell(0.82).value == 0.82


def test_units_are_attached_as_a_chinese_reader_expects():  # issue 12
    assert with_unit("2.70", "万户") == "2.70万户"
    assert with_unit("98.6", "%") == "98.6%"
    assert with_unit("86.0", "index") == "86.0 index"
    assert with_unit("–", "万户") == "–"
    assert with_pace_unit("0.5", "%") == "0.5个百分点"
    assert with_pace_unit("0.5", "%", "en") == "0.5 percentage points"


def test_numbers_are_read_back_from_text():
    assert numbers_in("2023年为2.70万户（80%区间3.05–3.60万户），-200%，6,563,388批次") == \
        ["2023", "2.70", "80", "3.05", "3.60", "-200", "6,563,388"]


@given(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_the_text_shows_exactly_the_stored_value(v, decimals):
    c = number_cell(v, decimals)
    assert float(c.text.replace(",", "")) == pytest.approx(c.value, abs=10 ** -(decimals + 3))
    assert abs(c.value - v) <= 0.5 * 10 ** -decimals + 1e-9 * max(1, abs(v))
    assert round_half_up(c.value, decimals) == c.value


def test_a_sentence_says_an_extreme_probability_in_words():
    """Tables keep <1% / >99%; prose says 不足1% / 超过99% (实现概率为<1% is not a sentence)."""
    assert [probability_cell(p).text for p in (0.001, 0.999, 0.37)] == ["<1%", ">99%", "37%"]
    assert [probability_words(probability_cell(p).text) for p in (0.001, 0.999, 0.37)] == ["不足1%", "超过99%", "37%"]
    assert probability_words("<1%", "en") == "less than 1%" and probability_words(">99%", "en") == "more than 99%"


def test_a_range_with_a_negative_low_end_is_not_written_with_a_dash():
    """Tester's finding 8: 80%区间-27.25–14.91% reads as a minus and a dash run together."""
    assert range_text("-27.25", "14.91", "zh", "%") == "-27.25%至14.91%"
    assert range_text("-27.25", "14.91", "en", "%") == "-27.25% to 14.91%"
    assert range_text("3.05", "3.60", "zh", "万户") == "3.05–3.60万户"


def test_a_figure_compared_with_its_target_is_not_rounded_onto_it():
    """Tester's finding 3: 13.5 shown as 14 beside a target of ≥14."""
    assert compared_decimals(0, 14, 13.5) == 1
    assert compared_decimals(0, 14, 12, 15) == 0  # distinct already
    assert compared_decimals(2, 3, 3.0) == 2 and compared_decimals(2, 3, 2.9999999999) == 2
