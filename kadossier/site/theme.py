"""How the wiki sits in MkDocs' configuration: Material's settings, the default navigation, the offline edition.

kadossier adds its stylesheet and scripts, turns off Google Fonts (dossiers are confidential, wikis run
offline), gives the overview pages a navigation when mkdocs.yml has none and keeps the account pages out of
it (they are reached through tables and search, on purpose).
"""

from __future__ import annotations

from typing import Any

from kadossier.render.links import ACCOUNTS_DIR
from kadossier.site.pages import OVERVIEW

ASSETS_URI = "assets/kadossier"
"""Where kadossier's own stylesheet and scripts go in the site."""
WORKER_SHIM = "vendor/iframe-worker/shim.js"
"""Material's offline plugin loads this Web Worker shim (search from file://) from a CDN: we bundle it."""
ASSETS = [
    "kadossier.css",
    "kadossier.js",
    "vendor/tablesort/tablesort.min.js",
    "vendor/tablesort/tablesort.number.min.js",
    WORKER_SHIM,
]
"""The files of templates/site/assets/ published with every site (a workspace's own copy wins)."""


def configure(config: Any, ui_labels: dict[str, str]) -> None:
    """Adjust MkDocs' configuration for the wiki, once the pages are known."""
    config.theme["font"] = False
    config.extra_css.append(f"{ASSETS_URI}/kadossier.css")
    config.extra_javascript.extend(f"{ASSETS_URI}/{a}" for a in ASSETS if "vendor/tablesort/" in a)
    config.extra_javascript.append(f"{ASSETS_URI}/kadossier.js")
    if config.nav is None:
        config.nav = [{ui_labels[label]: uri} for uri, (label, _) in OVERVIEW.items()]
    if config.not_in_nav is None:
        from pathspec.gitignore import GitIgnoreSpec

        config.not_in_nav = GitIgnoreSpec.from_lines([f"/{ACCOUNTS_DIR}/"])


def prepare_offline(config: Any) -> None:
    """With Material's offline plugin: links to .html files, and the Web Worker shim from our assets, not a CDN.

    The offline plugin turns directory URLs off in its own on_config, which may run after ours: the account
    pages are rendered before that, so we turn them off first.
    """
    if not offline_enabled(config):
        return
    config.use_directory_urls = False
    polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in str(p)]
    config.extra["polyfills"] = [*polyfills, f"{ASSETS_URI}/{WORKER_SHIM}"]


def offline_enabled(config: Any) -> bool:
    """Whether the configuration lists Material's offline plugin, enabled, under whatever name."""
    return any(
        type(p).__module__.startswith("material.plugins.offline") and p.config.enabled for p in config.plugins.values()
    )
