"""Inputs that are unlikely but possible: what sits in the dossiers folder besides dossiers (links, twins,
upper-case suffixes, sub-folders, stray files), an empty folder, merge-conflict markers, and values at the
edge of what the types allow (year 9999, 1e20, .inf). Each is a located error or a friendly result, the
same in every command, and never a traceback; no dossier file ever reaches the site."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import TODAY
from .conftest import every_byte, kadossier, make_workspace

MINIMAL = "schema_version: 1\nname: Acme\nowner: Ann\n"
CANARY = "CANARY-5d1e-mobile-13900000000"


def clean(output: str) -> bool:
    return "Traceback" not in output and "internal error" not in output


def secret_dossier() -> str:
    return (
        "schema_version: 1\nname: Outside Co\nowner: Ann\npeople:\n  - id: wang\n    name: Wang\n"
        f'    contact: {{mobile: "{CANARY}"}}\n    profile: {{hobbies: "{CANARY}"}}\n'
    )


def git(folder: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@x"}  # fmt: skip
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


def no_canary(folder: Path) -> None:
    for path, data in every_byte(folder):
        assert CANARY.encode() not in data, path


# --- item 9: a dossier that is a symbolic link -------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["plain", "redact", "committed"])
def test_a_symlinked_dossier_is_refused_and_never_published(tmp_path: Path, variant: str) -> None:
    outside = tmp_path / "outside" / "secret.yaml"
    outside.parent.mkdir()
    outside.write_text(secret_dossier(), encoding="utf-8")
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    assert kadossier(workspace, "build", "--no-pdf").code == 0  # a previous site, which must survive as it was
    (workspace / "dossiers" / "leak.yaml").symlink_to(outside)
    if variant == "committed":
        git(workspace, "init", "-q")
        git(workspace, "add", "dossiers")
        git(workspace, "commit", "-q", "-m", "link")
    expected = re.compile(r"dossiers/leak\.yaml:1:1: error: .*is a symbolic link to .*secret\.yaml.*replace the link")
    for command in (
        ["validate"],
        ["build", "--no-pdf", "--force", *(["--redact"] if variant == "redact" else [])],
        ["build", "--force", *(["--redact"] if variant == "redact" else [])],
        ["export", "--format", "json"],
        ["export", "--format", "csv", "--table", "people"],
        ["pdf", "leak"],
        ["validate", "dossiers/leak.yaml"],
    ):
        run = kadossier(workspace, *command)
        assert run.code == 1, (command, run.output)
        assert expected.search(run.output), (command, run.output)
        assert clean(run.output) and CANARY not in run.output, (command, run.output)
    no_canary(workspace / "site")
    assert not list((workspace / "site").rglob("*.y*ml"))


# --- items 10 and 11: everything in the dossiers folder is a dossier or reported ---------------------------------

STRAYS = {
    "twin": ({"acme.yaml": MINIMAL, "acme.yml": MINIMAL},
             r"dossiers/acme\.yml:1:1: error: account 'acme' is also defined by acme\.yaml.*merge"),
    "upper-suffix": ({"acme.YAML": MINIMAL}, r"dossiers/acme\.YAML:1:1: error: .*rename it to acme\.yaml"),
    "mixed-suffix": ({"acme.Yaml": MINIMAL}, r"dossiers/acme\.Yaml:1:1: error: .*rename it to acme\.yaml"),
    "sub-folder": ({"old/acme.yaml": MINIMAL}, r"dossiers/old: error: .*folder.*move"),
    "backup": ({"acme.yaml~": MINIMAL}, r"dossiers/acme\.yaml~:1:1: error: .*not a dossier.*move it out"),
    "other-file": ({"notes.txt": "x"}, r"dossiers/notes\.txt:1:1: error: .*not a dossier.*move it out"),
    "pipe": ({}, r"dossiers/fifo\.yaml:1:1: error: .*not a regular file"),
}  # fmt: skip


@pytest.mark.parametrize("case", STRAYS)
def test_every_file_in_the_dossiers_folder_is_a_dossier_or_reported(tmp_path: Path, case: str) -> None:
    files, expected = STRAYS[case]
    workspace = make_workspace(tmp_path, {"good.yaml": MINIMAL, ".gitkeep": "", ".good.yaml.swp": "x"})
    assert kadossier(workspace, "new", "Beta", "--owner", "Ann").code == 0  # writes dossier.schema.json beside it
    (workspace / "dossiers" / ".kadossier-edit-1").mkdir()  # dotfiles and kadossier's own files are exempt
    (workspace / "dossiers" / ".kadossier-edit-1" / "good.yaml").write_text(MINIMAL, encoding="utf-8")
    for name, text in files.items():
        (workspace / "dossiers" / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / "dossiers" / name).write_text(text, encoding="utf-8")
    if case == "pipe":
        os.mkfifo(workspace / "dossiers" / "fifo.yaml")
    for command in (["validate"], ["build", "--no-pdf"], ["export", "--format", "csv"]):
        run = kadossier(workspace, *command)
        assert run.code == 1, (command, run.output)
        assert clean(run.output), run.output
        found = re.findall(expected, run.output)
        assert len(found) == 1, (command, run.output)  # one error, not one per file or per stage
        assert len(re.findall(r"^dossiers/\S*: error: ", run.output, re.M)) == 1, (
            command,
            run.output,
        )  # and nothing else
    assert not (workspace / "site").exists()


def test_the_twin_of_an_account_is_named_when_the_account_is_asked_for(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, {"acme.yaml": MINIMAL, "acme.yml": MINIMAL, "beta.YAML": MINIMAL})
    run = kadossier(workspace, "pdf", "acme")
    assert run.code == 1 and re.search(r"acme\.yml:1:1: error: account 'acme' is also defined", run.output), run.output
    run = kadossier(workspace, "pdf", "beta")
    assert run.code == 1 and re.search(r"beta\.YAML:1:1: error: .*rename it to beta\.yaml", run.output), run.output


# --- item 12: dates at the edge of the calendar -----------------------------------------------------------------

DATES = {
    "visit-9999": ("visits:\n  - id: v1\n    date: 9999-12-31\n", "6:11"),
    "visit-time-9999": ("visits:\n  - id: v1\n    date: 9999-12-31 23:00\n", "6:11"),
    "visit-0001": ("visits:\n  - id: v1\n    date: 0001-01-01\n", "6:11"),
    "reviewed-9999": ("reviewed: 9999-12-31\n", "4:11"),
    "close-9999": ("projects:\n  - id: p1\n    name: P\n    stage: use\n    close_date: 9999-12-31\n", "8:17"),
    "since-0000": ("background:\n  installed_base:\n    - {product: X, since: 0000}\n", "6:27"),
}


@pytest.mark.parametrize("case", DATES)
def test_a_date_far_outside_real_years_is_a_located_error(tmp_path: Path, case: str) -> None:
    extra, where = DATES[case]
    edges = "reviewed: 1900-01-01\nvisits:\n  - {id: v1, date: 2199-12-31 23:59, objective: far}\n"
    workspace = make_workspace(tmp_path, {"acme.yaml": MINIMAL + extra, "edges.yaml": MINIMAL + edges})
    for command in (["validate"], ["build"], ["export", "--format", "ics"], ["pdf", "acme"]):
        run = kadossier(workspace, *command)
        assert run.code == 1, (command, run.output)
        assert clean(run.output), (command, run.output)
        assert re.search(rf"acme\.yaml:{where}: error: .*years 1900 to 2199", run.output), (command, run.output)
        assert len(re.findall(r"^dossiers/\S*: error: ", run.output, re.M)) == 1, (
            command,
            run.output,
        )  # the edges are accepted
    assert kadossier(workspace, "pdf", "edges").code == 0


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_an_extreme_today_is_a_usage_error(tmp_path: Path, day: str) -> None:
    workspace = make_workspace(tmp_path, {"acme.yaml": MINIMAL})
    run = subprocess.run(
        [sys.executable, "-m", "kadossier", "--today", day, "build", "--no-pdf"],
        cwd=workspace,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert run.returncode == 2 and "--today" in run.stderr and "1900 to 2199" in run.stderr, run.stderr
    assert clean(run.stderr)


# --- item 13: an empty dossiers folder --------------------------------------------------------------------------


def test_an_empty_workspace_builds_an_empty_friendly_site(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, {})
    run = kadossier(workspace, "validate")
    assert run.code == 0 and "checked 0 dossiers" in run.output, run.output
    run = kadossier(workspace, "build")
    assert run.code == 0 and clean(run.output), run.output
    page = (workspace / "site" / "index.html").read_text(encoding="utf-8")
    assert "kadossier new" in page  # says how to add the first account
    for fmt in ("ics", "csv", "xlsx", "json"):
        run = kadossier(workspace, "export", "--format", fmt, "-o", f"out.{fmt}")
        assert run.code == 0 and clean(run.output), (fmt, run.output)
        assert (workspace / f"out.{fmt}").stat().st_size > 0
    assert (workspace / "out.csv").read_text(encoding="utf-8").count("\n") == 1  # the header alone


def _lines(stream: object) -> Iterator[str]:
    yield from iter(stream.readline, "")  # type: ignore[attr-defined]


def test_deleting_the_last_dossier_while_serving_serves_the_empty_site(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, {"acme.yaml": MINIMAL})
    with socket.socket() as probe:  # a free port (MkDocs prints the address it was given, not the one it got)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "kadossier", "--today", TODAY.isoformat(), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=workspace,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    seen: list[str] = []
    try:
        lines = _lines(process.stderr)
        url = None
        for line in lines:
            seen.append(line)
            if m := re.search(r"Serving on (http://\S+)", line):
                url = m[1]
                break
        assert url, "".join(seen)
        (workspace / "dossiers" / "acme.yaml").unlink()
        for line in lines:  # wait for the rebuild after the deletion
            seen.append(line)
            if "Reloading" in line or "Traceback" in line or "Error" in line:
                break
        page = urllib.request.urlopen(url, timeout=30).read().decode("utf-8")
        assert "kadossier new" in page
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert clean("".join(seen)), "".join(seen)


# --- item 16: merge-conflict markers ----------------------------------------------------------------------------


def test_merge_conflict_markers_are_named_at_the_marker(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + "grade: A\ntier: key\nregion: north\n<<<<<<< HEAD\nindustry: dairy\n=======\nindustry: milk\n>>>>>>> feature\n"
    )
    workspace = make_workspace(tmp_path, {"acme.yaml": text})
    for command in (["validate"], ["build", "--no-pdf"]):
        run = kadossier(workspace, *command)
        assert run.code == 1 and clean(run.output), run.output
        assert re.search(r"acme\.yaml:7:1: error: .*resolve the merge conflict at lines 7–11", run.output), run.output
        assert "YAML syntax error" not in run.output, run.output


# --- item 22: amounts, other numbers and text at the edge of their type -----------------------------------------------

EDGE_VALUES = {
    "amount-1e20": (
        "projects:\n  - {id: p, name: P, stage: use, value: 1e20}\n",
        r"5:41: error: .*at most 1,000,000,000,000,000",
    ),
    "amount-map-1e20": ("background: {revenue: {amount: 1e20, currency: USD}}\n", r"4:32: error: .*at most"),
    "amount-inf": ("projects:\n  - {id: p, name: P, stage: use, budget: inf}\n", r"5:42: error: .*finite number"),
    "amount-1e400": ("projects:\n  - {id: p, name: P, stage: use, budget: 1e400}\n", r"5:42: error: .*finite number"),
    "amount-nan": ("projects:\n  - {id: p, name: P, stage: use, budget: nan}\n", r"5:42: error: .*finite number"),
    "ratio-inf": ("background: {financials: {current_ratio: Infinity}}\n", r"4:42: error: .*finite number"),
    "days-huge": ("background: {financials: {payment_days: 100000000000000000000}}\n", r"4:41: error: .*at most"),
    "employees-huge": ("background: {employees: 100000000000000000000}\n", r"4:25: error: .*at most"),
    "nul-escape": ('notes: "a\\x00b"\n', r"4:8: error: control character U\+0000"),
    "escape-escape": ('region: "north\\e[31m"\n', r"4:9: error: control character U\+001B"),
    "empty-person-name": ('people:\n  - {id: a, name: ""}\n', r"5:19: error: name is empty: write it"),
    "blank-product": ('background:\n  installed_base:\n    - {product: "  "}\n', r"6:17: error: product is empty"),
}


@pytest.mark.parametrize("case", EDGE_VALUES)
def test_a_value_beyond_any_real_one_is_a_located_error(tmp_path: Path, case: str) -> None:
    extra, expected = EDGE_VALUES[case]
    workspace = make_workspace(tmp_path, {"acme.yaml": MINIMAL + extra})
    run = kadossier(workspace, "validate")
    assert run.code == 1 and clean(run.output), run.output
    assert re.search(r"acme\.yaml:" + expected, run.output), run.output


def test_the_largest_amount_is_a_number_in_exports_and_abbreviated_on_the_site(tmp_path: Path) -> None:
    extra = "projects:\n  - {id: p, name: P, stage: commit, value: 1e15}\n"
    workspace = make_workspace(tmp_path, {"acme.yaml": MINIMAL + extra, "beta.yaml": MINIMAL + extra})
    assert kadossier(workspace, "validate").code == 0
    (workspace / "dossiers" / "gamma.yaml").write_text(MINIMAL + extra.replace("1e15", "1.000001e15"), "utf-8")
    run = kadossier(workspace, "build", "--no-pdf")
    assert run.code == 1 and "gamma.yaml:5:44: error: amount must be at most 1,000,000,000,000,000" in run.output
    (workspace / "dossiers" / "gamma.yaml").unlink()
    run = kadossier(workspace, "export", "--format", "csv", "--table", "projects")
    assert run.code == 0, run.output
    assert re.search(r",1000000000000000(\.0)?,", run.output), run.output
    import openpyxl

    assert kadossier(workspace, "export", "--format", "xlsx", "-o", "out.xlsx").code == 0
    values = [c.value for sheet in openpyxl.load_workbook(workspace / "out.xlsx") for row in sheet for c in row]
    assert 1e15 in values
    run = kadossier(workspace, "build", "--no-pdf")
    assert run.code == 0, run.output
    dashboard = (workspace / "site" / "index.html").read_text(encoding="utf-8")
    assert "CN¥2,000T" in dashboard  # the total of two, abbreviated


def overlapping_words(pdf: Path) -> list[tuple[str, str]]:
    """Pairs of words whose boxes overlap on a page of `pdf` (text printed over other text)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for page in out.split("<page ")[1:]:
        words = [
            (float(a), float(b), float(c), float(d), w)
            for a, b, c, d, w in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
            )
        ]
        for i, (x0, y0, x1, y1, w) in enumerate(words):
            for u0, v0, u1, v1, other in words[i + 1 :]:
                if min(x1, u1) - max(x0, u0) > 0.5 and min(y1, v1) - max(y0, v0) > 0.5:
                    found.append((w, other))
    return found


def test_the_largest_amounts_fit_in_the_pdf_at_a_glance(tmp_path: Path) -> None:
    projects = (
        "projects:\n  - {id: p, name: P, stage: commit, value: 1e15}\n"
        "  - {id: q, name: Q, stage: use, value: 999999999999999.5}\n"
        "  - {id: r, name: R, stage: use, value: {amount: 1e15, currency: USD}}\n"
    )
    workspace = make_workspace(tmp_path, {"acme.yaml": MINIMAL + projects})
    run = kadossier(workspace, "pdf", "acme")
    assert run.code == 0, run.output
    assert overlapping_words(workspace / "acme.pdf") == []
