"""零发生 against part-year and earlier-year incidents, part-year figures in Excel and English, suggest with regions,
the region matrix of a 总结评估 (session 39, prober R3).

Reported by a tester: a history's ``2026年1-10月`` column saying 1 起 for a 零发生 row left its p_meet at 11% and the
report said the figure was "不据此评价" -- incidents only accumulate, one in 1-10月 already misses the target; a 零发生
row missed in 2023 showed 距目标差距 0 and a sentence reading the target year's 0 as the verdict; the part-year cells
of a workbook were text; an English report said ``2026年1-10月``; ``mstarget suggest`` listed names three times over
without their regions; a 总结评估's region matrix showed ``–`` in every cell. Data: SYNTHETIC (made up here).
"""
from __future__ import annotations

import warnings

import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.cli.suggest import verdict_lines
from mstarget.report import build_report, write_report
from mstarget.report.charts import region_matrix_chart

#: SYNTHETIC 十五五 plan of three districts, 2025 base, 2030 targets
PLAN_15 = """序号,地区,指标名称,单位,2025年基数,2030年目标,属性
1,甲区,期末市场主体总量,万户,〔12.5〕,〔15〕,预期性
2,甲区,重大食品安全事故,起,0,零发生,约束性
1,乙区,期末市场主体总量,万户,〔2.86〕,〔3.4〕,预期性
2,乙区,重大食品安全事故,起,0,零发生,约束性
1,丙区,期末市场主体总量,万户,〔6.2〕,〔7.5〕,预期性
2,丙区,重大食品安全事故,起,1,零发生,约束性
"""
_Y = "2018年,2019年,2020年,2021年,2022年,2023年,2024年,2025年"
_ROWS = [("甲区", "期末市场主体总量", "万户", "8.1,8.7,9.2,9.9,10.6,11.2,11.9,12.5", "13.2"),
         ("甲区", "重大食品安全事故", "起", "0,0,0,0,0,0,0,0", "0"),
         ("乙区", "期末市场主体总量", "万户", "1.85,1.98,2.05,2.31,2.45,2.58,2.7,2.86", "2.96"),
         ("乙区", "重大食品安全事故", "起", "0,0,0,0,0,0,0,0", "0"),
         ("丙区", "期末市场主体总量", "万户", "4.3,4.6,4.8,5.1,5.4,5.7,5.9,6.2", "6.45"),
         ("丙区", "重大食品安全事故", "起", "0,1,0,0,2,0,0,1", "1")]
#: SYNTHETIC history to 2025, with a column of 2026's 1-10月 figures
HISTORY_PART = f"地区,指标名称,单位,{_Y},2026年1-10月\n" + "".join(f"{g},{n},{u},{v},{p}\n" for g, n, u, v, p in _ROWS)
HISTORY = f"地区,指标名称,单位,{_Y}\n" + "".join(f"{g},{n},{u},{v}\n" for g, n, u, v, _ in _ROWS)

#: SYNTHETIC 十四五 plan (2020 base, 2025 targets) and history: 乙区 had 2 incidents in 2023, 0 in 2025
PLAN_14 = """序号,地区,指标名称,单位,2020年基数,2025年目标,属性
1,甲区,重大食品安全事故,起,0,零发生,约束性
2,甲区,食品抽检合格率,%,97.3,≥98,约束性
1,乙区,重大食品安全事故,起,0,零发生,约束性
2,乙区,食品抽检合格率,%,96.9,≥98,约束性
"""
HISTORY_14 = """地区,指标名称,单位,2016年,2017年,2018年,2019年,2020年,2021年,2022年,2023年,2024年,2025年
甲区,重大食品安全事故,起,0,0,0,0,0,0,0,0,0,0
甲区,食品抽检合格率,%,96.5,96.8,97.0,97.2,97.3,97.5,97.6,97.8,97.9,98.0
乙区,重大食品安全事故,起,0,0,0,0,0,0,0,2,0,0
乙区,食品抽检合格率,%,96.0,96.2,96.5,96.8,96.9,97.0,97.2,97.3,97.4,97.5
"""


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def _assess(tmp_path, plan, history):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = mt.read_plan(_write(tmp_path, "plan.csv", plan))
        h = mt.read_history(_write(tmp_path, "hist.csv", history))
        table, details = assess_detailed(h, p, seed=1)
    return p, table, details


def _row(table, region, name):
    return table[(table["region"] == region) & (table["indicator"] == name)].iloc[0]


def test_part_year_incident_misses_none_at_all(tmp_path):
    """丙区 2026年1-10月 1起 against 零发生 over 2026-2030: missed already -- p_meet 0, off_track, 滞后, said so."""
    _, table, _ = _assess(tmp_path, PLAN_15, HISTORY_PART)
    r = _row(table, "丙区", "重大食品安全事故")
    assert r["p_meet"] == 0.0
    assert r["status"] == "off_track" and r["category"] == "behind"
    assert "2026年1-10月已发生1起，规划期内未实现零发生" in r["note"]


def test_part_year_zero_decides_nothing_and_other_rows_unchanged(tmp_path):
    _, with_part, _ = _assess(tmp_path, PLAN_15, HISTORY_PART)
    _, without, _ = _assess(tmp_path, PLAN_15, HISTORY)
    for region in ("甲区", "乙区"):  # a part-year 0: nothing decided
        for name in ("重大食品安全事故", "期末市场主体总量"):
            a, b = _row(with_part, region, name), _row(without, region, name)
            assert a["p_meet"] == b["p_meet"] and a["status"] == b["status"]
            assert "未实现零发生" not in a["note"]
    a, b = _row(with_part, "丙区", "期末市场主体总量"), _row(without, "丙区", "期末市场主体总量")
    assert a["p_meet"] == b["p_meet"]


def test_part_year_incident_in_the_report(tmp_path):
    plan, table, details = _assess(tmp_path, PLAN_15, HISTORY_PART)
    report = build_report(table, details, plan=plan, lang="zh")
    text = next(r.narrative for r in report.rows if r.raw["region"] == "丙区" and "事故" in r.raw["indicator"])
    assert "2026年1-10月已发生1起，规划期内未实现零发生" in text
    assert "不据此评价" not in text and "概率" not in text
    assert text.endswith("评价：滞后。")
    from mstarget.report.narrative import overall_paragraph
    overall = overall_paragraph(report)
    assert "丙区重大食品安全事故2026年1-10月已发生1起，规划期内未实现零发生" in overall
    assert "除零发生指标已发生的事故外，不据此评价" in overall


def test_none_at_all_missed_earlier_sentence_and_gap(tmp_path):
    """乙区: 0 in the target year 2025, 2 in 2023 -- the sentence says both, the gap cell the incidents."""
    plan, table, details = _assess(tmp_path, PLAN_14, HISTORY_14)
    zh = build_report(table, details, plan=plan, lang="zh")
    row = next(r for r in zh.rows if r.raw["region"] == "乙区" and "事故" in r.raw["indicator"])
    assert "目标年2025年为0起，但2023年发生2起，规划期内未实现零发生" in row.narrative
    assert "未达到目标" not in row.narrative
    assert row.cells["remaining"].text == "2023年2起"
    en = build_report(table, details, plan=plan, lang="en")
    row = next(r for r in en.rows if r.raw["region"] == "乙区" and "事故" in r.raw["indicator"])
    assert "was 0起, but 2 incidents occurred in 2023" in row.narrative
    assert "was missed" in row.narrative and ", so the target (零发生, i.e. ≤0起) was missed" not in row.narrative
    assert row.cells["remaining"].text == "2 in 2023"
    met = next(r for r in en.rows if r.raw["region"] == "甲区" and "事故" in r.raw["indicator"])
    assert "was met" in met.narrative and met.cells["remaining"].text == "0"


def test_part_year_cells_are_numbers_in_the_workbook(tmp_path):
    plan, table, details = _assess(tmp_path, PLAN_15, HISTORY_PART)
    out = tmp_path / "r.xlsx"
    write_report(table, details, str(out), plan=plan, lang="zh")
    wb = openpyxl.load_workbook(out)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("2026年1-10月（仅供参考）"):
                    below = [ws.cell(row=k, column=c.column) for k in range(c.row + 1, ws.max_row + 1)]
                    found += [x for x in below if x.value not in (None, "–")]
    assert found, "no part-year column"
    values = {x.value for x in found}
    assert 13.2 in values and 6.45 in values
    assert all(isinstance(x.value, (int, float)) and x.number_format != "General" for x in found)
    shown = {x.value: x.number_format for x in found}
    assert shown[6.45].endswith("0.00") and shown[13.2].endswith("0.0")


@pytest.mark.parametrize("label,said", [("2026年1-10月", "Jan-Oct 2026"), ("2026年上半年", "H1 2026"),
                                        ("2026年前三季度", "Q1-Q3 2026"), ("2026年一季度", "Q1 2026"),
                                        ("2026年部分月份", "part of 2026"), ("某某", "某某")])
def test_part_year_label_in_english(label, said):
    from mstarget.report.formatting import part_year_label
    assert part_year_label(label, "en") == said
    assert part_year_label(label, "zh") == label


def test_english_report_says_the_part_year_in_english(tmp_path):
    plan, table, details = _assess(tmp_path, PLAN_15, HISTORY_PART)
    out = tmp_path / "r.html"
    write_report(table, details, str(out), plan=plan, lang="en")
    html = out.read_text(encoding="utf-8")
    assert "Jan-Oct 2026 (part of the year, for reference)" in html
    assert "Jan-Oct 2026: 13.2万户" in html
    assert "2026年1-10月" not in html
    report = build_report(table, details, plan=plan, lang="en")
    row = next(r for r in report.rows if r.raw["region"] == "丙区" and "事故" in r.raw["indicator"])
    assert "1 incident occurred in Jan-Oct 2026" in row.narrative


def test_suggest_names_targets_with_their_regions():
    table = pd.DataFrame({
        "region": ["甲区", "甲区", "乙区", "乙区", "丙区", "丙区"],
        "indicator": ["期末市场主体总量", "重大食品安全事故"] * 3, "name": ["期末市场主体总量", "重大食品安全事故"] * 3,
        "target_year": [2030] * 6, "p_meet": [0.5, 0.9, 0.6, 0.95, 0.3, 0.1],
        "target_at_70": [1.0] * 6, "target_at_80": [1.0] * 6})
    said = verdict_lines(table, (0.7, 0.8))
    assert "达标概率低于70%（目标偏高）4项：期末市场主体总量（全部3个地区）、重大食品安全事故（丙区）" in said
    assert "达标概率高于80%（目标偏保守）2项：重大食品安全事故（2个地区：甲区、乙区）" in said


def test_final_region_matrix_shows_the_results(tmp_path):
    plan, table, details = _assess(tmp_path, PLAN_14, HISTORY_14)
    report = build_report(table, details, plan=plan, lang="zh")
    fig = region_matrix_chart(report)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "分地区评价一览（格内为评价结果）"
    texts = [t.get_text() for t in ax.texts]
    assert "未完成" in texts and "已完成" in texts and "–" not in texts


def test_an_english_title_of_several_plans_keeps_their_names_whole(tmp_path):
    # the shipped national targets name 3 plans: the English title read "质量强国建设纲要》、《国民经济…》等3项规划"
    # (the first 《 stripped, the rest kept, 等3项规划 in Chinese)
    from pathlib import Path
    import warnings
    import mstarget as mt
    data = Path(__file__).parents[1] / "data" / "china"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(str(data / "national_history.csv"), str(data / "national_targets.csv"),
                                            seed=0)
        report = mt.report.write_report(table, None, [tmp_path / "r.html"], lang="en")
    assert report.title.startswith("Final evaluation of the main indicators: 质量强国建设纲要; ")
    assert report.title.endswith("and 1 more plan (全国)") and "》" not in report.title and "项规划" not in report.title
