"""Every page type of the built wiki, English and Chinese, in a real headless Chromium: axe-core finds no
serious or critical violation, and no page scrolls sideways at 320 or 1280 px (wide tables and the org chart
scroll in their own box). The pages are found in the built site, so a new page type is checked without a
change here. Screenshots of the dashboard, an account and the visits go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import Browser

from .conftest import build, example_workspace, zh_reference_workspace
from .test_browser import launch_chromium, serve_folder, shoot

AXE = Path(__file__).resolve().parent / "tools" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (320, 1280)
EVERY_ONE = {"accounts"}  # folders whose pages all differ enough to check each one; of the others, one page
# Not pages to read: Material's assets, the search index and the blank page that hides the calendar feeds' folder.
NOT_PAGES = {"assets", "search", "calendars"}
SHOWN = ("", "accounts/shenyang-daily/", "visits/")  # the pages screenshot at each width

# Violations from Material's own markup that kadossier cannot change, excluded by selector (never by rule).
MATERIAL_MARKUP: list[str] = []

RUN_AXE = """async (exclude) => {
  const result = await axe.run({exclude: exclude.map(s => [s])}, {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).flatMap(v =>
    v.nodes.map(n => `${v.id} (${v.impact}) ${n.target.join(' ')}: ${n.html.replace(/\\s+/g, ' ').slice(0, 160)}`));
}"""


SPILLED = """() => [...document.querySelectorAll('.kad-table th, .kad-table td, .kad-matrix th, .kad-matrix td')]
  .filter(cell => cell.scrollWidth > cell.clientWidth + 1).length"""
"""How many table cells have content wider than themselves, drawn over their neighbours (a fixed table layout
squeezed on a phone): the page does not scroll, and yet it cannot be read."""


def page_types(site: Path) -> list[str]:
    """The site's pages by type: the top-level pages, each account, one page of every other folder of pages
    (people/…, competitor/…, briefs/…/…) and the 404 page, as paths under the site's URL."""
    chosen: dict[str, list[str]] = {}
    for index in sorted(site.rglob("index.html")):
        parts = index.relative_to(site).parent.parts
        if parts and parts[0] in NOT_PAGES:
            continue
        path = "".join(f"{part}/" for part in parts)
        kind = parts[0] if len(parts) > 1 else path
        if kind in EVERY_ONE or kind not in chosen:
            chosen.setdefault(kind, []).append(path)
    return [path for paths in chosen.values() for path in paths] + ["404.html"]


@pytest.fixture(scope="module")
def en_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(example_workspace(tmp_path_factory.mktemp("a11y-en")))


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kadossier init --language zh` with the two reference dossiers instead of the example one."""
    return build(zh_reference_workspace(tmp_path_factory.mktemp("a11y-zh") / "ws"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="module", params=["en", "zh"])
def site(request: pytest.FixtureRequest) -> Iterator[tuple[str, Path, str]]:
    """(language, built site, its URL) for each language."""
    folder: Path = request.getfixturevalue(f"{request.param}_site")
    for url in serve_folder(folder):
        yield request.param, folder, url


def test_every_page_type_is_found(site: tuple[str, Path, str]) -> None:
    _language, folder, _url = site
    pages = page_types(folder)
    expected = ["", "this-week/", "pipeline/", "visits/", "competitors/", "objections/", "red-flags/", "team/"]
    assert set(expected) <= set(pages), pages
    for folder_name in ("accounts/", "people/", "competitor/"):
        assert any(page.startswith(folder_name) for page in pages), (folder_name, pages)
    assert any(page.startswith("briefs/") for page in pages), pages  # both workspaces have a planned visit


# The palette's two schemes (the system setting chooses), and a phone, where the tables' boxes scroll and must be
# reachable by keyboard (scrollable-region-focusable) and Material shows its drawer instead of the tabs.
@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 320)])
def test_no_serious_accessibility_violation_on_any_page(
    browser: Browser, site: tuple[str, Path, str], scheme: Literal["light", "dark"], width: int
) -> None:
    _language, folder, url = site
    found: dict[str, list[str]] = {}
    for path in page_types(folder):
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page.goto(url + path, wait_until="networkidle")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(RUN_AXE, MATERIAL_MARKUP)
        if violations:
            found[path or "index"] = violations
        page.close()
    assert found == {}, "\n".join(f"{path}: {v}" for path, vs in found.items() for v in vs)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(browser: Browser, site: tuple[str, Path, str], width: int) -> None:
    language, folder, url = site
    too_wide: dict[str, int] = {}
    for path in page_types(folder):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(url + path, wait_until="networkidle")  # the tables' sort runs at load
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            too_wide[path or "index"] = scroll
        spilled = page.evaluate(SPILLED)
        if spilled:
            too_wide[f"{path or 'index'} cells"] = spilled
        if path in SHOWN:
            shoot(page, f"a11y-{language}-{path.strip('/').replace('/', '-') or 'dashboard'}-{width}")
        page.close()
    assert too_wide == {}, f"pages wider than {width} px: {too_wide}"
