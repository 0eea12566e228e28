"""Build and serve the wiki by running MkDocs on the workspace, as `mkdocs build` / `mkdocs serve` do.

`kadossier build` and `mkdocs build` run the same code: MkDocs loads mkdocs.yml and the kadossier plugin
runs the build's steps (kadossier.build.wiki). This module hands the plugin the command's options, skips a
build when nothing changed since the last one (kadossier.build.uptodate), adds Material's offline plugin for
`--offline`, and turns MkDocs' failures into clean `KadossierError`s. The plugin speaks the workspace's
language while MkDocs builds; the messages here are the command's, in its language.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kadossier.build import uptodate
from kadossier.errors import KadossierError
from kadossier.i18n import ntr, tr
from kadossier.site import staging
from kadossier.site.offline import offline_enabled
from kadossier.workspace.locate import Workspace
from kadossier.workspace.options import BuildOptions
from kadossier.workspace.secret import feed_secret

log = logging.getLogger("kadossier")


OFFLINE_SITE_DIR = "site-offline"
"""Where `kadossier build --offline` puts the edition that opens from disk, beside the served site."""


def _config(workspace: Workspace, *, offline: bool = False, **options: Any) -> Any:
    from mkdocs.config import load_config

    # Material prints a notice about MkDocs 2 on every build; kadossier users did not pick MkDocs themselves.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(workspace.config_file), **options)
    plugin = config.plugins.get("kadossier")
    if plugin is None:  # pragma: no cover - a workspace lists the plugin by definition
        raise KadossierError(tr("{path} does not list the kadossier plugin", path=workspace.config_file))
    if offline and not offline_enabled(config):
        from material.plugins.offline.plugin import OfflinePlugin

        offline_plugin = OfflinePlugin()
        offline_plugin.load_config({})
        config.plugins["material/offline"] = offline_plugin
    return config


@dataclass
class Built:
    """What `build_site` did: the site's folder, the PDF report (None without PDFs), and whether it built."""

    folder: Path
    report: Any = None
    up_to_date: bool = False
    """Nothing changed since the last build: the site was left as it was."""


def build_site(
    workspace: Workspace,
    options: BuildOptions,
    *,
    site_dir: Path | None = None,
    force: bool = False,
    offline: bool = False,
) -> Built:
    """Build the site (and the PDFs if the options say so), unless nothing changed since the last build.

    Invalid dossiers (and warnings with `strict`) fail the build; PDFs that cannot be made are reported
    by name after the others are built, and fail it too. Without `force`, a build whose inputs and site are
    as the last successful build left them only shows that build's warnings again (see kadossier.build.uptodate).
    `offline` builds the edition that opens from disk (Material's offline plugin: page URLs end in .html,
    search works from file://), by default into OFFLINE_SITE_DIR so that the served site's URLs stay as they are.
    """
    from mkdocs.exceptions import Abort, ConfigurationError

    overrides: dict[str, Any] = {"strict": options.strict}
    if site_dir is None and offline:
        site_dir = workspace.root / OFFLINE_SITE_DIR
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir.resolve())
    with staging.build_lock(workspace.root, tr("kadossier build of {root}", root=workspace.root)):
        try:
            config = _config(workspace, offline=offline, **overrides)
        except (Abort, ConfigurationError) as exc:
            raise KadossierError(tr("site not built: {error}", error=exc)) from None
        config.plugins["kadossier"].use(options)
        return _build(workspace, config, options, force=force)


def _build(workspace: Workspace, config: Any, options: BuildOptions, *, force: bool) -> Built:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    target = Path(config.site_dir)
    read = {**options.output_inputs(), "strict": options.strict}
    sources = [Path(config.docs_dir), workspace.dossiers_dir]
    if config.theme.custom_dir:
        sources.append(Path(config.theme.custom_dir))
    if not options.redact:  # the feeds' secret is an input too: made now, a first build is up to date the next time
        staging.check_site_dir(target, workspace.root, Path(config.docs_dir), workspace.dossiers_dir)  # not if refused
        staging.check_replaceable(target)  # (the build checks both again when it starts: `mkdocs build` too)
        feed_secret(workspace.root)
    inputs = uptodate.inputs(workspace.root, target, read, sources)  # before building: later edits count next time
    stamp = None if force else uptodate.read(workspace.root)
    if (
        stamp is not None
        and stamp.inputs == inputs
        and not (options.strict and stamp.warnings)
        and stamp.outputs == uptodate.outputs(target)
    ):
        for name, level, message in stamp.warnings:
            logging.getLogger(name).log(level, message)
        return Built(target, up_to_date=True)
    recorder = uptodate.Recorder()
    logging.getLogger("mkdocs").addHandler(recorder)
    try:
        build(config)
    except PluginError as exc:
        raise KadossierError(str(exc)) from None
    except (Abort, ConfigurationError) as exc:
        raise KadossierError(tr("site not built: {error}", error=exc)) from None
    except OSError as exc:  # MkDocs writing the pages: disk full, read-only folder
        raise staging.not_written(exc, target) from None
    finally:
        logging.getLogger("mkdocs").removeHandler(recorder)
    wiki = config.plugins["kadossier"].build
    report = wiki.pdf_report if wiki is not None else None
    if report is not None and report.failed:
        names = ", ".join(name for name, _ in report.failed)
        raise KadossierError(
            ntr(
                "{n} PDF was not made: {names}; the site in {folder} was not replaced",
                "{n} PDFs were not made: {names}; the site in {folder} was not replaced",
                len(report.failed),
                names=names,
                folder=config.site_dir,
            )
        )
    folder = Path(config.site_dir)
    try:
        uptodate.save(workspace.root, uptodate.Stamp(inputs, uptodate.outputs(folder), recorder.warnings))
    except OSError as exc:
        log.warning(
            tr(
                "the next build will not know this one: cannot write {path}: {error}",
                path=exc.filename,
                error=exc.strerror,
            )
        )
    return Built(folder, report)


def serve_site(workspace: Workspace, *, dev_addr: str | None = None, open_in_browser: bool = False) -> None:
    """Serve the site with live reload: it rebuilds when a dossier, template or mkdocs.yml changes."""
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from kadossier.site.serve import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        serve(workspace.config_file, dev_addr=dev_addr, open_in_browser=open_in_browser)
    except (PluginError, Abort, ConfigurationError) as exc:
        raise KadossierError(str(exc)) from None
