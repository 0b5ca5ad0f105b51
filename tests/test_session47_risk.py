"""A bureau analyst's sampling-risk probe (session 47): counts written in 万 (in a cell or in the
header's unit), counts in Chinese numerals, and an evaluation whose test year sampled nothing.

The tables are SYNTHETIC bureau files built from the shipped national 2019H2 category counts
(data/china/food_sampling_by_category.csv): each category's batches scaled to a district's size, its
unqualified batches drawn at the category's national rate, under Chinese headers."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv"


def _district_table(years=(2021, 2022, 2023), seed=0) -> pd.DataFrame:
    """SYNTHETIC 类别 | 年份 | 抽检批次 | 不合格批次: the eight largest national categories of 2019H2,
    batches / 200 (a district's size) varied by up to 20 % a year, failures at the national rate."""
    src = pd.read_csv(DATA)
    base = src[(src["period"] == "2019H2") & (src["category"] != "合计")].nlargest(8, "tested")
    rng = np.random.default_rng(seed)
    rows = []
    for y in years:
        for r in base.itertuples():
            t = int(r.tested / 200 * rng.uniform(0.8, 1.2))
            rows.append({"类别": r.category, "年份": y, "抽检批次": t,
                         "不合格批次": int(rng.binomial(t, r.failed / r.tested))})
    return pd.DataFrame(rows)


def _refusal(path, **kw) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError) as exc:
            mt.risk.score(str(path), by="类别", **kw)
    return str(exc.value)


def test_a_rounded_count_in_wan_is_refused_with_the_batches_it_may_be(tmp_path):
    df = _district_table().astype({"抽检批次": object})
    df.loc[0, "抽检批次"] = "1.2万"  # 食用农产品 2021, as a summary table may round it
    path = tmp_path / "抽检情况.csv"
    df.to_csv(path, index=False)
    text = _refusal(path)
    assert "抽检情况.csv, row 2, column '抽检批次': '1.2万'" in text
    assert "11,500–12,499" in text and "ten thousands" in text  # why: rounded, and what it may be


def test_a_count_in_wan_exact_to_the_batch_is_read(tmp_path):
    df = _district_table()
    exact = int(df.loc[0, "抽检批次"])  # 8,701 batches
    df = df.astype({"抽检批次": object})
    df.loc[0, "抽检批次"] = f"{exact / 10_000:.4f}万"  # 0.8701万
    path = tmp_path / "抽检情况.csv"
    df.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = mt.risk.score(str(path), by="类别")
        want = mt.risk.score(_district_table(), by="类别")
    cat = df.loc[0, "类别"]
    assert int(got.loc[got["类别"] == cat, "tested"].iloc[0]) == int(want.loc[want["类别"] == cat, "tested"].iloc[0])
    assert np.allclose(got.sort_values("类别")["risk"], want.sort_values("类别")["risk"])


def test_a_header_in_wan_batches_is_refused_once_naming_the_unit(tmp_path):
    df = _district_table()
    df["抽检批次（万批次）"] = (df.pop("抽检批次") / 10_000).round(4)
    df = df[["类别", "年份", "抽检批次（万批次）", "不合格批次"]]
    path = tmp_path / "抽检汇总.xlsx"
    df.to_excel(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError) as exc:
            mt.risk.score(str(path), by="类别")
    problems = exc.value.problems
    assert len(problems) == 1  # not one 'looks like a rate' per row
    text = str(exc.value)
    assert "column '抽检批次（万批次）'" in text and "row 2" in text
    assert f"{int(round(df.iloc[0, 2] * 10_000)):,} batches" in text  # 0.8701 万 = 8,701 batches
    assert "rate" not in text.split("--")[0]  # not told to move a rate to a 不合格率 column


def test_a_count_in_chinese_numerals_says_to_write_digits(tmp_path):
    df = _district_table().astype({"不合格批次": object})
    df.loc[3, "不合格批次"] = "十五"
    path = tmp_path / "抽检情况.csv"
    df.to_csv(path, index=False)
    text = _refusal(path)
    assert "row 5, column '不合格批次': '十五'" in text and "Chinese numerals" in text


def test_evaluate_on_a_test_year_with_no_batches_says_so(tmp_path):
    df = _district_table()
    df.loc[df["年份"] == 2023, ["抽检批次", "不合格批次"]] = 0  # 2023 not sampled (yet): every row 0 批
    path = tmp_path / "抽检情况.csv"
    df.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataValidationError) as exc:
            mt.risk.evaluate(str(path), by=["类别"], train_until="2022")
    text = str(exc.value)
    assert "抽检情况.csv" in text and "test period 2023" in text and "0 batches" in text
    assert "none of the test groups was scored" not in text  # they were all scored


def test_cli_budget_in_chinese_numerals_is_refused_saying_digits(tmp_path, capsys):
    from mstarget.cli.main import main
    df = _district_table()
    samples = tmp_path / "抽检情况.csv"
    df.to_csv(samples, index=False)
    with pytest.raises(SystemExit) as exc:
        main(["risk", "allocate", "--samples", str(samples), "--by", "类别", "--budget", "五千", "--no-track"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--budget" in err and "Chinese numerals" in err


def test_evaluate_says_the_coverage_share_was_kept_against_the_split_before_the_caps(tmp_path):
    """The coverage quarter is a quarter of the volume-proportional batches before the caps; the 按量方案 column
    it was compared with gives the capped 食用农产品's excess to the other groups, so its smallest ratio read 15 %
    and the verdict blamed caps or rounding. Now it says the share was kept, against the split before the caps."""
    path = tmp_path / "抽检情况.csv"
    _district_table().to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = mt.risk.evaluate(str(path), by=["类别"], train_until="2022", budget=5000)
    assert result.metrics["plan_min_volume_ratio"] == pytest.approx(0.1498, abs=1e-4)
    assert result.metrics["plan_min_plain_ratio"] >= 0.25 - 0.01
    verdict = result.report().set_index("metric").loc["plan_min_volume_ratio", "verdict"]
    assert "按不设上限的按量比例，每组至少得到 25.1%，覆盖份额 25% 已保住" in verdict
    assert "有组被上限或批次取整压低" not in verdict
