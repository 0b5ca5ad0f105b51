"""Reporting periods of sampling tables: parsing, canonical labels and order.

A period is a span of calendar months. Understood spellings (case-insensitive, spaces ignored):

=====================  ==================================  ===============
written                example                             canonical label
=====================  ==================================  ===============
year                   ``2023``, ``2023.0``, ``2023年``    ``2023``
half-year              ``2023H1``, ``2023-H2``,            ``2023H1``
                       ``2023年上半年``, ``2023年下半年``
quarter                ``2023Q2``, ``2023-Q2``,            ``2023Q2``
                       ``2023年第二季度``, ``2023年2季度``
month                  ``2023-03``, ``2023-3``,            ``2023-03``
                       ``2023M03``, ``2023/03``, ``2023年3月``
span of months         ``2023年1-6月``, ``2023年1—6月``,     as the span it
                       ``2023年1月-6月``, ``2023年7至12月``    equals
span of quarters       ``2023年1-2季度``, ``2023年第3-4季度``  as the span it
                       ``2023年前两季度``                    equals
=====================  ==================================  ===============

A span, as bureaus title half-year and cumulative notices, is read when it equals a year, a
half-year, a quarter or a month (``1-6月`` and ``1-2季度`` are ``2023H1``, ``4-6月`` is ``2023Q2``,
``1-12月`` and ``1-4季度`` are ``2023``); any other span (``2023年1-9月``, ``2023年1-3季度``,
``2023年前三季度``: January to September, cumulative) has no period here and is refused with a
``ValueError`` saying which spans are read (its quarters' own counts are needed: a 1-9月 table less
the 1-6月 one gives ``2023Q3``).

A ``pd.Period`` (a ``period[Y]`` / ``[Q]`` / ``[M]`` column) is the period its months make. A date (a
datetime64 column, ``pd.to_datetime`` of the periods) is read as the history reader reads a year typed
as a date: 1 January or 31 December is that year; any other date is refused, since nothing says whether
2023-06-30 means 2023Q2, 2023-06 or 2023年1-6月 -- the message says to convert the column with
``.dt.to_period("Q")`` / ``("M")``.

Periods are ordered by their last month, then by their first month, so ``2023Q1 < 2023H1 <
2023Q3 < 2023``. ``p <= as_of`` means that ``p`` ends no later than ``as_of`` ends: with
``as_of=2022``, ``2022H1`` and ``2022-07`` are used; with ``as_of="2022H1"``, ``2022`` is not.
"""
from __future__ import annotations

import datetime
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import MstargetWarning

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_YEAR = re.compile(r"^(\d{4})(?:\.0+)?年?(?:度)?$")
_HALF = re.compile(r"^(\d{4})[-_/]?H([12])$", re.I)
_HALF_CN = re.compile(r"^(\d{4})年?(上|下)半年$")
_QUARTER = re.compile(r"^(\d{4})[-_/]?Q([1-4])$", re.I)
_QUARTER_CN = re.compile(r"^(\d{4})年?第?([一二三四1-4])季度?$")
_MONTH = re.compile(r"^(\d{4})(?:[-_/.]|M|年)(\d{1,2})月?$", re.I)
#: between the ends of a span: a hyphen, en / em dash (one or two), a full-width one, a tilde, 至, 到
_TO = r"(?:[-\u2013\u2014\uff0d~\uff5e]{1,2}|至|到)"
_MONTH_SPAN = re.compile(rf"^(\d{{4}})年度?(\d{{1,2}})(?:月份?)?{_TO}(\d{{1,2}})月份?$")
_QUARTER_SPAN = re.compile(rf"^(\d{{4}})年度?第?([一二三四1-4])(?:季度)?{_TO}第?([一二三四1-4])季度$")
_QUARTERS_FIRST = re.compile(r"^(\d{4})年度?前([一二两三四1-4])个?季度$")

EXPECTED_PERIOD = ("a period such as 2023 (year), 2023H1 (half-year), 2023Q2 (quarter) or "
                   "2023-03 (month)")
#: what a span of months or quarters may be (see the module docstring)
EXPECTED_SPAN = ("a span that is one year, half-year, quarter or month: 1-12月 or 1-4季度 (the year), "
                 "1-6月 / 7-12月 or 1-2季度 / 3-4季度 (2023H1 / 2023H2), 1-3月, 4-6月, 7-9月 or 10-12月 "
                 "(2023Q1-Q4); a cumulative span such as 1-9月 or 1-3季度 (前三季度) is no period: give each "
                 "quarter's own counts (a 1-9月 table less the 1-6月 one gives 2023Q3)"
                 "（累计期间无法作为一期：请按季度或半年分别填报）")


@dataclass(frozen=True, order=False)
class Period:
    """A reporting period: months ``start`` to ``end`` inclusive, counted as ``year * 12 + month - 1``.

    Attributes
    ----------
    label : str
        Canonical spelling (``2023``, ``2023H1``, ``2023Q2``, ``2023-03``).
    start, end : int
        First and last month of the period (month index, see above).
    """

    label: str
    start: int
    end: int

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.end, self.start)

    @property
    def end_year(self) -> float:
        """Middle of the last month, in fractional years (for decay weights)."""
        return (self.end + 0.5) / 12.0

    def __lt__(self, other: "Period") -> bool:
        return self.sort_key < other.sort_key

    def __le__(self, other: "Period") -> bool:
        return self.sort_key <= other.sort_key

    def __str__(self) -> str:
        return self.label


def _check_year(y: int) -> int:
    if not 1900 <= y <= 2200:
        raise ValueError(f"year {y} out of range 1900-2200")
    return y


def parse_period(value) -> Period:
    """Parse one period cell; raises ``ValueError`` with advice if the format is unknown.

    Parameters
    ----------
    value : int, float, str or Period
        ``2023``, ``"2023H1"``, ``"2023Q2"``, ``"2023-03"`` and the Chinese spellings listed in
        the module docstring, spans (``"2023年1-6月"``) among them; a span that is no year,
        half-year, quarter or month (``"2023年1-9月"``) raises a ``ValueError`` listing the spans read.

    Returns
    -------
    Period
    """
    if isinstance(value, Period):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected {EXPECTED_PERIOD}")
    if isinstance(value, pd.Period):
        return _pandas_period(value)
    if isinstance(value, (datetime.date, np.datetime64)):  # datetime, pd.Timestamp too
        return _date_period(value)
    if isinstance(value, (int,)) or (hasattr(value, "dtype") and getattr(value, "dtype").kind in "iu"):
        y = _check_year(int(value))
        return Period(str(y), y * 12, y * 12 + 11)
    if isinstance(value, float):
        if value != value or not float(value).is_integer():
            raise ValueError(f"expected {EXPECTED_PERIOD}")
        return parse_period(int(value))
    text = re.sub(r"\s+", "", str(value))
    m = _YEAR.match(text)
    if m:
        return parse_period(int(m.group(1)))
    m = _HALF.match(text) or _HALF_CN.match(text)
    if m:
        y = _check_year(int(m.group(1)))
        h = m.group(2)
        h = 1 if h in ("1", "上") else 2
        s = y * 12 + 6 * (h - 1)
        return Period(f"{y}H{h}", s, s + 5)
    m = _QUARTER.match(text) or _QUARTER_CN.match(text)
    if m:
        y = _check_year(int(m.group(1)))
        q = _CN_NUM[m.group(2)]
        s = y * 12 + 3 * (q - 1)
        return Period(f"{y}Q{q}", s, s + 2)
    m = _MONTH.match(text)
    if m:
        y = _check_year(int(m.group(1)))
        mo = int(m.group(2))
        if 1 <= mo <= 12:
            return Period(f"{y}-{mo:02d}", y * 12 + mo - 1, y * 12 + mo - 1)
    span = _span(text)
    if span is not None:
        return span
    raise ValueError(f"expected {EXPECTED_PERIOD}")


#: what a date in a period column is told (see :func:`_date_period`)
DATE_FIX = ("give the column as periods, e.g. df['period'] = df['period'].dt.to_period('Q') for quarters, "
            ".dt.to_period('M') for months, .dt.year for years, or write 2023Q2 / 2023-06 / 2023"
            "（日期不能作为期间：请写成2023Q2、2023-06等期间）")
DATE_NO_PERIOD = ("a date other than 1 January or 31 December is no period: a date at the end of a quarter "
                  f"may stand for the quarter, its last month or the months to date (1-6月); {DATE_FIX}")


def _date_period(value) -> Period:
    """A date in a period column (a datetime64 column, ``pd.to_datetime`` of the periods): read as the
    history reader reads a year typed as a date -- 1 January (``pd.to_datetime("2023")``) or 31 December
    (a year's end, ``resample("YE")``) is that year; any other date is refused (:data:`DATE_NO_PERIOD`),
    as nothing says whether 2023-06-30 is 2023Q2, 2023-06 or 2023年1-6月."""
    stamp = pd.Timestamp(value)
    if stamp is pd.NaT:
        raise ValueError(f"expected {EXPECTED_PERIOD}; this cell is empty")
    if (stamp.month, stamp.day) in ((1, 1), (12, 31)):
        return parse_period(_check_year(stamp.year))
    raise ValueError(f"{stamp:%Y-%m-%d}: {DATE_NO_PERIOD}")


#: a date written as text in a period column (an Excel date read as text, ``2023-01-31``, ``2023/1/31``,
#: ``2023-01-31 00:00:00``, ``2023年1月31日``)
#: ``2024-06-30 12:00``: a time of day says nothing of the period, the date part is read
_DATE_TEXT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_CN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
#: the granularities a run of dates may be read as: months per period -> (label of the period ending
#: in month index ``e``)
_STEPS = {1: "month", 3: "quarter", 6: "half-year", 12: "year"}


def as_date(value) -> "pd.Timestamp | None":
    """A period cell that is a date -- a datetime / ``np.datetime64`` / ``pd.Timestamp``, or text written as
    one (``2023-01-31``, ``2023/1/31``, ``2023年1月31日``: an Excel date read as text) -- as a Timestamp;
    None when the cell is no date (``2023``, ``2023Q1``, ``2023-03`` are periods, not dates)."""
    if isinstance(value, (datetime.date, np.datetime64)):
        stamp = pd.Timestamp(value)
        return None if stamp is pd.NaT else stamp
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = _DATE_TEXT.match(text) or _DATE_CN.match(text)
    if not m:
        return None
    try:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def date_periods(values) -> dict:
    """Read the dates of one period column together (``values``: its distinct cells that :func:`as_date`
    reads): ``{cell: Period}``. The granularity is decided from the whole column, never from one date:
    the dates must all be month ends (``.resample("ME")``, Excel's 2023-01-31) or all month starts
    (``pd.to_datetime("2023-01")``), and the shortest step between two of them -- 1, 3, 6 or 12 months --
    is the length of each period, every date falling on that grid (month ends of quarters: 03-31, 06-30,
    09-30, 12-31; years: 12-31, or 01-01 as ``pd.to_datetime("2023")`` reads a year). So month ends are
    months (their 12-31 is December, not the year), quarter ends are quarters, year ends (two years or
    more) are years. Two or more year (half-year, quarter) ends then one later month end within the next
    year (a mid-year export: 2021-12-31 ... 2023-12-31, 2024-06-30) are those years and the months since
    (2024H1, 2024年1-6月), with a warning -- not half-years with the years between missing; other such
    mixtures (:func:`_mixed_grid`) are refused. A time of day is set aside (2024-06-30 12:00 is 2024-06-30).
    Anything else -- one date alone (2023-12-31: the year or its December?), steps that fit no grid
    (2023-03-31 and 2023-09-30), other days of the month -- raises one ``ValueError`` for the column saying
    how to write the periods (:data:`DATE_FIX`)."""
    stamps = {v: as_date(v) for v in values}
    # the date part: a time of day (2024-06-30 12:00, a cell typed with its hour) says nothing of the period
    stamps = {v: d.normalize() for v, d in stamps.items() if d is not None}
    if not stamps:
        return {}
    days = sorted(set(stamps.values()))
    shown = ", ".join(f"{d:%Y-%m-%d}" for d in days[:3]) + (" ..." if len(days) > 3 else "")
    head = f"the period column holds dates ({shown}; {len(days)} distinct)"
    ends = all(d.is_month_end for d in days)
    starts = all(d.day == 1 for d in days)
    month = [d.year * 12 + d.month - 1 for d in days]
    step = min((b - a for a, b in zip(month, month[1:])), default=None)
    why = None
    mixed = _mixed_grid(days, month, ends) if ends or starts else None
    if mixed is not None:
        read = _partial_after_grid(days, month, ends, *mixed)
        if read is not None:
            return {v: read[d] for v, d in stamps.items()}
    if not (ends or starts):
        why = "that are neither all month ends nor all month starts"
    elif step is None:
        d = days[0]
        why = (f"of one date only, which may close (or open) a year, a quarter or a month: is {d:%Y-%m-%d} "
               f"the year {d.year} or its {'December' if ends else 'January'}?")
    elif step not in _STEPS:
        why = f"{step} months apart, which is no month, quarter, half-year or year"
    else:
        # a month end closes the period, a month start opens it
        first = [m - step + 1 if ends else m for m in month]
        if any(f % step for f in first):
            why = (f"{step} months apart but not on the {_STEPS[step]}s' "
                   f"{'ends' if ends else 'starts'}")
    if why:
        raise ValueError(f"{head} {why}: a date at the end of a quarter may stand for the quarter, its last "
                         f"month or the months to date (1-6月); {DATE_FIX}")
    out = {}
    for v, d in stamps.items():
        m = d.year * 12 + d.month - 1
        f = m - step + 1 if ends else m
        y, first = divmod(f, 12)
        out[v] = _span(f"{y}年{first + 1}-{first + step}月")
    return out


def _on_grid(m: int, g: int, ends: bool) -> bool:
    """Whether month index ``m`` closes (``ends``) or opens a period of ``g`` months on its grid."""
    return (m + 1) % g == 0 if ends else m % g == 0


_GRID = {12: ("year", "ends"), 6: ("half-year", "ends"), 3: ("quarter", "ends")}  # name of a grid's period
_GRID_CN = {12: "年度", 6: "半年", 3: "季度"}


def _mixed_grid(days, month, ends):
    """A column whose first (or last) dates -- two or more -- sit on a coarser grid, ``g`` months apart
    (year ends 2021-12-31, 2022-12-31, 2023-12-31), and whose other dates fall off it (2024-06-30): read by
    the shortest step those year ends would be half-years (2021H2, 2022H2, ...) with the years between them
    missing. ``(g, run, rest)`` (the dates on the grid, the others, as indices into ``days``), or None."""
    n = len(month)
    for g in (12, 6, 3):
        k = 0
        while k < n and _on_grid(month[k], g, ends) and (k == 0 or month[k] - month[k - 1] == g):
            k += 1
        if 2 <= k < n and any(not _on_grid(m, g, ends) for m in month[k:]):
            return g, list(range(k)), list(range(k, n))
        k = 0
        while k < n and _on_grid(month[n - 1 - k], g, ends) and (k == 0 or month[n - k] - month[n - 1 - k] == g):
            k += 1
        if 2 <= k < n and any(not _on_grid(m, g, ends) for m in month[:n - k]):
            return g, list(range(n - k, n)), list(range(n - k))
    return None


def _grid_label(m: int, g: int) -> str:
    y, last = divmod(m, 12)
    return _span(f"{y}年{last + 2 - g}-{last + 1}月").label


def _readings(d: "pd.Timestamp", but: str = "") -> str:
    """What a month-end date may stand for, as periods: ``2024Q2 (the quarter), 2024-06 (the month) or
    2024H1 (1-6月, the months to date)`` -- ``but`` (a label) left out."""
    out = []
    if d.month % 3 == 0:
        out.append((f"{d.year}Q{d.month // 3}", "the quarter"))
    out.append((f"{d.year}-{d.month:02d}", "the month"))
    if d.month > 1:
        try:
            todate = _span(f"{d.year}年1-{d.month}月").label
            out.append((todate, f"1-{d.month}月, the months to date"))
        except ValueError:
            out.append((f"1-{d.month}月", "the months to date, no period: give each quarter's own counts"))
    out = [f"{label} ({what})" for label, what in out if label != but]
    return ", ".join(out[:-1]) + " or " + out[-1] if len(out) > 1 else out[0]


def _partial_after_grid(days, month, ends, g, run, rest):
    """Read a column of dates on a coarser grid (:func:`_mixed_grid`) when the one date off it comes last,
    within the next ``g`` months, and the dates are month ends: the months since the grid's last date
    (year ends and then 2024-06-30: 2021, 2022, 2023 and 2024H1, 2024年1-6月 -- a mid-year export of whole
    years and this year's 1-6月), as a warning says. ``{date: Period}``; any other mixture (several dates
    off the grid, a first one off it, month starts, a span that is no period such as 1-9月) raises one
    ``ValueError`` saying how the dates may be read and how to write the periods."""
    name, _ = _GRID[g]
    on = ", ".join(f"{days[i]:%Y-%m-%d}" for i in run[:4]) + (" ..." if len(run) > 4 else "")
    off = [days[i] for i in rest]
    grid_read = [_grid_label(month[i], g) for i in run] if ends else None
    last_on = month[run[-1]]
    if ends and len(rest) == 1 and rest[0] > run[-1] and month[rest[0]] - last_on < g:
        d, m = off[0], month[rest[0]]
        first = last_on + 1  # the months since the grid's last date
        y = first // 12
        try:
            partial = _span(f"{y}年{first % 12 + 1}-{m % 12 + 1}月")
        except ValueError:
            partial = None
        if partial is not None:
            out = {days[i]: _span(f"{y_}年{last + 2 - g}-{last + 1}月")
                   for i in run for y_, last in [divmod(month[i], 12)]}
            out[d] = partial
            written = ", ".join(grid_read)
            months = (f"{first % 12 + 1}-{m % 12 + 1}月" if m > first else f"{m % 12 + 1}月")
            warnings.warn(MstargetWarning(
                f"the period column holds {name} ends ({on}) and then {d:%Y-%m-%d}: read as {written} and "
                f"{partial.label} ({y}年{months}, the months since {days[run[-1]]:%Y-%m-%d}, as an export of "
                f"whole {name}s and this {name}'s months to date gives them); if {d:%Y-%m-%d} stands for "
                f"{_readings(d, partial.label)} instead, write the periods, not dates"
                f"（日期按{_GRID_CN[g]}读取，最后一期{d:%Y-%m-%d}读作{y}年{months}；如非此意请直接填写期间）"),
                stacklevel=4)
            return out
    odd = ", ".join(f"{x:%Y-%m-%d}" for x in off[:4]) + (" ..." if len(off) > 4 else "")
    where = "after" if rest[0] > run[-1] else "before"
    fix = ""
    if ends:
        fix = (f"write {', '.join(grid_read)} for the {name} ends and, for {off[0]:%Y-%m-%d}, "
               f"{_readings(off[0])}")
    raise ValueError(
        f"the period column holds {name} {'ends' if ends else 'starts'} ({on}) and {where} them {odd}, off "
        f"that grid: read by the shortest step the {name} {'ends' if ends else 'starts'} would be shorter periods with the {name}s between them missing, so "
        f"nothing says what each date stands for; {fix + '; ' if fix else ''}{DATE_FIX}")


def _pandas_period(value: "pd.Period") -> Period:
    """A ``pd.Period`` (a ``period[Y]`` / ``[Q]`` / ``[M]`` column) as the year, half-year, quarter or
    month its months make; a period of days or weeks, or over several years, is refused."""
    # the next period's start, not ``end_time`` + 1 ns: pandas 3 keeps ``end_time`` at microseconds
    first, after = value.start_time, (value + 1).start_time
    last = after - pd.Timedelta(days=1)
    whole = first == first.normalize() and first.day == 1 and after == after.normalize() and after.day == 1
    if not whole or first.year != last.year:
        raise ValueError(f"{value} ({value.freqstr}): a period of {'days or weeks' if not whole else 'several years'} "
                         f"is none of a year, half-year, quarter or month; expected {EXPECTED_PERIOD}")
    return _span(f"{first.year}年{first.month}-{last.month}月")


def _span(text: str) -> Period | None:
    """A span of months or quarters (``2023年1-6月``, ``2023年1-2季度``, ``2023年前两季度``) as the
    year, half-year, quarter or month it equals; None when ``text`` is no span; ``ValueError`` for
    a span that equals none of them (``2023年1-9月``) or runs backwards (``2023年6-1月``)."""
    m = _MONTH_SPAN.match(text)
    if m:
        first, last = int(m.group(2)), int(m.group(3))
    else:
        m = _QUARTER_SPAN.match(text)
        if m:
            first, last = 3 * _CN_NUM[m.group(2)] - 2, 3 * _CN_NUM[m.group(3)]
        else:
            m = _QUARTERS_FIRST.match(text)
            if not m:
                return None
            first, last = 1, 3 * _CN_NUM[m.group(2)]
    y = _check_year(int(m.group(1)))
    if not (1 <= first <= last <= 12):
        raise ValueError(f"'{text}': months {first} to {last} are no span within one year; expected "
                         f"{EXPECTED_SPAN}")
    s, e = y * 12 + first - 1, y * 12 + last - 1
    if (first, last) == (1, 12):
        return Period(str(y), s, e)
    if last - first == 5 and first in (1, 7):
        return Period(f"{y}H{(first + 5) // 6}", s, e)
    if last - first == 2 and first % 3 == 1:
        return Period(f"{y}Q{(first + 2) // 3}", s, e)
    if first == last:
        return Period(f"{y}-{first:02d}", s, e)
    raise ValueError(f"'{text}' covers months {first} to {last} of {y}, which is no year, half-year, quarter "
                     f"or month; expected {EXPECTED_SPAN}")


def period_order(labels) -> list[str]:
    """Sort period spellings chronologically (by last month, then first month); canonical labels."""
    ps = sorted({parse_period(v) for v in labels})
    return [p.label for p in ps]
