"""One build of the wiki, step by step: what the MkDocs plugin calls at each of MkDocs' events.

1. `start` (on_config): take the workspace's build lock, refuse a site folder that is not kadossier's to
   replace, check every dossier and render its page (cached), fail on invalid dossiers, log the red flags,
   and pick the staging folder beside the site that MkDocs builds into.
2. `calendar`, `feeds` (on_files): the visits' calendar feed, and each person's feed at its secret address.
3. `finish` (on_post_build): render the PDFs, then swap the finished site in for the previous one — only if
   everything went well; otherwise the previous site stays as it was.
4. `abandon` (on_build_error): throw the staging folder away.

Red flags are logged as MkDocs warnings (for the flags the workspace warns on), so a strict build fails on them.
The build speaks the workspace's language (the plugin activates it), so the red flags on the pages, in the PDFs
and in the log are the same text.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kadossier.dossier import objections
from kadossier.dossier.companies import Companies
from kadossier.dossier.folder import refusal
from kadossier.dossier.portfolio import Account
from kadossier.dossier.roster import Roster
from kadossier.edit.scaffold import refresh_schema
from kadossier.errors import KadossierError, Severity
from kadossier.export.calendar import Calendars, calendars
from kadossier.history.digest import Digest, Rules, digest
from kadossier.history.git import History
from kadossier.history.git import read as read_history
from kadossier.history.trends import Trends
from kadossier.history.trends import compute as compute_trends
from kadossier.i18n import tr
from kadossier.render.links import PDF_DIR, account_uri
from kadossier.render.present import Presenter
from kadossier.render.repository import RepoConfig, Repository, repository
from kadossier.site import search, staging
from kadossier.site.files import page_url
from kadossier.site.generate import generate
from kadossier.site.pagecache import PageCache
from kadossier.site.pages import GeneratedPage, Site
from kadossier.utils.files import CACHE_DIR
from kadossier.utils.messages import display_path
from kadossier.workspace.locate import Workspace
from kadossier.workspace.options import BuildOptions
from kadossier.workspace.secret import feed_path, feed_secret

if TYPE_CHECKING:
    from kadossier.pdf.batch import Report

DIGEST_DAYS = 7
"""The *This week* page covers this many days, today included."""
log = logging.getLogger("mkdocs.plugins.kadossier")


@dataclass(frozen=True, slots=True)
class Folders:
    """Where MkDocs reads and writes, as mkdocs.yml (and the command line) say."""

    site_dir: Path
    docs_dir: Path
    use_directory_urls: bool
    repo: RepoConfig = field(default_factory=lambda: RepoConfig(None))
    """The repository the workspace is kept in (repo_url, edit_uri): the account pages link their files there."""


class WikiBuild:
    """One build of one workspace's wiki (and PDFs) with one set of options."""

    def __init__(self, workspace: Workspace, options: BuildOptions, *, command: str = "build", dirty: bool = False):
        self.workspace = workspace
        self.options = options
        self.serving = command == "serve"
        """A rebuild for `serve`: MkDocs builds into a temporary folder of its own, nothing is staged."""
        self.staged = command == "build" and not dirty
        """Whether the site is built beside the previous one and swapped in (not with --dirty, not gh-deploy)."""
        self.presenter = Presenter.of(options, workspace.root)
        self.pages: dict[str, GeneratedPage] = {}
        self.accounts: list[Account] = []
        self.roster = Roster()
        """Our people, as the dossiers and the workspace's roster name them."""
        self.pdf_report: Report | None = None
        """What this build did with the PDFs, once it did."""
        self.repository: Repository | None = None
        """Where the dossiers are on a forge (mkdocs.yml's repo_url), once the build started."""
        self._by_uri: dict[str, Account] = {}
        self.search_dictionary: Path | None = None
        """jieba's user dictionary of the workspace's names, for the search index (None: no Chinese name)."""
        self._segmenter: search.Segmenter | None = None
        self._site: Site | None = None
        self._made_calendars: Calendars | None = None
        self._target: Path | None = None
        self._staging: Path | None = None
        self._lock = ExitStack()

    def start(self, folders: Folders) -> Path:
        """Check the dossiers and render the pages; return the folder MkDocs is to build into."""
        root = self.workspace.root
        purpose = tr("rebuild for serve of {root}", root=root) if self.serving else tr("build of {root}", root=root)
        self._lock.enter_context(staging.build_lock(root, purpose))
        staging.check_site_dir(folders.site_dir, root, folders.docs_dir, self.workspace.dossiers_dir)
        if not self.serving:  # build, gh-deploy: MkDocs empties site_dir
            staging.check_replaceable(folders.site_dir)
        if (schema := refresh_schema(self.workspace.dossiers_dir, self.options.settings.custom_fields)) is not None:
            log.info(tr("{path}: rewrote the JSON Schema to this kadossier's format", path=display_path(schema)))
        companies, problems = self.workspace.companies()
        if problems:
            raise KadossierError(
                tr("invalid competitor profiles (run 'kadossier validate'):") + "\n" + "\n".join(map(str, problems))
            )
        self.presenter = replace(self.presenter, companies=companies)
        history = read_history(self.workspace.dossiers_dir)
        if not history.available:
            log.info(tr("no dossier history on the site: {note}", note=history.note))
        self.repository = self._repository(folders, history)
        self._site = Site(
            self.presenter,
            root,
            folders.use_directory_urls,
            pdf=self.options.pdf,
            history=history,
            trends=self._trends(history),
            redact=self.options.redact,
            people=self.options.settings.people,
            secret=None if self.options.redact else feed_secret(root),  # the redacted edition links no feed
            repository=self.repository,
        )
        self._site.digest = self._digest(history, companies)
        self._generate(self._site)
        self.search_dictionary = search.write_dictionary(root, self.accounts)
        target = folders.site_dir.resolve()  # a symlinked site_dir: its folder is replaced, the link stays
        if not self.staged:
            return folders.site_dir
        self._target, self._staging = target, staging.start(target)
        return self._staging

    def _repository(self, folders: Folders, history: History) -> Repository | None:
        """The forge the dossiers are on; paths in its links are relative to the top of the git repository (or,
        without git, to mkdocs.yml's folder)."""
        found, message = repository(folders.repo, history.root or self.workspace.root, folders.docs_dir)
        if message:
            log.warning(f"{display_path(self.workspace.config_file)}: {message}")
        return found

    def edit_url(self, uri: str) -> str | None:
        """The forge's edit page of the file a generated page comes from: an account page's dossier; None for the
        pages across accounts (no file of the repository is their source)."""
        account = self._by_uri.get(uri)
        if account is None or self.repository is None:
            return None
        return self.repository.edit_url(account.path)

    def _digest(self, history: History, companies: Companies) -> Digest:
        """What changed across the accounts in the last seven days (the *This week* page)."""
        settings, today = self.options.settings, self.options.today
        rules = Rules(settings.roster_names, settings.method, companies, settings.custom_fields)
        files = [p for p in self.workspace.dossier_files() if refusal(p) is None]
        start = today - dt.timedelta(days=DIGEST_DAYS - 1)
        return digest(history, files, today, start=start, rules=rules)

    def _trends(self, history: History) -> Trends:
        """The pipeline over time, from the history (its summaries cached beside the pages)."""
        started = time.perf_counter()
        folder = self.workspace.root / CACHE_DIR / "trends"
        trends = compute_trends(history, self.options.today, self.presenter.currency, folder)
        log.debug(f"pipeline over time: {trends.parsed} versions parsed in {time.perf_counter() - started:.2f} s")
        return trends

    def _generate(self, site: Site) -> None:
        started = time.perf_counter()
        cache = PageCache(self.workspace.root / CACHE_DIR / "site", site)
        generated = generate(self.workspace.dossier_files(), self.options.today, site, cache=cache)
        log.debug(
            f"checked {len(generated.checked)} dossiers and rendered {len(generated.pages)} pages "
            f"in {time.perf_counter() - started:.2f} s"
        )
        problems = [p for c in generated.checked for p in c.problems]
        errors = [str(p) for p in problems if p.severity is Severity.ERROR]
        if errors:
            raise KadossierError(tr("invalid dossiers (run 'kadossier validate'):") + "\n" + "\n".join(errors))
        warn = self.options.settings.warned
        for problem in problems:
            (log.warning if problem.code in warn else log.info)(str(problem))
        for clash in generated.roster.clashes:  # the fix is in mkdocs.yml: the roster (plugin option `people`)
            log.warning(f"{display_path(self.workspace.config_file)}: {clash}")
        self.pages, self.accounts, self.roster = generated.pages, generated.accounts, generated.roster
        self._by_uri = {account_uri(a.id): a for a in self.accounts}

    def calendar(self, config: Any) -> bytes:
        """The visits of every account as an iCalendar feed, linked from the visits page."""
        team = self._calendars(config).team
        assert team is not None
        return team

    def feeds(self, config: Any) -> dict[str, bytes]:
        """Each person's calendar feed, by its secret path in the site; none in the redacted edition (a
        shareable edition has no secret addresses)."""
        if self.options.redact:
            return {}
        secret = feed_secret(self.workspace.root)
        return {feed_path(secret, ident): data for ident, data in self._calendars(config).personal.items()}

    def _calendars(self, config: Any) -> Calendars:
        """The team's feed and the personal ones, made together (a visit is serialized once for all of them)."""
        if self._made_calendars is None:
            roster = None if self.options.redact else self.roster  # the redacted edition has no personal feeds
            self._made_calendars = calendars(
                self.accounts,
                self.presenter,
                timezone=self.options.settings.timezone,
                name=str(config.site_name),
                page_url=(lambda uri: str(page_url(config, uri))) if config.site_url else None,
                roster=roster,
            )
        return self._made_calendars

    def segment_search(self, config: Any) -> None:
        """Have Material's search index cut Chinese text into words with the names kept whole (and cached)."""
        cache = self.workspace.root / search.CUTS[self.options.redact]
        self._segmenter = search.segment_with_names(config, self.accounts, self.search_dictionary, cache)

    def finish(self, site_dir: Path, *, warnings: int) -> None:
        """Render the PDFs into `site_dir`, then put the site in place if all went well; `warnings` is how many
        warnings a strict build has logged (MkDocs fails it on them after this step)."""
        target = self._target or site_dir
        try:
            if self._segmenter is not None:  # the search index is written: keep its cuts for the next build
                self._segmenter.save()
            if self.options.pdf:
                self._pdfs(site_dir)
            self._publish(site_dir, warnings)
        except OSError as exc:
            self.abandon()
            raise staging.not_written(exc, target) from None
        except BaseException:
            self.abandon()
            raise
        finally:
            self._lock.close()

    def _pdfs(self, site_dir: Path) -> None:
        """Render the PDFs into site_dir/pdf/ (unchanged ones come from the cache)."""
        from kadossier.pdf import batch, render  # WeasyPrint takes a second to import: only builds with PDFs pay it

        assert self._site is not None
        history: History | None = self._site.history
        renderer = render.Renderer.for_options(
            self.presenter,
            self.workspace.root,
            self.options,
            history=history,
            blobs=self._site.blobs,
            library=objections.library(self.accounts),  # a brief shows the answers used at other accounts
            trends=self._site.trends,
        )
        try:
            report = batch.build(renderer, batch.build_jobs(self.accounts), site_dir / PDF_DIR)
        except KadossierError as exc:
            raise KadossierError(tr("PDFs not built: {error}", error=exc)) from None
        for problem in report.warnings:
            log.warning(str(problem))
        for name, message in report.failed:
            log.error(tr("PDF of '{name}' not made: {message}", name=name, message=message))
        log.info(
            tr(
                "PDFs: {rendered} rendered, {cached} unchanged (from the cache), {failed} failed, in {seconds} s",
                rendered=len(report.rendered),
                cached=len(report.cached),
                failed=len(report.failed),
                seconds=format(report.seconds, ".1f"),
            )
        )
        self.pdf_report = report

    def _publish(self, site_dir: Path, warnings: int) -> None:
        target, staged = self._target, self._staging
        if target is None or staged is None:
            if not self.serving:  # a dirty build or gh-deploy, straight into site_dir
                staging.mark(site_dir)
            return
        if self.pdf_report is not None and self.pdf_report.failed:
            log.error(tr("the previous site in {folder} is kept: not every PDF could be made", folder=target))
            self.abandon()
        elif warnings:  # MkDocs fails a strict build with warnings after this step
            log.error(
                tr("the previous site in {folder} is kept: the build had warnings, and it is strict", folder=target)
            )
            self.abandon()
        else:
            staging.swap(staged, target)
            self._target = self._staging = None

    def abandon(self) -> None:
        """Throw the staging folder away (the previous site stays as it was) and release the lock."""
        if self._staging is not None:
            staging.discard(self._staging)
        self._target = self._staging = None
        self._lock.close()
