"""The dossier as a pydantic model: the schema, its documentation and the values derived from it.

Every field has a one-line docstring; the JSON Schema, the field reference in the README and the
validator all come from these classes (the parts are in `kadossier.dossier.parts`). Values computed from a
dossier (win rates, weighted pipeline, value score, next visit, last contact, review age) live on the
models and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from kadossier.dossier.custom import Custom
from kadossier.dossier.fields import IsoDate, Name, Text
from kadossier.dossier.parts import (
    MAX_LIST,
    Action,
    Background,
    Competitor,
    Part,
    Person,
    Project,
    Source,
    Swot,
    ValueAssessment,
    Visit,
)
from kadossier.dossier.vocab import Grade, Role, Tier, VisitStatus

SCHEMA_VERSION = 1
MAX_ITEMS = MAX_LIST
"""Most people, projects, competitors, visits or sources one dossier may list: a key account has dozens;
thousands are a mistake (or an attack) that would make every page and PDF of it unusable."""


class Dossier(Part):
    """One key account's dossier (大客户档案): one YAML file in the workspace's dossiers folder."""

    schema_version: Literal[1]
    """Version of the dossier format; 1."""
    name: Name
    """The account's full name."""
    short_name: str | None = None
    """A short name for tables and headers."""
    aliases: list[str] = []
    """Other names it goes by, found by search."""
    owner: Name
    """The account manager (客户经理) responsible for it."""
    team: list[str] = []
    """Our account team."""
    grade: Grade | None = None
    """A = all-in, B = controlled investment, C = watch and wait."""
    tier: Tier | None = None
    """key, major, ordinary or small."""
    industry: str | None = None
    """Industry."""
    region: str | None = None
    """Sales region."""
    tags: list[str] = []
    """Free tags."""
    reviewed: IsoDate | None = None
    """When the owner last reviewed the whole dossier."""
    summary: Text | None = None
    """The account in a few sentences: the first thing a reader sees."""
    background: Background | None = None
    """Who the account is."""
    people: list[Person] = Field(default=[], max_length=MAX_ITEMS)
    """The key people and the decision chain."""
    projects: list[Project] = Field(default=[], max_length=MAX_ITEMS)
    """Projects and opportunities."""
    competitors: list[Competitor] = Field(default=[], max_length=MAX_ITEMS)
    """Competitors at the account."""
    swot: Swot | None = None
    """Our SWOT at the account."""
    value: ValueAssessment | None = None
    """Value assessment."""
    actions: list[Action] = Field(default=[], max_length=MAX_ITEMS)
    """The account plan's actions: what our side does, by whom, by when."""
    visits: list[Visit] = Field(default=[], max_length=MAX_ITEMS)
    """Visits: plans and records."""
    sources: list[Source] = Field(default=[], max_length=MAX_ITEMS)
    """Where the important facts came from."""
    notes: Text | None = None
    """Anything else."""
    custom: Custom = {}
    """The workspace's own fields (declared in mkdocs.yml, option custom_fields), by name."""

    @property
    def display_name(self) -> str:
        """The short name if there is one, else the full name."""
        return self.short_name or self.name

    @property
    def open_projects(self) -> list[Project]:
        """Projects still being pursued."""
        return [p for p in self.projects if p.is_open]

    @property
    def leading_project(self) -> Project | None:
        """The open project furthest along (ties: the most valuable)."""
        return max(self.open_projects, key=lambda p: (p.stage.rank, p.weighted_value or 0), default=None)

    def pipeline(self, default_currency: str) -> dict[str, tuple[float, float]]:
        """Return open pipeline per currency as (value, weighted value)."""
        totals: dict[str, tuple[float, float]] = {}
        for project in self.open_projects:
            if project.value is None:
                continue
            currency = project.value.currency or default_currency
            value, weighted = totals.get(currency, (0.0, 0.0))
            totals[currency] = (value + project.value.amount, weighted + (project.weighted_value or 0))
        return totals

    @property
    def decision_makers(self) -> list[Person]:
        """People with the decision-maker role or named a decision maker of an open project."""
        named = {pid for project in self.open_projects for pid in project.decision_makers}
        return [p for p in self.people if p.id in named or Role.DECISION_MAKER in p.roles]

    def person(self, person_id: str) -> Person | None:
        """Return the person with this id, if any."""
        return next((p for p in self.people if p.id == person_id), None)

    def next_visit(self, today: dt.date) -> Visit | None:
        """The earliest planned visit on or after `today`."""
        planned = [v for v in self.visits if v.status is VisitStatus.PLANNED and v.day >= today]
        return min(planned, key=lambda v: v.sort_key, default=None)

    def last_visit(self, today: dt.date) -> Visit | None:
        """The latest visit done on or before `today`."""
        done = [v for v in self.visits if v.status is VisitStatus.DONE and v.day <= today]
        return max(done, key=lambda v: v.sort_key, default=None)

    def visit(self, visit_id: str) -> Visit | None:
        """Return the visit with this id, if any."""
        return next((v for v in self.visits if v.id == visit_id), None)

    def previous_visit(self, visit: Visit) -> Visit | None:
        """The latest done visit before `visit`."""
        done = [v for v in self.visits if v.status is VisitStatus.DONE and v.sort_key < visit.sort_key]
        return max(done, key=lambda v: v.sort_key, default=None)

    def project(self, project_id: str | None) -> Project | None:
        """Return the project with this id, if any."""
        return next((p for p in self.projects if p.id == project_id), None)

    def action(self, action_id: str) -> Action | None:
        """Return the action with this id, if any."""
        return next((a for a in self.actions if a.id == action_id), None)

    def competitor(self, competitor_id: str) -> Competitor | None:
        """Return the competitor with this id, if any."""
        return next((c for c in self.competitors if c.id == competitor_id), None)

    @property
    def last_contact(self) -> dt.date | None:
        """The latest of the people's last contacts and the done visits' dates."""
        dates = [p.last_contact for p in self.people if p.last_contact]
        dates += [v.day for v in self.visits if v.status is VisitStatus.DONE]
        return max(dates, default=None)

    def days_since_review(self, today: dt.date) -> int | None:
        """Days from `reviewed` to `today`; None if never reviewed."""
        return None if self.reviewed is None else (today - self.reviewed).days

    @property
    def value_score(self) -> float | None:
        """The value assessment's score on 1-5."""
        return None if self.value is None else self.value.score


__all__ = ["SCHEMA_VERSION", "Action", "Competitor", "Dossier", "Person", "Project", "Visit"]
