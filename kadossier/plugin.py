"""The MkDocs plugin: MkDocs' events turned into the steps of one wiki build (kadossier.build.wiki).

A thin adapter: it makes the build's options (from the plugin's settings, or those `kadossier build`
gives it), calls the build at each event, and turns kadossier's errors into MkDocs' `PluginError`. Red
flags are MkDocs warnings, so `mkdocs build --strict` fails on them. Nothing is written into `docs_dir`,
and the dossier files themselves are never published. A build speaks the workspace's language from
on_config to its end, whoever runs it (`mkdocs build` too): the site's red flags and its log are in it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler

from kadossier.errors import KadossierError
from kadossier.i18n import speaking
from kadossier.render.repository import RepoConfig
from kadossier.site import files as site_files
from kadossier.site import offline, search, theme
from kadossier.utils.shipped import default_templates_dir
from kadossier.workspace.locate import Workspace
from kadossier.workspace.options import BuildOptions
from kadossier.workspace.settings import KadossierConfig, Settings

if TYPE_CHECKING:  # imported when used: MkDocs loads the plugin even when `kadossier build` has nothing to do
    from kadossier.build.wiki import WikiBuild


class KadossierPlugin(BasePlugin[KadossierConfig]):
    """Check the workspace's dossiers and generate the wiki from them."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.build: WikiBuild | None = None
        """The build under way (or the last one)."""
        self._options: BuildOptions | None = None
        self._command, self._dirty = "build", False
        self._language = ExitStack()
        """The workspace's language, spoken from on_config to the build's end (then the previous one again)."""

    def use(self, options: BuildOptions) -> None:
        """Build with these options (`kadossier build`), not with the defaults of the plugin's settings."""
        self._options = options

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command, self._dirty = command, dirty

    def on_config(self, config: Any) -> Any:
        from kadossier.build.wiki import Folders, WikiBuild

        config_file = Path(config.config_file_path)
        settings = Settings.from_config(self.config)
        workspace = Workspace(config_file.parent, config_file, settings)
        options = self._options or BuildOptions.make(settings)
        if self.build is not None:  # serve: the previous rebuild's lock and staging, if it failed half-way
            self.build.abandon()
        self._language = ExitStack()  # afresh: serve's previous rebuild spoke in a thread of its own
        self._language.enter_context(speaking(settings.language))
        self.build = WikiBuild(workspace, options, command=self._command, dirty=self._dirty)
        offline.prepare_offline(config)
        repo = RepoConfig.of(config.repo_url, config.edit_uri, config.edit_uri_template)
        folders = Folders(Path(config.site_dir), Path(config.docs_dir), config.use_directory_urls, repo)
        with _reported(self.build):
            config.site_dir = str(self.build.start(folders))
        self._site_dir = folders.site_dir
        noindex = self.build.options.settings.noindex
        theme.configure(config, self.build.presenter.ui, noindex=noindex, edit=self.build.repository is not None)
        search.check_separator(config)
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        assert self.build is not None
        self.build.segment_search(config)  # the search plugin has made its index (in its on_config)
        with _reported(self.build):
            return site_files.add_files(
                files,
                config,
                pages=self.build.pages,
                calendar=self.build.calendar(config),
                feeds=self.build.feeds(config),
                workspace_root=self.build.workspace.root,
                dossiers_dir=self.build.workspace.dossiers_dir,
                noindex=self.build.options.settings.noindex,
            )

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        """Give a generated page its table of contents, and the search index its text-only body."""
        generated = self.build.pages.get(page.file.src_uri) if self.build else None
        if generated is None or self.build is None:
            return html
        tokens = generated.toc_tokens(self.build.presenter.language)
        page.toc = get_toc(tokens)  # type: ignore[arg-type]  # python-markdown's token dicts
        return str(generated.search_html)

    @event_priority(-100)  # after the search plugin has indexed the text-only body
    def on_page_context(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        """Put a generated page's full body in place before the theme renders it, with its edit link: an account
        page's dossier in the repository, none for the other generated pages."""
        generated = self.build.pages.get(page.file.src_uri) if self.build else None
        if generated is not None:
            page.content = generated.html
            page.edit_url = self.build.edit_url(page.file.src_uri)  # type: ignore[union-attr]  # set with pages
        return context

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        """Mark the other language's text in the theme's header (the page's title is often a dossier's name)."""
        return theme.mark_languages(output, self.build.presenter.language) if self.build else output

    def on_post_template(self, output_content: str, template_name: str, config: Any) -> str:
        """The same for the theme's own pages (404.html)."""
        return theme.mark_languages(output_content, self.build.presenter.language) if self.build else output_content

    @event_priority(-150)  # last, after every plugin (Material's offline plugin among them) wrote into the staging
    def on_post_build(self, config: Any) -> None:
        """Render the PDFs, then swap the finished site in for the previous one (only if all went well)."""
        assert self.build is not None
        try:
            with _reported(self.build):
                self.build.finish(Path(config.site_dir), warnings=_strict_warnings(config))
        finally:
            self._language.close()
        config.site_dir = str(self._site_dir)

    def on_build_error(self, *, error: Exception) -> None:
        """Throw the staging folder away: the previous site stays as it was."""
        if self.build is not None:
            self.build.abandon()
        self._language.close()

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        from kadossier.site.serve import show_errors

        server = show_errors(server)  # `mkdocs serve` too: a failed rebuild shows its errors, no page hangs
        root = Path(config.config_file_path).parent
        for folder in (root / self.config.dossiers_dir, root / "templates", default_templates_dir()):
            if folder.is_dir():
                server.watch(str(folder))
        return server


@contextmanager
def _reported(build: WikiBuild) -> Iterator[None]:
    """Turn kadossier's errors into MkDocs' (a clean message, no traceback), leaving the previous site as it was."""
    try:
        yield
    except KadossierError as exc:
        build.abandon()
        where = f"{exc.where}: " if exc.where else ""
        raise PluginError(f"{where}{exc}") from None


def _strict_warnings(config: Any) -> int:
    """How many warnings a strict build has logged so far (MkDocs counts them to fail it after on_post_build)."""
    if not config.strict:
        return 0
    counters = [h for h in logging.getLogger("mkdocs").handlers if isinstance(h, CountHandler)]
    return sum(count for counter in counters for _, count in counter.get_counts())
