"""Views across all accounts: the dashboard figures, the pipeline, upcoming visits, competitors, red flags, what
is overdue (each person's own view is in kadossier.dossier.team).

Pure functions over checked dossiers; the templates only lay out what these return.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kadossier.dossier.companies import Companies
from kadossier.dossier.completeness import Completeness
from kadossier.dossier.followup import owed
from kadossier.dossier.model import Competitor, Dossier, Project, Visit
from kadossier.dossier.parts import CompanyProfile, effective_win_rate, weighted
from kadossier.dossier.privacy import redact as redact_dossier
from kadossier.dossier.roster import name_id
from kadossier.dossier.vocab import Grade, Stage, Tier, VisitStatus
from kadossier.errors import Problem

if TYPE_CHECKING:
    from kadossier.dossier.validate import Checked

UPCOMING_DAYS = 14
"""The dashboard lists the planned visits of this many days from today."""
RECENT_RECORDS = 30
"""How many visit records the recent-records list shows."""


@dataclass(frozen=True, slots=True)
class Account:
    """A valid dossier with its id, its red flags, its file and how complete it is."""

    id: str
    dossier: Dossier
    flags: list[Problem]
    path: Path
    completeness: Completeness

    @classmethod
    def of(cls, checked: Checked, *, redact: bool = False) -> Account:
        """The account of a valid checked file; with `redact`, without personal data (kadossier.dossier.privacy)."""
        assert checked.dossier is not None and checked.completeness is not None
        dossier = redact_dossier(checked.dossier, checked.fields) if redact else checked.dossier
        return cls(checked.account, dossier, checked.warnings, checked.path, checked.completeness)


@dataclass(slots=True)
class Totals:
    """Sums per currency: value and value weighted by win rate, with a count."""

    count: int = 0
    value: dict[str, float] = field(default_factory=dict)
    weighted: dict[str, float] = field(default_factory=dict)

    def add(self, project: Project, currency: str) -> None:
        """Count a project and add its value."""
        value = project.value
        self.add_value(
            value.amount if value else None,
            value.currency if value else None,
            project.stage,
            project.win_rate,
            currency,
        )

    def add_value(
        self, amount: float | None, code: str | None, stage: Stage, win_rate: int | None, currency: str
    ) -> None:
        """Count a project of `amount` in `code` (None: the workspace's `currency`) at `stage`, with its own
        `win_rate` if it has one (the projects of the past have no Project: kadossier.history.trends)."""
        self.count += 1
        if amount is not None:
            code = code or currency
            self.value[code] = self.value.get(code, 0.0) + amount
            self.weighted[code] = self.weighted.get(code, 0.0) + weighted(amount, effective_win_rate(win_rate, stage))


@dataclass(frozen=True, slots=True)
class Dated:
    """A visit with its account, for lists across accounts."""

    account: Account
    visit: Visit


@dataclass(frozen=True, slots=True)
class Presence:
    """One competitor at one account."""

    account: Account
    competitor: Competitor
    projects: list[Project]


def grade_tier_counts(accounts: list[Account]) -> dict[tuple[Grade | None, Tier | None], int]:
    """How many accounts there are of each grade and tier."""
    return dict(Counter((a.dossier.grade, a.dossier.tier) for a in accounts))


def pipeline_totals(accounts: list[Account], currency: str) -> Totals:
    """All open projects' value and weighted value."""
    return totals_of((p for a in accounts for p in a.dossier.open_projects), currency)


def totals_of(projects: Iterable[Project], currency: str) -> Totals:
    """The count, value and weighted value of `projects` (the pipeline of now, or of a week in the past)."""
    totals = Totals()
    for project in projects:
        totals.add(project, currency)
    return totals


def by_stage(accounts: list[Account], currency: str) -> list[tuple[Stage, Totals]]:
    """Open projects per sales stage, in the order of the funnel."""
    return stages_of((p for a in accounts for p in a.dossier.open_projects), currency)


def stages_of(projects: Iterable[Project], currency: str) -> list[tuple[Stage, Totals]]:
    """`projects` per sales stage, in the order of the funnel (every stage, with nothing where none is)."""
    stages = {stage: Totals() for stage in Stage}
    for project in projects:
        stages[project.stage].add(project, currency)
    return list(stages.items())


def by_close_month(accounts: list[Account], currency: str) -> list[tuple[dt.date | None, Totals]]:
    """Open projects per expected close month (first of the month), undated last."""
    months: dict[dt.date | None, Totals] = defaultdict(Totals)
    for account in accounts:
        for project in account.dossier.open_projects:
            month = project.close_date.replace(day=1) if project.close_date else None
            months[month].add(project, currency)
    return sorted(months.items(), key=lambda item: (item[0] is None, item[0] or dt.date.min))


def open_projects(accounts: list[Account]) -> list[tuple[Account, Project]]:
    """Every open project with its account, furthest stage first."""
    pairs = [(a, p) for a in accounts for p in a.dossier.open_projects]
    return sorted(pairs, key=lambda pair: (-pair[1].stage.rank, -(pair[1].weighted_value or 0)))


def upcoming_visits(accounts: list[Account], today: dt.date, days: int | None = None) -> list[Dated]:
    """Planned visits from `today` on (within `days` if given), soonest first."""
    last = today + dt.timedelta(days=days) if days is not None else dt.date.max
    visits = [
        Dated(a, v)
        for a in accounts
        for v in a.dossier.visits
        if v.status is VisitStatus.PLANNED and today <= v.day <= last
    ]
    return sorted(visits, key=lambda d: (d.visit.sort_key, d.account.id))


def recent_records(accounts: list[Account], today: dt.date, limit: int = RECENT_RECORDS) -> list[Dated]:
    """The latest done visits up to `today`, newest first."""
    visits = [
        Dated(a, v) for a in accounts for v in a.dossier.visits if v.status is VisitStatus.DONE and v.day <= today
    ]
    return sorted(visits, key=lambda d: d.visit.sort_key, reverse=True)[:limit]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A closed project that one competitor was in at the end: we won it against them, or lost it to them."""

    account: Account
    project: Project
    won: bool


@dataclass(slots=True)
class Rival:
    """One competitor across accounts: a company profile's (every dossier competitor whose `ref` is its id), or
    one name's (dossier competitors without `ref`, case and spacing ignored)."""

    key: str
    """What groups it (see `rival_key`)."""
    slug: str
    """Its page's name in the site (`competitors/SLUG.md`): the profile's id, else made from the name."""
    title: str
    company: CompanyProfile | None = None
    presences: list[Presence] = field(default_factory=list)
    alike: CompanyProfile | None = None
    """For a name's group: the profile with that name or alias, which its dossiers could refer to with `ref`."""
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def wins(self) -> list[Outcome]:
        """The projects we won against it."""
        return [o for o in self.outcomes if o.won]

    @property
    def losses(self) -> list[Outcome]:
        """The projects we lost to it."""
        return [o for o in self.outcomes if not o.won]

    @property
    def reps(self) -> list[Presence]:
        """Where its sales representative is known: their name, style and relationship at each account."""
        return [x for x in self.presences if x.competitor.rep is not None]

    @property
    def projects(self) -> list[tuple[Account, Project]]:
        """Every project it is in, open ones first."""
        found = [(x.account, p) for x in self.presences for p in x.projects]
        return sorted(found, key=lambda item: (item[1].status.value != "open", item[0].dossier.display_name))


def rival_key(competitor: Competitor) -> str:
    """What groups a dossier's competitor with those of other accounts: its profile's id, else its name (case and
    spacing ignored)."""
    return f"ref\0{competitor.ref}" if competitor.ref else " ".join(competitor.title.casefold().split())


def rivals(accounts: list[Account], companies: Companies | None = None) -> list[Rival]:
    """Every competitor across accounts, most widespread first, then every profile present nowhere yet.

    A profile's `ref` links (an equal id or name never does: a competitor without `ref` whose name is a
    profile's gets a note in validation, not a merge); without `ref`, the same name does."""
    groups: dict[str, Rival] = {}
    for account in accounts:
        for competitor in account.dossier.competitors:
            key = rival_key(competitor)
            rival = groups.setdefault(key, Rival(key, "", competitor.title, competitor.company))
            involved = [
                p
                for p in account.dossier.projects
                if competitor.id in p.competitors or competitor.id in p.won_against or competitor.id == p.lost_to
            ]
            rival.presences.append(Presence(account, competitor, involved))
            for project in involved:
                if competitor.id in project.won_against or competitor.id == project.lost_to:
                    rival.outcomes.append(Outcome(account, project, competitor.id != project.lost_to))
    for profile in companies.profiles if companies is not None else ():
        groups.setdefault(f"ref\0{profile.id}", Rival(f"ref\0{profile.id}", "", profile.name, profile))
    for key, rival in groups.items():
        if companies is not None and not key.startswith("ref\0"):
            rival.alike = companies.named(rival.title)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1].presences), item[1].title.casefold()))
    taken: set[str] = {key.removeprefix("ref\0") for key, _ in ordered if key.startswith("ref\0")}
    for key, rival in ordered:  # a profile keeps its id; a name's slug never takes one
        if key.startswith("ref\0"):
            rival.slug = key.removeprefix("ref\0")
            continue
        base = name_id(rival.title, fallback="competitor")
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        rival.slug = slug
    return [rival for _, rival in ordered]


def flag_count(accounts: list[Account]) -> int:
    """How many red flags there are in all."""
    return sum(len(a.flags) for a in accounts)


def account_pipeline(account: Account, currency: str) -> dict[str, float]:
    """An account's weighted open pipeline per currency."""
    return {code: weighted for code, (_, weighted) in account.dossier.pipeline(currency).items()}


def overdue_count(account: Account, today: dt.date) -> int:
    """How many of the account's actions and our commitments are open past their due date."""
    return sum(1 for o in owed(account.dossier) if o.ours and o.overdue(today))


def overdue_by_account(accounts: list[Account], today: dt.date) -> dict[str, int]:
    """How many actions and commitments of ours are overdue, per account id."""
    return {a.id: overdue_count(a, today) for a in accounts}
