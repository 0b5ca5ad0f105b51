"""Charts: fan charts of forecast vs target (one panel per plan row).

Uses matplotlib's Agg backend (no screen needed). Chinese names are drawn with a CJK font when
one is installed (WenQuanYi Micro Hei, Noto Sans CJK, SimHei...); without one, panels fall back
to the indicator id so no box glyphs appear.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from .plotting import cjk_font, pyplot, save_figure  # noqa: F401  (save_figure re-exported)

STATUS_COLOURS = {"met": "#1a9850", "on_track": "#91cf60", "at_risk": "#fc8d59",
                  "off_track": "#d73027", "no_data": "#999999"}


def _label(name: str | None, indicator: str, has_cjk: bool) -> str:
    if name and (has_cjk or name.isascii()):
        return name
    return indicator


def fan_chart(assessments: Sequence, *, title: str | None = None, ncols: int = 3):
    """Fan charts of history, forecast (median, 50 % / 80 % / 95 % bands) and target.

    Parameters
    ----------
    assessments : sequence of :class:`mstarget.assess.TargetAssessment`
        From :func:`mstarget.assess.assess_detailed`; rows without data are drawn as empty
        panels saying so.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.ticker import MaxNLocator

    plt = pyplot()
    font = cjk_font()
    n = max(len(assessments), 1)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.1 * nrows), squeeze=False)
    for ax, a in zip(axes.flat, assessments):
        row, sf = a.row, a.series
        ax.set_title(_label(row.get("name"), row["indicator"], font is not None), fontsize=9)
        colour = STATUS_COLOURS.get(row["status"], "#333333")
        if sf is None:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
            continue
        ax.plot(sf.years, sf.values, "o-", color="#333333", ms=3, lw=1.2, label="observed")
        if sf.paths.shape[1]:
            x = np.concatenate([[sf.last_year], sf.future_years])
            for lo, hi, alpha in ((2.5, 97.5, 0.15), (10, 90, 0.25), (25, 75, 0.35)):
                q = np.percentile(sf.paths, [lo, hi], axis=0)
                ax.fill_between(x, np.r_[sf.last_value, q[0]], np.r_[sf.last_value, q[1]],
                                color="#3182bd", alpha=alpha, lw=0)
            ax.plot(x, np.r_[sf.last_value, np.median(sf.paths, axis=0)], color="#3182bd", lw=1.2,
                    label="forecast")
        if row["kind"] != "increment":
            ax.axhline(row["target"], color=colour, ls="--", lw=1)
            ax.plot([row["target_year"]], [row["target"]], marker="*", color=colour, ms=10)
        ax.text(0.02, 0.96, f"{row['status']}  p={row['p_meet']:.2f}" if row["p_meet"] == row["p_meet"]
                else row["status"], transform=ax.transAxes, va="top", fontsize=8, color=colour,
)
        if row["kind"] == "increment":
            ax.text(0.02, 0.84, f"flows; target: sum {row['direction']} {row['target']:g}",
                    transform=ax.transAxes, va="top", fontsize=7)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in list(axes.flat)[len(assessments):]:
        ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97) if title else None)
    return fig
