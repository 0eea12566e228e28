"""Jinja environments over the template folders: a workspace's own `templates/` first, then the defaults.

Templates are the presentation layer. Undefined names are errors (`StrictUndefined`), HTML is
autoescaped, and text written into YAML goes through the `yaml` filter.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2

PACKAGE_DIR = Path(__file__).resolve().parent


def default_templates_dir() -> Path:
    """The templates shipped with kadossier (inside the wheel, or at the top of a source checkout)."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"


def template_dirs(workspace_root: Path | None = None) -> list[Path]:
    """The template folders: a workspace's own `templates/` (if it has one) first, then the defaults."""
    folders = [default_templates_dir()]
    if workspace_root is not None and (workspace_root / "templates").is_dir():
        folders.insert(0, workspace_root / "templates")
    return folders


def yaml_string(value: object) -> str:
    """Quote a value as a YAML double-quoted scalar, so no text can change the file's structure."""
    return json.dumps(str(value), ensure_ascii=False)


def environment(workspace_root: Path | None = None, *, html: bool = False) -> jinja2.Environment:
    """Return an environment that finds a workspace's own templates before the defaults."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in template_dirs(workspace_root)]),
        undefined=jinja2.StrictUndefined,
        autoescape=html,
        keep_trailing_newline=True,
    )
    env.filters["yaml"] = yaml_string
    return env
