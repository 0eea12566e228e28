"""The JSON Schema and the field reference come from the models and stay in sync with what ships."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from kadossier.dossier.load import Plain, load_bytes
from kadossier.dossier.schema import SCHEMA_FILE, json_schema, json_schema_text, markdown_reference
from kadossier.workspace.locate import open_workspace
from tests.conftest import EXAMPLES, FIXTURES, ROOT, SHARED_REFERENCE, example_fields

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def as_editor_sees_it(value: Any) -> Any:
    """Type plain scalars as a YAML 1.2 editor does (the JSON Schema is for editors)."""
    if isinstance(value, dict):
        return {k: as_editor_sees_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees_it(v) for v in value]
    if isinstance(value, Plain):
        if value in ("true", "false"):
            return value == "true"
        if _INT.fullmatch(value):
            return int(value)
        if _FLOAT.fullmatch(value):
            return float(value)
    return value


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(json_schema())


# faithful-text.yaml is left out on purpose: its unquoted numbers in text fields are text to kadossier but
# numbers to a YAML 1.2 editor, which flags them (as it should: quoting them is clearer).
EDITOR_VALID = [
    p
    for p in sorted(EXAMPLES.glob("*.yaml")) + sorted((FIXTURES / "valid").glob("*.yaml"))
    if p.name != "faithful-text.yaml"
]


@pytest.mark.parametrize("path", EDITOR_VALID, ids=lambda p: p.name)
def test_schema_accepts_the_valid_dossiers(path: Path) -> None:
    instance = as_editor_sees_it(load_bytes(path.read_bytes()).data)
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in Draft202012Validator(json_schema(fields=example_fields())).iter_errors(instance)
    ]
    assert errors == []


def as_json(value: Any) -> Any:
    """Standard PyYAML's data as JSON holds it: its timestamps (2026-11-01) as the text they were written as."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


STANDARD = sorted(SHARED_REFERENCE.glob("*.yaml")) + sorted(EXAMPLES.glob("*.yaml"))


def test_the_reference_and_example_dossiers_are_there() -> None:
    names = {p.name for p in STANDARD}
    assert {"northwind-grid.yaml", "shenyang-daily.yaml", "kestrel-robotics.yaml"} <= names
    assert sum(p.parent == SHARED_REFERENCE for p in STANDARD) >= 2


@pytest.mark.parametrize("path", STANDARD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_standard_yaml_reads_the_dossiers_as_kadossier_does_and_the_schema_accepts_them(path: Path) -> None:
    """What PyYAML's safe_load reads (as every other tool and script would) is valid against the JSON Schema,
    and is the data kadossier reads: no dialect makes a file mean two things."""
    standard = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in Draft202012Validator(json_schema(fields=example_fields())).iter_errors(standard)
    ]
    assert errors == []
    assert standard == as_editor_sees_it(load_bytes(path.read_bytes()).data)


def test_the_example_workspace_ships_the_reference_dossiers_unchanged() -> None:
    for reference in sorted(SHARED_REFERENCE.glob("*.yaml")):
        assert (EXAMPLES / reference.name).read_bytes() == reference.read_bytes(), reference.name


def test_schema_rejects_unknown_fields_and_bad_values() -> None:
    validator = Draft202012Validator(json_schema())
    base = {"schema_version": 1, "name": "x", "owner": "y"}
    assert validator.is_valid(base)
    assert not validator.is_valid({**base, "ownr": "y"})
    assert not validator.is_valid({**base, "grade": "D"})
    assert not validator.is_valid({**base, "schema_version": 2})
    assert not validator.is_valid({**base, "people": [{"id": "a", "name": "A", "roles": ["boss"]}]})


def test_shipped_schema_file_is_current(update_goldens: bool) -> None:
    """The example workspace's schema file describes the format and the workspace's own custom fields."""
    shipped = EXAMPLES / SCHEMA_FILE
    current = json_schema_text(fields=open_workspace(ROOT / "mkdocs.yml").settings.custom_fields)
    if update_goldens:
        shipped.write_text(current, encoding="utf-8")
    assert shipped.read_text(encoding="utf-8") == current, "run: kadossier schema -o dossiers/" + SCHEMA_FILE


def test_readme_field_reference_is_current(update_goldens: bool) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- field-reference:start -->\n", "<!-- field-reference:end -->"
    assert start in text and end in text
    head, rest = text.split(start)
    _old, tail = rest.split(end)
    current = head + start + markdown_reference() + "\n" + end + tail
    if update_goldens:
        readme.write_text(current, encoding="utf-8")
    assert text == current, "run: pytest --update-goldens tests/test_schema.py"


def test_every_field_has_a_description() -> None:
    from kadossier.dossier.schema import models

    for model in models():
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no docstring"
