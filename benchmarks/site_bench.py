"""Time the site-only build (`kadossier build --no-pdf`) on N generated accounts, beside plain MkDocs.

Three builds of the same number of pages, alternated run by run so a noisy machine affects all alike:
- `kadossier build`: validation, page generation and MkDocs with Material, as a user runs it;
- plain `mkdocs build` of the same pages pre-written as Markdown files (no kadossier plugin);
- plain `mkdocs build` of as many one-line pages: the floor of MkDocs with Material for that many pages.
Reports medians, peak memory, page sizes, and the ratios. Targets (issue 3): 1,000 accounts <= 8 s,
<= 40 KB of HTML per account page, 2,000 accounts <= 2.2x the time of 1,000.
Usage: python benchmarks/site_bench.py [--accounts 1000 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import ROOT, generate

PYTHON = sys.executable
TODAY = "2026-11-23"


def run(argv: list[str], cwd: Path) -> tuple[float, int]:
    """Run a command; return its wall time and peak memory (KiB)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{argv} failed in {cwd}:\n{process.stderr.read().decode()[-3000:]}")  # type: ignore[union-attr]
    return elapsed, usage.ru_maxrss


def workspaces(folder: Path, accounts: int) -> dict[str, tuple[list[str], Path]]:
    """Make the three workspaces; return {name: (command, folder)}."""
    ours = folder / "kadossier"
    generate(ours / "dossiers", accounts)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (ours / "mkdocs.yml").write_text(config, encoding="utf-8")
    from kadossier.site.pages import OVERVIEW

    nav = "".join(f"  - {uri}\n" for uri in OVERVIEW)  # the same short navigation as kadossier's
    plain_config = config.split("  - kadossier:")[0] + f"markdown_extensions: [attr_list]\nnav:\n{nav}"
    same, floor = folder / "same-pages", folder / "one-line-pages"
    for target in (same, floor):
        (target / "docs" / "accounts").mkdir(parents=True)
        (target / "mkdocs.yml").write_text(
            plain_config.replace("docs_dir: dossiers", "docs_dir: docs"), encoding="utf-8"
        )
    from kadossier.render.present import Presenter, load_labels
    from kadossier.site.generate import generate as generate_pages
    from kadossier.site.pages import Site

    presenter = Presenter("en", "CNY", dt.date.fromisoformat(TODAY), load_labels("en"))
    pages = generate_pages(sorted((ours / "dossiers").glob("*.yaml")), presenter.today, Site(presenter, ours)).pages
    for uri, page in pages.items():
        for target in (same, floor):  # accounts/ and people/
            (target / "docs" / uri).parent.mkdir(parents=True, exist_ok=True)
        (same / "docs" / uri).write_text(f"# {page.title}\n\n{page.html}\n", encoding="utf-8")
        (floor / "docs" / uri).write_text(f"# {page.title}\n\nOne line of text.\n", encoding="utf-8")
    return {
        "kadossier build": ([PYTHON, "-m", "kadossier", "--today", TODAY, "build", "--no-pdf"], ours),
        "plain mkdocs, same pages": ([PYTHON, "-m", "mkdocs", "build", "-q"], same),
        "plain mkdocs, one-line pages": ([PYTHON, "-m", "mkdocs", "build", "-q"], floor),
    }


def measure(accounts: int, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        builds = workspaces(Path(tmp), accounts)
        times: dict[str, list[float]] = {name: [] for name in builds}
        memory: dict[str, int] = dict.fromkeys(builds, 0)
        for _ in range(runs):
            for name, (argv, cwd) in builds.items():
                elapsed, peak = run(argv, cwd)
                times[name].append(elapsed)
                memory[name] = max(memory[name], peak)
        pages = sorted((builds["kadossier build"][1] / "site" / "accounts").glob("*/index.html"))
        sizes = [p.stat().st_size for p in pages]
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"site build, {accounts} accounts, {os.cpu_count()} cores, {runs} runs (median; peak memory)")
    for name, values in times.items():
        runs_text = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:30s} {medians[name]:6.2f} s  {memory[name] / 1024:6.0f} MiB  (runs: {runs_text})")
    ours = medians["kadossier build"]
    print(f"  ratio to plain mkdocs, same pages:      {ours / medians['plain mkdocs, same pages']:.2f}")
    print(f"  ratio to plain mkdocs, one-line pages:  {ours / medians['plain mkdocs, one-line pages']:.2f}")
    print(f"  account page HTML: median {statistics.median(sizes) / 1024:.1f} KiB, max {max(sizes) / 1024:.1f} KiB")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = {n: measure(n, args.runs) for n in args.accounts}
    if len(results) > 1:
        first, *rest = sorted(results)
        for n in rest:
            growth = results[n]["kadossier build"] / results[first]["kadossier build"]
            print(f"growth {first} -> {n} accounts: {growth:.2f}x the time ({n / first:.1f}x the accounts)")


if __name__ == "__main__":
    main()
