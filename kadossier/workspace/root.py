"""Where a workspace is: the nearest folder whose mkdocs.yml lists the kadossier plugin.

Only the file names and a look at the text: this module reads no settings (and so never loads MkDocs), so that
code that needs only a workspace's folder (its locks and cache, for an edit) can find it cheaply, and a command
knows the language of its messages before it reads the settings (`language_of`).
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


def language_of(config_file: Path) -> str | None:
    """The kadossier plugin's `language` option in `config_file` by a look at its text, or None if it is not
    written there (or the file cannot be read).

    The language of a command's messages is needed before the settings are read and checked, so that their
    errors, too, are in it; a look at the text works even when mkdocs.yml is not valid YAML. It finds the
    option on the plugin's line (`- kadossier: {language: zh}`) or on the lines indented below it.
    """
    try:
        lines = config_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    plugin = re.compile(rf"^([ \t-]*)['\"]?{PLUGIN}['\"]?[ \t]*:(.*)$")
    option = re.compile(r"""(?:^|[{,])[ \t]*language[ \t]*:[ \t]*['"]?([A-Za-z_-]+)['"]?[ \t]*(?:[,}#]|$)""")
    for at, line in enumerate(lines):
        found = plugin.match(line)
        if found is None:
            continue
        if (inline := option.search(found[2])) is not None:
            return inline[1]
        indent = len(found[1])
        for below in lines[at + 1 :]:
            body = below.strip()
            if not body or body.startswith("#"):
                continue
            if len(below) - len(below.lstrip(" \t")) <= indent:  # the next plugin, or the next top-level key
                break
            if (value := option.match(body)) is not None:
                return value[1]
        return None
    return None
