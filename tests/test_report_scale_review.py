"""Helper D (scale review): the report and ``risk evaluate`` at a province's scale.

1. 五、逐项评估 wrote a heading and a paragraph for every target (2,744 targets: a 10.7 MB page, 25 MB of Word
   text). Above :data:`~mstarget.report.narrative.MAX_DESCRIBED` targets it describes the charted rows, then the
   滞后 / 未完成 / binding-at-risk ones, and one sentence says where the others are (主要指标评估表; the workbook's
   逐项说明 sheet keeps every row). At or below the cap every row keeps its paragraph.
2. ``ReportRow.category`` recomputed the evaluation's category at every access (a million calls for 2,744 rows
   from the region matrix's legend): computed once per row.
3. ``risk evaluate``'s resampling intervals held (resamples x groups) arrays all at once (1.25 GB at 10,800 groups):
   drawn in chunks, seeded; it shows a bar over the resamples.

Every figure below is SYNTHETIC (made up here): fictional counties and sampling counts.
"""
from __future__ import annotations

import importlib
import re
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

import mstarget as mt
import mstarget.report.model as model
from mstarget.cli.main import main
from mstarget.report import build_report, write_report
from mstarget.report import narrative
from scale_helpers import county_plan_and_history

#: the module (``mstarget.risk.evaluate`` the attribute is the function of that name)
ev = importlib.import_module("mstarget.risk.evaluate")

#: 130 fictional counties (SYNTHETIC): 260 targets, above the cap of 200
COUNTIES = [f"合成{a}{b}{c}县" for a in "东南西北中上下" for b in "山水林田湖河江海城乡" for c in "甲乙"][:130]
#: these counties' pass rate barely moves: 滞后 (SYNTHETIC)
SLOW = COUNTIES[::13]


def _inputs(counties):
    """A plan of two targets per county and their histories 2020-2023 (SYNTHETIC; ``scale_helpers``)."""
    return county_plan_and_history(counties, SLOW, seed=44)


def _assessed(counties):
    plan, hist = _inputs(counties)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess_detailed(hist, plan, n_paths=200, seed=0, as_of=2023)


@pytest.fixture(scope="module")
def province():
    """260 targets (SYNTHETIC): above the cap."""
    return _assessed(COUNTIES)


@pytest.fixture(scope="module")
def written(province, tmp_path_factory):
    table, details = province
    out = tmp_path_factory.mktemp("scale")
    paths = [out / "r.html", out / "r.xlsx", out / "r.docx"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = write_report(table, details, paths, date="2023-12-20")
    return report, paths


def _paragraph_rows(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<p class="narrative" data-row="(\d+)">', html)]


def test_above_the_cap_the_section_describes_the_charted_and_lagging_rows_and_says_where_the_rest_are(written):
    report, paths = written
    assert len(report.rows) == 260 > narrative.MAX_DESCRIBED
    html = paths[0].read_text(encoding="utf-8")
    described = _paragraph_rows(html)
    assert 0 < len(described) <= narrative.MAX_DESCRIBED
    assert described == sorted(described)  # in the table's order
    charted = {report.rows[i].number for i in report.charted}
    behind = {r.number for r in report.rows if r.category == "behind"}
    # the slow counties' pass rates lag; pooled with 120 peers rising 0.8 a year, the forecast of some sits near the
    # 50 % split (p_meet 0.43-0.47), so not every one need be 滞后 -- most are
    assert len(charted) == 40 and len(behind) >= len(SLOW) // 2
    assert charted | behind <= set(described)
    # every fan chart drawn is shown beside its paragraph
    section = html.split('<section id="targets">')[1].split("</section>")[0]
    assert section.count("<figure>") == len(charted)
    note = (f"本报告共260项目标，本节逐项说明其中{len(described)}项（附扇形图的目标，以及滞后、未完成和实现概率低于50%的约束性目标）；"
            f"其余{260 - len(described)}项目标的评估结果见主要指标评估表，Excel版报告的“逐项说明”工作表列有全部目标的说明。")
    assert report.described_note == note and note in html
    # the main table keeps every row
    assert len(re.findall(r'<tr data-row="\d+"', html)) == 260
    # the region headings count the region's targets and those described
    slow_region = str(report.rows[min(i for i, r in enumerate(report.rows) if r.category == "behind")].raw["region"])
    assert re.search(re.escape(slow_region) + r"（2项，详述1项）|" + re.escape(slow_region) + r"（2项）", html)


def test_above_the_cap_the_workbook_keeps_every_paragraph_and_word_the_same_rows_as_the_page(written):
    report, paths = written
    ws = load_workbook(paths[1])["逐项说明"]
    texts = [row[3] for row in ws.iter_rows(min_row=2, values_only=True) if row[0] is not None]
    assert len(texts) == 260 and all(texts)
    doc = Document(str(paths[2]))
    paras = [p.text for p in doc.paragraphs]
    assert report.described_note in paras
    shown = [r for r in report.rows if r.narrative in paras]
    assert [r.number for r in shown] == _paragraph_rows(paths[0].read_text(encoding="utf-8"))


def test_the_cap_takes_the_charted_rows_then_the_lagging_ones_in_the_table_order(province):
    table, details = province
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(table, details, max_charts=5, date="2023-12-20")
    chosen = narrative.described_rows(report, cap=8)
    assert len(chosen) == 8 and chosen == sorted(chosen)
    assert set(report.charted) <= set(chosen)
    lagging = [i for i, r in enumerate(report.rows) if i not in report.charted and r.category == "behind"]
    extra = [i for i in chosen if i not in report.charted]
    assert len(extra) == 3 and extra == lagging[:3]  # the first lagging rows in the table's order fill the cap


def test_english_report_says_where_the_other_targets_are(province):
    table, details = province
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(table, details, lang="en", date="2023-12-20")
    k = len(report.described)
    assert report.described_note == (
        f"This section describes {k} of the report's 260 targets (those with a fan chart, those behind schedule "
        f"or not completed, and binding targets with a probability below 50%); the other {260 - k} are in the main "
        "table, and the workbook's Narrative sheet describes every target.")


def test_at_or_below_the_cap_every_target_keeps_its_paragraph(tmp_path):
    table, details = _assessed(COUNTIES[:60])  # 120 targets (SYNTHETIC)
    paths = [tmp_path / "r.html", tmp_path / "r.docx"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = write_report(table, details, paths, date="2023-12-20")
    assert report.described is None and report.described_note == ""
    html = paths[0].read_text(encoding="utf-8")
    assert _paragraph_rows(html) == [r.number for r in report.rows]
    assert "本节逐项说明其中" not in html
    assert re.search(r"合成东山甲县（2项）", html)
    paras = {p.text for p in Document(str(paths[1])).paragraphs}
    assert all(r.narrative in paras for r in report.rows)


def test_a_rows_category_is_computed_once(province, monkeypatch):
    table, details = province
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(table, details, max_charts=0, date="2023-12-20")
    calls = []
    real = model.row_category
    monkeypatch.setattr(model, "row_category", lambda r, kind="": calls.append(1) or real(r, kind))
    first = [r.category for r in report.rows]
    again = [r.category for _ in range(5) for r in report.rows]
    assert again == first * 5 and len(calls) == 0  # computed while the report was built, not at every access
    report.rows[0].kind = "baseline"  # a new kind is asked again, once
    report.rows[0].category, report.rows[0].category
    assert len(calls) == 1


# ----------------------------------------------------------------------------------------------- risk evaluate
def _sampling(counties: int = 30, seed: int = 4) -> pd.DataFrame:
    """Counts of 40 categories x ``counties`` counties x 5 quarters (SYNTHETIC): each category a failure rate
    between 0.5 % and 8 %, each county a factor; 1,200 groups by category and region at 30 counties."""
    rng = np.random.default_rng(seed)
    cats = [f"类别{j:02d}" for j in range(40)]
    base = dict(zip(cats, np.linspace(0.005, 0.08, len(cats))))
    rows = []
    for c in range(counties):
        factor = rng.uniform(0.6, 1.6)
        for q in ("2022Q1", "2022Q2", "2022Q3", "2022Q4", "2023Q1"):
            for cat in cats:
                n = int(rng.integers(20, 120))
                rows.append(dict(region=f"第{c + 1:02d}县", period=q, category=cat, tested=n,
                                 failed=int(rng.binomial(n, min(base[cat] * factor, 0.5)))))
    return pd.DataFrame(rows)


def _evaluate(samples, seed=0, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.risk.evaluate(samples, by=["category", "region"], train_until="2022Q4", test_period="2023Q1",
                                budget=20000, seed=seed, **kw)


def test_evaluate_in_chunks_is_seeded_and_its_intervals_hold_the_figures(monkeypatch):
    samples = _sampling()
    monkeypatch.setattr(ev, "BOOT_CELLS", 50_000, raising=False)  # 41 resamples a chunk of 1,200 groups
    a = _evaluate(samples).metrics
    b = _evaluate(samples).metrics
    assert a == b or all(a[k] == b[k] or (np.isnan(a[k]) and np.isnan(b[k])) for k in a)
    assert a["groups"] == 1200
    other = _evaluate(samples, seed=1).metrics
    assert other["auc_lo"] != a["auc_lo"] or other["auc_hi"] != a["auc_hi"]
    for key in ("auc", "plan_vs_volume", "plan_vs_volume_lots", "plan_vs_even", "plan_vs_even_lots"):
        lo, hi = a[f"{key}_lo"], a[f"{key}_hi"]
        assert np.isfinite(lo) and np.isfinite(hi) and lo < hi, key
        assert lo <= a[key] <= hi, key
    assert 0.5 < a["auc_lo"] < a["auc_hi"] < 1.0  # the rates differ 16-fold between categories
    assert a["plan_vs_volume_lo"] > 1.0  # the risk plan finds more than the volume plan, surely


def test_evaluate_holds_only_a_chunk_of_resamples_at_once(monkeypatch):
    """The (resamples x groups) arrays held at once are bounded by BOOT_CELLS, not by resamples x groups."""
    rng = np.random.default_rng(3)
    G = 4000  # SYNTHETIC groups
    n = rng.integers(10, 200, G).astype(float)
    k = rng.binomial(n.astype(int), 0.03).astype(float)
    risk = rng.uniform(0.01, 0.05, G)
    b_plan, b_vol = rng.integers(1, 20, G).astype(float), rng.integers(1, 20, G).astype(float)
    market = np.full(G, np.inf)
    monkeypatch.setattr(ev, "BOOT_CELLS", 40_000, raising=False)  # 10 resamples a chunk
    tracemalloc.start()
    out = ev._resampled_intervals(n, k, risk, b_plan, b_vol, market, None, seed=0, reps=400, b_even=b_vol)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # all at once: 400 x 4,000 x 8 bytes = 12.8 MB an array, about ten of them; in chunks: ~0.3 MB an array
    assert peak < 20e6, f"peak {peak / 1e6:.0f} MB"
    assert out["auc_lo"] < out["auc_hi"] and out["plan_vs_volume_lo"] < out["plan_vs_volume_hi"]


def test_risk_evaluate_shows_its_steps_and_a_bar_over_the_resamples(tmp_path, capsys):
    src = tmp_path / "抽检.csv"
    _sampling(counties=10).to_csv(src, index=False, encoding="utf-8-sig")
    out = tmp_path / "ev.csv"
    rc = main(["risk", "evaluate", "--samples", str(src), "--by", "category,region", "--train-until", "2022Q4",
               "--test-period", "2023Q1", "--budget", "5000", "--out", str(out), "--no-track"])
    assert rc == 0 and out.exists()
    err = capsys.readouterr().err
    assert "scoring the periods up to 2022Q4" in err
    assert "resampling the intervals: 1000/1000 resamples (100%)" in err


def test_evaluate_is_silent_by_default(capsys):
    _evaluate(_sampling(counties=5))
    assert "resampling" not in capsys.readouterr().err


def test_above_the_cap_every_region_gets_paragraphs_not_only_the_first_ones():
    """30 fictional districts x 10 lagging targets (SYNTHETIC): 300 rows needing a paragraph, 200 places. Taken in the
    table's order the first 20 districts would fill the section and the last 10 get no heading at all; the rows are
    taken one district at a time in turn instead."""
    regions = [f"合成{a}{b}区" for a in "东南西北中" for b in "甲乙丙丁戊己"]
    plan, hist = [], []
    for r in regions:
        for k in range(10):
            plan.append(dict(region=r, indicator=f"rate{k}", name=f"合格率{k}", unit="%", baseline_year=2020,
                             baseline=90.0, target_year=2025, target="≥98", attribute="约束性"))
            for y in range(2020, 2024):
                hist.append(dict(region=r, indicator=f"rate{k}", name=f"合格率{k}", unit="%", year=y,
                                 value=round(90.0 + 0.1 * (y - 2020) + 0.01 * k, 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(pd.DataFrame(hist), mt.read_plan(pd.DataFrame(plan)), n_paths=200,
                                            seed=0, as_of=2023)
        report = build_report(table, details, max_charts=0, date="2023-12-20")
    assert len(report.rows) == 300 and all(narrative.needs_paragraph(r) for r in report.rows)
    described = list(report.described)
    assert len(described) == narrative.MAX_DESCRIBED
    per_region = pd.Series([str(report.rows[i].raw["region"]) for i in described]).value_counts()
    assert set(per_region.index) == set(regions)  # every district keeps paragraphs
    assert per_region.max() - per_region.min() <= 1  # shared out evenly: 6 or 7 each
    assert described == sorted(described)  # in the table's order
