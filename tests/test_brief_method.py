"""The visit brief prepares the visit (issue 18), rendered for real with WeasyPrint and read back with pdftotext and
pypdf: the project's problem, budget, process, people with their target and approach, competitors, what to find out,
the appointment; and it stays within three A4 pages however long the dossier's lists are (each cut with "and N
more — see the account pack").

The examples as of 2026-11-28: the reference's workshop brief (shenyang-daily), 滨海一院's two briefs (binhai-hospital
= ../shared/examples/method.yaml) in Chinese and in English, and a generated dossier with 60 more people, 30 more
competitors and 40 open promises, all on one visit's project."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.i18n import speaking
from kadossier.render.brief import LIMITS, more
from kadossier.render.present import Presenter, load_labels

from .conftest import EXAMPLES, SHARED_REFERENCE, example_workspace

DAY = dt.date(2026, 11, 28)
WORKSHOP = "2026-11-28-workshop"
HOSPITAL = "binhai-hospital"
LAB_TOUR, EQUIPMENT = "2026-12-02-lab-tour", "2026-12-03-equipment"
MOST_PAGES = 3


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def flat(value: str) -> str:
    """Text without the spaces and line breaks that pdftotext puts between CJK runs and at line ends."""
    return re.sub(r"\s+", "", value)


def text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def pages(pdf: Path) -> int:
    return len(pypdf.PdfReader(pdf).pages)


def in_language(folder: Path, language: str) -> Path:
    """A copy of the example workspace speaking `language`."""
    workspace = example_workspace(folder)
    config = workspace / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("language: en", f"language: {language}"), encoding="utf-8"
    )
    return workspace


def brief(workspace: Path, account: str, visit: str) -> Path:
    """`kadossier pdf ACCOUNT --visit VISIT` as of DAY; the PDF's path. Fails the test on any warning."""
    target = workspace / f"{account}-{visit}.pdf"
    result = CliRunner().invoke(
        main, ["-C", str(workspace), "--today", DAY.isoformat(), "pdf", account, "--visit", visit, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "警告" not in result.output, result.output
    return target


@pytest.fixture(scope="module", params=["en", "zh"])
def hospital(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Presenter, str, str]:
    """The labels of a language, and the flattened text of 滨海一院's two briefs in it."""
    language = str(request.param)
    workspace = in_language(tmp_path_factory.mktemp(language), language)
    presenter = Presenter(language, "CNY", DAY, load_labels(language))
    lab, equipment = brief(workspace, HOSPITAL, LAB_TOUR), brief(workspace, HOSPITAL, EQUIPMENT)
    assert pages(lab) <= MOST_PAGES and pages(equipment) <= MOST_PAGES
    return presenter, flat(text(lab)), flat(text(equipment))


HOSPITAL_DATA = load(EXAMPLES / f"{HOSPITAL}.yaml")


def person(person_id: str) -> dict[str, Any]:
    return next(p for p in HOSPITAL_DATA["people"] if p["id"] == person_id)


def visit(data: dict[str, Any], visit_id: str) -> dict[str, Any]:
    return next(v for v in data["visits"] if v["id"] == visit_id)


# --- 滨海一院 ------------------------------------------------------------------------------------------------------


def test_attendee_shows_her_target_and_every_step_of_her_approach(hospital: tuple[Presenter, str, str]) -> None:
    p, lab, _ = hospital
    zhao = person("zhao-zhuren")
    assert zhao["target"] == "trusted" and isinstance(zhao["approach"], list)  # the example as this test reads it
    attendee = lab[lab.index(flat(f"{zhao['name']} · {zhao['title']}")) :]  # her block under their attendees
    now = p.ui["now_at"].format(stage=p.label("relationship", zhao["relationship"]))
    assert flat(p.field("target")) in attendee[:200]
    assert flat(f"{p.label('relationship', 'trusted')} ({now})") in attendee[:300]
    for step in zhao["approach"]:
        assert flat(step) in attendee, step
    if p.language == "zh":
        assert "信赖" in attendee[:200]


def test_project_facts_process_and_decision_maker_plan(hospital: tuple[Presenter, str, str]) -> None:
    p, lab, equipment = hospital
    project = HOSPITAL_DATA["projects"][0]
    boss = person(project["decision_makers"][0])
    for page in (lab, equipment):
        facts = page[page.index(flat(p.ui["linked_project"])) :]
        assert flat(p.field("process")) in facts and flat(project["process"]) in facts
        assert flat(p.field("budget")) in facts and flat(p.ui["unknown_yet"]) in facts  # no budget: to ask
        people = page[page.index(flat(p.ui["project_people"])) :]
        # a decision maker who is not at either visit: shown with their target and approach in the project's table
        assert flat(boss["name"]) in people and flat(boss["approach"]) in people
        assert (
            flat(p.label("relationship", boss["relationship"]) + "→" + p.label("relationship", boss["target"]))
            in people
        )


def test_duration_and_the_unconfirmed_appointment(hospital: tuple[Presenter, str, str]) -> None:
    p, lab, equipment = hospital
    assert visit(HOSPITAL_DATA, EQUIPMENT)["confirmed"] is False and visit(HOSPITAL_DATA, LAB_TOUR)["confirmed"] is True
    assert flat(p.ui["not_confirmed"]) in equipment and flat(p.ui["not_confirmed"]) not in lab
    assert flat(p.ui["confirmed"]) in lab
    assert flat(p.ui["minutes"].format(n=visit(HOSPITAL_DATA, LAB_TOUR)["duration"])) in lab
    assert flat(p.ui["minutes"].format(n=visit(HOSPITAL_DATA, EQUIPMENT)["duration"])) in equipment
    if p.language == "zh":
        assert "未确认" in equipment and "未确认" not in lab


def expected_gaps(attendees: list[str]) -> list[tuple[str, str | None]]:
    """The gaps a visit to the example's project with `attendees` can close, read from the YAML by hand: (checklist
    item, the subject's name)."""
    project = HOSPITAL_DATA["projects"][0]
    gaps: list[tuple[str, str | None]] = []
    for key in ("plan", "problem", "budget", "timeline", "process", "decision_makers", "influencers"):
        if key not in project:
            gaps.append((key, project["name"]))
    if "competitors" not in project:  # the project is at compare: its competitors count
        gaps.append(("competitors", project["name"]))
    people = HOSPITAL_DATA["people"]
    if not any("coach" in p.get("roles", []) for p in people):
        gaps.append(("coach", None))
    for p in people:
        if p["id"] not in attendees:
            continue
        if not all(p.get(k) for k in ("level", "roles", "attitude", "relationship")):
            gaps.append(("key_people", p["name"]))
    tops = [p for p in people if "reports_to" not in p]
    gaps += [("reports_to", p["name"]) for p in tops[1:] if p["id"] in attendees]
    for p in people:
        if p["id"] in attendees and "coach" in p.get("roles", []) and "profile" not in p:
            gaps.append(("coach_profile", p["name"]))
        if p["id"] in attendees and "decision_maker" in p.get("roles", []) and "profile" not in p:
            gaps.append(("decision_maker_profiles", p["name"]))
    return gaps


def test_what_to_find_out_is_the_gaps_of_the_project_and_the_attendees(hospital: tuple[Presenter, str, str]) -> None:
    from kadossier.dossier.completeness import ITEMS

    p, lab, equipment = hospital
    with speaking(p.language):
        for page, visit_id in ((lab, LAB_TOUR), (equipment, EQUIPMENT)):
            gaps = expected_gaps(visit(HOSPITAL_DATA, visit_id)["theirs"])
            assert ("budget", HOSPITAL_DATA["projects"][0]["name"]) in gaps
            section = page[page.index(flat(p.ui["find_out"])) :]
            section = section[: section.index(flat(p.ui["their_attendees"]))]
            shown, cut = gaps[: LIMITS["gaps"]], len(gaps) - LIMITS["gaps"]
            for key, name in shown:
                assert flat(ITEMS[key].label + (f"·{name}" if name else "")) in section, (visit_id, key)
            assert section.count("·") == sum(1 for _, name in shown if name)  # nothing else listed
            assert (flat(more(cut)) in section) == (cut > 0), (visit_id, cut)


# --- three pages at most ------------------------------------------------------------------------------------------


def test_the_reference_workshop_brief_fits_on_three_pages(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    (workspace / "dossiers" / "shenyang-daily.yaml").write_bytes(
        (SHARED_REFERENCE / "shenyang-daily.yaml").read_bytes()
    )
    assert any(v["id"] == WORKSHOP for v in load(SHARED_REFERENCE / "shenyang-daily.yaml")["visits"])
    pdf = brief(workspace, "shenyang-daily", WORKSHOP)
    assert pages(pdf) <= MOST_PAGES
    words = flat(text(pdf))
    for name in ("辽东纸业", "王海", "价格战，常请客吃饭", "纸张强度和断纸率指标领先"):  # competitors' reps, our SWOT
        assert name in words, name


def stressed(reference: dict[str, Any]) -> dict[str, Any]:
    """The reference dossier with 60 more people, 30 more competitors and 40 open actions on the workshop's project,
    a dozen more attendees with profiles, and a long agenda, questions and objections: many items, each as long as
    the examples' (the 滨海一院 approaches, the reference's profile, reps and strengths)."""
    data = dict(reference)
    project = dict(data["projects"][0])
    workshop = dict(visit(data, WORKSHOP))
    wan = next(p for p in data["people"] if p["id"] == "wan-guoli")
    sun, zhao = person("sun-yuanzhang"), person("zhao-zhuren")
    people = list(data["people"])
    for i in range(60):
        people.append(
            {
                "id": f"p{i:02d}",
                "name": f"人员{i:02d}",
                "title": "设备科副科长",
                **({"level": "management", "reports_to": "li-shezhang"} if i % 2 == 0 else {}),  # to find out
                "roles": ["decision_maker" if i % 3 == 0 else "influencer"],
                "attitude": "neutral",
                "relationship": "met",
                "target": "trusted",
                "approach": [sun["approach"], *zhao["approach"], "第四步", "第五步"],
                "profile": wan["profile"],
                "notes": wan["notes"],
            }
        )
    competitors = list(data["competitors"])
    rival = data["competitors"][0]
    for i in range(30):
        competitors.append(
            {
                "id": f"c{i:02d}",
                "name": f"竞争对手{i:02d}",
                "rep": {**rival["rep"], "name": f"代表{i:02d}"},
                "strengths": rival["strengths"] * 3,
                "weaknesses": rival["weaknesses"] * 3,
            }
        )
    project["decision_makers"] = project["decision_makers"] + [f"p{i:02d}" for i in range(0, 60, 3)]
    project["influencers"] = project["influencers"] + [f"p{i:02d}" for i in range(60) if i % 3]
    project["competitors"] = project["competitors"] + [f"c{i:02d}" for i in range(30)]
    workshop["theirs"] = workshop["theirs"] + [f"p{i:02d}" for i in range(12)]
    workshop["agenda"] = workshop["agenda"] * 6
    workshop["questions"] = workshop["questions"] * 6
    workshop["objections"] = workshop["objections"] * 6
    workshop["materials"] = workshop["materials"] * 4
    data["actions"] = [
        {
            "id": f"a{i:02d}",
            "what": f"{i} {sun['approach']}",
            "owner": "林强",
            "due": "2026-12-20",
            "project": project["id"],
        }
        for i in range(40)
    ]
    data.update(
        people=people,
        competitors=competitors,
        projects=[project],
        visits=[v if v["id"] != WORKSHOP else workshop for v in data["visits"]],
    )
    return data


class NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_brief_of_long_lists_keeps_to_three_pages_and_counts_what_it_leaves_out(
    tmp_path: Path, language: str
) -> None:
    workspace = in_language(tmp_path, language)
    data = stressed(load(SHARED_REFERENCE / "shenyang-daily.yaml"))
    written = yaml.dump(data, Dumper=NoAliases, allow_unicode=True)  # a dossier has no anchors: each value in full
    (workspace / "dossiers" / "shenyang-daily.yaml").write_text(written, encoding="utf-8")
    pdf = brief(workspace, "shenyang-daily", WORKSHOP)
    assert pages(pdf) <= MOST_PAGES
    words = flat(text(pdf))
    project = data["projects"][0]
    involved = len(set(project["decision_makers"]) | set(project["influencers"]))
    unknown = [p for p in data["people"] if p["id"] in visit(data, WORKSHOP)["theirs"] and "level" not in p]
    left_out = {
        "people": involved - LIMITS["people"],
        "competitors": len(project["competitors"]) - LIMITS["competitors"],
        "promises": len(data["actions"]) - LIMITS["promises"],
        "attendees": len(visit(data, WORKSHOP)["theirs"]) - LIMITS["attendees"],
        "gaps": len(unknown) * 2 - LIMITS["gaps"],  # their level, and whom they report to
        "agenda": 3 * 6 - LIMITS["agenda"],
        "objections": 2 * 6 - LIMITS["objections"],
    }
    with speaking(language):
        for what, n in left_out.items():
            assert flat(more(n)) in words, (what, n)
    n = left_out["people"]
    assert flat(f"另有 {n} 项——见客户档案包" if language == "zh" else f"and {n} more — see the account pack") in words
