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
import pytest

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


def test_english_category_names_are_paired_by_a_word_not_by_two_letters():
    from mstarget.risk.score import alike_names

    assert alike_names("Polish", ["Portuguese", "Polish Deli"]) == ["Polish Deli"]
    assert alike_names("Brazilian", ["Californian", "Bangladeshi"]) == []
    assert alike_names("Creole/Cajun", ["Cajun", "Chinese"]) == ["Cajun"]
    assert alike_names("Bakery", ["Bakery Products/Desserts", "Bagels/Pretzels"]) == ["Bakery Products/Desserts"]
    assert alike_names("Donuts", ["Doughnuts"]) == ["Doughnuts"]
    assert alike_names("粮食加工品", ["粮食及粮食制品", "蔬菜制品"]) == ["粮食及粮食制品"]  # Chinese: as before


def test_score_does_not_suggest_portuguese_for_polish(tmp_path):
    # SYNTHETIC quarterly counts: Polish sampled 2018Q1-2018Q4, Portuguese only from 2019Q2, the rest throughout
    rows = []
    for q, period in enumerate(["2018Q1", "2018Q2", "2018Q3", "2018Q4", "2019Q1", "2019Q2", "2019Q3", "2019Q4"]):
        for name, start, stop in [("Polish", 0, 3), ("Portuguese", 5, 7), ("Chinese", 0, 7), ("Italian", 0, 7)]:
            if start <= q <= stop:
                rows.append({"cuisine": name, "period": period, "tested": 40 + q, "failed": 5 + (q % 3)})
    path = tmp_path / "inspections.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    with pytest.warns(Warning) as caught:
        mt.risk.score(path, by="cuisine")
    stale = [str(w.message) for w in caught if "Polish" in str(w.message)]
    assert stale and "last 2018Q4" in stale[0]
    assert "Portuguese" not in stale[0] and "did you mean" not in stale[0]
