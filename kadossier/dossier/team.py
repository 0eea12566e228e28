"""Each of our people's week across the accounts: what the person pages and the Team page of the wiki show.

Pure functions over the valid accounts and the roster (kadossier.dossier.roster), computed once per build for
everyone (`views`), so that a workspace of a thousand accounts walks its accounts once, not once per person.
The templates only lay out what these return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from kadossier.dossier.followup import FollowUp, Owed, follow_ups, owed, owed_by, seen_to_by
from kadossier.dossier.portfolio import UPCOMING_DAYS, Account, Dated
from kadossier.dossier.roster import Member, Roster
from kadossier.dossier.vocab import VisitStatus
from kadossier.errors import Problem


@dataclass(frozen=True, slots=True)
class OwedAt:
    """An action or a commitment with its account."""

    account: Account
    item: Owed


@dataclass(frozen=True, slots=True)
class FollowUpAt:
    """A follow-up date with its account."""

    account: Account
    follow_up: FollowUp


@dataclass(slots=True)
class PersonView:
    """One of our people as of a day: their accounts, visits, what they owe, what to follow up, their flags."""

    member: Member
    owned: list[Account] = field(default_factory=list)
    """The accounts they are the owner (客户经理) of."""
    on_team: list[Account] = field(default_factory=list)
    """The accounts whose team they are in, without owning them."""
    visits: list[Dated] = field(default_factory=list)
    """The planned visits they see to (`followup.seen_to_by`) in the next UPCOMING_DAYS days, soonest first."""
    owed: list[OwedAt] = field(default_factory=list)
    """Their open actions and commitments, overdue first, then by due date."""
    theirs: list[OwedAt] = field(default_factory=list)
    """The customer's open promises made at the visits they see to (a reason to call), overdue first."""
    follow_ups: list[FollowUpAt] = field(default_factory=list)
    """The follow-up dates of the visits they see to with no contact since, soonest first."""
    flags: list[tuple[Account, Problem]] = field(default_factory=list)
    """The red flags of the accounts they own."""

    @property
    def reminders(self) -> list[FollowUpAt | OwedAt]:
        """The follow-ups and the customer's promises together, by date: the calls to make."""
        return sorted([*self.follow_ups, *self.theirs], key=_reminder_day)

    def overdue(self, today: dt.date) -> int:
        """How many of their open items are past due."""
        return sum(1 for o in self.owed if o.item.overdue(today))


def views(accounts: list[Account], roster: Roster, today: dt.date) -> dict[str, PersonView]:
    """Everyone of the roster's view, by id, in one walk over the accounts."""
    found = {m.id: PersonView(m) for m in roster.members}
    last = today + dt.timedelta(days=UPCOMING_DAYS)

    def of(name: str | None) -> PersonView | None:
        member = roster.member(name) if name else None
        return found.get(member.id) if member is not None else None

    for account in sorted(accounts, key=lambda a: (a.dossier.name, a.id)):
        d = account.dossier
        owner = of(d.owner)
        if owner is not None:
            owner.owned.append(account)
            owner.flags.extend((account, flag) for flag in account.flags)
        for name in dict.fromkeys(d.team):
            view = of(name)
            # two names of one person (a former name) in one team: once (by identity: comparing dossiers is slow)
            if view is not None and view is not owner and not (view.on_team and view.on_team[-1] is account):
                view.on_team.append(account)
        for visit in d.visits:
            if visit.status is VisitStatus.PLANNED and today <= visit.day <= last:
                for ident in _ids(of, seen_to_by(d, visit)):
                    found[ident].visits.append(Dated(account, visit))
        for item in owed(d):
            if item.is_open:
                for ident in _ids(of, owed_by(d, item)):
                    (found[ident].owed if item.ours else found[ident].theirs).append(OwedAt(account, item))
        for follow_up in follow_ups(d):
            if not follow_up.done:
                for ident in _ids(of, seen_to_by(d, follow_up.visit)):
                    found[ident].follow_ups.append(FollowUpAt(account, follow_up))
    for view in found.values():
        view.visits.sort(key=lambda x: (x.visit.sort_key, x.account.id))
        view.owed.sort(key=lambda x: (*x.item.sort_key(today), x.account.id))
        view.theirs.sort(key=lambda x: (*x.item.sort_key(today), x.account.id))
        view.follow_ups.sort(key=lambda x: (x.follow_up.due, x.account.id, x.follow_up.visit.id))
    return found


def _reminder_day(x: FollowUpAt | OwedAt) -> tuple[dt.date, str]:
    if isinstance(x, FollowUpAt):
        return x.follow_up.due, x.account.id
    return x.item.due or dt.date.max, x.account.id


def _ids(of: Callable[[str | None], PersonView | None], names: list[str]) -> list[str]:
    """The ids of the people these names are, once each."""
    return list(dict.fromkeys(view.member.id for view in map(of, names) if view is not None))


__all__ = ["FollowUpAt", "OwedAt", "PersonView", "views"]
