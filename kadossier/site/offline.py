"""Material's offline edition: the site that opens from disk (file://), with search that needs no server."""

from __future__ import annotations

from typing import Any

ASSETS_URI = "assets/kadossier"
"""Where kadossier's own stylesheet and scripts go in the site."""
WORKER_SHIM = "vendor/iframe-worker/shim.js"
"""Material's offline plugin loads this Web Worker shim (search from file://) from a CDN: we bundle it."""


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
