"""Atomic site builds (kadossier.site.staging) on real folders: what may be replaced, staging, swapping, and
the errors that name the path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kadossier.errors import SiteNotWritten, UnsafeOutput, UnsafeSiteDir
from kadossier.site import staging
from kadossier.utils.files import umask


def _tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its text, by relative path."""
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()}


def _site(folder: Path, text: str, *, marked: bool = True) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    if marked:
        staging.mark(folder)
    return folder


def _dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


# --- what a build may replace


def test_a_new_or_empty_folder_may_be_built_into(tmp_path: Path) -> None:
    staging.check_replaceable(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    staging.check_replaceable(tmp_path / "empty")


def test_a_foreign_folder_is_refused_untouched(tmp_path: Path) -> None:
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_text("not a site", encoding="utf-8")
    with pytest.raises(UnsafeSiteDir, match=rf"site_dir {foreign} is not empty and kadossier did not build it"):
        staging.check_replaceable(foreign)
    assert _tree(foreign) == {"holiday.jpg": "not a site"}


def test_a_file_where_the_site_goes_is_refused(tmp_path: Path) -> None:
    (tmp_path / "site").write_text("x", encoding="utf-8")
    with pytest.raises(UnsafeSiteDir, match="is not a folder"):
        staging.check_replaceable(tmp_path / "site")


def test_an_own_site_and_an_old_unmarked_one_are_recognised(tmp_path: Path) -> None:
    own = _site(tmp_path / "own", "v1")
    old = _site(tmp_path / "old", "v0", marked=False)
    for name in staging._SIGNATURE:  # what every site before the marker had
        (old / name).parent.mkdir(parents=True, exist_ok=True)
        (old / name).write_text("", encoding="utf-8")
    half = _site(tmp_path / "half", "v0", marked=False)
    (half / staging._SIGNATURE[0]).parent.mkdir(parents=True)
    (half / staging._SIGNATURE[0]).write_text("", encoding="utf-8")
    assert staging.is_site(own) and staging.is_site(old) and not staging.is_site(half)
    staging.check_replaceable(own)
    staging.check_replaceable(old)
    with pytest.raises(UnsafeSiteDir):
        staging.check_replaceable(half)


@pytest.mark.parametrize(
    ("site_dir", "expected"),
    [
        (".", r"would overwrite the workspace"),
        ("..", r"would overwrite the workspace"),
        ("dossiers", r"would overwrite docs_dir"),
        ("dossiers/site", r"is inside docs_dir"),
        (".git/site", r"is inside the git repository \(\.git\)"),
    ],
)
def test_a_site_dir_over_the_sources_is_refused(tmp_path: Path, site_dir: str, expected: str) -> None:
    root = tmp_path / "ws"
    (root / "dossiers").mkdir(parents=True)
    (root / ".git").mkdir()
    with pytest.raises(UnsafeSiteDir, match=expected):
        staging.check_site_dir(root / site_dir, root, root / "dossiers", root / "dossiers")


def test_a_site_dir_beside_the_sources_is_allowed(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "dossiers").mkdir(parents=True)
    (root / ".git").mkdir()
    staging.check_site_dir(root / "site", root, root / "dossiers", root / "dossiers")


def test_an_output_file_may_not_replace_a_source(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "dossiers").mkdir(parents=True)
    (root / ".git").mkdir()
    config = root / "mkdocs.yml"
    for output, expected in [
        (config, "is the workspace's configuration"),
        (root / "dossiers" / "out.csv", "is in the dossiers folder"),
        (root / ".git" / "HEAD", r"is in the git repository \(\.git\)"),
    ]:
        with pytest.raises(UnsafeOutput, match=expected):
            staging.check_output(output, root, config, root / "dossiers")
    staging.check_output(root / "visits.ics", root, config, root / "dossiers")


# --- staging and swapping


def test_start_makes_a_staging_folder_beside_the_target_and_removes_dead_builds_ones(tmp_path: Path) -> None:
    target = tmp_path / "site"
    dead = tmp_path / f".site{staging._STAGING}{_dead_pid()}-abc"
    live = tmp_path / f".site{staging._STAGING}{os.getppid()}-abc"  # the test runner's parent: running
    dead.mkdir()
    live.mkdir()
    staged = staging.start(target)
    assert staged.parent == tmp_path and staged.name.startswith(f".site{staging._STAGING}{os.getpid()}-")
    assert staged.is_dir() and not dead.exists() and live.is_dir()


def test_start_puts_back_the_old_site_a_killed_swap_left_aside(tmp_path: Path) -> None:
    target = tmp_path / "site"
    aside = _site(tmp_path / f".site{staging._OLD}{_dead_pid()}-abc", "previous")
    staging.start(target)
    assert not aside.exists() and _tree(target) == {staging.MARKER: staging._MARKER_TEXT, "index.html": "previous"}


def test_swap_replaces_an_own_site_whole_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = _site(tmp_path / "site", "old")
    (target / "gone.html").write_text("a page no longer built", encoding="utf-8")
    staged = staging.start(target)
    (staged / "index.html").write_text("new", encoding="utf-8")
    staging.swap(staged, target)
    assert _tree(target) == {staging.MARKER: staging._MARKER_TEXT, "index.html": "new"}
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    assert staging.is_site(target) and (target.stat().st_mode & 0o777) == 0o777 & ~umask()


def test_a_symlinked_site_dir_keeps_its_link_to_the_new_site(tmp_path: Path) -> None:
    real = _site(tmp_path / "www" / "html", "old")
    link = tmp_path / "ws" / "site"
    link.parent.mkdir()
    link.symlink_to(real)
    target = link.resolve()  # what the plugin stages beside and swaps: the link's folder
    staged = staging.start(target)
    (staged / "index.html").write_text("new", encoding="utf-8")
    staging.swap(staged, target)
    assert link.is_symlink() and link.resolve() == real
    assert (link / "index.html").read_text(encoding="utf-8") == "new"
    assert [p.name for p in real.parent.iterdir()] == ["html"]


def test_a_link_swapped_itself_is_replaced_and_its_target_kept(tmp_path: Path) -> None:
    real = _site(tmp_path / "www", "elsewhere")
    link = tmp_path / "site"
    link.symlink_to(real)
    staged = staging.start(link)
    (staged / "index.html").write_text("new", encoding="utf-8")
    staging.swap(staged, link)
    assert not link.is_symlink() and (link / "index.html").read_text(encoding="utf-8") == "new"
    assert _tree(real)["index.html"] == "elsewhere"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "www"]


def test_discard_removes_a_staging_folder_and_nothing_else(tmp_path: Path) -> None:
    staged = staging.start(tmp_path / "site")
    (staged / "index.html").write_text("half built", encoding="utf-8")
    other = _site(tmp_path / "site", "kept")
    staging.discard(staged)
    staging.discard(other)
    assert not staged.exists() and _tree(other)["index.html"] == "kept"


# --- errors that name the path


def test_a_target_under_a_file_is_not_written_and_the_error_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "public"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(SiteNotWritten) as caught:
        staging.start(blocker / "www" / "site")
    assert str(caught.value) == (
        f"cannot write {blocker / 'www'}: Not a directory; the site was not built and nothing was written to "
        f"{blocker / 'www' / 'site'}"
    )


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write in: a read-only tmpfs as root (who writes in any folder), else mode 555."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"root writes in read-only folders, and no read-only tmpfs here: {done.stderr.decode()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_parent_is_not_written_and_the_error_names_it(read_only_folder: Path) -> None:
    target = read_only_folder / "site"
    with pytest.raises(SiteNotWritten) as caught:
        staging.start(target)
    staged = re.escape(f"{read_only_folder}/.site{staging._STAGING}{os.getpid()}-")
    assert re.match(rf"cannot write {staged}\w+: (Read-only file system|Permission denied);", str(caught.value))
    assert str(caught.value).endswith(f"; the site was not built and nothing was written to {target}")
    assert list(read_only_folder.iterdir()) == []


def test_a_failed_swap_keeps_the_previous_site_and_says_so(tmp_path: Path) -> None:
    target = _site(tmp_path / "site", "previous")
    staged = staging.start(target)
    staged.rmdir()  # gone before the swap: the rename in cannot happen
    with pytest.raises(SiteNotWritten) as caught:
        staging.swap(staged, target)
    assert str(caught.value).endswith(f"the site was not built and the previous site in {target} was kept")
    assert _tree(target)["index.html"] == "previous"
