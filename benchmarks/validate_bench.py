"""Time `kadossier validate` on N generated dossiers, as whole processes, beside plain PyYAML.

Reports the median of several runs of each, measured alternately in one run so that a noisy shared
machine affects both alike, and their ratio. Target (issue 2): 1,000 dossiers of the reference's size
validated in <= 1.5 s wall on a 2-core machine.
Usage: python benchmarks/validate_bench.py [--accounts 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import generate

PLAIN_PYYAML = (
    "import sys, yaml, pathlib\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
    "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
)


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    kadossier = [sys.executable, "-m", "kadossier", "--today", "2026-11-23", "validate"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = generate(folder, args.accounts)
        size = sum(p.stat().st_size for p in paths) / len(paths)
        ours, plain = [], []
        for _ in range(args.runs):
            ours.append(timed([*kadossier, str(folder)]))
            plain.append(timed([sys.executable, "-c", PLAIN_PYYAML, str(folder)]))
    mine, base = statistics.median(ours), statistics.median(plain)
    print(f"validate: {args.accounts} dossiers, {size / 1024:.1f} KiB mean, {os.cpu_count()} cores, {args.runs} runs")
    print(f"  kadossier validate   median {mine:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in ours)})")
    print(f"  plain PyYAML C load  median {base:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in plain)})")
    print(f"  ratio kadossier / plain PyYAML: {mine / base:.2f}")


if __name__ == "__main__":
    main()
