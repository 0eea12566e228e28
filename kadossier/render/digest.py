"""The weekly digest in words: each event as a sentence in the workspace's language, and the whole digest as
Markdown that pastes into a chat or an email (the site's *This week* page lays out the same lines as HTML)."""

from __future__ import annotations

from dataclasses import dataclass

from kadossier.history.digest import Digest, Event, Step, Weight
from kadossier.i18n import tr
from kadossier.render.present import Presenter


@dataclass(frozen=True, slots=True)
class Line:
    """One event as it reads."""

    weight: Weight
    text: str
    """The sentence, with the value and the detail."""
    who: str
    """Who committed it, or that it is not committed yet."""
    day: str
    anchor: str


def sentence(event: Event, p: Presenter) -> str:
    """The event as a sentence (without its value and detail)."""
    kind, subject = event.kind, event.subject
    vocab = {"stage": "stage", "attitude": "attitude", "relationship": "relationship"}
    family = next((v for k, v in vocab.items() if kind.startswith(k)), "")
    old, new = p.label(family, event.old) if family else "", p.label(family, event.new) if family else ""
    when = p.date(event.when) if event.when is not None else ""
    words = {
        "account_new": lambda: tr("new account: {name}", name=subject),
        "project_new": lambda: tr(
            "new project {project} at '{stage}'", project=subject, stage=p.label("stage", event.new)
        ),
        "won": lambda: tr("won {project}", project=subject),
        "lost": lambda: tr("lost {project}", project=subject),
        "dropped": lambda: tr("dropped {project}", project=subject),
        "reopened": lambda: tr("reopened {project}", project=subject),
        "project_removed": lambda: tr("removed the project {project}", project=subject),
        "stage_forward": lambda: tr("{project} moved forward: {old} → {new}", project=subject, old=old, new=new),
        "stage_backward": lambda: tr("{project} moved back: {old} → {new}", project=subject, old=old, new=new),
        "person_new": lambda: tr("new in the decision chain: {person}", person=subject),
        "person_left": lambda: tr("left the decision chain: {person}", person=subject),
        "attitude_up": lambda: tr("{person}: attitude up, {old} → {new}", person=subject, old=old, new=new),
        "attitude_down": lambda: tr("{person}: attitude down, {old} → {new}", person=subject, old=old, new=new),
        "relationship_up": lambda: tr("{person}: relationship up, {old} → {new}", person=subject, old=old, new=new),
        "relationship_down": lambda: tr("{person}: relationship down, {old} → {new}", person=subject, old=old, new=new),
        "visit_done": lambda: tr("visit of {date} done: {objective}", date=when, objective=subject),
        "visit_planned": lambda: tr("visit planned for {date}: {objective}", date=when, objective=subject),
        "visit_cancelled": lambda: tr("visit of {date} cancelled: {objective}", date=when, objective=subject),
        "action_opened": lambda: tr("new action: {what}", what=subject),
        "action_closed": lambda: tr("action done: {what}", what=subject),
        "action_dropped": lambda: tr("action dropped: {what}", what=subject),
        "flag_raised": lambda: tr("red flag raised: {message}", message=subject),
        "flag_resolved": lambda: tr("red flag resolved: {message}", message=subject),
    }
    return words[kind]() if kind in words else subject


def line(event: Event, step: Step, p: Presenter) -> Line:
    """The event as one line: the sentence, then its value and detail; who committed it and when."""
    parts = [sentence(event, p)]
    if event.value is not None:
        parts.append(p.money(event.value, compact=True))
    text = " · ".join(parts) + (f" — {event.detail}" if event.detail and event.kind not in _CODED else "")
    who = step.author or tr("not committed yet")
    return Line(event.weight, text, who, p.date(step.day), event.anchor)


_CODED = frozenset(["flag_raised", "flag_resolved"])
"""Events whose detail is a code for tools, not words for people."""


def title(digest: Digest, p: Presenter) -> str:
    """The digest's heading: its period."""
    if digest.start is None:
        return tr("What changed since {revision}", revision=digest.revision)
    return tr("What changed: {start} – {end}", start=p.date(digest.start), end=p.date(digest.end))


def summary(digest: Digest) -> str:
    """How many wins, risks and other changes, in a few words."""
    counts = digest.counts
    return tr(
        "{wins} won · {risks} risks · {rest} other changes",
        wins=counts[Weight.WIN],
        risks=counts[Weight.RISK],
        rest=counts[Weight.REST],
    )


def markdown(digest: Digest, p: Presenter) -> str:
    """The digest as Markdown: a heading, the counts, then per account its events, wins first, then risks."""
    out = [f"# {title(digest, p)}", ""]
    if digest.note:
        return "\n".join([*out, tr("No history: {note}", note=digest.note), ""])
    if not digest.accounts:
        return "\n".join([*out, tr("Nothing changed in this period."), ""])
    out += [summary(digest), ""]
    marks = {Weight.WIN: tr("Win"), Weight.RISK: tr("Risk")}
    for account in digest.accounts:
        out += [f"## {account.name}", ""]
        for event, step in account.events:
            shown = line(event, step, p)
            mark = f"**{marks[shown.weight]}** " if shown.weight in marks else ""
            out.append(
                "- " + mark + tr("{line} ({who}, {day})", line=_md(shown.text), who=_md(shown.who), day=shown.day)
            )
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    """Text as Markdown shows it literally (a name with * or _ stays as written)."""
    return "".join(f"\\{c}" if c in "\\`*_[]" else c for c in text)
