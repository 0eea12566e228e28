"""Every cached artefact is made again when any input it declares changes.

For the account page (kadossier.site.pagecache), the PDF (kadossier.pdf.render) and the up-to-date stamp
(kadossier.build.uptodate), each declared input has a perturbation below that changes it for real (a file
edited, a commit, another day, option or template...). A declared input without a perturbation fails
`test_every_declared_input_is_perturbed`, so adding an input means adding its test.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from kadossier.build import uptodate
from kadossier.dossier import objections
from kadossier.dossier.companies import Companies
from kadossier.dossier.custom import NO_FIELDS, read_custom_fields
from kadossier.dossier.method import Method
from kadossier.dossier.parts import CompanyProfile
from kadossier.dossier.portfolio import Account
from kadossier.dossier.roster import RosterEntry
from kadossier.dossier.validate import check_file
from kadossier.history.git import read as read_history
from kadossier.history.trends import compute as compute_trends
from kadossier.pdf.cache import PdfCache
from kadossier.pdf.render import Job, Renderer
from kadossier.render.present import Presenter, load_labels
from kadossier.render.repository import GITHUB, Repository
from kadossier.site.generate import generate
from kadossier.site.pagecache import PageCache
from kadossier.site.pages import Site
from kadossier.utils import cache, fingerprint
from kadossier.utils.shipped import default_templates_dir
from tests.conftest import EXAMPLES, TODAY

ACCOUNT = "shenyang-daily"
"""An example account with done and planned visits."""


@dataclass
class Setup:
    """A workspace in git with one dossier, and the options a build of it has."""

    root: Path
    cache_dir: Path
    options: dict[str, Any] = field(
        default_factory=lambda: {
            "language": "en",
            "currency": "CNY",
            "today": TODAY,
            "redact": False,
            "people": (),
            "pdf": False,
            "use_directory_urls": True,
            "font": "Noto Sans CJK SC",
            "marking": None,
            "kind": "pack",
            "account": ACCOUNT,
        }
    )
    font_sources: dict[int, Any] | None = None
    restore: list[Callable[[], None]] = field(default_factory=list)
    """What to put back after the test (files outside the test's folder that a perturbation touched)."""

    @property
    def dossier(self) -> Path:
        return self.root / "dossiers" / f"{self.options['account']}.yaml"

    def presenter(self) -> Presenter:
        o = self.options
        labels = load_labels(o["language"], self.root)
        return Presenter(
            o["language"],
            o["currency"],
            o["today"],
            labels,
            o.get("method", Method()),
            o.get("companies"),
            o.get("custom_fields", NO_FIELDS),
        )

    def site(self) -> Site:
        o = self.options
        history = read_history(self.root / "dossiers")
        presenter = self.presenter()
        return Site(
            presenter,
            self.root,
            o["use_directory_urls"],
            pdf=o["pdf"],
            history=history,
            redact=o["redact"],
            people=o["people"],
            repository=o.get("repository"),
        )

    def page_cache(self) -> PageCache:
        return PageCache(self.cache_dir / "site", self.site())

    def renderer(self) -> Renderer:
        o = self.options
        history = read_history(self.root / "dossiers")
        accounts = [
            Account.of(check_file(p, o["today"]), redact=o["redact"]) for p in self.root.glob("dossiers/*.yaml")
        ]
        renderer = Renderer(
            self.presenter(),
            self.root,
            font_family=o["font"],
            marking=o["marking"],
            cache_dir=self.cache_dir,
            history=history,
            trends=compute_trends(history, o["today"], o["currency"], None),
            redact=o["redact"],
            library=objections.library(accounts),
        )
        if self.font_sources is not None:
            renderer.font_sources = self.font_sources
        return renderer

    def job(self) -> Job:
        account = Account.of(check_file(self.dossier, self.options["today"]))
        visit = next(v.id for v in account.dossier.visits if v.status.value == "planned")
        return Job(account, visit if self.options["kind"] == "brief" else None)


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@x"
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    root = tmp_path / "workspace"
    (root / "dossiers").mkdir(parents=True)
    for name in (ACCOUNT, "northwind-grid"):
        shutil.copyfile(EXAMPLES / f"{name}.yaml", root / "dossiers" / f"{name}.yaml")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "dossiers")
    return Setup(root, tmp_path / "cache")


def _edit(s: Setup) -> None:
    s.dossier.write_bytes(s.dossier.read_bytes() + b"\n# edited\n")


def _pipeline_moved(s: Setup) -> None:  # a commit before the day changes the account's pipeline over time
    text = s.dossier.read_text(encoding="utf-8")
    s.dossier.write_text(text.replace("amount: 21000000", "amount: 22000000", 1), encoding="utf-8")
    day = (TODAY - dt.timedelta(days=3)).isoformat() + "T09:00:00+08:00"
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t"}
    env.update(GIT_COMMITTER_EMAIL="t@x", GIT_AUTHOR_DATE=day, GIT_COMMITTER_DATE=day)
    subprocess.run(["git", "commit", "-qam", "value"], cwd=s.root, check=True, capture_output=True, env=env)


def _new_commits(s: Setup) -> None:  # the same bytes at the end, two commits more
    original = s.dossier.read_bytes()
    _edit(s)
    git(s.root, "commit", "-qam", "edit")
    s.dossier.write_bytes(original)
    git(s.root, "commit", "-qam", "back")


def _uncommitted(s: Setup) -> None:
    git(s.root, "rm", "-q", "--cached", str(s.dossier))


def _no_history(s: Setup) -> None:
    (s.root / ".git").rename(s.root.parent / "git-elsewhere")


def _option(name: str, value: object) -> Callable[[Setup], None]:
    def perturb(s: Setup) -> None:
        s.options[name] = value

    return perturb


def _moved(s: Setup) -> None:
    s.root = s.root.rename(s.root.parent / "moved")


def _other_cwd(s: Setup) -> None:
    os.chdir(s.root / "dossiers")


def _template(part: str, name: str, text: str) -> Callable[[Setup], None]:
    def perturb(s: Setup) -> None:
        (s.root / "templates" / part).mkdir(parents=True, exist_ok=True)
        (s.root / "templates" / part / name).write_text(text, encoding="utf-8")

    return perturb


def _newer(s: Setup, path: Path) -> None:
    """Make `path` a second newer, as a new release or an edit would (put back after the test)."""
    saved = path.stat()
    os.utime(path, ns=(saved.st_atime_ns, saved.st_mtime_ns + 1_000_000_000))
    s.restore.append(lambda: os.utime(path, ns=(saved.st_atime_ns, saved.st_mtime_ns)))


def _libraries(s: Setup) -> None:
    """kadossier's own code changes (a file of the package is newer): the library fingerprint changes."""
    _newer(s, Path(fingerprint.__file__).parent.parent / "__init__.py")
    fingerprint.libraries.cache_clear()  # looked up once per process: a new version is a new process


def _default_templates(s: Setup) -> None:
    """kadossier's own templates change."""
    _newer(s, default_templates_dir() / "site" / "account.html")


def _font_files(s: Setup) -> None:
    """The font files are other ones (a copy, newer): the fonts are cut again, the PDFs rendered again."""
    sources = s.renderer().font_sources
    copies = {}
    for weight, source in sources.items():
        copy = s.cache_dir.parent / f"font-{weight}{source.path.suffix}"
        shutil.copyfile(source.path, copy)
        copies[weight] = replace(source, path=copy)
    s.font_sources = copies


def _answer_elsewhere(s: Setup) -> None:
    """Another account answers the objection the brief's visit expects (价格比现在高): the brief shows it."""
    other = s.root / "dossiers" / "northwind-grid.yaml"
    text = other.read_text(encoding="utf-8")
    expected = "{objection: No IT capacity in 2027, response: File-based connectivity needs no ERP change}"
    assert expected in text
    other.write_text(
        text.replace(expected, "{objection: 价格比现在的高, response: 按吨纸综合成本对比}"), encoding="utf-8"
    )


ONE_FIELD = read_custom_fields({"account": {"x": {"type": "text", "label": "X"}}})[0]

LABEL = "ui:\n  dashboard: Board\n"


def _repository(setup: Setup) -> None:
    """mkdocs.yml names the repository: the headings link their lines there."""
    setup.options["repository"] = Repository("https://github.com/acme/a", GITHUB, "main", setup.root)


PAGE_PERTURBATIONS: dict[str, Callable[[Setup], None]] = {
    "dossier": _edit,
    "path": _moved,
    "commits": _new_commits,
    "uncommitted": _uncommitted,
    "history": _no_history,
    "today": _option("today", TODAY + dt.timedelta(days=1)),
    "language": _option("language", "zh"),
    "currency": _option("currency", "EUR"),
    "redact": _option("redact", True),
    "method": _option("method", Method(cold_days=10)),
    "companies": _option("companies", Companies((CompanyProfile(id="northwind-rival", name="Rival Co"),), "1")),
    "roster": _option("people", (RosterEntry("周敏", "min", former_names=("周民",)),)),
    "custom_fields": _option(
        "custom_fields", read_custom_fields({"account": {"x": {"type": "text", "label": "X"}}})[0]
    ),
    "pdf": _option("pdf", True),
    "use_directory_urls": _option("use_directory_urls", False),
    "source": _repository,
    "cwd": _other_cwd,
    "templates": _template("labels", "en.yaml", LABEL),
    "libraries": _libraries,
}
PDF_PERTURBATIONS: dict[str, Callable[[Setup], None]] = {
    "kind": _option("kind", "brief"),
    "account": _option("account", "northwind-grid"),
    "visit": _option("kind", "brief"),
    "dossier": _edit,
    "commits": _new_commits,
    "trend": _pipeline_moved,
    "uncommitted": _uncommitted,
    "revision": _uncommitted,  # the revision printed is the fingerprint, not the commit, once uncommitted
    "history": _no_history,
    "today": _option("today", TODAY + dt.timedelta(days=1)),
    "language": _option("language", "zh"),
    "currency": _option("currency", "EUR"),
    "method": _option("method", Method(complete={"A": 1, "B": 1, "C": 1})),
    "companies": _option("companies", Companies((CompanyProfile(id="northwind-rival", name="Rival Co"),), "1")),
    "redact": _option("redact", True),
    "custom_fields": _option(
        "custom_fields", read_custom_fields({"account": {"x": {"type": "text", "label": "X"}}})[0]
    ),
    "font": _option("font", "DejaVu Sans"),
    "marking": _option("marking", "Internal"),
    "font_files": _font_files,
    "templates": _template("pdf", "print.css", "body { color: black }"),
    "libraries": _libraries,
    "answers": _answer_elsewhere,
}
BRIEF_INPUTS = frozenset(["answers"])
"""Inputs only a brief has (a pack's is None whatever changes): perturbed with a brief as the job."""
STAMP_PERTURBATIONS: dict[str, Callable[[Setup], None]] = {
    "options": _option("today", TODAY + dt.timedelta(days=1)),
    "site_dir": _option("site_dir", "elsewhere"),
    "cwd": _other_cwd,
    "libraries": _libraries,
    "default_templates": _default_templates,
    "workspace": _template("site", "account.html", "x"),
    "sources": lambda s: (s.root / "docs").mkdir(),
    "commit": lambda s: git(s.root, "commit", "-q", "--allow-empty", "-m", "empty"),
}


@pytest.fixture(autouse=True)
def _restore(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(setup.root.parent)
    yield
    for undo in setup.restore:
        undo()
    fingerprint.libraries.cache_clear()


def _stamp_inputs(s: Setup) -> cache.Inputs:
    options = {"today": s.options["today"].isoformat(), "strict": False}
    site_dir = s.root / s.options.get("site_dir", "site")
    sources = [s.root / "docs", s.root / "dossiers"]
    return uptodate.declared(s.root, site_dir, options, sources)


def test_every_declared_input_is_perturbed(setup: Setup) -> None:
    assert set(setup.page_cache().inputs(setup.dossier)) == set(PAGE_PERTURBATIONS)
    assert set(setup.renderer().inputs(setup.job())) == set(PDF_PERTURBATIONS)
    assert set(_stamp_inputs(setup)) == set(STAMP_PERTURBATIONS)


@pytest.mark.parametrize("name", sorted(PAGE_PERTURBATIONS))
def test_a_changed_page_input_renders_the_page_again(setup: Setup, name: str) -> None:
    dossiers = sorted((setup.root / "dossiers").glob("*.yaml"))
    first = setup.page_cache()
    generate(dossiers, setup.options["today"], first.site, jobs=1, cache=first)
    again = setup.page_cache()
    assert setup.dossier in again.load([setup.dossier])  # unchanged: from the cache
    before = again.inputs(setup.dossier)

    PAGE_PERTURBATIONS[name](setup)
    changed = setup.page_cache()
    assert changed.inputs(setup.dossier)[name] != before[name]
    assert setup.dossier not in changed.load([setup.dossier])  # a miss: rendered again
    dossiers = sorted((setup.root / "dossiers").glob("*.yaml"))
    generate(dossiers, setup.options["today"], changed.site, jobs=1, cache=changed)
    assert (setup.cache_dir / "site" / f"{changed.key(setup.dossier)}.json").is_file()
    assert setup.dossier in setup.page_cache().load([setup.dossier])  # and cached again as it is now


@pytest.mark.parametrize("name", sorted(PDF_PERTURBATIONS))
def test_a_changed_pdf_input_renders_the_pdf_again(setup: Setup, name: str) -> None:
    if name in BRIEF_INPUTS:
        setup.options["kind"] = "brief"
    renderer = setup.renderer()
    before = renderer.inputs(setup.job())
    store = PdfCache(setup.cache_dir / "pdf")
    key = renderer.key(setup.job())
    store.path(key).write_bytes(b"%PDF- as made")  # a cached PDF, as `build` leaves it
    store.made(key)
    assert store.intact(setup.renderer().key(setup.job()))  # unchanged: published from the cache

    PDF_PERTURBATIONS[name](setup)
    changed = setup.renderer()
    assert changed.inputs(setup.job())[name] != before[name]
    assert not store.intact(changed.key(setup.job()))  # not in the cache: `build` renders it


def test_an_objection_the_brief_does_not_expect_leaves_its_key(setup: Setup) -> None:
    """An answer elsewhere to another objection than the visit's: the brief shows nothing new, and stays cached."""
    setup.options["kind"] = "brief"
    before = setup.renderer().key(setup.job())
    other = setup.root / "dossiers" / "northwind-grid.yaml"
    text = other.read_text(encoding="utf-8")
    other.write_text(
        text.replace("response: File-based connectivity", "response: Connectivity by file"), encoding="utf-8"
    )
    assert setup.renderer().key(setup.job()) == before
    other.write_text(text, encoding="utf-8")
    _answer_elsewhere(setup)
    assert setup.renderer().key(setup.job()) != before


@pytest.mark.parametrize("name", sorted(STAMP_PERTURBATIONS))
def test_a_changed_build_input_builds_again(setup: Setup, name: str) -> None:
    before = _stamp_inputs(setup)
    recorded = uptodate.Stamp(cache.key(before), "site")
    STAMP_PERTURBATIONS[name](setup)
    after = _stamp_inputs(setup)
    assert after[name] != before[name]
    assert cache.key(after) != recorded.inputs  # `kadossier build` compares these: it builds again
