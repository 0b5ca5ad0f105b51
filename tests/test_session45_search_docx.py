"""Session 45: ``suggest``'s search is bounded by the paths, not by 200 grid steps; the Word report's headings.

1. ``mt.suggest_targets`` searches, per plan row and probability, the hardest figure on the row's decimal grid that
   ``assess``'s own rule judges met with at least ``p``. The search used to stop 200 grid steps from the paths'
   quantile: a count in whole 件 against a target written to 0.01 (13,757.21 件), whose paths spread by thousands,
   was given a figure easier than it need be (figures up to 13,760.26 met with the same 70 %). The search now runs
   to the paths' own range (``suggest._reach``), its judgements still logarithmic in the distance.
2. ``mstarget report``'s Word document adds its headings with the ``Heading N`` style resolved once per document
   (python-docx's ``add_heading`` looked the style up by name at every heading); the headings keep their styles,
   texts and XML.

Data: a county's 案件受理件数 / 投诉举报件数 in whole 件 (SYNTHETIC, drawn in the test) against 2025 targets written to
0.01; the real national history and targets shipped in ``data/china``; a three-county plan of
``tests/scale_helpers.county_plan_and_history`` (SYNTHETIC)."""
from __future__ import annotations

import math
import warnings
from pathlib import Path

import docx
import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget import suggest as S
from mstarget.report import docx as report_docx

from scale_helpers import county_plan_and_history, quiet

DATA = Path(__file__).resolve().parents[1] / "data" / "china"
COUNTY = "示例县(合成)"
PROBS = (0.7, 0.8)


def _fine_grid_county():
    """SYNTHETIC: a county's yearly counts in whole 件, 2016-2023 -- cases filed rising ~650 a year, complaints
    falling ~400 a year, both noisy -- and its plan (2020 baseline, 2025 targets written to 0.01 件, as a plan
    compounding a growth rate writes them: ``≥15795.58``, ``≤8500.25``)."""
    rng = np.random.default_rng(0)
    years = range(2016, 2024)
    cases = [round(9000 + 650 * i + rng.normal(0, 900)) for i in range(8)]
    complaints = [round(12000 - 400 * i + rng.normal(0, 700)) for i in range(8)]
    hist = pd.DataFrame([(COUNTY, "案件受理件数", y, float(v), "件") for y, v in zip(years, cases)]
                        + [(COUNTY, "投诉举报件数", y, float(v), "件") for y, v in zip(years, complaints)],
                        columns=["region", "indicator", "year", "value", "unit"])
    plan = pd.DataFrame({"region": COUNTY, "indicator": ["案件受理件数", "投诉举报件数"],
                         "name": ["案件受理件数", "投诉举报件数"], "unit": "件", "baseline_year": 2020,
                         "baseline": [str(cases[4]), str(complaints[4])], "target_year": 2025,
                         "target": ["≥15795.58", "≤8500.25"], "attribute": "预期性"})
    return hist, plan


@pytest.fixture(scope="module")
def fine_grid():
    """``(history, plan, suggestions, details)`` of the fine-grid county, one seed."""
    hist, plan = _fine_grid_county()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.suggest_targets(hist, plan, PROBS, seed=0, as_of=2023)
        _, details = mt.assess_detailed(hist, plan, seed=0, as_of=2023, keep_paths=True)
    return hist, plan, s, details


def test_the_figure_is_the_hardest_met_with_p_however_far_from_the_quantile(fine_grid):
    """Each figure is met with at least p and one grid step harder (0.01 件 more for ≥, less for ≤) with less than
    p -- also where it lies hundreds of steps from the paths' quantile, past where the old search stopped."""
    _, _, s, details = fine_grid
    far = []
    for i, t in enumerate(details):
        r = s.loc[i]
        assert r["decimals"] == 2
        judge = S._judge(t, t.row, 2)
        assert judge is not None
        harder = 0.01 if r["direction"] == ">=" else -0.01
        x = np.asarray(t.samples, dtype=float)
        for p in PROBS:
            figure = r[S.target_column(p)]
            assert r[S.probability_column(p)] == judge(figure) >= p, f"{r['indicator']} at {p}"
            assert judge(round(figure + harder, 2)) < p, \
                f"{r['indicator']} at {p}: {round(figure + harder, 2)} is met with p too"
            start = S._figure(x, p, r["direction"], 2, *S._bounds(t), False, x.size)
            far.append((r["direction"], round(abs(figure - start) * 100)))
    # the case that was wrong: the hardest figure more than 200 steps from the quantile, where the old search stopped
    assert any(steps > 200 for _, steps in far), far


def test_assess_gives_the_suggested_figure_its_probability(fine_grid):
    """A plan whose targets are the 70 % figures (written to 0.01, as suggested) is met with p_at_70 by assess."""
    hist, plan, s, _ = fine_grid
    targets = [f"{d}{f:.2f}" for d, f in zip(s["direction"], s["target_at_70"])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = mt.assess(hist, plan.assign(target=targets), seed=0, as_of=2023)
    assert again["p_meet"].tolist() == s["p_at_70"].tolist()
    assert (again["p_meet"] >= 0.7).all()


@pytest.mark.parametrize("direction", [">=", "<="])
def test_the_search_judges_a_figure_far_away_logarithmically_often(direction):
    """SYNTHETIC judge: met with 0.75 up to a figure 234,567 grid steps harder than the start, 0.65 beyond, on paths
    spread over 0-50,000; the search ends on that figure after ~2 log2(234,567) ≈ 36 judgements, not 234,567."""
    up = direction == ">="
    start, answer = (10000.00, 12345.67) if up else (12345.67, 10000.00)
    asked = []

    def judge(figure):
        asked.append(figure)
        return 0.75 if (figure <= answer + 1e-9 if up else figure >= answer - 1e-9) else 0.65

    paths = np.linspace(0.0, 50000.0, 2000)
    reach = S._reach(paths, start, direction, 2)
    figure, p = S._search(judge, start, 0.7, direction, 2, 0.0, math.inf, reach)
    assert (figure, p) == (answer, 0.75)
    assert len(set(asked)) <= 2 * math.ceil(math.log2(234567)) + 2


def test_a_figure_no_path_reaches_is_searched_to_the_paths_and_no_further():
    """SYNTHETIC: no figure is met with 0.95 (a tenth of 1.1 x the paths missing, at most 0.909 met): the search goes
    easier to just past the paths' lowest value -- beyond it no figure is met more often -- not to the indicator's
    bound (0) nor to an arbitrary number of steps."""
    paths = np.linspace(500.0, 900.0, 401)

    def judge(figure):  # the share of 1.1 x as many paths meeting the figure, the missing tenth never
        return float((paths >= figure).sum()) / (1.1 * paths.size)

    reach = S._reach(paths, 700.0, ">=", 1)
    figure, p = S._search(judge, 700.0, 0.95, ">=", 1, 0.0, math.inf, reach)
    assert 499.8 <= figure <= 500.0
    assert p == pytest.approx(1 / 1.1)


# ------------------------------------------------------------------------------------------------- Word headings

def _headings(path) -> list[tuple[str, str]]:
    """``(style name, text)`` of each heading paragraph of a written .docx, in order."""
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs if p.style.name.startswith("Heading")]


def test_a_one_region_reports_headings_carry_their_styles_and_texts(tmp_path):
    """The national targets (real data, as of 2022): the sections as Heading 1, each target's ``1. name（评价）`` as
    Heading 2 in bold (a 公文's third level), the unmatched lists as Heading 2."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(DATA / "national_history.csv", DATA / "national_targets.csv",
                                            as_of=2022, seed=0)
        mt.report.write_report(table, details, [tmp_path / "评估报告.docx"])
    got = _headings(tmp_path / "评估报告.docx")
    assert [t for s, t in got if s == "Heading 1"] == [
        "一、总体情况", "二、分类汇总", "三、主要指标评估表", "四、存在的问题", "五、总览图", "六、逐项评估",
        "七、未匹配的数据", "八、下一步工作建议", "说明"]
    targets = [f"{k}. {name}（{category}）" for k, (name, category)
               in enumerate(zip(table["name"], table["category_zh"]), start=1)]
    assert targets[0] == "1. 每万人口高价值发明专利拥有量（快于预期）"
    assert [t for s, t in got if s == "Heading 2"] == targets + ["规划中未找到历史数据的指标（1）",
                                                                 "未对应规划指标的历史数据（5）"]
    assert {s for s, _ in got} == {"Heading 1", "Heading 2"}
    document = docx.Document(str(tmp_path / "评估报告.docx"))
    numbered = [p for p in document.paragraphs if p.style.name == "Heading 2" and p.text in targets]
    assert len(numbered) == 5 and all(r.bold for p in numbered for r in p.runs)


def test_several_regions_headings_and_their_contents_entries(tmp_path):
    """Three counties (SYNTHETIC): a Heading 2 per county with its count, its targets as Heading 3; the 目录 lists
    the Heading 1 and 2 texts, in order."""
    counties = ["东江县", "西岭县", "南湖县"]
    plan, hist = quiet(county_plan_and_history, counties, {"西岭县"}, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(hist, plan, as_of=2023, seed=0)
        mt.report.write_report(table, details, [tmp_path / "三县.docx"])
    got = _headings(tmp_path / "三县.docx")
    assert [t for s, t in got if s == "Heading 2"] == ["东江县（2项）", "西岭县（2项）", "南湖县（2项）"]
    assert [t for s, t in got if s == "Heading 3"] == [
        f"{k}. {region} {name}（{category}）" for k, (region, name, category)
        in enumerate(zip(table["region"], table["name"], table["category_zh"]), start=1)]
    assert "3. 西岭县 食品抽检合格率（滞后）" in [t for _, t in got]
    texts = [p.text for p in docx.Document(str(tmp_path / "三县.docx")).paragraphs]
    start = texts.index("目录") + 1
    levels_1_2 = [t for s, t in got if s in ("Heading 1", "Heading 2")]
    assert texts[start:start + len(levels_1_2)] == levels_1_2


@pytest.mark.parametrize("level", [1, 2, 3])
def test_a_heading_is_written_as_python_docx_writes_it(level):
    """The paragraph ``_heading`` adds (style resolved once per document) is the XML of ``doc.add_heading``."""
    ours, theirs = docx.Document(), docx.Document()
    for d in (ours, theirs):
        report_docx._styles(d, "zh")
    for text in ("一、总体情况", "东江县（2项）", ""):
        mine = report_docx._heading(ours, text, level)
        python_docx = theirs.add_heading(text, level=level)
        assert mine._p.xml == python_docx._p.xml
        assert mine.style.name == f"Heading {level}"
