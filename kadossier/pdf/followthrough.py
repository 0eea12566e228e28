"""What the briefing PDFs show of follow-through: an account's actions, its open commitments, each visit
record's structured commitments, and the promises a visit brief recalls.

The data and its rules (what is open, what is overdue, what concerns a visit) are
`kadossier.dossier.followup`'s; this module only picks and orders the items each part of a PDF lists, so
that the templates do layout and nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from kadossier.dossier.followup import Owed, involving, open_owed, owed
from kadossier.dossier.model import Dossier, Visit


@dataclass(frozen=True)
class FollowThrough:
    """The follow-through of one dossier as of one day, for its pack and its briefs."""

    dossier: Dossier
    today: dt.date

    @cached_property
    def items(self) -> list[Owed]:
        """Every action and structured commitment, in file order."""
        return owed(self.dossier)

    @cached_property
    def open(self) -> list[Owed]:
        """What is still owed, overdue first."""
        return open_owed(self.dossier, self.today)

    @cached_property
    def actions(self) -> list[Owed]:
        """Every action: the open ones first (overdue first, then by due date), then the done and dropped."""
        listed = [o for o in self.items if o.kind == "action"]
        return sorted(listed, key=lambda o: (not o.is_open, *o.sort_key(self.today)))

    @cached_property
    def open_commitments(self) -> list[Owed]:
        """The open commitments made at visits, ours and theirs, overdue first."""
        return [o for o in self.open if o.kind == "commitment"]

    @cached_property
    def overdue(self) -> list[Owed]:
        """The open items past their due date."""
        return [o for o in self.open if o.overdue(self.today)]

    def made_at(self, visit: Visit) -> list[Owed]:
        """The structured commitments of a visit's record, in the record's order."""
        return [o for o in self.items if o.kind == "commitment" and o.visit == visit.id]

    def promises(self, visit: Visit) -> list[Owed]:
        """What a visit's brief recalls: the open items that involve its attendees or its project, overdue first."""
        return involving(self.open, visit)


__all__ = ["FollowThrough"]
