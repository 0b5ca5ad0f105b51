"""Session 41 (fixer AF1): a report of a sorted / shuffled / filtered assessment table gives each row its own
detail (fan chart, yearly figures); short reprs of Report, ReportRow and TargetAssessment; chart functions given
the wrong object say what to pass.

History: real provincial figures (data/china/provincial_panels.csv). Plan: SYNTHETIC targets (baseline x 1.05 /
x 0.95), for testing only -- not real plan figures."""
import warnings
from pathlib import Path

import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import ParameterError
from mstarget.report.model import table_cells

DATA = Path(__file__).resolve().parents[1] / "data" / "china" / "provincial_panels.csv"
REGIONS = ["上海", "云南", "北京", "吉林", "四川"]
INDICATORS = ["afw_share_of_budget_expenditure", "chemical_fertilizer_use"]


def _inputs():
    d = pd.read_csv(DATA)
    h = d[d.region.isin(REGIONS) & d.indicator.isin(INDICATORS) & d.year.between(2016, 2023)]
    h = h[["region", "indicator", "name", "year", "value", "unit"]].reset_index(drop=True)
    rows = []
    for (r, i), g in h.groupby(["region", "indicator"]):
        b = float(g.loc[g.year == 2020, "value"].iloc[0])
        up = i.startswith("afw")  # synthetic targets
        rows.append(dict(region=r, indicator=i, name=g.name.iloc[0], unit=g.unit.iloc[0], baseline_year=2020,
                         baseline=round(b, 2), target_year=2025, target=round(b * (1.05 if up else 0.95), 2),
                         direction=">=" if up else "<=", attribute="expected" if up else "binding"))
    return h, pd.DataFrame(rows)


@pytest.fixture(scope="module")
def assessed():
    h, p = _inputs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess_detailed(h, p, as_of=2022, seed=0, n_paths=400)


def _by_target(report):
    return {(r.raw["region"], r.raw["indicator"]): r for r in report.rows}


def _yearly(cells):
    return {k: v.text for k, v in cells.items() if k in ("y2021", "y2022", "current", "latest")}


def _check_own(report, reference):
    ref = _by_target(reference)
    for row in report.rows:
        key = (row.raw["region"], row.raw["indicator"])
        a = row.assessment
        # the chart is drawn from this detail: its own target, its own series
        assert (a.row["region"], a.row["indicator"]) == key
        assert float(a.series.values[-1]) == pytest.approx(float(row.raw["last_value"]))
        assert _yearly(row.cells) == _yearly(ref[key].cells), key
        assert row.cells["target_figure"].text == ref[key].cells["target_figure"].text


def test_sorted_table_keeps_each_rows_chart_and_yearly_figures(assessed):
    tab, det = assessed
    reference = mt.report.build_report(tab, det)
    ts = tab.sort_values("p_meet", ascending=False)
    report = mt.report.build_report(ts, det)
    _check_own(report, reference)
    yun = _by_target(report)[("云南", "chemical_fertilizer_use")]
    assert yun.cells["y2022"].text.startswith("183.4")  # not 上海's 4.1373 (%)
    assert yun.assessment.row["region"] == "云南"


def test_shuffled_and_reset_index_tables_keep_their_details(assessed):
    tab, det = assessed
    reference = mt.report.build_report(tab, det)
    shuffled = tab.sample(frac=1, random_state=3)
    _check_own(mt.report.build_report(shuffled, det), reference)
    # index reset after sorting: matched by region, indicator and target year
    _check_own(mt.report.build_report(shuffled.reset_index(drop=True), det), reference)


def test_printout_cells_of_a_sorted_table_are_each_rows_own(assessed):
    tab, det = assessed
    ts = tab.sort_values("p_meet")
    own = {(r, i): c for r, i, c in zip(tab.region, tab.indicator, table_cells(tab, det))}
    for r, i, c in zip(ts.region, ts.indicator, table_cells(ts, det)):
        assert _yearly(c) == _yearly(own[(r, i)]), (r, i)


def test_filtered_table_reports_its_rows_with_their_details(assessed, tmp_path):
    tab, det = assessed
    reference = mt.report.build_report(tab, det)
    sub = tab[tab.region == "云南"]
    report = mt.report.write_report(sub, det, [tmp_path / "云南.html"])
    assert len(report.rows) == 2 and {r.raw["region"] for r in report.rows} == {"云南"}
    _check_own(report, reference)
    assert "183.4" in (tmp_path / "云南.html").read_text(encoding="utf-8")


def test_details_of_another_assessment_are_refused(assessed):
    tab, det = assessed
    h, p = _inputs()
    other = p.assign(region=p.region + "X")
    hx = h.assign(region=h.region + "X")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, det_other = mt.assess_detailed(hx, other, as_of=2022, seed=0, n_paths=200, _charts=False)
    with pytest.raises(ParameterError, match="no detail among the 10 given"):
        mt.report.build_report(tab, det_other)


def test_alike_rows_that_cannot_be_told_apart_are_refused(assessed):
    tab, det = assessed
    twice = pd.concat([tab, tab]).reset_index(drop=True)
    assert len(mt.report.build_report(twice, det + det).rows) == 20  # in its own order: as given
    with pytest.raises(ParameterError, match="matches 2 details alike"):
        mt.report.build_report(twice.sample(frac=1, random_state=1).reset_index(drop=True), det + det)


def test_reprs_are_short(assessed):
    tab, det = assessed
    report = mt.report.build_report(tab, det)
    text = repr(report)
    assert len(text) < 400 and "\n" not in text
    assert text.startswith("Report: ") and "10 target(s), 5 region(s)" in text and "as of 2022" in text
    assert len(repr(report.rows[0])) < 200 and repr(report.rows[0]).startswith("ReportRow(1. ")
    one = repr(det[0])
    assert len(one) < 200 and "上海" in one and "target_year=2025" in one and "p_meet=" in one
    assert len(repr(det)) < 2500


def test_fan_chart_of_one_detail_is_a_one_panel_chart(assessed):
    tab, det = assessed
    fig = mt.report.fan_chart(det[3])
    drawn = [ax for ax in fig.axes if ax.axison]
    assert len(drawn) == 1 and det[3].row["name"] in drawn[0].get_title(loc="left")


def test_target_chart_of_the_table_says_what_to_pass(assessed):
    tab, det = assessed
    with pytest.raises(ParameterError, match=r"target_chart\(details\[0\]\).*the assessment table"):
        mt.report.target_chart(tab)
    with pytest.raises(ParameterError, match=r"the details list: pass one of them"):
        mt.report.target_chart(det)
    with pytest.raises(ParameterError, match=r"pass the second, the details"):
        mt.report.fan_chart((tab, det))
