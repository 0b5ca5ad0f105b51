"""Sampling risk on real per-record data the project had not used (session 48): New York City's latest
restaurant inspections (outcome ``fail_score_ge14``, by ``cuisine`` / ``boro``) and Chicago's violations joined to
its inspections (an outcome built from the violation rows, by ``Facility_Type_Clean`` / ``Ward``).

Real data only, with provenance in data/inspections/README.md: the NYC file whole, the Chicago inspections file
whole and the violations of its published test period (a subset taken as that README says)."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import DataValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "inspections"
NYC = DATA / "nyc_restaurant_latest_inspection_2018_2019.csv"
CHICAGO = DATA / "chicago_food_inspections_2011_2014.csv"
VIOLATIONS = DATA / "chicago_food_inspection_violations_test_period_2014.csv"


def _nyc_scored(tmp_path) -> Path:
    """The NYC rows that have a result (the 54 without a score deleted, as the refusal says), as written."""
    df = pd.read_csv(NYC, dtype=str, keep_default_na=False)
    path = tmp_path / "nyc_scored.csv"
    df[df["fail_score_ge14"] != ""].to_csv(path, index=False)
    return path


def _cli(args, capsys) -> tuple[int, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["risk", *args, "--no-track"])
    out = capsys.readouterr()
    return code, out.out + out.err


# ----------------------------------------------------------------------------- Chicago: violations, one row each
def _violations_joined() -> pd.DataFrame:
    """The published test period's inspections, each joined to its violation rows (an inspection without any
    keeps one row), as an analyst joins the two files: one row per violation, ``critical`` 1 on a critical one."""
    inspections = pd.read_csv(CHICAGO, usecols=["Inspection_ID", "Inspection_Date", "Facility_Type_Clean",
                                                 "criticalFound", "published_test_period"])
    inspections = inspections[inspections["published_test_period"] == 1].drop(columns="published_test_period")
    violations = pd.read_csv(VIOLATIONS)
    joined = inspections.merge(violations, on="Inspection_ID", how="left")
    joined["critical"] = (joined["severity"] == "critical").astype(int)
    return joined


def test_violation_rows_joined_to_their_inspections_count_each_inspection_once():
    joined = _violations_joined()
    assert len(joined) > 6_000  # 1,637 inspections written once per violation
    with pytest.warns(mt.MstargetWarning, match="Inspection_ID"):  # the folding is said
        scores = mt.risk.score(joined, by=["Facility_Type_Clean"], outcome="critical", half_life=None)
    per_inspection = joined.drop_duplicates("Inspection_ID").groupby("Facility_Type_Clean")["criticalFound"]
    got = scores.set_index("Facility_Type_Clean")
    # was 6,000+ "inspections" (one per violation row) with a critical rate of a few per cent
    assert got["tested"].to_dict() == per_inspection.size().to_dict()
    assert got["failed"].to_dict() == per_inspection.sum().to_dict()
    assert got["tested"].sum() == 1_637 and got["failed"].sum() == 258  # the README's published test period


def test_chicago_blank_wards_refused_in_one_message_with_the_fix():
    df = pd.read_csv(CHICAGO, usecols=["Inspection_ID", "Inspection_Date", "Ward", "criticalFound"])
    with pytest.raises(DataValidationError) as exc:
        mt.risk.score(df, by=["Ward"], outcome="criticalFound")
    text = str(exc.value)
    assert len(exc.value.problems) == 1  # was 2,914 problems, one per blank cell, and no word on what to do
    assert "column 'Ward'" in text and "2,914 of 27,600 cells are empty (rows 5, 13, 14," in text
    assert "delete these rows, or write a group for them" in text


def test_chicago_by_ward_after_deleting_blank_wards_is_failures_over_inspections():
    df = pd.read_csv(CHICAGO, usecols=["Inspection_ID", "Inspection_Date", "Ward", "criticalFound"])
    df = df.dropna(subset=["Ward"]).astype({"Ward": int})
    scores = mt.risk.score(df, by=["Ward"], outcome="criticalFound", half_life=None)
    by_hand = df.groupby("Ward")["criticalFound"].agg(["size", "sum"])
    by_hand.index = by_hand.index.astype(str)  # group labels are text: ward 7 is '7'
    got = scores.set_index("Ward").loc[by_hand.index]
    assert len(got) == 50
    assert (got["tested"].to_numpy() == by_hand["size"].to_numpy()).all()
    assert (got["failed"].to_numpy() == by_hand["sum"].to_numpy()).all()
    assert np.allclose(got["rate"], by_hand["sum"] / by_hand["size"])


# ----------------------------------------------------------------------------- NYC: flags and messages
def test_nyc_blank_outcomes_refused_as_empty_saying_what_to_do(capsys):
    code, text = _cli(["score", "--samples", str(NYC), "--by", "cuisine", "--outcome", "fail_score_ge14"], capsys)
    assert code == 2
    assert "column 'fail_score_ge14'" in text and "empty x54 (rows 43, 201, 290, ...)" in text  # was: '' x54
    assert "delete those rows" in text and "none is counted as passed or failed by guess" in text


def test_nyc_without_outcome_flag_names_the_0_1_column_to_pass(capsys):
    code, text = _cli(["score", "--samples", str(NYC), "--by", "cuisine"], capsys)
    assert code == 2
    assert "--outcome fail_score_ge14" in text  # was only the generic "name another column"


def test_nyc_a_column_named_wrong_is_said_with_the_one_it_may_be(tmp_path, capsys):
    path = _nyc_scored(tmp_path)
    code, text = _cli(["score", "--samples", str(path), "--by", "cuisine", "--outcome", "fail_score_ge14",
                       "--time", "date"], capsys)
    assert code == 2 and "did you mean 'inspection_date'?" in text
    listed = text.split("the table has:")[1].split("; did you mean")[0]
    assert listed.count("inspection_date") == 1  # each header listed once (was twice: the date and its quarter)
    code, text = _cli(["score", "--samples", str(path), "--by", "cuisine", "--outcome", "fail"], capsys)
    assert code == 2 and "did you mean 'fail_score_ge14'?" in text


def test_nyc_records_time_column_named_in_another_case_is_the_date_not_its_quarter(tmp_path, capsys):
    path = _nyc_scored(tmp_path)
    code, text = _cli(["evaluate", "--records", str(path), "--outcome", "fail_score_ge14", "--time",
                       "Inspection_Date", "--test-from", "2019-01-01", "--features", "cuisine,boro"], capsys)
    assert code == 0, text  # was refused: "'2019Q2': not a date" (the quarter read from the date, not the date)
    assert "测试期 test: 2019-01-02 – 2019-04-16" in text
    assert "测试期检查次数 inspections               4,766" in text


# ----------------------------------------------------------------------------- NYC: results checked by hand
def test_nyc_scores_by_cuisine_are_failures_over_inspections_shrunk_for_small_cuisines(tmp_path):
    path = _nyc_scored(tmp_path)
    with pytest.warns(mt.MstargetWarning, match="Creole/Cajun"):  # no row after 2018Q4: said, not merged
        scores = mt.risk.score(str(path), by=["cuisine"], outcome="fail_score_ge14", half_life=None)
    df = pd.read_csv(path)
    by_hand = df.groupby("cuisine")["fail_score_ge14"].agg(["size", "sum"])
    got = scores.set_index("cuisine").loc[by_hand.index]
    assert (got["tested"] == by_hand["size"]).all() and (got["failed"] == by_hand["sum"]).all()
    assert got["tested"].sum() == 9_557 and got["failed"].sum() == 1_741
    prior = float(scores["prior_rate"].iloc[0])
    small = got[got["tested"] <= 5]  # Indonesian 3 / 4, Basque 0 / 1 ...
    assert len(small) >= 15
    # each small cuisine's risk lies between its raw rate and the prior, mostly the prior's
    lo, hi = np.minimum(small["rate"], prior), np.maximum(small["rate"], prior)
    assert ((small["risk"] >= lo - 1e-9) & (small["risk"] <= hi + 1e-9)).all()
    assert (small["shrink_share"] > 0.8).all()
    big = got.loc[["American", "Chinese", "Café/Coffee/Tea"]]  # 786-1,866 inspections: barely moved
    assert (abs(big["risk"] - big["rate"]) < 0.015).all() and (big["shrink_share"] < 0.1).all()


def test_nyc_plan_by_cuisine_spends_the_budget_and_finds_more_than_the_volume_plan(tmp_path, capsys):
    path = _nyc_scored(tmp_path)
    out = tmp_path / "scores.csv"
    code, text = _cli(["score", "--samples", str(path), "--by", "cuisine", "--outcome", "fail_score_ge14",
                       "--time", "inspection_date", "--out", str(out)], capsys)
    assert code == 0, text
    plan_csv = tmp_path / "plan.csv"
    code, text = _cli(["allocate", "--scores", str(out), "--budget", "1000", "--out", str(plan_csv)], capsys)
    assert code == 0, text
    plan = pd.read_csv(plan_csv)
    plan = plan[plan["cuisine"].notna() & ~plan["cuisine"].astype(str).str.contains("合计")]
    assert plan["batches"].sum() == 1_000 and (plan["batches"] <= 300).all()
    found = (plan["batches"] * plan["risk"]).sum()
    volume = (plan["batches_volume"] * plan["risk"]).sum()
    assert found > volume  # risk x batches, the headline: the plan's riskier groups get more


def test_nyc_names_and_addresses_are_no_leak_but_score_and_grade_are(tmp_path, capsys):
    """``risk evaluate --records`` on NYC named the restaurants' ``name`` and ``address`` as giving the outcome away
    (AUC 0.53 alone) and called the evaluation unusable: nearly every value is seen once, so each has one outcome
    by construction. An identifier is no lookup table; the score and the grade it sets (recorded with the result)
    still are leaks."""
    path = _nyc_scored(tmp_path)
    args = ["evaluate", "--records", str(path), "--outcome", "fail_score_ge14", "--time", "inspection_date",
            "--test-from", "2019-01-01"]
    code, text = _cli([*args, "--exclude", "row_id,score,grade"], capsys)
    assert code == 0
    assert "'name'" not in text and "'address'" not in text and "疑似结果泄漏" not in text
    code, text = _cli([*args, "--exclude", "row_id"], capsys)
    assert code == 0 and "疑似结果泄漏的特征：grade（单独 AUC 0.995）、score（单独 AUC 1.000）" in text


def test_ward_numbers_read_by_pandas_as_floats_are_labelled_as_written():
    """``pd.read_csv`` gives Chicago's ``Ward`` as floats (its blank cells are NaN): the scores were labelled
    ``48.0``, ``33.0`` -- not a ward anyone writes. Whole numbers held as floats are labelled 48, 33."""
    df = pd.read_csv(CHICAGO)
    assert df["Ward"].dtype == float
    df = df[df["Ward"].notna()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = mt.risk.score(df, by=["Ward"], outcome="criticalFound")
    assert len(scores) == 50
    assert set(scores["Ward"]) == {str(w) for w in range(1, 51)}
