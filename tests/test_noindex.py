"""Search engines are told to keep out by default: a robots.txt refusing every crawler and a robots meta on every
page, in both languages; the plugin option `noindex: false` turns both off; a robots.txt of the workspace's own
is published as it is, and the build says so."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from kadossier.cli import main

from .conftest import TODAY, example_workspace

META = '<meta name="robots" content="noindex, nofollow">'


def _build(workspace: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["-C", str(workspace), "--today", TODAY.isoformat(), "build", "--no-pdf", *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20 and site / "404.html" in pages
    return pages


def _robots_refuse_everyone(site: Path) -> None:
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert re.search(r"(?m)^User-agent: \*\nDisallow: /$", robots), robots


def test_every_page_says_noindex_and_robots_txt_refuses_every_crawler(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    _build(workspace, "--strict")
    _robots_refuse_everyone(workspace / "site")
    for page in _pages(workspace / "site"):
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
        assert head.count(META) == 1, page


def test_a_chinese_workspace_too(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    _edit(workspace / "mkdocs.yml", "      language: en\n", "      language: zh\n")
    _edit(workspace / "mkdocs.yml", "  language: en\n", "  language: zh\n")
    _build(workspace)
    site = workspace / "site"
    assert '<html lang="zh"' in (site / "index.html").read_text(encoding="utf-8")
    _robots_refuse_everyone(site)
    for page in _pages(site):
        assert META in page.read_text(encoding="utf-8"), page


def test_noindex_false_writes_neither(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    _edit(workspace / "mkdocs.yml", "  - kadossier:\n", "  - kadossier:\n      noindex: false\n")
    _build(workspace)
    site = workspace / "site"
    assert not (site / "robots.txt").exists()
    # the feeds' folder page is there only to hide the secret folders: it keeps its own meta
    assert [p for p in _pages(site) if 'name="robots"' in p.read_text(encoding="utf-8")] == [
        site / "calendars" / "index.html"
    ]


def test_a_robots_txt_of_the_workspace_is_kept_and_the_build_says_so(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    _edit(workspace / "mkdocs.yml", "docs_dir: dossiers\n", "docs_dir: docs\n")
    (workspace / "docs").mkdir()
    own = "User-agent: *\nDisallow: /private/\n"
    (workspace / "docs" / "robots.txt").write_text(own, encoding="utf-8")
    output = _build(workspace)
    assert (workspace / "site" / "robots.txt").read_text(encoding="utf-8") == own
    said = "docs/robots.txt is published as it is, instead of kadossier's robots.txt that refuses every crawler; "
    assert said + "remove it, or set the plugin option 'noindex: false' if the wiki is public" in output
    assert META in (workspace / "site" / "index.html").read_text(encoding="utf-8")
