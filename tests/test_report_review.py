"""The evaluation report as a 处长 reviewing it for the 局长 reads it (session 43, probe H3, fixes H4): no forecast or
probability for a row the report says it cannot judge, such rows never plotted as "on schedule", a 零发生 target
already missed said so in every cell, notes that explain only what the pages show, a missed target that reached its
target and fell back said so, no model jargon, a 存在的问题 in a 中期评估 and a 下一步工作建议 heading to fill in.

Every input is SYNTHETIC (made up here, shaped like a district bureau's 十四五 plan and history)."""
from __future__ import annotations

import warnings

import pytest

import mstarget as mt
from mstarget.assess import read_inputs
from mstarget.report import build_report, write_report
from mstarget.report.charts import _overview_points

# SYNTHETIC plan: bureau headers, no region column (read with region 鼎湖区)
PLAN = """序号,指标名称,单位,2020年基数,2025年目标,指标属性
1,千人食品检验量,批次/千人,5,≥6,约束性
2,重大食品安全事故,起,0,零发生,约束性
3,化妆品抽检批次数,批次/年,9,≥10,预期性
4,企业年报公示率,%,90.5,≥95,预期性
5,执业药师数,人/万人口,4.4,≥4.6,预期性
"""
# SYNTHETIC yearly figures; 执业药师数 has none after its baseline (数据不足); 重大食品安全事故 1起 in 2022;
# 化妆品抽检批次数 reaches ≥10 in 2022, 11 in 2023, then falls back to 9
YEARS = {"千人食品检验量": ("批次/千人", [5.1, 5.2, 5.2, 5.4, 5.6]),
         "重大食品安全事故": ("起", [0, 1, 0, 0, 0]),
         "化妆品抽检批次数": ("批次/年", [9, 10, 11, 10, 9]),
         "企业年报公示率": ("%", [91.2, 92.0, 92.4, 93.1, 93.4])}


def _assessed(tmp_path, last_year: int):
    (tmp_path / "plan.csv").write_text(PLAN, encoding="utf-8")
    lines = ["region,indicator,year,value,unit"] + [
        f"鼎湖区,{name},{2021 + k},{v},{unit}" for name, (unit, vs) in YEARS.items()
        for k, v in enumerate(vs) if 2021 + k <= last_year]
    (tmp_path / "history.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan, history = read_inputs(str(tmp_path / "history.csv"), str(tmp_path / "plan.csv"), "鼎湖区")
        table, details = mt.assess_detailed(history, plan, seed=0)
    return table, details, plan


@pytest.fixture(scope="module")
def mid(tmp_path_factory):
    """The 中期评估 of 2023 (SYNTHETIC history 2021-2023)."""
    table, details, plan = _assessed(tmp_path_factory.mktemp("h4_mid"), 2023)
    return build_report(table, details, plan=plan, as_of=2023, date="2026-12-06"), (table, details, plan)


@pytest.fixture(scope="module")
def final(tmp_path_factory):
    """The 总结评估 of 2025 (SYNTHETIC history 2021-2025)."""
    table, details, plan = _assessed(tmp_path_factory.mktemp("h4_final"), 2025)
    return build_report(table, details, plan=plan, as_of=2025, date="2026-12-06"), (table, details, plan)


def _row(report, name):
    return next(r for r in report.rows if r.cells["name"].text == name)


# --- finding 1: 数据不足 without data after the base year: no forecast, range, probability, fan chart -------------

def test_no_data_row_shows_no_forecast_nor_probability(mid):
    report, _ = mid
    row = _row(report, "执业药师数")
    assert row.category == "insufficient_data"
    assert [row.cells[k].text for k in ("forecast", "range_80", "p_meet", "outlook")] == ["–"] * 4
    # the paragraph quotes no probability the table hides
    assert "概率" not in row.narrative and "暂无基期以后监测数据" in row.narrative
    # no fan chart for it; the rows with data keep theirs
    charted = {report.rows[k].cells["name"].text for k in report.charted}
    assert "执业药师数" not in charted and "千人食品检验量" in charted


# --- finding 2: such a row is never plotted at x = 0 on the overview ----------------------------------------------

def test_no_data_row_left_off_the_overview_and_counted(mid):
    report, (table, _, _) = mid
    pts = _overview_points(report.rows).set_index("number")
    number = _row(report, "执业药师数").number
    assert pts.loc[number].isna()["p"] and pts.loc[number].isna()["x"]  # not a point at (0, p)
    # from the assessment table too: no progress from nothing after the base year
    raw = _overview_points(table).set_index("number")
    assert raw.loc[number].isna()["x"]
    from mstarget.report.charts import _overview_title, LABELS
    plotted = int(pts["p"].notna().sum())
    assert "另1项数据不足未列入" in _overview_title(LABELS["zh"], "overview", pts.reset_index(), plotted, "zh")


# --- finding 6: a 零发生 target already missed in a mid-term report --------------------------------------------

def test_zero_incidents_missed_already_said_in_every_cell(mid):
    report, _ = mid
    row = _row(report, "重大食品安全事故")
    c = row.figures()
    assert (c["forecast"], c["range_80"], c["required_pace"]) == ("–", "–", "–")
    assert c["outlook"] == "已无法完成" and c["remaining"] == "2022年1起"
    assert "重大食品安全事故（已无法实现，滞后）" in report.overall
    assert "（已无法实现）" not in report.overall.replace("（已无法实现，滞后）", "")


# --- finding 3: a 总结评估's notes and overview caption explain only what it shows ------------------------------

def test_final_notes_explain_only_the_columns_shown(final):
    report, _ = final
    notes = "".join(report.notes)
    for absent in ("时间进度：", "80%区间", "实现概率", "尚需年均变化", "扇形图", "预计完成情况", "预测模型"):
        assert absent not in notes, absent
    assert "目标进度：" in notes and "已观测年均变化" in notes and "指标图：" in notes
    assert "横轴" not in report.overview_caption and "已完成、未完成分列" in report.overview_caption


# --- finding 4: a missed target that reached its target and fell back ---------------------------------------------

def test_missed_target_that_fell_back_is_said_so(final):
    report, _ = final
    row = _row(report, "化妆品抽检批次数")
    assert row.category == "not_completed"
    said = "2022年达到目标、2023年达11批次/年后连续回落，2025年为9批次/年"
    assert said in row.narrative and "实际较2020年基期持平" not in row.narrative
    assert any(said in p for p in report.problems)


# --- finding 8: no model names or sampling jargon in the Chinese report -------------------------------------------

def test_no_model_jargon_in_notes_or_text(mid, tmp_path):
    report, (table, details, plan) = mid
    text = "".join(report.notes) + report.overall + "".join(r.narrative for r in report.rows)
    for word in ("样本路径", "百分位", "样本外校准", "泊松", "无同类地区", "预测模型"):
        assert word not in text, word
    assert "80%区间表示预测值有八成把握落在该范围内" in text and "实现概率为模拟中达到目标的比例" in text
    path = tmp_path / "r.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_report(table, details, path, plan=plan, as_of=2023, date="2026-12-06")
    import docx
    body = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "预测模型" not in body and "无同类地区" not in body


# --- finding 5: 存在的问题 in a 中期评估; 下一步工作建议 to fill in, in both -----------------------------------------

def test_midterm_problems_and_next_steps(mid, tmp_path):
    report, (table, details, plan) = mid
    assert report.kind == "midterm"
    # binding first: 千人食品检验量 behind at 2 %, 重大食品安全事故 already missed; then the data missing
    assert report.problems[0].startswith("千人食品检验量（约束性）：2023年为5.2批次/千人")
    assert report.problems[1].startswith("重大食品安全事故（约束性）：2022年发生1起")
    assert not any("评价：" in p for p in report.problems)
    assert report.problems[-1].startswith("执业药师数：数据不足")
    heads = report.sections()
    assert heads["problems"] == "四、存在的问题" and heads["next_steps"].endswith("、下一步工作建议")
    path = tmp_path / "mid.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_report(table, details, [path, tmp_path / "mid.html"], plan=plan, as_of=2023, date="2026-12-06")
    import docx
    paras = docx.Document(str(path)).paragraphs
    headings = [p.text for p in paras if p.style.name == "Heading 1"]
    assert headings[-2:] == [heads["next_steps"], "说明"]
    at = next(i for i, p in enumerate(paras) if p.text == heads["next_steps"])
    assert paras[at + 1].text == "（请结合工作实际补充）"
    page = (tmp_path / "mid.html").read_text(encoding="utf-8")
    assert "（请结合工作实际补充）" in page and "<footer>mstarget" not in page


def test_final_report_ends_with_next_steps(final):
    report, _ = final
    heads = list(report.sections().values())
    assert heads[-2].endswith("、下一步工作建议") and report.next_steps == "（请结合工作实际补充）"
