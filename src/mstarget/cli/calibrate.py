"""``mstarget calibrate``: learn interval and ``p_meet`` calibration from a bureau's own panel.

The shipped factors were learned across many families of policy indicators, which disagree on how
long a trend lasts; factors learned on the same indicators' own past carry over to their later
years (``experiments/plan_regime``: ECE 0.039 held out on later years). This command learns them
(:func:`mstarget.calibration.learn`) from a long panel -- many regions of the indicators to assess,
several years each -- and writes them to a ``.json`` file that ``assess``, ``report`` and
``forecast`` take with ``--calibration``.
"""
from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

from .. import tracking
from ..calibration import default_calibration, plan_class
from ..exceptions import ParameterError, ShortHistoryWarning
from ..history import read_history
from ..learning import learn
from ..progress import Progress
from . import common

MODEL = "pooled_drift"  # the model auto uses for the 1-7 point series of a plan


def register(sub) -> None:
    p = sub.add_parser("calibrate", help="learn p_meet / interval calibration from your own panel",
                       description="Learn calibration factors for short series (auto's pooled_drift) "
                                   "from a long panel of your own indicators: every window of 1-7 "
                                   "consecutive years is forecast up to --horizon years ahead and "
                                   "compared with what happened. Use the file with "
                                   "assess / report / forecast --calibration FILE.")
    p.add_argument("--panel", required=True,
                   help="long history of the indicators to assess, many regions (20+) and 6+ years "
                        "each: region, indicator or 指标名称, year, value (bureau layouts accepted)")
    common.add_region_flag(p)
    p.add_argument("--horizon", type=int, default=6, help="longest horizon learned, in years (default 6)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="the calibration file to write (.json)")
    common.add_tracking_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not str(args.out).lower().endswith(".json"):
        raise ParameterError(f"--out {args.out}: a calibration is written as JSON; use a file name "
                             "ending in .json.")
    if not 1 <= args.horizon <= 10:
        raise ParameterError(f"--horizon must be between 1 and 10 years; got {args.horizon}.")
    common.check_outputs(args, "panel")
    settings = common.tracking_settings(args)
    with common.tracking_process(settings) as logger:
        return _run(args, settings, logger)


def _run(args: argparse.Namespace, settings, logger) -> int:
    prog = Progress(True)
    with prog.step("reading the panel"):
        panel = read_history(args.panel, region=args.region)
    common.inputs_accepted(logger)
    n_ind, n_reg = panel["indicator"].nunique(), panel["region"].nunique()
    with prog.step(f"learning from every window of {n_ind} indicators x {n_reg} regions "
                   f"({int(panel['year'].min())}-{int(panel['year'].max())}), up to {args.horizon} years ahead"):
        with warnings.catch_warnings():  # its 1-point windows are meant: no "single observation" notes
            warnings.simplefilter("ignore", ShortHistoryWarning)
            cal = learn(panel, horizon=args.horizon, seed=args.seed)
    with prog.step(f"writing {args.out}"):
        cal.save(args.out)
    summary = comparison(cal)
    common.echo(common.format_table(summary))
    common.echo(f"\nwritten: {args.out}  ({cal.meta.get('model_provenance', {}).get(MODEL, cal.provenance)})")
    common.echo(f"use it:  mstarget assess --plan PLAN --history HISTORY --calibration {args.out}")
    params = {"command": "calibrate", "panel": args.panel, "horizon": args.horizon, "seed": args.seed,
              "indicators": n_ind, "regions": n_reg, **tracking.package_versions()}
    metrics = {"median_c80_vs_shipped": float(np.nanmedian(summary["c_80 / shipped"])),
               "median_shift_h2": float(np.nanmedian(summary[SHIFT]))}
    run_id = common.log_run(logger, "log_result", "calibrate", cal.to_frame(), params, settings,
                            metrics=metrics, artifact="calibration_factors.csv", files=[args.out])
    if run_id is not None:
        common.echo(f"MLflow run {run_id} logged to {settings.store_uri()}")
    return common.EXIT_OK


#: windows shown in the summary: (points, smoothness ratio, peers' agreement) -> label
SHOWN = ((4, 0.1, 0.9, "4 points, smooth, regions moving alike"),
         (4, 1.0, 0.6, "4 points, uneven, regions differing"),
         (6, 0.1, 0.9, "6 points, smooth, regions moving alike"),
         (4, 0.3, False, "4 points, one series alone"))


SHIFT = "median shift (80% half-widths)"


def comparison(cal) -> pd.DataFrame:
    """What was learned against the shipped factors, 2 years ahead, for a few typical windows:
    the 80 % band's stretch factor, relative to the shipped one, and the median correction in
    80 % half-widths along the trend (negative: your indicators kept less of their recent trend
    than the model draws; the shipped table has none)."""
    shipped = default_calibration()
    rows = []
    for n, ratio, peers, label in SHOWN:
        c = plan_class(n, ratio, peers)
        mine = np.asarray(cal.factors[MODEL])[min(c, np.asarray(cal.factors[MODEL]).shape[0] - 1)]
        ship = np.asarray(shipped.factors[MODEL])[min(c, np.asarray(shipped.factors[MODEL]).shape[0] - 1)]
        shift = cal.shifts.get(MODEL)
        moved = 0.0 if shift is None else float(np.asarray(shift)[min(c, len(shift) - 1), 1])
        rows.append({"window (2 years ahead)": label, "c_80": round(float(mine[1, 0]), 2),
                     "c_80 / shipped": round(float(mine[1, 0] / ship[1, 0]), 2), SHIFT: round(moved, 2)})
    return pd.DataFrame(rows)
