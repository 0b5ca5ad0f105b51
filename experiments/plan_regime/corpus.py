"""The calibration corpus of real policy indicators (all in ``data/``), with a ``family`` per row.

* ``data/china/provincial_panels.csv``: 135 indicators x 31 provinces (+ national), 2010-2024, from
  the Chinese statistical yearbooks (README beside it); ``family`` = the source data set
  (AgriMachine, PublicBudget, ..., LivestockBreeding). ``hitech_industry_profit_margin`` is a
  margin in % that can be negative, not a share: its unit is read as ``百分点`` (unbounded).
* ``data/backtest_mdg/mdg_series.csv``: MDG-era country series (water, sanitation, TB, maternal
  mortality, undernourishment); ``family`` = ``MDG_<source vintage>`` (jmp2021, who2019, fao_sofi2018). Child-mortality series (u5mr / imr /
  nmr) are left out: they are the MDG 4.A experiment's test data.
* ``data/china/national_history.csv``: national market-regulation series (one region: no peers).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


def provincial() -> pd.DataFrame:
    d = pd.read_csv(DATA / "china" / "provincial_panels.csv")
    d["family"] = d["source"].str.extract(r"data/(\w+)\.rda", expand=False)
    d.loc[d["indicator"] == "hitech_industry_profit_margin", "unit"] = "百分点"
    # a head count cannot be negative: 山西 sheep / goat females 2016 = -42364 只 (between 57513 and 49172) is a
    # source error that read_history warns about; left out (a loss of 亿元 profit, also negative, is kept)
    return d[~((d["value"] < 0) & d["unit"].isin(["只", "头", "匹", "个", "套", "台", "万台", "枚"]))]


def mdg() -> pd.DataFrame:
    d = pd.read_csv(DATA / "backtest_mdg" / "mdg_series.csv").rename(columns={"country": "region"})
    d = d[~d["indicator"].str.match(r"(u5mr|imr|nmr)_")]
    d["unit"] = np.where(d["indicator"].str.contains("_pct_"), "%", "per")
    # one family per source data set: JMP 2021 (water, sanitation, open defecation), WHO TB,
    # WHO maternal mortality, FAO undernourishment
    d["family"] = "MDG_" + d["indicator"].str.rsplit("_", n=1).str[-1]
    d["source"] = "owid/owid-datasets (data/backtest_mdg)"
    return d


def national() -> pd.DataFrame:
    d = pd.read_csv(DATA / "china" / "national_history.csv")
    d["family"] = "national"
    return d


def corpus() -> pd.DataFrame:
    """All three, columns ``region, indicator, year, value, unit, family``."""
    cols = ["region", "indicator", "year", "value", "unit", "family"]
    return pd.concat([provincial()[cols], mdg()[cols], national()[cols]], ignore_index=True)
