"""十五五 drafting review (probe H11, task H12): a word in a 〈〉 row's target cell no longer stops assess / suggest;
待定 / 另行确定 read as a target not set yet (目标待定: suggest gives its figures, assess does not judge it and does not
count it as 定性); a 〈〉 row's 持续提升 is said to take the previous period's additions as its figure; a derived share's
latest value is written with the decimals suggest uses (21.61); backtest says which horizons it scored.

All data SYNTHETIC (示范区(合成)), generated below: a district's 2016-2025 history and its draft 十五五 table laid out as a
bureau writes it (序号 / 指标名称 / 单位 / 2025年基数 / 2030年目标 / 属性)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.assess import display_frame, summary_line
from mstarget.cli.main import main
from mstarget.report.formatting import COMPUTED_SIGNIFICANT_DIGITS, written_row_decimals
from mstarget.suggest import SIGNIFICANT_DIGITS

REGION = "示范区(合成)"
NAMES = {"market_entities": ("期末市场主体总量", "万户"), "ip_pledge": ("知识产权质押登记融资金额", "亿元"),
         "food_pass_rate": ("食品抽检合格率", "%"), "patents": ("每万人口高价值发明专利拥有量", "件/万人"),
         "food_accidents": ("较大及以上食品安全事故", "起")}


def _history(tmp_path):
    """SYNTHETIC history 2016-2025: a rising stock (万户), yearly 〈〉 flows (亿元), a pass rate near 98 %, a rising
    patent ratio with a derived share's six decimals, and incidents that stay at 0."""
    rng = np.random.default_rng(11)
    years = range(2016, 2026)
    series = {
        "market_entities": [round(2.2 + 0.16 * i + float(rng.normal(0, 0.02)), 2) for i in range(10)],
        "ip_pledge": [round(0.9 + 0.08 * i + float(rng.normal(0, 0.08)), 2) for i in range(10)],
        "food_pass_rate": [round(97.0 + 0.13 * i + float(rng.normal(0, 0.1)), 1) for i in range(10)],
        "patents": [round(1.9 + 0.25 * i + float(rng.normal(0, 0.05)), 6) for i in range(10)],
        "food_accidents": [0] * 10,
    }
    rows = [(REGION, NAMES[k][0], y, v, NAMES[k][1]) for k, vals in series.items() for y, v in zip(years, vals)]
    path = tmp_path / "history.csv"
    pd.DataFrame(rows, columns=["地区", "指标名称", "年份", "数值", "单位"]).to_csv(path, index=False)
    return path, series


def _plan(tmp_path, targets: dict, name="plan.csv", extra: dict | None = None):
    """SYNTHETIC draft: the five rows with their 2025 baselines and the 2030 target cells given in ``targets``."""
    base = {"market_entities": "〔3.66〕", "ip_pledge": "〈6.6〉", "food_pass_rate": "98.3", "patents": "4.11",
            "food_accidents": "0"}
    attr = {"food_pass_rate": "约束性", "food_accidents": "约束性"}
    frame = pd.DataFrame({"序号": range(1, 6), "指标名称": [NAMES[k][0] for k in base],
                          "单位": [NAMES[k][1] for k in base], "2025年基数": list(base.values()),
                          "2030年目标": [targets[k] for k in base], "属性": [attr.get(k, "预期性") for k in base]})
    for col, cells in (extra or {}).items():
        frame[col] = [cells.get(k, "") for k in base]
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


DRAFT = {"market_entities": "〔4.50〕", "ip_pledge": "〈8〉", "food_pass_rate": "≥98.5", "patents": "≥6.5",
         "food_accidents": "≤0"}


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# -- finding 1: a word target on a 〈〉 row -------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["建成", "全面推行"])
def test_a_qualitative_word_on_an_increment_row_is_assessed_as_qualitative(tmp_path, word):
    history, _ = _history(tmp_path)
    plan = _plan(tmp_path, {**DRAFT, "ip_pledge": word})
    table = _quiet(mt.assess, history, plan, region=REGION, seed=0, n_paths=300)
    row = table.set_index("name").loc[NAMES["ip_pledge"][0]]
    assert row["category_zh"] == "定性指标，另行评价"
    assert np.isnan(row["p_meet"])
    # the other rows are assessed as before
    assert table.set_index("name")["p_meet"].drop(NAMES["ip_pledge"][0]).notna().all()


def test_a_blank_increment_target_marked_qualitative_in_its_attribute_is_kept(tmp_path):
    history, _ = _history(tmp_path)
    plan_path = _plan(tmp_path, {**DRAFT, "ip_pledge": ""})
    frame = pd.read_csv(plan_path, dtype=str, keep_default_na=False)
    frame.loc[1, "属性"] = "定性"
    frame.to_csv(plan_path, index=False)
    table = _quiet(mt.assess, history, plan_path, region=REGION, seed=0, n_paths=300)
    assert table.set_index("name").loc[NAMES["ip_pledge"][0], "category_zh"] == "定性指标，另行评价"


@pytest.mark.parametrize("command", ["assess", "suggest"])
def test_the_cli_runs_on_a_draft_with_a_word_in_its_increment_row(tmp_path, capsys, command):
    history, _ = _history(tmp_path)
    plan = _plan(tmp_path, {**DRAFT, "ip_pledge": "另行确定"})
    code = _quiet(main, [command, "--plan", str(plan), "--history", str(history), "--region", REGION,
                         "--seed", "0", "--no-track"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "internal error" not in out.err
    assert "另行确定" in out.out


# -- finding 2: 待定 is a target not set yet -----------------------------------------------------------------------

def test_read_plan_marks_daiding_as_not_set_not_qualitative(tmp_path):
    plan = _plan(tmp_path, {**DRAFT, "market_entities": "待定", "food_pass_rate": "（待定）", "patents": "另行确定",
                            "food_accidents": "待定目标"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p = mt.read_plan(plan, region=REGION)
    p = p.set_index("name")
    pending = [NAMES[k][0] for k in ("market_entities", "food_pass_rate", "patents", "food_accidents")]
    assert p.loc[pending, "target_pending"].all()
    assert p.loc[pending, "target"].isna().all()
    assert "qualitative" not in p.columns  # none of them is 定性
    # the direction of a count of incidents is known (none at all is the aim); of the others not
    assert p.loc[NAMES["food_accidents"][0], "direction"] == "<="
    assert pd.isna(p.loc[NAMES["market_entities"][0], "direction"])
    said = " ".join(str(w.message) for w in caught)
    assert "4 target(s) not set yet (目标待定)" in said and "row 2 '期末市场主体总量' (待定)" in said
    assert "持续提升" in said and "指标方向" in said  # how to get figures for the undirected ones
    assert "qualitative target(s) kept" not in said
    # read again (a plan read before): the same reading
    again = _quiet(mt.read_plan, p.reset_index())
    assert again["target_pending"].tolist() == p["target_pending"].tolist()


def test_suggest_gives_a_daiding_row_the_figures_of_its_direction(tmp_path):
    history, _ = _history(tmp_path)
    direction = {"指标方向": {"market_entities": "正向", "food_pass_rate": "正向", "patents": "正向",
                              "food_accidents": "逆向", "ip_pledge": "正向"}}
    pending = _plan(tmp_path, {k: "待定" for k in DRAFT}, "pending.csv", direction)
    rising = _plan(tmp_path, {**{k: "持续提升" for k in DRAFT}, "food_accidents": "零发生"}, "words.csv", direction)
    s = _quiet(mt.suggest_targets, history, pending, (0.7, 0.8), region=REGION, seed=0, n_paths=500)
    w = _quiet(mt.suggest_targets, history, rising, (0.7, 0.8), region=REGION, seed=0, n_paths=500)
    s, w = s.set_index("name"), w.set_index("name")
    # the figures are the forecast's, whatever the drafted target: the same as beside 持续提升 / 零发生
    for c in ("target_at_70", "target_at_80", "p_at_70", "p_at_80"):
        assert s[c].tolist() == pytest.approx(w[c].tolist()), c
    assert s["target_at_70"].notna().all()
    assert s["target"].isna().all() and s["p_meet"].isna().all()  # no drafted target to judge
    assert s["reason"].str.contains("目标待定").all()


def test_suggest_without_a_direction_says_how_to_get_figures(tmp_path, capsys):
    history, _ = _history(tmp_path)
    plan = _plan(tmp_path, {**DRAFT, "market_entities": "待定", "ip_pledge": "待定"})
    s = _quiet(mt.suggest_targets, history, plan, (0.7, 0.8), region=REGION, seed=0, n_paths=300).set_index("name")
    undirected = s.loc[NAMES["market_entities"][0]]
    assert np.isnan(undirected["target_at_70"])
    assert "持续提升" in undirected["reason"] and "指标方向" in undirected["reason"]
    assert "qualitative" not in undirected["reason"]
    # a 〈〉 row counts additions: at least, as 〈8〉 reads -- its figures are given
    assert s.loc[NAMES["ip_pledge"][0], "target_at_70"] > 0
    code = _quiet(main, ["suggest", "--plan", str(plan), "--history", str(history), "--region", REGION,
                         "--seed", "0", "--no-track"])
    out = capsys.readouterr().out
    assert code == 0
    assert "目标待定且未给出方向" in out
    assert "定性指标，不测算目标值" not in out


def test_assess_reports_daiding_as_not_set_not_as_qualitative(tmp_path, capsys):
    history, _ = _history(tmp_path)
    plan = _plan(tmp_path, {**DRAFT, "market_entities": "待定", "patents": "待定"}, extra={
        "指标方向": {"market_entities": "正向", "patents": "正向"}})
    table = _quiet(mt.assess, history, plan, region=REGION, seed=0, n_paths=300).set_index("name")
    for key in ("market_entities", "patents"):
        row = table.loc[NAMES[key][0]]
        assert row["category_zh"] == "目标待定"
        assert bool(row["target_pending"])
        assert np.isnan(row["p_meet"]) and pd.isna(row["status"]) and np.isnan(row["target"])
        assert np.isfinite(row["forecast"])  # the forecast is kept for the drafter
        assert "目标待定" in row["note"]
    assert table.loc[NAMES["food_pass_rate"][0], "p_meet"] == table.loc[NAMES["food_pass_rate"][0], "p_meet"]
    line = summary_line(table.reset_index())
    assert "目标待定 2" in line and "qualitative" not in line
    code = _quiet(main, ["assess", "--plan", str(plan), "--history", str(history), "--region", REGION,
                         "--seed", "0", "--no-track"])
    out = capsys.readouterr().out
    assert code == 0
    assert "目标待定 2 (target not set yet" in out
    assert "定性" not in out


def test_a_blank_target_refusal_mentions_daiding_and_direction_words(tmp_path):
    plan = _plan(tmp_path, {**DRAFT, "patents": ""})
    with pytest.raises(mt.DataValidationError) as err:
        _quiet(mt.read_plan, plan, region=REGION)
    text = str(err.value)
    assert "plan.csv" in text and "2030年目标" in text and "row 5" in text
    assert "待定" in text and "持续提升" in text


# -- finding 5: 持续提升 on a 〈〉 row ------------------------------------------------------------------------------

def test_direction_words_on_an_increment_row_say_the_baseline_is_the_figure(tmp_path):
    plan = _plan(tmp_path, {**DRAFT, "ip_pledge": "持续提升"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p = mt.read_plan(plan, region=REGION)
    assert p.set_index("name").loc[NAMES["ip_pledge"][0], "target"] == 6.6
    said = [str(w.message) for w in caught if "〈6.6〉" in str(w.message)]
    assert said, [str(w.message) for w in caught]
    assert all("not used" not in m and "不参与本期评估" not in m for m in said)
    assert any("持续提升" in m and "≥〈6.6〉" in m and "from 2026" in m for m in said)


def test_a_figure_on_an_increment_row_still_says_the_baseline_is_not_used(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.read_plan(_plan(tmp_path, DRAFT), region=REGION)
    assert any("not used" in str(w.message) and "≥〈8〉" in str(w.message) for w in caught)


# -- finding 6: a derived share's decimals -------------------------------------------------------------------------

def test_written_decimals_of_computed_figures_match_suggest():
    assert COMPUTED_SIGNIFICANT_DIGITS == SIGNIFICANT_DIGITS
    assert written_row_decimals((21.614096, 20.93, 22.6)) == 2
    assert written_row_decimals((0.123456, 0.2)) == 4  # 4 significant digits of a small share
    assert written_row_decimals((2.8, 3.1, 2.95)) == 2  # reported figures: as before
    assert written_row_decimals((21.614096, 22.6), given=(3,)) == 3  # never fewer than the plan wrote


def test_assess_prints_a_derived_latest_value_as_suggest_does(tmp_path):
    history, series = _history(tmp_path)
    plan = _plan(tmp_path, DRAFT)
    table, details = _quiet(mt.assess_detailed, history, plan, region=REGION, seed=0, n_paths=300)
    shown = display_frame(table, details=details).set_index("name")
    latest = series["patents"][-1]
    s = _quiet(mt.suggest_targets, history, plan, (0.7,), region=REGION, seed=0, n_paths=300).set_index("name")
    decimals = int(s.loc[NAMES["patents"][0], "decimals"])
    assert decimals == 3  # 4 significant digits of 4.xxxxxx, not the history's 6 decimals
    assert shown.loc[NAMES["patents"][0], "last_value"] == f"{latest:.{decimals}f}"


# -- finding 4: backtest horizons ------------------------------------------------------------------------------------

def test_backtest_says_which_horizons_it_scored_and_how_to_score_the_rest(tmp_path, capsys):
    history, _ = _history(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mt.backtest(history, model="drift", horizon=5, origins=3, region=REGION, n_paths=200)
    assert sorted(res.details["h"].unique()) == [1, 2, 3]
    said = [str(w.message) for w in caught if "not scored" in str(w.message)]
    assert len(said) == 1
    assert "horizons 4-5 of --horizon 5 not scored" in said[0]
    assert "pools horizons 1-3 only" in said[0] and "--origins 2018,2019,2020" in said[0]
    code = _quiet(main, ["backtest", "--history", str(history), "--region", REGION, "--models", "drift",
                         "--horizon", "5", "--paths", "200", "--no-track"])
    out = capsys.readouterr().out
    assert code == 0
    assert "pooled over horizons 1-3 (of --horizon 5" in out and "horizons 1-5" not in out


def test_backtest_with_origins_scoring_every_horizon_says_nothing_more(tmp_path):
    history, _ = _history(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mt.backtest(history, model="drift", horizon=5, origins=[2018, 2019, 2020], region=REGION, n_paths=200)
    assert sorted(res.details["h"].unique()) == [1, 2, 3, 4, 5]
    assert not [w for w in caught if "not scored" in str(w.message)]
