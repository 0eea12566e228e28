"""Time the same builds with two kadossier source trees, side by side in one run (a refactoring's before/after).

Each tree gets its own copy of one generated git workspace (their caches may differ in format), and runs, in
alternation round by round so that a noisy machine affects both alike:
- `validate`: `kadossier validate`;
- `site, cold`: `kadossier build --no-pdf` with no site and no cache;
- `site, one changed`: the same after one dossier was edited (the page cache is warm);
- `site, nothing changed`: `kadossier build --no-pdf` again (the up-to-date check);
- `full, cold` / `full, one changed`: `kadossier build` with the PDFs, on a smaller workspace (`--pdf-accounts`).
A tree is a checkout of kadossier (e.g. `git worktree add /tmp/before main~3`); it runs with this Python and
`PYTHONPATH=TREE`, so the same installed libraries serve both. Reports each stage's median and the ratio.
Usage: python benchmarks/compare_trees.py BEFORE AFTER [--accounts 1000] [--pdf-accounts 40] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.scale_bench import ENV, edit_one, fresh, workspace

TODAY = "2026-11-23"


def kadossier(tree: Path, folder: Path, *args: str) -> float:
    """Run `kadossier ARGS` from `tree` in `folder`; return its wall time."""
    env = {**ENV, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kadossier", "--today", TODAY, *args], cwd=folder, env=env, capture_output=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"kadossier {' '.join(args)} from {tree} failed in {folder}:\n{done.stderr.decode()[-3000:]}")
    return elapsed


def stages(tree: Path, site: Path, full: Path, round_: int) -> dict[str, float]:
    """One round of every stage for one tree."""
    times = {"validate": kadossier(tree, site, "validate")}
    fresh(site)
    times["site, cold"] = kadossier(tree, site, "build", "--no-pdf")
    edit_one(site, round_)
    times["site, one changed"] = kadossier(tree, site, "build", "--no-pdf")
    times["site, nothing changed"] = kadossier(tree, site, "build", "--no-pdf")
    if full is not None:
        fresh(full)
        times["full, cold"] = kadossier(tree, full, "build")
        edit_one(full, round_)
        times["full, one changed"] = kadossier(tree, full, "build")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--pdf-accounts", type=int, default=40, help="0: no PDF stages")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    results: dict[tuple[str, str], list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="kadossier-compare-") as tmp:
        site_ws = workspace(Path(tmp) / "site-template", args.accounts, dated=True)  # history in the week
        full_ws = workspace(Path(tmp) / "full-template", args.pdf_accounts) if args.pdf_accounts else None
        copies = {}
        for name in trees:
            site = Path(tmp) / name / "site"
            shutil.copytree(site_ws, site, symlinks=True)
            full = None
            if full_ws is not None:
                full = Path(tmp) / name / "full"
                shutil.copytree(full_ws, full, symlinks=True)
            copies[name] = (site, full)
        for round_ in range(args.runs):
            order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for name in order:
                for stage, seconds in stages(trees[name], *copies[name], round_).items():
                    results[(name, stage)].append(seconds)
                    print(f"round {round_ + 1} {name:6} {stage:24} {seconds:7.2f} s", file=sys.stderr)
    print(f"{args.accounts} accounts (PDF stages: {args.pdf_accounts}), {args.runs} rounds, medians")
    print("| stage | before | after | after / before |\n|---|---|---|---|")
    for stage in dict.fromkeys(stage for _, stage in results):
        before = statistics.median(results[("before", stage)])
        after = statistics.median(results[("after", stage)])
        print(f"| {stage} | {before:.2f} s | {after:.2f} s | {after / before:.2f} |")


if __name__ == "__main__":
    main()
