"""Briefing PDFs with WeasyPrint: the account pack and the visit brief, from the print templates.

The PDFs have their own templates (`templates/pdf/`: HTML and print CSS), not the site's pages. A
`Renderer` makes one PDF's HTML with Jinja, its cache key from everything the PDF is made of (`inputs`),
and the PDF itself with WeasyPrint and the subset font its characters need (`kadossier.pdf.fonts`); a
character no font has is a warning that says where it is, and WeasyPrint's own warnings are collected
(`weasyprint_warnings`) so that `--strict` fails on them. A PDF is written to a temporary file and renamed
into place, so a failure never leaves a partial or empty file. `kadossier.pdf.batch` makes a build's PDFs
with it; `render_file` makes one for `kadossier pdf`. Rendering reads nothing but the template folders and
the font cache (`kadossier.pdf.fetch`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from kadossier.dossier.followup import FollowThrough
from kadossier.dossier.objections import Library
from kadossier.dossier.portfolio import Account
from kadossier.errors import KadossierError, PdfError, Problem, Severity
from kadossier.history.diff import Since, changed_since_last_visit, fetch_old_versions
from kadossier.history.git import History
from kadossier.history.trends import Trends
from kadossier.i18n import ntr, tr
from kadossier.pdf import fonts
from kadossier.pdf.fetch import LocalFetcher
from kadossier.render import languages
from kadossier.render.brief import GLOBALS, Preparation
from kadossier.render.charts import Charts
from kadossier.render.links import pdf_uri
from kadossier.render.present import Presenter
from kadossier.render.templating import template_dirs, template_problem
from kadossier.utils import cache, fingerprint
from kadossier.utils.files import CACHE_DIR, atomic
from kadossier.utils.messages import display_path
from kadossier.workspace.options import BuildOptions

log = logging.getLogger("kadossier.pdf")

TEMPLATES = {"pack": "pdf/pack.html", "brief": "pdf/brief.html"}
STYLESHEET = "pdf/print.css"
WARM_UP = (
    '<h1 id="x">预热 <b>Warm-up</b></h1><p>文字 <i>text</i> <a href="#x">link</a></p>'
    "<table><tr><th>表</th><td>1</td></tr></table><ul><li>项</li></ul>"
    '<div style="position: relative; height: 20px"><svg width="40" height="20"><polyline points="0,0 9,9"'
    ' stroke="#ccc"/></svg><p style="position: absolute; left: 0; top: 0">字</p></div>'
)
"""A small document that uses what the PDFs use, rendered once before the workers fork (see `warm_up`)."""
PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF/UA: a structure tree (headings, lists, tables with their headers, figures with their
alternative text) in the reading order of the HTML, and the document's language (`<html lang>`), for screen
readers and text extraction. benchmarks/pdf_tagging_bench.py measures what it costs."""
TEMPLATE_PARTS = ("pdf", "shared", "labels")
"""The template folders whose files a PDF is made of (their content is part of the cache key)."""


@dataclass(frozen=True, slots=True)
class Job:
    """One PDF to make: an account's pack, or the brief of one of its visits."""

    account: Account
    visit: str | None = None

    @property
    def kind(self) -> str:
        """pack or brief."""
        return "pack" if self.visit is None else "brief"

    @property
    def name(self) -> str:
        """How messages name the PDF: the account id, or account/visit."""
        return self.account.id if self.visit is None else f"{self.account.id}/{self.visit}"

    @property
    def uri(self) -> str:
        """Where the PDF goes in the site."""
        return pdf_uri(self.account.id, self.visit)


class Renderer:
    """Renders the PDFs of one workspace for one language, currency and day."""

    def __init__(
        self,
        presenter: Presenter,
        workspace_root: Path | None,
        *,
        font_family: str = "Noto Sans CJK SC",
        marking: str | None = None,
        cache_dir: Path | None = None,
        history: History | None = None,
        blobs: dict[tuple[str, Path], bytes | None] | None = None,
        trends: Trends | None = None,
        redact: bool = False,
        library: Library | None = None,
        timeout: float | None = 120,
        memory_limit: int | None = 2 * 2**30,
    ) -> None:
        self.presenter = presenter
        self.redact = redact
        self.library = library
        """The objection library across accounts: a brief shows the answers used elsewhere (None: none)."""
        self._since: dict[str, Since | None] = {}
        self.timeout = timeout
        """Seconds one PDF may take to render before it is stopped (None: no limit)."""
        self.memory_limit = memory_limit
        """Bytes one PDF's render may allocate (None: no limit)."""
        self.history = history
        self.blobs = blobs if blobs is not None else {}
        self.trends = trends
        """The pipeline over time (the pack shows the account's own)."""
        self.workspace_root = workspace_root
        self.font_family = font_family
        self.marking = marking if marking is not None else presenter.ui["confidential"]
        root = workspace_root if workspace_root is not None else Path.cwd()
        self.cache_dir = cache_dir if cache_dir is not None else root / CACHE_DIR
        self._style: tuple[fonts.FontSet, FontConfiguration, list[CSS]] | None = None
        self._revisions: dict[Path, str] = {}

    @classmethod
    def for_options(cls, presenter: Presenter, workspace_root: Path, options: BuildOptions, **kwargs: Any) -> Renderer:
        """A renderer for a build with these options (redaction; the settings' font, marking and limits)."""
        settings = options.settings
        return cls(
            presenter,
            workspace_root,
            font_family=settings.pdf_font,
            marking=settings.pdf_marking,
            timeout=settings.pdf_timeout,
            memory_limit=settings.pdf_memory * 2**20,
            redact=options.redact,
            **kwargs,
        )

    @cached_property
    def template_dirs(self) -> list[Path]:
        """The template folders, the workspace's own first."""
        return [folder.resolve() for folder in template_dirs(self.workspace_root)]

    @cached_property
    def font_sources(self) -> dict[int, fonts.FontSource]:
        """The installed faces of the PDF font family."""
        return fonts.locate(self.font_family)

    @cached_property
    def font_cache(self) -> fonts.FontCache:
        """The cached subset fonts."""
        return fonts.FontCache(self.cache_dir / "fonts", self.font_sources)

    @cached_property
    def fetcher(self) -> LocalFetcher:
        """The URL fetcher: template folders and the font cache only."""
        return LocalFetcher([*self.template_dirs, self.cache_dir / "fonts"])

    @cached_property
    def env(self) -> jinja2.Environment:
        """The Jinja environment of the print templates."""
        env = self.presenter.environment(self.workspace_root)
        env.filters.update(css_string=css_string, page_counter=self.page_counter)
        env.globals.update(
            pdf_font=self.font_family,
            marking=self.marking,
            account_trend=self.account_trend,
            **GLOBALS,
        )
        return env

    def account_trend(self, account: Account) -> Markup:
        """The account's open pipeline week by week, as an SVG chart in the PDF's own font ("" without history)."""
        font = f"'Kadossier Sans', {css_string(self.font_family)}, sans-serif"
        return Charts(self.presenter, font).account(self.trends, account.id)

    def page_counter(self, text: str) -> Markup:
        """Turn 'Page {page} of {pages}' into CSS content: "Page " counter(page) " of " counter(pages)."""
        parts = re.split(r"\{(pages?)\}", text)  # text, name, text, name, ..., text
        content = [f"counter({part})" if i % 2 else css_string(part) for i, part in enumerate(parts) if part]
        return Markup(" ".join(content) or '""')

    def since_last_visit(self, account: Account) -> Since | None:
        """What changed since the account's last visit: computed once for its pack and all its briefs."""
        if account.id not in self._since:
            self._since[account.id] = changed_since_last_visit(
                self.history, self.blobs, account, self.presenter.today, redact=self.redact
            )
        return self._since[account.id]

    def fetch_old_versions(self, accounts: Iterable[Account]) -> None:
        """Fetch, in one git process, the old versions that "changed since the last visit" needs and lacks.

        The site fetches them only for the accounts it renders; those it took from its page cache may
        still need a new PDF.
        """
        if self.history is not None and self.history.has_old_versions:
            fetch_old_versions(self.history, accounts, self.presenter.today, self.blobs)

    def html(self, job: Job) -> str:
        """The HTML of one PDF."""
        dossier = job.account.dossier
        visit = dossier.visit(job.visit) if job.visit is not None else None
        if job.visit is not None and visit is None:
            raise PdfError(tr("account '{account}' has no visit '{visit}'", account=job.account.id, visit=job.visit))
        context = {
            "account": job.account,
            "d": dossier,
            "visit": visit,
            "revision": self.revision(job.account.path),
            "generator": f"kadossier {_version()}",
            "since": self.since_last_visit(job.account),
            "redacted": self.redact,
            "follow": FollowThrough(dossier, self.presenter.today),
            "prep": self.preparation(job),
        }
        return languages.mark(self.env.get_template(TEMPLATES[job.kind]).render(context), self.presenter.language)

    def preparation(self, job: Job) -> Preparation | None:
        """What the brief of a job shows of its visit (None: a pack, or no such visit)."""
        account = job.account
        visit = account.dossier.visit(job.visit) if job.visit is not None else None
        if visit is None:
            return None
        return Preparation(account.dossier, visit, account.completeness, account.id, self.library)

    def inputs(self, job: Job) -> cache.Inputs:
        """Everything one PDF is made of: with the dossier, the commits its history sections show."""
        p, path, history = self.presenter, job.account.path, self.history
        return {
            "kind": job.kind,
            "account": job.account.id,
            "visit": job.visit,
            "dossier": path.read_bytes(),
            "commits": self._commits_shown(job),
            "trend": self._trend(job),
            "uncommitted": history.is_modified(path) if history is not None else None,
            "revision": self.revision(path) if history is not None else None,
            "history": history.note if history is not None else None,  # why there is no history, if none
            "today": p.today.isoformat(),
            "language": p.language,
            "currency": p.currency,
            "method": p.method.fingerprint(),  # the thresholds of red flags and completeness
            "custom_fields": p.fields.fingerprint(),  # their labels, types and order
            "companies": p.companies.source
            if p.companies is not None
            else None,  # the competitor profiles shown beside the dossier's competitors
            "redact": self.redact,
            "font": self.font_family,
            "marking": self.marking,
            "font_files": self._font_files,
            "templates": self._templates,
            "libraries": fingerprint.libraries(),
            "answers": self._answers_shown(job),
        }

    def _trend(self, job: Job) -> object:
        """The weeks and values of the account's pipeline chart, in the pack only (None: no chart)."""
        if job.kind != "pack" or self.trends is None:
            return None
        return [[d.isoformat() for d in self.trends.days], self.trends.account(job.account.id)]

    def key(self, job: Job) -> str:
        """The cache key of one PDF (see `inputs`)."""
        return cache.key(self.inputs(job))

    def _answers_shown(self, job: Job) -> list[list[Any]] | None:
        """The answers used elsewhere a brief shows, with where they come from (None: a pack shows none)."""
        prep = self.preparation(job)
        if prep is None:
            return None
        shown = []
        for objection, answers in prep.elsewhere:
            sources = [(a.text, a.sources[0]) for a in answers]  # the brief names each answer's best source
            shown.append(
                [
                    objection.objection,
                    [[t, s.account.dossier.display_name, s.visit.day.isoformat(), s.raised] for t, s in sources],
                ]
            )
        return shown

    def _commits_shown(self, job: Job) -> list[str] | None:
        """The commits "changed since the last visit" shows: the one at the last visit and those since."""
        path, history = job.account.path, self.history
        if history is None:
            return None
        last = job.account.dossier.last_visit(self.presenter.today)
        base = history.at(path, last.day) if last else None
        return [c.sha for c in ([base] if base else []) + (history.since(path, base) if last else [])]

    @cached_property
    def _font_files(self) -> list[str]:
        return [source.identity for source in self.font_sources.values()]

    @cached_property
    def _templates(self) -> str:
        return fingerprint.templates(self.template_dirs, TEMPLATE_PARTS)

    def revision(self, path: Path) -> str:
        """The dossier's revision: its last commit if the file is committed as it is, else a fingerprint."""
        if path not in self._revisions:  # asked for the pack's and every brief's key and HTML
            self._revisions[path] = self._revision(path)
        return self._revisions[path]

    def _revision(self, path: Path) -> str:
        history = self.history
        if history is not None and history.available and not history.is_modified(path):
            commit = history.last_change(path)
            if commit is not None:
                return f"{commit.short} ({self.presenter.date(commit.day)}, {commit.author})"
        fingerprint = revision(path)
        return f"{fingerprint} ({self.presenter.ui['uncommitted']})" if history and history.available else fingerprint

    def stylesheets(self, fontset: fonts.FontSet) -> tuple[FontConfiguration, list[CSS]]:
        """The PDFs' style: the fonts' @font-face rules and the print CSS, parsed once and shared by every PDF.

        Every PDF of a build has the same style (it depends on the labels, the marking and the font only), so
        it is parsed and its fonts loaded once, before the render workers fork, instead of once per PDF.
        """
        if self._style is None or self._style[0] != fontset:
            config = FontConfiguration()
            base = (self.template_dirs[0] / STYLESHEET).as_uri()
            style = self.env.get_template(STYLESHEET).render()
            sheets = [
                CSS(string=fontset.css, font_config=config, url_fetcher=self.fetcher),
                CSS(string=style, base_url=base, font_config=config, url_fetcher=self.fetcher),
            ]
            self._style = (fontset, config, sheets)
        return self._style[1], self._style[2]

    def write(self, html: str, target: Path, fontset: fonts.FontSet) -> None:
        """Render `html` to the PDF file `target`, atomically: the file appears whole or not at all."""
        config, sheets = self.stylesheets(fontset)
        document = HTML(string=html, base_url=self.template_dirs[0].as_uri() + "/", url_fetcher=self.fetcher)
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic(target) as temporary:
            document.write_pdf(temporary, stylesheets=sheets, font_config=config, pdf_variant=PDF_VARIANT)

    def warm_up(self, fontset: fonts.FontSet) -> None:
        """Parse the style, load the fonts and render a small document, before the render workers fork.

        The workers inherit all of it: the parsed stylesheets, the loaded fonts, and the caches that
        WeasyPrint and cffi fill on a first render (C type declarations, the user-agent stylesheet). Each
        worker would otherwise rebuild them for each PDF: about a fifth of a PDF's time (py-spy).
        """
        config, sheets = self.stylesheets(fontset)
        HTML(string=f'<html lang="en">{WARM_UP}</html>', url_fetcher=self.fetcher).write_pdf(
            stylesheets=sheets, font_config=config, pdf_variant=PDF_VARIANT
        )

    def unprintable(self, html: str, fontset: fonts.FontSet) -> frozenset[str]:
        """The characters of this PDF that no installed font has (the cut font's missing ones are looked up)."""
        return fonts.unprintable(fonts.glyph_chars(html) & fontset.missing, self.font_family)

    def missing_glyphs(self, pdfs: Iterable[tuple[Job, str]], fontset: fonts.FontSet) -> list[Problem]:
        """One warning for each character that no font has, per dossier, located in it and naming its PDFs."""
        where: dict[tuple[Path, str], list[str]] = {}
        for job, html in pdfs:
            for ch in self.unprintable(html, fontset):
                where.setdefault((job.account.path, ch), []).append(job.name)
        texts: dict[Path, str] = {}
        problems = []
        for (path, ch), names in sorted(where.items(), key=lambda item: (str(item[0][0]), item[0][1])):
            if path not in texts:
                texts[path] = path.read_text(encoding="utf-8", errors="replace")
            text = texts[path]
            at = text.find(ch)
            line, col = (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)) if at >= 0 else (1, 1)
            name = unicodedata.name(ch, tr("unnamed character"))
            pdfs_named = ", ".join(f"'{n}'" for n in names)
            problems.append(
                Problem(
                    display_path(path),
                    line,
                    col,
                    Severity.WARNING,
                    ntr(
                        "no PDF font has the character '{ch}' (U+{code} {name}); it prints as a box in the PDF of "
                        "{pdfs} (font '{font}', nor any installed font it falls back to)",
                        "no PDF font has the character '{ch}' (U+{code} {name}); it prints as a box in the PDFs of "
                        "{pdfs} (font '{font}', nor any installed font it falls back to)",
                        len(names),
                        ch=ch,
                        code=format(ord(ch), "04X"),
                        name=name,
                        pdfs=pdfs_named,
                        font=self.font_family,
                    ),
                    "missing-glyph",
                )
            )
        return problems


def revision(path: Path) -> str:
    """A short fingerprint of a dossier file's content: the same text, the same revision."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def css_string(value: object) -> Markup:
    """Quote text as a CSS string: quotes, backslashes, markup characters and controls are escaped, so no
    text can end the string or the style element."""
    escaped = "".join(f"\\{ord(ch):06x}" if ch in _CSS_UNSAFE or not ch.isprintable() else ch for ch in str(value))
    return Markup(f'"{escaped}"')


_CSS_UNSAFE = frozenset("\"'\\<>&")


class _Warnings(logging.Filter):
    """WeasyPrint's warnings, each message once, kept while they are logged in this process.

    The '.notdef glyph rendered' lines (one per occurrence, per PDF) for the characters that kadossier
    reports itself, once each and located in the dossier (`Renderer.missing_glyphs`), are dropped; any other
    character still shows.
    """

    def __init__(self, reported: frozenset[str]) -> None:
        super().__init__()
        self.reported = reported
        self.messages: dict[str, None] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but a .notdef line for a reported character; note the warnings."""
        args = record.args if isinstance(record.args, tuple) else ()
        if str(record.msg).startswith(".notdef glyph") and args and args[0] in self.reported:
            return False
        if record.levelno >= logging.WARNING:
            self.messages[record.getMessage()] = None
        return True


@contextmanager
def weasyprint_warnings(reported: frozenset[str] = frozenset()) -> Iterator[dict[str, None]]:
    """Collect the warnings WeasyPrint logs in this process while the block runs (see `_Warnings`)."""
    collector = _Warnings(reported)
    logger = logging.getLogger("weasyprint")
    logger.addFilter(collector)
    try:
        yield collector.messages
    finally:
        logger.removeFilter(collector)


def weasyprint_problems(renderer: Renderer, template: str, pdfs: dict[str, list[str]]) -> list[Problem]:
    """One warning for each message of WeasyPrint's, located in the template the PDFs are made with."""
    where = display_path(Path(renderer.env.get_template(template).filename or template))
    problems = []
    for message, names in pdfs.items():
        problems.append(Problem(where, 0, 0, Severity.WARNING, _weasyprint_message(message, names), "weasyprint"))
    return problems


def _weasyprint_message(message: str, names: list[str]) -> str:
    """A WeasyPrint warning (in WeasyPrint's words) and the PDFs it came from, the first five named."""
    shown = ", ".join(f"'{n}'" for n in names[:5])
    if not names:
        return tr("WeasyPrint: {message}", message=message)
    if len(names) > 5:
        return tr(
            "WeasyPrint: {message} (in the PDFs of {pdfs} and {more} more)",
            message=message,
            pdfs=shown,
            more=len(names) - 5,
        )
    return ntr(
        "WeasyPrint: {message} (in the PDF of {pdfs})",
        "WeasyPrint: {message} (in the PDFs of {pdfs})",
        len(names),
        message=message,
        pdfs=shown,
    )


def style_problems(renderer: Renderer, fontset: fonts.FontSet, reported: frozenset[str]) -> list[Problem]:
    """Parse the PDFs' style (before any render, and before the render workers fork), and report what
    WeasyPrint warns about it: a property it does not support, a syntax error."""
    with weasyprint_warnings(reported) as messages:
        renderer.stylesheets(fontset)
    return weasyprint_problems(renderer, STYLESHEET, {message: [] for message in messages})


def render_one(renderer: Renderer, job: Job, target: Path) -> list[Problem]:
    """Render one PDF to `target` (no cache); return its warnings: missing glyphs, and WeasyPrint's."""
    html = renderer.html(job)
    fontset = renderer.font_cache.ensure(fonts.glyph_chars(html))
    warnings = renderer.missing_glyphs([(job, html)], fontset)
    reported = renderer.unprintable(html, fontset)
    warnings += style_problems(renderer, fontset, reported)
    with weasyprint_warnings(reported) as messages:
        renderer.write(html, target, fontset)
    return warnings + weasyprint_problems(renderer, TEMPLATES[job.kind], {m: [job.name] for m in messages})


def describe_failure(exc: BaseException) -> str:
    """Say in one line why a PDF could not be made (a template's error says where)."""
    if isinstance(exc, FatalURLFetchingError) and exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, jinja2.TemplateError):  # a workspace's own PDF template: say where
        problem = template_problem(exc)
        return f"{problem.where}: {problem}" if problem.where else str(problem)
    return str(exc) if isinstance(exc, KadossierError | FatalURLFetchingError) else f"{type(exc).__name__}: {exc}"


def _version() -> str:
    from kadossier import __version__

    return str(__version__)


def render_file(renderer: Renderer, job: Job, output: Path) -> list[Problem]:
    """Render one PDF to `output` for `kadossier pdf`; raise `PdfError` if it cannot be made."""
    try:
        return render_one(renderer, job, output)
    except KadossierError:
        raise
    except (Exception, FatalURLFetchingError) as exc:
        raise PdfError(
            tr("PDF of '{name}' not made: {message}", name=job.name, message=describe_failure(exc))
        ) from None
