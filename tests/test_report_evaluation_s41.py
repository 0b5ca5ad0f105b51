"""The 总结评估 report as the 办公室主任 who signs it reads it (session 41, prober Q6): a target adjusted mid-term shown
with its first target, why a missed target was missed (the pace needed against the one achieved), a generated
存在的问题 section and numbered table captions, and the paces of whole-number and 零发生 rows.

Inputs are SYNTHETIC (labelled so), shaped like a bureau's: a plan with 2025年目标 and 2025年目标（中期调整）
columns, a wide history 2020-2025."""
from __future__ import annotations

import warnings

import pytest

import mstarget as mt
from mstarget.report import build_report, write_report
from mstarget.report.narrative import problems

PLAN = """序号,指标名称,单位,2020年基数,2025年目标,2025年目标（中期调整）,属性
1,企业标准,项,〔38〕,〔117〕,〔100〕,预期性
2,每万人口高价值发明专利拥有量,件/万人,〔1.04〕,〔3〕,,预期性
3,千人食品检验量,批次/千人,5,≥6,,约束性
4,执业药师数,人/万人口,4.4,≥4.6,,预期性
5,较大以上特种设备事故,起,0,零发生,,约束性
6,知识产权质押登记融资金额,亿元,〈0〉,〈5〉,,预期性
7,药品抽检合格率,%,98,≥99,,预期性
"""
# SYNTHETIC figures (not real data); 执业药师数 flat since 2022, 知识产权质押 2023 not reported
HISTORY = """指标名称,单位,2020年,2021年,2022年,2023年,2024年,2025年
企业标准,项,38,52,66,80,93,105
每万人口高价值发明专利拥有量,件/万人,1.04,1.30,1.62,1.90,2.21,2.45
千人食品检验量,批次/千人,5,5.1,5.3,5.4,5.5,5.6
执业药师数,人/万人口,4.4,4.4,4.5,4.5,4.5,4.5
较大以上特种设备事故,起,0,0,0,2,0,0
知识产权质押登记融资金额,亿元,,0.8,1.1,,1.0,1.2
药品抽检合格率,%,98,98.3,98.5,98.6,98.8,98.9
"""


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    d = tmp_path_factory.mktemp("s41_eval")
    (d / "plan.csv").write_text(PLAN, encoding="utf-8")
    (d / "history.csv").write_text(HISTORY, encoding="utf-8")
    from mstarget.assess import read_inputs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan, history = read_inputs(str(d / "history.csv"), str(d / "plan.csv"), "鼎湖区")
        table, details = mt.assess_detailed(history, plan, seed=0)
    return table, details, plan, d


def _report(assessed, lang=None):
    table, details, plan, _ = assessed
    return build_report(table, details, plan=plan, lang=lang, as_of=2025, date="2026-12-06")


def _row(report, name):
    return next(r for r in report.rows if r.cells["name"].text == name)


# --- 1. a target adjusted mid-term -----------------------------------------------------------------------------

def test_adjusted_target_marked_and_its_first_target_noted(assessed):
    rep = _report(assessed)
    row = _row(rep, "企业标准")
    assert row.cells["target"].text == "≥〔100〕ᵃ"
    assert row.cells["target_original"].text == "≥〔117〕"
    note = next(n for n in rep.notes if "中期调整" in n and "企业标准" in n)
    assert "企业标准原目标≥〔117〕，经中期调整为≥〔100〕" in note
    assert any("按规划原文写法列示" in n and "标“ᵃ”的目标为中期调整后的目标" in n for n in rep.notes)  # the table note no longer claims 按规划原文写法 alone


def test_adjusted_target_paragraphs_say_the_first_target_and_how_it_stands(assessed):
    rep = _report(assessed)
    text = _row(rep, "企业标准").narrative
    assert "目标经中期调整（原目标≥117项，调整为≥100项），按调整后目标评价；对照原目标为未达到，完成原目标增量的85%。" in text
    assert text.endswith("评价：已完成。")
    assert "1项指标目标经中期调整（企业标准：原目标≥〔117〕，调整为≥〔100〕），按调整后目标评价；对照原目标，企业标准未达到。" \
        in rep.overall
    en = _report(assessed, "en")
    assert "first ≥117" in _row(en, "企业标准").narrative and "85%" in _row(en, "企业标准").narrative
    assert "1 target was adjusted mid-term" in en.overall
    assert any("ᵃ" in n and "first ≥〔117〕" in n for n in en.notes)


def test_adjusted_target_in_every_format(assessed):
    table, details, plan, d = assessed
    paths = [d / "r.html", d / "r.docx", d / "r.xlsx"]
    write_report(table, details, paths, plan=plan, as_of=2025, date="2026-12-06", max_charts=0)
    page = paths[0].read_text(encoding="utf-8")
    assert "≥〔100〕ᵃ" in page and "原目标≥〔117〕" in page
    import docx
    doc = docx.Document(str(paths[1]))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "≥〔100〕ᵃ" in cells
    assert any("企业标准原目标≥〔117〕，经中期调整为≥〔100〕" in p.text for p in doc.paragraphs)
    import openpyxl
    wb = openpyxl.load_workbook(paths[2])
    values = [c.value for r in wb.worksheets[0].iter_rows() for c in r]
    assert "≥〔100〕ᵃ" in values


def test_fan_chart_draws_the_first_target(assessed):
    from mstarget.report.charts import target_chart
    rep = _report(assessed)
    row = _row(rep, "企业标准")
    fig = target_chart(row.assessment, number=row.number, original_target=117.0)
    ys = [ln.get_ydata()[0] for ln in fig.axes[0].get_lines() if len(ln.get_ydata())]
    assert 117.0 in [float(y) for y in ys]
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("原目标" in t and "117" in t for t in labels)


# --- 2. why a target was missed --------------------------------------------------------------------------------

def test_missed_stock_says_pace_needed_against_pace_achieved(assessed):
    text = _row(_report(assessed), "每万人口高价值发明专利拥有量").narrative
    assert "未达到目标（≥3件/万人）。规划要求年均+0.39件/万人，实际年均+0.28件/万人，完成目标增量的72%。评价：未完成。" in text


def test_missed_rate_pace_in_points_and_flat_years_said(assessed):
    rep = _report(assessed)
    assert "规划要求年均+0.20个百分点，实际年均+0.18个百分点，完成目标增量的90%。" in _row(rep, "药品抽检合格率").narrative
    en = _report(assessed, "en")
    assert "The plan needed +0.39件/万人 a year; the figure moved +0.28件/万人 a year, 72% of the planned increase." \
        in _row(en, "每万人口高价值发明专利拥有量").narrative


def test_stalled_figure_said(tmp_path):
    """A level unchanged 2022-2025 that missed its target: 2022年以来持平 (SYNTHETIC rows)."""
    from mstarget.assess import read_inputs
    (tmp_path / "plan.csv").write_text("序号,指标名称,单位,2020年基数,2025年目标,属性\n1,执业药师数,人/万人口,4.2,≥4.8,预期性\n",
                                       encoding="utf-8")
    (tmp_path / "history.csv").write_text("指标名称,单位,2020年,2021年,2022年,2023年,2024年,2025年\n"
                                          "执业药师数,人/万人口,4.2,4.3,4.5,4.5,4.5,4.5\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan, history = read_inputs(str(tmp_path / "history.csv"), str(tmp_path / "plan.csv"), "鼎湖区")
        table, details = mt.assess_detailed(history, plan, seed=0)
    rep = build_report(table, details, plan=plan, as_of=2025, date="2026-12-06")
    assert "规划要求年均+0.12人/万人口，实际年均+0.06人/万人口，完成目标增量的50%，2022年以来持平。" in rep.rows[0].narrative


def test_incidents_and_sums_keep_their_own_sentences(assessed):
    rep = _report(assessed)
    text = _row(rep, "较大以上特种设备事故").narrative
    assert "2023年发生2起，规划期内未实现零发生" in text and "规划要求" not in text


# --- 3. 存在的问题 and captions --------------------------------------------------------------------------------

def test_problems_section_lists_missed_binding_first_then_missing_data(assessed):
    rep = _report(assessed)
    p = rep.problems
    assert p[0].startswith("千人食品检验量（约束性）：2025年5.6批次/千人，未达到目标（≥6批次/千人），差0.4批次/千人。规划要求年均+0.20")
    assert p[1] == "较大以上特种设备事故（约束性）：2023年2起，未实现零发生。"
    assert any(x.startswith("药品抽检合格率：") and "差0.1个百分点" in x for x in p)
    assert any(x.startswith("执业药师数：数据不足") for x in p) or any(x.startswith("知识产权质押登记融资金额：数据不足") for x in p)
    assert not any("下一步" in x or "建议" in x for x in p)
    sec = rep.sections()
    assert list(sec.values())[:5] == ["一、总体情况", "二、分类汇总", "三、主要指标评估表", "四、存在的问题", "五、总览图"]


def test_problems_and_captions_rendered(assessed):
    table, details, plan, d = assessed
    paths = [d / "p.html", d / "p.docx"]
    write_report(table, details, paths, plan=plan, as_of=2025, date="2026-12-06", max_charts=0)
    page = paths[0].read_text(encoding="utf-8")
    assert "<h2>四、存在的问题</h2>" in page and "表1 分类汇总" in page and "表2 主要指标完成情况" in page
    assert page.index("表2 主要指标完成情况") < page.index("四、存在的问题") < page.index("五、总览图")
    import docx
    texts = [p.text for p in docx.Document(str(paths[1])).paragraphs]
    assert "四、存在的问题" in texts and "表1 分类汇总" in texts and "表2 主要指标完成情况" in texts
    assert any(t.startswith("（一）千人食品检验量（约束性）") for t in texts)


# --- 4. paces of incident counts and whole-number series -------------------------------------------------------

def test_incident_count_has_no_pace(assessed):
    row = _row(_report(assessed), "较大以上特种设备事故")
    assert row.cells["observed_pace"].text == "–"


def test_whole_number_series_pace_keeps_its_decimal(assessed):
    row = _row(_report(assessed), "企业标准")
    assert row.cells["observed_pace"].text == "+13.4"  # (105 - 38) / 5, not +13


def test_targets_awaiting_the_same_years_are_one_line_of_the_problems(data_dir):
    """The shipped Dinghu plan alone (no history): 14 rows awaiting 2021-2025 are one request, not 14 lines (R1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(None, data_dir / "dinghu_14th_fyp_plan.csv", seed=0)
    lines = problems(mt.report.build_report(table, details, date="2026-12-06"))
    assert len(lines) == 1
    assert lines[0].startswith("期末市场主体总量、") and "14项：数据不足，未作评价。请补报2021年至2025年数据。" in lines[0]


# --- 5. FP3's misfires: a target met at its baseline, several regions, an adjusted-up target, a 中期评估 ------------
# SYNTHETIC figures (not real data): 保持类 targets the baseline already met (≥98 from 98.5, ≤10 from 9, ≥98 from 98),
# 企业标准 raised mid-term 〔100〕 -> 〔117〕 and reaching 105, 万人特种设备隐患量 eased ≤10 -> ≤11
HELD_PLAN = """序号,指标名称,单位,2020年基数,2025年目标,2025年目标（中期调整）,属性
1,食品抽检合格率,%,98.5,≥98,,约束性
2,万人产品伤害量,件/万人,9,≤10,,约束性
3,药品抽检合格率,%,98,≥98,,预期性
4,企业标准,项,〔38〕,〔100〕,〔117〕,预期性
5,万人特种设备隐患量,件/万人,12,≤10,≤11,预期性
6,万人消费纠纷量,件/万人,12,≤10,,预期性
"""
HELD_HISTORY = """指标名称,单位,2020年,2021年,2022年,2023年,2024年,2025年
食品抽检合格率,%,98.5,98.4,98.2,98,97.9,97.8
万人产品伤害量,件/万人,9,9.5,10,10.5,10.8,11
药品抽检合格率,%,98,97.9,97.9,97.9,97.9,97.9
企业标准,项,38,52,66,80,93,105
万人特种设备隐患量,件/万人,12,11.8,11.4,11.0,10.8,10.5
万人消费纠纷量,件/万人,12,12,11.8,11.5,11.2,11.0
"""


def _held(tmp_path, history=HELD_HISTORY, as_of=2025, lang=None):
    from mstarget.assess import read_inputs
    (tmp_path / "plan.csv").write_text(HELD_PLAN, encoding="utf-8")
    (tmp_path / "history.csv").write_text(history, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan, hist = read_inputs(str(tmp_path / "history.csv"), str(tmp_path / "plan.csv"), "鼎湖区")
        table, details = mt.assess_detailed(hist, plan, seed=0)
    return build_report(table, details, plan=plan, lang=lang, as_of=as_of, date="2026-12-06")


def _line(lines, start):
    return next(x for x in lines if x.startswith(start))


def test_target_met_at_baseline_then_missed_asks_no_pace(tmp_path):
    """A 保持类 target the baseline already met asked for no pace: never 规划要求年均-0.10个百分点 (a fall the plan wanted?),
    +0.2件/万人 (a rise?) or 0 -- the baseline met it, the figure fell back (or rose past a ceiling)."""
    rep = _held(tmp_path)
    food = _line(rep.problems, "食品抽检合格率（约束性）：")
    assert food == ("食品抽检合格率（约束性）：2025年97.8%，未达到目标（≥98%），差0.2个百分点。"
                    "2020年基期（98.5%）已达到目标，其后回落，较基期下降0.7个百分点。")
    harm = _line(rep.problems, "万人产品伤害量（约束性）：")
    assert "2020年基期（9件/万人）已达到目标，其后回升，较基期上升2.0件/万人。" in harm and "规划要求" not in harm
    drug = _line(rep.problems, "药品抽检合格率：")
    assert "2020年基期（98%）已达到目标，其后回落，较基期下降0.1个百分点，2021年以来持平。" in drug
    assert "规划要求年均0" not in drug
    assert "已达到目标，其后回落" in _row(rep, "食品抽检合格率").narrative  # the row says what 存在的问题 says
    en = _held(tmp_path, lang="en")
    assert "The base year 2020 (98.5%) already met the target; the figure has since fallen 0.7 percentage points." \
        in _row(en, "食品抽检合格率").narrative


def test_adjusted_up_target_missed_says_so_in_the_problems(tmp_path):
    """企业标准 raised 〔100〕 -> 〔117〕 and reaching 105: 存在的问题 says the target missed is the adjusted one, and that
    the first one was met -- not a bare 未达到目标（≥117项）."""
    rep = _held(tmp_path)
    line = _line(rep.problems, "企业标准：")
    assert line.startswith("企业标准：2025年105项，未达到中期调整后目标（≥117项），差12项；对照原目标（≥100项）已达到。")
    en = _held(tmp_path, lang="en")
    line = _line(en.problems, "企业标准:")
    assert "against the mid-term adjusted target (≥117项), 12项 short; the first target (≥100项) was met." in line


def test_english_problems_say_a_ceiling_exceeded_is_above_it(tmp_path):
    en = _held(tmp_path, lang="en")
    line = _line(en.problems, "万人消费纠纷量:")
    assert "11.0件/万人 in 2025 against the target (≤10件/万人), 1.0件/万人 above it." in line and "short" not in line
    assert "0.2 percentage points short" in _line(en.problems, "食品抽检合格率 (binding):")  # a floor missed: short


def test_midterm_overall_paragraph_judges_no_first_target(tmp_path):
    """A 中期评估 (data to 2023): 万人特种设备隐患量 at 11.0 meets the eased ≤11 early; its row says nothing against the
    first ≤10 (the target year is to come), nor does the overall paragraph (it said 对照原目标…未达到)."""
    mid = "\n".join(",".join(line.split(",")[:6]) for line in HELD_HISTORY.strip().splitlines()) + "\n"
    rep = _held(tmp_path, history=mid, as_of=2023)
    assert rep.kind != "final"
    assert "对照原目标" not in _row(rep, "万人特种设备隐患量").narrative
    assert "万人特种设备隐患量：原目标≤10，调整为≤11" in rep.overall
    assert "对照原目标" not in rep.overall
    final = _held(tmp_path)  # with 2025 observed the judgement stands, in the row and the paragraph alike
    assert "对照原目标，万人特种设备隐患量未达到" in final.overall


# SYNTHETIC four regions: 食品抽检合格率 from 97 to ≥98 missed in three (97.5, 97.7, 97.9), met in one
REGIONS_PLAN = "region,indicator,name,unit,baseline_year,baseline,target_year,target,attribute\n" + "".join(
    f"{g},b,食品抽检合格率,%,2020,97,2025,≥98,约束性\n{g},c,万人消费纠纷量,件/万人,2020,12,2025,≤10,预期性\n"
    for g in ("东区", "西区", "南区", "北区"))
REGIONS_HISTORY = """地区,指标名称,单位,2020年,2021年,2022年,2023年,2024年,2025年
东区,食品抽检合格率,%,97.0,97.1,97.2,97.3,97.4,97.5
东区,万人消费纠纷量,件/万人,12.0,11.5,11.0,10.5,10.0,9.5
西区,食品抽检合格率,%,97.0,97.1,97.3,97.4,97.6,97.7
西区,万人消费纠纷量,件/万人,12.0,11.8,11.6,11.4,11.2,11.0
南区,食品抽检合格率,%,97.0,97.2,97.4,97.6,97.8,97.9
南区,万人消费纠纷量,件/万人,12.0,11.5,11.0,10.5,10.0,9.6
北区,食品抽检合格率,%,97.0,97.3,97.6,97.9,98.1,98.3
北区,万人消费纠纷量,件/万人,12.0,11.5,11.0,10.5,10.0,9.4
"""


def test_problems_of_several_regions_grouped_by_indicator_with_one_decimal_setting(tmp_path):
    """Several regions: the targets missed said once per indicator (binding first), its regions' figures after it, the
    pace needed said once; each pace with the indicator's places (+0.10 beside +0.14, never +0.1 in one region)."""
    (tmp_path / "plan.csv").write_text(REGIONS_PLAN, encoding="utf-8")
    (tmp_path / "history.csv").write_text(REGIONS_HISTORY, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan, hist = mt.read_plan(tmp_path / "plan.csv"), mt.read_history(tmp_path / "history.csv")
        table, details = mt.assess_detailed(hist, plan, seed=0)
    rep = build_report(table, details, plan=plan, as_of=2025, date="2026-12-06")
    lines = rep.problems
    assert len(lines) == 2, lines
    assert lines[0] == ("食品抽检合格率（约束性）：3个地区未达到目标（≥98%），规划要求年均+0.20个百分点。"
                        "东区2025年97.5%，差0.5个百分点，实际年均+0.10个百分点，完成目标增量的50%；"
                        "西区2025年97.7%，差0.3个百分点，实际年均+0.14个百分点，完成目标增量的70%；"
                        "南区2025年97.9%，差0.1个百分点，实际年均+0.18个百分点，完成目标增量的90%。")
    assert lines[1].startswith("西区万人消费纠纷量：2025年11.0件/万人，未达到目标（≤10件/万人），差1.0件/万人。")
    east = next(r for r in rep.rows if r.raw.get("region") == "东区" and "食品" in r.cells["name"].text)
    assert "规划要求年均+0.20个百分点，实际年均+0.10个百分点" in east.narrative  # the row reads as the section does
