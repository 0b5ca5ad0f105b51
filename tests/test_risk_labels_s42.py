"""Session 42 (fixer RB, FP6 findings 3, 4, 6, 9): per-batch records with one row per failed item counted once per
抽样单号; one label per expected-finds figure across printout, workbook and chart; explanations that flag a group
of very few batches; evaluation sentences whose differences agree with the figures they show.
All data here are SYNTHETIC (generated in the tests)."""
from __future__ import annotations

import re
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.cli.risk import FOUND_LINEAR_HEADER
from mstarget.risk.allocate import FOUND_DIMINISHING, FOUND_LINEAR
from mstarget.risk.evaluate import _vs_even_verdict
from mstarget.risk.plot import plot_allocation, plot_risk

CATS = {"餐饮食品": 0.06, "食用农产品": 0.035, "糕点": 0.02, "乳制品": 0.004}
PLACES = ("端州区", "鼎湖区", "高要区", "四会市")


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


# ----------------------------------------------------------------------------- finding 3: one row per failed item
def _records(seed: int = 1, item_rows: bool = True, id_header: str = "抽样单号") -> pd.DataFrame:
    """SYNTHETIC per-batch records as a notice lists them: 抽样单号 | 区县 | 食品大类 | 抽样日期 | 检验结论 | 不合格项目,
    a failed batch written once per failed item (its 抽样单号 repeated) when ``item_rows``."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(1200):
        cat = list(CATS)[i % len(CATS)]
        place = PLACES[(i // len(CATS)) % len(PLACES)]
        day = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 730)))
        sid = f"NCP22{day:%y%m%d}{i:05d}"
        if rng.random() < CATS[cat]:
            items = ["二氧化硫残留量", "苯甲酸及其钠盐", "菌落总数"][: int(rng.integers(1, 4)) if item_rows else 1]
            rows += [(sid, place, cat, day.date().isoformat(), "不合格", item) for item in items]
        else:
            rows.append((sid, place, cat, day.date().isoformat(), "合格", "/"))
    return pd.DataFrame(rows, columns=[id_header, "区县", "食品大类", "抽样日期", "检验结论", "不合格项目"])


def test_rows_per_failed_item_are_one_batch_each_with_a_warning(tmp_path):
    df = _records()
    path = tmp_path / "records.csv"
    df.to_csv(path, index=False, encoding="utf-8-sig")
    batches = df.groupby("抽样单号")["检验结论"].apply(lambda s: (s == "不合格").any())
    repeated = df["抽样单号"].duplicated(keep=False)
    with pytest.warns(mt.MstargetWarning) as caught:
        s = mt.risk.score(str(path), by="食品大类")
    assert int(s["tested"].sum()) == len(batches) == 1200  # each batch once, not once per failed item
    assert int(s["failed"].sum()) == int(batches.sum())
    text = next(str(w.message) for w in caught if "抽样单号" in str(w.message))
    assert f"{int(repeated.sum()):,} 行" in text and f"{df.loc[repeated, '抽样单号'].nunique():,} 批" in text
    assert "records.csv" in text and "任一行不合格即该批不合格" in text
    per_cat = batches.groupby(df.drop_duplicates("抽样单号").set_index("抽样单号")["食品大类"]).sum()
    assert s.set_index("食品大类")["failed"].to_dict() == per_cat.astype(int).to_dict()


@pytest.mark.parametrize("header", ["样品编号", "报告编号", "检验报告编号", "Sample ID"])
def test_the_sample_number_column_is_known_by_its_other_headers(header):
    df = _records(seed=2, id_header=header)
    with pytest.warns(mt.MstargetWarning, match=re.escape(f"“{header}”")):
        s = mt.risk.score(df, by=["食品大类", "区县"])
    assert int(s["tested"].sum()) == df[header].nunique()


def test_without_a_sample_number_nothing_changes():
    df = _records(seed=3).drop(columns="抽样单号")  # no batch number: every row is a batch, as before
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = mt.risk.score(df, by="食品大类")
    assert int(s["tested"].sum()) == len(df)
    assert int(s["failed"].sum()) == int((df["检验结论"] == "不合格").sum())
    assert not any("合并为" in str(w.message) for w in caught)


def test_evaluate_counts_each_batch_once_and_says_it_once(tmp_path):
    path = tmp_path / "records.csv"
    _records(seed=4).to_csv(path, index=False, encoding="utf-8-sig")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ev = mt.risk.evaluate(str(path), by=["食品大类"], train_until="2023Q4", budget=400)
    assert sum("合并为" in str(w.message) for w in caught) == 1
    df = _records(seed=4)
    q1 = df[(df["抽样日期"] >= "2024-01-01") & (df["抽样日期"] <= "2024-03-31")]  # the next period: 2024Q1
    assert ev.metrics["batches"] == q1["抽样单号"].nunique() < len(q1)


# ----------------------------------------------------------------------------- finding 4: one figure per label
def _counts() -> pd.DataFrame:
    """SYNTHETIC: 年度 | 区县 | 食品大类 | 抽检批次 | 不合格批次, 2021-2024."""
    rng = np.random.default_rng(7)
    rows = []
    for y in range(2021, 2025):
        for place in PLACES:
            for c, p in CATS.items():
                n = int(rng.integers(40, 160))
                rows.append((y, place, c, n, int(rng.binomial(n, p))))
    return pd.DataFrame(rows, columns=["年度", "区县", "食品大类", "抽检批次", "不合格批次"])


def _plan_cli(tmp_path, capsys):
    src, scores = tmp_path / "t.csv", tmp_path / "scores.csv"
    _counts().to_csv(src, index=False)
    assert main(["risk", "score", "--samples", str(src), "--by", "食品大类,区县", "--out", str(scores),
                 "--no-track"]) == 0
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["risk", "allocate", "--scores", str(scores), "--budget", "1500", "--out",
                     str(tmp_path / "plan.xlsx"), "--chart", str(tmp_path / "plan.png"), "--no-track"]) == 0
    return capsys.readouterr().out


def test_printout_workbook_and_headline_give_each_label_one_figure(tmp_path, capsys):
    out = _plan_cli(tmp_path, capsys)
    assert FOUND_LINEAR_HEADER == FOUND_LINEAR
    plan = pd.read_excel(tmp_path / "plan.xlsx")  # the documented table
    linear = float((plan["risk"] * plan["batches"]).sum())
    diminishing = float(plan["expected_failures"].sum())
    head = next(t for t in out.splitlines() if t.startswith("预计发现不合格"))
    dim = next(t for t in out.splitlines() if t.startswith("收益递减口径"))
    assert FOUND_LINEAR in head and f"本方案 {linear:,.2f}" in head
    assert FOUND_DIMINISHING in dim and f"本方案 {diminishing:,.2f}" in dim
    # the printout: each label heads its own column, and the 合计 row gives the headline's figures
    header = next(t for t in out.splitlines() if t.startswith("食品大类"))
    cells = header.split()
    total = next(t for t in out.splitlines() if t.startswith("合计")).split()
    assert f"{linear:,.2f}" == total[cells.index(FOUND_LINEAR) - len(cells)]
    assert f"{diminishing:,.2f}" == total[cells.index(FOUND_DIMINISHING) - len(cells)]
    # the workbook: 方案（含合计） and the district sheets' 小计 agree under the same label
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    rows = list(book["方案（含合计）"].iter_rows(values_only=True))
    last = next(r for r in rows if r[0] == "合计")
    assert last[rows[0].index(FOUND_LINEAR)] == pytest.approx(linear)
    assert last[rows[0].index(FOUND_DIMINISHING)] == pytest.approx(diminishing)
    assert "预计发现不合格" not in rows[0]  # no unlabelled figure left
    subtotal = 0.0
    for place in PLACES:
        sheet = list(book[place].iter_rows(values_only=True))
        head3 = sheet[1]
        subtotal += next(r for r in sheet if r[0] == "小计")[head3.index(FOUND_LINEAR)]
    assert subtotal == pytest.approx(linear)


def test_chart_panel_plots_what_its_title_says(tmp_path):
    scores = _quiet(mt.risk.score, _counts(), by=["食品大类", "区县"])
    plan = _quiet(mt.risk.allocate, scores, 1500)
    meta = plan.attrs["allocation"]
    assert meta["diminishing"]  # the default market: the two measures differ
    fig = plot_allocation(plan)
    left, right = fig.axes
    assert FOUND_LINEAR in right.get_xlabel()
    d = plan.sort_values("batches", ascending=False, kind="stable")
    widths = [bar.get_width() for bar in right.patches]
    np.testing.assert_allclose(widths, (d["risk"] * d["batches"]).to_numpy())
    title = fig._suptitle.get_text().replace("\n", "")
    assert f"{FOUND_LINEAR} {meta['expected_failures_linear']:,.0f}" in title


# ----------------------------------------------------------------------------- finding 6: a caveat of its own
def _with_tiny_group() -> pd.DataFrame:
    """SYNTHETIC: _counts() plus a 特殊膳食食品 group of 2 batches (1 failed) in one district."""
    tiny = pd.DataFrame([(2024, "端州区", "特殊膳食食品", 2, 1)], columns=["年度", "区县", "食品大类", "抽检批次", "不合格批次"])
    return pd.concat([_counts(), tiny], ignore_index=True)


def test_a_two_batch_group_says_its_rank_rests_on_its_category_and_big_ones_do_not(tmp_path, capsys):
    s = _quiet(mt.risk.score, _with_tiny_group(), by=["食品大类", "区县"]).set_index(["食品大类", "区县"])
    tiny = s.loc[("特殊膳食食品", "端州区")]
    assert "仅 2 批" in tiny.explanation and "排名主要依据上级类别（食品大类）" in tiny.explanation
    big = s.loc[("餐饮食品", "端州区")]
    assert big.tested > 300 and "样本较少" not in big.explanation
    assert f"本组有效 {big.evidence_weight:,.0f} 批" in big.explanation and "先验权重" in big.explanation
    # the printout and the file say it too
    src = tmp_path / "t.csv"
    _with_tiny_group().to_csv(src, index=False)
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["risk", "score", "--samples", str(src), "--by", "食品大类,区县", "--out",
                     str(tmp_path / "s.csv"), "--no-track"]) == 0
    out = capsys.readouterr().out
    assert any("特殊膳食食品" in t and "仅 2 批" in t for t in out.splitlines())
    written = pd.read_csv(tmp_path / "s.csv").set_index(["食品大类", "区县"])
    assert "仅 2 批" in written.loc[("特殊膳食食品", "端州区"), "explanation"]


def test_the_risk_chart_flags_a_group_of_few_batches_in_its_label():
    s = _quiet(mt.risk.score, _with_tiny_group(), by=["食品大类", "区县"])
    labels = [t.get_text() for t in plot_risk(s).axes[0].get_yticklabels()]
    assert "特殊膳食食品 / 端州区（仅2批）" in labels
    assert "餐饮食品 / 端州区" in labels


# ----------------------------------------------------------------------------- finding 9: differences that add up
def test_even_split_sentence_shows_decimals_where_whole_numbers_would_contradict():
    text = _vs_even_verdict("")(1.10, 1.0, {"est_found_plan": 14.60, "est_found_even": 13.22})
    assert text == "默认方案估算发现 14.6，平均分配 13.2（默认方案多 1.4）"
    whole = _vs_even_verdict("")(1.2, 1.0, {"est_found_plan": 294.3, "est_found_even": 155.9})
    assert whole == "默认方案估算发现 294，平均分配 156（默认方案多 138）"


def test_every_difference_in_the_report_is_that_of_the_figures_shown():
    df = _counts()
    ev = _quiet(mt.risk.evaluate, df.rename(columns={"年度": "period"}), by=["食品大类", "区县"],
                train_until="2023", budget=900)
    rep = ev.report()
    seen = 0
    for r in rep.itertuples():
        for a, b, word, d in re.findall(r"([\d,.]+) 对 ([\d,.]+)，(多|少) ([\d,.]+)", r.verdict) + \
                re.findall(r"估算发现 ([\d,.]+)，平均分配 ([\d,.]+)（默认方案(多|少) ([\d,.]+)）", r.verdict):
            x, y, z = (float(v.replace(",", "")) for v in (a, b, d))
            assert abs(x - y) == pytest.approx(z, abs=1e-9) and (word == "多") == (x > y)
            seen += 1
        if r.metric.startswith("est_found") and r.baseline_shown and " 对 " in r.verdict:
            assert f"{r.shown} 对 {r.baseline_shown}" in r.verdict  # the table's figures are the sentence's
    assert seen >= 3


# ------------------------------------------- FP7 findings 2, 3: a repeated number is one batch only if it is one
UNITS = ("端州区城东农贸市场", "鼎湖区佳美超市", "高要区南岸学校食堂", "四会市东城酒家", "端州区华润万家")
PRODUCTS = {"餐饮食品": ("自制凉皮", "米粉", "复用餐饮具"), "食用农产品": ("豇豆", "韭菜", "鸡蛋"),
            "糕点": ("蛋糕", "月饼", "面包"), "乳制品": ("纯牛奶", "酸奶", "奶粉")}
ITEMS = ["二氧化硫残留量", "苯甲酸及其钠盐", "菌落总数"]


def _monthly_notices(seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SYNTHETIC: twelve monthly notices pasted together, each numbering its 40 batches 1..40 in 抽样编号 (the
    number restarts every month), a failed batch listed once per failed item (its row repeated). Returns the
    table as written and the true batches (one row each: 食品大类, failed)."""
    rng = np.random.default_rng(seed)
    rows, batches = [], []
    for month in range(1, 13):
        for i in range(40):
            cat = list(CATS)[i % len(CATS)]
            day = f"2023-{month:02d}-{1 + int(rng.integers(0, 28)):02d}"
            unit, product = UNITS[int(rng.integers(0, len(UNITS)))], PRODUCTS[cat][int(rng.integers(0, 3))]
            bad = rng.random() < 4 * CATS[cat]
            items = ITEMS[: int(rng.integers(1, 4))] if bad else ["/"]
            rows += [(i + 1, cat, product, unit, day, "不合格" if bad else "合格", item) for item in items]
            batches.append((cat, bad))
    table = pd.DataFrame(rows, columns=["抽样编号", "食品大类", "样品名称", "被抽样单位", "抽样日期", "检验结论", "不合格项目"])
    return table, pd.DataFrame(batches, columns=["食品大类", "failed"])


def test_numbers_restarting_each_month_are_not_folded_across_months(tmp_path):
    table, truth = _monthly_notices()
    path = tmp_path / "monthly.csv"
    table.to_csv(path, index=False, encoding="utf-8-sig")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = mt.risk.score(str(path), by="食品大类")
    assert int(s["tested"].sum()) == len(truth) == 480  # 12 notices x 40 batches, not 160 (numbers 1..40 per quarter)
    expected = truth.groupby("食品大类")["failed"].agg(["size", "sum"]).astype(int)
    got = s.set_index("食品大类")
    assert got["tested"].to_dict() == expected["size"].to_dict()
    assert got["failed"].to_dict() == expected["sum"].to_dict()
    # only a failed batch's item rows were folded, and the warning counts those
    item_rows = len(table) - len(truth)
    said = [str(w.message) for w in caught if "合并为" in str(w.message)]
    assert len(said) == 1 and "monthly.csv" in said[0]
    folded = table[table.duplicated(["抽样编号", "抽样日期", "被抽样单位", "样品名称"], keep=False)]
    assert len(folded) - folded.drop_duplicates(["抽样编号", "抽样日期", "被抽样单位", "样品名称"]).shape[0] == item_rows
    assert f"{len(folded):,} 行" in said[0]


def test_numbers_restarting_each_month_without_item_rows_say_nothing():
    table, truth = _monthly_notices(seed=12)
    table = table.drop_duplicates(["抽样编号", "抽样日期", "被抽样单位", "样品名称"])  # one row per batch
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = mt.risk.score(table, by="食品大类")
    assert int(s["tested"].sum()) == 480
    assert int(s["failed"].sum()) == int(truth["failed"].sum())
    assert not any("合并为" in str(w.message) for w in caught)


@pytest.mark.parametrize("column", ["抽样日期", "样品名称", "被抽样单位", "标称生产企业"])
def test_a_few_reused_numbers_on_other_batches_stay_apart(column):
    """SYNTHETIC: per-batch records with a unique 抽样单号 each, failed batches once per failed item, and five
    numbers typed twice for two different batches (same category and quarter, another date / product /
    sampled unit / producer): those are ten batches, the item rows are folded."""
    df = _records(seed=5)
    df["样品名称"] = df["食品大类"].map(lambda c: PRODUCTS[c][0])
    df["被抽样单位"] = UNITS[0]
    df["标称生产企业"] = "肇庆市某食品有限公司"
    passed = df[df["检验结论"] == "合格"].drop_duplicates("抽样单号")
    firsts = passed.groupby("食品大类").head(2).head(5)
    reused = firsts.copy()
    reused["抽样单号"] = firsts["抽样单号"].to_numpy()
    reused[column] = {"抽样日期": firsts["抽样日期"].map(lambda d: d[:-2] + ("28" if d[-2:] != "28" else "27")),
                      "样品名称": firsts["食品大类"].map(lambda c: PRODUCTS[c][1]),
                      "被抽样单位": UNITS[1], "标称生产企业": "佛山市另一食品厂"}[column]
    reused["检验结论"] = "不合格"  # the second batch of a reused number failed: it must be counted
    table = pd.concat([df, reused], ignore_index=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = mt.risk.score(table, by="食品大类")
    true_batches = df["抽样单号"].nunique() + len(reused)
    assert int(s["tested"].sum()) == true_batches == 1205
    failed_batches = df.groupby("抽样单号")["检验结论"].apply(lambda x: (x == "不合格").any()).sum() + len(reused)
    assert int(s["failed"].sum()) == int(failed_batches)
    said = next(str(w.message) for w in caught if "合并为" in str(w.message))
    item_repeats = df["抽样单号"].duplicated(keep=False)
    assert f"{int(item_repeats.sum()):,} 行" in said  # the reused numbers are not counted as folded


PLACEHOLDERS = ["/", "-", "—", "——", "无", "空", "未编号", "N/A", "NA", "null", "0"]


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_a_placeholder_sample_number_is_no_number(placeholder, tmp_path):
    """SYNTHETIC: 400 batches over 2023, the 风险监测 third without a 抽样单 (its 抽样单号 a placeholder)."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(400):
        cat, day = list(CATS)[i % 4], f"2023-{1 + i % 12:02d}-{1 + i % 27:02d}"
        sid = f"NCP2230{1 + i % 12:02d}{1 + i % 27:02d}{i:05d}" if i % 3 else placeholder
        rows.append((i + 1, sid, "鼎湖区", cat, "样品", day, "不合格" if rng.random() < 4 * CATS[cat] else "合格"))
    df = pd.DataFrame(rows, columns=["序号", "抽样单号", "区县", "食品大类", "样品名称", "抽样日期", "检验结论"])
    path = tmp_path / "records.csv"
    df.to_csv(path, index=False, encoding="utf-8-sig")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = mt.risk.score(str(path), by="食品大类")
    assert int(s["tested"].sum()) == 400  # not 268: the 134 placeholder rows are 134 batches, not 4
    assert int(s["failed"].sum()) == int((df["检验结论"] == "不合格").sum())
    assert not any("合并为" in str(w.message) for w in caught)


def test_placeholder_rows_stay_apart_while_item_rows_fold():
    """SYNTHETIC: the records of finding 3 with every 7th batch's 抽样单号 a placeholder of some kind (blank,
    spaces, /, 无 ...): each of those rows is its own batch; the failed-item rows of numbered batches fold."""
    df = _records(seed=6)
    marks = ["/", "——", "无", "未编号", "N/A", "null", "0", "", "  ", "空", "-", "NA"]
    blanked = (df.index % 7 == 0) & ~df["抽样单号"].duplicated(keep=False)  # single-row batches: each keeps its row
    df.loc[blanked, "抽样单号"] = [marks[k % len(marks)] for k in range(int(blanked.sum()))]
    with pytest.warns(mt.MstargetWarning, match="合并为"):
        s = mt.risk.score(df, by=["食品大类", "区县"])
    numbered = df[~blanked]
    assert int(s["tested"].sum()) == numbered["抽样单号"].nunique() + int(blanked.sum()) == 1200
    failed = numbered.groupby("抽样单号")["检验结论"].apply(lambda x: (x == "不合格").any()).sum()
    assert int(s["failed"].sum()) == int(failed) + int((df.loc[blanked, "检验结论"] == "不合格").sum())
