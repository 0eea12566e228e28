"""Fonts for the PDFs (kadossier.pdf.fonts): locating a family, the cached subset that grows with the
characters in use and is cut again when the font files change, and the characters no font has."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from kadossier.pdf import fonts

FAMILY = "DejaVu Sans"
LINEAR_A = "\U00010600"
"""A character no installed font has."""


def test_locate_finds_the_regular_and_bold_faces() -> None:
    faces = fonts.locate(FAMILY)
    assert sorted(faces) == [400, 700]
    assert all(face.path.is_file() and face.family == FAMILY for face in faces.values())


def test_a_family_that_is_not_installed_is_a_clear_error() -> None:
    with pytest.raises(fonts.FontError, match="the PDF font 'No Such Family' is not installed"):
        fonts.locate("No Such Family")


def _cmap(path: Path) -> set[int]:
    with TTFont(path) as font:
        return set(font.getBestCmap())


def test_the_subset_is_cut_once_grows_and_is_reused(tmp_path: Path) -> None:
    cache = fonts.FontCache(tmp_path / "fonts", fonts.locate(FAMILY))
    first = cache.ensure({"é", "Ж"})
    assert len(first.files) == 2 and {ord("é"), ord("Ж"), ord("A")} <= _cmap(first.files[0])
    made = {p: p.stat().st_mtime_ns for p in first.files}

    assert fonts.FontCache(tmp_path / "fonts", fonts.locate(FAMILY)).ensure({"é"}) == first  # reused
    assert {p: p.stat().st_mtime_ns for p in first.files} == made

    grown = cache.ensure({"ß", LINEAR_A})
    assert grown.files != first.files and not any(p.exists() for p in first.files)  # the old cut is removed
    assert {ord("é"), ord("Ж"), ord("ß")} <= _cmap(grown.files[0])  # what it had, and the new
    assert LINEAR_A in grown.missing and LINEAR_A not in grown.chars
    assert cache.ensure({LINEAR_A}) == grown  # a missing character does not cut again


def test_new_font_files_are_cut_again(tmp_path: Path) -> None:
    sources = fonts.locate(FAMILY)
    first = fonts.FontCache(tmp_path / "fonts", sources).ensure({"é"})
    copies = {}
    for weight, source in sources.items():
        copy = tmp_path / f"{weight}.ttf"
        shutil.copyfile(source.path, copy)
        copies[weight] = replace(source, path=copy)
    other = fonts.FontCache(tmp_path / "fonts", copies)
    assert other.inputs() != fonts.FontCache(tmp_path / "fonts", sources).inputs()
    again = other.ensure({"é"})
    assert again.files != first.files and all(p.is_file() for p in again.files)


def test_a_damaged_manifest_cuts_again(tmp_path: Path) -> None:
    cache = fonts.FontCache(tmp_path / "fonts", fonts.locate(FAMILY))
    first = cache.ensure({"é"})
    (tmp_path / "fonts" / "dejavu-sans.json").write_text("{not json")
    assert cache.ensure({"é"}).chars == first.chars
    assert all(p.is_file() for p in cache.ensure({"é"}).files)


def test_glyph_chars_leave_out_controls_and_format_marks() -> None:
    assert fonts.glyph_chars("a\nb\u200bc\u00ad") == {"a", "b", "c"}


def test_unprintable_names_only_what_no_font_has() -> None:
    assert fonts.unprintable({"A", "中", LINEAR_A}, FAMILY) == {LINEAR_A}
