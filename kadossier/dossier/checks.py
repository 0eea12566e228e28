"""Checks beyond types: unique ids, references, reporting cycles (errors) and red flags (warnings).

Each check yields `Finding`s located by their path in the dossier (`("people", 2, "reports_to")`); the
validator turns paths into file positions. Red flags are what an account manager should act on, taken
from the key-account training material: no coach, a decision maker we barely know, a visit without an
objective, and so on. Each has a stable code, printed with it.

Messages are written in the active language (`kadossier.i18n`): red flags end up on the site, in the
PDFs and in the search index, so each reads as a sentence in Chinese too, vocabulary values shown with their
labels (约会（'met'）).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date

from kadossier.dossier.completeness import Completeness, completeness
from kadossier.dossier.followup import follow_ups, owed
from kadossier.dossier.method import Method
from kadossier.dossier.model import Dossier
from kadossier.dossier.vocab import Attitude, ProjectStatus, Relationship, Role, Stage, VisitStatus, label
from kadossier.i18n import ntr, tr
from kadossier.utils.messages import did_you_mean

Loc = tuple[str | int, ...]

RED_FLAGS = {
    "no-decision-maker": "an open project with no decision maker",
    "no-coach": "open projects but no coach (inside contact): without a coach you are blind",
    "weak-decision-maker": "a decision maker whose relationship with us is below 'recognized'",
    "visit-no-objective": "a planned visit without an objective",
    "visit-overdue": "a planned visit dated in the past",
    "visit-no-record": "a done visit without a record",
    "stale-review": "'reviewed' missing or older than the grade's limit (method option 'stale_days': A 30, B 60, "
    "C and ungraded 90 days)",
    "no-budget": "a project at 'compare' or later without a budget",
    "action-overdue": "an open action, or an open commitment of ours, past its due date",
    "follow-up-missed": "a follow-up date passed with no visit or contact since, or their open commitment overdue",
    "action-no-owner": "an open action nobody on our side owns",
    "action-no-due": "an open action without a due date",
    "owner-not-on-team": "an action or commitment owned by someone neither the account's owner nor on its team "
    "nor in the roster",
    "incomplete": "the completeness score is below the grade's bar (method option 'complete': A 80%, B 60%, "
    "C and ungraded 40%)",
    "problem-unknown": "an open project at 'design' or later with no 'problem'",
    "no-competitors": "an open project at 'compare' or later with no competitor listed",
    "no-next-visit": "an open project at 'compare' or 'commit' with no planned visit for it",
    "coach-weak": "a coach below 'recognized', or whose attitude is below 'supporter'",
    "decision-maker-cold": "a decision maker of an open project with no contact (their 'last_contact' or a done visit "
    "they attended) for more than 'cold_days' (45) days, or never",
    "visit-unconfirmed": "a planned visit in the next 'confirm_days' (3) days, today included, whose appointment is "
    "not 'confirmed'",
    "credit-risk": "payment days over 'payment_days' (90), a current ratio below 'current_ratio' (1), or a value "
    "risk of 'risk' (4) or more",
    "below-target": "a decision maker or coach below their 'target' relationship with no 'approach'",
}
"""Every red-flag code and what it means: documentation (the README's table, `kadossier schema --markdown`),
in English; the flags themselves say it in the active language."""

DEFAULT_WARN = frozenset(
    [
        "no-decision-maker",
        "no-coach",
        "weak-decision-maker",
        "visit-no-objective",
        "visit-overdue",
        "visit-no-record",
        "stale-review",
        "no-budget",
        "action-overdue",
        "follow-up-missed",
        "action-no-owner",
        "action-no-due",
        "owner-not-on-team",
    ]
)
"""The red flags that are warnings when the workspace's `warn` does not say: those of kadossier 0.3, so that an
upgrade does not turn a team's green `--strict` red. Newer flags are shown everywhere, and warn once listed (or
with `warn: all`)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem at a path in the dossier; `key` points at the key rather than the value."""

    loc: Loc
    message: str
    code: str = ""
    key: bool = False

    @property
    def is_error(self) -> bool:
        """Red flags carry a code; errors do not."""
        return not self.code


def errors(dossier: Dossier) -> Iterator[Finding]:
    """Yield every broken rule that makes the dossier invalid."""
    yield from _unique_ids(dossier)
    yield from _references(dossier)
    yield from _reporting_cycles(dossier)
    yield from _follow_up_dates(dossier)
    yield from _outcomes(dossier)


def red_flags(
    dossier: Dossier,
    today: date,
    roster: Collection[str] = (),
    method: Method | None = None,
    complete: Completeness | None = None,
) -> Iterator[Finding]:
    """Yield the warnings an account manager should act on, as of `today`; `roster` names our people (and
    their former names) beyond the account's owner and team, `method` sets the thresholds (the defaults when
    None), `complete` the dossier's completeness if the caller has scored it already."""
    method = method or Method()
    yield from _project_flags(dossier)
    yield from _people_flags(dossier)
    yield from _visit_flags(dossier, today)
    yield from _follow_through_flags(dossier, today, roster)
    yield from _method_flags(dossier, today, method, complete or completeness(dossier, method))
    age, limit = dossier.days_since_review(today), method.review_limit(dossier.grade)
    if age is None:
        yield Finding(("name",), tr("the dossier has never been reviewed (no 'reviewed' date)"), "stale-review")
    elif age > limit:
        message = tr("last reviewed {age} days ago (more than {limit})", age=age, limit=limit)
        yield Finding(("reviewed",), message, "stale-review")


_DUPLICATE: dict[str, Callable[[str, int], str]] = {
    "people": lambda ref, first: tr("duplicate people id '{id}' (also people[{first}])", id=ref, first=first),
    "projects": lambda ref, first: tr("duplicate projects id '{id}' (also projects[{first}])", id=ref, first=first),
    "competitors": lambda ref, first: tr(
        "duplicate competitors id '{id}' (also competitors[{first}])", id=ref, first=first
    ),
    "visits": lambda ref, first: tr("duplicate visits id '{id}' (also visits[{first}])", id=ref, first=first),
    "actions": lambda ref, first: tr("duplicate actions id '{id}' (also actions[{first}])", id=ref, first=first),
}
"""The message for an id used twice in a list, per list: one whole sentence each (a kind's word differs by
language, and so does the order around it)."""


def _unique_ids(dossier: Dossier) -> Iterator[Finding]:
    for kind, duplicate in _DUPLICATE.items():
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(dossier, kind)):
            if item.id in seen:
                yield Finding((kind, i, "id"), duplicate(item.id, seen[item.id]))
            else:
                seen[item.id] = i
    actions = {a.id for a in dossier.actions}
    commitments: set[str] = set()
    for i, visit in enumerate(dossier.visits):
        said: set[str] = set()
        for j, item in enumerate(visit.record.promises if visit.record else []):
            if item.id is None and item.what in said:
                message = tr(
                    "visit '{visit}' lists the commitment '{what}' twice: give one an 'id' (or merge them)",
                    visit=visit.id,
                    what=item.what,
                )
                yield Finding(("visits", i, "record", "commitments", j, "what"), message)
            said.add(item.what)
        for j, item in enumerate(visit.record.promises if visit.record else []):
            if item.id is None:
                continue
            if item.id in actions or item.id in commitments:
                loc: Loc = ("visits", i, "record", "commitments", j, "id")
                message = tr(
                    "commitment id '{id}' is already used by an action or another commitment: "
                    "ids name one item to close from the command line",
                    id=item.id,
                )
                yield Finding(loc, message)
            commitments.add(item.id)


def _references(dossier: Dossier) -> Iterator[Finding]:
    people = {p.id for p in dossier.people}
    projects = {p.id for p in dossier.projects}
    competitors = {c.id for c in dossier.competitors}

    def check(loc: Loc, ref: str | None, known: set[str], missing: Callable[[str, str], str]) -> Iterator[Finding]:
        if ref is not None and ref not in known:
            yield Finding(loc, missing(ref, did_you_mean(ref, known)))

    for i, person in enumerate(dossier.people):
        yield from check(("people", i, "reports_to"), person.reports_to, people, _no_person)
    for i, project in enumerate(dossier.projects):
        for field, known, missing in (
            ("decision_makers", people, _no_person),
            ("influencers", people, _no_person),
            ("competitors", competitors, _no_competitor),
        ):
            for j, ref in enumerate(getattr(project, field)):
                yield from check(("projects", i, field, j), ref, known, missing)
        for j, ref in enumerate(project.won_against):
            yield from check(("projects", i, "won_against", j), ref, competitors, _no_competitor)
        yield from check(("projects", i, "lost_to"), project.lost_to, competitors, _no_competitor)
    for i, visit in enumerate(dossier.visits):
        yield from check(("visits", i, "project"), visit.project, projects, _no_project)
        for j, ref in enumerate(visit.theirs):
            yield from check(("visits", i, "theirs", j), ref, people, _no_person)
        for j, item in enumerate(visit.record.promises if visit.record else []):
            loc: Loc = ("visits", i, "record", "commitments", j, "person")
            yield from check(loc, item.person, people, _no_person)
    for i, action in enumerate(dossier.actions):
        yield from check(("actions", i, "project"), action.project, projects, _no_project)
        for j, ref in enumerate(action.with_):
            yield from check(("actions", i, "with", j), ref, people, _no_person)


def _outcomes(dossier: Dossier) -> Iterator[Finding]:
    """`won_against` belongs to a won project and `lost_to` to a lost one."""
    for i, project in enumerate(dossier.projects):
        status = project.status.value
        if project.won_against and project.status is not ProjectStatus.WON:
            message = tr(
                "'won_against' is for a won project, but project '{project}' is '{status}': "
                "set 'status: won', or remove 'won_against'",
                project=project.id,
                status=status,
                status_label=label(project.status),
            )
            yield Finding(("projects", i, "won_against"), message, key=True)
        if project.lost_to is not None and project.status is not ProjectStatus.LOST:
            message = tr(
                "'lost_to' is for a lost project, but project '{project}' is '{status}': "
                "set 'status: lost', or remove 'lost_to'",
                project=project.id,
                status=status,
                status_label=label(project.status),
            )
            yield Finding(("projects", i, "lost_to"), message, key=True)


def _no_person(ref: str, hint: str) -> str:
    return tr("no person with id '{ref}'{hint}", ref=ref, hint=hint)


def _no_project(ref: str, hint: str) -> str:
    return tr("no project with id '{ref}'{hint}", ref=ref, hint=hint)


def _no_competitor(ref: str, hint: str) -> str:
    return tr("no competitor with id '{ref}'{hint}", ref=ref, hint=hint)


def _follow_up_dates(dossier: Dossier) -> Iterator[Finding]:
    for i, visit in enumerate(dossier.visits):
        if visit.record is not None and visit.record.follow_up is not None and visit.record.follow_up < visit.day:
            message = tr(
                "follow_up {date} is before the visit itself ({day}): a follow-up comes after the visit",
                date=visit.record.follow_up.isoformat(),
                day=visit.day.isoformat(),
            )
            yield Finding(("visits", i, "record", "follow_up"), message)


def _reporting_cycles(dossier: Dossier) -> Iterator[Finding]:
    boss = {p.id: p.reports_to for p in dossier.people if p.reports_to}
    index = {p.id: i for i, p in enumerate(dossier.people)}
    reported: set[str] = set()
    for start in boss:
        chain = [start]
        while (nxt := boss.get(chain[-1])) is not None and nxt not in chain:
            chain.append(nxt)
        if nxt is not None and nxt == start and not reported.intersection(chain):
            reported.update(chain)
            loop = " -> ".join([*chain, start])
            yield Finding(("people", index[start], "reports_to"), tr("reports_to forms a cycle: {loop}", loop=loop))


def _project_flags(dossier: Dossier) -> Iterator[Finding]:
    for i, project in enumerate(dossier.projects):
        if not project.is_open:
            continue
        if not project.decision_makers:
            message = tr("open project '{project}' has no decision maker", project=project.id, name=project.name)
            yield Finding(("projects", i, "id"), message, "no-decision-maker")
        if project.stage.rank >= Stage.COMPARE.rank and project.budget is None:
            message = tr(
                "project '{project}' is at '{stage}' but its budget is unknown",
                project=project.id,
                name=project.name,
                stage=project.stage,
                stage_label=label(project.stage),
            )
            yield Finding(("projects", i, "stage"), message, "no-budget")
    if dossier.open_projects and not any(Role.COACH in p.roles for p in dossier.people):
        yield Finding(
            ("people",) if dossier.people else ("name",),
            tr("no coach (inside contact) among the people: without a coach you are blind"),
            "no-coach",
        )


def _people_flags(dossier: Dossier) -> Iterator[Finding]:
    deciders = {ref for p in dossier.open_projects for ref in p.decision_makers}
    for i, person in enumerate(dossier.people):
        if Role.DECISION_MAKER not in person.roles and person.id not in deciders:
            continue
        stage = person.relationship or Relationship.NONE
        if stage.rank < Relationship.RECOGNIZED.rank:
            loc: Loc = ("people", i, "relationship") if person.relationship else ("people", i, "id")
            message = tr(
                "decision maker {name} ('{id}') is only at relationship '{stage}'; aim for 'recognized' or better",
                name=person.name,
                id=person.id,
                stage=stage,
                stage_label=label(stage),
                goal_label=label(Relationship.RECOGNIZED),
            )
            yield Finding(loc, message, "weak-decision-maker")


def _visit_flags(dossier: Dossier, today: date) -> Iterator[Finding]:
    for i, visit in enumerate(dossier.visits):
        if visit.status is VisitStatus.PLANNED:
            if not visit.objective:
                message = tr("planned visit '{visit}' has no objective", visit=visit.id)
                yield Finding(("visits", i, "id"), message, "visit-no-objective")
            if visit.day < today:
                message = tr(
                    "visit '{visit}' is still planned but its date {date} has passed; mark it done or cancelled",
                    visit=visit.id,
                    date=visit.day.isoformat(),
                )
                yield Finding(("visits", i, "date"), message, "visit-overdue")
        elif visit.status is VisitStatus.DONE and visit.record is None:
            message = tr("visit '{visit}' is done but has no record", visit=visit.id)
            yield Finding(("visits", i, "status"), message, "visit-no-record")


def _follow_through_flags(dossier: Dossier, today: date, roster: Collection[str]) -> Iterator[Finding]:
    ours = {dossier.owner, *dossier.team, *roster}
    for item in owed(dossier):
        if not item.is_open:  # a closed item's owner may have left the team since: history, not a problem
            continue
        if item.owner is not None and item.owner not in ours:
            yield Finding((*item.loc, "owner"), _stranger(dossier, item.owner, ours), "owner-not-on-team")
        if item.overdue(today) and item.ours:
            message = ntr(
                "'{what}' ({owner}) was due {due}, {n} day ago, and is still open",
                "'{what}' ({owner}) was due {due}, {n} days ago, and is still open",
                item.days_overdue(today),
                what=item.what,
                owner=item.owner or tr("nobody"),
                due=item.due.isoformat() if item.due else "",
            )
            yield Finding((*item.loc, "due"), message, "action-overdue")
        elif item.overdue(today):
            person = dossier.person(item.person or "")
            message = ntr(
                "{name} promised '{what}' by {due}, {n} day ago: call to follow up",
                "{name} promised '{what}' by {due}, {n} days ago: call to follow up",
                item.days_overdue(today),
                name=person.name if person else item.person,
                what=item.what,
                due=item.due.isoformat() if item.due else "",
            )
            yield Finding((*item.loc, "due"), message, "follow-up-missed")
        if item.kind == "action" and item.owner is None:
            message = tr("open action '{action}' has no owner", action=item.key)
            yield Finding((*item.loc, "id"), message, "action-no-owner")
        if item.kind == "action" and item.due is None:
            message = tr("open action '{action}' has no due date", action=item.key)
            yield Finding((*item.loc, "id"), message, "action-no-due")
    for follow_up in follow_ups(dossier):
        if follow_up.missed(today):
            message = tr(
                "the follow-up of visit '{visit}' was due {due} and nobody has been in touch since",
                visit=follow_up.visit.id,
                due=follow_up.due.isoformat(),
            )
            yield Finding(follow_up.loc, message, "follow-up-missed")


def _stranger(dossier: Dossier, owner: str, ours: set[str]) -> str:
    """The message for an owner not on the account: the likely slip named (their person's id, a name that
    sounds the same, a near spelling)."""
    from kadossier.dossier.roster import name_id  # pinyin's tables load only when an owner is a stranger

    if dossier.person(owner) is not None:
        return tr(
            "'{owner}' is one of their people: write 'person: {owner}' for their promise ('owner' is ours, by name)",
            owner=owner,
        )
    same_sound = sorted(name for name in ours if name_id(name) == name_id(owner))
    hint = did_you_mean(same_sound[0], same_sound) if same_sound else did_you_mean(owner, ours)
    return tr(
        "{owner} is neither the account's owner nor on its team (nor in the roster){hint}", owner=owner, hint=hint
    )


def _method_flags(dossier: Dossier, today: date, method: Method, complete: Completeness) -> Iterator[Finding]:
    """The checks a sales coach would make (issue 18's flags): what we still do not know, whether each open
    project and each relationship is being worked, whether the account can pay."""
    yield from _incomplete(dossier, complete)
    yield from _open_project_gaps(dossier, today)
    yield from _coach_and_targets(dossier)
    yield from _cold_decision_makers(dossier, today, method)
    yield from _unconfirmed_visits(dossier, today, method)
    yield from _credit_risk(dossier, method)


_MISSING_SHOWN = 5
"""How many missing items the `incomplete` flag names (the account page lists them all)."""


def _incomplete(dossier: Dossier, found: Completeness) -> Iterator[Finding]:
    if not found.below_bar:
        return
    named = [
        tr("{item} ({name})", item=g.label, name=g.name) if g.name else g.label for g in found.gaps[:_MISSING_SHOWN]
    ]
    rest = len(found.gaps) - len(named)
    missing = tr("; ").join(named) + (ntr(" and {n} more", " and {n} more", rest) if rest else "")
    message = (
        tr(
            "the dossier is {score}% complete, below the bar of {bar}% for grade {grade}; missing: {missing}",
            score=found.score,
            bar=found.bar,
            grade=dossier.grade.value,
            missing=missing,
        )
        if dossier.grade
        else tr(
            "the dossier is {score}% complete, below the bar of {bar}% for an ungraded account (grade C's); "
            "missing: {missing}",
            score=found.score,
            bar=found.bar,
            missing=missing,
        )
    )
    yield Finding(("grade",) if dossier.grade else ("name",), message, "incomplete")


def _open_project_gaps(dossier: Dossier, today: date) -> Iterator[Finding]:
    planned = {v.project for v in dossier.visits if v.status is VisitStatus.PLANNED and v.project and v.day >= today}
    for i, project in enumerate(dossier.projects):
        if not project.is_open:
            continue
        rank = project.stage.rank
        stage, stage_label = project.stage, label(project.stage)
        if rank >= Stage.DESIGN.rank and not project.problem:
            message = tr(
                "project '{project}' is at '{stage}' but nobody has written down the problem it must solve: "
                "ask, do not assume the customer's need",
                project=project.id,
                name=project.name,
                stage=stage,
                stage_label=stage_label,
            )
            yield Finding(("projects", i, "stage"), message, "problem-unknown")
        if rank >= Stage.COMPARE.rank and not project.competitors:
            message = tr(
                "project '{project}' is at '{stage}' but lists no competitor: who else is in it?",
                project=project.id,
                name=project.name,
                stage=stage,
                stage_label=stage_label,
            )
            yield Finding(("projects", i, "stage"), message, "no-competitors")
        if project.stage in (Stage.COMPARE, Stage.COMMIT) and project.id not in planned:
            message = tr(
                "project '{project}' is at '{stage}' and no visit is planned for it: make the next appointment",
                project=project.id,
                name=project.name,
                stage=stage,
                stage_label=stage_label,
            )
            yield Finding(("projects", i, "stage"), message, "no-next-visit")


def _coach_and_targets(dossier: Dossier) -> Iterator[Finding]:
    deciders = {p.id for p in dossier.decision_makers}
    for i, person in enumerate(dossier.people):
        coach = Role.COACH in person.roles
        stage = person.relationship or Relationship.NONE
        if coach and stage.rank < Relationship.RECOGNIZED.rank:
            message = tr(
                "coach {name} ('{id}') is only at relationship '{stage}': a coach needs 'recognized' or better "
                "to guide us",
                name=person.name,
                id=person.id,
                stage=stage,
                stage_label=label(stage),
                goal_label=label(Relationship.RECOGNIZED),
            )
            loc: Loc = ("people", i, "relationship") if person.relationship else ("people", i, "roles")
            yield Finding(loc, message, "coach-weak")
        if coach and person.attitude is not None and person.attitude.rank < Attitude.SUPPORTER.rank:
            message = tr(
                "coach {name} ('{id}') is '{attitude}' toward us: a coach must want us to win "
                "(make our winning their winning)",
                name=person.name,
                id=person.id,
                attitude=person.attitude,
                attitude_label=label(person.attitude),
            )
            yield Finding(("people", i, "attitude"), message, "coach-weak")
        if (coach or person.id in deciders) and person.below_target and not person.approach:
            assert person.target is not None
            message = tr(
                "{name} ('{id}') is at '{stage}', below the target '{target}', and has no 'approach': "
                "write the next step up and what they gain",
                name=person.name,
                id=person.id,
                stage=stage,
                stage_label=label(stage),
                target=person.target,
                target_label=label(person.target),
            )
            yield Finding(("people", i, "target"), message, "below-target")


def _cold_decision_makers(dossier: Dossier, today: date, method: Method) -> Iterator[Finding]:
    deciders = {ref for p in dossier.open_projects for ref in p.decision_makers}
    for i, person in enumerate(dossier.people):
        if person.id not in deciders:
            continue
        seen = [v.day for v in dossier.visits if v.status is VisitStatus.DONE and person.id in v.theirs]
        last = max([d for d in [person.last_contact, *seen] if d is not None and d <= today], default=None)
        if last is None:
            message = tr(
                "decision maker {name} ('{id}') has never been contacted (no 'last_contact', no visit)",
                name=person.name,
                id=person.id,
            )
            yield Finding(("people", i, "id"), message, "decision-maker-cold")
        elif (today - last).days > method.cold_days:
            message = tr(
                "decision maker {name} ('{id}') was last contacted {date}, {days} days ago (more than {limit})",
                name=person.name,
                id=person.id,
                date=last.isoformat(),
                days=(today - last).days,
                limit=method.cold_days,
            )
            loc: Loc = ("people", i, "last_contact") if person.last_contact == last else ("people", i, "id")
            yield Finding(loc, message, "decision-maker-cold")


def _unconfirmed_visits(dossier: Dossier, today: date, method: Method) -> Iterator[Finding]:
    for i, visit in enumerate(dossier.visits):
        ahead = (visit.day - today).days
        if visit.status is VisitStatus.PLANNED and 0 <= ahead < method.confirm_days and visit.confirmed is not True:
            message = (
                ntr(
                    "visit '{visit}' on {date} is in {n} day and its appointment is not confirmed: call to confirm "
                    "('confirmed: true')",
                    "visit '{visit}' on {date} is in {n} days and its appointment is not confirmed: call to confirm "
                    "('confirmed: true')",
                    ahead,
                    visit=visit.id,
                    date=visit.day.isoformat(),
                )
                if ahead
                else tr(
                    "visit '{visit}' is today and its appointment is not confirmed: call to confirm "
                    "('confirmed: true')",
                    visit=visit.id,
                )
            )
            loc: Loc = ("visits", i, "confirmed") if visit.confirmed is not None else ("visits", i, "date")
            yield Finding(loc, message, "visit-unconfirmed")


def _credit_risk(dossier: Dossier, method: Method) -> Iterator[Finding]:
    money = dossier.background.financials if dossier.background else None
    if money is not None and money.payment_days is not None and money.payment_days > method.payment_days:
        message = tr(
            "the account takes {days} days to pay (more than {limit}): a credit risk",
            days=money.payment_days,
            limit=method.payment_days,
        )
        yield Finding(("background", "financials", "payment_days"), message, "credit-risk")
    if money is not None and money.current_ratio is not None and money.current_ratio < method.current_ratio:
        message = tr(
            "the account's current ratio is {ratio} (below {limit}): it may not pay its bills",
            ratio=f"{money.current_ratio:g}",
            limit=f"{method.current_ratio:g}",
        )
        yield Finding(("background", "financials", "current_ratio"), message, "credit-risk")
    if dossier.value is not None and dossier.value.risk is not None and dossier.value.risk >= method.risk:
        message = tr(
            "the value assessment rates the risk {risk} of 5 ({limit} or more is a credit risk)",
            risk=dossier.value.risk,
            limit=method.risk,
        )
        yield Finding(("value", "risk"), message, "credit-risk")
