"""The account-page cache (kadossier.site.pagecache): JSON entries that restore the check and the page exactly,
damaged or foreign entries made again, and entries no build asked for removed."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from kadossier.dossier.portfolio import Account
from kadossier.dossier.privacy import redact
from kadossier.dossier.validate import Checked, check_file
from kadossier.render.present import Presenter, load_labels
from kadossier.site.generate import generate
from kadossier.site.pagecache import PageCache, decode, encode
from kadossier.site.pages import Site
from tests.conftest import EXAMPLES, FIXTURES, TODAY, example_fields

VALID = sorted([*EXAMPLES.glob("*.yaml"), *(FIXTURES / "valid").glob("*.yaml")])


def _site(root: Path) -> Site:
    return Site(Presenter("en", "CNY", TODAY, load_labels("en", root), fields=example_fields()), root)


@pytest.mark.parametrize("redacted", [False, True], ids=["full", "redacted"])
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_an_entry_restores_the_check_and_the_page_exactly(path: Path, redacted: bool, tmp_path: Path) -> None:
    checked = check_file(path, TODAY, fields=example_fields())
    assert checked.dossier is not None
    if redacted:
        checked.dossier = redact(checked.dossier)
    page = _site(tmp_path).account_page(Account.of(checked), checked.starts)
    entry = decode(encode(checked, page), path, example_fields())
    assert entry == (checked, page)


@pytest.fixture
def built(tmp_path: Path) -> tuple[Site, PageCache, list[Path]]:
    (tmp_path / "dossiers").mkdir()
    for path in EXAMPLES.glob("*.yaml"):
        shutil.copyfile(path, tmp_path / "dossiers" / path.name)
    paths = sorted((tmp_path / "dossiers").glob("*.yaml"))
    site = _site(tmp_path)
    cache = PageCache(tmp_path / "cache", site)
    generate(paths, TODAY, site, jobs=1, cache=cache)
    return site, cache, paths


def test_a_generation_pass_stores_every_valid_account_and_the_next_takes_them(
    built: tuple[Site, PageCache, list[Path]],
) -> None:
    site, cache, paths = built
    briefs = [f"{cache.page_key(a.path, uri, site.brief_shares(uri))}.json" for uri, (a, _) in site.briefs.items()]
    assert briefs  # the examples have planned visits: each brief page has its entry beside its account's
    assert sorted(p.name for p in cache.folder.iterdir()) == sorted([f"{cache.key(p)}.json" for p in paths] + briefs)
    again = PageCache(cache.folder, _site(site.workspace_root or Path()))
    loaded = again.load(paths)
    assert set(loaded) == set(paths)
    fresh = generate(paths, TODAY, _site(site.workspace_root or Path()))
    assert [c for c, _ in loaded.values()] == fresh.checked
    assert {f"accounts/{p.stem}.md": page for p, (_, page) in loaded.items()} == {
        uri: page for uri, page in fresh.pages.items() if uri.startswith("accounts/")
    }


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'{"account": "x"}',
        b'{"account": "x", "problems": [], "page": {}, "dossier": {}}',
        pickle.dumps(("a pickle", "from an older kadossier")),
    ],
    ids=["empty", "not-json", "a-list", "no-page", "no-dossier", "pickle"],
)
def test_a_damaged_or_foreign_entry_is_made_again(built: tuple[Site, PageCache, list[Path]], content: bytes) -> None:
    site, cache, paths = built
    entry = cache.folder / f"{cache.key(paths[0])}.json"
    entry.write_bytes(content)
    assert paths[0] not in PageCache(cache.folder, site).load(paths)
    again = PageCache(cache.folder, site)
    generate(paths, TODAY, site, jobs=1, cache=again)
    assert decode(entry.read_bytes(), paths[0], example_fields()) is not None


def test_a_dossier_made_invalid_in_an_entry_is_refused(built: tuple[Site, PageCache, list[Path]]) -> None:
    _, cache, paths = built
    entry = cache.folder / f"{cache.key(paths[0])}.json"
    entry.write_bytes(entry.read_bytes().replace(b'"schema_version": 1', b'"schema_version": 99'))
    assert decode(entry.read_bytes(), paths[0]) is None  # the model checks what the entry says


def test_entries_no_build_asked_for_are_removed(built: tuple[Site, PageCache, list[Path]]) -> None:
    site, cache, paths = built
    old = {p.name for p in cache.folder.iterdir()}
    (cache.folder / "0123.pickle").write_bytes(b"from an older kadossier")
    paths[0].write_text(paths[0].read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    again = PageCache(cache.folder, site)
    generate(paths, TODAY, site, jobs=1, cache=again)
    now = {p.name for p in cache.folder.iterdir()}
    briefs = {f"{again.page_key(a.path, uri, site.brief_shares(uri))}.json" for uri, (a, _) in site.briefs.items()}
    assert now == {f"{again.key(p)}.json" for p in paths} | briefs
    edited = 1 + sum(1 for a, _ in site.briefs.values() if a.path == paths[0])  # its page and its briefs
    assert len(now - old) == edited  # the edited account's new entries; its old ones and the pickle are gone


def test_an_unwritable_cache_only_costs_the_cache(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    path = EXAMPLES / "northwind-grid.yaml"
    site = _site(tmp_path)
    generated = generate([path], TODAY, site, jobs=1, cache=PageCache(tmp_path / "cache", site))
    assert [c.account for c in generated.checked] == ["northwind-grid"]
    assert isinstance(generated.checked[0], Checked) and "accounts/northwind-grid.md" in generated.pages
