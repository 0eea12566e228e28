"""Property tests: whatever the bytes, checking gives a dossier or located errors, never an exception."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kadossier.dossier.validate import check_file
from tests.conftest import EXAMPLES, TODAY

REFERENCE = (EXAMPLES / "shenyang-daily.yaml").read_bytes()
FIELDS = [
    "schema_version",
    "name",
    "owner",
    "people",
    "projects",
    "visits",
    "id",
    "stage",
    "date",
    "roles",
    "reports_to",
    "contact",
    "mobile",
    "value",
    "amount",
    "currency",
    "background",
    "employees",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["1", "A", "interest", "2026-02-30", "cfo", "0755", "<<", "~"]),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=6),
    ),
    max_leaves=40,
)


def _check_bytes(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    result = check_file(path, TODAY)
    assert (result.dossier is not None) != bool(result.errors)
    for problem in result.problems:
        assert problem.line >= 1 and problem.col >= 1 and problem.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes(tmp_path: Path, raw: bytes) -> None:
    _check_bytes(tmp_path, raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents)
def test_any_yaml_document(tmp_path: Path, document: object) -> None:
    _check_bytes(tmp_path, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, len(REFERENCE) - 1), st.integers(1, 40), st.binary(max_size=12))
def test_any_edit_of_the_reference(tmp_path: Path, at: int, cut: int, insert: bytes) -> None:
    _check_bytes(tmp_path, REFERENCE[:at] + insert + REFERENCE[at + cut :])
