"""A table by region whose 指标名称 and 单位 are written once over their years, beside indicators of a single year:
read down where each blank row goes on with the series above year by year (session 53). Before, the rule that at
least half the names be followed by a blank (one name over 4 years, two over 1) refused every blank row.

Figures: real, from data/china/provincial_panels.csv (地膜使用量 2018-2021, two livestock counts of 2018).
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError

REGIONS = ["全国", "内蒙古", "河南"]


def _panel(data_dir):
    panel = pd.read_csv(data_dir / "china" / "provincial_panels.csv")
    film = panel[(panel["name"] == "地膜使用量") & panel["year"].between(2018, 2021) & panel["region"].isin(REGIONS)]
    one = panel[panel["name"].isin(["年末存栏_父母代肉鸡场", "年末存栏_祖代及以上蛋鸡场"]) & (panel["year"] == 2018)
                & panel["region"].isin(REGIONS)]
    return film, one


def _write(tmp_path, film, one, break_year=False):
    lines = ["指标名称,单位,年份," + ",".join(REGIONS)]
    for name, g in one.groupby("name", sort=True):
        v = g.set_index("region")["value"]
        lines.append(f"{name},{g['unit'].iloc[0]},2018年," + ",".join(f"{v.get(r, '')}" for r in REGIONS))
    for k, (year, g) in enumerate(film.groupby("year")):
        v = g.set_index("region")["value"]
        label = f"{year + 1 if break_year and k == 2 else year}年"
        head = f"地膜使用量,{g['unit'].iloc[0]}," if k == 0 else ",,"
        lines.append(head + label + "," + ",".join(f"{v.get(r, '')}" for r in REGIONS))
    path = tmp_path / "by_region.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_name_written_once_over_its_years_beside_single_year_names(tmp_path, data_dir):
    film, one = _panel(data_dir)
    assert len(film) == 12 and len(one) >= 4
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        hist = mt.read_history(_write(tmp_path, film, one))
    got = hist[hist["name"] == "地膜使用量"].set_index(["region", "year"])["value"]
    want = film.set_index(["region", "year"])["value"]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    assert any("“指标名称”列的每个值只写在其第一行" in str(w.message) for w in seen)


def test_a_blank_row_that_does_not_go_on_year_by_year_stays_refused(tmp_path, data_dir):
    """2018, 2019, then 2021 (a year skipped): the third blank row does not continue the one above -- a cell left
    out, or another indicator's row; refused, naming it."""
    film, one = _panel(data_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError, match="column '指标名称': '': an indicator id"):
            mt.read_history(_write(tmp_path, film, one, break_year=True))
