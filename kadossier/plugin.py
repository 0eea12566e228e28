"""The MkDocs plugin: checks the dossiers and adds the wiki's pages as generated files.

A thin adapter over the library: errors become a `PluginError`, red flags MkDocs warnings (so
`mkdocs build --strict` fails on them), and `kadossier.site` renders the pages. Nothing is written into
`docs_dir`, and the dossier files themselves are never published.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from kadossier.checks import RED_FLAGS

log = logging.getLogger("mkdocs.plugins.kadossier")

ASSETS = ["kadossier.css", "kadossier.js", "vendor/tablesort/tablesort.min.js",
          "vendor/tablesort/tablesort.number.min.js"]
ASSETS_URI = "assets/kadossier"
UNPUBLISHED = (".yaml", ".yml", ".json")


class _CurrencyCode(c.Type[str]):
    """An ISO 4217 currency code."""

    def run_validation(self, value: object) -> str:
        from kadossier.fields import currencies

        code = super().run_validation(value)
        if code not in currencies():
            raise base.ValidationError(f"'{code}' is not an ISO 4217 currency code (like CNY, EUR, USD)")
        return code


class KadossierConfig(base.Config):
    """The kadossier plugin's options in mkdocs.yml: the workspace settings."""

    dossiers_dir = c.Type(str, default="dossiers")
    """Folder, relative to mkdocs.yml, with one YAML file per account."""
    language = c.Choice(("en", "zh"), default="en")
    """Language of labels, dates and money in the site and PDFs: en or zh."""
    currency = _CurrencyCode(str, default="CNY")
    """Currency of amounts written without one (ISO 4217)."""
    warn = c.Optional(c.ListOfItems(c.Choice(tuple(RED_FLAGS))))
    """Red flags that are MkDocs warnings (so --strict fails on them); default: all. The others are logged
    as information; every red flag is shown on the site either way."""


class KadossierPlugin(BasePlugin[KadossierConfig]):
    """Check the workspace's dossiers and generate the wiki from them."""

    supports_multiple_instances = False
    today: date | None = None
    """The day the site is built as of (default: today); `kadossier --today` sets it."""

    def on_config(self, config: Any) -> Any:
        from kadossier.errors import Severity
        from kadossier.portfolio import Account
        from kadossier.validate import check_files
        from kadossier.workspace import Workspace

        self.workspace = Workspace(Path(config.config_file_path).parent, Path(config.config_file_path), self.config)
        self.as_of = self.today or date.today()
        results = check_files(self.workspace.dossier_files(), self.as_of)
        errors = [str(p) for r in results for p in r.problems if p.severity is Severity.ERROR]
        if errors:
            raise PluginError("invalid dossiers (run 'kadossier validate'):\n" + "\n".join(errors))
        warn = set(self.config.warn if self.config.warn is not None else RED_FLAGS)
        for problem in (p for r in results for p in r.problems):
            (log.warning if problem.code in warn else log.info)(str(problem))
        self.accounts = [Account(r.account, r.dossier, r.warnings) for r in results if r.dossier is not None]
        if "attr_list" not in config.markdown_extensions:
            config.markdown_extensions.append("attr_list")
        config.theme["font"] = False  # no Google Fonts: dossiers are confidential, wikis run offline
        config.extra_css.append(f"{ASSETS_URI}/kadossier.css")
        config.extra_javascript.extend(f"{ASSETS_URI}/{a}" for a in ASSETS if a.endswith(".js") and "vendor" in a)
        config.extra_javascript.append(f"{ASSETS_URI}/kadossier.js")
        if config.nav is None:
            from kadossier.present import load_labels
            from kadossier.site import OVERVIEW

            ui = load_labels(self.config.language, self.workspace.root)["ui"]
            config.nav = [{ui[label]: uri} for uri, (label, _) in OVERVIEW.items()]
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        from kadossier.present import Presenter, load_labels
        from kadossier.site import Site
        from kadossier.templating import default_templates_dir

        dossiers = self.workspace.dossiers_dir.resolve()
        for file in list(files):
            source = Path(file.abs_src_path).resolve() if file.abs_src_path else None
            if source and source.suffix in UNPUBLISHED and source.is_relative_to(dossiers):
                files.remove(file)
        labels = load_labels(self.config.language, self.workspace.root)
        presenter = Presenter(self.config.language, self.config.currency, self.as_of, labels)
        site = Site(self.accounts, presenter, self.workspace.root, config.use_directory_urls)
        for uri, markdown in site.pages().items():
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"{uri} is generated by kadossier; remove the file of that name from docs_dir")
            files.append(File.generated(config, uri, content=markdown))
        assets = default_templates_dir() / "site" / "assets"
        for asset in ASSETS:
            own = self.workspace.root / "templates" / "site" / "assets" / asset
            files.append(File.generated(config, f"{ASSETS_URI}/{asset}",
                                        abs_src_path=str(own if own.is_file() else assets / asset)))
        return files

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        from kadossier.templating import default_templates_dir

        for folder in (self.workspace.dossiers_dir, self.workspace.root / "templates", default_templates_dir()):
            if folder.is_dir():
                server.watch(str(folder))
        return server
