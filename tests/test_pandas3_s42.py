"""pandas 2 / 3 parity of inputs the rest of the suite does not cover (session 42 probe).

Parquet and JSON tables are read as text like CSV files; a missing cell must stay blank whichever
pandas is installed. Under pandas 2 ``astype(str)`` wrote it as the words ``nan`` / ``None``, so the
shipped national targets saved as Parquet were refused ("'nan': a number, not a placeholder") and a
missing count was called "'nan': ... cannot have decimals" instead of an empty cell.
"""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.io import cells_as_text

DATA = Path(__file__).resolve().parents[1] / "data" / "china"


def _write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_json(path)
    return path


@pytest.mark.parametrize("ext", [".parquet", ".json"])
def test_plan_saved_as_parquet_or_json_keeps_blank_baselines(tmp_path, ext):
    targets = pd.read_csv(DATA / "national_targets.csv")  # real: four 质量强国 targets have no baseline
    plan = mt.read_plan(_write(targets, tmp_path / f"targets{ext}"))
    from_csv = mt.read_plan(DATA / "national_targets.csv")
    row = plan.set_index("indicator").loc["manufacturing_product_pass_rate"]
    assert np.isnan(row["baseline"]) and row["target"] == 94 and row["direction"] == ">="
    pd.testing.assert_series_equal(plan["baseline"], from_csv["baseline"])
    pd.testing.assert_series_equal(plan["target"], from_csv["target"])


@pytest.mark.parametrize("ext", [".parquet", ".json"])
def test_history_saved_as_parquet_or_json_reads_missing_value_and_unit(tmp_path, ext):
    history = pd.read_csv(DATA / "national_history.csv")
    rate = history[history["indicator"] == "food_sampling_unqualified_rate"].reset_index(drop=True)
    # the real 2020-2022 series, its 2022 figure not yet published and one unit cell left empty
    rate.loc[rate["year"] == 2022, "value"] = np.nan
    rate.loc[rate["year"] == 2021, "unit"] = None
    got = mt.read_history(_write(rate, tmp_path / f"history{ext}"))
    by_year = got.set_index("year")
    assert by_year.loc[2021, "value"] == pytest.approx(2.69)
    assert np.isnan(by_year.loc[2022, "value"])
    assert by_year.loc[2021, "unit"] == "" and by_year.loc[2020, "unit"] == "%"  # not the word 'None'


@pytest.mark.parametrize("ext", [".parquet", ".json"])
def test_samples_with_missing_count_say_empty_cell(tmp_path, ext):
    samples = pd.read_csv(DATA / "food_sampling_by_category.csv")
    quarters = samples[samples["period"].str.contains("Q")].reset_index(drop=True)
    quarters["failed"] = quarters["failed"].astype(float)
    quarters.loc[1, "failed"] = np.nan  # the 2017Q3 count not entered
    path = _write(quarters, tmp_path / f"samples{ext}")
    with pytest.raises(mt.DataValidationError) as err:
        mt.risk.score(path, by=["category"])
    message = str(err.value)
    assert str(path) in message and "row 3" in message and "'failed'" in message
    assert "empty cell" in message and "'nan'" not in message


def test_cells_as_text_leaves_missing_cells_missing():
    frame = pd.DataFrame({"year": pd.array([2021, None], dtype="Int64"), "value": [1.5, np.nan],
                          "unit": ["%", None], "day": pd.to_datetime(["2023-03-31", None])})
    text = cells_as_text(frame)
    assert text.shape == (2, 4)
    assert text.iloc[0].tolist() == ["2021", "1.5", "%", "2023-03-31"]
    assert text.iloc[1].isna().all()


# --- dates outside the years pandas 2 reads (1677-09-22 .. 2262-04-11): a typo of the year --------------
# pandas 3 reads 3014-09-02 as a date. risk.features crashed on it ("OverflowError: math range error"),
# risk.fit and features took 0214-09-02 silently (a record 1,800 years early), and risk.evaluate(y, p,
# dates=...) let pandas' own OutOfBoundsDatetime (pandas 2) / ValueError ("2014-13-02" doesn't match
# format) out as a traceback.

INSPECTIONS = Path(__file__).resolve().parents[1] / "data" / "inspections" / "chicago_food_inspections_2011_2014.csv"


@pytest.fixture(scope="module")
def inspections():
    """The first 3,000 real Chicago inspections, under the names the README's example uses."""
    raw = pd.read_csv(INSPECTIONS, nrows=3000)
    return raw[["Inspection_Date", "License", "Facility_Type_Clean", "Risk", "Ward", "fail_flag"]].rename(
        columns={"Inspection_Date": "date", "License": "licence", "Ward": "ward", "fail_flag": "failed"})


def _with_typo(records: pd.DataFrame, typo: str) -> pd.DataFrame:
    out = records.copy()
    out["date"] = out["date"].astype(object)
    out.loc[7, "date"] = typo  # spreadsheet row 9
    return out


@pytest.mark.parametrize("typo", ["3014-09-02", "0214-09-02"])
def test_features_refuse_a_year_typo_naming_the_row(inspections, typo):
    with pytest.raises(mt.DataValidationError) as err:
        mt.risk.features(_with_typo(inspections, typo), entity="licence", area="ward", time="date",
                         outcome="failed")
    assert f"row 9, column 'date': '{typo}': not a date" in str(err.value)


@pytest.mark.parametrize("typo", ["3014-09-02", "0214-09-02"])
def test_fit_refuses_a_year_typo_naming_the_row(inspections, typo):
    with pytest.raises(mt.DataValidationError) as err:
        mt.risk.fit(_with_typo(inspections, typo), outcome="failed", features=["Risk", "Facility_Type_Clean"],
                    time="date")
    assert f"row 9, column 'date': '{typo}': not a date" in str(err.value)


@pytest.mark.parametrize("typo, why", [("3014-09-02", ""), ("2014-13-02", "; there is no month 13")])
def test_evaluate_records_refuses_a_date_that_is_none_naming_its_position(inspections, typo, why):
    test = inspections.iloc[-800:].reset_index(drop=True)
    dates = test["date"].astype(object).copy()
    dates[7] = typo
    predicted = np.full(len(test), test["failed"].mean())
    with pytest.raises(mt.ParameterError) as err:
        mt.risk.evaluate(test["failed"].to_numpy(), predicted, dates=dates)
    assert f"position 7: '{typo}'{why}" in str(err.value)
    assert "expected a date such as 2023-03-01" in str(err.value)


def test_evaluate_records_reads_dates_as_written_in_chinese(inspections):
    test = inspections.iloc[-800:].reset_index(drop=True)
    iso = pd.to_datetime(test["date"])
    written = [f"{d.year}年{d.month}月{d.day}日" for d in iso]  # the same dates as a bureau's sheet writes them
    predicted = np.linspace(0.05, 0.6, len(test))
    got = mt.risk.evaluate(test["failed"].to_numpy(), predicted, dates=written)
    want = mt.risk.evaluate(test["failed"].to_numpy(), predicted, dates=iso.to_numpy())
    assert got.metrics["days_earlier"] == pytest.approx(want.metrics["days_earlier"])
    assert got.periods["test"] == want.periods["test"] == f"{iso.min():%Y-%m-%d} – {iso.max():%Y-%m-%d}"


def test_features_read_dates_whose_offsets_change_with_daylight_saving(inspections):
    # Chicago's local dates exported with their offsets: -06:00 in winter, -05:00 in summer. pandas 3
    # refused the column ("Mixed timezones detected"), pandas 2 crashed on it ("Can only use .dt
    # accessor with datetimelike values"); they are the UTC instants, as a time-zone aware column is read.
    local = pd.to_datetime(inspections["date"]).dt.tz_localize("America/Chicago")
    written = inspections.assign(date=[d.isoformat() for d in local])
    assert {"-05:00", "-06:00"} <= {d[-6:] for d in written["date"]}
    got = mt.risk.features(written, entity="licence", area="ward", time="date", outcome="failed")
    want = mt.risk.features(inspections.assign(date=local.dt.tz_convert("UTC")), entity="licence", area="ward",
                            time="date", outcome="failed")
    pd.testing.assert_frame_equal(got, want)
