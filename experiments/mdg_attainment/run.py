"""MDG 4.A attainment backtest: would mstarget have called each country right, as of 2000 / 2005?

Target (MDG 4.A): under-five mortality in 2015 at most one third of 1990. Series: UN IGME child
mortality, **CME Info 2018 vintage** (``u5mr_per1000_igme_cme2018`` in ``data/backtest_mdg``: the
vintage closest to the 2015 final evaluation; deaths per 1,000 live births). Countries only:
entities without data in 1990 / 2015 and regional or income aggregates are dropped.

For each ``as_of`` year, only observations ``<= as_of`` are used, and three calls are compared
with the realised outcome (U5MR 2015 <= U5MR 1990 / 3 in the same vintage):

* **mstarget**: ``p_meet`` = share of ``model="auto"`` sample paths with U5MR(2015) <= target;
* **mstarget_rate**: the same with ``model="rate"`` (constant recent rate of reduction, errors
  pooled across countries, :mod:`mstarget.models.rate`). Its ``window`` (and error ``scale``) is
  **chosen on the as-of-2000 outcomes** (lowest Brier over windows 3 / 5 / 10 / 15 x scale
  none / series, table ``out/rate_selection_2000.csv``) and then also applied as of 2005, which
  is the honest out-of-sample check; the as-of-2000 row of this method is in-sample;
* **UN SDG Progress Chart rule**: ratio of the actual compound annual growth rate (1990 -> as_of)
  to the required one (1990 -> 2015 target) >= 0.95 means on track (called "met");
* **Eurostat rule**: the same ratio in four classes, >= 95 % / 60-95 % / 0-60 % / < 0 %; only
  the first is a "met" call, so its accuracy equals the UN rule's; the class table shows how
  often each class actually met the target.

Metrics: accuracy (mstarget calls "met" when ``p_meet >= 0.5``), Brier score (the rules' 0/1
calls have Brier = error rate), and a calibration (reliability) table of ``p_meet`` with 95 %
Wilson intervals (``out/calibration_<as_of>.csv``), drawn as ``out/reliability.png``. Logged to
MLflow: one parent run, one child run per method and ``as_of``.

    .venv/bin/python experiments/mdg_attainment/run.py [--no-track] [--out-dir DIR]
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from mstarget.reliability import reliability_table

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "backtest_mdg" / "mdg_series.csv"
INDICATOR = "u5mr_per1000_igme_cme2018"
AGGREGATE_WORDS = ("world", "region", "income", "countries", "developing", "developed", "africa (",
                   "asia (", "europe (", "america (", "oceania (", "sub-saharan", "latin america",
                   "middle east", "european union", "oecd", "ldc", "least developed", "small states",
                   "fragile", "ida ", "ibrd", "euro area", "arab world", "caribbean")


def is_aggregate(name: str) -> bool:
    n = name.lower()
    return any(w in n for w in AGGREGATE_WORDS)


def load() -> pd.DataFrame:
    d = pd.read_csv(DATA)
    d = d[d["indicator"] == INDICATOR]
    d = d[~d["country"].map(is_aggregate)]
    wide = d.pivot_table(index="country", columns="year", values="value")
    keep = wide.index[wide[1990].notna() & wide[2015].notna()]
    d = d[d["country"].isin(keep)]
    return d.rename(columns={"country": "region"})[["region", "indicator", "year", "value"]]


def rule_ratio(hist: pd.DataFrame, as_of: int) -> pd.Series:
    w = hist.pivot_table(index="region", columns="year", values="value")
    v0, v1 = w[1990], w[as_of]
    actual = (v1 / v0) ** (1 / (as_of - 1990)) - 1
    required = (1 / 3) ** (1 / 25) - 1
    return actual / required


def eurostat_class(r: float) -> str:
    if r >= 0.95:
        return "on track (>=95%)"
    if r >= 0.60:
        return "moderate (60-95%)"
    if r >= 0.0:
        return "insufficient (0-60%)"
    return "moving away (<0%)"


RATE_GRID = [(w, s) for w in (3, 5, 10, 15) for s in ("none", "series")]


def p_meet(hist: pd.DataFrame, as_of: int, model, seed: int) -> tuple[pd.Series, pd.Series]:
    """``p_meet`` and the model used per country, from data up to ``as_of``."""
    from mstarget.forecast import forecast_paths

    full = hist.pivot_table(index="region", columns="year", values="value")
    target = full[1990] / 3
    past = hist[hist["year"] <= as_of]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sfs = forecast_paths(past, 2015 - as_of, model=model, seed=seed, n_paths=2000)
    p = pd.Series({sf.region: float(np.mean(sf.at(2015) <= target[sf.region])) for sf in sfs})
    return p, pd.Series({sf.region: sf.model for sf in sfs})


def select_rate(hist: pd.DataFrame, seed: int, as_of: int = 2000):
    """Choose ``rate``'s window / scale by Brier on the ``as_of`` calls (uses those outcomes)."""
    from mstarget.models import ModelSpec

    full = hist.pivot_table(index="region", columns="year", values="value")
    met = (full[2015] <= full[1990] / 3).astype(int)
    rows = []
    for w, s in RATE_GRID:
        p, _ = p_meet(hist, as_of, ModelSpec("rate", {"window": w, "scale": s}), seed)
        y = met[p.index].to_numpy()
        rows.append({"as_of": as_of, "window": w, "scale": s,
                     "accuracy": float(((p >= 0.5).astype(int) == y).mean()),
                     "brier": float(np.mean((p.to_numpy() - y) ** 2))})
    table = pd.DataFrame(rows)
    best = table.loc[table["brier"].idxmin()]
    spec = ModelSpec("rate", {"window": int(best["window"]), "scale": str(best["scale"])},
                     label=f"rate_w{int(best['window'])}_{best['scale']}")
    return spec, table


def _called(df: pd.DataFrame) -> list[tuple[str, str]]:
    """(method, probability column) of the calls in ``df``; the UN rule's 0/1 call counts as p."""
    cols = [("mstarget", "p_meet"), ("mstarget_rate", "p_meet_rate"), ("un_rule", "un_call")]
    return [(m, c) for m, c in cols if c in df]


def reliability_figure(calls: dict[int, pd.DataFrame]):
    """One reliability diagram per ``as_of``: mstarget, mstarget_rate and the UN rule's calls."""
    from mstarget.plotting import pyplot
    from mstarget.report import reliability_chart

    fig, axes = pyplot().subplots(1, len(calls), figsize=(4.6 * len(calls), 4.4), squeeze=False)
    for ax, (as_of, df) in zip(axes[0], calls.items()):
        long = pd.concat([pd.DataFrame({"method": m, "p_meet": df[c].astype(float), "met": df["met"]})
                          for m, c in _called(df)], ignore_index=True)
        reliability_chart(long, by="method", ax=ax, title=f"MDG 4.A calls as of {as_of}")
    fig.tight_layout()
    return fig


def evaluate(hist: pd.DataFrame, as_of: int, model, seed: int, rate_spec=None):
    full = hist.pivot_table(index="region", columns="year", values="value")
    target = full[1990] / 3
    met = (full[2015] <= target).astype(int)
    past = hist[hist["year"] <= as_of]
    p, chosen = p_meet(hist, as_of, model, seed)
    ratio = rule_ratio(past, as_of)
    df = pd.DataFrame({"p_meet": p, "model": chosen, "ratio": ratio, "u5mr_1990": full[1990],
                       f"u5mr_{as_of}": full[as_of], "u5mr_2015": full[2015], "target": target,
                       "met": met}).dropna(subset=["p_meet", "ratio"])
    if rate_spec is not None:
        df["p_meet_rate"] = p_meet(hist, as_of, rate_spec, seed)[0]
    df["un_call"] = (df["ratio"] >= 0.95).astype(int)
    df["eurostat_class"] = df["ratio"].map(eurostat_class)
    df["as_of"] = as_of
    y = df["met"].to_numpy()
    res = {
        "mstarget": {"accuracy": float(((df["p_meet"] >= 0.5).astype(int) == y).mean()),
                     "brier": float(np.mean((df["p_meet"] - y) ** 2))},
    }
    if rate_spec is not None:
        res["mstarget_rate"] = {"accuracy": float(((df["p_meet_rate"] >= 0.5).astype(int) == y).mean()),
                                "brier": float(np.mean((df["p_meet_rate"] - y) ** 2))}
    res.update({
        "un_rule": {"accuracy": float((df["un_call"] == y).mean()),
                    "brier": float(np.mean((df["un_call"] - y) ** 2))},
        "eurostat_rule": {"accuracy": float((df["un_call"] == y).mean()),
                          "brier": float(np.mean((df["un_call"] - y) ** 2))},
    })
    for k in res:
        res[k]["n_countries"] = int(len(df))
        res[k]["share_met"] = float(y.mean())
    cal = pd.concat([reliability_table(df[col], y).assign(method=method)
                     for method, col in _called(df)], ignore_index=True)
    euro = df.groupby("eurostat_class")["met"].agg(n="size", observed_met="mean").reset_index()
    return df.reset_index(names="country"), res, cal, euro


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="auto")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out-dir", default=str(Path(__file__).parent / "out"))
    ap.add_argument("--no-track", action="store_true")
    ap.add_argument("--tracking-uri", default=None)
    ap.add_argument("--experiment", default="mdg_attainment")
    args = ap.parse_args(argv)
    from mstarget import tracking
    from mstarget.plotting import save_figure

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    hist = load()
    rate_spec, rate_table = select_rate(hist, args.seed)
    rate_table.to_csv(out / "rate_selection_2000.csv", index=False)
    print("rate model chosen on the as-of-2000 calls (lowest Brier):", rate_spec.params)
    print(rate_table.to_string(index=False))
    results, tables = {}, {}
    for as_of in (2000, 2005):
        df, res, cal, euro = evaluate(hist, as_of, args.model, args.seed, rate_spec)
        results[as_of], tables[as_of] = res, (df, cal, euro)
        df.to_csv(out / f"calls_{as_of}.csv", index=False)
        cal.to_csv(out / f"calibration_{as_of}.csv", index=False)
        euro.to_csv(out / f"eurostat_classes_{as_of}.csv", index=False)
        print(f"\n== as of {as_of}: {len(df)} countries, {df['met'].mean():.1%} met MDG 4.A")
        for k, v in res.items():
            print(f"  {k:14s} accuracy {v['accuracy']:.3f}  Brier {v['brier']:.3f}")
        print("  calibration of p_meet:\n" + cal.to_string(index=False))
        print("  Eurostat classes:\n" + euro.to_string(index=False))
    summary = pd.DataFrame([{"as_of": a, "method": k, **v} for a, r in results.items() for k, v in r.items()])
    summary.to_csv(out / "summary.csv", index=False)
    fig = reliability_figure({a: t[0] for a, t in tables.items()})
    save_figure(fig, out / "reliability.png")
    settings = tracking.TrackingSettings.from_env(enabled=False if args.no_track else None,
                                                  tracking_uri=args.tracking_uri, experiment=args.experiment)
    with tracking.start_run("mdg_attainment", settings,
                            params={"indicator": INDICATOR, "model": args.model, "seed": args.seed,
                                    "rate_model": rate_spec.to_dict(),
                                    "data": tracking.data_fingerprint(hist)}) as parent:
        if parent is not None:
            parent.log_table(summary, "summary.csv")
            parent.log_figure(fig, "reliability.png")
            for as_of, res in results.items():
                df, cal, euro = tables[as_of]
                for method, v in res.items():
                    with tracking.start_run(f"{method}@{as_of}", settings, nested=True,
                                            params={"method": method, "as_of": as_of}) as child:
                        child.log_metrics(v)
                        if method in ("mstarget", "mstarget_rate"):
                            child.log_table(df, f"calls_{as_of}.csv")
                            child.log_table(cal, f"calibration_{as_of}.csv")
                        if method == "eurostat_rule":
                            child.log_table(euro, f"eurostat_classes_{as_of}.csv")
    print(f"\nwritten {out}/summary.csv")
    return summary


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
