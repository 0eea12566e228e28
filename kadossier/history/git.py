"""The git history of the dossiers: who changed which account when, and the dossier as it was then.

Everything comes from the git command line, in a fixed number of processes whatever the number of
accounts: one `git log` over the dossiers folder (with the id of the content each commit left each file,
`History.objects`), one `git status`, and one `git cat-file --batch` for every old version a build needs.
Renames are followed: that one `git log` detects them (`-M`, renames with edits too), and `_Lineage`
chains each file's earlier names, newest first, so a dossier moved with `git mv` keeps its history; a
file deleted and later created again under the same name starts afresh.
A workspace that is not in a git repository (or a repository with no commits yet, or a shallow clone,
whose history stops early, or a machine without git) has no history: `History.note` says why, and
nothing fails.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kadossier.i18n import tr

_FIELD, _RECORD = "\x1f", "\x1e"
_FORMAT = f"{_RECORD}%H{_FIELD}%an{_FIELD}%ae{_FIELD}%aI{_FIELD}%s"


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit that changed a dossier."""

    sha: str
    author: str
    email: str
    date: dt.datetime
    subject: str

    @property
    def short(self) -> str:
        """The abbreviated commit id."""
        return self.sha[:8]

    @property
    def day(self) -> dt.date:
        """The author date's calendar day."""
        return self.date.date()


@dataclass(slots=True)
class History:
    """The commits of every dossier file (newest first), or a note saying why there are none."""

    root: Path | None = None
    """The repository's top folder."""
    commits: dict[Path, list[Commit]] = field(default_factory=dict)
    """Commits per dossier file (absolute path), newest first."""
    modified: set[Path] = field(default_factory=set)
    """Dossier files with changes not yet committed."""
    names: dict[tuple[str, Path], str] = field(default_factory=dict)
    """The name (relative to `root`) a dossier file had in a commit, where it differs from its name now."""
    objects: dict[tuple[str, Path], str | None] = field(default_factory=dict)
    """The git object id of a dossier file's content as a commit left it (None: the commit deleted it)."""
    note: str = ""
    """Why there is no history ("" when there is)."""

    @property
    def available(self) -> bool:
        """Whether git history could be read."""
        return not self.note

    @property
    def has_old_versions(self) -> bool:
        """Whether some dossier has a version to compare with (two commits, or a commit and local changes)."""
        return any(len(c) > 1 for c in self.commits.values()) or any(p in self.commits for p in self.modified)

    def is_modified(self, path: Path) -> bool:
        """Whether `path` has changes not committed yet (or is not committed at all)."""
        return _real(path) in self.modified

    def of(self, path: Path) -> list[Commit]:
        """The commits that changed `path`, newest first."""
        return self.commits.get(_real(path), [])

    def last_change(self, path: Path) -> Commit | None:
        """The newest commit that changed `path`."""
        commits = self.of(path)
        return commits[0] if commits else None

    def at(self, path: Path, day: dt.date) -> Commit | None:
        """The newest commit that changed `path` on or before `day` (the dossier as it was that day)."""
        return next((c for c in self.of(path) if c.day <= day), None)

    def since(self, path: Path, commit: Commit | None) -> list[Commit]:
        """The commits to `path` after `commit` (all of them if None), oldest first."""
        commits = self.of(path)
        if commit is not None and commit in commits:
            commits = commits[: commits.index(commit)]
        return list(reversed(commits))

    def blobs(self, wanted: Iterable[tuple[str, Path]]) -> dict[tuple[str, Path], bytes | None]:
        """The content of each (commit, file) in one `git cat-file --batch`; None where it did not exist."""
        wanted = list(dict.fromkeys(wanted))
        if not wanted or self.root is None:
            return {}
        names = [f"{sha}:{self.name_at(sha, path)}" for sha, path in wanted]
        return dict(zip(wanted, _cat(self.root, names), strict=True))

    def contents(self, ids: Iterable[str]) -> dict[str, bytes | None]:
        """The content of each git object id (see `objects`) in one `git cat-file --batch`; None if missing."""
        ids = list(dict.fromkeys(ids))
        if not ids or self.root is None:
            return {}
        return dict(zip(ids, _cat(self.root, ids), strict=True))

    def name_at(self, sha: str, path: Path) -> str:
        """The name `path` had in commit `sha`, relative to the repository (it may have been renamed since)."""
        real = _real(path)
        found = self.names.get((sha, real))
        if found is not None:
            return found
        assert self.root is not None
        return real.relative_to(self.root).as_posix()

    def since_revision(self, path: Path, revision: str) -> tuple[str, list[Commit]]:
        """The full id of `revision` and the commits to `path` after it, oldest first; raises GitError."""
        assert self.root is not None
        sha = resolve(self.root, revision)
        commits = self.of(path)
        now = _real(path).relative_to(self.root).as_posix()
        names = sorted({now, *(self.name_at(c.sha, path) for c in commits)})
        after = set(_git(self.root, "rev-list", f"{sha}..HEAD", "--", *names).decode().split())
        before = next((c for c in commits if c.sha not in after), None)
        if before is not None:  # the dossier as of `revision` had the name of its last change before it
            self.names[(sha, _real(path))] = self.name_at(before.sha, path)
        return sha, [c for c in reversed(commits) if c.sha in after]


def read(folder: Path) -> History:
    """Read the history of every dossier file in `folder` (never raises: see `History.note`)."""
    if shutil.which("git") is None:
        return History(note=tr("git is not installed"))
    try:
        top = _git(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository").decode().split("\n")
    except GitError as exc:
        if "dubious ownership" in exc.stderr:  # git's message, in English: _git runs it with LC_ALL=C
            return History(
                note=tr(
                    "git refuses to read the repository: it belongs to another user (if you trust it: {error})",
                    error=exc,
                )
            )
        return History(note=tr("not a git repository"))
    root = Path(top[0]).resolve()
    if top[1:2] == ["true"]:
        return History(root, note=tr("a shallow clone (clone with full history, e.g. fetch-depth: 0)"))
    try:
        log = _git(root, "log", f"--format={_FORMAT}", "-z", "--raw", "--no-abbrev", "-M", "--", str(folder))
        status = _git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", str(folder))
    except GitError as exc:
        if not _has_commits(root):
            return History(
                root, note=tr("the repository has no commits yet (commit the dossiers to see their history)")
            )
        return History(root, note=tr("git could not read the history ({error})", error=exc))
    history = History(root)
    lineage = _Lineage()
    for record in log.decode("utf-8", errors="replace").split(_RECORD)[1:]:
        head, _, changes = record.partition("\0")
        sha, author, email, when, subject = head.split(_FIELD, 4)
        commit = Commit(sha, author, email, dt.datetime.fromisoformat(when), subject)
        for current, name, blob in lineage.commit(changes.lstrip("\n").split("\0")):
            path = (root / current).resolve()
            history.commits.setdefault(path, []).append(commit)
            history.objects[(sha, path)] = None if blob.strip("0") == "" else blob
            if name != current:
                history.names[(sha, path)] = name
    _read_status(history, status.decode("utf-8", errors="replace").split("\0"))
    return history


class _Lineage:
    """Which file, by its name now, each change of `git log --raw -M` (read newest first) was to."""

    def __init__(self) -> None:
        self.now: dict[str, str | None] = {}
        """An older name -> the file's name now; None: that name held another file, since deleted."""

    def commit(self, fields: list[str]) -> Iterator[tuple[str, str, str]]:
        """(name now, name in the commit, object id it left) of each file one commit changed; `fields` are its
        -z fields (`:mode mode old-id new-id STATUS`, then the name, or two for a rename)."""
        at = 0
        while at < len(fields) and fields[at]:
            raw, name = fields[at].split(), fields[at + 1]
            status, blob = raw[-1], raw[-2]
            current = self.now.get(name, name)
            if status[0] in "RC":  # renamed (or copied) from `name` to the next field
                new = fields[at + 2]
                current = self.now.get(new, new)
                self.now[new] = None  # before this commit, `new` was another file's name (or none)
                if status[0] == "R":
                    self.now[name] = current
                name, at = new, at + 3
            else:
                if status[0] == "A":  # before it was created, the name was another file's
                    self.now[name] = None
                at += 2
            if current is not None:
                yield current, name, blob


def _read_status(history: History, fields: list[str]) -> None:
    """Mark the files with uncommitted changes; a staged rename carries the file's commits to its new name."""
    assert history.root is not None
    at = 0
    while at < len(fields):
        entry = fields[at]
        at += 1
        if len(entry) <= 3:
            continue
        path = (history.root / entry[3:]).resolve()
        history.modified.add(path)
        if "R" in entry[:2] and at < len(fields):  # "R  new\0old\0"
            old = (history.root / fields[at]).resolve()
            at += 1
            for commit in history.commits.pop(old, []):
                history.commits.setdefault(path, []).append(commit)
                history.names[(commit.sha, path)] = history.names.pop((commit.sha, old), fields[at - 1])
                if (commit.sha, old) in history.objects:
                    history.objects[(commit.sha, path)] = history.objects.pop((commit.sha, old))


def _cat(root: Path, names: list[str]) -> list[bytes | None]:
    """The content of each object name (`sha:path`, or an object id) in one `git cat-file --batch`."""
    out = _git(root, "cat-file", "--batch", stdin="".join(n + "\n" for n in names).encode())
    found: list[bytes | None] = []
    at = 0
    for _ in names:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 2 and header[1] == b"missing":
            found.append(None)
            continue
        size = int(header[2])
        found.append(out[at : at + size])
        at += size + 1
    return found


def _has_commits(root: Path) -> bool:
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        return False
    return True


class GitError(Exception):
    """A git command failed: the last line of its message, and `stderr`, all of it."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env=env,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(str(exc)) from None
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", errors="replace").strip()
        lines = stderr.splitlines()
        raise GitError(lines[-1].strip() if lines else tr("git {command} failed", command=args[0]), stderr)
    return result.stdout


def top(folder: Path) -> Path | None:
    """The top folder of the git repository `folder` is in (None: not in one, or no git)."""
    if shutil.which("git") is None:
        return None
    try:
        return Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    except GitError:
        return None


def resolve(root: Path, revision: str) -> str:
    """The full commit id of `revision`; raises GitError with git's message."""
    return _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()


@lru_cache(maxsize=65536)
def _real(path: Path) -> Path:
    """`path.resolve()`, memoized: the history is asked about each dossier many times per build."""
    return path.resolve()
