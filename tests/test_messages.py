"""The message catalogs: every message the code can print has a Chinese translation that fills the same
placeholders, the compiled catalog is the one the .po says, and messages follow the workspace's language.

The call sites are read with `ast`, the catalogs with Babel: nothing here depends on a message's wording.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from kadossier.i18n import LOCALE_DIR, ntr, speaking, tr

PACKAGE = Path(__file__).resolve().parent.parent / "kadossier"
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


@dataclass(frozen=True)
class Call:
    """One tr()/ntr() call: where it is, its message(s) and the names it passes."""

    where: str
    messages: tuple[str, ...]
    params: frozenset[str]


def _calls() -> Iterator[Call | str]:
    """Every tr/ntr call in the package, or a string naming a call pybabel cannot read."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "i18n.py":  # the mechanism itself passes messages on
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tr", "ntr")):
                continue
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            count = 1 if node.func.id == "tr" else 2
            literals = node.args[:count]
            if len(literals) < count or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in literals
            ):
                yield f"{where}: {node.func.id}() needs literal message strings (pybabel cannot extract anything else)"
                continue
            if any(k.arg is None for k in node.keywords):
                yield f"{where}: {node.func.id}(**mapping) hides the placeholders' names; pass them by name"
                continue
            params = {k.arg for k in node.keywords if k.arg}
            if node.func.id == "ntr":
                params.add("n")
            yield Call(where, tuple(a.value for a in literals), frozenset(params))  # type: ignore[union-attr]


def _fields(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def _catalog() -> dict[str, str]:
    with PO.open("rb") as stream:
        catalog = read_po(stream, locale="zh")
    out: dict[str, str] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        if text:
            out[key] = text
    return out


def test_every_call_passes_a_literal_message_and_named_params() -> None:
    bad = [c for c in _calls() if isinstance(c, str)]
    assert not bad, "\n".join(bad)


def test_every_message_has_a_chinese_translation() -> None:
    catalog = _catalog()
    missing = sorted(
        {f"{c.where}: {c.messages[0]!r}" for c in _calls() if isinstance(c, Call) and c.messages[0] not in catalog}
    )
    assert not missing, "untranslated (run bash .ci/translations, translate, run it again):\n" + "\n".join(missing)


def test_translations_fill_only_the_placeholders_the_call_passes() -> None:
    catalog = _catalog()
    wrong = []
    for call in _calls():
        if not isinstance(call, Call) or call.messages[0] not in catalog:
            continue
        for text in (*call.messages, catalog[call.messages[0]]):
            unknown = _fields(text) - call.params
            if unknown:
                wrong.append(f"{call.where}: {text!r} uses {sorted(unknown)}, the call passes {sorted(call.params)}")
    assert not wrong, "\n".join(wrong)


def test_the_compiled_catalog_is_the_po() -> None:
    with MO.open("rb") as stream:
        compiled = read_mo(stream)
    in_mo = {
        (m.id[0] if isinstance(m.id, (tuple, list)) else m.id): (
            m.string[0] if isinstance(m.string, (tuple, list)) else m.string
        )
        for m in compiled
        if m.id
    }
    assert in_mo == _catalog(), "the .mo is out of date: run bash .ci/translations"


def test_chinese_translations_are_chinese() -> None:
    """A translation that is the English text again (a copy-paste slip) is no translation."""
    same = [k for k, v in _catalog().items() if v == k and any(ch.isalpha() for ch in k)]
    assert not same, same


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_active_language_decides(language: str) -> None:
    catalog = _catalog()
    message = next(iter(catalog))
    params = {name: "X" for name in _fields(message) | _fields(catalog[message])}
    with speaking(language):
        text = tr(message, **params)
    expected = (catalog[message] if language == "zh" else message).format(**params)
    assert text == expected
    with speaking(language):
        assert ntr("{n} thing", "{n} things", 2) == "2 things"  # not in the catalog: the English plural


def test_located_messages_keep_the_location_first() -> None:
    """`path:line:col: ` leads every located message in both languages: editors and CI jump to it, and the CLI
    colours what follows it (a full-width colon after the location once cut the first two characters off)."""
    located = {k: v for k, v in _catalog().items() if k.startswith("{where}: ")}
    assert len(located) >= 3
    assert {k: v for k, v in located.items() if not v.startswith("{where}: ")} == {}
