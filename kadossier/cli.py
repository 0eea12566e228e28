"""The `kadossier` command line: a thin layer that turns arguments into library calls and errors into
clean messages. Exit status: 0 fine, 1 problems found, 2 usage errors, 3 internal errors.

Messages are in one language per command: `--lang`, else the `language` setting of the workspace the command
runs in (a look at mkdocs.yml's text, before anything is read or checked), else English — never the
environment's LANG. A document (the site, a PDF, an export) is in its workspace's language whatever `--lang`
says, and so are the findings a document command prints: they are the document's own (see README).
"""

from __future__ import annotations

import gettext
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kadossier.errors import KadossierError, Problem, Severity, WorkspaceError
from kadossier.i18n import LANGUAGES, ntr, speaking, tr
from kadossier.utils import clock
from kadossier.workspace.locate import DOSSIER_SUFFIXES, Workspace, find
from kadossier.workspace.options import BuildOptions
from kadossier.workspace.root import config_above, language_of

if TYPE_CHECKING:
    from kadossier.dossier.companies import Companies
    from kadossier.dossier.custom import CustomFields
    from kadossier.dossier.method import Method

# click writes its own words (usage errors, help headings) through the standard library's gettext, which
# follows LANG: point its domain at no catalog, so they are English wherever the command runs.
gettext.bindtextdomain(gettext.textdomain(), os.devnull)


@dataclass
class Context:
    """What every command gets from the global options."""

    given_today: date | None
    """The day `--today` gave, if any."""
    verbose: bool
    lang: str | None = None
    """The language `--lang` asked for, if any."""
    _workspace: Workspace | None = None
    companies_errors: int = 0
    """How many errors `companies()` found in the competitor profiles."""

    @property
    def today(self) -> date:
        """The day dates are judged as of: `--today`, else the date in the workspace's time zone (when the
        command runs in a workspace that sets one), else the machine's local date."""
        if self.given_today is not None:
            return self.given_today
        try:
            timezone = self.workspace.settings.timezone
        except KadossierError:  # outside a workspace, or one whose settings are broken: the command says so
            timezone = None
        return clock.today(timezone)

    @property
    def workspace(self) -> Workspace:
        """The workspace around the current directory (found once)."""
        if self._workspace is None:
            self._workspace = find(Path.cwd())
        return self._workspace

    @property
    def roster_names(self) -> frozenset[str]:
        """The names of the workspace's declared roster (none outside a workspace)."""
        try:
            return self.workspace.settings.roster_names
        except KadossierError:
            return frozenset()

    @property
    def method(self) -> Method:
        """The workspace's method thresholds (the defaults outside a workspace)."""
        from kadossier.dossier.method import Method

        try:
            return self.workspace.settings.method
        except KadossierError:
            return Method()

    @property
    def fields(self) -> CustomFields:
        """The workspace's declared custom fields (none outside a workspace)."""
        from kadossier.dossier.custom import CustomFields

        try:
            return self.workspace.settings.custom_fields
        except KadossierError:
            return CustomFields()

    def companies(self) -> Companies | None:
        """The workspace's competitor profiles; their file's problems are printed, and then (as outside a
        workspace) None: refs are not checked, rather than each reported as unknown."""
        try:
            workspace = self.workspace
        except KadossierError:
            return None
        companies, problems = workspace.companies()
        for problem in problems:
            _echo_problem(problem)
        self.companies_errors = len(problems)
        return None if problems else companies

    @property
    def warned(self) -> frozenset[str]:
        """The red-flag codes that are warnings (`--strict` fails on them): the workspace's `warn`, else the
        default set."""
        from kadossier.dossier.checks import DEFAULT_WARN

        try:
            return self.workspace.settings.warned
        except KadossierError:
            return DEFAULT_WARN

    def options(self, *, redact: bool = False, pdf: bool = True, strict: bool = False) -> BuildOptions:
        """The options of this command's outputs: the workspace's settings with the command line's choices."""
        return BuildOptions.make(self.workspace.settings, today=self.today, redact=redact, pdf=pdf, strict=strict)


class _Group(click.Group):
    """Report `KadossierError`s as one clean line; anything else is a bug, shown in full with -v."""

    def invoke(self, ctx: click.Context) -> Any:
        from jinja2 import TemplateError

        from kadossier.render.templating import template_problem

        try:
            try:
                return super().invoke(ctx)
            except TemplateError as exc:  # a workspace's own template is the user's code
                raise template_problem(exc) from exc
        except KadossierError as exc:
            message = (
                tr("{where}: error: {message}", where=exc.where, message=exc)
                if exc.where
                else tr("kadossier: error: {message}", message=exc)
            )
            click.secho(message, err=True, fg="red")
            ctx.exit(2 if isinstance(exc, WorkspaceError) else 1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # output piped into `head`: stop quietly, as other tools do
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps interpreter shutdown from failing again
            ctx.exit(1)
        except Exception as exc:
            if isinstance(ctx.obj, Context) and ctx.obj.verbose:
                raise
            if isinstance(exc, OSError) and exc.filename is not None:  # disk full, read-only folder: the user's to fix
                click.secho(
                    tr("{where}: error: {message}", where=exc.filename, message=exc.strerror or exc), err=True, fg="red"
                )
                ctx.exit(1)
            click.secho(
                tr(
                    "kadossier: internal error: {error}; run with --verbose for the traceback, and please report it",
                    error=repr(exc),
                ),
                err=True,
                fg="red",
            )
            ctx.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kadossier", prog_name="kadossier")
@click.option(
    "-C",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Run as if kadossier was started in DIR.",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Judge dates (red flags, upcoming visits) as of this day instead of today.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show internals: debug logging and tracebacks.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Language of messages (default: the workspace's language setting; English outside a workspace).",
)
@click.pass_context
def main(ctx: click.Context, directory: Path | None, today: datetime | None, verbose: bool, lang: str | None) -> None:
    """Key-account dossiers as code: validate them, build the team wiki and briefing PDFs."""
    if directory is not None:
        os.chdir(directory)
    ctx.with_resource(speaking(lang or _workspace_language()))  # until the command ends (CliRunner runs many)
    _check_year(today, "--today")
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(name)s: %(message)s")
    ctx.obj = Context(today.date() if today else None, verbose, lang)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings (red flags) too.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option(
    "--only-dossiers",
    is_flag=True,
    help="Skip the PATHS that are not in a workspace's dossiers folder (for pre-commit, which passes every YAML file).",
)
@click.option(
    "--fix",
    is_flag=True,
    help="First rewrite the ASCII commas between Chinese characters in [..] and {..} to '，', in place.",
)
@click.pass_obj
def validate(
    obj: Context, paths: tuple[Path, ...], strict: bool, jobs: int | None, only_dossiers: bool, fix: bool
) -> None:
    """Check dossiers and print every problem as path:line:col: severity: message.

    PATHS are dossier files or folders of them; without any, every dossier of the workspace.
    """
    from kadossier.dossier.validate import check_companies, check_files
    from kadossier.utils.messages import display_path as shown_path
    from kadossier.workspace.locate import dossiers_among

    if only_dossiers:
        files = dossiers_among(_expand(paths))
    else:
        files = _expand(paths) if paths else obj.workspace.dossier_files()
    if fix:
        from kadossier.edit.commas import fix_commas

        for path in files:
            for fixed in fix_commas(path):
                click.echo(str(fixed))
    companies = obj.companies()
    profiles = [f for f in paths if f.is_file() and _profiles_file(obj, f)]
    files = [f for f in files if f not in profiles]  # competitor profiles named on the command line are no dossier
    problems = [p for f in profiles for p in check_companies(f)[1]]
    for path in profiles:
        click.echo(tr("{path}: checked as the workspace's competitor profiles", path=shown_path(path)))
    results = [
        result
        for fields, group in _by_custom_fields(obj, files).items()
        for result in check_files(
            group,
            obj.today,
            jobs=jobs,
            models=False,
            roster=obj.roster_names,
            method=obj.method,
            companies=companies,
            fields=fields,
        )
    ]
    order = {path: i for i, path in enumerate(files)}  # a dict: files.index would be quadratic at 1,000 files
    results.sort(key=lambda r: order[r.path])
    problems += [p for r in results for p in r.problems]
    for problem in problems:
        _echo_problem(problem)
    errors = sum(p.is_error for p in problems) + obj.companies_errors
    warnings = sum(p.severity is Severity.WARNING for p in problems)
    summary = ntr(
        "checked {n} dossier: {errors}, {warnings}",
        "checked {n} dossiers: {errors}, {warnings}",
        len(files),
        errors=ntr("{n} error", "{n} errors", errors),
        warnings=ntr("{n} warning", "{n} warnings", warnings),
    )
    failing = [p for p in problems if p.severity is Severity.WARNING and (not p.code or p.code in obj.warned)]
    failed = errors > 0 or (strict and bool(failing))
    if not paths:
        _note_outdated_schema(obj.workspace)
    click.secho(summary, fg="red" if failed else ("yellow" if warnings else "green"))
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--strict", is_flag=True, help="Fail on warnings, including the red flags the workspace warns on.")
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path), help="Build into DIR.")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF briefings (account packs and visit briefs).")
@click.option("--redact", is_flag=True, help="The shareable edition: no personal profiles or private contacts.")
@click.option("--force", is_flag=True, help="Build even if nothing changed since the last build.")
@click.option(
    "--offline",
    is_flag=True,
    help="The edition that opens from disk (file://), into site-offline/: pages end in .html, search needs no server.",
)
@click.pass_obj
def build(
    obj: Context, strict: bool, site_dir: Path | None, no_pdf: bool, redact: bool, force: bool, offline: bool
) -> None:
    """Build the team wiki and the PDF briefings (the same as `mkdocs build` in the workspace).

    When nothing changed since the last build (dossiers, templates, mkdocs.yml, options, the day, the git
    commit) and its site is as it left it, the build says so and stops; --force builds anyway.
    """
    from kadossier.build.run import build_site

    with _mkdocs_messages(obj.verbose):
        options = obj.options(redact=redact, pdf=not no_pdf, strict=strict)
        built = build_site(obj.workspace, options, site_dir=site_dir, force=force, offline=offline)
    folder, report = built.folder, built.report
    if built.up_to_date:
        click.echo(
            tr("site in {folder} is up to date: nothing changed since the last build", folder=os.path.relpath(folder))
        )
        return
    click.echo(tr("site built in {folder}", folder=os.path.relpath(folder)))
    if report is not None:
        click.echo(
            tr(
                "PDFs in {folder}: {rendered} rendered, {cached} unchanged, in {seconds} s",
                folder=os.path.relpath(folder / "pdf"),
                rendered=len(report.rendered),
                cached=len(report.cached),
                seconds=format(report.seconds, ".1f"),
            )
        )


@main.command()
@click.argument("account")
@click.option("--visit", "visit_id", metavar="VISIT_ID", help="Make the brief of this visit instead of the pack.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (default: ACCOUNT.pdf or ACCOUNT-VISIT_ID.pdf here).",
)
@click.option("--redact", is_flag=True, help="The shareable edition: no personal profiles or private contacts.")
@click.pass_obj
def pdf(obj: Context, account: str, visit_id: str | None, output: Path | None, redact: bool) -> None:
    """Render the account pack of ACCOUNT (a dossier file or an account id), or one visit's brief."""
    from kadossier.dossier.validate import check_file
    from kadossier.pdf.briefing import make_pdf
    from kadossier.site.staging import check_output
    from kadossier.utils.messages import did_you_mean

    workspace = obj.workspace
    path = _account_path(obj, account)
    document = workspace.settings.language  # the PDF's language, and so that of its red flags
    with speaking(document):
        companies = obj.companies()
        if obj.companies_errors:
            sys.exit(1)
        checked = check_file(
            path, obj.today, roster=obj.roster_names, method=obj.method, companies=companies, fields=obj.fields
        )
    if checked.dossier is None:
        for problem in checked.errors:
            _echo_problem(problem)
        sys.exit(1)
    if visit_id is not None and checked.dossier.visit(visit_id) is None:
        hint = did_you_mean(visit_id, {v.id for v in checked.dossier.visits})
        raise click.BadParameter(
            tr("{account} has no visit '{visit}'{hint}", account=checked.account, visit=visit_id, hint=hint),
            param_hint="--visit",
        )
    target = output or Path(f"{checked.account}.pdf" if visit_id is None else f"{checked.account}-{visit_id}.pdf")
    check_output(target, workspace.root, workspace.config_file, workspace.dossiers_dir)
    with speaking(document):
        warnings = make_pdf(workspace.root, obj.options(redact=redact), checked, visit_id, target)
    for problem in warnings:
        _echo_problem(problem)
    click.echo(tr("wrote {path}", path=target))


@main.command()
@click.option("-a", "--dev-addr", metavar="IP:PORT", help="Where to serve (default 127.0.0.1:8000).")
@click.option("-o", "--open", "open_in_browser", is_flag=True, help="Open the site in a browser.")
@click.pass_obj
def serve(obj: Context, dev_addr: str | None, open_in_browser: bool) -> None:
    """Serve the wiki with live reload while you edit dossiers (the same as `mkdocs serve`)."""
    from kadossier.build.run import serve_site

    with _mkdocs_messages(obj.verbose, info=True):
        serve_site(obj.workspace, dev_addr=dev_addr, open_in_browser=open_in_browser)


@main.command()
@click.argument("account")
@click.pass_obj
def history(obj: Context, account: str) -> None:
    """List the commits that changed ACCOUNT's dossier, newest first: date, commit, author, message."""
    from kadossier.history.git import read

    path = _account_path(obj, account)
    found = read(obj.workspace.dossiers_dir)
    if not found.available:
        click.echo(tr("no history: {note}", note=found.note))
        return
    if found.is_modified(path):
        click.echo(tr("(changes not committed yet)"))
    commits = found.of(path)
    for c in commits:
        click.echo(f"{c.day.isoformat()}  {c.short}  {c.author}  {c.subject}")
    if not commits:
        click.echo(tr("not committed yet"))


@main.command()
@click.option(
    "--since", default="7d", show_default=True, metavar="7d|DATE|REV", help="Days back, a date or a git revision."
)
@click.option("--owner", "who", metavar="NAME", help="Only the accounts NAME owns or is on the team of.")
@click.pass_obj
def digest(obj: Context, since: str, who: str | None) -> None:
    """What changed across all accounts in a period, from git, as Markdown: wins, then risks, then the rest."""
    from kadossier.dossier.roster import Roster, names_in
    from kadossier.dossier.validate import check_files
    from kadossier.history.digest import Rules, period_start
    from kadossier.history.digest import digest as make_digest
    from kadossier.history.git import read
    from kadossier.render.digest import markdown
    from kadossier.render.present import Presenter, load_labels

    workspace = obj.workspace
    settings = workspace.settings
    with speaking(settings.language):  # a document in the workspace's language
        start = period_start(since, obj.today)
        companies = obj.companies()
        if obj.companies_errors:
            sys.exit(1)
        rules = Rules(settings.roster_names, settings.method, companies, settings.custom_fields)
        files = workspace.dossier_files()
        keep = None
        if who is not None:
            current = check_files(
                files, obj.today, roster=settings.roster_names, method=settings.method, fields=settings.custom_fields
            )
            roster = Roster(settings.people, (n for c in current if c.dossier for n in names_in(c.dossier)))
            member = _our_person(roster, who, load_labels(settings.language, workspace.root)["ui"]["list_sep"])
            keep = lambda d: any(roster.member(n) == member for n in [d.owner, *d.team])  # noqa: E731
        found = make_digest(
            read(workspace.dossiers_dir),
            files,
            obj.today,
            start=start,
            revision="" if start is not None else since,
            rules=rules,
            keep=keep,
        )
        presenter = Presenter.of(obj.options(), workspace.root, companies)
        click.echo(markdown(found, presenter), nl=False)


@main.command()
@click.argument("account")
@click.option("--since", "since_rev", metavar="REV", help="Compare with this git revision (default HEAD).")
@click.option("--since-last-visit", is_flag=True, help="Compare with the dossier as of the last visit.")
@click.pass_obj
def diff(obj: Context, account: str, since_rev: str | None, since_last_visit: bool) -> None:
    """Show what changed in ACCOUNT's dossier as fields, commit by commit (people.x.attitude: a -> b)."""
    from kadossier.history.diff import since_last_visit as since_visit
    from kadossier.history.diff import since_revision
    from kadossier.history.git import read

    if since_rev and since_last_visit:
        raise click.UsageError(tr("use --since or --since-last-visit, not both"))
    path = _account_path(obj, account)
    found = read(obj.workspace.dossiers_dir)
    if not found.available or found.root is None:
        raise KadossierError(tr("no history to compare with: {note}", note=found.note))
    if since_last_visit:
        dossier = _checked_dossier(path, obj.today)
        last = dossier.last_visit(obj.today)
        if last is None:
            raise KadossierError(tr("{account} has no done visit yet; use --since REV", account=path.stem))
        result = since_visit(found, path, last.day)
        if result.base:
            click.echo(
                tr(
                    "since the last visit ({visit}, {day}); compared with {commit} of {commit_day}",
                    visit=last.id,
                    day=last.day.isoformat(),
                    commit=result.base.short,
                    commit_day=result.base.day.isoformat(),
                )
            )
        else:
            click.echo(
                tr(
                    "since the last visit ({visit}, {day}); compared with nothing (the dossier was new)",
                    visit=last.id,
                    day=last.day.isoformat(),
                )
            )
        steps = result.steps
    else:
        steps = since_revision(found, path, since_rev or "HEAD")
    for step in steps:
        c = step.commit
        click.echo(f"{c.short}  {c.day.isoformat()}  {c.author}  {c.subject}" if c else tr("(not committed yet)"))
        for change in step.changes:
            click.echo(f"  {change}")
    if not steps:
        click.echo(tr("no changes"))


@main.command()
@click.argument("account")
@click.argument("visit_id", required=False)
@click.option("--done", is_flag=True, help="Mark VISIT_ID done and add an empty, commented record block.")
@click.option("--plan", is_flag=True, help="Add a planned visit skeleton (id VISIT_ID, or DATE-visit).")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Date of the planned visit (default: today).")
@click.pass_obj
def visit(obj: Context, account: str, visit_id: str | None, done: bool, plan: bool, day: datetime | None) -> None:
    """Record a visit right after it (--done), or plan the next one (--plan), editing only those lines."""
    from kadossier.edit.visits import mark_done, plan_visit

    if done == plan:
        raise click.UsageError(tr("say what to do: --done VISIT_ID, or --plan"))
    _check_year(day, "--date")
    path = _account_path(obj, account)
    shown = os.path.relpath(path)
    if done:
        if visit_id is None:
            raise click.UsageError(tr("--done needs the VISIT_ID of the visit that took place"))
        for change in mark_done(path, visit_id, obj.today, obj.fields):
            click.echo(tr("{path}: visit {visit}: {change}", path=shown, visit=visit_id, change=change))
        return
    when = day.date() if day else obj.today
    new_id = visit_id or f"{when.isoformat()}-visit"
    plan_visit(path, new_id, when, obj.today, obj.fields)
    click.echo(
        tr(
            "{path}: planned visit {visit} on {day}; fill in its objective, people and agenda",
            path=shown,
            visit=new_id,
            day=when.isoformat(),
        )
    )


@main.command()
@click.argument("account")
@click.argument("item")
@click.option("--dropped", is_flag=True, help="Mark it dropped (no longer to be done) instead of done.")
@click.pass_obj
def close(obj: Context, account: str, item: str, dropped: bool) -> None:
    """Close the action or commitment ITEM of ACCOUNT: set its status to done (or dropped), editing only its lines.

    ITEM is an action's id, a commitment's id, or the key `kadossier agenda` shows for a commitment without one.
    """
    from kadossier.edit.items import close_item

    path = _account_path(obj, account)
    status = "dropped" if dropped else "done"
    closed = close_item(path, item, status, obj.today, obj.fields)
    shown, what = os.path.relpath(path), " ".join(closed.what.split())
    if status == "done":
        click.echo(tr("{path}: {item} is done: {what}", path=shown, item=item, what=what))
    else:
        click.echo(tr("{path}: {item} is dropped: {what}", path=shown, item=item, what=what))


@main.command()
@click.option("--owner", "who", metavar="NAME", help="Only what NAME (a name, former name or id) has to do.")
@click.option(
    "--days", type=click.IntRange(min=0, max=3660), default=14, show_default=True, help="How many days ahead to look."
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.pass_obj
def agenda(obj: Context, who: str | None, days: int, jobs: int | None) -> None:
    """List what is overdue and what is coming up, day by day: visits, actions, commitments, follow-ups.

    The days run from today through today + DAYS (as the dashboard's upcoming visits); open items without a
    date come last. Each row ends with what `kadossier close` or `kadossier visit` takes to act on it. Invalid
    dossiers are reported as `validate` reports them and left out (exit status 1); overdue items are not a
    failure. The files unchanged since the last agenda are not checked again (.kadossier-cache/agenda.json).
    """
    from kadossier.dossier.agenda import make_agenda, read_agenda, workspace_roster
    from kadossier.dossier.agenda_cache import cache_file
    from kadossier.i18n import active
    from kadossier.render.agenda import lay_out
    from kadossier.render.present import Presenter, load_labels

    workspace = obj.workspace
    settings = workspace.settings
    parts = read_agenda(
        workspace.dossier_files(),
        obj.today,
        roster=settings.roster_names,
        fields=settings.custom_fields,
        jobs=jobs,
        cache_file=cache_file(workspace.root),
    )
    member, roster = None, None
    if who is not None:
        roster = workspace_roster(settings.people, parts)
        separator = load_labels(active(), workspace.root)["ui"]["list_sep"]
        member = _our_person(roster, who, separator)
    plan = make_agenda(parts, obj.today, days, member, roster)
    presenter = Presenter(active(), settings.currency, obj.today, load_labels(active(), workspace.root))
    colours = {"overdue": "red", "today": "green"}
    for line in lay_out(plan, presenter):
        key = click.style(f"  {line.key}", dim=True) if line.key else ""
        click.echo(click.style(line.text, fg=colours.get(line.style or ""), bold=line.style is not None) + key)
    for problem in plan.invalid:
        _echo_problem(problem, err=True)
    if plan.invalid:
        bad = len({p.path for p in plan.invalid})
        click.secho(
            ntr(
                "{n} dossier is invalid and not in this agenda: fix it ('kadossier validate')",
                "{n} dossiers are invalid and not in this agenda: fix them ('kadossier validate')",
                bad,
            ),
            fg="red",
            err=True,
        )
        sys.exit(1)


def _by_custom_fields(obj: Context, files: list[Path]) -> dict[CustomFields, list[Path]]:
    """The files grouped by the custom fields they are checked against: those of the workspace each is in (a
    pre-commit run passes the dossiers of every workspace in the repository), else the current one's."""
    from kadossier.workspace.locate import open_workspace
    from kadossier.workspace.root import config_above

    declared: dict[Path | None, CustomFields] = {}
    groups: dict[CustomFields, list[Path]] = {}
    for path in files:
        config = config_above(path.absolute().parent.resolve())
        if config not in declared:
            declared[config] = open_workspace(config).settings.custom_fields if config else obj.fields
        groups.setdefault(declared[config], []).append(path)
    return groups


def _check_year(day: datetime | None, option: str) -> None:
    """Refuse a day outside the years a dossier's dates may fall in (a day after 9999-12-31 does not exist)."""
    from kadossier.dossier.fields import FIRST_YEAR, LAST_YEAR

    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise click.BadParameter(
            tr(
                "{day} is not in the years {first} to {last}",
                day=day.date().isoformat(),
                first=FIRST_YEAR,
                last=LAST_YEAR,
            ),
            param_hint=option,
        )


def _account_path(obj: Context, account: str) -> Path:
    """The dossier file of ACCOUNT: an account id, or a path to a dossier file."""
    path = Path(account) if account.lower().endswith(DOSSIER_SUFFIXES) else obj.workspace.account_file(account)
    if not path.is_file():
        raise click.BadParameter(tr("no dossier file {path}", path=path), param_hint="ACCOUNT")
    return path


def _note_outdated_schema(workspace: Workspace) -> None:
    """Say so when the workspace's JSON Schema no longer describes the format (editors then miss new fields)."""
    from kadossier.edit.scaffold import schema_outdated

    path = schema_outdated(workspace.dossiers_dir, workspace.settings.custom_fields)
    if path is not None:
        shown = os.path.relpath(path)
        click.secho(
            tr(
                "{path}: note: the JSON Schema is out of date, so editors do not offer the newer fields; "
                "the next 'kadossier build' rewrites it (or run 'kadossier schema -o {path}')",
                path=shown,
            ),
            err=True,
            fg="yellow",
        )


def _checked_dossier(path: Path, today: date) -> Any:
    """The valid dossier in `path`; print its errors and exit 1 if it is invalid."""
    from kadossier.dossier.custom import CustomFields
    from kadossier.dossier.validate import check_file
    from kadossier.workspace.locate import enclosing

    workspace = enclosing(path)
    checked = check_file(path, today, fields=workspace.settings.custom_fields if workspace else CustomFields())
    if checked.dossier is None:
        for problem in checked.errors:
            _echo_problem(problem)
        sys.exit(1)
    return checked.dossier


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["ics", "csv", "xlsx", "json"]), required=True, help="What to write."
)
@click.option(
    "--table",
    type=click.Choice(["accounts", "projects", "people", "visits", "competitors", "actions"]),
    default="accounts",
    show_default=True,
    help="For csv: which table (actions: the actions and commitments, with whether each is overdue).",
)
@click.option(
    "--owner",
    metavar="NAME",
    help="For ics: the calendar feed of one of our people (name, former name or id), as the site publishes it.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@click.option("--redact", is_flag=True, help="The shareable edition: no personal profiles or private contacts.")
@click.pass_obj
def export(obj: Context, fmt: str, table: str, owner: str | None, output: Path | None, redact: bool) -> None:
    """Export every account: a calendar of the visits (ics; with --owner, one person's feed), an Excel workbook
    of every table (xlsx), one table for scripts (csv), or JSON for tools."""
    from kadossier.dossier.portfolio import Account
    from kadossier.dossier.roster import Roster, names_in
    from kadossier.dossier.validate import check_files
    from kadossier.export import tables
    from kadossier.export.calendar import calendar, feed
    from kadossier.render.present import Presenter
    from kadossier.site.staging import check_output
    from kadossier.utils.files import write

    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise click.UsageError(tr("an xlsx workbook is a binary file: write it to a file with -o FILE.xlsx"))
    if owner is not None and fmt != "ics":
        raise click.UsageError(tr("--owner makes a person's calendar feed: use it with --format ics"))
    if owner is not None and redact:
        raise click.UsageError(tr("a person's calendar feed has no redacted edition: leave out --redact"))
    workspace = obj.workspace
    if output is not None:
        check_output(output, workspace.root, workspace.config_file, workspace.dossiers_dir)
    options = obj.options(redact=redact)
    with speaking(workspace.settings.language):  # the export is a document in the workspace's language
        companies = obj.companies()
        results = check_files(
            workspace.dossier_files(),
            obj.today,
            roster=workspace.settings.roster_names,
            method=workspace.settings.method,
            companies=companies,
            fields=workspace.settings.custom_fields,
        )
    errors = [p for r in results for p in r.errors]
    if obj.companies_errors:
        sys.exit(1)
    if errors:
        for problem in errors:
            _echo_problem(problem)
        click.secho(
            ntr(
                "nothing exported: {n} error in the dossiers",
                "nothing exported: {n} errors in the dossiers",
                len(errors),
            ),
            fg="red",
            err=True,
        )
        sys.exit(1)
    accounts = [Account.of(r, redact=options.redact) for r in results if r.dossier is not None]
    presenter = Presenter.of(options, workspace.root, companies)
    with speaking(workspace.settings.language):
        if fmt == "ics" and owner is not None:
            roster = Roster(options.settings.people, [n for a in accounts for n in names_in(a.dossier)])
            member = _our_person(roster, owner, presenter.ui["list_sep"])
            data = feed(accounts, roster, member, presenter, timezone=options.settings.timezone)
        elif fmt == "ics":
            data = calendar(accounts, presenter, timezone=options.settings.timezone)
        elif fmt == "csv":
            data = tables.table(table, accounts, presenter)
        elif fmt == "xlsx":
            data = tables.workbook(accounts, presenter)
        else:
            data = tables.json_export(accounts, presenter, redacted=options.redact)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write(output, data)
    click.echo(tr("wrote {path}", path=output), err=True)


def _our_person(roster: Any, who: str, separator: str) -> Any:
    """The member of `roster` that `--owner WHO` means (a name, former name or id); a usage error if none, with
    the names meant (a homophone typed with the IME, a near spelling), or else the list of our people."""
    member = roster.find(who)
    if member is not None:
        return member
    meant = roster.meant(who)
    message = (
        tr(
            "nobody of ours is called '{name}'; did you mean {names}?",
            name=who,
            names=separator.join(f"'{n}'" for n in meant),
        )
        if meant
        else tr(
            "nobody of ours is called '{name}'; our people are {names}",
            name=who,
            names=separator.join(m.name for m in roster.members),
        )
    )
    raise click.BadParameter(message, param_hint="'--owner'")


@main.command()
@click.argument("name")
@click.option("--slug", help="File name (account id) to use; default: made from NAME (pinyin for Chinese).")
@click.option("--owner", help="Account manager; default: your git user.name.")
@click.pass_obj
def new(obj: Context, name: str, slug: str | None, owner: str | None) -> None:
    """Create dossiers/<slug>.yaml for a new account NAME from a commented template."""
    from kadossier.edit.scaffold import default_owner, new_dossier

    workspace = obj.workspace
    owner = owner or default_owner(workspace.root)
    if not owner:
        raise click.UsageError(tr("who owns the account? pass --owner NAME (or set git config user.name)"))
    path = new_dossier(
        workspace.dossiers_dir,
        name,
        owner=owner,
        slug=slug,
        today=obj.today,
        workspace_root=workspace.root,
        language=workspace.settings.language,
        fields=workspace.settings.custom_fields,
    )
    click.echo(tr("created {path}", path=os.path.relpath(path)))


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map", "mapping", required=True, metavar="MAPPING", help="A mapping file, or a shipped one: zh-sheet, salesforce."
)
@click.option("--dry-run", is_flag=True, help="Say what would be created or changed, and every problem; write nothing.")
@click.option("--update", is_flag=True, help="Add new people, projects and visits to dossiers that exist already.")
@click.option("--owner", help="Account manager of accounts whose rows name none; default: your git user.name.")
@click.pass_obj
def import_(
    obj: Context, files: tuple[Path, ...], mapping: str, dry_run: bool, update: bool, owner: str | None
) -> None:
    """Bring accounts in from spreadsheets (.xlsx, .xls, .ods) or CSV files (a CRM export), one dossier each."""
    from kadossier.edit.scaffold import default_owner
    from kadossier.imports.run import Settings, apply, listing, plan

    workspace = obj.workspace
    settings = Settings(
        workspace.dossiers_dir,
        owner or default_owner(workspace.root),
        update,
        obj.today,
        workspace.settings.language,
        workspace.root,
        workspace.settings.custom_fields,
    )
    result = plan(list(files), mapping, settings)
    for problem in result.problems:
        _echo_problem(problem)
    if result.errors:
        click.echo(ntr("{n} error; nothing was written", "{n} errors; nothing was written", len(result.errors)))
        sys.exit(1)
    if not dry_run:
        apply(result, settings)
    for line in listing(result, done=not dry_run):
        click.echo(line)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "markdown"]),
    default="json",
    show_default=True,
    help="JSON Schema (draft 2020-12) or the Markdown field reference.",
)
@click.option(
    "--of",
    "of",
    type=click.Choice(["dossier", "competitors"]),
    default="dossier",
    show_default=True,
    help="The JSON Schema of a dossier, or of the workspace's competitor profiles (competitors.yaml).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.pass_obj
def schema(obj: Context, fmt: str, of: str, output: Path | None) -> None:
    """Print the dossier format's JSON Schema or field reference, generated from the models (with the
    workspace's custom fields, in a workspace)."""
    from kadossier.dossier.schema import COMPANIES_SCHEMA_FILE, SCHEMA_FILE, json_schema_text, markdown_reference
    from kadossier.site.staging import check_output
    from kadossier.utils.files import write
    from kadossier.workspace.locate import enclosing

    workspace = enclosing(output) if output is not None else None
    fields = workspace.settings.custom_fields if workspace is not None else obj.fields
    text = json_schema_text(of, fields) if fmt == "json" else markdown_reference(fields)
    if output is None:
        click.echo(text, nl=False)
        return
    # inside a workspace: never over its configuration, a dossier or .git (its own schema file may be refreshed)
    own = (
        {(workspace.dossiers_dir / name).resolve() for name in (SCHEMA_FILE, COMPANIES_SCHEMA_FILE)}
        if workspace
        else set()
    )
    if workspace is not None and output.resolve() not in own:
        check_output(output, workspace.root, workspace.config_file, workspace.dossiers_dir)
    write(output, text.encode("utf-8"))


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--currency", default="CNY", show_default=True, help="Default currency (ISO 4217).")
@click.option("--site-name", help="The site's title; default: 'Key accounts' in the workspace's language.")
@click.option("--owner", help="Owner of the example dossier; default: your git user.name.")
@click.pass_obj
def init(obj: Context, directory: Path, language: str, currency: str, site_name: str | None, owner: str | None) -> None:
    """Create a workspace in DIRECTORY: mkdocs.yml, .gitignore and dossiers/ with one example."""
    from kadossier.dossier.fields import currencies
    from kadossier.edit.scaffold import default_owner, init_workspace

    if currency not in currencies():
        raise click.BadParameter(
            tr("'{currency}' is not an ISO 4217 currency code", currency=currency), param_hint="--currency"
        )
    with speaking(language):  # the site's own text: in the site's language
        site_name = site_name or tr("Key accounts")
        owner = owner or default_owner(Path.cwd()) or tr("Account Manager")
    with speaking(obj.lang or language):  # the new workspace's language, unless --lang says otherwise
        for path in init_workspace(
            directory, language=language, currency=currency, site_name=site_name, owner=owner, today=obj.today
        ):
            click.echo(tr("created {path}", path=os.path.relpath(path)))


class _EchoHandler(logging.Handler):
    """Show MkDocs' log records (red flags, errors) on stderr, warnings in yellow and errors in red."""

    def emit(self, record: logging.LogRecord) -> None:
        color = "red" if record.levelno >= logging.ERROR else ("yellow" if record.levelno >= logging.WARNING else None)
        click.secho(record.getMessage(), err=True, fg=color)


@contextmanager
def _mkdocs_messages(verbose: bool, *, info: bool = False) -> Iterator[None]:
    """Route MkDocs' messages to the terminal while it builds (its own CLI would do the same)."""
    logger = logging.getLogger("mkdocs")
    level = logging.DEBUG if verbose else (logging.INFO if info else logging.WARNING)
    handler = _EchoHandler(level)
    logger.addHandler(handler)
    saved = logger.propagate, logger.level
    logger.propagate, logger.level = False, level
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate, logger.level = saved


def _expand(paths: Iterable[Path]) -> list[Path]:
    """The files to check: each file given, and every entry of each folder given (as in the dossiers folder)."""
    from kadossier.dossier.folder import entries

    files: list[Path] = []
    for path in paths:
        files += entries(path) if path.is_dir() and not path.is_symlink() else [path]
    return files


def _profiles_file(obj: Context, path: Path) -> bool:
    """Whether a file named on the command line is competitor profiles: the workspace's (the option
    `competitors`), or one called competitors.yaml outside the dossiers folder (where every file is a dossier)."""
    from kadossier.dossier.companies import is_companies_file

    try:
        workspace = obj.workspace
    except KadossierError:
        return is_companies_file(path)
    real = path.resolve()
    if real == workspace.companies_file.resolve():
        return True
    return is_companies_file(path) and real.parent != workspace.dossiers_dir.resolve()


def _echo_problem(problem: Problem, *, err: bool = False) -> None:
    color = "red" if problem.is_error else ("cyan" if problem.is_note else "yellow")
    text = str(problem)
    head = f"{problem.where}: "
    if not text.startswith(head):  # a translation that does not keep `where: ` first: colour it whole, cut nothing
        click.echo(click.style(text, fg=color), err=err)
        return
    click.echo(head + click.style(text[len(head) :], fg=color), err=err)


def _workspace_language() -> str:
    """The `language` setting of the workspace the command runs in, by a look at its mkdocs.yml; English outside
    a workspace (or where the setting is not written)."""
    try:
        config = config_above(Path.cwd().resolve())
    except OSError:  # the current folder was deleted: the command will say so, in English
        return "en"
    return (language_of(config) if config is not None else None) or "en"
