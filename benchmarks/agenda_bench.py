"""Time `kadossier agenda` beside `kadossier validate` of the same workspace, as whole processes.

The workspace holds N generated dossiers with the follow-through fields (actions, structured commitments,
owners from a team of 20: benchmarks/generate.py --follow-through). Each run times, one after the other so
that a noisy shared machine affects all alike: validate; the team's agenda without its cache (the first
agenda after every file changed); the team's agenda again (every file unchanged: all from the cache); one
person's agenda. The medians and the ratios to validate are printed. Target (issue 17): the agenda about as
fast as validate, or faster with a cache.
Usage: python benchmarks/agenda_bench.py [--accounts 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import DAY, ROOT, TEAM_NAMES, generate
from benchmarks.validate_bench import timed
from kadossier.dossier.agenda_cache import cache_file


def workspace(folder: Path, accounts: int) -> int:
    """Make a workspace in `folder` (the example's mkdocs.yml) with `accounts` generated dossiers; their bytes."""
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    paths = generate(folder / "dossiers", accounts, with_follow_through=True)
    return sum(p.stat().st_size for p in paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = workspace(folder, args.accounts)
        kadossier = [sys.executable, "-m", "kadossier", "-C", str(folder), "--today", DAY]
        cold = "kadossier agenda (no cache)"
        commands = {
            "kadossier validate": [*kadossier, "validate"],
            cold: [*kadossier, "agenda"],
            "kadossier agenda (cached)": [*kadossier, "agenda"],
            f"kadossier agenda --owner {TEAM_NAMES[1]} (cached)": [*kadossier, "agenda", "--owner", TEAM_NAMES[1]],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                if name == cold:
                    cache_file(folder).unlink(missing_ok=True)
                times[name].append(timed(argv))
    medians = {name: statistics.median(t) for name, t in times.items()}
    base = medians["kadossier validate"]
    print(
        f"agenda: {args.accounts} dossiers with follow-through, {size / args.accounts / 1024:.1f} KiB mean, "
        f"{os.cpu_count()} cores, {args.runs} runs"
    )
    for name, median in medians.items():
        runs = ", ".join(f"{t:.3f}" for t in times[name])
        print(f"  {name:<40} median {median:.3f} s  ratio to validate {median / base:.2f}  (runs: {runs})")


if __name__ == "__main__":
    main()
