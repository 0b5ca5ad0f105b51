"""Results are written atomically: a failing write keeps the earlier file and leaves no temporary one."""
from __future__ import annotations

import pandas as pd
import pytest

import mstarget as mt
from mstarget.io import write_table


def test_failed_write_keeps_the_earlier_result(tmp_path, data_dir, monkeypatch):
    out = tmp_path / "forecast.csv"
    table = mt.read_history(data_dir / "china" / "national_history.csv")
    write_table(table, out)
    before = out.read_bytes()

    def broken(self, path, *args, **kwargs):
        with open(path, "w", encoding="utf-8") as f:
            f.write("region,indic")  # a half-written file, then the disk fills up
        raise OSError("No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError, match="No space left"):
        write_table(table.head(3), out)
    assert out.read_bytes() == before
    assert [f.name for f in tmp_path.iterdir()] == ["forecast.csv"]


def test_chart_is_not_left_half_drawn(tmp_path):
    from mstarget.plotting import pyplot, save_figure

    fig, ax = pyplot().subplots()
    ax.plot([0, 1], [0, 1])

    def broken(path, *args, **kwargs):
        open(path, "wb").write(b"\x89PNG")
        raise RuntimeError("renderer crashed")

    fig.savefig = broken
    with pytest.raises(RuntimeError, match="renderer crashed"):
        save_figure(fig, tmp_path / "chart.png")
    assert list(tmp_path.iterdir()) == []


def test_cells_with_white_space_are_stripped_and_clean_files_skip_the_strip(tmp_path):
    """Reading skips stripping every cell only when no cell can need it: cells with spaces,
    ideographic spaces or a quoted tab around them still come out stripped."""
    from mstarget.io import read_grid

    spaced = tmp_path / "spaced.csv"
    spaced.write_text('region,indicator,year,value\n 东城 ,a\u3000,2021,"\t1.5"\n东城,a,2022, 2\n',
                      encoding="utf-8")
    grid = read_grid(spaced)
    assert grid.iloc[1].tolist() == ["东城", "a", "2021", "1.5"]
    assert grid.iloc[2].tolist() == ["东城", "a", "2022", "2"]
    hist = mt.read_history(spaced)
    assert hist["value"].tolist() == [1.5, 2.0] and set(hist["indicator"]) == {"a"}


def test_strip_screen_never_misses_a_cell_that_needs_stripping():
    """Generated CSV texts (synthetic, seeded): whenever pandas reads a cell with white space at
    either end, the screen says the file may need stripping."""
    import csv
    import io
    import random

    from mstarget.io import _may_need_strip

    rnd = random.Random(7)
    pieces = ["a", "中文", " ", "\t", "\u3000", "\xa0", "x y", "", "1.5", "\n", "\r\n", ",", ";", '"', "\x85"]
    checked = 0
    for _ in range(3000):
        sep = rnd.choice([",", ";", "\t"])
        ncol = rnd.randint(1, 4)
        rows = [["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 3))) for _ in range(ncol)]
                for _ in range(rnd.randint(1, 4))]
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep, quoting=rnd.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
                   lineterminator=rnd.choice(["\n", "\r\n"])).writerows(rows)
        text = buf.getvalue() if rnd.random() < 0.5 else buf.getvalue().replace('"', "")
        try:
            grid = pd.read_csv(io.StringIO(text), header=None, dtype=str, sep=sep, keep_default_na=False,
                               na_filter=False, skip_blank_lines=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError):
            continue
        cells = [v for v in grid.to_numpy().ravel() if isinstance(v, str)]
        if any(v != v.strip() for v in cells):
            checked += 1
            assert _may_need_strip(text, sep), repr(text)
        elif not any(c in text for c in ' "\u3000\xa0\x85') and (sep == "\t" or "\t" not in text):
            assert not _may_need_strip(text, sep), repr(text)
    assert checked > 500
