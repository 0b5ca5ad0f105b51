"""Progress bars for long work (forecasting many series, backtest origins).

In a terminal the bar redraws in place and disappears when the work is done. When standard error
goes to a file or a pipe (CI logs, ``mstarget demo > log.txt 2>&1``) the bar is written as a few
whole lines instead -- at most one every 10 seconds, plus the final count -- so the lines that
follow it (a table, "written: ...") start on a line of their own.
"""
from __future__ import annotations

import sys


def _to_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def progress_bar(iterable=None, *, total: int | None = None, desc: str, unit: str):
    """A ``tqdm`` bar over ``iterable`` (or with ``total`` steps, advanced by ``.update(1)``)."""
    from tqdm.auto import tqdm  # lazy: tqdm, only when a bar is shown

    if _to_terminal():
        return tqdm(iterable, total=total, desc=desc, unit=unit, leave=False)
    return tqdm(iterable, total=total, desc=desc, unit=unit, leave=True, mininterval=10.0,
                ascii=True, file=sys.stderr)
