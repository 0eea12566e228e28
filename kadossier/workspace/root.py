"""Where a workspace is: the nearest folder whose mkdocs.yml lists the kadossier plugin.

Only the file names and a look at the text: this module reads no settings (and so never loads MkDocs), so that
code that needs only a workspace's folder (its locks and cache, for an edit) can find it cheaply.
"""

from __future__ import annotations

import re
from pathlib import Path

PLUGIN = "kadossier"
"""The plugin's name in mkdocs.yml's `plugins:` list: what makes a folder a workspace."""
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
"""The names MkDocs looks for, in its order."""


def config_above(start: Path) -> Path | None:
    """The MkDocs configuration that lists the kadossier plugin in `start` or the nearest parent folder."""
    for here in (start, *start.parents):
        for name in CONFIG_NAMES:
            config = here / name
            if config.is_file() and lists_plugin(config):
                return config
    return None


def lists_plugin(config_file: Path) -> bool:
    """Whether `config_file` names the kadossier plugin: a quick look at its text (the settings are read by
    `kadossier.workspace.settings`)."""
    try:
        text = config_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(rf"^[ \t-]*['\"]?{PLUGIN}['\"]?[ \t]*(:|$)", text, re.MULTILINE) is not None
