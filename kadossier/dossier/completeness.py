"""How complete a dossier is: the training material's checklists as one weighted table, and what is missing.

信息不足的，继续收集信息 — the method's first rule is to know what we do not know yet. `CHECKLIST` is that
knowledge as rows (item, what counts as present, weight), in one place: the README prints it (`kadossier schema
--markdown`), a workspace re-weights rows with the `method` option's `weights`.

A row applies to the account as a whole (an organization form, a coach), or to each of its open projects, key
people or competitors in turn; a row that has nothing to apply to (no open project, no competitor listed) is
left out. A row counts its weight times the share of the things it applies to that have it; the score is the
weighted share of the applicable rows, in percent. Every thing that lacks a row's item is a `Gap`, located where
it would be written, so the account page, the pack and a visit's brief can say what to find out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kadossier.dossier.method import Method
from kadossier.dossier.model import Dossier
from kadossier.dossier.parts import Competitor, Person, Project
from kadossier.dossier.vocab import Role, Stage
from kadossier.i18n import tr

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """A row of the checklist: what the material says to know, and how much it weighs."""

    key: str
    """Its stable key (the `weights` option names it)."""
    section: str
    """background, project, decision_chain, competitors, profiles or assessment."""
    weight: float
    """Its default weight."""
    present: str
    """What counts as present (documentation, in English)."""

    @property
    def label(self) -> str:
        """What is to be known, in the active language."""
        return _LABELS[self.key]()


CHECKLIST: tuple[Item, ...] = (
    Item("organization", "background", 1, "background.organization is given"),
    Item("scale", "background", 1, "background.employees or background.revenue is given"),
    Item("annual_volume", "background", 1, "background.annual_volume is given"),
    Item("purchase_pattern", "background", 1, "background.purchase_pattern is given"),
    Item("contact_channels", "background", 1, "background.address, background.phone, and a website or an email"),
    Item("departments", "background", 1, "a department in background.departments with its kind (using, purchasing...)"),
    Item("plan", "project", 1, "each open project: plan"),
    Item("problem", "project", 2, "each open project: problem"),
    Item("budget", "project", 2, "each open project: budget"),
    Item("timeline", "project", 1, "each open project: a milestone in timeline"),
    Item("process", "project", 1, "each open project: process"),
    Item("decision_makers", "project", 2, "each open project: a decision maker in decision_makers"),
    Item("influencers", "project", 1, "each open project: an influencer in influencers"),
    Item("competitors", "project", 2, "each open project at compare or later: a competitor in competitors"),
    Item("decision_maker", "decision_chain", 3, "a decision maker (role decision_maker, or named by an open project)"),
    Item("coach", "decision_chain", 3, "a person with the role coach"),
    Item("key_people", "decision_chain", 2, "each person: level, roles, attitude and relationship"),
    Item("reports_to", "decision_chain", 1, "with 2 or more people: reports_to for all but one (the top)"),
    Item("competitor_products", "competitors", 1, "each competitor: products"),
    Item("competitor_rep", "competitors", 1, "each competitor: rep with a name"),
    Item("competitor_strengths", "competitors", 1, "each competitor: strengths (its own, or its profile's)"),
    Item("competitor_weaknesses", "competitors", 1, "each competitor: weaknesses (its own, or its profile's)"),
    Item("decision_maker_profiles", "profiles", 1, "each decision maker: a personal profile"),
    Item("coach_profile", "profiles", 1, "each coach: a personal profile"),
    Item("value", "assessment", 1, "value: a score for at least one criterion"),
    Item("sources", "assessment", 1, "sources: at least one"),
)
"""The checklist, by section in the material's order (客户背景资料, 项目资料, 决策链, 竞争对手资料, 个人资料, 价值
评估, 资料收集渠道)."""

ITEMS = {item.key: item for item in CHECKLIST}


@dataclass(frozen=True, slots=True)
class Gap:
    """One thing not known yet: a checklist item missing for the account, or for one of its projects, people or
    competitors (`subject`, by id; `name` is how it reads)."""

    item: Item
    loc: Loc
    """Where in the dossier it would be written."""
    project: str | None = None
    person: str | None = None
    competitor: str | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        """What is missing, in the active language."""
        return self.item.label


@dataclass(frozen=True, slots=True)
class Completeness:
    """A dossier's completeness: the score in percent, the bar its grade should reach, and every gap."""

    score: int
    bar: int
    gaps: tuple[Gap, ...]
    projects: dict[str, int]
    """Each open project's own score in percent: the weighted share of the project rows it has, by project id."""

    @property
    def below_bar(self) -> bool:
        """Whether the score is under the bar set for the account's grade."""
        return self.score < self.bar

    def grouped(self) -> list[tuple[str, str | None, list[Gap]]]:
        """The gaps by what they are about, in checklist order: (kind, name, gaps), kind being account, project,
        person or competitor (the account's own first)."""
        groups: dict[tuple[str, str | None], list[Gap]] = {}
        for gap in self.gaps:
            kind = (
                "project" if gap.project else "person" if gap.person else "competitor" if gap.competitor else "account"
            )
            groups.setdefault((kind, gap.project or gap.person or gap.competitor), []).append(gap)
        order = {"account": 0, "project": 1, "person": 2, "competitor": 3}
        ranked = sorted(groups.items(), key=lambda group: order[group[0][0]])  # stable: checklist order within
        return [(kind, gaps[0].name, gaps) for (kind, _), gaps in ranked]

    def of_project(self, project_id: str) -> list[Gap]:
        """The gaps of one project."""
        return [g for g in self.gaps if g.project == project_id]

    def to_json(self) -> dict[str, Any]:
        """The completeness as JSON values (for the page cache)."""
        gaps = [[g.item.key, list(g.loc), g.project, g.person, g.competitor, g.name] for g in self.gaps]
        return {"score": self.score, "bar": self.bar, "gaps": gaps, "projects": self.projects}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Completeness:
        """The completeness `to_json` wrote (KeyError, TypeError or ValueError if it is not one)."""
        gaps = tuple(
            Gap(ITEMS[key], tuple(loc), project, person, competitor, name)
            for key, loc, project, person, competitor, name in data["gaps"]
        )
        projects = {str(k): int(v) for k, v in dict(data["projects"]).items()}
        return cls(int(data["score"]), int(data["bar"]), gaps, projects)

    def concerning(self, project: str | None, people: Sequence[str]) -> list[Gap]:
        """The gaps a visit about `project` with `people` can close: that project's, those people's, the competitors'
        of that project, and the account-wide ones of the decision chain."""
        return [
            g
            for g in self.gaps
            if (g.project is not None and g.project == project)
            or (g.person is not None and g.person in people)
            or (g.item.section == "decision_chain" and g.person is None)
        ]


def completeness(dossier: Dossier, method: Method | None = None) -> Completeness:
    """Score `dossier` against the checklist, weighted as `method` says."""
    method = method or Method()
    earned = total = 0.0
    gaps: list[Gap] = []
    by_project: dict[str, list[float]] = {p.id: [0.0, 0.0] for p in dossier.open_projects}
    for item in CHECKLIST:
        checks = list(_JUDGES[item.key](dossier))
        if not checks:
            continue
        weight = method.weights.get(item.key, item.weight)
        have = sum(1 for check in checks if check.present)
        earned += weight * have / len(checks)
        total += weight
        for check in checks:
            if check.project is not None:  # a project row checks one thing per project: its whole weight
                sums = by_project[check.project]
                sums[0] += weight * check.present
                sums[1] += weight
            if not check.present:
                gaps.append(Gap(item, check.loc, check.project, check.person, check.competitor, check.name))
    score = round(100 * earned / total) if total else 100
    projects = {pid: round(100 * have / most) if most else 100 for pid, (have, most) in by_project.items()}
    return Completeness(score, method.bar(dossier.grade), tuple(gaps), projects)


@dataclass(frozen=True, slots=True)
class _Check:
    present: bool
    loc: Loc
    project: str | None = None
    person: str | None = None
    competitor: str | None = None
    name: str | None = None


def _account(present: Callable[[Dossier], bool], loc: Loc) -> Callable[[Dossier], Iterator[_Check]]:
    def judge(dossier: Dossier) -> Iterator[_Check]:
        yield _Check(present(dossier), loc)

    return judge


def _background(present: Callable[[Dossier], bool], field: str) -> Callable[[Dossier], Iterator[_Check]]:
    return _account(lambda d: d.background is not None and present(d), ("background", field))


def _per_project(
    present: Callable[[Project], bool], field: str, applies: Callable[[Project], bool] = lambda p: True
) -> Callable[[Dossier], Iterator[_Check]]:
    def judge(dossier: Dossier) -> Iterator[_Check]:
        for i, project in enumerate(dossier.projects):
            if project.is_open and applies(project):
                yield _Check(present(project), ("projects", i, field), project=project.id, name=project.name)

    return judge


def _per_competitor(present: Callable[[Competitor], bool], field: str) -> Callable[[Dossier], Iterator[_Check]]:
    def judge(dossier: Dossier) -> Iterator[_Check]:
        for i, competitor in enumerate(dossier.competitors):
            yield _Check(
                present(competitor), ("competitors", i, field), competitor=competitor.id, name=competitor.title
            )

    return judge


def _profiles(who: Callable[[Dossier], list[Person]]) -> Callable[[Dossier], Iterator[_Check]]:
    def judge(dossier: Dossier) -> Iterator[_Check]:
        index = {p.id: i for i, p in enumerate(dossier.people)}
        for person in who(dossier):
            loc: Loc = ("people", index[person.id], "id")
            yield _Check(person.profile is not None, loc, person=person.id, name=person.name)

    return judge


def _key_people(dossier: Dossier) -> Iterator[_Check]:
    for i, p in enumerate(dossier.people):
        known = p.level is not None and bool(p.roles) and p.attitude is not None and p.relationship is not None
        yield _Check(known, ("people", i, "id"), person=p.id, name=p.name)


def _reports_to(dossier: Dossier) -> Iterator[_Check]:
    if len(dossier.people) < 2:
        return
    unplaced = [i for i, p in enumerate(dossier.people) if p.reports_to is None]
    for i in unplaced[1:]:  # one person may be the top of the chart
        person = dossier.people[i]
        yield _Check(False, ("people", i, "id"), person=person.id, name=person.name)
    for _ in range(len(dossier.people) - max(len(unplaced), 1)):
        yield _Check(True, ("people",))


def _coaches(dossier: Dossier) -> list[Person]:
    return [p for p in dossier.people if Role.COACH in p.roles]


def _contact_channels(dossier: Dossier) -> bool:
    b = dossier.background
    return b is not None and bool(b.address and b.phone and (b.website or b.email))


_JUDGES: dict[str, Callable[[Dossier], Iterator[_Check]]] = {
    "organization": _background(lambda d: d.background.organization is not None, "organization"),  # type: ignore[union-attr]
    "scale": _background(lambda d: d.background.employees is not None or d.background.revenue is not None, "employees"),  # type: ignore[union-attr]
    "annual_volume": _background(lambda d: bool(d.background.annual_volume), "annual_volume"),  # type: ignore[union-attr]
    "purchase_pattern": _background(lambda d: bool(d.background.purchase_pattern), "purchase_pattern"),  # type: ignore[union-attr]
    "contact_channels": _account(_contact_channels, ("background",)),
    "departments": _background(lambda d: any(x.kind for x in d.background.departments), "departments"),  # type: ignore[union-attr]
    "plan": _per_project(lambda p: bool(p.plan), "plan"),
    "problem": _per_project(lambda p: bool(p.problem), "problem"),
    "budget": _per_project(lambda p: p.budget is not None, "budget"),
    "timeline": _per_project(lambda p: bool(p.timeline), "timeline"),
    "process": _per_project(lambda p: bool(p.process), "process"),
    "decision_makers": _per_project(lambda p: bool(p.decision_makers), "decision_makers"),
    "influencers": _per_project(lambda p: bool(p.influencers), "influencers"),
    "competitors": _per_project(
        lambda p: bool(p.competitors), "competitors", applies=lambda p: p.stage.rank >= Stage.COMPARE.rank
    ),
    "decision_maker": _account(lambda d: bool(d.decision_makers), ("people",)),
    "coach": _account(lambda d: bool(_coaches(d)), ("people",)),
    "key_people": _key_people,
    "reports_to": _reports_to,
    "competitor_products": _per_competitor(lambda c: bool(c.products), "products"),
    "competitor_rep": _per_competitor(lambda c: c.rep is not None and bool(c.rep.name), "rep"),
    # the company's profile (competitors.yaml) knows its strengths and weaknesses for every account
    "competitor_strengths": _per_competitor(
        lambda c: bool(c.strengths or (c.company and c.company.strengths)), "strengths"
    ),
    "competitor_weaknesses": _per_competitor(
        lambda c: bool(c.weaknesses or (c.company and c.company.weaknesses)), "weaknesses"
    ),
    "decision_maker_profiles": _profiles(lambda d: d.decision_makers),
    "coach_profile": _profiles(_coaches),
    "value": _account(lambda d: d.value_score is not None, ("value",)),
    "sources": _account(lambda d: bool(d.sources), ("sources",)),
}

_LABELS: dict[str, Callable[[], str]] = {
    "organization": lambda: tr("the organization form"),
    "scale": lambda: tr("its scale (employees or revenue)"),
    "annual_volume": lambda: tr("its annual purchase volume"),
    "purchase_pattern": lambda: tr("its purchase pattern"),
    "contact_channels": lambda: tr("its contact channels (address, phone, web site or email)"),
    "departments": lambda: tr("the departments by their role in buying"),
    "plan": lambda: tr("the procurement plan"),
    "problem": lambda: tr("the problem the project must solve"),
    "budget": lambda: tr("the budget"),
    "timeline": lambda: tr("the procurement timeline"),
    "process": lambda: tr("the procurement process"),
    "decision_makers": lambda: tr("who decides"),
    "influencers": lambda: tr("who influences the decision"),
    "competitors": lambda: tr("which competitors are in it"),
    "decision_maker": lambda: tr("a decision maker"),
    "coach": lambda: tr("a coach (inside contact)"),
    "key_people": lambda: tr("level, roles, attitude and relationship"),
    "reports_to": lambda: tr("whom they report to"),
    "competitor_products": lambda: tr("the competitor's products here"),
    "competitor_rep": lambda: tr("the competitor's sales rep"),
    "competitor_strengths": lambda: tr("the competitor's strengths"),
    "competitor_weaknesses": lambda: tr("the competitor's weaknesses"),
    "decision_maker_profiles": lambda: tr("the decision maker's personal profile"),
    "coach_profile": lambda: tr("the coach's personal profile"),
    "value": lambda: tr("the value assessment"),
    "sources": lambda: tr("where the facts came from (sources)"),
}

__all__ = ["CHECKLIST", "ITEMS", "Completeness", "Gap", "Item", "completeness"]
