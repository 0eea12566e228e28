"""Create things from templates: a new dossier (`kadossier new`) and a new workspace (`kadossier init`).

Nothing here overwrites a file, and every dossier written is checked before it is written. What is written
is in the workspace's language: `scaffold/<name>.<language>.<ext>` where the templates have one (its comments
and placeholders), else `scaffold/<name>.<ext>`.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from datetime import date
from pathlib import Path

from pydantic import ValidationError
from pypinyin import lazy_pinyin
from slugify import slugify

from kadossier.dossier.custom import NO_FIELDS, CustomField, CustomFields
from kadossier.dossier.folder import ACCOUNT_ID, COMPANIES_SCHEMA_FILE, RESERVED_NAMES, SCHEMA_FILE, SUFFIXES
from kadossier.dossier.load import LoadError, parse
from kadossier.dossier.model import Dossier
from kadossier.dossier.schema import json_schema_text
from kadossier.errors import ScaffoldError
from kadossier.history.git import top
from kadossier.i18n import speaking, tr
from kadossier.render.templating import environment
from kadossier.utils import files

MAX_SLUG = 60


def slug_for(name: str) -> str:
    """Return a readable ASCII slug for an account name; Chinese is written in pinyin."""
    return slugify(" ".join(lazy_pinyin(name)), max_length=MAX_SLUG, word_boundary=True)


def check_slug(slug: str) -> str:
    """Return `slug` if it is a safe account id, else raise `ScaffoldError` saying why."""
    if "/" in slug or "\\" in slug or ".." in slug:
        raise ScaffoldError(tr("slug '{slug}' must not contain path separators or '..'", slug=slug))
    if not ACCOUNT_ID.fullmatch(slug):
        raise ScaffoldError(
            tr(
                "slug '{slug}' must be lowercase ASCII letters and digits joined by - or _ (like 'shenyang-daily')",
                slug=slug,
            )
        )
    if slug in RESERVED_NAMES:
        raise ScaffoldError(tr("slug '{slug}' is a reserved device name on Windows; choose another --slug", slug=slug))
    return slug


def default_owner(cwd: Path) -> str | None:
    """The git user's name, the usual owner of the dossiers they create."""
    try:
        out = subprocess.run(["git", "config", "user.name"], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return out.stdout.strip() or None


def new_dossier(
    dossiers_dir: Path,
    name: str,
    *,
    owner: str,
    slug: str | None = None,
    today: date,
    workspace_root: Path | None = None,
    language: str = "en",
    fields: CustomFields = NO_FIELDS,
) -> Path:
    """Write `<dossiers_dir>/<slug>.yaml` for a new account from the commented template of `language` (and the
    schema file, with the workspace's custom `fields`, beside it)."""
    if not name.strip():
        raise ScaffoldError(tr("the account name is empty"))
    if slug is None:
        slug = slug_for(name)
        if not slug:
            raise ScaffoldError(tr("cannot make an ASCII file name from '{name}'; pass one with --slug", name=name))
    check_slug(slug)
    path = dossiers_dir / f"{slug}.yaml"
    for existing in (path, path.with_suffix(".yml")):
        if existing.exists():
            raise ScaffoldError(tr("{path} already exists; choose another --slug", path=existing))
    template = environment(workspace_root).select_template(_in(language, "scaffold/dossier.yaml"))
    text = template.render(
        name=name,
        owner=owner,
        today=today.isoformat(),
        schema=SCHEMA_FILE,
        custom_block=_custom(fields, language, today),
    )
    _check_template_output(text)
    dossiers_dir.mkdir(parents=True, exist_ok=True)
    write_schema(dossiers_dir, fields)
    _create(path, text)
    return path


def _custom(fields: CustomFields, language: str, today: date) -> str:
    """The account's custom fields as commented lines for the scaffold (empty if the workspace declares none)."""
    declared = fields.of("account")
    if not declared:
        return ""
    with speaking(language):
        lines = ["# custom:                 # " + tr("this workspace's own fields (mkdocs.yml, custom_fields)")]
    for f in declared:
        label = " ".join(f.label(language).split())  # one line: a comment must not end early
        lines.append(f"#   {f.name}: {_example(f, today)}   # {label}")
    return "\n".join(lines) + "\n\n"


def _example(declared: CustomField, today: date) -> str:
    """A value of a custom field's type to write in the scaffold's commented line."""
    if declared.choices:
        return declared.choices[0].value
    examples = {"number": "0", "date": today.isoformat(), "money": "0", "yesno": "false", "text": '""'}
    return examples[declared.type.value]


def schema_outdated(dossiers_dir: Path, fields: CustomFields = NO_FIELDS) -> Path | None:
    """The workspace's first schema file that is there but does not describe this kadossier's format (an editor
    would then not complete the new fields); None if they are current or the workspace keeps none (the
    dossiers' schema removed on purpose). The competitor profiles' schema goes with the dossiers' one; the
    dossiers' one describes the workspace's custom `fields`."""
    if not (dossiers_dir / SCHEMA_FILE).is_file():  # absent, or something else by that name: not ours to touch
        return None
    for name, of in _SCHEMAS:
        path = dossiers_dir / name
        if name != SCHEMA_FILE and not path.exists():  # the profiles' schema is added by the next refresh, silently
            continue
        try:  # compared as JSON: an editor's reformatting is not a change of format
            if json.loads(path.read_text(encoding="utf-8")) != json.loads(json_schema_text(of, fields)):
                return path
        except (OSError, UnicodeDecodeError, ValueError):
            return path
    return None


def refresh_schema(dossiers_dir: Path, fields: CustomFields = NO_FIELDS) -> Path | None:
    """Rewrite the schema files if one is out of date; the path of the first one that was."""
    path = schema_outdated(dossiers_dir, fields)
    missing = (dossiers_dir / SCHEMA_FILE).is_file() and not (dossiers_dir / COMPANIES_SCHEMA_FILE).exists()
    if path is not None or missing:
        write_schema(dossiers_dir, fields)
    return path


def write_schema(dossiers_dir: Path, fields: CustomFields = NO_FIELDS) -> Path:
    """Write or refresh the JSON Schemas beside the dossiers, where editors find them (the dossiers', and the
    competitor profiles'); return the dossiers' one."""
    for name, of in _SCHEMAS:
        path = dossiers_dir / name
        text = json_schema_text(of, fields)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            files.write(path, text.encode("utf-8"))  # whole or not at all: editors read it while it changes
    return dossiers_dir / SCHEMA_FILE


_SCHEMAS = ((SCHEMA_FILE, "dossier"), (COMPANIES_SCHEMA_FILE, "competitors"))
"""The schema files kadossier keeps beside the dossiers, and what each describes."""


def init_workspace(root: Path, *, language: str, currency: str, site_name: str, owner: str, today: date) -> list[Path]:
    """Create a workspace in `root`: mkdocs.yml, .gitignore and dossiers/ with one example; return what was written.

    All or nothing: what is already there is never changed (an existing .gitignore is kept; a dossiers folder
    that holds dossiers already gets no example), and if a step fails, the files this call created are removed.
    """
    config = root / "mkdocs.yml"
    for existing in (config, root / "mkdocs.yaml"):
        if existing.exists() or existing.is_symlink():
            raise ScaffoldError(tr("{path} already exists: {root} is a workspace already", path=existing, root=root))
    if root.exists() and not root.is_dir():
        raise ScaffoldError(tr("{path} is a file, not a folder", path=root))
    dossiers = root / "dossiers"
    if dossiers.exists() and not dossiers.is_dir():
        raise ScaffoldError(
            tr("{path} is a file; a workspace keeps its dossiers in a folder of that name", path=dossiers)
        )
    has_dossiers = dossiers.is_dir() and any(p.suffix in SUFFIXES for p in dossiers.iterdir())
    env = environment()
    written: list[Path] = []
    folders = [folder for folder in (dossiers, root, *root.parents) if not folder.exists()]
    try:
        root.mkdir(parents=True, exist_ok=True)
        rendered = env.select_template(_in(language, "scaffold/mkdocs.yml")).render(
            site_name=site_name, language=language, currency=currency, dossiers_path=_in_repository(dossiers)
        )
        _create(config, rendered)
        written.append(config)
        gitignore = root / ".gitignore"
        if not (gitignore.exists() or gitignore.is_symlink()):
            _create(gitignore, env.get_template("scaffold/gitignore").render())
            written.append(gitignore)
        schema = dossiers / SCHEMA_FILE
        if not schema.exists():
            written.append(schema)
        if has_dossiers:
            write_schema(dossiers)
        else:
            with speaking(language):
                example = tr("Example Account")
            written.append(
                new_dossier(dossiers, example, owner=owner, slug="example-account", today=today, language=language)
            )
    except BaseException as exc:
        _take_back(written, folders)
        if isinstance(exc, OSError):
            raise ScaffoldError(
                tr("cannot create the workspace: {path}: {error}", path=exc.filename or root, error=exc.strerror or exc)
            ) from None
        raise
    return written


def _in_repository(dossiers: Path) -> str:
    """The dossiers folder's path in its git repository (`sales/dossiers/`), for the commented `edit_uri`: the
    edit links' branch comes before it (`dossiers/` when the workspace is in no repository yet)."""
    root = top(dossiers.parent)
    try:
        return dossiers.resolve().relative_to(root).as_posix() + "/" if root is not None else "dossiers/"
    except ValueError:  # the folder is a link out of the repository
        return "dossiers/"


def _in(language: str, name: str) -> list[str]:
    """The template `name` in `language` (`scaffold/mkdocs.zh.yml`), then the default one."""
    stem, dot, suffix = name.rpartition(".")
    return [f"{stem}.{language}{dot}{suffix}", name]


def _take_back(written: list[Path], folders: list[Path]) -> None:
    """Remove the files and the (still empty) folders a failed `init_workspace` made, innermost first."""
    for path in reversed(written):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    for folder in folders:
        with contextlib.suppress(OSError):  # not empty (someone put something there), or never made
            folder.rmdir()


def _create(path: Path, text: str) -> None:
    """Write a new file; never replace one (even one that appeared a moment ago), never leave a partial one."""
    try:
        with path.open("x", encoding="utf-8") as stream:
            try:
                stream.write(text)
                stream.flush()
            except BaseException:
                path.unlink(missing_ok=True)
                raise
    except FileExistsError:
        raise ScaffoldError(tr("{path} already exists; it was left as it is", path=path)) from None
    except OSError as exc:
        raise ScaffoldError(tr("cannot write {path}: {error}", path=path, error=exc.strerror or exc)) from None


def _check_template_output(text: str) -> None:
    """Refuse to write a dossier that would not validate: a broken template is a bug to surface."""
    try:
        loaded = parse(text)
    except LoadError as exc:
        raise ScaffoldError(tr("the dossier template does not produce valid YAML: {error}", error=exc)) from None
    try:
        Dossier.model_validate({**loaded.data, "schema_version": 1})
    except ValidationError as exc:
        raise ScaffoldError(tr("the dossier template does not produce a valid dossier: {error}", error=exc)) from None
