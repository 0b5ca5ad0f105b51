"""The Python API's rough edges (session 41): a result written to parquet, a table passed in the wrong
shape, required columns held in the index, a datetime period column, one model for assess."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError, ParameterError


@pytest.fixture(scope="module")
def national(data_dir):
    return data_dir / "china" / "national_history.csv", data_dir / "china" / "national_targets.csv"


@pytest.fixture(scope="module")
def assessed(national):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mt.assess(*national, as_of=2022, seed=0)


def test_assess_result_written_to_parquet_and_read_back(assessed, tmp_path):
    assert len(assessed.attrs["unmatched_history"]) > 0  # the case that failed: DataFrames in attrs
    path = tmp_path / "评估.parquet"
    assessed.to_parquet(path)  # was TypeError: Object of type AttrFrame is not JSON serializable
    back = pd.read_parquet(path)
    np.testing.assert_array_equal(back["p_meet"].to_numpy(float), assessed["p_meet"].to_numpy(float))
    assert back["indicator"].tolist() == assessed["indicator"].tolist()
    unmatched = pd.DataFrame(back.attrs["unmatched_history"])  # records, as README says
    assert unmatched["indicator"].tolist() == assessed.attrs["unmatched_history"]["indicator"].tolist()
    assert isinstance(assessed.attrs["unmatched_plan"], pd.DataFrame)  # in memory: still DataFrames
    import json
    with pytest.raises(TypeError):  # only mstarget's own attrs tables are written so
        json.dumps({"x": object()})


def test_suggest_result_written_to_parquet(national, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = mt.suggest_targets(*national, as_of=2022)
    out.to_parquet(tmp_path / "s.parquet")
    assert len(pd.read_parquet(tmp_path / "s.parquet")) == len(out)


@pytest.fixture(scope="module")
def panel(data_dir):
    return pd.read_csv(data_dir / "china" / "provincial_panels.csv")


@pytest.mark.parametrize("shape, said", [
    (lambda d: d.to_dict("list"), "Got a dict of 7 keys ('region', 'indicator', 'name', 'year', ...) instead. "
                                  "A dict of columns is not a table: pass pd.DataFrame(d)."),
    (lambda d: d["value"], "Got a pandas Series 'value' of 35756 values instead. A pandas Series is one column"),
    (lambda d: {"Sheet1": d}, "pass one of them, e.g. d['Sheet1']"),
])
def test_table_in_the_wrong_shape_is_named_not_printed(panel, national, shape, said):
    with pytest.raises(ParameterError) as err:
        mt.assess(shape(panel), national[1])
    text = str(err.value)
    assert said in text
    assert len(text) < 400  # was 4.9 MB for the dict


def test_long_argument_is_cut_short():
    with pytest.raises(ParameterError) as err:
        mt.read_plan(list(range(10_000)))
    assert len(str(err.value)) < 400 and "a list of 10000 items [0, 1, 2, 3, 4, 5, ...]" in str(err.value)


def _history(panel):
    keep = panel.region.isin(["北京", "上海", "四川"]) & (panel.indicator == "chemical_fertilizer_use")
    return panel[keep & panel.year.between(2015, 2023)][["region", "indicator", "name", "year", "value", "unit"]] \
        .reset_index(drop=True)


@pytest.mark.parametrize("held, fix", [
    (lambda h: h.set_index("region"), "holds region in the DataFrame's index, not in a column"),
    (lambda h: h.set_index(["region", "indicator"]), "holds region, indicator in the DataFrame's index"),
    (lambda h: h.set_index("year"), "holds year in the DataFrame's index"),
    (lambda h: h.pivot_table(index=["region", "indicator"], columns="year", values="value"),
     "holds region, indicator in the DataFrame's index"),
    (lambda h: h.set_index(pd.DatetimeIndex(pd.to_datetime(h.year.astype(str)).to_numpy())).drop(columns="year"),
     "keeps its dates in the DataFrame's index, not in a year column"),
])
def test_columns_held_in_the_index_say_reset_index(panel, held, fix):
    with pytest.raises(ParameterError) as err:
        mt.forecast(held(_history(panel)))
    text = str(err.value)
    assert fix in text and "reset_index()" in text
    assert "region='鼎湖区'" not in text  # following that relabelled every province 鼎湖区 / 北京


def test_index_fix_works_and_unrelated_index_names_pass(panel):
    h = _history(panel)
    fixed = mt.read_history(h.set_index(["region", "indicator"]).reset_index())
    assert sorted(fixed.region.unique()) == ["上海", "北京", "四川"]
    assert len(mt.read_history(h.rename_axis("id"))) == len(h)  # an index named id is no column of ours


@pytest.fixture(scope="module")
def yearly_sampling(data_dir):
    s = pd.read_csv(data_dir / "china" / "food_sampling_by_category.csv")
    return s[(s.region == "全国") & s.period.isin(["2021", "2022"])].copy()


@pytest.mark.parametrize("as_dates", [
    lambda p: pd.to_datetime(p + "-12-31"),
    lambda p: pd.to_datetime(p),  # 1 January, as pd.to_datetime reads a year
    lambda p: pd.PeriodIndex(p, freq="Y"),
])
def test_datetime_period_column_is_read_as_the_year(yearly_sampling, as_dates):
    base = mt.risk.score(yearly_sampling, by="category")
    g = yearly_sampling.copy()
    g["period"] = as_dates(g["period"])
    got = mt.risk.score(g, by="category")
    assert got["risk"].tolist() == base["risk"].tolist()
    assert got["last_period"].tolist() == base["last_period"].tolist()


def test_date_inside_a_year_is_refused_with_the_fix(yearly_sampling):
    g = yearly_sampling.copy()
    g["period"] = pd.to_datetime(g["period"] + "-06-30")
    with pytest.raises(DataValidationError) as err:
        mt.risk.score(g, by="category")
    assert "dt.to_period('Q')" in str(err.value) and "2021-06-30" in str(err.value)


def test_pandas_periods_and_dates_parse():
    from mstarget.risk.periods import parse_period
    assert parse_period(pd.Period("2023Q2", "Q")).label == "2023Q2"
    assert parse_period(pd.Period("2023-03", "M")).label == "2023-03"
    assert parse_period(np.datetime64("2022-12-31")).label == "2022"
    assert parse_period(pd.Timestamp("2021-12-31")).label == "2021"  # as_of=Timestamp too
    with pytest.raises(ValueError, match="days or weeks"):
        parse_period(pd.Period("2023-03-04", "D"))


def test_assess_takes_one_model(national):
    with pytest.raises(ParameterError) as err:
        mt.assess(*national, model=["drift"])
    assert "assess takes one model: model='drift'" in str(err.value)
    assert "unknown model" not in str(err.value)


def test_both_missing_files_are_named(tmp_path):
    with pytest.raises(DataValidationError) as err:
        mt.assess(tmp_path / "历史.csv", tmp_path / "规划.csv")
    assert [p.source.rsplit("/", 1)[-1] for p in err.value.problems] == ["历史.csv", "规划.csv"]


def test_backtest_docstring_says_where_the_run_id_is():
    assert 'result.summary.attrs["mlflow_run_id"]' in mt.backtest.__doc__
    assert 'result\'s ``attrs["mlflow_run_id"]``' in mt.assess.__doc__


def test_results_with_qualitative_and_unmatched_rows_concat_and_write(tmp_path):
    """assess drops 建成 rows from its unmatched plan rows: that selection stayed no AttrFrame, so two such
    results could not be concatenated ("truth value of a DataFrame is ambiguous") nor written to parquet."""
    rows = [("“明厨亮灶”覆盖率", "%", "81", "≥90", "约束性"), ("智慧市场监管平台", "—", "—", "建成", "预期性"),
            ("企业标准", "项", "100", "120", "预期性")]  # SYNTHETIC plan rows; 企业标准 has no history
    plan = pd.DataFrame([{"region": "鼎湖区", "indicator": n, "name": n, "unit": u, "baseline_year": 2020,
                          "baseline": b, "target_year": 2025, "target": t, "attribute": a}
                         for n, u, b, t, a in rows])
    history = pd.DataFrame({"region": "鼎湖区", "indicator": "“明厨亮灶”覆盖率", "year": [2021, 2022, 2023],
                            "value": [84.0, 86.0, 88.0]})  # SYNTHETIC
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = mt.assess(history, plan, as_of=2023, seed=0)
        b = mt.assess(history, plan, as_of=2023, seed=1)
    assert a.attrs["unmatched_plan"]["indicator"].tolist() == ["企业标准"]
    both = pd.concat([a, b])
    assert len(both) == 2 * len(a)
    a.to_parquet(tmp_path / "a.parquet")
    back = pd.read_parquet(tmp_path / "a.parquet")
    assert [r["indicator"] for r in back.attrs["unmatched_plan"]] == ["企业标准"]


def test_an_index_holding_only_an_optional_column_is_no_reason_to_refuse(data_dir):
    """set_index('source') / ('name') moves a label the readers do without: read as before (R1). The unit is no
    such label: it sets a share's bounds and the count models (FP3), so an index holding it is refused."""
    h = pd.read_csv(data_dir / "china" / "national_history.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = mt.assess(h, data_dir / "china" / "national_targets.csv", seed=0)
        for column in ("source", "name"):
            got = mt.assess(h.set_index(column), data_dir / "china" / "national_targets.csv", seed=0)
            assert got["p_meet"].equals(plain["p_meet"])

    with pytest.raises(mt.ParameterError, match=r"unit in the DataFrame's index"):
        mt.assess(h.set_index("unit"), data_dir / "china" / "national_targets.csv", seed=0)


def test_a_model_listed_twice_is_refused_not_tied_with_itself(data_dir):
    """backtest(model='drift,naive,drift') had named drift 'tied with drift' and counted each forecast twice (FP3)."""
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    with pytest.raises(mt.ParameterError, match=r"model 'drift' is listed twice"):
        mt.backtest(history, model="drift,naive,drift")
    with pytest.raises(mt.ParameterError, match=r"listed twice"):
        mt.backtest(history, model=["naive", "naive"])
