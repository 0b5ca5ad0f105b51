"""Inputs for the report tests (issue 12).

The plan is the real Dinghu district "十四五" main-indicator table shipped in ``data/``; the history
after its 2020 baseline is SYNTHETIC (made up here by code, not observed), chosen so that every
case of the narrative occurs: ahead / behind / on schedule / achieved early, a 〈〉 sum of flows,
a ``%`` rate, a series moving away from its target, baseline only (数据不足). ``EDGE_PLAN`` adds
synthetic rows for the remaining cases: a ``<=`` target, a 〈〉 cap, no data at all, a baseline value
known only from the history, and a target year already observed.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"
DINGHU_PLAN = DATA / "dinghu_14th_fyp_plan.csv"
REGION = "鼎湖区"

#: SYNTHETIC yearly values 2021-2023 per Dinghu indicator (the 2020 baseline comes from the plan)
SYNTHETIC_2021_2023 = {
    "market_entities_total": (2.16, 2.43, 2.70),
    "enterprises_per_1000_people": (16.9, 17.4, 18.0),
    "high_value_invention_patents_per_10k": (1.6, 2.3, 3.1),
    "ip_pledge_financing": (0.8, 1.1, 1.3),          # yearly flows; the target is their sum 〈5〉
    # local_standards: nothing after the baseline -> 数据不足
    "enterprise_standards": (52, 66, 79),
    "valid_certificates": (110, 113, 115),
    "food_samples_per_1000_people": (5.2, 5.4, 5.7),
    "medical_device_sampling_batches": (8, 9, 9),
    "cosmetics_sampling_batches": (9, 8, 7),         # moving away from >= 10
    "open_kitchen_coverage": (83.5, 85.2, 86.9),
    "industrial_product_sampling_coverage": (0.45, 0.6, 0.72),
    "drug_sampling_pass_rate": (98.6, 99.1, 99.3),
    "licensed_pharmacists_per_10k": (4.45, 4.52, 4.6),
}

EDGE_PLAN = pd.DataFrame([
    # a "<=" level target (a rate to bring down)
    {"region": REGION, "indicator": "complaint_rate", "name": "消费投诉率（合成）", "unit": "%",
     "baseline_year": 2020, "baseline": "3.2", "target_year": 2025, "target": "≤2.5", "attribute": "约束性"},
    # a 〈〉 cap: new additions over the period at most 40
    {"region": REGION, "indicator": "new_licences_cap", "name": "新增特种设备许可（合成）", "unit": "项",
     "baseline_year": 2020, "baseline": "〈0〉", "target_year": 2025, "target": "〈≤40〉", "attribute": "预期性"},
    # no history at all (the plan gives no baseline value)
    {"region": REGION, "indicator": "no_history", "name": "无数据指标（合成）", "unit": "万元",
     "baseline_year": 2020, "baseline": "", "target_year": 2025, "target": "≥120", "attribute": "预期性"},
    # the plan leaves the baseline value blank; the history has the baseline year
    {"region": REGION, "indicator": "baseline_in_history", "name": "基期值取自历史数据的指标（合成）",
     "unit": "家", "baseline_year": 2020, "baseline": "", "target_year": 2025, "target": "≥650", "attribute": "预期性"},
    # target year already observed
    {"region": REGION, "indicator": "annual_target_2022", "name": "2022年度抽检任务（合成）", "unit": "批次",
     "baseline_year": 2020, "baseline": "5000", "target_year": 2022, "target": "≥5600", "attribute": "预期性"},
])
EDGE_HISTORY = {
    "complaint_rate": (3.0, 2.9, 2.8),
    "baseline_in_history": (420, 470, 510, 560),  # 2021-2024 after the 2020 value below
    "new_licences_cap": (9, 11, 12),
    "annual_target_2022": (5300, 5750, 5900),
}


def dinghu_history(*, edge: bool = False) -> pd.DataFrame:
    """The SYNTHETIC 2021-2023 history (plus the edge rows' history when ``edge``)."""
    values = dict(SYNTHETIC_2021_2023, **(EDGE_HISTORY if edge else {}))
    rows = [{"region": REGION, "indicator": ind, "year": 2021 + k, "value": float(v), "source": "synthetic"}
            for ind, vals in values.items() for k, v in enumerate(vals)]
    if edge:  # the baseline year of the row whose plan leaves the baseline blank
        rows.append({"region": REGION, "indicator": "baseline_in_history", "year": 2020, "value": 380.0,
                     "source": "synthetic"})
    return pd.DataFrame(rows)


def dinghu_plan(*, edge: bool = False) -> pd.DataFrame:
    """The real Dinghu plan table (raw notation), plus the synthetic edge rows when ``edge``."""
    plan = pd.read_csv(DINGHU_PLAN, dtype=str)
    return pd.concat([plan, EDGE_PLAN.astype(str).replace("", None)], ignore_index=True) if edge else plan


def plan_rows(rows, base_year: int = 2020, target_year: int = 2025) -> pd.DataFrame:
    """A plan table of 鼎湖区 rows ``(name, unit, baseline, target, attribute)`` (the name is the indicator too)."""
    return pd.DataFrame([{"region": REGION, "indicator": name, "name": name, "unit": unit, "baseline_year": base_year,
                          "baseline": base, "target_year": target_year, "target": target, "attribute": attr}
                         for name, unit, base, target, attr in rows])


def yearly_history(series: dict, first: int = 2021) -> pd.DataFrame:
    """SYNTHETIC yearly figures of 鼎湖区 from ``first`` on: ``{name: (unit, values)}``."""
    return pd.DataFrame([{"region": REGION, "indicator": name, "name": name, "unit": unit, "year": first + i,
                          "value": v}
                         for name, (unit, values) in series.items() for i, v in enumerate(values)])


def assess_quietly(history, plan: pd.DataFrame, **kw):
    """:func:`mstarget.assess.assess_detailed` of the plan as read, seed 0, warnings not shown."""
    import warnings

    import mstarget as mt
    from mstarget.assess import assess_detailed

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_detailed(history, mt.read_plan(plan), seed=0, **kw)


def interpolated_target_year() -> tuple[pd.DataFrame, pd.DataFrame]:
    """SYNTHETIC (plan, history) of 鼎湖区: two rows whose target year 2025 was never reported (data 2021-2024 and
    2026), so its value is only interpolated -- a stock (期末市场主体总量) and a binding % level (“明厨亮灶”覆盖率)."""
    plan = pd.DataFrame({"region": REGION, "indicator": ["期末市场主体总量", "“明厨亮灶”覆盖率"],
                         "name": ["期末市场主体总量", "“明厨亮灶”覆盖率"], "unit": ["万户", "%"],
                         "baseline_year": 2020, "baseline": [1.89, 81], "target_year": 2025, "target": [3.12, 90],
                         "direction": ">=", "kind": ["cumulative", "level"], "attribute": ["预期性", "约束性"]})
    history = pd.DataFrame({"region": REGION, "indicator": ["期末市场主体总量"] * 5 + ["“明厨亮灶”覆盖率"] * 5,
                            "year": [2021, 2022, 2023, 2024, 2026] * 2,
                            "value": [2.05, 2.31, 2.58, 2.86, 3.30] + [84, 85, 86, 87, 88]})
    return plan, history


def read_written(tmp_path, text: str, reader, name: str = "plan.csv", region: str = REGION):
    """``reader`` (``mt.read_plan`` / ``mt.read_history``) of a file written from ``text`` (a SYNTHETIC table as a
    bureau types it) in ``tmp_path``: ``(table, [every warning's message])``."""
    import warnings

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = reader(path, region=region)
    return table, [str(w.message) for w in caught]
