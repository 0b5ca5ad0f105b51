"""A command's outputs written as one set: all new files, or all the earlier ones.

Every writer of :mod:`mstarget.io` (:func:`~mstarget.io.atomic_path`, and so ``write_table``, the
charts' ``save_figure``, the report's renderings) writes a temporary file beside its target and
renames it into place. Inside :func:`outputs_together` it leaves the finished temporary file there;
only when the block ends without an error are they all renamed into place. A failure or an
interruption (Ctrl+C, SIGTERM) before then removes every temporary file and leaves each earlier
file as it was -- never a new summary beside old details. The renames run with Ctrl+C / SIGTERM held
back until they are done, each earlier file kept under a hidden name until all are in place: if one
rename fails (a file made immutable meanwhile), the ones already made are undone and the error
(:class:`~mstarget.exceptions.EnvironmentProblem`) says that nothing was replaced; only if undoing
fails too does it name exactly which files hold new results and which their earlier ones.
"""
from __future__ import annotations

import contextlib
import contextvars
import errno
import hashlib
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from .exceptions import ENVIRONMENT_ERRNOS, EnvironmentProblem, environment_cause

#: the :class:`StagedOutputs` of the :func:`outputs_together` block this code runs in, if any
_STAGED: contextvars.ContextVar["StagedOutputs | None"] = contextvars.ContextVar("mstarget_staged_outputs",
                                                                                  default=None)


#: the stop request of this process (Ctrl+C / SIGTERM), set by the CLI's signal handler: ``"SIGINT"``,
#: ``"SIGTERM"`` or None. A request is never lost: even when the ``KeyboardInterrupt`` the handler raises is
#: swallowed (raised inside a weakref callback or ``__del__``, Python prints "Exception ignored" and carries
#: on), :meth:`StagedOutputs.commit` refuses to rename and the CLI ends with 130 / 143.
_STOP: list[str] = []
#: the targets the commits of this process put in place (since :func:`forget_written`), in order, and the files
#: written on their own (:func:`record_written`)
_WRITTEN: list[Path] = []


def request_stop(reason: str) -> None:
    """Record a stop request (``"SIGINT"`` or ``"SIGTERM"``): no output set is committed after it."""
    if not _STOP:
        _STOP.append(reason)


def stop_requested() -> str | None:
    """The stop request recorded by :func:`request_stop` (``"SIGINT"`` / ``"SIGTERM"``), or None."""
    return _STOP[0] if _STOP else None


def clear_stop() -> None:
    """Forget the stop request (a new command starts)."""
    _STOP.clear()


def written() -> list[Path]:
    """The files the commits of this process (and :func:`record_written`) put in place since
    :func:`forget_written`, in order."""
    return list(_WRITTEN)


def record_written(path) -> None:
    """Record a file put in place on its own, outside an output set (:func:`mstarget.io.atomic_path`: a
    ``forecast --out`` table): a stopped command names it among the files it wrote."""
    _WRITTEN.append(Path(path))


def forget_written() -> None:
    """Start a new record of the files written (a new command starts)."""
    _WRITTEN.clear()


def _interruption(reason: str) -> KeyboardInterrupt:
    """The ``KeyboardInterrupt`` the CLI raises for ``reason`` (SIGTERM: ``KeyboardInterrupt("SIGTERM")``)."""
    return KeyboardInterrupt("SIGTERM") if reason == "SIGTERM" else KeyboardInterrupt()


def current_set() -> "StagedOutputs | None":
    """The :class:`StagedOutputs` of the :func:`outputs_together` block this code runs in (None
    outside one): :func:`mstarget.io.atomic_path` stages its file there instead of renaming it."""
    return _STAGED.get()


@contextlib.contextmanager
def outputs_together():
    """Make every file written in the block (by :func:`atomic_path` and the writers built on it:
    :func:`write_table`, ``save_figure``, ``write_report``) appear together or not at all.

    Each output is written to its temporary file beside its target (same folder) and left there;
    when the block ends without an error they are all renamed into place (:meth:`StagedOutputs.commit`).
    If anything in the block raises -- a later output failing to write, a bug, Ctrl+C or SIGTERM
    (``KeyboardInterrupt``) -- every temporary file is removed and every earlier file is left as it
    was. A block inside another joins the outer one: the outer block's end renames them all; a
    failure in the inner block drops what the inner block wrote.

    Yields the :class:`StagedOutputs`. A file written in the block is not at its path until the
    block ends: do not read it back (or hand its path on) inside the block.

    Raises
    ------
    EnvironmentProblem
        A rename failed (see :meth:`StagedOutputs.commit`).
    """
    outer = _STAGED.get()
    if outer is not None:
        mark = outer.mark()
        try:
            yield outer
        except BaseException:
            outer.discard(since=mark)
            raise
        return
    group = StagedOutputs()
    token = _STAGED.set(group)
    try:
        yield group
    except BaseException:
        group.discard()
        raise
    finally:
        _STAGED.reset(token)
    group.commit()


class StagedOutputs:
    """The outputs written in one :func:`outputs_together` block: ``(temporary file, target)`` in
    the order written, renamed into place together by :meth:`commit`."""

    def __init__(self) -> None:
        self._staged: list[tuple[int, str, Path]] = []  # (serial, temporary file, target)
        self._serial = 0

    @property
    def paths(self) -> list[Path]:
        """The targets staged so far, in the order written."""
        return [dest for _, _, dest in self._staged]

    def mark(self) -> int:
        """A mark for :meth:`discard`: the outputs staged from now on."""
        return self._serial

    def stage(self, tmp: str, dest: str | os.PathLike) -> None:
        """Hold the finished temporary file ``tmp`` for ``dest`` (a target written twice gets its
        later file)."""
        self._staged.append((self._serial, tmp, Path(dest)))
        self._serial += 1

    def discard(self, since: int = 0) -> None:
        """Remove the temporary files staged since the mark ``since`` (default: all of them)."""
        for _, tmp, _ in [s for s in self._staged if s[0] >= since]:
            _remove(tmp)
        self._staged = [s for s in self._staged if s[0] < since]

    def commit(self) -> list[Path]:
        """Rename every staged file into place; the targets, in the order written.

        Another command committing onto any of the same files finishes first (:func:`_lock_targets`:
        two sets never interleave). Ctrl+C and SIGTERM are held back until the renames are done
        (then they act, in the main thread); after a stop request (:func:`request_stop`) nothing is
        renamed. Each earlier file is first kept under a hidden name beside it (a hard link, else a copy); a rename that
        fails undoes the ones made, so every target keeps its earlier content, and the hidden
        copies are removed. A target whose earlier file could not be kept is renamed last.

        Raises
        ------
        EnvironmentProblem
            A rename (or keeping an earlier file) failed: the message names the file and says that
            nothing was replaced -- or, when an undo failed too, exactly which files now hold the
            new results and which their earlier content.
        """
        staged, held = [], self._staged
        for k, (_, tmp, dest) in enumerate(held):  # a target written twice: its later file
            if any(same_file(dest, later) for _, _, later in held[k + 1:]):
                _remove(tmp)
            else:
                staged.append((tmp, dest))
        self._staged = []
        kept: list[tuple[str | None, bool]] = []  # per target: its earlier file kept, whether it had one
        done: list[int] = []
        current = None
        try:
            locks = _lock_targets([dest for _, dest in staged])
        except BaseException:  # another command kept them too long, or Ctrl+C meanwhile: nothing renamed
            for tmp, _ in staged:
                _remove(tmp)
            raise
        with _released(locks), _signals_held():
            try:
                reason = stop_requested()
                if reason is not None:  # a stop request whose KeyboardInterrupt was swallowed: nothing renamed
                    raise _interruption(reason)
                for _, dest in staged:
                    current = dest
                    existed = os.path.lexists(dest)
                    kept.append((_keep_earlier(dest) if existed else None, existed))
                # a target whose earlier file could not be kept goes last: no rename after it to undo
                for k in sorted(range(len(staged)), key=lambda k: kept[k][1] and kept[k][0] is None):
                    current = staged[k][1]
                    os.replace(*staged[k])
                    done.append(k)
            except BaseException as exc:
                for tmp, _ in staged:
                    _remove(tmp)
                lost = {staged[k][1]: kept[k][0] for k in reversed(done) if not _put_back(staged[k][1], *kept[k])}
                for backup, _ in kept:
                    if backup is not None and backup not in lost.values():  # else the only earlier copy
                        _remove(backup)
                problem = _commit_problem(exc, current, [dest for _, dest in staged], lost)
                if problem is exc:
                    raise
                raise problem from exc
            for backup, _ in kept:
                if backup is not None:
                    _remove(backup)
            _WRITTEN.extend(dest for _, dest in staged)  # before a held-back signal acts
        return [dest for _, dest in staged]


#: seconds a commit waits for another command renaming a set onto the same files (a rename takes
#: moments: a command holding them this long is stuck, e.g. stopped with Ctrl+Z)
COMMIT_LOCK_TIMEOUT = 60.0


#: how many lock files the commits of a machine share (:func:`_lock_path`): a bounded number left in the
#: temporary folder, whatever the number of files ever written; two outputs sharing one merely wait for
#: each other's renames (moments)
LOCK_FILES = 64


def _lock_path(target: Path) -> Path:
    """The lock file of one output file: one of :data:`LOCK_FILES` in the temporary folder (never beside
    the user's files), chosen by a hash of the target's full path."""
    full = os.path.join(os.path.realpath(target.parent), target.name)
    bucket = int(hashlib.sha1(full.encode("utf-8", "surrogatepass")).hexdigest(), 16) % LOCK_FILES
    return Path(tempfile.gettempdir()) / f"mstarget-output-{bucket:02d}.lock"


def _lock_targets(targets: list[Path]) -> list:
    """Hold an inter-process lock for each of ``targets`` (taken in one order: two commands never each
    hold what the other waits for): two commands committing sets onto the same files at once each
    rename its whole set in turn -- never one's summary beside the other's details. Best effort: a
    lock file this user cannot use is passed over. Returns the locks held.

    Raises
    ------
    EnvironmentProblem
        Another command held a target for :data:`COMMIT_LOCK_TIMEOUT` seconds (none of the locks is kept).
    """
    from filelock import FileLock, Timeout  # lazy: only when an output set is committed

    held = []
    try:
        by_lock = {str(_lock_path(t)): t for t in targets}  # each lock once (files sharing one, a file spelled twice)
        for lock_path, target in sorted(by_lock.items()):
            lock = FileLock(lock_path, mode=0o666)
            try:
                lock.acquire(timeout=COMMIT_LOCK_TIMEOUT)
            except Timeout:
                raise EnvironmentProblem(
                    f"cannot write '{target}': another mstarget command putting its results in place has held "
                    f"the lock {lock_path!r} for {COMMIT_LOCK_TIMEOUT:g} s (stuck, or stopped with Ctrl+Z?). "
                    "Nothing was replaced: let that command finish (or stop it) and run this one again.",
                    path=str(target), errno=errno.EBUSY) from None
            except OSError:  # e.g. another user's lock file this user may not open
                continue
            held.append(lock)
    except BaseException:
        for lock in reversed(held):
            lock.release()
        raise
    return held


@contextlib.contextmanager
def _released(locks: list):
    """Release ``locks`` (:func:`_lock_targets`) when the block ends, however it ends."""
    try:
        yield
    finally:
        for lock in reversed(locks):
            with contextlib.suppress(Exception):
                lock.release()


def _put_back(dest: Path, backup: str | None, existed: bool) -> bool:
    """Undo the rename of a new file onto ``dest``: its earlier file put back (none: the new one
    removed); whether that worked."""
    try:
        if backup is not None:
            os.replace(backup, dest)
        elif not existed:
            os.unlink(dest)
        else:
            return False
    except OSError:
        return False
    return True


def _keep_earlier(dest: Path) -> str | None:
    """A hidden file beside ``dest`` holding its present content (a hard link, else a copy), for
    :meth:`StagedOutputs.commit` to put back; ``None`` when neither can be made."""
    for _ in range(10):
        backup = str(dest.with_name(f".{dest.name}.{os.urandom(4).hex()}.earlier"))
        try:
            os.link(dest, backup, follow_symlinks=False)
            return backup
        except FileExistsError:
            continue
        except (OSError, NotImplementedError):  # no hard links here (or the file refuses one)
            break
    try:
        if dest.is_dir():
            return None
        shutil.copy2(dest, backup, follow_symlinks=False)
        return backup
    except OSError:
        _remove(backup)
        return None


def _commit_problem(exc: BaseException, failed: Path | None, targets: list[Path],
                    lost: dict[Path, str | None]) -> BaseException:
    """What :meth:`StagedOutputs.commit` raises when it could not rename everything: an OSError
    as an :class:`EnvironmentProblem` naming the file, saying which files were replaced (``lost``:
    replaced and not put back, each with the hidden file still holding its earlier content) and
    which kept their earlier content; anything else (an interruption) as it is, with the same
    said in a note."""
    def names(paths):
        return ", ".join(repr(str(t)) for t in paths)

    rest = [t for t in targets if t not in lost]
    earlier = [t for t in rest if os.path.lexists(t)]  # put back, or never replaced
    absent = [t for t in rest if t not in earlier]
    parts = [f"{names(earlier)} {'keeps its' if len(earlier) == 1 else 'keep their'} earlier content"] * bool(earlier)
    parts += [f"{names(absent)} {'was' if len(absent) == 1 else 'were'} not written"] * bool(absent)
    if lost:
        copies = [f"'{b}'" for b in lost.values() if b is not None]
        said = (f"Only {names(lost)} {'holds' if len(lost) == 1 else 'hold'} the new results (the earlier "
                "content could not be put back" + (f"; it is kept in {', '.join(copies)}" if copies else "")
                + f"); {'; '.join(parts) or 'no other file'}. Run the command again to write them all.")
    else:
        said = f"Nothing was replaced: {'; '.join(parts)}."
    cause = exc if isinstance(exc, OSError) else environment_cause(exc)
    if cause is None:
        exc.add_note(said)
        return exc
    where = failed or Path(cause.filename or targets[0])
    problem = write_problem(cause, where) if cause.errno in ENVIRONMENT_ERRNOS else \
        EnvironmentProblem(f"cannot write '{where}': {cause.strerror or cause}.", path=str(where),
                           errno=cause.errno)
    return EnvironmentProblem(f"{problem} {said}", path=str(where), errno=cause.errno)


#: the signals :func:`_signals_held` holds back: Ctrl+C and a polite kill (the CLI's SIGTERM)
HELD_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))


@contextlib.contextmanager
def _signals_held():
    """Ctrl+C and SIGTERM wait until the block ends, then act as they would have (a Python
    handler is called: ``KeyboardInterrupt``; the default action, ending the process, is taken).

    Python runs signal handlers in the main thread only, so this holds them there (elsewhere they
    interrupt the main thread, not this block); ignored signals stay ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, object]] = []
    previous = {}
    for sig in HELD_SIGNALS:
        handler = signal.getsignal(sig)
        if callable(handler) or handler == signal.SIG_DFL:
            previous[sig] = signal.signal(sig, lambda signum, frame: caught.append((signum, frame)))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum, frame in caught[:1]:
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            else:
                os.kill(os.getpid(), signum)


def _remove(path: str | os.PathLike) -> None:
    """Remove a temporary file of ours; gone already or not removable: left alone."""
    with contextlib.suppress(OSError):
        if os.path.lexists(path):
            os.unlink(path)


def write_problem(exc: OSError, path: Path) -> OSError:
    """``exc`` as an :class:`EnvironmentProblem` naming ``path``; ``exc`` itself if the machine is
    not to blame."""
    if exc.errno not in ENVIRONMENT_ERRNOS:
        return exc
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = file_in_the_way(path)
        if blocker is not None:
            return EnvironmentProblem(f"cannot write '{path}': '{blocker}' is a file, not a folder. "
                                      "Fix the folder part of the path.", path=str(path),
                                      errno=exc.errno)
    return EnvironmentProblem.from_os_error(exc, path)


def file_in_the_way(path: Path) -> Path | None:
    """The nearest ancestor of ``path`` that exists; returned only if it is not a folder."""
    for parent in path.parents:
        if os.path.lexists(parent):
            return None if parent.is_dir() else parent
    return None


# --------------------------------------------------------------------------------------------
# before any work: can the outputs be written, and do they spare the inputs?
# --------------------------------------------------------------------------------------------


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name the same file (symbolic links, ``..`` and hard links seen through)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare the resolved names
        return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()
