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
