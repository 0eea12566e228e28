"""The briefing PDFs, rendered for real with WeasyPrint and read back with poppler (pdftotext, pdffonts,
pdftoppm) and pypdf: text, outline, fonts, pages, metadata, the cache, the fetcher and failures."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.pdf.fetch import FetchRefused, LocalFetcher
from kadossier.pdf.render import css_string

from .conftest import ROOT, TODAY, build, http_listener

ARTIFACTS = ROOT / "tests" / "artifacts" / "pdf"
PACKS = {"shenyang-daily": ["沈阳晨光日报社", "万国利", "李振华", "辽东纸业"], "northwind-grid": ["Northwind"]}
BRIEFS = {
    "shenyang-daily/2026-11-28-workshop": ["张伟", "刘强", "化验对比报告", "价格比现在高"],
    "shenyang-daily/2026-12-08-order-fair": ["万国利"],
    "northwind-grid/2026-12-03-treasury": [],
}


def text(pdf: Path) -> str:
    return run("pdftotext", "-enc", "UTF-8", str(pdf), "-")


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def flat(value: str) -> str:
    """Text without the spaces and line breaks that pdftotext puts between CJK runs."""
    return re.sub(r"\s+", "", value)


def pdf_cli(workspace: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["-C", str(workspace), "--today", TODAY.isoformat(), "pdf", *args])


def summary(output: str) -> tuple[int, int]:
    found = re.search(r"PDFs in \S+: (\d+) rendered, (\d+) unchanged", output)
    assert found, output
    return int(found[1]), int(found[2])


def build_output(workspace: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(workspace), "--today", TODAY.isoformat(), "build", *args])
    assert result.exit_code == 0, result.output
    return result.output


# --- the example's PDFs, built with the site ---------------------------------------------------------------


def test_build_writes_a_pack_per_account_and_a_brief_per_planned_visit(site: Path) -> None:
    made = sorted(str(p.relative_to(site / "pdf")) for p in (site / "pdf").rglob("*.pdf"))
    for account in PACKS:
        assert f"{account}.pdf" in made
    for brief in BRIEFS:
        assert f"{brief}.pdf" in made
    assert "shenyang-daily/2026-11-10-first-call.pdf" not in made  # done visits get no brief
    assert all((site / "pdf" / m).stat().st_size > 10_000 for m in made)
    umask = os.umask(0)
    os.umask(umask)
    assert {(site / "pdf" / m).stat().st_mode & 0o777 for m in made} == {0o666 & ~umask}  # as open() makes files
    assert not [p for p in (site / "pdf").rglob("*") if p.name.startswith(".")]  # no temporary files


@pytest.mark.parametrize("account", PACKS)
def test_pack_text_names_and_sections(site: Path, account: str) -> None:
    content = text(site / "pdf" / f"{account}.pdf")
    for name in PACKS[account]:
        assert name in flat(content), name
    for section in ["Contents", "At a glance", "Decision chain", "Roles by level", "People", "Projects", "Red flags"]:
        assert section in content, section
    assert "Page 3 of" in content and "Confidential" in content


def test_chinese_pack_has_every_section_and_the_swot(site: Path) -> None:
    content = text(site / "pdf" / "shenyang-daily.pdf")
    for section in ["Background", "Competitors", "SWOT", "Value assessment", "Visits", "Sources", "Decision-maker"]:
        assert section in content, section
    assert "化验" in flat(content)  # SWOT and visit text


@pytest.mark.parametrize("brief", BRIEFS)
def test_brief_text(site: Path, brief: str) -> None:
    content = text(site / "pdf" / f"{brief}.pdf")
    for name in BRIEFS[brief]:
        assert name in flat(content), name
    for section in ["Visit brief", "Their attendees", "Previous visit"]:
        assert section in content, section


def test_workshop_brief_has_checklist_objections_project_and_previous_record(site: Path) -> None:
    content = flat(text(site / "pdf" / "shenyang-daily" / "2026-11-28-workshop.pdf"))
    for expected in ["Materialschecklist", "样品3卷", "Expectedobjectionsandanswers", "用停机损失折算综合成本",
                     "Questionstoask", "2027年度新闻纸框架采购", "辽东纸业", "万部长听完参数没有表态",
                     "Conversationopeners", "篮球"]:  # fmt: skip
        assert expected in content, expected


def test_outline_has_the_sections(site: Path) -> None:
    reader = pypdf.PdfReader(site / "pdf" / "shenyang-daily.pdf")

    def titles(items: list[object]) -> Iterator[str]:
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield str(item.title)  # type: ignore[attr-defined]

    found = list(titles(reader.outline))
    for section in ["At a glance", "Background", "Decision chain", "People", "Projects", "Competitors", "Visits"]:
        assert section in found
    assert "万国利 · 采购部长" in found  # people are second-level bookmarks
    assert "2027 年度新闻纸框架采购" in found


def test_page_counts_are_plausible(site: Path) -> None:
    assert 6 <= len(pypdf.PdfReader(site / "pdf" / "shenyang-daily.pdf").pages) <= 16
    assert 4 <= len(pypdf.PdfReader(site / "pdf" / "northwind-grid.pdf").pages) <= 16
    for brief in BRIEFS:
        assert 1 <= len(pypdf.PdfReader(site / "pdf" / f"{brief}.pdf").pages) <= 3, brief


def test_every_font_is_embedded_and_is_the_cached_subset(site: Path) -> None:
    for pdf in (site / "pdf").rglob("*.pdf"):
        rows = run("pdffonts", str(pdf)).splitlines()[2:]
        assert rows, pdf
        for row in rows:
            assert re.search(r"\byes\s+yes\s+yes\b", row), row  # emb, sub, uni
            assert "Kadossier-Sans" in row, row  # not a system font picked by fallback


def test_metadata(site: Path) -> None:
    reader = pypdf.PdfReader(site / "pdf" / "shenyang-daily.pdf")
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "沈阳晨光日报社 · Account pack"
    assert meta.author == "林强"
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"
    brief = pypdf.PdfReader(site / "pdf" / "shenyang-daily" / "2026-11-28-workshop.pdf").metadata
    assert brief is not None and "Visit brief" in str(brief.title)


def test_account_page_links_the_pdfs(site: Path) -> None:
    page = (site / "accounts" / "shenyang-daily" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../pdf/shenyang-daily.pdf"' in page
    assert 'href="../../pdf/shenyang-daily/2026-11-28-workshop.pdf"' in page
    assert "../../pdf/shenyang-daily/2026-11-10-first-call.pdf" not in page


def test_first_pages_as_png_for_a_human_to_look_at(site: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for pdf in sorted((site / "pdf").rglob("*.pdf")):
        stem = str(pdf.relative_to(site / "pdf").with_suffix("")).replace("/", "--")
        run("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(ARTIFACTS / stem))
        assert (ARTIFACTS / f"{stem}.png").stat().st_size > 5_000


# --- Chinese labels, the cache, failures ---------------------------------------------------------------------


def test_chinese_labels_render_without_tofu(workspace: Path) -> None:
    config = workspace / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    result = pdf_cli(workspace, "shenyang-daily", "-o", str(workspace / "pack.pdf"))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    content = flat(text(workspace / "pack.pdf"))
    for expected in ["目录", "概览", "决策链", "角色与级别", "竞争对手", "机密", "第3页，共", "万国利"]:
        assert expected in content, expected
    assert "missing-glyph" not in result.output  # type: ignore[attr-defined]


def test_rebuild_renders_only_what_changed(workspace: Path) -> None:
    first = build_output(workspace)
    assert summary(first) == (13, 0)  # 6 packs and 7 briefs (one per planned visit)
    assert "weasyprint" not in first.lower(), first  # no warnings from the renderer (the warm-up had one)
    assert "is up to date" in build_output(workspace)  # nothing changed: MkDocs is not even run
    assert summary(build_output(workspace, "--force")) == (0, 13)
    dossier = workspace / "dossiers" / "northwind-grid.yaml"
    dossier.write_text(dossier.read_text(encoding="utf-8") + "\n# a comment changes the revision\n", encoding="utf-8")
    assert summary(build_output(workspace)) == (2, 11)  # its pack and its one brief
    assert "PDFs" not in build_output(workspace, "--no-pdf")


def test_no_pdf_build_has_no_pdfs_and_no_links(workspace: Path) -> None:
    site = build(workspace)  # the helper passes --no-pdf
    assert not (site / "pdf").exists()
    assert "pdf/shenyang-daily.pdf" not in (site / "accounts" / "shenyang-daily" / "index.html").read_text("utf-8")


def test_pdf_command_errors(workspace: Path) -> None:
    result = pdf_cli(workspace, "shenyang-daily", "--visit", "2026-11-28-worksho")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "did you mean '2026-11-28-workshop'" in result.output  # type: ignore[attr-defined]
    result = pdf_cli(workspace, "shenyang-dail")
    assert result.exit_code == 2 and "did you mean 'shenyang-daily'" in result.output  # type: ignore[attr-defined]
    broken = workspace / "dossiers" / "broken.yaml"
    broken.write_text("schema_version: 1\nname: Broken\nowner: X\ngrade: Z\n", encoding="utf-8")
    result = pdf_cli(workspace, "broken", "-o", str(workspace / "broken.pdf"))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert re.search(r"broken\.yaml:4:8: error: ", result.output), result.output  # type: ignore[attr-defined]
    assert not (workspace / "broken.pdf").exists()


def test_a_character_no_font_has_is_a_located_warning(workspace: Path) -> None:
    dossier = workspace / "dossiers" / "northwind-grid.yaml"
    lines = dossier.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("name:"))
    lines[at] += " 🦜"
    dossier.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = pdf_cli(workspace, "northwind-grid", "-o", str(workspace / "n.pdf"))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    col = len(lines[at])  # the parrot is the line's last character
    assert f"northwind-grid.yaml:{at + 1}:{col}: warning: no PDF font has the character '🦜' (U+1F99C PARROT)" in (
        result.output  # type: ignore[attr-defined]
    )


def test_dossier_text_is_escaped(workspace: Path) -> None:
    dossier = workspace / "dossiers" / "northwind-grid.yaml"
    source = dossier.read_text(encoding="utf-8")
    hostile = '<b>bold</b> <img src="file:///etc/passwd"> {{ 7*7 }} </style>'
    dossier.write_text(re.sub(r"(?m)^name:.*$", "name: '" + hostile + "'", source, count=1), encoding="utf-8")
    result = pdf_cli(workspace, "northwind-grid", "-o", str(workspace / "n.pdf"))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert flat(hostile) in flat(text(workspace / "n.pdf"))


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request."""
    with http_listener() as served:
        yield served


def test_fetcher_allows_only_its_folders_and_data(tmp_path: Path, listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    (tmp_path / "ok.css").write_text("p {}", encoding="utf-8")
    (tmp_path / "link").symlink_to("/etc/passwd")
    fetcher = LocalFetcher([tmp_path])
    assert fetcher((tmp_path / "ok.css").as_uri()).read() == b"p {}"
    assert fetcher("data:text/plain,hi").read() == b"hi"
    for refused in ["file:///etc/passwd", (tmp_path / "link").as_uri(), f"{tmp_path.as_uri()}/../../etc/passwd",
                    f"{url}/x.png", "ftp://127.0.0.1/x", "file://otherhost/etc/passwd"]:  # fmt: skip
        with pytest.raises(FetchRefused):
            fetcher(refused)
    assert hits == []


def test_one_failing_account_does_not_stop_the_others(workspace: Path, listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    build_output(workspace)  # a good site first
    before = {p: p.read_bytes() for p in (workspace / "site").rglob("*") if p.is_file()}
    own = workspace / "templates" / "pdf"
    own.mkdir(parents=True)
    pack = (ROOT / "templates" / "pdf" / "pack.html").read_text(encoding="utf-8")
    trap = (
        '{% if "trap" in d.tags %}<img src="' + url + '/beacon.png">'
        '<a rel="attachment" href="file:///etc/passwd">x</a>{% endif %}</body>'
    )
    (own / "pack.html").write_text(pack.replace("</body>", trap), encoding="utf-8")
    dossier = workspace / "dossiers" / "northwind-grid.yaml"
    original = dossier.read_text(encoding="utf-8")
    dossier.write_text(original.replace("\ntags: [", "\ntags: [trap, ", 1), encoding="utf-8")
    assert "tags: [trap, " in dossier.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(workspace), "--today", TODAY.isoformat(), "build"])
    assert result.exit_code == 1, result.output
    assert "PDF of 'northwind-grid' not made: refused to fetch" in result.output
    assert "1 PDF was not made: northwind-grid; the site in" in result.output
    # the build did not succeed as a whole: the previous site is kept, byte for byte
    assert {p: p.read_bytes() for p in (workspace / "site").rglob("*") if p.is_file()} == before
    assert not [p for p in workspace.rglob("*") if p.name.endswith(".tmp") or "kadossier-staging" in p.name]
    assert hits == []
    # ... but every other PDF was made: with the dossier fixed, only its own PDFs are rendered
    dossier.write_text(original, encoding="utf-8")
    assert summary(build_output(workspace)) == (2, 11)


def test_css_string_cannot_break_out() -> None:
    assert css_string('a"b\\c</style>') == '"a\\000022b\\00005cc\\00003c/style\\00003e"'
    assert css_string("机密 · 内部") == '"机密 · 内部"'


def test_missing_font_is_a_clear_error(workspace: Path) -> None:
    config = workspace / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("currency: CNY\n", "currency: CNY\n      pdf_font: No Such Font\n"),
        encoding="utf-8",
    )
    assert "pdf_font: No Such Font" in config.read_text(encoding="utf-8")
    result = pdf_cli(workspace, "northwind-grid", "-o", str(workspace / "n.pdf"))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "the PDF font 'No Such Font' is not installed" in result.output  # type: ignore[attr-defined]
    assert shutil.which("fc-match")
