"""``evaluate``: how much earlier, and how many more, failures a risk ranking finds.

Two kinds of data:

* **Per-record** (``evaluate(y, p, dates=...)``): one inspection per row with outcome 0/1 and a
  predicted probability. Metrics: ROC AUC, Brier score, log loss (each with the baseline of one
  rate for everybody: the training base rate if given, else the test rate), ``capture@k`` (share of
  all failures found in the first ``k`` % of inspections when they are done in order of predicted
  risk), and, with ``dates``, the *Chicago method*: within each window of days (default the whole
  test period) the same inspections are re-ordered by predicted risk keeping the number done per
  day, and ``days_earlier`` is the mean (``days_earlier_median`` the median) of actual date minus
  re-ordered date over the inspections with a failure. ``first_half_actual`` / ``first_half_model``
  are the shares of failures found on days that lie in the first half of all inspections.
  Calibration: ``mean_predicted`` against ``base_rate``, and ``predicted_q1``-``q5`` against
  ``observed_q1``-``q5``, the mean probability and the failure rate of each fifth of the inspections by
  predicted risk (5 = riskiest; from 100 inspections on). When the Brier score is no better than one
  rate for all, the conclusion says the probabilities are not to be used as failure probabilities.
* **Aggregated** (``evaluate(test_samples, scores, budget=...)``): the groups' scores are judged on
  a later period's counts: per-batch AUC / Brier / log loss, ``capture@k`` along the risk ranking,
  and the unqualified batches each plan would have found -- the default
  :func:`~mstarget.risk.allocate` plan, an even plan, a volume-proportional plan and pure risk
  targeting -- *estimated* (hence the names ``est_found_*``): planned batches x each group's
  realised test-period rate, every extra batch as likely to fail as those tested -- an **upper
  bound**, which can exceed the failures actually found when a plan samples a group more than it
  was sampled. ``est_found_*_lots`` credits each plan with the allocation's own model instead:
  ``E_g(n) = r_g * N_g * (1 - (1 - 1/N_g) ** n)`` with ``r_g`` the group's realised rate and
  ``N_g`` the market the plan was built with (diminishing returns: a batch of an already-sampled
  lot finds nothing new; :func:`~mstarget.risk.allocate.expected_found`). Every plan is credited
  with the same model, so ``plan_vs_volume_lots`` / ``plan_vs_even_lots`` compare like with like
  and no plan is credited with more than the model it was planned with allows; with the market
  taken as the batches tested (the default) its levels are low when the real market is larger.

  The market ``N_g`` (default ``volume="tested"``): the group's batches tested in the training
  periods *per test period* -- the training batches x (months of the test period / months of the
  training periods) -- since a plan covers one test period, and the market of one period must not
  grow with the years of history scored (metric ``market_scale``; 1 when the training periods are
  unknown); a group listed in only some training periods is scaled on those it was listed in, as
  :func:`~mstarget.risk.allocate.allocate` sizes a plan period's market (:func:`~mstarget.risk.allocate.scored_months`). A group never tested gets the smallest tested market
  (:func:`~mstarget.risk.allocate.unknown_markets`). Lots given (``volume`` = a mapping or a
  column of lots in the test period) are used as given.

:meth:`RiskEvaluation.report` turns the metrics into a readable table: each metric in words, its
baseline and a one-line verdict. A groups evaluation also gives :data:`INTERVAL_LEVEL` intervals of the
AUC and of the plan ratios, from resampling the groups and their test failures (seeded; ``*_lo`` /
``*_hi``), and says the comparison is unstable when fewer than :data:`FEW_GROUPS` groups are compared or
the linear and the diminishing-returns ratios lie on either side of 1; :attr:`RiskEvaluation.conclusion`
is the one line for leadership (总体结论: adopt the plan or not, and how sure).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..exceptions import DataValidationError, MstargetWarning, ParameterError, Problem
from ..progress import Progress
from .allocate import (DEFAULT_MAX_SHARE, DEFAULT_RISK_SHARE, MARKET_SIZED, allocate, expected_found, infer_by,
                       proportional_allocation, scored_months)
from .periods import parse_period
from .samples import (DATE_EXAMPLES, FIRST_DATE, LAST_DATE, _cell_text, _no_such_day, check_by, fold_item_rows,
                      group_key, parse_dates, read_dates, total_rows, validate_samples)
from .score import PERIOD_COLUMNS, drop_total_rows, score, silent_periods, silent_text, warn_silent_periods

DEFAULT_KS = (10, 20, 50)
#: how far below the coverage share (``1 - risk_share``) a group's planned / volume-plan batches may fall
#: and still be said to keep it: the rounding of a few batches (24.8 % of a volume share of 100 batches)
COVERAGE_SLACK = 0.01
#: fewer groups compared than this: the report and the conclusion say the comparison is unstable
FEW_GROUPS = 10
#: probability content of the resampling intervals of the plan ratios and the AUC (as the scores')
INTERVAL_LEVEL = 0.90
#: rows per fifth at least for the reliability rows (predicted_q1-5 / observed_q1-5) of a records evaluation
RELIABILITY_MIN_ROWS = 20
#: resamples of those intervals (seeded: the same data and seed give the same interval)
BOOT_REPS = 1000
#: at most this many (resample, group) draws are held at once by :func:`_resampled_intervals` (the resamples are
#: drawn in chunks of ``BOOT_CELLS // groups``): its dozen arrays of that many floats take ~100 MB whatever the
#: number of groups -- 10,800 groups drawn all at once held 1.25 GB, 100,000 groups would have held >10 GB
BOOT_CELLS = 1_000_000


@dataclass(frozen=True)
class RiskEvaluation:
    """Result of :func:`evaluate`.

    Attributes
    ----------
    kind : str
        ``"records"`` or ``"groups"``.
    metrics : dict of str -> float
        See the module docstring; probabilities and shares in 0-1, days in days.
    table : DataFrame
        Detail: per day (records with dates: ``date, inspections, failures_actual,
        failures_model``) or per group (groups: ``by..., tested, failed, rate, risk,
        batches_plan, batches_even, batches_volume, batches_risk_only``).
    periods : dict
        ``train`` and ``test``: the periods (groups) or date ranges (records) used, as text.
    not_tested : tuple of str
        Groups (kind ``"groups"``): scored groups with no counts in the test period, left out of
        every figure (metric ``groups_not_tested`` counts them); ``" / "`` joins several ``by`` levels.
    leaks : dict of str -> float
        Records: features suspected of restating the outcome and their single-feature training AUC
        (:attr:`RiskModel.leaks_ <mstarget.risk.records.RiskModel>`); while any is in, the report
        says the AUC is not to be trusted.
    silent : tuple of dict
        Groups: test periods with many batches and not one failure
        (:func:`~mstarget.risk.score.silent_periods`), probably unpublished failures; the report
        says so beside the failures and the losses.
    not_scored : tuple of (str, int, int)
        Groups (kind ``"groups"``): test groups without training data, left out of every figure (metric
        ``groups_not_scored``), each with its test batches and unqualified batches, named in ``.report()``
        and in :attr:`conclusion`.
    """

    kind: str
    metrics: Mapping[str, float]
    table: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    periods: Mapping[str, str] = field(default_factory=dict)
    not_tested: tuple = ()
    leaks: Mapping[str, float] = field(default_factory=dict)
    silent: tuple = ()
    not_scored: tuple = ()

    def __repr__(self) -> str:
        """One readable line: the split, the counts and the headline figures (``.report()`` has them all)."""
        m = {k: float(v) for k, v in self.metrics.items()}

        def has(k):
            return k in m and m[k] == m[k]

        parts = []
        if self.periods:
            parts.append(f"train {self.periods.get('train', '?')} → test {self.periods.get('test', '?')}")
        for key, word in (("groups", "groups"), ("n", "inspections"), ("batches", "batches"),
                          ("failures", "unqualified")):
            if has(key):
                parts.append(f"{m[key]:,.0f} {word}")
        if has("auc"):
            parts.append(f"AUC {m['auc']:.3f}" + (f" [{m['auc_lo']:.3f}–{m['auc_hi']:.3f}]"
                                                   if has("auc_lo") and has("auc_hi") else ""))
        if has("brier"):
            parts.append(f"Brier {m['brier']:.4f}" + (f" (base {m['brier_base']:.4f})" if has("brier_base") else ""))
        cap = next((k for k in m if k.startswith("capture@") and has(k)), None)
        if cap:
            parts.append(f"{cap} {m[cap]:.1%}")
        if has("plan_vs_volume"):
            parts.append(f"plan vs volume ×{m['plan_vs_volume']:.3f}")
        if has("plan_vs_even"):
            parts.append(f"plan vs even ×{m['plan_vs_even']:.3f}")
        for key, word in (("groups_not_scored", "not scored"), ("groups_not_tested", "not tested")):
            if has(key) and m[key]:
                parts.append(f"{m[key]:.0f} {word}")
        if self.leaks:
            parts.append(f"leaks: {', '.join(self.leaks)}")
        if self.silent:
            parts.append("silent test period")
        return f"RiskEvaluation({self.kind}: {'; '.join(parts)}; .report() for all {len(m)} metrics)"

    def to_dict(self) -> dict[str, float]:
        return dict(self.metrics)

    def to_frame(self) -> pd.DataFrame:
        """Metrics as a two-column DataFrame (``metric``, ``value``)."""
        return pd.DataFrame({"metric": list(self.metrics), "value": list(self.metrics.values())})

    def report(self) -> pd.DataFrame:
        """The metrics a reader needs, in words, with baselines and verdicts.

        Returns
        -------
        DataFrame
            One row per metric: ``metric`` (key of :attr:`metrics`), ``name`` (short, Chinese
            then English), ``value`` (float), ``shown`` (formatted: percentages, whole numbers
            with thousands separators, no scientific notation; a count and its baseline count with the
            decimals that make the difference of the figures shown the one the verdict says: 14.6 and 13.2,
            not 15 and 13 beside "1.4 more"), ``baseline`` (float or NaN),
            ``baseline_shown``, ``baseline_is`` (what the baseline is), ``verdict`` (one line)
            and ``description`` (the metric in words, English).
        """
        rows = _RECORD_ROWS if self.kind == "records" else _GROUP_ROWS
        out = []
        for key, name, fmt, base_key, base_text, judge, description in rows:
            if key not in self.metrics:
                continue
            v = float(self.metrics[key])
            b = _baseline(self.metrics, base_key)
            verdict = _not_tested_verdict(self.not_tested) if key == "groups_not_tested" else \
                _unscored_verdict(v, self.metrics, self.not_scored) if key == "groups_not_scored" else \
                judge(v, b, self.metrics)
            verdict = self._caution(key, verdict)
            shown, shown_b = _fmt(v, fmt), "" if b != b else _fmt(b, fmt)
            if fmt == "int" and isinstance(base_key, str) and v == v and b == b:  # counts compared: as the verdict
                shown, shown_b = _counts_text(v, b)[:2]
            out.append({"metric": key, "name": name, "value": v, "shown": shown,
                        "baseline": b, "baseline_shown": shown_b,
                        "baseline_is": base_text, "verdict": verdict,
                        "description": description})
        return pd.DataFrame(out)

    def _caution(self, key: str, verdict: str) -> str:
        """``verdict`` of metric ``key``, replaced or extended where :attr:`leaks` or :attr:`silent`
        make the figure untrustworthy, with the resampling interval of the AUC and of the plan ratios
        and a caution where few groups are compared or the two ratios disagree."""
        if key == "auc" and self.leaks:
            return f"AUC 不可信：{_leak_text(self.leaks)}"
        m = self.metrics
        if self.kind == "groups" and key in ("auc", "est_found_plan", "est_found_plan_lots", "plan_vs_even",
                                             "plan_vs_even_lots"):
            ratio = {"auc": "auc", "est_found_plan": "plan_vs_volume",
                     "est_found_plan_lots": "plan_vs_volume_lots"}.get(key, key)
            other = "平均分配" if key.startswith("plan_vs_even") else "按量方案"
            lo, hi = m.get(f"{ratio}_lo", float("nan")), m.get(f"{ratio}_hi", float("nan"))
            if lo == lo and hi == hi:
                unit = "" if key == "auc" else " 倍"
                spans = (lo <= 0.5 <= hi) if key == "auc" else (lo <= 1.0 <= hi)
                verdict += (f"；{m.get('interval_level', INTERVAL_LEVEL):.0%} 区间 {lo:.2f}–{hi:.2f}{unit}"
                            + ("，含" + ("随机 0.5" if key == "auc" else f" 1（与{other}无差别）") if spans else ""))
            if key.startswith("plan_vs_even") and m.get(key, float("nan")) > 1.0 and _chance_ranking(m):
                verdict += ("；AUC 区间含 0.5，排序不优于随机：多出的不是按风险找到的"
                            + ("（边际递减下含市场量假定的作用：市场量取抽检批次时，平均分配在抽检少的组重复抽样被计为无新发现）"
                               if key == "plan_vs_even_lots" else ""))
            groups = m.get("groups", float("nan"))
            if groups == groups and groups < FEW_GROUPS:
                verdict += f"；仅 {groups:.0f} 组可比，结论不稳"
            base = "even" if key.startswith("plan_vs_even") else "volume"
            if key != "auc" and _ratios_disagree(m, base):
                verdict += (f"；线性上限 {m[f'plan_vs_{base}']:.2f} 倍与边际递减 {m[f'plan_vs_{base}_lots']:.2f} 倍"
                            "分居 1 的两侧，不能断定本方案更好")
        if self.silent and key == "failures":
            return (f"测试期 {silent_text(list(self.silent))}无一不合格：疑为不合格结果未公布，而非真的全部合格；"
                    "以下各项比较不可信，见注")
        if self.silent and key in ("brier", "log_loss", "log_loss_raw"):
            return (verdict + "；" if verdict else "") + "测试期无一不合格，疑为未公布，比较不可信"
        return verdict

    @property
    def note(self) -> str:
        """What the report's figures mean where a reader could misread them (one paragraph, and one
        more for each caution: features suspected of leaking the outcome, a test period without a
        failure)."""
        parts = [NOTES[self.kind]]
        if self.leaks:
            parts.append(f"{_leak_text(self.leaks)}：这些特征单独就几乎能区分结果（训练期 AUC ≥ 0.9 或取值近乎一一对应），"
                         "多为与检查结果同时或之后记录的列，留在模型中时 AUC 等各项不反映对下一批检查的区分能力。 / "
                         f"{', '.join(self.leaks)}: each alone tells the outcome apart almost perfectly on the "
                         "training rows; while such a feature is in, the AUC says nothing of how well the next "
                         "inspections can be told apart.")
        if self.silent:
            parts.append(f"测试期 {silent_text(list(self.silent))}各组均无不合格：批次这么多而无一不合格，更可能是不合格"
                         "结果未公布（只公布了合格批次）而非真的全部合格；Brier、对数损失与对照的比较因此不可信。请核对数据来源。 / "
                         f"The test period {', '.join(f['period'] for f in self.silent)} has no failure in any "
                         "group: probably its failures were not published; the losses against the baseline "
                         "mean nothing.")
        return "\n".join(parts)

    @property
    def conclusion(self) -> str:
        """One line for leadership (Chinese, then English): adopt the default plan or not (groups), use
        the ranking or not (records), and how sure, with the reasons (few groups, ratios that disagree,
        an interval across 1, groups left out, a test period without failures, leaking features)."""
        return _group_conclusion(self) if self.kind == "groups" else _record_conclusion(self)

    def __getitem__(self, key: str) -> float:
        return self.metrics[key]


# ----------------------------------------------------------------------------- readable report
def _fmt(v: float, fmt: str) -> str:
    if v != v:
        return "-"
    if fmt == "pct":
        return f"{100 * v:.2f}%"
    if fmt == "int":
        return f"{v:,.0f}"
    if fmt == "days":
        return f"{v:.2f} 天"
    return f"{v:.3f}"


def _decimals(a: float, b: float) -> int:
    """Decimals (0, 1 or 2) to show two counts with, so that the difference of the figures as shown is the
    difference of the counts rounded alike (14.60 and 13.22: ``1`` -- 14.6 and 13.2, 1.4 more -- where whole
    numbers would show 15 and 13 beside "1 more"); counts that differ (by 0.005 or more) are shown different
    (4.3 and 3.9, not 4 and 4 "the same" beside a ratio of 1.10)."""
    for k in (0, 1):
        agrees = abs((round(a, k) - round(b, k)) - round(a - b, k)) < 0.5 * 10.0 ** -k
        if agrees and (round(a, k) != round(b, k) or abs(a - b) < 0.005):
            return k
    return 2


def _counts_text(a: float, b: float) -> tuple[str, str, float, str]:
    """Two counts as shown (:func:`_decimals` places, thousands separated), the difference of those figures
    (``a - b``, rounded alike) and that difference's size as shown: ``("14.6", "13.2", 1.4, "1.4")``."""
    k = _decimals(a, b)
    d = round(round(a, k) - round(b, k), k)
    return f"{a:,.{k}f}", f"{b:,.{k}f}", d, f"{abs(d):,.{k}f}"


def _baseline(m: Mapping[str, float], key) -> float:
    if key is None:
        return float("nan")
    if isinstance(key, (int, float)):
        return float(key)
    return float(m.get(key, float("nan")))


def _auc_verdict(v, b, m) -> str:
    if v != v:
        return "测试期只有一种结果，无法计算"
    if v < 0.52:
        return "与随机差不多"
    if v < 0.6:
        return "略好于随机"
    if v < 0.7:
        return "有一定区分能力"
    return "区分能力较强"


def _lower_better(v, b, m) -> str:
    if v != v or b != b or b <= 0:
        return ""
    d = (b - v) / b
    if abs(d) < 0.005:
        return "与对照相同"
    return f"比对照好 {d:.1%}" if d > 0 else f"比对照差 {-d:.1%}"


def _ratio_verdict(v, b, m) -> str:
    if v != v or b != b or b <= 0:
        return ""
    shown_v, shown_b, d, size = _counts_text(v, b)
    if d == 0:
        return f"对照的 {v / b:.2f} 倍（{shown_v} 对 {shown_b}，相同）"
    return f"对照的 {v / b:.2f} 倍（{shown_v} 对 {shown_b}，{'多' if d > 0 else '少'} {size}）"


def _times_verdict(v, b, m) -> str:
    return "" if v != v or b != b or b <= 0 else f"对照的 {v / b:.2f} 倍"


def _found_verdict(v, b, m) -> str:
    text = _ratio_verdict(v, b, m)
    actual = m.get("failures", float("nan"))
    if v == v and actual == actual and v > actual:
        text += "；估算值高于实际不合格数，见注"
    return text


def _vs_even_verdict(suffix: str):
    """The verdict of ``plan_vs_even`` (``suffix=""``) or ``plan_vs_even_lots``: the finds of both plans."""
    def verdict(v, b, m) -> str:
        plan, even = m.get(f"est_found_plan{suffix}", float("nan")), m.get(f"est_found_even{suffix}", float("nan"))
        if v != v or plan != plan or even != even:
            return ""
        shown_plan, shown_even, d, size = _counts_text(plan, even)
        return (f"默认方案估算发现 {shown_plan}，平均分配 {shown_even}"
                + (f"（默认方案{'多' if d > 0 else '少'} {size}）" if d != 0 else "（相同）"))
    return verdict


def _share_verdict(v, b, m) -> str:
    """Against the plan's own cap (``max_share``, 30 % by default; none: said as the share alone)."""
    cap = m.get("plan_max_share", DEFAULT_MAX_SHARE)
    if cap != cap:  # max_share=None: no cap to hold it to
        return f"单组最大份额 {v:.0%}（未设上限）"
    return f"没有一组超过 {cap:.0%}" if v <= cap + 1e-9 else f"有一组超过 {cap:.0%}，方案集中"


def _min_ratio_verdict(v, b, m) -> str:
    """Against the coverage share the plan keeps (``1 - risk_share``, a quarter by default): each group gets
    at least that share of its volume-plan batches, less a batch from rounding, unless a cap holds it."""
    if v != v:
        return ""
    cov = m.get("plan_coverage_share", 1.0 - DEFAULT_RISK_SHARE)
    text = f"每组至少得到按量方案批次的 {v:.1%}"
    if cov != cov or cov <= 0:
        return text
    if v >= cov - COVERAGE_SLACK:
        return text + f"（覆盖份额 {cov:.0%} 已保住{'，差额来自取整' if v < cov - 1e-9 else ''}）"
    plain = m.get("plan_min_plain_ratio", float("nan"))
    if plain == plain and plain >= cov - COVERAGE_SLACK:  # kept against the split before the caps: said so
        return text + (f"（按量方案把被上限压低之组的批次分给了其他组；按不设上限的按量比例，每组至少得到 {plain:.1%}，"
                       f"覆盖份额 {cov:.0%} 已保住）")
    return text + f"（低于覆盖份额 {cov:.0%}：有组被上限或批次取整压低）"


def _days_verdict(v, b, m) -> str:
    if v != v:
        return ""
    return f"发现问题平均提前 {v:.1f} 天" if v > 0 else "没有更早发现"


def _plain(v, b, m) -> str:
    return ""


#: predicted within this factor of the observed rate (either way), or within half a point: "matches"
CALIBRATION_TOLERANCE = 1.25


def _calibration_verdict(v, b, m) -> str:
    """Predicted probability ``v`` against the failure rate observed ``b``: matches, over- or understates."""
    if v != v or b != b:
        return ""
    if abs(v - b) < 0.005 or (b > 0 and 1 / CALIBRATION_TOLERANCE <= v / b <= CALIBRATION_TOLERANCE):
        return "与实际相符"
    if b <= 0:
        return "高估：该档实际无一不合格"
    return f"高估：预测为实际的 {v / b:.1f} 倍" if v > b else f"低估：预测为实际的 {v / b:.2f} 倍"


def _probabilities_poor(m: Mapping[str, float]) -> bool:
    """Whether the probabilities are no better than one rate for all (Brier not below its baseline's)."""
    brier, base = m.get("brier", float("nan")), m.get("brier_base", float("nan"))
    return brier == brier and base == base and brier >= base


def _unscored_verdict(v, m, named: Sequence = ()) -> str:
    """The test groups without training data: their batches, and each named (at most 10) with its own."""
    if not v > 0:
        return ""
    text = (f"训练期无数据，未计入以下各项（{m.get('batches_not_scored', 0):,.0f} 批，"
            f"{m.get('failures_not_scored', 0):,.0f} 批不合格）")
    if not named:
        return text
    if len(named) == 1:
        return text + f"：{named[0][0]}"
    listed = "、".join(f"{g}（{t:,} 批，{f:,} 批不合格）" for g, t, f in named[:10])
    return text + f"：{listed}" + (f" 等 {len(named)} 组" if len(named) > 10 else "")


def _ratios_disagree(m: Mapping[str, float], base: str = "volume") -> bool:
    """Whether the linear and the diminishing-returns ratio of the plan to the volume plan (``base="even"``:
    to the even plan) lie on the two sides of 1 (one says the plan finds more, the other fewer)."""
    a, b = m.get(f"plan_vs_{base}", float("nan")), m.get(f"plan_vs_{base}_lots", float("nan"))
    return a == a and b == b and (a - 1.0) * (b - 1.0) < 0 and max(abs(a - 1.0), abs(b - 1.0)) > 0.005


def _group_conclusion(r: "RiskEvaluation") -> str:
    """:attr:`RiskEvaluation.conclusion` of a groups evaluation (see there)."""
    m = r.metrics
    lin, dim = m.get("plan_vs_volume", float("nan")), m.get("plan_vs_volume_lots", float("nan"))
    groups = m.get("groups", float("nan"))
    level = m.get("interval_level", INTERVAL_LEVEL)
    if r.silent:
        return ("总体结论：无法判断——测试期疑缺不合格结果（各组均为 0），方案比较不可信；请先核对数据。 / Overall: cannot "
                "tell -- the test period has no failure in any group (probably unpublished), so no plan comparison holds.")
    if lin != lin and dim != dim:
        return ("总体结论：无法判断——没有可比的方案发现数。 / Overall: cannot tell -- no plan's finds could be compared.")
    zh, en = [], []
    if groups == groups and groups < FEW_GROUPS:
        zh.append(f"仅 {groups:.0f} 组可比")
        en.append(f"only {groups:.0f} groups compared")
    disagree = _ratios_disagree(m)
    if disagree:
        zh.append("两种算法一多一少，方向相反")
        en.append("the two ways of crediting the plans disagree on which finds more")
    across = []
    for key, name in (("plan_vs_volume", "线性"), ("plan_vs_volume_lots", "边际递减")):
        lo, hi = m.get(f"{key}_lo", float("nan")), m.get(f"{key}_hi", float("nan"))
        if lo == lo and hi == hi and lo <= 1.0 <= hi:
            across.append((name, lo, hi))
    if across:
        zh.append("、".join(f"{n} {level:.0%} 区间 {lo:.2f}–{hi:.2f} 倍" for n, lo, hi in across) + " 跨过 1")
        en.append(" and ".join(f"the {'linear' if n == '线性' else 'diminishing-returns'} {level:.0%} interval "
                               f"{lo:.2f}-{hi:.2f}x" for n, lo, hi in across) + (" span" if len(across) > 1 else " spans")
                  + " 1")
    alo, ahi = m.get("auc_lo", float("nan")), m.get("auc_hi", float("nan"))
    if alo == alo and alo <= 0.5 <= ahi:
        zh.append(f"AUC {m.get('auc', float('nan')):.3f} 的区间 {alo:.2f}–{ahi:.2f} 含 0.5")
        en.append(f"AUC {m.get('auc', float('nan')):.3f} with an interval {alo:.2f}-{ahi:.2f} including 0.5")
    vals = [x for x in (lin, dim) if x == x]
    better, worse = all(x > 1.0 for x in vals), all(x < 1.0 for x in vals)
    known = sum(1 for key in ("plan_vs_volume", "plan_vs_volume_lots")
                if m.get(f"{key}_lo", float("nan")) == m.get(f"{key}_lo", float("nan")))
    if across and len(across) == known:  # every interval spans 1: neither more nor fewer is shown (1.00x)
        better = worse = False
    shown = "、".join(f"{n} {x:.2f} 倍" for n, x in (("线性", lin), ("边际递减", dim)) if x == x)
    shown_en = ", ".join(f"{n} {x:.2f}x" for n, x in (("linear", lin), ("diminishing returns", dim)) if x == x)
    sure = "低" if disagree or (groups == groups and groups < 5) else "中等" if zh else "较高"
    sure_en = {"低": "low", "中等": "moderate", "较高": "fairly high"}[sure]
    why = f"（{'；'.join(zh)}）" if zh else ""
    why_en = f" ({'; '.join(en)})" if en else ""
    if better and not zh:
        head = f"建议采用默认方案：本次测试中它比按量比例方案多发现不合格（{shown}），把握{sure}"
        head_en = f"adopt the default plan: it found more failures than the volume plan ({shown_en}); confidence {sure_en}"
    elif better:
        head = (f"可以试行默认方案，但把握{sure}{why}：本次测试中它比按量比例方案多发现不合格（{shown}）；建议试行一期后用新数据"
                "再评估")
        head_en = (f"the default plan may be tried, confidence {sure_en}{why_en}: it found more failures than the "
                   f"volume plan ({shown_en}); try it for one period and evaluate again")
    elif worse:
        head = f"不建议采用默认方案：本次测试中它没有比按量比例方案多发现不合格（{shown}），把握{sure}{why}"
        head_en = (f"do not adopt the default plan: it found no more failures than the volume plan ({shown_en}); "
                   f"confidence {sure_en}{why_en}")
    else:
        # no verdict, so no confidence in one (证据不足 beside 把握中等 read as a contradiction): the reasons only
        head = (f"证据不足，不能说明默认方案比按量比例方案发现更多不合格（{'；'.join([shown] + zh)}）；暂不据此改变现行分配，"
                "或试行一期后再评估")
        head_en = (f"not shown: the evidence does not say the default plan finds more failures than the volume plan "
                   f"({'; '.join([shown_en] + en)}); keep the current split, or try the plan for one "
                   "period and evaluate again")
    even, even_en = _even_sentence(m, level)
    head, head_en = head + even, head_en + even_en
    tail, tail_en = "", ""
    if r.not_scored:
        names = "、".join(f"{g}（{t:,} 批，{f:,} 批不合格）" for g, t, f in r.not_scored[:5]) + (
            f" 等 {len(r.not_scored)} 组" if len(r.not_scored) > 5 else "")
        tail = f"。另有训练期无数据的测试组未参与比较：{names}"
        tail_en = (". Test groups without training data are not compared: "
                   + ", ".join(f"{g} ({t:,} batches, {f:,} failures)" for g, t, f in r.not_scored[:5])
                   + (f" and {len(r.not_scored) - 5} more" if len(r.not_scored) > 5 else ""))
    return f"总体结论：{head}{tail}。 / Overall: {head_en}{tail_en}."


def _chance_ranking(m: Mapping[str, float]) -> bool:
    """Whether the ranking is not shown better than chance: the AUC's interval holds 0.5 (or lies below)."""
    lo, hi = m.get("auc_lo", float("nan")), m.get("auc_hi", float("nan"))
    return lo == lo and hi == hi and lo <= 0.5


def _even_sentence(m: Mapping[str, float], level: float) -> tuple[str, str]:
    """The conclusion's sentence on the even plan (many offices split the budget evenly today), Chinese and
    English: said unless the default plan is shown to find more than an even split -- both ratios above 1,
    not every interval across 1, and a ranking better than chance (the AUC's interval above 0.5); empty when
    it is, or nothing is known.

    The AUC condition: with the market taken as the batches tested (the default), the diminishing-returns
    credit counts the even plan's repeated sampling of a rarely tested group as finding nothing new, so
    ``plan_vs_even_lots`` lies above 1 (1.1-1.3 on a city where every group fails alike) whatever the
    ranking is worth: a gain from the market assumed and the volume weights, not from the risk."""
    shown = [(n, en, key, m.get(key, float("nan"))) for n, en, key in
             (("线性", "linear", "plan_vs_even"), ("边际递减", "diminishing returns", "plan_vs_even_lots"))]
    shown = [(n, en, key, x) for n, en, key, x in shown if x == x]
    if not shown:
        return "", ""
    spans = [(lo, hi) for lo, hi in ((m.get(f"{key}_lo", float("nan")), m.get(f"{key}_hi", float("nan")))
                                     for _, _, key, _ in shown) if lo == lo and hi == hi]
    across = bool(spans) and all(lo <= 1.0 <= hi for lo, hi in spans)
    chance = _chance_ranking(m)
    if all(x > 1.0 for *_, x in shown) and not across and not chance:
        return "", ""
    figures = "、".join(f"{n} {x:.2f} 倍" + (f"（{level:.0%} 区间 {m[key + '_lo']:.2f}–{m[key + '_hi']:.2f} 倍）"
                                             if m.get(key + "_lo", float("nan")) == m.get(key + "_lo", float("nan"))
                                             else "") for n, _, key, x in shown)
    figures_en = ", ".join(f"{en} {x:.2f}x" + (f" ({level:.0%} interval {m[key + '_lo']:.2f}-{m[key + '_hi']:.2f})"
                                               if m.get(key + "_lo", float("nan")) == m.get(key + "_lo", float("nan"))
                                               else "") for _, en, key, x in shown)
    if all(x < 1.0 for *_, x in shown) and not across:
        zh = "默认方案比平均分配少发现不合格"
        en = "the default plan found fewer failures than an even split of the budget"
    elif all(x <= 1.0 for *_, x in shown):
        zh = f"默认方案没有比平均分配多发现不合格，差别在 {level:.0%} 区间之内"
        en = (f"the default plan found no more failures than an even split of the budget, the difference within "
              f"the {level:.0%} interval")
    else:
        zh = "不能说明默认方案比平均分配多发现不合格"
        en = "the evidence does not say the default plan finds more failures than an even split of the budget"
    why, why_en = "", ""
    if chance and any(x > 1.0 for *_, x in shown):
        auc, alo, ahi = m.get("auc", float("nan")), m["auc_lo"], m["auc_hi"]
        holds = "含 0.5" if ahi >= 0.5 else "低于 0.5"
        why = (f"：风险排序不优于随机（AUC {auc:.3f}，{level:.0%} 区间 {alo:.2f}–{ahi:.2f} {holds}），多出的估算发现"
               "不是按风险找到的")
        why_en = (f": the ranking is no better than chance (AUC {auc:.3f}, {level:.0%} interval {alo:.2f}-{ahi:.2f} "
                  f"{'including' if ahi >= 0.5 else 'below'} 0.5), so the extra finds estimated are not found by "
                  "the risk")
        if m.get("plan_vs_even_lots", float("nan")) > 1.0:
            why += "，边际递减的倍数含市场量假定的作用（市场量取抽检批次时，平均分配在抽检少的组重复抽样被计为无新发现）"
            why_en += ("; the diminishing-returns ratio carries the market assumed (with the market taken as "
                       "the batches tested, an even split re-sampling rarely tested groups is credited with "
                       "nothing new)")
    return (f"。与平均分配相比：{zh}（{figures}）{why}；现行按各组平均分配批次的，本次测试不支持据此改用默认方案",
            f". Against an even split: {en} ({figures_en}){why_en}; where the batches are split evenly today, "
            "this test gives no reason to switch to the default plan")


#: fewer failures (or passes) than this in a records evaluation's test period: its 总体结论 gives no verdict
#: (证据不足): an AUC of 1.000 from one failure in five records says nothing of the next inspections
FEW_FAILURES = 10


def _auc_interval(auc: float, failures: float, passes: float, level: float = INTERVAL_LEVEL) -> tuple[float, float]:
    """The ``level`` interval of an AUC from ``failures`` and ``passes`` records (Hanley & McNeil 1982:
    its standard error from the AUC and the two counts, a normal interval cut to 0..1)."""
    q1, q2 = auc / (2.0 - auc), 2.0 * auc * auc / (1.0 + auc)
    var = (auc * (1.0 - auc) + (failures - 1.0) * (q1 - auc * auc)
           + (passes - 1.0) * (q2 - auc * auc)) / (failures * passes)
    half = NormalDist().inv_cdf(0.5 + level / 2.0) * float(np.sqrt(max(var, 0.0)))
    return max(0.0, auc - half), min(1.0, auc + half)


def _record_conclusion(r: "RiskEvaluation") -> str:
    """:attr:`RiskEvaluation.conclusion` of a records evaluation (see there): no verdict (证据不足) with
    fewer than :data:`FEW_FAILURES` failures or passes in the test period, or an AUC whose
    :data:`INTERVAL_LEVEL` interval (:func:`_auc_interval`) holds 0.5, as a groups evaluation says
    证据不足 when its intervals cross 1."""
    m = r.metrics
    auc = m.get("auc", float("nan"))
    if r.leaks:
        return (f"总体结论：暂不能采用——{_leak_text(r.leaks)}。 / Overall: not usable yet -- features suspected of "
                f"leaking the outcome ({', '.join(r.leaks)}); exclude them and evaluate again.")
    if auc != auc:
        return "总体结论：无法判断——测试期只有一种结果。 / Overall: cannot tell -- the test period has one outcome only."
    n, k = m.get("n", float("nan")), m.get("failures", float("nan"))
    if n == n and k == k and min(k, n - k) < FEW_FAILURES:
        few, few_en = (f"仅 {k:.0f} 个不合格", f"only {k:.0f} failure{'s' if k != 1 else ''}") if k <= n - k else (
            f"仅 {n - k:.0f} 个合格", f"only {n - k:.0f} pass{'es' if n - k != 1 else ''}")
        return (f"总体结论：证据不足，不下结论——测试期{few}（共 {n:,.0f} 条记录；不合格或合格不足 {FEW_FAILURES} 个时不下结论），AUC {auc:.3f} "
                "说明不了按风险排序能否多发现、早发现问题；暂不据此改变检查安排，积累更多检查结果后再评估。 / Overall: not "
                f"shown -- the test period has {few_en} in {n:,.0f} records (no verdict below {FEW_FAILURES} failures or passes), too few for "
                f"the AUC {auc:.3f} to say whether ordering inspections by this risk finds more failures or finds "
                "them sooner; keep the current order and evaluate again with more results.")
    level = m.get("interval_level", INTERVAL_LEVEL)
    lo, hi = _auc_interval(auc, k, n - k, level)
    if auc >= 0.52 and lo <= 0.5:
        return (f"总体结论：证据不足，不下结论——AUC {auc:.3f} 的 {level:.0%} 区间 {lo:.2f}–{hi:.2f} 含随机 0.5（测试期 "
                f"{k:,.0f} 个不合格，共 {n:,.0f} 条记录）；暂不据此改变检查安排，积累更多检查结果后再评估。 / Overall: not "
                f"shown -- the AUC {auc:.3f} has a {level:.0%} interval {lo:.2f}-{hi:.2f} that includes chance (0.5; "
                f"{k:,.0f} failures in {n:,.0f} records); keep the current order and evaluate again with more results.")
    days = m.get("days_earlier", float("nan"))
    early = f"，按风险重排平均提前 {days:.1f} 天发现问题" if days == days and days > 0 else ""
    early_en = f", finding failures {days:.1f} days earlier on average" if days == days and days > 0 else ""
    if auc < 0.5 and hi < 0.5:  # reliably backwards: a sign turned round or a feature that misleads, not chance
        return (f"总体结论：不建议按风险排序检查：AUC {auc:.3f}（{level:.0%} 区间 {lo:.2f}–{hi:.2f}）明显低于随机 0.5，"
                f"排序方向与实际相反，请检查结果列的取值（合格/不合格是否颠倒）或所用特征。 / Overall: do not order "
                f"inspections by this risk: AUC {auc:.3f} ({level:.0%} interval {lo:.2f}-{hi:.2f}) is reliably below "
                f"chance (0.5) -- the ranking runs backwards; check the outcome's coding (passed / failed swapped?) "
                f"and the features.")
    if auc < 0.52:
        return (f"总体结论：不建议按风险排序检查：AUC {auc:.3f}，与随机差不多。 / Overall: do not order inspections by "
                f"this risk: AUC {auc:.3f}, about as good as chance.")
    sure, sure_en = ("较高", "fairly high") if auc >= 0.7 else ("中等", "moderate") if auc >= 0.6 else ("低", "low")
    if not _probabilities_poor(m):
        return (f"总体结论：可以按风险排序安排检查（AUC {auc:.3f}{early}），把握{sure}。 / Overall: inspections may be "
                f"ordered by this risk (AUC {auc:.3f}{early_en}); confidence {sure_en}.")
    if sure == "较高":
        sure, sure_en = "中等", "moderate"
    mp, rate = m.get("mean_predicted", float("nan")), m.get("base_rate", float("nan"))
    means = f"平均预测 {mp:.2%}，实际 {rate:.2%}；" if mp == mp and rate == rate else ""
    means_en = f"mean predicted {mp:.2%}, observed {rate:.2%}; " if mp == mp and rate == rate else ""
    return (f"总体结论：可按风险排序安排检查（AUC {auc:.3f}{early}），把握{sure}；但各检查的概率不可当作不合格概率使用："
            f"Brier {m['brier']:.4f} 不优于统一发现率的 {m['brier_base']:.4f}（{means}见校准各行）。 / Overall: the "
            f"ranking may order inspections (AUC {auc:.3f}{early_en}; confidence {sure_en}), but the probabilities "
            f"are not to be used as failure probabilities: Brier {m['brier']:.4f} is no better than one rate for "
            f"all ({m['brier_base']:.4f}; {means_en}see the calibration rows).")


def _leak_text(leaks: Mapping[str, float]) -> str:
    """The verdict on an AUC while features suspected of leaking the outcome are in (Chinese)."""
    named = "、".join(f"{c}（单独 AUC {a:.3f}）" for c, a in leaks.items())
    return f"疑似结果泄漏的特征：{named}，请用 --exclude 排除后再评估"


def _not_tested_verdict(names: Sequence[str]) -> str:
    """The scored groups absent from the test period, named (at most 10)."""
    if not names:
        return ""
    listed = "、".join(names[:10]) + (f" 等 {len(names)} 组" if len(names) > 10 else "")
    return f"测试期无数据，未计入以下各项：{listed}"


# (metric, short name, format, baseline (metric key or number), baseline is, verdict, description)
_GROUP_ROWS = (
    ("groups", "评估组数 groups", "int", None, "", _plain,
     "groups scored on the training periods and tested in the test period"),
    ("groups_not_scored", "未评分的测试组 unscored", "int", None, "", _plain,
     "groups with test counts but no training data (left out of every figure below)"),
    ("groups_not_tested", "无测试数据的已评分组 not tested", "int", None, "", _plain,
     "scored groups with no counts in the test period (left out of every figure below; named in the verdict)"),
    ("batches_not_scored", "未评分组的批次 unscored batches", "int", None, "", _plain,
     "batches tested in the test period by groups without training data (not in the figures below)"),
    ("failures_not_scored", "未评分组的不合格 unscored failures", "int", None, "", _plain,
     "unqualified batches of the groups without training data (not in the figures below)"),
    ("batches", "测试期批次 batches", "int", None, "", _plain, "batches tested in the test period"),
    ("failures", "测试期不合格 failures", "int", None, "", _plain,
     "unqualified batches actually found in the test period"),
    ("base_rate", "测试期不合格率 rate", "pct", "train_rate", "训练期", _plain,
     "failure rate of the test period; baseline: of the training periods"),
    ("auc", "AUC 排序能力", "num", 0.5, "随机排序", _auc_verdict,
     "probability that a random unqualified batch has a higher score than a random qualified one"),
    ("brier", "Brier（越低越好）", "num", "brier_base", "统一用训练期不合格率", _lower_better,
     "mean squared error of the probabilities per batch; baseline: one pooled training rate"),
    ("log_loss", "对数损失（越低越好）", "num", "log_loss_base", "统一用训练期不合格率", _lower_better,
     "log loss per batch; baseline: one pooled training rate"),
    ("log_loss_raw", "对数损失：未收缩原始率", "num", "log_loss", "收缩后的风险分", _lower_better,
     "log loss of the raw training rates; baseline: the shrunken scores"),
    ("capture@20", "风险最高 20% 批次的发现占比", "pct", 0.2, "随机 20%", _times_verdict,
     "share of the test failures within the riskiest 20 % of batches"),
    ("budget", "方案预算（批）", "int", None, "", _plain, "batches given to each plan"),
    ("est_found_plan", "默认方案估算发现（上限）", "int", "est_found_volume", "按量比例方案", _found_verdict,
     "default plan (coverage + risk): planned batches x each group's realised test rate (an upper bound)"),
    ("est_found_volume", "按量比例方案估算发现（上限）", "int", "est_found_even", "平均分配", _found_verdict,
     "volume-proportional plan: planned batches x realised test rate"),
    ("est_found_even", "平均分配估算发现（上限）", "int", None, "", _plain,
     "even plan: planned batches x realised test rate"),
    ("plan_vs_even", "默认方案 vs 平均分配（上限）", "num", 1.0, "与平均分配相同", _vs_even_verdict(""),
     "default plan's estimated finds over the even plan's (the same budget split equally among the groups, "
     "as many offices split it today); above 1: the plan finds more"),
    ("est_found_risk_only", "纯按风险估算发现（上限）", "int", "est_found_plan", "默认方案", _found_verdict,
     "pure risk targeting without coverage or caps (not adoptable; for comparison)"),
    ("est_found_plan_lots", "默认方案估算发现（边际递减）", "int", "est_found_volume_lots", "按量比例方案",
     _found_verdict, "the same plans credited with the allocation's own model: realised test rate with "
     "diminishing returns within each group's market (see the note)"),
    ("plan_vs_even_lots", "默认方案 vs 平均分配（边际递减）", "num", 1.0, "与平均分配相同", _vs_even_verdict("_lots"),
     "the same ratio with diminishing returns (the allocation's own model, as est_found_plan_lots)"),
    ("plan_largest_share", "默认方案单组最大份额", "pct", None, "", _share_verdict,
     "largest share of the budget given to one group by the default plan"),
    ("plan_min_volume_ratio", "默认方案/按量方案 最小比", "pct", None, "", _min_ratio_verdict,
     "smallest ratio of a group's planned batches to its volume-proportional batches"),
)

_RECORD_ROWS = (
    ("n", "测试期检查次数 inspections", "int", None, "", _plain, "inspections in the test period"),
    ("failures", "发现问题次数 failures", "int", None, "", _plain, "inspections with a failure"),
    ("base_rate", "测试期发现率 rate", "pct", "train_rate", "训练期", _plain,
     "failure rate of the test period; baseline: of the training records"),
    ("auc", "AUC 排序能力", "num", 0.5, "随机排序", _auc_verdict,
     "probability that a random failing inspection has a higher score than a random passing one"),
    ("brier", "Brier（越低越好）", "num", "brier_base", "统一发现率", _lower_better,
     "mean squared error of the probabilities; baseline: one rate for all"),
    ("log_loss", "对数损失（越低越好）", "num", "log_loss_base", "统一发现率", _lower_better,
     "log loss; baseline: one rate for all"),
    ("mean_predicted", "平均预测概率 mean predicted", "pct", "base_rate", "测试期实际发现率", _calibration_verdict,
     "mean of the predicted probabilities; baseline: the failure rate observed (calibration in the large)"),
    *((f"predicted_q{k}", f"风险第 {k} 档（五等分，{'5 最高' if k == 5 else '1 最低' if k == 1 else '由低到高'}）预测概率",
       "pct", f"observed_q{k}", "该档实际发现率", _calibration_verdict,
       f"fifth {k} of the inspections by predicted risk (5 = riskiest): mean predicted probability; baseline: "
       "the failure rate observed in that fifth (reliability)") for k in (5, 4, 3, 2, 1)),
    ("capture@20", "风险最高 20% 检查的发现占比", "pct", 0.2, "随机 20%", _times_verdict,
     "share of the failures within the riskiest 20 % of inspections"),
    ("days_earlier", "重排后平均提前（天）", "days", 0.0, "实际顺序", _days_verdict,
     "same inspections re-ordered by risk (same number per day): mean days earlier a failure is found"),
    ("days_earlier_median", "提前天数中位数", "days", 0.0, "实际顺序", _plain, "median of the same"),
    ("first_half_model", "前一半检查日内发现占比", "pct", "first_half_actual", "实际顺序", _times_verdict,
     "share of failures found on the days holding the first half of inspections, re-ordered"),
)

#: Notes printed under the report (Chinese, then English).
NOTES = {
    "groups": ("估算发现（上限）= 计划批次 × 测试期各组实际不合格率，假定多抽的每一批都与已抽的同样易不合格，"
               "方案在高风险组安排的批次多于实际抽检时可超过测试期实际不合格数。“边际递减”按方案分配所用的同一模型计："
               "同一批次重复抽到不再有新发现（市场量默认取训练期各组抽检批次折算到一个测试期），各方案用同一模型，"
               "倍数可比；市场实际大于抽检批次时其绝对数偏低。两种倍数一致时结论稳健。 / est_found_* = planned "
               "batches x realised test rate of each group, every extra batch as likely to fail as those tested: "
               "an upper bound, which can exceed the failures actually found when a plan samples risky groups "
               "more than they were sampled. The diminishing-returns figures (_lots) credit every plan with the "
               "allocation's own model (a batch of a lot already sampled finds nothing new; the market defaults "
               "to the group's training batches per test period), so their ratios compare like with like; their "
               "levels are low when the market is larger than the batches tested. Where both ratios agree, the "
               "conclusion is robust."),
    "records": ("重排 = 同一批检查、每天检查次数不变、按风险从高到低排（芝加哥方法）。 / Re-ordered = the same "
                "inspections, the same number per day, riskiest first (the City of Chicago's method)."),
}


# ----------------------------------------------------------------------------- metrics
def _weighted_auc(score_, pos, neg) -> float:
    """ROC AUC when ``pos[i]`` failures and ``neg[i]`` passes share the score ``score[i]`` (ties 1/2)."""
    score_ = np.asarray(score_, float)
    pos = np.asarray(pos, float)
    neg = np.asarray(neg, float)
    P, Nn = pos.sum(), neg.sum()
    if P == 0 or Nn == 0:
        return float("nan")
    uniq, inv = np.unique(score_, return_inverse=True)
    pu = np.bincount(inv, weights=pos)
    nu = np.bincount(inv, weights=neg)
    below = np.concatenate([[0.0], np.cumsum(nu)[:-1]])
    return float(np.sum(pu * (below + 0.5 * nu)) / (P * Nn))


def _capture(order_counts: np.ndarray, order_fails: np.ndarray, ks) -> dict[str, float]:
    """Share of failures within the first k % of units, units taken in the given order.

    Groups are split linearly (batches within a group are exchangeable).
    """
    n = np.asarray(order_counts, float)
    f = np.asarray(order_fails, float)
    cum_n = np.concatenate([[0.0], np.cumsum(n)])
    cum_f = np.concatenate([[0.0], np.cumsum(f)])
    out = {}
    for k in ks:
        cut = cum_n[-1] * k / 100.0
        found = np.interp(cut, cum_n, cum_f)
        out[f"capture@{k:g}"] = float(found / cum_f[-1]) if cum_f[-1] > 0 else float("nan")
        out[f"lift@{k:g}"] = out[f"capture@{k:g}"] / (k / 100.0)
    return out


def _losses(k, n, p) -> tuple[float, float]:
    """Brier score and log loss per batch when ``k`` of ``n`` batches fail at probability ``p``."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    p = np.broadcast_to(np.asarray(p, float), n.shape)
    pc = np.clip(p, 1e-12, 1 - 1e-12)
    N = n.sum()
    brier = float(np.sum(k * (1 - p) ** 2 + (n - k) * p ** 2) / N)
    ll = float(-np.sum(k * np.log(pc) + (n - k) * np.log(1 - pc)) / N)
    return brier, ll


def _days_earlier(dates: np.ndarray, p: np.ndarray, y: np.ndarray, window_days: int | None):
    """Chicago re-ordering: same inspections per day, highest predicted risk first."""
    d = pd.to_datetime(pd.Series(dates)).dt.normalize().to_numpy("datetime64[D]")
    day = d.astype("int64").astype(float)
    sim_day = np.empty(len(d))
    if window_days is None:
        windows = np.zeros(len(d), dtype=np.int64)
    else:
        windows = ((day - day.min()) // int(window_days)).astype(np.int64)
    for w in np.unique(windows):
        idx = np.flatnonzero(windows == w)
        slots = np.sort(day[idx])
        by_risk = idx[np.lexsort((idx, -p[idx]))]
        sim_day[by_risk] = slots
    pos = y == 1
    diff = day[pos] - sim_day[pos]
    # first half of all inspections: days whose cumulative count (through the day) < N/2
    days, counts = np.unique(day, return_counts=True)
    cum = np.cumsum(counts)
    first_half_days = days[cum < len(d) / 2.0]
    in_first = np.isin(day, first_half_days)
    in_first_sim = np.isin(sim_day, first_half_days)
    P = max(int(pos.sum()), 1)
    day_idx = np.searchsorted(days, day)
    sim_idx = np.searchsorted(days, sim_day)
    table = pd.DataFrame({"date": days.astype("datetime64[D]"), "inspections": counts,
                          "failures_actual": np.bincount(day_idx[pos], minlength=len(days)),
                          "failures_model": np.bincount(sim_idx[pos], minlength=len(days))})
    return {
        "days_earlier": float(diff.mean()) if pos.any() else float("nan"),
        "days_earlier_median": float(np.median(diff)) if pos.any() else float("nan"),
        "first_half_actual": float((in_first & pos).sum() / P),
        "first_half_model": float((in_first_sim & pos).sum() / P),
    }, table


def _date_range(dates) -> str:
    d = pd.to_datetime(pd.Series(dates))
    return f"{d.min():%Y-%m-%d} – {d.max():%Y-%m-%d}" if len(d) else ""


def _record_dates(dates, n: int) -> pd.Series:
    """``dates`` (array-like, one per record, shape (n,)) as a Series of dates, index 0..n-1, read as
    :func:`~mstarget.risk.samples.read_dates` reads them (``2023年3月1日`` too, under pandas 2 and 3
    alike); an entry that is no date (``2014-13-02``, a year typed ``3014``, blank) is refused with a
    :class:`ParameterError` naming its position (0-based) and what was expected."""
    if len(dates) != n:
        raise ParameterError("dates must have one entry per record.")
    s = pd.Series(dates).reset_index(drop=True)
    t = read_dates(s)
    bad = np.flatnonzero(pd.isna(t).to_numpy())
    if not len(bad):
        return t
    try:
        read = pd.Series(pd.to_datetime(parse_dates(s.iloc[bad], "dates", "dates", bad)), index=bad)
    except DataValidationError:
        shown = "; ".join(f"position {i}: {_cell_text(s.iloc[i])!r}{_no_such_day(_cell_text(s.iloc[i]))}"
                          for i in bad[:10])
        raise ParameterError(f"dates must hold one date per record, but {len(bad)} of them "
                             f"{'is' if len(bad) == 1 else 'are'} no date ({shown}{'; ...' if len(bad) > 10 else ''});"
                             f" expected {DATE_EXAMPLES} between {FIRST_DATE:%Y-%m-%d} and "
                             f"{LAST_DATE:%Y-%m-%d}.") from None
    if getattr(t.dt, "tz", None) is not None:
        read = read.dt.tz_localize(t.dt.tz)
    return pd.concat([t.drop(index=bad), read]).sort_index() if len(bad) < len(t) else read


def evaluate_records(y, p, *, dates=None, ks: Sequence[float] = DEFAULT_KS,
                     window_days: int | None = None, train_rate: float | None = None,
                     periods: Mapping[str, str] | None = None,
                     leaks: Mapping[str, float] | None = None) -> RiskEvaluation:
    """Evaluate per-record probabilities against outcomes (see the module docstring).

    Parameters
    ----------
    y : array-like of 0/1, shape (n,)
    p : array-like of float in [0, 1], shape (n,)
    dates : array-like of dates, shape (n,), optional
        Actual inspection dates; enables ``days_earlier`` and the first-half shares.
    ks : sequence of float
        Percentages of inspections for ``capture@k`` and ``lift@k``.
    window_days : int, optional
        Re-order within consecutive windows of this many days (default: the whole period).
    train_rate : float, optional
        Failure rate of the training records: the one-rate baseline of Brier and log loss
        (default: the test period's own rate, a baseline that knows the future).
    periods : dict, optional
        ``train`` / ``test`` descriptions for the report (default: the test dates' range).
    leaks : dict of str -> float, optional
        Features suspected of restating the outcome, with their single-feature AUC
        (``RiskModel.leaks_`` of the model that made ``p``); the report then says the AUC is not to
        be trusted.
    """
    from sklearn.metrics import roc_auc_score  # lazy: heavy (scikit-learn)

    y = np.asarray(y).astype(float)
    p = np.asarray(p, float)
    if y.shape != p.shape or y.ndim != 1:
        raise ParameterError(f"y and p must be 1-D and of the same length; got {y.shape} and {p.shape}.")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ParameterError("y must hold outcomes 0 or 1 only.")
    if not ((p >= 0) & (p <= 1)).all():
        raise ParameterError("p must hold probabilities between 0 and 1 (no NaN).")
    y = y.astype(int)
    m: dict[str, float] = {"n": float(len(y)), "failures": float(y.sum()),
                           "base_rate": float(y.mean()) if len(y) else float("nan")}
    ref = float(train_rate) if train_rate is not None else m["base_rate"]
    if train_rate is not None:
        m["train_rate"] = ref
    if len(np.unique(y)) == 2:
        m["auc"] = float(roc_auc_score(y, p))
        ones = np.ones(len(y))
        m["brier"], m["log_loss"] = _losses(y, ones, p)
        m["brier_base"], m["log_loss_base"] = _losses(y, ones, ref)
    order = np.lexsort((np.arange(len(p)), -p))
    if len(y):
        m["mean_predicted"] = float(p.mean())
    if len(y) >= 5 * RELIABILITY_MIN_ROWS:  # reliability: predicted vs observed by fifths of predicted risk
        for k, idx in enumerate(np.array_split(order[::-1], 5), start=1):  # 1 = least risky
            m[f"predicted_q{k}"], m[f"observed_q{k}"] = float(p[idx].mean()), float(y[idx].mean())
    m.update(_capture(np.ones(len(p)), y[order], ks))
    table = pd.DataFrame()
    per = dict(periods or {})
    if dates is not None:
        dates = _record_dates(dates, len(y))
        extra, table = _days_earlier(dates, p, y, window_days)
        m.update(extra)
        per.setdefault("test", _date_range(dates))
    return RiskEvaluation("records", m, table, per, leaks=dict(leaks or {}))


def _months(periods) -> set[int] | None:
    """The months (indices) covered by period labels or ``(start, end)`` pairs; None if one is no period."""
    out: set[int] = set()
    for p in periods:
        if isinstance(p, tuple):
            start, end = p
        else:
            try:
                q = parse_period(p)
            except ValueError:
                return None
            start, end = q.start, q.end
        if start is None or end is None or start != start or end != end:
            return None
        out.update(range(int(start), int(end) + 1))
    return out or None


def _market_scale(scores: pd.DataFrame, test: pd.DataFrame) -> float:
    """Months of the test period(s) / months of the training periods: what turns a group's training
    batches into one test period's market (1.0 when either is unknown, e.g. a table without periods)."""
    meta = scores.attrs.get("risk", {}) if hasattr(scores, "attrs") else {}
    train = _months(meta.get("periods") or [])
    if "_start" not in test.columns or (test["period"].astype(str) == "all").any():
        return 1.0
    spans = test.drop_duplicates(["_start", "_end"])
    tmonths = _months(list(zip(spans["_start"], spans["_end"])))
    if not train or not tmonths:
        return 1.0
    return len(tmonths) / len(train)


def _plan_scores(merged: pd.DataFrame, by: list[str], volume, scores: pd.DataFrame,
                 test: pd.DataFrame, settings: Sequence = ()) -> tuple[pd.DataFrame, object, float]:
    """The scores the compared plans are built from (``by``, ``risk``, the market column and the
    columns ``settings`` name: floors, caps, weights given as columns of the scores), the
    ``volume`` to give :func:`allocate`, and the scale applied to the training batches (1.0 if none).

    Default ``volume="tested"``: the training batches x :func:`_market_scale` (one test period's
    market); another column of ``scores`` or a mapping: lots as given; ``None``: unlimited."""
    # with each group's first and last scored period: a group whose data stop early is held as allocate holds it
    plan_scores = merged[by + ["risk"] + [c for c in PERIOD_COLUMNS if c in merged.columns]].copy()
    # the market is sized here (one test period's, below): allocate must not size it again from the periods
    plan_scores.attrs = {k: v for k, v in plan_scores.attrs.items() if k != "risk"}
    plan_scores.attrs[MARKET_SIZED] = True  # ... nor from the groups' first and last periods, kept for the stale hold
    for c in settings:  # floors, caps or weights named by a column of the scores
        if isinstance(c, str) and c not in plan_scores.columns:
            src = f"{c}_train" if f"{c}_train" in merged.columns else c
            if src in merged.columns:
                plan_scores[c] = merged[src].to_numpy()
    if volume is None or not isinstance(volume, str):
        return plan_scores, volume, 1.0
    col = f"{volume}_train" if f"{volume}_train" in merged.columns else volume
    if col not in merged.columns:
        if volume == "tested":
            return plan_scores, None, 1.0  # no batches in the scores: nothing known of any market
        raise ParameterError.invalid("volume", "mstarget.risk.evaluate",
                                     "'tested', a column of the scores, a mapping {group: lots} or None", volume)
    values = pd.to_numeric(merged[col], errors="coerce").to_numpy(float)
    if volume != "tested":
        plan_scores[volume] = values  # lots in the test period, as given
        return plan_scores, volume, 1.0
    scale = _market_scale(scores, test)
    # the training batches stand for each group's market in one test period (the default volume); a group
    # listed in only some training periods over those (as allocate sizes a plan period's market)
    scales = np.full(len(merged), scale)
    got = scored_months(scores, merged)
    if got is not None and "_start" in test.columns and not (test["period"].astype(str) == "all").any():
        spans = test.drop_duplicates(["_start", "_end"])
        tmonths = _months(list(zip(spans["_start"], spans["_end"])))
        if tmonths:
            scales = len(tmonths) / got[1]
    plan_scores["tested"] = values * scales
    return plan_scores, "tested", scale


def _nothing_to_judge(test: pd.DataFrame, tested: pd.DataFrame, scores: pd.DataFrame, by: list[str],
                      src: str) -> Problem:
    """Why no group can be judged: the test period(s) sampled nothing (every row 0 批, or no row), or
    the test groups and the scored ones share no name (a few of each named)."""
    if tested.empty:
        periods = ", ".join(dict.fromkeys(test["period"].astype(str))) if "period" in test.columns else ""
        return Problem(src, None, ",".join(by), None,
                       f"batches tested in the test period{' ' + periods if periods else ''}; every row there has "
                       "0 batches (or there is no row), so there is nothing to judge the scores against -- pick a "
                       "period that was sampled (CLI --test-period / --train-until; test_period= / train_until=)"
                       "（测试期抽检批次均为0，无法评估）")
    shown = [" / ".join(r) for r in tested[by].astype(str).itertuples(index=False, name=None)]
    scored = [" / ".join(r) for r in scores[by].astype(str).itertuples(index=False, name=None)]
    return Problem(src, None, ",".join(by), None,
                   f"groups in common with the scores; none of the test groups was scored (tested: "
                   f"{', '.join(shown[:5])}{' ...' if len(shown) > 5 else ''}; scored: {', '.join(scored[:5])}"
                   f"{' ...' if len(scored) > 5 else ''})")


def evaluate_groups(test_samples, scores: pd.DataFrame, *, by: Sequence[str] | None = None,
                    budget: int | None = None, ks: Sequence[float] = DEFAULT_KS,
                    period: str | None = "period", volume="tested",
                    min_per_group=0, max_per_group=None, risk_share: float = DEFAULT_RISK_SHARE,
                    max_share: float | None = DEFAULT_MAX_SHARE, min_share: float = 0.0,
                    proportional_to=None, seed: int = 0, progress=False, hold_stale: bool = True) -> RiskEvaluation:
    """Judge group scores on a later period's counts (see the module docstring).

    Parameters
    ----------
    test_samples : DataFrame or path
        Counts of the evaluation period(s) (same contract as for :func:`score`; its 小计 / 合计
        rows are left out with a warning, as :func:`score` leaves them out).
    scores : DataFrame
        Output of :func:`score` fitted on earlier periods.
    budget : int, optional
        Batches to plan; default the number tested in the evaluation data (common groups).
    volume : str, mapping or None
        The market per group for the plans' diminishing returns (and, by default, the weights of
        the volume-proportional plan). Default ``"tested"``: the batches of the scored periods,
        scaled to one test period (see the module docstring); a mapping {group: lots} or another
        column of ``scores``: lots on the market in the test period, as given; ``None``: an
        unlimited market (the estimates are then the linear ones).
    min_per_group, max_per_group, risk_share, max_share, min_share, proportional_to
        Passed to :func:`~mstarget.risk.allocate` for the default plan (floors and caps in batches
        or shares of the budget, as :func:`~mstarget.risk.allocate` reads them), so the plan judged
        is the plan an office would adopt. ``proportional_to`` also weighs the volume plan.
    hold_stale : bool, default True
        Passed to :func:`~mstarget.risk.allocate`: a group whose data stop before the others' is held to the larger
        of an even split's batches and its volume share, as ``risk allocate`` plans it; ``False`` (CLI
        ``--no-hold-stale``) judges the plan that spends on such groups by their scores.
    seed : int, default 0
        Seed of the resampling intervals (:func:`_resampled_intervals`): the same data and seed give the
        same intervals.
    progress : bool or Progress, default False
        Show a bar over the resamples of the intervals on standard error (:mod:`mstarget.progress`).

    Returns
    -------
    RiskEvaluation
        Metrics ``groups``, ``groups_not_scored``, ``groups_not_tested`` (scored groups without
        test counts -- a test row of 0 batches is none --, named in ``.not_tested`` and in ``.report()``), ``batches``, ``failures``, ``base_rate``,
        ``train_rate``, ``auc``, ``brier``, ``brier_base``, ``log_loss``, ``log_loss_base``,
        ``log_loss_raw`` (the raw training rates, clipped to [1e-4, 1 - 1e-4]), ``capture@k``,
        ``lift@k``, ``budget``, ``est_found_plan`` / ``_even`` / ``_volume`` / ``_risk_only``
        (planned batches x realised rate: upper bounds; see the module docstring) and the same with
        ``_lots`` (the allocation's diminishing returns), ``plan_vs_volume``, ``plan_vs_even``,
        ``plan_vs_volume_lots``, ``plan_vs_even_lots``, ``market_scale``,
        ``plan_largest_share``, ``plan_min_volume_ratio`` (smallest ratio of a group's planned
        batches to its volume-proportional batches) and ``model_expected_found_plan`` (what the
        scores themselves expect the plan to find); ``auc_lo`` / ``auc_hi``, ``plan_vs_volume_lo`` /
        ``_hi``, ``plan_vs_volume_lots_lo`` / ``_hi``, ``plan_vs_even_lo`` / ``_hi`` and
        ``plan_vs_even_lots_lo`` / ``_hi``: :data:`INTERVAL_LEVEL` intervals from
        resampling the groups and their test failures (:func:`_resampled_intervals`;
        ``interval_level``), which the report prints beside the figures; with fewer than
        :data:`FEW_GROUPS` groups, or the two ratios on either side of 1, the report and
        ``.conclusion`` say the comparison is unstable.
    """
    by = list(by) if by is not None else infer_by(scores)
    test, src = validate_samples(test_samples, by, period=period)  # one 抽样单号 a batch (fold_items)
    test, _ = drop_total_rows(test, by, src)  # 小计 / 合计 rows of the test table are not counted twice
    j = _joined(test, scores, by, src)
    if j.not_tested:
        warnings.warn(f"{len(j.not_tested)} scored group(s) have no counts in the test data of {src} and are left out "
                      f"of every figure: {', '.join(j.not_tested[:10])}{' ...' if len(j.not_tested) > 10 else ''}"
                      "（已评分但测试期无数据的组未计入评估）", MstargetWarning, stacklevel=2)
    if j.merged.empty:
        raise DataValidationError([_nothing_to_judge(test, j.tested, j.scores, by, src)], source=src)
    merged = j.merged
    risk = merged["risk"].to_numpy(float)
    n = merged["tested"].to_numpy(float)
    k = merged["failed"].to_numpy(float)
    m = _score_metrics(merged, j, risk, n, k, ks)
    budget = int(n.sum()) if budget is None else int(budget)
    plans = _plans_compared(merged, by, scores, test, budget, volume,
                            dict(min_per_group=min_per_group, max_per_group=max_per_group, risk_share=risk_share,
                                 max_share=max_share, min_share=min_share, proportional_to=proportional_to,
                                 hold_stale=hold_stale))
    realised = np.where(n > 0, k / np.where(n > 0, n, 1), 0.0)
    m.update(_plan_metrics(plans, realised, budget, max_share, risk_share))
    m.update(_resampled_intervals(n, k, risk, plans.b_plan, plans.b_vol, plans.market, plans.lots, seed,
                                  b_even=plans.b_even, progress=progress))
    N = n.sum()
    silent = silent_periods(test, rate=float(np.sum(n * risk) / N) if N else None)
    warn_silent_periods(silent, src, stacklevel=3, tested=True)
    table = merged[by].copy()
    table["tested"] = n.astype(np.int64)
    table["failed"] = k.astype(np.int64)
    table["rate"] = realised
    table["risk"] = risk
    table["batches_plan"] = plans.b_plan
    table["batches_even"] = plans.b_even
    table["batches_volume"] = plans.b_vol
    table["batches_risk_only"] = plans.b_risk
    meta = scores.attrs.get("risk", {}) if hasattr(scores, "attrs") else {}
    periods = {"train": ", ".join(meta.get("periods", [])),
               "test": ", ".join(test.drop_duplicates("period").sort_values(["_end", "_start"])
                                 ["period"].tolist())}
    return RiskEvaluation("groups", m, table, periods, j.not_tested, silent=tuple(silent), not_scored=j.not_scored)


@dataclass
class _Joined:
    """Scores and test counts of the same groups (:func:`_joined`), and the groups only one side has."""

    #: one row per group scored and tested: the scores' columns (training counts suffixed ``_train``) and the test
    #: period's ``tested`` / ``failed``
    merged: pd.DataFrame
    #: the test counts by group (groups with 0 batches left out), the scores with string group labels
    tested: pd.DataFrame
    scores: pd.DataFrame
    #: scored groups without test counts ("a / b" labels)
    not_tested: tuple
    #: tested groups without a score: the rows, and (label, batches, failures) largest first
    unscored: pd.DataFrame
    not_scored: tuple


def _joined(test: pd.DataFrame, scores: pd.DataFrame, by: list, src: str) -> _Joined:
    """The test period's counts joined to the scores by group, full- and half-width spellings ((自制) and （自制）)
    alike; a test period that sampled nothing refused."""
    t = test.groupby(by, as_index=False)[["tested", "failed"]].sum()
    t = t[t["tested"] > 0]  # a group with 0 batches in the test period (0批) was not tested: named as not tested
    if t.empty:  # the test period sampled nothing: said as that, not as every scored group left out
        raise DataValidationError([_nothing_to_judge(test, t, scores, by, src)], source=src)
    s = scores.copy()
    s[by] = scores[by].astype(str)
    t[by] = t[by].astype(str)
    keys = [f"_key{j}" for j in range(len(by))]  # full- / half-width spellings (（自制） and (自制)) alike
    for frame in (s, t):
        for k, c in zip(keys, by):
            frame[k] = frame[c].map(group_key)
    merged = s.merge(t.drop(columns=by), on=keys, how="inner", suffixes=("_train", ""))
    tested_keys = t.set_index(keys).index
    missing = s[~s.set_index(keys).index.isin(tested_keys)]
    not_tested = tuple(" / ".join(r) for r in missing[by].itertuples(index=False, name=None))
    unscored = t[~t.set_index(keys).index.isin(s.set_index(keys).index)]
    not_scored = tuple((" / ".join(map(str, r[:-2])), int(r[-2]), int(r[-1])) for r in
                       unscored.sort_values("tested", ascending=False, kind="stable")[by + ["tested", "failed"]]
                       .itertuples(index=False, name=None))
    return _Joined(merged, t, s, not_tested, unscored, not_scored)


def _score_metrics(merged: pd.DataFrame, j: _Joined, risk: np.ndarray, n: np.ndarray, k: np.ndarray,
                   ks: Sequence[float]) -> dict[str, float]:
    """How well the scores rank and predict the test period's failures: counts, AUC, Brier and log loss (against
    the training rate and the raw training rates), capture and lift at ``ks``."""
    N, K = n.sum(), k.sum()
    unscored = j.unscored
    m: dict[str, float] = {"groups": float(len(merged)), "groups_not_scored": float(len(unscored)),
                           "groups_not_tested": float(len(j.not_tested)),
                           "batches_not_scored": float(unscored["tested"].sum()),
                           "failures_not_scored": float(unscored["failed"].sum()),
                           "batches": float(N), "failures": float(K), "base_rate": K / N if N else np.nan}
    if {"tested_train", "failed_train"} <= set(merged.columns):
        tt = pd.to_numeric(merged["tested_train"], errors="coerce").to_numpy(float)
        ft = pd.to_numeric(merged["failed_train"], errors="coerce").to_numpy(float)
        m["train_rate"] = float(np.nansum(ft) / np.nansum(tt)) if np.nansum(tt) > 0 else float("nan")
    m["auc"] = _weighted_auc(risk, k, n - k)
    m["brier"], m["log_loss"] = _losses(k, n, risk)
    ref = m.get("train_rate", m["base_rate"])
    m["brier_base"], m["log_loss_base"] = _losses(k, n, ref)
    if "rate" in merged.columns:
        raw = np.clip(pd.to_numeric(merged["rate"], errors="coerce").fillna(K / N).to_numpy(float),
                      1e-4, 1 - 1e-4)
        m["log_loss_raw"] = _losses(k, n, raw)[1]
    order = np.lexsort((np.arange(len(risk)), -risk))
    m.update(_capture(n[order], k[order], ks))
    return m


@dataclass
class _Plans:
    """The plans compared on one budget (:func:`_plans_compared`): batches per group, in the joined groups' order."""

    #: the default plan (:func:`~mstarget.risk.allocate`), and its table (volume, expected failures, attrs)
    plan: pd.DataFrame
    b_plan: np.ndarray
    #: an even and a volume-proportional plan within the same floors and caps, and pure targeting
    b_even: np.ndarray
    b_vol: np.ndarray
    b_risk: np.ndarray
    #: the lots on the market per group for the diminishing returns (inf: unlimited), and the lot sizes
    market: np.ndarray
    lots: object
    #: the batches of the scored periods per test period (``market_scale``)
    scale: float


def _plans_compared(merged: pd.DataFrame, by: list, scores: pd.DataFrame, test: pd.DataFrame, budget: int, volume,
                    rules: dict) -> _Plans:
    """The default plan an office would adopt (``rules``: floors, caps, risk share, as :func:`allocate` reads them),
    the even and volume-proportional plans it prints beside it, and pure targeting, on the same budget."""
    plan_scores, vol_arg, scale = _plan_scores(merged, by, volume, scores, test,
                                               (rules["min_per_group"], rules["max_per_group"],
                                                rules["proportional_to"]))
    with warnings.catch_warnings():  # the test period's batches against the training period's: no news
        warnings.filterwarnings("ignore", message="the budget of .* is more than all batches tested")
        warnings.filterwarnings("ignore", message=r".*groups get no batch under a budget")  # the plans compared
        plan = allocate(plan_scores, budget, rules["min_per_group"], rules["max_per_group"], volume=vol_arg, by=by,
                        risk_share=rules["risk_share"], max_share=rules["max_share"], min_share=rules["min_share"],
                        proportional_to=rules["proportional_to"], warn_share=None, hold_stale=rules["hold_stale"])
        warnings.filterwarnings("ignore", message="未抽检过的类别")  # said once, by the plan above
        risk_only = allocate(plan_scores, budget, volume=vol_arg, by=by, risk_share=1.0, max_share=None,
                             warn_share=None, hold_stale=rules["hold_stale"])
    meta_plan = plan.attrs.get("allocation", {})
    # the even and volume-proportional plans allocate itself prints beside the plan: the same budget spent,
    # within the same floors and caps (and lots), on the plan's own weights
    return _Plans(plan=plan, b_plan=plan["batches"].to_numpy(), b_even=plan["batches_even"].to_numpy(),
                  b_vol=plan["batches_volume"].to_numpy(), b_risk=risk_only["batches"].to_numpy(),
                  market=np.asarray(meta_plan.get("market", np.full(len(merged), np.inf)), float),
                  lots=meta_plan.get("lots"), scale=scale)


def _plan_metrics(p: _Plans, realised: np.ndarray, budget: int, max_share, risk_share: float) -> dict[str, float]:
    """What each plan would have found (planned batches x realised rate, and with the allocation's diminishing
    returns), the plan against the volume and even plans, and the plan's shape (largest share, its cap, the smallest
    ratio to the volume-proportional batches)."""
    m: dict[str, float] = {"budget": float(budget), "market_scale": p.scale}
    for name, b in (("plan", p.b_plan), ("volume", p.b_vol), ("even", p.b_even), ("risk_only", p.b_risk)):
        # planned batches x realised rate (an upper bound), and the allocation's model for every plan alike
        m[f"est_found_{name}"] = float(np.sum(b * realised))
        m[f"est_found_{name}_lots"] = float(np.sum(expected_found(b, realised, p.market, p.lots)))
    for suffix in ("", "_lots"):
        plan_f, vol_f, even_f = (m[f"est_found_{x}{suffix}"] for x in ("plan", "volume", "even"))
        m[f"plan_vs_volume{suffix}"] = plan_f / vol_f if vol_f > 0 else float("nan")
        m[f"plan_vs_even{suffix}"] = plan_f / even_f if even_f > 0 else float("nan")
    b_plan, b_vol = p.b_plan, p.b_vol
    m["plan_largest_share"] = float(b_plan.max() / budget) if budget else 0.0
    cap = p.plan.attrs.get("allocation", {}).get("max_share_used", max_share)  # a cap raised to spend the budget
    m["plan_max_share"] = float("nan") if cap is None else float(cap)
    has_vol = b_vol > 0
    m["plan_min_volume_ratio"] = float(np.min(b_plan[has_vol] / b_vol[has_vol])) if has_vol.any() \
        else float("nan")
    m["plan_coverage_share"] = 1.0 - float(risk_share)
    # what the coverage share keeps: a quarter of the volume-proportional batches before the caps (the 按量方案
    # column gives a capped group's excess to the others, so a group's ratio to it may read lower)
    plain = proportional_allocation(p.plan["volume"].to_numpy(float), int(b_plan.sum())) if "volume" in p.plan \
        else b_vol
    has_plain = np.asarray(plain) > 0
    m["plan_min_plain_ratio"] = float(np.min(b_plan[has_plain] / np.asarray(plain)[has_plain])) \
        if has_plain.any() else float("nan")
    m["model_expected_found_plan"] = float(p.plan["expected_failures"].sum())
    return m


def _resampled_intervals(n: np.ndarray, k: np.ndarray, risk: np.ndarray, b_plan: np.ndarray, b_vol: np.ndarray,
                         market: np.ndarray, lots, seed: int, reps: int = BOOT_REPS,
                         level: float = INTERVAL_LEVEL, b_even: np.ndarray | None = None,
                         progress=False) -> dict[str, float]:
    """``level`` intervals (percentile) of the AUC and of the plan's finds over the volume plan's, linear
    (``plan_vs_volume``) and with diminishing returns (``plan_vs_volume_lots``), from ``reps`` resamples;
    with ``b_even`` (the even plan's batches) also over the even plan's (``plan_vs_even``,
    ``plan_vs_even_lots``), from the same resamples (the other intervals do not move).

    Each resample draws the groups with replacement (which categories happen to be compared: with 7 groups
    the ratio rests on a few large ones) and each drawn group's test failures as binomial at its realised
    rate (``k`` of ``n``), the planned batches of every group kept. It does not cover a drift of the rates
    into the next period beyond that, so it is a lower bound on the uncertainty of the plan's next period.
    Arrays are of shape (G,); NaN intervals with fewer than 2 groups.

    The resamples are drawn and reduced in chunks of ``BOOT_CELLS // G`` (:data:`BOOT_CELLS`), one generator
    seeded by ``seed`` running through them, so memory stays ~100 MB at any number of groups and the same data
    and seed give the same intervals. Up to ``BOOT_CELLS // reps`` groups (1,000) there is one chunk: the draws
    are those the earlier one-block draw made; with more groups the random stream differs from that draw's, so
    those intervals moved within their resampling noise (last digits). ``progress``: a
    bar over the resamples (:mod:`mstarget.progress`)."""
    G = len(n)
    keys = ("auc", "plan_vs_volume", "plan_vs_volume_lots") + (() if b_even is None else
                                                              ("plan_vs_even", "plan_vs_even_lots"))
    out = {"interval_level": float(level)}
    if G < 2:
        out.update({f"{key}_{end}": float("nan") for key in keys for end in ("lo", "hi")})
        return out
    rng = np.random.default_rng(seed)
    rate = np.clip(np.where(n > 0, k / np.where(n > 0, n, 1), 0.0), 0.0, 1.0)
    lots_all = None if lots is None else np.asarray(lots, float)
    drawn = {key: np.empty(reps) for key in keys}  # one figure per resample and interval
    chunk = max(1, min(reps, BOOT_CELLS // G))
    bar = Progress.of(progress).bar(reps, "resampling the intervals", unit="resamples")
    for start in range(0, reps, chunk):
        stop = min(start + chunk, reps)
        for key, values in _resample_chunk(rng, stop - start, n, rate, risk, b_plan, b_vol, b_even, market,
                                           lots_all).items():
            drawn[key][start:stop] = values
        bar.update(stop - start)
    bar.close()
    q = [(1 - level) / 2, (1 + level) / 2]
    for key in keys:
        draws = drawn[key]
        ok = draws[np.isfinite(draws)]
        lo, hi = np.quantile(ok, q) if len(ok) >= reps // 2 else (float("nan"), float("nan"))
        out[f"{key}_lo"], out[f"{key}_hi"] = float(lo), float(hi)
    return out


def _resample_chunk(rng, reps: int, n, rate, risk, b_plan, b_vol, b_even, market, lots) -> dict[str, np.ndarray]:
    """``reps`` resamples of :func:`_resampled_intervals` drawn from ``rng``: the groups with replacement, each
    drawn group's failures binomial at its realised ``rate`` of its ``n`` batches. Returns each interval's
    figure per resample (``auc``, ``plan_vs_volume`` / ``_lots``, with ``b_even`` ``plan_vs_even`` / ``_lots``),
    arrays of shape (reps,); the arrays held meanwhile are (reps, G)."""
    G = len(n)
    idx = rng.integers(0, G, size=(reps, G))
    nn = n[idx]
    kk = rng.binomial(nn.astype(np.int64), rate[idx]).astype(float)
    rr = np.where(nn > 0, kk / np.where(nn > 0, nn, 1), 0.0)
    lots_idx = None if lots is None else lots[idx]
    out = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        found_plan = (b_plan[idx] * rr).sum(1)
        out["plan_vs_volume"] = found_plan / (b_vol[idx] * rr).sum(1)
        found_plan_lots = expected_found(b_plan[idx], rr, market[idx], lots_idx).sum(1)
        out["plan_vs_volume_lots"] = found_plan_lots / expected_found(b_vol[idx], rr, market[idx], lots_idx).sum(1)
        if b_even is not None:
            out["plan_vs_even"] = found_plan / (b_even[idx] * rr).sum(1)
            out["plan_vs_even_lots"] = found_plan_lots / expected_found(b_even[idx], rr, market[idx], lots_idx).sum(1)
    out["auc"] = np.array([_weighted_auc(risk[i], kk[j], nn[j] - kk[j]) for j, i in enumerate(idx)])
    return out


def _periods_text(full: pd.DataFrame) -> str:
    """The periods of a validated table, in time order, as text (``2021, 2022, 2023H1``)."""
    return ", ".join(full.drop_duplicates("period").sort_values(["_end", "_start"])["period"].astype(str))


def _test_period(test_period, cut, full: pd.DataFrame, src: str):
    """``test_period`` parsed and the mask (bool array over the rows of ``full``) of the rows it
    tests: the rows of that very period, or else the finer periods inside it, added up (a year of
    quarterly or per-batch counts: 2025 = 2025Q1 + ... + 2025Q4). Refused (:class:`ParameterError`)
    when it is no period, does not start after ``train_until`` ends, or the table's counts cannot
    make it up (no row inside it; finer periods leaving months out; a coarser period that cannot be
    split), saying which and listing the periods."""
    try:
        tp = parse_period(test_period)
    except ValueError:
        raise ParameterError.invalid("test_period", "mstarget.risk.evaluate", "a period such as 2020 or 2023Q3",
                                     test_period) from None
    if tp.start <= cut.end:
        raise ParameterError(f"test_period={tp.label} does not come after train_until={cut.label}: the test period "
                             f"must start after the last training period ends (the scores would have seen it). "
                             f"Periods with counts in {src}: {_periods_text(full)} (CLI: --test-period / "
                             "--train-until).")
    start, end = full["_start"].to_numpy(), full["_end"].to_numpy()
    exact = (start == tp.start) & (end == tp.end)
    if exact.any():
        return tp, exact
    inside = (start >= tp.start) & (end <= tp.end)
    across = ~inside & (start <= tp.end) & (end >= tp.start)  # a longer period overlapping it
    later = full[full["_end"] > cut.end]
    listing = (f"Periods after train_until={cut.label}: {_periods_text(later) if len(later) else 'none'}; "
               f"all periods: {_periods_text(full)} (CLI: --test-period).")
    if across.any():
        longer = _periods_text(full[across])
        raise ParameterError(f"test_period={tp.label} cannot be tested on {src}: its counts are given for {longer}, "
                             f"which runs beyond {tp.label}, and counts of a longer period cannot be split "
                             f"（测试期 {tp.label} 的批次包含在更长的期间 {longer} 中，无法拆分）. Choose {longer} or a "
                             f"period the table gives. {listing}")
    if not inside.any():
        raise ParameterError(f"test_period={tp.label} is not a period of {src}: no row has counts for it or for a "
                             f"part of it（表中没有测试期 {tp.label} 的数据）. {listing}")
    have = set()
    for a, b in zip(start[inside], end[inside]):
        have.update(range(int(a), int(b) + 1))
    missing = [mo for mo in range(tp.start, tp.end + 1) if mo not in have]
    if missing:
        months = ", ".join(f"{mo // 12}-{mo % 12 + 1:02d}" for mo in missing[:12])
        raise ParameterError(f"test_period={tp.label} is not complete in {src}: the periods inside it are "
                             f"{_periods_text(full[inside])}, and no row has counts for the months {months}; "
                             f"adding up what there is would call part of {tp.label} the whole of it"
                             f"（测试期 {tp.label} 数据不全，缺 {months}）. Add the missing counts, or test on a "
                             f"period the table covers. {listing}")
    return tp, inside


#: keyword arguments :func:`evaluate` passes on to :func:`score`
SCORE_KWARGS = ("half_life", "level", "hierarchical", "period", "outcome", "drop_totals")


def _check_score_kwargs(kwargs: Mapping) -> None:
    """A :class:`ParameterError` for a keyword :func:`evaluate` does not take, saying what to do instead."""
    for key in kwargs:
        if key in SCORE_KWARGS:
            continue
        if key in ("region", "as_of", "where"):
            how = {"region": "keep one region's rows first (samples[samples['地区'] == '广东省']) or put the region "
                             "column in by= (by=['地区', 'category']); CLI: --region 广东省",
                   "as_of": "train_until= is the last training period (CLI --train-until)",
                   "where": "keep the rows first (samples[samples['抽检类型'] == '监督抽检']); CLI: --where COL=VALUE"}[key]
            raise ParameterError(f"mstarget.risk.evaluate takes no {key}= argument: {how}.")
        raise ParameterError(f"mstarget.risk.evaluate got an unexpected argument {key}=; it takes by, budget, "
                             "train_until, test_period, the plan's risk_share, max_share, min_per_group, max_per_group, "
                             f"min_share, volume, proportional_to, seed, and for scoring {', '.join(SCORE_KWARGS)}.")


def evaluate(data, predictions=None, *, by: Sequence[str] | None = None, budget: int | None = None,
             dates=None, ks: Sequence[float] = DEFAULT_KS, window_days: int | None = None,
             train_until=None, test_period=None, risk_share: float = DEFAULT_RISK_SHARE,
             max_share: float | None = DEFAULT_MAX_SHARE, min_per_group=0, max_per_group=None,
             min_share: float = 0.0, volume="tested", proportional_to=None,
             leaks: Mapping[str, float] | None = None, seed: int = 0, progress=False,
             hold_stale: bool = True, **score_kwargs) -> RiskEvaluation:
    """Time-split evaluation of a risk ranking.

    Three ways to call it:

    * ``evaluate(y, p, dates=...)`` -- per-record outcomes (0/1) and predicted probabilities, e.g.
      from :meth:`RiskModel.predict` on rows after the training period; ``leaks=model.leaks_`` makes
      the report say the AUC is not to be trusted while a feature suspected of leaking the outcome is in.
    * ``evaluate(test_samples, scores, budget=...)`` -- counts of a later period against the
      output of :func:`score` on earlier periods.
    * ``evaluate(samples, by=[...], train_until=P)`` -- scores periods ``<= P`` and evaluates on the
      next period (or ``test_period``: a period of the table, or a longer one its finer periods make
      up in full, added up -- 2025 from 2025Q1 ... 2025Q4); extra keyword arguments go to :func:`score`.

    The plan judged is built as :func:`~mstarget.risk.allocate` builds it, with the same options
    (``risk_share``, ``max_share``, ``min_per_group``, ``max_per_group``, ``min_share``, ``volume``,
    ``proportional_to``, ``hold_stale``), so an office can test the plan it will adopt (floors included). ``seed`` seeds
    the resampling intervals of a groups evaluation; ``.conclusion`` says in one line whether to adopt the plan.
    ``progress`` (bool or :class:`~mstarget.progress.Progress`): with ``train_until``, say the scoring step and
    show a bar over the resampling intervals of a groups evaluation on standard error.

    Returns
    -------
    RiskEvaluation
        ``.metrics`` (dict), ``.report()`` (readable), ``.to_frame()``, ``.table`` (details),
        ``.periods``; see :func:`evaluate_records` and :func:`evaluate_groups` for the metrics.
    """
    _check_score_kwargs(score_kwargs)
    plan_options = dict(risk_share=risk_share, max_share=max_share, min_per_group=min_per_group,
                        max_per_group=max_per_group, min_share=min_share, volume=volume,
                        proportional_to=proportional_to, seed=seed, hold_stale=hold_stale)
    prog = Progress.of(progress)
    if isinstance(predictions, pd.DataFrame):
        return evaluate_groups(data, predictions, by=by, budget=budget, ks=ks, progress=prog, **plan_options)
    if predictions is None:
        if train_until is None:
            raise ParameterError("evaluate needs predictions (probabilities or a scores table) or "
                                 "train_until=P to score the periods up to P and test on the next.")
        by = check_by(by or ["category"])
        period = score_kwargs.get("period", "period")
        data = fold_item_rows(data, by, period, score_kwargs.get("outcome"))  # one 抽样单号 a batch, said once
        full, src = validate_samples(data, by, period=period, outcome=score_kwargs.get("outcome"))
        if full["period"].eq("all").all():  # a table naming no period: nothing to split in time
            raise DataValidationError([Problem(src, None, "period", None,
                                               "column missing; an evaluation splits the table in time: give "
                                               "each row its period in a column (年度 / 期间: 2023, 2023H1, "
                                               "2023Q3)（评估按期间拆分，请增加年度或期间列）")], source=src)
        try:
            cut = parse_period(train_until)
        except ValueError:
            raise ParameterError.invalid("train_until", "mstarget.risk.evaluate", "a period such as "
                                         "2019H2", train_until) from None
        if not (full["_end"] <= cut.end).any():
            first = full.sort_values(["_end", "_start"]).iloc[0]["period"]
            raise ParameterError(f"No period in {src} ends on or before train_until={cut.label}: nothing "
                                 f"to train on. The earliest period is {first}; choose a later train_until "
                                 "(CLI: --train-until).")
        with prog.step(f"scoring the periods up to {cut.label}"):
            scores = score(data, by, as_of=cut.label, **score_kwargs)
        if score_kwargs.get("drop_totals", True):
            full = full[~total_rows(full, by)]
        later = full[full["_end"] > cut.end]  # groups new in the test period stay: counted as unscored
        made_up = None
        if test_period is not None:
            tp, rows = _test_period(test_period, cut, full, src)
            later = full[rows]
            parts = later.drop_duplicates(["_start", "_end"])
            if len(parts) > 1 or not ((parts["_start"] == tp.start) & (parts["_end"] == tp.end)).all():
                made_up = f"{tp.label}（= {' + '.join(_periods_text(later).split(', '))}）"
        elif not later.empty:
            first = later.sort_values(["_end", "_start"]).iloc[0]
            later = later[(later["_end"] == first["_end"]) & (later["_start"] == first["_start"])]
        if later.empty and full.empty:  # every row a total under the by columns (quarterly 合计 rows only)
            raise ParameterError(
                f"Every row of {src} is a total (合计 / 小计) under {', '.join(by)}, left out so that batches are "
                f"not counted twice: no {', '.join(by)} has counts to evaluate. Evaluate by columns whose rows "
                "are not totals, or keep the totals (drop_totals=False; CLI: --keep-totals).")
        if later.empty:
            raise ParameterError(f"No period after train_until={cut.label} has counts in {src}; the periods "
                                 f"with counts are {_periods_text(full)}. Choose an earlier train_until (CLI: "
                                 "--train-until).")
        test = later[by + ["period", "tested", "failed"]].reset_index(drop=True)
        test.attrs["source"] = src  # warnings about the test period name the file
        with prog.step(f"evaluating the plan on the test period ({len(test)} rows)"):
            res = evaluate_groups(test, scores, by=by, budget=budget, ks=ks, progress=prog, **plan_options)
        if made_up:  # the test period named as asked, with the finer periods added up
            res = replace(res, periods={**res.periods, "test": made_up})
        return res
    return evaluate_records(data, predictions, dates=dates, ks=ks, window_days=window_days, leaks=leaks)
