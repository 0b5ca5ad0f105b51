"""目标待定 (a plan row whose target is not set yet: 待定 / 另行确定) is a category of its own, end to end: ``assess``
names it ``target_pending`` (category and evaluation), the report counts it on its own line of the 分类汇总 and says it
apart in the overall paragraph -- never under 数据不足 --, its fan chart has no target line, the tracked run counts it in
``n_target_pending`` (not in ``n_insufficient_data``), and ``suggest`` still gives its figures.

The plans are laid out as a district bureau writes them (序号 / 指标名称 / 单位 / 2020年基数 / 2025年目标 / 属性 /
指标方向); every figure in them and the whole history are SYNTHETIC (示范区(合成)), generated below.
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

import mstarget as mt
from mstarget.report import build_report, write_report
from mstarget.report.charts import overview_chart, target_chart
from mstarget.schedule import evaluation_category, evaluation_categories
from mstarget.tracking import TrackingSettings

REGION = "示范区(合成)"
NAMES = {"market_entities": ("期末市场主体总量", "万户"), "ip_pledge": ("知识产权质押登记融资金额", "亿元"),
         "food_pass_rate": ("食品抽检合格率", "%"), "patents": ("每万人口高价值发明专利拥有量", "件/万人"),
         "food_accidents": ("较大及以上食品安全事故", "起")}
PENDING = [NAMES["market_entities"][0], NAMES["patents"][0]]
SET = [NAMES[k][0] for k in ("ip_pledge", "food_pass_rate", "food_accidents")]


def _history(tmp_path, last_year: int):
    """SYNTHETIC history 2011-``last_year``: a rising stock (万户), yearly 〈〉 flows (亿元), a pass rate near 98 %, a
    rising patent ratio, and incidents that stay at 0."""
    rng = np.random.default_rng(11)
    years = range(2011, last_year + 1)
    n = len(years)
    series = {
        "market_entities": [round(2.2 + 0.16 * i + float(rng.normal(0, 0.02)), 2) for i in range(n)],
        "ip_pledge": [round(0.9 + 0.08 * i + float(rng.normal(0, 0.08)), 2) for i in range(n)],
        "food_pass_rate": [round(97.0 + 0.13 * i + float(rng.normal(0, 0.1)), 1) for i in range(n)],
        "patents": [round(1.9 + 0.25 * i + float(rng.normal(0, 0.05)), 2) for i in range(n)],
        "food_accidents": [0] * n,
    }
    rows = [(REGION, NAMES[k][0], y, v, NAMES[k][1]) for k, vals in series.items() for y, v in zip(years, vals)]
    path = tmp_path / "history.csv"
    pd.DataFrame(rows, columns=["地区", "指标名称", "年份", "数值", "单位"]).to_csv(path, index=False)
    return path


def _plan(tmp_path, base_year: int = 2020, target_year: int = 2025):
    """SYNTHETIC plan of five rows, two of them not set yet: 待定 (with a 指标方向 正向) and 另行确定."""
    base = {"market_entities": "〔3.80〕", "ip_pledge": "〈6.6〉", "food_pass_rate": "98.3", "patents": "4.40",
            "food_accidents": "0"}
    targets = {"market_entities": "待定", "ip_pledge": "〈8〉", "food_pass_rate": "≥98.5", "patents": "另行确定",
               "food_accidents": "≤0"}
    frame = pd.DataFrame({"序号": range(1, 6), "指标名称": [NAMES[k][0] for k in base],
                          "单位": [NAMES[k][1] for k in base], f"{base_year}年基数": list(base.values()),
                          f"{target_year}年目标": list(targets.values()),
                          "属性": ["预期性", "预期性", "约束性", "预期性", "约束性"],
                          "指标方向": ["正向", "", "", "正向", ""]})
    path = tmp_path / "plan.csv"
    frame.to_csv(path, index=False)
    return path


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@pytest.fixture()
def midterm(tmp_path):
    """A 中期评估 as of 2023 of the 2021-2025 plan: (history path, plan path, table, details)."""
    history, plan = _history(tmp_path, 2023), _plan(tmp_path)
    table, details = _quiet(mt.assess_detailed, history, plan, region=REGION, as_of=2023, seed=0, n_paths=300)
    return history, plan, table, details


def test_assess_names_a_target_not_set_yet_target_pending(midterm):
    _, _, table, _ = midterm
    t = table.set_index("name")
    for name in PENDING:
        assert t.loc[name, "category"] == "target_pending"
        assert t.loc[name, "evaluation"] == "target_pending"
        assert t.loc[name, "category_zh"] == "目标待定"
        assert np.isnan(t.loc[name, "p_meet"]) and np.isfinite(t.loc[name, "forecast"])
    # the rows with a target are judged as before, and none of them is 数据不足
    assert set(t.loc[SET, "evaluation"]) <= {"achieved", "ahead", "on_schedule", "behind"}
    assert "insufficient_data" not in set(table["evaluation"])


def test_a_draft_assessed_at_its_base_year_keeps_its_pending_rows_apart_from_not_started(tmp_path):
    """A 十五五 draft on data up to its 2025 base year: the rows with a target are 规划期未开始, the 待定 ones 目标待定."""
    history, plan = _history(tmp_path, 2025), _plan(tmp_path, 2025, 2030)
    table = _quiet(mt.assess, history, plan, region=REGION, as_of=2025, seed=0, n_paths=300).set_index("name")
    assert table.loc[PENDING, "evaluation"].tolist() == ["target_pending"] * 2
    assert table.loc[PENDING, "category_zh"].tolist() == ["目标待定"] * 2
    assert table.loc[SET, "evaluation"].tolist() == ["not_started"] * 3


def test_the_evaluation_never_closes_a_pending_row():
    """However its years stand (the target year observed, or past and awaited), a 待定 row stays 目标待定: it is never
    已完成 / 未完成 nor 数据不足."""
    observed = {"category": "target_pending", "last_year": 2025, "target_year": 2025, "as_of": 2025, "status": None,
                "baseline_year": 2020}
    awaited = {**observed, "last_year": 2023}
    assert evaluation_category(observed) == evaluation_category(awaited) == "target_pending"
    table = pd.DataFrame([observed, awaited, {**awaited, "missed_already": True}])
    assert evaluation_categories(table).tolist() == ["target_pending"] * 3


def test_the_report_counts_pending_rows_on_their_own_line_never_as_insufficient_data(midterm, tmp_path):
    _, plan, table, details = midterm
    report = _quiet(build_report, table, details, date="2026-12-06")
    summary = report.summary.set_index("category")
    assert summary.loc["target_pending", "label"] == "目标待定"
    assert summary.loc["target_pending", "total"] == 2
    assert "1. 期末市场主体总量" in summary.loc["target_pending", "indicators"]
    assert "insufficient_data" not in summary.index  # the judged rows have progress data: no 数据不足 line at all
    assert summary["total"].sum() == 5
    assert "另有2项目标待定（目标值待定，仅作预测，不作评价）：期末市场主体总量、每万人口高价值发明专利拥有量。" in report.overall
    assert "数据不足" not in report.overall
    rows = {row.raw["name"]: row for row in report.rows}
    assert rows[PENDING[0]].cells["category"].text == "目标待定"
    assert rows[PENDING[0]].cells["target"].text == "待定"
    assert rows[PENDING[1]].cells["target"].text == "另行确定"  # as the plan wrote it
    assert rows[PENDING[0]].cells["p_meet"].text == "–" and rows[PENDING[0]].cells["forecast"].text != "–"
    assert rows[PENDING[0]].narrative.startswith("期末市场主体总量：目标值待定，仅作预测，不作评价。最新为2023年4.13万户。")
    assert rows[PENDING[0]].narrative.endswith("供确定目标值参考。评价：目标待定。")
    # the written report says it the same way
    out = tmp_path / "评估报告.html"
    _quiet(write_report, table, details, [out], date="2026-12-06")
    page = out.read_text(encoding="utf-8")
    assert 'data-category="target_pending"' in page and 'data-category="insufficient_data"' not in page  # 分类汇总
    for number in (1, 4):  # the main table's 评价 column
        row = re.search(rf'<tr data-row="{number}"[^>]*>(.*?)</tr>', page).group(1)
        assert re.search(r'data-col="category"[^>]*>目标待定<', row)
    assert "另有2项目标待定" in re.sub(r"<[^>]+>", "", page)


def test_the_report_of_a_draft_at_its_base_year_lists_pending_beside_not_started(tmp_path):
    history, plan = _history(tmp_path, 2025), _plan(tmp_path, 2025, 2030)
    table, details = _quiet(mt.assess_detailed, history, plan, region=REGION, as_of=2025, seed=0, n_paths=300)
    report = _quiet(build_report, table, details, date="2026-12-06")
    assert report.kind == "baseline" and report.not_started  # still a 基期情况 report
    assert dict(zip(report.summary["label"], report.summary["total"])) == {"规划期未开始": 3, "目标待定": 2}
    assert "数据不足" not in report.overall and "另有2项目标待定" in report.overall


def test_a_pending_rows_charts_say_target_pending_and_draw_no_target(midterm):
    _, _, table, details = midterm
    report = _quiet(build_report, table, details, date="2026-12-06")
    pos = table.index[table["name"] == PENDING[0]][0]
    fig = target_chart(details[pos], number=1)
    ax = fig.axes[0]
    assert ax.get_title(loc="left").endswith("目标待定（2025年）")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "目标值" not in legend and "预测中位数" in legend
    assert not any(line.get_color() == "#b2182b" for line in ax.get_lines())  # no target line nor star
    overview = overview_chart(report.rows)
    titles = " ".join(a.get_title(loc="left") for a in overview.axes)
    assert "另2项目标待定未列入" in titles and "数据不足" not in titles, titles


def test_the_tracked_run_counts_pending_rows_apart(midterm, tmp_path):
    history, plan, _, _ = midterm
    uri = f"sqlite:///{tmp_path / 'runs.db'}"
    table = _quiet(mt.assess, history, plan, region=REGION, as_of=2023, seed=0, n_paths=300, track=True,
                   tracking_settings=TrackingSettings(tracking_uri=uri, experiment="draft"))
    client = MlflowClient(tracking_uri=uri)
    run, = client.search_runs([client.get_experiment_by_name("draft").experiment_id])
    m = run.data.metrics
    assert m["n_target_pending"] == 2
    assert m["n_insufficient_data"] == 0
    assert m["n_targets"] == 5
    # the judged rows' statuses count the three rows with a target only
    assert m["n_met"] + m["n_on_track"] + m["n_at_risk"] + m["n_off_track"] == 3
    assert (table["category"] == "target_pending").sum() == 2


def test_suggest_still_gives_figures_for_the_pending_rows(midterm):
    history, plan, _, _ = midterm
    s = _quiet(mt.suggest_targets, history, plan, (0.7, 0.8), region=REGION, as_of=2023, seed=0,
               n_paths=300).set_index("name")
    for name in PENDING:  # a direction is given (正向): the figures met with 70 % / 80 % probability
        assert np.isfinite(s.loc[name, "target_at_70"]) and np.isfinite(s.loc[name, "target_at_80"])
        assert s.loc[name, "target_at_80"] <= s.loc[name, "target_at_70"]  # ≥: the surer figure is the lower one
        assert "目标待定" in s.loc[name, "reason"]


def test_a_draft_whose_every_target_is_pending_reports_no_line_of_zeros(tmp_path):
    """Every target cell 待定 (with its 指标方向): the 分类汇总 has the 目标待定 line alone, not 提前实现 0 … 滞后 0."""
    history, plan = _history(tmp_path, 2023), _plan(tmp_path)
    frame = pd.read_csv(plan, dtype=str, keep_default_na=False)
    frame["2025年目标"] = "待定"
    frame["指标方向"] = ["正向", "正向", "正向", "正向", "逆向"]
    frame.to_csv(plan, index=False)
    table, details = _quiet(mt.assess_detailed, history, plan, region=REGION, as_of=2023, seed=0, n_paths=300)
    report = _quiet(build_report, table, details, date="2026-12-06")
    assert report.summary[["label", "binding", "expected", "total"]].values.tolist() == [["目标待定", 2, 3, 5]]
    assert report.overall == "本次评估共5项指标，目标值均待定，仅作预测，不作评价。"
