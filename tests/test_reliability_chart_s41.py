"""reliability_chart takes a backtest's result as its .plot() does, and says what to pass otherwise."""
import matplotlib
import pytest

import mstarget as mt
from mstarget.exceptions import ParameterError

matplotlib.use("Agg")


def test_reliability_chart_reads_a_backtest_result_as_its_calls(data_dir):
    history = mt.read_history(data_dir / "china" / "national_history.csv")
    plan = mt.read_plan(data_dir / "china" / "national_targets.csv")
    plan = plan[plan["indicator"] == "invention_patents_per_10k"]
    res = mt.backtest(history, model="drift", horizon=1, origins=[2016, 2017], plan=plan, n_paths=200)
    fig = mt.report.reliability_chart(res)
    assert fig.axes and fig.axes[0].lines  # the diagonal and the calls' line


def test_reliability_chart_names_what_it_takes():
    with pytest.raises(ParameterError, match=r"result\.calls.*Got 'list'"):
        mt.report.reliability_chart([0.5, 0.7])
