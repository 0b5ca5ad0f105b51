"""Session 47 scale-out probe: a country's plan indicators in one call, as a user runs it.

The probe assessed every series of the real provincial panels (``data/china/provincial_panels.csv``,
3,550 targets) on serial / loky / Dask with 1 and 2 workers, as of 2022 and 2024: every table was
byte-identical. What it found, tested here on a few dozen of those series:

* a wrong Dask scheduler address was reported only after the tables were read, checked, matched and
  prepared (12 s on 14,000 targets; most of a minute on a national plan): it is now refused before
  any work, like a wrong ``--out``;
* in a terminal that does not say its size (a pseudo-terminal opened without one: ``script``,
  ``docker run -t``, a CI runner's pty) the progress bar drew nothing at all -- no counter, no
  100 %: such a terminal now gets the bars as whole lines.
"""
from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mstarget.cli.main import main
from robustness_helpers import closed_port

ROOT = Path(__file__).resolve().parents[1]
PANELS = ROOT / "data" / "china" / "provincial_panels.csv"
PROVINCES = ["北京", "上海", "广东", "四川"]


def provincial_tables(folder: Path) -> tuple[Path, Path]:
    """History: the REAL provincial series of three provinces' agricultural-machinery and fertiliser indicators
    (~40 series). Plan: SYNTHETIC targets set from that history -- each series' 2020 value (or its
    last value before 2020) grown to 2025 at 1.0x / 1.3x (alternate rows) its pace of the 4 years
    before, ≥ when the pace rises, ≤ when it falls. Both written as CSV under ``folder``."""
    history = pd.read_csv(PANELS)
    indicators = history["indicator"].str.contains("tractor|harvest|power|fertilizer|pesticide")
    history = history[history["region"].isin(PROVINCES) & indicators]
    rows = []
    for i, ((region, indicator), s) in enumerate(history.groupby(["region", "indicator"], sort=True)):
        s = s.set_index("year").sort_index()
        values = s.loc[s.index <= 2020, "value"]
        base_year = int(values.index[-1])
        start_year = int(values.index[values.index <= base_year - 4][-1])
        pace = (values[base_year] - values[start_year]) / (base_year - start_year)
        target = values[base_year] + (1.0 if i % 2 == 0 else 1.3) * (2025 - base_year) * pace
        rows.append({"region": region, "indicator": indicator, "name": s["name"].iloc[0],
                     "unit": s["unit"].iloc[0], "baseline_year": base_year, "baseline": values[base_year],
                     "target_year": 2025, "target": round(max(target, values[base_year] / 2), 4),
                     "direction": ">=" if pace >= 0 else "<=", "kind": "level", "attribute": "expected"})
    plan = pd.DataFrame(rows)
    assert len(plan) >= 30
    history_path, plan_path = folder / "history.csv", folder / "plan.csv"
    history.to_csv(history_path, index=False)
    plan.to_csv(plan_path, index=False)
    return history_path, plan_path


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error")]


def test_an_unreachable_scheduler_is_refused_before_the_tables_are_read(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setenv("MSTARGET_DASK_TIMEOUT", "2")
    history, plan = provincial_tables(tmp_path)
    address = f"tcp://127.0.0.1:{closed_port()}"
    out = tmp_path / "assessment.csv"
    code = main(["assess", "--plan", str(plan), "--history", str(history), "--as-of", "2022",
                 "--scheduler", address, "--no-track", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 4
    assert len(error_lines(err)) == 1 and f"cannot reach the Dask scheduler at {address}" in error_lines(err)[0]
    assert "Traceback" not in err
    assert "reading plan and history" not in err  # refused first: no minute spent reading a country's tables
    assert not out.exists()


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_a_scheduler_address_that_is_no_address_is_refused_before_any_work(tmp_path, capsys, monkeypatch, how):
    pytest.importorskip("distributed")
    history, plan = provincial_tables(tmp_path)
    args = ["assess", "--plan", str(plan), "--history", str(history), "--as-of", "2024", "--no-track",
            "--backend", "dask"]
    if how == "flag":
        args += ["--scheduler", "dask-scheduler.local"]
    else:
        monkeypatch.setenv("MSTARGET_DASK_SCHEDULER", "dask-scheduler.local")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert error_lines(err) == [
        "error: --scheduler 'dask-scheduler.local' is not a Dask scheduler address (missing port number in "
        "address 'dask-scheduler.local'); write it like tcp://10.0.0.5:8786."]
    assert "reading plan and history" not in err


def test_progress_reaches_100_percent_in_a_terminal_of_size_0x0(tmp_path):
    """A pseudo-terminal opened without a size (what ``script`` or ``docker run -t`` give): tqdm drew
    nothing there, so a run of minutes showed no progress at all."""
    history, plan = provincial_tables(tmp_path)
    n_targets = len(pd.read_csv(plan))
    master, slave = pty.openpty()  # a new pseudo-terminal: 0 rows x 0 columns
    assert os.get_terminal_size(slave) == os.terminal_size((0, 0))
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "mstarget", "assess", "--plan", str(plan), "--history", str(history),
             "--as-of", "2024", "--no-track", "--out", str(tmp_path / "assessment.csv")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, cwd=tmp_path)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal's last end
                break
            if not chunk:
                break
            shown += chunk
        assert child.wait() == 0
    finally:
        os.close(master)
    text = shown.decode("utf-8", "replace")
    assert f"forecasting series: {n_targets}/{n_targets} series (100%)" in text, text[-2000:]
    assert (tmp_path / "assessment.csv").exists()


def test_an_xlsx_table_is_built_once_and_its_text_stays_text(tmp_path, monkeypatch):
    """``--out R.xlsx`` serialised the workbook twice (pandas' writer on leaving, then ours): a third
    of the 12 s an xlsx of 14,000 targets took. Once now, its text cells still text."""
    import openpyxl

    from mstarget.io import write_table

    saves = []
    real_save = openpyxl.Workbook.save
    monkeypatch.setattr(openpyxl.Workbook, "save", lambda self, target: (saves.append(1), real_save(self, target)))
    history = pd.read_csv(PANELS)
    table = history[history["region"].isin(PROVINCES)].head(40)[["region", "indicator", "name", "year", "value"]]
    table = table.assign(note="")  # REAL rows; the two notes below are SYNTHETIC text a spreadsheet would misread
    table.iloc[0, table.columns.get_loc("note")] = "#N/A"
    table.iloc[1, table.columns.get_loc("note")] = "=HYPERLINK(\"http://evil.example\")"
    out = write_table(table, tmp_path / "assessment.xlsx")
    assert len(saves) == 1
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("region", "indicator", "name", "year", "value", "note")
    assert rows[1][:5] == tuple(table.iloc[0, :5]) and rows[1][5] == "#N/A"
    assert sheet["F2"].data_type == "s" and sheet["F3"].value == "'=HYPERLINK(\"http://evil.example\")"
    assert len(rows) == 41
