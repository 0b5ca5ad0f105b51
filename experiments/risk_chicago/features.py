"""Features for the Chicago food-inspection experiment, built only from columns of the file.

Everything an establishment-level feature uses is known before the inspection: the establishment's
own earlier inspections in the file (strictly earlier dates), the City's history columns
(``past*``, ``timeSinceLast``, ``firstRecord``), licence / facility / risk class, place (ward, zip,
coordinates), business age, weather of the previous three days and nearby complaint densities.
Inspector-cluster features are kept apart (``CLUSTER_FEATURES``): they describe who inspects.

Caution on ``AREA_FEATURES`` (recent critical rate in the same ward / zip): they describe places,
but inspectors work in areas, so part of their signal may be who inspects there.
``establishment_only`` leaves them out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DATA = "data/inspections/chicago_food_inspections_2011_2014.csv"

# the City's published model (glmnet), minus the inspector clusters
CITY_FEATURES = ["pastSerious_any", "pastCritical_any", "timeSinceLast", "age_gt4",
                 "consumption_on_premises_incidental_activity", "tobacco", "temperatureMax_3day",
                 "heat_burglary_c", "heat_sanitation_c", "heat_garbage_c"]
CLUSTER_FEATURES = ["sanitarian_cluster"]

ENGINEERED_FEATURES = CITY_FEATURES + [
    "pastCritical", "pastSerious", "pastMinor", "pastFail", "firstRecord", "ageAtInspection",
    "Risk", "Facility_Type_Clean", "facility", "license_desc", "Ward_cat",
    "precipIntensity_3day", "humidity_3day", "windSpeed_3day",
    "heat_burglary", "heat_sanitation", "heat_garbage",
    # establishment history from earlier rows of the file
    "n_prev", "prev_critical_rate", "prev_serious_rate", "prev_minor_mean", "prev_fail_rate",
    "last_critical", "last_serious", "last_minor", "last_fail", "days_since_prev",
    # place history (ward / zip) up to the previous month, shrunk
    "ward_crit_rate", "zip_crit_rate",
    "month", "weekday",
]

# recent critical-violation rate of inspections in the same area over the previous W days
AREA_FEATURES = ["ward_rate_60", "zip_rate_60", "zip_rate_90", "zip_rate_180", "ward_rate_180"]
HISTORY_FEATURES = ["prev_critical_rate", "prev_minor_mean", "last_minor", "last_critical",
                    "pastMinor", "pastCritical"]
KIND_FEATURES = ["Risk", "Facility_Type_Clean", "license_desc"]

# the feature sets reported in RESULTS.md (name -> (features, model))
FEATURE_SETS = {
    "city_published_no_cluster": (CITY_FEATURES, "logistic"),
    "city_published_with_cluster": (CITY_FEATURES + CLUSTER_FEATURES, "logistic"),
    "establishment_only": (CITY_FEATURES + HISTORY_FEATURES + KIND_FEATURES, "logistic"),
    "engineered_no_cluster": (CITY_FEATURES + AREA_FEATURES + HISTORY_FEATURES + KIND_FEATURES,
                              "logistic"),
    "engineered_no_cluster_gbm": (CITY_FEATURES + AREA_FEATURES + HISTORY_FEATURES + KIND_FEATURES,
                                  "gbm"),
    "engineered_with_cluster": (CITY_FEATURES + AREA_FEATURES + HISTORY_FEATURES + KIND_FEATURES
                                + CLUSTER_FEATURES, "logistic"),
    "engineered_with_cluster_gbm": (CITY_FEATURES + AREA_FEATURES + HISTORY_FEATURES + KIND_FEATURES
                                    + CLUSTER_FEATURES, "gbm"),
}


def load(path: str = DATA) -> pd.DataFrame:
    d = pd.read_csv(path)
    d["Inspection_Date"] = pd.to_datetime(d["Inspection_Date"])
    return d.sort_values(["Inspection_Date", "Inspection_ID"]).reset_index(drop=True)


def _history(d: pd.DataFrame) -> pd.DataFrame:
    """Per licence, aggregates of strictly earlier inspections (same-day rows excluded)."""
    d = d.copy()
    d["_crit"] = (d["criticalCount"] > 0).astype(float)
    d["_ser"] = (d["seriousCount"] > 0).astype(float)
    d["_fail"] = d["fail_flag"].astype(float)
    d["_minor"] = d["minorCount"].astype(float)
    out = pd.DataFrame(index=d.index)
    g = d.groupby("License", sort=False)
    # cumulative sums up to and including the row, then remove the same-day rows
    for col, name in (("_crit", "crit"), ("_ser", "ser"), ("_fail", "fail"), ("_minor", "minor")):
        d[f"c_{name}"] = g[col].cumsum()
    d["c_n"] = g.cumcount() + 1
    # value at the last row of an earlier day: shift within licence & date
    day = d.groupby(["License", "Inspection_Date"], sort=False)
    first_idx = day.cumcount() == 0
    prev = g[["c_crit", "c_ser", "c_fail", "c_minor", "c_n"]].shift(1)
    # for the 2nd+ row on the same day, use the value before the first row of that day
    first_prev = prev.where(first_idx)
    first_prev = first_prev.groupby([d["License"], d["Inspection_Date"]]).transform("first")
    prev = first_prev.fillna(0.0)
    n = prev["c_n"]
    out["n_prev"] = n
    with np.errstate(invalid="ignore", divide="ignore"):
        out["prev_critical_rate"] = np.where(n > 0, (prev["c_crit"] + 0.15) / (n + 1.0), np.nan)
        out["prev_serious_rate"] = np.where(n > 0, (prev["c_ser"] + 0.2) / (n + 1.0), np.nan)
        out["prev_fail_rate"] = np.where(n > 0, (prev["c_fail"] + 0.2) / (n + 1.0), np.nan)
        out["prev_minor_mean"] = np.where(n > 0, prev["c_minor"] / n.where(n > 0, 1), np.nan)
    last = g[["_crit", "_ser", "_fail", "_minor", "Inspection_Date"]].shift(1)
    last_first = last.where(first_idx).groupby([d["License"], d["Inspection_Date"]]).transform("first")
    out["last_critical"] = last_first["_crit"]
    out["last_serious"] = last_first["_ser"]
    out["last_fail"] = last_first["_fail"]
    out["last_minor"] = last_first["_minor"]
    out["days_since_prev"] = (d["Inspection_Date"] - last_first["Inspection_Date"]).dt.days
    return out


def _place_rate(d: pd.DataFrame, key: str, prior_n: float = 50.0) -> pd.Series:
    """Critical-violation rate of the place over inspections before the current month (shrunk)."""
    month = d["Inspection_Date"].dt.to_period("M")
    crit = (d["criticalCount"] > 0).astype(float)
    k = d[key].fillna(-1)
    tab = pd.DataFrame({"k": k, "m": month, "c": crit}).groupby(["k", "m"])["c"].agg(["sum", "count"])
    tab = tab.groupby(level=0).cumsum().groupby(level=0).shift(1).fillna(0.0)
    overall = crit.expanding().mean().shift(1).fillna(crit.mean())
    s = tab.reindex(pd.MultiIndex.from_arrays([k, month])).to_numpy()
    base = overall.to_numpy()
    return pd.Series((s[:, 0] + prior_n * base) / (s[:, 1] + prior_n), index=d.index)


def _recent_rate(d: pd.DataFrame, key: str, days: int, prior_n: float = 20.0) -> np.ndarray:
    """Critical rate of inspections in the same ``key`` area during the previous ``days`` days.

    Only strictly earlier days count (``closed="left"``); shrunk toward the file's overall rate
    with ``prior_n`` pseudo-inspections.
    """
    crit = (d["criticalCount"] > 0).astype(float)
    daily = (pd.DataFrame({"k": d[key].fillna(-1), "t": d["Inspection_Date"], "c": crit})
               .groupby(["k", "t"])["c"].agg(["sum", "count"]).reset_index())
    parts = {}
    for k, g in daily.groupby("k"):
        parts[k] = g.set_index("t")[["sum", "count"]].sort_index().rolling(f"{days}D", closed="left").sum()
    roll = pd.concat(parts, names=["k", "t"])
    v = roll.reindex(pd.MultiIndex.from_arrays([d[key].fillna(-1), d["Inspection_Date"]])).to_numpy()
    base = float(crit.mean())
    return (np.nan_to_num(v[:, 0]) + prior_n * base) / (np.nan_to_num(v[:, 1]) + prior_n)


def build(d: pd.DataFrame) -> pd.DataFrame:
    """Add every engineered feature column to a copy of the inspections table."""
    d = d.copy()
    d["pastSerious_any"] = (d["pastSerious"] > 0).astype(int)
    d["pastCritical_any"] = (d["pastCritical"] > 0).astype(int)
    d["age_gt4"] = (d["ageAtInspection"] > 4).astype(int)
    d["heat_burglary_c"] = d["heat_burglary"].clip(upper=70)
    d["heat_sanitation_c"] = d["heat_sanitation"].clip(upper=70)
    d["heat_garbage_c"] = d["heat_garbage"].clip(upper=50)
    d["facility"] = d["Facility_Type"].fillna("<missing>").str.strip().str.lower()
    d["license_desc"] = d["LICENSE_DESCRIPTION"].fillna("<missing>")
    d["Ward_cat"] = d["Ward"].map(lambda v: "<missing>" if pd.isna(v) else f"w{int(v)}")
    d = pd.concat([d, _history(d)], axis=1)
    d["ward_crit_rate"] = _place_rate(d, "Ward")
    d["zip_crit_rate"] = _place_rate(d, "Zip")
    for key, days in (("Ward", 60), ("Zip", 60), ("Zip", 90), ("Zip", 180), ("Ward", 180)):
        d[f"{key.lower()}_rate_{days}"] = _recent_rate(d, key, days)
    d["month"] = d["Inspection_Date"].dt.month.astype(str)
    d["weekday"] = d["Inspection_Date"].dt.dayofweek.astype(str)
    return d
