"""History across renames and odd repositories (issue 14, item 17), and `kadossier serve` when a dossier
turns invalid (item 15): real git, real `kadossier` processes, a real server fetched over HTTP."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import TODAY, git_calls
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
    run = kadossier(repo, "build", "--no-pdf")
    assert run.code == 0, run.output
    page = (repo / "site/accounts/chenguang/index.html").read_text(encoding="utf-8")
    assert "people.wan-guoli.attitude: neutral -&gt; supporter" in page
    assert "dossier created" not in page


def test_a_rename_staged_but_not_committed_keeps_the_history(workspace: Path) -> None:
    repo = _two_commits(workspace)
    git(repo, "mv", DOSSIER, "dossiers/chenguang.yaml")
    lines = _history(repo, "chenguang")
    assert lines[0] == "(changes not committed yet)"
    assert [line.split("  ", 3)[3] for line in lines[1:]] == ["万部长 is on our side", "Dossiers for the team"]
    assert "people.wan-guoli.attitude: neutral -> supporter" in _since_last_visit(repo, "chenguang")


def test_history_of_a_workspace_in_a_folder_whose_name_git_quotes(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """git writes such names as C strings ("team \\"north\\"/...") unless asked for NUL-separated output."""
    repo = tmp_path_factory.mktemp("repo")
    inner = repo / 'team "north" \\ 东北'
    shutil.copytree(workspace, inner)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Dossiers for the team")
    edit(inner / DOSSIER, "attitude: neutral", "attitude: supporter", after="id: wan-guoli")
    git(repo, "commit", "-q", "-am", "万部长 is on our side", author="Bob Sales", day="2026-11-15")
    subjects = [line.split("  ", 3)[3] for line in _history(inner, "shenyang-daily")]
    assert subjects == ["万部长 is on our side", "Dossiers for the team"]
    assert "people.wan-guoli.attitude: neutral -> supporter" in _since_last_visit(inner, "shenyang-daily")


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
    with git_calls(tmp_path_factory.mktemp("git")) as calls:
        output = _since_last_visit(repo, "shenyang-daily-2")
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


# --- item 15: `kadossier serve` while a dossier is invalid ------------------------------------------------------

PAGE = "accounts/shenyang-daily/"
INVALID = '"<img src=x onerror=alert(1)>": 1\n'
"""An unknown field: a located error whose message repeats markup that must arrive escaped."""
LOCATED = re.compile(r"dossiers/shenyang-daily\.yaml:\d+:\d+: error: unknown field &#39;&lt;img src=x")
REQUEST_SECONDS = 15
"""How long one request may take: a page that hangs fails the test instead of hanging it."""
DEADLINE_SECONDS = 180
"""How long a rebuild may take to show, on a loaded machine."""


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serve(workspace: Path, *, mkdocs: bool = False) -> Iterator[Served]:
    """A real `kadossier serve` (or `mkdocs serve`) of `workspace` (PDFs off: they are not what is tested) on
    a free port."""
    config = workspace / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("currency: CNY", "currency: CNY\n      pdf: false"))
    port, log = _free_port(), workspace.parent / "serve.log"
    with log.open("wb") as out:
        command = ["mkdocs"] if mkdocs else ["kadossier", "--today", TODAY.isoformat()]
        process = subprocess.Popen(
            [sys.executable, "-m", *command, "serve", "-a", f"127.0.0.1:{port}"],
            cwd=workspace,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    try:
        yield Served(f"http://127.0.0.1:{port}/", process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(url: str) -> tuple[int, str]:
    """Status and body of `url`; raises if no answer comes within REQUEST_SECONDS."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_SECONDS) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _until(served: Served, path: str, wanted: Callable[[int, str], bool]) -> tuple[int, str]:
    """Poll `path` until its answer is `wanted`, within DEADLINE_SECONDS; every answer must come promptly."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    last: tuple[int, str] = (0, "")
    while time.monotonic() < deadline:
        assert served.process.poll() is None, served.log.read_text(encoding="utf-8", errors="replace")
        try:
            last = _get(served.url + path)
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise AssertionError(f"{path} did not answer within {REQUEST_SECONDS} s") from None
            time.sleep(0.2)  # not listening yet: the first build is under way
            continue
        except TimeoutError:
            raise AssertionError(f"{path} did not answer within {REQUEST_SECONDS} s") from None
        if wanted(*last):
            return last
        time.sleep(0.2)
    raise AssertionError(f"{path} never answered as wanted; last: {last[0]} {last[1][:500]}")


def _is_page(status: int, body: str) -> bool:
    return status == 200 and "沈阳晨光日报社" in body


def _is_error_page(status: int, body: str) -> bool:
    return status == 500 and LOCATED.search(body) is not None


def _check_error_page(body: str) -> None:
    assert "<img src=x" not in body  # escaped, never markup
    assert "livereload(" in body  # MkDocs' reload script: the page turns back into the site by itself


@pytest.mark.parametrize("mkdocs", [False, True], ids=["kadossier-serve", "mkdocs-serve"])
def test_serve_answers_an_invalid_edit_with_the_located_errors_and_recovers(workspace: Path, mkdocs: bool) -> None:
    dossier = workspace / DOSSIER
    good = dossier.read_bytes()
    with _serve(workspace, mkdocs=mkdocs) as served:
        _until(served, PAGE, _is_page)
        dossier.write_bytes(good.replace(b"grade: A\n", b"grade: A\n" + INVALID.encode()))
        _, body = _until(served, PAGE, _is_error_page)
        _check_error_page(body)
        for other in ("", "accounts/northwind-grid/", "visits/"):  # every page, not only the broken one
            status, body = _get(served.url + other)
            assert status == 500 and LOCATED.search(body), (other, status, body[:300])
        status, _ = _get(served.url + "assets/kadossier/kadossier.css")
        assert status == 200  # the rest of the site is still served
        dossier.write_bytes(good)
        _until(served, PAGE, _is_page)
    output = served.log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in output, output


def test_serve_started_on_an_invalid_workspace_shows_the_errors_then_the_site(workspace: Path) -> None:
    dossier = workspace / DOSSIER
    good = dossier.read_bytes()
    dossier.write_bytes(good.replace(b"grade: A\n", b"grade: A\n" + INVALID.encode()))
    with _serve(workspace) as served:
        _, body = _until(served, PAGE, _is_error_page)
        _check_error_page(body)
        dossier.write_bytes(good)
        _until(served, PAGE, _is_page)
    output = served.log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in output, output


def test_an_open_page_in_chromium_turns_into_the_errors_and_back_by_itself(workspace: Path) -> None:
    from playwright.sync_api import sync_playwright

    from ..test_browser import CHROMIUM_ARGS

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is not installed"
    dossier = workspace / DOSSIER
    good = dossier.read_bytes()
    with _serve(workspace) as served, sync_playwright() as playwright:
        _until(served, PAGE, _is_page)
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(served.url + PAGE, wait_until="load")
            assert "沈阳晨光日报社" in page.content()
            dossier.write_bytes(good.replace(b"grade: A\n", b"grade: A\n" + INVALID.encode()))
            page.wait_for_selector("text=The site could not be built", timeout=DEADLINE_SECONDS * 1000)
            assert "shenyang-daily.yaml:" in page.inner_text("body")
            assert page.locator("img").count() == 0  # the markup in the message stayed text
            dossier.write_bytes(good)
            page.wait_for_selector("text=沈阳晨光日报社", timeout=DEADLINE_SECONDS * 1000)
        finally:
            browser.close()


def test_serve_on_a_busy_address_says_so_before_building(workspace: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = kadossier(workspace, "serve", "-a", f"127.0.0.1:{port}", timeout=120)
    assert run.code == 1, run.output
    assert f"cannot serve on 127.0.0.1:{port}: Address already in use; choose another address" in run.output
    assert "internal error" not in run.output and "Building documentation" not in run.output


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the repository to another user")
def test_a_repository_of_another_user_is_not_called_not_a_git_repository(workspace: Path) -> None:
    """CI jobs in containers check out as another user: git refuses the repository ("dubious ownership")."""
    repo = _two_commits(workspace)
    subprocess.run(["chown", "-R", "nobody", str(repo)], check=True)
    run = kadossier(repo, "history", "shenyang-daily")
    assert run.code == 0, run.output
    assert "not a git repository" not in run.output
    assert "belongs to another user" in run.output
    assert f"git config --global --add safe.directory {repo}" in run.output
