"""Command line: exit codes, messages and files for assess / forecast / demo (issue 2)."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from mstarget.cli.assess import _probability
from mstarget.cli.common import display_width, format_table
from mstarget.cli.main import main


def _bad_plan(tmp_path):
    path = tmp_path / "bad_plan.csv"
    pd.DataFrame({"region": ["R", "R"], "indicator": ["a", "b"], "unit": ["%", "项"],
                  "baseline_year": ["2020", "2020"], "baseline": ["81", "3"],
                  "target_year": ["2025", "2025"], "target": ["≥abc", "〔9〕"],
                  "attribute": ["约束性", "预期性"]}).to_csv(path, index=False, encoding="gbk")
    return path


def test_bad_plan_exit_2_message_on_stderr_no_output(tmp_path, data_dir, capsys):
    out = tmp_path / "result.csv"
    code = main(["assess", "--plan", str(_bad_plan(tmp_path)), "--history",
                 str(data_dir / "china" / "national_history.csv"), "--out", str(out), "--no-track"])
    captured = capsys.readouterr()
    assert code == 2
    assert "bad_plan.csv, row 2, column 'target': '≥abc'" in captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()
    assert list(tmp_path.glob("*result*")) == []


def test_bad_plan_in_a_subprocess_has_no_traceback(tmp_path):
    out = tmp_path / "result.json"
    proc = subprocess.run([sys.executable, "-m", "mstarget", "assess", "--plan", str(_bad_plan(tmp_path)),
                           "--out", str(out), "--no-track"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "row 2, column 'target'" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_assess_writes_out_and_prints_in_the_plans_order(tmp_path, data_dir, capsys):
    out = tmp_path / "dinghu.json"
    code = main(["assess", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--out", str(out), "--no-track"])
    printed = capsys.readouterr().out
    assert code == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 14 and {"p_meet", "status", "forecast"} <= set(rows[0])
    # session 35 (f9): the printout keeps the plan's order, as --out and the report (no longer binding first)
    table_lines = [ln for ln in printed.splitlines() if ln.startswith(("约束性", "预期性"))]
    attributes = {"binding": "约束性", "expected": "预期性"}
    assert [ln[:3] for ln in table_lines] == [attributes[r["attribute"]] for r in rows]


def test_assess_xlsx_output_and_missing_history_file(tmp_path, data_dir, capsys):
    out = tmp_path / "national.xlsx"
    code = main(["assess", "--plan", str(data_dir / "china" / "national_targets.csv"), "--history",
                 str(data_dir / "china" / "national_history.csv"), "--as-of", "2022", "--out", str(out),
                 "--no-track"])
    assert code == 0
    assert len(pd.read_excel(out)) == 5
    code = main(["assess", "--plan", str(data_dir / "china" / "national_targets.csv"), "--history",
                 str(tmp_path / "missing.csv"), "--no-track"])
    assert code == 2
    assert "missing.csv: file not found" in capsys.readouterr().err


def test_unknown_model_is_bad_input(tmp_path, data_dir, capsys):
    code = main(["forecast", "--history", str(data_dir / "china" / "national_history.csv"),
                 "--model", "crystal_ball", "--no-track"])
    assert code == 2
    assert "unknown model 'crystal_ball'" in capsys.readouterr().err


def test_forecast_and_default_tracking_store(tmp_path, data_dir, capsys):
    out = tmp_path / "fc.csv"
    code = main(["forecast", "--history", str(data_dir / "china" / "national_history.csv"),
                 "--horizon", "2", "--out", str(out)])
    assert code == 0
    fc = pd.read_csv(out)
    assert {"lo_80", "hi_95", "median", "model"} <= set(fc.columns)
    assert "MLflow run" in capsys.readouterr().out


def test_chinese_names_align():
    t = format_table(pd.DataFrame({"name": ["药品抽检合格率", "x"], "v": [1.0, 22.0]}))
    lines = t.splitlines()
    assert len({display_width(ln) for ln in lines}) == 1
    assert display_width("药品") == 4


@pytest.mark.parametrize("argv", [["--version"]])
def test_version(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert "mstarget" in capsys.readouterr().out


def test_output_file_is_complete_and_readable_by_others(tmp_path, data_dir):
    import os
    import stat

    out = tmp_path / "fc.csv"
    old = os.umask(0o022)
    try:
        assert main(["forecast", "--history", str(data_dir / "china" / "national_history.csv"),
                     "--horizon", "1", "--out", str(out), "--no-track"]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o644
    assert list(tmp_path.glob(".fc.csv.*")) == []  # no temporary file left behind


def test_repeated_warnings_are_grouped_into_one_line(data_dir, capsys):
    assert main(["assess", "--plan", str(data_dir / "dinghu_14th_fyp_plan.csv"), "--no-track"]) == 0
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if "single observation" in ln]
    assert len(lines) == 1
    assert lines[0].startswith("warning: 13 series: a single observation") and "(+8 more)" in lines[0]


def test_progress_in_a_log_ends_its_line_before_the_table(tmp_path, data_dir):
    """Standard output and error both sent to one log file (as in CI): the bar's last line shows the
    final count and the table starts on a line of its own."""
    log = tmp_path / "log.txt"
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.run([sys.executable, "-m", "mstarget", "assess", "--plan",
                               str(data_dir / "china" / "national_targets.csv"), "--history",
                               str(data_dir / "china" / "national_history.csv"), "--as-of", "2022",
                               "--out", str(tmp_path / "a.csv"), "--no-track"],
                              stdout=fh, stderr=subprocess.STDOUT, cwd=tmp_path)
    assert proc.returncode == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    bar = [ln for ln in lines if "forecasting series" in ln]
    assert bar and "4/4" in bar[-1].split("\r")[-1]
    assert any(ln.startswith("attribute") for ln in lines)  # the table header is not glued to the bar


def test_demo_runs_the_main_job_on_the_shipped_data(tmp_path, capsys):
    # the README's `make demo`: it broke once when `assess` gained options the demo did not pass
    out = tmp_path / "demo"
    assert main(["demo", "--no-track", "--out-dir", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "期末市场主体总量" in printed and "提前实现" in printed
    table = pd.read_csv(out / "national_assessment.csv")
    assert len(table) == 5  # every national target, the one without history included
    p_meet = table["p_meet"].dropna()
    assert len(p_meet) >= 4 and p_meet.between(0, 1).all()
    assert (out / "national_fan_chart.png").stat().st_size > 10_000


@pytest.mark.parametrize("command, out, expected", [
    ("assess", "res.txt", "--out {out}: cannot write a table to this file type; use a file name ending in "
                          ".csv, .xlsx, .json or .parquet."),
    ("forecast", "fc.xls", "--out {out}: cannot write a table to this file type"),
    ("report", "r.pdf", "--out {out}: cannot write a report to this file type; use a file name ending in "
                        ".html, .xlsx or .docx."),
])
def test_an_output_type_we_cannot_write_is_refused_before_any_work(command, out, expected, tmp_path, data_dir,
                                                                     capsys):
    """``--out res.txt`` was refused only after the whole computation, as "the input was refused"
    (s33 tester, defect 3): the README says --out is checked before any work."""
    path = tmp_path / out
    inputs = ["--history", str(data_dir / "china" / "national_history.csv")]
    if command != "forecast":
        inputs += ["--plan", str(data_dir / "china" / "national_targets.csv")]
    assert main([command, *inputs, "--out", str(path), "--no-track"]) == 2
    err = capsys.readouterr().err
    assert expected.format(out=path) in err
    assert "the input was refused" not in err and "reading" not in err and "forecasting" not in err
    assert not path.exists()


def test_max_charts_below_zero_is_refused_and_zero_means_none(tmp_path, data_dir, capsys):
    """``--max-charts -1`` was accepted and the report read 扇形图仅列出0项 (s33 tester, defect 4)."""
    out = tmp_path / "r.html"
    argv = ["report", "--plan", str(data_dir / "china" / "national_targets.csv"),
            "--history", str(data_dir / "china" / "national_history.csv"), "--as-of", "2022", "--no-track"]
    assert main([*argv, "--max-charts", "-1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--max-charts -1: expected a number of fan charts >= 0 (0: none" in err and "reading" not in err
    assert not out.exists()
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert "0: none" in " ".join(capsys.readouterr().out.split())


def test_assess_printout_says_completed_for_observed_target_years_and_no_e_notation(tmp_path, capsys):
    """`mstarget assess` printed 提前实现 / 滞后 for targets whose year was observed (the report said
    已完成 / 未完成), ≥7e+05 for a target of 700,000 and 0.00 for a p_meet of 0.0035."""
    hist = pd.DataFrame({"region": "测试区", "indicator": ["a"] * 4 + ["b"] * 4, "name": ["市场主体"] * 4 + ["抽检批次"] * 4,
                         "unit": ["户"] * 4 + ["批次"] * 4, "year": [2020, 2021, 2022, 2023] * 2,
                         "value": [600000, 640000, 680000, 720000, 90, 92, 91, 93]})  # SYNTHETIC
    plan = pd.DataFrame({"region": "测试区", "indicator": ["a", "b"], "name": ["市场主体", "抽检批次"], "unit": ["户", "批次"],
                         "baseline_year": 2020, "baseline": ["600000", "90"], "target_year": [2023, 2025],
                         "target": ["≥700000", "≥300"]})
    hist.to_csv(tmp_path / "h.csv", index=False)
    plan.to_csv(tmp_path / "p.csv", index=False)
    assert main(["assess", "--history", str(tmp_path / "h.csv"), "--plan", str(tmp_path / "p.csv"), "--no-track"]) == 0
    out = capsys.readouterr().out
    assert "≥700,000" in out and "e+0" not in out
    assert "已完成" in out and "已完成 1" in out
    assert [_probability(v) for v in (0.0035, 0.0, 0.5, 0.998, float("nan"))] == ["<0.01", "0.00", "0.50", ">0.99", "-"]
