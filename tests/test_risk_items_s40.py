"""Session 40 (fixer G10): a notice's 不合格项目 column read as the outcome -- passed wordings read as passed,
item text as failed, anything else refused in one message; a records evaluation with too few failures gives no
verdict; spreadsheet day numbers with a time and dates with 上午 / 下午 read as dates. Data are SYNTHETIC."""
import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError
from mstarget.risk.evaluate import evaluate_records
from mstarget.risk.samples import date_of, items_outcome, parse_dates

ITEMS = "不合格项目（检验结果/标准值）"

PASSED = ["所检项目符合标准要求", "未检出", "无不合格项目", "检验合格", "符合标准要求", "无不合格项", "未发现问题",
          "合格（复检）", "未检出（<0.01）", "ND", "一", "\\", "/", "—", "－", "合格", "", "符合GB 2762-2017要求", "N/A"]
FAILED = ["菌落总数‖7.8‖≤1.0", "不合格", "不符合", "铅（以Pb计）", "无机砷（以As计）", "标签", "检出沙门氏菌",
          "霉菌‖90‖≤50；大肠菌群‖4.3‖≤1.0", "不合格（标签）", "苯甲酸及其钠盐（以苯甲酸计）"]


def _notice(n=240, seed=3) -> pd.DataFrame:
    """SYNTHETIC notice rows whose passed batches are written in the wordings notices use."""
    rng = np.random.default_rng(seed)
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, n), unit="D")
    cat = rng.choice(["糕点", "饮料", "调味品"], n)
    fail = rng.random(n) < np.where(cat == "糕点", 0.12, 0.03)
    passed = rng.choice(["所检项目符合标准要求", "未检出", "无不合格项目", "/", "合格（复检）", "一"], n)
    return pd.DataFrame({"分类": cat, "抽样日期": day.strftime("%Y-%m-%d"),
                         ITEMS: np.where(fail, "菌落总数‖7.8‖≤1.0", passed)}), int(fail.sum())


def test_passed_wordings_of_a_notice_are_not_counted_as_failures(tmp_path):
    df, failed = _notice()
    df.to_csv(tmp_path / "n.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mt.risk.score(str(tmp_path / "n.csv"), by=["分类"], half_life=None)
    assert failed == 12 and int(s["failed"].sum()) == 12 and int(s["tested"].sum()) == 240  # HEAD: 192


@pytest.mark.parametrize("cell", PASSED)
def test_each_passed_wording_is_passed(cell):
    assert items_outcome(pd.Series([cell]), "x", ITEMS).tolist() == [0.0]


@pytest.mark.parametrize("cell", FAILED)
def test_item_text_and_failure_words_are_failed(cell):
    assert items_outcome(pd.Series([cell]), "x", ITEMS).tolist() == [1.0]


def test_a_wording_neither_passed_nor_an_item_is_refused_in_one_message_never_guessed():
    cells = pd.Series(["/"] * 5 + ["不涉及"] * 4 + ["正常", "不合格（复检合格）", "菌落总数‖7.8‖≤1.0"])
    with pytest.raises(DataValidationError) as exc:
        items_outcome(cells, "notice.csv", ITEMS)
    assert len(exc.value.problems) == 1
    text = str(exc.value)
    assert "6 cells say neither" in text and "'不涉及' x4 (rows 7, 8, 9, ...)" in text
    assert "'正常' x1 (row 11)" in text and "'不合格（复检合格）' x1 (row 12)" in text
    assert "“/”" in text and "删除该行" in text  # how to fix it


def test_records_evaluation_with_few_failures_gives_no_verdict():
    one = evaluate_records(np.array([0, 0, 0, 1, 0]), np.array([.1, .2, .05, .3, .1]))
    assert one.metrics["auc"] == 1.0
    assert one.conclusion.startswith("总体结论：证据不足") and "仅 1 个不合格" in one.conclusion
    assert "把握" not in one.conclusion and "可以按风险排序" not in one.conclusion  # HEAD: 把握较高
    y = np.zeros(40, int)
    y[[3, 17]] = 1
    p = np.linspace(.01, .2, 40)
    p[[3, 17]] = .5
    two = evaluate_records(y, p)
    assert "证据不足" in two.conclusion and "仅 2 个不合格" in two.conclusion and "not shown" in two.conclusion


def test_records_evaluation_whose_auc_interval_holds_chance_gives_no_verdict():
    rng = np.random.default_rng(5)  # SYNTHETIC: 30 failures, a weak ranking
    y = np.r_[np.ones(30, int), np.zeros(300, int)]
    p = np.clip(0.05 + 0.02 * y + rng.normal(0, 0.05, len(y)), 0, 1)
    r = evaluate_records(y, p)
    assert 0.55 < r.metrics["auc"] < 0.7
    assert "证据不足" in r.conclusion and "含随机 0.5" in r.conclusion
    rng = np.random.default_rng(7)  # enough failures, a real ranking: a verdict
    truth = rng.beta(1, 30, 3000)
    y = (rng.random(3000) < truth).astype(int)
    assert evaluate_records(y, truth, train_rate=float(y.mean())).conclusion.startswith("总体结论：可以按风险排序")


def test_day_numbers_with_a_time_and_dates_with_am_pm_are_dates():
    assert date_of(45356.4375) == date_of("45356.4375") == date_of("2024/03/05 上午 10:30") \
        == date_of("2024年3月5日下午3点") == date_of("2024-03-05 10:30 PM") == pd.Timestamp("2024-03-05").date()
    got = parse_dates(pd.Series(["2024/03/05 上午 10:30", "45356.4375", "2024-03-05"]), "x", "抽样日期")
    assert (got == np.datetime64("2024-03-05")).all()
    assert date_of("2024-02-30 上午 10:30") is None and date_of(73052.5) is None
