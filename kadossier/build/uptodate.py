"""Whether `kadossier build` has anything to do: the inputs of the last build, and what it made.

After a successful build, `.kadossier-cache/build.json` records a fingerprint of everything the build
read and one of everything it wrote. The next `kadossier build` compares: when neither the inputs nor the
site changed, it says so and stops, as `make` does, instead of running MkDocs over every page again.

The inputs (`declared`, hashed by kadossier.utils.cache) are the build's options and day; kadossier's
code and the versions of the libraries it builds with; every file of the workspace (name, size, modification
time), outside hidden folders and the site itself, so mkdocs.yml, the dossiers, templates, theme overrides
and anything a configuration might read are covered; and the commit git has checked out (the pages show the
history). The output is every file of the
site folder with its size and modification time: a site that was edited or deleted is built again. The
warnings of the recorded build are shown again; with `--strict` a build that had warnings is run again
(and fails again).
"""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kadossier.utils import cache, fingerprint
from kadossier.utils.files import CACHE_DIR, write
from kadossier.utils.shipped import default_templates_dir

STAMP = "build.json"


@dataclass
class Stamp:
    """What one build read (`inputs`), what it made (`outputs`), and the warnings it gave."""

    inputs: str
    outputs: str
    warnings: list[tuple[str, int, str]] = field(default_factory=list)  # (logger, level, message)


def declared(root: Path, site_dir: Path, options: Mapping[str, Any], sources: Iterable[Path] = ()) -> cache.Inputs:
    """Everything a build of the workspace at `root` into `site_dir` reads, by name.

    `options` are the build's options that change its output (the day, strict, PDFs, redaction...);
    `sources` are folders it reads that might be hidden or outside `root` (docs_dir, the dossiers, a theme's
    custom_dir).
    """
    return {
        "options": dict(options),
        "site_dir": str(site_dir.resolve()),
        "cwd": str(Path.cwd()),  # the warnings shown again name files relative to it
        "libraries": fingerprint.libraries(),
        "default_templates": fingerprint.listing(default_templates_dir()),
        "workspace": fingerprint.listing(root, skip=[site_dir]),
        "sources": [fingerprint.listing(folder, skip=[site_dir], hidden=True) for folder in sources],
        "commit": _git_head(root),
    }


def inputs(root: Path, site_dir: Path, options: Mapping[str, Any], sources: Iterable[Path] = ()) -> str:
    """The fingerprint of everything a build reads (see `declared`)."""
    return cache.key(declared(root, site_dir, options, sources))


def outputs(site_dir: Path) -> str:
    """The fingerprint of the built site: every file's name, size and modification time."""
    return fingerprint.listing(site_dir, hidden=True)


def _git_head(root: Path) -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "no git"
    return done.stdout.strip() if done.returncode == 0 else "no commit"


def stamp_path(root: Path) -> Path:
    """Where the stamp of the last successful build is."""
    return root / CACHE_DIR / STAMP


def read(root: Path) -> Stamp | None:
    """The stamp of the last successful build, or None (none yet, or unreadable)."""
    try:
        data = json.loads(stamp_path(root).read_text(encoding="utf-8"))
        return Stamp(str(data["inputs"]), str(data["outputs"]), [tuple(w) for w in data.get("warnings", [])])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(root: Path, stamp: Stamp) -> None:
    """Record a successful build (a cache that cannot be written only costs the next build its shortcut)."""
    try:
        data = {"inputs": stamp.inputs, "outputs": stamp.outputs, "warnings": stamp.warnings}
        write(stamp_path(root), json.dumps(data, ensure_ascii=False).encode())
    except OSError:
        pass


class Recorder(logging.Handler):
    """Keeps the warnings a build logs, to show them again when a later build has nothing to do."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.warnings.append((record.name, record.levelno, record.getMessage()))
