"""Join a history to a plan: by (region, indicator id) or by (region, Chinese name), never silently.

A bureau's history is often keyed by 指标名称 rather than by the plan's ids, with names written
slightly differently (full-width brackets, quotes, spaces, a unit in parentheses). :func:`match`
pairs each history series with the plan rows of the same region whose id equals the series' id,
or whose normalised name (:func:`name_key`) equals the series' normalised name or id; the series is
then relabelled with the plan's id. Regions must be equal as written (after NFKC and trimming;
traditional characters compare as simplified, :mod:`mstarget.chinese_script`, so 鼎湖區 is 鼎湖区):
``鼎湖`` is *not* taken for ``鼎湖区`` -- it is reported, with the suggestion.

Everything left over is reported: plan rows without history and history series matching no plan
row, with "did you mean" suggestions (a region differing by a suffix such as 区 / 县 / 市 / 省 /
自治区, or a close name by :mod:`difflib`). :func:`match` returns them; :func:`warn_unmatched`
issues an :class:`~mstarget.exceptions.UnmatchedWarning` carrying them. A history's total row
(region ``合计``, ``总计``, ``全市合计``, ``全省``, ``全国`` ...: it adds up the regions of the table)
that no plan row asks for is no unmatched region: it is listed apart (:attr:`Match.totals`) and
named as the table's total, and ``--strict`` does not refuse it.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .chinese_script import to_simplified
from .exceptions import UnmatchedWarning
from .units import split_unit
from .validation import NAME_NUMBERING, REGION_SUFFIXES, column_cells, is_total_region, records

_QUOTES = re.compile(r"[“”\"'‘’「」『』《》〈〉<>]")
_SPACE = re.compile(r"\s+")
#: marks a table puts after a name that are not part of it: footnotes (年报率*, 年报率①, 年报率[1], 年报率（注1）)
_FOOTNOTE = re.compile(r"(\s*([*＊※①-⑳⑴-⒇¹²³⁴-⁹]|\[\d{1,2}\]|［\d{1,2}］|[(（]注\d{0,2}[)）]))+\s*$")
_NO_REGION = "the plan has no region"
PEER_NOTE = "; its series of the plan's indicators are used as peers (pooling), not assessed"
PLAN_COLUMNS = ["region", "indicator", "name", "target_year", "suggestion"]
HISTORY_COLUMNS = ["region", "indicator", "name", "n_obs", "first_year", "last_year", "suggestion"]


class AttrFrame(pd.DataFrame):
    """A DataFrame kept in another frame's ``attrs``: it compares equal to another as a whole.

    pandas compares ``attrs`` when it concatenates frames; a plain DataFrame there would make
    ``pd.concat([result_a, result_b])`` raise ("truth value of a DataFrame is ambiguous").
    """

    def __eq__(self, other):  # whole-table equality, only for attrs bookkeeping
        return isinstance(other, pd.DataFrame) and self.equals(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = None

    def __deepcopy__(self, memo=None):
        return AttrFrame(pd.DataFrame(self).copy(deep=True))


def name_key(text) -> str:
    """A name as compared when matching: NFKC (full-width -> ASCII), simplified characters, no
    spaces, no quotes or book brackets, no trailing unit in parentheses, no footnote marks or row
    numbering (``年报率*``, ``年报率①``, ``1. 年报率``), lower case.

    >>> name_key("“明厨亮灶”覆盖率（%）") == name_key("明厨亮灶覆盖率")
    True
    >>> name_key("（一）年报率*") == name_key("年报率")
    True
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    t = NAME_NUMBERING.sub("", _FOOTNOTE.sub("", str(text)), count=1)
    t = to_simplified(unicodedata.normalize("NFKC", t))
    t, _ = split_unit(t)
    t = _QUOTES.sub("", t)
    t = _SPACE.sub("", t).strip("：:;；,，。.、")
    return t.lower()


_PARENS = re.compile(r"\([^()]*\)")


#: wordings that name the same indicator: the region it is counted over (全区每千人拥有企业户), the
#: period's end (期末市场主体总量), 人口 in a per-capita ratio (每万人口), a count's last word (总量, 数)
_LOOSE = ((re.compile(r"^(全|本|我)(区|市|县|省|镇|乡)"), ""), (re.compile(r"^(期末|年末|年底)"), ""),
          (re.compile(r"(每[十百千万]+人)口"), r"\1"), (re.compile(r"(总量|总数|数量|个数|数)$"), ""))


def loose_key(text) -> str:
    """:func:`name_key` without any parenthesised note (``利润率(利润总额/主营业务收入,派生)`` ->
    ``利润率``) and read past wordings that name the same indicator (``全区每千人拥有企业户`` /
    ``每千人拥有企业户数``, ``每万人口…`` / ``每万人…``, ``期末市场主体总量`` / ``市场主体总量``): used only
    when it singles out one plan row and one series, and the assessment's note says so."""
    key = name_key(_PARENS.sub("", unicodedata.normalize("NFKC", str(text or ""))))
    for pattern, repl in _LOOSE:
        key = pattern.sub(repl, key)
    return key


def region_key(text) -> str:
    """A region as compared: NFKC, no spaces, traditional characters read as simplified (鼎湖區 is
    鼎湖区); nothing else is guessed (鼎湖 is not 鼎湖区)."""
    return _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", str(text or "")))).strip()


@dataclass
class Match:
    """Result of :func:`match`.

    Attributes
    ----------
    history : DataFrame
        The history with every matched series relabelled to the plan's ``indicator`` id (a blank
        ``unit`` takes the plan's); series matching no plan row are kept as they were.
    unmatched_plan : DataFrame
        Plan rows without any history: ``region, indicator, name, target_year, suggestion``.
    unmatched_history : DataFrame
        History series matching no plan row: ``region, indicator, name, n_obs, first_year,
        last_year, suggestion`` (e.g. ``did you mean region 鼎湖区?``).
    totals : DataFrame
        The history's total rows (region 合计 / 全市 ..., :func:`is_total_region`) that no plan row
        asks for, with the columns of ``unmatched_history``: not used, and not counted as unmatched.
    peers : DataFrame
        Observations of unmatched series in regions the plan does not assess, of an indicator it
        does (same id or 指标名称 as a plan row of another region), relabelled to the plan's id: the
        other districts of a city's table, which ``assess`` pools with as peers (``reference``).
    pairs : dict
        ``(region, plan indicator) -> history indicator`` (as the history wrote it) of every
        matched series.
    near : dict
        ``(region, plan indicator) -> the history series' name`` of the series matched by a looser
        reading of the names (:func:`loose_key`), which the assessment's note names.
    """

    history: pd.DataFrame
    unmatched_plan: pd.DataFrame
    unmatched_history: pd.DataFrame
    pairs: dict = field(default_factory=dict)
    totals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame([], columns=HISTORY_COLUMNS))
    peers: pd.DataFrame = field(default_factory=pd.DataFrame)
    near: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every plan row has history and every history series a plan row."""
        return self.unmatched_plan.empty and self.unmatched_history.empty

    def message(self, limit: int = 10) -> str:
        """A readable account of what did not match (Chinese first), at most ``limit`` lines each."""
        lines = []
        if not self.unmatched_history.empty:
            h = self.unmatched_history
            n = len(h)
            lines.append(f"未匹配: {n} 个历史序列在规划表中找不到对应指标 ({n} history series match no plan "
                         "row; not assessed):")
            elsewhere = h["suggestion"].str.startswith(_NO_REGION)
            near = h[~elsewhere]
            lines += [f"  {_series_text(r)}" for r in near.head(limit).itertuples()]
            if len(near) > limit:
                lines.append(f"  ... and {len(near) - limit} more")
            groups = list(h[elsewhere].groupby("region", sort=False))
            for region, g in groups[:limit]:  # whole regions the plan does not have: one line each
                names = ", ".join(map(str, g["name"].head(3))) + (" ..." if len(g) > 3 else "")
                n_peers = int(g["suggestion"].str.endswith(PEER_NOTE).sum())
                said = g["suggestion"].iloc[0].removesuffix(PEER_NOTE)
                used = (f"; {'all' if n_peers == len(g) else n_peers} used as peers (pooling), not assessed"
                        "（用作同指标其他地区的参照，不单独评估）") if n_peers else ""
                lines.append(f"  {region}: {len(g)} series ({names}); {said}{used}")
            if len(groups) > limit:
                lines.append(f"  ... and {len(groups) - limit} more regions the plan does not have")
        for region, g in list(self.totals.groupby("region", sort=False))[:limit]:
            names = ", ".join(map(str, g["name"].head(3))) + (" ..." if len(g) > 3 else "")
            lines.append(f"合计行: {region} ({len(g)} series: {names}) is the table's total over its regions, not "
                         "a region; not used (合计行不参与评估). Name it as the plan names that region to assess it.")
        if not self.unmatched_plan.empty:
            n = len(self.unmatched_plan)
            lines.append(f"未匹配: {n} 个规划指标没有历史数据 ({n} plan rows have no history; assessed "
                         "from the plan table's own figures alone -- its baseline and any 2022年完成值 "
                         "columns -- or no_data):")
            lines += [f"  {_plan_text(r)}" for r in self.unmatched_plan.head(limit).itertuples()]
            if n > limit:
                lines.append(f"  ... and {n - limit} more")
        return "\n".join(lines)


def _label(region, indicator, name) -> str:
    label = f"{region}/{indicator}"
    if name and name_key(name) != name_key(indicator):
        label += f" ({name})"
    return label


def _series_text(r) -> str:
    years = f"{r.first_year}-{r.last_year}" if r.first_year != r.last_year else f"{r.first_year}"
    text = f"{_label(r.region, r.indicator, r.name)}: {r.n_obs} obs, {years}"
    return f"{text}; {r.suggestion}" if r.suggestion else text


def _plan_text(r) -> str:
    text = f"{_label(r.region, r.indicator, r.name)}, target {r.target_year}"
    return f"{text}; {r.suggestion}" if r.suggestion else text


def match(plan: pd.DataFrame, history: pd.DataFrame) -> Match:
    """Pair the series of ``history`` with the rows of ``plan`` (both as read by their readers).

    A series matches a plan row of the same region when the ids are equal, else when the
    normalised names (:func:`name_key` of the series' ``name`` or id, and of the plan row's
    ``name`` or id) are equal. An id match wins over a name match; a plan id already taken by
    an id match is not given a second series by name. Regions are never guessed. Last, names
    equal once every parenthesised note is dropped (:func:`loose_key`) match when that pairs
    exactly one plan id with exactly one series.
    """
    history = _plan_spelling_of_regions(history, plan)
    series = _series_table(history)
    plan_keys = _plan_keys(plan)
    by_id = {(r, i): i for r, i in zip(column_cells(plan["region"]), column_cells(plan["indicator"]))}
    target_of: dict[int, str] = {}
    for k, s in enumerate(records(series)):
        if (s.region, s.indicator) in by_id:
            target_of[k] = s.indicator
    regions, ids = series["region"].to_numpy(), series["indicator"].to_numpy()  # (not .at per row)
    taken = {(regions[k], ind) for k, ind in target_of.items()}
    for k, s in enumerate(records(series)):
        if k in target_of:
            continue
        for key in (name_key(s.name), name_key(s.indicator)):
            ind = plan_keys.get((s.region, key))
            if ind is not None and (s.region, ind) not in taken:
                target_of[k] = ind
                taken.add((s.region, ind))
                break
    exact = set(target_of)
    _loose_matches(series, plan, target_of, taken)
    names = series["name"].to_numpy() if "name" in series.columns else ids
    near = {(regions[k], ind): str(names[k] if isinstance(names[k], str) and names[k] else ids[k])
            for k, ind in target_of.items() if k not in exact}
    relabelled = _relabel(history, series, target_of, plan)
    matched_plan = {(regions[k], ind) for k, ind in target_of.items()}
    free = series.drop(index=list(target_of))
    # a total adds up the table's other regions; a plan assessing 全国 or 全市 itself makes it a region
    plan_regions = set(column_cells(plan["region"]))
    total = np.array([r not in plan_regions and is_total_region(r) for r in free["region"]], dtype=bool)
    if not any(not is_total_region(r) for r in series["region"].unique()):
        total[:] = False  # a national table alone (全国): no regions to add up
    totals = free[total].assign(suggestion="the table's total (合计)")[HISTORY_COLUMNS].reset_index(drop=True)
    free = free[~total]
    peer_of = _peer_indicators(free, plan_keys, plan_regions)
    unmatched_history = _suggest_for_series(free, plan, plan_keys, peer_of)
    lonely = plan[[(r, i) not in matched_plan
                 for r, i in zip(column_cells(plan["region"]), column_cells(plan["indicator"]))]]
    unmatched_plan = _suggest_for_plan(lonely, free)
    pairs = {(regions[k], ind): ids[k] for k, ind in target_of.items()}
    return Match(relabelled, AttrFrame(unmatched_plan), AttrFrame(unmatched_history), pairs, AttrFrame(totals),
                 AttrFrame(_peer_rows(history, peer_of)), near)


def reference_for_plan(reference: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """A peer panel (as read by ``read_history``) keyed as the plan keys its indicators: a series
    whose id or 指标名称 is a plan indicator's (in any region) takes the plan's id, so a panel keyed
    by name pools with the plan's series; the regions the plan assesses are left out (a series is
    no peer of itself)."""
    series = _series_table(reference)
    regions = set(column_cells(plan["region"]))
    peer_of = _peer_indicators(series, _plan_keys(plan), regions)
    kept = _peer_rows(reference, peer_of)
    return kept if len(kept) else reference[~reference["region"].isin(regions)]


def _peer_indicators(free: pd.DataFrame, plan_keys: dict, plan_regions: set) -> dict:
    """``(region, history id) -> plan id`` of unmatched series in regions the plan does not assess
    whose id or name is a plan indicator's (in any region)."""
    by_key: dict = {}
    for (_, key), ind in plan_keys.items():
        by_key.setdefault(key, ind)
    out = {}
    for s in free.itertuples(index=False):
        if s.region in plan_regions:
            continue  # a series the plan's own region lacks a row for: not a peer of itself
        ind = next((by_key[k] for k in (name_key(s.name), name_key(s.indicator)) if k in by_key), None)
        if ind is not None:
            out[(s.region, s.indicator)] = ind
    return out


def _peer_rows(history: pd.DataFrame, peer_of: dict) -> pd.DataFrame:
    if not peer_of:
        return pd.DataFrame(columns=["region", "indicator", "year", "value"])
    keys = pd.MultiIndex.from_arrays([history["region"], history["indicator"]])
    rows = history[keys.isin(list(peer_of))].copy()
    rows["indicator"] = [peer_of[(r, i)] for r, i in zip(rows["region"], rows["indicator"])]
    return rows.reset_index(drop=True)


def _plan_spelling_of_regions(history: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """The history with a region written in the other script (鼎湖區 for the plan's 鼎湖区) taken as the
    plan writes it, when its :func:`region_key` names one plan region and no indicator is then kept
    under two spellings of that region (those stay apart and are reported unmatched)."""
    plan_regions = set(column_cells(plan["region"]))
    by_key: dict = {}
    for r in plan_regions:
        by_key.setdefault(region_key(r), []).append(r)
    spellings: dict = {}
    for r in pd.unique(history["region"]):
        key = region_key(r)
        if len(by_key.get(key, ())) == 1:
            spellings.setdefault(key, []).append(r)
    spelling = {}
    for key, written in spellings.items():
        target = by_key[key][0]
        if written == [target]:
            continue
        if len(written) > 1:  # 鼎湖區 and 鼎湖区 both in the history: only if their indicators differ
            ids = history.loc[history["region"].isin(written), ["region", "indicator"]].drop_duplicates()
            if ids["indicator"].duplicated().any():
                continue
        spelling.update({r: target for r in written if r != target})
    if not spelling:
        return history
    out = history.copy()
    out["region"] = out["region"].map(lambda r: spelling.get(r, r))
    return out


def _loose_matches(series: pd.DataFrame, plan: pd.DataFrame, target_of: dict, taken: set) -> None:
    names = plan["name"] if "name" in plan.columns else plan["indicator"]
    plan_ids: dict = {}
    for r, i, n in zip(column_cells(plan["region"]), column_cells(plan["indicator"]), column_cells(names)):
        if (r, i) not in taken:
            for key in {loose_key(n), loose_key(i)} - {""}:
                plan_ids.setdefault((r, key), set()).add(i)
    if not plan_ids:
        return
    free: dict = {}
    for k, s in enumerate(records(series)):
        if k not in target_of:
            for key in {loose_key(s.name), loose_key(s.indicator)} - {""}:
                free.setdefault((s.region, key), set()).add(k)
    for (region, key), ids in plan_ids.items():
        ks = free.get((region, key), set())
        if len(ids) == 1 and len(ks) == 1:
            (ind,), (k,) = ids, ks
            if k not in target_of and (region, ind) not in taken:
                target_of[k] = ind
                taken.add((region, ind))


def warn_unmatched(m: Match, *, stacklevel: int = 3) -> None:
    """Issue an :class:`~mstarget.exceptions.UnmatchedWarning` when anything did not match."""
    if not m.complete:
        warnings.warn(UnmatchedWarning(m.message(), plan_rows=m.unmatched_plan,
                                       history_series=m.unmatched_history), stacklevel=stacklevel)


def _series_table(history: pd.DataFrame) -> pd.DataFrame:
    cols = ["region", "indicator"] + (["name"] if "name" in history.columns else [])
    g = history.groupby(["region", "indicator"], sort=False)
    out = g["year"].agg(n_obs="size", first_year="min", last_year="max").reset_index()
    if "name" in history.columns:
        out["name"] = g["name"].first().to_numpy()
    else:
        out["name"] = out["indicator"]
    return out[cols + (["name"] if "name" not in cols else []) + ["n_obs", "first_year", "last_year"]]


def _plan_keys(plan: pd.DataFrame) -> dict:
    """(region, normalised name or id) -> plan id (the first plan row giving it)."""
    keys: dict = {}
    names = plan["name"] if "name" in plan.columns else plan["indicator"]
    known: dict = {}  # each distinct name normalised once (plans repeat names across regions)

    def norm(text):
        try:
            return known[text]
        except (KeyError, TypeError):
            out = name_key(text)
        try:
            known[text] = out
        except TypeError:
            pass
        return out

    for r, i, n in zip(column_cells(plan["region"]), column_cells(plan["indicator"]), column_cells(names)):
        for key in (norm(n), norm(i)):
            if key:
                keys.setdefault((r, key), i)
    return keys


def _relabel(history: pd.DataFrame, series: pd.DataFrame, target_of: dict, plan: pd.DataFrame):
    regions, ids = series["region"].to_numpy(), series["indicator"].to_numpy()
    moved = {(regions[k], ids[k]): ind for k, ind in target_of.items() if ids[k] != ind}
    out = history.copy()
    if moved:
        keys = list(zip(column_cells(out["region"]), column_cells(out["indicator"])))
        out["indicator"] = [moved.get(k, k[1]) for k in keys]
    if "unit" in out.columns:
        blank = out["unit"].isna() | (out["unit"].astype(str) == "")
        if blank.any():
            units = plan["unit"] if "unit" in plan.columns else [""] * len(plan)
            unit_of = {(r, i): u for r, i, u in zip(column_cells(plan["region"]),
                                                    column_cells(plan["indicator"]), units)}
            keys = zip(column_cells(out.loc[blank, "region"]), column_cells(out.loc[blank, "indicator"]))
            fill = [unit_of.get(k, "") for k in keys]
            out.loc[blank, "unit"] = fill
    if moved:
        out = out.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)
    return out


def region_suggestion(region: str, candidates) -> str | None:
    """A plan region that ``region`` probably means: equal but for an administrative suffix
    (鼎湖 -> 鼎湖区), else the closest by :func:`difflib.get_close_matches` (cutoff 0.6)."""
    r = region_key(region)
    cands = [c for c in dict.fromkeys(candidates) if c != region]
    for c in cands:
        ck = region_key(c)
        for suf in REGION_SUFFIXES:
            if ck == r + suf or r == ck + suf:
                return c
    close = difflib.get_close_matches(r, [region_key(c) for c in cands], n=1, cutoff=0.6)
    if close:
        return next(c for c in cands if region_key(c) == close[0])
    return None


def _suggest_for_series(free: pd.DataFrame, plan: pd.DataFrame, plan_keys: dict, peer_of: dict) -> pd.DataFrame:
    if free.empty:  # everything matched: nothing to suggest
        return pd.DataFrame([], columns=HISTORY_COLUMNS)
    regions = list(dict.fromkeys(plan["region"]))
    names_by_region: dict = {}
    for r, i, n in zip(plan["region"], plan["indicator"],
                       plan["name"] if "name" in plan.columns else plan["indicator"]):
        names_by_region.setdefault(r, {})[name_key(n) or name_key(i)] = (i, n)
    out = []
    for s in free.itertuples(index=False):
        keys = {name_key(s.name), name_key(s.indicator)}
        hint = ""
        other = region_suggestion(s.region, regions)
        if other is not None and any((other, k) in plan_keys for k in keys):
            hint = f"did you mean region {other}? (是否应为 {other}; regions are not matched by guess)"
        elif s.region in names_by_region:
            pool = names_by_region[s.region]
            close = difflib.get_close_matches(name_key(s.name) or name_key(s.indicator), list(pool),
                                              n=1, cutoff=0.6)
            if close:
                ind, nm = pool[close[0]]
                hint = f"did you mean {nm}" + (f" ({ind})" if ind != nm else "") + "?"
        elif regions:
            hint = f"{_NO_REGION} {s.region} (plan regions: {', '.join(map(str, regions[:5]))})"
            if (s.region, s.indicator) in peer_of:
                hint += PEER_NOTE
        out.append({**s._asdict(), "suggestion": hint})
    return pd.DataFrame(out, columns=HISTORY_COLUMNS)


def _suggest_for_plan(lonely: pd.DataFrame, free: pd.DataFrame) -> pd.DataFrame:
    if lonely.empty:  # every plan row matched: nothing to suggest
        return pd.DataFrame([], columns=PLAN_COLUMNS)
    free_regions = list(dict.fromkeys(free["region"]))
    pool: dict = {}
    for r, i, n in zip(free["region"], free["indicator"], free["name"]):
        pool.setdefault(r, {})[name_key(n) or name_key(i)] = (r, i, n)
    out = []
    names = lonely["name"] if "name" in lonely.columns else lonely["indicator"]
    for r, i, n, ty in zip(lonely["region"], lonely["indicator"], names, lonely["target_year"]):
        hint = ""
        key = name_key(n) or name_key(i)
        other = region_suggestion(r, free_regions)
        if other is not None and (key in pool.get(other, {}) or name_key(i) in pool.get(other, {})):
            hint = f"the history has it under region {other}: fix the region (是否应为 {r})"
        elif r in pool:
            close = difflib.get_close_matches(key, list(pool[r]), n=1, cutoff=0.6)
            if close:
                _, hi, hn = pool[r][close[0]]
                hint = f"closest unmatched history series: {hn}" + (f" ({hi})" if hi != hn else "")
        out.append({"region": r, "indicator": i, "name": n, "target_year": int(ty), "suggestion": hint})
    return pd.DataFrame(out, columns=PLAN_COLUMNS)
