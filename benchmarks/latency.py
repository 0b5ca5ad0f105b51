"""Start-up latency of mstarget (issue 16), as ratios to ``python -c "import pandas"`` measured in
the same run, so that a busy or slow machine shifts both sides alike.

Measured, each in a fresh process, ``--repeat`` times round-robin (median and fastest of each):

* ``python -c "import pandas"`` -- the yardstick (mstarget needs pandas anyway);
* ``python -c "import mstarget"``;
* ``mstarget --help``;
* ``import mlflow, matplotlib.pyplot`` and MLflow's SQLAlchemy store: the libraries a tracked run
  loads, whatever mstarget does (the floor under what tracking can add);
* ``mstarget assess`` on the shipped national data (``data/china``) with ``--no-track`` and tracked
  (a SQLite MLflow store in a temporary folder, created by one warm-up run first: the steady state
  an analyst sees from the second run on); the difference is what tracking adds. Tracked once as
  shipped (MLflow loads in a second process while the command computes) and once logged in the
  command's own process (``MSTARGET_TRACKING_PROCESS=0``);
* ``mstarget risk score`` on the shipped food-sampling table, untracked and tracked;
* ``mstarget forecast`` of the shipped national history, 3 years ahead, untracked and tracked (the
  tracked run also saves the forecaster as an MLflow pyfunc model).

Goals (issue 16): ``import mstarget`` and ``mstarget --help`` within 1 s, tracking adding at most
1.5 s. Wall-clock seconds depend on the machine and its load: the script prints both, with the
machine, the date and the load average, as a Markdown block for benchmarks/RESULTS.md.

Usage::

    python benchmarks/latency.py [--repeat 7]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "china"
EXE = Path(sys.executable)
#: the ``mstarget`` command installed beside this Python (``python -m mstarget`` without one)
CLI = [str(EXE.parent / "mstarget")] if (EXE.parent / "mstarget").exists() else [str(EXE), "-m", "mstarget"]


def commands(store: Path) -> dict[str, list[str]]:
    assess = CLI + ["assess", "--plan", str(DATA / "national_targets.csv"),
                    "--history", str(DATA / "national_history.csv"), "--seed", "0"]
    forecast = CLI + ["forecast", "--history", str(DATA / "national_history.csv"), "--horizon", "3"]
    risk = CLI + ["risk", "score", "--samples", str(DATA / "food_sampling_by_category.csv"),
                  "--by", "region,category"]
    return {
        "import pandas": [str(EXE), "-c", "import pandas"],
        "import mstarget": [str(EXE), "-c", "import mstarget"],
        "mstarget --help": CLI + ["--help"],
        # what a tracked run must load whatever mstarget does: MLflow with its SQLAlchemy store,
        # matplotlib for the fan chart
        "import mlflow + store + pyplot": [str(EXE), "-c", "import mlflow, matplotlib.pyplot, "
                                           "mlflow.store.tracking.sqlalchemy_store"],
        "assess, untracked": assess + ["--no-track"],
        "assess, tracked": assess + ["--tracking-uri", f"sqlite:///{store}"],
        "assess, tracked in-process": ["env", "MSTARGET_TRACKING_PROCESS=0", *assess,
                                       "--tracking-uri", f"sqlite:///{store}"],
        "risk score, untracked": risk + ["--no-track"],
        "risk score, tracked": risk + ["--tracking-uri", f"sqlite:///{store}"],
        "forecast, untracked": forecast + ["--no-track"],
        "forecast, tracked": forecast + ["--tracking-uri", f"sqlite:///{store}"],
    }


def seconds(cmd: list[str], cwd: Path) -> float:
    """Wall-clock seconds of one run of ``cmd`` (output discarded; a failure stops the script)."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(repeat: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cmds = commands(work / "mlflow.db")
        for cmd in cmds.values():  # warm-up: file caches, the store's tables, compiled bytecode
            seconds(cmd, work)
        times: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(repeat):
            for name, cmd in cmds.items():
                times[name].append(seconds(cmd, work))
    return times


def markdown(times: dict[str, list[float]], repeat: int) -> str:
    med = {k: statistics.median(v) for k, v in times.items()}
    low = {k: min(v) for k, v in times.items()}
    base_med, base_low = med["import pandas"], low["import pandas"]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}), "
        f"load average {load} at the end; {repeat} runs each, round-robin, after one warm-up.",
        "",
        "| command | median s | fastest s | median / import pandas | fastest / import pandas |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in times:
        lines.append(f"| `{name}` | {med[name]:.2f} | {low[name]:.2f} | {med[name] / base_med:.2f} | "
                     f"{low[name] / base_low:.2f} |")
    added_med = med["assess, tracked"] - med["assess, untracked"]
    added_low = low["assess, tracked"] - low["assess, untracked"]
    lines += ["", f"Tracking adds {added_med:.2f} s (median; fastest runs: {added_low:.2f} s) to "
                  "`mstarget assess` on the shipped national data "
                  f"({med['assess, tracked in-process'] - med['assess, untracked']:.2f} s logged in the "
                  "command's own process, `MSTARGET_TRACKING_PROCESS=0`), "
                  f"{med['risk score, tracked'] - med['risk score, untracked']:.2f} s to `mstarget risk score` "
                  "on the shipped food-sampling table, "
                  f"{med['forecast, tracked'] - med['forecast, untracked']:.2f} s to `mstarget forecast` "
                  "(with its pyfunc model)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs of each command (default 7)")
    args = ap.parse_args(argv)
    print(markdown(measure(args.repeat), args.repeat))


if __name__ == "__main__":
    main()
