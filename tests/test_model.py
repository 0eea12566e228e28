"""The reference dossiers load into the models, and the derived values come out right."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from kadossier.dossier.model import Dossier
from kadossier.dossier.validate import check_file
from tests.conftest import EXAMPLES, SHARED_REFERENCE, TODAY, example_fields


def dossier(name: str) -> Dossier:
    result = check_file(EXAMPLES / f"{name}.yaml", TODAY, fields=example_fields())
    assert result.dossier is not None, result.problems
    return result.dossier


def test_examples_include_unchanged_copies_of_the_reference_dossiers() -> None:
    if not SHARED_REFERENCE.is_dir():
        pytest.skip("../shared/reference is not beside this checkout")
    for reference in SHARED_REFERENCE.glob("*.yaml"):
        assert (EXAMPLES / reference.name).read_bytes() == reference.read_bytes()


def _leaves(value: object, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _leaves(item, f"{path}.{key}").items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _leaves(item, f"{path}[{i}]").items()}
    return {path: value}


@pytest.mark.parametrize("name", ["shenyang-daily", "northwind-grid", "kestrel-robotics"])
def test_every_field_written_in_an_example_is_in_the_model(name: str) -> None:
    from kadossier.dossier.load import load_bytes

    written = _leaves(load_bytes((EXAMPLES / f"{name}.yaml").read_bytes()).data)
    kept = _leaves(dossier(name).model_dump(mode="json", exclude_unset=True))
    assert written.keys() == kept.keys()
    for key, value in written.items():
        assert _same(value, kept[key]), (key, value, kept[key])


def _same(written: object, kept: object) -> bool:
    """Whether the model kept the value written (numbers, dates and booleans compared as such)."""
    if written is None or str(written) == str(kept) or str(written).lower() == str(kept).lower():
        return True
    for parse in (float, datetime.fromisoformat):
        try:
            if parse(str(written)) == parse(str(kept)):  # type: ignore[operator]
                return True
        except ValueError:
            pass
    return False


def test_text_that_looks_like_numbers_stays_text() -> None:
    person = dossier("shenyang-daily").person("wan-guoli")
    assert person is not None and person.contact is not None
    assert person.contact.mobile == "13904000000"
    assert person.contact.office == "024-23860123"
    assert dossier("shenyang-daily").background.phone == "024-23860000"  # type: ignore[union-attr]


def test_derived_project_values() -> None:
    projects = {p.id: p for p in dossier("shenyang-daily").projects}
    newsprint = projects["newsprint-2027"]
    assert newsprint.effective_win_rate == 30
    assert newsprint.weighted_value == pytest.approx(21_000_000 * 0.30)
    northwind = {p.id: p for p in dossier("northwind-grid").projects}
    assert northwind["scf-2027"].effective_win_rate == 20
    assert northwind["cash-pool"].weighted_value == pytest.approx(600_000 * 0.05)


def test_win_rate_overrides_the_stage_default() -> None:
    d = Dossier.model_validate(
        {
            "schema_version": 1,
            "name": "x",
            "owner": "y",
            "projects": [{"id": "p", "name": "P", "stage": "commit", "win_rate": "65", "value": "1000"}],
        }
    )
    assert d.projects[0].effective_win_rate == 65
    assert d.projects[0].weighted_value == 650


def test_pipeline_is_summed_per_currency() -> None:
    assert dossier("northwind-grid").pipeline("CNY") == {"EUR": (2_400_000, 1_800_000 * 0.2 + 600_000 * 0.05)}
    d = Dossier.model_validate(
        {
            "schema_version": 1,
            "name": "x",
            "owner": "y",
            "projects": [
                {"id": "a", "name": "A", "stage": "use", "value": "100"},
                {"id": "b", "name": "B", "stage": "use", "value": {"amount": "10", "currency": "USD"}},
                {"id": "c", "name": "C", "stage": "use", "value": "1000", "status": "won"},
            ],
        }
    )
    assert d.pipeline("CNY") == {"CNY": (100, 80), "USD": (10, 8)}


def test_value_score_inverts_cost_and_risk() -> None:
    assert dossier("shenyang-daily").value_score == 4.0  # (5 + 3 + 4 + (6-2) + (6-2)) / 5
    assert dossier("northwind-grid").value_score == 3.6  # (3 + 4 + 3 + (6-3) + (6-1)) / 5
    assert dossier("kestrel-robotics").value_score is None


def test_visits_next_last_and_contact() -> None:
    d = dossier("shenyang-daily")
    next_visit = d.next_visit(TODAY)
    assert next_visit is not None and next_visit.id == "2026-11-28-workshop"
    assert next_visit.date == datetime(2026, 11, 28, 10, 0) and next_visit.day == date(2026, 11, 28)
    assert d.next_visit(date(2026, 11, 29)).id == "2026-12-08-order-fair"  # type: ignore[union-attr]
    assert d.next_visit(date(2027, 1, 1)) is None
    assert d.last_visit(TODAY).id == "2026-11-10-first-call"  # type: ignore[union-attr]
    assert d.last_contact == date(2026, 11, 14)
    assert d.days_since_review(TODAY) == 5


def test_leading_project_is_the_furthest_along() -> None:
    assert dossier("northwind-grid").leading_project.id == "scf-2027"  # type: ignore[union-attr]


def test_example_dossiers_have_no_errors(tmp_path: Path) -> None:
    for path in EXAMPLES.glob("*.yaml"):
        assert not check_file(path, TODAY, fields=example_fields()).errors
