"""The format's JSON Schema and its Markdown field reference, both generated from the models."""

from __future__ import annotations

import json
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel

from kadossier.dossier.checks import RED_FLAGS
from kadossier.dossier.companies import CompanyFile
from kadossier.dossier.completeness import CHECKLIST
from kadossier.dossier.custom import LISTS, NO_FIELDS, CustomFields
from kadossier.dossier.custom import json_schema as custom_schema
from kadossier.dossier.fields import Currency, Id, IsoDate, MoneyField, Phone, Since, Text, Url, When
from kadossier.dossier.folder import COMPANIES_SCHEMA_FILE as COMPANIES_SCHEMA_FILE
from kadossier.dossier.folder import SCHEMA_FILE as SCHEMA_FILE
from kadossier.dossier.model import Dossier

SCHEMA_ID = "https://kadossier.dev/schema/dossier-1.json"
COMPANIES_SCHEMA_ID = "https://kadossier.dev/schema/competitors-1.json"

# Named field types, checked before structural ones (they are Annotated aliases of plain types).
_NAMED: list[tuple[Any, str]] = [
    (Text, "text or list of texts"),
    (Id, "id"),
    (IsoDate, "date"),
    (When, "date or date and time"),
    (Since, "year or date"),
    (Phone, "phone (quoted)"),
    (Url, "http(s) address"),
    (Currency, "currency code"),
    (MoneyField, "money"),
]


def json_schema(of: str = "dossier", fields: CustomFields = NO_FIELDS) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a dossier file with the workspace's custom `fields`, or
    (`of="competitors"`) of the workspace's competitor profiles (competitors.yaml)."""
    model, ident = (CompanyFile, COMPANIES_SCHEMA_ID) if of == "competitors" else (Dossier, SCHEMA_ID)
    schema = model.model_json_schema(mode="validation")
    if model is Dossier:
        schema["properties"]["custom"] = custom_schema(fields, "account")
        for part in LISTS:
            schema["$defs"][part.title()]["properties"]["custom"] = custom_schema(fields, part)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": ident, **schema}


def json_schema_text(of: str = "dossier", fields: CustomFields = NO_FIELDS) -> str:
    """Return a JSON Schema as stable, pretty-printed JSON text."""
    return json.dumps(json_schema(of, fields), ensure_ascii=False, indent=2) + "\n"


def models() -> list[type[BaseModel]]:
    """Every model of the format, the dossier first, in the order a reader meets them; then the workspace's
    competitor profiles."""
    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for info in model.model_fields.values():
            for inner in _models_in(info.annotation):
                visit(inner)

    visit(Dossier)
    visit(CompanyFile)
    return seen


def markdown_reference(fields: CustomFields = NO_FIELDS) -> str:
    """Return the field reference as Markdown: one table per part of the format (and one of the workspace's custom
    `fields`, if it declares any)."""
    out: list[str] = []
    for model in models():
        out += [
            f"### {model.__name__}",
            "",
            _doc(model),
            "",
            "| field | type | required | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for name, info in model.model_fields.items():
            required = "yes" if info.is_required() else ""
            description = (info.description or "").replace("|", "\\|")
            kind = type_name(info.annotation) + _bounds(info.metadata)
            out.append(f"| `{info.alias or name}` | {kind} | {required} | {description} |")
        out.append("")
    out += [
        "### Red flags",
        "",
        "Warnings that `kadossier validate` prints with their code; `--strict` fails on those the workspace's `warn`"
        " lists (default: the first thirteen below; `warn: all`: every one).",
        "",
        "| code | when |",
        "| --- | --- |",
    ]
    out += [f"| `{code}` | {meaning} |" for code, meaning in RED_FLAGS.items()]
    out += [
        "",
        "### Completeness checklist",
        "",
        "The score is the weighted share of the rows that apply (see *The method*); the `method` option's `weights`"
        " change a row's weight by its key.",
        "",
        "| key | section | present when | weight |",
        "| --- | --- | --- | --- |",
    ]
    out += [f"| `{i.key}` | {i.section} | {i.present} | {i.weight:g} |" for i in CHECKLIST]
    out.append("")
    if fields.fields:
        out += _custom_reference(fields)
    return "\n".join(out)


def _custom_reference(fields: CustomFields) -> list[str]:
    out = [
        "### Custom fields",
        "",
        "This workspace's own fields (mkdocs.yml, `custom_fields`), written under a part's `custom:` block.",
        "",
        "| part | field | type | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for f in fields.fields:
        kind = f"one of {', '.join(f'`{c.value}`' for c in f.choices)}" if f.choices else f.type.value
        out.append(f"| {f.part} | `custom.{f.name}` | {kind} | {f.description.replace('|', chr(92) + '|')} |")
    out.append("")
    return out


def type_name(annotation: Any) -> str:
    """Describe a field's type in a few words for the reference."""
    for named, label in _NAMED:
        if annotation == named:
            return label
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return " or ".join(type_name(a) for a in args)
    if origin is list:
        return f"list of {type_name(typing.get_args(annotation)[0])}"
    if origin is dict:  # only `custom` is a mapping: its keys are the workspace's own
        return "the workspace's [custom fields](#custom-fields)"
    if origin is typing.Literal:
        return " or ".join(str(a) for a in typing.get_args(annotation))
    if origin is typing.Annotated:  # a named type with more metadata (a union's tag) is still that type
        base, *metadata = typing.get_args(annotation)
        for named, label in _NAMED:
            if typing.get_origin(named) is typing.Annotated:
                named_base, *named_metadata = typing.get_args(named)
                if named_base == base and all(m in metadata for m in named_metadata):
                    return label
        return type_name(base)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of " + ", ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    simple = {
        str: "text",
        int: "whole number",
        float: "number",
        bool: "true or false",
        date: "date",
        datetime: "date and time",
    }
    return simple.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _bounds(metadata: list[Any]) -> str:
    low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in metadata if hasattr(m, "le")), None)
    if low is not None and high is not None:
        return f", {low} to {high}"
    return f", at least {low}" if low is not None else ""


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if annotation == MoneyField:
        return []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _doc(model: type[BaseModel]) -> str:
    return " ".join((model.__doc__ or "").split())
