"""The whole journey on bureau tables, with no reshaping by hand (issue 18).

A bureau-style XLSX plan (merged title, merged categories, 2020年基数 / 2025年目标, no region
column, a 注 row) and a wide history keyed by 指标名称 (one column per year, running totals for the
〈〉 indicator, one series the plan does not have): every plan row is matched, progress and NDRC
categories come out, and the extra series is named on stderr.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

import mstarget as mt
from mstarget.schedule import CATEGORIES, CATEGORY_ZH

from bureau_files import PLAN_ROWS, UNMATCHED_NAME, write_history_xlsx, write_plan_xlsx

PROGRESS = ["baseline_year", "baseline", "sum_so_far", "remaining", "time_share", "progress_share",
            "category", "category_zh"]


@pytest.fixture()
def files(tmp_path):
    return write_plan_xlsx(tmp_path / "plan.xlsx"), write_history_xlsx(tmp_path / "hist.xlsx")


def _check(table: pd.DataFrame):
    assert len(table) == len(PLAN_ROWS)
    assert (table["last_year"] == 2023).all()  # every plan row matched its history
    assert set(PROGRESS) <= set(table.columns)
    assert set(table["category"]) <= set(CATEGORIES) and "insufficient_data" not in set(table["category"])
    assert table["category_zh"].tolist() == [CATEGORY_ZH[c] for c in table["category"]]
    assert table["time_share"].round(6).eq(0.6).all()
    pledge = table.set_index("name").loc["知识产权质押登记融资金额"]
    # running totals 1.2 / 2.5 / 3.1 (累计): flows 1.2, 1.3, 0.6; the sum so far is 3.1, not 6.8
    assert pledge["sum_so_far"] == pytest.approx(3.1)
    assert pledge["last_value"] == pytest.approx(0.6)
    assert pledge["remaining"] == pytest.approx(1.9)
    assert pledge["progress_share"] == pytest.approx(3.1 / 5)


def test_cli_journey(files, tmp_path):
    plan, hist = files
    out = tmp_path / "result.csv"
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}"}
    proc = subprocess.run([sys.executable, "-m", "mstarget", "assess", "--plan", str(plan), "--history",
                           str(hist), "--region", "鼎湖区", "--as-of", "2023", "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert UNMATCHED_NAME in proc.stderr  # the series the plan does not have is named
    assert "未匹配" in proc.stderr and "MLflow run" in proc.stdout
    _check(pd.read_csv(out))
    assert "知识产权质押登记融资金额" in proc.stdout and "≥〈5〉" in proc.stdout


def test_api_journey(files):
    plan, hist = files
    with pytest.warns(mt.UnmatchedWarning) as record:
        table = mt.assess(hist, plan, as_of=2023, region="鼎湖区", seed=0, n_paths=500)
    w = next(r.message for r in record if isinstance(r.message, mt.UnmatchedWarning))
    assert w.history_series["indicator"].tolist() == [UNMATCHED_NAME] and w.plan_rows.empty
    assert table.attrs["unmatched_plan"].empty
    assert table.attrs["unmatched_history"]["indicator"].tolist() == [UNMATCHED_NAME]
    _check(table)
