"""Redaction: the shareable edition, without the personal data of the people in the dossiers.

Personal profiles, private contact details (mobile, WeChat, personal email) and the plan for a person's
relationship with us (`approach`: what they gain, whom we go through) describe third parties (PIPL, GDPR).
A redacted build drops them from the models before anything is rendered — pages, search index, PDFs — and
from the old versions "changed since the last visit" compares, so they cannot come back through a diff either.
"""

from __future__ import annotations

from typing import Any

from kadossier.dossier.model import Dossier

PRIVATE_CONTACT = ("mobile", "wechat", "personal_email")
"""Contact fields that are private; office phone and work email stay."""
PRIVATE_PERSON = ("profile", "approach")
"""A person's fields that are private as a whole (their relationship `target` stays: a stage, not a plan)."""


def redact(dossier: Dossier) -> Dossier:
    """A copy of the dossier without personal profiles, approaches and private contact details."""
    people = []
    for person in dossier.people:
        contact = person.contact
        if contact is not None:
            contact = contact.model_copy(update=dict.fromkeys(PRIVATE_CONTACT))
        people.append(person.model_copy(update={**dict.fromkeys(PRIVATE_PERSON), "contact": contact}))
    return dossier.model_copy(update={"people": people})


def redact_data(data: dict[str, Any]) -> dict[str, Any]:
    """The same for a dossier's raw data (as loaded from YAML)."""
    people = data.get("people")
    if not isinstance(people, list):
        return data
    clean = []
    for person in people:
        if isinstance(person, dict):
            person = {k: v for k, v in person.items() if k not in PRIVATE_PERSON}
            if isinstance(person.get("contact"), dict):
                person["contact"] = {k: v for k, v in person["contact"].items() if k not in PRIVATE_CONTACT}
        clean.append(person)
    return {**data, "people": clean}
