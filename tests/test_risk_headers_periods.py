"""A bureau's Chinese headers in ``mt.risk.features`` / ``mt.risk.fit`` (read as ``mt.risk.score`` reads
them, a DataFrame like a file), and periods written as spans of months or quarters (2023年1-6月)."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "china" / "food_sampling_by_category.csv"
DISTRICTS = ("端州区", "鼎湖区", "高要区", "四会市", "广宁县")


def sampling_records(n=900, seed=3):
    """Labelled synthetic per-batch records of a city's food sampling, as a bureau's register lists
    them (抽样日期 | 被抽样单位名称 | 所在地区 | 食品大类 | 检验结论): each batch's category drawn in
    proportion to the batches tested, and its failure with that category's rate, in the real national
    2019H2 figures by category (data/china/food_sampling_by_category.csv); 90 shops, two years of dates."""
    real = pd.read_csv(DATA)
    real = real[(real["region"] == "全国") & (real["period"] == "2019H2") & (real["category"] != "合计")]
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(real), n, p=(real["tested"] / real["tested"].sum()).to_numpy())
    rate = (real["failed"] / real["tested"]).to_numpy()[pick]
    failed = rng.random(n) < np.clip(rate * 3, 0, 0.9)  # a city's risk-based sampling finds more
    dates = pd.Timestamp("2022-01-04") + pd.to_timedelta(np.sort(rng.integers(0, 720, n)), unit="D")
    reason = rng.choice(["", "（微生物指标）", "（标签）"], n)
    return pd.DataFrame({
        "抽样日期": dates.strftime("%Y-%m-%d"),
        "被抽样单位名称": [f"肇庆市{DISTRICTS[i % 5]}食品店{i:02d}" for i in rng.integers(0, 90, n)],
        "所在地区": rng.choice(DISTRICTS, n),
        "食品大类": real["category"].to_numpy()[pick],
        "检验结论": np.where(failed, np.char.add("不合格", reason.astype(str)), "合格"),
    })


def english(df):
    """The same records under plain English headers and 0/1 outcomes: the reference reading."""
    return pd.DataFrame({"date": pd.to_datetime(df["抽样日期"]), "shop": df["被抽样单位名称"],
                         "district": df["所在地区"], "category": df["食品大类"],
                         "failed": df["检验结论"].str.startswith("不合格").astype(int)})


def test_features_read_a_bureau_registers_headers_as_score_does(tmp_path):
    df = sampling_records()
    ref = mt.risk.features(english(df), time="date", outcome="failed", entity="shop", area="category")
    # score(by="category") reads 食品大类 as category: so do features, by either name
    canonical = mt.risk.features(df, time="抽样日期", outcome="outcome", entity="被抽样单位名称",
                                 area="category")
    written = mt.risk.features(df, time="抽样日期", outcome="检验结论", entity="被抽样单位名称", area="食品大类")
    assert len(mt.risk.score(df, by="category")) == df["食品大类"].nunique()
    pd.testing.assert_frame_equal(canonical, ref)
    assert list(written.columns[-4:]) == ["食品大类_rate_30d", "食品大类_weight_30d", "食品大类_rate_90d",
                                          "食品大类_weight_90d"]  # named as the caller named the column
    np.testing.assert_allclose(written.to_numpy(), ref.to_numpy())
    # the register saved as a workbook (read by mstarget's own reader) gives the same features
    path = tmp_path / "抽检记录.xlsx"
    df.to_excel(path, index=False)
    from_file = mt.risk.features(path, time="抽样日期", outcome="检验结论", entity="被抽样单位名称",
                                 area="食品大类")
    pd.testing.assert_frame_equal(from_file, written)
    # dates as a bureau writes them (2022年1月4日), as score reads them
    chinese_dates = df.assign(抽样日期=pd.to_datetime(df["抽样日期"]).map(lambda d: f"{d.year}年{d.month}月{d.day}日"))
    pd.testing.assert_frame_equal(
        mt.risk.features(chinese_dates, time="抽样日期", outcome="检验结论", entity="被抽样单位名称",
                         area="食品大类"), written)


def test_fit_and_predict_read_a_bureau_registers_headers(tmp_path):
    df = sampling_records()
    ref = mt.risk.fit(english(df), outcome="failed", features=["category", "district"], time="date")
    by_written = mt.risk.fit(df, outcome="检验结论", features=["食品大类", "所在地区"], time="抽样日期")
    by_canonical = mt.risk.fit(df, outcome="outcome", features=["category", "所在地区"], time="抽样日期")
    for m in (by_written, by_canonical):
        assert m.validation_ == pytest.approx(ref.validation_)
    assert by_written.features_ == ["食品大类", "所在地区"]
    path = tmp_path / "抽检记录.xlsx"
    df.to_excel(path, index=False)
    p = by_written.predict(df)
    np.testing.assert_allclose(p, ref.predict(english(df)))
    np.testing.assert_allclose(by_written.predict(path), p)  # the same register as a file
    np.testing.assert_allclose(by_canonical.predict(df.rename(columns={"食品大类": "类别"})), p)
    # default features from the workbook: its columns, not the quarter read from 抽样日期 again
    from_file = mt.risk.fit(path, outcome="检验结论", time="抽样日期", exclude=["被抽样单位名称"])
    assert from_file.features_ == ["所在地区", "category"]
    assert mt.risk.fit(df, outcome="检验结论", time="抽样日期", exclude=["被抽样单位名称"]).features_ \
        == ["所在地区", "category"]


def test_bad_cells_are_named_by_the_registers_headers():
    df = sampling_records(120)
    bad = df.assign(检验结论=df["检验结论"].where(df.index != 3, "待检"))
    with pytest.raises(DataValidationError, match=r"row 5, column '检验结论': '待检': an outcome 0"):
        mt.risk.features(bad, time="抽样日期", outcome="outcome")
    with pytest.raises(DataValidationError, match=r"row 5, column '检验结论': '待检': an outcome 0"):
        mt.risk.fit(bad, outcome="outcome", features=["category"], time="抽样日期")
    dates = df.assign(抽样日期=df["抽样日期"].where(df.index != 7, "2023年13月2日"))
    with pytest.raises(DataValidationError, match=r"row 9, column '抽样日期'.*2023年3月1日"):
        mt.risk.features(dates, time="抽样日期", outcome="outcome")
    with pytest.raises(DataValidationError, match=r"column '区县': column missing; the table has: 抽样日期, "
                                                  r"被抽样单位名称, 所在地区, 食品大类, 检验结论"):
        mt.risk.fit(df, outcome="outcome", features=["区县"], time="抽样日期")


@pytest.mark.parametrize("written, label", [
    ("2023年1-6月", "2023H1"), ("2023年1—6月", "2023H1"), ("2023年1月-6月", "2023H1"), ("2023年1～6月", "2023H1"),
    ("2023年1至6月", "2023H1"), ("2023年7-12月", "2023H2"), ("2023年1-3月", "2023Q1"), ("2023年4-6月", "2023Q2"),
    ("2023年10月—12月", "2023Q4"), ("2023年1-12月", "2023"), ("2023年1-2季度", "2023H1"),
    ("2023年第3-4季度", "2023H2"), ("2023年前两季度", "2023H1"), ("2023年1-4季度", "2023"),
    # forms read before, unchanged
    ("2023年上半年", "2023H1"), ("2023年下半年", "2023H2"), ("2023年第二季度", "2023Q2"), ("2023年3月", "2023-03"),
    ("2023-03", "2023-03"), ("2023", "2023"), ("2023H2", "2023H2"), ("2023年2季度", "2023Q2"),
])
def test_spans_bureaus_publish_are_the_periods_they_equal(written, label):
    p = mt.risk.parse_period(written)
    assert p == mt.risk.parse_period(label)
    assert p.label == label


@pytest.mark.parametrize("written", ["2023年1-9月", "2023年1-3季度", "2023年前三季度", "2023年2-3月", "2023年6-1月"])
def test_spans_without_a_period_are_refused_saying_what_is_read(written):
    with pytest.raises(ValueError, match=r"'.*'.*months.*1-6月 / 7-12月.*1-3月, 4-6月, 7-9月 or 10-12月") as err:
        mt.risk.parse_period(written)
    assert written in str(err.value)


def test_a_bureau_table_of_half_year_notices_scores_as_its_halves():
    """Real national figures (2019H2 and 2022) re-spelled as the notices title them, with 2023年1-9月
    (a cumulative notice) refused naming its row."""
    real = pd.read_csv(DATA)
    real = real[(real["region"] == "全国") & real["period"].isin(["2019H2", "2022"]) & (real["category"] != "合计")]
    table = pd.DataFrame({"期间": real["period"].map({"2019H2": "2019年7—12月", "2022": "2022年1-12月"}),
                          "食品大类": real["category"], "抽检批次": real["tested"], "不合格批次": real["failed"]})
    got = mt.risk.score(table, by="食品大类")
    want = mt.risk.score(real.rename(columns={"category": "食品大类"})[["period", "食品大类", "tested", "failed"]],
                         by="食品大类")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)
    cumulative = table.copy()
    cumulative.iloc[4, 0] = "2023年1-9月"
    with pytest.raises(DataValidationError, match=r"row 6, column '期间': '2023年1-9月'.*no year, half-year, "
                                                  r"quarter or month.*1-6月"):
        mt.risk.score(cumulative, by="食品大类")


@pytest.mark.parametrize("title, label", [
    ("鼎湖区2023年1-6月食品安全监督抽检情况", "2023H1"),
    ("2023年1—6月抽检信息", "2023H1"),
    ("2023年1-2季度抽检情况", "2023H1"),
    ("2023年前三季度食品安全监督抽检情况", None),  # January-September, cumulative: not a period
    ("2023年1-9月食品抽检情况", None),
    ("2022—2023年抽检情况", None),
    ("鼎湖区2023年第三季度食品安全监督抽检情况", "2023Q3"),
])
def test_a_notice_title_names_its_period_only_when_one_span_equals_one(title, label):
    from mstarget.risk.samples import period_in_title
    assert period_in_title(title) == label
