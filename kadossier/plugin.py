"""The MkDocs plugin: checks the dossiers and adds the wiki's pages as generated files.

A thin adapter over the library: errors become a `PluginError`, red flags MkDocs warnings (so
`mkdocs build --strict` fails on them), and `kadossier.site.pages` renders the pages. Nothing is written into
`docs_dir`, and the dossier files themselves are never published.
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from kadossier.build.offline import ASSETS_URI, WORKER_SHIM, prepare_offline
from kadossier.dossier.checks import RED_FLAGS
from kadossier.errors import KadossierError, UnsafeSiteDir
from kadossier.workspace.settings import KadossierConfig, Settings

log = logging.getLogger("mkdocs.plugins.kadossier")

ASSETS = [
    "kadossier.css",
    "kadossier.js",
    "vendor/tablesort/tablesort.min.js",
    "vendor/tablesort/tablesort.number.min.js",
    WORKER_SHIM,
]
CALENDAR = "visits.ics"
"""The calendar feed of every visit, at the top of the site."""


class KadossierPlugin(BasePlugin[KadossierConfig]):
    """Check the workspace's dossiers and generate the wiki from them."""

    supports_multiple_instances = False
    pages: dict[str, Any] = {}  # noqa: RUF012 - replaced, never mutated, by on_config
    today: date | None = None
    """The day the site is built as of (default: today); `kadossier --today` sets it."""
    no_pdf = False
    force_redact = False
    """Build the redacted edition whatever the `redact` option says (`kadossier build --redact`)."""
    """Skip the PDFs for this build whatever the `pdf` option says (`kadossier build --no-pdf`)."""
    pdf_report: Any = None
    """What the last build did with the PDFs (a `kadossier.pdf.render.Report`), or None."""
    command = "build"
    dirty = False
    target: Path | None = None
    """Where the site goes; the build writes into `staging` beside it, swapped in at the end."""
    staging: Path | None = None
    site_dir = ""
    """site_dir as configured, given back to MkDocs once the build is in place."""
    _lock: ExitStack | None = None
    """The workspace's build lock, held from on_config to the end of the build (each rebuild, under serve)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty

    def on_config(self, config: Any) -> Any:
        from kadossier.errors import Severity
        from kadossier.history.git import read as read_history
        from kadossier.render.links import ACCOUNTS_DIR
        from kadossier.render.present import Presenter, load_labels
        from kadossier.site.generate import generate
        from kadossier.site.pagecache import PageCache
        from kadossier.site.pages import OVERVIEW, Site
        from kadossier.utils.files import CACHE_DIR
        from kadossier.workspace.locate import Workspace

        self.workspace = Workspace(
            Path(config.config_file_path).parent, Path(config.config_file_path), Settings.from_config(self.config)
        )
        self._hold_lock()
        self._check_site_dir(config)
        prepare_offline(config)
        today = self.today or date.today()
        labels = load_labels(self.config.language, self.workspace.root)
        presenter = Presenter(self.config.language, self.config.currency, today, labels)
        self.presenter = presenter
        self.pdf_report = None
        history = read_history(self.workspace.dossiers_dir)
        if not history.available:
            log.info(f"no dossier history on the site: {history.note}")
        site = Site(
            presenter,
            self.workspace.root,
            config.use_directory_urls,
            pdf=self.builds_pdf,
            history=history,
            redact=self.redacts,
        )
        self.site = site
        started = time.perf_counter()
        cache = PageCache(self.workspace.root / CACHE_DIR / "site", site)
        generated = generate(self.workspace.dossier_files(), today, site, cache=cache)
        log.debug(
            f"checked {len(generated.checked)} dossiers and rendered {len(generated.pages)} pages "
            f"in {time.perf_counter() - started:.2f} s"
        )
        problems = [p for c in generated.checked for p in c.problems]
        errors = [str(p) for p in problems if p.severity is Severity.ERROR]
        if errors:
            raise PluginError("invalid dossiers (run 'kadossier validate'):\n" + "\n".join(errors))
        warn = set(self.config.warn if self.config.warn is not None else RED_FLAGS)
        for problem in problems:
            (log.warning if problem.code in warn else log.info)(str(problem))
        self.pages = generated.pages
        self.accounts = generated.accounts
        config.theme["font"] = False  # no Google Fonts: dossiers are confidential, wikis run offline
        config.extra_css.append(f"{ASSETS_URI}/kadossier.css")
        config.extra_javascript.extend(f"{ASSETS_URI}/{a}" for a in ASSETS if "vendor/tablesort/" in a)
        config.extra_javascript.append(f"{ASSETS_URI}/kadossier.js")
        if config.nav is None:
            config.nav = [{labels["ui"][label]: uri} for uri, (label, _) in OVERVIEW.items()]
        if config.not_in_nav is None:  # accounts are reached through tables and search, on purpose
            from pathspec.gitignore import GitIgnoreSpec

            config.not_in_nav = GitIgnoreSpec.from_lines([f"/{ACCOUNTS_DIR}/"])
        self._stage(config)
        return config

    def _hold_lock(self) -> None:
        """Take the workspace's build lock (kadossier build holds it already; the lock nests)."""
        from kadossier.site import staging

        self._release()
        self._lock = ExitStack()
        what = "rebuild for serve" if self.command == "serve" else "build"
        try:
            self._lock.enter_context(staging.build_lock(self.workspace.root, f"{what} of {self.workspace.root}"))
        except KadossierError as exc:
            raise PluginError(str(exc)) from None

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _check_site_dir(self, config: Any) -> None:
        """Refuse a site_dir that would overwrite sources or a folder kadossier did not build, before anything
        is written (under serve, MkDocs builds into a temporary folder of its own)."""
        from kadossier.site import staging

        target = Path(config.site_dir)
        try:
            staging.check_site_dir(target, self.workspace.root, Path(config.docs_dir), self.workspace.dossiers_dir)
            if self.command != "serve":  # build, gh-deploy: MkDocs empties site_dir
                staging.check_replaceable(target)
        except UnsafeSiteDir as exc:
            raise PluginError(str(exc)) from None

    def _stage(self, config: Any) -> None:
        """Build a real build into a staging folder beside the site, swapped in when all went well."""
        from kadossier.site import staging

        self.site_dir = config.site_dir
        target = Path(config.site_dir).resolve()  # a symlinked site_dir: its folder is replaced, the link stays
        self.target = self.staging = None
        if self.command == "build" and not self.dirty:
            try:
                self.target, self.staging = target, staging.start(target)
            except KadossierError as exc:
                raise PluginError(str(exc)) from None
            config.site_dir = str(self.staging)

    def on_build_error(self, *, error: Exception) -> None:
        """Throw the staging folder away: the previous site stays as it was."""
        self._discard()
        self._release()

    def _discard(self) -> None:
        from kadossier.site import staging

        if self.staging is not None:
            staging.discard(self.staging)
        self.target = self.staging = None

    def on_files(self, files: Files, config: Any) -> Files:
        from kadossier.render.templating import default_templates_dir

        for file in list(files):
            if file.abs_src_path and _in_dossiers(Path(file.abs_src_path), self.workspace.dossiers_dir):
                files.remove(file)
        for uri, page in self.pages.items():
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"{uri} is generated by kadossier; remove the file of that name from docs_dir")
            files.append(File.generated(config, uri, content=page.markdown))
        files.append(File.generated(config, CALENDAR, content=self._calendar(config)))
        assets = default_templates_dir() / "site" / "assets"
        for asset in ASSETS:
            own = self.workspace.root / "templates" / "site" / "assets" / asset
            files.append(
                File.generated(
                    config, f"{ASSETS_URI}/{asset}", abs_src_path=str(own if own.is_file() else assets / asset)
                )
            )
        return files

    def _calendar(self, config: Any) -> bytes:
        """The visits of every account as an iCalendar feed, linked from the visits page."""
        from kadossier.export.formats import calendar
        from kadossier.render.links import account_uri

        def page_url(account_id: str) -> str:
            uri = File(account_uri(account_id), None, "", config.use_directory_urls).url
            return (config.site_url or "") + uri

        return calendar(
            self.accounts,
            self.presenter,
            timezone=self.config.timezone,
            name=str(config.site_name),
            page_url=page_url if config.site_url else None,
        )

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        """Give a generated page its table of contents, and the search index its text-only body."""
        from mkdocs.structure.toc import get_toc

        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return html
        page.toc = get_toc(generated.toc_tokens())
        return str(generated.search_html)

    @event_priority(-100)  # after the search plugin has indexed the text-only body
    def on_page_context(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        """Put a generated page's full body in place before the theme renders it."""
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.content = generated.html
        return context

    @property
    def redacts(self) -> bool:
        """Whether this build is the redacted edition."""
        return bool(self.config.redact) or self.force_redact

    @property
    def builds_pdf(self) -> bool:
        """Whether this build makes the PDFs."""
        return bool(self.config.pdf) and not self.no_pdf

    @event_priority(-150)  # last, after every plugin (Material's offline plugin among them) wrote into the staging
    def on_post_build(self, config: Any) -> None:
        """Render the PDFs, then swap the finished site in for the previous one (only if all went well)."""
        from kadossier.site import staging

        target = self.target or Path(config.site_dir)
        try:
            self._pdfs(config)
            self._publish(config)
        except OSError as exc:
            self._discard()
            raise PluginError(str(staging.not_written(exc, target))) from None
        except KadossierError as exc:
            self._discard()
            raise PluginError(str(exc)) from None
        except BaseException:
            self._discard()
            raise
        finally:
            self._release()

    def _publish(self, config: Any) -> None:
        from kadossier.site import staging

        target, staged = self.target, self.staging
        if target is None or staged is None:
            if self.command != "serve":  # a dirty build or gh-deploy, straight into site_dir
                staging.mark(Path(config.site_dir))
            return
        if self.pdf_report is not None and self.pdf_report.failed:
            log.error(f"the previous site in {target} is kept: not every PDF could be made")
            self._discard()
        elif _strict_warnings(config):  # MkDocs fails a strict build with warnings after this event
            log.error(f"the previous site in {target} is kept: the build had warnings, and it is strict")
            self._discard()
        else:
            staging.swap(staged, target)
            self.target = self.staging = None
        config.site_dir = self.site_dir

    def _pdfs(self, config: Any) -> None:
        """Render the PDFs into site_dir/pdf/ (unchanged ones come from the cache)."""
        if not self.builds_pdf:
            return
        from kadossier.pdf import render as pdf
        from kadossier.render.links import PDF_DIR

        renderer = pdf.Renderer.for_options(
            self.presenter,
            self.workspace.root,
            self.config,
            history=self.site.history,
            blobs=self.site.blobs,
            redact=self.redacts,
        )
        try:
            report = pdf.build(renderer, pdf.build_jobs(self.accounts), Path(config.site_dir) / PDF_DIR)
        except KadossierError as exc:
            raise PluginError(f"PDFs not built: {exc}") from None
        for problem in report.warnings:
            log.warning(str(problem))
        for name, message in report.failed:
            log.error(f"PDF of '{name}' not made: {message}")
        log.info(
            f"PDFs: {len(report.rendered)} rendered, {len(report.cached)} unchanged (from the cache), "
            f"{len(report.failed)} failed, in {report.seconds:.1f} s"
        )
        self.pdf_report = report

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        from kadossier.render.templating import default_templates_dir
        from kadossier.site.serve import show_errors

        server = show_errors(server)  # `mkdocs serve` too: a failed rebuild shows its errors, no page hangs
        for folder in (self.workspace.dossiers_dir, self.workspace.root / "templates", default_templates_dir()):
            if folder.is_dir():
                server.watch(str(folder))
        return server


def _in_dossiers(source: Path, dossiers: Path) -> bool:
    """Whether a file MkDocs found is in the dossiers folder, or a link into it: none of those is published,
    whatever its name or where it leads (a dossier that is a link to a file elsewhere is in the folder)."""
    where = Path(os.path.abspath(source))
    return where.is_relative_to(os.path.abspath(dossiers)) or source.resolve().is_relative_to(dossiers.resolve())


def _strict_warnings(config: Any) -> int:
    """How many warnings a strict build has logged so far (MkDocs counts them to fail it after on_post_build)."""
    from mkdocs.utils import CountHandler

    if not config.strict:
        return 0
    counters = [h for h in logging.getLogger("mkdocs").handlers if isinstance(h, CountHandler)]
    return sum(count for counter in counters for _, count in counter.get_counts())
