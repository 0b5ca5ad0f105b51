"""Fewer passes of Python's cyclic garbage collector while a call builds many objects.

A country-sized call creates millions of small objects that live to its end (plan rows, series,
results). CPython's collector counts allocations and walks ever more of them: at 100,000 targets
its full passes took ~3 s of a ~60 s ``assess`` in the calling process (17 full passes). Inside
:func:`fewer_collections` it waits for 100,000 new objects instead of 700 between young-generation
passes, so cycles are still collected, in ~40 passes instead of ~6,400, and full passes become
rare. The caller's setting is restored on the way out. Used around every call of the API
(:mod:`mstarget.api`) and every command (:mod:`mstarget.cli.main`).

:func:`paused_collector` switches it off altogether for a short block that creates a great many
long-lived objects and no garbage to speak of (loading MLflow and its store, :mod:`mstarget.tracking`).
"""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator

#: allocations between two young-generation passes inside :func:`fewer_collections`
YOUNG_THRESHOLD = 100_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's young-generation threshold to :data:`YOUNG_THRESHOLD` for the block.

    A collector switched off, or already set at least as high (an outer block, or the
    caller's own choice), is left as it is."""
    old = gc.get_threshold()
    if not gc.isenabled() or old[0] >= YOUNG_THRESHOLD:
        yield
        return
    gc.set_threshold(YOUNG_THRESHOLD, *old[1:])
    try:
        yield
    finally:
        if gc.get_threshold()[0] == YOUNG_THRESHOLD:  # not changed meanwhile by the caller
            gc.set_threshold(*old)



@contextlib.contextmanager
def paused_collector() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block.

    Importing MLflow and its SQLAlchemy store creates ~1 million long-lived objects, and the
    collector walks them again and again on the way: paused, the first ``import mlflow`` plus the
    store take ~20 % less time. A collector the caller had turned off stays off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def give_back_free_memory() -> None:
    """Hand the memory freed so far back to the operating system, where the C library can (glibc's
    ``malloc_trim``; elsewhere nothing). Reading a country's tables frees hundreds of MB of temporary
    columns that glibc would otherwise keep mapped in the process for the rest of the call -- while worker
    processes start beside it (100,000 targets: the parent held ~800 MB through the forecasts). Called
    once the tables are read and matched (:func:`mstarget.assess.assess_detailed`).

    Under pandas 3 the text columns live in pyarrow's own memory pool (mimalloc), which keeps what it freed
    as well: it is asked to give it back too (951,312 history rows read: 653 MB resident after reading, 497
    after ``malloc_trim`` alone, 293 after both)."""
    import ctypes  # lazy: only where a call has read large tables
    import sys

    arrow = sys.modules.get("pyarrow")  # only if pandas loaded it: never imported for this
    if arrow is not None:
        with contextlib.suppress(Exception):  # an old pyarrow without release_unused
            arrow.default_memory_pool().release_unused()
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):  # musl or another libc without malloc_trim: nothing to do
        ctypes.CDLL(None).malloc_trim(0)
