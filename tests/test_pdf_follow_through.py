"""Follow-through in the briefing PDFs, rendered for real with WeasyPrint and read back with pypdf: the
pack lists every action and the open commitments (overdue first, marked with their days overdue) and each
record's structured commitments; a visit brief recalls, on its first page, what either side promised.

The example account hengrui-parts (= ../shared/examples/follow-through.yaml) as of 2026-11-28, in English
and in Chinese (the workspace language comes from mkdocs.yml)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.render.present import Presenter, load_labels

from .conftest import EXAMPLES, example_workspace

ACCOUNT, VISIT = "hengrui-parts", "2026-12-05-demo"
DAY = dt.date(2026, 11, 28)
SOURCE: dict[str, Any] = yaml.safe_load((EXAMPLES / f"{ACCOUNT}.yaml").read_text(encoding="utf-8"))


def flat(value: str) -> str:
    """Text without the spaces and line breaks that text extraction puts between runs."""
    return re.sub(r"\s+", "", value)


def render(workspace: Path, today: dt.date, *args: str) -> Path:
    """`kadossier pdf` of the account (or of a visit's brief: --visit ID) as of `today`; the PDF's path."""
    target = workspace / f"{today}-{'-'.join(args) or 'pack'}.pdf"
    result = CliRunner().invoke(
        main, ["-C", str(workspace), "--today", today.isoformat(), "pdf", ACCOUNT, *args, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output  # no missing glyph, nothing from WeasyPrint
    return target


def in_language(folder: Path, language: str) -> Path:
    """A copy of the example workspace speaking `language`."""
    workspace = example_workspace(folder)
    config = workspace / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("language: en", f"language: {language}"), encoding="utf-8"
    )
    return workspace


@pytest.fixture(scope="module", params=["en", "zh"])
def made(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Presenter, Path, Path]:
    """The labels of a language, and the account's pack and its planned visit's brief in that language."""
    language = str(request.param)
    workspace = in_language(tmp_path_factory.mktemp(language), language)
    presenter = Presenter(language, "CNY", DAY, load_labels(language))
    return presenter, render(workspace, DAY), render(workspace, DAY, "--visit", VISIT)


def pages_of(pdf: Path, title: str) -> str:
    """The text of the pages from the outline entry `title` up to (not including) the next entry's page."""
    reader = pypdf.PdfReader(pdf)
    entries = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline if not isinstance(o, list)]
    at = next(i for i, (name, _) in enumerate(entries) if name == title)
    first = entries[at][1]
    last = max(first, entries[at + 1][1] - 1) if at + 1 < len(entries) else len(reader.pages) - 1
    return "\n".join(reader.pages[n].extract_text() for n in range(first, last + 1))


def between(text: str, start: str, end: str | None = None) -> str:
    """The flattened text after `start` up to `end` (or to the end); fails the test if `start` is missing."""
    text, start = flat(text), flat(start)
    assert start in text, start
    rest = text[text.index(start) + len(start) :]
    return rest[: rest.index(flat(end))] if end and flat(end) in rest else rest


def overdue(p: Presenter, days: int) -> str:
    return flat((p.ui["day_overdue"] if days == 1 else p.ui["days_overdue"]).format(n=days))


def person_name(person_id: str) -> str:
    return next(str(p["name"]) for p in SOURCE["people"] if p["id"] == person_id)


# --- the pack --------------------------------------------------------------------------------------------------


def test_pack_lists_every_action_with_every_field(made: tuple[Presenter, Path, Path]) -> None:
    p, pack, _ = made
    section = between(pages_of(pack, p.ui["actions_commitments"]), p.field("actions"), p.ui["open_commitments"])
    projects = {project["id"]: project["name"] for project in SOURCE["projects"]}
    for action in SOURCE["actions"]:
        row = between(section, action["what"])
        expected = [
            action["id"],
            action["owner"],
            p.date(action["due"]),
            p.label("action_status", action.get("status", "open")),
        ]
        expected += [projects[action["project"]]] if "project" in action else []
        expected += [person_name(ref) for ref in action.get("with", [])]
        expected += [action["notes"]] if "notes" in action else []
        for value in expected:
            assert flat(str(value)) in row[:200], (action["id"], value)
    # the dropped one, with its notes
    assert flat(f"{p.label('action_status', 'dropped')}") in between(section, "报送 2027 年价格表")
    assert "改为方案阶段一并报价" in between(section, "price-list")


def test_pack_actions_are_overdue_first_then_open_then_closed(made: tuple[Presenter, Path, Path]) -> None:
    p, pack, _ = made
    section = between(pages_of(pack, p.ui["actions_commitments"]), p.field("actions"), p.ui["open_commitments"])
    order = ["failure-stats", "demo-cell", "reference-visit", "price-list"]
    assert [section.index(key) for key in order] == sorted(section.index(key) for key in order)
    late = between(section, "整理现用机器人近 6 个月故障统计", "demo-cell")
    assert overdue(p, 3) in late  # due 25 Nov, as of 28 Nov
    assert flat(p.ui["overdue"]) not in between(section, "demo-cell")  # due 5 Dec; the closed ones are never late


def test_pack_lists_the_open_commitments_ours_and_theirs(made: tuple[Presenter, Path, Path]) -> None:
    p, pack, _ = made
    section = between(pages_of(pack, p.ui["actions_commitments"]), p.ui["open_commitments"])
    ours = between(section, "一周内提供故障对比数据", "提供现用机器人停机记录")
    assert flat(p.ui["our_promise"] + "王磊") in ours and overdue(p, 9) in ours
    assert p.date(dt.date(2026, 11, 12)).replace(" ", "") in ours  # the visit it was promised at
    theirs = between(section, "提供现用机器人停机记录")
    assert flat(p.ui["their_promise"] + "徐工") in theirs and overdue(p, 8) in theirs
    assert "寄送产品手册" not in section  # done


def test_pack_record_shows_its_structured_commitments(made: tuple[Presenter, Path, Path]) -> None:
    p, pack, _ = made
    record = between(pages_of(pack, p.ui["visits"]), p.field("record"), p.field("next_steps"))
    rows = [
        ("一周内提供故障对比数据", p.ui["our_promise"], "王磊", dt.date(2026, 11, 19), overdue(p, 9), "open"),
        ("提供现用机器人停机记录", p.ui["their_promise"], "徐工", dt.date(2026, 11, 20), overdue(p, 8), "open"),
        ("寄送产品手册", p.ui["our_promise"], "陈浩", dt.date(2026, 11, 14), "", "done"),
    ]
    for what, side, who, due, late, status in rows:
        assert flat(what + side + who + p.date(due) + late + p.label("action_status", status)) in record, what


def test_pack_contents_lists_the_section(made: tuple[Presenter, Path, Path]) -> None:
    p, pack, _ = made
    assert p.ui["actions_commitments"] in pages_of(pack, p.ui["contents"])


# --- the visit brief -------------------------------------------------------------------------------------------


def promises_on_page_one(p: Presenter, brief: Path) -> str:
    page = pypdf.PdfReader(brief).pages[0].extract_text()
    return between(page, p.ui["promises"], p.ui["their_attendees"])


def test_brief_recalls_the_promises_on_its_first_page(made: tuple[Presenter, Path, Path]) -> None:
    p, _, brief = made
    section = promises_on_page_one(p, brief)
    ours = between(section, "一周内提供故障对比数据", "提供现用机器人停机记录")
    assert flat(p.ui["our_promise"] + "王磊") in ours and overdue(p, 9) in ours
    theirs = between(section, "提供现用机器人停机记录", "整理现用机器人")
    assert flat(p.ui["their_promise"] + "徐工") in theirs and overdue(p, 8) in theirs
    assert "寄送产品手册" not in section  # done: nothing to recall
    # the project's actions too, overdue first
    order = ["一周内提供故障对比数据", "提供现用机器人停机记录", "failure-stats", "demo-cell"]
    assert [section.index(flat(what)) for what in order] == sorted(section.index(flat(what)) for what in order)
    assert flat(p.ui["overdue"]) not in between(section, "demo-cell")
    reader = pypdf.PdfReader(brief)
    outline = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline if not isinstance(o, list)]
    assert outline[1] == (p.ui["promises"], 0)  # the first section, right under the visit's facts


def test_brief_on_the_day_due_is_not_overdue_and_a_day_later_is(tmp_path: Path) -> None:
    brief = render(in_language(tmp_path, "en"), dt.date(2026, 11, 20), "--visit", VISIT)
    p = Presenter("en", "CNY", dt.date(2026, 11, 20), load_labels("en"))
    section = promises_on_page_one(p, brief)
    assert "19Nov20261dayoverdue" in between(section, "一周内提供故障对比数据", "提供现用机器人停机记录")
    due_today = between(section, "提供现用机器人停机记录", "整理现用机器人")
    assert "20Nov2026" in due_today and "overdue" not in due_today


def test_a_visit_that_nothing_is_owed_for_has_no_promises_section(tmp_path: Path) -> None:
    workspace = in_language(tmp_path, "en")
    dossier = workspace / "dossiers" / f"{ACCOUNT}.yaml"
    source = dossier.read_text(encoding="utf-8")
    # the demo without its project and its attendees: nothing involves it any more
    source = source.replace("    project: weld-line-2\n    ours: [陈浩, 王磊]\n    theirs: [gu-buzhang, xu-gong]\n", "")
    assert "weld-line-2\n    ours: [陈浩, 王磊]" not in source
    dossier.write_text(source, encoding="utf-8")
    reader = pypdf.PdfReader(render(workspace, DAY, "--visit", VISIT))
    assert "What we promised" not in reader.pages[0].extract_text()
    assert [o.title for o in reader.outline if not isinstance(o, list)][1:] == ["Previous visit"]
