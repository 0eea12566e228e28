"""The adversarial suite: dossiers written to break the loader, the site or the PDFs, or to leak.

Every case runs the real command line in its own process (time and address-space limited) and asserts a
located error or literal rendering, and never a traceback. The builds are checked for requests to a
listener on 127.0.0.1 (none), for a canary file outside the workspace (its content in no output, PDFs
decompressed), and for scripts, event handlers and javascript: URLs (an HTML parser reads every page).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import EXAMPLES, ROOT, TODAY, http_listener
from .conftest import Listener, assert_html_is_inert, every_byte, kadossier, make_workspace, pdf_text

MINIMAL = "schema_version: 1\nname: Acme\nowner: Ann\n"

# --- the loader and the validator: (file name, content, expected located error) ----------------------------------

BILLION_LAUGHS = "schema_version: 1\nname: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"n{i}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)
)
LOADER_CASES = {
    "python-tag": ("acme.yaml", MINIMAL + 'notes: !!python/object/apply:os.system ["echo PWN"]\n',
                   r"acme\.yaml:4:8: error: YAML tags \(!!python/object/apply:os\.system\) are not allowed"),
    "include-tag": ("acme.yaml", MINIMAL + "notes: !include /etc/passwd\n", r"acme\.yaml:4:8: error: YAML tags"),
    "alias-bomb": ("acme.yaml", BILLION_LAUGHS, r"acme\.yaml:2:7: error: anchors \(&a\) are not allowed"),
    "merge-key": ("acme.yaml", MINIMAL + "base: &b {x: 1}\nbackground:\n  <<: *b\n", r"error: (anchors|merge keys)"),
    "duplicate-key": ("acme.yaml", MINIMAL + "owner: Bob\n", r"acme\.yaml:4:1: error: duplicate key 'owner'"),
    "deep-nesting": ("acme.yaml", MINIMAL + "notes: " + "[" * 5000 + "]" * 5000 + "\n",
                     r"acme\.yaml:4:\d+: error: nesting deeper than 24 levels"),
    "huge-file": ("acme.yaml", MINIMAL + "notes: |\n" + ("  " + "x" * 98 + "\n") * 60_000,
                  r"acme\.yaml:1:1: error: file is 5\.\d MiB; a dossier may be at most 4 MiB"),
    "huge-scalar": ("acme.yaml", MINIMAL + "notes: " + "x" * 300_000 + "\n",
                    r"acme\.yaml:4:8: error: value of 300,000 characters; a value may have at most 100,000"),
    "utf-16": ("acme.yaml", MINIMAL.encode("utf-16"), r"acme\.yaml:1:1: error: file is UTF-16; save it as UTF-8"),
    "latin-1": ("acme.yaml", (MINIMAL + "region: Müller\n").encode("latin-1"),
                r"acme\.yaml:4:10: error: file is not valid UTF-8 \(byte 0xfc\)"),
    "bidi-control": ("acme.yaml", MINIMAL + "region: abc\u202edef\n",
                     r"acme\.yaml:4:12: error: invisible bidirectional control character U\+202E"),
    "zero-width-in-id": ("acme.yaml", MINIMAL + "people:\n  - {id: \"wan\u200bguoli\", name: W}\n",
                         r"acme\.yaml:5:\d+: error: "),
    "octal-phone": ("acme.yaml", MINIMAL + "background: {phone: 0755123456}\n",
                    r"acme\.yaml:4:21: error: phone number 0755123456 must be in quotes"),
    "100k-people": ("acme.yaml", MINIMAL + "people:\n" + "".join(f"  - {{id: p{i}, name: N}}\n" for i in range(100_000)),
                    r"acme\.yaml:5:3: error: .*at most 1000"),
    "javascript-url": ("acme.yaml", MINIMAL + 'background: {website: "javascript:alert(1)"}\n',
                       r"acme\.yaml:4:23: error: "),
    "file-url": ("acme.yaml", MINIMAL + 'sources: [{what: x, url: "file:///etc/passwd"}]\n', r"acme\.yaml:4:\d+: error: "),
    "uppercase-name": ("Acme.yaml", MINIMAL, r"Acme\.yaml:1:1: error: file name 'Acme\.yaml' must be a lowercase"),
    "unicode-name-nfc": ("caf\u00e9.yaml", MINIMAL, r"1:1: error: file name .* must be a lowercase ASCII slug"),
    "unicode-name-nfd": ("cafe\u0301.yaml", MINIMAL, r"1:1: error: file name .* must be a lowercase ASCII slug"),
    "dotdot-name": ("..acme.yaml", MINIMAL, r"1:1: error: file name '\.\.acme\.yaml' must be a lowercase"),
    "reserved-name": ("con.yaml", MINIMAL, r"con\.yaml:1:1: error: file name 'con\.yaml' is a reserved device name"),
    "second-document": ("acme.yaml", MINIMAL + "---\nname: B\n", r"acme\.yaml:4:1: error: a dossier file holds one YAML"),
}  # fmt: skip


@pytest.mark.parametrize("case", LOADER_CASES)
def test_loader_and_validator(case: str, tmp_path: Path) -> None:
    name, content, expected = LOADER_CASES[case]
    workspace = make_workspace(tmp_path, {name: content})
    run = kadossier(workspace, "validate", f"dossiers/{name}")
    assert run.code == 1, run.output
    assert re.search(expected, run.output), run.output[:2000]
    assert "Traceback" not in run.output and "internal error" not in run.output
    assert run.seconds < 60


ACCEPTED_AS_TEXT = {
    "yaml-1.1-booleans": ("region: NO\nindustry: on\n", ["NO", "on"]),
    "date-like-name": ("short_name: 2026-11-23\n", ["2026-11-23"]),
    "zero-width-in-name": ('aliases: ["Ac\u200bme"]\n', ["Ac\u200bme"]),
    "bom-and-crlf": ("", []),
}


@pytest.mark.parametrize("case", ACCEPTED_AS_TEXT)
def test_surprises_are_kept_as_written(case: str, tmp_path: Path) -> None:
    extra, shown = ACCEPTED_AS_TEXT[case]
    content = (MINIMAL + extra).encode("utf-8")
    if case == "bom-and-crlf":
        content = b"\xef\xbb\xbf" + content.replace(b"\n", b"\r\n")
    workspace = make_workspace(tmp_path, {"acme.yaml": content})
    run = kadossier(workspace, "build", "--no-pdf")
    assert run.code == 0, run.output
    page = (workspace / "site" / "accounts" / "acme" / "index.html").read_text(encoding="utf-8")
    page += (workspace / "site" / "index.html").read_text(encoding="utf-8")  # the short name is in the tables
    for text in shown:
        assert f">{text}<" in page, text


def test_unsafe_slug_for_a_new_dossier_is_refused(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, {})
    for slug in ["../escape", "/etc/x", "a/b", "con"]:
        run = kadossier(workspace, "new", "Acme", "--slug", slug, "--owner", "Ann")
        assert run.code != 0 and "Traceback" not in run.output, (slug, run.output)
    assert not (tmp_path.parent / "escape.yaml").exists() and list((workspace / "dossiers").iterdir()) == []


# --- markup injection in every kind of field, through the site and the PDFs ------------------------------------

PAYLOADS = {
    "html": "<img src=x onerror=alert('PWN')>",
    "script": "<script>alert('PWN')</script>",
    "markdown-js-link": "[PWN](javascript:alert(1))",
    "markdown-data-image": "![PWN](data:text/html;base64,PHNjcmlwdD4=)",
    "attr-list": "PWN {: onclick=alert(1) }",
    "heading-by-newline": "PWN\n\n# Injected heading",
    "admonition-by-newline": 'PWN\n\n!!! danger "admonition"\n    body',
    "table-pipes": "| PWN | b |\n|---|---|\n| c | d |",
    "jinja": "{{ PWN.__class__ }} {% raw %}",
    "snippet-include": '--8<-- "CANARY_PATH"',
    "css-breakout": "</style><style>@import url(LISTENER/css);</style> PWN",
    "svg-onload": "<svg onload=alert('PWN')>",
    "remote-image": '<img src="LISTENER/beacon.png"> PWN',
    "file-url": '<a href="file://CANARY_PATH">PWN</a> url(file://CANARY_PATH)',
    "iframe": '<iframe src="LISTENER/frame"></iframe> PWN',
}


def hostile_dossier(listener: Listener, canary: Path) -> str:
    """Every payload in a different kind of field: names, free text, lists, tables, nested records."""

    def q(payload: str) -> str:
        text = payload.replace("LISTENER", listener.url).replace("CANARY_PATH", str(canary))
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    p = {name: q(value) for name, value in PAYLOADS.items()}
    return f"""schema_version: 1
name: {p["html"]}
short_name: {p["script"]}
aliases: [{p["jinja"]}]
owner: {p["markdown-js-link"]}
team: [{p["attr-list"]}]
industry: {p["svg-onload"]}
region: {p["snippet-include"]}
tags: [{p["css-breakout"]}]
reviewed: 2026-11-20
summary: {p["heading-by-newline"]}
background:
  address: {p["remote-image"]}
  business_status: {p["admonition-by-newline"]}
  departments: [{{name: {p["table-pipes"]}, kind: using}}]
people:
  - id: x
    name: {p["iframe"]}
    title: {p["file-url"]}
    roles: [decision_maker, coach]
    relationship: trusted
    notes: {p["markdown-data-image"]}
    profile: {{interests: {p["script"]}, family: {p["jinja"]}}}
projects:
  - id: p
    name: {p["heading-by-newline"]}
    stage: compare
    budget: {{amount: 1000, currency: CNY}}
    decision_makers: [x]
    timeline: [{{date: 2026-12-01, event: {p["html"]}}}]
    competitors: [c]
competitors:
  - {{id: c, name: {p["css-breakout"]}, strengths: {p["table-pipes"]}, weaknesses: {p["remote-image"]}}}
swot: {{strengths: {p["admonition-by-newline"]}, threats: {p["iframe"]}}}
visits:
  - id: v
    date: 2026-11-28
    objective: {p["css-breakout"]}
    theirs: [x]
    project: p
    agenda: [{p["markdown-js-link"]}, {p["file-url"]}]
    materials: [{p["svg-onload"]}]
    objections: [{{objection: {p["script"]}, response: {p["jinja"]}}}]
"""


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Listener, Path, str]]:
    with http_listener() as (url, hits):
        listener = Listener(url, hits)
        canary = tmp_path_factory.mktemp("outside") / "secret.txt"
        canary.write_text("CANARY-7f3a9c-outside-the-workspace\n", encoding="utf-8")
        dossier = hostile_dossier(listener, canary)
        workspace = make_workspace(tmp_path_factory.mktemp("hostile"), {"hostile.yaml": dossier})
        run = kadossier(workspace, "build")
        yield workspace, listener, canary, run.output + f"\nexit {run.code}"


def test_hostile_build_succeeds_without_traceback(hostile_build: tuple[Path, Listener, Path, str]) -> None:
    workspace, _, _, output = hostile_build
    assert output.endswith("exit 0"), output[-3000:]
    assert "Traceback" not in output
    assert (workspace / "site" / "pdf" / "hostile.pdf").is_file()
    assert (workspace / "site" / "pdf" / "hostile" / "v.pdf").is_file()


def test_hostile_build_fetches_nothing(hostile_build: tuple[Path, Listener, Path, str]) -> None:
    _, listener, _, _ = hostile_build
    assert listener.hits == []


def test_hostile_build_reads_nothing_from_outside(hostile_build: tuple[Path, Listener, Path, str]) -> None:
    workspace, _, canary, _ = hostile_build
    secret = canary.read_bytes().strip()
    for path, data in every_byte(workspace / "site"):
        assert secret not in data, path


def test_hostile_html_runs_nothing(hostile_build: tuple[Path, Listener, Path, str]) -> None:
    workspace, _, _, _ = hostile_build
    assert_html_is_inert(workspace / "site", "PWN")
    source = (workspace / "site" / "accounts" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert "<iframe" not in source and "<svg onload" not in source and 'id="injected-heading"' not in source


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_shows_as_text_on_the_page_and_in_the_pdf(
    hostile_build: tuple[Path, Listener, Path, str], payload: str
) -> None:
    workspace, listener, canary, _ = hostile_build
    from ..test_site import Page

    expected = PAYLOADS[payload].replace("LISTENER", listener.url).replace("CANARY_PATH", str(canary))
    first_line = " ".join(expected.split("\n")[0].split())
    page = Page((workspace / "site" / "accounts" / "hostile" / "index.html").read_text(encoding="utf-8"))
    assert first_line in page.visible, (payload, first_line)
    pdf = " ".join(pdf_text(workspace / "site" / "pdf" / "hostile.pdf").split())
    squeezed = re.sub(r"[\s-]+", "", pdf)  # pdftotext drops a hyphen where a line breaks after one
    assert re.sub(r"[\s-]+", "", first_line) in squeezed, (payload, first_line)


# --- resource exhaustion and bounded rendering -------------------------------------------------------------------


def test_pathological_text_is_rendered_in_bounded_time(tmp_path: Path) -> None:
    nasty = "[" * 20_000 + "*" * 20_000 + "_a" * 10_000 + "<" * 10_000
    text = MINIMAL + f'notes: "{nasty}"\nsummary: |\n' + "".join(f"  {'> ' * 40}{i}\n" for i in range(500))
    workspace = make_workspace(tmp_path, {"acme.yaml": text})
    run = kadossier(workspace, "build")
    assert run.code == 0, run.output[-2000:]
    assert run.seconds < 120
    assert nasty[:50] in (workspace / "site" / "accounts" / "acme" / "index.html").read_text(encoding="utf-8")


def test_a_pdf_over_its_time_limit_is_stopped_and_reported_alone(tmp_path: Path) -> None:
    people = "".join(f"  - {{id: p{i}, name: 人物{i}, title: 经理, roles: [user], notes: {'很长的备注' * 20}}}\n"
                     for i in range(900))  # fmt: skip
    workspace = make_workspace(
        tmp_path,
        {
            "slow.yaml": MINIMAL.replace("Acme", "Slow") + "people:\n" + people,
            "quick.yaml": MINIMAL.replace("Acme", "Quick"),
        },
    )
    config = workspace / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("currency: CNY\n", "currency: CNY\n      pdf_timeout: 3\n")
    )
    run = kadossier(workspace, "build")
    assert run.code == 1, run.output[-2000:]
    assert "PDF of 'slow' not made: stopped after 3 s (the time limit for one PDF)" in run.output
    assert "Traceback" not in run.output
    assert run.seconds < 120
    # the other PDF was made (and cached): once the slow dossier is gone, nothing is left to render
    (workspace / "dossiers" / "slow.yaml").unlink()
    run = kadossier(workspace, "build")
    assert run.code == 0 and "0 rendered, 1 unchanged" in run.output, run.output


def test_images_over_the_pixel_limit_are_refused(tmp_path: Path) -> None:
    from PIL import Image

    workspace = make_workspace(tmp_path, {"acme.yaml": MINIMAL})
    own = workspace / "templates" / "pdf"
    own.mkdir(parents=True)
    Image.new("1", (6000, 6000)).save(own / "huge.png")  # 36 megapixels in a few kilobytes
    pack = (ROOT / "templates" / "pdf" / "pack.html").read_text(encoding="utf-8")
    (own / "pack.html").write_text(pack.replace("</body>", '<img src="pdf/huge.png"></body>'), encoding="utf-8")
    run = kadossier(workspace, "pdf", "acme", "-o", "acme.pdf")
    assert run.code == 1, run.output
    assert "refused huge.png: 6000x6000 pixels is over the limit of 25,000,000" in run.output
    assert not (workspace / "acme.pdf").exists()


# --- atomic builds ----------------------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_killed_build_leaves_the_previous_site_byte_identical(tmp_path: Path) -> None:
    dossiers = {
        f"account-{i:02d}.yaml": (EXAMPLES / "shenyang-daily.yaml").read_text(encoding="utf-8") for i in range(12)
    }
    workspace = make_workspace(tmp_path, dossiers)
    assert kadossier(workspace, "build").code == 0
    before = snapshot(workspace / "site")
    for path in (workspace / "dossiers").iterdir():  # every PDF has to be rendered again
        path.write_text(
            path.read_text(encoding="utf-8").replace("沈阳晨光日报社", "沈阳晨光日报集团"), encoding="utf-8"
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "kadossier", "--today", TODAY.isoformat(), "build"],
        cwd=workspace,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(6)  # well into rendering the PDFs
    assert process.poll() is None, "the build ended before it could be killed; make it longer"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert snapshot(workspace / "site") == before
    assert not [p for p in (workspace / "site").rglob("*") if p.is_file() and p.stat().st_size == 0]
    run = kadossier(workspace, "build")  # the next build cleans up after the killed one
    assert run.code == 0, run.output
    assert not [p for p in workspace.iterdir() if "kadossier-staging" in p.name or "kadossier-old" in p.name]
    assert "沈阳晨光日报集团" in (workspace / "site" / "accounts" / "account-00" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("site_dir", [".", "..", ".git", "dossiers/out"])
def test_a_site_dir_that_would_overwrite_sources_is_refused(tmp_path: Path, site_dir: str) -> None:
    workspace = make_workspace(tmp_path / "ws", {"acme.yaml": MINIMAL})
    subprocess.run(["git", "init", "-q"], cwd=workspace, check=True)
    before = snapshot(workspace)
    run = kadossier(workspace, "build", "-d", site_dir)
    assert run.code == 1 and "Traceback" not in run.output, run.output
    locks = ".kadossier-cache/locks/"  # the build lock is taken before the site_dir is checked
    assert {k: v for k, v in snapshot(workspace).items() if not k.startswith(locks)} == before


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, git's excepted (the history is read with git)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:  # the process ended meanwhile
            continue
        if fields.get("PPid", "").strip() == str(pid) and fields.get("Name", "").strip() != "git":
            found.append(int(status.parent.name))
    return found


def test_a_render_process_killed_mid_build_fails_its_pdf_alone(tmp_path: Path) -> None:
    """SIGKILL from outside (the out-of-memory killer, an operator) to one render process of a real build."""
    people = "".join(f"  - {{id: p{i}, name: 人物{i}, title: 经理, notes: {'很长的备注' * 20}}}\n" for i in range(150))
    dossiers = {f"{name}.yaml": MINIMAL.replace("Acme", name.title()) + "people:\n" + people for name in ("aa", "bb")}
    workspace = make_workspace(tmp_path, dossiers)
    first = kadossier(workspace, "build")  # cuts the font and fills the caches: the next build only renders
    assert first.code == 0, first.output[-2000:]
    before = (workspace / "site" / "index.html").read_bytes()
    for name in dossiers:  # new notes, no new character: both PDFs are rendered again, nothing else is forked
        path = workspace / "dossiers" / name
        path.write_text(path.read_text(encoding="utf-8") + "notes: 人物 2\n", encoding="utf-8")
    command = [sys.executable, "-m", "kadossier", "--today", TODAY.isoformat(), "build"]
    build = subprocess.Popen(command, cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    killed, seen = None, {}  # a child alive for half a second is a render process (git's forks exec at once)
    deadline = time.monotonic() + 120
    while killed is None and build.poll() is None and time.monotonic() < deadline:
        now = time.monotonic()
        for child in _children(build.pid):
            if now - seen.setdefault(child, now) > 0.5:
                os.kill(child, signal.SIGKILL)
                killed = child
                break
        time.sleep(0.01)
    output, _ = build.communicate(timeout=240)
    assert killed is not None, "no render process was seen: " + output[-2000:]
    assert build.returncode == 1, output[-2000:]
    assert re.search(r"PDF of '(aa|bb)' not made: the renderer was killed by SIGKILL", output), output
    assert "Traceback" not in output and "internal error" not in output
    assert (workspace / "site" / "index.html").read_bytes() == before  # the previous site is kept
    again = kadossier(workspace, "build")  # the PDF that was made is in the cache: one is rendered now
    assert again.code == 0 and "1 rendered, 1 unchanged" in again.output, again.output


def test_a_pdf_over_its_memory_limit_fails_alone(tmp_path: Path) -> None:
    people = "".join(f"  - {{id: p{i}, name: 人物{i}, title: 经理, notes: {'很长的备注' * 30}}}\n" for i in range(300))
    big = MINIMAL.replace("Acme", "Big") + "people:\n" + people
    workspace = make_workspace(tmp_path, {"acme.yaml": big, "bravo.yaml": big.replace("Big", "Bravo")})
    config = workspace / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("currency: CNY\n", "currency: CNY\n      pdf_memory: 1\n")
    )
    run = kadossier(workspace, "build")
    assert run.code == 1, run.output[-2000:]
    assert re.search(
        r"PDF of '(acme|bravo)' not made: (over the memory limit for one PDF \(1 MiB\)|the renderer was killed by SIG)",
        run.output,
    ), run.output
    assert "Traceback" not in run.output and "Fatal Python error" not in run.output
    assert "internal error" not in run.output and not (workspace / "site").exists()
