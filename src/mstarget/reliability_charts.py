"""Calibration charts of a backtest: interval coverage per horizon and the reliability of ``p_meet``.

They draw the tables of :mod:`mstarget.reliability`, so they sit beside it, below
:mod:`mstarget.backtest` (whose ``BacktestResult.plot`` draws :func:`backtest_chart`); the report
package re-exports them (``mstarget.report.backtest_chart``). Matplotlib is imported on first
drawing; figures are built with the object API (:func:`mstarget.plotting.pyplot`), never switching
the session's backend.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .exceptions import ParameterError
from .plotting import pyplot
from .reliability import reliability_table

MODEL_COLOURS = ("#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#d6616b", "#8c6d31")


def _share_with_bars(ax, x, share, lo, hi, colour: str, label: str) -> None:
    """Observed shares as points joined by a line, with their (Wilson) interval as bars."""
    y = np.asarray(share, dtype=float)
    err = np.vstack([y - np.asarray(lo, dtype=float), np.asarray(hi, dtype=float) - y])
    err = np.clip(err, 0, None)  # Wilson bounds can miss 0 / 1 by a rounding error
    ax.errorbar(np.asarray(x, dtype=float), y, yerr=err, fmt="o-", color=colour, ms=4, lw=1,
                capsize=2, label=label)


def reliability_chart(calls, *, by: str | None = "model", ax=None, title: str | None = None):
    """Reliability diagram: ``p_meet`` (binned) against the share of targets actually met.

    Parameters
    ----------
    calls : DataFrame or BacktestResult
        One row per call with ``p_meet`` (0-1) and ``met`` (bool), e.g.
        :attr:`mstarget.backtest.BacktestResult.calls` (a ``BacktestResult`` is read as its calls); ``by`` names a column splitting the calls
        into one line each (``None``: one line).
    ax : matplotlib Axes, optional
        Draw into this axes; otherwise a new figure is made.

    Returns
    -------
    matplotlib.figure.Figure
        Points at (mean ``p_meet``, observed share) per bin of
        :data:`mstarget.reliability.RELIABILITY_BINS`, with 95 % Wilson bars and the number of
        calls; the diagonal is perfect calibration.
    """

    if not isinstance(calls, pd.DataFrame) and isinstance(getattr(calls, "calls", None), pd.DataFrame):
        calls = calls.calls  # a BacktestResult: its calls, as its .plot() draws them
    if not isinstance(calls, pd.DataFrame):
        raise ParameterError(f"reliability_chart takes the calls of a backtest run with plan= (result.calls, a "
                             f"DataFrame with p_meet and met). Got {type(calls).__name__!r}.")
    needed = {"p_meet", "met"} | ({by} if by is not None else set())
    if not needed <= set(calls.columns):
        raise ParameterError(f"reliability_chart needs a table of calls with columns "
                             f"{sorted(needed)}; missing {sorted(needed - set(calls.columns))}.")
    plt = pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.4, 4.2))
    fig = ax.figure
    groups = [(None, calls)] if by is None else list(calls.groupby(by, sort=False))
    ax.plot([0, 1], [0, 1], color="#999999", lw=0.8, ls="--", label="perfect calibration")
    offsets = np.linspace(-0.012, 0.012, len(groups)) if len(groups) > 1 else [0.0]
    for (label, g), colour, dx in zip(groups, MODEL_COLOURS * 3, offsets):
        t = reliability_table(g["p_meet"], g["met"].astype(float))
        t = t[t["n"] > 0]
        x = t["mean_p_meet"].to_numpy() + dx
        y = t["observed_met"].to_numpy()
        _share_with_bars(ax, x, y, t["observed_lo"], t["observed_hi"], colour,
                         f"{label} ({len(g)} calls)" if label is not None else f"{len(g)} calls")
        for xi, yi, ni in zip(x, y, t["n"]):
            ax.annotate(str(ni), (xi, yi), textcoords="offset points", xytext=(4, -9), fontsize=6,
                        color=colour)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("p_meet (mean in bin)", fontsize=8)
    ax.set_ylabel("share of targets met", fontsize=8)
    ax.set_title(title or "Reliability of p_meet", fontsize=9)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="upper left")
    return fig


def backtest_chart(result, *, title: str | None = None):
    """Calibration chart of a backtest: interval coverage per horizon, and ``p_meet`` reliability.

    Parameters
    ----------
    result : :class:`mstarget.backtest.BacktestResult`

    Returns
    -------
    matplotlib.figure.Figure
        Panel 1 / 2: observed coverage of the 80 % / 95 % intervals per model and horizon (95 %
        Wilson bars; the dashed line is the nominal level). Panel 3, when the backtest scored a
        plan: the reliability diagram of the attainment calls (:func:`reliability_chart`).
    """
    from matplotlib.ticker import MaxNLocator  # lazy: heavy (matplotlib)

    plt = pyplot()
    cov = result.coverage_by_horizon()
    calls = result.calls
    has_calls = calls is not None and len(calls) > 0
    ncols = 3 if has_calls else 2
    fig, axes = plt.subplots(1, ncols, figsize=(4.4 * ncols, 4.0), squeeze=False)
    models = list(pd.unique(cov["model"])) if len(cov) else []
    for ax, level in zip(axes[0], ("80", "95")):
        ax.axhline(int(level) / 100, color="#999999", lw=0.8, ls="--", label=f"nominal {level} %")
        offsets = np.linspace(-0.12, 0.12, len(models)) if len(models) > 1 else [0.0]
        for m, colour, dx in zip(models, MODEL_COLOURS * 3, offsets):
            c = cov[cov["model"] == m]
            _share_with_bars(ax, c["h"].to_numpy() + dx, c[f"coverage_{level}"],
                             c[f"coverage_{level}_lo"], c[f"coverage_{level}_hi"], colour,
                             f"{m} (n={int(c['n'].sum())})")
        if not models:
            ax.text(0.5, 0.5, "no forecasts scored", ha="center", va="center", transform=ax.transAxes)
        lows = cov[f"coverage_{level}_lo"].dropna().tolist() if len(cov) else []
        ax.set_ylim(max(0.0, min([int(level) / 100 - 0.3] + lows) - 0.02), 1.02)
        ax.set_xlabel("years ahead (h)", fontsize=8)
        ax.set_ylabel("share of outcomes inside the interval", fontsize=8)
        ax.set_title(f"{level} % interval coverage", fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7, loc="lower left")
    if has_calls:
        reliability_chart(calls, by="model", ax=axes[0][2], title="Reliability of p_meet (attainment calls)")
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95) if title else None)
    return fig

