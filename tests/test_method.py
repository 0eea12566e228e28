"""The sales method's checks: each new red flag at its boundary, the thresholds of the `method` option, the
completeness score (computed here by hand from the example), the default `warn` set and `warn: all`."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.dossier.checks import DEFAULT_WARN, RED_FLAGS, red_flags
from kadossier.dossier.completeness import CHECKLIST, ITEMS, completeness
from kadossier.dossier.method import Method, read_method
from kadossier.dossier.model import Dossier
from kadossier.i18n import speaking
from tests.conftest import ROOT

DAY = date(2026, 11, 28)
METHOD_EXAMPLE = ROOT.parent / "shared" / "examples" / "method.yaml"


def base() -> dict[str, Any]:
    """A small valid account: one open project at 'interest', a decision maker we know well, a good coach."""
    return {
        "schema_version": 1,
        "name": "Acme",
        "owner": "Ann",
        "reviewed": DAY.isoformat(),
        "people": [
            {
                "id": "boss",
                "name": "Bo Ss",
                "roles": ["decision_maker"],
                "relationship": "trusted",
                "attitude": "supporter",
                "last_contact": DAY.isoformat(),
            },
            {"id": "coach", "name": "Co Ach", "roles": ["coach"], "relationship": "trusted", "attitude": "champion"},
        ],
        "projects": [{"id": "p", "name": "P", "stage": "interest", "decision_makers": ["boss"], "budget": 100}],
    }


def codes(data: dict[str, Any], today: date = DAY, method: Method | None = None) -> list[str]:
    return [f.code for f in red_flags(Dossier.model_validate(data), today, method=method)]


def flagged(code: str, data: dict[str, Any], today: date = DAY, method: Method | None = None) -> int:
    return codes(data, today, method).count(code)


def with_project(**fields: Any) -> dict[str, Any]:
    data = base()
    data["projects"][0].update(fields)
    return data


def test_the_base_account_raises_no_method_flag() -> None:
    new = set(RED_FLAGS) - DEFAULT_WARN - {"incomplete"}  # a small account is incomplete, by design
    assert not new & set(codes(base())), codes(base())
    assert "incomplete" in codes(base()) and "incomplete" not in codes(base(), method=Method(complete={"C": 0}))


@pytest.mark.parametrize(
    ("stage", "expected"), [("interest", 0), ("trust", 0), ("design", 1), ("compare", 1), ("commit", 1), ("use", 1)]
)
def test_problem_unknown_from_design_on(stage: str, expected: int) -> None:
    assert flagged("problem-unknown", with_project(stage=stage)) == expected
    assert flagged("problem-unknown", with_project(stage=stage, problem="too slow")) == 0
    assert flagged("problem-unknown", with_project(stage=stage, status="won")) == 0


@pytest.mark.parametrize(("stage", "expected"), [("design", 0), ("compare", 1), ("commit", 1), ("use", 1)])
def test_no_competitors_from_compare_on(stage: str, expected: int) -> None:
    assert flagged("no-competitors", with_project(stage=stage)) == expected
    data = with_project(stage=stage, competitors=["x"])
    data["competitors"] = [{"id": "x", "name": "X Corp"}]
    assert flagged("no-competitors", data) == 0


def planned(day: date, **fields: Any) -> dict[str, Any]:
    return {"id": f"v-{day.isoformat()}", "date": day.isoformat(), "objective": "o", **fields}


@pytest.mark.parametrize(("stage", "expected"), [("design", 0), ("compare", 1), ("commit", 1), ("use", 0)])
def test_no_next_visit_at_compare_and_commit(stage: str, expected: int) -> None:
    assert flagged("no-next-visit", with_project(stage=stage)) == expected


def test_a_planned_visit_for_the_project_today_or_later_counts_as_the_next_one() -> None:
    data = with_project(stage="compare")
    data["visits"] = [planned(DAY, project="p", confirmed=True)]
    assert flagged("no-next-visit", data) == 0
    data["visits"] = [planned(DAY - timedelta(days=1), project="p")]  # overdue, not a next visit
    assert flagged("no-next-visit", data) == 1
    data["visits"] = [planned(DAY + timedelta(days=9))]  # a visit, but not for this project
    assert flagged("no-next-visit", data) == 1
    data["visits"] = [planned(DAY + timedelta(days=9), project="p", status="cancelled")]
    assert flagged("no-next-visit", data) == 1


@pytest.mark.parametrize(
    ("relationship", "attitude", "expected"),
    [
        ("recognized", "supporter", 0),
        ("allied", "champion", 0),
        ("met", "supporter", 1),
        ("recognized", "neutral", 1),
        ("met", "opponent", 2),
        (None, None, 1),
    ],
)
def test_coach_weak_below_recognized_or_below_supporter(
    relationship: str | None, attitude: str | None, expected: int
) -> None:
    data = base()
    coach = data["people"][1]
    coach.pop("relationship"), coach.pop("attitude")
    if relationship:
        coach["relationship"] = relationship
    if attitude:
        coach["attitude"] = attitude
    assert flagged("coach-weak", data) == expected
    coach["roles"] = ["user"]
    assert flagged("coach-weak", data) == 0


@pytest.mark.parametrize(("days", "expected"), [(0, 0), (45, 0), (46, 1), (400, 1)])
def test_decision_maker_cold_after_45_days(days: int, expected: int) -> None:
    data = base()
    data["people"][0]["last_contact"] = (DAY - timedelta(days=days)).isoformat()
    assert flagged("decision-maker-cold", data) == expected
    assert flagged("decision-maker-cold", data, method=Method(cold_days=days)) == 0
    if days:
        assert flagged("decision-maker-cold", data, method=Method(cold_days=days - 1)) == 1


def test_a_done_visit_they_attended_is_a_contact_and_never_contacted_is_cold() -> None:
    data = base()
    del data["people"][0]["last_contact"]
    assert flagged("decision-maker-cold", data) == 1
    data["visits"] = [
        {"id": "met", "date": (DAY - timedelta(days=10)).isoformat(), "status": "done", "theirs": ["boss"],
         "record": {"outcome": "ok"}}
    ]  # fmt: skip
    assert flagged("decision-maker-cold", data) == 0
    data["visits"][0]["theirs"] = ["coach"]
    assert flagged("decision-maker-cold", data) == 1
    data["projects"][0]["status"] = "lost"  # a closed project's decision maker is not ours to keep warm
    assert flagged("decision-maker-cold", data) == 0


@pytest.mark.parametrize(("ahead", "expected"), [(-1, 0), (0, 1), (1, 1), (2, 1), (3, 0), (10, 0)])
def test_visit_unconfirmed_in_the_next_three_days_today_included(ahead: int, expected: int) -> None:
    data = base()
    data["visits"] = [planned(DAY + timedelta(days=ahead))]
    assert flagged("visit-unconfirmed", data) == expected
    data["visits"][0]["confirmed"] = False
    assert flagged("visit-unconfirmed", data) == expected
    data["visits"][0]["confirmed"] = True
    assert flagged("visit-unconfirmed", data) == 0
    data["visits"][0].update(confirmed=False, status="cancelled")
    assert flagged("visit-unconfirmed", data) == 0


def test_confirm_days_widens_the_window() -> None:
    data = base()
    data["visits"] = [planned(DAY + timedelta(days=4))]
    assert flagged("visit-unconfirmed", data) == 0
    assert flagged("visit-unconfirmed", data, method=Method(confirm_days=5)) == 1


@pytest.mark.parametrize(
    ("financials", "risk", "expected"),
    [
        ({"payment_days": 90, "current_ratio": 1.0}, 3, 0),
        ({"payment_days": 91}, None, 1),
        ({"current_ratio": 0.99}, None, 1),
        ({}, 4, 1),
        ({"payment_days": 120, "current_ratio": 0.5}, 5, 3),
    ],
)
def test_credit_risk_limits(financials: dict[str, Any], risk: int | None, expected: int) -> None:
    data = base()
    data["background"] = {"financials": financials}
    if risk is not None:
        data["value"] = {"risk": risk}
    assert flagged("credit-risk", data) == expected
    lenient = Method(payment_days=200, current_ratio=0.1, risk=5)
    assert flagged("credit-risk", data, method=lenient) == (1 if risk == 5 else 0)


@pytest.mark.parametrize(("grade", "limit"), [("A", 30), ("B", 60), ("C", 90), (None, 90)])
def test_stale_review_by_grade(grade: str | None, limit: int) -> None:
    data = base()
    if grade:
        data["grade"] = grade
    data["reviewed"] = (DAY - timedelta(days=limit)).isoformat()
    assert flagged("stale-review", data) == 0
    data["reviewed"] = (DAY - timedelta(days=limit + 1)).isoformat()
    assert flagged("stale-review", data) == 1
    assert flagged("stale-review", data, method=Method(stale_days={"A": 400, "B": 400, "C": 400})) == 0


def test_below_target_for_a_decision_maker_or_coach_without_an_approach() -> None:
    data = base()
    data["people"][0].update(relationship="met", target="trusted")
    assert flagged("below-target", data) == 1
    data["people"][0]["approach"] = ["invite her to the reference site"]
    assert flagged("below-target", data) == 0
    data["people"][0].update(approach=None, relationship="trusted")  # at the target
    assert flagged("below-target", data) == 0
    data["people"].append({"id": "u", "name": "U Ser", "roles": ["user"], "relationship": "none", "target": "met"})
    assert flagged("below-target", data) == 0  # a user's plan is their own business
    data["people"][1].update(relationship="met", target="allied")
    assert flagged("below-target", data) == 1


def load_example() -> dict[str, Any]:
    return dict(yaml.safe_load(METHOD_EXAMPLE.read_text(encoding="utf-8")))


def test_completeness_of_the_method_example_by_hand() -> None:
    # background: organization (government) and scale (employees) present; annual volume, purchase pattern,
    # contact channels (address and phone, no web site or email) and departments missing: 2 of 6.
    # project lab-line-2027 (compare): process 1 + decision makers 2 + influencers 1 present; plan 1, problem 2,
    # budget 2, timeline 1, competitors 2 missing: 4 of 12.
    # decision chain: a decision maker 3, a coach 3, all three with level/roles/attitude/relationship 2;
    # reports_to: of the two without one, one is the top, so 1 of 2 placed: 0.5 of 1. 8.5 of 9.
    # no competitors listed: their rows do not apply. Profiles: none of 2. Value and sources: none of 2.
    earned, total = 2 + 4 + 8.5, 6 + 12 + 9 + 2 + 2
    found = completeness(Dossier.model_validate(load_example()))
    assert found.score == round(100 * earned / total) == 47
    assert found.bar == 80 and found.below_bar
    assert found.projects == {"lab-line-2027": round(100 * 4 / 12)}
    missing = {(g.item.key, g.project or g.person) for g in found.gaps}
    assert ("budget", "lab-line-2027") in missing and ("competitors", "lab-line-2027") in missing
    assert ("reports_to", "qian-kezhang") in missing and ("coach_profile", "zhao-zhuren") in missing
    assert ("process", "lab-line-2027") not in missing
    assert len(found.gaps) == 14


def test_weights_and_bars_come_from_the_method() -> None:
    data = Dossier.model_validate(load_example())
    # value and sources weigh nothing: 14.5 of 29
    assert completeness(data, Method(weights={"value": 0, "sources": 0})).score == round(100 * 14.5 / 29)
    assert completeness(data, Method(complete={"A": 40, "B": 60, "C": 40})).below_bar is False
    assert "incomplete" in codes(load_example())
    assert "incomplete" not in codes(load_example(), method=Method(complete={"A": 47, "B": 60, "C": 40}))
    ungraded = load_example()
    del ungraded["grade"]
    assert completeness(Dossier.model_validate(ungraded)).bar == 40  # C's


def test_every_checklist_row_can_be_missing_and_present() -> None:
    """Each row's judge sees its field: the full example has none of the gaps that its stripped copy has."""
    full = load_example()
    full["background"].update(
        annual_volume="x", purchase_pattern="x", email="a@b.c", departments=[{"name": "d", "kind": "using"}]
    )
    full["projects"][0].update(
        plan="x", problem="x", budget=1, timeline=[{"date": "2027-01-01", "event": "e"}], competitors=["c"]
    )
    full["competitors"] = [
        {"id": "c", "name": "C", "products": "x", "rep": {"name": "r"}, "strengths": "s", "weaknesses": "w"}
    ]
    for person in full["people"]:
        person.update(profile={"age": "50"}, reports_to=None if person["id"] == "sun-yuanzhang" else "sun-yuanzhang")
    full["value"], full["sources"] = {"purchase": 3}, [{"what": "x"}]  # fmt: skip
    assert completeness(Dossier.model_validate(full)).gaps == ()
    assert completeness(Dossier.model_validate(full)).score == 100
    empty = copy.deepcopy(full)
    empty.pop("background"), empty.pop("value"), empty.pop("sources")
    empty["projects"][0] = {"id": "lab-line-2027", "name": "x", "stage": "compare"}
    empty["competitors"] = [{"id": "c", "name": "C"}]
    empty["people"] = [{"id": "a", "name": "A"}, {"id": "b", "name": "B", "roles": ["coach"], "profile": {}}]
    empty["visits"] = []
    keys = {g.item.key for g in completeness(Dossier.model_validate(empty)).gaps}
    assert keys == set(ITEMS) - {"coach", "coach_profile", "decision_maker_profiles"}, set(ITEMS) - keys


def test_checklist_labels_speak_both_languages() -> None:
    assert ITEMS["budget"].label == "the budget"
    with speaking("zh"):
        assert ITEMS["budget"].label == "采购预算"
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in item.label) for item in CHECKLIST)


def test_read_method_reports_every_problem() -> None:
    _, problems = read_method(
        {"cold_day": 4, "confirm_days": 0, "stale_days": {"A": 10, "D": 3}, "weights": {"budgte": 2}, "risk": "high"},
        ITEMS,
    )
    text = "\n".join(problems)
    assert "unknown setting 'cold_day'; did you mean 'cold_days'?" in text
    assert "'confirm_days' must be a whole number from 1 to 365, not 0" in text
    assert "'stale_days': 'D' is not a grade" in text
    assert "no checklist item 'budgte'; did you mean 'budget'?" in text
    assert "'risk' must be a whole number from 1 to 5, not high" in text
    assert len(problems) == 5
    good, none = read_method({"cold_days": 30, "stale_days": {"A": 10}, "weights": {"coach": 5}}, ITEMS)
    assert none == [] and good.cold_days == 30 and good.review_limit(None) == 90
    assert good.stale_days == {"A": 10, "B": 60, "C": 90} and good.weights == {"coach": 5.0}


def workspace_with(tmp_path: Path, options: str) -> Path:
    (tmp_path / "dossiers").mkdir(parents=True)
    (tmp_path / "dossiers" / "binhai.yaml").write_bytes(METHOD_EXAMPLE.read_bytes())
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - kadossier:\n      language: zh\n" + options, encoding="utf-8"
    )
    return tmp_path


def validate(root: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["-C", str(root), "--today", DAY.isoformat(), "validate", *args])


def test_new_flags_show_but_do_not_fail_strict_until_the_workspace_warns_on_them(tmp_path: Path) -> None:
    example = load_example()
    example["reviewed"] = DAY.isoformat()
    example["people"][0]["relationship"] = "recognized"  # no flag of the default set is left
    example["projects"][0]["budget"] = 10_000_000
    root = workspace_with(tmp_path, "")
    (root / "dossiers" / "binhai.yaml").write_text(yaml.safe_dump(example, allow_unicode=True), encoding="utf-8")
    shown = validate(root, "--strict")
    assert shown.exit_code == 0, shown.output
    assert "[incomplete]" in shown.output and "[problem-unknown]" in shown.output and "警告" in shown.output
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text(encoding="utf-8") + "      warn: [problem-unknown]\n", encoding="utf-8"
    )
    assert validate(root, "--strict").exit_code == 1
    assert validate(root).exit_code == 0
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text(encoding="utf-8").replace("[problem-unknown]", "all"), encoding="utf-8"
    )
    assert validate(root, "--strict").exit_code == 1


def test_the_method_option_sets_the_thresholds(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, "      method:\n        cold_days: 100\n        complete: {A: 40}\n")
    result = validate(root)
    assert result.exit_code == 0, result.output
    assert "[decision-maker-cold]" not in result.output and "[incomplete]" not in result.output
    assert "[decision-maker-cold]" in validate(workspace_with(tmp_path / "default", "")).output


def test_a_broken_method_option_is_located_in_mkdocs_yml(tmp_path: Path) -> None:
    root = workspace_with(tmp_path, "      method:\n        cold_day: 100\n")
    result = validate(root)
    assert result.exit_code != 0
    assert "mkdocs.yml:5:7:" in result.output and "'cold_day'" in result.output and "'cold_days'" in result.output
    assert "Traceback" not in result.output
    root = workspace_with(tmp_path / "warn", "      warn: [no-coach, incomplet]\n")
    result = validate(root)
    assert result.exit_code != 0 and "'incomplet'" in result.output and "'incomplete'" in result.output


def test_new_flags_in_chinese() -> None:
    data = with_project(stage="compare")
    data["people"][1].update(relationship="met")
    with speaking("zh"):
        messages = {f.code: f.message for f in red_flags(Dossier.model_validate(data), DAY)}
    assert "去问，不要臆想客户需求" in messages["problem-unknown"]
    assert "预约下一次拜访" in messages["no-next-visit"]
    assert "约会（'met'）" in messages["coach-weak"]
