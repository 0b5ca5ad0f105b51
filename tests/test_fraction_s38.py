"""A % share with one year typed as a ratio 0-1 (98, 98.3, 98.5, 98.6, 0.988) is refused, naming the
cell and the figure meant (98.8), instead of a warning on stderr and a report saying the rate fell
97 points to 0.988 %, 滞后, progress -9701 % (session 38, P3 D6). Figures SYNTHETIC."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mstarget as mt
from mstarget.cli.main import main
from mstarget.exceptions import InconsistentDataWarning

WIDE = ("指标名称,单位,2020年,2021年,2022年,2023年,2024年\n"
        "期末市场主体总量,万户,1.89,2.1,2.35,2.6,2.85\n"
        "“明厨亮灶”覆盖率,%,81,84,86.5,88,89.5\n"
        "药品抽检合格率,%,98,98.3,98.5,98.6,0.988\n")
PLAN = ("region,indicator,name,unit,baseline_year,baseline,target_year,target,attribute\n"
        "鼎湖区,kitchen,“明厨亮灶”覆盖率,%,2020,81,2025,≥90,约束性\n"
        "鼎湖区,drug,药品抽检合格率,%,2020,98,2025,≥99,预期性\n")


def _long(values, name="药品抽检合格率", years=range(2020, 2030), **extra):
    return pd.DataFrame({"region": "鼎湖区", "indicator": name, "year": list(years)[:len(values)],
                         "value": values, "unit": "%", **extra})


def _caught(call):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = call()
    return result, [w.message for w in seen if issubclass(w.category, InconsistentDataWarning)]


def test_report_with_one_year_of_a_pass_rate_as_a_fraction_is_refused_naming_the_cell(tmp_path, capsys):
    (tmp_path / "h.csv").write_text(WIDE, encoding="utf-8")
    (tmp_path / "p.csv").write_text(PLAN, encoding="utf-8")
    out = tmp_path / "r.html"
    code = main(["report", "--plan", str(tmp_path / "p.csv"), "--history", str(tmp_path / "h.csv"),
                 "--region", "鼎湖区", "--seed", "0", "--no-track", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "h.csv, row 4, column '2024年': '0.988': 98.8（" in err
    assert "请改为 98.8" in err and "write 98.8" in err and "其他年份为 98–98.6" in err
    assert "相差约" not in err  # refused, not warned and used


def test_read_history_refuses_the_fraction_and_names_the_figure_meant():
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_history(_long([98, 98.3, 98.5, 98.6, 0.988]))
    (problem,) = info.value.problems
    assert (problem.row, problem.column, problem.value) == (4, "value", "0.988")
    assert problem.expected.startswith("98.8（") and "2024 年的 0.988" in problem.expected
    # two fractions among two percentages: both named
    with pytest.raises(mt.DataValidationError) as info:
        mt.read_history(_long([0.98, 0.986, 99.1, 99.2]))
    assert [(p.row, p.expected.split("（")[0]) for p in info.value.problems] == [(0, "98"), (1, "98.6")]


def test_a_jump_the_other_years_do_not_explain_is_still_only_warned():
    for values in ([0.5, 30, 60, 90],  # a share taking off: 0.5 % may be true
                   [98, 98.3, 1.2, 98.6],  # 120 is no percentage of this series: a typo of another kind
                   [0.3, 1.3, 1.8, 2.7, 4.5, 13.4, 25.6]):  # growing from under 1 %: no jump at all
        out, _ = _caught(lambda: mt.read_history(_long(values)))
        assert out["value"].tolist() == values
    _, seen = _caught(lambda: mt.read_history(_long([0.5, 30, 60, 90])))
    assert len(seen) == 1 and "0.5 means 50 %" in str(seen[0])


def test_declared_bounds_let_a_true_small_share_through():
    hist = _long([98, 98.3, 98.5, 98.6, 0.988], lower=[0.0] * 5, upper=[100.0] * 5)
    out, _ = _caught(lambda: mt.read_history(hist))
    assert out["value"].iloc[-1] == pytest.approx(0.988)


def test_rates_of_change_and_counts_are_not_shares():
    for name, unit in (("市场主体增长率", "%"), ("企业标准", "项")):
        hist = _long([8, 7.5, 7.9, 0.08], name=name).assign(unit=unit)
        out, _ = _caught(lambda: mt.read_history(hist))
        assert out["value"].iloc[-1] == pytest.approx(0.08)


def test_fractions_among_percentages_rule():
    from mstarget.consistency import fractions_among_percentages

    assert fractions_among_percentages(np.array([98, 98.3, 98.5, 98.6, 0.988])).tolist() == [4]
    assert fractions_among_percentages(np.array([81, 84, 0.865, 88, 89.5])).tolist() == [2]
    assert fractions_among_percentages(np.array([98, np.nan, 0.985, 98.6])).tolist() == [2]
    assert fractions_among_percentages(np.array([0.98, 0.983, 0.985, 98.6])).tolist() == []  # most are ratios
    assert fractions_among_percentages(np.array([0.81, 0.84, 0.86])).tolist() == []
    assert fractions_among_percentages(np.array([0.8, 1.2, 1.1, 0.9])).tolist() == []  # a small share


def test_a_real_small_share_is_warned_not_refused():
    """A share at 1-2 % cannot be told from one written as a fraction: 0.03 among 1.2, 1.5, 1.6 (抽查覆盖率,
    a programme starting) and 0.02 after 2.1, 1.8, 1.5 (不合格率) were refused "请改为 3" / "请改为 2" (session 38,
    N2); they are read as written with the ~100x jump warned of. Figures SYNTHETIC."""
    for name, values, words in (("生产领域区级工业产品质量监督抽查覆盖率", [0.03, 1.2, 1.5, 1.6], "if 0.03 means 3 %"),
                                ("农产品抽检不合格率", [2.1, 1.8, 1.5, 0.02], "if 0.02 means 2 %")):
        out, seen = _caught(lambda: mt.read_history(_long(values, name=name)))
        assert out["value"].tolist() == values
        (w,) = seen
        assert name in str(w) and "相差约" in str(w) and words in str(w)


def test_the_band_is_relative_to_the_level_of_the_other_years():
    from mstarget.consistency import fractions_among_percentages

    assert fractions_among_percentages(np.array([0.03, 1.2, 1.5, 1.6])).tolist() == []
    assert fractions_among_percentages(np.array([2.1, 1.8, 1.5, 0.02])).tolist() == []
    assert fractions_among_percentages(np.array([5, 5.2, 5.4, 0.053])).tolist() == []  # under 10 %: warned
    assert fractions_among_percentages(np.array([0.98, 0.986, 99.1, 99.2])).tolist() == [0, 1]
    assert fractions_among_percentages(np.array([98, 98.3, 0.985, 0.988])).tolist() == [2, 3]
    assert fractions_among_percentages(np.array([30, 30.4, 30.2, 0.306])).tolist() == [3]
    assert fractions_among_percentages(np.array([30, 30.4, 30.2, 0.36])).tolist() == []  # 36 is no 30.x


def test_a_plans_completed_value_typed_as_a_fraction_is_still_refused(tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("指标名称,单位,2020年基数,2022年完成值,2023年完成值,2024年完成值,2025年目标,指标属性\n"
                    "药品抽检合格率,%,98,98.4,98.6,0.988,≥99,预期性\n"
                    "“明厨亮灶”覆盖率,%,81,85,87,89,≥90,约束性\n", encoding="utf-8")
    with pytest.raises(mt.DataValidationError) as info:
        _caught(lambda: mt.assess(plan, plan, as_of=2024, region="鼎湖区"))
    (problem,) = info.value.problems
    assert (problem.column, problem.value) == ("2024年完成值", "0.988") and problem.expected.startswith("98.8（")
