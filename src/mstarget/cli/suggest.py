"""``mstarget suggest``: the target each indicator would meet with 70 % / 80 % probability (十五五 drafting)."""
from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

from .. import tracking
from ..exceptions import ParameterError, UnmatchedWarning
from ..io import write_table
from ..output_set import outputs_together
from ..plan import PENDING_COLUMN
from ..progress import Progress
from ..report.formatting import NOTATION_BRACKETS, number_text, percent_int
from ..report.model import DIRECTION_SIGN
from ..suggest import (DEFAULT_PROBABILITIES, check_probabilities, probability_column, probability_label,
                       reached_column, reached_figures, reached_text, suggest_targets, target_column)
from . import common
from .assess import target_text


def register(sub) -> None:
    p = sub.add_parser("suggest", help="the target each indicator would meet with a given probability",
                       description="For a draft plan, the figure of each indicator that would be met with "
                                   "each probability (default 70% and 80%): about the (1-p) quantile of the "
                                   "forecast for a >= target, the p quantile for a <= one, from the same "
                                   "simulation as 'mstarget assess'; beside the drafted target and its p_meet.")
    common.add_assessment_inputs(p)
    p.add_argument("--p", default=",".join(f"{v:g}" for v in DEFAULT_PROBABILITIES), metavar="P1,P2",
                   help="probabilities, comma separated: 0.7,0.8 (default) or as percentages 70,80")
    common.add_reference_flag(p)
    common.add_calibration_flag(p)
    common.add_engine_flags(p)
    common.add_out_flag(p)
    common.add_tracking_flags(p)
    p.set_defaults(func=run)


def parse_probabilities(text: str) -> tuple[float, ...]:
    """``--p 0.7,0.8`` (or ``70,80``, percentages) as probabilities; ParameterError (exit 2) otherwise."""
    tokens = [x.strip().replace("％", "%") for x in str(text).split(",") if x.strip()]
    try:
        values = [float(x.rstrip("%")) for x in tokens]
    except ValueError:
        raise ParameterError(f"--p {text}: expected probabilities separated by commas, e.g. --p 0.7,0.8 "
                             "(or percentages, --p 70,80)") from None
    if values and all(1 < v < 100 for v in values):  # 70,80: percentages
        odd = [x for x, v in zip(tokens, values) if v < 10 and not x.endswith("%")]
        if odd:  # --p 1.2: 1.2 % or a mistyped 0.12 / 12? a target met 1.2 % of the time is no draft target
            raise ParameterError(f"--p {text}: {', '.join(odd)} would be read as {', '.join(f'{x}%' for x in odd)} "
                                 "probability -- a target almost never met. Write probabilities between 0 and 1 "
                                 "(--p 0.7,0.8) or percentages of 10 or more (--p 70,80); a small percentage "
                                 "meant as such takes its % sign (--p 5%)（达标概率请写0-1之间的小数或百分数）")
        values = [v / 100 for v in values]
    try:
        return check_probabilities(values, "--p")
    except ParameterError:
        raise ParameterError(f"--p {text}: each probability must lie strictly between 0 and 1 (0.7,0.8) or "
                             "between 0 and 100 as a percentage (70,80)") from None


def run(args: argparse.Namespace) -> int:
    common.check_as_of(args)
    probs = parse_probabilities(args.p)  # before any work
    common.check_outputs(args, "plan", "history")
    settings = common.tracking_settings(args)
    with common.tracking_process(settings) as logger:  # MLflow loads meanwhile, on the other core
        return _run(args, probs, settings, logger)


def _run(args: argparse.Namespace, probs: tuple[float, ...], settings, logger) -> int:
    engine = common.engine_of(args, "suggest")
    prog = Progress(True)
    plan, history, reference, calibration, code = common.read_plan_inputs(args, prog, "suggest")
    if code is not None:
        return code
    common.inputs_accepted(logger)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedWarning)  # printed above
        table = suggest_targets(history, plan, probs, as_of=args.as_of, model=args.model, seed=args.seed,
                                reference=reference, calibration=calibration, backend=engine, progress=prog)
    engine.release()  # the computing is done: local workers stopped before the outputs
    if args.out:
        with outputs_together(), prog.step(f"writing {args.out}"):
            write_table(table, args.out)
    common.echo(common.format_table(display_frame(table, probs), max_rows=200,
                                    right=tuple(_headers(probs)[1:])))
    said = verdict_lines(table, probs)
    if said:
        common.echo("\n" + said)
    if args.out:
        common.echo(f"written: {args.out}")
    if settings.enabled:
        params, inputs = tracking.assessment_params(  # as mstarget assess logs them, plus the probabilities
            plan=args.plan, history=args.history, plan_frame=plan, history_frame=history, table=None,
            reference=args.reference, reference_frame=reference, calibration=common.calibration_arg(args),
            model=args.model, as_of=args.as_of, seed=args.seed, backend=engine,
            probabilities=",".join(f"{p:g}" for p in probs))
        run_id = common.log_run(logger, "log_result", "suggest", table, params, settings,
                                metrics=suggestion_metrics(table, probs), artifact="suggestions.csv",
                                inputs=inputs, run_name=tracking.records.describe_run("suggest", table, params))
        if run_id is not None:
            common.echo(f"MLflow run {run_id} logged to {settings.store_uri()}")
    return common.EXIT_OK


def _headers(probs) -> list[str]:
    return ["规划目标", "达标概率", *(f"{probability_label(p)}%把握目标" for p in probs)]


def _figure_text(v, row, decimals) -> str:
    """A suggested figure in the plan's notation: ``≥〔44.8〕``, ``≤2.5``."""
    if v != v:
        return "-"
    opening, closing = NOTATION_BRACKETS.get(row["kind"], ("", ""))
    return DIRECTION_SIGN.get(row["direction"], "") + opening + number_text(v, int(decimals)) + closing


def _percent(p) -> str:
    """A probability as the report writes it: 72%, <1% / >99% for one that is not 0 or 1."""
    if p != p:
        return "-"
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1:
        return ">99%"
    return f"{percent_int(p)}%"


def display_frame(table: pd.DataFrame, probs) -> pd.DataFrame:
    """The printout: 指标, 单位, 规划目标, 达标概率, 70%把握目标, 80%把握目标 (a figure met with a clearly
    higher probability than asked -- a count's step -- says it: ``≤1（96%）``), 说明; the region first when the
    table covers several, the target year when the rows have several."""
    heads = _headers(probs)
    out = pd.DataFrame(index=table.index)
    if table["region"].nunique(dropna=True) > 1:
        out["地区"] = table["region"].astype(str)
    out["指标"] = [n if isinstance(n, str) and n else i for n, i in zip(table["name"], table["indicator"])]
    out["单位"] = table["unit"].fillna("").astype(str)
    if table["target_year"].nunique(dropna=True) > 1:
        out["目标年"] = table["target_year"].astype("string").fillna("-")
    records = table.to_dict("records")
    out[heads[0]] = [_pending_text(r) if _pending(r) else target_text(r) if r["direction"] in DIRECTION_SIGN
                     else (r.get("target_written") or "定性") for r in records]
    # the drafted target's chance where the row is measured (a figure suggested): not beside 不测算 (one observation
    # and no peers: its 50 % is no forecast, as assess shows it -)
    measured = table[target_column(probs[0])].notna().tolist()
    out[heads[1]] = [_percent(r["p_meet"]) if m else "-" for r, m in zip(records, measured)]
    for p, head in zip(probs, heads[2:]):
        cells = []
        for r in records:
            v, got = r[target_column(p)], r[probability_column(p)]
            text = "-" if v != v else _figure_text(v, r, r["decimals"])
            marks = [f"{_percent(got)}"] if v == v and got == got and got - p >= 0.05 else []
            if v == v and _marked(r, p):
                marks += [_reached_mark(ref, r) for ref in reached_figures(r, v, int(r["decimals"]))]
            if marks:
                text += f"（{'，'.join(marks)}）"
            cells.append(text)
        out[head] = cells
    if table["reason"].astype(str).str.len().gt(0).any():
        out["说明"] = table["reason"].fillna("").astype(str)
    return out


def _pending(row) -> bool:
    """Whether ``row``'s target is not set yet (待定: ``target_pending``; a table without the column: no)."""
    v = row.get(PENDING_COLUMN, False)
    return isinstance(v, (bool, np.bool_)) and bool(v)


def _pending_text(row) -> str:
    """A target not set yet as the plan wrote it (待定, 另行确定), never a figure."""
    w = row.get("target_written")
    return w.strip() if isinstance(w, str) and w.strip() else "待定"


def _marked(row, p) -> bool:
    """Whether ``row``'s figure at ``p`` asks for no more than is already reached (``reached_at_70``; a table
    without the column, or a blank cell: no)."""
    v = row.get(reached_column(p), False)
    return bool(v) if v is not None and v == v else False


def _reached_mark(ref, row) -> str:
    """A figure asking for no more than is reached, marked beside it: ``低于基期值84.6``, ``高于最新值206.8``,
    ``已完成〈12〉`` (:func:`mstarget.suggest.reached_figures`; the year and the whole sentence are in 说明)."""
    what, year, reached = ref
    text = reached_text(what, year, reached, row, int(row["decimals"]))
    if what == "done":
        return f"已完成{text}"
    return ("低于" if row["direction"] == ">=" else "高于") + ("基期值" if what == "baseline" else "最新值") + text


def verdict_lines(table: pd.DataFrame, probs) -> str:
    """Which drafted targets are met with less than the lowest probability asked (偏高) and which with more than
    the highest (偏保守)."""
    low, high = min(probs), max(probs)
    names = [n if isinstance(n, str) and n else i for n, i in zip(table["name"], table["indicator"])]
    p = pd.to_numeric(table["p_meet"], errors="coerce").where(table[target_column(probs[0])].notna())  # measured
    if "last_year" in table.columns:  # a target year already observed is a fact (met or missed), no drafted target
        p = p.where(~(pd.to_numeric(table["target_year"], errors="coerce")
                      <= pd.to_numeric(table["last_year"], errors="coerce")))
    if table["target_year"].nunique(dropna=True) > 1:  # 千人食品检验量（2027年目标）: one indicator, two targets
        names = [f"{n}（{int(y)}年目标）" if y == y else n for n, y in zip(names, table["target_year"])]
    regions = table["region"].astype("string").fillna("").astype(str).tolist()
    lines = []
    hard = _by_indicator([(n, g) for n, g, v in zip(names, regions, p) if v == v and v < low], regions)
    easy = _by_indicator([(n, g) for n, g, v in zip(names, regions, p) if v == v and v > high], regions)
    if hard[0]:
        lines.append(f"达标概率低于{probability_label(low)}%（目标偏高）{hard[0]}项：{'、'.join(hard[1])}")
    if easy[0]:
        lines.append(f"达标概率高于{probability_label(high)}%（目标偏保守）{easy[0]}项：{'、'.join(easy[1])}")
    reached = [(f"{n}（{'、'.join(f'{probability_label(q)}%' for q in probs if _marked(r, q))}）", g)
               for n, g, r in zip(names, regions, table.to_dict("records")) if any(_marked(r, q) for q in probs)]
    if reached:
        count, said = _by_indicator(reached, regions)
        lines.append(f"把握目标未超过已达到水平{count}项（≥目标低于基期值或最新值、≤目标高于、〈〉目标已完成，见说明）："
                     f"{'、'.join(said)}")
    pending = [_pending(r) for r in table.to_dict("records")]
    figured = table[target_column(probs[0])].notna().tolist()
    done = _by_indicator([(n, g) for n, g, w, f in zip(names, regions, pending, figured) if w and f], regions)
    if done[0]:
        lines.append(f"目标待定、已按预测测算把握目标{done[0]}项：{'、'.join(done[1])}")
    none = int(table[target_column(probs[0])].isna().sum())
    if none:
        lines.append(f"未测算 {none} 项（定性指标、目标待定且未给出方向、无数据或仅有一个数据点，见说明）")
    return "\n".join(lines)


def _by_indicator(named: list[tuple[str, str]], regions: list[str]) -> tuple[int, list[str]]:
    """``(how many targets, their names)``: of one region the names alone; of several each indicator once with its
    regions, as the report groups them -- ``食品抽检合格率（全部3个地区）``, ``期末市场主体总量（2个地区：端州区、四会市）``,
    ``重大食品安全事故（四会市）`` -- never the same name three times over without a region."""
    every = list(dict.fromkeys(regions))
    if len([g for g in every if g]) <= 1:
        return len(named), [n for n, _ in named]
    groups: dict[str, list[str]] = {}
    for n, g in named:
        groups.setdefault(n, []).append(g)
    out = []
    for n, regs in groups.items():
        k = len(regs)
        if k == len(every) and k > 1:
            out.append(f"{n}（全部{k}个地区）")
        elif k > 1:
            out.append(f"{n}（{k}个地区：{'、'.join(regs)}）")
        else:
            out.append(f"{n}（{regs[0]}）" if regs[0] else n)
    return len(named), out


def suggestion_metrics(table: pd.DataFrame, probs) -> dict[str, float]:
    """The tracked run's metrics: rows, rows with suggestions, drafted targets below the lowest / above the
    highest probability, and their mean p_meet."""
    p = pd.to_numeric(table["p_meet"], errors="coerce").where(table[target_column(probs[0])].notna())  # measured
    out = {"n_targets": float(len(table)),
           "n_suggested": float(table[target_column(probs[0])].notna().sum()),
           f"n_drafted_below_{probability_label(min(probs))}": float((p < min(probs)).sum()),
           f"n_drafted_above_{probability_label(max(probs))}": float((p > max(probs)).sum())}
    if p.notna().any():
        out["mean_p_meet"] = float(p.mean())
    columns = [reached_column(q) for q in probs if reached_column(q) in table.columns]
    if columns:  # rows with a figure asking for no more than is already reached (below the base year ...)
        out["n_reached"] = float(table[columns].fillna(False).astype(bool).any(axis=1).sum())
    return out
