"""Redaction: the shareable edition, without the personal data of the people in the dossiers.

Personal profiles, private contact details (mobile, WeChat, personal email) and the plan for a person's
relationship with us (`approach`: what they gain, whom we go through) describe third parties (PIPL, GDPR), and
so do the custom fields a workspace declares `personal` (kadossier.dossier.custom).
A redacted build drops them from the models before anything is rendered — pages, search index, PDFs — and
from the old versions "changed since the last visit" compares, so they cannot come back through a diff either.
"""

from __future__ import annotations

from typing import Any

from kadossier.dossier.custom import KEY, LISTS, NO_FIELDS, CustomFields
from kadossier.dossier.model import Dossier

PRIVATE_CONTACT = ("mobile", "wechat", "personal_email")
"""Contact fields that are private; office phone and work email stay."""
PRIVATE_PERSON = ("profile", "approach")
"""A person's fields that are private as a whole (their relationship `target` stays: a stage, not a plan)."""


def redact(dossier: Dossier, fields: CustomFields = NO_FIELDS) -> Dossier:
    """A copy of the dossier without personal profiles, approaches, private contact details and the custom
    `fields` declared personal."""
    people = []
    for person in dossier.people:
        contact = person.contact
        if contact is not None:
            contact = contact.model_copy(update=dict.fromkeys(PRIVATE_CONTACT))
        people.append(person.model_copy(update={**dict.fromkeys(PRIVATE_PERSON), "contact": contact}))
    update: dict[str, Any] = {"people": people}
    for part, key in LISTS.items():
        private = fields.private(part)
        items = update.get(key, getattr(dossier, key))
        if private:
            update[key] = [_without(item, private) for item in items]
    redacted: Dossier = _without(dossier.model_copy(update=update), fields.private("account"))
    return redacted


def _without(part: Any, private: frozenset[str]) -> Any:
    """A copy of a part without the custom fields named `private`."""
    if not private or not private & set(part.custom):
        return part
    return part.model_copy(update={KEY: {k: v for k, v in part.custom.items() if k not in private}})


def redact_data(data: dict[str, Any]) -> dict[str, Any]:
    """The same for a dossier's raw data (as loaded from YAML), but without any custom field: an old version
    is read without the declarations it was written under, so none of its custom fields is known to be shareable."""
    clean: dict[str, Any] = {k: v for k, v in data.items() if k != KEY}
    for key in LISTS.values():
        items = data.get(key)
        if isinstance(items, list):
            clean[key] = [{k: v for k, v in i.items() if k != KEY} if isinstance(i, dict) else i for i in items]
    listed = clean.get("people")
    if not isinstance(listed, list):
        return clean
    people = []
    for person in listed:
        if isinstance(person, dict):
            person = {k: v for k, v in person.items() if k not in PRIVATE_PERSON}
            if isinstance(person.get("contact"), dict):
                person["contact"] = {k: v for k, v in person["contact"].items() if k not in PRIVATE_CONTACT}
        people.append(person)
    return {**clean, "people": people}
