"""Word search in a real headless Chromium: a zh workspace built from the reference dossiers finds whole
names (jieba with the dictionary of the workspace's names), English words and phone numbers; an en workspace
finds Chinese names and English words. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .conftest import build, example_workspace, zh_reference_workspace
from .test_browser import launch_chromium, open_page, serve_folder, shoot

NO_RESULT = {"zh": "没有找到符合条件的结果", "en": "No matching documents"}
WAITING = ("正在初始化", "键入以开始搜索", "Initializing", "Type to start searching")


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kadossier init --language zh` with the two reference dossiers instead of the example one."""
    return build(zh_reference_workspace(tmp_path_factory.mktemp("zh") / "ws"))


@pytest.fixture(scope="module")
def zh_server(zh_site: Path) -> Iterator[str]:
    yield from serve_folder(zh_site)


@pytest.fixture(scope="module")
def en_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_folder(build(example_workspace(tmp_path_factory.mktemp("en"))))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


def ask(page: Page, query: str) -> dict[str, list[str] | str]:
    """Type `query` as an input method commits it; the result count line, the pages found, the highlighted
    words and the words shown as missing."""
    box = page.locator("input.md-search__input")
    box.click()
    meta = page.locator(".md-search-result__meta")
    for _attempt in range(20):  # a query typed before the search worker has its index is dropped: retype
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.keyboard.insert_text(query)
        page.keyboard.press("End")  # a key release, on which the search reads the box
        page.wait_for_timeout(300)
        if not meta.inner_text().startswith(WAITING):
            break
    links = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.getAttribute('href'))")
    return {
        "meta": meta.inner_text(),
        "pages": sorted({re.sub(r"^https?://[^/]+/|[?#].*$", "", link) for link in links}),
        "marks": page.eval_on_selector_all(".md-search-result mark", "els => els.map(e => e.textContent)"),
        "missing": page.eval_on_selector_all(".md-search-result del", "els => els.map(e => e.textContent)"),
    }


def pages_with(site: Path, text: str) -> list[str]:
    """The pages whose indexed text has `text` (jieba's word breaks ignored)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = {
        doc["location"].split("#")[0]
        for doc in index["docs"]
        if text in (doc["title"] + doc["text"]).replace("\u200b", "")
    }
    return sorted(found)


def test_a_chinese_name_finds_its_pages_whole(browser: Browser, zh_server: str, zh_site: Path) -> None:
    errors: list[str] = []
    page = open_page(browser, zh_server, errors)
    found = ask(page, "万国利")
    shoot(page, "search-zh-name")
    expected = pages_with(zh_site, "万国利")
    assert "accounts/shenyang-daily/" in expected and len(expected) >= 3
    assert found["pages"] == expected, found
    assert found["marks"] and set(found["marks"]) == {"万国利"}, found  # the whole name, never 万 or 万国
    assert found["missing"] == [], found
    assert errors == []


def test_a_name_nowhere_finds_nothing(browser: Browser, zh_server: str) -> None:
    page = open_page(browser, zh_server, [])
    for query in ("刘德华", "国利万"):
        found = ask(page, query)
        assert found["meta"] == NO_RESULT["zh"] and found["pages"] == [], (query, found)


def test_english_name_phone_and_short_name_are_found(browser: Browser, zh_server: str) -> None:
    page = open_page(browser, zh_server, [])
    for query, account in [
        ("Rahul Mehta", "northwind-grid"),
        ("treasury", "northwind-grid"),  # unstemmed: the query is matched as typed
        ("024-23860123", "shenyang-daily"),  # 万国利's office phone
        ("晨光日报", "shenyang-daily"),  # the short name finds the page titled with the full name
        ("Northwind Grid", "northwind-grid"),
    ]:
        found = ask(page, query)
        assert f"accounts/{account}/" in found["pages"], (query, found)
    shoot(page, "search-zh-short-name")


def test_an_english_workspace_finds_chinese_names_and_english_words(browser: Browser, en_server: str) -> None:
    errors: list[str] = []
    page = open_page(browser, en_server, errors)
    found = ask(page, "万国利")
    assert "accounts/shenyang-daily/" in found["pages"] and set(found["marks"]) == {"万国利"}, found
    found = ask(page, "treasury")
    assert "accounts/northwind-grid/" in found["pages"], found
    shoot(page, "search-en-english-word")
    assert ask(page, "刘德华")["meta"] == NO_RESULT["en"]
    assert errors == []
