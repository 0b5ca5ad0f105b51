"""A command's outputs are all-or-nothing as a set (:func:`mstarget.output_set.outputs_together`).

``backtest --out b.csv`` writes ``b.csv`` and ``b_details.csv`` (and ``--chart``), ``report --out r.html
--out r.xlsx`` two reports, ``assess`` / ``risk score`` a table and a chart. When a later output fails
(a full disk, a file made immutable meanwhile) or the command is interrupted, every earlier file must
be left as it was -- not a new summary beside the old details -- and no temporary file left behind;
a run that succeeds replaces them all. Failures are made deterministic with monkeypatch (the tests
may run as root, for whom a read-only folder is no obstacle).
"""
from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mstarget import io as mio
from mstarget import output_set
from mstarget.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
DINGHU = ROOT / "data" / "dinghu_14th_fyp_plan.csv"
NATIONAL_HISTORY = ROOT / "data" / "china" / "national_history.csv"
FOOD_SAMPLES = ROOT / "data" / "china" / "food_sampling_by_category.csv"

OLD = {"csv": "earlier result\n", "png": "earlier chart", "html": "<html>earlier report</html>",
       "xlsx": "earlier workbook"}


def earlier(path: Path) -> Path:
    """``path`` holding a recognisable earlier result (a stand-in for last month's file)."""
    path.write_text(OLD[path.suffix[1:]], encoding="utf-8")
    return path


def untouched(path: Path) -> bool:
    """``path`` still holds what :func:`earlier` wrote."""
    return path.read_bytes() == OLD[path.suffix[1:]].encode("utf-8")


def hidden(folder: Path) -> list[str]:
    """Temporary files (``.name.xxxx.csv``) or kept earlier files left in ``folder``."""
    return sorted(f.name for f in folder.iterdir() if f.name.startswith("."))


def error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def refuse_rename_onto(monkeypatch, target: Path) -> None:
    """Renaming a new file onto ``target`` fails as on a file made immutable (``chattr +i``)
    while the command ran; every other rename works."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == target and Path(src).name.startswith(f".{target.name}."):
            raise PermissionError(errno.EPERM, "Operation not permitted", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def fill_disk_on_csv(monkeypatch, nth: int, exc: BaseException | None = None) -> None:
    """The ``nth`` CSV written (1-based) fails half-way: the disk is full (or ``exc`` is raised)."""
    real = pd.DataFrame.to_csv
    calls = []

    def to_csv(self, path=None, *args, **kwargs):
        calls.append(path)
        if len(calls) == nth:
            Path(path).write_text("region,indic", encoding="utf-8")
            raise exc if exc is not None else OSError(errno.ENOSPC, "No space left on device")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)


# -- backtest: summary, details and chart --------------------------------------------------------

def backtest_argv(out: Path, chart: Path) -> list[str]:
    return ["backtest", "--history", str(NATIONAL_HISTORY), "--models", "naive", "--paths", "50",
            "--origins", "2", "--out", str(out), "--chart", str(chart), "--no-track"]


@pytest.mark.parametrize("fault", ["details file made immutable", "disk full writing the details"])
def test_backtest_details_that_fail_leave_the_earlier_summary_and_chart(fault, tmp_path, monkeypatch, capsys):
    out, details, chart = tmp_path / "b.csv", tmp_path / "b_details.csv", tmp_path / "b.png"
    for f in (out, details, chart):
        earlier(f)
    if fault.startswith("details file"):
        refuse_rename_onto(monkeypatch, details)
    else:
        fill_disk_on_csv(monkeypatch, nth=2)  # b.csv first, then b_details.csv
    assert main(backtest_argv(out, chart)) == 4
    line = error_line(capsys.readouterr().err)
    assert f"cannot write '{details}'" in line
    assert all(untouched(f) for f in (out, details, chart)), "an earlier output was replaced"
    assert hidden(tmp_path) == []
    if fault.startswith("details file"):
        assert "Nothing was replaced" in line and f"'{out}'" in line and "earlier content" in line


def test_backtest_that_succeeds_replaces_summary_details_and_chart(tmp_path):
    out, details, chart = tmp_path / "b.csv", tmp_path / "b_details.csv", tmp_path / "b.png"
    for f in (out, details, chart):
        earlier(f)
    assert main(backtest_argv(out, chart)) == 0
    summary, rows = pd.read_csv(out, encoding="utf-8-sig"), pd.read_csv(details, encoding="utf-8-sig")
    assert list(summary["model"]) == ["naive"] and len(rows) > len(summary)
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert hidden(tmp_path) == []


# -- report: several formats ---------------------------------------------------------------------

def report_argv(*outs: Path) -> list[str]:
    argv = ["report", "--plan", str(DINGHU), "--model", "naive", "--max-charts", "2", "--no-track"]
    for o in outs:
        argv += ["--out", str(o)]
    return argv


def test_report_workbook_that_fails_leaves_the_earlier_page(tmp_path, monkeypatch, capsys):
    import mstarget.report.xlsx as xlsx

    page, book = earlier(tmp_path / "r.html"), earlier(tmp_path / "r.xlsx")

    def full(report, path, charts):
        Path(path).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(xlsx, "write_xlsx", full)
    assert main(report_argv(page, book)) == 4
    line = error_line(capsys.readouterr().err)
    assert f"cannot write '{book}'" in line and "no space left" in line
    assert untouched(page) and untouched(book), "a new page beside the earlier workbook"
    assert hidden(tmp_path) == []


def test_report_page_refused_at_rename_leaves_the_earlier_workbook(tmp_path, monkeypatch, capsys):
    page, book = earlier(tmp_path / "r.html"), earlier(tmp_path / "r.xlsx")
    refuse_rename_onto(monkeypatch, page)  # the page is renamed first: nothing may be replaced
    assert main(report_argv(book, page)) == 4
    line = error_line(capsys.readouterr().err)
    assert f"cannot write '{page}'" in line and "Nothing was replaced" in line
    assert untouched(page) and untouched(book)
    assert hidden(tmp_path) == []


def test_report_that_succeeds_replaces_every_format(tmp_path):
    page, book = earlier(tmp_path / "r.html"), earlier(tmp_path / "r.xlsx")
    assert main(report_argv(page, book)) == 0
    assert "<table" in page.read_text(encoding="utf-8")
    assert openpyxl.load_workbook(book).sheetnames
    assert hidden(tmp_path) == []


# -- assess: table and chart ---------------------------------------------------------------------

def assess_argv(out: Path, chart: Path) -> list[str]:
    return ["assess", "--plan", str(DINGHU), "--model", "naive", "--no-track", "--out", str(out),
            "--chart", str(chart)]


@pytest.mark.parametrize("fault, code", [(OSError(errno.ENOSPC, "No space left on device"), 4),
                                         (KeyboardInterrupt(), 130), (KeyboardInterrupt("SIGTERM"), 143)])
def test_assess_table_that_fails_leaves_the_earlier_chart(fault, code, tmp_path, monkeypatch):
    (tmp_path / "late").mkdir()
    out, chart = earlier(tmp_path / "late" / "res.csv"), earlier(tmp_path / "late_chart.png")
    fill_disk_on_csv(monkeypatch, nth=1, exc=fault)  # the chart is drawn first, then the table fails
    assert main(assess_argv(out, chart)) == code
    assert untouched(chart), "a new chart beside the earlier table"
    assert untouched(out)
    assert hidden(tmp_path) == [] and hidden(tmp_path / "late") == []


def test_assess_that_succeeds_replaces_table_and_chart(tmp_path):
    out, chart = earlier(tmp_path / "res.csv"), earlier(tmp_path / "chart.png")
    assert main(assess_argv(out, chart)) == 0
    assert "p_meet" in pd.read_csv(out, encoding="utf-8-sig").columns
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert hidden(tmp_path) == []


# -- risk score: table and chart -----------------------------------------------------------------

def test_risk_scores_that_fail_leave_the_earlier_chart(tmp_path, monkeypatch, capsys):
    out, chart = earlier(tmp_path / "scores.csv"), earlier(tmp_path / "scores.png")
    fill_disk_on_csv(monkeypatch, nth=1)
    assert main(["risk", "score", "--samples", str(FOOD_SAMPLES), "--by", "category", "--where", "region=全国",
                 "--out", str(out), "--chart", str(chart), "--no-track"]) == 4
    assert f"cannot write '{out}'" in error_line(capsys.readouterr().err)
    assert untouched(chart) and untouched(out)
    assert hidden(tmp_path) == []


# -- mstarget.io.outputs_together itself ---------------------------------------------------------

TABLE = pd.DataFrame({"region": ["鼎湖区", "鼎湖区"], "indicator": ["a", "b"], "p_meet": [0.91, 0.35]})


def test_a_block_that_raises_writes_nothing_and_one_that_ends_writes_all(tmp_path):
    a, b = earlier(tmp_path / "a.csv"), earlier(tmp_path / "b.csv")
    with pytest.raises(RuntimeError):
        with output_set.outputs_together():
            mio.write_table(TABLE, a)
            assert untouched(a)  # not in place before the block ends
            raise RuntimeError("a later step failed")
    assert untouched(a) and untouched(b) and hidden(tmp_path) == []
    with output_set.outputs_together():
        mio.write_table(TABLE, a)
        mio.write_table(TABLE.head(1), b)
        mio.write_table(TABLE, tmp_path / "c.csv")
    assert len(pd.read_csv(a)) == 2 and len(pd.read_csv(b)) == 1 and (tmp_path / "c.csv").exists()
    assert hidden(tmp_path) == []
    assert oct(a.stat().st_mode & 0o777) == oct(0o666 & ~_umask())  # an ordinary file, as without the block


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_rename_that_fails_undoes_the_ones_made(tmp_path, monkeypatch):
    a, b = earlier(tmp_path / "a.csv"), earlier(tmp_path / "b.csv")
    refuse_rename_onto(monkeypatch, b)
    with pytest.raises(mio.EnvironmentProblem) as caught:
        with output_set.outputs_together():
            mio.write_table(TABLE, a)
            mio.write_table(TABLE, b)
            mio.write_table(TABLE, tmp_path / "new.csv")
    said = str(caught.value)
    assert said.startswith(f"cannot write '{b}': operation not permitted")
    assert f"Nothing was replaced: '{a}', '{b}' keep their earlier content; '{tmp_path / 'new.csv'}' was not written" \
        in said
    assert untouched(a) and untouched(b) and not (tmp_path / "new.csv").exists()
    assert hidden(tmp_path) == []


def test_when_undoing_fails_too_the_error_says_which_file_holds_what(tmp_path, monkeypatch):
    a, b = earlier(tmp_path / "a.csv"), earlier(tmp_path / "b.csv")
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(src).name.startswith((".b.csv.", ".a.csv.")) and Path(src).suffix == ".earlier" or \
                Path(dst) == b and Path(src).name.startswith(".b.csv."):
            raise PermissionError(errno.EPERM, "Operation not permitted", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(mio.EnvironmentProblem) as caught:
        with output_set.outputs_together():
            mio.write_table(TABLE, a)
            mio.write_table(TABLE, b)
    said = str(caught.value)
    assert f"Only '{a}' holds the new results" in said and f"'{b}' keeps its earlier content" in said
    assert len(pd.read_csv(a)) == 2 and untouched(b)
    kept = hidden(tmp_path)  # a's earlier content, named in the message, and nothing else
    assert len(kept) == 1 and kept[0].endswith(".earlier") and kept[0] in said
    assert (tmp_path / kept[0]).read_text(encoding="utf-8") == OLD["csv"]


def test_an_inner_block_joins_the_outer_one(tmp_path):
    a, b, c = (earlier(tmp_path / n) for n in ("a.csv", "b.csv", "c.csv"))
    with output_set.outputs_together():
        with output_set.outputs_together():
            mio.write_table(TABLE, a)
        assert untouched(a)  # the outer block renames it
        try:
            with output_set.outputs_together():
                mio.write_table(TABLE, b)
                raise ValueError("this part failed and its caller goes on")
        except ValueError:
            pass
        mio.write_table(TABLE, c)
    assert len(pd.read_csv(a)) == 2 and untouched(b) and len(pd.read_csv(c)) == 2
    assert hidden(tmp_path) == []


class Stop(Exception):
    """Raised by the test's SIGTERM handler (as the CLI raises KeyboardInterrupt)."""


@pytest.mark.skipif(os.name != "posix", reason="sends itself SIGTERM")
def test_a_signal_during_the_renames_acts_once_they_are_all_done(tmp_path, monkeypatch):
    a, b = earlier(tmp_path / "a.csv"), earlier(tmp_path / "b.csv")
    real = os.replace
    sent = []

    def replace(src, dst, *args, **kwargs):
        if not sent:
            sent.append(dst)
            os.kill(os.getpid(), signal.SIGTERM)  # SIGTERM between the first rename and the second
        return real(src, dst, *args, **kwargs)

    def stop(signum, frame):
        raise Stop()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(Stop):
            with output_set.outputs_together():
                mio.write_table(TABLE, a)
                mio.write_table(TABLE, b)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert sent and len(pd.read_csv(a)) == 2 and len(pd.read_csv(b)) == 2  # both new: the set is whole
    assert hidden(tmp_path) == []
