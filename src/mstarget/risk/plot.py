"""Charts of risk scores: ranked risks with their intervals (horizontal error bars).

Uses matplotlib's object API with the Agg canvas (no pyplot, no display needed). Chinese group
names are drawn with a CJK font if one is installed (WenQuanYi, Noto Sans CJK, Source Han, SimHei,
Microsoft YaHei...); otherwise the default font is used silently.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..plotting import quiet_glyphs, save_figure, use_cjk_font  # noqa: F401  (save_figure re-exported)


def plot_risk(scores: pd.DataFrame, by: Sequence[str] | None = None, *, top: int = 40,
              title: str | None = None):
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

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from .allocate import infer_by

    by = list(by) if by is not None else infer_by(scores)
    d = scores.sort_values("rank" if "rank" in scores.columns else "risk",
                           ascending="rank" in scores.columns).head(top)
    labels = [" / ".join(str(v) for v in r) for r in d[by].itertuples(index=False, name=None)]
    risk = d["risk"].to_numpy(float) * 100
    lo = d["risk_lo"].to_numpy(float) * 100 if "risk_lo" in d else risk
    hi = d["risk_hi"].to_numpy(float) * 100 if "risk_hi" in d else risk
    use_cjk_font()
    fig = Figure(figsize=(8, max(2.5, 0.32 * len(d) + 1.2)), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ypos = np.arange(len(d))[::-1]
    ax.errorbar(risk, ypos, xerr=[np.maximum(risk - lo, 0), np.maximum(hi - risk, 0)], fmt="o",
                color="#b2182b", ecolor="#999999", capsize=3, label="risk (interval)")
    if "rate" in d:
        ax.scatter(d["rate"].to_numpy(float) * 100, ypos, marker="x", color="#2166ac",
                   label="raw rate", zorder=3)
    ax.set_yticks(ypos)
    ax.set_yticklabels(labels)
    meta = scores.attrs.get("risk", {}) if hasattr(scores, "attrs") else {}
    lvl = meta.get("level")
    ax.set_xlabel("failure probability of a batch next period (%)"
                  + (f", {lvl:.0%} interval" if lvl else ""))
    ax.set_title(title or "Sampling-failure risk by " + " / ".join(by))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    return fig
