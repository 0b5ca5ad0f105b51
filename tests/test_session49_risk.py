"""``risk evaluate`` judges the plan ``risk allocate`` would adopt, stale groups held alike (session 49).

Session 48 held a category whose data stop early (its evidence aged) to the larger of an even split and its volume
share in ``allocate``, with ``--no-hold-stale`` to lift it. ``evaluate`` built its plan from the scores' risk alone:
the groups' first and last periods were dropped on the way, so the plan it judged never held a stale group -- not
the plan an office adopts -- and it had no ``--no-hold-stale``. A category sampled again after a gap (其他: 2019-2020,
then 2024) is now held in the evaluated plan, and the flag lifts it.

Data: SYNTHETIC district counts (``test_session48_risk._district``) drawn at the real national 2019H2 category rates.
"""
from __future__ import annotations

import warnings

import pandas as pd

import mstarget as mt
from mstarget.cli.main import main
from test_session48_risk import _district


def _gap_table() -> pd.DataFrame:
    d = _district(drift_sd=0.3)
    return d[~((d["食品大类"] == "其他") & d["年度"].between(2021, 2023))]  # not sampled 2021-2023, again in 2024


def _other(hold: bool) -> tuple[dict, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mt.risk.evaluate(_gap_table(), by="食品大类", train_until=2023, budget=900, hold_stale=hold)
    return res.table.set_index("食品大类").loc["其他"].to_dict(), res.metrics["est_found_plan"]


def test_evaluated_plan_holds_a_stale_group_as_allocate_does_and_the_option_lifts_it():
    held, found_held = _other(True)
    free, found_free = _other(False)
    assert held["batches_even"] == 100 and held["batches_volume"] == 5  # 900 / 9 groups; its market unchanged
    assert held["batches_plan"] == 100  # max(even split, volume share): the hold
    assert free["batches_plan"] > 100  # on its score (data to 2020, risk 5.7 %)
    assert found_free != found_held


def test_cli_evaluate_takes_no_hold_stale(tmp_path, capsys):
    src = tmp_path / "区抽检.csv"
    _gap_table().to_csv(src, index=False)
    outs = []
    for flag in ([], ["--no-hold-stale"]):
        out = tmp_path / f"E{len(flag)}.csv"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert main(["risk", "evaluate", "--samples", str(src), "--by", "食品大类", "--train-until", "2023",
                         "--budget", "900", "--out", str(out), "--no-track", *flag]) == 0
        capsys.readouterr()
        outs.append(pd.read_csv(out).set_index("metric"))
    held, free = (o.loc["est_found_plan"] for o in outs)
    assert held.to_dict() != free.to_dict()
