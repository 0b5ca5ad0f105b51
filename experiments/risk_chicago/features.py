"""Feature sets of the Chicago food-inspection experiment.

Every engineered feature comes from the library, :func:`mstarget.risk.features` (the
establishment's own history and the recent critical-violation rates of its ward and zip code, built
strictly from earlier inspections). This file only names columns, plus the City's own variable
definitions (``*_any``, capped complaint densities) to reproduce the City's published model.

Inspector-cluster features are kept apart (``CLUSTER_FEATURES``): they describe who inspects, so a
ranking of establishments should not lean on them. Caution on the area rates: inspectors work in
areas, so part of their signal may be who inspects there (see ``benchmarks/risk/RESULTS.md``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

import mstarget as mt

DATA = "data/inspections/chicago_food_inspections_2011_2014.csv"
OUTCOME, TIME, ENTITY, AREAS = "criticalFound", "Inspection_Date", "License", ["Ward", "Zip"]
VALUES = ["minorCount", "seriousCount"]  # per-inspection counts whose history is summarised

# the City's published model (glmnet), minus the inspector clusters, in the City's own definitions
CITY_FEATURES = ["pastSerious_any", "pastCritical_any", "timeSinceLast", "age_gt4",
                 "consumption_on_premises_incidental_activity", "tobacco", "temperatureMax_3day",
                 "heat_burglary_c", "heat_sanitation_c", "heat_garbage_c"]
CLUSTER_FEATURES = ["sanitarian_cluster"]
# the same information as plain columns of the file (no hand-made transforms)
FILE_FEATURES = ["pastSerious", "pastCritical", "timeSinceLast", "ageAtInspection",
                 "consumption_on_premises_incidental_activity", "tobacco", "temperatureMax_3day",
                 "heat_burglary", "heat_sanitation", "heat_garbage"]
KIND_FEATURES = ["Risk", "Facility_Type_Clean", "LICENSE_DESCRIPTION"]


def load(path: str = DATA) -> pd.DataFrame:
    d = pd.read_csv(path)
    d[TIME] = pd.to_datetime(d[TIME])
    d = d.sort_values([TIME, "Inspection_ID"]).reset_index(drop=True)
    # the City's variable definitions (its published glmnet inputs)
    d["pastSerious_any"] = (d["pastSerious"] > 0).astype(int)
    d["pastCritical_any"] = (d["pastCritical"] > 0).astype(int)
    d["age_gt4"] = (d["ageAtInspection"] > 4).astype(int)
    d["heat_burglary_c"] = d["heat_burglary"].clip(upper=70)
    d["heat_sanitation_c"] = d["heat_sanitation"].clip(upper=70)
    d["heat_garbage_c"] = d["heat_garbage"].clip(upper=50)
    return d


def library_features(d: pd.DataFrame, hide_from=None) -> pd.DataFrame:
    """``mstarget.risk.features`` of every inspection; outcomes from ``hide_from`` on are hidden
    (treated as not yet known), which freezes every feature at that date. All columns are
    returned (entity history, area rates, their evidence weights, the base rate)."""
    x = d[[TIME, OUTCOME, ENTITY] + AREAS + VALUES].copy()
    if hide_from is not None:
        later = x[TIME] >= pd.Timestamp(hide_from)
        x[OUTCOME] = x[OUTCOME].astype(float).where(~later, np.nan)
        for v in VALUES:
            x[v] = x[v].astype(float).where(~later, np.nan)
    return mt.risk.features(x, time=TIME, outcome=OUTCOME, entity=ENTITY, area=AREAS, values=VALUES)


def entity_columns(f: pd.DataFrame) -> list[str]:
    return [c for c in f.columns if c.startswith("entity_")]


def area_columns(f: pd.DataFrame) -> list[str]:
    return [c for c in f.columns if "_rate_" in c and not c.startswith("entity_")]


def other_columns(f: pd.DataFrame) -> list[str]:
    """The areas' evidence weights and the base rate."""
    return [c for c in f.columns if c not in entity_columns(f) + area_columns(f)]


def feature_sets(f: pd.DataFrame) -> dict[str, tuple[list[str], str]]:
    """The feature sets reported in RESULTS.md: name -> (columns, model)."""
    lib = FILE_FEATURES + KIND_FEATURES + entity_columns(f) + area_columns(f)
    return {
        "city_published_no_cluster": (CITY_FEATURES, "logistic"),
        "city_published_with_cluster": (CITY_FEATURES + CLUSTER_FEATURES, "logistic"),
        "establishment_only": (FILE_FEATURES + KIND_FEATURES + entity_columns(f), "logistic"),
        "library_no_cluster": (lib, "logistic"),
        "library_no_cluster_all": (lib + other_columns(f), "logistic"),
        "library_no_cluster_gbm": (lib, "gbm"),
        "library_with_cluster": (lib + CLUSTER_FEATURES, "logistic"),
        "library_with_cluster_gbm": (lib + CLUSTER_FEATURES, "gbm"),
    }
