"""Progress of long calls: named steps and bars over series, on standard error.

A :class:`Progress` follows one call from start to end -- reading the tables, choosing models,
learning across series, forecasting the series (a bar), logging the run. In a terminal each step
shows on one line that is redrawn in place and cleared when the call moves on (a terminal of size
0 x 0, such as a pseudo-terminal opened without one, gets its bars as whole lines). When standard
error goes to a file or a pipe (CI logs, ``mstarget assess ... 2> log.txt``) everything is written
as whole lines: one per step as it starts, a bar at most every 10 seconds plus its final count, so
the lines that follow (a table, "written: ...") start on a line of their own.

``progress=False`` (the API's default) gives a :class:`Progress` that writes nothing.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager

#: seconds between two whole-line updates of a bar outside a terminal
LOG_INTERVAL = 10.0


def _to_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def _terminal_has_size() -> bool:
    """Whether standard error's terminal says its size: a pseudo-terminal opened without one
    (``script``, ``docker run -t``, ``expect``, a CI runner's pty) is 0 x 0, where a ``tqdm`` bar
    draws nothing at all."""
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (AttributeError, ValueError, OSError):  # replaced or closed stderr, no terminal
        return False
    return size.columns > 0 and size.lines > 0


def progress_bar(*, total: int, desc: str, unit: str):
    """A bar of ``total`` steps advanced by ``.update(n)``: a ``tqdm`` bar redrawn in place in a
    terminal that says its size, whole lines (:class:`LineBar`) in a file, a pipe or a terminal of
    size 0 x 0."""
    if _to_terminal() and _terminal_has_size():
        from tqdm.auto import tqdm  # lazy: tqdm, only when a bar is shown in a terminal

        return tqdm(total=total, desc=desc, unit=unit, leave=False)
    return LineBar(total, desc, unit)


class LineBar:
    """Progress as whole lines -- ``forecasting series: 7950/10000 series (80%), 12 s`` -- at
    most one every :data:`LOG_INTERVAL` seconds, and the final count when closed."""

    def __init__(self, total: int, desc: str, unit: str, stream=None):
        self.total, self.desc, self.unit = int(total), desc, unit
        self.stream = stream
        self.n = 0
        self.start = self.last = time.monotonic()
        self.closed = False

    def _write(self) -> None:
        stream = self.stream or sys.stderr
        share = f" ({100 * self.n / self.total:.0f}%)" if self.total else ""
        stream.write(f"[mstarget] {self.desc}: {self.n}/{self.total} {self.unit}{share}, "
                     f"{time.monotonic() - self.start:.0f} s\n")
        stream.flush()

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self.last >= LOG_INTERVAL and self.n < self.total:
            self.last = now
            self._write()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._write()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class Progress:
    """Steps and bars of one call (see the module docstring); silent when not ``enabled``.

    Pass one object down a call so the whole call reports on one stream::

        prog = Progress(True)
        with prog.step("reading plan and history"):
            ...
        bar = prog.bar(n_series, "forecasting", unit="series")
    """

    def __init__(self, enabled: bool = True):
        self.enabled = bool(enabled)
        self._open = False

    @classmethod
    def of(cls, progress) -> "Progress":
        """``progress=`` of a public function: a bool or a :class:`Progress` passed along."""
        return progress if isinstance(progress, Progress) else cls(bool(progress))

    @contextmanager
    def step(self, desc: str):
        """A named step of the call: ``with prog.step("learning across series"): ...``."""
        if not self.enabled:
            yield
            return
        start = time.monotonic()
        if _to_terminal():
            self._clear()
            sys.stderr.write(f"{desc} ...")
            sys.stderr.flush()
            self._open = True
            try:
                yield
            finally:
                self._clear()
        else:
            sys.stderr.write(f"[mstarget] {desc} ...\n")
            sys.stderr.flush()
            yield
            took = time.monotonic() - start
            if took >= LOG_INTERVAL:
                sys.stderr.write(f"[mstarget] {desc}: {took:.0f} s\n")
                sys.stderr.flush()

    def bar(self, total: int, desc: str, unit: str = "series"):
        """A bar of ``total`` steps (``.update(n)``, ``.close()``); nothing below two steps."""
        if not self.enabled or total < 2:
            return _NoBar()
        self._clear()
        return progress_bar(total=total, desc=desc, unit=unit)

    def _clear(self) -> None:
        if self._open:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self._open = False
