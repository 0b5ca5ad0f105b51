"""Matplotlib set-up shared by every chart: Agg backend, a CJK font for Chinese labels, quiet saving.

Chinese names need a CJK font (``make demo`` installs Debian's fonts-wqy-microhei when it can).
:func:`use_cjk_font` puts the first installed one at the front of ``font.sans-serif``; fonts are
resolved when a figure is drawn, so this is done once for the process, not in a temporary
``rc_context`` that would be gone by ``savefig`` time.
"""
from __future__ import annotations

import contextlib
import re
import warnings
from pathlib import Path

from .exceptions import ParameterError
from .io import atomic_path

CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC",
             "Source Han Sans SC", "Source Han Sans CN", "SimHei", "Microsoft YaHei", "PingFang SC",
             "Heiti SC", "AR PL UMing CN", "Droid Sans Fallback")


def pyplot():
    """``matplotlib.pyplot`` on the Agg backend (no display needed), with a CJK font if installed."""
    import matplotlib  # lazy: heavy (matplotlib)

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt  # lazy: heavy (matplotlib)

    use_cjk_font()
    return plt


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
