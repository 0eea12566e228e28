"""Output that breaks on real data: right-to-left names, 300-letter names, 150-person charts, characters no
font has. Real builds and PDFs; the PDFs are read back with poppler, the site in headless Chromium."""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import ROOT
from .conftest import kadossier, make_workspace

EXAMPLE = (ROOT / "dossiers" / "kestrel-robotics.yaml").read_text(encoding="utf-8")
"""An account with two people (Anna Berg reports to 陈立), a project and a planned visit."""
ARABIC = "محمد عبد الله"
LONG_WORD = "Wolfeschlegelsteinhausenbergerdorff" * 9  # 315 letters, no space to break at
LONG_COMPANY = "Grossunternehmensverwaltungsgesellschaft" * 8


def dossier(name: str = "Rtl Test Co.", person: str = "Anna Berg", notes: str = "") -> str:
    """The example account renamed, its second person renamed, optionally with notes on that person."""
    text = EXAMPLE.replace("name: Kestrel Robotics (Shenzhen) Co., Ltd.", f"name: {name}")
    text = text.replace("name: Anna Berg", f"name: {person}")
    if notes:
        text = text.replace("notes: Moved from", f"notes: {notes} Moved from")
    return text


def big_dossier() -> str:
    """150 people: a boss with 100 direct reports, and a 49-level chain under the first of them."""
    people = ["  - {id: chen-li, name: The Boss, title: CEO, level: executive, roles: [decision_maker]}"]
    people.append("  - {id: anna-berg, name: Report Number 0, title: Manager 0, reports_to: chen-li, roles: [user]}")
    people += [
        f"  - {{id: r{i}, name: Report Number {i}, title: Manager {i}, reports_to: chen-li, roles: [user]}}"
        for i in range(1, 100)
    ]
    boss = "anna-berg"
    for i in range(49):
        people.append(f"  - {{id: c{i}, name: Chain Person {i}, title: Level {i}, reports_to: {boss}, roles: [user]}}")
        boss = f"c{i}"
    head, rest = EXAMPLE.split("people:\n", 1)
    return head + "people:\n" + "\n".join(people) + "\n\nprojects:\n" + rest.split("projects:\n", 1)[1]


def zh(workspace: Path) -> Path:
    config = workspace / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    return workspace


def pdf_pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")[:-1]


def word_boxes(path: Path) -> Iterator[tuple[int, float, float, tuple[float, float, float, float], str]]:
    """Every word of the PDF: page number, page width and height, box (x0, y0, x1, y1) in pt, text."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for number, page in enumerate(re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S)):
        for word in re.finditer(
            r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', page[3]
        ):
            x0, y0, x1, y1 = (float(v) for v in word.groups()[:4])
            yield number, float(page[1]), float(page[2]), (x0, y0, x1, y1), word[5]


def chart_pages(pages: list[str], language: str = "en") -> list[int]:
    """The pages from the decision chain's heading to the role x level matrix (the org charts)."""
    start, end = ("Decision chain", "Roles by level") if language == "en" else ("决策链", "角色与级别")
    first = next(i for i, text in enumerate(pages) if start in text and "Contents" not in text and "目录" not in text)
    last = next(i for i, text in enumerate(pages) if i >= first and end in text)
    return list(range(first, last + 1))


def make_pdf(workspace: Path, account: str) -> Path:
    target = workspace / f"{account}.pdf"
    run = kadossier(workspace, "pdf", account, "-o", str(target))
    assert run.code == 0, run.output
    return target


def uncovered(ch: str) -> bool:
    """Whether no installed font has `ch` (fontconfig's view, which Pango uses)."""
    out = subprocess.run(["fc-list", f":charset={ord(ch):x}", "family"], capture_output=True, text=True)
    return out.stdout.strip() == ""


# --- 19: right-to-left names ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh"])
def test_arabic_name_prints_in_logical_order_in_the_pdf_chart(tmp_path: Path, language: str) -> None:
    workspace = make_workspace(tmp_path, {"rtl.yaml": dossier(person=ARABIC)})
    if language == "zh":
        zh(workspace)
    pages = pdf_pages(make_pdf(workspace, "rtl"))
    chart = "\n".join(pages[i] for i in chart_pages(pages, language))
    everything = "\n".join(pages)
    assert ARABIC[::-1] not in everything  # the letters drawn right to left in visual order: reversed text
    # the chart, the matrix's two cells: the name in logical order on the chart page
    assert chart.count(ARABIC) >= 3, chart


# --- 20: very long names ----------------------------------------------------------------------------------


def test_a_300_letter_name_stays_on_the_pdf_page(tmp_path: Path) -> None:
    workspace = make_workspace(
        tmp_path,
        {
            "normal.yaml": dossier(name="Normal Co."),
            "long.yaml": dossier(name="Long Co.", person=LONG_WORD),
            "longco.yaml": dossier(name=LONG_COMPANY, person=LONG_WORD),
        },
    )
    normal = len(pdf_pages(make_pdf(workspace, "normal")))
    for account in ("long", "longco"):
        pdf = make_pdf(workspace, account)
        assert len(pdf_pages(pdf)) <= normal + 1, account
        outside = [
            (page, box, text[:30])
            for page, width, height, box, text in word_boxes(pdf)
            if box[0] < 0 or box[1] < 0 or box[2] > width + 0.5 or box[3] > height + 0.5
        ]
        assert outside == [], (account, outside[:5])


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def chromium() -> Iterator[object]:
    from ..test_browser import launch_chromium

    with launch_chromium() as browser:
        yield browser


def measure(browser: object, site: Path, page: str, script: str) -> object:
    """Open `page` of the built `site` at 1280x900 in Chromium and return what `script` evaluates to."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        tab = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        tab.goto(f"http://127.0.0.1:{server.server_address[1]}/{page}", wait_until="networkidle")
        return tab.evaluate(script)
    finally:
        server.shutdown()


LAYOUT = """() => {
  const right = s => document.querySelector(s).getBoundingClientRect().right;
  const toc = document.querySelector('.md-sidebar--secondary').getBoundingClientRect().left;
  // the matrix as it is seen: its box, in which a table wider than the page scrolls (clipped, never over the toc)
  const box = document.querySelector('table.kad-matrix').closest('.kad-scroll') || document.querySelector('table.kad-matrix');
  return {matrix: box.getBoundingClientRect().right, heading: right('.md-content h1'), content: right('.md-content__inner'),
          toc, scroll: document.documentElement.scrollWidth, view: window.innerWidth};
}"""


def test_long_names_stay_out_of_the_sites_table_of_contents(tmp_path: Path, chromium: object) -> None:
    workspace = make_workspace(
        tmp_path,
        {"long.yaml": dossier(name="Long Co.", person=LONG_WORD), "longco.yaml": dossier(name=LONG_COMPANY)},
    )
    run = kadossier(workspace, "build", "--no-pdf")
    assert run.code == 0, run.output
    for page in ("accounts/long/", "accounts/longco/", ""):
        box = measure(chromium, workspace / "site", page, LAYOUT if page else "() => ({})")
        assert isinstance(box, dict)
        if page:
            assert box["matrix"] <= box["content"] + 1 and box["matrix"] < box["toc"], (page, box)
            assert box["heading"] <= box["content"] + 1, (page, box)
    dashboard = measure(chromium, workspace / "site", "", "() => [document.documentElement.scrollWidth, innerWidth]")
    assert isinstance(dashboard, list) and dashboard[0] <= dashboard[1], dashboard  # no sideways scrolling


# --- 21: large charts -------------------------------------------------------------------------------------


def test_150_people_chart_is_readable_and_complete(tmp_path: Path, chromium: object) -> None:
    workspace = make_workspace(tmp_path, {"big.yaml": big_dossier()})
    names = ["The Boss"] + [f"Report Number {i}" for i in range(100)] + [f"Chain Person {i}" for i in range(49)]
    pdf = make_pdf(workspace, "big")
    pages = pdf_pages(pdf)
    charts = chart_pages(pages)
    text = "\n".join(pages[i] for i in charts)
    missing = [n for n in names if not re.search(rf"(?m){re.escape(n)}$", text)]
    assert missing == [], missing[:10]
    # the text of the boxes prints at a readable size: a word's box is about 1.2 times its font size
    heights = [
        box[3] - box[1]
        for page, _, _, box, word in word_boxes(pdf)
        if page in charts and word in ("Report", "Chain", "Manager", "Level")
    ]
    assert heights and min(heights) >= 6 * 1.1, min(heights)
    # the role x level matrix lists a dozen names a cell, not a hundred over pages (all are under People)
    everything = "\n".join(pages)
    start = everything.index("Roles by level")
    matrix = " ".join(everything[start : everything.index("\nPeople\n", start)].split())
    assert matrix.count("Report Number") <= 12 and "and 137 more" in matrix, matrix[:500]
    run = kadossier(workspace, "build", "--no-pdf")
    assert run.code == 0, run.output
    source = (workspace / "site" / "accounts" / "big" / "index.html").read_text(encoding="utf-8")
    shown = set(re.findall(r'<g class="kad-node[^"]*" data-person="([^"]+)"', source))
    assert shown == {"chen-li", "anna-berg"} | {f"r{i}" for i in range(1, 100)} | {f"c{i}" for i in range(49)}
    for width, height in re.findall(r'<svg class="kad-chart"[^>]*viewBox="0 0 (\d+) (\d+)"', source):
        assert int(width) <= 800 and int(height) <= 3 * int(width) and int(width) <= 4 * int(height)
    scales = measure(
        chromium,
        workspace / "site",
        "accounts/big/",
        "() => [...document.querySelectorAll('svg.kad-chart')].map(s => s.getBoundingClientRect().width / s.viewBox.baseVal.width)",
    )
    assert isinstance(scales, list) and scales and min(scales) * 10 >= 9  # the smallest text, 10px, at 9px or more


# --- 23: characters no font has ---------------------------------------------------------------------------


def test_one_warning_per_missing_character_and_none_for_arabic(tmp_path: Path) -> None:
    emoji, rare = "🎉", "\U00020000"
    if not (uncovered(emoji) and uncovered(rare)) or uncovered(ARABIC[0]):
        pytest.skip("this machine's fonts differ from the test's assumption (no emoji or Ext-B font, an Arabic one)")
    workspace = make_workspace(tmp_path, {"rtl.yaml": dossier(person=ARABIC, notes=f"{emoji} {rare} {emoji}.")})
    run = kadossier(workspace, "build")  # the pack and the planned visit's brief both have the characters
    assert run.code == 0, run.output
    lines = run.output.splitlines()
    assert [line for line in lines if ".notdef" in line] == []
    assert len([line for line in lines if "U+1F389" in line]) == 1, run.output
    assert len([line for line in lines if "U+20000" in line]) == 1, run.output
    assert [line for line in lines if "ARABIC" in line] == [], run.output
    warning = next(line for line in lines if "U+1F389" in line)
    assert warning.startswith("dossiers/rtl.yaml:") and "'rtl'" in warning and "'rtl/2026-12-10" in warning
