"""Where independent pieces of work run: in this process, on local worker processes, or on a Dask cluster.

``backend="serial"`` (default) runs tasks one after another with a progress counter;
``"loky"`` runs them on ``n_jobs`` local processes (joblib); ``"dask"`` sends them to a Dask
``distributed`` scheduler (``scheduler="tcp://host:8786"``, or a local cluster when omitted;
needs ``pip install mstarget[dask]``). Results come back in task order, and every random draw
is seeded by the task itself, so all three backends give identical numbers.

Scripts using ``loky`` or ``dask`` start worker processes: guard them with
``if __name__ == "__main__":``.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from .exceptions import MstargetError, ParameterError

BACKENDS = ("serial", "loky", "dask")


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
    from joblib import Parallel, delayed, parallel_config

    if backend == "loky":
        return Parallel(n_jobs=n_jobs or -1, backend="loky")(delayed(fn)(*t) for t in tasks)
    try:
        from dask.distributed import Client
    except ImportError:
        raise MstargetError("backend 'dask' needs Dask distributed: pip install 'mstarget[dask]'") from None
    client = Client(scheduler) if scheduler else Client(n_workers=n_jobs or None, processes=True,
                                                         dashboard_address=None)
    try:
        with parallel_config(backend="dask"):
            return Parallel()(delayed(fn)(*t) for t in tasks)
    finally:
        client.close()


def _serial(fn, tasks, progress, desc):
    if not progress or len(tasks) < 2:
        return [fn(*t) for t in tasks]
    from .progress import progress_bar

    return [fn(*t) for t in progress_bar(tasks, desc=desc, unit="task")]
