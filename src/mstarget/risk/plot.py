"""Charts of risk scores and sampling plans.

``plot_risk``: ranked risks with their intervals (horizontal error bars) and the raw rates.
``plot_allocation``: per group, the batches of a plan against the volume-proportional plan, and
the unqualified batches each is expected to find. Labels are Chinese first (the data are).

Uses matplotlib's object API with the Agg canvas (no pyplot, no display needed). Chinese group
names are drawn with a CJK font if one is installed (WenQuanYi, Noto Sans CJK, Source Han, SimHei,
Microsoft YaHei...); otherwise the default font is used silently. This module imports from
``score`` / ``allocate``, never the reverse.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np
import pandas as pd

from ..plotting import quiet_glyphs, save_figure, use_cjk_font  # noqa: F401  (re-exported)
from .allocate import FOUND_LINEAR, found_label, infer_by, volume_plan_name
from .score import few_batches

#: names of mstarget.plotting this module re-exports (``from mstarget.risk.plot import save_figure``)
_REEXPORTED = (quiet_glyphs, save_figure)


def _figure(height: float, width: float = 8.0):
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # lazy: heavy (matplotlib)
    from matplotlib.figure import Figure  # lazy: heavy (matplotlib)

    use_cjk_font()
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _labels(d: pd.DataFrame, by: Sequence[str]) -> list[str]:
    return [" / ".join(str(v) for v in r) for r in d[list(by)].itertuples(index=False, name=None)]


def _risk_labels(d: pd.DataFrame, by: Sequence[str]) -> list[str]:
    """Each group's label on the risk chart; ``（仅2批）`` after a group of too few batches for a rank of its
    own (:func:`mstarget.risk.score.few_batches`), as its explanation says."""
    labels = _labels(d, by)
    if "tested" not in d:
        return labels
    tested = pd.to_numeric(d["tested"], errors="coerce").to_numpy(float)
    return [f"{x}（仅{t:,.0f}批）" if few else x for x, t, few in zip(labels, tested, few_batches(tested))]


def plot_risk(scores: pd.DataFrame, by: Sequence[str] | None = None, *, top: int = 40,
              title: str | None = None, region: str | None = None):
    """Ranked risks (percent of batches) with their intervals, riskiest at the top.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`mstarget.risk.score`.
    by : list of str, optional
        Group columns used for the labels (default: those recorded by ``score``).
    top : int, default 40
        Show at most this many groups (the riskiest).
    title : str, optional
        Default: :func:`risk_title` (grouping, region, periods scored, as of).
    region : str, optional
        The region the scores describe, named in the default title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    by = list(by) if by is not None else infer_by(scores)
    d = scores.sort_values("rank" if "rank" in scores.columns else "risk",
                           ascending="rank" in scores.columns).head(top)
    risk = d["risk"].to_numpy(float) * 100
    lo = d["risk_lo"].to_numpy(float) * 100 if "risk_lo" in d else risk
    hi = d["risk_hi"].to_numpy(float) * 100 if "risk_hi" in d else risk
    fig = _figure(max(3.0, 0.32 * len(d) + 1.8), width=9.0)
    ax = fig.add_subplot()
    ypos = np.arange(len(d))[::-1]
    ax.errorbar(risk, ypos, xerr=[np.maximum(risk - lo, 0), np.maximum(hi - risk, 0)], fmt="o",
                color="#b2182b", ecolor="#999999", capsize=3, label="风险（区间）")
    if "rate" in d:
        ax.scatter(d["rate"].to_numpy(float) * 100, ypos, marker="x", color="#2166ac",
                   label="原始不合格率", zorder=3)
    ax.set_yticks(ypos)
    ax.set_yticklabels(_risk_labels(d, by))
    meta = scores.attrs.get("risk", {}) if hasattr(scores, "attrs") else {}
    lvl = meta.get("level")
    ax.set_xlabel("单批次不合格概率（%）failure probability of a batch"
                  + (f"\n{lvl:.0%} 区间：所用各期的基础不合格率 (underlying rate of the periods scored,\n"
                     "not a forecast of next period's observed rate)" if lvl else ""), fontsize="small")
    ax.legend(loc="lower right", fontsize="small")
    text = (title or risk_title(scores, by, region)) + _cut_words(len(d), len(scores), "风险最高")
    ax.set_title(text, fontsize="medium")
    fig.get_layout_engine().execute(fig)  # the axes as laid out: its title is centred over it, and fits it
    ax.set_title(fit_width(fig, text, "medium", width=ax.get_window_extent(fig.canvas.get_renderer()).width),
                 fontsize="medium")
    ax.grid(axis="x", alpha=0.3)
    return fig


def risk_title(scores: pd.DataFrame, by: Sequence[str], region: str | None = None) -> str:
    """``抽检不合格风险排序：广东省，按 食品大类，2019H1–2022（截至 2022）``: what, where and when."""
    meta = scores.attrs.get("risk", {}) if hasattr(scores, "attrs") else {}
    periods = [p for p in (meta.get("periods") or []) if p != "all"]
    parts = ([region] if region else []) + ["按" + " / ".join({"category": "类别"}.get(str(c), str(c)) for c in by)]
    if meta.get("where"):  # only some rows of the table were scored (CLI --where)
        parts.append("筛选 " + "；".join(map(str, meta["where"])))
    if periods:
        parts.append(periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}")
    elif meta.get("periods") == ["all"]:
        parts.append("表中未注明期间")
    text = "抽检不合格风险排序：" + "，".join(parts)
    as_of = meta.get("as_of")
    return text + (f"（截至 {as_of}）" if as_of and (not periods or as_of != periods[-1]) else "")


def plot_allocation(plan: pd.DataFrame, by: Sequence[str] | None = None, *, top: int = 40,
                    title: str | None = None):
    """A sampling plan per group: batches (left) and expected unqualified batches found (right).

    Bars are this plan; markers the volume-proportional plan for comparison. Groups are sorted by
    this plan's batches, largest first; the title carries the totals of both plans.

    Parameters
    ----------
    plan : DataFrame
        Output of :func:`mstarget.risk.allocate` (needs ``batches`` and ``expected_failures``;
        ``batches_volume`` and ``expected_failures_volume`` are drawn when present).
    by : list of str, optional
        Group columns (default: those recorded by ``allocate``).
    top : int, default 40
        Show at most this many groups (the largest allocations).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    meta = plan.attrs.get("allocation", {}) if hasattr(plan, "attrs") else {}
    by = list(by) if by is not None else list(meta.get("by") or infer_by(plan))
    d = plan.sort_values("batches", ascending=False, kind="stable").head(top)
    ypos = np.arange(len(d))[::-1]
    fig = _figure(max(2.8, 0.32 * len(d) + 1.6), width=10.0)
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    found, found_volume, found_name = plan_found(d, meta)
    ax1.barh(ypos, d["batches"].to_numpy(float), color="#4393c3", label="本方案 this plan")
    ax2.barh(ypos, found, color="#d6604d", label="本方案 this plan")
    label = f"{volume_plan_name(meta.get('proportional_to'))} volume plan"
    if "batches_volume" in d:
        ax1.scatter(d["batches_volume"].to_numpy(float), ypos, marker="|", s=120, color="black",
                    label=label, zorder=3)
    if found_volume is not None:
        ax2.scatter(found_volume, ypos, marker="|", s=120, color="black", label=label, zorder=3)
    ax1.set_yticks(ypos)
    ax1.set_yticklabels(_labels(d, by))
    ax1.set_xlabel("抽检批次 batches")
    ax2.set_xlabel(f"{found_name}（批）\nexpected unqualified batches found")
    for ax in (ax1, ax2):
        ax.grid(axis="x", alpha=0.3)
        ax.legend(loc="lower right", fontsize="small")
    if title is None:
        title = "抽检批次分配 Sampling plan"
        if meta:
            title += "：" + plan_found_text(meta)
    fig.suptitle(fit_width(fig, title + _cut_words(len(d), len(plan), "批次最多"), "medium"), fontsize="medium")
    return fig


def _linear(meta) -> bool:
    """Whether a plan's finds are shown as risk x batches (:data:`FOUND_LINEAR`): the lots on the market
    were not given (with them, ``expected_failures`` caps each group at its lots and is shown), and a plan
    counting diminishing returns carries its risk x batches totals (a table from an older allocate does not)."""
    return meta.get("lots") is None and (not meta.get("diminishing") or meta.get("expected_failures_linear") is not None)


def plan_found(d: pd.DataFrame, meta) -> tuple[np.ndarray, np.ndarray | None, str]:
    """The expected finds a plan's chart draws per group, shape (G,) each: this plan's, the volume plan's
    (``None`` without its batches) and their label -- risk x batches (:data:`FOUND_LINEAR`, the figure
    the title and the printout's headline quote) unless the lots were given."""
    if _linear(meta) and "risk" in d and "batches" in d:
        p = d["risk"].to_numpy(float)
        vol = p * d["batches_volume"].to_numpy(float) if "batches_volume" in d else None
        return p * d["batches"].to_numpy(float), vol, FOUND_LINEAR
    vol = d["expected_failures_volume"].to_numpy(float) if "expected_failures_volume" in d else None
    return d["expected_failures"].to_numpy(float), vol, found_label(meta)


def plan_found_text(meta) -> str:
    """``预算 8,000 批，预计发现（按风险×批次） 283（按抽检量比例 217，平均分配 172）``: a plan's budget and
    expected finds under the label the chart's right panel carries (``attrs["allocation"]`` of allocate)."""
    k = "_linear" if _linear(meta) and meta.get("expected_failures_linear") is not None else ""
    name = FOUND_LINEAR if _linear(meta) else found_label(meta)
    return (f"预算 {meta.get('budget', 0):,} 批，{name} {meta.get('expected_failures' + k, 0):,.0f}"
            f"（{volume_plan_name(meta.get('proportional_to'))} {meta.get('expected_failures_volume' + k, 0):,.0f}，"
            f"平均分配 {meta.get('expected_failures_even' + k, 0):,.0f}）")


#: characters after which a long title line is best broken (a clause of the 依据 line, a list item)
_BREAK_AFTER = "；，、。：:;, ）)"


def fit_width(fig, text: str, fontsize="medium", share: float = 0.96, width: float | None = None) -> str:
    """``text`` with each of its lines broken (at ``；``, ``，``, a space ... else between characters) so that
    it fits ``share`` of the figure's width as drawn (or of ``width``, in pixels: an axes' title): a title or
    依据 line longer than the figure is not cut at both edges. Only line breaks are added (the text without
    them is the text given)."""
    from matplotlib.text import Text  # lazy: heavy (matplotlib)

    renderer = fig.canvas.get_renderer()
    limit = share * (fig.get_figwidth() * fig.dpi if width is None else width)
    probe = Text(0, 0, "", fontsize=fontsize, figure=fig)

    def width(s: str) -> float:
        probe.set_text(s)
        return probe.get_window_extent(renderer).width

    out = []
    for line in text.split("\n"):
        if width(line) <= limit:
            out.append(line)
            continue
        pieces = [p for p in re.split(f"(?<=[{re.escape(_BREAK_AFTER)}])", line) if p]
        cur = ""
        for piece in pieces:
            if width(cur + piece) <= limit:
                cur += piece
                continue
            if cur:
                out.append(cur)
                cur = ""
            for ch in piece:  # a clause longer than the figure: between characters
                if cur and width(cur + ch) > limit:
                    out.append(cur)
                    cur = ""
                cur += ch
        out.append(cur)
    return "\n".join(out)


def _cut_words(shown: int, total: int, which: str) -> str:
    """``\n显示风险最高的40组（共78组）`` under a chart that leaves groups out, else ``""``."""
    return f"\n显示{which}的{shown}组（共{total}组；全部见输出表）" if shown < total else ""
