"""The objection library (异议库): every objection expected or raised across accounts, the same objection written
slightly differently grouped, ranked by how often it comes up, with the answers the team used and where.

Wordings are compared after `normalize` (NFKC, so full-width and half-width agree; casefold; punctuation and
spaces of any script dropped) with rapidfuzz: `SIMILAR` is the bar for the better of two scores, the
character-level ratio (Chinese has no words to split: 价格比现在高 / 价格比现在的高。 score 92) and, for text with
words, the token set ratio (price is higher than now / The price is higher than today's score 91, where the
character ratio gives 79). A substituted character weighs twice an inserted one, so short wordings with
another word stay apart: 价格太高 (too high) and 价格比现在高 (higher than now) score 60 — different objections,
with different answers (value for money, against the cost of switching). The token set ratio says 100 for a
wording whose words are a few of another's (the price / the price is fine but delivery is too slow), so it
counts only between wordings of similar length (`TOKEN_LENGTH`).

Grouping is leader clustering: the distinct wordings in order of frequency (ties by text), each joins the
first group whose leading wording is similar, or leads a group of its own. Its leader is then its most
frequent wording (the group's label), and a chain of small edits cannot drift a group from one objection to
another as single linkage would. Every pair's character ratio comes from `rapidfuzz.process.cdist` (C, a
block of wordings against all later ones at a time); only candidates (`CANDIDATE`) with words get the slower
token set ratio. 10,000 distinct wordings, Chinese and English, group in about 3 s on a 2-core machine.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz, process

from kadossier.dossier.model import Visit
from kadossier.dossier.parts import Objection, Project
from kadossier.dossier.portfolio import Account

SIMILAR = 80
"""The score (0-100) from which two wordings are the same objection (see the module's docstring)."""
TOKEN_LENGTH = 0.6
"""The token set ratio counts between wordings whose lengths (without spaces) differ by no more than this
factor: a wording that is a small part of another is a vaguer objection, not the same one."""
CANDIDATE = 60
"""Wordings with words (two or more) are compared by token set ratio (slow: it splits both on every call) only
when their character ratio reaches this: the candidates, found with every pair's ratio by `process.cdist`."""
BLOCK = 1000
"""Wordings compared at a time with all the others (a block's matrix: BLOCK by every wording, one byte each)."""
_NOT_TEXT = re.compile(r"[\W_]+")
"""Punctuation, symbols and spaces of every script (Chinese 。，、 included)."""


def normalize(text: str) -> str:
    """A wording as it is compared: NFKC, casefolded, punctuation dropped, words separated by one space."""
    return " ".join(_NOT_TEXT.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


def plain(text: str | list[str]) -> str:
    """Free text (a paragraph, or a list of points) normalized as one wording."""
    return normalize("\n".join(text) if isinstance(text, list) else text)


def similar(a: str, b: str) -> bool:
    """Whether two normalized wordings are the same objection (the rule `group` applies)."""
    compact_a, compact_b = a.replace(" ", ""), b.replace(" ", "")
    if fuzz.ratio(compact_a, compact_b) >= SIMILAR:
        return True
    return " " in a and " " in b and _same_words(a, b)


def _comparable(a: str, b: str) -> bool:
    short, long = sorted((len(a), len(b)))
    return long > 0 and short >= TOKEN_LENGTH * long


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One objection at one visit: expected (the visit's plan) or raised (its record), with the answer."""

    account: Account
    visit: Visit
    objection: Objection
    raised: bool
    """Raised at the visit (its record); else expected (its plan)."""

    @property
    def answer(self) -> str | list[str] | None:
        """The answer used or planned: text, or a list of points (None: none written)."""
        return self.objection.response

    @property
    def project(self) -> Project | None:
        """The project of the visit, if it has one."""
        return self.account.dossier.project(self.visit.project) if self.visit.project else None

    @property
    def where(self) -> tuple[str, str]:
        """The account id and visit id."""
        return (self.account.id, self.visit.id)

    @property
    def rank(self) -> tuple[bool, float, str, str]:
        """How an answer's sources are ordered: raised first (it was used for real), then newest, then by account."""
        return (not self.raised, -self.visit.sort_key.timestamp(), self.account.id, self.visit.id)


@dataclass(frozen=True, slots=True)
class Answer:
    """One distinct answer of a group, with every occurrence where it was given, the best source first."""

    text: str | list[str]
    """As its best source wrote it: text, or a list of points."""
    sources: list[Occurrence]

    @property
    def raised(self) -> bool:
        """Whether it was given to an objection actually raised."""
        return self.sources[0].raised


@dataclass(frozen=True, slots=True)
class Wording:
    """One way the objection was written (normalized the same), with how often."""

    text: str
    """Its most frequent spelling."""
    count: int


@dataclass(frozen=True)
class Group:
    """One objection across accounts: every occurrence, its wordings, its answers."""

    wordings: list[Wording]
    """Most frequent first; the first is the label."""
    occurrences: list[Occurrence]

    @property
    def label(self) -> str:
        """The group's most frequent wording."""
        return self.wordings[0].text

    @property
    def count(self) -> int:
        """How often it came up, expected and raised alike (a visit that plans for it met it, or will)."""
        return len(self.occurrences)

    @property
    def raised(self) -> int:
        """How often it was actually raised."""
        return sum(o.raised for o in self.occurrences)

    @cached_property
    def answers(self) -> list[Answer]:
        """The distinct answers (normalized the same counts as one), those used for real first, then the newest."""
        by_text: dict[str, list[Occurrence]] = defaultdict(list)
        for occurrence in self.occurrences:
            if occurrence.answer:
                by_text[plain(occurrence.answer)].append(occurrence)
        answers = []
        for key, sources in by_text.items():
            sources.sort(key=lambda o: o.rank)
            answers.append((key, Answer(sources[0].answer or "", sources)))
        return [a for _, a in sorted(answers, key=lambda ka: (ka[1].sources[0].rank, ka[0]))]

    def elsewhere(self, account: str, visit: str, own: str | list[str] | None, limit: int) -> list[Answer]:
        """The answers used at other visits than this one, not this visit's own answer, the best `limit`; each
        answer's sources are only those of the other visits."""
        skip = plain(own) if own else None
        found = []
        for answer in self.answers:
            sources = [o for o in answer.sources if o.where != (account, visit)]
            if sources and plain(answer.text) != skip:
                found.append(Answer(answer.text, sources))
        return found[:limit]


@dataclass(frozen=True)
class Library:
    """Every objection across accounts, grouped and ranked: the most frequent first, ties by label."""

    groups: list[Group]
    _by_wording: dict[str, Group] = field(default_factory=dict, repr=False)

    def group_of(self, text: str) -> Group | None:
        """The group of a wording: the one it is in, else the first whose label it is similar to."""
        key = normalize(text)
        found = self._by_wording.get(key)
        if found is None:
            found = next((g for g in self.groups if similar(key, normalize(g.label))), None)
        return found

    def elsewhere(self, account: str, visit: Visit, limit: int) -> list[tuple[Objection, list[Answer]]]:
        """Each expected objection of a visit with the answers used at other visits (see `Group.elsewhere`)."""
        shown = []
        for objection in visit.objections:
            group = self.group_of(objection.objection)
            answers = group.elsewhere(account, visit.id, objection.response, limit) if group else []
            shown.append((objection, answers))
        return shown


def occurrences(accounts: Iterable[Account]) -> list[Occurrence]:
    """Every objection of every visit: expected ones (the plan), then raised ones (the record)."""
    found = []
    for account in accounts:
        for visit in account.dossier.visits:
            found += [Occurrence(account, visit, o, raised=False) for o in visit.objections]
            if visit.record is not None:
                found += [Occurrence(account, visit, o, raised=True) for o in visit.record.objections]
    return found


def library(accounts: Iterable[Account]) -> Library:
    """Group and rank every objection across `accounts`."""
    every = occurrences(accounts)
    by_key: dict[str, list[Occurrence]] = defaultdict(list)
    for occurrence in every:
        by_key[normalize(occurrence.objection.objection)].append(occurrence)
    clusters = group([(key, len(found)) for key, found in by_key.items()])
    groups = [Group([_wording(by_key[k]) for k in keys], [o for k in keys for o in by_key[k]]) for keys in clusters]
    groups.sort(key=lambda g: (-g.count, g.label))
    return Library(groups, {normalize(w.text): g for g in groups for w in g.wordings})


def _wording(found: list[Occurrence]) -> Wording:
    spellings = Counter(o.objection.objection for o in found)
    text = min(spellings, key=lambda s: (-spellings[s], s))
    return Wording(text, len(found))


def group(counted: list[tuple[str, int]]) -> list[list[str]]:
    """Leader clustering of normalized wordings with their counts: each group's keys, its leader first."""
    keys = [k for k, _ in sorted(counted, key=lambda kc: (-kc[1], kc[0]))]
    compact = [k.replace(" ", "") for k in keys]
    grouped = np.zeros(len(keys), dtype=bool)
    clusters = []
    for start in range(0, len(keys), BLOCK):
        stop = min(start + BLOCK, len(keys))
        # the block's wordings against those from the block on (the earlier ones are grouped already), in C
        scores = process.cdist(compact[start:stop], compact[start:], scorer=fuzz.ratio, dtype=np.uint8)
        for i in range(start, stop):
            if grouped[i]:
                continue
            free = ~grouped[start:]
            members = {start + j for j in np.flatnonzero(free & (scores[i - start] >= SIMILAR)).tolist()}
            if " " in keys[i]:  # words: the token set ratio, for the candidates among the other texts with words
                for j in np.flatnonzero(free & (scores[i - start] >= CANDIDATE)).tolist():
                    other = start + j
                    if other not in members and " " in keys[other] and _same_words(keys[i], keys[other]):
                        members.add(other)
            members.add(i)
            grouped[sorted(members)] = True
            clusters.append([keys[i], *(keys[j] for j in sorted(members - {i}))])
    return clusters


def _same_words(a: str, b: str) -> bool:
    return _comparable(a.replace(" ", ""), b.replace(" ", "")) and fuzz.token_set_ratio(a, b) >= SIMILAR
