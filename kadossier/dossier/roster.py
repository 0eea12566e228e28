"""Our people: the account managers and colleagues named in the dossiers, each with a stable id.

Dossiers name our side by name (`owner`, `team`, a visit's `ours`, an action's or a commitment's `owner`).
The workspace may declare a roster (the plugin option `people`: name, id, email, former names); a declared
person keeps their id, and their page, when their name changes. Anyone else gets an id made from their name
(pinyin for Chinese: 周敏 -> zhou-min). Two names that make the same id (周敏 and 周民) are never merged: each
gets the id with a suffix of its own, and the clash is reported so that the roster can name them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pypinyin import lazy_pinyin
from slugify import slugify

from kadossier.dossier.model import Dossier
from kadossier.i18n import tr

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


def name_id(name: str) -> str:
    """The id a name makes: its pinyin (or its letters) as a lowercase slug; 'person' if nothing is left."""
    return slugify(" ".join(lazy_pinyin(name.strip())), max_length=MAX_ID, word_boundary=True) or "person"


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
            self.clashes.append(
                tr(
                    "{names} make the same id '{id}': they are told apart as {given}; "
                    "give each an id in the roster (the kadossier plugin option 'people')",
                    names=" / ".join(same),
                    id=base,
                    given=", ".join(f"{name} = {ident}" for name, ident in given.items()),
                )
            )
        self.members.sort(key=lambda m: m.id)

    def _add(self, member: Member) -> None:
        self.members.append(member)
        self._by_name[member.name] = member

    def member(self, name: str) -> Member | None:
        """The person with this name (or former name), if the roster or the dossiers know them."""
        return self._by_name.get(name.strip())

    def by_id(self, ident: str) -> Member | None:
        """The person with this id."""
        return next((m for m in self.members if m.id == ident), None)

    def find(self, who: str) -> Member | None:
        """The person a user means on the command line: a name, a former name or an id."""
        return self.member(who) or self.by_id(who)

    @property
    def declared_names(self) -> frozenset[str]:
        """The roster's names and former names: our people beyond each account's owner and team."""
        return frozenset(n for m in self.members if m.declared for n in (m.name, *m.former_names))


__all__ = ["Member", "Roster", "RosterEntry", "name_id", "names_in"]
