"""History across renames and odd repositories (issue 14, item 17), and `kadossier serve` when a dossier
turns invalid (item 15): real git, real `kadossier` processes, a real server fetched over HTTP."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ..test_history import edit, git
from .conftest import kadossier

DOSSIER = "dossiers/shenyang-daily.yaml"


def _two_commits(workspace: Path) -> Path:
    """The example workspace in git: Alice's first version, then Bob makes 万国利 a supporter after the
    last visit (10 Nov)."""
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", ".")
    git(workspace, "commit", "-q", "-m", "Dossiers for the team")
    edit(workspace / DOSSIER, "attitude: neutral", "attitude: supporter", after="id: wan-guoli")
    git(workspace, "commit", "-q", "-am", "万部长 is on our side", author="Bob Sales", day="2026-11-15")
    return workspace


def _history(workspace: Path, account: str) -> list[str]:
    run = kadossier(workspace, "history", account)
    assert run.code == 0, run.output
    return run.output.strip().splitlines()


def _since_last_visit(workspace: Path, account: str) -> str:
    run = kadossier(workspace, "diff", account, "--since-last-visit")
    assert run.code == 0, run.output
    return run.output


# --- item 17: renames -------------------------------------------------------------------------------------------


def test_history_and_changes_since_the_last_visit_follow_a_git_mv(workspace: Path) -> None:
    repo = _two_commits(workspace)
    git(repo, "mv", DOSSIER, "dossiers/chenguang.yaml")
    git(repo, "commit", "-q", "-m", "Rename to the paper's own name", author="陈静", day="2026-11-20")
    lines = _history(repo, "chenguang")
    assert [line.split("  ", 3)[3] for line in lines] == [
        "Rename to the paper's own name",
        "万部长 is on our side",
        "Dossiers for the team",
    ]
    output = _since_last_visit(repo, "chenguang")
    assert "the dossier was new" not in output
    assert "people.wan-guoli.attitude: neutral -> supporter" in output
    assert "dossier created" not in output
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    run = kadossier(repo, "diff", "chenguang", "--since", first)
    assert run.code == 0, run.output
    assert "people.wan-guoli.attitude: neutral -> supporter" in run.output
    assert "dossier created" not in run.output


def test_history_follows_a_rename_with_edits_and_a_chain_of_renames(workspace: Path) -> None:
    repo = _two_commits(workspace)
    git(repo, "mv", DOSSIER, "dossiers/chenguang.yaml")
    edit(repo / "dossiers/chenguang.yaml", "grade: A", "grade: B")  # renamed and edited in one commit
    git(repo, "commit", "-q", "-am", "Renamed, and down to grade B", day="2026-11-16")
    git(repo, "mv", "dossiers/chenguang.yaml", "dossiers/chenguang-daily.yaml")
    git(repo, "commit", "-q", "-m", "Renamed again", day="2026-11-17")
    edit(repo / "dossiers/chenguang-daily.yaml", "grade: B", "grade: C")
    git(repo, "commit", "-q", "-am", "Grade C", day="2026-11-18")
    subjects = [line.split("  ", 3)[3] for line in _history(repo, "chenguang-daily")]
    assert subjects == [
        "Grade C",
        "Renamed again",
        "Renamed, and down to grade B",
        "万部长 is on our side",
        "Dossiers for the team",
    ]
    output = _since_last_visit(repo, "chenguang-daily")
    assert "people.wan-guoli.attitude: neutral -> supporter" in output
    assert "grade: A -> B" in output and "grade: B -> C" in output
    assert "dossier created" not in output


def test_a_file_deleted_then_created_again_under_the_same_name_starts_a_new_history(workspace: Path) -> None:
    repo = _two_commits(workspace)
    kept = (repo / DOSSIER).read_bytes()
    git(repo, "rm", "-q", DOSSIER)
    git(repo, "commit", "-q", "-m", "Lost the account", day="2026-11-16")
    (repo / DOSSIER).write_bytes(kept.replace(b"grade: A", b"grade: C"))
    git(repo, "add", DOSSIER)
    git(repo, "commit", "-q", "-m", "Won it back: a new dossier", day="2026-11-18")
    subjects = [line.split("  ", 3)[3] for line in _history(repo, "shenyang-daily")]
    assert subjects == ["Won it back: a new dossier"]
    assert "dossier created" in _since_last_visit(repo, "shenyang-daily")


def test_a_deleted_file_is_not_the_ancestor_of_a_file_renamed_onto_its_name(workspace: Path) -> None:
    """b is deleted, then a is renamed to b: b's history is a's, not the deleted b's."""
    repo = _two_commits(workspace)
    git(repo, "rm", "-q", "dossiers/kestrel-robotics.yaml")
    git(repo, "commit", "-q", "-m", "Kestrel lost", day="2026-11-16")
    git(repo, "mv", DOSSIER, "dossiers/kestrel-robotics.yaml")
    git(repo, "commit", "-q", "-m", "Reuse the name", day="2026-11-17")
    subjects = [line.split("  ", 3)[3] for line in _history(repo, "kestrel-robotics")]
    assert subjects == ["Reuse the name", "万部长 is on our side", "Dossiers for the team"]


def test_history_follows_a_rename_that_only_changes_the_case(workspace: Path) -> None:
    repo = _two_commits(workspace)
    git(repo, "mv", "dossiers/northwind-grid.yaml", "dossiers/Northwind-Grid.yaml")
    git(repo, "commit", "-q", "-m", "Capitals", day="2026-11-16")
    git(repo, "mv", "dossiers/Northwind-Grid.yaml", "dossiers/northwind-grid.yaml")
    git(repo, "commit", "-q", "-m", "Lower case again: ids are lower case", day="2026-11-17")
    subjects = [line.split("  ", 3)[3] for line in _history(repo, "northwind-grid")]
    assert subjects == ["Lower case again: ids are lower case", "Capitals", "Dossiers for the team"]


def test_history_of_renamed_dossiers_is_one_git_log_for_the_whole_workspace(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    repo = _two_commits(workspace)
    for name in ("shenyang-daily", "northwind-grid", "kestrel-robotics"):
        git(repo, "mv", f"dossiers/{name}.yaml", f"dossiers/{name}-2.yaml")
    git(repo, "commit", "-q", "-m", "Rename all", day="2026-11-16")
    shim = tmp_path_factory.mktemp("bin")
    calls = shim / "calls"
    real = shutil.which("git")
    (shim / "git").write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {real} "$@"\n', encoding="utf-8")
    (shim / "git").chmod(0o755)
    saved = os.environ["PATH"]
    os.environ["PATH"] = f"{shim}:{saved}"
    try:
        output = _since_last_visit(repo, "shenyang-daily-2")
    finally:
        os.environ["PATH"] = saved
    assert "people.wan-guoli.attitude: neutral -> supporter" in output
    logged = calls.read_text(encoding="utf-8").splitlines()
    assert [c for c in logged if " log " in f" {c} "] != []
    assert len([c for c in logged if " log " in f" {c} "]) == 1, logged
    assert not any("--follow" in c for c in logged), logged


# --- item 17: repositories with no usable history ----------------------------------------------------------------

RAW_GIT = re.compile(r"fatal:|does not have any commits|ambiguous argument|Traceback|internal error")


def test_a_repository_with_no_commits_has_an_empty_history_and_a_friendly_note(workspace: Path) -> None:
    git(workspace, "init", "-q", "-b", "main")  # the files are not even added
    run = kadossier(workspace, "history", "shenyang-daily")
    assert run.code == 0, run.output
    assert not RAW_GIT.search(run.output), run.output
    assert "no commits yet" in run.output
    run = kadossier(workspace, "diff", "shenyang-daily")
    assert not RAW_GIT.search(run.output), run.output
    assert "no commits yet" in run.output
    run = kadossier(workspace, "build", "--no-pdf")
    assert run.code == 0, run.output
    assert not RAW_GIT.search(run.output), run.output
    page = (workspace / "site/accounts/shenyang-daily/index.html").read_text(encoding="utf-8")
    assert not RAW_GIT.search(page)
    assert "no commits yet" in page


def test_a_workspace_outside_git_an_untracked_dossiers_folder_and_a_shallow_clone_say_so(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    plain = tmp_path_factory.mktemp("plain") / "ws"
    shutil.copytree(workspace, plain)
    run = kadossier(plain, "history", "shenyang-daily")
    assert (run.code, run.output) == (0, "no history: not a git repository\n")

    git(workspace, "init", "-q", "-b", "main")
    (workspace / ".gitignore").write_text("site/\n", encoding="utf-8")
    git(workspace, "add", "mkdocs.yml", ".gitignore")
    git(workspace, "commit", "-q", "-m", "config only")
    run = kadossier(workspace, "history", "shenyang-daily")
    assert run.code == 0 and not RAW_GIT.search(run.output), run.output
    assert "not committed yet" in run.output
    run = kadossier(workspace, "diff", "shenyang-daily", "--since-last-visit")
    assert not RAW_GIT.search(run.output), run.output

    git(workspace, "add", ".")
    git(workspace, "commit", "-q", "-m", "dossiers")
    edit(workspace / DOSSIER, "attitude: neutral", "attitude: supporter", after="id: wan-guoli")
    git(workspace, "commit", "-q", "-am", "second")
    shallow = tmp_path_factory.mktemp("clones") / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", workspace.as_uri(), str(shallow)], check=True)
    for args in (("history", "shenyang-daily"), ("diff", "shenyang-daily"), ("diff", "x.yaml")):
        run = kadossier(shallow, *args)
        assert not RAW_GIT.search(run.output), run.output
        assert "shallow clone" in run.output or "no dossier file" in run.output, run.output
