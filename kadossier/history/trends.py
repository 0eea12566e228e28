"""The pipeline over time: open and weighted pipeline and projects per stage week by week, and stage movements.

One pass over the dossiers' git history (kadossier.history.git: the one `git log` names the content each
commit left each file, `History.objects`). Each version of a dossier is summarised from its YAML data into
its projects (id, name, stage, status, value, win rate), validated as projects are; a version that does not
parse or whose projects do not validate is skipped, and the last good one stands. Summaries are cached by
content id under `.kadossier-cache/trends/` (one small JSON file each, written whole or not at all), so a
rebuild after one commit reads the summaries from the cache and parses only the versions that commit made.

The pipeline of a week is the pipeline of the dossiers as they were at the end of that day (the newest commit
on or before it, by its author date, as `History.at`), computed by the very functions the Pipeline page uses
for today (kadossier.dossier.portfolio: `stages_of`, `Totals`, the stages' win rates). The weeks end on the
workspace's day and every seventh day before it, for the last 12 months or since the first commit. A file
deleted stops counting from the commit that deleted it; a renamed one keeps its history.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from kadossier.dossier.fields import Money
from kadossier.dossier.load import data_of
from kadossier.dossier.model import Project
from kadossier.dossier.portfolio import Totals
from kadossier.dossier.vocab import ProjectStatus, Stage
from kadossier.history.git import Commit, History
from kadossier.utils import cache
from kadossier.utils.parallel import parallel_map

log = logging.getLogger("mkdocs.plugins.kadossier")

WEEKS = 52
"""How many weeks back the weekly series reach (12 months), besides the week that ends today."""
PERIODS = (30, 90)
"""The movements are counted over these many days back from today."""
SUMMARY_FORMAT = 1
"""Bump when a summary's content changes: every cached summary is then made again."""
SUFFIX = ".json"

FORWARD, BACKWARD, WON, LOST = "forward", "backward", "won", "lost"
KINDS = (FORWARD, BACKWARD, WON, LOST)
"""The kinds of stage movement, in the order they are shown."""


class Row(NamedTuple):
    """One project of a dossier version: what the pipeline and the movements need of it."""

    id: str
    name: str
    stage: Stage
    status: ProjectStatus
    amount: float | None
    currency: str | None
    win_rate: int | None

    @property
    def is_open(self) -> bool:
        """Whether the project was still being pursued."""
        return self.status is ProjectStatus.OPEN

    @property
    def value(self) -> Money | None:
        """Its value as a dossier's project has it."""
        return None if self.amount is None else Money(amount=self.amount, currency=self.currency)


@dataclass(frozen=True, slots=True)
class Summary:
    """What the trends need of one version of a dossier: the account's name and its projects."""

    name: str
    projects: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Week:
    """The pipeline as it was at the end of one day."""

    day: dt.date
    totals: Totals
    """Open projects: count, value and weighted value per currency."""
    stages: dict[Stage, int]
    """Open projects per stage."""


@dataclass(frozen=True, slots=True)
class Movement:
    """A project that moved: from one stage to another, or won or lost, in one commit."""

    kind: str
    """forward, backward, won or lost (a project dropped, or reopened, is not a movement of the funnel)."""
    account: str
    """The account's id (its file's name now)."""
    account_name: str
    project: str
    """The project's id."""
    project_name: str
    old: Stage
    new: Stage
    value: Money | None
    day: dt.date
    author: str
    commit: str
    """The abbreviated commit id."""


@dataclass(slots=True)
class Trends:
    """The pipeline week by week and the stage movements, as of one day (or a note saying why there are none)."""

    today: dt.date
    weeks: list[Week] = field(default_factory=list)
    """Oldest first; the last one ends today."""
    movements: list[Movement] = field(default_factory=list)
    """Those of the last `max(PERIODS)` days, newest first."""
    accounts: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    """Each account's open value per currency, one entry per week (as `weeks`), by account id."""
    note: str = ""
    """Why there is no history ("" when there is)."""
    parsed: int = 0
    """How many versions this computation parsed (the others came from the cache)."""

    @property
    def available(self) -> bool:
        """Whether there is a history to show."""
        return not self.note

    @property
    def days(self) -> list[dt.date]:
        """The weeks' last days, oldest first."""
        return [w.day for w in self.weeks]

    @property
    def currencies(self) -> list[str]:
        """The currencies the open pipeline held at some week, the largest now first (then the largest ever)."""
        last = self.weeks[-1].totals.value if self.weeks else {}
        most: dict[str, float] = {}
        for week in self.weeks:
            for code, value in week.totals.value.items():
                most[code] = max(most.get(code, 0.0), value)
        return sorted(most, key=lambda c: (-last.get(c, 0.0), -most[c], c))

    def main_currency(self, preferred: str) -> str | None:
        """`preferred` (the workspace's currency) if the pipeline ever held it, else the largest; None: nothing."""
        found = self.currencies
        return preferred if preferred in found else (found[0] if found else None)

    def value(self, currency: str) -> list[float]:
        """The open pipeline in `currency`, week by week."""
        return [w.totals.value.get(currency, 0.0) for w in self.weeks]

    def weighted(self, currency: str) -> list[float]:
        """The weighted pipeline in `currency`, week by week."""
        return [w.totals.weighted.get(currency, 0.0) for w in self.weeks]

    def stage_counts(self) -> dict[Stage, list[int]]:
        """The number of open projects of each stage, week by week, in the order of the funnel."""
        return {stage: [w.stages.get(stage, 0) for w in self.weeks] for stage in Stage}

    def within(self, days: int) -> list[Movement]:
        """The movements of the last `days` days (today included), newest first."""
        first = self.today - dt.timedelta(days=days - 1)
        return [m for m in self.movements if m.day >= first]

    def counts(self, days: int) -> dict[str, int]:
        """How many movements of each kind the last `days` days had."""
        moves = self.within(days)
        return {kind: sum(1 for m in moves if m.kind == kind) for kind in KINDS}

    def account(self, account_id: str) -> dict[str, list[float]]:
        """An account's open value per currency, week by week (empty: no history)."""
        weeks = self.accounts.get(account_id, [])
        codes = sorted({c for w in weeks for c in w})
        return {code: [w.get(code, 0.0) for w in weeks] for code in codes}


def compute(history: History, today: dt.date, currency: str, cache_dir: Path | None, *, weeks: int = WEEKS) -> Trends:
    """The trends of every dossier in `history` as of `today`; summaries are cached in `cache_dir` (None: not)."""
    if not history.available:
        return Trends(today, note=history.note)
    versions = {
        path: [(c, history.objects.get((c.sha, path))) for c in reversed(commits) if c.day <= today]
        for path, commits in history.commits.items()
    }
    ids = {blob for chain in versions.values() for _, blob in chain if blob is not None}
    store = _Store(cache_dir)
    summaries = store.load(ids)
    missing = sorted(blob for blob in ids if blob not in summaries)
    if missing:
        contents = history.contents(missing)
        # parsing is nearly all of a first computation: spread over the cores
        for blob, rows in zip(
            missing, parallel_map(_summarise, [contents.get(b) for b in missing], context=None), strict=True
        ):
            summaries[blob] = _summary(rows)
        store.save(summaries, ids)
    trends = Trends(today, parsed=len(missing))
    first = min((c.day for chain in versions.values() for c, _ in chain), default=None)
    if first is None:
        return trends
    days = [today - dt.timedelta(weeks=n) for n in range(weeks, -1, -1)]
    days = [d for d in days if d >= first] or [today]
    pipelines: list[Totals] = [Totals() for _ in days]
    stage_counts: list[dict[Stage, int]] = [{} for _ in days]
    since = today - dt.timedelta(days=max(PERIODS) - 1)
    made: dict[int, Pipeline] = {}  # each version's pipeline, made once however many weeks it stands
    for path, chain in versions.items():
        states = _states(chain, summaries)
        if not states:
            continue
        own = []
        for day in days:
            summary = _week(states, day)
            if summary is None:
                own.append(_NOTHING)
            else:
                if id(summary) not in made:
                    made[id(summary)] = _pipeline(summary, currency)
                own.append(made[id(summary)])
        account = path.stem
        trends.accounts[account] = [dict(t.value) for t, _ in own]
        for i, (totals, stages) in enumerate(own):
            _merge(pipelines[i], totals)
            for stage, count in stages.items():
                stage_counts[i][stage] = stage_counts[i].get(stage, 0) + count
        trends.movements.extend(m for m in _movements(account, states) if m.day >= since)
    trends.weeks = [Week(d, t, s) for d, t, s in zip(days, pipelines, stage_counts, strict=True)]
    trends.movements.sort(key=lambda m: (m.day, m.account, m.project), reverse=True)
    return trends


State = tuple[Commit, Summary | None]
"""A dossier as a commit left it: its summary, or None once deleted."""


def _states(chain: list[tuple[Commit, str | None]], summaries: dict[str, Summary | None]) -> list[State]:
    """The good versions of one dossier, oldest first: a version that does not validate is left out (the one
    before it stands), a deletion is kept (None: the account stops counting)."""
    states: list[State] = []
    for commit, blob in chain:
        if blob is None:
            states.append((commit, None))
        elif (summary := summaries.get(blob)) is not None:
            states.append((commit, summary))
    return states


Pipeline = tuple[Totals, dict[Stage, int]]
_NOTHING: Pipeline = (Totals(), {})


def _week(states: list[State], day: dt.date) -> Summary | None:
    """One dossier as it was at the end of `day`: the newest commit on or before it, as History.at."""
    return next((s for c, s in reversed(states) if c.day <= day), None)


def _pipeline(summary: Summary, currency: str) -> Pipeline:
    """One version's open pipeline and open projects per stage, added up as the Pipeline page adds today's
    (kadossier.dossier.portfolio.Totals: the same values, currencies and win rates)."""
    totals, stages = Totals(), dict[Stage, int]()
    for p in summary.projects:
        if p.is_open:
            totals.add_value(p.amount, p.currency, p.stage, p.win_rate, currency)
            stages[p.stage] = stages.get(p.stage, 0) + 1
    return totals, stages


def _merge(into: Totals, part: Totals) -> None:
    into.count += part.count
    for code, value in part.value.items():
        into.value[code] = into.value.get(code, 0.0) + value
    for code, value in part.weighted.items():
        into.weighted[code] = into.weighted.get(code, 0.0) + value


def _movements(account: str, states: list[State]) -> list[Movement]:
    """The stage movements of one dossier's projects, commit by commit (matched by project id)."""
    found: list[Movement] = []
    previous: Summary | None = None
    for commit, summary in states:
        if summary is not None and previous is not None:
            before = {p.id: p for p in previous.projects}
            for project in summary.projects:
                old = before.get(project.id)
                kind = _kind(old, project) if old is not None else None
                if kind is not None and old is not None:
                    found.append(
                        Movement(
                            kind,
                            account,
                            summary.name,
                            project.id,
                            project.name,
                            old.stage,
                            project.stage,
                            project.value,
                            commit.day,
                            commit.author,
                            commit.short,
                        )
                    )
        previous = summary
    return found


def _kind(old: Row, new: Row) -> str | None:
    """How a project moved between two versions (None: it did not, or it was not open before)."""
    if not old.is_open:
        return None
    if new.status is ProjectStatus.WON:
        return WON
    if new.status is ProjectStatus.LOST:
        return LOST
    if new.is_open and new.stage.rank != old.stage.rank:
        return FORWARD if new.stage.rank > old.stage.rank else BACKWARD
    return None


Rows = tuple[str, list[tuple[Any, ...]]] | None
"""A summary as plain data (how it is cached, and how a worker process sends it back)."""


def summarise(raw: bytes | None) -> Summary | None:
    """The summary of one version of a dossier; None if it does not parse or its projects do not validate."""
    return _summary(_summarise(None, raw))


def _summarise(_: object, raw: bytes | None) -> Rows:
    data = data_of(raw)
    if not isinstance(data, dict):
        return None
    items = data.get("projects") or []
    if not isinstance(items, list):
        return None
    try:
        # the projects are validated as the dossier's are (the rest of the dossier is not needed here)
        projects = [Project.model_validate(item) for item in items]
    except (ValidationError, TypeError, ValueError):
        return None
    name = data.get("name")
    rows = [
        _row(
            p.id,
            p.name,
            p.stage,
            p.status,
            p.value.amount if p.value else None,
            p.value.currency if p.value else None,
            p.win_rate,
        )
        for p in projects
    ]
    return (str(name) if name is not None else "", rows)


def _row(*fields: Any) -> tuple[Any, ...]:
    """A project as plain data: its vocabulary values as their text."""
    return tuple(getattr(f, "value", f) for f in fields)


def _summary(rows: Rows) -> Summary | None:
    """A summary from its plain data; raises ValueError, TypeError on data that is not one."""
    if rows is None:
        return None
    name, projects = rows
    return Summary(
        str(name),
        tuple(
            Row(
                str(ident),
                str(title),
                Stage(stage),
                ProjectStatus(status),
                None if amount is None else float(amount),
                None if code is None else str(code),
                None if rate is None else int(rate),
            )
            for ident, title, stage, status, amount, code, rate in projects
        ),
    )


def _rows(summary: Summary | None) -> Rows:
    if summary is None:
        return None
    return (
        summary.name,
        [(p.id, p.name, p.stage.value, p.status.value, p.amount, p.currency, p.win_rate) for p in summary.projects],
    )


class _Store:
    """The cached summaries: one file, `{content id: summary}`, named by the cache key of the summaries' format.

    One file rather than one per version: a rebuild reads a thousand summaries in one read, and writes them in
    one (whole or not at all) only when a commit brought new versions."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.path = folder / (cache.key({"trends summaries": SUMMARY_FORMAT}) + SUFFIX) if folder else None

    def load(self, ids: set[str]) -> dict[str, Summary | None]:
        """The summaries of `ids` found in the cache."""
        if self.path is None:
            return {}
        try:
            entries = json.loads(self.path.read_bytes())
            return {blob: _summary(entries[blob]) for blob in ids if blob in entries}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:  # damaged: summarised again
            log.debug(f"trends cache: {self.path} not read ({exc})")
            return {}

    def save(self, summaries: dict[str, Summary | None], ids: set[str]) -> None:
        """Store the summaries of `ids` (the versions of the history now: the others are dropped), and remove
        the files of other formats; a cache that cannot be written is made again next time."""
        if self.folder is None or self.path is None:
            return
        target = self.path
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            entries = {blob: _rows(summaries.get(blob)) for blob in sorted(ids)}
            temporary.write_bytes(json.dumps(entries, ensure_ascii=False).encode())
            os.replace(temporary, target)
            for old in self.folder.iterdir():
                if old.is_file() and old != target:
                    old.unlink(missing_ok=True)
        except OSError as exc:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
            log.debug(f"trends cache: {target} not written ({exc})")
