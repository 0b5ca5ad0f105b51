"""Where independent pieces of work run: in this process, on local worker processes, or on a Dask cluster.

``backend="serial"`` (default) runs tasks one after another with a progress counter;
``"loky"`` runs them on ``n_jobs`` local processes (joblib); ``"dask"`` sends them to a Dask
``distributed`` scheduler (``scheduler="tcp://host:8786"``, or a local cluster when omitted;
needs ``pip install mstarget[dask]``). Results come back in task order, and every random draw
is seeded by the task itself, so all three backends give identical numbers.

Scripts using ``loky`` or ``dask`` start worker processes: guard them with
``if __name__ == "__main__":``.

A scheduler that cannot be reached within ``MSTARGET_DASK_TIMEOUT`` seconds (default 10) --
nothing listening, or a listener that never answers -- raises
:class:`~mstarget.exceptions.EnvironmentProblem` naming its address.
"""
from __future__ import annotations

import math
import os
import socket
import time
from typing import Any, Callable, Sequence

from .exceptions import EnvironmentProblem, MstargetError, ParameterError
from .progress import progress_bar

BACKENDS = ("serial", "loky", "dask")
#: seconds to reach a Dask scheduler (``MSTARGET_DASK_TIMEOUT``)
DEFAULT_DASK_TIMEOUT = 10.0


def run_tasks(fn: Callable[..., Any], tasks: Sequence[tuple], *, backend: str = "serial",
              n_jobs: int | None = None, scheduler: str | None = None, progress: bool = False,
              desc: str = "tasks") -> list[Any]:
    """Apply ``fn(*task)`` to every task; returns the results in task order.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled for ``loky`` / ``dask``).
    tasks : sequence of tuples
        Positional arguments of each call.
    backend : {"serial", "loky", "dask"}
    n_jobs : int, optional
        Worker processes for ``loky`` (default: all cores).
    scheduler : str, optional
        Address of a Dask scheduler for ``dask``; without one a local cluster is started and
        closed again.
    progress : bool
        Show a progress bar on stderr (serial backend).
    """
    if backend not in BACKENDS:
        raise ParameterError.invalid("backend", "run_tasks", f"one of {', '.join(BACKENDS)}", backend)
    tasks = list(tasks)
    if backend == "serial" or len(tasks) <= 1:
        return _serial(fn, tasks, progress, desc)
    from joblib import Parallel, delayed, parallel_config  # lazy: joblib, only for process backends

    if backend == "loky":
        return Parallel(n_jobs=n_jobs or -1, backend="loky")(delayed(fn)(*t) for t in tasks)
    try:
        from dask.distributed import Client  # lazy: heavy (dask)
    except ImportError:
        raise MstargetError("backend 'dask' needs Dask distributed: pip install 'mstarget[dask]'") from None
    if scheduler:
        client = _connect(Client, scheduler, dask_timeout())
    else:
        client = Client(n_workers=n_jobs or None, processes=True, dashboard_address=None)
    try:
        with parallel_config(backend="dask"):
            return Parallel()(delayed(fn)(*t) for t in tasks)
    finally:
        client.close()


def dask_timeout() -> float:
    """Seconds allowed to reach a Dask scheduler: ``MSTARGET_DASK_TIMEOUT``, default 10."""
    raw = os.environ.get("MSTARGET_DASK_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_DASK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not (value > 0 and math.isfinite(value)):
        raise ParameterError(f"MSTARGET_DASK_TIMEOUT must be a number of seconds > 0; got {raw!r}.")
    return value


def _connect(Client, address: str, timeout: float):
    """A Dask client of the scheduler at ``address``, or an error naming it within ``timeout`` s.

    Dask bounds its connection attempts by ``timeout`` but then waits without limit for the
    scheduler's greeting, so a listener that never answers would hang: a TCP scheduler is
    first probed for that greeting (a scheduler sends it as soon as a connection opens).
    """
    unreachable = (f"cannot reach the Dask scheduler at {address}: {{}}. Start the scheduler, fix "
                   "--scheduler, or use --backend loky (local processes) or serial.")
    scheme, sep, rest = address.rpartition("://")
    host, _, port = rest.rpartition(":")
    if scheme in ("", "tcp") and host and port.isdigit():
        deadline = time.monotonic() + timeout
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout) as sock:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                if not sock.recv(1):
                    raise ConnectionError("it closed the connection without a word")
        except OSError as exc:
            if isinstance(exc, (TimeoutError, socket.timeout)):
                reason = f"no answer within {timeout:g} s (MSTARGET_DASK_TIMEOUT)"
            elif isinstance(exc, socket.gaierror):
                reason = f"unknown host {host!r}"
            else:
                reason = exc.strerror or str(exc) or type(exc).__name__
            raise EnvironmentProblem(unreachable.format(reason), address=address) from exc
    try:
        return Client(address, timeout=timeout)
    except ValueError as exc:
        raise ParameterError(f"--scheduler {address!r} is not a Dask scheduler address ({exc}); "
                             "write it like tcp://10.0.0.5:8786.") from exc
    except OSError as exc:
        raise EnvironmentProblem(unreachable.format(str(exc) or type(exc).__name__),
                                 address=address) from exc


def _serial(fn, tasks, progress, desc):
    if not progress or len(tasks) < 2:
        return [fn(*t) for t in tasks]
    return [fn(*t) for t in progress_bar(tasks, desc=desc, unit="task")]
