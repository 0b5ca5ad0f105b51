"""``score``: where will the next samples fail? Shrunken, recency-weighted failure probabilities.

Every score says why it differs from the raw rate. For each group::

    recent_rate = weighted failed / weighted tested        (recent periods weigh more)
    risk        = shrink_share * prior_rate + (1 - shrink_share) * recent_rate
    shrink_share = prior_weight / (prior_weight + evidence_weight)

``prior_rate`` is what the group is pulled toward (the rate of all groups, or of the group's parent
in a hierarchy), ``prior_weight`` how many batches that prior is worth (fitted from the spread of
the groups' rates) and ``evidence_weight`` the group's own recency-weighted batches. A risk above
the raw rate therefore has one of two causes, both written in the ``explanation`` column: recent
periods fail more often than older ones, or a small group is pulled up toward a riskier prior.

This module only computes; ``mstarget.risk.score`` (see :mod:`mstarget.risk.api`) adds the
optional MLflow run.
"""
from __future__ import annotations

import difflib
import math
import re
import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from ..exceptions import MstargetWarning, ParameterError, PoolingWarning
from .samples import (REGION_COLUMNS, TOTAL_LABELS, check_by, check_overlaps, check_total_sums, describe_totals,
                      merge_totals, resolve_as_of, total_rows, validate_samples)
from .periods import parse_period
from .shrinkage import shrink

#: a name of mstarget.risk.samples this module re-exports (``from mstarget.risk.score import TOTAL_LABELS``)
_REEXPORTED = (TOTAL_LABELS,)

SCORE_COLUMNS = ("tested", "failed", "rate", "risk", "risk_lo", "risk_hi", "rank")
#: Columns that explain each score (after ``SCORE_COLUMNS``).
EXPLAIN_COLUMNS = ("recent_rate", "prior_rate", "prior_weight", "evidence_weight", "shrink_share",
                   "explanation")
#: The first and last period in which each group has counts (last: after ``EXPLAIN_COLUMNS``): a scores
#: file read back (``risk allocate --scores``) still tells a group whose data stop early (renamed?).
PERIOD_COLUMNS = ("first_period", "last_period")
#: The scoring settings a scores file carries (one value in every row; 'risk score --out' writes them, a
#: CSV keeping no ``attrs``): the region scored (``--region``), ``as_of`` and ``half_life`` (``none``:
#: equal period weights) and ``pooling`` (:func:`pooling_text`: the shrinkage hierarchy, ``地市 > 食品大类``, or
#: ``flat``) and ``periods`` (the periods scored, ``2019H2, 2022``: a plan's market is one period's batches);
#: 'risk allocate --scores' reads them back for the plan's basis, its market and its run; and ``where`` (the
#: rows scored, when only some were: ``Ward=42``, CLI ``--where``, ``attrs["risk"]["where"]``); ``programmes`` (the
#: sampling programmes scored together, ``抽检类型: 监督抽检 + 风险监测``: their rates are not comparable).
SETTING_COLUMNS = ("region", "as_of", "half_life", "pooling", "periods", "where", "programmes")


def with_settings(scores: pd.DataFrame, region: str | None = None) -> pd.DataFrame:
    """``scores`` with :data:`SETTING_COLUMNS` added from ``attrs["risk"]`` (and ``region``, when given and
    the table has no such column), for a scores file that states what it was scored on."""
    meta = scores.attrs.get("risk") or {}
    out = scores.copy()
    if region is not None and "region" not in out.columns:
        out["region"] = str(region).strip()
    if meta.get("as_of") is not None and "as_of" not in out.columns:
        out["as_of"] = str(meta["as_of"])
    if meta and "half_life" not in out.columns:
        hl = meta.get("half_life")
        out["half_life"] = "none" if hl is None else f"{float(hl):g}"
    if meta and meta.get("by") and "pooling" not in out.columns:
        out["pooling"] = pooling_text(meta["by"], bool(meta.get("hierarchical")))
    if meta and meta.get("periods") and "periods" not in out.columns:
        out["periods"] = ", ".join(map(str, meta["periods"]))
    if meta and meta.get("where") and "where" not in out.columns:
        out["where"] = "；".join(map(str, meta["where"]))
    if meta and meta.get("programmes") and "programmes" not in out.columns:  # several programmes scored together
        out["programmes"] = "；".join(f"{col}: {' + '.join(map(str, v))}" for col, v in meta["programmes"].items())
    return out


def pooling_text(by: Sequence[str], hierarchical: bool) -> str:
    """The shrinkage hierarchy in a word: ``地市 > 食品大类`` (each 食品大类 group pulled toward its 地市's
    rate, each 地市 toward the total), or ``flat`` (every group toward one rate)."""
    return " > ".join(map(str, by)) if hierarchical and len(by) > 1 else "flat"


def pooling_words(by: Sequence[str], hierarchical: bool) -> str:
    """The shrinkage hierarchy in words (Chinese, then English), for a printout's basis line."""
    by = [str(c) for c in by]
    if not hierarchical or len(by) < 2:
        return ("收缩 pooling: 各组向总体不合格率靠拢 (every group toward one overall rate)" if len(by) > 1
                else "收缩 pooling: 各组向总体不合格率靠拢")
    inner, outer = by[-1], " / ".join(by[:-1])
    return (f"层级收缩 pooling: {' > '.join(by)}（各{inner}组向所在{outer}的不合格率靠拢，{by[0]}向总体；"
            f"each {inner} pulled toward its {outer}'s rate）")


#: a column name that reads as a place (地市, 区县, region ...): a first ``by`` level holding places
_PLACE_WORDS = ("地区", "区域", "省份", "地市", "城市", "市州", "区县", "县区", "县市", "辖区", "乡镇", "街道",
                "行政区", "行政区划", "所在地", "属地")
_PLACE_ENDS = ("省", "市", "县", "区", "州", "旗", "镇")
_PLACE_EN = re.compile(r"^(?:region|province|city|cities|county|district|prefecture|ward|town|area|zip|state)s?"
                       r"(?:[_ ]?(?:name|code))?$", re.I)
#: a column name that reads as a product category (食品大类, 产品类别, category ...)
_CATEGORY = re.compile(r"类|品种|品目|品名|category|product|commodity|food", re.I)


def looks_like_place(name) -> bool:
    """Whether a column name reads as a place column (地市, 区县, 所在地区, region, city ...)."""
    t = str(name).strip()
    if not t or _CATEGORY.search(t) or t.endswith(("超市", "门市", "市场")):
        return False
    return t in REGION_COLUMNS or any(w in t for w in _PLACE_WORDS) or t.endswith(_PLACE_ENDS) \
        or bool(_PLACE_EN.match(t))


#: words of a place column naming where a product comes from (标称生产企业所在省份, 产地, 样品来源): a place, but
#: not a unit that sends a return, so not looked at for a missing return (:func:`missing_places`)
_ORIGIN_WORDS = ("生产企业", "生产单位", "生产者", "标称", "产地", "来源", "生产地", "制造商", "origin", "manufacturer")


def looks_like_reporting_place(name) -> bool:
    """Whether a column name reads as a place that reports its sampling (区县, 地市, 省份, region): a place
    column (:func:`looks_like_place`) that does not name a product's origin (标称生产企业所在省份, 产地, 样品来源)."""
    return looks_like_place(name) and not _names_origin(name)


def _names_origin(name) -> bool:
    """Whether a column name says where a product comes from (:data:`_ORIGIN_WORDS`)."""
    t = str(name).strip().lower()
    return any(w in t for w in _ORIGIN_WORDS)


def looks_like_category(name) -> bool:
    """Whether a column name reads as a product category (食品大类, 食品类别, 品种, category ...)."""
    return bool(_CATEGORY.search(str(name).strip()))


def hierarchy_warning(by: Sequence[str], hierarchical: bool, headers: dict | None = None) -> str | None:
    """The warning for a hierarchy whose outer level is a place and an inner one a product category
    (``地市 > 食品大类``: each category shrunk toward its city, its failure rate not shared across cities),
    suggesting the other order; None otherwise."""
    if not hierarchical or len(by) < 2:
        return None
    headers = headers or {}
    names = [str(headers.get(c, c)) for c in by]
    place = next((i for i, (c, n) in enumerate(zip(by, names)) if looks_like_place(c) or looks_like_place(n)), None)
    if place is None:
        return None
    cat = next((j for j in range(place + 1, len(by)) if looks_like_category(by[j]) or looks_like_category(names[j])),
               None)
    if cat is None:
        return None
    other = [names[cat]] + [n for k, n in enumerate(names) if k != cat]
    return (f"by={','.join(names)} shrinks hierarchically in that order: each {names[cat]} group is pulled toward "
            f"its {names[place]}'s rate, so a category's failure rate is not shared across {names[place]} -- "
            f"rarely what is meant, as failure rates differ mostly by food category. To pull each "
            f"{names[place]}'s {names[cat]} toward that {names[cat]}'s rate, list the category first: "
            f"--by {','.join(other)} (by={other!r}); or pool every group toward one rate: --flat "
            f"(hierarchical=False)（分组顺序即收缩层级：现为各{names[cat]}向所在{names[place]}的不合格率靠拢，"
            f"同一{names[cat]}在各{names[place]}间不共享不合格率；通常应为 --by {','.join(other)}）")
DEFAULT_HALF_LIFE = 2.0
DEFAULT_LEVEL = 0.90
_RANK_DIGITS = 12  # risks equal to 12 decimals are ties (broken by batches tested, more first)
#: a period with at least this many batches and not one failure in any group is suspected of
#: unpublished failures ...
SILENT_BATCHES = 300
#: ... when the rate it is judged by expects at least this many failures in it (none: p < 1 %)
SILENT_EXPECTED = 5.0


def decay_weights(ends: np.ndarray, ref_end: int, half_life: float | None) -> np.ndarray:
    """Weight of each period: ``0.5 ** (age / half_life)``, age in years from the latest period's end.

    Parameters
    ----------
    ends : array of int, shape (R,)
        Last month (``year * 12 + month - 1``) of each row's period.
    ref_end : int
        Last month of the most recent period used.
    half_life : float or None
        Years after which a period counts half; ``None`` or ``inf`` gives every period weight 1.
    """
    ends = np.asarray(ends, float)
    if half_life is None or math.isinf(half_life):
        return np.ones_like(ends)
    age = (ref_end - ends) / 12.0
    return np.power(0.5, age / half_life)


def score(samples, by: Sequence[str] | str = ("category",), as_of=None, *,
          half_life: float | None = DEFAULT_HALF_LIFE, level: float = DEFAULT_LEVEL,
          hierarchical: bool = True, period: str | None = "period", outcome: str | None = None,
          drop_totals: bool = True) -> pd.DataFrame:
    """Predicted probability that a batch of each group fails in the next period, with an interval.

    Raw rates are shrunk by empirical-Bayes beta-binomial pooling (see
    :mod:`mstarget.risk.shrinkage`): small groups are pulled toward their parent's rate so they do
    not top the list by luck. ``by`` is read as a hierarchy, outermost first: with
    ``by=["sector", "category"]`` categories are shrunk toward their sector and sectors toward the
    total. Recent periods weigh more: a period ``t`` years older than the latest one counts
    ``0.5 ** (t / half_life)`` times its batches, so a drifting base rate is tracked.

    A group whose data stop early (no counts for a year or more before the latest period of its place:
    :func:`suspected_stale`, named in the warning and its ``explanation``) has its evidence **aged**
    (:func:`aged_evidence`): rates drift between periods beyond sampling noise, so however many batches its
    last period held, they say less about today's rate the older they are. Its recency-weighted batches
    ``n`` count as ``1 / (1/n + p(1-p) * drift * years)`` batches (``p`` its own rate, ``years`` since its last
    data, ``drift`` the variance per year of the logit of a group's rate between periods, estimated from the
    table's groups sampled in two periods or more: :func:`drift_per_year`), so its risk moves toward its
    parent's (or all groups') rate as its data age. The priors are fitted on every group's counts as they are,
    so groups with data up to the latest period score as before. ``attrs["risk"]["aging"]`` holds the drift
    used and the groups aged (``evidence_weight`` is the aged weight).

    Parameters
    ----------
    samples : DataFrame or path
        Sampling counts, one row per group and period: ``period``, the ``by`` columns,
        ``tested`` and ``failed`` (integer batches). Per-batch records (one row per batch, an
        outcome column of 0/1 and no ``tested`` column) are aggregated first. A DataFrame that is some
        rows of a larger table (one category kept) may carry ``attrs["reported_places"]``
        (:func:`reported_places` of the whole table), so that a place is warned as missing from a period
        only when it has no row there in the whole table (:func:`missing_places`; CLI ``--where`` sets it).
    by : str or list of str
        Grouping columns, outermost level first. A region column (``region``, ``地区``...)
        holding several regions that is not in ``by`` is pooled with a :class:`PoolingWarning`.
    as_of : int or str, optional
        Use only periods ending no later than this one (``2022``, ``"2022H1"``, ``"2022-06"``).
        Default: all periods.
    half_life : float or None, default 2.0
        Half-life of period weights, in years. ``None`` weighs all periods equally.
    level : float, default 0.90
        Probability content of the interval ``[risk_lo, risk_hi]`` (equal-tailed, from the
        posterior of the group's underlying failure rate over the periods scored, which averages
        over what the groups leave uncertain about the prior -- wide for a small group when few
        groups inform the prior; widened if needed so that it contains ``risk``). It says how
        well the periods scored pin that rate down; it is **not** a prediction interval for next
        period's observed rate: rates drift between periods beyond sampling noise (the shipped
        national categories moved by about 0.48 on the logit scale, x/÷ 1.6, from 2019H2 to 2022,
        and none of the 7 observed 2022 rates fell inside the 90 % interval scored on 2019H2).
    hierarchical : bool, default True
        Pool along the ``by`` hierarchy; ``False`` pools all groups toward one overall rate.
    period : str or None, default "period"
        Name of the period column; ``None`` if the table is a single period without one. A table
        without a ``period`` column (a 抽检 notice's table) is one period: the one its title names
        (``2023年第三季度…`` -> ``2023Q3``), else ``"all"``.
    outcome : str, optional
        Outcome column of per-batch records (default: ``failed``/``outcome``/``unqualified``).
    drop_totals : bool, default True
        Drop rows whose group is a total (``合计``, ``总计``, ``小计``, ``total``, ``all``) so they
        are not counted twice; a warning says how many (CLI: ``--keep-totals`` keeps them).

    Returns
    -------
    DataFrame
        One row per group, riskiest first, with columns: the ``by`` columns; ``tested``,
        ``failed`` (int, batches in the periods used, unweighted); ``rate`` (``failed / tested``,
        raw); ``risk`` (posterior mean of the group's recency-weighted underlying failure rate,
        0-1: the probability that a batch fails, used for the next period); ``risk_lo``,
        ``risk_hi`` (``level`` interval of that underlying rate, not of next period's observed
        rate: see ``level``); ``rank`` (int, 1 =
        riskiest; equal risks are ranked by batches tested, more first); and why ``risk``
        differs from ``rate``: ``recent_rate`` (recency-weighted rate), ``prior_rate`` (the rate
        the group is pulled toward), ``prior_weight`` (batches the prior is worth),
        ``evidence_weight`` (the group's recency-weighted batches), ``shrink_share`` (0-1: the
        prior's share in ``risk``), ``explanation`` (one sentence, Chinese); ``first_period``,
        ``last_period`` (the group's first and last period with counts, as labels: ``2023``,
        ``2025Q3``), so that a scores file read back by ``risk allocate --scores`` can still say
        which groups' data stop early (see :func:`suspected_stale`) and hold their batches.
        ``.attrs["risk"]`` holds the settings, the periods used, the fitted priors, the totals
        left out and any pooled region column.

    Raises
    ------
    DataValidationError
        Missing columns, non-integer or negative counts, ``failed > tested``, unknown period
        formats (every bad cell, with spreadsheet row and column); periods of one group that
        overlap (``2023`` and ``2023H1``), naming the rows.
    ParameterError
        Bad ``as_of``, ``half_life`` or ``level``, or no period on or before ``as_of``.
    """
    by = check_by(by)
    _check_settings(half_life, level)
    as_of_p = resolve_as_of(as_of)
    agg, src = validate_samples(samples, by, period=period, outcome=outcome)  # one 抽样单号 a batch (fold_items)
    pooled = agg.attrs.get("pooled", {})
    written = str(agg.attrs.get("headers", {}).get("period") or "period")
    _warn_pooled(pooled, src, by)
    programmes = agg.attrs.get("programmes", {})
    _warn_programmes(programmes, src, by)
    check_total_sums(agg, by, src)
    n_totals = 0
    if drop_totals:
        agg, n_totals = drop_total_rows(agg, by, src)
    agg = merge_totals(agg, by)  # kept (drop_totals=False, or every row a total): added in
    check_overlaps(agg, by, src, "period" if written.startswith("(") else written)  # 年度 as written
    if as_of_p is not None:
        _refuse_as_of_without_periods(agg, as_of_p, src)
        agg = _periods_up_to(agg, as_of_p, src)
    warn_silent_periods(silent_periods(agg), src)
    reported = samples.attrs.get("reported_places") if isinstance(samples, pd.DataFrame) else None
    absent = missing_places(agg, by, reported, until=as_of_p.end if as_of_p is not None else None)
    warn_missing_places(absent, src)

    said = hierarchy_warning(by, hierarchical, agg.attrs.get("headers"))
    if said:
        warnings.warn(said, PoolingWarning, stacklevel=3)  # score -> mstarget.risk.score (api) -> the caller
    g = _weighted_groups(agg, by, half_life)
    spans = group_spans(agg, by)
    headers = agg.attrs.get("headers") or {}
    reach = _reach({c: (reported or {}).get(c) or (reported or {}).get(str(headers.get(c, c))) for c in by},
                   as_of_p.end if as_of_p is not None else None)
    gone = _places_gone(absent, by, headers)
    for i, places in gone.items():  # a place gone from the table: its groups' data stop early too (said as a place)
        reach.setdefault(by[i], {}).update({str(p): int(agg["_end"].max()) for p in places})
    stale = suspected_stale(spans, by, headers, reach)
    aging = evidence_aging(agg, g, by, stale)
    parents = [g[c].to_numpy() for c in by[:-1]] if hierarchical else []
    post, priors = shrink(g["_wf"].to_numpy(), g["_wt"].to_numpy(), parents, evidence=(aging["wf"], aging["wt"]))
    out = _score_table(g, by, post, level)
    parent = parent_words(by, hierarchical)
    _explain(out, g.assign(_wf=aging["wf"], _wt=aging["wt"]), post, half_life, parent)
    out = out.merge(spans[by + list(PERIOD_COLUMNS)], on=by, how="left", sort=False)
    _note_stale(out, stale, by, src, gone, _aging_by_key(aging), parent)
    out = out.sort_values("rank").reset_index(drop=True)
    periods = agg.drop_duplicates("period").sort_values(["_end", "_start"])["period"].tolist()
    out.attrs["risk"] = {
        "by": list(by), "as_of": as_of_p.label if as_of_p else None, "half_life": half_life,
        "level": level, "hierarchical": bool(hierarchical and len(by) > 1),
        "periods": periods, "priors": priors, "source": src, "totals_dropped": n_totals,
        "pooled": pooled, "programmes": programmes, "folded": agg.attrs.get("folded", {}),
        "stale": [{"group": k, "last_period": v["last"], "did_you_mean": v["near"]} for k, v in stale.items()],
        "aging": aging["summary"],
        "missing_places": absent,
    }
    return out


#: a place missing from a period is named when at least this share of the other places report in it
MISSING_PLACE_SHARE = 0.75


def missing_places(agg: pd.DataFrame, by: list[str], reported: dict | None = None, *,
                   until: int | None = None) -> list[dict]:
    """Values of a place-like ``by`` column (区县, 地市, region: :func:`looks_like_reporting_place`) with no row
    at all in a period of the table in which the other values of that column report (at least 2 of them, and
    :data:`MISSING_PLACE_SHARE` of those seen in the table): a district whose whole return for a quarter is
    missing (青溪县 absent from 2025Q3), more probably not reported than sampled nothing. Periods before the
    value's first are not looked at (a district new to the table). A category with no batch in some period
    is ordinary and not named (only place columns are looked at); nor is a column naming where a product
    comes from (标称生产企业所在省份, 产地: no return of its own), nor any place of per-batch records
    (``agg.attrs["records"]``: a record is a batch sampled, not a return that can be missing).

    ``reported`` (``{column: {place: {period labels}}}``, e.g. ``samples.attrs["reported_places"]``, which
    ``mstarget risk score --where`` sets): the places' periods in the table before a row filter (one
    category kept). Then "no row" and "the others report" are judged on that whole table (its periods up to
    ``until``, the month index ``as_of`` ends at), so the warning is the same whatever ``--where`` kept: a
    district that sampled other categories in a period is not named, and one with no row at all in a period
    is named even when few others sampled the category kept. Only places with a row in ``agg`` (the rows
    scored) are named; a column missing from ``reported`` is not looked at.

    Returns
    -------
    list of dict
        ``{"column": header as written, "place": value, "periods": [labels], "others": int (the other
        places reporting in those periods, fewest), "of": int (the other places in the table)}``; and
        ``"since": label`` when the periods run to the table's last period over more than one period or
        a year (:data:`STALE_MONTHS`): a place merged away or renamed (高要市 from 2025Q2 on), or a return
        not sent since.
    """
    if agg.empty or "period" not in agg.columns or agg.attrs.get("records"):
        return []
    headers = agg.attrs.get("headers") or {}
    out = []
    for col in by:
        written = str(headers.get(col, col))
        if not (looks_like_place(col) or looks_like_place(written)) or _names_origin(col) or _names_origin(written):
            continue
        if reported is not None and col not in reported and written not in reported:
            continue
        seen = agg.assign(_p=agg["period"].astype(str), _v=agg[col].astype(str), _s=agg["_start"].astype("int64"),
                          _e=agg["_end"].astype("int64")).drop_duplicates(["_v", "_p"])[["_v", "_p", "_s", "_e"]]
        scored = list(pd.unique(seen["_v"]))  # the places named (the rows scored)
        whole = _reported_rows(reported.get(col) if col in reported else reported.get(written), seen, until) \
            if reported is not None else None
        if whole is not None:  # judged on the table before --where: the same warning whatever it kept
            seen = whole
        order = seen.drop_duplicates("_p").sort_values(["_e", "_s"])["_p"].tolist()
        spans = seen.groupby("_p").agg(_s=("_s", "min"), _e=("_e", "max"))
        per_period = seen.groupby("_p")["_v"].agg(set)
        places = list(pd.unique(seen["_v"]))
        if len(order) < 2 or len(places) < 3:
            continue
        first = seen.sort_values(["_e", "_s"]).drop_duplicates("_v").set_index("_v")["_p"]
        rank = {label: k for k, label in enumerate(order)}

        def gone_since(place):  # the first of the periods without a row running to the table's last, if long
            tail = []
            for label in reversed(order):
                if place in per_period.get(label, set()):
                    break
                tail.insert(0, label)
            long = tail and (len(tail) > 1 or int(spans.loc[order[-1], "_e"]) - int(spans.loc[tail[0], "_s"]) + 1
                             >= STALE_MONTHS)
            return tail[0] if long and rank[tail[0]] > rank[first[place]] else None

        gone = {p: g for p in places if (g := gone_since(p)) is not None}  # 高要市 from 2025Q2: merged or renamed
        first_rank = {place: rank[label] for place, label in first.items()}  # of each place's first period
        # the places in the table in each period: not those new later, nor those gone for good by then (counted once
        # per period, not once per place and period: a province's 3,000 townships would take 27 million steps)
        in_table = {label: sum(1 for q in places if first_rank[q] <= rank[label]
                               and not (q in gone and rank[gone[q]] <= rank[label])) for label in order}
        for place in (p for p in places if p in scored):
            gaps, fewest, most = [], len(places) - 1, 0
            for label in order[first_rank[place] + 1:]:  # a place new to the table is not missing before
                there = per_period.get(label, set())
                others = len(there - {place})
                # the others still in the table then (the place itself is, from its first period until it is gone)
                active = in_table[label] - (0 if place in gone and rank[gone[place]] <= rank[label] else 1)
                if place not in there and others >= max(2, MISSING_PLACE_SHARE * active):
                    gaps.append(label)
                    fewest, most = min(fewest, others), max(most, active)
            if not gaps:
                continue
            found = {"column": written, "place": place, "periods": gaps, "others": fewest,
                     "of": most or len(places) - 1}
            if place in gone and gone[place] in gaps:
                found["since"] = gone[place]
            out.append(found)
    return out


def _reported_rows(places: dict | None, seen: pd.DataFrame, until: int | None) -> pd.DataFrame:
    """``_v`` (place), ``_p`` (period label), ``_s``, ``_e`` (months) of a ``reported`` column (``{place: [labels]}``,
    :func:`reported_places`) and of ``seen`` (the rows scored: a label it has keeps its months), up to ``until``."""
    months = dict(zip(seen["_p"], zip(seen["_s"], seen["_e"])))
    rows = [(str(v), p) + months[p] for v, p in zip(seen["_v"], seen["_p"])]
    for place, labels in (places or {}).items():
        for label in labels:
            label = str(label)
            if label not in months:
                try:
                    got = parse_period(label)
                except ValueError:  # not a period the reader spells ("all"): not judged
                    continue
                months[label] = (got.start, got.end)
            rows.append((str(place), label) + months[label])
    out = pd.DataFrame(rows, columns=["_v", "_p", "_s", "_e"]).drop_duplicates(["_v", "_p"])
    return out if until is None else out[out["_e"] <= until]


def reported_places(table, by: Sequence[str] | str, *, outcome: str | None = None,
                    period: str | None = "period") -> dict:
    """``{column: {place: [period labels]}}``: the periods in which each value of a place-like ``by`` column
    has a row in ``table`` -- the table before a row filter (one category kept), for
    ``samples.attrs["reported_places"]`` (see :func:`missing_places`). ``{}`` when the table cannot be read
    as sampling counts (then no place is warned as missing: it cannot be confirmed)."""
    by = check_by(by)
    with warnings.catch_warnings():  # said when the filtered table is scored
        warnings.simplefilter("ignore")
        try:
            agg, _ = validate_samples(table, by, period=period, outcome=outcome)
        except (ValueError, ParameterError):  # DataValidationError is a ValueError
            return {}
    if agg.empty or "period" not in agg.columns:
        return {}
    headers = agg.attrs.get("headers") or {}
    out = {}
    for col in by:
        if col in agg.columns and (looks_like_place(col) or looks_like_place(headers.get(col, col))):
            seen = agg.assign(_p=agg["period"].astype(str), _v=agg[col].astype(str))
            out[col] = {k: sorted(set(v)) for k, v in seen.groupby("_v")["_p"]}
    return out


def missing_place_text(found: list[dict]) -> str:
    """:func:`missing_places` in words (Chinese): ``青溪县：2025Q3 无任何数据（其他区县均有），是否漏报？``; a place
    without data from a period to the end: ``高要市：自2025Q2起无数据（撤并、更名或漏报？其他 6 个区县中 5 个有）``."""
    said = []
    for f in found:
        others = (f"其他{f['column']}均有" if f["others"] == f["of"]
                  else f"其他 {f['of']} 个{f['column']}中 {f['others']} 个有")
        since = f.get("since")
        gaps = f["periods"][:f["periods"].index(since)] if since else f["periods"]
        text = f"{'、'.join(gaps)} 无任何数据（{others}），是否漏报？" if gaps else ""
        if since:
            text += ("；" if text else "") + f"自{since}起无数据（撤并、更名或漏报？{others}）"
        said.append(f"{f['place']}：{text}")
    return "；".join(said)


def warn_missing_places(found: list[dict], src: str, stacklevel: int = 4) -> None:
    """Warn (:class:`MstargetWarning`) naming each place of :func:`missing_places` and its periods."""
    if not found:
        return
    shown = found[:8]
    en = "; ".join(f"{f['column']} {f['place']} has no row "
                   + (f"from {f['since']} on (merged, renamed or not reported?)" if f.get("since")
                      else f"in {', '.join(f['periods'])}") + f" while {f['others']} of the other {f['of']} report"
                   for f in shown)
    more = f"（另有 {len(found) - 8} 处 and {len(found) - 8} more）" if len(found) > 8 else ""
    warnings.warn(f"{src}: {missing_place_text(shown)}{more} / {en}: a whole return missing? Its groups are "
                  "scored on the other periods only; add the missing rows, or confirm that nothing was sampled there"
                  + (" (or that the place was merged into another or renamed: then its earlier rows belong to that "
                     "place's name)" if any(f.get("since") for f in shown) else ""),
                  MstargetWarning, stacklevel=stacklevel)


def _places_gone(found: list[dict], by: list[str], headers: dict) -> dict:
    """``{by index: {place, ...}}`` of the places of :func:`missing_places` without data to the end (``since``):
    their groups are said there, not again as categories whose data stop early."""
    out: dict = {}
    for f in found:
        if f.get("since"):
            i = next((k for k, c in enumerate(by) if str(headers.get(c, c)) == f["column"]), None)
            if i is not None:
                out.setdefault(i, set()).add(f["place"])
    return out


def _check_settings(half_life, level) -> None:
    """Refuse a ``half_life`` (years) that is not positive or None, a ``level`` outside (0, 1)."""
    if half_life is not None and not (isinstance(half_life, (int, float)) and half_life > 0):
        raise ParameterError.invalid("half_life", "mstarget.risk.score",
                                     "a positive number of years or None", half_life)
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise ParameterError.invalid("level", "mstarget.risk.score", "a probability in (0, 1)", level)


# Warnings below use stacklevel=4: helper -> score -> mstarget.risk.score (api) -> the caller.
def _warn_pooled(pooled: dict[str, list[str]], src: str, by: list[str]) -> None:
    """Warn (:class:`PoolingWarning`) for each region column whose several regions are added up."""
    for col, values in pooled.items():
        warnings.warn(f"{src}: column '{col}' holds {len(values)} regions ({', '.join(values[:5])}"
                      f"{'...' if len(values) > 5 else ''}) and is not in by={by}; their batches are "
                      f"added up per group. Put '{col}' in by to score each region (CLI: --by {by[-1]},{col}: "
                      f"each region's group pulled toward the group's rate across regions; --by {col},{by[-1]}: "
                      f"toward its region's rate), or keep one region (CLI: --region NAME).",
                      PoolingWarning, stacklevel=4)


def _warn_programmes(programmes: dict[str, list[str]], src: str, by: list[str]) -> None:
    """Warn (:class:`PoolingWarning`) for each column whose several programmes (监督抽检, 风险监测)
    are added up into one rate per group."""
    for col, values in programmes.items():
        first = values[0] if "监督抽检" not in values else "监督抽检"
        warnings.warn(f"{src}: column '{col}' mixes {len(values)} sampling programmes ({', '.join(values[:5])}"
                      f"{'...' if len(values) > 5 else ''}) and is not in by={by}; their batches are added up "
                      "into one rate per group, though their rates are not comparable (风险监测 samples where "
                      "problems are suspected)（表中混有不同抽检类型，已合并计算）. Keep one programme: "
                      f"--where {col}={first} on the command line, df[df['{col}'] == '{first}'] in Python; "
                      f"or score each: --by {col},{by[-1]}.", PoolingWarning, stacklevel=4)


def drop_total_rows(agg: pd.DataFrame, by: list[str], src: str) -> tuple[pd.DataFrame, int]:
    """Leave out total rows (合计/总计/total in a ``by`` column, 小计/合计 in any other text column
    such as 食品亚类), with a warning naming how many and where, unless all are; ``(agg, n
    dropped)``: ``n`` counts the table's rows left out."""
    is_total = total_rows(agg, by)
    if not is_total.any() or is_total.all():
        return agg, 0
    where = agg.attrs.get("totals") or []
    n_totals = sum(len(w["rows"]) for w in where) or int(is_total.sum())
    said = f": {describe_totals(where, src)}" if where else ""
    warnings.warn(f"{n_totals} total rows (小计/合计/总计/total) were left out of {src} so that "
                  f"batches are not counted twice（小计、合计行未计入）{said}; to keep them: --keep-totals on "
                  "the command line, drop_totals=False in Python", MstargetWarning, stacklevel=4)
    kept = agg[~is_total].reset_index(drop=True)
    kept.attrs = dict(agg.attrs)
    return kept, n_totals


#: months without counts from which a group missing from the latest period is always named (a year)
STALE_MONTHS = 12


def group_spans(agg: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One row per group of ``agg`` (validated counts): the ``by`` columns, ``first_period`` /
    ``last_period`` (labels of the group's first and last period with batches tested -- a row of 0 batches
    says the group was not sampled then; a group never sampled keeps its rows' span) and their month indices
    ``_first_start``, ``_last_start``, ``_last_end``."""
    if "tested" in agg.columns and len(agg):
        sampled = agg["tested"].to_numpy(dtype=float) > 0
        ever = pd.Series(sampled).groupby([agg[c].to_numpy() for c in by], sort=False).transform("any").to_numpy()
        agg = agg[sampled | ~ever]
    d = agg.sort_values(["_end", "_start"], kind="stable")
    first = d.groupby(by, sort=False).head(1).set_index(by)
    last = d.groupby(by, sort=False).tail(1).set_index(by)
    out = pd.DataFrame({"first_period": first["period"].astype(str), "_first_start": first["_start"].astype("int64")})
    out = out.join(pd.DataFrame({"last_period": last["period"].astype(str), "_last_start": last["_start"].astype("int64"),
                                 "_last_end": last["_end"].astype("int64")}))
    return out.reset_index()


#: a Chinese character: a name with one is compared as Chinese category names are (:func:`alike_names`)
_CJK = re.compile(r"[\u3400-\u9fff]")
#: words of English category names that say nothing of which category (Bakery Products, Other Foods)
_PLAIN_WORDS = frozenset({"and", "the", "other", "others", "food", "foods", "product", "products", "misc",
                          "miscellaneous", "not", "listed", "applicable", "general"})


def _words(name: str) -> set:
    return {w for w in re.findall(r"[a-z]{3,}", name.lower()) if w not in _PLAIN_WORDS}


def alike_names(name: str, later: Sequence[str]) -> list:
    """The names of ``later`` that ``name`` may have been renamed to, likeliest first.

    A Chinese name: close spellings (:func:`difflib.get_close_matches`, cutoff 0.5) or the same first two
    characters (粮食加工品 -> 粮食及粮食制品). Any other (English category names of a city's inspections): nearly the
    same spelling (cutoff 0.75: Donuts -> Doughnuts) or a word in common (Creole/Cajun -> Cajun) -- two letters
    in common say nothing in a Latin alphabet (Polish is no Portuguese, Brazilian no Californian)."""
    if _CJK.search(name):
        close = difflib.get_close_matches(name, later, n=3, cutoff=0.5)
        return close + [c for c in later if c not in close and len(name) >= 2 and c[:2] == name[:2]]
    close = difflib.get_close_matches(name, later, n=3, cutoff=0.75)
    words = _words(name)
    return close + [c for c in later if c not in close and words & _words(c)]


def suspected_stale(spans: pd.DataFrame, by: list[str], headers: dict | None = None,
                    reach: dict | None = None) -> dict:
    """Groups of ``spans`` (:func:`group_spans`) whose data stop before the latest period (of the group's
    place: the rows sharing its values of the ``by`` columns that name a reporting place, 区县 / 地市 / region
    (:func:`looks_like_reporting_place`, ``headers``: the columns as written), wherever they stand in ``by``,
    so ``--by 食品大类,区县`` and ``--by 区县,食品大类`` name the same groups; when every ``by`` column is a place, the
    outer ones; with none, the table's latest period) **and** look like a renamed or dropped category, keyed by
    the group (its value, or a tuple for several ``by`` columns): ``{key: {"last": period, "near": [(name,
    first period), ...], "gap_months": months from its last period's end to its place's latest}}``. ``reach`` (``{column: {place: last month index}}``, from the table before a
    ``--where``: :func:`reported_places`) extends a place's latest period to that of its whole return, so a
    category a district stopped sampling is named after ``--where`` kept that category.

    ``near`` lists names of the last ``by`` level that is not a place (the category) that first appear only after
    the group's last period
    and look alike (:func:`difflib.get_close_matches`, or a shared first two characters): a category
    renamed between periods (粮食加工品 -> 粮食及粮食制品) is two groups, never merged by guess. A group is
    named when such a name exists, or when it is missing for more than one of its periods or for a
    year (:data:`STALE_MONTHS`) or more: a small category with no batch in the last quarter of a
    quarterly table (可可 in 2025Q4) is not named -- one quarter without a batch is ordinary -- but a
    year's table missing it in the last year, or a quarterly one missing it in the last two quarters, is.
    """
    if spans.empty:
        return {}
    headers = headers or {}
    outer = [c for c in by if _reports(c) and _reports(headers.get(c, c))
             and (looks_like_place(c) or looks_like_place(headers.get(c, c)))]
    if outer == list(by):
        outer = outer[:-1]
    latest = spans.groupby(outer, sort=False)["_last_end"].max() if outer else None
    top_all = int(spans["_last_end"].max())
    name_col = next((c for c in reversed(by) if c not in outer), by[-1])  # the names looked at for a rename
    names = spans.assign(_name=spans[name_col].astype(str)).sort_values("_first_start", kind="stable")
    firsts = names.groupby("_name", sort=False).head(1).set_index("_name")  # in order of first period
    first_names = firsts.index.tolist()
    first_starts = firsts["_first_start"].to_numpy(dtype=np.int64)
    latest_of = latest.to_dict() if latest is not None else {}
    found: dict = {}  # (name, last month) -> its likely new names: shared by the groups of every place

    def renamed_to(name: str, last_end: int) -> list:
        if (name, last_end) not in found:
            later = [c for c in first_names[int(np.searchsorted(first_starts, last_end, side="right")):] if c != name]
            found[(name, last_end)] = alike_names(name, later)
        return found[(name, last_end)]

    out = {}
    for rec in spans.to_dict("records"):
        key = tuple(rec[c] for c in by) if len(by) > 1 else rec[by[0]]
        where = tuple(rec[c] for c in outer)
        top = top_all if latest is None else int(latest_of[where if len(outer) > 1 else where[0]])
        if outer and reach:
            top = max(top, min(int((reach.get(c) or {}).get(str(rec[c]), top)) for c in outer))
        gap = top - int(rec["_last_end"])
        if gap <= 0:
            continue
        name = str(rec[name_col])
        close = renamed_to(name, int(rec["_last_end"]))
        length = int(rec["_last_end"]) - int(rec["_last_start"]) + 1
        if not (close or gap >= STALE_MONTHS or gap > length):
            continue
        out[key] = {"last": str(rec["last_period"]), "gap_months": int(gap),
                    "near": [(c, str(firsts.loc[c, "first_period"])) for c in close[:3]]}
    return out


def stale_groups(agg: pd.DataFrame, by: list[str]) -> dict:
    """:func:`suspected_stale` of the groups of ``agg`` (validated counts, one row per group and period)."""
    if agg.empty:
        return {}
    return suspected_stale(group_spans(agg, by), by, agg.attrs.get("headers"))


def _reports(name) -> bool:
    """Not a column naming a product's origin (:func:`_names_origin`)."""
    return not _names_origin(name)


def _reach(reported: dict | None, until: int | None) -> dict:
    """``{column: {place: last month index}}`` of ``reported`` (:func:`reported_places`), up to ``until``."""
    out: dict = {}
    for col, places in (reported or {}).items():
        for place, labels in (places or {}).items():
            ends = []
            for label in labels:
                try:
                    ends.append(parse_period(str(label)).end)
                except ValueError:
                    continue
            ends = [e for e in ends if until is None or e <= until]
            if ends:
                out.setdefault(col, {})[str(place)] = max(ends)
    return out


def _note_stale(out: pd.DataFrame, stale: dict, by: list[str], src: str, gone: dict | None = None,
                aged: dict | None = None, parent: str = "总体") -> None:
    """Say in ``explanation`` of each stale group (see :func:`stale_groups`) the period its data stop
    at and how its evidence was aged (``aged``: ``{group key: (years, batches before, batches after)}``,
    :func:`_aging_by_key`; ``parent``: the rate it moves toward, :func:`parent_words`), and warn
    (:class:`MstargetWarning`) naming them with "did you mean" names -- except the groups of a
    place without data to the end (``gone``: ``{by index: {place}}``, :func:`_places_gone`), which the
    missing-place warning names as a place (撤并、更名或漏报？), not as categories renamed."""
    if not stale:
        return
    aged = aged or {}
    keys = [tuple(r) if len(by) > 1 else r[0] for r in out[by].itertuples(index=False, name=None)]
    texts = out["explanation"].tolist()
    for i, k in enumerate(keys):
        if k in stale:
            texts[i] += f"；数据仅到 {stale[k]['last']}，此后各期无该组（评分只反映该期及以前）"
            if k in aged and aged[k][2] < aged[k][1] - 0.5:
                years, before, after = aged[k]
                texts[i] += (f"；距最新一期已 {years:.1f} 年，按各组不合格率逐年漂移折算，其 {before:,.0f} 批有效证据只相当于"
                             f"今天的 {after:,.0f} 批，风险随之向{parent}的不合格率靠拢")
    out["explanation"] = texts
    gone = gone or {}
    stale = {k: v for k, v in stale.items()
             if not any(str(k[i] if isinstance(k, tuple) else k) in places for i, places in gone.items())}
    if not stale:
        return
    said = []
    for k, v in list(stale.items())[:8]:
        name = " / ".join(map(str, k)) if isinstance(k, tuple) else str(k)
        near = ", ".join(f"{c} (from {p})" for c, p in v["near"])
        said.append(f"{name} (last {v['last']}" + (f"; did you mean {near}?" if near else "") + ")")
    more = f"; and {len(stale) - 8} more" if len(stale) > 8 else ""
    warnings.warn(f"{src}: {len(stale)} group(s) have no counts in the later periods, so their scores rest on "
                  f"data up to an earlier period: {'; '.join(said)}{more}. A category renamed between periods "
                  "is scored as two groups (not merged by guess): rename one spelling in the table to score it "
                  "as one（部分类别近期无数据，评分仅反映早期；如为更名，请统一名称）", MstargetWarning, stacklevel=4)


def silent_periods(agg: pd.DataFrame, rate: float | None = None) -> list[dict]:
    """Periods of ``agg`` (validated counts, one row per group and period, totals left out) with at
    least :data:`SILENT_BATCHES` batches and no failure in any group, where none is unlikely: at
    ``rate`` (0-1; default the pooled rate of the table's other periods) they would expect at least
    :data:`SILENT_EXPECTED` failures, or no other period gives a rate. Such a period more probably
    lacks its published failures (a notice listing only the qualified batches) than it is clean.

    Returns
    -------
    list of dict
        ``{"period": label, "batches": int, "groups": int, "expected": float (NaN when no rate)}``,
        in time order.
    """
    if agg.empty:
        return []
    per = agg.groupby("period", sort=False).agg(tested=("tested", "sum"), failed=("failed", "sum"),
                                                groups=("tested", "size"), _end=("_end", "max"))
    out = []
    for label, row in per.sort_values("_end").iterrows():
        if row["failed"] > 0 or row["tested"] < SILENT_BATCHES:
            continue
        if rate is None:
            others = per.drop(index=label)
            r = others["failed"].sum() / others["tested"].sum() if others["tested"].sum() > 0 else float("nan")
        else:
            r = float(rate)
        expected = float(row["tested"] * r) if r == r and r > 0 else float("nan")
        if expected == expected and expected < SILENT_EXPECTED:
            continue
        out.append({"period": str(label), "batches": int(row["tested"]), "groups": int(row["groups"]),
                    "expected": expected})
    return out


def silent_text(found: list[dict]) -> str:
    """The periods of :func:`silent_periods`, in words (Chinese): ``2024Q2（5,789 批，预期约 267 批不合格）``."""
    return "、".join(f"{f['period']}（{f['batches']:,} 批" + (f"，预期约 {f['expected']:,.0f} 批不合格"
                                                          if f["expected"] == f["expected"] else "") + "）"
                    for f in found)


def warn_silent_periods(found: list[dict], src: str, stacklevel: int = 4, tested: bool = False) -> None:
    """Warn (:class:`MstargetWarning`) naming each period of :func:`silent_periods` and its batches;
    ``tested``: the periods are an evaluation's test periods (judged against, not scored)."""
    if not found:
        return
    said = "; ".join(f"{f['period']}: {f['batches']:,} batches in {f['groups']} groups, 0 failures"
                     + (f" where about {f['expected']:,.0f} were expected" if f["expected"] == f["expected"] else "")
                     for f in found)
    effect = "judged against its zeros every score looks too high" if tested else "its zeros pull every score down"
    warnings.warn(f"{src}: {said}. A period of that many batches with no failure in any group more probably "
                  "lacks its failures (a notice of qualified batches only, or the 不合格 list not published) than "
                  f"it is clean, and {effect}. Check the source; add its failures, or leave "
                  "the period out (drop its rows, or as_of= / --as-of before it)（该期抽检批次较多但无一不合格，疑为不合格结果"
                  "未公布，请核对）", MstargetWarning, stacklevel=stacklevel)


def _refuse_as_of_without_periods(agg: pd.DataFrame, as_of_p, src: str) -> None:
    """A :class:`ParameterError` when ``as_of`` is given but the table has no period: no period column,
    no sampling-date column the reader knows and no period in its title -- every row is one period
    ``all``, which no ``as_of`` can cut, so scoring every row would silently ignore it."""
    if not len(agg) or not (agg["period"].astype(str) == "all").all():
        return
    cols = [c for c in agg.attrs.get("columns", []) if not str(c).startswith("_")]
    raise ParameterError(
        f"as_of={as_of_p.label} was given, but {src} has no period the tool recognises, so every row would be "
        f"scored whatever as_of says（表中没有可识别的期间列或日期列，无法按 --as-of {as_of_p.label} 截取）. Columns seen: "
        f"{', '.join(map(str, cols)) or '-'}. Add a period column (年度 / 期间 / 季度: 2023, 2023H1, 2023Q2, 2023-03), "
        "or name the sampling-date column (抽样日期, date, Inspection_Date ...: CLI --time COLUMN; API: add a "
        "'period' column of quarters), or leave out as_of (--as-of) to score the whole table as one period.")


def _periods_up_to(agg: pd.DataFrame, as_of_p, src: str) -> pd.DataFrame:
    """Rows whose period ends no later than ``as_of_p``; a :class:`ParameterError` if none does."""
    used = agg[agg["_end"] <= as_of_p.end]
    if used.empty:
        first = agg.iloc[0]["period"]
        raise ParameterError(f"No period in {src} ends on or before as_of={as_of_p.label}; "
                             f"the earliest period is {first}. Choose a later as_of (CLI: --as-of).")
    return used.reset_index(drop=True)


#: Variance per year of the logit of a category's failure rate between periods, used when a table has fewer
#: than :data:`MIN_DRIFT_GROUPS` groups sampled in two periods or more: estimated as :func:`drift_per_year` does
#: on the shipped national table (data/china/food_sampling_by_category.csv), the 7 categories published for
#: both 2019H2 and 2022 (logit changes -0.66 ... +0.67 over 2.75 years between the periods' midpoints).
DEFAULT_DRIFT_PER_YEAR = 0.083
#: groups with counts in two periods or more needed to estimate the drift from the table itself
MIN_DRIFT_GROUPS = 3


def drift_per_year(agg: pd.DataFrame, by: list[str]) -> dict:
    """How fast a group's failure rate drifts between periods: the variance per year of the change of its
    logit rate beyond sampling noise, estimated by moments over consecutive sampled periods of each group.

    For two periods ``i`` then ``j`` of one group (``t`` batches, ``f`` unqualified each), the change
    ``d = logit_j - logit_i`` (``logit = log((f + 0.5) / (t - f + 0.5))``) has ``E[d^2] = drift * dt +
    s_i^2 + s_j^2``, ``dt`` years between the periods' midpoints and ``s^2 = 1/(f + 0.5) + 1/(t - f + 0.5)``
    the sampling variance; so ``drift = max(0, sum(d^2 - s_i^2 - s_j^2)) / sum(dt)``. The change common to
    every group (the whole market's rate moving) is kept in it: a group without recent data missed it too.

    Parameters
    ----------
    agg : DataFrame
        Validated counts, one row per group and period (``tested``, ``failed``, month indices ``_start``,
        ``_end``), totals left out.
    by : list of str

    Returns
    -------
    dict
        ``drift`` (float, logit variance per year, >= 0), ``groups`` (int: groups giving a pair of periods),
        ``pairs`` (int) and ``source`` (``"table"``, or ``"default"``: :data:`DEFAULT_DRIFT_PER_YEAR`, when
        fewer than :data:`MIN_DRIFT_GROUPS` groups give a pair).
    """
    d = agg[agg["tested"].to_numpy(dtype=float) > 0]
    d = d.sort_values(list(by) + ["_end", "_start"], kind="stable")
    t = d["tested"].to_numpy(float)
    f = d["failed"].to_numpy(float)
    logit = np.log((f + 0.5) / (t - f + 0.5))
    var = 1.0 / (f + 0.5) + 1.0 / (t - f + 0.5)
    mid = (d["_start"].to_numpy(float) + d["_end"].to_numpy(float)) / 2.0
    key = pd.Series(list(zip(*[d[c].astype(str) for c in by])) if len(d) else [], index=d.index, dtype=object)
    same = (key.to_numpy()[1:] == key.to_numpy()[:-1]) if len(d) > 1 else np.zeros(0, bool)
    if len(d) > 1:
        dt = (mid[1:] - mid[:-1]) / 12.0
        same = same & (dt > 0)
    n_groups = int(pd.unique(key.to_numpy()[1:][same]).size) if same.any() else 0
    if n_groups < MIN_DRIFT_GROUPS:
        return {"drift": DEFAULT_DRIFT_PER_YEAR, "groups": n_groups, "pairs": int(same.sum()), "source": "default"}
    excess = (np.diff(logit) ** 2 - var[1:] - var[:-1])[same]
    drift = max(0.0, float(excess.sum()) / float(dt[same].sum()))
    return {"drift": drift, "groups": n_groups, "pairs": int(same.sum()), "source": "table"}


def aged_evidence(wf, wt, years, drift: float) -> tuple[np.ndarray, np.ndarray]:
    """A group's evidence about today's rate when its data are ``years`` old.

    Its rate then, ``p = wf / wt`` from ``wt`` (recency-weighted) batches, estimates today's logit rate with the
    sampling variance ``1 / (wt p (1 - p))`` plus the drift since, ``drift * years`` (a random walk of the
    logit, :func:`drift_per_year`). As batches' worth on the rate scale (delta method), that is
    ``1 / (1/wt + p (1 - p) drift years)`` batches: as many as before when the data are current
    (``years`` 0), never more than ``1 / (p (1 - p) drift years)`` however large the group was. ``p`` is kept
    off 0 and 1 (``(wf + 0.5) / (wt + 1)``). The rate itself is unchanged; the prior, with its weight, pulls
    it toward its parent's as the evidence shrinks.

    Parameters
    ----------
    wf, wt : array of shape (G,)
        Unqualified and tested batches (recency-weighted).
    years : array of shape (G,)
        Years from each group's last data to the latest period of its place (0: current).
    drift : float
        Logit variance per year.

    Returns
    -------
    (wf_aged, wt_aged) : arrays of shape (G,), batches
    """
    wf = np.asarray(wf, float)
    wt = np.asarray(wt, float)
    years = np.asarray(years, float)
    p = (wf + 0.5) / (wt + 1.0)
    extra = p * (1.0 - p) * max(float(drift), 0.0) * np.maximum(years, 0.0)
    has = wt > 0
    safe = np.where(has, wt, 1.0)
    wt_aged = np.where(has & (extra > 0), 1.0 / (1.0 / safe + extra), wt)
    wf_aged = np.where(has, wf * wt_aged / safe, wf)
    return wf_aged, wt_aged


def evidence_aging(agg: pd.DataFrame, g: pd.DataFrame, by: list[str], stale: dict) -> dict:
    """The evidence each group of ``g`` (:func:`_weighted_groups`) is scored with: :func:`aged_evidence` for the
    groups of ``stale`` (:func:`suspected_stale`, their ``gap_months``), as it is for the others.

    Returns ``{"wf", "wt": arrays (G,), "years": array (G,), "summary": dict}``; ``summary`` (kept in
    ``attrs["risk"]["aging"]``) holds the drift used (:func:`drift_per_year`) and, per group aged, its
    years and batches before and after."""
    wf = g["_wf"].to_numpy(float)
    wt = g["_wt"].to_numpy(float)
    keys = [tuple(r) if len(by) > 1 else r[0] for r in g[by].itertuples(index=False, name=None)]
    years = np.array([stale[k].get("gap_months", 0) / 12.0 if k in stale else 0.0 for k in keys], float)
    if not (years > 0).any():
        return {"wf": wf, "wt": wt, "years": years, "summary": {"drift": None, "groups": []}}
    est = drift_per_year(agg, by)
    wf_aged, wt_aged = aged_evidence(wf, wt, years, est["drift"])
    aged = [{"group": keys[i], "years": float(years[i]), "evidence_before": float(wt[i]),
             "evidence_after": float(wt_aged[i])} for i in np.flatnonzero(years > 0)]
    return {"wf": wf_aged, "wt": wt_aged, "years": years, "summary": {**est, "groups": aged}}


def _aging_by_key(aging: dict) -> dict:
    """``{group key: (years, batches before, batches after)}`` of the groups :func:`evidence_aging` aged."""
    return {d["group"]: (d["years"], d["evidence_before"], d["evidence_after"]) for d in aging["summary"]["groups"]}


def _weighted_groups(agg: pd.DataFrame, by: list[str], half_life: float | None) -> pd.DataFrame:
    """One row per group (sorted): ``tested``, ``failed`` (batches) and recency-weighted ``_wt``, ``_wf``."""
    ref_end = int(agg["_end"].max())
    w = decay_weights(agg["_end"].to_numpy(), ref_end, half_life)
    agg = agg.assign(_wt=agg["tested"] * w, _wf=agg["failed"] * w)
    return agg.groupby(by, sort=True, as_index=False).agg(
        tested=("tested", "sum"), failed=("failed", "sum"), _wt=("_wt", "sum"), _wf=("_wf", "sum"))


def _score_table(g: pd.DataFrame, by: list[str], post, level: float) -> pd.DataFrame:
    """The ``SCORE_COLUMNS`` per group (rows of ``g``): counts, raw rate, posterior risk, interval, rank."""
    out = g[by].copy()
    out["tested"] = g["tested"].astype("int64")
    out["failed"] = g["failed"].astype("int64")
    tested = g["tested"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = np.where(tested > 0, g["failed"].to_numpy(float) / np.where(tested > 0, tested, 1),
                               np.nan)
    risk = post.mean
    lo, hi = post.interval(level)
    lo = np.where(lo < 1e-12, 0.0, lo)
    hi = np.where(hi < 1e-12, 0.0, hi)
    out["risk"] = risk
    out["risk_lo"] = np.minimum(lo, risk)
    out["risk_hi"] = np.maximum(hi, risk)
    out["rank"] = _rank(risk, out["tested"].to_numpy())
    return out


def _rank(risk: np.ndarray, tested: np.ndarray) -> np.ndarray:
    """Rank (int64, 1 = riskiest) by risk to 12 decimals, ties by batches tested (more first), then order."""
    order = np.lexsort((np.arange(len(risk)), -tested, -np.round(risk, _RANK_DIGITS)))
    rank = np.empty(len(risk), dtype="int64")
    rank[order] = np.arange(1, len(risk) + 1)
    return rank


#: a group with fewer batches tested than this (over the periods scored) is flagged: its rank rests mainly on
#: the rate it is pooled toward (仅 2 批，排名主要依据上级类别), in its explanation and on the chart's label
FEW_BATCHES = 30


def parent_words(by: Sequence[str], hierarchical: bool) -> str:
    """What a group's prior is, in words: ``上级类别（食品大类）`` under hierarchical pooling with more than one
    level, else ``总体`` (all groups pooled toward one rate)."""
    if hierarchical and len(by) > 1:
        return f"上级类别（{ {'category': '类别', 'region': '地区'}.get(str(by[-2]), str(by[-2])) }）"
    return "总体"


def few_batches(tested) -> np.ndarray:
    """Whether each group (batches tested, shape (G,)) has too few batches for a rank of its own (bool, (G,))."""
    return np.asarray(tested, float) < FEW_BATCHES


def _explain(out: pd.DataFrame, g: pd.DataFrame, post, half_life, parent: str = "总体") -> None:
    """Add the columns that say why ``risk`` differs from ``rate`` (see the module docstring). Each group's
    explanation weighs its own recency-weighted batches against the prior's weight (batches' worth) and
    says which rate it is pulled toward (``parent``: :func:`parent_words`); a group with fewer than
    :data:`FEW_BATCHES` batches says its rank rests mainly on that rate."""
    wt = g["_wt"].to_numpy(float)
    wf = g["_wf"].to_numpy(float)
    kappa = post.prior_a + post.prior_b
    prior = np.where(kappa > 0, post.prior_a / np.where(kappa > 0, kappa, 1.0), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        recent = np.where(wt > 0, wf / np.where(wt > 0, wt, 1.0), np.nan)
    share = kappa / (kappa + wt)
    out["recent_rate"] = recent
    out["prior_rate"] = prior
    out["prior_weight"] = kappa
    out["evidence_weight"] = wt
    out["shrink_share"] = share
    rate = out["rate"].to_numpy(float)
    risk = out["risk"].to_numpy(float)
    tested = out["tested"].to_numpy(float)
    few = few_batches(tested)
    texts = []
    for i in range(len(out)):
        parts = []
        if wt[i] <= 0:
            texts.append(f"无抽检数据：风险取{parent}的先验均值 {_pct(prior[i])}")
            continue
        if half_life is not None and abs(recent[i] - rate[i]) > max(0.001, 0.05 * rate[i]):
            sign = ">" if recent[i] > rate[i] else "<"
            parts.append(f"近期加权 {_pct(recent[i])} {sign} 原始 {_pct(rate[i])}（近期各期权重更高）")
        text = _weight_text(tested[i], wt[i], kappa[i], share[i], few[i], parent)
        if few[i] and share[i] >= 0.5:
            text += f"{parent}的 {_pct(prior[i])}（向其靠拢 {share[i]:.0%}）"
        elif share[i] >= 0.01:
            text += f"向{parent}的 {_pct(prior[i])} 靠拢 {share[i]:.0%}"
        if share[i] >= 0.01 and risk[i] > rate[i] + 1e-12 and prior[i] > recent[i]:
            text += "，故高于原始"
        elif share[i] >= 0.01 and risk[i] < rate[i] - 1e-12 and prior[i] < recent[i]:
            text += "，故低于原始"
        parts.append(text)
        texts.append("；".join(parts))
    out["explanation"] = texts


def _weight_text(tested: float, wt: float, kappa: float, share: float, few: bool, parent: str) -> str:
    """The group's own batches against the prior's weight, ending in ``：`` (a shrinkage follows) or
    ``几乎不收缩``: ``本组有效 2,663 批，为先验权重 4,804 批的 0.55 倍：``; a group of few batches
    ``样本较少：仅 2 批，排名主要依据上级类别（食品大类）（有效 2 批，先验 4,804 批）：``."""
    weights = f"有效 {wt:,.0f} 批，先验 {kappa:,.0f} 批"
    if few:
        lead = f"样本较少：仅 {tested:,.0f} 批，"
        if share >= 0.5:
            return lead + f"先验权重 {kappa:,.0f} 批，排名主要依据"
        return lead + f"风险主要依据这 {tested:,.0f} 批（{weights}），区间宽，排名不稳" + ("：" if share >= 0.01 else "")
    if share < 0.01:
        return f"本组有效 {wt:,.0f} 批，远多于先验权重 {kappa:,.0f} 批：几乎不收缩"
    ratio = wt / kappa if kappa > 0 else float("inf")
    times = f"{ratio:.2f}" if ratio < 10 else f"{ratio:,.0f}"
    return f"本组有效 {wt:,.0f} 批，为先验权重 {kappa:,.0f} 批的 {times} 倍："


def _pct(x: float) -> str:
    """A probability (0-1) as a percentage with two decimals; ``-`` for NaN."""
    return "-" if x != x else f"{100 * x:.2f}%"
