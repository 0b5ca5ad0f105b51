"""A note, title or 备注 cell saying a year's figures are 快报 / 预计 / 1-N月 is applied as the header form is
(session 38: prober /tmp/s38/p3, fixer /tmp/s38/q1). Before, ``注：2025年数据为快报数`` was kept in
``attrs["notes"]`` and never applied, so a 总结评估 read the 快报 figures as final (已完成 with no 快报 anywhere),
and ``注：2025年为1-11月数据`` read eleven months as the year.

Every figure here is SYNTHETIC.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

import mstarget as mt

HEAD = "指标名称,单位,2020年,2021年,2022年,2023年,2024年,2025年\n"
ROWS = ("期末市场主体总量,万户,1.89,2.1,2.35,2.6,2.85,3.1\n"
        "企业标准,项,38,55,70,88,101,114\n")


def _read(tmp_path, text, name="h.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = mt.read_history(path, region="鼎湖区")
    return frame, [str(w.message) for w in caught]


def _marks(frame, year):
    rows = frame[frame["year"] == year]
    return rows["preliminary_mark"].tolist() if "preliminary_mark" in frame.columns else [""] * len(rows)


def test_table_note_marks_the_year_preliminary_as_the_header_form(tmp_path):
    by_note, said = _read(tmp_path, HEAD + ROWS + "注：2025年数据为快报数，最终以统计年报为准。\n")
    by_head, _ = _read(tmp_path, HEAD.replace("2025年\n", "2025年（快报）\n") + ROWS, "hdr.csv")
    assert _marks(by_note, 2025) == ["快报", "快报"]
    assert _marks(by_note, 2024) == ["", ""]
    assert by_note["preliminary"].tolist() == by_head["preliminary"].tolist()
    assert any("注：2025年数据为快报数" in m and "快报" in m for m in said)


def test_title_marks_the_year_preliminary(tmp_path):
    frame, said = _read(tmp_path, "鼎湖区市场监管主要指标完成情况（2025年为快报数）\n" + HEAD + ROWS)
    assert _marks(frame, 2025) == ["快报", "快报"]
    assert any("2025年为快报数" in m for m in said)


def test_remark_cell_marks_its_own_row_only(tmp_path):
    text = (HEAD.replace("2025年\n", "备注\n") + "期末市场主体总量,万户,1.89,2.1,2.35,2.6,2.85,2024年为快报数\n"
            "企业标准,项,38,55,70,88,101,\n")
    frame, _ = _read(tmp_path, text)
    first = frame[(frame["indicator"] == "期末市场主体总量") & (frame["year"] == 2024)]
    other = frame[(frame["indicator"] == "企业标准") & (frame["year"] == 2024)]
    assert first["preliminary_mark"].tolist() == ["快报"]
    assert other["preliminary_mark"].tolist() == [""]


def test_partial_year_note_is_not_read_as_the_year(tmp_path):
    frame, said = _read(tmp_path, HEAD + ROWS + "注：2025年为1-11月数据。\n")
    assert 2025 not in set(frame["year"])  # as a column headed 2025年（1-11月）
    assert int(frame["year"].max()) == 2024
    assert any("1-11月" in m and "未读取" in m for m in said)


def test_plan_note_marks_the_completion_column(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("指标名称,单位,2020年基数,2024年完成值,2025年目标,指标属性\n"
                    "期末市场主体总量,万户,〔1.89〕,2.85,〔3.12〕,预期性\n"
                    "企业标准,项,〔38〕,101,〔117〕,预期性\n"
                    "注：2024年完成值为快报数。\n", encoding="utf-8")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        plan = mt.read_plan(path, region="鼎湖区")
    assert plan["preliminary_2024"].tolist() == ["快报", "快报"]
    assert np.allclose(plan["observed_2024"].to_numpy(dtype=float), [2.85, 101])


def test_assess_marks_the_verdict_preliminary_from_a_note(tmp_path):
    hist = tmp_path / "h.csv"
    hist.write_text(HEAD + ROWS + "注：2025年数据为快报数。\n", encoding="utf-8")
    plan = pd.DataFrame({"region": ["鼎湖区"], "indicator": ["期末市场主体总量"], "name": ["期末市场主体总量"],
                         "unit": ["万户"], "baseline_year": [2020], "baseline": [1.89], "target_year": [2025],
                         "target": [3.12], "direction": [">="], "kind": ["level"], "attribute": ["预期性"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = mt.assess(mt.read_history(hist, region="鼎湖区"), plan, seed=0)
    assert bool(out["last_preliminary"].iloc[0])
