"""Where independent pieces of work run: in this process, on local worker processes, or on a Dask cluster.

One execution layer for :func:`~mstarget.forecast`, :func:`~mstarget.assess` and
:func:`~mstarget.backtest`. The work of a call is cut into **chunks of series**; what is learned
across series (the global model's regressor, pooled priors per indicator, the ``auto`` choice) is
computed once in the calling process and shipped with the chunks, so the per-task cost is paid per
chunk, not per series. Every series draws from its own generator seeded by ``(seed, crc32(region,
indicator))`` (:func:`mstarget.forecast.series_rng`), so the numbers do not depend on the backend,
the number of workers or how the series are cut.

Backends (:class:`Engine`):

* ``"serial"`` (default): in this process, chunk after chunk.
* ``"loky"``: ``n_jobs`` local worker processes (joblib's loky executor, started on first use and
  reused by later calls of the same process).
* ``"dask"``: a Dask ``distributed`` cluster (``pip install 'mstarget[dask]'``): the scheduler at
  ``scheduler=`` (CLI ``--scheduler``, else the environment variable ``MSTARGET_DASK_SCHEDULER``),
  or, without an address, a local cluster of ``n_jobs`` single-threaded worker processes started on
  first use, reused by every later call of the process and closed when it exits. Workers need the
  same version of mstarget installed.

Scripts using ``loky`` or ``dask`` start worker processes: guard them with
``if __name__ == "__main__":``.

A scheduler that cannot be reached within ``MSTARGET_DASK_TIMEOUT`` seconds (default 10) --
nothing listening, or a listener that never answers -- raises
:class:`~mstarget.exceptions.EnvironmentProblem` naming its address.
"""
from __future__ import annotations

import atexit
import contextlib
import math
import os
import pickle
import socket
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from .collector import fewer_collections
from .exceptions import EnvironmentProblem, MstargetError, ParameterError
from .progress import Progress

BACKENDS = ("serial", "loky", "dask")
#: seconds to reach a Dask scheduler (``MSTARGET_DASK_TIMEOUT``)
DEFAULT_DASK_TIMEOUT = 10.0
#: environment variable naming a Dask scheduler used when ``backend="dask"`` and no ``scheduler=``
SCHEDULER_ENV = "MSTARGET_DASK_SCHEDULER"
#: series per chunk in this process (only progress granularity: no transfer to pay for)
SERIAL_CHUNK = 256
#: chunks per worker on a parallel backend (load balance: the last chunks finish close together),
#: and bounds on a chunk's series (a chunk of 1,000 series is about a second of work)
CHUNKS_PER_WORKER = 8
MIN_CHUNK = 64
MAX_CHUNK = 1000
#: Dask settings of the local cluster (not of a cluster found at an address, configured by its owner):
#: Dask starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which turns off glibc's adaptive
#: thresholds, so every sample-path array is mapped and unmapped afresh (measured: 13 % more CPU
#: for the same series); its statistical profiler only feeds a dashboard, which it has not here;
#: its event-loop health check (every 20 ms), system monitor (500 ms) and memory monitor (100 ms)
#: woke each idle process ~50 times a second (measured: 13 ms CPU a second per worker, 26 ms in
#: this process; 3-4 ms with the intervals below, which still stop a worker running out of memory
#: within half a second).
LOCAL_CLUSTER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                        "distributed.worker.profile.enabled": False,
                        "distributed.admin.tick.interval": "500ms",
                        "distributed.admin.system-monitor.interval": "2s",
                        "distributed.worker.memory.monitor-interval": "500ms"}


@dataclass(frozen=True)
class Engine:
    """Where the chunks of a call run (see the module docstring).

    Parameters
    ----------
    backend : {"serial", "loky", "dask"}
    n_jobs : int, optional
        Worker processes for ``loky`` and a local Dask cluster (default: the machine's cores).
    scheduler : str, optional
        Dask scheduler address (``tcp://10.0.0.5:8786``); ``dask`` only.
    """

    backend: str = "serial"
    n_jobs: int | None = None
    scheduler: str | None = None

    @classmethod
    def of(cls, backend: "str | Engine | None" = "serial", n_jobs: int | None = None,
           scheduler: str | None = None, *, caller: str = "forecast") -> "Engine":
        """Validated settings; ``scheduler`` defaults to ``$MSTARGET_DASK_SCHEDULER`` for dask."""
        if isinstance(backend, Engine):
            return backend
        backend = "serial" if backend is None else backend
        if backend not in BACKENDS:
            raise ParameterError.invalid("backend", caller, f"one of {', '.join(BACKENDS)}", backend)
        if n_jobs is not None and not (isinstance(n_jobs, int) and not isinstance(n_jobs, bool)
                                       and (n_jobs >= 1 or n_jobs == -1)):
            raise ParameterError.invalid("n_jobs", caller, "an int >= 1 (or -1: all cores) or None", n_jobs)
        if scheduler is not None and not isinstance(scheduler, str):
            raise ParameterError.invalid("scheduler", caller, "a Dask scheduler address such as "
                                         "tcp://10.0.0.5:8786, or None", scheduler)
        if scheduler and backend != "dask":
            raise ParameterError(f"{caller}: scheduler={scheduler!r} needs backend='dask' "
                                 f"(got backend={backend!r}); add --backend dask.")
        if backend == "dask" and not scheduler:
            scheduler = os.environ.get(SCHEDULER_ENV, "").strip() or None
        return cls(backend, None if n_jobs == -1 else n_jobs, scheduler)

    @property
    def parallel(self) -> bool:
        return self.backend != "serial"

    def connect(self) -> None:
        """Reach the Dask scheduler at :attr:`scheduler` now, before any work: an address nothing
        answers at raises :class:`~mstarget.exceptions.EnvironmentProblem`, one that is no address
        :class:`~mstarget.exceptions.ParameterError`, both naming it. The connection is kept and
        reused by the call's chunks (one per process and address). Other backends, and a local
        Dask cluster (started when the first chunks are sent), have nothing to reach."""
        if self.backend == "dask" and self.scheduler:
            _dask_client(self)

    def workers(self) -> int:
        """Parallel width: worker processes (threads, on a Dask cluster) that run chunks."""
        if self.backend == "serial":
            return 1
        if self.backend == "loky" or not self.scheduler:
            return self.n_jobs or os.cpu_count() or 1
        info = _dask_client(self).scheduler_info()
        return max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))

    def chunks(self, n: int, *, min_size: int = MIN_CHUNK) -> list[range]:
        """``range(n)`` cut into consecutive chunks (serial: small ones for progress; parallel:
        about :data:`CHUNKS_PER_WORKER` per worker, ``min_size``-:data:`MAX_CHUNK` series; a slow
        model fitted one series at a time, such as Prophet, passes ``min_size=1``)."""
        if n <= 0:
            return []
        if not self.parallel:
            size = SERIAL_CHUNK
        else:
            size = min(MAX_CHUNK, max(min_size, math.ceil(n / (CHUNKS_PER_WORKER * self.workers()))))
        return [range(i, min(i + size, n)) for i in range(0, n, size)]

    @property
    def by_priority(self) -> bool:
        """Whether waiting tasks run by :meth:`submit`'s ``priority`` (Dask) rather than in the
        order they were submitted (``loky``; ``serial`` runs each batch when its results are
        asked for)."""
        return self.backend == "dask"

    def map(self, fn: Callable[..., Any], tasks: Sequence[tuple], *, shared: Mapping[str, Any] | None = None,
            on_done: Callable[[int], None] | None = None) -> list[Any]:
        """``[fn(*task, **shared) for task in tasks]``, run on this engine; results in task order.

        ``fn`` must be a module-level function (it is pickled). ``shared`` holds what every task
        needs (a trained regressor, calibration factors: small), pickled once and sent with each
        task. Warnings raised by ``fn`` in a worker are raised again here, in task order.
        ``on_done(k)`` is called as task ``k`` finishes (progress).
        """
        return self.submit(fn, tasks, shared=shared).results(on_done)

    def submit(self, fn: Callable[..., Any], tasks: Sequence[tuple], *,
               shared: Mapping[str, Any] | None = None, priority: int = 0) -> "Batch":
        """Start :meth:`map`'s work and return at once: the tasks run on the workers (``loky``,
        ``dask``; ``serial``: when the results are asked for) while the caller does something
        else, such as learning what a later group of series needs; :meth:`Batch.results` (or
        :func:`collect`, for several batches) waits.

        Workers take waiting tasks of a higher ``priority`` first on Dask (:attr:`by_priority`),
        so work that others wait for can overtake filler submitted earlier; elsewhere in the order
        they were submitted, batch after batch.
        """
        return Batch(self, fn, list(tasks), dict(shared or {}), priority)

    def release(self) -> None:
        """Stop the local worker processes this process started for the engine's backend -- the loky
        pool, a local Dask cluster (its workers and scheduler) -- once a command has done its computing,
        so they do not hold their memory while it draws and writes its outputs (``mstarget assess`` of
        100,000 targets on a local Dask cluster of 2: ~400 MB). A later call starts them again. A
        remote Dask scheduler's connection is kept: its workers are not this machine's to stop.
        ``serial``: nothing to do."""
        # the work is done and its results are in: a pool that fails to stop (a worker already gone) must not turn
        # the command into a failure -- what is left is stopped at exit (:func:`close_clients`, loky's own)
        if self.backend == "loky":
            with _LOCK:
                executor = _LOKY.pop("executor", None)
            if executor is not None:
                with contextlib.suppress(Exception):  # see above
                    executor.shutdown(wait=True)
        elif self.backend == "dask" and not self.scheduler:
            with _LOCK:
                clients = [_CLIENTS.pop(k) for k in [k for k in _CLIENTS if k[0] == "local"]]
            for client in clients:
                with contextlib.suppress(Exception):  # see above
                    _close(client)

    # -- backends -----------------------------------------------------------------------------
    def _loky_executor(self):
        from joblib.externals.loky import get_reusable_executor  # lazy: joblib, only for process backends

        n = self.n_jobs or os.cpu_count() or 1
        # as joblib's loky backend: each worker's native thread pools share the machine's cores
        threads = str(max((os.cpu_count() or 1) // n, 1))
        executor = get_reusable_executor(max_workers=n, timeout=300, env={v: threads for v in _THREAD_VARS})
        with _LOCK:
            _LOKY["executor"] = executor  # for release()
        return executor


#: native thread pools limited in loky workers (as joblib does), so workers do not oversubscribe cores
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


class Batch:
    """Tasks submitted by :meth:`Engine.submit`: running on the workers, or (``serial``) waiting
    to run in this process when :meth:`results` is called."""

    def __init__(self, engine: Engine, fn, tasks: list, shared: dict, priority: int = 0):
        self.engine, self.fn, self.tasks, self.shared = engine, fn, tasks, shared
        self.pending: dict = {}
        if not tasks or not engine.parallel:
            return
        if engine.backend == "loky":
            executor = engine._loky_executor()
            self.pending = {executor.submit(_call_indexed, fn, k, t, shared): k for k, t in enumerate(tasks)}
        else:
            client = _dask_client(engine)
            # a task and its result travel as one pickled blob: left to Dask, every numpy array
            # inside (a few per series) would be a message frame of its own -- ~37,000 frames for
            # 10,000 series, which cost the scheduler and the workers more CPU than the pickling.
            # What all tasks share is small (< 200 kB: a regressor, calibration factors): pickled
            # once and sent with each task, so the tasks depend on nothing and the scheduler holds
            # them back, highest priority first, until a worker has a free slot
            blob = pickle.dumps(shared, protocol=5)
            self.pending = {client.submit(_call_pickled, pickle.dumps((fn, k, t), protocol=5), blob,
                                          pure=False, priority=priority): k
                            for k, t in enumerate(tasks)}

    def results(self, on_done: Callable[[int], None] | None = None) -> list[Any]:
        """Every task's result, in task order (waits for them); warnings raised in a worker are
        raised again here, in task order; ``on_done(k)`` is called as task ``k`` is collected."""
        return collect([self], None if on_done is None else (lambda b, k: on_done(k)))[0]

    def cancel(self) -> None:
        """Cancel the tasks not finished yet (after an error in the caller)."""
        if not self.pending:
            return
        if self.engine.backend == "dask":
            _dask_client(self.engine).cancel(list(self.pending))
        else:
            for fut in self.pending:
                fut.cancel()
        self.pending = {}


def collect(batches: Sequence[Batch], on_done: Callable[[int, int], None] | None = None,
            keep: Callable[[int, int, Any], Any] | None = None) -> list[list]:
    """The results of several batches of one engine, each in task order: ``out[b][k]``.

    Results are taken as they come, whatever their batch, so this process reads them while the
    workers still run later tasks (not all at the end); ``on_done(b, k)`` is called as task
    ``k`` of batch ``b`` is collected, after ``keep(b, k, result)``, whose return value is what
    is kept of that result (default: all of it; e.g. details the caller will not use dropped
    as they arrive, so memory does not grow with them). Warnings raised in a worker are raised again here, batch
    by batch in task order. On an error (or an interrupt) every unfinished task is cancelled.
    ``serial``: each batch runs here, in turn.
    """
    batches = list(batches)
    if not batches:
        return []
    if not batches[0].engine.parallel:
        out = []
        for b, batch in enumerate(batches):
            part = []
            for k, t in enumerate(batch.tasks):
                value = batch.fn(*t, **batch.shared)
                part.append(keep(b, k, value) if keep else value)
                if on_done:
                    on_done(b, k)
            out.append(part)
        return out
    results = [[None] * len(batch.tasks) for batch in batches]
    owner = {fut: b for b, batch in enumerate(batches) for fut in batch.pending}
    dask = batches[0].engine.backend == "dask"
    if dask:
        from dask.distributed import as_completed  # lazy: heavy (dask)
    else:
        from concurrent.futures import as_completed  # lazy: only for process backends
    try:
        for fut in as_completed(list(owner)):
            b = owner.pop(fut)
            value = fut.result()
            # a finished task's future is dropped at once (a Dask worker then frees its result)
            k = batches[b].pending.pop(fut)
            del fut
            value, caught = pickle.loads(value)[1] if dask else value[1]
            results[b][k] = (keep(b, k, value) if keep else value), caught
            if on_done:
                on_done(b, k)
    except BaseException as exc:
        for batch in batches:
            batch.cancel()
        if _worker_died(exc, dask):
            engine = batches[0].engine
            where = f"the Dask cluster at {engine.scheduler}" if engine.scheduler else \
                f"{engine.workers()} local {engine.backend} worker process(es)"
            raise EnvironmentProblem(
                f"a worker process died while running {batches[0].fn.__name__} on {where}, so the "
                "work was stopped: most often the machine ran out of memory (each worker holds a "
                "chunk of series). Use fewer workers (--n-jobs), a machine with more memory, or "
                "--backend serial; on a cluster, its workers' logs say why.",
                address=engine.scheduler) from exc
        raise
    out = []
    for part in results:
        values = []
        for value, caught in part:
            for category, message in caught:
                warnings.warn(message, category, stacklevel=3)
            values.append(value)
        out.append(values)
    return out

def _worker_died(exc: BaseException, dask: bool) -> bool:
    """Whether ``exc`` says a worker process died (killed, out of memory, crashed): Dask's
    ``KilledWorker`` (after its retries), loky's broken pool."""
    if dask:
        from distributed.scheduler import KilledWorker  # lazy: heavy (dask)

        return isinstance(exc, KilledWorker)
    from concurrent.futures.process import BrokenProcessPool  # lazy: only for process backends

    return isinstance(exc, BrokenProcessPool)


def _call_pickled(payload: bytes, shared: bytes):
    """Dask task: :func:`_call_indexed` of a pickled ``(fn, k, task)`` and ``shared``; the result
    pickled too."""
    fn, k, task = pickle.loads(payload)
    return pickle.dumps(_call_indexed(fn, k, task, pickle.loads(shared)), protocol=5)


def _call_indexed(fn, k, task, shared):
    """Run one task in a worker, catching its warnings to raise them again in the caller; with the cyclic
    garbage collector's passes as rare as in the calling process (:func:`~mstarget.collector.fewer_collections`)."""
    with warnings.catch_warnings(record=True) as caught, fewer_collections():
        warnings.simplefilter("always")
        value = fn(*task, **shared)
    seen, kept = set(), []
    for w in caught:
        item = (w.category, str(w.message))
        if item not in seen and not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)):
            seen.add(item)
            kept.append(item)
    return k, (value, kept)


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
        Worker processes for ``loky`` and a local Dask cluster (default: all cores).
    scheduler : str, optional
        Address of a Dask scheduler for ``dask``; without one (and without
        ``MSTARGET_DASK_SCHEDULER``) a local cluster is started once and reused.
    progress : bool
        Show a progress bar on stderr.
    """
    engine = Engine.of(backend, n_jobs, scheduler, caller="run_tasks")
    tasks = list(tasks)
    bar = Progress(progress).bar(len(tasks), desc, unit="task")
    try:
        return engine.map(fn, tasks, on_done=lambda k: bar.update(1))
    finally:
        bar.close()


# -- Dask clients: one per process and address, reused ---------------------------------------------

_CLIENTS: dict[tuple, Any] = {}
_LOCK = threading.Lock()
#: the loky pool this process last used (:meth:`Engine.release` stops it)
_LOKY: dict[str, Any] = {}


def _dask_client(engine: Engine):
    """The Dask client of ``engine``: connected once per process and scheduler address; a local
    cluster (no address) started once per process for a given number of workers."""
    try:
        import dask  # lazy: heavy (dask)
        from dask.distributed import Client, LocalCluster  # lazy: heavy (dask)
    except ImportError:
        raise MstargetError("backend 'dask' needs Dask distributed: pip install 'mstarget[dask]'") from None
    key = ("remote", engine.scheduler) if engine.scheduler else ("local", engine.n_jobs or os.cpu_count() or 1)
    with _LOCK:
        client = _CLIENTS.get(key)
        if client is not None and client.status == "running":
            return client
        if engine.scheduler:
            client = _connect(Client, engine.scheduler, dask_timeout())
        else:
            for old in [k for k in _CLIENTS if k[0] == "local"]:  # one local cluster at a time
                _close(_CLIENTS.pop(old))
            with dask.config.set(LOCAL_CLUSTER_CONFIG):
                cluster = LocalCluster(n_workers=key[1], threads_per_worker=1, processes=True,
                                       dashboard_address=None)
            client = Client(cluster)
        _CLIENTS[key] = client
        return client


def _close(client) -> None:
    cluster = getattr(client, "cluster", None)
    try:
        client.close()
    finally:
        if cluster is not None:
            cluster.close()


@atexit.register
def close_clients() -> None:
    """Close every Dask client (and local cluster) this process opened; run at exit."""
    with _LOCK:
        while _CLIENTS:
            _, client = _CLIENTS.popitem()
            try:
                _close(client)
            except Exception:  # noqa: BLE001 -- closing at exit: nothing left to report to
                pass


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
                   "--scheduler (or MSTARGET_DASK_SCHEDULER), or use --backend loky (local "
                   "processes) or serial.")
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
