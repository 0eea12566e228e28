"""The team wiki: a real MkDocs build of the example workspace, its pages, its safety and its size."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.numbers import get_currency_symbol
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.dossier.load import Plain, load_bytes
from kadossier.dossier.vocab import Role
from kadossier.render.present import Presenter, load_labels
from tests.conftest import EXAMPLES, TODAY, build

REFERENCES = ["shenyang-daily", "northwind-grid"]
REFERENCE_KEYS = {
    "id",
    "reports_to",
    "decision_makers",
    "influencers",
    "competitors",
    "theirs",
    "project",
    "schema_version",
}
VOCAB_OF = {
    "grade": "grade",
    "tier": "tier",
    "organization": "organization",
    "kind": "department_kind",
    "satisfaction": "rating",
    "influence": "rating",
    "reliability": "rating",
    "level": "level",
    "roles": "role",
    "attitude": "attitude",
    "relationship": "relationship",
    "stage": "stage",
    "status": None,
    "channel": "channel",
}


class Page(HTMLParser):
    """An HTML page's visible text, scripts, event-handler attributes and links."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.fetches: list[str] = []
        self._skip = 0
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
            if tag == "script":
                self.scripts.append(dict(attrs).get("src") or "<inline>")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                self.urls.append(value)
                if name == "src" or tag == "link":
                    self.fetches.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def page(site: Path, uri: str) -> Page:
    return Page((site / uri / "index.html").read_text(encoding="utf-8"))


def test_every_page_is_built(site: Path) -> None:
    for uri in [
        "",
        "pipeline",
        "visits",
        "competitors",
        "red-flags",
        "accounts/shenyang-daily",
        "accounts/northwind-grid",
        "accounts/kestrel-robotics",
    ]:
        assert (site / uri / "index.html").is_file(), uri
    assert not list(site.rglob("*.yaml")), "raw dossiers must never be published"
    assert not list(site.rglob("dossier.schema.json"))


def _leaves(value: object, key: str = "") -> list[tuple[str, object]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, k)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v, key)]
    return [(key, value)]


@pytest.mark.parametrize("name", REFERENCES)
def test_every_field_of_the_reference_dossiers_is_on_its_page(site: Path, name: str) -> None:
    text = page(site, f"accounts/{name}").visible
    presenter = Presenter("en", "CNY", TODAY, load_labels("en"))
    data = load_bytes((EXAMPLES / f"{name}.yaml").read_bytes()).data
    missing = []
    for key, value in _leaves(data):
        if key in REFERENCE_KEYS or value is None:
            continue
        value = str(value)
        expected = [" ".join(value.split())]
        if key in VOCAB_OF:
            vocabs = [VOCAB_OF[key]] if VOCAB_OF[key] else ["visit_status", "project_status"]
            vocabs += ["visit_kind"] if key == "kind" else []
            expected = [presenter.label(vocab, value) for vocab in vocabs]
        elif key == "currency":
            expected = [get_currency_symbol(value, locale="en_GB")]
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", value):
            from kadossier.dossier.fields import _when

            expected = [presenter.date(_when(value))]
        elif (
            key in ("amount", "employees", "revenue", "budget", "value")
            and isinstance(value, Plain | str)
            and value.isdigit()
        ):
            expected = [presenter.number(int(value)), value]
        elif key == "net_margin":
            expected = [f"{float(value) * 100:.1f}%"]
        elif key == "done":
            expected = ["✓"]
        if not any(e in text for e in expected):
            missing.append((key, value, expected))
    assert missing == []


def test_references_show_as_names_and_link_within_the_page(site: Path) -> None:
    source = (site / "accounts/shenyang-daily/index.html").read_text(encoding="utf-8")
    assert re.search(r'href="#person-wan-guoli"[^>]*>万国利</a>', source)
    assert 'id="person-wan-guoli"' in source and 'id="project-newsprint-2027"' in source
    assert re.search(r'href="#competitor-liaodong-paper"[^>]*>辽东纸业</a>', source)


def test_org_chart_and_matrix_are_inline_svg_without_script(site: Path) -> None:
    source = (site / "accounts/shenyang-daily/index.html").read_text(encoding="utf-8")
    svg = source[source.index('<svg class="kad-chart"') : source.index("</svg>", source.index("kad-chart"))]
    assert svg.count("<rect") == 5 and svg.count("<polyline") == 4
    assert "<script" not in svg and "kad-attitude-champion" in svg
    assert "刘强" in svg and "印刷车间主任" in svg
    matrix = page(site, "accounts/shenyang-daily").visible
    assert all(Presenter("en", "CNY", TODAY, load_labels("en")).label("role", r) in matrix for r in Role)


def test_overviews_aggregate_across_accounts(site: Path) -> None:
    dashboard = page(site, "").visible
    assert "Accounts 6" in dashboard and "Open projects 6" in dashboard and "Overdue actions 1" in dashboard
    assert "CN¥39M · €2.4M" in dashboard  # newsprint 21M + looms 1.2M + weld line 4.8M + lab line 12M; scf 1.8M + 0.6M
    pipeline = page(site, "pipeline").visible
    assert "Compare 30% 2" in pipeline and "2027 年度新闻纸框架采购" in pipeline
    visits = page(site, "visits").visible
    assert visits.index("28 Nov 2026 10:00") < visits.index("3 Dec 2026 14:30") < visits.index("8 Dec 2026")
    competitors = page(site, "competitors").visible
    assert "Harbor Bank" in competitors and "辽东纸业" in competitors and "华北林纸" in competitors
    assert "Peter Lowe" in page(site, "competitor/harbor-bank").visible  # the rep, on the competitor's page
    named = page(site, "competitor/liao-dong-zhi-ye").visible  # 晨光日报's 辽东纸业: a name, no ref
    assert "王海" in named and "ref: liaodong-paper" in named  # its rep there; the profile it could refer to
    flags = page(site, "red-flags").visible
    assert "万国利 ('wan-guoli') is only at relationship 'met'" in flags


def test_pages_are_small_and_fetch_nothing_from_elsewhere(site: Path) -> None:
    for path in site.rglob("*.html"):
        parsed = Page(path.read_text(encoding="utf-8"))
        external = [u for u in parsed.fetches if re.match(r"(https?:)?//", u)]
        assert external == [], (path, external)
    for account in (site / "accounts").iterdir():
        size = (account / "index.html").stat().st_size
        # 43 KiB of page, the light/dark switch (about 1.5 KiB), the marks of the Chinese text (lang, about 3 KiB),
        # the chart's attitudes and reporting lines as text, the tables' named scroll boxes (about 2 KiB)
        assert size <= 50 * 1024, (account.name, size)
    css = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "fonts.gstatic" not in css


def test_search_index_has_the_chinese_names(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = "".join(doc["text"] for doc in index["docs"])
    assert "\u200b万国利\u200b" in text  # a word of its own (jieba, with the workspace's names)
    assert "\\u200b" in index["config"]["separator"] and "(?=" not in index["config"]["separator"]


def test_chinese_labels(tmp_path: Path, workspace: Path) -> None:
    config = workspace / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    site = build(workspace)
    text = page(site, "accounts/shenyang-daily").visible
    for label in ["决策链", "关键人物", "采购部长", "比较", "约会", "2026年11月28日 10:00", "¥36,000,000"]:
        assert label in text, label
    assert "总览" in page(site, "").visible


def test_labels_cover_every_vocabulary_value_in_both_languages() -> None:
    from kadossier.dossier import vocab
    from kadossier.dossier.checks import RED_FLAGS
    from kadossier.dossier.schema import models

    names = {
        vocab.Grade: "grade",
        vocab.Tier: "tier",
        vocab.Organization: "organization",
        vocab.DepartmentKind: "department_kind",
        vocab.Rating: "rating",
        vocab.Level: "level",
        vocab.Role: "role",
        vocab.Attitude: "attitude",
        vocab.Relationship: "relationship",
        vocab.Stage: "stage",
        vocab.ProjectStatus: "project_status",
        vocab.VisitKind: "visit_kind",
        vocab.VisitStatus: "visit_status",
        vocab.ActionStatus: "action_status",
        vocab.Channel: "channel",
    }
    for language in ("en", "zh"):
        labels = load_labels(language)
        for enum, name in names.items():
            assert set(labels["vocab"][name]) == {m.value for m in enum}, (language, name)
        assert set(labels["vocab"]["red_flag"]) == set(RED_FLAGS)
        fields = {info.alias or f for m in models() for f, info in m.model_fields.items()} - {"schema_version", "id"}
        assert fields <= set(labels["fields"]), (language, fields - set(labels["fields"]))
        assert set(load_labels("en")["ui"]) == set(labels["ui"])


HOSTILE = """schema_version: 1
name: "<img src=x onerror=alert(1)>"
short_name: "<script>alert(2)</script>"
owner: "[click](javascript:alert(3))"
industry: "{{ 7*7 }} {% raw %}"
region: "--8<-- \\"/etc/passwd\\""
tags: ["</dd></dl><script>alert(4)</script>", "{: onclick=alert(5) }"]
reviewed: 2026-11-20
summary: "first line\\n\\n# Injected heading\\n\\n<iframe src=javascript:alert(6)>\\n\\n!!! danger \\"admonition\\""
background:
  website: "https://ok.example.com/\\"onmouseover=\\"alert(7)"
people:
  - id: x
    name: "**bold** _x_ <b>b</b>"
    title: "| a | b |\\n|---|---|"
    roles: [coach]
    notes: "[link](javascript:alert(8)) ![img](http://127.0.0.1:9/x.png) <a href='javascript:alert(9)'>a</a>"
projects:
  - {id: p, name: "# not a heading ${x}", stage: interest, decision_makers: [x]}
"""


def test_hostile_dossier_renders_as_text_and_runs_nothing(workspace: Path) -> None:
    (workspace / "dossiers" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    site = build(workspace)
    parsed = page(site, "accounts/hostile")
    visible = parsed.visible
    assert "<img src=x onerror=alert(1)>" in visible
    assert "<script>alert(2)</script>" in visible or "<script>alert(2)</script>" in page(site, "").visible
    assert "{{ 7*7 }}" in visible and "49" not in visible
    assert '--8<-- "/etc/passwd"' in visible and "root:" not in visible
    assert "# Injected heading" in visible and "!!! danger" in visible
    for path in site.rglob("*.html"):
        parsed = Page(path.read_text(encoding="utf-8"))
        assert parsed.handlers == [], (path, parsed.handlers)
        assert not [u for u in parsed.urls if u.strip().lower().startswith(("javascript:", "data:"))], path
        assert all(
            s == "<inline>" or s.startswith(("assets/", "/assets/", "../", "search/")) for s in parsed.scripts
        ), (path, parsed.scripts)
        assert not [u for u in parsed.urls if "127.0.0.1" in u], path
    source = (site / "accounts/hostile/index.html").read_text(encoding="utf-8")
    assert "<iframe" not in source and '<h1 id="injected-heading"' not in source
    assert html.escape("<img src=x onerror=alert(1)>") in source


def _run(workspace: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-C", str(workspace), "--today", TODAY.isoformat(), *args])
    return result.exit_code, result.output


def test_an_invalid_dossier_fails_the_build_with_located_messages(workspace: Path) -> None:
    bad = workspace / "dossiers" / "northwind-grid.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("attitude: skeptic", "attitude: sceptic"), encoding="utf-8")
    code, output = _run(workspace, "build")
    assert code == 1
    assert "dossiers/northwind-grid.yaml:81:15: error: attitude sceptic is not one of" in output
    assert "Traceback" not in output and not (workspace / "site").exists()


def test_red_flags_the_workspace_warns_on_fail_a_strict_build(workspace: Path) -> None:
    dossier = workspace / "dossiers" / "kestrel-robotics.yaml"
    record = (
        "    record:\n      outcome: Interested; asked for samples and a price band\n"
        "      next_steps: [Ship 20 sample looms, Quote three volume bands]\n      follow_up: 2026-12-01\n"
    )
    text = dossier.read_text(encoding="utf-8")
    assert record in text
    dossier.write_text(text.replace(record, ""), encoding="utf-8")  # a done visit without its record
    code, output = _run(workspace, "build", "--strict")
    assert code == 1 and "[visit-no-record]" in output and "strict mode" in output
    assert _run(workspace, "build")[0] == 0


def test_plain_mkdocs_build_runs_the_same_plugin_and_writes_nothing_into_the_dossiers(workspace: Path) -> None:
    before = {p.name: p.read_bytes() for p in (workspace / "dossiers").iterdir()}
    done = _plain_mkdocs_build(workspace)
    assert done.returncode == 0, done.stderr
    assert (workspace / "site" / "accounts" / "shenyang-daily" / "index.html").is_file()
    assert {p.name: p.read_bytes() for p in (workspace / "dossiers").iterdir()} == before


def _plain_mkdocs_build(workspace: Path) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build` (not kadossier's command) in the workspace, in a process of its own."""
    import sys

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "-q"]
    return subprocess.run(command, cwd=workspace, capture_output=True, text=True, check=False, env=env)


@pytest.mark.parametrize("trouble", ["dossiers_dir", "generated page"])
def test_plain_mkdocs_build_reports_a_workspace_problem_as_a_located_message(workspace: Path, trouble: str) -> None:
    config = workspace / "mkdocs.yml"
    if trouble == "dossiers_dir":
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("dossiers_dir: dossiers", "dossiers_dir: nowhere"), encoding="utf-8")
        expected = f"{config}: dossiers_dir 'nowhere' is not a folder"
    else:
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("docs_dir: dossiers", "docs_dir: pages"), encoding="utf-8")
        (workspace / "pages").mkdir()
        (workspace / "pages" / "pipeline.md").write_text("# mine\n", encoding="utf-8")
        expected = "pipeline.md is generated by kadossier; remove the file of that name from docs_dir"
    done = _plain_mkdocs_build(workspace)
    assert done.returncode == 1
    assert expected in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_workspace_can_override_templates_and_labels(workspace: Path) -> None:
    own = workspace / "templates"
    (own / "labels").mkdir(parents=True)
    (own / "labels" / "en.yaml").write_text("ui:\n  dashboard: Key account board\n", encoding="utf-8")
    (own / "site").mkdir()
    (own / "site" / "red-flags.html").write_text(
        '{%- set title = "Flags" -%}{%- set hide = [] -%}<h1>Our own flag page</h1>'
        "<p>{{ accounts | length }} accounts</p>",
        encoding="utf-8",
    )
    site = build(workspace)
    assert "Key account board" in page(site, "").visible
    assert "Our own flag page 6 accounts" in page(site, "red-flags").visible


def test_account_pages_come_from_the_cache_until_their_dossier_changes(workspace: Path) -> None:
    cache = workspace / ".kadossier-cache" / "site"
    site = build(workspace)
    entries = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    briefs = len(list((site / "briefs").glob("*/*/index.html")))  # each planned visit's brief page has its entry
    assert briefs > 0 and len(entries) == len(list((workspace / "dossiers").glob("*.yaml"))) + briefs

    build(workspace, "--force")  # nothing changed: every page from the cache, none written again
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")} == entries

    dossier = workspace / "dossiers" / "northwind-grid.yaml"
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace("name: Northwind", "name: Southwind"), encoding="utf-8"
    )
    site = build(workspace)
    after = {p.name for p in cache.glob("*.json")}
    made = 1 + len(list((site / "briefs" / "northwind-grid").glob("*/index.html")))  # its page and its briefs
    assert len(after) == len(entries) and len(after - set(entries)) == made  # new entries, the old ones removed
    page = (site / "accounts" / "northwind-grid" / "index.html").read_text(encoding="utf-8")
    assert "Southwind" in page

    for entry in cache.glob("*.json"):  # a damaged cache is rendered again, not shown
        entry.write_bytes(b"not an entry")
    site = build(workspace, "--force")
    assert "Southwind" in (site / "accounts" / "northwind-grid" / "index.html").read_text(encoding="utf-8")
    assert all(p.read_bytes() != b"not an entry" for p in cache.glob("*.json"))

    templates = workspace / "templates" / "labels"  # a label changed: every page is made again
    templates.mkdir(parents=True)
    (templates / "en.yaml").write_text("ui: {visits: Besuche}\n", encoding="utf-8")
    build(workspace)
    assert not {p.name for p in cache.glob("*.json")} & after


def _warn_on_weak_decision_makers(workspace: Path) -> None:
    """Make a red flag of the example a warning (the example builds without any)."""
    config = workspace / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("warn: [no-decision-maker,", "warn: [weak-decision-maker, no-decision-maker,"))


def test_a_build_with_nothing_changed_only_says_so(workspace: Path) -> None:
    _warn_on_weak_decision_makers(workspace)

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, ["-C", str(workspace), "--today", TODAY.isoformat(), "build", *args])
        assert result.exit_code == 0, result.output
        return result.output

    first = run("--no-pdf")
    assert "site built in" in first and "weak-decision-maker" in first  # a red flag the workspace warns on
    page = workspace / "site" / "index.html"
    built = page.stat().st_mtime_ns
    again = run("--no-pdf")
    assert "is up to date" in again and page.stat().st_mtime_ns == built
    assert "weak-decision-maker" in again  # the last build's warnings are shown again

    assert "site built in" in run("--no-pdf", "--force")
    assert "site built in" in run()  # other options: with PDFs
    assert "site built in" in run("--no-pdf", "--redact")
    assert "site built in" in run("--no-pdf")  # and back: the stamp is the last build's
    assert "is up to date" in run("--no-pdf")

    dossier = workspace / "dossiers" / "kestrel-robotics.yaml"  # an edited dossier
    dossier.write_text(dossier.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert "site built in" in run("--no-pdf")
    (workspace / "site" / "index.html").unlink()  # a damaged site
    assert "site built in" in run("--no-pdf") and page.is_file()
    (workspace / "templates" / "labels").mkdir(parents=True)  # a new template file
    (workspace / "templates" / "labels" / "en.yaml").write_text("ui: {visits: Besuche}\n", encoding="utf-8")
    assert "site built in" in run("--no-pdf")
    assert (
        "site built in"
        in CliRunner().invoke(main, ["-C", str(workspace), "--today", "2026-11-24", "build", "--no-pdf"]).output
    )  # another day: dates, flags and ages change
    subprocess.run(["git", "init", "-q"], cwd=workspace, check=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "-A"], cwd=workspace, check=True)
    assert "site built in" in run("--no-pdf")  # git history appeared (HEAD: no commit yet)
    subprocess.run([*git, "commit", "-qm", "accounts"], cwd=workspace, check=True)
    assert "site built in" in run("--no-pdf")  # a commit: the pages show it


def test_a_strict_build_with_warnings_is_never_skipped(workspace: Path) -> None:
    _warn_on_weak_decision_makers(workspace)
    args = ["-C", str(workspace), "--today", TODAY.isoformat(), "build", "--no-pdf", "--strict"]
    for _ in range(2):
        result = CliRunner().invoke(main, args)
        assert result.exit_code != 0 and "is up to date" not in result.output, result.output
