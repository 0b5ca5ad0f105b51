"""The HTML report in a real browser (issue 12): Debian's chromium, headless.

* the page renders: a screenshot is produced and the DOM holds the table;
* CJK glyphs are drawn, not tofu: Chinese characters set in the report's own font stack are
  screenshot and compared with a known tofu rendering (a private-use code point no font covers);
  distinct characters must give distinct pictures, none of them the tofu box;
* no chart is cut off: a probe script (added to a copy of the page; the report itself has no
  script) writes every image's natural and laid-out size into the DOM, read back with
  ``--dump-dom``.

``make test`` installs chromium and fonts-wqy-microhei when it runs as root; without chromium these
tests are skipped, saying why.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mstarget.cli.main import main
from mstarget.report.html import CSS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or \
    (Path("/usr/bin/chromium") if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (`make test` installs Debian's chromium when run as root; "
                             "otherwise: apt-get install chromium fonts-wqy-microhei)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def chromium(page: Path, profile: Path, *extra: str, width: int = 1280, height: int = 2000) -> str:
    """Run headless chromium on ``page``; returns its standard output (the DOM with --dump-dom)."""
    cmd = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", *extra,
           page.resolve().as_uri()]
    # a guard against a hung browser, not a speed requirement
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("browser")
    out = d / "national.html"
    data = Path(__file__).resolve().parents[1] / "data" / "china"
    assert main(["report", "--plan", str(data / "national_targets.csv"), "--history",
                 str(data / "national_history.csv"), "--as-of", "2022", "--out", str(out), "--no-track"]) == 0
    return out


PROBE = """<script>window.addEventListener("load", function () {
  var imgs = [];
  document.querySelectorAll("img").forEach(function (i) {
    var r = i.getBoundingClientRect(), p = i.parentElement.getBoundingClientRect();
    imgs.push({cls: i.className, complete: i.complete, nw: i.naturalWidth, nh: i.naturalHeight,
               cw: i.clientWidth, ch: i.clientHeight, left: r.left, right: r.right, pleft: p.left, pright: p.right});
  });
  var out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({imgs: imgs, scrollWidth: document.documentElement.scrollWidth,
                                    clientWidth: document.documentElement.clientWidth,
                                    rows: document.querySelectorAll("table.main tbody tr").length});
  document.body.appendChild(out);
});</script>"""


@pytest.mark.parametrize("width", [1280, 760])
def test_the_page_renders_and_no_chart_is_cut_off(report_html, tmp_path, width):  # issue 12
    probe = tmp_path / "probe.html"
    probe.write_text(report_html.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = chromium(probe, tmp_path / "profile", "--dump-dom", "--virtual-time-budget=5000", width=width)
    assert "三、主要指标评估表" in dom and "每万人口高价值发明专利拥有量" in dom
    m = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert m, "the probe script did not run"
    facts = json.loads(m.group(1).replace("&quot;", '"'))
    assert facts["rows"] == 5
    assert facts["scrollWidth"] <= facts["clientWidth"], "the page is wider than the window"
    # 制造业产品质量合格率 has no data: nothing to draw, no panel (session 38); 制造业质量竞争力指数 rests on one
    # figure (2021, no baseline): no forecast shown, no panel either (session 43)
    assert [i["cls"] for i in facts["imgs"]].count("chart fan") == 3
    for img in facts["imgs"]:
        assert img["complete"] and img["nw"] > 300 and img["nh"] > 200, img  # decoded
        assert img["left"] >= img["pleft"] - 0.5 and img["right"] <= img["pright"] + 0.5, img  # inside its box
        assert img["cw"] / img["ch"] == pytest.approx(img["nw"] / img["nh"], rel=0.03), img  # not squeezed
        assert img["cw"] <= img["nw"]  # never blown up past its pixels


GLYPHS = "鼎湖区"
TOFU = "\ue000"  # a private-use code point: no font draws it, so the browser shows its tofu box


def _glyph_page(path: Path) -> None:
    font = re.search(r"body\{font-family:([^;]+);", CSS.replace("\n", "")).group(1)
    cells = "".join(f'<div style="position:absolute;left:{20 + 120 * k}px;top:20px;width:100px;height:100px;'
                    f'font-size:80px;line-height:100px">{ch}</div>' for k, ch in enumerate(GLYPHS + TOFU))
    path.write_text(f'<!doctype html><html><head><meta charset="utf-8"><style>body{{margin:0;background:#fff;'
                    f'font-family:{font};color:#000}}</style></head><body>{cells}</body></html>', encoding="utf-8")


def test_chinese_glyphs_are_drawn_not_tofu(tmp_path):  # issue 12
    from PIL import Image

    page, shot = tmp_path / "glyphs.html", tmp_path / "glyphs.png"
    _glyph_page(page)
    chromium(page, tmp_path / "profile", f"--screenshot={shot}", width=600, height=160)
    img = np.asarray(Image.open(shot).convert("L"), dtype=float) / 255
    crops = [img[20:120, 20 + 120 * k:120 + 120 * k] for k in range(len(GLYPHS) + 1)]
    ink = [float((c < 0.5).mean()) for c in crops]
    tofu = crops[-1]
    assert all(i > 0.02 for i in ink[:-1]), f"Chinese characters drew nothing: ink {ink}"
    for k, ch in enumerate(GLYPHS):
        assert np.abs(crops[k] - tofu).mean() > 0.02, f"{ch} is drawn as the tofu box: no CJK font"
        for j in range(k):
            assert np.abs(crops[k] - crops[j]).mean() > 0.02, f"{GLYPHS[j]} and {ch} look the same (tofu)"


def test_report_screenshot_shows_the_chinese_title(report_html, tmp_path):  # issue 12
    from PIL import Image

    shot = tmp_path / "report.png"
    chromium(report_html, tmp_path / "profile", f"--screenshot={shot}", width=1280, height=900)
    img = np.asarray(Image.open(shot).convert("L"), dtype=float) / 255
    assert img.shape == (900, 1280)
    title = img[20:70, 20:700]  # the h1 (24px) at the top left of the page
    assert (title < 0.5).mean() > 0.03, "the title is blank"
    assert img.std() > 0.1, "the page is blank"
