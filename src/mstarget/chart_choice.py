"""Which targets get a fan chart when not all of them can: the binding ones, then the most at risk.

A country's plan holds 100,000 targets; a chart (or a report) shows a few dozen. The rule, used
by :func:`mstarget.report.fan_chart`, :func:`mstarget.report.build_report` and
:func:`mstarget.assess.assess_detailed` (``max_details=``):

* :func:`risk_rank` -- most at risk first: behind schedule, then the lowest ``p_meet``;
* :func:`chart_selection` -- all rows with something to draw (:func:`nothing_to_draw`: not a row
  without data nor forecast) if they fit, else the binding (约束性) targets, most at risk first, then
  the others by risk, up to the limit;
* :class:`ChartedRows` -- the same choice made while results arrive, keeping at most
  ``2 x limit`` candidates, so the chart details of the other rows can be dropped at once.
"""
from __future__ import annotations

from typing import Callable, Sequence

from .schedule import TARGET_PENDING
from .validation import is_missing

#: risk order of the schedule categories (:mod:`mstarget.schedule`): behind schedule first; a target not set yet
#: (目标待定) has no risk to rank, as one without data
CATEGORY_RISK = {"behind": 0, "on_schedule": 1, "ahead": 2, "insufficient_data": 3, TARGET_PENDING: 3, "achieved": 4}


def risk_rank(row: dict) -> tuple:
    """Sort key of a result row, most at risk first: behind schedule, then the lowest ``p_meet``
    (a row without ``p_meet`` counts as 1)."""
    p = row.get("p_meet")
    return (CATEGORY_RISK.get(row.get("category"), 3), 1.0 if is_missing(p) else float(p))


def nothing_to_draw(row: dict) -> bool:
    """A result row with nothing a chart could show but its target: nothing observed (no ``last_year``: no
    history, no baseline figure either, which ``assess`` counts as observed) and no forecast (制造业产品质量合格率,
    暂无监测数据). It gets no chart (an empty panel with a lone target star is no 扇形图) and is no chart left out.
    A row that does not say its ``last_year`` (a bare ``{"attribute", "p_meet"}``) counts as drawable."""
    return ("last_year" in row and is_missing(row.get("last_year")) and is_missing(row.get("forecast"))
            and is_missing(row.get("baseline")))


def chart_selection(rows: Sequence[dict], max_charts: int | None) -> list[int]:
    """Positions (in ``rows``' order) that get a chart: all with something to draw (not
    :func:`nothing_to_draw`) if they fit in ``max_charts``, else the binding targets plus the most at
    risk up to ``max_charts`` (binding ones first if they alone exceed it). The result keeps ``rows``'
    order; a row with nothing to draw is never chosen nor counted."""
    drawable = [i for i, r in enumerate(rows) if not nothing_to_draw(r)]
    if max_charts is None or len(drawable) <= max_charts:
        return drawable
    binding = [i for i in drawable if rows[i].get("attribute") == "binding"]
    others = sorted((i for i in drawable if rows[i].get("attribute") != "binding"),
                    key=lambda i: risk_rank(rows[i]))
    binding = sorted(binding, key=lambda i: risk_rank(rows[i]))
    chosen = (binding + others)[:max(max_charts, 0)]
    return sorted(chosen)


def charting_key(row: dict, position: int) -> tuple:
    """Total order behind :func:`chart_selection` applied to rows in display order (the plan's
    order): binding first, then the most at risk, ties in plan order; a row can be charted only if
    fewer than the limit of rows sort before it. ``position`` is the row's place in the plan."""
    binding = row.get("attribute") == "binding"
    return (0 if binding else 1, risk_rank(row), position)


class ChartedRows:
    """:func:`chart_selection`'s choice made while results arrive, in any order.

    ``offer(position, row)`` for every row that has chart details; it returns the positions
    whose details can be dropped now (they can no longer be among the ``limit`` charted rows,
    whatever comes later): at most ``2 x limit`` candidates are held. A row offered later can
    only push earlier ones out, so nothing dropped is ever needed.

    Parameters
    ----------
    limit : int
        Rows charted at most (``fan_chart``'s ``max_panels``, ``build_report``'s ``max_charts``).
    drop : callable, optional
        ``drop(position)`` called for each row whose details are dropped.
    """

    def __init__(self, limit: int, drop: Callable[[int], None] | None = None):
        self.limit = max(int(limit), 0)
        self.drop = drop
        self._held: list[tuple[tuple, int]] = []

    def offer(self, position: int, row: dict) -> list[int]:
        if nothing_to_draw(row):  # never charted (:func:`chart_selection`): takes no place among the limit
            if self.drop is not None:
                self.drop(position)
            return [position]
        self._held.append((charting_key(row, position), position))
        if len(self._held) <= 2 * self.limit:
            return []
        return self._trim()

    def _trim(self) -> list[int]:
        self._held.sort()
        gone = [pos for _, pos in self._held[self.limit:]]
        del self._held[self.limit:]
        if self.drop is not None:
            for pos in gone:
                self.drop(pos)
        return gone

    def kept(self) -> list[int]:
        """Positions still held (at most ``limit`` once :meth:`finish` was called)."""
        return sorted(pos for _, pos in self._held)

    def finish(self) -> list[int]:
        """Drop all but the ``limit`` first rows; returns the positions dropped."""
        return self._trim() if len(self._held) > self.limit else []
