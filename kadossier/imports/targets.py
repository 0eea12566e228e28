"""The dossier fields a column can fill, for each table of an import, and what kind of value each takes.

They come from the models (kadossier.dossier.model and parts): every field of a plain type (text, a number, a
date, money, a phone number, one or a list of vocabulary values) of an account, a person, a project or a
visit, and of the parts nested in them (`background.address`, `contact.mobile`, `record.outcome`). Fields that
refer to other items by id (reports_to, decision_makers, theirs) are not filled from a sheet.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter

from kadossier.dossier import fields
from kadossier.dossier.custom import NO_FIELDS, Choice, CustomFields, FieldType
from kadossier.dossier.model import Dossier
from kadossier.dossier.parts import Person, Project, Visit

TABLES: dict[str, type[BaseModel]] = {"accounts": Dossier, "people": Person, "projects": Project, "visits": Visit}
"""The tables an import reads, and the part of a dossier each row becomes."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "accounts": ("name",),
    "people": ("name",),
    "projects": ("name", "stage"),
    "visits": ("date",),
}
"""The fields a row must fill (ids are made from names; an account's owner may come from --owner)."""

NAME_PARTS = ("name.family", "name.given")
"""A person's name from two columns (Salesforce's LastName and FirstName): family name first in Chinese."""

_SKIPPED = frozenset(("schema_version", "id", "ref", "reports_to", "project", "lost_to", "person"))


class Kind(StrEnum):
    """What a field holds, and so how a cell is read into it."""

    TEXT = "text"
    TEXTS = "texts"
    PHONE = "phone"
    DATE = "date"
    WHEN = "when"
    MONEY = "money"
    INTEGER = "integer"
    NUMBER = "number"
    YES_NO = "yes_no"
    CHOICE = "choice"
    CHOICES = "choices"
    DECLARED_CHOICE = "declared_choice"
    """One of a custom field's declared choices."""


@dataclass(frozen=True)
class Target:
    """One field a column can fill."""

    path: tuple[str, ...]
    kind: Kind
    annotation: Any
    vocab: type[StrEnum] | None = None
    choices: tuple[Choice, ...] = ()
    """A custom choice field's declared choices."""

    @property
    def name(self) -> str:
        """The field's dotted name, as the mapping writes it."""
        return ".".join(self.path)

    @property
    def adapter(self) -> TypeAdapter[Any]:
        """The field's own validation, for one value."""
        return _adapter(self.annotation)


@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


@cache
def targets(table: str, declared: CustomFields = NO_FIELDS) -> dict[str, Target]:
    """The fields the columns of `table` can fill, by dotted name: the models' and the workspace's custom fields
    (`custom.credit_rating`)."""
    found = dict(_walk(TABLES[table], ()))
    if table == "people":
        for part in NAME_PARTS:
            found[part] = Target(tuple(part.split(".")), Kind.TEXT, str)
    for custom in declared.of(CUSTOM_PARTS[table]):
        kind = _CUSTOM_KINDS[custom.type]
        annotation = _optional(declared.model(CUSTOM_PARTS[table]).model_fields[custom.name].annotation)
        found[f"custom.{custom.name}"] = Target(("custom", custom.name), kind, annotation, choices=custom.choices)
    return found


CUSTOM_PARTS = {"accounts": "account", "people": "person", "projects": "project", "visits": "visit"}
"""The part of the custom fields' declarations each table fills."""
_CUSTOM_KINDS = {
    FieldType.TEXT: Kind.TEXT,
    FieldType.NUMBER: Kind.NUMBER,
    FieldType.DATE: Kind.DATE,
    FieldType.MONEY: Kind.MONEY,
    FieldType.YESNO: Kind.YES_NO,
    FieldType.CHOICE: Kind.DECLARED_CHOICE,
}


def _walk(model: type[BaseModel], prefix: tuple[str, ...]) -> typing.Iterator[tuple[str, Target]]:
    for name, info in model.model_fields.items():
        if name in _SKIPPED or info.alias:
            continue
        tp = _optional(info.annotation)
        tp = Annotated[(tp, *info.metadata)] if info.metadata else tp
        path = (*prefix, name)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and tp is not fields.Money:
            yield from _walk(tp, path)
            continue
        target = _target(path, tp)
        if target is not None:
            yield target.name, target


def _target(path: tuple[str, ...], tp: Any) -> Target | None:
    simple = {
        fields.Phone: Kind.PHONE,
        fields.IsoDate: Kind.DATE,
        fields.When: Kind.WHEN,
        fields.MoneyField: Kind.MONEY,
        fields.Text: Kind.TEXT,
        fields.Name: Kind.TEXT,
        fields.Url: Kind.TEXT,
        fields.Since: Kind.TEXT,
        str: Kind.TEXT,
        bool: Kind.YES_NO,
        int: Kind.INTEGER,
        float: Kind.NUMBER,
    }
    base = typing.get_args(tp)[0] if typing.get_origin(tp) is Annotated else tp
    kind = next((k for t, k in simple.items() if tp == t), None)
    if kind is None and base in (int, float):  # a number with bounds (founded, employees, win_rate)
        kind = Kind.INTEGER if base is int else Kind.NUMBER
    if kind is not None:
        return Target(path, kind, tp)
    if _is_vocab(base):
        return Target(path, Kind.CHOICE, tp, base)
    if typing.get_origin(base) is list:
        item = typing.get_args(base)[0]
        if _is_vocab(item):
            return Target(path, Kind.CHOICES, tp, item)
        if item is str:
            return Target(path, Kind.TEXTS, tp)
    return None


def _optional(tp: Any) -> Any:
    """`X` for `X | None`."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _is_vocab(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum) and issubclass(tp, StrEnum)
