"""The weekly digest: what changed across all accounts in a period, from git (本周动态, for the Monday meeting).

For each dossier, the version before the period (the newest commit before its first day, or a revision) is
compared with each commit in the period, oldest first, then with the changes not committed yet. Each step's
versions are validated models (a version that does not validate is skipped: the next one is compared with the
last good one), so what a step did is read from the format, not from text: projects won, lost, dropped, moved
between stages; people whose attitude or relationship went up or down, new and departed people; visits done,
planned or cancelled; actions opened and closed; red flags raised and resolved — each judged as of the step's
commit date, the old version and the new one on the same day, so only what the commit changed counts (a
review that grew stale meanwhile is time, not a change). Each event knows who committed it and when.

Events are data (kinds, names, values); kadossier.render.digest words them in the workspace's language. They
hold names, titles, stages, objectives, outcomes, reasons and red-flag messages — never a personal profile, an
approach or a private contact (kadossier.dossier.privacy), so every edition's digest is fit to share; the
versions are compared whole, so that a flag that reads a private field (`below-target` reads `approach`) is
judged as the team sees it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

from kadossier.dossier import checks
from kadossier.dossier.companies import Companies
from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.dossier.fields import Money
from kadossier.dossier.method import Method
from kadossier.dossier.model import Dossier
from kadossier.dossier.validate import check_bytes
from kadossier.dossier.vocab import ActionStatus, ProjectStatus, VisitStatus
from kadossier.errors import KadossierError
from kadossier.history.git import Commit, GitError, History
from kadossier.i18n import tr
from kadossier.utils.parallel import parallel_map


class Weight(IntEnum):
    """Where an event is listed: wins first, then risks, then the rest."""

    WIN = 0
    RISK = 1
    REST = 2


@dataclass(frozen=True, slots=True)
class Event:
    """One thing a step changed in one account."""

    kind: str
    """won, lost, dropped, reopened, project_new, project_removed, stage_forward, stage_backward, person_new,
    person_left, attitude_up, attitude_down, relationship_up, relationship_down, visit_done, visit_planned,
    visit_cancelled, action_opened, action_closed, action_dropped, flag_raised, flag_resolved, account_new."""
    weight: Weight
    subject: str
    """What it is about, as it reads: a project's, person's or visit's name, an action's text, a flag's message."""
    anchor: str
    """Where it is on the account page (`project-ID`, `person-ID`, `visit-ID`, `actions`, `red-flags`)."""
    old: str | None = None
    """The value before (a stage, attitude or relationship), if the event is a move."""
    new: str | None = None
    """The value after."""
    value: Money | None = None
    """A project's value."""
    detail: str = ""
    """More: a visit's outcome or objective, a project's reason and whom it was lost to, a flag's code."""
    when: dt.date | dt.datetime | None = None
    """A visit's date (and time)."""


@dataclass(frozen=True, slots=True)
class Step:
    """What one commit (or the uncommitted changes) did to one account."""

    author: str
    """Who committed it ("" for changes not committed yet)."""
    day: dt.date
    sha: str
    """The commit ("" when not committed yet)."""
    events: tuple[Event, ...]


@dataclass(slots=True)
class AccountDigest:
    """The steps of one account in the period."""

    id: str
    name: str
    steps: list[Step] = field(default_factory=list)

    @property
    def events(self) -> list[tuple[Event, Step]]:
        """Every event with its step: wins first, then risks, then the rest; each group in the order it happened."""
        found = [(e, s) for s in self.steps for e in s.events]
        return sorted(found, key=lambda item: item[0].weight)

    @property
    def weight(self) -> Weight:
        """The account's most important event (accounts with a win come first)."""
        return min((e.weight for s in self.steps for e in s.events), default=Weight.REST)


@dataclass(slots=True)
class Digest:
    """What changed across the accounts from `start` (inclusive) to `end`."""

    start: dt.date | None
    """The period's first day (None: since a revision)."""
    end: dt.date
    revision: str = ""
    """The revision the period starts after, if given that way."""
    accounts: list[AccountDigest] = field(default_factory=list)
    note: str = ""
    """Why there is no digest ("" when there is one): no git history."""

    @property
    def counts(self) -> dict[Weight, int]:
        """How many wins, risks and other events there are."""
        found = dict.fromkeys(Weight, 0)
        for account in self.accounts:
            for event, _ in account.events:
                found[event.weight] += 1
        return found


@dataclass(frozen=True, slots=True)
class Rules:
    """What the versions are checked with: the workspace's roster names, method, competitor profiles and custom
    fields."""

    roster: frozenset[str] = frozenset()
    method: Method | None = None
    companies: Companies | None = None
    fields: CustomFields = NO_FIELDS


def period_start(since: str, today: dt.date) -> dt.date | None:
    """The first day `--since` means: `7d` is the last seven days, today included; a date is that day; anything
    else is a revision (None). A number of days out of range is an error."""
    text = since.strip()
    if text[:-1].isdigit() and text[-1:] in ("d", "D"):
        days = int(text[:-1])
        if not 1 <= days <= 3660:
            raise KadossierError(tr("--since {since}: the number of days must be from 1 to 3660", since=since))
        return today - dt.timedelta(days=days - 1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def digest(
    history: History,
    paths: Iterable[Path],
    today: dt.date,
    *,
    start: dt.date | None = None,
    revision: str = "",
    rules: Rules | None = None,
    keep: Callable[[Dossier], bool] | None = None,
) -> Digest:
    """The digest of the dossiers at `paths` from `start` (or after `revision`) to `today`; `keep` chooses the
    accounts by their current version (an owner's)."""
    result = Digest(start, today, revision)
    if not history.available:
        result.note = history.note
        return result
    rules = rules or Rules()
    plans: list[tuple[Path, str | None, list[Commit]]] = []
    for path in paths:
        if revision:
            try:
                base, versions = history.since_revision(path, revision)
            except GitError:
                raise KadossierError(
                    tr(
                        "unknown revision '{revision}': write a commit, tag or branch, a date or a number of days (7d)",
                        revision=revision,
                    )
                ) from None
            base_sha: str | None = base
        else:
            assert start is not None
            before = history.at(path, start - dt.timedelta(days=1))
            base_sha = before.sha if before is not None else None
            versions = history.since(path, before)
        versions = [c for c in versions if c.day <= today]  # the period ends today: a later commit is not in it
        if versions or history.is_modified(path):
            plans.append((path, base_sha, versions))
    wanted = [
        (sha, path) for path, first, versions in plans for sha in ([first] if first else []) + [c.sha for c in versions]
    ]
    blobs = history.blobs(wanted)
    # each version is validated (about 10 ms): many accounts' are spread over the cores
    found = parallel_map(_one, plans, context=(blobs, history, today, rules, keep))
    result.accounts = [account for account in found if account is not None and account.steps]
    result.accounts.sort(key=lambda a: (a.weight, a.name.casefold()))
    return result


def _one(
    context: tuple[dict[tuple[str, Path], bytes | None], History, dt.date, Rules, Callable[[Dossier], bool] | None],
    plan: tuple[Path, str | None, list[Commit]],
) -> AccountDigest | None:
    blobs, history, today, rules, keep = context
    path, base, versions = plan
    return _account(path, base, versions, blobs, history, today, rules, keep)


def _account(
    path: Path,
    base: str | None,
    versions: list[Commit],
    blobs: dict[tuple[str, Path], bytes | None],
    history: History,
    today: dt.date,
    rules: Rules,
    keep: Callable[[Dossier], bool] | None,
) -> AccountDigest | None:
    chain: list[tuple[Commit | None, bytes | None]] = [(c, blobs.get((c.sha, path))) for c in versions]
    if history.is_modified(path):
        with suppress(OSError):  # gone meanwhile: its committed versions still count
            chain.append((None, path.read_bytes()))
    current = _model(chain[-1][1], path, today, rules) if chain and keep is not None else None
    if current is not None and keep is not None and not keep(current):
        return None
    previous = _model(blobs.get((base, path)) if base else None, path, today, rules)
    steps: list[Step] = []
    for commit, raw in chain:
        day = commit.day if commit is not None else today
        model = _model(raw, path, day, rules)
        if model is None:  # a version that does not validate: the next one is compared with the last good one
            continue
        events = tuple(changes(previous, model, day, rules))
        if events:
            author, sha = (commit.author, commit.sha) if commit is not None else ("", "")
            steps.append(Step(author, day, sha, events))
        previous = model
    shown = current or previous  # the newest good version names the account
    if shown is None:
        return None
    if keep is not None and current is None and not keep(shown):
        return None
    return AccountDigest(path.stem, shown.display_name, steps)


def _model(raw: bytes | None, path: Path, day: dt.date, rules: Rules) -> Dossier | None:
    if raw is None:
        return None
    checked = check_bytes(
        raw, path, day, roster=rules.roster, method=rules.method, companies=rules.companies, fields=rules.fields
    )
    return checked.dossier


def changes(old: Dossier | None, new: Dossier, day: dt.date, rules: Rules | None = None) -> Iterator[Event]:
    """What changed from `old` to `new` (both judged as of `day` for red flags); a new account is one event."""
    rules = rules or Rules()
    if old is None:
        yield Event("account_new", Weight.REST, new.display_name, "")
        return
    yield from _projects(old, new)
    yield from _people(old, new)
    yield from _visits(old, new)
    yield from _actions(old, new)
    yield from _flags(old, new, day, rules)


def _projects(old: Dossier, new: Dossier) -> Iterator[Event]:
    before = {p.id: p for p in old.projects}
    for project in new.projects:
        anchor, was = f"project-{project.id}", before.pop(project.id, None)
        if was is None and project.is_open:
            yield Event("project_new", Weight.REST, project.name, anchor, new=project.stage.value, value=project.value)
            continue
        if was is None or was.status is not project.status:  # one written down closed already counts as closed
            if project.status is ProjectStatus.WON:
                yield Event("won", Weight.WIN, project.name, anchor, value=project.value, detail=_text(project.reason))
            elif project.status is ProjectStatus.LOST:
                rival = new.competitor(project.lost_to) if project.lost_to else None
                detail = " · ".join(x for x in (rival.title if rival else "", _text(project.reason)) if x)
                yield Event("lost", Weight.RISK, project.name, anchor, value=project.value, detail=detail)
            elif project.status is ProjectStatus.DROPPED:
                yield Event(
                    "dropped", Weight.RISK, project.name, anchor, value=project.value, detail=_text(project.reason)
                )
            else:
                yield Event("reopened", Weight.REST, project.name, anchor, value=project.value)
        elif project.is_open and was is not None and was.stage is not project.stage:
            kind, weight = (
                ("stage_forward", Weight.REST)
                if project.stage.rank > was.stage.rank
                else ("stage_backward", Weight.RISK)
            )
            yield Event(kind, weight, project.name, anchor, was.stage.value, project.stage.value, project.value)
    for gone in before.values():
        yield Event("project_removed", Weight.REST, gone.name, "projects")


def _people(old: Dossier, new: Dossier) -> Iterator[Event]:
    before = {p.id: p for p in old.people}
    for person in new.people:
        anchor, was = f"person-{person.id}", before.pop(person.id, None)
        who = f"{person.name} · {person.title}" if person.title else person.name
        if was is None:
            yield Event("person_new", Weight.REST, who, anchor)
            continue
        for name in ("attitude", "relationship"):
            a, b = getattr(was, name), getattr(person, name)
            if a is not None and b is not None and a is not b:
                up = b.rank > a.rank
                yield Event(
                    f"{name}_{'up' if up else 'down'}",
                    Weight.REST if up else Weight.RISK,
                    who,
                    anchor,
                    a.value,
                    b.value,
                )
    for gone in before.values():
        who = f"{gone.name} · {gone.title}" if gone.title else gone.name
        yield Event("person_left", Weight.RISK, who, "people")


def _visits(old: Dossier, new: Dossier) -> Iterator[Event]:
    before = {v.id: v for v in old.visits}
    for visit in new.visits:
        anchor, was = f"visit-{visit.id}", before.get(visit.id)
        status = visit.status
        if was is not None and was.status is status:
            continue
        objective = _text(visit.objective)
        if status is VisitStatus.DONE:
            outcome = _text(visit.record.outcome) if visit.record is not None else ""
            yield Event("visit_done", Weight.REST, objective, anchor, detail=outcome, when=visit.date)
        elif status is VisitStatus.PLANNED and was is None:
            yield Event("visit_planned", Weight.REST, objective, anchor, when=visit.date)
        elif status is VisitStatus.CANCELLED:
            yield Event("visit_cancelled", Weight.REST, objective, anchor, when=visit.date)


def _actions(old: Dossier, new: Dossier) -> Iterator[Event]:
    before = {a.id: a for a in old.actions}
    for action in new.actions:
        was = before.get(action.id)
        if was is None and action.status is ActionStatus.OPEN:
            yield Event("action_opened", Weight.REST, action.what, "actions", detail=action.owner or "")
        elif (was is None or was.status is ActionStatus.OPEN) and action.status is ActionStatus.DONE:
            yield Event("action_closed", Weight.REST, action.what, "actions", detail=action.owner or "")
        elif (was is None or was.status is ActionStatus.OPEN) and action.status is ActionStatus.DROPPED:
            yield Event("action_dropped", Weight.REST, action.what, "actions", detail=action.owner or "")


def _flags(old: Dossier, new: Dossier, day: dt.date, rules: Rules) -> Iterator[Event]:
    """The red flags the step raised and resolved, both versions judged as of the step's day."""

    def flags(d: Dossier) -> dict[tuple[str, str], str]:
        found = checks.red_flags(d, day, rules.roster, rules.method)
        return {(f.code, _subject(f.loc, d)): f.message for f in found}

    was, now = flags(old), flags(new)
    for key, message in now.items():
        if key not in was:
            yield Event("flag_raised", Weight.RISK, message, "red-flags", detail=key[0])
    for key, message in was.items():
        if key not in now:
            yield Event("flag_resolved", Weight.REST, message, "red-flags", detail=key[0])


def _subject(loc: tuple[str | int, ...], dossier: Dossier) -> str:
    """A flag's place by the id of what it is about (an index moves when an item is added before it)."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int) and i > 0 and isinstance(loc[i - 1], str):
            items = getattr(dossier, str(loc[i - 1]), None)
            item = items[part] if isinstance(items, list) and 0 <= part < len(items) else None
            parts.append(str(getattr(item, "id", part)))
        else:
            parts.append(str(part))
    return "/".join(parts)


def _text(value: object) -> str:
    """A text field as one line (a list of lines joined)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return " ".join(str(value).split())
