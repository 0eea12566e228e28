"""How the wiki sits in MkDocs' configuration: Material's settings, kadossier's assets, the default navigation.

kadossier adds its stylesheet and scripts, turns off Google Fonts (dossiers are confidential, wikis run
offline), gives the overview pages a navigation when mkdocs.yml has none and keeps the account pages, the person
pages and the visits' brief pages out of it (they are reached through tables, the Team page and search, on purpose).
"""

from __future__ import annotations

from typing import Any

from kadossier.render import languages
from kadossier.render.links import ACCOUNTS_DIR, BRIEFS_DIR, PEOPLE_DIR
from kadossier.site.offline import ASSETS_URI, WORKER_SHIM
from kadossier.site.pages import OVERVIEW
from kadossier.utils.shipped import default_templates_dir

THEME_TEXTS = ("made_with_before", "made_with_after", "not_found")
"""The labels the theme overrides in templates/site/theme/ use (as config.theme.kadossier_ui)."""

ASSETS = [
    "kadossier.css",
    "brief.css",
    "kadossier.js",
    "vendor/tablesort/tablesort.min.js",
    "vendor/tablesort/tablesort.number.min.js",
    WORKER_SHIM,
]
"""The files of templates/site/assets/ published with every site (a workspace's own copy wins)."""


EDIT_BUTTON = "content.action.edit"
"""Material's feature that shows a page's edit link as a button."""


def configure(config: Any, ui_labels: dict[str, str], *, noindex: bool, edit: bool) -> None:
    """Adjust MkDocs' configuration for the wiki, once the pages are known: `noindex` puts the robots meta on every
    page (templates/site/theme/main.html), `edit` turns on Material's edit button (the account pages link their
    dossiers in the repository)."""
    config.theme["font"] = False
    config.theme["kadossier_ui"] = {key: ui_labels[key] for key in THEME_TEXTS}
    config.theme["kadossier_noindex"] = noindex
    if edit and EDIT_BUTTON not in (features := config.theme.get("features") or []):
        config.theme["features"] = [*features, EDIT_BUTTON]
    overrides = str(default_templates_dir() / "site" / "theme")
    if overrides not in config.theme.dirs:  # serve configures again: once is enough
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, overrides)
    config.extra_css.extend(f"{ASSETS_URI}/{a}" for a in ASSETS if a.endswith(".css"))
    config.extra_javascript.extend(f"{ASSETS_URI}/{a}" for a in ASSETS if "vendor/tablesort/" in a)
    config.extra_javascript.append(f"{ASSETS_URI}/kadossier.js")
    if config.nav is None:
        config.nav = [{ui_labels[label]: uri} for uri, (label, _) in OVERVIEW.items()]
    if config.not_in_nav is None:
        from pathspec.gitignore import GitIgnoreSpec

        config.not_in_nav = GitIgnoreSpec.from_lines([f"/{d}/" for d in (ACCOUNTS_DIR, PEOPLE_DIR, BRIEFS_DIR)])


FRAME = [('<header class="md-header', "</header>"), ('<label class="md-nav__title"', "</label>")]
"""Where Material's header and the navigation's title start and end in a page: the page's title there is often a
dossier's name, the site's name often mixes languages."""


def mark_languages(output: str, language: str) -> str:
    """A finished page with the other language's runs in Material's frame marked (kadossier's own body and its
    table of contents are marked when they are made: see kadossier.render.languages)."""
    for start, end in FRAME:
        output = languages.mark_part(output, start, end, language)
    return output
