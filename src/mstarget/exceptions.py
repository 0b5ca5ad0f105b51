"""All exceptions and warnings raised by mstarget live here.

Catch :class:`MstargetError` to handle anything the library refuses on purpose -- every error
mstarget raises is one of its subclasses (a bad argument or model spec: :class:`ParameterError`;
a model that cannot be fitted to a series: :class:`ModelFitError`; bad input tables:
:class:`DataValidationError`); :class:`DataValidationError` carries every problem found in an
input table as data.
"""
from __future__ import annotations

import contextlib
import errno as _errno
import reprlib
import warnings
from dataclasses import dataclass
from typing import Iterable, Iterator


class MstargetError(Exception):
    """Base class of every error mstarget raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One bad cell (or row, or column) of an input table.

    Attributes
    ----------
    source : str
        File name, or ``"<DataFrame>"`` for an in-memory table.
    row : int or None
        Row as a spreadsheet user counts it: the header is row 1, the first data row is row 2.
        ``None`` when the problem concerns a whole column or the whole table.
    column : str or None
        Column name, ``None`` for a whole row or table.
    value : str or None
        The cell's text as read.
    expected : str
        What was expected instead, phrased as advice on how to fix the input.
    """

    source: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = ", ".join(where)
        if self.value is not None:
            text += f": {self.value!r}"
        return f"{text}: {self.expected}"


class DataValidationError(MstargetError, ValueError):
    """An input table was refused; ``.problems`` lists every bad cell found, not only the first.

    The message names the file, the spreadsheet row, the column, the cell's text and what was
    expected, one problem per line.
    """

    def __init__(self, problems: Iterable[Problem] | str, *, source: str = "<input>"):
        if isinstance(problems, str):
            problems = [Problem(source, None, None, None, problems)]
        self.problems: list[Problem] = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input:" if n > 1 else ""
        lines = [str(p) for p in self.problems[:50]]
        if n > 50:
            lines.append(f"... and {n - 50} more")
        msg = "\n".join(([head] if head else []) + lines)
        super().__init__(msg)


class ParameterError(MstargetError, ValueError):
    """A function argument is out of its allowed range (scikit-learn style message)."""

    @classmethod
    def invalid(cls, name: str, owner: str, expected: str, got: object, hint: str = "") -> "ParameterError":
        """"The 'name' parameter of owner must be expected. Got <got> instead." -- ``got`` shown
        short (:func:`shown`: a table passed by mistake is named, not printed whole), then ``hint``."""
        return cls(f"The '{name}' parameter of {owner} must be {expected}. Got {shown(got)} instead."
                   + (f" {hint}" if hint else ""))


#: how a wrong argument is quoted in a message: short (a list of 35,000 values is not printed whole)
_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxtuple = 80, 80, 6, 6
_SHORT.maxdict, _SHORT.maxset, _SHORT.maxfrozenset, _SHORT.maxlevel = 4, 6, 6, 2


def shown(value: object) -> str:
    """``value`` as a message quotes it: its ``repr`` when short; a pandas / NumPy object by its type and
    size (``a pandas Series 'value' of 35756 values``), anything else cut short (:mod:`reprlib`), so that
    an argument passed by mistake gives a one-line message rather than megabytes of it."""
    kind = type(value).__module__.split(".")[0]
    if kind == "pandas" and hasattr(value, "shape"):
        if getattr(value, "ndim", 0) == 2:
            rows, cols = value.shape
            return f"a pandas {type(value).__name__} of {rows} rows x {cols} columns"
        name = getattr(value, "name", None)
        label = f" {name!r}" if isinstance(name, (str, int)) else ""
        return f"a pandas {type(value).__name__}{label} of {len(value)} values"
    if kind == "numpy" and getattr(value, "ndim", 0) >= 1:
        return f"a NumPy array of shape {tuple(value.shape)}"
    if isinstance(value, dict) and len(value) > _SHORT.maxdict:
        return f"a dict of {len(value)} keys ({_SHORT.repr(list(value)[:4])[1:-1]}, ...)"
    if isinstance(value, (list, tuple, set, frozenset)) and len(value) > 6:
        return f"a {type(value).__name__} of {len(value)} items {_SHORT.repr(value)}"
    return _SHORT.repr(value)


class ModelFitError(MstargetError, ValueError):
    """A model could not be fitted to a series: too few points, non-finite values, or its
    numerical routine failed (statsmodels, Prophet, scikit-learn).

    The forecast engine catches it -- and only it -- to fall back to a simpler model, recorded in
    the result (``model`` column ``fallback:drift``, the note saying why). A configuration error
    (:class:`ParameterError`) is never turned into a fallback.
    """


class UnknownModelError(MstargetError, KeyError):
    """A model name or spec that is not registered."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else "unknown model"


class TrackingError(MstargetError):
    """The MLflow tracking store could not be reached or failed during a run.

    Results already computed are kept; the run, if started, is ended as FAILED.
    """


class EnvironmentProblem(MstargetError, OSError):
    """The machine, not the input, stopped the work: a full disk, a read-only or forbidden folder,
    an output path that is a folder or has a file as parent, an unreachable Dask scheduler.

    The message names the path or address and how to fix it (the CLI exits with code 4). It is
    an :class:`OSError` too, so code catching ``OSError`` still catches it.

    Attributes
    ----------
    path : str or None
        The file or folder concerned.
    address : str or None
        The server address concerned (e.g. a Dask scheduler).
    """

    def __init__(self, message: str, *, path: str | None = None, address: str | None = None,
                 errno: int | None = None):
        super().__init__(message)
        self.path, self.address = path, address
        self.errno = errno
        self.filename = path

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "environment problem"

    @classmethod
    def from_os_error(cls, exc: OSError, path=None, action: str = "write") -> "EnvironmentProblem":
        """``exc`` (whose errno is in :data:`ENVIRONMENT_ERRNOS`) as a one-line message naming
        ``path`` (default: the file the error names)."""
        where = str(path if path is not None else (exc.filename or "?"))
        reason, fix = _ENVIRONMENT_REASONS.get(exc.errno, (exc.strerror or str(exc), ""))
        text = f"cannot {action} '{where}': {reason}"
        if exc.filename and str(exc.filename) != where and exc.errno in (_errno.ENOTDIR, _errno.EEXIST):
            text += f" ('{exc.filename}')"
        return cls(f"{text}. {fix}".strip(), path=where, errno=exc.errno)


#: OSError numbers that mean "the machine", not the input or a bug
ENVIRONMENT_ERRNOS = frozenset(e for e in (
    _errno.ENOSPC, getattr(_errno, "EDQUOT", None), _errno.EACCES, _errno.EPERM, _errno.EROFS,
    _errno.EISDIR, _errno.ENOTDIR, _errno.EEXIST, _errno.ENAMETOOLONG, _errno.EMFILE,
    _errno.ENFILE, _errno.ENOMEM, _errno.EIO) if e is not None)

_ENVIRONMENT_REASONS = {
    _errno.ENOSPC: ("no space left on the disk", "Free some space or choose another folder."),
    _errno.EACCES: ("permission denied", "Choose a folder you may write to, or ask for access."),
    _errno.EPERM: ("operation not permitted", "Choose a folder you may write to, or ask for access."),
    _errno.EROFS: ("the file system is read-only", "Choose a folder on a writable disk."),
    _errno.EISDIR: ("it is a folder, not a file", "Give a file name inside it, e.g. result.csv."),
    _errno.ENOTDIR: ("a part of the path is a file, not a folder", "Fix the folder part of the path."),
    _errno.EEXIST: ("a part of the path is a file, not a folder", "Fix the folder part of the path."),
    _errno.ENAMETOOLONG: ("the name is too long", "Choose a shorter file name."),
    _errno.EMFILE: ("too many open files", "Close other programs and try again."),
    _errno.ENFILE: ("too many open files", "Close other programs and try again."),
    _errno.ENOMEM: ("out of memory", "Close other programs or use a machine with more memory."),
    _errno.EIO: ("input/output error on the disk", "Check the disk, or choose another folder."),
}
if getattr(_errno, "EDQUOT", None) is not None:
    _ENVIRONMENT_REASONS[_errno.EDQUOT] = ("disk quota exceeded", "Free some space or choose another folder.")


def environment_cause(exc: BaseException | None) -> OSError | None:
    """The OSError with an environment errno in ``exc`` or its chain (``__cause__`` /
    ``__context__``), else ``None``: e.g. a library's own error raised while a full disk failed."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS:
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


class MstargetWarning(UserWarning):
    """Base class of mstarget's warnings."""


class ShortHistoryWarning(MstargetWarning):
    """A series has too few points for the chosen model; uncertainty is widened honestly."""


class FewPeersWarning(ShortHistoryWarning):
    """An indicator has several regions in a call, but too few to pool their trends and noise: each
    is forecast from its own history alone (a short history by another name)."""


class TrackingWarning(MstargetWarning):
    """An API call asked for tracking and the store failed: the result is returned, the run is not kept."""


class ModelFallbackWarning(MstargetWarning):
    """A model failed to fit a series (:class:`ModelFitError`) and a simpler model was used
    instead; the result's ``model`` column reads ``fallback:<model>`` and its note says why."""


class UnmatchedWarning(MstargetWarning):
    """Plan rows without history, or history series matching no plan row (never dropped silently).

    Attributes
    ----------
    plan_rows : DataFrame
        ``region, indicator, name, target_year, suggestion``: plan rows no history series matched.
    history_series : DataFrame
        ``region, indicator, name, n_obs, first_year, last_year, suggestion``: series matching no
        plan row, with a "did you mean" suggestion (``did you mean region 鼎湖区?``) where one is found.
    """

    def __init__(self, message: str, plan_rows=None, history_series=None):
        super().__init__(message)
        self.plan_rows = plan_rows
        self.history_series = history_series


class RunningTotalWarning(MstargetWarning):
    """A 〈〉 history declared (or taken) as yearly flows looks like running totals (累计完成)."""


class InconsistentDataWarning(MstargetWarning):
    """Inputs that disagree with themselves or with each other, used anyway (issue 14).

    Issued by :mod:`mstarget.consistency`: a plan row repeated exactly (kept once), a plan baseline
    contradicting the history's value for that year, a ``%`` series jumping about 100 times between
    two years (a ratio 0-1 among percentages), plan and history in different units, observations
    dated after the current year, a 〈〉 baseline that is not used. The message says, Chinese first,
    what disagrees, where (file, spreadsheet row, column) and which value is used.

    Attributes
    ----------
    problems : list of Problem
        The cells concerned (file, row, column, value, what to check), as in
        :class:`DataValidationError`.
    """

    def __init__(self, message: str, problems=()):
        super().__init__(message)
        self.problems = list(problems)


class UnreadColumnWarning(MstargetWarning):
    """A column of a history kept one column per year names a year but holds no year's figure
    (``2023年1-9月``: part of the year; ``2023年增速``: a growth rate): not read, and said so, so
    that the last year used is not taken for the last year in the table."""


class HiddenSheetWarning(MstargetWarning):
    """A workbook's sheet or rows hidden in Excel / WPS (an old copy of the table, a helper sheet, a
    cancelled indicator, rows a filter hides) were not read: what is read is what the user sees.
    Unhide them to have them read."""


class TrackedChangesWarning(MstargetWarning):
    """A Word document's tables hold tracked changes (修订): read as if every change were accepted."""


class PoolingWarning(MstargetWarning):
    """Rows of several regions (or other units) were added up into the same risk groups."""


class ConcentrationWarning(MstargetWarning):
    """A sampling plan puts more than the allowed share of the budget into one group."""


@contextlib.contextmanager
def kept_warnings(into: list, **context) -> Iterator[list]:
    """Keep the mstarget warnings raised inside the block as data instead of showing them.

    Each distinct :class:`MstargetWarning` (by category and message) is appended to ``into`` as a
    dict ``{**context, "category": <class name>, "message": <text>}`` -- e.g. the warnings of every
    past origin of a backtest, which would otherwise repeat on the screen, are kept on its result.
    Other warnings (NumPy, statsmodels ...) are shown once each, as usual.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield into
    seen: set = set()
    for w in caught:
        key = (w.category, str(w.message))
        if key in seen:
            continue
        seen.add(key)
        if issubclass(w.category, MstargetWarning):
            into.append({**context, "category": w.category.__name__, "message": str(w.message)})
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
