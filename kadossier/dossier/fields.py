"""Field types of the dossier format: text, ids, dates, money, phone numbers, web addresses.

Each is an `Annotated` type whose validator parses the text the loader kept and raises one clear
`PydanticCustomError` (its message already in the active language), and whose JSON Schema says what an
editor should accept. `closest_value` finds the vocabulary value a misspelt or Chinese word means.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from difflib import SequenceMatcher, get_close_matches
from enum import StrEnum
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from kadossier.dossier.load import Plain
from kadossier.dossier.vocab import VOCABS, shipped_labels
from kadossier.i18n import LANGUAGES, tr

_ID = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHEN = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?")
_SINCE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def show_value(value: Any) -> str:
    """Show a value in a message: plain text as written, quoted text in quotes, structures by kind."""
    if isinstance(value, Plain):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return tr("a mapping")
    if isinstance(value, list):
        return tr("a list")
    if value is None:
        return tr("nothing")
    return repr(value)


def _text(value: Any) -> str | list[str]:
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [str(item) for item in value]
    raise PydanticCustomError("text", tr("expected text or a list of texts"))


_TEXT_SCHEMA = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}

Text = Annotated[str | list[str], PlainValidator(_text), WithJsonSchema(_TEXT_SCHEMA)]
"""Free text: a string (a paragraph) or a list of strings (bullets)."""


def _name(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return str(value)
    if isinstance(value, str):
        raise PydanticCustomError("blank", tr("is empty: write it (it is required)"))
    raise PydanticCustomError("string_type", tr("expected text"))


Name = Annotated[str, PlainValidator(_name), WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"\S"})]
"""Required text that must say something: a name, an owner, a product (an empty one shows as nothing at all)."""


def valid_id(text: str) -> bool:
    """Whether `text` is an id: lowercase ASCII letters and digits joined by - _ or ., at most 64 characters."""
    return len(text) <= 64 and _ID.fullmatch(text) is not None


def _id(value: Any) -> str:
    if isinstance(value, str) and valid_id(value):
        return str(value)
    raise PydanticCustomError(
        "id",
        tr(
            "id {value} must be lowercase ASCII letters and digits joined by - _ or . (like 'wan-guoli')",
            value=show_value(value),
        ),
    )


Id = Annotated[
    str, PlainValidator(_id), WithJsonSchema({"type": "string", "pattern": f"^{_ID.pattern}$", "maxLength": 64})
]
"""An id, unique within its kind in the file, that other fields refer to."""


FIRST_YEAR, LAST_YEAR = 1900, 2199
"""The years a date in a dossier may fall in. Visits, reviews, contacts and closings are real days of a living
business; 9999-12-31 or 0001-01-01 typed for "unknown" would be taken at their word (and a day after
9999-12-31 does not exist: every calendar and age computed from it fails)."""


def _day(text: str, value: Any) -> date:
    year, month, day = (int(part) for part in text.split("-"))
    _in_range(year, value)
    try:
        return date(year, month, day)
    except ValueError:
        raise PydanticCustomError("date", tr("{value} is not a real date", value=show_value(value))) from None


def _in_range(year: int, value: Any) -> None:
    if FIRST_YEAR <= year <= LAST_YEAR:
        return
    raise PydanticCustomError(
        "date_range",
        tr(
            "{value} is not a real date here: dates must fall in the years {first} to {last}; "
            "write the real date, or leave the field out if it is unknown",
            value=show_value(value),
            first=FIRST_YEAR,
            last=LAST_YEAR,
        ),
    )


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        _in_range(value.year, value.isoformat())
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        return _day(value, value)
    raise PydanticCustomError("date", tr("expected a date as YYYY-MM-DD, got {value}", value=show_value(value)))


IsoDate = Annotated[date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]
"""A calendar date written YYYY-MM-DD."""


def _when(value: Any) -> date | datetime:
    if isinstance(value, date):
        _in_range(value.year, value.isoformat())
        return value
    if isinstance(value, str) and (m := _WHEN.fullmatch(value)):
        day = _day(m[1], value)
        if m[2] is None:
            return day
        hour, minute = int(m[2]), int(m[3])
        if hour > 23 or minute > 59:
            raise PydanticCustomError("time", tr("{value} has no such time of day", value=show_value(value)))
        return datetime(day.year, day.month, day.day, hour, minute)
    raise PydanticCustomError(
        "when", tr("expected YYYY-MM-DD or YYYY-MM-DD HH:MM, got {value}", value=show_value(value))
    )


When = Annotated[
    date | datetime,
    BeforeValidator(_when),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2})?$"}),
]
"""A date, optionally with a local time: 2026-11-28 or 2026-11-28 10:00."""


def _since(value: Any) -> str:
    if isinstance(value, str) and _SINCE.fullmatch(value):
        year, month, day = (*(int(part) for part in value.split("-")), 1, 1)[:3]
        _day(f"{year:04d}-{month:02d}-{day:02d}", value)  # a real month and day, in the years accepted
        return str(value)
    raise PydanticCustomError(
        "since", tr("expected a year, YYYY-MM or YYYY-MM-DD, got {value}", value=show_value(value))
    )


Since = Annotated[
    str,
    PlainValidator(_since),
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^\d{4}(-\d{2}){0,2}$"}]}),
]
"""A year (2015), month (2015-03) or date."""


def _phone(value: Any) -> str:
    if isinstance(value, Plain) and not isinstance(misread := _yaml_reads(value), str):
        if str(misread) != value:
            message = tr(
                'phone number {value} must be in quotes, or YAML tools read it as the number {number}; write "{value}"',
                value=str(value),
                number=misread,
            )
        else:
            message = tr(
                'phone number {value} must be in quotes, or YAML tools read it as a number, not text; write "{value}"',
                value=str(value),
            )
        raise PydanticCustomError("phone", message)
    if isinstance(value, str):
        return str(value)
    raise PydanticCustomError("phone", tr("expected a phone number in quotes"))


def _yaml_reads(text: str) -> Any:
    try:
        return yaml.load(str(text), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return text


Phone = Annotated[str, PlainValidator(_phone), WithJsonSchema({"type": "string"})]
"""A phone or fax number; write it in quotes so no YAML tool mistakes it for a number."""


def _url(value: Any) -> str:
    if isinstance(value, str) and not any(c.isspace() for c in value):
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.netloc:
            return str(value)
    raise PydanticCustomError(
        "url", tr("expected an http:// or https:// address, got {value}", value=show_value(value))
    )


Url = Annotated[str, PlainValidator(_url), WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})]
"""A web address starting with http:// or https://."""


@cache
def currencies() -> frozenset[str]:
    """Return the ISO 4217 currency codes known to Babel's CLDR data."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def _currency(value: Any) -> str:
    if isinstance(value, str) and value in currencies():
        return str(value)
    raise PydanticCustomError(
        "currency", tr("{value} is not an ISO 4217 currency code (like CNY, EUR, USD)", value=show_value(value))
    )


Currency = Annotated[str, PlainValidator(_currency), WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$"})]
"""An ISO 4217 currency code: CNY, EUR, USD..."""


MAX_AMOUNT = 10**15
"""The largest amount of money accepted: a thousand trillion, more than any one deal or revenue in any currency
(and the largest round number a float still holds to the unit). 1e20 is a typo, not an amount."""


class Money(BaseModel):
    """An amount of money; without a currency it is in the workspace's default currency."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True, allow_inf_nan=False)

    amount: float = Field(ge=0, le=MAX_AMOUNT)
    """The amount, a plain number (no thousands separators)."""
    currency: Currency | None = None
    """ISO 4217 code; the workspace's default currency when left out."""


def _money(value: Any) -> Any:
    return {"amount": value} if isinstance(value, str | int | float) else value


_MONEY_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": MAX_AMOUNT},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["amount"],
            "properties": {
                "amount": {"type": "number", "minimum": 0, "maximum": MAX_AMOUNT},
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            },
        },
    ]
}

MoneyField = Annotated[Money, BeforeValidator(_money), WithJsonSchema(_MONEY_SCHEMA)]
"""A number in the default currency, or {amount, currency}."""


SYNONYMS: dict[str, dict[str, str]] = {
    "level": {"基层": "operating", "一线": "operating", "中层": "management", "高层": "executive"},
    "role": {"决策人": "decision_maker", "拍板人": "decision_maker", "教练": "coach"},
    "relationship": {"认可": "recognized", "信任": "trusted", "联盟": "allied"},
}
"""Everyday Chinese words for vocabulary values that no label contains (中层 is 管理层, 'management')."""


def closest_value(word: str, vocab: type[StrEnum]) -> str | None:
    """The value of `vocab` a wrong `word` most likely means, or None: a value close to it in spelling; else
    the value whose label in some language is the word (决策者), one of its everyday synonyms (中层), contains
    it or is contained in it (支持 in 支持者), or is close to it."""
    values = [member.value for member in vocab]
    close = get_close_matches(word, values, n=1)
    if close:
        return close[0]
    name = VOCABS.get(vocab, "")
    wanted = word.strip().casefold()
    if not wanted:
        return None
    if wanted in SYNONYMS.get(name, {}):
        return SYNONYMS[name][wanted]
    words = label_words(vocab)
    exact = [value for part, value in words if part == wanted]
    if exact:
        return exact[0]
    # containment of two characters or more: one letter is in too many words
    related = [
        (part, value) for part, value in words if min(len(part), len(wanted)) > 1 and (part in wanted or wanted in part)
    ]
    scored = related or [(part, value) for part, value in words if _likeness(part, wanted) >= 0.6]
    best = max((_likeness(part, wanted) for part, _ in scored), default=0.0)
    chosen = {value for part, value in scored if _likeness(part, wanted) == best}
    return chosen.pop() if len(chosen) == 1 else None  # 层 is in every level's label: no guess


def label_words(vocab: type[StrEnum]) -> list[tuple[str, str]]:
    """Each word of the labels of `vocab`'s values in every language, casefolded, with its value: 向导/内线 is
    向导 and 内线."""
    name = VOCABS.get(vocab, "")
    return [
        (part.strip().casefold(), value)
        for language in LANGUAGES
        for value, text in shipped_labels(language).get(name, {}).items()
        for part in re.split(r"[/·()（）]", text)
        if part.strip()
    ]


def _likeness(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()
