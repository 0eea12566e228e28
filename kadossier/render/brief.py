"""What a visit's brief prepares: the visit's project, who decides it, who competes in it, what to find out.

The brief is read in the taxi, on a phone (its page in the site) or on paper (its PDF): one template,
`templates/shared/brief.html`, makes the content of both. It must stay short whatever the dossier holds: every
list it shows is cut at a fixed number of items (`LIMITS`, one table), the rest counted in one line ("and 3
more — see the account pack", `more`). This module picks and orders what the brief shows and says which visits
have one (`briefed`); the template lays it out and cuts each list with one macro (`cut` in
`templates/pdf/macros.html`). `GLOBALS` are what the template needs beside the presenter's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kadossier.dossier.completeness import Completeness, Gap
from kadossier.dossier.model import Dossier, Visit
from kadossier.dossier.objections import Answer, Library
from kadossier.dossier.parts import Competitor, Milestone, Objection, Person, Project
from kadossier.dossier.vocab import Role, VisitStatus
from kadossier.i18n import ntr
from kadossier.render.present import items

LIMITS: dict[str, int] = {
    "names": 8,
    "promises": 4,
    "commits": 3,
    "changes": 6,
    "gaps": 5,
    "attendees": 3,
    "approach": 2,
    "openers": 3,
    "agenda": 4,
    "questions": 3,
    "objections": 3,
    "elsewhere": 1,  # the best answer used at another visit: a long brief stays within three pages
    "checklist": 6,
    "people": 4,
    "competitors": 2,
    "swot": 3,
    "record": 4,
}
"""How many items of each list a brief shows; the rest is counted in one line pointing to the account pack. The
numbers keep a brief full of long lists (60 people, 30 competitors, 40 promises) within three A4 pages."""


def more(n: int) -> str:
    """The line under a cut list: how many items the brief leaves out, and where they are."""
    return ntr("and {n} more — see the account pack", "and {n} more — see the account pack", n)


@dataclass(frozen=True, slots=True)
class Involved:
    """A decision maker or influencer of the visit's project, and whether they are at the visit."""

    person: Person
    role: Role
    """decision_maker or influencer: their place in the project's lists."""
    attending: bool


@dataclass(frozen=True)
class Preparation:
    """What a brief shows of a visit's project and its account, picked once for the template."""

    dossier: Dossier
    visit: Visit
    complete: Completeness
    """The account's completeness, scored when it was checked (before any redaction)."""
    account: str = ""
    """The account's id (the answers used elsewhere leave out this visit's own)."""
    library: Library | None = None
    """The objection library across accounts (None: no answers from elsewhere)."""

    @cached_property
    def elsewhere(self) -> list[tuple[Objection, list[Answer]]]:
        """Each expected objection of the visit with the best answers the team used at other visits."""
        if self.library is None:
            return [(o, []) for o in self.visit.objections]
        return self.library.elsewhere(self.account, self.visit, LIMITS["elsewhere"])

    @cached_property
    def project(self) -> Project | None:
        """The project the visit is about, if any."""
        return self.dossier.project(self.visit.project) if self.visit.project else None

    @cached_property
    def attendees(self) -> list[Person]:
        """Their people at the visit, in the visit's order."""
        return [p for p in (self.dossier.person(pid) for pid in self.visit.theirs) if p is not None]

    @cached_property
    def next_milestone(self) -> Milestone | None:
        """The project's first milestone not done yet, by date."""
        steps = sorted((m for m in self.project.timeline if not m.done), key=lambda m: m.date) if self.project else []
        return steps[0] if steps else None

    @cached_property
    def involved(self) -> list[Involved]:
        """The project's decision makers, then its influencers (each person once), the visit's attendees first."""
        if self.project is None:
            return []
        listed: dict[str, Role] = {}
        project = self.project
        for role, ids in ((Role.DECISION_MAKER, project.decision_makers), (Role.INFLUENCER, project.influencers)):
            for pid in ids:
                listed.setdefault(pid, role)
        found = []
        for pid, role in listed.items():
            person = self.dossier.person(pid)
            if person is not None:
                found.append(Involved(person, role, pid in self.visit.theirs))
        return sorted(found, key=lambda x: (x.role is not Role.DECISION_MAKER, not x.attending))

    @cached_property
    def competitors(self) -> list[Competitor]:
        """The competitors in the visit's project."""
        if self.project is None:
            return []
        return [c for c in (self.dossier.competitor(cid) for cid in self.project.competitors) if c is not None]

    @cached_property
    def gaps(self) -> list[Gap]:
        """What the visit can find out: the completeness gaps of its project and its attendees."""
        return self.complete.concerning(self.visit.project, self.visit.theirs)

    @property
    def unconfirmed(self) -> bool:
        """A planned visit whose appointment is not known to be agreed: call ahead."""
        return self.visit.status is VisitStatus.PLANNED and self.visit.confirmed is not True


def briefed(visit: Visit) -> bool:
    """Whether a visit has a brief (a page in the site, a PDF beside it): a planned one."""
    return visit.status is VisitStatus.PLANNED


def plans_for(person: Person) -> bool:
    """Whether the brief shows this person's target and approach with them: a decision maker or coach, or anyone
    with a target or an approach written down."""
    key_role = Role.DECISION_MAKER in person.roles or Role.COACH in person.roles
    return key_role or person.target is not None or person.approach is not None


GLOBALS: dict[str, Any] = {"items": items, "limits": LIMITS, "more": more, "plans_for": plans_for}
"""What the brief's template uses beside the presenter's globals (the site's and the PDFs' environments add them)."""

__all__ = ["GLOBALS", "LIMITS", "Involved", "Preparation", "briefed", "more", "plans_for"]
