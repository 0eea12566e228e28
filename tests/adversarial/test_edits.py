"""`kadossier visit --done` / `--plan` edit a user's file in place: they must change exactly what they mean to,
or refuse and leave the file byte for byte as it was — whatever YAML shape the file has, whoever else edits it
at the same moment, however the edit is killed."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kadossier.cli import main
from kadossier.dossier.load import as_written, load_bytes

from ..conftest import ROOT, TODAY
from .conftest import kadossier, make_workspace

HEAD = "schema_version: 1\nname: Acme\nowner: Ann\n"
VISIT = "  - id: {id}\n    date: 2026-11-20\n    kind: visit\n    status: planned\n    objective: meet\n"


def cli(workspace: Path, *args: str) -> tuple[int, str]:
    """The command line in this process (fast, for the many shapes); the concurrency tests use processes."""
    result = CliRunner().invoke(main, ["-C", str(workspace), "--today", TODAY.isoformat(), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def plain(text: str) -> tuple[bool, str]:
    """How `as_written` shows plain (unquoted) text."""
    return (True, text)


def data(path: Path) -> Any:
    return as_written(load_bytes(path.read_bytes()).data)


def visit_of(loaded: Any, visit_id: str) -> dict[str, Any]:
    return next(v for v in loaded["visits"] if v["id"][1] == visit_id)


def uncomment_record(text: str) -> str:
    """Do what the record skeleton says: fill it in right after the visit, then remove the # signs."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("record:  # fill in"))
    lines[at] = lines[at].split("#")[0].rstrip()
    i = at + 1
    while i < len(lines) and lines[i].lstrip().startswith("# "):
        body = lines[i].lstrip()[2:]
        if body.lstrip().startswith("- "):  # a commitment: ours is filled in; theirs names nobody here, so goes
            if "person:" in body:
                del lines[i]
                continue
            lines[i] = lines[i].replace("# ", "", 1).replace("YYYY-MM-DD", "2026-12-01")
        else:
            key = body.split(":")[0]
            value = {"outcome": "went well", "follow_up": "2026-12-01", "commitments": ""}.get(key, "[done]")
            lines[i] = (lines[i].replace("# ", "", 1).split(":")[0] + f": {value}").rstrip()
        i += 1
    return "\n".join(lines)


# --- item 2: block scalars whose lines start with '#' are text, not comments -----------------------------------

BLOCKS = {
    "literal": "    agenda: |\n      #1 price of the trial order\n      #2 delivery terms\n",
    "literal-keep": "    agenda: |+\n      #1 price\n\n",
    "literal-strip": "    agenda: |-\n      #1 price\n      #2 terms\n",
    "folded": "    notes: >\n      first line\n      #2 not a comment\n",
    "indented-more": "    agenda: |2\n        #1 indented\n      #2 less\n",
    "blank-then-hash": "    agenda: |\n      intro\n\n      # a heading inside the text\n",
}


@pytest.mark.parametrize("block", BLOCKS, ids=list(BLOCKS))
@pytest.mark.parametrize("action", ["done", "plan"])
def test_text_lines_starting_with_hash_in_a_block_scalar_are_kept(tmp_path: Path, block: str, action: str) -> None:
    text = HEAD + "visits:\n" + VISIT.format(id="v1") + BLOCKS[block] + "people:\n  - {id: p1, name: Li}\n"
    workspace = make_workspace(tmp_path, {"acme.yaml": text})
    dossier = workspace / "dossiers" / "acme.yaml"
    before = data(dossier)
    args = ("v1", "--done") if action == "done" else ("v2", "--plan", "--date", "2026-12-01")
    code, output = cli(workspace, "visit", "acme", *args)
    assert code == 0, output
    after = data(dossier)
    expected = copy.deepcopy(before)
    if action == "done":
        expected["visits"][0]["status"] = plain("done")
        expected["visits"][0]["record"] = None
    else:
        assert len(after["visits"]) == 2 and after["visits"][1]["id"] == plain("v2")
        expected["visits"].append(after["visits"][1])
    assert after == expected  # the agenda kept its '#1 ...' lines


# --- item 3: done, then plan (the normal order of work), then fill in the record ------------------------------


@pytest.mark.parametrize("last", [True, False], ids=["last-visit", "middle-visit"])
def test_done_then_plan_then_uncommenting_the_record_keeps_the_file_valid(tmp_path: Path, last: bool) -> None:
    visits = VISIT.format(id="v1") + ("" if last else VISIT.format(id="v0"))
    workspace = make_workspace(tmp_path, {"acme.yaml": HEAD + "visits:\n" + visits + "\nnotes: end\n"})
    dossier = workspace / "dossiers" / "acme.yaml"
    assert cli(workspace, "visit", "acme", "v1", "--done")[0] == 0
    code, output = cli(workspace, "visit", "acme", "v9", "--plan", "--date", "2026-12-01")
    assert code == 0, output
    dossier.write_text(uncomment_record(dossier.read_text(encoding="utf-8")), encoding="utf-8")
    code, output = cli(workspace, "validate", "dossiers/acme.yaml")
    assert code == 0, output
    record = visit_of(data(dossier), "v1")["record"]
    assert record["outcome"] == plain("went well") and record["follow_up"] == plain("2026-12-01")
    assert visit_of(data(dossier), "v9")["date"] == plain("2026-12-01")


# --- item 18: an already-invalid file; an id that exists ----------------------------------------------------------


@pytest.mark.parametrize("action", ["done", "plan"])
def test_an_already_invalid_file_is_reported_as_such_with_its_located_problems(tmp_path: Path, action: str) -> None:
    text = HEAD + "grade: Z\nvisits:\n" + VISIT.format(id="v1")
    workspace = make_workspace(tmp_path, {"acme.yaml": text})
    args = ("v1", "--done") if action == "done" else ("v2", "--plan", "--date", "2026-12-01")
    run = kadossier(workspace, "visit", "acme", *args)
    assert run.code == 1, run.output
    assert "already invalid" in run.output and "would make" not in run.output
    assert "dossiers/acme.yaml:4:8: error:" in run.output  # the problem, located
    assert (workspace / "dossiers" / "acme.yaml").read_text(encoding="utf-8") == text


def test_planning_an_id_that_exists_names_a_way_that_works(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, {"acme.yaml": HEAD})
    assert cli(workspace, "visit", "acme", "--plan", "--date", "2026-12-01")[0] == 0
    before = (workspace / "dossiers" / "acme.yaml").read_bytes()
    code, output = cli(workspace, "visit", "acme", "--plan", "--date", "2026-12-01")
    assert code == 1 and "a visit '2026-12-01-visit'" in output
    assert "--id" not in output and (workspace / "dossiers" / "acme.yaml").read_bytes() == before
    suggested = output.split("kadossier visit acme ")[1].split()[0]  # the hint gives the command to run
    code, output = cli(workspace, "visit", "acme", suggested, "--plan", "--date", "2026-12-01")
    assert code == 0, output
    assert [v["id"][1] for v in data(workspace / "dossiers" / "acme.yaml")["visits"]] == [
        "2026-12-01-visit",
        suggested,
    ]


# --- item 7: links -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["symbolic", "hard"])
def test_a_linked_dossier_is_not_edited(tmp_path: Path, kind: str) -> None:
    shared = tmp_path / "shared" / "acme.yaml"
    shared.parent.mkdir()
    shared.write_text(HEAD + "visits:\n" + VISIT.format(id="v1"), encoding="utf-8")
    workspace = make_workspace(tmp_path / "ws", {})
    link = workspace / "dossiers" / "acme.yaml"
    if kind == "symbolic":
        link.symlink_to(shared)
    else:
        os.link(shared, link)
    before = shared.read_bytes()
    run = kadossier(workspace, "visit", "dossiers/acme.yaml", "v1", "--done")
    assert run.code == 1, run.output
    assert "acme.yaml" in run.output and "link" in run.output
    if kind == "symbolic":
        assert str(shared) in run.output and link.is_symlink()
    else:
        assert os.stat(link).st_ino == os.stat(shared).st_ino
    assert shared.read_bytes() == before


def test_a_read_only_dossier_is_not_edited(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, {"acme.yaml": HEAD + "visits:\n" + VISIT.format(id="v1")})
    dossier = workspace / "dossiers" / "acme.yaml"
    dossier.chmod(0o444)
    before = dossier.read_bytes()
    code, output = cli(workspace, "visit", "acme", "v1", "--done")
    assert code == 1 and "acme.yaml is read-only" in output, output
    assert dossier.read_bytes() == before


# --- the guard: every value the edit did not mean to change is identical, or the file is untouched ---------------

SHAPES = {
    "crlf": (HEAD + "visits:\n" + VISIT.format(id="v1") + "notes: end\n").replace("\n", "\r\n"),
    "old-mac-cr": (HEAD + "visits:\n" + VISIT.format(id="v1") + "notes: end\n").replace("\n", "\r"),
    "nel-and-line-separator": HEAD + "visits:\n" + VISIT.format(id="v1") + '    location: "a\u2028b\x85c"\n',
    "bom": "\ufeff" + HEAD + "visits:\n" + VISIT.format(id="v1"),
    "no-final-newline": HEAD + "visits:\n" + VISIT.format(id="v1").rstrip("\n"),
    "tabs-in-comments": HEAD + "visits:\n" + VISIT.format(id="v1") + "    #\tcommented\tout\n  # \ttab\n",
    "comments-between": HEAD + "visits:\n  # first\n" + VISIT.format(id="v1") + "  # between\n\n"
    "    # deeper\n" + VISIT.format(id="v2") + "  # after\n",
    "visits-in-the-middle": HEAD + "visits:\n" + VISIT.format(id="v1") + "people:\n  - {id: p1, name: Li}\n",
    "visits-at-the-end": HEAD + "people: []\nvisits:\n" + VISIT.format(id="v1"),
    "document-end-marker": HEAD + "visits:\n" + VISIT.format(id="v1") + "...\n",
    "document-markers": "---\n" + HEAD + "visits:\n" + VISIT.format(id="v1") + "...\n# trailer\n",
    "indentless": HEAD + "visits:\n" + VISIT.format(id="v1").replace("\n  ", "\n").removeprefix("  "),
    "wide-dash": HEAD + "visits:\n" + VISIT.format(id="v1").replace("  - id", "  -   id").replace("    ", "      "),
    "quoted-status": HEAD + "visits:\n" + VISIT.format(id="v1").replace("planned", "'planned'"),
    "no-status": HEAD + "visits:\n" + VISIT.format(id="v1").replace("    status: planned\n", ""),
    "status-comment": HEAD + "visits:\n" + VISIT.format(id="v1").replace("planned", "planned  # still to come"),
    "status-null": HEAD + "visits:\n" + VISIT.format(id="v1").replace("status: planned", "status:"),
    "quoted-id": HEAD + "visits:\n" + VISIT.format(id='"v1"'),
    "status-last-record-first": HEAD + "visits:\n  - id: v1\n    record:\n      outcome: ok\n    date: 2026-11-20\n"
    "    objective: meet\n    status: planned\n",
    "multiline-plain": HEAD + "visits:\n" + VISIT.format(id="v1") + "    location: a long\n      street name\n",
    "flow-in-block": HEAD + "visits:\n" + VISIT.format(id="v1") + "    agenda: [a,\n      b]\n",
    "flow-item": HEAD + "visits:\n  - {id: v1, date: 2026-11-20, objective: meet}\n",
    "flow-list": HEAD + "visits: [{id: v1, date: 2026-11-20, objective: meet}]\n",
    "flow-root": "{schema_version: 1, name: Acme, owner: Ann, visits: [{id: v1, date: 2026-11-20, objective: x}]}\n",
    "no-visits": HEAD,
    "no-visits-end-marker": HEAD + "...\n",
    "empty-visits": HEAD + "visits: []  # none yet\nnotes: n\n",
    "null-visits": HEAD + "visits:\nnotes: n\n",
    "last-key-block": HEAD + "notes: |\n  #1 line\n",
    "record-skeleton": HEAD
    + "visits:\n"
    + VISIT.format(id="v1").replace("planned", "done")
    + "    record:  # fill in\n      # outcome: x\n",
    "trailing-comment-at-col-0": HEAD + "visits:\n" + VISIT.format(id="v1") + "# the end\n",
    "nested-key-after": HEAD + "visits:\n" + VISIT.format(id="v1") + "    record:\n      outcome: |\n        #ok\n",
}


def expected_after(before: Any, action: str, after: Any) -> Any:
    expected = copy.deepcopy(before)
    if action == "done":
        visit = expected["visits"][0]
        visit["status"] = plain("done")
        visit.setdefault("record", None)
    else:
        expected["visits"] = [*(expected.get("visits") or []), after["visits"][-1]]
        assert after["visits"][-1]["id"] == plain("v9") and after["visits"][-1]["date"] == plain("2026-12-01")
    return expected


def check_edit(workspace: Path, text: str, action: str) -> tuple[int, str]:
    """Edit; then either the edit is exactly what was asked (and the file still loads), or it was refused
    with a message naming the file and the file is byte for byte as it was."""
    dossier = workspace / "dossiers" / "acme.yaml"
    dossier.write_bytes(text.encode("utf-8"))
    before_bytes = dossier.read_bytes()
    before = data(dossier)
    args = ("v1", "--done") if action == "done" else ("v9", "--plan", "--date", "2026-12-01")
    code, output = cli(workspace, "visit", "acme", *args)
    if code == 0:
        assert data(dossier) == expected_after(before, action, data(dossier)), output
        raw = dossier.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == before_bytes.startswith(b"\xef\xbb\xbf")
        if b"\r\n" in before_bytes:
            assert b"\n" not in raw.replace(b"\r\n", b"")
        if b"\n" not in before_bytes:
            assert b"\n" not in raw
    else:
        assert code == 1 and "acme.yaml" in output, output
        assert dossier.read_bytes() == before_bytes
    assert not [p.name for p in dossier.parent.iterdir() if p.name != "acme.yaml"]
    return code, output


REFUSED = {"flow-item", "flow-list", "flow-root", "null-visits", "status-null"}  # the nulls: invalid already


@pytest.mark.parametrize("name", SHAPES, ids=list(SHAPES))
@pytest.mark.parametrize("action", ["done", "plan"])
def test_unusual_but_valid_yaml_shapes(tmp_path: Path, name: str, action: str) -> None:
    if action == "done" and name.startswith(("no-visits", "empty-visits", "null-visits", "last-key")):
        pytest.skip("no visit to mark done")
    workspace = make_workspace(tmp_path, {})
    code, output = check_edit(workspace, SHAPES[name], action)
    refused = name in REFUSED or (action, name) == ("done", "record-skeleton")  # already done
    assert code == (1 if refused else 0), output


_line = st.text(alphabet=st.sampled_from("#ab :-|>'\"\t[]{}"), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    lines=st.lists(_line, min_size=1, max_size=4),
    style=st.sampled_from(["|", ">", "|-", "|+", ">+", ""]),
    indent=st.sampled_from([6, 8]),
    tail=st.sampled_from(["", "\n", "  # c\n", "# c\n", "notes: n\n", "...\n"]),
    action=st.sampled_from(["done", "plan"]),
)
def test_property_any_last_field_survives(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], style: str, indent: int, tail: str, action: str
) -> None:
    """A last field of any content: the edit keeps it exactly, or refuses and keeps the file."""
    body = "".join(" " * indent + line + "\n" for line in lines)
    field = f"    agenda: {style}\n{body}"  # no style: a plain scalar over several lines
    text = HEAD + "visits:\n" + VISIT.format(id="v1") + field + tail
    try:
        load_bytes(text.encode("utf-8"))
    except Exception:
        return  # not a loadable file to begin with
    workspace = make_workspace(tmp_path_factory.mktemp("ws"), {})
    check_edit(workspace, text, action)


# --- item 4: edits of one file at once -----------------------------------------------------------------------------


def big_dossier(visits: int) -> str:
    """A valid dossier of done visits with long agendas (~2.75 KB each): 980 make a 2.7 MB file."""
    agenda = "".join(
        f"      #{n} review the trial order, the delivery terms and the test report line by line\n" for n in range(30)
    )
    one = (
        "  - id: v{i}\n    date: 2020-01-01\n    kind: visit\n    status: done\n    objective: Review the trial order\n"
        "    ours: [Ann]\n    agenda: |\n" + agenda + "    record:\n      outcome: Agreed the trial order\n"
    )
    return HEAD + "visits:\n" + "".join(one.format(i=i) for i in range(visits)) + VISIT.format(id="target")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kadossier", "--today", TODAY.isoformat(), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def wait_until(condition: Any, process: subprocess.Popen[str], what: str) -> bool:
    """Poll `condition` until it holds; False if `process` ended first (then there is nothing to wait for)."""
    deadline = time.monotonic() + 120
    while not condition():
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, f"waited two minutes for {what}"
        time.sleep(0.001)
    return True


@pytest.fixture(scope="module")
def big_text() -> str:
    text = big_dossier(980)
    assert 2_500_000 < len(text.encode()) < 3_000_000
    return text


DONE = ("visit", "acme", "target", "--done")
PLAN = ("visit", "acme", "--plan", "--date", "2026-12-01")


@pytest.mark.parametrize("repeat", range(10))
@pytest.mark.parametrize("second_starts", ["at-once", "once-the-first-is-at-work"])
@pytest.mark.parametrize("size", ["big", "small"])
def test_two_edits_at_once_keep_both_or_refuse_one(
    tmp_path: Path, big_text: str, size: str, second_starts: str, repeat: int
) -> None:
    """`visit --done` and `visit --plan` of one file at the same time (the issue's reproduction: with no lock,
    the 2.7 MB file lost the first edit every time)."""
    text = big_text if size == "big" else HEAD + "visits:\n" + VISIT.format(id="target")
    workspace = make_workspace(tmp_path, {"acme.yaml": text})
    dossier = workspace / "dossiers" / "acme.yaml"
    lock = workspace / ".kadossier-cache" / "locks" / "edit-acme.yaml.lock"
    first = start(workspace, "visit", "acme", "target", "--done")

    # the second starts once the first is at work on the file: it holds the file's edit lock, or (without
    # one) has written its temporary copy and is validating it
    def at_work() -> bool:
        return _holds(lock, first.pid) or any(p.name.startswith(".") for p in dossier.parent.iterdir())

    if second_starts != "at-once":
        wait_until(at_work, first, "the first edit to start")
    second = start(workspace, "visit", "acme", "--plan", "--date", "2026-12-01")
    outputs = [first.communicate(timeout=240)[0], second.communicate(timeout=240)[0]]
    codes = [first.returncode, second.returncode]
    final = load_bytes(dossier.read_bytes()).data
    target = next(v for v in final["visits"] if v["id"] == "target")
    done = target.get("status") == "done" and "record" in target
    planned = any(v["id"] == "2026-12-01-visit" for v in final["visits"])
    assert [done, planned] == [c == 0 for c in codes], (codes, outputs)  # a success is never lost
    for code, output in zip(codes, outputs, strict=True):
        assert code in (0, 1) and "Traceback" not in output, output
        if code == 1:
            assert "acme.yaml" in output, output
    assert codes.count(0) >= 1, outputs


def _holds(lock: Path, pid: int) -> bool:
    try:
        return lock.read_text(encoding="utf-8").startswith(f"{pid} ")
    except OSError:
        return False


def test_a_file_changed_by_hand_during_the_edit_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves the file in an editor while kadossier validates its edit: their save wins, kadossier
    refuses with a message (the edit is made in this process so the save can land at that exact moment)."""
    import kadossier.dossier.validate

    workspace = make_workspace(tmp_path, {"acme.yaml": HEAD + "visits:\n" + VISIT.format(id="v1")})
    dossier = workspace / "dossiers" / "acme.yaml"
    original = kadossier.dossier.validate.check_file
    saved = HEAD + "notes: typed in an editor\nvisits:\n" + VISIT.format(id="v1")

    def check_and_save(path: Path, today: Any, **options: Any) -> Any:
        result = original(path, today, **options)
        if path != dossier:  # the edit's new content is being checked: the editor saves now
            dossier.write_text(saved, encoding="utf-8")
        return result

    monkeypatch.setattr(kadossier.dossier.validate, "check_file", check_and_save)
    code, output = cli(workspace, "visit", "acme", "v1", "--done")
    assert code == 1 and "acme.yaml" in output and "changed" in output, output
    assert dossier.read_text(encoding="utf-8") == saved


# --- item 6: killed edits leave nothing git would commit ----------------------------------------------------------


def test_killed_edits_leave_nothing_for_git_and_the_next_edit_cleans_up(tmp_path: Path, big_text: str) -> None:
    workspace = make_workspace(tmp_path, {"acme.yaml": big_text})
    (workspace / ".gitignore").write_bytes((ROOT / "templates" / "scaffold" / "gitignore").read_bytes())
    git(workspace, "init", "-q")
    git(workspace, "add", "-A")
    git(workspace, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "start")
    dossier = workspace / "dossiers" / "acme.yaml"
    original = dossier.read_bytes()
    cache = workspace / ".kadossier-cache"
    killed = 0
    for _ in range(12):
        known = {p for p in workspace.rglob("*") if ".git" not in p.parts}
        process = start(workspace, "visit", "acme", "target", "--done")

        def temporary_written(known: set[Path] = known) -> bool:
            # os.walk, not rglob: a temporary file or folder can go while the tree is listed
            for folder, _, names in os.walk(workspace):
                for path in (Path(folder) / name for name in names):
                    if ".git" in path.parts or "locks" in path.parts or path in known:
                        continue
                    with suppress(OSError):  # ... or between listing and looking at it
                        if path.is_file() and path.stat().st_size > 0:
                            return True
            return False

        if wait_until(temporary_written, process, "the edit's temporary file"):
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait()
        if dossier.read_bytes() != original:  # the edit got through before the kill: start again
            dossier.write_bytes(original)
        assert git(workspace, "status", "--porcelain") == "", "a killed edit left files git would commit"
    assert killed >= 10
    code, output = cli(workspace, "visit", "acme", "--plan", "--date", "2026-12-01")
    assert code == 0, output
    left = [p for p in cache.rglob("*") if p.is_file() and "locks" not in p.parts]
    assert left == [], left  # the next edit removed what the killed ones left
    assert git(workspace, "status", "--porcelain") == " M dossiers/acme.yaml\n"


def test_stale_copies_beside_the_file_go_and_other_files_stay(tmp_path: Path) -> None:
    """Folders a killed edit of an earlier version left beside the file (`.kadossier-edit-XXXXXXXX/acme.yaml`)
    are removed by the next edit of that file; a folder holding anything else is not kadossier's and stays."""
    workspace = make_workspace(tmp_path, {"acme.yaml": HEAD + "visits:\n" + VISIT.format(id="v1")})
    folder = workspace / "dossiers"
    (folder / ".kadossier-edit-k3j9x2ab").mkdir()
    (folder / ".kadossier-edit-k3j9x2ab" / "acme.yaml").write_text(HEAD[:20], encoding="utf-8")  # cut short
    (folder / ".kadossier-edit-mine").mkdir()
    (folder / ".kadossier-edit-mine" / "notes.txt").write_text("someone's notes\n", encoding="utf-8")
    (folder / ".kadossier-edit-other").mkdir()
    (folder / ".kadossier-edit-other" / "bravo.yaml").write_text(HEAD, encoding="utf-8")  # another file's
    assert cli(workspace, "visit", "acme", "v1", "--done")[0] == 0
    assert sorted(p.name for p in folder.iterdir()) == [".kadossier-edit-mine", ".kadossier-edit-other", "acme.yaml"]
    assert (folder / ".kadossier-edit-mine" / "notes.txt").read_text(encoding="utf-8") == "someone's notes\n"


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="needs a second file system (tmpfs at /dev/shm)")
def test_a_cache_on_another_file_system_still_edits_atomically(tmp_path: Path) -> None:
    """A rename cannot cross file systems: with the cache folder elsewhere, the copy goes beside the file, and
    goes away."""
    import tempfile

    workspace = make_workspace(tmp_path, {"acme.yaml": HEAD + "visits:\n" + VISIT.format(id="v1")})
    with tempfile.TemporaryDirectory(dir="/dev/shm") as elsewhere:
        (workspace / ".kadossier-cache").symlink_to(elsewhere)
        code, output = cli(workspace, "visit", "acme", "v1", "--done")
        assert code == 0, output
        assert visit_of(data(workspace / "dossiers" / "acme.yaml"), "v1")["status"] == plain("done")
        assert [p.name for p in (workspace / "dossiers").iterdir()] == ["acme.yaml"]
        assert (Path(elsewhere) / "locks" / "edit-acme.yaml.lock").is_file()
