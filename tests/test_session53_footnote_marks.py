"""A statistics table marks its preliminary figures with a sign and says so under the table (``2.70*`` over
``注：带*号的数据为快报数``): each such figure is read as a preliminary one, as ``2.70（快报）`` is -- marked, and
said once. A mark the notes do not explain, or explain otherwise (含个体工商户), stays refused with the fix.

Figures: the SYNTHETIC Dinghu mid-term values of tests/bureau_files.py.
"""
from __future__ import annotations

import warnings

import pytest

import mstarget as mt
from mstarget.exceptions import DataValidationError, UnreadColumnWarning

HEAD = "鼎湖区市场监管主要指标\n指标名称,单位,2020年,2021年,2022年,2023年\n"
ROWS = "期末市场主体总量,万户,1.89,2.15,2.42,{a}\n企业标准,项,38,52,69,{b}\n"


def _read(tmp_path, rows, note):
    path = tmp_path / "h.csv"
    path.write_text(HEAD + rows + note + "\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        hist = mt.read_history(path, region="鼎湖区")
    return hist, seen


@pytest.mark.parametrize("a, b, note, word", [
    ("2.70*", "84*", "注：带*号的数据为快报数。", "快报"),
    ("2.70※", "84", "注：※为初步核算数", "初步核算"),
    ("2.70①", "84", "注：①预计数", "预计"),
    ("2.70（注1）", "84（注1）", "注：（注1）为估计值", "估计"),
])
def test_a_mark_the_notes_explain_as_preliminary_is_read_so(tmp_path, a, b, note, word):
    hist, seen = _read(tmp_path, ROWS.format(a=a, b=b), note)
    last = hist[hist["year"] == 2023].set_index("name")
    assert last.loc["期末市场主体总量", "value"] == 2.70 and last.loc["企业标准", "value"] == 84
    assert last.loc["期末市场主体总量", "preliminary_mark"] == word
    assert bool(last.loc["企业标准", "preliminary"]) == (b != "84")
    said = [str(w.message) for w in seen]
    assert any("marked preliminary" in s and f"'{a}'" in s for s in said), said
    assert not any(isinstance(w.message, UnreadColumnWarning) and "未说明是哪一年" in str(w.message) for w in seen)


@pytest.mark.parametrize("note", ["注：带*号的数据含个体工商户。", "注：①为快报数", ""])
def test_a_mark_explained_otherwise_or_not_at_all_stays_refused(tmp_path, note):
    with pytest.raises(DataValidationError) as err:
        _read(tmp_path, ROWS.format(a="2.70*", b="84"), note)
    assert "row 3, column '2023年': '2.70*': a footnote mark after the number is not read" in str(err.value)


def test_a_plans_completion_value_with_an_explained_mark(tmp_path):
    """A plan's 2022年完成值 written 2.42* under 注：带*号的数据为快报数 (the real Dinghu baseline and target; the 2022
    figure SYNTHETIC): read as a preliminary 完成值, as 2.42（快报） is; a target so marked stays refused."""
    head = "鼎湖区十四五规划主要指标\n序号,指标名称,单位,2020年基数,2022年完成值,2025年目标,属性\n"
    note = "注：带*号的数据为快报数。\n"
    path = tmp_path / "plan.csv"
    path.write_text(head + "1,期末市场主体总量,万户,1.89,2.42*,3.12,预期性\n2,企业标准,项,38,69,117,预期性\n" + note,
                    encoding="utf-8")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        plan = mt.read_plan(path, region="鼎湖区")
    assert plan["observed_2022"].tolist() == [2.42, 69] and plan["preliminary_2022"].tolist() == ["快报", ""]
    assert any("marked preliminary" in str(w.message) and "'2.42*'" in str(w.message) for w in seen)
    path.write_text(head + "1,期末市场主体总量,万户,1.89,2.42,3.12*,预期性\n" + note, encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"'3.12\*'"):
        mt.read_plan(path, region="鼎湖区")
