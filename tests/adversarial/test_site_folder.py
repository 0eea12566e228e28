"""The site folder is kadossier's to replace, and only that: a folder kadossier did not build is never
emptied, two builds never meet in it, a published PDF edited in place never reaches the next build, and a
full or read-only disk keeps the previous site with a message that names the path (issue 14: 1, 5, 8, 14).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import EXAMPLES, TODAY
from .conftest import kadossier, make_workspace, pdf_text

MINIMAL = "schema_version: 1\nname: Acme\nowner: Ann\n"
REPEATS = 5


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _outside_cache(names: list[str]) -> list[str]:
    return [name for name in names if ".kadossier-cache" not in name]


def mkdocs(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


# --- item 1: a folder kadossier did not build is never emptied -----------------------------------------------


def _foreign(folder: Path) -> Path:
    """A folder with a user's files in it, as `~/x` with `Documents/thesis.txt` in the issue."""
    (folder / "Documents").mkdir(parents=True)
    (folder / "Documents" / "thesis.txt").write_text("four years of work\n", encoding="utf-8")
    (folder / "index.html").write_text("<p>another site</p>\n", encoding="utf-8")  # not kadossier's
    (folder / "assets").mkdir()
    return folder


@pytest.mark.parametrize("how", ["kadossier build -d", "mkdocs build -d", "kadossier build --offline"])
def test_a_folder_kadossier_did_not_build_is_refused_and_left_untouched(tmp_path: Path, how: str) -> None:
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    target = _foreign(workspace / "site-offline" if "offline" in how else tmp_path / "x")
    before, around = snapshot(target), listing(target.parent)
    if how == "mkdocs build -d":
        done = mkdocs(workspace, "build", "-d", str(target))
        code, output = done.returncode, done.stdout + done.stderr
    else:
        run = kadossier(workspace, "build", "--no-pdf", *(["--offline"] if "offline" in how else ["-d", str(target)]))
        code, output = run.code, run.output
    assert code != 0 and "Traceback" not in output, output
    assert str(target) in output or os.path.relpath(target, workspace) in output, output
    assert "kadossier did not build" in output, output
    assert snapshot(target) == before
    assert _outside_cache(listing(target.parent)) == _outside_cache(around)  # no staging or old folder beside it


def test_a_folder_holding_only_a_file_is_refused(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("export PATH\n", encoding="utf-8")
    run = kadossier(workspace, "build", "--no-pdf", "-d", str(home))
    assert run.code == 1 and "internal error" not in run.output, run.output
    assert (home / ".bashrc").read_text(encoding="utf-8") == "export PATH\n"
    assert listing(home) == [".bashrc"]


def test_empty_new_and_kadossier_built_folders_are_built_into(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (empty, tmp_path / "new" / "deeper"):
        run = kadossier(workspace, "build", "--no-pdf", "-d", str(folder))
        assert run.code == 0, run.output
        assert (folder / "index.html").is_file() and (folder / ".kadossier-site").is_file()
    again = kadossier(workspace, "build", "--no-pdf", "--force", "-d", str(empty))  # marked: replaced
    assert again.code == 0, again.output
    assert (empty / "accounts" / "acme" / "index.html").is_file()


def test_a_site_an_earlier_version_built_is_still_replaced(tmp_path: Path) -> None:
    """Sites built before the marker existed are recognized by kadossier's own assets."""
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    assert kadossier(workspace, "build", "--no-pdf").code == 0
    site = workspace / "site"
    (site / ".kadossier-site").unlink()  # as an earlier version left it
    (site / "stale.html").write_text("from an older build\n", encoding="utf-8")
    run = kadossier(workspace, "build", "--no-pdf", "--force")
    assert run.code == 0, run.output
    assert not (site / "stale.html").exists() and (site / ".kadossier-site").is_file()
    done = mkdocs(workspace, "build")  # mkdocs build replaces it too, and marks it
    assert done.returncode == 0, done.stderr
    assert (site / ".kadossier-site").is_file()


# --- item 5: builds of one workspace are serialized ----------------------------------------------------------


def _lock(workspace: Path) -> Path:
    return workspace / ".kadossier-cache" / "locks" / "build.lock"


def _start(workspace: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "KADOSSIER_LOCK_TIMEOUT": "200"},
    )


def _wait_for_holder(workspace: Path, process: subprocess.Popen[str]) -> None:
    """Wait until `process` holds the build lock (it writes its process id into the lock file)."""
    lock = _lock(workspace)
    while not (lock.is_file() and lock.read_text(encoding="utf-8").startswith(f"{process.pid} ")):
        assert process.poll() is None, "the first build ended without ever taking the build lock"
        time.sleep(0.01)


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("index.html"))


@pytest.fixture(scope="module")
def busy_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight accounts with PDFs: a build long enough for a second one to start while it runs."""
    text = (EXAMPLES / "shenyang-daily.yaml").read_text(encoding="utf-8")
    workspace = make_workspace(tmp_path_factory.mktemp("busy"), {f"a{i}.yaml": text for i in range(8)})
    run = kadossier(workspace, "build", "--no-pdf")
    assert run.code == 0, run.output
    return workspace


@pytest.mark.parametrize("first", ["kadossier", "mkdocs"])
@pytest.mark.parametrize("repeat", range(REPEATS))
def test_a_second_build_waits_for_the_first(busy_workspace: Path, first: str, repeat: int) -> None:
    workspace = busy_workspace
    pages = _pages(workspace / "site")
    command = (
        ["kadossier", "--today", TODAY.isoformat(), "build", "--force"] if first == "kadossier" else ["mkdocs", "build"]
    )
    one = _start(workspace, *command)
    _wait_for_holder(workspace, one)
    two = _start(workspace, "kadossier", "--today", TODAY.isoformat(), "build", "--no-pdf", "--force")
    out_two, _ = two.communicate(timeout=300)
    out_one, _ = one.communicate(timeout=300)
    assert one.returncode == 0, out_one
    assert two.returncode == 0, out_two
    assert f"waiting for process {one.pid}" in out_two, out_two
    assert _pages(workspace / "site") == pages  # the second build's site, with every page
    assert not [p for p in workspace.iterdir() if "kadossier-staging" in p.name or "kadossier-old" in p.name]


@pytest.fixture
def held_lock(busy_workspace: Path) -> Iterator[Path]:
    """The build lock of the workspace, held by this test's process."""
    from kadossier.utils import locks

    with locks.hold(_lock(busy_workspace), "the test holding the lock"):
        yield busy_workspace


def _read_until(process: subprocess.Popen[str], text: str, seen: list[str]) -> None:
    """Read the process's output until `text` shows; a process that never shows it is stopped after 180 s."""
    assert process.stdout is not None
    stop = threading.Timer(180, process.kill)
    stop.start()
    try:
        while text not in "".join(seen):
            line = process.stdout.readline()
            assert line, "".join(seen)
            seen.append(line)
    finally:
        stop.cancel()


def test_serve_rebuilds_wait_for_the_build_lock(busy_workspace: Path, tmp_path: Path) -> None:
    import socket

    from kadossier.utils import locks

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    serve = _start(busy_workspace, "kadossier", "--today", TODAY.isoformat(), "serve", "-a", f"127.0.0.1:{port}")
    seen: list[str] = []
    try:
        _read_until(serve, "Serving on", seen)
        with locks.hold(_lock(busy_workspace), "the test holding the lock"):
            dossier = busy_workspace / "dossiers" / "a0.yaml"
            dossier.write_text(dossier.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            _read_until(serve, f"waiting for process {os.getpid()} (the test holding the lock)", seen)
        _read_until(serve, "Reloading browsers", seen)
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    assert "Traceback" not in "".join(seen)


def test_a_build_waiting_for_the_lock_has_not_started(held_lock: Path) -> None:
    workspace = held_lock
    before = listing(workspace)
    build = _start(workspace, "mkdocs", "build")
    seen: list[str] = []
    _read_until(build, f"waiting for process {os.getpid()} (the test holding the lock)", seen)
    assert build.poll() is None
    assert listing(workspace) == before  # no staging folder yet
    build.kill()
    build.wait()


def test_a_live_builds_staging_folder_is_never_deleted(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        live = workspace / f".site.kadossier-staging-{other.pid}-abcd1234"  # another build of this site, running
        (live / "accounts").mkdir(parents=True)
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        stale = workspace / f".site.kadossier-staging-{dead.stdout.strip()}-abcd1234"  # a killed build's
        stale.mkdir()
        run = kadossier(workspace, "build", "--no-pdf")
        assert run.code == 0, run.output
        assert (live / "accounts").is_dir()
        assert not stale.exists()
    finally:
        other.kill()
        other.wait()


# --- item 8: a published PDF edited in place does not poison later builds -------------------------------------


@pytest.mark.parametrize("edit", ["append", "overwrite in place"])
def test_a_published_pdf_edited_in_place_is_not_republished(tmp_path: Path, edit: str) -> None:
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    assert kadossier(workspace, "build").code == 0
    published = workspace / "site" / "pdf" / "acme.pdf"
    original = published.read_bytes()
    with open(published, "r+b") as out:  # a tool that writes into the file, as `exiftool -overwrite_original_in_place`
        if edit == "append":
            out.seek(0, os.SEEK_END)
            out.write(b"\n% TAMPERED\n")
        else:
            at = original.index(b"%%EOF")
            out.seek(at - 12)
            out.write(b"% TAMPERED\n")
    tampered = published.read_bytes()
    assert tampered != original
    run = kadossier(workspace, "build", "--force")
    assert run.code == 0, run.output
    rebuilt = published.read_bytes()
    assert b"TAMPERED" not in rebuilt
    assert "Acme" in pdf_text(published)
    cache = list((workspace / ".kadossier-cache" / "pdf").glob("*.pdf"))
    assert cache and all(b"TAMPERED" not in p.read_bytes() for p in cache)


def test_a_restored_cache_is_still_used(tmp_path: Path) -> None:
    """A cache copied elsewhere (CI restores it) has new inodes and times, the same content: no PDF is rendered."""
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    assert kadossier(workspace, "build").code == 0
    restored = tmp_path / "restored"
    subprocess.run(["cp", "-r", str(workspace), str(restored)], check=True)  # new inodes, new times
    run = kadossier(restored, "build", "--force")
    assert run.code == 0, run.output
    assert "0 rendered, 1 unchanged" in run.output, run.output


# --- item 14: a full or read-only disk keeps the previous site ----------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 12 MiB tmpfs: room for one site, not for two."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name, data in snapshot(folder).items():
        h.update(name.encode() + b"\0" + data)
    return h.hexdigest()


def _fill(disk: Path) -> None:
    with open(disk / "filler", "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass


@pytest.mark.parametrize("failure", ["disk full", "read-only"])
def test_a_full_or_read_only_disk_keeps_the_previous_site(tiny_disk: Path, tmp_path: Path, failure: str) -> None:
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    site = tiny_disk / "site"
    first = kadossier(workspace, "build", "-d", str(site))
    assert first.code == 0, first.output
    before = _digest(site)
    if failure == "disk full":
        _fill(tiny_disk)
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    run = kadossier(workspace, "build", "--force", "-d", str(site))
    assert run.code == 1, run.output
    assert "internal error" not in run.output and "Traceback" not in run.output, run.output
    assert str(tiny_disk) in run.output, run.output
    assert "previous site" in run.output and "kept" in run.output, run.output
    assert _digest(site) == before
    if failure == "disk full":
        (tiny_disk / "filler").unlink()
        assert not [p for p in tiny_disk.iterdir() if p.name.startswith(".site.")]


# --- the same class: outputs that would replace a source ------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("export", "--format", "csv", "-o", "dossiers/acme.yaml"),
        ("export", "--format", "json", "-o", "mkdocs.yml"),
        ("export", "--format", "ics", "-o", ".git/config"),
        ("pdf", "acme", "-o", "dossiers/acme.yaml"),
        ("pdf", "acme", "-o", "mkdocs.yml"),
        ("schema", "-o", "dossiers/acme.yaml"),
        ("schema", "--format", "markdown", "-o", "mkdocs.yml"),
    ],
)
def test_an_output_file_never_replaces_a_source(tmp_path: Path, command: tuple[str, ...]) -> None:
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    subprocess.run(["git", "init", "-q"], cwd=workspace, check=True)
    before = snapshot(workspace)
    run = kadossier(workspace, *command)
    assert run.code == 1 and "internal error" not in run.output, run.output
    assert command[-1] in run.output, run.output
    after = snapshot(workspace)
    assert {k: after[k] for k in _outside_cache(list(after))} == {k: before[k] for k in _outside_cache(list(before))}


def test_an_export_to_a_read_only_folder_names_it(tiny_disk: Path, tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    run = kadossier(workspace, "export", "--format", "csv", "-o", str(tiny_disk / "accounts.csv"))
    assert run.code == 1, run.output
    assert "internal error" not in run.output and str(tiny_disk) in run.output, run.output


def test_a_symlinked_site_dir_stays_a_link_to_the_new_site(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    real = tmp_path / "www" / "html"
    real.mkdir(parents=True)
    (workspace / "site").symlink_to(real)
    assert kadossier(workspace, "build", "--no-pdf").code == 0
    (workspace / "dossiers" / "acme.yaml").write_text(MINIMAL.replace("Acme", "Acme Two"), encoding="utf-8")
    run = kadossier(workspace, "build", "--no-pdf")
    assert run.code == 0, run.output
    assert (workspace / "site").is_symlink() and (workspace / "site").resolve() == real
    assert "Acme Two" in (real / "accounts" / "acme" / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in real.parent.iterdir()] == ["html"]


def test_a_strict_build_that_fails_on_warnings_keeps_the_previous_site(tmp_path: Path) -> None:
    # A visit in the past without a record is a red flag: a warning, which fails a --strict build.
    flagged = MINIMAL + "visits:\n  - {id: v1, date: 2026-01-05, kind: visit, status: done}\n"
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": flagged})
    first = kadossier(workspace, "build", "--no-pdf")
    assert first.code == 0, first.output
    before = snapshot(workspace / "site")
    (workspace / "dossiers" / "acme.yaml").write_text(flagged.replace("Acme", "Acme Group"), encoding="utf-8")

    run = kadossier(workspace, "build", "--no-pdf", "--strict")

    assert run.code == 1 and "strict" in run.output, run.output
    assert "previous site" in run.output and "kept" in run.output, run.output
    assert snapshot(workspace / "site") == before
    assert not [p for p in (workspace).iterdir() if ".kadossier-staging-" in p.name]
