"""A Chinese workspace's documents are Chinese: no English word on any page or PDF but the user's own data.

The workspace is made as a new user makes it (`kadossier init --language zh`), holds the normative reference
dossier `shenyang-daily.yaml`, is a git repository with the dossier committed, and is built with its PDFs.
Every HTML page's visible text (and its tooltips), every PDF's text, the calendar feed's event texts and the
tables' column headers are read back and cut into ASCII words; a word passes if the dossier itself has it
(the user wrote it: names, URLs, e-mail addresses) or it is on `ALLOWED`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from kadossier.cli import main
from tests.conftest import SHARED_REFERENCE, TODAY

REFERENCE = SHARED_REFERENCE / "shenyang-daily.yaml"

ALLOWED = frozenset(
    {
        "PDF",  # the format's name, in 客户档案（PDF）
        "SVG",
        "SWOT",  # the analysis is called so in Chinese too
        "A",  # account grades and the like are codes
        "B",
        "C",
        "CNY",
        "Material",  # the theme's name, in the footer 使用 Material for MkDocs 制作
        "for",
        "MkDocs",
        "Outlook",  # calendar products named in the calendar hint
        "Google",
        "Apple",
        "visits",  # the calendar file's name: visits.ics
        "ics",
        "U",  # a code point: U+3000
    }
)
"""ASCII words a Chinese document may show besides the user's data: names of formats, products, files, codes."""

_NOT_TEXT = {"script", "style", "template", "noscript"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SHOWN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
_CODE = re.compile(r"\b[0-9A-Za-z]*[0-9][0-9A-Za-z]*\b")
"""Tokens with a digit (revisions like 363309bbe6, dates, phone numbers): numbers, not words."""
_WORD = re.compile(r"[A-Za-z]+")


class _VisibleText(HTMLParser):
    """The text a reader sees on a page: the body's text and the tooltips, not scripts or styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.open.append(tag)
        self.parts += [value for name, value in attrs if name in _SHOWN_ATTRIBUTES and value]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts += [value for name, value in attrs if name in _SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not _NOT_TEXT.intersection(self.open):
            self.parts.append(data)


def visible_text(html: str) -> str:
    """A page's visible text, its whitespace collapsed."""
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def pdf_text(pdf: Path) -> str:
    """A PDF's text as poppler reads it, its whitespace collapsed."""
    # -layout keeps a URL cut at a line end in two pieces, which the raw mode would glue into a new word
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(out.stdout.split())


def english_words(text: str, users: frozenset[str]) -> set[str]:
    """The ASCII words of `text` that are neither the user's nor allowed."""
    return {w for w in _WORD.findall(_CODE.sub(" ", text)) if w not in users and w not in ALLOWED}


def user_words(workspace: Path) -> frozenset[str]:
    """Every ASCII word the user wrote in the dossiers (names, URLs, addresses, ids, vocabulary values), and the
    ids made from the names of our people in them (林强 is `lin-qiang` in their page's address and header)."""
    from kadossier.dossier.load import load_bytes
    from kadossier.dossier.roster import name_id

    paths = sorted((workspace / "dossiers").glob("*.yaml"))
    text = " ".join(p.read_text(encoding="utf-8") for p in paths)
    ours = []
    for path in paths:
        data = load_bytes(path.read_bytes()).data
        ours += [str(data.get("owner", "")), *map(str, data.get("team") or [])]
        ours += [str(n) for visit in data.get("visits") or [] for n in visit.get("ours") or []]
    return frozenset(_WORD.findall(text + " " + " ".join(name_id(n) for n in ours if n)))


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _git(workspace: Path, *args: str) -> None:
    identity = ["-c", "user.name=测试", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, *args], cwd=workspace, check=True, capture_output=True)


def zh_workspace(folder: Path) -> Path:
    """A workspace made by `init --language zh` holding the reference dossier, committed to git."""
    workspace = folder / "ws"
    _invoke("init", "--language", "zh", str(workspace))
    for example in (workspace / "dossiers").glob("*.yaml"):
        example.unlink()
    shutil.copy(REFERENCE, workspace / "dossiers" / REFERENCE.name)
    _git(workspace, "init", "-q")
    _git(workspace, "add", "-A")
    _git(workspace, "commit", "-q", "-m", "沈阳晨光日报社的档案")
    return workspace


def _build(workspace: Path, *options: str) -> str:
    return _invoke("-C", str(workspace), "--today", TODAY.isoformat(), "build", *options)


def page_texts(site: Path) -> dict[str, str]:
    """Every HTML page's visible text, by its path in the site."""
    return {str(p.relative_to(site)): visible_text(p.read_text(encoding="utf-8")) for p in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The zh workspace, built with its PDFs, and what the build printed."""
    workspace = zh_workspace(tmp_path_factory.mktemp("zh"))
    return workspace, _build(workspace)


def test_what_the_build_prints_is_chinese(built: tuple[Path, str]) -> None:
    workspace, output = built
    assert "：" in output  # it printed something: the red flags, located
    without_codes = re.sub(r"\[[a-z-]+\]", " ", output)  # the red flags' codes: the same in every language
    without_paths = re.sub(r"\S*[/.]\S*", " ", without_codes)  # file and folder names are the user's
    folders = {path.name for path in workspace.iterdir()}  # site/, the PDFs' folder: named by the user's config
    assert english_words(without_paths, user_words(workspace) | folders) == set()


def test_no_english_on_any_page(built: tuple[Path, str]) -> None:
    workspace, _ = built
    users = user_words(workspace)
    pages = page_texts(workspace / "site")
    assert {"index.html", "accounts/shenyang-daily/index.html", "404.html"} <= set(pages)
    assert "晨光日报" in pages["index.html"] and "决策链" in pages["accounts/shenyang-daily/index.html"]
    english = {page: words for page, text in pages.items() if (words := english_words(text, users))}
    assert english == {}


def test_no_english_in_any_pdf(built: tuple[Path, str]) -> None:
    workspace, _ = built
    users = user_words(workspace)
    pdfs = sorted((workspace / "site" / "pdf").rglob("*.pdf"))
    assert len(pdfs) == 3  # the account pack and the briefs of its two planned visits
    english = {str(pdf.name): words for pdf in pdfs if (words := english_words(pdf_text(pdf), users))}
    assert english == {}


def test_calendar_and_table_headers_are_chinese(built: tuple[Path, str]) -> None:
    workspace, _ = built
    users = user_words(workspace)
    feed = (workspace / "site" / "visits.ics").read_text(encoding="utf-8")
    shown = re.findall(r"^(?:SUMMARY|DESCRIPTION|CATEGORIES|LOCATION|X-WR-CALNAME):(.*(?:\r?\n .*)*)", feed, re.M)
    texts = [re.sub(r"\r?\n ", "", t).replace("\\n", " ").replace("\\,", ",") for t in shown]
    assert any("拜访目的" in t for t in texts)
    assert english_words(" ".join(texts), users) == set()
    for table in ("accounts", "projects", "people", "visits", "competitors"):
        header = _invoke("-C", str(workspace), "export", "--format", "csv", "--table", table).splitlines()[0]
        assert english_words(header, frozenset()) == set(), table  # headers are labels, never the user's words


def test_the_scan_finds_a_planted_english_label(tmp_path: Path) -> None:
    """The scan can fail: an English label in the workspace's own zh labels shows up as English words."""
    workspace = zh_workspace(tmp_path)
    (workspace / "templates" / "labels").mkdir(parents=True)
    (workspace / "templates" / "labels" / "zh.yaml").write_text("ui:\n  pipeline: Sales pipeline\n", "utf-8")
    _build(workspace, "--no-pdf")
    pages = page_texts(workspace / "site")
    found = english_words(pages["pipeline/index.html"], user_words(workspace))
    assert found == {"Sales", "pipeline"}
