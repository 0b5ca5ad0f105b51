"""The ``mstarget`` command's entry point (``[project.scripts]``), kept light on purpose.

Loading mstarget takes about a second (pandas, statsmodels, matplotlib; MLflow in the tracking
process). The console script imports its entry module before any of mstarget's own code runs, and
``mstarget.cli.main`` cannot be imported without ``mstarget/__init__.py`` and its heavy imports: a
Ctrl+C in that second used to print a long traceback from inside pandas or matplotlib. This module
imports nothing but the standard library's ``sys`` at its top, so :func:`main` is running -- and
catches the interruption -- before the heavy imports begin.
"""
from __future__ import annotations

import sys

#: the exit code of a command interrupted by Ctrl+C (128 + SIGINT, as the shell reports it)
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    """Run the ``mstarget`` command line (:func:`mstarget.cli.main.main`) with ``argv`` (default: the
    process's arguments); its exit code. A Ctrl+C that reaches no handler of the command -- while mstarget
    loads, or between two of its steps -- prints ``interrupted`` on one line and gives 130, not a
    traceback."""
    try:
        from mstarget.cli.main import main as command  # lazy: the heavy imports, after this handler exists

        return command(argv)
    except KeyboardInterrupt as exc:
        return _interrupted(exc)


def _interrupted(exc: KeyboardInterrupt) -> int:
    """Say ``interrupted`` (``terminated (SIGTERM)`` for the CLI's SIGTERM) on one line; its exit code."""
    terminated = str(exc) == "SIGTERM"
    try:
        sys.stderr.write("terminated (SIGTERM)\n" if terminated else "interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed: the exit code still says it
        pass
    return 143 if terminated else EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
