"""Time the site build of the same corpus without and with the follow-through fields, side by side in one run.

Two workspaces of N generated accounts (benchmarks/generate.py): the current corpus, and the same accounts with
actions, structured commitments and owners drawn from a team of 20 (`--follow-through`). Each round builds both
cold (`kadossier build --no-pdf`, no site and no cache), one after the other, so that a noisy machine affects
both alike. Reports each one's median and the ratio. Target (issue 17): with follow-through at most 1.15x.
(The build of the current corpus against the code before the issue: benchmarks/compare_trees.py.)
Usage: python benchmarks/followthrough_bench.py [--accounts 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import ROOT, generate
from benchmarks.scale_bench import ENV, fresh

TODAY = "2026-11-23"


def build(folder: Path) -> float:
    """A cold site build of the workspace in `folder`; its wall time."""
    fresh(folder)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kadossier", "--today", TODAY, "build", "--no-pdf"],
        cwd=folder,
        env=ENV,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed in {folder}:\n{done.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kad-ft-bench-") as tmp:
        folders = {}
        for name, extra in (("current corpus", False), ("with follow-through", True)):
            folder = Path(tmp) / name.replace(" ", "-")
            generate(folder / "dossiers", args.accounts, with_follow_through=extra)
            shutil.copyfile(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
            folders[name] = folder
        times: dict[str, list[float]] = {name: [] for name in folders}
        for _ in range(args.runs):
            for name, folder in folders.items():
                times[name].append(build(folder))
        pages = {name: len(list((f / "site" / "people").iterdir())) for name, f in folders.items()}
    print(f"site build, cold, {args.accounts} accounts, {args.runs} runs (medians):")
    for name, runs in times.items():
        print(f"  {name:22} {statistics.median(runs):7.2f} s  ({pages[name]} person pages)")
    ratio = statistics.median(times["with follow-through"]) / statistics.median(times["current corpus"])
    print(f"  ratio with / without: {ratio:.2f} (target <= 1.15)")


if __name__ == "__main__":
    main()
