"""Qualitative rows of a 总结评估 table and 年均增长 targets of growth-rate rows (session 37, F12).

Indicator names and targets are real rows of the 鼎湖区 “十四五” plan; every yearly 完成值 here, and the
growth-rate row, is SYNTHETIC (made up for the test)."""
import warnings

import openpyxl
import pandas as pd
import pytest

from mstarget.assess import assess_detailed
from mstarget.exceptions import DataValidationError
from mstarget.matching import match
from mstarget.plan import read_plan
from mstarget.report.model import _suggestion_zh, table_cells

HEADER = ["序号", "类别", "指标名称", "单位", "2020年基数", "2025年目标", "属性", "2021年完成值", "2022年完成值",
          "2023年完成值", "2024年完成值", "2025年完成值（快报）"]
ROWS = [  # SYNTHETIC 完成值
    [1, "总体数据", "期末市场主体总量", "万户", "〔1.89〕", "〔3.12〕", "预期性", 2.15, 2.38, 2.61, 2.86, 3.05],
    [2, "质量发展", "智慧市场监管平台", "—", "—", "建成", "预期性", "启动建设", "—", "—", "基本建成", "已建成"],
    [3, "市场秩序与安全监管", "食品安全抽检合格率", "%", "97.5", "达到全国平均水平", "预期性", 97.8, 98.0, 98.1, 98.3, 98.4],
]


def _table(path, rows=ROWS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["肇庆市鼎湖区“十四五”市场监管主要指标表"])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _plan(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_plan(str(path), region="鼎湖区")


def test_completion_words_of_a_qualitative_row_are_kept_as_written(tmp_path):
    plan = _plan(_table(tmp_path / "one.xlsx"))
    row = plan[plan["name"] == "智慧市场监管平台"].iloc[0]
    assert bool(row["qualitative"])
    assert (row["written_2021"], row["written_2024"], row["written_2025"]) == ("启动建设", "基本建成", "已建成")
    assert pd.isna(row["observed_2025"])
    assert plan.loc[plan["name"] == "期末市场主体总量", "written_2025"].iloc[0] == ""
    again = read_plan(plan)  # a plan read before keeps them
    assert again.loc[again["name"] == "智慧市场监管平台", "written_2025"].iloc[0] == "已建成"


def test_completion_words_on_a_numeric_row_are_refused_saying_a_number_is_needed(tmp_path):
    rows = [ROWS[0][:11] + ["已完成"], ROWS[1]]
    with pytest.raises(DataValidationError) as e:
        _plan(_table(tmp_path / "bad.xlsx", rows))
    text = str(e.value)
    assert "'已完成'" in text and "quantitative target" in text and "定量指标的完成值须填写数字" in text
    assert "optionally in plan notation" not in text
    assert "已建成" not in text  # the qualitative row's words are not refused


def test_report_shows_a_qualitative_rows_yearly_figures_and_words(tmp_path):
    plan = _plan(_table(tmp_path / "one.xlsx"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(None, plan, seed=0)
        cells = table_cells(table, details, plan=plan)
    by_name = {c["name"].text: c for c in cells}
    words = by_name["智慧市场监管平台"]
    assert [words[f"y{y}"].text for y in range(2021, 2026)] == ["启动建设", "–", "–", "基本建成", "已建成"]
    rate = by_name["食品安全抽检合格率"]
    assert [rate[f"y{y}"].text for y in range(2021, 2025)] == ["97.8", "98.0", "98.1", "98.3"]
    assert rate["y2025"].text == "98.4（快报）"
    assert table.loc[table["name"] == "食品安全抽检合格率", "category_zh"].iloc[0] == "定性指标，另行评价"


@pytest.mark.parametrize("name, words, sign", [("研发经费投入增长", "年均增长7%以上", ">="),
                                                ("社会消费品零售总额增速", "年均增长7%", ">=")])
def test_yearly_growth_words_on_a_growth_rate_row_read_as_the_average_rate(name, words, sign):
    hist = pd.DataFrame({"region": "测试市", "indicator": "rd", "name": name, "unit": "%",
                         "year": range(2021, 2026), "value": [7.5, 7.8, 7.2, 7.4, 7.6]})  # SYNTHETIC
    plan = pd.DataFrame([dict(region="测试市", indicator="rd", name=name, unit="%", baseline_year=2020,
                              baseline=6.0, target_year=2025, target=words, attribute="预期性")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, _ = assess_detailed(hist, plan, seed=0)
    r = t.iloc[0]
    assert (r["target"], r["direction"], r["target_written"]) == (7.0, sign, words)
    assert r["average_years"] == "2021-2025" and r["category_zh"] == "已完成"


def test_growth_words_without_nian_jun_on_a_growth_rate_row_stay_refused():
    plan = pd.DataFrame([dict(region="测试市", indicator="rd", name="研发经费投入增长", unit="%", baseline_year=2020,
                              baseline=6.0, target_year=2025, target="增长10%", attribute="预期性")])
    with pytest.raises(DataValidationError):
        read_plan(plan)


def test_qualitative_rows_are_not_unmatched_nor_suggested(tmp_path):
    plan = _plan(_table(tmp_path / "one.xlsx"))
    hist = pd.DataFrame({"region": "鼎湖区", "indicator": "智慧监管平台建设进度", "year": range(2021, 2026),
                         "value": [20.0, 45, 70, 90, 100]})  # SYNTHETIC
    hist["name"], hist["unit"] = hist["indicator"], "%"
    from mstarget.history import read_history
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = match(plan, read_history(hist))
    assert "智慧市场监管平台" not in set(m.unmatched_plan["indicator"])
    assert "食品安全抽检合格率" not in set(m.unmatched_plan["indicator"])
    assert m.unmatched_history["suggestion"].tolist() == [""]
    assert _suggestion_zh("did you mean 投诉举报按时办结率?") == "是否应为投诉举报按时办结率？"


def test_report_shows_figures_of_a_qualitative_row_without_words(tmp_path):
    plan = _plan(_table(tmp_path / "figures.xlsx", [ROWS[0], ROWS[2]]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = assess_detailed(None, plan, seed=0)
        cells = table_cells(table, details, plan=plan)
    rate = {c["name"].text: c for c in cells}["食品安全抽检合格率"]
    assert [rate[f"y{y}"].text for y in range(2021, 2026)] == ["97.8", "98.0", "98.1", "98.3", "98.4（快报）"]
    assert rate["target"].text == "达到全国平均水平"
