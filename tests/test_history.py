"""Git-native workflow, with real git: history per account, semantic diffs, "changed since the last visit"
on the site and in the brief, freshness, shallow clones, and byte-for-byte visit editing."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.dossier.load import load_bytes
from kadossier.history.diff import changes

from .conftest import EXAMPLES, ROOT, TODAY, build, git, git_calls, html_of
from .test_pdf import text

DOSSIER = "dossiers/shenyang-daily.yaml"


def edit(path: Path, old: str, new: str, *, after: str = "") -> None:
    """Replace the first `old` that follows `after` in the file."""
    content = path.read_text(encoding="utf-8")
    start = content.index(after) if after else 0
    at = content.index(old, start)
    path.write_text(content[:at] + new + content[at + len(old) :], encoding="utf-8")


def cli(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-C", str(repo), "--today", TODAY.isoformat(), *args])
    return result.exit_code, result.output


@pytest.fixture
def repo(workspace: Path) -> Path:
    """The example workspace in git: Alice's first version (project at 'design'), then after the last visit
    (10 Nov) Bob makes 万国利 a supporter and 陈静 moves the project to 'compare'."""
    dossier = workspace / DOSSIER
    edit(dossier, "stage: compare", "stage: design", after="id: newsprint-2027")
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", ".")
    git(workspace, "commit", "-q", "-m", "Dossiers for the team")
    edit(dossier, "attitude: neutral", "attitude: supporter", after="id: wan-guoli")
    message = "万部长 is on our side after the lab report"
    git(workspace, "commit", "-q", "-am", message, author="Bob Sales", day="2026-11-15")
    edit(dossier, "stage: design", "stage: compare", after="id: newsprint-2027")
    git(workspace, "commit", "-q", "-am", "Tender announced: compare", author="陈静", day="2026-11-20")
    return workspace


def test_history_lists_commits_newest_first(repo: Path) -> None:
    code, output = cli(repo, "history", "shenyang-daily")
    assert code == 0, output
    lines = output.strip().splitlines()
    assert re.match(r"2026-11-20  [0-9a-f]{8}  陈静  Tender announced: compare", lines[0])
    assert re.match(r"2026-11-15  [0-9a-f]{8}  Bob Sales  万部长 is on our side", lines[1])
    assert re.match(r"2026-11-01  [0-9a-f]{8}  Alice Admin  Dossiers for the team", lines[2])
    assert len(lines) == 3


def test_diff_since_last_visit_reports_fields_with_author_and_date(repo: Path) -> None:
    code, output = cli(repo, "diff", "shenyang-daily", "--since-last-visit")
    assert code == 0, output
    assert "since the last visit (2026-11-10-first-call, 2026-11-10)" in output
    bob = output.index("2026-11-15  Bob Sales")
    chen = output.index("2026-11-20  陈静")
    assert output.index("  people.wan-guoli.attitude: neutral -> supporter") > bob
    assert output.index("  projects.newsprint-2027.stage: design -> compare") > chen > bob


def test_diff_since_a_revision_and_of_uncommitted_changes(repo: Path) -> None:
    assert cli(repo, "diff", "shenyang-daily") == (0, "no changes\n")
    dossier = repo / DOSSIER
    content = dossier.read_text(encoding="utf-8")
    dossier.write_text(content.replace("  - id: 2026-12-08-order-fair", "  - id: 2026-12-09-order-fair"), "utf-8")
    code, output = cli(repo, "diff", "shenyang-daily")
    assert code == 0, output
    assert output.splitlines() == [
        "(not committed yet)",
        "  visits: - 2026-12-08-order-fair",
        "  visits: + 2026-12-09-order-fair",
    ]
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    code, output = cli(repo, "diff", "shenyang-daily", "--since", first)
    assert "people.wan-guoli.attitude: neutral -> supporter" in output
    assert "projects.newsprint-2027.stage: design -> compare" in output
    assert "visits: + 2026-12-09-order-fair" in output
    assert cli(repo, "diff", "shenyang-daily", "--since", "no-such-rev")[1].endswith("unknown revision 'no-such-rev'\n")


def test_semantic_diff_of_people_lists_and_records() -> None:
    old = load_bytes((EXAMPLES / "shenyang-daily.yaml").read_bytes()).data
    new = load_bytes((EXAMPLES / "shenyang-daily.yaml").read_bytes()).data
    new["people"] = [p for p in new["people"] if p["id"] != "zhong-min"] + [{"id": "new-one", "name": "新人"}]
    new["tags"] = [*new["tags"], "重点"]
    new["projects"][0]["timeline"][1]["done"] = True
    found = [str(c) for c in changes(old, new)]
    assert "people: - zhong-min" in found
    assert "people: + new-one" in found
    assert "tags: + 重点" in found
    assert "projects.newsprint-2027.timeline[1].done: false -> True" in found or any(
        c.startswith("projects.newsprint-2027.timeline[1].done:") for c in found
    )


def test_site_shows_history_freshness_and_changes_since_the_last_visit(repo: Path) -> None:
    site = build(repo)
    page = html_of(site / "accounts" / "shenyang-daily" / "index.html")
    assert "Changed since the last visit" in page
    assert "people.wan-guoli.attitude: neutral -&gt; supporter" in page
    assert "projects.newsprint-2027.stage: design -&gt; compare" in page
    assert "Bob Sales" in page and "陈静" in page and "Tender announced: compare" in page
    assert re.search(r"Last changed</dt><dd>20 Nov 2026 · 陈静 <span class=\"kad-badge kad-fresh\">3 days</span>", page)
    dashboard = html_of(site / "index.html")
    assert "Days since last change" in dashboard


def test_brief_starts_with_the_changes_since_the_last_visit(repo: Path) -> None:
    code, output = cli(repo, "pdf", "shenyang-daily", "--visit", "2026-11-28-workshop", "-o", str(repo / "b.pdf"))
    assert code == 0, output
    content = text(repo / "b.pdf")
    assert "Changed since the last visit" in content
    assert "people.wan-guoli.attitude: neutral -> supporter" in content
    assert "projects.newsprint-2027.stage: design -> compare" in content
    assert "Bob Sales" in content
    assert content.index("Changed since the last visit") < content.index("Agenda")


def test_shallow_clone_and_plain_folder_have_no_history_and_build(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # not inside the repository
    shallow = elsewhere / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(shallow)], check=True)
    page = html_of(build(shallow) / "accounts" / "shenyang-daily" / "index.html")
    assert "No history: a shallow clone" in page
    assert cli(shallow, "history", "shenyang-daily")[1].startswith("no history: a shallow clone")
    plain = elsewhere / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    page = html_of(build(plain) / "accounts" / "shenyang-daily" / "index.html")
    assert "No history: not a git repository" in page


def test_a_build_runs_a_fixed_number_of_git_processes(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    for i in range(40):  # many accounts, each with history
        shutil.copyfile(repo / DOSSIER, repo / "dossiers" / f"copy-{i:02d}.yaml")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "copies", author="Bob Sales", day="2026-11-21")
    with git_calls(tmp_path_factory.mktemp("git")) as log:
        build(repo)
    calls = log.read_text(encoding="utf-8").strip().split("\n")
    # rev-parse HEAD (is the build up to date?), rev-parse, log, status, cat-file (the versions the pipeline over
    # time has not summarised yet), cat-file (changed since the last visit), cat-file (the week's versions for the
    # This week page)
    assert len(calls) <= 7, calls


# --- recording and planning visits, byte for byte --------------------------------------------------------------


def changed_lines(before: bytes, after: bytes) -> tuple[list[bytes], list[bytes]]:
    """Lines only in `before`, lines only in `after` (by a line diff that keeps order)."""
    import difflib

    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def test_visit_done_changes_the_status_and_adds_a_record_block_only(workspace: Path) -> None:
    dossier = workspace / DOSSIER
    before = dossier.read_bytes()
    code, output = cli(workspace, "visit", "shenyang-daily", "2026-11-28-workshop", "--done")
    assert code == 0, output
    after = dossier.read_bytes()
    removed, added = changed_lines(before, after)
    assert removed == [b"    status: planned\n"]
    assert added[0] == b"    status: done\n"
    assert added[1].startswith(b"    record:  # fill in right after the visit")
    assert all(line.startswith(b"      # ") for line in added[2:]) and len(added) == 9
    # the structured commitments to fill in name the visit's first attendee on each side
    assert b"      #   - {what: what we promised, owner: " + "林强".encode() + b", due: YYYY-MM-DD}\n" in added
    # the record goes at the end of that visit, before the next one
    assert after.index(b"    record:  # fill in") < after.index(b"  - id: 2026-12-08-order-fair")
    assert after.index(b"    record:  # fill in") > after.index(b"    gifts: ")
    code, output = cli(workspace, "validate", DOSSIER)
    assert "visit '2026-11-28-workshop' is done but has no record" in output  # until it is filled in
    assert cli(workspace, "visit", "shenyang-daily", "2026-11-28-workshop", "--done")[0] == 1


def test_visit_editing_keeps_crlf_bom_and_permissions(workspace: Path) -> None:
    dossier = workspace / "dossiers" / "northwind-grid.yaml"
    source = b"\xef\xbb\xbf" + dossier.read_bytes().replace(b"\n", b"\r\n")
    dossier.write_bytes(source)
    dossier.chmod(0o640)
    code, output = cli(workspace, "visit", "northwind-grid", "--plan", "--date", "2027-01-12")
    assert code == 0, output
    after = dossier.read_bytes()
    removed, added = changed_lines(source, after)
    assert removed == []
    assert added[:2] == [b"  - id: 2027-01-12-visit\r\n", b"    date: 2027-01-12\r\n"]
    assert after.startswith(b"\xef\xbb\xbf") and b"\n" not in after.replace(b"\r\n", b"")
    assert after.index(b"2027-01-12-visit") < after.index(b"sources:")  # at the end of the visits list
    assert stat.S_IMODE(dossier.stat().st_mode) == 0o640
    assert cli(workspace, "validate", "dossiers/northwind-grid.yaml")[0] == 0


def test_visit_done_without_a_status_line_and_plan_without_visits(workspace: Path) -> None:
    dossier = workspace / "dossiers" / "tiny.yaml"
    dossier.write_text(
        "schema_version: 1\nname: Tiny\nowner: Ann  # the owner\nvisits:\n  - id: v1\n    date: 2026-11-20\n"
        "    # a comment inside\n    objective: meet\n\n# a closing comment\nnotes: end\n",
        encoding="utf-8",
    )
    assert cli(workspace, "visit", "tiny", "v1", "--done")[0] == 0
    assert dossier.read_text(encoding="utf-8").startswith(
        "schema_version: 1\nname: Tiny\nowner: Ann  # the owner\nvisits:\n  - id: v1\n    date: 2026-11-20\n"
        "    status: done\n    # a comment inside\n    objective: meet\n    record:  # fill in"
    )
    assert dossier.read_text(encoding="utf-8").endswith("\n\n# a closing comment\nnotes: end\n")
    bare = workspace / "dossiers" / "bare.yaml"
    bare.write_text("schema_version: 1\nname: Bare\nowner: Ann", encoding="utf-8")  # no final line break
    assert cli(workspace, "visit", "bare", "first-call", "--plan", "--date", "2026-12-01")[0] == 0
    content = bare.read_text(encoding="utf-8")
    assert content.startswith("schema_version: 1\nname: Bare\nowner: Ann\n\nvisits:\n  - id: first-call\n")
    assert '    ours: ["Ann"]\n' in content


def test_visit_command_errors(workspace: Path) -> None:
    code, output = cli(workspace, "visit", "shenyang-daily", "2026-11-28-worksho", "--done")
    assert code == 1 and "did you mean '2026-11-28-workshop'" in output
    assert cli(workspace, "visit", "shenyang-daily")[0] == 2
    flow = workspace / "dossiers" / "flow.yaml"
    flow.write_text("schema_version: 1\nname: F\nowner: A\nvisits:\n  - {id: v1, date: 2026-11-20}\n", "utf-8")
    before = flow.read_bytes()
    code, output = cli(workspace, "visit", "flow", "v1", "--done")
    assert code == 1 and "flow.yaml:5:5: visit 'v1' is written on one line" in output
    assert flow.read_bytes() == before
    assert not [p for p in (workspace / "dossiers").iterdir() if p.name.startswith(".")]


def test_pre_commit_hook_is_declared() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "kadossier-validate")
    assert hook["entry"] == "kadossier validate --only-dossiers" and hook["language"] == "python"
    for changed in ("dossiers/shenyang-daily.yaml", "sales/dossiers/acme.yml", "mkdocs.yml"):
        assert re.search(hook["files"], changed)  # every YAML file; kadossier keeps the dossiers among them


def _sales_repository(tmp_path: Path) -> Path:
    """A repository whose workspace is in sales/, with a broken dossier, a good one and other YAML files."""
    repo = tmp_path / "repo"
    (repo / "sales" / "dossiers").mkdir(parents=True)
    (repo / "sales" / "mkdocs.yml").write_bytes((ROOT / "mkdocs.yml").read_bytes())
    (repo / "sales" / "dossiers" / "kestrel-robotics.yaml").write_bytes(
        (EXAMPLES / "kestrel-robotics.yaml").read_bytes()
    )
    (repo / "sales" / "dossiers" / "broken.yaml").write_text("schema_version: 1\nname: Broken\nownr: M\n")
    (repo / "ci.yml").write_text("jobs: {}\n")
    (repo / "sales" / "notes.yaml").write_text("not: a dossier\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    return repo


def test_only_dossiers_keeps_the_dossiers_of_workspaces_in_subfolders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _sales_repository(tmp_path)
    monkeypatch.chdir(repo)
    files = ["ci.yml", "sales/mkdocs.yml", "sales/notes.yaml", "sales/dossiers/broken.yaml",
             "sales/dossiers/kestrel-robotics.yaml"]  # fmt: skip
    result = CliRunner().invoke(main, ["--today", TODAY.isoformat(), "validate", "--only-dossiers", *files])
    assert result.exit_code == 1
    assert "sales/dossiers/broken.yaml:3:1: error: unknown field 'ownr'" in result.output
    assert "checked 2 dossiers: 2 errors" in result.output  # 'ownr' unknown, 'owner' missing
    result = CliRunner().invoke(main, ["validate", "--only-dossiers", "ci.yml", "sales/notes.yaml"])
    assert result.exit_code == 0 and "checked 0 dossiers" in result.output


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_pre_commit_hook_refuses_a_broken_dossier_in_a_subfolder(tmp_path: Path) -> None:
    """pre-commit itself, with this repository as the hook repository (try-repo takes the working tree)."""
    repo = _sales_repository(tmp_path)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    pre_commit = [str(Path(sys.executable).parent / "pre-commit"), "try-repo", str(ROOT), "kadossier-validate"]
    run = subprocess.run([*pre_commit, "--all-files"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "sales/dossiers/broken.yaml:3:1: error: unknown field 'ownr'" in run.stdout, run.stdout
    (repo / "sales" / "dossiers" / "broken.yaml").unlink()
    git(repo, "add", "-A")
    run = subprocess.run([*pre_commit, "--all-files"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout


def test_a_commitment_closed_in_git_shows_in_the_changes_since_the_last_visit(repo: Path) -> None:
    """王磊 closes his commitment of the 12 Nov visit after it: the diff, the account page and the next visit's
    brief say which commitment, by what it promised (it has no id), not by its place in the list."""
    dossier = repo / "dossiers" / "hengrui-parts.yaml"
    edit(dossier, "due: 2026-11-19}", "due: 2026-11-19, status: done}", after="一周内提供故障对比数据")
    git(repo, "commit", "-q", "-am", "故障对比数据已发给顾部长", author="王磊", day="2026-11-18")
    change = "visits.2026-11-12-first-meeting.record.commitments.一周内提供故障对比数据.status: (none) -> done"
    code, output = cli(repo, "diff", "hengrui-parts", "--since-last-visit")
    assert code == 0, output
    assert "since the last visit (2026-11-12-first-meeting, 2026-11-12)" in output
    assert output.index(change) > output.index("2026-11-18  王磊")
    page = html_of(build(repo) / "accounts" / "hengrui-parts" / "index.html")
    assert change.replace("->", "-&gt;") in page and "故障对比数据已发给顾部长" in page
    code, output = cli(repo, "pdf", "hengrui-parts", "--visit", "2026-12-05-demo", "-o", str(repo / "b.pdf"))
    assert code == 0, output
    assert change in text(repo / "b.pdf")
