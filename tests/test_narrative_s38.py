"""The report's prose, session 38: a growth-rate row (年均增长7%以上, the row's figures the rate itself) gets
no "realised change" of the rate's own level (8 -> 7.2 said as 年均下降2.4%（目标为年均增长7%）); the
national data's unit 指数 (制造业质量竞争力指数) is left out of Chinese sentences as ``index`` was.
Data: SYNTHETIC plan and history written here (labelled), and the REAL national targets and history
(``data/china``)."""
from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.assess import assess_detailed
from mstarget.report import build_report, narrative

# SYNTHETIC: a market-entity growth rate, baseline 8 % in 2020, target 年均增长7%以上
PLAN = pd.DataFrame([
    {"region": "示例区", "indicator": "growth", "name": "市场主体增长率", "unit": "%", "baseline_year": 2020,
     "baseline": "8", "target_year": 2025, "target": "年均增长7%以上", "attribute": "预期性"},
    {"region": "示例区", "indicator": "std", "name": "企业标准", "unit": "项", "baseline_year": 2020,
     "baseline": "38", "target_year": 2025, "target": "翻一番", "attribute": "预期性"},
])
HISTORY = pd.DataFrame(
    [{"region": "示例区", "indicator": "growth", "year": y, "value": v, "unit": "%"}
     for y, v in zip(range(2021, 2026), (7.5, 6.1, 7.9, 6.8, 7.2))]
    + [{"region": "示例区", "indicator": "std", "year": y, "value": v, "unit": "项"}
       for y, v in zip(range(2020, 2026), (38, 48, 57, 66, 74, 80))])


def _reports(as_of):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(HISTORY, mt.read_plan(PLAN), as_of=as_of, seed=0)
    return {lang: build_report(table, details, lang=lang, date="2026-03-01") for lang in ("zh", "en")}


def _row(report, name):
    return next(r for r in report.rows if r.name == name)


@pytest.mark.parametrize("as_of", [2024, 2025])
def test_a_growth_rate_row_gets_no_realised_change_of_the_rates_own_level(as_of):
    reports = _reports(as_of)
    zh, en = _row(reports["zh"], "市场主体增长率").narrative, _row(reports["en"], "市场主体增长率").narrative
    assert "年均下降" not in zh and "目标为年均增长7%" not in zh, zh  # 8 -> 7.2 is no fall of 2.4 % a year
    assert "fall of" not in en and "(target: yearly rise" not in en, en
    assert "已实现年均7.1%" in zh or "2021—2025年年均7.1%" in zh, zh  # the average rate is still said
    # a level written as a change keeps its sentence (翻一番: 80 is 2.11 times 38)
    if as_of == 2025:
        assert "2025年为2020年基期的2.11倍，高于目标的2倍。" in _row(reports["zh"], "企业标准").narrative


def test_realised_change_skips_rates_of_change_only():
    row = {"target_written": "年均增长7%以上", "kind": "level", "baseline": 8.0, "baseline_year": 2020,
           "forecast": 7.2, "target_year": 2025, "last_value": 7.2, "last_year": 2025}
    for unit, name in (("%", "市场主体增长率"), ("%/年", "研发经费"), ("百分点", "研发投入强度提高"),
                       ("‰/年", "人口自然增长")):
        assert narrative.realised_change({**row, "unit": unit, "name": name}, "zh", closed=True) == "", unit
    level = {**row, "unit": "亿元", "name": "研发经费", "baseline": 100.0, "forecast": 140.0}
    assert narrative.realised_change(level, "zh", closed=True) == "2021年至2025年年均增长6.96%，增幅低于目标的7%。"


def test_the_unit_zhishu_is_left_out_of_chinese_sentences():
    assert narrative.prose_unit("指数", "zh") == "" and narrative.prose_unit("指数", "en") == "index"
    assert narrative.prose_unit("index", "zh") == "" and narrative.prose_unit("万户", "zh") == "万户"


def test_the_national_index_is_in_zhishu_and_reads_well(data_dir):
    for name in ("national_targets.csv", "national_history.csv"):
        raw = (data_dir / "china" / name).read_bytes()
        assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")  # line endings kept
        line = next(x for x in raw.decode("utf-8").splitlines() if "manufacturing_quality_competitiveness" in x)
        assert ",指数," in line and ",index," not in line
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(data_dir / "china" / "national_history.csv",
                                         mt.read_plan(data_dir / "china" / "national_targets.csv"),
                                         as_of=2022, seed=0)
    zh, en = (build_report(table, details, lang=lang, date="2023-03-01") for lang in ("zh", "en"))
    r = _row(zh, "制造业质量竞争力指数")
    assert r.cells["unit"].text == "指数"
    assert "仅有2021年数据（84.91），" in r.narrative and "（≥86）" in r.narrative, r.narrative
    assert not any(re.search(r"\d\s*指数", row.narrative) for row in zh.rows)
    assert "84.91 index" in _row(en, "制造业质量竞争力指数").narrative
