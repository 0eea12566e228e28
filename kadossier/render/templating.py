"""Jinja environments over the template folders: a workspace's own `templates/` first, then the defaults.

Templates are the presentation layer. Undefined names are errors (`StrictUndefined`), HTML is
autoescaped, and text written into YAML goes through the `yaml` filter.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jinja2

from kadossier.errors import TemplateProblem
from kadossier.i18n import tr
from kadossier.utils.shipped import default_templates_dir


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


def template_problem(exc: jinja2.TemplateError) -> TemplateProblem:
    """Say where a template failed (`templates/site/account.html:5:1`) and why, for the person who edits it.

    Jinja reports a syntax error with its file and line; for an error while rendering (an undefined name), the
    traceback holds the compiled template's frames, whose lines Jinja maps back to the template's.
    """
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateProblem(
            tr("template '{name}' not found in {folders}", name=exc.name, folders=", ".join(map(str, template_dirs())))
        )
    where = None
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        where = f"{_shown(exc.filename)}:{exc.lineno}:1"
    else:  # the innermost template frame, with its line in the template
        frame = exc.__traceback__
        while frame is not None:
            names = frame.tb_frame.f_globals
            template = names.get("__jinja_template__")
            if template is not None and template.filename:
                where = f"{_shown(template.filename)}:{template.get_corresponding_lineno(frame.tb_lineno)}:1"
            elif "__jinja_exception__" in names:  # a frame Jinja rewrote already: its file and line are the template's
                where = f"{_shown(frame.tb_frame.f_code.co_filename)}:{frame.tb_lineno}:1"
            frame = frame.tb_next
    message = exc.message if isinstance(exc, jinja2.TemplateSyntaxError) and exc.message else str(exc)
    return TemplateProblem(tr("template error: {message}; fix the template", message=message), where=where)


def _shown(filename: str) -> str:
    path = Path(filename)
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
