"""Session 39: the sampling plan's scope -- ``--where`` is applied and said wherever it shapes a result (the
scores' scope line, workbook, chart title and file; ``allocate --scores --where`` filters the scores' rows),
and the missing-return warning (是否漏报？) fires only for a place that sends a return and sent none: not after
``--where`` kept one category, not for per-batch records, not for a product's origin, and a place gone for
good is said once as a place (撤并、更名或漏报？). Tables here are SYNTHETIC."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import mstarget as mt
from mstarget.cli.main import main
from mstarget.risk.plot import risk_title

QUARTERS = ("2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4")
DISTRICTS = ("端州区", "鼎湖区", "高要区", "四会市", "广宁县", "怀集县", "封开县", "德庆县")
CATS = ("粮食加工品", "肉制品", "婴幼儿配方食品")


def _counts(skip=(), col="区县", places=DISTRICTS, cats=CATS, seed=1) -> pd.DataFrame:
    """季度 | ``col`` | 食品大类 | 抽检批次 | 不合格批次; ``skip``: (place, quarter, category or None = all) left out."""
    rng = np.random.default_rng(seed)
    rows = []
    for q in QUARTERS:
        for p in places:
            for c in cats:
                if (p, q, c) in skip or (p, q, None) in skip:
                    continue
                n = int(rng.integers(20, 100))
                rows.append((q, p, c, n, int(rng.binomial(n, 0.03))))
    return pd.DataFrame(rows, columns=["季度", col, "食品大类", "抽检批次", "不合格批次"])


def _missing_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "漏报" in str(w.message)]


# ----------------------------------------------------------------------------- 1a. after --where
def test_where_one_category_does_not_call_a_reporting_district_missing(tmp_path, capsys):
    """封开县 sampled grain and meat in 2024Q3 and 2025Q2 but no infant formula: no return is missing."""
    src = tmp_path / "sparse.csv"
    _counts(skip=(("封开县", "2024Q3", "婴幼儿配方食品"), ("封开县", "2025Q2", "婴幼儿配方食品"))).to_csv(src, index=False)
    assert main(["risk", "score", "--samples", str(src), "--by", "区县", "--where", "食品大类=婴幼儿配方食品",
                 "--no-track"]) == 0
    assert "漏报" not in capsys.readouterr().err


def test_where_one_category_still_names_a_district_with_no_return_at_all(tmp_path, capsys):
    src = tmp_path / "gap.csv"
    _counts(skip=(("封开县", "2024Q3", None),)).to_csv(src, index=False)
    assert main(["risk", "score", "--samples", str(src), "--by", "区县", "--where", "食品大类=肉制品",
                 "--no-track"]) == 0
    assert "封开县：2024Q3 无任何数据（其他区县均有），是否漏报？" in capsys.readouterr().err


# ----------------------------------------------------------------------------- 1b. per-batch records
def test_per_batch_records_are_not_warned_as_missing_returns():
    """One row per inspection: a zip code without an inspection in a quarter has no return to miss."""
    rng = np.random.default_rng(0)
    rows = []
    zips = [f"606{k:02d}" for k in range(10)]
    for q in QUARTERS:
        for z in zips:
            if z == "60609" and q in ("2024Q2", "2025Q1"):
                continue
            rows += [(q, z, int(rng.random() < 0.2)) for _ in range(5)]
    df = pd.DataFrame(rows, columns=["period", "Zip", "fail_flag"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = mt.risk.score(df, by=["Zip"], outcome="fail_flag")
    assert not _missing_warnings(caught)
    assert scores.attrs["risk"]["missing_places"] == []


# ----------------------------------------------------------------------------- 1c. a product's origin
def test_manufacturer_province_is_not_a_reporting_unit():
    provs = ("广东省", "广西壮族自治区", "湖南省", "福建省", "江西省", "浙江省")
    df = _counts(skip=(("江西省", "2024Q2", None), ("江西省", "2025Q3", None)), col="标称生产企业所在省份",
                 places=provs, cats=CATS[:2]).rename(columns={"季度": "period"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = mt.risk.score(df, by=["食品大类", "标称生产企业所在省份"])
    assert not _missing_warnings(caught)
    assert scores.attrs["risk"]["missing_places"] == []


def test_sampling_stage_is_not_a_place_and_a_province_table_still_names_a_missing_year():
    stage = _counts(skip=(("生产环节", "2024Q1", None), ("生产环节", "2025Q1", None)), col="抽检环节",
                    places=("生产环节", "流通环节", "餐饮环节")).rename(columns={"季度": "period"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.risk.score(stage, by=["抽检环节", "食品大类"])
    assert not _missing_warnings(caught)
    rows = [(y, p, 5000, 120) for y in ("2021", "2022", "2023", "2024")
            for p in ("北京市", "天津市", "河北省", "山西省", "西藏自治区") if not (p == "西藏自治区" and y == "2023")]
    nat = pd.DataFrame(rows, columns=["period", "省份", "抽检批次", "不合格批次"])
    with pytest.warns(UserWarning, match="西藏自治区：2023 无任何数据（其他省份均有），是否漏报？"):
        mt.risk.score(nat, by=["省份"])


# ----------------------------------------------------------------------------- 1d. a district merged away
def test_district_gone_from_a_quarter_on_is_said_once_as_a_place():
    """高要区 has no row from 2025Q2 to the end: one message (撤并、更名或漏报？), not also a warning that
    reads its groups as categories renamed (如为更名，请统一名称)."""
    gone = tuple(("高要区", q, None) for q in QUARTERS[5:])
    df = _counts(skip=gone).rename(columns={"季度": "period"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = mt.risk.score(df, by=["食品大类", "区县"])
    said = [str(w.message) for w in caught]
    missing = [m for m in said if "高要区" in m]
    assert len(missing) == 1
    assert "高要区：自2025Q2起无数据（撤并、更名或漏报？其他区县均有）" in missing[0]
    assert "2025Q2、2025Q3、2025Q4 无任何数据" not in missing[0]
    assert not [m for m in said if "请统一名称" in m]
    assert scores.attrs["risk"]["missing_places"][0]["since"] == "2025Q2"
    # each group's explanation still says where its data stop
    row = scores[(scores["区县"] == "高要区") & (scores["食品大类"] == "肉制品")].iloc[0]
    assert "数据仅到 2025Q1" in row["explanation"]


# ----------------------------------------------------------------------------- 2. allocate --scores --where
@pytest.fixture()
def ward_scores(tmp_path, capsys):
    """Per-inspection records of two wards, scored on ward 42 only (--where Ward=42)."""
    rng = np.random.default_rng(5)
    types = {"Restaurant": 0.15, "Grocery Store": 0.12, "School": 0.05, "Other": 0.10}
    rows = []
    for day in pd.date_range("2013-01-01", "2014-12-31", freq="3D"):
        for ward in (3, 42):
            t = rng.choice(list(types))
            rows.append((day.strftime("%Y-%m-%d"), ward, t, int(rng.random() < types[t])))
    src = tmp_path / "insp.csv"
    pd.DataFrame(rows, columns=["Inspection_Date", "Ward", "Facility_Type_Clean", "fail_flag"]).to_csv(src, index=False)
    out, chart, book = tmp_path / "scores.csv", tmp_path / "scores.png", tmp_path / "scores.xlsx"
    args = ["risk", "score", "--samples", str(src), "--by", "Facility_Type_Clean", "--outcome", "fail_flag",
            "--where", "Ward=42", "--no-track"]
    assert main(args + ["--out", str(book)]) == 0
    capsys.readouterr()
    assert main(args + ["--out", str(out), "--chart", str(chart)]) == 0
    return out, chart, book, capsys.readouterr()


def test_allocate_scores_where_keeps_only_those_rows(ward_scores, tmp_path, capsys):
    scores, *_ = ward_scores
    out = tmp_path / "plan.csv"
    assert main(["risk", "allocate", "--scores", str(scores), "--budget", "1500", "--where",
                 "Facility_Type_Clean=Restaurant", "--out", str(out), "--no-track"]) == 0
    plan = pd.read_csv(out)
    assert list(plan["Facility_Type_Clean"]) == ["Restaurant"]
    assert int(plan["batches"].sum()) == 1500
    assert "筛选 where: Facility_Type_Clean=Restaurant" in capsys.readouterr().out


def test_allocate_scores_where_on_a_column_the_scores_lack_is_refused(ward_scores, capsys):
    scores, *_ = ward_scores
    code = main(["risk", "allocate", "--scores", str(scores), "--budget", "1500", "--where", "District=7",
                 "--no-track"])
    cap = capsys.readouterr()
    assert code != 0
    assert "column named in --where is missing from the scores" in cap.err
    assert "筛选 where" not in cap.out


def test_allocate_scores_region_keeps_that_region_of_a_region_column(tmp_path, capsys):
    rows = [(r, c, 0.02 + 0.01 * k, 100) for r in ("广州市", "深圳市") for k, c in enumerate(("粮食", "肉", "乳"))]
    src = tmp_path / "scores.csv"
    pd.DataFrame(rows, columns=["region", "category", "risk", "tested"]).to_csv(src, index=False)
    out = tmp_path / "plan.csv"
    assert main(["risk", "allocate", "--scores", str(src), "--budget", "300", "--region", "深圳市",
                 "--by", "region,category", "--out", str(out), "--no-track"]) == 0
    plan = pd.read_csv(out)
    assert set(plan["region"]) == {"深圳市"} and int(plan["batches"].sum()) == 300


# ----------------------------------------------------------------------------- 3. score --where recorded
def test_score_where_is_said_in_the_scope_line_workbook_chart_and_file(ward_scores):
    scores, chart, book, cap = ward_scores
    assert "筛选 where: Ward=42" in cap.out.splitlines()[0]
    assert set(pd.read_csv(scores)["where"]) == {"Ward=42"}
    sheet = load_workbook(book)["风险评分（中文）"]
    notes = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert any("筛选 where: Ward=42" in v for v in notes)
    table = mt.risk.score(pd.DataFrame({"period": ["2024", "2024"], "category": ["a", "b"], "tested": [10, 10],
                                        "failed": [1, 2]}), by=["category"])
    table.attrs["risk"]["where"] = ["Ward=42"]
    assert "筛选 Ward=42" in risk_title(table, ["category"])


def test_allocate_scores_says_the_scores_cover_the_rows_scored(ward_scores, capsys):
    scores, *_ = ward_scores
    assert main(["risk", "allocate", "--scores", str(scores), "--budget", "1500", "--no-track"]) == 0
    basis = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("依据 basis"))
    assert "评分筛选 scored on: Ward=42" in basis
    assert "筛选 where: " not in basis.replace("评分筛选", "")


# ----------------------------------------------------------------------------- 4. the chart's written line
def test_score_chart_is_named_as_written(ward_scores):
    _, chart, _, cap = ward_scores
    assert chart.exists()
    assert f"written: {chart}" in cap.out
