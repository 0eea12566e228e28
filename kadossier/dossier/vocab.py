"""The controlled vocabularies of the dossier format.

Values are always English; their labels in each language belong to the presentation layer. Where a
vocabulary is ordered (stages, relationship stages, levels) the enum's order is the order of progress.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from functools import cache

import yaml

from kadossier.i18n import active
from kadossier.utils.shipped import default_templates_dir


class Grade(StrEnum):
    """A = all-in (全力以赴), B = controlled investment, C = watch and wait."""

    A = "A"
    B = "B"
    C = "C"


class Tier(StrEnum):
    """Place in the customer pyramid: key (VIP, top 1%), major, ordinary, small."""

    KEY = "key"
    MAJOR = "major"
    ORDINARY = "ordinary"
    SMALL = "small"


class Organization(StrEnum):
    """Organization form (组织机构)."""

    HEADQUARTERS = "headquarters"
    BRANCH = "branch"
    FRANCHISE = "franchise"
    SUBSIDIARY = "subsidiary"
    GOVERNMENT = "government"
    OTHER = "other"


class DepartmentKind(StrEnum):
    """A department's role in buying: using, purchasing, support, management."""

    USING = "using"
    PURCHASING = "purchasing"
    SUPPORT = "support"
    MANAGEMENT = "management"
    OTHER = "other"


class Rating(StrEnum):
    """High, medium or low: satisfaction, influence, reliability."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Level(StrEnum):
    """A person's level: operating (操作层), management (管理层), executive (决策层)."""

    OPERATING = "operating"
    MANAGEMENT = "management"
    EXECUTIVE = "executive"


class Role(StrEnum):
    """A person's buying role in the decision chain."""

    DECISION_MAKER = "decision_maker"
    INFLUENCER = "influencer"
    USER = "user"
    TECHNICAL = "technical"
    PURCHASING = "purchasing"
    COACH = "coach"


class Attitude(StrEnum):
    """A person's attitude toward us, from best to worst."""

    CHAMPION = "champion"
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    SKEPTIC = "skeptic"
    OPPONENT = "opponent"

    @property
    def rank(self) -> int:
        """Position from worst to best: 0 for opponent, 4 for champion."""
        return len(Attitude) - 1 - list(Attitude).index(self)


class Relationship(StrEnum):
    """Relationship stage with us: 认识 -> 约会 -> 认同 -> 信赖 -> 同盟."""

    NONE = "none"
    ACQUAINTED = "acquainted"
    MET = "met"
    RECOGNIZED = "recognized"
    TRUSTED = "trusted"
    ALLIED = "allied"

    @property
    def rank(self) -> int:
        """Position in the progression, 0 for none."""
        return list(Relationship).index(self)


class Stage(StrEnum):
    """Sales stage of a project, in order; each has a default win rate."""

    INTEREST = "interest"
    TRUST = "trust"
    DESIGN = "design"
    COMPARE = "compare"
    COMMIT = "commit"
    USE = "use"

    @property
    def win_rate(self) -> int:
        """Default win rate in percent (兴趣 5%, 酝酿 10%, 设计 20%, 比较 30%, 承诺 50%, 使用 80%)."""
        return _WIN_RATES[self]

    @property
    def rank(self) -> int:
        """Position in the sales process, 0 for interest."""
        return list(Stage).index(self)


_WIN_RATES = {
    Stage.INTEREST: 5,
    Stage.TRUST: 10,
    Stage.DESIGN: 20,
    Stage.COMPARE: 30,
    Stage.COMMIT: 50,
    Stage.USE: 80,
}


class ProjectStatus(StrEnum):
    """Whether a project is still being pursued."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"
    DROPPED = "dropped"


class VisitKind(StrEnum):
    """What kind of contact a visit is."""

    VISIT = "visit"
    CALL = "call"
    MEETING = "meeting"
    EVENT = "event"
    OTHER = "other"


class VisitStatus(StrEnum):
    """Planned before, done after, or cancelled."""

    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class ActionStatus(StrEnum):
    """Whether an action or a commitment is still owed: open until done, or dropped on purpose."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class Channel(StrEnum):
    """Where a fact came from (资料收集渠道)."""

    WEBSITE = "website"
    ANNUAL_REPORT = "annual_report"
    DATABASE = "database"
    INDUSTRY_SITE = "industry_site"
    EXHIBITION = "exhibition"
    CUSTOMER = "customer"
    OLD_CUSTOMER = "old_customer"
    COMPETITOR = "competitor"
    FIELD_RESEARCH = "field_research"
    CONFERENCE = "conference"
    AGENCY = "agency"
    INTERNAL = "internal"
    OTHER = "other"


VOCABS: dict[type[Enum], str] = {
    Grade: "grade",
    Tier: "tier",
    Organization: "organization",
    DepartmentKind: "department_kind",
    Rating: "rating",
    Level: "level",
    Role: "role",
    Attitude: "attitude",
    Relationship: "relationship",
    Stage: "stage",
    ProjectStatus: "project_status",
    VisitKind: "visit_kind",
    VisitStatus: "visit_status",
    ActionStatus: "action_status",
    Channel: "channel",
}
"""Each vocabulary and its section in the labels files (`templates/labels/<language>.yaml`, `vocab:`)."""


@cache
def shipped_labels(language: str) -> dict[str, dict[str, str]]:
    """The shipped labels of every vocabulary in `language` (`{"level": {"management": "管理层", ...}}`)."""
    path = default_templates_dir() / "labels" / f"{language}.yaml"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream) or {}
    return {name: {str(k): str(v) for k, v in entries.items()} for name, entries in data.get("vocab", {}).items()}


def label(value: StrEnum, language: str | None = None) -> str:
    """The shipped label of a vocabulary value in `language` (the active one by default), for messages."""
    name = VOCABS.get(type(value))
    labels = shipped_labels(language or active()).get(name or "", {})
    return labels.get(value.value, value.value)
