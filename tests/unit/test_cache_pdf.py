"""The PDF cache (kadossier.pdf.cache): an entry is reused only while it is as it was made."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kadossier.pdf.cache import INDEX, PdfCache


def _made(cache: PdfCache, key: str, content: bytes = b"%PDF-1.7 made") -> None:
    cache.path(key).write_bytes(content)
    cache.made(key)


def test_an_entry_is_intact_as_made_and_across_a_reopened_cache(tmp_path: Path) -> None:
    cache = PdfCache(tmp_path)
    assert not cache.intact("a")  # never made
    _made(cache, "a")
    assert cache.intact("a")
    cache.save(["a"])
    assert PdfCache(tmp_path).intact("a")


def test_an_entry_written_into_since_is_not_reused(tmp_path: Path) -> None:
    cache = PdfCache(tmp_path)
    _made(cache, "a")
    published = tmp_path / "site" / "a.pdf"
    cache.publish("a", published)
    with published.open("r+b") as pdf:  # a tool that edits the published PDF in place edits the entry too
        pdf.write(b"%PDF-1.7 edit")
    assert not cache.intact("a")


def test_a_restored_entry_with_the_same_content_is_reused(tmp_path: Path) -> None:
    cache = PdfCache(tmp_path / "cache")
    _made(cache, "a")
    cache.save(["a"])
    shutil.copytree(tmp_path / "cache", tmp_path / "restored")  # new inodes and times, as a CI cache restores
    os.utime(tmp_path / "restored" / "a.pdf", ns=(1, 1))
    assert PdfCache(tmp_path / "restored").intact("a")


def test_save_keeps_only_the_entries_asked_for(tmp_path: Path) -> None:
    cache = PdfCache(tmp_path)
    _made(cache, "a")
    _made(cache, "b")
    cache.save(["a"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", INDEX]
    cache.save(["a", "b"], prune=False)
    assert not PdfCache(tmp_path).intact("b")


def test_a_damaged_index_means_an_empty_cache(tmp_path: Path) -> None:
    cache = PdfCache(tmp_path)
    _made(cache, "a")
    cache.save(["a"])
    (tmp_path / INDEX).write_text('{"a.pdf": "not a record"}')
    assert not PdfCache(tmp_path).intact("a")
    (tmp_path / INDEX).write_text("[not json")
    assert not PdfCache(tmp_path).intact("a")


def test_publish_links_the_entry(tmp_path: Path) -> None:
    cache = PdfCache(tmp_path / "cache")
    _made(cache, "a")
    target = tmp_path / "site" / "pdf" / "a.pdf"
    cache.publish("a", target)
    assert target.read_bytes() == b"%PDF-1.7 made" and target.stat().st_ino == cache.path("a").stat().st_ino
