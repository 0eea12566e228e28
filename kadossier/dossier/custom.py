"""The workspace's own fields: declared in mkdocs.yml, written in a dossier under each part's `custom:` block.

A team adds the one field its trade needs (a hospital's 床位数, a customer's 信用等级) with the kadossier plugin's
option `custom_fields`, by part, then field name:

    custom_fields:
      account:
        credit_rating:
          type: choice                       # text, number, date, money, yesno or choice
          label: {en: Credit rating, zh: 信用等级}
          choices:
            aaa: {en: AAA, zh: AAA 级}
            watch: {en: On watch, zh: 观察}
      person:
        golf_handicap: {type: number, label: {en: Golf handicap, zh: 高尔夫差点}, personal: true}

A dossier writes the values under `custom:` of the account, a person, a project, a visit or a competitor, so a
field kadossier adds later can never clash with a team's own. The values are checked like every other field
(located errors, did-you-mean), typed (a date is a date, money is money), listed in the JSON Schema and the
field reference, rendered in their part's section, exported, and — when `personal` — redacted like a profile.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from kadossier.dossier.fields import IsoDate, MoneyField, Text, show_value
from kadossier.i18n import tr
from kadossier.utils.messages import did_you_mean

PARTS = ("account", "person", "project", "visit", "competitor")
"""Where a custom field may live, in the order a dossier shows them."""
LISTS = {"person": "people", "project": "projects", "visit": "visits", "competitor": "competitors"}
"""The dossier's list that holds each part (the account is the dossier itself)."""
_PART_OF = {key: part for part, key in LISTS.items()}
KEY = "custom"
"""The block of a part that holds its custom fields."""
NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""A custom field's name (or a choice's value): a lowercase ASCII key, like the format's own."""


Custom = Annotated[
    dict[str, Any],
    BeforeValidator(lambda value: {} if value is None else value),  # `custom:` with every field commented out
    Field(description="The workspace's own fields (mkdocs.yml, custom_fields)."),
]
"""A part's `custom:` block: checked against the workspace's declarations once the part itself is valid."""


class FieldType(StrEnum):
    """The type of a custom field's value."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    MONEY = "money"
    YESNO = "yesno"
    CHOICE = "choice"


_YES = {"是": "true", "否": "false", "有": "true", "无": "false"}
"""Chinese yes and no: a Chinese team writes 是 as readily as true."""


def _yesno(value: Any) -> Any:
    return _YES.get(value.strip(), value) if isinstance(value, str) else value


_TYPES: dict[FieldType, Any] = {
    FieldType.TEXT: Text,
    FieldType.NUMBER: float,
    FieldType.DATE: IsoDate,
    FieldType.MONEY: MoneyField,
    FieldType.YESNO: Annotated[bool, BeforeValidator(_yesno)],
    FieldType.CHOICE: str,
}


@dataclass(frozen=True, slots=True)
class Choice:
    """One value a choice field may take, with its label in each language."""

    value: str
    en: str
    zh: str

    def label(self, language: str) -> str:
        """The label in `language`."""
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True, slots=True)
class CustomField:
    """One declared custom field."""

    part: str
    name: str
    type: FieldType
    en: str
    zh: str
    choices: tuple[Choice, ...] = ()
    personal: bool = False
    """Personal data of a third party: left out of the redacted edition, like a personal profile."""

    def label(self, language: str) -> str:
        """The field's label in `language`."""
        return self.zh if language == "zh" else self.en

    def choice(self, value: str) -> Choice | None:
        """The declared choice with this value, if any."""
        return next((c for c in self.choices if c.value == value), None)

    @property
    def description(self) -> str:
        """What the JSON Schema and the field reference say about it."""
        words = self.en if self.en == self.zh else f"{self.en} ({self.zh})"
        return words + (" Personal data: left out of redacted outputs." if self.personal else "")


@dataclass(frozen=True, slots=True)
class CustomFields:
    """The workspace's declared custom fields (none by default: then every `custom:` key is an error)."""

    fields: tuple[CustomField, ...] = ()

    def of(self, part: str) -> tuple[CustomField, ...]:
        """The fields of one part, in the order they are declared."""
        return tuple(f for f in self.fields if f.part == part)

    def private(self, part: str) -> frozenset[str]:
        """The names of one part's personal fields."""
        return frozenset(f.name for f in self.fields if f.part == part and f.personal)

    def fingerprint(self) -> str:
        """The declarations as canonical JSON: part of the key of anything cached that they change."""
        return json.dumps([asdict(f) for f in self.fields], sort_keys=True, ensure_ascii=True)

    def misplaced(self, loc: tuple[str | int, ...]) -> str:
        """What to add to "unknown field" when the key at `loc` is a declared custom field of its part, written
        beside the built-in fields instead of under `custom:`."""
        part = "account" if len(loc) == 1 else _PART_OF.get(str(loc[0])) if len(loc) == 3 else None
        if part is None or loc[-1] not in {f.name for f in self.of(part)}:
            return ""
        return tr(
            "; '{field}' is a custom field: write it under 'custom:' ({key}: {{{field}: …}})", field=loc[-1], key=KEY
        )

    def model(self, part: str) -> type[BaseModel]:
        """The pydantic model of one part's `custom:` block (unknown keys are errors)."""
        return _model(part, self.of(part))

    def check(self, dossier: Any) -> list[tuple[tuple[str | int, ...], bool, str]]:
        """Check every `custom:` block of a dossier against the declarations: (location, at the key, message) for
        each problem. Each valid block's values are replaced by their typed values (a date, money, true)."""
        found: list[tuple[tuple[str | int, ...], bool, str]] = []
        for loc, part, holder in _holders(dossier):
            if holder.custom:
                found += self._check(loc, part, holder, holder.custom)
        return found

    def _check(
        self, loc: tuple[str | int, ...], part: str, holder: Any, values: Mapping[str, Any]
    ) -> Iterator[tuple[tuple[str | int, ...], bool, str]]:
        from kadossier.dossier.validate import describe

        at = (*loc, KEY)
        if not self.of(part):
            first = next(iter(values))
            message = tr(
                "unknown custom field '{field}': the workspace declares none here; declare it in mkdocs.yml under "
                "the kadossier plugin's option custom_fields.{part}",
                field=first,
                part=part,
            )
            yield (*at, first), True, message
            return
        model = self.model(part)
        try:
            typed = model.model_validate(dict(values))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                inner, at_key, message = describe(error, model)
                if error["type"] == "extra_forbidden":
                    message += tr(" (declared in custom_fields.{part}: {names})", part=part, names=_names(model))
                yield (*at, *inner), at_key, message
            return
        problems = list(self._choices(at, part, typed))
        if problems:
            yield from problems
            return
        holder.custom = {name: value for name, value in typed if value is not None and name in values}

    def _choices(
        self, at: tuple[str | int, ...], part: str, typed: BaseModel
    ) -> Iterator[tuple[tuple[str | int, ...], bool, str]]:
        for declared in self.of(part):
            value = getattr(typed, declared.name)
            if declared.type is not FieldType.CHOICE or value is None or declared.choice(value):
                continue
            meant = _meant(value, declared.choices)
            hint = did_you_mean(meant, [meant]) if meant else did_you_mean(value, _values(declared))
            message = tr(
                "{name} {value} is not one of: {allowed}{hint}",
                name=declared.name,
                value=show_value(value),
                allowed=", ".join(_values(declared)),
                hint=hint,
            )
            yield (*at, declared.name), False, message


def _meant(word: str, choices: tuple[Choice, ...]) -> str | None:
    """The choice a wrong value names by its label (观察 is `watch`), or whose label holds it (最高 in 最高等级)
    when only one does; None otherwise."""
    said = word.strip().casefold()
    labels = [(c.value, label.casefold()) for c in choices for label in (c.en, c.zh)]
    exact = {value for value, label in labels if label == said}
    within = {value for value, label in labels if len(said) > 1 and (said in label or label in said)}
    found = exact or within
    return found.pop() if len(found) == 1 else None


def _values(declared: CustomField) -> list[str]:
    return [c.value for c in declared.choices]


def _names(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


def _holders(dossier: Any) -> Iterator[tuple[tuple[str | int, ...], str, Any]]:
    """Every part of a dossier that may hold custom fields: (its location, its kind, the part)."""
    yield (), "account", dossier
    for part, key in LISTS.items():
        for i, item in enumerate(getattr(dossier, key)):
            yield (key, i), part, item


@lru_cache(maxsize=64)
def _model(part: str, declared: tuple[CustomField, ...]) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for f in declared:
        kind = _TYPES[f.type]
        extra: dict[str, Any] = {"enum": _values(f)} if f.type is FieldType.CHOICE else {}
        definitions[f.name] = (kind | None, Field(None, description=f.description, json_schema_extra=extra or None))
    config = ConfigDict(extra="forbid", allow_inf_nan=False)
    return create_model(f"Custom{part.title()}", __config__=config, **definitions)


def json_schema(declared: CustomFields, part: str) -> dict[str, Any]:
    """The JSON Schema of one part's `custom:` block."""
    schema = declared.model(part).model_json_schema(mode="validation")
    properties = {
        name: _drop_null(spec) | ({"enum": spec["enum"]} if "enum" in spec else {})
        for name, spec in schema.get("properties", {}).items()
    }
    for name, spec in properties.items():
        spec.pop("default", None)
        spec.pop("title", None)
        if spec.get("type") == "boolean":  # 是 and 否 are yes and no too
            properties[name] = {"anyOf": [{"type": "boolean"}, {"enum": sorted(_YES)}], **spec}
            del properties[name]["type"]
    return {
        "type": ["object", "null"],  # `custom:` with every field commented out is no field
        "description": f"The workspace's own fields (declared in mkdocs.yml, custom_fields.{part}).",
        "additionalProperties": False,
        "properties": properties,
    }


def _drop_null(spec: dict[str, Any]) -> dict[str, Any]:
    """A property's schema without pydantic's `null` branch (an optional value is left out, not null)."""
    branches = [b for b in spec.get("anyOf", []) if b != {"type": "null"}]
    rest = {k: v for k, v in spec.items() if k != "anyOf"}
    if len(branches) == 1:
        return {**branches[0], **rest}
    return {**rest, "anyOf": branches} if branches else rest


NO_FIELDS = CustomFields()
"""No custom fields declared (outside a workspace, or a workspace that declares none)."""


# --- reading the option -------------------------------------------------------------------------------------


class _Label(BaseModel):
    model_config = ConfigDict(extra="forbid")
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


class _Declaration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: FieldType
    label: _Label | str
    choices: list[str] | dict[str, _Label | str] | None = None
    personal: bool = False


def read_custom_fields(value: object) -> tuple[CustomFields, list[str]]:
    """Read the `custom_fields` option: {part: {name: {type, label, choices, personal}}}; return the fields and
    every problem (each naming its place in the option)."""
    if value is None:
        return CustomFields(), []
    if not isinstance(value, dict):
        return CustomFields(), [tr("expected a mapping of part (account, person, …) to its fields")]
    found: list[CustomField] = []
    problems: list[str] = []
    for part, fields_ in value.items():
        if part not in PARTS:
            hint = did_you_mean(str(part), PARTS)
            message = tr(
                "'{part}' is not a part that holds fields ({parts}){hint}", part=part, parts=", ".join(PARTS), hint=hint
            )
            problems.append(message)
            continue
        if not isinstance(fields_, dict):
            problems.append(tr("{part}: expected a mapping of field name to its declaration", part=part))
            continue
        for name, spec in fields_.items():
            declared, problem = _declare(part, name, spec)
            if problem:
                problems.append(f"{part}.{name}: {problem}")
            elif declared is not None:
                found.append(declared)
    return CustomFields(tuple(found)), problems


def _declare(part: str, name: object, spec: object) -> tuple[CustomField | None, str]:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        return None, tr("a field's name must be a lowercase ASCII key (letters, digits, _), like the format's own")
    try:
        parsed = _Declaration.model_validate(spec)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        unknown = {str(e["loc"][-1]) for e in errors if e["type"] == "extra_forbidden"}
        meant = [e for e in errors if not (e["type"] == "missing" and did_you_mean(str(e["loc"][-1]), unknown))]
        return None, "; ".join(_option_error(e) for e in meant)  # not "missing 'label'" beside "did you mean 'label'"
    en, zh = _labels(parsed.label)
    choices: list[Choice] = []
    items = parsed.choices.items() if isinstance(parsed.choices, dict) else ((c, c) for c in parsed.choices or ())
    for value, label in items:
        if not NAME.fullmatch(str(value)):
            return None, tr("choice '{value}' must be a lowercase ASCII key (letters, digits, _)", value=value)
        choices.append(Choice(str(value), *_labels(label)))
    if (parsed.type is FieldType.CHOICE) != bool(choices):
        if choices:
            return None, tr("only a field of type choice has choices")
        return None, tr("a field of type choice needs its choices")
    return CustomField(part, name, parsed.type, en, zh, tuple(choices), parsed.personal), ""


def _labels(label: _Label | str) -> tuple[str, str]:
    return (label, label) if isinstance(label, str) else (label.en, label.zh)


def _option_error(error: Any) -> str:
    loc = ".".join(str(p) for p in error["loc"] if not str(p).startswith(("_Label", "str", "list", "dict")))
    if error["type"] == "extra_forbidden":
        known = {"type", "label", "choices", "personal", "en", "zh"}
        return tr("unknown key '{key}'{hint}", key=loc, hint=did_you_mean(loc.rsplit(".", 1)[-1], known))
    if error["type"] == "enum":
        return tr("type '{value}' is not one of: {types}", value=error.get("input"), types=", ".join(FieldType))
    if error["type"] == "missing":
        return tr("missing '{key}'", key=loc)
    return f"{loc}: {error['msg']}" if loc else str(error["msg"])


__all__ = [
    "NO_FIELDS",
    "PARTS",
    "Choice",
    "CustomField",
    "CustomFields",
    "FieldType",
    "json_schema",
    "read_custom_fields",
]
