"""The MkDocs plugin: declares the workspace options and checks every dossier when a site is built.

This module only translates between MkDocs and the library: problems become a `PluginError` (errors)
or MkDocs warnings (red flags, so `mkdocs build --strict` fails on them).
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

log = logging.getLogger("mkdocs.plugins.kadossier")


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


class KadossierPlugin(BasePlugin[KadossierConfig]):
    """Check the workspace's dossiers before MkDocs builds the site."""

    def on_config(self, config: Any) -> Any:
        from kadossier.errors import Severity
        from kadossier.validate import check_files
        from kadossier.workspace import Workspace

        workspace = Workspace(Path(config.config_file_path).parent, Path(config.config_file_path), self.config)
        results = check_files(workspace.dossier_files(), date.today())
        problems = [p for r in results for p in r.problems]
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors:
            raise PluginError("invalid dossiers:\n" + "\n".join(str(p) for p in errors))
        for problem in problems:
            log.warning(str(problem))
        return config
