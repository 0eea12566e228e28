"""Word search's cost: the search index and the build time with jieba and the dictionary of names, beside the
old configuration (a split before every Chinese character, no jieba), on N generated accounts.

Two workspaces with the same dossiers, built with `mkdocs build` (the kadossier plugin, no PDFs) and
alternated run by run so a noisy machine affects both alike; each is built once first, untimed, so both runs
take the account pages from kadossier's page cache and the difference is MkDocs' and the search plugin's; a
third build of the new workspace has its cached cuts removed first, so jieba cuts everything. The old
configuration runs with jieba hidden (a stand-in package that fails to import, as when jieba is not
installed). Reports the medians, the ratio, the size of search_index.json (as written and gzipped, as a web
server sends it) and how much Chinese text jieba cut.
Usage: python benchmarks/search_bench.py [--accounts 1000] [--runs 3] [--language zh]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import ROOT, generate
from kadossier.site.search import OLD_SEPARATOR, SEPARATOR

PYTHON = sys.executable
OLD_BLOCK = f"""  - search:
      separator: '[\\s\\u200b\\-_,:;!=\\[\\]()"`/]+|{OLD_SEPARATOR}'
"""
"""The search settings of workspaces made before word search (kadossier 0.1)."""
NO_JIEBA = "raise ImportError('jieba hidden by the benchmark: the old configuration had none')\n"
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def workspaces(folder: Path, accounts: int, language: str) -> dict[str, tuple[Path, dict[str, str]]]:
    """The two workspaces on the same dossiers: {name: (folder, extra environment)}."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("language: en", f"language: {language}")
    assert SEPARATOR in config, "mkdocs.yml does not have the separator of kadossier.site.search"
    start, end = config.index("  - search:\n"), config.index("  - kadossier:\n")
    old_config = config[:start] + OLD_BLOCK + config[end:]
    hidden = folder / "no-jieba"
    (hidden / "jieba").mkdir(parents=True)
    (hidden / "jieba" / "__init__.py").write_text(NO_JIEBA, encoding="utf-8")
    made = {}
    for name, text, env in [
        ("old: per-character split, no jieba", old_config, {"PYTHONPATH": str(hidden)}),
        ("new: jieba and the names", config, {}),
    ]:
        workspace = folder / ("old" if name.startswith("old") else "new")
        generate(workspace / "dossiers", accounts)  # the same seed: the same dossiers
        (workspace / "mkdocs.yml").write_text(text.replace("  - kadossier:\n", "  - kadossier:\n      pdf: false\n"))
        made[name] = (workspace, env)
    return made


def build(workspace: Path, env: dict[str, str]) -> float:
    """Build the site with `mkdocs build`; return the wall time."""
    path = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(ROOT), os.environ.get("PYTHONPATH")]))
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": path}
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "mkdocs", "build", "-q"], cwd=workspace, env=environment, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed in {workspace}:\n{done.stderr[-3000:]}")
    return elapsed


def measure(accounts: int, runs: int, language: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        builds = workspaces(Path(tmp), accounts, language)
        for workspace, env in builds.values():
            build(workspace, env)  # untimed: fills the page cache (and jieba's own model cache)
        cold = "new, no cached cuts (jieba cuts all)"
        times: dict[str, list[float]] = {name: [] for name in [*builds, cold]}
        new_workspace, new_env = list(builds.values())[1]
        for _ in range(runs):
            for name, (workspace, env) in builds.items():
                times[name].append(build(workspace, env))
            for cuts in (new_workspace / ".kadossier-cache" / "search").glob("cuts*.json"):
                cuts.unlink()  # as after a change of names, or the first build: every run is cut again
            times[cold].append(build(new_workspace, new_env))
        index = {name: workspace / "site" / "search" / "search_index.json" for name, (workspace, _) in builds.items()}
        sizes = {name: path.stat().st_size for name, path in index.items()}
        gzipped = {name: len(gzip.compress(path.read_bytes(), 6)) for name, path in index.items()}
        new_name = list(builds)[1]
        docs = json.loads(index[new_name].read_text(encoding="utf-8"))["docs"]
        chinese = sum(len(HAN.findall(doc["title"] + doc["text"])) for doc in docs)
        words = (builds[new_name][0] / ".kadossier-cache" / "search" / "names.txt").read_text(encoding="utf-8")
    medians = {name: statistics.median(values) for name, values in times.items()}
    old, new, new_cold = medians.values()
    print(f"search, {accounts} accounts ({language}), {os.cpu_count()} cores, {runs} runs, warm page cache (median)")
    for name, values in times.items():
        runs_text = ", ".join(f"{v:.2f}" for v in values)
        if name in sizes:
            size, packed = sizes[name] / 1024 / 1024, gzipped[name] / 1024 / 1024
            print(f"  {name:38s} {medians[name]:6.2f} s  index {size:6.2f} MiB, gzip {packed:5.2f} MiB  ({runs_text})")
        else:
            print(f"  {name:38s} {medians[name]:6.2f} s  ({runs_text})")
    old_size, new_size = sizes.values()
    old_gzip, new_gzip = gzipped.values()
    print(
        f"  build time: {new - old:+.2f} s, ratio {new / old:.2f}; with no cached cuts {new_cold - old:+.2f} s,"
        f" ratio {new_cold / old:.2f}; index size ratio {new_size / old_size:.2f} (gzip {new_gzip / old_gzip:.2f})"
    )
    print(f"  Chinese characters cut by jieba: {chinese:,}; names in the dictionary: {len(words.split()):,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--language", choices=["en", "zh"], default="zh")
    args = parser.parse_args()
    measure(args.accounts, args.runs, args.language)


if __name__ == "__main__":
    main()
