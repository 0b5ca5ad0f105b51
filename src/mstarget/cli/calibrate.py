"""``mstarget calibrate``: learn interval and ``p_meet`` calibration from a bureau's own panel.

The shipped factors were learned across many families of policy indicators, which disagree on how
long a trend lasts; factors learned on the same indicators' own past carry over to their later
years (``experiments/plan_regime``: ECE 0.039 held out on later years). This command learns them
(:func:`mstarget.calibration.learn`) from a long panel -- many regions of the indicators to assess,
several years each -- and writes them to a ``.json`` file that ``assess``, ``report`` and
``forecast`` take with ``--calibration``. Unless ``--no-check``, it also says whether such a table
would have been honest on the panel's own last three years (:func:`mstarget.learning.check_learned`),
against the shipped one.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .. import tracking
from ..calibration import check_panel, default_calibration
from ..exceptions import DataValidationError, InconsistentDataWarning, MstargetWarning, ParameterError
from ..history import read_history
from ..learning import check_learned, learn
from ..pace_check import ALONE  # how a window forecast alone is named: indicator + ALONE + region
from ..progress import Progress
from . import common

#: the held-out check's windows: points, and years ahead (check_learned's defaults)
CHECK_POINTS, CHECK_HORIZON = 4, 2
MODEL = "pooled_drift"  # the model auto uses for the 1-7 point series of a plan
#: a held-out check on fewer windows than this cannot tell the two tables apart: no verdict
MIN_CHECK_WINDOWS = 30


def register(sub) -> None:
    p = sub.add_parser("calibrate", help="learn p_meet / interval calibration from your own panel",
                       description="Learn calibration factors for short series (auto's pooled_drift) "
                                   "from a long panel of your own indicators: every window of 1-7 "
                                   "consecutive years is forecast up to --horizon years ahead and "
                                   "compared with what happened. Use the file with "
                                   "assess / report / forecast / backtest / suggest --calibration FILE.")
    p.add_argument("--panel", required=True,
                   help="long history of the indicators to assess, many regions (20+) and 6+ years "
                        "each: region, indicator or 指标名称, year, value (bureau layouts accepted)")
    common.add_region_flag(p)
    p.add_argument("--horizon", type=int, default=6, help="longest horizon learned, in years (default 6)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-check", action="store_true",
                   help="skip the held-out check (by default the panel's last 3 years are held out, factors "
                        "learned on the years before, and both tables scored on them: 4-point windows, 2 "
                        "years ahead, targets at 0.5-1.5x each window's pace)")
    p.add_argument("--out", required=True, action=common.OneFile, help="the calibration file to write (.json)")
    common.add_tracking_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not str(args.out).lower().endswith(".json"):
        raise ParameterError(f"--out {args.out}: a calibration is written as JSON; use a file name "
                             "ending in .json.")
    if not 1 <= args.horizon <= 10:
        raise ParameterError(f"--horizon must be between 1 and 10 years; got {args.horizon}.")
    common.check_outputs(args, "panel", out_types=(".json",))
    settings = common.tracking_settings(args)
    with common.tracking_process(settings) as logger:
        return _run(args, settings, logger)


def _run(args: argparse.Namespace, settings, logger) -> int:
    prog = Progress(True)
    with prog.step("reading the panel"):
        panel = read_history(args.panel, region=args.region)
    small = check_panel(panel, args.panel, horizon=args.horizon)  # nothing to learn from: refused, exit 2
    common.inputs_accepted(logger)
    obs = panel.dropna(subset=["value"])
    n_ind, n_reg = obs["indicator"].nunique(), obs["region"].nunique()
    with prog.step(f"learning from every window of {n_ind} indicators x {n_reg} regions "
                   f"({int(obs['year'].min())}-{int(obs['year'].max())}), up to {args.horizon} years ahead"), \
            window_warnings():
        try:
            with warnings.catch_warnings():  # said below, once learned (and named in the file)
                warnings.filterwarnings("ignore", message="learned from a small panel", category=MstargetWarning)
                cal = learn(panel, horizon=args.horizon, seed=args.seed, progress=prog).with_note(small, MODEL)
        except DataValidationError as exc:  # learn was handed the panel read: name its file
            raise DataValidationError([dataclasses.replace(q, source=str(args.panel)) if q.source == "<DataFrame>"
                                       else q for q in exc.problems], source=str(args.panel)) from None
    if small:  # said with the other warnings, once; kept in the file too
        warnings.warn(MstargetWarning(small), stacklevel=1)
    with prog.step(f"writing {args.out}"):
        cal.save(args.out)
    summary = comparison(cal)
    common.echo(common.format_table(summary))
    check = None
    if not args.no_check:
        with prog.step("checking on the panel's last 3 years (learned on the years before)"):
            try:
                with window_warnings():
                    check = check_learned(panel, n_points=CHECK_POINTS, horizon=CHECK_HORIZON, seed=args.seed,
                                          progress=prog)
            except DataValidationError as exc:  # a short panel: learned anyway, not checked
                said = "; ".join(q.expected.removeprefix("check_learned: ") for q in exc.problems)
                common.echo(f"\nnot checked: {said}")
        if check is not None and int(check["windows"].min()) == 0:
            years = check["test_years"].iloc[0]
            common.echo(f"\nnot checked: no series of the panel has {CHECK_POINTS} consecutive years whose value "
                        f"{CHECK_HORIZON} years on falls in the held-out years {years}, so there is nothing to "
                        "score the two tables on (未检验：留出年份内没有可检验的窗口).")
            check = None
        if check is not None:
            common.echo("\n" + common.format_table(check.round(3)))
            common.echo(verdict(check))
    choice = judge(check)[0] if check is not None else None
    common.echo(f"\nwritten: {args.out}  ({cal.meta.get('model_provenance', {}).get(MODEL, cal.provenance)})")
    use = f"mstarget assess --plan PLAN --history HISTORY --calibration {args.out}"
    if choice == "learned":
        common.echo(f"use it:  {use}")
    elif choice is None and check is not None:  # checked, but on too few windows to decide: the user's call
        n = int(check["windows"].min())
        common.echo(f"to use it (the held-out check ran, but its {n} windows were too few to decide between the "
                    f"tables; 留出检验窗口太少，未作结论):  {use}")
    elif choice is None:  # not checked (--no-check, a short panel): the user's call
        common.echo(f"to use it (not checked against the shipped table on held-out years):  {use}")
    else:
        common.echo("the check above advises against using this table as it stands"
                    + (" (compare the measures first)" if choice == "mixed" else "")
                    + "; the file is written for reference (本表仅供参考，检验结果不建议直接使用)")
    panel_path = str(Path(args.panel).resolve())
    learned_on = cal.meta.get("panel", {})
    params = {"command": "calibrate", "panel": panel_path, "horizon": args.horizon, "seed": args.seed,
              "indicators": n_ind, "regions": n_reg, "series": learned_on.get("series"),
              "years": learned_on.get("years"), "units": ", ".join(u for u in learned_on.get("units", {}) if u) or None,
              **tracking.package_versions()}
    metrics = {"median_c80_vs_shipped": float(np.nanmedian(summary["c_80 / shipped"])),
               "median_c95_vs_shipped": float(np.nanmedian(summary["c_95 / shipped"])),
               "median_shift_h2": float(np.nanmedian(summary[SHIFT]))}
    run_name = f"calibrate {Path(args.panel).name}"
    if check is not None:
        first = check.iloc[0]
        params.update({"learned_on": str(first["learned_on"]), "held_out": str(first["test_years"]),
                       "verdict": choice or "none (too few windows)"})
        run_name += f" · held out {first['test_years']} · verdict {choice or 'none'}"
        for r in check.to_dict("records"):  # named as the backtest names the same measures
            metrics.update({f"check.{r['calibration']}.{k}": float(r[k])
                            for k in ("coverage_80", "coverage_95", "interval_score_80", "interval_score_95",
                                      "ece", "brier", "brier_base") if k in r})
        metrics["check.windows"] = float(first["windows"])
    run_id = common.log_run(logger, "log_result", "calibrate", cal.to_frame(), params, settings,
                            metrics=metrics, artifact="calibration_factors.csv", files=[args.out],
                            tables={"held_out_check.csv": check} if check is not None else None,
                            run_name=run_name)
    if run_id is not None:
        common.echo(f"MLflow run {run_id} logged to {settings.store_uri()}")
    return common.EXIT_OK


def say_options_used(result, calibration=None, reference=None) -> None:
    """``assess`` / ``forecast`` on the command line: what ``--calibration FILE`` and ``--reference`` did,
    as the API says it (:func:`mstarget.api._say_unused_options`: a warning when they changed nothing
    for some series), and, when a calibration file was given, one line on screen naming it and the
    series it changed, by model (``calibration: am_cal.json (learned factors for pooled_drift) changed 12
    of 40 series: pooled_drift 12``)."""
    from ..api import _counted, _say_unused_options, _series_models  # lazy: the API layer
    from ..calibration import own_models, resolve_calibration

    _say_unused_options(result, {"calibration": calibration, "reference": reference})
    if not calibration:
        return
    table = resolve_calibration(calibration)
    own = set(own_models(table))
    series = _series_models(result)
    changed = series[series["model"].isin(own)]["model"]
    whose = f"its own factors for {', '.join(sorted(own))}" if own else "the shipped factors only"
    common.echo(f"calibration: {calibration} ({whose}) changed {len(changed)} of {len(series)} series"
                + (f": {_counted(changed)}" if len(changed) else "")
                + f"（使用自定义校准表 {calibration}，影响 {len(changed)}/{len(series)} 个序列）")


#: regions named in a warning of the learning windows (the rest counted)
SHOWN_REGIONS = 5


@contextlib.contextmanager
def window_warnings():
    """The warnings of learning from (or checking on) the panel's windows, said once each, in the
    user's terms.

    Learning forecasts every short window of the panel -- each a table of its own, checked as it is
    read, and each also forecast alone under an internal series name -- so a finding would come
    back once per window, naming rows of those internal tables (``<DataFrame>: row 120``) and
    internal series names. The panel's own checks were said when it was read, naming the file's
    rows: they are left out here. A warning about one series becomes one line per indicator and
    message: how many window forecasts, which regions. Others are said once.
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", MstargetWarning)
            yield
    finally:  # said after the filters are restored, also when learning was refused
        _say_once(caught)


def _say_once(caught: list) -> None:
    series: dict[tuple, list[str]] = {}
    other: dict[tuple, Warning] = {}
    for w in caught:
        if not issubclass(w.category, MstargetWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            continue
        if issubclass(w.category, InconsistentDataWarning):  # the panel's own checks, said when read
            continue
        text = str(w.message)
        head, sep, rest = text.partition(": ")
        region, slash, indicator = head.partition("/")
        if sep and slash and region and indicator:
            series.setdefault((w.category, indicator.split(ALONE)[0], rest), []).append(region)
        else:
            other.setdefault((w.category, text), w.message)
    for message in other.values():
        warnings.warn(message, stacklevel=1)
    for (category, indicator, rest), regions in series.items():
        named = list(dict.fromkeys(regions))
        shown = ", ".join(named[:SHOWN_REGIONS]) + (f" (+{len(named) - SHOWN_REGIONS} more)"
                                                     if len(named) > SHOWN_REGIONS else "")
        n = len(regions)
        warnings.warn(category(f"learning from the panel's windows, indicator {indicator} "
                               f"({n} window forecast{'s' * (n != 1)}, regions {shown}): {rest}"), stacklevel=1)


#: windows shown in the summary: (points, smoothness ratio, peers' agreement) -> label
SHOWN = ((4, 0.1, 0.9, "4年数据，平稳，各地区同向 (4 points, smooth, regions moving alike)"),
         (4, 1.0, 0.6, "4年数据，波动，各地区不一 (4 points, uneven, regions differing)"),
         (6, 0.1, 0.9, "6年数据，平稳，各地区同向 (6 points, smooth, regions moving alike)"),
         (4, 0.3, False, "4年数据，单独一个序列 (4 points, one series alone)"))


#: the learned table's interval score may exceed the shipped one's by this share and still count as "not worse"
#: (and must be below it by this share to count as better): the median over a few hundred windows moves by a
#: few per cent between seeds
SCORE_TOLERANCE = 0.05
#: Brier scores within this share of each other are a tie: a difference far below the held-out windows' sampling
#: noise (0.120000 against 0.120001) is no reason to switch tables
BRIER_TOLERANCE = 0.02


def _sides(mine: pd.Series, ship: pd.Series) -> list[tuple[str, str, str | None, float, float]]:
    """The proper scores of the held-out check, each ``(name, name_zh, side, yours, shipped)``: ``Brier``
    (of ``p_meet``) and the 80 / 95 % interval scores (of the bands); ``side`` is the better table,
    ``"learned"`` / ``"shipped"``, ``"tie"`` (within :data:`BRIER_TOLERANCE` / :data:`SCORE_TOLERANCE` of the
    shipped table's score), or
    ``None`` when it could not be computed (NaN: no window to score)."""
    out = []
    for key, name, name_zh, tol in (("brier", "Brier", "Brier", BRIER_TOLERANCE),
                                    ("interval_score_80", "the 80 % interval score", "80%区间评分", SCORE_TOLERANCE),
                                    ("interval_score_95", "the 95 % interval score", "95%区间评分", SCORE_TOLERANCE)):
        if key not in mine.index:
            continue
        a, b = float(mine[key]), float(ship[key])
        if not (np.isfinite(a) and np.isfinite(b)):
            side = None
        elif a > b * (1 + tol):
            side = "shipped"
        elif a < b * (1 - tol):
            side = "learned"
        else:
            side = "tie"
        out.append((name, name_zh, side, a, b))
    return out


def _tie_words(ties) -> str:
    """The tolerance of the scores tied: 2 % (Brier), 5 % (the interval scores), or both."""
    tols = sorted({BRIER_TOLERANCE if x[0] == "Brier" else SCORE_TOLERANCE for x in ties})
    return " / ".join(f"{t:.0%}" for t in tols)


def _why_lost(name: str, loser: str, mine: pd.Series, ship: pd.Series) -> tuple[str, str]:
    """Why ``loser``'s table lost proper score ``name``: for a band, wider than its misses justify (it
    covered more) or too narrow for the misses it paid (it covered less); for Brier, its ``p_meet``."""
    whose, whose_zh = ("your", "本地") if loser == "learned" else ("the shipped", "内置")
    if name == "Brier":
        return f"{whose} p_meet was the further from what happened", f"{whose_zh}实现概率偏离实际更多"
    lvl = 80 if "80" in name else 95
    lo, hi = (mine, ship) if loser == "learned" else (ship, mine)
    if lo[f"coverage_{lvl}"] > hi[f"coverage_{lvl}"]:
        return (f"{whose} {lvl} % bands were wider than the misses they avoid justify",
                f"{whose_zh}{lvl}%区间过宽")
    return f"{whose} {lvl} % bands missed more than their narrowness repays", f"{whose_zh}{lvl}%区间过窄、漏判多"


def judge(check: pd.DataFrame) -> tuple[str | None, str, str]:
    """What the held-out check says: ``(choice, why, why_zh)``. The proper scores decide -- Brier for
    ``p_meet``, the 80 / 95 % interval scores for the bands (width and misses both count); 80 % coverage
    and ECE are diagnostics, shown but not deciding (a table can win coverage with bands too wide).
    ``choice``: ``"learned"`` (better on a proper score -- Brier, or an interval score by more than
    :data:`SCORE_TOLERANCE` -- and worse on none), ``"shipped"`` (the learned table better on none),
    ``"mixed"`` (the proper scores disagree: ``why`` says which table won which, and why), or ``None``
    (fewer than :data:`MIN_CHECK_WINDOWS` windows: no verdict). A score that could not be computed (NaN)
    is said so and decides nothing."""
    ship, mine = (check.set_index("calibration").loc[k] for k in ("shipped", "learned"))
    if int(mine["windows"]) < MIN_CHECK_WINDOWS:
        return None, "too few windows", "窗口太少"
    sides = _sides(mine, ship)
    won = {s: [x for x in sides if x[2] == s] for s in ("learned", "shipped", "tie")}
    missing = [x for x in sides if x[2] is None]
    if not won["learned"] and not won["shipped"] and not won["tie"]:
        return ("mixed", "neither Brier nor the interval score could be computed on the held-out windows",
                "Brier与区间评分均无法计算")

    def named(xs, zh=False):
        names = [x[1 if zh else 0] for x in xs]
        return "、".join(names) if zh else " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)

    # the diagnostics: which table each favours (None: equal)
    closer = abs(mine["coverage_80"] - 0.8), abs(ship["coverage_80"] - 0.8)
    diag = [None if a == b else bool(a < b) for a, b in (closer, (mine["ece"], ship["ece"]))]
    agreement = (("the proper scores agreed", "评分规则一致") if len(sides) - len(missing) > 1
                 else ("the only proper score computed", "唯一可计算的评分规则"))
    gone, gone_zh = "", ""
    if missing:
        gone = (f"; {named(missing)} could not be computed (no window with a nonzero level to scale it by), "
                f"so {'they' if len(missing) > 1 else 'it'} decided nothing")
        gone_zh = f"；{named(missing, True)}无法计算（无非零水平可作尺度），未参与判断"
    if won["learned"] and won["shipped"]:
        lost = [_why_lost(x[0], "learned", mine, ship) for x in won["shipped"]]
        lost_ship = [_why_lost(x[0], "shipped", mine, ship) for x in won["learned"]]
        why = (f"yours won {named(won['learned'])} ({'; '.join(w for w, _ in lost_ship)}), the shipped table "
               f"won {named(won['shipped'])} ({'; '.join(w for w, _ in lost)}) -- one file sets both the bands "
               "and p_meet, so weigh which your report leans on" + gone)
        why_zh = (f"评分规则结论不一：本地胜{named(won['learned'], True)}（{'；'.join(z for _, z in lost_ship)}），"
                  f"内置胜{named(won['shipped'], True)}（{'；'.join(z for _, z in lost)}）；同一校准表同时决定区间和"
                  f"实现概率，请按报告侧重权衡{gone_zh}")
        return "mixed", why, why_zh
    if won["learned"]:
        agreed, agreed_zh = agreement
        why = f"{agreed}: yours won {named(won['learned'])}"
        why_zh = f"{agreed_zh}：本地胜{named(won['learned'], True)}"
        if won["tie"]:
            why += f" and was not worse on {named(won['tie'])} (within {_tie_words(won['tie'])})"
            why_zh += f"，{named(won['tie'], True)}相当（差距{_tie_words(won['tie'])}以内）"
        if all(d is not False for d in diag):
            why += "; 80 % coverage and ECE agreed too"
            why_zh += "；80%覆盖率与校准误差亦一致"
        else:
            why += ("; 80 % coverage / ECE favoured the shipped table in part, but they are diagnostics, "
                    "not proper scores")
            why_zh += "；80%覆盖率/校准误差部分偏向内置，仅作诊断参考"
        return "learned", why + gone, why_zh + gone_zh
    lost = [_why_lost(x[0], "learned", mine, ship) for x in won["shipped"]]
    if won["shipped"]:
        agreed, agreed_zh = agreement
        why = f"{agreed}: the shipped table won {named(won['shipped'])} ({'; '.join(w for w, _ in lost)})"
        why_zh = f"{agreed_zh}：内置胜{named(won['shipped'], True)}（{'；'.join(z for _, z in lost)}）"
        if won["tie"]:
            why += f", and yours was no better (within {_tie_words(won['tie'])}) on {named(won['tie'])}"
            why_zh += f"，{named(won['tie'], True)}本地无优势（差距{_tie_words(won['tie'])}以内）"
    else:
        why = f"yours was no better on {named(won['tie'])} (within {_tie_words(won['tie'])})"
        why_zh = f"本地在{named(won['tie'], True)}上无优势（差距{_tie_words(won['tie'])}以内）"
    if any(d is True for d in diag):
        why += "; 80 % coverage / ECE favoured yours in part, but they are diagnostics, not proper scores"
        why_zh += "；80%覆盖率/校准误差部分偏向本地，仅作诊断参考"
    return "shipped", why + gone, why_zh + gone_zh


def verdict(check: pd.DataFrame) -> str:
    """The held-out check in two sentences (Chinese, English): which table was the more honest on the
    later years, and which proper scores decided (:func:`judge`: Brier and the 80 / 95 % interval scores;
    coverage and ECE are shown as diagnostics) -- none on fewer than :data:`MIN_CHECK_WINDOWS` windows, too
    few to tell them apart. An interval score that could not be computed is said so (not ``nan``). When both
    tables' ``p_meet`` score worse than a constant base rate on Brier, that is said."""
    ship, mine = (check.set_index("calibration").loc[k] for k in ("shipped", "learned"))
    n = int(mine["windows"])
    choice, why, why_zh = judge(check)
    if choice is None:
        return (f"留出{mine['test_years']}年检验仅有{n}个窗口（至少需{MIN_CHECK_WINDOWS}个），"
                "不足以判断哪种校准更准确，不作结论。\n"
                f"held out {mine['test_years']}: {n} window{'s' * (n != 1)}, fewer than the {MIN_CHECK_WINDOWS} "
                "needed to tell the two tables apart -- no verdict; check with a longer panel, or more "
                "regions, before you use --calibration.")
    said, said_zh = {"learned": ("your table was the more honest on those years: use it with --calibration",
                                 "本地校准更准确，可用 --calibration 使用"),
                     "shipped": ("the shipped table was the better on those years: keep it (no --calibration)",
                                 "内置校准更好，建议不使用本地校准"),
                     "mixed": ("the proper scores disagree, so neither table is advised as it stands: compare "
                               "before you choose", "两者各有优劣，不建议直接使用，请比较后选择")}[choice]
    levels = [lvl for lvl in (80, 95) if f"interval_score_{lvl}" in mine.index]

    def score(lvl: int) -> str:
        a, b = float(mine[f"interval_score_{lvl}"]), float(ship[f"interval_score_{lvl}"])
        return f"{a:.2f} / {b:.2f}" if np.isfinite(a) and np.isfinite(b) else "n/a"

    if levels and all(score(lvl) == "n/a" for lvl in levels):  # e.g. every window at 0: nothing to scale by
        is_zh = "，区间评分无法计算（各窗口水平均为0）"
        is_en = "; interval score could not be computed (every window's level was 0)"
    else:
        is_zh = ("，区间评分（越低越好）" + "，".join(f"{lvl}% {score(lvl)}" for lvl in levels)) if levels else ""
        is_en = ("; interval score (lower is better, width and misses both count) "
                 + ", ".join(f"{lvl} % {score(lvl)}" for lvl in levels)) if levels else ""
    base = float(mine["brier_base"])
    no_skill = mine["brier"] >= base and ship["brier"] >= base  # (NaN: every call had one outcome -- never said)
    base_zh, base_en = ((f"{base:.3f}", f"{base:.3f}") if np.isfinite(base)
                        else ("无（各目标结果相同）", "none: every target had the same outcome"))
    skill_zh = (f"两种校准的实现概率 Brier 均不优于常数基准（{base:.3f}，即对所有目标都给出历史实现比例）。"
                if no_skill else "")
    skill_en = (f" Both tables' p_meet scored worse on Brier than a constant (the share met, Brier {base:.3f}): "
                "on these indicators p_meet said nothing a base rate would not." if no_skill else "")
    return (f"留出{mine['test_years']}年检验（{n}个窗口）：80%区间覆盖率 本地{mine['coverage_80']:.2f} / "
            f"内置{ship['coverage_80']:.2f}（0.80为准确），95%区间 {mine['coverage_95']:.2f} / {ship['coverage_95']:.2f}"
            f"（0.95为准确）{is_zh}，实现概率校准误差 {mine['ece']:.3f} / {ship['ece']:.3f}，"
            f"Brier {mine['brier']:.3f} / {ship['brier']:.3f}（常数基准 {base_zh}）；{said_zh}（{why_zh}）。{skill_zh}\n"
            f"held out {mine['test_years']} ({n} windows): 80 % band covers "
            f"{mine['coverage_80']:.2f} with yours, {ship['coverage_80']:.2f} shipped (0.80 is honest), 95 % band "
            f"{mine['coverage_95']:.2f} / {ship['coverage_95']:.2f} (0.95){is_en}; p_meet ECE "
            f"{mine['ece']:.3f} / {ship['ece']:.3f}, Brier {mine['brier']:.3f} / {ship['brier']:.3f} "
            f"(a constant {base_en}) -- {said}; {why}.{skill_en}")


SHIFT = "median shift (80% half-widths)"


def comparison(cal) -> pd.DataFrame:
    """What was learned against the shipped factors, 2 years ahead, for a few typical windows:
    the 80 % and 95 % bands' stretch factors, relative to the shipped ones, and the median correction in
    80 % half-widths along the trend (negative: your indicators kept less of their recent trend
    than the model draws; the shipped table has none)."""
    rows = []
    for n, ratio, peers, label in SHOWN:
        mine = cal.factors_for(MODEL, n, 2, z=_smoothness_of(ratio)[:n], peers=peers)[-1]
        ship = default_calibration().factors_for(MODEL, n, 2, z=_smoothness_of(ratio)[:n], peers=peers)[-1]
        shift = cal.shift_for(MODEL, n, 2, z=_smoothness_of(ratio)[:n], peers=peers)
        rows.append({"窗口，2年后 (window, 2 years ahead)": label, "c_80": round(float(mine[0]), 2),
                     "c_80 / shipped": round(float(mine[0] / ship[0]), 2), "c_95": round(float(mine[1]), 2),
                     "c_95 / shipped": round(float(mine[1] / ship[1]), 2),
                     SHIFT: round(0.0 if shift is None else float(shift[-1]), 2)})
    return pd.DataFrame(rows)


def _smoothness_of(ratio: float) -> np.ndarray:
    """A series whose changes have sd / |mean| = ``ratio`` (its smoothness class is what matters)."""
    return np.cumsum([0.0] + [1.0 - ratio, 1.0 + ratio] * 4)
