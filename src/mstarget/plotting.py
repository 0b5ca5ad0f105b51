"""Matplotlib set-up shared by every chart: figures on their own Agg canvas (the session's
backend untouched, nothing left registered in pyplot), a CJK font for Chinese labels, quiet saving.

Chinese names need a CJK font (``make demo`` installs Debian's fonts-wqy-microhei when it can).
:func:`use_cjk_font` puts the first installed one at the front of ``font.sans-serif``; fonts are
resolved when a figure is drawn, so this is done once for the process, not in a temporary
``rc_context`` that would be gone by ``savefig`` time.
"""
from __future__ import annotations

import contextlib
import re
import sys
import warnings
from pathlib import Path

from .exceptions import ParameterError
from .io import atomic_path

CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC",
             "Source Han Sans SC", "Source Han Sans CN", "SimHei", "Microsoft YaHei", "PingFang SC",
             "Heiti SC", "AR PL UMing CN", "Droid Sans Fallback")


def new_figure(figsize=None, **kwargs):
    """A matplotlib ``Figure`` drawn on its own Agg canvas, with a CJK font if installed.

    Made with the object API (``matplotlib.figure.Figure`` + ``FigureCanvasAgg``), so the session's
    backend is never switched and the figure is not registered in ``matplotlib.pyplot`` (no
    "more than 20 figures" warning, freed as soon as it is no longer referenced); a notebook still
    shows it when it is a cell's value. ``kwargs`` go to ``Figure`` (``layout=``, ``dpi=`` ...).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # lazy: heavy (matplotlib)
    from matplotlib.figure import Figure  # lazy: heavy (matplotlib)

    use_cjk_font()
    fig = Figure(figsize=figsize, **kwargs)
    FigureCanvasAgg(fig)
    return fig


class _Figures:
    """What :func:`pyplot` returns: the few ``matplotlib.pyplot`` calls the charts use, making
    figures with :func:`new_figure` (never switching the session's backend, never registering
    them in pyplot)."""

    @staticmethod
    def figure(figsize=None, **kwargs):
        return new_figure(figsize, **kwargs)

    @staticmethod
    def subplots(nrows: int = 1, ncols: int = 1, *, figsize=None, sharex=False, sharey=False,
                 squeeze: bool = True, subplot_kw=None, gridspec_kw=None, **fig_kw):
        fig = new_figure(figsize, **fig_kw)
        axes = fig.subplots(nrows, ncols, sharex=sharex, sharey=sharey, squeeze=squeeze,
                            subplot_kw=subplot_kw, gridspec_kw=gridspec_kw)
        return fig, axes

    @staticmethod
    def close(fig=None) -> None:
        """Release ``fig`` (or ``"all"``) from pyplot if the session's pyplot holds it; figures
        made here are not held, so this is a no-op for them (pyplot is never imported for it)."""
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close(fig) if fig is not None else None

    @property
    def Rectangle(self):  # noqa: N802 -- as pyplot names it
        from matplotlib.patches import Rectangle  # lazy: heavy (matplotlib)

        return Rectangle


_FIGURES = _Figures()


def pyplot() -> _Figures:
    """The figure factory every chart uses: ``pyplot().subplots(...)``, ``pyplot().figure(...)``,
    ``pyplot().close(fig)`` and ``pyplot().Rectangle`` as in ``matplotlib.pyplot``, but the figures
    are built with the object API (:func:`new_figure`): the session's backend is left as it is (a
    notebook's inline backend, a user's TkAgg) and no figure stays registered in pyplot."""
    use_cjk_font()
    return _FIGURES


#: file names of CJK fonts, to find one installed after matplotlib cached its font list
CJK_FILES = re.compile(r"wqy|NotoSansCJK|NotoSerifCJK|SourceHanSans|simhei|msyh|DroidSansFallback|uming",
                       re.IGNORECASE)
_rescanned = False


def cjk_font() -> str | None:
    """Name of an installed font that can draw Chinese, or ``None``.

    matplotlib caches the system's font list once (``~/.cache/matplotlib``); a CJK font installed
    afterwards (``make fonts``) is found by scanning the system font folders once per process and
    adding it to the running font manager.
    """
    global _rescanned
    try:
        from matplotlib import font_manager  # lazy: heavy (matplotlib)

        names = {f.name for f in font_manager.fontManager.ttflist}
        found = next((n for n in CJK_FONTS if n in names), None)
        if found is None and not _rescanned:
            _rescanned = True
            for path in font_manager.findSystemFonts():
                if CJK_FILES.search(path):
                    with contextlib.suppress(Exception):
                        font_manager.fontManager.addfont(path)
            names = {f.name for f in font_manager.fontManager.ttflist}
            found = next((n for n in CJK_FONTS if n in names), None)
    except Exception:  # a broken font cache must never stop a chart
        return None
    return found


def use_cjk_font() -> str | None:
    """Prefer the installed CJK font for sans-serif text (idempotent); returns its name or ``None``."""
    import matplotlib  # lazy: heavy (matplotlib)

    font = cjk_font()
    if font:
        current = list(matplotlib.rcParams["font.sans-serif"])
        if not current or current[0] != font:
            matplotlib.rcParams["font.sans-serif"] = [font] + [f for f in current if f != font]
        matplotlib.rcParams["axes.unicode_minus"] = False
    return font


@contextlib.contextmanager
def quiet_glyphs():
    """Silence matplotlib's 'Glyph ... missing from font' warnings (no CJK font installed)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        yield


FIGURE_TYPES = (".png", ".svg", ".pdf")


def save_figure(fig, path, dpi: int = 120) -> None:
    """Save a figure (PNG, SVG or PDF by extension) atomically and without font warnings, then
    release it from pyplot (the Figure object itself stays usable, e.g. for MLflow).

    The chart is drawn to a temporary file beside ``path`` and renamed into place, so a failure
    never leaves a half-written chart or destroys an earlier one.
    """
    p = Path(path)
    if p.suffix.lower() not in FIGURE_TYPES:
        raise ParameterError(f"cannot draw a chart to '{p}': use a file name ending in "
                             f"{', '.join(FIGURE_TYPES)}.")
    with atomic_path(p) as tmp, quiet_glyphs():
        fig.savefig(tmp, dpi=dpi)
    with contextlib.suppress(Exception):
        pyplot().close(fig)
