"""Time the pipeline over time (kadossier.history.trends): first computation, and the rebuild after one commit.

A git repository is generated with N accounts (benchmarks/generate.py) committed at once, then C commits over
the 12 months before the benchmark's day, each touching 1 to 5 dossiers (a project's stage, status or value
changed), written in one `git fast-import`. Each run times, in this process: reading the history and computing
the trends with an empty cache (the first build), then again after one more commit (a rebuild: everything
but that commit's versions comes from the cache). The medians are printed. Targets (issue 19): 1,000 accounts
with 500 commits, first computation <= 20 s, rebuild after one more commit <= 2 s.
Usage: python benchmarks/trends_bench.py [--accounts 1000] [--commits 500] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import DAY, generate
from kadossier.history.git import read
from kadossier.history.trends import compute

STAGES = ("interest", "trust", "design", "compare", "commit", "use")
_STAGE = re.compile(r"^(\s+stage: )(\w+)$", re.MULTILINE)
_STATUS = re.compile(r"^(\s+status: )(open)$", re.MULTILINE)
_AMOUNT = re.compile(r"^(\s+amount: )(\d+)", re.MULTILINE)
_TZ = "+0800"


def edit(text: str, rng: random.Random) -> str:
    """One change a sales rep makes: a project's stage moved, a project won or lost, or a value changed."""
    what = rng.random()
    if what < 0.6 and (stages := list(_STAGE.finditer(text))):
        found = rng.choice(stages)
        return text[: found.start(2)] + rng.choice(STAGES) + text[found.end(2) :]
    if what < 0.75 and (statuses := list(_STATUS.finditer(text))):
        found = rng.choice(statuses)
        return text[: found.start(2)] + rng.choice(("won", "lost")) + text[found.end(2) :]
    if amounts := list(_AMOUNT.finditer(text)):
        found = rng.choice(amounts)
        return text[: found.start(2)] + str(rng.randrange(10_000, 50_000_000)) + text[found.end(2) :]
    return text + f"\n# edited {rng.random()}\n"


def _commit(stream: list[bytes], when: int, message: str, files: dict[str, bytes]) -> None:
    """One commit of the fast-import stream (each follows the one before on the branch)."""
    stream.append(b"commit refs/heads/main\n")
    who = f"Rep {when % 7} <rep{when % 7}@example.com> {when} {_TZ}\n"
    stream.append(f"author {who}committer {who}".encode())
    data = message.encode()
    stream.append(b"data %d\n%s\n" % (len(data), data))
    for name, content in files.items():
        stream.append(b"M 100644 inline dossiers/%s\ndata %d\n%s\n" % (name.encode(), len(content), content))


def repository(folder: Path, accounts: int, commits: int, seed: int = 1) -> None:
    """A git repository in `folder`: the accounts in one commit, then `commits` commits touching 1-5 each."""
    paths = generate(folder / "dossiers", accounts, seed)
    texts = {p.name: p.read_text(encoding="utf-8") for p in paths}
    rng = random.Random(seed)
    end = int(dt.datetime.combine(dt.date.fromisoformat(DAY), dt.time(12), tzinfo=dt.UTC).timestamp())
    start = end - 365 * 86400
    stream: list[bytes] = []
    _commit(stream, start, "dossiers", {n: t.encode() for n, t in texts.items()})
    names = sorted(texts)
    for i in range(commits):
        touched = {}
        for name in rng.sample(names, rng.randint(1, 5)):
            texts[name] = edit(texts[name], rng)
            touched[name] = texts[name].encode()
        _commit(stream, start + (i + 1) * (end - start) // (commits + 1), f"update {i}", touched)
    git(folder, "init", "-q", "-b", "main")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, input=b"".join(stream), check=True)
    git(folder, "reset", "-q", "--hard", "main")
    for name, text in texts.items():  # the working tree as the last commit left it
        (folder / "dossiers" / name).write_text(text, encoding="utf-8")


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def one_more_commit(folder: Path, round_: int) -> None:
    """A commit changing one dossier, dated the benchmark's day."""
    path = sorted((folder / "dossiers").glob("*.yaml"))[round_ % 7]
    path.write_text(edit(path.read_text(encoding="utf-8"), random.Random(round_)), encoding="utf-8")
    git(folder, "add", "-A")
    when = f"{DAY}T15:{round_ % 60:02d}:00+08:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(
        ["git", "-c", "user.name=Bench", "-c", "user.email=b@example.com", "commit", "-qm", f"one more {round_}"],
        cwd=folder,
        env=env,
        check=True,
    )


def timed_compute(folder: Path, cache: Path) -> tuple[float, int, int]:
    """Read the history and compute the trends: seconds, versions parsed, weeks."""
    started = time.perf_counter()
    history = read(folder / "dossiers")
    trends = compute(history, dt.date.fromisoformat(DAY), "CNY", cache)
    return time.perf_counter() - started, trends.parsed, len(trends.weeks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        repository(folder, args.accounts, args.commits)
        made = time.perf_counter() - started
        cache = folder / ".kadossier-cache" / "trends"
        cold: list[float] = []
        warm: list[float] = []
        parsed: list[tuple[int, int]] = []
        weeks = 0
        for round_ in range(args.runs):
            shutil.rmtree(cache, ignore_errors=True)
            seconds, first, weeks = timed_compute(folder, cache)
            cold.append(seconds)
            one_more_commit(folder, round_)
            seconds, again, _ = timed_compute(folder, cache)
            warm.append(seconds)
            parsed.append((first, again))
    print(
        f"trends: {args.accounts} accounts, {args.commits} commits touching 1-5 dossiers each "
        f"(repository made in {made:.1f} s), {weeks} weeks, {os.cpu_count()} cores, {args.runs} runs"
    )
    print(
        f"  first computation (no cache)     median {statistics.median(cold):.3f} s  target <= 20 s  "
        f"(runs: {', '.join(f'{t:.3f}' for t in cold)}; versions parsed: {parsed[0][0]})"
    )
    print(
        f"  rebuild after one more commit    median {statistics.median(warm):.3f} s  target <= 2 s  "
        f"(runs: {', '.join(f'{t:.3f}' for t in warm)}; versions parsed: {parsed[0][1]})"
    )


if __name__ == "__main__":
    main()
