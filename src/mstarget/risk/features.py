"""``features``: per-record risk features built strictly from each record's past.

One row per inspection (or sampled batch) with an entity (establishment, licence, producer), an
area (ward, zip code, county), a time and an outcome 0/1. For every record, only records with a
**strictly earlier time** are used -- records of the same day (or the same time value) never see
each other, and a record's own outcome is never used -- so the features of a record do not change
when later records are added, removed or their outcomes change. Records whose outcome is missing
(not yet inspected, or deliberately hidden, e.g. a test period) get features but contribute
nothing to anyone's features.

Columns built (``T`` = the record's time; "earlier" = time < ``T``; ``w`` = pseudo-records of the
prior):

========================================  ======================================================
``base_rate_past``                        failure rate of all earlier records (the prior mean)
``entity_n_past``                         number of earlier records of the entity
``entity_failures_past``                  failures among them
``entity_fail_rate_past``                 ``(failures + w_e * base) / (n + w_e)``: the entity's
                                          own rate, shrunk toward the base rate
``entity_last_failed``                    outcome of the entity's latest earlier record (NaN
                                          if none; the mean if several share that time)
``entity_time_since_last``                time since that record (days for dates; NaN if none)
``entity_time_since_failure``             time since the entity's latest earlier failure
``entity_first_record``                   1 if the entity has no earlier record, else 0
``entity_<v>_mean_past``, ``_last``       for each column ``v`` of ``values``: mean over the
                                          entity's earlier records, value at the latest one
``<area>_rate_<h>``                       exponentially weighted failure rate of earlier records
                                          in the same area, half-life ``h`` (days for dates):
                                          ``(S + w_a * base) / (C + w_a)`` with
                                          ``S = sum failed_i * 0.5 ** ((T - t_i) / h)`` and
                                          ``C`` the same sum over records
``<area>_weight_<h>``                     ``C``: how many (decayed) earlier records the area's
                                          rate rests on -- its evidence
========================================  ======================================================

Everything is vectorised (sorting, grouped cumulative sums): the cost is linear in the number of
records apart from the sort.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd

from ..exceptions import DataValidationError, ParameterError, Problem
from .samples import (item_batches, outcome_array, parse_dates, read_dates, read_records, rows_kept, sheet_rows,
                      warn_folded, written_columns)

DEFAULT_HALF_LIVES = (30.0, 90.0)
DEFAULT_AREA_PRIOR = 20.0
DEFAULT_ENTITY_PRIOR = 1.0
_EXP_SPAN = 500.0  # exponent range handled in one block of the decayed sums (e**500 < 1e218)


def _as_list(value, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        out = [str(v) for v in value]
    except TypeError:
        raise ParameterError.invalid(name, "mstarget.risk.features", "a column name or a list of them",
                                     value) from None
    return out


def _times(df: pd.DataFrame, time: str, src: str, header: str) -> tuple[np.ndarray, bool]:
    """Time column as float (days since 1970 for dates), shape (R,), and whether it was a date;
    messages name the column ``header``.

    Dates pandas cannot read are read as the sampling dates of :func:`mstarget.risk.score`
    (``2023年3月1日``, ``2023.3.1``: :func:`~mstarget.risk.samples.parse_dates`), which refuses the
    cells that are no date, naming their spreadsheet rows."""
    s = df[time]
    rows = sheet_rows(df)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        v = s.to_numpy(float)
        bad = np.flatnonzero(~np.isfinite(v))
        is_date = False
    else:
        t = read_dates(s)
        if getattr(t.dt, "tz", None) is not None:  # time-zone aware: the UTC instant, naive
            t = t.dt.tz_convert("UTC").dt.tz_localize(None)
        v = (t - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
        v = np.array(v.to_numpy(float))  # writable
        bad = np.flatnonzero(t.isna().to_numpy())
        if len(bad):  # 2023年3月1日: read as score reads it, or refused there with every row
            dates = parse_dates(s.iloc[bad], src, header, rows[bad])
            v[bad] = (dates - np.datetime64("1970-01-01", "D")).astype(float)
            bad = bad[:0]
        is_date = True
    if len(bad):
        raise DataValidationError([Problem(src, int(rows[i]), header, _text(s.iloc[i]),
                                           "a date such as 2014-09-02 (or a number)")
                                   for i in bad[:50]], source=src)
    return v, is_date


def _text(v) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)


def _keys(df: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a key column (-1 for missing) and the mask of present keys."""
    codes, _ = pd.factorize(df[col], use_na_sentinel=True)
    return codes.astype(np.int64), codes >= 0


def _group_time_table(codes: np.ndarray, t: np.ndarray, cols: dict[str, np.ndarray]):
    """Sum ``cols`` per (group, time); return the table sorted by group then time and the map
    from each record to its row of the table."""
    frame = pd.DataFrame({"g": codes, "t": t, **cols})
    tab = frame.groupby(["g", "t"], sort=True).sum()
    idx = tab.index
    pos = idx.get_indexer(pd.MultiIndex.from_arrays([codes, t]))
    return tab.reset_index(), pos


def _exclusive_cumsum(values: np.ndarray, first_of_group: np.ndarray) -> np.ndarray:
    """Cumulative sum of earlier rows of the same group (rows sorted by group).

    Summed group by group (never across groups), so a large group does not cost a small one
    its precision.
    """
    values = np.asarray(values, float)
    gid = np.cumsum(first_of_group)
    inclusive = pd.DataFrame(values.reshape(len(values), -1)).groupby(gid).cumsum().to_numpy()
    return (inclusive - values.reshape(len(values), -1)).reshape(values.shape)


def decayed_sums_before(group: np.ndarray, t: np.ndarray, values: np.ndarray,
                        half_life: float) -> np.ndarray:
    """``sum_{j: same group, t_j < t_i} values_j * 0.5 ** ((t_i - t_j) / half_life)`` for each row.

    Parameters
    ----------
    group : array of int, shape (K,)
        Group of each row; rows must be sorted by group, then by strictly increasing ``t``
        within a group (one row per group and time, as built by ``_group_time_table``).
    t : array of float, shape (K,)
    values : array of float, shape (K,) or (K, m)
    half_life : float > 0
        In the units of ``t``.

    Returns
    -------
    ndarray, same shape as ``values``
        Exact up to rounding; long time spans are processed in blocks so that no exponential
        overflows.
    """
    values = np.asarray(values, float)
    squeeze = values.ndim == 1
    v = values[:, None] if squeeze else values
    lam = math.log(2.0) / float(half_life)
    out = np.zeros_like(v)
    if len(t) == 0:
        return out[:, 0] if squeeze else out
    width = _EXP_SPAN / lam
    t0 = float(np.min(t))
    block = np.floor((t - t0) / width).astype(np.int64)
    n_groups = int(group.max()) + 1 if len(group) else 0
    carry = np.zeros((n_groups, v.shape[1]))  # decayed sum of earlier blocks, at the block start
    for b in np.unique(block):
        rows = np.flatnonzero(block == b)  # still sorted by group, then time
        start = t0 + b * width
        g = group[rows]
        e = np.exp(lam * (t[rows] - start))
        contrib = v[rows] * e[:, None]
        first = np.ones(len(rows), bool)
        first[1:] = g[1:] != g[:-1]
        before = _exclusive_cumsum(contrib, first)
        out[rows] = (carry[g] + before) / e[:, None]
        # carry to the next block start (the next block present may lie further on)
        nxt = block[rows[-1] + 1:]
        nb = int(nxt.min()) if len(nxt) else b + 1
        totals = np.zeros_like(carry)
        np.add.at(totals, g, contrib)
        carry = (carry + totals) * math.exp(-lam * (nb - b) * width)
    return out[:, 0] if squeeze else out


def features(records, *, time: str, outcome: str, entity: str | None = None,
             area: str | Sequence[str] | None = None, values: Sequence[str] = (),
             half_lives: Sequence[float] = DEFAULT_HALF_LIVES,
             area_prior: float = DEFAULT_AREA_PRIOR,
             entity_prior: float = DEFAULT_ENTITY_PRIOR) -> pd.DataFrame:
    """Per-record features from each record's strict past: the entity's history and area rates.

    See the module docstring for every column. A feature of a record depends only on records
    with an earlier time, so it is unchanged when later records are removed or their outcomes
    change (no leakage into a time-split evaluation).

    Parameters
    ----------
    records : DataFrame or path
        One row per inspection / sampled batch. Its headers are read as :func:`mstarget.risk.score`
        reads them (a DataFrame's like a file's): every column below may be named by its header as
        written (检验结论, 食品大类) or by the canonical name it is read as (``outcome``,
        ``category``); the result's columns use the name given (``食品大类_rate_30d``). A batch
        written once per failed item (its 抽样单号 repeated) counts once in every history, as
        ``score`` counts it (with a warning); each of its rows gets the batch's features.
    time : str
        Date column (any format pandas reads, or ``2023年3月1日`` as ``score`` reads sampling
        dates; times within a day are ignored only if the cells carry none) or a numeric column
        (then half-lives are in its units).
    outcome : str
        0/1 column (1 = failure / unqualified / critical violation; also 合格/不合格,
        true/false). Empty cells mean "not known yet": such records receive features and
        contribute to nobody's.
    entity : str, optional
        Column identifying what is inspected again and again (licence, establishment, producer).
    area : str or list of str, optional
        Place columns (ward, zip, county...); each gets exponentially weighted recent rates.
    values : list of str
        Other numeric columns whose history per entity is useful (e.g. counts of minor
        violations): their mean over earlier records and their value at the latest one.
    half_lives : sequence of float, default (30, 90)
        Half-lives of the area rates, in days (dates) or units of ``time``.
    area_prior : float, default 20
        Pseudo-records pulling an area's rate toward the base rate (small areas stay near it).
    entity_prior : float, default 1
        Pseudo-records pulling an entity's own rate toward the base rate.

    Returns
    -------
    DataFrame
        Same index as ``records``, one column per feature (float).

    Raises
    ------
    DataValidationError
        Missing columns, no rows, unreadable times, outcomes other than 0/1, non-numeric
        ``values``.
    ParameterError
        Non-positive half-lives or negative priors.
    """
    areas = _as_list(area, "area")
    vals = _as_list(values, "values")
    df, src = read_records(records, [time, outcome, entity, *areas, *vals])
    hls = [float(h) for h in (half_lives or ())] if not isinstance(half_lives, (int, float)) \
        else [float(half_lives)]
    if any(not (math.isfinite(h) and h > 0) for h in hls):
        raise ParameterError.invalid("half_lives", "mstarget.risk.features",
                                     "positive numbers (days, or units of the time column)", half_lives)
    for name, w in (("area_prior", area_prior), ("entity_prior", entity_prior)):
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not (w >= 0 and math.isfinite(w)):
            raise ParameterError.invalid(name, "mstarget.risk.features", "a number of pseudo-records >= 0", w)
    need = [time, outcome] + ([entity] if entity else []) + areas + vals
    missing = [c for c in dict.fromkeys(need) if c not in df.columns]
    if missing:
        have = ", ".join(written_columns(df))
        raise DataValidationError([Problem(src, None, c, None, f"column missing; the table has: {have}")
                                   for c in missing], source=src)
    if len(df) == 0:
        raise DataValidationError([Problem(src, None, None, None, "the table has no data rows")],
                                  source=src)
    batch = item_batches(df, src, outcome=outcome)
    whole = df.index
    if batch is not None:  # a batch written once per failed item: counted once in every history
        warn_folded(df, batch, src, stacklevel=3)
        kept = np.flatnonzero(batch == np.arange(len(df)))
        df = rows_kept(df, batch == np.arange(len(df)), index=True)
    written = df.attrs.get("headers") or {}  # messages name a column as the table writes it
    t, is_date = _times(df, time, src, str(written.get(time, time)))
    y = outcome_array(df[outcome], src, str(written.get(outcome, outcome)), allow_missing=True,
                      rows=sheet_rows(df))
    known = ~np.isnan(y)
    yk = np.where(known, y, 0.0)
    ck = known.astype(float)
    value_arr = {}
    problems = []
    for v in vals:
        conv = pd.to_numeric(df[v], errors="coerce").to_numpy(float)
        bad = np.flatnonzero(np.isnan(conv) & df[v].notna().to_numpy())
        problems += [Problem(src, int(sheet_rows(df)[i]), str(written.get(v, v)), _text(df[v].iloc[i]),
                             "a number") for i in bad[:20]]
        value_arr[v] = conv
    if problems:
        raise DataValidationError(problems, source=src)

    unit = "days" if is_date else "time"
    out = pd.DataFrame(index=df.index)
    base = _base_rate(t, yk, ck)
    out["base_rate_past"] = base
    if entity:
        out = pd.concat([out, _entity_history(df, entity, t, yk, ck, known, value_arr, base,
                                              entity_prior, unit)], axis=1)
    for a in areas:
        out = pd.concat([out, _area_rates(df, a, t, yk, ck, base, hls, area_prior, is_date)], axis=1)
    if batch is not None:  # each row of a folded batch gets its batch's features
        out = out.iloc[np.searchsorted(kept, batch)].set_axis(whole)
    return out


def _base_rate(t: np.ndarray, yk: np.ndarray, ck: np.ndarray) -> np.ndarray:
    """Failure rate of all records strictly earlier than each record (NaN before any)."""
    codes = np.zeros(len(t), dtype=np.int64)
    tab, pos = _group_time_table(codes, t, {"f": yk, "n": ck})
    first = np.zeros(len(tab), bool)
    if len(tab):
        first[0] = True
    f = _exclusive_cumsum(tab["f"].to_numpy(float), first)
    n = _exclusive_cumsum(tab["n"].to_numpy(float), first)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, f / np.where(n > 0, n, 1.0), np.nan)
    return rate[pos]


def _entity_history(df, entity, t, yk, ck, known, value_arr, base, prior, unit) -> pd.DataFrame:
    codes, present = _keys(df, entity)
    use = present & known
    cols = {"f": np.where(use, yk, 0.0), "n": np.where(use, ck, 0.0)}
    for j, (v, arr) in enumerate(value_arr.items()):
        ok = use & ~np.isnan(arr)
        cols[f"v{j}"] = np.where(ok, arr, 0.0)
        cols[f"vn{j}"] = ok.astype(float)
    tab, pos = _group_time_table(codes, t, cols)
    tab = tab[tab["g"] >= 0].reset_index(drop=True) if (codes < 0).any() else tab
    if (codes < 0).any():
        pos = pd.MultiIndex.from_frame(tab[["g", "t"]]).get_indexer(pd.MultiIndex.from_arrays([codes, t]))
    g = tab["g"].to_numpy()
    tt = tab["t"].to_numpy(float)
    first = np.ones(len(tab), bool)
    first[1:] = g[1:] != g[:-1]
    f_before = _exclusive_cumsum(tab["f"].to_numpy(float), first)
    n_before = _exclusive_cumsum(tab["n"].to_numpy(float), first)
    # latest earlier time with a known outcome, and its outcome (mean over that time's records)
    has = tab["n"].to_numpy(float) > 0
    row_idx = np.where(has, np.arange(len(tab)), -1)
    last_row = _previous_in_group(row_idx, first)
    fail_idx = np.where(tab["f"].to_numpy(float) > 0, np.arange(len(tab)), -1)
    last_fail_row = _previous_in_group(fail_idx, first)

    def at(rows, values):
        return np.where(rows >= 0, values[np.maximum(rows, 0)], np.nan)

    last_rate = at(last_row, tab["f"].to_numpy(float) / np.maximum(tab["n"].to_numpy(float), 1.0))
    since = tt - at(last_row, tt)
    since_fail = tt - at(last_fail_row, tt)
    res = {}
    valid = pos >= 0
    P = np.where(valid, pos, 0)

    def back(a):
        return np.where(valid, np.asarray(a, float)[P], np.nan)

    n_rec = np.where(valid, n_before[P], 0.0)
    f_rec = np.where(valid, f_before[P], 0.0)
    b = np.where(np.isnan(base), 0.0, base)
    res["entity_n_past"] = n_rec
    res["entity_failures_past"] = f_rec
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = (f_rec + prior * b) / (n_rec + prior)
    res["entity_fail_rate_past"] = np.where(((n_rec + prior) > 0) & ~np.isnan(base), rate, np.nan)
    res["entity_last_failed"] = back(last_rate)
    res[f"entity_{unit}_since_last"] = back(since)
    res[f"entity_{unit}_since_failure"] = back(since_fail)
    res["entity_first_record"] = (n_rec == 0).astype(float)
    for j, v in enumerate(value_arr):
        s_before = _exclusive_cumsum(tab[f"v{j}"].to_numpy(float), first)
        c_before = _exclusive_cumsum(tab[f"vn{j}"].to_numpy(float), first)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(c_before > 0, s_before / np.where(c_before > 0, c_before, 1.0), np.nan)
        vrow = _previous_in_group(np.where(tab[f"vn{j}"].to_numpy(float) > 0, np.arange(len(tab)), -1),
                                  first)
        last_v = at(vrow, tab[f"v{j}"].to_numpy(float) / np.maximum(tab[f"vn{j}"].to_numpy(float), 1.0))
        res[f"entity_{v}_mean_past"] = back(mean)
        res[f"entity_{v}_last"] = back(last_v)
    return pd.DataFrame(res, index=df.index)


def _previous_in_group(row_idx: np.ndarray, first_of_group: np.ndarray) -> np.ndarray:
    """For each row, the largest ``row_idx`` (>= 0) among *earlier* rows of its group, else -1."""
    shifted = np.empty_like(row_idx)
    if len(row_idx) == 0:
        return shifted
    shifted[0] = -1
    shifted[1:] = row_idx[:-1]
    shifted[first_of_group] = -1
    # running max within group: offsetting by group start keeps groups apart
    starts = np.maximum.accumulate(np.where(first_of_group, np.arange(len(row_idx)), 0))
    run = np.maximum.accumulate(shifted)
    # a running max over the whole array may carry a previous group's index: drop those
    return np.where(run >= starts, run, -1)


def _area_rates(df, col, t, yk, ck, base, half_lives, prior, is_date) -> pd.DataFrame:
    codes, present = _keys(df, col)
    tab, pos = _group_time_table(codes, t, {"f": np.where(present, yk, 0.0),
                                            "n": np.where(present, ck, 0.0)})
    g = tab["g"].to_numpy()
    g = g - g.min() if len(g) else g
    tt = tab["t"].to_numpy(float)
    vals = tab[["f", "n"]].to_numpy(float)
    b = np.where(np.isnan(base), np.nan, base)
    res = {}
    for h in half_lives:
        sums = decayed_sums_before(g, tt, vals, h)
        S = np.where(present, sums[pos, 0], 0.0)
        C = np.where(present, sums[pos, 1], 0.0)
        label = f"{h:g}d" if is_date else f"{h:g}"
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = (S + prior * b) / (C + prior)
        if prior == 0:
            rate = np.where(C > 0, S / np.where(C > 0, C, 1.0), b)
        res[f"{col}_rate_{label}"] = rate
        res[f"{col}_weight_{label}"] = C
    return pd.DataFrame(res, index=df.index)
