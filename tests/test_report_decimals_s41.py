"""A row's figures are shown with the decimals its plan-period figures are written with: a history year
before the base year, shown nowhere, sets none (a 2010 value written 2.4445 made 13.4 of 2023 read 13.4000)."""
import warnings

import pandas as pd

import mstarget as mt
from mstarget.report.model import table_cells

PLAN = pd.DataFrame({"region": ["某市"], "indicator": ["高价值发明专利拥有量"], "unit": ["件/万人"],
                     "baseline_year": [2020], "baseline": [10.2], "target_year": [2025], "target": [15.0],
                     "direction": [">="], "kind": ["level"]})


def _cells(first_value):
    history = pd.DataFrame({"region": "某市", "indicator": "高价值发明专利拥有量",
                            "year": [2010, 2015, 2020, 2021, 2022, 2023],
                            "value": [first_value, 5.1, 10.2, 11.3, 12.5, 13.4]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(history, PLAN, as_of=2023, seed=0)
    return table_cells(table, details)[0]


def test_years_before_the_base_year_set_no_decimals():
    cells = _cells(2.4445)
    assert cells["current"].text == "13.4" and cells["latest"].text == "13.4"
    assert [cells[f"y{y}"].text for y in (2021, 2022, 2023)] == ["11.3", "12.5", "13.4"]
    assert cells["remaining"].text == "1.6"


def test_plan_period_figures_still_set_the_decimals():
    history = pd.DataFrame({"region": "某市", "indicator": "高价值发明专利拥有量",
                            "year": [2020, 2021, 2022, 2023], "value": [10.2, 11.25, 12.5, 13.4]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, details = mt.assess_detailed(history, PLAN, as_of=2023, seed=0)
    cells = table_cells(table, details)[0]
    assert [cells[f"y{y}"].text for y in (2021, 2022, 2023)] == ["11.25", "12.50", "13.40"]
