"""Make every PDF of a build: cached ones published, the others rendered in processes of their own.

1. Each PDF's cache key (`Renderer.inputs`) says whether `.kadossier-cache/pdf/` holds it as it was made;
   those are published from there (`kadossier.pdf.cache`), not rendered.
2. The HTML of the others is made in worker processes; its characters decide the cached subset font.
3. Each PDF renders in a process of its own (a time and memory limit each); one account's failure is
   reported by name and does not stop the others. WeasyPrint's own warnings come back in the report.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from weasyprint.urls import FatalURLFetchingError

from kadossier.dossier.portfolio import Account
from kadossier.errors import Problem
from kadossier.i18n import tr
from kadossier.pdf import fonts
from kadossier.pdf.cache import PdfCache
from kadossier.pdf.render import (
    TEMPLATES,
    Job,
    Renderer,
    describe_failure,
    style_problems,
    weasyprint_problems,
    weasyprint_warnings,
)
from kadossier.render.brief import briefed
from kadossier.render.links import PDF_DIR
from kadossier.utils.parallel import isolated_imap, parallel_map

PROGRESS_FROM = 8
"""Show a progress bar when at least this many PDFs are rendered (and stderr is a terminal)."""


def build_jobs(accounts: Iterable[Account]) -> list[Job]:
    """Every account's pack, and a brief for each of its planned visits."""
    jobs = []
    for account in accounts:
        jobs.append(Job(account))
        jobs += [Job(account, v.id) for v in account.dossier.visits if briefed(v)]
    return jobs


@dataclass(slots=True)
class Report:
    """What a PDF build did: PDFs rendered and copied from the cache, failures, warnings, time."""

    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def build(
    renderer: Renderer,
    jobs: list[Job],
    out_dir: Path,
    *,
    workers: int | None = None,
    prune: bool = True,
    progress: bool = True,
) -> Report:
    """Make every job's PDF under `out_dir` (cached ones are copied); report what happened."""
    started = time.perf_counter()
    report = Report()
    store = PdfCache(renderer.cache_dir / "pdf")
    keys = {job.name: renderer.key(job) for job in jobs}
    todo = []
    for job in jobs:
        if store.intact(keys[job.name]):
            store.publish(keys[job.name], out_dir / job.uri.removeprefix(f"{PDF_DIR}/"))
            report.cached.append(job.name)
        else:
            todo.append(job)
    if todo:
        pdfs = _prepare(renderer, todo, {job.name: store.path(keys[job.name]) for job in todo}, report, workers)
        if pdfs:
            for pdf in _render_all(renderer, pdfs, report, workers, progress):
                store.made(keys[pdf.job.name])
                store.publish(keys[pdf.job.name], out_dir / pdf.job.uri.removeprefix(f"{PDF_DIR}/"))
                report.rendered.append(pdf.job.name)
    store.save(keys.values(), prune=prune)
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True, slots=True)
class Html:
    """The HTML of one PDF, or why it could not be made."""

    text: str
    failure: str | None = None


@dataclass(frozen=True, slots=True)
class _Pdf:
    """One PDF to render: its job, its HTML and the file it goes to."""

    job: Job
    html: str
    target: Path


@dataclass(frozen=True, slots=True)
class _Rendering:
    """What every render process needs: the renderer (its parsed style and loaded fonts) and the fonts."""

    renderer: Renderer
    fontset: fonts.FontSet
    reported: frozenset[str]
    """The characters no font has, which kadossier reports itself (WeasyPrint's lines for them are dropped)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a render process sends back: why the PDF was not made (None: it was), and WeasyPrint's warnings."""

    failure: str | None
    warnings: list[str]


def _prepare(
    renderer: Renderer, todo: list[Job], targets: dict[str, Path], report: Report, workers: int | None
) -> list[_Pdf]:
    """Make the HTML of every PDF to render, the fonts it needs and the style; report what fails or warns."""
    renderer.fetch_old_versions({id(j.account): j.account for j in todo}.values())
    htmls = parallel_map(_html, todo, context=renderer, jobs=workers)
    pdfs = []
    for job, html in zip(todo, htmls, strict=True):
        if html.failure is not None:
            report.failed.append((job.name, html.failure))
        else:
            pdfs.append(_Pdf(job, html.text, targets[job.name]))
    return pdfs


def _render_all(
    renderer: Renderer, pdfs: list[_Pdf], report: Report, workers: int | None, progress: bool
) -> Iterator[_Pdf]:
    """Render `pdfs`, each in a process of its own; yield those made, report those not and the warnings."""
    fontset = renderer.font_cache.ensure(set().union(*(fonts.glyph_chars(pdf.html) for pdf in pdfs)))
    report.warnings += renderer.missing_glyphs([(pdf.job, pdf.html) for pdf in pdfs], fontset)
    reported = frozenset().union(*(renderer.unprintable(pdf.html, fontset) for pdf in pdfs))
    report.warnings += style_problems(renderer, fontset, reported)
    renderer.warm_up(fontset)
    rendering = isolated_imap(
        _render,
        pdfs,
        context=_Rendering(renderer, fontset, reported),
        jobs=workers,
        timeout=renderer.timeout,
        memory=renderer.memory_limit,
    )
    warned: dict[str, dict[str, list[str]]] = {kind: {} for kind in TEMPLATES}
    for pdf, outcome in _with_progress(rendering, len(pdfs), progress):
        if isinstance(outcome, str):  # the process was stopped, or died
            report.failed.append((pdf.job.name, outcome))
            continue
        for message in outcome.warnings:
            warned[pdf.job.kind].setdefault(message, []).append(pdf.job.name)
        if outcome.failure is not None:
            report.failed.append((pdf.job.name, outcome.failure))
        else:
            yield pdf
    for kind, messages in warned.items():
        report.warnings += weasyprint_problems(renderer, TEMPLATES[kind], messages)


def _html(renderer: Renderer, job: Job) -> Html:
    try:
        return Html(renderer.html(job))
    except Exception as exc:  # one account's failure is reported, the others go on
        return Html("", describe_failure(exc))


def _render(context: _Rendering, pdf: _Pdf) -> Rendered:
    with weasyprint_warnings(context.reported) as messages:
        try:
            context.renderer.write(pdf.html, pdf.target, context.fontset)
        except MemoryError:
            limit = context.renderer.memory_limit or 0
            return Rendered(tr("over the memory limit for one PDF ({mib} MiB)", mib=limit // 2**20), list(messages))
        except (Exception, FatalURLFetchingError) as exc:  # reported by name; the others go on
            return Rendered(describe_failure(exc), list(messages))
    return Rendered(None, list(messages))


def _with_progress(
    results: Iterator[tuple[_Pdf, Rendered | str]], total: int, progress: bool
) -> Iterator[tuple[_Pdf, Rendered | str]]:
    if not progress or total < PROGRESS_FROM or not sys.stderr.isatty():
        yield from results
        return
    import click

    with click.progressbar(length=total, label=tr("rendering {total} PDFs", total=total), file=sys.stderr) as bar:
        for result in results:
            bar.update(1)
            yield result
