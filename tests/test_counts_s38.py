"""Rows the report does not judge are not counted as judged (session-38 prober, /tmp/s38/p7/interp.py, cat7.py):

* a level or stock whose target year was never reported, only interpolated between the years around it, is
  数据不足 in the table, the printout and the report: it has no ``p_meet`` (the 0 or 1 of a straight line) and no
  ``status``, and the tracked counts leave it out (was: p_meet 0.0, off_track, MLflow n_off_track 2, mean_p_meet 0);
* a row of a plan whose period has not started (规划期未开始: the printout's "not assessed") keeps its forecast's
  ``p_meet`` and ``status`` for the report's 预计完成情况, but the tracked status counts, ``mean_p_meet`` and
  ``n_binding_at_risk_or_off_track`` are of the rows judged; the rows not started are counted apart
  (``n_not_started_at_risk`` ...).

Every figure here is SYNTHETIC.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.tracking.records import assessment_metrics
from report_helpers import interpolated_target_year


def _quiet_assess(history, plan, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(history, plan, seed=0, n_paths=500, **kw)


def test_an_interpolated_target_year_has_no_p_meet_no_status_and_is_not_counted():
    plan, hist = interpolated_target_year()
    t = _quiet_assess(hist, plan)
    assert t["target_year_estimated"].all() and (t["category_zh"] == "数据不足").all()
    assert t["p_meet"].isna().all() and t["status"].isna().all()  # was 0.0, off_track
    assert np.isfinite(t["forecast"]).all()  # the interpolated value, for reference (the note says so)
    assert t["note"].str.contains("no p_meet or status").all()
    m = assessment_metrics(t)
    assert m["n_off_track"] == m["n_at_risk"] == m["n_no_data"] == 0  # was n_off_track 2
    assert m["n_binding_at_risk_or_off_track"] == 0  # was 1
    assert "mean_p_meet" not in m  # was 0.0
    assert m["n_insufficient_data"] == 2 and m["n_targets"] == 2


PLAN7 = ("指标名称,单位,基期年份,基期值,目标年份,目标值,指标属性\n"
         "期末市场主体总量,万户,2020,〔1.89〕,2025,〔3.12〕,预期性\n"
         "“明厨亮灶”覆盖率,%,2025,90.4,2030,≥95,约束性\n"
         "药品抽检合格率,%,2020,98,2023,≥99,预期性\n"
         "执业药师数,人/万人口,2025,4.7,2030,≥5.2,预期性\n")
HIST7 = ("指标名称,单位,2020年,2021年,2022年,2023年,2024年,2025年\n"
         "期末市场主体总量,万户,1.89,2.1,2.35,2.6,2.85,3.15\n"
         "“明厨亮灶”覆盖率,%,81,84,86,88.5,89.2,90.4\n"
         "药品抽检合格率,%,98,98.3,98.1,99.1,98.7,98.9\n"
         "执业药师数,人/万人口,4.4,4.45,4.5,4.6,4.65,4.7\n")


def _files(tmp_path):
    (tmp_path / "plan.csv").write_text(PLAN7, encoding="utf-8")
    (tmp_path / "hist.csv").write_text(HIST7, encoding="utf-8")
    return tmp_path / "plan.csv", tmp_path / "hist.csv"


def test_rows_not_started_are_counted_apart_from_the_rows_judged(tmp_path):
    plan, hist = _files(tmp_path)
    t = _quiet_assess(hist, plan, region="鼎湖区", as_of=2025)
    waiting = t["category_zh"] == "规划期未开始"
    assert waiting.sum() == 2 and t.loc[waiting, "p_meet"].notna().all()  # the forecast kept for the report
    m = assessment_metrics(t)
    judged = t[~waiting]
    assert m["n_met"] == (judged["status"] == "met").sum() == 2
    assert m["n_at_risk"] == m["n_off_track"] == 0  # was 1 and 1: the not-started rows' forecasts
    assert m["n_binding_at_risk_or_off_track"] == 0  # was 1: the binding row is not started
    assert m["n_not_started"] == 2
    assert sum(m[f"n_not_started_{k}"] for k in ("met", "on_track", "at_risk", "off_track")) == 2
    assert m["n_binding_not_started_at_risk_or_off_track"] == \
        int(t.loc[waiting & (t["attribute"] == "binding"), "status"].isin(["at_risk", "off_track"]).sum())
    assert m["mean_p_meet"] == pytest.approx(judged["p_meet"].mean())
    assert m["mean_p_meet_not_started"] == pytest.approx(t.loc[waiting, "p_meet"].mean())


def test_cli_printout_and_mlflow_agree_on_what_was_assessed(tmp_path, capsys):
    from mlflow.tracking import MlflowClient
    from mstarget.cli.main import main
    plan, hist = _files(tmp_path)
    uri = f"sqlite:///{tmp_path / 'c.db'}"
    code = main(["assess", "--plan", str(plan), "--history", str(hist), "--region", "鼎湖区", "--as-of", "2025",
                 "--tracking-uri", uri, "--experiment", "counts"])
    out = capsys.readouterr().out
    assert code == 0 and "规划期未开始 2" in out and "2 assessed -- met: 2" in out
    client = MlflowClient(tracking_uri=uri)
    m = client.search_runs([client.get_experiment_by_name("counts").experiment_id])[0].data.metrics
    assert m["n_met"] == 2 and m["n_at_risk"] == m["n_off_track"] == m["n_on_track"] == 0
    assert m["n_binding_at_risk_or_off_track"] == 0 and m["n_not_started"] == 2
    assert m["mean_p_meet"] == 1.0


# ---------------------------------------------------------------------------------------------------------------
# per-region aggregates follow the same rule (session-38 fixer D1; repro /tmp/s38/p9/syn/make.py plan15/hist15):
# mean_p_meet.<region> was the mean of every row, 规划期未开始 rows included (甲区 0.19 on a 十五五 plan at its base)
# ---------------------------------------------------------------------------------------------------------------

def _two_regions(tmp_path):
    """PLAN7 / HIST7 for two regions (SYNTHETIC): per region two rows judged (2020-2025, 2020-2023), two not started
    (2025-2030)."""
    from io import StringIO
    plan = pd.read_csv(StringIO(PLAN7))
    hist = pd.read_csv(StringIO(HIST7))
    plans, hists = [], []
    for k, region in enumerate(["甲区", "乙区"]):
        plans.append(plan.assign(地区=region))
        h = hist.copy()
        h.iloc[:, 2:] = h.iloc[:, 2:] * (1 + 0.002 * k)
        hists.append(h.assign(地区=region))
    (tmp_path / "plan2.csv").write_text(pd.concat(plans).to_csv(index=False), encoding="utf-8")
    (tmp_path / "hist2.csv").write_text(pd.concat(hists).to_csv(index=False), encoding="utf-8")
    return tmp_path / "plan2.csv", tmp_path / "hist2.csv"


def test_region_metrics_average_the_rows_judged_and_keep_rows_not_started_apart(tmp_path):
    from mstarget.report.model import outlook_cell
    from mstarget.tracking.records import region_metrics
    plan, hist = _two_regions(tmp_path)
    t = _quiet_assess(hist, plan, as_of=2025)
    assert set(t["region"]) == {"甲区", "乙区"}
    waiting = t["category_zh"] == "规划期未开始"
    assert waiting.sum() == 4 and t.loc[waiting, "p_meet"].notna().all()
    m, n = region_metrics(t)
    assert n == 2
    overall = assessment_metrics(t)
    for region in ("甲区", "乙区"):
        mine = t["region"] == region
        assert m[f"n_rows.{region}"] == 4
        judged = t.loc[mine & ~waiting, "p_meet"]
        assert m[f"mean_p_meet.{region}"] == pytest.approx(judged.mean())  # was the mean of all 4 rows
        assert m[f"mean_p_meet.{region}"] == 1.0  # both judged rows met
        assert m[f"mean_p_meet_not_started.{region}"] == pytest.approx(t.loc[mine & waiting, "p_meet"].mean())
        # the report's 预计完成情况 of the rows not started, counted apart
        said = [outlook_cell(r, "not_started", "zh") for r in t[mine & waiting].to_dict("records")]
        for w in set(said):
            assert m[f"n_not_started_{w}.{region}"] == said.count(w)
        # the words of the rows judged count the rows judged only
        judged_words = sum(v for k, v in m.items() if k.startswith("n_") and k.endswith(f".{region}")
                           and not k.startswith(("n_rows.", "n_not_started_")))
        assert judged_words == int((mine & ~waiting).sum())
    assert overall["mean_p_meet"] == pytest.approx(np.mean([m["mean_p_meet.甲区"], m["mean_p_meet.乙区"]]))
    assert len(m) <= 200


def test_tracked_plan_not_started_logs_no_judged_mean_per_region_and_the_reports_words(tmp_path):
    """A 十五五 plan at its base year (every row 规划期未开始): no mean_p_meet.<region> (was 0.19 a region), its
    forecasts' mean and the report's 分指标汇总 words per region apart."""
    from mlflow.tracking import MlflowClient
    from mstarget.cli.main import main
    plan, hist = [], []
    for i, r in enumerate(["甲区", "乙区", "丙区"]):  # SYNTHETIC, as /tmp/s38/p9/syn/make.py
        plan += [dict(region=r, indicator="a", name="市场主体数量", unit="万户", baseline_year=2025, baseline=10 + i,
                      target_year=2030, target=14 + i, direction=">=", kind="level", attribute="binding"),
                 dict(region=r, indicator="b", name="食品抽检合格率", unit="%", baseline_year=2025, baseline=98.0,
                      target_year=2030, target=99.5, direction=">=", kind="level", attribute="expected")]
        hist += [dict(region=r, indicator="a", year=y, value=v + i, unit="万户")
                 for y, v in zip(range(2021, 2026), [8, 8.5, 9, 9.5, 10])]
        hist += [dict(region=r, indicator="b", year=y, value=v, unit="%")
                 for y, v in zip(range(2021, 2026), [97.5, 97.6, 97.8, 97.9, 98.0])]
    pd.DataFrame(plan).to_csv(tmp_path / "plan15.csv", index=False)
    pd.DataFrame(hist).to_csv(tmp_path / "hist15.csv", index=False)
    uri = f"sqlite:///{tmp_path / 'r.db'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["assess", "--plan", str(tmp_path / "plan15.csv"), "--history", str(tmp_path / "hist15.csv"),
                     "--tracking-uri", uri, "--experiment", "regions", "--seed", "0"])
    assert code == 0
    client = MlflowClient(tracking_uri=uri)
    m = client.search_runs([client.get_experiment_by_name("regions").experiment_id])[0].data.metrics
    assert m["n_not_started"] == 6 and "mean_p_meet" not in m
    for r in ("甲区", "乙区", "丙区"):
        assert f"mean_p_meet.{r}" not in m  # was 0.19: the not-started forecasts averaged as if judged
        assert 0 < m[f"mean_p_meet_not_started.{r}"] < 0.5
        assert m[f"n_rows.{r}"] == 2
        # the report's 分指标汇总: 完成存在不确定性 3 / 完成难度较大 3 -- one of each a region
        assert m[f"n_not_started_完成存在不确定性.{r}"] == 1 and m[f"n_not_started_完成难度较大.{r}"] == 1
    assert sum(v for k, v in m.items() if k.startswith("n_not_started_完成")) == 6
