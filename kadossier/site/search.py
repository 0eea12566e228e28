"""What Material's search index needs from kadossier: the workspace's names as jieba's user dictionary.

Material's search plugin cuts Chinese text into words with jieba (a dependency of kadossier) before it
indexes it, so that 万国利 is one word to find and to highlight. jieba does not know the names in the
dossiers — alone it cuts 采购部长万国利 into 采购/部长/万国/利 — so every build writes the workspace's names
(accounts, short names, aliases, people, departments, competitors, vendors) into a user dictionary in the
workspace's cache folder, and the search plugin's index cuts Chinese text with `Segmenter`, which loads it.
The names come from the build's own models: in a redacted build, from the redacted dossiers, and never from
personal profiles or private contact details (see kadossier.dossier.privacy).

Workspaces made before kadossier segmented words split the search text before every Chinese character
(`OLD_SEPARATOR` in mkdocs.yml); a build finds it and says how to migrate.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from kadossier.dossier.model import Dossier
from kadossier.dossier.portfolio import Account
from kadossier.i18n import tr
from kadossier.utils import files
from kadossier.utils.cache import key as cache_key

log = logging.getLogger("mkdocs.plugins.kadossier")

DICTIONARY = Path(files.CACHE_DIR) / "search" / "names.txt"
"""jieba's user dictionary of the workspace's names, relative to the workspace."""
CUTS = {
    False: Path(files.CACHE_DIR) / "search" / "cuts.json",
    True: Path(files.CACHE_DIR) / "search" / "cuts-redacted.json",
}
"""The cuts of the last build's Chinese text, by edition (a redacted build never reads the full edition's)."""
OLD_SEPARATOR = r"(?=[\u3400-\u9fff\uf900-\ufaff])"
"""The alternative in mkdocs.yml's search separator that split before every Chinese character (kadossier 0.1)."""
SEPARATOR = (
    r'[\s\u200b\-_,:;!=\[\]()"`/+@\u00b7\u2014\u2018-\u201f\u2026'
    r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+"
)
"""The separator the scaffold writes: spaces, jieba's word breaks (U+200B) and punctuation, ASCII and full-width."""

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
"""A run of Chinese characters, as Material's search plugin finds them (\\p{script=Han})."""
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]{2,}")
"""A run of two or more Chinese characters: what jieba cuts (a single character is always a word of its own)."""


def names(accounts: Iterable[Account]) -> list[str]:
    """The Chinese names in the accounts' dossiers, each once, sorted: the words of the user dictionary.

    A name with other characters in it (`辽宁 · 沈阳`, `Acme 中国`) gives each of its Chinese runs: the search
    plugin hands jieba only the Chinese runs of the text. People's names are words whole; the name of an
    organisation that holds another name (沈阳晨光日报社 holds the short name 晨光日报) is left to jieba, which
    then cuts it around that name (沈阳/晨光日报/社): a search for the short name finds the full one too.
    """
    people: set[str] = set()
    organisations: set[str] = set()
    for account in accounts:
        for name, person in _names_of(account.dossier):
            (people if person else organisations).update(_HAN.findall(name))
    found = people | organisations
    whole = {name for name in organisations if not _holds_another(name, found)}
    return sorted(people | whole)


def _holds_another(name: str, names: set[str]) -> bool:
    """Whether a name has another of `names` inside it (its parts looked up: thousands of names are many pairs)."""
    return any(
        name[start : start + length] in names
        for length in range(2, len(name))
        for start in range(len(name) - length + 1)
    )


def _names_of(dossier: Dossier) -> Iterator[tuple[str, bool]]:
    """Every name in a dossier a reader searches for, and whether it is a person's (never profiles or contacts)."""
    yield from ((name, False) for name in (dossier.name, dossier.short_name, *dossier.aliases) if name)
    yield from ((name, True) for name in (dossier.owner, *dossier.team))
    for person in dossier.people:
        yield person.name, True
        if person.department:
            yield person.department, False
    background = dossier.background
    if background is not None:
        if background.parent:
            yield background.parent, False
        yield from ((department.name, False) for department in background.departments)
        yield from ((product.vendor, False) for product in background.installed_base if product.vendor)
    for competitor in dossier.competitors:
        yield competitor.title, False
        if competitor.rep is not None and competitor.rep.name:
            yield competitor.rep.name, True


def write_dictionary(root: Path, accounts: Iterable[Account]) -> Path | None:
    """Write the user dictionary of the accounts' names under `root` (only if its content changed); its path,
    or None when there is no Chinese name (jieba then has nothing to learn, and is not loaded for it)."""
    words = names(accounts)
    if not words:
        return None
    path = root / DICTIONARY
    # One word a line, no frequency: jieba then gives each the frequency that keeps it whole, and no more (a
    # high one would make 采购部 swallow the 部 of 采购部长).
    data = "".join(f"{word}\n" for word in words).encode()
    if not path.is_file() or path.read_bytes() != data:
        files.write(path, data)
    return path


GLUE = 1
"""The version of `Segmenter`'s rule for first characters: bump it when the rule changes (the cached cuts are
then made again)."""


class Segmenter:
    """Material's Chinese segmentation (jieba's words between U+200B), with the first characters of names glued on.

    Material's search cuts a Chinese query by the words its index knows, and never tries the whole query: with
    a one-character word 万 in the index (¥2400万, 万部长), 万国利 is searched as 万* — every amount in 万 found,
    and only 万 highlighted. So a one-character word that begins a name never stands alone in the index: it is
    glued to the word before it in the same run (邀请万/部长), else to the word after it, else (a run of its own,
    ¥2400万) left joined to the text around it. Then 万国利 is looked up whole, and only names start with 万.

    jieba cuts about half a million characters a second, in MkDocs' one process, and the pages repeat their
    labels and names: each run of Chinese characters is cut once, and the cuts are kept in `cache` (a JSON
    file, for the next build) as long as the dictionary and jieba's version are the same.
    """

    def __init__(self, names: Iterable[str], dictionary: Path | None = None, cache: Path | None = None):
        words = sorted(names)
        self.firsts = frozenset(name[0] for name in words)
        self._cut: Any = None
        self._dictionary = dictionary
        self._path = cache
        self._key = cache_key({"names": words, "jieba": _jieba_version(), "glue": GLUE})
        self._known = self._load()
        self._used: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        return _HAN_RUN.sub(self._run, text).strip("\u200b")

    def _run(self, match: re.Match[str]) -> str:
        run = match[0]
        cut = self._used.get(run)
        if cut is None:
            cut = self._known.get(run)
            if cut is None:
                cut = (
                    run
                    if len(run) == 1 and run in self.firsts
                    else "\u200b" + "\u200b".join(self.words(run)) + "\u200b"
                )
            self._used[run] = cut
        return cut

    def words(self, run: str) -> list[str]:
        """jieba's words of a run of Chinese characters, first characters of names glued to a neighbour."""
        if self._cut is None:
            # Loaded on the first cut, not in on_config (as the search plugin's jieba_dict_user would): jieba takes
            # about a second to start, and a build whose cuts are all in the cache never starts it.
            import jieba

            logging.getLogger("jieba").setLevel(logging.WARNING)  # not "Building prefix dict..." on every build
            if self._dictionary is not None:
                jieba.load_userdict(str(self._dictionary))
            self._cut = jieba.cut
        words: list[str] = []
        pending = ""
        for word in self._cut(run):
            if len(word) == 1 and word in self.firsts:
                if words:
                    words[-1] += word
                else:
                    pending += word
                continue
            words.append(pending + word)
            pending = ""
        if pending:
            words.append(pending)
        return words

    def _load(self) -> dict[str, str]:
        if self._path is None or not self._path.is_file():
            return {}
        try:
            data = json.loads(self._path.read_bytes())
        except (OSError, ValueError):
            return {}  # a cache: made again
        if not isinstance(data, dict) or data.get("key") != self._key or not isinstance(data.get("runs"), dict):
            return {}
        runs: dict[str, str] = data["runs"]
        return runs

    def save(self) -> None:
        """Keep this build's cuts for the next one (only the runs it met; rewritten only if they changed)."""
        if self._path is not None and self._used.keys() != self._known.keys():
            data = {"key": self._key, "runs": self._used}
            files.write(self._path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def _jieba_version() -> str:
    try:
        return version("jieba")
    except PackageNotFoundError:
        return ""


def segment_with_names(
    config: Any, accounts: Iterable[Account], dictionary: Path | None, cache: Path
) -> Segmenter | None:
    """Make Material's search index cut Chinese text with a `Segmenter` that knows the names (`dictionary`) and
    keeps its cuts in `cache` (when jieba is there to cut it); the segmenter, to save its cuts once the index is
    made. Call it once the search plugin has made its index (its on_config). The segmenter takes the place of
    Material 9's `SearchIndex._segment_chinese`, called for every title and text when jieba is installed; were it
    renamed, Material would cut alone, without the names (tests/test_search_browser.py then fails)."""
    plugin = _search_plugin(config)
    index = getattr(plugin, "search_index", None)
    if index is None or not hasattr(index, "_segment_chinese") or not _has_jieba(plugin):
        return None
    segmenter = Segmenter(names(accounts), dictionary, cache)
    index._segment_chinese = segmenter
    return segmenter


def check_separator(config: Any) -> None:
    """Warn when mkdocs.yml still splits the search text before every Chinese character, and say how to migrate."""
    plugin = _search_plugin(config)
    if plugin is not None and OLD_SEPARATOR in (plugin.config.separator or ""):
        where = _where(Path(config.config_file_path))
        log.warning(
            tr(
                "{where}: the search separator splits before every Chinese character, so search finds characters,"
                " not words: remove '|{old}' from it (or copy the separator of a new workspace: 'kadossier init')",
                where=where,
                old=OLD_SEPARATOR,
            )
        )


def _has_jieba(plugin: Any) -> bool:
    """Whether the search plugin found jieba (it cuts Chinese text only then)."""
    return getattr(sys.modules.get(type(plugin).__module__), "jieba", None) is not None


def _search_plugin(config: Any) -> Any:
    """Material's search plugin, when mkdocs.yml lists it, enabled, under whatever name."""
    for plugin in config.plugins.values():
        if type(plugin).__module__.startswith("material.plugins.search") and plugin.config.enabled:
            return plugin
    return None


def _where(config_file: Path) -> str:
    """`path:line:column` of the old separator in mkdocs.yml, or the path alone if it is not written there as is."""
    shown = os.path.relpath(config_file) if config_file.is_absolute() else str(config_file)
    try:
        lines = config_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return shown
    for number, line in enumerate(lines, start=1):
        column = line.find(OLD_SEPARATOR)
        if column >= 0:
            return f"{shown}:{number}:{column + 1}"
    return shown
