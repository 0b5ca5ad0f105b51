"""One set of words from the ``assess`` table to the report (session 38): a 十五五 plan at its 2025 base year is
规划期未开始 in the table, ``--out``, the tracked counts, the printout and the report alike (not 数据不足 in the first
three); a target year never reported, its value interpolated between the years around it, is 数据不足 in the table and
the tracked counts as in the report; the printout's summary of a 总结评估 says only the outlook words that occur and
counts the rows it marks （待确认）; the printout's status words live with the report's model (no import cycle through
the command line). Plan rows are modelled on bureau plans; every value is SYNTHETIC (made up for the tests)."""
from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pandas as pd

from mstarget.io import write_table
from mstarget.report.model import build_report
from mstarget.tracking.records import assessment_metrics
from report_helpers import assess_quietly, plan_rows, yearly_history


_plan, _assess = plan_rows, assess_quietly


def _history(series, first=2021):
    """SYNTHETIC yearly figures of 鼎湖区 from ``first`` on (None: not reported)."""
    return yearly_history(series, first).dropna(subset=["value"]).reset_index(drop=True)


def _report(table, details):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_report(table, details, date="2026-12-06")


# -- 1. the printout's words live with the report's model ------------------------------------------------------------

def test_the_tracked_counts_take_the_printouts_words_from_the_report_model_not_the_command_line():
    """tracking.records imported ``status_words`` from cli.assess inside a function: a cycle cli.assess -> cli.common ->
    tracking -> tracking.records -> cli.assess (tests/test_layers.py)."""
    from mstarget.report import model
    import mstarget.tracking.records as records
    assert callable(model.status_words) and callable(model.printed_status)
    tree = ast.parse(Path(records.__file__).read_text(encoding="utf-8"))
    cli = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("cli")]
    assert not cli, [ast.unparse(n) for n in cli]
    assert model.printed_status("–", "存在风险") == "-" and model.printed_status("有望完成", "存在风险") == "有望完成"


# -- 2. a 十五五 plan at its 2025 base year --------------------------------------------------------------------------

def _base_year_inputs():
    plan = _plan([("市场主体总量", "万户", "〔3.05〕", "〔4.0〕", "预期性"),
                  ("“明厨亮灶”覆盖率", "%", "90.4", "≥95", "约束性"),
                  ("药品抽检合格率", "%", "98.9", "≥99.2", "预期性")], base_year=2025, target_year=2030)
    history = _history({"市场主体总量": ("万户", [2.10, 2.35, 2.61, 2.80, 3.05]),
                        "“明厨亮灶”覆盖率": ("%", [84, 86, 88.5, 89.2, 90.4]),
                        "药品抽检合格率": ("%", [98.3, 98.1, 98.6, 98.7, 98.9])})
    return history, plan


def test_a_plan_at_its_base_year_is_not_started_in_the_table_the_out_file_and_the_tracked_counts(tmp_path):
    history, plan = _base_year_inputs()
    table, details = _assess(history, plan, as_of=2025)
    assert table["evaluation"].tolist() == ["not_started"] * 3, table["evaluation"].tolist()
    assert table["category_zh"].tolist() == ["规划期未开始"] * 3, table["category_zh"].tolist()
    out = tmp_path / "out.csv"
    write_table(table, out)  # what --out writes
    assert pd.read_csv(out)["category_zh"].tolist() == ["规划期未开始"] * 3
    metrics = assessment_metrics(table)
    assert metrics["n_not_started"] == 3 and metrics["n_insufficient_data"] == 0, metrics
    report = _report(table, details)
    assert [r.cells["category"].text for r in report.rows] == ["规划期未开始"] * 3
    # the printout says the same
    from mstarget.cli.assess import display_frame, summary_line
    assert display_frame(table, details=details)["category_zh"].tolist() == ["规划期未开始"] * 3
    assert summary_line(table).startswith("规划期未开始 3 (")


def test_without_as_of_the_table_says_what_the_report_of_the_same_day_says():
    """No ``as_of``: the evaluation year is the data's latest year, unless the calendar has moved past the base year
    (then the report is a 年度监测 and the rows lack data) -- the table follows the report either way."""
    history, plan = _base_year_inputs()
    table, details = _assess(history, plan)
    from mstarget.report.model import CATEGORY_LABELS, evaluation_year, evaluation_kind, row_category
    kind = evaluation_kind(table, evaluation_year(table, None))
    records = table.to_dict("records")
    for r in records:
        r["as_of"] = evaluation_year(table, None)
    expected = [CATEGORY_LABELS["zh"][row_category(r, kind)] for r in records]
    assert table["category_zh"].tolist() == expected, (table["category_zh"].tolist(), expected)


def test_a_plan_with_nothing_after_an_old_base_year_lacks_data_it_has_not_not_started():
    """A 十四五 plan (2020 base) with data up to 2020, evaluated as of 2025: 数据不足, never 规划期未开始."""
    plan = _plan([("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性")])
    history = _history({"“明厨亮灶”覆盖率": ("%", [78, 80, 81])}, first=2018)
    table, _ = _assess(history, plan, as_of=2025)
    assert table["evaluation"].tolist() == ["insufficient_data"], table["evaluation"].tolist()


# -- 3. a target year never reported, its value interpolated --------------------------------------------------------

def test_an_interpolated_target_year_is_insufficient_data_in_the_table_and_the_tracked_counts():
    """期末市场主体总量 2021-2024 and 2026 reported, 2025 (the target year) not: its 3.08 is interpolated -- the report
    says 数据不足 asking for 2025; the table, --out and the tracked counts said 未完成."""
    name = "期末市场主体总量"
    plan = _plan([(name, "万户", "〔1.89〕", "〔3.12〕", "预期性"), ("执业药师数", "人/万人口", "4.4", "≥4.6", "预期性")])
    history = _history({name: ("万户", [2.05, 2.31, 2.58, 2.86, None, 3.30]),
                        "执业药师数": ("人/万人口", [4.4, 4.5, 4.5, 4.6, 4.7, 4.7])})
    table, details = _assess(history, plan)
    row = table.iloc[0]
    assert bool(row["target_year_estimated"]) and not bool(table.iloc[1]["target_year_estimated"])
    assert (row["evaluation"], row["category_zh"], row["category"]) == \
        ("insufficient_data", "数据不足", "insufficient_data"), row[["evaluation", "category_zh", "category"]]
    assert "2025年数据未报送" in row["note"] and "interpolated between 2024 and 2026" in row["note"], row["note"]
    assert table.iloc[1]["category_zh"] == "已完成"
    metrics = assessment_metrics(table)
    assert (metrics["n_completed"], metrics["n_not_completed"], metrics["n_insufficient_data"]) == (1, 0, 1), metrics
    report = _report(table, details)
    assert [r.cells["category"].text for r in report.rows] == table["category_zh"].tolist()
    from mstarget.cli.assess import display_frame, summary_line
    assert display_frame(table, details=details)["category_zh"].tolist() == ["数据不足", "已完成"]
    assert summary_line(table).startswith("1 assessed -- met: 1\n"), summary_line(table)


# -- 4. the summary of a final evaluation ---------------------------------------------------------------------------

def test_a_final_summary_says_only_the_words_that_occur_and_counts_the_rows_to_be_confirmed():
    plan = _plan([("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"), ("执业药师数", "人/万人口", "4.4", "≥4.6", "预期性"),
                  ("企业标准", "项", "〔38〕", "〔117〕", "预期性"), ("有效期内认证证书", "张", "〔108〕", "〔120〕", "预期性")])
    history = _history({"“明厨亮灶”覆盖率": ("%", [84, 86.5, 88, 89.2, 90.4]),
                        "执业药师数": ("人/万人口", [4.4, 4.5, 4.5, 4.6, 4.5]),
                        "企业标准": ("项", [52, 70, 88, 104]),
                        "有效期内认证证书": ("张", [110, 113, 115, 118])})
    table, details = _assess(history, plan, as_of=2025)
    from mstarget.cli.assess import display_frame, summary_line
    text = summary_line(table)
    first = text.splitlines()[0]
    assert first == "2 assessed -- met: 1, not met: 1", text
    shown = display_frame(table, details=details)["status"].tolist()
    marked = [s for s in shown if s.endswith("（待确认）")]
    assert len(marked) == 2, shown
    line = [x for x in text.splitlines() if x.startswith("待确认")]
    assert line and line[0].startswith("待确认 2 ("), text
    for word in set(marked):
        assert f"{word} {marked.count(word)}" in line[0], (word, line[0])
