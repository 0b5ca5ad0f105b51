"""Scale review (helper B): what a provincial bureau's big job showed.

* ``mstarget report`` on 2,744 targets spent ~40 s writing the report after one line (``writing the report ...``):
  ``write_report(progress=...)`` now says each step -- building the report (how many targets), drawing the charts
  (how many pages), writing each file.
* ``mstarget suggest`` on 2,744 targets spent ~2 minutes searching the figures after the forecast bar had ended,
  with nothing shown: ``suggest_targets`` now shows a bar over the rows (``suggesting targets: n/N rows``).
* ``risk score`` / ``evaluate`` counted, for every place and period, the other places in the table one by one
  (places x places x periods): 2.6 s of a 7 s run at 300 counties, growing with the square of the places. The
  count is now made once per period; the places named are the same (checked here on a large table).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.report import write_report
from mstarget.risk.score import missing_places
from mstarget.risk.samples import validate_samples
from mstarget.suggest import suggest_targets


@pytest.fixture(scope="module")
def provincial(data_dir):
    """REAL: the provincial panel's farm-machinery and fertiliser series of six provinces, and a 十三五 plan for
    them built the way an analyst drafts one: baseline 2015, target 2020 at the 2011-2015 pace."""
    panel = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    keep = panel[panel["indicator"].isin(["agri_machinery_total_power", "chemical_fertilizer_use",
                                          "combine_harvesters"])
                 & panel["region"].isin(["河北", "山东", "河南", "湖北", "四川", "全国"])]
    rows = []
    for (region, indicator), g in keep.groupby(["region", "indicator"]):
        v = g.set_index("year")["value"]
        pace = (v[2015] / v[2011]) ** (1 / 4)
        rows.append({"region": region, "indicator": indicator, "name": g["name"].iloc[0], "unit": g["unit"].iloc[0],
                     "baseline_year": 2015, "baseline": v[2015], "target_year": 2020,
                     "target": round(v[2015] * pace ** 5, 2), "direction": ">=" if pace >= 1 else "<=",
                     "kind": "level", "attribute": "expected"})
    history = keep[["region", "indicator", "name", "year", "value", "unit"]]
    return history, pd.DataFrame(rows)


def test_write_report_says_each_step_with_counts(provincial, tmp_path, capsys):
    history, plan = provincial
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(history, plan, as_of=2018, seed=0)
        write_report(table, details, [tmp_path / "评估.html", tmp_path / "评估.xlsx"], plan=plan, as_of=2018,
                     max_charts=4, progress=True)
    err = capsys.readouterr().err
    assert f"[mstarget] building the report ({len(plan)} targets) ..." in err
    assert "[mstarget] drawing the charts (overview, 1 region-matrix page, 4 fan charts) ..." in err
    assert "[mstarget] writing 评估.html ..." in err and "[mstarget] writing 评估.xlsx ..." in err
    assert (tmp_path / "评估.html").stat().st_size > 0 and (tmp_path / "评估.xlsx").stat().st_size > 0


def test_write_report_is_silent_by_default(provincial, tmp_path, capsys):
    history, plan = provincial
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(history, plan.head(3), as_of=2018, seed=0)
        write_report(table, details, tmp_path / "r.html", max_charts=0)
    assert capsys.readouterr().err == ""


def test_report_cli_shows_the_report_steps(provincial, tmp_path, capsys):
    history, plan = provincial
    history.to_csv(tmp_path / "history.csv", index=False)
    plan.to_csv(tmp_path / "plan.csv", index=False)
    from mstarget.cli.main import main

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["report", "--plan", str(tmp_path / "plan.csv"), "--history", str(tmp_path / "history.csv"),
                     "--as-of", "2018", "--out", str(tmp_path / "r.docx"), "--max-charts", "2", "--no-track"])
    err = capsys.readouterr().err
    assert code == 0
    assert "[mstarget] drawing the charts (overview, 1 region-matrix page, 2 fan charts) ..." in err
    assert "[mstarget] writing r.docx ..." in err
    assert (tmp_path / "r.docx").exists()


def test_suggest_shows_a_bar_over_the_rows(provincial, capsys):
    history, plan = provincial
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = suggest_targets(history, plan, as_of=2018, seed=0, progress=True)
    err = capsys.readouterr().err
    assert f"[mstarget] suggesting targets: {len(plan)}/{len(plan)} rows (100%)" in err
    assert out["target_at_70"].notna().all()  # every row got its figure, as before


def test_suggest_is_silent_by_default(provincial, capsys):
    history, plan = provincial
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        suggest_targets(history, plan.head(2), as_of=2018, seed=0)
    assert "suggesting targets" not in capsys.readouterr().err


def _county_returns(n_places: int, seed: int = 7) -> pd.DataFrame:
    """SYNTHETIC: ``n_places`` counties x 3 food categories x 8 quarters of sampling counts; 第0005县 sent no
    return for 2022Q2, 第0009县 none since 2022Q3 (merged away), 第0012县 is new from 2021Q3."""
    rng = np.random.default_rng(seed)
    periods = [f"{y}Q{q}" for y in (2021, 2022) for q in range(1, 5)]
    rows = [{"区县": f"第{c:04d}县", "period": p, "category": k, "tested": int(rng.integers(20, 60)),
             "failed": int(rng.integers(0, 3))}
            for c in range(1, n_places + 1) for p in periods for k in ("糕点", "肉制品", "餐饮食品")]
    df = pd.DataFrame(rows)
    hole = ((df["区县"] == "第0005县") & (df["period"] == "2022Q2")) \
        | ((df["区县"] == "第0009县") & (df["period"] >= "2022Q3")) \
        | ((df["区县"] == "第0012县") & (df["period"] < "2021Q3"))
    return df[~hole].reset_index(drop=True)


def test_missing_returns_are_named_among_many_places():
    """600 counties (a province's): the county without a 2022Q2 return and the one gone since 2022Q3 are named,
    the county new from 2021Q3 is not missing before it; the count of the others is right."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # with 3 categories a county's one may equal its two others' sum by chance
        agg, _ = validate_samples(_county_returns(600), by=["区县", "category"])
    found = {f["place"]: f for f in missing_places(agg, ["区县", "category"])}
    assert set(found) == {"第0005县", "第0009县"}
    assert found["第0005县"]["periods"] == ["2022Q2"]
    # every other county reported that quarter (第0009县 still did, 第0012县 already did): 599 of 599
    assert found["第0005县"]["others"] == 599 and found["第0005县"]["of"] == 599
    assert found["第0009县"]["periods"] == ["2022Q3", "2022Q4"] and found["第0009县"]["since"] == "2022Q3"
