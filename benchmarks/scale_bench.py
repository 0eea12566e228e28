"""End-to-end benchmark at scale: every stage as a whole process on N generated accounts, with peak memory.

A git workspace of N dossiers from `benchmarks/generate.py` (Chinese and English, sizes from small to
large, a Zipf spread over the 3,755 common characters), built as a user builds it:
- `validate`: `kadossier validate`;
- `site, cold`: `kadossier build --no-pdf` with no site and no cache;
- `full, cold`: `kadossier build` (the site, every account pack and every visit brief) with no site and
  no cache at all (the font is cut too);
- `rebuild, nothing changed`: `kadossier build` again;
- `rebuild, one changed`: `kadossier build` after one dossier's notes were edited.
Reference points, measured side by side in the same run:
- plain `mkdocs build` of the same pages pre-written as Markdown (no kadossier plugin), beside `site, cold`;
- plain WeasyPrint: the same PDFs (HTML and print CSS as kadossier renders them, the system's Noto Sans CJK
  instead of the cached cut font) in 2 processes, beside a cold `kadossier build` of the same sample of
  accounts (`--pdf-sample`, as rendering N accounts' PDFs twice more would take an hour).
Each stage runs `--runs` times (the full builds `--full-runs` times), alternated, and reports the median.
Peak memory is the whole process tree's: the sum of its processes' proportional set size (PSS: shared
pages counted once), sampled twice a second; and the largest single process (exact, from wait4).
Targets (issue 8), 1,000 accounts: validate <= 1.5 s; site <= 8 s; full <= 6 min; rebuild, nothing
changed <= 5 s; rebuild, one changed <= 10 s; memory <= 1 GiB; 10,000 accounts: site <= 11x the 1,000 time.
Usage: python benchmarks/scale_bench.py [--accounts 1000] [--runs 3] [--full-runs 1] [--pdf-sample 40]
       python benchmarks/scale_bench.py --scale-to 10000 --runs 2 --full-runs 0 --pdf-sample 0 --no-plain-mkdocs
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import ROOT, generate

PYTHON = sys.executable
TODAY = "2026-11-23"
KADOSSIER = [PYTHON, "-m", "kadossier", "--today", TODAY]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.com"}
ENV |= {"GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.com"}


def _tree_pss(root: int) -> int:
    """The summed PSS (KiB) of `root` and its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except OSError:
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier += children
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
                total += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
        except OSError:
            continue
    return total


def run(argv: list[str], cwd: Path) -> tuple[float, int, int]:
    """Run a command; return its wall time, the peak PSS of its process tree and its largest RSS (KiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_pss(process.pid))
            done.wait(0.5)  # reading smaps_rollup costs the kernel time: twice a second is enough

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed in {cwd}:\n{stderr.decode()[-3000:]}")
    return elapsed, peak[0], usage.ru_maxrss


def git(cwd: Path, *args: str, when: str | None = None) -> None:
    env = ENV | ({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {})
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def workspace(folder: Path, accounts: int, *, dated: bool = False) -> Path:
    """A git workspace of `accounts` generated dossiers, committed in two commits (so it has history). `dated`:
    the first commit on 2026-10-01 and the second (a tenth of the accounts) on 2026-11-20, in the week before
    the benchmarks' day, so the pipeline over time and the weekly digest have work; else both are dated now."""
    generate(folder / "dossiers", accounts)
    shutil.copyfile(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    (folder / ".gitignore").write_text("/site/\n/.kadossier-cache/\n", encoding="utf-8")
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "accounts", when="2026-10-01T10:00:00" if dated else None)
    for path in sorted((folder / "dossiers").glob("*.yaml"))[::10]:  # a tenth of them edited later
        path.write_text(path.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    git(folder, "commit", "-qam", "review", when="2026-11-20T10:00:00" if dated else None)
    return folder


def plain_mkdocs(folder: Path, ours: Path) -> Path:
    """The same pages as kadossier generates, pre-written as Markdown, for a plain `mkdocs build`."""
    from kadossier.render.present import Presenter, load_labels
    from kadossier.site.generate import generate as generate_pages
    from kadossier.site.pages import OVERVIEW, Site

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = "".join(f"  - {uri}\n" for uri in OVERVIEW)  # the same short navigation as kadossier's
    plain = folder / "plain-mkdocs"
    (plain / "docs" / "accounts").mkdir(parents=True)
    (plain / "mkdocs.yml").write_text(
        config.split("  - kadossier:")[0].replace("docs_dir: dossiers", "docs_dir: docs")
        + f"markdown_extensions: [attr_list]\nnav:\n{nav}",
        encoding="utf-8",
    )
    presenter = Presenter("en", "CNY", dt.date.fromisoformat(TODAY), load_labels("en"))
    pages = generate_pages(sorted((ours / "dossiers").glob("*.yaml")), presenter.today, Site(presenter, ours)).pages
    for uri, page in pages.items():
        (plain / "docs" / uri).parent.mkdir(parents=True, exist_ok=True)  # accounts/ and people/
        (plain / "docs" / uri).write_text(f"# {page.title}\n\n{page.html}\n", encoding="utf-8")
    return plain


def plain_weasyprint_inputs(sample: Path, out: Path) -> list[Path]:
    """Write the HTML of every PDF of the sample workspace, and the print CSS, as kadossier renders them."""
    from kadossier.dossier.portfolio import Account
    from kadossier.dossier.validate import check_file
    from kadossier.pdf import batch
    from kadossier.pdf import render as pdf
    from kadossier.render.present import Presenter, load_labels

    presenter = Presenter("en", "CNY", dt.date.fromisoformat(TODAY), load_labels("en"))
    renderer = pdf.Renderer(presenter, sample)
    accounts = [Account.of(check_file(p, presenter.today)) for p in sorted((sample / "dossiers").glob("*.yaml"))]
    out.mkdir(parents=True)
    (out / "print.css").write_text(renderer.env.get_template(pdf.STYLESHEET).render(), encoding="utf-8")
    files = []
    for i, job in enumerate(batch.build_jobs(accounts)):
        files.append(out / f"{i:05d}.html")
        files[-1].write_text(renderer.html(job), encoding="utf-8")
    return files


PLAIN_WEASYPRINT = """
import sys, weasyprint
css = weasyprint.CSS(filename=sys.argv[1])
for name in sys.argv[2:]:
    weasyprint.HTML(filename=name).write_pdf(name[:-5] + ".pdf", stylesheets=[css])
"""


def plain_weasyprint(files: list[Path]) -> tuple[float, int, int]:
    """Render `files` with plain WeasyPrint in 2 processes (each half, one after another)."""
    argv = [PYTHON, "-c", "import subprocess, sys; ps = [subprocess.Popen(a) for a in eval(sys.argv[1])]; "
            "sys.exit(max(p.wait() for p in ps))"]  # fmt: skip
    css = str(files[0].parent / "print.css")
    halves = [[PYTHON, "-c", PLAIN_WEASYPRINT, css, *map(str, files[i::2])] for i in range(2)]
    return run([*argv, repr(halves)], files[0].parent)


def edit_one(folder: Path, round_: int) -> None:
    """Change one dossier as a user would: a line added to its notes."""
    path = sorted((folder / "dossiers").glob("*.yaml"))[(round_ * 37) % len(list((folder / "dossiers").glob("*")))]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n# edited in round {round_}\n", encoding="utf-8")


def fresh(folder: Path) -> None:
    """No site and no cache: the state after a clone."""
    shutil.rmtree(folder / "site", ignore_errors=True)
    shutil.rmtree(folder / ".kadossier-cache", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full-runs", type=int, default=1, help="cold full builds (each with its two rebuilds)")
    parser.add_argument("--pdf-sample", type=int, default=40, help="accounts for the plain WeasyPrint reference")
    parser.add_argument("--plain-mkdocs", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--scale-to", type=int, default=0, help="also build the site of this many accounts, each round")
    args = parser.parse_args()
    results: dict[str, list[tuple[float, int, int]]] = {}

    def record(name: str, outcome: tuple[float, int, int]) -> None:
        results.setdefault(name, []).append(outcome)
        print(f"  {name:40s} {outcome[0]:8.2f} s  {outcome[1] / 1024:6.0f} MiB", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="kadossier-scale-") as tmp:
        ours = workspace(Path(tmp) / "workspace", args.accounts)
        plain = plain_mkdocs(Path(tmp), ours) if args.plain_mkdocs else None
        large = workspace(Path(tmp) / "large", args.scale_to) if args.scale_to else None
        for i in range(args.runs):
            print(f"round {i + 1}/{args.runs}", file=sys.stderr)
            record("validate", run([*KADOSSIER, "validate"], ours))
            fresh(ours)
            record("site, cold", run([*KADOSSIER, "build", "--no-pdf"], ours))
            if plain is not None:
                record("plain mkdocs, same pages", run([PYTHON, "-m", "mkdocs", "build", "-q"], plain))
            if large is not None:
                fresh(large)
                record(f"site, cold, {args.scale_to} accounts", run([*KADOSSIER, "build", "--no-pdf"], large))
        for i in range(args.full_runs):
            print(f"full build {i + 1}/{args.full_runs}", file=sys.stderr)
            fresh(ours)
            record("full, cold", run([*KADOSSIER, "build"], ours))
            for _ in range(args.runs):
                record("rebuild, nothing changed", run([*KADOSSIER, "build"], ours))
            for j in range(args.runs):
                edit_one(ours, i * args.runs + j)
                record("rebuild, one changed", run([*KADOSSIER, "build"], ours))
        if args.pdf_sample:
            sample = workspace(Path(tmp) / "sample", args.pdf_sample)
            files = plain_weasyprint_inputs(sample, Path(tmp) / "plain-weasyprint")
            for i in range(max(1, min(args.runs, 2))):
                print(f"PDF sample {i + 1}", file=sys.stderr)
                fresh(sample)
                record(f"full, cold, {args.pdf_sample} accounts", run([*KADOSSIER, "build"], sample))
                record(f"plain WeasyPrint, {len(files)} PDFs", plain_weasyprint(files))
        pdfs = len(list((ours / "site" / "pdf").rglob("*.pdf"))) if (ours / "site" / "pdf").is_dir() else 0

    print(f"{args.accounts} accounts ({pdfs} PDFs), {os.cpu_count()} cores; median of the runs; peak memory")
    print("| what | N | median | runs | peak memory (tree PSS) | largest process |")
    print("| --- | --- | --- | --- | --- | --- |")
    medians = {}
    for name, outcomes in results.items():
        times = [o[0] for o in outcomes]
        medians[name] = statistics.median(times)
        runs = ", ".join(f"{t:.1f}" for t in times)
        n = name.split(", ")[-1] if "accounts" in name or "PDFs" in name else f"{args.accounts} accounts"
        print(f"| {name} | {n} | {medians[name]:.2f} s | {runs} | {max(o[1] for o in outcomes) / 1024:.0f} MiB "
              f"| {max(o[2] for o in outcomes) / 1024:.0f} MiB |")  # fmt: skip
    if args.scale_to and "site, cold" in medians:
        growth = medians[f"site, cold, {args.scale_to} accounts"] / medians["site, cold"]
        print(f"growth of the cold site build, {args.accounts} -> {args.scale_to} accounts: {growth:.2f}x the time "
              f"({args.scale_to / args.accounts:.0f}x the accounts)")  # fmt: skip
    if "site, cold" in medians and "plain mkdocs, same pages" in medians:
        print(f"ratio site, cold / plain mkdocs: {medians['site, cold'] / medians['plain mkdocs, same pages']:.2f}")
    sample_names = [n for n in medians if n.startswith("full, cold, ")]
    plain_names = [n for n in medians if n.startswith("plain WeasyPrint")]
    if sample_names and plain_names:
        ratio = medians[plain_names[0]] / medians[sample_names[0]]
        print(f"ratio plain WeasyPrint (PDFs only) / kadossier full build (site and PDFs): {ratio:.2f}")


if __name__ == "__main__":
    main()
