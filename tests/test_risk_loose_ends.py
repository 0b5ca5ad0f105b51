"""Session 43 (H1): three loose ends of the risk / sampling path.

1. the per-record model (``mstarget.risk.fit``, ``features``, ``risk evaluate --records``) counted a batch
   written once per failed item (its 抽样单号 repeated) as that many failed batches; ``score`` / ``evaluate``
   folded it. Now every reader of per-batch records folds the same way (``samples.fold_items``), said once;
2. ``risk score`` / ``risk allocate`` of a workbook with one sheet per district, without ``--region``, printed
   a heading that did not say which sheets were read (only a warning did);
3. ``risk allocate``'s volume and even comparison plans ignored ``--min-per-level`` / ``--max-per-level``, so
   "finds N more than spreading it evenly" compared the limited plan with unlimited ones.

Every table here is SYNTHETIC (built in the test, seeded); no figure is real.
"""
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.risk.allocate import expected_found

ITEM = "NCP2024110500999"  # the batch written once per failed item


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


# ----------------------------------------------------------------------------- 1. one row per failed item
def _batches(seed: int = 7) -> pd.DataFrame:
    """SYNTHETIC per-batch records, one row per batch: 抽样单号 | 食品大类 | 抽样日期 | 被抽样单位 | 检验结论 |
    不合格项目, two years of batches; the batch :data:`ITEM` (failed, late in the second year) is sampled at
    超市1, which is sampled again afterwards."""
    rng = np.random.default_rng(seed)
    cats = {"蔬菜": 0.04, "肉制品": 0.12, "粮食加工品": 0.06}
    rows = []
    for i in range(500):
        cat = list(cats)[i % 3]
        day = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 700)))
        shop = f"超市{int(rng.integers(2, 40))}"
        failed = rng.random() < cats[cat]
        rows.append((f"NCP{day:%Y%m%d}{i:05d}", cat, day.date().isoformat(), shop,
                     "不合格" if failed else "合格", "二氧化硫残留量" if failed else "/"))
    rows.append((ITEM, "肉制品", "2024-11-05", "超市1", "不合格", "苯甲酸及其钠盐"))
    rows.append(("NCP2024120100998", "肉制品", "2024-12-01", "超市1", "合格", "/"))
    return pd.DataFrame(rows, columns=["抽样单号", "食品大类", "抽样日期", "被抽样单位", "检验结论", "不合格项目"])


def _with_item_rows(batches: pd.DataFrame) -> pd.DataFrame:
    """The same records as a notice lists them: batch :data:`ITEM` on three rows, one per failed item."""
    row = batches[batches["抽样单号"] == ITEM]
    extra = pd.concat([row.assign(不合格项目="山梨酸及其钾盐"), row.assign(不合格项目="菌落总数")])
    at = int(row.index[0]) + 1
    return pd.concat([batches.iloc[:at], extra, batches.iloc[at:]], ignore_index=True)


def test_fit_counts_a_batch_of_three_item_rows_as_one_failed_batch():
    batches = _batches()
    items = _with_item_rows(batches)
    assert len(items) == len(batches) + 2
    with pytest.warns(mt.MstargetWarning) as caught:
        model = mt.risk.fit(items, outcome="检验结论", features=["食品大类", "被抽样单位"], time="抽样日期")
    said = [str(w.message) for w in caught if "抽样单号" in str(w.message)]
    assert len(said) == 1  # said once
    assert "3 行" in said[0] and "1 批" in said[0] and "任一行不合格即该批不合格" in said[0]
    once = _quiet(mt.risk.fit, batches, outcome="检验结论", features=["食品大类", "被抽样单位"], time="抽样日期")
    # the held-out period (which holds the batch) counts it once: as if it had been written on one row
    assert model.validation_["n"] == once.validation_["n"]
    assert model.validation_["base_rate"] == pytest.approx(once.validation_["base_rate"])
    assert model.validation_["auc"] == pytest.approx(once.validation_["auc"])
    # predict is not folded: one probability per row given
    assert len(model.predict(items)) == len(items)


def test_features_count_a_batch_of_three_item_rows_once_in_the_entitys_history():
    items = _with_item_rows(_batches())
    with pytest.warns(mt.MstargetWarning, match="3 行的“抽样单号”有重复，按同一批次合并为 1 批"):
        f = mt.risk.features(items, time="抽样日期", outcome="检验结论", entity="被抽样单位")
    assert f.index.equals(items.index)  # one row of features per row given
    later = items.index[items["抽样单号"] == "NCP2024120100998"][0]
    assert f.loc[later, "entity_n_past"] == 1 and f.loc[later, "entity_failures_past"] == 1  # not 3
    rows = items.index[items["抽样单号"] == ITEM]
    assert len(rows) == 3 and (f.loc[rows].nunique(dropna=False) <= 1).all()  # the batch's rows alike


def test_evaluate_records_counts_a_batch_of_three_item_rows_as_one_failed_batch(tmp_path, capsys):
    batches = _batches()
    items = _with_item_rows(batches)
    path = tmp_path / "records.csv"
    items.to_csv(path, index=False, encoding="utf-8-sig")
    out = tmp_path / "ev.csv"
    rc = main(["risk", "evaluate", "--records", str(path), "--outcome", "检验结论", "--time", "抽样日期",
               "--test-from", "2024-07-01", "--entity", "被抽样单位", "--features", "食品大类",
               "--out", str(out), "--no-track"])
    assert rc == 0
    m = pd.read_csv(out, encoding="utf-8-sig").set_index("metric")["value"]
    test = batches[pd.to_datetime(batches["抽样日期"]) >= "2024-07-01"]
    assert int(float(m["n"])) == len(test)  # the batch once, not three times
    assert int(float(m["failures"])) == int((test["检验结论"] == "不合格").sum())
    err = capsys.readouterr().err
    assert err.count("合并为 1 批") == 1 and "records.csv" in err


def test_score_still_folds_and_says_it_once(tmp_path):
    items = _with_item_rows(_batches())
    path = tmp_path / "records.csv"
    items.to_csv(path, index=False, encoding="utf-8-sig")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = mt.risk.score(str(path), by="食品大类", period=None)
    assert int(s["tested"].sum()) == items["抽样单号"].nunique()
    assert int(s["failed"].sum()) == int(items.drop_duplicates("抽样单号")["检验结论"].eq("不合格").sum())
    assert sum("合并为 1 批" in str(w.message) for w in caught) == 1


# ----------------------------------------------------------------------------- 2. district sheets in the heading
_DISTRICTS = ("鼎湖区", "端州区", "高要区")


def _district_book(path):
    """SYNTHETIC: one sheet per district (a title row, then 年度 | 食品大类 | 抽检批次 | 不合格批次)."""
    rng = np.random.default_rng(3)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for d in _DISTRICTS:
        ws = wb.create_sheet(d)
        ws.append([f"{d}食品安全监督抽检情况统计表"])
        ws.append(["年度", "食品大类", "抽检批次", "不合格批次"])
        for y in (2022, 2023, 2024):
            for c in ("粮食加工品", "肉制品", "糕点"):
                n = int(rng.integers(40, 120))
                ws.append([y, c, n, int(rng.binomial(n, 0.05))])
    wb.save(path)
    return path


SHEETS_LINE = "读取工作表 sheets read: 鼎湖区、端州区、高要区"


def test_score_heading_and_workbook_name_the_district_sheets_read(tmp_path, capsys):
    book = _district_book(tmp_path / "districts.xlsx")
    out = tmp_path / "scores.xlsx"
    rc = _quiet(main, ["risk", "score", "--samples", str(book), "--by", "食品大类", "--out", str(out), "--no-track"])
    assert rc == 0
    heading = capsys.readouterr().out.splitlines()[0]
    assert heading.startswith("抽检不合格风险") and SHEETS_LINE in heading
    cells = [str(c) for row in openpyxl.load_workbook(out)["风险评分（中文）"].iter_rows(values_only=True)
             for c in row if c is not None]
    assert any(SHEETS_LINE in c for c in cells)


def test_allocate_heading_names_the_district_sheets_read(tmp_path, capsys):
    book = _district_book(tmp_path / "districts.xlsx")
    rc = _quiet(main, ["risk", "allocate", "--samples", str(book), "--by", "食品大类,区县", "--budget", "300",
                       "--no-track"])
    assert rc == 0
    basis = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("依据 basis"))
    assert SHEETS_LINE in basis


def test_with_region_the_heading_names_the_region_not_every_sheet(tmp_path, capsys):
    book = _district_book(tmp_path / "districts.xlsx")
    rc = _quiet(main, ["risk", "score", "--samples", str(book), "--by", "食品大类", "--region", "鼎湖区",
                       "--no-track"])
    assert rc == 0
    heading = capsys.readouterr().out.splitlines()[0]
    assert "地区 region: 鼎湖区" in heading and "读取工作表" not in heading


def test_a_single_sheet_table_gets_no_sheets_line(tmp_path, capsys):
    path = tmp_path / "counts.csv"
    pd.DataFrame({"年度": [2023, 2023, 2024, 2024], "食品大类": ["蔬菜", "肉制品"] * 2,  # SYNTHETIC
                  "抽检批次": [100, 80, 110, 90], "不合格批次": [3, 6, 4, 5]}).to_csv(path, index=False)
    assert _quiet(main, ["risk", "score", "--samples", str(path), "--by", "食品大类", "--no-track"]) == 0
    assert "读取工作表" not in capsys.readouterr().out


# ----------------------------------------------------------------------------- 3. comparison plans under level caps
def _scores() -> pd.DataFrame:
    """SYNTHETIC scores by 区县 x 食品大类: 肉制品 the riskiest and the smallest."""
    rows = [(d, c, r, t) for d in ("甲区", "乙区", "丙区")
            for c, r, t in (("肉制品", 0.08, 200), ("糕点", 0.03, 300), ("蔬菜", 0.02, 400), ("粮食加工品", 0.04, 250))]
    return pd.DataFrame(rows, columns=["区县", "食品大类", "risk", "tested"])


def test_even_and_volume_plans_keep_a_category_cap_below_its_even_share():
    budget, cap = 1200, 90  # even share of 肉制品: 3 of 12 groups = 300 batches, capped at 90
    plan = _quiet(mt.risk.allocate, _scores(), budget, by=["区县", "食品大类"], max_share=None,
                  max_per_level={"食品大类": {"肉制品": cap}})
    meat = plan["食品大类"] == "肉制品"
    for col in ("batches", "batches_volume", "batches_even"):
        assert int(plan[col].sum()) == budget  # the same budget
        assert int(plan.loc[meat, col].sum()) <= cap  # the same cap
    # the batches the cap takes from 肉制品 are spread evenly over the other groups (the even plan)
    assert plan.loc[meat, "batches_even"].tolist() == [30, 30, 30]
    assert plan.loc[~meat, "batches_even"].max() - plan.loc[~meat, "batches_even"].min() <= 1
    meta = plan.attrs["allocation"]
    risk, vol = plan["risk"].to_numpy(), np.asarray(meta["market"])
    even = float(expected_found(plan["batches_even"].to_numpy(), risk, vol).sum())
    assert meta["expected_failures_even"] == pytest.approx(even)  # the gain is against the limited even plan
    assert meta["vs_even"] == pytest.approx(meta["expected_failures"] / even)
    assert meta["expected_failures_even_linear"] == pytest.approx(float(np.sum(risk * plan["batches_even"])))
    assert "held to them too" in meta["notes"][-1] and "同样遵守这些层级限制" in meta["notes"][-1]


def test_comparison_plans_keep_a_district_floor_and_a_category_cap_together():
    budget = 1200
    plan = _quiet(mt.risk.allocate, _scores(), budget, by=["区县", "食品大类"], max_share=None,
                  min_per_level={"区县": {"丙区": 600}}, max_per_level={"食品大类": {"肉制品": 90}})
    for col in ("batches", "batches_volume", "batches_even"):
        assert int(plan[col].sum()) == budget
        assert int(plan.loc[plan["区县"] == "丙区", col].sum()) >= 600
        assert int(plan.loc[plan["食品大类"] == "肉制品", col].sum()) <= 90


def test_comparison_plans_unchanged_when_no_level_limit_binds():
    free = _quiet(mt.risk.allocate, _scores(), 1200, by=["区县", "食品大类"], max_share=None)
    loose = _quiet(mt.risk.allocate, _scores(), 1200, by=["区县", "食品大类"], max_share=None,
                   max_per_level={"食品大类": {"肉制品": 1000}})
    for col in ("batches_volume", "batches_even"):
        assert loose[col].tolist() == free[col].tolist()


def test_allocate_cli_says_the_comparison_keeps_the_level_limits(tmp_path, capsys):
    path = tmp_path / "scores.csv"
    _scores().to_csv(path, index=False, encoding="utf-8-sig")
    rc = _quiet(main, ["risk", "allocate", "--scores", str(path), "--by", "区县,食品大类", "--budget", "1200",
                       "--max-share", "none", "--max-per-level", "食品大类:肉制品=90", "--no-track"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "对照的按量、平均方案同样遵守这些层级限制" in out
