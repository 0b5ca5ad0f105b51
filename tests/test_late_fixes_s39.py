"""Late fixes of session 39 (fixer F13): the Word main table's column widths, and a 总结评估's 零发生 row missed by a
part-year incident.

1. The national main table (20 columns, 六号, on the 公文's landscape 版心 of 22.5 cm) wrapped 2020 / 2025 / 2022,
   ≥12, 40%, 84.91 mid-number: the column widths were scaled down by one factor together with the 0.4 cm allowed for
   the cell margins, which Word keeps fixed (0.19 cm a side). Every figure must sit on one line in its column.
2. A 零发生 target with 2021-2024 all 0 and ``2025年1-6月`` 1起, assessed as of 2025 without 2025's whole-year figure,
   read 数据不足 (its heading ``鼎湖区 重大食品安全事故数据不足``, counted among 数据不足) though its note said the target
   was missed: an incident of the period misses 零发生 whatever the target year's full figure -- 未完成.

Inputs: the shipped national plan and history (real data); the 零发生 districts are SYNTHETIC (made up here).
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import lxml.html
import pandas as pd
import pytest
from docx import Document

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import write_report
from mstarget.schedule import evaluation_categories, evaluation_category

DATA = Path(__file__).resolve().parents[1] / "data" / "china"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# ---------------------------------------------------------------------------------------------------------------
# 1. the Word main table: no figure split across lines

#: Times New Roman advance widths (em) of what a figure is written with; 汉字 (〔〕) a whole em, other ASCII half an em
_EM = {**{d: 0.5 for d in "0123456789"}, ".": 0.25, ",": 0.25, "%": 0.833, "-": 0.333, "+": 0.564, "≥": 0.549,
       "≤": 0.549, "–": 0.5, "/": 0.278, "〔": 1, "〕": 1, "〈": 1, "〉": 1}
#: a cell holding a figure: 2020, ≥12, 84.91, 40%, +0.87, -1371%, 〔16.22〕, 36.0–199.6
_FIGURE = re.compile(r"^[≥≤+\-〔〈]*\d[\d.,]*[%〕〉]*(?:–[+\-]?\d[\d.,]*%?)?$")


def _twips(text: str, pt: float) -> float:
    """The width (dxa) of ``text`` on one line at ``pt`` points."""
    return sum(_EM.get(c, 0.5 if ord(c) < 128 else 1.0) for c in text) * pt * 20


def _split_figures(path) -> list[tuple[int, str, str, float, float]]:
    """Every figure cell of every table of the document that is wider than its column less the cell margins (the
    table's own w:tblCellMar, else the Table Grid style's 108 + 108 dxa): (table, header, text, need, room)."""
    bad = []
    for ti, t in enumerate(Document(str(path)).tables):
        grid = [int(g.get(f"{W}w")) for g in t._tbl.iter(f"{W}gridCol")]
        mar = t._tbl.tblPr.find(f"{W}tblCellMar")
        margins = 216 if mar is None else sum(int(mar.find(f"{W}{side}").get(f"{W}w")) for side in ("left", "right"))
        sizes = [int(s.get(f"{W}val")) / 2 for s in t._tbl.iter(f"{W}sz")]
        pt = max(sizes) if sizes else 10.5
        for row in t.rows[1:]:
            for j, cell in enumerate(row.cells[:len(grid)]):
                text = cell.text.strip()
                if _FIGURE.match(text) and _twips(text, pt) > grid[j] - margins + 0.5:
                    bad.append((ti, t.rows[0].cells[j].text, text, _twips(text, pt), grid[j] - margins))
    return bad


@pytest.fixture(scope="module", params=["zh", "en"])
def national_2022(request, tmp_path_factory):
    """The shipped national plan and history (real data) as of 2022, as ``mstarget report --as-of 2022`` writes it."""
    out = tmp_path_factory.mktemp("widths") / f"national_{request.param}.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(pd.read_csv(DATA / "national_history.csv"), DATA / "national_targets.csv",
                                         as_of=2022, seed=0)
        write_report(table, details, [out], as_of=2022, lang=request.param, date="2026-12-06")
    return out


def test_word_main_table_writes_every_figure_on_one_line(national_2022):
    """基期年 / 目标年 / 最新年 2020 / 2025 / 2022, ≥12, 6.3, 40%, 76%, 84.91 (and the English No. and Target) each fit
    their column less its cell margins: before, 2020 at 7.5 pt (about 300 dxa) had 260 dxa in a 476 dxa column."""
    doc = Document(str(national_2022))
    main = max(doc.tables, key=lambda t: len(t.columns))
    assert len(main.columns) == 20
    figures = [c.text for r in main.rows[1:] for c in r.cells if _FIGURE.match(c.text.strip())]
    assert {"2020", "2025", "2022", "≥12", "84.91"} <= set(figures)
    assert _split_figures(national_2022) == []
    grid = [int(g.get(f"{W}w")) for g in main._tbl.iter(f"{W}gridCol")]
    assert sum(grid) <= 12760  # still within the landscape 版心 (22.5 cm)
    sizes = {int(s.get(f"{W}val")) / 2 for s in main._tbl.iter(f"{W}sz")}
    assert min(sizes) >= 6.5  # 六号, or 小六 at the smallest


def test_widths_reserve_the_fixed_cell_margins():
    """Twenty columns of years in 22.5 cm at 六号: each keeps the year's width plus its margins -- the margins are
    not scaled down with the text -- and the name column takes what is left."""
    from mstarget.report.docx import _widths
    header = ["序号", "指标名称"] + [f"列{j}" for j in range(18)]
    rows = [["1", "每万人口高价值发明专利拥有量"] + ["2020"] * 18]
    widths = _widths(header, rows, 22.5, size=7.5, wide=1, margin_cm=0.1)
    year_cm = 2.0 * 7.5 / 72 * 2.54  # "2020": two ems at 7.5 pt
    assert abs(sum(widths) - 22.5) < 1e-6
    assert all(w - 0.2 >= year_cm for w in widths[2:])
    # too many columns even for their figures: the text's share shrinks, never the margins
    tight = _widths(header, rows, 8.0, size=7.5, wide=1, margin_cm=0.19)
    assert abs(sum(tight) - 8.0) < 1e-6 and min(tight) > 0.38


# ---------------------------------------------------------------------------------------------------------------
# 2. 零发生 missed by an incident of the period: 未完成 in a 总结评估 without the target year's whole figure

#: SYNTHETIC 十四五 plan (2020 base, 2025 targets) of two districts
PLAN = """region,indicator,name,unit,baseline_year,baseline,target_year,target,attribute
鼎湖区,major_food_incidents,重大食品安全事故,起,2020,0,2025,零发生,约束性
鼎湖区,wage_cases_open,欠薪案件未办结数,件,2020,3,2025,0,约束性
四会市,major_food_incidents,重大食品安全事故,起,2020,0,2025,零发生,约束性
"""
#: SYNTHETIC history to 2024 with 2025's first half: 鼎湖区 had 1 起 in 2025年1-6月
HIST_PART = """地区,指标名称,单位,2020,2021,2022,2023,2024,2025年1-6月
鼎湖区,重大食品安全事故,起,0,0,0,0,0,1
鼎湖区,欠薪案件未办结数,件,3,4,2,3,1,5
四会市,重大食品安全事故,起,0,0,0,0,0,0
"""
#: SYNTHETIC history to 2024: 鼎湖区 had 1 起 in 2022
HIST_EARLY = """地区,指标名称,单位,2020,2021,2022,2023,2024
鼎湖区,重大食品安全事故,起,0,0,1,0,0
四会市,重大食品安全事故,起,0,0,0,0,0
"""


def _inputs(tmp_path, hist):
    (tmp_path / "plan.csv").write_text(PLAN, encoding="utf-8")
    (tmp_path / "hist.csv").write_text(hist, encoding="utf-8")
    return tmp_path / "hist.csv", tmp_path / "plan.csv"


def _assess(tmp_path, hist):
    h, p = _inputs(tmp_path, hist)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess_detailed(h, p, as_of=2025, seed=0)


@pytest.mark.parametrize("hist", [HIST_PART, HIST_EARLY], ids=["2025年1-6月", "2022"])
def test_zero_target_missed_by_an_incident_is_not_completed_without_the_target_year(tmp_path, hist):
    """2025年1-6月 1起 (or 2022 1起), 2025's whole figure not reported, evaluated as of 2025: 未完成, not 数据不足; the
    district without an incident stays 数据不足 (2025 awaited), and the vectorised and per-row rules agree."""
    table, _ = _assess(tmp_path, hist)
    food = table[table["indicator"] == "major_food_incidents"].set_index("region")
    assert food.loc["鼎湖区", "p_meet"] == 0
    assert food.loc["鼎湖区", "evaluation"] == "not_completed"
    assert food.loc["鼎湖区", "category_zh"] == "未完成"
    assert food.loc["四会市", "category_zh"] == "数据不足"
    per_row = [evaluation_category(r) for r in table.to_dict("records")]
    assert per_row == evaluation_categories(table).tolist() == table["evaluation"].tolist()


def test_zero_target_missed_in_part_of_the_target_year_reads_missed_in_the_report(tmp_path):
    """The report's heading, overview and category table count the row as 未完成 (before: ``鼎湖区
    重大食品安全事故数据不足`` and 数据不足 in the overview)."""
    table, details = _assess(tmp_path, HIST_PART)
    out = tmp_path / "b.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_report(table, details, [out], as_of=2025, date="2026-12-06")
    page = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    for el in page.xpath("//script|//style"):
        el.drop_tree()
    text = re.sub(r"\s+", " ", page.text_content())
    assert "鼎湖区 重大食品安全事故（未完成）" in text  # the heading's label, in its unseen brackets (session 48)
    assert "鼎湖区 重大食品安全事故（数据不足）" not in text
    assert "约束性指标中未完成的有1项：重大食品安全事故（鼎湖区）" in text
    assert "数据不足的有：重大食品安全事故（四会市）、欠薪案件未办结数（鼎湖区）" in text
    # its 2025 figure is not reported: not among the targets "目标年已有实际数据"
    assert "规划期内已发生事故、目标年数据尚未报送的1项未完成" in text
    assert "目标年已有实际数据的1项未完成" not in text


def test_zero_target_missed_mid_period_is_still_under_way(tmp_path):
    """As of 2023 (the target year to come) the same 2022 incident leaves the schedule's category (滞后 or the like),
    not yet 未完成: the rule waits for the target year."""
    h, p = _inputs(tmp_path, HIST_EARLY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = mt.assess(h, p, as_of=2023, seed=0)
    row = table[(table["region"] == "鼎湖区") & (table["indicator"] == "major_food_incidents")].iloc[0]
    assert row["evaluation"] not in ("not_completed", "completed", "insufficient_data")
