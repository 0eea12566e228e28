"""The built wiki in a real headless Chromium: no console errors, the chart and tables are there, sorting
and Chinese search work. Screenshots go to tests/artifacts/ for a human to look at."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import build, example_workspace

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_folder(site: Path) -> Iterator[str]:
    """Serve `site` over HTTP on a free local port; yield its URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    yield from serve_folder(site)


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright, with the flags a closed network needs."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is not installed: run `bash .ci/setup test` (it installs Debian's chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


def open_page(browser: Browser, url: str, errors: list[str], inside: str = "http://127.0.0.1") -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: errors.append(f"outside request {r.url}") if not r.url.startswith((inside, "data:")) else None,
    )
    page.goto(url, wait_until="networkidle")
    return page


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_dashboard_renders_and_sorts(browser: Browser, server: str) -> None:
    errors: list[str] = []
    page = open_page(browser, server, errors)
    shoot(page, "site-dashboard")
    rows = page.locator("table.kad-accounts tbody tr")
    assert rows.count() == 6
    names = lambda: [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]  # noqa: E731
    page.locator("table.kad-accounts th", has_text="Days since review").click()
    ascending = names()  # 3, 3, 5, 8, 34, 52 days
    assert set(ascending[:2]) == {"Kestrel Robotics", "恒锐零部件"}
    assert ascending[2:] == ["晨光日报", "海滨报业", "滨海一院", "Northwind Grid"]
    page.locator("table.kad-accounts th", has_text="Days since review").click()
    assert names()[:2] == ["Northwind Grid", "滨海一院"]
    page.locator("table.kad-accounts th", has_text="Completeness").click()  # 38%, 45%, 47%, 66%, 82%, 99%
    assert names() == ["海滨报业", "恒锐零部件", "滨海一院", "Kestrel Robotics", "Northwind Grid", "晨光日报"]
    assert errors == []


WORDS_FIT = """() => {
  const ctx = document.createElement('canvas').getContext('2d');
  const narrow = [];
  for (const cell of document.querySelectorAll('table.kad-table td, table.kad-table th')) {
    const style = getComputedStyle(cell);
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const word of cell.innerText.split(/\\s+/))
      if (/^[A-Za-z]+$/.test(word) && ctx.measureText(word).width > room + 1) narrow.push(word);
  }
  const boxes = [...document.querySelectorAll('.kad-scroll')].filter(box => box.scrollWidth > box.clientWidth);
  return {narrow, scroll: document.documentElement.scrollWidth, view: innerWidth, scrolling: boxes.length};
}"""


def test_dashboard_tables_fit_the_page_with_whole_words(browser: Browser, server: str) -> None:
    # Material lets links break anywhere: a squeezed column printed "Northwin / d Grid", and headings that
    # could not wrap pushed the last columns off the page. At 1280 px no table needs its scroll box either.
    page = open_page(browser, server, [])
    fit = page.evaluate(WORDS_FIT)
    assert fit["narrow"] == [] and fit["scroll"] <= fit["view"] and fit["scrolling"] == 0, fit


def test_account_page_has_chart_tables_and_profile(browser: Browser, server: str) -> None:
    errors: list[str] = []
    page = open_page(browser, server + "accounts/shenyang-daily/", errors)
    shoot(page, "site-account-shenyang-daily")
    chart = page.locator("svg.kad-chart")
    assert chart.count() == 1 and chart.locator("g.kad-node").count() == 5
    assert chart.bounding_box()["width"] > 300  # type: ignore[index]
    assert page.locator("table.kad-matrix").count() == 1
    assert page.locator(".kad-swot > div").count() == 4
    profile = page.locator("details.kad-profile").first
    assert not profile.locator("dl").is_visible()
    profile.locator("summary").click()
    assert profile.locator("dl").is_visible()
    assert errors == []


ATTITUDE_BORDERS = """() => {
  const chart = document.querySelector('svg.kad-chart');
  const borders = {};
  for (const attitude of ['champion', 'supporter', 'neutral', 'skeptic', 'opponent', 'unknown']) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    node.setAttribute('class', `kad-node kad-attitude-${attitude}`);
    const rect = node.appendChild(document.createElementNS('http://www.w3.org/2000/svg', 'rect'));
    chart.appendChild(node);
    const style = getComputedStyle(rect);
    borders[attitude] = `${style.strokeWidth} ${style.strokeDasharray}`;
    node.remove();
  }
  return borders;
}"""


def test_chart_tells_attitudes_apart_without_colour(browser: Browser, server: str) -> None:
    errors: list[str] = []
    page = open_page(browser, server + "accounts/shenyang-daily/", errors)
    borders = page.evaluate(ATTITUDE_BORDERS)  # the site's CSS, computed by the browser, per attitude
    assert len(set(borders.values())) == 6, borders  # a width or dash pattern of its own: survives greyscale
    said = page.eval_on_selector_all(  # SVG text: no innerText
        "svg.kad-chart g.kad-node",
        "nodes => nodes.map(n => [n.querySelector('.kad-node-name').textContent, "
        "n.querySelector('.kad-node-attitude').textContent])",
    )
    assert ["李振华", "Neutral"] in said and ["钟敏", "Supporter"] in said and len(said) == 5
    chart = page.locator("svg.kad-chart")
    assert chart.get_attribute("aria-label") == "Organization chart of 沈阳晨光日报社: 5 people"
    described = page.locator("#" + (chart.get_attribute("aria-describedby") or "none"))
    assert not described.is_visible()  # in a closed <details> under the chart, for everyone to open
    page.locator("details.kad-chart-text summary").click()
    assert described.is_visible() and "钟敏 · 副社长 · Supporter — Reports to: 李振华" in described.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)  # the chart, clear of the sticky header, to look at in grey: neutral vs supporter
    chart.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 150)")
    page.screenshot(path=str(ARTIFACTS / "site-orgchart.png"), clip=chart.bounding_box())
    Image.open(ARTIFACTS / "site-orgchart.png").convert("L").save(ARTIFACTS / "site-orgchart-grey.png")
    assert errors == []


def search(page: Page, query: str, expect: str) -> str:
    """Type `query` into the search box as an input method would; the href of the first result that has `expect`."""
    results = page.locator(".md-search-result__item", has_text=expect)
    page.locator("input.md-search__input").click()
    for _attempt in range(20):  # a query typed before the search worker has its index is dropped: retype
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.keyboard.insert_text(query)  # as an input method commits it: no key events for the characters
        page.keyboard.press("End")  # a key release, on which the search reads the box
        try:
            results.first.wait_for(timeout=1_500)
            break
        except PlaywrightTimeout:
            continue
    meta = page.locator(".md-search-result__meta").inner_text()
    value = page.locator("input.md-search__input").input_value()
    assert results.count() > 0, f"no search results for {value!r}; the search box says: {meta}"
    return results.first.locator("a").first.get_attribute("href", timeout=5_000) or ""


def test_typing_a_chinese_name_finds_the_account(browser: Browser, server: str) -> None:
    errors: list[str] = []
    page = open_page(browser, server, errors)
    first = search(page, "万国利", "万国利")
    shoot(page, "site-search-chinese")
    assert "accounts/shenyang-daily/" in first
    assert errors == []


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace's offline edition (`kadossier build --offline`), which opens from disk."""
    workspace = example_workspace(tmp_path_factory.mktemp("offline"))
    build(workspace, "--offline")
    assert not (workspace / "site").exists()  # the served site, and its URLs, are left alone
    return workspace / "site-offline"


def test_the_offline_edition_opens_from_disk(browser: Browser, offline_site: Path) -> None:
    errors: list[str] = []
    page = open_page(browser, (offline_site / "index.html").as_uri(), errors, inside="file://")
    page.locator("table.kad-accounts a", has_text="晨光日报").click()
    page.wait_for_load_state()
    assert page.url == (offline_site / "accounts" / "shenyang-daily.html").as_uri()
    assert page.locator("svg.kad-chart g.kad-node").count() == 5  # the account page itself, not a folder listing
    page.goto((offline_site / "index.html").as_uri(), wait_until="networkidle")
    first = search(page, "万国利", "万国利")
    shoot(page, "site-offline-search")
    assert first.startswith("file://") and "/accounts/shenyang-daily.html" in first
    assert errors == []
