"""Our people: the account managers and colleagues named in the dossiers, each with a stable id.

Dossiers name our side by name (`owner`, `team`, a visit's `ours`, an action's or a commitment's `owner`).
The workspace may declare a roster (the plugin option `people`: name, id, email, former names); a declared
person keeps their id, and their page, when their name changes. Anyone else gets an id made from their name
(pinyin for Chinese: 周敏 -> zhou-min). Two names that make the same id (周敏 and 周民) are never merged: each
gets the id with a suffix of its own, and the clash is reported so that the roster can name them.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pypinyin import lazy_pinyin
from slugify import slugify

from kadossier.dossier.fields import valid_id
from kadossier.dossier.model import Dossier
from kadossier.i18n import tr
from kadossier.utils.messages import did_you_mean

MAX_ID = 40


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One person of the declared roster, as written in mkdocs.yml."""

    name: str
    id: str | None = None
    email: str | None = None
    former_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Member:
    """One of our people: a stable id (for URLs and calendar feeds), the current name, the names they had."""

    id: str
    name: str
    email: str | None = None
    former_names: tuple[str, ...] = ()
    declared: bool = False
    """Listed in the roster (else known from the dossiers only)."""


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
KEYS = ("name", "id", "email", "former_names")
"""The keys of one person of the roster."""


def read_entries(value: object) -> tuple[tuple[RosterEntry, ...], list[str]]:
    """Read the roster as written in mkdocs.yml: the entries, and every problem (each naming the person by
    number, from 1, and by name when there is one)."""
    if value is None:
        return (), []
    if not isinstance(value, list):
        return (), [tr("expected a list of people (- name: ...)")]
    entries: list[RosterEntry] = []
    problems: list[str] = []
    names: dict[str, int] = {}
    ids: dict[str, int] = {}
    for n, item in enumerate(value, 1):
        if not isinstance(item, dict):
            problems.append(tr("person {n}: expected a mapping with name, id, email, former_names", n=n))
            continue
        found = _entry_problems(item)
        problems += [tr("person {n}: {problem}", n=n, problem=problem) for problem in found]
        if found:
            continue
        entry = RosterEntry(
            item["name"].strip(),
            item.get("id"),
            item.get("email"),
            tuple(f.strip() for f in item.get("former_names") or []),
        )
        if entry.name in entry.former_names:
            problems.append(tr("person {n}: former_names repeats the name {name}", n=n, name=entry.name))
        for known in dict.fromkeys((entry.name, *entry.former_names)):
            if known in names:
                problems.append(
                    tr("person {n}: the name {name} is also person {first}'s", n=n, name=known, first=names[known])
                )
            names.setdefault(known, n)
        resolved = entry.id or name_id(entry.name)
        if resolved in ids:
            problems.append(
                tr(
                    "person {n}: the id '{id}' is also person {first}'s; give one of them another id",
                    n=n,
                    id=resolved,
                    first=ids[resolved],
                )
            )
        ids.setdefault(resolved, n)
        entries.append(entry)
    return tuple(entries), problems


def _entry_problems(item: dict[Any, Any]) -> list[str]:
    found = []
    for key in item:
        if key not in KEYS:
            found.append(tr("unknown key '{key}'{hint}", key=key, hint=did_you_mean(str(key), list(KEYS))))
    name, ident, email, former = item.get("name"), item.get("id"), item.get("email"), item.get("former_names")
    if not isinstance(name, str) or not name.strip():
        found.append(tr("'name' is required text"))
    if ident is not None and not (isinstance(ident, str) and valid_id(ident)):
        found.append(tr("id {value} must be lowercase ASCII letters and digits joined by - _ or .", value=repr(ident)))
    if email is not None and not (isinstance(email, str) and _EMAIL.fullmatch(email)):
        found.append(tr("email {value} is not an email address (like zhou.min@example.com)", value=repr(email)))
    if former is not None and (
        not isinstance(former, list) or not all(isinstance(f, str) and f.strip() for f in former)
    ):
        found.append(tr("'former_names' must be a list of names"))
    return found


def name_id(name: str, fallback: str = "person") -> str:
    """The id a name makes: its pinyin (or its letters) as a lowercase slug; `fallback` if nothing is left."""
    return slugify(" ".join(lazy_pinyin(name.strip())), max_length=MAX_ID, word_boundary=True) or fallback


def names_in(dossier: Dossier) -> list[str]:
    """Every name of our side a dossier mentions: owner, team, visits' attendees, actions' and commitments'
    owners."""
    from kadossier.dossier.followup import owed

    names = [dossier.owner, *dossier.team]
    names += [name for visit in dossier.visits for name in visit.ours]
    names += [item.owner for item in owed(dossier) if item.owner]
    return names


class Roster:
    """Our people, resolved once for the workspace: from the declared roster and the names in the dossiers."""

    def __init__(self, entries: Iterable[RosterEntry] = (), names: Iterable[str] = ()) -> None:
        self.members: list[Member] = []
        self.clashes: list[str] = []
        """Messages about names that made the same id (and what each was given instead)."""
        self._by_name: dict[str, Member] = {}
        taken: set[str] = set()
        for entry in entries:
            member = Member(entry.id or name_id(entry.name), entry.name, entry.email, entry.former_names, True)
            self.members.append(member)
            taken.add(member.id)
            for known in (entry.name, *entry.former_names):
                self._by_name.setdefault(known.strip(), member)
        undeclared = sorted({n.strip() for n in names if n.strip()} - set(self._by_name))
        by_id: dict[str, list[str]] = defaultdict(list)
        for name in undeclared:
            by_id[name_id(name)].append(name)
        for base, same in sorted(by_id.items()):
            if len(same) == 1 and base not in taken:
                self._add(Member(base, same[0]))
                continue
            given = {name: f"{base}-{hashlib.sha1(name.encode()).hexdigest()[:4]}" for name in same}
            for name, ident in given.items():
                self._add(Member(ident, name))
            shown = ", ".join(f"{name} = {ident}" for name, ident in given.items())
            holder = next((m.name for m in self.members if m.declared and m.id == base), None)
            if holder is not None:
                message = tr(
                    "{names} would get the id '{id}', which the roster gives to {holder}: told apart as {given}; "
                    "give them an id in the roster (the kadossier plugin option 'people')",
                    names=" / ".join(same),
                    id=base,
                    holder=holder,
                    given=shown,
                )
            else:
                message = tr(
                    "{names} make the same id '{id}': they are told apart as {given}; "
                    "give each an id in the roster (the kadossier plugin option 'people')",
                    names=" / ".join(same),
                    id=base,
                    given=shown,
                )
            self.clashes.append(message)
        self.members.sort(key=lambda m: m.id)

    def _add(self, member: Member) -> None:
        self.members.append(member)
        self._by_name[member.name] = member

    def member(self, name: str) -> Member | None:
        """The person with this name (or former name), if the roster or the dossiers know them."""
        return self._by_name.get(name.strip())

    def meant(self, who: str) -> list[str]:
        """The names someone who typed `who` may have meant: the people whose id `who` makes (an IME slip types
        a homophone: 陈皓 for 陈浩), then the names and ids spelt alike."""
        from difflib import get_close_matches

        base = name_id(who)
        same = [m.name for m in self.members if m.id == base or m.id.startswith(base + "-")]
        known = {n for m in self.members for n in (m.name, m.id, *m.former_names)}
        return list(dict.fromkeys([*same, *get_close_matches(who, sorted(known), n=3)]))

    def by_id(self, ident: str) -> Member | None:
        """The person with this id."""
        return next((m for m in self.members if m.id == ident), None)

    def find(self, who: str) -> Member | None:
        """The person a user means on the command line: a name, a former name or an id."""
        return self.member(who) or self.by_id(who)


__all__ = ["Member", "Roster", "RosterEntry", "name_id", "names_in"]
